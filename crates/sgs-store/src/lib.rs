//! SGS storage: one set of behaviour on embedded SQLite (the default) and PostgreSQL.
//!
//! The backend is picked by the database URL (`sqlite://…` or `postgres://…`). Queries are
//! written once, in the SQL both engines accept, with `$1`-style parameters given in order. The
//! schema lives in per-backend migration folders embedded in the binary because the engines
//! spell auto-increment keys differently; a test proves the two schemas have the same tables
//! and columns.
//!
//! **Architecture invariant:** every write that changes district data runs in one transaction
//! and records an audit entry in that same transaction, so a failed import leaves the previous
//! state intact and no change goes unrecorded.

mod accounts;
mod assessments;
mod audit;
mod choice;
mod goals;
mod improve;
mod plans;
mod read;
mod scenarios;
mod settings;
mod sql;
mod write;

#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

pub use accounts::{SessionInfo, User};
pub use assessments::{
    AssessmentRecord, Initiative, Invitation, NewInitiative, RatingInput, StoredConsensus,
    StoredRating, StoredRubric,
};
pub use audit::{AuditEntry, ImportRecord};
pub use choice::{MatchRun, NewMatchRun, OfferChances};
pub use improve::{
    Artifact, Barrier, DriverNode, InitiativeEdit, Measure, NewMeasure, NewStrategy, Pdsa,
    PdsaFields, StoredMilestone, Strategy, UniversalGoal, MEASURE_FAMILIES, MEASURE_SOURCES,
    NODE_KINDS, PDSA_ACTS,
};
pub use plans::{NewDecision, PlanDecision};
pub use scenarios::StoredScenario;
pub use write::{ApplyReport, BatchSource, ReplaceScope};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a query.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The URL names no supported backend.
    #[error("unsupported database URL {0:?}: expected sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    /// A stored value could not be read back into the domain model.
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    /// A referenced record does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The data violates a rule (for example a campus of another district).
    #[error("{0}")]
    Invalid(String),
}

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, one file in the data directory, WAL journal.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// A migration from its version, name and file name (the same in both folders).
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file)),
            postgres: include_str!(concat!("../migrations/postgres/", $file)),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "init", "0001_init.sql"),
    migration!(2, "district_settings", "0002_district_settings.sql"),
    migration!(3, "north_star_goals", "0003_north_star_goals.sql"),
    migration!(4, "scenarios", "0004_scenarios.sql"),
    migration!(5, "plan_decisions", "0005_plan_decisions.sql"),
    migration!(
        6,
        "performance_frameworks",
        "0006_performance_frameworks.sql"
    ),
    migration!(7, "attendance_zones", "0007_attendance_zones.sql"),
    migration!(8, "births", "0008_births.sql"),
    migration!(9, "action_policies", "0009_action_policies.sql"),
    migration!(10, "assessments", "0010_assessments.sql"),
    migration!(11, "improvement", "0011_improvement.sql"),
    migration!(12, "choice", "0012_choice.sql"),
];

/// A connection pool to the SGS database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://…`) without migrating.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };

        let pool = match backend {
            Backend::Sqlite => {
                // WAL lets readers go on while an import writes; foreign keys are off by default
                // in SQLite and must be switched on for each connection.
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            sqlx::query("PRAGMA foreign_keys = ON")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA busy_timeout = 5000")
                                .execute(&mut *conn)
                                .await?;
                            sqlx::query("PRAGMA journal_mode = WAL")
                                .execute(&mut *conn)
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(url)
                    .await?
            }
        };

        Ok(Store { pool, backend })
    }

    /// Opens (creating if needed) `sgs.db` in `dir` and migrates it.
    pub async fn open_data_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Invalid(format!("cannot create {}: {e}", dir.display())))?;
        let url = format!("sqlite://{}", dir.join("sgs.db").display());
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every embedded migration not yet applied, each in its own transaction.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations \
             (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| row.get::<i64, _>(0))
            .collect();

        let mut newly = Vec::new();
        for migration in MIGRATIONS {
            if applied.contains(&migration.version) {
                continue;
            }
            let script = match self.backend {
                Backend::Sqlite => migration.sqlite,
                Backend::Postgres => migration.postgres,
            };
            let mut tx = self.pool.begin().await?;
            for statement in split_statements(script) {
                sqlx::query(&statement).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(migration.version, migration.name, "applied migration");
            newly.push(migration.version);
        }
        Ok(newly)
    }

    /// Tables and their columns, in order, as the database reports them. Used by the schema test.
    pub async fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        let tables: Vec<String> = match self.backend {
            Backend::Sqlite => sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            ),
            Backend::Postgres => sqlx::query(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() ORDER BY table_name",
            ),
        }
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();

        let mut schema = Vec::new();
        for table in tables {
            let columns: Vec<String> = match self.backend {
                Backend::Sqlite => {
                    sqlx::query(&format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    ))
                    .fetch_all(&self.pool)
                    .await?
                }
                Backend::Postgres => {
                    sqlx::query(
                        "SELECT column_name::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1 \
                         ORDER BY ordinal_position",
                    )
                    .bind(&table)
                    .fetch_all(&self.pool)
                    .await?
                }
            }
            .iter()
            .map(|row: &AnyRow| row.get::<String, _>(0))
            .collect();
            schema.push((table, columns));
        }
        Ok(schema)
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Splits a migration script into statements at semicolons that end a line, dropping comments.
fn split_statements(script: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        let line = line.split("--").next().unwrap_or("").trim_end();
        if line.trim().is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.ends_with(';') {
            statements.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        statements.push(current);
    }
    statements
}

impl Store {
    /// Runs one statement outside the data model (test set-up, schema creation).
    pub async fn execute_raw(&self, statement: &str) -> Result<()> {
        sqlx::query(statement).execute(&self.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_at_line_ends() {
        let script =
            "-- comment\nCREATE TABLE a (x TEXT); \nCREATE TABLE b (\n y TEXT -- note\n);\n";
        let statements = split_statements(script);
        assert_eq!(statements.len(), 2);
        assert!(statements[1].contains("y TEXT"));
        assert!(!statements[1].contains("note"));
    }
}
