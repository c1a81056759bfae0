//! The HTML screens. Public pages need no sign-in; staff pages ask the role rules.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use sgs_domain::summary::{latest_with_enrollment, students_by_band, summarize, Tier, YearSummary};
use sgs_domain::{
    Campus, CampusId, CampusStatus, CampusYear, Grade, GradeBand, Rating, Role, SchoolYear,
    StudentGroup,
};

use crate::auth::{self, Viewer, LANG_COOKIE, SESSION_COOKIE, SESSION_SECONDS};
use crate::charts::{area_map, bar_chart, format_number, line_chart, MapPoint, MapShape};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{format_time, page, DistrictCtx};
use crate::AppState;

type PageResult = Result<Response, AppError>;

pub(crate) async fn district_ctx(
    state: &AppState,
    district: &str,
) -> Result<DistrictCtx, AppError> {
    let (name, _) = state
        .store
        .district(district)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DistrictCtx {
        id: district.to_string(),
        name,
    })
}

/// The campus with this id, if it belongs to `district`; otherwise not found, so one district's
/// pages never show another's campus.
pub(crate) async fn campus_in_district(
    state: &AppState,
    district: &str,
    campus_id: &str,
) -> Result<Campus, AppError> {
    state
        .store
        .campus(campus_id)
        .await?
        .filter(|c| c.district_id.as_str() == district)
        .ok_or(AppError::NotFound)
}

/// A rating as a coloured badge with its full text for screen readers.
fn rating_badge(rating: Option<&Rating>, lang: Lang) -> Markup {
    let tier = Tier::of(rating);
    let (short, long) = match rating {
        Some(Rating::Letter(letter)) => (letter.to_string(), letter.to_string()),
        Some(Rating::NotRated(reason)) => (
            "NR".to_string(),
            format!("{}: {}", lang.t("rating.not_rated"), reason.label()),
        ),
        None => ("–".to_string(), lang.t("rating.none").to_string()),
    };
    html! { span class={ "rating " (tier.code()) } title=(long) { span aria-hidden="true" { (short) } span class="skip" { (long) } } }
}

fn type_label(campus: &Campus, lang: Lang) -> &'static str {
    campus
        .school_type
        .map(|t| lang.t(&format!("type.{}", t.code())))
        .unwrap_or("")
}

fn grades(campus: &Campus) -> String {
    match (campus.grade_low, campus.grade_high) {
        (Some(low), Some(high)) => format!("{low}–{high}"),
        _ => String::new(),
    }
}

/// The latest year with enrollment, and the latest year with a rating, for one campus.
#[derive(Debug, Clone, Default)]
struct Latest {
    students: Option<(SchoolYear, u32)>,
    rating: Option<(SchoolYear, Rating)>,
}

fn latest_by_campus(
    years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
) -> BTreeMap<CampusId, Latest> {
    let mut latest: BTreeMap<CampusId, Latest> = BTreeMap::new();
    // Keys are ordered by campus, then year, so later years overwrite earlier ones.
    for ((campus_id, year), facts) in years {
        let entry = latest.entry(campus_id.clone()).or_default();
        if let Some(total) = facts.total_enrollment() {
            entry.students = Some((*year, total));
        }
        if let Some(rating) = &facts.rating {
            entry.rating = Some((*year, rating.clone()));
        }
    }
    latest
}

fn latest_rated(summaries: &[YearSummary]) -> Option<&YearSummary> {
    summaries.iter().rev().find(|s| s.quality_share().is_some())
}

// ---------------------------------------------------------------------------------------------
// Home, sign-in, language.

pub(crate) async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let districts = state.store.districts().await?;
    if let (Some(user), false) = (viewer.user(), districts.is_empty()) {
        if let Some(district) = &user.district_id {
            return Ok(Redirect::to(&format!("/d/{district}")).into_response());
        }
    }
    let t = |k| viewer.lang.t(k);
    let body = html! {
        ul {
            @for (id, name) in &districts {
                li { a href={ "/d/" (id) } { (name) } " " span class="muted" { "(" (id) ")" } }
            }
        }
    };
    Ok(page(&viewer, None, t("home.title"), body).into_response())
}

pub(crate) async fn login_form(viewer: Viewer) -> Html<String> {
    login_page(&viewer, None)
}

fn login_page(viewer: &Viewer, error: Option<&str>) -> Html<String> {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        @if let Some(error) = error {
            p class="error" role="alert" { (error) }
        }
        form method="post" action="/login" {
            p { label for="email" { (t("login.email")) } input id="email" name="email" type="email" autocomplete="username" required; }
            p { label for="password" { (t("login.password")) } input id="password" name="password" type="password" autocomplete="current-password" required; }
            p { button type="submit" { (t("login.submit")) } }
        }
    };
    page(viewer, None, t("login.title"), body)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    email: String,
    password: String,
}

/// Signs in: checks the rate limits and the password, starts a session.
pub(crate) async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    auth::same_site_post(&headers)?;
    let user = match auth::sign_in(&state, &form.email, &form.password, viewer.client).await {
        Ok(user) => user,
        Err(AppError::TooManyRequests) => {
            let body = login_page(&viewer, Some(viewer.lang.t("login.limited")));
            return Ok((StatusCode::TOO_MANY_REQUESTS, body).into_response());
        }
        Err(AppError::Unauthorized) => {
            let body = login_page(&viewer, Some(viewer.lang.t("login.failed")));
            return Ok((StatusCode::UNAUTHORIZED, body).into_response());
        }
        Err(other) => return Err(other),
    };

    let token = auth::new_token();
    let expires = sgs_store::now() + SESSION_SECONDS;
    state
        .store
        .create_session(
            &auth::token_hash(&token),
            user.id,
            &auth::new_token(),
            expires,
        )
        .await?;
    let target = match &user.district_id {
        Some(district) => format!("/d/{district}"),
        None => "/".to_string(),
    };
    let cookie = auth::session_cookie(&token, state.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: Option<String>,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    viewer.check_csrf(form.csrf.as_deref())?;
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&auth::token_hash(token)).await?;
    }
    let cookie = auth::session_cookie("", state.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

/// Whether `path` is a plain path on this site: it starts with one `/` and holds only letters,
/// digits and `/ - _ .`, so no browser can read it as another host (`//`, `/\\`, tabs, `%5C`).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
}

#[derive(Deserialize)]
pub(crate) struct BackQuery {
    back: Option<String>,
}

pub(crate) async fn set_language(
    Path(code): Path<String>,
    Query(query): Query<BackQuery>,
) -> PageResult {
    let lang = Lang::parse(&code).ok_or_else(|| {
        AppError::BadRequest(format!("unknown language {code:?}: expected en or es"))
    })?;
    // Only same-site paths: an open redirect would let a link send people elsewhere.
    let back = query
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}

// ---------------------------------------------------------------------------------------------
// District overview and comparison.

pub(crate) async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let campuses = state.store.campuses(&district).await?;
    let years = state.store.campus_years(&district, None).await?;
    let summaries = summarize(&years);
    let bands = state.store.grade_bands(&district).await?;
    let areas = state.store.planning_areas(&district).await?;
    let boundary = state.store.district(&district).await?.and_then(|(_, b)| b);
    let latest_by = latest_by_campus(&years);
    let lang = viewer.lang;
    let t = |k| lang.t(k);

    let latest = latest_with_enrollment(&summaries);
    let rated = latest_rated(&summaries);
    let open = campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .count();
    let trend: Vec<(String, Option<f64>)> = summaries
        .iter()
        .map(|s| (s.school_year.to_string(), s.students.map(f64::from)))
        .collect();
    let body = html! {
        div class="cards" {
            div class="card" { span class="big" { (latest.and_then(|s| s.students).map(|n| format_number(f64::from(n))).unwrap_or_else(|| "–".into())) } (t("overview.students")) @if let Some(s) = latest { " · " (s.school_year) } }
            div class="card" { span class="big" { (open) } (t("overview.campuses")) }
            div class="card" { span class="big" { (rated.and_then(YearSummary::quality_share).map(|p| format!("{p:.1}%")).unwrap_or_else(|| "–".into())) } (t("overview.quality_share")) @if let Some(s) = rated { " · " (s.school_year) } }
        }
        (neighborhood_map(&district, &campuses, &areas, boundary.as_ref(), &latest_by, lang))
        h2 { (t("overview.trend")) }
        (line_chart(t("overview.trend"), &trend, ""))
        details {
            summary { (t("table.show")) }
            table {
                thead { tr { th scope="col" { (t("overview.latest_year")) } th scope="col" class="num" { (t("overview.students")) } th scope="col" class="num" { (t("overview.campuses")) } } }
                tbody { @for s in &summaries { tr { th scope="row" { (s.school_year) } td class="num" { (missing_or(s.students, lang)) } td class="num" { (s.campuses) } } } }
            }
        }
        @if let Some(s) = latest {
            h2 { (t("overview.bands")) " · " (s.school_year) }
            table {
                thead { tr { th scope="col" { (t("overview.band")) } th scope="col" class="num" { (t("overview.students")) } } }
                tbody { @for (band, n) in students_by_band(&years, s.school_year, &bands) { tr { th scope="row" { (band.name) } td class="num" { (format_number(f64::from(n))) } } } }
            }
        }
        @if let Some(s) = rated {
            h2 { (t("overview.ratings")) " · " (s.school_year) }
            @let bars: Vec<(String, f64, &str)> = Tier::all().iter().filter_map(|tier| s.campuses_by_tier.get(tier).map(|n| (tier_label(*tier, lang).to_string(), *n as f64, tier.code()))).collect();
            (bar_chart(&format!("{} {}", t("overview.ratings"), s.school_year), &bars))
        }
    };
    Ok(page(
        &viewer,
        Some(&ctx),
        &format!("{} · {}", t("overview.title"), ctx.name),
        body,
    )
    .into_response())
}

/// A count, or a dash that screen readers hear as "not reported".
fn missing_or(value: Option<u32>, lang: Lang) -> Markup {
    match value {
        Some(n) => html! { (format_number(f64::from(n))) },
        None => {
            html! { span aria-hidden="true" { "–" } span class="skip" { (lang.t("campus.missing")) } }
        }
    }
}

/// The district's neighborhoods (or its boundary) with every open campus as a dot coloured by
/// its latest rating, and a table of the same by neighborhood.
fn neighborhood_map(
    district: &str,
    campuses: &[Campus],
    areas: &[sgs_domain::PlanningArea],
    boundary: Option<&serde_json::Value>,
    latest: &BTreeMap<CampusId, Latest>,
    lang: Lang,
) -> Markup {
    let t = |k| lang.t(k);
    let mut shapes: Vec<MapShape> = areas
        .iter()
        .map(|a| MapShape {
            label: &a.name,
            class: "area",
            geometry: &a.geometry,
        })
        .collect();
    if shapes.is_empty() {
        if let Some(geometry) = boundary {
            shapes.push(MapShape {
                label: t("overview.boundary"),
                class: "area",
                geometry,
            });
        }
    }
    let tier_of = |c: &Campus| {
        Tier::of(
            latest
                .get(&c.id)
                .and_then(|l| l.rating.as_ref())
                .map(|(_, r)| r),
        )
    };
    let open: Vec<&Campus> = campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .collect();
    let points: Vec<MapPoint> = open
        .iter()
        .filter_map(|c| {
            let tier = tier_of(c);
            Some(MapPoint {
                longitude: c.longitude?,
                latitude: c.latitude?,
                label: format!("{} · {}", c.name, tier_label(tier, lang)),
                class: tier.code(),
                href: format!("/d/{district}/campuses/{}", c.id),
            })
        })
        .collect();
    if shapes.is_empty() && points.is_empty() {
        return html! {};
    }
    // Per neighborhood: open campuses, their latest students, and those in A/B campuses.
    let rows: Vec<(&str, usize, u32, u32)> = areas
        .iter()
        .map(|area| {
            let here: Vec<&&Campus> = open
                .iter()
                .filter(|c| c.planning_area_id.as_deref() == Some(area.id.as_str()))
                .collect();
            let students = |c: &&&Campus| {
                latest
                    .get(&c.id)
                    .and_then(|l| l.students)
                    .map(|(_, n)| n)
                    .unwrap_or(0)
            };
            let total: u32 = here.iter().map(students).sum();
            let quality: u32 = here
                .iter()
                .filter(|c| tier_of(c) == Tier::Quality)
                .map(students)
                .sum();
            (area.name.as_str(), here.len(), total, quality)
        })
        .collect();
    html! {
        section aria-labelledby="map" {
            h2 id="map" { (t("overview.map")) }
            (area_map(t("overview.map"), &shapes, &points))
            ul class="legend" {
                @for tier in [Tier::Quality, Tier::Mixed, Tier::Low, Tier::NotRated] {
                    li { span class={ "rating " (tier.code()) } aria-hidden="true" { "●" } " " (tier_label(tier, lang)) }
                }
            }
            @if !rows.is_empty() {
                details {
                    summary { (t("table.show")) }
                    table {
                        thead { tr { th scope="col" { (t("campuses.area")) } th scope="col" class="num" { (t("overview.campuses")) } th scope="col" class="num" { (t("overview.students")) } th scope="col" class="num" { (t("overview.quality_share")) } } }
                        tbody { @for (name, count, total, quality) in &rows { tr {
                            th scope="row" { (name) }
                            td class="num" { (count) }
                            td class="num" { (format_number(f64::from(*total))) }
                            td class="num" { @if *total > 0 { (format!("{:.1}%", 100.0 * f64::from(*quality) / f64::from(*total))) } @else { "–" } }
                        } } }
                    }
                }
            }
        }
    }
}

pub(crate) fn tier_label(tier: Tier, lang: Lang) -> &'static str {
    match (tier, lang) {
        (Tier::Quality, Lang::En) => "A/B (quality)",
        (Tier::Quality, Lang::Es) => "A/B (calidad)",
        (Tier::Mixed, _) => "C",
        (Tier::Low, _) => "D/F",
        (Tier::NotRated, l) => l.t("rating.not_rated"),
        (Tier::Unknown, l) => l.t("rating.none"),
    }
}

pub(crate) async fn compare(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if viewer.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    if !viewer.role().is_some_and(Role::can_compare_districts) {
        return Err(AppError::Forbidden);
    }
    let mut rows = Vec::new();
    for (id, name) in state.store.districts().await? {
        let summaries = summarize(&state.store.campus_years(&id, None).await?);
        let students =
            latest_with_enrollment(&summaries).and_then(|s| s.students.map(|n| (s.school_year, n)));
        let share =
            latest_rated(&summaries).and_then(|s| s.quality_share().map(|p| (s.school_year, p)));
        rows.push((id, name, students, share));
    }
    let t = |k| viewer.lang.t(k);
    let body = html! {
        div class="table-wrap" { table {
            thead { tr { th scope="col" { (t("nav.districts")) } th scope="col" class="num" { (t("overview.students")) } th scope="col" class="num" { (t("overview.quality_share")) } } }
            tbody { @for (id, name, students, share) in &rows { tr {
                th scope="row" { a href={ "/d/" (id) } { (name) } }
                td class="num" { @if let Some((y, n)) = students { (format_number(f64::from(*n))) " (" (y) ")" } @else { "–" } }
                td class="num" { @if let Some((y, p)) = share { (format!("{p:.1}%")) " (" (y) ")" } @else { "–" } }
            } } }
        } }
    };
    Ok(page(&viewer, None, t("nav.compare"), body).into_response())
}

// ---------------------------------------------------------------------------------------------
// Campus list, finder and CSV.

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CampusFilter {
    q: Option<String>,
    school_type: Option<String>,
    governance: Option<String>,
    tier: Option<String>,
    area: Option<String>,
    sort: Option<String>,
}

struct CampusRow<'a> {
    campus: &'a Campus,
    latest: Latest,
}

fn filter_campuses<'a>(
    campuses: &'a [Campus],
    latest: &BTreeMap<CampusId, Latest>,
    filter: &CampusFilter,
) -> Vec<CampusRow<'a>> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    };
    let q = text(&filter.q);
    let school_type = text(&filter.school_type);
    let governance = text(&filter.governance);
    let tier = text(&filter.tier);
    let area = text(&filter.area);
    let mut rows: Vec<CampusRow> = campuses
        .iter()
        .map(|campus| CampusRow {
            campus,
            latest: latest.get(&campus.id).cloned().unwrap_or_default(),
        })
        .filter(|row| {
            q.as_ref().is_none_or(|q| {
                row.campus.name.to_lowercase().contains(q) || row.campus.id.as_str().contains(q)
            })
        })
        .filter(|row| {
            school_type
                .as_ref()
                .is_none_or(|t| row.campus.school_type.is_some_and(|s| s.code() == t))
        })
        .filter(|row| {
            governance
                .as_ref()
                .is_none_or(|g| row.campus.governance.code() == g)
        })
        .filter(|row| {
            tier.as_ref()
                .is_none_or(|t| Tier::of(row.latest.rating.as_ref().map(|(_, r)| r)).code() == t)
        })
        .filter(|row| {
            area.as_ref().is_none_or(|a| {
                row.campus
                    .planning_area_id
                    .as_deref()
                    .map(str::to_lowercase)
                    .as_deref()
                    == Some(a)
            })
        })
        .collect();
    match filter.sort.as_deref() {
        Some("enrollment") => {
            rows.sort_by_key(|r| std::cmp::Reverse(r.latest.students.map(|(_, n)| n)))
        }
        Some("rating") => rows.sort_by_key(|r| {
            (
                Tier::of(r.latest.rating.as_ref().map(|(_, x)| x)),
                r.latest.rating.as_ref().and_then(|(_, x)| x.letter()),
                r.campus.name.clone(),
            )
        }),
        _ => rows.sort_by(|a, b| a.campus.name.cmp(&b.campus.name)),
    }
    rows
}

fn select(
    id: &str,
    label: &str,
    name: &str,
    current: &Option<String>,
    any: &str,
    options: &[(String, String)],
) -> Markup {
    let current = current.as_deref().unwrap_or("");
    html! {
        div {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                option value="" { (any) }
                @for (value, text) in options {
                    option value=(value) selected[current == value] { (text) }
                }
            }
        }
    }
}

async fn campus_list_page(
    state: &AppState,
    viewer: &Viewer,
    district: &str,
    filter: &CampusFilter,
    finder: bool,
) -> PageResult {
    let ctx = district_ctx(state, district).await?;
    let campuses = state.store.campuses(district).await?;
    let areas = state.store.planning_areas(district).await?;
    let latest = latest_by_campus(&state.store.campus_years(district, None).await?);
    let rows = filter_campuses(&campuses, &latest, filter);
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let action = if finder {
        format!("/d/{district}/finder")
    } else {
        format!("/d/{district}/campuses")
    };

    let types: Vec<(String, String)> = ["elementary", "middle", "high", "combined"]
        .iter()
        .map(|c| (c.to_string(), lang.t(&format!("type.{c}")).to_string()))
        .collect();
    let governances: Vec<(String, String)> = sgs_domain::Governance::all()
        .iter()
        .map(|g| {
            (
                g.code().to_string(),
                lang.t(&format!("gov.{}", g.code())).to_string(),
            )
        })
        .collect();
    let tiers: Vec<(String, String)> = Tier::all()
        .iter()
        .map(|tier| (tier.code().to_string(), tier_label(*tier, lang).to_string()))
        .collect();
    let area_options: Vec<(String, String)> = areas
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    let area_names: BTreeMap<&str, &str> = areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    let sorts = [
        ("name".to_string(), t("campuses.name").to_string()),
        (
            "enrollment".to_string(),
            t("campuses.enrollment").to_string(),
        ),
        ("rating".to_string(), t("campuses.rating").to_string()),
    ];

    let body = html! {
        @if finder { p { (t("finder.intro")) } }
        form method="get" action=(action) class="filters" aria-label=(t("campuses.filter")) hx-get=(action) hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-select-oob=(if finder { "#result-count,#finder-chances" } else { "#result-count" }) hx-trigger="change, search" hx-push-url="true" {
            div { label for="q" { (t("campuses.search")) } input id="q" name="q" type="search" value=(filter.q.clone().unwrap_or_default()); }
            (select("school_type", t("campuses.type"), "school_type", &filter.school_type, t("campuses.any"), &types))
            @if !finder { (select("governance", t("campuses.governance"), "governance", &filter.governance, t("campuses.any"), &governances)) }
            (select("tier", t("campuses.rating"), "tier", &filter.tier, t("campuses.any"), &tiers))
            @if !area_options.is_empty() { (select("area", t("campuses.area"), "area", &filter.area, t("campuses.any"), &area_options)) }
            (select("sort", t("campuses.sort"), "sort", &filter.sort, t("campuses.name"), &sorts[1..]))
            div { button type="submit" { (t("campuses.apply")) } }
        }
        // The count sits outside the swapped list so screen readers announce each new count.
        p id="result-count" role="status" { (rows.len()) " " (t("campuses.count")) }
        @if !finder { p { a href={ "/d/" (district) "/campuses.csv" } { (t("campus.download_csv")) } } }
        div id="results" {
        @if rows.is_empty() {
            p { (t("campuses.none")) }
        } @else {
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (t("campuses.name")) }
                    th scope="col" { (t("campuses.type")) }
                    th scope="col" { (t("campuses.grades")) }
                    th scope="col" class="wide" { (t("campuses.area")) }
                    th scope="col" class="wide" { (t("campuses.governance")) }
                    th scope="col" class="num" { (t("campuses.enrollment")) }
                    th scope="col" { (t("campuses.rating")) }
                } }
                tbody { @for row in &rows { tr {
                    td { a href={ "/d/" (district) "/campuses/" (row.campus.id) } { (row.campus.name) } @if row.campus.status == CampusStatus::Closed { " (" (t("campus.closed")) ")" } }
                    td { (type_label(row.campus, lang)) }
                    td { (grades(row.campus)) }
                    td class="wide" { (row.campus.planning_area_id.as_deref().and_then(|a| area_names.get(a).copied()).unwrap_or("")) }
                    td class="wide" { (lang.t(&format!("gov.{}", row.campus.governance.code()))) }
                    td class="num" { @if let Some((_, n)) = row.latest.students { (format_number(f64::from(n))) } }
                    td { (rating_badge(row.latest.rating.as_ref().map(|(_, r)| r), lang)) @if let Some((y, _)) = &row.latest.rating { " " span class="muted" { (y.end()) } } }
                } } }
            } }
        }
        }
    };
    let body = if finder {
        let ids: Vec<String> = rows.iter().map(|r| r.campus.id.to_string()).collect();
        let (season, redraws, deferred, chances) =
            crate::choice::finder_chances(&state.store, district, &ids, lang).await?;
        html! {
            (body)
            @if !chances.is_empty() {
                section id="finder-chances" aria-labelledby="chances" {
                    h2 id="chances" { (t("finder.chances")) }
                    p { (t("finder.chances_help")) " (" (season) ", " (redraws) " " (t("list.lotteries")) ")" @if deferred { " " (t("finder.truthful")) } }
                    p { a href={ "/d/" (district) "/finder/list" } { (t("finder.build_list")) } }
                    div class="table-wrap" { table {
                        thead { tr { th scope="col" { (t("finder.program")) } th scope="col" class="num" { (t("finder.seats")) } th scope="col" { (t("finder.chance")) } } }
                        tbody { @for c in &chances { tr {
                            th scope="row" { (c.name) br; a class="small" href={ "/d/" (district) "/finder/list?grade=" (c.grade) "&p1=" (c.id) } aria-label={ (t("finder.start_list")) ": " (c.name) } { (t("finder.start_list")) } }
                            td class="num" { (c.seats) }
                            td { ul class="plain" { @for (label, mean, low, high) in &c.groups {
                                li { (label) ": " strong { (format!("{mean:.0}%")) } " " span class="muted" { "(" (format!("{low:.0}–{high:.0}%")) ")" } }
                            } } }
                        } } }
                    } }
                }
            }
        }
    } else {
        body
    };
    let title = if finder {
        t("finder.title")
    } else {
        t("campuses.title")
    };
    Ok(page(viewer, Some(&ctx), title, body).into_response())
}

pub(crate) async fn campus_list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(filter): Query<CampusFilter>,
) -> PageResult {
    campus_list_page(&state, &viewer, &district, &filter, false).await
}

pub(crate) async fn finder(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(filter): Query<CampusFilter>,
) -> PageResult {
    campus_list_page(&state, &viewer, &district, &filter, true).await
}

/// Quotes a CSV field when it needs it.
/// Quotes a CSV field when it needs it, and defuses text a spreadsheet would run as a formula
/// (a campus name beginning with `=`, `+`, `-` or `@` gets a leading apostrophe).
pub(crate) fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub(crate) fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn campus_list_csv(
    State(state): State<AppState>,
    Path(district): Path<String>,
    Query(filter): Query<CampusFilter>,
) -> PageResult {
    district_ctx(&state, &district).await?;
    let campuses = state.store.campuses(&district).await?;
    let latest = latest_by_campus(&state.store.campus_years(&district, None).await?);
    let mut out = String::from("campus_id,name,school_type,grade_low,grade_high,governance,planning_area_id,status,students,students_year,rating,rating_year\n");
    for row in filter_campuses(&campuses, &latest, &filter) {
        let c = row.campus;
        let fields = [
            c.id.to_string(),
            c.name.clone(),
            c.school_type
                .map(|t| t.code().to_string())
                .unwrap_or_default(),
            c.grade_low.map(|g| g.code()).unwrap_or_default(),
            c.grade_high.map(|g| g.code()).unwrap_or_default(),
            c.governance.code().to_string(),
            c.planning_area_id.clone().unwrap_or_default(),
            if c.status == CampusStatus::Open {
                "open".into()
            } else {
                "closed".into()
            },
            row.latest
                .students
                .map(|(_, n)| n.to_string())
                .unwrap_or_default(),
            row.latest
                .students
                .map(|(y, _)| y.to_string())
                .unwrap_or_default(),
            row.latest
                .rating
                .as_ref()
                .map(|(_, r)| r.to_string())
                .unwrap_or_default(),
            row.latest
                .rating
                .as_ref()
                .map(|(y, _)| y.to_string())
                .unwrap_or_default(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok(csv_response(&format!("campuses-{district}.csv"), out))
}

// ---------------------------------------------------------------------------------------------
// Campus profile.

async fn load_campus(
    state: &AppState,
    district: &str,
    campus: &str,
) -> Result<(Campus, BTreeMap<SchoolYear, CampusYear>), AppError> {
    let found = campus_in_district(state, district, campus).await?;
    let mut years: BTreeMap<SchoolYear, CampusYear> = state
        .store
        .campus_years(district, Some(campus))
        .await?
        .into_iter()
        .map(|((_, year), facts)| (year, facts))
        .collect();
    // A restart keeps its history: years before the successor existed come from its predecessor.
    if let Some(predecessor) = &found.predecessor_id {
        for ((_, year), facts) in state
            .store
            .campus_years(district, Some(predecessor.as_str()))
            .await?
        {
            years.entry(year).or_insert(facts);
        }
    }
    Ok((found, years))
}

pub(crate) async fn campus_profile(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, campus_id)): Path<(String, String)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let (campus, years) = load_campus(&state, &district, &campus_id).await?;
    let predecessor = match &campus.predecessor_id {
        Some(id) => state.store.campus(id.as_str()).await?,
        None => None,
    };
    let area = match &campus.planning_area_id {
        Some(id) => state
            .store
            .planning_areas(&district)
            .await?
            .into_iter()
            .find(|a| &a.id == id)
            .map(|a| a.name),
        None => None,
    };
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let trend: Vec<(String, Option<f64>)> = years
        .iter()
        .map(|(y, f)| (y.to_string(), f.total_enrollment().map(f64::from)))
        .collect();
    let grade_columns: Vec<Grade> = Grade::all()
        .into_iter()
        .filter(|g| {
            years
                .values()
                .any(|f| f.enrollment.get(g).is_some_and(|n| *n > 0))
        })
        .collect();
    let latest_year = years.keys().next_back().copied();
    let can_edit = viewer.may(&district, Role::can_edit_data);
    let projection = campus_projection(&campus, &years, lang);

    let body = html! {
        section aria-labelledby="facts" {
            h2 id="facts" { (t("campus.facts")) }
            dl {
                dt { (t("campuses.type")) } dd { (type_label(&campus, lang)) " · " (t("campuses.grades")) " " (grades(&campus)) }
                dt { (t("campuses.governance")) } dd { (lang.t(&format!("gov.{}", campus.governance.code()))) }
                @if let Some(address) = &campus.address { dt { (t("campus.address")) } dd { (address) } }
                @if let Some(area) = &area { dt { (t("campuses.area")) } dd { (area) } }
                @if !campus.programs.is_empty() { dt { (t("campus.programs")) } dd { (campus.programs.join(", ")) } }
                dt { (t("campus.status")) } dd { @if campus.status == CampusStatus::Open { (t("campus.open")) } @else { (t("campus.closed")) } }
                @if let Some(p) = &predecessor { dt { (t("campus.predecessor")) } dd { a href={ "/d/" (district) "/campuses/" (p.id) } { (p.name) } } }
                dt { "TEA" } dd { (campus.id) }
            }
        }
        section aria-labelledby="trend" {
            h2 id="trend" { (t("campus.enrollment_trend")) }
            (line_chart(&format!("{} · {}", t("campus.enrollment_trend"), campus.name), &trend, ""))
            details {
                summary { (t("table.show")) }
                div class="table-wrap" { table {
                    thead { tr { th scope="col" { (t("campus.year")) } @for g in &grade_columns { th scope="col" class="num" { (g) } } th scope="col" class="num" { (t("campus.total")) } th scope="col" class="num" { (t("campus.capacity")) } } }
                    tbody { @for (year, facts) in &years { tr {
                        th scope="row" { (year) }
                        @for g in &grade_columns { td class="num" { @match facts.enrollment.get(g) { Some(n) => (n), None => span class="muted" { "–" } } } }
                        td class="num" { @match facts.total_enrollment() { Some(n) => (format_number(f64::from(n))), None => span class="muted" { (t("campus.missing")) } } }
                        td class="num" { @match facts.capacity { Some(n) => (format_number(f64::from(n))), None => span class="muted" { "–" } } }
                    } } }
                } }
            }
            p { a href={ "/d/" (district) "/campuses/" (campus.id) "/enrollment.csv" } { (t("campus.download_csv")) } }
        }
        @if let Some(projection) = projection { (projection) }
        section aria-labelledby="ratings" {
            h2 id="ratings" { (t("campus.rating_history")) }
            table {
                thead { tr { th scope="col" { (t("campus.year")) } th scope="col" { (t("campuses.rating")) } th scope="col" class="num" { (t("campus.score")) } } }
                tbody { @for (year, facts) in &years { tr {
                    th scope="row" { (year) }
                    td { (rating_badge(facts.rating.as_ref(), lang)) @if let Some(Rating::NotRated(reason)) = &facts.rating { " " (reason.label()) } }
                    td class="num" { @if let Some(s) = facts.overall_score { (s) } }
                } } }
            }
        }
        @let group_years: Vec<(&SchoolYear, &CampusYear)> = years.iter().filter(|(_, f)| !f.groups.is_empty()).collect();
        @if let (true, Some((year, facts))) = (viewer.may(&district, Role::can_view_staff_pages), group_years.last()) {
            section aria-labelledby="groups" {
                h2 id="groups" { (t("campus.groups")) " · " (year) }
                table {
                    thead { tr { th scope="col" { (t("campus.group")) } th scope="col" class="num" { (t("campuses.enrollment")) } th scope="col" class="num" { (t("lever1.share")) } } }
                    tbody { @for group in StudentGroup::all() { @if let Some(m) = facts.groups.get(&group) { tr {
                        th scope="row" { (group_label(group, lang)) }
                        td class="num" { (missing_or(m.count, lang)) }
                        td class="num" { @match m.percent { Some(p) => (format!("{p:.1}%")), None => (missing_or(None, lang)) } }
                    } } } }
                }
            }
        }
        @if let (true, Some(year)) = (can_edit, latest_year) {
            section aria-labelledby="edit" {
                h2 id="edit" { (t("campus.set_capacity")) }
                form method="post" action={ "/d/" (district) "/campuses/" (campus.id) "/capacity" } {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    input type="hidden" name="school_year" value=(year);
                    p { label for="capacity" { (t("campus.capacity")) " " (year) } input id="capacity" name="capacity" type="number" min="0" max="20000" inputmode="numeric" value=(years[&year].capacity.map(|c| c.to_string()).unwrap_or_default()); }
                    p { button type="submit" { (t("campus.save")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), &campus.name, body).into_response())
}

/// A campus's projected enrollment under the default settings: the fan chart, the projected
/// years with their range, the back-test error, and the likely enrollment against the latest
/// capacity. `None` for a campus with fewer than three consecutive years of enrollment.
fn campus_projection(
    campus: &Campus,
    years: &BTreeMap<SchoolYear, CampusYear>,
    lang: Lang,
) -> Option<Markup> {
    use sgs_analysis::projection::{backtest, Series, Settings};
    let t = |k| lang.t(k);
    // Keyed as the analysis expects; a restart's years already include its predecessor's.
    let keyed: BTreeMap<(CampusId, SchoolYear), CampusYear> = years
        .iter()
        .map(|(year, facts)| ((campus.id.clone(), *year), facts.clone()))
        .collect();
    let series = Series::from_campus_years(&keyed, Some(&campus.id))?;
    if series.years.len() < 3 || campus.status != CampusStatus::Open {
        return None;
    }
    let settings = Settings::default();
    let title = format!("{} · {}", t("projection.title"), campus.name);
    let (figure, projected) = crate::lever1::fan_chart(lang, &title, &series, &settings, None);
    let mape = backtest(&series, &settings, 2);
    let capacity = years.values().rev().find_map(|f| f.capacity);
    Some(html! {
        section aria-labelledby="projection" {
            h2 id="projection" { (t("projection.title")) }
            (figure)
            p { (t("projection.backtest")) ": " @match mape { Some(m) => (format!("{m:.1}%")), None => "–" } }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (t("campus.year")) }
                    th scope="col" class="num" { (t("projection.likely")) }
                    th scope="col" class="num" { (t("projection.range")) }
                    th scope="col" class="num" { (t("projection.utilization")) }
                } }
                tbody { @for (i, year) in projected.years.iter().enumerate() { tr {
                    th scope="row" { (year) }
                    td class="num" { (format_number(projected.likely_total[i].round())) }
                    td class="num" { (format_number(projected.low_total[i].round())) "–" (format_number(projected.high_total[i].round())) }
                    td class="num" { @match sgs_analysis::utilization::utilization(projected.likely_total[i], capacity) { Some((u, _)) => (format!("{:.0}%", u * 100.0)), None => "–" } }
                } } }
            } }
        }
    })
}

pub(crate) fn group_label(group: StudentGroup, lang: Lang) -> &'static str {
    use StudentGroup::*;
    let (en, es) = match group {
        EconomicallyDisadvantaged => ("Economically disadvantaged", "En desventaja económica"),
        EmergentBilingual => ("Emergent bilingual", "Bilingüe emergente"),
        SpecialEducation => ("Special education", "Educación especial"),
        AfricanAmerican => ("African American", "Afroamericano"),
        Hispanic => ("Hispanic", "Hispano"),
        White => ("White", "Blanco"),
        Asian => ("Asian", "Asiático"),
        AmericanIndian => ("American Indian", "Indígena americano"),
        PacificIslander => ("Pacific Islander", "Isleño del Pacífico"),
        TwoOrMore => ("Two or more races", "Dos o más razas"),
    };
    match lang {
        Lang::En => en,
        Lang::Es => es,
    }
}

pub(crate) async fn campus_enrollment_csv(
    State(state): State<AppState>,
    Path((district, campus_id)): Path<(String, String)>,
) -> PageResult {
    let campus = campus_in_district(&state, &district, &campus_id).await?;
    // The profile continues a restarted campus's history; the download names which campus each
    // row belongs to, so the predecessor's years keep the predecessor's id.
    let mut rows = state
        .store
        .campus_years(&district, Some(&campus_id))
        .await?;
    if let Some(predecessor) = &campus.predecessor_id {
        rows.extend(
            state
                .store
                .campus_years(&district, Some(predecessor.as_str()))
                .await?,
        );
    }
    let mut rows: Vec<_> = rows.into_iter().collect();
    rows.sort_by_key(|((id, year), _)| (*year, id.clone()));
    let mut out = String::from("school_year,campus_id,grade,students\n");
    for ((id, year), facts) in &rows {
        for (grade, students) in &facts.enrollment {
            out.push_str(&format!("{year},{id},{grade},{students}\n"));
        }
    }
    Ok(csv_response(&format!("enrollment-{}.csv", campus.id), out))
}

#[derive(Deserialize)]
pub(crate) struct CapacityForm {
    csrf: Option<String>,
    school_year: String,
    capacity: String,
}

pub(crate) async fn set_capacity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, campus_id)): Path<(String, String)>,
    Form(form): Form<CapacityForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let campus = campus_in_district(&state, &district, &campus_id).await?;
    let year =
        SchoolYear::parse(&form.school_year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let capacity = parse_capacity(&form.capacity)?;

    state
        .store
        .set_capacity(&campus.id, year, capacity, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/campuses/{campus_id}")).into_response())
}

/// Blank clears the capacity; otherwise a whole number from 0 to 20,000.
pub(crate) fn parse_capacity(value: &str) -> Result<Option<u32>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<u32>() {
        Ok(n) if n <= 20_000 => Ok(Some(n)),
        _ => Err(AppError::BadRequest(format!("capacity {value:?} is not valid: expected a whole number of seats from 0 to 20000, or blank"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Lever pages.

pub(crate) async fn options(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    let campuses = &data.campuses;
    let latest = latest_by_campus(&data.years);
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let open: Vec<&Campus> = campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .collect();
    let low: Vec<(&Campus, &Latest)> = open
        .iter()
        .filter_map(|c| latest.get(&c.id).map(|l| (*c, l)))
        .filter(|(_, l)| {
            matches!(
                l.rating.as_ref().map(|(_, r)| Tier::of(Some(r))),
                Some(Tier::Low)
            )
        })
        .collect();
    let partners: Vec<&&Campus> = open
        .iter()
        .filter(|c| c.governance == sgs_domain::Governance::PartnerManaged)
        .collect();
    let link = |c: &Campus| html! { a href={ "/d/" (district) "/campuses/" (c.id) } { (c.name) } };
    let body = html! {
        p { (t("lever2.intro")) }
        ul { @for (c, l) in &low { li { (link(c)) " " (rating_badge(l.rating.as_ref().map(|(_, r)| r), lang)) @if let Some((y, _)) = &l.rating { " " (y) } } } }
        h2 { (t("lever2.partners")) }
        ul { @for c in &partners { li { (link(c)) } } }
        (crate::lever1::trigger_list(&data, &district, lang))
    };
    Ok(page(&viewer, Some(&ctx), t("lever2.title"), body).into_response())
}

// ---------------------------------------------------------------------------------------------
// Staff pages.

pub(crate) async fn data(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    viewer.require(&district, Role::can_view_staff_pages)?;
    let imports = state.store.imports(&district).await?;
    let bands = state.store.grade_bands(&district).await?;
    let t = |k| viewer.lang.t(k);
    let body = html! {
        @if imports.is_empty() { p { (t("data.none")) } } @else {
            div class="table-wrap" { table {
                thead { tr { th scope="col" { (t("data.when")) } th scope="col" { (t("data.who")) } th scope="col" { (t("data.kind")) } th scope="col" { (t("data.file")) } th scope="col" { (t("data.status")) } th scope="col" class="num" { (t("data.rows")) } th scope="col" { (t("data.error")) } } }
                tbody { @for i in &imports { tr {
                    td { (format_time(i.at)) } td { (i.actor) } td { (i.kind) } td { (i.file) }
                    td { @if i.status == "ok" { "ok" } @else { strong class="error" { (i.status) } } }
                    td class="num" { (i.rows) } td { (i.message) }
                } } }
            } }
        }
        section aria-labelledby="bands" {
            h2 id="bands" { (t("overview.bands")) }
            @if viewer.may(&district, Role::can_edit_data) {
                form method="post" action={ "/d/" (district) "/settings/grade-bands" } class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    div { label for="grade_bands" { (t("data.grade_bands")) } input id="grade_bands" name="grade_bands" value=(GradeBand::list_to_string(&bands)) required; }
                    div { button type="submit" { (t("campus.save")) } }
                }
            } @else {
                p { (GradeBand::list_to_string(&bands)) }
            }
        }
        @if viewer.may(&district, Role::can_edit_data) {
            section aria-labelledby="upload" {
                h2 id="upload" { (t("data.upload")) }
                form method="post" action={ "/d/" (district) "/data/import" } enctype="multipart/form-data" class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    div { label for="file" { (t("data.file")) } input id="file" name="file" type="file" accept=".csv,.geojson,.json" required; }
                    div {
                        label for="kind" { (t("data.kind")) }
                        select id="kind" name="kind" {
                            option value="" { (t("data.detect")) }
                            @for kind in sgs_import::FileKind::all() { option value=(kind.code()) { (kind.code()) } }
                        }
                    }
                    div { label for="school_year" { (t("campus.year")) } input id="school_year" name="school_year" placeholder="2022-2023"; }
                    div { label for="district_name" { (t("data.district_name")) } input id="district_name" name="district_name"; }
                    div { button type="submit" { (t("data.upload_button")) } }
                }
                p class="muted" { "docs/data-formats.md · sgs import --help" }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("data.title"), body).into_response())
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    viewer.require(&district, Role::can_administer)?;
    let entries = state.store.audit_log(&district, 200).await?;
    let t = |k| viewer.lang.t(k);
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let body = html! {
        div class="table-wrap" { table {
            thead { tr { th scope="col" { (t("data.when")) } th scope="col" { (t("data.who")) } th scope="col" { (t("audit.action")) } th scope="col" { (t("audit.entity")) } th scope="col" { (t("audit.before")) } th scope="col" { (t("audit.after")) } } }
            tbody { @for e in &entries { tr {
                td { (format_time(e.at)) } td { (e.actor) } td { (e.action) } td { (e.entity) }
                td { pre { (json(&e.before)) } } td { pre { (json(&e.after)) } }
            } } }
        } }
    };
    Ok(page(&viewer, Some(&ctx), t("audit.title"), body).into_response())
}

#[derive(Deserialize)]
pub(crate) struct GradeBandsForm {
    csrf: Option<String>,
    grade_bands: String,
}

/// Sets the grade bands the district plans by, such as `K-5, 6-8, 9-12`.
pub(crate) async fn set_grade_bands(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<GradeBandsForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let bands = GradeBand::parse_list(&form.grade_bands)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;

    state
        .store
        .set_grade_bands(&district, &bands, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/data")).into_response())
}

/// Accepts one uploaded file and imports it like `sgs import`: checked first, then written in
/// one transaction, and listed on the data page either way.
pub(crate) async fn import_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("upload: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = safe_file_name(field.file_name().unwrap_or("upload.csv"));
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
            upload = Some((file_name, bytes.to_vec()));
        } else {
            let value = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
            fields.insert(name, value.trim().to_string());
        }
    }
    viewer.check_csrf(fields.get("csrf").map(String::as_str))?;
    let (file_name, bytes) = upload
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::BadRequest("choose a file to import".into()))?;
    let non_empty = |key: &str| fields.get(key).filter(|v| !v.is_empty()).cloned();
    let kind = match non_empty("kind") {
        Some(code) => Some(
            sgs_import::FileKind::parse(&code)
                .ok_or_else(|| AppError::BadRequest(format!("unknown file kind {code:?}")))?,
        ),
        None => None,
    };
    let school_year = non_empty("school_year")
        .map(|y| SchoolYear::parse(&y))
        .transpose()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let district_id = sgs_domain::DistrictId::parse(&district)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;

    // The file keeps its own name inside a private directory, so errors name what the user chose.
    let dir = std::env::temp_dir().join(format!("sgs-upload-{}", auth::new_token()));
    std::fs::create_dir_all(&dir).map_err(|e| AppError::BadRequest(format!("upload: {e}")))?;
    let path = dir.join(&file_name);
    let written = tokio::fs::write(&path, &bytes).await;
    let request = crate::ingest::ImportRequest {
        district: district_id,
        files: vec![path.clone()],
        kind,
        school_year,
        district_name: non_empty("district_name"),
        actor: user.email.clone(),
    };
    let result = match written {
        Ok(()) => crate::ingest::import(&state.store, &request)
            .await
            .map(|_| ()),
        Err(error) => {
            let message = format!(
                "{file_name}: the upload could not be saved for reading ({error}); nothing was imported"
            );
            crate::ingest::record_failure(&state.store, &request, &path, "upload", &message).await;
            Err(crate::ingest::IngestError(message))
        }
    };
    let _ = tokio::fs::remove_dir_all(&dir).await;
    if result.is_err() {
        // The reason is on the data page; the log keeps only that it happened.
        tracing::info!(district.id = %district, "upload refused");
    }

    Ok(Redirect::to(&format!("/d/{district}/data")).into_response())
}

/// Keeps letters, digits, dot, dash and underscore of an uploaded file's name.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "upload.csv".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_input_is_checked() {
        assert_eq!(parse_capacity(" 640 ").unwrap(), Some(640));
        assert_eq!(parse_capacity("").unwrap(), None);
        for bad in ["-1", "12.5", "lots", "20001"] {
            let err = parse_capacity(bad).unwrap_err().to_string();
            assert!(err.contains("expected a whole number"), "{bad}: {err}");
        }
    }

    #[test]
    fn uploaded_file_names_are_made_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\me\\enrollment 2023.csv"),
            "enrollment2023.csv"
        );
        assert_eq!(safe_file_name(".."), "upload.csv");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        for good in ["/", "/d/999901/finder", "/d/015907/campuses/015907001"] {
            assert!(is_local_path(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\tevil",
            "https://evil.example",
            "/%5Cevil",
            "evil",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }
}
