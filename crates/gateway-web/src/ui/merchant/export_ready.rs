//! `/merchant/export-ready`: the export-ready checklist (issue 8). The merchant sees
//! the five steps between signing up and selling to China, which are done, what each
//! counted, and a link to the page where the rest is done.

use super::portal::{Chrome, Portal};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use askama::Template;
use axum::extract::State;
use gateway_app::export_ready::{ExportReadyView, ExportStep};

pub const PATH: &str = "/merchant/export-ready";

pub struct StepRow {
    pub id: &'static str,
    pub status_code: &'static str,
    pub status: String,
    pub title: String,
    /// What the step counted, or what the profile lacks, in a sentence ("" if nothing).
    pub detail: String,
    pub link: &'static str,
    pub link_label: String,
}

#[derive(Template)]
#[template(path = "merchant/export_ready.html")]
pub struct ExportReadyPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub ready: bool,
    /// "N of M done".
    pub summary: String,
    pub steps: Vec<StepRow>,
}

fn count(s: &ExportStep, name: &str) -> i64 {
    s.counts.get(name).copied().unwrap_or(0)
}

fn detail(ctx: &Ctx, s: &ExportStep) -> String {
    match s.id {
        "profile" if !s.missing.is_empty() => {
            let missing: Vec<String> = s.missing.iter().map(|m| ctx.t(&format!("export-missing-{m}"))).collect();
            ctx.t1("export-detail-profile", "missing", missing.join(", "))
        }
        "products_listed" => {
            ctx.t2("export-detail-products_listed", "listed", count(s, "listed"), "blocked", count(s, "blocked"))
        }
        "chinese_titles" => ctx.t2(
            "export-detail-chinese_titles",
            "missing",
            count(s, "missing_chinese_title"),
            "listed",
            count(s, "listed"),
        ),
        "first_order_shipped" => ctx.t1("export-detail-first_order_shipped", "orders", count(s, "orders_shipped")),
        _ => String::new(),
    }
}

fn page<'a>(ctx: &'a Ctx, portal: &Portal, view: &ExportReadyView) -> ExportReadyPage<'a> {
    let steps = view
        .steps
        .iter()
        .map(|s| StepRow {
            id: s.id,
            status_code: s.status,
            status: ctx.t(&format!("export-status-{}", s.status)),
            title: ctx.t(&format!("export-step-{}", s.id)),
            detail: detail(ctx, s),
            link: s.link,
            link_label: ctx.t(&format!("export-fix-{}", s.id)),
        })
        .collect();
    ExportReadyPage {
        c: ctx,
        chrome: portal.chrome(ctx, PATH),
        ready: view.ready,
        summary: ctx.t2("export-summary", "done", view.done, "applicable", view.applicable),
        steps,
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let view = s.app.export_ready(&portal.who, portal.merchant.id).await.or_page(&ctx)?;
    Ok(ctx.render(&page(&ctx, &portal, &view)))
}
