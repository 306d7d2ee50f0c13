//! Gateway's use cases. The JSON API and the HTML pages call these functions and
//! nothing else: every rule about who may do what, and every validation, lives here
//! or in gateway-core, once.

pub mod admin;
pub mod auth;
pub mod carts;
pub mod checkout;
pub mod customs;
pub mod dispatch;
pub mod error;
pub mod events;
pub mod export_ready;
pub mod food_readiness;
pub mod fx;
pub mod identity;
pub mod impact;
pub mod import;
pub mod input;
pub mod merchant_portal;
pub mod merchants;
pub mod orders;
pub mod pagination;
pub mod payments;
pub mod positive_list;
pub mod pricing;
pub mod products;
pub mod reference;
pub mod sales;
pub mod scenarios;
pub mod search;
pub mod search_page;
pub mod secrets;
pub mod seed;
pub mod sourcing;
pub mod storefront;
pub mod tax_classes;
pub mod vault;
pub mod wallet_payments;
pub mod wallets;

pub use auth::Principal;
pub use error::{AppError, AppResult, ErrorCode};

use gateway_store::Store;
use std::sync::Arc;

/// The application: a store and the settings the use cases need. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    settings: Arc<AppSettings>,
    vault: Arc<vault::IdentityVault>,
    payments: Arc<dyn payments::PaymentProvider>,
    /// The wallets offered besides the sandbox, and how their payments are timed.
    wallets: Arc<wallets::Wallets>,
    /// Wakes the payment job when a request left work for it.
    payments_wake: Arc<tokio::sync::Notify>,
    /// This server's catalog index, kept in step by `follow_outbox`.
    search: Arc<gateway_search::SearchIndex>,
    /// Wakes the follower when this server changed the catalog.
    search_wake: Arc<tokio::sync::Notify>,
    /// Where this server's index stands in the outbox; held while the index changes.
    search_feed: Arc<tokio::sync::Mutex<search::Feed>>,
    /// Where the outbox's events go (`dispatch`).
    sink: Arc<dyn dispatch::EventSink>,
    /// This process's name in the outbox's claims: unique per start.
    worker_id: Arc<str>,
    /// Events this process delivered.
    delivered: Arc<std::sync::atomic::AtomicU64>,
    /// This server's copy of the FX rate, tax classes and freight rates.
    reference: Arc<reference::ReferenceCache>,
}

#[derive(Clone)]
pub struct AppSettings {
    /// How long a bearer token or a session cookie stays valid.
    pub session_ttl: chrono::Duration,
    /// The master key of the identity vault (from configuration).
    pub identity_key: [u8; 32],
    /// The customs registrations the CEB documents name (placeholders by default).
    pub customs: customs::CustomsSettings,
}

impl std::fmt::Debug for AppSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppSettings").field("session_ttl", &self.session_ttl).finish_non_exhaustive()
    }
}

impl AppSettings {
    pub fn new(identity_key: [u8; 32]) -> Self {
        Self { session_ttl: chrono::Duration::days(30), identity_key, customs: customs::CustomsSettings::default() }
    }
}

impl App {
    /// An app over `store` searching `search`, paying through the sandbox provider.
    pub fn new(store: Arc<dyn Store>, settings: AppSettings, search: Arc<gateway_search::SearchIndex>) -> Self {
        let vault = Arc::new(vault::IdentityVault::new(&settings.identity_key));
        Self {
            store,
            settings: Arc::new(settings),
            vault,
            payments: Arc::new(payments::SandboxProvider),
            wallets: Arc::default(),
            payments_wake: Arc::new(tokio::sync::Notify::new()),
            search,
            search_wake: Arc::new(tokio::sync::Notify::new()),
            search_feed: Arc::default(),
            sink: Arc::new(dispatch::LogSink),
            worker_id: uuid::Uuid::now_v7().simple().to_string().into(),
            delivered: Arc::default(),
            reference: Arc::default(),
        }
    }

    /// The same app delivering outbox events to `sink`.
    pub fn with_event_sink(mut self, sink: Arc<dyn dispatch::EventSink>) -> Self {
        self.sink = sink;
        self
    }

    /// The same app paying through `provider`.
    pub fn with_payments(mut self, provider: Arc<dyn payments::PaymentProvider>) -> Self {
        self.payments = provider;
        self
    }

    /// The same app offering `wallets`.
    pub fn with_wallets(mut self, wallets: wallets::Wallets) -> Self {
        self.wallets = Arc::new(wallets);
        self
    }

    /// The payment methods this server offers, in their configured order.
    pub fn payment_methods(&self) -> &[gateway_core::payment::PaymentMethod] {
        &self.wallets.methods
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }
}
