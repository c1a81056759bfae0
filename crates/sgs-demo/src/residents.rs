//! Resident students per planning area, grade (kindergarten to 12) and year.
//!
//! Students are first attributed to the area they most likely live in: elementary and middle
//! school students to the area of their campus, high school students to the areas of the feeder
//! middle schools, and charter students across the district. Each area's *attraction* then moves
//! students between areas (magnet-rich Downtown enrolls more students than live there; Far
//! Southeast sends many of its students elsewhere), keeping the district total, and the share
//! attending open-enrollment charters or other districts is added on top. Residents therefore
//! outnumber district enrollment, and some neighborhoods' residents far exceed their seats.

use sgs_domain::{Grade, ResidentCount, SchoolYear};

use crate::areas::AREAS;
use crate::campuses::{Level, Roster};
use crate::enrollment::SiteEnrollment;
use crate::random::Random;
use crate::{FIRST_YEAR, LAST_YEAR};

/// Grades kindergarten to 12, the grades residents are counted in.
fn resident_grades() -> Vec<Grade> {
    Grade::all()
        .into_iter()
        .filter(|grade| *grade >= Grade::K)
        .collect()
}

/// Enrolled students by area (in [`AREAS`] order) for one grade and year, attributed to the
/// area they live in before any movement between areas.
fn attending(roster: &Roster, enrollment: &[SiteEnrollment], grade: Grade, year: u16) -> Vec<f64> {
    let count = |site: usize| -> f64 {
        enrollment[site]
            .get(&year)
            .and_then(|grades| grades.get(&grade))
            .map_or(0.0, |&students| f64::from(students))
    };
    let mut by_area = vec![0.0; AREAS.len()];
    let mut district_wide = 0.0;
    for (index, site) in roster.sites.iter().enumerate() {
        let students = count(index);
        match site.level {
            Level::High => {
                // Spread over the feeder schools' areas by the size of their grade 8.
                let weights: Vec<(usize, f64)> = site
                    .feeders
                    .iter()
                    .map(|&feeder| {
                        let eighth = enrollment[feeder]
                            .get(&year)
                            .and_then(|grades| grades.get(&Grade::G(8)))
                            .map_or(0.0, |&students| f64::from(students));
                        (roster.sites[feeder].area, eighth)
                    })
                    .collect();
                let total: f64 = weights.iter().map(|(_, weight)| weight).sum();
                if total > 0.0 {
                    for (area, weight) in weights {
                        by_area[area] += students * weight / total;
                    }
                } else {
                    by_area[site.area] += students;
                }
            }
            Level::SixthToTwelfth => district_wide += students,
            _ => by_area[site.area] += students,
        }
    }
    let local: f64 = by_area.iter().sum();
    if local > 0.0 {
        let shares: Vec<f64> = by_area.iter().map(|students| students / local).collect();
        for (students, share) in by_area.iter_mut().zip(shares) {
            *students += district_wide * share;
        }
    }
    by_area
}

/// Resident counts for every area, grade from kindergarten to 12 and reported year.
pub(crate) fn resident_counts(
    roster: &Roster,
    enrollment: &[SiteEnrollment],
) -> Vec<ResidentCount> {
    let mut counts = Vec::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for grade in resident_grades() {
            let attending = attending(roster, enrollment, grade, year);
            let district_total: f64 = attending.iter().sum();
            let moved: Vec<f64> = attending
                .iter()
                .zip(AREAS.iter())
                .map(|(students, area)| students / area.attraction)
                .collect();
            let moved_total: f64 = moved.iter().sum();
            for ((area_number, area), district_residents) in AREAS.iter().enumerate().zip(moved) {
                let mut random = Random::keyed(
                    "residents",
                    (area_number as u64 * 100 + u64::from(grade.index())) * 100
                        + u64::from(year - 2000),
                );
                let in_district = if moved_total > 0.0 {
                    district_residents * district_total / moved_total
                } else {
                    0.0
                };
                let residents =
                    in_district / (1.0 - area.charter_share) * random.between(0.98, 1.02);
                counts.push(ResidentCount {
                    planning_area_id: area.id.to_string(),
                    school_year: SchoolYear::starting(year),
                    grade,
                    group: None,
                    count: residents.round() as u32,
                });
            }
        }
    }
    counts
}
