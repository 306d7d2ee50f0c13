//! The results pages: `/search?q=…` with its filters, sort, pages and facet counts,
//! and `/class/{code}` and `/state/{code}`, the same page with one filter fixed and
//! a heading. Everything is a GET form and plain links: the back button, bookmarks
//! and shared links all work, and no script is needed.
//!
//! Prices: each card shows the landed price of one unit (goods, freight and tax, as
//! on the home and product pages, from the same pricing as a quote) marked "tax
//! included", and under it the goods price before tax and freight — the figure the
//! index holds, which the price filter and the price sort use, and which the filter
//! is labelled with. Showing only the goods price would undersell the real cost by
//! 15–40 %; showing only the landed price would make the filter look wrong.

use crate::AppState;
use crate::ui::context::{Ctx, PageResult, Text};
use crate::ui::errors::{self, OrPage};
use crate::ui::forms::{Field, FormErrors};
use crate::ui::shared::names::{name, state_name, title};
use crate::ui::shared::url::encode;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use gateway_app::AppError;
use gateway_app::search::{FacetView, SearchParams};
use gateway_app::search_page::{ResultCard, SearchPageView};
use gateway_app::tax_classes::TaxClassView;
use gateway_core::FieldError;
use gateway_core::merchant::UsState;

/// Results a page shows at once.
const PER_PAGE: usize = 20;
/// The sort orders of the index, in the order the menu offers them.
const SORTS: [&str; 4] = ["relevance", "price_asc", "price_desc", "newest"];

/// The filters as they arrive in the URL: text, so that a wrong value is shown
/// again beside its field rather than refused by the extractor.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub q: String,
    pub tax_class: String,
    pub state: String,
    pub min_price_cny: String,
    pub max_price_cny: String,
    pub in_stock: bool,
    pub sort: String,
    pub page: String,
}

impl Filters {
    /// The first value of each parameter; unknown ones are ignored.
    fn parse(query: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        let mut f = Filters::default();
        let mut seen = std::collections::HashSet::new();
        for (key, value) in pairs {
            if !seen.insert(key.clone()) {
                continue;
            }
            let value = value.trim().to_string();
            match key.as_str() {
                "q" => f.q = value,
                "tax_class" => f.tax_class = value,
                "state" => f.state = value.to_ascii_uppercase(),
                "min_price_cny" => f.min_price_cny = value,
                "max_price_cny" => f.max_price_cny = value,
                "in_stock" => f.in_stock = matches!(value.as_str(), "1" | "on" | "true"),
                "sort" => f.sort = value,
                "page" => f.page = value,
                _ => {}
            }
        }
        f
    }

    /// The app's parameters, or the fields that are not even numbers.
    fn params(&self) -> Result<SearchParams, Vec<FieldError>> {
        let page = match self.page.as_str() {
            "" => None,
            p => match p.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => return Err(vec![FieldError::new("page", "must be a page number")]),
            },
        };
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(SearchParams {
            q: some(&self.q),
            tax_class: some(&self.tax_class),
            state: some(&self.state),
            min_price_cny: some(&self.min_price_cny),
            max_price_cny: some(&self.max_price_cny),
            in_stock: self.in_stock.then_some(true),
            sort: some(&self.sort),
            page,
            per_page: Some(PER_PAGE),
        })
    }

    /// `path` with these filters, `page` and the changes of `set` (a key with an
    /// empty value is left out).
    fn url(&self, path: &str, set: &[(&str, &str)], page: Option<usize>) -> String {
        let in_stock = if self.in_stock { "1" } else { "" };
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.q.clone()),
            ("tax_class", self.tax_class.clone()),
            ("state", self.state.clone()),
            ("min_price_cny", self.min_price_cny.clone()),
            ("max_price_cny", self.max_price_cny.clone()),
            ("in_stock", in_stock.to_string()),
            ("sort", self.sort.clone()),
        ];
        for (key, value) in set {
            if let Some(pair) = pairs.iter_mut().find(|(k, _)| k == key) {
                pair.1 = (*value).to_string();
            }
        }
        if let Some(page) = page.filter(|p| *p > 1) {
            pairs.push(("page", page.to_string()));
        }
        let query: Vec<String> =
            pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
        if query.is_empty() { path.to_string() } else { format!("{path}?{}", query.join("&")) }
    }
}

/// Which filter the page fixes.
#[derive(Debug)]
enum Fixed {
    None,
    Class(TaxClassView),
    State(&'static str),
}

/// A result as a card.
pub struct Card {
    pub id: String,
    pub title: Text,
    pub merchant: Text,
    pub state: String,
    /// One unit's landed price, tax and freight included.
    pub landed: Option<String>,
    /// The goods price before tax and freight.
    pub goods: Option<String>,
    pub in_stock: bool,
}

impl Card {
    fn new(ctx: &Ctx, card: &ResultCard) -> Self {
        Card {
            id: card.hit.id.clone(),
            title: title(ctx, &card.hit.title),
            merchant: name(ctx, &card.merchant_name),
            state: state_name(ctx, &card.hit.state),
            landed: card.landed.as_ref().map(|l| l.amounts.total.clone()),
            goods: card.hit.price_cny.clone(),
            in_stock: card.hit.in_stock,
        }
    }
}

/// An option of the search form, or a facet link: with how many hits it leads to and
/// the search URL that picks it (the storefront's facets are links, not form fields).
pub struct Facet {
    pub value: String,
    pub label: String,
    pub count: Option<u64>,
    pub selected: bool,
    pub href: String,
}

pub struct Pager {
    pub current: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "storefront/search.html")]
pub struct SearchPage<'a> {
    pub c: &'a Ctx,
    pub heading: String,
    /// The form's target: the page itself.
    pub action: String,
    pub filters: Filters,
    pub min_field: Field,
    pub max_field: Field,
    pub errors: FormErrors,
    /// Whether the filter panel starts open (a filter is set, or one is wrong).
    pub open: bool,
    pub show_class_filter: bool,
    pub show_state_filter: bool,
    pub class_choices: Vec<Facet>,
    pub state_choices: Vec<Facet>,
    pub sort_choices: Vec<Facet>,
    pub class_facets: Vec<Facet>,
    pub state_facets: Vec<Facet>,
    /// Links to every class's page, offered when nothing was found.
    pub class_links: Vec<Facet>,
    pub total: usize,
    pub cards: Vec<Card>,
    pub pager: Option<Pager>,
    /// Whether the search ran (false when the filters were refused).
    pub searched: bool,
    pub no_rate: bool,
    /// The page asked for is past the last one (the results moved, or the link was edited).
    pub beyond: Option<String>,
}

pub async fn search(State(s): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    render(&s, &ctx, Fixed::None, query.as_deref()).await
}

pub async fn class(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let class = match s.app.tax_class(&code).await {
        Ok(class) => class,
        Err(AppError::NotFound(_)) => return Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found")),
        Err(other) => return Err(ctx.fail(other)),
    };
    render(&s, &ctx, Fixed::Class(class), query.as_deref()).await
}

pub async fn state(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    match UsState::parse(&code) {
        Ok(state) => render(&s, &ctx, Fixed::State(state.as_str()), query.as_deref()).await,
        Err(_) => Err(errors::page(&ctx, StatusCode::NOT_FOUND, "error-not-found")),
    }
}

fn class_name(ctx: &Ctx, classes: &[TaxClassView], code: &str) -> String {
    classes.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| short_class(ctx, c))
}

/// A class's name in the page's language (the table has both).
fn pick_class(ctx: &Ctx, class: &TaxClassView) -> String {
    ctx.pick(&class.name.en, Some(&class.name.zh)).text
}

/// A class's name without the examples in brackets, for menus and chips:
/// "农产品（坚果、果干…）" → "农产品", "Food (snacks, …)" → "Food".
fn short_class(ctx: &Ctx, class: &TaxClassView) -> String {
    let name = pick_class(ctx, class);
    let short = name.split(['（', '(']).next().unwrap_or(&name).trim();
    if short.is_empty() { name.clone() } else { short.to_string() }
}

async fn render(s: &AppState, ctx: &Ctx, fixed: Fixed, query: Option<&str>) -> PageResult {
    let mut filters = Filters::parse(query);
    let (action, heading) = match &fixed {
        Fixed::None => ("/search".to_string(), String::new()),
        Fixed::Class(class) => {
            filters.tax_class = class.code.clone();
            (format!("/class/{}", class.code), ctx.t1("search-class-heading", "class", pick_class(ctx, class)))
        }
        Fixed::State(code) => {
            filters.state = (*code).to_string();
            (format!("/state/{code}"), ctx.t1("search-state-heading", "state", state_name(ctx, code)))
        }
    };
    let heading = match (heading.is_empty(), filters.q.is_empty()) {
        (false, _) => heading,
        (true, true) => ctx.t("search-all-heading"),
        (true, false) => ctx.t1("search-heading", "query", &filters.q),
    };
    let outcome = match filters.params() {
        Ok(params) => s.app.search_page(&params).await,
        Err(fields) => Err(AppError::Validation(fields)),
    };
    let (mut view, errors, status) = match outcome {
        Ok(view) => (Some(view), FormErrors::default(), StatusCode::OK),
        Err(error) => (None, FormErrors::from_app(ctx, error)?, StatusCode::UNPROCESSABLE_ENTITY),
    };
    // The class names, even when the search was refused (the filter menu needs them).
    let classes = match view.as_mut() {
        Some(v) => std::mem::take(&mut v.classes),
        None => s.app.tax_classes().await.or_page(ctx)?,
    };
    let page = build(ctx, &fixed, filters, action, heading, view, &classes, errors);
    Ok(ctx.render_status(status, &page))
}

#[allow(clippy::too_many_arguments)]
fn build<'a>(
    ctx: &'a Ctx,
    fixed: &Fixed,
    filters: Filters,
    action: String,
    heading: String,
    view: Option<SearchPageView>,
    classes: &[TaxClassView],
    errors: FormErrors,
) -> SearchPage<'a> {
    let counts = |facets: Option<&Vec<FacetView>>, value: &str| {
        facets.and_then(|f| f.iter().find(|x| x.value == value)).map(|x| x.count)
    };
    let class_facets_view = view.as_ref().map(|v| &v.facets.tax_class);
    let state_facets_view = view.as_ref().map(|v| &v.facets.state);

    // The menus: every class of the table (with its count when there is one), and
    // the states that have matches (plus the chosen one, so it stays visible).
    let class_choices = classes
        .iter()
        .map(|c| Facet {
            value: c.code.clone(),
            label: short_class(ctx, c),
            count: counts(class_facets_view, &c.code),
            selected: filters.tax_class == c.code,
            href: String::new(),
        })
        .collect();
    let mut state_codes: Vec<String> =
        state_facets_view.map(|f| f.iter().map(|x| x.value.clone()).collect()).unwrap_or_default();
    if UsState::parse(&filters.state).is_ok() && !state_codes.contains(&filters.state) {
        state_codes.push(filters.state.clone());
    }
    let mut state_choices: Vec<Facet> = state_codes
        .iter()
        .map(|code| Facet {
            value: code.clone(),
            label: state_name(ctx, code),
            count: counts(state_facets_view, code),
            selected: filters.state == *code,
            href: String::new(),
        })
        .collect();
    state_choices.sort_by(|a, b| a.label.cmp(&b.label));
    let sort_choices = SORTS
        .iter()
        .map(|&code| Facet {
            value: code.to_string(),
            label: ctx.t_dynamic(&format!("search-sort-{code}"), "search-sort-relevance"),
            count: None,
            selected: filters.sort == code || (filters.sort.is_empty() && code == "relevance"),
            href: String::new(),
        })
        .collect();

    // Facet links: on a class's page another class is another class's page; on a
    // state's page likewise; elsewhere a link sets the filter.
    let path = action.clone();
    let class_facets: Vec<Facet> = class_facets_view
        .map(|facets| {
            facets
                .iter()
                .map(|f| Facet {
                    value: f.value.clone(),
                    label: class_name(ctx, classes, &f.value),
                    count: Some(f.count),
                    selected: filters.tax_class == f.value,
                    href: match fixed {
                        Fixed::Class(_) => filters.url(&format!("/class/{}", f.value), &[("tax_class", "")], None),
                        _ => filters.url(&path, &[("tax_class", &f.value)], None),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let state_facets: Vec<Facet> = state_facets_view
        .map(|facets| {
            facets
                .iter()
                .map(|f| Facet {
                    value: f.value.clone(),
                    label: state_name(ctx, &f.value),
                    count: Some(f.count),
                    selected: filters.state == f.value,
                    href: match fixed {
                        Fixed::State(_) => filters.url(&format!("/state/{}", f.value), &[("state", "")], None),
                        _ => filters.url(&path, &[("state", &f.value)], None),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let class_links = classes
        .iter()
        .map(|c| Facet {
            value: c.code.clone(),
            label: short_class(ctx, c),
            count: None,
            selected: false,
            href: format!("/class/{}", c.code),
        })
        .collect();

    // The fixed filter is in the path, not in the links' queries.
    let mut link_filters = filters.clone();
    match fixed {
        Fixed::Class(_) => link_filters.tax_class.clear(),
        Fixed::State(_) => link_filters.state.clear(),
        Fixed::None => {}
    }
    let pager = view.as_ref().and_then(|v| {
        let last = v.total.div_ceil(v.per_page.max(1)).min(gateway_app::search::MAX_RESULT_WINDOW / v.per_page.max(1));
        (last > 1).then(|| Pager {
            current: v.page,
            last,
            prev: (v.page > 1).then(|| link_filters.url(&path, &[], Some(v.page - 1))),
            next: (v.page < last).then(|| link_filters.url(&path, &[], Some(v.page + 1))),
        })
    });
    let open = !errors.is_empty()
        || !filters.min_price_cny.is_empty()
        || !filters.max_price_cny.is_empty()
        || filters.in_stock
        || !filters.sort.is_empty()
        || (matches!(fixed, Fixed::None) && (!filters.tax_class.is_empty() || !filters.state.is_empty()));
    let min_field = Field::new("min_price_cny", ctx.t("search-min-price"), filters.min_price_cny.clone(), &errors)
        .inputmode("decimal");
    let min_field = Field { required: false, ..min_field };
    let max_field = Field::new("max_price_cny", ctx.t("search-max-price"), filters.max_price_cny.clone(), &errors)
        .inputmode("decimal");
    let max_field = Field { required: false, ..max_field };
    SearchPage {
        c: ctx,
        heading,
        action,
        min_field,
        max_field,
        errors,
        open,
        show_class_filter: !matches!(fixed, Fixed::Class(_)),
        show_state_filter: !matches!(fixed, Fixed::State(_)),
        class_choices,
        state_choices,
        sort_choices,
        class_facets,
        state_facets,
        class_links,
        total: view.as_ref().map_or(0, |v| v.total),
        no_rate: view.as_ref().is_some_and(|v| v.fx_rate.is_none()),
        searched: view.is_some(),
        beyond: view.as_ref().filter(|v| v.cards.is_empty() && v.total > 0).map(|_| link_filters.url(&path, &[], None)),
        cards: view.as_ref().map(|v| v.cards.iter().map(|card| Card::new(ctx, card)).collect()).unwrap_or_default(),
        pager,
        filters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_the_first_value_and_keep_text() {
        let f = Filters::parse(Some("q=%E8%9C%82%E8%9C%9C&q=x&state=ia&in_stock=on&page=abc&min_price_cny=+10+"));
        assert_eq!(f.q, "蜂蜜");
        assert_eq!(f.state, "IA");
        assert!(f.in_stock);
        assert_eq!(f.min_price_cny, "10");
        assert!(f.params().is_err(), "a page that is not a number is a field error");
        assert!(Filters::parse(Some("%zz=%")).q.is_empty(), "a broken query is no filter");
    }

    #[test]
    fn keys_built_at_run_time_exist() {
        use crate::ui::i18n::{Locale, has};
        for locale in Locale::ALL {
            for sort in SORTS {
                assert!(has(locale, &format!("search-sort-{sort}")), "{} has no search-sort-{sort}", locale.tag());
            }
            // The fields the app may name.
            for field in ["q", "state", "min_price_cny", "max_price_cny", "sort", "page", "per_page"] {
                assert!(has(locale, &format!("err-field-{field}")), "{} has no err-field-{field}", locale.tag());
            }
        }
    }

    #[test]
    fn links_keep_the_filters_and_change_one() {
        let f = Filters { q: "maple syrup".into(), in_stock: true, sort: "price_asc".into(), ..Filters::default() };
        assert_eq!(f.url("/search", &[], Some(2)), "/search?q=maple%20syrup&in_stock=1&sort=price_asc&page=2");
        assert_eq!(f.url("/search", &[("sort", "")], Some(1)), "/search?q=maple%20syrup&in_stock=1");
        assert_eq!(Filters::default().url("/class/agri", &[], None), "/class/agri");
    }
}
