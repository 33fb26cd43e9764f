//! Calendar dates, UTC timestamps and reporting periods. No clock: "now" is always an argument.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::field::{FieldError, Scalar};

/// A calendar date, stored as days since 1970-01-01.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Date(pub i32);

/// The text was not a valid `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {0:?}: expected YYYY-MM-DD")]
pub struct BadDate(pub String);

impl Date {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Days from civil, after Howard Hinnant's algorithm.
        let y = if month <= 2 { year - 1 } else { year };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    pub fn add_days(self, days: i32) -> Date {
        Date(self.0 + days)
    }

    /// The same day of the month `months` later, clamped to the month's last day.
    pub fn add_months(self, months: i32) -> Date {
        let (y, m, d) = self.ymd();
        let index = y * 12 + (m as i32 - 1) + months;
        let (ny, nm) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        Date::from_ymd(ny, nm, d.min(days_in_month(ny, nm))).expect("clamped day is valid")
    }

    /// Days from `self` to `other`; negative when `other` is earlier.
    pub fn days_until(self, other: Date) -> i32 {
        other.0 - self.0
    }

    /// The date of a UTC timestamp.
    pub fn of(ts: Timestamp) -> Date {
        Date(ts.0.div_euclid(86_400_000) as i32)
    }

    /// Midnight UTC at the start of this date.
    pub fn start(self) -> Timestamp {
        Timestamp(i64::from(self.0) * 86_400_000)
    }

    /// Monday = 0 .. Sunday = 6.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.0 + 3).rem_euclid(7) as u32
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl FromStr for Date {
    type Err = BadDate;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadDate(s.to_string());
        let t = s.trim();
        let mut parts = t.splitn(3, '-');
        let (y, m, d) = (parts.next(), parts.next(), parts.next());
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        let day = d.parse().map_err(|_| bad())?;
        Date::from_ymd(year, month, day).ok_or_else(bad)
    }
}

impl Scalar for Date {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Str(self.to_string().into())
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Str(s) => s.parse().map_err(|e: BadDate| FieldError::Invalid(e.to_string())),
            other => Err(FieldError::wrong_type("date", other)),
        }
    }
}

/// A point in time: UTC milliseconds since 1970-01-01.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Debug, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn date(self) -> Date {
        Date::of(self)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.rem_euclid(86_400_000);
        let (h, min) = (ms / 3_600_000, (ms / 60_000) % 60);
        write!(f, "{} {h:02}:{min:02} UTC", self.date())
    }
}

impl Scalar for Timestamp {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Timestamp(self.0)
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Timestamp(t) | automerge::ScalarValue::Int(t) => Ok(Timestamp(*t)),
            automerge::ScalarValue::Uint(t) => Ok(Timestamp(*t as i64)),
            automerge::ScalarValue::F64(t) => Ok(Timestamp(*t as i64)),
            other => Err(FieldError::wrong_type("timestamp", other)),
        }
    }
}

/// A reporting period: an inclusive range of dates with a label.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year { year: i32 },
}

/// The text was not a period such as `2026`, `2026-Q2` or `2026-05`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid period {0:?}: expected 2026, 2026-Q2 or 2026-05")]
pub struct BadPeriod(pub String);

impl Default for Period {
    fn default() -> Self {
        Period::Year { year: 1970 }
    }
}

impl Period {
    pub fn month_of(date: Date) -> Period {
        let (year, month, _) = date.ymd();
        Period::Month { year, month }
    }

    pub fn quarter_of(date: Date) -> Period {
        let (year, month, _) = date.ymd();
        Period::Quarter { year, quarter: (month - 1) / 3 + 1 }
    }

    pub fn year_of(date: Date) -> Period {
        Period::Year { year: date.year() }
    }

    pub fn first_day(self) -> Date {
        let (year, month) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
            Period::Year { year } => (year, 1),
        };
        Date::from_ymd(year, month, 1).expect("period start is valid")
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().add_days(-1)
    }

    pub fn contains(self, date: Date) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The period of the same kind that follows this one.
    pub fn next(self) -> Period {
        self.shift(1)
    }

    /// The period of the same kind that precedes this one.
    pub fn previous(self) -> Period {
        self.shift(-1)
    }

    /// The period of the same kind `n` steps later (or earlier, for negative `n`).
    pub fn shift(self, n: i32) -> Period {
        match self {
            Period::Month { year, month } => {
                let index = year * 12 + month as i32 - 1 + n;
                Period::Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
            }
            Period::Quarter { year, quarter } => {
                let index = year * 4 + quarter as i32 - 1 + n;
                Period::Quarter { year: index.div_euclid(4), quarter: index.rem_euclid(4) as u32 + 1 }
            }
            Period::Year { year } => Period::Year { year: year + n },
        }
    }

    /// The same period one year earlier, for year-over-year comparisons.
    pub fn year_earlier(self) -> Period {
        match self {
            Period::Month { year, month } => Period::Month { year: year - 1, month },
            Period::Quarter { year, quarter } => Period::Quarter { year: year - 1, quarter },
            Period::Year { year } => Period::Year { year: year - 1 },
        }
    }

    /// Whether `self` lies wholly inside `outer`.
    pub fn within(self, outer: Period) -> bool {
        outer.first_day() <= self.first_day() && self.last_day() <= outer.last_day()
    }

    /// The months of this period, in order.
    pub fn months(self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut month = Period::month_of(self.first_day());
        while month.first_day() <= self.last_day() {
            out.push(month);
            month = month.next();
        }
        out
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadPeriod(s.to_string());
        let t = s.trim();
        let (y, rest) = match t.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (t, None),
        };
        if y.len() != 4 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        match rest {
            None => Ok(Period::Year { year }),
            Some(q) if q.starts_with(['Q', 'q']) => match q[1..].parse() {
                Ok(quarter @ 1..=4) => Ok(Period::Quarter { year, quarter }),
                _ => Err(bad()),
            },
            Some(m) if m.len() == 2 => match m.parse() {
                Ok(month @ 1..=12) => Ok(Period::Month { year, month }),
                _ => Err(bad()),
            },
            Some(_) => Err(bad()),
        }
    }
}

impl Scalar for Period {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Str(self.to_string().into())
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Str(s) => s.parse().map_err(|e: BadPeriod| FieldError::Invalid(e.to_string())),
            other => Err(FieldError::wrong_type("period", other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_date(text: &str, days: i32) {
        let date: Date = text.parse().unwrap();
        assert_eq!(date, Date(days), "{text}");
        assert_eq!(date.to_string(), text);
    }

    #[test]
    fn dates_convert_to_and_from_days() {
        check_date("1970-01-01", 0);
        check_date("1969-12-31", -1);
        check_date("2000-02-29", 11_016);
        check_date("2026-11-26", 20_783);
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = Date::from_ymd(1900, 1, 1).unwrap();
        for offset in 0..146_097 {
            let date = start.add_days(offset);
            let (y, m, d) = date.ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(date));
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for text in ["2026-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026-1-1", "yesterday", ""] {
            assert_eq!(text.parse::<Date>(), Err(BadDate(text.into())), "{text}");
        }
    }

    #[test]
    fn adding_months_clamps_to_the_last_day() {
        let jan31 = Date::from_ymd(2024, 1, 31).unwrap();
        assert_eq!(jan31.add_months(1).to_string(), "2024-02-29");
        assert_eq!(jan31.add_months(-2).to_string(), "2023-11-30");
        assert_eq!(jan31.add_months(12).to_string(), "2025-01-31");
    }

    #[test]
    fn periods_parse_print_and_bound_their_dates() {
        let q: Period = "2026-Q2".parse().unwrap();
        assert_eq!(q.first_day().to_string(), "2026-04-01");
        assert_eq!(q.last_day().to_string(), "2026-06-30");
        assert_eq!(q.next().to_string(), "2026-Q3");
        assert_eq!(q.shift(-2).to_string(), "2025-Q4");
        let m: Period = "2024-02".parse().unwrap();
        assert_eq!(m.last_day().to_string(), "2024-02-29");
        assert_eq!("2026".parse::<Period>().unwrap().months().len(), 12);
        assert!(m.within("2024".parse().unwrap()));
        assert!("2026-Q5".parse::<Period>().is_err());
        assert!("2026-13".parse::<Period>().is_err());
    }

    #[test]
    fn timestamps_fall_on_their_utc_date() {
        let ts = Timestamp(1_764_115_200_000 + 3_600_000);
        assert_eq!(ts.date().to_string(), "2025-11-26");
        assert_eq!(ts.to_string(), "2025-11-26 01:00 UTC");
        assert_eq!(Timestamp(-1).date().to_string(), "1969-12-31");
        assert_eq!(Date::from_ymd(2026, 11, 26).unwrap().weekday(), 3);
    }
}
