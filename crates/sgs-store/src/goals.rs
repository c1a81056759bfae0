//! The district's North Star goal.

use serde_json::json;
use sgs_domain::SchoolYear;
use sqlx::Row;

use crate::{audit, Result, Store, StoreError};

impl Store {
    /// The goal as (percent of students in quality seats, by school year), if set.
    pub async fn north_star_goal(&self, district_id: &str) -> Result<Option<(f64, SchoolYear)>> {
        let row = sqlx::query(
            "SELECT target_percent, target_year FROM north_star_goals WHERE district_id = $1",
        )
        .bind(district_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let year: String = row.get(1);
            let year = SchoolYear::parse(&year)
                .map_err(|_| StoreError::Corrupt(format!("goal year {year:?}")))?;
            Ok((row.get(0), year))
        })
        .transpose()
    }

    /// Sets the goal, recording the change with its before and after.
    pub async fn set_north_star_goal(
        &self,
        district_id: &str,
        target_percent: f64,
        target_year: SchoolYear,
        actor: &str,
    ) -> Result<()> {
        let before = self.north_star_goal(district_id).await?;
        let mut tx = self.pool.begin().await?;

        sqlx::query(
            "INSERT INTO north_star_goals (district_id, target_percent, target_year) \
             VALUES ($1, $2, $3) ON CONFLICT (district_id) DO UPDATE SET \
             target_percent = excluded.target_percent, target_year = excluded.target_year",
        )
        .bind(district_id)
        .bind(target_percent)
        .bind(target_year.to_string())
        .execute(&mut *tx)
        .await?;
        let describe = |goal: Option<(f64, SchoolYear)>| {
            goal.map(|(p, y)| json!({ "target_percent": p, "target_year": y.to_string() }))
        };
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_north_star_goal",
            &format!("district:{district_id}"),
            describe(before),
            describe(Some((target_percent, target_year))),
        )
        .await?;

        tx.commit().await?;
        Ok(())
    }

    /// The district's definition of great, as the JSON the analysis crate reads, if set.
    pub async fn performance_framework(
        &self,
        district_id: &str,
    ) -> Result<Option<serde_json::Value>> {
        let row =
            sqlx::query("SELECT definition FROM performance_frameworks WHERE district_id = $1")
                .bind(district_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| {
            let text: String = row.get(0);
            serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt(format!("framework {text:?}")))
        })
        .transpose()
    }

    /// Replaces the definition of great, recording before and after.
    pub async fn set_performance_framework(
        &self,
        district_id: &str,
        definition: &serde_json::Value,
        actor: &str,
    ) -> Result<()> {
        let before = self.performance_framework(district_id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO performance_frameworks (district_id, definition) VALUES ($1, $2) \
             ON CONFLICT (district_id) DO UPDATE SET definition = excluded.definition",
        )
        .bind(district_id)
        .bind(definition.to_string())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_performance_framework",
            &format!("district:{district_id}"),
            before,
            Some(definition.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The district's school-action policy rules, as JSON, if it has replaced the default.
    pub async fn action_policy(&self, district_id: &str) -> Result<Option<serde_json::Value>> {
        let row = sqlx::query("SELECT rules FROM action_policies WHERE district_id = $1")
            .bind(district_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            let text: String = row.get(0);
            serde_json::from_str(&text).map_err(|_| StoreError::Corrupt(format!("policy {text:?}")))
        })
        .transpose()
    }

    /// Replaces the school-action policy, recording before and after.
    pub async fn set_action_policy(
        &self,
        district_id: &str,
        rules: &serde_json::Value,
        actor: &str,
    ) -> Result<()> {
        let before = self.action_policy(district_id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO action_policies (district_id, rules) VALUES ($1, $2) \
             ON CONFLICT (district_id) DO UPDATE SET rules = excluded.rules",
        )
        .bind(district_id)
        .bind(rules.to_string())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_action_policy",
            &format!("district:{district_id}"),
            before,
            Some(rules.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
