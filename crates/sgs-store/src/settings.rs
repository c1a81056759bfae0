//! District settings that analyses read: the grade bands a district plans by.

use serde_json::json;
use sgs_domain::GradeBand;
use sqlx::{AnyConnection, Row};

use crate::{audit, Result, Store, StoreError};

impl Store {
    /// The district's grade bands, or the defaults (K–5, 6–8, 9–12) when it has not set any.
    pub async fn grade_bands(&self, district_id: &str) -> Result<Vec<GradeBand>> {
        Ok(self
            .stored_grade_bands(district_id)
            .await?
            .unwrap_or_else(GradeBand::defaults))
    }

    /// The grade bands the district has set, or `None` when it has set none.
    pub(crate) async fn stored_grade_bands(
        &self,
        district_id: &str,
    ) -> Result<Option<Vec<GradeBand>>> {
        let stored: Option<String> =
            sqlx::query("SELECT grade_bands FROM district_settings WHERE district_id = $1")
                .bind(district_id)
                .fetch_optional(&self.pool)
                .await?
                .map(|row| row.get(0));
        stored
            .map(|text| {
                GradeBand::parse_list(&text)
                    .map_err(|e| StoreError::Corrupt(format!("grade bands {text:?}: {e}")))
            })
            .transpose()
    }

    /// Replaces the district's grade bands (already checked by `GradeBand::check`), recording
    /// the change with its before and after.
    pub async fn set_grade_bands(
        &self,
        district_id: &str,
        bands: &[GradeBand],
        actor: &str,
    ) -> Result<()> {
        let before = GradeBand::list_to_string(&self.grade_bands(district_id).await?);
        let after = GradeBand::list_to_string(bands);
        let mut tx = self.pool.begin().await?;

        upsert_grade_bands(&mut tx, district_id, &after).await?;
        audit::insert_audit(
            &mut tx,
            Some(district_id),
            actor,
            "set_grade_bands",
            &format!("district:{district_id}"),
            Some(json!({ "grade_bands": before })),
            Some(json!({ "grade_bands": after })),
        )
        .await?;

        tx.commit().await?;
        Ok(())
    }
}

/// Writes the district's grade bands, given as text such as `K-5, 6-8, 9-12`, replacing any
/// already set.
pub(crate) async fn upsert_grade_bands(
    conn: &mut AnyConnection,
    district_id: &str,
    grade_bands: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO district_settings (district_id, grade_bands) VALUES ($1, $2) \
         ON CONFLICT (district_id) DO UPDATE SET grade_bands = excluded.grade_bands",
    )
    .bind(district_id)
    .bind(grade_bands)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
