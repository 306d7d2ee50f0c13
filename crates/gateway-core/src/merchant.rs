//! Merchants (SPEC 7): who they are, where they are, how they ship, and the
//! approval state machine.

use std::fmt;

/// Generates a closed set of snake_case codes with parsing, printing and the list of
/// allowed values (used in error messages and the OpenAPI document).
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($code => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", Self::CODES.join(", "))),
                }
            }

            /// The value `text` names, if it is one of `allowed` (a route that takes
            /// only some of them).
            pub fn parse_among(text: &str, allowed: &[$name]) -> Option<Self> {
                Self::parse(text).ok().filter(|value| allowed.contains(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // As their code, so that a view can carry the type and still answer the text.
        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as $crate::__serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&text).map_err($crate::__serde::de::Error::custom)
            }
        }
    };
}

code_enum!(
    /// What kind of business the merchant is.
    MerchantKind { Farm = "farm", Manufacturer = "manufacturer", Brand = "brand", Retailer = "retailer" }
);

code_enum!(
    /// How the merchant's goods reach China: customs mode 9610 or 1210 (SPEC 5).
    Fulfilment { DirectMail = "direct_mail", Bonded = "bonded" }
);

code_enum!(
    /// The approval state machine (SPEC 7).
    MerchantStatus { Pending = "pending", Active = "active", Rejected = "rejected", Suspended = "suspended" }
);

code_enum!(
    /// What an operator can do to a merchant.
    MerchantAction { Approve = "approve", Reject = "reject", Suspend = "suspend", Reinstate = "reinstate" }
);

/// A refused transition, e.g. approving a rejected merchant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a merchant that is {from}")]
pub struct InvalidTransition {
    pub action: &'static str,
    pub from: MerchantStatus,
}

impl MerchantStatus {
    /// pending → active | rejected; active ↔ suspended. Nothing else.
    pub fn apply(self, action: MerchantAction) -> Result<MerchantStatus, InvalidTransition> {
        use MerchantAction as A;
        use MerchantStatus as S;
        match (self, action) {
            (S::Pending, A::Approve) => Ok(S::Active),
            (S::Pending, A::Reject) => Ok(S::Rejected),
            (S::Active, A::Suspend) => Ok(S::Suspended),
            (S::Suspended, A::Reinstate) => Ok(S::Active),
            (from, action) => Err(InvalidTransition { action: action.as_str(), from }),
        }
    }
}

/// A US state, district or territory by its USPS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UsState(&'static str);

/// The 50 states, DC, and the inhabited territories, as USPS writes them.
const USPS_CODES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
    "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI",
];

impl UsState {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        USPS_CODES
            .iter()
            .find(|code| **code == text)
            .map(|code| UsState(code))
            .ok_or("must be a USPS state code in capitals, such as IA or MI")
    }

    pub const fn as_str(self) -> &'static str {
        self.0
    }

    pub fn all() -> impl Iterator<Item = UsState> {
        USPS_CODES.iter().map(|code| UsState(code))
    }
}

impl fmt::Display for UsState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A US ZIP code: five digits, optionally "-" and four more (ZIP+4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zip(String);

impl Zip {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok = match text.split_once('-') {
            None => digits(text, 5),
            Some((five, four)) => digits(five, 5) && digits(four, 4),
        };
        if ok { Ok(Zip(text.to_string())) } else { Err("must be a ZIP code such as 50010 or 50010-1234") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A GACC overseas food facility registration number (Decree 248). Its format is not
/// published as a rule, so only its shape is bounded: 5–30 letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoodRegistrationNo(String);

impl FoodRegistrationNo {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let t = text.trim().to_uppercase();
        let ok = (5..=30).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok { Ok(Self(t)) } else { Err("must be 5 to 30 letters, digits or dashes") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Headcount at sign-up: zero (a sole owner counting no employees) or more.
pub fn parse_employees(n: i64) -> Result<i64, &'static str> {
    match n {
        n if n < 0 => Err("must not be negative"),
        n if n > 1_000_000 => Err("must be at most 1000000"),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_state_machine() {
        use MerchantAction as A;
        use MerchantStatus as S;
        assert_eq!(S::Pending.apply(A::Approve), Ok(S::Active));
        assert_eq!(S::Pending.apply(A::Reject), Ok(S::Rejected));
        assert_eq!(S::Active.apply(A::Suspend), Ok(S::Suspended));
        assert_eq!(S::Suspended.apply(A::Reinstate), Ok(S::Active));
        let mut allowed = 0;
        for from in S::ALL {
            for action in [A::Approve, A::Reject, A::Suspend, A::Reinstate] {
                allowed += usize::from(from.apply(action).is_ok());
            }
        }
        assert_eq!(allowed, 4, "exactly the four transitions of SPEC 7");
        assert_eq!(
            S::Rejected.apply(A::Approve).map_err(|e| e.to_string()),
            Err("cannot approve a merchant that is rejected".into())
        );
    }

    #[test]
    fn states_zips_and_codes() {
        assert!(UsState::parse("IA").is_ok());
        assert!(UsState::parse("ia").is_err());
        assert!(UsState::parse("XX").is_err());
        assert_eq!(UsState::all().count(), 56);
        assert!(Zip::parse("50010").is_ok());
        assert!(Zip::parse("50010-1234").is_ok());
        for bad in ["5001", "500100", "5001a", "50010-12", "50010 1234", ""] {
            assert!(Zip::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(MerchantKind::parse("farm"), Ok(MerchantKind::Farm));
        assert!(MerchantKind::parse("Farm").is_err());
        assert_eq!(Fulfilment::parse("bonded"), Ok(Fulfilment::Bonded));
        assert_eq!(parse_employees(-1), Err("must not be negative"));
        assert_eq!(FoodRegistrationNo::parse(" cusa123 ").map(|r| r.as_str().to_string()), Ok("CUSA123".into()));
    }
}
