//! What buyer matchmaking's pages share on both sides (issue 8): a request's row, a
//! match's reasons, an offer's terms, and the thread page. A thread is the same
//! conversation seen from either end (the buyer in the storefront, the merchant in the
//! portal), so one template serves both; contacts appear in it only once both sides
//! accepted (the app leaves them out before).

use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::forms::{Field, FormErrors};
use crate::ui::merchant::portal::Chrome;
use askama::Template;
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::sourcing::{SourcingRequestView, ThreadView};
use serde::Deserialize;

/// A reason code of a match, translated.
pub fn reasons(ctx: &Ctx, codes: &[&str]) -> String {
    codes
        .iter()
        .map(|r| ctx.t_dynamic(&format!("sourcing-reason-{r}"), "sourcing-reason-other"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// An offer's terms in a sentence: price, quantity, lead time.
pub fn offer_line(ctx: &Ctx, o: &gateway_app::sourcing::OfferView) -> String {
    ctx.t3("sourcing-offer-line", ("price", &o.unit_price_usd), ("quantity", &o.quantity), ("days", &o.lead_time_days))
}

/// A request's status, translated.
pub fn status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("sourcing-status-{code}"), "sourcing-status-other")
}

/// The id in a sourcing page's path, or the not-found page.
pub fn id_of<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Result<T, axum::response::Response> {
    raw.parse().map_err(|_| ctx.fail(AppError::NotFound("sourcing request")))
}

/// A request as a list row or a page heading shows it.
pub struct RequestRow {
    pub id: String,
    pub title: String,
    pub quantity: String,
    pub target: String,
    pub needed_by: String,
    pub status_code: &'static str,
    pub status: String,
    pub matches: usize,
    pub offers: usize,
}

/// A request's row, in the page's language.
pub fn request_row(ctx: &Ctx, r: &SourcingRequestView) -> RequestRow {
    RequestRow {
        id: r.id.clone(),
        title: r.title.clone(),
        quantity: format!("{} {}", r.quantity, r.unit),
        target: r.target_unit_price_cny.as_ref().map(|p| format!("¥{p}")).unwrap_or_else(|| "—".into()),
        needed_by: r.needed_by.clone(),
        status_code: r.status,
        status: status(ctx, r.status),
        matches: r.matches.len(),
        offers: r.matches.iter().filter(|m| m.offer.is_some()).count(),
    }
}

/// A form field as typed, or empty.
pub fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

// The thread page, for both sides.

/// A CSRF-only form.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Debug, Default, Deserialize)]
pub struct MessageForm {
    pub body: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct OfferForm {
    pub unit_price_usd: Option<String>,
    pub quantity: Option<String>,
    pub lead_time_days: Option<String>,
    pub message: Option<String>,
}

#[derive(Template)]
#[template(path = "sourcing/thread.html")]
pub struct ThreadPage<'a> {
    pub c: &'a Ctx,
    /// The portal's header for a merchant; none in the storefront.
    pub chrome: Option<Chrome>,
    pub thread: ThreadView,
    pub merchant_name: Text,
    pub status: String,
    /// The offer's terms in a sentence.
    pub offer_line: Option<String>,
    /// The caller's side has not accepted to share contacts yet.
    pub can_accept: bool,
    /// The request still takes offers.
    pub open: bool,
    /// Where this thread's forms post: `/sourcing/{id}/threads/{merchant}` or
    /// `/merchant/sourcing/{id}`.
    pub base: String,
    /// The buyer's request page, for a link back.
    pub back: String,
    /// The offer form's fields (a merchant's page only).
    pub offer_fields: Vec<Field>,
    pub errors: FormErrors,
    pub message: String,
}

pub struct ThreadShown {
    pub base: String,
    pub back: String,
    pub chrome: Option<Chrome>,
    pub offer_fields: Vec<Field>,
}

pub fn render_thread(
    ctx: &Ctx,
    thread: ThreadView,
    shown: ThreadShown,
    errors: FormErrors,
    message: String,
) -> PageResult {
    let invalid = !errors.is_empty();
    let page = ThreadPage {
        c: ctx,
        chrome: shown.chrome,
        merchant_name: crate::ui::shared::names::name(ctx, &thread.merchant_name),
        status: status(ctx, thread.request_status),
        offer_line: thread.offer.as_ref().map(|o| offer_line(ctx, o)),
        can_accept: match thread.you {
            Some("buyer") => !thread.buyer_accepted,
            Some("merchant") => !thread.merchant_accepted,
            _ => false,
        },
        open: thread.request_status == "open",
        thread,
        base: shown.base,
        back: shown.back,
        offer_fields: shown.offer_fields,
        errors,
        message,
    };
    Ok(ctx.render_status(if invalid { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page))
}
