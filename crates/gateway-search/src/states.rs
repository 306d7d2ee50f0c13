//! The 50 states and the District of Columbia: USPS code, English name and the Chinese
//! names a shopper in mainland China types (the standard Xinhua rendering with 州, the
//! short form without it, and the colloquial forms in common use such as 加州 or 德州).
//!
//! A product is indexed with its merchant's state in every one of these forms, so
//! "密歇根 蜂蜜", "Michigan honey" and "MI honey" find the same jars.

/// One state (or DC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsState {
    /// The USPS code, upper case ("MI").
    pub code: &'static str,
    /// The English name ("Michigan").
    pub name_en: &'static str,
    /// Chinese names, the preferred one first ("密歇根州", "密歇根", "密西根").
    pub names_zh: &'static [&'static str],
}

macro_rules! states {
    ($($code:literal, $en:literal, [$($zh:literal),+ $(,)?];)*) => {
        /// Every state and DC, ordered by USPS code.
        pub const STATES: &[UsState] = &[$(UsState { code: $code, name_en: $en, names_zh: &[$($zh),+] }),*];
    };
}

states! {
    "AK", "Alaska", ["阿拉斯加州", "阿拉斯加"];
    "AL", "Alabama", ["亚拉巴马州", "亚拉巴马", "阿拉巴马州", "阿拉巴马"];
    "AR", "Arkansas", ["阿肯色州", "阿肯色"];
    "AZ", "Arizona", ["亚利桑那州", "亚利桑那"];
    "CA", "California", ["加利福尼亚州", "加利福尼亚", "加州"];
    "CO", "Colorado", ["科罗拉多州", "科罗拉多"];
    "CT", "Connecticut", ["康涅狄格州", "康涅狄格"];
    "DC", "District of Columbia", ["哥伦比亚特区", "华盛顿特区", "华盛顿"];
    "DE", "Delaware", ["特拉华州", "特拉华"];
    "FL", "Florida", ["佛罗里达州", "佛罗里达"];
    "GA", "Georgia", ["佐治亚州", "佐治亚"];
    "HI", "Hawaii", ["夏威夷州", "夏威夷"];
    "IA", "Iowa", ["艾奥瓦州", "艾奥瓦", "爱荷华州", "爱荷华"];
    "ID", "Idaho", ["爱达荷州", "爱达荷"];
    "IL", "Illinois", ["伊利诺伊州", "伊利诺伊", "伊利诺斯"];
    "IN", "Indiana", ["印第安纳州", "印第安纳"];
    "KS", "Kansas", ["堪萨斯州", "堪萨斯"];
    "KY", "Kentucky", ["肯塔基州", "肯塔基"];
    "LA", "Louisiana", ["路易斯安那州", "路易斯安那"];
    "MA", "Massachusetts", ["马萨诸塞州", "马萨诸塞", "麻省", "麻州"];
    "MD", "Maryland", ["马里兰州", "马里兰"];
    "ME", "Maine", ["缅因州", "缅因"];
    "MI", "Michigan", ["密歇根州", "密歇根", "密西根"];
    "MN", "Minnesota", ["明尼苏达州", "明尼苏达"];
    "MO", "Missouri", ["密苏里州", "密苏里"];
    "MS", "Mississippi", ["密西西比州", "密西西比"];
    "MT", "Montana", ["蒙大拿州", "蒙大拿"];
    "NC", "North Carolina", ["北卡罗来纳州", "北卡罗来纳", "北卡罗莱纳", "北卡"];
    "ND", "North Dakota", ["北达科他州", "北达科他"];
    "NE", "Nebraska", ["内布拉斯加州", "内布拉斯加"];
    "NH", "New Hampshire", ["新罕布什尔州", "新罕布什尔"];
    "NJ", "New Jersey", ["新泽西州", "新泽西"];
    "NM", "New Mexico", ["新墨西哥州", "新墨西哥"];
    "NV", "Nevada", ["内华达州", "内华达"];
    "NY", "New York", ["纽约州", "纽约"];
    "OH", "Ohio", ["俄亥俄州", "俄亥俄"];
    "OK", "Oklahoma", ["俄克拉何马州", "俄克拉何马", "俄克拉荷马州", "俄克拉荷马"];
    "OR", "Oregon", ["俄勒冈州", "俄勒冈"];
    "PA", "Pennsylvania", ["宾夕法尼亚州", "宾夕法尼亚", "宾州"];
    "RI", "Rhode Island", ["罗得岛州", "罗得岛", "罗德岛"];
    "SC", "South Carolina", ["南卡罗来纳州", "南卡罗来纳", "南卡罗莱纳", "南卡"];
    "SD", "South Dakota", ["南达科他州", "南达科他"];
    "TN", "Tennessee", ["田纳西州", "田纳西"];
    "TX", "Texas", ["得克萨斯州", "得克萨斯", "德克萨斯州", "德克萨斯", "德州"];
    "UT", "Utah", ["犹他州", "犹他"];
    "VA", "Virginia", ["弗吉尼亚州", "弗吉尼亚", "维吉尼亚"];
    "VT", "Vermont", ["佛蒙特州", "佛蒙特"];
    "WA", "Washington", ["华盛顿州", "华盛顿"];
    "WI", "Wisconsin", ["威斯康星州", "威斯康星", "威斯康辛"];
    "WV", "West Virginia", ["西弗吉尼亚州", "西弗吉尼亚"];
    "WY", "Wyoming", ["怀俄明州", "怀俄明"];
}

/// The state of a USPS code, in any case ("mi", "MI").
pub fn by_code(code: &str) -> Option<&'static UsState> {
    STATES.iter().find(|s| s.code.eq_ignore_ascii_case(code))
}

/// The text a product is indexed with for its merchant's state: the English name and
/// every Chinese name. Unknown codes give an empty text.
pub(crate) fn place_text(code: &str) -> String {
    match by_code(code) {
        Some(state) => {
            let mut text = String::from(state.name_en);
            for zh in state.names_zh {
                text.push(' ');
                text.push_str(zh);
            }
            text
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_states_and_dc_sorted_unique() {
        assert_eq!(STATES.len(), 51);
        assert!(STATES.windows(2).all(|w| w[0].code < w[1].code), "sorted and unique by code");
        assert!(STATES.iter().all(|s| s.code.len() == 2 && s.code.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(STATES.iter().all(|s| s.names_zh[0].ends_with('州') || s.code == "DC"));
    }

    #[test]
    fn lookups() {
        assert_eq!(by_code("mi").map(|s| s.name_en), Some("Michigan"));
        assert_eq!(by_code("XX"), None);
        assert!(place_text("MI").contains("密歇根"));
        assert_eq!(place_text("ZZ"), "");
    }
}
