//! A page of twenty measure charts with 500 points each, as the measure pages draw them: each
//! series analyzed (run chart and XmR chart, every rule) and rendered as two SVG charts with
//! their signals in words. Run with `cargo bench -p sgs-web --bench charts`; the target (a page
//! well under a second) and the results are in docs/PERFORMANCE.md.
//!
//! The series are built from sines at unrelated frequencies (noise without a generator), with a
//! step half way through some of them and a second phase in others, so the rules find signals
//! in some charts and none in others.

use std::time::{Duration, Instant};

use sgs_improve::{analyze, Options, Point};
use sgs_web::charts::{process_chart, ProcessChart};

const CHARTS: usize = 20;
const POINTS: usize = 500;
const ROUNDS: usize = 15;

fn series(chart: usize) -> (Vec<Point>, Options) {
    let points = (0..POINTS)
        .map(|i| {
            let x = i as f64 + chart as f64 * 17.0;
            let noise = (x * 0.731).sin() * 1.1 + (x * 1.917).cos() * 0.7 + (x * 0.113).sin() * 0.4;
            let step = if chart.is_multiple_of(3) && i >= POINTS / 2 {
                2.5
            } else {
                0.0
            };
            let period = format!("{}-W{:02}", 2015 + i / 52, i % 52 + 1);
            if chart % 7 == 2 && i % 50 == 49 {
                Point::missing(period)
            } else {
                Point::new(period, ((80.0 + noise + step) * 10.0).round() / 10.0)
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
}

fn main() {
    let page: Vec<(Vec<Point>, Options)> = (0..CHARTS).map(series).collect();
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    let (mut bytes, mut signals) = (0, 0);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut html = String::new();
        signals = 0;
        for (i, (points, options)) in page.iter().enumerate() {
            let analysis = analyze(points, options).expect("valid options");
            signals += analysis.signals().count();
            let label = format!("Measure {i}");
            html.push_str(
                &process_chart(&label, points, &analysis, ProcessChart::Run).into_string(),
            );
            html.push_str(
                &process_chart(&label, points, &analysis, ProcessChart::Xmr).into_string(),
            );
            for s in analysis.signals() {
                html.push_str(&s.text.en);
            }
        }
        times.push(started.elapsed());
        bytes = html.len();
        std::hint::black_box(&html);
    }
    times.sort();
    let median = times[times.len() / 2];
    let fastest = times[0];
    println!("sgs-web charts: {CHARTS} charts x {POINTS} points, analyzed and drawn as run and XmR SVG, {ROUNDS} rounds");
    println!("| what | median | fastest | target | |");
    println!("|---|---|---|---|---|");
    println!(
        "| a page of {CHARTS} measures ({} SVG charts, {:.0} KiB of HTML, {signals} signals) | {:.1} ms | {:.1} ms | 1000 ms | {} |",
        CHARTS * 2,
        bytes as f64 / 1024.0,
        median.as_secs_f64() * 1000.0,
        fastest.as_secs_f64() * 1000.0,
        if median < Duration::from_secs(1) { "ok" } else { "MISSED" }
    );
}
