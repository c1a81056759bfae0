//! A measure's series as the charts read it: points with a period label and a value that may
//! be missing, the analysis options, and the phases a series is cut into after a deliberate
//! change.
//!
//! A missing value (or one that is not a finite number) is "not useful": it is skipped by every
//! rule, neither counting in a run nor breaking one, and it is left out of the median, the mean
//! and the moving ranges.
//!
//! Every statistic is computed on the values less the series' smallest value and shifted back
//! only for display. That keeps precision for values far from zero, and it makes the analysis
//! depend only on the differences between values: adding a constant to a whole series (of
//! whole numbers, so that the arithmetic is exact) gives bit-for-bit the same comparisons.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::limits::RunsTable;

/// One observation of a measure: a period label (as the district names it) and a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The period the value belongs to, e.g. "2024-03" or "March"; shown as is in sentences.
    pub period: String,
    /// The value, or `None` when it is missing.
    pub value: Option<f64>,
}

impl Point {
    /// A point with a value.
    pub fn new(period: impl Into<String>, value: f64) -> Self {
        Point {
            period: period.into(),
            value: Some(value),
        }
    }

    /// A point whose value is missing.
    pub fn missing(period: impl Into<String>) -> Self {
        Point {
            period: period.into(),
            value: None,
        }
    }
}

/// Which set of run-chart rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunRules {
    /// The IHI rules: shift, trend, number of runs, astronomical point.
    Ihi,
    /// The Anhøj rules: longest run and number of crossings.
    Anhoj,
    /// Both sets.
    #[default]
    Both,
}

/// How to analyze a series.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Options {
    /// Indices where a new phase starts after a deliberate change: each phase gets its own
    /// median, mean and limits. Strictly increasing, each in `1..points.len()`.
    #[serde(default)]
    pub phase_starts: Vec<usize>,
    /// Which run-chart rules to apply.
    #[serde(default)]
    pub run_rules: RunRules,
    /// Which runs distribution the IHI runs rule compares with.
    #[serde(default)]
    pub runs_table: RunsTable,
}

/// Options that do not fit the series.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChartError {
    /// A phase start is not inside the series.
    #[error(
        "phase start {index} is outside the series: expected an index from 1 to {last} \
         (the series has {len} points)",
        last = .len.saturating_sub(1)
    )]
    PhaseStartOutside {
        /// The phase start given.
        index: usize,
        /// The number of points in the series.
        len: usize,
    },
    /// Phase starts are not strictly increasing.
    #[error("phase start {index} does not come after phase start {previous}: expected phase starts in increasing order")]
    PhaseStartOrder {
        /// The phase start before it.
        previous: usize,
        /// The phase start given.
        index: usize,
    },
}

/// A phase of a series: the inclusive range of point indices it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PhaseRange {
    pub(crate) first: usize,
    pub(crate) last: usize,
}

/// A series ready for the rules: values less their minimum, cut into phases.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub(crate) points: &'a [Point],
    /// The smallest finite value, added back to every statistic shown.
    pub(crate) offset: f64,
    /// `value - offset` for each point with a finite value.
    pub(crate) values: Vec<Option<f64>>,
    pub(crate) phases: Vec<PhaseRange>,
    /// The last point with a value; a signal that reaches it is ongoing.
    pub(crate) last_value: Option<usize>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(points: &'a [Point], options: &Options) -> Result<Self, ChartError> {
        let phases = phases(points.len(), &options.phase_starts)?;
        let finite = |p: &Point| p.value.filter(|v| v.is_finite());
        let offset = points
            .iter()
            .filter_map(finite)
            .min_by(f64::total_cmp)
            .unwrap_or(0.0);
        let values: Vec<Option<f64>> = points
            .iter()
            .map(|p| finite(p).map(|v| v - offset))
            .collect();
        let last_value = values.iter().rposition(Option::is_some);
        Ok(Prepared {
            points,
            offset,
            values,
            phases,
            last_value,
        })
    }

    /// The (index, shifted value) pairs of a phase, missing values left out.
    pub(crate) fn phase_values(&self, phase: PhaseRange) -> Vec<(usize, f64)> {
        (phase.first..=phase.last)
            .filter_map(|i| self.values[i].map(|v| (i, v)))
            .collect()
    }

    /// How many points carry a value.
    pub(crate) fn value_count(&self) -> usize {
        self.values.iter().filter(|v| v.is_some()).count()
    }

    /// The original value of a point (only called for points with a value).
    pub(crate) fn shown(&self, index: usize) -> f64 {
        self.values[index].map_or(f64::NAN, |v| v + self.offset)
    }

    /// The period label of a point.
    pub(crate) fn period(&self, index: usize) -> &str {
        &self.points[index].period
    }
}

fn phases(len: usize, starts: &[usize]) -> Result<Vec<PhaseRange>, ChartError> {
    let mut previous = 0;
    for (position, &index) in starts.iter().enumerate() {
        if index == 0 || index >= len {
            return Err(ChartError::PhaseStartOutside { index, len });
        }
        if position > 0 && index <= previous {
            return Err(ChartError::PhaseStartOrder { previous, index });
        }
        previous = index;
    }
    if len == 0 {
        return Ok(Vec::new());
    }

    let mut bounds = vec![0];
    bounds.extend_from_slice(starts);
    bounds.push(len);
    Ok(bounds
        .windows(2)
        .map(|w| PhaseRange {
            first: w[0],
            last: w[1] - 1,
        })
        .collect())
}

/// The median of some values (the mean of the middle two for an even count), `None` for none.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// A quantile by linear interpolation between order statistics (Hyndman & Fan type 7, R's and
/// spreadsheets' default), `None` for no values.
pub(crate) fn quantile(values: &[f64], probability: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = probability * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let fraction = position - below as f64;
    let low = sorted[below];
    if fraction == 0.0 {
        return Some(low);
    }
    let high = sorted[below + 1];
    Some(low + fraction * (high - low))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_phases(len: usize, starts: &[usize], expected: &[(usize, usize)]) {
        let got: Vec<(usize, usize)> = phases(len, starts)
            .unwrap()
            .iter()
            .map(|p| (p.first, p.last))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn phases_cover_the_series() {
        check_phases(0, &[], &[]);
        check_phases(5, &[], &[(0, 4)]);
        check_phases(10, &[4], &[(0, 3), (4, 9)]);
        check_phases(10, &[1, 9], &[(0, 0), (1, 8), (9, 9)]);
    }

    #[test]
    fn bad_phase_starts_are_refused_with_a_reason() {
        let outside = phases(10, &[10]).unwrap_err();
        assert_eq!(
            outside,
            ChartError::PhaseStartOutside { index: 10, len: 10 }
        );
        assert_eq!(
            outside.to_string(),
            "phase start 10 is outside the series: expected an index from 1 to 9 (the series has 10 points)"
        );
        assert!(matches!(
            phases(10, &[0]),
            Err(ChartError::PhaseStartOutside { .. })
        ));
        assert_eq!(
            phases(10, &[5, 5]),
            Err(ChartError::PhaseStartOrder {
                previous: 5,
                index: 5
            })
        );
        assert!(phases(0, &[1]).is_err());
    }

    #[test]
    fn medians_and_quartiles() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        // Type 7 on 1..=8: Q1 at position 1.75 → 2.75, Q3 at 5.25 → 6.25.
        let eight: Vec<f64> = (1..=8).map(f64::from).collect();
        assert_eq!(quantile(&eight, 0.25), Some(2.75));
        assert_eq!(quantile(&eight, 0.75), Some(6.25));
    }

    #[test]
    fn missing_and_non_finite_values_are_not_useful() {
        let points = vec![
            Point::new("a", 5.0),
            Point::missing("b"),
            Point::new("c", f64::NAN),
            Point::new("d", 2.0),
            Point::new("e", f64::INFINITY),
        ];
        let prepared = Prepared::new(&points, &Options::default()).unwrap();
        assert_eq!(prepared.offset, 2.0);
        assert_eq!(
            prepared.values,
            vec![Some(3.0), None, None, Some(0.0), None]
        );
        assert_eq!(prepared.last_value, Some(3));
        assert_eq!(prepared.value_count(), 2);
        assert_eq!(prepared.shown(0), 5.0);
    }
}
