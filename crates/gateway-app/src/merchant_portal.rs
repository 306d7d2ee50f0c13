//! What the merchant portal needs beyond the API's use cases: a product of one's own
//! merchant (for its edit form), a merchant's orders in one status (the queue of
//! orders to ship) with their goods value in US dollars, and how many orders it has
//! in each status.

use crate::orders::OrderView;
use crate::pagination::{PageQuery, PageView};
use crate::products::ProductView;
use crate::{App, AppError, AppResult, Principal};
use gateway_core::order::OrderStatus;
use gateway_core::user::Role;
use gateway_core::{MerchantId, OrderId, ProductId, Usd};
use gateway_store::{Merchant, Order};

/// An order as its merchant sees it: the order, and its goods value in US dollars at
/// the prices the merchant set (each line keeps its USD unit price).
#[derive(Debug)]
pub struct MerchantOrderView {
    pub order: OrderView,
    pub goods_usd: String,
    pub units: i64,
}

impl MerchantOrderView {
    fn new(order: Order) -> Self {
        let cents = order.lines.iter().map(|l| l.unit_price_usd_cents * l.quantity).sum();
        let units = order.lines.iter().map(|l| l.quantity).sum();
        MerchantOrderView { goods_usd: Usd::from_minor(cents).to_string(), units, order: OrderView::new(order) }
    }
}

/// How many orders a merchant has in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub status: &'static str,
    pub orders: i64,
}

/// May `who` see the merchant's orders and sales: its owner, or an operator.
pub(crate) fn may_see(who: &Principal, m: &Merchant) -> bool {
    who.is_operator() || (who.role == Role::Merchant && m.owner_id == who.user_id)
}

impl App {
    /// A product of the caller's own merchant: what its edit form shows. Another
    /// merchant's product is forbidden (the public product page shows it).
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, product.id = %id))]
    pub async fn own_product(&self, who: &Principal, id: ProductId) -> AppResult<ProductView> {
        who.require(Role::Merchant)?;
        let product = self.product(id).await?;
        let merchant = self.merchant(product.merchant_id).await?;
        if merchant.owner_id != who.user_id {
            return Err(AppError::Forbidden("this product belongs to another merchant"));
        }
        Ok(ProductView::new(product, self.current_fx().await?.map(|q| q.rate)))
    }

    /// The merchant's orders in `status` (a status code): its owner's or an
    /// operator's. Orders to ship (`paid`) come oldest first, so that who waited
    /// longest is served first; every other status newest first.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant))]
    pub async fn merchant_orders_in_status(
        &self,
        who: &Principal,
        merchant: MerchantId,
        status: &str,
        page: &PageQuery,
    ) -> AppResult<PageView<MerchantOrderView>> {
        if !may_see(who, &self.merchant(merchant).await?) {
            return Err(AppError::Forbidden("these orders belong to another merchant"));
        }
        let status = OrderStatus::parse(status).map_err(|e| AppError::field("status", e))?;
        let oldest_first = status == OrderStatus::Paid;
        let page = self.store.merchant_orders_in_status(merchant, status, oldest_first, page.to_request()?).await?;
        Ok(PageView::from_page(page, MerchantOrderView::new))
    }

    /// One order of the caller's own merchant.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn merchant_order(&self, who: &Principal, id: OrderId) -> AppResult<MerchantOrderView> {
        who.require(Role::Merchant)?;
        let order = self.store.order(id).await?.ok_or(AppError::NotFound("order"))?;
        if self.merchant(order.merchant_id).await?.owner_id != who.user_id {
            return Err(AppError::Forbidden("this order belongs to another merchant"));
        }
        Ok(MerchantOrderView::new(order))
    }

    /// How many orders the merchant has in each status, every status listed, in the
    /// order an order goes through them.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant))]
    pub async fn order_counts(&self, who: &Principal, merchant: MerchantId) -> AppResult<Vec<StatusCount>> {
        if !may_see(who, &self.merchant(merchant).await?) {
            return Err(AppError::Forbidden("these orders belong to another merchant"));
        }
        let sales = self.store.sales_by_status(merchant).await?;
        Ok(OrderStatus::ALL
            .iter()
            .map(|&s| StatusCount {
                status: s.as_str(),
                orders: sales.iter().find(|f| f.status == s).map_or(0, |f| f.orders),
            })
            .collect())
    }
}
