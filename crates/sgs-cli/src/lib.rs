//! The work behind the `sgs` command: loading the demo district, importing files, exporting a
//! district, creating accounts. `main.rs` only parses arguments and prints.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sgs_domain::{DistrictId, Role};
use sgs_import::{FileKind, ImportBatch, ReadOptions};
use sgs_store::{BatchSource, ReplaceScope, Store};

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
            .upsert_user(district, email, name, role, &hash)
            .await
            .with_context(|| format!("Failed to create demo account {email}"))?;
    }
    Ok(())
}

/// Options of one `sgs import` run.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// District to import into.
    pub district: DistrictId,
    /// Files to read.
    pub files: Vec<PathBuf>,
    /// Kind of every file, when not detected from its header.
    pub kind: Option<FileKind>,
    /// Year for templates whose rows carry none.
    pub school_year: Option<sgs_domain::SchoolYear>,
    /// Name of the district feature in a boundary file; also the district's display name.
    pub district_name: Option<String>,
    /// Who runs it, for the audit trail.
    pub actor: String,
}

/// Reads every file first, then writes them all in one transaction. If any file is refused,
/// the refusal is logged on the data page and nothing is written.
pub async fn import(
    store: &Store,
    request: &ImportRequest,
) -> anyhow::Result<Vec<(ImportBatch, sgs_store::ApplyReport)>> {
    let options = ReadOptions {
        school_year: request.school_year,
        district_name: request.district_name.clone(),
    };

    let mut batches = Vec::new();
    for path in &request.files {
        let kind = match request.kind.or_else(|| FileKind::detect(path)) {
            Some(kind) => kind,
            None => {
                let message = format!(
                    "{}: cannot tell what kind of file this is from its header; pass --kind (see sgs import --help)",
                    path.display()
                );
                record_failure(store, request, path, "unknown", &message).await;
                bail!(message);
            }
        };
        match sgs_import::read_file(path, kind, &request.district, &options) {
            Ok(batch) => batches.push(batch),
            Err(error) => {
                let message = error.to_string();
                record_failure(store, request, path, kind.code(), &message).await;
                bail!(message);
            }
        }
    }
    // Campuses before yearly data, coordinates after campuses: the order of FileKind::all().
    let order = |kind: FileKind| FileKind::all().iter().position(|k| *k == kind);
    batches.sort_by_key(|b| order(b.kind));

    let name = request.district_name.clone().or_else(|| {
        batches
            .iter()
            .map(|b| b.data.name.clone())
            .find(|n| !n.is_empty())
    });
    let work: Vec<(ReplaceScope, &sgs_domain::DistrictSnapshot, BatchSource)> = batches
        .iter()
        .map(|batch| {
            (
                scope_for(batch),
                &batch.data,
                BatchSource {
                    actor: &request.actor,
                    kind: batch.kind.code(),
                    file: &batch.file,
                    rows: batch.rows,
                },
            )
        })
        .collect();
    let reports = match store
        .apply_batches(&request.district, name.as_deref(), &work)
        .await
    {
        Ok(reports) => reports,
        Err(error) => {
            let message = format!("nothing was imported: {error}");
            if let Some(path) = request.files.first() {
                record_failure(store, request, path, "batch", &message).await;
            }
            bail!(message);
        }
    };
    drop(work);
    Ok(batches.into_iter().zip(reports).collect())
}

fn scope_for(batch: &ImportBatch) -> ReplaceScope {
    let parts = batch.kind.parts();
    ReplaceScope {
        campuses: parts.campuses,
        coordinates_only: parts.coordinates_only,
        enrollment: parts.enrollment,
        ratings: parts.ratings,
        capacity: parts.capacity,
        groups: parts.groups,
        residents: parts.residents,
        planning_areas: parts.planning_areas,
        boundary: parts.boundary,
        years: batch.years.clone(),
    }
}

async fn record_failure(
    store: &Store,
    request: &ImportRequest,
    path: &Path,
    kind: &str,
    message: &str,
) {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let source = BatchSource {
        actor: &request.actor,
        kind,
        file: &file,
        rows: 0,
    };
    if let Err(error) = store
        .record_failed_import(&request.district, source, message)
        .await
    {
        tracing::warn!(error = %error, "could not record the failed import");
    }
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
