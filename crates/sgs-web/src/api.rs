//! The JSON API under `/api/v1`: what the screens show and change, under the same role rules.
//! Scripts sign in with `POST /api/v1/session` and send the token as `Authorization: Bearer`.

use axum::extract::{Path, State};
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
