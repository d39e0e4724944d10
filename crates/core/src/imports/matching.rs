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

/// The values of one field seen so far in a file, each with the first row that has it. The
/// table holds row positions, hashed and compared through the rows' own values (no copies).
#[derive(Default)]
struct Seen(hashbrown::HashTable<usize>);

impl Seen {
    /// Makes room for `n` values while the table is empty (growing it later hashes every value
    /// again).
    fn reserve(&mut self, n: usize) {
        if self.0.is_empty() {
            self.0.reserve(n, |_| 0);
        }
    }

    /// The position of the first earlier row whose `field` equals row `k`'s (without case when
    /// `fold`); None when there is none, and then row `k` is the first with its value.
    fn first(
        &mut self,
        rows: &[PlannedRow],
        k: usize,
        field: impl Fn(&Values) -> Option<&str>,
        fold: bool,
    ) -> Option<usize> {
        let value = field(&rows[k].values)?;
        let hash = |v: &str| {
            use std::hash::{BuildHasher, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            if !fold {
                h.write(v.as_bytes());
                return h.finish();
            }
            // The lowered text's bytes, fed 64 at a time (plain ASCII is lowered byte by byte,
            // which gives the same bytes).
            let mut buffer = [0u8; 64];
            let mut n = 0;
            let mut push = |b: u8| {
                buffer[n] = b;
                n += 1;
                if n == buffer.len() {
                    h.write(&buffer);
                    n = 0;
                }
            };
            if v.is_ascii() {
                v.bytes().for_each(|b| push(b.to_ascii_lowercase()));
            } else {
                for c in v.chars().flat_map(char::to_lowercase) {
                    c.encode_utf8(&mut [0; 4]).bytes().for_each(&mut push);
                }
            }
            h.write(&buffer[..n]);
            h.finish()
        };
        let same = |a: &str, b: &str| match (fold, a.is_ascii() && b.is_ascii()) {
            (false, _) => a == b,
            (true, true) => a.eq_ignore_ascii_case(b),
            (true, false) => a
                .chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase)),
        };
        let of = |i: usize| field(&rows[i].values).unwrap_or_default();
        let h = hash(value);
        if let Some(&first) = self.0.find(h, |&i| same(of(i), value)) {
            return Some(first);
        }
        self.0.insert_unique(h, k, |&i| hash(of(i)));
        None
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
                self.rows[k].raw = Some(cells.as_ref().to_vec());
            }
            unused(cells, warnings);
        }
        start
    }

    /// Duplicates within the file, the match with an existing member, conflicts: row `k`'s
    /// action. A new member without an account gets one in [`Analyser::finish`].
    fn match_row(&mut self, k: usize, errors: &mut Vec<Issue>) {
        let existing = &self.existing;
        let (userid_col, mobile_col, email_col) = (
            self.map.column(Field::Userid),
            self.map.column(Field::Member(FieldKey::Mobile)),
            self.map.column(Field::Member(FieldKey::Email)),
        );
        // Within the file the first row with a value keeps it; later rows are flagged.
        let rows = &self.rows;
        let earlier = [
            self.first_userid
                .first(rows, k, |v| v.userid.as_deref(), true),
            self.first_mobile
                .first(rows, k, |v| v.fields.mobile.as_deref(), false),
            self.first_email
                .first(rows, k, |v| v.fields.email.as_deref(), true),
        ]
        .map(|first| first.map(|f| rows[f].line));
        let r = &mut self.rows[k];
        let line = r.line;
        let mut invalid = r.action == RowAction::Invalid;
        let mut fail = |column: u16, e: Error| {
            errors.push(Issue::error(line, column, e));
            invalid = true;
        };
        let v = &r.values;
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
        if !has_contact && !r.contact_rejected {
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
        r.action = if invalid {
            RowAction::Invalid
        } else {
            match current {
                Some(m) if changes(v, m) => RowAction::Update(m.id),
                Some(m) => RowAction::Unchanged(m.id),
                None => RowAction::Create,
            }
        };
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
        let unnamed = |r: &PlannedRow| r.action == RowAction::Create && r.values.userid.is_none();
        let mut taken: HashSet<String> = HashSet::default();
        if self.rows.iter().any(unnamed) {
            taken.extend(self.existing.by_userid.keys().cloned());
            taken.extend(
                self.rows
                    .iter()
                    .filter_map(|r| r.values.userid.as_ref().map(|u| u.to_lowercase())),
            );
        }
        for r in self.rows.iter_mut().filter(|r| unnamed(r)) {
            let base = userid::base_from_name(&r.values.fields.name);
            let id = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}{n}")))
                .find(|c| !taken.contains(c))
                .unwrap_or(base);
            taken.insert(id.clone());
            self.warnings.push(Issue::warning(
                r.line,
                userid_col,
                "userid_generated",
                [("userid", id.clone())],
            ));
            r.values.userid = Some(id);
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
        let member_paths = self
            .rows
            .iter()
            .filter(|r| r.action != RowAction::Invalid)
            .flat_map(|r| r.values.departments.iter());
        let mut paths: HashSet<&str> = HashSet::default();
        for path in listed.iter().chain(member_paths) {
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
            warnings: self.warnings,
            errors: self.errors,
            new_departments,
        }
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

    fn row(userid: &str) -> PlannedRow {
        PlannedRow {
            line: 0,
            contact_rejected: false,
            values: Values {
                userid: Some(userid.into()),
                ..Default::default()
            },
            action: RowAction::Create,
            raw: None,
        }
    }

    #[test]
    fn values_seen_before_are_found_without_case() {
        let rows: Vec<PlannedRow> = [
            "ZhangWei",
            "zhangwei",
            "李娜",
            "Ｌｉｎａ",
            "ｌｉｎａ",
            "\u{212A}ai",
            "kai",
            "other",
        ]
        .into_iter()
        .map(row)
        .collect();
        let mut seen = Seen::default();
        let firsts: Vec<Option<usize>> = (0..rows.len())
            .map(|k| seen.first(&rows, k, |v| v.userid.as_deref(), true))
            .collect();
        // The Kelvin sign lowers to an ASCII k: the same account as "kai" once lowered.
        assert_eq!(
            firsts,
            [None, Some(0), None, None, Some(3), None, Some(5), None]
        );
        let mut exact = Seen::default();
        assert_eq!(exact.first(&rows, 0, |v| v.userid.as_deref(), false), None);
        assert_eq!(exact.first(&rows, 1, |v| v.userid.as_deref(), false), None);
    }
}
