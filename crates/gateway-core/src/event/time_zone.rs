//! The time zones US events happen in, by IANA name, with the United States' daylight
//! saving rule (since 2007: from the second Sunday of March, 02:00 local standard
//! time, to the first Sunday of November, 02:00 local daylight time).
//!
//! Gateway needs a zone for two things: reading the local times an operator types
//! into the console, and showing an event's times as its venue's clock reads them.
//! A table of the US zones and one rule does both without a time-zone database
//! dependency; zones outside the United States are refused.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

/// A US time zone: its IANA name, its offset from UTC in standard time, and whether
/// it keeps daylight saving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsTimeZone {
    name: &'static str,
    standard_offset_min: i32,
    daylight_saving: bool,
}

const fn zone(name: &'static str, hours: i32, daylight_saving: bool) -> UsTimeZone {
    UsTimeZone { name, standard_offset_min: hours * 60, daylight_saving }
}

/// The zones of the 50 states, DC and Puerto Rico that events are held in.
const ZONES: [UsTimeZone; 20] = [
    zone("America/New_York", -5, true),
    zone("America/Detroit", -5, true),
    zone("America/Indiana/Indianapolis", -5, true),
    zone("America/Kentucky/Louisville", -5, true),
    zone("America/Chicago", -6, true),
    zone("America/Indiana/Knox", -6, true),
    zone("America/Menominee", -6, true),
    zone("America/North_Dakota/Center", -6, true),
    zone("America/Denver", -7, true),
    zone("America/Boise", -7, true),
    zone("America/Phoenix", -7, false),
    zone("America/Los_Angeles", -8, true),
    zone("America/Anchorage", -9, true),
    zone("America/Juneau", -9, true),
    zone("America/Sitka", -9, true),
    zone("America/Nome", -9, true),
    zone("America/Adak", -10, true),
    zone("Pacific/Honolulu", -10, false),
    zone("America/Puerto_Rico", -4, false),
    zone("America/St_Thomas", -4, false),
];

impl UsTimeZone {
    pub fn parse(name: &str) -> Result<Self, &'static str> {
        ZONES
            .iter()
            .find(|z| z.name == name.trim())
            .copied()
            .ok_or("must be the IANA name of a US time zone, such as America/Detroit or America/Chicago")
    }

    pub const fn name(self) -> &'static str {
        self.name
    }

    pub fn all() -> impl Iterator<Item = UsTimeZone> {
        ZONES.iter().copied()
    }

    /// The offset from UTC, in minutes, at the instant `at`.
    pub fn offset_min_at(self, at: DateTime<Utc>) -> i32 {
        if self.daylight_saving && in_daylight_time(self.standard_offset_min, at) {
            self.standard_offset_min + 60
        } else {
            self.standard_offset_min
        }
    }

    /// The wall-clock time at the venue at the instant `at`.
    pub fn local(self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + Duration::minutes(i64::from(self.offset_min_at(at)))
    }

    /// The instant a wall-clock time at the venue names. A time skipped when clocks
    /// spring forward reads as standard time (02:30 becomes 03:30 daylight time); a
    /// time repeated when they fall back is its first, daylight, occurrence.
    pub fn to_utc(self, local: NaiveDateTime) -> DateTime<Utc> {
        if self.daylight_saving {
            let daylight =
                Utc.from_utc_datetime(&(local - Duration::minutes(i64::from(self.standard_offset_min + 60))));
            if in_daylight_time(self.standard_offset_min, daylight) {
                return daylight;
            }
        }
        Utc.from_utc_datetime(&(local - Duration::minutes(i64::from(self.standard_offset_min))))
    }
}

/// The `n`th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
}

/// Whether daylight saving time is in force at `at` in a zone whose standard offset
/// is `standard_offset_min`.
fn in_daylight_time(standard_offset_min: i32, at: DateTime<Utc>) -> bool {
    let year = at.year();
    let (Some(start_day), Some(end_day)) =
        (nth_weekday(year, 3, Weekday::Sun, 2), nth_weekday(year, 11, Weekday::Sun, 1))
    else {
        return false;
    };
    let two_am = |day: NaiveDate| day.and_hms_opt(2, 0, 0).unwrap_or_default();
    let start = two_am(start_day) - Duration::minutes(i64::from(standard_offset_min));
    let end = two_am(end_day) - Duration::minutes(i64::from(standard_offset_min + 60));
    let at = at.naive_utc();
    start <= at && at < end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn naive(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn detroit_in_june_is_four_hours_behind() {
        let detroit = UsTimeZone::parse("America/Detroit").unwrap();
        assert_eq!(detroit.to_utc(naive("2017-06-20T09:00")), utc("2017-06-20T13:00:00Z"));
        assert_eq!(detroit.local(utc("2017-06-20T13:00:00Z")), naive("2017-06-20T09:00"));
        assert_eq!(detroit.to_utc(naive("2017-01-20T09:00")), utc("2017-01-20T14:00:00Z"), "winter: EST");
    }

    #[test]
    fn daylight_saving_switches_at_two_in_the_morning() {
        let chicago = UsTimeZone::parse("America/Chicago").unwrap();
        // 2026: March 8 and November 1.
        assert_eq!(chicago.offset_min_at(utc("2026-03-08T07:59:59Z")), -360);
        assert_eq!(chicago.offset_min_at(utc("2026-03-08T08:00:00Z")), -300);
        assert_eq!(chicago.offset_min_at(utc("2026-11-01T06:59:59Z")), -300);
        assert_eq!(chicago.offset_min_at(utc("2026-11-01T07:00:00Z")), -360);
        // The skipped hour reads as standard time, the repeated one as daylight time.
        assert_eq!(chicago.to_utc(naive("2026-03-08T02:30")), utc("2026-03-08T08:30:00Z"));
        assert_eq!(chicago.to_utc(naive("2026-11-01T01:30")), utc("2026-11-01T06:30:00Z"));
    }

    #[test]
    fn zones_without_daylight_saving_and_unknown_names() {
        let phoenix = UsTimeZone::parse("America/Phoenix").unwrap();
        assert_eq!(phoenix.to_utc(naive("2026-07-01T12:00")), utc("2026-07-01T19:00:00Z"));
        assert_eq!(UsTimeZone::parse(" Pacific/Honolulu ").map(UsTimeZone::name), Ok("Pacific/Honolulu"));
        for bad in ["Europe/Paris", "america/detroit", "", "EST"] {
            assert!(UsTimeZone::parse(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Every instant survives local time and back.
        #[test]
        fn local_time_round_trips(secs in 946_684_800i64..4_102_444_800i64, zone in 0usize..20) {
            let zone = ZONES[zone];
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let back = zone.to_utc(zone.local(at));
            // Only the repeated hour of November is ambiguous: it reads as its first occurrence.
            proptest::prop_assert!(back == at || back == at - Duration::hours(1), "{} {at} -> {back}", zone.name);
        }
    }
}
