//! The run chart: a measure over time with its median as the center line, read with the IHI
//! rules and the Anhøj rules (domain reference §5.4).
//!
//! Useful observations are the points with a value that is not on the median. Per phase:
//!
//! * **Shift** (IHI): [`SHIFT_MIN`] or more useful points in a row on one side of the median.
//!   Points on the median are skipped: they neither count nor break the run.
//! * **Trend** (IHI): [`TREND_MIN`] or more points in a row all going up or all going down.
//!   A value equal to the one before counts once: it neither breaks the trend nor adds to it.
//!   Points on the median take part (a trend is about movement, not sides).
//! * **Too few / too many runs** (IHI): a run is a stretch of useful points on one side;
//!   runs = crossings + 1. Compared with [`crate::limits::runs_limits`] from
//!   [`MIN_USEFUL_FOR_RUNS`] useful observations on.
//! * **Astronomical point** (IHI): the rule asks for a value "everyone would agree is unusual".
//!   Here that is a value outside Tukey's far-out fences, below `Q1 - 3 * IQR` or above
//!   `Q3 + 3 * IQR`, with the quartiles of the phase's values (type 7 interpolation). The
//!   fences are robust: a sustained shift widens the interquartile range instead of flagging
//!   every shifted point, which is the shift rule's job. The rule needs
//!   [`ASTRONOMICAL_MIN_VALUES`] values and is not applied when the interquartile range is zero
//!   (the middle half of the values all equal), since there is no spread to judge by.
//! * **Longest run** (Anhøj): a run of useful points longer than `round(log2(n) + 3)`.
//! * **Too few crossings** (Anhøj): fewer crossings of the median than
//!   `qbinom(0.05, n - 1, 0.5)`.
//!
//! A missing value is skipped by every rule.

use serde::{Deserialize, Serialize};

use crate::limits::{
    anhoj_limits, runs_limits, AnhojLimits, RunsLimits, RunsTable, MIN_USEFUL_FOR_RUNS,
};
use crate::patterns::{monotone_runs, side_runs, SideRun};
use crate::series::{median, quantile, ChartError, Options, Point, Prepared, RunRules};
use crate::signal::{reading, sort, Direction, Reading, Rule, Signal, SkippedRule};
use crate::words::{number, points as count_points, span, Text};

/// The fewest useful points in a row on one side of the median that make a shift.
pub const SHIFT_MIN: usize = 6;
/// The fewest points in a row going one way that make a trend.
pub const TREND_MIN: usize = 5;
/// The fewest values for the astronomical-point rule.
pub const ASTRONOMICAL_MIN_VALUES: usize = 5;
/// How many interquartile ranges beyond the quartiles a value must lie to be astronomical.
pub const ASTRONOMICAL_IQR_FACTOR: f64 = 3.0;

/// Values beyond these are astronomical points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fences {
    /// `Q1 - 3 * IQR`.
    pub lower: f64,
    /// `Q3 + 3 * IQR`.
    pub upper: f64,
}

/// One phase of a run chart: its median and the counts the rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPhase {
    /// Index of the first point of the phase.
    pub first: usize,
    /// Index of the last point of the phase.
    pub last: usize,
    /// How many points have a value.
    pub values: usize,
    /// The center line; `None` when the phase has no value.
    pub median: Option<f64>,
    /// Points with a value not on the median.
    pub useful_observations: usize,
    /// How many times consecutive useful points change side.
    pub crossings: usize,
    /// Stretches of useful points on one side (crossings + 1; 0 without useful points).
    pub runs: usize,
    /// The length of the longest run.
    pub longest_run: usize,
    /// The expected range of runs, when the runs rule was applied.
    pub runs_limits: Option<RunsLimits>,
    /// The Anhøj limits, when the Anhøj rules were applied.
    pub anhoj_limits: Option<AnhojLimits>,
    /// The astronomical-point fences, when that rule was applied.
    pub astronomical_fences: Option<Fences>,
}

/// A run chart: phases with their medians, the signals found and the rules not applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunChart {
    /// The phases, in order.
    pub phases: Vec<RunPhase>,
    /// Every signal, in time order.
    pub signals: Vec<Signal>,
    /// Rules not applied to a phase, with the reason.
    pub skipped: Vec<SkippedRule>,
    /// What the signals add up to.
    pub reading: Reading,
}

/// Analyzes a series as a run chart.
pub fn run_chart(points: &[Point], options: &Options) -> Result<RunChart, ChartError> {
    Ok(analyze_run_chart(&Prepared::new(points, options)?, options))
}

pub(crate) fn analyze_run_chart(prepared: &Prepared, options: &Options) -> RunChart {
    let ihi = matches!(options.run_rules, RunRules::Ihi | RunRules::Both);
    let anhoj = matches!(options.run_rules, RunRules::Anhoj | RunRules::Both);
    let mut phases = Vec::new();
    let mut signals = Vec::new();
    let mut skipped = Vec::new();

    for (number, &range) in prepared.phases.iter().enumerate() {
        let values = prepared.phase_values(range);
        let only: Vec<f64> = values.iter().map(|&(_, v)| v).collect();
        let center = median(&only);
        let runs = center.map(|c| side_runs(&values, c)).unwrap_or_default();
        let useful: Vec<usize> = runs.iter().flat_map(|r| r.points.iter().copied()).collect();
        let mut phase = RunPhase {
            first: range.first,
            last: range.last,
            values: values.len(),
            median: center.map(|c| c + prepared.offset),
            useful_observations: useful.len(),
            crossings: runs.len().saturating_sub(1),
            runs: runs.len(),
            longest_run: runs.iter().map(|r| r.points.len()).max().unwrap_or(0),
            runs_limits: None,
            anhoj_limits: None,
            astronomical_fences: None,
        };
        let mut context = PhaseContext {
            prepared,
            number,
            phase: &mut phase,
            runs: &runs,
            useful: &useful,
            signals: &mut signals,
            skipped: &mut skipped,
        };

        if ihi {
            context.shifts();
            context.trends(&values);
            context.number_of_runs(options.runs_table);
            context.astronomical(&values, &only);
        }
        if anhoj {
            context.anhoj();
        }
        phases.push(phase);
    }

    sort(&mut signals);
    let reading = reading(&signals, prepared.value_count());
    RunChart {
        phases,
        signals,
        skipped,
        reading,
    }
}

/// What the rules of one phase read and write.
struct PhaseContext<'a, 'p> {
    prepared: &'a Prepared<'p>,
    number: usize,
    phase: &'a mut RunPhase,
    runs: &'a [SideRun],
    useful: &'a [usize],
    signals: &'a mut Vec<Signal>,
    skipped: &'a mut Vec<SkippedRule>,
}

fn side_words(side: Direction) -> (&'static str, &'static str) {
    match side {
        Direction::Up => ("above", "por encima de"),
        _ => ("below", "por debajo de"),
    }
}

fn runs_words(count: usize) -> Text {
    if count == 1 {
        Text::new("1 run", "1 racha")
    } else {
        Text::new(format!("{count} runs"), format!("{count} rachas"))
    }
}

impl PhaseContext<'_, '_> {
    fn span_of(&self, points: &[usize]) -> Text {
        let first = points.first().copied().unwrap_or(0);
        let last = points.last().copied().unwrap_or(0);
        span(
            self.prepared.period(first),
            self.prepared.period(last),
            self.prepared.ongoing(last),
        )
    }

    fn push(&mut self, rule: Rule, points: Vec<usize>, direction: Direction, text: Text) {
        let signal = self
            .prepared
            .signal(rule, self.number, points, direction, text);
        self.signals.push(signal);
    }

    fn skip(&mut self, rule: Rule, reason: Text) {
        self.skipped.push(SkippedRule {
            rule,
            phase: self.number,
            reason,
        });
    }

    fn shifts(&mut self) {
        for run in self.runs.iter().filter(|r| r.points.len() >= SHIFT_MIN) {
            let (en_side, es_side) = side_words(run.side);
            let count = count_points(run.points.len());
            let when = self.span_of(&run.points);
            let ongoing = self.prepared.ongoing(run.points[run.points.len() - 1]);
            let (en_verdict, es_verdict) = if ongoing {
                ("the change is real", "el cambio es real")
            } else {
                (
                    "a real change in that period",
                    "un cambio real en ese periodo",
                )
            };
            let text = Text::new(
                format!(
                    "{} in a row {en_side} the median {}: {en_verdict}",
                    count.en, when.en
                ),
                format!(
                    "{} seguidos {es_side} la mediana {}: {es_verdict}",
                    count.es, when.es
                ),
            );
            self.push(Rule::Shift, run.points.clone(), run.side, text);
        }
    }

    fn trends(&mut self, values: &[(usize, f64)]) {
        for run in monotone_runs(values)
            .into_iter()
            .filter(|m| m.count >= TREND_MIN)
        {
            let text = trend_text(
                self.prepared,
                run.count,
                &run.points,
                run.direction,
                ("a real trend", "una tendencia real"),
            );
            self.push(Rule::Trend, run.points, run.direction, text);
        }
    }

    fn number_of_runs(&mut self, table: RunsTable) {
        let n = self.useful.len();
        if n < MIN_USEFUL_FOR_RUNS {
            let reason = Text::new(
                format!(
                    "the runs rule needs at least {MIN_USEFUL_FOR_RUNS} useful observations (values not on the median); this phase has {n}"
                ),
                format!(
                    "la regla de rachas necesita al menos {MIN_USEFUL_FOR_RUNS} observaciones útiles (valores fuera de la mediana); esta fase tiene {n}"
                ),
            );
            self.skip(Rule::TooFewRuns, reason.clone());
            self.skip(Rule::TooManyRuns, reason);
            return;
        }
        let Some(limits) = runs_limits(n, table) else {
            return;
        };
        self.phase.runs_limits = Some(limits);

        let runs = self.phase.runs;
        let said = runs_words(runs);
        let (lower, upper) = (limits.lower, limits.upper);
        let text = if runs < lower {
            Text::new(
                format!(
                    "Only {} around the median in {n} useful points ({lower} to {upper} expected by chance): the points cluster, so something changed",
                    said.en
                ),
                format!(
                    "Solo {} alrededor de la mediana en {n} puntos útiles (se esperan de {lower} a {upper} por azar): los puntos se agrupan, algo cambió",
                    said.es
                ),
            )
        } else if runs > upper {
            Text::new(
                format!(
                    "{} around the median in {n} useful points ({lower} to {upper} expected by chance): the values zigzag more than chance would; look for two processes mixed in one measure",
                    said.en
                ),
                format!(
                    "{} alrededor de la mediana en {n} puntos útiles (se esperan de {lower} a {upper} por azar): los valores alternan más de lo que haría el azar; busque dos procesos mezclados en una misma medida",
                    said.es
                ),
            )
        } else {
            return;
        };
        let rule = if runs < lower {
            Rule::TooFewRuns
        } else {
            Rule::TooManyRuns
        };
        self.push(rule, self.useful.to_vec(), Direction::None, text);
    }

    fn astronomical(&mut self, values: &[(usize, f64)], only: &[f64]) {
        if values.len() < ASTRONOMICAL_MIN_VALUES {
            let n = values.len();
            self.skip(
                Rule::AstronomicalPoint,
                Text::new(
                    format!("the astronomical-point rule needs at least {ASTRONOMICAL_MIN_VALUES} values; this phase has {n}"),
                    format!("la regla del punto astronómico necesita al menos {ASTRONOMICAL_MIN_VALUES} valores; esta fase tiene {n}"),
                ),
            );
            return;
        }
        let (Some(q1), Some(q3)) = (quantile(only, 0.25), quantile(only, 0.75)) else {
            return;
        };
        let iqr = q3 - q1;
        if iqr <= 0.0 {
            self.skip(
                Rule::AstronomicalPoint,
                Text::new(
                    "the middle half of the values are all equal, so there is no spread to judge an unusual value by",
                    "la mitad central de los valores es idéntica, así que no hay dispersión con la que juzgar un valor inusual",
                ),
            );
            return;
        }
        let lower = q1 - ASTRONOMICAL_IQR_FACTOR * iqr;
        let upper = q3 + ASTRONOMICAL_IQR_FACTOR * iqr;
        let offset = self.prepared.offset;
        self.phase.astronomical_fences = Some(Fences {
            lower: lower + offset,
            upper: upper + offset,
        });

        for &(index, value) in values {
            let (direction, fence, en_side, es_side) = if value > upper {
                (Direction::Up, upper, "above", "por encima")
            } else if value < lower {
                (Direction::Down, lower, "below", "por debajo")
            } else {
                continue;
            };
            let period = self.prepared.period(index);
            let shown = number(self.prepared.shown(index));
            let fence = number(fence + offset);
            let text = Text::new(
                format!("{period}: {shown} is far {en_side} the rest of the values (beyond {fence}): an astronomical point"),
                format!("{period}: {shown} está muy {es_side} del resto de los valores (más allá de {fence}): un punto astronómico"),
            );
            self.push(Rule::AstronomicalPoint, vec![index], direction, text);
        }
    }

    fn anhoj(&mut self) {
        let n = self.useful.len();
        let Some(limits) = anhoj_limits(n) else {
            return;
        };
        self.phase.anhoj_limits = Some(limits);

        let max = limits.longest_run_max;
        for run in self.runs.iter().filter(|r| r.points.len() > max) {
            let (en_side, es_side) = side_words(run.side);
            let count = count_points(run.points.len());
            let when = self.span_of(&run.points);
            let text = Text::new(
                format!(
                    "{} in a row {en_side} the median {}, more than the {max} chance allows in {n} useful points: the process has shifted",
                    count.en, when.en
                ),
                format!(
                    "{} seguidos {es_side} la mediana {}, más de los {max} que permite el azar en {n} puntos útiles: el proceso cambió de nivel",
                    count.es, when.es
                ),
            );
            self.push(Rule::LongestRun, run.points.clone(), run.side, text);
        }

        let crossings = self.phase.crossings;
        let min = limits.crossings_min;
        if crossings < min {
            let (en, es) = match crossings {
                0 => (
                    format!("The values never cross the median in {n} useful points"),
                    format!("Los valores nunca cruzan la mediana en {n} puntos útiles"),
                ),
                1 => (
                    format!("The values cross the median only once in {n} useful points"),
                    format!("Los valores cruzan la mediana solo una vez en {n} puntos útiles"),
                ),
                c => (
                    format!("The values cross the median only {c} times in {n} useful points"),
                    format!("Los valores cruzan la mediana solo {c} veces en {n} puntos útiles"),
                ),
            };
            let text = Text::new(
                format!("{en}, fewer than the {min} expected by chance: the process has shifted"),
                format!("{es}, menos de los {min} cruces que se esperan por azar: el proceso cambió de nivel"),
            );
            self.push(
                Rule::FewCrossings,
                self.useful.to_vec(),
                Direction::None,
                text,
            );
        }
    }
}

/// "5 points in a row going up since March: a real trend", shared with the XmR trend rule.
pub(crate) fn trend_text(
    prepared: &Prepared,
    count: usize,
    points: &[usize],
    direction: Direction,
    verdict: (&str, &str),
) -> Text {
    let (en_way, es_way) = match direction {
        Direction::Up => ("going up", "en aumento"),
        _ => ("going down", "en descenso"),
    };
    let first = points.first().copied().unwrap_or(0);
    let last = points.last().copied().unwrap_or(0);
    let when = span(
        prepared.period(first),
        prepared.period(last),
        prepared.ongoing(last),
    );
    let (en_repeat, es_repeat) = if points.len() > count {
        (
            " (repeated values counted once)",
            " (los valores repetidos cuentan una vez)",
        )
    } else {
        ("", "")
    };
    let said = count_points(count);
    Text::new(
        format!(
            "{} in a row {en_way} {}{en_repeat}: {}",
            said.en, when.en, verdict.0
        ),
        format!(
            "{} seguidos {es_way} {}{es_repeat}: {}",
            said.es, when.es, verdict.1
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::ReadingKind;

    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];

    /// Points labelled January, February, … (then "M13", "M14", …).
    fn series(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let period = MONTHS
                    .get(i)
                    .map_or_else(|| format!("M{}", i + 1), |m| m.to_string());
                Point::new(period, v)
            })
            .collect()
    }

    fn chart(values: &[f64]) -> RunChart {
        run_chart(&series(values), &Options::default()).unwrap()
    }

    /// The (rule, points, direction) of every signal of the given rule.
    fn found(values: &[f64], rule: Rule) -> Vec<(Vec<usize>, Direction)> {
        chart(values)
            .signals
            .into_iter()
            .filter(|s| s.rule == rule)
            .map(|s| (s.points, s.direction))
            .collect()
    }

    fn check(values: &[f64], rule: Rule, expected: &[(&[usize], Direction)]) {
        let expected: Vec<(Vec<usize>, Direction)> =
            expected.iter().map(|(p, d)| (p.to_vec(), *d)).collect();
        assert_eq!(found(values, rule), expected, "{rule:?} in {values:?}");
    }

    #[test]
    fn shift_of_six_fires_and_five_does_not() {
        // Median 7: the last six points are above it, the lows before are broken by a high.
        let shift = [
            2.0, 3.0, 1.0, 12.0, 2.0, 3.0, 1.0, 2.0, 11.0, 12.0, 13.0, 11.0, 12.0, 13.0,
        ];
        assert_eq!(chart(&shift).phases[0].median, Some(7.0));
        check(
            &shift,
            Rule::Shift,
            &[(&[8, 9, 10, 11, 12, 13], Direction::Up)],
        );
        // Near miss: five above, then one below, then one above.
        let five = [
            2.0, 3.0, 1.0, 12.0, 2.0, 3.0, 1.0, 11.0, 12.0, 13.0, 11.0, 12.0, 2.0, 13.0,
        ];
        assert_eq!(chart(&five).phases[0].median, Some(7.0));
        check(&five, Rule::Shift, &[]);
    }

    #[test]
    fn points_on_the_median_do_not_break_a_shift() {
        // Median 5: six points above with a point on the median among them.
        let values = [
            1.0, 2.0, 3.0, 1.0, 2.0, 6.0, 7.0, 5.0, 8.0, 6.0, 7.0, 9.0, 4.0,
        ];
        assert_eq!(chart(&values).phases[0].median, Some(5.0));
        check(
            &values,
            Rule::Shift,
            &[(&[5, 6, 8, 9, 10, 11], Direction::Up)],
        );
        // And do not count: five above around a point on the median is not a shift.
        let near = [
            1.0, 2.0, 3.0, 1.0, 2.0, 6.0, 7.0, 5.0, 8.0, 6.0, 7.0, 1.0, 9.0,
        ];
        assert_eq!(chart(&near).phases[0].median, Some(5.0));
        check(&near, Rule::Shift, &[]);
    }

    #[test]
    fn the_shift_says_since_when_in_words() {
        let values = [
            3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 2.0, 1.0, 8.0, 9.0, 10.0, 8.0, 9.0, 11.0, 9.0, 8.0,
        ];
        let run = chart(&values);
        assert_eq!(run.phases[0].median, Some(6.5));
        let shift = run
            .signals
            .iter()
            .find(|s| s.rule == Rule::Shift && s.direction == Direction::Up)
            .unwrap();
        assert_eq!(shift.points, (8..16).collect::<Vec<_>>());
        assert_eq!(
            shift.text.en,
            "8 points in a row above the median since September: the change is real"
        );
        assert_eq!(
            shift.text.es,
            "8 puntos seguidos por encima de la mediana desde September: el cambio es real"
        );
        assert_eq!(shift.from_period, "September");
        assert_eq!(shift.to_period, "M16");
    }

    #[test]
    fn a_past_shift_names_its_period() {
        let values = [9.0, 8.0, 9.0, 10.0, 8.0, 9.0, 1.0, 2.0, 1.0, 3.0, 2.0, 1.0];
        let run = chart(&values);
        let shift = run.signals.iter().find(|s| s.rule == Rule::Shift).unwrap();
        assert_eq!(
            shift.text.en,
            "6 points in a row above the median from January to June: a real change in that period"
        );
        assert_eq!(
            shift.text.es,
            "6 puntos seguidos por encima de la mediana de January a June: un cambio real en ese periodo"
        );
    }

    #[test]
    fn trend_of_five_fires_and_four_does_not() {
        let trend = [5.0, 3.0, 4.0, 5.0, 6.0, 7.0, 2.0];
        check(&trend, Rule::Trend, &[(&[1, 2, 3, 4, 5], Direction::Up)]);
        let four = [5.0, 3.0, 4.0, 5.0, 6.0, 2.0, 7.0];
        check(&four, Rule::Trend, &[]);
        let down = [1.0, 9.0, 8.0, 6.0, 4.0, 3.0, 5.0];
        check(&down, Rule::Trend, &[(&[1, 2, 3, 4, 5], Direction::Down)]);
    }

    #[test]
    fn repeated_values_count_once_in_a_trend() {
        // 3, 4, 4, 5, 6: only four distinct steps' worth of points, no trend.
        check(&[3.0, 4.0, 4.0, 5.0, 6.0, 1.0], Rule::Trend, &[]);
        // 3, 4, 4, 5, 6, 7: five points count, the repeat is carried along.
        let values = [3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 1.0];
        check(
            &values,
            Rule::Trend,
            &[(&[0, 1, 2, 3, 4, 5], Direction::Up)],
        );
        let trend = chart(&values)
            .signals
            .into_iter()
            .find(|s| s.rule == Rule::Trend)
            .unwrap();
        assert_eq!(
            trend.text.en,
            "5 points in a row going up from January to June (repeated values counted once): a real trend"
        );
    }

    #[test]
    fn too_few_runs_in_the_quality_digest_example() {
        // Balestracci's 16 months: runs of 7 above, 7 below, 1 above, 1 below → 4 runs, below
        // the 5 to 12 expected.
        let values = [
            20.0, 21.0, 19.0, 22.0, 20.0, 23.0, 21.0, 10.0, 9.0, 11.0, 8.0, 10.0, 9.0, 11.0, 18.0,
            12.0,
        ];
        let run = chart(&values);
        let phase = &run.phases[0];
        assert_eq!((phase.useful_observations, phase.runs), (16, 4));
        assert_eq!(
            phase.runs_limits,
            Some(RunsLimits {
                lower: 5,
                upper: 12
            })
        );
        let signal = run
            .signals
            .iter()
            .find(|s| s.rule == Rule::TooFewRuns)
            .unwrap();
        assert_eq!(signal.points.len(), 16);
        assert_eq!(
            signal.text.en,
            "Only 4 runs around the median in 16 useful points (5 to 12 expected by chance): the points cluster, so something changed"
        );
        // Near miss: 5 runs (6 above, 5 below, 1 above, 3 below, 1 above) is within the range.
        let five_runs = [
            20.0, 21.0, 19.0, 22.0, 20.0, 23.0, 10.0, 9.0, 11.0, 8.0, 10.0, 21.0, 9.0, 11.0, 12.0,
            18.0,
        ];
        assert_eq!(chart(&five_runs).phases[0].runs, 5);
        check(&five_runs, Rule::TooFewRuns, &[]);
    }

    #[test]
    fn too_many_runs_fires_on_a_zigzag() {
        // 16 alternating values: 16 runs, more than 12.
        let zigzag: Vec<f64> = (0..16)
            .map(|i| {
                if i % 2 == 0 {
                    1.0 + i as f64
                } else {
                    40.0 - i as f64
                }
            })
            .collect();
        let run = chart(&zigzag);
        assert_eq!(run.phases[0].runs, 16);
        assert_eq!(found(&zigzag, Rule::TooManyRuns).len(), 1);
        // Near miss: 12 runs.
        let mut twelve = zigzag.clone();
        twelve.swap(1, 2);
        twelve.swap(5, 6);
        assert_eq!(chart(&twelve).phases[0].runs, 12);
        check(&twelve, Rule::TooManyRuns, &[]);
    }

    #[test]
    fn the_runs_rule_waits_for_ten_useful_observations() {
        let run = chart(&[1.0, 9.0, 1.0, 9.0, 1.0, 9.0, 1.0, 9.0, 5.0]);
        assert_eq!(run.phases[0].useful_observations, 8);
        assert_eq!(run.phases[0].runs_limits, None);
        assert!(run
            .skipped
            .iter()
            .any(|s| s.rule == Rule::TooManyRuns && s.reason.en.ends_with("this phase has 8")));
    }

    #[test]
    fn astronomical_point_beyond_three_interquartile_ranges() {
        // Sorted 10 11 11 12 12 13 14 40; type 7 quartiles at positions 1.75 and 5.25 are 11
        // and 13.25, so IQR = 2.25 and the fences are 11 - 6.75 = 4.25 and 13.25 + 6.75 = 20.
        let values = [10.0, 12.0, 11.0, 13.0, 14.0, 12.0, 40.0, 11.0];
        check(&values, Rule::AstronomicalPoint, &[(&[6], Direction::Up)]);
        let run = chart(&values);
        let fences = run.phases[0].astronomical_fences.unwrap();
        assert_eq!((fences.lower, fences.upper), (4.25, 20.0));
        let signal = run
            .signals
            .iter()
            .find(|s| s.rule == Rule::AstronomicalPoint)
            .unwrap();
        assert_eq!(
            signal.text.en,
            "July: 40 is far above the rest of the values (beyond 20): an astronomical point"
        );
        // Near miss: 18 is high but inside the fence of 20.
        let near = [10.0, 12.0, 11.0, 13.0, 14.0, 12.0, 18.0, 11.0];
        check(&near, Rule::AstronomicalPoint, &[]);
        // Low side: quartiles 10.75 and 12.25, lower fence 6.25.
        let low = [10.0, 12.0, 11.0, 13.0, 14.0, 12.0, -20.0, 11.0];
        check(&low, Rule::AstronomicalPoint, &[(&[6], Direction::Down)]);
    }

    #[test]
    fn no_astronomical_point_without_spread() {
        let run = chart(&[5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 9.0]);
        assert!(run
            .signals
            .iter()
            .all(|s| s.rule != Rule::AstronomicalPoint));
        assert!(run
            .skipped
            .iter()
            .any(|s| s.rule == Rule::AstronomicalPoint && s.reason.en.contains("no spread")));
    }

    #[test]
    fn crossrun_vignette_counts_give_no_signal() {
        // A series with the crossrun vignette's counts: 24 useful observations, longest run 5
        // (observations 12 to 16, below the median), 11 crossings. Anhøj: 5 <= 8 and 11 >= 8.
        let sides = "AABAABBABAABBBBBAABAAABB";
        let values: Vec<f64> = sides
            .chars()
            .enumerate()
            .map(|(i, side)| {
                // Wobble so no five values in a row move the same way.
                let wobble = [0.0, 2.0, 1.0, 3.0][i % 4];
                if side == 'A' {
                    20.0 + wobble
                } else {
                    10.0 + wobble
                }
            })
            .collect();
        let run = chart(&values);
        let phase = &run.phases[0];
        assert_eq!(phase.useful_observations, 24);
        assert_eq!(phase.longest_run, 5);
        assert_eq!(phase.crossings, 11);
        assert_eq!(
            phase.anhoj_limits,
            Some(AnhojLimits {
                longest_run_max: 8,
                crossings_min: 8
            })
        );
        assert_eq!(run.signals, vec![]);
        assert_eq!(run.reading.kind, ReadingKind::CommonCause);
    }

    #[test]
    fn anhoj_few_crossings_fires_and_a_run_at_the_limit_does_not() {
        // 12 useful points: a run longer than 7 or fewer than 3 crossings is a signal. Six low
        // then six high: one crossing, longest run 6.
        let values = [1.0, 2.0, 1.0, 3.0, 2.0, 1.0, 9.0, 8.0, 9.0, 7.0, 8.0, 9.0];
        let run = chart(&values);
        assert_eq!((run.phases[0].crossings, run.phases[0].longest_run), (1, 6));
        let all: Vec<usize> = (0..12).collect();
        check(&values, Rule::FewCrossings, &[(&all, Direction::None)]);
        assert_eq!(
            run.signals
                .iter()
                .find(|s| s.rule == Rule::FewCrossings)
                .unwrap()
                .text
                .en,
            "The values cross the median only once in 12 useful points, fewer than the 3 expected by chance: the process has shifted"
        );
        check(&values, Rule::LongestRun, &[]);
        // Near miss for crossings: three crossings (runs 3, 3, 3, 3) is enough.
        let three = [1.0, 2.0, 1.0, 9.0, 8.0, 9.0, 3.0, 2.0, 1.0, 7.0, 8.0, 9.0];
        assert_eq!(chart(&three).phases[0].crossings, 3);
        check(&three, Rule::FewCrossings, &[]);
    }

    #[test]
    fn anhoj_longest_run_fires_past_its_limit() {
        // Median 5; the fives are on it, leaving 14 useful points (limit 7). The run of 8
        // below fires.
        let long = [
            5.0, 6.0, 5.0, 6.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 6.0, 5.0, 6.0, 5.0, 6.0,
            5.0, 6.0, 5.0,
        ];
        let run = chart(&long);
        assert_eq!(run.phases[0].median, Some(5.0));
        assert_eq!(run.phases[0].useful_observations, 14);
        assert_eq!(run.phases[0].anhoj_limits.unwrap().longest_run_max, 7);
        check(
            &long,
            Rule::LongestRun,
            &[(&[4, 5, 6, 7, 8, 9, 10, 11], Direction::Down)],
        );
        // Near miss: a run of 7 below is at the limit, not past it.
        let mut seven = long;
        seven[11] = 6.0;
        seven[12] = 2.0;
        let run = chart(&seven);
        assert_eq!(run.phases[0].longest_run, 7);
        check(&seven, Rule::LongestRun, &[]);
    }

    #[test]
    fn choosing_only_one_rule_set() {
        let values = [1.0, 2.0, 1.0, 3.0, 2.0, 1.0, 9.0, 8.0, 9.0, 7.0, 8.0, 9.0];
        let only_ihi = Options {
            run_rules: RunRules::Ihi,
            ..Options::default()
        };
        let run = run_chart(&series(&values), &only_ihi).unwrap();
        assert!(run.signals.iter().all(|s| s.rule != Rule::FewCrossings));
        assert!(run.signals.iter().any(|s| s.rule == Rule::Shift));
        assert_eq!(run.phases[0].anhoj_limits, None);
        let only_anhoj = Options {
            run_rules: RunRules::Anhoj,
            ..Options::default()
        };
        let run = run_chart(&series(&values), &only_anhoj).unwrap();
        assert!(run.signals.iter().all(|s| s.rule == Rule::FewCrossings));
    }

    #[test]
    fn each_phase_has_its_own_median() {
        let values = [
            1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 10.0, 11.0, 12.0, 11.0, 12.0, 10.0,
        ];
        let options = Options {
            phase_starts: vec![6],
            ..Options::default()
        };
        let run = run_chart(&series(&values), &options).unwrap();
        let medians: Vec<Option<f64>> = run.phases.iter().map(|p| p.median).collect();
        assert_eq!(medians, vec![Some(2.0), Some(11.0)]);
        assert_eq!((run.phases[1].first, run.phases[1].last), (6, 11));
        assert!(run.signals.iter().all(|s| s.rule != Rule::Shift));
        // One median over everything sees the change as two shifts.
        let single = chart(&values);
        assert_eq!(
            single
                .signals
                .iter()
                .filter(|s| s.rule == Rule::Shift)
                .count(),
            2
        );
    }

    #[test]
    fn missing_values_are_skipped_not_breaking() {
        let mut points = series(&[
            2.0, 3.0, 1.0, 12.0, 2.0, 3.0, 1.0, 2.0, 11.0, 12.0, 13.0, 11.0, 12.0, 13.0,
        ]);
        points.insert(10, Point::missing("gap"));
        let run = run_chart(&points, &Options::default()).unwrap();
        let shift = run.signals.iter().find(|s| s.rule == Rule::Shift).unwrap();
        assert_eq!(shift.points, vec![8, 9, 11, 12, 13, 14]);
        assert_eq!(run.phases[0].values, 14);
    }

    #[test]
    fn a_trend_in_the_middle_names_its_periods() {
        let values = [5.0, 4.0, 6.0, 5.0, 1.0, 2.0, 3.0, 4.0, 6.0, 4.0, 5.0, 6.0];
        let run = chart(&values);
        let trend = run.signals.iter().find(|s| s.rule == Rule::Trend).unwrap();
        assert_eq!(trend.points, vec![4, 5, 6, 7, 8]);
        assert_eq!(
            (trend.from_period.as_str(), trend.to_period.as_str()),
            ("May", "September")
        );
        assert_eq!(
            trend.text.es,
            "5 puntos seguidos en aumento de May a September: una tendencia real"
        );
    }
}
