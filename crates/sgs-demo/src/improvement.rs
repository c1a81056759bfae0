//! Riverbend ISD's improvement work: a universal goal on quality seats with barriers and
//! targeted strategies, six initiatives across the levers (some exploring, some improving, one
//! started from the year-one roadmap), a driver diagram for chronic absence with a ramp of three
//! PDSA cycles, and measures whose monthly values show a real change (a drop in chronic absence
//! after day-one calls began) next to plain noise.
//!
//! Dates are laid out backwards from the month the demo is loaded in, which the caller passes:
//! the generator reads no clock, so the same month gives the same data.

use sgs_improve::roadmap::{RoadmapStep, YEAR_ONE};

use crate::random::Random;

/// A month, counted as `year * 12 + (month - 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month(pub i32);

impl Month {
    /// The month of a year and a month number (1 to 12).
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    /// `YYYY-MM`.
    pub fn label(self) -> String {
        format!(
            "{:04}-{:02}",
            self.0.div_euclid(12),
            self.0.rem_euclid(12) + 1
        )
    }

    /// The 15th of the month, `YYYY-MM-15`.
    pub fn mid(self) -> String {
        format!("{}-15", self.label())
    }

    /// `months` later (earlier when negative).
    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }
}

/// A universal goal's barrier: population code, description, evidence.
pub type DemoBarrier = (&'static str, &'static str, &'static str);

/// A targeted strategy: population, index of its barrier, action, owner, index of the initiative
/// that carries it.
pub type DemoStrategy = (
    &'static str,
    Option<usize>,
    &'static str,
    &'static str,
    Option<usize>,
);

/// A demo initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoInitiative {
    /// Title.
    pub title: &'static str,
    /// Owner.
    pub owner: &'static str,
    /// What and why.
    pub description: &'static str,
    /// Rubric lever id.
    pub lever_id: &'static str,
    /// `explore` or `improve`.
    pub mode: &'static str,
    /// Start, `YYYY-MM-DD`.
    pub start_date: String,
    /// Due, `YYYY-MM-DD`.
    pub due_date: String,
    /// Budget in dollars.
    pub budget: f64,
    /// Milestones: title, due date, done on, roadmap step.
    pub milestones: Vec<(String, String, Option<String>, Option<i64>)>,
    /// Serves the universal goal.
    pub serves_goal: bool,
}

/// A demo measure with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoMeasure {
    /// Index of its initiative.
    pub initiative: usize,
    /// Name.
    pub name: &'static str,
    /// `outcome`, `process` or `balancing`.
    pub family: &'static str,
    /// `up` or `down`.
    pub better: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// `manual` or `north_star`.
    pub source: &'static str,
    /// Monthly values (empty for measures read from SGS's data).
    pub values: Vec<(String, Option<f64>)>,
}

/// A node of the demo driver diagram: kind, text, index of its parent in the list, measures
/// linked (indices into the measures).
pub type DemoNode = (&'static str, &'static str, Option<usize>, Vec<usize>);

/// A PDSA cycle of the ramp: title, question, change, prediction, measures plan, who/what/when,
/// months from the ramp's start to its start and end, what happened, study, act, next.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCycle {
    /// Title.
    pub title: &'static str,
    /// The question.
    pub question: &'static str,
    /// The change tested.
    pub change_tested: &'static str,
    /// The prediction.
    pub prediction: &'static str,
    /// Measures and collection.
    pub measures_plan: &'static str,
    /// Who, what, when.
    pub who_what_when: &'static str,
    /// Start and end dates.
    pub dates: (String, Option<String>),
    /// Do.
    pub do_notes: &'static str,
    /// Study.
    pub study_notes: &'static str,
    /// Act.
    pub act: Option<&'static str>,
    /// Next steps.
    pub next_steps: &'static str,
}

/// Everything of the demo's improvement work.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoImprovement {
    /// The universal goal: title, target percent of students in quality seats, deadline.
    pub goal: (&'static str, f64, &'static str),
    /// Its barriers.
    pub barriers: Vec<DemoBarrier>,
    /// Its targeted strategies.
    pub strategies: Vec<DemoStrategy>,
    /// Six initiatives.
    pub initiatives: Vec<DemoInitiative>,
    /// Measures.
    pub measures: Vec<DemoMeasure>,
    /// The driver diagram's nodes, parents before children; its aim belongs to this initiative.
    pub diagram: (usize, Vec<DemoNode>),
    /// The change idea (index into the nodes) the PDSA ramp tests, and the ramp.
    pub ramp: (usize, Vec<DemoCycle>),
}

/// The months of a measure: 24, ending the month before `now`.
fn months(now: Month) -> Vec<Month> {
    (0..24).map(|i| now.plus(i - 24)).collect()
}

/// Chronic absence at the pilot campuses: about 18% with month-to-month noise until day-one
/// calls start (month 13 of 24), then about 14%: a shift the run chart names.
fn chronic_absence(now: Month) -> Vec<(String, Option<f64>)> {
    let mut random = Random::keyed("demo-chronic-absence", 1);
    months(now)
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let level = if i < 13 { 18.2 } else { 14.1 };
            let value = (random.normal(level, 0.9) * 10.0).round() / 10.0;
            (m.label(), Some(value))
        })
        .collect()
}

/// Share of absences answered with a call the same day: near zero, then climbing as the ramp
/// widens, with a missing month (the data export failed in December).
fn calls_same_day(now: Month) -> Vec<(String, Option<f64>)> {
    let mut random = Random::keyed("demo-calls-same-day", 1);
    months(now)
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let base = match i {
                0..=11 => 4.0,
                12..=15 => 22.0,
                16..=19 => 48.0,
                _ => 71.0,
            };
            let value = (random.normal(base, 3.0).max(0.0) * 10.0).round() / 10.0;
            let missing = m.label().ends_with("-12") && i > 12;
            (m.label(), (!missing).then_some(value))
        })
        .collect()
}

/// Suspensions per 100 students at the pilot campuses: steady noise, no signal, the balancing
/// measure that would catch harm.
fn suspensions(now: Month) -> Vec<(String, Option<f64>)> {
    // Stream 11 draws two years without a chance pattern any rule would flag, so the demo's
    // balancing measure shows what plain noise looks like (checked by the web tests).
    let mut random = Random::keyed("demo-suspensions", 11);
    months(now)
        .into_iter()
        .map(|m| {
            (
                m.label(),
                Some((random.normal(2.4, 0.35) * 100.0).round() / 100.0),
            )
        })
        .collect()
}

/// Campus visits by families during the choice season: noise around 40 a month.
fn visits(now: Month) -> Vec<(String, Option<f64>)> {
    let mut random = Random::keyed("demo-visits", 1);
    months(now)
        .into_iter()
        .map(|m| (m.label(), Some(random.normal(40.0, 6.0).round())))
        .collect()
}

/// The demo's improvement work as of the month `now` (year and month).
pub fn improvement(year: i32, month: u32) -> DemoImprovement {
    let now = Month::new(year, month);
    let date = |offset: i32| now.plus(offset).mid();
    let done = |offset: i32| Some(now.plus(offset).mid());
    let roadmap_start = now.plus(-15);
    // The framework's roadmap as the first initiative's milestones: the first four done (the
    // third a month late), the fifth and sixth overdue.
    let done_after = [Some(1), Some(2), Some(5), Some(7), None, None];
    let roadmap: Vec<(String, String, Option<String>, Option<i64>)> = YEAR_ONE
        .iter()
        .zip(done_after)
        .map(|(step, done): (&RoadmapStep, Option<i32>)| {
            (
                step.en.to_string(),
                roadmap_start.plus(step.months as i32).mid(),
                done.map(|d| roadmap_start.plus(d).mid()),
                Some(step.step),
            )
        })
        .collect();

    let initiatives = vec![
        DemoInitiative {
            title: "Year one of the System of Great Schools",
            owner: "Chief Innovation Officer",
            description: "The framework's year-one roadmap, step by step, led by the design team.",
            lever_id: "pa",
            mode: "explore",
            start_date: roadmap_start.mid(),
            due_date: roadmap_start.plus(18).mid(),
            budget: 120_000.0,
            milestones: roadmap,
            serves_goal: true,
        },
        DemoInitiative {
            title: "Chronic absence at the four pilot campuses",
            owner: "Director of Student Support",
            description: "Improvement cycles on attendance at two elementary and two middle schools, starting with day-one calls home.",
            lever_id: "l4",
            mode: "improve",
            start_date: date(-14),
            due_date: date(6),
            budget: 35_000.0,
            milestones: vec![
                ("Attendance baseline shared with the pilot principals".into(), date(-13), done(-13), None),
                ("Day-one calls at all four campuses".into(), date(-4), done(-5), None),
                ("Decide whether to spread to every campus".into(), date(4), None, None),
            ],
            serves_goal: false,
        },
        DemoInitiative {
            title: "Call for Quality Schools, round one",
            owner: "Office of Innovation",
            description: "Invite proposals for new and restarted schools in the neighborhoods with the largest quality-seat gaps.",
            lever_id: "l2",
            mode: "explore",
            start_date: date(-10),
            due_date: date(8),
            budget: 250_000.0,
            milestones: vec![
                ("Publish the call".into(), date(-8), done(-8), None),
                ("Proposals reviewed against the rubric".into(), date(-2), None, None),
                ("Board approves the first partners".into(), date(3), None, None),
            ],
            serves_goal: true,
        },
        DemoInitiative {
            title: "Dual-language strands in the south side",
            owner: "Multilingual Programs",
            description: "Grow dual-language seats in A- and B-rated elementary schools near the neighborhoods where emergent bilingual students live.",
            lever_id: "l2",
            mode: "explore",
            start_date: date(-6),
            due_date: date(12),
            budget: 180_000.0,
            milestones: vec![
                ("Family interest survey".into(), date(-4), done(-4), None),
                ("Two host campuses chosen".into(), date(2), None, None),
            ],
            serves_goal: true,
        },
        DemoInitiative {
            title: "One application, one timeline",
            owner: "Enrollment Office",
            description: "Families apply once for district and partner schools, on one calendar, with school visits tracked through the season.",
            lever_id: "l3",
            mode: "improve",
            start_date: date(-12),
            due_date: date(2),
            budget: 90_000.0,
            milestones: vec![
                ("Common calendar agreed with partners".into(), date(-9), done(-10), None),
                ("Application in Spanish and English".into(), date(-3), done(-3), None),
            ],
            serves_goal: true,
        },
        DemoInitiative {
            title: "Annual Quality Seats Analysis to the board",
            owner: "Ana Analyst",
            description: "Refresh the North Star and the seat gaps each fall and bring them to the board with the proposed school actions.",
            lever_id: "l1",
            mode: "improve",
            start_date: date(-20),
            due_date: date(1),
            budget: 15_000.0,
            milestones: vec![
                ("North Star and seat gaps refreshed".into(), date(-3), done(-3), None),
                ("Board work session".into(), date(-1), done(-1), None),
            ],
            serves_goal: true,
        },
    ];

    let measures = vec![
        DemoMeasure {
            initiative: 1,
            name: "Chronic absence at the pilot campuses",
            family: "outcome",
            better: "down",
            unit: "%",
            source: "manual",
            values: chronic_absence(now),
        },
        DemoMeasure {
            initiative: 1,
            name: "Absences answered with a call the same day",
            family: "process",
            better: "up",
            unit: "%",
            source: "manual",
            values: calls_same_day(now),
        },
        DemoMeasure {
            initiative: 1,
            name: "Suspensions per 100 students at the pilot campuses",
            family: "balancing",
            better: "down",
            unit: "per 100",
            source: "manual",
            values: suspensions(now),
        },
        DemoMeasure {
            initiative: 4,
            name: "Family visits to schools during the choice season",
            family: "process",
            better: "up",
            unit: "visits",
            source: "manual",
            values: visits(now),
        },
        DemoMeasure {
            initiative: 5,
            name: "Students in quality seats",
            family: "outcome",
            better: "up",
            unit: "%",
            source: "north_star",
            values: Vec::new(),
        },
    ];

    let diagram = (
        1,
        vec![
            (
                "aim",
                "Chronic absence at the four pilot campuses below 12% by May",
                None,
                vec![0],
            ),
            (
                "primary",
                "Families feel welcome and informed",
                Some(0),
                vec![],
            ),
            (
                "primary",
                "Students have a reason to come every day",
                Some(0),
                vec![],
            ),
            (
                "secondary",
                "Personal contact soon after a student misses school",
                Some(1),
                vec![1],
            ),
            (
                "secondary",
                "Teachers see attendance data every week",
                Some(1),
                vec![],
            ),
            (
                "secondary",
                "Every student is known well by one adult",
                Some(2),
                vec![],
            ),
            (
                "change",
                "Call home on the first day of an absence",
                Some(3),
                vec![1],
            ),
            (
                "change",
                "Weekly attendance huddle with a one-page report",
                Some(4),
                vec![],
            ),
            (
                "change",
                "Postcard home after three good weeks",
                Some(3),
                vec![],
            ),
            (
                "change",
                "Advisory period with student-chosen Friday clubs",
                Some(5),
                vec![2],
            ),
        ],
    );

    let ramp = (
        6,
        vec![
            DemoCycle {
                title: "Cycle 1: one teacher, two weeks",
                question: "Do students come back sooner when their family gets a call on the first day they are absent?",
                change_tested: "One fourth-grade teacher calls home the morning of every absence.",
                prediction: "Half of the absent students return the next day, against about a third now.",
                measures_plan: "The teacher logs each call and the day the student returns; the attendance clerk checks the log weekly.",
                who_what_when: "Ms. Garza, grade 4 at Bluebonnet Elementary, two weeks in October.",
                dates: (date(-13), Some(now.plus(-13).label() + "-28")),
                do_notes: "14 calls, 11 reached a family. Two numbers were out of date. Calls took about four minutes each.",
                study_notes: "8 of 11 reached families had the student back the next day, more than predicted; the unreached three were out longer.",
                act: Some("adapt"),
                next_steps: "Try it with a whole grade and have the front office update phone numbers first.",
            },
            DemoCycle {
                title: "Cycle 2: a whole grade at two campuses",
                question: "Does the effect hold when a grade team shares the calls and numbers are checked first?",
                change_tested: "Grade 4 teams at two campuses split the calls; the front office checks numbers in advance.",
                prediction: "At least 60% of absent students back the next day; no teacher spends more than 20 minutes a day on calls.",
                measures_plan: "Call log, next-day returns, teachers' minutes per day in a weekly survey.",
                who_what_when: "Grade 4 at Bluebonnet and Pecan Grove, four weeks in January.",
                dates: (date(-9), Some(date(-8))),
                do_notes: "Numbers were fixed for 31 families before the cycle. One teacher was out for a week; her partner covered the calls.",
                study_notes: "64% were back the next day; median time on calls was 12 minutes a day. The prediction held.",
                act: Some("adopt"),
                next_steps: "Spread to every grade at all four pilot campuses with the same routine.",
            },
            DemoCycle {
                title: "Cycle 3: all grades at the four pilot campuses",
                question: "Can every grade at four campuses keep up day-one calls for a whole term?",
                change_tested: "Every homeroom teacher calls on the first day of an absence; counselors take repeat absences.",
                prediction: "Chronic absence falls below 15% by the end of the term without more suspensions.",
                measures_plan: "Chronic absence, share of absences answered with a call the same day, suspensions per 100 students (balancing).",
                who_what_when: "All four pilot campuses, from February to May.",
                dates: (date(-7), None),
                do_notes: "Running. The December export failed, so that month's call data is missing.",
                study_notes: "",
                act: None,
                next_steps: "",
            },
        ],
    );

    DemoImprovement {
        goal: ("Every student in a great school", 80.0, "2027-2028"),
        barriers: vec![
            (
                "group:emergent_bilingual",
                "Few dual-language seats in A- and B-rated schools",
                "Seat inventory of dual-language strands, fall survey of families",
            ),
            (
                "group:econ_disadv",
                "No bus service to most A- and B-rated schools outside a student's zone",
                "Transportation policy; choice applications by neighborhood",
            ),
            (
                "area:near-east-side",
                "No A- or B-rated middle school within three miles",
                "Quality Seats Analysis, middle-school band",
            ),
        ],
        strategies: vec![
            (
                "group:emergent_bilingual",
                Some(0),
                "Open two dual-language strands at quality elementary schools near the south side",
                "Multilingual Programs",
                Some(3),
            ),
            (
                "group:econ_disadv",
                Some(1),
                "Shuttle routes from the three largest-gap neighborhoods to choice schools",
                "Transportation",
                Some(4),
            ),
            (
                "area:near-east-side",
                Some(2),
                "Invite a proven middle-school operator through the Call for Quality Schools",
                "Office of Innovation",
                Some(2),
            ),
            (
                "all",
                None,
                "Publish the Quality Seats Analysis every fall",
                "Ana Analyst",
                Some(5),
            ),
        ],
        initiatives,
        measures,
        diagram,
        ramp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_month_gives_the_same_work() {
        assert_eq!(improvement(2026, 12), improvement(2026, 12));
        let demo = improvement(2026, 12);
        assert_eq!(demo.initiatives.len(), 6);
        let levers: std::collections::BTreeSet<&str> =
            demo.initiatives.iter().map(|i| i.lever_id).collect();
        assert!(
            levers.len() >= 5,
            "initiatives across the levers: {levers:?}"
        );
        assert!(
            demo.initiatives.iter().any(|i| i.mode == "explore")
                && demo.initiatives.iter().any(|i| i.mode == "improve")
        );
        // The absence series ends the month before the demo month and steps down after month 13.
        let absence = &demo.measures[0].values;
        assert_eq!(absence.len(), 24);
        assert_eq!(absence[23].0, "2026-11");
        let mean = |s: &[(String, Option<f64>)]| {
            s.iter().filter_map(|(_, v)| *v).sum::<f64>() / s.len() as f64
        };
        assert!(mean(&absence[..13]) - mean(&absence[13..]) > 3.0);
        // Parents come before their children in the diagram.
        for (i, (_, _, parent, _)) in demo.diagram.1.iter().enumerate() {
            assert!(parent.is_none_or(|p| p < i));
        }
        assert_eq!(demo.diagram.1[demo.ramp.0].0, "change");
        assert_eq!(Month::new(2026, 1).plus(-1).label(), "2025-12");
    }
}
