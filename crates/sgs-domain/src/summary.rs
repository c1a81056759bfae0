//! District totals per school year: students and campuses in each rating tier. The North Star
//! of a System of Great Schools counts students, not schools, in A- or B-rated campuses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{CampusId, CampusYear, GradeBand, Rating, SchoolYear};

/// The default tiers over TEA A–F: A and B are quality seats, C is mixed, D and F are low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    /// A or B.
    Quality,
    /// C.
    Mixed,
    /// D or F.
    Low,
    /// Not Rated, for any reason.
    NotRated,
    /// No rating recorded at all.
    Unknown,
}

impl Tier {
    /// The tier a rating falls in.
    pub fn of(rating: Option<&Rating>) -> Tier {
        match rating {
            Some(Rating::Letter('A' | 'B')) => Tier::Quality,
            Some(Rating::Letter('C')) => Tier::Mixed,
            Some(Rating::Letter(_)) => Tier::Low,
            Some(Rating::NotRated(_)) => Tier::NotRated,
            None => Tier::Unknown,
        }
    }

    /// Every tier in display order.
    pub fn all() -> [Tier; 5] {
        [
            Tier::Quality,
            Tier::Mixed,
            Tier::Low,
            Tier::NotRated,
            Tier::Unknown,
        ]
    }

    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            Tier::Quality => "quality",
            Tier::Mixed => "mixed",
            Tier::Low => "low",
            Tier::NotRated => "not_rated",
            Tier::Unknown => "unknown",
        }
    }
}

/// One school year's district totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearSummary {
    /// The school year.
    pub school_year: SchoolYear,
    /// Students enrolled in campuses with known enrollment, or `None` when no campus reported
    /// enrollment that year (a year with only ratings or capacities is not a year of zero).
    pub students: Option<u32>,
    /// Campuses whose enrollment is known.
    pub campuses_reporting: usize,
    /// Campuses with any record that year.
    pub campuses: usize,
    /// Students by tier.
    pub students_by_tier: BTreeMap<Tier, u32>,
    /// Campuses by tier.
    pub campuses_by_tier: BTreeMap<Tier, usize>,
}

impl YearSummary {
    /// Percent of students in quality (A/B) campuses, or `None` in a year no campus earned a
    /// letter (2020 and 2021 in Texas): a gap, not a zero.
    pub fn quality_share(&self) -> Option<f64> {
        let lettered = [Tier::Quality, Tier::Mixed, Tier::Low]
            .iter()
            .any(|t| self.campuses_by_tier.contains_key(t));
        let students = self.students.filter(|n| *n > 0)?;
        if !lettered {
            return None;
        }
        let quality = self
            .students_by_tier
            .get(&Tier::Quality)
            .copied()
            .unwrap_or(0);
        Some(100.0 * f64::from(quality) / f64::from(students))
    }
}

/// The latest year in which any campus reported enrollment.
pub fn latest_with_enrollment(summaries: &[YearSummary]) -> Option<&YearSummary> {
    summaries.iter().rev().find(|s| s.students.is_some())
}

/// Students in each grade band in one school year, over campuses that reported enrollment.
/// Grades outside every band (EE, PK with the default bands) are left out.
pub fn students_by_band(
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
    school_year: SchoolYear,
    bands: &[GradeBand],
) -> Vec<(GradeBand, u32)> {
    bands
        .iter()
        .map(|band| {
            let students = campus_years
                .iter()
                .filter(|((_, year), _)| *year == school_year)
                .flat_map(|(_, facts)| facts.enrollment.iter())
                .filter(|(grade, _)| band.contains(**grade))
                .map(|(_, n)| *n)
                .sum();
            (band.clone(), students)
        })
        .collect()
}

/// Totals per school year, oldest first.
pub fn summarize(campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>) -> Vec<YearSummary> {
    let mut by_year: BTreeMap<SchoolYear, YearSummary> = BTreeMap::new();
    for ((_, year), facts) in campus_years {
        let summary = by_year.entry(*year).or_insert_with(|| YearSummary {
            school_year: *year,
            students: None,
            campuses_reporting: 0,
            campuses: 0,
            students_by_tier: BTreeMap::new(),
            campuses_by_tier: BTreeMap::new(),
        });
        let tier = Tier::of(facts.rating.as_ref());
        summary.campuses += 1;
        *summary.campuses_by_tier.entry(tier).or_default() += 1;
        // Only campuses that reported enrollment add students; the rest are unknown, not zero.
        if let Some(students) = facts.total_enrollment() {
            summary.students = Some(summary.students.unwrap_or(0) + students);
            summary.campuses_reporting += 1;
            *summary.students_by_tier.entry(tier).or_default() += students;
        }
    }
    by_year.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Grade, NotRatedReason};

    fn campus_year(students: u32, rating: Option<Rating>) -> CampusYear {
        let mut facts = CampusYear {
            rating,
            ..Default::default()
        };
        facts.enrollment.insert(Grade::G(3), students);
        facts
    }

    #[test]
    fn counts_students_by_tier_and_leaves_unrated_years_as_gaps() {
        let y2019 = SchoolYear::starting(2018);
        let y2020 = SchoolYear::starting(2019);
        let id = |n: &str| CampusId::parse(&format!("999901{n}")).unwrap();
        let mut data = BTreeMap::new();
        data.insert(
            (id("001"), y2019),
            campus_year(300, Some(Rating::Letter('A'))),
        );
        data.insert(
            (id("002"), y2019),
            campus_year(100, Some(Rating::Letter('C'))),
        );
        data.insert(
            (id("003"), y2019),
            campus_year(100, Some(Rating::Letter('F'))),
        );
        let disaster = Some(Rating::NotRated(NotRatedReason::DeclaredDisaster));
        data.insert((id("001"), y2020), campus_year(310, disaster.clone()));
        data.insert((id("002"), y2020), campus_year(90, disaster));

        let summaries = summarize(&data);
        assert_eq!(summaries.len(), 2);
        assert_eq!(summaries[0].students, Some(500));
        assert_eq!(summaries[0].students_by_tier[&Tier::Quality], 300);
        assert_eq!(summaries[0].campuses_by_tier[&Tier::Low], 1);
        assert_eq!(summaries[0].quality_share(), Some(60.0));
        assert_eq!(summaries[1].students, Some(400));
        assert_eq!(summaries[1].quality_share(), None);
    }

    #[test]
    fn students_fall_in_their_grade_band() {
        let year = SchoolYear::starting(2022);
        let mut facts = CampusYear::default();
        facts.enrollment.insert(Grade::PK, 40);
        facts.enrollment.insert(Grade::K, 100);
        facts.enrollment.insert(Grade::G(5), 90);
        facts.enrollment.insert(Grade::G(6), 80);
        let mut data = BTreeMap::new();
        data.insert((CampusId::parse("999901001").unwrap(), year), facts.clone());
        data.insert(
            (CampusId::parse("999901002").unwrap(), year.previous()),
            facts,
        );

        let bands = students_by_band(&data, year, &GradeBand::defaults());
        let counts: Vec<u32> = bands.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            counts,
            [190, 80, 0],
            "PK is outside K-5; the other year is not counted"
        );
    }

    #[test]
    fn a_year_with_ratings_but_no_enrollment_is_unknown_not_zero() {
        let id = CampusId::parse("999901001").unwrap();
        let mut data = BTreeMap::new();
        data.insert(
            (id.clone(), SchoolYear::starting(2021)),
            campus_year(250, Some(Rating::Letter('B'))),
        );
        let rated_only = CampusYear {
            rating: Some(Rating::Letter('A')),
            capacity: Some(600),
            ..Default::default()
        };
        data.insert((id, SchoolYear::starting(2022)), rated_only);

        let summaries = summarize(&data);
        assert_eq!(summaries[1].students, None);
        assert_eq!(summaries[1].campuses_reporting, 0);
        assert_eq!(summaries[1].quality_share(), None);
        assert_eq!(
            latest_with_enrollment(&summaries).unwrap().school_year,
            SchoolYear::starting(2021)
        );
    }
}
