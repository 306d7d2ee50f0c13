//! `GET /api/v1/impact.csv`: every figure of the dashboard, one row each, with its unit,
//! method and source — the same numbers as `GET /api/v1/impact`, in a form a
//! spreadsheet opens.
//!
//! Columns: `section, dimension, key, value, unit, method, source`. `section` names the
//! figure (`smes.exporting`), `dimension` how it is broken down (`total`, `state`,
//! `kind`, `tax_class`, `goods`, `month`, …) and `key` the group (`all`, `IA`, `farm`,
//! `2026-03`). Values are written as in the JSON: integers, or decimal strings.

use super::jobs::{self, ITA_2021, USDA_ERS_2013};
use super::{
    GOAL_EXPORTING_SMES, GOAL_JOBS, Impact, METHOD_ESTIMATED, METHOD_EXPORT_VALUE, METHOD_NAIVE, METHOD_REPORTED,
    METHOD_SMES, SOURCE_DATABASE, SOURCE_PLEDGE, SOURCE_REPORTED, SmeCounts, usd,
};

/// One row of the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub section: &'static str,
    pub dimension: &'static str,
    pub key: String,
    pub value: String,
    pub unit: &'static str,
    pub method: &'static str,
    pub source: &'static str,
}

pub const HEADER: [&str; 7] = ["section", "dimension", "key", "value", "unit", "method", "source"];

const METHOD_PERCENT: &str = "figure / goal × 100, rounded half-up to four decimals";
const METHOD_CUMULATIVE: &str = "cumulative to the end of the month (UTC)";
const METHOD_FARM_GOODS: &str = "goods of farm merchants, and goods in a food tax class";

struct Rows(Vec<Figure>);

impl Rows {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        section: &'static str,
        dimension: &'static str,
        key: impl Into<String>,
        value: impl ToString,
        unit: &'static str,
        method: &'static str,
        source: &'static str,
    ) {
        self.0.push(Figure { section, dimension, key: key.into(), value: value.to_string(), unit, method, source });
    }

    /// The four SME counts of one group.
    fn smes(&mut self, dimension: &'static str, key: &str, c: &SmeCounts) {
        for (section, value) in [
            ("smes.registered", c.registered),
            ("smes.active", c.active),
            ("smes.exporting", c.exporting),
            ("smes.first_time_exporters", c.first_time_exporters),
        ] {
            self.push(section, dimension, key, value, "smes", METHOD_SMES, SOURCE_DATABASE);
        }
    }
}

impl Impact {
    /// Every figure, in the order the dashboard shows them.
    pub fn figures(&self) -> Vec<Figure> {
        let mut r = Rows(Vec::new());
        r.push("goals", "total", "exporting_smes", GOAL_EXPORTING_SMES, "smes", "goal", SOURCE_PLEDGE);
        r.push("goals", "total", "jobs", GOAL_JOBS, "jobs", "goal", SOURCE_PLEDGE);
        let progress = [
            ("exporting_smes", self.exporting_percent()),
            ("jobs_reported", self.jobs_reported_percent()),
            ("jobs_estimated", self.jobs_estimated_percent()),
            ("jobs_naive", self.jobs_naive_percent()),
        ];
        for (key, value) in progress {
            r.push("progress", "total", key, value, "percent_of_goal", METHOD_PERCENT, SOURCE_DATABASE);
        }

        r.smes("total", "all", &self.smes);
        for (state, counts) in &self.smes_by_state {
            r.smes("state", state.as_str(), counts);
        }
        for (kind, counts) in &self.smes_by_kind {
            r.smes("kind", kind.as_str(), counts);
        }

        let (ev, method, db) = ("export_value", METHOD_EXPORT_VALUE, SOURCE_DATABASE);
        r.push(ev, "total", "all", usd(self.export_cents), "usd", method, db);
        r.push(ev, "goods", "farm", usd(self.farm_cents), "usd", METHOD_FARM_GOODS, db);
        r.push(ev, "goods", "other", usd(self.other_cents), "usd", METHOD_FARM_GOODS, db);
        for (state, cents) in &self.export_by_state {
            r.push(ev, "state", state.as_str(), usd(*cents), "usd", method, db);
        }
        for class in &self.export_by_class {
            r.push(ev, "tax_class", class.code.clone(), usd(class.cents), "usd", method, db);
        }
        r.push("orders.delivered", "total", "all", self.delivered_orders, "orders", "orders with status delivered", db);

        let (jr, m, s) = ("jobs.reported", METHOD_REPORTED, SOURCE_REPORTED);
        r.push(jr, "total", "all", self.jobs_reported(), "jobs", m, s);
        r.push(jr, "source", "latest_report", self.reported.employees_reported, "jobs", m, s);
        r.push(jr, "source", "signup", self.reported.employees_at_signup_of_others, "jobs", m, s);
        r.push(jr, "smes", "latest_report", self.reported.merchants_reporting, "smes", m, s);
        let at_signup = self.reported.merchants - self.reported.merchants_reporting;
        r.push(jr, "smes", "signup", at_signup, "smes", m, s);
        r.push(jr, "change", "since_signup", self.change_since_signup(), "jobs", m, s);

        let (je, m) = ("jobs.estimated", METHOD_ESTIMATED);
        let sources = "USDA ERS (farm goods); ITA (other goods)";
        r.push(je, "total", "all", jobs::hundredths(self.estimate.total_hundredths), "jobs", m, sources);
        r.push(je, "goods", "farm", jobs::hundredths(self.estimate.farm_hundredths), "jobs", m, USDA_ERS_2013.source);
        r.push(je, "goods", "other", jobs::hundredths(self.estimate.other_hundredths), "jobs", m, ITA_2021.source);
        let per_billion = "jobs_per_billion_usd";
        r.push(je, "coefficient", "farm", USDA_ERS_2013.jobs_per_billion_usd, per_billion, m, USDA_ERS_2013.source);
        r.push(je, "coefficient", "other", ITA_2021.jobs_per_billion_usd, per_billion, m, ITA_2021.source);

        r.push("jobs.naive", "total", "all", self.jobs_naive(), "jobs", METHOD_NAIVE, SOURCE_PLEDGE);

        for p in &self.months {
            let month = p.month.to_string();
            r.push("over_time.registered_smes", "month", month.clone(), p.registered, "smes", METHOD_CUMULATIVE, db);
            r.push("over_time.exporting_smes", "month", month.clone(), p.exporting, "smes", METHOD_CUMULATIVE, db);
            r.push("over_time.export_value", "month", month, usd(p.export_cents), "usd", METHOD_CUMULATIVE, db);
        }
        r.0
    }

    /// The figures as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted
    /// when they hold a comma, a quote or a line break).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        write_row(&mut out, &HEADER);
        for f in self.figures() {
            write_row(&mut out, &[f.section, f.dimension, &f.key, &f.value, f.unit, f.method, f.source]);
        }
        out
    }
}

fn write_row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // A leading = + - @ would make a spreadsheet evaluate the cell; no figure
        // starts so except a negative number, which stays a number.
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        write_row(&mut out, &["a", "b,c", "say \"hi\"", "line\nbreak", "-3"]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",-3\r\n");
    }
}
