//! Presentation mode: personal data hidden the same way on screen and in exports (the UI masks
//! by the same rules; both are tested against `assets/masking/cases.json`).

use crate::members::schema::Personal;
use crate::members::{Member, FIELDS};
use serde::{Deserialize, Serialize};

/// What to hide: mobiles and emails always, names when asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Mask {
    pub names: bool,
}

/// `13800138000` → `138****8000`: the first three and last four characters stay.
pub fn mobile(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n >= 8 => {
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[n - 4..].iter().collect();
            format!("{head}****{tail}")
        }
        n if n >= 3 => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
        n => "*".repeat(n),
    }
}

/// `zhangwei@x.example` → `z***@x.example`.
pub fn email(s: &str) -> String {
    let Some(first) = s.chars().next() else {
        return String::new();
    };
    match s.split_once('@') {
        Some((_, domain)) => format!("{first}***@{domain}"),
        None => format!("{first}***"),
    }
}

/// `张伟` → `张*`: the first character (the surname, usually) stays.
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@')
}

/// Masks the mobiles (runs of 7 or more digits, with `+`, spaces and dashes) and emails found in
/// free text such as a message.
pub fn text(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        // An email: a run of email characters containing '@'.
        if is_email_char(chars[i]) && (i == 0 || !is_email_char(chars[i - 1])) {
            let end = (i..chars.len())
                .find(|&j| !is_email_char(chars[j]))
                .unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            if word.contains('@') {
                out.push_str(&email(&word));
                i = end;
                continue;
            }
        }
        // A phone number: optional '+', then digits with spaces/dashes, 7+ digits in all.
        if chars[i] == '+' || chars[i].is_ascii_digit() {
            let mut end = i + usize::from(chars[i] == '+');
            let mut digits = 0;
            let mut last_digit = end;
            while end < chars.len() {
                match chars[end] {
                    c if c.is_ascii_digit() => {
                        digits += 1;
                        last_digit = end + 1;
                    }
                    ' ' | '-' if digits > 0 => {}
                    _ => break,
                }
                end += 1;
            }
            if digits >= 7 {
                let number: String = chars[i..last_digit]
                    .iter()
                    .filter(|c| !matches!(c, ' ' | '-'))
                    .collect();
                out.push_str(&mobile(&number));
                i = last_digit;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

impl Mask {
    /// The member as presentation mode shows it.
    pub fn member(&self, mut m: Member) -> Member {
        for spec in FIELDS {
            let hide: fn(&str) -> String = match spec.personal {
                Some(Personal::Phone) => mobile,
                Some(Personal::Email) => email,
                Some(Personal::Name) if self.names => name,
                _ => continue,
            };
            if let Some(text) = m.fields.text(spec.key) {
                let hidden = hide(&text);
                // Masked text is text: it always fits a text field.
                let _ = m.fields.set_owned(spec.key, Some(hidden));
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_follows_the_shared_examples() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../../../../assets/masking/cases.json")).unwrap();
        type Rule = fn(&str) -> String;
        let rules: [(&str, Rule); 4] = [
            ("mobile", mobile),
            ("email", email),
            ("name", name),
            ("text", text),
        ];
        for (kind, f) in rules {
            for case in cases[kind].as_array().unwrap() {
                let (given, expected) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
                assert_eq!(f(given), expected, "{kind}: {given}");
            }
        }
    }
}
