//! A small deterministic pseudo-random number generator (SplitMix64).
//!
//! The demo district must come out identical on every run and every machine, so it never reads
//! the clock or the operating system's entropy. Every purpose (a campus's enrollment in one year,
//! a corner of the planning-area grid…) draws from its own keyed stream, so changing how one part
//! of the district is generated does not reshuffle the others.

/// The seed every stream is derived from.
const SEED: u64 = 0x5347_535f_4445_4d4f;

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// A SplitMix64 stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub(crate) struct Random {
    state: u64,
}

impl Random {
    /// A stream for one purpose and one item, independent of every other stream.
    pub(crate) fn keyed(purpose: &str, item: u64) -> Self {
        // FNV-1a over the purpose, mixed with the item.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in purpose.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let mut random = Random {
            state: SEED ^ hash ^ item.wrapping_mul(GOLDEN_GAMMA),
        };
        random.next_u64();
        random
    }

    /// The next 64 pseudo-random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^ (mixed >> 31)
    }

    /// A number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `[low, high)`.
    pub(crate) fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// An approximately normal number (Irwin–Hall: twelve uniforms), using only arithmetic so
    /// results do not depend on the platform's mathematics library.
    pub(crate) fn normal(&mut self, mean: f64, deviation: f64) -> f64 {
        let sum: f64 = (0..12).map(|_| self.unit()).sum();
        mean + deviation * (sum - 6.0)
    }

    /// True with probability `probability`.
    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// An index in `0..count`; `count` must not be zero.
    pub(crate) fn below(&mut self, count: usize) -> usize {
        (self.next_u64() % count as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_repeat_and_differ() {
        let first: Vec<u64> = (0..4).map(|_| Random::keyed("a", 1).next_u64()).collect();
        assert!(first.windows(2).all(|pair| pair[0] == pair[1]));
        assert_ne!(
            Random::keyed("a", 1).next_u64(),
            Random::keyed("a", 2).next_u64()
        );
        assert_ne!(
            Random::keyed("a", 1).next_u64(),
            Random::keyed("b", 1).next_u64()
        );
    }

    #[test]
    fn draws_stay_in_range() {
        let mut random = Random::keyed("range", 0);
        for _ in 0..10_000 {
            let value = random.between(2.0, 3.0);
            assert!((2.0..3.0).contains(&value));
            assert!(random.below(7) < 7);
        }
        let mean: f64 = (0..10_000).map(|_| random.normal(5.0, 1.0)).sum::<f64>() / 10_000.0;
        assert!((mean - 5.0).abs() < 0.1, "mean {mean}");
    }
}
