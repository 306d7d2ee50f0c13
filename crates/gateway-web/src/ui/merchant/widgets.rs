//! The portal's form controls beyond the shared [`Field`]: selects and radio groups,
//! each with its hint, its error and the listing check's problems that concern it,
//! sections of controls, the suggested title; and the portal's navigation.

use crate::ui::context::Ctx;
use crate::ui::forms::{Field, FormErrors, described_by, setters};
use crate::ui::shared::choice::Choice;

/// A portal input: its error is the app's for field `path`, and the browser does not
/// autofill it (a business's details are not the signed-in person's).
pub fn input(name: &'static str, label: String, value: impl Into<String>, errors: &FormErrors, path: &str) -> Field {
    Field::new(name, label, value, errors).error_of(errors, path).autocomplete("off")
}

/// A select (templates/merchant/select.html) or a radio group (radios.html).
#[derive(Debug, Clone)]
pub struct Select {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub error: Option<String>,
    pub problems: Vec<String>,
    /// The first, empty option ("Choose…") while nothing is chosen; None for none.
    pub placeholder: Option<String>,
    pub choices: Vec<Choice>,
}

impl Select {
    pub fn new(name: &'static str, label: String, choices: Vec<Choice>, errors: &FormErrors, path: &str) -> Self {
        Select {
            name,
            label,
            hint: String::new(),
            error: errors.get(path).map(str::to_string),
            problems: Vec::new(),
            placeholder: None,
            choices,
        }
    }

    setters!(hint: String, problems: Vec<String>);

    pub fn placeholder(mut self, text: String) -> Self {
        self.placeholder = Some(text);
        self
    }

    pub fn nothing_chosen(&self) -> bool {
        !self.choices.iter().any(|c| c.selected)
    }

    pub fn described_by(&self) -> String {
        described_by(self.name, self.error.is_some(), !self.problems.is_empty(), !self.hint.is_empty())
    }
}

/// One control of a form, as templates/merchant/controls.html renders it.
#[derive(Debug, Clone)]
pub enum Control {
    Input(Field),
    Select(Select),
    /// A select shown as radio buttons, each choice with its hint.
    Radios(Select),
    /// The suggested Chinese title, with its "use this" button.
    Suggestion(Suggestion),
}

/// A group of controls under a legend.
#[derive(Debug, Clone)]
pub struct Section {
    pub legend: String,
    pub controls: Vec<Control>,
}

/// The glossary's Chinese title for the English one, offered while the Chinese title
/// is empty: a submit button (`intent=suggest`) puts it into the field, to be edited.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// None when the glossary knows none of the title's words.
    pub text: Option<String>,
    /// The button was pressed and there was nothing to suggest.
    pub none_found: bool,
}

/// A whole number typed into a form, for an app input that takes an integer. Text
/// that is not one (including nothing) becomes -1, which the app refuses for every
/// field this is used for (employees, weight, stock: none may be negative), so the
/// form comes back with that field's own message beside it and every other field
/// checked too; [`blank_is_required`] then says "fill this in" for the blank ones.
pub fn whole_number(text: Option<&str>) -> i64 {
    text.and_then(|t| t.trim().parse::<i64>().ok()).unwrap_or(-1)
}

/// For each `(field path, submitted text)` left blank that the app found at fault,
/// the message becomes "Please fill this in" rather than the field's format rule.
pub fn blank_is_required(ctx: &Ctx, errors: &mut FormErrors, submitted: &[(&str, Option<&str>)]) {
    for (path, message) in errors.fields.iter_mut() {
        let blank = submitted.iter().any(|(p, text)| p == path && text.is_none_or(|t| t.trim().is_empty()));
        if blank {
            *message = ctx.t("err-required");
        }
    }
}

/// `Some(text)` unless blank: optional text the app takes as absent when missing.
pub fn non_blank(text: &Option<String>) -> Option<String> {
    text.as_ref().filter(|t| !t.trim().is_empty()).cloned()
}

/// The portal's sections, for its navigation bar (templates/merchant/nav.html).
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The navigation with `current` (an href) marked, and the count of unread
/// notifications beside the buyer requests.
pub fn nav(ctx: &Ctx, current: &str, unread: i64) -> Vec<NavItem> {
    let sourcing =
        if unread > 0 { ctx.t1("portal-nav-sourcing-unread", "count", unread) } else { ctx.t("portal-nav-sourcing") };
    [
        ("/merchant", ctx.t("portal-nav-home")),
        ("/merchant/products", ctx.t("portal-nav-products")),
        ("/merchant/orders", ctx.t("portal-nav-orders")),
        ("/merchant/sales", ctx.t("portal-nav-sales")),
        ("/merchant/profile", ctx.t("portal-nav-profile")),
        ("/merchant/food-readiness", ctx.t("portal-nav-food-readiness")),
        ("/merchant/export-ready", ctx.t("portal-nav-export-ready")),
        ("/merchant/academy", ctx.t("portal-nav-academy")),
        ("/merchant/sourcing", sourcing),
        ("/merchant/headcount", ctx.t("portal-nav-headcount")),
        ("/events", ctx.t("portal-nav-events")),
    ]
    .into_iter()
    .map(|(href, label)| NavItem { href, label, current: href == current })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_or_a_refused_sentinel() {
        assert_eq!(whole_number(Some(" 12 ")), 12);
        assert_eq!(whole_number(Some("0")), 0);
        assert_eq!(whole_number(Some("")), -1);
        assert_eq!(whole_number(Some("twelve")), -1);
        assert_eq!(whole_number(Some("1.5")), -1);
        assert_eq!(whole_number(Some("99999999999999999999")), -1);
        assert_eq!(whole_number(None), -1);
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(non_blank(&Some("  ".into())), None);
        assert_eq!(non_blank(&None), None);
        assert_eq!(non_blank(&Some("x".into())), Some("x".into()));
    }
}
