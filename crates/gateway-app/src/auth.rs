//! Accounts and sessions: argon2id password hashes, opaque bearer tokens stored only
//! as their SHA-256, with an expiry.

use crate::{App, AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use chrono::{DateTime, Utc};
use gateway_core::user::{Email, Password, Role};
use gateway_core::{UserId, Validation};
use gateway_store::{NewSession, NewUser, StoreError, User};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Who is making a request, once their token checked out.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
}

impl Principal {
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.role == role {
            Ok(())
        } else {
            Err(AppError::Forbidden(match role {
                Role::Operator => "only an operator may do this",
                Role::Merchant => "only a merchant account may do this",
                Role::Consumer => "only a consumer account may do this",
            }))
        }
    }

    pub fn is_operator(&self) -> bool {
        self.role == Role::Operator
    }
}

/// Requires a signed-in caller.
pub fn signed_in(principal: Option<&Principal>) -> AppResult<&Principal> {
    principal.ok_or(AppError::Unauthorized)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignupInput {
    pub email: Option<String>,
    pub password: Option<String>,
    /// `merchant` or `consumer`.
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    pub email: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    #[schema(value_type = String)]
    pub id: UserId,
    pub email: String,
    pub role: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView { id: u.id, email: u.email.clone(), role: u.role.as_str().to_string() }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
}

/// A new random token (what the client keeps) and its hash (what the store keeps).
fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("gw_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// 16 random bytes of salt, from the operating system's generator.
fn new_salt() -> Result<SaltString, argon2::password_hash::Error> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes)
}

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's minimum). Runs on
/// the blocking pool: a hash takes tens of milliseconds of CPU.
pub(crate) async fn hash_password(password: Password) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = new_salt()?;
        Argon2::default().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Internal(StoreError::backend(e)))?
    .map_err(|e| AppError::Internal(StoreError::Backend(e.to_string().into())))
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so that a failed login takes
/// as long whether or not the account exists.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let Ok(salt) = new_salt() else { return String::new() };
        Argon2::default().hash_password(b"not a password anyone has", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

impl App {
    #[tracing::instrument(skip_all)]
    pub async fn signup(&self, input: SignupInput) -> AppResult<SessionView> {
        let mut v = Validation::new();
        let email = v.required("email", input.email.as_deref(), Email::parse);
        let password = v.required("password", input.password.as_deref(), Password::parse);
        let role = v.required("role", input.role.as_deref(), Role::parse_signup);
        let (email, password, role) = v.finish(|| Some((email?, password?, role?)))?;
        let user = self.create_user(email, password, role).await?;
        self.open_session(&user).await
    }

    /// Creates an account of any role; sign-up and the demo loader go through here.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(&self, email: Email, password: Password, role: Role) -> AppResult<User> {
        let password_hash = hash_password(password).await?;
        let new = NewUser { id: UserId::new(), email, role, password_hash, created_at: gateway_core::clock::now() };
        self.store.create_user(new).await.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::conflict("email", "an account with this e-mail already exists"),
            other => other.into(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn login(&self, input: LoginInput) -> AppResult<SessionView> {
        let mut v = Validation::new();
        let email = v.required("email", input.email.as_deref(), |s| Ok::<_, &str>(s.to_string()));
        let password = v.required("password", input.password, Ok::<_, &str>);
        let (email, password) = v.finish(|| Some((email?, password?)))?;
        let user = match Email::parse(&email) {
            Ok(email) => self.store.user_by_email(&email).await?,
            Err(_) => None,
        };
        let hash = user.as_ref().map_or_else(|| dummy_hash().to_string(), |u| u.password_hash.clone());
        let verified = verify_password(password, hash).await;
        match user {
            Some(user) if verified => self.open_session(&user).await,
            _ => Err(AppError::Unauthorized),
        }
    }

    async fn open_session(&self, user: &User) -> AppResult<SessionView> {
        let (token, token_hash) = new_token();
        let now = gateway_core::clock::now();
        let expires_at = now + self.settings.session_ttl;
        self.store.create_session(NewSession { token_hash, user_id: user.id, created_at: now, expires_at }).await?;
        Ok(SessionView { token, expires_at, user: UserView::from(user) })
    }

    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, token: &str) -> AppResult<()> {
        Ok(self.store.delete_session(&hash_token(token)).await?)
    }

    /// The principal behind a bearer token, or `Unauthorized`.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, token: &str) -> AppResult<(Principal, User)> {
        let user = self
            .store
            .session_user(&hash_token(token), gateway_core::clock::now())
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok((Principal { user_id: user.id, role: user.role }, user))
    }

    /// Creates the first operator from configuration when none exists (SPEC 9).
    /// Returns whether an account was created.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_first_operator(&self, email: &str, password: &str) -> AppResult<bool> {
        let mut v = Validation::new();
        let email = v.check("GATEWAY_ADMIN_EMAIL", Email::parse(email));
        let password = v.check("GATEWAY_ADMIN_PASSWORD", Password::parse(password));
        let (email, password) = v.finish(|| Some((email?, password?)))?;
        let password_hash = hash_password(password).await?;
        let new = NewUser {
            id: UserId::new(),
            email,
            role: Role::Operator,
            password_hash,
            created_at: gateway_core::clock::now(),
        };
        match self.store.create_first_operator(new).await {
            Ok(created) => Ok(created),
            // Another server created the same operator a moment ago.
            Err(StoreError::Conflict(_)) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }
}
