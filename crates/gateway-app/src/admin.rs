//! The operator's use cases beyond merchant approval and the FX rate: editing the
//! tax-class table (SPEC 3) and the freight tariff (SPEC 5), every order by status,
//! and the console's overview.
//!
//! A saved tax class re-runs the listing check (SPEC 7) of every product in it, in
//! the same transaction: taking a class off the positive list blocks its products at
//! once, putting it back lists them again, and no product is left judged by a class
//! that no longer exists in that form (see `AdminStore::update_tax_class`).

use crate::fx::FxView;
use crate::input::DecimalText;
use crate::orders::OrderView;
use crate::pagination::{PageQuery, PageView};
use crate::tax_classes::TaxClassView;
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::freight::FreightRates;
use gateway_core::merchant::MerchantStatus;
use gateway_core::order::OrderStatus;
use gateway_core::tax_class::{CtThreshold, TaxClass, format_rate, parse_code, parse_rate};
use gateway_core::text::bounded;
use gateway_core::user::Role;
use gateway_core::{Cny, Validation};
use gateway_store::{FreightSettings, StoreError};
use serde::{Deserialize, Serialize};

/// The highest rates an operator may set. The law's rates are well below them
/// (VAT 9% or 13%, CT up to 15% here, demo duties up to 15%); the bounds only catch a
/// slip such as 0.9 for 0.09. (A rate of 1 or more is refused by the parser: the CT
/// formula divides by 1 − c.)
pub const MAX_VAT: &str = "0.3";
pub const MAX_CONSUMPTION_TAX: &str = "0.6";
pub const MAX_DUTY: &str = "0.8";
/// The most any one freight charge may be: 1,000.00 CNY (the single-order limit is
/// 5,000.00 with freight).
pub const MAX_FREIGHT_FEN: i64 = 100_000;
/// The most a consumption-tax threshold may be, per g/ml or per piece: the
/// single-transaction limit, 5,000.00 CNY.
pub const MAX_THRESHOLD_FEN: i64 = 500_000;
const NAME_MAX: usize = 120;

/// A tax class as the operator saves it: every field (PUT replaces the class; its
/// code and place in the table stay).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TaxClassInput {
    pub name: Option<ClassNameInput>,
    /// Import VAT as a fraction, "0.13" (at most 0.3).
    pub vat_rate: Option<DecimalText>,
    /// Consumption tax as a fraction (at most 0.6).
    pub consumption_tax_rate: Option<DecimalText>,
    /// CNY per g/ml and per piece at or above which the CT applies (high-end
    /// cosmetics); null or absent: the CT always applies.
    pub consumption_tax_threshold: Option<ThresholdInput>,
    /// MFN duty as a fraction (at most 0.8), used in the full-tax case.
    pub mfn_duty_rate: Option<DecimalText>,
    /// Food: the merchant needs a GACC registration (Decree 248).
    pub food: Option<bool>,
    /// On the CBEC positive list: its products may be sold.
    pub positive_list: Option<bool>,
}

/// The class's name in both languages (both required).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClassNameInput {
    pub en: Option<String>,
    pub zh: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ThresholdInput {
    /// CNY, "10.00".
    pub per_g_or_ml: Option<DecimalText>,
    /// CNY, "15.00".
    pub per_piece: Option<DecimalText>,
}

/// What saving a class did: the class as stored, and how many of its products'
/// listings changed (listed ↔ blocked, or their problems).
#[derive(Debug)]
pub struct TaxClassSaved {
    pub class: TaxClassView,
    pub products_changed: u64,
}

/// The freight tariff (SPEC 5), CNY as two-decimal strings.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FreightInput {
    /// Direct mail (9610): the first 500 g or less, "40.00".
    pub direct_first_500g: Option<DecimalText>,
    /// Direct mail: each further 500 g or part of it, "20.00".
    pub direct_each_further_500g: Option<DecimalText>,
    /// Bonded warehouse (1210): per order, "10.00".
    pub bonded_flat: Option<DecimalText>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FreightView {
    pub direct_first_500g: String,
    pub direct_each_further_500g: String,
    pub bonded_flat: String,
    pub updated_at: DateTime<Utc>,
}

impl From<FreightSettings> for FreightView {
    fn from(s: FreightSettings) -> Self {
        FreightView {
            direct_first_500g: s.rates.direct_first_500g.to_string(),
            direct_each_further_500g: s.rates.direct_each_further_500g.to_string(),
            bonded_flat: s.rates.bonded_flat.to_string(),
            updated_at: s.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// paid, shipped, delivered, cancelled or returned; absent for all.
    pub status: Option<String>,
    /// At most this many items (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

/// A status and how many are in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: &'static str,
    pub count: i64,
}

/// The console's first page: what waits for the operator, and the settings in force.
#[derive(Debug)]
pub struct OverviewView {
    /// Every merchant status, in the state machine's order, with its count.
    pub merchants: Vec<StatusCount>,
    /// Every order status, in the state machine's order, with its count.
    pub orders: Vec<StatusCount>,
    pub fx: Option<FxView>,
    pub freight: FreightView,
}

/// Every status of `codes` with its count (0 when absent from `counts`).
fn complete(codes: &[&'static str], counts: &[(&'static str, i64)]) -> Vec<StatusCount> {
    codes
        .iter()
        .map(|&status| StatusCount { status, count: counts.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n) })
        .collect()
}

/// A rate field: a fraction, at most `max`.
fn rate(v: &mut Validation, field: &str, raw: Option<&DecimalText>, max: &str) -> Option<i64> {
    let max_ppm = parse_rate(max).unwrap_or(0);
    v.required(field, raw, |r| {
        let ppm = parse_rate(r.0.trim())?;
        if ppm > max_ppm { Err(format!("must be at most {max}")) } else { Ok(ppm) }
    })
}

/// A CNY amount field between 0 and `max_fen`.
fn amount(v: &mut Validation, field: &str, raw: Option<&DecimalText>, max_fen: i64) -> Option<Cny> {
    v.required(field, raw, |r| {
        let cny = Cny::parse(r.0.trim()).map_err(|e| e.to_string())?;
        if cny.minor() > max_fen { Err(format!("must be at most {}", Cny::from_minor(max_fen))) } else { Ok(cny) }
    })
}

/// Validates `input` into the class `code`, keeping its code; every error at once.
fn parse_class(code: &str, input: &TaxClassInput) -> Result<TaxClass, Vec<gateway_core::FieldError>> {
    let mut v = Validation::new();
    let name = input.name.clone().unwrap_or_default();
    let name_en = v.required("name.en", name.en.as_deref(), |s| bounded(s, NAME_MAX, false));
    let name_zh = v.required("name.zh", name.zh.as_deref(), |s| bounded(s, NAME_MAX, false));
    let vat = rate(&mut v, "vat_rate", input.vat_rate.as_ref(), MAX_VAT);
    let ct = rate(&mut v, "consumption_tax_rate", input.consumption_tax_rate.as_ref(), MAX_CONSUMPTION_TAX);
    let duty = rate(&mut v, "mfn_duty_rate", input.mfn_duty_rate.as_ref(), MAX_DUTY);
    let threshold = match &input.consumption_tax_threshold {
        None => Some(None),
        Some(t) => {
            let unit =
                amount(&mut v, "consumption_tax_threshold.per_g_or_ml", t.per_g_or_ml.as_ref(), MAX_THRESHOLD_FEN);
            let piece = amount(&mut v, "consumption_tax_threshold.per_piece", t.per_piece.as_ref(), MAX_THRESHOLD_FEN);
            unit.zip(piece).map(|(per_g_or_ml, per_piece)| Some(CtThreshold { per_g_or_ml, per_piece }))
        }
    };
    let food = v.required("food", input.food, Ok::<_, &str>);
    let positive_list = v.required("positive_list", input.positive_list, Ok::<_, &str>);
    v.finish(|| {
        Some(TaxClass {
            code: code.to_string(),
            name_en: name_en?,
            name_zh: name_zh?,
            vat_ppm: vat?,
            ct_ppm: ct?,
            ct_threshold: threshold?,
            mfn_duty_ppm: duty?,
            food: food?,
            positive_list: positive_list?,
        })
    })
}

impl App {
    /// Saves a tax class (operators), re-running the listing check of its products.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn update_tax_class(
        &self,
        who: &Principal,
        code: &str,
        input: TaxClassInput,
    ) -> AppResult<TaxClassSaved> {
        who.require(Role::Operator)?;
        // Not even a code (PostgreSQL refuses some bytes, NUL among them): no such class.
        parse_code(code).map_err(|_| AppError::NotFound("tax class"))?;
        let before = self.store.tax_class(code).await?.ok_or(AppError::NotFound("tax class"))?;
        let class = parse_class(&before.code, &input)?;
        let saved = self.store.update_tax_class(class, gateway_core::clock::now()).await;
        self.reference.forget();
        let saved = saved.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("tax class"),
            other => other.into(),
        })?;
        if saved.products_changed > 0 {
            self.catalog_changed();
        }
        tracing::info!(
            tax_class = %saved.class.code,
            positive_list = saved.class.positive_list,
            products_changed = saved.products_changed,
            "tax class saved"
        );
        Ok(TaxClassSaved { class: saved.class.into(), products_changed: saved.products_changed })
    }

    /// The freight tariff in force.
    #[tracing::instrument(skip_all)]
    pub async fn freight(&self) -> AppResult<FreightView> {
        Ok(self.store.freight_settings().await?.into())
    }

    /// Sets the freight tariff (operators); quotes and checkouts use it at once,
    /// orders keep the freight they were placed with.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn set_freight(&self, who: &Principal, input: FreightInput) -> AppResult<FreightView> {
        who.require(Role::Operator)?;
        let mut v = Validation::new();
        let first = amount(&mut v, "direct_first_500g", input.direct_first_500g.as_ref(), MAX_FREIGHT_FEN);
        let further =
            amount(&mut v, "direct_each_further_500g", input.direct_each_further_500g.as_ref(), MAX_FREIGHT_FEN);
        let bonded = amount(&mut v, "bonded_flat", input.bonded_flat.as_ref(), MAX_FREIGHT_FEN);
        let rates = v.finish(|| {
            Some(FreightRates { direct_first_500g: first?, direct_each_further_500g: further?, bonded_flat: bonded? })
        })?;
        let saved = self.store.set_freight_rates(rates, gateway_core::clock::now()).await;
        self.reference.forget();
        let saved = saved?;
        tracing::info!(
            direct_first_500g = %rates.direct_first_500g,
            direct_each_further_500g = %rates.direct_each_further_500g,
            bonded_flat = %rates.bonded_flat,
            "freight tariff saved"
        );
        Ok(saved.into())
    }

    /// Every order, newest first, optionally by status (operators).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn all_orders(&self, who: &Principal, query: &OrderListQuery) -> AppResult<PageView<OrderView>> {
        who.require(Role::Operator)?;
        let status = match query.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(OrderStatus::parse(s).map_err(|e| AppError::field("status", e))?),
        };
        let page = PageQuery { limit: query.limit, cursor: query.cursor.clone() }.to_request()?;
        let page = self.store.all_orders(status, page).await?;
        Ok(PageView::from_page(page, OrderView::new))
    }

    /// What waits for the operator: merchants and orders per status, the FX rate and
    /// the freight tariff.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn operator_overview(&self, who: &Principal) -> AppResult<OverviewView> {
        who.require(Role::Operator)?;
        let merchants: Vec<(&'static str, i64)> =
            self.store.merchant_counts().await?.into_iter().map(|(s, n)| (s.as_str(), n)).collect();
        let orders: Vec<(&'static str, i64)> =
            self.store.order_counts().await?.into_iter().map(|(s, n)| (s.as_str(), n)).collect();
        Ok(OverviewView {
            merchants: complete(MerchantStatus::CODES, &merchants),
            orders: complete(OrderStatus::CODES, &orders),
            fx: self.current_fx().await?.map(FxView::from),
            freight: self.freight().await?,
        })
    }
}

/// A rate as a percentage for people: 130000 ppm → "13", 65000 → "6.5".
pub fn rate_percent(ppm: i64) -> String {
    format_rate(ppm.saturating_mul(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TaxClassInput {
        TaxClassInput {
            name: Some(ClassNameInput { en: Some("Agricultural products".into()), zh: Some("农产品".into()) }),
            vat_rate: Some(DecimalText("0.09".into())),
            consumption_tax_rate: Some(DecimalText("0".into())),
            consumption_tax_threshold: None,
            mfn_duty_rate: Some(DecimalText("0.15".into())),
            food: Some(true),
            positive_list: Some(true),
        }
    }

    #[test]
    fn a_class_parses_with_its_code_kept() {
        let class = parse_class("agri", &input()).unwrap();
        assert_eq!((class.code.as_str(), class.vat_ppm, class.mfn_duty_ppm), ("agri", 90_000, 150_000));
        assert_eq!(class.ct_threshold, None);
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let bad = TaxClassInput {
            name: Some(ClassNameInput { en: Some(" ".into()), zh: None }),
            vat_rate: Some(DecimalText("0.9".into())),
            consumption_tax_rate: Some(DecimalText("-0.1".into())),
            consumption_tax_threshold: Some(ThresholdInput {
                per_g_or_ml: Some(DecimalText("-1".into())),
                per_piece: Some(DecimalText("5000.01".into())),
            }),
            mfn_duty_rate: Some(DecimalText("1".into())),
            food: None,
            positive_list: None,
        };
        let errors = parse_class("agri", &bad).unwrap_err();
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "consumption_tax_rate",
                "consumption_tax_threshold.per_g_or_ml",
                "consumption_tax_threshold.per_piece",
                "food",
                "mfn_duty_rate",
                "name.en",
                "name.zh",
                "positive_list",
                "vat_rate"
            ]
        );
    }

    #[test]
    fn bounds_are_inclusive() {
        let at_max = TaxClassInput {
            vat_rate: Some(DecimalText(MAX_VAT.into())),
            consumption_tax_rate: Some(DecimalText(MAX_CONSUMPTION_TAX.into())),
            mfn_duty_rate: Some(DecimalText(MAX_DUTY.into())),
            consumption_tax_threshold: Some(ThresholdInput {
                per_g_or_ml: Some(DecimalText("0".into())),
                per_piece: Some(DecimalText("5000.00".into())),
            }),
            ..input()
        };
        let class = parse_class("x", &at_max).unwrap();
        assert_eq!((class.vat_ppm, class.ct_ppm, class.mfn_duty_ppm), (300_000, 600_000, 800_000));
        assert_eq!(class.ct_threshold.map(|t| t.per_piece.minor()), Some(500_000));
    }

    #[test]
    fn statuses_are_completed_in_order() {
        let counts = complete(OrderStatus::CODES, &[("shipped", 2)]);
        assert_eq!(counts.len(), 6);
        assert_eq!((counts[0].status, counts[0].count), ("awaiting_payment", 0));
        assert_eq!((counts[1].status, counts[1].count), ("paid", 0));
        assert_eq!((counts[2].status, counts[2].count), ("shipped", 2));
        assert_eq!(rate_percent(130_000), "13");
        assert_eq!(rate_percent(65_000), "6.5");
    }
}
