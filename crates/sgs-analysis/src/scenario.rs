//! What-if scenarios: a named set of proposed school actions, applied to one school year's data
//! and compared with the baseline: the North Star, seat gaps by area and band, utilization of the
//! campuses touched, and the students displaced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sgs_domain::summary::Tier;
use sgs_domain::{
    Campus, CampusId, CampusStatus, CampusYear, DistrictId, Grade, GradeBand, PlanningArea, Rating,
    ResidentCount, SchoolYear,
};

use crate::framework::Framework;
use crate::north_star::north_star;
use crate::seat_gaps::{seat_gaps, SeatGapSettings};
use crate::utilization::utilization;

/// One proposed action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProposedAction {
    /// Add (or, negative, remove) seats at a campus.
    ChangeSeats {
        /// The campus.
        campus_id: CampusId,
        /// Seats to add; negative removes.
        seats: i64,
    },
    /// The campus is expected to reach this tier (a restart or redesign).
    ChangeTier {
        /// The campus.
        campus_id: CampusId,
        /// The expected tier.
        tier: Tier,
    },
    /// Open a new campus in a planning area.
    OpenCampus {
        /// Name of the proposed campus.
        name: String,
        /// Planning area it opens in.
        planning_area_id: String,
        /// Lowest grade.
        grade_low: Grade,
        /// Highest grade.
        grade_high: Grade,
        /// Seats.
        seats: u32,
        /// Expected tier.
        tier: Tier,
    },
    /// Close a campus and reassign its students, evenly, to named campuses.
    CloseAndReassign {
        /// The campus to close.
        campus_id: CampusId,
        /// Receiving campuses; with none, its students are displaced without a seat.
        receiving: Vec<CampusId>,
    },
    /// Change the grades a campus serves; students outside the new span are displaced.
    ChangeGrades {
        /// The campus.
        campus_id: CampusId,
        /// New lowest grade.
        grade_low: Grade,
        /// New highest grade.
        grade_high: Grade,
    },
}

/// A named scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Name, such as "2025 Call for Quality Schools".
    pub name: String,
    /// Actions, applied in order.
    pub actions: Vec<ProposedAction>,
}

/// Why an action cannot apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError(pub String);

/// One area and band, before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapChange {
    /// Planning area.
    pub area_id: String,
    /// Grade band.
    pub band: String,
    /// Gap in the baseline.
    pub baseline_gap: f64,
    /// Gap under the scenario.
    pub scenario_gap: f64,
}

/// A campus's utilization before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtilizationChange {
    /// The campus.
    pub campus_id: CampusId,
    /// Enrollment ÷ capacity before.
    pub baseline: Option<f64>,
    /// And after.
    pub scenario: Option<f64>,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// The school year the scenario is applied to.
    pub school_year: SchoolYear,
    /// Percent of students in quality seats, before and after.
    pub north_star: (Option<f64>, Option<f64>),
    /// Every area and band.
    pub gaps: Vec<GapChange>,
    /// Campuses the actions touch.
    pub utilization: Vec<UtilizationChange>,
    /// Students moved out of their campus (closed, or outside a new grade span).
    pub displaced: u32,
    /// Of them, students with no receiving campus.
    pub unplaced: u32,
    /// Actions that could not apply, with the reason.
    pub skipped: Vec<String>,
}

fn synthetic_rating(tier: Tier) -> Option<Rating> {
    match tier {
        Tier::Quality => Some(Rating::Letter('B')),
        Tier::Mixed => Some(Rating::Letter('C')),
        Tier::Low => Some(Rating::Letter('D')),
        Tier::NotRated => Some(Rating::NotRated(sgs_domain::NotRatedReason::NoData)),
        Tier::Unknown => None,
    }
}

/// Runs a scenario on `school_year` and compares it with the baseline.
#[allow(clippy::too_many_arguments)]
pub fn run(
    scenario: &Scenario,
    school_year: SchoolYear,
    campuses: &[Campus],
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
    areas: &[PlanningArea],
    residents: &[ResidentCount],
    bands: &[GradeBand],
    framework: &Framework,
) -> ScenarioResult {
    let year_only: BTreeMap<(CampusId, SchoolYear), CampusYear> = campus_years
        .iter()
        .filter(|((_, y), _)| *y == school_year)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let residents_year: Vec<ResidentCount> = residents
        .iter()
        .filter(|r| r.school_year == school_year)
        .cloned()
        .collect();

    let mut after_campuses = campuses.to_vec();
    let mut after_years = year_only.clone();
    let mut displaced = 0u32;
    let mut unplaced = 0u32;
    let mut skipped = Vec::new();
    let mut touched: Vec<CampusId> = Vec::new();
    let mut opened = 0u32;

    for action in &scenario.actions {
        if let Err(ActionError(reason)) = apply(
            action,
            school_year,
            &mut after_campuses,
            &mut after_years,
            &mut touched,
            &mut opened,
            &mut displaced,
            &mut unplaced,
        ) {
            skipped.push(reason);
        }
    }

    let share = |c: &[Campus], y: &BTreeMap<(CampusId, SchoolYear), CampusYear>| {
        north_star(c, y, framework, None)
            .first()
            .and_then(|n| n.quality_percent)
    };
    let settings = SeatGapSettings::default();
    let before = seat_gaps(
        campuses,
        &year_only,
        areas,
        &residents_year,
        bands,
        framework,
        &settings,
    );
    let after = seat_gaps(
        &after_campuses,
        &after_years,
        areas,
        &residents_year,
        bands,
        framework,
        &settings,
    );
    let gaps = before
        .rows
        .iter()
        .map(|b| GapChange {
            area_id: b.area_id.clone(),
            band: b.band.clone(),
            baseline_gap: b.gap,
            scenario_gap: after
                .rows
                .iter()
                .find(|a| a.area_id == b.area_id && a.band == b.band)
                .map(|a| a.gap)
                .unwrap_or(b.gap),
        })
        .collect();

    touched.sort();
    touched.dedup();
    let ratio = |years: &BTreeMap<(CampusId, SchoolYear), CampusYear>, id: &CampusId| {
        let facts = years.get(&(id.clone(), school_year))?;
        utilization(
            f64::from(facts.total_enrollment().unwrap_or(0)),
            facts.capacity,
        )
        .map(|(u, _)| u)
    };
    let utilization = touched
        .iter()
        .map(|id| UtilizationChange {
            campus_id: id.clone(),
            baseline: ratio(&year_only, id),
            scenario: ratio(&after_years, id),
        })
        .collect();

    ScenarioResult {
        school_year,
        north_star: (
            share(campuses, &year_only),
            share(&after_campuses, &after_years),
        ),
        gaps,
        utilization,
        displaced,
        unplaced,
        skipped,
    }
}

#[allow(clippy::too_many_arguments)]
fn apply(
    action: &ProposedAction,
    year: SchoolYear,
    campuses: &mut Vec<Campus>,
    years: &mut BTreeMap<(CampusId, SchoolYear), CampusYear>,
    touched: &mut Vec<CampusId>,
    opened: &mut u32,
    displaced: &mut u32,
    unplaced: &mut u32,
) -> Result<(), ActionError> {
    let missing = |id: &CampusId| ActionError(format!("campus {id} has no record in {year}"));
    match action {
        ProposedAction::ChangeSeats { campus_id, seats } => {
            let facts = years
                .get_mut(&(campus_id.clone(), year))
                .ok_or_else(|| missing(campus_id))?;
            let current = i64::from(
                facts
                    .capacity
                    .unwrap_or_else(|| facts.total_enrollment().unwrap_or(0)),
            );
            facts.capacity = Some(u32::try_from((current + seats).max(0)).unwrap_or(u32::MAX));
            touched.push(campus_id.clone());
        }
        ProposedAction::ChangeTier { campus_id, tier } => {
            let facts = years
                .get_mut(&(campus_id.clone(), year))
                .ok_or_else(|| missing(campus_id))?;
            facts.rating = synthetic_rating(*tier);
            // Domain scores belong to the old rating; the expected tier stands on its own.
            (
                facts.achievement_score,
                facts.progress_score,
                facts.closing_gaps_score,
            ) = (None, None, None);
            touched.push(campus_id.clone());
        }
        ProposedAction::OpenCampus {
            name,
            planning_area_id,
            grade_low,
            grade_high,
            seats,
            tier,
        } => {
            let district = campuses
                .first()
                .map(|c| c.district_id.clone())
                .ok_or_else(|| ActionError("no campuses".into()))?;
            *opened += 1;
            // Proposed campuses take ids that TEA never assigns in the demo range: 9xx.
            let id = CampusId::parse(&format!("{}{:03}", district.as_str(), 1000 - *opened))
                .map_err(|e| ActionError(e.to_string()))?;
            campuses.push(proposed_campus(
                &id,
                &district,
                name,
                planning_area_id,
                *grade_low,
                *grade_high,
            ));
            let facts = CampusYear {
                capacity: Some(*seats),
                rating: synthetic_rating(*tier),
                ..Default::default()
            };
            years.insert((id.clone(), year), facts);
            touched.push(id);
        }
        ProposedAction::CloseAndReassign {
            campus_id,
            receiving,
        } => {
            let closed = years
                .remove(&(campus_id.clone(), year))
                .ok_or_else(|| missing(campus_id))?;
            if let Some(c) = campuses.iter_mut().find(|c| &c.id == campus_id) {
                c.status = CampusStatus::Closed;
            }
            let students = closed.total_enrollment().unwrap_or(0);
            *displaced += students;
            let targets: Vec<&CampusId> = receiving
                .iter()
                .filter(|r| years.contains_key(&((*r).clone(), year)))
                .collect();
            if targets.is_empty() {
                *unplaced += students;
            } else {
                // Each grade's students split evenly; the remainder goes to the first campuses.
                for (grade, count) in &closed.enrollment {
                    let n = targets.len() as u32;
                    for (i, target) in targets.iter().enumerate() {
                        let share = count / n + u32::from((i as u32) < count % n);
                        let facts = years
                            .get_mut(&((*target).clone(), year))
                            .expect("checked above");
                        *facts.enrollment.entry(*grade).or_default() += share;
                    }
                }
                touched.extend(targets.into_iter().cloned());
            }
        }
        ProposedAction::ChangeGrades {
            campus_id,
            grade_low,
            grade_high,
        } => {
            if grade_low > grade_high {
                return Err(ActionError(format!(
                    "grades {grade_low}-{grade_high} run backwards"
                )));
            }
            let facts = years
                .get_mut(&(campus_id.clone(), year))
                .ok_or_else(|| missing(campus_id))?;
            let outside: u32 = facts
                .enrollment
                .iter()
                .filter(|(g, _)| *g < grade_low || *g > grade_high)
                .map(|(_, n)| n)
                .sum();
            facts
                .enrollment
                .retain(|g, _| grade_low <= g && g <= grade_high);
            *displaced += outside;
            *unplaced += outside;
            if let Some(c) = campuses.iter_mut().find(|c| &c.id == campus_id) {
                (c.grade_low, c.grade_high) = (Some(*grade_low), Some(*grade_high));
            }
            touched.push(campus_id.clone());
        }
    }
    Ok(())
}

fn proposed_campus(
    id: &CampusId,
    district: &DistrictId,
    name: &str,
    area: &str,
    low: Grade,
    high: Grade,
) -> Campus {
    Campus {
        district_id: district.clone(),
        grade_low: Some(low),
        grade_high: Some(high),
        school_type: Some(sgs_domain::SchoolType::from_span(low, high)),
        planning_area_id: Some(area.to_string()),
        ..Campus::new(id.clone(), name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn campus(serial: &str, area: &str) -> Campus {
        proposed_campus(
            &CampusId::parse(&format!("999901{serial}")).unwrap(),
            &DistrictId::parse("999901").unwrap(),
            serial,
            area,
            Grade::K,
            Grade::G(5),
        )
    }

    fn facts(k: u32, grade1: u32, capacity: u32, letter: char) -> CampusYear {
        let mut f = CampusYear {
            capacity: Some(capacity),
            rating: Some(Rating::Letter(letter)),
            ..Default::default()
        };
        f.enrollment.insert(Grade::K, k);
        f.enrollment.insert(Grade::G(1), grade1);
        f
    }

    /// Two areas; North has a B (300 students, 400 seats) and an F (200 students); South has a C
    /// (100 students, 150 seats). 300 K-5 residents in each area.
    type District = (
        Vec<Campus>,
        BTreeMap<(CampusId, SchoolYear), CampusYear>,
        Vec<PlanningArea>,
        Vec<ResidentCount>,
        SchoolYear,
    );

    fn district() -> District {
        let year = SchoolYear::starting(2022);
        let campuses = vec![
            campus("101", "north"),
            campus("102", "north"),
            campus("103", "south"),
        ];
        let mut data = BTreeMap::new();
        data.insert((campuses[0].id.clone(), year), facts(150, 150, 400, 'B'));
        data.insert((campuses[1].id.clone(), year), facts(101, 99, 300, 'F'));
        data.insert((campuses[2].id.clone(), year), facts(50, 50, 150, 'C'));
        let square = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]});
        let areas = vec![
            PlanningArea {
                id: "north".into(),
                name: "North".into(),
                geometry: square.clone(),
            },
            PlanningArea {
                id: "south".into(),
                name: "South".into(),
                geometry: square,
            },
        ];
        let residents = ["north", "south"]
            .iter()
            .map(|a| ResidentCount {
                planning_area_id: a.to_string(),
                school_year: year,
                grade: Grade::K,
                group: None,
                count: 300,
            })
            .collect();
        (campuses, data, areas, residents, year)
    }

    #[test]
    fn closing_and_reassigning_moves_students_and_quality_share() {
        let (campuses, data, areas, residents, year) = district();
        let scenario = Scenario {
            name: "Close the F".into(),
            actions: vec![ProposedAction::CloseAndReassign {
                campus_id: campuses[1].id.clone(),
                receiving: vec![campuses[0].id.clone(), campuses[2].id.clone()],
            }],
        };
        let result = run(
            &scenario,
            year,
            &campuses,
            &data,
            &areas,
            &residents,
            &[GradeBand::new(Grade::K, Grade::G(5))],
            &Framework::TeaAtoF,
        );
        // Before: 300 of 600 in quality seats. After: the B gains 51 + 50 = 101 → 401 of 600.
        assert_eq!(result.north_star.0, Some(50.0));
        assert!((result.north_star.1.unwrap() - 100.0 * 401.0 / 600.0).abs() < 1e-9);
        assert_eq!((result.displaced, result.unplaced), (200, 0));
        let b = result
            .utilization
            .iter()
            .find(|u| u.campus_id == campuses[0].id)
            .unwrap();
        assert_eq!((b.baseline, b.scenario), (Some(0.75), Some(401.0 / 400.0)));
        // The B's seats were already counted; closing an F changes no quality supply.
        let north = result.gaps.iter().find(|g| g.area_id == "north").unwrap();
        assert_eq!(
            (north.baseline_gap, north.scenario_gap),
            (300.0 - 400.0, 300.0 - 400.0)
        );
    }

    #[test]
    fn restarts_new_schools_seats_and_grade_changes() {
        let (campuses, data, areas, residents, year) = district();
        let band = [GradeBand::new(Grade::K, Grade::G(5))];
        let scenario = Scenario {
            name: "Plan".into(),
            actions: vec![
                ProposedAction::ChangeTier {
                    campus_id: campuses[2].id.clone(),
                    tier: Tier::Quality,
                },
                ProposedAction::OpenCampus {
                    name: "South Academy".into(),
                    planning_area_id: "south".into(),
                    grade_low: Grade::K,
                    grade_high: Grade::G(5),
                    seats: 120,
                    tier: Tier::Quality,
                },
                ProposedAction::ChangeSeats {
                    campus_id: campuses[0].id.clone(),
                    seats: -100,
                },
                ProposedAction::ChangeGrades {
                    campus_id: campuses[1].id.clone(),
                    grade_low: Grade::G(1),
                    grade_high: Grade::G(5),
                },
                ProposedAction::ChangeSeats {
                    campus_id: CampusId::parse("999901777").unwrap(),
                    seats: 5,
                },
            ],
        };
        let result = run(
            &scenario,
            year,
            &campuses,
            &data,
            &areas,
            &residents,
            &band,
            &Framework::TeaAtoF,
        );
        // South: 300 residents; the restarted C becomes quality (150 seats) and the new school adds 120.
        let south = result.gaps.iter().find(|g| g.area_id == "south").unwrap();
        assert_eq!(
            (south.baseline_gap, south.scenario_gap),
            (300.0, 300.0 - 150.0 - 120.0)
        );
        let north = result.gaps.iter().find(|g| g.area_id == "north").unwrap();
        assert_eq!(north.scenario_gap, 300.0 - 300.0, "the B lost 100 seats");
        // The F dropped kindergarten: 101 students displaced with no seat named.
        assert_eq!((result.displaced, result.unplaced), (101, 101));
        // Quality students: 300 (B) + 100 (restarted C) of 600 − 101 displaced.
        assert!((result.north_star.1.unwrap() - 100.0 * 400.0 / 499.0).abs() < 1e-9);
        assert_eq!(
            result.skipped,
            vec!["campus 999901777 has no record in 2022-2023".to_string()]
        );
    }
}
