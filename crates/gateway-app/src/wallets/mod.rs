//! The wallet port (issue 20), shaped around what real wallets do: open a session the
//! shopper pays in, tell the result later in a signed notification (or to an
//! inquiry), refund, and declare a payment to customs. Every call carries an id that
//! Gateway stored before calling (the payment's, the refund's, the declaration's), so
//! that repeating a call after a crash or a time-out repeats the same request at the
//! provider, never a second one.
//!
//! Adapters: [`antom`] (Alipay through Antom), [`wechat_pay`], and [`sandbox`], the
//! sandbox as a wallet paid on Gateway's own page. The plain sandbox, which captures
//! inside the checkout request, stays behind [`crate::payments`].

pub mod antom;
pub mod sandbox;
pub mod wechat_pay;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gateway_core::payment::{DeclarationStatus, PaymentDevice, PaymentMethod};
use gateway_core::{Cny, PaymentId, RefundId};
use gateway_store::PaymentAction;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a provider's failure lets Gateway conclude.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The request never reached the provider: sending it again is safe.
    #[error("the provider was not reached: {0}")]
    Retry(String),
    /// The provider refused: the request did not and will not take effect.
    #[error("the provider refused: {0}")]
    Failed(String),
    /// It may have taken effect: only an inquiry can tell.
    #[error("the outcome is unknown: {0}")]
    Unknown(String),
}

impl From<gateway_wallets::CallError> for ProviderError {
    fn from(e: gateway_wallets::CallError) -> Self {
        use gateway_wallets::CallError;
        match e {
            CallError::Retry(m) => ProviderError::Retry(m),
            CallError::Failed { code, message } => ProviderError::Failed(format!("{code}: {message}")),
            CallError::Unknown(m) => ProviderError::Unknown(m),
        }
    }
}

/// A payment session to open at the wallet.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    pub payment_id: PaymentId,
    pub amount: Cny,
    pub device: PaymentDevice,
    pub expires_at: DateTime<Utc>,
    /// What the wallet shows the shopper as the purchase.
    pub description: String,
    /// Where the wallet sends the shopper back.
    pub return_url: String,
    /// The shopper's IP address, which WeChat Pay's H5 requires (not known to the
    /// JSON API's checkout, so None there: a QR code is shown instead).
    pub payer_ip: Option<String>,
}

/// Where a payment stands at the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletResult {
    /// Paid: the provider's id of the payment and the amount it took.
    Paid { provider_ref: String, amount: Cny },
    /// Refused, cancelled at the wallet, or closed unpaid.
    Failed,
    /// Not paid yet.
    Pending,
}

/// A verified notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletNews {
    Payment { payment_id: PaymentId, result: WalletResult },
    Refund { refund_id: RefundId, succeeded: bool, provider_ref: Option<String> },
}

/// A refund to send, by its stored id.
#[derive(Debug, Clone)]
pub struct RefundCall {
    pub refund_id: RefundId,
    pub payment_id: PaymentId,
    /// The provider's id of the payment.
    pub provider_ref: String,
    pub amount: Cny,
    /// The whole payment, which some providers want beside the refund.
    pub payment_amount: Cny,
    pub reason: String,
}

/// Where a refund stands after the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    Succeeded {
        provider_ref: Option<String>,
    },
    /// Accepted; a notification (or a later call with the same id) tells the end.
    Processing {
        provider_ref: Option<String>,
    },
}

/// One order's payment declared to customs, with the buyer's certificate.
#[derive(Clone)]
pub struct DeclarationCall {
    pub id: String,
    pub payment_id: PaymentId,
    pub provider_ref: String,
    pub order_id: gateway_core::OrderId,
    /// The order's total, of which `freight` is the freight.
    pub amount: Cny,
    pub freight: Cny,
    pub customs_code: String,
    pub merchant_customs_code: String,
    pub merchant_customs_name: String,
    pub buyer_name: String,
    pub buyer_id_number: String,
}

/// The buyer's ID number stays out of logs.
impl fmt::Debug for DeclarationCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeclarationCall")
            .field("id", &self.id)
            .field("order_id", &self.order_id)
            .finish_non_exhaustive()
    }
}

/// What the provider or customs said of a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationAnswer {
    pub status: DeclarationStatus,
    pub customs_payment_id: Option<String>,
    pub result_code: Option<String>,
    pub result_desc: Option<String>,
    /// Refused because the payer is not the buyer.
    pub payer_mismatch: bool,
}

/// A notification's HTTP headers, by lower-case name.
pub type Headers = BTreeMap<String, String>;

#[async_trait]
pub trait Wallet: Send + Sync {
    fn method(&self) -> PaymentMethod;
    /// Opens the session the shopper pays in: a QR code on a desktop, a redirect on a
    /// phone. Idempotent by the payment's id.
    async fn open_session(&self, request: &SessionRequest) -> Result<PaymentAction, ProviderError>;
    /// Where the payment stands at the wallet.
    async fn inquire(&self, payment: PaymentId) -> Result<WalletResult, ProviderError>;
    async fn refund(&self, call: &RefundCall) -> Result<RefundOutcome, ProviderError>;
    /// Sends a declaration; its verdict may come now or to [`Wallet::inquire_declaration`].
    async fn declare(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError>;
    async fn inquire_declaration(&self, call: &DeclarationCall) -> Result<DeclarationAnswer, ProviderError>;
    /// Verifies a notification that arrived at `path` and reads it.
    fn read_notification(&self, path: &str, headers: &Headers, body: &str) -> Result<WalletNews, String>;
    /// The body the provider expects once a notification is stored (its content type
    /// is JSON).
    fn notification_answer(&self) -> String;
}

/// The wallets this server offers, by method, and how their payments are timed.
#[derive(Clone)]
pub struct Wallets {
    /// `GATEWAY_PAYMENT_METHODS`, in its order.
    pub methods: Vec<PaymentMethod>,
    pub by_method: BTreeMap<&'static str, Arc<dyn Wallet>>,
    pub timing: PaymentTiming,
    /// `GATEWAY_PUBLIC_URL`, without a trailing slash: the base of return URLs.
    pub public_url: String,
    /// The customs office payments are declared to (Antom's `customsCode`).
    pub customs_office: String,
}

/// How long a payment may stay pending, and how often the job asks about it.
#[derive(Debug, Clone, Copy)]
pub struct PaymentTiming {
    /// An unpaid checkout expires this long after it was placed (30 minutes).
    pub expiry: chrono::Duration,
    /// A pending payment is first inquired this long after its session opened, in
    /// case its notification was lost, and again as often until it ends.
    pub check_after: chrono::Duration,
    /// How often the job looks for due work.
    pub poll: std::time::Duration,
}

impl Default for PaymentTiming {
    fn default() -> Self {
        PaymentTiming {
            expiry: chrono::Duration::minutes(30),
            check_after: chrono::Duration::minutes(2),
            poll: std::time::Duration::from_secs(2),
        }
    }
}

impl Default for Wallets {
    /// The sandbox alone.
    fn default() -> Self {
        Wallets {
            methods: vec![PaymentMethod::Sandbox],
            by_method: BTreeMap::new(),
            timing: PaymentTiming::default(),
            public_url: "http://127.0.0.1:8080".into(),
            customs_office: "ZONGSHU".into(),
        }
    }
}

impl fmt::Debug for Wallets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallets").field("methods", &self.methods).field("timing", &self.timing).finish_non_exhaustive()
    }
}

impl Wallets {
    pub fn offers(&self, method: PaymentMethod) -> bool {
        self.methods.contains(&method)
    }

    /// The wallet of an offered method other than the sandbox.
    pub fn wallet(&self, method: PaymentMethod) -> Option<&Arc<dyn Wallet>> {
        self.by_method.get(method.as_str())
    }

    /// With the sandbox offered, the sandbox wallet is too.
    pub fn with_sandbox_wallet(self) -> Self {
        if !self.offers(PaymentMethod::Sandbox) && !self.offers(PaymentMethod::SandboxWallet) {
            return self;
        }
        let wallet = Arc::new(sandbox::SandboxWallet::new(&self.public_url));
        self.with_wallet(wallet)
    }

    pub fn with_wallet(mut self, wallet: Arc<dyn Wallet>) -> Self {
        let method = wallet.method();
        if !self.methods.contains(&method) {
            self.methods.push(method);
        }
        self.by_method.insert(method.as_str(), wallet);
        self
    }
}
