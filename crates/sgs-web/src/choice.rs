//! Lever 3 for the enrollment office: a season's applications (the files of the open choice
//! format), runs of the match under a policy with a seed anyone can re-derive, each run's
//! statistics, cutoffs, verification and per-student explanations, two runs compared (who
//! gains and who loses a seat), and the chance-of-offer estimate the school finder shows
//! families.
//!
//! Applications hold student ids, so only the enrollment office and administrators reach these
//! pages; the finder shows only chances per program and priority group. Every computation is
//! `sgs_match`'s, the same the `sgs match` commands run.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};
use sgs_domain::Role;
use sgs_match::verify::{commit, outputs, verify, RunRecord, SeedOrigin};
use sgs_match::{Inputs, Seed};
use sgs_store::{MatchRun, NewMatchRun, Store};

use crate::auth::Viewer;
use crate::charts::format_number;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{format_time, page};
use crate::pages::district_ctx;
use crate::AppState;

type PageResult = Result<Response, AppError>;

const BASE: &str = "/d/{district}/enrollment";

/// The routes of the enrollment office, merged into the app's router.
pub fn routes() -> Router<AppState> {
    let at = |tail: &str| format!("{BASE}{tail}");
    Router::new()
        .route(BASE, get(index))
        .route(&at("/files"), post(upload))
        .route(&at("/files/{season}/{name}"), get(input_file))
        .route(&at("/runs"), post(create_run))
        .route(&at("/runs/{id}"), get(run_page))
        .route(&at("/runs/{id}/files/{name}"), get(output_file))
        .route(&at("/runs/{id}/responses"), post(record_responses))
        .route(&at("/runs/{id}/published/{name}"), get(published_file))
        .route(&at("/compare"), get(compare_page))
        .route(&at("/chances"), post(create_chances))
}

fn base(district: &str) -> String {
    format!("/d/{district}/enrollment")
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * f64::from(part) / f64::from(whole))
    }
}

fn match_lang(lang: Lang) -> sgs_match::Lang {
    match lang {
        Lang::En => sgs_match::Lang::En,
        Lang::Es => sgs_match::Lang::Es,
    }
}

// ---------------------------------------------------------------------------------------------
// The work, shared with the command line and the demo.

/// Reads a season's stored files, with `policy` in place of its `policy.json` when given.
pub async fn season_inputs(
    store: &Store,
    district: &str,
    season: &str,
    policy: Option<&str>,
) -> Result<Inputs, AppError> {
    let files = store.choice_files(district, season).await?;
    if files.is_empty() {
        return Err(AppError::NotFound);
    }
    read_files(&files, policy)
}

fn read_files(files: &[(String, String)], policy: Option<&str>) -> Result<Inputs, AppError> {
    sgs_match::read_from(|name| {
        if name == "policy.json" {
            if let Some(policy) = policy {
                return Ok(Some(policy.as_bytes().to_vec()));
            }
        }
        Ok(files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_bytes().to_vec()))
    })
    .map_err(|e| bad(e.to_string()))
}

/// A run's output files and `run.json`, as a run is stored.
fn stored_files(out: &sgs_match::verify::Outputs) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = out
        .files
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    files.push(("run.json".into(), out.record_json()));
    files
}

/// Among a run's stored files, the season's files it ran on carry this prefix: a run is
/// re-done from its own inputs, so replacing a season's files later (a correction, late
/// applications for a second round) changes no earlier run.
const SOURCE_PREFIX: &str = "input-";

/// Adds the season's files a run used (all but `policy.json`, which the run keeps itself).
fn keep_sources(files: &mut Vec<(String, String)>, sources: &[(String, String)]) {
    files.extend(
        sources
            .iter()
            .filter(|(n, _)| n != "policy.json")
            .map(|(n, c)| (format!("{SOURCE_PREFIX}{n}"), c.clone())),
    );
}

/// Runs the match on a season's applications under `policy` (the season's own when `None`) and
/// records the run with every output. The seed is derived from the input digest and
/// `public_value`, or taken as given (`seed`, 64 hex characters).
#[allow(clippy::too_many_arguments)]
pub async fn run_match(
    store: &Store,
    district: &str,
    season: &str,
    label: &str,
    policy: Option<&str>,
    public_value: Option<&str>,
    seed: Option<&str>,
    actor: &str,
) -> Result<i64, AppError> {
    let sources = store.choice_files(district, season).await?;
    if sources.is_empty() {
        return Err(AppError::NotFound);
    }
    let inputs = read_files(&sources, policy)?;
    let (commitment, _) = commit(&inputs.market, &inputs.policy, &inputs.changes);
    let origin = public_value.map(|value| SeedOrigin {
        input_digest: commitment.input_digest.clone(),
        public_value: value.trim().to_string(),
    });
    let seed: Seed = match (&origin, seed) {
        (Some(origin), _) => origin.seed(),
        (None, Some(hex)) => hex.trim().parse().map_err(|_| bad(format!("seed {hex:?}: expected 64 hexadecimal characters")))?,
        (None, None) => inputs
            .policy
            .seed
            .ok_or_else(|| bad("the seed is missing: give the public value announced after applications closed, or a seed"))?,
    };
    let run = sgs_match::run_with(&inputs.market, &inputs.policy, seed, &inputs.changes)
        .map_err(|e| bad(e.to_string()))?;
    let out = outputs(&run, origin.as_ref());
    let mut files = stored_files(&out);
    keep_sources(&mut files, &sources);
    let summary = serde_json::to_value(sgs_match::stats::summarize(&run, &inputs.attributes))
        .unwrap_or(Value::Null);
    let policy_json =
        serde_json::to_string_pretty(&inputs.policy.without_seed()).unwrap_or_default();
    let record = NewMatchRun {
        season,
        label,
        policy: &policy_json,
        public_value: origin.as_ref().map(|o| o.public_value.as_str()),
        seed: &seed.to_string(),
        input_digest: &commitment.input_digest,
        summary: &summary,
    };
    Ok(store
        .record_match_run(district, &record, &files, actor)
        .await?)
}

/// Estimates each program's chance of an offer by priority group from `redraws` lotteries over
/// the season's applications, and stores it for the finder with the programs' schools.
pub async fn compute_chances(
    store: &Store,
    district: &str,
    season: &str,
    redraws: u32,
    actor: &str,
) -> Result<(), AppError> {
    let inputs = season_inputs(store, district, season, None).await?;
    let (commitment, _) = commit(&inputs.market, &inputs.policy, &inputs.changes);
    let seed = Seed::derive(
        &commitment.input_digest,
        &format!("chance of offer, {season}"),
    );
    let report =
        sgs_match::chance::chance_of_offer(&inputs.market, &inputs.policy, seed, redraws, 2)
            .map_err(|e| bad(e.to_string()))?;
    let programs: Vec<Value> = inputs
        .market
        .programs
        .iter()
        .map(|p| json!({"program_id": p.id, "school_id": p.school_id, "grade": p.grade, "name": p.name}))
        .collect();
    // Families read the groups by name ("neighborhood"), not by number.
    let groups: BTreeMap<String, Value> = inputs
        .policy
        .priority_groups
        .iter()
        .map(|(g, name)| {
            (
                g.to_string(),
                json!({"en": name.get("en"), "es": name.get("es")}),
            )
        })
        .collect();
    let stored = json!({
        "report": report,
        "programs": programs,
        "priority_groups": groups,
        "lists": report.lists.keep(report.lists.redraws_within(LIST_SHARES)),
    });
    store
        .set_offer_chances(district, season, i64::from(redraws), &stored, actor)
        .await?;
    Ok(())
}

/// A stored run, run again from its season's inputs, policy and seed (deterministic), with
/// the record it wrote.
struct Rerun {
    inputs: Inputs,
    seed: Seed,
    record: Option<RunRecord>,
    /// The run's stored files, without the inputs it kept.
    files: Vec<(String, String)>,
    /// The season's files the run used.
    sources: Vec<(String, String)>,
}

async fn rerun(store: &Store, district: &str, run: &MatchRun) -> Result<Rerun, AppError> {
    let (sources, files): (Vec<_>, Vec<_>) = store
        .match_run_files(district, run.id)
        .await?
        .into_iter()
        .partition(|(n, _)| n.starts_with(SOURCE_PREFIX));
    let mut sources: Vec<(String, String)> = sources
        .into_iter()
        .map(|(n, c)| (n[SOURCE_PREFIX.len()..].to_string(), c))
        .collect();
    if sources.is_empty() {
        // A run recorded before runs kept their inputs: the season's files as they are now.
        sources = store.choice_files(district, &run.season).await?;
    }
    if sources.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut used = sources.clone();
    // A later round carries its own changes (kept offers, withdrawals), which replace any the
    // season's files had.
    if let Some(changes) = files.iter().find(|(n, _)| n == CHANGES) {
        used.retain(|(n, _)| n != CHANGES);
        used.push(changes.clone());
    }
    let inputs = read_files(&used, Some(&run.policy))?;
    let seed: Seed = run.seed.parse().map_err(|_| {
        AppError::Store(sgs_store::StoreError::Corrupt(format!(
            "run {} seed",
            run.id
        )))
    })?;
    let record = files
        .iter()
        .find(|(n, _)| n == "run.json")
        .and_then(|(_, c)| serde_json::from_str(c).ok());
    Ok(Rerun {
        inputs,
        seed,
        record,
        files,
        sources,
    })
}

// ---------------------------------------------------------------------------------------------
// Pages.

fn require(viewer: &Viewer, district: &str) -> Result<(), AppError> {
    viewer.require(district, Role::can_run_enrollment)?;
    Ok(())
}

fn mechanism_label(policy: &str, lang: Lang) -> &'static str {
    if policy.contains("immediate_acceptance") {
        lang.t("enr.boston")
    } else {
        lang.t("enr.da")
    }
}

/// The season the page shows.
#[derive(Deserialize, Default)]
pub struct SeasonQuery {
    season: Option<String>,
}

/// `GET /d/{district}/enrollment`.
pub async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(query): Query<SeasonQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    require(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let seasons = state.store.choice_seasons(&district).await?;
    let season = query
        .season
        .filter(|s| seasons.contains(s))
        .or_else(|| seasons.first().cloned());
    let url = base(&district);
    let runs = state.store.match_runs(&district).await?;
    let chances = state.store.offer_chances(&district).await?;
    let (files, inputs) = match &season {
        Some(s) => {
            let files = state.store.choice_files(&district, s).await?;
            let inputs = read_files(&files, None).ok();
            (files, inputs)
        }
        None => (vec![], None),
    };
    let season_policy = files
        .iter()
        .find(|(n, _)| n == "policy.json")
        .map(|(_, c)| c.clone())
        .unwrap_or_else(|| "{}".into());
    let body = html! {
        p { (t("enr.intro")) }
        section aria-labelledby="season" {
            h2 id="season" { (t("enr.season")) @if let Some(s) = &season { " " (s) } }
            @if seasons.len() > 1 {
                form method="get" action=(url) class="filters" {
                    div { label for="season_pick" { (t("enr.season")) } select id="season_pick" name="season" { @for s in &seasons { option value=(s) selected[Some(s) == season.as_ref()] { (s) } } } }
                    div { button type="submit" { (t("campuses.apply")) } }
                }
            }
            @match (&season, &inputs) {
                (None, _) => { p { (t("enr.no_season")) } }
                (Some(_), None) => { p class="error" { (t("enr.unreadable")) } }
                (Some(s), Some(inputs)) => {
                    dl class="facts" {
                        dt { (t("enr.programs")) } dd { (format_number(inputs.market.programs.len() as f64)) " · " (format_number(inputs.market.programs.iter().map(|p| f64::from(p.capacity)).sum())) " " (t("enr.seats")) }
                        dt { (t("enr.applicants")) } dd { (format_number(inputs.market.students.len() as f64)) }
                        dt { (t("enr.choices")) } dd { (format_number(inputs.market.choice_count() as f64)) }
                    }
                    p { (t("enr.files")) ": " @for (i, (name, _)) in files.iter().enumerate() { @if i > 0 { ", " } a href={ (url) "/files/" (s) "/" (name) } { (name) } } }
                }
            }
        }
        section aria-labelledby="upload" {
            h2 id="upload" { (t("enr.upload")) }
            p { (t("enr.upload_help")) }
            form method="post" action={ (url) "/files" } enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(viewer.csrf());
                div class="filters" {
                    div { label for="up_season" { (t("enr.season")) } input id="up_season" name="season" required placeholder="2024-2025" value=(season.clone().unwrap_or_default()); }
                    @for name in sgs_match::format::INPUT_FILE_NAMES.iter().filter(|n| **n != "changes.csv") {
                        div { label for={ "f-" (name.replace('.', "-")) } { (name) } input id={ "f-" (name.replace('.', "-")) } name=(name) type="file" accept=".csv,.json,text/csv,application/json"; }
                    }
                }
                p { button type="submit" { (t("enr.upload_button")) } }
            }
        }
        @if let Some(s) = &season {
            section aria-labelledby="run" {
                h2 id="run" { (t("enr.run")) }
                p { (t("enr.run_help")) }
                form method="post" action={ (url) "/runs" } {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    input type="hidden" name="season" value=(s);
                    div class="filters" {
                        div { label for="label" { (t("enr.label")) } input id="label" name="label" required value=(t("enr.official")); }
                        div { label for="public_value" { (t("enr.public_value")) } input id="public_value" name="public_value" placeholder=(t("enr.public_value_example")); }
                        div { label for="seed" { (t("enr.seed")) } input id="seed" name="seed" spellcheck="false" placeholder=(t("enr.seed_help")); }
                    }
                    p { label for="policy" { (t("enr.policy")) } textarea id="policy" name="policy" rows="8" spellcheck="false" { (season_policy) } }
                    p { button type="submit" { (t("enr.run_button")) } }
                }
            }
        }
        section aria-labelledby="runs" {
            h2 id="runs" { (t("enr.runs")) }
            @if runs.is_empty() { p { (t("enr.no_runs")) } } @else {
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (t("enr.label")) } th scope="col" class="wide" { (t("enr.season")) } th scope="col" class="wide" { (t("enr.mechanism")) }
                        th scope="col" class="num" { (t("enr.first")) } th scope="col" class="num" { (t("enr.top3")) } th scope="col" class="num" { (t("enr.unassigned")) } th scope="col" class="wide" { (t("enr.when")) }
                    } }
                    tbody { @for r in &runs {
                        @let overall = &r.summary["overall"];
                        @let n = overall["students"].as_u64().unwrap_or(0) as u32;
                        @let count = |k: &str| overall[k].as_u64().unwrap_or(0) as u32;
                        tr {
                            th scope="row" { a href={ (url) "/runs/" (r.id) } { (r.label) } }
                            td class="wide" { (r.season) }
                            td class="wide" { (mechanism_label(&r.policy, lang)) }
                            td class="num" { (percent(count("first_choice"), n)) }
                            td class="num" { (percent(count("top_three"), n)) }
                            td class="num" { (percent(count("unassigned"), n)) }
                            td class="wide" { (format_time(r.created_at)) }
                        }
                    } }
                } }
            }
            @if runs.len() >= 2 {
                form method="get" action={ (url) "/compare" } class="filters" {
                    div { label for="a" { (t("enr.before")) } select id="a" name="a" { @for r in &runs { option value=(r.id) selected[r.id == runs[runs.len() - 1].id] { (r.id) ": " (r.label) } } } }
                    div { label for="b" { (t("enr.after")) } select id="b" name="b" { @for r in &runs { option value=(r.id) { (r.id) ": " (r.label) } } } }
                    div { button type="submit" { (t("enr.compare")) } }
                }
            }
        }
        @if let Some(s) = &season {
            section aria-labelledby="chances" {
                h2 id="chances" { (t("enr.chances")) }
                p { (t("enr.chances_help")) }
                @if let Some(c) = &chances { p { (t("enr.chances_last")) " " (c.season) " · " (c.redraws) " " (t("enr.redraws")) " · " (format_time(c.computed_at)) } }
                form method="post" action={ (url) "/chances" } class="filters" {
                    input type="hidden" name="csrf" value=(viewer.csrf());
                    input type="hidden" name="season" value=(s);
                    div { label for="redraws" { (t("enr.redraws")) } input id="redraws" name="redraws" type="number" min="10" max="2000" value="200"; }
                    div { button type="submit" { (t("enr.chances_button")) } }
                }
            }
        }
    };
    Ok(page(&viewer, Some(&ctx), t("enr.title"), body).into_response())
}

/// Every part of a multipart form, by name, in order.
async fn form_parts(multipart: &mut Multipart) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut parts = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("upload: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| bad(format!("upload: {e}")))?;
        parts.push((name, bytes.to_vec()));
    }
    Ok(parts)
}

/// `POST /d/{district}/enrollment/files`: a season's files, checked whole before any is kept.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    mut multipart: Multipart,
) -> PageResult {
    require(&viewer, &district)?;
    let user = viewer.user().ok_or(AppError::Unauthorized)?.clone();
    let mut csrf = None;
    let mut season = None;
    let mut files: Vec<(String, String)> = Vec::new();
    for (name, bytes) in form_parts(&mut multipart).await? {
        match name.as_str() {
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).to_string()),
            "season" => season = Some(String::from_utf8_lossy(&bytes).trim().to_string()),
            n if sgs_match::format::INPUT_FILE_NAMES.contains(&n) && !bytes.is_empty() => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| bad(format!("{n}: the file is not UTF-8 text")))?;
                files.push((n.to_string(), text));
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let season = season
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("season is blank: expected a school year like 2024-2025"))?;
    sgs_domain::SchoolYear::parse(&season).map_err(|e| bad(e.to_string()))?;
    read_files(&files, None)?;
    files.sort();
    state
        .store
        .set_choice_files(&district, &season, &files, &user.email)
        .await?;
    Ok(Redirect::to(&format!("{}?season={season}", base(&district))).into_response())
}

fn text_download(name: &str, content: String) -> Response {
    let kind = if name.ends_with(".json") {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        content,
    )
        .into_response()
}

/// `GET /d/{district}/enrollment/files/{season}/{name}`.
pub async fn input_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, season, name)): Path<(String, String, String)>,
) -> PageResult {
    require(&viewer, &district)?;
    let files = state.store.choice_files(&district, &season).await?;
    let (_, content) = files
        .into_iter()
        .find(|(n, _)| *n == name)
        .ok_or(AppError::NotFound)?;
    Ok(text_download(&name, content))
}

/// The run form.
#[derive(Deserialize)]
pub struct RunForm {
    csrf: Option<String>,
    season: String,
    label: String,
    policy: Option<String>,
    public_value: Option<String>,
    seed: Option<String>,
}

/// `POST /d/{district}/enrollment/runs`.
pub async fn create_run(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<RunForm>,
) -> PageResult {
    require(&viewer, &district)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let user = viewer.user().ok_or(AppError::Unauthorized)?;
    let label = form.label.trim();
    if label.is_empty() {
        return Err(bad("label is blank: expected a name for the run"));
    }
    let nonblank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let id = run_match(
        &state.store,
        &district,
        form.season.trim(),
        label,
        nonblank(&form.policy).as_deref(),
        nonblank(&form.public_value).as_deref(),
        nonblank(&form.seed).as_deref(),
        &user.email,
    )
    .await?;
    Ok(Redirect::to(&format!("{}/runs/{id}", base(&district))).into_response())
}

/// The chances form.
#[derive(Deserialize)]
pub struct ChancesForm {
    csrf: Option<String>,
    season: String,
    redraws: String,
}

/// `POST /d/{district}/enrollment/chances`.
pub async fn create_chances(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Form(form): Form<ChancesForm>,
) -> PageResult {
    require(&viewer, &district)?;
    viewer.check_csrf(form.csrf.as_deref())?;
    let user = viewer.user().ok_or(AppError::Unauthorized)?;
    let redraws: u32 = form
        .redraws
        .trim()
        .parse()
        .ok()
        .filter(|n| (10..=2000).contains(n))
        .ok_or_else(|| {
            bad(format!(
                "redraws {:?}: expected a whole number from 10 to 2000",
                form.redraws
            ))
        })?;
    compute_chances(
        &state.store,
        &district,
        form.season.trim(),
        redraws,
        &user.email,
    )
    .await?;
    Ok(Redirect::to(&format!("{}#chances", base(&district))).into_response())
}

/// The file a later round keeps its changes in, among its stored files.
const CHANGES: &str = "changes.csv";
/// Where a later round records the run it follows and what families answered.
const ROUND: &str = "round.json";

/// `POST /d/{district}/enrollment/runs/{id}/responses`: families' answers to a run's offers
/// (`responses.csv`: `student_id,response`, accept or decline). Decliners leave, every other
/// offer is kept as a guaranteed fallback, and the match runs again with the same seed, so
/// declined seats move down the waitlists in each program's order. The result is a new run
/// that records the one it follows; a bad file is refused with its line and nothing is kept.
pub async fn record_responses(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    mut multipart: Multipart,
) -> PageResult {
    require(&viewer, &district)?;
    let user = viewer.user().ok_or(AppError::Unauthorized)?.clone();
    let mut csrf = None;
    let mut label = String::new();
    let mut file: Option<Vec<u8>> = None;
    let mut second_round = false;
    for (name, bytes) in form_parts(&mut multipart).await? {
        match name.as_str() {
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).to_string()),
            "label" => label = String::from_utf8_lossy(&bytes).trim().to_string(),
            "responses" if !bytes.is_empty() => file = Some(bytes),
            "second_round" => second_round = bytes == b"1",
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let lang = viewer.lang;
    let parent = find_run(&state, &district, id).await?;
    let again = rerun(&state.store, &district, &parent).await?;
    let inputs = &again.inputs;
    let before = sgs_match::run_with(&inputs.market, &inputs.policy, again.seed, &inputs.changes)
        .map_err(|e| bad(e.to_string()))?;
    // Answers to the run's offers, by students of the run; a second round may have none yet.
    let responses = match &file {
        Some(bytes) => sgs_match::format::read_responses(
            sgs_match::InputFile {
                name: "responses.csv",
                bytes,
            },
            &inputs.market,
        )
        .map_err(|e| bad(e.to_string()))?,
        None if second_round => BTreeMap::new(),
        None => return Err(bad(lang.t("enr.responses_missing"))),
    };
    if responses.is_empty() && !second_round {
        return Err(bad(lang.t("enr.responses_empty")));
    }
    // A second round runs on the season's files as they are now (late applications, changed
    // lists); waitlist movement on the run's own.
    let (sources, now) = if second_round {
        let current = state.store.choice_files(&district, &parent.season).await?;
        let now = read_files(&current, Some(&parent.policy))?;
        (current, Some(now))
    } else {
        (again.sources.clone(), None)
    };
    let market = now.as_ref().map_or(&inputs.market, |i| &i.market);
    let attributes = now.as_ref().map_or(&inputs.attributes, |i| &i.attributes);
    let after = if second_round {
        sgs_match::rounds::second_round(&before, market, &responses)
    } else {
        sgs_match::rounds::after_responses(&before, &responses)
    }
    .map_err(|e| bad(e.to_string()))?;
    // The seed keeps the origin of the run it follows, so anyone can still re-derive it.
    let origin = again.record.as_ref().and_then(|r| r.seed_origin.clone());
    let out = outputs(&after, origin.as_ref());
    let (commitment, published) = commit(market, &inputs.policy, &after.changes);
    let declined = responses
        .values()
        .filter(|r| **r == sgs_match::rounds::Response::Decline)
        .count();
    // Students who moved up, or were offered a seat they did not have (by id, since a second
    // round's market may list other students).
    let mut moved_up = 0;
    let mut added = 0;
    for s in 0..market.student_count() as u32 {
        let rank =
            |run: &sgs_match::Run<'_>, s: u32| run.offer(s).map(|o| o.rank.unwrap_or(u32::MAX));
        let earlier = inputs.market.find_student(&market.students[s as usize].id);
        added += usize::from(earlier.is_none());
        match (earlier.and_then(|e| rank(&before, e)), rank(&after, s)) {
            (Some(b), Some(a)) if a < b => moved_up += 1,
            (None, Some(_)) => moved_up += 1,
            _ => {}
        }
    }
    let mut files = stored_files(&out);
    keep_sources(&mut files, &sources);
    if let Some((_, changes)) = published.iter().find(|(n, _)| *n == CHANGES) {
        files.push((CHANGES.into(), changes.clone()));
    }
    files.push((
        ROUND.into(),
        json!({
            "follows": parent.id,
            "second_round": second_round,
            "added": added,
            "responses": responses.len(),
            "declined": declined,
            "moved_up": moved_up,
        })
        .to_string(),
    ));
    let label = if !label.is_empty() {
        label
    } else if second_round {
        format!("{} · {}", parent.label, lang.t("enr.second_round"))
    } else {
        format!("{} · {}", parent.label, lang.t("enr.after_responses"))
    };
    let summary = serde_json::to_value(sgs_match::stats::summarize(&after, attributes))
        .unwrap_or(Value::Null);
    let record = NewMatchRun {
        season: &parent.season,
        label: &label,
        policy: &parent.policy,
        public_value: parent.public_value.as_deref(),
        seed: &parent.seed,
        input_digest: &commitment.input_digest,
        summary: &summary,
    };
    let new_id = state
        .store
        .record_match_run(&district, &record, &files, &user.email)
        .await?;
    Ok(Redirect::to(&format!("{}/runs/{new_id}", base(&district))).into_response())
}

async fn find_run(state: &AppState, district: &str, id: i64) -> Result<MatchRun, AppError> {
    state
        .store
        .match_runs(district)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound)
}

/// Rates as a table row: students, first, top three, any, unassigned.
fn rates_row(label: &str, rates: &Value) -> Markup {
    let n = rates["students"].as_u64().unwrap_or(0) as u32;
    let count = |k: &str| rates[k].as_u64().unwrap_or(0) as u32;
    html! {
        tr {
            th scope="row" { (label) }
            td class="num" { (n) }
            td class="num" { (percent(count("first_choice"), n)) }
            td class="num" { (percent(count("top_three"), n)) }
            td class="num" { (percent(count("any_choice"), n)) }
            td class="num" { (percent(count("unassigned"), n)) }
        }
    }
}

fn rates_table(caption: &str, rows: &[(String, &Value)], lang: Lang) -> Markup {
    let t = |k| lang.t(k);
    html! {
        div class="table-wrap" { table {
            caption { (caption) }
            thead { tr { th scope="col" { "" } th scope="col" class="num" { (t("enr.applicants")) } th scope="col" class="num" { (t("enr.first")) } th scope="col" class="num" { (t("enr.top3")) } th scope="col" class="num" { (t("enr.any")) } th scope="col" class="num" { (t("enr.unassigned")) } } }
            tbody { @for (label, rates) in rows { (rates_row(label, rates)) } }
        } }
    }
}

/// The explain form's query.
#[derive(Deserialize, Default)]
pub struct ExplainQuery {
    student: Option<String>,
}

/// `GET /d/{district}/enrollment/runs/{id}`: a run's statistics, cutoffs, verification and,
/// for one student, why she got what she got.
pub async fn run_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
    Query(query): Query<ExplainQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    require(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let run = find_run(&state, &district, id).await?;
    let again = rerun(&state.store, &district, &run).await?;
    let published: BTreeMap<String, Vec<u8>> = again
        .files
        .iter()
        .map(|(n, c)| (n.clone(), c.as_bytes().to_vec()))
        .collect();
    let verified = again.record.as_ref().and_then(|record| {
        verify(
            &again.inputs.market,
            &again.inputs.policy,
            &again.inputs.changes,
            record,
            &published,
            run.public_value.as_deref(),
        )
        .ok()
    });
    let url = base(&district);
    let summary = &run.summary;
    let by = |key: &str, label: &dyn Fn(&str) -> String| -> Vec<(String, &Value)> {
        summary[key]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (label(k), v)).collect())
            .unwrap_or_default()
    };
    let policy: sgs_match::Policy = serde_json::from_str(&run.policy).unwrap_or_default();
    let code = lang.code();
    let group_label = |g: &str| {
        g.parse::<u32>()
            .map(|g| policy.group_label(g, code))
            .unwrap_or_else(|_| g.to_string())
    };
    let areas: BTreeMap<String, String> = state
        .store
        .planning_areas(&district)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let area_label = |a: &str| areas.get(a).cloned().unwrap_or_else(|| a.to_string());
    let cutoffs = again
        .files
        .iter()
        .find(|(n, _)| n == "cutoffs.csv")
        .map(|(_, c)| c.clone())
        .unwrap_or_default();
    let mut cutoff_rows = csv::Reader::from_reader(cutoffs.as_bytes());
    let cutoff_header: Vec<String> = cutoff_rows
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let cutoff_records: Vec<Vec<String>> = cutoff_rows
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect();
    let explanation: Option<Result<Vec<String>, String>> = query
        .student
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|student| {
            let r = sgs_match::run_with(
                &again.inputs.market,
                &again.inputs.policy,
                again.seed,
                &again.inputs.changes,
            )
            .map_err(|e| e.to_string())?;
            let idx = again
                .inputs
                .market
                .find_student(student)
                .ok_or_else(|| format!("{}: {student}", t("enr.no_student")))?;
            Ok(r.explanation_text(&r.explain(idx), match_lang(lang)))
        });
    let (_, published_inputs) = commit(
        &again.inputs.market,
        &again.inputs.policy,
        &again.inputs.changes,
    );
    let round: Option<Value> = again
        .files
        .iter()
        .find(|(n, _)| n == ROUND)
        .and_then(|(_, c)| serde_json::from_str(c).ok());
    let csrf = crate::layout::csrf_field(&viewer);

    let body = html! {
        p { a href=(url) { (t("enr.title")) } }
        dl class="facts" {
            dt { (t("enr.season")) } dd { (run.season) }
            dt { (t("enr.mechanism")) } dd { (mechanism_label(&run.policy, lang)) }
            dt { (t("enr.seed")) } dd { code { (run.seed) } }
            @if let Some(v) = &run.public_value { dt { (t("enr.public_value")) } dd { (v) } }
            dt { (t("enr.digest")) } dd { code { (run.input_digest) } }
            dt { (t("enr.by")) } dd { (run.created_by) " · " (format_time(run.created_at)) }
            @if let Some(r) = &round {
                dt { (t("enr.follows")) }
                dd {
                    a href={ (url) "/runs/" (r["follows"]) } { (t("enr.run_number")) " " (r["follows"]) }
                    @if r["second_round"] == true { " · " (t("enr.second_round")) ", " (r["added"]) " " (t("enr.added_count")) }
                    " · " (r["responses"]) " " (t("enr.responses_count")) ", " (r["declined"]) " " (t("enr.declined_count")) ", " (r["moved_up"]) " " (t("enr.moved_up_count"))
                }
            }
        }
        section aria-labelledby="verify" {
            h2 id="verify" { (t("enr.verification")) }
            @match &verified {
                Some(v) if v.passed() => p { strong { (t("enr.verified")) } },
                Some(_) => p class="error" role="alert" { (t("enr.not_verified")) },
                None => p class="muted" { (t("enr.no_record")) },
            }
            p { (t("enr.verify_help")) }
            p { (t("enr.published")) ": " @for (i, (name, _)) in published_inputs.iter().enumerate() { @if i > 0 { ", " } a href={ (url) "/runs/" (id) "/published/" (name) } { (name) } } }
            p { (t("enr.outputs")) ": " @for (i, (name, _)) in again.files.iter().filter(|(n, _)| n != CHANGES && n != ROUND).enumerate() { @if i > 0 { ", " } a href={ (url) "/runs/" (id) "/files/" (name) } { (name) } } }
        }
        section aria-labelledby="responses-title" {
            h2 id="responses-title" { (t("enr.responses")) }
            p { (t("enr.responses_help")) }
            p { (t("enr.second_round_help")) }
            form method="post" action={ (url) "/runs/" (id) "/responses" } enctype="multipart/form-data" class="filters" {
                (csrf)
                div { label for="responses" { (t("enr.responses_file")) } input id="responses" name="responses" type="file" accept=".csv,text/csv"; }
                div { input id="second-round" name="second_round" type="checkbox" value="1"; " " label for="second-round" { (t("enr.second_round_check")) } }
                div { label for="round-label" { (t("enr.label")) } input id="round-label" name="label" placeholder={ (run.label) " · " (t("enr.after_responses")) }; }
                div { button type="submit" { (t("enr.move_waitlists")) } }
            }
        }
        section aria-labelledby="results" {
            h2 id="results" { (t("enr.results")) }
            (rates_table(t("enr.overall"), &[(t("enr.all").to_string(), &summary["overall"])], lang))
            (rates_table(t("enr.by_priority"), &by("by_priority_group", &group_label), lang))
            (rates_table(t("enr.by_group"), &by("by_student_group", &|g: &str| sgs_domain::StudentGroup::parse(g).map(|g| crate::pages::group_label(g, lang).to_string()).unwrap_or_else(|| g.to_string())), lang))
            (rates_table(t("enr.by_area"), &by("by_planning_area", &area_label), lang))
            (rates_table(t("enr.by_grade"), &by("by_grade", &|g: &str| g.to_string()), lang))
        }
        section aria-labelledby="explain" {
            h2 id="explain" { (t("enr.explain")) }
            form method="get" action={ (url) "/runs/" (id) } class="filters" {
                div { label for="student" { (t("enr.student_id")) } input id="student" name="student" required value=(query.student.clone().unwrap_or_default()); }
                div { button type="submit" { (t("enr.explain_button")) } }
            }
            @match &explanation {
                Some(Ok(lines)) => ul class="explanation" { @for l in lines { li { (l) } } },
                Some(Err(e)) => p class="error" role="alert" { (e) },
                None => {},
            }
        }
        section aria-labelledby="cutoffs" {
            h2 id="cutoffs" { (t("enr.cutoffs")) }
            div class="table-wrap" { table {
                thead { tr { @for h in &cutoff_header { th scope="col" { (h) } } } }
                tbody { @for r in &cutoff_records { tr { @for (i, c) in r.iter().enumerate() { @if i == 0 { th scope="row" { (c) } } @else { td { (c) } } } } } }
            } }
        }
    };
    Ok(page(&viewer, Some(&ctx), &run.label, body).into_response())
}

/// `GET /d/{district}/enrollment/runs/{id}/files/{name}`: an output file.
pub async fn output_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id, name)): Path<(String, i64, String)>,
) -> PageResult {
    require(&viewer, &district)?;
    let files = state.store.match_run_files(&district, id).await?;
    let (_, content) = files
        .into_iter()
        .find(|(n, _)| *n == name)
        .ok_or(AppError::NotFound)?;
    Ok(text_download(&name, content))
}

/// `GET /d/{district}/enrollment/runs/{id}/published/{name}`: the canonical, de-identified input
/// files a district publishes so anyone can verify the run.
pub async fn published_file(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id, name)): Path<(String, i64, String)>,
) -> PageResult {
    require(&viewer, &district)?;
    let run = find_run(&state, &district, id).await?;
    let again = rerun(&state.store, &district, &run).await?;
    let (_, files) = commit(
        &again.inputs.market,
        &again.inputs.policy,
        &again.inputs.changes,
    );
    let (_, content) = files
        .into_iter()
        .find(|(n, _)| *n == name)
        .ok_or(AppError::NotFound)?;
    Ok(text_download(&name, content))
}

/// The compare form's query.
#[derive(Deserialize)]
pub struct CompareQuery {
    a: i64,
    b: i64,
}

/// `GET /d/{district}/enrollment/compare?a=&b=`: who gains and who loses a seat between two
/// runs of the same season.
pub async fn compare_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(query): Query<CompareQuery>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    require(&viewer, &district)?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let (a, b) = (
        find_run(&state, &district, query.a).await?,
        find_run(&state, &district, query.b).await?,
    );
    if a.season != b.season {
        return Err(bad(
            "the two runs are of different seasons: compare runs on the same applications",
        ));
    }
    let (ra, rb) = (
        rerun(&state.store, &district, &a).await?,
        rerun(&state.store, &district, &b).await?,
    );
    let run_a = sgs_match::run_with(
        &ra.inputs.market,
        &ra.inputs.policy,
        ra.seed,
        &ra.inputs.changes,
    )
    .map_err(|e| bad(e.to_string()))?;
    let run_b = sgs_match::run_with(
        &rb.inputs.market,
        &rb.inputs.policy,
        rb.seed,
        &rb.inputs.changes,
    )
    .map_err(|e| bad(e.to_string()))?;
    let comparison = sgs_match::compare::compare(&run_a, &run_b, &ra.inputs.attributes)
        .map_err(|e| bad(e.to_string()))?;
    let c = serde_json::to_value(&comparison).unwrap_or(Value::Null);
    let areas: BTreeMap<String, String> = state
        .store
        .planning_areas(&district)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let policy = &ra.inputs.policy;
    let label = |key: &str, k: &str| -> String {
        match key {
            "by_priority_group" => k
                .parse::<u32>()
                .map(|g| policy.group_label(g, lang.code()))
                .unwrap_or_else(|_| k.to_string()),
            "by_student_group" => sgs_domain::StudentGroup::parse(k)
                .map(|g| crate::pages::group_label(g, lang).to_string())
                .unwrap_or_else(|| k.to_string()),
            "by_planning_area" => areas.get(k).cloned().unwrap_or_else(|| k.to_string()),
            _ => k.to_string(),
        }
    };
    let tally_rows = |key: &str| -> Vec<(String, Value)> {
        c[key]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (label(key, k), v.clone())).collect())
            .unwrap_or_default()
    };
    let table = |caption: &str, rows: Vec<(String, Value)>| -> Markup {
        html! {
            div class="table-wrap" { table {
                caption { (caption) }
                thead { tr { th scope="col" { "" } th scope="col" class="num" { (t("enr.applicants")) } th scope="col" class="num" { (t("enr.better")) } th scope="col" class="num" { (t("enr.worse")) } th scope="col" class="num" { (t("enr.newly_assigned")) } th scope="col" class="num" { (t("enr.newly_unassigned")) } th scope="col" class="num" { (t("enr.same")) } } }
                tbody { @for (label, v) in &rows { tr {
                    th scope="row" { (label) }
                    @for k in ["students", "better", "worse", "newly_assigned", "newly_unassigned", "same"] { td class="num" { (v[k].as_u64().unwrap_or(0)) } }
                } } }
            } }
        }
    };
    // One draw can flatter either policy: replay both under the same lotteries and show the
    // range of the shares that matter.
    const LOTTERIES: u32 = 40;
    let bands = |r: &Rerun| {
        sgs_match::chance::chance_of_offer(&r.inputs.market, &r.inputs.policy, r.seed, LOTTERIES, 2)
            .map_err(|e| bad(e.to_string()))
    };
    let (bands_a, bands_b) = (bands(&ra)?, bands(&rb)?);
    let band = |b: &sgs_match::chance::Band| {
        format!(
            "{:.1}% ({:.1}–{:.1}%)",
            b.mean * 100.0,
            b.low * 100.0,
            b.high * 100.0
        )
    };
    let body = html! {
        p { a href=(base(&district)) { (t("enr.title")) } }
        p { (t("enr.compare_help")) }
        div class="table-wrap" { table {
            caption { (t("enr.bands")) " (" (LOTTERIES) " " (t("enr.redraws")) ")" }
            thead { tr { th scope="col" { "" } th scope="col" { (t("enr.first")) } th scope="col" { (t("enr.top3")) } th scope="col" { (t("enr.unassigned")) } } }
            tbody {
                @for (label, r, b) in [(t("enr.before"), &a, &bands_a), (t("enr.after"), &b, &bands_b)] {
                    tr { th scope="row" { (label) ": " (r.label) } td { (band(&b.first_choice)) } td { (band(&b.top_three)) } td { (band(&b.unassigned)) } }
                }
            }
        } }
        p { strong { (t("enr.before")) ": " } a href={ (base(&district)) "/runs/" (a.id) } { (a.label) } " (" (mechanism_label(&a.policy, lang)) ") · " strong { (t("enr.after")) ": " } a href={ (base(&district)) "/runs/" (b.id) } { (b.label) } " (" (mechanism_label(&b.policy, lang)) ")" }
        (table(t("enr.overall"), vec![(t("enr.all").to_string(), c["overall"].clone())]))
        (table(t("enr.by_priority"), tally_rows("by_priority_group")))
        (table(t("enr.by_group"), tally_rows("by_student_group")))
        (table(t("enr.by_area"), tally_rows("by_planning_area")))
    };
    Ok(page(&viewer, Some(&ctx), t("enr.compare_title"), body).into_response())
}

// ---------------------------------------------------------------------------------------------
// The finder's chances.

/// The chance of an offer at each program of `campus_ids`, for the finder.
pub struct FinderChance {
    /// The program id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its grade code, or empty.
    pub grade: String,
    /// Its seats.
    pub seats: u32,
    /// Per priority group: its name, mean, low and high in percent.
    pub groups: Vec<(String, f64, f64, f64)>,
}

/// The latest chances of the programs of these campuses: the season, the redraws, whether the
/// match was deferred acceptance (where ranking in true order is always safe), and the chances.
pub async fn finder_chances(
    store: &Store,
    district: &str,
    campus_ids: &[String],
    lang: Lang,
) -> Result<(String, i64, bool, Vec<FinderChance>), AppError> {
    let Some(chances) = store.offer_chances(district).await? else {
        return Ok((String::new(), 0, false, Vec::new()));
    };
    let deferred = chances.report["lists"]["mechanism"] == "deferred_acceptance";
    let code = lang.code();
    let schools: BTreeMap<&str, (&str, &str, &str)> = chances.report["programs"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    Some((
                        p["program_id"].as_str()?,
                        (
                            p["school_id"].as_str().unwrap_or(""),
                            p["grade"].as_str().unwrap_or(""),
                            p["name"].as_str().unwrap_or(""),
                        ),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for p in chances.report["report"]["programs"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = p["program_id"].as_str().unwrap_or("");
        let Some((school, grade, name)) = schools.get(id) else {
            continue;
        };
        if !campus_ids.iter().any(|c| c == school) {
            continue;
        }
        let groups = p["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                let priority = g["priority"].as_u64().unwrap_or(0).to_string();
                let label = chances.report["priority_groups"][&priority][code]
                    .as_str()
                    .unwrap_or(&priority)
                    .to_string();
                let pct = |k: &str| g["chance"][k].as_f64().unwrap_or(0.0) * 100.0;
                (label, pct("mean"), pct("low"), pct("high"))
            })
            .collect();
        out.push(FinderChance {
            id: id.to_string(),
            name: name.to_string(),
            grade: grade.to_string(),
            seats: p["capacity"].as_u64().unwrap_or(0) as u32,
            groups,
        });
    }
    Ok((chances.season, chances.redraws, deferred, out))
}

// ---------------------------------------------------------------------------------------------
// The JSON API.

/// `GET /api/v1/districts/{district}/match-runs`: the enrollment office and administrators.
/// Each run with its policy, seed, digest and summary statistics.
pub async fn api_runs(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> Result<axum::Json<Value>, crate::error::ApiError> {
    require(&viewer, &district)?;
    Ok(axum::Json(json!(state.store.match_runs(&district).await?)))
}

/// `GET /api/v1/districts/{district}/offer-chances/list?p1=…&g1=…&p2=…`: public. The chances of
/// one new applicant's whole list (program ids `p1`, `p2`, … in order, each with the priority
/// group `g1`, `g2`, … that applies to her there, the last group when left out), as the finder's
/// list builder shows them. A list the estimate cannot take is refused with the choice at fault.
pub async fn api_list_chances(
    State(state): State<AppState>,
    Path(district): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<axum::Json<Value>, crate::error::ApiError> {
    district_ctx(&state, &district).await?;
    let stored = state
        .store
        .offer_chances(&district)
        .await?
        .ok_or(AppError::NotFound)?;
    let model: sgs_match::chance::ListModel =
        serde_json::from_value(stored.report["lists"].clone()).map_err(|_| {
            bad("these chances were computed before list estimates existed: compute them again")
        })?;
    let worst = model.groups.last().copied().unwrap_or(0);
    let mut list: Vec<(&str, u32)> = Vec::new();
    for k in 1..=MOST_CHOICES.max(model.longest_list) {
        let Some(program) = params.get(&format!("p{k}")).map(|p| p.trim()) else {
            continue;
        };
        if program.is_empty() {
            continue;
        }
        let group = match params.get(&format!("g{k}")).map(|g| g.trim()) {
            None | Some("") => worst,
            Some(g) => g.parse().map_err(|_| {
                bad(format!(
                    "g{k} {g:?}: expected a priority group number, one of {:?}",
                    model.groups
                ))
            })?,
        };
        list.push((program, group));
    }
    let chances = model.chances(&list).map_err(|e| bad(e.to_string()))?;
    let names: BTreeMap<&str, &str> = stored.report["programs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["program_id"].as_str()?, p["name"].as_str().unwrap_or(""))))
        .collect();
    let choices: Vec<Value> = list
        .iter()
        .zip(&chances.at)
        .map(|((p, g), band)| {
            json!({
                "program_id": p,
                "name": names.get(p).copied().unwrap_or(""),
                "priority_group": g,
                "chance": band,
            })
        })
        .collect();
    Ok(axum::Json(json!({
        "season": stored.season,
        "redraws": model.redraws,
        "tie_breaking": model.tie_breaking,
        "choices": choices,
        "any": chances.any,
        "none": chances.none,
    })))
}

/// `GET /api/v1/districts/{district}/offer-chances`: public. The latest chance-of-offer estimate
/// per program and priority group, as the finder shows it; no student data.
pub async fn api_chances(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<axum::Json<Value>, crate::error::ApiError> {
    district_ctx(&state, &district).await?;
    Ok(axum::Json(
        match state.store.offer_chances(&district).await? {
            Some(c) => {
                json!({"season": c.season, "redraws": c.redraws, "computed_at": c.computed_at, "programs": c.report["programs"], "priority_groups": c.report["priority_groups"], "chances": c.report["report"]["programs"]})
            }
            None => Value::Null,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// The finder's list builder: a family ranks programs and sees the chances of the whole list.

/// Most shares kept for list estimates when chances are stored: every redraw of the demo, and
/// about 200 of a city's 700 programs under deferred acceptance, so that the stored estimate
/// stays under 2 MB.
pub const LIST_SHARES: usize = 400_000;

/// Most choices the list builder shows, whatever the longest list last season.
const MOST_CHOICES: u32 = 12;

/// A program families can rank, from the stored estimate.
struct ListProgram {
    id: String,
    name: String,
    grade: Option<sgs_domain::Grade>,
}

fn grade_text(grade: Option<sgs_domain::Grade>, lang: Lang) -> String {
    match grade {
        Some(sgs_domain::Grade::K) => lang.t("list.kindergarten").to_string(),
        Some(g) => format!("{} {}", lang.t("list.grade"), g.code()),
        None => lang.t("list.any_grade").to_string(),
    }
}

/// One problem with the list, on one choice row.
struct RowError {
    row: u32,
    text: String,
}

/// One choice row as entered.
struct ListRow<'p> {
    /// Its number on the page, from 1.
    row: u32,
    /// The program, when one was chosen and is known.
    program: Option<&'p ListProgram>,
    /// The program id as entered.
    text: String,
    /// The priority group (the worst when none or a bad one was given).
    group: u32,
}

/// Reads the choice rows `p1`/`g1` … `p{rows}`/`g{rows}` and finds what is wrong with them:
/// an unknown program or group, a program twice, a program of another grade than the one
/// chosen or than the rows above.
fn read_rows<'p>(
    params: &BTreeMap<String, String>,
    programs: &'p [ListProgram],
    model: &sgs_match::chance::ListModel,
    chosen_grade: Option<sgs_domain::Grade>,
    rows: u32,
    lang: Lang,
) -> (Vec<ListRow<'p>>, Vec<RowError>) {
    let t = |k| lang.t(k);
    let worst_group = model.groups.last().copied().unwrap_or(0);
    let mut errors: Vec<RowError> = Vec::new();
    let mut entered: Vec<ListRow<'p>> = Vec::new();
    let mut fail = |row: u32, text: String| errors.push(RowError { row, text });
    for row in 1..=rows {
        let field = |name: &str| {
            params
                .get(&format!("{name}{row}"))
                .map(|v| v.trim())
                .unwrap_or("")
        };
        let (text, group_text) = (field("p"), field("g"));
        let group = if group_text.is_empty() {
            worst_group
        } else {
            match group_text.parse::<u32>() {
                Ok(g) if model.groups.contains(&g) => g,
                _ => {
                    fail(row, t("list.bad_group").to_string());
                    worst_group
                }
            }
        };
        let program = if text.is_empty() {
            None
        } else {
            let found = programs.iter().find(|p| p.id == text);
            let chosen = entered.iter().filter_map(|r| r.program.map(|p| (r.row, p)));
            match found {
                None => fail(row, t("list.unknown_program").to_string()),
                Some(p) => {
                    if let Some((first, _)) = chosen.clone().find(|(_, q)| q.id == p.id) {
                        fail(row, format!("{} {first}", t("list.repeats")));
                    } else if chosen_grade.is_some() && p.grade != chosen_grade {
                        let grade = grade_text(p.grade, lang);
                        fail(row, format!("{} ({grade})", t("list.other_grade")));
                    } else if let Some((other, q)) =
                        chosen.clone().find(|(_, q)| q.grade != p.grade)
                    {
                        fail(
                            row,
                            t("list.mixed_grades")
                                .replace("{this}", &grade_text(p.grade, lang))
                                .replace("{row}", &other.to_string())
                                .replace("{other}", &grade_text(q.grade, lang)),
                        );
                    }
                }
            }
            found
        };
        entered.push(ListRow {
            row,
            program,
            text: text.to_string(),
            group,
        });
    }
    (entered, errors)
}

/// `GET /d/{district}/finder/list`: public, and nothing entered is stored. `grade` narrows the
/// programs; `p1`, `g1`, `p2`, `g2`, … are the choices (program id, priority group) in order,
/// blank rows skipped.
pub async fn finder_list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> PageResult {
    let ctx = district_ctx(&state, &district).await?;
    let lang = viewer.lang;
    let t = |k| lang.t(k);
    let title = t("list.title");
    let finder = format!("/d/{district}/finder");
    let stored = state.store.offer_chances(&district).await?;
    let model: Option<sgs_match::chance::ListModel> = stored
        .as_ref()
        .and_then(|c| serde_json::from_value(c.report["lists"].clone()).ok());
    let (Some(stored), Some(model)) = (stored, model) else {
        let body = html! {
            p { (t("list.none_yet")) }
            p { a href=(finder) { (t("list.back")) } }
        };
        return Ok(page(&viewer, Some(&ctx), title, body).into_response());
    };

    let programs: Vec<ListProgram> = stored.report["programs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let id = p["program_id"].as_str()?.to_string();
            Some(ListProgram {
                name: p["name"].as_str().unwrap_or(&id).to_string(),
                grade: p["grade"].as_str().and_then(sgs_domain::Grade::parse),
                id,
            })
        })
        .filter(|p| model.programs.contains(&p.id) && !model.score_based.contains(&p.id))
        .collect();
    let mut grades: Vec<Option<sgs_domain::Grade>> = programs.iter().map(|p| p.grade).collect();
    grades.sort();
    grades.dedup();
    let code = lang.code();
    let group_name = |g: u32| -> String {
        stored.report["priority_groups"][g.to_string()][code]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {g}", t("list.group")))
    };
    let chosen_grade = params
        .get("grade")
        .filter(|g| !g.is_empty())
        .and_then(|g| sgs_domain::Grade::parse(g));
    let rows = model.longest_list.clamp(3, MOST_CHOICES);

    let (entered, errors) = read_rows(&params, &programs, &model, chosen_grade, rows, lang);
    let list: Vec<(&str, u32)> = entered
        .iter()
        .filter_map(|r| r.program.map(|p| (p.id.as_str(), r.group)))
        .collect();
    let result = if errors.is_empty() && !list.is_empty() {
        match model.chances(&list) {
            Ok(c) => Some(c),
            Err(e) => {
                // The rows were checked above, so only a damaged estimate gets here.
                return Err(bad(e.to_string()));
            }
        }
    } else {
        None
    };
    let grade = chosen_grade.or_else(|| {
        entered
            .iter()
            .find_map(|r| r.program.map(|p| p.grade))
            .flatten()
    });
    let options: Vec<&ListProgram> = programs
        .iter()
        .filter(|p| grade.is_none() || p.grade == grade)
        .collect();
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let band = |b: &sgs_match::chance::Band| {
        html! {
            strong { (pct(b.mean)) }
            @if pct(b.low) != pct(b.high) { " " span class="muted" { "(" (pct(b.low)) "–" (pct(b.high)) ")" } }
        }
    };
    // Back at the result after each estimate, on a phone too.
    let action = format!("/d/{district}/finder/list#list-result");
    let error_of = |row: u32| errors.iter().position(|e| e.row == row);

    let body = html! {
        p { (t("list.intro")) }
        p class="muted" { (t("list.private")) " " (t("list.reserves")) }
        @if !errors.is_empty() {
            div class="error" role="alert" {
                p { strong { (t("list.fix")) } }
                ul { @for (i, e) in errors.iter().enumerate() {
                    li id={ "list-error-" (i) } { (t("list.choice")) " " (e.row) ": " (e.text) }
                } }
            }
        }
        @if let Some(c) = &result {
            section id="list-result" aria-labelledby="list-result-title" tabindex="-1" {
                h2 id="list-result-title" { (t("list.result")) }
                p { (t("list.result_help")) " (" (stored.season) ", " (model.redraws) " " (t("list.lotteries")) ")" }
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (t("list.choice")) }
                        th scope="col" { (t("list.school")) " · " (t("list.priority")) }
                        th scope="col" { (t("list.offered_here")) }
                    } }
                    tbody {
                        @for (r, b) in entered.iter().filter(|r| r.program.is_some()).zip(&c.at) {
                            tr {
                                td { (r.row) }
                                th scope="row" { (r.program.map(|p| p.name.as_str()).unwrap_or("")) br; span class="muted" { (group_name(r.group)) } }
                                td { (band(b)) }
                            }
                        }
                    }
                    tfoot {
                        tr { th scope="row" colspan="2" { (t("list.any")) } td { (band(&c.any)) } }
                        tr { th scope="row" colspan="2" { (t("list.no_offer")) } td { (band(&c.none)) } }
                    }
                } }
                @if model.mechanism == sgs_match::Mechanism::ImmediateAcceptance {
                    p { strong { (t("list.immediate")) } }
                }
                @if model.tie_breaking == sgs_match::TieBreaking::Single {
                    p { (t("list.one_number")) }
                }
                @if model.mechanism == sgs_match::Mechanism::DeferredAcceptance {
                    p { (t("finder.truthful")) }
                }
                @if c.none.mean > 0.2 {
                    p { strong { (t("list.add_more")) } }
                }
            }
        }
        @if result.is_some() { h2 { (t("list.change")) } }
        form method="get" action=(action) class="choice-list" {
            @if grades.len() > 1 {
                div class="filters" {
                    div {
                        label for="grade" { (t("list.grade_label")) }
                        select id="grade" name="grade" {
                            option value="" { (t("list.any_grade")) }
                            @for g in grades.iter().flatten() {
                                option value=(g.code()) selected[grade == Some(*g)] { (grade_text(Some(*g), lang)) }
                            }
                        }
                    }
                    div { button type="submit" name="show" value="1" { (t("list.show_grade")) } }
                }
            }
            ol class="choices" {
                @for ListRow { row, text: program, group, .. } in &entered {
                    li {
                        fieldset class="choice-row" {
                            legend { (t("list.choice")) " " (row) }
                            @let invalid = error_of(*row);
                            div {
                                label for={ "p" (row) } { (t("list.school")) }
                                select id={ "p" (row) } name={ "p" (row) }
                                    aria-invalid=[invalid.map(|_| "true")]
                                    aria-describedby=[invalid.map(|i| format!("list-error-{i}"))] {
                                    option value="" { "—" }
                                    @for p in &options {
                                        option value=(p.id) selected[*program == p.id] { (p.name) }
                                    }
                                }
                            }
                            div {
                                label for={ "g" (row) } { (t("list.priority")) }
                                select id={ "g" (row) } name={ "g" (row) } {
                                    @for g in &model.groups {
                                        option value=(g) selected[*group == *g] { (group_name(*g)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p class="muted" { (t("list.priority_help")) }
            button type="submit" { (t("list.estimate")) }
        }
        p { a href=(finder) { (t("list.back")) } }
    };
    Ok(page(&viewer, Some(&ctx), title, body).into_response())
}
