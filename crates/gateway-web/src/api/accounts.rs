use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, bearer_token};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use gateway_app::auth::{LoginInput, SessionView, SignupInput, UserView};

/// Create a merchant or consumer account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts", request_body = SignupInput,
    responses((status = 201, body = SessionView), (status = 409, body = Problem, description = "e-mail taken"),
              (status = 422, body = Problem)))]
pub async fn signup(
    State(s): State<AppState>,
    JsonBody(input): JsonBody<SignupInput>,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.signup(input).await?)))
}

/// Sign in with e-mail and password; returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginInput,
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
pub async fn login(
    State(s): State<AppState>,
    JsonBody(input): JsonBody<LoginInput>,
) -> Result<Json<SessionView>, ApiError> {
    Ok(Json(s.app.login(input).await?))
}

/// The raw token of an authenticated request, for logout.
pub struct Token(String);

impl FromRequestParts<AppState> for Token {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        bearer_token(parts)?.map(|t| Token(t.to_string())).ok_or_else(|| gateway_app::AppError::Unauthorized.into())
    }
}

/// End the session of this token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(s): State<AppState>, Auth(_): Auth, Token(token): Token) -> Result<StatusCode, ApiError> {
    s.app.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
pub async fn me(State(s): State<AppState>, Token(token): Token) -> Result<Json<UserView>, ApiError> {
    let (_, user) = s.app.authenticate(&token).await?;
    Ok(Json(UserView::from(&user)))
}
