//! Tariff scenarios (issue 6): a form for a what-if rule — two presets (every order
//! at full tax; duty raised 25 points on a class) and the free fields — and, once
//! posted, what the rule does to the catalog per tax class and the products whose
//! price rises most. A preview saves nothing, so the POST answers with the page
//! itself rather than a redirect; it carries a CSRF token like every console form.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use crate::ui::forms::{Field, FormErrors, PageForm};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::input::DecimalText;
use gateway_app::scenarios::{ExtraDutyInput, GroupView, ScenarioInput, ScenarioView};
use gateway_core::scenario::ALL_CLASSES;
use serde::Deserialize;

/// The preset that raises a class's duty, in percentage points.
const PRESET_POINTS: &str = "25";

/// The form's values, as typed. `preset` is the button pressed.
#[derive(Debug, Default, Deserialize)]
pub struct ScenarioForm {
    pub preset: Option<String>,
    pub full_tax: Option<String>,
    pub extra_class: Option<String>,
    pub extra_points: Option<String>,
    pub extra_in_cbec: Option<String>,
    pub fx_rate: Option<String>,
    pub single_limit: Option<String>,
}

impl ScenarioForm {
    /// The form as the preset pressed means it: "everything at full tax" clears the
    /// duty; "+25 points" sets 25 on the chosen class (every class when none is).
    fn with_preset(mut self) -> Self {
        match self.preset.as_deref() {
            Some("full_tax") => {
                self.full_tax = Some("1".into());
                self.extra_class = None;
                self.extra_points = None;
            }
            Some("duty25") => {
                self.full_tax = None;
                if self.extra_class.as_deref().is_none_or(|c| c.trim().is_empty()) {
                    self.extra_class = Some(ALL_CLASSES.into());
                }
                self.extra_points = Some(PRESET_POINTS.into());
            }
            _ => {}
        }
        self
    }

    /// The app's input: blank is absent; an extra duty when either of its fields is
    /// filled (the other is then named as missing).
    fn input(&self) -> ScenarioInput {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let (class, points) = (text(&self.extra_class), text(&self.extra_points));
        let extra_duty = (class.is_some() || points.is_some())
            .then(|| vec![ExtraDutyInput { tax_class: class, points: points.map(DecimalText) }]);
        ScenarioInput {
            cbec_preference: Some(self.full_tax.is_none()),
            extra_duty,
            extra_duty_in_cbec: Some(self.extra_in_cbec.is_some()),
            fx_rate: text(&self.fx_rate).map(DecimalText),
            single_limit: text(&self.single_limit).map(DecimalText),
            top: None,
        }
    }
}

/// A choice of the class select.
pub struct ClassOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// One row of the results table, as the page shows it.
pub struct GroupRow {
    pub name: String,
    pub products: u64,
    pub mean_before: String,
    pub mean_after: String,
    pub mean_change: String,
    pub median_change: String,
    pub within_before: String,
    pub within_after: String,
    pub crossed_over: u64,
    pub crossed_under: u64,
    pub full_tax_before: String,
    pub full_tax_after: String,
}

impl GroupRow {
    fn new(ctx: &Ctx, g: &GroupView) -> Self {
        let name = match &g.name {
            Some(n) => ctx.pick(&n.en, Some(&n.zh)).text,
            None => g.tax_class.clone().unwrap_or_else(|| ctx.t("op-scenario-overall")),
        };
        GroupRow {
            name,
            products: g.products,
            mean_before: g.mean_price_before.clone(),
            mean_after: g.mean_price_after.clone(),
            mean_change: g.mean_change_pct.clone(),
            median_change: g.median_change_pct.clone(),
            within_before: g.share_within_limit_before.as_percent(),
            within_after: g.share_within_limit_after.as_percent(),
            crossed_over: g.crossed_over_limit,
            crossed_under: g.crossed_under_limit,
            full_tax_before: g.share_full_tax_before.as_percent(),
            full_tax_after: g.share_full_tax_after.as_percent(),
        }
    }
}

pub struct IncreaseRow {
    pub product_id: String,
    pub title: String,
    pub lang: &'static str,
    pub class: String,
    /// "¥121.10 → ¥151.38 (25.00%)".
    pub text: String,
}

/// What the rule did, ready for the template.
pub struct Results {
    pub fx_before: String,
    pub fx_after: String,
    pub limit_after: String,
    pub overall: GroupRow,
    pub classes: Vec<GroupRow>,
    pub increases: Vec<IncreaseRow>,
}

impl Results {
    fn new(ctx: &Ctx, v: &ScenarioView) -> Self {
        Results {
            fx_before: v.fx_rate_before.clone(),
            fx_after: v.fx_rate_after.clone(),
            limit_after: v.single_limit_after.clone(),
            overall: GroupRow::new(ctx, &v.overall),
            classes: v.classes.iter().map(|g| GroupRow::new(ctx, g)).collect(),
            increases: v
                .largest_increases
                .iter()
                .map(|i| {
                    let title = ctx.pick(&i.title_en, i.title_zh.as_deref());
                    let class = v
                        .classes
                        .iter()
                        .find(|g| g.tax_class.as_deref() == Some(i.tax_class.as_str()))
                        .and_then(|g| g.name.as_ref())
                        .map_or_else(|| i.tax_class.clone(), |n| ctx.pick(&n.en, Some(&n.zh)).text);
                    IncreaseRow {
                        product_id: i.product_id.clone(),
                        title: title.text,
                        lang: title.lang,
                        class,
                        text: ctx.t3(
                            "op-scenario-increase",
                            ("before", &i.price_before),
                            ("after", &i.price_after),
                            ("change", &i.change_pct),
                        ),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "operator/scenarios.html")]
pub struct ScenariosPage<'a> {
    pub c: &'a Ctx,
    pub full_tax: bool,
    pub classes: Vec<ClassOption>,
    pub class_error: Option<String>,
    pub points: Field,
    pub in_cbec: bool,
    pub fx_rate: Field,
    pub single_limit: Field,
    pub errors: FormErrors,
    pub results: Option<Results>,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    form: ScenarioForm,
    results: Option<Results>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    ctx.require_operator()?;
    let table = s.app.tax_classes().await.or_page(ctx)?;
    let chosen = form.extra_class.as_deref().map(str::trim).unwrap_or("");
    let mut classes = vec![
        ClassOption { code: String::new(), name: ctx.t("op-scenario-class-none"), selected: chosen.is_empty() },
        ClassOption { code: ALL_CLASSES.into(), name: ctx.t("op-scenario-class-all"), selected: chosen == ALL_CLASSES },
    ];
    classes.extend(table.iter().map(|c| ClassOption {
        code: c.code.clone(),
        name: ctx.pick(&c.name.en, Some(&c.name.zh)).text,
        selected: chosen == c.code,
    }));
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let optional = |field: Field| Field { required: false, ..field };
    let page = ScenariosPage {
        c: ctx,
        full_tax: form.full_tax.is_some(),
        classes,
        class_error: errors.get("extra_class").map(str::to_string),
        points: optional(
            Field::new("extra_points", ctx.t("op-scenario-points"), value(&form.extra_points), &errors)
                .hint(ctx.t("op-scenario-points-hint"))
                .inputmode("decimal"),
        ),
        in_cbec: form.extra_in_cbec.is_some(),
        fx_rate: optional(
            Field::new("fx_rate", ctx.t("op-scenario-fx"), value(&form.fx_rate), &errors)
                .hint(ctx.t("op-scenario-fx-hint"))
                .inputmode("decimal"),
        ),
        single_limit: optional(
            Field::new("single_limit", ctx.t("op-scenario-limit"), value(&form.single_limit), &errors)
                .hint(ctx.t("op-scenario-limit-hint"))
                .inputmode("decimal"),
        ),
        errors,
        results,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn form(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    render(&s, &ctx, ScenarioForm::default(), None, FormErrors::default(), StatusCode::OK).await
}

/// The app names the extra duty's fields by JSON path (`extra_duty[0].points`); the
/// form has one entry, whose inputs are `extra_class` and `extra_points`.
fn form_field(path: &str) -> String {
    match path {
        "extra_duty[0].tax_class" => "extra_class".into(),
        "extra_duty[0].points" => "extra_points".into(),
        other => other.into(),
    }
}

pub async fn submit(State(s): State<AppState>, form: PageForm<ScenarioForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    let data = form.data.with_preset();
    match s.app.preview_scenario(&who, data.input()).await {
        Ok(view) => {
            let results = Results::new(&ctx, &view);
            render(&s, &ctx, data, Some(results), FormErrors::default(), StatusCode::OK).await
        }
        Err(error) => {
            let error = match error {
                AppError::Validation(mut errors) => {
                    errors.iter_mut().for_each(|e| e.field = form_field(&e.field));
                    AppError::Validation(errors)
                }
                other => other,
            };
            let status = match &error {
                AppError::Refused(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, data, None, errors, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_fill_the_form_and_blanks_are_absent() {
        let form = ScenarioForm {
            preset: Some("duty25".into()),
            extra_class: Some("agri".into()),
            full_tax: Some("1".into()),
            fx_rate: Some("  ".into()),
            ..ScenarioForm::default()
        }
        .with_preset();
        let input = form.input();
        assert_eq!(input.cbec_preference, Some(true));
        let extra = input.extra_duty.unwrap_or_default();
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].tax_class.as_deref(), Some("agri"));
        assert_eq!(extra[0].points.as_ref().map(|p| p.0.as_str()), Some("25"));
        assert!(input.fx_rate.is_none());
        let all = ScenarioForm { preset: Some("duty25".into()), ..ScenarioForm::default() }.with_preset().input();
        assert_eq!(all.extra_duty.unwrap_or_default()[0].tax_class.as_deref(), Some("*"));
        let full = ScenarioForm {
            preset: Some("full_tax".into()),
            extra_points: Some("10".into()),
            ..ScenarioForm::default()
        }
        .with_preset()
        .input();
        assert_eq!((full.cbec_preference, full.extra_duty.is_none()), (Some(false), true));
        assert_eq!(form_field("extra_duty[0].points"), "extra_points");
    }
}
