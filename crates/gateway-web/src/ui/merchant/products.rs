//! The merchant's products: each with its status (listed, blocked with the listing
//! check's reasons, or withdrawn), stock, price in US dollars and in yuan at today's
//! rate; and withdrawing a product from sale or offering it again.

use super::portal::{Chrome, Portal, listing_problem, product_status, usd};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::PageForm;
use crate::ui::shared::url::safe_next;
use askama::Template;
use axum::extract::{Path, Query, State};
use gateway_app::pagination::PageQuery;
use gateway_app::products::{ProductInput, ProductView};
use gateway_core::ProductId;
use serde::Deserialize;

/// Products a page lists at once.
const PAGE_SIZE: u32 = 50;

/// A product as the list shows it.
pub struct ProductRow {
    pub id: String,
    pub sku: String,
    pub title_en: String,
    pub title_zh: Option<String>,
    pub status_code: &'static str,
    pub status: String,
    pub stock: i64,
    pub price_usd: String,
    pub price_cny: Option<String>,
    /// Listed, and the merchant active: shoppers can buy it.
    pub for_sale: bool,
    /// Why it is blocked.
    pub problems: Vec<String>,
    /// `delisted` (withdraw) or `listed` (offer again).
    pub toggle_to: &'static str,
    pub toggle_label: String,
}

impl ProductRow {
    pub fn new(ctx: &Ctx, p: &ProductView) -> Self {
        let withdrawn = p.status == "delisted";
        ProductRow {
            id: p.id.clone(),
            sku: p.sku.clone(),
            title_en: p.title.en.clone(),
            title_zh: p.title.zh.clone(),
            status_code: p.status,
            status: product_status(ctx, p.status),
            stock: p.stock,
            price_usd: usd(ctx, &p.price_usd),
            price_cny: p.price_cny.clone(),
            for_sale: p.for_sale,
            problems: p.problems.iter().map(|pr| listing_problem(ctx, &pr.code)).collect(),
            toggle_to: if withdrawn { "listed" } else { "delisted" },
            toggle_label: if withdrawn { ctx.t("product-relist") } else { ctx.t("product-withdraw") },
        }
    }
}

#[derive(Template)]
#[template(path = "merchant/products.html")]
pub struct ProductsPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub products: Vec<ProductRow>,
    pub next: Option<String>,
    pub active: bool,
    pub notice: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
    /// Set after a withdrawal or a relisting: the product's new status.
    pub changed: Option<String>,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let page = s
        .app
        .list_merchant_products(
            Some(&portal.who),
            portal.merchant.id,
            &PageQuery { limit: Some(PAGE_SIZE), cursor: q.cursor },
        )
        .await
        .or_page(&ctx)?;
    let notice = q.changed.as_deref().map(|status| ctx.t1("product-now", "status", product_status(&ctx, status)));
    let view = ProductsPage {
        c: &ctx,
        chrome: portal.chrome(&ctx, "/merchant/products"),
        products: page.items.iter().map(|p| ProductRow::new(&ctx, p)).collect(),
        next: page.next,
        active: portal.merchant.status == "active",
        notice,
    };
    Ok(ctx.render(&view))
}

#[derive(Deserialize)]
pub struct StatusForm {
    /// `delisted` or `listed`.
    pub status: Option<String>,
    /// Where to go back to (the list or the product's page).
    pub next: Option<String>,
}

/// Withdraws a product from sale, or offers it again (the listing check decides
/// whether it is listed or blocked).
pub async fn set_status(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<StatusForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let who = ctx.require_merchant()?.clone();
    let id: ProductId = errors::page_id(&ctx, &id)?;
    let input = ProductInput { status: data.status, ..ProductInput::default() };
    let product = s.app.update_product(&who, id, input).await.or_page(&ctx)?;
    let next = match safe_next(data.next.as_deref()).as_str() {
        "/" => "/merchant/products".to_string(),
        other => other.to_string(),
    };
    let separator = if next.contains('?') { '&' } else { '?' };
    Ok(ctx.redirect(&format!("{next}{separator}changed={}", product.status)))
}
