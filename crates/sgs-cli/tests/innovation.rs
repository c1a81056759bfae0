//! Lever 4 over HTTP, on SQLite and (with `TEST_POSTGRES_URL`) PostgreSQL: who may read and
//! change the Office of Innovation's work, the demo's status and signals, and each form from a
//! universal goal to a PDSA cycle, with bad input refused and nothing written.

mod common;

use axum::http::{header, StatusCode};
use common::*;
use sgs_domain::Role;

const BASE: &str = "/d/999901/innovation";

/// The id at the end of a redirect's location (`…/measures/7`).
fn created(reply: &Reply) -> i64 {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.headers[header::LOCATION].to_str().unwrap();
    location
        .split('#')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

#[tokio::test]
async fn staff_read_the_office_of_innovation_and_only_editors_change_it() {
    for app in apps().await {
        let name = app.name;
        for role in [Role::Family, Role::Partner] {
            let who = app.login(email(role)).await;
            for path in [
                BASE.to_string(),
                format!("{BASE}/goals"),
                format!("{BASE}/measures/1"),
            ] {
                assert_eq!(
                    app.get(&path, Some(&who)).await.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {role:?} on {path}"
                );
            }
        }
        assert_eq!(
            app.get(BASE, None).await.headers[header::LOCATION],
            "/login",
            "{name}: signed out"
        );
        let reviewer = app.login(email(Role::Reviewer)).await;
        let page = app.get(BASE, Some(&reviewer)).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(
            !page.body.contains("New initiative"),
            "{name}: a reviewer has no forms"
        );
        let refused = post(
            &app,
            &reviewer,
            &format!("{BASE}/initiatives"),
            &[("title", "Mine"), ("owner", "Me")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{name}");
        // Another district's administrator reads nothing here either.
        let analyst = app.login(email(Role::Analyst)).await;
        assert!(app
            .get(BASE, Some(&analyst))
            .await
            .body
            .contains("New initiative"));
        let no_token = app
            .post_form(
                &format!("{BASE}/initiatives"),
                Some(&analyst),
                "title=Mine&owner=Me",
            )
            .await;
        assert_eq!(no_token.status, StatusCode::BAD_REQUEST, "{name}: CSRF");
    }
}

#[tokio::test]
async fn the_demo_shows_status_from_signals_and_noise_that_stays_noise() {
    for app in apps().await {
        let name = app.name;
        let analyst = app.login(email(Role::Analyst)).await;
        let page = app.get(BASE, Some(&analyst)).await.body;
        // Six initiatives of the improvement work, three from the self-assessment.
        assert_eq!(
            page.matches("/innovation/initiatives/").count(),
            9,
            "{name}"
        );
        assert!(
            page.contains("Explore 3") && page.contains("Improve 3"),
            "{name}: the balance"
        );
        let measures = app.store.measures("999901").await.unwrap();
        let find = |part: &str| measures.iter().find(|m| m.name.contains(part)).unwrap();
        let absence = find("Chronic absence");
        let suspensions = find("Suspensions");
        let chart = app
            .get(&format!("{BASE}/measures/{}", absence.id), Some(&analyst))
            .await
            .body;
        assert!(
            chart.contains("below the median since"),
            "{name}: the drop is named"
        );
        assert!(chart.contains("the change is real"));
        assert!(
            chart.contains("class=\"dot signal\""),
            "{name}: signal points are marked"
        );
        let noise = app
            .get(
                &format!("{BASE}/measures/{}", suspensions.id),
                Some(&analyst),
            )
            .await
            .body;
        assert!(
            noise.contains("Only common-cause variation"),
            "{name}: the balancing measure is noise"
        );
        assert!(!noise.contains("class=\"dot signal\""));
        // The pilot initiative is on track because its outcome and process measures improve and
        // nothing is late or worse.
        let initiative = app
            .get(
                &format!("{BASE}/initiatives/{}", absence.initiative_id.unwrap()),
                Some(&analyst),
            )
            .await
            .body;
        assert!(
            initiative.contains("class=\"status on_track\""),
            "{name}: {initiative}"
        );
        assert!(initiative.contains("getting better"));
        // Values download with their centre lines and the rules each point takes part in.
        let csv = app
            .get(
                &format!("{BASE}/measures/{}/values.csv", absence.id),
                Some(&analyst),
            )
            .await
            .body;
        assert_eq!(csv.lines().count(), 25, "{name}");
        assert!(csv.lines().nth(24).unwrap().contains("Shift"), "{csv}");
        // The goal page breaks the goal down and shows the demo's barriers and strategies.
        let goals = app.get(&format!("{BASE}/goals"), Some(&analyst)).await.body;
        assert!(
            goals.contains("Emergent bilingual") && goals.contains("Near East Side"),
            "{name}"
        );
        assert!(
            goals.contains("Few dual-language seats")
                && goals.contains("Dual-language strands in the south side")
        );
        for raw in ["<strong>group:", "<strong>area:"] {
            assert!(
                !goals.contains(raw),
                "{name}: every population has its name"
            );
        }
        // The diagram and the ramp.
        let aim = app.store.driver_nodes("999901").await.unwrap()[0].id;
        let diagram = app
            .get(&format!("{BASE}/drivers/{aim}"), Some(&analyst))
            .await
            .body;
        assert!(
            diagram.contains("<svg") && diagram.contains("Call home on the first day"),
            "{name}"
        );
        assert_eq!(
            diagram.matches("/innovation/pdsa/").count(),
            3,
            "{name}: the ramp"
        );
    }
}

#[tokio::test]
async fn from_a_universal_goal_to_a_pdsa_cycle_with_bad_input_refused() {
    for app in apps().await {
        let name = app.name;
        let analyst = app.login(email(Role::Analyst)).await;

        // A universal goal, a barrier and a strategy.
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/goals"),
            &[
                ("title", "All read"),
                ("measure", "quality_seats"),
                ("target", "180"),
                ("deadline", "2028-2029"),
            ],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{name}");
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/goals"),
            &[
                ("title", "Every student reads by grade 3"),
                ("measure", "quality_seats"),
                ("target", "90"),
                ("deadline", "2028-2029"),
            ],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let goal = app
            .store
            .universal_goals("999901")
            .await
            .unwrap()
            .last()
            .unwrap()
            .id;
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/goals/{goal}/barriers"),
            &[
                ("population", "group:left_handed"),
                ("description", "x"),
                ("evidence", "y"),
            ],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(bad.body.contains("population"), "{}", bad.body);
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/goals/{goal}/barriers"),
            &[
                ("population", "area:west-side"),
                ("description", "No library branch"),
                ("evidence", "City library map"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");

        // An initiative from the year-one roadmap: six milestones dated from its start.
        let initiative = created(
            &post(
                &app,
                &analyst,
                &format!("{BASE}/initiatives"),
                &[
                    ("title", "Reading year one"),
                    ("owner", "Literacy office"),
                    ("lever_id", "l4"),
                    ("mode", "explore"),
                    ("start_date", "2026-01-10"),
                    ("due_date", "2026-12-31"),
                    ("budget", "25000"),
                    ("goal_id", &goal.to_string()),
                    ("roadmap", "yes"),
                ],
            )
            .await,
        );
        let milestones: Vec<_> = app
            .store
            .milestones("999901")
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.initiative_id == initiative)
            .collect();
        assert_eq!(milestones.len(), 6, "{name}");
        assert_eq!(milestones[0].due_date, "2026-02-10");
        assert_eq!(milestones[5].roadmap_step, Some(6));
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/initiatives"),
            &[("title", "x"), ("owner", "y"), ("budget", "lots")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("budget"), "{}", bad.body);
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/goals/{goal}/strategies"),
            &[
                ("population", "area:west-side"),
                ("action", "Book vans to the library"),
                ("owner", "Family engagement"),
                ("initiative_id", &initiative.to_string()),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        let goals = app.get(&format!("{BASE}/goals"), Some(&analyst)).await.body;
        assert!(
            goals.contains("Book vans to the library") && goals.contains("Reading year one"),
            "{name}"
        );

        // A measure with values pasted as CSV: ten low, then ten high. The shift is named.
        let measure = created(
            &post(
                &app,
                &analyst,
                &format!("{BASE}/measures"),
                &[
                    ("name", "Minutes read at home"),
                    ("family", "outcome"),
                    ("better", "up"),
                    ("unit", "minutes"),
                    ("source", "manual"),
                    ("initiative_id", &initiative.to_string()),
                ],
            )
            .await,
        );
        let mut csv = String::from("period,value\n");
        for week in 1..=20 {
            let value = if week <= 10 {
                20 + week % 3
            } else {
                35 + week % 3
            };
            csv.push_str(&format!("W{week:02},{value}\n"));
        }
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{measure}/import"),
            &[("csv", "period,value\nW01,20\nW02,twenty\n")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            bad.body.contains("line 3") && bad.body.contains("twenty"),
            "{}",
            bad.body
        );
        assert!(
            app.store.measure_values(measure).await.unwrap().is_empty(),
            "{name}: nothing written"
        );
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{measure}/import"),
            &[("csv", &csv)],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let page = app
            .get(&format!("{BASE}/measures/{measure}"), Some(&analyst))
            .await
            .body;
        assert!(
            page.contains("10 points in a row above the median since W11"),
            "{name}: {page}"
        );
        // One more value by hand; then a new phase from W11 recomputes the center lines.
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{measure}/values"),
            &[("period", "W21"), ("value", "36")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(app.store.measure_values(measure).await.unwrap().len(), 21);
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{measure}/phases"),
            &[("phases", "W99")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{measure}/phases"),
            &[("phases", "W11")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let csv = app
            .get(
                &format!("{BASE}/measures/{measure}/values.csv"),
                Some(&analyst),
            )
            .await
            .body;
        let medians: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap())
            .collect();
        assert_ne!(
            medians[0], medians[15],
            "{name}: each phase has its own median"
        );

        // A driver diagram, level by level, and a PDSA cycle on its change idea.
        let aim = created(
            &post(
                &app,
                &analyst,
                &format!("{BASE}/drivers"),
                &[
                    ("text", "Every third grader reads 20 minutes a day"),
                    ("initiative_id", &initiative.to_string()),
                ],
            )
            .await,
        );
        let mut parent = aim;
        for text in [
            "Families have books at home",
            "A library card for every child",
            "Sign-up table at report-card night",
        ] {
            let reply = post(
                &app,
                &analyst,
                &format!("{BASE}/nodes/{parent}/children"),
                &[("text", text)],
            )
            .await;
            assert_eq!(
                reply.status,
                StatusCode::SEE_OTHER,
                "{name}: {}",
                reply.body
            );
            parent = app
                .store
                .driver_nodes("999901")
                .await
                .unwrap()
                .last()
                .unwrap()
                .id;
        }
        let idea = parent;
        let under_idea = post(
            &app,
            &analyst,
            &format!("{BASE}/nodes/{idea}/children"),
            &[("text", "deeper")],
        )
        .await;
        assert_eq!(under_idea.status, StatusCode::BAD_REQUEST, "{name}");
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/nodes/{aim}/measures"),
            &[("measure_id", &measure.to_string())],
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let cycle = created(
            &post(
                &app,
                &analyst,
                &format!("{BASE}/pdsa"),
                &[
                    ("change_idea_id", &idea.to_string()),
                    ("title", "Cycle 1: one school"),
                ],
            )
            .await,
        );
        let reply = post(
            &app,
            &analyst,
            &format!("{BASE}/pdsa/{cycle}"),
            &[
                ("title", "Cycle 1: one school"),
                ("question", "Do families sign up at the table?"),
                ("prediction", "30 sign-ups"),
                ("do_notes", "42 sign-ups"),
                ("study_notes", "Better than predicted"),
                ("act", "adopt"),
                ("next_steps", "Three schools"),
            ],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let bad = post(
            &app,
            &analyst,
            &format!("{BASE}/pdsa/{cycle}"),
            &[("title", "Cycle 1"), ("act", "ignore")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let diagram = app
            .get(&format!("{BASE}/drivers/{aim}"), Some(&analyst))
            .await
            .body;
        assert!(
            diagram.contains("Sign-up table at report-card night") && diagram.contains("Adopt"),
            "{name}"
        );
        assert!(
            diagram.contains("Minutes read at home"),
            "{name}: the aim's measure"
        );

        // Everything was audited.
        let actions: Vec<String> = app
            .store
            .audit_log("999901", 60)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for action in [
            "create_universal_goal",
            "add_barrier",
            "add_strategy",
            "add_milestones",
            "set_measure_values",
            "set_phase_starts",
            "add_driver_node",
            "create_pdsa",
            "update_pdsa",
        ] {
            assert!(
                actions.iter().any(|a| a == action),
                "{name}: {action} not audited"
            );
        }
    }
}

#[test]
fn sgs_chart_signals_names_the_signals_of_a_csv_series() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let run = |input: &str, args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sgs"))
            .args(["chart", "signals"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "0")
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let mut csv = String::from("period,value\n");
    for week in 1..=16 {
        csv.push_str(&format!(
            "W{week:02},{}\n",
            if week <= 8 {
                10 + week % 2
            } else {
                20 + week % 2
            }
        ));
    }
    let out = run(&csv, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["points"], 16);
    assert_eq!(json["run_chart"]["phases"][0]["median"], 15.5);
    let rules: Vec<&str> = json["run_chart"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"shift"), "{rules:?}");
    let shift = json["run_chart"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == "shift")
        .unwrap();
    assert_eq!(shift["points"].as_array().unwrap().len(), 8);
    assert!(
        shift["text"]["es"].as_str().unwrap().len() > 10,
        "in Spanish too"
    );
    // A new phase at W09: each phase is flat within itself, so the shift is gone.
    let phased = run(&csv, &["--phase-start", "W09"]);
    let json: serde_json::Value = serde_json::from_slice(&phased.stdout).unwrap();
    assert_eq!(json["run_chart"]["phases"].as_array().unwrap().len(), 2);
    assert!(json["run_chart"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["rule"] != "shift"));
    // Bad input names its line.
    let bad = run("period,value\nW01,3\nW02,n/a\n", &[]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("n/a"),
        "{stderr}"
    );
    let unknown = run(&csv, &["--phase-start", "W99"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("W99"));
}

#[tokio::test]
async fn measures_read_from_sgs_data_follow_the_north_star_and_the_match() {
    for app in apps().await {
        let name = app.name;
        let analyst = app.login(email(Role::Analyst)).await;
        let runs = app.store.match_runs("999901").await.unwrap();
        let id = created(
            &post(
                &app,
                &analyst,
                &format!("{BASE}/measures"),
                &[
                    ("name", "First choices"),
                    ("family", "outcome"),
                    ("better", "up"),
                    ("unit", "%"),
                    ("source", "match"),
                ],
            )
            .await,
        );
        let csv = app
            .get(&format!("{BASE}/measures/{id}/values.csv"), Some(&analyst))
            .await
            .body;
        assert_eq!(
            csv.lines().count(),
            1 + runs.len(),
            "{name}: one point per run: {csv}"
        );
        let official = runs.iter().find(|r| r.label == "Official match").unwrap();
        let share = 100.0
            * official.summary["overall"]["first_choice"]
                .as_f64()
                .unwrap()
            / official.summary["overall"]["students"].as_f64().unwrap();
        let row = csv
            .lines()
            .find(|l| l.contains(&format!("#{}", official.id)))
            .unwrap();
        let value: f64 = row.split(',').nth(1).unwrap().parse().unwrap();
        assert!(
            (value - share).abs() < 1e-9,
            "{name}: {row} against {share}"
        );
        // Values read from SGS are not typed in.
        let refused = post(
            &app,
            &analyst,
            &format!("{BASE}/measures/{id}/values"),
            &[("period", "x"), ("value", "1")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name}");
    }
}
