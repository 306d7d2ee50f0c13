//! The payment methods a server offers (issue 20), from the environment by the names
//! docs/OPERATIONS.md lists: `GATEWAY_PAYMENT_METHODS`, `GATEWAY_ANTOM_*`,
//! `GATEWAY_WECHATPAY_*` and `GATEWAY_PUBLIC_URL`. A wallet that is listed must have
//! every key it needs, or the server does not start: a half-configured wallet would
//! take orders it cannot be paid for.

use anyhow::{Context, bail};
use gateway_app::wallets::antom::AntomWallet;
use gateway_app::wallets::wechat_pay::WeChatPayWallet;
use gateway_app::wallets::{PaymentTiming, Wallets};
use gateway_core::payment::PaymentMethod;
use gateway_wallets::antom::client::AntomClient;
use gateway_wallets::antom::signature::{RequestSigner, ResponseVerifier};
use gateway_wallets::wechat_pay::client::WeChatPayClient;
use gateway_wallets::wechat_pay::{ApiV3Key, MerchantSigner, PlatformVerifier};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const ANTOM_BASE_URL: &str = "https://open-sea-global.alipay.com";
const WECHATPAY_BASE_URL: &str = "https://apihk.mch.weixin.qq.com";
/// Each call to a wallet: past it, the outcome is unknown and an inquiry decides.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// What the environment says of payments, before any key file is read.
#[derive(Clone, Default)]
pub struct PaymentSettings {
    pub methods: Vec<PaymentMethod>,
    /// `GATEWAY_PUBLIC_URL`; None: `http://` and the listening address.
    pub public_url: Option<String>,
    pub antom_client_id: Option<String>,
    pub antom_private_key_file: Option<PathBuf>,
    pub antom_public_key_file: Option<PathBuf>,
    pub antom_base_url: Option<String>,
    pub wechatpay_mch_id: Option<String>,
    pub wechatpay_app_id: Option<String>,
    pub wechatpay_private_key_file: Option<PathBuf>,
    pub wechatpay_cert_serial: Option<String>,
    pub wechatpay_api_v3_key: Option<String>,
    pub wechatpay_platform_cert_file: Option<PathBuf>,
    pub wechatpay_base_url: Option<String>,
    /// `GATEWAY_PAYMENT_EXPIRY_SECONDS`: an unpaid wallet checkout is released after
    /// it (default 1800, 30 minutes).
    pub expiry_seconds: Option<i64>,
    /// `GATEWAY_PAYMENT_CHECK_SECONDS`: a pending payment is inquired this long after
    /// its session, and as often after (default 120).
    pub check_seconds: Option<i64>,
    /// `GATEWAY_CUSTOMS_PAYMENT_OFFICE`: the customs office payments are declared to
    /// (Antom's `customsCode`, default `ZONGSHU`, the General Administration).
    pub customs_office: Option<String>,
}

/// The API v3 key is a secret: only whether it is set shows.
impl fmt::Debug for PaymentSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentSettings")
            .field("methods", &self.methods)
            .field("public_url", &self.public_url)
            .field("antom_client_id", &self.antom_client_id)
            .field("antom_base_url", &self.antom_base_url)
            .field("wechatpay_mch_id", &self.wechatpay_mch_id)
            .field("wechatpay_base_url", &self.wechatpay_base_url)
            .field("wechatpay_api_v3_key", &self.wechatpay_api_v3_key.as_ref().map(|_| "<set>"))
            .field("expiry_seconds", &self.expiry_seconds)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn seconds(name: &str) -> anyhow::Result<Option<i64>> {
    match var(name) {
        None => Ok(None),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => bail!("{name}={v}: expected a whole number of seconds above 0"),
        },
    }
}

impl PaymentSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        let methods = match var("GATEWAY_PAYMENT_METHODS") {
            None => vec![PaymentMethod::Sandbox],
            Some(list) => parse_methods(&list)?,
        };
        Ok(PaymentSettings {
            methods,
            public_url: var("GATEWAY_PUBLIC_URL"),
            antom_client_id: var("GATEWAY_ANTOM_CLIENT_ID"),
            antom_private_key_file: var("GATEWAY_ANTOM_PRIVATE_KEY_FILE").map(PathBuf::from),
            antom_public_key_file: var("GATEWAY_ANTOM_PUBLIC_KEY_FILE").map(PathBuf::from),
            antom_base_url: var("GATEWAY_ANTOM_BASE_URL"),
            wechatpay_mch_id: var("GATEWAY_WECHATPAY_MCH_ID"),
            wechatpay_app_id: var("GATEWAY_WECHATPAY_APP_ID"),
            wechatpay_private_key_file: var("GATEWAY_WECHATPAY_PRIVATE_KEY_FILE").map(PathBuf::from),
            wechatpay_cert_serial: var("GATEWAY_WECHATPAY_CERT_SERIAL"),
            wechatpay_api_v3_key: var("GATEWAY_WECHATPAY_API_V3_KEY"),
            wechatpay_platform_cert_file: var("GATEWAY_WECHATPAY_PLATFORM_CERT_FILE").map(PathBuf::from),
            wechatpay_base_url: var("GATEWAY_WECHATPAY_BASE_URL"),
            expiry_seconds: seconds("GATEWAY_PAYMENT_EXPIRY_SECONDS")?,
            check_seconds: seconds("GATEWAY_PAYMENT_CHECK_SECONDS")?,
            customs_office: var("GATEWAY_CUSTOMS_PAYMENT_OFFICE"),
        })
    }

    /// The wallets, with their keys read and checked.
    pub fn wallets(&self, listening: &str) -> anyhow::Result<Wallets> {
        let public_url =
            self.public_url.clone().unwrap_or_else(|| format!("http://{listening}")).trim_end_matches('/').to_string();
        let mut timing = PaymentTiming::default();
        if let Some(s) = self.expiry_seconds {
            timing.expiry = chrono::Duration::seconds(s);
        }
        if let Some(s) = self.check_seconds {
            timing.check_after = chrono::Duration::seconds(s);
            timing.poll = Duration::from_secs(u64::try_from(s).unwrap_or(1).clamp(1, 2));
        }
        // None listed (the default settings): the sandbox, as with no variable.
        let methods = if self.methods.is_empty() { vec![PaymentMethod::Sandbox] } else { self.methods.clone() };
        let mut wallets = Wallets {
            methods,
            timing,
            public_url: public_url.clone(),
            customs_office: self.customs_office.clone().unwrap_or_else(|| "ZONGSHU".into()),
            ..Wallets::default()
        };
        if self.methods.contains(&PaymentMethod::Alipay) {
            wallets = wallets.with_wallet(Arc::new(self.antom(&public_url)?));
        }
        if self.methods.contains(&PaymentMethod::WechatPay) {
            wallets = wallets.with_wallet(Arc::new(self.wechat_pay(&public_url)?));
        }
        wallets = wallets.with_sandbox_wallet();
        let real = |m: &PaymentMethod| matches!(m, PaymentMethod::Alipay | PaymentMethod::WechatPay);
        if wallets.methods.iter().any(real) && self.public_url.is_none() {
            tracing::warn!(%public_url, "GATEWAY_PUBLIC_URL is not set: wallets will notify the listening address");
        }
        Ok(wallets)
    }

    fn antom(&self, public_url: &str) -> anyhow::Result<AntomWallet> {
        let client_id = need("GATEWAY_ANTOM_CLIENT_ID", &self.antom_client_id)?;
        let private = read_pem("GATEWAY_ANTOM_PRIVATE_KEY_FILE", &self.antom_private_key_file)?;
        let public = read_pem("GATEWAY_ANTOM_PUBLIC_KEY_FILE", &self.antom_public_key_file)?;
        let signer = RequestSigner::from_pem(client_id, 1, &private)
            .map_err(|e| anyhow::anyhow!("GATEWAY_ANTOM_PRIVATE_KEY_FILE: {e}"))?;
        let verifier =
            ResponseVerifier::from_pem(&public).map_err(|e| anyhow::anyhow!("GATEWAY_ANTOM_PUBLIC_KEY_FILE: {e}"))?;
        let base_url = self.antom_base_url.clone().unwrap_or_else(|| ANTOM_BASE_URL.into());
        let client = AntomClient::new(base_url, signer, verifier, CALL_TIMEOUT)
            .map_err(|e| anyhow::anyhow!("the Antom client: {e}"))?;
        Ok(AntomWallet::new(client, public_url))
    }

    fn wechat_pay(&self, public_url: &str) -> anyhow::Result<WeChatPayWallet> {
        let mch_id = need("GATEWAY_WECHATPAY_MCH_ID", &self.wechatpay_mch_id)?;
        let app_id = need("GATEWAY_WECHATPAY_APP_ID", &self.wechatpay_app_id)?;
        let serial = need("GATEWAY_WECHATPAY_CERT_SERIAL", &self.wechatpay_cert_serial)?;
        let api_v3_key = need("GATEWAY_WECHATPAY_API_V3_KEY", &self.wechatpay_api_v3_key)?;
        let private = read_pem("GATEWAY_WECHATPAY_PRIVATE_KEY_FILE", &self.wechatpay_private_key_file)?;
        let platform = read_pem("GATEWAY_WECHATPAY_PLATFORM_CERT_FILE", &self.wechatpay_platform_cert_file)?;
        let signer = MerchantSigner::from_pem(mch_id.clone(), serial, &private)
            .map_err(|e| anyhow::anyhow!("GATEWAY_WECHATPAY_PRIVATE_KEY_FILE: {e}"))?;
        let verifier = PlatformVerifier::from_pem(&platform)
            .map_err(|e| anyhow::anyhow!("GATEWAY_WECHATPAY_PLATFORM_CERT_FILE: {e}"))?;
        let key = ApiV3Key::new(&api_v3_key).map_err(|e| anyhow::anyhow!("GATEWAY_WECHATPAY_API_V3_KEY: {e}"))?;
        let base_url = self.wechatpay_base_url.clone().unwrap_or_else(|| WECHATPAY_BASE_URL.into());
        let client = WeChatPayClient::new(base_url, mch_id, app_id, signer, verifier, key, CALL_TIMEOUT)
            .map_err(|e| anyhow::anyhow!("the WeChat Pay client: {e}"))?;
        Ok(WeChatPayWallet::new(client, public_url))
    }
}

/// `GATEWAY_PAYMENT_METHODS`: names separated by commas, each once.
fn parse_methods(list: &str) -> anyhow::Result<Vec<PaymentMethod>> {
    let mut methods = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let method = PaymentMethod::parse(name).map_err(|_| {
            anyhow::anyhow!(
                "GATEWAY_PAYMENT_METHODS: {name} is not a payment method (expected {})",
                PaymentMethod::CODES.join(", ")
            )
        })?;
        if !methods.contains(&method) {
            methods.push(method);
        }
    }
    if methods.is_empty() {
        bail!("GATEWAY_PAYMENT_METHODS is empty: list at least one of {}", PaymentMethod::CODES.join(", "));
    }
    Ok(methods)
}

fn need(name: &str, value: &Option<String>) -> anyhow::Result<String> {
    value.clone().with_context(|| format!("{name} must be set when GATEWAY_PAYMENT_METHODS lists its wallet"))
}

fn read_pem(name: &str, path: &Option<PathBuf>) -> anyhow::Result<String> {
    let path =
        path.as_ref().with_context(|| format!("{name} must be set when GATEWAY_PAYMENT_METHODS lists its wallet"))?;
    std::fs::read_to_string(path).with_context(|| format!("{name}: reading {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_a_comma_list_of_known_names() {
        assert_eq!(
            parse_methods(" sandbox, alipay ,wechat_pay,alipay").ok(),
            Some(vec![PaymentMethod::Sandbox, PaymentMethod::Alipay, PaymentMethod::WechatPay])
        );
        let unknown = parse_methods("sandbox,paypal").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(unknown.contains("paypal is not a payment method"), "{unknown}");
        assert!(parse_methods(" , ").is_err());
    }

    #[test]
    fn a_listed_wallet_without_its_keys_does_not_start() {
        let settings = PaymentSettings { methods: vec![PaymentMethod::Alipay], ..PaymentSettings::default() };
        let error = settings.wallets("127.0.0.1:8080").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("GATEWAY_ANTOM_CLIENT_ID must be set"), "{error}");
        let settings = PaymentSettings {
            methods: vec![PaymentMethod::WechatPay],
            wechatpay_api_v3_key: Some("0123456789abcdef0123456789abcdef".into()),
            ..PaymentSettings::default()
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("0123456789abcdef"), "the API v3 key stays out of Debug: {debug}");
        assert!(settings.wallets("127.0.0.1:8080").is_err());
    }

    #[test]
    fn the_sandbox_alone_by_default_with_its_wallet() {
        let wallets = PaymentSettings::default().wallets("127.0.0.1:8080").ok();
        let methods = wallets.map(|w| w.methods).unwrap_or_default();
        assert_eq!(methods, [PaymentMethod::Sandbox, PaymentMethod::SandboxWallet]);
    }
}
