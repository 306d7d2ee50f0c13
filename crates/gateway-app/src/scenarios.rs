//! Tariff scenarios (issue 6): the operator re-prices the whole catalog for sale under
//! a what-if rule and sees what it does to consumer prices and to the share of
//! products that stay under the single-transaction limit. Nothing is saved; prices in
//! the store never change.
//!
//! The catalog is read in keyset pages (`catalog_for_sale`, the search rebuild's
//! scan) and folded into the aggregates of [`aggregate`] as it streams: memory stays
//! constant whatever the size of the catalog, apart from one small group per tax
//! class. The pages are read one after another, not in one snapshot: a product
//! edited during the run counts at the price one page or the other saw.

pub mod aggregate;

use crate::input::DecimalText;
use crate::tax_classes::NameView;
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use aggregate::{Group, Largest, Share, ppm_as_percent};
use gateway_core::product::NetContent;
use gateway_core::scenario::{ExtraDutyDraft, RuleDraft, ScenarioRule, Tables, UnitProduct, compare};
use gateway_core::tax::TaxRates;
use gateway_core::user::Role;
use gateway_core::{FieldError, ProductId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Products read per page of the scan.
const PAGE: u32 = 1_000;
/// The most increases a preview lists, and how many when the rule does not say.
pub const MAX_TOP: u32 = 100;
pub const DEFAULT_TOP: u32 = 10;

/// A what-if rule. Every field may be left out: an empty rule is today's tables.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScenarioInput {
    /// Whether the CBEC preference holds (default true). false: every order pays full
    /// tax — duty at the class's MFN rate plus CT and VAT in full, no 70% — whatever
    /// its value.
    pub cbec_preference: Option<bool>,
    /// Extra duty, per class or for every class (`*`); entries for one class add up.
    pub extra_duty: Option<Vec<ExtraDutyInput>>,
    /// Whether the extra duty also reaches orders within the CBEC regime (default
    /// false), as a retaliatory tariff on US-origin goods would; it is then charged
    /// in full, and CT and VAT (at 70%) are computed on the value plus that duty.
    pub extra_duty_in_cbec: Option<bool>,
    /// CNY per USD, up to six decimals; absent: the rate in force.
    pub fx_rate: Option<DecimalText>,
    /// The single-transaction limit in CNY, above 0 and at most 26000.00; absent:
    /// 5000.00.
    pub single_limit: Option<DecimalText>,
    /// How many of the largest increases to list, 0 to 100 (default 10).
    pub top: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ExtraDutyInput {
    /// A tax-class code, or `*` for every class.
    #[schema(example = "agri")]
    pub tax_class: Option<String>,
    /// Percentage points added to the duty rate, 0 to 100, up to four decimals ("25", "12.5").
    pub points: Option<DecimalText>,
}

/// What a rule does to the catalog for sale.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScenarioView {
    /// The FX rate in force, and the one the rule prices at.
    pub fx_rate_before: String,
    pub fx_rate_after: String,
    /// CNY: the law's single-transaction limit, and the rule's.
    pub single_limit_before: String,
    pub single_limit_after: String,
    /// Every product priced.
    pub overall: GroupView,
    /// Per tax class with products for sale, by code.
    pub classes: Vec<GroupView>,
    /// The products whose price rises most in relative terms (then by the increase
    /// in CNY), largest first; products whose price does not rise are never listed.
    pub largest_increases: Vec<IncreaseView>,
    /// Products for sale whose tax class is not in the table (none in a healthy
    /// catalog: the listing check blocks them), left out of every figure.
    pub skipped: u64,
}

/// The figures of a group of products: a tax class, or the whole catalog. Prices are
/// the landed price of one unit bought alone (goods + freight + tax), CNY; changes
/// are percentages with two decimals; shares are fractions with four ("0.7500").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    /// The class code; null for the whole catalog.
    pub tax_class: Option<String>,
    pub name: Option<NameView>,
    pub products: u64,
    pub mean_price_before: String,
    pub mean_price_after: String,
    /// The mean of the products' percentage changes.
    pub mean_change_pct: String,
    /// The median percentage change, to 0.1 point (each change is counted in a
    /// histogram of per-mille steps from −100% to +1000%, changes beyond at the bound).
    pub median_change_pct: String,
    /// Products whose one-unit order (goods + freight) is within the single limit.
    pub within_limit_before: u64,
    pub within_limit_after: u64,
    #[schema(value_type = String)]
    pub share_within_limit_before: Share,
    #[schema(value_type = String)]
    pub share_within_limit_after: Share,
    /// Within the limit before, above it under the rule.
    pub crossed_over_limit: u64,
    /// Above the limit before, within it under the rule.
    pub crossed_under_limit: u64,
    /// Products whose one-unit order pays full tax.
    pub full_tax_before: u64,
    pub full_tax_after: u64,
    #[schema(value_type = String)]
    pub share_full_tax_before: Share,
    #[schema(value_type = String)]
    pub share_full_tax_after: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IncreaseView {
    pub product_id: String,
    pub sku: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub tax_class: String,
    /// CNY, one unit landed.
    pub price_before: String,
    pub price_after: String,
    pub increase: String,
    pub change_pct: String,
}

impl GroupView {
    fn new(tax_class: Option<String>, name: Option<NameView>, g: &Group) -> Self {
        GroupView {
            tax_class,
            name,
            products: g.products,
            mean_price_before: g.mean_before().to_string(),
            mean_price_after: g.mean_after().to_string(),
            mean_change_pct: ppm_as_percent(g.mean_change_ppm()),
            median_change_pct: ppm_as_percent(g.median_change_ppm()),
            within_limit_before: g.within_before,
            within_limit_after: g.within_after,
            share_within_limit_before: Share::of(g.within_before, g.products),
            share_within_limit_after: Share::of(g.within_after, g.products),
            crossed_over_limit: g.crossed_over,
            crossed_under_limit: g.crossed_under,
            full_tax_before: g.full_tax_before,
            full_tax_after: g.full_tax_after,
            share_full_tax_before: Share::of(g.full_tax_before, g.products),
            share_full_tax_after: Share::of(g.full_tax_after, g.products),
        }
    }
}

/// Validates `input` against the class codes in the table: the rule and how many
/// increases to list, or every field at fault.
fn parse_input(input: ScenarioInput, codes: &[&str]) -> Result<(ScenarioRule, u32), Vec<FieldError>> {
    let draft = RuleDraft {
        cbec_preference: input.cbec_preference,
        extra_duty: input
            .extra_duty
            .unwrap_or_default()
            .into_iter()
            .map(|e| ExtraDutyDraft { tax_class: e.tax_class, points: e.points.map(|p| p.0) })
            .collect(),
        extra_duty_in_cbec: input.extra_duty_in_cbec,
        fx_rate: input.fx_rate.map(|r| r.0),
        single_limit: input.single_limit.map(|l| l.0),
    };
    let rule = ScenarioRule::parse(&draft, codes);
    let top = input.top.unwrap_or(DEFAULT_TOP);
    let top_error = (top > MAX_TOP).then(|| FieldError::new("top", format!("must be at most {MAX_TOP}")));
    match (rule, top_error) {
        (Ok(rule), None) => Ok((rule, top)),
        (Ok(_), Some(e)) => Err(vec![e]),
        (Err(mut errors), e) => {
            errors.extend(e);
            Err(errors)
        }
    }
}

impl App {
    /// Re-prices every product for sale under the rule `input` (operators).
    ///
    /// 403 for anyone else; 422 naming each field at fault; 409 `fx_rate_missing`
    /// while no FX rate is set (there is no price today to compare with).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn preview_scenario(&self, who: &Principal, input: ScenarioInput) -> AppResult<ScenarioView> {
        who.require(Role::Operator)?;
        let classes = self.tax_table().await?;
        let codes: Vec<&str> = classes.iter().map(|c| c.code.as_str()).collect();
        let (rule, top) = parse_input(input, &codes)?;
        let Some(fx) = self.current_fx().await?.map(|q| q.rate) else {
            return Err(AppError::refused(
                ErrorCode::FxRateMissing,
                crate::error::RefusalKind::Conflict,
                "no USD/CNY rate is set yet, so there are no prices to compare: set the rate first",
            ));
        };
        let freight = self.freight_table().await?;
        let rates: HashMap<&str, TaxRates> = classes.iter().map(|c| (c.code.as_str(), TaxRates::from(c))).collect();

        let mut overall = Group::default();
        let mut by_class: BTreeMap<String, Group> = BTreeMap::new();
        let mut largest = Largest::new(top as usize);
        let mut skipped = 0u64;
        let mut after: Option<ProductId> = None;
        loop {
            let entries = self.store.catalog_for_sale(after, PAGE).await?;
            let Some(last) = entries.last() else { break };
            after = Some(last.product.id);
            let full = entries.len() == PAGE as usize;
            for entry in entries {
                let f = &entry.product.fields;
                let Some(class_rates) = rates.get(f.tax_class.as_str()) else {
                    skipped += 1;
                    continue;
                };
                let unit = UnitProduct {
                    price: f.price,
                    weight_g: f.weight_g,
                    net_content: NetContent { milli: f.net_content_milli, unit: f.net_content_unit },
                    tax_class: &f.tax_class,
                    fulfilment: entry.merchant_fulfilment,
                };
                let c = compare(&unit, &Tables { rates: class_rates, freight: &freight, fx }, &rule);
                overall.add(&c);
                by_class.entry(f.tax_class.clone()).or_default().add(&c);
                largest.offer(entry.product.id, &c, || IncreaseView {
                    product_id: entry.product.id.to_string(),
                    sku: f.sku.clone(),
                    title_en: f.title_en.clone(),
                    title_zh: f.title_zh.clone(),
                    tax_class: f.tax_class.clone(),
                    price_before: c.before.total().to_string(),
                    price_after: c.after.total().to_string(),
                    increase: gateway_core::Cny::from_minor(c.after.total().minor() - c.before.total().minor())
                        .to_string(),
                    change_pct: String::new(),
                });
            }
            if !full {
                break;
            }
        }

        let name_of = |code: &str| {
            classes.iter().find(|c| c.code == code).map(|c| NameView { en: c.name_en.clone(), zh: c.name_zh.clone() })
        };
        Ok(ScenarioView {
            fx_rate_before: fx.to_string(),
            fx_rate_after: rule.fx(fx).to_string(),
            single_limit_before: gateway_core::tax::SINGLE_LIMIT.to_string(),
            single_limit_after: rule.single_limit().to_string(),
            overall: GroupView::new(None, None, &overall),
            classes: by_class.iter().map(|(code, g)| GroupView::new(Some(code.clone()), name_of(code), g)).collect(),
            largest_increases: largest
                .into_sorted()
                .into_iter()
                .map(|i| IncreaseView { change_pct: ppm_as_percent(i.change_ppm.into()), ..i.item })
                .collect(),
            skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_name_their_fields() {
        let input = ScenarioInput {
            extra_duty: Some(vec![ExtraDutyInput {
                tax_class: Some("toys".into()),
                points: Some(DecimalText("x".into())),
            }]),
            top: Some(101),
            ..ScenarioInput::default()
        };
        let errors = parse_input(input, &["agri"]).err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["extra_duty[0].tax_class", "extra_duty[0].points", "top"]);
        let (rule, top) = parse_input(ScenarioInput::default(), &["agri"]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((rule, top), (ScenarioRule::baseline(), DEFAULT_TOP));
        assert!(parse_input(ScenarioInput { top: Some(101), ..ScenarioInput::default() }, &[]).is_err());
    }
}
