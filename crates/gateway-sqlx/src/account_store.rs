//! Accounts and sessions (`AccountStore`).

use crate::engine::{Engine, SqlStore};
use crate::rows::*;
use crate::sql::sql;
use crate::{backend, map_err};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::user::{Email, Role};
use gateway_store::*;

#[async_trait]
impl<E: Engine> AccountStore for SqlStore<E> {
    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        sql("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user.id.as_uuid())
            .bind(user.email.as_str())
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(|e| map_err(e, "email"))?;
        Ok(User {
            id: user.id,
            email: user.email.as_str().to_string(),
            role: user.role,
            password_hash: user.password_hash,
            created_at: user.created_at,
        })
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sql(concat!("SELECT ", crate::user_columns!(), " FROM users u WHERE u.email = $1"))
            .bind(email.as_str())
            .fetch_optional(self.reads())
            .await
            .map_err(backend)?;
        row.map(User::try_from).transpose()
    }

    async fn create_first_operator(&self, user: NewUser) -> StoreResult<bool> {
        let mut tx = self.begin_write().await.map_err(backend)?;
        // Serialise concurrent first starts: the count below is only
        // meaningful while no other transaction can insert an operator.
        sql("UPDATE app_locks SET name = name WHERE name = 'first_operator'")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let operators: i64 = sql("SELECT COUNT(*) FROM users WHERE role = $1")
            .bind(Role::Operator.as_str())
            .fetch_scalar(&mut *tx)
            .await
            .map_err(backend)?;
        if operators > 0 {
            return Ok(false);
        }
        sql("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user.id.as_uuid())
            .bind(user.email.as_str())
            .bind(Role::Operator.as_str())
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| map_err(e, "email"))?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        sql("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(&session.token_hash)
            .bind(session.user_id.as_uuid())
            .bind(session.created_at)
            .bind(session.expires_at)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(|e| map_err(e, "token"))?;
        // Sessions expire rather than being logged out: sweep this user's
        // dead ones here, where the table is being written anyway.
        sql("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
            .bind(session.user_id.as_uuid())
            .bind(session.created_at)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sql(concat!(
            "SELECT ",
            crate::user_columns!(),
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.reads())
        .await
        .map_err(backend)?;
        row.map(User::try_from).transpose()
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sql("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.writer().await.map_err(backend)?)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
