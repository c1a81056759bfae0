//! The SGS web app: server-rendered pages for district staff, partners and families, and the
//! JSON API under `/api/v1`, both over the same store and the same role rules.
//!
//! **Architecture invariant:** handlers are thin. They read the [`auth::Viewer`], ask the role
//! rules in `sgs_domain::Role`, call the store and render; analysis lives in pure crates.
//! Nothing a page needs is loaded from outside the app: htmx and the stylesheet are embedded,
//! and the Content-Security-Policy forbids other origins.

pub mod api;
pub mod assessment;
pub mod auth;
pub mod charts;
pub mod choice;
pub mod error;
pub mod i18n;
pub mod ingest;
pub mod innovation;
pub mod layout;
pub mod lever1;
mod openapi;
mod pages;
pub mod plan;
pub mod scenarios;
pub mod xlsx;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use sgs_store::Store;

/// Shared state of the app.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Sign-in attempt counter.
    pub limiter: Arc<auth::LoginLimiter>,
    /// Mark cookies `Secure`: set when the app is served over HTTPS (behind a proxy).
    pub secure_cookies: bool,
}

impl AppState {
    /// State over a store.
    pub fn new(store: Store) -> Self {
        AppState {
            store,
            limiter: Arc::new(auth::LoginLimiter::default()),
            secure_cookies: std::env::var("SGS_SECURE_COOKIES")
                .is_ok_and(|v| v == "1" || v == "true"),
        }
    }
}

/// Every route of the app.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", post(api::create_session))
        .route("/openapi.json", get(api::openapi))
        .route("/districts", get(api::districts))
        .route("/districts/{district}/summary", get(api::summary))
        .route("/districts/{district}/campuses", get(api::campuses))
        .route("/districts/{district}/campuses/{campus}", get(api::campus))
        .route(
            "/districts/{district}/campuses/{campus}/capacity",
            put(api::set_capacity),
        )
        .route(
            "/districts/{district}/grade-bands",
            get(api::grade_bands).put(api::set_grade_bands),
        )
        .route("/districts/{district}/imports", get(api::imports))
        .route("/districts/{district}/audit", get(api::audit))
        .route("/districts/{district}/north-star", get(api::north_star))
        .route("/districts/{district}/goal", put(api::set_goal))
        .route("/districts/{district}/seat-gaps", get(api::seat_gaps))
        .route("/districts/{district}/projections", get(api::projections))
        .route("/districts/{district}/triggers", get(api::triggers))
        .route("/districts/{district}/plan", get(api::plan))
        .route(
            "/districts/{district}/plan/decisions",
            post(api::record_decision),
        )
        .route(
            "/districts/{district}/scenarios",
            get(api::scenarios).post(api::create_scenario),
        )
        .route("/districts/{district}/scenarios/{id}", get(api::scenario))
        .route(
            "/districts/{district}/assessments",
            get(assessment::api_list),
        )
        .route(
            "/districts/{district}/assessments/{id}/results",
            get(assessment::api_results),
        )
        .route(
            "/districts/{district}/initiatives",
            get(innovation::api_initiatives),
        )
        .route(
            "/districts/{district}/universal-goals",
            get(innovation::api_goals),
        )
        .route(
            "/districts/{district}/measures/{id}",
            get(innovation::api_measure),
        )
        .route(
            "/districts/{district}/measures/{id}/values",
            put(innovation::api_set_values),
        )
        .route("/districts/{district}/match-runs", get(choice::api_runs))
        .route(
            "/districts/{district}/offer-chances",
            get(choice::api_chances),
        )
        .route(
            "/districts/{district}/offer-chances/list",
            get(choice::api_list_chances),
        );

    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang/{code}", get(pages::set_language))
        .route("/assets/app.css", get(assets_css))
        .route("/assets/htmx.min.js", get(assets_htmx))
        .route("/compare", get(pages::compare))
        .route("/d/{district}", get(pages::overview))
        .route("/d/{district}/campuses", get(pages::campus_list))
        .route("/d/{district}/campuses.csv", get(pages::campus_list_csv))
        .route(
            "/d/{district}/campuses/{campus}",
            get(pages::campus_profile),
        )
        .route(
            "/d/{district}/campuses/{campus}/enrollment.csv",
            get(pages::campus_enrollment_csv),
        )
        .route(
            "/d/{district}/campuses/{campus}/capacity",
            post(pages::set_capacity),
        )
        .route("/d/{district}/goals", get(lever1::goals))
        .route("/d/{district}/goals/goal", post(lever1::set_goal))
        .route("/d/{district}/goals/framework", post(lever1::set_framework))
        .route("/d/{district}/goals/areas/{area}", get(lever1::area_detail))
        .route("/d/{district}/plan", get(plan::show))
        .route("/d/{district}/plan.pdf", get(plan::pdf))
        .route("/d/{district}/plan/decisions", post(plan::record))
        .route("/d/{district}/plan/policy", post(plan::set_policy))
        .route(
            "/d/{district}/scenarios",
            get(scenarios::list).post(scenarios::create),
        )
        .route("/d/{district}/scenarios/{id}", get(scenarios::show))
        .route(
            "/d/{district}/scenarios/{id}/{file}",
            get(scenarios::comparison),
        )
        .route(
            "/d/{district}/scenarios/{id}/actions",
            post(scenarios::add_action),
        )
        .route(
            "/d/{district}/scenarios/{id}/actions/{index}/delete",
            post(scenarios::remove_action),
        )
        .route("/d/{district}/projections", get(lever1::projections))
        .route("/d/{district}/downloads/{file}", get(lever1::download_file))
        .route("/d/{district}/options", get(pages::options))
        .route("/d/{district}/finder", get(pages::finder))
        .route("/d/{district}/finder/list", get(choice::finder_list))
        .merge(innovation::routes())
        .merge(choice::routes())
        .merge(assessment::routes())
        .route("/d/{district}/data", get(pages::data))
        .route(
            "/d/{district}/data/import",
            post(pages::import_upload).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route(
            "/d/{district}/settings/grade-bands",
            post(pages::set_grade_bands),
        )
        .route("/d/{district}/audit", get(pages::audit))
        .nest("/api/v1", api)
        .layer(middleware::from_fn(error::localize_errors))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Headers on every response: no other origins, no framing, no sniffing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

async fn assets_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/app.css"),
    )
}

async fn assets_htmx() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../assets/htmx.min.js"),
    )
}

/// Serves the app on `addr` until Ctrl-C. Returns once the server stops.
pub async fn serve(store: Store, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(store, listener).await
}

/// Serves the app on an already bound listener (tests bind port 0).
pub async fn serve_on(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(AppState::new(store));
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
