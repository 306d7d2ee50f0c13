//! The CBEC positive list (SPEC 3, 7) as data the operator keeps: lines by HS code
//! prefix, each filed in a tax class, with the list's remarks (bonded only, a yearly
//! weight cap per buyer). Anyone may read it — a merchant checks there whether their
//! goods may be sold — and every change re-runs the listing check of the products it
//! covers, in the same transaction (see `AdminStore::put_positive_list_entry`).

use crate::{App, AppError, AppResult, Principal};
use gateway_core::Validation;
use gateway_core::positive_list::{HsPrefix, MAX_ANNUAL_CAP_G, PositiveListEntry};
use gateway_core::tax_class::parse_code;
use gateway_core::text::bounded;
use gateway_core::user::Role;
use gateway_store::StoreError;
use serde::{Deserialize, Serialize};

// The same bound as a product description, whose field messages the pages share.
const DESCRIPTION_MAX: usize = 5000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PositiveListEntryView {
    /// 2 to 10 digits; the longest prefix of a product's HS code decides.
    pub hs_prefix: String,
    pub tax_class: String,
    /// Only from a bonded warehouse (1210): refused for direct-mail merchants.
    pub bonded_only: bool,
    /// Grams one buyer may import per calendar year under this line; null: no cap.
    pub annual_cap_g: Option<i64>,
    pub description: crate::products::TextView,
}

impl From<PositiveListEntry> for PositiveListEntryView {
    fn from(e: PositiveListEntry) -> Self {
        PositiveListEntryView {
            hs_prefix: e.hs_prefix.as_str().to_string(),
            tax_class: e.tax_class,
            bonded_only: e.bonded_only,
            annual_cap_g: e.annual_cap_g,
            description: crate::products::TextView { en: e.description_en, zh: Some(e.description_zh) },
        }
    }
}

/// A line as the operator saves it (PUT replaces it; the prefix is in the path).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PositiveListEntryInput {
    pub tax_class: Option<String>,
    /// Default false.
    pub bonded_only: Option<bool>,
    /// Grams per buyer and calendar year (1 to 1,000,000); null or absent: no cap.
    pub annual_cap_g: Option<i64>,
    pub description: Option<crate::input::BilingualInput>,
}

/// What a change to the list did: the line (absent after a removal) and how many
/// products changed verdict (listed ↔ blocked, their reasons or their cap).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PositiveListChange {
    pub entry: Option<PositiveListEntryView>,
    pub products_changed: u64,
}

fn parse_prefix(text: &str) -> AppResult<HsPrefix> {
    // A prefix that cannot exist names no line: 404 rather than 422 on GET/DELETE
    // paths; PUT reports it as the field.
    HsPrefix::parse(text).map_err(|e| AppError::field("hs_prefix", e))
}

fn parse_entry(prefix: HsPrefix, input: &PositiveListEntryInput) -> AppResult<PositiveListEntry> {
    let mut v = Validation::new();
    let tax_class = v.required("tax_class", input.tax_class.as_deref(), parse_code);
    let annual_cap_g = match input.annual_cap_g {
        Some(g) if !(1..=MAX_ANNUAL_CAP_G).contains(&g) => {
            v.push("annual_cap_g", format!("must be between 1 and {MAX_ANNUAL_CAP_G} grams, or null"));
            None
        }
        other => other,
    };
    let description = match &input.description {
        None => {
            v.push("description.en", "is required");
            v.push("description.zh", "is required");
            None
        }
        Some(d) => {
            let en = v.required("description.en", d.en.as_deref(), |t| bounded(t, DESCRIPTION_MAX, false));
            let zh = v.required("description.zh", d.zh.as_deref(), |t| bounded(t, DESCRIPTION_MAX, false));
            en.zip(zh)
        }
    };
    Ok(v.finish(|| {
        let (description_en, description_zh) = description?;
        Some(PositiveListEntry {
            hs_prefix: prefix,
            tax_class: tax_class?,
            bonded_only: input.bonded_only.unwrap_or(false),
            annual_cap_g,
            description_en,
            description_zh,
        })
    })?)
}

impl App {
    #[tracing::instrument(skip_all)]
    pub async fn positive_list(&self) -> AppResult<Vec<PositiveListEntryView>> {
        Ok(self.store.positive_list().await?.into_iter().map(PositiveListEntryView::from).collect())
    }

    /// Adds or replaces the line for `prefix` (operators).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn put_positive_list_entry(
        &self,
        who: &Principal,
        prefix: &str,
        input: PositiveListEntryInput,
    ) -> AppResult<PositiveListChange> {
        who.require(Role::Operator)?;
        let entry = parse_entry(parse_prefix(prefix)?, &input)?;
        let view = PositiveListEntryView::from(entry.clone());
        let changed = self.store.put_positive_list_entry(entry, gateway_core::clock::now()).await;
        let changed = changed.map_err(|e| match e {
            StoreError::NotFound => AppError::field("tax_class", "is not a known tax class (see /api/v1/tax-classes)"),
            other => other.into(),
        })?;
        self.after_list_change(prefix, changed);
        Ok(PositiveListChange { entry: Some(view), products_changed: changed })
    }

    /// Removes the line for `prefix` (operators): the goods it covered fall to a
    /// shorter line, or off the list.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn delete_positive_list_entry(&self, who: &Principal, prefix: &str) -> AppResult<PositiveListChange> {
        who.require(Role::Operator)?;
        let prefix = HsPrefix::parse(prefix).map_err(|_| AppError::NotFound("positive-list line"))?;
        let changed = self.store.delete_positive_list_entry(&prefix, gateway_core::clock::now()).await;
        let changed = changed.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("positive-list line"),
            other => other.into(),
        })?;
        self.after_list_change(prefix.as_str(), changed);
        Ok(PositiveListChange { entry: None, products_changed: changed })
    }

    /// Runs the listing check of every product again (operators): after an upgrade
    /// that changed the rules, or to repair.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn recheck_all_listings(&self, who: &Principal) -> AppResult<PositiveListChange> {
        who.require(Role::Operator)?;
        let changed = self.store.recheck_all_listings(gateway_core::clock::now()).await?;
        self.after_list_change("*", changed);
        Ok(PositiveListChange { entry: None, products_changed: changed })
    }

    fn after_list_change(&self, prefix: &str, products_changed: u64) {
        if products_changed > 0 {
            self.catalog_changed();
        }
        tracing::info!(hs_prefix = prefix, products_changed, "positive list changed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::BilingualInput;

    fn input() -> PositiveListEntryInput {
        PositiveListEntryInput {
            tax_class: Some("agri".into()),
            bonded_only: None,
            annual_cap_g: Some(2000),
            description: Some(BilingualInput { en: Some("Cane sugar".into()), zh: Some("蔗糖".into()) }),
        }
    }

    fn fields(r: AppResult<PositiveListEntry>) -> Vec<String> {
        match r {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn entries_parse_with_every_fault_named() {
        let prefix = || HsPrefix::parse("1701").unwrap();
        let entry = parse_entry(prefix(), &input()).unwrap();
        assert_eq!((entry.tax_class.as_str(), entry.annual_cap_g, entry.bonded_only), ("agri", Some(2000), false));
        assert_eq!(
            fields(parse_entry(prefix(), &PositiveListEntryInput::default())),
            ["tax_class", "description.en", "description.zh"]
        );
        let bad = PositiveListEntryInput { tax_class: Some("Agri".into()), annual_cap_g: Some(0), ..input() };
        assert_eq!(fields(parse_entry(prefix(), &bad)), ["tax_class", "annual_cap_g"]);
        let too_much = PositiveListEntryInput { annual_cap_g: Some(MAX_ANNUAL_CAP_G + 1), ..input() };
        assert_eq!(fields(parse_entry(prefix(), &too_much)), ["annual_cap_g"]);
        assert!(matches!(parse_prefix("17a1"), Err(AppError::Validation(_))));
    }
}
