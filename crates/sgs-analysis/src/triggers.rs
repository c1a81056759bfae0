//! Texas accountability triggers: consecutive years of unacceptable ratings per campus, and the
//! interventions they bring (TEC §39A.101 turnaround plan after two, §39A.111 closure or a board
//! of managers after five).
//!
//! Rules as applied here: F is unacceptable; D is unacceptable when the campus's previous rated
//! year was D or F (a first D is "needs improvement"). Not Rated years (declared disaster in
//! 2020 and 2021, SB 1365 in 2022, no data) neither count nor break the chain, as TEA treated the
//! 2020 gap. An acceptable rating (A, B, C, or a first D) ends the chain.

use std::collections::BTreeMap;

use serde::Serialize;
use sgs_domain::{Campus, CampusId, CampusYear, Governance, Rating, SchoolYear};

/// What the chain of unacceptable years requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Intervention {
    /// Fewer than two consecutive unacceptable years.
    None,
    /// Two to four: a campus turnaround plan.
    TurnaroundPlan,
    /// Five or more: closure or a board of managers.
    ClosureOrBoardOfManagers,
}

/// One campus's standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerStatus {
    /// The campus.
    pub campus_id: CampusId,
    /// Consecutive unacceptable rated years up to its latest rated year.
    pub consecutive_unacceptable: usize,
    /// The rated years in the chain, oldest first.
    pub chain: Vec<SchoolYear>,
    /// What the chain requires.
    pub intervention: Intervention,
    /// Partner-managed campuses may hold an SB 1882 exemption from these interventions for two
    /// years from the partnership's start.
    pub partnership_exemption_possible: bool,
    /// The exemption window, first and last school year, when the partnership's start is known:
    /// a partner-managed restart (a campus with a predecessor) starts in its first year on
    /// record.
    pub exemption_window: Option<(SchoolYear, SchoolYear)>,
}

/// Every campus's trigger status, campuses with the longest chains first.
pub fn triggers(
    campuses: &[Campus],
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
) -> Vec<TriggerStatus> {
    let mut statuses: Vec<TriggerStatus> = campuses
        .iter()
        .map(|campus| {
            let letters: Vec<(SchoolYear, char)> = campus_years
                .range(
                    (campus.id.clone(), SchoolYear::starting(0))
                        ..=(campus.id.clone(), SchoolYear::starting(u16::MAX - 1)),
                )
                .filter_map(|((_, year), facts)| match &facts.rating {
                    Some(Rating::Letter(letter)) => Some((*year, *letter)),
                    _ => None,
                })
                .collect();
            let chain = unacceptable_chain(&letters);
            let intervention = match chain.len() {
                0 | 1 => Intervention::None,
                2..=4 => Intervention::TurnaroundPlan,
                _ => Intervention::ClosureOrBoardOfManagers,
            };
            TriggerStatus {
                campus_id: campus.id.clone(),
                consecutive_unacceptable: chain.len(),
                chain,
                intervention,
                partnership_exemption_possible: campus.governance == Governance::PartnerManaged
                    && intervention != Intervention::None,
                exemption_window: exemption_window(campus, campus_years),
            }
        })
        .collect();
    statuses.sort_by(|a, b| {
        b.consecutive_unacceptable
            .cmp(&a.consecutive_unacceptable)
            .then(a.campus_id.cmp(&b.campus_id))
    });
    statuses
}

/// SB 1882's two-year window for a partner-managed restart: from its first year on record.
fn exemption_window(
    campus: &Campus,
    campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
) -> Option<(SchoolYear, SchoolYear)> {
    if campus.governance != Governance::PartnerManaged || campus.predecessor_id.is_none() {
        return None;
    }
    let start = campus_years
        .range(
            (campus.id.clone(), SchoolYear::starting(0))
                ..=(campus.id.clone(), SchoolYear::starting(u16::MAX - 1)),
        )
        .map(|((_, year), _)| *year)
        .next()?;
    Some((start, start.next()))
}

/// The trailing run of unacceptable years among letter-rated years (Not Rated years are simply
/// absent from `letters`, so they neither count nor break the run).
fn unacceptable_chain(letters: &[(SchoolYear, char)]) -> Vec<SchoolYear> {
    let mut chain = Vec::new();
    let mut previous: Option<char> = None;
    for (year, letter) in letters {
        let unacceptable = match letter {
            'F' => true,
            'D' => matches!(previous, Some('D' | 'F')),
            _ => false,
        };
        if unacceptable {
            chain.push(*year);
        } else {
            chain.clear();
        }
        previous = Some(*letter);
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(letters: &[(u16, char)]) -> Vec<u16> {
        let letters: Vec<(SchoolYear, char)> = letters
            .iter()
            .map(|(y, l)| (SchoolYear::starting(*y), *l))
            .collect();
        unacceptable_chain(&letters)
            .iter()
            .map(|y| y.start())
            .collect()
    }

    #[test]
    fn texas_rules_for_consecutive_unacceptable_years() {
        // F then (two Not Rated years, absent) F: consecutive.
        assert_eq!(chain(&[(2018, 'F'), (2021, 'F')]), [2018, 2021]);
        // A first D is acceptable; a D after an F or D is not.
        assert_eq!(chain(&[(2016, 'C'), (2017, 'D')]), Vec::<u16>::new());
        assert_eq!(chain(&[(2016, 'D'), (2017, 'D')]), [2017]);
        assert_eq!(
            chain(&[(2016, 'F'), (2017, 'D'), (2018, 'F')]),
            [2016, 2017, 2018]
        );
        // A C breaks the chain.
        assert_eq!(chain(&[(2016, 'F'), (2017, 'C'), (2018, 'F')]), [2018]);
    }

    #[test]
    fn interventions_follow_the_chain_length() {
        let campus = Campus {
            governance: Governance::PartnerManaged,
            ..Campus::new(CampusId::parse("999901101").unwrap(), "x")
        };
        let mut data = BTreeMap::new();
        let letters = [
            (2014, 'F'),
            (2015, 'F'),
            (2016, 'D'),
            (2017, 'F'),
            (2018, 'F'),
        ];
        for (year, letter) in letters {
            let facts = CampusYear {
                rating: Some(Rating::Letter(letter)),
                ..Default::default()
            };
            data.insert((campus.id.clone(), SchoolYear::starting(year)), facts);
        }
        let disaster = CampusYear {
            rating: Some(Rating::NotRated(
                sgs_domain::NotRatedReason::DeclaredDisaster,
            )),
            ..Default::default()
        };
        data.insert((campus.id.clone(), SchoolYear::starting(2019)), disaster);
        let status = &triggers(std::slice::from_ref(&campus), &data)[0];
        assert_eq!(status.consecutive_unacceptable, 5);
        assert_eq!(status.intervention, Intervention::ClosureOrBoardOfManagers);
        assert!(status.partnership_exemption_possible);
        assert_eq!(
            status.exemption_window, None,
            "no predecessor: the start is unknown"
        );

        // As a restart of another campus, the partnership starts in its first year on record.
        let restart = Campus {
            predecessor_id: Some(CampusId::parse("999901100").unwrap()),
            ..campus.clone()
        };
        let window = triggers(std::slice::from_ref(&restart), &data)[0].exemption_window;
        assert_eq!(
            window,
            Some((SchoolYear::starting(2014), SchoolYear::starting(2015)))
        );

        data.insert(
            (campus.id.clone(), SchoolYear::starting(2020)),
            CampusYear {
                rating: Some(Rating::Letter('B')),
                ..Default::default()
            },
        );
        assert_eq!(
            triggers(&[campus], &data)[0].intervention,
            Intervention::None
        );
    }
}
