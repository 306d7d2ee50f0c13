//! The tax-class table (SPEC 3), as the API shows it.

use crate::{App, AppResult};
use gateway_core::tax_class::{TaxClass, TaxRate};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaxClassView {
    pub code: String,
    pub name: NameView,
    /// Import VAT rate as a fraction, "0.13".
    #[schema(value_type = String)]
    pub vat_rate: TaxRate,
    /// Consumption tax rate as a fraction.
    #[schema(value_type = String)]
    pub consumption_tax_rate: TaxRate,
    /// For high-end cosmetics: CT applies at or above these CNY values per g/ml or per piece.
    pub consumption_tax_threshold: Option<ThresholdView>,
    /// MFN duty rate used in the full-tax case (demo values per class).
    #[schema(value_type = String)]
    pub mfn_duty_rate: TaxRate,
    /// Food: the merchant needs a GACC registration (Decree 248).
    pub food: bool,
    /// On the CBEC positive list.
    pub positive_list: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NameView {
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThresholdView {
    pub per_g_or_ml: String,
    pub per_piece: String,
}

impl From<TaxClass> for TaxClassView {
    fn from(c: TaxClass) -> Self {
        TaxClassView {
            code: c.code,
            name: NameView { en: c.name_en, zh: c.name_zh },
            vat_rate: TaxRate::from_ppm(c.vat_ppm),
            consumption_tax_rate: TaxRate::from_ppm(c.ct_ppm),
            consumption_tax_threshold: c
                .ct_threshold
                .map(|t| ThresholdView { per_g_or_ml: t.per_g_or_ml.to_string(), per_piece: t.per_piece.to_string() }),
            mfn_duty_rate: TaxRate::from_ppm(c.mfn_duty_ppm),
            food: c.food,
            positive_list: c.positive_list,
        }
    }
}

impl App {
    #[tracing::instrument(skip_all)]
    pub async fn tax_classes(&self) -> AppResult<Vec<TaxClassView>> {
        Ok(self.tax_table().await?.iter().cloned().map(TaxClassView::from).collect())
    }
}
