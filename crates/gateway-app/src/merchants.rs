//! Merchants (SPEC 7): sign-up of the business, approval by an operator, public view.

use crate::input::BilingualInput;
use crate::pagination::{PageQuery, PageView};
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::merchant::{
    FoodRegistrationNo, Fulfilment, MerchantAction, MerchantKind, MerchantStatus, UsState, Zip, parse_employees,
};
use gateway_core::text::{Bilingual, bounded};
use gateway_core::user::Role;
use gateway_core::{MerchantId, UserId, Validation};
use gateway_store::{Merchant, MerchantProfile, NewMerchant, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MerchantInput {
    pub legal_name: Option<String>,
    pub display_name: Option<BilingualInput>,
    /// farm, manufacturer, brand or retailer.
    pub kind: Option<String>,
    /// USPS state code, e.g. IA.
    pub state: Option<String>,
    pub city: Option<String>,
    pub zip: Option<String>,
    /// Employees at sign-up (0 or more).
    pub employees: Option<i64>,
    pub exported_before: Option<bool>,
    /// direct_mail (customs mode 9610) or bonded (1210).
    pub fulfilment: Option<String>,
    /// GACC overseas food facility registration number (Decree 248), for food
    /// producers; "" removes it.
    pub food_registration_no: Option<String>,
    /// The business's story for shoppers: English, optionally Chinese.
    pub story: Option<BilingualInput>,
}

/// Text in English and, when given, Chinese.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DisplayNameView {
    pub en: String,
    pub zh: Option<String>,
}

/// A merchant as the API shows it. Fields marked private are present only for the
/// merchant's owner and operators.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MerchantView {
    #[schema(value_type = String)]
    pub id: MerchantId,
    pub legal_name: String,
    pub display_name: DisplayNameView,
    pub kind: &'static str,
    pub state: &'static str,
    pub city: String,
    pub fulfilment: &'static str,
    pub status: &'static str,
    /// The business's story, null when it has none.
    pub story: Option<DisplayNameView>,
    pub created_at: DateTime<Utc>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employees: Option<i64>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported_before: Option<bool>,
    /// Private; null when the merchant has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub food_registration_no: Option<Option<String>>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<UserId>,
}

impl MerchantView {
    pub fn new(m: Merchant, private: bool) -> Self {
        MerchantView {
            id: m.id,
            legal_name: m.profile.legal_name,
            display_name: DisplayNameView { en: m.profile.display_name_en, zh: m.profile.display_name_zh },
            kind: m.profile.kind.as_str(),
            state: m.profile.state.as_str(),
            city: m.profile.city,
            fulfilment: m.profile.fulfilment.as_str(),
            status: m.status.as_str(),
            story: m.profile.story_en.map(|en| DisplayNameView { en, zh: m.profile.story_zh }),
            created_at: m.created_at,
            zip: private.then_some(m.profile.zip),
            employees: private.then_some(m.profile.employees),
            exported_before: private.then_some(m.profile.exported_before),
            food_registration_no: private.then_some(m.profile.food_registration_no),
            owner_id: private.then_some(m.owner_id),
        }
    }
}

/// May `who` see and act on the merchant's private side?
pub fn is_owner_or_operator(who: Option<&Principal>, m: &Merchant) -> bool {
    who.is_some_and(|p| p.is_operator() || p.user_id == m.owner_id)
}

/// The validated profile of a merchant: `input` over `base` (the merchant being
/// edited), or, with no base, a new merchant whose every field but the optional
/// ones is required.
fn merge_profile(
    base: Option<&Merchant>,
    input: MerchantInput,
) -> Result<MerchantProfile, Vec<gateway_core::FieldError>> {
    let mut v = Validation::new();
    let legal_name = v.patched(
        "legal_name",
        input.legal_name.as_deref(),
        |s| bounded(s, 200, false),
        base.map(|b| b.profile.legal_name.clone()),
    );
    let display_name = match (&input.display_name, base) {
        (None, Some(b)) => {
            Some(Bilingual { en: b.profile.display_name_en.clone(), zh: b.profile.display_name_zh.clone() })
        }
        (None, None) => {
            v.push("display_name.en", "is required");
            None
        }
        (Some(d), _) => d.parse("display_name", 120, false, &mut v),
    };
    let kind = v.patched("kind", input.kind.as_deref(), MerchantKind::parse, base.map(|b| b.profile.kind));
    let state = v.patched("state", input.state.as_deref(), UsState::parse, base.map(|b| b.profile.state));
    let city =
        v.patched("city", input.city.as_deref(), |s| bounded(s, 100, false), base.map(|b| b.profile.city.clone()));
    let zip = v.patched(
        "zip",
        input.zip.as_deref(),
        |s| Zip::parse(s).map(|z| z.as_str().to_string()),
        base.map(|b| b.profile.zip.clone()),
    );
    let employees = v.patched("employees", input.employees, parse_employees, base.map(|b| b.profile.employees));
    let exported_before =
        v.patched("exported_before", input.exported_before, Ok::<_, &str>, base.map(|b| b.profile.exported_before));
    let fulfilment =
        v.patched("fulfilment", input.fulfilment.as_deref(), Fulfilment::parse, base.map(|b| b.profile.fulfilment));
    // Optional fields: absent keeps (or stays empty), "" clears.
    let food_registration_no = match input.food_registration_no.as_deref().map(str::trim) {
        None => Some(base.and_then(|b| b.profile.food_registration_no.clone())),
        Some("") => Some(None),
        Some(s) => v.check("food_registration_no", FoodRegistrationNo::parse(s)).map(|r| Some(r.as_str().to_string())),
    };
    let story = match (&input.story, base) {
        (None, b) => {
            Some(b.and_then(|b| b.profile.story_en.clone().map(|en| Bilingual { en, zh: b.profile.story_zh.clone() })))
        }
        (Some(s), _) if s.en.as_deref().is_none_or(|en| en.trim().is_empty()) && s.zh.is_none() => Some(None),
        (Some(s), _) => s.parse("story", STORY_MAX, true, &mut v).map(Some),
    };
    v.finish(|| {
        let display_name = display_name?;
        let (story_en, story_zh) = split_story(story?);
        Some(MerchantProfile {
            legal_name: legal_name?,
            display_name_en: display_name.en,
            display_name_zh: display_name.zh,
            kind: kind?,
            state: state?,
            city: city?,
            zip: zip?,
            employees: employees?,
            exported_before: exported_before?,
            fulfilment: fulfilment?,
            food_registration_no: food_registration_no?,
            story_en,
            story_zh,
        })
    })
}

const STORY_MAX: usize = 2000;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MerchantListQuery {
    /// pending, active, rejected or suspended.
    pub status: Option<String>,
    /// At most this many items (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
}

impl App {
    /// A merchant user registers their business; it waits for approval.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn create_merchant(&self, who: &Principal, input: MerchantInput) -> AppResult<MerchantView> {
        who.require(Role::Merchant)?;
        let profile = merge_profile(None, input)?;
        let new = NewMerchant {
            id: MerchantId::new(),
            owner_id: who.user_id,
            profile,
            created_at: gateway_core::clock::now(),
        };
        let merchant = self.store.create_merchant(new).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::Conflict { message: "this account already has a merchant profile".into(), field: None }
            }
            other => other.into(),
        })?;
        tracing::info!(merchant.id = %merchant.id, "merchant created");
        Ok(MerchantView::new(merchant, true))
    }

    #[tracing::instrument(skip_all, fields(merchant.id = %id))]
    pub async fn merchant(&self, id: MerchantId) -> AppResult<Merchant> {
        self.store.merchant(id).await?.ok_or(AppError::NotFound("merchant"))
    }

    /// Edits the business profile (its owner, or an operator correcting it). When the
    /// food registration changes, the listing check runs again over its products.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %id))]
    pub async fn update_merchant(
        &self,
        who: &Principal,
        id: MerchantId,
        input: MerchantInput,
    ) -> AppResult<MerchantView> {
        let current = self.merchant(id).await?;
        if !is_owner_or_operator(Some(who), &current) {
            return Err(AppError::Forbidden("this merchant belongs to another account"));
        }
        let profile = merge_profile(Some(&current), input)?;
        let edited = Merchant { profile, ..current };
        // The store re-runs the listing check of the merchant's products in the same
        // transaction: the food registration and the fulfilment mode take part in it.
        let saved = self.store.update_merchant(edited).await?;
        self.catalog_changed();
        Ok(MerchantView::new(saved, true))
    }

    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), merchant.id = %id))]
    pub async fn view_merchant(&self, who: Option<&Principal>, id: MerchantId) -> AppResult<MerchantView> {
        let merchant = self.merchant(id).await?;
        let private = is_owner_or_operator(who, &merchant);
        Ok(MerchantView::new(merchant, private))
    }

    /// The merchant profile of the signed-in merchant user.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn my_merchant(&self, who: &Principal) -> AppResult<MerchantView> {
        who.require(Role::Merchant)?;
        let merchant = self.store.merchant_by_owner(who.user_id).await?.ok_or(AppError::NotFound("merchant"))?;
        Ok(MerchantView::new(merchant, true))
    }

    /// Approve, reject, suspend or reinstate: operators only, along SPEC 7's edges.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %id))]
    pub async fn act_on_merchant(
        &self,
        who: &Principal,
        id: MerchantId,
        action: MerchantAction,
    ) -> AppResult<MerchantView> {
        who.require(Role::Operator)?;
        let merchant = self.merchant(id).await?;
        let to = merchant.status.apply(action).map_err(|e| AppError::InvalidTransition(e.to_string()))?;
        let updated = match self.store.set_merchant_status(id, merchant.status, to).await {
            Ok(m) => m,
            // Someone else moved it first: report against the state it is in now.
            Err(StoreError::Stale) => {
                let now = self.merchant(id).await?;
                return Err(match now.status.apply(action) {
                    Err(e) => AppError::InvalidTransition(e.to_string()),
                    Ok(_) => StoreError::Stale.into(),
                });
            }
            Err(other) => return Err(other.into()),
        };
        tracing::info!(merchant.id = %id, action = action.as_str(), "merchant status changed");
        self.catalog_changed();
        Ok(MerchantView::new(updated, true))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn list_merchants(
        &self,
        who: &Principal,
        query: &MerchantListQuery,
    ) -> AppResult<PageView<MerchantView>> {
        who.require(Role::Operator)?;
        let status = match query.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(MerchantStatus::parse(s).map_err(|e| AppError::field("status", e))?),
        };
        let page = self
            .store
            .list_merchants(status, PageQuery { limit: query.limit, cursor: query.cursor.clone() }.to_request()?)
            .await?;
        Ok(PageView::from_page(page, |m| MerchantView::new(m, true)))
    }
}

fn split_story(story: Option<Bilingual>) -> (Option<String>, Option<String>) {
    match story {
        Some(s) => (Some(s.en), s.zh),
        None => (None, None),
    }
}
