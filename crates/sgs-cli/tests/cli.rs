//! The `sgs` binary end to end: importing the real San Antonio ISD files, refusing a malformed
//! file without changing anything, and exporting a district that imports back unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sgs_store::Store;

fn sgs(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgs"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("SGS_DATABASE_URL")
        .output()
        .expect("run sgs")
}

fn texas_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tx");
    if dir.join("tea_askted_directory_2019.csv").exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: the real Texas files are not at {}",
            dir.display()
        );
        None
    }
}

fn import_saisd(data_dir: &Path, tx: &Path) -> Output {
    let mut args = vec![
        "import".to_string(),
        "--district".into(),
        "015907".into(),
        "--district-name".into(),
        "San Antonio Independent School District".into(),
    ];
    args.extend(
        sgs_cli::SAISD_FILES
            .iter()
            .map(|f| tx.join(f).display().to_string()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sgs(data_dir, &args)
}

#[tokio::test]
async fn imports_san_antonio_isd_from_the_published_files_and_refuses_a_bad_one() {
    let Some(tx) = texas_data() else { return };
    let dir = tempfile::tempdir().unwrap();

    let first = import_saisd(dir.path(), &tx);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    let snapshot = store.snapshot("015907").await.unwrap();
    assert_eq!(snapshot.name, "San Antonio Independent School District");
    assert!(
        snapshot.campuses.len() >= 100,
        "{} campuses",
        snapshot.campuses.len()
    );
    let brackenridge = snapshot
        .campuses
        .iter()
        .find(|c| c.id.as_str() == "015907001")
        .unwrap();
    assert_eq!(brackenridge.name, "BRACKENRIDGE H S");
    assert!(
        brackenridge.latitude.is_some(),
        "NCES coordinates were merged"
    );
    assert!(snapshot.boundary.is_some());
    let total_2023: u32 = snapshot
        .campus_years
        .iter()
        .filter(|((_, y), _)| y.to_string() == "2022-2023")
        .filter_map(|(_, f)| f.total_enrollment())
        .sum();
    assert_eq!(total_2023, 45_212, "SAISD fall 2022 membership");
    let years: std::collections::BTreeSet<String> = snapshot
        .campus_years
        .keys()
        .map(|(_, y)| y.to_string())
        .collect();
    assert_eq!(years.len(), 5, "{years:?}");

    // The analyses are commands too, and agree with the published files.
    let north_star = sgs(dir.path(), &["qsa", "north-star", "--district", "015907"]);
    let csv = String::from_utf8_lossy(&north_star.stdout);
    let row_2019 = csv.lines().find(|l| l.starts_with("2018-2019")).unwrap();
    assert!(
        row_2019.contains(",48720,12460,") && row_2019.contains(",25.575,"),
        "{row_2019}"
    );
    let json = sgs(
        dir.path(),
        &[
            "qsa",
            "north-star",
            "--district",
            "015907",
            "--format",
            "json",
        ],
    );
    let years: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(years.as_array().unwrap().len(), 5);
    let projections = sgs(
        dir.path(),
        &[
            "project",
            "enrollment",
            "--district",
            "015907",
            "--average",
            "median",
        ],
    );
    assert!(
        projections.status.success(),
        "{}",
        String::from_utf8_lossy(&projections.stderr)
    );
    assert!(
        String::from_utf8_lossy(&projections.stdout).lines().count() > 80,
        "a projection per campus"
    );
    let refused = sgs(
        dir.path(),
        &[
            "project",
            "enrollment",
            "--district",
            "015907",
            "--horizon",
            "11",
        ],
    );
    assert!(!refused.status.success());

    // Importing again changes nothing: the same years are replaced, not added to.
    let again = import_saisd(dir.path(), &tx);
    assert!(again.status.success());
    let mut after = store.snapshot("015907").await.unwrap();
    let mut before = snapshot.clone();
    after.campuses.sort_by(|a, b| a.id.cmp(&b.id));
    before.campuses.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(after, before);

    // A malformed enrollment file: one bad cell on line 3. Nothing may change, and the error
    // names the file, the line, the field and the value.
    let original =
        std::fs::read_to_string(tx.join("tea_campus_enrollment_by_grade_2019_2023.csv")).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let saisd_line = lines
        .iter()
        .position(|l| l.contains(",015907,015907001,"))
        .unwrap();
    lines[saisd_line] =
        lines[saisd_line].replacen(",015907,015907001,", ",015907,015907001,12x4,", 1);
    let line_count = lines[saisd_line].split(',').count();
    lines[saisd_line] = lines[saisd_line]
        .split(',')
        .take(line_count - 1)
        .collect::<Vec<_>>()
        .join(",");
    let bad = dir.path().join("bad_enrollment.csv");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let refused = sgs(
        dir.path(),
        &["import", "--district", "015907", bad.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!("bad_enrollment.csv:{}", saisd_line + 1)),
        "{stderr}"
    );
    assert!(
        stderr.contains("field total") && stderr.contains("12x4"),
        "{stderr}"
    );

    let mut unchanged = store.snapshot("015907").await.unwrap();
    unchanged.campuses.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(unchanged, before, "a refused import changed the database");
    let imports = store.imports("015907").await.unwrap();
    assert_eq!(imports[0].status, "failed");
    assert!(imports[0].message.contains("12x4"));
}

#[tokio::test]
async fn an_export_imports_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = sgs(dir.path(), &["demo", "--no-serve"]);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let stdout = String::from_utf8_lossy(&loaded.stdout);
    assert!(
        stdout.contains("admin@riverbend.example") && stdout.contains("sgs-demo"),
        "{stdout}"
    );
    // The district's settings are part of its data and travel with the bundle.
    let bands = sgs_domain::GradeBand::parse_list("PK-2, 3-5, 6-8, 9-12").unwrap();
    {
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        store
            .set_grade_bands("999901", &bands, "test")
            .await
            .unwrap();
        // The planning documents travel too: goal, definition of great, policy, a scenario
        // and a plan decision.
        store
            .set_north_star_goal(
                "999901",
                75.0,
                sgs_domain::SchoolYear::starting(2027),
                "test",
            )
            .await
            .unwrap();
        let framework = sgs_analysis::Framework::ByYear(vec![(
            sgs_domain::SchoolYear::starting(2022),
            sgs_analysis::Framework::WeightedDomains {
                achievement: 1.0,
                progress: 1.0,
                closing_gaps: 0.0,
                quality_at: 85.0,
                mixed_at: 70.0,
            },
        )]);
        store
            .set_performance_framework("999901", &serde_json::to_value(&framework).unwrap(), "test")
            .await
            .unwrap();
        let policy = sgs_analysis::portfolio::default_policy();
        store
            .set_action_policy(
                "999901",
                &serde_json::to_value(&policy[1..]).unwrap(),
                "test",
            )
            .await
            .unwrap();
        let id = store
            .create_scenario("999901", "Grow, \"then\" shrink", "test")
            .await
            .unwrap();
        store
            .set_scenario_actions(
                "999901",
                id,
                &serde_json::json!([{"type": "change_seats", "campus_id": "999901101", "seats": 120}]),
                "test",
            )
            .await
            .unwrap();
        store
            .record_decision(
                "999901",
                &sgs_store::NewDecision {
                    campus_id: "999901101",
                    school_year: "2025-2026",
                    action: "redesign",
                    rationale: "Two years, one rating: D",
                    owner: "Office of Innovation",
                },
                "analyst@riverbend.example",
            )
            .await
            .unwrap();
        store.close().await;
    }

    let bundle = dir.path().join("bundle");
    let export = sgs(
        dir.path(),
        &[
            "export",
            "--district",
            "999901",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(&bundle)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("settings.csv")),
        "{files:?}"
    );

    let fresh = tempfile::tempdir().unwrap();
    let mut args = vec!["import", "--district", "999901"];
    args.extend(files.iter().map(String::as_str));
    let import = sgs(fresh.path(), &args);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let original = Store::open_data_dir(dir.path())
        .await
        .unwrap()
        .snapshot("999901")
        .await
        .unwrap();
    let copy = Store::open_data_dir(fresh.path())
        .await
        .unwrap()
        .snapshot("999901")
        .await
        .unwrap();
    assert_eq!(copy.campuses, original.campuses);
    assert_eq!(copy.campus_years, original.campus_years);
    assert_eq!(copy.planning_areas, original.planning_areas);
    assert_eq!(copy.resident_counts, original.resident_counts);
    assert_eq!(copy.boundary, original.boundary);
    assert_eq!(original.grade_bands, Some(bands.clone()));
    assert_eq!(copy.grade_bands, original.grade_bands);
    assert_eq!(original.planning.scenarios.len(), 1);
    assert_eq!(original.planning.decisions.len(), 1);
    assert!(original.planning.goal.is_some() && original.planning.definition_of_great.is_some());
    assert_eq!(copy.planning, original.planning);
    let fresh_store = Store::open_data_dir(fresh.path()).await.unwrap();
    assert_eq!(fresh_store.grade_bands("999901").await.unwrap(), bands);
}

#[test]
fn import_help_lists_every_file_kind() {
    let dir = tempfile::tempdir().unwrap();
    let help = sgs(dir.path(), &["import", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    for kind in sgs_import::FileKind::all() {
        assert!(text.contains(kind.code()), "--help lacks {}", kind.code());
    }
    assert!(text.contains("docs/data-formats.md"));
}

#[tokio::test]
async fn a_stored_scenario_runs_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(sgs(dir.path(), &["demo", "--no-serve"]).status.success());
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    let id = store
        .create_scenario("999901", "Close one", "test")
        .await
        .unwrap();
    let actions = serde_json::json!([
        {"type": "close_and_reassign", "campus_id": "999901102", "receiving": ["999901101"]}
    ]);
    store
        .set_scenario_actions("999901", id, &actions, "test")
        .await
        .unwrap();
    store.close().await;

    let list = sgs(dir.path(), &["scenario", "list", "--district", "999901"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(&format!("{id},Close one,1,test")));
    let run = sgs(
        dir.path(),
        &[
            "scenario",
            "run",
            "--district",
            "999901",
            "--id",
            &id.to_string(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert!(result["displaced"].as_u64().unwrap() > 0, "{result}");
    assert_eq!(result["unplaced"], 0);
    assert_eq!(result["north_star"].as_array().unwrap().len(), 2);
    let missing = sgs(
        dir.path(),
        &["scenario", "run", "--district", "999901", "--id", "999"],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no scenario 999"));
}

#[tokio::test]
async fn triggers_tiers_and_plan_candidates_are_commands() {
    let dir = tempfile::tempdir().unwrap();
    assert!(sgs(dir.path(), &["demo", "--no-serve"]).status.success());
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    let open = store
        .campuses("999901")
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.status == sgs_domain::CampusStatus::Open)
        .count();
    store.close().await;
    let run = |args: &[&str]| {
        let out = sgs(dir.path(), args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let records = |csv: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect()
    };

    // Triggers: the intervention follows the length of the chain, as the statute says.
    let triggers = run(&["qsa", "triggers", "--district", "999901"]);
    assert!(triggers.starts_with("campus_id,name,consecutive_unacceptable,chain,intervention,"));
    let rows = records(&triggers);
    assert!(rows.len() >= 55);
    let mut facing = 0;
    for row in &rows {
        let years: usize = row[2].parse().unwrap();
        let chain = row[3].split_whitespace().count();
        assert_eq!(chain, years, "{row:?}");
        let expected = match years {
            0 | 1 => "None",
            2..=4 => "TurnaroundPlan",
            _ => "ClosureOrBoardOfManagers",
        };
        assert_eq!(&row[4], expected, "{row:?}");
        facing += usize::from(years >= 2);
    }
    assert!(facing > 0, "the demo has campuses facing a turnaround plan");

    // Tiers: five tiers a year; students add up to the North Star's.
    let tiers = records(&run(&["qsa", "tiers", "--district", "999901"]));
    let north = records(&run(&["qsa", "north-star", "--district", "999901"]));
    assert_eq!(tiers.len(), 5 * north.len());
    for (i, year) in north.iter().enumerate() {
        let sum: u32 = tiers[5 * i..5 * i + 5]
            .iter()
            .map(|r| r[2].parse::<u32>().unwrap())
            .sum();
        assert_eq!(sum.to_string(), year[2], "{year:?}");
    }

    // Plan candidates: one row per open campus; a campus facing closure is offered a restart
    // or closure, and a campus no rule fits keeps what works.
    let candidates = records(&run(&["plan", "candidates", "--district", "999901"]));
    assert_eq!(candidates.len(), open);
    for row in &candidates {
        let proposed = &row[7];
        match &row[3] {
            "ClosureOrBoardOfManagers" => assert!(proposed.contains("restart: "), "{row:?}"),
            "TurnaroundPlan" => assert!(proposed.contains("redesign: "), "{row:?}"),
            _ => {}
        }
        assert!(!proposed.is_empty());
    }
    assert!(candidates.iter().any(|r| r[7].starts_with("no_action: ")));
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "plan",
        "candidates",
        "--district",
        "999901",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), open);
    assert_eq!(
        run(&["plan", "decisions", "--district", "999901"])
            .lines()
            .next(),
        Some("campus_id,school_year,action,rationale,owner,decided_at")
    );
}

/// Fetches a page of the app over `store` without signing in.
async fn page(store: &Store, path: &str) -> (axum::http::StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let router = sgs_web::router(sgs_web::AppState::new(store.clone()));
    let request = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn san_antonio_isd_shows_every_lever_1_screen_with_census_zip_areas() {
    let Some(tx) = texas_data() else { return };
    let census = tx.join("saisd_area_zip_child_population_census2010.csv");
    if !census.exists() {
        eprintln!("skipping: {} is absent", census.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    assert!(import_saisd(dir.path(), &tx).status.success());

    // Census counts carry no year of their own: the import must name it.
    let census_arg = census.display().to_string();
    let refused = sgs(dir.path(), &["import", "--district", "015907", &census_arg]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("saisd_area_zip_child_population_census2010.csv")
            && stderr.contains("--year"),
        "{stderr}"
    );
    // The same counts stand for both rated years.
    for year in ["2018-2019", "2021-2022"] {
        let out = sgs(
            dir.path(),
            &[
                "import",
                "--district",
                "015907",
                "--year",
                year,
                &census_arg,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let store = Store::open_data_dir(dir.path()).await.unwrap();
    let snapshot = store.snapshot("015907").await.unwrap();
    // 16 ZIPs in the file; each whose centre's nearest part lies in the district is an area.
    let areas = snapshot.planning_areas.len();
    assert!((12..=16).contains(&areas), "{areas} areas");
    let boundary = snapshot.boundary.clone().unwrap();
    for area in &snapshot.planning_areas {
        // Every area lies inside the district: each of its vertices is in the boundary or on it.
        let ring = &sgs_domain::geo::outer_rings(&area.geometry)[0];
        let (cx, cy) = ring.iter().fold((0.0, 0.0), |(x, y), p| (x + p.0, y + p.1));
        let centre = (cx / ring.len() as f64, cy / ring.len() as f64);
        assert!(
            sgs_domain::geo::contains(&area.geometry, centre.0, centre.1)
                || sgs_domain::geo::contains(&boundary, centre.0, centre.1),
            "{} lies outside the district",
            area.id
        );
    }
    // 78201's kindergartners are its five-year-olds: 669 in the file.
    let k_78201: Vec<u32> = snapshot
        .resident_counts
        .iter()
        .filter(|r| r.planning_area_id == "zip-78201" && r.grade == sgs_domain::Grade::K)
        .map(|r| r.count)
        .collect();
    assert_eq!(k_78201, vec![669, 669], "one count per imported year");
    // 78223 has 41 square miles of land, nearly all outside the district: its 859
    // five-year-olds shrink to the few living in its sliver.
    let k_78223: u32 = snapshot
        .resident_counts
        .iter()
        .filter(|r| r.planning_area_id == "zip-78223" && r.grade == sgs_domain::Grade::K)
        .map(|r| r.count)
        .sum();
    assert!(k_78223 < 2 * 86, "{k_78223}");
    let placed = snapshot
        .campuses
        .iter()
        .filter(|c| c.planning_area_id.is_some())
        .count();
    assert!(
        placed >= 80,
        "campuses with coordinates sit in areas: {placed}"
    );

    // Every Lever 1 screen has something to show for the real district.
    let (status, goals) = page(&store, "/d/015907/goals").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(goals.contains("class=\"gap-4\""), "the choropleth");
    assert!(goals.contains("Priority area"), "priority areas are named");
    assert!(goals.contains("id=\"tiers\""));
    let (_, csv) = page(&store, "/d/015907/downloads/seat-gaps.csv").await;
    assert_eq!(
        csv.lines().count(),
        1 + 2 * 3 * areas,
        "two rated years × three bands × areas"
    );
    let area = goals
        .split("/goals/areas/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, detail) = page(&store, &format!("/d/015907/goals/areas/{area}")).await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(
        detail.contains("/campuses/015907"),
        "the campuses behind the supply"
    );
    let (_, projections) = page(&store, "/d/015907/projections").await;
    assert!(projections.contains("class=\"band\""));
    let (_, list) = page(&store, "/d/015907/campuses").await;
    assert!(list.contains("BRACKENRIDGE H S"));
    let (_, profile) = page(&store, "/d/015907/campuses/015907001").await;
    assert!(profile.contains("BRACKENRIDGE H S") && profile.contains("id=\"projection\""));

    // A scenario on the real district moves its seat gaps.
    let quality = snapshot
        .campus_years
        .iter()
        .find(|((_, y), f)| {
            y.to_string() == "2021-2022"
                && matches!(f.rating, Some(sgs_domain::Rating::Letter('A' | 'B')))
                && f.total_enrollment().unwrap_or(0) > 300
        })
        .map(|((id, _), _)| id.to_string())
        .unwrap();
    let id = store
        .create_scenario("015907", "Add seats", "test")
        .await
        .unwrap();
    let actions = serde_json::json!([{"type": "change_seats", "campus_id": quality, "seats": 400}]);
    store
        .set_scenario_actions("015907", id, &actions, "test")
        .await
        .unwrap();
    store.close().await;
    let run = sgs(
        dir.path(),
        &[
            "scenario",
            "run",
            "--district",
            "015907",
            "--id",
            &id.to_string(),
        ],
    );
    let result: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let moved = result["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["baseline_gap"] != g["scenario_gap"])
        .count();
    assert!(moved >= 1, "{result}");
}
