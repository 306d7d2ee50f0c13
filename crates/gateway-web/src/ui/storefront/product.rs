//! A product's page: title, landed price of one unit (tax included) with its
//! breakdown, origin, the merchant and its story, stock, and the add-to-cart form.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::FormErrors;
use crate::ui::shared::names::{name, state_name, title};
use crate::ui::shared::orders_view::Amounts;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gateway_app::carts::MAX_QUANTITY;
use gateway_core::ProductId;

#[derive(Template)]
#[template(path = "storefront/product.html")]
pub struct ProductPage<'a> {
    pub c: &'a Ctx,
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub merchant: Text,
    pub story: Option<Text>,
    pub state: String,
    pub city: String,
    pub origin_country: String,
    pub class_code: String,
    pub class_name: Option<Text>,
    pub net_content: String,
    pub weight_g: i64,
    pub price: Option<Amounts>,
    pub stock: i64,
    pub for_sale: bool,
    pub max_quantity: i64,
    pub quantity: String,
    pub errors: FormErrors,
}

pub async fn product(State(s): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id: ProductId = errors::page_id(&ctx, &id)?;
    render(&s, &ctx, id, "1".into(), FormErrors::default(), StatusCode::OK).await
}

/// The page, with the add-to-cart form holding `quantity` and showing `errors`.
pub async fn render(
    s: &AppState,
    ctx: &Ctx,
    id: ProductId,
    quantity: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, Response> {
    let p = s.app.product_page(id).await.or_page(ctx)?;
    let unit = ctx.t_dynamic(&format!("unit-{}", p.product.net_content.unit), "unit-piece");
    let page = ProductPage {
        c: ctx,
        id: p.product.id.clone(),
        title: title(ctx, &p.product.title),
        description: title(ctx, &p.product.description),
        merchant: name(ctx, &p.merchant.display_name),
        story: p.merchant.story.as_ref().map(|st| name(ctx, st)),
        state: state_name(ctx, p.merchant.state),
        city: p.merchant.city.clone(),
        origin_country: ctx.t_dynamic(&format!("country-{}", p.product.origin_country), "country-other"),
        class_code: p.product.tax_class.clone(),
        class_name: p.class_name_en.as_deref().map(|en| ctx.pick(en, p.class_name_zh.as_deref())),
        net_content: format!("{} {unit}", p.product.net_content.value),
        weight_g: p.product.weight_g,
        price: p.landed.as_ref().map(Amounts::of_quote),
        stock: p.product.stock,
        for_sale: p.product.for_sale,
        max_quantity: p.product.stock.clamp(1, MAX_QUANTITY),
        quantity,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}
