//! A suggested tax class and HS code for an imported product. Shopify knows neither,
//! and Gateway requires both (SPEC 7), so the import proposes them and the merchant
//! confirms or corrects them afterwards, product by product.
//!
//! The class comes from a small keyword table over Shopify's own words for the
//! product, most structured first: `Product Category` (Shopify's taxonomy, "Apparel &
//! Accessories > Clothing > …"), then `Type`, `Title` and `Tags`. The first field in
//! which any keyword matches decides; within a field the classes are tried in the
//! order of the table (meat, wine and cosmetics before food, food before agri), so
//! "Honey Mustard Sauce" is food, not agri. Nothing matched: `household`, and the
//! preview says that no keyword decided.
//!
//! The HS code is a documented placeholder per class, a real 8-digit Chinese tariff
//! line typical of the class, which the merchant must confirm: the real line depends
//! on the product and the import must not pretend to know it.

/// (class, keywords). Keywords are lower-case words or phrases matched on word
/// boundaries; a trailing "s" of a word in the text is also tried without it.
const KEYWORDS: &[(&str, &[&str])] = &[
    (
        "meat",
        &["meat", "beef", "pork", "steak", "lamb", "bison", "venison", "veal", "ribeye", "brisket", "sausage", "bacon"],
    ),
    (
        "wine",
        &[
            "wine",
            "cider",
            "champagne",
            "prosecco",
            "merlot",
            "cabernet",
            "chardonnay",
            "riesling",
            "pinot",
            "rosé",
            "sauvignon",
            "zinfandel",
            "mead",
        ],
    ),
    (
        "cosmetics",
        &[
            "cosmetic",
            "skincare",
            "skin care",
            "makeup",
            "make-up",
            "lipstick",
            "lip balm",
            "mascara",
            "serum",
            "lotion",
            "moisturizer",
            "moisturiser",
            "face cream",
            "hand cream",
            "body butter",
            "perfume",
            "fragrance",
            "shampoo",
            "conditioner",
            "soap",
            "beauty",
            "personal care",
        ],
    ),
    (
        "food",
        &[
            "food",
            "snack",
            "sauce",
            "coffee",
            "tea",
            "supplement",
            "vitamin",
            "candy",
            "chocolate",
            "cookie",
            "jam",
            "jelly",
            "spice",
            "seasoning",
            "rub",
            "jerky",
            "beverage",
            "drink",
            "salsa",
            "cereal",
            "granola",
            "protein",
            "baking mix",
            "pasta",
        ],
    ),
    (
        "agri",
        &[
            "honey",
            "honeycomb",
            "maple",
            "syrup",
            "nut",
            "almond",
            "pecan",
            "walnut",
            "pistachio",
            "peanut",
            "hazelnut",
            "dried fruit",
            "raisin",
            "cranberry",
            "cherry",
            "cherries",
            "blueberry",
            "grain",
            "rice",
            "wild rice",
            "oat",
            "wheat",
            "flour",
            "seed",
            "bean",
            "popcorn",
            "ginseng",
            "produce",
        ],
    ),
    (
        "apparel",
        &[
            "apparel",
            "clothing",
            "shirt",
            "t-shirt",
            "tee",
            "pants",
            "jeans",
            "dress",
            "skirt",
            "jacket",
            "coat",
            "hoodie",
            "sweater",
            "sweatshirt",
            "hat",
            "beanie",
            "cap",
            "sock",
            "shoe",
            "boot",
            "sneaker",
            "scarf",
            "glove",
            "shorts",
            "legging",
            "underwear",
        ],
    ),
    (
        "electronics",
        &[
            "electronic",
            "electronics",
            "headphone",
            "earbud",
            "speaker",
            "charger",
            "cable",
            "phone",
            "camera",
            "battery",
            "usb",
            "bluetooth",
            "radio",
            "led",
            "adapter",
        ],
    ),
    (
        "household",
        &[
            "home",
            "kitchen",
            "toy",
            "sport",
            "sports",
            "rug",
            "sofa",
            "furniture",
            "mug",
            "candle",
            "blanket",
            "decor",
            "cookware",
            "skillet",
            "knife",
            "garden",
            "pillow",
            "towel",
        ],
    ),
];

/// The placeholder HS code of each class (8 digits; the merchant confirms it).
pub const DEFAULT_HS_CODES: &[(&str, &str)] = &[
    ("agri", "08029000"),        // other nuts, fresh or dried
    ("food", "21069090"),        // food preparations not elsewhere specified
    ("wine", "22042100"),        // wine in containers of 2 l or less
    ("cosmetics", "33049900"),   // other beauty, make-up and skin-care preparations
    ("apparel", "61091000"),     // T-shirts and vests, knitted, of cotton
    ("household", "73239300"),   // table and kitchen articles of stainless steel
    ("electronics", "85176299"), // other apparatus for transmitting or receiving data
    ("meat", "02023000"),        // frozen boneless beef
];

pub const FALLBACK_CLASS: &str = "household";

/// A suggestion and where it came from, for the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub tax_class: &'static str,
    pub hs_code: &'static str,
    /// "Type: Shirts" — the field and the word that decided; None for the fallback.
    pub reason: Option<String>,
}

/// Suggests a class from Shopify's fields, given as (column name, text), most
/// structured first.
pub fn suggest(fields: &[(&str, &str)]) -> Suggestion {
    for (column, text) in fields {
        let words = words(text);
        if words.is_empty() {
            continue;
        }
        for (class, keywords) in KEYWORDS {
            if let Some(keyword) = keywords.iter().find(|k| matches(&words, k)) {
                return Suggestion {
                    tax_class: class,
                    hs_code: hs_code(class),
                    reason: Some(format!("{column}: {keyword}")),
                };
            }
        }
    }
    Suggestion { tax_class: FALLBACK_CLASS, hs_code: hs_code(FALLBACK_CLASS), reason: None }
}

/// The placeholder HS code of `class` (that of household for an unknown class).
pub fn hs_code(class: &str) -> &'static str {
    DEFAULT_HS_CODES.iter().find(|(c, _)| *c == class).map_or("73239300", |(_, code)| code)
}

/// Lower-case words of `text`, split on anything but letters, digits, '-' and '&';
/// a comma is kept as a word of its own, so a phrase never matches across a list.
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphanumeric() || c == '-' || c == '&' {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if c == ',' {
                out.push(",".to_string());
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether the keyword's words occur in a row in `words`, a text word also matching
/// without a trailing "s" ("cherries" is listed itself).
fn matches(text: &[String], keyword: &str) -> bool {
    let kw = words(keyword);
    if kw.is_empty() || kw.len() > text.len() {
        return false;
    }
    text.windows(kw.len())
        .any(|window| window.iter().zip(&kw).all(|(w, k)| w == k || w.strip_suffix('s').is_some_and(|stem| stem == k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_structured_field_decides() {
        let s = suggest(&[
            ("Product Category", "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts"),
            ("Type", "Shirts"),
            ("Title", "Example T-Shirt"),
        ]);
        assert_eq!((s.tax_class, s.hs_code), ("apparel", "61091000"));
        assert_eq!(s.reason.as_deref(), Some("Product Category: apparel"));
        // No category: the type decides, plural folded.
        let s = suggest(&[("Product Category", ""), ("Type", "Pecans"), ("Title", "Wine gift box")]);
        assert_eq!(s.tax_class, "agri");
        assert_eq!(s.reason.as_deref(), Some("Type: pecan"));
    }

    #[test]
    fn classes_by_title_and_tags_and_the_fallback() {
        let class = |title: &str| suggest(&[("Title", title)]).tax_class;
        assert_eq!(class("Dry Riesling 2022, 750 ml"), "wine");
        assert_eq!(class("Frozen Ribeye Steaks"), "meat");
        assert_eq!(class("Beeswax Hand Cream 60 ml"), "cosmetics");
        assert_eq!(class("Pure Maple Syrup"), "agri");
        assert_eq!(class("Whole Bean Coffee"), "food");
        assert_eq!(class("Bluetooth Speaker"), "electronics");
        assert_eq!(class("Example Beanie"), "apparel");
        // "tee" is a word, not a part of "teeth" or "steel".
        assert_eq!(class("Stainless steel teether"), "household");
        let none = suggest(&[("Title", "Zxqv Wobblethorp"), ("Tags", "")]);
        assert_eq!((none.tax_class, none.hs_code, none.reason), ("household", "73239300", None));
        assert_eq!(suggest(&[("Title", "Gift"), ("Tags", "Made to Order, Candles")]).tax_class, "household");
    }

    #[test]
    fn every_class_has_a_placeholder_hs_code_of_8_digits() {
        for (class, _) in KEYWORDS {
            let code = hs_code(class);
            assert!(gateway_core::product::HsCode::parse(code).is_ok(), "{class}: {code}");
            assert!(DEFAULT_HS_CODES.iter().any(|(c, _)| c == class), "{class}");
        }
    }
}
