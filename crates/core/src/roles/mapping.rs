//! How each role would be set up in each platform's admin console, and what cannot be expressed.

use super::catalogue::{catalogue, PlatformMapping};
use super::{list, Level, Scope};
use crate::dataset::Confidence;
use crate::error::Result;
use crate::i18n::Localized;
use crate::org::profile::Platform;
use rusqlite::Connection;
use serde::Serialize;

/// One permission of a role, as the platform's console calls it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MappedPermission {
    pub permission: String,
    pub name: Localized,
    /// What to tick; null when the platform has no equivalent.
    pub setting: Option<Localized>,
    pub note: Option<Localized>,
    pub source: String,
    pub confidence: Confidence,
}

/// Something of the role the platform cannot express, and why.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Unsupported {
    pub permission: Option<String>,
    pub reason: Localized,
}

/// A role as it would be set up on one platform.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RoleOnPlatform {
    pub role_id: i64,
    pub role: Localized,
    pub platform: Platform,
    /// The admin type to create (超级管理员, 分级管理员, 子管理员 …); null for the everyone role.
    pub admin_type: Option<Localized>,
    /// How to set its scope; null when no scope is needed or none can be expressed.
    pub scope: Option<Localized>,
    pub permissions: Vec<MappedPermission>,
    pub unsupported: Vec<Unsupported>,
    pub notes: Vec<Localized>,
}

fn loc(zh: &str, en: &str) -> Localized {
    Localized {
        zh_cn: zh.to_string(),
        en_us: en.to_string(),
    }
}

/// The platforms a mapping shows when none is asked for: the workspace's target platform, or
/// all three while it is undecided. The one default every face uses.
pub fn default_platforms(target: Platform) -> Vec<Platform> {
    match target {
        Platform::Undecided => vec![Platform::Wecom, Platform::Dingtalk, Platform::Feishu],
        p => vec![p],
    }
}

/// Every role on `platforms`.
pub(crate) fn mapping(conn: &Connection, platforms: &[Platform]) -> Result<Vec<RoleOnPlatform>> {
    let c = catalogue();
    let roles = list(conn)?;
    let mut out = Vec::new();
    for &platform in platforms {
        let Some(model) = c.platforms.get(platform.as_str()) else {
            continue;
        };
        for role in &roles {
            let mut notes = Vec::new();
            let mut unsupported = Vec::new();
            let everything = role.grants.len() == c.permissions.len()
                && role.grants.iter().all(|g| g.scope == Scope::Organization);
            let admin_type = if role.everyone {
                notes.push(loc(
                    "所有成员默认拥有，不需要在后台设置管理员。",
                    "Every member has it; no admin needs to be set up in the console.",
                ));
                None
            } else if role.level == Level::Admin && everything {
                match &model.full {
                    Some(full) => Some(full.clone()),
                    None => {
                        if let Some(n) = &model.full_note {
                            notes.push(n.clone());
                        }
                        Some(model.scoped.clone())
                    }
                }
            } else {
                Some(model.scoped.clone())
            };
            let scopes: Vec<Scope> = {
                let mut s: Vec<Scope> = role.grants.iter().map(|g| g.scope).collect();
                s.sort_by_key(|x| x.as_str());
                s.dedup();
                s
            };
            let mut scope_texts = Vec::new();
            for s in &scopes {
                match model.scopes.get(s.as_str()).cloned().flatten() {
                    Some(text) => scope_texts.push(text),
                    None => unsupported.push(Unsupported {
                        permission: None,
                        reason: model.own_subtree_note.clone().unwrap_or_else(|| {
                            loc(
                                "该平台无法设置这种范围。",
                                "This platform cannot express this scope.",
                            )
                        }),
                    }),
                }
            }
            if scopes.len() > 1 {
                notes.push(loc(
                    "这个角色的权限范围不一致：平台的一个管理员只有一个管理范围，需要拆成几个管理员角色。",
                    "This role's permissions have different scopes: a platform admin has one management scope, so split it into several admin roles.",
                ));
            }
            let scope = (!role.everyone && !scope_texts.is_empty()).then(|| Localized {
                zh_cn: scope_texts
                    .iter()
                    .map(|s| s.zh_cn.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                en_us: scope_texts
                    .iter()
                    .map(|s| s.en_us.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            });
            let mut permissions = Vec::new();
            for g in &role.grants {
                let Some(p) = c.permission(&g.permission) else {
                    continue;
                };
                let m: Option<&PlatformMapping> = p.platforms.get(platform.as_str());
                match m {
                    Some(m) if !m.none => permissions.push(MappedPermission {
                        permission: p.key.clone(),
                        name: p.name.clone(),
                        setting: m.setting.clone(),
                        note: m.note.clone(),
                        source: m.source.clone(),
                        confidence: m.confidence,
                    }),
                    Some(m) => unsupported.push(Unsupported {
                        permission: Some(p.key.clone()),
                        reason: m
                            .note
                            .clone()
                            .unwrap_or_else(|| loc("没有对应的设置。", "No equivalent setting.")),
                    }),
                    None => unsupported.push(Unsupported {
                        permission: Some(p.key.clone()),
                        reason: loc("未收录。", "Not catalogued."),
                    }),
                }
            }
            out.push(RoleOnPlatform {
                role_id: role.id,
                role: role.name.clone(),
                platform,
                admin_type,
                scope,
                permissions,
                unsupported,
                notes,
            });
        }
    }
    Ok(out)
}
