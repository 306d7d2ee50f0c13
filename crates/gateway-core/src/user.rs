//! Accounts: roles, e-mail addresses and password rules.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Consumer,
    Merchant,
    Operator,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Consumer => "consumer",
            Role::Merchant => "merchant",
            Role::Operator => "operator",
        }
    }

    /// The roles anyone may sign up for; operators are created by operators.
    pub fn parse_signup(text: &str) -> Result<Self, &'static str> {
        match text {
            "consumer" => Ok(Role::Consumer),
            "merchant" => Ok(Role::Merchant),
            _ => Err("must be merchant or consumer"),
        }
    }
}

impl FromStr for Role {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "operator" => Ok(Role::Operator),
            other => Self::parse_signup(other).map_err(|_| "must be consumer, merchant or operator"),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A normalised e-mail address (trimmed, lower-cased). Only the shape is checked:
/// the one real test of an address is a message that reaches it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !domain.contains('@')
            })
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid { Ok(Self(email)) } else { Err("must be an e-mail address such as name@example.com") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// E-mail addresses are personal data: never print them in logs.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

/// A password as typed, checked for length only (NIST SP 800-63B: length beats rules).
pub struct Password(String);

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < PASSWORD_MIN_CHARS {
            Err(format!("must be at least {PASSWORD_MIN_CHARS} characters"))
        } else if n > PASSWORD_MAX_CHARS {
            Err(format!("must be at most {PASSWORD_MAX_CHARS} characters"))
        } else {
            Ok(Self(raw.to_string()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse(" Farm@Example.COM ").map(|e| e.as_str().to_string()), Ok("farm@example.com".into()));
        for bad in ["", "farm", "farm@", "@example.com", "farm@example", "a b@example.com", "farm@.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format!("{:?}", Email::parse("a@b.co")), "Ok(Email(<redacted>))");
    }

    #[test]
    fn passwords_need_length_and_stay_hidden() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        let shown = format!("{:?}", Password::parse("secret-secret"));
        assert!(!shown.contains("secret-secret"));
    }

    #[test]
    fn only_merchant_and_consumer_sign_up() {
        assert_eq!(Role::parse_signup("merchant"), Ok(Role::Merchant));
        assert!(Role::parse_signup("operator").is_err());
        assert_eq!("operator".parse::<Role>(), Ok(Role::Operator));
    }
}
