//! Store behaviour, run on SQLite and, when `TEST_POSTGRES_URL` is set, on PostgreSQL.

use std::collections::BTreeMap;

use serde_json::json;
use sgs_domain::{
    Campus, CampusId, CampusStatus, CampusYear, DistrictId, DistrictSnapshot, Governance, Grade,
    GroupMeasure, NotRatedReason, PlanningArea, Rating, ResidentCount, Role, SchoolYear,
    StudentGroup,
};
use sgs_store::{BatchSource, ReplaceScope, StoreError};

async fn harnesses() -> Vec<sgs_store::testing::TestStore> {
    sgs_store::testing::stores().await
}

fn district() -> DistrictId {
    DistrictId::parse("999901").unwrap()
}

fn year(text: &str) -> SchoolYear {
    SchoolYear::parse(text).unwrap()
}

fn campus(serial: &str, name: &str) -> Campus {
    Campus {
        id: CampusId::parse(&format!("999901{serial}")).unwrap(),
        district_id: district(),
        name: name.to_string(),
        grade_low: Some(Grade::PK),
        grade_high: Some(Grade::G(5)),
        school_type: Some(sgs_domain::SchoolType::Elementary),
        governance: Governance::DistrictRun,
        address: Some("1 Main St".into()),
        latitude: Some(29.5),
        longitude: Some(-98.5),
        programs: vec!["Dual language".into()],
        status: CampusStatus::Open,
        predecessor_id: None,
        planning_area_id: None,
    }
}

fn small_snapshot() -> DistrictSnapshot {
    let mut snapshot = DistrictSnapshot {
        district_id: Some(district()),
        name: "Test ISD".into(),
        boundary: Some(
            json!({"type": "Polygon", "coordinates": [[[-99.0, 29.0], [-98.0, 29.0], [-98.0, 30.0], [-99.0, 29.0]]]}),
        ),
        ..Default::default()
    };
    snapshot.campuses.push(campus("101", "Alamo El"));
    let mut partner = campus("102", "Mission El");
    partner.governance = Governance::PartnerManaged;
    partner.latitude = None;
    partner.longitude = None;
    snapshot.campuses.push(partner);

    let mut facts = CampusYear {
        capacity: Some(500),
        rating: Some(Rating::Letter('B')),
        overall_score: Some(84),
        ..Default::default()
    };
    facts.enrollment.insert(Grade::K, 80);
    facts.enrollment.insert(Grade::G(1), 75);
    facts.groups.insert(
        StudentGroup::EconomicallyDisadvantaged,
        GroupMeasure {
            count: None,
            percent: Some(88.5),
        },
    );
    snapshot
        .campus_years
        .insert((snapshot.campuses[0].id.clone(), year("2021-2022")), facts);
    let mut masked = CampusYear {
        rating: Some(Rating::NotRated(NotRatedReason::Sb1365)),
        ..Default::default()
    };
    masked.enrollment.insert(Grade::K, 40);
    snapshot
        .campus_years
        .insert((snapshot.campuses[1].id.clone(), year("2021-2022")), masked);

    snapshot.planning_areas.push(PlanningArea {
        id: "west".into(),
        name: "West".into(),
        geometry: json!({"type": "Polygon", "coordinates": [[[-99.0, 29.0], [-98.0, 29.0], [-98.0, 30.0], [-99.0, 30.0], [-99.0, 29.0]]]}),
    });
    snapshot.resident_counts.push(ResidentCount {
        planning_area_id: "west".into(),
        school_year: year("2021-2022"),
        grade: Grade::K,
        group: None,
        count: 130,
    });
    snapshot
}

fn source(kind: &'static str) -> BatchSource<'static> {
    BatchSource {
        actor: "test",
        kind,
        file: "test.csv",
        rows: 2,
    }
}

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let harnesses = harnesses().await;
    let sqlite = harnesses[0].store.schema().await.unwrap();
    let tables: Vec<&str> = sqlite.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        tables.contains(&"campuses") && tables.contains(&"audit_log"),
        "{tables:?}"
    );

    // Without PostgreSQL, compare against the columns the PostgreSQL migration declares, so a
    // column added to one flavour only is still caught.
    let declared = declared_schema(concat!(
        include_str!("../migrations/postgres/0001_init.sql"),
        include_str!("../migrations/postgres/0002_district_settings.sql"),
        include_str!("../migrations/postgres/0003_north_star_goals.sql"),
        include_str!("../migrations/postgres/0004_scenarios.sql"),
        include_str!("../migrations/postgres/0005_plan_decisions.sql"),
        include_str!("../migrations/postgres/0006_performance_frameworks.sql"),
        include_str!("../migrations/postgres/0007_attendance_zones.sql"),
        include_str!("../migrations/postgres/0008_births.sql"),
        include_str!("../migrations/postgres/0009_action_policies.sql"),
        include_str!("../migrations/postgres/0010_assessments.sql"),
        include_str!("../migrations/postgres/0011_improvement.sql"),
        include_str!("../migrations/postgres/0012_choice.sql"),
    ));
    let sqlite_without_bookkeeping: Vec<_> = sqlite
        .iter()
        .filter(|(t, _)| t != "schema_migrations")
        .cloned()
        .collect();
    assert_eq!(sqlite_without_bookkeeping, declared);

    for harness in &harnesses[1..] {
        assert_eq!(
            harness.store.schema().await.unwrap(),
            sqlite,
            "{}",
            harness.name
        );
    }
}

/// Tables and columns, sorted by table, as a migration script declares them.
fn declared_schema(script: &str) -> Vec<(String, Vec<String>)> {
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in script.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
            current = Some((rest.split_whitespace().next().unwrap().to_string(), vec![]));
        } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
            // `ALTER TABLE t ADD COLUMN c …`: the column goes last, as both engines put it.
            let words: Vec<&str> = rest.split_whitespace().collect();
            if let [table, "ADD", "COLUMN", column, ..] = words[..] {
                let columns: &mut Vec<String> =
                    tables.get_mut(table).expect("altered table exists");
                columns.push(column.to_string());
            }
        } else if line.starts_with(");") {
            if let Some((table, columns)) = current.take() {
                tables.insert(table, columns);
            }
        } else if let Some((_, columns)) = current.as_mut() {
            let word = line.split_whitespace().next().unwrap_or("");
            if !word.is_empty() && word != "PRIMARY" {
                columns.push(word.to_string());
            }
        }
    }
    tables.into_iter().collect()
}

#[tokio::test]
async fn a_batch_reads_back_as_written() {
    for h in harnesses().await {
        let snapshot = small_snapshot();
        let report = h
            .store
            .apply_batch(
                &district(),
                None,
                &ReplaceScope::everything(vec![year("2021-2022")]),
                &snapshot,
                source("sgs_bundle"),
            )
            .await
            .unwrap();
        assert_eq!(report.campuses, 2, "{}", h.name);
        assert_eq!(report.campus_years, 2, "{}", h.name);

        let back = h.store.snapshot("999901").await.unwrap();
        assert_eq!(back.name, "Test ISD");
        assert_eq!(back.boundary, snapshot.boundary, "{}", h.name);
        assert_eq!(back.campus_years, snapshot.campus_years, "{}", h.name);
        assert_eq!(back.resident_counts, snapshot.resident_counts, "{}", h.name);
        assert_eq!(back.planning_areas, snapshot.planning_areas, "{}", h.name);
        // The campus with coordinates was placed in the planning area that holds it.
        let alamo = back.campuses.iter().find(|c| c.name == "Alamo El").unwrap();
        assert_eq!(
            alamo.planning_area_id.as_deref(),
            Some("west"),
            "{}",
            h.name
        );
        let mission = back
            .campuses
            .iter()
            .find(|c| c.name == "Mission El")
            .unwrap();
        assert_eq!(mission.planning_area_id, None, "{}", h.name);
        assert_eq!(mission.governance, Governance::PartnerManaged);
        assert_eq!(mission.programs, vec!["Dual language".to_string()]);

        // Masked or missing values come back missing, never zero.
        let masked = &back.campus_years[&(mission.id.clone(), year("2021-2022"))];
        assert_eq!(masked.capacity, None, "{}", h.name);
        assert_eq!(masked.enrollment.get(&Grade::G(1)), None, "{}", h.name);
        let econ = &back.campus_years[&(alamo.id.clone(), year("2021-2022"))].groups
            [&StudentGroup::EconomicallyDisadvantaged];
        assert_eq!(econ.count, None, "{}", h.name);
        assert_eq!(econ.percent, Some(88.5), "{}", h.name);

        let imports = h.store.imports("999901").await.unwrap();
        assert_eq!(imports.len(), 1, "{}", h.name);
        assert_eq!(imports[0].status, "ok");
        let audit = h.store.audit_log("999901", 10).await.unwrap();
        assert_eq!(audit[0].action, "import", "{}", h.name);
    }
}

#[tokio::test]
async fn reimporting_a_year_replaces_it_and_leaves_other_years() {
    for h in harnesses().await {
        let mut snapshot = small_snapshot();
        let first = snapshot.clone();
        let alamo = snapshot.campuses[0].id.clone();
        let mut older = CampusYear::default();
        older.enrollment.insert(Grade::K, 70);
        snapshot
            .campus_years
            .insert((alamo.clone(), year("2020-2021")), older.clone());
        let both_years = ReplaceScope::everything(vec![year("2020-2021"), year("2021-2022")]);
        h.store
            .apply_batch(&district(), None, &both_years, &snapshot, source("bundle"))
            .await
            .unwrap();

        // Re-import 2021-2022 enrollment only, with a different number and a campus dropped.
        let mut again = DistrictSnapshot::default();
        let mut facts = CampusYear::default();
        facts.enrollment.insert(Grade::K, 99);
        again
            .campus_years
            .insert((alamo.clone(), year("2021-2022")), facts);
        let scope = ReplaceScope {
            enrollment: true,
            years: vec![year("2021-2022")],
            ..Default::default()
        };
        for _ in 0..2 {
            h.store
                .apply_batch(&district(), None, &scope, &again, source("tea_enrollment"))
                .await
                .unwrap();
        }

        let back = h.store.campus_years("999901", None).await.unwrap();
        let now = &back[&(alamo.clone(), year("2021-2022"))];
        assert_eq!(now.enrollment.get(&Grade::K), Some(&99), "{}", h.name);
        assert_eq!(now.enrollment.get(&Grade::G(1)), None, "{}", h.name);
        // Ratings were outside the scope and are unchanged.
        assert_eq!(now.rating, Some(Rating::Letter('B')), "{}", h.name);
        assert_eq!(
            back[&(alamo.clone(), year("2020-2021"))],
            older,
            "{}",
            h.name
        );
        let mission = &first.campuses[1].id;
        assert!(back[&(mission.clone(), year("2021-2022"))]
            .enrollment
            .is_empty());
    }
}

#[tokio::test]
async fn a_failed_batch_changes_nothing() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![year("2021-2022")]);
        h.store
            .apply_batch(
                &district(),
                None,
                &scope,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let before = h.store.snapshot("999901").await.unwrap();

        // A batch whose last campus belongs to another district fails after earlier writes
        // would have happened; none of them may survive.
        let mut bad = small_snapshot();
        bad.campuses[0].name = "Renamed".into();
        bad.campus_years.values_mut().for_each(|f| {
            f.enrollment.insert(Grade::K, 1);
        });
        let mut stranger = campus("103", "Elsewhere El");
        stranger.id = CampusId::parse("015907103").unwrap();
        bad.campus_years.insert(
            (stranger.id.clone(), year("2021-2022")),
            CampusYear::default(),
        );
        let err = h
            .store
            .apply_batch(&district(), None, &scope, &bad, source("bundle"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{}: {err}", h.name);
        assert!(err.to_string().contains("015907103"), "{err}");

        assert_eq!(
            h.store.snapshot("999901").await.unwrap(),
            before,
            "{}",
            h.name
        );
        assert_eq!(
            h.store.imports("999901").await.unwrap().len(),
            1,
            "{}",
            h.name
        );
    }
}

#[tokio::test]
async fn capacity_edits_are_audited_with_before_and_after() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![year("2021-2022")]);
        let snapshot = small_snapshot();
        h.store
            .apply_batch(&district(), None, &scope, &snapshot, source("bundle"))
            .await
            .unwrap();
        let alamo = &snapshot.campuses[0].id;
        h.store
            .set_capacity(alamo, year("2021-2022"), Some(640), "analyst@example.org")
            .await
            .unwrap();

        let back = h
            .store
            .campus_years("999901", Some(alamo.as_str()))
            .await
            .unwrap();
        assert_eq!(back.len(), 1, "{}", h.name);
        assert_eq!(
            back[&(alamo.clone(), year("2021-2022"))].capacity,
            Some(640)
        );
        let entry = &h.store.audit_log("999901", 1).await.unwrap()[0];
        assert_eq!(entry.actor, "analyst@example.org", "{}", h.name);
        assert_eq!(entry.action, "set_capacity");
        assert_eq!(entry.before, Some(json!({"capacity": 500})), "{}", h.name);
        assert_eq!(entry.after, Some(json!({"capacity": 640})), "{}", h.name);

        let missing = CampusId::parse("999901999").unwrap();
        let err = h
            .store
            .set_capacity(&missing, year("2021-2022"), Some(1), "x")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
    }
}

#[tokio::test]
async fn sessions_expire_and_end() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![]);
        h.store
            .apply_batch(
                &district(),
                None,
                &scope,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let id = h
            .store
            .upsert_user(
                Some("999901"),
                "Ana@Example.org",
                "Ana",
                Role::Analyst,
                "hash",
                "admin@example.org",
            )
            .await
            .unwrap();
        let user = h
            .store
            .user_by_email("ana@example.org")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.id, id, "{}", h.name);
        assert_eq!(user.role, Role::Analyst);
        let audit = h.store.audit_log("999901", 1).await.unwrap();
        assert_eq!(audit[0].action, "upsert_user", "{}", h.name);
        assert_eq!(audit[0].actor, "admin@example.org");
        let after = audit[0].after.as_ref().unwrap().to_string();
        assert!(
            after.contains("ana@example.org") && !after.contains("hash"),
            "{after}"
        );
        let audit = h.store.audit_log("999901", 1).await.unwrap();
        assert_eq!(
            (audit[0].action.as_str(), audit[0].actor.as_str()),
            ("upsert_user", "admin@example.org"),
            "{}",
            h.name
        );
        assert!(
            !audit[0]
                .after
                .as_ref()
                .unwrap()
                .to_string()
                .contains("hash"),
            "no password in the audit log"
        );

        let now = sgs_store::now();
        h.store
            .create_session("live", id, "csrf1", now + 3600)
            .await
            .unwrap();
        h.store
            .create_session("old", id, "csrf2", now - 1)
            .await
            .unwrap();
        let live = h.store.session("live").await.unwrap().unwrap();
        assert_eq!(live.user.email, "ana@example.org", "{}", h.name);
        assert_eq!(live.csrf_token, "csrf1");
        assert!(
            h.store.session("old").await.unwrap().is_none(),
            "{}",
            h.name
        );
        h.store.delete_session("live").await.unwrap();
        assert!(
            h.store.session("live").await.unwrap().is_none(),
            "{}",
            h.name
        );
    }
}

#[tokio::test]
async fn the_demo_district_reads_back_exactly() {
    for h in harnesses().await {
        let demo = sgs_demo::generate();
        let district = DistrictId::parse(sgs_demo::DEMO_DISTRICT_ID).unwrap();
        let scope = ReplaceScope::everything(sgs_demo::school_years());
        h.store
            .apply_batch(&district, None, &scope, &demo, source("demo"))
            .await
            .unwrap();

        let mut back = h.store.snapshot(sgs_demo::DEMO_DISTRICT_ID).await.unwrap();
        let mut expected = demo.clone();
        // The store orders campuses by name and planning areas by name; compare as sets.
        back.campuses.sort_by(|a, b| a.id.cmp(&b.id));
        expected.campuses.sort_by(|a, b| a.id.cmp(&b.id));
        back.planning_areas.sort_by(|a, b| a.id.cmp(&b.id));
        expected.planning_areas.sort_by(|a, b| a.id.cmp(&b.id));
        let key = |r: &ResidentCount| (r.school_year, r.planning_area_id.clone(), r.grade, r.group);
        back.resident_counts.sort_by_key(key);
        expected.resident_counts.sort_by_key(key);
        assert_eq!(back, expected, "{}", h.name);
    }
}

#[tokio::test]
async fn grade_bands_default_and_change_with_an_audit_entry() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![]);
        h.store
            .apply_batch(
                &district(),
                None,
                &scope,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let defaults = h.store.grade_bands("999901").await.unwrap();
        assert_eq!(defaults, sgs_domain::GradeBand::defaults(), "{}", h.name);

        let bands = sgs_domain::GradeBand::parse_list("PK-2, 3-5, 6-8, 9-12").unwrap();
        h.store
            .set_grade_bands("999901", &bands, "analyst@example.org")
            .await
            .unwrap();
        h.store
            .set_grade_bands("999901", &bands, "analyst@example.org")
            .await
            .unwrap();
        assert_eq!(
            h.store.grade_bands("999901").await.unwrap(),
            bands,
            "{}",
            h.name
        );
        let entry = &h.store.audit_log("999901", 1).await.unwrap()[0];
        assert_eq!(entry.action, "set_grade_bands", "{}", h.name);
        assert_eq!(
            entry.before,
            Some(json!({"grade_bands": "PK-2, 3-5, 6-8, 9-12"}))
        );
    }
}

#[tokio::test]
async fn grade_bands_in_a_snapshot_apply_and_read_back() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![year("2021-2022")]);
        h.store
            .apply_batch(
                &district(),
                None,
                &scope,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let unset = h.store.snapshot("999901").await.unwrap();
        assert_eq!(unset.grade_bands, None, "{}: no defaults here", h.name);

        let bands = sgs_domain::GradeBand::parse_list("PK-2, 3-5, 6-8, 9-12").unwrap();
        let mut snapshot = small_snapshot();
        snapshot.grade_bands = Some(bands.clone());
        h.store
            .apply_batch(&district(), None, &scope, &snapshot, source("bundle"))
            .await
            .unwrap();
        let back = h.store.snapshot("999901").await.unwrap();
        assert_eq!(back.grade_bands, Some(bands.clone()), "{}", h.name);
        assert_eq!(h.store.grade_bands("999901").await.unwrap(), bands);

        // A batch without bands, or whose scope leaves settings out, keeps them.
        h.store
            .apply_batch(
                &district(),
                None,
                &scope,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let mut other = small_snapshot();
        other.grade_bands = Some(sgs_domain::GradeBand::defaults());
        let no_settings = ReplaceScope {
            settings: false,
            ..scope.clone()
        };
        h.store
            .apply_batch(&district(), None, &no_settings, &other, source("bundle"))
            .await
            .unwrap();
        let kept = h.store.snapshot("999901").await.unwrap();
        assert_eq!(kept.grade_bands, Some(bands.clone()), "{}", h.name);

        // Overlapping bands are refused and nothing of the batch is written.
        let imports = h.store.imports("999901").await.unwrap().len();
        let mut bad = small_snapshot();
        bad.campuses[0].name = "Renamed".into();
        bad.grade_bands = Some(vec![
            sgs_domain::GradeBand::new(Grade::K, Grade::G(5)),
            sgs_domain::GradeBand::new(Grade::G(5), Grade::G(8)),
        ]);
        let err = h
            .store
            .apply_batch(&district(), None, &scope, &bad, source("bundle"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{}: {err}", h.name);
        assert!(err.to_string().contains("overlap"), "{err}");
        assert_eq!(
            h.store.snapshot("999901").await.unwrap(),
            kept,
            "{}",
            h.name
        );
        assert_eq!(h.store.imports("999901").await.unwrap().len(), imports);
    }
}

#[tokio::test]
async fn attendance_zones_replace_and_read_back() {
    for h in harnesses().await {
        let scope = ReplaceScope::everything(vec![]);
        let mut snapshot = small_snapshot();
        let alamo = snapshot.campuses[0].id.clone();
        let zone = json!({"type": "Polygon", "coordinates": [[[-99.0, 29.0], [-98.5, 29.0], [-98.5, 29.5], [-99.0, 29.0]]]});
        snapshot
            .attendance_zones
            .insert(alamo.clone(), zone.clone());
        h.store
            .apply_batch(&district(), None, &scope, &snapshot, source("bundle"))
            .await
            .unwrap();
        assert_eq!(
            h.store.attendance_zones("999901").await.unwrap()[&alamo],
            zone,
            "{}",
            h.name
        );
        assert_eq!(
            h.store
                .snapshot("999901")
                .await
                .unwrap()
                .attendance_zones
                .len(),
            1
        );

        // A zone for a campus the district does not have is refused, and nothing changes.
        let mut bad = DistrictSnapshot::default();
        bad.attendance_zones
            .insert(CampusId::parse("999901555").unwrap(), zone.clone());
        let zones_only = ReplaceScope {
            attendance_zones: true,
            ..Default::default()
        };
        let err = h
            .store
            .apply_batch(
                &district(),
                None,
                &zones_only,
                &bad,
                source("attendance-zones"),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("999901555"), "{}: {err}", h.name);
        assert_eq!(h.store.attendance_zones("999901").await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn planning_documents_replace_as_a_whole_and_a_demo_refresh_keeps_them() {
    for h in harnesses().await {
        let everything = ReplaceScope::everything(vec![year("2022-2023")]);
        h.store
            .apply_batch(
                &district(),
                Some("Example ISD"),
                &everything,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        let mut with_planning = small_snapshot();
        with_planning.planning = sgs_domain::Planning {
            goal: Some((80.0, year("2027-2028"))),
            definition_of_great: Some(json!("TeaAtoF")),
            action_policy: Some(json!([])),
            scenarios: vec![
                sgs_domain::PlannedScenario {
                    name: "First".into(),
                    actions: json!([]),
                },
                sgs_domain::PlannedScenario {
                    name: "Second".into(),
                    actions: json!([{"type": "change_seats", "campus_id": "999901101", "seats": 5}]),
                },
            ],
            decisions: vec![sgs_domain::PlanDecisionRecord {
                campus_id: sgs_domain::CampusId::parse("999901101").unwrap(),
                school_year: year("2024-2025"),
                action: "restart".into(),
                rationale: "Five years unacceptable".into(),
                owner: "Superintendent".into(),
                decided_by: "board@example.org".into(),
                decided_at: 1_700_000_000,
            }],
        };
        let planning_only = ReplaceScope {
            planning: true,
            plan_decisions: true,
            ..ReplaceScope::default()
        };
        h.store
            .apply_batch(
                &district(),
                None,
                &planning_only,
                &with_planning,
                source("planning"),
            )
            .await
            .unwrap();
        let read = h.store.planning("999901").await.unwrap();
        assert_eq!(read, with_planning.planning, "{}", h.name);
        assert_eq!(h.store.scenarios("999901").await.unwrap().len(), 2);

        // Refreshing the district's data with everything() leaves the planning alone.
        h.store
            .apply_batch(
                &district(),
                None,
                &everything,
                &small_snapshot(),
                source("bundle"),
            )
            .await
            .unwrap();
        assert_eq!(
            h.store.planning("999901").await.unwrap(),
            read,
            "{}",
            h.name
        );

        // An empty planning file clears the documents, and the decisions stay unless their
        // own file is imported.
        let docs_only = ReplaceScope {
            planning: true,
            ..ReplaceScope::default()
        };
        h.store
            .apply_batch(
                &district(),
                None,
                &docs_only,
                &small_snapshot(),
                source("planning"),
            )
            .await
            .unwrap();
        let cleared = h.store.planning("999901").await.unwrap();
        assert_eq!(cleared.goal, None, "{}", h.name);
        assert!(cleared.scenarios.is_empty() && cleared.action_policy.is_none());
        assert_eq!(cleared.decisions, read.decisions);
    }
}
