//! The JSON API under `/api/v1`: what the screens show and change, under the same role rules.
//! Scripts sign in with `POST /api/v1/session` and send the token as `Authorization: Bearer`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sgs_domain::summary::summarize;
use sgs_domain::{Role, SchoolYear};

use crate::auth::{self, Viewer, SESSION_SECONDS};
use crate::error::{ApiError, AppError};
use crate::pages::campus_in_district;
use crate::AppState;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Sign-in request.
#[derive(Deserialize)]
pub struct SessionRequest {
    email: String,
    password: String,
}

/// Sign-in answer.
#[derive(Serialize)]
pub struct SessionResponse {
    token: String,
    expires_in: i64,
    role: Role,
    district_id: Option<String>,
}

/// `POST /api/v1/session`: exchanges email and password for a bearer token.
pub async fn create_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Json(request): Json<SessionRequest>,
) -> ApiResult<SessionResponse> {
    let user = auth::sign_in(&state, &request.email, &request.password, viewer.client).await?;

    let token = auth::new_token();
    state
        .store
        .create_session(
            &auth::token_hash(&token),
            user.id,
            &auth::new_token(),
            sgs_store::now() + SESSION_SECONDS,
        )
        .await?;

    Ok(Json(SessionResponse {
        token,
        expires_in: SESSION_SECONDS,
        role: user.role,
        district_id: user.district_id,
    }))
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// `GET /api/v1/districts`.
pub async fn districts(State(state): State<AppState>) -> ApiResult<Value> {
    let districts = state.store.districts().await?;
    Ok(Json(json!(districts
        .into_iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect::<Vec<_>>())))
}

async fn require_district(state: &AppState, district: &str) -> Result<(), ApiError> {
    state
        .store
        .district(district)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
}

/// `GET /api/v1/districts/{district}/summary`: students and campuses by tier per year.
pub async fn summary(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    let summaries = summarize(&state.store.campus_years(&district, None).await?);
    let years: Vec<Value> = summaries
        .iter()
        .map(|s| {
            json!({
                "school_year": s.school_year,
                "students": s.students,
                "campuses": s.campuses,
                "students_by_tier": s.students_by_tier.iter().map(|(t, n)| (t.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
                "campuses_by_tier": s.campuses_by_tier.iter().map(|(t, n)| (t.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
                "quality_share": s.quality_share(),
            })
        })
        .collect();
    Ok(Json(json!({ "district_id": district, "years": years })))
}

/// `GET /api/v1/districts/{district}/campuses`.
pub async fn campuses(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    Ok(Json(json!(state.store.campuses(&district).await?)))
}

/// `GET /api/v1/districts/{district}/campuses/{campus}`: facts and every year; student groups
/// only for staff of the district.
pub async fn campus(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, campus_id)): Path<(String, String)>,
) -> ApiResult<Value> {
    // Student-group sizes are staff data: small counts can identify students.
    let staff = viewer.may(&district, Role::can_view_staff_pages);
    let campus = campus_in_district(&state, &district, &campus_id).await?;
    let years: Vec<Value> = state
        .store
        .campus_years(&district, Some(&campus_id))
        .await?
        .into_iter()
        .map(|((_, year), facts)| {
            json!({
                "school_year": year,
                "enrollment": facts.enrollment.iter().map(|(g, n)| (g.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
                "total_enrollment": facts.total_enrollment(),
                "capacity": facts.capacity,
                "rating": facts.rating.as_ref().map(|r| r.to_string()),
                "overall_score": facts.overall_score,
                "achievement_score": facts.achievement_score,
                "progress_score": facts.progress_score,
                "closing_gaps_score": facts.closing_gaps_score,
                "groups": staff.then(|| facts.groups.iter().map(|(g, m)| (g.code(), json!(m))).collect::<std::collections::BTreeMap<_, _>>()),
            })
        })
        .collect();
    Ok(Json(json!({ "campus": campus, "years": years })))
}

/// Capacity change.
#[derive(Deserialize)]
pub struct CapacityRequest {
    school_year: String,
    capacity: Option<u32>,
}

/// `PUT /api/v1/districts/{district}/campuses/{campus}/capacity`: analysts and administrators.
pub async fn set_capacity(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((district, campus_id)): Path<(String, String)>,
    Json(request): Json<CapacityRequest>,
) -> ApiResult<Value> {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let campus = campus_in_district(&state, &district, &campus_id).await?;
    let year =
        SchoolYear::parse(&request.school_year).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if request.capacity.is_some_and(|c| c > 20_000) {
        return Err(AppError::BadRequest(
            "capacity is not valid: expected 0 to 20000 seats".into(),
        )
        .into());
    }

    state
        .store
        .set_capacity(&campus.id, year, request.capacity, &user.email)
        .await?;

    Ok(Json(
        json!({ "campus_id": campus.id, "school_year": year, "capacity": request.capacity }),
    ))
}

/// `GET /api/v1/districts/{district}/grade-bands`: the bands the district plans by.
pub async fn grade_bands(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    Ok(Json(
        json!({ "grade_bands": state.store.grade_bands(&district).await? }),
    ))
}

/// Grade-band change: `{"grade_bands": "K-5, 6-8, 9-12"}`.
#[derive(Deserialize)]
pub struct GradeBandsRequest {
    grade_bands: String,
}

/// `PUT /api/v1/districts/{district}/grade-bands`: analysts and administrators.
pub async fn set_grade_bands(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(district): Path<String>,
    Json(request): Json<GradeBandsRequest>,
) -> ApiResult<Value> {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let bands = sgs_domain::GradeBand::parse_list(&request.grade_bands)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;

    state
        .store
        .set_grade_bands(&district, &bands, &user.email)
        .await?;

    Ok(Json(json!({ "grade_bands": bands })))
}

/// `GET /api/v1/districts/{district}/imports`: staff only.
pub async fn imports(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    viewer.require(&district, Role::can_view_staff_pages)?;
    Ok(Json(json!(state.store.imports(&district).await?)))
}

/// `GET /api/v1/districts/{district}/audit`: administrators only.
pub async fn audit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    viewer.require(&district, Role::can_administer)?;
    Ok(Json(json!(state.store.audit_log(&district, 500).await?)))
}

// ---------------------------------------------------------------------------------------------
// Lever 1: the North Star, the Quality Seats Analysis, projections, triggers, the plan and
// scenarios. The same functions the screens and the `sgs` commands call.

/// `GET /api/v1/districts/{district}/north-star`: students and schools by tier per year, by
/// group and by planning area, against the goal.
pub async fn north_star(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    let years = sgs_analysis::north_star(
        &data.campuses,
        &data.years,
        &data.framework,
        data.goal.as_ref(),
    );
    Ok(Json(json!({
        "district_id": district,
        "goal": data.goal,
        "framework": data.framework,
        "years": years,
    })))
}

/// Goal change: `{"target_percent": 80, "target_year": "2027-2028"}`.
#[derive(Deserialize)]
pub struct GoalRequest {
    target_percent: f64,
    target_year: String,
}

/// `PUT /api/v1/districts/{district}/goal`: analysts and administrators.
pub async fn set_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(district): Path<String>,
    Json(request): Json<GoalRequest>,
) -> ApiResult<Value> {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let (percent, year) =
        crate::lever1::checked_goal(&request.target_percent.to_string(), &request.target_year)?;
    state
        .store
        .set_north_star_goal(&district, percent, year, &user.email)
        .await?;
    Ok(Json(
        json!({ "target_percent": percent, "target_year": year }),
    ))
}

/// `GET /api/v1/districts/{district}/seat-gaps?within=&by=zone`: the Quality Seats Analysis.
pub async fn seat_gaps(
    State(state): State<AppState>,
    Path(district): Path<String>,
    Query(query): Query<crate::lever1::GapQuery>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    Ok(Json(json!(crate::lever1::qsa(&data, &query))))
}

/// `GET /api/v1/districts/{district}/projections?horizon=&transitions=&average=`: the district
/// forecast with its band, and each open campus's projection and back-test.
pub async fn projections(
    State(state): State<AppState>,
    Path(district): Path<String>,
    Query(query): Query<crate::lever1::ProjectionQuery>,
) -> ApiResult<Value> {
    use sgs_analysis::projection::{backtest, forecast, Series};
    require_district(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    let settings = query.settings();
    let district_forecast = Series::from_campus_years(&data.years, None)
        .filter(|s| s.years.len() >= 3)
        .map(|series| {
            let births = (!data.births.is_empty()).then_some(&data.births);
            let projected = forecast(&series, &settings, births);
            json!({
                "years": projected.years,
                "low": projected.low_total,
                "likely": projected.likely_total,
                "high": projected.high_total,
                "backtest_mape_percent": backtest(&series, &settings, 2),
            })
        });
    let campuses: Vec<Value> = crate::lever1::campus_projections(&data, &settings)
        .into_iter()
        .map(|r| {
            json!({
                "campus_id": r.campus.id,
                "name": r.campus.name,
                "latest_enrollment": r.latest,
                "projected": {"low": r.projected.0, "likely": r.projected.1, "high": r.projected.2},
                "backtest_mape_percent": r.backtest,
                "utilization": r.utilization.map(|(u, _)| u),
            })
        })
        .collect();
    Ok(Json(json!({
        "horizon": settings.horizon,
        "transitions": settings.transitions,
        "district": district_forecast,
        "campuses": campuses,
    })))
}

/// `GET /api/v1/districts/{district}/triggers`: Texas accountability standing per campus.
pub async fn triggers(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    require_district(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    Ok(Json(json!(sgs_analysis::triggers::triggers(
        &data.campuses,
        &data.years
    ))))
}

/// `GET /api/v1/districts/{district}/plan`: staff. Each open campus with what the policy knows
/// of it and the actions it proposes, the policy itself, and the recorded decisions.
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    viewer.require(&district, Role::can_view_staff_pages)?;
    require_district(&state, &district).await?;
    let data = crate::lever1::load(&state.store, &district).await?;
    let policy = crate::plan::policy_of(&state.store, &district).await?;
    let campuses: Vec<Value> = crate::plan::campus_facts(&data)
        .into_iter()
        .map(|(id, facts)| {
            let candidates: Vec<Value> = sgs_analysis::portfolio::candidates(&policy, &facts)
                .into_iter()
                .map(|(action, reason)| json!({"action": action.code(), "reason": reason}))
                .collect();
            json!({"campus_id": id, "facts": facts, "candidates": candidates})
        })
        .collect();
    let decisions: Vec<Value> = state
        .store
        .decisions(&district)
        .await?
        .into_iter()
        .map(|d| {
            json!({
                "id": d.id,
                "campus_id": d.campus_id,
                "school_year": d.school_year,
                "action": d.action,
                "rationale": d.rationale,
                "owner": d.owner,
                "decided_at": d.decided_at,
            })
        })
        .collect();
    Ok(Json(
        json!({ "policy": policy, "campuses": campuses, "decisions": decisions }),
    ))
}

/// `POST /api/v1/districts/{district}/plan/decisions`: analysts and administrators.
pub async fn record_decision(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(district): Path<String>,
    Json(request): Json<crate::plan::Decision>,
) -> ApiResult<Value> {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    crate::plan::save_decision(&state, &district, &request, &user.email).await?;
    Ok(Json(json!({ "recorded": true })))
}

/// `GET /api/v1/districts/{district}/scenarios`: staff.
pub async fn scenarios(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(district): Path<String>,
) -> ApiResult<Value> {
    viewer.require(&district, Role::can_view_staff_pages)?;
    let list: Vec<Value> = state
        .store
        .scenarios(&district)
        .await?
        .into_iter()
        .map(|s| json!({"id": s.id, "name": s.name, "actions": s.actions}))
        .collect();
    Ok(Json(json!(list)))
}

/// A new scenario: `{"name": "…", "actions": [ {"type": "change_tier", …}, … ]}`.
#[derive(Deserialize)]
pub struct ScenarioRequest {
    name: String,
    #[serde(default)]
    actions: Vec<sgs_analysis::scenario::ProposedAction>,
}

/// `POST /api/v1/districts/{district}/scenarios`: analysts and administrators. Returns the new
/// scenario's id and its comparison with the baseline.
pub async fn create_scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(district): Path<String>,
    Json(request): Json<ScenarioRequest>,
) -> ApiResult<Value> {
    let user = viewer.require(&district, Role::can_edit_data)?;
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let name = crate::scenarios::checked_name(&request.name)?;
    require_district(&state, &district).await?;
    let actions = serde_json::to_value(&request.actions)
        .map_err(|e| AppError::BadRequest(format!("actions: {e}")))?;
    let id = state
        .store
        .create_scenario(&district, name, &user.email)
        .await?;
    state
        .store
        .set_scenario_actions(&district, id, &actions, &user.email)
        .await?;
    scenario_reply(&state, &district, id).await
}

/// `GET /api/v1/districts/{district}/scenarios/{id}`: staff. The scenario and its comparison
/// with the baseline.
pub async fn scenario(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((district, id)): Path<(String, i64)>,
) -> ApiResult<Value> {
    viewer.require(&district, Role::can_view_staff_pages)?;
    scenario_reply(&state, &district, id).await
}

async fn scenario_reply(state: &AppState, district: &str, id: i64) -> ApiResult<Value> {
    let stored = state
        .store
        .scenario(district, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scenario = crate::scenarios::stored_scenario(&stored)?;
    let data = crate::lever1::load(&state.store, district).await?;
    let result = crate::scenarios::evaluate(&data, &scenario);
    Ok(Json(json!({
        "id": stored.id,
        "name": stored.name,
        "actions": stored.actions,
        "result": result,
    })))
}
