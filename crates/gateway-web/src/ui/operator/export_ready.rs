//! The export-ready checklist in aggregate (issue 8): how many merchants are ready to
//! sell to China, how many did each step, how far the others got, and by US state.
//! The merchant sees its own checklist at `/merchant/export-ready`.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use askama::Template;
use axum::extract::State;
use gateway_app::export_ready::ExportReadySummary;

#[derive(Template)]
#[template(path = "operator/export_ready.html")]
pub struct ExportReadyPage<'a> {
    pub c: &'a Ctx,
    pub summary: ExportReadySummary,
    /// The share of merchants ready, as "12.5".
    pub ready_percent: String,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let who = ctx.require_operator()?.clone();
    let summary = s.app.export_ready_summary(&who).await.or_page(&ctx)?;
    let ready_percent = percent(summary.ready, summary.merchants);
    Ok(ctx.render(&ExportReadyPage { c: &ctx, summary, ready_percent }))
}

/// `part` of `whole` in percent with one decimal, "0.0" when there is no whole.
fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0.0".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_rounds_to_a_tenth() {
        assert_eq!(super::percent(1, 8), "12.5");
        assert_eq!(super::percent(2, 3), "66.7");
        assert_eq!(super::percent(0, 0), "0.0");
        assert_eq!(super::percent(5, 5), "100.0");
    }
}
