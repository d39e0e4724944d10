//! Message catalogue shared with the UI: `assets/i18n/{zh-CN,en-US}.json`.
//!
//! The core renders error messages and CLI text from the same files the UI uses, so a message is
//! written once per language. Interpolation uses i18next's `{{name}}` syntax.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::OnceLock;

/// A UI/CLI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en-US")]
    EnUs,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::EnUs];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::EnUs => "en-US",
        }
    }

    /// Parses a language tag or a POSIX locale (`zh_CN.UTF-8`, `en`, `zh-TW` ...).
    pub fn parse(tag: &str) -> Option<Lang> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if lower.starts_with("en") {
            Some(Lang::EnUs)
        } else {
            None
        }
    }

    fn catalogue(self) -> &'static Value {
        static ZH: OnceLock<Value> = OnceLock::new();
        static EN: OnceLock<Value> = OnceLock::new();
        let (cell, text) = match self {
            Lang::ZhCn => (&ZH, include_str!("../../../assets/i18n/zh-CN.json")),
            Lang::EnUs => (&EN, include_str!("../../../assets/i18n/en-US.json")),
        };
        cell.get_or_init(|| {
            serde_json::from_str(text).expect("assets/i18n catalogue is valid JSON")
        })
    }
}

/// Text in both languages, as data files carry it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, specta::Type)]
pub struct Localized {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    #[serde(rename = "en-US")]
    pub en_us: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh_cn,
            Lang::EnUs => &self.en_us,
        }
    }
}

/// Looks up `key` (dot-separated, e.g. `errors.department_not_found`) and fills `{{param}}`s.
/// A missing key renders as the key itself, which the locale tests catch.
pub fn t(lang: Lang, key: &str, params: &[(&str, String)]) -> String {
    let mut node = lang.catalogue();
    for part in key.split('.') {
        match node.get(part) {
            Some(next) => node = next,
            None => return key.to_string(),
        }
    }
    let Some(template) = node.as_str() else {
        return key.to_string();
    };
    interpolate(template, params)
}

/// [`t`], showing a `field` parameter (a field code such as `mobile`) by its translated name.
pub fn t_fields(lang: Lang, key: &str, params: &[(&str, String)]) -> String {
    if !params.iter().any(|(k, _)| *k == "field") {
        return t(lang, key, params);
    }
    let params: Vec<(&str, String)> = params
        .iter()
        .map(|(k, v)| {
            let field_key = format!("fields.{v}");
            match t(lang, &field_key, &[]) {
                name if *k == "field" && name != field_key => (*k, name),
                _ => (*k, v.clone()),
            }
        })
        .collect();
    t(lang, key, &params)
}

fn interpolate(template: &str, params: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match params.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    keys(&p, child, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let mut zh = Vec::new();
        let mut en = Vec::new();
        keys("", Lang::ZhCn.catalogue(), &mut zh);
        keys("", Lang::EnUs.catalogue(), &mut en);
        zh.sort();
        en.sort();
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "zh only: {only_zh:?}, en only: {only_en:?}"
        );
    }

    #[test]
    fn interpolates_and_keeps_unknown_placeholders() {
        assert_eq!(
            interpolate(
                "a {{x}} b {{ y }} {{z}}",
                &[("x", "1".into()), ("y", "2".into())]
            ),
            "a 1 b 2 {{z}}"
        );
        assert_eq!(interpolate("open {{", &[]), "open {{");
    }

    #[test]
    fn looks_up_both_languages() {
        let p = [("path".to_string(), "x".to_string())];
        let params: Vec<(&str, String)> = p.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        assert!(t(Lang::ZhCn, "errors.file_not_found", &params).contains("找不到文件"));
        assert!(t(Lang::EnUs, "errors.file_not_found", &params).contains("does not exist"));
        assert_eq!(
            t(Lang::EnUs, "errors.no_such_key", &[]),
            "errors.no_such_key"
        );
    }

    #[test]
    fn parses_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("en-US"), Some(Lang::EnUs));
        assert_eq!(Lang::parse("C.UTF-8"), None);
    }
}
