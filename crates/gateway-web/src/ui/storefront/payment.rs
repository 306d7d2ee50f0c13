//! A wallet payment as the shopper waits for it: the wallet's QR code (drawn here as
//! SVG) or its link, and the result once the wallet has told Gateway. The page
//! refreshes itself (a `<meta http-equiv="refresh">`), so it works without JavaScript.
//! Beside it, the sandbox wallet's own page, where the demo's shopper pays or cancels.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::PageForm;
use askama::Template;
use axum::extract::{Path, State};
use gateway_app::wallet_payments::PaymentDetailView;
use gateway_core::PaymentId;
use gateway_core::payment::{PaymentMethod, PaymentStatus};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

/// Seconds between two looks of the waiting page.
const REFRESH_SECONDS: u32 = 3;

/// The wallet's name in the page's language.
pub fn method_name(ctx: &Ctx, method: PaymentMethod) -> String {
    ctx.t_dynamic(&format!("pay-method-{method}"), "pay-method-other")
}

/// `text` as a QR code, in SVG, sized by the page's CSS (its viewBox keeps it square).
fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Only the <svg> element, without the XML declaration, to sit inside the page.
    Some(svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_string()))
}

#[derive(Template)]
#[template(path = "storefront/payment.html")]
pub struct PaymentPage<'a> {
    pub c: &'a Ctx,
    pub id: String,
    pub wallet: String,
    pub total: String,
    pub status: &'static str,
    pub pending: bool,
    /// What an ended payment's shopper is told.
    pub ended: String,
    /// The QR code to scan (a desktop), as inline SVG.
    pub qr_svg: Option<String>,
    /// The wallet's page (a phone), or the code's own link where it is one.
    pub link: Option<String>,
    pub expires: String,
    pub refresh_seconds: u32,
}

fn china_time(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
    at.map(|t| t.with_timezone(&cst).format("%H:%M").to_string()).unwrap_or_default()
}

impl<'a> PaymentPage<'a> {
    fn new(c: &'a Ctx, p: &PaymentDetailView) -> Self {
        let action = p.action.as_ref();
        let qr = action.and_then(|a| a.qr_code.as_deref());
        let link = action.and_then(|a| a.redirect_url.clone()).or_else(|| {
            qr.filter(|code| code.starts_with("http://") || code.starts_with("https://")).map(str::to_string)
        });
        let pending = p.status == PaymentStatus::Pending;
        PaymentPage {
            c,
            id: p.id.clone(),
            wallet: method_name(c, p.method),
            total: p.amount.clone(),
            status: p.status.as_str(),
            pending,
            ended: c.t_dynamic(&format!("payment-ended-{}", p.status), "payment-ended-other"),
            qr_svg: qr.filter(|_| pending).and_then(qr_svg),
            link: link.filter(|_| pending),
            expires: china_time(p.expires_at),
            refresh_seconds: REFRESH_SECONDS,
        }
    }
}

/// `/payments/{id}`: the buyer's wait for a wallet payment, and its result.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let who = ctx.require_consumer()?;
    let id: PaymentId = errors::page_id(&ctx, &id)?;
    let payment = s.app.view_payment(who, id).await.or_page(&ctx)?;
    Ok(ctx.render(&PaymentPage::new(&ctx, &payment)))
}

#[derive(Template)]
#[template(path = "storefront/sandbox_wallet.html")]
pub struct SandboxWalletPage<'a> {
    pub c: &'a Ctx,
    pub id: String,
    pub total: String,
    pub pending: bool,
    pub status: String,
}

/// `/sandbox-wallet/{session}`: the sandbox wallet's page, where whoever holds the
/// session's link pays or cancels, as at a real wallet.
pub async fn sandbox_wallet(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id: PaymentId = errors::page_id(&ctx, &id)?;
    let payment = s.app.sandbox_wallet_payment(id).await.or_page(&ctx)?;
    let status = ctx.t_dynamic(&format!("payment-status-{}", payment.status), "payment-status-other");
    let page = SandboxWalletPage {
        c: &ctx,
        id: id.to_string(),
        total: payment.amount.to_string(),
        pending: payment.status == PaymentStatus::Pending,
        status,
    };
    Ok(ctx.render(&page))
}

#[derive(Deserialize)]
pub struct PressForm {}

/// Pay or cancel at the sandbox wallet, then back to the shop's page of the payment.
pub async fn sandbox_wallet_press(
    State(s): State<AppState>,
    Path((id, press)): Path<(String, String)>,
    form: PageForm<PressForm>,
) -> PageResult {
    let ctx = form.ctx;
    let id: PaymentId = errors::page_id(&ctx, &id)?;
    let pay = match press.as_str() {
        "pay" => true,
        "cancel" => false,
        _ => return Err(errors::page(&ctx, axum::http::StatusCode::NOT_FOUND, "error-not-found")),
    };
    s.app.sandbox_wallet_press(id, pay).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("/payments/{id}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_qr_code_is_an_svg_element_to_inline() {
        let svg = super::qr_svg("https://qr.alipay.com/bax03112").unwrap_or_default();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("viewBox") || svg.contains("width"), "sized");
        assert!(svg.ends_with("</svg>"));
    }
}
