//! Malformed input is refused whole, with an error naming the file, line, column, value and
//! what was expected.

use std::path::PathBuf;

use sgs_domain::{DistrictId, Grade, SchoolYear};
use sgs_import::{read_file, FileKind, ImportError, ReadOptions};

fn district() -> DistrictId {
    DistrictId::parse("999901").unwrap()
}

/// Writes `text` to `name` in a fresh temporary directory.
fn file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn refuse(name: &str, text: &str, kind: FileKind, options: &ReadOptions) -> ImportError {
    let (_dir, path) = file(name, text);
    read_file(&path, kind, &district(), options).expect_err("the file should be refused")
}

#[test]
fn bad_value_on_line_3_is_named() {
    let text = "school_year,campus_id,EE,PK,K,1,2,3\n\
                2022-2023,999901101,,12,40,41,39,38\n\
                2022-2023,999901102,,10,35,30,x1,33\n";
    let err = refuse(
        "enrollment.csv",
        text,
        FileKind::SgsEnrollment,
        &ReadOptions::default(),
    );
    assert_eq!(err.file, "enrollment.csv");
    assert_eq!(err.line, Some(3));
    assert_eq!(err.field.as_deref(), Some("2"));
    assert_eq!(err.value.as_deref(), Some("x1"));
    assert_eq!(
        err.to_string(),
        "enrollment.csv:3: field 2: value \"x1\" is not valid: expected a whole number of \
         students, or blank when unknown or masked"
    );
}

#[test]
fn published_file_bad_value_names_the_tea_column() {
    let text = "school_year,district_id,campus_id,total,GEE,GPK,GK,G01,G02,G03,G04,G05,G06,G07,\
                G08,G09,G10,G11,G12\n\
                2022-2023,999901,999901101,10,0,0,10,0,0,0,0,0,0,0,0,0,0,0,0\n\
                2022-2023,999901,999901102,10,0,0,0,0,0,x1,0,0,0,0,0,0,0,0,0\n";
    let err = refuse(
        "enrollment.csv",
        text,
        FileKind::TeaEnrollment,
        &ReadOptions::default(),
    );
    assert!(
        err.to_string().starts_with(
            "enrollment.csv:3: field G03: value \"x1\" is not valid: expected a whole number"
        ),
        "{err}"
    );
}

#[test]
fn missing_column_is_named_with_the_expected_header() {
    let err = refuse(
        "ratings.csv",
        "school_year,campus_id,overall_score\n2022-2023,999901101,88\n",
        FileKind::SgsRatings,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(1));
    assert_eq!(err.field.as_deref(), Some("rating"));
    assert!(err
        .expected
        .contains("school_year,campus_id,rating,not_rated_reason"));
    assert_eq!(
        err.to_string(),
        "ratings.csv:1: field rating: column is missing from the header: expected \
         school_year,campus_id,rating,not_rated_reason,overall_score,achievement_score,\
         progress_score,closing_gaps_score"
    );

    let err = refuse(
        "campuses.csv",
        "campus_id,nmae\n999901101,Lincoln\n",
        FileKind::SgsCampuses,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("nmae"));
    assert!(err.to_string().contains("unknown column \"nmae\""), "{err}");
}

#[test]
fn published_file_missing_column_is_named() {
    let err = refuse(
        "tea.csv",
        "school_year,district_id,campus_id,GEE,GPK,GK,G01,G02,G04\n",
        FileKind::TeaEnrollment,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("G03"));
    assert_eq!(err.line, Some(1));
}

#[test]
fn campus_of_another_district_is_refused() {
    let err = refuse(
        "campuses.csv",
        "campus_id,name\n999901101,Lincoln\n015907001,BRACKENRIDGE H S\n",
        FileKind::SgsCampuses,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(3));
    assert_eq!(err.value.as_deref(), Some("015907001"));
    assert!(
        err.to_string()
            .contains("campus 015907001 belongs to district 015907, not to 999901"),
        "{err}"
    );
}

#[test]
fn duplicate_rows_are_refused() {
    let err = refuse(
        "capacity.csv",
        "school_year,campus_id,capacity\n2022-2023,999901101,500\n2022-23,999901101,520\n",
        FileKind::SgsCapacity,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(3));
    assert!(err.to_string().contains("listed twice"), "{err}");
}

#[test]
fn capacity_without_a_year_needs_one_from_the_options() {
    let text = "campus_id,capacity\n999901101,500\n999901102,\n";
    let err = refuse(
        "capacity.csv",
        text,
        FileKind::SgsCapacity,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("school_year"));
    assert!(err.expected.contains("choose the school year"), "{err}");

    let (_dir, path) = file("capacity.csv", text);
    let year = SchoolYear::starting(2023);
    let options = ReadOptions {
        school_year: Some(year),
        ..ReadOptions::default()
    };
    let batch = read_file(&path, FileKind::SgsCapacity, &district(), &options).unwrap();
    assert_eq!(batch.years, [year]);
    assert_eq!(batch.rows, 2);
    let capacities: Vec<Option<u32>> = batch
        .data
        .campus_years
        .values()
        .map(|y| y.capacity)
        .collect();
    assert_eq!(
        capacities,
        [Some(500), None],
        "blank capacity is unknown, not zero"
    );
}

#[test]
fn masked_values_are_missing_not_zero() {
    let (_dir, path) = file(
        "enrollment.csv",
        "school_year,campus_id,PK,K,1\n2022-2023,999901101,*,.,0\n",
    );
    let batch = read_file(
        &path,
        FileKind::SgsEnrollment,
        &district(),
        &ReadOptions::default(),
    )
    .unwrap();
    let year = batch.data.campus_years.values().next().unwrap();
    assert_eq!(year.enrollment.len(), 1);
    assert_eq!(year.enrollment.get(&Grade::G(1)), Some(&0));
}

#[test]
fn long_enrollment_is_read_too() {
    let (_dir, path) = file(
        "enrollment_long.csv",
        "school_year,campus_id,grade,count\n2022-2023,999901101,K,40\n2022-2023,999901101,01,\n",
    );
    let batch = read_file(
        &path,
        FileKind::SgsEnrollment,
        &district(),
        &ReadOptions::default(),
    )
    .unwrap();
    let year = batch.data.campus_years.values().next().unwrap();
    assert_eq!(year.enrollment.len(), 1);
    assert_eq!(year.enrollment[&Grade::K], 40);

    let err = refuse(
        "enrollment_long.csv",
        "school_year,campus_id,grade,count\n2022-2023,999901101,K,40\n2022-2023,999901101,KG,41\n",
        FileKind::SgsEnrollment,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(3));
}

#[test]
fn ratings_reason_only_with_not_rated() {
    let err = refuse(
        "ratings.csv",
        "school_year,campus_id,rating,not_rated_reason\n2022-2023,999901101,B,sb1365\n",
        FileKind::SgsRatings,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(2));
    assert_eq!(err.field.as_deref(), Some("not_rated_reason"));

    let err = refuse(
        "ratings.csv",
        "school_year,campus_id,rating,overall_score\n2022-2023,999901101,B,101\n",
        FileKind::SgsRatings,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("overall_score"));
    assert_eq!(err.value.as_deref(), Some("101"));
}

#[test]
fn unequal_rows_and_bad_years_are_refused() {
    let err = refuse(
        "capacity.csv",
        "school_year,campus_id,capacity\n2022-2023,999901101\n",
        FileKind::SgsCapacity,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(2));
    assert!(err.to_string().contains("row has 2 fields"), "{err}");

    let err = refuse(
        "capacity.csv",
        "school_year,campus_id,capacity\n2022-2024,999901101,10\n",
        FileKind::SgsCapacity,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("school_year"));
    assert_eq!(err.value.as_deref(), Some("2022-2024"));
}

#[test]
fn geojson_errors_name_the_member() {
    let err = refuse(
        "planning_areas.geojson",
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[0,0]}}
        ]}"#,
        FileKind::SgsPlanningAreas,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("features[0].geometry"));
    assert_eq!(err.value.as_deref(), Some("Point"));

    let err = refuse(
        "planning_areas.geojson",
        "{\"type\":\n\"FeatureCollection\",",
        FileKind::SgsPlanningAreas,
        &ReadOptions::default(),
    );
    assert_eq!(err.line, Some(2));
}

#[test]
fn boundary_needs_a_name_when_the_file_has_many() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"Alpha Independent School District"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
        {"type":"Feature","properties":{"name":"Beta Alpha Independent School District"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,0]]]}}
    ]}"#;
    let err = refuse(
        "districts.geojson",
        text,
        FileKind::DistrictBoundary,
        &ReadOptions::default(),
    );
    assert!(err.to_string().contains("2 features"), "{err}");

    let options = ReadOptions {
        district_name: Some("Alpha ISD".into()),
        ..ReadOptions::default()
    };
    let err = refuse(
        "districts.geojson",
        text,
        FileKind::DistrictBoundary,
        &options,
    );
    assert!(
        err.to_string()
            .contains("no feature is named \"Alpha ISD\""),
        "{err}"
    );
    assert!(
        err.expected
            .contains("\"Alpha Independent School District\""),
        "{err}"
    );

    let (_dir, path) = file("districts.geojson", text);
    let options = ReadOptions {
        district_name: Some("beta alpha independent school district".into()),
        ..ReadOptions::default()
    };
    let batch = read_file(&path, FileKind::DistrictBoundary, &district(), &options).unwrap();
    assert_eq!(batch.data.name, "Beta Alpha Independent School District");
    assert_eq!(batch.rows, 1);
}

#[test]
fn latin1_names_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("campuses.csv");
    std::fs::write(&path, b"campus_id,name\n999901101,Pe\xF1a Elementary\n").unwrap();
    let batch = read_file(
        &path,
        FileKind::SgsCampuses,
        &district(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(batch.data.campuses[0].name, "Pe\u{f1}a Elementary");
}

#[test]
fn ids_that_lost_leading_zeros_are_padded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capacity.csv");
    std::fs::write(
        &path,
        "school_year,campus_id,capacity\n2022-2023,15907001,1800\n",
    )
    .unwrap();
    let saisd = DistrictId::parse("015907").unwrap();
    let batch = read_file(
        &path,
        FileKind::SgsCapacity,
        &saisd,
        &ReadOptions::default(),
    )
    .unwrap();
    let (id, _) = batch.data.campus_years.keys().next().unwrap();
    assert_eq!(id.as_str(), "015907001");
}

#[test]
fn total_must_match_the_grades() {
    let header = "school_year,district_id,campus_id,total,GEE,GPK,GK,G01,G02,G03,G04,G05,G06,G07,\
                  G08,G09,G10,G11,G12\n";
    let err = refuse(
        "tea.csv",
        &format!("{header}2022-2023,999901,999901101,11,0,0,10,0,0,0,0,0,0,0,0,0,0,0,0\n"),
        FileKind::TeaEnrollment,
        &ReadOptions::default(),
    );
    assert_eq!(err.field.as_deref(), Some("total"));
    assert_eq!(err.value.as_deref(), Some("11"));
    assert!(err.expected.contains("10"), "{err}");

    // With a masked grade the total cannot be checked, and the masked grade stays unknown.
    let (_dir, path) = file(
        "tea.csv",
        &format!("{header}2022-2023,999901,999901101,11,0,0,10,*,0,0,0,0,0,0,0,0,0,0,0\n"),
    );
    let batch = read_file(
        &path,
        FileKind::TeaEnrollment,
        &district(),
        &ReadOptions::default(),
    )
    .unwrap();
    let year = batch.data.campus_years.values().next().unwrap();
    assert_eq!(year.enrollment.len(), 14);
    assert_eq!(year.enrollment.get(&Grade::G(1)), None);
}

#[test]
fn settings_refuse_unknown_keys_and_bad_grade_bands() {
    let options = ReadOptions::default();
    let err = refuse(
        "settings.csv",
        "key,value\ngrade_bands,\"K-5, 6-8, 9-12\"\ncolor,blue\n",
        FileKind::SgsSettings,
        &options,
    );
    assert_eq!(err.file, "settings.csv");
    assert_eq!(err.line, Some(3));
    assert_eq!(err.field.as_deref(), Some("key"));
    assert_eq!(err.value.as_deref(), Some("color"));
    assert_eq!(
        err.to_string(),
        "settings.csv:3: field key: value \"color\" is not valid: expected a setting key: \
         grade_bands"
    );

    let err = refuse(
        "settings.csv",
        "key,value\ngrade_bands,\"K-5, 5-8\"\n",
        FileKind::SgsSettings,
        &options,
    );
    assert_eq!(err.line, Some(2));
    assert_eq!(err.field.as_deref(), Some("value"));
    assert_eq!(err.value.as_deref(), Some("K-5, 5-8"));
    assert!(err.message.contains("overlap"), "{err}");
    assert!(err.expected.contains("such as K-5, 6-8, 9-12"), "{err}");

    for value in ["K-13", ""] {
        let err = refuse(
            "settings.csv",
            &format!("key,value\ngrade_bands,{value}\n"),
            FileKind::SgsSettings,
            &options,
        );
        assert_eq!(err.field.as_deref(), Some("value"), "{value:?}");
        assert_eq!(err.value.as_deref(), Some(value));
    }

    let err = refuse(
        "settings.csv",
        "key,value\ngrade_bands,K-5\ngrade_bands,6-8\n",
        FileKind::SgsSettings,
        &options,
    );
    assert_eq!((err.line, err.field.as_deref()), (Some(3), Some("key")));
}
