//! The self-assessment over HTTP on the demo district, on SQLite and (with `TEST_POSTGRES_URL`)
//! PostgreSQL: the whole cycle (open, invite, rate and come back, submit, spread, consensus,
//! close, results, CSV, follow-up work), who may do each step, and the privacy of individual
//! ratings: another rater, the administrator and staff are refused every page and download
//! that would show them, not only shown a page without them.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use sgs_cli::{demo_accounts, load_demo, DEMO_PASSWORD};
use sgs_store::Store;
use tower::ServiceExt;

const DEMO: &str = "999901";
const BASE: &str = "/d/999901/self-assessment";
const GOAL: &str = "l1.goals.board-adopted";

struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

struct App {
    name: &'static str,
    store: Store,
    router: Router,
    _keep: sgs_store::testing::TestStore,
}

/// Percent-encodes a form value.
fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A signed-in account: its session cookie and the CSRF token its pages carry.
struct Session {
    cookie: String,
    csrf: String,
}

impl App {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, path: &str, who: Option<&Session>) -> Reply {
        let mut request = Request::get(path);
        if let Some(who) = who {
            request = request.header(header::COOKIE, &who.cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, who: &Session, pairs: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", who.csrf.as_str())];
        all.extend_from_slice(pairs);
        self.post_raw(path, who, &form(&all)).await
    }

    async fn post_raw(&self, path: &str, who: &Session, body: &str) -> Reply {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &who.cookie);
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn login(&self, email: &str) -> Session {
        let request = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("email", email),
                ("password", DEMO_PASSWORD),
            ])))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}: login {email}",
            self.name
        );
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut who = Session {
            cookie,
            csrf: String::new(),
        };
        // Every signed-in page carries the token in its sign-out form.
        let page = self.get(&format!("/d/{DEMO}"), Some(&who)).await.body;
        let at = page.find("name=\"csrf\" value=\"").expect("a CSRF token") + 19;
        who.csrf = page[at..at + 64].to_string();
        who
    }

    async fn user_id(&self, email: &str) -> i64 {
        self.store
            .users(DEMO)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.email == email)
            .unwrap()
            .id
    }

    async fn assessment_id(&self, year: &str) -> i64 {
        self.store
            .assessments(DEMO)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.school_year.to_string() == year)
            .unwrap()
            .id
    }
}

async fn apps() -> Vec<App> {
    let mut apps = Vec::new();
    for test_store in sgs_store::testing::stores().await {
        let store = test_store.store.clone();
        load_demo(&store).await.unwrap();
        apps.push(App {
            name: test_store.name,
            router: sgs_web::router(sgs_web::AppState::new(store.clone())),
            store,
            _keep: test_store,
        });
    }
    apps
}

const ADMIN: &str = "admin@riverbend.example";
const FACILITATOR: &str = "analyst@riverbend.example";
const REVIEWER: &str = "reviewer@riverbend.example";
const BOARD: &str = "board@riverbend.example";
const ENROLLMENT: &str = "enrollment@riverbend.example";
const FAMILY: &str = "family@riverbend.example";

/// Opens `year` as the administrator with the analyst as facilitator, invites the reviewer
/// (cabinet) and the board member, and returns the assessment's id.
async fn open_with_two_raters(app: &App, admin: &Session, year: &str) -> i64 {
    let facilitator = app.user_id(FACILITATOR).await.to_string();
    let reply = app
        .post(
            BASE,
            admin,
            &[("school_year", year), ("facilitator_id", &facilitator)],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{}: {}",
        app.name,
        reply.body
    );
    let id = app.assessment_id(year).await;
    assert_eq!(
        reply.location.as_deref(),
        Some(format!("{BASE}/{id}").as_str())
    );
    for (email, seat) in [(REVIEWER, "cabinet"), (BOARD, "board")] {
        let user = app.user_id(email).await.to_string();
        let reply = app
            .post(
                &format!("{BASE}/{id}/raters"),
                admin,
                &[("user_id", &user), ("rater_role", seat)],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: invite {email}: {}",
            app.name,
            reply.body
        );
    }
    id
}

/// Every active indicator answered `level`, as form fields.
fn full_form(app_rubric: &sgs_assessment::Rubric, level: &str) -> Vec<(String, String)> {
    app_rubric
        .active_indicators()
        .map(|(_, _, i)| (format!("answer.{}", i.id), level.to_string()))
        .collect()
}

fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[tokio::test]
async fn the_whole_cycle_from_opening_to_follow_up_work() {
    for app in apps().await {
        let name = app.name;
        let admin = app.login(ADMIN).await;
        let id = open_with_two_raters(&app, &admin, "2026-2027").await;
        let url = format!("{BASE}/{id}");
        let home = app.get(&url, Some(&admin)).await;
        assert_eq!(home.status, StatusCode::OK, "{name}");
        assert!(
            home.body.contains("Rui Reviewer") && home.body.contains("Bea Board"),
            "{name}: the team"
        );
        assert!(home.body.contains("Board member"), "{name}: the seat");

        // The reviewer rates one indicator, saves, and comes back to the draft.
        let reviewer = app.login(REVIEWER).await;
        let note = format!("note.{GOAL}");
        let links = format!("links.{GOAL}");
        let answer = format!("answer.{GOAL}");
        let reply = app
            .post(
                &format!("{url}/rate"),
                &reviewer,
                &[
                    (&answer, "2"),
                    (&note, "The goal is drafted, not adopted"),
                    (&links, "https://riverbend.example/board/goal-draft.pdf"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        assert_eq!(
            reply.location.as_deref(),
            Some(format!("{url}/rate?saved=1").as_str())
        );
        let form = app
            .get(&format!("{url}/rate?saved=1"), Some(&reviewer))
            .await
            .body;
        assert!(form.contains("Draft saved"), "{name}");
        assert!(
            form.contains("The goal is drafted, not adopted"),
            "{name}: the note comes back"
        );
        assert!(
            form.contains("goal-draft.pdf"),
            "{name}: the link comes back"
        );
        assert!(
            form.contains("value=\"2\" checked"),
            "{name}: the answer comes back"
        );
        assert!(form.contains("1 / "), "{name}: progress counts one answer");

        // Submitting too early is refused with the count of missing answers; the draft stays.
        let reply = app
            .post(&format!("{url}/rate"), &reviewer, &[("action", "submit")])
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("indicators have no answer yet"),
            "{name}: {}",
            reply.body
        );
        assert!(reply.body.contains("The goal is drafted, not adopted"));

        // Both raters complete and submit; the board member says "don't know" everywhere but one.
        let record = app.store.assessment(DEMO, id).await.unwrap().unwrap();
        let rubric = app
            .store
            .rubric(DEMO, record.rubric_version)
            .await
            .unwrap()
            .unwrap();
        let mut all = full_form(&rubric, "3");
        all.retain(|(k, _)| k != &answer);
        all.push(("action".into(), "submit".into()));
        let reply = app
            .post(&format!("{url}/rate"), &reviewer, &pairs(&all))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let board = app.login(BOARD).await;
        let mut all = full_form(&rubric, "dont-know");
        all.retain(|(k, _)| k != &answer);
        all.push((answer.clone(), "4".into()));
        all.push(("action".into(), "submit".into()));
        let reply = app.post(&format!("{url}/rate"), &board, &pairs(&all)).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        // Submitted ratings are locked.
        let reply = app
            .post(
                &format!("{url}/rate"),
                &board,
                &[(&answer, "1"), ("action", "save")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(reply.body.contains("already submitted"));

        // The facilitator sees the spread, most disagreement first: the goal (2 against 4).
        let facilitator = app.login(FACILITATOR).await;
        let spread = app.get(&format!("{url}/spread"), Some(&facilitator)).await;
        assert_eq!(spread.status, StatusCode::OK, "{name}");
        assert!(spread.body.contains("2 / 2 raters submitted"), "{name}");
        let first = spread.body.find("<section class=\"sa-indicator\"").unwrap();
        let second = spread.body[first + 10..]
            .find("<section class=\"sa-indicator\"")
            .unwrap()
            + first
            + 10;
        let goal_text = &rubric.indicator(GOAL).unwrap().text.en;
        assert!(
            spread.body[first..second].contains(goal_text.as_str()),
            "{name}: the goal, where raters disagree most, comes first"
        );
        assert!(spread.body[first..second].contains("High disagreement"));
        assert!(
            spread.body.contains("The goal is drafted, not adopted"),
            "{name}: who said what"
        );

        // Consensus, then close.
        let reply = app
            .post(
                &format!("{url}/consensus"),
                &facilitator,
                &[
                    ("indicator_id", GOAL),
                    ("level", "2"),
                    ("rationale", "Drafted but not adopted"),
                    ("back", "1"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        for (indicator, level) in [("l1.qsa.tiers", "3"), ("pa.plan.north-star", "1")] {
            let reply = app
                .post(
                    &format!("{url}/consensus"),
                    &facilitator,
                    &[
                        ("indicator_id", indicator),
                        ("level", level),
                        ("rationale", "agreed"),
                    ],
                )
                .await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        }
        let bad = app
            .post(
                &format!("{url}/consensus"),
                &facilitator,
                &[("indicator_id", GOAL), ("level", "9"), ("rationale", "x")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(bad.body.contains("level 9"), "{}", bad.body);
        let consensus = app.store.consensus(id).await.unwrap();
        assert_eq!(consensus.len(), 3, "{name}");
        let reply = app.post(&format!("{url}/close"), &facilitator, &[]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        assert_eq!(
            reply.location.as_deref(),
            Some(format!("{url}/results").as_str())
        );

        // Results, now shared with the raters: levels, change since last year, heat map,
        // profile, priorities.
        let results = app.get(&format!("{url}/results"), Some(&reviewer)).await;
        assert_eq!(results.status, StatusCode::OK, "{name}");
        let body = &results.body;
        assert!(
            body.contains("Compared with 2024-2025"),
            "{name}: the latest closed year before"
        );
        assert!(
            body.contains("Lever profile") && body.contains("<svg"),
            "{name}"
        );
        assert!(body.contains("Heat map of indicators"));
        assert!(
            body.contains("<th scope=\"col\">2023-2024</th>")
                && body.contains("<th scope=\"col\">2026-2027</th>"),
            "{name}: three years in the heat map"
        );
        assert!(
            body.contains("heat heat-1"),
            "{name}: the goal at Emerging in colour"
        );
        assert!(body.contains("2 · Emerging"), "{name}: and in words");
        assert!(body.contains("Priorities") && body.contains("Flagged for discussion"));
        assert!(
            !body.contains("The goal is drafted, not adopted"),
            "{name}: no individual note in the results"
        );
        let csv = app
            .get(&format!("{url}/results.csv"), Some(&reviewer))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{name}");
        let header = csv.body.lines().next().unwrap();
        assert_eq!(header, "scope,lever_id,practice_id,indicator_id,indicator,consensus_level,consensus_label,raters_level_1,raters_level_2,raters_level_3,raters_level_4,raters_dont_know,range,high_disagreement,previous_level,change,priority_rank,rationale");
        let goal_row = csv
            .body
            .lines()
            .find(|l| l.contains(&format!(",{GOAL},")))
            .unwrap();
        let cells: Vec<&str> = goal_row.split(',').collect();
        // The goal: consensus 2; one rater at 2 and one at 4; range 2, flagged; no rank.
        assert_eq!(
            &cells[..3],
            ["indicator", "l1", "l1.goals"],
            "{name}: {goal_row}"
        );
        assert_eq!(cells[5], "2");
        assert_eq!(
            &cells[7..14],
            ["0", "1", "0", "1", "0", "2", "true"],
            "{name}: {goal_row}"
        );
        assert_eq!(cells[16], "", "flagged items are discussed, not ranked");
        // Practices and levers follow, each with the mean of its indicators' consensus.
        let lever_row = csv
            .body
            .lines()
            .find(|l| l.starts_with("lever,l1,,,"))
            .unwrap_or_else(|| panic!("{name}: no lever row in {}", csv.body));
        let levels: Vec<f64> = csv
            .body
            .lines()
            .filter(|l| l.starts_with("indicator,l1,"))
            .filter_map(|l| l.split(',').nth(5).and_then(|v| v.parse().ok()))
            .collect();
        let mean = levels.iter().sum::<f64>() / levels.len() as f64;
        let shown: f64 = lever_row.split(',').nth(5).unwrap().parse().unwrap();
        assert!(
            (shown - mean).abs() < 0.006,
            "{name}: {lever_row} against {mean}"
        );
        assert!(csv
            .body
            .lines()
            .any(|l| l.starts_with("practice,l1,l1.goals,,")));
        assert!(goal_row.ends_with("Drafted but not adopted"));
        assert!(
            !csv.body.contains("goal-draft.pdf"),
            "{name}: no evidence links in the results"
        );

        // Follow-up work from an indicator, by the facilitator.
        let reply = app
            .post(
                &format!("{url}/work"),
                &facilitator,
                &[
                    ("indicator_id", GOAL),
                    ("title", "Take the goal to the board"),
                    ("owner", "Ana Analyst"),
                    ("due_date", "2027-03-31"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let work = app.store.initiatives(DEMO).await.unwrap();
        let made = work
            .iter()
            .find(|w| w.title == "Take the goal to the board")
            .unwrap();
        assert_eq!(made.source_indicator_id.as_deref(), Some(GOAL), "{name}");
        assert_eq!(
            (made.lever_id.as_deref(), made.source_assessment_id),
            (Some("l1"), Some(id))
        );
        assert_eq!(made.due_date.as_deref(), Some("2027-03-31"));
        let results = app
            .get(&format!("{url}/results"), Some(&reviewer))
            .await
            .body;
        assert!(results.contains("Take the goal to the board"), "{name}");
        for bad in ["2027-02-30", "soon", ""] {
            let reply = app
                .post(
                    &format!("{url}/work"),
                    &facilitator,
                    &[
                        ("indicator_id", GOAL),
                        ("title", "x"),
                        ("owner", "y"),
                        ("due_date", bad),
                    ],
                )
                .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}: due {bad:?}");
        }
        // A rater who is not an editor may not create work.
        let reply = app
            .post(
                &format!("{url}/work"),
                &board,
                &[
                    ("indicator_id", GOAL),
                    ("title", "x"),
                    ("owner", "y"),
                    ("due_date", "2027-01-01"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}");

        // Once closed, nothing changes.
        let reply = app
            .post(
                &format!("{url}/consensus"),
                &facilitator,
                &[
                    ("indicator_id", GOAL),
                    ("level", "4"),
                    ("rationale", "late"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(reply.body.contains("is closed"));

        // Every step is in the audit log, with the actor.
        let actions: Vec<String> = app
            .store
            .audit_log(DEMO, 200)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| {
                e.entity.starts_with(&format!("assessment:{id}")) || e.action == "create_initiative"
            })
            .map(|e| format!("{} {}", e.action, e.actor))
            .collect();
        for expected in [
            format!("open_assessment {ADMIN}"),
            format!("invite_rater {ADMIN}"),
            format!("save_ratings {REVIEWER}"),
            format!("submit_ratings {BOARD}"),
            format!("record_consensus {FACILITATOR}"),
            format!("close_assessment {FACILITATOR}"),
            format!("create_initiative {FACILITATOR}"),
        ] {
            assert!(
                actions.contains(&expected),
                "{name}: {expected} in {actions:?}"
            );
        }
    }
}

#[tokio::test]
async fn individual_ratings_are_refused_to_everyone_but_the_rater_and_the_facilitator() {
    for app in apps().await {
        let name = app.name;
        let admin = app.login(ADMIN).await;
        let id = open_with_two_raters(&app, &admin, "2026-2027").await;
        let url = format!("{BASE}/{id}");
        let secret = "SECRET-reviewer-note-4471";
        let link = "https://riverbend.example/private/memo-4471.pdf";
        let reviewer = app.login(REVIEWER).await;
        let record = app.store.assessment(DEMO, id).await.unwrap().unwrap();
        let rubric = app
            .store
            .rubric(DEMO, record.rubric_version)
            .await
            .unwrap()
            .unwrap();
        let mut all = full_form(&rubric, "2");
        all.push((format!("note.{GOAL}"), secret.into()));
        all.push((format!("links.{GOAL}"), link.into()));
        all.push(("action".into(), "submit".into()));
        let reply = app
            .post(&format!("{url}/rate"), &reviewer, &pairs(&all))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );

        let board = app.login(BOARD).await;
        let state_admin = app.login("state@sgs.example").await;
        let staff = app.login(ENROLLMENT).await; // staff of the district, not on this team
        let facilitator = app.login(FACILITATOR).await;
        let private = [format!("{url}/spread"), format!("{url}/ratings.csv")];
        // While open, results are the facilitator's too.
        let open_results = [format!("{url}/results"), format!("{url}/results.csv")];
        for (who, label) in [
            (&board, "another rater"),
            (&admin, "the administrator"),
            (&state_admin, "the state administrator"),
            (&staff, "staff"),
        ] {
            for path in private.iter().chain(&open_results) {
                let reply = app.get(path, Some(who)).await;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {label} on {path}"
                );
                assert!(!reply.body.contains(secret), "{name}: {label} on {path}");
            }
            // Each rater's form shows only their own answers; there is no way to ask for another's.
            let own = app.get(&format!("{url}/rate"), Some(who)).await;
            assert!(
                !own.body.contains(secret),
                "{name}: {label} on the rating form"
            );
        }
        assert_eq!(
            app.get(&format!("{url}/rate"), Some(&board)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("{url}/rate"), Some(&staff)).await.status,
            StatusCode::FORBIDDEN,
            "{name}: not invited"
        );
        // Nor can the administrator make themselves facilitator now that a rating is in.
        let admin_id = app.user_id(ADMIN).await.to_string();
        let reply = app
            .post(
                &format!("{url}/facilitator"),
                &admin,
                &[("facilitator_id", &admin_id)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("cannot make themselves facilitator"),
            "{}",
            reply.body
        );
        for path in &private {
            assert_eq!(
                app.get(path, Some(&admin)).await.status,
                StatusCode::FORBIDDEN
            );
        }

        // The audit log says a rating was saved, never what it said.
        let audit = app.get(&format!("/d/{DEMO}/audit"), Some(&admin)).await;
        assert_eq!(audit.status, StatusCode::OK);
        assert!(audit.body.contains("save_ratings"), "{name}");
        assert!(
            !audit.body.contains(secret) && !audit.body.contains("memo-4471"),
            "{name}: the audit log"
        );

        // The rater and the facilitator do see them.
        let mine = app.get(&format!("{url}/rate"), Some(&reviewer)).await;
        assert!(mine.body.contains(secret), "{name}");
        for path in &private {
            let reply = app.get(path, Some(&facilitator)).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{name}: facilitator on {path}"
            );
            assert!(
                reply.body.contains(secret) && reply.body.contains("memo-4471"),
                "{name}: {path}"
            );
        }
        let csv = app
            .get(&format!("{url}/ratings.csv"), Some(&facilitator))
            .await
            .body;
        assert!(csv.starts_with("rater,seat,indicator_id,answer,note,evidence_links\n"));
        assert!(
            csv.contains(&format!("Rui Reviewer,cabinet,{GOAL},2,{secret},{link}")),
            "{name}: {csv}"
        );
        // Drafts are not shown even to the facilitator: the board member's unsent draft.
        let reply = app
            .post(
                &format!("{url}/rate"),
                &board,
                &[
                    (&format!("note.{GOAL}"), "DRAFT-board-9911"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let spread = app
            .get(&format!("{url}/spread"), Some(&facilitator))
            .await
            .body;
        assert!(
            !spread.contains("DRAFT-board-9911"),
            "{name}: drafts stay with the rater"
        );

        // After closing, results are shared but still hold no individual rating; the private
        // pages stay refused.
        let reply = app.post(&format!("{url}/close"), &facilitator, &[]).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        for path in &open_results {
            let reply = app.get(path, Some(&board)).await;
            assert_eq!(reply.status, StatusCode::OK, "{name}: {path} once closed");
            assert!(
                !reply.body.contains(secret) && !reply.body.contains("memo-4471"),
                "{name}: {path}"
            );
        }
        for path in &private {
            for who in [&board, &admin, &staff] {
                assert_eq!(
                    app.get(path, Some(who)).await.status,
                    StatusCode::FORBIDDEN,
                    "{name}: {path} once closed"
                );
            }
        }
        // Families are not on the team and see nothing.
        let family = app.login(FAMILY).await;
        for path in [
            url.clone(),
            format!("{url}/results"),
            format!("{url}/spread"),
        ] {
            assert_eq!(
                app.get(&path, Some(&family)).await.status,
                StatusCode::FORBIDDEN,
                "{name}: family on {path}"
            );
        }
        // Signed out: to the login page.
        let anonymous = app.get(&url, None).await;
        assert_eq!(
            (anonymous.status, anonymous.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login"))
        );
    }
}

#[tokio::test]
async fn each_step_is_refused_to_roles_that_may_not_take_it() {
    for app in apps().await {
        let name = app.name;
        let admin = app.login(ADMIN).await;
        let facilitator = app.login(FACILITATOR).await;
        let reviewer = app.login(REVIEWER).await;
        let analyst_id = app.user_id(FACILITATOR).await.to_string();

        // Only administrators open assessments, invite, and name the facilitator.
        for who in [&facilitator, &reviewer] {
            let reply = app
                .post(
                    BASE,
                    who,
                    &[
                        ("school_year", "2030-2031"),
                        ("facilitator_id", &analyst_id),
                    ],
                )
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}");
        }
        let index = app.get(BASE, Some(&admin)).await.body;
        assert!(index.contains("Open an assessment"), "{name}");
        assert!(!app
            .get(BASE, Some(&reviewer))
            .await
            .body
            .contains("Open an assessment"));
        // The facilitator must be an editor of the district, the year well formed.
        let family_id = app.user_id(FAMILY).await.to_string();
        let reply = app
            .post(
                BASE,
                &admin,
                &[("school_year", "2030-2031"), ("facilitator_id", &family_id)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        let reply = app
            .post(
                BASE,
                &admin,
                &[("school_year", "2030"), ("facilitator_id", &analyst_id)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("expected two consecutive years"),
            "{}",
            reply.body
        );
        let reply = app
            .post(
                BASE,
                &admin,
                &[
                    ("school_year", "2025-2026"),
                    ("facilitator_id", &analyst_id),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: the demo already has 2025-2026"
        );
        assert!(reply.body.contains("already exists"));
        // CSRF.
        let reply = app
            .post_raw(
                BASE,
                &admin,
                &form(&[
                    ("school_year", "2030-2031"),
                    ("facilitator_id", &analyst_id),
                ]),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: no CSRF token"
        );

        let id = open_with_two_raters(&app, &admin, "2030-2031").await;
        let url = format!("{BASE}/{id}");
        let reviewer_id = app.user_id(REVIEWER).await.to_string();
        let reply = app
            .post(
                &format!("{url}/raters"),
                &facilitator,
                &[("user_id", &reviewer_id), ("rater_role", "board")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{name}: an analyst does not invite"
        );
        let reply = app
            .post(
                &format!("{url}/raters"),
                &admin,
                &[("user_id", &family_id), ("rater_role", "community")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: families are not invited"
        );
        let reply = app
            .post(
                &format!("{url}/raters"),
                &admin,
                &[("user_id", &reviewer_id), ("rater_role", "mayor")],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        let reply = app
            .post(
                &format!("{url}/facilitator"),
                &reviewer,
                &[("facilitator_id", &reviewer_id)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}");

        // Only the facilitator records consensus and closes; a rater's bad answer is refused.
        for path in ["consensus", "close"] {
            let reply = app
                .post(
                    &format!("{url}/{path}"),
                    &reviewer,
                    &[("indicator_id", GOAL), ("level", "2"), ("rationale", "x")],
                )
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}: {path}");
            let reply = app
                .post(
                    &format!("{url}/{path}"),
                    &admin,
                    &[("indicator_id", GOAL), ("level", "2"), ("rationale", "x")],
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{name}: the administrator on {path}"
            );
        }
        let reply = app
            .post(
                &format!("{url}/rate"),
                &reviewer,
                &[
                    (&format!("links.{GOAL}"), "javascript:alert(1)"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("expected a web address"),
            "{}",
            reply.body
        );
        let reply = app
            .post(&format!("{url}/rate"), &facilitator, &[("action", "save")])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{name}: the facilitator is not a rater here"
        );

        // Handing the facilitation to the administrator moves the private view with it.
        let admin_id = app.user_id(ADMIN).await.to_string();
        let reply = app
            .post(
                &format!("{url}/facilitator"),
                &admin,
                &[("facilitator_id", &admin_id)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{name}");
        assert_eq!(
            app.get(&format!("{url}/spread"), Some(&admin)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&format!("{url}/spread"), Some(&facilitator))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{name}"
        );

        // The assessment is not reachable under another district's address.
        assert_eq!(
            app.get(&format!("/d/015907/self-assessment/{id}"), Some(&admin))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_demo_shows_two_closed_years_and_one_in_progress_in_both_languages() {
    for app in apps().await {
        let name = app.name;
        // Every demo rater is a demo account that `sgs demo` prints.
        let emails: Vec<&str> = demo_accounts().iter().map(|(e, _, _)| *e).collect();
        for (email, _) in sgs_demo::assessments::RATERS {
            assert!(emails.contains(&email), "{email}");
        }
        let reviewer = app.login(REVIEWER).await;
        let index = app.get(BASE, Some(&reviewer)).await.body;
        for year in ["2023-2024", "2024-2025", "2025-2026"] {
            assert!(index.contains(year), "{name}: {year} listed for staff");
        }
        let versions = app.store.rubric_versions(DEMO).await.unwrap();
        assert_eq!(
            versions.len(),
            2,
            "{name}: the base rubric and the district's edit"
        );

        // 2024-2025 compares with 2023-2024 across the rubric edit.
        let last = app.assessment_id("2024-2025").await;
        let results = app
            .get(&format!("{BASE}/{last}/results"), Some(&reviewer))
            .await;
        assert_eq!(results.status, StatusCode::OK, "{name}");
        assert!(results.body.contains("Compared with 2023-2024"), "{name}");
        assert!(
            results
                .body
                .contains("Publish the first Call for Quality Schools"),
            "{name}: demo follow-up work"
        );
        let csv = app
            .get(&format!("{BASE}/{last}/results.csv"), Some(&reviewer))
            .await
            .body;
        let row = |id: &str| {
            csv.lines()
                .find(|l| l.contains(&format!(",{id},")))
                .map(str::to_string)
        };
        assert!(
            row("l2.talent.landscape").is_none(),
            "{name}: retired in version 2"
        );
        let added = row("l4.service.principal-survey").expect("added in version 2");
        assert!(
            added.contains(",,,"),
            "{name}: the new indicator has no previous level: {added}"
        );
        let reworded = row("l3.information.school-guide").unwrap();
        assert!(reworded.contains("home language"), "{name}: reworded text");

        // In Spanish: the rubric's own text, the labels and the lever names.
        let spanish = Session {
            cookie: format!("{}; sgs_lang=es", reviewer.cookie),
            csrf: reviewer.csrf.clone(),
        };
        let page = app
            .get(&format!("{BASE}/{last}/results"), Some(&spanish))
            .await
            .body;
        assert!(page.contains("lang=\"es\""), "{name}");
        for text in [
            "Perfil por palanca",
            "Mapa de calor",
            "Condición previa A",
            "Prioridades",
            "Comparado con 2023-2024",
        ] {
            assert!(page.contains(text), "{name}: {text}");
        }
        assert!(!page.contains("Lever profile"), "{name}: no English left");

        // The open year: the facilitator has a spread with submitted raters and drafts pending.
        let facilitator = app.login(FACILITATOR).await;
        let open = app.assessment_id("2025-2026").await;
        let spread = app
            .get(&format!("{BASE}/{open}/spread"), Some(&facilitator))
            .await
            .body;
        assert!(spread.contains("3 / 5 raters submitted"), "{name}");
        assert!(spread.contains("6 / "), "{name}: six indicators agreed");
        let home = app
            .get(&format!("{BASE}/{open}"), Some(&admin_session(&app).await))
            .await
            .body;
        assert!(
            home.contains("Not started") && home.contains("Draft"),
            "{name}: progress of the team"
        );
        // The principal comes back to a half-finished draft.
        let principal = app.login("principal@riverbend.example").await;
        let form = app
            .get(&format!("{BASE}/{open}/rate"), Some(&principal))
            .await
            .body;
        let active = app
            .store
            .rubric(DEMO, 2)
            .await
            .unwrap()
            .unwrap()
            .active_indicators()
            .count();
        assert!(
            form.contains(&format!("{} / {active} indicators answered", active / 2)),
            "{name}"
        );
        // The rubric page shows both versions.
        let rubric = app
            .get(&format!("{BASE}/rubric"), Some(&reviewer))
            .await
            .body;
        assert!(
            rubric.contains("Rubric version 1") && rubric.contains("Rubric version 2"),
            "{name}"
        );
        assert!(rubric.contains("Retired"), "{name}");
    }
}

async fn admin_session(app: &App) -> Session {
    app.login(ADMIN).await
}

#[tokio::test]
async fn administrators_adapt_the_rubric_without_losing_past_years() {
    for app in apps().await {
        let name = app.name;
        let admin = app.login(ADMIN).await;
        let reviewer = app.login(REVIEWER).await;
        let path = format!("{BASE}/rubric");
        let retire = r#"[{"change": "retire-indicator", "id": "l3.policy.transportation"}]"#;
        let reply = app.post(&path, &reviewer, &[("changes", retire)]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}");
        let reply = app
            .post(&path, &admin, &[("changes", "[{\"change\": \"delete\"}]")])
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("rubric changes: line 1"),
            "{}",
            reply.body
        );
        let reply = app
            .post(
                &path,
                &admin,
                &[(
                    "changes",
                    r#"[{"change": "retire-indicator", "id": "l2.talent.landscape"}]"#,
                )],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{name}: already retired"
        );
        assert!(reply.body.contains("is retired"));
        let reply = app.post(&path, &admin, &[("changes", retire)]).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let current = app.store.current_rubric(DEMO).await.unwrap();
        assert_eq!(current.version, 3, "{name}");
        assert!(
            current
                .indicator("l3.policy.transportation")
                .unwrap()
                .retired
        );
        // The open assessment keeps version 2; a new one gets version 3.
        let open = app.assessment_id("2025-2026").await;
        assert_eq!(
            app.store
                .assessment(DEMO, open)
                .await
                .unwrap()
                .unwrap()
                .rubric_version,
            2
        );
        let id = open_with_two_raters(&app, &admin, "2026-2027").await;
        assert_eq!(
            app.store
                .assessment(DEMO, id)
                .await
                .unwrap()
                .unwrap()
                .rubric_version,
            3,
            "{name}"
        );
        let form = app
            .get(&format!("{BASE}/{id}/rate"), Some(&reviewer))
            .await
            .body;
        let transport = &app
            .store
            .rubric(DEMO, 2)
            .await
            .unwrap()
            .unwrap()
            .indicator("l3.policy.transportation")
            .unwrap()
            .text
            .en
            .clone();
        assert!(
            !form.contains(transport.as_str()),
            "{name}: a retired indicator is not rated"
        );

        // The rating scale is a setting: new labels for its four levels show on the next
        // assessment's form; five levels without new descriptions are refused.
        let relabel = r#"[{"change": "set-scale", "levels": [
            {"en": "Not on the radar", "es": "Fuera del radar"}, {"en": "Beginning", "es": "Inicial"},
            {"en": "Developing", "es": "En desarrollo"}, {"en": "Sustaining", "es": "Sostenido"}]}]"#;
        let reply = app.post(&path, &admin, &[("changes", relabel)]).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            reply.body
        );
        let five = r#"[{"change": "set-scale", "levels": [
            {"en": "1", "es": "1"}, {"en": "2", "es": "2"}, {"en": "3", "es": "3"},
            {"en": "4", "es": "4"}, {"en": "5", "es": "5"}]}]"#;
        let reply = app.post(&path, &admin, &[("changes", five)]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            reply.body.contains("the scale has 5 levels"),
            "{}",
            reply.body
        );
        let id = open_with_two_raters(&app, &admin, "2027-2028").await;
        let form = app
            .get(&format!("{BASE}/{id}/rate"), Some(&reviewer))
            .await
            .body;
        assert!(
            form.contains("Not on the radar"),
            "{name}: the new label on the form"
        );
        let rubric = app.get(&path, Some(&reviewer)).await.body;
        assert!(rubric.contains("Not on the radar"));
    }
}
