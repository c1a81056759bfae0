//! The analyses on real and demo districts: San Antonio ISD's North Star for 2019 and 2022 and
//! its grade-progression ratios over eleven years (expected values worked independently from
//! the published files), and the demo district's seat gaps.

use std::path::{Path, PathBuf};

use sgs_analysis::projection::{backtest, forecast, progression_ratios, Average, Series, Settings};
use sgs_analysis::{north_star, seat_gaps, Framework};
use sgs_domain::{DistrictId, DistrictSnapshot, Grade, GradeBand, SchoolYear};
use sgs_import::{FileKind, ReadOptions};

fn texas() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tx");
    if dir
        .join("tea_campus_enrollment_by_grade_2019_2023.csv")
        .exists()
    {
        Some(dir)
    } else {
        eprintln!(
            "skipping: the real Texas files are not at {}",
            dir.display()
        );
        None
    }
}

fn saisd(dir: &Path) -> DistrictSnapshot {
    let district = DistrictId::parse("015907").unwrap();
    let mut snapshot = DistrictSnapshot::default();
    for file in [
        "tea_askted_directory_2019.csv",
        "tea_campus_enrollment_by_grade_2019_2023.csv",
        "tea_campus_ratings_2019_CAMPRATE.csv",
        "tea_campus_accountability_2021_22.csv",
    ] {
        let path = dir.join(file);
        let kind = FileKind::detect(&path).unwrap();
        let batch = sgs_import::read_file(&path, kind, &district, &ReadOptions::default()).unwrap();
        sgs_import::merge_batch(&mut snapshot, batch);
    }
    snapshot
}

#[test]
fn san_antonio_north_star_2019_and_2022() {
    let Some(dir) = texas() else { return };
    let snapshot = saisd(&dir);
    let years = north_star(
        &snapshot.campuses,
        &snapshot.campus_years,
        &Framework::TeaAtoF,
        None,
    );
    let year = |start: u16| {
        years
            .iter()
            .find(|y| y.school_year == SchoolYear::starting(start))
            .unwrap()
    };

    // 2019 ratings: 12,460 of 48,720 students in A or B campuses (3,383 in A, 9,077 in B).
    let y2019 = year(2018);
    assert_eq!(y2019.students, 48_720);
    assert_eq!(
        y2019.students_by_tier[&sgs_domain::summary::Tier::Quality],
        12_460
    );
    assert!((y2019.quality_percent.unwrap() - 25.575).abs() < 0.001);
    // 2022 ratings: 29,012 of 44,568; the 10 campuses Not Rated under SB 1365 hold 4,485 students.
    let y2022 = year(2021);
    assert_eq!(y2022.students, 44_568);
    assert_eq!(
        y2022.students_by_tier[&sgs_domain::summary::Tier::Quality],
        29_012
    );
    assert!((y2022.quality_percent.unwrap() - 65.096).abs() < 0.001);
    assert_eq!(
        y2022.students_by_tier[&sgs_domain::summary::Tier::NotRated],
        4_485 + 217
    );
    assert!(
        y2022
            .by_group
            .contains_key(&sgs_domain::StudentGroup::EconomicallyDisadvantaged),
        "2022 publishes group percents"
    );
    // 2020 and 2021 have no ratings in these files: no share, not zero.
    assert_eq!(year(2019).quality_percent, None);
    assert_eq!(year(2020).quality_percent, None);
}

/// SAISD's district membership by grade, 2012-13 to 2022-23, from the TAPR district file.
fn saisd_district_series(dir: &Path) -> Series {
    let mut reader =
        csv::Reader::from_path(dir.join("tea_district_enrollment_by_grade_2013_2023.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let grade_columns: Vec<usize> = std::iter::once("GKN".to_string())
        .chain((1..=12).map(|g| format!("G{g:02}")))
        .map(|c| column(&c))
        .collect();
    let mut rows: Vec<(SchoolYear, Vec<f64>)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[column("district_id")] == "015907")
        .map(|r| {
            let year = SchoolYear::parse(&r[column("school_year")]).unwrap();
            (
                year,
                grade_columns
                    .iter()
                    .map(|c| r[*c].parse::<f64>().unwrap())
                    .collect(),
            )
        })
        .collect();
    rows.sort_by_key(|(y, _)| *y);
    Series {
        years: rows.iter().map(|(y, _)| *y).collect(),
        grades: std::iter::once(Grade::K)
            .chain((1..=12).map(Grade::G))
            .collect(),
        counts: rows.into_iter().map(|(_, c)| c).collect(),
        entry: 0,
    }
}

#[test]
fn san_antonio_grade_progression_ratios_over_eleven_years() {
    let Some(dir) = texas() else { return };
    let series = saisd_district_series(&dir);
    assert_eq!(series.years.len(), 11);

    // Mean of all ten transitions, and of the last five, worked out from the file.
    let all = progression_ratios(&series, 10, Average::Mean);
    let recent = progression_ratios(&series, 5, Average::Mean);
    let expected_all = [
        (1, 1.010867),
        (6, 0.895716),
        (9, 1.177621),
        (10, 0.847138),
        (12, 0.927637),
    ];
    for (grade, ratio) in expected_all {
        assert!(
            (all[grade].unwrap() - ratio).abs() < 1e-5,
            "grade {grade}: {:?}",
            all[grade]
        );
    }
    let expected_recent = [(1, 1.000274), (9, 1.238017), (11, 0.882021)];
    for (grade, ratio) in expected_recent {
        assert!(
            (recent[grade].unwrap() - ratio).abs() < 1e-5,
            "grade {grade}: {:?}",
            recent[grade]
        );
    }

    // A declining district projects declining, and the band holds the likely line.
    let settings = Settings {
        transitions: 5,
        average: Average::Mean,
        horizon: 5,
    };
    let projected = forecast(&series, &settings, None);
    assert!(
        projected.likely_total[4] < 45_212.0,
        "{:?}",
        projected.likely_total
    );
    assert!(
        projected.low_total[4] < projected.likely_total[4]
            && projected.likely_total[4] < projected.high_total[4]
    );
    let error = backtest(&series, &settings, 3).unwrap();
    assert!(error > 0.0 && error < 10.0, "back-test error {error}%");
}

#[test]
fn the_demo_district_names_priority_areas_with_real_gaps() {
    let demo = sgs_demo::generate();
    let report = seat_gaps(
        &demo.campuses,
        &demo.campus_years,
        &demo.planning_areas,
        &demo.resident_counts,
        &GradeBand::defaults(),
        &Framework::TeaAtoF,
        &Default::default(),
    );
    // Rated years with resident counts: 2018-19, 2021-22 and 2022-23.
    assert_eq!(report.years.len(), 3, "{:?}", report.years);
    assert_eq!(report.rows.len(), 3 * 3 * demo.planning_areas.len());
    let priorities: Vec<_> = report.areas.iter().filter(|a| a.priority).collect();
    assert_eq!(priorities.len(), 3);
    for area in &priorities {
        assert!(
            area.latest_gap > 0.0,
            "{} is a priority without a gap",
            area.name
        );
    }
    // Every supply figure is the sum of the campuses listed behind it.
    for row in &report.rows {
        let behind: f64 = row.campuses.iter().map(|(_, s)| s).sum();
        assert!((behind - row.supply).abs() < 1e-6);
    }
}

#[test]
fn san_antonio_campus_sums_project_a_plausible_district() {
    let Some(dir) = texas() else { return };
    let snapshot = saisd(&dir);
    let series = Series::from_campus_years(&snapshot.campus_years, None).unwrap();
    assert_eq!(series.years.len(), 5);
    assert_eq!(
        series.grades[series.entry],
        Grade::K,
        "EE and PK are not cohorts"
    );
    let settings = Settings::default();
    let projected = forecast(&series, &settings, None);
    let latest = *series.totals().last().unwrap();
    assert_eq!(latest, 45_212.0);
    // Five years out, a district that lost about 1,000 students a year stays in that range.
    let five = projected.likely_total[4];
    assert!(five > 0.75 * latest && five < 1.05 * latest, "{five}");
    let error = backtest(&series, &settings, 2).unwrap();
    assert!(error < 5.0, "two-year back-test error {error}%");
}
