//! An initiative's status, derived from its measures' signals and its milestones, never set by
//! hand.
//!
//! **Each measure** is judged from its latest chart analysis:
//!
//! * *getting better* when the latest signal that has a direction points the way the measure
//!   should go (up for "higher is better", down for "lower is better");
//! * *getting worse* when it points the other way (when several directional signals end at
//!   the same latest point and disagree, worse wins: a warning is not outvoted);
//! * *no real change yet* when there is no directional signal and the series has at least
//!   [`MIN_VALUES_TO_JUDGE`] values (signals without a direction, like too many runs, say the
//!   chart should be looked at, not which way the measure moves);
//! * *not enough data* otherwise.
//!
//! **Milestones** are overdue when their due date is before `today` and they are not done.
//! `today` is a parameter: the function reads no clock.
//!
//! **The status**, the first that applies:
//!
//! 1. **Off track**: an outcome or process measure is getting worse, or at least two
//!    milestones are overdue and they are more than half of those due before today.
//! 2. **At risk**: a balancing measure is getting worse (the change may be doing harm
//!    elsewhere), or a milestone is overdue, or an outcome or process measure has enough data
//!    but none of them is getting better.
//! 3. **On track**: an outcome or process measure is getting better.
//! 4. **Not enough data**: no outcome or process measure has enough data to judge yet.
//!
//! Every finding is listed as a reason, and the reasons that decided the status are marked.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::Analysis;
use crate::signal::{Direction, Rule, Signal};
use crate::words::Text;

/// The fewest values for a measure without a signal to count as "no real change yet" rather
/// than "not enough data" (the IHI minimum for reading a run chart's runs).
pub const MIN_VALUES_TO_JUDGE: usize = 10;

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// A date that does not parse or does not exist.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    /// Not in the `YYYY-MM-DD` form.
    #[error("date {value:?} is not valid: expected YYYY-MM-DD, for example 2025-03-01")]
    Format {
        /// The text given.
        value: String,
    },
    /// The month or the day does not exist.
    #[error(
        "date {value:?} does not exist: expected a month from 1 to 12 and a day within that month"
    )]
    NoSuchDay {
        /// The date given.
        value: String,
    },
}

impl Date {
    /// A date from its parts, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        let exists = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        if !exists {
            return Err(DateError::NoSuchDay {
                value: format!("{year:04}-{month:02}-{day:02}"),
            });
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let format = || DateError::Format {
            value: text.to_string(),
        };
        let parts: Vec<&str> = text.split('-').collect();
        let [year, month, day] = parts[..] else {
            return Err(format());
        };
        let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
            return Err(format());
        }
        let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse(), day.parse()) else {
            return Err(format());
        };
        Date::new(year, month, day).map_err(|_| DateError::NoSuchDay {
            value: text.to_string(),
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Date::parse(&text)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

/// Which way a measure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher is better (attendance, share of students in quality seats).
    Up,
    /// Lower is better (chronic absenteeism, suspensions).
    Down,
}

/// The three families of improvement measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// The result the aim is about.
    Outcome,
    /// Whether the changes are happening as planned.
    Process,
    /// Unintended consequences elsewhere in the system.
    Balancing,
}

/// One measure of an initiative, with its latest chart analysis.
#[derive(Debug, Clone, Copy)]
pub struct MeasureInput<'a> {
    /// The measure's name, as the team calls it.
    pub name: &'a str,
    /// Outcome, process or balancing.
    pub kind: MeasureKind,
    /// Which way it should move.
    pub better: Better,
    /// Its latest analysis.
    pub analysis: &'a Analysis,
}

/// A milestone of an initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// What is to be done.
    pub name: String,
    /// When it is due.
    pub due: Date,
    /// Whether it is done.
    pub done: bool,
}

/// How an initiative is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A measure is getting better and nothing is going wrong.
    OnTrack,
    /// Something needs attention: a late milestone, no change yet, or harm elsewhere.
    AtRisk,
    /// A measure is getting worse, or most milestones due are late.
    OffTrack,
    /// Too early to say.
    NotEnoughData,
}

impl Status {
    /// The status in words.
    pub fn label(self) -> Text {
        match self {
            Status::OnTrack => Text::new("On track", "En camino"),
            Status::AtRisk => Text::new("At risk", "En riesgo"),
            Status::OffTrack => Text::new("Off track", "Desviada"),
            Status::NotEnoughData => Text::new("Not enough data", "Datos insuficientes"),
        }
    }
}

/// What a measure's chart says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureState {
    /// The latest directional signal points the better way.
    Improving,
    /// The latest directional signal points the worse way.
    Worsening,
    /// Enough data and no directional signal.
    NoChange,
    /// Too few values and no directional signal.
    NotEnoughData,
}

/// What a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// A measure and what its chart says.
    Measure,
    /// A milestone that is overdue.
    MilestoneOverdue,
    /// How many milestones due so far are done.
    Milestones,
}

/// One finding behind a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// What the reason is about.
    pub kind: ReasonKind,
    /// For a measure reason, what its chart says.
    pub measure_state: Option<MeasureState>,
    /// Whether this finding decided the status.
    pub decisive: bool,
    /// The finding in words.
    pub text: Text,
}

/// An initiative's status with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeStatus {
    /// The status.
    pub status: Status,
    /// The status in words.
    pub label: Text,
    /// Every finding, measures first (in the order given), then milestones.
    pub reasons: Vec<Reason>,
}

/// What a measure's latest analysis says, and the signal that says it.
pub fn judge_measure(better: Better, analysis: &Analysis) -> (MeasureState, Option<&Signal>) {
    // Trend rules are shown on the charts but do not judge: random series of twenty points
    // show a five-point trend about one time in five, and Anhøj and Olesen found the rule adds
    // almost nothing to shifts and crossings for detecting a real change.
    let directional: Vec<&Signal> = analysis
        .signals()
        .filter(|s| s.direction != Direction::None)
        .filter(|s| !matches!(s.rule, Rule::Trend | Rule::SixInATrend))
        .collect();
    let Some(end) = directional.iter().map(|s| s.last_point()).max() else {
        let state = if analysis.values >= MIN_VALUES_TO_JUDGE {
            MeasureState::NoChange
        } else {
            MeasureState::NotEnoughData
        };
        return (state, None);
    };

    let mut latest: Vec<&Signal> = directional
        .into_iter()
        .filter(|s| s.last_point() == end)
        .collect();
    latest.sort_by_key(|s| s.rule);
    let good = match better {
        Better::Up => Direction::Up,
        Better::Down => Direction::Down,
    };
    match latest.iter().find(|s| s.direction != good) {
        Some(worse) => (MeasureState::Worsening, Some(worse)),
        None => (MeasureState::Improving, latest.first().copied()),
    }
}

/// The status of an initiative from its measures and milestones, as of `today`.
pub fn initiative_status(
    measures: &[MeasureInput],
    milestones: &[Milestone],
    today: Date,
) -> InitiativeStatus {
    let judged: Vec<(MeasureInput, MeasureState, Option<&Signal>)> = measures
        .iter()
        .map(|m| {
            let (state, signal) = judge_measure(m.better, m.analysis);
            (*m, state, signal)
        })
        .collect();
    let core = |m: &MeasureInput| m.kind != MeasureKind::Balancing;
    let any = |wanted: MeasureState, want_core: bool| {
        judged
            .iter()
            .any(|(m, state, _)| *state == wanted && core(m) == want_core)
    };
    let core_worse = any(MeasureState::Worsening, true);
    let balancing_worse = any(MeasureState::Worsening, false);
    let core_better = any(MeasureState::Improving, true);
    let core_flat = any(MeasureState::NoChange, true);

    let mut due: Vec<&Milestone> = milestones.iter().filter(|m| m.due < today).collect();
    due.sort_by_key(|m| m.due);
    let overdue: Vec<&Milestone> = due.iter().copied().filter(|m| !m.done).collect();
    let mostly_late = overdue.len() >= 2 && overdue.len() * 2 > due.len();

    let status = if core_worse || mostly_late {
        Status::OffTrack
    } else if balancing_worse || !overdue.is_empty() || (core_flat && !core_better) {
        Status::AtRisk
    } else if core_better {
        Status::OnTrack
    } else {
        Status::NotEnoughData
    };

    let mut reasons = Vec::new();
    for (measure, state, signal) in &judged {
        let decisive = match status {
            Status::OffTrack => *state == MeasureState::Worsening && core(measure),
            Status::AtRisk => {
                *state == MeasureState::Worsening
                    || (*state == MeasureState::NoChange && core(measure) && !core_better)
            }
            Status::OnTrack => *state == MeasureState::Improving && core(measure),
            Status::NotEnoughData => *state == MeasureState::NotEnoughData && core(measure),
        };
        reasons.push(Reason {
            kind: ReasonKind::Measure,
            measure_state: Some(*state),
            decisive,
            text: measure_text(measure, *state, *signal),
        });
    }
    for milestone in &overdue {
        let decisive = match status {
            Status::OffTrack => mostly_late,
            Status::AtRisk => true,
            _ => false,
        };
        let (name, date) = (&milestone.name, milestone.due);
        reasons.push(Reason {
            kind: ReasonKind::MilestoneOverdue,
            measure_state: None,
            decisive,
            text: Text::new(
                format!("Milestone \"{name}\" was due {date} and is not done"),
                format!("El hito «{name}» vencía el {date} y no está hecho"),
            ),
        });
    }
    reasons.push(Reason {
        kind: ReasonKind::Milestones,
        measure_state: None,
        decisive: false,
        text: milestones_text(milestones.len(), due.len(), overdue.len(), today),
    });

    InitiativeStatus {
        status,
        label: status.label(),
        reasons,
    }
}

fn measure_text(measure: &MeasureInput, state: MeasureState, signal: Option<&Signal>) -> Text {
    let name = measure.name;
    let values = measure.analysis.values;
    match (state, signal) {
        (MeasureState::Improving, Some(signal)) => Text::new(
            format!("{name}: getting better. {}", signal.text.en),
            format!("{name}: mejora. {}", signal.text.es),
        ),
        (MeasureState::Worsening, Some(signal)) => Text::new(
            format!("{name}: getting worse. {}", signal.text.en),
            format!("{name}: empeora. {}", signal.text.es),
        ),
        (MeasureState::NotEnoughData, _) => Text::new(
            format!(
                "{name}: not enough data to judge yet ({values} values; {MIN_VALUES_TO_JUDGE} needed)"
            ),
            format!(
                "{name}: aún no hay datos suficientes para juzgar ({values} valores; se necesitan {MIN_VALUES_TO_JUDGE})"
            ),
        ),
        _ => {
            let undirected = crate::signal::latest(
                &measure.analysis.signals().cloned().collect::<Vec<_>>(),
            )
            .map(|s| s.text.clone());
            match undirected {
                Some(text) => Text::new(
                    format!("{name}: no change in a clear direction yet. {}", text.en),
                    format!("{name}: aún sin cambio en una dirección clara. {}", text.es),
                ),
                None => Text::new(
                    format!(
                        "{name}: no real change yet, only common-cause variation in {values} values"
                    ),
                    format!(
                        "{name}: aún sin cambio real, solo variación por causas comunes en {values} valores"
                    ),
                ),
            }
        }
    }
}

fn milestones_text(all: usize, due: usize, overdue: usize, today: Date) -> Text {
    if all == 0 {
        return Text::new("No milestones recorded", "No hay hitos registrados");
    }
    if due == 0 {
        return Text::new(
            format!("No milestone is due before {today} ({all} planned)"),
            format!("Ningún hito vence antes del {today} ({all} previstos)"),
        );
    }
    let done = due - overdue;
    Text::new(
        format!("{done} of {due} milestones due before {today} are done"),
        format!("{done} de {due} hitos con fecha anterior al {today} están hechos"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, Options, Point};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn dates_parse_compare_and_print() {
        assert!(date("2025-03-01") < date("2025-03-02"));
        assert!(date("2024-12-31") < date("2025-01-01"));
        assert_eq!(date("2024-02-29").to_string(), "2024-02-29");
        assert_eq!(
            Date::parse("2025-02-29"),
            Err(DateError::NoSuchDay {
                value: "2025-02-29".into()
            })
        );
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        for bad in [
            "2025-3-1",
            "2025/03/01",
            "",
            "2025-03-01x",
            "20x5-03-01",
            "2025-13-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Date::parse("March").unwrap_err().to_string(),
            "date \"March\" is not valid: expected YYYY-MM-DD, for example 2025-03-01"
        );
        let json = serde_json::to_string(&date("2025-03-01")).unwrap();
        assert_eq!(json, "\"2025-03-01\"");
        assert!(serde_json::from_str::<Date>("\"2025-02-30\"").is_err());
    }

    fn analysis(values: &[f64]) -> Analysis {
        let points: Vec<Point> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| Point::new(format!("W{}", i + 1), v))
            .collect();
        analyze(&points, &Options::default()).unwrap()
    }

    /// Noise, then eight values clearly higher: a shift up at the end.
    fn rising() -> Analysis {
        analysis(&[
            3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 2.0, 1.0, 8.0, 9.0, 10.0, 8.0, 9.0, 11.0, 9.0, 8.0,
        ])
    }

    /// The same, mirrored: a shift down at the end.
    fn falling() -> Analysis {
        analysis(&[
            8.0, 9.0, 10.0, 8.0, 9.0, 11.0, 9.0, 8.0, 3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 2.0, 1.0,
        ])
    }

    /// Twelve values of common-cause noise: median 5.5, 8 runs (3 to 10 expected).
    fn flat() -> Analysis {
        analysis(&[5.0, 7.0, 6.0, 4.0, 4.0, 6.0, 7.0, 5.0, 6.0, 4.0, 5.0, 7.0])
    }

    fn measure<'a>(
        name: &'a str,
        kind: MeasureKind,
        better: Better,
        a: &'a Analysis,
    ) -> MeasureInput<'a> {
        MeasureInput {
            name,
            kind,
            better,
            analysis: a,
        }
    }

    fn milestone(name: &str, due: &str, done: bool) -> Milestone {
        Milestone {
            name: name.into(),
            due: date(due),
            done,
        }
    }

    fn check(
        measures: &[MeasureInput],
        milestones: &[Milestone],
        expected: Status,
    ) -> InitiativeStatus {
        let status = initiative_status(measures, milestones, date("2025-06-01"));
        assert_eq!(status.status, expected, "{:#?}", status.reasons);
        assert_eq!(status.label, expected.label());
        status
    }

    #[test]
    fn the_fixtures_say_what_they_should() {
        assert_eq!(
            judge_measure(Better::Up, &rising()).0,
            MeasureState::Improving
        );
        assert_eq!(
            judge_measure(Better::Down, &rising()).0,
            MeasureState::Worsening
        );
        assert_eq!(
            judge_measure(Better::Down, &falling()).0,
            MeasureState::Improving
        );
        assert_eq!(judge_measure(Better::Up, &flat()).0, MeasureState::NoChange);
        assert_eq!(
            judge_measure(Better::Up, &analysis(&[1.0, 2.0, 1.0])).0,
            MeasureState::NotEnoughData
        );
    }

    #[test]
    fn on_track_when_an_outcome_improves_and_milestones_are_on_time() {
        let (up, flat) = (rising(), flat());
        let status = check(
            &[
                measure("Attendance", MeasureKind::Outcome, Better::Up, &up),
                measure("Suspensions", MeasureKind::Balancing, Better::Down, &flat),
            ],
            &[
                milestone("Launch the design team", "2025-01-15", true),
                milestone("Run the quality seats analysis", "2025-09-01", false),
            ],
            Status::OnTrack,
        );
        assert_eq!(
            status.reasons[0].text.en,
            "Attendance: getting better. 8 points in a row above the median since W9: the change is real"
        );
        assert!(status.reasons[0].decisive);
        assert!(!status.reasons[1].decisive);
        assert_eq!(
            status.reasons[2].text.en,
            "1 of 1 milestones due before 2025-06-01 are done"
        );
        assert_eq!(
            status.reasons[2].text.es,
            "1 de 1 hitos con fecha anterior al 2025-06-01 están hechos"
        );
    }

    #[test]
    fn lower_is_better_reads_a_fall_as_progress() {
        let down = falling();
        let status = check(
            &[measure(
                "Chronic absenteeism",
                MeasureKind::Outcome,
                Better::Down,
                &down,
            )],
            &[],
            Status::OnTrack,
        );
        assert!(status.reasons[0]
            .text
            .es
            .starts_with("Chronic absenteeism: mejora."));
        assert_eq!(status.reasons[1].text.en, "No milestones recorded");
    }

    #[test]
    fn off_track_when_an_outcome_gets_worse() {
        let (up, down) = (rising(), falling());
        let status = check(
            &[
                measure("Attendance", MeasureKind::Outcome, Better::Up, &up),
                measure("Re-enrollment", MeasureKind::Process, Better::Up, &down),
            ],
            &[],
            Status::OffTrack,
        );
        assert!(!status.reasons[0].decisive);
        assert!(status.reasons[1].decisive);
        assert!(status.reasons[1]
            .text
            .en
            .starts_with("Re-enrollment: getting worse. "));
    }

    #[test]
    fn off_track_when_most_milestones_due_are_late() {
        let up = rising();
        let late = [
            milestone("Define great", "2025-02-01", false),
            milestone("Decide school actions", "2025-04-01", false),
            milestone("Understand the strategy", "2025-01-01", true),
        ];
        let status = check(
            &[measure("Attendance", MeasureKind::Outcome, Better::Up, &up)],
            &late,
            Status::OffTrack,
        );
        let overdue: Vec<&Reason> = status
            .reasons
            .iter()
            .filter(|r| r.kind == ReasonKind::MilestoneOverdue)
            .collect();
        assert_eq!(overdue.len(), 2);
        assert!(overdue.iter().all(|r| r.decisive));
        assert_eq!(
            overdue[0].text.en,
            "Milestone \"Define great\" was due 2025-02-01 and is not done"
        );
        assert_eq!(
            overdue[0].text.es,
            "El hito «Define great» vencía el 2025-02-01 y no está hecho"
        );

        // Near miss: two late out of four due is not more than half: at risk.
        let mut half = late.to_vec();
        half.push(milestone("Launch the design team", "2025-01-10", true));
        check(
            &[measure("Attendance", MeasureKind::Outcome, Better::Up, &up)],
            &half,
            Status::AtRisk,
        );
    }

    #[test]
    fn at_risk_for_one_late_milestone_a_harmed_balance_or_no_change() {
        let (up, down, flat) = (rising(), falling(), flat());
        let outcome = measure("Attendance", MeasureKind::Outcome, Better::Up, &up);
        check(
            &[outcome],
            &[milestone("Define great", "2025-05-31", false)],
            Status::AtRisk,
        );
        // Due today is not yet late.
        check(
            &[outcome],
            &[milestone("Define great", "2025-06-01", false)],
            Status::OnTrack,
        );
        check(
            &[
                outcome,
                measure(
                    "Teacher retention",
                    MeasureKind::Balancing,
                    Better::Up,
                    &down,
                ),
            ],
            &[],
            Status::AtRisk,
        );
        let status = check(
            &[measure(
                "Attendance",
                MeasureKind::Outcome,
                Better::Up,
                &flat,
            )],
            &[],
            Status::AtRisk,
        );
        assert_eq!(
            status.reasons[0].text.en,
            "Attendance: no real change yet, only common-cause variation in 12 values"
        );
        assert!(status.reasons[0].decisive);
    }

    #[test]
    fn not_enough_data_early_on() {
        let short = analysis(&[4.0, 5.0, 4.0]);
        let status = check(
            &[measure(
                "Attendance",
                MeasureKind::Outcome,
                Better::Up,
                &short,
            )],
            &[milestone("Define great", "2025-09-01", false)],
            Status::NotEnoughData,
        );
        assert_eq!(
            status.reasons[0].text.en,
            "Attendance: not enough data to judge yet (3 values; 10 needed)"
        );
        assert_eq!(
            status.reasons[1].text.en,
            "No milestone is due before 2025-06-01 (1 planned)"
        );
        check(&[], &[], Status::NotEnoughData);
    }

    #[test]
    fn trends_are_shown_but_do_not_judge() {
        // High since W7 (a shift up) and falling all the way (a trend down). The chart names
        // both; the measure is judged by the shift alone.
        let mixed = analysis(&[
            1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 20.0, 19.0, 18.0, 17.0, 16.0, 15.0,
        ]);
        assert!(mixed.signals().any(|s| s.rule == crate::Rule::Trend));
        let (state, signal) = judge_measure(Better::Up, &mixed);
        assert_eq!(state, MeasureState::Improving);
        assert_eq!(signal.unwrap().rule, crate::Rule::Shift);
        let (state, signal) = judge_measure(Better::Down, &mixed);
        assert_eq!(state, MeasureState::Worsening);
        assert_eq!(signal.unwrap().rule, crate::Rule::Shift);
        // A five-point run up inside common-cause noise is a trend and nothing else: no change.
        let noise = analysis(&[5.0, 3.0, 6.0, 4.0, 5.0, 2.0, 3.0, 4.0, 5.0, 6.0, 4.0, 5.0]);
        assert!(noise
            .signals()
            .all(|s| matches!(s.rule, crate::Rule::Trend | crate::Rule::SixInATrend)));
        assert!(noise.signals().next().is_some(), "{:?}", noise.reading);
        assert_eq!(judge_measure(Better::Up, &noise).0, MeasureState::NoChange);
    }

    #[test]
    fn the_status_serializes() {
        let up = rising();
        let status = initiative_status(
            &[measure("Attendance", MeasureKind::Outcome, Better::Up, &up)],
            &[milestone("Define great", "2025-02-01", true)],
            date("2025-06-01"),
        );
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["status"], "on_track");
        assert_eq!(json["reasons"][0]["measure_state"], "improving");
        let milestone: Milestone =
            serde_json::from_str(r#"{"name":"x","due":"2025-02-01","done":false}"#).unwrap();
        assert_eq!(milestone.due, date("2025-02-01"));
    }
}
