//! The home page: the newest products for sale, and the states that sell.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::OrPage;
use crate::ui::shared::names::{name, state_name, title};
use crate::ui::shared::orders_view::Amounts;
use askama::Template;
use axum::extract::State;
use gateway_app::storefront::ProductCard;

/// How many products the home page features.
const FEATURED: u32 = 12;

/// A product on a list.
pub struct Card {
    pub id: String,
    pub title: Text,
    pub merchant: Text,
    pub state: String,
    /// The landed price of one unit (None while no exchange rate is set).
    pub price: Option<Amounts>,
    pub in_stock: bool,
}

impl Card {
    pub fn new(ctx: &Ctx, card: &ProductCard) -> Self {
        Card {
            id: card.product.id.clone(),
            title: title(ctx, &card.product.title),
            merchant: name(ctx, &card.merchant.display_name),
            state: state_name(ctx, card.merchant.state),
            price: card.landed.as_ref().map(Amounts::of_quote),
            in_stock: card.product.stock > 0,
        }
    }
}

pub struct StateLink {
    pub code: &'static str,
    pub name: String,
    pub products: i64,
}

#[derive(Template)]
#[template(path = "storefront/home.html")]
pub struct HomePage<'a> {
    pub c: &'a Ctx,
    pub cards: Vec<Card>,
    pub states: Vec<StateLink>,
}

pub async fn home(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let cards = s.app.featured_products(FEATURED).await.or_page(&ctx)?;
    let states = s.app.shop_states().await.or_page(&ctx)?;
    let page = HomePage {
        c: &ctx,
        cards: cards.iter().map(|card| Card::new(&ctx, card)).collect(),
        states: states
            .into_iter()
            .map(|st| StateLink { code: st.code, name: state_name(&ctx, st.code), products: st.products })
            .collect(),
    };
    Ok(ctx.render(&page))
}
