//! The limits that say how long a run, how few crossings and how many runs chance allows in a
//! run chart with `n` useful observations (points not on the median).
//!
//! Every limit is computed, none is copied from a table, so any `n` is covered:
//!
//! * **Anhøj longest run**: a run longer than `round(log2(n) + 3)` is unusual. The rounding is
//!   to the nearest whole number: that is the only one that reproduces the published table
//!   (floor would give 6 instead of 7 at `n = 12`, ceiling 7 instead of 6 at `n = 10`).
//!   `log2(n) + 3` is never exactly halfway between two whole numbers for a whole `n`
//!   (`n = 2^(k - 2.5)` is irrational), so how halves round does not matter.
//! * **Anhøj crossings**: fewer crossings than `qbinom(0.05, n - 1, 0.5)`, the 5th percentile
//!   of Binomial(n − 1, ½), is unusual. Found exactly from the binomial distribution
//!   (see [`crate::exact`]).
//! * **IHI number of runs**: a runs count outside the range chance produces 95% of the time,
//!   2.5% cut from each tail. The lower limit is the largest `L` with `P(R < L) <= 0.025` and
//!   the upper the smallest `U` with `P(R > U) <= 0.025`; fewer than `L` runs is "too few",
//!   more than `U` "too many". Two distributions are offered ([`RunsTable`]):
//!   - [`RunsTable::Binomial`] (the default): each useful point lands above or below the
//!     median like a fair coin, so the runs count is one more than a Binomial(n − 1, ½) number
//!     of crossings, the same model the Anhøj crossings rule uses. This reproduces the table
//!     in Balestracci's "An Underrated Test for Run Charts" (Quality Digest, 2008), cited by the
//!     domain reference: 16 points → 5 to 12 runs. Its limits are symmetric: `L + U = n + 1`.
//!   - [`RunsTable::SwedEisenhart`]: the exact distribution of runs given ⌊n/2⌋ points on one
//!     side and ⌈n/2⌉ on the other (Swed & Eisenhart, "Tables for testing randomness of
//!     grouping in a sequence of alternatives", Annals of Mathematical Statistics 14, 1943),
//!     the source the IHI table (Perla, Provost & Murray, BMJ Quality & Safety 2011) is adapted
//!     from. Knowing that the median splits the points in half makes the runs count less
//!     variable, so these limits are at places one run narrower or wider: 16 points → 5 to 13.
//!
//!   The IHI table stops at 60 useful observations; the same distribution continues it for
//!   longer series. The rule itself is applied from [`MIN_USEFUL_FOR_RUNS`] useful
//!   observations on.

use serde::{Deserialize, Serialize};

use crate::exact::{half_binomial_quantile, runs_arrangements, Natural};

/// The fewest useful observations for which the too-many / too-few runs rule is applied (the
/// IHI table starts at 10).
pub const MIN_USEFUL_FOR_RUNS: usize = 10;

/// Which distribution of the number of runs the IHI runs rule compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunsTable {
    /// Runs = crossings + 1 with Binomial(n − 1, ½) crossings (16 points → 5 to 12 runs).
    #[default]
    Binomial,
    /// Swed & Eisenhart's exact runs distribution for a half-and-half split (16 → 5 to 13).
    SwedEisenhart,
}

/// The Anhøj limits for a run chart with a given number of useful observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnhojLimits {
    /// The longest run chance allows: a run longer than this is a signal.
    pub longest_run_max: usize,
    /// The fewest crossings chance allows: fewer crossings than this is a signal.
    pub crossings_min: usize,
}

/// The range of runs counts expected by chance: fewer than `lower` or more than `upper` is a
/// signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsLimits {
    /// Fewer runs than this is "too few".
    pub lower: usize,
    /// More runs than this is "too many".
    pub upper: usize,
}

/// The Anhøj limits for `useful` observations, or `None` when there are none.
pub fn anhoj_limits(useful: usize) -> Option<AnhojLimits> {
    if useful == 0 {
        return None;
    }
    let longest_run_max = ((useful as f64).log2() + 3.0).round() as usize;
    let crossings_min = half_binomial_quantile(trials(useful - 1), 1, 20) as usize;
    Some(AnhojLimits {
        longest_run_max,
        crossings_min,
    })
}

/// The expected range of the number of runs for `useful` observations, or `None` when there
/// are none.
pub fn runs_limits(useful: usize, table: RunsTable) -> Option<RunsLimits> {
    if useful == 0 {
        return None;
    }
    Some(match table {
        RunsTable::Binomial => {
            // P(R < L) = P(C <= L - 2) <= 1/40 < P(C <= L - 1): L - 1 is the 2.5% quantile of
            // the crossings count C.
            let lower = half_binomial_quantile(trials(useful - 1), 1, 40) as usize + 1;
            RunsLimits {
                lower,
                upper: useful + 1 - lower,
            }
        }
        RunsTable::SwedEisenhart => {
            let below = trials(useful / 2);
            let above = trials(useful - useful / 2);
            swed_eisenhart_limits(above, below)
        }
    })
}

fn swed_eisenhart_limits(above: u32, below: u32) -> RunsLimits {
    let (counts, total) = runs_arrangements(above, below);
    let within_tail = |tail: &Natural| tail.mul_small(40) <= total;

    let mut lower = 1;
    let mut tail = Natural::zero();
    for (runs, count) in counts.iter().enumerate() {
        tail.add_assign(count);
        if !within_tail(&tail) {
            break;
        }
        lower = runs + 1;
    }

    let mut upper = counts.len() - 1;
    let mut tail = Natural::zero();
    for (runs, count) in counts.iter().enumerate().rev() {
        tail.add_assign(count);
        if !within_tail(&tail) {
            break;
        }
        upper = runs.saturating_sub(1);
    }

    RunsLimits { lower, upper }
}

/// A count of observations as the `u32` the exact arithmetic takes. A series longer than four
/// billion points is not a run chart anyone draws, so saturating is harmless.
fn trials(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_anhoj(n: usize, longest_run_max: usize, crossings_min: usize) {
        assert_eq!(
            anhoj_limits(n),
            Some(AnhojLimits {
                longest_run_max,
                crossings_min
            }),
            "n = {n}"
        );
    }

    #[test]
    fn anhoj_limits_match_the_domain_reference_table() {
        for (n, run, cross) in [
            (10, 6, 2),
            (12, 7, 3),
            (16, 7, 4),
            (20, 7, 6),
            (24, 8, 8),
            (30, 8, 10),
            (40, 8, 14),
            (50, 9, 19),
            (60, 9, 23),
            (100, 10, 41),
        ] {
            check_anhoj(n, run, cross);
        }
    }

    /// Binomial coefficients by Pascal's rule in u128 (exact up to 127 trials), independent of
    /// the big-number code.
    fn pascal(trials: usize) -> Vec<u128> {
        let mut row = vec![1u128];
        for _ in 0..trials {
            let mut next = vec![1u128; row.len() + 1];
            for k in 1..row.len() {
                next[k] = row[k - 1] + row[k];
            }
            row = next;
        }
        row
    }

    /// R's qbinom(p, trials, 0.5) for p = 1/den, by scanning the cumulative counts.
    fn naive_qbinom(trials: usize, den: u128) -> usize {
        let row = pascal(trials);
        let all = 1u128 << trials;
        let mut cumulative = 0;
        for (x, c) in row.iter().enumerate() {
            cumulative += c;
            if cumulative * den >= all {
                return x;
            }
        }
        trials
    }

    #[test]
    fn anhoj_limits_match_a_naive_recomputation_for_every_n_from_10_to_100() {
        for n in 10..=100usize {
            let run = (f64::log2(n as f64) + 3.0).round() as usize;
            check_anhoj(n, run, naive_qbinom(n - 1, 20));
        }
    }

    #[test]
    fn only_rounding_to_nearest_reproduces_the_table() {
        // The reason the formula says round: floor and ceiling each miss an entry.
        assert_eq!((f64::log2(12.0) + 3.0).floor() as usize, 6);
        assert_eq!((f64::log2(10.0) + 3.0).ceil() as usize, 7);
        assert_eq!(anhoj_limits(12).unwrap().longest_run_max, 7);
        assert_eq!(anhoj_limits(10).unwrap().longest_run_max, 6);
    }

    #[test]
    fn no_limits_without_useful_observations() {
        assert_eq!(anhoj_limits(0), None);
        assert_eq!(runs_limits(0, RunsTable::Binomial), None);
    }

    fn check_runs(n: usize, table: RunsTable, lower: usize, upper: usize) {
        assert_eq!(
            runs_limits(n, table),
            Some(RunsLimits { lower, upper }),
            "n = {n}, {table:?}"
        );
    }

    #[test]
    fn binomial_runs_limits_match_the_published_and_worked_entries() {
        // Published (Quality Digest, cited in the domain reference): 16 points → 5–12 runs.
        check_runs(16, RunsTable::Binomial, 5, 12);
        // Worked by hand: Binomial(9, ½) crossings, P(C <= 1) = 10/512 = 0.0195 <= 0.025 and
        // P(C <= 2) = 46/512 = 0.090, so fewer than 3 runs is too few and, by symmetry, more
        // than 8 too many.
        check_runs(10, RunsTable::Binomial, 3, 8);
    }

    #[test]
    fn swed_eisenhart_runs_limits_match_worked_entries() {
        // 5 above and 5 below: P(R <= 2) = 2/252 = 0.008, P(R <= 3) = 10/252 = 0.040.
        check_runs(10, RunsTable::SwedEisenhart, 3, 9);
        // 8 and 8: P(R <= 4) = 114/12870 = 0.009, P(R <= 5) = 408/12870 = 0.032; the
        // distribution is symmetric about 9.
        check_runs(16, RunsTable::SwedEisenhart, 5, 13);
    }

    #[test]
    fn binomial_runs_limits_cut_two_and_a_half_percent_from_each_tail() {
        for n in 10..=100usize {
            let limits = runs_limits(n, RunsTable::Binomial).unwrap();
            let row = pascal(n - 1);
            let all = 1u128 << (n - 1);
            // Runs R = C + 1, so P(R < L) sums the crossings 0..=L-2.
            let below = |runs: usize| row[..runs.saturating_sub(1)].iter().sum::<u128>();
            assert!(below(limits.lower) * 40 <= all, "n = {n}");
            assert!(below(limits.lower + 1) * 40 > all, "n = {n}");
            assert_eq!(limits.lower + limits.upper, n + 1, "n = {n}");
        }
    }

    #[test]
    fn swed_eisenhart_limits_are_inside_the_possible_runs() {
        for n in 10..=60usize {
            let limits = runs_limits(n, RunsTable::SwedEisenhart).unwrap();
            assert!(2 < limits.lower && limits.lower < limits.upper && limits.upper < n);
        }
    }

    #[test]
    fn long_series_get_limits_too() {
        let anhoj = anhoj_limits(2000).unwrap();
        assert_eq!(anhoj.longest_run_max, 14);
        // Normal approximation: 1999/2 - 1.645 * sqrt(1999)/2 = 962.7.
        assert!((960..=965).contains(&anhoj.crossings_min));
        let runs = runs_limits(2000, RunsTable::SwedEisenhart).unwrap();
        assert!(runs.lower > 900 && runs.upper < 1100);
    }
}
