//! What the storefront pages show: the newest products for sale with their landed
//! price, the states that sell, and a product with its merchant and the landed price
//! of one unit bought alone. The landed price comes from the same pricing as a cart's
//! quote (a one-line cart priced in memory), so a page never computes tax itself.

use crate::carts::QuoteOrderView;
use crate::merchants::MerchantView;
use crate::products::ProductView;
use crate::{App, AppResult};
use gateway_core::{CartId, MerchantId, ProductId};
use gateway_store::{Cart, CartItem, Merchant, Product};
use std::collections::HashMap;

/// The most products a storefront list shows at once.
pub const MAX_FEATURED: u32 = 48;
/// The most products of one merchant among the featured ones, so that the newest
/// listings of one busy merchant do not fill the home page.
const PER_MERCHANT: usize = 2;

/// A product as a card on a list: the product, its merchant's public side, and the
/// landed price of one unit (None while no FX rate is set).
#[derive(Debug)]
pub struct ProductCard {
    pub product: ProductView,
    pub merchant: MerchantView,
    pub landed: Option<QuoteOrderView>,
}

/// A product's page.
#[derive(Debug)]
pub struct ProductPage {
    pub product: ProductView,
    pub merchant: MerchantView,
    /// The order one unit bought alone makes: goods, freight, duty, consumption tax,
    /// VAT and the total (None while no FX rate is set).
    pub landed: Option<QuoteOrderView>,
    /// The tax class's names, for the link to the class's page.
    pub class_name_en: Option<String>,
    pub class_name_zh: Option<String>,
}

/// How many products are for sale from one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateCountView {
    /// The USPS code, e.g. `IA`.
    pub code: &'static str,
    pub products: i64,
}

impl App {
    /// The newest products for sale, at most `limit` (capped at [`MAX_FEATURED`]) and
    /// at most two per merchant while other merchants have newer ones to show.
    #[tracing::instrument(skip_all)]
    pub async fn featured_products(&self, limit: u32) -> AppResult<Vec<ProductCard>> {
        let limit = limit.clamp(1, MAX_FEATURED) as usize;
        let newest = self.store.newest_for_sale(MAX_FEATURED).await?;
        let mut per_merchant: HashMap<MerchantId, usize> = HashMap::new();
        let (mut picked, mut rest) = (Vec::new(), Vec::new());
        for product in newest {
            let n = per_merchant.entry(product.merchant_id).or_default();
            *n += 1;
            if *n <= PER_MERCHANT { picked.push(product) } else { rest.push(product) }
        }
        // Fewer merchants than the page has room for: fill up with the newest others.
        picked.extend(rest);
        picked.truncate(limit);
        let fx = self.current_fx().await?.map(|q| q.rate);
        let mut merchants: HashMap<MerchantId, Merchant> = HashMap::new();
        let mut cards = Vec::with_capacity(picked.len());
        for product in picked {
            if !merchants.contains_key(&product.merchant_id) {
                let merchant = self.merchant(product.merchant_id).await?;
                merchants.insert(merchant.id, merchant);
            }
            let merchant = merchants.get(&product.merchant_id).cloned().map(|m| MerchantView::new(m, false));
            let Some(merchant) = merchant else { continue };
            let landed = self.landed_unit(product.id).await?;
            cards.push(ProductCard { product: ProductView::new(product, fx), merchant, landed });
        }
        Ok(cards)
    }

    /// The states with products for sale, by code.
    #[tracing::instrument(skip_all)]
    pub async fn shop_states(&self) -> AppResult<Vec<StateCountView>> {
        Ok(self
            .store
            .for_sale_by_state()
            .await?
            .into_iter()
            .map(|c| StateCountView { code: c.state.as_str(), products: c.products })
            .collect())
    }

    /// A product with its merchant (public side) and landed single-unit price.
    #[tracing::instrument(skip_all, fields(product.id = %id))]
    pub async fn product_page(&self, id: ProductId) -> AppResult<ProductPage> {
        let product: Product = self.product(id).await?;
        let merchant = MerchantView::new(self.merchant(product.merchant_id).await?, false);
        let class = self.store.tax_class(&product.fields.tax_class).await?;
        let landed = self.landed_unit(id).await?;
        let fx = self.current_fx().await?.map(|q| q.rate);
        Ok(ProductPage {
            product: ProductView::new(product, fx),
            merchant,
            landed,
            class_name_en: class.as_ref().map(|c| c.name_en.clone()),
            class_name_zh: class.map(|c| c.name_zh),
        })
    }

    /// The order that one unit of `id`, bought alone, would make: priced exactly as a
    /// cart's quote, with no buyer (so the annual quota plays no part).
    #[tracing::instrument(skip_all, fields(product.id = %id))]
    pub async fn landed_unit(&self, id: ProductId) -> AppResult<Option<QuoteOrderView>> {
        let cart = Cart {
            id: CartId::new(),
            owner_id: None,
            items: vec![CartItem { product_id: id, quantity: 1 }],
            checked_out_at: None,
            created_at: gateway_core::clock::now(),
        };
        let priced = self.price_cart(&cart, None).await?;
        Ok(priced.orders.first().map(QuoteOrderView::new))
    }
}
