//! Matching rows against the file and the workspace, in file order: duplicates within the
//! file, the member a row updates, conflicts with other members, and what each row will do.

use super::clean::{Cleaned, Cleaning, Mapping};
use super::department_ids::DepartmentIds;
use super::header::{Column, Field};
use super::issue::{Issue, NO_COLUMN};
use super::plan::{Plan, PlannedRow, RowAction, Values};
use super::read::Sheet;
use crate::error::{Error, ErrorCode, Result};
use crate::members::{self, userid, FieldKey, FieldKind, Member, MemberQuery, FIELDS};
use crate::org::departments::Tree;
use calamine::Data;
use rusqlite::Connection;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The members already in the workspace, indexed the ways a row can match them.
struct Existing {
    members: Vec<Member>,
    by_userid: HashMap<String, usize>,
    by_mobile: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
}

impl Existing {
    fn load(conn: &Connection) -> Result<Existing> {
        let members = members::list(conn, &MemberQuery::default())?;
        let mut e = Existing {
            by_userid: HashMap::default(),
            by_mobile: HashMap::default(),
            by_email: HashMap::default(),
            members,
        };
        for (i, m) in e.members.iter().enumerate() {
            e.by_userid.insert(m.userid.to_lowercase(), i);
            if let Some(x) = &m.fields.mobile {
                e.by_mobile.insert(x.clone(), i);
            }
            if let Some(x) = &m.fields.email {
                e.by_email.insert(x.to_lowercase(), i);
            }
        }
        Ok(e)
    }
}

/// Reads every data row below the header and decides what to do with it.
pub(crate) fn analyse(
    conn: &Connection,
    sheet: &Sheet,
    header_row: usize,
    columns: Vec<Column>,
    ids: Option<&DepartmentIds>,
) -> Result<Plan> {
    let header_cells = sheet
        .rows()
        .nth(header_row)
        .map(<[Data]>::to_vec)
        .unwrap_or_default();
    let (cleaning, mut analyser) = Analyser::new(conn, columns, ids)?;
    let data: Vec<(u32, &[Data])> = sheet
        .rows()
        .enumerate()
        .skip(header_row + 1)
        .map(|(i, cells)| (sheet.display_row(i), cells))
        .collect();
    analyser.push(&cleaning, &data);
    Ok(analyser.finish(
        sheet.name.clone(),
        sheet.display_row(header_row),
        header_cells,
    ))
}

/// The values of one field seen so far in a file (lowered first when compared without case),
/// each with the line of the first row that has it. The values are kept in one text of their
/// own, each after its length, so that a row can be released once it is written; the table
/// holds 8 bytes a value.
#[derive(Default)]
struct Seen {
    /// (start in `text`, line) of each value.
    table: hashbrown::HashTable<(u32, u32)>,
    text: Vec<u8>,
    /// The value being looked up, lowered.
    lowered: String,
}

fn seen_hash(value: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(value)
}

/// The value stored at `start` of a [`Seen`] text.
fn stored(text: &[u8], start: u32) -> &[u8] {
    let start = start as usize;
    let len = text
        .get(start..start + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes) as usize;
    text.get(start + 4..start + 4 + len).unwrap_or_default()
}

impl Seen {
    /// Makes room for `n` values while the table is empty (growing it later hashes every value
    /// again).
    fn reserve(&mut self, n: usize) {
        if self.table.is_empty() {
            self.table.reserve(n, |_| 0);
        }
    }

    /// The line of the first earlier row with `value` (without case when `fold`); None when there
    /// is none, and then `line` is the first with it.
    fn first(&mut self, value: Option<&str>, line: u32, fold: bool) -> Option<u32> {
        let value = value?;
        let Seen {
            table,
            text,
            lowered,
        } = self;
        let key = if !fold || (value.is_ascii() && !value.bytes().any(|b| b.is_ascii_uppercase())) {
            value
        } else {
            lowered.clear();
            if value.is_ascii() {
                lowered.extend(value.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                lowered.extend(value.chars().flat_map(char::to_lowercase));
            }
            lowered.as_str()
        };
        let h = seen_hash(key.as_bytes());
        if let Some(&(_, first)) = table.find(h, |&(s, _)| stored(text, s) == key.as_bytes()) {
            return Some(first);
        }
        // (Past 4 GB of values, which no file that can be read holds, they are not kept.)
        let start = u32::try_from(text.len() + 4 + key.len())
            .ok()
            .map(|_| text.len() as u32)?;
        text.extend_from_slice(&(key.len() as u32).to_le_bytes());
        text.extend_from_slice(key.as_bytes());
        table.insert_unique(h, (start, line), |&(s, _)| seen_hash(stored(text, s)));
        None
    }

    /// Whether `value` was seen, exactly as given (a value compared without case must be given
    /// lowered).
    fn contains(&self, value: &str) -> bool {
        self.table
            .find(seen_hash(value.as_bytes()), |&(s, _)| {
                stored(&self.text, s) == value.as_bytes()
            })
            .is_some()
    }
}

/// Analyses cleaned rows in file order: duplicates, matches with the workspace, conflicts. A
/// row's action is final once it is taken (only generated accounts wait for
/// [`Analyser::finish`], which must know every account in the file), so an import can write rows
/// while the file is still being read.
pub(crate) struct Analyser<'a> {
    existing: Existing,
    tree: Tree,
    map: Mapping,
    columns: Vec<Column>,
    ids: Option<&'a DepartmentIds>,
    first_userid: Seen,
    first_mobile: Seen,
    first_email: Seen,
    pub rows: Vec<PlannedRow>,
    /// The department paths valid rows name, each once, in file order (and the last rows'
    /// paths, which the next rows mostly share).
    paths: HashSet<String>,
    path_order: Vec<String>,
    last_paths: Option<std::sync::Arc<[String]>>,
    /// New members without an account (their position, their account's base from the name's
    /// pinyin as an index into `bases`), in file order: [`Analyser::finish`] generates their
    /// accounts.
    unnamed: Vec<(usize, u32)>,
    bases: Vec<String>,
    base_ids: HashMap<String, u32>,
    warnings: Vec<Issue>,
    errors: Vec<Issue>,
    invalid: usize,
}

impl<'a> Analyser<'a> {
    /// The cleaning and the analysis of rows under `columns` for the workspace `conn`.
    pub(crate) fn new(
        conn: &Connection,
        columns: Vec<Column>,
        ids: Option<&'a DepartmentIds>,
    ) -> Result<(Cleaning<'a>, Analyser<'a>)> {
        let tree = Tree::load(conn)?;
        let roots = tree.children(None);
        let cleaning = Cleaning::new(
            &columns,
            (roots.len() == 1).then(|| tree.path(roots[0])),
            tree.depth_limit,
            ids,
        );
        let map = cleaning.map.clone();
        Ok((
            cleaning,
            Analyser {
                existing: Existing::load(conn)?,
                tree,
                map,
                columns,
                ids,
                first_userid: Seen::default(),
                first_mobile: Seen::default(),
                first_email: Seen::default(),
                rows: Vec::new(),
                paths: HashSet::default(),
                path_order: Vec::new(),
                last_paths: None,
                unnamed: Vec::new(),
                bases: Vec::new(),
                base_ids: HashMap::default(),
                warnings: Vec::new(),
                errors: Vec::new(),
                invalid: 0,
            },
        ))
    }

    /// Makes room for `rows` more rows (a streaming import knows the sheet's size up front).
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows);
        for seen in [
            &mut self.first_userid,
            &mut self.first_mobile,
            &mut self.first_email,
        ] {
            seen.reserve(rows);
        }
    }

    /// Rows found invalid so far.
    pub(crate) fn invalid(&self) -> usize {
        self.invalid
    }

    /// Cleans (on every core) and analyses a batch of rows (display number, cells).
    pub(crate) fn push<C: AsRef<[Data]> + Sync>(
        &mut self,
        cleaning: &Cleaning,
        batch: &[(u32, C)],
    ) {
        use rayon::prelude::*;
        self.reserve(batch.len());
        let cleaned: Vec<(Cleaned, &C)> = batch
            .par_iter()
            .filter_map(|(line, cells)| Some((cleaning.row(*line, cells.as_ref())?, cells)))
            .collect();
        self.take(cleaned, |_, _| {});
    }

    /// Analyses cleaned rows, each with its cells as read (kept for the error workbook when
    /// the row is invalid). Returns where they start in [`Analyser::rows`].
    /// What is left of each row (its cells, its emptied list of clean-ups) goes to `unused`:
    /// a streaming import hands it back to the thread that allocated it.
    pub(crate) fn take<C: AsRef<[Data]>>(
        &mut self,
        rows: impl IntoIterator<Item = (Cleaned, C)>,
        mut unused: impl FnMut(C, Vec<Issue>),
    ) -> usize {
        let start = self.rows.len();
        for ((row, mut warnings, errors), cells) in rows {
            let k = self.rows.len();
            self.rows.push(row);
            self.warnings.append(&mut warnings);
            self.errors.extend(errors);
            let mut found = Vec::new();
            self.match_row(k, &mut found);
            self.errors.extend(found);
            if self.rows[k].action == RowAction::Invalid {
                self.invalid += 1;
                self.rows[k].keep_raw(cells.as_ref());
            } else {
                self.note_paths(k);
                let row = &self.rows[k];
                if let (RowAction::Create, Some(v)) = (row.action, row.values()) {
                    if v.userid.is_none() {
                        let base = userid::base_from_name(&v.fields.name);
                        let bases = &mut self.bases;
                        let b = *self.base_ids.entry(base).or_insert_with_key(|base| {
                            bases.push(base.clone());
                            bases.len() as u32 - 1
                        });
                        self.unnamed.push((k, b));
                    }
                }
            }
            unused(cells, warnings);
        }
        start
    }

    /// Remembers the department paths of row `k` (a valid row).
    fn note_paths(&mut self, k: usize) {
        let Some(v) = self.rows[k].values() else {
            return;
        };
        if self
            .last_paths
            .as_ref()
            .is_some_and(|last| std::sync::Arc::ptr_eq(last, &v.departments))
        {
            return;
        }
        for path in v.departments.iter() {
            if !self.paths.contains(path.as_str()) {
                self.paths.insert(path.clone());
                self.path_order.push(path.clone());
            }
        }
        self.last_paths = Some(v.departments.clone());
    }

    /// Duplicates within the file, the match with an existing member, conflicts: row `k`'s
    /// action. A new member without an account gets one in [`Analyser::finish`].
    fn match_row(&mut self, k: usize, errors: &mut Vec<Issue>) {
        let (userid_col, mobile_col, email_col) = (
            self.map.column(Field::Userid),
            self.map.column(Field::Member(FieldKey::Mobile)),
            self.map.column(Field::Member(FieldKey::Email)),
        );
        let Analyser {
            existing,
            rows,
            first_userid,
            first_mobile,
            first_email,
            ..
        } = self;
        let r = &mut rows[k];
        let (line, contact_rejected) = (r.line, r.contact_rejected());
        let Some(v) = r.values() else {
            return;
        };
        // Within the file the first row with a value keeps it; later rows are flagged.
        let earlier = [
            first_userid.first(v.userid.as_deref(), line, true),
            first_mobile.first(v.fields.mobile.as_deref(), line, false),
            first_email.first(v.fields.email.as_deref(), line, true),
        ];
        let mut invalid = r.action == RowAction::Invalid;
        let mut fail = |column: u16, e: Error| {
            errors.push(Issue::error(line, column, e));
            invalid = true;
        };
        // Accounts and emails compare without case (lowered only to look up existing members).
        let lower = |s: &Option<String>| {
            s.as_ref()
                .filter(|_| !existing.members.is_empty())
                .map(|s| s.to_lowercase())
        };
        let (userid_key, email_key) = (lower(&v.userid), lower(&v.fields.email));
        // A row matches by account; without one, by mobile, then by email.
        let mobile_owner = v
            .fields
            .mobile
            .as_ref()
            .and_then(|m| existing.by_mobile.get(m));
        let email_owner = email_key.as_ref().and_then(|e| existing.by_email.get(e));
        let target = match &v.userid {
            Some(_) => userid_key.as_ref().and_then(|u| existing.by_userid.get(u)),
            None => mobile_owner.or(email_owner),
        }
        .copied();
        let owner_conflict = |owner: Option<&usize>| {
            owner
                .is_some_and(|&o| Some(o) != target)
                .then(|| &existing.members[*owner.unwrap()].fields.name)
        };
        let (mobile_conflict, email_conflict) =
            (owner_conflict(mobile_owner), owner_conflict(email_owner));
        let duplicates = [
            (
                v.userid.as_ref().map(|u| u.to_lowercase()),
                userid_col,
                ErrorCode::DuplicateUserid,
                "import_duplicate_userid",
            ),
            (
                v.fields.mobile.clone(),
                mobile_col,
                ErrorCode::DuplicateMobile,
                "import_duplicate_mobile",
            ),
            (
                v.fields.email.as_ref().map(|e| e.to_lowercase()),
                email_col,
                ErrorCode::DuplicateEmail,
                "import_duplicate_email",
            ),
        ];
        for (first, (value, column, code, key)) in earlier.into_iter().zip(duplicates) {
            if let (Some(first), Some(value)) = (first, value) {
                fail(
                    column,
                    Error::new(code, key)
                        .with("value", value)
                        .with("first_row", first),
                );
            }
        }
        if let (Some(m), Some(name)) = (&v.fields.mobile, mobile_conflict) {
            fail(
                mobile_col,
                Error::new(ErrorCode::DuplicateMobile, "mobile_duplicate")
                    .with("mobile", m)
                    .with("name", name),
            );
        }
        if let (Some(e), Some(name)) = (&v.fields.email, email_conflict) {
            fail(
                email_col,
                Error::new(ErrorCode::DuplicateEmail, "email_duplicate")
                    .with("email", e)
                    .with("name", name),
            );
        }
        let current = target.map(|t| &existing.members[t]);
        let has_contact = v.fields.mobile.is_some()
            || v.fields.email.is_some()
            || current.is_some_and(|m| m.fields.mobile.is_some() || m.fields.email.is_some());
        if !has_contact && !contact_rejected {
            let column = if mobile_col != NO_COLUMN {
                mobile_col
            } else {
                email_col
            };
            fail(
                column,
                Error::new(ErrorCode::MissingContact, "import_missing_contact"),
            );
        }
        let action = if invalid {
            RowAction::Invalid
        } else {
            match current {
                Some(m) if changes(v, m) => RowAction::Update(m.id),
                Some(m) => RowAction::Unchanged(m.id),
                None => RowAction::Create,
            }
        };
        r.action = action;
    }

    /// The plan: accounts generated for new members without one (from the name's pinyin, unique
    /// among the workspace's and the file's accounts), problems in row order, new departments.
    pub(crate) fn finish(
        mut self,
        sheet: String,
        header_row: u32,
        header_cells: Vec<Data>,
    ) -> Plan {
        let userid_col = self.map.column(Field::Userid);
        // An account is taken by a member, a row of the file (both without case) or an
        // account generated before.
        let mut made = Seen::default();
        made.reserve(self.unnamed.len());
        let taken = |c: &str, made: &Seen| {
            self.existing.by_userid.contains_key(c)
                || self.first_userid.contains(c)
                || made.contains(c)
        };
        // Each base's next number to try (`zhangwei`, then `zhangwei2` …): what was taken stays
        // taken, so a thousand 张伟 cost a thousand tries, not half a million.
        let mut next: Vec<u32> = vec![1; self.bases.len()];
        let mut generated = Vec::with_capacity(self.unnamed.len());
        for (k, b) in std::mem::take(&mut self.unnamed) {
            let (base, n) = (&self.bases[b as usize], &mut next[b as usize]);
            let id = loop {
                let candidate = account(base, *n);
                *n += 1;
                if !taken(&candidate, &made) {
                    break candidate;
                }
            };
            generated.push((k, b, *n - 1));
            made.first(Some(&id), 0, false);
            let row = &mut self.rows[k];
            self.warnings.push(Issue::warning(
                row.line,
                userid_col,
                "userid_generated",
                [("userid", id.clone())],
            ));
            if let Some(v) = row.values_mut() {
                v.userid = Some(id);
            }
        }
        self.errors.sort_by_key(|e| e.row);
        self.warnings.sort_by_key(|w| w.row);

        // Departments that valid rows will create, parents first.
        let tree = &self.tree;
        let known: HashSet<String> = tree
            .preorder()
            .into_iter()
            .map(|id| tree.path(id))
            .collect();
        let mut new_departments: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        // A department file brings every department, members or not, in its order.
        let listed = self.ids.map(|ids| ids.order.as_slice()).unwrap_or_default();
        let mut paths: HashSet<&str> = HashSet::default();
        for path in listed.iter().chain(&self.path_order) {
            // Most rows repeat a department: each path is split once.
            if !paths.insert(path) {
                continue;
            }
            for (end, _) in path
                .match_indices('/')
                .chain(std::iter::once((path.len(), "")))
            {
                let prefix = &path[..end];
                if !known.contains(prefix) && seen.insert(prefix) {
                    new_departments.push(prefix.to_string());
                }
            }
        }

        Plan {
            file: String::new(),
            format: "",
            encoding: None,
            sheets: Vec::new(),
            sheet,
            header_row,
            columns: self.columns,
            header_cells,
            rows: self.rows,
            generated,
            bases: self.bases,
            warnings: std::sync::Arc::new(self.warnings),
            errors: std::sync::Arc::new(self.errors),
            new_departments,
        }
    }
}

/// The `n`th account made from `base`: `zhangwei`, `zhangwei2`, `zhangwei3` …
pub(crate) fn account(base: &str, n: u32) -> String {
    match n {
        1 => base.to_string(),
        n => format!("{base}{n}"),
    }
}

/// Whether writing `v` over `m` changes anything (fields the file leaves empty are kept).
fn changes(v: &Values, m: &Member) -> bool {
    let differs = FIELDS.iter().filter(|s| s.import).any(|s| {
        let Some(new) = v.fields.text(s.key) else {
            return false;
        };
        match (m.fields.text(s.key), s.kind) {
            (Some(old), FieldKind::Email) => !old.eq_ignore_ascii_case(&new),
            (old, _) => old.as_deref() != Some(&*new),
        }
    });
    differs
        || (!v.departments.is_empty() && *v.departments != *m.departments)
        || v.leads().is_some_and(|leads| {
            let mut old: Vec<&str> = m.leader_of.iter().map(String::as_str).collect();
            let mut new = leads;
            old.sort_unstable();
            new.sort_unstable();
            old != new
        })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_seen_before_are_found_without_case() {
        let values = [
            "ZhangWei",
            "zhangwei",
            "李娜",
            "Ｌｉｎａ",
            "ｌｉｎａ",
            "\u{212A}ai",
            "kai",
            "other",
        ];
        let mut seen = Seen::default();
        let firsts: Vec<Option<u32>> = (0..values.len())
            .map(|k| seen.first(Some(values[k]), k as u32 + 2, true))
            .collect();
        // The Kelvin sign lowers to an ASCII k: the same account as "kai" once lowered.
        assert_eq!(
            firsts,
            [None, Some(2), None, None, Some(5), None, Some(7), None]
        );
        // Kept lowered.
        for kept in ["kai", "other", "zhangwei", "李娜", "ｌｉｎａ"] {
            assert!(seen.contains(kept), "{kept}");
        }
        assert!(!seen.contains("ZhangWei") && !seen.contains("nobody"));
        let mut exact = Seen::default();
        assert_eq!(exact.first(Some("ZhangWei"), 2, false), None);
        assert_eq!(exact.first(Some("zhangwei"), 3, false), None);
        assert_eq!(exact.first(Some("ZhangWei"), 4, false), Some(2));
        assert_eq!(exact.first(None, 5, false), None);
    }
}
