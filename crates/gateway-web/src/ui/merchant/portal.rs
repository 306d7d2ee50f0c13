//! What every portal page starts from: the signed-in merchant user's business
//! ([`Portal::load`]), the header and navigation above the content ([`Chrome`]), and
//! how statuses and amounts are written.

use super::widgets::{self, NavItem};
use crate::AppState;
use crate::ui::context::Ctx;
use axum::response::Response;
use gateway_app::merchants::MerchantView;
use gateway_app::{AppError, Principal};

/// The signed-in merchant user and their business.
pub struct Portal {
    pub who: Principal,
    pub merchant: MerchantView,
    /// Unread notifications (buyer requests, messages), counted in the navigation.
    pub unread: i64,
}

/// What every portal page shows above its content: the business, its status, the
/// navigation (templates/merchant/nav.html).
pub struct Chrome {
    pub name: String,
    pub status_code: &'static str,
    pub status: String,
    pub nav: Vec<NavItem>,
}

impl Portal {
    /// The signed-in merchant user's business; a merchant user without one yet is sent
    /// to the profile form, anyone else to sign-in or a 403 page.
    pub async fn load(s: &AppState, ctx: &Ctx) -> Result<Portal, Response> {
        let who = ctx.require_merchant()?.clone();
        match s.app.my_merchant(&who).await {
            Ok(merchant) => {
                let unread = s.app.unread_notifications(&who).await.map_err(|e| ctx.fail(e))?;
                Ok(Portal { who, merchant, unread })
            }
            Err(AppError::NotFound(_)) => Err(ctx.redirect("/merchant/profile")),
            Err(other) => Err(ctx.fail(other)),
        }
    }

    /// The page's header, with `current` (a portal path) marked in the navigation.
    pub fn chrome(&self, ctx: &Ctx, current: &str) -> Chrome {
        Chrome {
            name: self.merchant.display_name.en.clone(),
            status_code: self.merchant.status,
            status: merchant_status(ctx, self.merchant.status),
            nav: widgets::nav(ctx, current, self.unread),
        }
    }
}

/// A merchant status (pending, active, rejected, suspended), translated.
pub fn merchant_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("merchant-status-{code}"), "merchant-status-other")
}

/// A product status (listed, blocked, delisted), translated.
pub fn product_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("product-status-{code}"), "product-status-other")
}

/// Why the listing check blocks a product, by the problem's stable code.
pub fn listing_problem(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("listing-problem-{code}"), "listing-problem-other")
}

/// A USD amount ("12.50") as the page writes it.
pub fn usd(ctx: &Ctx, amount: &str) -> String {
    ctx.t1("portal-usd", "amount", amount)
}

#[cfg(test)]
mod tests {
    use crate::ui::i18n::{Locale, has};
    use gateway_core::merchant::{Fulfilment, MerchantKind, MerchantStatus};
    use gateway_core::order::OrderStatus;
    use gateway_core::product::ProductStatus;

    /// The keys the portal builds at run time exist in both languages.
    #[test]
    fn keys_built_at_run_time_exist() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(MerchantStatus::CODES.iter().map(|c| format!("merchant-status-{c}")));
        keys.extend(MerchantStatus::CODES.iter().map(|c| format!("portal-next-{c}")));
        keys.extend(MerchantKind::CODES.iter().map(|c| format!("merchant-kind-{c}")));
        keys.extend(Fulfilment::CODES.iter().map(|c| format!("fulfilment-{c}")));
        keys.extend(Fulfilment::CODES.iter().map(|c| format!("fulfilment-{c}-hint")));
        keys.extend(ProductStatus::CODES.iter().map(|c| format!("product-status-{c}")));
        keys.extend(OrderStatus::CODES.iter().map(|c| format!("order-status-{c}")));
        keys.extend(OrderStatus::CODES.iter().map(|c| format!("orders-tab-{c}")));
        keys.extend(OrderStatus::CODES.iter().map(|c| format!("orders-none-{c}")));
        for code in gateway_core::product::LISTING_PROBLEM_CODES.iter().chain(&["other"]) {
            keys.push(format!("listing-problem-{code}"));
        }
        // The fields of the profile and product forms, by the app's error paths.
        for field in [
            "legal_name",
            "display_name-en",
            "display_name-zh",
            "kind",
            "state",
            "city",
            "zip",
            "employees",
            "exported_before",
            "fulfilment",
            "food_registration_no",
            "story-en",
            "story-zh",
            "sku",
            "title-en",
            "title-zh",
            "description-en",
            "description-zh",
            "tax_class",
            "hs_code",
            "origin_country",
            "price_usd",
            "weight_g",
            "net_content-value",
            "net_content-unit",
            "stock",
            "status",
            "carrier",
            "tracking_no",
        ] {
            keys.push(format!("err-field-{field}"));
        }
        keys.extend(["err-taken-sku".into(), "merchant-status-other".into(), "product-status-other".into()]);
        keys.push("order-status-other".into());
        // The Decree 248 checklist's steps, statuses, reasons, groups and authorities.
        {
            use gateway_core::food_registration::{Authority, Reason, StepId, StepStatus};
            for step in StepId::ALL {
                keys.push(format!("food-step-{step}"));
                keys.push(format!("food-todo-{step}"));
                if step.acknowledgeable() {
                    keys.push(format!("food-confirm-{step}"));
                }
            }
            keys.extend(StepStatus::CODES.iter().map(|c| format!("food-status-{c}")));
            keys.extend(Reason::CODES.iter().map(|c| format!("food-why-{c}")));
            keys.extend(Authority::CODES.iter().map(|c| format!("food-authority-{c}")));
            keys.extend(["food-class-other_food".into(), "food-class-not_food".into()]);
        }
        // The export-ready checklist's steps, statuses and what the profile lacks.
        for step in gateway_app::export_ready::STEP_IDS {
            keys.push(format!("export-step-{step}"));
            keys.push(format!("export-fix-{step}"));
        }
        keys.extend(["done", "todo", "not_applicable"].map(|c| format!("export-status-{c}")));
        keys.extend(["story", "display_name_zh", "approval"].map(|m| format!("export-missing-{m}")));
        keys.extend(crate::ui::merchant::academy::LESSONS.iter().map(|(id, _)| format!("academy-lesson-{id}")));
        for month in 1..=12 {
            keys.push(format!("month-{month}"));
        }
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }
}
