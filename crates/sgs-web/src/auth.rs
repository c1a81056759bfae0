//! Accounts at the edge: password hashing, sessions in cookies or bearer tokens, CSRF checks,
//! sign-in rate limiting, and the [`Viewer`] every handler receives.
//!
//! Role rules themselves live in `sgs_domain::Role`; this module only asks them.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
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

/// Counts sign-in attempts and refuses more than a key's limit within [`LoginLimiter::WINDOW`].
/// An attempt is counted before the password is checked, so parallel guesses cannot slip past
/// the limit; a success clears the email's count.
#[derive(Default)]
pub struct LoginLimiter {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Attempts allowed per email and client address inside the window.
    pub const MAX_PER_ACCOUNT: usize = 5;
    /// Failed attempts allowed per client address, over all emails, inside the window. Only
    /// failures count here: a school network behind one address signs many people in.
    pub const MAX_PER_CLIENT: usize = 50;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Counts an attempt under `key` and says whether it is within `max`.
    pub fn attempt(&self, key: &str, max: usize) -> bool {
        let mut attempts = self.attempts.lock().expect("limiter lock poisoned");
        if attempts.len() > 10_000 {
            // Forget keys whose attempts have all left the window, so the map stays small.
            attempts.retain(|_, times| times.iter().any(|at| at.elapsed() < Self::WINDOW));
        }
        let times = attempts.entry(key.to_string()).or_default();
        times.retain(|at| at.elapsed() < Self::WINDOW);
        if times.len() >= max {
            return false;
        }
        times.push(Instant::now());
        true
    }

    /// Whether `key` is still under `max` attempts, without counting one.
    pub fn within(&self, key: &str, max: usize) -> bool {
        let attempts = self.attempts.lock().expect("limiter lock poisoned");
        attempts.get(key).is_none_or(|times| {
            times
                .iter()
                .filter(|at| at.elapsed() < Self::WINDOW)
                .count()
                < max
        })
    }

    /// Records a failure under `key` without checking a limit.
    pub fn record(&self, key: &str) {
        let mut attempts = self.attempts.lock().expect("limiter lock poisoned");
        attempts
            .entry(key.to_string())
            .or_default()
            .push(Instant::now());
    }

    /// Forgets `key` after a successful sign-in.
    pub fn clear(&self, key: &str) {
        self.attempts
            .lock()
            .expect("limiter lock poisoned")
            .remove(key);
    }
}

/// Why a sign-in failed.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInError {
    /// Too many attempts; wait.
    Limited,
    /// Unknown email or wrong password (deliberately not told apart).
    Wrong,
}

/// Checks an email and password under the rate limits and returns the account. Unknown emails
/// cost the same Argon2 work as known ones, so timing does not reveal which emails exist.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
) -> Result<User, AppError> {
    let email = email.trim().to_lowercase();
    let client = client
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into());
    let account_key = format!("{email}|{client}");
    let client_key = format!("client|{client}");
    let allowed = state
        .limiter
        .within(&client_key, LoginLimiter::MAX_PER_CLIENT)
        && state
            .limiter
            .attempt(&account_key, LoginLimiter::MAX_PER_ACCOUNT);
    if !allowed {
        return Err(AppError::TooManyRequests);
    }

    static DUMMY_HASH: OnceLock<String> = OnceLock::new();
    let user = state.store.user_by_email(&email).await?;
    let stored = match &user {
        Some(user) => user.password_hash.clone(),
        None => DUMMY_HASH
            .get_or_init(|| hash_password("no such account"))
            .clone(),
    };
    let password = password.to_string();
    // Argon2 takes tens of milliseconds of CPU; keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false);

    match user {
        Some(user) if matches => {
            state.limiter.clear(&account_key);
            tracing::info!(user.id = user.id, "signed in");
            Ok(user)
        }
        _ => {
            state.limiter.record(&client_key);
            tracing::info!("sign-in failed");
            Err(AppError::Unauthorized)
        }
    }
}

/// Refuses a cross-site form post. Browsers send `Sec-Fetch-Site` and `Origin`; a post from
/// another site could otherwise sign a person in to an attacker's account.
pub fn same_site_post(headers: &HeaderMap) -> Result<(), AppError> {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
    {
        return Err(AppError::Forbidden);
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let (Some(origin), Some(host)) = (origin, host) {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin != "null" && origin_host != host {
            return Err(AppError::Forbidden);
        }
    }
    Ok(())
}

/// The `Set-Cookie` value for a session token (or, with an empty token, for ending it). Cookies
/// are `Secure` when the app is told it is served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = if token.is_empty() { 0 } else { SESSION_SECONDS };
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// The language a request reads in: the language cookie, else the browser's
/// `Accept-Language`, else English.
pub fn request_lang(headers: &axum::http::HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En)
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
    /// The client's address, for sign-in rate limits.
    pub client: Option<std::net::IpAddr>,
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

        let lang = request_lang(&parts.headers);

        Ok(Viewer {
            via_bearer: bearer.is_some() && session.is_some(),
            session,
            lang,
            path: parts.uri.path().to_string(),
            client: parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip()),
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
    fn limiter_counts_attempts_per_key() {
        let limiter = LoginLimiter::default();
        for _ in 0..LoginLimiter::MAX_PER_ACCOUNT {
            assert!(limiter.attempt("a@x|127.0.0.1", LoginLimiter::MAX_PER_ACCOUNT));
        }
        assert!(!limiter.attempt("a@x|127.0.0.1", LoginLimiter::MAX_PER_ACCOUNT));
        assert!(
            limiter.attempt("a@x|10.0.0.9", LoginLimiter::MAX_PER_ACCOUNT),
            "another client is not locked out"
        );
        limiter.clear("a@x|127.0.0.1");
        assert!(limiter.attempt("a@x|127.0.0.1", LoginLimiter::MAX_PER_ACCOUNT));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "sgs.example".parse().unwrap());
        assert!(same_site_post(&headers).is_ok());
        headers.insert(header::ORIGIN, "https://sgs.example".parse().unwrap());
        assert!(same_site_post(&headers).is_ok());
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(same_site_post(&headers).is_err());
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_site_post(&headers).is_err());
    }

    #[test]
    fn session_cookies_are_http_only_and_secure_when_asked() {
        let cookie = session_cookie("abc", true);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.ends_with("; Secure")
        );
        assert!(session_cookie("", false).contains("Max-Age=0"));
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
