//! Dates in UTC from Unix time: commit dates in reports, and the timestamps that signed
//! validation requests carry. The calendar is jiff's (already built for gix).

use jiff::Timestamp;

/// `seconds` after the Unix epoch in UTC, written as the strftime `format` says. A time beyond
/// the years -9999 to 9999 (only a forged commit date has one) is written as the nearest end
/// of that range, so the result is always a well-formed date.
pub fn format(seconds: i64, format: &str) -> String {
    let timestamp = Timestamp::from_second(seconds).unwrap_or(if seconds < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    timestamp.strftime(format).to_string()
}

/// `1970-01-01T00:00:00Z` style.
pub fn iso8601(seconds: i64) -> String {
    format(seconds, "%Y-%m-%dT%H:%M:%SZ")
}

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_798_761_599), "2026-12-31T23:59:59Z");
        assert_eq!(iso8601(1_796_000_000), "2026-11-30T00:53:20Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format(1_796_000_000, "%Y%m%dT%H%M%SZ"), "20261130T005320Z");
    }

    #[test]
    fn forged_dates_stay_well_formed() {
        assert!(
            iso8601(i64::MAX).starts_with("9999-12-"),
            "{}",
            iso8601(i64::MAX)
        );
        assert!(
            iso8601(i64::MIN).starts_with("-9999-01-"),
            "{}",
            iso8601(i64::MIN)
        );
        assert!(now() > 1_700_000_000);
    }
}
