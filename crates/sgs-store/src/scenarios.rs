//! Stored what-if scenarios. The store keeps a scenario's actions as JSON; what they mean is the
//! analysis crate's business.

use serde_json::{json, Value};
use sqlx::Row;

use crate::{audit, now, Result, Store, StoreError};

/// A stored scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredScenario {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The proposed actions, as JSON.
    pub actions: Value,
    /// Who changed it last.
    pub updated_by: String,
    /// When, Unix seconds.
    pub updated_at: i64,
}

impl Store {
    /// Creates an empty scenario and returns its id.
    pub async fn create_scenario(&self, district_id: &str, name: &str, actor: &str) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO scenarios (district_id, name, actions, updated_by, updated_at) \
             VALUES ($1, $2, '[]', $3, $4) RETURNING id",
        )
        .bind(district_id)
        .bind(name)
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "create_scenario",
            &format!("scenario:{id}"),
            None,
            Some(json!({ "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A district's scenarios, newest first.
    pub async fn scenarios(&self, district_id: &str) -> Result<Vec<StoredScenario>> {
        let rows = sqlx::query(
            "SELECT id, name, actions, updated_by, updated_at FROM scenarios \
             WHERE district_id = $1 ORDER BY id DESC",
        )
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(scenario_from_row).collect()
    }

    /// One scenario of a district.
    pub async fn scenario(&self, district_id: &str, id: i64) -> Result<Option<StoredScenario>> {
        let row = sqlx::query(
            "SELECT id, name, actions, updated_by, updated_at FROM scenarios \
             WHERE district_id = $1 AND id = $2",
        )
        .bind(district_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(scenario_from_row).transpose()
    }

    /// Replaces a scenario's actions, recording before and after.
    pub async fn set_scenario_actions(
        &self,
        district_id: &str,
        id: i64,
        actions: &Value,
        actor: &str,
    ) -> Result<()> {
        let before = self
            .scenario(district_id, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("scenario {id}")))?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE scenarios SET actions = $1, updated_by = $2, updated_at = $3 WHERE id = $4 AND district_id = $5")
            .bind(actions.to_string())
            .bind(actor)
            .bind(now())
            .bind(id)
            .bind(district_id)
            .execute(&mut *tx)
            .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_scenario_actions",
            &format!("scenario:{id}"),
            Some(before.actions),
            Some(actions.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn scenario_from_row(row: &sqlx::any::AnyRow) -> Result<StoredScenario> {
    let actions: String = row.get(2);
    Ok(StoredScenario {
        id: row.get(0),
        name: row.get(1),
        actions: serde_json::from_str(&actions)
            .map_err(|_| StoreError::Corrupt(format!("scenario actions {actions:?}")))?,
        updated_by: row.get(3),
        updated_at: row.get(4),
    })
}
