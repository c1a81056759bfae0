//! School choice: a season's applications kept as the files of the open choice format, match
//! runs with every output file, and the latest chance-of-offer estimate. The store keeps the
//! files as written; `sgs_match` reads and checks them. Audit entries name files and sizes,
//! never their contents (they hold student ids).

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{audit, now, Result, Store, StoreError};

/// A stored run of the match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchRun {
    /// Id.
    pub id: i64,
    /// The application season, such as `2024-2025`.
    pub season: String,
    /// A name for the run, such as "Deferred acceptance, official".
    pub label: String,
    /// The `policy.json` it used.
    pub policy: String,
    /// The public value the seed was derived from, when it was derived.
    pub public_value: Option<String>,
    /// The seed, 64 hex characters.
    pub seed: String,
    /// The digest of the inputs the run committed to.
    pub input_digest: String,
    /// Summary statistics as JSON.
    pub summary: serde_json::Value,
    /// Who ran it.
    pub created_by: String,
    /// When, Unix seconds.
    pub created_at: i64,
}

/// What to record of a run.
#[derive(Debug, Clone)]
pub struct NewMatchRun<'a> {
    /// The season.
    pub season: &'a str,
    /// Its name.
    pub label: &'a str,
    /// The `policy.json` used.
    pub policy: &'a str,
    /// The public value, when the seed was derived from one.
    pub public_value: Option<&'a str>,
    /// The seed.
    pub seed: &'a str,
    /// The input digest.
    pub input_digest: &'a str,
    /// Summary statistics.
    pub summary: &'a serde_json::Value,
}

/// The latest chance-of-offer estimate of a season.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferChances {
    /// The season.
    pub season: String,
    /// How many redraws it rests on.
    pub redraws: i64,
    /// The report as JSON (per program and priority group).
    pub report: serde_json::Value,
    /// When, Unix seconds.
    pub computed_at: i64,
}

fn check_season(season: &str) -> Result<()> {
    let ok = season.len() == 9
        && season.as_bytes()[4] == b'-'
        && season
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "season {season:?}: expected a school year like 2024-2025"
        )))
    }
}

impl Store {
    /// Replaces a season's input files with `files` (name, content), all in one transaction.
    pub async fn set_choice_files(
        &self,
        district_id: &str,
        season: &str,
        files: &[(String, String)],
        actor: &str,
    ) -> Result<()> {
        check_season(season)?;
        let mut tx = self.pool.begin().await?;
        let before: Vec<String> = sqlx::query(
            "SELECT name FROM choice_files WHERE district_id = $1 AND season = $2 ORDER BY name",
        )
        .bind(district_id)
        .bind(season)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
        sqlx::query("DELETE FROM choice_files WHERE district_id = $1 AND season = $2")
            .bind(district_id)
            .bind(season)
            .execute(&mut *tx)
            .await?;
        let at = now();
        for (name, content) in files {
            sqlx::query(
                "INSERT INTO choice_files (district_id, season, name, content, updated_by, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(district_id)
            .bind(season)
            .bind(name.as_str())
            .bind(content.as_str())
            .bind(actor)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_choice_files",
            &format!("season:{season}"),
            Some(json!({ "files": before })),
            Some(json!({
                "files": files.iter().map(|(n, c)| json!({"name": n, "bytes": c.len()})).collect::<Vec<_>>()
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A season's input files, by name.
    pub async fn choice_files(
        &self,
        district_id: &str,
        season: &str,
    ) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT name, content FROM choice_files WHERE district_id = $1 AND season = $2",
        )
        .bind(district_id)
        .bind(season)
        .fetch_all(&self.pool)
        .await?;
        let mut files: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        files.sort();
        Ok(files)
    }

    /// The seasons a district has applications for, latest first.
    pub async fn choice_seasons(&self, district_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT season FROM choice_files WHERE district_id = $1")
            .bind(district_id)
            .fetch_all(&self.pool)
            .await?;
        let mut seasons: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        seasons.sort_by(|a, b| b.cmp(a));
        Ok(seasons)
    }

    /// Records a run and its output files in one transaction; returns its id.
    pub async fn record_match_run(
        &self,
        district_id: &str,
        run: &NewMatchRun<'_>,
        files: &[(String, String)],
        actor: &str,
    ) -> Result<i64> {
        check_season(run.season)?;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO match_runs (district_id, season, label, policy, public_value, seed, \
             input_digest, summary, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(district_id)
        .bind(run.season)
        .bind(run.label)
        .bind(run.policy)
        .bind(run.public_value.map(str::to_string))
        .bind(run.seed)
        .bind(run.input_digest)
        .bind(run.summary.to_string())
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        for (name, content) in files {
            sqlx::query("INSERT INTO match_run_files (run_id, name, content) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(name.as_str())
                .bind(content.as_str())
                .execute(&mut *tx)
                .await?;
        }
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "record_match_run",
            &format!("match_run:{id}"),
            None,
            Some(json!({
                "season": run.season, "label": run.label, "seed": run.seed,
                "public_value": run.public_value, "input_digest": run.input_digest,
                "files": files.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's runs, newest first.
    pub async fn match_runs(&self, district_id: &str) -> Result<Vec<MatchRun>> {
        let rows = sqlx::query(
            "SELECT id, season, label, policy, public_value, seed, input_digest, summary, \
             created_by, created_at FROM match_runs WHERE district_id = $1 ORDER BY id DESC",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let summary: String = row.get(7);
                Ok(MatchRun {
                    id: row.get(0),
                    season: row.get(1),
                    label: row.get(2),
                    policy: row.get(3),
                    public_value: row.get(4),
                    seed: row.get(5),
                    input_digest: row.get(6),
                    summary: serde_json::from_str(&summary).map_err(|_| {
                        StoreError::Corrupt(format!("match run summary {summary:?}"))
                    })?,
                    created_by: row.get(8),
                    created_at: row.get(9),
                })
            })
            .collect()
    }

    /// One run's output files, by name.
    pub async fn match_run_files(
        &self,
        district_id: &str,
        run_id: i64,
    ) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT f.name, f.content FROM match_run_files f JOIN match_runs r ON r.id = f.run_id \
             WHERE f.run_id = $1 AND r.district_id = $2",
        )
        .bind(run_id)
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        let mut files: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        files.sort();
        Ok(files)
    }

    /// Replaces a season's chance-of-offer estimate.
    pub async fn set_offer_chances(
        &self,
        district_id: &str,
        season: &str,
        redraws: i64,
        report: &serde_json::Value,
        actor: &str,
    ) -> Result<()> {
        check_season(season)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM offer_chances WHERE district_id = $1 AND season = $2")
            .bind(district_id)
            .bind(season)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO offer_chances (district_id, season, redraws, report, computed_by, \
             computed_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(district_id)
        .bind(season)
        .bind(redraws)
        .bind(report.to_string())
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_offer_chances",
            &format!("season:{season}"),
            None,
            Some(json!({ "redraws": redraws })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest season's chance-of-offer estimate, if any.
    pub async fn offer_chances(&self, district_id: &str) -> Result<Option<OfferChances>> {
        let rows = sqlx::query(
            "SELECT season, redraws, report, computed_at FROM offer_chances WHERE district_id = $1",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        let mut all: Vec<OfferChances> = rows
            .iter()
            .map(|row| {
                let report: String = row.get(2);
                Ok(OfferChances {
                    season: row.get(0),
                    redraws: row.get(1),
                    report: serde_json::from_str(&report)
                        .map_err(|_| StoreError::Corrupt("offer chances report".into()))?,
                    computed_at: row.get(3),
                })
            })
            .collect::<Result<_>>()?;
        all.sort_by(|a, b| b.season.cmp(&a.season));
        Ok(all.into_iter().next())
    }
}
