//! Accountability ratings on the real Texas calendar.
//!
//! 2018-2019 has A–F letters. 2019-2020 and 2020-2021 are Not Rated: Declared State of Disaster,
//! with no scores. 2021-2022 rates only A, B and C; a campus that would have earned a D or F is
//! Not Rated: SB 1365 (its scaled scores are still reported, as TEA did). 2022-2023 has A–F.
//!
//! Scores follow TEA's method: the overall scaled score is 70% of the better of Student
//! Achievement and School Progress plus 30% of Closing the Gaps, and the letter follows the
//! overall score (A ≥ 90, B 80–89, C 70–79, D 60–69, F < 60).

use sgs_domain::{NotRatedReason, Rating};

use crate::campuses::CampusPlan;
use crate::random::Random;
use crate::FIRST_YEAR;

/// A campus's rating and scaled scores in one year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scores {
    /// The rating.
    pub(crate) rating: Rating,
    /// Overall scaled score.
    pub(crate) overall: Option<u8>,
    /// Student Achievement domain scaled score.
    pub(crate) achievement: Option<u8>,
    /// School Progress domain scaled score.
    pub(crate) progress: Option<u8>,
    /// Closing the Gaps domain scaled score.
    pub(crate) closing_gaps: Option<u8>,
}

/// How a year's tests and rules moved scores district-wide.
fn year_effect(year: u16) -> f64 {
    match year {
        // Recovery year: School Progress rewarded growth after the pandemic.
        2021 => 2.0,
        // The refreshed 2023 accountability system raised the bar.
        2022 => -2.0,
        _ => 0.0,
    }
}

/// A domain scaled score, kept within 1–99.
fn domain_score(value: f64) -> u8 {
    value.round().clamp(1.0, 99.0) as u8
}

/// The rating and scores of `plan` in the school year starting in `year`.
pub(crate) fn rate(plan: &CampusPlan, year: u16) -> Scores {
    if matches!(year, 2019 | 2020) {
        return Scores {
            rating: Rating::NotRated(NotRatedReason::DeclaredDisaster),
            overall: None,
            achievement: None,
            progress: None,
            closing_gaps: None,
        };
    }
    let mut random = Random::keyed("rating", plan.serial * 100 + u64::from(year - 2000));
    let expected = plan.quality
        + plan.trend * f64::from(year.saturating_sub(FIRST_YEAR))
        + year_effect(year)
        + random.normal(0.0, 3.0);
    let achievement = domain_score(expected - 2.0 + random.normal(0.0, 4.0));
    let progress = domain_score(expected + random.normal(0.0, 4.0));
    let closing_gaps = domain_score(expected - 3.0 + random.normal(0.0, 6.0));
    let overall =
        (0.7 * f64::from(achievement.max(progress)) + 0.3 * f64::from(closing_gaps)).round() as u8;
    let letter = Rating::from_scaled_score(overall);
    let rating = if year == 2021 && matches!(letter.letter(), Some('D' | 'F')) {
        Rating::NotRated(NotRatedReason::Sb1365)
    } else {
        letter
    };
    Scores {
        rating,
        overall: Some(overall),
        achievement: Some(achievement),
        progress: Some(progress),
        closing_gaps: Some(closing_gaps),
    }
}
