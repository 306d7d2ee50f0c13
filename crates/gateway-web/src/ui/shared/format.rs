//! How the pages write typed values: formatted here once, from the app's typed
//! views, so that no page parses back the text the API writes.

use chrono::{DateTime, Utc};
use gateway_app::admin::rate_percent;
use gateway_core::tax_class::TaxRate;

/// A tax rate in percent, as operators type it: 0.13 is "13", 0.065 is "6.5".
pub fn percent(rate: TaxRate) -> String {
    rate_percent(rate.ppm())
}

/// A time as operators and merchants read it alike, across time zones: UTC, to the
/// minute, said so (the storefront shows China time to shoppers).
pub fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The last 8 characters of an id, for the eye (the full id is in the link).
pub fn short_id(id: &str) -> String {
    let n = id.chars().count();
    id.chars().skip(n.saturating_sub(8)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_show_in_percent() {
        assert_eq!(percent(TaxRate::from_ppm(130_000)), "13");
        assert_eq!(percent(TaxRate::from_ppm(65_000)), "6.5");
        assert_eq!(percent(TaxRate::from_ppm(0)), "0");
    }

    #[test]
    fn short_ids_and_utc_times() {
        assert_eq!(short_id("0190f000-0000-7000-8000-000000000abc"), "00000abc");
        assert_eq!(short_id("abc"), "abc");
        let at = DateTime::from_timestamp(1_773_500_966, 0).unwrap();
        assert_eq!(utc(at), "2026-03-14 15:09 UTC");
    }
}
