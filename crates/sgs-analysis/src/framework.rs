//! The district's definition of a great school: how ratings (and optionally local measures)
//! become tiers, and which years can be compared.

use serde::{Deserialize, Serialize};
use sgs_domain::summary::Tier;
use sgs_domain::{CampusYear, Rating, SchoolYear};

/// How campuses are tiered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub enum Framework {
    /// TEA A–F as is: A and B are quality, C mixed, D and F low, Not Rated its own tier.
    #[default]
    TeaAtoF,
    /// Local measures: a weighted mean of the three domain scaled scores, cut into tiers. A
    /// campus without domain scores falls back to its letter.
    WeightedDomains {
        /// Weight of Student Achievement.
        achievement: f64,
        /// Weight of School Progress.
        progress: f64,
        /// Weight of Closing the Gaps.
        closing_gaps: f64,
        /// Weighted score at or above which a campus is quality.
        quality_at: f64,
        /// Weighted score at or above which a campus is mixed.
        mixed_at: f64,
    },
    /// The district's definition over time: each entry applies from its school year until the
    /// next; years before the first use TEA A–F.
    ByYear(Vec<(SchoolYear, Framework)>),
}

impl Framework {
    /// The tier of a campus's record from `year`, under the definition in force that year.
    pub fn tier_in(&self, year: SchoolYear, facts: &CampusYear) -> Tier {
        match self {
            Framework::ByYear(versions) => versions
                .iter()
                .filter(|(from, _)| *from <= year)
                .max_by_key(|(from, _)| *from)
                .map(|(_, framework)| framework.tier_in(year, facts))
                .unwrap_or_else(|| Tier::of(facts.rating.as_ref())),
            other => other.tier(facts),
        }
    }

    /// The tier of a campus's record under the latest definition.
    pub fn tier(&self, facts: &CampusYear) -> Tier {
        match self {
            Framework::ByYear(versions) => versions
                .iter()
                .max_by_key(|(from, _)| *from)
                .map(|(_, framework)| framework.tier(facts))
                .unwrap_or_else(|| Tier::of(facts.rating.as_ref())),
            Framework::TeaAtoF => Tier::of(facts.rating.as_ref()),
            Framework::WeightedDomains {
                achievement,
                progress,
                closing_gaps,
                quality_at,
                mixed_at,
            } => {
                // Not Rated stays Not Rated: local measures do not invent a rating TEA withheld.
                if matches!(facts.rating, Some(Rating::NotRated(_)) | None) {
                    return Tier::of(facts.rating.as_ref());
                }
                let scores = [
                    (facts.achievement_score, *achievement),
                    (facts.progress_score, *progress),
                    (facts.closing_gaps_score, *closing_gaps),
                ];
                let weight: f64 = scores
                    .iter()
                    .filter(|(s, _)| s.is_some())
                    .map(|(_, w)| w)
                    .sum();
                if weight <= 0.0 {
                    return Tier::of(facts.rating.as_ref());
                }
                let score = scores
                    .iter()
                    .filter_map(|(s, w)| s.map(|s| f64::from(s) * w))
                    .sum::<f64>()
                    / weight;
                if score >= *quality_at {
                    Tier::Quality
                } else if score >= *mixed_at {
                    Tier::Mixed
                } else {
                    Tier::Low
                }
            }
        }
    }
}

/// The TEA rating method a year was rated under. Years under different methods are not
/// comparable: the 2023 refresh raised the bar (for example CCMR for an A from 60% to 88%).
pub fn rating_method(year: SchoolYear) -> &'static str {
    if year.end() >= 2023 {
        "2023 refresh"
    } else {
        "2018 A–F"
    }
}

/// Whether two years' ratings can be compared.
pub fn comparable(a: SchoolYear, b: SchoolYear) -> bool {
    rating_method(a) == rating_method(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(rating: char, scores: [u8; 3]) -> CampusYear {
        CampusYear {
            rating: Some(Rating::Letter(rating)),
            achievement_score: Some(scores[0]),
            progress_score: Some(scores[1]),
            closing_gaps_score: Some(scores[2]),
            ..Default::default()
        }
    }

    #[test]
    fn local_measures_can_retier_a_campus() {
        let local = Framework::WeightedDomains {
            achievement: 0.5,
            progress: 0.3,
            closing_gaps: 0.2,
            quality_at: 80.0,
            mixed_at: 70.0,
        };
        // 0.5*90 + 0.3*85 + 0.2*40 = 78.5: mixed locally although TEA said B.
        let campus = facts('B', [90, 85, 40]);
        assert_eq!(Framework::TeaAtoF.tier(&campus), Tier::Quality);
        assert_eq!(local.tier(&campus), Tier::Mixed);
        assert_eq!(
            local.tier(&facts('C', [88, 84, 70])),
            Tier::Quality,
            "84.2 is quality"
        );
        let not_rated = CampusYear {
            rating: Some(Rating::NotRated(sgs_domain::NotRatedReason::Sb1365)),
            ..Default::default()
        };
        assert_eq!(local.tier(&not_rated), Tier::NotRated);
    }

    #[test]
    fn a_definition_applies_from_its_year() {
        let local = Framework::WeightedDomains {
            achievement: 1.0,
            progress: 0.0,
            closing_gaps: 0.0,
            quality_at: 95.0,
            mixed_at: 70.0,
        };
        let versions = Framework::ByYear(vec![(SchoolYear::starting(2021), local)]);
        let b_with_90 = facts('B', [90, 90, 90]);
        assert_eq!(
            versions.tier_in(SchoolYear::starting(2018), &b_with_90),
            Tier::Quality,
            "before: TEA A–F"
        );
        assert_eq!(
            versions.tier_in(SchoolYear::starting(2021), &b_with_90),
            Tier::Mixed,
            "from 2021: local"
        );
        assert_eq!(
            versions.tier_in(SchoolYear::starting(2022), &b_with_90),
            Tier::Mixed
        );
        assert_eq!(
            versions.tier(&b_with_90),
            Tier::Mixed,
            "the latest definition"
        );
        let json = serde_json::to_string(&versions).unwrap();
        assert_eq!(serde_json::from_str::<Framework>(&json).unwrap(), versions);
    }

    #[test]
    fn the_2023_refresh_is_not_comparable_with_earlier_years() {
        let y2019 = SchoolYear::starting(2018);
        let y2022 = SchoolYear::starting(2021);
        let y2023 = SchoolYear::starting(2022);
        assert!(comparable(y2019, y2022));
        assert!(!comparable(y2022, y2023));
        assert_eq!(rating_method(y2023), "2023 refresh");
    }
}
