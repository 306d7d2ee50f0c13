//! Checkout (SPEC 6): one payment and one order per merchant, all or nothing, exactly
//! once per Idempotency-Key.

use crate::carts::QuoteOrderView;
use crate::error::RefusalKind;
use crate::identity::quota_year;
use crate::payments::ChargeRequest;
use crate::pricing::{PricedCart, Problem};
use crate::wallet_payments::{PaymentActionView, session_refused};
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use gateway_core::identity::Phone;
use gateway_core::order::OrderStatus;
use gateway_core::payment::{PaymentDevice, PaymentMethod, PaymentStatus};
use gateway_core::tax::ANNUAL_LIMIT;
use gateway_core::text::bounded;
use gateway_core::user::Role;
use gateway_core::{CartId, OrderId, PaymentId, Validation};
use gateway_store::{
    Address, Amounts, CheckoutPayment, CheckoutRefusal, IdempotencyClaim, NewCheckout, NewOrder, OrderLine,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AddressInput {
    pub recipient: Option<String>,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub street: Option<String>,
    /// Six digits.
    pub postal_code: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CheckoutInput {
    pub cart_id: Option<String>,
    pub address: Option<AddressInput>,
    /// `sandbox` (the default: captured at once), `alipay` or `wechat_pay`, among
    /// the methods the server offers (`GATEWAY_PAYMENT_METHODS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Where the shopper pays a wallet: `desktop` (the default: a QR code to scan) or
    /// `phone` (a redirect to the wallet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub amount: String,
    #[schema(value_type = String)]
    pub status: PaymentStatus,
    /// Answers stored before wallets came are the sandbox's.
    #[serde(default = "sandbox")]
    #[schema(value_type = String)]
    pub method: PaymentMethod,
    /// A wallet payment: what the shopper does to pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<PaymentActionView>,
    /// A wallet payment: when its orders are released if it is not paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A placed order as checkout answers it: the quote's fields, its id and status.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlacedOrderView {
    pub id: String,
    #[schema(value_type = String, example = "paid")]
    pub status: OrderStatus,
    #[serde(flatten)]
    pub quote: QuoteOrderView,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckoutView {
    pub payment: PaymentView,
    pub orders: Vec<PlacedOrderView>,
}

pub const MAX_KEY_LEN: usize = 255;

/// How the shopper chose to pay, checked.
#[derive(Debug, Clone, Copy)]
struct PaymentChoice {
    method: PaymentMethod,
    device: PaymentDevice,
}

fn parse_address(input: Option<&AddressInput>) -> Result<Address, Vec<gateway_core::FieldError>> {
    let empty = AddressInput::default();
    let a = input.unwrap_or(&empty);
    let mut v = Validation::new();
    let mut text = |field: &str, raw: Option<&String>, max: usize| {
        v.required(&format!("address.{field}"), raw.map(String::as_str), |s| bounded(s, max, false))
    };
    let recipient = text("recipient", a.recipient.as_ref(), 50);
    let province = text("province", a.province.as_ref(), 50);
    let city = text("city", a.city.as_ref(), 50);
    let district = text("district", a.district.as_ref(), 50);
    let street = text("street", a.street.as_ref(), 200);
    let phone = v.required("address.phone", a.phone.as_deref(), |s| Phone::parse(s).map(|p| p.as_str().to_string()));
    let postal_code = v.required("address.postal_code", a.postal_code.as_deref(), |s| {
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(s.to_string())
        } else {
            Err("must be six digits")
        }
    });
    v.finish(|| {
        Some(Address {
            recipient: recipient?,
            phone: phone?,
            province: province?,
            city: city?,
            district: district?,
            street: street?,
            postal_code: postal_code?,
        })
    })
}

/// The refusal that stops a checkout, from the first blocking problem of the quote.
fn problem_refusal(p: &Problem) -> AppError {
    let kind = match p.code {
        ErrorCode::OutOfStock => RefusalKind::Conflict,
        _ => RefusalKind::Unprocessable,
    };
    let code = match p.code {
        code @ (ErrorCode::IdentityRequired
        | ErrorCode::OutOfStock
        | ErrorCode::SingleLimitExceeded
        | ErrorCode::AnnualLimitExceeded
        | ErrorCode::WeightCapExceeded) => code,
        _ => ErrorCode::NotForSale,
    };
    let (product_id, remaining) = (p.product_id.clone(), p.remaining.clone());
    AppError::refused(code, kind, p.message.clone()).with(|r| {
        r.product_id = product_id;
        r.remaining = remaining;
    })
}

fn checkout_refusal(refusal: CheckoutRefusal) -> AppError {
    match refusal {
        CheckoutRefusal::OutOfStock { product_id, available } => AppError::refused(
            ErrorCode::OutOfStock,
            RefusalKind::Conflict,
            format!("only {available} left of a product in your cart"),
        )
        .with(|r| r.product_id = Some(product_id.to_string())),
        CheckoutRefusal::Changed { product_id } => AppError::refused(
            ErrorCode::NotForSale,
            RefusalKind::Conflict,
            "a product changed (price, availability) since the quote; review the cart",
        )
        .with(|r| r.product_id = Some(product_id.to_string())),
        CheckoutRefusal::AnnualLimit { remaining } => AppError::refused(
            ErrorCode::AnnualLimitExceeded,
            RefusalKind::Unprocessable,
            format!("this would pass your 26,000.00 CNY annual limit: {remaining} CNY remain this year"),
        )
        .with(|r| r.remaining = Some(remaining.to_string())),
        CheckoutRefusal::WeightCap { hs_prefix, remaining_g } => AppError::refused(
            ErrorCode::WeightCapExceeded,
            RefusalKind::Unprocessable,
            format!("this would pass your yearly cap on goods under HS {hs_prefix}: {remaining_g} g remain this year"),
        ),
        CheckoutRefusal::CartCheckedOut => {
            AppError::Conflict { message: "this cart was checked out already".into(), field: Some("cart_id") }
        }
        CheckoutRefusal::KeyLost => AppError::Conflict {
            message: "another request with this Idempotency-Key finished first; read its answer by retrying".into(),
            field: None,
        },
    }
}

fn sandbox() -> PaymentMethod {
    PaymentMethod::Sandbox
}

/// The answer to a checkout as it stands when its transaction commits: captured and
/// paid (the sandbox), or pending and awaiting payment (a wallet, whose action is
/// added once its session is open).
fn build_checkout_view(
    payment_id: PaymentId,
    priced: &PricedCart,
    order_ids: &[OrderId],
    method: PaymentMethod,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> CheckoutView {
    let (payment_status, order_status) = match method {
        PaymentMethod::Sandbox => (PaymentStatus::Captured, OrderStatus::Paid),
        _ => (PaymentStatus::Pending, OrderStatus::AwaitingPayment),
    };
    let orders = priced
        .orders
        .iter()
        .zip(order_ids)
        .map(|(o, id)| PlacedOrderView { id: id.to_string(), status: order_status, quote: QuoteOrderView::new(o) })
        .collect();
    CheckoutView {
        payment: PaymentView {
            id: payment_id.to_string(),
            amount: priced.total.to_string(),
            status: payment_status,
            method,
            action: None,
            expires_at,
        },
        orders,
    }
}

fn parse_choice<T>(
    v: &mut Validation,
    field: &str,
    raw: Option<&str>,
    default: T,
    parse: impl Fn(&str) -> Option<T>,
    codes: &[&str],
) -> Option<T> {
    match raw.map(str::trim) {
        None | Some("") => Some(default),
        Some(s) => match parse(s) {
            Some(value) => Some(value),
            None => {
                v.push(field, format!("must be one of {}", codes.join(", ")));
                None
            }
        },
    }
}

/// The orders of a priced cart, as the checkout transaction writes them.
fn new_orders(priced: &PricedCart, order_ids: &[OrderId], fx: gateway_core::FxRate) -> Vec<NewOrder> {
    priced
        .orders
        .iter()
        .zip(order_ids)
        .map(|(o, id)| NewOrder {
            id: *id,
            merchant_id: o.merchant.id,
            regime: o.regime.as_str().to_string(),
            fx_rate_micros: fx.micros(),
            amounts: Amounts {
                goods: o.tax.goods,
                freight: o.tax.freight,
                duty: o.tax.duty,
                consumption_tax: o.tax.consumption_tax,
                vat: o.tax.vat,
            },
            tax: o.tax.tax,
            total: o.tax.total,
            weight_g: o.weight_g,
            weight_charges: o.weight_charges.clone(),
            lines: o
                .lines
                .iter()
                .zip(&o.tax.lines)
                .map(|(l, t)| OrderLine {
                    product_id: l.product.id,
                    sku: l.product.fields.sku.clone(),
                    title_en: l.product.fields.title_en.clone(),
                    title_zh: l.product.fields.title_zh.clone(),
                    tax_class: l.product.fields.tax_class.clone(),
                    hs_code: l.product.fields.hs_code.clone(),
                    quantity: l.quantity,
                    unit_price_usd_cents: l.product.fields.price.minor(),
                    unit_price: l.unit_price,
                    amounts: Amounts {
                        goods: t.goods,
                        freight: t.freight,
                        duty: t.duty,
                        consumption_tax: t.consumption_tax,
                        vat: t.vat,
                    },
                })
                .collect(),
        })
        .collect()
}

impl App {
    /// Checks out `input.cart_id` for `who`. The same key and body give the same
    /// answer without a second charge; the same key with another body is refused.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id))]
    pub async fn checkout(&self, who: &Principal, key: Option<&str>, input: CheckoutInput) -> AppResult<CheckoutView> {
        who.require(Role::Consumer)?;
        let key = match key.map(str::trim) {
            Some(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| b.is_ascii_graphic()) => k,
            _ => {
                return Err(AppError::field(
                    "Idempotency-Key",
                    "send a unique Idempotency-Key header (1–255 visible characters) with each checkout",
                ));
            }
        };
        let mut v = Validation::new();
        let cart_id =
            v.required("cart_id", input.cart_id.as_deref(), |s| s.parse::<CartId>().map_err(|_| "is not a cart id"));
        let address = match parse_address(input.address.as_ref()) {
            Ok(a) => Some(a),
            Err(errors) => {
                for e in errors {
                    v.push(&e.field, e.message);
                }
                None
            }
        };
        let offered = self.payment_methods();
        let method = parse_choice(
            &mut v,
            "payment_method",
            input.payment_method.as_deref(),
            PaymentMethod::Sandbox,
            |s| PaymentMethod::parse(s).ok().filter(|m| offered.contains(m)),
            &offered.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        );
        let device = parse_choice(
            &mut v,
            "device",
            input.device.as_deref(),
            PaymentDevice::Desktop,
            |s| PaymentDevice::parse(s).ok(),
            PaymentDevice::CODES,
        );
        let (cart_id, address, payment) =
            v.finish(|| Some((cart_id?, address?, PaymentChoice { method: method?, device: device? })))?;

        let request_hash = Sha256::digest(serde_json::to_vec(&input).unwrap_or_default()).to_vec();
        match self.store.claim_idempotency(who.user_id, key, &request_hash, gateway_core::clock::now()).await? {
            IdempotencyClaim::Claimed => {}
            IdempotencyClaim::Completed { request_hash: h, response } if h == request_hash => {
                let view: CheckoutView = serde_json::from_str(&response)
                    .map_err(|e| AppError::Internal(gateway_store::StoreError::backend(e)))?;
                return self.as_it_stands(view).await;
            }
            IdempotencyClaim::InProgress { request_hash: h } if h == request_hash => {
                return Err(AppError::CheckoutInProgress);
            }
            _ => {
                return Err(AppError::refused(
                    ErrorCode::IdempotencyConflict,
                    RefusalKind::Unprocessable,
                    "this Idempotency-Key was used for a different checkout; use a new key",
                ));
            }
        }
        let result = self.place(who, key, &request_hash, cart_id, address, payment).await;
        if result.is_err() {
            // Refused: the key is free again for a corrected retry.
            self.store.release_idempotency(who.user_id, key).await?;
        }
        result
    }

    async fn place(
        &self,
        who: &Principal,
        key: &str,
        request_hash: &[u8],
        cart_id: CartId,
        address: Address,
        PaymentChoice { method, device }: PaymentChoice,
    ) -> AppResult<CheckoutView> {
        let cart = self.accessible_cart(Some(who), cart_id).await?;
        if cart.checked_out_at.is_some() {
            return Err(checkout_refusal(CheckoutRefusal::CartCheckedOut));
        }
        if cart.items.is_empty() {
            return Err(AppError::field("cart_id", "the cart is empty"));
        }
        let buyer = self.verified_buyer(who).await?;
        let priced = self.price_cart(&cart, Some(&buyer)).await?;
        if let Some(problem) = priced.problems.first() {
            return Err(problem_refusal(problem));
        }
        let Some(fx) = priced.fx else { return Err(AppError::NotFound("exchange rate")) };

        let payment_id = PaymentId::new();
        let order_ids: Vec<OrderId> = priced.orders.iter().map(|_| OrderId::new()).collect();
        let now = gateway_core::clock::now();
        let (payment, expires_at) = match method {
            PaymentMethod::Sandbox => (None, None),
            _ => {
                let timing = self.wallets.timing;
                let expires_at = now + timing.expiry;
                let check_at = (now + timing.check_after).min(expires_at);
                (Some(CheckoutPayment::Pending { method, device, expires_at, check_at }), Some(expires_at))
            }
        };
        let view = build_checkout_view(payment_id, &priced, &order_ids, method, expires_at);
        let response =
            serde_json::to_string(&view).map_err(|e| AppError::Internal(gateway_store::StoreError::backend(e)))?;

        // The sandbox captures before the transaction (and refunds if it refuses); a
        // wallet's payment is written pending first, and its session opened after.
        let (payment, charge) = match payment {
            Some(pending) => (pending, None),
            None => {
                let charge = self
                    .payments
                    .charge(ChargeRequest {
                        payment_id,
                        amount: priced.total,
                        payer_id_number_hash: buyer.id_number_hash.clone(),
                    })
                    .await
                    .map_err(|e| {
                        AppError::refused(ErrorCode::PaymentFailed, RefusalKind::Unprocessable, e.to_string())
                    })?;
                if charge.payer_id_number_hash != buyer.id_number_hash {
                    self.refund(&charge.provider_ref, priced.total).await;
                    return Err(AppError::refused(
                        ErrorCode::PayerMismatch,
                        RefusalKind::Unprocessable,
                        "the payer must be the buyer whose identity was verified (cross-border rules)",
                    ));
                }
                (CheckoutPayment::Captured { provider_ref: charge.provider_ref.clone() }, Some(charge))
            }
        };

        let orders = new_orders(&priced, &order_ids, fx);
        let checkout = NewCheckout {
            cart_id,
            buyer_id: who.user_id,
            payment_id,
            amount: priced.total,
            provider: match method {
                PaymentMethod::Sandbox => self.payments.name().to_string(),
                wallet => wallet.as_str().to_string(),
            },
            payment,
            id_number_hash: buyer.id_number_hash.clone(),
            quota_year: quota_year(),
            quota_limit: ANNUAL_LIMIT,
            address,
            orders,
            idempotency_key: key.to_string(),
            request_hash: request_hash.to_vec(),
            response,
            created_at: now,
        };
        let placed = self.store.place_checkout(checkout).await;
        if let (Some(charge), false) = (&charge, matches!(placed, Ok(Ok(())))) {
            self.refund(&charge.provider_ref, priced.total).await;
        }
        match placed {
            Ok(Ok(())) => {
                tracing::info!(payment.id = %payment_id, orders = order_ids.len(), method = method.as_str(), "checkout placed");
                self.catalog_changed();
            }
            Ok(Err(refusal)) => return Err(checkout_refusal(refusal)),
            Err(error) => return Err(error.into()),
        }
        if charge.is_some() {
            return Ok(view);
        }
        self.payments_wake.notify_one();
        let payment = self.store.payment(payment_id).await?.ok_or(AppError::NotFound("payment"))?;
        let action = self.open_wallet_session(&payment).await?;
        Ok(CheckoutView {
            payment: PaymentView { action: Some(PaymentActionView::new(&action)), ..view.payment },
            ..view
        })
    }

    /// A stored checkout answer brought up to date: a wallet payment's status, its
    /// orders' and its action (its session reopened, with the same id, if a crash or
    /// a time-out came between the transaction and the wallet's answer).
    async fn as_it_stands(&self, view: CheckoutView) -> AppResult<CheckoutView> {
        if view.payment.method == PaymentMethod::Sandbox {
            return Ok(view);
        }
        let id: PaymentId = view.payment.id.parse().map_err(|_| AppError::NotFound("payment"))?;
        let payment = self.store.payment(id).await?.ok_or(AppError::NotFound("payment"))?;
        let action = match (&payment.action, payment.status) {
            (Some(action), _) => Some(action.clone()),
            (None, PaymentStatus::Pending) => Some(self.open_wallet_session(&payment).await?),
            // The wallet refused the session: the first answer's refusal, again.
            (None, PaymentStatus::Failed) => return Err(session_refused("the wallet refused the payment")),
            (None, _) => None,
        };
        let mut orders = Vec::with_capacity(view.orders.len());
        for mut order in view.orders {
            if let Ok(id) = order.id.parse::<OrderId>()
                && let Some(current) = self.store.order(id).await?
            {
                order.status = current.status;
            }
            orders.push(order);
        }
        Ok(CheckoutView {
            payment: PaymentView {
                status: payment.status,
                action: action.as_ref().map(PaymentActionView::new),
                ..view.payment
            },
            orders,
        })
    }

    /// Refunds through the provider; a failure is logged for an operator to settle
    /// (the sandbox never fails).
    pub(crate) async fn refund(&self, provider_ref: &str, amount: gateway_core::Cny) {
        if let Err(error) = self.payments.refund(provider_ref, amount).await {
            tracing::error!(payment.provider_ref = provider_ref, %error, "refund failed: settle it by hand");
        }
    }
}
