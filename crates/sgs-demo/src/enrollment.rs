//! Enrollment by grade: a cohort simulation that follows students from grade to grade.
//!
//! Every site starts empty in 2004 and is simulated year by year up to 2022-2023, so the five
//! reported years carry believable cohorts. Kindergarten entry grows or shrinks with the
//! neighborhood; each later grade is last year's previous grade times a progression ratio
//! (0.95–1.00 in elementary school, a drop at the move to middle school as families choose
//! charters, the ninth-grade bump of students repeating grade 9, then attrition through high
//! school). Middle and high schools take their entering class from their feeder schools. The
//! pandemic year 2020-2021 depresses pre-kindergarten and kindergarten entry.

use std::collections::BTreeMap;

use sgs_domain::Grade;

use crate::areas::AREAS;
use crate::campuses::{Level, Roster, Site};
use crate::random::Random;
use crate::{FIRST_YEAR, LAST_YEAR};

/// The year the simulation starts, early enough for every grade to fill before 2018-2019.
const SIMULATION_START: u16 = 2004;

/// Students in each grade, indexed by [`Grade::index`].
type Cohorts = [f64; 15];

/// Enrollment by grade for each reported year, by fall calendar year.
pub(crate) type SiteEnrollment = BTreeMap<u16, BTreeMap<Grade, u32>>;

/// The position of `grade` in [`Cohorts`].
fn slot(grade: Grade) -> usize {
    usize::from(grade.index())
}

/// The multiplier of kindergarten entry in `year` relative to 2018-2019.
fn growth_factor(growth: f64, year: u16) -> f64 {
    let mut factor = 1.0;
    for _ in FIRST_YEAR..year {
        factor *= growth;
    }
    for _ in year..FIRST_YEAR {
        factor /= growth;
    }
    factor
}

/// How the pandemic changed pre-kindergarten entry, kindergarten entry and grade progression.
fn pandemic(year: u16) -> (f64, f64, f64) {
    match year {
        2020 => (0.72, 0.88, 0.975),
        2021 => (0.88, 0.97, 1.0),
        _ => (1.0, 1.0, 1.0),
    }
}

/// Moves each grade in `grades` up from last year's previous grade, at a ratio drawn from
/// `ratio` for that grade.
fn advance(
    next: &mut Cohorts,
    previous: &Cohorts,
    grades: std::ops::RangeInclusive<usize>,
    mut ratio: impl FnMut(usize) -> f64,
) {
    let start = *grades.start();
    let targets = next[grades].iter_mut().enumerate();
    for (offset, target) in targets {
        let grade = start + offset;
        *target = previous[grade - 1] * ratio(grade);
    }
}

/// One site's students in `year`, given every site's students the year before.
fn step(index: usize, site: &Site, previous: &[Cohorts], year: u16) -> Cohorts {
    let mut random = Random::keyed("enrollment", index as u64 * 100 + u64::from(year - 2000));
    let area = &AREAS[site.area];
    let own = &previous[index];
    let (prekindergarten_effect, kindergarten_effect, disruption) = pandemic(year);
    // Families move into growing neighborhoods and out of shrinking ones.
    let mobility = (area.growth - 1.0) * 0.6;
    let mut next = [0.0; 15];
    let (_, high) = site.level.span();
    let entering = |grade: Grade| -> f64 {
        site.feeders
            .iter()
            .map(|&feeder| previous[feeder][slot(grade)])
            .sum()
    };
    match site.level {
        Level::Elementary | Level::PrekindergartenToEighth => {
            let entry = site.entry_size * growth_factor(area.growth, year);
            next[slot(Grade::K)] = entry * kindergarten_effect * random.between(0.95, 1.05);
            next[slot(Grade::PK)] = entry
                * site.prekindergarten_share
                * prekindergarten_effect
                * random.between(0.92, 1.08);
            advance(&mut next, own, slot(Grade::G(1))..=slot(high), |_| {
                (random.between(0.95, 1.0) + mobility) * disruption
            });
        }
        Level::Middle => {
            next[slot(Grade::G(6))] =
                entering(Grade::G(5)) * random.between(0.9, 0.97) * disruption;
            advance(&mut next, own, slot(Grade::G(7))..=slot(high), |_| {
                (random.between(0.96, 1.01) + mobility) * disruption
            });
        }
        Level::High => {
            next[slot(Grade::G(9))] = entering(Grade::G(8)) * random.between(1.03, 1.09);
            advance(&mut next, own, slot(Grade::G(10))..=slot(high), |grade| {
                let (least, most) = if grade == slot(Grade::G(10)) {
                    (0.86, 0.92)
                } else if grade == slot(Grade::G(11)) {
                    (0.91, 0.97)
                } else {
                    (0.94, 0.99)
                };
                (random.between(least, most) + mobility) * disruption
            });
        }
        Level::SixthToTwelfth => {
            next[slot(Grade::G(6))] = site.entry_size * random.between(0.93, 1.07);
            advance(&mut next, own, slot(Grade::G(7))..=slot(high), |_| {
                random.between(0.95, 1.0) * disruption
            });
        }
    }
    next
}

/// Simulates every site and returns, per site, its rounded enrollment by grade in each reported
/// year (grades outside the site's span are absent).
pub(crate) fn simulate(roster: &Roster) -> Vec<SiteEnrollment> {
    let mut state: Vec<Cohorts> = vec![[0.0; 15]; roster.sites.len()];
    let mut reported: Vec<SiteEnrollment> = vec![BTreeMap::new(); roster.sites.len()];
    for year in SIMULATION_START..=LAST_YEAR {
        state = roster
            .sites
            .iter()
            .enumerate()
            .map(|(index, site)| step(index, site, &state, year))
            .collect();
        if year < FIRST_YEAR {
            continue;
        }
        for ((site, cohorts), enrollment) in roster.sites.iter().zip(&state).zip(&mut reported) {
            let (low, high) = site.level.span();
            let grades = Grade::all()
                .into_iter()
                .filter(|grade| (low..=high).contains(grade))
                .map(|grade| (grade, cohorts[slot(grade)].round() as u32))
                .collect();
            enrollment.insert(year, grades);
        }
    }
    reported
}

/// Seats a site's building holds: its peak enrollment over the reported years divided by its
/// utilisation, rounded to 25 seats.
pub(crate) fn capacity(site: &Site, enrollment: &SiteEnrollment) -> u32 {
    let peak = enrollment
        .values()
        .map(|grades| grades.values().sum::<u32>())
        .max()
        .unwrap_or(0);
    let seats = f64::from(peak) / site.utilisation;
    ((seats / 25.0).round() * 25.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_compounds_both_ways() {
        assert_eq!(growth_factor(1.1, FIRST_YEAR), 1.0);
        assert!((growth_factor(1.1, FIRST_YEAR + 2) - 1.21).abs() < 1e-9);
        assert!((growth_factor(1.1, FIRST_YEAR - 1) - 1.0 / 1.1).abs() < 1e-9);
    }
}
