//! Jobs from export value (SPEC 8), in integer arithmetic.
//!
//! A coefficient is jobs supported per US$1 billion of exports, so for a value in US
//! cents: jobs = cents × coefficient / 10¹¹, and in hundredths of a job:
//! cents × coefficient / 10⁹. Each figure (the farm part, the other part and their
//! total) is computed exactly from the cents and rounded half-up once, to hundredths
//! of a job; the total is rounded from the exact sum, not added up from the rounded
//! parts, so the parts may differ from the total by a hundredth.

use gateway_core::decimal::{div_round_half_up, format_scaled};

/// An estimate's coefficient: jobs supported per US$1 billion of exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coefficient {
    pub jobs_per_billion_usd: i64,
    /// The year the coefficient measures.
    pub year: i32,
    pub source: &'static str,
}

/// Non-farm goods: U.S. International Trade Administration (Office of Trade and
/// Economic Analysis), "Jobs Supported by Exports 2021": 4,269 jobs per US$1 billion
/// of exports in 2021.
pub const ITA_2021: Coefficient = Coefficient {
    jobs_per_billion_usd: 4_269,
    year: 2021,
    source: "U.S. International Trade Administration, Office of Trade and Economic Analysis, \
             Jobs Supported by Exports 2021: 4,269 jobs supported per US$1 billion of U.S. exports (2021)",
};

/// Farm goods: USDA Economic Research Service, Agricultural Trade Multipliers for 2013
/// (1,094,400 jobs supported by US$144.38 billion of agricultural exports ≈ 7,580 per
/// US$1 billion).
pub const USDA_ERS_2013: Coefficient = Coefficient {
    jobs_per_billion_usd: 7_580,
    year: 2013,
    source: "USDA Economic Research Service, Agricultural Trade Multipliers (2013): 1,094,400 jobs supported by \
             US$144.38 billion of agricultural exports, about 7,580 per US$1 billion \
             (https://www.ers.usda.gov/amber-waves/2015/may/calculating-the-jobs-associated-with-u-s-agricultural-exports/)",
};

/// Hundredths of a job per US cent times this: cents × coefficient / 10⁹.
const HUNDREDTHS_DIVISOR: i128 = 1_000_000_000;

/// The jobs `cents` of exports support at `coefficient`, in hundredths of a job,
/// rounded half-up.
pub fn jobs_hundredths(cents: i64, coefficient: Coefficient) -> i64 {
    exact_to_hundredths(i128::from(cents) * i128::from(coefficient.jobs_per_billion_usd))
}

/// cents × jobs-per-billion, exactly, to hundredths of a job rounded half-up
/// (saturating: no real export value comes near i64::MAX hundredths).
fn exact_to_hundredths(product: i128) -> i64 {
    i64::try_from(div_round_half_up(product, HUNDREDTHS_DIVISOR)).unwrap_or(i64::MAX)
}

/// The export-value estimate: farm goods at the USDA ERS coefficient, the rest at the
/// ITA one; each part and the total in hundredths of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobsEstimate {
    pub farm_hundredths: i64,
    pub other_hundredths: i64,
    pub total_hundredths: i64,
}

impl JobsEstimate {
    pub fn of(farm_cents: i64, other_cents: i64) -> Self {
        let farm = i128::from(farm_cents) * i128::from(USDA_ERS_2013.jobs_per_billion_usd);
        let other = i128::from(other_cents) * i128::from(ITA_2021.jobs_per_billion_usd);
        JobsEstimate {
            farm_hundredths: exact_to_hundredths(farm),
            other_hundredths: exact_to_hundredths(other),
            total_hundredths: exact_to_hundredths(farm + other),
        }
    }
}

/// Hundredths as a two-decimal string: 427 → "4.27".
pub fn hundredths(value: i64) -> String {
    format_scaled(value, 2)
}

/// `value / scale` as a percentage of `goal`, rounded half-up to four decimals:
/// percent = value / scale / goal × 100, written in ten-thousandths of a percent.
/// With a goal of 1,000,000, one SME is exactly 0.0001 %.
pub fn percent_of_goal(value: i64, scale: i64, goal: i64) -> String {
    if goal <= 0 || scale <= 0 {
        return format_scaled(0, 4);
    }
    let units = div_round_half_up(i128::from(value) * 1_000_000, i128::from(goal) * i128::from(scale));
    format_scaled(i64::try_from(units).unwrap_or(i64::MAX), 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_billion_dollars_gives_the_coefficient_itself() {
        let billion_usd_in_cents = 100_000_000_000;
        assert_eq!(jobs_hundredths(billion_usd_in_cents, ITA_2021), 426_900);
        assert_eq!(jobs_hundredths(billion_usd_in_cents, USDA_ERS_2013), 758_000);
    }

    #[test]
    fn small_exports_give_fractions_of_a_job_rounded_half_up() {
        // US$1,000,000.00 of non-farm goods: 10⁸ cents × 4,269 / 10⁹ = 426.9 → 427 hundredths.
        assert_eq!(jobs_hundredths(100_000_000, ITA_2021), 427);
        // US$1,000,000.00 of farm goods: 10⁸ × 7,580 / 10⁹ = 758 exactly.
        assert_eq!(jobs_hundredths(100_000_000, USDA_ERS_2013), 758);
        // US$100.00 of farm goods: 10⁴ × 7,580 / 10⁹ = 0.0758 hundredths → 0.
        assert_eq!(jobs_hundredths(10_000, USDA_ERS_2013), 0);
        // No whole number of cents times either coefficient is exactly half a
        // hundredth (5 × 10⁸), so the half-up rule is checked on the exact product:
        // 0.5 hundredths rounds to 1, just under it to 0, 1.5 to 2.
        assert_eq!(exact_to_hundredths(500_000_000), 1);
        assert_eq!(exact_to_hundredths(499_999_999), 0);
        assert_eq!(exact_to_hundredths(1_500_000_000), 2);
    }

    #[test]
    fn the_total_is_rounded_once_from_the_exact_sum() {
        // Farm US$66,000.00 = 6,600,000 cents: × 7,580 = 50,028,000,000 → 50.028 → 50 hundredths.
        // Other US$117,200.00 = 11,720,000 cents: × 4,269 = 50,032,680,000 → 50.03268 → 50.
        // Exact sum 100,060,680,000 → 100.06068 → 100 hundredths: 1.00 job.
        let e = JobsEstimate::of(6_600_000, 11_720_000);
        assert_eq!((e.farm_hundredths, e.other_hundredths, e.total_hundredths), (50, 50, 100));
        // Two parts each just under half a hundredth make a total that rounds up:
        // farm 65,900 cents × 7,580 = 499,522,000 (0.4995 → 0); other 117,100 cents ×
        // 4,269 = 499,899,900 (0.4999 → 0); sum 999,421,900 → 0.9994 → 1.
        let e = JobsEstimate::of(65_900, 117_100);
        assert_eq!((e.farm_hundredths, e.other_hundredths, e.total_hundredths), (0, 0, 1));
        assert_eq!(JobsEstimate::of(0, 0), JobsEstimate::default());
    }

    #[test]
    fn percentages_of_the_goal() {
        assert_eq!(percent_of_goal(3, 1, 1_000_000), "0.0003");
        assert_eq!(percent_of_goal(1_000_000, 1, 1_000_000), "100.0000");
        assert_eq!(percent_of_goal(250_000, 1, 1_000_000), "25.0000");
        // 4.27 jobs (427 hundredths): 4.27 / 10⁶ × 100 = 0.000427 % → 0.0004.
        assert_eq!(percent_of_goal(427, 100, 1_000_000), "0.0004");
        // 0.000450 % rounds half-up to 0.0005.
        assert_eq!(percent_of_goal(450, 100, 1_000_000), "0.0005");
        assert_eq!(percent_of_goal(5, 1, 0), "0.0000");
        assert_eq!(hundredths(427), "4.27");
        assert_eq!(hundredths(0), "0.00");
    }
}
