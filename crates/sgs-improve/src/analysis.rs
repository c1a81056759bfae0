//! One call that reads a series both ways, as a run chart and as an XmR chart, and says what
//! the signals add up to. This is what the measure pages draw and what `sgs chart signals`
//! prints as JSON.

use serde::{Deserialize, Serialize};

use crate::run_chart::{analyze_run_chart, RunChart};
use crate::series::{ChartError, Options, Point, Prepared};
use crate::signal::{reading, Reading, Signal};
use crate::xmr::{analyze_xmr_chart, XmrChart};

/// Both charts of a series and the overall reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// How many points the series has.
    pub points: usize,
    /// How many of them have a value.
    pub values: usize,
    /// The run chart.
    pub run_chart: RunChart,
    /// The XmR control chart.
    pub xmr: XmrChart,
    /// What all the signals of both charts add up to.
    pub reading: Reading,
}

impl Analysis {
    /// Every signal of both charts, run chart first.
    pub fn signals(&self) -> impl Iterator<Item = &Signal> {
        self.run_chart.signals.iter().chain(&self.xmr.signals)
    }
}

/// Analyzes a series as a run chart and as an XmR chart.
pub fn analyze(points: &[Point], options: &Options) -> Result<Analysis, ChartError> {
    let prepared = Prepared::new(points, options)?;
    let run_chart = analyze_run_chart(&prepared, options);
    let xmr = analyze_xmr_chart(&prepared);

    let all: Vec<Signal> = run_chart
        .signals
        .iter()
        .chain(&xmr.signals)
        .cloned()
        .collect();
    let values = prepared.value_count();
    Ok(Analysis {
        points: points.len(),
        values,
        reading: reading(&all, values),
        run_chart,
        xmr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::{Direction, ReadingKind, Rule};
    use proptest::prelude::*;

    fn series(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| Point::new(format!("{}", 2000 + i), v))
            .collect()
    }

    fn run(values: &[f64]) -> Analysis {
        analyze(&series(values), &Options::default()).unwrap()
    }

    #[test]
    fn empty_series() {
        let analysis = run(&[]);
        assert_eq!((analysis.points, analysis.values), (0, 0));
        assert!(analysis.run_chart.phases.is_empty());
        assert!(analysis.xmr.phases.is_empty());
        assert_eq!(analysis.signals().count(), 0);
        assert_eq!(analysis.reading.kind, ReadingKind::NotEnoughData);
        assert_eq!(
            analysis.reading.text.en,
            "Not enough data yet: no values; at least 5 are needed to look for signals"
        );
    }

    #[test]
    fn all_missing_series() {
        let points = vec![Point::missing("2020"), Point::missing("2021")];
        let analysis = analyze(&points, &Options::default()).unwrap();
        assert_eq!((analysis.points, analysis.values), (2, 0));
        assert_eq!(analysis.run_chart.phases[0].median, None);
        assert_eq!(analysis.xmr.phases[0].mean, None);
        assert_eq!(analysis.xmr.moving_ranges, vec![None, None]);
        assert_eq!(analysis.reading.kind, ReadingKind::NotEnoughData);
    }

    #[test]
    fn fewer_than_two_points() {
        let analysis = run(&[42.0]);
        let phase = &analysis.run_chart.phases[0];
        assert_eq!(phase.median, Some(42.0));
        assert_eq!(phase.useful_observations, 0);
        assert_eq!(analysis.xmr.phases[0].mean, Some(42.0));
        assert_eq!(analysis.xmr.phases[0].upper_limit, None);
        assert_eq!(analysis.signals().count(), 0);
        assert_eq!(analysis.reading.kind, ReadingKind::NotEnoughData);
        assert!(analysis.reading.text.es.contains("1 valor;"));
    }

    #[test]
    fn all_on_the_median() {
        let analysis = run(&[7.0; 12]);
        let phase = &analysis.run_chart.phases[0];
        assert_eq!(
            (phase.useful_observations, phase.runs, phase.crossings),
            (0, 0, 0)
        );
        assert_eq!(phase.anhoj_limits, None);
        assert_eq!(analysis.xmr.phases[0].average_moving_range, Some(0.0));
        assert_eq!(analysis.signals().count(), 0);
        assert_eq!(analysis.reading.kind, ReadingKind::CommonCause);
    }

    #[test]
    fn bad_phase_starts_are_an_error_not_a_panic() {
        let options = Options {
            phase_starts: vec![3, 2],
            ..Options::default()
        };
        assert!(analyze(&series(&[1.0, 2.0, 3.0, 4.0]), &options).is_err());
    }

    #[test]
    fn the_reading_names_the_latest_signal() {
        let values = [
            3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 2.0, 1.0, 8.0, 9.0, 10.0, 8.0, 9.0, 11.0, 9.0, 8.0,
        ];
        let analysis = run(&values);
        assert_eq!(analysis.reading.kind, ReadingKind::SpecialCause);
        assert!(
            analysis.reading.text.en.ends_with(
                "the latest: 8 points in a row above the median since 2008: the change is real"
            ),
            "{}",
            analysis.reading.text.en
        );
    }

    #[test]
    fn the_analysis_serializes_with_everything_a_renderer_needs() {
        let values = [
            3.0, 4.0, 2.0, 5.0, 3.0, 4.0, 2.0, 1.0, 8.0, 9.0, 10.0, 8.0, 9.0, 11.0, 9.0, 8.0,
        ];
        let analysis = run(&values);
        let json = serde_json::to_value(&analysis).unwrap();
        assert_eq!(json["run_chart"]["phases"][0]["median"], 6.5);
        assert!(json["xmr"]["phases"][0]["upper_limit"].is_number());
        let first = &json["run_chart"]["signals"][0];
        assert_eq!(first["rule"], "shift");
        assert_eq!(first["direction"], "down");
        assert_eq!(first["points"].as_array().unwrap().len(), 8);
        assert!(first["text"]["es"].is_string());
        let back: Analysis = serde_json::from_value(json).unwrap();
        assert_eq!(back, analysis);
    }

    /// The comparable part of a signal: rule, points and direction.
    fn shape(analysis: &Analysis) -> Vec<(Rule, Vec<usize>, Direction)> {
        let mut found: Vec<_> = analysis
            .signals()
            .map(|s| (s.rule, s.points.clone(), s.direction))
            .collect();
        found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        found
    }

    /// Series of whole numbers, so that sums, medians and quartiles are exact and the
    /// properties test the rules rather than floating-point rounding.
    fn whole_series() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec((-50i32..50).prop_map(f64::from), 0..60)
    }

    /// A series with real signals in it: noise plus an optional step and a ramp.
    fn signalling_series() -> impl Strategy<Value = Vec<f64>> {
        (
            prop::collection::vec(-5i32..5, 10..60),
            0usize..60,
            -20i32..20,
            -2i32..3,
        )
            .prop_map(|(noise, step_at, step, ramp)| {
                noise
                    .iter()
                    .enumerate()
                    .map(|(i, &e)| {
                        let stepped = if i >= step_at { step } else { 0 };
                        f64::from(e + stepped + ramp * i as i32)
                    })
                    .collect()
            })
    }

    fn any_series() -> impl Strategy<Value = Vec<f64>> {
        prop_oneof![whole_series(), signalling_series()]
    }

    proptest! {
        #[test]
        fn a_constant_series_has_no_signal(value in -1e6f64..1e6, len in 0usize..80) {
            let analysis = run(&vec![value; len]);
            prop_assert_eq!(analysis.signals().count(), 0);
            prop_assert_ne!(analysis.reading.kind, ReadingKind::SpecialCause);
        }

        #[test]
        fn adding_a_constant_changes_no_signal(values in any_series(), shift in -1000i32..1000) {
            let shifted: Vec<f64> = values.iter().map(|v| v + f64::from(shift)).collect();
            prop_assert_eq!(shape(&run(&values)), shape(&run(&shifted)));
        }

        #[test]
        fn scaling_by_a_positive_constant_changes_no_signal(
            values in any_series(),
            exponent in -6i32..7,
        ) {
            // Powers of two scale every intermediate result exactly.
            let factor = 2f64.powi(exponent);
            let scaled: Vec<f64> = values.iter().map(|v| v * factor).collect();
            prop_assert_eq!(shape(&run(&values)), shape(&run(&scaled)));
        }

        #[test]
        fn scaling_by_any_positive_constant_keeps_the_rank_rules(
            values in any_series(),
            factor in 0.01f64..100.0,
        ) {
            // The trend rules only compare each value with the one before, and multiplying
            // whole numbers this small by any positive factor keeps their order, so no factor
            // can change them (a median or a limit can round differently, hence the power-of-two
            // test above for the rest).
            let scaled: Vec<f64> = values.iter().map(|v| v * factor).collect();
            let options = Options::default();
            let rank_rules = |a: &Analysis| -> Vec<_> {
                shape(a)
                    .into_iter()
                    .filter(|s| matches!(s.0, Rule::Trend | Rule::SixInATrend))
                    .collect()
            };
            let before = analyze(&series(&values), &options).unwrap();
            let after = analyze(&series(&scaled), &options).unwrap();
            prop_assert_eq!(rank_rules(&before), rank_rules(&after));
        }

        #[test]
        fn reversing_time_flips_trends_and_mirrors_everything_else(values in any_series()) {
            let reversed: Vec<f64> = values.iter().rev().copied().collect();
            let last = values.len().saturating_sub(1);
            let mirrored: Vec<(Rule, Vec<usize>, Direction)> = {
                let mut found: Vec<_> = shape(&run(&values))
                    .into_iter()
                    .map(|(rule, points, direction)| {
                        let points: Vec<usize> = points.iter().rev().map(|p| last - p).collect();
                        let direction = if matches!(rule, Rule::Trend | Rule::SixInATrend) {
                            direction.flipped()
                        } else {
                            direction
                        };
                        (rule, points, direction)
                    })
                    .collect();
                found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                found
            };
            prop_assert_eq!(shape(&run(&reversed)), mirrored);
        }

        #[test]
        fn any_input_gives_an_analysis_not_a_panic(
            values in prop::collection::vec(
                prop_oneof![
                    Just(None),
                    Just(Some(f64::NAN)),
                    Just(Some(f64::INFINITY)),
                    Just(Some(f64::MAX)),
                    Just(Some(-f64::MAX)),
                    (-1e9f64..1e9).prop_map(Some),
                ],
                0..40,
            ),
            cut in 1usize..40,
        ) {
            let points: Vec<Point> = values
                .iter()
                .enumerate()
                .map(|(i, v)| Point { period: i.to_string(), value: *v })
                .collect();
            let phase_starts = if cut < points.len() { vec![cut] } else { vec![] };
            let options = Options { phase_starts, ..Options::default() };
            let analysis = analyze(&points, &options).unwrap();
            for signal in analysis.signals() {
                prop_assert!(signal.points.iter().all(|&p| p < points.len()));
                prop_assert!(!signal.text.en.is_empty() && !signal.text.es.is_empty());
            }
        }
    }
}
