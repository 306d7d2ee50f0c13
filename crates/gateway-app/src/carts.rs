//! Carts and quotes: any mix of merchants; the quote shows each merchant's order with
//! freight, tax and total, and lists problems instead of failing.

use crate::auth::Principal;
use crate::error::RefusalKind;
use crate::pricing::{PricedCart, PricedOrder, Problem};
use crate::{App, AppError, AppResult, ErrorCode};
use gateway_core::Cny;
use gateway_core::tax::{OrderTax, Regime};
use gateway_core::user::Role;
use gateway_core::{CartId, ProductId};
use gateway_store::{Cart, StoreError};
use serde::{Deserialize, Serialize};

/// The most units of one product a cart line may hold.
pub const MAX_QUANTITY: i64 = 999;
/// Distinct products in one cart. A cross-border parcel stays within 5,000 CNY, so a
/// hundred products is far beyond a real basket; the bound keeps a checkout's batched
/// statements (one row per line) well inside both engines' parameter limits. Two adds
/// racing may pass it by one, which nothing downstream minds.
pub const MAX_CART_ITEMS: usize = 100;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CartCreated {
    #[schema(value_type = String)]
    pub id: CartId,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CartItemInput {
    /// 0 removes the line; at most 999.
    pub quantity: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CartView {
    pub id: String,
    pub items: Vec<CartItemView>,
    pub checked_out: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CartItemView {
    pub product_id: String,
    pub quantity: i64,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineView {
    pub product_id: String,
    pub sku: String,
    pub title: crate::products::TextView,
    pub quantity: i64,
    pub unit_price_cny: String,
    pub goods: String,
    pub freight: String,
    pub duty: String,
    pub consumption_tax: String,
    pub vat: String,
}

/// One merchant's part of a cart: one order, with its amounts in CNY.
// Deserialize: a checkout's answer is stored for its Idempotency-Key and read back.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuoteOrderView {
    pub merchant_id: String,
    pub merchant_name: crate::merchants::DisplayNameView,
    /// cbec (within the limits: 70% of VAT and CT, no duty) or cbec_full_tax (a single
    /// item above 5,000 CNY).
    #[schema(value_type = String, example = "cbec")]
    pub regime: Regime,
    pub lines: Vec<LineView>,
    pub weight_g: i64,
    #[serde(flatten)]
    pub amounts: AmountsView,
}

/// An order's amounts in yuan (two-decimal text), as a quote's order, a placed order
/// and the pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AmountsView {
    pub goods: String,
    pub freight: String,
    pub duty: String,
    pub consumption_tax: String,
    pub vat: String,
    /// duty + consumption tax + VAT.
    pub tax: String,
    /// goods + freight + tax: what the buyer pays.
    pub total: String,
}

impl AmountsView {
    pub fn new(a: &gateway_store::Amounts, tax: Cny, total: Cny) -> Self {
        AmountsView {
            goods: a.goods.to_string(),
            freight: a.freight.to_string(),
            duty: a.duty.to_string(),
            consumption_tax: a.consumption_tax.to_string(),
            vat: a.vat.to_string(),
            tax: tax.to_string(),
            total: total.to_string(),
        }
    }

    pub fn of_tax(t: &OrderTax) -> Self {
        AmountsView {
            goods: t.goods.to_string(),
            freight: t.freight.to_string(),
            duty: t.duty.to_string(),
            consumption_tax: t.consumption_tax.to_string(),
            vat: t.vat.to_string(),
            tax: t.tax.to_string(),
            total: t.total.to_string(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuoteView {
    /// The USD→CNY rate the quote was priced at; null when none is set.
    pub fx_rate: Option<String>,
    pub orders: Vec<QuoteOrderView>,
    pub total: String,
    pub problems: Vec<Problem>,
}

impl QuoteOrderView {
    pub fn new(o: &PricedOrder) -> Self {
        QuoteOrderView {
            merchant_id: o.merchant.id.to_string(),
            merchant_name: crate::merchants::DisplayNameView {
                en: o.merchant.profile.display_name_en.clone(),
                zh: o.merchant.profile.display_name_zh.clone(),
            },
            regime: o.regime,
            lines: o
                .lines
                .iter()
                .zip(&o.tax.lines)
                .map(|(l, t)| LineView {
                    product_id: l.product.id.to_string(),
                    sku: l.product.fields.sku.clone(),
                    title: crate::products::TextView {
                        en: l.product.fields.title_en.clone(),
                        zh: l.product.fields.title_zh.clone(),
                    },
                    quantity: l.quantity,
                    unit_price_cny: l.unit_price.to_string(),
                    goods: t.goods.to_string(),
                    freight: t.freight.to_string(),
                    duty: t.duty.to_string(),
                    consumption_tax: t.consumption_tax.to_string(),
                    vat: t.vat.to_string(),
                })
                .collect(),
            weight_g: o.weight_g,
            amounts: AmountsView::of_tax(&o.tax),
        }
    }
}

impl QuoteView {
    pub fn new(priced: &PricedCart) -> Self {
        QuoteView {
            fx_rate: priced.fx.map(|r| r.to_string()),
            orders: priced.orders.iter().map(QuoteOrderView::new).collect(),
            total: priced.total.to_string(),
            problems: priced.problems.clone(),
        }
    }
}

fn cart_view(cart: &Cart) -> CartView {
    CartView {
        id: cart.id.to_string(),
        items: cart
            .items
            .iter()
            .map(|i| CartItemView { product_id: i.product_id.to_string(), quantity: i.quantity })
            .collect(),
        checked_out: cart.checked_out_at.is_some(),
    }
}

/// Whether `cart` may take `product_id`: a product already in it always, a new one
/// while the cart holds fewer than [`MAX_CART_ITEMS`]. Two adds racing may pass the
/// bound by one.
fn cart_has_room_for(cart: &Cart, product_id: ProductId) -> AppResult<()> {
    let new_item = !cart.items.iter().any(|i| i.product_id == product_id);
    if new_item && cart.items.len() >= MAX_CART_ITEMS {
        return Err(AppError::refused(
            ErrorCode::CartFull,
            RefusalKind::Unprocessable,
            format!("a cart holds at most {MAX_CART_ITEMS} different products"),
        ));
    }
    Ok(())
}

/// A line's quantity as asked for: required, from `min` to [`MAX_QUANTITY`].
fn quantity_from(asked: Option<i64>, min: i64) -> AppResult<i64> {
    match asked {
        None => Err(AppError::field("quantity", "is required")),
        Some(q) if !(min..=MAX_QUANTITY).contains(&q) => {
            Err(AppError::field("quantity", format!("must be between {min} and {MAX_QUANTITY}")))
        }
        Some(q) => Ok(q),
    }
}

/// A cart line's write, its store errors in the app's words.
fn cart_write<T>(result: Result<T, StoreError>) -> AppResult<T> {
    match result {
        Ok(value) => Ok(value),
        Err(StoreError::Stale) => {
            Err(AppError::Conflict { message: "this cart was checked out already".into(), field: None })
        }
        Err(StoreError::NotFound) => Err(AppError::NotFound("product")),
        Err(other) => Err(other.into()),
    }
}

impl App {
    /// A new cart: owned by the caller when signed in, else reachable by its id alone.
    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id)))]
    pub async fn create_cart(&self, who: Option<&Principal>) -> AppResult<CartCreated> {
        let id = CartId::new();
        self.store.create_cart(id, who.map(|p| p.user_id), gateway_core::clock::now()).await?;
        Ok(CartCreated { id })
    }

    /// The cart, if `who` may use it. A signed-in consumer who opens an owner-less
    /// cart takes it.
    pub(crate) async fn accessible_cart(&self, who: Option<&Principal>, id: CartId) -> AppResult<Cart> {
        let mut cart = self.store.cart(id).await?.ok_or(AppError::NotFound("cart"))?;
        match (cart.owner_id, who) {
            (Some(owner), Some(p)) if owner == p.user_id => {}
            (Some(_), None) => return Err(AppError::Unauthorized),
            (Some(_), Some(_)) => return Err(AppError::Forbidden("this cart belongs to another account")),
            (None, Some(p)) if p.role == Role::Consumer => {
                self.store.claim_cart(id, p.user_id).await?;
                cart.owner_id = Some(p.user_id);
            }
            (None, _) => {}
        }
        Ok(cart)
    }

    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), cart.id = %id))]
    pub async fn view_cart(&self, who: Option<&Principal>, id: CartId) -> AppResult<CartView> {
        Ok(cart_view(&self.accessible_cart(who, id).await?))
    }

    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), cart.id = %cart_id, product.id = %product_id))]
    pub async fn set_cart_item(
        &self,
        who: Option<&Principal>,
        cart_id: CartId,
        product_id: ProductId,
        input: CartItemInput,
    ) -> AppResult<CartView> {
        let quantity = quantity_from(input.quantity, 0)?;
        let cart = self.accessible_cart(who, cart_id).await?;
        if quantity > 0 {
            cart_has_room_for(&cart, product_id)?;
        }
        cart_write(self.store.set_cart_item(cart.id, product_id, quantity, gateway_core::clock::now()).await)?;
        self.view_cart(who, cart_id).await
    }

    /// Adds `input.quantity` (1 to 999) units of a product to those already in the
    /// cart, in one store operation, so two adds at once both count. A line holds at
    /// most [`MAX_QUANTITY`] units: an add beyond leaves it at that.
    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), cart.id = %cart_id, product.id = %product_id))]
    pub async fn add_to_cart(
        &self,
        who: Option<&Principal>,
        cart_id: CartId,
        product_id: ProductId,
        input: CartItemInput,
    ) -> AppResult<CartView> {
        let quantity = quantity_from(input.quantity, 1)?;
        let cart = self.accessible_cart(who, cart_id).await?;
        cart_has_room_for(&cart, product_id)?;
        let added =
            self.store.add_cart_item(cart.id, product_id, quantity, MAX_QUANTITY, gateway_core::clock::now()).await;
        cart_write(added)?;
        self.view_cart(who, cart_id).await
    }

    #[tracing::instrument(skip_all, fields(user.id = ?who.map(|w| w.user_id), cart.id = %id))]
    pub async fn quote(&self, who: Option<&Principal>, id: CartId) -> AppResult<QuoteView> {
        let cart = self.accessible_cart(who, id).await?;
        let identity = match who {
            Some(p) if p.role == Role::Consumer => self.store.identity(p.user_id).await?,
            _ => None,
        };
        Ok(QuoteView::new(&self.price_cart(&cart, identity.as_ref()).await?))
    }
}
