//! Importing products from the shop a merchant already runs (SPEC 7): a Shopify
//! product CSV export, previewed, then applied.
//!
//! Both steps read the whole file, streaming, handle by handle ([`shopify`]). The
//! preview changes nothing: it says per product whether it would be created or
//! updated (updated: the merchant already has that SKU), the suggested tax class, HS
//! code and Chinese title, and which rows fail and why. The apply reads the file
//! again and writes each product through the same use cases as the API
//! (`create_product_of`, `update_product`), which run the listing check and write
//! the outbox, so search follows. A file that cannot be read at all (not UTF-8,
//! columns missing, broken quoting, empty) fails before anything is written, because
//! the apply only runs over a file whose preview read it to the end.
//!
//! An update changes what Shopify knows: the English title and description, price,
//! weight and stock. The tax class, HS code, net content and Chinese text stay as the
//! merchant set them in Gateway.

pub mod classify;
mod html;
pub mod shopify;
mod source;

use std::io::Read;

use gateway_core::user::Role;
use gateway_core::{FieldError, ImportId, MerchantId};
use gateway_store::{Merchant, ProductImport};
use serde::Serialize;

use crate::input::BilingualInput;
use crate::products::ProductInput;
use crate::{App, AppError, AppResult, Principal};
pub use shopify::{FileError, RowError, ShopifyCsv, Variant};

/// The largest file the web tier accepts and keeps between preview and apply.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;
/// How many products and row errors a preview lists; the counts cover all of them.
pub const PREVIEW_LIST_MAX: usize = 1000;
/// How long an uploaded file waits for its apply.
const IMPORT_TTL_HOURS: i64 = 24;

/// What one product of the file would become.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportItemView {
    /// The spreadsheet row of the variant.
    pub row: u64,
    pub handle: String,
    pub sku: String,
    /// create or update.
    pub action: &'static str,
    pub title_en: String,
    /// The suggested (create) or current (update) Chinese title.
    pub title_zh: Option<String>,
    /// The suggested (create) or current (update) tax class.
    pub tax_class: String,
    /// The placeholder HS code of the class (create), to be confirmed; or the current one.
    pub hs_code: String,
    /// Which Shopify field and word suggested the class; null when none did (household).
    pub class_reason: Option<String>,
    pub price_usd: String,
    pub weight_g: i64,
    pub stock: i64,
    /// Draft or archived in Shopify: imported withdrawn from sale.
    pub withdrawn: bool,
    /// What the import derived or assumed, for the merchant to check.
    pub notes: Vec<String>,
}

/// A preview, or the outcome of an apply.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The id to apply this upload with (web uploads only).
    pub import_id: Option<String>,
    /// Product rows read (not counting the header).
    pub rows: u64,
    /// Products (Shopify variants) that would be or were created.
    pub created: u64,
    /// Products that would be or were updated: the merchant already had the SKU.
    pub updated: u64,
    /// Rows that failed (each listed in errors, up to the list's limit).
    pub failed_rows: u64,
    /// Rows that only added an image, skipped.
    pub image_rows: u64,
    /// The products, in file order, up to 1000.
    pub items: Vec<ImportItemView>,
    /// Row errors: row as a spreadsheet numbers it (header = 1), Shopify column, why.
    pub errors: Vec<RowError>,
    /// True when items or errors were cut at their limit.
    pub truncated: bool,
    /// Whether this report is the apply's (true) or a preview's (false).
    pub applied: bool,
}

/// What happened to one product, as the preview or the apply goes.
pub enum ImportEvent<'a> {
    Item(&'a ImportItemView),
    Error(&'a RowError),
}

impl ImportReport {
    fn push_item(&mut self, item: ImportItemView) {
        if item.action == "create" {
            self.created += 1;
        } else {
            self.updated += 1;
        }
        if self.items.len() < PREVIEW_LIST_MAX {
            self.items.push(item);
        } else {
            self.truncated = true;
        }
    }

    fn push_error(&mut self, error: RowError) {
        if self.errors.len() < PREVIEW_LIST_MAX {
            self.errors.push(error);
        } else {
            self.truncated = true;
        }
    }
}

fn file_error(e: FileError) -> AppError {
    AppError::Validation(vec![FieldError::new("file", e.to_string())])
}

impl App {
    /// Reads a Shopify export for `merchant`: the preview, or with `apply` the import
    /// itself. `progress` sees every product and row error as it goes, and the bytes
    /// read so far (for a progress bar).
    pub(crate) async fn run_shopify_import<R: Read>(
        &self,
        who: &Principal,
        merchant: &Merchant,
        input: R,
        apply: bool,
        mut progress: impl FnMut(ImportEvent<'_>, u64),
    ) -> AppResult<ImportReport> {
        let mut csv = ShopifyCsv::open(input).map_err(file_error)?;
        let mut report = ImportReport { applied: apply, ..ImportReport::default() };
        while let Some(handle) = csv.next_handle().map_err(file_error)? {
            let read = csv.bytes_read();
            report.image_rows += handle.image_rows;
            report.rows += handle.rows;
            let mut failed: Vec<u64> = handle.errors.iter().map(|e| e.row).collect();
            for error in handle.errors {
                progress(ImportEvent::Error(&error), read);
                report.push_error(error);
            }
            for variant in handle.variants {
                match self.import_variant(who, merchant, variant, apply).await? {
                    Ok(item) => {
                        progress(ImportEvent::Item(&item), read);
                        report.push_item(item);
                    }
                    Err(error) => {
                        failed.push(error.row);
                        progress(ImportEvent::Error(&error), read);
                        report.push_error(error);
                    }
                }
            }
            failed.sort_unstable();
            failed.dedup();
            report.failed_rows += failed.len() as u64;
        }
        Ok(report)
    }

    /// One variant: looked up by SKU, then (when applying) created or updated. A
    /// product the rules refuse at this point (a SKU taken meanwhile, a class the
    /// operator removed) is a row error; a failing database fails the import.
    async fn import_variant(
        &self,
        who: &Principal,
        merchant: &Merchant,
        variant: Variant,
        apply: bool,
    ) -> AppResult<Result<ImportItemView, RowError>> {
        let row_error = |e: AppError| -> AppResult<RowError> {
            let message = match e {
                AppError::Validation(errors) => {
                    errors.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
                }
                AppError::Conflict { message, .. } => message,
                other => return Err(other),
            };
            Ok(RowError { row: variant.row, handle: variant.handle.clone(), column: "Variant SKU".into(), message })
        };
        let existing = self.store.product_by_sku(merchant.id, &variant.sku).await?;
        let title_en = variant.input.title.as_ref().and_then(|t| t.en.clone()).unwrap_or_default();
        let mut item = ImportItemView {
            row: variant.row,
            handle: variant.handle.clone(),
            sku: variant.sku.clone(),
            action: if existing.is_some() { "update" } else { "create" },
            title_en,
            title_zh: variant.input.title.as_ref().and_then(|t| t.zh.clone()),
            tax_class: variant.suggestion.tax_class.to_string(),
            hs_code: variant.suggestion.hs_code.to_string(),
            class_reason: variant.suggestion.reason.clone(),
            price_usd: variant.input.price_usd.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            weight_g: variant.input.weight_g.unwrap_or_default(),
            stock: variant.input.stock.unwrap_or_default(),
            withdrawn: variant.withdrawn,
            notes: variant.notes.clone(),
        };
        match existing {
            Some(product) => {
                let f = &product.fields;
                item.title_zh = f.title_zh.clone();
                item.tax_class = f.tax_class.clone();
                item.hs_code = f.hs_code.clone();
                item.class_reason = None;
                item.notes = vec![
                    "updates title, description, price, weight and stock; keeps the tax class, HS \
                                   code, net content and Chinese text set in Gateway"
                        .into(),
                ];
                if apply {
                    let patch = ProductInput {
                        title: Some(BilingualInput { en: Some(item.title_en.clone()), zh: f.title_zh.clone() }),
                        description: variant
                            .input
                            .description
                            .as_ref()
                            .map(|d| BilingualInput { en: d.en.clone(), zh: f.description_zh.clone() }),
                        price_usd: variant.input.price_usd.clone(),
                        weight_g: variant.input.weight_g,
                        stock: variant.input.stock,
                        ..ProductInput::default()
                    };
                    if let Err(e) = self.update_product(who, product.id, patch).await {
                        return Ok(Err(row_error(e)?));
                    }
                }
            }
            None => {
                if apply && let Err(e) = self.create_product_of(merchant, &variant.input, variant.withdrawn).await {
                    return Ok(Err(row_error(e)?));
                }
            }
        }
        Ok(Ok(item))
    }

    /// The merchant's owner, for trusted local tools (the `gateway import` command run
    /// by whoever runs the server), which act on the merchant's behalf.
    #[tracing::instrument(skip_all, fields(merchant.id = %merchant_id))]
    pub async fn owner_of_merchant(&self, merchant_id: MerchantId) -> AppResult<Principal> {
        let merchant = self.merchant(merchant_id).await?;
        Ok(Principal { user_id: merchant.owner_id, role: Role::Merchant })
    }

    /// Previews or applies a Shopify export read from `input` (the command line's
    /// file), reporting each product and row error to `progress` as it goes.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn import_shopify_stream<R: Read>(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        input: R,
        apply: bool,
        progress: impl FnMut(ImportEvent<'_>, u64),
    ) -> AppResult<ImportReport> {
        let merchant = self.owned_merchant(who, merchant_id).await?;
        self.run_shopify_import(who, &merchant, input, apply, progress).await
    }

    /// A web upload: previews it and, when it can be imported, keeps it for the
    /// apply; the report carries the id to apply it with.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id))]
    pub async fn preview_shopify_upload(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        bytes: Vec<u8>,
    ) -> AppResult<ImportReport> {
        let merchant = self.owned_merchant(who, merchant_id).await?;
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(AppError::field("file", format!("is larger than {} MiB", MAX_IMPORT_BYTES / (1024 * 1024))));
        }
        let mut report = self.run_shopify_import(who, &merchant, bytes.as_slice(), false, |_, _| {}).await?;
        let now = gateway_core::clock::now();
        let import = ProductImport {
            id: ImportId::new(),
            merchant_id,
            created_by: who.user_id,
            format: "shopify".into(),
            bytes,
            created_at: now,
        };
        let id = import.id;
        self.store.save_product_import(import, now - chrono::Duration::hours(IMPORT_TTL_HOURS)).await?;
        tracing::info!(merchant.id = %merchant_id, import.id = %id, rows = report.rows, "product import previewed");
        report.import_id = Some(id.to_string());
        Ok(report)
    }

    /// Applies an upload previewed before; it is used once.
    #[tracing::instrument(skip_all, fields(user.id = %who.user_id, merchant.id = %merchant_id, import.id = %import_id))]
    pub async fn apply_shopify_upload(
        &self,
        who: &Principal,
        merchant_id: MerchantId,
        import_id: ImportId,
    ) -> AppResult<ImportReport> {
        let merchant = self.owned_merchant(who, merchant_id).await?;
        let import = self.store.product_import(merchant_id, import_id).await?.ok_or(AppError::NotFound("import"))?;
        // Claimed before the writes: of two applies at once, one runs.
        if !self.store.delete_product_import(merchant_id, import_id).await? {
            return Err(AppError::NotFound("import"));
        }
        let mut report = self.run_shopify_import(who, &merchant, import.bytes.as_slice(), true, |_, _| {}).await?;
        tracing::info!(
            merchant.id = %merchant_id, import.id = %import_id, created = report.created, updated = report.updated,
            failed = report.failed_rows, "product import applied"
        );
        report.import_id = Some(import_id.to_string());
        Ok(report)
    }
}

#[cfg(test)]
mod tests;
