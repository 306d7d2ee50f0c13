//! How the pages write typed values: formatted here once, from the app's typed
//! views, so that no page parses back the text the API writes.

use gateway_app::admin::rate_percent;
use gateway_core::tax_class::TaxRate;

/// A tax rate in percent, as operators type it: 0.13 is "13", 0.065 is "6.5".
pub fn percent(rate: TaxRate) -> String {
    rate_percent(rate.ppm())
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
}
