//! Riverbend ISD's self-assessments: two closed yearly assessments (2023-2024 on rubric
//! version 1, 2024-2025 on version 2 after the district edited the rubric) and one in progress
//! (2025-2026), rated by cabinet members, a principal, a board member and a community partner,
//! with an innovation-office analyst as facilitator.
//!
//! The team's picture improves over the years on the goal-setting and Quality Seats levers and
//! holds elsewhere; a few indicators split the room so the spread view has disagreements to show.
//! Everything is drawn from keyed SplitMix64 streams: the same data on every call.

use sgs_assessment::{Answer, Consensus, Indicator, RaterRole, Rating, Rubric, RubricChange, Text};
use sgs_domain::SchoolYear;

use crate::random::Random;

/// The facilitator of every demo assessment: the innovation-office analyst.
pub const FACILITATOR: &str = "analyst@riverbend.example";

/// The demo raters: email, the seat they hold. Their accounts are the demo accounts.
pub const RATERS: [(&str, RaterRole); 5] = [
    ("admin@riverbend.example", RaterRole::Cabinet),
    ("enrollment@riverbend.example", RaterRole::Cabinet),
    ("principal@riverbend.example", RaterRole::Principal),
    ("board@riverbend.example", RaterRole::Board),
    ("partner@riverbend.example", RaterRole::Community),
];

/// One invited rater of a demo assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRater {
    /// The rater's demo account.
    pub email: &'static str,
    /// Their seat.
    pub rater_role: RaterRole,
    /// Whether they have handed in their ratings.
    pub submitted: bool,
}

/// Follow-up work the team made from an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInitiative {
    /// The indicator it came from.
    pub indicator_id: &'static str,
    /// What is to be done.
    pub title: &'static str,
    /// Who owns it.
    pub owner: &'static str,
    /// Due date.
    pub due_date: &'static str,
}

/// One demo assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoAssessment {
    /// The school year assessed.
    pub school_year: SchoolYear,
    /// The rubric version it runs on.
    pub rubric_version: u32,
    /// Whether the facilitator has closed it.
    pub closed: bool,
    /// Invited raters.
    pub raters: Vec<DemoRater>,
    /// Individual ratings; `rater` is the rater's email. Raters who have not submitted hold
    /// drafts.
    pub ratings: Vec<Rating>,
    /// Consensus recorded by the facilitator.
    pub consensus: Vec<Consensus>,
    /// Follow-up work created from its indicators.
    pub initiatives: Vec<DemoInitiative>,
}

/// The district's edit of the base rubric, made between the 2023-2024 and 2024-2025
/// assessments: one indicator reworded (still comparable), one retired, one added.
pub fn rubric_edit() -> Vec<RubricChange> {
    vec![
        RubricChange::EditText {
            id: "l3.information.school-guide".into(),
            text: Text::new(
                "Families can find every school's guide entry online, on paper and in their home language.",
                "Las familias encuentran la ficha de cada escuela en línea, en papel y en su idioma.",
            ),
        },
        RubricChange::RetireIndicator {
            id: "l2.talent.landscape".into(),
        },
        RubricChange::AddIndicator {
            practice_id: "l4.service".into(),
            indicator: Indicator {
                id: "l4.service.principal-survey".into(),
                text: Text::new(
                    "Principals rate each central department every spring, and the ratings are published.",
                    "Cada primavera los directores califican cada departamento central y las calificaciones se publican.",
                ),
                evidence: Text::new(
                    "Spring principal survey results by department",
                    "Resultados de la encuesta de primavera a directores, por departamento",
                ),
                ideas: vec![sgs_assessment::Idea::HumanCenteredDesign],
                level_descriptions: vec![
                    Text::new("No survey of principals.", "No hay encuesta a directores."),
                    Text::new("A survey ran once; results stayed internal.", "Se hizo una encuesta una vez; los resultados no se compartieron."),
                    Text::new("The survey runs yearly; departments see their results.", "La encuesta es anual; los departamentos ven sus resultados."),
                    Text::new("Results are published and each department acts on them.", "Los resultados se publican y cada departamento actúa en consecuencia."),
                ],
                retired: false,
            },
        },
    ]
}

/// The two demo rubric versions: the base rubric and the district's edit of it.
pub fn rubrics() -> [Rubric; 2] {
    let v1 = Rubric::default_v1();
    let v2 = v1
        .edit(&rubric_edit())
        .expect("the demo rubric edit is valid");
    [v1, v2]
}

/// Where the team stands on an indicator in a year (0, 1, 2 for 2023-2024 onwards): a starting
/// level between 1 and 3, then progress on the preconditions and Lever 1, where the district
/// put its effort.
fn true_level(lever_id: &str, position: usize, year: usize) -> u8 {
    let mut random = Random::keyed("assessment-base", position as u64);
    let start = 1 + random.below(3) as u8;
    let gain = match lever_id {
        "pa" | "l1" => year,
        "l3" => year / 2,
        _ => usize::from(year == 2 && random.chance(0.3)),
    };
    (start + gain as u8).min(4)
}

/// Indicators (by rubric position) where one rater sees things very differently.
fn contested(position: usize, year: usize) -> bool {
    (position + year * 5) % 9 == 4
}

const NOTES: [&str; 5] = [
    "Discussed at the cabinet retreat.",
    "Seen at two campuses, not yet district-wide.",
    "Depends on the board workshop in the spring.",
    "We have a draft; it is not adopted.",
    "Families told us this at the community meeting.",
];

fn ratings_for(
    rubric: &Rubric,
    year: usize,
    raters: &[DemoRater],
    drafts_stop_at: Option<usize>,
) -> Vec<Rating> {
    let mut out = Vec::new();
    let active: Vec<_> = rubric.active_indicators().collect();
    for (r, rater) in raters.iter().enumerate() {
        let stop = match (rater.submitted, drafts_stop_at) {
            (true, _) => active.len(),
            (false, Some(stop)) if r % 2 == 0 => stop,
            (false, _) => 0,
        };
        let mut random = Random::keyed(&format!("assessment-rater-{}", rater.email), year as u64);
        for (position, (lever, _, indicator)) in active.iter().enumerate().take(stop) {
            let truth = true_level(&lever.id, position, year);
            let answer = if random.chance(0.06) {
                Answer::DontKnow
            } else if contested(position, year) && r == 0 {
                Answer::Level(if truth >= 3 { 1 } else { 4 })
            } else {
                let step = [-1i8, 0, 0, 0, 1][random.below(5)];
                Answer::Level((truth as i8 + step).clamp(1, 4) as u8)
            };
            let noted = random.chance(0.15);
            out.push(Rating {
                rater: rater.email.to_string(),
                indicator_id: indicator.id.clone(),
                answer,
                note: if noted {
                    NOTES[random.below(NOTES.len())].to_string()
                } else {
                    String::new()
                },
                evidence_links: if noted && random.chance(0.5) {
                    vec![format!(
                        "https://riverbend.example/docs/{}-{}.pdf",
                        indicator.id,
                        2023 + year
                    )]
                } else {
                    vec![]
                },
            });
        }
    }
    out
}

/// The consensus the team would reach: the lower median of the submitted levels, with a
/// rationale naming how many raters chose it.
fn consensus_for(
    rubric: &Rubric,
    ratings: &[Rating],
    raters: &[DemoRater],
    limit: usize,
) -> Vec<Consensus> {
    let submitted: Vec<&str> = raters
        .iter()
        .filter(|r| r.submitted)
        .map(|r| r.email)
        .collect();
    let scale = &rubric.scale;
    rubric
        .active_indicators()
        .take(limit)
        .filter_map(|(_, _, indicator)| {
            let mut levels: Vec<u8> = ratings
                .iter()
                .filter(|r| r.indicator_id == indicator.id && submitted.contains(&r.rater.as_str()))
                .filter_map(|r| match r.answer {
                    Answer::Level(l) => Some(l),
                    Answer::DontKnow => None,
                })
                .collect();
            levels.sort_unstable();
            let level = *levels.get(levels.len().checked_sub(1)? / 2)?;
            let agreeing = levels.iter().filter(|l| **l == level).count();
            let label = scale.label(level).map_or("", |t| t.en.as_str());
            Some(Consensus {
                indicator_id: indicator.id.clone(),
                level,
                rationale: format!(
                    "{agreeing} of {} raters chose {label}; the team agreed after reviewing the evidence.",
                    levels.len()
                ),
            })
        })
        .collect()
}

fn team(emails: &[&str], submitted: &[&str]) -> Vec<DemoRater> {
    RATERS
        .iter()
        .filter(|(email, _)| emails.contains(email))
        .map(|(email, rater_role)| DemoRater {
            email,
            rater_role: *rater_role,
            submitted: submitted.contains(email),
        })
        .collect()
}

/// The demo assessments, oldest first.
pub fn assessments() -> Vec<DemoAssessment> {
    let [v1, v2] = rubrics();
    let everyone: Vec<&str> = RATERS.iter().map(|(e, _)| *e).collect();

    let first_team = team(&everyone[..4], &everyone[..4]);
    let first_ratings = ratings_for(&v1, 0, &first_team, None);
    let first = DemoAssessment {
        school_year: SchoolYear::starting(2023),
        rubric_version: 1,
        closed: true,
        consensus: consensus_for(&v1, &first_ratings, &first_team, usize::MAX),
        ratings: first_ratings,
        raters: first_team,
        initiatives: vec![DemoInitiative {
            indicator_id: "l1.goals.board-adopted",
            title: "Bring a quality-seats goal to the board for adoption",
            owner: "Chief Innovation Officer",
            due_date: "2024-06-30",
        }],
    };

    let second_team = team(&everyone, &everyone);
    let second_ratings = ratings_for(&v2, 1, &second_team, None);
    let second = DemoAssessment {
        school_year: SchoolYear::starting(2024),
        rubric_version: 2,
        closed: true,
        consensus: consensus_for(&v2, &second_ratings, &second_team, usize::MAX),
        ratings: second_ratings,
        raters: second_team,
        initiatives: vec![
            DemoInitiative {
                indicator_id: "l2.cqs.call-published",
                title: "Publish the first Call for Quality Schools",
                owner: "Office of Innovation",
                due_date: "2025-02-15",
            },
            DemoInitiative {
                indicator_id: "l3.enrollment.one-application",
                title: "Design one application and one timeline with charter partners",
                owner: "Enrollment office",
                due_date: "2025-10-01",
            },
        ],
    };

    // In progress: three raters have submitted, the principal has a draft of the first half,
    // the board member has not started; the facilitator has agreed the first six indicators.
    let third_team = team(&everyone, &[everyone[0], everyone[1], everyone[4]]);
    let half = v2.active_indicators().count() / 2;
    let third_ratings = ratings_for(&v2, 2, &third_team, Some(half));
    let third = DemoAssessment {
        school_year: SchoolYear::starting(2025),
        rubric_version: 2,
        closed: false,
        consensus: consensus_for(&v2, &third_ratings, &third_team, 6),
        ratings: third_ratings,
        raters: third_team,
        initiatives: vec![],
    };

    vec![first, second, third]
}

#[cfg(test)]
mod tests {
    use sgs_assessment::{change_since, priorities, score, Assessment};

    use super::*;

    fn scoring(a: &DemoAssessment) -> Assessment {
        let submitted: Vec<&str> = a
            .raters
            .iter()
            .filter(|r| r.submitted)
            .map(|r| r.email)
            .collect();
        Assessment {
            rubric_version: a.rubric_version,
            ratings: a
                .ratings
                .iter()
                .filter(|r| submitted.contains(&r.rater.as_str()))
                .cloned()
                .collect(),
            consensus: a.consensus.clone(),
        }
    }

    #[test]
    fn the_same_assessments_on_every_call() {
        assert_eq!(assessments(), assessments());
    }

    #[test]
    fn two_closed_years_across_a_rubric_edit_and_one_in_progress() {
        let all = assessments();
        let [v1, v2] = rubrics();
        assert_eq!(v2.version, 2);
        let years: Vec<(String, u32, bool)> = all
            .iter()
            .map(|a| (a.school_year.to_string(), a.rubric_version, a.closed))
            .collect();
        assert_eq!(
            years,
            [
                ("2023-2024".to_string(), 1, true),
                ("2024-2025".to_string(), 2, true),
                ("2025-2026".to_string(), 2, false)
            ]
        );
        // The closed years have consensus everywhere; the open one on six indicators.
        assert_eq!(all[0].consensus.len(), v1.active_indicators().count());
        assert_eq!(all[1].consensus.len(), v2.active_indicators().count());
        assert_eq!(all[2].consensus.len(), 6);
        // Every rating scores against its own version.
        for (a, rubric) in all.iter().zip([&v1, &v2, &v2]) {
            score(rubric, &scoring(a)).unwrap();
        }
        // In progress: three submitted, one draft covering half the indicators, one not started.
        let open = &all[2];
        let submitted = open.raters.iter().filter(|r| r.submitted).count();
        assert_eq!((open.raters.len(), submitted), (5, 3));
        let drafts: Vec<&str> = open
            .raters
            .iter()
            .filter(|r| !r.submitted)
            .map(|r| r.email)
            .collect();
        let count = |email: &str| open.ratings.iter().filter(|r| r.rater == email).count();
        assert_eq!(count(drafts[0]), v2.active_indicators().count() / 2);
        assert_eq!(count(drafts[1]), 0);
    }

    #[test]
    fn change_since_last_year_crosses_the_edit_and_shows_progress_on_lever_1() {
        let all = assessments();
        let [v1, v2] = rubrics();
        let change = change_since(&v1, &scoring(&all[0]), &v2, &scoring(&all[1])).unwrap();
        assert!(change
            .not_comparable
            .iter()
            .any(|n| n.indicator_id == "l2.talent.landscape"));
        assert!(change
            .not_comparable
            .iter()
            .any(|n| n.indicator_id == "l4.service.principal-survey"));
        assert!(
            change
                .indicators
                .iter()
                .any(|c| c.indicator_id == "l3.information.school-guide"),
            "a reworded indicator stays comparable"
        );
        let l1 = change.levers.iter().find(|l| l.id == "l1").unwrap();
        assert!(l1.delta.unwrap() > 0.0, "Lever 1 improved: {l1:?}");
    }

    #[test]
    fn every_screen_has_something_to_show() {
        let all = assessments();
        let [_, v2] = rubrics();
        let results = score(&v2, &scoring(&all[1])).unwrap();
        let p = priorities(&results);
        assert!(!p.ranked.is_empty());
        assert!(
            !p.for_discussion.is_empty(),
            "some indicators split the room"
        );
        assert!(all[1]
            .ratings
            .iter()
            .any(|r| !r.note.is_empty() && !r.evidence_links.is_empty()));
        assert!(all[1].ratings.iter().any(|r| r.answer == Answer::DontKnow));
        for a in &all {
            for i in &a.initiatives {
                assert!(v2.indicator(i.indicator_id).is_some(), "{}", i.indicator_id);
            }
        }
    }
}
