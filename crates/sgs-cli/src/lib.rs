//! The work behind the `sgs` command: loading the demo district, importing files, exporting a
//! district, creating accounts. `main.rs` only parses arguments and prints.

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
