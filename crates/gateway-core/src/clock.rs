//! The current time, at the precision every store keeps.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, truncated to microseconds: PostgreSQL keeps microseconds, so a timestamp
/// handed back from a write equals the one read back later, on every backend.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    #[test]
    fn now_has_whole_microseconds() {
        assert_eq!(super::now().nanosecond() % 1_000, 0);
    }
}
