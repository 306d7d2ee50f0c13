//! One tracing span per request, named by a request id: the client's `X-Request-Id`
//! when it is sane, a fresh UUID otherwise. The id is echoed in the answer's
//! `X-Request-Id` and in problem bodies, so a user's report can be matched to the logs.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header that carries the id both ways.
pub const HEADER: &str = "x-request-id";

/// Longer ids are replaced: they would only bloat every log line.
const MAX_LEN: usize = 128;

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being answered, when called while answering one.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The middleware: picks the id, answers the request inside its span, echoes the id.
pub async fn assign(request: Request, next: Next) -> Response {
    let id = request.headers().get(HEADER).and_then(sane).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        http.method = %request.method(),
        http.path = %request.uri().path(),
    );
    let mut response = CURRENT.scope(id.clone(), next.run(request).instrument(span)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// A client's id is kept only when it is short and visible ASCII (no spaces or control
/// characters that could forge log lines).
fn sane(value: &HeaderValue) -> Option<String> {
    let bytes = value.as_bytes();
    let visible = bytes.iter().all(|b| (0x21..=0x7e).contains(b));
    (!bytes.is_empty() && bytes.len() <= MAX_LEN && visible).then(|| String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_short_visible_ids() {
        assert_eq!(sane(&HeaderValue::from_static("abc-123_X")), Some("abc-123_X".to_string()));
        assert_eq!(sane(&HeaderValue::from_static("")), None);
        assert_eq!(sane(&HeaderValue::from_static("a b")), None);
        assert_eq!(
            sane(&HeaderValue::from_str(&"x".repeat(MAX_LEN + 1)).unwrap_or(HeaderValue::from_static(""))),
            None
        );
        assert_eq!(sane(&HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap_or(HeaderValue::from_static(""))), None);
    }
}
