//! Working days in mainland China: Monday–Friday, minus public holidays, plus the weekend days
//! the State Council moves work to (调休). Holidays are data (`assets/calendar/cn-holidays.json`);
//! a year without data counts weekends only, and says so.

use crate::error::Result;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;
use time::{Date, Duration, Weekday};

#[derive(Deserialize)]
struct Year {
    holidays: Vec<String>,
    workdays: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    years: BTreeMap<i32, Year>,
}

struct Calendar {
    holidays: HashSet<Date>,
    workdays: HashSet<Date>,
    years: HashSet<i32>,
}

const FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub use crate::validate::{format_date, parse_date_of};

/// Parses `YYYY-MM-DD` (also `YYYY/M/D` and Chinese dates, via the import's date cleaning).
pub fn parse_date(raw: &str) -> Result<Date> {
    parse_date_of(raw, "date")
}

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| {
        let file: File =
            serde_json::from_str(include_str!("../../../../assets/calendar/cn-holidays.json"))
                .expect("cn-holidays.json is valid");
        let dates = |v: &[String]| -> Vec<Date> {
            v.iter()
                .map(|s| Date::parse(s, FORMAT).expect("dates in cn-holidays.json"))
                .collect()
        };
        let mut cal = Calendar {
            holidays: HashSet::new(),
            workdays: HashSet::new(),
            years: HashSet::new(),
        };
        for (year, y) in &file.years {
            cal.years.insert(*year);
            cal.holidays.extend(dates(&y.holidays));
            cal.workdays.extend(dates(&y.workdays));
        }
        cal
    })
}

/// Whether the holidays of `year` are known (else only weekends are counted).
pub fn knows_year(year: i32) -> bool {
    calendar().years.contains(&year)
}

pub fn is_working_day(d: Date) -> bool {
    let cal = calendar();
    if cal.holidays.contains(&d) {
        return false;
    }
    if cal.workdays.contains(&d) {
        return true;
    }
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The day on which `n` working days after `start` have passed (`start` itself not counted),
/// and whether every year crossed has holiday data.
pub fn add_working_days(start: Date, n: u32) -> (Date, bool) {
    let mut d = start;
    let mut left = n;
    let mut known = knows_year(start.year());
    while left > 0 {
        d += Duration::days(1);
        known &= knows_year(d.year());
        if is_working_day(d) {
            left -= 1;
        }
    }
    (d, known)
}

/// `start` plus `months` calendar months (the day clamped to the month's length).
pub fn add_months(start: Date, months: u32) -> Date {
    let total = start.year() * 12 + (start.month() as i32 - 1) + months as i32;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = time::Month::try_from(month as u8).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, start.day().min(last)).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn holidays_and_moved_working_days_count_right() {
        // Spring Festival 2026: Feb 15–23 off, Saturday Feb 14 and Feb 28 worked.
        assert!(is_working_day(d("2026-02-14")));
        assert!(!is_working_day(d("2026-02-16")));
        assert!(!is_working_day(d("2026-02-23")));
        assert!(is_working_day(d("2026-02-28")));
        assert!(!is_working_day(d("2026-03-01")));
        // Submitted Friday Feb 13: Sat 14 (worked) is day 1, then the holiday, Tue 24 is day 2.
        assert_eq!(add_working_days(d("2026-02-13"), 1).0, d("2026-02-14"));
        assert_eq!(add_working_days(d("2026-02-13"), 2).0, d("2026-02-24"));
        assert_eq!(add_working_days(d("2026-02-13"), 3).0, d("2026-02-25"));
        // National Day 2026: Oct 1–7 off, Saturday Oct 10 worked.
        assert_eq!(add_working_days(d("2026-09-30"), 1).0, d("2026-10-08"));
        assert_eq!(add_working_days(d("2026-10-09"), 1).0, d("2026-10-10"));
        // An ordinary week: Friday + 1 → Monday.
        assert_eq!(
            add_working_days(d("2026-03-06"), 1),
            (d("2026-03-09"), true)
        );
        // 2025's Spring Festival: Jan 28–Feb 4 off, Sunday Jan 26 worked.
        assert!(is_working_day(d("2025-01-26")));
        assert_eq!(add_working_days(d("2025-01-24"), 1).0, d("2025-01-26"));
        assert_eq!(add_working_days(d("2025-01-27"), 1).0, d("2025-02-05"));
    }

    #[test]
    fn a_year_without_data_counts_weekends_only_and_says_so() {
        let (end, known) = add_working_days(d("2026-12-30"), 3);
        assert_eq!(end, d("2027-01-04"));
        assert!(!known);
    }

    #[test]
    fn months_are_added_with_the_day_clamped() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-03-15"), 12), d("2027-03-15"));
        assert_eq!(add_months(d("2026-11-30"), 24), d("2028-11-30"));
    }
}
