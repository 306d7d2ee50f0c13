//! Requests through goose (so each is timed and counted under a stable name), with a
//! bearer token and a JSON body, answering the decoded JSON.

use goose::prelude::*;
use serde::Serialize;
use serde_json::Value;

/// One API call: `method path` with an optional token and body, counted under `name`
/// (a route template such as `PUT /api/v1/carts/{id}/items/{product_id}`), expecting
/// `expect`. Any other status fails the request in goose's metrics and the transaction.
pub async fn call<B: Serialize + ?Sized>(
    user: &mut GooseUser,
    method: GooseMethod,
    path: &str,
    name: &str,
    token: Option<&str>,
    body: Option<&B>,
    expect: u16,
) -> Result<Value, Box<TransactionError>> {
    call_with(user, method, path, name, token, body, expect, |rb| rb).await
}

/// [`call`] with a hook to add headers (the checkout's Idempotency-Key).
#[allow(clippy::too_many_arguments)]
pub async fn call_with<B: Serialize + ?Sized>(
    user: &mut GooseUser,
    method: GooseMethod,
    path: &str,
    name: &str,
    token: Option<&str>,
    body: Option<&B>,
    expect: u16,
    extra: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Result<Value, Box<TransactionError>> {
    let mut builder = user.get_request_builder(&method, path)?;
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    if let Some(body) = body {
        builder = builder.json(body);
    }
    builder = extra(builder);
    let request = GooseRequest::builder()
        .method(method)
        .path(path)
        .name(name)
        .expect_status_code(expect)
        .set_request_builder(builder)
        .build();
    let mut goose = user.request(request).await?;
    let response = match goose.response {
        Ok(r) => r,
        Err(e) => return user_failure(user, &mut goose.request, format!("{name}: {e}")),
    };
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    if status != expect {
        let short: String = text.chars().take(300).collect();
        return user_failure(user, &mut goose.request, format!("{name}: status {status}: {short}"));
    }
    if text.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| format!("{name}: the answer is not JSON: {e}").into())
}

fn user_failure<T>(
    user: &mut GooseUser,
    request: &mut goose::metrics::GooseRequestMetric,
    message: String,
) -> Result<T, Box<TransactionError>> {
    // set_failure records the request as failed in the metrics (once) and logs it; our
    // message says more than the error it answers.
    let _ = user.set_failure(&message, request, None, None);
    Err(message.into())
}

/// A plain GET whose body is read and dropped (HTML pages); fails unless 200.
pub async fn get_page(user: &mut GooseUser, path: &str, name: &str) -> TransactionResult {
    let request = GooseRequest::builder().path(path).name(name).expect_status_code(200).build();
    let goose = user.request(request).await?;
    if let Ok(response) = goose.response {
        let _ = response.bytes().await;
    }
    Ok(())
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A string field of a JSON answer, or a transaction error naming it.
pub fn str_field<'a>(value: &'a Value, pointer: &str) -> Result<&'a str, Box<TransactionError>> {
    value.pointer(pointer).and_then(Value::as_str).ok_or_else(|| format!("the answer has no {pointer}").into())
}
