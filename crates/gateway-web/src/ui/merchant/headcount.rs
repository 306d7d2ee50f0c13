//! `/merchant/headcount`: the merchant's owner reports how many people the business
//! employs, once per calendar year (again for the same year replaces the figure). The
//! impact dashboard counts each exporting merchant's latest report, else its
//! employees at sign-up. Inside the merchant portal (English by default, its header
//! and navigation), with a template of its own.

use super::portal::{Chrome, Portal};
use super::widgets::{blank_is_required, whole_number};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::forms::{Field, FormErrors, PageForm};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use gateway_app::impact::{HeadcountInput, HeadcountPage};
use serde::Deserialize;

const PATH: &str = "/merchant/headcount";

/// A year the form offers.
pub struct YearChoice {
    pub year: i32,
    pub selected: bool,
}

/// A report as the table shows it.
pub struct ReportRow {
    pub year: i32,
    pub employees: String,
    pub reported_at: String,
}

#[derive(Template)]
#[template(path = "merchant/headcount.html")]
pub struct HeadcountForm<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub employees_at_signup: String,
    pub years: Vec<YearChoice>,
    pub year_error: Option<String>,
    pub employees: Field,
    pub reports: Vec<ReportRow>,
    /// The year just saved, for the confirmation.
    pub saved: Option<i32>,
    pub errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct Submitted {
    pub year: Option<String>,
    pub employees: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Shown {
    pub saved: Option<i32>,
}

fn render<'a>(
    ctx: &'a Ctx,
    portal: &Portal,
    page: HeadcountPage,
    typed: &Submitted,
    errors: FormErrors,
    saved: Option<i32>,
) -> HeadcountForm<'a> {
    let chosen = typed.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    // The current year is the one to report unless another was chosen.
    let current = chosen.or_else(|| page.years.first().copied());
    let employees =
        Field::new("employees", ctx.t("headcount-employees"), typed.employees.clone().unwrap_or_default(), &errors)
            .hint(ctx.t("headcount-employees-hint"))
            .kind("number")
            .inputmode("numeric");
    HeadcountForm {
        c: ctx,
        chrome: portal.chrome(ctx, PATH),
        employees_at_signup: crate::ui::impact::group(page.employees_at_signup),
        years: page.years.iter().map(|&year| YearChoice { year, selected: Some(year) == current }).collect(),
        year_error: errors.get("year").map(str::to_string),
        employees,
        reports: page
            .reports
            .iter()
            .map(|r| ReportRow {
                year: r.year,
                employees: crate::ui::impact::group(r.employees),
                reported_at: r.reported_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
            .collect(),
        saved,
        errors,
    }
}

pub async fn form(State(s): State<AppState>, ctx: Ctx, Query(q): Query<Shown>) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let page = s.app.my_headcount(&portal.who).await.map_err(|e| ctx.fail(e))?;
    let form = render(&ctx, &portal, page, &Submitted::default(), FormErrors::default(), q.saved);
    Ok(ctx.render(&form))
}

pub async fn submit(State(s): State<AppState>, form: PageForm<Submitted>) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let year = data.year.clone().unwrap_or_default();
    let input = HeadcountInput { employees: Some(whole_number(data.employees.as_deref())) };
    match s.app.report_headcount(&portal.who, portal.merchant.id, &year, input).await {
        Ok(saved) => Ok(ctx.redirect(&format!("{PATH}?saved={}", saved.year))),
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            // This form's own words for its two fields (the app's field paths).
            for (field, message) in errors.fields.iter_mut() {
                match field.as_str() {
                    "employees" => *message = ctx.t("headcount-err-employees"),
                    "year" => *message = ctx.t("headcount-err-year"),
                    _ => {}
                }
            }
            blank_is_required(&ctx, &mut errors, &[("employees", data.employees.as_deref())]);
            let page = s.app.my_headcount(&portal.who).await.map_err(|e| ctx.fail(e))?;
            let form = render(&ctx, &portal, page, &data, errors, None);
            Ok(ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, &form))
        }
    }
}
