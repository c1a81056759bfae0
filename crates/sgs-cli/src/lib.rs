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
