//! Buyer matchmaking's pages (issue 8): buyers post sourcing requests and read offers
//! and messages in the storefront (`/sourcing`, Chinese by default); matched merchants
//! read the requests, make offers, write and accept in the portal
//! (`/merchant/sourcing`, English by default). One thread template serves both sides:
//! a thread is the same conversation seen from either end, and contacts appear in it
//! only once both sides accepted (the app leaves them out before).

use crate::AppState;
use crate::ui::context::{Ctx, OrPage, PageResult, Text};
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::merchant::{Chrome, Portal};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::input::DecimalText;
use gateway_app::pagination::PageQuery;
use gateway_app::sourcing::{
    BuyerProfileInput, BuyerProfileView, ContactInput, MessageInput, NotificationsView, OfferInput,
    SourcingRequestInput, SourcingRequestView, ThreadView,
};
use gateway_core::{MerchantId, SourcingRequestId};
use serde::Deserialize;

/// A reason code of a match, translated.
fn reasons(ctx: &Ctx, codes: &[&str]) -> String {
    codes
        .iter()
        .map(|r| ctx.t_dynamic(&format!("sourcing-reason-{r}"), "sourcing-reason-other"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn offer_line(ctx: &Ctx, o: &gateway_app::sourcing::OfferView) -> String {
    ctx.t3("sourcing-offer-line", ("price", &o.unit_price_usd), ("quantity", &o.quantity), ("days", &o.lead_time_days))
}

fn status(ctx: &Ctx, code: &str) -> String {
    ctx.t_dynamic(&format!("sourcing-status-{code}"), "sourcing-status-other")
}

fn id_of<T: std::str::FromStr>(ctx: &Ctx, raw: &str) -> Result<T, axum::response::Response> {
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

fn request_row(ctx: &Ctx, r: &SourcingRequestView) -> RequestRow {
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

// ---------------------------------------------------------------------------------
// The buyer's side (storefront)
// ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "sourcing/buyer.html")]
pub struct BuyerPage<'a> {
    pub c: &'a Ctx,
    pub profile: Option<BuyerProfileView>,
    pub profile_fields: Vec<Field>,
    pub profile_errors: FormErrors,
    pub request_fields: Vec<Field>,
    pub request_errors: FormErrors,
    pub requests: Vec<RequestRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    pub company_name: Option<String>,
    pub kind: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub wechat_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    pub title: Option<String>,
    pub details: Option<String>,
    pub quantity: Option<String>,
    pub unit: Option<String>,
    pub target_unit_price_cny: Option<String>,
    pub needed_by: Option<String>,
    pub tax_class: Option<String>,
    /// USPS codes separated by commas or spaces.
    pub preferred_states: Option<String>,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn profile_fields(ctx: &Ctx, f: &ProfileForm, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("company_name", ctx.t("sourcing-company"), text(&f.company_name), errors)
            .autocomplete("organization"),
        Field::new("kind", ctx.t("sourcing-kind"), text(&f.kind), errors).hint(ctx.t("sourcing-kind-hint")),
        Field::new("province", ctx.t("sourcing-province"), text(&f.province), errors),
        Field::new("city", ctx.t("sourcing-city"), text(&f.city), errors),
        Field::new("person", ctx.t("sourcing-person"), text(&f.person), errors)
            .autocomplete("name")
            .error_of(errors, "contact.person"),
        Field::new("phone", ctx.t("sourcing-phone"), text(&f.phone), errors)
            .kind("tel")
            .autocomplete("tel")
            .error_of(errors, "contact.phone"),
        Field::new("email", ctx.t("sourcing-email"), text(&f.email), errors)
            .kind("email")
            .autocomplete("email")
            .error_of(errors, "contact.email"),
        Field::new("wechat_id", ctx.t("sourcing-wechat"), text(&f.wechat_id), errors)
            .hint(ctx.t("sourcing-optional"))
            .error_of(errors, "contact.wechat_id"),
    ]
}

fn request_fields(ctx: &Ctx, f: &RequestForm, errors: &FormErrors) -> Vec<Field> {
    vec![
        Field::new("title", ctx.t("sourcing-title-field"), text(&f.title), errors).hint(ctx.t("sourcing-title-hint")),
        Field::new("details", ctx.t("sourcing-details"), text(&f.details), errors).hint(ctx.t("sourcing-optional")),
        Field::new("quantity", ctx.t("sourcing-quantity"), text(&f.quantity), errors).inputmode("numeric"),
        Field::new("unit", ctx.t("sourcing-unit"), text(&f.unit), errors).hint(ctx.t("sourcing-unit-hint")),
        Field::new("target_unit_price_cny", ctx.t("sourcing-target"), text(&f.target_unit_price_cny), errors)
            .inputmode("decimal")
            .hint(ctx.t("sourcing-optional")),
        Field::new("needed_by", ctx.t("sourcing-needed-by"), text(&f.needed_by), errors).kind("date"),
        Field::new("tax_class", ctx.t("sourcing-tax-class"), text(&f.tax_class), errors)
            .hint(ctx.t("sourcing-tax-class-hint")),
        Field::new("preferred_states", ctx.t("sourcing-states"), text(&f.preferred_states), errors)
            .hint(ctx.t("sourcing-states-hint")),
    ]
}

fn profile_form_of(p: &BuyerProfileView) -> ProfileForm {
    ProfileForm {
        company_name: Some(p.company_name.clone()),
        kind: Some(p.kind.to_string()),
        province: Some(p.province.clone()),
        city: Some(p.city.clone()),
        person: Some(p.contact.person.clone()),
        phone: Some(p.contact.phone.clone()),
        email: Some(p.contact.email.clone()),
        wechat_id: p.contact.wechat_id.clone(),
    }
}

async fn buyer_render(
    s: &AppState,
    ctx: &Ctx,
    profile_form: Option<(ProfileForm, FormErrors)>,
    request_form: Option<(RequestForm, FormErrors)>,
) -> PageResult {
    let who = ctx.require_consumer()?;
    let profile = match s.app.buyer_profile(who).await {
        Ok(p) => Some(p),
        Err(AppError::NotFound(_)) => None,
        Err(other) => return Err(ctx.fail(other)),
    };
    let requests = s.app.sourcing_requests(who, &PageQuery::default()).await.or_page(ctx)?;
    let invalid = profile_form.as_ref().is_some_and(|(_, e)| !e.is_empty())
        || request_form.as_ref().is_some_and(|(_, e)| !e.is_empty());
    let (pf, profile_errors) = profile_form
        .unwrap_or_else(|| (profile.as_ref().map(profile_form_of).unwrap_or_default(), FormErrors::default()));
    let (rf, request_errors) = request_form.unwrap_or_default();
    let page = BuyerPage {
        c: ctx,
        profile_fields: profile_fields(ctx, &pf, &profile_errors),
        profile_errors,
        request_fields: request_fields(ctx, &rf, &request_errors),
        request_errors,
        profile,
        requests: requests.items.iter().map(|r| request_row(ctx, r)).collect(),
    };
    let status = if invalid { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(ctx.render_status(status, &page))
}

/// `/sourcing`: the buyer profile, a new request, and the buyer's requests.
pub async fn buyer_page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    buyer_render(&s, &ctx, None, None).await
}

pub async fn buyer_profile(State(s): State<AppState>, form: PageForm<ProfileForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let who = ctx.require_consumer()?.clone();
    let input = BuyerProfileInput {
        company_name: data.company_name.clone(),
        kind: data.kind.clone(),
        province: data.province.clone(),
        city: data.city.clone(),
        contact: Some(ContactInput {
            person: data.person.clone(),
            phone: data.phone.clone(),
            email: data.email.clone(),
            wechat_id: data.wechat_id.clone(),
        }),
    };
    match s.app.save_buyer_profile(&who, input).await {
        Ok(_) => Ok(ctx.redirect("/sourcing")),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            buyer_render(&s, &ctx, Some((data, errors)), None).await
        }
    }
}

pub async fn buyer_post(State(s): State<AppState>, form: PageForm<RequestForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let who = ctx.require_consumer()?.clone();
    let states = data.preferred_states.as_deref().map(|t| {
        t.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.to_uppercase())
            .collect::<Vec<_>>()
    });
    let blank = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
    // A quantity that is not a whole number is sent as 0, which the app refuses by
    // name (the field stays as typed).
    let quantity = blank(&data.quantity).map(|q| q.trim().parse::<i64>().unwrap_or(0));
    let input = SourcingRequestInput {
        title: data.title.clone(),
        details: blank(&data.details),
        quantity,
        unit: data.unit.clone(),
        target_unit_price_cny: blank(&data.target_unit_price_cny).map(DecimalText),
        needed_by: data.needed_by.clone(),
        tax_class: blank(&data.tax_class),
        preferred_states: states,
    };
    match s.app.post_sourcing_request(&who, input).await {
        Ok(view) => Ok(ctx.redirect(&format!("/sourcing/{}", view.id))),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            buyer_render(&s, &ctx, None, Some((data, errors))).await
        }
    }
}

/// A match as the buyer's request page lists it.
pub struct MatchRow {
    pub merchant_id: String,
    pub name: Text,
    pub state: String,
    pub score: i64,
    pub reasons: String,
    pub offer: Option<String>,
    pub shared: bool,
}

#[derive(Template)]
#[template(path = "sourcing/request.html")]
pub struct RequestPage<'a> {
    pub c: &'a Ctx,
    pub request: RequestRow,
    pub details: Option<String>,
    pub matches: Vec<MatchRow>,
}

pub async fn buyer_request(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let who = ctx.require_consumer()?.clone();
    let view = s.app.sourcing_request(&who, id_of(&ctx, &id)?).await.or_page(&ctx)?;
    let matches = view
        .matches
        .iter()
        .map(|m| MatchRow {
            merchant_id: m.merchant_id.clone(),
            name: crate::ui::storefront::name(&ctx, &m.merchant_name),
            state: crate::ui::storefront::state_name(&ctx, m.state),
            score: m.score,
            reasons: reasons(&ctx, &m.reasons),
            offer: m.offer.as_ref().map(|o| offer_line(&ctx, o)),
            shared: m.buyer_accepted && m.merchant_accepted,
        })
        .collect();
    let page = RequestPage { c: &ctx, request: request_row(&ctx, &view), details: view.details.clone(), matches };
    Ok(ctx.render(&page))
}

pub async fn buyer_close(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<Empty>) -> PageResult {
    let PageForm { ctx, .. } = form;
    let who = ctx.require_consumer()?.clone();
    s.app.close_sourcing_request(&who, id_of(&ctx, &id)?).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("/sourcing/{id}")))
}

// ---------------------------------------------------------------------------------
// Threads (both sides)
// ---------------------------------------------------------------------------------

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

struct ThreadShown {
    base: String,
    back: String,
    chrome: Option<Chrome>,
    offer_fields: Vec<Field>,
}

fn render_thread(ctx: &Ctx, thread: ThreadView, shown: ThreadShown, errors: FormErrors, message: String) -> PageResult {
    let invalid = !errors.is_empty();
    let page = ThreadPage {
        c: ctx,
        chrome: shown.chrome,
        merchant_name: crate::ui::storefront::name(ctx, &thread.merchant_name),
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

async fn buyer_thread_page(
    s: &AppState,
    ctx: &Ctx,
    id: &str,
    merchant: &str,
    errors: FormErrors,
    message: String,
) -> PageResult {
    let who = ctx.require_consumer()?.clone();
    let (rid, mid): (SourcingRequestId, MerchantId) = (id_of(ctx, id)?, id_of(ctx, merchant)?);
    let thread = s.app.sourcing_thread(&who, rid, mid).await.or_page(ctx)?;
    let shown = ThreadShown {
        base: format!("/sourcing/{id}/threads/{merchant}"),
        back: format!("/sourcing/{id}"),
        chrome: None,
        offer_fields: Vec::new(),
    };
    render_thread(ctx, thread, shown, errors, message)
}

pub async fn buyer_thread(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, merchant)): Path<(String, String)>,
) -> PageResult {
    buyer_thread_page(&s, &ctx, &id, &merchant, FormErrors::default(), String::new()).await
}

pub async fn buyer_message(
    State(s): State<AppState>,
    Path((id, merchant)): Path<(String, String)>,
    form: PageForm<MessageForm>,
) -> PageResult {
    let PageForm { ctx, data } = form;
    let who = ctx.require_consumer()?.clone();
    let input = MessageInput { body: data.body.clone() };
    match s.app.post_thread_message(&who, id_of(&ctx, &id)?, id_of(&ctx, &merchant)?, input).await {
        Ok(_) => Ok(ctx.redirect(&format!("/sourcing/{id}/threads/{merchant}#messages"))),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            buyer_thread_page(&s, &ctx, &id, &merchant, errors, text(&data.body)).await
        }
    }
}

pub async fn buyer_accept(
    State(s): State<AppState>,
    Path((id, merchant)): Path<(String, String)>,
    form: PageForm<Empty>,
) -> PageResult {
    let PageForm { ctx, .. } = form;
    let who = ctx.require_consumer()?.clone();
    s.app.accept_contacts(&who, id_of(&ctx, &id)?, id_of(&ctx, &merchant)?).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("/sourcing/{id}/threads/{merchant}#contacts")))
}

// ---------------------------------------------------------------------------------
// The merchant's side (portal)
// ---------------------------------------------------------------------------------

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
    let thread = s.app.sourcing_thread(&portal.who, id_of(ctx, id)?, portal.id).await.or_page(ctx)?;
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
    match s.app.post_thread_message(&portal.who, id_of(&ctx, &id)?, portal.id, input).await {
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
    s.app.accept_contacts(&portal.who, id_of(&ctx, &id)?, portal.id).await.or_page(&ctx)?;
    Ok(ctx.redirect(&format!("{MERCHANT_PATH}/{id}#contacts")))
}
