//! Lever 4 and improvement science on screen: the Office of Innovation's initiatives (with the
//! balance between exploring and improving, milestones, artifacts and a status that follows
//! from measures and milestones), universal goals broken down by group and place with their
//! barriers and targeted strategies, driver diagrams, PDSA ramps, and measures drawn as run
//! and XmR charts that name their own signals.
//!
//! Staff read every page; administrators and analysts change them. Every analysis comes from
//! `sgs_improve` (charts, signals, status) or `sgs_analysis` (the North Star breakdown).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use sgs_domain::{Role, SchoolYear, StudentGroup};
use sgs_improve::{
    analyze, initiative_status, Analysis, Better, Date, InitiativeStatus, MeasureInput,
    MeasureKind, Milestone, Options, Point,
};
use sgs_store::{
    DriverNode, Initiative, InitiativeEdit, Measure, NewInitiative, NewMeasure, NewStrategy,
    PdsaFields, StoredMilestone, UniversalGoal,
};

use crate::auth::Viewer;
use crate::charts::{format_number, process_chart, ProcessChart};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{csrf_field, format_time, page};
use crate::pages::{csv_response, district_ctx, group_label};
use crate::AppState;

type PageResult = Result<Response, AppError>;

const BASE: &str = "/d/{district}/innovation";

/// The routes of Lever 4, merged into the app's router.
pub fn routes() -> Router<AppState> {
    let at = |tail: &str| format!("{BASE}{tail}");
    Router::new()
        .route(BASE, get(overview))
        .route(&at("/initiatives"), post(create_initiative))
        .route(
            &at("/initiatives/{id}"),
            get(initiative_page).post(update_initiative),
        )
        .route(&at("/initiatives/{id}/milestones"), post(add_milestone))
        .route(&at("/initiatives/{id}/artifacts"), post(add_artifact))
        .route(&at("/milestones/{id}/done"), post(toggle_milestone))
        .route(&at("/goals"), get(goals_page).post(create_goal))
        .route(&at("/goals/{id}/barriers"), post(add_barrier))
        .route(&at("/goals/{id}/strategies"), post(add_strategy))
        .route(&at("/drivers"), post(create_aim))
        .route(&at("/drivers/{id}"), get(driver_page))
        .route(&at("/nodes/{id}/children"), post(add_child))
        .route(&at("/nodes/{id}/measures"), post(link_measure))
        .route(&at("/pdsa"), post(create_pdsa))
        .route(&at("/pdsa/{id}"), get(pdsa_page).post(update_pdsa))
        .route(&at("/measures"), post(create_measure))
        .route(&at("/measures/{id}"), get(measure_page))
        .route(&at("/measures/{id}/values"), post(add_value))
        .route(&at("/measures/{id}/import"), post(import_values))
        .route(&at("/measures/{id}/phases"), post(set_phases))
        .route(&at("/measures/{id}/values.csv"), get(values_csv))
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

fn base(district: &str) -> String {
    format!("/d/{district}/innovation")
}

fn text_of(text: &sgs_improve::Text, lang: Lang) -> &str {
    match lang {
        Lang::En => &text.en,
        Lang::Es => &text.es,
    }
}

/// Staff read; returns whether the viewer may also change things.
fn staff(viewer: &Viewer, district: &str) -> Result<bool, AppError> {
    viewer.require(district, Role::can_view_staff_pages)?;
    Ok(viewer.may(district, Role::can_edit_data))
}

fn editor<'a>(viewer: &'a Viewer, district: &str, csrf: Option<&str>) -> Result<&'a str, AppError> {
    let user = viewer.require(district, Role::can_edit_data)?;
    viewer.check_csrf(csrf)?;
    Ok(&user.email)
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// Trimmed text that must not be blank.
fn required<'a>(value: &'a str, field: &str) -> Result<&'a str, AppError> {
    let value = value.trim();
    if value.is_empty() {
        Err(bad(format!("{field} is blank: expected some text")))
    } else if value.chars().count() > 2000 {
        Err(bad(format!(
            "{field} is too long: expected at most 2000 characters"
        )))
    } else {
        Ok(value)
    }
}

/// Trimmed text, `None` when blank.
fn optional(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A date field, `None` when blank.
fn date_field(value: &Option<String>, field: &str) -> Result<Option<String>, AppError> {
    optional(value)
        .map(|v| {
            Date::parse(v)
                .map(|d| d.to_string())
                .map_err(|e| bad(format!("{field}: {e}")))
        })
        .transpose()
}

/// Today, from the server's clock.
fn today() -> Date {
    let now = format_time(sgs_store::now());
    Date::parse(&now[..10]).expect("format_time writes YYYY-MM-DD first")
}

fn id_field(value: &Option<String>, field: &str) -> Result<Option<i64>, AppError> {
    optional(value)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| bad(format!("{field} {v:?}: expected a record id")))
        })
        .transpose()
}

/// The levers an initiative can serve, from the district's rubric: id and name.
async fn levers(
    state: &AppState,
    district: &str,
    lang: Lang,
) -> Result<Vec<(String, String)>, AppError> {
    let rubric = state.store.current_rubric(district).await?;
    Ok(rubric
        .levers
        .iter()
        .map(|l| {
            let name = match lang {
                Lang::En => l.name.en.clone(),
                Lang::Es => l.name.es.clone(),
            };
            (l.id.clone(), name)
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Measures: their points, analyses and the status they give an initiative.

/// The points of a measure: its stored values, or for a measure read from SGS's own data, the
/// share of students in quality seats or the district's enrollment per school year.
async fn measure_points(
    state: &AppState,
    district: &str,
    measure: &Measure,
) -> Result<Vec<Point>, AppError> {
    match measure.source.as_str() {
        "north_star" | "enrollment" => {
            let data = crate::lever1::load(&state.store, district).await?;
            let years = sgs_analysis::north_star(
                &data.campuses,
                &data.years,
                &data.framework,
                data.goal.as_ref(),
            );
            Ok(years
                .iter()
                .map(|y| {
                    let value = if measure.source == "north_star" {
                        y.quality_percent
                    } else {
                        (y.students > 0).then_some(f64::from(y.students))
                    };
                    Point {
                        period: y.school_year.to_string(),
                        value,
                    }
                })
                .collect())
        }
        "match" => {
            // Each run of the school-choice match, oldest first: the share offered a first choice.
            let mut runs = state.store.match_runs(district).await?;
            runs.reverse();
            Ok(runs
                .iter()
                .map(|r| {
                    let overall = &r.summary["overall"];
                    let students = overall["students"].as_f64().unwrap_or(0.0);
                    Point {
                        period: format!("{} #{}", r.season, r.id),
                        value: (students > 0.0).then(|| {
                            100.0 * overall["first_choice"].as_f64().unwrap_or(0.0) / students
                        }),
                    }
                })
                .collect())
        }
        _ => Ok(state
            .store
            .measure_values(measure.id)
            .await?
            .into_iter()
            .map(|(period, value)| Point { period, value })
            .collect()),
    }
}

/// Phase starts as indices into the points; periods no longer in the series are ignored.
fn options_for(measure: &Measure, points: &[Point]) -> Options {
    let mut starts: Vec<usize> = measure
        .phase_starts
        .iter()
        .filter_map(|p| points.iter().position(|q| &q.period == p))
        .filter(|i| *i > 0)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    Options {
        phase_starts: starts,
        ..Options::default()
    }
}

/// A measure with its points and analysis.
struct Charted {
    measure: Measure,
    points: Vec<Point>,
    analysis: Analysis,
}

async fn charted(state: &AppState, district: &str, measure: Measure) -> Result<Charted, AppError> {
    let points = measure_points(state, district, &measure).await?;
    let options = options_for(&measure, &points);
    let analysis = analyze(&points, &options).map_err(|e| bad(e.to_string()))?;
    Ok(Charted {
        measure,
        points,
        analysis,
    })
}

fn kind_of(family: &str) -> MeasureKind {
    match family {
        "process" => MeasureKind::Process,
        "balancing" => MeasureKind::Balancing,
        _ => MeasureKind::Outcome,
    }
}

fn better_of(better: &str) -> Better {
    if better == "down" {
        Better::Down
    } else {
        Better::Up
    }
}

/// An initiative's status from its measures' signals and its milestones.
fn status_of(measures: &[&Charted], milestones: &[&StoredMilestone]) -> InitiativeStatus {
    let inputs: Vec<MeasureInput> = measures
        .iter()
        .map(|c| MeasureInput {
            name: &c.measure.name,
            kind: kind_of(&c.measure.family),
            better: better_of(&c.measure.better),
            analysis: &c.analysis,
        })
        .collect();
    let milestones: Vec<Milestone> = milestones
        .iter()
        .filter_map(|m| {
            Some(Milestone {
                name: m.title.clone(),
                due: Date::parse(&m.due_date).ok()?,
                done: m.done_on.is_some(),
            })
        })
        .collect();
    initiative_status(&inputs, &milestones, today())
}

fn status_badge(status: &InitiativeStatus, lang: Lang) -> Markup {
    let code = serde_json::to_value(status.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    html! { span class={ "status " (code) } { (text_of(&status.label, lang)) } }
}

/// The signals of a chart, in words, the reading first.
fn signal_list(
    chart: &sgs_improve::Reading,
    signals: &[sgs_improve::Signal],
    lang: Lang,
) -> Markup {
    html! {
        p { strong { (text_of(&chart.text, lang)) } }
        @if !signals.is_empty() {
            ul class="signals" { @for s in signals { li { (text_of(&s.text, lang)) } } }
        }
    }
}

/// `date` plus `months` (day clamped to 28 so every month has it).
fn add_months(date: Date, months: u32) -> String {
    let total = date.year() * 12 + i32::from(date.month()) - 1 + months as i32;
    format!(
        "{:04}-{:02}-{:02}",
        total / 12,
        total % 12 + 1,
        date.day().min(28)
    )
}

// ---------------------------------------------------------------------------------------------
// The Office of Innovation: initiatives and the balance between exploring and improving.

struct Board {
    initiatives: Vec<Initiative>,
    milestones: Vec<StoredMilestone>,
    measures: Vec<Charted>,
}

async fn board(state: &AppState, district: &str) -> Result<Board, AppError> {
    let initiatives = state.store.initiatives(district).await?;
    let milestones = state.store.milestones(district).await?;
    let mut measures = Vec::new();
    for m in state.store.measures(district).await? {
        measures.push(charted(state, district, m).await?);
    }
    Ok(Board {
        initiatives,
        milestones,
        measures,
    })
}

impl Board {
    fn status(&self, initiative: i64) -> InitiativeStatus {
        let measures: Vec<&Charted> = self
            .measures
            .iter()
            .filter(|c| c.measure.initiative_id == Some(initiative))
            .collect();
        let milestones: Vec<&StoredMilestone> = self
            .milestones
            .iter()
            .filter(|m| m.initiative_id == initiative)
            .collect();
        status_of(&measures, &milestones)
    }
}

/// `GET /d/{district}/innovation`.
pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let board = board(&state, &district).await?;
    let levers = levers(&state, &district, lang).await?;
    let lever_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| levers.iter().find(|(l, _)| l == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "–".into())
    };
    let active: Vec<&Initiative> = board
        .initiatives
        .iter()
        .filter(|i| i.status == "open")
        .collect();
    let count = |mode: Option<&str>| active.iter().filter(|i| i.mode.as_deref() == mode).count();
    let budget = |mode: Option<&str>| -> f64 {
        active
            .iter()
            .filter(|i| i.mode.as_deref() == mode)
            .filter_map(|i| i.budget)
            .sum()
    };
    let (explore, improve, untagged) =
        (count(Some("explore")), count(Some("improve")), count(None));
    let total = (explore + improve + untagged).max(1) as f64;
    let goals = state.store.universal_goals(&district).await?;
    let aims: Vec<DriverNode> = state
        .store
        .driver_nodes(&district)
        .await?
        .into_iter()
        .filter(|n| n.kind == "aim")
        .collect();
    let url = base(&district);

    let body = html! {
        p { (t("in.intro")) }
        p { a href={ (url) "/goals" } { (t("in.goals_title")) } " · " a href="#measures" { (t("in.measures")) } " · " a href="#drivers" { (t("in.drivers")) } }
        section aria-labelledby="balance" {
            h2 id="balance" { (t("in.balance")) }
            p { (t("in.balance_help")) }
            div class="balance" role="img" aria-label={ (t("in.explore")) " " (explore) ", " (t("in.improve")) " " (improve) ", " (t("in.untagged")) " " (untagged) } {
                @if explore > 0 { span class="explore" style={ "width:" (format!("{:.1}", 100.0 * explore as f64 / total)) "%" } { (t("in.explore")) " " (explore) } }
                @if improve > 0 { span class="improve" style={ "width:" (format!("{:.1}", 100.0 * improve as f64 / total)) "%" } { (t("in.improve")) " " (improve) } }
                @if untagged > 0 { span class="untagged" style={ "width:" (format!("{:.1}", 100.0 * untagged as f64 / total)) "%" } { (t("in.untagged")) " " (untagged) } }
            }
            table {
                thead { tr { th scope="col" { (t("in.mode")) } th scope="col" class="num" { (t("in.initiatives")) } th scope="col" class="num" { (t("in.budget")) } } }
                tbody {
                    tr { th scope="row" { (t("in.explore")) } td class="num" { (explore) } td class="num" { "$" (format_number(budget(Some("explore")).round())) } }
                    tr { th scope="row" { (t("in.improve")) } td class="num" { (improve) } td class="num" { "$" (format_number(budget(Some("improve")).round())) } }
                    tr { th scope="row" { (t("in.untagged")) } td class="num" { (untagged) } td class="num" { "$" (format_number(budget(None).round())) } }
                }
            }
        }
        section aria-labelledby="initiatives" {
            h2 id="initiatives" { (t("in.initiatives")) }
            @if board.initiatives.is_empty() { p { (t("in.none")) } } @else {
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (t("in.title")) } th scope="col" { (t("in.status")) } th scope="col" class="wide" { (t("in.lever")) }
                        th scope="col" class="wide" { (t("in.mode")) } th scope="col" class="wide" { (t("in.owner")) } th scope="col" class="wide" { (t("in.due")) }
                    } }
                    tbody { @for i in &board.initiatives { tr {
                        th scope="row" { a href={ (url) "/initiatives/" (i.id) } { (i.title) } @if i.status != "open" { " · " span class="muted" { (lang.t(&format!("in.lifecycle.{}", i.status))) } } }
                        td { (status_badge(&board.status(i.id), lang)) }
                        td class="wide" { (lever_name(&i.lever_id)) }
                        td class="wide" { @match i.mode.as_deref() { Some("explore") => (t("in.explore")), Some("improve") => (t("in.improve")), _ => "–" } }
                        td class="wide" { (i.owner) }
                        td class="wide" { (i.due_date.clone().unwrap_or_default()) }
                    } } }
                } }
            }
            @if edit {
                details {
                    summary { (t("in.new_initiative")) }
                    form method="post" action={ (url) "/initiatives" } {
                        (csrf_field(&viewer))
                        (initiative_fields(None, &levers, &goals, lang))
                        p { input type="checkbox" id="roadmap" name="roadmap" value="yes"; " " label for="roadmap" { (t("in.roadmap")) } }
                        p { button type="submit" { (t("in.create")) } }
                    }
                }
            }
        }
        section aria-labelledby="measures" {
            h2 id="measures" { (t("in.measures")) }
            @if board.measures.is_empty() { p { (t("in.no_measures")) } } @else {
                ul { @for c in &board.measures { li {
                    a href={ (url) "/measures/" (c.measure.id) } { (c.measure.name) } " · " (lang.t(&format!("in.family.{}", c.measure.family)))
                    " · " (text_of(&c.analysis.reading.text, lang))
                } } }
            }
            @if edit { (measure_form(&viewer, &district, None, lang)) }
        }
        section aria-labelledby="drivers" {
            h2 id="drivers" { (t("in.drivers")) }
            @if aims.is_empty() { p { (t("in.no_drivers")) } } @else {
                ul { @for aim in &aims { li { a href={ (url) "/drivers/" (aim.id) } { (aim.text) } } } }
            }
            @if edit { (aim_form(&viewer, &district, None, lang)) }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("lever4.title"), body).into_response())
}

/// The fields of an initiative's form, filled from `current` when editing.
fn initiative_fields(
    current: Option<&Initiative>,
    levers: &[(String, String)],
    goals: &[UniversalGoal],
    lang: Lang,
) -> Markup {
    let t = |k| lang.t(k);
    let v = |f: fn(&Initiative) -> Option<String>| current.and_then(f).unwrap_or_default();
    html! {
        div class="filters" {
            div { label for="title" { (t("in.title")) } input id="title" name="title" required value=(v(|i| Some(i.title.clone()))); }
            div { label for="owner" { (t("in.owner")) } input id="owner" name="owner" required value=(v(|i| Some(i.owner.clone()))); }
            div { label for="lever_id" { (t("in.lever")) } select id="lever_id" name="lever_id" {
                option value="" { "–" }
                @for (id, name) in levers { option value=(id) selected[current.and_then(|i| i.lever_id.as_deref()) == Some(id.as_str())] { (name) } }
            } }
            div { label for="mode" { (t("in.mode")) } select id="mode" name="mode" {
                option value="" { "–" }
                option value="explore" selected[current.and_then(|i| i.mode.as_deref()) == Some("explore")] { (t("in.explore")) }
                option value="improve" selected[current.and_then(|i| i.mode.as_deref()) == Some("improve")] { (t("in.improve")) }
            } }
            div { label for="start_date" { (t("in.start")) } input id="start_date" name="start_date" type="date" value=(v(|i| i.start_date.clone())); }
            div { label for="due_date" { (t("in.due")) } input id="due_date" name="due_date" type="date" value=(v(|i| i.due_date.clone())); }
            div { label for="budget" { (t("in.budget")) } input id="budget" name="budget" type="number" min="0" step="1" inputmode="numeric" value=(v(|i| i.budget.map(|b| format!("{b:.0}")))); }
            div { label for="goal_id" { (t("in.goal")) } select id="goal_id" name="goal_id" {
                option value="" { "–" }
                @for g in goals { option value=(g.id) selected[current.and_then(|i| i.goal_id) == Some(g.id)] { (g.title) } }
            } }
            @if let Some(i) = current {
                div { label for="status" { (t("in.lifecycle")) } select id="status" name="status" {
                    @for s in ["open", "done", "stopped"] { option value=(s) selected[i.status == s] { (lang.t(&format!("in.lifecycle.{s}"))) } }
                } }
            }
        }
        p { label for="description" { (t("in.description")) } textarea id="description" name="description" rows="3" { (v(|i| i.description.clone())) } }
    }
}

/// An initiative's form.
#[derive(Deserialize)]
pub struct InitiativeForm {
    csrf: Option<String>,
    title: String,
    owner: String,
    lever_id: Option<String>,
    mode: Option<String>,
    start_date: Option<String>,
    due_date: Option<String>,
    budget: Option<String>,
    goal_id: Option<String>,
    description: Option<String>,
    status: Option<String>,
    roadmap: Option<String>,
}

struct CheckedInitiative {
    start: Option<String>,
    due: Option<String>,
    budget: Option<f64>,
    goal: Option<i64>,
}

fn check_initiative(
    form: &InitiativeForm,
    levers: &[(String, String)],
) -> Result<CheckedInitiative, AppError> {
    required(&form.title, "title")?;
    required(&form.owner, "owner")?;
    if let Some(lever) = optional(&form.lever_id) {
        if !levers.iter().any(|(id, _)| id == lever) {
            return Err(bad(format!(
                "lever {lever:?}: expected one of the rubric's levers"
            )));
        }
    }
    if let Some(mode) = optional(&form.mode) {
        if !["explore", "improve"].contains(&mode) {
            return Err(bad(format!("mode {mode:?}: expected explore or improve")));
        }
    }
    let budget = optional(&form.budget)
        .map(|b| {
            b.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    bad(format!(
                        "budget {b:?}: expected an amount in dollars, 0 or more"
                    ))
                })
        })
        .transpose()?;
    Ok(CheckedInitiative {
        start: date_field(&form.start_date, "start date")?,
        due: date_field(&form.due_date, "due date")?,
        budget,
        goal: id_field(&form.goal_id, "goal")?,
    })
}

/// `POST /d/{district}/innovation/initiatives`: a new initiative, optionally with the year-one
/// roadmap as its milestones.
pub async fn create_initiative(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<InitiativeForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let levers = levers(&state, &district, viewer.lang).await?;
    let checked = check_initiative(&form, &levers)?;
    let new = NewInitiative {
        title: form.title.trim(),
        owner: form.owner.trim(),
        due_date: checked.due.as_deref(),
        lever_id: optional(&form.lever_id),
        source_indicator_id: None,
        source_assessment_id: None,
    };
    let id = state
        .store
        .create_initiative(&district, &new, actor)
        .await?;
    let edit = InitiativeEdit {
        title: form.title.trim(),
        owner: form.owner.trim(),
        description: optional(&form.description),
        lever_id: optional(&form.lever_id),
        mode: optional(&form.mode),
        start_date: checked.start.as_deref(),
        due_date: checked.due.as_deref(),
        budget: checked.budget,
        goal_id: checked.goal,
        status: "open",
    };
    state
        .store
        .update_initiative(&district, id, &edit, actor)
        .await?;
    if form.roadmap.as_deref() == Some("yes") {
        let start = checked
            .start
            .as_deref()
            .and_then(|s| Date::parse(s).ok())
            .unwrap_or_else(today);
        let lang = viewer.lang;
        let steps: Vec<(String, String, i64)> = sgs_improve::roadmap::YEAR_ONE
            .iter()
            .map(|step| {
                let title = if lang == Lang::Es { step.es } else { step.en };
                (title.to_string(), add_months(start, step.months), step.step)
            })
            .collect();
        let rows: Vec<(&str, &str, Option<i64>)> = steps
            .iter()
            .map(|(t, d, s)| (t.as_str(), d.as_str(), Some(*s)))
            .collect();
        state
            .store
            .add_milestones(&district, id, &rows, actor)
            .await?;
    }
    Ok(Redirect::to(&format!("{}/initiatives/{id}", base(&district))).into_response())
}

/// `POST /d/{district}/innovation/initiatives/{id}`: changes an initiative.
pub async fn update_initiative(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<InitiativeForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let levers = levers(&state, &district, viewer.lang).await?;
    let checked = check_initiative(&form, &levers)?;
    let edit = InitiativeEdit {
        title: form.title.trim(),
        owner: form.owner.trim(),
        description: optional(&form.description),
        lever_id: optional(&form.lever_id),
        mode: optional(&form.mode),
        start_date: checked.start.as_deref(),
        due_date: checked.due.as_deref(),
        budget: checked.budget,
        goal_id: checked.goal,
        status: optional(&form.status).unwrap_or("open"),
    };
    state
        .store
        .update_initiative(&district, id, &edit, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/initiatives/{id}", base(&district))).into_response())
}

/// `GET /d/{district}/innovation/initiatives/{id}`.
pub async fn initiative_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let initiative = state
        .store
        .initiative(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let board = board(&state, &district).await?;
    let status = board.status(id);
    let milestones: Vec<&StoredMilestone> = board
        .milestones
        .iter()
        .filter(|m| m.initiative_id == id)
        .collect();
    let measures: Vec<&Charted> = board
        .measures
        .iter()
        .filter(|c| c.measure.initiative_id == Some(id))
        .collect();
    let artifacts = state.store.artifacts(id).await?;
    let levers = levers(&state, &district, lang).await?;
    let goals = state.store.universal_goals(&district).await?;
    let aims: Vec<DriverNode> = state
        .store
        .driver_nodes(&district)
        .await?
        .into_iter()
        .filter(|n| n.kind == "aim" && n.initiative_id == Some(id))
        .collect();
    let url = base(&district);
    let today = today();

    let body = html! {
        p { a href=(url) { (t("lever4.title")) } }
        section aria-labelledby="status" {
            h2 id="status" { (t("in.status")) ": " (status_badge(&status, lang)) }
            p class="muted" { (t("in.status_help")) }
            ul { @for r in &status.reasons { li { @if r.decisive { strong { (text_of(&r.text, lang)) } } @else { (text_of(&r.text, lang)) } } } }
        }
        @if let Some(d) = &initiative.description { p { (d) } }
        dl class="facts" {
            dt { (t("in.owner")) } dd { (initiative.owner) }
            dt { (t("in.lever")) } dd { (initiative.lever_id.as_ref().and_then(|l| levers.iter().find(|(i, _)| i == l)).map(|(_, n)| n.as_str()).unwrap_or("–")) }
            dt { (t("in.mode")) } dd { @match initiative.mode.as_deref() { Some("explore") => (t("in.explore")), Some("improve") => (t("in.improve")), _ => "–" } }
            dt { (t("in.dates")) } dd { (initiative.start_date.clone().unwrap_or_else(|| "–".into())) " → " (initiative.due_date.clone().unwrap_or_else(|| "–".into())) }
            dt { (t("in.budget")) } dd { @match initiative.budget { Some(b) => { "$" (format_number(b.round())) }, None => "–" } }
            dt { (t("in.lifecycle")) } dd { (lang.t(&format!("in.lifecycle.{}", initiative.status))) }
            @if let Some(source) = &initiative.source_indicator_id { dt { (t("in.from_assessment")) } dd { code { (source) } } }
        }
        section aria-labelledby="milestones" {
            h2 id="milestones" { (t("in.milestones")) }
            @if milestones.is_empty() { p { (t("in.no_milestones")) } } @else {
                table {
                    thead { tr { th scope="col" { (t("in.milestone")) } th scope="col" { (t("in.due")) } th scope="col" { (t("in.done")) } } }
                    tbody { @for m in &milestones {
                        @let late = m.done_on.is_none() && Date::parse(&m.due_date).is_ok_and(|d| d < today);
                        tr {
                            th scope="row" { @if let Some(step) = m.roadmap_step { span class="muted" { (t("in.step")) " " (step) " · " } } (m.title) }
                            td { (m.due_date) @if late { " " strong class="error" { (t("in.late")) } } }
                            td {
                                @if let Some(done) = &m.done_on { (done) " " }
                                @if edit {
                                    form method="post" action={ (url) "/milestones/" (m.id) "/done" } class="inline" {
                                        (csrf_field(&viewer))
                                        button type="submit" { @if m.done_on.is_some() { (t("in.reopen")) } @else { (t("in.mark_done")) } }
                                    }
                                }
                            }
                        }
                    } }
                }
            }
            @if edit {
                form method="post" action={ (url) "/initiatives/" (id) "/milestones" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="milestone_title" { (t("in.milestone")) } input id="milestone_title" name="title" required; }
                    div { label for="milestone_due" { (t("in.due")) } input id="milestone_due" name="due_date" type="date" required; }
                    div { button type="submit" { (t("in.add_milestone")) } }
                }
            }
        }
        section aria-labelledby="artifacts" {
            h2 id="artifacts" { (t("in.artifacts")) }
            @if artifacts.is_empty() { p { (t("in.no_artifacts")) } } @else {
                ul { @for a in &artifacts { li { a href=(a.url) rel="noopener" { (a.title) } " · " span class="muted" { (format_time(a.added_at)) } } } }
            }
            @if edit {
                form method="post" action={ (url) "/initiatives/" (id) "/artifacts" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="artifact_title" { (t("in.title")) } input id="artifact_title" name="title" required; }
                    div { label for="artifact_url" { (t("in.link")) } input id="artifact_url" name="url" type="url" required placeholder="https://"; }
                    div { button type="submit" { (t("in.add_artifact")) } }
                }
            }
        }
        section aria-labelledby="measures" {
            h2 id="measures" { (t("in.measures")) }
            @if measures.is_empty() { p { (t("in.no_measures")) } }
            @for c in &measures {
                h3 { a href={ (url) "/measures/" (c.measure.id) } { (c.measure.name) } " · " span class="muted" { (lang.t(&format!("in.family.{}", c.measure.family))) } }
                (process_chart(&c.measure.name, &c.points, &c.analysis, ProcessChart::Run))
                (signal_list(&c.analysis.run_chart.reading, &c.analysis.run_chart.signals, lang))
            }
            @if edit { (measure_form(&viewer, &district, Some(id), lang)) }
        }
        section aria-labelledby="drivers" {
            h2 id="drivers" { (t("in.drivers")) }
            ul { @for aim in &aims { li { a href={ (url) "/drivers/" (aim.id) } { (aim.text) } } } }
            @if edit { (aim_form(&viewer, &district, Some(id), lang)) }
        }
        @if edit {
            section aria-labelledby="edit" {
                h2 id="edit" { (t("in.edit")) }
                form method="post" action={ (url) "/initiatives/" (id) } {
                    (csrf_field(&viewer))
                    (initiative_fields(Some(&initiative), &levers, &goals, lang))
                    p { button type="submit" { (t("campus.save")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), &initiative.title, body).into_response())
}

/// A milestone's form.
#[derive(Deserialize)]
pub struct MilestoneForm {
    csrf: Option<String>,
    title: String,
    due_date: Option<String>,
}

/// `POST /d/{district}/innovation/initiatives/{id}/milestones`.
pub async fn add_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<MilestoneForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let title = required(&form.title, "milestone")?;
    let due = date_field(&form.due_date, "due date")?
        .ok_or_else(|| bad("due date is blank: expected YYYY-MM-DD"))?;
    state
        .store
        .add_milestones(&district, id, &[(title, &due, None)], actor)
        .await?;
    Ok(Redirect::to(&format!("{}/initiatives/{id}#milestones", base(&district))).into_response())
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
}

/// `POST /d/{district}/innovation/milestones/{id}/done`: marks a milestone done today, or
/// reopens it.
pub async fn toggle_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<TokenForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let milestone = state
        .store
        .milestones(&district)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    let done = milestone.done_on.is_none().then(|| today().to_string());
    state
        .store
        .set_milestone_done(&district, id, done.as_deref(), actor)
        .await?;
    Ok(Redirect::to(&format!(
        "{}/initiatives/{}#milestones",
        base(&district),
        milestone.initiative_id
    ))
    .into_response())
}

/// An artifact's form.
#[derive(Deserialize)]
pub struct ArtifactForm {
    csrf: Option<String>,
    title: String,
    url: String,
}

/// `POST /d/{district}/innovation/initiatives/{id}/artifacts`.
pub async fn add_artifact(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<ArtifactForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let title = required(&form.title, "title")?;
    let url = form.url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
        return Err(bad(format!(
            "link {url:?}: expected an address starting with https://"
        )));
    }
    state
        .store
        .add_artifact(&district, id, title, url, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/initiatives/{id}#artifacts", base(&district))).into_response())
}

// ---------------------------------------------------------------------------------------------
// Universal goals, the targeted-universalism way.

/// The baseline (first measured year and share), the latest, and the groups and places.
type Breakdown = (
    Option<(SchoolYear, f64)>,
    Option<(SchoolYear, f64)>,
    Vec<Population>,
);

/// A group or place a goal is broken down by: its population code, its label and its share of
/// students in quality seats in the latest measured year.
struct Population {
    code: String,
    label: String,
    share: Option<f64>,
}

fn populations(data: &crate::lever1::DistrictData, lang: Lang) -> Breakdown {
    let years = sgs_analysis::north_star(
        &data.campuses,
        &data.years,
        &data.framework,
        data.goal.as_ref(),
    );
    let measured: Vec<&sgs_analysis::NorthStarYear> = years
        .iter()
        .filter(|y| y.quality_percent.is_some())
        .collect();
    let baseline = measured
        .first()
        .map(|y| (y.school_year, y.quality_percent.unwrap_or(0.0)));
    let latest = measured.last().copied();
    let mut out = Vec::new();
    if let Some(y) = latest {
        for group in StudentGroup::all() {
            if let Some(share) = y.by_group.get(&group) {
                out.push(Population {
                    code: format!("group:{}", group.code()),
                    label: group_label(group, lang).to_string(),
                    share: share.percent(),
                });
            }
        }
        for area in &data.areas {
            out.push(Population {
                code: format!("area:{}", area.id),
                label: area.name.clone(),
                share: y.by_area.get(&area.id).and_then(|s| s.percent()),
            });
        }
    }
    (
        baseline,
        latest.map(|y| (y.school_year, y.quality_percent.unwrap_or(0.0))),
        out,
    )
}

/// `GET /d/{district}/innovation/goals`: each universal goal with its baseline, its breakdown
/// by group and place with the distance to the goal, the barriers and the targeted strategies.
pub async fn goals_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let goals = state.store.universal_goals(&district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    let (baseline, latest, pops) = populations(&data, lang);
    let initiatives = state.store.initiatives(&district).await?;
    let measures = state.store.measures(&district).await?;
    let url = base(&district);
    let label_of = |code: &str| -> String {
        if code == "all" {
            return t("in.all_students").to_string();
        }
        pops.iter()
            .find(|p| p.code == code)
            .map(|p| p.label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut sections = Vec::new();
    for goal in &goals {
        let barriers = state.store.barriers(goal.id).await?;
        let strategies = state.store.strategies(goal.id).await?;
        sections.push((goal, barriers, strategies));
    }

    let body = html! {
        p { (t("in.tu_intro")) }
        p { a href=(url) { (t("lever4.title")) } }
        @if goals.is_empty() { p { (t("in.no_goals")) } }
        @for (goal, barriers, strategies) in &sections {
            section aria-labelledby={ "goal-" (goal.id) } class="goal" {
                h2 id={ "goal-" (goal.id) } { (goal.title) }
                p { strong { (t("in.universal_goal")) ": " } (format_number(goal.target)) "% · " (goal.deadline) }
                @if goal.measure == "quality_seats" {
                    @if let (Some((by, b)), Some((ly, l))) = (baseline, latest) {
                        p { (t("in.baseline")) " " (by) ": " (format!("{b:.1}%")) " · " (t("in.latest")) " " (ly) ": " (format!("{l:.1}%")) " · " (t("in.distance")) ": " (format!("{:.1}", goal.target - l)) }
                    }
                    h3 { (t("in.breakdown")) }
                    p class="muted" { (t("in.breakdown_help")) }
                    @let mut rows: Vec<&Population> = pops.iter().collect();
                    ({ rows.sort_by(|a, b| (goal.target - b.share.unwrap_or(0.0)).total_cmp(&(goal.target - a.share.unwrap_or(0.0)))); "" })
                    div class="table-wrap" { table {
                        thead { tr { th scope="col" { (t("in.population")) } th scope="col" class="num" { (t("in.share")) } th scope="col" class="num" { (t("in.distance")) } th scope="col" class="num" { (t("in.barriers")) } th scope="col" class="num" { (t("in.strategies")) } } }
                        tbody { @for p in &rows { tr {
                            th scope="row" { (p.label) }
                            td class="num" { @match p.share { Some(s) => (format!("{s:.1}%")), None => "–" } }
                            td class="num" { @match p.share { Some(s) if s < goal.target => strong { (format!("{:.1}", goal.target - s)) }, Some(_) => (t("in.reached")), None => "–" } }
                            td class="num" { (barriers.iter().filter(|b| b.population == p.code).count()) }
                            td class="num" { (strategies.iter().filter(|s| s.population == p.code).count()) }
                        } } }
                    } }
                } @else {
                    p { (t("in.measure_goal")) " " @if let Some(m) = goal.measure.strip_prefix("measure:").and_then(|m| measures.iter().find(|x| x.id.to_string() == m)) { a href={ (url) "/measures/" (m.id) } { (m.name) } } }
                }
                h3 { (t("in.barriers")) }
                @if barriers.is_empty() { p { (t("in.no_barriers")) } } @else {
                    ul { @for b in barriers { li { strong { (label_of(&b.population)) } ": " (b.description) " · " span class="muted" { (t("in.evidence")) ": " (b.evidence) } } } }
                }
                h3 { (t("in.strategies")) }
                @if strategies.is_empty() { p { (t("in.no_strategies")) } } @else {
                    ul { @for s in strategies { li {
                        strong { (label_of(&s.population)) } ": " (s.action) " · " (s.owner)
                        @if let Some(b) = s.barrier_id.and_then(|b| barriers.iter().find(|x| x.id == b)) { " · " span class="muted" { (t("in.against")) " " (b.description) } }
                        @if let Some(i) = s.initiative_id.and_then(|i| initiatives.iter().find(|x| x.id == i)) { " · " a href={ (url) "/initiatives/" (i.id) } { (i.title) } }
                    } } }
                }
                @if edit {
                    details {
                        summary { (t("in.add_barrier")) }
                        form method="post" action={ (url) "/goals/" (goal.id) "/barriers" } {
                            (csrf_field(&viewer))
                            div class="filters" {
                                div { label for={ "bp-" (goal.id) } { (t("in.population")) } (population_select(&format!("bp-{}", goal.id), &pops, lang)) }
                                div { label for={ "bd-" (goal.id) } { (t("in.barrier")) } input id={ "bd-" (goal.id) } name="description" required; }
                                div { label for={ "be-" (goal.id) } { (t("in.evidence")) } input id={ "be-" (goal.id) } name="evidence" required; }
                            }
                            p { button type="submit" { (t("in.add_barrier")) } }
                        }
                    }
                    details {
                        summary { (t("in.add_strategy")) }
                        form method="post" action={ (url) "/goals/" (goal.id) "/strategies" } {
                            (csrf_field(&viewer))
                            div class="filters" {
                                div { label for={ "sp-" (goal.id) } { (t("in.population")) } (population_select(&format!("sp-{}", goal.id), &pops, lang)) }
                                div { label for={ "sb-" (goal.id) } { (t("in.barrier")) } select id={ "sb-" (goal.id) } name="barrier_id" { option value="" { "–" } @for b in barriers { option value=(b.id) { (label_of(&b.population)) ": " (b.description) } } } }
                                div { label for={ "sa-" (goal.id) } { (t("in.action")) } input id={ "sa-" (goal.id) } name="action" required; }
                                div { label for={ "so-" (goal.id) } { (t("in.owner")) } input id={ "so-" (goal.id) } name="owner" required; }
                                div { label for={ "si-" (goal.id) } { (t("in.initiative")) } select id={ "si-" (goal.id) } name="initiative_id" { option value="" { "–" } @for i in &initiatives { option value=(i.id) { (i.title) } } } }
                            }
                            p { button type="submit" { (t("in.add_strategy")) } }
                        }
                    }
                }
            }
        }
        @if edit {
            section aria-labelledby="new-goal" {
                h2 id="new-goal" { (t("in.new_goal")) }
                form method="post" action={ (url) "/goals" } {
                    (csrf_field(&viewer))
                    div class="filters" {
                        div { label for="goal_title" { (t("in.title")) } input id="goal_title" name="title" required placeholder=(t("in.goal_example")); }
                        div { label for="goal_measure" { (t("in.measure")) } select id="goal_measure" name="measure" {
                            option value="quality_seats" { (t("in.quality_seats")) }
                            @for m in &measures { option value={ "measure:" (m.id) } { (m.name) } }
                        } }
                        div { label for="goal_target" { (t("in.target")) } input id="goal_target" name="target" type="number" min="0" step="any" required value=(data.goal.as_ref().map(|g| g.target_percent.to_string()).unwrap_or_else(|| "80".into())); }
                        div { label for="goal_deadline" { (t("in.deadline")) } input id="goal_deadline" name="deadline" required placeholder="2027-2028" value=(data.goal.as_ref().map(|g| g.target_year.to_string()).unwrap_or_default()); }
                    }
                    p { button type="submit" { (t("in.create")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("in.goals_title"), body).into_response())
}

fn population_select(id: &str, pops: &[Population], lang: Lang) -> Markup {
    html! {
        select id=(id) name="population" {
            option value="all" { (lang.t("in.all_students")) }
            @for p in pops { option value=(p.code) { (p.label) } }
        }
    }
}

/// A universal goal's form.
#[derive(Deserialize)]
pub struct GoalForm {
    csrf: Option<String>,
    title: String,
    measure: String,
    target: String,
    deadline: String,
}

/// `POST /d/{district}/innovation/goals`.
pub async fn create_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<GoalForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let title = required(&form.title, "title")?;
    let target: f64 = form
        .target
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| bad(format!("target {:?}: expected a number", form.target)))?;
    if form.measure == "quality_seats" && !(1.0..=100.0).contains(&target) {
        return Err(bad(format!(
            "target {target}: expected a percent from 1 to 100"
        )));
    }
    let deadline = SchoolYear::parse(form.deadline.trim()).map_err(|e| bad(e.to_string()))?;
    state
        .store
        .create_universal_goal(
            &district,
            title,
            form.measure.trim(),
            target,
            &deadline.to_string(),
            actor,
        )
        .await?;
    Ok(Redirect::to(&format!("{}/goals", base(&district))).into_response())
}

/// Who a barrier or strategy is about: `all`, `group:<code>` or `area:<id>` of the district.
async fn checked_population(
    state: &AppState,
    district: &str,
    population: &str,
) -> Result<String, AppError> {
    let population = population.trim();
    let known = if population == "all" {
        true
    } else if let Some(code) = population.strip_prefix("group:") {
        StudentGroup::parse(code).is_some()
    } else if let Some(area) = population.strip_prefix("area:") {
        state
            .store
            .planning_areas(district)
            .await?
            .iter()
            .any(|a| a.id == area)
    } else {
        false
    };
    if known {
        Ok(population.to_string())
    } else {
        Err(bad(format!("population {population:?}: expected all, a student group or a planning area of the district")))
    }
}

/// A barrier's form.
#[derive(Deserialize)]
pub struct BarrierForm {
    csrf: Option<String>,
    population: String,
    description: String,
    evidence: String,
}

/// `POST /d/{district}/innovation/goals/{id}/barriers`.
pub async fn add_barrier(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<BarrierForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let population = checked_population(&state, &district, &form.population).await?;
    let description = required(&form.description, "barrier")?;
    let evidence = required(&form.evidence, "evidence")?;
    state
        .store
        .add_barrier(&district, id, &population, description, evidence, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/goals#goal-{id}", base(&district))).into_response())
}

/// A strategy's form.
#[derive(Deserialize)]
pub struct StrategyForm {
    csrf: Option<String>,
    population: String,
    barrier_id: Option<String>,
    action: String,
    owner: String,
    initiative_id: Option<String>,
}

/// `POST /d/{district}/innovation/goals/{id}/strategies`.
pub async fn add_strategy(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<StrategyForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let population = checked_population(&state, &district, &form.population).await?;
    let new = NewStrategy {
        population: &population,
        barrier_id: id_field(&form.barrier_id, "barrier")?,
        action: required(&form.action, "action")?,
        owner: required(&form.owner, "owner")?,
        initiative_id: id_field(&form.initiative_id, "initiative")?,
    };
    state.store.add_strategy(&district, id, &new, actor).await?;
    Ok(Redirect::to(&format!("{}/goals#goal-{id}", base(&district))).into_response())
}

// ---------------------------------------------------------------------------------------------
// Driver diagrams and PDSA cycles.

fn aim_form(viewer: &Viewer, district: &str, initiative: Option<i64>, lang: Lang) -> Markup {
    let t = |k| lang.t(k);
    html! {
        details {
            summary { (t("in.new_diagram")) }
            form method="post" action={ (base(district)) "/drivers" } class="filters" {
                (csrf_field(viewer))
                @if let Some(i) = initiative { input type="hidden" name="initiative_id" value=(i); }
                div { label for="aim_text" { (t("in.aim")) } input id="aim_text" name="text" required placeholder=(t("in.aim_example")); }
                div { button type="submit" { (t("in.create")) } }
            }
        }
    }
}

/// A node's form: its text (and for an aim, its initiative).
#[derive(Deserialize)]
pub struct NodeForm {
    csrf: Option<String>,
    text: String,
    initiative_id: Option<String>,
}

/// `POST /d/{district}/innovation/drivers`: a new driver diagram, from its aim.
pub async fn create_aim(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<NodeForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let text = required(&form.text, "aim")?;
    let id = state
        .store
        .add_driver_node(
            &district,
            id_field(&form.initiative_id, "initiative")?,
            None,
            "aim",
            text,
            actor,
        )
        .await?;
    Ok(Redirect::to(&format!("{}/drivers/{id}", base(&district))).into_response())
}

/// `POST /d/{district}/innovation/nodes/{id}/children`: the next level under a node (a primary
/// driver under an aim, and so on).
pub async fn add_child(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<NodeForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let text = required(&form.text, "text")?;
    let nodes = state.store.driver_nodes(&district).await?;
    let parent = nodes
        .iter()
        .find(|n| n.id == id)
        .ok_or(AppError::NotFound)?;
    let level = sgs_store::NODE_KINDS
        .iter()
        .position(|k| *k == parent.kind)
        .unwrap_or(0);
    let kind = sgs_store::NODE_KINDS
        .get(level + 1)
        .ok_or_else(|| bad("a change idea has nothing under it: test it with a PDSA cycle"))?;
    state
        .store
        .add_driver_node(&district, None, Some(id), kind, text, actor)
        .await?;
    let aim = root_of(&nodes, id);
    Ok(Redirect::to(&format!("{}/drivers/{aim}#node-{id}", base(&district))).into_response())
}

/// The aim a node belongs to.
fn root_of(nodes: &[DriverNode], id: i64) -> i64 {
    let mut current = id;
    while let Some(parent) = nodes
        .iter()
        .find(|n| n.id == current)
        .and_then(|n| n.parent_id)
    {
        current = parent;
    }
    current
}

/// A measure-link form.
#[derive(Deserialize)]
pub struct LinkForm {
    csrf: Option<String>,
    measure_id: String,
}

/// `POST /d/{district}/innovation/nodes/{id}/measures`.
pub async fn link_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<LinkForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let measure = id_field(&Some(form.measure_id.clone()), "measure")?
        .ok_or_else(|| bad("measure is blank: expected one of the district's measures"))?;
    state
        .store
        .link_node_measure(&district, id, measure, actor)
        .await?;
    let nodes = state.store.driver_nodes(&district).await?;
    Ok(Redirect::to(&format!(
        "{}/drivers/{}#node-{id}",
        base(&district),
        root_of(&nodes, id)
    ))
    .into_response())
}

/// The driver diagram drawn as columns (aim, primary, secondary, change ideas) of boxes joined
/// to their parents. Leaves take one row each; a parent sits level with its first child.
fn driver_svg(nodes: &[&DriverNode], aim: &DriverNode, lang: Lang) -> Markup {
    const COL_W: f64 = 170.0;
    const BOX_W: f64 = 150.0;
    const ROW_H: f64 = 46.0;
    const BOX_H: f64 = 38.0;
    let children = |id: i64| -> Vec<&DriverNode> {
        let mut c: Vec<&DriverNode> = nodes
            .iter()
            .copied()
            .filter(|n| n.parent_id == Some(id))
            .collect();
        c.sort_by_key(|n| (n.position, n.id));
        c
    };
    // Place nodes depth first.
    let mut placed: Vec<(&DriverNode, usize, f64)> = Vec::new();
    fn place<'a>(
        node: &'a DriverNode,
        depth: usize,
        next_row: &mut f64,
        children: &dyn Fn(i64) -> Vec<&'a DriverNode>,
        placed: &mut Vec<(&'a DriverNode, usize, f64)>,
    ) -> f64 {
        let kids = children(node.id);
        let row = if kids.is_empty() {
            let r = *next_row;
            *next_row += 1.0;
            r
        } else {
            let rows: Vec<f64> = kids
                .iter()
                .map(|k| place(k, depth + 1, next_row, children, placed))
                .collect();
            (rows[0] + rows[rows.len() - 1]) / 2.0
        };
        placed.push((node, depth, row));
        row
    }
    let mut next_row = 0.0;
    place(aim, 0, &mut next_row, &children, &mut placed);
    let rows = next_row.max(1.0);
    let width = COL_W * 4.0;
    let height = rows * ROW_H + 10.0;
    let pos = |depth: usize, row: f64| (5.0 + depth as f64 * COL_W, 5.0 + row * ROW_H);
    let lines = |text: &str| -> Vec<String> {
        // Two lines of about 24 characters, the second cut short with an ellipsis.
        let mut out = vec![String::new()];
        for word in text.split_whitespace() {
            let last = out.last_mut().expect("one line");
            if last.chars().count() + word.chars().count() + 1 > 24 && !last.is_empty() {
                if out.len() == 2 {
                    out[1].push('…');
                    return out;
                }
                out.push(word.to_string());
            } else {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(word);
            }
        }
        out
    };
    let label = format!("{}: {}", lang.t("in.drivers"), aim.text);
    html! {
        figure class="chart" {
            svg viewBox={ "0 0 " (width) " " (format!("{height:.0}")) } role="img" aria-label=(label) xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for (node, depth, row) in &placed {
                    @if let Some(parent) = node.parent_id.and_then(|p| placed.iter().find(|(n, _, _)| n.id == p)) {
                        @let (px, py) = pos(parent.1, parent.2);
                        @let (x, y) = pos(*depth, *row);
                        path d=(format!("M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", px + BOX_W, py + BOX_H / 2.0, px + BOX_W + 10.0, py + BOX_H / 2.0, x - 10.0, y + BOX_H / 2.0, x, y + BOX_H / 2.0)) class="edge" {}
                    }
                }
                @for (node, depth, row) in &placed {
                    @let (x, y) = pos(*depth, *row);
                    g {
                        title { (lang.t(&format!("in.kind.{}", node.kind))) ": " (node.text) }
                        rect x=(x) y=(y) width=(BOX_W) height=(BOX_H) rx="5" class={ "node-box " (node.kind) } {}
                        @for (i, line) in lines(&node.text).iter().enumerate() {
                            text x=(x + 6.0) y=(y + 15.0 + 13.0 * i as f64) class="node-text" { (line) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /d/{district}/innovation/drivers/{id}`: one driver diagram, drawn and as an editable
/// tree, with each node's measures and each change idea's PDSA cycles.
pub async fn driver_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let all = state.store.driver_nodes(&district).await?;
    let aim = all
        .iter()
        .find(|n| n.id == id && n.kind == "aim")
        .ok_or(AppError::NotFound)?;
    let nodes: Vec<&DriverNode> = all.iter().filter(|n| root_of(&all, n.id) == id).collect();
    let links = state.store.node_measures(&district).await?;
    let measures = state.store.measures(&district).await?;
    let cycles = state.store.pdsa_cycles(&district).await?;
    let url = base(&district);

    fn branch(node: &DriverNode, nodes: &[&DriverNode], ctx: &TreeCtx) -> Markup {
        let lang = ctx.lang;
        let t = |k| lang.t(k);
        let mut kids: Vec<&&DriverNode> = nodes
            .iter()
            .filter(|n| n.parent_id == Some(node.id))
            .collect();
        kids.sort_by_key(|n| (n.position, n.id));
        let linked: Vec<&Measure> = ctx
            .links
            .iter()
            .filter(|(n, _)| *n == node.id)
            .filter_map(|(_, m)| ctx.measures.iter().find(|x| x.id == *m))
            .collect();
        let cycles: Vec<&sgs_store::Pdsa> = ctx
            .cycles
            .iter()
            .filter(|c| c.change_idea_id == node.id)
            .collect();
        let next_kind = sgs_store::NODE_KINDS
            .iter()
            .position(|k| *k == node.kind)
            .and_then(|i| sgs_store::NODE_KINDS.get(i + 1));
        html! {
            li id={ "node-" (node.id) } {
                span class="node-kind" { (lang.t(&format!("in.kind.{}", node.kind))) } (node.text)
                @if !linked.is_empty() {
                    " · " span class="muted" { (t("in.measures")) ": " }
                    @for (i, m) in linked.iter().enumerate() { @if i > 0 { ", " } a href={ (ctx.url) "/measures/" (m.id) } { (m.name) } }
                }
                @if node.kind == "change" {
                    div {
                        strong { (t("in.pdsa_cycles")) ": " }
                        @if cycles.is_empty() { span class="muted" { (t("in.no_cycles")) } }
                        ol { @for c in &cycles { li {
                            a href={ (ctx.url) "/pdsa/" (c.id) } { (c.fields.title) }
                            @if let Some(act) = &c.fields.act { " · " strong { (lang.t(&format!("in.act.{act}"))) } }
                        } } }
                        @if ctx.edit {
                            details {
                                summary { (t("in.new_cycle")) }
                                form method="post" action={ (ctx.url) "/pdsa" } class="filters" {
                                    input type="hidden" name="csrf" value=(ctx.csrf);
                                    input type="hidden" name="change_idea_id" value=(node.id);
                                    @if let Some(last) = cycles.last() { input type="hidden" name="previous_id" value=(last.id); }
                                    div { label for={ "cycle-" (node.id) } { (t("in.cycle_title")) } input id={ "cycle-" (node.id) } name="title" required value={ (t("in.cycle")) " " (cycles.len() + 1) }; }
                                    div { button type="submit" { (t("in.create")) } }
                                }
                            }
                        }
                    }
                }
                @if ctx.edit {
                    details {
                        summary { (t("in.node_actions")) }
                        @if let Some(kind) = next_kind {
                            form method="post" action={ (ctx.url) "/nodes/" (node.id) "/children" } class="filters" {
                                input type="hidden" name="csrf" value=(ctx.csrf);
                                div { label for={ "child-" (node.id) } { (t("in.add")) " " (lang.t(&format!("in.kind.{kind}"))) } input id={ "child-" (node.id) } name="text" required; }
                                div { button type="submit" { (t("in.add")) } }
                            }
                        }
                        @if !ctx.measures.is_empty() {
                            form method="post" action={ (ctx.url) "/nodes/" (node.id) "/measures" } class="filters" {
                                input type="hidden" name="csrf" value=(ctx.csrf);
                                div { label for={ "link-" (node.id) } { (t("in.link_measure")) } select id={ "link-" (node.id) } name="measure_id" { @for m in ctx.measures { option value=(m.id) { (m.name) } } } }
                                div { button type="submit" { (t("in.link")) } }
                            }
                        }
                    }
                }
                @if !kids.is_empty() {
                    ul { @for k in kids { (branch(k, nodes, ctx)) } }
                }
            }
        }
    }
    struct TreeCtx<'a> {
        lang: Lang,
        url: &'a str,
        edit: bool,
        csrf: String,
        links: &'a [(i64, i64)],
        measures: &'a [Measure],
        cycles: &'a [sgs_store::Pdsa],
    }
    let tree_ctx = TreeCtx {
        lang,
        url: &url,
        edit,
        csrf: viewer.csrf().to_string(),
        links: &links,
        measures: &measures,
        cycles: &cycles,
    };
    let body = html! {
        p { a href=(url) { (t("lever4.title")) } }
        p { (t("in.driver_help")) }
        div class="table-wrap" { (driver_svg(&nodes, aim, lang)) }
        ul class="tree" { (branch(aim, &nodes, &tree_ctx)) }
    };
    Ok(page(
        &viewer,
        Some(&ctx),
        &format!("{}: {}", t("in.drivers"), aim.text),
        body,
    )
    .into_response())
}

/// A PDSA cycle's form.
#[derive(Deserialize, Default)]
pub struct PdsaForm {
    csrf: Option<String>,
    change_idea_id: Option<String>,
    previous_id: Option<String>,
    title: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    change_tested: String,
    #[serde(default)]
    prediction: String,
    #[serde(default)]
    measures_plan: String,
    #[serde(default)]
    who_what_when: String,
    start_date: Option<String>,
    end_date: Option<String>,
    #[serde(default)]
    do_notes: String,
    #[serde(default)]
    study_notes: String,
    act: Option<String>,
    #[serde(default)]
    next_steps: String,
}

fn pdsa_fields(form: &PdsaForm) -> Result<PdsaFields, AppError> {
    let long = |v: &str, field: &str| -> Result<String, AppError> {
        if v.chars().count() > 5000 {
            Err(bad(format!(
                "{field} is too long: expected at most 5000 characters"
            )))
        } else {
            Ok(v.trim().to_string())
        }
    };
    let act = optional(&form.act).map(str::to_string);
    if let Some(a) = &act {
        if !sgs_store::PDSA_ACTS.contains(&a.as_str()) {
            return Err(bad(format!("act {a:?}: expected adopt, adapt or abandon")));
        }
    }
    Ok(PdsaFields {
        title: required(&form.title, "title")?.to_string(),
        question: long(&form.question, "question")?,
        change_tested: long(&form.change_tested, "change")?,
        prediction: long(&form.prediction, "prediction")?,
        measures_plan: long(&form.measures_plan, "measures")?,
        who_what_when: long(&form.who_what_when, "who, what, when")?,
        start_date: date_field(&form.start_date, "start date")?,
        end_date: date_field(&form.end_date, "end date")?,
        do_notes: long(&form.do_notes, "what happened")?,
        study_notes: long(&form.study_notes, "study")?,
        act,
        next_steps: long(&form.next_steps, "next steps")?,
    })
}

/// `POST /d/{district}/innovation/pdsa`: opens a cycle on a change idea.
pub async fn create_pdsa(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<PdsaForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let idea = id_field(&form.change_idea_id, "change idea")?
        .ok_or_else(|| bad("change idea is blank: a cycle tests a change idea"))?;
    let fields = pdsa_fields(&form)?;
    let id = state
        .store
        .create_pdsa(
            &district,
            idea,
            id_field(&form.previous_id, "previous cycle")?,
            &fields,
            actor,
        )
        .await?;
    Ok(Redirect::to(&format!("{}/pdsa/{id}", base(&district))).into_response())
}

/// `POST /d/{district}/innovation/pdsa/{id}`: the cycle's Plan, Do, Study and Act.
pub async fn update_pdsa(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<PdsaForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let fields = pdsa_fields(&form)?;
    state
        .store
        .update_pdsa(&district, id, &fields, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/pdsa/{id}", base(&district))).into_response())
}

/// `GET /d/{district}/innovation/pdsa/{id}`.
pub async fn pdsa_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let cycles = state.store.pdsa_cycles(&district).await?;
    let cycle = cycles
        .iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    let nodes = state.store.driver_nodes(&district).await?;
    let idea = nodes.iter().find(|n| n.id == cycle.change_idea_id);
    let ramp: Vec<&sgs_store::Pdsa> = cycles
        .iter()
        .filter(|c| c.change_idea_id == cycle.change_idea_id)
        .collect();
    let url = base(&district);
    let f = &cycle.fields;
    let area = |name: &str, label: &str, value: &str| -> Markup {
        html! {
            p { label for=(name) { (label) } textarea id=(name) name=(name) rows="3" readonly[!edit] { (value) } }
        }
    };
    let body = html! {
        p {
            a href=(url) { (t("lever4.title")) }
            @if let Some(idea) = idea { " · " a href={ (url) "/drivers/" (root_of(&nodes, idea.id)) "#node-" (idea.id) } { (t("in.kind.change")) ": " (idea.text) } }
        }
        section aria-labelledby="ramp" {
            h2 id="ramp" { (t("in.ramp")) }
            ol { @for c in &ramp { li {
                @if c.id == id { strong { (c.fields.title) } } @else { a href={ (url) "/pdsa/" (c.id) } { (c.fields.title) } }
                @if let Some(act) = &c.fields.act { " · " (lang.t(&format!("in.act.{act}"))) }
            } } }
        }
        form method="post" action={ (url) "/pdsa/" (id) } {
            (csrf_field(&viewer))
            fieldset {
                legend { (t("in.plan")) }
                p { label for="title" { (t("in.cycle_title")) } input id="title" name="title" required value=(f.title) readonly[!edit]; }
                (area("question", t("in.question"), &f.question))
                (area("change_tested", t("in.change_tested"), &f.change_tested))
                (area("prediction", t("in.prediction"), &f.prediction))
                (area("measures_plan", t("in.measures_plan"), &f.measures_plan))
                (area("who_what_when", t("in.who_what_when"), &f.who_what_when))
                div class="filters" {
                    div { label for="start_date" { (t("in.start")) } input id="start_date" name="start_date" type="date" value=(f.start_date.clone().unwrap_or_default()) readonly[!edit]; }
                    div { label for="end_date" { (t("in.end")) } input id="end_date" name="end_date" type="date" value=(f.end_date.clone().unwrap_or_default()) readonly[!edit]; }
                }
            }
            fieldset { legend { (t("in.do")) } (area("do_notes", t("in.do_help"), &f.do_notes)) }
            fieldset { legend { (t("in.study")) } (area("study_notes", t("in.study_help"), &f.study_notes)) }
            fieldset {
                legend { (t("in.act")) }
                p { label for="act" { (t("in.decision")) } select id="act" name="act" disabled[!edit] {
                    option value="" { "–" }
                    @for a in sgs_store::PDSA_ACTS { option value=(a) selected[f.act.as_deref() == Some(a)] { (lang.t(&format!("in.act.{a}"))) } }
                } }
                (area("next_steps", t("in.next_steps"), &f.next_steps))
            }
            @if edit { p { button type="submit" { (t("campus.save")) } } }
        }
    };
    Ok(page(&viewer, Some(&ctx), &f.title, body).into_response())
}

// ---------------------------------------------------------------------------------------------
// Measures.

fn measure_form(viewer: &Viewer, district: &str, initiative: Option<i64>, lang: Lang) -> Markup {
    let t = |k| lang.t(k);
    html! {
        details {
            summary { (t("in.new_measure")) }
            form method="post" action={ (base(district)) "/measures" } {
                (csrf_field(viewer))
                @if let Some(i) = initiative { input type="hidden" name="initiative_id" value=(i); }
                div class="filters" {
                    div { label for="measure_name" { (t("in.name")) } input id="measure_name" name="name" required; }
                    div { label for="measure_family" { (t("in.family")) } select id="measure_family" name="family" {
                        @for f in sgs_store::MEASURE_FAMILIES { option value=(f) { (lang.t(&format!("in.family.{f}"))) } }
                    } }
                    div { label for="measure_better" { (t("in.better")) } select id="measure_better" name="better" {
                        option value="up" { (t("in.better_up")) } option value="down" { (t("in.better_down")) }
                    } }
                    div { label for="measure_unit" { (t("in.unit")) } input id="measure_unit" name="unit" placeholder="%"; }
                    div { label for="measure_source" { (t("in.source")) } select id="measure_source" name="source" {
                        @for s in sgs_store::MEASURE_SOURCES { option value=(s) { (lang.t(&format!("in.source.{s}"))) } }
                    } }
                }
                p { button type="submit" { (t("in.create")) } }
            }
        }
    }
}

/// A measure's form.
#[derive(Deserialize)]
pub struct MeasureForm {
    csrf: Option<String>,
    initiative_id: Option<String>,
    name: String,
    family: String,
    better: String,
    unit: Option<String>,
    source: String,
}

/// `POST /d/{district}/innovation/measures`.
pub async fn create_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<MeasureForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let new = NewMeasure {
        initiative_id: id_field(&form.initiative_id, "initiative")?,
        name: required(&form.name, "name")?,
        family: form.family.trim(),
        better: form.better.trim(),
        unit: optional(&form.unit).unwrap_or(""),
        source: form.source.trim(),
    };
    let id = state.store.create_measure(&district, &new, actor).await?;
    Ok(Redirect::to(&format!("{}/measures/{id}", base(&district))).into_response())
}

/// `GET /d/{district}/innovation/measures/{id}`: the run chart and the XmR chart with their
/// signals in words, the values, and the forms that add, import and phase them.
pub async fn measure_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let edit = staff(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = charted(&state, &district, measure).await?;
    let m = &c.measure;
    let manual = m.source == "manual";
    let url = base(&district);
    let run_label = format!("{} · {}", t("in.run_chart"), m.name);
    let xmr_label = format!("{} · {}", t("in.xmr_chart"), m.name);
    let body = html! {
        p {
            a href=(url) { (t("lever4.title")) }
            @if let Some(i) = m.initiative_id { " · " a href={ (url) "/initiatives/" (i) } { (t("in.initiative")) } }
        }
        p { (lang.t(&format!("in.family.{}", m.family))) " · " @if m.better == "down" { (t("in.better_down")) } @else { (t("in.better_up")) } @if !m.unit.is_empty() { " · " (m.unit) } " · " (lang.t(&format!("in.source.{}", m.source))) }
        p class="reading" { strong { (text_of(&c.analysis.reading.text, lang)) } }
        section aria-labelledby="run" {
            h2 id="run" { (t("in.run_chart")) }
            p class="muted" { (t("in.run_help")) }
            (process_chart(&run_label, &c.points, &c.analysis, ProcessChart::Run))
            (signal_list(&c.analysis.run_chart.reading, &c.analysis.run_chart.signals, lang))
        }
        section aria-labelledby="xmr" {
            h2 id="xmr" { (t("in.xmr_chart")) }
            p class="muted" { (t("in.xmr_help")) }
            (process_chart(&xmr_label, &c.points, &c.analysis, ProcessChart::Xmr))
            (signal_list(&c.analysis.xmr.reading, &c.analysis.xmr.signals, lang))
        }
        section aria-labelledby="values" {
            h2 id="values" { (t("in.values")) }
            details {
                summary { (t("table.show")) }
                div class="table-wrap" { table {
                    thead { tr { th scope="col" { (t("in.period")) } th scope="col" class="num" { (t("in.value")) } th scope="col" class="num" { (t("in.center")) } } }
                    tbody { @for (i, p) in c.points.iter().enumerate() { tr {
                        th scope="row" { (p.period) }
                        td class="num" { @match p.value { Some(v) => (format_number(v)), None => span class="muted" { "–" } } }
                        td class="num" { @match c.analysis.run_chart.phases.iter().find(|ph| ph.first <= i && i <= ph.last).and_then(|ph| ph.median) { Some(v) => (format_number(v)), None => "–" } }
                    } } }
                } }
            }
            p { a href={ (url) "/measures/" (id) "/values.csv" } { (t("campus.download_csv")) } }
            @if edit && manual {
                form method="post" action={ (url) "/measures/" (id) "/values" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="period" { (t("in.period")) } input id="period" name="period" required placeholder="2025-09"; }
                    div { label for="value" { (t("in.value")) } input id="value" name="value" inputmode="decimal" placeholder=(t("in.blank_missing")); }
                    div { button type="submit" { (t("in.add_value")) } }
                }
                details {
                    summary { (t("in.import")) }
                    form method="post" action={ (url) "/measures/" (id) "/import" } {
                        (csrf_field(&viewer))
                        p { label for="csv" { (t("in.import_help")) } textarea id="csv" name="csv" rows="8" spellcheck="false" required { "period,value\n" } }
                        p { input type="checkbox" id="replace" name="replace" value="yes"; " " label for="replace" { (t("in.replace")) } }
                        p { button type="submit" { (t("in.import")) } }
                    }
                }
            }
            @if edit {
                form method="post" action={ (url) "/measures/" (id) "/phases" } class="filters" {
                    (csrf_field(&viewer))
                    div { label for="phases" { (t("in.phases")) } input id="phases" name="phases" value=(m.phase_starts.join(", ")) placeholder="2025-01"; }
                    div { button type="submit" { (t("campus.save")) } }
                }
                p class="muted" { (t("in.phases_help")) }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), &m.name, body).into_response())
}

/// One value's form.
#[derive(Deserialize)]
pub struct ValueForm {
    csrf: Option<String>,
    period: String,
    value: Option<String>,
}

fn manual_measure(measure: &Measure) -> Result<(), AppError> {
    if measure.source == "manual" {
        Ok(())
    } else {
        Err(bad(format!(
            "measure {:?} is read from SGS's own data ({}): its values are not entered by hand",
            measure.name, measure.source
        )))
    }
}

/// `POST /d/{district}/innovation/measures/{id}/values`: adds or replaces one period's value.
pub async fn add_value(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<ValueForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    manual_measure(&measure)?;
    let period = required(&form.period, "period")?.to_string();
    let value = match optional(&form.value) {
        None => None,
        Some(v) => Some(
            v.replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    bad(format!(
                        "value {v:?}: expected a number, or blank when missing"
                    ))
                })?,
        ),
    };
    state
        .store
        .set_measure_values(&district, id, &[(period, value)], false, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/measures/{id}", base(&district))).into_response())
}

/// The import form.
#[derive(Deserialize)]
pub struct ImportForm {
    csrf: Option<String>,
    csv: String,
    replace: Option<String>,
}

/// Reads a series as CSV: a header naming `period` and `value` (in any order; other columns
/// are ignored), then one row per period. A blank value is missing, never zero. The first
/// problem is named with its line, field and value.
pub fn parse_series_csv(file: &str, text: &str) -> Result<Vec<Point>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("{file}: line 1: {e}"))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(p), Some(v)) = (find("period"), find("value")) else {
        return Err(format!(
            "{file}: line 1: the header must name the columns period and value, found {:?}",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    };
    let mut points = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            format!("{file}: line {line}: {e}")
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let period = record.get(p).unwrap_or("").to_string();
        if period.is_empty() {
            if record.iter().all(str::is_empty) {
                continue;
            }
            return Err(format!("{file}: line {line}: field period is blank: expected a period label such as 2025-09"));
        }
        if !seen.insert(period.clone()) {
            return Err(format!("{file}: line {line}: field period: value {period:?} appears twice: expected one row per period"));
        }
        let raw = record.get(v).unwrap_or("");
        let value = if raw.is_empty() {
            None
        } else {
            Some(
                raw.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("{file}: line {line}: field value: value {raw:?} is not valid: expected a number, or blank when missing"))?,
            )
        };
        points.push(Point { period, value });
    }
    if points.is_empty() {
        return Err(format!(
            "{file}: the file has no rows: expected one row per period after the header"
        ));
    }
    Ok(points)
}

/// `POST /d/{district}/innovation/measures/{id}/import`: values from CSV, all or nothing.
pub async fn import_values(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<ImportForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    manual_measure(&measure)?;
    let points = parse_series_csv("the pasted values", &form.csv).map_err(AppError::BadRequest)?;
    let values: Vec<(String, Option<f64>)> =
        points.into_iter().map(|p| (p.period, p.value)).collect();
    state
        .store
        .set_measure_values(
            &district,
            id,
            &values,
            form.replace.as_deref() == Some("yes"),
            actor,
        )
        .await?;
    Ok(Redirect::to(&format!("{}/measures/{id}", base(&district))).into_response())
}

/// The phases form.
#[derive(Deserialize)]
pub struct PhasesForm {
    csrf: Option<String>,
    phases: String,
}

/// `POST /d/{district}/innovation/measures/{id}/phases`: periods at which a deliberate change
/// started a new phase; center lines and limits are recomputed from each.
pub async fn set_phases(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(form): Form<PhasesForm>,
) -> PageResult {
    let actor = editor(&viewer, &district, form.csrf.as_deref())?;
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let points = measure_points(&state, &district, &measure).await?;
    let periods: Vec<String> = form
        .phases
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for p in &periods {
        match points.iter().position(|q| &q.period == p) {
            Some(0) => return Err(bad(format!("phase start {p:?} is the first period: a new phase starts after at least one value"))),
            Some(_) => {}
            None => return Err(bad(format!("phase start {p:?} is not a period of this measure"))),
        }
    }
    state
        .store
        .set_phase_starts(&district, id, &periods, actor)
        .await?;
    Ok(Redirect::to(&format!("{}/measures/{id}", base(&district))).into_response())
}

/// `GET /d/{district}/innovation/measures/{id}/values.csv`: the values with their center line
/// and the signals each point is part of.
pub async fn values_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    staff(&viewer, &district)?;
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = charted(&state, &district, measure).await?;
    let mut signals: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for s in c.analysis.signals() {
        for &i in &s.points {
            signals.entry(i).or_default().push(format!("{:?}", s.rule));
        }
    }
    let opt = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let rows = c.points.iter().enumerate().map(|(i, p)| {
        let run = c
            .analysis
            .run_chart
            .phases
            .iter()
            .find(|ph| ph.first <= i && i <= ph.last);
        let xmr = c
            .analysis
            .xmr
            .phases
            .iter()
            .find(|ph| ph.first <= i && i <= ph.last);
        vec![
            p.period.clone(),
            opt(p.value),
            opt(run.and_then(|r| r.median)),
            opt(xmr.and_then(|x| x.mean)),
            opt(xmr.and_then(|x| x.lower_limit)),
            opt(xmr.and_then(|x| x.upper_limit)),
            signals.get(&i).map(|s| s.join(" ")).unwrap_or_default(),
        ]
    });
    let out = crate::lever1::csv_table(
        "period,value,median,mean,lower_limit,upper_limit,signals",
        rows,
    );
    Ok(csv_response(&format!("measure-{id}-{district}.csv"), out))
}

// ---------------------------------------------------------------------------------------------
// The JSON API: the same work, under the same roles.

type ApiResult = Result<axum::Json<serde_json::Value>, crate::error::ApiError>;

/// `GET /api/v1/districts/{district}/initiatives`: staff. Every initiative with its status and
/// the findings behind it, its milestones and its measures' readings.
pub async fn api_initiatives(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult {
    staff(&viewer, &district)?;
    district_ctx(&state, &district).await?;
    let board = board(&state, &district).await?;
    let list: Vec<serde_json::Value> = board
        .initiatives
        .iter()
        .map(|i| {
            serde_json::json!({
                "initiative": i,
                "status": board.status(i.id),
                "milestones": board.milestones.iter().filter(|m| m.initiative_id == i.id).collect::<Vec<_>>(),
                "measures": board.measures.iter().filter(|c| c.measure.initiative_id == Some(i.id)).map(|c| serde_json::json!({
                    "id": c.measure.id, "name": c.measure.name, "family": c.measure.family, "reading": c.analysis.reading,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(axum::Json(serde_json::Value::Array(list)))
}

/// `GET /api/v1/districts/{district}/measures/{id}`: staff. A measure, its points and both
/// readings (as `sgs chart signals` prints them).
pub async fn api_measure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> ApiResult {
    staff(&viewer, &district)?;
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = charted(&state, &district, measure).await?;
    Ok(axum::Json(
        serde_json::json!({"measure": c.measure, "points": c.points, "analysis": c.analysis}),
    ))
}

/// New values: `{"values": [{"period": "2025-09", "value": 14.2}, …], "replace": false}`.
#[derive(Deserialize)]
pub struct ValuesRequest {
    values: Vec<Point>,
    #[serde(default)]
    replace: bool,
}

/// `PUT /api/v1/districts/{district}/measures/{id}/values`: administrators and analysts; all
/// or nothing.
pub async fn api_set_values(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    Path((district, id)): Path<(String, i64)>,
    axum::Json(request): axum::Json<ValuesRequest>,
) -> ApiResult {
    let actor = editor(
        &viewer,
        &district,
        headers.get("x-csrf-token").and_then(|v| v.to_str().ok()),
    )?
    .to_string();
    let measure = state
        .store
        .measure(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    manual_measure(&measure)?;
    let values: Vec<(String, Option<f64>)> = request
        .values
        .into_iter()
        .map(|p| (p.period, p.value))
        .collect();
    state
        .store
        .set_measure_values(&district, id, &values, request.replace, &actor)
        .await?;
    api_measure(State(state), viewer, Path((district, id))).await
}

/// `GET /api/v1/districts/{district}/universal-goals`: staff. Each goal with its barriers and
/// targeted strategies.
pub async fn api_goals(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult {
    staff(&viewer, &district)?;
    let mut out = Vec::new();
    for goal in state.store.universal_goals(&district).await? {
        let barriers = state.store.barriers(goal.id).await?;
        let strategies = state.store.strategies(goal.id).await?;
        out.push(serde_json::json!({"goal": goal, "barriers": barriers, "strategies": strategies}));
    }
    Ok(axum::Json(serde_json::Value::Array(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_csv_reads_missing_as_missing_and_names_bad_rows() {
        let points = parse_series_csv(
            "a.csv",
            "value,period\n3,2025-09\n,2025-10\n4.5,\"Nov, 2025\"\n",
        )
        .unwrap();
        assert_eq!(points.len(), 3);
        assert_eq!(points[1], Point::missing("2025-10"));
        assert_eq!(points[2], Point::new("Nov, 2025", 4.5));
        let err = parse_series_csv("a.csv", "period,value\n2025-09,3\n2025-10,lots\n").unwrap_err();
        assert_eq!(err, "a.csv: line 3: field value: value \"lots\" is not valid: expected a number, or blank when missing");
        let err = parse_series_csv("a.csv", "month,value\n2025-09,3\n").unwrap_err();
        assert!(
            err.contains("line 1") && err.contains("period and value"),
            "{err}"
        );
        let err = parse_series_csv("a.csv", "period,value\n2025-09,3\n2025-09,4\n").unwrap_err();
        assert!(
            err.contains("line 3") && err.contains("appears twice"),
            "{err}"
        );
        assert!(parse_series_csv("a.csv", "period,value\n").is_err());
    }

    #[test]
    fn roadmap_dates_count_months_from_the_start() {
        let start = Date::parse("2025-08-31").unwrap();
        assert_eq!(add_months(start, 1), "2025-09-28");
        assert_eq!(add_months(start, 5), "2026-01-28");
        assert_eq!(
            add_months(Date::parse("2025-01-15").unwrap(), 12),
            "2026-01-15"
        );
    }
}
