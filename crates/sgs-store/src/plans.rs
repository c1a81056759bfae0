//! The annual school plan: decisions on school actions, recorded by analysts with their
//! rationale and owner. A later decision for the same campus and year supersedes an earlier
//! one; both stay in the record.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::{audit, now, Result, Store};

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDecision {
    /// Id; higher is later.
    pub id: i64,
    /// The campus.
    pub campus_id: String,
    /// The school year the action takes effect.
    pub school_year: String,
    /// Action code, such as `restart`.
    pub action: String,
    /// Why.
    pub rationale: String,
    /// Who carries it out.
    pub owner: String,
    /// Who recorded it.
    pub decided_by: String,
    /// When, Unix seconds.
    pub decided_at: i64,
}

/// What to record.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    /// The campus.
    pub campus_id: &'a str,
    /// The school year.
    pub school_year: &'a str,
    /// Action code.
    pub action: &'a str,
    /// Why.
    pub rationale: &'a str,
    /// Who carries it out.
    pub owner: &'a str,
}

impl Store {
    /// Records a decision, with its audit entry, and returns its id.
    pub async fn record_decision(
        &self,
        district_id: &str,
        decision: &NewDecision<'_>,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO plan_decisions (district_id, campus_id, school_year, action, rationale, \
             owner, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(district_id)
        .bind(decision.campus_id)
        .bind(decision.school_year)
        .bind(decision.action)
        .bind(decision.rationale)
        .bind(decision.owner)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let after = json!({
            "campus_id": decision.campus_id,
            "school_year": decision.school_year,
            "action": decision.action,
            "rationale": decision.rationale,
            "owner": decision.owner,
        });
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "record_decision",
            &format!("plan:{id}"),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's decisions, oldest first.
    pub async fn decisions(&self, district_id: &str) -> Result<Vec<PlanDecision>> {
        let rows = sqlx::query(
            "SELECT id, campus_id, school_year, action, rationale, owner, decided_by, decided_at \
             FROM plan_decisions WHERE district_id = $1 ORDER BY id",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| PlanDecision {
                id: row.get(0),
                campus_id: row.get(1),
                school_year: row.get(2),
                action: row.get(3),
                rationale: row.get(4),
                owner: row.get(5),
                decided_by: row.get(6),
                decided_at: row.get(7),
            })
            .collect())
    }
}
