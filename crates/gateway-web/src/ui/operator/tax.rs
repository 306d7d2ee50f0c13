//! The tax-class table (SPEC 3: "the operator may edit it"): all classes with their
//! rates and flags, and one class's form. Operators think in percent, the API in
//! fractions: the form takes "13" and sends "0.13"; the app validates the bounds.
//! Saving re-runs the listing check of every product in the class at once — taking
//! a class off the positive list blocks its products — and says how many changed.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{Field, FormErrors, PageForm};
use crate::ui::shared::format::percent;
use crate::ui::shared::url::query_params;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::admin::{ClassNameInput, TaxClassInput, ThresholdInput};
use gateway_app::input::DecimalText;
use gateway_app::tax_classes::TaxClassView;
use serde::Deserialize;

/// A percentage as typed ("13", "6.5") as the fraction the app takes ("0.13",
/// "0.065"), by moving the decimal point; anything that is not a plain decimal is
/// passed on unchanged, for the app to refuse beside its field.
pub fn percent_to_fraction(text: &str) -> String {
    let text = text.trim();
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || (text.contains('.') && frac.is_empty()) {
        return text.to_string();
    }
    let digits = format!("{int}{frac}");
    // The point moves two places left: it stands `int.len() - 2` digits in.
    let point = int.len() as isize - 2;
    if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs()))
    } else {
        let (whole, rest) = digits.split_at(point.unsigned_abs());
        if rest.is_empty() { whole.to_string() } else { format!("{whole}.{rest}") }
    }
}

pub struct ClassRow {
    pub code: String,
    pub name: String,
    pub other_name: String,
    pub vat: String,
    pub ct: String,
    pub threshold: Option<(String, String)>,
    pub duty: String,
    pub food: bool,
    pub positive_list: bool,
}

impl ClassRow {
    fn new(ctx: &Ctx, c: &TaxClassView) -> Self {
        let name = ctx.pick(&c.name.en, Some(&c.name.zh));
        let other = if name.lang == "en" { c.name.zh.clone() } else { c.name.en.clone() };
        ClassRow {
            code: c.code.clone(),
            name: name.text,
            other_name: other,
            vat: percent(c.vat_rate),
            ct: percent(c.consumption_tax_rate),
            threshold: c.consumption_tax_threshold.as_ref().map(|t| (t.per_g_or_ml.clone(), t.per_piece.clone())),
            duty: percent(c.mfn_duty_rate),
            food: c.food,
            positive_list: c.positive_list,
        }
    }
}

#[derive(Template)]
#[template(path = "operator/tax_classes.html")]
pub struct ClassesPage<'a> {
    pub c: &'a Ctx,
    pub classes: Vec<ClassRow>,
    pub saved: Option<String>,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    ctx.require_operator()?;
    let params = query_params(query.as_deref());
    let classes: Vec<ClassRow> =
        s.app.tax_classes().await.or_page(&ctx)?.iter().map(|c| ClassRow::new(&ctx, c)).collect();
    // "Saved Agricultural products; 3 products' listings changed."
    let saved = params.get("saved").and_then(|code| classes.iter().find(|c| &c.code == code)).map(|class| {
        let changed = params.get("changed").and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        ctx.t2("op-tax-saved", "class", &class.name, "changed", changed)
    });
    Ok(ctx.render(&ClassesPage { c: &ctx, classes, saved }))
}

/// The form's values, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ClassForm {
    pub name_en: Option<String>,
    pub name_zh: Option<String>,
    pub vat_rate: Option<String>,
    pub consumption_tax_rate: Option<String>,
    pub threshold_g: Option<String>,
    pub threshold_piece: Option<String>,
    pub mfn_duty_rate: Option<String>,
    pub food: Option<String>,
    pub positive_list: Option<String>,
}

impl ClassForm {
    fn of(class: &TaxClassView) -> Self {
        let threshold = class.consumption_tax_threshold.as_ref();
        ClassForm {
            name_en: Some(class.name.en.clone()),
            name_zh: Some(class.name.zh.clone()),
            vat_rate: Some(percent(class.vat_rate)),
            consumption_tax_rate: Some(percent(class.consumption_tax_rate)),
            threshold_g: threshold.map(|t| t.per_g_or_ml.clone()),
            threshold_piece: threshold.map(|t| t.per_piece.clone()),
            mfn_duty_rate: Some(percent(class.mfn_duty_rate)),
            food: class.food.then(|| "1".into()),
            positive_list: class.positive_list.then(|| "1".into()),
        }
    }

    /// The app's input: blank is absent (so "required" shows), percentages become
    /// fractions, two blank thresholds are no threshold.
    fn input(&self) -> TaxClassInput {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let rate = |v: &Option<String>| text(v).map(|p| DecimalText(percent_to_fraction(&p)));
        let amount = |v: &Option<String>| text(v).map(DecimalText);
        let threshold = match (amount(&self.threshold_g), amount(&self.threshold_piece)) {
            (None, None) => None,
            (per_g_or_ml, per_piece) => Some(ThresholdInput { per_g_or_ml, per_piece }),
        };
        TaxClassInput {
            name: Some(ClassNameInput { en: text(&self.name_en), zh: text(&self.name_zh) }),
            vat_rate: rate(&self.vat_rate),
            consumption_tax_rate: rate(&self.consumption_tax_rate),
            consumption_tax_threshold: threshold,
            mfn_duty_rate: rate(&self.mfn_duty_rate),
            food: Some(self.food.is_some()),
            positive_list: Some(self.positive_list.is_some()),
        }
    }
}

#[derive(Template)]
#[template(path = "operator/tax_class.html")]
pub struct ClassPage<'a> {
    pub c: &'a Ctx,
    pub code: String,
    pub name: String,
    pub fields: Vec<Field>,
    pub threshold_fields: Vec<Field>,
    pub duty_field: Field,
    pub food: bool,
    pub positive_list: bool,
    /// The class is on the positive list now (a warning when the form takes it off).
    pub was_on_list: bool,
    pub errors: FormErrors,
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    code: &str,
    form: Option<ClassForm>,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    ctx.require_operator()?;
    let class = match s.app.tax_class(code).await {
        Ok(class) => class,
        Err(AppError::NotFound(_)) => return Err(errors::page(ctx, StatusCode::NOT_FOUND, "error-not-found")),
        Err(other) => return Err(ctx.fail(other)),
    };
    let f = form.unwrap_or_else(|| ClassForm::of(&class));
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let optional = |field: Field| Field { required: false, ..field };
    let fields = vec![
        Field::new("name_en", ctx.t("op-tax-name-en"), value(&f.name_en), &errors).error_of(&errors, "name.en"),
        Field::new("name_zh", ctx.t("op-tax-name-zh"), value(&f.name_zh), &errors).error_of(&errors, "name.zh"),
        Field::new("vat_rate", ctx.t("op-tax-vat"), value(&f.vat_rate), &errors)
            .hint(ctx.t("op-tax-vat-hint"))
            .inputmode("decimal"),
        Field::new("consumption_tax_rate", ctx.t("op-tax-ct"), value(&f.consumption_tax_rate), &errors)
            .hint(ctx.t("op-tax-ct-hint"))
            .inputmode("decimal"),
    ];
    let threshold_fields = vec![
        optional(
            Field::new("threshold_g", ctx.t("op-tax-threshold-g"), value(&f.threshold_g), &errors)
                .error_of(&errors, "consumption_tax_threshold.per_g_or_ml")
                .inputmode("decimal"),
        ),
        optional(
            Field::new("threshold_piece", ctx.t("op-tax-threshold-piece"), value(&f.threshold_piece), &errors)
                .error_of(&errors, "consumption_tax_threshold.per_piece")
                .inputmode("decimal"),
        ),
    ];
    let duty_field = Field::new("mfn_duty_rate", ctx.t("op-tax-duty"), value(&f.mfn_duty_rate), &errors)
        .hint(ctx.t("op-tax-duty-hint"))
        .inputmode("decimal");
    let page = ClassPage {
        c: ctx,
        code: class.code.clone(),
        name: ctx.pick(&class.name.en, Some(&class.name.zh)).text,
        fields,
        threshold_fields,
        duty_field,
        food: f.food.is_some(),
        positive_list: f.positive_list.is_some(),
        was_on_list: class.positive_list,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn form(State(s): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    render(&s, &ctx, &code, None, FormErrors::default(), StatusCode::OK).await
}

pub async fn submit(State(s): State<AppState>, Path(code): Path<String>, form: PageForm<ClassForm>) -> PageResult {
    let ctx = form.ctx;
    let who = ctx.require_operator()?.clone();
    match s.app.update_tax_class(&who, &code, form.data.input()).await {
        Ok(saved) => Ok(ctx
            .redirect(&format!("/operator/tax-classes?saved={}&changed={}", saved.class.code, saved.products_changed))),
        Err(AppError::NotFound(_)) => Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found")),
        Err(error) => {
            let errors = FormErrors::from_app(&ctx, error)?;
            render(&s, &ctx, &code, Some(form.data), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::tax_class::parse_rate;

    #[test]
    fn percentages_become_fractions() {
        for (typed, fraction) in [
            ("13", "0.13"),
            ("6.5", "0.065"),
            ("0", "0.00"),
            ("9", "0.09"),
            ("100", "1.00"),
            ("150", "1.50"),
            ("12.3456", "0.123456"),
            (" 15 ", "0.15"),
            ("0.05", "0.0005"),
        ] {
            assert_eq!(percent_to_fraction(typed), fraction, "{typed}");
            assert!(parse_rate(fraction).is_ok() || typed == "100" || typed == "150", "{fraction} parses");
        }
        for not_a_number in ["13%", "-5", "abc", "1.", ".5", "1,5", ""] {
            assert_eq!(percent_to_fraction(not_a_number), not_a_number.trim());
        }
    }
}
