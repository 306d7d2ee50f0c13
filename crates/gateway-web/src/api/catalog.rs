use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, JsonBody, MaybeAuth, Query, path_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use gateway_app::fx::{FxInput, FxView, check_pair};
use gateway_app::pagination::{PageQuery, PageView};
use gateway_app::products::{ProductInput, ProductView};
use gateway_app::search::{SearchParams, SearchView};
use gateway_app::tax_classes::TaxClassView;

/// List a product for the merchant the caller owns. The listing check decides
/// `listed` or `blocked` (with `problems`).
#[utoipa::path(post, path = "/api/v1/merchants/{id}/products", tag = "catalog", request_body = ProductInput,
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = ProductView), (status = 403, body = Problem), (status = 409, body = Problem, description = "SKU taken"),
              (status = 422, body = Problem)))]
pub async fn create_product(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<(StatusCode, Json<ProductView>), ApiError> {
    Ok((StatusCode::CREATED, Json(s.app.create_product(&who, path_id(&id, "merchant")?, input).await?)))
}

/// A merchant's products: those for sale for anyone, all for its owner and operators.
#[utoipa::path(get, path = "/api/v1/merchants/{id}/products", tag = "catalog", security((), ("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = PageView<ProductView>), (status = 404, body = Problem)))]
pub async fn list_merchant_products(
    State(s): State<AppState>,
    MaybeAuth(who): MaybeAuth,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<PageView<ProductView>>, ApiError> {
    Ok(Json(s.app.list_merchant_products(who.as_ref(), path_id(&id, "merchant")?, &page).await?))
}

/// A product with its USD and CNY prices, stock and status.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", params(("id" = String, Path)),
    responses((status = 200, body = ProductView), (status = 404, body = Problem)))]
pub async fn get_product(State(s): State<AppState>, Path(id): Path<String>) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(s.app.view_product(path_id(&id, "product")?).await?))
}

/// Edit any field of one's product; the listing check runs again.
#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "catalog", request_body = ProductInput, params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ProductView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_product(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ProductInput>,
) -> Result<Json<ProductView>, ApiError> {
    Ok(Json(s.app.update_product(&who, path_id(&id, "product")?, input).await?))
}

/// The tax classes of SPEC 3 with their rates.
#[utoipa::path(get, path = "/api/v1/tax-classes", tag = "catalog", responses((status = 200, body = Vec<TaxClassView>)))]
pub async fn tax_classes(State(s): State<AppState>) -> Result<Json<Vec<TaxClassView>>, ApiError> {
    Ok(Json(s.app.tax_classes().await?))
}

/// Set the USD→CNY rate (operators). Orders keep the rate they were priced at.
#[utoipa::path(put, path = "/api/v1/admin/fx/{base}/{quote}", tag = "admin", request_body = FxInput, security(("bearer" = [])),
    params(("base" = String, Path, example = "USD"), ("quote" = String, Path, example = "CNY")),
    responses((status = 200, body = FxView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_fx_rate(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((base, quote)): Path<(String, String)>,
    JsonBody(input): JsonBody<FxInput>,
) -> Result<Json<FxView>, ApiError> {
    check_pair(&base, &quote)?;
    Ok(Json(s.app.set_fx_rate(&who, input).await?))
}

/// The current USD→CNY rate.
#[utoipa::path(get, path = "/api/v1/fx/{base}/{quote}", tag = "catalog",
    params(("base" = String, Path, example = "USD"), ("quote" = String, Path, example = "CNY")),
    responses((status = 200, body = FxView), (status = 404, body = Problem, description = "no rate set yet")))]
pub async fn get_fx_rate(
    State(s): State<AppState>,
    Path((base, quote)): Path<(String, String)>,
) -> Result<Json<FxView>, ApiError> {
    check_pair(&base, &quote)?;
    let quote = s.app.current_fx().await?.ok_or_else(|| ApiError::not_found("exchange rate"))?;
    Ok(Json(quote.into()))
}

/// Search the products for sale, in Chinese, English or both, with filters, facets,
/// sorting and pages. Listings written in English only are found by Chinese words
/// through the product glossary.
#[utoipa::path(get, path = "/api/v1/search", tag = "catalog", params(SearchParams),
    responses((status = 200, body = SearchView), (status = 422, body = Problem)))]
pub async fn search(
    State(s): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchView>, ApiError> {
    Ok(Json(s.app.search(&params).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// The English title to translate.
    pub title_en: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TitleSuggestion {
    pub title_en: String,
    /// A Chinese title made from the product glossary, to accept or edit; null when
    /// the glossary knows none of the words.
    pub title_zh: Option<String>,
}

/// A suggested Chinese title for an English one, from the product glossary.
#[utoipa::path(get, path = "/api/v1/suggestions/title-zh", tag = "catalog", params(SuggestQuery),
    responses((status = 200, body = TitleSuggestion), (status = 422, body = Problem)))]
pub async fn suggest_title_zh(
    State(s): State<AppState>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<TitleSuggestion>, ApiError> {
    let title_zh = s.app.suggest_title_zh(&q.title_en);
    Ok(Json(TitleSuggestion { title_en: q.title_en, title_zh }))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReindexView {
    /// Products for sale now in this server's index.
    pub products: u64,
}

/// Rebuild this server's search index from the database (operators). Each server
/// keeps its own index; the others are not touched.
#[utoipa::path(post, path = "/api/v1/admin/search/reindex", tag = "catalog", security(("bearer" = [])),
    responses((status = 200, body = ReindexView), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn reindex(State(s): State<AppState>, Auth(who): Auth) -> Result<Json<ReindexView>, ApiError> {
    Ok(Json(ReindexView { products: s.app.reindex_search(&who).await? }))
}
