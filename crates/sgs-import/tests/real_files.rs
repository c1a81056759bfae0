//! Reading the real published Texas files in `shared/data/tx` for San Antonio ISD (`015907`).
//! The expected numbers were counted from the files with a separate script. Each test skips,
//! saying so, when the data directory is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use sgs_domain::{
    geo, CampusId, CampusStatus, DistrictId, Governance, Grade, NotRatedReason, Rating, SchoolType,
    SchoolYear, StudentGroup,
};
use sgs_import::{read_file, FileKind, ImportBatch, ReadOptions};

const SAISD_NAME: &str = "San Antonio Independent School District";

/// The path of a real data file, or `None` (after saying so) when it is not there.
fn data_file(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/tx")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} not found", path.display());
        None
    }
}

fn saisd() -> DistrictId {
    DistrictId::parse("015907").unwrap()
}

fn brackenridge() -> CampusId {
    CampusId::parse("015907001").unwrap()
}

fn read(name: &str, kind: FileKind) -> Option<ImportBatch> {
    let path = data_file(name)?;
    assert_eq!(FileKind::detect(&path), Some(kind), "detecting {name}");
    let options = ReadOptions {
        district_name: Some(SAISD_NAME.into()),
        ..ReadOptions::default()
    };
    Some(read_file(&path, kind, &saisd(), &options).unwrap())
}

/// Counts ratings by their display text.
fn rating_counts(batch: &ImportBatch) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for year in batch.data.campus_years.values() {
        let key = year
            .rating
            .as_ref()
            .map_or("none".into(), Rating::to_string);
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

#[test]
fn askted_directory() {
    let Some(batch) = read("tea_askted_directory_2019.csv", FileKind::TeaDirectory) else {
        return;
    };
    let data = &batch.data;
    assert_eq!(batch.rows, 100);
    assert_eq!(data.campuses.len(), 100);
    assert!(
        batch.years.is_empty(),
        "directory enrollment is not yearly data"
    );
    assert!(data.campus_years.is_empty());
    assert_eq!(data.name, "SAN ANTONIO ISD");
    let charters = data
        .campuses
        .iter()
        .filter(|c| c.governance == Governance::InDistrictCharter)
        .count();
    assert_eq!(charters, 38);
    assert!(data
        .campuses
        .iter()
        .all(|c| c.status == CampusStatus::Open && c.district_id == saisd()));
    let hs = data
        .campuses
        .iter()
        .find(|c| c.id == brackenridge())
        .unwrap();
    assert_eq!(hs.name, "BRACKENRIDGE H S");
    assert_eq!(
        (hs.grade_low, hs.grade_high),
        (Some(Grade::G(9)), Some(Grade::G(12)))
    );
    assert_eq!(hs.school_type, Some(SchoolType::High));
    assert_eq!(hs.governance, Governance::DistrictRun);
    assert_eq!(
        hs.address.as_deref(),
        Some("400 EAGLELAND ST, SAN ANTONIO, TX 78210-1299")
    );
    let burbank = data
        .campuses
        .iter()
        .find(|c| c.id.as_str() == "015907002")
        .unwrap();
    assert_eq!(burbank.governance, Governance::InDistrictCharter);
}

#[test]
fn enrollment_by_grade_all_years() {
    let Some(path) = data_file("tea_campus_enrollment_by_grade_2019_2023.csv") else {
        return;
    };
    let started = Instant::now();
    let batch = read_file(
        &path,
        FileKind::TeaEnrollment,
        &saisd(),
        &ReadOptions::default(),
    )
    .unwrap();
    eprintln!(
        "read 44,554 enrollment rows in {:?} (unoptimized test build)",
        started.elapsed()
    );
    assert_eq!(batch.rows, 493);
    let years: Vec<String> = batch.years.iter().map(SchoolYear::to_string).collect();
    assert_eq!(
        years,
        [
            "2018-2019",
            "2019-2020",
            "2020-2021",
            "2021-2022",
            "2022-2023"
        ]
    );
    let mut totals: BTreeMap<SchoolYear, (usize, u32)> = BTreeMap::new();
    for ((_, year), facts) in &batch.data.campus_years {
        let entry = totals.entry(*year).or_default();
        entry.0 += 1;
        entry.1 += facts.total_enrollment().unwrap();
    }
    let y2023 = SchoolYear::parse("2022-2023").unwrap();
    assert_eq!(totals[&y2023], (97, 45_212));
    assert_eq!(
        totals[&SchoolYear::parse("2018-2019").unwrap()],
        (100, 48_720)
    );
    let hs = &batch.data.campus_years[&(brackenridge(), y2023)];
    assert_eq!(hs.total_enrollment(), Some(1_567));
    assert_eq!(hs.enrollment[&Grade::G(9)], 498);
    assert_eq!(
        hs.enrollment[&Grade::G(1)],
        0,
        "a published zero stays zero"
    );
}

#[test]
fn ratings_2019() {
    let Some(batch) = read(
        "tea_campus_ratings_2019_CAMPRATE.csv",
        FileKind::TeaRatings2019,
    ) else {
        return;
    };
    let y2019 = SchoolYear::parse("2018-2019").unwrap();
    assert_eq!(batch.rows, 100);
    assert_eq!(batch.years, [y2019]);
    let hs = &batch.data.campus_years[&(brackenridge(), y2019)];
    assert_eq!(hs.rating, Some(Rating::Letter('B')));
    assert_eq!(hs.overall_score, Some(81));
    assert_eq!(hs.achievement_score, None);
    let counts = rating_counts(&batch);
    let expected: BTreeMap<String, usize> = [
        ("A", 9),
        ("B", 18),
        ("C", 26),
        ("D", 24),
        ("F", 15),
        ("Not Rated: No or insufficient data", 8),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(counts, expected);
    let not_rated = batch
        .data
        .campus_years
        .values()
        .filter(|y| y.rating == Some(Rating::NotRated(NotRatedReason::NoData)));
    assert!(not_rated.into_iter().all(|y| y.overall_score.is_none()));
    assert_eq!(
        batch.data.campuses.len(),
        100,
        "names for campuses not yet known"
    );
}

#[test]
fn accountability_2022() {
    let Some(batch) = read(
        "tea_campus_accountability_2021_22.csv",
        FileKind::TeaAccountability2022,
    ) else {
        return;
    };
    let y2022 = SchoolYear::parse("2021-2022").unwrap();
    assert_eq!(batch.rows, 100);
    assert_eq!(batch.years, [y2022]);
    let counts = rating_counts(&batch);
    assert_eq!(counts["Not Rated: SB 1365"], 10);
    assert_eq!(counts["Not Rated: No or insufficient data"], 6);
    assert_eq!((counts["A"], counts["B"], counts["C"]), (11, 52, 21));
    let hs = &batch.data.campus_years[&(brackenridge(), y2022)];
    assert_eq!(hs.rating, Some(Rating::Letter('B')));
    let scores = (
        hs.overall_score,
        hs.achievement_score,
        hs.progress_score,
        hs.closing_gaps_score,
    );
    assert_eq!(scores, (Some(83), Some(80), Some(87), Some(72)));
    let percent = |group| hs.groups[&group].percent;
    assert_eq!(percent(StudentGroup::EconomicallyDisadvantaged), Some(88.9));
    assert_eq!(percent(StudentGroup::EmergentBilingual), Some(20.2));
    assert_eq!(percent(StudentGroup::SpecialEducation), Some(13.0));
    assert!(hs.groups.values().all(|m| m.count.is_none()));
    let davis = &batch.data.campus_years[&(CampusId::parse("015907043").unwrap(), y2022)];
    assert_eq!(davis.rating, Some(Rating::NotRated(NotRatedReason::Sb1365)));
    assert_eq!(
        davis.overall_score,
        Some(53),
        "SB 1365 campuses keep their score"
    );
}

#[test]
fn nces_coordinates_and_boundary() {
    let Some(nces) = read(
        "nces_ccd_tx_schools_2013_14_latlon.csv",
        FileKind::NcesCoordinates,
    ) else {
        return;
    };
    assert_eq!(nces.rows, 99);
    assert_eq!(nces.data.campuses.len(), 99);
    assert!(FileKind::NcesCoordinates.parts().coordinates_only);
    let hs = nces
        .data
        .campuses
        .iter()
        .find(|c| c.id == brackenridge())
        .unwrap();
    assert_eq!(hs.name, "BRACKENRIDGE H S");
    assert_eq!(
        (hs.latitude, hs.longitude),
        (Some(29.40474), Some(-98.487601))
    );

    let Some(boundary) = read(
        "tx_school_districts_2016.geojson",
        FileKind::DistrictBoundary,
    ) else {
        return;
    };
    assert_eq!(boundary.data.name, SAISD_NAME);
    let geometry = boundary.data.boundary.as_ref().unwrap();
    assert_eq!(geometry["type"], "MultiPolygon");
    for campus in &nces.data.campuses {
        let (lat, lon) = (campus.latitude.unwrap(), campus.longitude.unwrap());
        assert!(
            geo::contains(geometry, lon, lat),
            "{} is outside",
            campus.id
        );
    }
}

#[test]
fn boundary_name_not_found_lists_similar_names() {
    let Some(path) = data_file("tx_school_districts_2016.geojson") else {
        return;
    };
    let options = ReadOptions {
        district_name: Some("San Antonio ISD".into()),
        ..ReadOptions::default()
    };
    let err = read_file(&path, FileKind::DistrictBoundary, &saisd(), &options).unwrap_err();
    assert!(err.expected.contains(SAISD_NAME), "{err}");
    let err = read_file(
        &path,
        FileKind::DistrictBoundary,
        &saisd(),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("1022 features"), "{err}");
}

#[test]
fn a_district_with_no_rows_is_refused() {
    let Some(path) = data_file("tea_campus_ratings_2019_CAMPRATE.csv") else {
        return;
    };
    let nowhere = DistrictId::parse("999901").unwrap();
    let err = read_file(
        &path,
        FileKind::TeaRatings2019,
        &nowhere,
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no rows for district 999901"),
        "{err}"
    );
}
