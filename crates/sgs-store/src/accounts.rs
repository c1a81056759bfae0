//! Accounts and sessions. Passwords arrive here already hashed; session tokens arrive hashed
//! too, so a copy of the database never holds a usable credential.

use serde::Serialize;
use sgs_domain::Role;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Result, Store, StoreError};

/// An account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// Account id.
    pub id: i64,
    /// District the account belongs to; `None` only for a state administrator.
    pub district_id: Option<String>,
    /// Login email.
    pub email: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
}

/// A live session and the account behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    /// The account.
    pub user: User,
    /// Token that forms must echo back.
    pub csrf_token: String,
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    let role: String = row.get(4);
    Ok(User {
        id: row.get(0),
        district_id: row.get(1),
        email: row.get(2),
        display_name: row.get(3),
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        password_hash: row.get(5),
    })
}

const USER_COLUMNS: &str = "id, district_id, email, display_name, role, password_hash";

impl Store {
    /// Creates an account, or updates the one with this email, and returns its id. The change
    /// and its audit entry (email, role, district; never the password) commit together.
    pub async fn upsert_user(
        &self,
        district_id: Option<&str>,
        email: &str,
        display_name: &str,
        role: Role,
        password_hash: &str,
        actor: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO users (district_id, email, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO UPDATE SET \
             district_id = excluded.district_id, display_name = excluded.display_name, \
             role = excluded.role, password_hash = excluded.password_hash RETURNING id",
        )
        .bind(district_id.map(str::to_string))
        .bind(email.to_lowercase())
        .bind(display_name)
        .bind(role.code())
        .bind(password_hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.get(0);
        crate::audit::insert_audit(
            &mut tx,
            district_id,
            actor,
            "upsert_user",
            &format!("user:{id}"),
            None,
            Some(serde_json::json!({
                "email": email.to_lowercase(),
                "role": role.code(),
                "district_id": district_id,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account with this email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account of a district.
    pub async fn users(&self, district_id: &str) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE district_id = $1 ORDER BY id"
        ))
        .bind(district_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Starts a session that lasts until `expires_at` (Unix seconds).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this token hash, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>> {
        let row = sqlx::query(
            "SELECT u.id, u.district_id, u.email, u.display_name, u.role, u.password_hash, \
             s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some(SessionInfo {
                user: user_from_row(&row)?,
                csrf_token: row.get(6),
            })),
            None => Ok(None),
        }
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
