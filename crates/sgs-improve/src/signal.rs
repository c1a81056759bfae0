//! Signals: what a rule found, which points it found it in, which way they point, and the
//! sentence that says it; and the overall reading of a chart.

use serde::{Deserialize, Serialize};

use crate::series::Prepared;
use crate::words::Text;

/// The chart a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    /// The run chart (median center line).
    Run,
    /// The XmR control chart (mean center line, 3-sigma limits).
    Xmr,
}

/// A rule that looks for special-cause variation. The order is the order signals are listed
/// in when they involve the same points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// IHI: 6 or more points in a row on one side of the median.
    Shift,
    /// IHI: 5 or more points in a row going up, or going down.
    Trend,
    /// IHI: fewer runs than chance allows.
    TooFewRuns,
    /// IHI: more runs than chance allows.
    TooManyRuns,
    /// IHI: a point far outside the rest (beyond the quartiles ± 3 interquartile ranges).
    AstronomicalPoint,
    /// Anhøj: a run longer than `round(log2(n) + 3)`.
    LongestRun,
    /// Anhøj: fewer crossings of the median than the 5th percentile of Binomial(n − 1, ½).
    FewCrossings,
    /// Shewhart: a point outside the 3-sigma limits.
    OutsideLimits,
    /// Shewhart: 8 or more points in a row on one side of the center line.
    EightOnOneSide,
    /// Shewhart: 6 or more points in a row going up, or going down.
    SixInATrend,
    /// Shewhart: 2 of 3 points in a row beyond 2 sigma on the same side.
    TwoOfThreeBeyondTwoSigma,
    /// Shewhart: 15 or more points in a row within 1 sigma of the center line.
    FifteenWithinOneSigma,
}

impl Rule {
    /// The chart the rule belongs to.
    pub fn chart(self) -> Chart {
        match self {
            Rule::Shift
            | Rule::Trend
            | Rule::TooFewRuns
            | Rule::TooManyRuns
            | Rule::AstronomicalPoint
            | Rule::LongestRun
            | Rule::FewCrossings => Chart::Run,
            Rule::OutsideLimits
            | Rule::EightOnOneSide
            | Rule::SixInATrend
            | Rule::TwoOfThreeBeyondTwoSigma
            | Rule::FifteenWithinOneSigma => Chart::Xmr,
        }
    }

    /// The rule's short name.
    pub fn name(self) -> Text {
        let (en, es) = match self {
            Rule::Shift => ("shift", "desplazamiento"),
            Rule::Trend => ("trend", "tendencia"),
            Rule::TooFewRuns => ("too few runs", "muy pocas rachas"),
            Rule::TooManyRuns => ("too many runs", "demasiadas rachas"),
            Rule::AstronomicalPoint => ("astronomical point", "punto astronómico"),
            Rule::LongestRun => ("unusually long run", "racha inusualmente larga"),
            Rule::FewCrossings => ("too few crossings", "muy pocos cruces"),
            Rule::OutsideLimits => ("point outside the limits", "punto fuera de los límites"),
            Rule::EightOnOneSide => ("8 in a row on one side", "8 seguidos del mismo lado"),
            Rule::SixInATrend => ("6 in a row going one way", "6 seguidos en una dirección"),
            Rule::TwoOfThreeBeyondTwoSigma => {
                ("2 of 3 beyond two sigma", "2 de 3 más allá de dos sigmas")
            }
            Rule::FifteenWithinOneSigma => (
                "15 in a row within one sigma",
                "15 seguidos a menos de una sigma",
            ),
        };
        Text::new(en, es)
    }
}

/// Which way the points of a signal lie or move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Above the center line, or going up.
    Up,
    /// Below the center line, or going down.
    Down,
    /// The rule says nothing about a direction (number of runs or crossings, hugging).
    None,
}

impl Direction {
    /// The other direction; `None` stays `None`.
    pub fn flipped(self) -> Direction {
        match self {
            Direction::Up => Direction::Down,
            Direction::Down => Direction::Up,
            Direction::None => Direction::None,
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// The rule that fired.
    pub rule: Rule,
    /// The chart the rule belongs to.
    pub chart: Chart,
    /// The phase (0-based) the points are in.
    pub phase: usize,
    /// Indices (into the series) of the points involved, in order.
    pub points: Vec<usize>,
    /// The period label of the first point involved.
    pub from_period: String,
    /// The period label of the last point involved.
    pub to_period: String,
    /// Which way the points lie or move.
    pub direction: Direction,
    /// The signal in words.
    pub text: Text,
}

impl Signal {
    /// The index of the last point involved.
    pub fn last_point(&self) -> usize {
        self.points.last().copied().unwrap_or(0)
    }
}

/// A rule that was not applied to a phase, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRule {
    /// The rule.
    pub rule: Rule,
    /// The phase (0-based).
    pub phase: usize,
    /// Why it was not applied.
    pub reason: Text,
}

/// What a chart's signals add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingKind {
    /// Too few values to look for signals.
    NotEnoughData,
    /// No signal: only common-cause variation so far.
    CommonCause,
    /// At least one signal of special-cause variation.
    SpecialCause,
}

/// The overall reading of a chart, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// What the signals add up to.
    pub kind: ReadingKind,
    /// The reading in words.
    pub text: Text,
}

/// The fewest values for which a chart is read as "only common-cause variation" rather than
/// "not enough data": the shortest pattern any rule looks for (a 5-point trend).
pub const MIN_VALUES_FOR_READING: usize = 5;

/// The signal that ends last (ties: the first in rule order), the one a reader acts on.
pub fn latest(signals: &[Signal]) -> Option<&Signal> {
    signals.iter().max_by(|a, b| {
        a.last_point()
            .cmp(&b.last_point())
            .then(b.rule.cmp(&a.rule))
    })
}

/// Reads a set of signals found among `values` values.
pub(crate) fn reading(signals: &[Signal], values: usize) -> Reading {
    if let Some(last) = latest(signals) {
        let count = signals.len();
        let (en, es) = if count == 1 {
            ("1 signal".to_string(), "1 señal".to_string())
        } else {
            (format!("{count} signals"), format!("{count} señales"))
        };
        return Reading {
            kind: ReadingKind::SpecialCause,
            text: Text::new(
                format!(
                    "Special-cause variation: {en}; the latest: {}",
                    last.text.en
                ),
                format!(
                    "Variación por causas especiales: {es}; la más reciente: {}",
                    last.text.es
                ),
            ),
        };
    }
    if values < MIN_VALUES_FOR_READING {
        let (en, es) = match values {
            0 => ("no values".to_string(), "ningún valor".to_string()),
            1 => ("1 value".to_string(), "1 valor".to_string()),
            n => (format!("{n} values"), format!("{n} valores")),
        };
        return Reading {
            kind: ReadingKind::NotEnoughData,
            text: Text::new(
                format!(
                    "Not enough data yet: {en}; at least {MIN_VALUES_FOR_READING} are needed to look for signals"
                ),
                format!(
                    "Aún no hay datos suficientes: {es}; se necesitan al menos {MIN_VALUES_FOR_READING} para buscar señales"
                ),
            ),
        };
    }
    Reading {
        kind: ReadingKind::CommonCause,
        text: Text::new(
            format!("Only common-cause variation so far: no signal in {values} values"),
            format!(
                "Solo variación por causas comunes hasta ahora: ninguna señal en {values} valores"
            ),
        ),
    }
}

impl Prepared<'_> {
    /// Builds a signal over some points, filling in the chart and the period labels.
    pub(crate) fn signal(
        &self,
        rule: Rule,
        phase: usize,
        points: Vec<usize>,
        direction: Direction,
        text: Text,
    ) -> Signal {
        let first = points.first().copied().unwrap_or(0);
        let last = points.last().copied().unwrap_or(0);
        Signal {
            rule,
            chart: rule.chart(),
            phase,
            from_period: self.period(first).to_string(),
            to_period: self.period(last).to_string(),
            points,
            direction,
            text,
        }
    }

    /// Whether a signal ending at `last` reaches the end of the series.
    pub(crate) fn ongoing(&self, last: usize) -> bool {
        self.last_value == Some(last)
    }
}

/// Sorts signals by first point, then rule, so the list reads in time order.
pub(crate) fn sort(signals: &mut [Signal]) {
    signals.sort_by(|a, b| {
        a.points
            .first()
            .cmp(&b.points.first())
            .then(a.rule.cmp(&b.rule))
            .then(a.last_point().cmp(&b.last_point()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(rule: Rule, points: Vec<usize>) -> Signal {
        Signal {
            rule,
            chart: rule.chart(),
            phase: 0,
            from_period: String::new(),
            to_period: String::new(),
            points,
            direction: Direction::Up,
            text: Text::new(format!("{rule:?}"), format!("{rule:?}")),
        }
    }

    #[test]
    fn the_latest_signal_ends_last_and_ties_go_to_rule_order() {
        let signals = vec![
            signal(Rule::Trend, vec![1, 2, 3, 4, 5]),
            signal(Rule::EightOnOneSide, vec![3, 9]),
            signal(Rule::Shift, vec![4, 9]),
        ];
        assert_eq!(latest(&signals).unwrap().rule, Rule::Shift);
        assert_eq!(latest(&[]), None);
    }

    #[test]
    fn readings_say_what_the_signals_add_up_to() {
        let none = reading(&[], 12);
        assert_eq!(none.kind, ReadingKind::CommonCause);
        assert_eq!(
            none.text.en,
            "Only common-cause variation so far: no signal in 12 values"
        );
        let short = reading(&[], 1);
        assert_eq!(short.kind, ReadingKind::NotEnoughData);
        assert!(short.text.en.contains("1 value;"), "{}", short.text.en);
        assert!(short.text.es.starts_with("Aún no hay datos"));
        let some = reading(&[signal(Rule::Shift, vec![2, 3])], 3);
        assert_eq!(some.kind, ReadingKind::SpecialCause);
        assert_eq!(
            some.text.en,
            "Special-cause variation: 1 signal; the latest: Shift"
        );
    }

    #[test]
    fn rules_name_their_chart() {
        assert_eq!(Rule::LongestRun.chart(), Chart::Run);
        assert_eq!(Rule::SixInATrend.chart(), Chart::Xmr);
        assert_eq!(Direction::Up.flipped(), Direction::Down);
        assert_eq!(Direction::None.flipped(), Direction::None);
    }
}
