//! Gateway's storage contract. Each trait method is one use case that owns its
//! transaction, so callers never hold a transaction across an await of their own and
//! both backends (SQLite, PostgreSQL) decide locking the way their engine needs.
//!
//! This crate knows no driver: the backends live in `gateway-sqlite` and
//! `gateway-postgres`, and `gateway-store-conformance` runs the same scenarios
//! against each.

mod admin;
mod bulk_load;
mod buy;
mod error;
mod events;
mod food_readiness;
mod impact;
mod imports;
mod merchant_portal;
mod payments;
mod records;
mod search_feed;
mod sourcing;
mod storefront;

pub use admin::{AdminStore, FreightSettings, TaxClassUpdate};
pub use bulk_load::{BulkBatch, BulkLoadStore, BulkMerchant, CATALOG_RELOADED};
pub use buy::*;
pub use error::{StoreError, StoreResult};
pub use events::{CheckInRefused, Event, EventStore, NewEvent, NewRegistration, Registration, StateRegistrations};
pub use food_readiness::{FoodReadinessData, FoodReadinessStore, ReadinessAck};
pub use impact::{
    ExportGroup, HeadcountReport, ImpactData, ImpactStore, MonthValue, ReportedJobs, SmeGroup, YearMonth,
};
pub use imports::{ImportStore, ProductImport};
pub use merchant_portal::{ExportData, MerchantPortalStore, OrderSales, ProductReadiness, ProductSales, StatusSales};
pub use payments::*;
pub use records::*;
pub use search_feed::{CatalogEntry, SearchFeedStore};
pub use sourcing::{
    BuyerProfileRecord, NewMatch, NewSourcingRequest, Notification, NotificationKind, RequestScope, SourcingMatch,
    SourcingOffer, SourcingRequest, SourcingStore, ThreadMessage,
};
pub use storefront::{StateCount, StorefrontStore};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::merchant::MerchantStatus;
use gateway_core::tax_class::TaxClass;
use gateway_core::user::Email;
use gateway_core::{CartId, Cny, FxRate, MerchantId, OrderId, ProductId, UserId};

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Fails with `Conflict("email")` when the address is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    /// Creates `user` (an operator) only when no operator exists yet, atomically.
    /// Returns whether it was created.
    async fn create_first_operator(&self, user: NewUser) -> StoreResult<bool>;
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// The user behind a live session (not expired at `now`).
    async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
}

#[async_trait]
pub trait MerchantStore: Send + Sync {
    /// Fails with `Conflict("owner")` when the user already has a merchant.
    async fn create_merchant(&self, merchant: NewMerchant) -> StoreResult<Merchant>;
    async fn merchant(&self, id: MerchantId) -> StoreResult<Option<Merchant>>;
    /// The merchants among `ids` that exist, in no particular order: one query for a
    /// cart's merchants, however many.
    async fn merchants_by_ids(&self, ids: &[MerchantId]) -> StoreResult<Vec<Merchant>>;
    /// Saves the profile fields of `merchant` (everything but owner, status and
    /// created_at, which have their own paths) and, in the same transaction, re-runs
    /// the listing check of its products (its food registration and fulfilment mode
    /// take part in it); `NotFound` when absent.
    async fn update_merchant(&self, merchant: Merchant) -> StoreResult<Merchant>;
    async fn merchant_by_owner(&self, owner: UserId) -> StoreResult<Option<Merchant>>;
    /// Moves the merchant from `from` to `to` only if it is still in `from`: fails
    /// with `Stale` when someone else changed it first, `NotFound` when absent.
    async fn set_merchant_status(
        &self,
        id: MerchantId,
        from: MerchantStatus,
        to: MerchantStatus,
    ) -> StoreResult<Merchant>;
    async fn list_merchants(&self, status: Option<MerchantStatus>, page: PageRequest) -> StoreResult<Page<Merchant>>;
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    async fn tax_classes(&self) -> StoreResult<Vec<TaxClass>>;
    async fn tax_class(&self, code: &str) -> StoreResult<Option<TaxClass>>;
    /// The positive-list line that decides for `hs_code`: the longest prefix of it.
    async fn positive_list_entry_for(
        &self,
        hs_code: &str,
    ) -> StoreResult<Option<gateway_core::positive_list::PositiveListEntry>>;
    /// Fails with `Conflict("sku")` when the merchant already has the SKU. Writes a
    /// `product.created` outbox event in the same transaction.
    async fn create_product(&self, product: NewProduct) -> StoreResult<Product>;
    async fn product(&self, id: ProductId) -> StoreResult<Option<Product>>;
    /// Saves every field of `product` if its `version` is still the stored one
    /// (optimistic concurrency: `Stale` otherwise), bumps the version and writes a
    /// `product.updated` outbox event.
    async fn update_product(&self, product: Product) -> StoreResult<Product>;
    /// A merchant's products in id order; `for_sale_only` keeps the listed products
    /// of an active merchant, as the public sees them.
    async fn list_products(
        &self,
        merchant: MerchantId,
        for_sale_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Product>>;
}

/// Outbox topics of the reference data every price is made of: the FX rate, a tax
/// class, the freight rates. Each server caches that data and drops its copy when its
/// outbox follower reads one of these; their aggregate id is the nil UUID (the
/// platform's settings), the payload says what changed.
pub const FX_RATE_SET: &str = "reference.fx_rate";
pub const TAX_CLASS_UPDATED: &str = "reference.tax_class";
pub const FREIGHT_RATES_SET: &str = "reference.freight_rates";
/// The topic family of the three above (the part before the dot).
pub const REFERENCE_TOPICS: &str = "reference";

#[async_trait]
pub trait FxStore: Send + Sync {
    /// Records a new USD→CNY rate, and its `FX_RATE_SET` event; earlier rates stay as
    /// history.
    async fn set_fx_rate(&self, rate: FxRate, set_by: UserId, as_of: DateTime<Utc>) -> StoreResult<FxQuote>;
    async fn current_fx_rate(&self) -> StoreResult<Option<FxQuote>>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Unprocessed events, oldest first.
    async fn pending_outbox(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>>;
    /// Claims for `worker`, until `until`, up to `limit` of the oldest unprocessed
    /// events that no one holds (never claimed, or a claim that ran out before `now`),
    /// oldest first. Concurrent claimers get disjoint events: on PostgreSQL each skips
    /// the rows another is claiming; SQLite runs one writer at a time.
    async fn claim_outbox(
        &self,
        worker: &str,
        limit: u32,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<OutboxEvent>>;
    /// Marks those of `ids` that `worker` still holds processed by it; returns how many.
    /// An event whose claim ran out and was taken by another worker is not marked.
    async fn complete_outbox(&self, worker: &str, ids: &[i64], now: DateTime<Utc>) -> StoreResult<u64>;
    /// How many events wait to be processed.
    async fn outbox_backlog(&self) -> StoreResult<i64>;
}

#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// Creates or replaces the consumer's identity.
    async fn save_identity(&self, identity: IdentityRecord) -> StoreResult<()>;
    async fn identity(&self, user: UserId) -> StoreResult<Option<IdentityRecord>>;
    /// The part of the annual limit the person (by ID number hash) used in `year`.
    async fn quota_used(&self, id_number_hash: &[u8], year: i32) -> StoreResult<Cny>;
    /// The grams the person imported in `year` under each capped positive-list line
    /// (by the line's prefix); lines with nothing used are absent.
    async fn weight_cap_used(&self, id_number_hash: &[u8], year: i32) -> StoreResult<Vec<(String, i64)>>;
}

#[async_trait]
pub trait CartStore: Send + Sync {
    async fn create_cart(&self, id: CartId, owner: Option<UserId>, at: DateTime<Utc>) -> StoreResult<()>;
    async fn cart(&self, id: CartId) -> StoreResult<Option<Cart>>;
    /// Sets a line's quantity; 0 removes it. The cart must not be checked out
    /// (`Stale`); a quantity of a product that does not exist is `NotFound`.
    async fn set_cart_item(
        &self,
        cart: CartId,
        product: ProductId,
        quantity: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Adds `quantity` (at least 1) units of `product` to the cart's line, making the
    /// line if there is none, in one statement: adds that race all count. The line
    /// holds at most `max` units; an add beyond leaves it at `max`. The line's
    /// quantity now. `Stale` and `NotFound` as for [`set_cart_item`](Self::set_cart_item).
    async fn add_cart_item(
        &self,
        cart: CartId,
        product: ProductId,
        quantity: i64,
        max: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Gives an owner-less cart to `owner` (at sign-in or checkout).
    async fn claim_cart(&self, cart: CartId, owner: UserId) -> StoreResult<()>;
    /// The products with these ids that exist, in any order.
    async fn products_by_ids(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>>;
    async fn freight_rates(&self) -> StoreResult<FreightTable>;
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Claims `key` for `user`'s request with `request_hash`, or says what holds it.
    async fn claim_idempotency(
        &self,
        user: UserId,
        key: &str,
        request_hash: &[u8],
        at: DateTime<Utc>,
    ) -> StoreResult<IdempotencyClaim>;
    /// Gives a claimed key back after a refused checkout, so it can be retried.
    async fn release_idempotency(&self, user: UserId, key: &str) -> StoreResult<()>;
    /// Writes the whole checkout in one transaction: takes the stock conditionally,
    /// charges the quota conditionally, writes payment, orders, lines and outbox rows,
    /// marks the cart checked out and stores the answer under the idempotency key.
    /// All or nothing: a refusal rolls everything back.
    async fn place_checkout(&self, checkout: NewCheckout) -> StoreResult<Result<(), CheckoutRefusal>>;
    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>>;
    /// Newest first.
    async fn orders_of_buyer(&self, buyer: UserId, page: PageRequest) -> StoreResult<Page<Order>>;
    async fn orders_of_merchant(&self, merchant: MerchantId, page: PageRequest) -> StoreResult<Page<Order>>;
    /// `Stale` when the order is no longer in `change.from`.
    async fn change_order_status(&self, change: OrderStatusChange) -> StoreResult<Order>;
}

/// Everything a Gateway server needs from its database.
#[async_trait]
pub trait Store:
    AccountStore
    + MerchantStore
    + CatalogStore
    + FxStore
    + OutboxStore
    + IdentityStore
    + CartStore
    + OrderStore
    + PaymentStore
    + SearchFeedStore
    + StorefrontStore
    + AdminStore
    + MerchantPortalStore
    + ImpactStore
    + FoodReadinessStore
    + ImportStore
    + EventStore
    + SourcingStore
    + BulkLoadStore
{
    /// Which engine this is, for logs and /healthz: "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// True when the database holds no merchant, product or non-operator account:
    /// the only state in which demo data may be loaded.
    async fn is_pristine(&self) -> StoreResult<bool>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
}
