//! Shopify's `Body (HTML)` as the plain text a Gateway description holds.
//!
//! Not an HTML parser: product descriptions are short fragments written by an
//! editor, and what matters is the words and the paragraph breaks. Tags are dropped
//! (block tags end a line, list items start one with "• "), the text of `<script>`
//! and `<style>` is dropped, character references are decoded, and runs of spaces
//! are collapsed and empty lines dropped.

/// Tags after which the text continues on a new line.
const BLOCK_TAGS: &[&str] =
    &["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "blockquote"];

pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skipping: Option<&'static str> = None;
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&decode_entities(&rest[..lt]));
        }
        let after = &rest[lt + 1..];
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            // "a < b": a '<' that opens no tag is text.
            if skipping.is_none() {
                out.push('<');
            }
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else {
            // A lone '<' is text.
            if skipping.is_none() {
                out.push_str(&decode_entities(&rest[lt..]));
            }
            rest = "";
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if let Some(skipped) = skipping {
            if closing && name == skipped {
                skipping = None;
            }
            continue;
        }
        match name.as_str() {
            "script" if !closing => skipping = Some("script"),
            "style" if !closing => skipping = Some("style"),
            "li" if !closing => out.push_str("\n• "),
            n if BLOCK_TAGS.contains(&n) => out.push('\n'),
            _ => {}
        }
    }
    if skipping.is_none() {
        out.push_str(&decode_entities(rest));
    }
    tidy(&out)
}

/// Collapses spaces within lines and drops empty lines (markup leaves many); trims.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty() && line != "•")
        .collect();
    lines.join("\n")
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.replace('\u{a0}', " ");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            entity(name).map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace('\u{a0}', " ")
}

fn entity(name: &str) -> Option<char> {
    let numeric = |digits: &str, radix: u32| u32::from_str_radix(digits, radix).ok().and_then(char::from_u32);
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        "rsquo" => Some('’'),
        "lsquo" => Some('‘'),
        "rdquo" => Some('”'),
        "ldquo" => Some('“'),
        "hellip" => Some('…'),
        "deg" => Some('°'),
        "reg" => Some('®'),
        "trade" => Some('™'),
        "copy" => Some('©'),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => numeric(&hex[1..], 16),
            Some(dec) => numeric(dec, 10),
            None => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn paragraphs_lists_and_entities() {
        let html = "<meta charset=\"utf-8\"><p>Stay a <b>while</b>.</p><p>Oak &amp; leather&nbsp;&#8212; 100%</p>\
                    <ul><li>Soft</li><li>Warm</li></ul>";
        assert_eq!(to_text(html), "Stay a while.\nOak & leather — 100%\n• Soft\n• Warm");
    }

    #[test]
    fn scripts_styles_and_stray_brackets() {
        assert_eq!(to_text("<style>p{color:red}</style>a < b<script>alert(1)</script> &bogus; c"), "a < b &bogus; c");
        assert_eq!(to_text(""), "");
        assert_eq!(to_text("Line one<br>Line two<br/><br/><br/>Line three"), "Line one\nLine two\nLine three");
        assert_eq!(to_text("<p>One</p>\n\n<p></p><p>Two</p>"), "One\nTwo");
    }
}
