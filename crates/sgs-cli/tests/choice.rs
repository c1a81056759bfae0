//! Lever 3 for the enrollment office over HTTP, on SQLite and (with `TEST_POSTGRES_URL`)
//! PostgreSQL: who reaches applications and runs, the demo season's verified runs, explanations
//! in both languages, runs from a public value, refused uploads that change nothing, the
//! chances families see in the finder without any student data.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use sgs_domain::Role;

const BASE: &str = "/d/999901/enrollment";

/// Posts a multipart form as a browser sends one: the session's CSRF token, text fields and
/// files.
async fn multipart(
    app: &App,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str)],
) -> Reply {
    let csrf = app.csrf(cookie).await;
    let boundary = "sgs-test-boundary";
    let mut body = String::new();
    for (name, value) in [("csrf", csrf.as_str())].iter().chain(fields) {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n\
             Content-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let request = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// Uploads files as the season form sends them.
async fn upload(app: &App, cookie: &str, season: &str, files: &[(&str, String)]) -> Reply {
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    multipart(
        app,
        cookie,
        &format!("{BASE}/files"),
        &[("season", season)],
        &files,
    )
    .await
}

fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../docs/examples/choice/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test]
async fn only_the_enrollment_office_and_administrators_reach_applications() {
    for app in apps().await {
        let name = app.name;
        let runs = app.store.match_runs("999901").await.unwrap();
        let official = runs
            .iter()
            .find(|r| r.label == "Official match")
            .unwrap()
            .id;
        for role in [Role::Analyst, Role::Reviewer, Role::Partner, Role::Family] {
            let who = app.login(email(role)).await;
            for path in [
                BASE.to_string(),
                format!("{BASE}/runs/{official}"),
                format!("{BASE}/runs/{official}/files/assignments.csv"),
                format!("{BASE}/files/2023-2024/students.csv"),
            ] {
                assert_eq!(
                    app.get(&path, Some(&who)).await.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {role:?} on {path}"
                );
            }
            let overview = app.get("/d/999901", Some(&who)).await.body;
            assert!(
                !overview.contains("/enrollment\""),
                "{name}: no Enrollment link for {role:?}"
            );
        }
        for role in [Role::Enrollment, Role::Admin] {
            let who = app.login(email(role)).await;
            let page = app.get(BASE, Some(&who)).await;
            assert_eq!(page.status, StatusCode::OK, "{name}: {role:?}");
            assert!(page.body.contains("Official match") && page.body.contains("/enrollment\""));
        }
        assert_eq!(
            app.get(BASE, None).await.headers[header::LOCATION],
            "/login"
        );
    }
}

#[tokio::test]
async fn the_demo_season_is_verified_explained_compared_and_shown_to_families_as_chances() {
    for app in apps().await {
        let name = app.name;
        let staff = app.login(email(Role::Enrollment)).await;
        let runs = app.store.match_runs("999901").await.unwrap();
        assert_eq!(
            runs.len(),
            2,
            "{name}: the official run and the old policy replayed"
        );
        let official = runs.iter().find(|r| r.label == "Official match").unwrap();
        let old = runs.iter().find(|r| r.label != "Official match").unwrap();
        // The seed follows from the committed digest and the public value.
        let seed = sgs_match::Seed::derive(&official.input_digest, sgs_demo::choice::PUBLIC_VALUE);
        assert_eq!(official.seed, seed.to_string(), "{name}");
        let page = app
            .get(&format!("{BASE}/runs/{}", official.id), Some(&staff))
            .await
            .body;
        assert!(page.contains("Verified: re-running the match"), "{name}");
        assert!(
            page.contains("Near East Side"),
            "{name}: neighborhoods by name"
        );

        // A student's result in words, then in Spanish.
        let assignments = app
            .get(
                &format!("{BASE}/runs/{}/files/assignments.csv", official.id),
                Some(&staff),
            )
            .await
            .body;
        let row = assignments.lines().nth(5).unwrap();
        let (student, program) = (
            row.split(',').next().unwrap(),
            row.split(',').nth(1).unwrap(),
        );
        let explained = app
            .get(
                &format!("{BASE}/runs/{}?student={student}", official.id),
                Some(&staff),
            )
            .await
            .body;
        if program.is_empty() {
            assert!(
                explained.contains("No offer") || explained.contains("not offered"),
                "{name}: {explained}"
            );
        } else {
            assert!(
                explained.contains(&format!("({program}), choice")),
                "{name}: {row}"
            );
        }
        let spanish = app.spanish().await;
        let explained = app
            .get(
                &format!("{BASE}/runs/{}?student={student}", official.id),
                Some(&format!("{staff}; {spanish}")),
            )
            .await
            .body;
        assert!(
            explained.contains("Oferta") || explained.contains("oferta"),
            "{name}: in Spanish"
        );
        let unknown = app
            .get(
                &format!("{BASE}/runs/{}?student=NOBODY", official.id),
                Some(&staff),
            )
            .await
            .body;
        assert!(unknown.contains("No applicant has this id: NOBODY"));

        // Published inputs are de-identified: no student groups, no neighborhoods.
        let published = app
            .get(
                &format!("{BASE}/runs/{}/published/students.csv", official.id),
                Some(&staff),
            )
            .await
            .body;
        assert!(published.starts_with("student_id"), "{published}");
        assert!(
            !published.contains("econ_disadv") && !published.contains("east-side"),
            "{name}: de-identified"
        );

        // Deferred acceptance against the old immediate-acceptance policy.
        let compared = app
            .get(
                &format!("{BASE}/compare?a={}&b={}", old.id, official.id),
                Some(&staff),
            )
            .await;
        assert_eq!(compared.status, StatusCode::OK, "{name}");
        assert!(
            compared.body.contains("Worse choice")
                && compared.body.contains("Economically disadvantaged")
        );
        assert!(
            compared
                .body
                .contains("same lotteries: mean and 5–95% range"),
            "{name}: uncertainty bands"
        );

        // Families see chances per school and priority group, and nothing about any student.
        let finder = app.get("/d/999901/finder", None).await.body;
        assert!(
            finder.contains("Your chance of an offer") && finder.contains("neighborhood:"),
            "{name}"
        );
        assert!(
            !finder.contains("RK0") && !finder.contains("R600") && !finder.contains("R900"),
            "{name}: no student ids"
        );
        let spanish_finder = app.get("/d/999901/finder", Some(&spanish)).await.body;
        assert!(
            spanish_finder.contains("Su probabilidad de oferta")
                && spanish_finder.contains("vecindario:")
        );
    }
}

#[tokio::test]
async fn staff_run_from_a_public_value_and_bad_uploads_change_nothing() {
    for app in apps().await {
        let name = app.name;
        let staff = app.login(email(Role::Enrollment)).await;
        let before = app.store.choice_files("999901", "2023-2024").await.unwrap();

        // A run needs its seed's origin.
        let refused = post(
            &app,
            &staff,
            &format!("{BASE}/runs"),
            &[("season", "2023-2024"), ("label", "No seed")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(refused.body.contains("public value"), "{}", refused.body);
        let reply = post(
            &app,
            &staff,
            &format!("{BASE}/runs"),
            &[
                ("season", "2023-2024"),
                ("label", "Rehearsal"),
                ("public_value", "draw 9 9 9"),
            ],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let run = app
            .store
            .match_runs("999901")
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.label == "Rehearsal")
            .unwrap();
        assert_eq!(
            run.seed,
            sgs_match::Seed::derive(&run.input_digest, "draw 9 9 9").to_string()
        );
        assert_eq!(run.public_value.as_deref(), Some("draw 9 9 9"));
        // The same applications and public value give the same digest as the official run.
        let official = app
            .store
            .match_runs("999901")
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.label == "Official match")
            .unwrap();
        assert_eq!(run.input_digest, official.input_digest, "{name}");
        let bad_policy = post(
            &app,
            &staff,
            &format!("{BASE}/runs"),
            &[
                ("season", "2023-2024"),
                ("label", "x"),
                ("seed", &"0".repeat(64)),
                ("policy", "{\"mechanism\": \"coin_toss\"}"),
            ],
        )
        .await;
        assert_eq!(bad_policy.status, StatusCode::BAD_REQUEST, "{name}");

        // A bad row refuses the whole upload, naming file and line; nothing changes.
        let mut preferences = example("preferences.csv");
        preferences.push_str("A01,3,nowhere-k,3\n");
        let files = [
            ("programs.csv", example("programs.csv")),
            ("students.csv", example("students.csv")),
            ("preferences.csv", preferences),
        ];
        let refused = upload(&app, &staff, "2023-2024", &files).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            refused.body.contains("preferences.csv") && refused.body.contains("nowhere-k"),
            "{}",
            refused.body
        );
        assert_eq!(
            app.store.choice_files("999901", "2023-2024").await.unwrap(),
            before,
            "{name}: unchanged"
        );

        // The documented example as a season of its own, then chances with 20 lotteries.
        let files: Vec<(&str, String)> = [
            "programs.csv",
            "students.csv",
            "preferences.csv",
            "reserves.csv",
            "eligibility.csv",
            "policy.json",
        ]
        .into_iter()
        .map(|n| (n, example(n)))
        .collect();
        let reply = upload(&app, &staff, "2030-2031", &files).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        assert_eq!(
            app.store.choice_seasons("999901").await.unwrap(),
            ["2030-2031", "2023-2024"]
        );
        let reply = post(
            &app,
            &staff,
            &format!("{BASE}/chances"),
            &[("season", "2030-2031"), ("redraws", "20")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        let chances = app.store.offer_chances("999901").await.unwrap().unwrap();
        assert_eq!(
            (chances.season.as_str(), chances.redraws),
            ("2030-2031", 20)
        );
        let bad = post(
            &app,
            &staff,
            &format!("{BASE}/chances"),
            &[("season", "2030-2031"), ("redraws", "5")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        // Every change is audited, and no audit entry holds the files' contents.
        let audit = app.store.audit_log("999901", 20).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "set_choice_files")
                && audit.iter().any(|e| e.action == "record_match_run")
        );
        assert!(
            audit.iter().all(|e| !e
                .after
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
                .contains("A01,")),
            "{name}"
        );
    }
}

#[tokio::test]
async fn families_build_a_list_and_see_the_chances_of_the_whole_list() {
    for app in apps().await {
        let name = app.name;
        let stored = app.store.offer_chances("999901").await.unwrap().unwrap();
        let model: sgs_match::chance::ListModel =
            serde_json::from_value(stored.report["lists"].clone()).unwrap();
        assert_eq!(model.redraws, 100, "{name}: the demo keeps every redraw");
        let programs = stored.report["programs"].as_array().unwrap();
        let of_grade = |grade: &str| -> Vec<String> {
            programs
                .iter()
                .filter(|p| p["grade"] == grade)
                .map(|p| p["program_id"].as_str().unwrap().to_string())
                .collect()
        };
        let (k, six) = (of_grade("K"), of_grade("6"));
        assert!(k.len() >= 3 && !six.is_empty(), "{name}");

        // The finder links to the list builder, which shows as many rows as the longest list.
        let finder = app.get("/d/999901/finder", None).await.body;
        assert!(finder.contains("/d/999901/finder/list"), "{name}");
        assert!(
            finder.contains("this district&#39;s match never punishes that")
                || finder.contains("this district's match never punishes that"),
            "{name}: under deferred acceptance, true order is safe"
        );
        // Each school's row starts a list with it.
        let start = format!("/d/999901/finder/list?grade=K&amp;p1={}", k[0]);
        assert!(finder.contains(&start), "{name}: {start}");
        let started = app.get(&start.replace("&amp;", "&"), None).await.body;
        assert!(
            started.contains(&format!("<option value=\"{}\" selected>", k[0]))
                && started.contains("Your list's chances"),
            "{name}"
        );
        let empty = app.get("/d/999901/finder/list", None).await;
        assert_eq!(empty.status, StatusCode::OK, "{name}");
        assert!(empty.body.contains("Build your list"));
        let rows = model.longest_list.clamp(3, 12);
        assert!(empty.body.contains(&format!("name=\"p{rows}\"")));
        assert!(!empty.body.contains(&format!("name=\"p{}\"", rows + 1)));
        assert!(!empty.body.contains("Your list's chances"));

        // Three kindergarten programs in group 3 ("other") and the first also in group 2: the
        // page shows the model's numbers, choice by choice.
        let query = format!(
            "/d/999901/finder/list?grade=K&p1={}&g1=2&p2={}&g2=3&p3=&p4={}&g4=3",
            k[0], k[1], k[2]
        );
        let page = app.get(&query, None).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("Your list's chances"), "{name}");
        let chances = model
            .chances(&[(&k[0], 2), (&k[1], 3), (&k[2], 3)])
            .unwrap();
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        let result = &page.body[page.body.find("list-result").unwrap()..];
        let mut at = 0;
        for band in &chances.at {
            let shown = format!("<strong>{}</strong>", pct(band.mean));
            let found = result[at..].find(&shown).unwrap_or_else(|| {
                panic!("{name}: {shown} in order in {result}");
            });
            at += found + shown.len();
        }
        assert!(result.contains(&format!("<strong>{}</strong>", pct(chances.any.mean))));
        assert!(result.contains(&format!("<strong>{}</strong>", pct(chances.none.mean))));
        assert!(
            (chances.at.iter().map(|b| b.mean).sum::<f64>() - chances.any.mean).abs() < 1e-9,
            "{name}: the choices' chances add up to the chance of an offer"
        );
        // The blank third row is skipped: the result numbers the choices as entered.
        assert!(result.contains("<td>4</td>"), "{name}");
        assert!(
            !page.body.contains("RK0") && !page.body.contains("R600"),
            "{name}: no student ids"
        );

        // A first choice alone has the chance the finder shows for that school and group.
        let alone = model.chances(&[(&k[0], 3)]).unwrap();
        let report_mean = stored.report["report"]["programs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["program_id"] == k[0].as_str())
            .and_then(|p| {
                p["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["priority"] == 3)
            })
            .map(|g| g["chance"]["mean"].as_f64().unwrap());
        if let Some(mean) = report_mean {
            assert!((alone.at[0].mean - mean).abs() < 1e-4, "{name}");
        }

        // Mistakes are named on their row, and nothing is estimated.
        let repeated = app
            .get(
                &format!("/d/999901/finder/list?p1={}&p2={}", k[0], k[0]),
                None,
            )
            .await
            .body;
        assert!(repeated.contains("role=\"alert\""), "{name}");
        assert!(
            repeated.contains("Choice 2: this school is already your choice 1"),
            "{name}: {repeated}"
        );
        assert!(repeated.contains("aria-invalid=\"true\" aria-describedby=\"list-error-0\""));
        assert!(!repeated.contains("Your list's chances"));
        let mixed = app
            .get(
                &format!("/d/999901/finder/list?p1={}&p2={}", k[0], six[0]),
                None,
            )
            .await
            .body;
        assert!(
            mixed
                .contains("Choice 2: this school is for Grade 6, but choice 1 is for Kindergarten"),
            "{name}: {mixed}"
        );
        let unknown = app
            .get("/d/999901/finder/list?p1=nowhere-K&g1=9", None)
            .await
            .body;
        assert!(
            unknown.contains("this school is not in this season"),
            "{name}"
        );
        assert!(unknown.contains("choose a priority group from the list"));

        // In Spanish.
        let spanish = app.spanish().await;
        let es = app.get(&query, Some(&spanish)).await.body;
        assert!(
            es.contains("Arme su lista")
                && es.contains("Las probabilidades de su lista")
                && es.contains("Ninguna oferta de su lista")
                && es.contains("vecindario"),
            "{name}"
        );
    }
}

/// Posts families' responses to a run as the run page's form does.
async fn respond(app: &App, cookie: &str, run: i64, responses: &str) -> Reply {
    let path = format!("{BASE}/runs/{run}/responses");
    multipart(
        app,
        cookie,
        &path,
        &[("label", "")],
        &[("responses", responses)],
    )
    .await
}

/// The run a responses form made: its id and its page, which says it is verified.
async fn made_run(app: &App, cookie: &str, reply: Reply) -> (i64, String) {
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{}: {}",
        app.name,
        reply.body
    );
    let location = reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let id = location.rsplit('/').next().unwrap().parse().unwrap();
    let page = app.get(&location, Some(cookie)).await.body;
    assert!(
        page.contains("Verified: re-running the match"),
        "{}",
        app.name
    );
    (id, page)
}

#[tokio::test]
async fn declined_seats_move_down_the_waitlists_in_a_new_verified_run() {
    for app in apps().await {
        let name = app.name;
        let staff = app.login(email(Role::Enrollment)).await;
        let runs = app.store.match_runs("999901").await.unwrap();
        let official = runs.iter().find(|r| r.label == "Official match").unwrap();
        let files = app
            .store
            .match_run_files("999901", official.id)
            .await
            .unwrap();
        let file = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.clone())
                .unwrap()
        };
        // Offers before: student → (program, rank).
        let offers = |text: &str| -> std::collections::BTreeMap<String, (String, u32)> {
            text.lines()
                .skip(1)
                .filter_map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    (!c[1].is_empty())
                        .then(|| (c[0].to_string(), (c[1].to_string(), c[2].parse().unwrap())))
                })
                .collect()
        };
        let before = offers(&file("assignments.csv"));
        // Three students holding seats at programs with a waitlist decline; two others accept.
        let waitlisted: std::collections::BTreeSet<String> = file("waitlists.csv")
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        let decliners: Vec<&String> = before
            .iter()
            .filter(|(_, (p, _))| waitlisted.contains(p))
            .map(|(s, _)| s)
            .take(3)
            .collect();
        assert_eq!(decliners.len(), 3, "{name}");
        let accepters: Vec<&String> = before
            .keys()
            .filter(|s| !decliners.contains(s))
            .take(2)
            .collect();
        let mut responses = String::from("student_id,response\n");
        for s in &decliners {
            responses.push_str(&format!("{s},decline\n"));
        }
        for s in &accepters {
            responses.push_str(&format!("{s},Accept\n"));
        }

        // Other roles cannot.
        let family = app.login(email(Role::Family)).await;
        let refused = respond(&app, &family, official.id, &responses).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{name}");

        // A bad file is refused with its line, and no run is added.
        let bad = respond(
            &app,
            &staff,
            official.id,
            &format!(
                "student_id,response\n{},decline\nnobody,accept\n",
                decliners[0]
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            bad.body.contains("responses.csv:3: field student_id")
                && bad.body.contains("a student_id of the run"),
            "{name}: {}",
            bad.body
        );
        let maybe = respond(
            &app,
            &staff,
            official.id,
            &format!("student_id,response\n{},maybe\n", decliners[0]),
        )
        .await;
        assert!(maybe.body.contains("expected accept or decline"), "{name}");
        assert_eq!(
            app.store.match_runs("999901").await.unwrap().len(),
            runs.len(),
            "{name}: nothing kept"
        );

        let reply = respond(&app, &staff, official.id, &responses).await;
        let (new_id, page) = made_run(&app, &staff, reply).await;
        assert!(
            page.contains("after families&#39; responses")
                || page.contains("after families' responses"),
            "{name}"
        );
        assert!(
            page.contains(&format!("/runs/{0}\">Run {0}</a>", official.id)),
            "{name}: links the run it follows"
        );

        let new_files = app.store.match_run_files("999901", new_id).await.unwrap();
        let new_file = |name: &str| {
            new_files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.clone())
                .unwrap()
        };
        let after = offers(&new_file("assignments.csv"));
        let round: serde_json::Value = serde_json::from_str(&new_file("round.json")).unwrap();
        assert_eq!(round["follows"], official.id, "{name}");
        assert_eq!(round["declined"], 3, "{name}");
        assert_eq!(round["responses"], 5, "{name}");
        for s in &decliners {
            assert!(
                !after.contains_key(*s),
                "{name}: {s} declined and has no seat"
            );
        }
        // Nobody else loses a seat or gets a worse one; the freed seats went to someone.
        let mut moved = 0;
        for (s, (p, rank)) in &before {
            if decliners.contains(&s) {
                continue;
            }
            let (q, new_rank) = after
                .get(s)
                .unwrap_or_else(|| panic!("{name}: {s} lost {p}"));
            assert!(new_rank <= rank, "{name}: {s} fell from {p} to {q}");
            moved += usize::from(new_rank < rank);
        }
        let newly = after.keys().filter(|s| !before.contains_key(*s)).count();
        assert!(moved + newly >= 1, "{name}: a declined seat moved");
        assert_eq!(round["moved_up"], moved + newly, "{name}");
        // The same seed: every lottery number is what families were told.
        assert_eq!(new_file("lottery.csv"), file("lottery.csv"), "{name}");
        let runs_now = app.store.match_runs("999901").await.unwrap();
        let new_run = runs_now.iter().find(|r| r.id == new_id).unwrap();
        assert_eq!(new_run.seed, official.seed);
        assert_ne!(
            new_run.input_digest, official.input_digest,
            "{name}: the digest covers the changes"
        );
    }
}

#[tokio::test]
async fn a_run_keeps_its_inputs_when_the_season_files_are_replaced() {
    for app in apps().await {
        let name = app.name;
        let staff = app.login(email(Role::Enrollment)).await;
        let runs = app.store.match_runs("999901").await.unwrap();
        let official = runs.iter().find(|r| r.label == "Official match").unwrap();
        let run_page = format!("{BASE}/runs/{}", official.id);
        let published = format!("{run_page}/published/preferences.csv");
        let before = app.get(&published, Some(&staff)).await.body;

        // A correction to the season after the run: the first applicant's first choice now
        // has another priority.
        let season = app.store.choice_files("999901", "2023-2024").await.unwrap();
        let mut files: Vec<(&str, String)> = Vec::new();
        for (n, c) in &season {
            let mut content = c.clone();
            if n == "preferences.csv" {
                let mut lines: Vec<String> = c.lines().map(str::to_string).collect();
                let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
                let last = cells.len() - 1;
                cells[last] = if cells[last] == "3" {
                    "2".into()
                } else {
                    "3".into()
                };
                lines[1] = cells.join(",");
                content = lines.join("\n") + "\n";
            }
            files.push((n.as_str(), content));
        }
        let reply = upload(&app, &staff, "2023-2024", &files).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        assert_ne!(
            app.store.choice_files("999901", "2023-2024").await.unwrap(),
            season,
            "{name}: the season changed"
        );

        // The official run is still re-done from what it ran on.
        let page = app.get(&run_page, Some(&staff)).await.body;
        assert!(page.contains("Verified: re-running the match"), "{name}");
        assert_eq!(
            app.get(&published, Some(&staff)).await.body,
            before,
            "{name}"
        );
        // Its stored inputs are not among the outputs it lists.
        assert!(!page.contains("input-students.csv"), "{name}");

        // A run on the corrected season commits to other inputs.
        let reply = post(
            &app,
            &staff,
            &format!("{BASE}/runs"),
            &[
                ("season", "2023-2024"),
                ("label", "Corrected"),
                ("public_value", "draw 1 2 3"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        let corrected = app
            .store
            .match_runs("999901")
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.label == "Corrected")
            .unwrap();
        assert_ne!(corrected.input_digest, official.input_digest, "{name}");
    }
}

#[tokio::test]
async fn a_second_round_adds_late_applicants_and_keeps_every_first_round_offer() {
    for app in apps().await {
        let name = app.name;
        let staff = app.login(email(Role::Enrollment)).await;
        let runs = app.store.match_runs("999901").await.unwrap();
        let official = runs.iter().find(|r| r.label == "Official match").unwrap();
        let assignments =
            |files: &[(String, String)]| -> std::collections::BTreeMap<String, String> {
                files
                    .iter()
                    .find(|(n, _)| n == "assignments.csv")
                    .unwrap()
                    .1
                    .lines()
                    .skip(1)
                    .map(|l| {
                        let c: Vec<&str> = l.split(',').collect();
                        (c[0].to_string(), c[1].to_string())
                    })
                    .collect()
            };
        let first = assignments(
            &app.store
                .match_run_files("999901", official.id)
                .await
                .unwrap(),
        );

        // The season again, with one late kindergarten applicant (a `late` column).
        let season = app.store.choice_files("999901", "2023-2024").await.unwrap();
        let preferences = &season
            .iter()
            .find(|(n, _)| n == "preferences.csv")
            .unwrap()
            .1;
        let kindergarten: Vec<&str> = preferences
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(2))
            .filter(|p| p.ends_with("-K"))
            .take(1)
            .collect();
        let mut files: Vec<(&str, String)> = Vec::new();
        for (n, c) in &season {
            let content = match n.as_str() {
                "students.csv" => {
                    let mut lines = c.lines();
                    let mut out = format!("{},late\n", lines.next().unwrap());
                    for l in lines {
                        out.push_str(&format!("{l},\n"));
                    }
                    out.push_str("RLATE1,,K,,,true\n");
                    out
                }
                "preferences.csv" => format!("{c}RLATE1,1,{},3\n", kindergarten[0]),
                _ => c.clone(),
            };
            files.push((n.as_str(), content));
        }
        let reply = upload(&app, &staff, "2023-2024", &files).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );

        // A second round without responses yet.
        let path = format!("{BASE}/runs/{}/responses", official.id);
        let reply = multipart(
            &app,
            &staff,
            &path,
            &[("label", ""), ("second_round", "1")],
            &[],
        )
        .await;
        let (new_id, page) = made_run(&app, &staff, reply).await;
        assert!(page.contains("second round, 1 new applicants"), "{name}");

        let files = app.store.match_run_files("999901", new_id).await.unwrap();
        let second = assignments(&files);
        assert!(
            second.contains_key("RLATE1"),
            "{name}: the late applicant is in the round"
        );
        for (s, p) in &first {
            if !p.is_empty() {
                assert_eq!(second.get(s), Some(p), "{name}: {s} keeps {p}");
            }
        }
        let round: serde_json::Value =
            serde_json::from_str(&files.iter().find(|(n, _)| n == "round.json").unwrap().1)
                .unwrap();
        assert_eq!(round["second_round"], true);
        assert_eq!(round["added"], 1);
        // The first round is unchanged and still verified.
        let page = app
            .get(&format!("{BASE}/runs/{}", official.id), Some(&staff))
            .await
            .body;
        assert!(page.contains("Verified: re-running the match"), "{name}");

        // Without the second-round box, responses are required.
        let reply = multipart(&app, &staff, &path, &[("label", "")], &[]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(reply.body.contains("responses.csv is missing"), "{name}");
    }
}
