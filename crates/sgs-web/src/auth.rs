//! Accounts at the edge: password hashing, sessions in cookies or bearer tokens, CSRF checks,
//! sign-in rate limiting, and the [`Viewer`] every handler receives.
//!
//! Role rules themselves live in `sgs_domain::Role`; this module only asks them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use rand::RngCore;
use sgs_domain::Role;
use sgs_store::{SessionInfo, User};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "sgs_session";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "sgs_lang";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .expect("argon2 hashing with default parameters cannot fail")
}

/// Whether `password` matches a stored Argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random token, hex encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The hash under which a session token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Counts failed sign-ins per email and client address, refusing more than
/// [`LoginLimiter::MAX_FAILURES`] within [`LoginLimiter::WINDOW`].
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Failures allowed inside the window.
    pub const MAX_FAILURES: usize = 5;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Whether `key` may try again now.
    pub fn allowed(&self, key: &str) -> bool {
        let mut failures = self.failures.lock().expect("limiter lock poisoned");
        let recent = failures.entry(key.to_string()).or_default();
        recent.retain(|at| at.elapsed() < Self::WINDOW);
        recent.len() < Self::MAX_FAILURES
    }

    /// Records a failure for `key`.
    pub fn record_failure(&self, key: &str) {
        let mut failures = self.failures.lock().expect("limiter lock poisoned");
        failures
            .entry(key.to_string())
            .or_default()
            .push(Instant::now());
    }

    /// Forgets `key` after a successful sign-in.
    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .expect("limiter lock poisoned")
            .remove(key);
    }
}

/// Who is asking, and in which language they read.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The session, when signed in.
    pub session: Option<SessionInfo>,
    /// Whether the session came as a bearer token (API scripts), which needs no CSRF token.
    pub via_bearer: bool,
    /// Display language.
    pub lang: Lang,
    /// The request path, for the language switch to return to.
    pub path: String,
}

impl Viewer {
    /// The signed-in account.
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The signed-in role.
    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    /// Whether the account belongs to `district_id` (a state administrator belongs to all).
    pub fn belongs_to(&self, district_id: &str) -> bool {
        self.user().is_some_and(|user| {
            user.role == Role::StateAdmin || user.district_id.as_deref() == Some(district_id)
        })
    }

    /// Whether the viewer is signed in to this district with a role that passes `allowed`.
    pub fn may(&self, district_id: &str, allowed: fn(Role) -> bool) -> bool {
        self.belongs_to(district_id) && self.role().is_some_and(allowed)
    }

    /// The account, if it belongs to `district_id` and its role passes `allowed`; otherwise
    /// `Unauthorized` (not signed in) or `Forbidden`.
    pub fn require(&self, district_id: &str, allowed: fn(Role) -> bool) -> Result<&User, AppError> {
        let user = self.user().ok_or(AppError::Unauthorized)?;
        if self.may(district_id, allowed) {
            Ok(user)
        } else {
            tracing::info!(
                user.id = user.id,
                district.id = district_id,
                "access refused"
            );
            Err(AppError::Forbidden)
        }
    }

    /// Checks the CSRF token a form or API call sent. Bearer-token calls carry no ambient
    /// credential, so they need none.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        if self.via_bearer {
            return Ok(());
        }
        match (&self.session, sent) {
            (Some(session), Some(sent)) if session.csrf_token == sent => Ok(()),
            (None, _) => Err(AppError::Unauthorized),
            _ => Err(AppError::BadRequest(
                "missing or wrong CSRF token; reload the page".into(),
            )),
        }
    }

    /// The CSRF token to put in forms.
    pub fn csrf(&self) -> &str {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.as_str())
            .unwrap_or("")
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let token = bearer.or_else(|| cookie(&parts.headers, SESSION_COOKIE));
        let session = match token {
            Some(token) if !token.is_empty() => state.store.session(&token_hash(token)).await?,
            _ => None,
        };

        let lang = cookie(&parts.headers, LANG_COOKIE)
            .and_then(Lang::parse)
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En);

        Ok(Viewer {
            via_bearer: bearer.is_some() && session.is_some(),
            session,
            lang,
            path: parts.uri.path().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn limiter_refuses_after_five_failures() {
        let limiter = LoginLimiter::default();
        for _ in 0..LoginLimiter::MAX_FAILURES {
            assert!(limiter.allowed("a@x|127.0.0.1"));
            limiter.record_failure("a@x|127.0.0.1");
        }
        assert!(!limiter.allowed("a@x|127.0.0.1"));
        assert!(
            limiter.allowed("b@x|127.0.0.1"),
            "other accounts are not limited"
        );
        limiter.clear("a@x|127.0.0.1");
        assert!(limiter.allowed("a@x|127.0.0.1"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; sgs_session=abc; sgs_lang=es".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("es"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
