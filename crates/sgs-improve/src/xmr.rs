//! The XmR (individuals and moving range) control chart and the common Shewhart rules
//! (domain reference §5.4).
//!
//! Per phase: the center line is the mean of the values; the moving ranges are the absolute
//! differences between consecutive values (a missing value is skipped, so the range spans the
//! gap; the first value of a phase has none, so phases never share a range); the natural
//! process limits are `mean ± 2.66 * average moving range` and the moving-range chart's upper
//! limit is `3.267 * average moving range` (2.66 = 3 / d2 and 3.267 = D4 for ranges of two
//! points, d2 = 1.128). One sigma is a third of the distance to a limit, `2.66 / 3 * mR̄`.
//!
//! A deliberate change starts a new phase ([`crate::Options::phase_starts`]), and each phase
//! gets its own center and limits, so the limits are recomputed from that period on.
//!
//! The rules, applied within each phase:
//!
//! * **Outside the limits**: a point above the upper or below the lower limit. Consecutive
//!   points beyond the same limit are one signal.
//! * **Eight on one side**: [`EIGHT_ON_ONE_SIDE`] or more points in a row above, or below, the
//!   center line. A point exactly on the center line is skipped, as on the run chart.
//! * **Six in a trend**: [`SIX_IN_A_TREND`] or more points in a row going up or going down; a
//!   repeated value counts once, as on the run chart.
//! * **Two of three beyond two sigma**: 2 of 3 consecutive points more than two sigma from the
//!   center on the same side (the outer third of the band between center and limit, or past
//!   the limit). Overlapping windows that fire on the same side are one signal.
//! * **Fifteen within one sigma**: [`FIFTEEN_WITHIN_ONE_SIGMA`] or more points in a row less
//!   than one sigma from the center (the inner third), either side.
//!
//! The moving-range chart's limit is given for drawing; no rule reads it.

use serde::{Deserialize, Serialize};

use crate::patterns::{monotone_runs, side_runs};
use crate::run_chart::trend_text;
use crate::series::{ChartError, Options, Point, Prepared};
use crate::signal::{reading, sort, Direction, Reading, Rule, Signal, SkippedRule};
use crate::words::{number, points as count_points, span, Text};

/// `3 / d2` for moving ranges of two points: the distance from the mean to a natural process
/// limit, in average moving ranges.
pub const LIMIT_FACTOR: f64 = 2.66;
/// `D4` for moving ranges of two points: the moving-range chart's upper limit, in average
/// moving ranges.
pub const MOVING_RANGE_LIMIT_FACTOR: f64 = 3.267;
/// The fewest points in a row on one side of the center line that make a signal.
pub const EIGHT_ON_ONE_SIDE: usize = 8;
/// The fewest points in a row going one way that make a signal.
pub const SIX_IN_A_TREND: usize = 6;
/// The fewest points in a row within one sigma that make a signal.
pub const FIFTEEN_WITHIN_ONE_SIGMA: usize = 15;

/// One phase of an XmR chart: its center line and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XmrPhase {
    /// Index of the first point of the phase.
    pub first: usize,
    /// Index of the last point of the phase.
    pub last: usize,
    /// How many points have a value.
    pub values: usize,
    /// The center line; `None` when the phase has no value.
    pub mean: Option<f64>,
    /// The average moving range; `None` with fewer than two values.
    pub average_moving_range: Option<f64>,
    /// One sigma, `2.66 / 3` of the average moving range.
    pub sigma: Option<f64>,
    /// The lower natural process limit, `mean - 2.66 * mR̄`.
    pub lower_limit: Option<f64>,
    /// The upper natural process limit, `mean + 2.66 * mR̄`.
    pub upper_limit: Option<f64>,
    /// The moving-range chart's upper limit, `3.267 * mR̄`.
    pub moving_range_upper_limit: Option<f64>,
}

/// An XmR chart: phases with center and limits, moving ranges, signals and skipped rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XmrChart {
    /// The phases, in order.
    pub phases: Vec<XmrPhase>,
    /// The moving range at each point (`None` for a missing value or a phase's first value).
    pub moving_ranges: Vec<Option<f64>>,
    /// Every signal, in time order.
    pub signals: Vec<Signal>,
    /// Rules not applied to a phase, with the reason.
    pub skipped: Vec<SkippedRule>,
    /// What the signals add up to.
    pub reading: Reading,
}

/// Analyzes a series as an XmR control chart.
pub fn xmr_chart(points: &[Point], options: &Options) -> Result<XmrChart, ChartError> {
    Ok(analyze_xmr_chart(&Prepared::new(points, options)?))
}

/// The center and limits of a phase in shifted units (values less the series minimum).
#[derive(Debug, Clone, Copy)]
struct Band {
    mean: f64,
    /// `2.66 * mR̄`, the distance from the mean to a limit; 0 without moving ranges.
    width: f64,
}

impl Band {
    fn beyond(&self, value: f64, sigmas: f64) -> Option<Direction> {
        let reach = self.width * sigmas / 3.0;
        if value - self.mean > reach {
            Some(Direction::Up)
        } else if self.mean - value > reach {
            Some(Direction::Down)
        } else {
            None
        }
    }
}

pub(crate) fn analyze_xmr_chart(prepared: &Prepared) -> XmrChart {
    let mut phases = Vec::new();
    let mut moving_ranges = vec![None; prepared.points.len()];
    let mut signals = Vec::new();
    let mut skipped = Vec::new();

    for (number, &range) in prepared.phases.iter().enumerate() {
        let values = prepared.phase_values(range);
        for pair in values.windows(2) {
            moving_ranges[pair[1].0] = Some((pair[1].1 - pair[0].1).abs());
        }
        let ranges: Vec<f64> = values.windows(2).map(|p| (p[1].1 - p[0].1).abs()).collect();
        let mean = (!values.is_empty())
            .then(|| values.iter().map(|&(_, v)| v).sum::<f64>() / values.len() as f64);
        let average_range =
            (!ranges.is_empty()).then(|| ranges.iter().sum::<f64>() / ranges.len() as f64);
        let offset = prepared.offset;
        phases.push(XmrPhase {
            first: range.first,
            last: range.last,
            values: values.len(),
            mean: mean.map(|m| m + offset),
            average_moving_range: average_range,
            sigma: average_range.map(|r| LIMIT_FACTOR * r / 3.0),
            lower_limit: mean
                .zip(average_range)
                .map(|(m, r)| m - LIMIT_FACTOR * r + offset),
            upper_limit: mean
                .zip(average_range)
                .map(|(m, r)| m + LIMIT_FACTOR * r + offset),
            moving_range_upper_limit: average_range.map(|r| MOVING_RANGE_LIMIT_FACTOR * r),
        });

        let Some(mean) = mean else {
            continue;
        };
        let mut rules = PhaseRules {
            prepared,
            number,
            values: &values,
            band: Band {
                mean,
                width: average_range.map_or(0.0, |r| LIMIT_FACTOR * r),
            },
            signals: &mut signals,
        };
        rules.eight_on_one_side();
        rules.six_in_a_trend();
        if average_range.is_none() {
            let reason = Text::new(
                "the limits need at least 2 values in the phase for a moving range",
                "los límites necesitan al menos 2 valores en la fase para un rango móvil",
            );
            for rule in [
                Rule::OutsideLimits,
                Rule::TwoOfThreeBeyondTwoSigma,
                Rule::FifteenWithinOneSigma,
            ] {
                skipped.push(SkippedRule {
                    rule,
                    phase: number,
                    reason: reason.clone(),
                });
            }
            continue;
        }
        rules.outside_limits();
        rules.two_of_three();
        rules.fifteen_within_one_sigma();
    }

    sort(&mut signals);
    let reading = reading(&signals, prepared.value_count());
    XmrChart {
        phases,
        moving_ranges,
        signals,
        skipped,
        reading,
    }
}

struct PhaseRules<'a, 'p> {
    prepared: &'a Prepared<'p>,
    number: usize,
    values: &'a [(usize, f64)],
    band: Band,
    signals: &'a mut Vec<Signal>,
}

fn side_words(side: Direction) -> (&'static str, &'static str) {
    match side {
        Direction::Up => ("above", "por encima de"),
        _ => ("below", "por debajo de"),
    }
}

impl PhaseRules<'_, '_> {
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

    fn outside_limits(&mut self) {
        let mut groups: Vec<(Direction, Vec<usize>)> = Vec::new();
        let mut previous_beyond = false;
        for &(index, value) in self.values {
            let Some(side) = self.band.beyond(value, 3.0) else {
                previous_beyond = false;
                continue;
            };
            match groups.last_mut() {
                Some((last_side, points)) if previous_beyond && *last_side == side => {
                    points.push(index)
                }
                _ => groups.push((side, vec![index])),
            }
            previous_beyond = true;
        }

        let offset = self.prepared.offset;
        for (side, points) in groups {
            let (limit, en_limit, es_limit) = match side {
                Direction::Up => (
                    self.band.mean + self.band.width,
                    "above the upper control limit",
                    "por encima del límite de control superior",
                ),
                _ => (
                    self.band.mean - self.band.width,
                    "below the lower control limit",
                    "por debajo del límite de control inferior",
                ),
            };
            let limit = number(limit + offset);
            let text = if let [index] = points[..] {
                let period = self.prepared.period(index);
                let shown = number(self.prepared.shown(index));
                Text::new(
                    format!("{period}: {shown} is {en_limit} ({limit}): a special cause to look into"),
                    format!("{period}: {shown} está {es_limit} ({limit}): una causa especial que investigar"),
                )
            } else {
                let count = count_points(points.len());
                let when = self.span_of(&points);
                Text::new(
                    format!(
                        "{} {en_limit} ({limit}) {}: a special cause to look into",
                        count.en, when.en
                    ),
                    format!(
                        "{} {es_limit} ({limit}) {}: una causa especial que investigar",
                        count.es, when.es
                    ),
                )
            };
            self.push(Rule::OutsideLimits, points, side, text);
        }
    }

    fn eight_on_one_side(&mut self) {
        for run in side_runs(self.values, self.band.mean)
            .into_iter()
            .filter(|r| r.points.len() >= EIGHT_ON_ONE_SIDE)
        {
            let (en_side, es_side) = side_words(run.side);
            let count = count_points(run.points.len());
            let when = self.span_of(&run.points);
            let text = Text::new(
                format!(
                    "{} in a row {en_side} the center line {}: the process has shifted",
                    count.en, when.en
                ),
                format!(
                    "{} seguidos {es_side} la línea central {}: el proceso cambió de nivel",
                    count.es, when.es
                ),
            );
            self.push(Rule::EightOnOneSide, run.points, run.side, text);
        }
    }

    fn six_in_a_trend(&mut self) {
        for run in monotone_runs(self.values)
            .into_iter()
            .filter(|m| m.count >= SIX_IN_A_TREND)
        {
            let text = trend_text(
                self.prepared,
                run.count,
                &run.points,
                run.direction,
                ("a trend", "una tendencia"),
            );
            self.push(Rule::SixInATrend, run.points, run.direction, text);
        }
    }

    fn two_of_three(&mut self) {
        // (side, last window start, flagged points) for each group of overlapping windows.
        let mut groups: Vec<(Direction, usize, Vec<usize>)> = Vec::new();
        let beyond: Vec<Option<Direction>> = self
            .values
            .iter()
            .map(|&(_, v)| self.band.beyond(v, 2.0))
            .collect();
        for start in 0..self.values.len().saturating_sub(2) {
            for side in [Direction::Up, Direction::Down] {
                let window = start..start + 3;
                let count = beyond[window.clone()]
                    .iter()
                    .filter(|b| **b == Some(side))
                    .count();
                if count < 2 {
                    continue;
                }
                let flagged = window
                    .filter(|&p| beyond[p] == Some(side))
                    .map(|p| self.values[p].0);
                match groups
                    .iter_mut()
                    .rev()
                    .find(|g| g.0 == side && start - g.1 <= 2)
                {
                    Some(group) => {
                        group.1 = start;
                        for index in flagged {
                            if !group.2.contains(&index) {
                                group.2.push(index);
                            }
                        }
                    }
                    None => groups.push((side, start, flagged.collect())),
                }
            }
        }

        for (side, _, points) in groups {
            let (en_side, es_side) = side_words(side);
            let count = count_points(points.len());
            let when = self.span_of(&points);
            let text = Text::new(
                format!(
                    "{} more than two sigma {en_side} the center line {}, at least 2 of every 3 in a row: an early sign of a shift",
                    count.en, when.en
                ),
                format!(
                    "{} a más de dos sigmas {es_side} la línea central {}, al menos 2 de cada 3 seguidos: una señal temprana de cambio de nivel",
                    count.es, when.es
                ),
            );
            self.push(Rule::TwoOfThreeBeyondTwoSigma, points, side, text);
        }
    }

    fn fifteen_within_one_sigma(&mut self) {
        let one_sigma = self.band.width / 3.0;
        let mut runs: Vec<Vec<usize>> = vec![Vec::new()];
        for &(index, value) in self.values {
            if (value - self.band.mean).abs() < one_sigma {
                if let Some(run) = runs.last_mut() {
                    run.push(index);
                }
            } else if runs.last().is_some_and(|run| !run.is_empty()) {
                runs.push(Vec::new());
            }
        }

        for run in runs
            .into_iter()
            .filter(|r| r.len() >= FIFTEEN_WITHIN_ONE_SIGMA)
        {
            let count = count_points(run.len());
            let when = self.span_of(&run);
            let text = Text::new(
                format!(
                    "{} in a row within one sigma of the center line {}: less variation than the limits assume; check whether the values average different groups, or start a new phase",
                    count.en, when.en
                ),
                format!(
                    "{} seguidos a menos de una sigma de la línea central {}: menos variación de la que suponen los límites; revise si los valores promedian grupos distintos, o empiece una fase nueva",
                    count.es, when.es
                ),
            );
            self.push(Rule::FifteenWithinOneSigma, run, Direction::None, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::ReadingKind;

    fn series(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| Point::new(format!("P{}", i + 1), v))
            .collect()
    }

    fn chart(values: &[f64]) -> XmrChart {
        xmr_chart(&series(values), &Options::default()).unwrap()
    }

    fn check(values: &[f64], rule: Rule, expected: &[(&[usize], Direction)]) {
        let got: Vec<(Vec<usize>, Direction)> = chart(values)
            .signals
            .into_iter()
            .filter(|s| s.rule == rule)
            .map(|s| (s.points, s.direction))
            .collect();
        let expected: Vec<(Vec<usize>, Direction)> =
            expected.iter().map(|(p, d)| (p.to_vec(), *d)).collect();
        assert_eq!(got, expected, "{rule:?} in {values:?}");
    }

    #[test]
    fn limits_by_hand() {
        // Mean 72 / 6 = 12; moving ranges 2, 4, 2, 4, 0 → mR̄ 2.4.
        let xmr = chart(&[10.0, 12.0, 16.0, 14.0, 10.0, 10.0]);
        let phase = &xmr.phases[0];
        assert_eq!(phase.mean, Some(12.0));
        assert_eq!(phase.average_moving_range, Some(2.4));
        assert_eq!(
            xmr.moving_ranges,
            vec![None, Some(2.0), Some(4.0), Some(2.0), Some(4.0), Some(0.0)]
        );
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
        assert!(close(phase.upper_limit, 12.0 + 2.66 * 2.4));
        assert!(close(phase.lower_limit, 12.0 - 2.66 * 2.4));
        assert!(close(phase.moving_range_upper_limit, 3.267 * 2.4));
        assert!(close(phase.sigma, 2.66 * 2.4 / 3.0));
    }

    /// Twenty values of common-cause noise around 10: moving ranges sum to 46, so mR̄ is
    /// 46 / 19 = 2.421, the limits 10 ± 6.44 and one sigma 2.147.
    fn steady() -> Vec<f64> {
        vec![
            10.0, 12.0, 9.0, 11.0, 8.0, 10.0, 13.0, 9.0, 10.0, 11.0, 7.0, 10.0, 12.0, 9.0, 11.0,
            10.0, 8.0, 12.0, 10.0, 8.0,
        ]
    }

    #[test]
    fn steady_noise_has_no_signal() {
        let xmr = chart(&steady());
        assert_eq!(xmr.phases[0].mean, Some(10.0));
        assert_eq!(xmr.phases[0].average_moving_range, Some(46.0 / 19.0));
        assert_eq!(xmr.signals, vec![]);
        assert_eq!(xmr.reading.kind, ReadingKind::CommonCause);
    }

    #[test]
    fn a_point_outside_the_limits_fires_and_one_inside_does_not() {
        // Adding 17: mean 217 / 21 = 10.333, mR̄ 55 / 20 = 2.75, upper limit 17.648.
        let mut values = steady();
        values.push(17.0);
        check(&values, Rule::OutsideLimits, &[]);
        // Adding 18: mean 10.381, mR̄ 2.8, upper limit 17.829.
        values.pop();
        values.push(18.0);
        check(&values, Rule::OutsideLimits, &[(&[20], Direction::Up)]);
        let xmr = chart(&values);
        let signal = xmr
            .signals
            .iter()
            .find(|s| s.rule == Rule::OutsideLimits)
            .unwrap();
        assert_eq!(
            signal.text.en,
            "P21: 18 is above the upper control limit (17.829): a special cause to look into"
        );
        assert_eq!(
            signal.text.es,
            "P21: 18 está por encima del límite de control superior (17.829): una causa especial que investigar"
        );
        // And below the lower limit.
        values.pop();
        values.push(2.0);
        check(&values, Rule::OutsideLimits, &[(&[20], Direction::Down)]);
    }

    #[test]
    fn consecutive_points_outside_are_one_signal() {
        // Mean 11.864, mR̄ 3.286, upper limit 20.604.
        let mut values = steady();
        values.extend([30.0, 31.0]);
        let xmr = chart(&values);
        let outside: Vec<&Signal> = xmr
            .signals
            .iter()
            .filter(|s| s.rule == Rule::OutsideLimits)
            .collect();
        assert_eq!(outside.len(), 1);
        assert_eq!(outside[0].points, vec![20, 21]);
        assert_eq!(
            outside[0].text.en,
            "2 points above the upper control limit (20.604) since P21: a special cause to look into"
        );
    }

    #[test]
    fn eight_on_one_side_fires_and_seven_does_not() {
        // Mean 50 / 12 = 4.167: the first eight are above.
        let eight = [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 1.0, 2.0, 1.0, 2.0];
        check(
            &eight,
            Rule::EightOnOneSide,
            &[(&[0, 1, 2, 3, 4, 5, 6, 7], Direction::Up)],
        );
        let seven = [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0, 1.0, 2.0, 1.0, 2.0, 6.0];
        check(&seven, Rule::EightOnOneSide, &[]);
    }

    #[test]
    fn six_in_a_trend_fires_and_five_does_not() {
        let six = [5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 2.0];
        check(
            &six,
            Rule::SixInATrend,
            &[(&[1, 2, 3, 4, 5, 6], Direction::Up)],
        );
        let five = [5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 6.0];
        check(&five, Rule::SixInATrend, &[]);
        let xmr = chart(&six);
        let signal = xmr
            .signals
            .iter()
            .find(|s| s.rule == Rule::SixInATrend)
            .unwrap();
        assert_eq!(
            signal.text.en,
            "6 points in a row going up from P2 to P7: a trend"
        );
    }

    #[test]
    fn two_of_three_beyond_two_sigma_fires_and_one_of_three_does_not() {
        // With 16, 10, 16 added: mean 10.522, two sigma up at 15.842, upper limit 18.502.
        let mut values = steady();
        values.extend([16.0, 10.0, 16.0]);
        let xmr = chart(&values);
        let phase = &xmr.phases[0];
        let two_sigma = phase.mean.unwrap() + 2.0 * phase.sigma.unwrap();
        assert!(16.0 > two_sigma && 16.0 < phase.upper_limit.unwrap());
        check(
            &values,
            Rule::TwoOfThreeBeyondTwoSigma,
            &[(&[20, 22], Direction::Up)],
        );
        check(&values, Rule::OutsideLimits, &[]);
        let signal = xmr
            .signals
            .iter()
            .find(|s| s.rule == Rule::TwoOfThreeBeyondTwoSigma)
            .unwrap();
        assert_eq!(
            signal.text.en,
            "2 points more than two sigma above the center line since P21, at least 2 of every 3 in a row: an early sign of a shift"
        );

        // Near miss: 16, 10, 10, 16 (two sigma at 15.589) has one in every window of three.
        let mut near = steady();
        near.extend([16.0, 10.0, 10.0, 16.0]);
        check(&near, Rule::TwoOfThreeBeyondTwoSigma, &[]);
    }

    #[test]
    fn overlapping_two_of_three_windows_are_one_signal() {
        // Two sigma up at 16.973, upper limit 20.039.
        let mut values = steady();
        values.extend([17.0, 10.0, 17.0, 10.0, 17.0]);
        let xmr = chart(&values);
        let found: Vec<&Signal> = xmr
            .signals
            .iter()
            .filter(|s| s.rule == Rule::TwoOfThreeBeyondTwoSigma)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].points, vec![20, 22, 24]);
    }

    #[test]
    fn fifteen_within_one_sigma_fires_and_fourteen_does_not() {
        // Wide swings set the limits (mean 10.333, one sigma 5.497), then a calm stretch hugs
        // the center.
        let mut values = vec![0.0, 20.0, 0.0, 20.0, 0.0, 20.0];
        values.extend((0..15).map(|i| if i % 2 == 0 { 10.0 } else { 11.0 }));
        let xmr = chart(&values);
        let phase = &xmr.phases[0];
        assert!(phase.sigma.unwrap() > 1.0);
        check(
            &values,
            Rule::FifteenWithinOneSigma,
            &[(&(6..21).collect::<Vec<_>>(), Direction::None)],
        );
        let mut fourteen = vec![0.0, 20.0, 0.0, 20.0, 0.0, 20.0];
        fourteen.extend((0..14).map(|i| if i % 2 == 0 { 10.0 } else { 11.0 }));
        check(&fourteen, Rule::FifteenWithinOneSigma, &[]);
    }

    #[test]
    fn limits_recomputed_after_a_deliberate_change() {
        // Steady noise around 10, then the same noise 10 higher after a change.
        let mut values = steady();
        values.extend(steady()[..10].iter().map(|v| v + 10.0));
        let single = chart(&values);
        assert!(single
            .signals
            .iter()
            .any(|s| s.rule == Rule::EightOnOneSide));

        let options = Options {
            phase_starts: vec![20],
            ..Options::default()
        };
        let phased = xmr_chart(&series(&values), &options).unwrap();
        assert_eq!(phased.phases[0].mean, Some(10.0));
        assert!((phased.phases[1].mean.unwrap() - 20.3).abs() < 1e-12);
        // Moving ranges 2, 3, 2, 3, 2, 3, 4, 1, 1.
        assert_eq!(phased.phases[1].average_moving_range, Some(21.0 / 9.0));
        // The jump from 8 to 20 belongs to no phase.
        assert_eq!(phased.moving_ranges[20], None);
        assert_eq!(phased.signals, vec![]);
        assert_eq!(phased.reading.kind, ReadingKind::CommonCause);
    }

    #[test]
    fn a_phase_of_one_value_has_a_center_but_no_limits() {
        let options = Options {
            phase_starts: vec![3],
            ..Options::default()
        };
        let xmr = xmr_chart(&series(&[1.0, 2.0, 3.0, 4.0]), &options).unwrap();
        let last = &xmr.phases[1];
        assert_eq!((last.mean, last.upper_limit), (Some(4.0), None));
        assert!(xmr
            .skipped
            .iter()
            .any(|s| s.phase == 1 && s.rule == Rule::OutsideLimits));
    }
}
