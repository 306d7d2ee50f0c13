//! The 18 food categories of Decree 248, Article 7, whose manufacturers are registered
//! with GACC on the recommendation of their country's competent authority, and the
//! classification of a product into one of them, "other food" or "not food".
//!
//! The HS prefixes are Gateway's mapping at chapter, heading or subheading level, made
//! from the category names and the HS nomenclature; GACC's own product list in CIFER
//! (by 10-digit China tariff code) decides in the end. Where the mapping is a guess it
//! says so below, and docs/FOOD_REGISTRATION.md repeats it for merchants. Health foods
//! and foods for special dietary purposes are defined by what a product is for, not by
//! its HS code, so the code alone cannot find most of them.

use crate::code_enum;
use crate::tax_class::TaxClass;

code_enum!(
    /// A US competent authority that recommends facilities to GACC.
    Authority { Fda = "fda", UsdaFsis = "usda_fsis" }
);

impl Authority {
    pub fn name_en(self) -> &'static str {
        match self {
            Authority::Fda => "U.S. Food and Drug Administration (FDA)",
            Authority::UsdaFsis => "USDA Food Safety and Inspection Service (FSIS)",
        }
    }

    /// Where a facility asks this authority for its recommendation.
    pub fn link(self) -> &'static str {
        match self {
            Authority::Fda => super::links::FDA_EXPORT_LISTING,
            Authority::UsdaFsis => super::links::FSIS_CHINA,
        }
    }
}

code_enum!(
    /// The 18 categories of Article 7, in the regulation's order.
    FoodCategory {
        MeatProducts = "meat_products",
        SausageCasings = "sausage_casings",
        AquaticProducts = "aquatic_products",
        DairyProducts = "dairy_products",
        BirdsNests = "birds_nests",
        BeeProducts = "bee_products",
        EggProducts = "egg_products",
        EdibleOilsAndOilseeds = "edible_oils_and_oilseeds",
        StuffedWheatenProducts = "stuffed_wheaten_products",
        EdibleGrains = "edible_grains",
        MilledGrainProductsAndMalt = "milled_grain_products_and_malt",
        VegetablesAndDriedBeans = "vegetables_and_dried_beans",
        Condiments = "condiments",
        NutsAndSeeds = "nuts_and_seeds",
        DriedFruits = "dried_fruits",
        UnroastedCoffeeAndCocoaBeans = "unroasted_coffee_and_cocoa_beans",
        SpecialDietaryFoods = "special_dietary_foods",
        HealthFoods = "health_foods",
    }
);

impl FoodCategory {
    pub fn name_en(self) -> &'static str {
        match self {
            FoodCategory::MeatProducts => "Meat and meat products",
            FoodCategory::SausageCasings => "Sausage casings",
            FoodCategory::AquaticProducts => "Aquatic products",
            FoodCategory::DairyProducts => "Dairy products",
            FoodCategory::BirdsNests => "Bird's nests and bird's nest products",
            FoodCategory::BeeProducts => "Bee products",
            FoodCategory::EggProducts => "Eggs and egg products",
            FoodCategory::EdibleOilsAndOilseeds => "Edible oils, fats and oilseeds",
            FoodCategory::StuffedWheatenProducts => "Stuffed wheaten products",
            FoodCategory::EdibleGrains => "Edible grains",
            FoodCategory::MilledGrainProductsAndMalt => "Milled grain products and malt",
            FoodCategory::VegetablesAndDriedBeans => "Fresh and dehydrated vegetables and dried beans",
            FoodCategory::Condiments => "Condiments",
            FoodCategory::NutsAndSeeds => "Nuts and seeds",
            FoodCategory::DriedFruits => "Dried fruits",
            FoodCategory::UnroastedCoffeeAndCocoaBeans => "Unroasted coffee beans and cocoa beans",
            FoodCategory::SpecialDietaryFoods => "Foods for special dietary purposes",
            FoodCategory::HealthFoods => "Health foods",
        }
    }

    /// The names GACC uses (进口食品境外生产企业注册, 18 类).
    pub fn name_zh(self) -> &'static str {
        match self {
            FoodCategory::MeatProducts => "肉与肉制品",
            FoodCategory::SausageCasings => "肠衣",
            FoodCategory::AquaticProducts => "水产品",
            FoodCategory::DairyProducts => "乳品",
            FoodCategory::BirdsNests => "燕窝与燕窝制品",
            FoodCategory::BeeProducts => "蜂产品",
            FoodCategory::EggProducts => "蛋与蛋制品",
            FoodCategory::EdibleOilsAndOilseeds => "食用油脂和油料",
            FoodCategory::StuffedWheatenProducts => "包馅面食",
            FoodCategory::EdibleGrains => "食用谷物",
            FoodCategory::MilledGrainProductsAndMalt => "谷物制粉工业产品和麦芽",
            FoodCategory::VegetablesAndDriedBeans => "保鲜和脱水蔬菜以及干豆",
            FoodCategory::Condiments => "调味料",
            FoodCategory::NutsAndSeeds => "坚果与籽类",
            FoodCategory::DriedFruits => "干果",
            FoodCategory::UnroastedCoffeeAndCocoaBeans => "未烘焙的咖啡豆与可可豆",
            FoodCategory::SpecialDietaryFoods => "特殊膳食食品",
            FoodCategory::HealthFoods => "保健食品",
        }
    }

    /// The US authority that recommends facilities of this category. FSIS for meat
    /// and poultry and the FDA for the rest is what USDA FAS and the Commerce
    /// Department's trade guidance say; see [`FoodCategory::authority_confirmed`].
    pub fn authority(self) -> Authority {
        match self {
            FoodCategory::MeatProducts => Authority::UsdaFsis,
            _ => Authority::Fda,
        }
    }

    /// False where the authority is Gateway's reading rather than a source's explicit
    /// word: casings (animal by-products that FSIS inspects at home) and egg
    /// products (FSIS inspects processed egg products in the US). The guidance we
    /// found names FSIS for "meat and poultry" and the FDA's Export Listing Module
    /// for every other Article 7 category; a merchant of these two should check with
    /// both agencies.
    pub fn authority_confirmed(self) -> bool {
        !matches!(self, FoodCategory::SausageCasings | FoodCategory::EggProducts)
    }

    /// HS code prefixes (2022 nomenclature) of the category. Empty for health foods:
    /// nothing in an HS code says "health food".
    pub fn hs_prefixes(self) -> &'static [&'static str] {
        match self {
            // Meat and edible offal (chapter 2), sausages (1601), prepared meat (1602).
            FoodCategory::MeatProducts => {
                &["0201", "0202", "0203", "0204", "0205", "0206", "0207", "0208", "0209", "0210", "1601", "1602"]
            }
            // Guts, bladders and stomachs of animals (0504).
            FoodCategory::SausageCasings => &["0504"],
            // Fish and crustaceans (chapter 3), prepared fish (1604), prepared
            // crustaceans and molluscs (1605).
            FoodCategory::AquaticProducts => {
                &["0301", "0302", "0303", "0304", "0305", "0306", "0307", "0308", "1604", "1605"]
            }
            // Milk, cream, yoghurt, whey, butter, cheese.
            FoodCategory::DairyProducts => &["0401", "0402", "0403", "0404", "0405", "0406"],
            // Edible birds' nests (0410.21, 0410.29 since HS 2022).
            FoodCategory::BirdsNests => &["041021", "041029"],
            // Natural honey (0409); royal jelly, bee pollen and other bee products
            // are China's tariff lines 0410.9041-0410.9049 (our reading of the 2022
            // China tariff; unconfirmed).
            FoodCategory::BeeProducts => &["0409", "0410904"],
            // Birds' eggs in shell (0407), eggs not in shell and yolks (0408).
            FoodCategory::EggProducts => &["0407", "0408"],
            // Oilseeds (1201-1208) and animal or vegetable fats and oils (1501-1517).
            FoodCategory::EdibleOilsAndOilseeds => &[
                "1201", "1202", "1203", "1204", "1205", "1206", "1207", "1208", "1501", "1502", "1503", "1504", "1505",
                "1506", "1507", "1508", "1509", "1510", "1511", "1512", "1513", "1514", "1515", "1516", "1517",
            ],
            // Stuffed pasta (1902.20), such as dumplings and ravioli.
            FoodCategory::StuffedWheatenProducts => &["190220"],
            // Cereals (chapter 10): wheat, rye, barley, oats, maize, rice, sorghum,
            // buckwheat, millet, quinoa.
            FoodCategory::EdibleGrains => &["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008"],
            // Products of the milling industry, malt, starches, inulin, gluten
            // (chapter 11).
            FoodCategory::MilledGrainProductsAndMalt => {
                &["1101", "1102", "1103", "1104", "1105", "1106", "1107", "1108", "1109"]
            }
            // Edible vegetables, roots and tubers (chapter 7), dried legumes (0713)
            // among them.
            FoodCategory::VegetablesAndDriedBeans => &[
                "0701", "0702", "0703", "0704", "0705", "0706", "0707", "0708", "0709", "0710", "0711", "0712", "0713",
                "0714",
            ],
            // Natural spices (0904-0910: pepper, vanilla, cinnamon, cloves, nutmeg,
            // seeds of anise and the like, ginger, saffron, turmeric). Sauces (2103)
            // are left to self-registration: GACC describes this category as natural
            // plant spices (our reading; unconfirmed).
            FoodCategory::Condiments => &["0904", "0905", "0906", "0907", "0908", "0909", "0910"],
            // Nuts (0801, 0802) and roasted or otherwise prepared nuts and seeds
            // (2008.11, 2008.19).
            FoodCategory::NutsAndSeeds => &["0801", "0802", "200811", "200819"],
            // Dried fruit (0813) and raisins (0806.20).
            FoodCategory::DriedFruits => &["0813", "080620"],
            // Coffee, not roasted (0901.11, 0901.12), and cocoa beans (1801).
            FoodCategory::UnroastedCoffeeAndCocoaBeans => &["090111", "090112", "1801"],
            // Food preparations for infants, put up for retail sale (1901.10). Other
            // special dietary foods cannot be told from their HS code.
            FoodCategory::SpecialDietaryFoods => &["190110"],
            FoodCategory::HealthFoods => &[],
        }
    }
}

/// Where a product stands under Decree 248.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classification {
    /// One of the 18 categories: registered on the competent authority's recommendation.
    Recommended(FoodCategory),
    /// Food outside the 18 categories: the manufacturer registers itself in CIFER.
    OtherFood,
    /// Not food (its tax class says so): Decree 248 does not apply.
    NotFood,
}

impl Classification {
    /// `recommended`, `other_food` or `not_food`.
    pub fn code(self) -> &'static str {
        match self {
            Classification::Recommended(_) => "recommended",
            Classification::OtherFood => "other_food",
            Classification::NotFood => "not_food",
        }
    }

    pub fn category(self) -> Option<FoodCategory> {
        match self {
            Classification::Recommended(c) => Some(c),
            _ => None,
        }
    }

    pub fn is_food(self) -> bool {
        self != Classification::NotFood
    }
}

/// A product's place under Decree 248: not food when its tax class is not a food
/// class (the class's `food` flag, the same flag the listing check reads); else the
/// category whose HS prefix matches the code, the longest prefix winning; else other
/// food.
pub fn classify(hs_code: &str, class: &TaxClass) -> Classification {
    if !class.food {
        return Classification::NotFood;
    }
    FoodCategory::ALL
        .iter()
        .flat_map(|&c| c.hs_prefixes().iter().map(move |p| (c, *p)))
        .filter(|(_, prefix)| hs_code.starts_with(prefix))
        .max_by_key(|(_, prefix)| prefix.len())
        .map_or(Classification::OtherFood, |(c, _)| Classification::Recommended(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn class(food: bool) -> TaxClass {
        TaxClass {
            code: if food { "agri" } else { "household" }.into(),
            name_en: "Test".into(),
            name_zh: "测试".into(),
            vat_ppm: 90_000,
            ct_ppm: 0,
            ct_threshold: None,
            mfn_duty_ppm: 150_000,
            food,
            positive_list: true,
        }
    }

    fn of(hs: &str) -> Classification {
        classify(hs, &class(true))
    }

    #[test]
    fn there_are_eighteen_categories_with_names_in_both_languages() {
        assert_eq!(FoodCategory::ALL.len(), 18);
        let zh: HashSet<_> = FoodCategory::ALL.iter().map(|c| c.name_zh()).collect();
        let en: HashSet<_> = FoodCategory::ALL.iter().map(|c| c.name_en()).collect();
        assert_eq!((zh.len(), en.len()), (18, 18));
    }

    #[test]
    fn each_category_is_found_by_a_typical_code() {
        use FoodCategory::*;
        // One product a US small business might sell per category, by its 8-digit
        // China tariff code.
        let cases = [
            ("02023000", MeatProducts),                 // frozen boneless beef
            ("16010000", MeatProducts),                 // sausages
            ("05040011", SausageCasings),               // hog casings
            ("03038990", AquaticProducts),              // frozen fish
            ("16041400", AquaticProducts),              // canned tuna
            ("04022100", DairyProducts),                // milk powder
            ("04069000", DairyProducts),                // cheese
            ("04102100", BirdsNests),                   // edible bird's nest
            ("04090000", BeeProducts),                  // natural honey
            ("04109041", BeeProducts),                  // royal jelly
            ("04072100", EggProducts),                  // fresh eggs
            ("04081100", EggProducts),                  // dried yolks
            ("15099000", EdibleOilsAndOilseeds),        // olive oil
            ("12019010", EdibleOilsAndOilseeds),        // soybeans
            ("19022000", StuffedWheatenProducts),       // stuffed pasta
            ("10063020", EdibleGrains),                 // milled rice
            ("10085000", EdibleGrains),                 // quinoa
            ("11042200", MilledGrainProductsAndMalt),   // rolled oats
            ("11071000", MilledGrainProductsAndMalt),   // malt
            ("07133390", VegetablesAndDriedBeans),      // dried kidney beans
            ("07129990", VegetablesAndDriedBeans),      // dried vegetables
            ("09042100", Condiments),                   // dried chili peppers
            ("09101100", Condiments),                   // ginger
            ("08023200", NutsAndSeeds),                 // shelled walnuts
            ("08012200", NutsAndSeeds),                 // shelled Brazil nuts
            ("20081920", NutsAndSeeds),                 // roasted pecans
            ("08134000", DriedFruits),                  // dried cranberries and other dried fruit
            ("08062000", DriedFruits),                  // raisins
            ("09011100", UnroastedCoffeeAndCocoaBeans), // green coffee
            ("18010000", UnroastedCoffeeAndCocoaBeans), // cocoa beans
            ("19011010", SpecialDietaryFoods),          // infant formula
        ];
        for (hs, category) in cases {
            assert_eq!(of(hs), Classification::Recommended(category), "{hs}");
            assert_eq!(of(hs).category(), Some(category));
        }
        // Every category but health foods has a prefix the cases reach.
        let reached: HashSet<_> = cases.iter().map(|(_, c)| *c).collect();
        assert_eq!(reached.len(), 17);
        assert!(!reached.contains(&HealthFoods));
        assert!(HealthFoods.hs_prefixes().is_empty());
    }

    #[test]
    fn food_outside_the_categories_is_other_food() {
        for hs in [
            "22060000", // cider
            "22042100", // wine
            "17022000", // maple syrup
            "09012100", // roasted coffee: only unroasted beans are in a category
            "18063200", // chocolate
            "21039000", // sauces (see Condiments)
            "04109090", // other edible animal products, not bee products
            "20089990", // other prepared fruit
        ] {
            assert_eq!(of(hs), Classification::OtherFood, "{hs}");
            assert!(of(hs).is_food());
            assert_eq!(of(hs).code(), "other_food");
        }
    }

    #[test]
    fn the_tax_class_decides_whether_it_is_food() {
        // Honey's code in a non-food class is not food: the class's flag is the rule.
        assert_eq!(classify("04090000", &class(false)), Classification::NotFood);
        assert_eq!(classify("85163100", &class(false)).code(), "not_food");
        assert!(!Classification::NotFood.is_food());
    }

    #[test]
    fn the_longest_prefix_wins() {
        // 0410 holds both bird's nests and bee products, by subheading.
        assert_eq!(of("04102900"), Classification::Recommended(FoodCategory::BirdsNests));
        assert_eq!(of("0410904900"), Classification::Recommended(FoodCategory::BeeProducts));
        // 2008 is other food except its nut subheadings.
        assert_eq!(of("20081100"), Classification::Recommended(FoodCategory::NutsAndSeeds));
        assert_eq!(of("20082000"), Classification::OtherFood);
    }

    #[test]
    fn prefixes_do_not_overlap_between_categories() {
        let all: Vec<(FoodCategory, &str)> =
            FoodCategory::ALL.iter().flat_map(|&c| c.hs_prefixes().iter().map(move |p| (c, *p))).collect();
        for (a, pa) in &all {
            assert!(pa.len() >= 4 && pa.bytes().all(|b| b.is_ascii_digit()), "{pa}");
            for (b, pb) in &all {
                if a != b {
                    assert!(!pa.starts_with(pb), "{pa} ({a}) is inside {pb} ({b})");
                }
            }
        }
    }

    #[test]
    fn authorities() {
        assert_eq!(FoodCategory::MeatProducts.authority(), Authority::UsdaFsis);
        assert_eq!(FoodCategory::BeeProducts.authority(), Authority::Fda);
        assert_eq!(FoodCategory::DairyProducts.authority(), Authority::Fda);
        let fsis = FoodCategory::ALL.iter().filter(|c| c.authority() == Authority::UsdaFsis).count();
        assert_eq!(fsis, 1);
        let unconfirmed: Vec<_> = FoodCategory::ALL.iter().filter(|c| !c.authority_confirmed()).collect();
        assert_eq!(unconfirmed, [&FoodCategory::SausageCasings, &FoodCategory::EggProducts]);
        assert!(Authority::UsdaFsis.link().contains("fsis.usda.gov"));
        assert!(Authority::Fda.link().contains("fda.gov"));
    }
}
