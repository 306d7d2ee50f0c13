//! What the console's pages share: how times, statuses and ids are shown, the query
//! of a page, and where an action's form comes back to.

use crate::ui::context::Ctx;
use axum::response::Response;
use serde::Deserialize;

/// A merchant status, translated.
pub fn merchant_status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("op-merchant-status-{code}"), "op-status-other")
}

/// `path` with `key=value` added to its query.
pub fn with_param(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={}", crate::ui::shared::url::encode(value))
}

/// A `next` target inside the console, or the console's first page.
pub fn console_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/operator") && !n.contains("//") && !n.contains('\\') => n.to_string(),
        _ => "/operator".to_string(),
    }
}

/// The form of a console action's button (merchants' decisions, orders' actions): the
/// console page to come back to.
#[derive(Deserialize)]
pub struct ActionForm {
    pub next: Option<String>,
}

/// After a console action: back to the page the form was on (`next`), with the
/// outcome (`done=`) for that page to say. Every action of the console ends this way.
pub fn back_with_done(ctx: &Ctx, next: Option<&str>, done: &str) -> Response {
    ctx.redirect(&with_param(&console_next(next), "done", done))
}

/// A choice among statuses, as a row of links with counts.
pub struct Tab {
    pub href: String,
    pub label: String,
    pub count: Option<i64>,
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the console builds at run time exist in both languages.
    #[test]
    fn keys_built_at_run_time_exist() {
        use crate::ui::i18n::{Locale, has};
        use gateway_core::merchant::{Fulfilment, MerchantAction, MerchantKind, MerchantStatus};
        use gateway_core::order::OrderAction;
        use gateway_core::product::{LISTING_PROBLEM_CODES, ProductStatus};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(MerchantStatus::CODES.iter().map(|c| format!("op-merchant-status-{c}")));
        keys.extend(MerchantKind::CODES.iter().map(|c| format!("op-kind-{c}")));
        keys.extend(Fulfilment::CODES.iter().map(|c| format!("op-fulfilment-{c}")));
        keys.extend(ProductStatus::CODES.iter().map(|c| format!("op-product-status-{c}")));
        for action in MerchantAction::CODES {
            keys.push(format!("op-action-{action}"));
            keys.push(format!("op-done-{action}"));
        }
        keys.extend([OrderAction::Deliver, OrderAction::Return].iter().map(|a| format!("op-order-done-{a}")));
        keys.extend(LISTING_PROBLEM_CODES.iter().map(|c| format!("op-listing-{c}")));
        keys.push("problem-fx_rate_missing".into());
        // The fields of the console's forms, by the app's error paths.
        for field in [
            "rate",
            "name-en",
            "name-zh",
            "vat_rate",
            "consumption_tax_rate",
            "mfn_duty_rate",
            "consumption_tax_threshold-per_g_or_ml",
            "consumption_tax_threshold-per_piece",
            "direct_first_500g",
            "direct_each_further_500g",
            "bonded_flat",
            "hs_prefix",
            "annual_cap_g",
            "description-en",
            "description-zh",
            "extra_class",
            "extra_points",
            "fx_rate",
            "single_limit",
        ] {
            keys.push(format!("err-field-{field}"));
        }
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }

    #[test]
    fn params_next_and_links() {
        let p = crate::ui::shared::url::query_params(Some("status=pending&status=active&x"));
        assert_eq!(p.get("status").map(String::as_str), Some("pending"));
        assert_eq!(console_next(Some("/operator/merchants?status=pending")), "/operator/merchants?status=pending");
        assert_eq!(console_next(Some("/orders")), "/operator");
        assert_eq!(console_next(Some("/operator//evil")), "/operator");
        assert_eq!(console_next(None), "/operator");
        assert_eq!(
            with_param("/operator/merchants?status=pending", "done", "approve"),
            "/operator/merchants?status=pending&done=approve"
        );
        assert_eq!(with_param("/operator/fx", "saved", "1"), "/operator/fx?saved=1");
    }
}
