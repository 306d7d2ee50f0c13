//! Where seeded merchants are: the 50 states and DC, weighted by how many small
//! businesses each has, with farms more likely in the farm states.

use gateway_core::merchant::MerchantKind;
use rand::Rng;

/// One state's share of the seeded merchants.
#[derive(Debug, Clone, Copy)]
pub struct StateProfile {
    pub code: &'static str,
    /// Small businesses, in thousands (SBA Office of Advocacy state profiles, rounded):
    /// the relative weight of the state.
    pub weight: u32,
    /// Per cent of the state's seeded merchants that are farms.
    pub farm_percent: u32,
    /// The state's capital, one of the cities its merchants are in.
    pub capital: &'static str,
    /// A three-digit ZIP prefix of the state.
    pub zip3: &'static str,
}

/// Farm share tiers: the Plains and the upper Midwest, other agricultural states,
/// and everywhere else.
const FARM_HIGH: u32 = 45;
const FARM_MID: u32 = 20;
const FARM_LOW: u32 = 6;
const FARM_NONE: u32 = 0;

macro_rules! states {
    ($($code:literal $weight:literal $farm:ident $capital:literal $zip:literal;)*) => {
        pub const STATES: &[StateProfile] = &[
            $(StateProfile { code: $code, weight: $weight, farm_percent: $farm, capital: $capital, zip3: $zip }),*
        ];
    };
}

states! {
    "AL" 420 FARM_MID "Montgomery" "361";
    "AK" 75 FARM_LOW "Juneau" "998";
    "AZ" 600 FARM_LOW "Phoenix" "850";
    "AR" 260 FARM_HIGH "Little Rock" "722";
    "CA" 4200 FARM_MID "Sacramento" "958";
    "CO" 700 FARM_MID "Denver" "802";
    "CT" 350 FARM_LOW "Hartford" "061";
    "DE" 100 FARM_MID "Dover" "199";
    "DC" 80 FARM_NONE "Washington" "200";
    "FL" 3300 FARM_LOW "Tallahassee" "323";
    "GA" 1200 FARM_MID "Atlanta" "303";
    "HI" 140 FARM_MID "Honolulu" "968";
    "ID" 190 FARM_HIGH "Boise" "837";
    "IL" 1300 FARM_MID "Springfield" "627";
    "IN" 550 FARM_MID "Indianapolis" "462";
    "IA" 280 FARM_HIGH "Des Moines" "503";
    "KS" 260 FARM_HIGH "Topeka" "666";
    "KY" 380 FARM_MID "Frankfort" "406";
    "LA" 480 FARM_MID "Baton Rouge" "708";
    "ME" 150 FARM_MID "Augusta" "043";
    "MD" 600 FARM_LOW "Annapolis" "214";
    "MA" 700 FARM_LOW "Boston" "021";
    "MI" 900 FARM_MID "Lansing" "489";
    "MN" 530 FARM_HIGH "Saint Paul" "551";
    "MS" 260 FARM_MID "Jackson" "392";
    "MO" 550 FARM_HIGH "Jefferson City" "651";
    "MT" 130 FARM_HIGH "Helena" "596";
    "NE" 190 FARM_HIGH "Lincoln" "685";
    "NV" 300 FARM_LOW "Carson City" "897";
    "NH" 150 FARM_LOW "Concord" "033";
    "NJ" 900 FARM_LOW "Trenton" "086";
    "NM" 170 FARM_MID "Santa Fe" "875";
    "NY" 2300 FARM_LOW "Albany" "122";
    "NC" 1000 FARM_MID "Raleigh" "276";
    "ND" 80 FARM_HIGH "Bismarck" "585";
    "OH" 1000 FARM_MID "Columbus" "432";
    "OK" 380 FARM_MID "Oklahoma City" "731";
    "OR" 400 FARM_MID "Salem" "973";
    "PA" 1100 FARM_MID "Harrisburg" "171";
    "RI" 100 FARM_LOW "Providence" "029";
    "SC" 500 FARM_MID "Columbia" "292";
    "SD" 90 FARM_HIGH "Pierre" "575";
    "TN" 700 FARM_MID "Nashville" "372";
    "TX" 3200 FARM_MID "Austin" "787";
    "UT" 330 FARM_LOW "Salt Lake City" "841";
    "VT" 80 FARM_MID "Montpelier" "056";
    "VA" 800 FARM_MID "Richmond" "232";
    "WA" 700 FARM_MID "Olympia" "985";
    "WV" 120 FARM_MID "Charleston" "253";
    "WI" 480 FARM_HIGH "Madison" "537";
    "WY" 70 FARM_MID "Cheyenne" "820";
}

/// Town names found in many states, besides each state's capital.
const TOWNS: &[&str] = &[
    "Springfield",
    "Franklin",
    "Greenville",
    "Clinton",
    "Fairview",
    "Salem",
    "Madison",
    "Georgetown",
    "Arlington",
    "Ashland",
    "Oxford",
    "Milton",
    "Newport",
    "Riverside",
    "Centerville",
    "Bristol",
    "Marion",
    "Burlington",
    "Manchester",
    "Clayton",
    "Lexington",
    "Auburn",
    "Hudson",
    "Kingston",
    "Lebanon",
    "Mount Vernon",
    "Winchester",
];

/// Picks states by weight.
pub struct StatePicker {
    /// Running totals of the weights, in `STATES` order.
    cumulative: Vec<u32>,
}

impl Default for StatePicker {
    fn default() -> Self {
        let mut total = 0;
        let cumulative = STATES
            .iter()
            .map(|s| {
                total += s.weight;
                total
            })
            .collect();
        Self { cumulative }
    }
}

impl StatePicker {
    pub fn total(&self) -> u32 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The state whose weight interval holds `ticket` (0 ≤ ticket < total).
    pub fn state_at(&self, ticket: u32) -> &'static StateProfile {
        let index = self.cumulative.partition_point(|&c| c <= ticket).min(STATES.len() - 1);
        &STATES[index]
    }

    pub fn pick(&self, rng: &mut impl Rng) -> &'static StateProfile {
        self.state_at(rng.random_range(0..self.total()))
    }
}

/// A merchant kind for a business in `state`: a farm at the state's farm share, else
/// a manufacturer, brand or retailer.
pub fn kind_in(state: &StateProfile, rng: &mut impl Rng) -> MerchantKind {
    if rng.random_range(0..100) < state.farm_percent {
        return MerchantKind::Farm;
    }
    match rng.random_range(0..100) {
        0..35 => MerchantKind::Manufacturer,
        35..60 => MerchantKind::Brand,
        _ => MerchantKind::Retailer,
    }
}

/// A city and ZIP code in `state`.
pub fn address_in(state: &StateProfile, rng: &mut impl Rng) -> (String, String) {
    let city = if rng.random_range(0..4) == 0 { state.capital } else { TOWNS[rng.random_range(0..TOWNS.len())] };
    (city.to_string(), format!("{}{:02}", state.zip3, rng.random_range(0..100)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gateway_core::merchant::{UsState, Zip};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_fifty_states_and_dc_each_once_with_valid_codes_and_zips() {
        assert_eq!(STATES.len(), 51);
        let codes: std::collections::BTreeSet<_> = STATES.iter().map(|s| s.code).collect();
        assert_eq!(codes.len(), 51);
        assert!(codes.contains("DC"));
        for s in STATES {
            assert!(UsState::parse(s.code).is_ok(), "{}", s.code);
            assert!(Zip::parse(&format!("{}00", s.zip3)).is_ok(), "{}", s.code);
            assert!(s.weight > 0);
        }
    }

    #[test]
    fn every_ticket_lands_in_the_state_whose_interval_holds_it() {
        let picker = StatePicker::default();
        let total: u32 = STATES.iter().map(|s| s.weight).sum();
        assert_eq!(picker.total(), total);
        assert_eq!(picker.state_at(0).code, STATES[0].code);
        assert_eq!(picker.state_at(STATES[0].weight - 1).code, STATES[0].code);
        assert_eq!(picker.state_at(STATES[0].weight).code, STATES[1].code);
        assert_eq!(picker.state_at(total - 1).code, STATES[STATES.len() - 1].code);
    }

    #[test]
    fn states_are_drawn_in_proportion_to_their_weight_and_farms_follow_farm_states() {
        let picker = StatePicker::default();
        let mut rng = StdRng::seed_from_u64(7);
        let draws = 200_000;
        let mut counts = std::collections::HashMap::new();
        let mut farms = std::collections::HashMap::<&str, (u32, u32)>::new();
        for _ in 0..draws {
            let state = picker.pick(&mut rng);
            *counts.entry(state.code).or_insert(0u32) += 1;
            let entry = farms.entry(state.code).or_default();
            entry.0 += 1;
            entry.1 += u32::from(kind_in(state, &mut rng) == MerchantKind::Farm);
        }
        let share = |code: &str| f64::from(counts[code]) / f64::from(draws);
        let expected = |code: &str| {
            f64::from(STATES.iter().find(|s| s.code == code).map_or(0, |s| s.weight)) / f64::from(picker.total())
        };
        for code in ["CA", "TX", "IA", "WY"] {
            assert!((share(code) - expected(code)).abs() < 0.004, "{code}: {} vs {}", share(code), expected(code));
        }
        assert!(share("CA") > 10.0 * share("IA"), "California has far more businesses than Iowa");
        let farm_share = |code: &str| f64::from(farms[code].1) / f64::from(farms[code].0);
        assert!(farm_share("IA") > 0.35, "Iowa: {}", farm_share("IA"));
        assert!(farm_share("NY") < 0.12, "New York: {}", farm_share("NY"));
        assert_eq!(farms.get("DC").map_or(0, |f| f.1), 0, "no farms in the District");
    }
}
