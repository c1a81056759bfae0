//! The work behind the `sgs` command: loading the demo district (and its self-assessments),
//! importing files, exporting a district, creating accounts. `main.rs` only parses arguments
//! and prints.

use std::path::{Path, PathBuf};

pub use sgs_web::ingest::{import, ImportRequest};

use anyhow::Context;
use sgs_domain::{DistrictId, Role};
use sgs_store::{BatchSource, ReplaceScope, Store};

/// San Antonio ISD's published files in `shared/data/tx`, in the order the README imports them:
/// the directory, five years of enrollment, the 2019 and 2022 ratings, coordinates, boundary.
pub const SAISD_FILES: [&str; 6] = [
    "tea_askted_directory_2019.csv",
    "tea_campus_enrollment_by_grade_2019_2023.csv",
    "tea_campus_ratings_2019_CAMPRATE.csv",
    "tea_campus_accountability_2021_22.csv",
    "nces_ccd_tx_schools_2013_14_latlon.csv",
    "tx_school_districts_2016.geojson",
];

/// The password every demo account shares. The demo holds no real students.
pub const DEMO_PASSWORD: &str = "sgs-demo";

/// A demo account: email and role. The state administrator belongs to no district.
pub fn demo_accounts() -> Vec<(&'static str, &'static str, Role)> {
    vec![
        ("state@sgs.example", "Sam State", Role::StateAdmin),
        ("admin@riverbend.example", "Ada Admin", Role::Admin),
        ("analyst@riverbend.example", "Ana Analyst", Role::Analyst),
        (
            "enrollment@riverbend.example",
            "Eli Enrollment",
            Role::Enrollment,
        ),
        ("reviewer@riverbend.example", "Rui Reviewer", Role::Reviewer),
        ("partner@riverbend.example", "Pat Partner", Role::Partner),
        ("family@riverbend.example", "Flor Family", Role::Family),
        // Raters of the demo self-assessments (see `sgs_demo::assessments::RATERS`).
        (
            "principal@riverbend.example",
            "Paz Principal",
            Role::Reviewer,
        ),
        ("board@riverbend.example", "Bea Board", Role::Reviewer),
    ]
}

/// Creates or refreshes the demo district and its accounts.
pub async fn load_demo(store: &Store) -> anyhow::Result<()> {
    let snapshot = sgs_demo::generate();
    let district = DistrictId::parse(sgs_demo::DEMO_DISTRICT_ID)?;
    let scope = ReplaceScope::everything(sgs_demo::school_years());
    let source = BatchSource {
        actor: "sgs demo",
        kind: "demo",
        file: "generated",
        rows: snapshot.campus_years.len(),
    };
    store
        .apply_batch(
            &district,
            Some(sgs_demo::DEMO_DISTRICT_NAME),
            &scope,
            &snapshot,
            source,
        )
        .await
        .context("Failed to load the demo district")?;

    let hash = sgs_web::auth::hash_password(DEMO_PASSWORD);
    for (email, name, role) in demo_accounts() {
        let district = (role != Role::StateAdmin).then_some(sgs_demo::DEMO_DISTRICT_ID);
        store
            .upsert_user(district, email, name, role, &hash, "sgs demo")
            .await
            .with_context(|| format!("Failed to create demo account {email}"))?;
    }
    load_demo_assessments(store)
        .await
        .context("Failed to load the demo self-assessments")?;
    load_demo_improvement(store)
        .await
        .context("Failed to load the demo improvement work")?;
    load_demo_choice(store)
        .await
        .context("Failed to load the demo choice season")?;
    Ok(())
}

/// Loads the demo's choice season (applications for kindergarten, grade 6 and grade 9), runs
/// the official match from a public value, replays the old immediate-acceptance policy for
/// comparison, and estimates the chance of an offer for the finder; unless the district
/// already has a season.
async fn load_demo_choice(store: &Store) -> anyhow::Result<()> {
    use sgs_demo::choice::{season, OLD_POLICY, PUBLIC_VALUE};
    let district = sgs_demo::DEMO_DISTRICT_ID;
    if !store.choice_seasons(district).await?.is_empty() {
        return Ok(());
    }
    let demo = season(&sgs_demo::generate());
    let actor = "sgs demo";
    store
        .set_choice_files(district, &demo.season, &demo.files, actor)
        .await?;
    let run = |label: &'static str, policy: Option<&'static str>| {
        let season = demo.season.clone();
        async move {
            sgs_web::choice::run_match(
                store,
                district,
                &season,
                label,
                policy,
                Some(PUBLIC_VALUE),
                None,
                actor,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    run(
        "Old policy replayed: immediate acceptance",
        Some(OLD_POLICY),
    )
    .await?;
    run("Official match", None).await?;
    sgs_web::choice::compute_chances(store, district, &demo.season, 100, actor)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Loads the demo's improvement work (a universal goal with barriers and strategies, six
/// initiatives, measures, a driver diagram and a PDSA ramp) through the store calls the app
/// makes, dated back from this month, unless the district already has a universal goal:
/// refreshing the demo never overwrites work done on it.
async fn load_demo_improvement(store: &Store) -> anyhow::Result<()> {
    use sgs_store::{InitiativeEdit, NewInitiative, NewMeasure, NewStrategy, PdsaFields};

    let district = sgs_demo::DEMO_DISTRICT_ID;
    if !store.universal_goals(district).await?.is_empty() {
        return Ok(());
    }
    let today = sgs_web::layout::format_time(sgs_store::now());
    let (year, month) = (today[..4].parse()?, today[5..7].parse()?);
    let demo = sgs_demo::improvement::improvement(year, month);
    let actor = "sgs demo";

    let (title, target, deadline) = demo.goal;
    let goal = store
        .create_universal_goal(district, title, "quality_seats", target, deadline, actor)
        .await?;
    let mut initiatives = Vec::new();
    for i in &demo.initiatives {
        let new = NewInitiative {
            title: i.title,
            owner: i.owner,
            due_date: Some(&i.due_date),
            lever_id: Some(i.lever_id),
            source_indicator_id: None,
            source_assessment_id: None,
        };
        let id = store.create_initiative(district, &new, actor).await?;
        let edit = InitiativeEdit {
            title: i.title,
            owner: i.owner,
            description: Some(i.description),
            lever_id: Some(i.lever_id),
            mode: Some(i.mode),
            start_date: Some(&i.start_date),
            due_date: Some(&i.due_date),
            budget: Some(i.budget),
            goal_id: i.serves_goal.then_some(goal),
            status: "open",
        };
        store.update_initiative(district, id, &edit, actor).await?;
        let rows: Vec<(&str, &str, Option<i64>)> = i
            .milestones
            .iter()
            .map(|(t, due, _, step)| (t.as_str(), due.as_str(), *step))
            .collect();
        let ids = store.add_milestones(district, id, &rows, actor).await?;
        for (mid, (_, _, done, _)) in ids.iter().zip(&i.milestones) {
            if let Some(done) = done {
                store
                    .set_milestone_done(district, *mid, Some(done), actor)
                    .await?;
            }
        }
        initiatives.push(id);
    }
    let mut barriers = Vec::new();
    for (population, description, evidence) in &demo.barriers {
        barriers.push(
            store
                .add_barrier(district, goal, population, description, evidence, actor)
                .await?,
        );
    }
    for (population, barrier, action, owner, initiative) in &demo.strategies {
        let new = NewStrategy {
            population,
            barrier_id: barrier.map(|b| barriers[b]),
            action,
            owner,
            initiative_id: initiative.map(|i| initiatives[i]),
        };
        store.add_strategy(district, goal, &new, actor).await?;
    }
    let mut measures = Vec::new();
    for m in &demo.measures {
        let new = NewMeasure {
            initiative_id: Some(initiatives[m.initiative]),
            name: m.name,
            family: m.family,
            better: m.better,
            unit: m.unit,
            source: m.source,
        };
        let id = store.create_measure(district, &new, actor).await?;
        if !m.values.is_empty() {
            store
                .set_measure_values(district, id, &m.values, true, actor)
                .await?;
        }
        measures.push(id);
    }
    let (owner, nodes) = &demo.diagram;
    let mut node_ids: Vec<i64> = Vec::new();
    for (kind, text, parent, linked) in nodes {
        let id = store
            .add_driver_node(
                district,
                parent.is_none().then_some(initiatives[*owner]),
                parent.map(|p| node_ids[p]),
                kind,
                text,
                actor,
            )
            .await?;
        for m in linked {
            store
                .link_node_measure(district, id, measures[*m], actor)
                .await?;
        }
        node_ids.push(id);
    }
    let (idea, cycles) = &demo.ramp;
    let mut previous = None;
    for c in cycles {
        let fields = PdsaFields {
            title: c.title.into(),
            question: c.question.into(),
            change_tested: c.change_tested.into(),
            prediction: c.prediction.into(),
            measures_plan: c.measures_plan.into(),
            who_what_when: c.who_what_when.into(),
            start_date: Some(c.dates.0.clone()),
            end_date: c.dates.1.clone(),
            do_notes: c.do_notes.into(),
            study_notes: c.study_notes.into(),
            act: c.act.map(str::to_string),
            next_steps: c.next_steps.into(),
        };
        previous = Some(
            store
                .create_pdsa(district, node_ids[*idea], previous, &fields, actor)
                .await?,
        );
    }
    Ok(())
}

/// Loads the demo district's self-assessments (two closed years across a rubric edit, one in
/// progress) through the same store calls the app makes, unless the district already has
/// assessments: refreshing the demo never overwrites work done on it.
async fn load_demo_assessments(store: &Store) -> anyhow::Result<()> {
    use sgs_demo::assessments::{assessments, rubrics, FACILITATOR};

    let district = sgs_demo::DEMO_DISTRICT_ID;
    if !store.assessments(district).await?.is_empty() {
        return Ok(());
    }
    let users = store.users(district).await?;
    let id_of = |email: &str| {
        users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.id)
            .with_context(|| format!("demo account {email} is missing"))
    };
    let actor = "sgs demo";
    let facilitator = id_of(FACILITATOR)?;
    let [_, edited] = rubrics();

    for demo in assessments() {
        if store.current_rubric(district).await?.version < demo.rubric_version {
            store.save_rubric(district, &edited, actor).await?;
        }
        let id = store
            .open_assessment(district, demo.school_year, facilitator, actor)
            .await?;
        for rater in &demo.raters {
            let user_id = id_of(rater.email)?;
            store
                .invite_rater(district, id, user_id, rater.rater_role, actor)
                .await?;
            let answers: Vec<sgs_store::RatingInput> = demo
                .ratings
                .iter()
                .filter(|r| r.rater == rater.email)
                .map(|r| sgs_store::RatingInput {
                    indicator_id: r.indicator_id.clone(),
                    answer: Some(r.answer),
                    note: r.note.clone(),
                    evidence_links: r.evidence_links.clone(),
                })
                .collect();
            if !answers.is_empty() {
                store
                    .save_ratings(district, id, user_id, &answers, actor)
                    .await?;
            }
            if rater.submitted {
                store.submit_ratings(district, id, user_id, actor).await?;
            }
        }
        if !demo.consensus.is_empty() {
            store
                .record_consensus(district, id, &demo.consensus, facilitator, actor)
                .await?;
        }
        for work in &demo.initiatives {
            let lever = work.indicator_id.split('.').next();
            let new = sgs_store::NewInitiative {
                title: work.title,
                owner: work.owner,
                due_date: Some(work.due_date),
                lever_id: lever,
                source_indicator_id: Some(work.indicator_id),
                source_assessment_id: Some(id),
            };
            store.create_initiative(district, &new, actor).await?;
        }
        if demo.closed {
            store.close_assessment(district, id, actor).await?;
        }
    }
    Ok(())
}

/// Writes a district's whole data as the CSV/GeoJSON bundle that `sgs import` reads back.
pub async fn export(store: &Store, district: &str, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let snapshot = store
        .snapshot(district)
        .await
        .with_context(|| format!("Failed to read district {district}"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    let files = sgs_import::write_templates(&snapshot, dir)
        .with_context(|| format!("Failed to write the bundle to {}", dir.display()))?;
    Ok(files)
}

/// Opens the store named by `database_url`, or the SQLite file in `data_dir`, and migrates it.
pub async fn open_store(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Store> {
    let store = match database_url {
        Some(url) => {
            let store = Store::connect(url)
                .await
                .context("Failed to connect to the database")?;
            store
                .migrate()
                .await
                .context("Failed to migrate the database")?;
            store
        }
        None => Store::open_data_dir(data_dir)
            .await
            .with_context(|| format!("Failed to open the database in {}", data_dir.display()))?,
    };
    Ok(store)
}
