//! The permission catalogue (`assets/permissions/catalogue.json`): permissions, their risk, the
//! built-in roles, and how each permission is set up in each platform's admin model. Data only
//! (the `roles` domain uses it; the migrations seed the built-in roles from it).

use crate::dataset::Confidence;
use crate::i18n::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub name: Localized,
}

/// How one permission is set up on one platform, or `none` when it has no equivalent there.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct PlatformMapping {
    #[serde(default)]
    pub none: bool,
    /// The platform's admin type that holds it (分级管理员, 子管理员, 管理员角色 …).
    pub admin: Option<String>,
    /// What to tick in the console.
    pub setting: Option<Localized>,
    pub note: Option<Localized>,
    pub source: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    pub key: String,
    pub category: String,
    pub risk: Risk,
    pub name: Localized,
    pub description: Localized,
    /// wecom, dingtalk, feishu.
    pub platforms: BTreeMap<String, PlatformMapping>,
}

/// A platform's admin model.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct PlatformModel {
    pub top: Localized,
    /// The full-admin type, or null when the platform has only one top admin.
    pub full: Option<Localized>,
    pub scoped: Localized,
    /// How each scope is expressed; null when the platform cannot express it.
    pub scopes: BTreeMap<String, Option<Localized>>,
    #[serde(default)]
    pub full_note: Option<Localized>,
    #[serde(default)]
    pub own_subtree_note: Option<Localized>,
    pub source: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct BuiltinGrant {
    /// A permission key, or `*` for all of them.
    pub permission: String,
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct BuiltinRole {
    pub key: String,
    pub level: String,
    #[serde(default)]
    pub everyone: bool,
    pub name: Localized,
    pub description: Localized,
    pub grants: Vec<BuiltinGrant>,
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "_comment", default, skip_serializing)]
    pub comment: String,
    /// When the facts were last checked.
    pub checked: String,
    pub categories: Vec<Category>,
    pub permissions: Vec<Permission>,
    pub platforms: BTreeMap<String, PlatformModel>,
    pub builtin_roles: Vec<BuiltinRole>,
}

impl Catalogue {
    pub fn permission(&self, key: &str) -> Option<&Permission> {
        self.permissions.iter().find(|p| p.key == key)
    }

    pub fn builtin(&self, key: &str) -> Option<&BuiltinRole> {
        self.builtin_roles.iter().find(|r| r.key == key)
    }

    pub fn keys(&self) -> Vec<&str> {
        self.permissions.iter().map(|p| p.key.as_str()).collect()
    }
}

/// The catalogue shipped with this build.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        serde_json::from_str(include_str!("../../../assets/permissions/catalogue.json"))
            .expect("catalogue.json is valid")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLATFORMS: [&str; 3] = ["wecom", "dingtalk", "feishu"];

    #[test]
    fn every_permission_is_complete_for_every_platform() {
        let c = catalogue();
        assert!(c.permissions.len() >= 12);
        for p in &c.permissions {
            assert!(
                !p.name.zh_cn.is_empty() && !p.name.en_us.is_empty(),
                "{} names",
                p.key
            );
            assert!(
                !p.description.zh_cn.is_empty() && !p.description.en_us.is_empty(),
                "{} description",
                p.key
            );
            assert!(
                c.categories.iter().any(|cat| cat.key == p.category),
                "{} category",
                p.key
            );
            for platform in PLATFORMS {
                let m = p
                    .platforms
                    .get(platform)
                    .unwrap_or_else(|| panic!("{} has no {platform} mapping", p.key));
                assert_ne!(m.confidence, Confidence::Guide, "{} {platform}", p.key);
                assert!(!m.source.is_empty(), "{} {platform} source", p.key);
                if m.confidence != Confidence::Unsourced {
                    assert_ne!(
                        m.source, "unsourced",
                        "{} {platform}: a sourced value needs its source",
                        p.key
                    );
                }
                if m.none {
                    assert!(
                        m.note.is_some(),
                        "{} {platform}: 'none' must say why",
                        p.key
                    );
                } else {
                    assert!(
                        m.admin.is_some() && m.setting.is_some(),
                        "{} {platform}: admin type and setting",
                        p.key
                    );
                }
            }
        }
        let mut keys: Vec<&str> = c.keys();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), c.permissions.len(), "duplicate permission keys");
        for required in [
            "contacts.view",
            "contacts.manage",
            "apps.assign",
            "apps.manage",
            "data.export",
            "approvals.configure",
            "customers.manage",
            "customers.transfer",
            "security.configure",
            "audit.view",
            "devices.manage",
            "billing.manage",
        ] {
            assert!(c.permission(required).is_some(), "{required} missing");
        }
    }

    #[test]
    fn platform_models_and_builtin_roles_are_consistent() {
        let c = catalogue();
        for platform in PLATFORMS {
            let model = &c.platforms[platform];
            for scope in ["organization", "own_subtree", "departments"] {
                assert!(model.scopes.contains_key(scope), "{platform} {scope}");
            }
            if model.scopes["own_subtree"].is_none() {
                assert!(
                    model.own_subtree_note.is_some(),
                    "{platform} must explain the missing scope"
                );
            }
        }
        for key in ["super_admin", "it_admin", "department_head", "employee"] {
            let role = c.builtin(key).unwrap_or_else(|| panic!("{key}"));
            for g in &role.grants {
                assert!(
                    g.permission == "*" || c.permission(&g.permission).is_some(),
                    "{key}: {}",
                    g.permission
                );
                assert!(["organization", "own_subtree", "departments"].contains(&g.scope.as_str()));
            }
        }
        assert!(c.builtin("employee").unwrap().everyone);
    }
}
