//! Importing files into the store: every file is read and checked first, then all of them are
//! written in one transaction. Used by `sgs import` and by the data page's upload form.

use std::path::{Path, PathBuf};

use sgs_domain::DistrictId;
use sgs_import::{FileKind, ImportBatch, ReadOptions};
use sgs_store::{ApplyReport, BatchSource, ReplaceScope, Store};

/// Why an import was refused. The message names the file, line, field and value.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct IngestError(pub String);

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
) -> Result<Vec<(ImportBatch, ApplyReport)>, IngestError> {
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
                    "{}: cannot tell what kind of file this is from its header; choose its kind \
                     (--kind on the command line; the kinds are in docs/data-formats.md)",
                    file_name(path)
                );
                record_failure(store, request, path, "unknown", &message).await;
                return Err(IngestError(message));
            }
        };
        // Parsing a statewide file takes real CPU time; keep it off the async workers.
        let read = {
            let name = file_name(path);
            let (path, district, options) =
                (path.clone(), request.district.clone(), options.clone());
            tokio::task::spawn_blocking(move || {
                // The error travels as its message: it is all the caller needs.
                sgs_import::read_file(&path, kind, &district, &options).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| IngestError(format!("{name}: reading failed: {e}")))?
        };
        match read {
            Ok(batch) => batches.push(batch),
            Err(message) => {
                record_failure(store, request, path, kind.code(), &message).await;
                return Err(IngestError(message));
            }
        }
    }
    // Campuses before yearly data, coordinates after campuses: the order of FileKind::all().
    let order = |kind: FileKind| FileKind::all().iter().position(|k| *k == kind);
    batches.sort_by_key(|b| order(b.kind));

    // Areas drawn around points (census ZIP centres) are redrawn inside the district's
    // boundary: the one in this import, else the one already stored.
    if batches.iter().any(|b| !b.area_centres.is_empty()) {
        let imported = batches.iter().find_map(|b| b.data.boundary.clone());
        let boundary = match imported {
            Some(boundary) => Some(boundary),
            None => store
                .district(request.district.as_str())
                .await
                .ok()
                .flatten()
                .and_then(|(_, boundary)| boundary),
        };
        if let Some(boundary) = boundary {
            for batch in &mut batches {
                batch.fit_areas_to(&boundary);
            }
        }
    }

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
            return Err(IngestError(message));
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
        attendance_zones: parts.attendance_zones,
        births: parts.births,
        boundary: parts.boundary,
        settings: parts.settings,
        planning: parts.planning,
        plan_decisions: parts.plan_decisions,
        years: batch.years.clone(),
    }
}

/// The file's own name, without the directory it was read from.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string())
}

/// Records a refused import in the import log, so the data page shows it.
pub async fn record_failure(
    store: &Store,
    request: &ImportRequest,
    path: &Path,
    kind: &str,
    message: &str,
) {
    let file = file_name(path);
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
