//! Product imports: a Shopify product CSV export, previewed then applied (SPEC 7).

use crate::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{Auth, path_id};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use gateway_app::ErrorCode;
use gateway_app::import::{ImportReport, MAX_IMPORT_BYTES};

/// A CSV body: `text/csv` (or `text/plain`), at most 32 MiB.
pub struct CsvBody(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let mime = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        if !matches!(mime.as_deref(), Some("text/csv" | "text/plain")) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the Shopify export as the body, with Content-Type: text/csv",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    "the file is larger than 32 MiB",
                )
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "the body could not be read")
            }
        })?;
        Ok(CsvBody(bytes.to_vec()))
    }
}

/// The largest request body of the import routes.
pub const IMPORT_BODY_LIMIT: usize = MAX_IMPORT_BYTES;

/// Preview a Shopify product CSV export (the body, `text/csv`): per product whether
/// it would be created or updated, the suggested tax class, HS code and Chinese
/// title, and the rows that fail (row as a spreadsheet numbers it, Shopify column,
/// why). Changes no product; keeps the file for 24 hours under `import_id`. A file
/// that cannot be read (not UTF-8, required columns missing, broken quoting, empty)
/// is a 422 with the error under the field `file`.
#[utoipa::path(post, path = "/api/v1/merchants/{id}/imports/shopify", tag = "catalog",
    params(("id" = String, Path)), request_body(content = String, content_type = "text/csv"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn preview_shopify(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path(id): Path<String>,
    CsvBody(bytes): CsvBody,
) -> Result<Json<ImportReport>, ApiError> {
    Ok(Json(s.app.preview_shopify_upload(&who, path_id(&id, "merchant")?, bytes).await?))
}

/// Apply a previewed import: creates and updates the products through the same
/// rules as `POST /api/v1/merchants/{id}/products` and `PATCH /api/v1/products/{id}`.
/// An import is applied once; a second apply is a 404.
#[utoipa::path(post, path = "/api/v1/merchants/{id}/imports/{import_id}/apply", tag = "catalog",
    params(("id" = String, Path), ("import_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn apply_import(
    State(s): State<AppState>,
    Auth(who): Auth,
    Path((id, import_id)): Path<(String, String)>,
) -> Result<Json<ImportReport>, ApiError> {
    let merchant = path_id(&id, "merchant")?;
    Ok(Json(s.app.apply_shopify_upload(&who, merchant, path_id(&import_id, "import")?).await?))
}
