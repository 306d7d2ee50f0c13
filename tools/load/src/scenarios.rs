//! The transactions the scenarios are made of: what one shopper does.

use crate::config::Config;
use crate::fixtures;
use crate::http::{call, call_with, encode, get_page, str_field};
use crate::ids::random_id_number;
use goose::prelude::*;
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// A consumer stops ordering and a new one signs up before its year's spending would
/// come near the 26,000.00 CNY annual limit (fen).
const ROTATE_AFTER_FEN: i64 = 2_400_000;
const CONSUMER_PASSWORD: &str = "load-consumer-password";
static CONSUMERS: AtomicU64 = AtomicU64::new(0);

/// A signed-in consumer with a verified identity, and what it spent this run.
#[derive(Clone)]
struct Consumer {
    token: String,
    spent_fen: i64,
}

/// on_start of every scenario: this user's server, round robin over LOAD_HOSTS.
pub async fn pick_host(user: &mut GooseUser) -> TransactionResult {
    let hosts = &Config::get().hosts;
    user.set_base_url(&hosts[user.weighted_users_index % hosts.len()])?;
    Ok(())
}

/// on_start of the scenarios that check out: sign up and verify an identity.
pub async fn sign_up_consumer(user: &mut GooseUser) -> TransactionResult {
    let n = CONSUMERS.fetch_add(1, Ordering::Relaxed);
    let email = format!("load-{}-{}-{n}@load.gateway.test", Config::get().tag, user.weighted_users_index);
    let body = json!({ "email": email, "password": CONSUMER_PASSWORD, "role": "consumer" });
    let answer =
        call(user, GooseMethod::Post, "/api/v1/auth/signup", "consumer: signup", None, Some(&body), 201).await?;
    let token = str_field(&answer, "/token")?.to_string();
    let identity = json!({ "real_name": "张三", "id_number": random_id_number(), "phone": "13800138000" });
    call(user, GooseMethod::Put, "/api/v1/me/identity", "consumer: identity", Some(&token), Some(&identity), 200)
        .await?;
    user.set_session_data(Consumer { token, spent_fen: 0 });
    Ok(())
}

fn random_of(list: &[String]) -> Result<String, Box<TransactionError>> {
    list.choose(&mut rand::rng()).cloned().ok_or_else(|| "nothing to choose from".into())
}

/// The storefront's product page (HTML), as a shopper opens it.
pub async fn product_page(user: &mut GooseUser) -> TransactionResult {
    let id = random_of(&fixtures::get().catalog)?;
    get_page(user, &format!("/products/{id}"), "/products/{id}").await
}

/// The API's product, as an app reads it.
pub async fn product_api(user: &mut GooseUser) -> TransactionResult {
    let id = random_of(&fixtures::get().catalog)?;
    get_page(user, &format!("/api/v1/products/{id}"), "/api/v1/products/{id}").await
}

fn queries() -> &'static [String] {
    static QUERIES: OnceLock<Vec<String>> = OnceLock::new();
    QUERIES.get_or_init(|| {
        include_str!("../queries.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    })
}

/// A search from the list (tools/load/queries.txt), first page, as the API answers it.
pub async fn search(user: &mut GooseUser) -> TransactionResult {
    let q = random_of(queries())?;
    get_page(user, &format!("/api/v1/search?q={}", encode(&q)), "/api/v1/search").await
}

/// How many lines the next order has: LOAD_ITEMS, drawn afresh per order.
fn lines_per_order() -> usize {
    let config = Config::get();
    rand::rng().random_range(config.items_min..=config.items_max)
}

/// One `GET /healthz` (the server asks its database `SELECT 1`) per request of an
/// order (the cart, each line, the checkout: three for one line): an order's HTTP round
/// trips with none of its work, the least an order costs through this tool and the
/// server's HTTP path, so a rate the `checkout` scenario cannot exceed
/// (tools/bench/README.md, "The floor").
pub async fn floor(user: &mut GooseUser) -> TransactionResult {
    for _ in 0..lines_per_order() + 2 {
        get_page(user, "/healthz", "/healthz").await?;
    }
    Ok(())
}

/// The buy path of one order: a new cart, 1–3 lines (LOAD_ITEMS) of the load
/// merchant's products, the checkout with an Idempotency-Key. When the consumer's
/// spending nears the annual limit, a new consumer signs up first.
pub async fn checkout(user: &mut GooseUser) -> TransactionResult {
    let needs_new = user.get_session_data::<Consumer>().is_none_or(|c| c.spent_fen >= ROTATE_AFTER_FEN);
    if needs_new {
        sign_up_consumer(user).await?;
    }
    let token = user.get_session_data::<Consumer>().map(|c| c.token.clone()).ok_or("no consumer")?;
    let (products, key) = {
        let mut rng = rand::rng();
        let mut all = fixtures::get().checkout_products.clone();
        all.shuffle(&mut rng);
        all.truncate(lines_per_order());
        (all, format!("load-{:032x}", rng.random::<u128>()))
    };
    let cart =
        call::<Value>(user, GooseMethod::Post, "/api/v1/carts", "/api/v1/carts", Some(&token), None, 201).await?;
    let cart_id = str_field(&cart, "/id")?.to_string();
    for product in &products {
        let path = format!("/api/v1/carts/{cart_id}/items/{product}");
        let body = json!({ "quantity": 1 });
        call(user, GooseMethod::Put, &path, "/api/v1/carts/{id}/items/{product_id}", Some(&token), Some(&body), 200)
            .await?;
    }
    let body = json!({
        "cart_id": cart_id,
        "address": { "recipient": "张三", "phone": "13800138000", "province": "上海市", "city": "上海市",
                     "district": "浦东新区", "street": "世纪大道100号", "postal_code": "200120" },
    });
    let answer = call_with(
        user,
        GooseMethod::Post,
        "/api/v1/checkout",
        "/api/v1/checkout",
        Some(&token),
        Some(&body),
        201,
        |rb| rb.header("Idempotency-Key", key),
    )
    .await?;
    let amount = str_field(&answer, "/payment/amount")?;
    let fen = parse_fen(amount).ok_or_else(|| format!("payment.amount {amount} is not money"))?;
    if let Some(consumer) = user.get_session_data_mut::<Consumer>() {
        consumer.spent_fen += fen;
    }
    Ok(())
}

/// "12.34" → 1234.
fn parse_fen(amount: &str) -> Option<i64> {
    let (whole, cents) = amount.split_once('.').unwrap_or((amount, "0"));
    let cents = format!("{cents:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + cents.get(..2)?.parse::<i64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_fen() {
        assert_eq!(parse_fen("12.34"), Some(1234));
        assert_eq!(parse_fen("12.5"), Some(1250));
        assert_eq!(parse_fen("7"), Some(700));
        assert_eq!(parse_fen("x"), None);
    }

    #[test]
    fn the_query_list_has_chinese_and_english() {
        let q = queries();
        assert!(q.iter().any(|q| q.chars().any(|c| c > '\u{2E80}')));
        assert!(q.iter().any(|q| q.is_ascii()));
    }
}
