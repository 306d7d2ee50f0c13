//! Freight per order (SPEC 5): by total weight for direct mail, flat from a bonded
//! warehouse. The operator may change the numbers.

use crate::merchant::Fulfilment;
use crate::money::Cny;

/// The weight step of the direct-mail tariff.
pub const STEP_G: i64 = 500;

/// The freight tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreightRates {
    /// Direct mail (customs mode 9610): the first 500 g or less.
    pub direct_first_500g: Cny,
    /// Direct mail: each further 500 g or part of it.
    pub direct_each_further_500g: Cny,
    /// Bonded warehouse (customs mode 1210): per order, whatever the weight.
    pub bonded_flat: Cny,
}

/// SPEC 5: 40.00 for the first 500 g, 20.00 for each further 500 g, 10.00 bonded.
impl Default for FreightRates {
    fn default() -> Self {
        Self {
            direct_first_500g: Cny::from_minor(4_000),
            direct_each_further_500g: Cny::from_minor(2_000),
            bonded_flat: Cny::from_minor(1_000),
        }
    }
}

/// The number of further 500 g steps beyond the first 500 g (each started step counts).
pub fn further_steps(total_weight_g: i64) -> i64 {
    if total_weight_g <= STEP_G { 0 } else { (total_weight_g - STEP_G - 1) / STEP_G + 1 }
}

/// The freight of one order (one merchant's part of a checkout) of `total_weight_g`.
///
/// Direct mail: `direct_first_500g` for the first 500 g (or less, including a weight
/// of 0), plus `direct_each_further_500g` for each further 500 g or part of it.
/// Bonded: `bonded_flat`. Saturates rather than overflows for absurd inputs.
pub fn freight(rates: &FreightRates, fulfilment: Fulfilment, total_weight_g: i64) -> Cny {
    match fulfilment {
        Fulfilment::Bonded => rates.bonded_flat,
        Fulfilment::DirectMail => {
            let further =
                i128::from(further_steps(total_weight_g)) * i128::from(rates.direct_each_further_500g.minor());
            let fen = i128::from(rates.direct_first_500g.minor()) + further;
            Cny::from_minor(i64::try_from(fen).unwrap_or(if fen < 0 { i64::MIN } else { i64::MAX }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_mail_by_started_500_g() {
        let rates = FreightRates::default();
        let direct = |g| freight(&rates, Fulfilment::DirectMail, g).minor();
        for (g, expected) in
            [(0, 4_000), (1, 4_000), (500, 4_000), (501, 6_000), (1000, 6_000), (1001, 8_000), (2600, 14_000)]
        {
            assert_eq!(direct(g), expected, "{g} g");
        }
        assert_eq!(direct(i64::MAX), i64::MAX);
    }

    #[test]
    fn bonded_is_flat() {
        let rates = FreightRates::default();
        for g in [0, 1, 500, 501, 2600, 1_000_000] {
            assert_eq!(freight(&rates, Fulfilment::Bonded, g), Cny::from_minor(1_000));
        }
    }

    #[test]
    fn the_operator_may_change_the_numbers() {
        let rates = FreightRates {
            direct_first_500g: Cny::from_minor(3_500),
            direct_each_further_500g: Cny::from_minor(1_500),
            bonded_flat: Cny::from_minor(800),
        };
        assert_eq!(freight(&rates, Fulfilment::DirectMail, 1_499), Cny::from_minor(6_500));
        assert_eq!(freight(&rates, Fulfilment::Bonded, 1_499), Cny::from_minor(800));
        assert_eq!(further_steps(1_500), 2);
    }
}
