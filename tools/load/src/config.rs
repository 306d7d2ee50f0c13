//! The load tool's own settings, from environment variables (goose reads the command
//! line: --users, --run-time, --scenarios, --report-file, …).

use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub struct Config {
    /// LOAD_HOSTS: base URLs, comma-separated; user N uses host N mod len (round
    /// robin), so several servers share the load. Default: goose's --host, else http://127.0.0.1:8080.
    pub hosts: Vec<String>,
    /// LOAD_OPERATOR_EMAIL / LOAD_OPERATOR_PASSWORD: an operator, to approve the load
    /// merchant and set an FX rate when none is set. Default: the demo operator.
    pub operator_email: String,
    pub operator_password: String,
    /// LOAD_CHECKOUT_PRODUCTS: how many big-stock products the load merchant sells
    /// (checkouts spread over them, so row locks on stock rarely collide). Default 100.
    pub checkout_products: usize,
    /// LOAD_ITEMS: lines per cart; "1-3" (default, uniform) or a fixed number (the
    /// limit runs use 2, as tools/bench/checkout.pgbench does).
    pub items_min: usize,
    pub items_max: usize,
    /// LOAD_CATALOG: how many product ids the product scenario draws from (read from
    /// the search API, newest first, at most 10,000). Default 2,000.
    pub catalog: usize,
    /// LOAD_TAG: makes the consumers' e-mail addresses unique to this run.
    pub tag: String,
}

/// gateway serve's default address.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:8080";

static CONFIG: OnceLock<Config> = OnceLock::new();

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_items(text: &str) -> Option<(usize, usize)> {
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let n = text.trim().parse().ok()?;
            (n, n)
        }
    };
    (1 <= lo && lo <= hi).then_some((lo, hi))
}

impl Config {
    pub fn from_env(default_host: Option<&str>) -> Result<Config, String> {
        let hosts: Vec<String> = match var("LOAD_HOSTS") {
            Some(list) => {
                list.split(',').map(|h| h.trim().trim_end_matches('/').to_string()).filter(|h| !h.is_empty()).collect()
            }
            None => vec![default_host.unwrap_or(DEFAULT_HOST).trim_end_matches('/').to_string()],
        };
        if hosts.is_empty() {
            return Err("LOAD_HOSTS: expected base URLs separated by commas".into());
        }
        let number = |name: &str, default: usize| -> Result<usize, String> {
            var(name).map_or(Ok(default), |v| v.parse().map_err(|_| format!("{name}={v}: expected a number")))
        };
        let items = var("LOAD_ITEMS").unwrap_or_else(|| "1-3".into());
        let (items_min, items_max) =
            parse_items(&items).ok_or_else(|| format!("LOAD_ITEMS={items}: expected N or N-M with 1 <= N <= M"))?;
        let tag = var("LOAD_TAG").unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            format!("{}", now.as_millis())
        });
        Ok(Config {
            hosts,
            operator_email: var("LOAD_OPERATOR_EMAIL").unwrap_or_else(|| "operator@demo.gateway.test".into()),
            operator_password: var("LOAD_OPERATOR_PASSWORD").unwrap_or_else(|| "gateway-demo".into()),
            checkout_products: number("LOAD_CHECKOUT_PRODUCTS", 100)?.clamp(3, 200),
            items_min,
            items_max,
            catalog: number("LOAD_CATALOG", 2000)?.clamp(1, 10_000),
            tag,
        })
    }

    pub fn set(config: Config) {
        let _ = CONFIG.set(config);
    }

    /// The settings; main sets them before goose starts any user.
    pub fn get() -> &'static Config {
        CONFIG.get_or_init(|| Config::from_env(None).unwrap_or_else(|e| panic!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_items;

    #[test]
    fn items_are_a_number_or_a_range() {
        assert_eq!(parse_items("2"), Some((2, 2)));
        assert_eq!(parse_items("1-3"), Some((1, 3)));
        assert_eq!(parse_items("3-1"), None);
        assert_eq!(parse_items("0"), None);
    }
}
