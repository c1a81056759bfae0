//! The audit trail (who changed what, when, before and after) and the import log.

use serde::Serialize;
use sgs_domain::DistrictId;
use sqlx::{AnyConnection, Row};

use crate::write::BatchSource;
use crate::{now, Result, Store};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Sequence number.
    pub id: i64,
    /// District the change belongs to, if any.
    pub district_id: Option<String>,
    /// Unix seconds.
    pub at: i64,
    /// Account email, or `cli` for the command line.
    pub actor: String,
    /// What was done, such as `import` or `set_capacity`.
    pub action: String,
    /// What it was done to, such as `campus:015907101/2022-2023`.
    pub entity: String,
    /// State before, as JSON.
    pub before: Option<serde_json::Value>,
    /// State after, as JSON.
    pub after: Option<serde_json::Value>,
}

/// One import attempt, successful or refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportRecord {
    /// Sequence number.
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// Who ran it.
    pub actor: String,
    /// File kind code.
    pub kind: String,
    /// File name.
    pub file: String,
    /// `ok` or `failed`.
    pub status: String,
    /// Data rows read.
    pub rows: i64,
    /// The error, when refused.
    pub message: String,
}

pub(crate) async fn insert_audit(
    conn: &mut AnyConnection,
    district_id: Option<&str>,
    actor: &str,
    action: &str,
    entity: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (district_id, at, actor, action, entity, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(district_id.map(str::to_string))
    .bind(now())
    .bind(actor)
    .bind(action)
    .bind(entity)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn insert_import(
    conn: &mut AnyConnection,
    district_id: &DistrictId,
    source: &BatchSource<'_>,
    status: &str,
    message: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO imports (district_id, at, actor, kind, file, status, rows_read, message) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(district_id.as_str())
    .bind(now())
    .bind(source.actor)
    .bind(source.kind)
    .bind(source.file)
    .bind(status)
    .bind(source.rows as i64)
    .bind(message)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.get(0))
}

impl Store {
    /// The newest `limit` audit entries of a district, newest first.
    pub async fn audit_log(&self, district_id: &str, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT id, district_id, at, actor, action, entity, before_json, after_json \
             FROM audit_log WHERE district_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(district_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Ok(rows
            .iter()
            .map(|row| AuditEntry {
                id: row.get(0),
                district_id: row.get(1),
                at: row.get(2),
                actor: row.get(3),
                action: row.get(4),
                entity: row.get(5),
                before: parse(row.get(6)),
                after: parse(row.get(7)),
            })
            .collect())
    }

    /// A district's imports, newest first.
    pub async fn imports(&self, district_id: &str) -> Result<Vec<ImportRecord>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, kind, file, status, rows_read, message FROM imports \
             WHERE district_id = $1 ORDER BY id DESC",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| ImportRecord {
                id: row.get(0),
                at: row.get(1),
                actor: row.get(2),
                kind: row.get(3),
                file: row.get(4),
                status: row.get(5),
                rows: row.get(6),
                message: row.get(7),
            })
            .collect())
    }
}
