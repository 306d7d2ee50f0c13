//! Checkout (SPEC 6): one payment and one order per merchant, all or nothing, exactly
//! once per Idempotency-Key.

use crate::carts::QuoteOrderView;
use crate::error::RefusalKind;
use crate::identity::quota_year;
use crate::payments::ChargeRequest;
use crate::pricing::{PricedCart, Problem};
use crate::{App, AppError, AppResult, ErrorCode, Principal};
use gateway_core::identity::Phone;
use gateway_core::order::OrderStatus;
use gateway_core::payment::PaymentStatus;
use gateway_core::tax::ANNUAL_LIMIT;
use gateway_core::text::bounded;
use gateway_core::user::Role;
use gateway_core::{CartId, OrderId, PaymentId, Validation};
use gateway_store::{Address, Amounts, CheckoutRefusal, IdempotencyClaim, NewCheckout, NewOrder, OrderLine};
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
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: String,
    pub amount: String,
    #[schema(value_type = String)]
    pub status: PaymentStatus,
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

fn build_checkout_view(payment_id: PaymentId, priced: &PricedCart, order_ids: &[OrderId]) -> CheckoutView {
    let orders = priced
        .orders
        .iter()
        .zip(order_ids)
        .map(|(o, id)| PlacedOrderView { id: id.to_string(), status: OrderStatus::Paid, quote: QuoteOrderView::new(o) })
        .collect();
    CheckoutView {
        payment: PaymentView {
            id: payment_id.to_string(),
            amount: priced.total.to_string(),
            status: PaymentStatus::Captured,
        },
        orders,
    }
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
        let (cart_id, address) = v.finish(|| Some((cart_id?, address?)))?;

        let request_hash = Sha256::digest(serde_json::to_vec(&input).unwrap_or_default()).to_vec();
        match self.store.claim_idempotency(who.user_id, key, &request_hash, gateway_core::clock::now()).await? {
            IdempotencyClaim::Claimed => {}
            IdempotencyClaim::Completed { request_hash: h, response } if h == request_hash => {
                return serde_json::from_str(&response)
                    .map_err(|e| AppError::Internal(gateway_store::StoreError::backend(e)));
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
        let result = self.place(who, key, &request_hash, cart_id, address).await;
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
        let view = build_checkout_view(payment_id, &priced, &order_ids);
        let response =
            serde_json::to_string(&view).map_err(|e| AppError::Internal(gateway_store::StoreError::backend(e)))?;

        let charge = self
            .payments
            .charge(ChargeRequest {
                payment_id,
                amount: priced.total,
                payer_id_number_hash: buyer.id_number_hash.clone(),
            })
            .await
            .map_err(|e| AppError::refused(ErrorCode::PaymentFailed, RefusalKind::Unprocessable, e.to_string()))?;
        if charge.payer_id_number_hash != buyer.id_number_hash {
            self.refund(&charge.provider_ref, priced.total).await;
            return Err(AppError::refused(
                ErrorCode::PayerMismatch,
                RefusalKind::Unprocessable,
                "the payer must be the buyer whose identity was verified (cross-border rules)",
            ));
        }

        let orders = priced
            .orders
            .iter()
            .zip(&order_ids)
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
            .collect();
        let checkout = NewCheckout {
            cart_id,
            buyer_id: who.user_id,
            payment_id,
            amount: priced.total,
            provider: self.payments.name().to_string(),
            provider_ref: charge.provider_ref.clone(),
            id_number_hash: buyer.id_number_hash.clone(),
            quota_year: quota_year(),
            quota_limit: ANNUAL_LIMIT,
            address,
            orders,
            idempotency_key: key.to_string(),
            request_hash: request_hash.to_vec(),
            response,
            created_at: gateway_core::clock::now(),
        };
        match self.store.place_checkout(checkout).await {
            Ok(Ok(())) => {
                tracing::info!(payment.id = %payment_id, orders = order_ids.len(), "checkout placed");
                self.catalog_changed();
                Ok(view)
            }
            Ok(Err(refusal)) => {
                self.refund(&charge.provider_ref, priced.total).await;
                Err(checkout_refusal(refusal))
            }
            Err(error) => {
                self.refund(&charge.provider_ref, priced.total).await;
                Err(error.into())
            }
        }
    }

    /// Refunds through the provider; a failure is logged for an operator to settle
    /// (the sandbox never fails).
    pub(crate) async fn refund(&self, provider_ref: &str, amount: gateway_core::Cny) {
        if let Err(error) = self.payments.refund(provider_ref, amount).await {
            tracing::error!(payment.provider_ref = provider_ref, %error, "refund failed: settle it by hand");
        }
    }
}
