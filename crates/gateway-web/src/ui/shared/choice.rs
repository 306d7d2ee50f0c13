//! One option of a select or a radio group, for every form of every area.

use crate::ui::context::Ctx;
use crate::ui::forms::setters;
use crate::ui::shared::names::state_name;
use gateway_core::merchant::UsState;

/// One option of a select or a radio group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// A line under a radio's label (empty for none).
    pub hint: String,
    pub selected: bool,
}

impl Choice {
    /// The option `value`, selected when it is `current`.
    pub fn new(value: impl Into<String>, label: String, current: &str) -> Self {
        let value = value.into();
        Choice { selected: value == current, value, label, hint: String::new() }
    }

    setters!(hint: String);
}

/// The 50 states and DC, named in the page's language with their code ("Iowa (IA)").
pub fn state_choices(ctx: &Ctx, chosen: &str) -> Vec<Choice> {
    UsState::all().map(|s| Choice::new(s.as_str(), format!("{} ({s})", state_name(ctx, s.as_str())), chosen)).collect()
}
