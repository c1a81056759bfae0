//! Writing a hand-built district as SGS templates and reading the files back gives the same
//! district, file by file and as a whole.

use std::collections::BTreeMap;

use serde_json::json;
use sgs_domain::{
    Campus, CampusId, CampusStatus, CampusYear, DistrictId, DistrictSnapshot, Governance, Grade,
    GradeBand, GroupMeasure, NotRatedReason, PlanDecisionRecord, PlannedScenario, Planning,
    PlanningArea, Rating, ResidentCount, SchoolType, SchoolYear, StudentGroup,
};
use sgs_import::{read_file, read_templates, write_templates, FileKind, ReadOptions};

fn campus(id: &str, name: &str) -> Campus {
    let id = CampusId::parse(id).unwrap();
    Campus::new(id, name)
}

fn square(x: f64, y: f64) -> serde_json::Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]]})
}

/// A district that uses every field, with awkward text and missing values.
fn snapshot() -> DistrictSnapshot {
    let district = DistrictId::parse("999901").unwrap();
    let y2022 = SchoolYear::starting(2022);
    let y2021 = SchoolYear::starting(2021);

    let mut full = campus("999901001", "Lincoln \"Lions\" High, Main Campus");
    full.grade_low = Some(Grade::G(9));
    full.grade_high = Some(Grade::G(12));
    full.school_type = Some(SchoolType::High);
    full.governance = Governance::PartnerManaged;
    full.address = Some("100 Main St, Springfield, TX 78000".into());
    full.latitude = Some(29.404_74);
    full.longitude = Some(-98.487_601);
    full.programs = vec!["Early College".into(), "IB Diploma".into()];
    full.planning_area_id = Some("north".into());
    let mut closed = campus("999901101", "Old Mill Elementary");
    closed.grade_low = Some(Grade::EE);
    closed.grade_high = Some(Grade::G(5));
    closed.school_type = Some(SchoolType::Elementary);
    closed.status = CampusStatus::Closed;
    closed.governance = Governance::InDistrictCharter;
    let mut restart = campus("999901102", "Mill Academy");
    restart.predecessor_id = Some(CampusId::parse("999901101").unwrap());
    restart.governance = Governance::OpenEnrollmentCharter;
    restart.grade_low = Some(Grade::PK);
    restart.grade_high = Some(Grade::K);

    let mut years = BTreeMap::new();
    let hs = CampusId::parse("999901001").unwrap();
    let el = CampusId::parse("999901101").unwrap();
    let academy = CampusId::parse("999901102").unwrap();
    let mut hs_2022 = CampusYear::default();
    hs_2022.enrollment.insert(Grade::G(9), 410);
    hs_2022.enrollment.insert(Grade::G(10), 0);
    hs_2022.enrollment.insert(Grade::G(12), 377);
    hs_2022.capacity = Some(1_800);
    hs_2022.rating = Some(Rating::Letter('B'));
    hs_2022.overall_score = Some(83);
    hs_2022.achievement_score = Some(80);
    hs_2022.progress_score = Some(87);
    hs_2022.closing_gaps_score = Some(72);
    hs_2022.groups.insert(
        StudentGroup::EconomicallyDisadvantaged,
        GroupMeasure {
            count: Some(1_322),
            percent: Some(88.9),
        },
    );
    hs_2022.groups.insert(
        StudentGroup::EmergentBilingual,
        GroupMeasure {
            count: None,
            percent: Some(20.2),
        },
    );
    hs_2022
        .groups
        .insert(StudentGroup::SpecialEducation, GroupMeasure::default());
    years.insert((hs.clone(), y2022), hs_2022);
    let hs_2021 = CampusYear {
        rating: Some(Rating::NotRated(NotRatedReason::Sb1365)),
        overall_score: Some(64),
        ..CampusYear::default()
    };
    years.insert((hs.clone(), y2021), hs_2021);
    let el_2021 = CampusYear {
        rating: Some(Rating::NotRated(NotRatedReason::Other(
            "Paired campus, see 999901001".into(),
        ))),
        capacity: Some(0),
        ..CampusYear::default()
    };
    years.insert((el.clone(), y2021), el_2021);
    let el_2022 = CampusYear {
        rating: Some(Rating::NotRated(NotRatedReason::DeclaredDisaster)),
        ..CampusYear::default()
    };
    years.insert((el, y2022), el_2022);
    let academy_2022 = CampusYear {
        rating: None,
        overall_score: Some(55),
        enrollment: [(Grade::PK, 40), (Grade::K, 51)].into_iter().collect(),
        ..CampusYear::default()
    };
    years.insert((academy.clone(), y2022), academy_2022);
    let academy_2021 = CampusYear {
        rating: Some(Rating::NotRated(NotRatedReason::DataUnderReview)),
        groups: [(
            StudentGroup::TwoOrMore,
            GroupMeasure {
                count: Some(3),
                percent: None,
            },
        )]
        .into_iter()
        .collect(),
        ..CampusYear::default()
    };
    years.insert((academy, y2021), academy_2021);

    let residents = vec![
        ResidentCount {
            planning_area_id: "north".into(),
            school_year: y2022,
            grade: Grade::K,
            group: None,
            count: 312,
        },
        ResidentCount {
            planning_area_id: "north".into(),
            school_year: y2022,
            grade: Grade::K,
            group: Some(StudentGroup::EconomicallyDisadvantaged),
            count: 250,
        },
        ResidentCount {
            planning_area_id: "south, east".into(),
            school_year: y2021,
            grade: Grade::G(12),
            group: None,
            count: 0,
        },
    ];

    DistrictSnapshot {
        district_id: Some(district),
        name: "Example Independent School District".into(),
        boundary: Some(json!({"type": "MultiPolygon", "coordinates": [
            [[[-98.6, 29.3], [-98.3, 29.3], [-98.3, 29.6], [-98.6, 29.6], [-98.6, 29.3]]]
        ]})),
        campuses: vec![full, closed, restart],
        campus_years: years,
        planning_areas: vec![
            PlanningArea {
                id: "north".into(),
                name: "North Side".into(),
                geometry: square(-98.5, 29.4),
            },
            PlanningArea {
                id: "south, east".into(),
                name: "South \"East\"".into(),
                geometry: square(-98.5, 29.3),
            },
        ],
        resident_counts: residents,
        grade_bands: Some(GradeBand::parse_list("PK-2, 3-5, 6-8, 9-12").unwrap()),
        attendance_zones: [(CampusId::parse("999901101").unwrap(), square(-98.5, 29.4))].into(),
        births: [(2016, 3395), (2017, 3302)].into(),
        planning: Planning {
            goal: Some((80.0, SchoolYear::starting(2027))),
            definition_of_great: Some(
                serde_json::to_value(sgs_analysis::Framework::ByYear(vec![(
                    SchoolYear::starting(2022),
                    sgs_analysis::Framework::WeightedDomains {
                        achievement: 0.5,
                        progress: 0.3,
                        closing_gaps: 0.2,
                        quality_at: 80.0,
                        mixed_at: 70.0,
                    },
                )]))
                .unwrap(),
            ),
            action_policy: Some(
                serde_json::to_value(&sgs_analysis::portfolio::default_policy()[..2]).unwrap(),
            ),
            scenarios: vec![PlannedScenario {
                name: "Close, then reassign".into(),
                actions: json!([{"type": "close_and_reassign", "campus_id": "999901102", "receiving": ["999901101"]}]),
            }],
            decisions: vec![PlanDecisionRecord {
                campus_id: CampusId::parse("999901101").unwrap(),
                school_year: SchoolYear::starting(2024),
                action: "redesign".into(),
                rationale: "Two years at D, and families leaving".into(),
                owner: "Office of Innovation".into(),
                decided_by: "analyst@example.org".into(),
                decided_at: 1_730_000_000,
            }],
        },
    }
}

#[test]
fn templates_round_trip_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let original = snapshot();
    let written = write_templates(&original, dir.path()).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "campuses.csv",
            "enrollment.csv",
            "ratings.csv",
            "capacity.csv",
            "groups.csv",
            "residents.csv",
            "settings.csv",
            "births.csv",
            "plan_decisions.csv",
            "planning.json",
            "planning_areas.geojson",
            "attendance_zones.geojson",
            "boundary.geojson"
        ]
    );
    let district = original.district_id.clone().unwrap();
    let read = read_templates(dir.path(), &district).unwrap();
    assert_eq!(read, original);

    // Writing what was read gives the same bytes.
    let again = tempfile::tempdir().unwrap();
    write_templates(&read, again.path()).unwrap();
    for name in &names {
        let first = std::fs::read(dir.path().join(name)).unwrap();
        let second = std::fs::read(again.path().join(name)).unwrap();
        assert_eq!(first, second, "{name}");
    }
}

#[test]
fn each_template_reads_back_alone_and_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let original = snapshot();
    write_templates(&original, dir.path()).unwrap();
    let district = original.district_id.clone().unwrap();
    let options = ReadOptions::default();
    let y2021 = SchoolYear::starting(2021);
    let y2022 = SchoolYear::starting(2022);

    for kind in FileKind::all() {
        let Some(name) = kind.template_file() else {
            continue;
        };
        let path = dir.path().join(name);
        assert_eq!(FileKind::detect(&path), Some(kind), "{name}");
        let batch = read_file(&path, kind, &district, &options).unwrap();
        assert_eq!(batch.kind, kind);
        assert_eq!(batch.file, name);
        assert_eq!(batch.data.district_id.as_ref(), Some(&district));
        match kind {
            FileKind::SgsCampuses => {
                assert_eq!(batch.data.campuses, original.campuses);
                assert_eq!(batch.rows, 3);
                assert!(batch.years.is_empty());
            }
            FileKind::SgsEnrollment => {
                assert_eq!(batch.rows, 2);
                assert_eq!(batch.years, [y2022]);
                let hs = &batch.data.campus_years[&(CampusId::parse("999901001").unwrap(), y2022)];
                assert_eq!(
                    hs.enrollment.get(&Grade::G(10)),
                    Some(&0),
                    "zero stays zero"
                );
                assert_eq!(
                    hs.enrollment.get(&Grade::G(11)),
                    None,
                    "blank stays unknown"
                );
                assert_eq!(hs.total_enrollment(), Some(787));
            }
            FileKind::SgsRatings => {
                assert_eq!(batch.rows, 6);
                assert_eq!(batch.years, [y2021, y2022]);
            }
            FileKind::SgsCapacity => {
                assert_eq!(batch.rows, 2);
                assert_eq!(batch.years, [y2021, y2022]);
            }
            FileKind::SgsGroups => {
                assert_eq!(batch.rows, 4);
                assert_eq!(batch.years, [y2021, y2022]);
            }
            FileKind::SgsResidents => {
                assert_eq!(batch.data.resident_counts, original.resident_counts);
                assert_eq!(batch.years, [y2021, y2022]);
            }
            FileKind::SgsPlanningAreas => {
                assert_eq!(batch.data.planning_areas, original.planning_areas);
            }
            FileKind::SgsBirths => {
                assert_eq!(batch.data.births, original.births);
                assert_eq!(batch.rows, 2);
            }
            FileKind::SgsAttendanceZones => {
                assert_eq!(batch.data.attendance_zones, original.attendance_zones);
                assert_eq!(batch.rows, 1);
            }
            FileKind::SgsSettings => {
                assert_eq!(batch.data.grade_bands, original.grade_bands);
                assert_eq!(batch.rows, 1);
                assert!(batch.years.is_empty());
            }
            FileKind::DistrictBoundary => {
                assert_eq!(batch.data.boundary, original.boundary);
                assert_eq!(batch.data.name, original.name);
            }
            FileKind::SgsPlanning => {
                let docs = Planning {
                    decisions: vec![],
                    ..original.planning.clone()
                };
                assert_eq!(batch.data.planning, docs);
            }
            FileKind::SgsPlanDecisions => {
                assert_eq!(batch.data.planning.decisions, original.planning.decisions);
                assert_eq!(batch.rows, 1);
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn template_headers_are_what_the_docs_say() {
    assert_eq!(
        FileKind::SgsEnrollment.template_columns().join(","),
        "school_year,campus_id,EE,PK,K,1,2,3,4,5,6,7,8,9,10,11,12"
    );
    assert_eq!(
        FileKind::SgsRatings.template_columns().join(","),
        "school_year,campus_id,rating,not_rated_reason,overall_score,achievement_score,\
         progress_score,closing_gaps_score"
    );
    assert!(FileKind::TeaDirectory.template_columns().is_empty());
}

#[test]
fn settings_are_written_only_when_the_district_has_set_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut original = snapshot();
    write_templates(&original, dir.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("settings.csv")).unwrap(),
        "key,value\ngrade_bands,\"PK-2, 3-5, 6-8, 9-12\"\n"
    );

    original.grade_bands = None;
    let unset = tempfile::tempdir().unwrap();
    let written = write_templates(&original, unset.path()).unwrap();
    assert!(!unset.path().join("settings.csv").exists(), "{written:?}");
    let district = original.district_id.clone().unwrap();
    assert_eq!(read_templates(unset.path(), &district).unwrap(), original);
}

#[test]
fn template_headers_include_settings() {
    assert_eq!(
        FileKind::SgsSettings.template_columns().join(","),
        "key,value"
    );
    assert_eq!(FileKind::SgsSettings.template_file(), Some("settings.csv"));
    assert_eq!(FileKind::parse("settings"), Some(FileKind::SgsSettings));
}
