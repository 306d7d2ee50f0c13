//! `/merchant/academy`: the Gateway academy (issue 8), short lessons on selling to
//! China. The lessons are Markdown files in the repository (crates/gateway-web/
//! academy/), in English with the Chinese terms a merchant meets, rendered to HTML
//! once, when first shown.

use super::portal::{Chrome, Portal};
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
    /// The lesson as HTML, without its first heading (the page shows the translated
    /// title instead).
    pub html: &'static str,
}

/// The lessons' HTML, in `LESSONS` order.
static RENDERED: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| LESSONS.iter().map(|(_, text)| render(text)).collect());

/// Markdown to HTML. The lesson's own `# title` line is left out, the other headings
/// go one level down (the page's h1 is the academy, each lesson's title an h2), and
/// raw HTML in the Markdown is shown as text, never passed through.
fn render(markdown: &str) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let body = match markdown.strip_prefix("# ") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, body)| body),
        None => markdown,
    };
    let lower = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    let events = Parser::new(body).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: lower(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
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
    let lessons = LESSONS
        .iter()
        .zip(RENDERED.iter())
        .map(|(&(id, _), html)| Lesson { id, title: ctx.t(&format!("academy-lesson-{id}")), html: html.as_str() })
        .collect();
    Ok(ctx.render(&AcademyPage { c: &ctx, chrome: portal.chrome(&ctx, PATH), lessons }))
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn lessons_render_without_their_title_and_without_raw_html() {
        let html = render("# Title\n\nSome **bold** text.\n\n## Part\n\n- one\n- two <script>x</script>\n");
        assert!(!html.contains("Title"), "{html}");
        assert!(html.contains("<p>Some <strong>bold</strong> text.</p>"), "{html}");
        assert!(html.contains("<h3>Part</h3>"), "{html}");
        assert!(html.contains("<li>two &lt;script&gt;x&lt;/script&gt;</li>"), "{html}");
    }

    #[test]
    fn every_lesson_renders() {
        for (id, text) in super::LESSONS {
            let html = render(text);
            assert!(html.starts_with("<p>") && html.len() > 500, "{id}: {html}");
        }
    }
}
