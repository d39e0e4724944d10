//! Field rules and normalisers shared by every way data enters a workspace (forms, CLI, imports).

/// Trims ordinary, non-breaking and full-width spaces; `None` when nothing is left.
pub fn clean(text: &str) -> Option<String> {
    trimmed(text).map(str::to_string)
}

/// [`clean`] without copying: `text` without the spaces (and byte-order marks) around it.
pub fn trimmed(text: &str) -> Option<&str> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    (!t.is_empty()).then_some(t)
}

/// Cleans an optional field.
pub fn clean_opt(text: Option<&str>) -> Option<String> {
    text.and_then(clean)
}

/// Full-width ASCII variants (！ to ～) and the ideographic space to their half-width forms.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Characters a department name may not contain (the platforms' rule plus `/`, the path separator).
pub const DEPARTMENT_FORBIDDEN: &[char] = &['\\', ':', '*', '?', '"', '<', '>', '|', '/'];

/// The strictest of the platforms' limits for `key` in the capability dataset (the one source
/// of truth for limits), or `fallback` when no platform states one. Looked up once per key.
pub fn strictest_limit(key: &'static str, fallback: usize) -> usize {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<&'static str, usize>>> = OnceLock::new();
    let mut known = KNOWN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    *known.entry(key).or_insert_with(|| {
        crate::dataset::Dataset::builtin().strictest(key, fallback as f64) as usize
    })
}

/// Maximum length of a department name, in characters (strictest platform limit).
pub fn department_name_max() -> usize {
    strictest_limit("department_name_length", 64)
}

/// Maximum length of the other free-text fields, in characters.
pub const TEXT_FIELD_MAX: usize = 256;

/// A valid account id: 1–64 of letters, digits, `_ - . @`, starting with a letter or digit.
pub fn is_valid_userid(id: &str) -> bool {
    let mut chars = id.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    id.len() <= 64 && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
}

/// Normalises a mobile number: mainland numbers become 11 digits (`+86`, `86`, `0086`, spaces,
/// dashes and brackets removed); other countries `+` country code and digits. `None` if invalid.
pub fn normalize_mobile(raw: &str) -> Option<String> {
    let s = half_width(raw);
    let s = s.trim();
    // Spreadsheets store numbers as floats: "13800138000.0".
    let s = match s.split_once('.') {
        Some((int, frac)) if !int.is_empty() && frac.chars().all(|c| c == '0') => int,
        _ => s,
    };
    let plus = s.starts_with('+');
    let mut digits = String::with_capacity(s.len());
    for c in s.chars().skip(usize::from(plus)) {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let mainland = |d: &str| {
        let b = d.as_bytes();
        (d.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])).then(|| d.to_string())
    };
    if plus {
        if let Some(rest) = digits.strip_prefix("86") {
            return mainland(rest);
        }
        return ((6..=15).contains(&digits.len()) && !digits.starts_with('0'))
            .then(|| format!("+{digits}"));
    }
    if let Some(rest) = digits.strip_prefix("0086") {
        return mainland(rest);
    }
    if digits.len() == 13 {
        if let Some(rest) = digits.strip_prefix("86") {
            return mainland(rest);
        }
    }
    mainland(&digits)
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// Parses `2023-05-01`, `2023/5/1`, `2023.5.1` and `2023年5月1日` into an ISO date.
/// A yes/no cell as spreadsheets write it (1/0, 是/否, 有/无, yes/no, √/×, …); `None` when it
/// says neither. An empty cell is no.
pub fn yes_no(raw: &str) -> Option<bool> {
    match half_width(raw).trim().to_lowercase().as_str() {
        "1" | "是" | "有" | "支持" | "y" | "yes" | "true" | "√" | "✓" => Some(true),
        "0" | "否" | "无" | "不支持" | "n" | "no" | "false" | "×" | "" => Some(false),
        _ => None,
    }
}

pub fn normalize_date(raw: &str) -> Option<String> {
    let s = half_width(raw);
    // A time after the date (`2026-08-14 09:30:00`, `2026-08-14T09:30`) is dropped.
    let s = match s.trim().split_once([' ', 'T']) {
        Some((date, time)) if time.contains(':') => date,
        _ => s.trim(),
    };
    let s = s.trim_end_matches('日');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (
        y.trim().parse::<i32>().ok()?,
        m.trim().parse::<u8>().ok()?,
        d.trim().parse::<u8>().ok()?,
    );
    let month = time::Month::try_from(m).ok()?;
    let date = time::Date::from_calendar_date(y, month, d).ok()?;
    (1900..=2200)
        .contains(&y)
        .then(|| format!("{:04}-{:02}-{:02}", date.year(), m, d))
}

/// A `YYYY-MM-DD` date as its Julian day number (days count and compare as integers).
pub fn day_number(iso: &str) -> Option<i32> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(iso.get(..10)?, f)
        .ok()
        .map(time::Date::to_julian_day)
}

/// A Julian day number as `YYYY-MM-DD`.
pub fn day_text(day: i32) -> String {
    time::Date::from_julian_day(day)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()))
        .unwrap_or_default()
}

/// The weekday of a Julian day number, 0 = Monday … 6 = Sunday.
pub fn weekday(day: i32) -> u32 {
    day.rem_euclid(7) as u32
}

/// A control character `text` must not hold (C0, DEL, C1: NUL and the like, which break files
/// and platforms' imports), if any. Tab and line breaks are allowed where `lines` (a field that
/// may span lines).
pub fn forbidden_control(text: &str, lines: bool) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !(lines && matches!(c, '\t' | '\n' | '\r')))
}

/// Characters that change how text shows or compares without being seen: bidi embeddings,
/// overrides, isolates and marks (U+202E turns `gpj.exe` around), zero-width spaces and
/// joiners, the word joiner and invisible operators, a byte-order mark inside text.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `text` without [`is_invisible`] characters; None when it has none (nothing copied).
pub fn without_invisible(text: &str) -> Option<String> {
    text.contains(is_invisible)
        .then(|| text.chars().filter(|&c| !is_invisible(c)).collect())
}

/// The error for a control character `c` in `what` (a field's or a column's name).
pub fn invalid_character(what: &str, c: char) -> crate::Error {
    crate::Error::new(crate::ErrorCode::InvalidCharacter, "invalid_character")
        .with("field", what)
        .with("char", format!("U+{:04X}", c as u32))
}

const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses a date for the field `field` (named in the error): `YYYY-MM-DD`, also `YYYY/M/D` and
/// Chinese dates, cleaned as imports clean them.
pub fn parse_date_of(raw: &str, field: &str) -> crate::error::Result<time::Date> {
    let invalid = || {
        crate::error::Error::new(crate::error::ErrorCode::InvalidDate, "date_invalid")
            .with("field", field)
            .with("value", raw)
    };
    let iso = normalize_date(raw).ok_or_else(invalid)?;
    time::Date::parse(&iso, DATE).map_err(|_| invalid())
}

/// `YYYY-MM-DD`.
pub fn format_date(d: time::Date) -> String {
    d.format(DATE).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_all_kinds_of_space() {
        assert_eq!(clean("\u{3000} 张伟\u{a0} "), Some("张伟".into()));
        assert_eq!(clean(" \u{3000}"), None);
        assert_eq!(half_width("１３８ＡＢ"), "138AB");
    }

    #[test]
    fn userids() {
        for ok in ["zhangwei", "a", "Z9_.-@x", &"a".repeat(64)] {
            assert!(is_valid_userid(ok), "{ok}");
        }
        for bad in ["", "_a", "-a", "张伟", "a b", &"a".repeat(65), "a/b"] {
            assert!(!is_valid_userid(bad), "{bad}");
        }
    }

    #[test]
    fn mobiles() {
        let cases = [
            ("13800138000", Some("13800138000")),
            ("138 0013 8000", Some("13800138000")),
            ("138-0013-8000", Some("13800138000")),
            ("+86 138 0013 8000", Some("13800138000")),
            ("+86-13800138000", Some("13800138000")),
            ("8613800138000", Some("13800138000")),
            ("008613800138000", Some("13800138000")),
            ("13800138000.0", Some("13800138000")),
            ("１３８００１３８０００", Some("13800138000")),
            ("+852 6123 4567", Some("+85261234567")),
            ("+1 (415) 555-0100", Some("+14155550100")),
            ("12800138000", None),
            ("1380013800", None),
            ("+86 1380013800", None),
            ("abc", None),
            ("", None),
            ("+0123456", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_mobile(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("zhang.wei@example.com"));
        assert!(is_valid_email("a@b.co"));
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a@b",
            "a b@c.com",
            "a@b..com",
            "a@@b.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(normalize_date("2023-05-01").as_deref(), Some("2023-05-01"));
        assert_eq!(normalize_date("2023/5/1").as_deref(), Some("2023-05-01"));
        assert_eq!(
            normalize_date("2023年5月1日").as_deref(),
            Some("2023-05-01")
        );
        assert_eq!(
            normalize_date("2023年 5月 1日").as_deref(),
            Some("2023-05-01")
        );
        for with_time in [
            "2026-08-14 09:30:00",
            "2026/8/14 9:30",
            "2026-08-14T09:30:00",
        ] {
            assert_eq!(
                normalize_date(with_time).as_deref(),
                Some("2026-08-14"),
                "{with_time}"
            );
        }
        assert_eq!(normalize_date("2023-02-30"), None);
        assert_eq!(normalize_date("May 1"), None);
    }

    #[test]
    fn control_and_invisible_characters() {
        assert_eq!(forbidden_control("张\0伟", true), Some('\0'));
        assert_eq!(forbidden_control("a\u{85}b", false), Some('\u{85}'));
        assert_eq!(forbidden_control("一行\n两行", false), Some('\n'));
        assert_eq!(forbidden_control("一行\n两行\t", true), None);
        assert_eq!(forbidden_control("张伟", false), None);
        assert_eq!(without_invisible("张伟"), None);
        assert_eq!(
            without_invisible("\u{202E}张\u{200B}伟\u{2066}").as_deref(),
            Some("张伟")
        );
    }
}
