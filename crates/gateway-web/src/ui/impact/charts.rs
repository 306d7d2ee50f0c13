//! The dashboard's charts, drawn on the server as inline SVG: horizontal bar charts
//! (labels on the left, so long state and class names fit on a phone) and line charts
//! for the monthly history. This module computes the geometry; the templates
//! (`impact/bar_chart.html`, `impact/line_chart.html`) write the markup, so every
//! label is escaped like any other text. Each chart carries its data as a table too,
//! for screen readers and for anyone who wants the numbers.
//!
//! Coordinates are in the SVG's own units: a 360-unit-wide view box, about one unit
//! per CSS pixel on a phone; wider screens scale it up to the width the stylesheet
//! allows.

/// The view box's width.
pub const WIDTH: f64 = 360.0;
/// Where bars start (the labels end just left of it) and the room they have.
const BAR_X: f64 = 146.0;
const BAR_ROOM: f64 = 130.0;
const ROW_HEIGHT: f64 = 24.0;
const BAR_HEIGHT: f64 = 15.0;
const LEGEND_HEIGHT: f64 = 22.0;
/// A bar chart shows at most this many rows; its table lists them all.
pub const MAX_BARS: usize = 12;

/// Colours with at least 3:1 contrast against white (WCAG 1.4.11), and different in
/// lightness as well as hue.
pub const DARK_RED: &str = "#8c1c13";
pub const SLATE: &str = "#6b7683";
pub const BLUE: &str = "#1a5fb4";

/// A chart's data as a table (inside `<details>` under the chart).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// A row's label (its header cell), then one cell per header after the first.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub label: String,
    pub lang: &'static str,
    pub cells: Vec<String>,
}

/// A colour key entry.
#[derive(Debug, Clone)]
pub struct Legend {
    pub label: String,
    pub color: &'static str,
    /// Dash pattern of a line ("" for solid).
    pub dash: &'static str,
    pub x: String,
    /// The swatch's right end (a line's second point).
    pub x_end: String,
    pub text_x: String,
}

fn legend(items: Vec<(String, &'static str, &'static str)>) -> Vec<Legend> {
    // Each entry: a 12-unit swatch and its label; widths estimated from the text
    // (about 6.4 units per Latin character, 12 per Chinese one at the 12-unit font size).
    let mut x = 0.0;
    items
        .into_iter()
        .map(|(label, color, dash)| {
            let entry = Legend { x: fmt(x), x_end: fmt(x + 12.0), text_x: fmt(x + 16.0), label, color, dash };
            x += 16.0 + text_width(&entry.label) + 14.0;
            entry
        })
        .collect()
}

fn text_width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 6.4 } else { 12.0 }).sum()
}

/// A label that fits left of the bars: a class's name without its examples in
/// brackets, then cut with an ellipsis (the table has the full text).
pub fn short_label(text: &str) -> String {
    let head = text.split(['(', '（']).next().unwrap_or(text).trim_end();
    let room = BAR_X - 10.0;
    if text_width(head) <= room {
        return head.to_string();
    }
    let mut out = String::new();
    for c in head.chars() {
        if text_width(&out) + text_width(&c.to_string()) + 6.4 > room {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// One coordinate, to a tenth of a unit.
fn fmt(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// One bar of a row (several overlap when a row compares two figures).
#[derive(Debug, Clone)]
pub struct Bar {
    pub width: String,
    pub color: &'static str,
}

/// One row of a bar chart.
#[derive(Debug, Clone)]
pub struct BarRow {
    pub label: String,
    /// The label's language when it differs from the page's ("en" for a tax class
    /// with no Chinese name), else "".
    pub lang: &'static str,
    pub y: String,
    pub text_y: String,
    pub bars: Vec<Bar>,
    pub value: String,
    pub value_x: String,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub height: String,
    pub bar_x: String,
    pub bar_height: String,
    pub label_x: String,
    pub legend: Vec<Legend>,
    pub rows: Vec<BarRow>,
    pub table: Table,
    /// Nothing to draw: the template says so instead of drawing an empty frame.
    pub empty: bool,
}

/// One group of a bar chart: its label and figures (the first is the longest bar and
/// orders the rows; the others are drawn over it).
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub lang: &'static str,
    pub values: Vec<i64>,
    /// The text after the bar.
    pub value_text: String,
    /// The table's cells.
    pub cells: Vec<String>,
}

/// What a bar chart says about itself.
pub struct BarSpec {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    /// Colour and legend label of each figure, in the order of `Group::values`.
    pub series: Vec<(String, &'static str)>,
    pub table: Table,
}

/// The bar chart of `groups`: the largest first, at most [`MAX_BARS`] rows, none for a
/// group whose figures are all zero (the table keeps every group, in the order given).
pub fn bar_chart(spec: BarSpec, groups: Vec<Group>) -> BarChart {
    let mut table = spec.table;
    table.rows =
        groups.iter().map(|g| TableRow { label: g.label.clone(), lang: g.lang, cells: g.cells.clone() }).collect();
    let mut sorted = groups;
    sorted.sort_by(|a, b| {
        let key = |g: &Group| g.values.first().copied().unwrap_or(0);
        key(b).cmp(&key(a)).then_with(|| a.label.cmp(&b.label))
    });
    sorted.retain(|g| g.values.iter().any(|v| *v > 0));
    sorted.truncate(MAX_BARS);
    let max = sorted.iter().flat_map(|g| g.values.iter().copied()).max().unwrap_or(0).max(1);
    let top = if spec.series.len() > 1 { LEGEND_HEIGHT } else { 4.0 };
    let rows: Vec<BarRow> = sorted
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y = top + i as f64 * ROW_HEIGHT;
            let width = |v: i64| {
                // A non-zero figure stays visible however small it is next to the largest.
                let w = v.max(0) as f64 / max as f64 * BAR_ROOM;
                if v > 0 { w.max(2.0) } else { 0.0 }
            };
            let bars =
                g.values.iter().zip(&spec.series).map(|(v, (_, color))| Bar { width: fmt(width(*v)), color }).collect();
            let longest = g.values.iter().copied().map(width).fold(0.0, f64::max);
            BarRow {
                label: short_label(&g.label),
                lang: g.lang,
                y: fmt(y),
                text_y: fmt(y + BAR_HEIGHT - 3.0),
                bars,
                value: g.value_text.clone(),
                value_x: fmt(BAR_X + longest + 4.0),
            }
        })
        .collect();
    let empty = sorted.is_empty();
    let legend_items =
        if spec.series.len() > 1 { spec.series.into_iter().map(|(l, c)| (l, c, "")).collect() } else { Vec::new() };
    BarChart {
        id: spec.id,
        title: spec.title,
        desc: spec.desc,
        height: fmt(top + rows.len() as f64 * ROW_HEIGHT + 2.0),
        bar_x: fmt(BAR_X),
        bar_height: fmt(BAR_HEIGHT),
        label_x: fmt(BAR_X - 6.0),
        legend: legend(legend_items),
        rows,
        table,
        empty,
    }
}

// ---------------------------------------------------------------------------------
// Line charts
// ---------------------------------------------------------------------------------

const LINE_HEIGHT: f64 = 210.0;
const PLOT_LEFT: f64 = 56.0;
const PLOT_RIGHT: f64 = WIDTH - 12.0;
const PLOT_TOP: f64 = LEGEND_HEIGHT + 8.0;
const PLOT_BOTTOM: f64 = LINE_HEIGHT - 26.0;

/// A tick on an axis, with its label.
#[derive(Debug, Clone)]
pub struct Tick {
    pub at: String,
    pub label: String,
}

/// One line.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub color: &'static str,
    pub dash: &'static str,
    /// `x,y x,y …` for a polyline.
    pub points: String,
    /// Dots at each point (short histories only; a single month is only a dot).
    pub dots: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct LineChart {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub height: String,
    pub plot_left: String,
    pub plot_right: String,
    pub axis_label_x: String,
    pub x_label_y: String,
    pub legend: Vec<Legend>,
    pub series: Vec<Series>,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub empty: bool,
}

/// What a line chart says about itself: one entry per line (label, colour, dash,
/// values per month), the months' labels, and how a y-axis value is written.
pub struct LineSpec<'a> {
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub months: Vec<String>,
    pub lines: Vec<(String, &'static str, &'static str, Vec<i64>)>,
    pub y_label: &'a dyn Fn(i64) -> String,
}

/// The smallest 1, 2 or 5 × 10ⁿ at least `v` (at least 1).
pub fn nice_ceiling(v: i64) -> i64 {
    let v = v.max(1);
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            if let Some(candidate) = step.checked_mul(m)
                && candidate >= v
            {
                return candidate;
            }
        }
        match step.checked_mul(10) {
            Some(next) => step = next,
            None => return i64::MAX,
        }
    }
}

pub fn line_chart(spec: LineSpec<'_>) -> LineChart {
    let n = spec.months.len();
    let max = spec.lines.iter().flat_map(|(_, _, _, v)| v.iter().copied()).max().unwrap_or(0);
    let top = nice_ceiling(max);
    let x_of = |i: usize| {
        if n <= 1 {
            (PLOT_LEFT + PLOT_RIGHT) / 2.0
        } else {
            PLOT_LEFT + i as f64 / (n - 1) as f64 * (PLOT_RIGHT - PLOT_LEFT)
        }
    };
    let y_of = |v: i64| PLOT_BOTTOM - v.max(0) as f64 / top as f64 * (PLOT_BOTTOM - PLOT_TOP);
    let series = spec
        .lines
        .iter()
        .map(|(label, color, dash, values)| {
            let coords: Vec<(String, String)> =
                values.iter().enumerate().map(|(i, v)| (fmt(x_of(i)), fmt(y_of(*v)))).collect();
            Series {
                label: label.clone(),
                color,
                dash,
                points: coords.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" "),
                dots: if n <= 24 { coords } else { Vec::new() },
            }
        })
        .collect();
    let mut y_values = vec![0, top];
    if top % 2 == 0 {
        y_values.insert(1, top / 2);
    }
    let y_ticks = y_values.into_iter().map(|v| Tick { at: fmt(y_of(v)), label: (spec.y_label)(v) }).collect();
    let mut x_indices = vec![0];
    if n > 2 {
        x_indices.push((n - 1) / 2);
    }
    if n > 1 {
        x_indices.push(n - 1);
    }
    let x_ticks = x_indices
        .into_iter()
        .filter_map(|i| spec.months.get(i).map(|m| Tick { at: fmt(x_of(i)), label: m.clone() }))
        .collect();
    let legend_items = spec.lines.iter().map(|(l, c, d, _)| (l.clone(), *c, *d)).collect();
    LineChart {
        id: spec.id,
        title: spec.title,
        desc: spec.desc,
        height: fmt(LINE_HEIGHT),
        plot_left: fmt(PLOT_LEFT),
        plot_right: fmt(PLOT_RIGHT),
        axis_label_x: fmt(PLOT_LEFT - 4.0),
        x_label_y: fmt(PLOT_BOTTOM + 16.0),
        legend: legend(legend_items),
        series,
        y_ticks,
        x_ticks,
        empty: n == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(label: &str, values: Vec<i64>) -> Group {
        Group {
            label: label.into(),
            lang: "",
            value_text: format!("{values:?}"),
            cells: values.iter().map(ToString::to_string).collect(),
            values,
        }
    }

    fn spec(series: usize) -> BarSpec {
        BarSpec {
            id: "t",
            title: "T".into(),
            desc: "D".into(),
            series: (0..series).map(|i| (format!("s{i}"), DARK_RED)).collect(),
            table: Table::default(),
        }
    }

    #[test]
    fn bars_are_sorted_scaled_and_capped() {
        let groups: Vec<Group> = (0..15).map(|i| group(&format!("g{i:02}"), vec![i, i / 2])).collect();
        let chart = bar_chart(spec(2), groups);
        assert_eq!(chart.rows.len(), MAX_BARS);
        assert_eq!(chart.table.rows.len(), 15, "the table keeps every group");
        assert_eq!(chart.rows[0].label, "g14");
        assert_eq!(chart.rows[0].bars[0].width, "130", "the largest fills the room");
        assert_eq!(chart.rows[0].bars[1].width, "65");
        assert_eq!(chart.legend.len(), 2);
        assert!(!chart.empty);
    }

    #[test]
    fn tiny_values_stay_visible_and_zeros_are_empty() {
        let chart = bar_chart(spec(1), vec![group("big", vec![1_000_000]), group("tiny", vec![1])]);
        assert_eq!(chart.rows[1].bars[0].width, "2");
        assert!(chart.legend.is_empty(), "one series needs no legend");
        let chart = bar_chart(spec(1), vec![group("zero", vec![0]), group("one", vec![1])]);
        assert_eq!(chart.rows.len(), 1, "no bar for a zero");
        assert_eq!(chart.table.rows.len(), 2, "but a row in the table");
        assert!(bar_chart(spec(1), vec![group("zero", vec![0])]).empty);
        assert!(bar_chart(spec(1), vec![]).empty);
    }

    #[test]
    fn labels_are_shortened_to_fit() {
        assert_eq!(short_label("Iowa"), "Iowa");
        assert_eq!(
            short_label("Agricultural products (nuts, dried fruit, grains, honey, maple syrup)"),
            "Agricultural products"
        );
        assert_eq!(short_label("农产品（坚果、果干、谷物、蜂蜜、枫糖浆）"), "农产品");
        assert_eq!(short_label("District of Columbia"), "District of Columbia");
        assert_eq!(short_label("Northern Mariana Islands"), "Northern Mariana Isl…");
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!([0, 1, 2, 3, 6, 10, 11, 4_999, 50_001].map(nice_ceiling), [1, 1, 2, 5, 10, 10, 20, 5_000, 100_000]);
        assert_eq!(nice_ceiling(i64::MAX), i64::MAX);
    }

    #[test]
    fn line_charts_place_points_and_ticks() {
        let label = |v: i64| v.to_string();
        let chart = line_chart(LineSpec {
            id: "l",
            title: "T".into(),
            desc: "D".into(),
            months: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
            lines: vec![("a".into(), BLUE, "", vec![0, 3, 8])],
            y_label: &label,
        });
        // Top of the axis: 10 (nice ceiling of 8); ticks 0, 5, 10.
        let ticks: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["0", "5", "10"]);
        let xs: Vec<&str> = chart.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(xs, ["2026-01", "2026-02", "2026-03"]);
        let points: Vec<&str> = chart.series[0].points.split(' ').collect();
        assert_eq!(points.len(), 3);
        assert_eq!(points[0], format!("{},{}", fmt(PLOT_LEFT), fmt(PLOT_BOTTOM)));
        assert_eq!(points[2], format!("{},{}", fmt(PLOT_RIGHT), fmt(PLOT_BOTTOM - 0.8 * (PLOT_BOTTOM - PLOT_TOP))));

        let single = line_chart(LineSpec {
            id: "s",
            title: "T".into(),
            desc: "D".into(),
            months: vec!["2026-03".into()],
            lines: vec![("a".into(), BLUE, "", vec![2])],
            y_label: &label,
        });
        assert_eq!(single.series[0].dots.len(), 1, "one month is drawn as a dot");
        assert_eq!(single.x_ticks.len(), 1);
    }
}
