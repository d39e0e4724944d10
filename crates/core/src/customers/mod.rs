//! Customer contact (guide §5): customers as the customer export lists them, each owned by the
//! members who added them; their tags in three layers (basic, behaviour, value); their orders
//! (`rfm` turns them into value segments). Imports are in `imports::customers`.

pub mod campaigns;
pub(crate) mod demo;
pub mod handover;
pub mod limits;
pub mod rfm;
pub mod welcome;

use crate::error::{Error, ErrorCode, Result};
use crate::history::Tx;
use crate::i18n::{Lang, Localized};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A tag group's layer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Layer {
    /// Basic attributes (region, age, store …).
    Basic,
    /// Behaviour (interests, purchases, activity).
    Behaviour,
    /// Value, computed by RFM.
    Value,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Basic => "basic",
            Layer::Behaviour => "behaviour",
            Layer::Value => "value",
        }
    }
}

/// What `assets/customers/headers.json` says about tags besides the headers.
#[derive(Deserialize)]
pub(crate) struct TagRules {
    pub tag_separators: Vec<String>,
    pub tag_group_separators: Vec<String>,
    pub default_group: Localized,
    pub behaviour_words: Vec<String>,
}

pub(crate) const HEADERS: &str = include_str!("../../../../assets/customers/headers.json");

pub(crate) fn tag_rules() -> &'static TagRules {
    static R: OnceLock<TagRules> = OnceLock::new();
    R.get_or_init(|| serde_json::from_str(HEADERS).expect("customers/headers.json is valid"))
}

/// The layer a group of imported tags belongs to, by its name.
pub(crate) fn layer_of_group(name: &str) -> Layer {
    let lower = name.to_lowercase();
    if tag_rules()
        .behaviour_words
        .iter()
        .any(|w| lower.contains(&w.to_lowercase()))
    {
        Layer::Behaviour
    } else {
        Layer::Basic
    }
}

/// The tags a 标签 cell lists, each as (group, tag); a tag without a group is in `default`.
pub(crate) fn split_tags(cell: &str, default: &str) -> Vec<(String, String)> {
    let rules = tag_rules();
    // Slices of the cell, split on every separator (one imported row at a time: no copies).
    let mut parts: Vec<&str> = vec![cell];
    for sep in rules
        .tag_separators
        .iter()
        .filter(|s| cell.contains(s.as_str()))
    {
        parts = parts.iter().flat_map(|p| p.split(sep.as_str())).collect();
    }
    let mut out: Vec<(String, String)> = Vec::with_capacity(parts.len());
    for part in parts {
        let Some(part) = crate::validate::trimmed(part) else {
            continue;
        };
        let split = rules
            .tag_group_separators
            .iter()
            .find_map(|s| part.split_once(s.as_str()));
        let (group, tag) = match split {
            Some((g, t)) if !g.trim().is_empty() && !t.trim().is_empty() => (g.trim(), t.trim()),
            _ => (default, part),
        };
        if !out.iter().any(|(g, t)| g == group && t == tag) {
            out.push((group.to_string(), tag.to_string()));
        }
    }
    out
}

/// A change to the tags.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TagEdit {
    AddGroup {
        name: String,
        layer: Layer,
    },
    AddTag {
        group: String,
        name: String,
    },
    /// A tag (`group:tag` or a unique name), or with `group` a group.
    Rename {
        target: String,
        to: String,
        group: bool,
    },
    Merge {
        from: String,
        into: String,
    },
    Delete {
        target: String,
        group: bool,
    },
}

/// A member who added a customer.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Owner {
    pub userid: String,
    pub name: String,
    pub status: crate::members::MemberStatus,
    pub added_at: Option<String>,
    pub source: Option<String>,
    pub remark: Option<String>,
}

/// A customer's tag.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CustomerTag {
    pub group: String,
    pub layer: Layer,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Customer {
    #[specta(type = f64)]
    pub id: i64,
    pub name: String,
    pub mobile: Option<String>,
    pub external_id: Option<String>,
    pub kind: Option<String>,
    pub company: Option<String>,
    pub description: Option<String>,
    pub owners: Vec<Owner>,
    pub tags: Vec<CustomerTag>,
    #[specta(type = f64)]
    pub orders: u32,
}

/// Which customers to list.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(default)]
pub struct CustomerFilter {
    /// An owner's account.
    pub owner: Option<String>,
    /// A tag (`group:tag`, or a tag name).
    pub tag: Option<String>,
    /// Part of the name, mobile or company (letters in any case).
    pub search: Option<String>,
}

/// A page of customers and how many the filter keeps in all.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CustomerPage {
    pub total: u32,
    pub offset: u32,
    pub customers: Vec<Customer>,
}

/// Every customer (with owners, tags and order counts) that `filter` keeps, by name.
pub fn list(conn: &Connection, filter: &CustomerFilter) -> Result<Vec<Customer>> {
    details(conn, &matching(conn, filter)?)
}

/// The ids of the customers `filter` keeps, by name (then id).
pub(crate) fn matching(conn: &Connection, filter: &CustomerFilter) -> Result<Vec<i64>> {
    let owner_id = match &filter.owner {
        Some(u) => Some(member_id(conn, u)?),
        None => None,
    };
    let tag_id = match &filter.tag {
        Some(t) => Some(find_tag(conn, t)?),
        None => None,
    };
    let search = filter
        .search
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let mut stmt = conn.prepare(
        "SELECT c.id FROM customers c
         WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM customer_owners o WHERE o.customer_id = c.id AND o.member_id = ?1))
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag_id = ?2))
           AND (?3 IS NULL OR instr(lower(c.name), ?3) OR instr(coalesce(c.mobile, ''), ?3)
                OR instr(lower(coalesce(c.company, '')), ?3))
         ORDER BY c.name, c.id",
    )?;
    let ids = stmt.query_map(params![owner_id, tag_id, search], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The customers `ids` name, in that order, with their owners, tags and order counts.
pub(crate) fn details(conn: &Connection, ids: &[i64]) -> Result<Vec<Customer>> {
    let mut found: HashMap<i64, Customer> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut stmt = conn.prepare(&format!(
            "SELECT c.id, c.name, c.mobile, c.external_id, c.kind, c.company, c.description,
                    (SELECT count(*) FROM orders o WHERE o.customer_id = c.id)
             FROM customers c WHERE c.id IN ({list})"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            found.insert(
                id,
                Customer {
                    id,
                    name: r.get(1)?,
                    mobile: r.get(2)?,
                    external_id: r.get(3)?,
                    kind: r.get(4)?,
                    company: r.get(5)?,
                    description: r.get(6)?,
                    owners: Vec::new(),
                    tags: Vec::new(),
                    orders: r.get(7)?,
                },
            );
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT o.customer_id, m.userid, m.name, m.status, o.added_at, o.source, o.remark
             FROM customer_owners o JOIN members m ON m.id = o.member_id
             WHERE o.customer_id IN ({list})
             ORDER BY o.customer_id, o.added_at, m.userid"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(c) = found.get_mut(&r.get(0)?) {
                c.owners.push(Owner {
                    userid: r.get(1)?,
                    name: r.get(2)?,
                    status: r.get::<_, String>(3)?.parse().unwrap_or_default(),
                    added_at: r.get(4)?,
                    source: r.get(5)?,
                    remark: r.get(6)?,
                });
            }
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT ct.customer_id, g.name, g.layer, t.name
             FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN tag_groups g ON g.id = t.group_id
             WHERE ct.customer_id IN ({list})
             ORDER BY g.sort_order, g.id, t.id"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(c) = found.get_mut(&r.get(0)?) {
                c.tags.push(CustomerTag {
                    group: r.get(1)?,
                    layer: r.get::<_, String>(2)?.parse().unwrap_or(Layer::Basic),
                    name: r.get(3)?,
                });
            }
        }
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

fn member_id(conn: &Connection, userid: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM members WHERE userid = ?1",
        [userid.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::MemberNotFound, "member_not_found").with("userid", userid))
}

/// A tag group with its tags and how many customers carry each.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TagGroup {
    #[specta(type = f64)]
    pub id: i64,
    pub name: String,
    pub layer: Layer,
    pub tags: Vec<TagInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct TagInfo {
    #[specta(type = f64)]
    pub id: i64,
    pub name: String,
    pub customers: u32,
}

/// Every tag group (basic, then behaviour, then value) with its tags.
pub fn tag_groups(conn: &Connection) -> Result<Vec<TagGroup>> {
    let mut groups: Vec<TagGroup> = {
        let mut stmt = conn.prepare(
            "SELECT id, name, layer FROM tag_groups
             ORDER BY CASE layer WHEN 'basic' THEN 0 WHEN 'behaviour' THEN 1 ELSE 2 END, sort_order, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TagGroup {
                id: r.get(0)?,
                name: r.get(1)?,
                layer: r.get::<_, String>(2)?.parse().unwrap_or(Layer::Basic),
                tags: Vec::new(),
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut stmt = conn.prepare(
        "SELECT t.group_id, t.id, t.name, (SELECT count(*) FROM customer_tags ct WHERE ct.tag_id = t.id)
         FROM tags t ORDER BY t.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let group: i64 = r.get(0)?;
        if let Some(g) = groups.iter_mut().find(|g| g.id == group) {
            g.tags.push(TagInfo {
                id: r.get(1)?,
                name: r.get(2)?,
                customers: r.get(3)?,
            });
        }
    }
    Ok(groups)
}

fn tag_error(key: &'static str, tag: &str) -> Error {
    Error::new(ErrorCode::TagNotFound, key).with("tag", tag)
}

/// A tag by `group:tag` (or `：`, `/`), or by a name only one group has.
pub(crate) fn find_tag(conn: &Connection, text: &str) -> Result<i64> {
    let text = text.trim();
    let split = tag_rules()
        .tag_group_separators
        .iter()
        .find_map(|s| text.split_once(s.as_str()));
    if let Some((g, t)) = split {
        if let Some(id) = conn
            .query_row(
                "SELECT t.id FROM tags t JOIN tag_groups g ON g.id = t.group_id
                 WHERE g.name = ?1 AND t.name = ?2",
                [g.trim(), t.trim()],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(id);
        }
    }
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM tags WHERE name = ?1")?
        .query_map([text], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [one] => Ok(*one),
        [] => Err(tag_error("tag_not_found", text)),
        _ => Err(Error::new(ErrorCode::InvalidValue, "tag_ambiguous").with("tag", text)),
    }
}

fn find_group(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM tag_groups WHERE name = ?1",
        [name.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::TagNotFound, "tag_group_not_found").with("group", name))
}

fn clean_name(name: &str, field: &str) -> Result<String> {
    let name = crate::validate::clean(name)
        .ok_or_else(|| Error::new(ErrorCode::MissingRequired, "tag_name_required"))?;
    if name.chars().count() > 30 || crate::validate::forbidden_control(&name, false).is_some() {
        return Err(Error::invalid_value(field, &name, "1–30 characters"));
    }
    Ok(name)
}

/// The group named `name` (made in `layer` when missing).
pub(crate) fn ensure_group(tx: &Tx, name: &str, layer: Layer) -> Result<i64> {
    if let Some(id) = tx
        .query_row("SELECT id FROM tag_groups WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?
    {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO tag_groups (name, layer, sort_order)
         VALUES (?1, ?2, (SELECT coalesce(max(sort_order), 0) + 1 FROM tag_groups))",
        params![name, layer.as_str()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The tag `name` in group `group` (made when missing).
pub(crate) fn ensure_tag(tx: &Tx, group: i64, name: &str) -> Result<i64> {
    if let Some(id) = tx
        .query_row(
            "SELECT id FROM tags WHERE group_id = ?1 AND name = ?2",
            params![group, name],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO tags (group_id, name) VALUES (?1, ?2)",
        params![group, name],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Adds a group (`layer` basic or behaviour: the value layer is RFM's).
pub(crate) fn add_group(tx: &Tx, name: &str, layer: Layer) -> Result<i64> {
    let name = clean_name(name, "group")?;
    if layer == Layer::Value {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            "tag_value_layer_computed",
        ));
    }
    if find_group(tx, &name).is_ok() {
        return Err(Error::new(ErrorCode::DuplicateTag, "tag_group_exists").with("group", &name));
    }
    ensure_group(tx, &name, layer)
}

/// Adds a tag to a group.
pub(crate) fn add_tag(tx: &Tx, group: &str, name: &str) -> Result<i64> {
    let g = find_group(tx, group)?;
    let name = clean_name(name, "tag")?;
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM tags WHERE group_id = ?1 AND name = ?2)",
        params![g, name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(Error::new(ErrorCode::DuplicateTag, "tag_exists").with("tag", &name));
    }
    ensure_tag(tx, g, &name)
}

/// Renames a tag (`group:tag` or a unique name) or, with `group`, a group.
pub(crate) fn rename(tx: &Tx, target: &str, to: &str, group: bool) -> Result<()> {
    let to = clean_name(to, "name")?;
    if group {
        let id = find_group(tx, target)?;
        if find_group(tx, &to).is_ok_and(|other| other != id) {
            return Err(Error::new(ErrorCode::DuplicateTag, "tag_group_exists").with("group", &to));
        }
        tx.execute(
            "UPDATE tag_groups SET name = ?1 WHERE id = ?2",
            params![to, id],
        )?;
    } else {
        let id = find_tag(tx, target)?;
        let g: i64 = tx.query_row("SELECT group_id FROM tags WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM tags WHERE group_id = ?1 AND name = ?2 AND id <> ?3)",
            params![g, to, id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(Error::new(ErrorCode::DuplicateTag, "tag_exists").with("tag", &to));
        }
        tx.execute("UPDATE tags SET name = ?1 WHERE id = ?2", params![to, id])?;
    }
    Ok(())
}

/// Moves every customer of tag `from` to tag `into` and deletes `from`; returns how many
/// customers `into` gained.
pub(crate) fn merge(tx: &Tx, from: &str, into: &str) -> Result<u32> {
    let (a, b) = (find_tag(tx, from)?, find_tag(tx, into)?);
    if a == b {
        return Err(Error::new(ErrorCode::InvalidValue, "tag_merge_same").with("tag", from));
    }
    let gained = tx.execute(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id)
         SELECT customer_id, ?2 FROM customer_tags WHERE tag_id = ?1",
        params![a, b],
    )?;
    tx.execute("DELETE FROM customer_tags WHERE tag_id = ?1", [a])?;
    tx.execute("DELETE FROM tags WHERE id = ?1", [a])?;
    Ok(gained as u32)
}

/// Deletes a tag (or, with `group`, a group and its tags) and takes it off the customers;
/// returns how many customers carried it.
pub(crate) fn delete(tx: &Tx, target: &str, group: bool) -> Result<u32> {
    let (tags, group_id): (Vec<i64>, Option<i64>) = if group {
        let g = find_group(tx, target)?;
        let ids = tx
            .prepare("SELECT id FROM tags WHERE group_id = ?1")?
            .query_map([g], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        (ids, Some(g))
    } else {
        (vec![find_tag(tx, target)?], None)
    };
    let mut carried = 0;
    for t in tags {
        carried += tx.execute("DELETE FROM customer_tags WHERE tag_id = ?1", [t])?;
        tx.execute("DELETE FROM tags WHERE id = ?1", [t])?;
    }
    if let Some(g) = group_id {
        tx.execute("DELETE FROM tag_groups WHERE id = ?1", [g])?;
    }
    Ok(carried as u32)
}

/// The value layer's group name in `lang`.
pub(crate) fn value_group_name(lang: Lang) -> String {
    rfm::rules().value_group.get(lang).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_cells_split_into_groups_and_tags() {
        assert_eq!(
            split_tags("高意向, 地区:杭州；购买偏好/车厘子、高意向", "导入的标签"),
            vec![
                ("导入的标签".to_string(), "高意向".to_string()),
                ("地区".to_string(), "杭州".to_string()),
                ("购买偏好".to_string(), "车厘子".to_string()),
            ]
        );
        assert!(split_tags(" , ;", "x").is_empty());
        assert_eq!(layer_of_group("购买偏好"), Layer::Behaviour);
        assert_eq!(layer_of_group("Interests"), Layer::Behaviour);
        assert_eq!(layer_of_group("地区"), Layer::Basic);
    }
}
