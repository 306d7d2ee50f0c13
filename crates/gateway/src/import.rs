//! `gateway import shopify FILE --merchant ID [--apply]`: a Shopify product export,
//! previewed (the default) or imported, with a progress bar on standard error.
//!
//! Standard output lists every product (create or update, SKU, class, HS code, titles)
//! and every failed row (row, column, why) as the file is read, then a summary, so the
//! preview of a large file streams instead of being held. The file is read twice with
//! --apply: once to the end to find file errors before anything is written, then to
//! write.

use anyhow::Context;
use gateway::config::Settings;
use gateway::progress::Progress;
use gateway_app::import::{ImportEvent, ImportReport};
use gateway_core::MerchantId;
use std::io::Write;
use std::path::Path;

pub async fn shopify(settings: &Settings, file: &Path, merchant: &str, apply: bool) -> anyhow::Result<()> {
    let merchant_id: MerchantId =
        merchant.parse().map_err(|_| anyhow::anyhow!("--merchant {merchant}: expected a merchant id (a UUID)"))?;
    let size = std::fs::metadata(file).with_context(|| format!("reading {}", file.display()))?.len();
    let app = gateway::open_app_without_index(settings).await?;
    let who = app.owner_of_merchant(merchant_id).await.map_err(|e| anyhow::anyhow!("--merchant {merchant}: {e}"))?;

    let preview = run(&app, &who, merchant_id, file, size, false, !apply).await?;
    if !apply {
        summary(&preview);
        println!("Nothing was changed. Run again with --apply to import.");
        return Ok(());
    }
    let applied = run(&app, &who, merchant_id, file, size, true, true).await?;
    summary(&applied);
    Ok(())
}

async fn run(
    app: &gateway_app::App,
    who: &gateway_app::Principal,
    merchant_id: MerchantId,
    file: &Path,
    size: u64,
    apply: bool,
    list: bool,
) -> anyhow::Result<ImportReport> {
    let input =
        std::io::BufReader::new(std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?);
    let mut bar = Progress::new(size, if apply { "importing" } else { "reading" });
    let (mut products, mut errors) = (0u64, 0u64);
    let mut out = std::io::stdout().lock();
    let report = app
        .import_shopify_stream(who, merchant_id, input, apply, |event, bytes| {
            if list {
                let _ = match event {
                    ImportEvent::Item(i) => writeln!(
                        out,
                        "{:<6} row {:<6} {:<24} {:<11} {} {}  {}{}",
                        i.action,
                        i.row,
                        i.sku,
                        i.tax_class,
                        i.hs_code,
                        i.title_en,
                        i.title_zh.as_deref().unwrap_or("-"),
                        if i.withdrawn { "  (withdrawn)" } else { "" }
                    ),
                    ImportEvent::Error(e) => {
                        writeln!(out, "FAILED row {:<6} {}: {} (handle {})", e.row, e.column, e.message, e.handle)
                    }
                };
            }
            if matches!(event, ImportEvent::Error(_)) {
                errors += 1;
            } else {
                products += 1;
            }
            bar.update(bytes, || format!("{products} products, {errors} failed rows"));
        })
        .await;
    bar.finish(&format!("{products} products, {errors} failed rows"));
    report.map_err(|e| match e {
        gateway_app::AppError::Validation(errors) => anyhow::anyhow!(
            "{}: nothing was changed: {}",
            file.display(),
            errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    })
}

fn summary(r: &ImportReport) {
    let verb = if r.applied { ("created", "updated") } else { ("to create", "to update") };
    println!(
        "{} rows: {} products {}, {} {}, {} rows failed, {} image-only rows skipped.",
        r.rows, r.created, verb.0, r.updated, verb.1, r.failed_rows, r.image_rows
    );
    if !r.applied {
        println!(
            "Tax classes and HS codes are suggestions (HS codes are placeholders per class): confirm each product's \
             in the merchant portal."
        );
    }
}
