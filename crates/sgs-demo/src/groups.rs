//! Student groups per campus and year, as counts and percents of enrollment.
//!
//! A campus starts from its neighborhood's shares, shifted once for the campus (some serve more
//! emergent bilingual students than their neighbors) and a little each year. Secondary schools
//! report fewer emergent bilingual students than elementary schools, application campuses fewer
//! economically disadvantaged ones, and special education identification rises over the years
//! as it did across Texas after 2018.

use std::collections::BTreeMap;

use sgs_domain::{GroupMeasure, StudentGroup};

use crate::areas::Demographics;
use crate::campuses::{CampusPlan, Level};
use crate::random::Random;
use crate::FIRST_YEAR;

/// Share of students in races the demo does not report (American Indian, Pacific Islander).
const UNREPORTED_RACES: f64 = 0.4;

/// A count and the percent it is of `total`, rounded to one decimal.
fn measure(total: u32, percent: f64) -> GroupMeasure {
    let count = (f64::from(total) * percent.clamp(0.0, 100.0) / 100.0).round() as u32;
    let percent = if total == 0 {
        0.0
    } else {
        (f64::from(count) * 1000.0 / f64::from(total)).round() / 10.0
    };
    GroupMeasure {
        count: Some(count),
        percent: Some(percent),
    }
}

/// The student groups of `plan`, a campus at a site of `level` in a neighborhood with
/// `demographics`, in the school year starting in `year`, when it enrolls `total` students.
pub(crate) fn student_groups(
    demographics: &Demographics,
    level: Level,
    plan: &CampusPlan,
    year: u16,
    total: u32,
) -> BTreeMap<StudentGroup, GroupMeasure> {
    // Campus character: the same every year.
    let mut campus = Random::keyed("groups", plan.serial);
    // Yearly wobble.
    let mut yearly = Random::keyed("groups-year", plan.serial * 100 + u64::from(year - 2000));
    let years_since_first = f64::from(year.saturating_sub(FIRST_YEAR));

    let bilingual_level = match level {
        Level::Elementary => 1.25,
        Level::PrekindergartenToEighth => 1.0,
        Level::Middle => 0.85,
        Level::High | Level::SixthToTwelfth => 0.6,
    };
    let dual_language = plan
        .campus
        .programs
        .iter()
        .any(|program| program == "Dual Language");
    let emergent_bilingual =
        demographics.emergent_bilingual * bilingual_level * campus.between(0.75, 1.25)
            + if dual_language { 5.0 } else { 0.0 }
            + yearly.normal(0.0, 0.8)
            + 0.5 * years_since_first;

    let economically_disadvantaged = demographics.economically_disadvantaged
        * if matches!(level, Level::High) {
            0.94
        } else {
            1.0
        }
        + campus.normal(0.0, 4.0)
        - if plan.selective { 10.0 } else { 0.0 }
        + yearly.normal(0.0, 1.2);

    let special_education = demographics.special_education
        + campus.normal(0.0, 1.5)
        + 0.45 * years_since_first
        + yearly.normal(0.0, 0.4);

    let races = [
        (StudentGroup::Hispanic, demographics.hispanic),
        (StudentGroup::AfricanAmerican, demographics.african_american),
        (StudentGroup::White, demographics.white),
        (StudentGroup::Asian, demographics.asian),
        (StudentGroup::TwoOrMore, demographics.two_or_more),
    ];
    let shifted: Vec<(StudentGroup, f64)> = races
        .iter()
        .map(|&(group, share)| {
            let factor = campus.between(0.8, 1.2) * yearly.between(0.97, 1.03);
            (group, share * factor)
        })
        .collect();
    let sum: f64 = shifted.iter().map(|(_, share)| share).sum();

    let mut groups = BTreeMap::new();
    groups.insert(
        StudentGroup::EconomicallyDisadvantaged,
        measure(total, economically_disadvantaged.clamp(5.0, 99.0)),
    );
    groups.insert(
        StudentGroup::EmergentBilingual,
        measure(total, emergent_bilingual.clamp(0.5, 80.0)),
    );
    groups.insert(
        StudentGroup::SpecialEducation,
        measure(total, special_education.clamp(4.0, 30.0)),
    );
    for (group, share) in shifted {
        groups.insert(
            group,
            measure(total, share / sum * (100.0 - UNREPORTED_RACES)),
        );
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_follows_the_count() {
        let group = measure(400, 37.26);
        assert_eq!(group.count, Some(149));
        assert_eq!(group.percent, Some(37.3));
        assert_eq!(measure(0, 50.0).count, Some(0));
    }
}
