//! The North Star: how many students (and schools) are in each tier each year, overall, by
//! student group and by planning area, measured against the district's goal.
//!
//! Denominator: every student enrolled in the district's campuses that year, Not Rated campuses
//! included as their own tier. A year in which no campus earned a letter has no share at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sgs_domain::summary::Tier;
use sgs_domain::{Campus, CampusId, CampusYear, SchoolYear, StudentGroup};

use crate::framework::{rating_method, Framework};

/// A North Star goal: `target_percent` of students in quality seats by `target_year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// The share to reach, 0–100.
    pub target_percent: f64,
    /// The school year by whose ratings it should be reached.
    pub target_year: SchoolYear,
}

/// Students and those among them in quality campuses.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Share {
    /// Students counted (estimated from percents where only a percent is published).
    pub students: f64,
    /// Of them, in quality campuses.
    pub in_quality: f64,
}

impl Share {
    /// Percent in quality campuses, when there are students.
    pub fn percent(&self) -> Option<f64> {
        (self.students > 0.0).then(|| 100.0 * self.in_quality / self.students)
    }
}

/// One school year of the North Star.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NorthStarYear {
    /// The school year.
    pub school_year: SchoolYear,
    /// The TEA rating method of the year; shares are comparable only within one method.
    pub rating_method: &'static str,
    /// Students enrolled in campuses that reported enrollment.
    pub students: u32,
    /// Students by tier.
    pub students_by_tier: BTreeMap<Tier, u32>,
    /// Campuses by tier (every campus with a record that year).
    pub campuses_by_tier: BTreeMap<Tier, usize>,
    /// Percent of students in quality campuses; `None` in a year without letter ratings.
    pub quality_percent: Option<f64>,
    /// Percent of rated-or-not campuses that are quality; `None` as above.
    pub quality_campus_percent: Option<f64>,
    /// By student group, where campuses report the group.
    pub by_group: BTreeMap<StudentGroup, Share>,
    /// By planning area of the campus.
    pub by_area: BTreeMap<String, Share>,
    /// Where the goal's straight line from the first measured year says the share should be.
    pub expected_percent: Option<f64>,
    /// Whether the year met its expected share; `None` without a goal or a share.
    pub on_track: Option<bool>,
}

/// The North Star for every year in `campus_years`, oldest first.
pub fn north_star(
    campuses: &[Campus],
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
    framework: &Framework,
    goal: Option<&Goal>,
) -> Vec<NorthStarYear> {
    let area_of: BTreeMap<&CampusId, &str> = campuses
        .iter()
        .filter_map(|c| Some((&c.id, c.planning_area_id.as_deref()?)))
        .collect();

    let mut years: BTreeMap<SchoolYear, NorthStarYear> = BTreeMap::new();
    for ((campus_id, school_year), facts) in campus_years {
        let year = years.entry(*school_year).or_insert_with(|| NorthStarYear {
            school_year: *school_year,
            rating_method: rating_method(*school_year),
            students: 0,
            students_by_tier: BTreeMap::new(),
            campuses_by_tier: BTreeMap::new(),
            quality_percent: None,
            quality_campus_percent: None,
            by_group: BTreeMap::new(),
            by_area: BTreeMap::new(),
            expected_percent: None,
            on_track: None,
        });
        let tier = framework.tier_in(*school_year, facts);
        *year.campuses_by_tier.entry(tier).or_default() += 1;
        let Some(students) = facts.total_enrollment() else {
            continue;
        };
        let quality = tier == Tier::Quality;
        year.students += students;
        *year.students_by_tier.entry(tier).or_default() += students;

        for (group, measure) in &facts.groups {
            // A count where published, else the percent of this campus's enrollment.
            let in_group = match (measure.count, measure.percent) {
                (Some(count), _) => f64::from(count),
                (None, Some(percent)) => percent * f64::from(students) / 100.0,
                (None, None) => continue,
            };
            let share = year.by_group.entry(*group).or_default();
            share.students += in_group;
            if quality {
                share.in_quality += in_group;
            }
        }
        if let Some(area) = area_of.get(campus_id) {
            let share = year.by_area.entry(area.to_string()).or_default();
            share.students += f64::from(students);
            if quality {
                share.in_quality += f64::from(students);
            }
        }
    }

    let mut result: Vec<NorthStarYear> = years.into_values().collect();
    for year in &mut result {
        let lettered = [Tier::Quality, Tier::Mixed, Tier::Low]
            .iter()
            .any(|t| year.campuses_by_tier.contains_key(t));
        if !lettered || year.students == 0 {
            // A gap year: no shares, and group and area shares would only mislead.
            year.by_group.clear();
            year.by_area.clear();
            continue;
        }
        let quality = year
            .students_by_tier
            .get(&Tier::Quality)
            .copied()
            .unwrap_or(0);
        year.quality_percent = Some(100.0 * f64::from(quality) / f64::from(year.students));
        let campuses: usize = year.campuses_by_tier.values().sum();
        let quality_campuses = year
            .campuses_by_tier
            .get(&Tier::Quality)
            .copied()
            .unwrap_or(0);
        year.quality_campus_percent = Some(100.0 * quality_campuses as f64 / campuses as f64);
    }

    if let Some(goal) = goal {
        apply_goal(&mut result, goal);
    }
    result
}

/// The goal's trajectory is a straight line from the first measured year's share to the target;
/// a year is on track when its share is at or above the line.
fn apply_goal(years: &mut [NorthStarYear], goal: &Goal) {
    let Some((base_year, base)) = years
        .iter()
        .find_map(|y| y.quality_percent.map(|p| (y.school_year, p)))
    else {
        return;
    };
    let span = f64::from(goal.target_year.start()) - f64::from(base_year.start());
    for year in years.iter_mut() {
        let elapsed = f64::from(year.school_year.start()) - f64::from(base_year.start());
        let expected = if span <= 0.0 {
            goal.target_percent
        } else {
            base + (goal.target_percent - base) * (elapsed / span).clamp(0.0, 1.0)
        };
        year.expected_percent = Some(expected);
        year.on_track = year.quality_percent.map(|actual| actual + 1e-9 >= expected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sgs_domain::{GroupMeasure, NotRatedReason, Rating};

    fn campus(serial: &str, area: &str) -> Campus {
        Campus {
            id: CampusId::parse(&format!("999901{serial}")).unwrap(),
            district_id: sgs_domain::DistrictId::parse("999901").unwrap(),
            name: serial.into(),
            grade_low: None,
            grade_high: None,
            school_type: None,
            governance: sgs_domain::Governance::DistrictRun,
            address: None,
            latitude: None,
            longitude: None,
            programs: vec![],
            status: sgs_domain::CampusStatus::Open,
            predecessor_id: None,
            planning_area_id: Some(area.into()),
        }
    }

    fn facts(students: u32, rating: Rating, econ_percent: Option<f64>) -> CampusYear {
        let mut f = CampusYear {
            rating: Some(rating),
            ..Default::default()
        };
        f.enrollment.insert(sgs_domain::Grade::G(4), students);
        if let Some(p) = econ_percent {
            f.groups.insert(
                StudentGroup::EconomicallyDisadvantaged,
                GroupMeasure {
                    count: None,
                    percent: Some(p),
                },
            );
        }
        f
    }

    #[test]
    fn hand_worked_north_star_with_groups_areas_and_a_goal() {
        let campuses = [
            campus("101", "north"),
            campus("102", "south"),
            campus("103", "south"),
        ];
        let y1 = SchoolYear::starting(2018);
        let gap = SchoolYear::starting(2019);
        let y2 = SchoolYear::starting(2021);
        let mut data = BTreeMap::new();
        // 2018-19: 400 students in a B (50% econ), 100 in a C (90% econ), 500 in an F (100% econ).
        data.insert(
            (campuses[0].id.clone(), y1),
            facts(400, Rating::Letter('B'), Some(50.0)),
        );
        data.insert(
            (campuses[1].id.clone(), y1),
            facts(100, Rating::Letter('C'), Some(90.0)),
        );
        data.insert(
            (campuses[2].id.clone(), y1),
            facts(500, Rating::Letter('F'), Some(100.0)),
        );
        let disaster = Rating::NotRated(NotRatedReason::DeclaredDisaster);
        for c in &campuses {
            data.insert((c.id.clone(), gap), facts(300, disaster.clone(), None));
        }
        // 2021-22: 600 in an A, 300 in a B, 100 Not Rated: SB 1365.
        data.insert(
            (campuses[0].id.clone(), y2),
            facts(600, Rating::Letter('A'), None),
        );
        data.insert(
            (campuses[1].id.clone(), y2),
            facts(300, Rating::Letter('B'), None),
        );
        data.insert(
            (campuses[2].id.clone(), y2),
            facts(100, Rating::NotRated(NotRatedReason::Sb1365), None),
        );

        let goal = Goal {
            target_percent: 80.0,
            target_year: SchoolYear::starting(2022),
        };
        let years = north_star(&campuses, &data, &Framework::TeaAtoF, Some(&goal));
        assert_eq!(years.len(), 3);

        let first = &years[0];
        assert_eq!(first.students, 1000);
        assert_eq!(first.quality_percent, Some(40.0));
        assert_eq!(
            first
                .quality_campus_percent
                .map(|p| (p * 100.0).round() / 100.0),
            Some(33.33)
        );
        // Econ: 200 + 90 + 500 = 790 students, 200 of them in the B campus.
        let econ = first.by_group[&StudentGroup::EconomicallyDisadvantaged];
        assert_eq!((econ.students, econ.in_quality), (790.0, 200.0));
        assert_eq!(first.by_area["north"].percent(), Some(100.0));
        assert_eq!(first.by_area["south"].percent(), Some(0.0));
        assert_eq!(first.expected_percent, Some(40.0));
        assert_eq!(first.on_track, Some(true));

        assert_eq!(years[1].quality_percent, None, "the disaster year is a gap");
        assert_eq!(years[1].on_track, None);
        assert!(years[1].by_area.is_empty());

        let last = &years[2];
        assert_eq!(last.quality_percent, Some(90.0));
        assert_eq!(
            last.students_by_tier[&Tier::NotRated],
            100,
            "Not Rated is its own tier"
        );
        // Expected on the line from 40% (2018) to 80% (2022): 40 + 40 * 3/4 = 70.
        assert_eq!(last.expected_percent, Some(70.0));
        assert_eq!(last.on_track, Some(true));
    }
}
