//! What-if scenarios on screen: analysts assemble proposed school actions and see, beside the
//! baseline, what they would do to the North Star, seat gaps, utilization and displaced students.
//! Scenarios are drafts: staff of the district may read them, editors may change them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use sgs_analysis::scenario::{run, ProposedAction, Scenario, ScenarioResult};
use sgs_domain::summary::Tier;
use sgs_domain::{CampusId, CampusStatus, Grade, Role, SchoolYear};

use crate::auth::Viewer;
use crate::charts::format_number;
use crate::error::AppError;
use crate::layout::{format_time, page};
use crate::lever1::{load, qsa, DistrictData, GapQuery};
use crate::pages::{district_ctx, tier_label};
use crate::AppState;

type PageResult = Result<Response, AppError>;

/// The year scenarios apply to: the latest with ratings and resident counts, else the latest
/// with any letter rating.
pub fn scenario_year(data: &DistrictData) -> Option<SchoolYear> {
    qsa(data, &GapQuery::default())
        .years
        .last()
        .copied()
        .or_else(|| {
            data.years
                .iter()
                .filter(|(_, f)| matches!(f.rating, Some(sgs_domain::Rating::Letter(_))))
                .map(|((_, y), _)| *y)
                .max()
        })
}

/// Runs a stored scenario on the district's data.
pub fn evaluate(data: &DistrictData, scenario: &Scenario) -> Option<ScenarioResult> {
    let year = scenario_year(data)?;
    Some(run(
        scenario,
        year,
        &data.campuses,
        &data.years,
        &data.areas,
        &data.residents,
        &data.bands,
        &data.framework,
    ))
}

/// `GET /d/{district}/scenarios`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    viewer.require(&district, Role::can_view_staff_pages)?;
    let scenarios = state.store.scenarios(&district).await?;
    let t = |k| viewer.lang.t(k);
    let body = html! {
        p { (t("scenario.intro")) }
        @if scenarios.is_empty() { p { (t("scenario.none")) } } @else {
            ul { @for s in &scenarios {
                li { a href={ "/d/" (district) "/scenarios/" (s.id) } { (s.name) } " · " (s.actions.as_array().map(|a| a.len()).unwrap_or(0)) " " (t("scenario.actions")) " · " span class="muted" { (format_time(s.updated_at)) } }
            } }
        }
        @if viewer.may(&district, Role::can_edit_data) {
            form method="post" action={ "/d/" (district) "/scenarios" } class="filters" {
                input type="hidden" name="csrf" value=(viewer.csrf());
                div { label for="name" { (t("scenario.name")) } input id="name" name="name" required maxlength="120"; }
                div { button type="submit" { (t("scenario.create")) } }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("scenario.title"), body).into_response())
}

/// `GET /d/{district}/scenarios/{id}/comparison.csv` (or `.xlsx`): the scenario beside the
/// baseline, one row per planning area and grade band, then the North Star and displacement.
pub async fn comparison(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id, file)): Path<(String, i64, String)>,
) -> PageResult {
    viewer.require(&district, Role::can_view_staff_pages)?;
    let stored = state
        .store
        .scenario(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scenario = stored_scenario(&stored)?;
    let data = load(&state.store, &district).await?;
    let result = evaluate(&data, &scenario).ok_or(AppError::NotFound)?;
    let out = comparison_table(&result);
    let stem = format!("scenario-{id}-{district}");
    match file.as_str() {
        "comparison.csv" => Ok(crate::pages::csv_response(&format!("{stem}.csv"), out)),
        "comparison.xlsx" => crate::xlsx::response(&stem, &out),
        _ => Err(AppError::NotFound),
    }
}

/// A scenario against the baseline as CSV, one measure per row: the North Star, displaced and
/// unplaced students, each campus's utilization the actions touch (as a ratio; empty for a
/// campus that does not exist on one side), and the seat gap of every area and band.
pub fn comparison_table(result: &ScenarioResult) -> String {
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.3}")).unwrap_or_default();
    let mut rows = vec![
        vec![
            "quality_percent".into(),
            String::new(),
            String::new(),
            String::new(),
            opt(result.north_star.0),
            opt(result.north_star.1),
        ],
        vec![
            "students_displaced".into(),
            String::new(),
            String::new(),
            String::new(),
            "0".into(),
            result.displaced.to_string(),
        ],
        vec![
            "students_unplaced".into(),
            String::new(),
            String::new(),
            String::new(),
            "0".into(),
            result.unplaced.to_string(),
        ],
    ];
    rows.extend(result.utilization.iter().map(|u| {
        vec![
            "utilization".into(),
            String::new(),
            String::new(),
            u.campus_id.to_string(),
            opt(u.baseline),
            opt(u.scenario),
        ]
    }));
    rows.extend(result.gaps.iter().map(|g| {
        vec![
            "seat_gap".into(),
            g.area_id.clone(),
            g.band.clone(),
            String::new(),
            format!("{:.1}", g.baseline_gap),
            format!("{:.1}", g.scenario_gap),
        ]
    }));
    crate::lever1::csv_table(
        "measure,planning_area_id,grade_band,campus_id,baseline,scenario",
        rows,
    )
}

/// The create form.
#[derive(Deserialize)]
pub struct CreateForm {
    csrf: Option<String>,
    name: String,
}

/// `POST /d/{district}/scenarios`.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<CreateForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let name = checked_name(&form.name)?;
    district_ctx(&state, &district).await?;

    let id = state
        .store
        .create_scenario(&district, name, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/scenarios/{id}")).into_response())
}

/// A scenario name: 1 to 120 characters once trimmed.
pub(crate) fn checked_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "scenario name is not valid: expected 1 to 120 characters".into(),
        ));
    }
    Ok(name)
}

pub(crate) fn stored_scenario(stored: &sgs_store::StoredScenario) -> Result<Scenario, AppError> {
    let actions: Vec<ProposedAction> = serde_json::from_value(stored.actions.clone())
        .map_err(|e| AppError::BadRequest(format!("stored scenario cannot be read: {e}")))?;
    Ok(Scenario {
        name: stored.name.clone(),
        actions,
    })
}

fn describe(
    action: &ProposedAction,
    names: &BTreeMap<&CampusId, &str>,
    lang: crate::i18n::Lang,
) -> String {
    let t = |k| lang.t(k);
    let name = |id: &CampusId| names.get(id).copied().unwrap_or(id.as_str()).to_string();
    match action {
        ProposedAction::ChangeSeats { campus_id, seats } => format!(
            "{}: {} {seats:+}",
            name(campus_id),
            t("scenario.change_seats")
        ),
        ProposedAction::ChangeTier { campus_id, tier } => format!(
            "{}: {} {}",
            name(campus_id),
            t("scenario.change_tier"),
            tier_label(*tier, lang)
        ),
        ProposedAction::OpenCampus {
            name: new,
            planning_area_id,
            grade_low,
            grade_high,
            seats,
            tier,
        } => {
            format!(
                "{} {new} ({grade_low}–{grade_high}, {seats}, {}) · {planning_area_id}",
                t("scenario.open"),
                tier_label(*tier, lang)
            )
        }
        ProposedAction::CloseAndReassign {
            campus_id,
            receiving,
        } => format!(
            "{} {} → {}",
            t("scenario.close"),
            name(campus_id),
            receiving.iter().map(name).collect::<Vec<_>>().join(", ")
        ),
        ProposedAction::ChangeGrades {
            campus_id,
            grade_low,
            grade_high,
        } => format!(
            "{}: {} {grade_low}–{grade_high}",
            name(campus_id),
            t("scenario.change_grades")
        ),
    }
}

fn pct(value: Option<f64>) -> String {
    value
        .map(|v| format!("{v:.1}%"))
        .unwrap_or_else(|| "–".into())
}

/// `GET /d/{district}/scenarios/{id}`: the actions, forms to add more, and the comparison.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    viewer.require(&district, Role::can_view_staff_pages)?;
    let stored = state
        .store
        .scenario(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scenario = stored_scenario(&stored)?;
    let data = load(&state.store, &district).await?;
    let result = evaluate(&data, &scenario);
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let area_names: BTreeMap<&str, &str> = data
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    let open: Vec<&sgs_domain::Campus> = data
        .campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .collect();
    let editor = viewer.may(&district, Role::can_edit_data);
    let action_url = format!("/d/{district}/scenarios/{id}/actions");
    let campus_select = |field: &str, label: &str| {
        html! {
            div { label for=(field) { (label) } select id=(field) name=(field) { @for c in &open { option value=(c.id) { (c.name) } } } }
        }
    };
    let grade_options = Grade::all();
    let tiers = [Tier::Quality, Tier::Mixed, Tier::Low];

    let body = html! {
        section aria-labelledby="actions" {
            h2 id="actions" { (t("scenario.actions_title")) }
            @if scenario.actions.is_empty() { p { (t("scenario.empty")) } }
            ol { @for (i, action) in scenario.actions.iter().enumerate() {
                li {
                    (describe(action, &names, lang))
                    @if editor {
                        form method="post" action={ (action_url) "/" (i) "/delete" } class="inline" {
                            input type="hidden" name="csrf" value=(viewer.csrf());
                            " " button type="submit" aria-label={ (t("scenario.remove")) " " (i + 1) } { (t("scenario.remove")) }
                        }
                    }
                }
            } }
        }
        @if let Some(r) = &result {
            section aria-labelledby="result" {
                h2 id="result" { (t("scenario.result")) " · " (r.school_year) }
                table {
                    thead { tr { th scope="col" {} th scope="col" class="num" { (t("scenario.baseline")) } th scope="col" class="num" { (t("scenario.with")) } } }
                    tbody {
                        tr { th scope="row" { (t("lever1.actual")) } td class="num" { (pct(r.north_star.0)) } td class="num" { strong { (pct(r.north_star.1)) } } }
                        tr { th scope="row" { (t("scenario.displaced")) } td class="num" { "0" } td class="num" { (r.displaced) } }
                        tr { th scope="row" { (t("scenario.unplaced")) } td class="num" { "0" } td class="num" { (r.unplaced) } }
                    }
                }
                p {
                    a href={ "/d/" (district) "/scenarios/" (id) "/comparison.csv" } { (t("campus.download_csv")) }
                    " · " a href={ "/d/" (district) "/scenarios/" (id) "/comparison.xlsx" } { (t("download.xlsx")) }
                }
                @if !r.skipped.is_empty() {
                    p class="error" role="alert" { (t("scenario.skipped")) ": " (r.skipped.join("; ")) }
                }
                @if !r.utilization.is_empty() {
                    h3 { (t("projection.utilization")) }
                    table {
                        thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" class="num" { (t("scenario.baseline")) } th scope="col" class="num" { (t("scenario.with")) } } }
                        tbody { @for u in &r.utilization { tr {
                            th scope="row" { (names.get(&u.campus_id).copied().unwrap_or(t("scenario.new_campus"))) }
                            td class="num" { (pct(u.baseline.map(|v| v * 100.0))) }
                            td class="num" { (pct(u.scenario.map(|v| v * 100.0))) }
                        } } }
                    }
                }
                @let changed: Vec<_> = r.gaps.iter().filter(|g| (g.baseline_gap - g.scenario_gap).abs() > 0.5).collect();
                h3 { (t("scenario.gaps")) }
                @if changed.is_empty() { p { (t("scenario.no_gap_change")) } } @else {
                    table {
                        thead { tr { th scope="col" { (t("campuses.area")) } th scope="col" { (t("overview.band")) } th scope="col" class="num" { (t("scenario.baseline")) } th scope="col" class="num" { (t("scenario.with")) } } }
                        tbody { @for g in &changed { tr {
                            th scope="row" { (area_names.get(g.area_id.as_str()).copied().unwrap_or(&g.area_id)) }
                            td { (g.band) }
                            td class="num" { (format_number(g.baseline_gap.round())) }
                            td class="num" { (format_number(g.scenario_gap.round())) }
                        } } }
                    }
                }
            }
        } @else {
            p { (t("scenario.no_year")) }
        }
        @if editor {
            section aria-labelledby="add" {
                h2 id="add" { (t("scenario.add")) }
                details { summary { (t("scenario.change_tier")) }
                    form method="post" action=(action_url) class="filters" {
                        input type="hidden" name="csrf" value=(viewer.csrf()); input type="hidden" name="type" value="change_tier";
                        (campus_select("campus_id", t("campuses.name")))
                        div { label for="tier" { (t("lever1.tier")) } select id="tier" name="tier" { @for tier in tiers { option value=(tier.code()) { (tier_label(tier, lang)) } } } }
                        div { button type="submit" { (t("scenario.add_button")) } }
                    }
                }
                details { summary { (t("scenario.change_seats")) }
                    form method="post" action=(action_url) class="filters" {
                        input type="hidden" name="csrf" value=(viewer.csrf()); input type="hidden" name="type" value="change_seats";
                        (campus_select("campus_id_seats", t("campuses.name")))
                        div { label for="seats" { (t("scenario.seats_delta")) } input id="seats" name="seats" type="number" min="-5000" max="5000" required; }
                        div { button type="submit" { (t("scenario.add_button")) } }
                    }
                }
                details { summary { (t("scenario.close")) }
                    form method="post" action=(action_url) class="filters" {
                        input type="hidden" name="csrf" value=(viewer.csrf()); input type="hidden" name="type" value="close_and_reassign";
                        (campus_select("campus_id_close", t("scenario.closing")))
                        div { label for="receiving" { (t("scenario.receiving")) } select id="receiving" name="receiving" multiple size="6" { @for c in &open { option value=(c.id) { (c.name) } } } }
                        div { button type="submit" { (t("scenario.add_button")) } }
                    }
                }
                details { summary { (t("scenario.open")) }
                    form method="post" action=(action_url) class="filters" {
                        input type="hidden" name="csrf" value=(viewer.csrf()); input type="hidden" name="type" value="open_campus";
                        div { label for="new_name" { (t("scenario.name")) } input id="new_name" name="name" required maxlength="120"; }
                        div { label for="area" { (t("campuses.area")) } select id="area" name="planning_area_id" { @for a in &data.areas { option value=(a.id) { (a.name) } } } }
                        div { label for="grade_low" { (t("scenario.grade_low")) } select id="grade_low" name="grade_low" { @for g in &grade_options { option value=(g.code()) selected[*g == Grade::K] { (g) } } } }
                        div { label for="grade_high" { (t("scenario.grade_high")) } select id="grade_high" name="grade_high" { @for g in &grade_options { option value=(g.code()) selected[*g == Grade::G(5)] { (g) } } } }
                        div { label for="new_seats" { (t("qsa.seats")) } input id="new_seats" name="seats" type="number" min="1" max="5000" required; }
                        div { label for="new_tier" { (t("lever1.tier")) } select id="new_tier" name="tier" { @for tier in tiers { option value=(tier.code()) { (tier_label(tier, lang)) } } } }
                        div { button type="submit" { (t("scenario.add_button")) } }
                    }
                }
                details { summary { (t("scenario.change_grades")) }
                    form method="post" action=(action_url) class="filters" {
                        input type="hidden" name="csrf" value=(viewer.csrf()); input type="hidden" name="type" value="change_grades";
                        (campus_select("campus_id_grades", t("campuses.name")))
                        div { label for="grades_low" { (t("scenario.grade_low")) } select id="grades_low" name="grade_low" { @for g in &grade_options { option value=(g.code()) { (g) } } } }
                        div { label for="grades_high" { (t("scenario.grade_high")) } select id="grades_high" name="grade_high" { @for g in &grade_options { option value=(g.code()) { (g) } } } }
                        div { button type="submit" { (t("scenario.add_button")) } }
                    }
                }
            }
        }
        p { a href={ "/d/" (district) "/scenarios" } { (t("scenario.title")) } }
    };
    Ok(page(
        &viewer,
        Some(&ctx),
        &format!("{} · {}", t("scenario.title"), stored.name),
        body,
    )
    .into_response())
}

fn campus_field(fields: &[(String, String)], keys: &[&str]) -> Result<CampusId, AppError> {
    let value = fields
        .iter()
        .find(|(k, _)| keys.contains(&k.as_str()))
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| AppError::BadRequest("choose a campus".into()))?;
    CampusId::parse(value).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// Reads the add-action form (fields may repeat: `receiving` is a multi-select).
fn parse_action(fields: &[(String, String)]) -> Result<ProposedAction, AppError> {
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let need = |key: &str| {
        get(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| AppError::BadRequest(format!("field {key} is required")))
    };
    let grade = |key: &str| -> Result<Grade, AppError> {
        let value = need(key)?;
        Grade::parse(&value).ok_or_else(|| {
            AppError::BadRequest(format!(
                "field {key}: {value:?} is not a grade: expected EE, PK, K or 1 to 12"
            ))
        })
    };
    let tier = || -> Result<Tier, AppError> {
        let value = need("tier")?;
        [Tier::Quality, Tier::Mixed, Tier::Low]
            .into_iter()
            .find(|t| t.code() == value)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "field tier: {value:?} is not a tier: expected quality, mixed or low"
                ))
            })
    };
    let number = |key: &str, range: std::ops::RangeInclusive<i64>| -> Result<i64, AppError> {
        let value = need(key)?;
        value
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "field {key}: {value:?} is not valid: expected a whole number from {} to {}",
                    range.start(),
                    range.end()
                ))
            })
    };
    Ok(match need("type")?.as_str() {
        "change_tier" => ProposedAction::ChangeTier {
            campus_id: campus_field(fields, &["campus_id"])?,
            tier: tier()?,
        },
        "change_seats" => ProposedAction::ChangeSeats {
            campus_id: campus_field(fields, &["campus_id_seats", "campus_id"])?,
            seats: number("seats", -5000..=5000)?,
        },
        "close_and_reassign" => ProposedAction::CloseAndReassign {
            campus_id: campus_field(fields, &["campus_id_close", "campus_id"])?,
            receiving: fields
                .iter()
                .filter(|(k, _)| k == "receiving")
                .map(|(_, v)| CampusId::parse(v).map_err(|e| AppError::BadRequest(e.to_string())))
                .collect::<Result<_, _>>()?,
        },
        "open_campus" => {
            let (low, high) = (grade("grade_low")?, grade("grade_high")?);
            if low > high {
                return Err(AppError::BadRequest(format!(
                    "grades {low}-{high} run backwards"
                )));
            }
            ProposedAction::OpenCampus {
                name: need("name")?.chars().take(120).collect(),
                planning_area_id: need("planning_area_id")?,
                grade_low: low,
                grade_high: high,
                seats: u32::try_from(number("seats", 1..=5000)?).unwrap_or(0),
                tier: tier()?,
            }
        }
        "change_grades" => ProposedAction::ChangeGrades {
            campus_id: campus_field(fields, &["campus_id_grades", "campus_id"])?,
            grade_low: grade("grade_low")?,
            grade_high: grade("grade_high")?,
        },
        other => return Err(AppError::BadRequest(format!("unknown action {other:?}"))),
    })
}

/// `POST /d/{district}/scenarios/{id}/actions`: appends one action.
pub async fn add_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(
        fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str()),
    )?;
    let stored = state
        .store
        .scenario(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut scenario = stored_scenario(&stored)?;
    scenario.actions.push(parse_action(&fields)?);

    let actions =
        serde_json::to_value(&scenario.actions).map_err(|e| AppError::BadRequest(e.to_string()))?;
    state
        .store
        .set_scenario_actions(&district, id, &actions, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/scenarios/{id}")).into_response())
}

/// The remove form.
#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: Option<String>,
}

/// `POST /d/{district}/scenarios/{id}/actions/{index}/delete`.
pub async fn remove_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id, index)): Path<(String, i64, usize)>,
    Form(form): Form<RemoveForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let stored = state
        .store
        .scenario(&district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut scenario = stored_scenario(&stored)?;
    if index >= scenario.actions.len() {
        return Err(AppError::NotFound);
    }
    scenario.actions.remove(index);

    let actions =
        serde_json::to_value(&scenario.actions).map_err(|e| AppError::BadRequest(e.to_string()))?;
    state
        .store
        .set_scenario_actions(&district, id, &actions, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/scenarios/{id}")).into_response())
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
    fn action_forms_parse_and_refuse_bad_values() {
        let close = parse_action(&fields(&[
            ("type", "close_and_reassign"),
            ("campus_id_close", "999901102"),
            ("receiving", "999901101"),
            ("receiving", "999901103"),
        ]))
        .unwrap();
        assert_eq!(
            close,
            ProposedAction::CloseAndReassign {
                campus_id: CampusId::parse("999901102").unwrap(),
                receiving: vec![
                    CampusId::parse("999901101").unwrap(),
                    CampusId::parse("999901103").unwrap()
                ],
            }
        );
        let err = parse_action(&fields(&[
            ("type", "change_seats"),
            ("campus_id_seats", "999901101"),
            ("seats", "lots"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("expected a whole number from -5000 to 5000"),
            "{err}"
        );
        let err = parse_action(&fields(&[
            ("type", "open_campus"),
            ("name", "X"),
            ("planning_area_id", "a"),
            ("grade_low", "9"),
            ("grade_high", "K"),
            ("seats", "100"),
            ("tier", "quality"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("run backwards"), "{err}");
        assert!(parse_action(&fields(&[("type", "demolish")])).is_err());
    }
}
