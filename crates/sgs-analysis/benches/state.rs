//! The whole Lever 1 analysis for every Texas campus: tiers, North Star, seat gaps, and
//! cohort-survival projections with back-tests, district by district, on one thread. Run with
//! `cargo bench -p sgs-analysis --bench state`; the target (under one second for the state) and
//! the results live in docs/PERFORMANCE.md.
//!
//! Texas publishes no planning areas or resident counts, so for the seat gaps each district's
//! campuses are grouped into areas by the first digit of the campus serial, and resident
//! demand is taken as the enrollment of those campuses: the computation runs at state scale on
//! real enrollment and ratings, though its gaps are not a real study.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use sgs_analysis::projection::{backtest, forecast, Series, Settings};
use sgs_analysis::scenario::{run, ProposedAction, Scenario};
use sgs_analysis::seat_gaps::SeatGapSettings;
use sgs_analysis::{north_star, seat_gaps, Framework};
use sgs_domain::{
    Campus, CampusId, CampusYear, Grade, GradeBand, NotRatedReason, PlanningArea, Rating,
    ResidentCount, SchoolYear,
};

type Years = BTreeMap<(CampusId, SchoolYear), CampusYear>;

/// What one district's analysis reads.
type Prepared = (Vec<Campus>, Years, Vec<PlanningArea>, Vec<ResidentCount>);

fn load(dir: &Path) -> BTreeMap<String, Years> {
    let mut districts: BTreeMap<String, Years> = BTreeMap::new();
    let mut reader =
        csv::Reader::from_path(dir.join("tea_campus_enrollment_by_grade_2019_2023.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let grade_columns: Vec<(usize, Grade)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some((i, Grade::parse(h.strip_prefix('G')?)?)))
        .collect();
    for record in reader.records() {
        let record = record.unwrap();
        let Ok(campus) = CampusId::parse(&record[2]) else {
            continue;
        };
        let year = SchoolYear::parse(&record[0]).unwrap();
        let mut facts = CampusYear::default();
        for (i, grade) in &grade_columns {
            if let Ok(n) = record[*i].parse::<u32>() {
                if n > 0 {
                    facts.enrollment.insert(*grade, n);
                }
            }
        }
        districts
            .entry(record[1].to_string())
            .or_default()
            .insert((campus, year), facts);
    }
    for (file, year, reason) in [
        (
            "tea_campus_ratings_2019_CAMPRATE.csv",
            SchoolYear::starting(2018),
            NotRatedReason::NoData,
        ),
        (
            "tea_campus_accountability_2021_22.csv",
            SchoolYear::starting(2021),
            NotRatedReason::NoData,
        ),
    ] {
        let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
        let headers = reader.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (campus_col, rating_col) = (column("CAMPUS"), column("C_RATING"));
        for record in reader.records() {
            let record = record.unwrap();
            let Ok(campus) = CampusId::parse(&record[campus_col]) else {
                continue;
            };
            let Ok(rating) = Rating::parse(&record[rating_col], reason.clone()) else {
                continue;
            };
            let district = campus.district_id().as_str().to_string();
            if let Some(facts) = districts
                .get_mut(&district)
                .and_then(|d| d.get_mut(&(campus, year)))
            {
                facts.rating = Some(rating);
            }
        }
    }
    districts
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tx");
    if !dir
        .join("tea_campus_enrollment_by_grade_2019_2023.csv")
        .exists()
    {
        eprintln!(
            "skipping: the real Texas files are not at {}",
            dir.display()
        );
        return;
    }
    let started = Instant::now();
    let districts = load(&dir);
    let parse = started.elapsed();
    let campuses_total: usize = districts
        .values()
        .map(|y| {
            y.keys()
                .map(|(c, _)| c.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        })
        .sum();

    // Inputs each district's analysis needs, prepared outside the timed part.
    let prepared: Vec<Prepared> = districts
        .into_values()
        .map(|years| {
            let ids: std::collections::BTreeSet<CampusId> =
                years.keys().map(|(c, _)| c.clone()).collect();
            let area = |id: &CampusId| id.as_str()[..7].to_string();
            let campuses: Vec<Campus> = ids
                .iter()
                .map(|id| Campus {
                    planning_area_id: Some(area(id)),
                    ..Campus::new(id.clone(), id.to_string())
                })
                .collect();
            let area_ids: std::collections::BTreeSet<String> = ids.iter().map(area).collect();
            let areas = area_ids
                .iter()
                .map(|a| PlanningArea {
                    id: a.clone(),
                    name: a.clone(),
                    geometry: serde_json::Value::Null,
                })
                .collect();
            let mut demand: BTreeMap<(String, SchoolYear, Grade), u32> = BTreeMap::new();
            for ((campus, year), facts) in &years {
                for (grade, n) in &facts.enrollment {
                    *demand.entry((area(campus), *year, *grade)).or_default() += n;
                }
            }
            let residents = demand
                .into_iter()
                .map(
                    |((planning_area_id, school_year, grade), count)| ResidentCount {
                        planning_area_id,
                        school_year,
                        grade,
                        group: None,
                        count,
                    },
                )
                .collect();
            (campuses, years, areas, residents)
        })
        .collect();

    let bands = GradeBand::defaults();
    let settings = Settings::default();
    let mut runs = Vec::new();
    let mut checksum = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        for (campuses, years, areas, residents) in &prepared {
            let stars = north_star(campuses, years, &Framework::TeaAtoF, None);
            checksum += stars.iter().filter_map(|s| s.quality_percent).sum::<f64>();
            let gaps = seat_gaps(
                campuses,
                years,
                areas,
                residents,
                &bands,
                &Framework::TeaAtoF,
                &SeatGapSettings::default(),
            );
            checksum += gaps.rows.len() as f64;
            for campus in campuses {
                if let Some(series) = Series::from_campus_years(years, Some(&campus.id))
                    .filter(|s| s.years.len() >= 3)
                {
                    checksum += forecast(&series, &settings, None)
                        .likely_total
                        .iter()
                        .sum::<f64>();
                    checksum += backtest(&series, &settings, 2).unwrap_or(0.0);
                }
            }
        }
        runs.push(start.elapsed());
    }
    runs.sort();

    // A scenario on the largest district: five restarts and a closure with reassignment.
    let (campuses, years, areas, residents) = prepared.iter().max_by_key(|p| p.0.len()).unwrap();
    let year = SchoolYear::starting(2021);
    let low: Vec<CampusId> = years
        .iter()
        .filter(|((_, y), f)| *y == year && matches!(f.rating, Some(Rating::NotRated(_))))
        .map(|((id, _), _)| id.clone())
        .take(6)
        .collect();
    let mut actions: Vec<ProposedAction> = low[..5.min(low.len())]
        .iter()
        .map(|id| ProposedAction::ChangeTier {
            campus_id: id.clone(),
            tier: sgs_domain::summary::Tier::Quality,
        })
        .collect();
    actions.push(ProposedAction::CloseAndReassign {
        campus_id: campuses[0].id.clone(),
        receiving: vec![campuses[1].id.clone(), campuses[2].id.clone()],
    });
    let scenario = Scenario {
        name: "bench".into(),
        actions,
    };
    let mut scenario_runs = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let result = run(
            &scenario,
            year,
            campuses,
            years,
            areas,
            residents,
            &bands,
            &Framework::TeaAtoF,
        );
        checksum += result.displaced as f64;
        scenario_runs.push(start.elapsed());
    }
    scenario_runs.sort();

    println!("districts: {}, campuses: {campuses_total}", prepared.len());
    println!(
        "scenario on the largest district ({} campuses, {} actions): median {:.1} ms of 5 [target well under 1000 ms]",
        campuses.len(),
        scenario.actions.len(),
        scenario_runs[2].as_secs_f64() * 1000.0
    );
    println!(
        "parsing the three statewide files: {:.0} ms",
        parse.as_secs_f64() * 1000.0
    );
    println!(
        "whole analysis for the state, one thread: median {:.0} ms of 3 runs (min {:.0} ms) [target 1000 ms] (checksum {checksum:.0})",
        runs[1].as_secs_f64() * 1000.0,
        runs[0].as_secs_f64() * 1000.0
    );
}
