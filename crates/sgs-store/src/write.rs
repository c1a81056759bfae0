//! Writing district data: one import batch or one edit, all-or-nothing, audited.

use std::collections::BTreeSet;

use serde_json::json;
use sgs_domain::{
    geo, Campus, CampusId, CampusStatus, DistrictId, DistrictSnapshot, GradeBand, SchoolYear,
};
use sqlx::{AnyConnection, Row};

use crate::settings::upsert_grade_bands;
use crate::sql::{insert_rows, Value};
use crate::{audit, Result, Store, StoreError};

/// Which parts of a district's data a batch replaces. Parts left `false` are untouched, and a
/// yearly part is replaced only for the listed `years`, so re-importing a year is idempotent and
/// other years stay as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplaceScope {
    /// Insert or update campus facts. Known values are never overwritten by missing ones.
    pub campuses: bool,
    /// The batch's campuses carry only coordinates: update latitude and longitude of campuses
    /// already stored and ignore the rest.
    pub coordinates_only: bool,
    /// Replace enrollment by grade for `years`.
    pub enrollment: bool,
    /// Replace ratings and domain scores for `years`.
    pub ratings: bool,
    /// Replace capacities for `years`.
    pub capacity: bool,
    /// Replace student-group sizes for `years`.
    pub groups: bool,
    /// Replace resident counts for `years`.
    pub residents: bool,
    /// Replace the planning areas.
    pub planning_areas: bool,
    /// Replace the attendance zones.
    pub attendance_zones: bool,
    /// Replace the births series.
    pub births: bool,
    /// Replace the planning documents: the North Star goal, the definition of great, the
    /// school-action policy and the scenarios (each set or cleared as the snapshot has it).
    pub planning: bool,
    /// Replace the decisions of the annual school plan.
    pub plan_decisions: bool,
    /// Replace the district boundary.
    pub boundary: bool,
    /// Replace the district's settings (its grade bands) when the batch carries them.
    pub settings: bool,
    /// The school years the yearly parts cover.
    pub years: Vec<SchoolYear>,
}

impl ReplaceScope {
    /// Every part, for the given years: what the demo and a full bundle import use.
    pub fn everything(years: Vec<SchoolYear>) -> Self {
        ReplaceScope {
            campuses: true,
            coordinates_only: false,
            enrollment: true,
            ratings: true,
            capacity: true,
            groups: true,
            residents: true,
            planning_areas: true,
            attendance_zones: true,
            births: true,
            boundary: true,
            settings: true,
            // A demo refresh keeps the goal, scenarios and decisions people made on it.
            planning: false,
            plan_decisions: false,
            years,
        }
    }
}

/// What a batch changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApplyReport {
    /// Campuses inserted or updated.
    pub campuses: usize,
    /// Campuses created only because yearly data named them.
    pub campuses_created: usize,
    /// Campus-year records written.
    pub campus_years: usize,
    /// Resident-count rows written.
    pub resident_counts: usize,
    /// Planning areas written.
    pub planning_areas: usize,
    /// Id of the import record.
    pub import_id: i64,
}

/// Describes a batch for the import log and audit trail.
#[derive(Debug, Clone)]
pub struct BatchSource<'a> {
    /// Who ran it (account email or `cli`).
    pub actor: &'a str,
    /// File kind code.
    pub kind: &'a str,
    /// File name as given.
    pub file: &'a str,
    /// Data rows read.
    pub rows: usize,
}

impl Store {
    /// Applies one batch for `district_id` in a single transaction, records it in the import
    /// log and the audit trail, and returns what changed. On any error nothing is written.
    pub async fn apply_batch(
        &self,
        district_id: &DistrictId,
        district_name: Option<&str>,
        scope: &ReplaceScope,
        snapshot: &DistrictSnapshot,
        source: BatchSource<'_>,
    ) -> Result<ApplyReport> {
        let mut reports = self
            .apply_batches(
                district_id,
                district_name,
                &[(scope.clone(), snapshot, source)],
            )
            .await?;
        Ok(reports.remove(0))
    }

    /// Applies several batches, in order, in one transaction: either every file of an import
    /// lands or none does.
    pub async fn apply_batches(
        &self,
        district_id: &DistrictId,
        district_name: Option<&str>,
        batches: &[(ReplaceScope, &DistrictSnapshot, BatchSource<'_>)],
    ) -> Result<Vec<ApplyReport>> {
        let mut tx = self.pool.begin().await?;
        let conn: &mut AnyConnection = &mut tx;

        let mut reports = Vec::new();
        for (scope, snapshot, source) in batches {
            let report = apply(conn, district_id, district_name, scope, snapshot, source).await?;
            reports.push(report);
        }

        tx.commit().await?;
        for (report, (_, _, source)) in reports.iter().zip(batches) {
            tracing::info!(
                district.id = district_id.as_str(),
                import.kind = source.kind,
                import.rows = source.rows,
                campus_years = report.campus_years,
                "import applied"
            );
        }
        Ok(reports)
    }

    /// Records an import that was refused, so the data page can show it with its error.
    pub async fn record_failed_import(
        &self,
        district_id: &DistrictId,
        source: BatchSource<'_>,
        message: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id = audit::insert_import(&mut tx, district_id, &source, "failed", message).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a campus's capacity for a year, recording the change with its before and after.
    pub async fn set_capacity(
        &self,
        campus_id: &CampusId,
        school_year: SchoolYear,
        capacity: Option<u32>,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;

        let district: Option<String> =
            sqlx::query("SELECT district_id FROM campuses WHERE id = $1")
                .bind(campus_id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| row.get(0));
        let Some(district) = district else {
            return Err(StoreError::NotFound(format!("campus {campus_id}")));
        };
        // Write first, then read: the row lock (PostgreSQL) or write lock (SQLite) is taken
        // before "before" is read, so two edits cannot both record the same starting value.
        sqlx::query(
            "INSERT INTO campus_years (campus_id, school_year) VALUES ($1, $2) \
             ON CONFLICT (campus_id, school_year) DO NOTHING",
        )
        .bind(campus_id.as_str())
        .bind(school_year.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE campus_years SET capacity = capacity WHERE campus_id = $1 AND school_year = $2",
        )
        .bind(campus_id.as_str())
        .bind(school_year.to_string())
        .execute(&mut *tx)
        .await?;
        let before: Option<i64> = sqlx::query(
            "SELECT capacity FROM campus_years WHERE campus_id = $1 AND school_year = $2",
        )
        .bind(campus_id.as_str())
        .bind(school_year.to_string())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        sqlx::query(
            "UPDATE campus_years SET capacity = $1 WHERE campus_id = $2 AND school_year = $3",
        )
        .bind(capacity.map(i64::from))
        .bind(campus_id.as_str())
        .bind(school_year.to_string())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(&district),
            actor,
            "set_capacity",
            &format!("campus:{campus_id}/{school_year}"),
            Some(json!({ "capacity": before })),
            Some(json!({ "capacity": capacity })),
        )
        .await?;

        tx.commit().await?;
        Ok(())
    }
}

async fn apply(
    conn: &mut AnyConnection,
    district_id: &DistrictId,
    district_name: Option<&str>,
    scope: &ReplaceScope,
    snapshot: &DistrictSnapshot,
    source: &BatchSource<'_>,
) -> Result<ApplyReport> {
    let mut report = ApplyReport::default();
    let district = district_id.as_str();

    // The district row comes first: everything else refers to it.
    let name = district_name
        .filter(|n| !n.is_empty())
        .or(Some(snapshot.name.as_str()).filter(|n| !n.is_empty()));
    sqlx::query(
        "INSERT INTO districts (id, name) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET name = COALESCE($3, districts.name)",
    )
    .bind(district)
    .bind(name.unwrap_or(district).to_string())
    .bind(name.map(str::to_string))
    .execute(&mut *conn)
    .await?;

    for campus in &snapshot.campuses {
        if campus.id.district_id() != *district_id || campus.district_id != *district_id {
            return Err(StoreError::Invalid(format!(
                "campus {} belongs to district {}, not {district}",
                campus.id,
                campus.id.district_id()
            )));
        }
    }

    // Campus facts.
    if scope.coordinates_only {
        for campus in &snapshot.campuses {
            sqlx::query(
                "UPDATE campuses SET latitude = $1, longitude = $2 \
                 WHERE id = $3 AND district_id = $4",
            )
            .bind(campus.latitude)
            .bind(campus.longitude)
            .bind(campus.id.as_str())
            .bind(district)
            .execute(&mut *conn)
            .await?;
        }
    } else if scope.campuses {
        for campus in &snapshot.campuses {
            upsert_campus(conn, campus).await?;
        }
        report.campuses = snapshot.campuses.len();
    }

    // Yearly data may name campuses not yet known (a campus opened after the directory was
    // published). They are created from what the batch says of them, never overwriting.
    let known = stored_campus_ids(conn, district).await?;
    let mut named: BTreeSet<&CampusId> = snapshot.campus_years.keys().map(|(id, _)| id).collect();
    if !scope.coordinates_only {
        named.extend(snapshot.campuses.iter().map(|c| &c.id));
    }
    for campus_id in named {
        if known.contains(campus_id.as_str()) {
            continue;
        }
        if campus_id.district_id() != *district_id {
            return Err(StoreError::Invalid(format!(
                "campus {campus_id} belongs to district {}, not {district}",
                campus_id.district_id()
            )));
        }
        let campus = snapshot
            .campuses
            .iter()
            .find(|c| &c.id == campus_id)
            .cloned()
            .unwrap_or_else(|| stub_campus(campus_id));
        upsert_campus(conn, &campus).await?;
        report.campuses_created += 1;
    }

    // Yearly parts: clear the years being replaced, then write what the batch has.
    for year in &scope.years {
        let year_text = year.to_string();
        let in_district = "campus_id IN (SELECT id FROM campuses WHERE district_id = $2)";
        if scope.enrollment {
            sqlx::query(&format!(
                "DELETE FROM enrollment WHERE school_year = $1 AND {in_district}"
            ))
            .bind(&year_text)
            .bind(district)
            .execute(&mut *conn)
            .await?;
        }
        if scope.groups {
            sqlx::query(&format!(
                "DELETE FROM group_counts WHERE school_year = $1 AND {in_district}"
            ))
            .bind(&year_text)
            .bind(district)
            .execute(&mut *conn)
            .await?;
        }
        if scope.ratings {
            sqlx::query(&format!(
                "UPDATE campus_years SET rating = NULL, not_rated_reason = NULL, \
                 overall_score = NULL, achievement_score = NULL, progress_score = NULL, \
                 closing_gaps_score = NULL WHERE school_year = $1 AND {in_district}"
            ))
            .bind(&year_text)
            .bind(district)
            .execute(&mut *conn)
            .await?;
        }
        if scope.capacity {
            sqlx::query(&format!(
                "UPDATE campus_years SET capacity = NULL WHERE school_year = $1 AND {in_district}"
            ))
            .bind(&year_text)
            .bind(district)
            .execute(&mut *conn)
            .await?;
        }
        if scope.residents {
            sqlx::query("DELETE FROM resident_counts WHERE school_year = $1 AND district_id = $2")
                .bind(&year_text)
                .bind(district)
                .execute(&mut *conn)
                .await?;
        }
    }

    let mut enrollment_rows = Vec::new();
    let mut group_rows = Vec::new();
    for ((campus_id, year), facts) in &snapshot.campus_years {
        if !scope.years.contains(year) {
            continue;
        }
        report.campus_years += 1;
        let year_text = year.to_string();
        if scope.enrollment {
            for (grade, students) in &facts.enrollment {
                enrollment_rows.push(vec![
                    Value::from(campus_id.as_str()),
                    Value::from(year_text.clone()),
                    Value::from(i64::from(grade.index())),
                    Value::from(i64::from(*students)),
                ]);
            }
        }
        if scope.groups {
            for (group, measure) in &facts.groups {
                group_rows.push(vec![
                    Value::from(campus_id.as_str()),
                    Value::from(year_text.clone()),
                    Value::from(group.code()),
                    Value::from(measure.count.map(i64::from)),
                    Value::from(measure.percent),
                ]);
            }
        }
        if scope.ratings || scope.capacity {
            ensure_campus_year(conn, campus_id, &year_text).await?;
        }
        if scope.ratings {
            let (rating, reason) = match &facts.rating {
                Some(sgs_domain::Rating::Letter(letter)) => (Some(letter.to_string()), None),
                Some(sgs_domain::Rating::NotRated(reason)) => {
                    (Some("not_rated".to_string()), Some(reason.code()))
                }
                None => (None, None),
            };
            let score = |s: Option<u8>| s.map(i64::from);
            sqlx::query(
                "UPDATE campus_years SET rating = $1, not_rated_reason = $2, overall_score = $3, \
                 achievement_score = $4, progress_score = $5, closing_gaps_score = $6 \
                 WHERE campus_id = $7 AND school_year = $8",
            )
            .bind(rating)
            .bind(reason)
            .bind(score(facts.overall_score))
            .bind(score(facts.achievement_score))
            .bind(score(facts.progress_score))
            .bind(score(facts.closing_gaps_score))
            .bind(campus_id.as_str())
            .bind(&year_text)
            .execute(&mut *conn)
            .await?;
        }
        if scope.capacity && facts.capacity.is_some() {
            sqlx::query(
                "UPDATE campus_years SET capacity = $1 WHERE campus_id = $2 AND school_year = $3",
            )
            .bind(facts.capacity.map(i64::from))
            .bind(campus_id.as_str())
            .bind(&year_text)
            .execute(&mut *conn)
            .await?;
        }
    }
    insert_rows(
        conn,
        "enrollment",
        &["campus_id", "school_year", "grade_index", "students"],
        enrollment_rows,
    )
    .await?;
    insert_rows(
        conn,
        "group_counts",
        &[
            "campus_id",
            "school_year",
            "student_group",
            "students",
            "percent",
        ],
        group_rows,
    )
    .await?;

    if scope.residents {
        let rows: Vec<Vec<Value>> = snapshot
            .resident_counts
            .iter()
            .filter(|r| scope.years.contains(&r.school_year))
            .map(|r| {
                vec![
                    Value::from(district),
                    Value::from(r.planning_area_id.clone()),
                    Value::from(r.school_year.to_string()),
                    Value::from(i64::from(r.grade.index())),
                    Value::from(r.group.map(|g| g.code()).unwrap_or("")),
                    Value::from(i64::from(r.count)),
                ]
            })
            .collect();
        report.resident_counts = rows.len();
        insert_rows(
            conn,
            "resident_counts",
            &[
                "district_id",
                "planning_area_id",
                "school_year",
                "grade_index",
                "student_group",
                "students",
            ],
            rows,
        )
        .await?;
    }

    if scope.births {
        sqlx::query("DELETE FROM births WHERE district_id = $1")
            .bind(district)
            .execute(&mut *conn)
            .await?;
        let rows = snapshot
            .births
            .iter()
            .map(|(year, births)| {
                vec![
                    Value::from(district),
                    Value::from(i64::from(*year)),
                    Value::from(i64::from(*births)),
                ]
            })
            .collect();
        insert_rows(
            conn,
            "births",
            &["district_id", "birth_year", "births"],
            rows,
        )
        .await?;
    }

    if scope.attendance_zones {
        sqlx::query("DELETE FROM attendance_zones WHERE district_id = $1")
            .bind(district)
            .execute(&mut *conn)
            .await?;
        let stored = stored_campus_ids(conn, district).await?;
        if let Some(unknown) = snapshot
            .attendance_zones
            .keys()
            .find(|id| !stored.contains(id.as_str()))
        {
            return Err(StoreError::Invalid(format!(
                "attendance zone for campus {unknown}, which district {district} does not have: import its campuses first"
            )));
        }
        let rows = snapshot
            .attendance_zones
            .iter()
            .map(|(id, geometry)| {
                vec![
                    Value::from(id.as_str()),
                    Value::from(district),
                    Value::from(geometry.to_string()),
                ]
            })
            .collect();
        insert_rows(
            conn,
            "attendance_zones",
            &["campus_id", "district_id", "geometry"],
            rows,
        )
        .await?;
    }

    if scope.planning_areas {
        sqlx::query("DELETE FROM planning_areas WHERE district_id = $1")
            .bind(district)
            .execute(&mut *conn)
            .await?;
        let rows = snapshot
            .planning_areas
            .iter()
            .map(|area| {
                vec![
                    Value::from(district),
                    Value::from(area.id.clone()),
                    Value::from(area.name.clone()),
                    Value::from(area.geometry.to_string()),
                ]
            })
            .collect();
        report.planning_areas = snapshot.planning_areas.len();
        insert_rows(
            conn,
            "planning_areas",
            &["district_id", "id", "name", "geometry"],
            rows,
        )
        .await?;
        // Campuses placed in an area that is gone are placed again below.
        sqlx::query(
            "UPDATE campuses SET planning_area_id = NULL WHERE district_id = $1 \
             AND planning_area_id IS NOT NULL AND planning_area_id NOT IN \
             (SELECT id FROM planning_areas WHERE district_id = $1)",
        )
        .bind(district)
        .execute(&mut *conn)
        .await?;
    }
    assign_planning_areas(conn, district).await?;

    if scope.boundary {
        if let Some(boundary) = &snapshot.boundary {
            sqlx::query("UPDATE districts SET boundary = $1 WHERE id = $2")
                .bind(boundary.to_string())
                .bind(district)
                .execute(&mut *conn)
                .await?;
        }
    }

    if scope.settings {
        if let Some(bands) = &snapshot.grade_bands {
            let bands =
                GradeBand::check(bands.clone()).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let text = GradeBand::list_to_string(&bands);
            // The bands are stored as text, so each must be named LOW-HIGH to read back.
            if GradeBand::parse_list(&text).as_ref() != Ok(&bands) {
                return Err(StoreError::Invalid(format!(
                    "grade bands {text:?}: each band must be named after its grades, such as K-5"
                )));
            }
            upsert_grade_bands(conn, district, &text).await?;
        }
    }

    if scope.planning {
        replace_planning(conn, district, &snapshot.planning, source.actor).await?;
    }
    if scope.plan_decisions {
        sqlx::query("DELETE FROM plan_decisions WHERE district_id = $1")
            .bind(district)
            .execute(&mut *conn)
            .await?;
        for d in &snapshot.planning.decisions {
            sqlx::query(
                "INSERT INTO plan_decisions (district_id, campus_id, school_year, action, \
                 rationale, owner, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(district)
            .bind(d.campus_id.as_str())
            .bind(d.school_year.to_string())
            .bind(d.action.as_str())
            .bind(d.rationale.as_str())
            .bind(d.owner.as_str())
            .bind(d.decided_by.as_str())
            .bind(d.decided_at)
            .execute(&mut *conn)
            .await?;
        }
    }

    report.import_id = audit::insert_import(conn, district_id, source, "ok", "").await?;
    audit::insert_audit(
        conn,
        Some(district),
        source.actor,
        "import",
        &format!("district:{district}/{}", source.kind),
        None,
        Some(json!({
            "file": source.file,
            "rows": source.rows,
            "years": scope.years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
            "report": &report,
        })),
    )
    .await?;
    Ok(report)
}

/// Sets the goal, the definition of great and the policy as the planning documents have them
/// (clearing those they lack), and replaces the scenarios.
async fn replace_planning(
    conn: &mut AnyConnection,
    district: &str,
    planning: &sgs_domain::Planning,
    actor: &str,
) -> Result<()> {
    for table in [
        "north_star_goals",
        "performance_frameworks",
        "action_policies",
        "scenarios",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE district_id = $1"))
            .bind(district)
            .execute(&mut *conn)
            .await?;
    }
    if let Some((percent, year)) = planning.goal {
        sqlx::query(
            "INSERT INTO north_star_goals (district_id, target_percent, target_year) \
             VALUES ($1, $2, $3)",
        )
        .bind(district)
        .bind(percent)
        .bind(year.to_string())
        .execute(&mut *conn)
        .await?;
    }
    if let Some(definition) = &planning.definition_of_great {
        sqlx::query("INSERT INTO performance_frameworks (district_id, definition) VALUES ($1, $2)")
            .bind(district)
            .bind(definition.to_string())
            .execute(&mut *conn)
            .await?;
    }
    if let Some(rules) = &planning.action_policy {
        sqlx::query("INSERT INTO action_policies (district_id, rules) VALUES ($1, $2)")
            .bind(district)
            .bind(rules.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let now = crate::now();
    for scenario in &planning.scenarios {
        sqlx::query(
            "INSERT INTO scenarios (district_id, name, actions, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(district)
        .bind(scenario.name.as_str())
        .bind(scenario.actions.to_string())
        .bind(actor)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn stub_campus(campus_id: &CampusId) -> Campus {
    Campus::new(campus_id.clone(), format!("Campus {campus_id}"))
}

async fn stored_campus_ids(conn: &mut AnyConnection, district: &str) -> Result<BTreeSet<String>> {
    Ok(
        sqlx::query("SELECT id FROM campuses WHERE district_id = $1")
            .bind(district)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect(),
    )
}

async fn ensure_campus_year(
    conn: &mut AnyConnection,
    campus_id: &CampusId,
    year: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO campus_years (campus_id, school_year) VALUES ($1, $2) \
         ON CONFLICT (campus_id, school_year) DO NOTHING",
    )
    .bind(campus_id.as_str())
    .bind(year)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn upsert_campus(conn: &mut AnyConnection, campus: &Campus) -> Result<()> {
    let status = match campus.status {
        CampusStatus::Open => "open",
        CampusStatus::Closed => "closed",
    };
    let programs = serde_json::to_string(&campus.programs).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO campuses (id, district_id, name, grade_low, grade_high, school_type, \
         governance, address, latitude, longitude, programs, status, predecessor_id, \
         planning_area_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
         grade_low = COALESCE(excluded.grade_low, campuses.grade_low), \
         grade_high = COALESCE(excluded.grade_high, campuses.grade_high), \
         school_type = COALESCE(excluded.school_type, campuses.school_type), \
         governance = excluded.governance, \
         address = COALESCE(excluded.address, campuses.address), \
         latitude = COALESCE(excluded.latitude, campuses.latitude), \
         longitude = COALESCE(excluded.longitude, campuses.longitude), \
         programs = CASE WHEN excluded.programs = '[]' THEN campuses.programs ELSE excluded.programs END, \
         status = excluded.status, \
         predecessor_id = COALESCE(excluded.predecessor_id, campuses.predecessor_id), \
         planning_area_id = COALESCE(excluded.planning_area_id, campuses.planning_area_id)",
    )
    .bind(campus.id.as_str())
    .bind(campus.district_id.as_str())
    .bind(campus.name.clone())
    .bind(campus.grade_low.map(|g| g.code()))
    .bind(campus.grade_high.map(|g| g.code()))
    .bind(campus.school_type.map(|t| t.code().to_string()))
    .bind(campus.governance.code())
    .bind(campus.address.clone())
    .bind(campus.latitude)
    .bind(campus.longitude)
    .bind(programs)
    .bind(status)
    .bind(campus.predecessor_id.as_ref().map(|id| id.as_str().to_string()))
    .bind(campus.planning_area_id.clone())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Places campuses with coordinates but no planning area in the area whose polygon holds them.
async fn assign_planning_areas(conn: &mut AnyConnection, district: &str) -> Result<()> {
    let areas: Vec<(String, serde_json::Value)> =
        sqlx::query("SELECT id, geometry FROM planning_areas WHERE district_id = $1")
            .bind(district)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .filter_map(|row| {
                let geometry = serde_json::from_str(&row.get::<String, _>(1)).ok()?;
                Some((row.get::<String, _>(0), geometry))
            })
            .collect();
    if areas.is_empty() {
        return Ok(());
    }
    let unplaced: Vec<(String, f64, f64)> = sqlx::query(
        "SELECT id, longitude, latitude FROM campuses WHERE district_id = $1 \
         AND planning_area_id IS NULL AND latitude IS NOT NULL AND longitude IS NOT NULL",
    )
    .bind(district)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| (row.get(0), row.get(1), row.get(2)))
    .collect();
    for (campus_id, longitude, latitude) in unplaced {
        if let Some((area_id, _)) = areas
            .iter()
            .find(|(_, geometry)| geo::contains(geometry, longitude, latitude))
        {
            sqlx::query("UPDATE campuses SET planning_area_id = $1 WHERE id = $2")
                .bind(area_id.as_str())
                .bind(campus_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
