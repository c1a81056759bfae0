//! A page of twenty measure charts with 500 points each, analyzed as run charts and XmR charts
//! with every rule, then serialized to JSON as `sgs chart signals` would print them. Run with
//! `cargo bench -p sgs-improve --bench charts`; the target (a page well under a second) and the
//! results live in docs/PERFORMANCE.md.
//!
//! The series are generated, not read: common-cause noise from a seeded SplitMix64 stream, with
//! a step, a slow drift or a second phase in some of them, so that the rules find real signals
//! as well as none.

use std::time::{Duration, Instant};

use sgs_improve::{analyze, Analysis, Options, Point};

const CHARTS: usize = 20;
const POINTS: usize = 500;
const ROUNDS: usize = 15;

/// SplitMix64: a small deterministic generator, so every run times the same work.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Roughly normal noise: the sum of four uniforms, centered.
    fn noise(&mut self) -> f64 {
        (0..4)
            .map(|_| (self.next() >> 11) as f64 / (1u64 << 53) as f64)
            .sum::<f64>()
            - 2.0
    }
}

fn page() -> Vec<(Vec<Point>, Options)> {
    let mut random = SplitMix64(2024);
    (0..CHARTS)
        .map(|chart| {
            let points = (0..POINTS)
                .map(|i| {
                    let step = if chart % 3 == 0 && i >= POINTS / 2 {
                        1.5
                    } else {
                        0.0
                    };
                    let drift = if chart % 5 == 1 {
                        i as f64 * 0.004
                    } else {
                        0.0
                    };
                    let value = 80.0 + step + drift + random.noise();
                    let period = format!("{}-W{:02}", 2015 + i / 52, i % 52 + 1);
                    if chart % 7 == 2 && i % 50 == 49 {
                        Point::missing(period)
                    } else {
                        Point::new(period, (value * 10.0).round() / 10.0)
                    }
                })
                .collect();
            let options = Options {
                phase_starts: if chart % 4 == 3 {
                    vec![POINTS / 2]
                } else {
                    vec![]
                },
                ..Options::default()
            };
            (points, options)
        })
        .collect()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let charts = page();
    let mut analyze_times = Vec::with_capacity(ROUNDS);
    let mut json_times = Vec::with_capacity(ROUNDS);
    let mut signals = 0;

    for _ in 0..ROUNDS {
        let started = Instant::now();
        let analyses: Vec<Analysis> = charts
            .iter()
            .map(|(points, options)| analyze(points, options).expect("valid options"))
            .collect();
        analyze_times.push(started.elapsed());

        let started = Instant::now();
        let bytes: usize = analyses
            .iter()
            .map(|a| serde_json::to_vec(a).expect("serializable").len())
            .sum();
        json_times.push(started.elapsed());

        signals = analyses.iter().map(|a| a.signals().count()).sum::<usize>();
        std::hint::black_box(bytes);
    }

    let fastest = *analyze_times.iter().min().expect("rounds");
    let typical = median(&mut analyze_times);
    let json = median(&mut json_times);
    println!("sgs-improve charts: {CHARTS} charts x {POINTS} points, {ROUNDS} rounds");
    println!("  signals found per page: {signals}");
    println!(
        "  analyze page: median {:.2} ms, fastest {:.2} ms ({:.3} ms per chart)",
        typical.as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3,
        typical.as_secs_f64() * 1e3 / CHARTS as f64
    );
    println!("  JSON page: median {:.2} ms", json.as_secs_f64() * 1e3);
}
