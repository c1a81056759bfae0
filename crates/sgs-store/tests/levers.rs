//! Levers 3 and 4 in the store, on SQLite and, when `TEST_POSTGRES_URL` is set, on PostgreSQL:
//! universal goals with barriers and strategies, initiatives with milestones and artifacts,
//! driver diagrams, measures and PDSA ramps; and the school-choice seasons, match runs and
//! chances of offer. Each is kept within its district and audited.

use sgs_domain::{DistrictId, DistrictSnapshot};
use sgs_store::testing::TestStore;
use sgs_store::{
    BatchSource, InitiativeEdit, NewInitiative, NewMeasure, NewStrategy, PdsaFields, ReplaceScope,
    StoreError,
};

const DISTRICT: &str = "999901";
const OTHER: &str = "015907";

async fn stores() -> Vec<TestStore> {
    let mut out = Vec::new();
    for h in sgs_store::testing::stores().await {
        for id in [DISTRICT, OTHER] {
            let snapshot = DistrictSnapshot {
                name: format!("District {id}"),
                ..Default::default()
            };
            h.store
                .apply_batch(
                    &DistrictId::parse(id).unwrap(),
                    None,
                    &ReplaceScope::everything(vec![]),
                    &snapshot,
                    BatchSource {
                        actor: "test",
                        kind: "test",
                        file: "none",
                        rows: 0,
                    },
                )
                .await
                .unwrap();
        }
        out.push(h);
    }
    out
}

fn work(title: &str) -> NewInitiative<'_> {
    NewInitiative {
        title,
        owner: "Chief Innovation Officer",
        due_date: Some("2026-06-30"),
        lever_id: Some("l4"),
        source_indicator_id: None,
        source_assessment_id: None,
    }
}

#[tokio::test]
async fn goals_barriers_and_strategies_stay_in_their_district() {
    for h in stores().await {
        let s = &h.store;
        let goal = s
            .create_universal_goal(
                DISTRICT,
                "Every student in a great school",
                "quality_seats",
                80.0,
                "2027-2028",
                "cio",
            )
            .await
            .unwrap();
        let refused = s
            .create_universal_goal(DISTRICT, "x", "happiness", 80.0, "2027-2028", "cio")
            .await
            .unwrap_err();
        assert!(
            matches!(refused, StoreError::Invalid(_)),
            "{}: {refused}",
            h.name
        );
        let barrier = s
            .add_barrier(
                DISTRICT,
                goal,
                "group:emergent_bilingual",
                "Few dual-language seats",
                "Seat map, 2024",
                "cio",
            )
            .await
            .unwrap();
        let initiative = s
            .create_initiative(DISTRICT, &work("Dual-language expansion"), "cio")
            .await
            .unwrap();
        s.add_strategy(
            DISTRICT,
            goal,
            &NewStrategy {
                population: "group:emergent_bilingual",
                barrier_id: Some(barrier),
                action: "Open two dual-language strands",
                owner: "Multilingual office",
                initiative_id: Some(initiative),
            },
            "cio",
        )
        .await
        .unwrap();
        let strategies = s.strategies(goal).await.unwrap();
        assert_eq!(strategies.len(), 1, "{}", h.name);
        assert_eq!(strategies[0].barrier_id, Some(barrier));
        assert_eq!(
            s.barriers(goal).await.unwrap()[0].evidence,
            "Seat map, 2024"
        );

        // Another district can neither add to this goal nor point a strategy at its work.
        let err = s
            .add_barrier(OTHER, goal, "all", "x", "y", "them")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        let theirs = s
            .create_universal_goal(OTHER, "Theirs", "quality_seats", 70.0, "2028-2029", "them")
            .await
            .unwrap();
        let err = s
            .add_strategy(
                OTHER,
                theirs,
                &NewStrategy {
                    population: "all",
                    barrier_id: None,
                    action: "x",
                    owner: "y",
                    initiative_id: Some(initiative),
                },
                "them",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        // A barrier of another goal is refused too.
        let err = s
            .add_strategy(
                OTHER,
                theirs,
                &NewStrategy {
                    population: "all",
                    barrier_id: Some(barrier),
                    action: "x",
                    owner: "y",
                    initiative_id: None,
                },
                "them",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        assert_eq!(s.universal_goals(DISTRICT).await.unwrap().len(), 1);
        let audit = s.audit_log(DISTRICT, 20).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "add_strategy"),
            "{}",
            h.name
        );
    }
}

#[tokio::test]
async fn initiatives_grow_fields_milestones_and_artifacts() {
    for h in stores().await {
        let s = &h.store;
        let id = s
            .create_initiative(DISTRICT, &work("Launch the design team"), "cio")
            .await
            .unwrap();
        let edit = InitiativeEdit {
            title: "Launch the SGS design team",
            owner: "Ana Analyst",
            description: Some("Cabinet, principals and two families"),
            lever_id: Some("l4"),
            mode: Some("explore"),
            start_date: Some("2025-08-01"),
            due_date: Some("2026-06-30"),
            budget: Some(45_000.0),
            goal_id: None,
            status: "open",
        };
        s.update_initiative(DISTRICT, id, &edit, "cio")
            .await
            .unwrap();
        let stored = s.initiative(DISTRICT, id).await.unwrap().unwrap();
        assert_eq!(stored.title, "Launch the SGS design team", "{}", h.name);
        assert_eq!(
            (stored.mode.as_deref(), stored.budget),
            (Some("explore"), Some(45_000.0))
        );
        assert!(
            s.initiative(OTHER, id).await.unwrap().is_none(),
            "{}",
            h.name
        );
        let err = s
            .update_initiative(
                DISTRICT,
                id,
                &InitiativeEdit {
                    mode: Some("exploit"),
                    ..edit.clone()
                },
                "cio",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)));
        let entry = &s.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert_eq!(entry.action, "update_initiative", "{}", h.name);
        assert!(entry
            .before
            .as_ref()
            .unwrap()
            .to_string()
            .contains("Launch the design team"));

        let ids = s
            .add_milestones(
                DISTRICT,
                id,
                &[
                    ("Charter the team", "2025-09-15", Some(2)),
                    ("First meeting", "2025-10-01", None),
                ],
                "cio",
            )
            .await
            .unwrap();
        s.set_milestone_done(DISTRICT, ids[0], Some("2025-09-12"), "cio")
            .await
            .unwrap();
        let milestones = s.milestones(DISTRICT).await.unwrap();
        assert_eq!(milestones.len(), 2);
        assert_eq!(milestones[0].done_on.as_deref(), Some("2025-09-12"));
        assert_eq!(milestones[0].roadmap_step, Some(2));
        assert_eq!(milestones[1].title, "First meeting");
        let err = s
            .set_milestone_done(OTHER, ids[1], Some("2025-10-01"), "them")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        s.add_artifact(
            DISTRICT,
            id,
            "Team charter",
            "https://riverbend.example/charter.pdf",
            "cio",
        )
        .await
        .unwrap();
        assert_eq!(s.artifacts(id).await.unwrap()[0].title, "Team charter");
    }
}

#[tokio::test]
async fn driver_diagrams_keep_their_shape() {
    for h in stores().await {
        let s = &h.store;
        let aim = s
            .add_driver_node(
                DISTRICT,
                None,
                None,
                "aim",
                "Chronic absence below 10% by May",
                "cio",
            )
            .await
            .unwrap();
        let primary = s
            .add_driver_node(
                DISTRICT,
                None,
                Some(aim),
                "primary",
                "Families feel welcome",
                "cio",
            )
            .await
            .unwrap();
        let secondary = s
            .add_driver_node(
                DISTRICT,
                None,
                Some(primary),
                "secondary",
                "Personal contact",
                "cio",
            )
            .await
            .unwrap();
        let idea = s
            .add_driver_node(
                DISTRICT,
                None,
                Some(secondary),
                "change",
                "Call home on day one",
                "cio",
            )
            .await
            .unwrap();
        // Wrong level, no parent, or another district's node: refused.
        for (parent, kind) in [
            (Some(aim), "secondary"),
            (None, "primary"),
            (Some(idea), "change"),
            (Some(aim), "aim"),
        ] {
            let err = s
                .add_driver_node(DISTRICT, None, parent, kind, "x", "cio")
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Invalid(_)),
                "{}: {kind} under {parent:?}: {err}",
                h.name
            );
        }
        let err = s
            .add_driver_node(OTHER, None, Some(aim), "primary", "x", "them")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        let nodes = s.driver_nodes(DISTRICT).await.unwrap();
        assert_eq!(nodes.len(), 4);
        assert_eq!(nodes[3].parent_id, Some(secondary));
        s.edit_driver_node(DISTRICT, idea, "Call home on day one of an absence", "cio")
            .await
            .unwrap();
        assert_eq!(
            s.driver_nodes(DISTRICT).await.unwrap()[3].text,
            "Call home on day one of an absence"
        );

        // PDSA cycles: on change ideas only; a ramp follows a cycle of the same idea.
        let fields = PdsaFields {
            title: "Cycle 1: one teacher".into(),
            question: "Do calls bring students back sooner?".into(),
            prediction: "Half return the next day".into(),
            ..Default::default()
        };
        let first = s
            .create_pdsa(DISTRICT, idea, None, &fields, "cio")
            .await
            .unwrap();
        let err = s
            .create_pdsa(DISTRICT, secondary, None, &fields, "cio")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        let second = s
            .create_pdsa(
                DISTRICT,
                idea,
                Some(first),
                &PdsaFields {
                    title: "Cycle 2: a grade".into(),
                    ..fields.clone()
                },
                "cio",
            )
            .await
            .unwrap();
        let done = PdsaFields {
            do_notes: "12 calls in two weeks".into(),
            study_notes: "7 of 12 came back the next day, more than predicted".into(),
            act: Some("adopt".into()),
            next_steps: "Cycle 2 with a whole grade".into(),
            ..fields.clone()
        };
        s.update_pdsa(DISTRICT, first, &done, "cio").await.unwrap();
        let bad = PdsaFields {
            act: Some("ignore".into()),
            ..done.clone()
        };
        assert!(matches!(
            s.update_pdsa(DISTRICT, first, &bad, "cio").await,
            Err(StoreError::Invalid(_))
        ));
        let cycles = s.pdsa_cycles(DISTRICT).await.unwrap();
        assert_eq!(cycles.len(), 2, "{}", h.name);
        assert_eq!(cycles[0].fields.act.as_deref(), Some("adopt"));
        assert_eq!(cycles[1].previous_id, Some(first));
        assert_eq!(cycles[1].id, second);
        assert!(s.pdsa_cycles(OTHER).await.unwrap().is_empty());

        // Measures link to nodes once.
        let measure = s
            .create_measure(
                DISTRICT,
                &NewMeasure {
                    initiative_id: None,
                    name: "Chronic absence",
                    family: "outcome",
                    better: "down",
                    unit: "%",
                    source: "manual",
                },
                "cio",
            )
            .await
            .unwrap();
        s.link_node_measure(DISTRICT, aim, measure, "cio")
            .await
            .unwrap();
        s.link_node_measure(DISTRICT, aim, measure, "cio")
            .await
            .unwrap();
        assert_eq!(
            s.node_measures(DISTRICT).await.unwrap(),
            vec![(aim, measure)]
        );
        assert!(s
            .link_node_measure(OTHER, aim, measure, "them")
            .await
            .is_err());
    }
}

#[tokio::test]
async fn measure_values_are_written_all_or_nothing_in_period_order() {
    for h in stores().await {
        let s = &h.store;
        let new = NewMeasure {
            initiative_id: None,
            name: "Calls home",
            family: "process",
            better: "up",
            unit: "calls",
            source: "manual",
        };
        let bad = s
            .create_measure(
                DISTRICT,
                &NewMeasure {
                    family: "vanity",
                    ..new.clone()
                },
                "cio",
            )
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))));
        let id = s.create_measure(DISTRICT, &new, "cio").await.unwrap();
        let values = |pairs: &[(&str, Option<f64>)]| -> Vec<(String, Option<f64>)> {
            pairs.iter().map(|(p, v)| (p.to_string(), *v)).collect()
        };
        s.set_measure_values(
            DISTRICT,
            id,
            &values(&[
                ("2025-09", Some(3.0)),
                ("2025-10", None),
                ("2025-11", Some(5.0)),
            ]),
            false,
            "cio",
        )
        .await
        .unwrap();
        // A period given again takes the new value and keeps its place; a new one goes last.
        s.set_measure_values(
            DISTRICT,
            id,
            &values(&[("2025-10", Some(4.0)), ("2025-12", Some(6.5))]),
            false,
            "cio",
        )
        .await
        .unwrap();
        assert_eq!(
            s.measure_values(id).await.unwrap(),
            values(&[
                ("2025-09", Some(3.0)),
                ("2025-10", Some(4.0)),
                ("2025-11", Some(5.0)),
                ("2025-12", Some(6.5))
            ]),
            "{}",
            h.name
        );
        // A repeated period refuses the whole write.
        let err = s
            .set_measure_values(
                DISTRICT,
                id,
                &values(&[("2026-01", Some(1.0)), ("2026-01", Some(2.0))]),
                true,
                "cio",
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("given twice"), "{err}");
        assert_eq!(
            s.measure_values(id).await.unwrap().len(),
            4,
            "{}: nothing written",
            h.name
        );
        // Replacing starts the series again.
        s.set_measure_values(
            DISTRICT,
            id,
            &values(&[("W1", Some(1.0)), ("W2", Some(2.0))]),
            true,
            "cio",
        )
        .await
        .unwrap();
        assert_eq!(
            s.measure_values(id).await.unwrap(),
            values(&[("W1", Some(1.0)), ("W2", Some(2.0))])
        );
        let err = s
            .set_measure_values(OTHER, id, &values(&[("W3", Some(3.0))]), false, "them")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}", h.name);
        s.set_phase_starts(DISTRICT, id, &["W2".to_string()], "cio")
            .await
            .unwrap();
        assert_eq!(
            s.measure(DISTRICT, id).await.unwrap().unwrap().phase_starts,
            vec!["W2"]
        );
        assert!(s.measure(OTHER, id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn choice_seasons_runs_and_chances_are_kept_by_district() {
    for h in stores().await {
        let s = &h.store;
        let files = vec![
            (
                "programs.csv".to_string(),
                "program_id,capacity\nA,1\n".to_string(),
            ),
            ("students.csv".to_string(), "student_id\ns1\n".to_string()),
        ];
        s.set_choice_files(DISTRICT, "2024-2025", &files, "enroll")
            .await
            .unwrap();
        assert!(matches!(
            s.set_choice_files(DISTRICT, "2024", &files, "enroll").await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.choice_files(DISTRICT, "2024-2025").await.unwrap(),
            files,
            "{}",
            h.name
        );
        assert!(s.choice_files(OTHER, "2024-2025").await.unwrap().is_empty());
        // Replacing a season replaces every file; the audit names files and sizes only.
        s.set_choice_files(DISTRICT, "2024-2025", &files[..1], "enroll")
            .await
            .unwrap();
        assert_eq!(
            s.choice_files(DISTRICT, "2024-2025").await.unwrap().len(),
            1
        );
        let entry = &s.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert!(
            !entry
                .after
                .as_ref()
                .unwrap()
                .to_string()
                .contains("program_id,capacity"),
            "{}",
            h.name
        );
        assert_eq!(s.choice_seasons(DISTRICT).await.unwrap(), ["2024-2025"]);

        let summary = serde_json::json!({"students": 1});
        let run = sgs_store::NewMatchRun {
            season: "2024-2025",
            label: "Official",
            policy: "{}",
            public_value: Some("draw 17"),
            seed: &"ab".repeat(32),
            input_digest: &"cd".repeat(32),
            summary: &summary,
        };
        let outputs = vec![(
            "assignments.csv".to_string(),
            "student_id,program_id,rank\ns1,A,1\n".to_string(),
        )];
        let id = s
            .record_match_run(DISTRICT, &run, &outputs, "enroll")
            .await
            .unwrap();
        let runs = s.match_runs(DISTRICT).await.unwrap();
        assert_eq!(
            (runs.len(), runs[0].id, runs[0].summary["students"].as_i64()),
            (1, id, Some(1)),
            "{}",
            h.name
        );
        assert_eq!(s.match_run_files(DISTRICT, id).await.unwrap(), outputs);
        assert!(
            s.match_run_files(OTHER, id).await.unwrap().is_empty(),
            "{}: another district's run",
            h.name
        );
        assert!(s.match_runs(OTHER).await.unwrap().is_empty());

        s.set_offer_chances(
            DISTRICT,
            "2024-2025",
            100,
            &serde_json::json!({"programs": []}),
            "enroll",
        )
        .await
        .unwrap();
        s.set_offer_chances(
            DISTRICT,
            "2024-2025",
            200,
            &serde_json::json!({"programs": [1]}),
            "enroll",
        )
        .await
        .unwrap();
        let chances = s.offer_chances(DISTRICT).await.unwrap().unwrap();
        assert_eq!(
            (chances.redraws, chances.season.as_str()),
            (200, "2024-2025"),
            "{}",
            h.name
        );
        assert!(s.offer_chances(OTHER).await.unwrap().is_none());
    }
}
