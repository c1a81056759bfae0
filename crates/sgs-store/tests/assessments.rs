//! The self-assessment cycle in the store, on SQLite and, when `TEST_POSTGRES_URL` is set, on
//! PostgreSQL: rubric versions, opening, inviting, drafts and submissions, consensus, closing,
//! follow-up work, and the rules that refuse what would break the cycle.

use sgs_assessment::{
    change_since, score, Answer, Consensus, RaterRole, Rubric, RubricChange, Status, Text,
};
use sgs_domain::{DistrictId, DistrictSnapshot, Role, SchoolYear};
use sgs_store::testing::TestStore;
use sgs_store::{BatchSource, NewInitiative, RatingInput, ReplaceScope, Store, StoreError};

const DISTRICT: &str = "999901";

fn year(text: &str) -> SchoolYear {
    SchoolYear::parse(text).unwrap()
}

/// A fresh store per backend with two districts and accounts: an administrator, a facilitator
/// and two raters in the first, one account in the second.
struct Setup {
    h: TestStore,
    admin: i64,
    facilitator: i64,
    ana: i64,
    ben: i64,
    outsider: i64,
}

async fn setups() -> Vec<Setup> {
    let mut out = Vec::new();
    for h in sgs_store::testing::stores().await {
        for (id, name) in [(DISTRICT, "Test ISD"), ("015907", "Other ISD")] {
            let snapshot = DistrictSnapshot {
                name: name.into(),
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
        let user = |email: &'static str, role, district: &'static str| {
            let store = h.store.clone();
            async move {
                store
                    .upsert_user(Some(district), email, email, role, "hash", "test")
                    .await
                    .unwrap()
            }
        };
        let admin = user("admin@t.example", Role::Admin, DISTRICT).await;
        let facilitator = user("cio@t.example", Role::Analyst, DISTRICT).await;
        let ana = user("ana@t.example", Role::Reviewer, DISTRICT).await;
        let ben = user("ben@t.example", Role::Partner, DISTRICT).await;
        let outsider = user("out@t.example", Role::Reviewer, "015907").await;
        out.push(Setup {
            h,
            admin,
            facilitator,
            ana,
            ben,
            outsider,
        });
    }
    out
}

fn answer(indicator_id: &str, answer: Option<Answer>, note: &str) -> RatingInput {
    RatingInput {
        indicator_id: indicator_id.into(),
        answer,
        note: note.into(),
        evidence_links: vec![],
    }
}

/// An answer on every active indicator of `rubric`: `level` everywhere, "don't know" on the last.
fn complete(rubric: &Rubric, level: u8) -> Vec<RatingInput> {
    let active: Vec<&str> = rubric
        .active_indicators()
        .map(|(_, _, i)| i.id.as_str())
        .collect();
    active
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let a = if n + 1 == active.len() {
                Answer::DontKnow
            } else {
                Answer::Level(level)
            };
            answer(id, Some(a), "")
        })
        .collect()
}

fn agreed(id: &str, level: u8) -> Consensus {
    Consensus {
        indicator_id: id.into(),
        level,
        rationale: format!("we agreed on {level}"),
    }
}

fn invalid(result: Result<(), StoreError>) -> String {
    match result {
        Err(StoreError::Invalid(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const GOAL: &str = "l1.goals.board-adopted";
const QSA: &str = "l1.qsa.tiers";

#[tokio::test]
async fn a_cycle_saves_drafts_submits_agrees_closes_and_scores() {
    for s in setups().await {
        let store: &Store = &s.h.store;
        let name = s.h.name;
        let id = store
            .open_assessment(
                DISTRICT,
                year("2024-2025"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        store
            .invite_rater(DISTRICT, id, s.ana, RaterRole::Cabinet, "admin@t.example")
            .await
            .unwrap();
        store
            .invite_rater(DISTRICT, id, s.ben, RaterRole::Board, "admin@t.example")
            .await
            .unwrap();
        // Inviting again changes the seat, not the number of raters.
        store
            .invite_rater(DISTRICT, id, s.ben, RaterRole::Community, "admin@t.example")
            .await
            .unwrap();
        let record = store.assessment(DISTRICT, id).await.unwrap().unwrap();
        assert_eq!(record.status, Status::Open, "{name}");
        assert_eq!(
            record.rubric_version, 1,
            "the base rubric, stored on first use"
        );
        assert_eq!(record.facilitator_name, "cio@t.example");
        assert_eq!(store.rubric_versions(DISTRICT).await.unwrap().len(), 1);
        let raters = store.raters(id).await.unwrap();
        let seats: Vec<(i64, RaterRole)> =
            raters.iter().map(|r| (r.user_id, r.rater_role)).collect();
        assert_eq!(
            seats,
            [(s.ana, RaterRole::Cabinet), (s.ben, RaterRole::Community)],
            "{name}"
        );

        // Ana saves a draft, with a note kept before she picks a level, and comes back to it.
        let mut draft = answer(GOAL, Some(Answer::Level(2)), "Board minutes, March");
        draft.evidence_links = vec!["https://example.org/minutes.pdf".into()];
        store
            .save_ratings(
                DISTRICT,
                id,
                s.ana,
                &[draft.clone(), answer(QSA, None, "ask the analyst")],
                "ana@t.example",
            )
            .await
            .unwrap();
        let mut back = store.ratings_of(id, s.ana).await.unwrap();
        back.sort_by(|a, b| a.indicator_id.cmp(&b.indicator_id));
        assert_eq!(back.len(), 2, "{name}");
        assert_eq!(back[0].indicator_id, GOAL);
        assert_eq!(back[0].answer, Some(Answer::Level(2)));
        assert_eq!(back[0].note, "Board minutes, March");
        assert_eq!(back[0].evidence_links, draft.evidence_links);
        assert_eq!(
            (back[1].answer, back[1].note.as_str()),
            (None, "ask the analyst")
        );
        assert!(store.ratings_of(id, s.ben).await.unwrap().is_empty());
        assert_eq!(
            store.raters(id).await.unwrap()[0].answered,
            1,
            "a note is not an answer"
        );

        // Submitting needs every indicator answered.
        let rubric = store.rubric(DISTRICT, 1).await.unwrap().unwrap();
        let active = rubric.active_indicators().count();
        let message = invalid(
            store
                .submit_ratings(DISTRICT, id, s.ana, "ana@t.example")
                .await,
        );
        assert!(
            message.starts_with(&format!("{} indicators have no answer", active - 1)),
            "{name}: {message}"
        );
        // Changing an answer replaces it; the rest fills the form.
        let mut all = complete(&rubric, 1);
        all[0] = answer(&all[0].indicator_id.clone(), Some(Answer::Level(1)), "");
        store
            .save_ratings(DISTRICT, id, s.ana, &all, "ana@t.example")
            .await
            .unwrap();
        store
            .save_ratings(
                DISTRICT,
                id,
                s.ana,
                &[answer(GOAL, Some(Answer::Level(4)), "changed my mind")],
                "ana@t.example",
            )
            .await
            .unwrap();
        store
            .submit_ratings(DISTRICT, id, s.ana, "ana@t.example")
            .await
            .unwrap();
        let goal = store
            .ratings_of(id, s.ana)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.indicator_id == GOAL)
            .unwrap();
        assert_eq!(goal.answer, Some(Answer::Level(4)), "{name}");
        // Submitted ratings no longer change.
        let message = invalid(
            store
                .save_ratings(
                    DISTRICT,
                    id,
                    s.ana,
                    &[answer(GOAL, Some(Answer::Level(1)), "")],
                    "ana@t.example",
                )
                .await,
        );
        assert!(message.contains("already submitted"), "{message}");

        // Ben has only a draft: it is not counted in the scoring input.
        store
            .save_ratings(
                DISTRICT,
                id,
                s.ben,
                &[answer(GOAL, Some(Answer::Level(1)), "")],
                "ben@t.example",
            )
            .await
            .unwrap();
        let input = store.scoring_input(&record).await.unwrap();
        assert!(
            input.ratings.iter().all(|r| r.rater == s.ana.to_string()),
            "{name}: drafts do not count"
        );
        assert_eq!(input.ratings.len(), active, "{name}");

        // The facilitator records consensus; recording again replaces, with before and after.
        store
            .record_consensus(
                DISTRICT,
                id,
                &[agreed(GOAL, 3), agreed(QSA, 1)],
                s.facilitator,
                "cio@t.example",
            )
            .await
            .unwrap();
        store
            .record_consensus(
                DISTRICT,
                id,
                &[agreed(GOAL, 2)],
                s.facilitator,
                "cio@t.example",
            )
            .await
            .unwrap();
        let audit = store.audit_log(DISTRICT, 1).await.unwrap();
        assert_eq!(audit[0].action, "record_consensus", "{name}");
        assert_eq!(audit[0].before.as_ref().unwrap()[0]["level"], 3);
        assert_eq!(audit[0].after.as_ref().unwrap()[0]["level"], 2);
        let mut consensus = store.consensus(id).await.unwrap();
        consensus.sort_by(|a, b| a.indicator_id.cmp(&b.indicator_id));
        assert_eq!(consensus.len(), 2);
        assert_eq!(
            (consensus[0].indicator_id.as_str(), consensus[0].level),
            (GOAL, 2)
        );
        assert_eq!(consensus[0].rationale, "we agreed on 2");
        assert_eq!(consensus[0].recorded_by_name, "cio@t.example");

        // The stored assessment scores: Ana's 4 on the goal is the only submitted rating there.
        let input = store.scoring_input(&record).await.unwrap();
        let results = score(&rubric, &input).unwrap();
        let goal = results.indicator(GOAL).unwrap();
        assert_eq!(goal.consensus, Some(2), "{name}");
        assert_eq!(goal.spread.counts, vec![0, 0, 0, 1]);

        store
            .close_assessment(DISTRICT, id, "cio@t.example")
            .await
            .unwrap();
        let closed = store.assessment(DISTRICT, id).await.unwrap().unwrap();
        assert_eq!(closed.status, Status::Closed, "{name}");
        assert!(closed.closed_at.is_some());
        // Nothing changes once closed.
        for message in [
            invalid(
                store
                    .record_consensus(
                        DISTRICT,
                        id,
                        &[agreed(GOAL, 4)],
                        s.facilitator,
                        "cio@t.example",
                    )
                    .await,
            ),
            invalid(
                store
                    .save_ratings(
                        DISTRICT,
                        id,
                        s.ben,
                        &[answer(GOAL, Some(Answer::Level(2)), "")],
                        "ben@t.example",
                    )
                    .await,
            ),
            invalid(
                store
                    .invite_rater(DISTRICT, id, s.admin, RaterRole::Cabinet, "admin@t.example")
                    .await,
            ),
            invalid(store.close_assessment(DISTRICT, id, "cio@t.example").await),
        ] {
            assert!(message.contains("is closed"), "{name}: {message}");
        }
    }
}

#[tokio::test]
async fn rating_audit_entries_never_hold_what_a_rater_said() {
    for s in setups().await {
        let store = &s.h.store;
        let id = store
            .open_assessment(
                DISTRICT,
                year("2024-2025"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        store
            .invite_rater(DISTRICT, id, s.ana, RaterRole::Principal, "admin@t.example")
            .await
            .unwrap();
        let mut secret = answer(
            GOAL,
            Some(Answer::Level(3)),
            "the superintendent is wavering",
        );
        secret.evidence_links = vec!["https://example.org/private-memo".into()];
        store
            .save_ratings(DISTRICT, id, s.ana, &[secret], "ana@t.example")
            .await
            .unwrap();
        let entry = &store.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert_eq!(entry.action, "save_ratings", "{}", s.h.name);
        assert_eq!(entry.actor, "ana@t.example");
        let recorded = format!("{:?} {:?}", entry.before, entry.after);
        for private in ["wavering", "private-memo", "\"3\"", "level"] {
            assert!(!recorded.contains(private), "{}: {recorded}", s.h.name);
        }
        assert_eq!(entry.after.as_ref().unwrap()["indicators_saved"], 1);
    }
}

#[tokio::test]
async fn bad_writes_are_refused_whole() {
    for s in setups().await {
        let store = &s.h.store;
        let name = s.h.name;
        // The facilitator and raters must be accounts of the district.
        let message = match store
            .open_assessment(DISTRICT, year("2024-2025"), s.outsider, "admin@t.example")
            .await
        {
            Err(StoreError::Invalid(m)) => m,
            other => panic!("{name}: {other:?}"),
        };
        assert!(
            message.contains("does not belong to district 999901"),
            "{message}"
        );
        let id = store
            .open_assessment(
                DISTRICT,
                year("2024-2025"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        assert!(
            matches!(
                store
                    .open_assessment(DISTRICT, year("2024-2025"), s.facilitator, "admin@t.example")
                    .await,
                Err(StoreError::Invalid(m)) if m.contains("already exists")
            ),
            "{name}: one assessment per school year"
        );
        invalid(
            store
                .invite_rater(
                    DISTRICT,
                    id,
                    s.outsider,
                    RaterRole::Board,
                    "admin@t.example",
                )
                .await,
        );
        invalid(
            store
                .set_facilitator(DISTRICT, id, s.outsider, "admin@t.example")
                .await,
        );
        // The assessment is not reachable through another district.
        assert!(store.assessment("015907", id).await.unwrap().is_none());
        assert!(matches!(
            store
                .invite_rater("015907", id, s.outsider, RaterRole::Board, "x")
                .await,
            Err(StoreError::NotFound(_))
        ));

        // Not invited.
        let message = invalid(
            store
                .save_ratings(
                    DISTRICT,
                    id,
                    s.ben,
                    &[answer(GOAL, Some(Answer::Level(1)), "")],
                    "ben@t.example",
                )
                .await,
        );
        assert!(message.contains("is not a rater"), "{message}");

        // One bad answer refuses the whole save: the good one before it is not kept.
        store
            .invite_rater(DISTRICT, id, s.ana, RaterRole::Cabinet, "admin@t.example")
            .await
            .unwrap();
        for (bad, expected) in [
            (
                answer("l9.nothing.here", Some(Answer::Level(1)), ""),
                "is not in rubric version 1",
            ),
            (
                answer(QSA, Some(Answer::Level(5)), ""),
                "level 5 for l1.qsa.tiers is not on the scale: expected 1 to 4",
            ),
            (answer(QSA, Some(Answer::Level(0)), ""), "level 0"),
        ] {
            let message = invalid(
                store
                    .save_ratings(
                        DISTRICT,
                        id,
                        s.ana,
                        &[answer(GOAL, Some(Answer::Level(2)), "good"), bad],
                        "ana@t.example",
                    )
                    .await,
            );
            assert!(message.contains(expected), "{name}: {message}");
            assert!(
                store.ratings_of(id, s.ana).await.unwrap().is_empty(),
                "{name}"
            );
        }
        let message = invalid(
            store
                .record_consensus(
                    DISTRICT,
                    id,
                    &[agreed(GOAL, 2), agreed(QSA, 7)],
                    s.facilitator,
                    "cio@t.example",
                )
                .await,
        );
        assert!(message.contains("level 7"), "{message}");
        assert!(store.consensus(id).await.unwrap().is_empty(), "{name}");

        // The facilitator can be changed, with before and after.
        store
            .set_facilitator(DISTRICT, id, s.admin, "admin@t.example")
            .await
            .unwrap();
        let record = store.assessment(DISTRICT, id).await.unwrap().unwrap();
        assert_eq!(record.facilitator_id, s.admin, "{name}");
        let entry = &store.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert_eq!(entry.action, "set_facilitator");
        assert_eq!(
            entry.before.as_ref().unwrap()["facilitator_id"],
            s.facilitator
        );
        assert_eq!(entry.after.as_ref().unwrap()["facilitator_id"], s.admin);
    }
}

fn new_indicator(id: &str) -> sgs_assessment::Indicator {
    sgs_assessment::Indicator {
        id: id.into(),
        text: Text::new(
            "Principals rate central services each spring",
            "Los directores califican los servicios centrales cada primavera",
        ),
        evidence: Text::new("Survey results", "Resultados de la encuesta"),
        ideas: vec![],
        level_descriptions: (1..=4)
            .map(|l| Text::new(format!("Level {l}"), format!("Nivel {l}")))
            .collect(),
        retired: false,
    }
}

#[tokio::test]
async fn rubric_versions_are_added_in_order_and_assessments_keep_theirs() {
    for s in setups().await {
        let store = &s.h.store;
        let name = s.h.name;
        assert!(store.rubric_versions(DISTRICT).await.unwrap().is_empty());
        assert_eq!(
            store.current_rubric(DISTRICT).await.unwrap(),
            Rubric::default_v1()
        );

        // Last year on version 1, with consensus on two indicators.
        let last = store
            .open_assessment(
                DISTRICT,
                year("2023-2024"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        store
            .record_consensus(
                DISTRICT,
                last,
                &[
                    agreed(GOAL, 1),
                    agreed("l1.goals.progress-reported", 2),
                    agreed(QSA, 2),
                ],
                s.facilitator,
                "cio@t.example",
            )
            .await
            .unwrap();
        store
            .close_assessment(DISTRICT, last, "cio@t.example")
            .await
            .unwrap();

        // The district edits the rubric: retire one indicator, add one, reword one.
        let v1 = store.current_rubric(DISTRICT).await.unwrap();
        let v2 = v1
            .edit(&[
                RubricChange::RetireIndicator {
                    id: "l1.goals.progress-reported".into(),
                },
                RubricChange::AddIndicator {
                    practice_id: "l4.service".into(),
                    indicator: new_indicator("l4.service.principal-survey"),
                },
                RubricChange::EditText {
                    id: GOAL.into(),
                    text: Text::new(
                        "The board adopted a quality-seats goal",
                        "La junta adoptó una meta de lugares de calidad",
                    ),
                },
            ])
            .unwrap();
        store
            .save_rubric(DISTRICT, &v2, "admin@t.example")
            .await
            .unwrap();
        let versions = store.rubric_versions(DISTRICT).await.unwrap();
        let numbers: Vec<u32> = versions.iter().map(|v| v.version).collect();
        assert_eq!(numbers, [1, 2], "{name}");
        assert_eq!(versions[0].created_by, "sgs");
        assert_eq!(versions[1].rubric, v2);
        let entry = &store.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert_eq!(entry.action, "save_rubric");
        assert_eq!(entry.after.as_ref().unwrap()["version"], 2);

        // Out of order, or dropping an indicator, is refused.
        let message = invalid(store.save_rubric(DISTRICT, &v2, "admin@t.example").await);
        assert!(
            message.contains("does not follow the current version 2"),
            "{message}"
        );
        let mut dropped = v2.edit(&[]).unwrap();
        dropped.levers[2].practices[0].indicators.pop();
        let message = invalid(
            store
                .save_rubric(DISTRICT, &dropped, "admin@t.example")
                .await,
        );
        assert!(
            message.contains("would be deleted: retire it instead"),
            "{message}"
        );

        // This year runs on version 2; a rating on the retired indicator is refused, the new one
        // accepted; last year still reads version 1.
        let now = store
            .open_assessment(
                DISTRICT,
                year("2024-2025"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        let this_year = store.assessment(DISTRICT, now).await.unwrap().unwrap();
        assert_eq!(this_year.rubric_version, 2, "{name}");
        let message = invalid(
            store
                .record_consensus(
                    DISTRICT,
                    now,
                    &[agreed("l1.goals.progress-reported", 3)],
                    s.facilitator,
                    "cio@t.example",
                )
                .await,
        );
        assert!(
            message.contains("is retired in rubric version 2"),
            "{message}"
        );
        store
            .record_consensus(
                DISTRICT,
                now,
                &[
                    agreed(GOAL, 3),
                    agreed(QSA, 2),
                    agreed("l4.service.principal-survey", 1),
                ],
                s.facilitator,
                "cio@t.example",
            )
            .await
            .unwrap();
        let last_record = store.assessment(DISTRICT, last).await.unwrap().unwrap();
        assert_eq!(last_record.rubric_version, 1);
        let old = store.rubric(DISTRICT, 1).await.unwrap().unwrap();
        assert_eq!(old, v1, "{name}");

        // Change since last year across the edit: the reworded goal compares, the retired and
        // the new indicator do not.
        let change = change_since(
            &old,
            &store.scoring_input(&last_record).await.unwrap(),
            &v2,
            &store.scoring_input(&this_year).await.unwrap(),
        )
        .unwrap();
        let compared: Vec<(&str, i16)> = change
            .indicators
            .iter()
            .map(|c| (c.indicator_id.as_str(), c.delta))
            .collect();
        assert_eq!(compared, [(GOAL, 2), (QSA, 0)], "{name}");
        assert!(change
            .not_comparable
            .iter()
            .any(|n| n.indicator_id == "l4.service.principal-survey"));
        assert!(change
            .not_comparable
            .iter()
            .any(|n| n.indicator_id == "l1.goals.progress-reported"));
        assert!(store.rubric(DISTRICT, 3).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn follow_up_work_is_created_from_an_indicator_and_audited() {
    for s in setups().await {
        let store = &s.h.store;
        let id = store
            .open_assessment(
                DISTRICT,
                year("2024-2025"),
                s.facilitator,
                "admin@t.example",
            )
            .await
            .unwrap();
        let work = NewInitiative {
            title: "Draft a board goal on quality seats",
            owner: "Chief Innovation Officer",
            due_date: Some("2025-03-31"),
            lever_id: Some("l1"),
            source_indicator_id: Some(GOAL),
            source_assessment_id: Some(id),
        };
        let made = store
            .create_initiative(DISTRICT, &work, "cio@t.example")
            .await
            .unwrap();
        let all = store.initiatives(DISTRICT).await.unwrap();
        assert_eq!(all.len(), 1, "{}", s.h.name);
        let i = &all[0];
        assert_eq!(i.id, made);
        assert_eq!(i.title, "Draft a board goal on quality seats");
        assert_eq!(i.owner, "Chief Innovation Officer");
        assert_eq!(i.due_date.as_deref(), Some("2025-03-31"));
        assert_eq!(i.lever_id.as_deref(), Some("l1"));
        assert_eq!(i.source_indicator_id.as_deref(), Some(GOAL));
        assert_eq!(i.source_assessment_id, Some(id));
        assert_eq!(
            (i.status.as_str(), i.created_by.as_str()),
            ("open", "cio@t.example")
        );
        let entry = &store.audit_log(DISTRICT, 1).await.unwrap()[0];
        assert_eq!(entry.action, "create_initiative");
        assert_eq!(entry.entity, format!("initiative:{made}"));
        assert_eq!(
            entry.after.as_ref().unwrap()["owner"],
            "Chief Innovation Officer"
        );
        assert!(store.initiatives("015907").await.unwrap().is_empty());

        // Work cannot point at another district's assessment.
        let stray = NewInitiative {
            source_assessment_id: Some(id),
            ..work
        };
        assert!(matches!(
            store.create_initiative("015907", &stray, "x").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(store.initiatives("015907").await.unwrap().is_empty());
    }
}
