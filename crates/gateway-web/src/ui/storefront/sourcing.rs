//! `/sourcing`: a business buyer's side of matchmaking (issue 8), in the storefront
//! (Chinese by default): the buyer profile, requests, their matches, and the threads
//! with matched merchants.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::sourcing::{
    Empty, MessageForm, RequestRow, ThreadShown, id_of, offer_line, reasons, render_thread, request_row, text,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::input::DecimalText;
use gateway_app::pagination::PageQuery;
use gateway_app::sourcing::{BuyerProfileInput, BuyerProfileView, ContactInput, MessageInput, SourcingRequestInput};
use gateway_core::{MerchantId, SourcingRequestId};
use serde::Deserialize;
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
            name: crate::ui::shared::names::name(&ctx, &m.merchant_name),
            state: crate::ui::shared::names::state_name(&ctx, m.state),
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
