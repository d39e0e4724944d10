//! The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
//! 31-character set, the last one a check character computed from the first 17.

use crate::error::{Error, ErrorCode, Result};

/// The characters a code may use, in value order (no I, O, S, V, Z).
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters (already known to be valid).
fn check_char(first17: &[char]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| value(*c).unwrap_or(0) * w)
        .sum();
    let v = (31 - sum % 31) % 31;
    CHARSET.chars().nth(v as usize).unwrap_or('0')
}

fn invalid(key: &'static str, code: &str) -> Error {
    Error::new(ErrorCode::InvalidValue, key).with("code", code)
}

/// Checks a code and returns it normalised (upper case, no spaces); the error says exactly
/// what is wrong and where.
pub fn validate(raw: &str) -> Result<String> {
    let code: String = crate::validate::half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
        // Licences before 2015 carried a 15-digit registration number instead.
        return Err(invalid("credit_code_old_number", &code));
    }
    if chars.len() != 18 {
        return Err(invalid("credit_code_length", &code).with("length", chars.len()));
    }
    for (i, c) in chars.iter().enumerate() {
        let position = i + 1;
        if value(*c).is_none() {
            let hint = match c {
                'I' => "1",
                'O' => "0",
                'S' => "5",
                'Z' => "2",
                'V' => "U",
                _ => "",
            };
            let key = if hint.is_empty() {
                "credit_code_char"
            } else {
                "credit_code_lookalike"
            };
            return Err(invalid(key, &code)
                .with("position", position)
                .with("char", c)
                .with("hint", hint));
        }
        // Positions 3–8 are the administrative division code: digits only.
        if (3..=8).contains(&position) && !c.is_ascii_digit() {
            return Err(invalid("credit_code_region", &code)
                .with("position", position)
                .with("char", c));
        }
    }
    let expected = check_char(&chars[..17]);
    if chars[17] != expected {
        return Err(invalid("credit_code_check", &code)
            .with("expected", expected)
            .with("found", chars[17]));
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_pass_and_are_normalised() {
        for (given, code) in [
            ("91350100M000100Y43", "91350100M000100Y43"),
            ("91110000600037341L", "91110000600037341L"),
            (" 9135 0100 m000 100y43 ", "91350100M000100Y43"),
            ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ] {
            assert_eq!(validate(given).unwrap(), code, "{given}");
        }
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        let good: Vec<char> = "91350100M000100Y43".chars().collect();
        for i in 0..18 {
            for c in CHARSET.chars().filter(|c| *c != good[i]) {
                let mut bad = good.clone();
                bad[i] = c;
                let bad: String = bad.into_iter().collect();
                assert!(validate(&bad).is_err(), "{bad} passed");
            }
        }
        // An old 15-digit registration number is recognised as such.
        assert_eq!(
            validate("330206000123456").unwrap_err().key,
            "credit_code_old_number"
        );
        // Two neighbours swapped is caught too.
        assert!(validate("91351000M000100Y43").is_err());
    }

    #[test]
    fn messages_say_what_and_where() {
        let key = |s: &str| validate(s).unwrap_err().key;
        assert_eq!(key("9135010"), "credit_code_length");
        assert_eq!(key("91350100M000100Y4"), "credit_code_length");
        let e = validate("91350100MOOO100Y43").unwrap_err();
        assert_eq!(e.key, "credit_code_lookalike");
        assert!(e.message(crate::Lang::ZhCn).contains("“0”"));
        assert_eq!(key("91350100M000100Y4#"), "credit_code_char");
        assert!(
            e.message(crate::Lang::ZhCn).contains("第 10 位"),
            "{}",
            e.message(crate::Lang::ZhCn)
        );
        assert_eq!(key("91A50100M000100Y43"), "credit_code_region");
        let e = validate("91350100M000100Y44").unwrap_err();
        assert_eq!(e.key, "credit_code_check");
        assert!(
            e.message(crate::Lang::EnUs).contains('3'),
            "{}",
            e.message(crate::Lang::EnUs)
        );
    }
}
