//! The self-assessment on screen: an administrator opens an assessment for a school year, names
//! its facilitator and invites raters; each rater rates privately, saving drafts and coming
//! back, then submits; the facilitator sees the spread per indicator, records the consensus with
//! its rationale and closes the assessment; everyone on the team then reads the results (levels
//! per lever and practice, change since last year, a heat map, the lever profile, priorities),
//! prints them, downloads them as CSV, and turns any indicator into follow-up work.
//!
//! Who may do what is `sgs_assessment::Seat`'s business; handlers fill a seat from the session
//! and the store and ask it. Individual ratings appear only on the rater's own form and on the
//! facilitator's spread page and CSV; every other page shows counts.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use sgs_assessment::access::{may_be_invited, may_facilitate};
use sgs_assessment::{
    change_since, priorities, score, Answer, AssessmentResults, Change, Consensus, Idea,
    Priorities, PriorityItem, RaterRole, Rubric, RubricChange, Scale, Seat, Status, Text,
};
use sgs_domain::SchoolYear;
use sgs_store::{AssessmentRecord, Invitation, NewInitiative, RatingInput, StoredRating, User};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{csrf_field, format_time, page, DistrictCtx};
use crate::pages::{csv_field, csv_response, district_ctx};
use crate::AppState;

type PageResult = Result<Response, AppError>;

/// The self-assessment's routes, merged into the app's router.
pub fn routes() -> Router<AppState> {
    const BASE: &str = "/d/{district}/self-assessment";
    let at = |tail: &str| format!("{BASE}{tail}");
    Router::new()
        .route(BASE, get(index).post(open))
        .route(&at("/rubric"), get(rubric_page).post(edit_rubric))
        .route(&at("/{id}"), get(show))
        .route(&at("/{id}/raters"), post(invite))
        .route(&at("/{id}/facilitator"), post(set_facilitator))
        .route(&at("/{id}/rate"), get(rate_form).post(rate))
        .route(&at("/{id}/spread"), get(spread_page))
        .route(&at("/{id}/ratings.csv"), get(ratings_csv))
        .route(&at("/{id}/consensus"), post(record_consensus))
        .route(&at("/{id}/close"), post(close))
        .route(&at("/{id}/results"), get(results_page))
        .route(&at("/{id}/results.csv"), get(results_csv))
        .route(&at("/{id}/work"), post(create_work))
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

fn rubric_lang(lang: Lang) -> sgs_assessment::Lang {
    match lang {
        Lang::En => sgs_assessment::Lang::En,
        Lang::Es => sgs_assessment::Lang::Es,
    }
}

/// A rubric text in the viewer's language.
fn tr(text: &Text, lang: Lang) -> &str {
    text.get(rubric_lang(lang))
}

fn base_url(district: &str, id: i64) -> String {
    format!("/d/{district}/self-assessment/{id}")
}

/// The label of an answer: a level name, "don't know", or a dash for none.
fn answer_label(scale: &Scale, answer: Option<Answer>, lang: Lang) -> String {
    match answer {
        Some(Answer::Level(l)) => scale
            .label(l)
            .map(|t| format!("{l} · {}", tr(t, lang)))
            .unwrap_or_else(|| l.to_string()),
        Some(Answer::DontKnow) => tr(&Scale::dont_know_label(), lang).to_string(),
        None => "–".to_string(),
    }
}

/// A mean level with the name of the nearest level, e.g. `2.5 · Developing`.
fn mean_label(scale: &Scale, level: Option<f64>, lang: Lang) -> String {
    match level {
        Some(v) => {
            let nearest = (v.round() as u8).clamp(1, scale.max_level());
            let name = scale.label(nearest).map(|t| tr(t, lang)).unwrap_or("");
            format!("{v:.1} · {name}")
        }
        None => "–".to_string(),
    }
}

/// A signed change: `+0.5`, `−1.0`, `0.0`; a dash when there is nothing to compare.
fn signed(delta: Option<f64>) -> String {
    match delta {
        Some(d) if d > 0.005 => format!("+{d:.1}"),
        Some(d) if d < -0.005 => format!("−{:.1}", -d),
        Some(_) => "0.0".to_string(),
        None => "–".to_string(),
    }
}

/// The heat-map colour class of a level: four steps from the lowest to the highest level of the
/// scale, whatever its size. Colour always comes with the level written out.
fn heat_class(level: u8, max: u8) -> String {
    let steps = f64::from(max.max(2) - 1);
    let k = ((f64::from(level.saturating_sub(1)) * 3.0) / steps).round() as u8;
    format!("heat heat-{}", k.min(3))
}

fn status_label(status: Status, lang: Lang) -> String {
    tr(&status.label(), lang).to_string()
}

fn refuse(user: &User, district: &str) -> AppError {
    tracing::info!(
        user.id = user.id,
        district.id = district,
        "self-assessment access refused"
    );
    AppError::Forbidden
}

/// An assessment together with the viewer's seat in it.
struct Loaded {
    ctx: DistrictCtx,
    user: User,
    record: AssessmentRecord,
    rubric: Rubric,
    raters: Vec<Invitation>,
    seat: Seat,
}

impl Loaded {
    fn invitation(&self) -> Option<&Invitation> {
        self.raters.iter().find(|r| r.user_id == self.user.id)
    }

    fn url(&self) -> String {
        base_url(&self.ctx.id, self.record.id)
    }
}

/// Loads an assessment for a signed-in account of the district and refuses one that may not
/// even see it.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    district: &str,
    id: i64,
) -> Result<Loaded, AppError> {
    let ctx = district_ctx(state, district).await?;
    let user = viewer.require(district, |_| true)?.clone();
    let record = state
        .store
        .assessment(district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rubric = state
        .store
        .rubric(district, record.rubric_version)
        .await?
        .ok_or_else(|| {
            AppError::Store(sgs_store::StoreError::Corrupt(format!(
                "assessment {id} names rubric version {} which is not stored",
                record.rubric_version
            )))
        })?;
    let raters = state.store.raters(id).await?;
    let seat = Seat {
        facilitator: user.id == record.facilitator_id,
        rater: raters.iter().any(|r| r.user_id == user.id),
        ..Seat::of_role(user.role, true)
    };
    if !seat.may_view() {
        return Err(refuse(&user, district));
    }
    Ok(Loaded {
        ctx,
        user,
        record,
        rubric,
        raters,
        seat,
    })
}

fn title_of(loaded: &Loaded, lang: Lang, what: &str) -> String {
    format!(
        "{} {} · {}",
        lang.t("sa.title"),
        loaded.record.school_year,
        lang.t(what)
    )
}

/// Links to the screens of one assessment the viewer may open.
fn assessment_nav(loaded: &Loaded, lang: Lang) -> Markup {
    let t = |k| lang.t(k);
    let url = loaded.url();
    let status = loaded.record.status;
    html! {
        nav aria-label=(t("sa.screens")) class="sa-screens" {
            ul {
                li { a href=(url) { (t("sa.home")) } }
                @if loaded.seat.rater { li { a href={ (url) "/rate" } { (t("sa.my_ratings")) } } }
                @if loaded.seat.may_see_spread() { li { a href={ (url) "/spread" } { (t("sa.spread")) } } }
                @if loaded.seat.may_see_results(status) { li { a href={ (url) "/results" } { (t("sa.results")) } } }
                li { a href={ "/d/" (loaded.ctx.id) "/self-assessment" } { (t("sa.all")) } }
            }
        }
    }
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------------
// The list of assessments and opening one.

/// `GET /d/{district}/self-assessment`: the assessments the viewer takes part in (all of them
/// for staff), with their part in each, and the form to open one (administrators).
pub async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let user = viewer.require(&district, |_| true)?;
    let base = Seat::of_role(user.role, true);
    let mut rows = Vec::new();
    for record in state.store.assessments(&district).await? {
        let raters = state.store.raters(record.id).await?;
        let seat = Seat {
            facilitator: record.facilitator_id == user.id,
            rater: raters.iter().any(|r| r.user_id == user.id),
            ..base
        };
        if seat.may_view() {
            rows.push((record, raters, seat));
        }
    }
    let rubric = state.store.current_rubric(&district).await?;
    let facilitators: Vec<User> = if base.may_manage() {
        state
            .store
            .users(&district)
            .await?
            .into_iter()
            .filter(|u| may_facilitate(u.role))
            .collect()
    } else {
        vec![]
    };
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let suggested = rows
        .first()
        .map(|(r, _, _)| r.school_year.next().to_string())
        .unwrap_or_default();

    let body = html! {
        p { (t("sa.intro")) }
        @if rows.is_empty() { p { (t("sa.none")) } } @else {
            div class="table-wrap" { table {
                caption class="muted" { (t("sa.list_caption")) }
                thead { tr {
                    th scope="col" { (t("campus.year")) }
                    th scope="col" { (t("data.status")) }
                    th scope="col" class="wide" { (t("sa.rubric_version")) }
                    th scope="col" class="wide" { (t("sa.facilitator")) }
                    th scope="col" class="num" { (t("sa.submitted")) }
                    th scope="col" { (t("sa.your_part")) }
                } }
                tbody { @for (record, raters, seat) in &rows {
                    @let url = base_url(&district, record.id);
                    @let mine = raters.iter().find(|r| r.user_id == user.id);
                    tr {
                        th scope="row" { a href=(url) { (record.school_year) } }
                        td { (status_label(record.status, lang)) }
                        td class="wide" { (record.rubric_version) }
                        td class="wide" { (record.facilitator_name) }
                        td class="num" { (raters.iter().filter(|r| r.submitted_at.is_some()).count()) " / " (raters.len()) }
                        td { ul class="plain" {
                            @if let Some(mine) = mine {
                                li { a href={ (url) "/rate" } {
                                    @if mine.submitted_at.is_some() { (t("sa.my_ratings")) } @else if record.status == Status::Open { (t("sa.rate_now")) } @else { (t("sa.my_ratings")) }
                                } " · " span class="muted" { (progress_label(mine, lang)) } }
                            }
                            @if seat.may_see_spread() { li { a href={ (url) "/spread" } { (t("sa.spread")) } } }
                            @if seat.may_see_results(record.status) { li { a href={ (url) "/results" } { (t("sa.results")) } } }
                        } }
                    }
                } }
            } }
        }
        p { a href={ "/d/" (district) "/self-assessment/rubric" } { (t("sa.rubric_link")) " " (rubric.version) } }
        @if base.may_manage() {
            section aria-labelledby="open" {
                h2 id="open" { (t("sa.open")) }
                p class="muted" { (t("sa.open_help")) " " (rubric.version) "." }
                form method="post" action={ "/d/" (district) "/self-assessment" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="school_year" { (t("campus.year")) } input id="school_year" name="school_year" required pattern="[0-9]{4}-[0-9]{4}" placeholder="2026-2027" value=(suggested); }
                    div { label for="facilitator_id" { (t("sa.facilitator")) } select id="facilitator_id" name="facilitator_id" {
                        @for u in &facilitators { option value=(u.id) selected[u.id == user.id] { (u.display_name) } }
                    } }
                    div { button type="submit" { (t("sa.open_button")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("sa.title"), body).into_response())
}

fn progress_label(invitation: &Invitation, lang: Lang) -> String {
    match invitation.submitted_at {
        Some(at) => format!("{} {}", lang.t("sa.submitted_on"), format_time(at)),
        None if invitation.answered > 0 => {
            format!(
                "{} · {} {}",
                lang.t("sa.draft"),
                invitation.answered,
                lang.t("sa.answered")
            )
        }
        None => lang.t("sa.not_started").to_string(),
    }
}

/// The open form.
#[derive(Deserialize)]
pub struct OpenForm {
    csrf: Option<String>,
    school_year: String,
    facilitator_id: i64,
}

/// The account `user_id` of `district`, if its role passes `allowed`; otherwise a clear refusal.
async fn district_account(
    state: &AppState,
    district: &str,
    user_id: i64,
    allowed: fn(sgs_domain::Role) -> bool,
    what: &str,
) -> Result<User, AppError> {
    state
        .store
        .users(district)
        .await?
        .into_iter()
        .find(|u| u.id == user_id)
        .filter(|u| allowed(u.role))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "account {user_id} cannot be {what}: expected an account of district {district} with a role that may"
            ))
        })
}

/// `POST /d/{district}/self-assessment`: opens an assessment (administrators).
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<OpenForm>,
) -> PageResult {
    let user = viewer.require(&district, |_| true)?;
    if !Seat::of_role(user.role, true).may_manage() {
        return Err(refuse(user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;
    // A bare "2030" parses as the TEA accountability year 2029-2030; a form asks for both
    // years so nobody opens the wrong one by accident.
    let typed = form.school_year.trim();
    let year = Some(typed)
        .filter(|t| t.contains('-'))
        .and_then(|t| SchoolYear::parse(t).ok())
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "school year {:?} is not valid: expected two consecutive years, e.g. 2025-2026",
                form.school_year
            ))
        })?;
    district_ctx(&state, &district).await?;
    district_account(
        &state,
        &district,
        form.facilitator_id,
        may_facilitate,
        "the facilitator",
    )
    .await?;

    let id = state
        .store
        .open_assessment(&district, year, form.facilitator_id, &user.email)
        .await?;

    Ok(Redirect::to(&base_url(&district, id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// One assessment: its team, inviting, the facilitator, closing.

/// `GET /d/{district}/self-assessment/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let record = &loaded.record;
    let seat = loaded.seat;
    let open = record.status == Status::Open;
    let url = loaded.url();
    let manage = seat.may_manage() && open;
    let accounts: Vec<User> = if manage {
        state.store.users(&district).await?
    } else {
        vec![]
    };
    let invitable: Vec<&User> = accounts
        .iter()
        .filter(|u| may_be_invited(u.role) && !loaded.raters.iter().any(|r| r.user_id == u.id))
        .collect();
    let facilitators: Vec<&User> = accounts.iter().filter(|u| may_facilitate(u.role)).collect();
    let consensus = if seat.may_facilitate(record.status) {
        state.store.consensus(id).await?.len()
    } else {
        0
    };
    let active = loaded.rubric.active_indicators().count();
    let shows_progress = seat.may_manage() || seat.facilitator;

    let body = html! {
        (assessment_nav(&loaded, lang))
        dl class="facts" {
            dt { (t("data.status")) } dd { (status_label(record.status, lang)) @if let Some(at) = record.closed_at { " · " (format_time(at)) } }
            dt { (t("sa.rubric_version")) } dd { (record.rubric_version) " · " (active) " " (t("sa.indicators")) }
            dt { (t("sa.facilitator")) } dd { (record.facilitator_name) }
            dt { (t("sa.opened")) } dd { (format_time(record.opened_at)) " · " (record.opened_by) }
        }
        section aria-labelledby="part" {
            h2 id="part" { (t("sa.your_part")) }
            ul {
                @if let Some(mine) = loaded.invitation() {
                    li { a href={ (url) "/rate" } { @if seat.may_rate(record.status) && mine.submitted_at.is_none() { (t("sa.rate_now")) } @else { (t("sa.my_ratings")) } } " · " (progress_label(mine, lang)) }
                }
                @if seat.may_facilitate(record.status) {
                    li { a href={ (url) "/spread" } { (t("sa.spread")) } " · " (consensus) " / " (active) " " (t("sa.agreed")) }
                }
                @if seat.may_see_results(record.status) { li { a href={ (url) "/results" } { (t("sa.results")) } } }
                @if !seat.rater && !seat.facilitator && !seat.may_see_results(record.status) { li { (t("sa.results_later")) } }
            }
        }
        section aria-labelledby="team" {
            h2 id="team" { (t("sa.team")) }
            @if loaded.raters.is_empty() { p { (t("sa.no_raters")) } } @else {
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (t("sa.rater")) }
                        th scope="col" { (t("sa.seat")) }
                        @if shows_progress { th scope="col" { (t("sa.progress")) } }
                    } }
                    tbody { @for r in &loaded.raters { tr {
                        th scope="row" { (r.display_name) }
                        td { (tr(&r.rater_role.label(), lang)) }
                        @if shows_progress { td { (progress_label(r, lang)) } }
                    } } }
                } }
            }
            @if manage {
                h3 { (t("sa.invite")) }
                @if invitable.is_empty() { p { (t("sa.everyone_invited")) } } @else {
                    form method="post" action={ (url) "/raters" } class="filters" {
                        (csrf_field(&viewer))
                        div { label for="user_id" { (t("sa.rater")) } select id="user_id" name="user_id" { @for u in &invitable { option value=(u.id) { (u.display_name) " · " (u.email) } } } }
                        div { label for="rater_role" { (t("sa.seat")) } select id="rater_role" name="rater_role" { @for r in RaterRole::ALL { option value=(r.code()) { (tr(&r.label(), lang)) } } } }
                        div { button type="submit" { (t("sa.invite_button")) } }
                    }
                }
                h3 { (t("sa.change_facilitator")) }
                form method="post" action={ (url) "/facilitator" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="facilitator_id" { (t("sa.facilitator")) } select id="facilitator_id" name="facilitator_id" { @for u in &facilitators { option value=(u.id) selected[u.id == record.facilitator_id] { (u.display_name) } } } }
                    div { button type="submit" { (t("campus.save")) } }
                }
                p class="muted" { (t("sa.privacy_note")) }
            }
        }
        @if seat.may_facilitate(record.status) { (close_form(&viewer, &url, active - consensus.min(active))) }
    };
    Ok(page(
        &viewer,
        Some(&loaded.ctx),
        &title_of(&loaded, lang, "sa.home"),
        body,
    )
    .into_response())
}

fn close_form(viewer: &Viewer, url: &str, missing: usize) -> Markup {
    let t = |k| viewer.lang.t(k);
    html! {
        section aria-labelledby="close" {
            h2 id="close" { (t("sa.close")) }
            p { (t("sa.close_help")) }
            @if missing > 0 { p class="error" { (missing) " " (t("sa.missing_consensus")) } }
            form method="post" action={ (url) "/close" } {
                (csrf_field(viewer))
                button type="submit" { (t("sa.close_button")) }
            }
        }
    }
}

/// The invite form.
#[derive(Deserialize)]
pub struct InviteForm {
    csrf: Option<String>,
    user_id: i64,
    rater_role: String,
}

/// `POST /d/{district}/self-assessment/{id}/raters` (administrators).
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<InviteForm>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_manage() {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;
    let role = RaterRole::parse(&form.rater_role).ok_or_else(|| {
        AppError::BadRequest(format!(
            "seat {:?} is not valid: expected cabinet, principal, board or community",
            form.rater_role
        ))
    })?;
    district_account(
        &state,
        &district,
        form.user_id,
        may_be_invited,
        "invited to rate",
    )
    .await?;

    state
        .store
        .invite_rater(&district, id, form.user_id, role, &loaded.user.email)
        .await?;

    Ok(Redirect::to(&format!("{}#team", loaded.url())).into_response())
}

/// The facilitator form.
#[derive(Deserialize)]
pub struct FacilitatorForm {
    csrf: Option<String>,
    facilitator_id: i64,
}

/// `POST /d/{district}/self-assessment/{id}/facilitator` (administrators).
pub async fn set_facilitator(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<FacilitatorForm>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_manage() {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;
    district_account(
        &state,
        &district,
        form.facilitator_id,
        may_facilitate,
        "the facilitator",
    )
    .await?;
    // Handing the facilitation on is allowed (people leave mid-cycle), but an administrator
    // may not take it on themselves once ratings are in: that would open every rater's
    // answers to the person who chose to read them. The change is audited either way.
    let submitted = loaded.raters.iter().any(|r| r.submitted_at.is_some());
    if submitted
        && form.facilitator_id == loaded.user.id
        && loaded.record.facilitator_id != loaded.user.id
    {
        return Err(AppError::BadRequest(
            "facilitator is not valid: an administrator cannot make themselves facilitator \
             once ratings have been submitted; name another editor of the district"
                .into(),
        ));
    }

    state
        .store
        .set_facilitator(&district, id, form.facilitator_id, &loaded.user.email)
        .await?;

    Ok(Redirect::to(&loaded.url()).into_response())
}

/// A form with only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// `POST /d/{district}/self-assessment/{id}/close` (the facilitator).
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.facilitator {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;

    state
        .store
        .close_assessment(&district, id, &loaded.user.email)
        .await?;

    Ok(Redirect::to(&format!("{}/results", loaded.url())).into_response())
}

// ---------------------------------------------------------------------------------------------
// The rater's form.

/// Flags carried back after a save.
#[derive(Deserialize, Default)]
pub struct RateQuery {
    saved: Option<String>,
    submitted: Option<String>,
}

/// `GET /d/{district}/self-assessment/{id}/rate`: the viewer's own ratings, editable while the
/// assessment is open and they have not submitted.
pub async fn rate_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Query(query): Query<RateQuery>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.rater {
        return Err(refuse(&loaded.user, &district));
    }
    let own = state.store.ratings_of(id, loaded.user.id).await?;
    let notice = if query.submitted.is_some() {
        Some(viewer.lang.t("sa.submitted_notice"))
    } else if query.saved.is_some() {
        Some(viewer.lang.t("sa.saved_notice"))
    } else {
        None
    };
    Ok(render_rate_form(&viewer, &loaded, &own, notice, None).into_response())
}

fn render_rate_form(
    viewer: &Viewer,
    loaded: &Loaded,
    own: &[StoredRating],
    notice: Option<&str>,
    error: Option<&str>,
) -> axum::response::Html<String> {
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let rubric = &loaded.rubric;
    let scale = &rubric.scale;
    let mine: HashMap<&str, &StoredRating> =
        own.iter().map(|r| (r.indicator_id.as_str(), r)).collect();
    let submitted = loaded.invitation().and_then(|i| i.submitted_at);
    let editable = loaded.seat.may_rate(loaded.record.status) && submitted.is_none();
    let active = rubric.active_indicators().count();
    let answered = rubric
        .active_indicators()
        .filter(|(_, _, i)| mine.get(i.id.as_str()).is_some_and(|r| r.answer.is_some()))
        .count();
    let url = loaded.url();
    let dont_know = Scale::dont_know_label();
    let mut position = 0usize;

    let body = html! {
        (assessment_nav(loaded, lang))
        @if let Some(message) = error { p class="error" role="alert" { (message) } }
        @if let Some(message) = notice { p class="notice" role="status" { (message) } }
        p { (t("sa.rate_intro")) }
        p role="status" id="progress" { (answered) " / " (active) " " (t("sa.answered")) }
        @if let Some(at) = submitted { p { strong { (t("sa.submitted_on")) " " (format_time(at)) } " · " (t("sa.locked")) } }
        @else if !editable { p { (t("sa.closed_locked")) } }
        form method="post" action={ (url) "/rate" } class="sa-rate" {
            (csrf_field(viewer))
            @for lever in &rubric.levers {
                @let indicators: Vec<_> = lever.practices.iter().flat_map(|p| p.indicators.iter().filter(|i| !i.retired).map(move |i| (p, i))).collect();
                @if !indicators.is_empty() {
                    section aria-labelledby={ "lever-" (lever.id) } class="sa-lever" {
                        h2 id={ "lever-" (lever.id) } { (tr(&lever.name, lang)) }
                        @for practice in &lever.practices {
                            h3 { (tr(&practice.name, lang)) }
                            @for indicator in practice.indicators.iter().filter(|i| !i.retired) {
                                @let n = { position += 1; position };
                                @let saved = mine.get(indicator.id.as_str());
                                @let answer = saved.and_then(|r| r.answer);
                                fieldset class="sa-indicator" id={ "i" (n) } {
                                    legend { (tr(&indicator.text, lang)) }
                                    p class="muted" { (t("sa.evidence")) ": " (tr(&indicator.evidence, lang)) }
                                    @if !indicator.ideas.is_empty() { p class="muted" { (t("sa.ideas")) ": " (ideas_list(&indicator.ideas, lang)) } }
                                    @for (level, description) in (1u8..).zip(&indicator.level_descriptions) {
                                        div class="choice" {
                                            input type="radio" id={ "i" (n) "-" (level) } name={ "answer." (indicator.id) } value=(level) checked[answer == Some(Answer::Level(level))] disabled[!editable];
                                            label for={ "i" (n) "-" (level) } { strong { (scale.label(level).map(|l| tr(l, lang)).unwrap_or("")) } ": " (tr(description, lang)) }
                                        }
                                    }
                                    div class="choice" {
                                        input type="radio" id={ "i" (n) "-dk" } name={ "answer." (indicator.id) } value="dont-know" checked[answer == Some(Answer::DontKnow)] disabled[!editable];
                                        label for={ "i" (n) "-dk" } { strong { (tr(&dont_know, lang)) } }
                                    }
                                    div class="sa-fields" {
                                        div { label for={ "i" (n) "-note" } { (t("sa.note")) } textarea id={ "i" (n) "-note" } name={ "note." (indicator.id) } rows="2" maxlength="4000" readonly[!editable] { (saved.map(|r| r.note.as_str()).unwrap_or("")) } }
                                        div { label for={ "i" (n) "-links" } { (t("sa.links")) } textarea id={ "i" (n) "-links" } name={ "links." (indicator.id) } rows="2" readonly[!editable] placeholder="https://" { (saved.map(|r| r.evidence_links.join("\n")).unwrap_or_default()) } }
                                    }
                                    @if !editable { @if let Some(r) = saved { @if !r.evidence_links.is_empty() { (links_list(&r.evidence_links)) } } }
                                }
                            }
                        }
                        @if editable { p { button type="submit" name="action" value="save" { (t("sa.save_draft")) } } }
                    }
                }
            }
            @if editable {
                section aria-labelledby="submit" {
                    h2 id="submit" { (t("sa.submit")) }
                    p { (t("sa.submit_help")) }
                    p {
                        button type="submit" name="action" value="save" { (t("sa.save_draft")) } " "
                        button type="submit" name="action" value="submit" class="secondary" { (t("sa.submit_button")) }
                    }
                }
            }
        }
    };
    page(
        viewer,
        Some(&loaded.ctx),
        &title_of(loaded, lang, "sa.my_ratings"),
        body,
    )
}

fn ideas_list(ideas: &[Idea], lang: Lang) -> String {
    ideas
        .iter()
        .map(|i| tr(&i.name(), lang).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evidence links as links when they are web addresses (the only kind accepted), text otherwise.
fn links_list(links: &[String]) -> Markup {
    html! {
        ul class="links" { @for link in links { li {
            @if link.starts_with("https://") || link.starts_with("http://") { a href=(link) rel="noreferrer" { (link) } } @else { (link) }
        } } }
    }
}

/// Reads the rater's form: for every active indicator the form mentions, its answer, note and
/// evidence links. Refuses a level off the scale, an overlong note, or a link that is not a web
/// address, naming the indicator.
fn parse_ratings(
    rubric: &Rubric,
    fields: &[(String, String)],
) -> Result<Vec<RatingInput>, AppError> {
    let mut out = Vec::new();
    for (_, _, indicator) in rubric.active_indicators() {
        let id = &indicator.id;
        let answer = field(fields, &format!("answer.{id}"));
        let note = field(fields, &format!("note.{id}"));
        let links = field(fields, &format!("links.{id}"));
        if answer.is_none() && note.is_none() && links.is_none() {
            continue;
        }
        let answer = match answer.map(str::trim) {
            None | Some("") => None,
            Some("dont-know") => Some(Answer::DontKnow),
            Some(value) => match value.parse::<u8>() {
                Ok(level) if rubric.scale.contains(level) => Some(Answer::Level(level)),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "indicator {id}: answer {value:?} is not valid: expected a level from 1 to {} or dont-know",
                        rubric.scale.max_level()
                    )))
                }
            },
        };
        let note = note.unwrap_or("").trim().to_string();
        if note.chars().count() > 4000 {
            return Err(AppError::BadRequest(format!(
                "indicator {id}: the note is too long: expected at most 4000 characters"
            )));
        }
        let evidence_links = parse_links(id, links.unwrap_or(""))?;
        out.push(RatingInput {
            indicator_id: id.clone(),
            answer,
            note,
            evidence_links,
        });
    }
    Ok(out)
}

/// Evidence links, one per line: web addresses (`http://` or `https://`), at most ten of at most
/// 500 characters each.
fn parse_links(indicator_id: &str, text: &str) -> Result<Vec<String>, AppError> {
    let links: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if links.len() > 10 {
        return Err(AppError::BadRequest(format!(
            "indicator {indicator_id}: {} evidence links: expected at most 10",
            links.len()
        )));
    }
    for (n, link) in links.iter().enumerate() {
        let web = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 500
            && !link.contains(char::is_whitespace);
        if !web {
            return Err(AppError::BadRequest(format!(
                "indicator {indicator_id}: evidence link {} {link:?} is not valid: expected a web address starting with http:// or https://, at most 500 characters",
                n + 1
            )));
        }
    }
    Ok(links)
}

/// `POST /d/{district}/self-assessment/{id}/rate`: saves the draft and, with
/// `action=submit`, submits it.
pub async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.rater {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(field(&fields, "csrf"))?;
    let inputs = parse_ratings(&loaded.rubric, &fields)?;
    let submit = field(&fields, "action") == Some("submit");
    let user_id = loaded.user.id;

    state
        .store
        .save_ratings(&district, id, user_id, &inputs, &loaded.user.email)
        .await?;
    if submit {
        match state
            .store
            .submit_ratings(&district, id, user_id, &loaded.user.email)
            .await
        {
            Ok(()) => {}
            Err(sgs_store::StoreError::Invalid(message)) => {
                let own = state.store.ratings_of(id, user_id).await?;
                let reloaded = Loaded {
                    raters: state.store.raters(id).await?,
                    ..loaded
                };
                let page = render_rate_form(&viewer, &reloaded, &own, None, Some(&message));
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            }
            Err(other) => return Err(other.into()),
        }
    }

    let flag = if submit { "submitted" } else { "saved" };
    Ok(Redirect::to(&format!("{}/rate?{flag}=1", loaded.url())).into_response())
}

// ---------------------------------------------------------------------------------------------
// The facilitator's spread and consensus.

/// Submitted raters' names and seats by account id, for the facilitator's eyes.
fn rater_names(raters: &[Invitation]) -> BTreeMap<i64, (&str, RaterRole)> {
    raters
        .iter()
        .filter(|r| r.submitted_at.is_some())
        .map(|r| (r.user_id, (r.display_name.as_str(), r.rater_role)))
        .collect()
}

/// `GET /d/{district}/self-assessment/{id}/spread`: the facilitator's view: per indicator, how
/// many raters chose each level and who said what, most disagreement first, with the form to
/// record consensus.
pub async fn spread_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_see_spread() {
        return Err(refuse(&loaded.user, &district));
    }
    let input = state.store.scoring_input(&loaded.record).await?;
    let results = score(&loaded.rubric, &input)
        .map_err(|e| AppError::Store(sgs_store::StoreError::Corrupt(e.to_string())))?;
    let names = rater_names(&loaded.raters);
    let all = state.store.all_ratings(id).await?;
    let consensus: HashMap<String, sgs_store::StoredConsensus> = state
        .store
        .consensus(id)
        .await?
        .into_iter()
        .map(|c| (c.indicator_id.clone(), c))
        .collect();
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let rubric = &loaded.rubric;
    let scale = &rubric.scale;
    let facilitate = loaded.seat.may_facilitate(loaded.record.status);
    let url = loaded.url();

    // Most disagreement first: widest range, then largest standard deviation, then rubric order.
    let mut order: Vec<(usize, &sgs_assessment::IndicatorResult)> =
        results.indicators.iter().enumerate().collect();
    order.sort_by(|(pa, a), (pb, b)| {
        b.spread
            .range
            .cmp(&a.spread.range)
            .then_with(|| {
                b.spread
                    .std_dev
                    .unwrap_or(-1.0)
                    .total_cmp(&a.spread.std_dev.unwrap_or(-1.0))
            })
            .then_with(|| pa.cmp(pb))
    });
    let submitted = names.len();
    let agreed = consensus.len();
    let active = results.indicators.len();

    let body = html! {
        (assessment_nav(&loaded, lang))
        p { (t("sa.spread_intro")) }
        p role="status" { (submitted) " / " (loaded.raters.len()) " " (t("sa.raters_submitted")) " · " (agreed) " / " (active) " " (t("sa.agreed")) }
        p { a href={ (url) "/ratings.csv" } { (t("sa.ratings_csv")) } }
        @for (n, result) in &order {
            @if let Some((lever, practice, indicator)) = rubric.locate(&result.indicator_id) {
                @let n = n + 1;
                @let s = &result.spread;
                section class="sa-indicator" aria-labelledby={ "s" (n) } id={ "ind-" (n) } {
                    h2 id={ "s" (n) } { (tr(&indicator.text, lang)) }
                    p class="muted" { (tr(&lever.name, lang)) " · " (tr(&practice.name, lang)) }
                    @if s.is_high_disagreement() { p class="flag" { (t("sa.discuss")) " · " (t("sa.range")) " " (s.range) } }
                    div class="table-wrap" { table class="counts" {
                        caption class="muted" { (t("sa.counts_caption")) }
                        thead { tr { th scope="col" { (t("sa.level")) } th scope="col" class="num" { (t("sa.raters")) } } }
                        tbody {
                            @for (level, count) in (1u8..).zip(&s.counts) {
                                tr { th scope="row" { (answer_label(scale, Some(Answer::Level(level)), lang)) } td class="num" { (count) } }
                            }
                            tr { th scope="row" { (answer_label(scale, Some(Answer::DontKnow), lang)) } td class="num" { (s.dont_know) } }
                        }
                    } }
                    @if let Some(c) = consensus.get(&result.indicator_id) {
                        p { strong { (t("sa.consensus")) ": " (answer_label(scale, Some(Answer::Level(c.level)), lang)) } " · " (c.rationale) " " span class="muted" { "(" (c.recorded_by_name) ", " (format_time(c.recorded_at)) ")" } }
                    } @else { p { (t("sa.no_consensus")) } }
                    @let said: Vec<&StoredRating> = all.iter().filter(|r| r.indicator_id == result.indicator_id && names.contains_key(&r.user_id)).collect();
                    details {
                        summary { (t("sa.who_said")) " (" (said.len()) ")" }
                        ul { @for r in &said {
                            @let (name, seat) = names[&r.user_id];
                            li {
                                strong { (name) } " (" (tr(&seat.label(), lang)) "): " (answer_label(scale, r.answer, lang))
                                @if !r.note.is_empty() { " · " (r.note) }
                                @if !r.evidence_links.is_empty() { (links_list(&r.evidence_links)) }
                            }
                        } }
                    }
                    @if facilitate {
                        @let current = consensus.get(&result.indicator_id).map(|c| c.level);
                        @let suggested = current.or_else(|| s.mean.map(|m| (m.round() as u8).clamp(1, scale.max_level())));
                        form method="post" action={ (url) "/consensus" } class="filters" {
                            (csrf_field(&viewer))
                            input type="hidden" name="indicator_id" value=(result.indicator_id);
                            input type="hidden" name="back" value=(n);
                            div { label for={ "c" (n) "-level" } { (t("sa.consensus")) } select id={ "c" (n) "-level" } name="level" {
                                @for level in 1..=scale.max_level() { option value=(level) selected[suggested == Some(level)] { (answer_label(scale, Some(Answer::Level(level)), lang)) } }
                            } }
                            div class="wide-field" { label for={ "c" (n) "-rationale" } { (t("sa.rationale")) } textarea id={ "c" (n) "-rationale" } name="rationale" rows="2" required maxlength="4000" { (consensus.get(&result.indicator_id).map(|c| c.rationale.as_str()).unwrap_or("")) } }
                            div { button type="submit" { (t("sa.record")) } }
                        }
                    }
                }
            }
        }
        @if facilitate { (close_form(&viewer, &url, active - agreed.min(active))) }
    };
    Ok(page(
        &viewer,
        Some(&loaded.ctx),
        &title_of(&loaded, lang, "sa.spread"),
        body,
    )
    .into_response())
}

/// `GET /d/{district}/self-assessment/{id}/ratings.csv`: every submitted individual rating, for
/// the facilitator only.
pub async fn ratings_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_see_spread() {
        return Err(refuse(&loaded.user, &district));
    }
    let names = rater_names(&loaded.raters);
    let mut out = String::from("rater,seat,indicator_id,answer,note,evidence_links\n");
    let order: HashMap<&str, usize> = loaded
        .rubric
        .indicators()
        .enumerate()
        .map(|(n, (_, _, i))| (i.id.as_str(), n))
        .collect();
    let mut all: Vec<StoredRating> = state
        .store
        .all_ratings(id)
        .await?
        .into_iter()
        .filter(|r| names.contains_key(&r.user_id))
        .collect();
    all.sort_by_key(|r| (r.user_id, order.get(r.indicator_id.as_str()).copied()));
    for r in &all {
        let (name, seat) = names[&r.user_id];
        let answer = match r.answer {
            Some(Answer::Level(l)) => l.to_string(),
            Some(Answer::DontKnow) => "dont-know".into(),
            None => String::new(),
        };
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_field(name),
            seat.code(),
            csv_field(&r.indicator_id),
            answer,
            csv_field(&r.note),
            csv_field(&r.evidence_links.join(" "))
        ));
    }
    Ok(csv_response(
        &format!("ratings-{district}-{}.csv", loaded.record.school_year),
        out,
    ))
}

/// `POST /d/{district}/self-assessment/{id}/consensus`: one indicator's consensus.
pub async fn record_consensus(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.facilitator {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(field(&fields, "csrf"))?;
    let indicator_id = field(&fields, "indicator_id")
        .unwrap_or("")
        .trim()
        .to_string();
    let level_text = field(&fields, "level").unwrap_or("").trim();
    let level = level_text.parse::<u8>().map_err(|_| {
        AppError::BadRequest(format!(
            "field level: {level_text:?} is not valid: expected a level from 1 to {}",
            loaded.rubric.scale.max_level()
        ))
    })?;
    let rationale = field(&fields, "rationale").unwrap_or("").trim().to_string();
    if rationale.is_empty() || rationale.chars().count() > 4000 {
        return Err(AppError::BadRequest(
            "field rationale: expected the team's reason in 1 to 4000 characters".into(),
        ));
    }
    let back = field(&fields, "back")
        .and_then(|b| b.parse::<usize>().ok())
        .map(|n| format!("#ind-{n}"))
        .unwrap_or_default();

    let record = Consensus {
        indicator_id,
        level,
        rationale,
    };
    state
        .store
        .record_consensus(&district, id, &[record], loaded.user.id, &loaded.user.email)
        .await?;

    Ok(Redirect::to(&format!("{}/spread{back}", loaded.url())).into_response())
}

// ---------------------------------------------------------------------------------------------
// Results.

/// One year's consensus, for the heat map.
struct YearColumn {
    school_year: SchoolYear,
    levels: HashMap<String, u8>,
}

/// Everything the results page and CSV show.
struct ResultsData {
    results: AssessmentResults,
    priorities: Priorities,
    /// Change since the latest closed earlier assessment, with that assessment's year.
    change: Option<(SchoolYear, Change)>,
    /// Lever levels of that earlier assessment, scored on its own rubric.
    previous_levers: HashMap<String, f64>,
    /// Up to three years, oldest first, ending with this one.
    columns: Vec<YearColumn>,
    consensus: HashMap<String, sgs_store::StoredConsensus>,
}

async fn results_data(state: &AppState, loaded: &Loaded) -> Result<ResultsData, AppError> {
    let corrupt = |e: sgs_assessment::ScoringError| {
        AppError::Store(sgs_store::StoreError::Corrupt(e.to_string()))
    };
    let input = state.store.scoring_input(&loaded.record).await?;
    let results = score(&loaded.rubric, &input).map_err(corrupt)?;
    let priorities = priorities(&results);
    let district = &loaded.ctx.id;
    let earlier: Vec<AssessmentRecord> = state
        .store
        .assessments(district)
        .await?
        .into_iter()
        .filter(|a| a.status == Status::Closed && a.school_year < loaded.record.school_year)
        .collect();
    let mut change = None;
    let mut previous_levers = HashMap::new();
    if let Some(previous) = earlier.first() {
        let previous_rubric = state
            .store
            .rubric(district, previous.rubric_version)
            .await?
            .ok_or(AppError::NotFound)?;
        let previous_input = state.store.scoring_input(previous).await?;
        let found = change_since(&previous_rubric, &previous_input, &loaded.rubric, &input)
            .map_err(corrupt)?;
        let previous_results = score(&previous_rubric, &previous_input).map_err(corrupt)?;
        previous_levers = previous_results
            .levers
            .iter()
            .filter_map(|l| Some((l.id.clone(), l.level?)))
            .collect();
        change = Some((previous.school_year, found));
    }
    let mut columns = Vec::new();
    for record in earlier.iter().take(2).rev() {
        let levels = state
            .store
            .consensus(record.id)
            .await?
            .into_iter()
            .map(|c| (c.indicator_id, c.level))
            .collect();
        columns.push(YearColumn {
            school_year: record.school_year,
            levels,
        });
    }
    let consensus: HashMap<String, sgs_store::StoredConsensus> = state
        .store
        .consensus(loaded.record.id)
        .await?
        .into_iter()
        .map(|c| (c.indicator_id.clone(), c))
        .collect();
    columns.push(YearColumn {
        school_year: loaded.record.school_year,
        levels: consensus
            .iter()
            .map(|(k, c)| (k.clone(), c.level))
            .collect(),
    });
    Ok(ResultsData {
        results,
        priorities,
        change,
        previous_levers,
        columns,
        consensus,
    })
}

/// Counts per level written out: `1: 2 · 2: 0 · 3: 1 · 4: 0 · ?: 1`.
fn counts_text(counts: &[u32], dont_know: u32) -> String {
    let mut parts: Vec<String> = (1..)
        .zip(counts)
        .map(|(level, n)| format!("{level}: {n}"))
        .collect();
    parts.push(format!("?: {dont_know}"));
    parts.join(" · ")
}

/// The lever profile: one bar per lever at its consensus level, with last year's level marked.
fn lever_profile(
    label: &str,
    rows: &[(String, Option<f64>, Option<f64>)],
    max: u8,
    last_year: &str,
) -> Markup {
    const WIDTH: f64 = 640.0;
    const LEFT: f64 = 250.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 8.0;
    let plot = WIDTH - LEFT - 70.0;
    let height = TOP + ROW * rows.len() as f64 + 28.0;
    let x = |level: f64| LEFT + plot * (level / f64::from(max));
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for level in 0..=max {
                    @let gx = x(f64::from(level));
                    line x1=(format!("{gx:.1}")) x2=(format!("{gx:.1}")) y1=(TOP) y2=(TOP + ROW * rows.len() as f64) class="grid" {}
                    text x=(format!("{gx:.1}")) y=(height - 8.0) text-anchor="middle" class="axis" { (level) }
                }
                @for (i, (name, level, previous)) in rows.iter().enumerate() {
                    @let top = TOP + ROW * i as f64;
                    text x=(LEFT - 8.0) y=(top + 21.0) text-anchor="end" class="axis" { (name) }
                    @if let Some(level) = level {
                        rect x=(LEFT) y=(top + 7.0) width=(format!("{:.1}", x(*level) - LEFT)) height="20" class="bar" {}
                        text x=(format!("{:.1}", x(*level) + 6.0)) y=(top + 21.0) class="axis" { (format!("{level:.1}")) }
                    }
                    @if let Some(previous) = previous {
                        line x1=(format!("{:.1}", x(*previous))) x2=(format!("{:.1}", x(*previous))) y1=(top + 3.0) y2=(top + 31.0) class="target" {}
                    }
                }
            }
            figcaption { ul class="legend" {
                li { span class="swatch" aria-hidden="true" {} " " (label) }
                li { span class="swatch target" aria-hidden="true" {} " " (last_year) }
            } }
        }
    }
}

/// Query of the results page: which indicator the follow-up form starts on.
#[derive(Deserialize, Default)]
pub struct ResultsQuery {
    work: Option<String>,
}

/// `GET /d/{district}/self-assessment/{id}/results`: levels per lever and practice with spread
/// and change since last year, the lever profile, the heat map, the priority list, follow-up
/// work. Prints as the team's report.
pub async fn results_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Query(query): Query<ResultsQuery>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_see_results(loaded.record.status) {
        return Err(refuse(&loaded.user, &district));
    }
    let data = results_data(&state, &loaded).await?;
    let initiatives: Vec<sgs_store::Initiative> = state
        .store
        .initiatives(&district)
        .await?
        .into_iter()
        .filter(|i| i.source_assessment_id == Some(id))
        .collect();
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let rubric = &loaded.rubric;
    let scale = &rubric.scale;
    let max = scale.max_level();
    let url = loaded.url();
    let change = data.change.as_ref().map(|(_, c)| c);
    let lever_change: HashMap<&str, &sgs_assessment::GroupChange> = change
        .map(|c| c.levers.iter().map(|g| (g.id.as_str(), g)).collect())
        .unwrap_or_default();
    let practice_change: HashMap<&str, &sgs_assessment::GroupChange> = change
        .map(|c| c.practices.iter().map(|g| (g.id.as_str(), g)).collect())
        .unwrap_or_default();
    let previous_year = data
        .change
        .as_ref()
        .map(|(y, _)| y.to_string())
        .unwrap_or_default();
    let profile_rows: Vec<(String, Option<f64>, Option<f64>)> = data
        .results
        .levers
        .iter()
        .map(|g| {
            let name = rubric
                .levers
                .iter()
                .find(|l| l.id == g.id)
                .map(|l| short_lever_name(tr(&l.name, lang)))
                .unwrap_or_default();
            (name, g.level, data.previous_levers.get(&g.id).copied())
        })
        .collect();
    let create = loaded.seat.may_create_work();
    let chosen = query.work.unwrap_or_default();
    let names: HashMap<&str, &str> = rubric
        .indicators()
        .map(|(_, _, i)| (i.id.as_str(), tr(&i.text, lang)))
        .collect();
    let priority_item = |item: &PriorityItem| {
        html! {
            li {
                (names.get(item.indicator_id.as_str()).copied().unwrap_or(&item.indicator_id))
                " · " span class=(heat_class(item.level, max)) { (answer_label(scale, Some(Answer::Level(item.level)), lang)) }
                " · " (t("sa.range")) " " (item.range)
                @if item.dont_know > 0 { " · " (item.dont_know) " " (tr(&Scale::dont_know_label(), lang)) }
                @if create { " · " a href={ (url) "/results?work=" (item.indicator_id) "#work" } { (t("sa.follow_up")) } }
            }
        }
    };

    let body = html! {
        (assessment_nav(&loaded, lang))
        @if loaded.record.status == Status::Open { p class="notice" role="status" { (t("sa.in_progress")) } }
        p { (t("sa.results_intro")) " " (t("sa.rubric_version")) " " (rubric.version) "."
            @if let Some((year, _)) = &data.change { " " (t("sa.compared_with")) " " (year) "." } @else { " " (t("sa.no_previous")) }
        }
        p class="muted" { (t("plan.print")) " " a href={ (url) "/results.csv" } { (t("campus.download_csv")) } }

        section aria-labelledby="profile" {
            h2 id="profile" { (t("sa.profile")) }
            (lever_profile(&format!("{} {}", t("sa.profile"), loaded.record.school_year), &profile_rows, max, &format!("{} {}", t("sa.last_year"), previous_year)))
        }

        section aria-labelledby="levels" {
            h2 id="levels" { (t("sa.by_lever")) }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (t("sa.lever_practice")) }
                    th scope="col" { (t("sa.consensus")) }
                    th scope="col" class="wide" { (t("sa.spread_counts")) }
                    th scope="col" class="num" { (t("sa.change")) }
                } }
                tbody {
                    @for lever in &rubric.levers {
                        @if let Some(g) = data.results.lever(&lever.id) {
                            tr class="group" {
                                th scope="row" { (tr(&lever.name, lang)) }
                                td { (mean_label(scale, g.level, lang)) " " span class="muted" { "(" (g.with_consensus) "/" (g.indicators) ")" } }
                                td class="wide" { (counts_text(&g.spread.counts, g.spread.dont_know)) @if g.spread.high_disagreement > 0 { " · " span class="flag" { (g.spread.high_disagreement) " " (t("sa.to_discuss")) } } }
                                td class="num" { (signed(lever_change.get(lever.id.as_str()).and_then(|c| c.delta))) }
                            }
                            @for practice in &lever.practices {
                                @if let Some(p) = data.results.practice(&practice.id) {
                                    tr {
                                        th scope="row" class="indent" { (tr(&practice.name, lang)) }
                                        td { (mean_label(scale, p.level, lang)) }
                                        td class="wide" { (counts_text(&p.spread.counts, p.spread.dont_know)) }
                                        td class="num" { (signed(practice_change.get(practice.id.as_str()).and_then(|c| c.delta))) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            @if let Some(change) = change { @if !change.not_comparable.is_empty() {
                p class="muted" { (t("sa.not_comparable")) ": " (change.not_comparable.len()) }
            } }
        }

        section aria-labelledby="heat" {
            h2 id="heat" { (t("sa.heat_map")) }
            p class="muted" { (t("sa.heat_help")) }
            div class="table-wrap" { table class="heatmap" {
                thead { tr {
                    th scope="col" { (t("sa.indicator")) }
                    @for column in &data.columns { th scope="col" { (column.school_year) } }
                    th scope="col" class="num" { (t("sa.range")) }
                } }
                tbody {
                    @for lever in &rubric.levers {
                        tr class="group" { th scope="colgroup" colspan=(data.columns.len() + 2) { (tr(&lever.name, lang)) } }
                        @for practice in &lever.practices { @for indicator in practice.indicators.iter().filter(|i| !i.retired) {
                            @let result = data.results.indicator(&indicator.id);
                            tr {
                                th scope="row" {
                                    (tr(&indicator.text, lang))
                                    @if create { " " a href={ (url) "/results?work=" (indicator.id) "#work" } class="muted" { (t("sa.follow_up")) } }
                                }
                                @for column in &data.columns {
                                    @match column.levels.get(&indicator.id) {
                                        Some(level) => { td { span class=(heat_class(*level, max)) { (answer_label(scale, Some(Answer::Level(*level)), lang)) } } }
                                        None => { td class="muted" { "–" } }
                                    }
                                }
                                td class="num" {
                                    @if let Some(r) = result { (r.spread.range) @if r.spread.is_high_disagreement() { " " span class="flag" { (t("sa.discuss")) } } }
                                }
                            }
                        } }
                    }
                }
            } }
        }

        section aria-labelledby="priorities" {
            h2 id="priorities" { (t("sa.priorities")) }
            p class="muted" { (t("sa.priorities_help")) }
            @if data.priorities.ranked.is_empty() { p { (t("sa.no_consensus")) } }
            ol { @for item in data.priorities.ranked.iter().take(10) { (priority_item(item)) } }
            h3 { (t("sa.for_discussion")) }
            @if data.priorities.for_discussion.is_empty() { p { (t("sa.none_to_discuss")) } }
            ul { @for item in &data.priorities.for_discussion { (priority_item(item)) } }
        }

        section aria-labelledby="work-list" {
            h2 id="work-list" { (t("sa.work")) }
            @if initiatives.is_empty() { p { (t("sa.no_work")) } } @else {
                ul { @for i in &initiatives { li {
                    strong { (i.title) } " · " (i.owner)
                    @if let Some(due) = &i.due_date { " · " (t("sa.due")) " " (due) }
                    @if let Some(source) = &i.source_indicator_id { " · " span class="muted" { (names.get(source.as_str()).copied().unwrap_or(source)) } }
                } } }
            }
            @if create {
                h3 id="work" { (t("sa.create_work")) }
                form method="post" action={ (url) "/work" } class="filters" {
                    (csrf_field(&viewer))
                    div class="wide-field" { label for="work_indicator" { (t("sa.indicator")) } select id="work_indicator" name="indicator_id" {
                        @for (_, _, i) in rubric.active_indicators() { option value=(i.id) selected[i.id == chosen] { (tr(&i.text, lang)) } }
                    } }
                    div { label for="work_title" { (t("sa.work_title")) } input id="work_title" name="title" required maxlength="200"; }
                    div { label for="work_owner" { (t("plan.owner")) } input id="work_owner" name="owner" required maxlength="120"; }
                    div { label for="work_due" { (t("sa.due")) } input id="work_due" name="due_date" type="date" required; }
                    div { button type="submit" { (t("sa.create_button")) } }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        Some(&loaded.ctx),
        &title_of(&loaded, lang, "sa.results"),
        body,
    )
    .into_response())
}

/// A lever's name without its "Lever 1:" or "Precondition A:" prefix, for chart labels.
fn short_lever_name(name: &str) -> String {
    let short = name.split_once(": ").map_or(name, |(_, rest)| rest);
    let mut out: String = short.chars().take(34).collect();
    if short.chars().count() > 34 {
        out.push('…');
    }
    out
}

/// `GET /d/{district}/self-assessment/{id}/results.csv`: one row per active indicator with the
/// consensus, the counts per level (never who said what), last year's level and the priority.
pub async fn results_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_see_results(loaded.record.status) {
        return Err(refuse(&loaded.user, &district));
    }
    let data = results_data(&state, &loaded).await?;
    let lang = viewer.lang;
    let rubric = &loaded.rubric;
    let max = rubric.scale.max_level();
    let previous: HashMap<&str, &sgs_assessment::IndicatorChange> = data
        .change
        .as_ref()
        .map(|(_, c)| {
            c.indicators
                .iter()
                .map(|i| (i.indicator_id.as_str(), i))
                .collect()
        })
        .unwrap_or_default();
    let rank: HashMap<&str, usize> = data
        .priorities
        .ranked
        .iter()
        .enumerate()
        .map(|(n, p)| (p.indicator_id.as_str(), n + 1))
        .collect();
    // One row per indicator, then one per practice and per lever (`scope`), so a district can
    // chart levels at every grain. For practices and levers the level is the mean consensus
    // of their indicators, the counts are summed over them, the range is their widest, and
    // `high_disagreement` counts the flagged indicators.
    let mut out = String::from(
        "scope,lever_id,practice_id,indicator_id,indicator,consensus_level,consensus_label,",
    );
    for level in 1..=max {
        out.push_str(&format!("raters_level_{level},"));
    }
    out.push_str(
        "raters_dont_know,range,high_disagreement,previous_level,change,priority_rank,rationale\n",
    );
    for result in &data.results.indicators {
        let Some((_, _, indicator)) = rubric.locate(&result.indicator_id) else {
            continue;
        };
        let level = result.consensus;
        let mut row = vec![
            "indicator".to_string(),
            result.lever_id.clone(),
            result.practice_id.clone(),
            csv_field(&indicator.id),
            csv_field(tr(&indicator.text, lang)),
            level.map(|l| l.to_string()).unwrap_or_default(),
            csv_field(
                level
                    .and_then(|l| rubric.scale.label(l))
                    .map(|t| tr(t, lang))
                    .unwrap_or(""),
            ),
        ];
        row.extend(result.spread.counts.iter().map(|c| c.to_string()));
        let change = previous.get(indicator.id.as_str());
        row.extend([
            result.spread.dont_know.to_string(),
            result.spread.range.to_string(),
            result.spread.is_high_disagreement().to_string(),
            change.map(|c| c.previous.to_string()).unwrap_or_default(),
            change.map(|c| format!("{:+}", c.delta)).unwrap_or_default(),
            rank.get(indicator.id.as_str())
                .map(|r| r.to_string())
                .unwrap_or_default(),
            csv_field(
                data.consensus
                    .get(&indicator.id)
                    .map(|c| c.rationale.as_str())
                    .unwrap_or(""),
            ),
        ]);
        out.push_str(&row.join(","));
        out.push('\n');
    }
    let group_change = |scope: &str, id: &str| {
        data.change.as_ref().and_then(|(_, c)| {
            let groups = if scope == "lever" {
                &c.levers
            } else {
                &c.practices
            };
            groups.iter().find(|g| g.id == id).cloned()
        })
    };
    for lever in &rubric.levers {
        let practices = lever.practices.iter().map(|p| {
            (
                "practice",
                p.id.as_str(),
                Some(p.id.as_str()),
                tr(&p.name, lang),
            )
        });
        let rows = practices.chain(std::iter::once((
            "lever",
            lever.id.as_str(),
            None,
            tr(&lever.name, lang),
        )));
        for (scope, id, practice, name) in rows {
            let group = if scope == "lever" {
                data.results.lever(id)
            } else {
                data.results.practice(id)
            };
            let Some(group) = group else { continue };
            let change = group_change(scope, id);
            let mut row = vec![
                scope.to_string(),
                lever.id.clone(),
                practice.unwrap_or("").to_string(),
                String::new(),
                csv_field(name),
                group.level.map(|l| format!("{l:.2}")).unwrap_or_default(),
                String::new(),
            ];
            row.extend(group.spread.counts.iter().map(|c| c.to_string()));
            row.extend([
                group.spread.dont_know.to_string(),
                group.spread.max_range.to_string(),
                group.spread.high_disagreement.to_string(),
                change
                    .as_ref()
                    .and_then(|c| c.previous)
                    .map(|p| format!("{p:.2}"))
                    .unwrap_or_default(),
                change
                    .as_ref()
                    .and_then(|c| c.delta)
                    .map(|d| format!("{d:+.2}"))
                    .unwrap_or_default(),
                String::new(),
                String::new(),
            ]);
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    Ok(csv_response(
        &format!(
            "self-assessment-{district}-{}.csv",
            loaded.record.school_year
        ),
        out,
    ))
}

/// The follow-up work form.
#[derive(Deserialize)]
pub struct WorkForm {
    csrf: Option<String>,
    indicator_id: String,
    title: String,
    owner: String,
    due_date: String,
}

/// Whether `text` is a calendar date written `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `POST /d/{district}/self-assessment/{id}/work`: follow-up work from one indicator.
pub async fn create_work(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<WorkForm>,
) -> PageResult {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_create_work() {
        return Err(refuse(&loaded.user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;
    let (lever, _, indicator) = loaded
        .rubric
        .locate(form.indicator_id.trim())
        .filter(|(_, _, i)| !i.retired)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "field indicator_id: {:?} is not an indicator of rubric version {}",
                form.indicator_id, loaded.rubric.version
            ))
        })?;
    let title = form.title.trim();
    let owner = form.owner.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "field title: expected 1 to 200 characters".into(),
        ));
    }
    if owner.is_empty() || owner.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "field owner: expected 1 to 120 characters".into(),
        ));
    }
    let due = form.due_date.trim();
    if !is_date(due) {
        return Err(AppError::BadRequest(format!(
            "field due_date: {due:?} is not valid: expected a date written YYYY-MM-DD"
        )));
    }

    let work = NewInitiative {
        title,
        owner,
        due_date: Some(due),
        lever_id: Some(&lever.id),
        source_indicator_id: Some(&indicator.id),
        source_assessment_id: Some(id),
    };
    state
        .store
        .create_initiative(&district, &work, &loaded.user.email)
        .await?;

    Ok(Redirect::to(&format!("{}/results#work-list", loaded.url())).into_response())
}

// ---------------------------------------------------------------------------------------------
// The rubric.

/// `GET /d/{district}/self-assessment/rubric`: the current rubric in full, its versions, and
/// for administrators the form to edit it.
pub async fn rubric_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let user = viewer.require(&district, |_| true)?;
    let manage = Seat::of_role(user.role, true).may_manage();
    let rubric = state.store.current_rubric(&district).await?;
    let versions = state.store.rubric_versions(&district).await?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let scale = &rubric.scale;
    let example = r#"[
  {"change": "edit-text", "id": "l1.goals.board-adopted",
   "text": {"en": "…", "es": "…"}},
  {"change": "retire-indicator", "id": "l2.talent.landscape"},
  {"change": "set-scale", "levels": [{"en": "Not yet started", "es": "Aún no iniciado"},
     {"en": "Beginning", "es": "Inicial"}, {"en": "Developing", "es": "En desarrollo"},
     {"en": "Sustaining", "es": "Sostenido"}]},
  {"change": "add-indicator", "practice_id": "l4.service",
   "indicator": {"id": "l4.service.new-id", "text": {"en": "…", "es": "…"},
     "evidence": {"en": "…", "es": "…"}, "ideas": ["human-centered-design"],
     "level_descriptions": [{"en": "…", "es": "…"}, {"en": "…", "es": "…"},
       {"en": "…", "es": "…"}, {"en": "…", "es": "…"}], "retired": false}}
]"#;

    let body = html! {
        p { (t("sa.rubric_intro")) }
        p { a href={ "/d/" (district) "/self-assessment" } { (t("sa.all")) } }
        section aria-labelledby="scale" {
            h2 id="scale" { (t("sa.scale")) }
            ol { @for level in &scale.levels { li { (tr(level, lang)) } } }
            p { (tr(&Scale::dont_know_label(), lang)) ": " (t("sa.dont_know_help")) }
        }
        section aria-labelledby="ideas" {
            h2 id="ideas" { (t("sa.ideas_title")) }
            dl { @for idea in Idea::ALL { dt { (tr(&idea.name(), lang)) } dd { (tr(&idea.summary(), lang)) } } }
        }
        @for lever in &rubric.levers {
            section aria-labelledby={ "r-" (lever.id) } {
                h2 id={ "r-" (lever.id) } { (tr(&lever.name, lang)) }
                @for practice in &lever.practices {
                    h3 { (tr(&practice.name, lang)) }
                    ul class="plain" { @for indicator in &practice.indicators {
                        li class="sa-indicator" {
                            p { strong { (tr(&indicator.text, lang)) } @if indicator.retired { " · " span class="muted" { (t("sa.retired")) } } }
                            p class="muted" { code { (indicator.id) } " · " (t("sa.evidence")) ": " (tr(&indicator.evidence, lang)) }
                            @if !indicator.ideas.is_empty() { p class="muted" { (t("sa.ideas")) ": " (ideas_list(&indicator.ideas, lang)) } }
                            details { summary { (t("sa.level_descriptions")) }
                                dl { @for (level, d) in (1u8..).zip(&indicator.level_descriptions) {
                                    dt { (answer_label(scale, Some(Answer::Level(level)), lang)) } dd { (tr(d, lang)) }
                                } }
                            }
                        }
                    } }
                }
            }
        }
        section aria-labelledby="versions" {
            h2 id="versions" { (t("sa.versions")) }
            @if versions.is_empty() { p { (t("sa.base_only")) } } @else {
                ul { @for v in &versions { li { (t("sa.rubric_version")) " " (v.version) " · " (v.rubric.active_indicators().count()) " " (t("sa.indicators")) " · " (v.created_by) " · " (format_time(v.created_at)) } } }
            }
        }
        @if manage {
            section aria-labelledby="edit" {
                h2 id="edit" { (t("sa.edit_rubric")) }
                p { (t("sa.edit_help")) }
                details { summary { (t("sa.example")) } pre { (example) } }
                form method="post" action={ "/d/" (district) "/self-assessment/rubric" } {
                    (csrf_field(&viewer))
                    p { label for="changes" { (t("sa.changes")) } textarea id="changes" name="changes" rows="10" spellcheck="false" required {} }
                    p { button type="submit" { (t("sa.save_version")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("sa.rubric_title"), body).into_response())
}

/// The rubric edit form.
#[derive(Deserialize)]
pub struct RubricForm {
    csrf: Option<String>,
    changes: String,
}

/// `POST /d/{district}/self-assessment/rubric`: applies changes and saves the next version
/// (administrators). Assessments already opened keep the version they use.
pub async fn edit_rubric(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<RubricForm>,
) -> PageResult {
    let user = viewer.require(&district, |_| true)?;
    if !Seat::of_role(user.role, true).may_manage() {
        return Err(refuse(user, &district));
    }
    viewer.check_csrf(form.csrf.as_deref())?;
    let changes: Vec<RubricChange> = serde_json::from_str(&form.changes).map_err(|e| {
        AppError::BadRequest(format!(
            "rubric changes: line {}, column {}: {e}: expected a list of changes like the example",
            e.line(),
            e.column()
        ))
    })?;
    if changes.is_empty() {
        return Err(AppError::BadRequest(
            "rubric changes: expected at least one change".into(),
        ));
    }
    district_ctx(&state, &district).await?;
    let current = state.store.current_rubric(&district).await?;
    let next = current
        .edit(&changes)
        .map_err(|e| AppError::BadRequest(format!("rubric changes: {e}")))?;

    state
        .store
        .save_rubric(&district, &next, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/self-assessment/rubric#versions")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The JSON API: the same assessments and results, under the same seat rules. Individual
// ratings are never served by the API.

/// `GET /api/v1/districts/{district}/assessments`: the assessments this account may see.
pub async fn api_list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    district_ctx(&state, &district).await?;
    let user = viewer.require(&district, |_| true)?;
    let base = Seat::of_role(user.role, true);
    let mut rows = Vec::new();
    for record in state.store.assessments(&district).await? {
        let raters = state.store.raters(record.id).await?;
        let seat = Seat {
            facilitator: record.facilitator_id == user.id,
            rater: raters.iter().any(|r| r.user_id == user.id),
            ..base
        };
        if seat.may_view() {
            rows.push(serde_json::json!({
                "id": record.id,
                "school_year": record.school_year,
                "status": format!("{:?}", record.status).to_lowercase(),
                "rubric_version": record.rubric_version,
                "facilitator": record.facilitator_name,
                "raters": raters.len(),
                "submitted": raters.iter().filter(|r| r.submitted_at.is_some()).count(),
                "results_visible": seat.may_see_results(record.status),
            }));
        }
    }
    Ok(axum::Json(serde_json::Value::Array(rows)))
}

/// `GET /api/v1/districts/{district}/assessments/{id}/results`: consensus, spread counts,
/// practice and lever levels, change since last year and the priority list, for those who may
/// see the results page.
pub async fn api_results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    let loaded = load(&state, &viewer, &district, id).await?;
    if !loaded.seat.may_see_results(loaded.record.status) {
        return Err(refuse(&loaded.user, &district).into());
    }
    let data = results_data(&state, &loaded).await?;
    let consensus: BTreeMap<&String, serde_json::Value> = data
        .consensus
        .iter()
        .map(|(k, c)| {
            (
                k,
                serde_json::json!({"level": c.level, "rationale": c.rationale}),
            )
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "id": loaded.record.id,
        "school_year": loaded.record.school_year,
        "status": format!("{:?}", loaded.record.status).to_lowercase(),
        "results": data.results,
        "consensus": consensus,
        "priorities": data.priorities,
        "change": data.change.map(|(year, change)| serde_json::json!({"since": year, "change": change})),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_rating_form_reads_only_the_indicators_it_names() {
        let rubric = Rubric::default_v1();
        let parsed = parse_ratings(
            &rubric,
            &fields(&[
                ("csrf", "x"),
                ("answer.l1.goals.board-adopted", "3"),
                ("note.l1.goals.board-adopted", "  adopted in May  "),
                (
                    "links.l1.goals.board-adopted",
                    "https://a.example/1\n\n http://b.example/2 ",
                ),
                ("note.l1.qsa.tiers", ""),
                ("answer.pa.plan.north-star", "dont-know"),
                ("answer.l9.unknown", "2"),
            ]),
        )
        .unwrap();
        let ids: Vec<&str> = parsed.iter().map(|r| r.indicator_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "pa.plan.north-star",
                "l1.goals.board-adopted",
                "l1.qsa.tiers"
            ]
        );
        assert_eq!(parsed[0].answer, Some(Answer::DontKnow));
        assert_eq!(parsed[1].answer, Some(Answer::Level(3)));
        assert_eq!(parsed[1].note, "adopted in May");
        assert_eq!(
            parsed[1].evidence_links,
            ["https://a.example/1", "http://b.example/2"]
        );
        assert_eq!((parsed[2].answer, parsed[2].note.as_str()), (None, ""));
    }

    #[test]
    fn the_rating_form_refuses_bad_values_naming_the_indicator() {
        let rubric = Rubric::default_v1();
        let err = |pairs: &[(&str, &str)]| {
            parse_ratings(&rubric, &fields(pairs))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&[("answer.l1.qsa.tiers", "5")]),
            "indicator l1.qsa.tiers: answer \"5\" is not valid: expected a level from 1 to 4 or dont-know"
        );
        assert!(
            err(&[("links.l1.qsa.tiers", "javascript:alert(1)")]).starts_with(
                "indicator l1.qsa.tiers: evidence link 1 \"javascript:alert(1)\" is not valid"
            )
        );
        assert!(
            err(&[("links.l1.qsa.tiers", "https://ok.example\nftp://no.example")])
                .contains("evidence link 2")
        );
        let long = "x".repeat(4001);
        assert!(err(&[("note.l1.qsa.tiers", &long)]).contains("at most 4000 characters"));
        let many = (0..11)
            .map(|n| format!("https://e.example/{n}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(err(&[("links.l1.qsa.tiers", &many)]).contains("11 evidence links"));
    }

    #[test]
    fn heat_classes_span_any_scale() {
        assert_eq!(heat_class(1, 4), "heat heat-0");
        assert_eq!(heat_class(2, 4), "heat heat-1");
        assert_eq!(heat_class(3, 4), "heat heat-2");
        assert_eq!(heat_class(4, 4), "heat heat-3");
        assert_eq!(heat_class(1, 2), "heat heat-0");
        assert_eq!(heat_class(2, 2), "heat heat-3");
        assert_eq!(heat_class(5, 9), "heat heat-2"); // (5-1)*3/8 = 1.5 rounds to 2
    }

    #[test]
    fn dates_and_labels() {
        assert!(is_date("2024-02-29") && is_date("2025-12-31"));
        assert!(!is_date("2025-02-29") && !is_date("2025-13-01") && !is_date("25-01-01"));
        assert!(!is_date("2025-1-01") && !is_date("tomorrow"));
        assert_eq!(signed(Some(0.5)), "+0.5");
        assert_eq!(signed(Some(-1.0)), "−1.0");
        assert_eq!(signed(Some(0.001)), "0.0");
        assert_eq!(signed(None), "–");
        let scale = Scale::default();
        assert_eq!(mean_label(&scale, Some(2.5), Lang::En), "2.5 · Developing");
        assert_eq!(
            mean_label(&scale, Some(1.2), Lang::Es),
            "1.2 · Aún no iniciado"
        );
        assert_eq!(
            answer_label(&scale, Some(Answer::DontKnow), Lang::Es),
            "No sé"
        );
        assert_eq!(
            counts_text(&[1, 0, 2, 0], 1),
            "1: 1 · 2: 0 · 3: 2 · 4: 0 · ?: 1"
        );
        assert_eq!(
            short_lever_name("Lever 1: Analyze school performance"),
            "Analyze school performance"
        );
    }
}
