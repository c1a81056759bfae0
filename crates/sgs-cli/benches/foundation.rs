//! Foundation benchmarks: generating the demo, reading and importing San Antonio ISD's real
//! files, and rendering the busiest pages. Run with `cargo bench -p sgs-cli`; record results and
//! the machine in docs/PERFORMANCE.md. Each figure is the median of several runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use sgs_domain::DistrictId;
use sgs_import::{FileKind, ReadOptions};
use sgs_web::ingest::{import, ImportRequest};
use tower::ServiceExt;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn report(name: &str, runs: usize, samples: Vec<Duration>, target: Duration) {
    let m = median(samples);
    let verdict = if m <= target { "ok" } else { "OVER TARGET" };
    println!(
        "| {name} | {runs} | {:.1} ms | {:.0} ms | {verdict} |",
        m.as_secs_f64() * 1000.0,
        target.as_secs_f64() * 1000.0
    );
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn page_samples(router: &axum::Router, path: &str, runs: usize) -> Vec<Duration> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let response = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
        let _ = response.into_body().collect().await.unwrap();
        samples.push(start.elapsed());
    }
    samples
}

#[tokio::main]
async fn main() {
    println!("| what | runs | median | target | |");
    println!("|---|---|---|---|---|");

    let runs = 20;
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(sgs_demo::generate());
            start.elapsed()
        })
        .collect();
    report(
        "generate the demo district",
        runs,
        samples,
        Duration::from_millis(100),
    );

    let runs = 5;
    let mut samples = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let store = sgs_store::Store::open_data_dir(dir.path()).await.unwrap();
        let start = Instant::now();
        sgs_cli::load_demo(&store).await.unwrap();
        samples.push(start.elapsed());
    }
    report(
        "load the demo into SQLite (accounts, self-assessments, improvement work, choice season with two match runs and 100 lotteries)",
        runs,
        samples,
        Duration::from_secs(2),
    );

    let tx = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tx");
    if tx.join(sgs_cli::SAISD_FILES[0]).exists() {
        let files: Vec<PathBuf> = sgs_cli::SAISD_FILES.iter().map(|f| tx.join(f)).collect();
        let district = DistrictId::parse("015907").unwrap();
        let options = ReadOptions {
            school_year: None,
            district_name: Some("San Antonio Independent School District".into()),
        };
        let samples = (0..runs)
            .map(|_| {
                let start = Instant::now();
                for file in &files {
                    let kind = FileKind::detect(file).unwrap();
                    std::hint::black_box(
                        sgs_import::read_file(file, kind, &district, &options).unwrap(),
                    );
                }
                start.elapsed()
            })
            .collect();
        report(
            "read SAISD's six TEA/NCES files (statewide, filtered)",
            runs,
            samples,
            Duration::from_secs(2),
        );

        let mut samples = Vec::new();
        for _ in 0..runs {
            let dir = tempfile::tempdir().unwrap();
            let store = sgs_store::Store::open_data_dir(dir.path()).await.unwrap();
            let request = ImportRequest {
                district: district.clone(),
                files: files.clone(),
                kind: None,
                school_year: None,
                district_name: options.district_name.clone(),
                actor: "bench".into(),
            };
            let start = Instant::now();
            import(&store, &request).await.unwrap();
            samples.push(start.elapsed());
        }
        report(
            "sgs import of SAISD into a fresh SQLite store",
            runs,
            samples,
            Duration::from_secs(3),
        );
    } else {
        eprintln!("skipping the SAISD benchmarks: {} is absent", tx.display());
    }

    let dir = tempfile::tempdir().unwrap();
    let store = sgs_store::Store::open_data_dir(dir.path()).await.unwrap();
    sgs_cli::load_demo(&store).await.unwrap();
    let router = sgs_web::router(sgs_web::AppState::new(store));
    let runs = 50;
    for (name, path) in [
        ("district overview page", "/d/999901"),
        (
            "campus list page (all 61)",
            "/d/999901/campuses?sort=rating",
        ),
        ("campus profile page", "/d/999901/campuses/999901139"),
        ("summary API", "/api/v1/districts/999901/summary"),
    ] {
        let samples = page_samples(&router, path, runs).await;
        report(name, runs, samples, Duration::from_millis(100));
    }

    if let Some(kib) = peak_memory_kib() {
        println!(
            "\nPeak resident memory of the whole run: {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
}
