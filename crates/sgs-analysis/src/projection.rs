//! Cohort-survival (grade-progression-ratio) enrollment projections with low / likely / high
//! bands and back-tests.
//!
//! `ratio[g] = E[g, t] / E[g-1, t-1]`, averaged over the last few transitions; each projected
//! year moves every cohort up a grade by its ratio. The entry grade has no cohort behind it: it
//! comes from a births series when one is given (kindergarten five years after birth), else
//! from its own linear trend.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sgs_domain::{CampusId, CampusYear, Grade, SchoolYear};

/// How to average progression ratios over the chosen transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Average {
    /// Arithmetic mean.
    Mean,
    /// Median, robust to one odd year.
    Median,
    /// Weighted toward recent years: weights 1, 2, …, n from oldest to newest.
    WeightedRecent,
}

/// Settings of a projection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// How many past transitions to average (the last ones).
    pub transitions: usize,
    /// How to average them.
    pub average: Average,
    /// Years to project.
    pub horizon: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            transitions: 4,
            average: Average::Mean,
            horizon: 5,
        }
    }
}

/// Enrollment history: consecutive school years, each with counts for the same grades.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Consecutive school years, oldest first.
    pub years: Vec<SchoolYear>,
    /// Grades, lowest first; the first is the entry grade.
    pub grades: Vec<Grade>,
    /// `counts[year][grade]`.
    pub counts: Vec<Vec<f64>>,
    /// Index of the entry grade in `grades`: kindergarten when the series has it, else the
    /// lowest grade. Grades below it (early education, pre-kindergarten) are not cohorts that
    /// feed kindergarten; each follows its own trend.
    pub entry: usize,
}

impl Series {
    /// The history of one campus (or, with `None`, the sum of all campuses): the latest run of
    /// consecutive years with enrollment, over the grades it has served.
    pub fn from_campus_years(
        campus_years: &BTreeMap<(CampusId, SchoolYear), CampusYear>,
        campus: Option<&CampusId>,
    ) -> Option<Series> {
        let mut by_year: BTreeMap<SchoolYear, BTreeMap<Grade, f64>> = BTreeMap::new();
        for ((id, year), facts) in campus_years {
            if campus.is_some_and(|c| c != id) || facts.enrollment.is_empty() {
                continue;
            }
            let counts = by_year.entry(*year).or_default();
            for (grade, n) in &facts.enrollment {
                *counts.entry(*grade).or_default() += f64::from(*n);
            }
        }
        // Keep the latest run of consecutive years.
        let mut years: Vec<SchoolYear> = by_year.keys().copied().collect();
        if let Some(break_at) = years.windows(2).rposition(|w| w[1] != w[0].next()) {
            years.drain(..=break_at);
        }
        let served: Vec<Grade> = Grade::all()
            .into_iter()
            .filter(|g| {
                years
                    .iter()
                    .any(|y| by_year[y].get(g).is_some_and(|n| *n > 0.0))
            })
            .collect();
        if years.is_empty() || served.is_empty() {
            return None;
        }
        // Grades from the lowest to the highest served, so every cohort has a grade to move to.
        let grades: Vec<Grade> = Grade::all()
            .into_iter()
            .filter(|g| served[0] <= *g && *g <= served[served.len() - 1])
            .collect();
        let counts = years
            .iter()
            .map(|y| {
                grades
                    .iter()
                    .map(|g| by_year[y].get(g).copied().unwrap_or(0.0))
                    .collect()
            })
            .collect();
        let entry = grades.iter().position(|g| *g == Grade::K).unwrap_or(0);
        Some(Series {
            years,
            grades,
            counts,
            entry,
        })
    }

    /// Total enrollment per year.
    pub fn totals(&self) -> Vec<f64> {
        self.counts.iter().map(|row| row.iter().sum()).collect()
    }

    /// The first `n` years only.
    fn head(&self, n: usize) -> Series {
        Series {
            years: self.years[..n].to_vec(),
            grades: self.grades.clone(),
            counts: self.counts[..n].to_vec(),
            entry: self.entry,
        }
    }
}

fn average(values: &[f64], how: Average) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(match how {
        Average::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Average::Median => {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            let mid = sorted.len() / 2;
            if sorted.len().is_multiple_of(2) {
                (sorted[mid - 1] + sorted[mid]) / 2.0
            } else {
                sorted[mid]
            }
        }
        Average::WeightedRecent => {
            let weights: f64 = (1..=values.len()).map(|w| w as f64).sum();
            values
                .iter()
                .enumerate()
                .map(|(i, v)| v * (i + 1) as f64)
                .sum::<f64>()
                / weights
        }
    })
}

/// Each grade's progression ratios over the last `transitions` transitions, oldest first. The
/// entry grade and those below it have none. A transition from an empty grade is skipped.
pub fn observed_ratios(series: &Series, transitions: usize) -> Vec<Vec<f64>> {
    let first = series.years.len().saturating_sub(transitions + 1);
    (0..series.grades.len())
        .map(|g| {
            if g <= series.entry {
                return Vec::new();
            }
            (first + 1..series.years.len())
                .filter_map(|t| {
                    let before = series.counts[t - 1][g - 1];
                    (before > 0.0).then(|| series.counts[t][g] / before)
                })
                .collect()
        })
        .collect()
}

/// Averaged progression ratios per grade; `None` for the entry grade or a grade never fed.
pub fn progression_ratios(series: &Series, transitions: usize, how: Average) -> Vec<Option<f64>> {
    observed_ratios(series, transitions)
        .iter()
        .map(|r| average(r, how))
        .collect()
}

/// Moves every cohort forward: year by year, `grade[g] = previous[g-1] × ratio[g]`, with the
/// entry grade taken from `entry` (one value per projected year). Grades below the entry grade
/// follow their own trend.
pub fn project(series: &Series, ratios: &[Option<f64>], entry: &[f64]) -> Vec<Vec<f64>> {
    let below: Vec<Vec<f64>> = (0..series.entry)
        .map(|g| grade_trend(series, g, 5, entry.len()).0)
        .collect();
    let mut previous = series.counts.last().cloned().unwrap_or_default();
    let mut years = Vec::new();
    for (k, entering) in entry.iter().enumerate() {
        let mut next = vec![0.0; previous.len()];
        for (g, trend) in below.iter().enumerate() {
            next[g] = trend[k];
        }
        next[series.entry] = *entering;
        for g in series.entry + 1..previous.len() {
            next[g] = previous[g - 1] * ratios[g].unwrap_or(0.0);
        }
        years.push(next.clone());
        previous = next;
    }
    years
}

/// The entry grade's linear trend over the last `window` years, extended `horizon` years, never
/// below zero. Also returns the spread of the history around the line (one standard deviation).
pub fn entry_trend(series: &Series, window: usize, horizon: usize) -> (Vec<f64>, f64) {
    grade_trend(series, series.entry, window, horizon)
}

/// One grade's linear trend over the last `window` years, extended `horizon` years, never below
/// zero, with the spread of the history around the line.
fn grade_trend(series: &Series, grade: usize, window: usize, horizon: usize) -> (Vec<f64>, f64) {
    let n = series.years.len();
    let start = n.saturating_sub(window.max(2));
    let points: Vec<(f64, f64)> = (start..n)
        .map(|t| (t as f64, series.counts[t][grade]))
        .collect();
    let m = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / m;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / m;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = if sxx > 0.0 {
        points
            .iter()
            .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
            .sum::<f64>()
            / sxx
    } else {
        0.0
    };
    let line = |x: f64| mean_y + slope * (x - mean_x);
    let spread = (points
        .iter()
        .map(|p| (p.1 - line(p.0)).powi(2))
        .sum::<f64>()
        / m)
        .sqrt();
    let values = (0..horizon)
        .map(|k| line((n + k) as f64).max(0.0))
        .collect();
    (values, spread)
}

/// The entry grade from births: `entry[t] = births[t - 5] × mean(entry[τ] / births[τ - 5])`,
/// where the school year starting in fall `t` admits kindergartners born in `t - 5`. `None`
/// when a needed birth year is missing.
pub fn entry_from_births(
    series: &Series,
    births: &BTreeMap<u16, f64>,
    horizon: usize,
) -> Option<Vec<f64>> {
    let birth_year = |year: SchoolYear| year.start().checked_sub(5);
    let rates: Vec<f64> = series
        .years
        .iter()
        .zip(&series.counts)
        .filter_map(|(year, counts)| {
            let born = births.get(&birth_year(*year)?)?;
            (*born > 0.0).then(|| counts[series.entry] / born)
        })
        .collect();
    let rate = average(&rates, Average::Mean)?;
    let mut year = *series.years.last()?;
    (0..horizon)
        .map(|_| {
            year = year.next();
            births.get(&birth_year(year)?).map(|b| b * rate)
        })
        .collect()
}

/// A projection with its band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// Projected school years.
    pub years: Vec<SchoolYear>,
    /// The grades, as in the history.
    pub grades: Vec<Grade>,
    /// Likely counts per year and grade.
    pub likely: Vec<Vec<f64>>,
    /// Low total per year: the lowest observed ratio of each grade and the entry trend less its
    /// spread.
    pub low_total: Vec<f64>,
    /// Likely total per year.
    pub likely_total: Vec<f64>,
    /// High total per year: the highest observed ratios and the trend plus its spread.
    pub high_total: Vec<f64>,
}

/// Projects `series` forward with a band.
pub fn forecast(
    series: &Series,
    settings: &Settings,
    births: Option<&BTreeMap<u16, f64>>,
) -> Forecast {
    let observed = observed_ratios(series, settings.transitions);
    let likely_ratios: Vec<Option<f64>> = observed
        .iter()
        .map(|r| average(r, settings.average))
        .collect();
    let low_ratios: Vec<Option<f64>> = observed
        .iter()
        .map(|r| r.iter().copied().reduce(f64::min))
        .collect();
    let high_ratios: Vec<Option<f64>> = observed
        .iter()
        .map(|r| r.iter().copied().reduce(f64::max))
        .collect();

    let (trend, spread) = entry_trend(series, settings.transitions + 1, settings.horizon);
    let entry = births
        .and_then(|b| entry_from_births(series, b, settings.horizon))
        .unwrap_or(trend);
    let low_entry: Vec<f64> = entry.iter().map(|e| (e - spread).max(0.0)).collect();
    let high_entry: Vec<f64> = entry.iter().map(|e| e + spread).collect();

    let total = |rows: Vec<Vec<f64>>| rows.iter().map(|r| r.iter().sum()).collect::<Vec<f64>>();
    let likely = project(series, &likely_ratios, &entry);
    let mut year = *series.years.last().expect("a series has years");
    let years = (0..settings.horizon)
        .map(|_| {
            year = year.next();
            year
        })
        .collect();
    Forecast {
        years,
        grades: series.grades.clone(),
        likely_total: total(likely.clone()),
        low_total: total(project(series, &low_ratios, &low_entry)),
        high_total: total(project(series, &high_ratios, &high_entry)),
        likely,
    }
}

/// Back-test: project the last `held_out` years from the years before them and return the mean
/// absolute percentage error of the total, in percent. `None` when the history is too short
/// (fewer than two years before the held-out ones).
pub fn backtest(series: &Series, settings: &Settings, held_out: usize) -> Option<f64> {
    let n = series.years.len();
    if held_out == 0 || n < held_out + 2 {
        return None;
    }
    let fitted = series.head(n - held_out);
    let projected = forecast(
        &fitted,
        &Settings {
            horizon: held_out,
            ..*settings
        },
        None,
    );
    let actual = series.totals();
    let errors: Vec<f64> = projected
        .likely_total
        .iter()
        .zip(&actual[n - held_out..])
        .filter(|(_, a)| **a > 0.0)
        .map(|(p, a)| (p - a).abs() / a)
        .collect();
    average(&errors, Average::Mean).map(|e| 100.0 * e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example in domain.md §8 (from the enrollcast documentation).
    fn example() -> Series {
        Series {
            years: (2021..=2023).map(SchoolYear::starting).collect(),
            grades: vec![Grade::K, Grade::G(1), Grade::G(2)],
            counts: vec![
                vec![100.0, 90.0, 80.0],
                vec![110.0, 95.0, 88.0],
                vec![120.0, 99.0, 91.0],
            ],
            entry: 0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn the_documented_example_projects_as_published() {
        let series = example();
        let ratios = progression_ratios(&series, 2, Average::Mean);
        assert_eq!(ratios[0], None);
        assert!(close(ratios[1].unwrap(), 0.925));
        assert!(close(ratios[2].unwrap(), 0.96784));

        let projected = project(&series, &ratios, &[125.0, 130.0, 128.0]);
        let expected = [
            [125.0, 111.0, 95.816],
            [130.0, 115.625, 107.430],
            [128.0, 120.25, 111.906],
        ];
        for (row, want) in projected.iter().zip(expected) {
            for (got, want) in row.iter().zip(want) {
                assert!(close(*got, want), "{got} vs {want}");
            }
        }
    }

    #[test]
    fn averages_differ_as_they_should() {
        let values = [0.90, 0.95, 1.30];
        assert!(close(average(&values, Average::Mean).unwrap(), 1.05));
        assert!(close(average(&values, Average::Median).unwrap(), 0.95));
        // (0.90 + 2*0.95 + 3*1.30) / 6 = 1.1166…
        assert!(close(
            average(&values, Average::WeightedRecent).unwrap(),
            1.116_667
        ));
        assert_eq!(average(&[], Average::Mean), None);
    }

    #[test]
    fn entry_grade_from_trend_or_births() {
        let series = example();
        // K rose 100, 110, 120: the trend continues 130, 140.
        let (trend, spread) = entry_trend(&series, 3, 2);
        assert!(close(trend[0], 130.0) && close(trend[1], 140.0) && close(spread, 0.0));
        // Births five years earlier: 2016: 200, 2017: 220, 2018: 240 → K is half; 2019: 250.
        let births: BTreeMap<u16, f64> =
            [(2016, 200.0), (2017, 220.0), (2018, 240.0), (2019, 250.0)].into();
        assert_eq!(entry_from_births(&series, &births, 1), Some(vec![125.0]));
        assert_eq!(
            entry_from_births(&series, &births, 2),
            None,
            "2020 births are missing"
        );
    }

    #[test]
    fn bands_bracket_the_likely_projection_and_backtests_measure_error() {
        let series = example();
        let settings = Settings {
            transitions: 2,
            average: Average::Mean,
            horizon: 3,
        };
        let forecast = forecast(&series, &settings, None);
        assert_eq!(forecast.years[0], SchoolYear::starting(2024));
        for i in 0..3 {
            assert!(forecast.low_total[i] <= forecast.likely_total[i] + 1e-9);
            assert!(forecast.likely_total[i] <= forecast.high_total[i] + 1e-9);
        }
        assert!(forecast.low_total[2] < forecast.high_total[2]);

        // Hold out 2023: from 2021-2022 the ratios are 95/100 and 88/90 and K trends to 120,
        // so 2023 projects 120 + 104.5 + 92.889 = 317.389 against 310 actual: 2.38% error.
        let mape = backtest(&series, &settings, 1).unwrap();
        let projected = 120.0 + 110.0 * 0.95 + 95.0 * 88.0 / 90.0;
        assert!(close(mape, 100.0 * (projected - 310.0) / 310.0), "{mape}");
        assert_eq!(
            backtest(&series, &settings, 2),
            None,
            "too short to hold out two years"
        );
    }

    #[test]
    fn campus_series_keep_the_latest_consecutive_run() {
        let id = CampusId::parse("999901101").unwrap();
        let mut data = BTreeMap::new();
        for (start, k) in [(2015, 50), (2018, 60), (2019, 70), (2020, 80)] {
            let mut f = CampusYear::default();
            f.enrollment.insert(Grade::K, k);
            f.enrollment.insert(Grade::G(2), 40);
            data.insert((id.clone(), SchoolYear::starting(start)), f);
        }
        let series = Series::from_campus_years(&data, Some(&id)).unwrap();
        assert_eq!(series.years.first(), Some(&SchoolYear::starting(2018)));
        assert_eq!(
            series.grades,
            vec![Grade::K, Grade::G(1), Grade::G(2)],
            "grade 1 filled in"
        );
        assert_eq!(series.counts[2], vec![80.0, 0.0, 40.0]);
        assert_eq!(series.entry, 0, "kindergarten is the entry grade");
    }

    #[test]
    fn pre_kindergarten_follows_its_trend_and_kindergarten_enters() {
        // PK 50, 40, 30 and falling; K steady at 100; grade 1 follows K.
        let series = Series {
            years: (2020..=2022).map(SchoolYear::starting).collect(),
            grades: vec![Grade::PK, Grade::K, Grade::G(1)],
            counts: vec![
                vec![50.0, 100.0, 95.0],
                vec![40.0, 100.0, 95.0],
                vec![30.0, 100.0, 95.0],
            ],
            entry: 1,
        };
        let ratios = progression_ratios(&series, 2, Average::Mean);
        assert_eq!(ratios[1], None, "no ratio from PK into K");
        assert!(close(ratios[2].unwrap(), 0.95));
        let projected = project(&series, &ratios, &[100.0, 100.0]);
        assert_eq!(projected[0], vec![20.0, 100.0, 95.0]);
        assert_eq!(projected[1], vec![10.0, 100.0, 95.0]);
    }
}
