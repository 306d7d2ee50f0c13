//! Checkout: the quote once more, the delivery address, and one button. Each rendered
//! form carries its own Idempotency-Key, so a double submit (a double click, a
//! reload of the POST) places the orders once and shows the same result.

use super::cart::{QuoteSummary, current_cart};
use super::payment::method_name;
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::choice::Choice;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use gateway_app::AppError;
use gateway_app::checkout::{AddressInput, CheckoutInput};
use gateway_core::payment::PaymentMethod;
use serde::Deserialize;
use std::time::Duration;

/// How long a second submit of the same form waits for the first to finish.
const IN_PROGRESS_WAIT: Duration = Duration::from_millis(150);
const IN_PROGRESS_TRIES: u32 = 20;

#[derive(Template)]
#[template(path = "storefront/checkout.html")]
pub struct CheckoutPage<'a> {
    pub c: &'a Ctx,
    pub quote: QuoteSummary,
    pub fields: Vec<Field>,
    pub idempotency_key: String,
    pub errors: FormErrors,
    pub max_quantity: i64,
    /// The wallets offered; empty when the plain sandbox is all there is.
    pub methods: Vec<Choice>,
}

#[derive(Deserialize, Default)]
pub struct AddressForm {
    pub recipient: Option<String>,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub idempotency_key: Option<String>,
    pub payment_method: Option<String>,
}

/// The methods the shop offers: each wallet configured, and the sandbox as the test
/// wallet (the shop always goes through a wallet's page, as real shoppers do).
fn method_choices(s: &AppState, ctx: &Ctx, chosen: Option<&str>) -> Vec<Choice> {
    let offered: Vec<PaymentMethod> =
        s.app.payment_methods().iter().copied().filter(|m| *m != PaymentMethod::Sandbox).collect();
    let chosen = chosen.or(offered.first().map(|m| m.as_str())).unwrap_or_default();
    offered
        .into_iter()
        .map(|m| {
            Choice::new(m.as_str(), method_name(ctx, m), chosen)
                .hint(ctx.t_dynamic(&format!("pay-method-{m}-hint"), "pay-method-other"))
        })
        .collect()
}

/// A phone's browser is sent to the wallet; anything else is shown its QR code.
fn device_of(headers: &HeaderMap) -> &'static str {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if ["Mobile", "Android", "iPhone"].iter().any(|m| agent.contains(m)) { "phone" } else { "desktop" }
}

fn fields(ctx: &Ctx, a: &AddressForm, errors: &FormErrors) -> Vec<Field> {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        Field::new("recipient", ctx.t("address-recipient"), v(&a.recipient), errors)
            .error_of(errors, "address.recipient")
            .autocomplete("name"),
        Field::new("phone", ctx.t("address-phone"), v(&a.phone), errors)
            .error_of(errors, "address.phone")
            .hint(ctx.t("identity-phone-hint"))
            .kind("tel")
            .autocomplete("tel")
            .inputmode("numeric"),
        Field::new("province", ctx.t("address-province"), v(&a.province), errors)
            .error_of(errors, "address.province")
            .autocomplete("address-level1"),
        Field::new("city", ctx.t("address-city"), v(&a.city), errors)
            .error_of(errors, "address.city")
            .autocomplete("address-level2"),
        Field::new("district", ctx.t("address-district"), v(&a.district), errors)
            .error_of(errors, "address.district")
            .autocomplete("address-level3"),
        Field::new("street", ctx.t("address-street"), v(&a.street), errors)
            .error_of(errors, "address.street")
            .autocomplete("street-address"),
        Field::new("postal_code", ctx.t("address-postal-code"), v(&a.postal_code), errors)
            .error_of(errors, "address.postal_code")
            .hint(ctx.t("address-postal-code-hint"))
            .autocomplete("postal-code")
            .inputmode("numeric"),
    ]
}

async fn render(
    s: &AppState,
    ctx: &mut Ctx,
    address: &AddressForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let Some(cart) = current_cart(s, ctx).await? else { return Ok(ctx.redirect("/cart")) };
    let quote = s.app.quote(ctx.principal(), cart).await.or_page(ctx)?;
    if quote.orders.is_empty() {
        return Ok(ctx.redirect("/cart"));
    }
    let quote = QuoteSummary::new(ctx, &quote);
    let page = CheckoutPage {
        c: ctx,
        fields: fields(ctx, address, &errors),
        quote,
        // A fresh key per rendered form: a corrected form is a new checkout.
        idempotency_key: uuid::Uuid::now_v7().to_string(),
        errors,
        max_quantity: 0,
        methods: method_choices(s, ctx, address.payment_method.as_deref()),
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn form(State(s): State<AppState>, mut ctx: Ctx) -> PageResult {
    ctx.require_consumer()?;
    render(&s, &mut ctx, &AddressForm::default(), FormErrors::default(), StatusCode::OK).await
}

pub async fn submit(State(s): State<AppState>, headers: HeaderMap, form: PageForm<AddressForm>) -> PageResult {
    let PageForm { mut ctx, data } = form;
    ctx.require_consumer()?;
    let Some(who) = ctx.principal().cloned() else { return Err(ctx.login_redirect()) };
    let Some(cart) = ctx.cart_id else { return Ok(ctx.redirect("/cart")) };
    let input = CheckoutInput {
        cart_id: Some(cart.to_string()),
        address: Some(AddressInput {
            recipient: data.recipient.clone(),
            phone: data.phone.clone(),
            province: data.province.clone(),
            city: data.city.clone(),
            district: data.district.clone(),
            street: data.street.clone(),
            postal_code: data.postal_code.clone(),
        }),
        // The plain sandbox only when no wallet is offered at all.
        payment_method: data.payment_method.clone(),
        device: Some(device_of(&headers).to_string()),
    };
    let key = data.idempotency_key.clone().unwrap_or_default();
    let mut tries = 0;
    let result = loop {
        let attempt = s.app.checkout(&who, Some(&key), input.clone()).await;
        match attempt {
            // The same form is being placed by an earlier submit (or finished just
            // now): wait for its answer rather than fail, bounded.
            Err(AppError::CheckoutInProgress) if tries < IN_PROGRESS_TRIES => {
                tries += 1;
                tokio::time::sleep(IN_PROGRESS_WAIT).await;
            }
            other => break other,
        }
    };
    match result {
        Ok(placed) => {
            ctx.forget_cart();
            if placed.payment.method == PaymentMethod::Sandbox {
                return Ok(ctx.redirect(&format!("/orders?placed={}", placed.orders.len())));
            }
            // A wallet: the shopper is sent to it on a phone, shown its code on a desktop,
            // and waits for its word on the payment's page either way.
            match placed.payment.action.and_then(|a| a.redirect_url) {
                Some(url) => Ok(ctx.redirect(&url)),
                None => Ok(ctx.redirect(&format!("/payments/{}", placed.payment.id))),
            }
        }
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            // Errors of what the form holds but does not show (its key, the cart).
            for hidden in ["Idempotency-Key", "cart_id"] {
                if let Some(message) = errors.get(hidden) {
                    let message = message.to_string();
                    errors.general.push(message);
                }
            }
            render(&s, &mut ctx, &data, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
