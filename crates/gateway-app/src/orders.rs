//! Orders after checkout (SPEC 6): who may see them, and the state machine with its
//! refunds.

use crate::carts::AmountsView;
use crate::pagination::{PageQuery, PageView};
use crate::products::TextView;
use crate::{App, AppError, AppResult, Principal};
use chrono::{DateTime, Utc};
use gateway_core::order::{OrderAction, OrderStatus, OrderTransitionError, Party, transition};
use gateway_core::payment::{PaymentCancelReason, PaymentMethod};
use gateway_core::text::bounded;
use gateway_core::user::Role;
use gateway_core::{FxRate, MerchantId, OrderId, Validation};
use gateway_store::{Order, OrderStatusChange, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipInput {
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderLineView {
    pub product_id: String,
    pub sku: String,
    pub title: TextView,
    pub quantity: i64,
    pub unit_price_usd: String,
    pub unit_price_cny: String,
    pub goods: String,
    pub freight: String,
    pub duty: String,
    pub consumption_tax: String,
    pub vat: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AddressView {
    pub recipient: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub postal_code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderPaymentView {
    pub id: String,
    pub status: String,
    #[schema(value_type = String)]
    pub method: PaymentMethod,
    /// The keyed hash (hex) of the ID number of whoever paid: it differs from the
    /// buyer's current identity if that changed after the order.
    pub payer_identity_hash: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    pub id: String,
    pub merchant_id: String,
    pub buyer_id: String,
    /// awaiting_payment, paid, shipped, delivered, cancelled or returned.
    pub status: &'static str,
    /// Why the payment, not a person, cancelled it: payment_expired, payment_failed
    /// or payer_mismatch.
    #[schema(value_type = Option<String>)]
    pub cancel_reason: Option<PaymentCancelReason>,
    pub regime: String,
    /// The USD→CNY rate the order was priced at.
    pub fx_rate: String,
    pub lines: Vec<OrderLineView>,
    pub weight_g: i64,
    #[serde(flatten)]
    pub amounts: AmountsView,
    pub address: AddressView,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub payment: OrderPaymentView,
    pub created_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl OrderView {
    pub fn new(o: Order) -> Self {
        let a = o.amounts;
        OrderView {
            id: o.id.to_string(),
            merchant_id: o.merchant_id.to_string(),
            buyer_id: o.buyer_id.to_string(),
            status: o.status.as_str(),
            cancel_reason: o.cancel_reason,
            regime: o.regime,
            fx_rate: FxRate::from_micros(o.fx_rate_micros).map(|r| r.to_string()).unwrap_or_default(),
            lines: o
                .lines
                .into_iter()
                .map(|l| OrderLineView {
                    product_id: l.product_id.to_string(),
                    sku: l.sku,
                    title: TextView { en: l.title_en, zh: l.title_zh },
                    quantity: l.quantity,
                    unit_price_usd: gateway_core::Usd::from_minor(l.unit_price_usd_cents).to_string(),
                    unit_price_cny: l.unit_price.to_string(),
                    goods: l.amounts.goods.to_string(),
                    freight: l.amounts.freight.to_string(),
                    duty: l.amounts.duty.to_string(),
                    consumption_tax: l.amounts.consumption_tax.to_string(),
                    vat: l.amounts.vat.to_string(),
                })
                .collect(),
            weight_g: o.weight_g,
            amounts: AmountsView::new(&a, o.tax, o.total),
            address: AddressView {
                recipient: o.address.recipient,
                phone: o.address.phone,
                province: o.address.province,
                city: o.address.city,
                district: o.address.district,
                street: o.address.street,
                postal_code: o.address.postal_code,
            },
            carrier: o.carrier,
            tracking_no: o.tracking_no,
            payment: OrderPaymentView {
                id: o.payment_id.to_string(),
                status: o.payment_status,
                method: o.payment_method,
                payer_identity_hash: o.payer_id_number_hash.iter().map(|b| format!("{b:02x}")).collect(),
            },
            created_at: o.created_at,
            shipped_at: o.shipped_at,
            delivered_at: o.delivered_at,
            closed_at: o.closed_at,
        }
    }
}

impl App {
    /// The caller's part in an order: its buyer, its merchant's owner or an operator.
    async fn party(&self, who: &Principal, order: &Order) -> AppResult<Party> {
        match who.role {
            Role::Operator => Ok(Party::Operator),
            Role::Consumer if order.buyer_id == who.user_id => Ok(Party::Buyer),
            Role::Merchant if self.merchant(order.merchant_id).await?.owner_id == who.user_id => Ok(Party::Merchant),
            _ => Err(AppError::Forbidden("this order belongs to another account")),
        }
    }

    async fn load_order(&self, id: OrderId) -> AppResult<Order> {
        self.store.order(id).await?.ok_or(AppError::NotFound("order"))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn view_order(&self, who: &Principal, id: OrderId) -> AppResult<OrderView> {
        let order = self.load_order(id).await?;
        self.party(who, &order).await?;
        Ok(OrderView::new(order))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn my_orders(&self, who: &Principal, page: &PageQuery) -> AppResult<PageView<OrderView>> {
        who.require(Role::Consumer)?;
        let page = self.store.orders_of_buyer(who.user_id, page.to_request()?).await?;
        Ok(PageView::from_page(page, OrderView::new))
    }

    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant))]
    pub async fn merchant_orders(
        &self,
        who: &Principal,
        merchant: MerchantId,
        page: &PageQuery,
    ) -> AppResult<PageView<OrderView>> {
        let m = self.merchant(merchant).await?;
        if !(who.is_operator() || (who.role == Role::Merchant && m.owner_id == who.user_id)) {
            return Err(AppError::Forbidden("these orders belong to another merchant"));
        }
        let page = self.store.orders_of_merchant(merchant, page.to_request()?).await?;
        Ok(PageView::from_page(page, OrderView::new))
    }

    /// Ship (with carrier and tracking number), deliver, cancel or return an order.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, order.id = %id))]
    pub async fn act_on_order(
        &self,
        who: &Principal,
        id: OrderId,
        action: OrderAction,
        shipment: Option<ShipInput>,
    ) -> AppResult<OrderView> {
        // Who may act comes first: a stranger learns nothing from field errors.
        let order = self.load_order(id).await?;
        let party = self.party(who, &order).await?;
        let shipment = match action {
            OrderAction::Ship => {
                let input = shipment.unwrap_or_default();
                let mut v = Validation::new();
                let carrier = v.required("carrier", input.carrier.as_deref(), |s| bounded(s, 50, false));
                let tracking = v.required("tracking_no", input.tracking_no.as_deref(), |s| {
                    bounded(s, 50, false).and_then(|t| {
                        if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                            Ok(t)
                        } else {
                            Err(gateway_core::text::TextError::Control)
                        }
                    })
                });
                Some(v.finish(|| Some((carrier?, tracking?)))?)
            }
            _ => None,
        };
        let now = gateway_core::clock::now();
        let to = transition(order.status, action, party, order.delivered_at, now).map_err(|e| match e {
            OrderTransitionError::NotAllowed { .. } => AppError::Forbidden(match action {
                OrderAction::Ship => "only the order's merchant ships it",
                OrderAction::Deliver => "only the buyer or an operator confirms delivery",
                OrderAction::Cancel => "only the buyer or the merchant cancels an order",
                OrderAction::Return => "only the buyer or an operator returns an order",
            }),
            other => AppError::InvalidTransition(other.to_string()),
        })?;
        let restore = matches!(to, OrderStatus::Cancelled | OrderStatus::Returned);
        let change = OrderStatusChange { id, from: order.status, to, at: now, shipment, restore };
        let updated = match self.store.change_order_status(change).await {
            Ok(updated) => updated,
            Err(StoreError::Stale) => {
                let current = self.load_order(id).await?;
                return Err(AppError::InvalidTransition(format!(
                    "the order is {} now; it changed while you acted",
                    current.status.as_str()
                )));
            }
            Err(other) => return Err(other.into()),
        };
        if restore {
            // The refund was recorded with the change; the payment job sends it.
            self.catalog_changed();
            self.payments_wake.notify_one();
        }
        tracing::info!(order.id = %id, action = action.as_str(), "order status changed");
        Ok(OrderView::new(updated))
    }
}
