//! The page frame every screen shares: skip link, landmarks, navigation by the four levers,
//! language switch and account menu.

use axum::http::StatusCode;
use axum::response::Html;
use maud::{html, Markup, DOCTYPE};
use sgs_domain::Role;

use crate::auth::Viewer;
use crate::i18n::Lang;

/// The district a page belongs to.
#[derive(Debug, Clone)]
pub struct DistrictCtx {
    /// TEA district id.
    pub id: String,
    /// Display name.
    pub name: String,
}

fn nav_link(path: &str, current: &str, label: &str) -> Markup {
    let is_current = current == path;
    html! {
        li { a href=(path) aria-current=[is_current.then_some("page")] { (label) } }
    }
}

/// A whole HTML page.
pub fn page(
    viewer: &Viewer,
    district: Option<&DistrictCtx>,
    title: &str,
    body: Markup,
) -> Html<String> {
    let lang = viewer.lang;
    let t = |key| lang.t(key);
    let other = match lang {
        Lang::En => Lang::Es,
        Lang::Es => Lang::En,
    };
    let here = viewer.path.as_str();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t("app.name")) }
                link rel="stylesheet" href="/assets/app.css";
                // htmx would otherwise inject an inline style, which the Content-Security-Policy refuses.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false}"#;
                script src="/assets/htmx.min.js" defer {}
            }
            body {
                a class="skip" href="#main" { (t("nav.skip")) }
                header class="top" {
                    a class="brand" href="/" { (t("app.name")) }
                    @if let Some(d) = district {
                        span class="district" { (d.name) }
                    }
                    div class="account" {
                        a href={ "/lang/" (other.code()) "?back=" (here) } lang=(other.code()) { (t("lang.other")) }
                        @if let Some(user) = viewer.user() {
                            span class="who" { (user.display_name) " · " (role_label(user.role, lang)) }
                            form method="post" action="/logout" class="inline" {
                                input type="hidden" name="csrf" value=(viewer.csrf());
                                button type="submit" { (t("nav.logout")) }
                            }
                        } @else {
                            a href="/login" { (t("nav.login")) }
                        }
                    }
                }
                @if let Some(d) = district {
                    nav aria-label=(t("nav.main")) {
                        ul {
                            (nav_link(&format!("/d/{}", d.id), here, t("nav.overview")))
                            (nav_link(&format!("/d/{}/campuses", d.id), here, t("nav.campuses")))
                            (nav_link(&format!("/d/{}/goals", d.id), here, t("nav.lever1")))
                            (nav_link(&format!("/d/{}/options", d.id), here, t("nav.lever2")))
                            (nav_link(&format!("/d/{}/finder", d.id), here, t("nav.lever3")))
                            @if viewer.may(&d.id, Role::can_view_staff_pages) {
                                (nav_link(&format!("/d/{}/innovation", d.id), here, t("nav.lever4")))
                            }
                            (nav_link(&format!("/d/{}/self-assessment", d.id), here, t("nav.assessment")))
                            @if viewer.may(&d.id, Role::can_run_enrollment) {
                                (nav_link(&format!("/d/{}/enrollment", d.id), here, t("nav.enrollment")))
                            }
                            @if viewer.may(&d.id, Role::can_view_staff_pages) {
                                (nav_link(&format!("/d/{}/data", d.id), here, t("nav.data")))
                            }
                            @if viewer.may(&d.id, Role::can_administer) {
                                (nav_link(&format!("/d/{}/audit", d.id), here, t("nav.audit")))
                            }
                            @if viewer.role().is_some_and(Role::can_compare_districts) {
                                (nav_link("/compare", here, t("nav.compare")))
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer { p { "SGS · " (t("app.name")) } }
            }
        }
    };
    Html(markup.into_string())
}

/// A role's name in the viewer's language.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (_, Lang::En) => role.label(),
        (Role::StateAdmin, Lang::Es) => "Administrador estatal",
        (Role::Admin, Lang::Es) => "Administrador",
        (Role::Analyst, Lang::Es) => "Analista de innovación",
        (Role::Enrollment, Lang::Es) => "Personal de inscripción",
        (Role::Reviewer, Lang::Es) => "Revisor",
        (Role::Partner, Lang::Es) => "Operador socio",
        (Role::Family, Lang::Es) => "Familia",
    }
}

/// A minimal page for errors, which may not know the viewer.
pub fn error_page(status: StatusCode, message: &str, lang: Lang) -> Html<String> {
    let t = |k| lang.t(k);
    // What happened, in the reader's language; the detail (which field, which value) as the
    // handler wrote it.
    let (title, explanation) = match status.as_u16() {
        403 => (t("error.403"), t("error.403_help")),
        404 => (t("error.404"), t("error.404_help")),
        429 => (t("error.429"), t("error.429_help")),
        400 => (t("error.400"), t("error.400_help")),
        _ => (t("error.title"), t("error.500_help")),
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (status.as_u16()) " · " (title) " · SGS" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                main id="main" {
                    h1 { (title) }
                    p { (explanation) }
                    p class="error" role="alert" lang="en" { (status.as_u16()) ": " (message) }
                    p { a href="/" { (t("error.home")) } " · " a href="/login" { (t("nav.login")) } }
                }
            }
        }
    };
    Html(markup.into_string())
}

/// The hidden CSRF field every state-changing form carries.
pub(crate) fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf()); }
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian), after Howard Hinnant's published algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        seconds / 3600,
        (seconds % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_time() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_time(1_709_210_096), "2024-02-29 12:34 UTC");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00 UTC");
    }
}
