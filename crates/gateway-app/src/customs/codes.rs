//! The China Customs code tables the CEB messages need, as far as Gateway uses them.
//!
//! Source: the customs parameter tables of the CEB message standard ("JGS-20 海关业务代码集":
//! currency 币制代码, country 国别(地区)代码, unit of measure 计量单位代码, transport mode
//! 运输方式代码), as they appear in the published CEB311/CEB621 samples and field notes
//! (e.g. "币制 … 限定为人民币，填写“142”", "保税进口填写代码“142”", "直购进口填写“9610”，保税
//! 进口填写“1210”"), and the full country and unit tables as public CEB integrations
//! carry them (country 101 Afghanistan … 502 United States … 609 New Zealand; unit 001 台
//! … 011 件 … 035 千克 … 142 瓶). Only the codes Gateway emits are listed; an unknown
//! one is reported by the three-document check rather than guessed.

use gateway_core::merchant::Fulfilment;
use gateway_core::product::ContentUnit;

/// Currency 币制: renminbi. Every amount in a CEB import message is in CNY.
pub const CURRENCY_CNY: &str = "142";
/// Currency 币制: US dollar (same number as the USA in the country table).
pub const CURRENCY_USD: &str = "502";

/// Country 国别(地区) codes by ISO 3166-1 alpha-2 (the form products keep their origin in).
const COUNTRIES: &[(&str, &str)] = &[
    ("CN", "142"),
    ("US", "502"),
    ("CA", "501"),
    ("MX", "429"),
    ("BR", "410"),
    ("AR", "402"),
    ("CL", "412"),
    ("HK", "110"),
    ("MO", "121"),
    ("TW", "143"),
    ("JP", "116"),
    ("KR", "133"),
    ("SG", "132"),
    ("MY", "122"),
    ("TH", "136"),
    ("VN", "141"),
    ("ID", "112"),
    ("PH", "129"),
    ("IN", "111"),
    ("IL", "115"),
    ("TR", "137"),
    ("AE", "138"),
    ("BE", "301"),
    ("DK", "302"),
    ("GB", "303"),
    ("DE", "304"),
    ("FR", "305"),
    ("IE", "306"),
    ("IT", "307"),
    ("LU", "308"),
    ("NL", "309"),
    ("GR", "310"),
    ("PT", "311"),
    ("ES", "312"),
    ("AT", "315"),
    ("FI", "318"),
    ("NO", "326"),
    ("PL", "327"),
    ("SE", "330"),
    ("CH", "331"),
    ("RU", "344"),
    ("ZA", "244"),
    ("AU", "601"),
    ("NZ", "609"),
];

/// China, as the CEB621 `country` of a bonded (1210) import: the goods leave a Chinese
/// bonded zone ("保税进口填写代码“142”").
pub const COUNTRY_CHINA: &str = "142";
/// The United States: where every Gateway merchant ships from today.
pub const COUNTRY_USA: &str = "502";

/// The customs country code of an ISO alpha-2 country, if Gateway knows it.
pub fn country(iso2: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(iso, _)| iso.eq_ignore_ascii_case(iso2)).map(|(_, code)| *code)
}

/// Units of measure 计量单位 (three digits).
pub mod unit {
    /// 个 (each).
    pub const EACH: &str = "007";
    /// 件 (piece): the unit Gateway declares quantities sold in.
    pub const PIECE: &str = "011";
    /// 千克 (kilogram).
    pub const KILOGRAM: &str = "035";
    /// 克 (gram).
    pub const GRAM: &str = "036";
    /// 升 (litre).
    pub const LITRE: &str = "095";
    /// 毫升 (millilitre).
    pub const MILLILITRE: &str = "096";
    /// 瓶 (bottle).
    pub const BOTTLE: &str = "142";
    /// 盒 (box).
    pub const BOX: &str = "140";
}

/// The legal unit (`unit1`) a line's legal quantity (`qty1`) is declared in, from the
/// product's net content: grams are declared in kilograms, millilitres in litres, pieces
/// in pieces. (The real legal unit belongs to the 10-digit tariff line; without a tariff
/// table this is the closest the catalog allows.)
pub fn legal_unit(content: ContentUnit) -> &'static str {
    match content {
        ContentUnit::Gram => unit::KILOGRAM,
        ContentUnit::Millilitre => unit::LITRE,
        ContentUnit::Piece => unit::PIECE,
    }
}

/// Trade mode 贸易方式 by the merchant's fulfilment: direct mail is 9610
/// (跨境电商直购进口), a bonded warehouse 1210 (保税跨境贸易电子商务).
pub fn trade_mode(fulfilment: Fulfilment) -> &'static str {
    match fulfilment {
        Fulfilment::DirectMail => "9610",
        Fulfilment::Bonded => "1210",
    }
}

/// Transport mode 运输方式: direct mail crosses the border by air (5, 航空运输); a
/// bonded order's transport is the one out of the zone to the buyer, by road (4, 公路运输).
pub fn transport_mode(fulfilment: Fulfilment) -> &'static str {
    match fulfilment {
        Fulfilment::DirectMail => "5",
        Fulfilment::Bonded => "4",
    }
}

/// The CEB621 `country` 起运国(地区): where the goods set out for China. Direct mail
/// leaves the merchant's country (the USA for every merchant today); a bonded order
/// leaves a Chinese bonded zone.
pub fn departure_country(fulfilment: Fulfilment) -> &'static str {
    match fulfilment {
        Fulfilment::DirectMail => COUNTRY_USA,
        Fulfilment::Bonded => COUNTRY_CHINA,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_the_tables() {
        assert_eq!(CURRENCY_CNY, "142");
        assert_eq!(CURRENCY_USD, "502");
        assert_eq!(country("US"), Some("502"));
        assert_eq!(country("cn"), Some("142"));
        assert_eq!(country("ZZ"), None);
        assert_eq!(trade_mode(Fulfilment::DirectMail), "9610");
        assert_eq!(trade_mode(Fulfilment::Bonded), "1210");
        assert_eq!(departure_country(Fulfilment::Bonded), "142");
        assert_eq!(legal_unit(ContentUnit::Gram), "035");
        assert_eq!(unit::PIECE, "011");
        assert_eq!(unit::EACH, "007");
    }
}
