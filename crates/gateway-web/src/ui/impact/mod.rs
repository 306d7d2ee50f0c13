//! The public impact dashboard at `/impact` (SPEC 8), Chinese by default like the
//! rest of the public site: progress toward the 2017 pledge's goals, SMEs and export
//! value by state, kind and class, jobs three ways with their methods and sources,
//! and the monthly history — charts as inline SVG, each with its data table. No
//! JavaScript. The figures come from `App::impact`, which the JSON and CSV share.
//! (The merchants report their headcount in the portal, `/merchant/headcount`.)

pub mod charts;

use crate::AppState;
use crate::ui::context::{Ctx, PageResult};
use crate::ui::errors::OrPage;
use askama::Template;
use axum::extract::State;
use charts::{BLUE, BarChart, BarSpec, DARK_RED, Group, LineChart, LineSpec, SLATE, Table};
use gateway_app::impact::{self, GOAL_EXPORTING_SMES, GOAL_JOBS, Impact, SmeCounts, jobs};

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A change, with its sign: "+3", "0", "-2".
fn signed(n: i64) -> String {
    if n > 0 { format!("+{}", group(n)) } else { group(n) }
}

/// A decimal string ("1234.50") with thousands separators in its whole part.
fn group_decimal(text: &str) -> String {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole.parse::<i64>().map(group).unwrap_or_else(|_| whole.to_string());
    if frac.is_empty() { whole } else { format!("{whole}.{frac}") }
}

/// US cents as the page writes money: "US$1,234.50".
pub fn usd(cents: i64) -> String {
    format!("US${}", group_decimal(&impact::usd(cents)))
}

/// One of the three job figures against the goal.
pub struct JobGoal {
    pub id: &'static str,
    pub label: String,
    /// The figure as the page writes it.
    pub value: String,
    /// The figure as `<progress value>` takes it (a plain number).
    pub progress: String,
    pub percent: String,
}

/// One line of a figure list (`<dl>`).
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One of the three ways of counting jobs, with its method and source.
pub struct JobMethod {
    pub id: &'static str,
    pub heading: String,
    pub value: String,
    pub details: Vec<String>,
    pub method: String,
    pub sources: Vec<String>,
}

/// A month of the history table.
pub struct MonthRow {
    pub month: String,
    pub registered: String,
    pub exporting: String,
    pub export_value: String,
}

#[derive(Template)]
#[template(path = "impact/page.html")]
pub struct ImpactPage<'a> {
    pub c: &'a Ctx,
    pub updated: String,
    pub goal_smes: String,
    pub goal_jobs: String,
    pub goal_smes_max: i64,
    pub goal_jobs_max: i64,
    pub exporting: String,
    pub exporting_progress: i64,
    pub exporting_percent: String,
    pub jobs_goals: Vec<JobGoal>,
    pub sme_facts: Vec<Fact>,
    pub smes_by_state: BarChart,
    pub smes_by_kind: BarChart,
    pub export_facts: Vec<Fact>,
    pub export_by_state: BarChart,
    pub export_by_class: BarChart,
    pub job_methods: Vec<JobMethod>,
    pub smes_over_time: LineChart,
    pub value_over_time: LineChart,
    pub months: Vec<MonthRow>,
    pub definitions: Vec<Fact>,
}

pub async fn page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let figures = s.app.impact().await.or_page(&ctx)?;
    let page = build(&ctx, &figures);
    Ok(ctx.render(&page))
}

fn state_name(ctx: &Ctx, code: &str) -> String {
    crate::ui::shared::names::state_name(ctx, code)
}

fn kind_name(ctx: &Ctx, kind: &str) -> String {
    ctx.t_dynamic(&format!("impact-kind-{kind}"), "impact-kind-other")
}

fn sme_cells(c: &SmeCounts) -> Vec<String> {
    vec![group(c.registered), group(c.active), group(c.exporting), group(c.first_time_exporters)]
}

fn sme_table(ctx: &Ctx, caption: String, first: &str) -> Table {
    Table {
        caption,
        headers: vec![
            ctx.t(first),
            ctx.t("impact-registered"),
            ctx.t("impact-active"),
            ctx.t("impact-exporting-short"),
            ctx.t("impact-first-time"),
        ],
        rows: Vec::new(),
    }
}

/// Registered (the long bar) and exporting (drawn over it) per group.
fn sme_chart(ctx: &Ctx, id: &'static str, title: String, first: &str, groups: Vec<(String, SmeCounts)>) -> BarChart {
    let desc = bar_desc(ctx, &groups.iter().map(|(l, c)| (l.clone(), c.registered)).collect::<Vec<_>>(), group);
    let table = sme_table(ctx, title.clone(), first);
    let groups = groups
        .into_iter()
        .map(|(label, c)| Group {
            label,
            lang: "",
            values: vec![c.registered, c.exporting],
            value_text: ctx.t2("impact-bar-smes", "exporting", group(c.exporting), "registered", group(c.registered)),
            cells: sme_cells(&c),
        })
        .collect();
    let series = vec![(ctx.t("impact-legend-registered"), SLATE), (ctx.t("impact-legend-exporting"), DARK_RED)];
    charts::bar_chart(BarSpec { id, title, desc, series, table }, groups)
}

/// The text alternative of a bar chart: how many groups, the largest, and that the
/// table lists them all when the chart shows only the largest.
fn bar_desc(ctx: &Ctx, values: &[(String, i64)], write: impl Fn(i64) -> String) -> String {
    let Some((top_label, top_value)) = values.iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))) else {
        return ctx.t("impact-chart-no-data");
    };
    let mut desc =
        ctx.t2("impact-chart-desc-bars", "count", values.len(), "top", format!("{top_label} ({})", write(*top_value)));
    if values.len() > charts::MAX_BARS {
        desc.push(' ');
        desc.push_str(&ctx.t1("impact-chart-desc-more", "shown", charts::MAX_BARS));
    }
    desc
}

fn value_chart(
    ctx: &Ctx,
    id: &'static str,
    title: String,
    first: &str,
    groups: Vec<(String, &'static str, i64)>,
) -> BarChart {
    let desc = bar_desc(ctx, &groups.iter().map(|(l, _, v)| (l.clone(), *v)).collect::<Vec<_>>(), usd);
    let table =
        Table { caption: title.clone(), headers: vec![ctx.t(first), ctx.t("impact-table-value")], rows: Vec::new() };
    let groups = groups
        .into_iter()
        .map(|(label, lang, cents)| Group {
            label,
            lang,
            values: vec![cents],
            value_text: usd(cents),
            cells: vec![group_decimal(&impact::usd(cents))],
        })
        .collect();
    let series = vec![(ctx.t("impact-table-value"), BLUE)];
    charts::bar_chart(BarSpec { id, title, desc, series, table }, groups)
}

fn build<'a>(ctx: &'a Ctx, f: &Impact) -> ImpactPage<'a> {
    let jobs_goals = vec![
        JobGoal {
            id: "goal-jobs-reported",
            label: ctx.t("impact-jobs-reported"),
            value: group(f.jobs_reported()),
            progress: f.jobs_reported().to_string(),
            percent: f.jobs_reported_percent(),
        },
        JobGoal {
            id: "goal-jobs-estimated",
            label: ctx.t("impact-jobs-estimated"),
            value: group_decimal(&jobs::hundredths(f.estimate.total_hundredths)),
            progress: jobs::hundredths(f.estimate.total_hundredths),
            percent: f.jobs_estimated_percent(),
        },
        JobGoal {
            id: "goal-jobs-naive",
            label: ctx.t("impact-jobs-naive"),
            value: group(f.jobs_naive()),
            progress: f.jobs_naive().to_string(),
            percent: f.jobs_naive_percent(),
        },
    ];

    let sme_facts = vec![
        Fact { label: ctx.t("impact-registered"), value: group(f.smes.registered) },
        Fact { label: ctx.t("impact-active"), value: group(f.smes.active) },
        Fact { label: ctx.t("impact-exporting"), value: group(f.smes.exporting) },
        Fact { label: ctx.t("impact-first-time"), value: group(f.smes.first_time_exporters) },
    ];
    let states: Vec<(String, SmeCounts)> =
        f.smes_by_state.iter().map(|(s, c)| (state_name(ctx, s.as_str()), *c)).collect();
    let smes_by_state =
        sme_chart(ctx, "chart-smes-state", ctx.t("impact-chart-smes-state"), "impact-table-state", states);
    let kinds: Vec<(String, SmeCounts)> =
        f.smes_by_kind.iter().map(|(k, c)| (kind_name(ctx, k.as_str()), *c)).collect();
    let smes_by_kind = sme_chart(ctx, "chart-smes-kind", ctx.t("impact-chart-smes-kind"), "impact-table-kind", kinds);

    let export_facts = vec![
        Fact { label: ctx.t("impact-export-total"), value: usd(f.export_cents) },
        Fact { label: ctx.t("impact-delivered-orders"), value: group(f.delivered_orders) },
        Fact { label: ctx.t("impact-farm-goods"), value: usd(f.farm_cents) },
        Fact { label: ctx.t("impact-other-goods"), value: usd(f.other_cents) },
    ];
    let states = f.export_by_state.iter().map(|(s, cents)| (state_name(ctx, s.as_str()), "", *cents)).collect();
    let export_by_state =
        value_chart(ctx, "chart-export-state", ctx.t("impact-chart-export-state"), "impact-table-state", states);
    let classes = f
        .export_by_class
        .iter()
        .map(|class| {
            let name = ctx.pick(&class.name_en, Some(&class.name_zh));
            let lang = if name.lang == ctx.lang() { "" } else { name.lang };
            (name.text, lang, class.cents)
        })
        .collect();
    let export_by_class =
        value_chart(ctx, "chart-export-class", ctx.t("impact-chart-export-class"), "impact-table-class", classes);

    let (farm, other) = (jobs::USDA_ERS_2013, jobs::ITA_2021);
    let job_methods = vec![
        JobMethod {
            id: "jobs-reported",
            heading: ctx.t("impact-jobs-reported"),
            value: group(f.jobs_reported()),
            details: vec![
                ctx.t2(
                    "impact-reported-by-report",
                    "jobs",
                    group(f.reported.employees_reported),
                    "smes",
                    group(f.reported.merchants_reporting),
                ),
                ctx.t2(
                    "impact-reported-at-signup",
                    "jobs",
                    group(f.reported.employees_at_signup_of_others),
                    "smes",
                    group(f.reported.merchants - f.reported.merchants_reporting),
                ),
                ctx.t1("impact-reported-change", "change", signed(f.change_since_signup())),
            ],
            method: ctx.t("impact-reported-method"),
            sources: vec![ctx.t("impact-reported-source")],
        },
        JobMethod {
            id: "jobs-estimated",
            heading: ctx.t("impact-jobs-estimated"),
            value: group_decimal(&jobs::hundredths(f.estimate.total_hundredths)),
            details: vec![
                estimate_line(
                    ctx,
                    "impact-estimated-farm",
                    f.farm_cents,
                    farm.jobs_per_billion_usd,
                    f.estimate.farm_hundredths,
                ),
                estimate_line(
                    ctx,
                    "impact-estimated-other",
                    f.other_cents,
                    other.jobs_per_billion_usd,
                    f.estimate.other_hundredths,
                ),
            ],
            method: ctx.t("impact-estimated-method"),
            sources: vec![ctx.t("impact-source-usda"), ctx.t("impact-source-ita")],
        },
        JobMethod {
            id: "jobs-naive",
            heading: ctx.t("impact-jobs-naive"),
            value: group(f.jobs_naive()),
            details: vec![ctx.t1("impact-naive-detail", "smes", group(f.smes.exporting))],
            method: ctx.t("impact-naive-method"),
            sources: vec![ctx.t("impact-source-pledge")],
        },
    ];

    let month_labels: Vec<String> = f.months.iter().map(|m| m.month.to_string()).collect();
    let (first, last) =
        (month_labels.first().cloned().unwrap_or_default(), month_labels.last().cloned().unwrap_or_default());
    let last_point = f.months.last().copied();
    let smes_over_time = charts::line_chart(LineSpec {
        id: "chart-smes-time",
        title: ctx.t("impact-chart-smes-time"),
        desc: match last_point {
            Some(p) => ctx.t3(
                "impact-chart-desc-smes-time",
                ("range", &format!("{first} – {last}")),
                ("registered", &group(p.registered)),
                ("exporting", &group(p.exporting)),
            ),
            None => ctx.t("impact-chart-no-data"),
        },
        months: month_labels.clone(),
        lines: vec![
            (ctx.t("impact-legend-registered"), SLATE, "5 3", f.months.iter().map(|m| m.registered).collect()),
            (ctx.t("impact-legend-exporting"), DARK_RED, "", f.months.iter().map(|m| m.exporting).collect()),
        ],
        y_label: &group,
    });
    // The value chart's axis is in whole dollars: its ticks are round numbers.
    let dollars = |d: i64| format!("${}", group(d));
    let value_over_time = charts::line_chart(LineSpec {
        id: "chart-value-time",
        title: ctx.t("impact-chart-value-time"),
        desc: match last_point {
            Some(p) => ctx.t2(
                "impact-chart-desc-value-time",
                "range",
                format!("{first} – {last}"),
                "value",
                usd(p.export_cents),
            ),
            None => ctx.t("impact-chart-no-data"),
        },
        months: month_labels,
        lines: vec![(
            ctx.t("impact-legend-export-value"),
            BLUE,
            "",
            f.months.iter().map(|m| (m.export_cents + 99) / 100).collect(),
        )],
        y_label: &dollars,
    });
    let months = f
        .months
        .iter()
        .map(|m| MonthRow {
            month: m.month.to_string(),
            registered: group(m.registered),
            exporting: group(m.exporting),
            export_value: group_decimal(&impact::usd(m.export_cents)),
        })
        .collect();

    let definitions = [
        ("impact-registered", "impact-def-registered"),
        ("impact-active", "impact-def-active"),
        ("impact-exporting-short", "impact-def-exporting"),
        ("impact-first-time", "impact-def-first-time"),
        ("impact-export-total", "impact-def-export-value"),
        ("impact-farm-goods", "impact-def-farm-goods"),
        ("impact-jobs-reported", "impact-reported-method"),
        ("impact-jobs-estimated", "impact-def-estimated"),
        ("impact-jobs-naive", "impact-naive-method"),
        ("impact-time-heading", "impact-def-over-time"),
    ]
    .into_iter()
    .map(|(label, text)| Fact { label: ctx.t(label), value: ctx.t(text) })
    .collect();

    ImpactPage {
        c: ctx,
        updated: f.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        goal_smes: group(GOAL_EXPORTING_SMES),
        goal_jobs: group(GOAL_JOBS),
        goal_smes_max: GOAL_EXPORTING_SMES,
        goal_jobs_max: GOAL_JOBS,
        exporting: group(f.smes.exporting),
        exporting_progress: f.smes.exporting.min(GOAL_EXPORTING_SMES),
        exporting_percent: f.exporting_percent(),
        jobs_goals,
        sme_facts,
        smes_by_state,
        smes_by_kind,
        export_facts,
        export_by_state,
        export_by_class,
        job_methods,
        smes_over_time,
        value_over_time,
        months,
        definitions,
    }
}

/// "Farm goods US$… × 7,580 jobs per US$1 billion = 0.76 jobs".
fn estimate_line(ctx: &Ctx, key: &str, cents: i64, per_billion: i64, hundredths: i64) -> String {
    ctx.t3(
        key,
        ("value", &usd(cents)),
        ("coefficient", &group(per_billion)),
        ("jobs", &group_decimal(&jobs::hundredths(hundredths))),
    )
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(1_000_000), "1,000,000");
        assert_eq!(group(-12_345), "-12,345");
        assert_eq!((signed(3), signed(0), signed(-2)), ("+3".to_string(), "0".to_string(), "-2".to_string()));
        assert_eq!(group_decimal("1234567.80"), "1,234,567.80");
        assert_eq!(usd(123_456), "US$1,234.56");
        assert_eq!(usd(5), "US$0.05");
    }

    /// Keys this module builds or passes around rather than writing in a `t` call.
    #[test]
    fn keys_used_indirectly_exist() {
        use crate::ui::i18n::{Locale, has};
        let mut keys: Vec<String> =
            gateway_core::merchant::MerchantKind::CODES.iter().map(|k| format!("impact-kind-{k}")).collect();
        keys.extend(
            [
                "impact-kind-other",
                "impact-estimated-farm",
                "impact-estimated-other",
                "impact-table-state",
                "impact-table-kind",
                "impact-table-class",
            ]
            .map(String::from),
        );
        for locale in Locale::ALL {
            for key in &keys {
                assert!(has(locale, key), "{} has no {key}", locale.tag());
            }
        }
    }
}
