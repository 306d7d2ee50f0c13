//! The Decree 248 readiness checklist of a merchant (issue 6): which of its products
//! GACC's food registration concerns, through which path (the competent authority's
//! recommendation, or the manufacturer's own application in CIFER), and the steps
//! done and still to do. The rules are gateway-core's `food_registration`; this
//! module reads the merchant's profile, products and confirmations, and records the
//! confirmations of the steps only the merchant can vouch for.

use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::food_registration::{
    Authority, Checklist, ChecklistInput, ChecklistProduct, Classification, StepId, checklist, classify,
};
use gateway_core::product::ProductStatus;
use gateway_core::user::Role;
use gateway_core::{FieldError, MerchantId};
use gateway_store::{FoodReadinessData, Merchant, ReadinessAck, StoreError};
use serde::{Deserialize, Serialize};

/// A Decree 248 category as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    /// e.g. bee_products.
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    /// The US competent authority that recommends facilities: fda or usda_fsis.
    pub authority: &'static str,
    /// False where the authority is Gateway's reading rather than a source's explicit
    /// word (casings, egg products): check with the agency.
    pub authority_confirmed: bool,
}

/// A product and its place under Decree 248.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadinessProductView {
    pub id: String,
    pub sku: String,
    pub title: String,
    pub hs_code: String,
    pub tax_class: String,
    /// listed or blocked (withdrawn products are left out).
    pub status: &'static str,
    /// recommended (one of the 18 categories), other_food (self-registration in
    /// CIFER) or not_food.
    pub classification: &'static str,
    /// The category, for `recommended` products.
    pub category: Option<CategoryView>,
}

/// A competent authority named by a step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuthorityView {
    /// fda or usda_fsis.
    pub code: &'static str,
    pub name: &'static str,
    /// Where to apply.
    pub link: &'static str,
}

/// One step of the checklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadinessStepView {
    /// fda_facility_registration, competent_authority_recommendation,
    /// cifer_self_registration, registration_number, number_on_packaging or renewal.
    pub id: &'static str,
    /// done, todo or not_applicable.
    pub status: &'static str,
    pub title: &'static str,
    /// Why the step has its status: a stable code and its English text.
    pub reason: &'static str,
    pub why: &'static str,
    /// What to do.
    pub todo: &'static str,
    /// Ids of the products the step concerns.
    pub products: Vec<String>,
    /// The competent authorities to ask (the recommendation step).
    pub authorities: Vec<AuthorityView>,
    /// Where to do it.
    pub links: Vec<&'static str>,
    /// The merchant confirms this step itself (`done` once confirmed).
    pub acknowledgeable: bool,
    /// When the merchant confirmed it, if it did.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// A merchant's Decree 248 readiness checklist.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoodReadinessView {
    pub merchant_id: String,
    pub kind: &'static str,
    /// At least one product is food: the checklist concerns the merchant.
    pub applies: bool,
    /// No step is left to do.
    pub ready: bool,
    /// Steps done, and steps that apply.
    pub done: usize,
    pub applicable: usize,
    /// The GACC registration number of the profile, null when it has none.
    pub registration_no: Option<String>,
    /// The merchant's products, those it withdrew left out, in id order.
    pub products: Vec<ReadinessProductView>,
    pub steps: Vec<ReadinessStepView>,
}

/// A confirmation of a step, or its withdrawal.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgeInput {
    /// true confirms the step, false withdraws the confirmation.
    pub confirmed: Option<bool>,
}

fn category_view(c: gateway_core::food_registration::FoodCategory) -> CategoryView {
    CategoryView {
        code: c.as_str(),
        name_en: c.name_en(),
        name_zh: c.name_zh(),
        authority: c.authority().as_str(),
        authority_confirmed: c.authority_confirmed(),
    }
}

fn authority_view(a: Authority) -> AuthorityView {
    AuthorityView { code: a.as_str(), name: a.name_en(), link: a.link() }
}

/// What Decree 248 makes of a product of `tax_class` under `hs_code`. A class that no
/// longer exists cannot say the product is food.
pub(crate) fn classification(
    hs_code: &str,
    tax_class: &str,
    classes: &[gateway_core::tax_class::TaxClass],
) -> Classification {
    classes.iter().find(|c| c.code == tax_class).map_or(Classification::NotFood, |c| classify(hs_code, c))
}

impl FoodReadinessView {
    fn new(merchant: &Merchant, data: FoodReadinessData, tax_classes: &[gateway_core::tax_class::TaxClass]) -> Self {
        let mut tax_class_codes = Vec::new();
        let products: Vec<ChecklistProduct> = data
            .products
            .into_iter()
            .filter(|p| p.fields.status != ProductStatus::Delisted)
            .map(|p| {
                let f = p.fields;
                let classification = classification(&f.hs_code, &f.tax_class, tax_classes);
                tax_class_codes.push(f.tax_class);
                ChecklistProduct {
                    id: p.id.to_string(),
                    sku: f.sku,
                    title: f.title_en,
                    hs_code: f.hs_code,
                    classification,
                    status: f.status,
                }
            })
            .collect();
        let acked: Vec<StepId> = data.acks.iter().map(|a| a.step).collect();
        let list: Checklist = checklist(ChecklistInput {
            products,
            has_registration_no: merchant.profile.food_registration_no.is_some(),
            acknowledged: acked,
        });
        let steps = list
            .steps
            .iter()
            .map(|s| ReadinessStepView {
                id: s.id.as_str(),
                status: s.status.as_str(),
                title: s.id.title_en(),
                reason: s.reason.as_str(),
                why: s.reason.why_en(),
                todo: s.id.todo_en(),
                products: s.products.iter().map(|&i| list.products[i].id.clone()).collect(),
                authorities: s.authorities.iter().map(|&a| authority_view(a)).collect(),
                links: s.links.clone(),
                acknowledgeable: s.id.acknowledgeable(),
                acknowledged_at: data.acks.iter().find(|a| a.step == s.id).map(|a| a.acknowledged_at),
            })
            .collect();
        FoodReadinessView {
            merchant_id: merchant.id.to_string(),
            kind: merchant.profile.kind.as_str(),
            applies: list.applies(),
            ready: list.ready(),
            done: list.done(),
            applicable: list.applicable(),
            registration_no: merchant.profile.food_registration_no.clone(),
            products: list
                .products
                .iter()
                .zip(tax_class_codes)
                .map(|(p, tax_class)| ReadinessProductView {
                    id: p.id.clone(),
                    sku: p.sku.clone(),
                    title: p.title.clone(),
                    hs_code: p.hs_code.clone(),
                    tax_class,
                    status: p.status.as_str(),
                    classification: p.classification.code(),
                    category: p.classification.category().map(category_view),
                })
                .collect(),
            steps,
        }
    }
}

/// The step of a confirmation: one the merchant may confirm.
fn parse_ack_step(text: &str) -> Result<StepId, FieldError> {
    match StepId::parse(text) {
        Ok(step) if step.acknowledgeable() => Ok(step),
        _ => Err(FieldError::new("step", "must be one of: fda_facility_registration, number_on_packaging, renewal")),
    }
}

impl App {
    /// The merchant's checklist: its owner's or an operator's.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn food_readiness(&self, who: &Principal, merchant_id: MerchantId) -> AppResult<FoodReadinessView> {
        let merchant = self.merchant(merchant_id).await?;
        if !crate::merchant_portal::may_see(who, &merchant) {
            return Err(AppError::Forbidden("this merchant belongs to another account"));
        }
        self.readiness_of(&merchant).await
    }

    async fn readiness_of(&self, merchant: &Merchant) -> AppResult<FoodReadinessView> {
        let data = self.store.food_readiness_data(merchant.id).await?;
        self.readiness_of_data(merchant, data).await
    }

    /// The checklist over data already read (the export-ready checklist reads it too).
    pub(crate) async fn readiness_of_data(
        &self,
        merchant: &Merchant,
        data: FoodReadinessData,
    ) -> AppResult<FoodReadinessView> {
        let classes = self.tax_table().await?;
        Ok(FoodReadinessView::new(merchant, data, &classes))
    }

    /// The merchant's owner confirms a step only it can vouch for (its FDA facility
    /// registration, the number on its packaging, its renewal date), or withdraws the
    /// confirmation. The owner only: it is the business's own declaration.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn acknowledge_food_step(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        step: &str,
        input: AcknowledgeInput,
    ) -> AppResult<FoodReadinessView> {
        let merchant = self.merchant(merchant_id).await?;
        if who.role != Role::Merchant || who.user_id != merchant.owner_id {
            return Err(AppError::Forbidden("only the merchant's owner may confirm its checklist"));
        }
        let mut errors = Vec::new();
        let step = parse_ack_step(step).map_err(|e| errors.push(e)).ok();
        let confirmed = input.confirmed.ok_or_else(|| errors.push(FieldError::new("confirmed", "is required"))).ok();
        let (Some(step), Some(confirmed)) = (step, confirmed) else {
            return Err(AppError::Validation(errors));
        };
        let ack = ReadinessAck {
            merchant_id,
            step,
            acknowledged_by: who.user_id,
            acknowledged_at: gateway_core::clock::now(),
        };
        self.store.set_readiness_ack(ack, confirmed).await.map_err(|e| match e {
            StoreError::NotFound => AppError::NotFound("merchant"),
            other => other.into(),
        })?;
        tracing::info!(merchant.id = %merchant_id, step = step.as_str(), confirmed, "food readiness step confirmed");
        self.readiness_of(&merchant).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_acknowledgeable_steps_may_be_confirmed() {
        assert_eq!(parse_ack_step("renewal"), Ok(StepId::Renewal));
        assert_eq!(parse_ack_step("fda_facility_registration"), Ok(StepId::FdaFacilityRegistration));
        for bad in ["registration_number", "competent_authority_recommendation", "", "Renewal"] {
            let e = parse_ack_step(bad).unwrap_err();
            assert_eq!(e.field, "step", "{bad}");
        }
    }
}
