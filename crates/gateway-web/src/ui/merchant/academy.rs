//! `/merchant/academy`: the Gateway academy (issue 8), short lessons on selling to
//! China. The lessons are Markdown files in the repository (crates/gateway-web/
//! academy/), in English with the Chinese terms a merchant meets; no Markdown crate
//! is available to the build, so they are shown as written, preformatted.

use super::{Chrome, Portal};
use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use askama::Template;
use axum::extract::State;

pub const PATH: &str = "/merchant/academy";

/// The lessons in reading order: (id, Markdown text). Titles are in the Fluent files
/// (`academy-lesson-{id}`).
pub const LESSONS: [(&str, &str); 3] = [
    ("cbec-vs-general-trade", include_str!("../../../academy/01-cbec-vs-general-trade.md")),
    ("positive-list-and-limits", include_str!("../../../academy/02-positive-list-and-limits.md")),
    ("decree-248", include_str!("../../../academy/03-decree-248.md")),
];

pub struct Lesson {
    pub id: &'static str,
    pub title: String,
    pub text: &'static str,
}

#[derive(Template)]
#[template(path = "merchant/academy.html")]
pub struct AcademyPage<'a> {
    pub c: &'a Ctx,
    pub chrome: Chrome,
    pub lessons: Vec<Lesson>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let portal = Portal::load(&s, &ctx).await?;
    let lessons =
        LESSONS.iter().map(|&(id, text)| Lesson { id, title: ctx.t(&format!("academy-lesson-{id}")), text }).collect();
    Ok(ctx.render(&AcademyPage { c: &ctx, chrome: portal.chrome(&ctx, PATH), lessons }))
}
