//! Adding and editing a product. The listing check's reasons stand beside the field
//! they concern (the tax class); while the Chinese title is empty, the glossary's
//! suggestion is offered with a button that puts it into the field, to be edited
//! before saving (no script needed: the button re-sends the form, nothing is saved).

use super::portal::{Chrome, Portal, listing_problem, product_status};
use super::widgets::{Control, Section, Select, Suggestion, blank_is_required, input, non_blank, whole_number};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{FormErrors, PageForm};
use crate::ui::shared::choice::Choice;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gateway_app::input::{BilingualInput, DecimalText};
use gateway_app::products::{NetContentInput, ProductInput, ProductView};
use gateway_app::tax_classes::TaxClassView;
use gateway_core::product::ContentUnit;
use serde::Deserialize;

/// The form as typed: every field text, so that whatever was sent comes back.
#[derive(Debug, Default, Deserialize)]
pub struct ProductForm {
    pub sku: Option<String>,
    pub title_en: Option<String>,
    pub title_zh: Option<String>,
    pub description_en: Option<String>,
    pub description_zh: Option<String>,
    pub tax_class: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub price_usd: Option<String>,
    pub weight_g: Option<String>,
    pub net_content_value: Option<String>,
    pub net_content_unit: Option<String>,
    pub stock: Option<String>,
    /// `suggest` (fill the Chinese title from the glossary) or `save`.
    pub intent: Option<String>,
}

impl ProductForm {
    fn of(p: &ProductView) -> Self {
        ProductForm {
            sku: Some(p.sku.clone()),
            title_en: Some(p.title.en.clone()),
            title_zh: p.title.zh.clone(),
            description_en: Some(p.description.en.clone()),
            description_zh: p.description.zh.clone(),
            tax_class: Some(p.tax_class.clone()),
            hs_code: Some(p.hs_code.clone()),
            origin_country: Some(p.origin_country.clone()),
            price_usd: Some(p.price_usd.clone()),
            weight_g: Some(p.weight_g.to_string()),
            net_content_value: Some(p.net_content.value.to_string()),
            net_content_unit: Some(p.net_content.unit.to_string()),
            stock: Some(p.stock.to_string()),
            intent: None,
        }
    }

    /// The app's input: every field given, so that an edit saves exactly the form.
    fn input(&self) -> ProductInput {
        let text = |t: &Option<String>| Some(t.clone().unwrap_or_default());
        ProductInput {
            sku: text(&self.sku),
            title: Some(BilingualInput { en: text(&self.title_en), zh: non_blank(&self.title_zh) }),
            description: Some(BilingualInput { en: text(&self.description_en), zh: non_blank(&self.description_zh) }),
            tax_class: text(&self.tax_class),
            hs_code: text(&self.hs_code),
            // Blank keeps the default (US) for a new product, or the current country.
            origin_country: non_blank(&self.origin_country),
            price_usd: text(&self.price_usd).map(DecimalText),
            weight_g: Some(whole_number(self.weight_g.as_deref())),
            net_content: Some(NetContentInput {
                value: text(&self.net_content_value).map(DecimalText),
                unit: text(&self.net_content_unit),
            }),
            stock: Some(whole_number(self.stock.as_deref())),
            status: None,
        }
    }

    /// What was sent, by the app's field paths (for "please fill this in").
    fn submitted(&self) -> Vec<(&'static str, Option<&str>)> {
        vec![
            ("sku", self.sku.as_deref()),
            ("title.en", self.title_en.as_deref()),
            ("description.en", self.description_en.as_deref()),
            ("tax_class", self.tax_class.as_deref()),
            ("hs_code", self.hs_code.as_deref()),
            ("price_usd", self.price_usd.as_deref()),
            ("weight_g", self.weight_g.as_deref()),
            ("net_content.value", self.net_content_value.as_deref()),
            ("net_content.unit", self.net_content_unit.as_deref()),
            ("stock", self.stock.as_deref()),
        ]
    }

    fn title_zh_blank(&self) -> bool {
        non_blank(&self.title_zh).is_none()
    }
}

/// The saved product, on its edit page: status, sale, withdraw or relist.
pub struct Saved {
    pub id: String,
    pub status_code: &'static str,
    pub status: String,
    pub for_sale: bool,
    pub needs_registration: bool,
    pub toggle_to: &'static str,
    pub toggle_label: String,
}

#[derive(Template)]
#[template(path = "merchant/product_form.html")]
pub struct ProductFormPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub title: String,
    /// Where the form posts.
    pub action: String,
    pub saved: Option<Saved>,
    pub sections: Vec<Section>,
    pub notice: Option<String>,
    pub errors: FormErrors,
}

/// What the page needs besides the form: the tax classes, the saved product (when
/// editing), and the suggestion state.
struct Context<'v> {
    classes: Vec<TaxClassView>,
    product: Option<&'v ProductView>,
    /// The suggest button was pressed and the glossary had nothing.
    none_found: bool,
}

fn sections(s: &AppState, ctx: &Ctx, f: &ProductForm, k: &Context<'_>, e: &FormErrors) -> Vec<Section> {
    let v = |t: &Option<String>| t.clone().unwrap_or_default();
    // The listing check's reasons, beside the field they concern.
    let problems = |field: &str| -> Vec<String> {
        k.product
            .map(|p| {
                p.problems.iter().filter(|pr| pr.field == field).map(|pr| listing_problem(ctx, &pr.code)).collect()
            })
            .unwrap_or_default()
    };
    let mut title = vec![
        Control::Input(
            input("title_en", ctx.t("product-title-en"), v(&f.title_en), e, "title.en")
                .hint(ctx.t("product-title-en-hint"))
                .maxlength(200),
        ),
        Control::Input(
            input("title_zh", ctx.t("product-title-zh"), v(&f.title_zh), e, "title.zh")
                .hint(ctx.t("product-title-zh-hint"))
                .chinese()
                .optional()
                .maxlength(200),
        ),
    ];
    if f.title_zh_blank() {
        let text = non_blank(&f.title_en).and_then(|en| s.app.suggest_title_zh(&en));
        title.push(Control::Suggestion(Suggestion { text, none_found: k.none_found }));
    }
    title.extend([
        Control::Input(
            input("description_en", ctx.t("product-description-en"), v(&f.description_en), e, "description.en")
                .multiline()
                .maxlength(5000),
        ),
        Control::Input(
            input("description_zh", ctx.t("product-description-zh"), v(&f.description_zh), e, "description.zh")
                .hint(ctx.t("product-description-zh-hint"))
                .multiline()
                .chinese()
                .optional()
                .maxlength(5000),
        ),
    ]);
    let class = v(&f.tax_class);
    let classes = k
        .classes
        .iter()
        .map(|tc| {
            let mut label = ctx.pick(&tc.name.en, Some(&tc.name.zh)).text;
            if !tc.positive_list {
                label = format!("{label} — {}", ctx.t("product-class-not-allowed"));
            } else if tc.food {
                label = format!("{label} — {}", ctx.t("product-class-food"));
            }
            Choice::new(tc.code.clone(), label, &class)
        })
        .collect();
    let unit = v(&f.net_content_unit);
    let units = ContentUnit::CODES
        .iter()
        .map(|&u| Choice::new(u, ctx.t_dynamic(&format!("unit-{u}"), "unit-g"), &unit))
        .collect();
    let mut price_hint = ctx.t("product-price-hint");
    if let Some(cny) = k.product.and_then(|p| p.price_cny.as_deref()) {
        price_hint = format!("{price_hint} {}", ctx.t1("product-price-cny", "price", cny));
    }
    let customs = vec![
        Control::Select(
            Select::new("tax_class", ctx.t("product-tax-class"), classes, e, "tax_class")
                .hint(ctx.t("product-tax-class-hint"))
                .placeholder(ctx.t("portal-choose"))
                .problems(problems("tax_class")),
        ),
        Control::Input(
            input("hs_code", ctx.t("product-hs-code"), v(&f.hs_code), e, "hs_code")
                .hint(ctx.t("product-hs-code-hint"))
                .inputmode("numeric")
                .maxlength(10)
                .problems(problems("hs_code")),
        ),
        Control::Input(
            input("origin_country", ctx.t("product-origin-country"), v(&f.origin_country), e, "origin_country")
                .hint(ctx.t("product-origin-hint"))
                .maxlength(2),
        ),
    ];
    let offer = vec![
        Control::Input(
            input("sku", ctx.t("product-sku"), v(&f.sku), e, "sku").hint(ctx.t("product-sku-hint")).maxlength(64),
        ),
        Control::Input(
            input("price_usd", ctx.t("product-price-usd"), v(&f.price_usd), e, "price_usd")
                .hint(price_hint)
                .kind("number")
                .inputmode("decimal")
                .step("0.01"),
        ),
        Control::Input(
            input("stock", ctx.t("product-stock"), v(&f.stock), e, "stock")
                .hint(ctx.t("product-stock-hint"))
                .kind("number")
                .inputmode("numeric")
                .step("1"),
        ),
        Control::Input(
            input("weight_g", ctx.t("product-weight"), v(&f.weight_g), e, "weight_g")
                .hint(ctx.t("product-weight-hint"))
                .kind("number")
                .inputmode("numeric")
                .step("1"),
        ),
        Control::Input(
            input("net_content_value", ctx.t("product-net-content"), v(&f.net_content_value), e, "net_content.value")
                .hint(ctx.t("product-net-content-hint"))
                .inputmode("decimal"),
        ),
        Control::Select(Select::new(
            "net_content_unit",
            ctx.t("product-net-content-unit"),
            units,
            e,
            "net_content.unit",
        )),
    ];
    vec![
        Section { legend: ctx.t("product-section-text"), controls: title },
        Section { legend: ctx.t("product-section-customs"), controls: customs },
        Section { legend: ctx.t("product-section-offer"), controls: offer },
    ]
}

fn saved(ctx: &Ctx, p: &ProductView) -> Saved {
    let withdrawn = p.status == "delisted";
    Saved {
        id: p.id.clone(),
        status_code: p.status,
        status: product_status(ctx, p.status),
        for_sale: p.for_sale,
        needs_registration: p.problems.iter().any(|pr| pr.code == "food_registration_missing"),
        toggle_to: if withdrawn { "listed" } else { "delisted" },
        toggle_label: if withdrawn { ctx.t("product-relist") } else { ctx.t("product-withdraw") },
    }
}

/// Renders the form (new when `product` is None) with `status`.
#[allow(clippy::too_many_arguments)]
async fn render(
    s: &AppState,
    ctx: &Ctx,
    portal: &Portal,
    product: Option<&ProductView>,
    f: &ProductForm,
    errors: FormErrors,
    notice: Option<String>,
    none_found: bool,
    status: StatusCode,
) -> PageResult {
    let classes = s.app.tax_classes().await.or_page(ctx)?;
    let k = Context { classes, product, none_found };
    let page = ProductFormPage {
        c: ctx,
        chrome: portal.chrome(ctx, "/merchant/products"),
        title: match product {
            Some(p) => ctx.t1("product-edit-title", "title", &p.title.en),
            None => ctx.t("product-new-title"),
        },
        action: match product {
            Some(p) => format!("/merchant/products/{}", p.id),
            None => "/merchant/products/new".into(),
        },
        saved: product.map(|p| saved(ctx, p)),
        sections: sections(s, ctx, f, &k, &errors),
        notice,
        errors,
    };
    Ok(ctx.render_status(status, &page))
}

pub async fn new_form(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let f = ProductForm { origin_country: Some("US".into()), net_content_unit: Some("g".into()), ..Default::default() };
    render(&s, &ctx, &portal, None, &f, FormErrors::default(), None, false, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct EditQuery {
    /// Set after a save.
    pub saved: Option<String>,
}

pub async fn edit_form(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let id = errors::page_id(&ctx, &id)?;
    let product = s.app.own_product(&portal.who, id).await.or_page(&ctx)?;
    let notice = q.saved.map(|_| ctx.t("product-saved"));
    let f = ProductForm::of(&product);
    render(&s, &ctx, &portal, Some(&product), &f, FormErrors::default(), notice, false, StatusCode::OK).await
}

/// The suggest button: the form again, its Chinese title filled from the glossary
/// when it has something to offer. Nothing is saved.
async fn suggest(
    s: &AppState,
    ctx: &Ctx,
    portal: &Portal,
    product: Option<&ProductView>,
    mut f: ProductForm,
) -> PageResult {
    let suggestion = non_blank(&f.title_en).and_then(|en| s.app.suggest_title_zh(&en));
    let found = suggestion.is_some();
    if let Some(zh) = suggestion {
        f.title_zh = Some(zh);
    }
    let notice = found.then(|| ctx.t("product-suggestion-filled"));
    render(s, ctx, portal, product, &f, FormErrors::default(), notice, !found, StatusCode::OK).await
}

pub async fn create(State(s): State<AppState>, form: PageForm<ProductForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    if data.intent.as_deref() == Some("suggest") {
        return suggest(&s, &ctx, &portal, None, data).await;
    }
    match s.app.create_product(&portal.who, portal.merchant.id, data.input()).await {
        Ok(p) => Ok(ctx.redirect(&format!("/merchant/products/{}?saved=1", p.id))),
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            blank_is_required(&ctx, &mut errors, &data.submitted());
            render(&s, &ctx, &portal, None, &data, errors, None, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

pub async fn update(State(s): State<AppState>, Path(id): Path<String>, form: PageForm<ProductForm>) -> PageResult {
    let PageForm { ctx, data } = form;
    let portal = Portal::load(&s, &ctx).await?;
    let id = errors::page_id(&ctx, &id)?;
    let product = s.app.own_product(&portal.who, id).await.or_page(&ctx)?;
    if data.intent.as_deref() == Some("suggest") {
        return suggest(&s, &ctx, &portal, Some(&product), data).await;
    }
    match s.app.update_product(&portal.who, id, data.input()).await {
        Ok(p) => Ok(ctx.redirect(&format!("/merchant/products/{}?saved=1", p.id))),
        Err(error) => {
            let mut errors = FormErrors::from_app(&ctx, error)?;
            blank_is_required(&ctx, &mut errors, &data.submitted());
            render(&s, &ctx, &portal, Some(&product), &data, errors, None, false, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}
