//! One error type for every handler, mapped to an HTTP status and a page or JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// Not signed in where signing in is required: pages redirect to the login form.
    #[error("sign in required")]
    Unauthorized,
    /// Signed in, but the role may not do this.
    #[error("your role may not do this")]
    Forbidden,
    /// The request was malformed; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// Too many failed sign-in attempts.
    #[error("too many attempts; try again in a few minutes")]
    TooManyRequests,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] sgs_store::StoreError),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Store(sgs_store::StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            AppError::Store(sgs_store::StoreError::Invalid(_)) => StatusCode::BAD_REQUEST,
            AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The public message: internal errors are logged, never shown. Validation messages name
    /// fields and values for the staff who import and edit, and stay in English.
    fn public_message(&self) -> String {
        match self {
            AppError::Store(sgs_store::StoreError::Invalid(message)) => message.clone(),
            AppError::Store(sgs_store::StoreError::NotFound(_)) => "not found".into(),
            AppError::Store(_) => "internal error".into(),
            other => other.to_string(),
        }
    }

    fn log(&self) {
        if let AppError::Store(error) = self {
            if self.status().is_server_error() {
                tracing::error!(error = %error, "request failed");
            }
        }
    }
}

/// The error rendered as an HTML page (what browsers get).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, AppError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        let status = self.status();
        let message = self.public_message();
        let body = crate::layout::error_page(status, &message, crate::i18n::Lang::En);
        let mut response = (status, body).into_response();
        // The page is written again in the reader's language by `localize_errors`, which
        // knows the request.
        response.extensions_mut().insert(ErrorPage(message));
        response
    }
}

/// The message of an HTML error page, kept on the response so it can be rendered again in the
/// language of the request.
#[derive(Debug, Clone)]
pub struct ErrorPage(pub String);

/// Middleware: renders error pages in the language the request reads in.
pub async fn localize_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = crate::auth::request_lang(request.headers());
    let response = next.run(request).await;
    if lang == crate::i18n::Lang::En {
        return response;
    }
    match response.extensions().get::<ErrorPage>().cloned() {
        Some(ErrorPage(message)) => {
            let status = response.status();
            (status, crate::layout::error_page(status, &message, lang)).into_response()
        }
        None => response,
    }
}

/// The same error as JSON, for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let body = Json(serde_json::json!({ "error": self.0.public_message() }));
        (status, body).into_response()
    }
}
