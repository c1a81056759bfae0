//! The district's North Star goal.

use serde_json::{json, Value};
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
    pub async fn performance_framework(&self, district_id: &str) -> Result<Option<Value>> {
        self.json_document(Document::Framework, district_id).await
    }

    /// Replaces the definition of great, recording before and after.
    pub async fn set_performance_framework(
        &self,
        district_id: &str,
        definition: &Value,
        actor: &str,
    ) -> Result<()> {
        self.set_json_document(Document::Framework, district_id, definition, actor)
            .await
    }

    /// The district's school-action policy rules, as JSON, if it has replaced the default.
    pub async fn action_policy(&self, district_id: &str) -> Result<Option<Value>> {
        self.json_document(Document::Policy, district_id).await
    }

    /// Replaces the school-action policy, recording before and after.
    pub async fn set_action_policy(
        &self,
        district_id: &str,
        rules: &Value,
        actor: &str,
    ) -> Result<()> {
        self.set_json_document(Document::Policy, district_id, rules, actor)
            .await
    }

    async fn json_document(&self, document: Document, district_id: &str) -> Result<Option<Value>> {
        let (table, column, _) = document.place();
        let row = sqlx::query(&format!(
            "SELECT {column} FROM {table} WHERE district_id = $1"
        ))
        .bind(district_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let text: String = row.get(0);
            serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt(format!("{table} {text:?}")))
        })
        .transpose()
    }

    async fn set_json_document(
        &self,
        document: Document,
        district_id: &str,
        value: &Value,
        actor: &str,
    ) -> Result<()> {
        let (table, column, action) = document.place();
        let before = self.json_document(document, district_id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO {table} (district_id, {column}) VALUES ($1, $2) \
             ON CONFLICT (district_id) DO UPDATE SET {column} = excluded.{column}"
        ))
        .bind(district_id)
        .bind(value.to_string())
        .execute(&mut *tx)
        .await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            action,
            &format!("district:{district_id}"),
            before,
            Some(value.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// District documents kept as JSON, one per district.
#[derive(Clone, Copy)]
enum Document {
    Framework,
    Policy,
}

impl Document {
    /// Table, column and audit action; fixed strings, never user input.
    fn place(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Document::Framework => (
                "performance_frameworks",
                "definition",
                "set_performance_framework",
            ),
            Document::Policy => ("action_policies", "rules", "set_action_policy"),
        }
    }
}
