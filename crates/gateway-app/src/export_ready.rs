//! The export-ready checklist of a merchant (issue 8): the five things a US business
//! has done once it can sell to China through Gateway, each worked out from data the
//! store already holds (its profile, its products, its orders) rather than ticked by
//! hand, so the list cannot say "done" for something that is not.

use crate::food_readiness::classification;
use crate::{App, AppError, AppResult, Principal};
use gateway_core::MerchantId;
use gateway_core::merchant::MerchantStatus;
use gateway_core::product::ProductStatus;
use gateway_core::tax_class::TaxClass;
use gateway_core::user::Role;
use gateway_store::{ExportData, Merchant, PageRequest, ProductReadiness};
use serde::Serialize;
use std::collections::BTreeMap;

/// The step ids, in the order a merchant goes through them.
pub const STEP_IDS: [&str; 5] =
    ["profile", "products_listed", "chinese_titles", "food_registration", "first_order_shipped"];

/// Everything the checklist is computed from, as plain facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFacts {
    /// The profile tells the business's story (in either language).
    pub has_story: bool,
    /// The profile has a Chinese display name (中文店名).
    pub has_chinese_name: bool,
    /// The operator approved the merchant and it is not suspended.
    pub active: bool,
    /// Products for sale, and products the listing check blocks.
    pub listed: i64,
    pub blocked: i64,
    /// Listed products without a Chinese title (中文标题).
    pub listed_without_chinese_title: i64,
    /// At least one product GACC's food registration (Decree 248) concerns.
    pub sells_food: bool,
    /// The profile has the GACC registration number (注册号).
    pub has_registration_no: bool,
    /// Orders that left the merchant: shipped, delivered, or returned after delivery.
    pub orders_shipped: i64,
}

/// One step of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExportStep {
    /// profile, products_listed, chinese_titles, food_registration or
    /// first_order_shipped.
    pub id: &'static str,
    /// done, todo or not_applicable.
    pub status: &'static str,
    /// What the step counted, by name: listed, blocked, missing_chinese_title,
    /// orders_shipped (empty for the profile and food steps).
    pub counts: BTreeMap<&'static str, i64>,
    /// What the profile still lacks: story, display_name_zh, approval (the profile
    /// step only).
    pub missing: Vec<&'static str>,
    /// The portal page where the step is done.
    pub link: &'static str,
}

/// A merchant's export-ready checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExportReadyView {
    pub merchant_id: String,
    /// Every applicable step is done.
    pub ready: bool,
    /// Steps done, and steps that apply.
    pub done: usize,
    pub applicable: usize,
    pub steps: Vec<ExportStep>,
}

fn status(done: bool) -> &'static str {
    if done { "done" } else { "todo" }
}

fn step(id: &'static str, status: &'static str, link: &'static str) -> ExportStep {
    ExportStep { id, status, counts: BTreeMap::new(), missing: Vec::new(), link }
}

/// The steps, in [`STEP_IDS`] order.
pub fn export_steps(f: &ExportFacts) -> Vec<ExportStep> {
    let mut profile = step("profile", "todo", "/merchant/profile");
    for (lacks, what) in [(!f.has_story, "story"), (!f.has_chinese_name, "display_name_zh"), (!f.active, "approval")] {
        if lacks {
            profile.missing.push(what);
        }
    }
    profile.status = status(profile.missing.is_empty());

    let mut products = step("products_listed", status(f.listed > 0 && f.blocked == 0), "/merchant/products");
    products.counts.extend([("listed", f.listed), ("blocked", f.blocked)]);

    // With nothing listed there is no title to check: the step waits for products.
    let titles_done = f.listed > 0 && f.listed_without_chinese_title == 0;
    let mut titles = step("chinese_titles", status(titles_done), "/merchant/products");
    titles.counts.extend([("listed", f.listed), ("missing_chinese_title", f.listed_without_chinese_title)]);

    let food_status = match (f.sells_food, f.has_registration_no) {
        (false, _) => "not_applicable",
        (true, has) => status(has),
    };
    let food = step("food_registration", food_status, "/merchant/food-readiness");

    let mut shipped = step("first_order_shipped", status(f.orders_shipped > 0), "/merchant/orders");
    shipped.counts.insert("orders_shipped", f.orders_shipped);

    vec![profile, products, titles, food, shipped]
}

fn present(text: Option<&str>) -> bool {
    text.is_some_and(|t| !t.trim().is_empty())
}

impl ExportReadyView {
    fn new(merchant_id: MerchantId, steps: Vec<ExportStep>) -> Self {
        let done = steps.iter().filter(|s| s.status == "done").count();
        let applicable = steps.iter().filter(|s| s.status != "not_applicable").count();
        ExportReadyView { merchant_id: merchant_id.to_string(), ready: done == applicable, done, applicable, steps }
    }
}

impl App {
    /// The merchant's export-ready checklist: its owner's or an operator's.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn export_ready(&self, who: &Principal, merchant_id: MerchantId) -> AppResult<ExportReadyView> {
        let merchant = self.merchant(merchant_id).await?;
        if !crate::merchant_portal::may_see(who, &merchant) {
            return Err(AppError::Forbidden("this merchant belongs to another account"));
        }
        let classes = self.tax_table().await?;
        let mut views = self.export_ready_views(&[&merchant], &classes).await?;
        views.pop().ok_or(AppError::NotFound("merchant"))
    }

    /// The checklists of `merchants`, judged by the tax `classes` (for the food step):
    /// one read of the store for any number of merchants. The merchant's own list,
    /// the operator's summary and the matchmaking's ranking all come through here.
    pub(crate) async fn export_ready_views(
        &self,
        merchants: &[&Merchant],
        classes: &[TaxClass],
    ) -> AppResult<Vec<ExportReadyView>> {
        let ids: Vec<MerchantId> = merchants.iter().map(|m| m.id).collect();
        let data = self.store.export_data(&ids).await?;
        Ok(merchants
            .iter()
            .zip(&data)
            .map(|(merchant, data)| {
                ExportReadyView::new(merchant.id, export_steps(&export_facts(merchant, data, classes)))
            })
            .collect())
    }

    /// The checklist over every merchant in the programme (all but the rejected), for
    /// the operator: how many are ready, how many did each step, by state. Reads a
    /// page of merchants at a time with their products' facts: three queries a page.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn export_ready_summary(&self, who: &Principal) -> AppResult<ExportReadySummary> {
        who.require(Role::Operator)?;
        let classes = self.tax_table().await?;
        let mut summary = ExportReadySummary::default();
        let mut after = None;
        loop {
            let page = self.store.list_merchants(None, PageRequest { after, limit: SUMMARY_PAGE }).await?;
            let merchants: Vec<&Merchant> =
                page.items.iter().filter(|m| m.status != MerchantStatus::Rejected).collect();
            for (merchant, view) in merchants.iter().zip(self.export_ready_views(&merchants, &classes).await?) {
                summary.add(merchant.profile.state.as_str(), &view);
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(summary)
    }
}

/// Merchants read at once by the operator's summary.
const SUMMARY_PAGE: u32 = 500;

/// The checklist's facts about `merchant` from its export data.
fn export_facts(merchant: &Merchant, data: &ExportData, classes: &[TaxClass]) -> ExportFacts {
    let count = |keep: &dyn Fn(&ProductReadiness) -> bool| {
        i64::try_from(data.products.iter().filter(|p| keep(p)).count()).unwrap_or(i64::MAX)
    };
    // "Sells food" is the food checklist's own answer: a product not delisted that
    // Decree 248 concerns.
    let sells_food = data
        .products
        .iter()
        .any(|p| p.status != ProductStatus::Delisted && classification(&p.hs_code, &p.tax_class, classes).is_food());
    ExportFacts {
        has_story: present(merchant.profile.story_en.as_deref()) || present(merchant.profile.story_zh.as_deref()),
        has_chinese_name: present(merchant.profile.display_name_zh.as_deref()),
        active: merchant.status == MerchantStatus::Active,
        listed: count(&|p| p.status == ProductStatus::Listed),
        blocked: count(&|p| p.status == ProductStatus::Blocked),
        listed_without_chinese_title: count(&|p| p.status == ProductStatus::Listed && !p.has_title_zh),
        sells_food,
        has_registration_no: present(merchant.profile.food_registration_no.as_deref()),
        orders_shipped: data.orders_shipped,
    }
}

/// How many merchants did one step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StepSummary {
    pub id: &'static str,
    pub done: i64,
    pub todo: i64,
    pub not_applicable: i64,
}

/// The checklist in one US state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StateReadiness {
    pub state: String,
    pub merchants: i64,
    pub ready: i64,
}

/// The export-ready checklist over all merchants (the operator's view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExportReadySummary {
    /// Merchants counted: all but the rejected.
    pub merchants: i64,
    /// Those with every applicable step done.
    pub ready: i64,
    /// Per step, in checklist order.
    pub steps: Vec<StepSummary>,
    /// Merchants by steps done: `by_steps_done[n]` merchants have done n steps.
    pub by_steps_done: Vec<i64>,
    /// Per US state with merchants, by state code.
    pub by_state: Vec<StateReadiness>,
}

impl Default for ExportReadySummary {
    fn default() -> Self {
        ExportReadySummary {
            merchants: 0,
            ready: 0,
            steps: STEP_IDS.iter().map(|&id| StepSummary { id, ..StepSummary::default() }).collect(),
            by_steps_done: vec![0; STEP_IDS.len() + 1],
            by_state: Vec::new(),
        }
    }
}

impl ExportReadySummary {
    fn add(&mut self, state: &str, view: &ExportReadyView) {
        self.merchants += 1;
        self.ready += i64::from(view.ready);
        for (sum, step) in self.steps.iter_mut().zip(&view.steps) {
            match step.status {
                "done" => sum.done += 1,
                "not_applicable" => sum.not_applicable += 1,
                _ => sum.todo += 1,
            }
        }
        if let Some(n) = self.by_steps_done.get_mut(view.done) {
            *n += 1;
        }
        let at = match self.by_state.binary_search_by(|s| s.state.as_str().cmp(state)) {
            Ok(at) => at,
            Err(at) => {
                self.by_state.insert(at, StateReadiness { state: state.to_string(), ..StateReadiness::default() });
                at
            }
        };
        self.by_state[at].merchants += 1;
        self.by_state[at].ready += i64::from(view.ready);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merchant that has done everything and sells food.
    fn ready() -> ExportFacts {
        ExportFacts {
            has_story: true,
            has_chinese_name: true,
            active: true,
            listed: 3,
            blocked: 0,
            listed_without_chinese_title: 0,
            sells_food: true,
            has_registration_no: true,
            orders_shipped: 1,
        }
    }

    fn statuses(f: &ExportFacts) -> Vec<&'static str> {
        export_steps(f).iter().map(|s| s.status).collect()
    }

    #[test]
    fn a_new_merchant_has_everything_to_do_but_food() {
        let steps = export_steps(&ExportFacts::default());
        assert_eq!(steps.iter().map(|s| s.id).collect::<Vec<_>>(), STEP_IDS);
        assert_eq!(statuses(&ExportFacts::default()), ["todo", "todo", "todo", "not_applicable", "todo"]);
        assert_eq!(steps[0].missing, ["story", "display_name_zh", "approval"]);
        let view = ExportReadyView::new(MerchantId::new(), steps);
        assert_eq!((view.done, view.applicable, view.ready), (0, 4, false));
    }

    #[test]
    fn a_merchant_that_did_everything_is_ready() {
        assert_eq!(statuses(&ready()), ["done"; 5]);
        let view = ExportReadyView::new(MerchantId::new(), export_steps(&ready()));
        assert_eq!((view.done, view.applicable, view.ready), (5, 5, true));
        // Without food the food step drops out of the count.
        let no_food = ExportFacts { sells_food: false, has_registration_no: false, ..ready() };
        let view = ExportReadyView::new(MerchantId::new(), export_steps(&no_food));
        assert_eq!((view.done, view.applicable, view.ready), (4, 4, true));
    }

    #[test]
    fn the_profile_needs_its_story_chinese_name_and_approval() {
        let f = ExportFacts { has_chinese_name: false, active: false, ..ready() };
        let profile = &export_steps(&f)[0];
        assert_eq!((profile.status, profile.missing.clone()), ("todo", vec!["display_name_zh", "approval"]));
        let f = ExportFacts { has_story: false, ..ready() };
        assert_eq!(export_steps(&f)[0].missing, ["story"]);
    }

    #[test]
    fn one_blocked_product_keeps_the_products_step_open() {
        let f = ExportFacts { listed: 2, blocked: 1, ..ready() };
        let s = &export_steps(&f)[1];
        assert_eq!(s.status, "todo");
        assert_eq!(s.counts, BTreeMap::from([("listed", 2), ("blocked", 1)]));
        assert_eq!(export_steps(&ExportFacts { listed: 0, ..ready() })[1].status, "todo");
    }

    #[test]
    fn every_listed_product_needs_a_chinese_title() {
        let f = ExportFacts { listed: 3, listed_without_chinese_title: 2, ..ready() };
        let s = &export_steps(&f)[2];
        assert_eq!(s.status, "todo");
        assert_eq!(s.counts, BTreeMap::from([("listed", 3), ("missing_chinese_title", 2)]));
        // Nothing listed: nothing to show a Chinese title on yet.
        let f = ExportFacts { listed: 0, listed_without_chinese_title: 0, ..ready() };
        assert_eq!(export_steps(&f)[2].status, "todo");
    }

    #[test]
    fn food_needs_the_registration_number() {
        let f = ExportFacts { has_registration_no: false, ..ready() };
        assert_eq!(export_steps(&f)[3].status, "todo");
        let f = ExportFacts { sells_food: false, has_registration_no: false, ..ready() };
        assert_eq!(export_steps(&f)[3].status, "not_applicable");
    }

    #[test]
    fn the_first_shipped_order_closes_the_list() {
        let f = ExportFacts { orders_shipped: 0, ..ready() };
        let s = &export_steps(&f)[4];
        assert_eq!((s.status, s.counts.get("orders_shipped")), ("todo", Some(&0)));
    }
}
