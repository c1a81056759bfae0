//! The web app over the demo district for the integration tests: a router per storage backend
//! (SQLite, and PostgreSQL with `TEST_POSTGRES_URL`), requests as a signed-in account would send
//! them, and helpers to read what comes back.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sgs_cli::{demo_accounts, load_demo, DEMO_PASSWORD};
use sgs_domain::{DistrictId, Role};
use sgs_store::{BatchSource, ReplaceScope, Store};
use tower::ServiceExt;

pub const DEMO: &str = "999901";
/// A campus of the demo district.
pub const CAMPUS: &str = "999901101";

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

pub struct App {
    pub name: &'static str,
    pub store: Store,
    pub router: Router,
    pub _keep: sgs_store::testing::TestStore,
}

impl App {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, form: &str) -> Reply {
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(form.to_string())).unwrap())
            .await
    }

    pub async fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = body
            .map(|b| Body::from(b.to_string()))
            .unwrap_or_else(Body::empty);
        self.send(request.body(body).unwrap()).await
    }

    /// Signs in through the login form and returns the session cookie.
    pub async fn login(&self, email: &str) -> String {
        let reply = self
            .post_form(
                "/login",
                None,
                &format!("email={email}&password={DEMO_PASSWORD}"),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: login {email}",
            self.name
        );
        let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    /// The cookie the language switch sets for Spanish.
    pub async fn spanish(&self) -> String {
        let reply = self.get("/lang/es?back=/", None).await;
        let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    /// The CSRF token the pages put in forms for this session.
    pub async fn csrf(&self, cookie: &str) -> String {
        let page = self
            .get(&format!("/d/{DEMO}/campuses/{CAMPUS}"), Some(cookie))
            .await
            .body;
        let at = page
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token")
            + 19;
        page[at..at + 64].to_string()
    }
}

pub async fn apps() -> Vec<App> {
    let mut apps = Vec::new();
    for test_store in sgs_store::testing::stores().await {
        let store = test_store.store.clone();
        load_demo(&store).await.unwrap();
        // A second district, to prove accounts stay inside their own.
        let other = DistrictId::parse("015907").unwrap();
        let snapshot = sgs_domain::DistrictSnapshot {
            name: "Other ISD".into(),
            ..Default::default()
        };
        let source = BatchSource {
            actor: "test",
            kind: "test",
            file: "none",
            rows: 0,
        };
        store
            .apply_batch(
                &other,
                None,
                &ReplaceScope::everything(vec![]),
                &snapshot,
                source,
            )
            .await
            .unwrap();
        apps.push(App {
            name: test_store.name,
            router: sgs_web::router(sgs_web::AppState::new(store.clone())),
            store,
            _keep: test_store,
        });
    }
    apps
}

/// The values of the column named `name` in a CSV download, one per row.
pub fn column(csv: &str, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {csv}"));
    reader
        .records()
        .map(|r| r.unwrap()[index].to_string())
        .collect()
}

pub fn email(role: Role) -> &'static str {
    demo_accounts()
        .into_iter()
        .find(|(_, _, r)| *r == role)
        .unwrap()
        .0
}

/// Form-encodes `pairs` (letters, digits and `-_.` as they are, everything else escaped).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let value: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={value}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Posts a form as `cookie`'s account with its CSRF token.
pub async fn post(app: &App, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> Reply {
    let csrf = app.csrf(cookie).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(pairs);
    app.post_form(path, Some(cookie), &encode(&all)).await
}
