//! Extractors that fail the way SPEC 9 says: a problem with a code, never a bare
//! text body, never a 500.

use crate::AppState;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use gateway_app::{ErrorCode, Principal};
use gateway_core::FieldError;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// A JSON body: `application/json` (or `+json`), at most 1 MiB, parsed with the
/// path of the first mistyped field reported.
pub struct JsonBody<T>(pub T);

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(Ok(value)) = content_type.map(|v| v.to_str()) else { return false };
    let mime = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    "the body is larger than 1 MiB",
                )
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "the body could not be read")
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses a JSON document; syntax errors are 400, a well-formed document of the wrong
/// shape is 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first, so that a document broken after a mistyped field ("[1, 2") is
    // reported as malformed rather than mistyped. IgnoredAny allocates nothing.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::validation(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
            Vec::new(),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { String::new() } else { path };
        let message = strip_position(&inner.to_string());
        ApiError::validation(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a field has the wrong type; see errors",
            vec![FieldError::new(field, message)],
        )
    })?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42", which means nothing to a client.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Query parameters, with the same problem format as bodies on failure.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded_from_str(query).map(Query)
    }
}

fn serde_urlencoded_from_str<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(&format!("/?{query}").parse().unwrap_or_default()).map(|q| q.0).map_err(
        |rejection| {
            let text = rejection.body_text();
            let message = text.rsplit_once(": ").map_or(text.as_str(), |(_, m)| m).to_string();
            ApiError::validation(
                StatusCode::UNPROCESSABLE_ENTITY,
                "a query parameter is invalid",
                vec![FieldError::new("query", message)],
            )
        },
    )
}

/// An id from the path; one that does not parse names nothing, so it is 404.
pub fn path_id<T: FromStr>(raw: &str, what: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(what))
}

/// The bearer token of the request, if any.
pub fn bearer_token(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let unauthorized = || ApiError::from(gateway_app::AppError::Unauthorized);
    let text = value.to_str().map_err(|_| unauthorized())?;
    match text.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(unauthorized()),
    }
}

/// A signed-in caller (401 otherwise).
pub struct Auth(pub Principal);

/// A caller who may be anonymous; a token that is present but wrong is still 401.
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer_token(parts)? {
            None => Ok(MaybeAuth(None)),
            Some(token) => Ok(MaybeAuth(Some(state.app.authenticate(token).await?.0))),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeAuth(principal) = MaybeAuth::from_request_parts(parts, state).await?;
        principal.map(Auth).ok_or_else(|| gateway_app::AppError::Unauthorized.into())
    }
}
