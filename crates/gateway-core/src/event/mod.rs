//! Events (issue 8): conferences such as the two-day Gateway conference in Detroit,
//! with a venue, a capacity, sessions, and registrations that are confirmed while
//! seats are free and waitlisted after, the waitlist moving up on a cancellation.
//!
//! What is pure lives here: the event's rules ([`EventDetails::check`]), the
//! registration's states, the check-in code, the venue's clock ([`time_zone`]) and
//! the iCalendar file ([`ical`]). The seat counting that must not race is the
//! store's (`gateway_store::EventStore`).

pub mod ical;
pub mod time_zone;

use crate::FieldError;
use crate::merchant::UsState;
use chrono::{DateTime, Utc};
pub use time_zone::UsTimeZone;

/// The most seats an event may have: more than any venue Gateway would book.
pub const MAX_CAPACITY: i64 = 100_000;
/// The most sessions an event may list.
pub const MAX_SESSIONS: usize = 60;

/// One session of the programme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventSession {
    pub title_en: String,
    pub title_zh: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The room or hall, when the venue has several.
    pub room: Option<String>,
}

/// Everything the operator says about an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDetails {
    pub title_en: String,
    pub title_zh: Option<String>,
    pub description_en: String,
    pub description_zh: Option<String>,
    pub venue_name: String,
    pub venue_address: String,
    pub city: String,
    pub state: UsState,
    pub time_zone: UsTimeZone,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    /// In the order of their start.
    pub sessions: Vec<EventSession>,
}

/// Seats from 1 to [`MAX_CAPACITY`].
pub fn parse_capacity(n: i64) -> Result<i64, String> {
    if (1..=MAX_CAPACITY).contains(&n) {
        Ok(n)
    } else {
        Err(format!("must be a whole number of seats from 1 to {MAX_CAPACITY}"))
    }
}

impl EventDetails {
    /// The rules between fields: the event ends after it starts; each session ends
    /// after it starts and lies within the event. Errors name the JSON path
    /// (`ends_at`, `sessions[2].starts_at`). Sorts the sessions by start.
    pub fn check(mut self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.ends_at <= self.starts_at {
            errors.push(FieldError::new("ends_at", "must be after starts_at"));
        }
        if parse_capacity(self.capacity).is_err() {
            errors
                .push(FieldError::new("capacity", format!("must be a whole number of seats from 1 to {MAX_CAPACITY}")));
        }
        if self.sessions.len() > MAX_SESSIONS {
            errors.push(FieldError::new("sessions", format!("must list at most {MAX_SESSIONS} sessions")));
        }
        for (i, s) in self.sessions.iter().enumerate() {
            if s.ends_at <= s.starts_at {
                errors.push(FieldError::new(format!("sessions[{i}].ends_at"), "must be after the session's starts_at"));
            }
            if s.starts_at < self.starts_at || s.starts_at >= self.ends_at {
                errors.push(FieldError::new(format!("sessions[{i}].starts_at"), "must be within the event's dates"));
            }
            if s.ends_at > self.ends_at || s.ends_at <= self.starts_at {
                errors.push(FieldError::new(format!("sessions[{i}].ends_at"), "must be within the event's dates"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.sessions.sort_by_key(|s| (s.starts_at, s.ends_at));
        Ok(self)
    }

    /// Where it happens, on one line.
    pub fn location(&self) -> String {
        format!("{}, {}, {}, {}", self.venue_name, self.venue_address, self.city, self.state)
    }
}

crate::code_enum!(
    /// Who registers: a merchant already on Gateway, or a business thinking about it.
    RegistrationKind { Merchant = "merchant", Prospect = "prospect" }
);

crate::code_enum!(
    /// A registration's state. Confirmed holds a seat; waitlisted waits for one, in
    /// order of registration; cancelled gave its seat or its place up.
    RegistrationStatus { Confirmed = "confirmed", Waitlisted = "waitlisted", Cancelled = "cancelled" }
);

/// The status a new registration gets: a seat while one is free.
pub fn status_on_registration(confirmed: i64, capacity: i64) -> RegistrationStatus {
    if confirmed < capacity { RegistrationStatus::Confirmed } else { RegistrationStatus::Waitlisted }
}

/// How many waitlisted registrations move up after a change: as many as there are
/// free seats, and no more than are waiting. Capacity may have been lowered below the
/// confirmed count: then nobody moves.
pub fn promotions(confirmed: i64, capacity: i64, waitlisted: i64) -> i64 {
    (capacity - confirmed).clamp(0, waitlisted.max(0))
}

/// The code a registrant shows at the door: 8 characters of an alphabet without the
/// look-alikes 0/O and 1/I, so it can be read aloud and typed from a phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckInCode(String);

const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const CHECK_IN_CODE_LEN: usize = 8;

impl CheckInCode {
    /// A code from random bytes (32 divides 256: every character is equally likely).
    pub fn from_random(bytes: [u8; CHECK_IN_CODE_LEN]) -> Self {
        Self(bytes.iter().map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)])).collect())
    }

    /// A code as typed at the door: case, spaces and dashes do not matter.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let code: String =
            raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        let valid = code.len() == CHECK_IN_CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if valid { Ok(Self(code)) } else { Err("must be the 8-character check-in code of a registration") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn session(starts: &str, ends: &str) -> EventSession {
        EventSession {
            title_en: "Keynote".into(),
            title_zh: None,
            starts_at: utc(starts),
            ends_at: utc(ends),
            room: None,
        }
    }

    fn detroit() -> EventDetails {
        EventDetails {
            title_en: "Gateway 17".into(),
            title_zh: Some("门户17大会".into()),
            description_en: "Two days on selling to China.".into(),
            description_zh: None,
            venue_name: "Cobo Center".into(),
            venue_address: "1 Washington Blvd".into(),
            city: "Detroit".into(),
            state: UsState::parse("MI").unwrap(),
            time_zone: UsTimeZone::parse("America/Detroit").unwrap(),
            starts_at: utc("2017-06-20T13:00:00Z"),
            ends_at: utc("2017-06-21T22:00:00Z"),
            capacity: 1000,
            sessions: vec![
                session("2017-06-21T13:00:00Z", "2017-06-21T14:00:00Z"),
                session("2017-06-20T13:00:00Z", "2017-06-20T14:30:00Z"),
            ],
        }
    }

    fn fields(result: Result<EventDetails, Vec<FieldError>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_two_day_conference_is_valid_and_its_sessions_sorted() {
        let event = detroit().check().unwrap();
        assert_eq!(event.sessions[0].starts_at, utc("2017-06-20T13:00:00Z"));
        assert_eq!(event.location(), "Cobo Center, 1 Washington Blvd, Detroit, MI");
    }

    #[test]
    fn dates_capacity_and_sessions_are_checked() {
        let mut e = detroit();
        e.ends_at = e.starts_at;
        e.capacity = 0;
        assert_eq!(
            fields(e.check()),
            [
                "ends_at",
                "capacity",
                "sessions[0].starts_at",
                "sessions[0].ends_at",
                "sessions[1].starts_at",
                "sessions[1].ends_at"
            ]
        );

        let mut e = detroit();
        e.sessions.push(session("2017-06-19T13:00:00Z", "2017-06-20T14:00:00Z"));
        e.sessions.push(session("2017-06-21T21:00:00Z", "2017-06-21T23:00:00Z"));
        e.sessions.push(session("2017-06-20T15:00:00Z", "2017-06-20T15:00:00Z"));
        assert_eq!(fields(e.check()), ["sessions[2].starts_at", "sessions[3].ends_at", "sessions[4].ends_at"]);

        let mut e = detroit();
        e.capacity = MAX_CAPACITY + 1;
        assert_eq!(fields(e.check()), ["capacity"]);
    }

    #[test]
    fn seats_first_then_the_waitlist() {
        assert_eq!(status_on_registration(0, 2), RegistrationStatus::Confirmed);
        assert_eq!(status_on_registration(1, 2), RegistrationStatus::Confirmed);
        assert_eq!(status_on_registration(2, 2), RegistrationStatus::Waitlisted);
        assert_eq!(status_on_registration(5, 2), RegistrationStatus::Waitlisted, "capacity lowered");
    }

    #[test]
    fn the_waitlist_moves_by_the_free_seats() {
        assert_eq!(promotions(1, 2, 3), 1);
        assert_eq!(promotions(0, 5, 3), 3, "no more than wait");
        assert_eq!(promotions(2, 2, 3), 0);
        assert_eq!(promotions(4, 2, 3), 0, "over capacity: nobody moves");
    }

    #[test]
    fn check_in_codes_are_read_forgivingly() {
        let code = CheckInCode::from_random([0, 31, 32, 255, 8, 9, 100, 200]);
        assert_eq!(code.as_str(), "A9A9JKEJ");
        assert_eq!(CheckInCode::parse(" a9a9-jkej "), Ok(code));
        for bad in ["A9A9JKG", "A9A9JKGJK", "A9A9JKG0", "A9A9JKGI", ""] {
            assert!(CheckInCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Any random code parses back to itself.
        #[test]
        fn random_codes_parse(bytes in proptest::array::uniform8(0u8..)) {
            let code = CheckInCode::from_random(bytes);
            proptest::prop_assert_eq!(CheckInCode::parse(&code.as_str().to_lowercase()), Ok(code));
        }

        /// Promotions never overfill the event and never exceed the waitlist.
        #[test]
        fn promotions_never_overfill(confirmed in 0i64..200, capacity in 1i64..200, waitlisted in 0i64..200) {
            let n = promotions(confirmed, capacity, waitlisted);
            proptest::prop_assert!(n >= 0 && n <= waitlisted);
            proptest::prop_assert!(confirmed + n <= capacity.max(confirmed));
        }
    }
}
