//! Deterministic generator of the SGS demo district, Riverbend ISD: a fictional Texas urban
//! district with no real students.
//!
//! [`generate`] builds the whole district in memory: about sixty campuses in twelve planning
//! areas, five school years (2018-2019 to 2022-2023) of enrollment by grade, student groups,
//! capacity, ratings on the real Texas accountability calendar, and resident students per
//! planning area. The result is identical on every call: the generator reads no clock and no
//! operating-system randomness, only its own seeded SplitMix64 streams. It does no IO.
//!
//! [`assessments`] holds the district's self-assessments: two closed years across a rubric
//! edit and one in progress.

mod areas;
pub mod assessments;
mod campuses;
pub mod choice;
mod enrollment;
mod groups;
pub mod improvement;
mod random;
mod ratings;
mod residents;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use sgs_domain::{CampusYear, DistrictId, DistrictSnapshot, PlanningArea, SchoolYear};

use crate::areas::AREAS;
use crate::campuses::Roster;

/// The demo district's six-digit id; every demo campus id starts with it.
pub const DEMO_DISTRICT_ID: &str = "999901";

/// The demo district's name.
pub const DEMO_DISTRICT_NAME: &str = "Riverbend ISD";

/// The first school year generated (fall calendar year): 2018-2019.
const FIRST_YEAR: u16 = 2018;

/// The last school year generated (fall calendar year): 2022-2023.
const LAST_YEAR: u16 = 2022;

/// The school years the demo district has data for, oldest first.
pub fn school_years() -> Vec<SchoolYear> {
    (FIRST_YEAR..=LAST_YEAR).map(SchoolYear::starting).collect()
}

/// Builds the demo district: campuses, yearly facts, planning areas and resident counts.
pub fn generate() -> DistrictSnapshot {
    let planning_areas: Vec<PlanningArea> = AREAS
        .iter()
        .zip(areas::area_geometries())
        .map(|(area, geometry)| PlanningArea {
            id: area.id.to_string(),
            name: area.name.to_string(),
            geometry,
        })
        .collect();
    let roster = Roster::build(&planning_areas);
    let enrollment = enrollment::simulate(&roster);

    let mut campus_years = BTreeMap::new();
    for plan in &roster.campuses {
        let site = &roster.sites[plan.site];
        let site_enrollment = &enrollment[plan.site];
        let capacity = enrollment::capacity(site, site_enrollment);
        for year in plan.first_year..=plan.last_year {
            let grades = site_enrollment.get(&year).cloned().unwrap_or_default();
            let total: u32 = grades.values().sum();
            let scores = ratings::rate(plan, year);
            let groups = groups::student_groups(
                &AREAS[site.area].demographics,
                site.level,
                plan,
                year,
                total,
            );
            campus_years.insert(
                (plan.campus.id.clone(), SchoolYear::starting(year)),
                CampusYear {
                    enrollment: grades,
                    groups,
                    capacity: Some(capacity),
                    rating: Some(scores.rating),
                    overall_score: scores.overall,
                    achievement_score: scores.achievement,
                    progress_score: scores.progress,
                    closing_gaps_score: scores.closing_gaps,
                },
            );
        }
    }

    DistrictSnapshot {
        district_id: Some(
            DistrictId::parse(DEMO_DISTRICT_ID).expect("demo district id is six digits"),
        ),
        name: DEMO_DISTRICT_NAME.to_string(),
        boundary: Some(areas::boundary_geometry()),
        campuses: roster
            .campuses
            .iter()
            .map(|plan| plan.campus.clone())
            .collect(),
        campus_years,
        planning_areas,
        resident_counts: residents::resident_counts(&roster, &enrollment),
        grade_bands: None,
        attendance_zones: Default::default(),
        births: Default::default(),
        planning: Default::default(),
    }
}
