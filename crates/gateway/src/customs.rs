//! The customs registrations the documents name and the wallets declare with (issue
//! 20): defaults (placeholders), then the TOML file's `[customs]` table, then
//! `GATEWAY_CUSTOMS_<FIELD>` variables (`GATEWAY_CUSTOMS_EBP_CODE`, …). A server that
//! takes wallet payments with placeholders left says which, loudly: customs refuses
//! documents that carry them.

use gateway_app::customs::CustomsSettings;
use serde::Deserialize;

/// The `[customs]` table of the TOML file; every field optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsFile {
    pub ebp_code: Option<String>,
    pub ebp_name: Option<String>,
    pub ebc_code: Option<String>,
    pub pay_code: Option<String>,
    pub pay_name: Option<String>,
    pub logistics_code: Option<String>,
    pub logistics_name: Option<String>,
    pub customs_code: Option<String>,
    pub port_code: Option<String>,
    pub agent_code: Option<String>,
    pub agent_name: Option<String>,
    pub assure_code: Option<String>,
    pub ems_no: Option<String>,
    pub dxp_id: Option<String>,
}

/// The settings from `file` under the environment (`env` looks a name up).
pub fn resolve(file: &CustomsFile, env: impl Fn(&str) -> Option<String>) -> CustomsSettings {
    let mut settings = CustomsSettings::default();
    macro_rules! take {
        ($($field:ident),+) => {$(
            let name = concat!("GATEWAY_CUSTOMS_", stringify!($field)).to_ascii_uppercase();
            if let Some(value) = env(&name).or_else(|| file.$field.clone()).filter(|v| !v.trim().is_empty()) {
                settings.$field = value;
            }
        )+};
    }
    take!(
        ebp_code,
        ebp_name,
        ebc_code,
        pay_code,
        pay_name,
        logistics_code,
        logistics_name,
        customs_code,
        port_code,
        agent_code,
        agent_name,
        assure_code,
        dxp_id
    );
    if let Some(value) = env("GATEWAY_CUSTOMS_EMS_NO").or_else(|| file.ems_no.clone()) {
        settings.ems_no = Some(value).filter(|v| !v.trim().is_empty());
    }
    settings
}

/// The codes still at their placeholder, by variable name.
pub fn placeholders(settings: &CustomsSettings) -> Vec<&'static str> {
    let default = CustomsSettings::default();
    let mut left = Vec::new();
    macro_rules! check {
        ($($field:ident => $name:literal),+) => {$(
            if settings.$field == default.$field {
                left.push($name);
            }
        )+};
    }
    check!(
        ebp_code => "GATEWAY_CUSTOMS_EBP_CODE",
        ebc_code => "GATEWAY_CUSTOMS_EBC_CODE",
        pay_code => "GATEWAY_CUSTOMS_PAY_CODE",
        logistics_code => "GATEWAY_CUSTOMS_LOGISTICS_CODE",
        customs_code => "GATEWAY_CUSTOMS_CUSTOMS_CODE",
        port_code => "GATEWAY_CUSTOMS_PORT_CODE",
        agent_code => "GATEWAY_CUSTOMS_AGENT_CODE",
        assure_code => "GATEWAY_CUSTOMS_ASSURE_CODE",
        dxp_id => "GATEWAY_CUSTOMS_DXP_ID"
    );
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file_which_overrides_the_placeholders() {
        let file = CustomsFile {
            ebp_code: Some("3101960AAA".into()),
            customs_code: Some("2244".into()),
            ..CustomsFile::default()
        };
        let env = |name: &str| match name {
            "GATEWAY_CUSTOMS_CUSTOMS_CODE" => Some("5141".to_string()),
            "GATEWAY_CUSTOMS_EMS_NO" => Some("T5141W000001".to_string()),
            _ => None,
        };
        let settings = resolve(&file, env);
        assert_eq!(settings.ebp_code, "3101960AAA", "from the file");
        assert_eq!(settings.customs_code, "5141", "the environment wins");
        assert_eq!(settings.ems_no.as_deref(), Some("T5141W000001"));
        assert_eq!(settings.pay_code, CustomsSettings::default().pay_code, "untouched");
        let left = placeholders(&settings);
        assert!(!left.contains(&"GATEWAY_CUSTOMS_EBP_CODE") && !left.contains(&"GATEWAY_CUSTOMS_CUSTOMS_CODE"));
        assert!(left.contains(&"GATEWAY_CUSTOMS_PAY_CODE"));
        assert_eq!(placeholders(&CustomsSettings::default()).len(), 9);
    }

    #[test]
    fn the_file_table_refuses_unknown_keys() {
        assert!(toml::from_str::<CustomsFile>("ebp_code = \"X\"").is_ok());
        assert!(toml::from_str::<CustomsFile>("ebp = \"X\"").is_err());
    }
}
