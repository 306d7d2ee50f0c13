//! Shapes of request bodies shared by the API and the pages: every field optional, so
//! that validation can name each missing one, and decimals accepted as a string
//! ("12.34") or a JSON number (12.34) without ever passing through a float.

use serde::{Deserialize, Deserializer};

/// A decimal as its exact text. From a JSON number, serde_json keeps the shortest
/// text that round-trips ("12.34"), which the fixed-point parser then reads exactly.
#[derive(Debug, Clone, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = String, example = "12.34")]
pub struct DecimalText(pub String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        match Raw::deserialize(deserializer) {
            Ok(Raw::Text(text)) => Ok(DecimalText(text)),
            Ok(Raw::Number(number)) => Ok(DecimalText(number.to_string())),
            Err(_) => Err(serde::de::Error::custom("expected a decimal string such as \"12.34\" or a number")),
        }
    }
}

/// Text in English (required) and Chinese (optional), as it arrives.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BilingualInput {
    pub en: Option<String>,
    pub zh: Option<String>,
}

impl BilingualInput {
    /// Validates into (en, zh?) with `max` characters each; errors name `field.en`.
    pub fn parse(
        &self,
        field: &str,
        max: usize,
        multiline: bool,
        v: &mut gateway_core::Validation,
    ) -> Option<gateway_core::text::Bilingual> {
        use gateway_core::text::bounded;
        let en = v.required(&format!("{field}.en"), self.en.as_deref(), |s| bounded(s, max, multiline));
        let zh = match self.zh.as_deref() {
            None => Some(None),
            Some(s) if s.trim().is_empty() => Some(None),
            Some(s) => v.check(&format!("{field}.zh"), bounded(s, max, multiline)).map(Some),
        };
        Some(gateway_core::text::Bilingual { en: en?, zh: zh? })
    }
}
