//! The cart: one order per merchant with freight, tax and total, the quote's problems
//! translated, quantities to change. The cart lives in the database; this browser
//! keeps its id in a cookie, and a consumer who signs in takes it over.

use crate::AppState;
use crate::extract::path_id;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::{self, OrPage, problem_message};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::names::name;
use crate::ui::shared::orders_view::Amounts;
use crate::ui::shared::orders_view::BuyerLine;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gateway_app::carts::{CartItemInput, MAX_QUANTITY, QuoteView};
use gateway_app::{AppError, ErrorCode};
use gateway_core::{CartId, ProductId};
use serde::Deserialize;

pub struct CartOrder {
    pub merchant: Text,
    pub lines: Vec<BuyerLine>,
    pub weight_g: i64,
    pub amounts: Amounts,
}

/// A quote, ready for the cart and checkout pages.
pub struct QuoteSummary {
    pub orders: Vec<CartOrder>,
    pub total: String,
    pub problems: Vec<String>,
    /// Whether the only thing missing is the buyer's identity.
    pub needs_identity: bool,
    pub can_check_out: bool,
}

impl QuoteSummary {
    pub fn new(ctx: &Ctx, q: &QuoteView) -> Self {
        let orders: Vec<CartOrder> = q
            .orders
            .iter()
            .map(|o| CartOrder {
                merchant: name(ctx, &o.merchant_name),
                lines: o
                    .lines
                    .iter()
                    .map(|l| BuyerLine::new(ctx, &l.product_id, &l.title, l.quantity, &l.unit_price_cny, &l.goods))
                    .collect(),
                weight_g: o.weight_g,
                amounts: Amounts::of_quote(o),
            })
            .collect();
        let product_title =
            |id: &str| orders.iter().flat_map(|o| &o.lines).find(|l| l.product_id == id).map(|l| l.title.text.clone());
        let problems = q
            .problems
            .iter()
            .map(|p| {
                let product = p.product_id.as_deref().and_then(product_title);
                problem_message(ctx, p.code, product.as_deref(), p.remaining.as_deref())
            })
            .collect();
        QuoteSummary {
            needs_identity: q.problems.iter().any(|p| p.code == ErrorCode::IdentityRequired),
            can_check_out: !orders.is_empty() && q.problems.iter().all(|p| p.code == ErrorCode::IdentityRequired),
            orders,
            total: q.total.clone(),
            problems,
        }
    }
}

#[derive(Template)]
#[template(path = "storefront/cart.html")]
pub struct CartPage<'a> {
    pub c: &'a Ctx,
    pub quote: Option<QuoteSummary>,
    pub errors: FormErrors,
    pub max_quantity: i64,
}

/// This browser's cart, if it is still one it may use: a cart that was checked out,
/// is gone, or belongs to another account is forgotten. Opening an owner-less cart
/// signed in as a consumer claims it (gateway-app does that).
pub async fn current_cart(s: &AppState, ctx: &mut Ctx) -> Result<Option<CartId>, Response> {
    let Some(id) = ctx.cart_id else { return Ok(None) };
    match s.app.view_cart(ctx.principal(), id).await {
        Ok(cart) if !cart.checked_out => Ok(Some(id)),
        Ok(_) | Err(AppError::NotFound(_) | AppError::Forbidden(_) | AppError::Unauthorized) => {
            ctx.forget_cart();
            Ok(None)
        }
        Err(other) => Err(ctx.fail(other)),
    }
}

pub async fn show(State(s): State<AppState>, mut ctx: Ctx) -> PageResult {
    render(&s, &mut ctx, FormErrors::default(), StatusCode::OK).await
}

async fn render(s: &AppState, ctx: &mut Ctx, errors: FormErrors, status: StatusCode) -> PageResult {
    let quote = match current_cart(s, ctx).await? {
        Some(id) => Some(s.app.quote(ctx.principal(), id).await.or_page(ctx)?),
        None => None,
    };
    let quote = quote.filter(|q| !q.orders.is_empty()).map(|q| QuoteSummary::new(ctx, &q));
    let page = CartPage { c: ctx, quote, errors, max_quantity: MAX_QUANTITY };
    Ok(ctx.render_status(status, &page))
}

#[derive(Deserialize)]
pub struct AddForm {
    pub product_id: Option<String>,
    pub quantity: Option<String>,
}

/// Adds units of a product (to those already in the cart), making a cart first if
/// this browser has none.
pub async fn add(State(s): State<AppState>, form: PageForm<AddForm>) -> PageResult {
    let PageForm { mut ctx, data } = form;
    let Some(product) = data.product_id.as_deref().and_then(|p| path_id::<ProductId>(p, "product").ok()) else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    let raw_quantity = data.quantity.unwrap_or_default();
    let wanted = match raw_quantity.trim().parse::<i64>() {
        Ok(q) if (1..=MAX_QUANTITY).contains(&q) => q,
        _ => {
            let errors = FormErrors {
                fields: vec![("quantity".into(), ctx.t("err-field-quantity"))],
                general: vec![ctx.t("form-has-errors")],
            };
            return super::product::render(&s, &ctx, product, raw_quantity, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let cart = match current_cart(&s, &mut ctx).await? {
        Some(id) => id,
        None => {
            let created = s.app.create_cart(ctx.principal()).await.or_page(&ctx)?;
            ctx.keep_cart(created.id);
            created.id
        }
    };
    match s.app.add_to_cart(ctx.principal(), cart, product, CartItemInput { quantity: Some(wanted) }).await {
        Ok(_) => Ok(ctx.redirect("/cart")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            super::product::render(&s, &ctx, product, raw_quantity, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(ctx.fail(other)),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    pub quantity: Option<String>,
}

/// Sets a line's quantity; 0 (the remove button) takes the line out.
pub async fn update(State(s): State<AppState>, Path(product): Path<String>, form: PageForm<UpdateForm>) -> PageResult {
    let PageForm { mut ctx, data } = form;
    let Ok(product) = path_id::<ProductId>(&product, "product") else {
        return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found"));
    };
    let Some(cart) = current_cart(&s, &mut ctx).await? else { return Ok(ctx.redirect("/cart")) };
    let quantity = match data.quantity.as_deref().map(str::trim).map(str::parse::<i64>) {
        Some(Ok(q)) if (0..=MAX_QUANTITY).contains(&q) => q,
        _ => {
            let errors = FormErrors::general(ctx.t("err-field-quantity"));
            return render(&s, &mut ctx, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match s.app.set_cart_item(ctx.principal(), cart, product, CartItemInput { quantity: Some(quantity) }).await {
        Ok(_) => Ok(ctx.redirect("/cart")),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let errors = FormErrors::from_app(&ctx, e)?;
            render(&s, &mut ctx, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(ctx.fail(other)),
    }
}
