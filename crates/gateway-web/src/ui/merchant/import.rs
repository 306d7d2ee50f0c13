//! Importing products from Shopify in the portal: upload the export (a multipart
//! form), read the preview (what would be created or updated, suggested classes,
//! HS codes and Chinese titles, failed rows by row and column), then apply it. The
//! file waits in the database between the two (gateway-app's import module), so the
//! apply may land on any server.

use super::portal::{Chrome, Portal};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::csrf;
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::PageForm;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::import::ImportReport;
use gateway_core::ImportId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "merchant/import.html")]
pub struct ImportPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    /// The preview or the apply's outcome; None on the upload form.
    pub report: Option<ImportReport>,
    /// Why the file was refused, as a whole.
    pub file_error: Option<String>,
}

fn page<'a>(ctx: &'a Ctx, portal: &Portal, report: Option<ImportReport>, file_error: Option<String>) -> ImportPage<'a> {
    ImportPage { c: ctx, chrome: portal.chrome(ctx, "/merchant/products"), report, file_error }
}

/// The upload form.
pub async fn form(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    Ok(ctx.render(&page(&ctx, &portal, None, None)))
}

/// The uploaded export, previewed.
pub async fn upload(State(s): State<AppState>, ctx: Ctx, mut multipart: Multipart) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let mut token = None;
    let mut file = None;
    let bad_form = || errors::page(&ctx, StatusCode::BAD_REQUEST, "error-bad-form");
    while let Some(field) = multipart.next_field().await.map_err(|_| bad_form())? {
        match field.name() {
            Some(csrf::FIELD) => token = Some(field.text().await.map_err(|_| bad_form())?),
            Some("file") => file = Some(field.bytes().await.map_err(|_| bad_form())?),
            _ => {}
        }
    }
    if !ctx.csrf_ok(token.as_deref()) {
        return Err(errors::page(&ctx, StatusCode::FORBIDDEN, "error-csrf"));
    }
    let file = file.filter(|f| !f.is_empty());
    let Some(file) = file else {
        return Ok(ctx.render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&ctx, &portal, None, Some(ctx.t("import-no-file"))),
        ));
    };
    match s.app.preview_shopify_upload(&portal.who, portal.merchant.id, file.to_vec()).await {
        Ok(report) => Ok(ctx.render(&page(&ctx, &portal, Some(report), None))),
        Err(AppError::Validation(errors)) => {
            let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ");
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&ctx, &portal, None, Some(message))))
        }
        Err(other) => Err(ctx.fail(other)),
    }
}

#[derive(Deserialize)]
pub struct ApplyForm {}

/// A previewed import, applied.
pub async fn apply(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<ApplyForm>) -> PageResult {
    let ctx = form.ctx;
    let portal = Portal::load(&s, &ctx).await?;
    let id: ImportId = errors::page_id(&ctx, &id)?;
    let report = s.app.apply_shopify_upload(&portal.who, portal.merchant.id, id).await.or_page(&ctx)?;
    Ok(ctx.render(&page(&ctx, &portal, Some(report), None)))
}
