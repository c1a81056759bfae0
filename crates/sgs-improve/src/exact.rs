//! Exact integer arithmetic for the two distributions behind the run-chart limits.
//!
//! The limits are quantiles of discrete distributions whose probabilities are ratios of very
//! large integers (a binomial coefficient over `2^m`, or a count of arrangements over
//! `C(n, n/2)`). Floating point would be fine for a few dozen points but drifts and underflows
//! for long series, and a limit that is off by one is a wrong signal. So the quantiles are found
//! by comparing integers: `P(X <= x) >= num/den` becomes `den * count >= num * total` on an
//! unbounded natural number. None of the thresholds used here (1/20, 1/40) can be hit exactly,
//! because `2^m * num / den` is never a whole number when `den` has the factor 5, so `>=` and `>`
//! give the same answer and no tie-breaking convention is needed.

use std::cmp::Ordering;

/// An unbounded natural number, little-endian base 2^32, without high zero limbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Natural(Vec<u32>);

impl Natural {
    /// Zero.
    pub(crate) fn zero() -> Self {
        Natural(Vec::new())
    }

    /// A small value.
    pub(crate) fn from_u64(value: u64) -> Self {
        let mut limbs = vec![value as u32, (value >> 32) as u32];
        trim(&mut limbs);
        Natural(limbs)
    }

    /// `2^exponent`.
    pub(crate) fn pow2(exponent: u32) -> Self {
        let mut limbs = vec![0; exponent as usize / 32 + 1];
        limbs[exponent as usize / 32] = 1 << (exponent % 32);
        Natural(limbs)
    }

    /// `self += other`.
    pub(crate) fn add_assign(&mut self, other: &Natural) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut carry = 0u64;
        for i in 0..self.0.len() {
            let sum = self.0[i] as u64 + other.0.get(i).copied().unwrap_or(0) as u64 + carry;
            self.0[i] = sum as u32;
            carry = sum >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self * factor`.
    pub(crate) fn mul_small(&self, factor: u32) -> Natural {
        let mut limbs = Vec::with_capacity(self.0.len() + 1);
        let mut carry = 0u64;
        for &limb in &self.0 {
            let product = limb as u64 * factor as u64 + carry;
            limbs.push(product as u32);
            carry = product >> 32;
        }
        limbs.push(carry as u32);
        trim(&mut limbs);
        Natural(limbs)
    }

    /// `self / divisor`, rounded down.
    pub(crate) fn div_small(&self, divisor: u32) -> Natural {
        let mut limbs = vec![0; self.0.len()];
        let mut remainder = 0u64;
        for i in (0..self.0.len()).rev() {
            let current = (remainder << 32) | self.0[i] as u64;
            limbs[i] = (current / divisor as u64) as u32;
            remainder = current % divisor as u64;
        }
        trim(&mut limbs);
        Natural(limbs)
    }

    /// `self * other`.
    pub(crate) fn mul(&self, other: &Natural) -> Natural {
        if self.0.is_empty() || other.0.is_empty() {
            return Natural::zero();
        }
        let mut limbs = vec![0u32; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let current = limbs[i + j] as u64 + a as u64 * b as u64 + carry;
                limbs[i + j] = current as u32;
                carry = current >> 32;
            }
            limbs[i + other.0.len()] = carry as u32;
        }
        trim(&mut limbs);
        Natural(limbs)
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Natural {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

fn trim(limbs: &mut Vec<u32>) {
    while limbs.last() == Some(&0) {
        limbs.pop();
    }
}

/// The row `C(n, 0), C(n, 1), …, C(n, n)` of Pascal's triangle.
pub(crate) fn binomial_row(n: u32) -> Vec<Natural> {
    let mut row = Vec::with_capacity(n as usize + 1);
    let mut current = Natural::from_u64(1);
    for k in 0..=n {
        row.push(current.clone());
        if k < n {
            // C(n, k+1) = C(n, k) * (n - k) / (k + 1); the division is exact.
            current = current.mul_small(n - k).div_small(k + 1);
        }
    }
    row
}

/// The smallest `x` with `P(X <= x) >= num / den` for `X ~ Binomial(trials, 1/2)`: R's
/// `qbinom(num / den, trials, 0.5)`.
pub(crate) fn half_binomial_quantile(trials: u32, num: u32, den: u32) -> u32 {
    let target = Natural::pow2(trials).mul_small(num);
    let mut cumulative = Natural::zero();
    let mut term = Natural::from_u64(1);
    for x in 0..=trials {
        cumulative.add_assign(&term);
        if cumulative.mul_small(den) >= target {
            return x;
        }
        term = term.mul_small(trials - x).div_small(x + 1);
    }
    trials
}

/// How many arrangements of `above` and `below` points give each number of runs, from 0 runs
/// up to `above + below` runs, and how many arrangements there are in all (Swed & Eisenhart,
/// 1943).
///
/// With `k` runs of each kind the runs alternate, so an even count `2k` has two arrangements
/// per way of cutting each kind into `k` runs: `2 * C(above-1, k-1) * C(below-1, k-1)`; an odd
/// count `2k+1` has one more run of one kind: `C(above-1, k-1) * C(below-1, k) +
/// C(above-1, k) * C(below-1, k-1)`.
pub(crate) fn runs_arrangements(above: u32, below: u32) -> (Vec<Natural>, Natural) {
    let n = above + below;
    let mut counts = vec![Natural::zero(); n as usize + 1];
    if above == 0 || below == 0 {
        if n > 0 {
            counts[1] = Natural::from_u64(1);
        }
        return (counts, Natural::from_u64(1));
    }

    let row_above = binomial_row(above - 1);
    let row_below = binomial_row(below - 1);
    let pick = |row: &[Natural], k: u32| row.get(k as usize).cloned().unwrap_or(Natural::zero());
    for (runs, count) in counts.iter_mut().enumerate().skip(2) {
        let runs = runs as u32;
        let k = runs / 2;
        *count = if runs.is_multiple_of(2) {
            pick(&row_above, k - 1)
                .mul(&pick(&row_below, k - 1))
                .mul_small(2)
        } else {
            let mut sum = pick(&row_above, k - 1).mul(&pick(&row_below, k));
            sum.add_assign(&pick(&row_above, k).mul(&pick(&row_below, k - 1)));
            sum
        };
    }

    let total = binomial_row(n).swap_remove(above as usize);
    (counts, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(value: &Natural) -> u128 {
        value
            .0
            .iter()
            .rev()
            .fold(0u128, |acc, &limb| (acc << 32) | limb as u128)
    }

    #[test]
    fn arithmetic_agrees_with_u128() {
        let a = Natural::from_u64(0xFFFF_FFFF_FFFF_FFFF);
        let b = Natural::from_u64(0x1234_5678_9ABC);
        assert_eq!(
            small(&a.mul(&b)),
            0xFFFF_FFFF_FFFF_FFFFu128 * 0x1234_5678_9ABC
        );
        let mut sum = a.clone();
        sum.add_assign(&b);
        assert_eq!(small(&sum), 0xFFFF_FFFF_FFFF_FFFFu128 + 0x1234_5678_9ABC);
        assert_eq!(small(&a.mul_small(7).div_small(7)), 0xFFFF_FFFF_FFFF_FFFF);
        assert_eq!(small(&Natural::pow2(100)), 1u128 << 100);
        assert!(Natural::pow2(64) > a);
        assert!(Natural::zero() < Natural::from_u64(1));
    }

    #[test]
    fn pascal_row_matches_hand_values() {
        let row: Vec<u128> = binomial_row(6).iter().map(small).collect();
        assert_eq!(row, vec![1, 6, 15, 20, 15, 6, 1]);
    }

    #[test]
    fn binomial_quantiles_match_worked_values() {
        // Binomial(9, 1/2): P(X <= 1) = 10/512 < 0.05 <= P(X <= 2) = 46/512.
        assert_eq!(half_binomial_quantile(9, 1, 20), 2);
        // Binomial(15, 1/2): P(X <= 3) = 576/32768 < 0.05 <= P(X <= 4) = 1941/32768.
        assert_eq!(half_binomial_quantile(15, 1, 20), 4);
        // Binomial(19, 1/2), 2^19 = 524288: P(X <= 4) = 6005/524288 = 0.011,
        // P(X <= 5) = 21509/524288 = 0.041, P(X <= 6) = 48641/524288 = 0.093. So the 2.5% and
        // 5% quantiles differ.
        assert_eq!(half_binomial_quantile(19, 1, 40), 5);
        assert_eq!(half_binomial_quantile(19, 1, 20), 6);
        assert_eq!(half_binomial_quantile(0, 1, 20), 0);
    }

    #[test]
    fn runs_arrangements_for_five_and_five() {
        // C(10, 5) = 252 arrangements; 2 with two runs, 8 with three, 32 with four.
        let (counts, total) = runs_arrangements(5, 5);
        let counts: Vec<u128> = counts.iter().map(small).collect();
        assert_eq!(small(&total), 252);
        assert_eq!(&counts[..5], &[0, 0, 2, 8, 32]);
        assert_eq!(counts.iter().sum::<u128>(), 252);
    }

    #[test]
    fn runs_arrangements_for_unequal_counts_sum_to_total() {
        let (counts, total) = runs_arrangements(7, 4);
        let sum: u128 = counts.iter().map(small).sum();
        assert_eq!(sum, small(&total));
        assert_eq!(small(&total), 330);
        // At most 2 * 4 + 1 = 9 runs are possible.
        assert!(counts[10..].iter().all(|c| small(c) == 0));
        assert!(small(&counts[9]) > 0);
    }
}
