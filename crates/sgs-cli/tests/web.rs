//! The web app over the demo district, on SQLite and (with `TEST_POSTGRES_URL`) PostgreSQL:
//! what each role may see and change, CSRF, rate limiting, languages, the API and the audit log.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use sgs_cli::DEMO_PASSWORD;
use sgs_domain::{DistrictId, Role, SchoolYear};
use sgs_store::{BatchSource, ReplaceScope};

mod common;

use common::*;

#[tokio::test]
async fn public_pages_need_no_sign_in_and_load_nothing_from_outside() {
    for app in apps().await {
        for path in [
            "/".to_string(),
            format!("/d/{DEMO}"),
            format!("/d/{DEMO}/campuses"),
            format!("/d/{DEMO}/campuses?school_type=high&sort=enrollment"),
            format!("/d/{DEMO}/campuses/{CAMPUS}"),
            format!("/d/{DEMO}/finder"),
            format!("/d/{DEMO}/goals"),
            format!("/d/{DEMO}/options"),
        ] {
            let reply = app.get(&path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}: {path}", app.name);
            let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap();
            assert!(csp.starts_with("default-src 'self'"), "{csp}");
            for external in [
                "src=\"http",
                "href=\"http",
                "src=\"//",
                "href=\"//",
                "url(http",
            ] {
                assert!(
                    !reply.body.contains(external),
                    "{}: {path} loads from outside: {external}",
                    app.name
                );
            }
        }
        // Signed-in pages load nothing from outside either.
        let admin = app.login(email(Role::Admin)).await;
        let analyst = app.login(email(Role::Analyst)).await;
        for (who, path) in [
            (&admin, format!("/d/{DEMO}/data")),
            (&admin, format!("/d/{DEMO}/audit")),
            (&analyst, format!("/d/{DEMO}/plan")),
            (&analyst, format!("/d/{DEMO}/scenarios")),
            (&analyst, format!("/d/{DEMO}/projections")),
            (&admin, format!("/d/{DEMO}/self-assessment")),
            (&admin, format!("/d/{DEMO}/self-assessment/rubric")),
            (&analyst, format!("/d/{DEMO}/innovation")),
        ] {
            let reply = app.get(&path, Some(who)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}: {path}", app.name);
            for external in [
                "src=\"http",
                "href=\"http",
                "src=\"//",
                "href=\"//",
                "url(http",
            ] {
                assert!(
                    !reply.body.contains(external),
                    "{}: {path} loads from outside: {external}",
                    app.name
                );
            }
        }
        let css = app.get("/assets/app.css", None).await;
        assert!(
            !css.body.contains("http"),
            "the stylesheet must not import anything"
        );
        let missing = app
            .get(&format!("/d/{DEMO}/campuses/999901999"), None)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_campus_list_filters_and_sorts() {
    for app in apps().await {
        let all = app.get(&format!("/d/{DEMO}/campuses"), None).await.body;
        let highs = app
            .get(&format!("/d/{DEMO}/campuses?school_type=high"), None)
            .await
            .body;
        let rows = |body: &str| {
            body.matches(&format!("href=\"/d/{DEMO}/campuses/{DEMO}"))
                .count()
        };
        assert!(
            rows(&all) >= 55,
            "{}: {} campuses listed",
            app.name,
            rows(&all)
        );
        assert_eq!(
            rows(&highs),
            8,
            "{}: the demo has eight high schools",
            app.name
        );

        let csv = app
            .get(
                &format!("/d/{DEMO}/campuses.csv?sort=enrollment&school_type=high"),
                None,
            )
            .await
            .body;
        let students: Vec<u32> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(8).unwrap().parse().unwrap())
            .collect();
        assert_eq!(students.len(), 8);
        assert!(
            students.windows(2).all(|w| w[0] >= w[1]),
            "sorted by enrollment, largest first: {students:?}"
        );
    }
}

#[tokio::test]
async fn each_role_sees_only_its_pages() {
    for app in apps().await {
        let data = format!("/d/{DEMO}/data");
        let audit = format!("/d/{DEMO}/audit");
        let anonymous = app.get(&data, None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{}", app.name);
        assert_eq!(anonymous.headers[header::LOCATION], "/login");

        // (role, may see the data page, may see the audit log, may compare districts)
        let expectations = [
            (Role::StateAdmin, true, true, true),
            (Role::Admin, true, true, false),
            (Role::Analyst, true, false, false),
            (Role::Enrollment, true, false, false),
            (Role::Reviewer, true, false, false),
            (Role::Partner, false, false, false),
            (Role::Family, false, false, false),
        ];
        for (role, sees_data, sees_audit, compares) in expectations {
            let cookie = app.login(email(role)).await;
            let status = |ok: bool| {
                if ok {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                }
            };
            assert_eq!(
                app.get(&data, Some(&cookie)).await.status,
                status(sees_data),
                "{}: {role:?} data",
                app.name
            );
            assert_eq!(
                app.get(&audit, Some(&cookie)).await.status,
                status(sees_audit),
                "{}: {role:?} audit",
                app.name
            );
            assert_eq!(
                app.get("/compare", Some(&cookie)).await.status,
                status(compares),
                "{}: {role:?} compare",
                app.name
            );

            // The navigation offers only what the role may open.
            let overview = app.get(&format!("/d/{DEMO}"), Some(&cookie)).await.body;
            assert_eq!(
                overview.contains(&format!("href=\"{data}\"")),
                sees_data,
                "{}: {role:?} nav",
                app.name
            );
            assert_eq!(
                overview.contains(&format!("href=\"{audit}\"")),
                sees_audit,
                "{}: {role:?} nav",
                app.name
            );

            // Staff of one district see nothing staff-only of another; the state admin does.
            let elsewhere = app.get("/d/015907/data", Some(&cookie)).await.status;
            let expected = if role == Role::StateAdmin {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(elsewhere, expected, "{}: {role:?} other district", app.name);
        }
    }
}

#[tokio::test]
async fn only_editors_change_capacity_and_every_change_is_audited() {
    for app in apps().await {
        let path = format!("/d/{DEMO}/campuses/{CAMPUS}/capacity");
        for role in [
            Role::Reviewer,
            Role::Enrollment,
            Role::Partner,
            Role::Family,
        ] {
            let cookie = app.login(email(role)).await;
            let reply = app
                .post_form(
                    &path,
                    Some(&cookie),
                    "csrf=x&school_year=2022-2023&capacity=1",
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{}: {role:?}",
                app.name
            );
        }

        let analyst = app.login(email(Role::Analyst)).await;
        let no_token = app
            .post_form(&path, Some(&analyst), "school_year=2022-2023&capacity=777")
            .await;
        assert_eq!(
            no_token.status,
            StatusCode::BAD_REQUEST,
            "{}: CSRF token required",
            app.name
        );
        let csrf = app.csrf(&analyst).await;
        let bad = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&school_year=2022-2023&capacity=lots"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("expected a whole number"), "{}", bad.body);
        let ok = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&school_year=2022-2023&capacity=777"),
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", app.name);

        let years = app.store.campus_years(DEMO, Some(CAMPUS)).await.unwrap();
        let latest = years
            .iter()
            .find(|((_, y), _)| y.to_string() == "2022-2023")
            .unwrap()
            .1;
        assert_eq!(latest.capacity, Some(777), "{}", app.name);

        // Administrators read who changed what, with before and after.
        let admin = app.login(email(Role::Admin)).await;
        let log = app
            .get(&format!("/d/{DEMO}/audit"), Some(&admin))
            .await
            .body;
        assert!(log.contains("analyst@riverbend.example"), "{}", app.name);
        assert!(log.contains(&format!("campus:{CAMPUS}/2022-2023")));
        assert!(
            log.contains("{&quot;capacity&quot;:777}"),
            "{}: after value shown",
            app.name
        );
    }
}

#[tokio::test]
async fn sign_in_is_rate_limited_and_sign_out_ends_the_session() {
    for app in apps().await {
        let who = email(Role::Reviewer);
        for _ in 0..5 {
            let reply = app
                .post_form("/login", None, &format!("email={who}&password=wrong"))
                .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", app.name);
        }
        let limited = app
            .post_form(
                "/login",
                None,
                &format!("email={who}&password={DEMO_PASSWORD}"),
            )
            .await;
        assert_eq!(
            limited.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}: even the right password waits",
            app.name
        );

        let cookie = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&cookie).await;
        assert_eq!(
            app.get(&format!("/d/{DEMO}/data"), Some(&cookie))
                .await
                .status,
            StatusCode::OK
        );
        let out = app
            .post_form("/logout", Some(&cookie), &format!("csrf={csrf}"))
            .await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(
            app.get(&format!("/d/{DEMO}/data"), Some(&cookie))
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn family_pages_speak_spanish() {
    for app in apps().await {
        let switch = app
            .get(&format!("/lang/es?back=/d/{DEMO}/finder"), None)
            .await;
        assert_eq!(switch.status, StatusCode::SEE_OTHER);
        assert_eq!(
            switch.headers[header::LOCATION],
            format!("/d/{DEMO}/finder")
        );
        let cookie = switch.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let page = app
            .get(&format!("/d/{DEMO}/finder"), Some(&cookie))
            .await
            .body;
        assert!(page.contains("<html lang=\"es\">"), "{}", app.name);
        assert!(page.contains("Buscar una escuela") && page.contains("Mostrar escuelas"));
        assert!(
            !page.contains("Show schools"),
            "no English left on the finder"
        );

        // The other pages a family reads, and the error pages, are Spanish too.
        for (path, spanish) in [
            (format!("/d/{DEMO}"), "Resumen"),
            (format!("/d/{DEMO}/campuses"), "Escuelas"),
            (
                format!("/d/{DEMO}/campuses/{CAMPUS}"),
                "Tendencia de inscripción",
            ),
            (
                format!("/d/{DEMO}/campuses/999901999"),
                "Página no encontrada",
            ),
            ("/login".to_string(), "Iniciar sesión"),
        ] {
            let reply = app.get(&path, Some(&cookie)).await;
            assert!(
                reply.body.contains("<html lang=\"es\">") && reply.body.contains(spanish),
                "{}: {path} in Spanish: {}",
                app.name,
                reply.body
            );
        }
        let family = app.login(email(Role::Family)).await;
        let refusal = app
            .get(
                &format!("/d/{DEMO}/data"),
                Some(&format!("{family}; {cookie}")),
            )
            .await;
        assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        assert!(
            refusal.body.contains("<h1>No puede ver ni hacer esto</h1>"),
            "{}",
            refusal.body
        );

        let english = app.get(&format!("/d/{DEMO}/finder"), None).await.body;
        assert!(english.contains("<html lang=\"en\">") && english.contains("Show schools"));
        let missing = app
            .get(&format!("/d/{DEMO}/campuses/999901999"), None)
            .await
            .body;
        assert!(missing.contains("<h1>Page not found</h1>"), "{missing}");
        let offsite = app.get("/lang/es?back=//evil.example", None).await;
        assert_eq!(offsite.headers[header::LOCATION], "/", "no open redirect");
    }
}

#[tokio::test]
async fn the_api_follows_the_same_roles_and_matches_its_openapi_document() {
    for app in apps().await {
        let session = app
            .json(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"email": email(Role::Analyst), "password": DEMO_PASSWORD})),
            )
            .await;
        assert_eq!(
            session.status,
            StatusCode::OK,
            "{}: {}",
            app.name,
            session.body
        );
        let analyst: Value = serde_json::from_str(&session.body).unwrap();
        let analyst = analyst["token"].as_str().unwrap().to_string();
        let family: Value = serde_json::from_str(
            &app.json(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"email": email(Role::Family), "password": DEMO_PASSWORD})),
            )
            .await
            .body,
        )
        .unwrap();
        let family = family["token"].as_str().unwrap().to_string();

        let capacity = format!("/api/v1/districts/{DEMO}/campuses/{CAMPUS}/capacity");
        let body = json!({"school_year": "2022-2023", "capacity": 650});
        assert_eq!(
            app.json("PUT", &capacity, Some(&family), Some(body.clone()))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.json("PUT", &capacity, None, Some(body.clone()))
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.json("PUT", &capacity, Some(&analyst), Some(body))
                .await
                .status,
            StatusCode::OK,
            "{}",
            app.name
        );
        let campus: Value = serde_json::from_str(
            &app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/campuses/{CAMPUS}"),
                None,
                None,
            )
            .await
            .body,
        )
        .unwrap();
        let last = campus["years"].as_array().unwrap().last().unwrap();
        assert_eq!(last["capacity"], 650, "{}", app.name);
        assert_eq!(
            app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/imports"),
                Some(&family),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/audit"),
                Some(&analyst),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );

        // Every path the document describes answers (none is a 404 of the router), and the
        // document names every route the app serves under /api/v1.
        let admin: Value = serde_json::from_str(
            &app.json(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"email": email(Role::Admin), "password": DEMO_PASSWORD})),
            )
            .await
            .body,
        )
        .unwrap();
        let admin = admin["token"].as_str().unwrap();
        let document: Value = serde_json::from_str(
            &app.json("GET", "/api/v1/openapi.json", None, None)
                .await
                .body,
        )
        .unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(
            paths.len(),
            28,
            "update this test and the document together"
        );
        // Ids for the paths that name one record: a scenario made through the API, and a
        // closed self-assessment of the demo.
        let created = app
            .json(
                "POST",
                &format!("/api/v1/districts/{DEMO}/scenarios"),
                Some(&analyst),
                Some(json!({"name": "API scenario", "actions": [{"type": "change_seats", "campus_id": CAMPUS, "seats": 100}]})),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let created: Value = serde_json::from_str(&created.body).unwrap();
        let scenario_id = created["id"].as_i64().unwrap().to_string();
        assert!(
            created["result"]["utilization"].as_array().unwrap().len() == 1,
            "{created}"
        );
        let closed = app
            .store
            .assessments(DEMO)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.status == sgs_assessment::Status::Closed)
            .unwrap()
            .id
            .to_string();
        for (path, operations) in paths {
            let measure_id = app
                .store
                .measures(DEMO)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.source == "manual")
                .unwrap()
                .id
                .to_string();
            let id = if path.contains("scenarios") {
                &scenario_id
            } else if path.contains("measures") {
                &measure_id
            } else {
                &closed
            };
            let concrete = path
                .replace("{district}", DEMO)
                .replace("{campus}", CAMPUS)
                .replace("{id}", id);
            for (method, operation) in operations.as_object().unwrap() {
                // The document's examples of query parameters are the query.
                let examples: Vec<String> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| {
                        let example = p.get("example")?;
                        let text = example
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| example.to_string());
                        Some(format!("{}={text}", p["name"].as_str()?))
                    })
                    .collect();
                let concrete = if examples.is_empty() {
                    concrete.clone()
                } else {
                    format!("{concrete}?{}", examples.join("&"))
                };
                // The document's own example is the request body.
                let body = operation
                    .pointer("/requestBody/content/application~1json/example")
                    .cloned();
                assert_eq!(
                    body.is_some(),
                    method != "get",
                    "{path} {method}: every body has an example"
                );
                let reply = app
                    .json(&method.to_uppercase(), &concrete, Some(admin), body)
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::OK,
                    "{}: {method} {path}: {}",
                    app.name,
                    reply.body
                );
            }
        }

        // The Lever 1 API follows the screens' roles: analyses are public, the plan and
        // scenarios are staff's, changes are editors'.
        let north: Value = serde_json::from_str(
            &app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/north-star"),
                None,
                None,
            )
            .await
            .body,
        )
        .unwrap();
        assert_eq!(north["years"].as_array().unwrap().len(), 5);
        assert_eq!(
            north["goal"]["target_percent"], 80.0,
            "the example goal was set"
        );
        for path in ["plan", "scenarios", &format!("scenarios/{scenario_id}")] {
            let url = format!("/api/v1/districts/{DEMO}/{path}");
            assert_eq!(
                app.json("GET", &url, Some(&family), None).await.status,
                StatusCode::FORBIDDEN,
                "{url}"
            );
            assert_eq!(
                app.json("GET", &url, None, None).await.status,
                StatusCode::UNAUTHORIZED,
                "{url}"
            );
        }
        let bad_goal = app
            .json(
                "PUT",
                &format!("/api/v1/districts/{DEMO}/goal"),
                Some(&analyst),
                Some(json!({"target_percent": 180, "target_year": "2027-2028"})),
            )
            .await;
        assert_eq!(bad_goal.status, StatusCode::BAD_REQUEST);
        assert!(
            bad_goal.body.contains("expected a percent from 1 to 100"),
            "{}",
            bad_goal.body
        );
        let bad_action = app
            .json(
                "POST",
                &format!("/api/v1/districts/{DEMO}/plan/decisions"),
                Some(&analyst),
                Some(json!({"campus_id": CAMPUS, "action": "demolish", "school_year": "2024-2025", "rationale": "x", "owner": "y"})),
            )
            .await;
        assert_eq!(bad_action.status, StatusCode::BAD_REQUEST);
        assert!(
            bad_action.body.contains("restart"),
            "the error lists the actions: {}",
            bad_action.body
        );
        assert_eq!(
            app.json(
                "POST",
                &format!("/api/v1/districts/{DEMO}/scenarios"),
                Some(&family),
                Some(json!({"name": "x"}))
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let seat_gaps: Value = serde_json::from_str(
            &app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/seat-gaps?within=3"),
                None,
                None,
            )
            .await
            .body,
        )
        .unwrap();
        assert_eq!(seat_gaps["rows"].as_array().unwrap().len(), 3 * 3 * 12);
        let projections: Value = serde_json::from_str(
            &app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/projections?horizon=3"),
                None,
                None,
            )
            .await
            .body,
        )
        .unwrap();
        assert_eq!(
            projections["district"]["likely"].as_array().unwrap().len(),
            3
        );

        // Levers 3 and 4: initiatives are staff's, match runs the enrollment office's, chances
        // public and free of student ids.
        for (path, who, status) in [
            ("initiatives", &family, StatusCode::FORBIDDEN),
            ("match-runs", &family, StatusCode::FORBIDDEN),
            ("match-runs", &analyst, StatusCode::FORBIDDEN),
            ("initiatives", &analyst, StatusCode::OK),
        ] {
            let url = format!("/api/v1/districts/{DEMO}/{path}");
            assert_eq!(
                app.json("GET", &url, Some(who), None).await.status,
                status,
                "{}: {url}",
                app.name
            );
        }
        let chances = app
            .json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/offer-chances"),
                None,
                None,
            )
            .await
            .body;
        assert!(
            chances.contains("\"chances\"") && !chances.contains("\"RK0"),
            "{}",
            app.name
        );
        // A whole list's chances, as the finder's list builder shows them.
        let chances: Value = serde_json::from_str(&chances).unwrap();
        let kindergarten: Vec<&str> = chances["programs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["grade"] == "K")
            .filter_map(|p| p["program_id"].as_str())
            .take(2)
            .collect();
        let url = format!(
            "/api/v1/districts/{DEMO}/offer-chances/list?p1={}&g1=2&p2={}",
            kindergarten[0], kindergarten[1]
        );
        let reply = app.json("GET", &url, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}: {}", app.name, reply.body);
        let list: Value = serde_json::from_str(&reply.body).unwrap();
        let choices = list["choices"].as_array().unwrap();
        assert_eq!(choices.len(), 2);
        assert_eq!(choices[0]["program_id"], kindergarten[0]);
        assert_eq!(choices[0]["priority_group"], 2);
        assert_eq!(
            choices[1]["priority_group"], 3,
            "the last group when left out"
        );
        let mean = |v: &Value| v["mean"].as_f64().unwrap();
        let sum: f64 = choices.iter().map(|c| mean(&c["chance"])).sum();
        assert!((sum - mean(&list["any"])).abs() < 1e-9, "{}", app.name);
        assert!((mean(&list["any"]) + mean(&list["none"]) - 1.0).abs() < 1e-9);
        let repeated = app
            .json(
                "GET",
                &format!(
                    "/api/v1/districts/{DEMO}/offer-chances/list?p1={0}&p2={0}",
                    kindergarten[0]
                ),
                None,
                None,
            )
            .await;
        assert_eq!(repeated.status, StatusCode::BAD_REQUEST);
        assert!(
            repeated.body.contains("choice 2 repeats choice 1"),
            "{}",
            repeated.body
        );
        let initiatives: Value = serde_json::from_str(
            &app.json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/initiatives"),
                Some(&analyst),
                None,
            )
            .await
            .body,
        )
        .unwrap();
        assert!(
            initiatives
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["status"]["status"] == "on_track"),
            "{}",
            app.name
        );

        // Self-assessments: families see none; a reviewer who is not on an open assessment's
        // team cannot read its results, and no answer of the API carries a rater's note.
        let family_list = app
            .json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/assessments"),
                Some(&family),
                None,
            )
            .await;
        assert_eq!(family_list.body, "[]", "{}", app.name);
        let open = app
            .store
            .assessments(DEMO)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.status == sgs_assessment::Status::Open)
            .unwrap()
            .id;
        let results = app
            .json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/assessments/{open}/results"),
                Some(&family),
                None,
            )
            .await;
        assert_eq!(results.status, StatusCode::FORBIDDEN);
        let closed_results = app
            .json(
                "GET",
                &format!("/api/v1/districts/{DEMO}/assessments/{closed}/results"),
                Some(admin),
                None,
            )
            .await;
        let notes: Vec<String> = app
            .store
            .scoring_input(
                &app.store
                    .assessment(DEMO, closed.parse().unwrap())
                    .await
                    .unwrap()
                    .unwrap(),
            )
            .await
            .unwrap()
            .ratings
            .into_iter()
            .map(|r| r.note)
            .filter(|n| n.len() > 12)
            .collect();
        assert!(!notes.is_empty(), "the demo's raters left notes");
        for note in &notes {
            assert!(
                !closed_results.body.contains(note.as_str()),
                "a rater's note leaked: {note}"
            );
        }
    }
}

fn multipart(csrf: &str, file_name: &str, contents: &str) -> (String, String) {
    let boundary = "sgs-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncapacity\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{contents}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn editors_upload_files_on_the_data_page_and_bad_ones_change_nothing() {
    for app in apps().await {
        let path = format!("/d/{DEMO}/data/import");
        let upload = |cookie: String, content_type: String, body: String| {
            Request::post(&path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap()
        };

        let reviewer = app.login(email(Role::Reviewer)).await;
        let (content_type, body) = multipart(
            "x",
            "capacity.csv",
            "school_year,campus_id,capacity\n2022-2023,999901101,1\n",
        );
        let refused = app.send(upload(reviewer, content_type, body)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", app.name);

        let analyst = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&analyst).await;
        let before = app.store.campus_years(DEMO, Some(CAMPUS)).await.unwrap();
        let bad =
            "school_year,campus_id,capacity\n2022-2023,999901101,900\n2022-2023,999901102,many\n";
        let (content_type, body) = multipart(&csrf, "capacity 2023.csv", bad);
        let reply = app.send(upload(analyst.clone(), content_type, body)).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            reply.body
        );
        assert_eq!(
            app.store.campus_years(DEMO, Some(CAMPUS)).await.unwrap(),
            before,
            "{}: all or nothing",
            app.name
        );
        let page = app
            .get(&format!("/d/{DEMO}/data"), Some(&analyst))
            .await
            .body;
        assert!(
            page.contains("capacity2023.csv:3"),
            "{}: the error names file and line: {page}",
            app.name
        );
        assert!(page.contains("many"), "{}: and the value", app.name);

        let good = "school_year,campus_id,capacity\n2022-2023,999901101,900\n";
        let (content_type, body) = multipart(&csrf, "capacity.csv", good);
        app.send(upload(analyst.clone(), content_type, body)).await;
        let after = app.store.campus_years(DEMO, Some(CAMPUS)).await.unwrap();
        let latest = after
            .iter()
            .find(|((_, y), _)| y.to_string() == "2022-2023")
            .unwrap()
            .1;
        assert_eq!(latest.capacity, Some(900), "{}", app.name);
        let imports = app.store.imports(DEMO).await.unwrap();
        assert_eq!(
            (imports[0].status.as_str(), imports[0].actor.as_str()),
            ("ok", "analyst@riverbend.example")
        );
    }
}

#[tokio::test]
async fn editors_set_the_grade_bands_every_analysis_uses() {
    for app in apps().await {
        let path = format!("/d/{DEMO}/settings/grade-bands");
        let overview = app.get(&format!("/d/{DEMO}"), None).await.body;
        assert!(
            overview.contains(">K-5<") && overview.contains(">9-12<"),
            "{}: default bands",
            app.name
        );

        let reviewer = app.login(email(Role::Reviewer)).await;
        let refused = app
            .post_form(&path, Some(&reviewer), "csrf=x&grade_bands=K-8")
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", app.name);

        let analyst = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&analyst).await;
        let overlap = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&grade_bands=K-5%2C+5-8"),
            )
            .await;
        assert_eq!(overlap.status, StatusCode::BAD_REQUEST);
        assert!(overlap.body.contains("overlap"), "{}", overlap.body);

        let ok = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&grade_bands=PK-2%2C+3-5%2C+6-8%2C+9-12"),
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", app.name);
        let overview = app.get(&format!("/d/{DEMO}"), None).await.body;
        assert!(
            overview.contains(">PK-2<") && overview.contains(">3-5<"),
            "{}: the overview uses the new bands",
            app.name
        );
        assert!(!overview.contains(">K-5<"));
        let api: Value = serde_json::from_str(
            &app.get(&format!("/api/v1/districts/{DEMO}/grade-bands"), None)
                .await
                .body,
        )
        .unwrap();
        assert_eq!(
            api["grade_bands"].as_array().unwrap().len(),
            4,
            "{}",
            app.name
        );
    }
}

#[tokio::test]
async fn the_lever_1_screens_show_the_north_star_seat_gaps_and_projections() {
    for app in apps().await {
        let goals = app.get(&format!("/d/{DEMO}/goals"), None).await;
        assert_eq!(goals.status, StatusCode::OK, "{}", app.name);
        assert!(
            goals.body.contains("Quality Seats Analysis") && goals.body.contains("Priority area"),
            "{}",
            app.name
        );
        assert!(
            goals.body.contains("class=\"gap-4\""),
            "{}: the choropleth shades the largest gap",
            app.name
        );

        // North Star CSV: five years; the disaster years have no share.
        let csv = app
            .get(&format!("/d/{DEMO}/downloads/north-star.csv"), None)
            .await
            .body;
        let years = column(&csv, "school_year");
        let shares = column(&csv, "quality_percent");
        assert_eq!(years.len(), 5, "{csv}");
        assert_eq!(years[1], "2019-2020");
        assert_eq!(shares[1], "", "no share in a year without ratings");
        assert!(!shares[0].is_empty());
        // Schools by tier add up to the schools of the year.
        let campuses = column(&csv, "campuses");
        let tiers: Vec<Vec<String>> = ["quality", "mixed", "low", "not_rated", "unknown"]
            .iter()
            .map(|t| column(&csv, &format!("campuses_{t}")))
            .collect();
        for (i, total) in campuses.iter().enumerate() {
            let sum: usize = tiers.iter().map(|t| t[i].parse::<usize>().unwrap()).sum();
            assert_eq!(sum.to_string(), *total, "{csv}");
        }
        assert!(campuses[0].parse::<usize>().unwrap() >= 55);
        assert_eq!(
            column(&csv, "campuses_not_rated")[1],
            campuses[1],
            "every campus is Not Rated in the disaster year"
        );

        // Seat gaps: 3 rated years × 3 bands × 12 areas, each traceable to its campuses.
        let csv = app
            .get(&format!("/d/{DEMO}/downloads/seat-gaps.csv"), None)
            .await
            .body;
        assert_eq!(csv.lines().count(), 1 + 3 * 3 * 12, "{}", app.name);
        let wider = app
            .get(&format!("/d/{DEMO}/downloads/seat-gaps.csv?within=3"), None)
            .await
            .body;
        let supply = |csv: &str| -> f64 {
            csv.lines()
                .skip(1)
                .map(|l| l.split(',').nth(4).unwrap().parse::<f64>().unwrap())
                .sum()
        };
        assert!(
            supply(&wider) > supply(&csv),
            "{}: counting seats within 3 miles credits more areas",
            app.name
        );

        let area = goals
            .body
            .split("/goals/areas/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let detail = app
            .get(&format!("/d/{DEMO}/goals/areas/{area}"), None)
            .await;
        assert_eq!(detail.status, StatusCode::OK);
        assert!(detail.body.contains("Demand") && detail.body.contains("Supply"));
        assert_eq!(
            app.get(&format!("/d/{DEMO}/goals/areas/nowhere"), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        let projections = app.get(&format!("/d/{DEMO}/projections"), None).await;
        assert_eq!(projections.status, StatusCode::OK, "{}", app.name);
        assert!(
            projections.body.contains("class=\"band\""),
            "the fan chart has its band"
        );
        let csv = app
            .get(&format!("/d/{DEMO}/downloads/projections.csv"), None)
            .await
            .body;
        assert!(
            csv.lines().count() >= 55,
            "{}: a projection per open campus",
            app.name
        );
        // Each campus profile carries its own fan chart, and its numbers match the download.
        let first = &column(&csv, "campus_id")[0];
        let likely: f64 = column(&csv, "projected_likely")[0].parse().unwrap();
        let profile = app
            .get(&format!("/d/{DEMO}/campuses/{first}"), None)
            .await
            .body;
        assert!(
            profile.contains("id=\"projection\"") && profile.contains("class=\"band\""),
            "{}: the campus fan chart",
            app.name
        );
        let last_row = profile
            .split("aria-labelledby=\"projection\"")
            .nth(1)
            .unwrap()
            .split("</tbody>")
            .next()
            .unwrap()
            .rsplit("<tr>")
            .next()
            .unwrap()
            .to_string();
        let shown = last_row.split("<td class=\"num\">").nth(1).unwrap();
        let shown: f64 = shown
            .split('<')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert_eq!(shown, likely.round(), "{}: {last_row}", app.name);

        // The goal: analysts set it, reviewers cannot, and the page reads against it.
        let path = format!("/d/{DEMO}/goals/goal");
        let reviewer = app.login(email(Role::Reviewer)).await;
        assert_eq!(
            app.post_form(
                &path,
                Some(&reviewer),
                "csrf=x&target_percent=80&target_year=2027-2028"
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let analyst = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&analyst).await;
        let bad = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&target_percent=180&target_year=2027-2028"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let ok = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&target_percent=80&target_year=2027-2028"),
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", app.name);
        let csv = app
            .get(&format!("/d/{DEMO}/downloads/north-star.csv"), None)
            .await
            .body;
        assert_eq!(
            column(&csv, "quality_percent")[0],
            column(&csv, "expected_percent")[0],
            "the first measured year sits on its own path"
        );
        assert_eq!(column(&csv, "on_track")[0], "true");
        let entry = &app.store.audit_log(DEMO, 1).await.unwrap()[0];
        assert_eq!(entry.action, "set_north_star_goal", "{}", app.name);

        // A district without planning areas says what the analysis needs.
        let other = app.get("/d/015907/goals", None).await;
        assert_eq!(other.status, StatusCode::OK);
        assert!(
            other.body.contains("planning_areas.geojson"),
            "{}",
            app.name
        );
    }
}

#[tokio::test]
async fn every_lever_1_table_downloads_with_the_settings_of_its_page() {
    for app in apps().await {
        let goals = app.get(&format!("/d/{DEMO}/goals"), None).await.body;
        let projections = app
            .get(
                &format!("/d/{DEMO}/projections?horizon=3&transitions=2&average=median"),
                None,
            )
            .await
            .body;
        // Each table the screens show links its CSV and XLSX, and both answer.
        for (page, stem, header) in [
            (&goals, "north-star", "school_year,rating_method,students,"),
            (
                &goals,
                "north-star-groups",
                "school_year,student_group,students,",
            ),
            (
                &goals,
                "north-star-areas",
                "school_year,planning_area_id,students,",
            ),
            (&goals, "tiers", "school_year,tier,students,campuses"),
            (
                &goals,
                "seat-gaps",
                "school_year,planning_area_id,grade_band,",
            ),
            (
                &goals,
                "quality-utilization",
                "campus_id,name,school_year,utilization_percent,",
            ),
            (
                &projections,
                "district-projection",
                "school_year,projected_low,",
            ),
            (
                &projections,
                "projections",
                "campus_id,name,latest_enrollment,",
            ),
        ] {
            let link = format!("/d/{DEMO}/downloads/{stem}.csv");
            let at = page
                .find(&format!("href=\"{link}"))
                .unwrap_or_else(|| panic!("{}: no link to {link}", app.name));
            let href = page[at + 6..]
                .split('"')
                .next()
                .unwrap()
                .replace("&amp;", "&");
            let csv = app.get(&href, None).await;
            assert_eq!(csv.status, StatusCode::OK, "{href}");
            assert!(csv.body.starts_with(header), "{href}: {}", csv.body);
            assert!(csv.body.lines().count() > 1, "{href} has rows");
            let xlsx = app.get(&href.replace(".csv", ".xlsx"), None).await;
            assert_eq!(xlsx.status, StatusCode::OK, "{href} as XLSX");
        }
        // The projections download repeats the page's settings.
        let href =
            format!("/d/{DEMO}/downloads/projections.csv?horizon=3&transitions=2&average=median");
        assert!(
            projections.contains(&href.replace('&', "&amp;")),
            "the page links its own settings"
        );
        let csv = app.get(&href, None).await.body;
        assert!(
            column(&csv, "horizon_years").iter().all(|h| h == "3"),
            "{csv}"
        );
        let district = app
            .get(
                &format!("/d/{DEMO}/downloads/district-projection.csv?horizon=3"),
                None,
            )
            .await
            .body;
        assert_eq!(column(&district, "school_year").len(), 3, "{district}");
        for ((low, likely), high) in column(&district, "projected_low")
            .iter()
            .zip(column(&district, "projected_likely"))
            .zip(column(&district, "projected_high"))
        {
            let [low, likely, high] = [low, &likely, &high].map(|v| v.parse::<f64>().unwrap());
            assert!(low <= likely && likely <= high, "{district}");
        }
        // Tiers: one row per year and tier, students adding up to the North Star's.
        let tiers = app
            .get(&format!("/d/{DEMO}/downloads/tiers.csv"), None)
            .await
            .body;
        let north = app
            .get(&format!("/d/{DEMO}/downloads/north-star.csv"), None)
            .await
            .body;
        assert_eq!(column(&tiers, "tier").len(), 5 * 5);
        let first_year: u32 = column(&tiers, "students")[..5]
            .iter()
            .map(|n| n.parse::<u32>().unwrap())
            .sum();
        assert_eq!(first_year.to_string(), column(&north, "students")[0]);
        assert!(
            goals.contains("id=\"tiers\""),
            "the tier distribution is on the page"
        );
        assert_eq!(
            app.get(&format!("/d/{DEMO}/downloads/nothing.csv"), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn analysts_build_scenarios_that_staff_can_read() {
    for app in apps().await {
        let family = app.login(email(Role::Family)).await;
        assert_eq!(
            app.get(&format!("/d/{DEMO}/scenarios"), Some(&family))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{}",
            app.name
        );

        let analyst = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&analyst).await;
        let created = app
            .post_form(
                &format!("/d/{DEMO}/scenarios"),
                Some(&analyst),
                &format!("csrf={csrf}&name=Restart+a+D+school"),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            created.body
        );
        let path = created.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();

        // Find a D/F campus in 2022-2023 and propose its restart as a quality school.
        let years = app.store.campus_years(DEMO, None).await.unwrap();
        let low = years
            .iter()
            .find(|((_, y), f)| {
                y.to_string() == "2022-2023"
                    && matches!(f.rating, Some(sgs_domain::Rating::Letter('D' | 'F')))
            })
            .map(|((id, _), _)| id.clone())
            .unwrap();
        let baseline = app.get(&path, Some(&analyst)).await.body;
        let added = app
            .post_form(
                &format!("{path}/actions"),
                Some(&analyst),
                &format!("csrf={csrf}&type=change_tier&campus_id={low}&tier=quality"),
            )
            .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            added.body
        );
        let bad = app
            .post_form(
                &format!("{path}/actions"),
                Some(&analyst),
                &format!("csrf={csrf}&type=change_seats&campus_id_seats={low}&seats=lots"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let csv = app
            .get(&format!("{path}/comparison.csv"), Some(&analyst))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{}", app.name);
        let rows: Vec<&str> = csv.body.lines().collect();
        assert!(rows[1].starts_with("quality_percent,,,"), "{}", csv.body);
        assert!(rows.iter().filter(|r| r.starts_with("seat_gap,")).count() >= 3 * 12);
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("utilization,,,{low},"))),
            "{}: the touched campus's utilization is in the download: {}",
            app.name,
            csv.body
        );
        let family_csv = app
            .get(&format!("{path}/comparison.csv"), Some(&family))
            .await;
        assert_eq!(
            family_csv.status,
            StatusCode::FORBIDDEN,
            "{}: drafts are staff-only",
            app.name
        );
        let xlsx = app
            .get(&format!("{path}/comparison.xlsx"), Some(&analyst))
            .await;
        assert!(xlsx.body.starts_with("PK"));

        let page = app.get(&path, Some(&analyst)).await.body;
        assert!(
            page.contains("Seat gaps that change") && !page.contains("No seat gap changes."),
            "{}: the restart adds quality seats",
            app.name
        );
        let share = |body: &str| -> Vec<String> {
            body.split("<strong>")
                .skip(1)
                .map(|s| s.split('<').next().unwrap().to_string())
                .collect()
        };
        assert_ne!(
            share(&baseline),
            share(&page),
            "{}: the North Star moves",
            app.name
        );

        // Reviewers read it but cannot change it; the change is in the audit log.
        let reviewer = app.login(email(Role::Reviewer)).await;
        assert_eq!(app.get(&path, Some(&reviewer)).await.status, StatusCode::OK);
        let refused = app
            .post_form(
                &format!("{path}/actions/0/delete"),
                Some(&reviewer),
                "csrf=x",
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let removed = app
            .post_form(
                &format!("{path}/actions/0/delete"),
                Some(&analyst),
                &format!("csrf={csrf}"),
            )
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert!(app
            .get(&path, Some(&analyst))
            .await
            .body
            .contains("No actions yet"));
        let entry = &app.store.audit_log(DEMO, 1).await.unwrap()[0];
        assert_eq!(entry.action, "set_scenario_actions", "{}", app.name);
        assert_eq!(entry.after, Some(json!([])));
    }
}

#[tokio::test]
async fn the_annual_plan_proposes_actions_and_records_decisions() {
    for app in apps().await {
        let partner = app.login(email(Role::Partner)).await;
        assert_eq!(
            app.get(&format!("/d/{DEMO}/plan"), Some(&partner))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{}",
            app.name
        );

        let analyst = app.login(email(Role::Analyst)).await;
        let plan = app.get(&format!("/d/{DEMO}/plan"), Some(&analyst)).await;
        assert_eq!(plan.status, StatusCode::OK, "{}", app.name);
        assert!(
            plan.body.contains("Redesign") && plan.body.contains("No action"),
            "{}: candidates with reasons",
            app.name
        );
        assert!(plan.body.contains("No decisions recorded yet."));

        let csrf = app.csrf(&analyst).await;
        let path = format!("/d/{DEMO}/plan/decisions");
        let form = |action: &str| {
            format!("csrf={csrf}&campus_id={CAMPUS}&action={action}&school_year=2024-2025&owner=Office+of+Innovation&rationale=Priority+area")
        };
        assert_eq!(
            app.post_form(&path, Some(&analyst), &form("demolish"))
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
        let saved = app
            .post_form(&path, Some(&analyst), &form("replicate_expand"))
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            saved.body
        );
        let reviewer = app.login(email(Role::Reviewer)).await;
        assert_eq!(
            app.post_form(&path, Some(&reviewer), &form("restart"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let plan = app
            .get(&format!("/d/{DEMO}/plan"), Some(&reviewer))
            .await
            .body;
        assert!(
            plan.contains("Replicate or expand") && plan.contains("Office of Innovation"),
            "{}",
            app.name
        );
        let decisions = app.store.decisions(DEMO).await.unwrap();
        assert_eq!(decisions.len(), 1);
        assert_eq!(decisions[0].decided_by, "analyst@riverbend.example");
        let entry = &app.store.audit_log(DEMO, 1).await.unwrap()[0];
        assert_eq!(entry.action, "record_decision", "{}", app.name);

        // The board's PDF, printed by the server's Chromium where it has one.
        let pdf = app
            .get(&format!("/d/{DEMO}/plan.pdf"), Some(&reviewer))
            .await;
        if std::path::Path::new("/usr/bin/chromium").exists() {
            assert_eq!(pdf.status, StatusCode::OK, "{}: {}", app.name, pdf.body);
            assert!(pdf.body.starts_with("%PDF"), "{}", app.name);
        } else {
            assert_eq!(pdf.status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(pdf.body.contains("Chromium"));
        }
        assert_eq!(
            app.get(&format!("/d/{DEMO}/plan.pdf"), Some(&partner))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_local_definition_of_great_applies_from_its_year() {
    for app in apps().await {
        let shares = |csv: &str| column(csv, "quality_percent");
        let before = shares(
            &app.get(&format!("/d/{DEMO}/downloads/north-star.csv"), None)
                .await
                .body,
        );

        let analyst = app.login(email(Role::Analyst)).await;
        let csrf = app.csrf(&analyst).await;
        let path = format!("/d/{DEMO}/goals/framework");
        let bad = app
            .post_form(&path, Some(&analyst), &format!("csrf={csrf}&from_year=2022-2023&kind=local&achievement=2&progress=0&closing_gaps=0&quality_at=95&mixed_at=70"))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", app.name);
        let ok = app
            .post_form(&path, Some(&analyst), &format!("csrf={csrf}&from_year=2022-2023&kind=local&achievement=1&progress=0&closing_gaps=0&quality_at=95&mixed_at=70"))
            .await;
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            ok.body
        );

        let after = shares(
            &app.get(&format!("/d/{DEMO}/downloads/north-star.csv"), None)
                .await
                .body,
        );
        assert_eq!(
            after[..4],
            before[..4],
            "{}: earlier years keep TEA A–F",
            app.name
        );
        let (was, now): (f64, f64) = (before[4].parse().unwrap(), after[4].parse().unwrap());
        assert!(
            now < was,
            "{}: a stricter local bar lowers 2022-2023 ({was} → {now})",
            app.name
        );
        let goals = app.get(&format!("/d/{DEMO}/goals"), None).await.body;
        assert!(goals.contains("From school year 2022-2023"), "{}", app.name);
        assert_eq!(
            app.store.audit_log(DEMO, 1).await.unwrap()[0].action,
            "set_performance_framework"
        );
    }
}

#[tokio::test]
async fn seats_can_count_for_the_areas_an_attendance_zone_covers() {
    for app in apps().await {
        let supply_by_area = |csv: &str, year: &str| -> BTreeMap<String, f64> {
            let mut totals = BTreeMap::new();
            for line in csv.lines().skip(1).filter(|l| l.starts_with(year)) {
                let cells: Vec<&str> = line.split(',').collect();
                *totals.entry(cells[1].to_string()).or_insert(0.0) +=
                    cells[4].parse::<f64>().unwrap();
            }
            totals
        };
        let url = format!("/d/{DEMO}/downloads/seat-gaps.csv?by=zone");
        let none = supply_by_area(&app.get(&url, None).await.body, "2022-2023");
        assert!(
            none.values().all(|s| *s == 0.0),
            "{}: without zones no seats count",
            app.name
        );

        // Zone one quality campus to a neighborhood other than its own.
        let snapshot = app.store.snapshot(DEMO).await.unwrap();
        let year = SchoolYear::parse("2022-2023").unwrap();
        let (campus, home) = snapshot
            .campuses
            .iter()
            .find(|c| {
                snapshot
                    .campus_years
                    .get(&(c.id.clone(), year))
                    .is_some_and(|f| {
                        matches!(f.rating, Some(sgs_domain::Rating::Letter('A' | 'B')))
                    })
            })
            .map(|c| (c.id.clone(), c.planning_area_id.clone().unwrap()))
            .unwrap();
        let elsewhere = snapshot
            .planning_areas
            .iter()
            .find(|a| a.id != home)
            .unwrap();
        let mut zones = sgs_domain::DistrictSnapshot::default();
        zones
            .attendance_zones
            .insert(campus, elsewhere.geometry.clone());
        let scope = ReplaceScope {
            attendance_zones: true,
            ..Default::default()
        };
        let source = BatchSource {
            actor: "test",
            kind: "attendance-zones",
            file: "zones.geojson",
            rows: 1,
        };
        app.store
            .apply_batch(
                &DistrictId::parse(DEMO).unwrap(),
                None,
                &scope,
                &zones,
                source,
            )
            .await
            .unwrap();

        let zoned = supply_by_area(&app.get(&url, None).await.body, "2022-2023");
        assert!(
            zoned[&elsewhere.id] > 0.0,
            "{}: the zoned area gains the campus's seats",
            app.name
        );
        assert_eq!(
            zoned.values().filter(|s| **s > 0.0).count(),
            1,
            "{}: and only that area",
            app.name
        );
        assert!(app
            .get(&format!("/d/{DEMO}/goals?by=zone"), None)
            .await
            .body
            .contains("<option value=\"zone\" selected>"));
    }
}

#[tokio::test]
async fn kindergarten_is_projected_from_births_when_the_district_gives_them() {
    for app in apps().await {
        let page = app.get(&format!("/d/{DEMO}/projections"), None).await.body;
        assert!(
            page.contains("Kindergarten follows its own trend"),
            "{}",
            app.name
        );
        let likely = |body: &str| -> String {
            body.split("2027-2028")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(200)
                .collect()
        };
        let before = likely(&page);

        // Births for the five-year-olds of 2018 to 2027: a falling series.
        let births = sgs_domain::DistrictSnapshot {
            births: (2013..=2022)
                .map(|year| (year, 9_000 - 300 * u32::from(year - 2013)))
                .collect(),
            ..Default::default()
        };
        let scope = ReplaceScope {
            births: true,
            ..Default::default()
        };
        let source = BatchSource {
            actor: "test",
            kind: "births",
            file: "births.csv",
            rows: 10,
        };
        app.store
            .apply_batch(
                &DistrictId::parse(DEMO).unwrap(),
                None,
                &scope,
                &births,
                source,
            )
            .await
            .unwrap();
        assert_eq!(
            app.store.births(DEMO).await.unwrap().len(),
            10,
            "{}",
            app.name
        );

        let page = app.get(&format!("/d/{DEMO}/projections"), None).await.body;
        assert!(page.contains("projected from births"), "{}", app.name);
        assert_ne!(
            likely(&page),
            before,
            "{}: the projection changes with births",
            app.name
        );
        // Births that stop short of the horizon fall back to the trend.
        let far = app
            .get(&format!("/d/{DEMO}/projections?horizon=10"), None)
            .await
            .body;
        assert!(
            far.contains("Kindergarten follows its own trend"),
            "{}",
            app.name
        );
    }
}

#[tokio::test]
async fn editors_replace_the_school_action_policy() {
    for app in apps().await {
        let path = format!("/d/{DEMO}/plan/policy");
        let analyst = app.login(email(Role::Analyst)).await;
        let plan = app
            .get(&format!("/d/{DEMO}/plan"), Some(&analyst))
            .await
            .body;
        assert!(
            plan.contains("The school-action policy") && plan.contains("TEC 39A.111"),
            "{}: the default policy",
            app.name
        );

        let csrf = app.csrf(&analyst).await;
        let bad = app
            .post_form(
                &path,
                Some(&analyst),
                &format!("csrf={csrf}&rules=%5B%7B%22action%22%3A"),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", app.name);
        assert!(bad.body.contains("line 1, column"), "{}", bad.body);

        let rules = json!([{"action": "replicate_expand", "all": [{"when": "tier", "tier": "Quality"}], "reason": "Grow every quality school."}]);
        let form = format!("csrf={csrf}&rules={}", urlencode(&rules.to_string()));
        let reviewer = app.login(email(Role::Reviewer)).await;
        assert_eq!(
            app.post_form(&path, Some(&reviewer), &form).await.status,
            StatusCode::FORBIDDEN
        );
        let ok = app.post_form(&path, Some(&analyst), &form).await;
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            app.name,
            ok.body
        );

        let plan = app
            .get(&format!("/d/{DEMO}/plan"), Some(&analyst))
            .await
            .body;
        assert!(plan.contains("Grow every quality school."), "{}", app.name);
        assert!(
            !plan.contains("TEC 39A.111"),
            "{}: the old rules are gone",
            app.name
        );
        assert_eq!(
            app.store.audit_log(DEMO, 1).await.unwrap()[0].action,
            "set_action_policy"
        );
    }
}

/// Percent-encodes a form value.
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
