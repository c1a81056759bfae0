//! Reading district data back into the domain model.

use std::collections::BTreeMap;

use sgs_domain::{
    Campus, CampusId, CampusStatus, CampusYear, DistrictId, DistrictSnapshot, Governance, Grade,
    GroupMeasure, NotRatedReason, PlanningArea, Rating, ResidentCount, SchoolType, SchoolYear,
    StudentGroup,
};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Result, Store, StoreError};

const CAMPUS_COLUMNS: &str = "id, district_id, name, grade_low, grade_high, school_type, \
     governance, address, latitude, longitude, programs, status, predecessor_id, planning_area_id";

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

fn campus_from_row(row: &AnyRow) -> Result<Campus> {
    let id: String = row.get(0);
    let district: String = row.get(1);
    let grade = |index: usize| -> Option<Grade> {
        row.get::<Option<String>, _>(index)
            .and_then(|g| Grade::parse(&g))
    };
    let governance: String = row.get(6);
    let programs: String = row.get(10);
    let status: String = row.get(11);
    let predecessor: Option<String> = row.get(12);
    Ok(Campus {
        id: CampusId::parse(&id).map_err(|_| corrupt("campus id", &id))?,
        district_id: DistrictId::parse(&district).map_err(|_| corrupt("district id", &district))?,
        name: row.get(2),
        grade_low: grade(3),
        grade_high: grade(4),
        school_type: row
            .get::<Option<String>, _>(5)
            .and_then(|t| SchoolType::parse(&t)),
        governance: Governance::parse(&governance)
            .ok_or_else(|| corrupt("governance", &governance))?,
        address: row.get(7),
        latitude: row.get(8),
        longitude: row.get(9),
        programs: serde_json::from_str(&programs).map_err(|_| corrupt("programs", &programs))?,
        status: if status == "closed" {
            CampusStatus::Closed
        } else {
            CampusStatus::Open
        },
        predecessor_id: predecessor.and_then(|p| CampusId::parse(&p).ok()),
        planning_area_id: row.get(13),
    })
}

fn year(text: &str) -> Result<SchoolYear> {
    SchoolYear::parse(text).map_err(|_| corrupt("school year", text))
}

fn grade_at(index: i64) -> Result<Grade> {
    u8::try_from(index)
        .ok()
        .and_then(Grade::from_index)
        .ok_or_else(|| corrupt("grade index", &index.to_string()))
}

impl Store {
    /// Every district, as (id, name), ordered by name.
    pub async fn districts(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT id, name FROM districts")
            .fetch_all(&self.pool)
            .await?;
        let mut districts: Vec<(String, String)> =
            rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        // Sorted here, not in SQL: the two engines collate text differently.
        districts.sort_by_key(|(id, name)| (name.to_lowercase(), id.clone()));
        Ok(districts)
    }

    /// A district's name and boundary, if the district exists.
    pub async fn district(
        &self,
        district_id: &str,
    ) -> Result<Option<(String, Option<serde_json::Value>)>> {
        let row = sqlx::query("SELECT name, boundary FROM districts WHERE id = $1")
            .bind(district_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| {
            let boundary: Option<String> = r.get(1);
            (
                r.get(0),
                boundary.and_then(|b| serde_json::from_str(&b).ok()),
            )
        }))
    }

    /// A district's campuses ordered by name.
    pub async fn campuses(&self, district_id: &str) -> Result<Vec<Campus>> {
        let rows = sqlx::query(&format!(
            "SELECT {CAMPUS_COLUMNS} FROM campuses WHERE district_id = $1"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        let mut campuses = rows
            .iter()
            .map(campus_from_row)
            .collect::<Result<Vec<_>>>()?;
        // Sorted here, not in SQL: the two engines collate text differently.
        campuses.sort_by_key(|c| (c.name.to_lowercase(), c.id.clone()));
        Ok(campuses)
    }

    /// One campus.
    pub async fn campus(&self, campus_id: &str) -> Result<Option<Campus>> {
        let row = sqlx::query(&format!(
            "SELECT {CAMPUS_COLUMNS} FROM campuses WHERE id = $1"
        ))
        .bind(campus_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(campus_from_row).transpose()
    }

    /// Yearly facts of every campus in a district, or of one campus when `campus_id` is given.
    pub async fn campus_years(
        &self,
        district_id: &str,
        campus_id: Option<&str>,
    ) -> Result<BTreeMap<(CampusId, SchoolYear), CampusYear>> {
        // One filter serves both cases: every campus of the district, optionally narrowed to one.
        let filter = "campus_id IN (SELECT id FROM campuses WHERE district_id = $1) \
                      AND ($2 = '' OR campus_id = $2)";
        let campus = campus_id.unwrap_or("").to_string();
        let mut years: BTreeMap<(CampusId, SchoolYear), CampusYear> = BTreeMap::new();
        let key = |row: &AnyRow| -> Result<(CampusId, SchoolYear)> {
            let id: String = row.get(0);
            let school_year: String = row.get(1);
            Ok((
                CampusId::parse(&id).map_err(|_| corrupt("campus id", &id))?,
                year(&school_year)?,
            ))
        };

        let rows = sqlx::query(&format!(
            "SELECT campus_id, school_year, capacity, rating, not_rated_reason, overall_score, \
             achievement_score, progress_score, closing_gaps_score FROM campus_years WHERE {filter}"
        ))
        .bind(district_id)
        .bind(&campus)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let entry = years.entry(key(row)?).or_default();
            let score = |i: usize| {
                row.get::<Option<i64>, _>(i)
                    .and_then(|s| u8::try_from(s).ok())
            };
            entry.capacity = row
                .get::<Option<i64>, _>(2)
                .and_then(|c| u32::try_from(c).ok());
            entry.rating = match row.get::<Option<String>, _>(3).as_deref() {
                None => None,
                Some("not_rated") => Some(Rating::NotRated(NotRatedReason::from_code(
                    &row.get::<Option<String>, _>(4).unwrap_or_default(),
                ))),
                Some(letter) => Some(Rating::Letter(
                    letter
                        .chars()
                        .next()
                        .ok_or_else(|| corrupt("rating", letter))?,
                )),
            };
            entry.overall_score = score(5);
            entry.achievement_score = score(6);
            entry.progress_score = score(7);
            entry.closing_gaps_score = score(8);
        }

        let rows = sqlx::query(&format!(
            "SELECT campus_id, school_year, grade_index, students FROM enrollment WHERE {filter}"
        ))
        .bind(district_id)
        .bind(&campus)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let stored: i64 = row.get(3);
            let students =
                u32::try_from(stored).map_err(|_| corrupt("student count", &stored.to_string()))?;
            years
                .entry(key(row)?)
                .or_default()
                .enrollment
                .insert(grade_at(row.get(2))?, students);
        }

        let rows = sqlx::query(&format!(
            "SELECT campus_id, school_year, student_group, students, percent FROM group_counts \
             WHERE {filter}"
        ))
        .bind(district_id)
        .bind(&campus)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let code: String = row.get(2);
            let group =
                StudentGroup::parse(&code).ok_or_else(|| corrupt("student group", &code))?;
            let measure = GroupMeasure {
                count: row
                    .get::<Option<i64>, _>(3)
                    .and_then(|c| u32::try_from(c).ok()),
                percent: row.get(4),
            };
            years
                .entry(key(row)?)
                .or_default()
                .groups
                .insert(group, measure);
        }

        Ok(years)
    }

    /// A district's planning areas.
    pub async fn planning_areas(&self, district_id: &str) -> Result<Vec<PlanningArea>> {
        let rows = sqlx::query(
            "SELECT id, name, geometry FROM planning_areas WHERE district_id = $1 ORDER BY id",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let geometry: String = row.get(2);
                Ok(PlanningArea {
                    id: row.get(0),
                    name: row.get(1),
                    geometry: serde_json::from_str(&geometry)
                        .map_err(|_| corrupt("geometry", &geometry))?,
                })
            })
            .collect()
    }

    /// A district's resident student counts.
    pub async fn resident_counts(&self, district_id: &str) -> Result<Vec<ResidentCount>> {
        let rows = sqlx::query(
            "SELECT planning_area_id, school_year, grade_index, student_group, students \
             FROM resident_counts WHERE district_id = $1 \
             ORDER BY school_year, planning_area_id, grade_index, student_group",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let group: String = row.get(3);
                Ok(ResidentCount {
                    planning_area_id: row.get(0),
                    school_year: year(&row.get::<String, _>(1))?,
                    grade: grade_at(row.get(2))?,
                    group: StudentGroup::parse(&group),
                    count: u32::try_from(row.get::<i64, _>(4)).map_err(|_| {
                        corrupt("resident count", &row.get::<i64, _>(4).to_string())
                    })?,
                })
            })
            .collect()
    }

    /// A district's births by calendar year.
    pub async fn births(&self, district_id: &str) -> Result<BTreeMap<u16, u32>> {
        let rows = sqlx::query("SELECT birth_year, births FROM births WHERE district_id = $1")
            .bind(district_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let (year, births): (i64, i64) = (row.get(0), row.get(1));
                Ok((
                    u16::try_from(year).map_err(|_| corrupt("birth year", &year.to_string()))?,
                    u32::try_from(births).map_err(|_| corrupt("births", &births.to_string()))?,
                ))
            })
            .collect()
    }

    /// A district's attendance zones by campus.
    pub async fn attendance_zones(
        &self,
        district_id: &str,
    ) -> Result<BTreeMap<CampusId, serde_json::Value>> {
        let rows =
            sqlx::query("SELECT campus_id, geometry FROM attendance_zones WHERE district_id = $1")
                .bind(district_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.get(0);
                let geometry: String = row.get(1);
                Ok((
                    CampusId::parse(&id).map_err(|_| corrupt("campus id", &id))?,
                    serde_json::from_str(&geometry)
                        .map_err(|_| corrupt("zone geometry", &geometry))?,
                ))
            })
            .collect()
    }

    /// Everything held for a district, as one snapshot (what `sgs export` writes).
    pub async fn snapshot(&self, district_id: &str) -> Result<DistrictSnapshot> {
        let (name, boundary) = self
            .district(district_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("district {district_id}")))?;
        Ok(DistrictSnapshot {
            district_id: DistrictId::parse(district_id).ok(),
            name,
            boundary,
            campuses: self.campuses(district_id).await?,
            campus_years: self.campus_years(district_id, None).await?,
            planning_areas: self.planning_areas(district_id).await?,
            resident_counts: self.resident_counts(district_id).await?,
            grade_bands: self.stored_grade_bands(district_id).await?,
            attendance_zones: self.attendance_zones(district_id).await?,
            births: self.births(district_id).await?,
            planning: self.planning(district_id).await?,
        })
    }

    /// The district's planning documents: goal, definition of great, policy, scenarios (oldest
    /// first) and plan decisions.
    pub async fn planning(&self, district_id: &str) -> Result<sgs_domain::Planning> {
        let mut scenarios = self.scenarios(district_id).await?;
        scenarios.sort_by_key(|s| s.id);
        let decisions = self
            .decisions(district_id)
            .await?
            .into_iter()
            .map(|d| {
                Ok(sgs_domain::PlanDecisionRecord {
                    campus_id: CampusId::parse(&d.campus_id)
                        .map_err(|_| corrupt("plan decision campus", &d.campus_id))?,
                    school_year: SchoolYear::parse(&d.school_year)
                        .map_err(|_| corrupt("plan decision year", &d.school_year))?,
                    action: d.action,
                    rationale: d.rationale,
                    owner: d.owner,
                    decided_by: d.decided_by,
                    decided_at: d.decided_at,
                })
            })
            .collect::<Result<_>>()?;
        Ok(sgs_domain::Planning {
            goal: self.north_star_goal(district_id).await?,
            definition_of_great: self.performance_framework(district_id).await?,
            action_policy: self.action_policy(district_id).await?,
            scenarios: scenarios
                .into_iter()
                .map(|s| sgs_domain::PlannedScenario {
                    name: s.name,
                    actions: s.actions,
                })
                .collect(),
            decisions,
        })
    }
}
