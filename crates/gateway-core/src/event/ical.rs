//! An iCalendar file (RFC 5545) for one registration: a VCALENDAR with METHOD:PUBLISH
//! and one VEVENT. Lines end in CRLF and are folded at 75 octets, never inside a
//! UTF-8 character (a Chinese title is three octets a character); TEXT values escape
//! backslash, semicolon, comma and newline (3.3.11); times are UTC ("…Z").

use chrono::{DateTime, Utc};

/// What the calendar entry says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// Globally unique and stable, so a second download updates the first.
    pub uid: String,
    /// When the file was written.
    pub stamp: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub url: Option<String>,
}

/// The longest line, in octets, before the CRLF (3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// The whole file.
pub fn calendar(entry: &CalendarEntry) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Gateway//Events//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape_text(&entry.uid)),
        format!("DTSTAMP:{}", utc_stamp(entry.stamp)),
        format!("DTSTART:{}", utc_stamp(entry.starts_at)),
        format!("DTEND:{}", utc_stamp(entry.ends_at)),
        format!("SUMMARY:{}", escape_text(&entry.summary)),
        format!("LOCATION:{}", escape_text(&entry.location)),
        format!("DESCRIPTION:{}", escape_text(&entry.description)),
    ];
    if let Some(url) = &entry.url {
        // URI values are not TEXT: no escaping, and Gateway's own URLs have no commas.
        lines.push(format!("URL:{url}"));
    }
    lines.push("END:VEVENT".to_string());
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold_line(l)).collect()
}

/// A UTC date-time in the form of 3.3.5, form #2.
pub fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: `\` `;` `,` and newlines (CRLF, CR or LF become `\n`).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: at most 75 octets a line, continuation lines starting
/// with a space (which counts among their 75), every line ending in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

/// Undoes the folding (3.1): a CRLF followed by a space or a tab is removed.
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn entry() -> CalendarEntry {
        CalendarEntry {
            uid: "0190f000-0000-7000-8000-000000000abc@gateway".into(),
            stamp: utc("2017-05-01T12:00:00Z"),
            starts_at: utc("2017-06-20T13:00:00Z"),
            ends_at: utc("2017-06-21T21:00:00Z"),
            summary: "Gateway 17: selling to China, two days in Detroit; 门户大会".into(),
            location: "Cobo Center, 1 Washington Blvd, Detroit, MI".into(),
            description: "Day 1\n09:00 Keynote\\Welcome".into(),
            url: Some("https://gateway.example/events/x".into()),
        }
    }

    #[test]
    fn writes_a_publishable_event_in_crlf_lines() {
        let text = calendar(&entry());
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "BEGIN:VCALENDAR");
        for expected in [
            "VERSION:2.0",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "DTSTAMP:20170501T120000Z",
            "DTSTART:20170620T130000Z",
            "DTEND:20170621T210000Z",
            "END:VEVENT",
        ] {
            assert!(lines.contains(&expected), "{expected} in {text}");
        }
        let unfolded = unfold(&text);
        assert!(unfolded.contains("SUMMARY:Gateway 17: selling to China\\, two days in Detroit\\; 门户大会\r\n"));
        assert!(unfolded.contains("LOCATION:Cobo Center\\, 1 Washington Blvd\\, Detroit\\, MI\r\n"));
        assert!(unfolded.contains("DESCRIPTION:Day 1\\n09:00 Keynote\\\\Welcome\r\n"));
        assert!(unfolded.contains("URL:https://gateway.example/events/x\r\n"));
        for line in lines {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line:?} is {} octets", line.len());
        }
    }

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf\rg"), "a\\,b\\;c\\\\d\\ne\\nf\\ng");
        assert_eq!(escape_text("plain 文本"), "plain 文本");
    }

    #[test]
    fn folds_at_75_octets_with_a_leading_space() {
        let line = "X".repeat(160);
        let folded = fold_line(&line);
        let parts: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [75, 75, 12]);
        assert!(parts[1].starts_with(' ') && parts[2].starts_with(' '));
        assert_eq!(fold_line("short"), "short\r\n");
        // 25 three-octet characters fill 75 octets exactly; the 26th starts a new line.
        let chinese = "门".repeat(26);
        assert_eq!(fold_line(&chinese), format!("{}\r\n 门\r\n", "门".repeat(25)));
    }

    proptest::proptest! {
        /// Folding never splits a character, never passes 75 octets, and unfolding
        /// gives the line back.
        #[test]
        fn folding_round_trips(line in "[a-zA-Z0-9 ,;:门户大会é🎉]{0,300}") {
            let folded = fold_line(&line);
            proptest::prop_assert!(folded.ends_with("\r\n"));
            for part in folded.trim_end_matches("\r\n").split("\r\n") {
                proptest::prop_assert!(part.len() <= MAX_LINE_OCTETS);
            }
            proptest::prop_assert_eq!(unfold(&folded), format!("{line}\r\n"));
        }
    }
}
