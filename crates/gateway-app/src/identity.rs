//! Consumer identity (SPEC 4): real name, resident ID number and phone, verified once.
//! The ID number is encrypted at rest, found by a keyed hash and shown only masked.

use crate::error::RefusalKind;
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use chrono::{Datelike, FixedOffset, NaiveDate, Utc};
use gateway_core::identity::{IdNumber, Phone, RealName};
use gateway_core::tax::ANNUAL_LIMIT;
use gateway_core::user::Role;
use gateway_core::{Cny, Validation};
use gateway_store::IdentityRecord;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IdentityInput {
    /// 1–30 characters: Chinese characters, letters, spaces and "·".
    pub real_name: Option<String>,
    /// The 18-character resident identity number.
    pub id_number: Option<String>,
    /// 11-digit mainland mobile number.
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdentityView {
    pub real_name: String,
    /// First 4 and last 4 characters only.
    pub id_number_masked: String,
    pub phone: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuotaView {
    pub year: i32,
    pub limit: String,
    pub used: String,
    pub remaining: String,
}

/// China Standard Time: customs counts the calendar year in Beijing.
pub fn china_now() -> chrono::DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    Utc::now().with_timezone(&offset)
}

pub fn china_today() -> NaiveDate {
    china_now().date_naive()
}

pub fn quota_year() -> i32 {
    china_now().year()
}

impl App {
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn put_identity(&self, who: &Principal, input: IdentityInput) -> AppResult<IdentityView> {
        who.require(Role::Consumer)?;
        let mut v = Validation::new();
        let real_name = v.required("real_name", input.real_name.as_deref(), RealName::parse);
        let phone = v.required("phone", input.phone.as_deref(), Phone::parse);
        let id_number = match input.id_number.as_deref() {
            None => {
                v.push("id_number", "is required");
                None
            }
            Some(raw) => match IdNumber::parse(raw.trim(), china_today()) {
                Ok(id) => Some(id),
                Err(e) if v.is_ok() => {
                    // The one refusal SPEC 9 names for this: invalid_id_number.
                    return Err(AppError::refused(
                        ErrorCode::InvalidIdNumber,
                        RefusalKind::Unprocessable,
                        e.to_string(),
                    )
                    .with(|r| r.field = Some("id_number".into())));
                }
                Err(e) => {
                    v.push("id_number", e.to_string());
                    None
                }
            },
        };
        let (real_name, phone, id_number) = v.finish(|| Some((real_name?, phone?, id_number?)))?;
        let now = gateway_core::clock::now();
        let created_at = self.store.identity(who.user_id).await?.map_or(now, |existing| existing.created_at);
        let record = IdentityRecord {
            user_id: who.user_id,
            real_name: real_name.as_str().to_string(),
            id_number_cipher: self.vault.encrypt(id_number.as_str()),
            id_number_hash: self.vault.lookup_hash(id_number.as_str()),
            id_number_masked: id_number.masked(),
            phone: phone.as_str().to_string(),
            created_at,
            updated_at: now,
        };
        self.store.save_identity(record.clone()).await?;
        tracing::info!(user.id = %who.user_id, "identity verified");
        Ok(view(&record))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn my_identity(&self, who: &Principal) -> AppResult<IdentityView> {
        who.require(Role::Consumer)?;
        let record = self.store.identity(who.user_id).await?.ok_or(AppError::NotFound("identity"))?;
        Ok(view(&record))
    }

    /// The buyer's verified identity (with the keyed hash that counts its quota), or
    /// `identity_required`.
    pub(crate) async fn verified_buyer(&self, who: &Principal) -> AppResult<IdentityRecord> {
        self.store.identity(who.user_id).await?.ok_or_else(identity_required)
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn my_quota(&self, who: &Principal) -> AppResult<QuotaView> {
        who.require(Role::Consumer)?;
        let year = quota_year();
        let used = match self.store.identity(who.user_id).await? {
            Some(record) => self.store.quota_used(&record.id_number_hash, year).await?,
            None => Cny::ZERO,
        };
        let remaining = Cny::from_minor((ANNUAL_LIMIT.minor() - used.minor()).max(0));
        Ok(QuotaView {
            year,
            limit: ANNUAL_LIMIT.to_string(),
            used: used.to_string(),
            remaining: remaining.to_string(),
        })
    }
}

pub fn identity_required() -> AppError {
    AppError::refused(
        ErrorCode::IdentityRequired,
        RefusalKind::Unprocessable,
        "verify your identity (real name, ID number, phone) before buying: cross-border imports are declared in the buyer's name",
    )
}

fn view(record: &IdentityRecord) -> IdentityView {
    IdentityView {
        real_name: record.real_name.clone(),
        id_number_masked: record.id_number_masked.clone(),
        phone: record.phone.clone(),
    }
}
