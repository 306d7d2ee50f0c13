//! `/merchant/sourcing`: a matched merchant's side of matchmaking (issue 8), in the
//! portal: the requests and notifications, making an offer, writing, accepting.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::merchant::portal::{Chrome, Portal};
use crate::ui::shared::sourcing::{
    Empty, MessageForm, OfferForm, RequestRow, ThreadShown, id_of, reasons, render_thread, request_row, text,
};
use askama::Template;
use axum::extract::{Path, State};
use gateway_app::input::DecimalText;
use gateway_app::pagination::PageQuery;
use gateway_app::sourcing::{MessageInput, NotificationsView, OfferInput};
pub const MERCHANT_PATH: &str = "/merchant/sourcing";

/// A notification, in a sentence.
pub struct NoticeRow {
    pub text: String,
    pub request_id: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "sourcing/merchant.html")]
pub struct MerchantListPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub unread: i64,
    pub notices: Vec<NoticeRow>,
    pub requests: Vec<RequestRow>,
    pub scores: Vec<String>,
}

fn notices(ctx: &Ctx, inbox: NotificationsView) -> Vec<NoticeRow> {
    inbox
        .items
        .into_iter()
        .map(|n| NoticeRow {
            text: ctx.t1(
                &format!("sourcing-notice-{}", n.kind.trim_start_matches("sourcing_")),
                "title",
                &n.request_title,
            ),
            request_id: n.request_id,
            read: n.read,
        })
        .collect()
}

pub async fn merchant_list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let inbox = s.app.notifications(&portal.who).await.or_page(&ctx)?;
    let requests = s.app.sourcing_requests(&portal.who, &PageQuery::default()).await.or_page(&ctx)?;
    let scores = requests
        .items
        .iter()
        .map(|r| r.matches.first().map(|m| reasons(&ctx, &m.reasons)).unwrap_or_default())
        .collect();
    let page = MerchantListPage {
        c: &ctx,
        chrome: portal.chrome(&ctx, MERCHANT_PATH),
        unread: inbox.unread,
        notices: notices(&ctx, inbox),
        requests: requests.items.iter().map(|r| request_row(&ctx, r)).collect(),
        scores,
    };
    Ok(ctx.render(&page))
}

pub async fn merchant_read(State(s): State<AppState>, form: PageForm<Empty>) -> PageResult {
    let PageForm { ctx, .. } = form;
    let portal = Portal::load(&s, &ctx).await?;
    s.app.read_notifications(&portal.who).await.or_page(&ctx)?;
    Ok(ctx.redirect(MERCHANT_PATH))
}

fn offer_fields(ctx: &Ctx, f: &OfferForm, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("unit_price_usd", ctx.t("sourcing-offer-price"), text(&f.unit_price_usd), errors)
            .inputmode("decimal"),
        Field::new("quantity", ctx.t("sourcing-quantity"), text(&f.quantity), errors).inputmode("numeric"),
        Field::new("lead_time_days", ctx.t("sourcing-offer-days"), text(&f.lead_time_days), errors)
            .inputmode("numeric"),
        Field::new("message", ctx.t("sourcing-offer-message"), text(&f.message), errors)
            .hint(ctx.t("sourcing-optional")),
    ]
}

async fn merchant_thread_page(
    s: &AppState,
    ctx: &Ctx,
    id: &str,
    offer: Option<OfferForm>,
    errors: FormErrors,
    message: String,
) -> PageResult {
    let portal = Portal::load(s, ctx).await?;
    let thread = s.app.sourcing_thread(&portal.who, id_of(ctx, id)?, portal.merchant.id).await.or_page(ctx)?;
    let offer = offer.unwrap_or_else(|| match &thread.offer {
        Some(o) => OfferForm {
            unit_price_usd: Some(o.unit_price_usd.clone()),
            quantity: Some(o.quantity.to_string()),
            lead_time_days: Some(o.lead_time_days.to_string()),
            message: o.message.clone(),
        },
        None => OfferForm::default(),
    });
    let shown = ThreadShown {
        base: format!("{MERCHANT_PATH}/{id}"),
        back: MERCHANT_PATH.to_string(),
        chrome: Some(portal.chrome(ctx, MERCHANT_PATH)),
        offer_fields: offer_fields(ctx, &offer, &errors),
    };
    render_thread(ctx, thread, shown, errors, message)
}

pub async fn merchant_thread(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    merchant_thread_page(&s, &ctx, &id, None, FormErrors::default(), String::new()).await
}

pub async fn merchant_offer(
    State(s): State<AppState>,
    Path(id): Path<String>,
    form: PageForm<OfferForm>,
) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let number = |v: &Option<String>| {
        v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| t.parse::<i64>().unwrap_or(-1))
    };
    let input = OfferInput {
        unit_price_usd: data.unit_price_usd.clone().map(DecimalText),
        quantity: number(&data.quantity),
        lead_time_days: number(&data.lead_time_days),
        message: data.message.clone(),
    };
    match s.app.make_offer(&portal.who, id_of(&ctx, &id)?, input).await {
        Ok(_) => Ok(ctx.redirect(&format!("{MERCHANT_PATH}/{id}#offer"))),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            merchant_thread_page(&s, &ctx, &id, Some(data), errors, String::new()).await
        }
    }
}

pub async fn merchant_message(
    State(s): State<AppState>,
    Path(id): Path<String>,
    form: PageForm<MessageForm>,
) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let input = MessageInput { body: data.body.clone() };
    match s.app.post_thread_message(&portal.who, id_of(&ctx, &id)?, portal.merchant.id, input).await {
        Ok(_) => Ok(ctx.redirect(&format!("{MERCHANT_PATH}/{id}#messages"))),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            merchant_thread_page(&s, &ctx, &id, None, errors, text(&data.body)).await
        }
    }
}

pub async fn merchant_accept(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<Empty>) -> PageResult {
    let PageForm { ctx, .. } = form;
    let portal = Portal::load(&s, &ctx).await?;
    s.app.accept_contacts(&portal.who, id_of(&ctx, &id)?, portal.merchant.id).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("{MERCHANT_PATH}/{id}#contacts")))
}
