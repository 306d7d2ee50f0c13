//! Settings: defaults, then a TOML file, then `GATEWAY_…` environment variables, then
//! flags (clap reads the variables and flags; both override the file).

use anyhow::Context;
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "data";

/// What may be written in the TOML file. Secrets (the admin password) are not read
/// from it: they come from the environment only.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub addr: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub demo: Option<bool>,
    pub pg_max_connections: Option<u32>,
    pub secure_cookies: Option<bool>,
    /// The customs registrations (`[customs]`).
    pub customs: Option<crate::customs::CustomsFile>,
}

impl FileSettings {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// The resolved settings of one run.
#[derive(Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; None means SQLite in the data directory.
    pub database_url: Option<String>,
    pub demo: bool,
    /// GATEWAY_SECURE_COOKIES: every cookie `Secure`, whatever the request says; for
    /// HTTPS behind a proxy that does not send `X-Forwarded-Proto`. Off by default so
    /// that the demo on plain http://127.0.0.1 can sign in.
    pub secure_cookies: bool,
    pub pg_max_connections: u32,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// GATEWAY_IDENTITY_KEY: the base64 master key of the identity vault. Without it
    /// a key is generated into the data directory on first start (fine for one
    /// server; several servers must share one configured key).
    pub identity_key: Option<String>,
    /// The payment methods and the wallets' keys (`GATEWAY_PAYMENT_METHODS`, …).
    pub payments: crate::payments::PaymentSettings,
    /// The customs registrations (`[customs]`, `GATEWAY_CUSTOMS_*`).
    pub customs: gateway_app::customs::CustomsSettings,
}

impl Settings {
    /// The URL the store opens: the configured one, or the embedded default.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("gateway.db").display()),
        }
    }

    /// The HTTP edge's part of these settings.
    pub fn web(&self) -> gateway_web::WebSettings {
        gateway_web::WebSettings { secure_cookies: self.secure_cookies }
    }

    /// This server's search index: derived data, rebuilt from the database when
    /// missing, so it is never backed up and never shared between servers.
    pub fn search_index_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }
}

/// Never prints the password, and hides credentials in the database URL.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_url.as_deref().map(redact_url))
            .field("demo", &self.demo)
            .field("secure_cookies", &self.secure_cookies)
            .field("admin_email", &self.admin_email.as_ref().map(|_| "<set>"))
            .field("admin_password", &self.admin_password.as_ref().map(|_| "<set>"))
            .field("identity_key", &self.identity_key.as_ref().map(|_| "<set>"))
            .field("payments", &self.payments)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***{}", &url[at..]),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials() {
        assert_eq!(redact_url("postgres://u:secret@db:5432/g"), "postgres://***@db:5432/g");
        assert_eq!(redact_url("sqlite://data/gateway.db"), "sqlite://data/gateway.db");
    }

    #[test]
    fn file_settings_refuse_unknown_keys() {
        assert!(toml::from_str::<FileSettings>("addr = \"0.0.0.0:80\"\ndemo = false").is_ok());
        assert!(toml::from_str::<FileSettings>("admin_password = \"x\"").is_err());
    }
}
