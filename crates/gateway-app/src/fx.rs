//! The operator's USD→CNY rate (SPEC 2).

use crate::input::DecimalText;
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::user::Role;
use gateway_core::{FxRate, Validation};
use gateway_store::FxQuote;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FxInput {
    /// CNY per USD, up to six decimals, e.g. "7.1234".
    pub rate: Option<DecimalText>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FxView {
    pub base: &'static str,
    pub quote: &'static str,
    pub rate: String,
    pub as_of: DateTime<Utc>,
}

impl From<FxQuote> for FxView {
    fn from(q: FxQuote) -> Self {
        FxView { base: "USD", quote: "CNY", rate: q.rate.to_string(), as_of: q.as_of }
    }
}

/// Only USD→CNY exists today; other pairs are unknown resources.
pub fn check_pair(base: &str, quote: &str) -> AppResult<()> {
    if base == "USD" && quote == "CNY" { Ok(()) } else { Err(AppError::NotFound("exchange rate")) }
}

impl App {
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn set_fx_rate(&self, who: &Principal, input: FxInput) -> AppResult<FxView> {
        who.require(Role::Operator)?;
        let mut v = Validation::new();
        let rate = v.required("rate", input.rate, |r| FxRate::parse(&r.0));
        let rate = v.finish(|| rate)?;
        let saved = self.store.set_fx_rate(rate, who.user_id, gateway_core::clock::now()).await;
        self.reference.forget();
        Ok(saved?.into())
    }
}
