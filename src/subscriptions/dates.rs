//! Dates of subscriptions as Partner Center sends them, read with jiff: `Z` or `+00:00`
//! offsets, up to seven fractional digits, and legacy text with stray spaces in the time
//! (`"2015-11-25T06: 41: 12Z"`), whose calendar date is still unambiguous. What cannot be read
//! at all stays text, shown as sent; nothing here fails.

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{Span, Timestamp, Unit};

/// The calendar date (UTC) a Partner Center date-time falls on, if pcx can read it.
pub fn utc_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Some(Offset::UTC.to_datetime(instant).date());
    }
    // No offset at all: Partner Center speaks UTC.
    if let Ok(datetime) = text.parse::<jiff::civil::DateTime>() {
        return Some(datetime.date());
    }
    // The date is readable even when the time after it carries stray spaces; only the date
    // counts for days left.
    let (day, rest) = text.split_at_checked(10)?;
    let date = day.parse::<Date>().ok()?;
    (rest.is_empty() || rest.starts_with(['T', 't', ' '])).then_some(date)
}

/// Today's date in UTC.
pub fn today_utc() -> Date {
    Offset::UTC.to_datetime(Timestamp::now()).date()
}

/// Calendar days from `today` to `end` (negative once passed).
pub fn days_between(today: Date, end: Date) -> Option<i64> {
    today
        .until((Unit::Day, end))
        .ok()
        .map(|span| i64::from(span.get_days()))
}

/// A date as the operator reads it: `2026-12-07` when readable, the text as sent otherwise.
pub fn shown(text: Option<&str>) -> String {
    match text {
        None => String::new(),
        Some(text) => match utc_date(text) {
            Some(date) => date.to_string(),
            None => text.trim().to_string(),
        },
    }
}

/// A term as words: `P1M` → `1 month`, `P1Y` → `1 year`, `P3Y` → `3 years`; anything else
/// (an empty `renewalTermDuration`, a new form) as sent.
pub fn term_words(term: &str) -> String {
    let Ok(span) = term.trim().parse::<Span>() else {
        return term.to_string();
    };
    let parts: Vec<String> = [
        (i64::from(span.get_years()), "year"),
        (i64::from(span.get_months()), "month"),
        (i64::from(span.get_weeks()), "week"),
        (i64::from(span.get_days()), "day"),
    ]
    .into_iter()
    .filter(|(n, _)| *n != 0)
    .map(|(n, unit)| match n {
        1 => format!("1 {unit}"),
        n => format!("{n} {unit}s"),
    })
    .collect();
    if parts.is_empty() {
        term.to_string()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn reads_every_shape_the_samples_use() {
        assert_eq!(utc_date("2022-01-13T00:00:00Z"), Some(date(2022, 1, 13)));
        assert_eq!(
            utc_date("2021-01-14T16:57:14.498252Z"),
            Some(date(2021, 1, 14))
        );
        assert_eq!(
            utc_date("2019-02-08T00:21:45.9263727+00:00"),
            Some(date(2019, 2, 8))
        );
        // A time late on the 31st at -05:00 is already the 1st in UTC.
        assert_eq!(
            utc_date("2026-12-31T22:00:00-05:00"),
            Some(date(2027, 1, 1))
        );
        assert_eq!(utc_date("2016-12-12T08: 00: 00Z"), Some(date(2016, 12, 12)));
        assert_eq!(utc_date(" 9999-12-10T00:00:00Z "), Some(date(9999, 12, 10)));
    }

    #[test]
    fn unreadable_dates_stay_as_sent() {
        for text in [
            "",
            "soon",
            "2016-13-40T00:00:00Z",
            "12/12/2016",
            "2016-12-12X",
        ] {
            assert_eq!(utc_date(text), None, "{text:?}");
        }
        assert_eq!(shown(Some("12/12/2016 ")), "12/12/2016");
        assert_eq!(shown(Some("2016-12-12T08: 00: 00Z")), "2016-12-12");
        assert_eq!(shown(None), "");
    }

    #[test]
    fn days_left_counts_calendar_days() {
        let today = date(2026, 11, 30);
        assert_eq!(days_between(today, date(2026, 12, 7)), Some(7));
        assert_eq!(days_between(today, today), Some(0));
        assert_eq!(days_between(today, date(2026, 11, 1)), Some(-29));
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), Some(2));
    }

    #[test]
    fn terms_read_as_words() {
        for (input, want) in [
            ("P1M", "1 month"),
            ("P1Y", "1 year"),
            ("P3Y", "3 years"),
            ("", ""),
            ("forever", "forever"),
        ] {
            assert_eq!(term_words(input), want, "{input:?}");
        }
    }
}
