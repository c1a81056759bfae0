//! The annual school plan: per campus, the candidate school actions the policy proposes with
//! their reasons, and the decisions analysts record (action, school year, rationale, owner). The
//! page prints cleanly as the board-ready report of the plan and the analysis behind it.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;
use sgs_analysis::north_star;
use sgs_analysis::portfolio::{
    candidates, default_policy, ActionKind, CampusFacts, Condition, Rule,
};
use sgs_analysis::triggers::{triggers, Intervention};
use sgs_domain::summary::Tier;
use sgs_domain::{CampusId, CampusStatus, Role, SchoolYear};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{format_time, page};
use crate::lever1::{load, qsa, DistrictData, GapQuery};
use crate::pages::{district_ctx, tier_label};
use crate::AppState;

type PageResult = Result<Response, AppError>;

/// An action's name in the viewer's language.
pub fn action_label(action: ActionKind, lang: Lang) -> &'static str {
    lang.t(match action {
        ActionKind::Redesign => "action.redesign",
        ActionKind::Restart => "action.restart",
        ActionKind::NewSchool => "action.new_school",
        ActionKind::ReplicateExpand => "action.replicate_expand",
        ActionKind::CloseAndReassign => "action.close_and_reassign",
        ActionKind::Partnership => "action.partnership",
        ActionKind::NoAction => "action.no_action",
    })
}

/// What the policy knows of every open campus.
pub fn campus_facts(data: &DistrictData) -> BTreeMap<CampusId, CampusFacts> {
    let report = qsa(data, &GapQuery::default());
    let priority: Vec<&str> = report
        .areas
        .iter()
        .filter(|a| a.priority)
        .map(|a| a.area_id.as_str())
        .collect();
    let interventions: BTreeMap<CampusId, Intervention> = triggers(&data.campuses, &data.years)
        .into_iter()
        .map(|s| (s.campus_id, s.intervention))
        .collect();
    data.campuses
        .iter()
        .filter(|c| c.status == CampusStatus::Open)
        .map(|campus| {
            let own: Vec<(&SchoolYear, &sgs_domain::CampusYear)> = data
                .years
                .iter()
                .filter(|((id, _), _)| id == &campus.id)
                .map(|((_, y), f)| (y, f))
                .collect();
            let tier = own
                .iter()
                .rev()
                .map(|(_, f)| data.framework.tier(f))
                .find(|t| matches!(t, Tier::Quality | Tier::Mixed | Tier::Low))
                .unwrap_or(Tier::Unknown);
            let enrolled: Vec<(u32, Option<u32>)> = own
                .iter()
                .filter_map(|(_, f)| Some((f.total_enrollment()?, f.capacity)))
                .collect();
            let utilization = enrolled
                .last()
                .and_then(|(n, cap)| cap.filter(|c| *c > 0).map(|c| f64::from(*n) / f64::from(c)));
            let change = match (enrolled.first(), enrolled.last()) {
                (Some((first, _)), Some((last, _))) if enrolled.len() > 1 && *first > 0 => {
                    Some(100.0 * (f64::from(*last) - f64::from(*first)) / f64::from(*first))
                }
                _ => None,
            };
            let facts = CampusFacts {
                tier,
                intervention: interventions
                    .get(&campus.id)
                    .copied()
                    .unwrap_or(Intervention::None),
                utilization,
                in_priority_area: campus
                    .planning_area_id
                    .as_deref()
                    .is_some_and(|a| priority.contains(&a)),
                enrollment_change_percent: change,
            };
            (campus.id.clone(), facts)
        })
        .collect()
}

/// A campus, what the policy knows of it, and what it proposes.
type CandidateRow<'a> = (&'a CampusId, &'a CampusFacts, Vec<(ActionKind, String)>);

/// `GET /d/{district}/plan`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let (ctx, body) = plan_body(&state, &viewer, &district).await?;
    Ok(page(&viewer, Some(&ctx), viewer.lang.t("plan.title"), body).into_response())
}

/// The plan's content, shared by the page and its PDF.
async fn plan_body(
    state: &AppState,
    viewer: &Viewer,
    district: &str,
) -> Result<(crate::layout::DistrictCtx, maud::Markup), AppError> {
    let district = district.to_string();
    let ctx = district_ctx(state, &district).await?;
    viewer.require(&district, Role::can_view_staff_pages)?;
    let data = load(&state.store, &district).await?;
    let decisions = state.store.decisions(&district).await?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let policy = district_policy(state, &district).await?;
    let policy_json = serde_json::to_string_pretty(&policy).unwrap_or_default();
    let facts = campus_facts(&data);
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let latest_decision: BTreeMap<&str, &sgs_store::PlanDecision> = decisions
        .iter()
        .map(|d| (d.campus_id.as_str(), d))
        .collect();
    let stars = north_star(
        &data.campuses,
        &data.years,
        &data.framework,
        data.goal.as_ref(),
    );
    let measured = stars.iter().rev().find(|y| y.quality_percent.is_some());
    let report = qsa(&data, &GapQuery::default());
    let next_year = data
        .years
        .keys()
        .map(|(_, y)| *y)
        .max()
        .map(|y| y.next().next());
    // Campuses needing attention first: any candidate other than no action.
    let mut rows: Vec<CandidateRow> = facts
        .iter()
        .map(|(id, f)| (id, f, candidates(&policy, f)))
        .collect();
    rows.sort_by_key(|(id, _, c)| {
        (
            c[0].0 == ActionKind::NoAction,
            names.get(id).copied().unwrap_or(""),
        )
    });
    let editor = viewer.may(&district, Role::can_edit_data);

    let body = html! {
        p { (t("plan.intro")) }
        section aria-labelledby="basis" {
            h2 id="basis" { (t("plan.basis")) }
            ul {
                @if let Some(y) = measured { li { (t("lever1.actual")) " " (y.school_year) ": " (format!("{:.1}%", y.quality_percent.unwrap_or(0.0))) @if let Some(goal) = &data.goal { " · " (t("lever1.goal")) " " (format!("{:.0}%", goal.target_percent)) " · " (goal.target_year) } } }
                @let priorities: Vec<&str> = report.areas.iter().filter(|a| a.priority).map(|a| a.name.as_str()).collect();
                @if !priorities.is_empty() { li { (t("qsa.priorities")) ": " (priorities.join(", ")) } }
            }
        }
        @if editor {
            section aria-labelledby="decide" {
                h2 id="decide" { (t("plan.record")) }
                form method="post" action={ "/d/" (district) "/plan/decisions" } class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    div { label for="campus_id" { (t("campuses.name")) } select id="campus_id" name="campus_id" { @for (id, _, _) in &rows { option value=(id) { (names.get(id).copied().unwrap_or("")) } } } }
                    div { label for="action" { (t("plan.action")) } select id="action" name="action" { @for a in ActionKind::all() { option value=(a.code()) { (action_label(a, lang)) } } } }
                    div { label for="school_year" { (t("campus.year")) } input id="school_year" name="school_year" required value=(next_year.map(|y| y.to_string()).unwrap_or_default()); }
                    div { label for="owner" { (t("plan.owner")) } input id="owner" name="owner" required maxlength="120"; }
                    div { label for="rationale" { (t("plan.rationale")) } input id="rationale" name="rationale" required maxlength="2000"; }
                    div { button type="submit" { (t("campus.save")) } }
                }
            }
        }
        section aria-labelledby="candidates" {
            h2 id="candidates" { (t("plan.candidates")) }
            div class="table-wrap" { table {
                thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" { (t("lever1.tier")) } th scope="col" class="num" { (t("projection.utilization")) } th scope="col" { (t("plan.candidate_actions")) } th scope="col" { (t("plan.decision")) } } }
                tbody { @for (id, f, found) in &rows { tr {
                    th scope="row" { a href={ "/d/" (district) "/campuses/" (id) } { (names.get(id).copied().unwrap_or("")) } }
                    td { (tier_label(f.tier, lang)) @if f.in_priority_area { " · " span class="priority" { (t("qsa.priority_yes")) } } }
                    td class="num" { @if let Some(u) = f.utilization { (format!("{:.0}%", u * 100.0)) } @else { "–" } }
                    td { ul { @for (action, reason) in found { li { strong { (action_label(*action, lang)) } ": " (reason) } } } }
                    td { @if let Some(d) = latest_decision.get(id.as_str()) { strong { (action_label(ActionKind::parse(&d.action).unwrap_or(ActionKind::NoAction), lang)) } " " (d.school_year) } }
                } } }
            } }
        }
        section aria-labelledby="decisions" {
            h2 id="decisions" { (t("plan.decisions")) }
            @if decisions.is_empty() { p { (t("plan.no_decisions")) } } @else {
                table {
                    thead { tr { th scope="col" { (t("campuses.name")) } th scope="col" { (t("plan.action")) } th scope="col" { (t("campus.year")) } th scope="col" { (t("plan.rationale")) } th scope="col" { (t("plan.owner")) } th scope="col" { (t("data.who")) } } }
                    tbody { @for d in decisions.iter().rev() { tr {
                        th scope="row" { (CampusId::parse(&d.campus_id).ok().and_then(|id| names.get(&id).map(|n| n.to_string())).unwrap_or_else(|| d.campus_id.clone())) }
                        td { (action_label(ActionKind::parse(&d.action).unwrap_or(ActionKind::NoAction), lang)) }
                        td { (d.school_year) }
                        td { (d.rationale) }
                        td { (d.owner) }
                        td { (d.decided_by) " · " (format_time(d.decided_at)) }
                    } } }
                }
            }
        }
        section aria-labelledby="policy" {
            h2 id="policy" { (t("plan.policy")) }
            p { (t("plan.policy_intro")) }
            table {
                thead { tr { th scope="col" { (t("plan.action")) } th scope="col" { (t("plan.when")) } th scope="col" { (t("plan.rationale")) } } }
                tbody { @for rule in &policy { tr {
                    th scope="row" { (action_label(rule.action, lang)) }
                    td { (rule.all.iter().map(describe_condition).collect::<Vec<_>>().join(" · ")) }
                    td { (rule.reason) }
                } } }
            }
            @if editor {
                details {
                    summary { (t("plan.edit_policy")) }
                    form method="post" action={ "/d/" (district) "/plan/policy" } {
                        input type="hidden" name="csrf" value=(viewer.csrf());
                        p { label for="rules" { (t("plan.policy_json")) } textarea id="rules" name="rules" rows="16" cols="80" spellcheck="false" { (policy_json) } }
                        p { button type="submit" { (t("campus.save")) } }
                    }
                }
            }
        }
        p class="muted" { (t("plan.print")) " " a href={ "/d/" (district) "/plan.pdf" } { (t("plan.pdf")) } }
    };
    Ok((ctx, body))
}

/// `GET /d/{district}/plan.pdf`: the plan as a PDF for the board, printed by the Chromium the
/// server has (Debian's `chromium`; `SGS_CHROMIUM` names another). Without one the answer says
/// so, and the page itself still prints cleanly from any browser.
pub async fn pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> PageResult {
    let (ctx, body) = plan_body(&state, &viewer, &district).await?;
    let title = format!("{} · {}", viewer.lang.t("plan.title"), ctx.name);
    // A self-contained document: the stylesheet inline, nothing fetched.
    let document = maud::html! {
        (maud::DOCTYPE)
        html lang=(viewer.lang.code()) {
            head { meta charset="utf-8"; title { (title) } style { (maud::PreEscaped(include_str!("../assets/app.css"))) } }
            body { main { h1 { (title) } (body) } }
        }
    };
    let chromium = std::env::var("SGS_CHROMIUM").ok().or_else(|| {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .find(|p| std::path::Path::new(p).exists())
            .map(|p| p.to_string())
    });
    let Some(chromium) = chromium else {
        return Ok((
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            viewer.lang.t("plan.no_pdf"),
        )
            .into_response());
    };
    let dir = std::env::temp_dir().join(format!("sgs-plan-{}", crate::auth::new_token()));
    let html_path = dir.join("plan.html");
    let pdf_path = dir.join("plan.pdf");
    let result = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&html_path, document.into_string()).await?;
        let status = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            tokio::process::Command::new(&chromium)
                .args([
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--no-pdf-header-footer",
                ])
                .arg(format!("--user-data-dir={}", dir.join("profile").display()))
                .arg(format!("--print-to-pdf={}", pdf_path.display()))
                .arg(format!("file://{}", html_path.display()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status(),
        )
        .await
        .map_err(|_| std::io::Error::other("Chromium took longer than 60 seconds"))??;
        if !status.success() {
            return Err(std::io::Error::other(format!(
                "Chromium exited with {status}"
            )));
        }
        tokio::fs::read(&pdf_path).await
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    match result {
        Ok(bytes) => Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/pdf".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"plan-{district}.pdf\""),
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(error) => {
            tracing::warn!(error = %error, "plan PDF failed");
            Ok((
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                viewer.lang.t("plan.no_pdf"),
            )
                .into_response())
        }
    }
}

/// The district's policy, or the default when it has not replaced it.
async fn district_policy(state: &AppState, district: &str) -> Result<Vec<Rule>, AppError> {
    Ok(policy_of(&state.store, district).await?)
}

/// The district's school-action policy, or the default policy when it has not set its own.
pub async fn policy_of(
    store: &sgs_store::Store,
    district: &str,
) -> Result<Vec<Rule>, sgs_store::StoreError> {
    Ok(store
        .action_policy(district)
        .await?
        .and_then(|json| serde_json::from_value(json).ok())
        .unwrap_or_else(default_policy))
}

/// Every open campus with what the policy knows of it and the actions it proposes, as CSV:
/// candidates are `action: reason` joined by ` | `.
pub fn candidates_table(data: &DistrictData, policy: &[Rule]) -> String {
    let names: BTreeMap<&CampusId, &str> = data
        .campuses
        .iter()
        .map(|c| (&c.id, c.name.as_str()))
        .collect();
    let rows = campus_facts(data).into_iter().map(|(id, f)| {
        let proposed = candidates(policy, &f)
            .into_iter()
            .map(|(action, reason)| format!("{}: {reason}", action.code()))
            .collect::<Vec<_>>()
            .join(" | ");
        vec![
            id.to_string(),
            names.get(&id).copied().unwrap_or_default().to_string(),
            f.tier.code().to_string(),
            format!("{:?}", f.intervention),
            f.utilization.map(|u| format!("{u:.3}")).unwrap_or_default(),
            f.in_priority_area.to_string(),
            f.enrollment_change_percent
                .map(|c| format!("{c:.1}"))
                .unwrap_or_default(),
            proposed,
        ]
    });
    crate::lever1::csv_table(
        "campus_id,name,tier,intervention,utilization,in_priority_area,enrollment_change_percent,candidates",
        rows,
    )
}

/// A condition in words (codes as the policy JSON writes them).
fn describe_condition(condition: &Condition) -> String {
    match condition {
        Condition::Tier { tier } => format!("tier = {}", tier.code()),
        Condition::Intervention { intervention } => format!("intervention = {intervention:?}"),
        Condition::UtilizationBelow { ratio } => format!("utilization < {:.0}%", ratio * 100.0),
        Condition::UtilizationAtLeast { ratio } => format!("utilization ≥ {:.0}%", ratio * 100.0),
        Condition::InPriorityArea => "in a priority area".into(),
        Condition::DecliningBy { percent } => format!("enrollment down ≥ {percent:.0}%"),
    }
}

/// The policy form.
#[derive(Deserialize)]
pub struct PolicyForm {
    csrf: Option<String>,
    rules: String,
}

/// `POST /d/{district}/plan/policy`: replaces the school-action policy with the rules given as
/// JSON; errors name the line and column.
pub async fn set_policy(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<PolicyForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let rules: Vec<Rule> = serde_json::from_str(&form.rules).map_err(|e| {
        AppError::BadRequest(format!(
            "policy rules: line {}, column {}: {e}: expected a list of rules like the ones shown",
            e.line(),
            e.column()
        ))
    })?;
    if rules.is_empty() {
        return Err(AppError::BadRequest(
            "policy rules: expected at least one rule".into(),
        ));
    }
    if let Some((i, _)) = rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.reason.trim().is_empty())
    {
        return Err(AppError::BadRequest(format!(
            "policy rules: rule {}: field reason: expected the reason in words",
            i + 1
        )));
    }
    let json = serde_json::to_value(&rules).map_err(|e| AppError::BadRequest(e.to_string()))?;

    state
        .store
        .set_action_policy(&district, &json, &user.email)
        .await?;

    Ok(Redirect::to(&format!("/d/{district}/plan")).into_response())
}

/// The decision form.
#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: Option<String>,
    campus_id: String,
    action: String,
    school_year: String,
    rationale: String,
    owner: String,
}

/// A plan decision as submitted by the form or the API.
#[derive(Debug, Deserialize)]
pub struct Decision {
    /// The campus.
    pub campus_id: String,
    /// Action code, such as `restart`.
    pub action: String,
    /// The school year it takes effect.
    pub school_year: String,
    /// Why.
    pub rationale: String,
    /// Who carries it out.
    pub owner: String,
}

/// Checks a decision and records it in the plan.
pub(crate) async fn save_decision(
    state: &AppState,
    district: &str,
    decision: &Decision,
    actor: &str,
) -> Result<(), AppError> {
    let campus = crate::pages::campus_in_district(state, district, &decision.campus_id).await?;
    let action = ActionKind::parse(&decision.action).ok_or_else(|| {
        AppError::BadRequest(format!(
            "action {:?} is not a school action: expected one of {}",
            decision.action,
            ActionKind::all().map(|a| a.code()).join(", ")
        ))
    })?;
    let year = SchoolYear::parse(&decision.school_year)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (rationale, owner) = (decision.rationale.trim(), decision.owner.trim());
    if rationale.is_empty() || owner.is_empty() {
        return Err(AppError::BadRequest(
            "a decision needs a rationale and an owner".into(),
        ));
    }
    let year_text = year.to_string();
    let new = sgs_store::NewDecision {
        campus_id: campus.id.as_str(),
        school_year: &year_text,
        action: action.code(),
        rationale,
        owner,
    };
    state.store.record_decision(district, &new, actor).await?;
    Ok(())
}

/// `POST /d/{district}/plan/decisions`.
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    save_decision(
        &state,
        &district,
        &Decision {
            campus_id: form.campus_id,
            action: form.action,
            school_year: form.school_year,
            rationale: form.rationale,
            owner: form.owner,
        },
        &user.email,
    )
    .await?;

    Ok(Redirect::to(&format!("/d/{district}/plan")).into_response())
}
