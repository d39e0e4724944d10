//! Customer lists as WeCom's customer export writes them (客户名称, 客户类型, 添加人, 添加人账号,
//! 添加时间, 标签, 备注, 描述, 企业, 手机 …) and order lists (客户 or 客户手机, 下单时间, 金额,
//! 订单号). Headers are data (`assets/customers/headers.json`); rows are checked first, then
//! written in one undoable action: all or nothing unless invalid rows are skipped; a dry run
//! writes nothing.
//!
//! A customer is who the name and mobile say: the same customer under two owners (one row each)
//! is one customer with two owners. Owners must be members, whatever their status. Tags in the
//! 标签 cell become basic or behaviour tags by their group's name. An order finds its customer by
//! mobile, else by a name only one customer has, else by an id (the platform's or OrgDesk's); an
//! order whose number is already there replaces it.

use super::header::normalize;
use super::table::{self, Found, MemberIndex};
use super::SheetProblem;
use crate::customers;
use crate::error::{Error, ErrorCode, Result};
use crate::history::{inserting_in_bulk, Bulk, Change, Decision, Recorder, Tx};
use crate::i18n::Lang;
use crate::progress::Progress;
use rusqlite::{params, Connection};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc::SyncSender;
use std::sync::OnceLock;

const CUSTOMER_COLUMNS: [&str; 12] = [
    "name",
    "id",
    "kind",
    "source",
    "owner_name",
    "owner_account",
    "added_at",
    "tags",
    "remark",
    "description",
    "company",
    "mobile",
];
const ORDER_COLUMNS: [&str; 6] = [
    "customer",
    "mobile",
    "customer_id",
    "ordered_at",
    "amount",
    "number",
];

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Customers,
    Orders,
}

impl Kind {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Customers => &CUSTOMER_COLUMNS,
            Kind::Orders => &ORDER_COLUMNS,
        }
    }
}

fn column_of(kind: Kind, header: &str) -> Option<&'static str> {
    #[derive(Deserialize)]
    struct File {
        customers: BTreeMap<String, Vec<String>>,
        orders: BTreeMap<String, Vec<String>>,
    }
    static MAPS: OnceLock<HashMap<Kind, HashMap<String, &'static str>>> = OnceLock::new();
    MAPS.get_or_init(|| {
        let f: File = serde_json::from_str(customers::HEADERS).expect("customers/headers.json");
        let mut maps = HashMap::new();
        for (kind, fields) in [(Kind::Customers, f.customers), (Kind::Orders, f.orders)] {
            let mut map = HashMap::new();
            for (code, names) in fields {
                let column = kind
                    .columns()
                    .iter()
                    .copied()
                    .find(|c| *c == code)
                    .unwrap_or_else(|| panic!("unknown column {code} in customers/headers.json"));
                for n in names {
                    map.insert(normalize(&n), column);
                }
            }
            maps.insert(kind, map);
        }
        maps
    })
    .get(&kind)
    .and_then(|m| m.get(&normalize(header)))
    .copied()
}

/// The header among the first rows for a table of `kind`.
fn find(kind: Kind, rows: &[Vec<String>]) -> Option<(usize, table::Header<Kind>, Vec<String>)> {
    rows.iter()
        .take(super::HEADER_SCAN_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            let mut cols: Vec<(usize, &'static str)> = Vec::new();
            for (c, text) in row.iter().enumerate() {
                if let Some(f) = column_of(kind, text) {
                    if !cols.iter().any(|(_, g)| *g == f) {
                        cols.push((c, f));
                    }
                }
            }
            let has = |f: &str| cols.iter().any(|(_, c)| *c == f);
            let enough = match kind {
                Kind::Customers => has("name") && (has("owner_name") || has("owner_account")),
                Kind::Orders => {
                    has("ordered_at")
                        && has("amount")
                        && (has("customer") || has("mobile") || has("customer_id"))
                }
            };
            if !enough {
                return None;
            }
            let columns = kind.columns();
            let at: Vec<usize> = columns
                .iter()
                .map(|f| {
                    cols.iter()
                        .find(|(_, c)| c == f)
                        .map_or(usize::MAX, |(c, _)| *c)
                })
                .collect();
            let names = at
                .iter()
                .map(|c| row.get(*c).cloned().unwrap_or_default())
                .collect();
            let dated = columns
                .iter()
                .map(|f| matches!(*f, "added_at" | "ordered_at"))
                .collect();
            Some((i, table::Header { kind, at, dated }, names))
        })
}

fn row_error(key: &'static str) -> Error {
    Error::new(ErrorCode::InvalidValue, key)
}

/// The place of `field` among `columns`, found when the code is built (a misspelt field does
/// not build).
const fn at(columns: &[&str], field: &str) -> usize {
    let mut i = 0;
    while i < columns.len() {
        let (a, b) = (columns[i].as_bytes(), field.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such column")
}

/// A row's value of a column (by its place), trimmed; none when empty or `-`.
fn value<'r>(values: &[Option<&'r str>], i: usize) -> Option<&'r str> {
    values[i]
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "-")
}

/// A row's value of `field`, one of `columns`.
macro_rules! field {
    ($values:expr, $columns:expr, $field:literal) => {
        value($values, const { at(&$columns, $field) })
    };
}

/// What a customer or order file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum CustomerFile {
    Customers,
    Orders,
}

/// What an import of customers or orders read and did.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct CustomersImport {
    #[specta(type = f64)]
    pub rows: u64,
    /// Rows taken (valid).
    #[specta(type = f64)]
    pub written: u64,
    /// Customers (or orders) new to the workspace.
    pub added: u32,
    /// Customers updated (or orders replaced, by their number).
    pub updated: u32,
    /// Owners added to customers (customers only).
    pub owners_added: u32,
    /// Tags created (customers only).
    pub tags_added: u32,
    pub problems: Vec<SheetProblem>,
    #[specta(type = f64)]
    pub problem_count: u64,
    pub committed: bool,
    /// The rows with the listed problems and the file's headers, empty for the table's columns
    /// the file does not have (for the error workbook).
    #[serde(skip)]
    pub bad_rows: Vec<Vec<String>>,
    #[serde(skip)]
    pub columns: Vec<String>,
}

impl CustomersImport {
    /// Writes the rows with problems and why to `path`, in the columns the file had.
    pub fn write_errors(&self, path: &std::path::Path, lang: Lang) -> Result<u32> {
        let had: Vec<usize> = (0..self.columns.len())
            .filter(|&i| !self.columns[i].is_empty())
            .collect();
        let pick = |values: &Vec<String>| -> Vec<String> {
            had.iter()
                .map(|&i| values.get(i).cloned().unwrap_or_default())
                .collect()
        };
        let columns = pick(&self.columns);
        let rows: Vec<Vec<String>> = self.bad_rows.iter().map(pick).collect();
        table::write_problem_rows(path, &columns, &self.problems, &rows, lang)
    }
}

/// A customer row, checked.
#[derive(Clone)]
pub(crate) struct CustomerRow {
    name: String,
    mobile: Option<String>,
    external_id: Option<String>,
    kind: Option<String>,
    company: Option<String>,
    description: Option<String>,
    owner: i64,
    added_at: Option<String>,
    source: Option<String>,
    remark: Option<String>,
    tags: Vec<(String, String)>,
}

/// Rows taken are handed on to be written in batches of this many, while the file is read.
const BATCH: usize = 4096;

struct CustomerSink<'m> {
    members: &'m MemberIndex,
    default_group: &'m str,
    rows: Vec<CustomerRow>,
    /// Where full batches go: only the first sink made has it (the file's first rows; the
    /// sinks of later parts are merged into it in file order).
    out: Option<SyncSender<Vec<CustomerRow>>>,
}

impl CustomerSink<'_> {
    /// Hands the rows taken on (a writer that stopped takes nothing: the read goes on to the
    /// end of the file and keeps nothing).
    fn flush(&mut self) {
        if let Some(out) = &self.out {
            let _ = out.send(std::mem::take(&mut self.rows));
        }
    }
}

fn owner_of(members: &MemberIndex, account: Option<&str>, name: Option<&str>) -> Result<i64> {
    match members.find(account, name) {
        Found::One(id) => Ok(id),
        Found::Ambiguous(n) => Err(row_error("customer_owner_ambiguous").with("name", n)),
        Found::Unknown(who) => Err(row_error("customer_owner_unknown").with("owner", who)),
        Found::Missing => Err(row_error("customer_owner_missing")),
    }
}

fn mobile_of(text: Option<&str>) -> Result<Option<String>> {
    match text {
        None => Ok(None),
        Some(t) => crate::validate::normalize_mobile(t)
            .map(Some)
            .ok_or_else(|| row_error("customer_mobile_invalid").with("value", t)),
    }
}

fn time_of(text: Option<&str>, key: &'static str) -> Result<Option<String>> {
    text.map(|t| {
        super::approval_records::datetime_text(t).ok_or_else(|| row_error(key).with("value", t))
    })
    .transpose()
}

impl table::Sink for CustomerSink<'_> {
    fn take(&mut self, values: &[Option<&str>]) -> Result<()> {
        let name = field!(values, CUSTOMER_COLUMNS, "name")
            .ok_or_else(|| row_error("customer_name_missing"))?;
        if name.chars().count() > 64 || crate::validate::forbidden_control(name, false).is_some() {
            return Err(row_error("customer_name_invalid").with("value", name));
        }
        let owner = owner_of(
            self.members,
            field!(values, CUSTOMER_COLUMNS, "owner_account"),
            field!(values, CUSTOMER_COLUMNS, "owner_name"),
        )?;
        self.rows.push(CustomerRow {
            name: name.to_string(),
            mobile: mobile_of(field!(values, CUSTOMER_COLUMNS, "mobile"))?,
            external_id: field!(values, CUSTOMER_COLUMNS, "id").map(str::to_string),
            kind: field!(values, CUSTOMER_COLUMNS, "kind").map(str::to_string),
            company: field!(values, CUSTOMER_COLUMNS, "company").map(str::to_string),
            description: field!(values, CUSTOMER_COLUMNS, "description").map(str::to_string),
            owner,
            added_at: time_of(
                field!(values, CUSTOMER_COLUMNS, "added_at"),
                "customer_time_invalid",
            )?,
            source: field!(values, CUSTOMER_COLUMNS, "source").map(str::to_string),
            remark: field!(values, CUSTOMER_COLUMNS, "remark").map(str::to_string),
            tags: field!(values, CUSTOMER_COLUMNS, "tags")
                .map(|t| customers::split_tags(t, self.default_group))
                .unwrap_or_default(),
        });
        if self.rows.len() >= BATCH {
            self.flush();
        }
        Ok(())
    }

    fn merge(&mut self, later: Self) {
        self.rows.extend(later.rows);
        self.flush();
    }
}

/// Imports a customer list: the file is read and checked on another thread while the rows
/// taken are written here, batch by batch; what the check finds then decides whether the write
/// is kept (all or nothing unless invalid rows are skipped; a dry run writes nothing).
#[allow(clippy::too_many_arguments)]
pub(crate) fn import_customers(
    tx: &Tx,
    recorder: &mut Recorder,
    bytes: Vec<u8>,
    name: &str,
    skip_invalid: bool,
    dry_run: bool,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Decision<CustomersImport, CustomersImport>> {
    let members = MemberIndex::load(tx)?;
    let default_group = customers::tag_rules().default_group.get(lang).to_string();
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<CustomerRow>>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let first = std::sync::Mutex::new(Some(send));
            let sink = || CustomerSink {
                members: &members,
                default_group: &default_group,
                rows: Vec::new(),
                out: first.lock().ok().and_then(|mut f| f.take()),
            };
            let (checked, mut sink) = read(bytes, name, Kind::Customers, sink, lang, progress)?;
            sink.flush();
            Ok::<_, Error>(checked)
        });
        let mut writer = if dry_run {
            None
        } else {
            Some(CustomerWriter::new(tx)?)
        };
        for batch in receive {
            if let Some(w) = writer.as_mut() {
                w.write(batch, recorder)?;
            }
        }
        let checked = reader
            .join()
            .map_err(|_| Error::internal("the customer list's reader stopped"))??;
        match writer {
            Some(w) if !checked.refused(skip_invalid, dry_run) => {
                w.finish(recorder, checked.report)
            }
            _ => Ok(Decision::RollBack(checked.report)),
        }
    })
}

/// Reads a table of `kind` into sinks `make` makes: the report so far and what was taken.
fn read<S: table::Sink>(
    bytes: Vec<u8>,
    name: &str,
    kind: Kind,
    make: impl Fn() -> S + Sync,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<(Checked<()>, S)> {
    let names = std::cell::RefCell::new(Vec::new());
    let found = table::read(
        bytes,
        name,
        |rows| {
            find(kind, rows).map(|(i, h, n)| {
                *names.borrow_mut() = n;
                (i, h)
            })
        },
        |_| make(),
        lang,
        progress,
    )?;
    let (_, t) = found.ok_or_else(|| {
        let key = match kind {
            Kind::Customers => "customers_no_header",
            Kind::Orders => "orders_no_header",
        };
        Error::new(ErrorCode::UnreadableFile, key).with("file", name)
    })?;
    let checked = Checked::new(
        t.rows,
        t.problems,
        t.problem_count,
        t.bad_rows,
        names.into_inner(),
        (),
    );
    Ok((checked, t.sink))
}

/// A file read and checked, ready to write.
pub(crate) struct Checked<T> {
    report: CustomersImport,
    rows: T,
}

impl<T> Checked<T> {
    fn new(
        rows: u64,
        problems: Vec<SheetProblem>,
        problem_count: u64,
        bad_rows: Vec<Vec<String>>,
        columns: Vec<String>,
        taken: T,
    ) -> Self {
        Checked {
            report: CustomersImport {
                rows,
                written: rows - problem_count,
                problems,
                problem_count,
                bad_rows,
                columns,
                ..Default::default()
            },
            rows: taken,
        }
    }

    /// The same report with the rows taken.
    fn with<U>(self, rows: U) -> Checked<U> {
        Checked {
            report: self.report,
            rows,
        }
    }

    /// Whether to stop before writing (the report says why).
    fn refused(&self, skip_invalid: bool, dry_run: bool) -> bool {
        dry_run || self.report.written == 0 || (self.report.problem_count > 0 && !skip_invalid)
    }
}

/// A customer's name and mobile as one number (see `CustomerWriter::added`).
fn hash_of(key: &(String, String)) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// The tables a customer import inserts into.
const CUSTOMER_TABLES: [&str; 3] = ["customers", "customer_owners", "customer_tags"];

/// Writes customers batch by batch. Tags and groups are made as they first appear and customers
/// already in the workspace are updated, with the session recording; customers new to it are
/// inserted with the session paused, as one range of new ids with their owners and tags (listed
/// by that range at the end), so a large list is written once, not twice.
struct CustomerWriter<'t> {
    tx: &'t Tx<'t>,
    /// Customers there before, by name and mobile.
    known: FxHashMap<(String, String), i64>,
    /// Customers this import added, by a hash of their name and mobile (the rows themselves
    /// tell whether a hit is the same customer); those whose hash another one had, by both.
    added: FxHashMap<u64, i64>,
    shared_hash: FxHashMap<(String, String), i64>,
    same: rusqlite::Statement<'t>,
    /// Platform ids there before.
    external: FxHashSet<String>,
    /// Tag ids by group and name.
    tags: FxHashMap<String, FxHashMap<String, i64>>,
    tags_before: i64,
    first: i64,
    next: i64,
    paused: bool,
    /// Customers there before that were updated.
    touched: FxHashSet<i64>,
    owners_added: u32,
    bulk: Bulk<'static>,
    insert: rusqlite::Statement<'t>,
    update: rusqlite::Statement<'t>,
    owner_exists: rusqlite::Statement<'t>,
    owner: rusqlite::Statement<'t>,
    owner_again: rusqlite::Statement<'t>,
    link: rusqlite::Statement<'t>,
}

impl<'t> CustomerWriter<'t> {
    fn new(tx: &'t Tx<'t>) -> Result<Self> {
        let mut known = FxHashMap::default();
        {
            let mut stmt = tx.prepare("SELECT id, name, coalesce(mobile, '') FROM customers")?;
            let mut q = stmt.query([])?;
            while let Some(r) = q.next()? {
                known.insert((r.get(1)?, r.get(2)?), r.get(0)?);
            }
        }
        let external = {
            let mut stmt =
                tx.prepare("SELECT external_id FROM customers WHERE external_id IS NOT NULL")?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            ids.collect::<rusqlite::Result<_>>()?
        };
        let first: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM customers", [], |r| {
                r.get(0)
            })?;
        Ok(CustomerWriter {
            tx,
            known,
            added: FxHashMap::default(),
            shared_hash: FxHashMap::default(),
            same: tx.prepare(
                "SELECT name = ?2 AND coalesce(mobile, '') = ?3 FROM customers WHERE id = ?1",
            )?,
            external,
            tags: FxHashMap::default(),
            tags_before: tx.query_row("SELECT count(*) FROM tags", [], |r| r.get(0))?,
            first,
            next: first,
            paused: false,
            touched: FxHashSet::default(),
            owners_added: 0,
            bulk: Bulk::new(&CUSTOMER_TABLES, false),
            insert: tx.prepare(
                "INSERT INTO customers (id, name, mobile, external_id, kind, company, description)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            update: tx.prepare(
                "UPDATE customers SET external_id = coalesce(?2, external_id),
                   kind = coalesce(?3, kind), company = coalesce(?4, company),
                   description = coalesce(?5, description)
                 WHERE id = ?1",
            )?,
            owner_exists: tx.prepare(
                "SELECT 1 FROM customer_owners WHERE customer_id = ?1 AND member_id = ?2",
            )?,
            // Plain statements, not INSERT OR REPLACE: a statement that may delete rows keeps
            // a statement journal, which costs a file write per page.
            owner: tx.prepare(
                "INSERT INTO customer_owners (customer_id, member_id, added_at, source, remark)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            owner_again: tx.prepare(
                "UPDATE customer_owners SET added_at = ?3, source = ?4, remark = ?5
                 WHERE customer_id = ?1 AND member_id = ?2",
            )?,
            link: tx.prepare(
                "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)",
            )?,
        })
    }

    /// Whether the session records what follows (it does not for new customers).
    fn recording(&mut self, recorder: &mut Recorder, on: bool) {
        if self.paused == on {
            self.paused = !on;
            recorder.pause(!on);
        }
    }

    /// The customer this import added with `key`'s name and mobile.
    fn added_before(&mut self, key: &(String, String)) -> Result<Option<i64>> {
        let Some(&id) = self.added.get(&hash_of(key)) else {
            return Ok(None);
        };
        if self
            .same
            .query_row(params![id, key.0, key.1], |r| r.get(0))?
        {
            return Ok(Some(id));
        }
        Ok(self.shared_hash.get(key).copied())
    }

    fn tag(&mut self, group: &str, tag: &str, recorder: &mut Recorder) -> Result<i64> {
        if let Some(id) = self.tags.get(group).and_then(|g| g.get(tag)) {
            return Ok(*id);
        }
        self.recording(recorder, true);
        let g = customers::ensure_group(self.tx, group, customers::layer_of_group(group))?;
        let id = customers::ensure_tag(self.tx, g, tag)?;
        self.tags
            .entry(group.to_string())
            .or_default()
            .insert(tag.to_string(), id);
        Ok(id)
    }

    fn write(&mut self, batch: Vec<CustomerRow>, recorder: &mut Recorder) -> Result<()> {
        self.bulk.coming(self.tx, batch.len() as i64)?;
        for r in batch {
            let tags = r
                .tags
                .iter()
                .map(|(group, tag)| self.tag(group, tag, recorder))
                .collect::<Result<Vec<i64>>>()?;
            let key = (r.name, r.mobile.unwrap_or_default());
            let update = |id: i64, statement: &mut rusqlite::Statement| {
                statement.execute(params![id, r.external_id, r.kind, r.company, r.description])
            };
            let (id, first_row) = if let Some(&id) = self.known.get(&key) {
                self.recording(recorder, true);
                update(id, &mut self.update)?;
                self.touched.insert(id);
                (id, false)
            } else if let Some(id) = self.added_before(&key)? {
                self.recording(recorder, false);
                update(id, &mut self.update)?;
                (id, false)
            } else {
                if let Some(e) = r
                    .external_id
                    .as_ref()
                    .filter(|e| self.external.contains(*e))
                {
                    return Err(
                        Error::new(ErrorCode::InvalidValue, "customer_id_taken").with("id", e)
                    );
                }
                self.recording(recorder, false);
                let id = self.next;
                let mobile = Some(key.1.as_str()).filter(|m| !m.is_empty());
                self.insert.execute(params![
                    id,
                    key.0,
                    mobile,
                    r.external_id,
                    r.kind,
                    r.company,
                    r.description
                ])?;
                match self.added.entry(hash_of(&key)) {
                    Entry::Vacant(v) => {
                        v.insert(id);
                    }
                    Entry::Occupied(_) => {
                        self.shared_hash.insert(key, id);
                    }
                }
                self.next += 1;
                (id, true)
            };
            // A customer's first row brings a new owner; a later one may name one it has.
            let added = first_row || !self.owner_exists.exists(params![id, r.owner])?;
            let values = params![id, r.owner, r.added_at, r.source, r.remark];
            if added {
                self.owners_added += 1;
                self.owner.execute(values)?;
            } else {
                self.owner_again.execute(values)?;
            }
            for tag in tags {
                self.link.execute([id, tag])?;
            }
        }
        Ok(())
    }

    fn finish(
        mut self,
        recorder: &mut Recorder,
        mut report: CustomersImport,
    ) -> Result<Decision<CustomersImport, CustomersImport>> {
        self.recording(recorder, false);
        let tx = self.tx;
        self.bulk.finish(tx)?;
        recorder.pause(false);
        if self.next > self.first {
            for table in CUSTOMER_TABLES {
                let column = if table == "customers" {
                    "id"
                } else {
                    "customer_id"
                };
                recorder.inserted(table, column, self.first, self.next - 1);
            }
        }
        let tags_after: i64 = tx.query_row("SELECT count(*) FROM tags", [], |r| r.get(0))?;
        report.tags_added = (tags_after - self.tags_before) as u32;
        report.added = (self.next - self.first) as u32;
        report.updated = self.touched.len() as u32;
        report.owners_added = self.owners_added;
        report.committed = true;
        let after = serde_json::json!({
            "customers_added": report.added,
            "customers_updated": report.updated,
            "owners_added": report.owners_added,
        });
        Ok(Decision::Commit(Change::after(
            report,
            "customers",
            Some(after),
        )))
    }
}

/// Customers by mobile, by name and by id, for orders to find theirs.
struct CustomerIndex {
    by_mobile: FxHashMap<String, Vec<i64>>,
    by_name: FxHashMap<String, Vec<i64>>,
    by_external: FxHashMap<String, i64>,
    ids: rustc_hash::FxHashSet<i64>,
}

impl CustomerIndex {
    fn load(conn: &Connection) -> Result<CustomerIndex> {
        let mut index = CustomerIndex {
            by_mobile: FxHashMap::default(),
            by_name: FxHashMap::default(),
            by_external: FxHashMap::default(),
            ids: Default::default(),
        };
        let mut stmt = conn.prepare("SELECT id, name, mobile, external_id FROM customers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            index.ids.insert(id);
            index.by_name.entry(r.get(1)?).or_default().push(id);
            if let Some(m) = r.get::<_, Option<String>>(2)? {
                index.by_mobile.entry(m).or_default().push(id);
            }
            if let Some(e) = r.get::<_, Option<String>>(3)? {
                index.by_external.insert(e, id);
            }
        }
        Ok(index)
    }

    /// The customer an order names: by mobile (and the name when several share it), else by a
    /// name only one customer has, else by id.
    fn find(&self, mobile: Option<&str>, name: Option<&str>, id: Option<&str>) -> Result<i64> {
        if let Some(m) = mobile.and_then(crate::validate::normalize_mobile) {
            if let Some(ids) = self.by_mobile.get(&m) {
                match ids.as_slice() {
                    [one] => return Ok(*one),
                    several => {
                        let named: Vec<i64> = name
                            .and_then(|n| self.by_name.get(n))
                            .map(|n| n.iter().filter(|i| several.contains(i)).copied().collect())
                            .unwrap_or_default();
                        if let [one] = named.as_slice() {
                            return Ok(*one);
                        }
                    }
                }
            }
        }
        if let Some(n) = name {
            match self.by_name.get(n).map(Vec::as_slice) {
                Some([one]) => return Ok(*one),
                Some([_, _, ..]) if id.is_none() => {
                    return Err(row_error("order_customer_ambiguous").with("customer", n))
                }
                _ => {}
            }
        }
        if let Some(i) = id {
            if let Some(c) = self.by_external.get(i) {
                return Ok(*c);
            }
            if let Ok(n) = i.parse::<i64>() {
                if self.ids.contains(&n) {
                    return Ok(n);
                }
            }
        }
        let who = name.or(mobile).or(id).unwrap_or("");
        Err(row_error("unmatched_customer").with("customer", who))
    }
}

/// An order, checked.
#[derive(Clone)]
pub(crate) struct OrderRow {
    customer: i64,
    number: Option<String>,
    ordered_at: String,
    amount: f64,
}

struct OrderSink<'c> {
    customers: &'c CustomerIndex,
    rows: Vec<OrderRow>,
}

/// An amount as shops write it: `1,234.50`, `¥88`, `88元`, `￥ 1 200`.
fn amount_of(text: &str) -> Option<f64> {
    let t: String = crate::validate::half_width(text)
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '¥' | '￥' | '元' | '$'))
        .collect();
    let t = t
        .strip_prefix("RMB")
        .or_else(|| t.strip_prefix("CNY"))
        .unwrap_or(&t);
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

impl table::Sink for OrderSink<'_> {
    fn take(&mut self, values: &[Option<&str>]) -> Result<()> {
        let customer = self.customers.find(
            field!(values, ORDER_COLUMNS, "mobile"),
            field!(values, ORDER_COLUMNS, "customer"),
            field!(values, ORDER_COLUMNS, "customer_id"),
        )?;
        let ordered_at = time_of(
            field!(values, ORDER_COLUMNS, "ordered_at"),
            "order_time_invalid",
        )?
        .ok_or_else(|| row_error("order_time_missing"))?;
        let amount = field!(values, ORDER_COLUMNS, "amount")
            .ok_or_else(|| row_error("order_amount_missing"))?;
        let amount = amount_of(amount)
            .ok_or_else(|| row_error("order_amount_invalid").with("value", amount))?;
        self.rows.push(OrderRow {
            customer,
            number: field!(values, ORDER_COLUMNS, "number").map(str::to_string),
            ordered_at,
            amount,
        });
        Ok(())
    }

    fn merge(&mut self, later: Self) {
        self.rows.extend(later.rows);
    }

    fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows);
    }
}

/// Reads and checks an order list before anything is written.
pub(crate) fn check_orders(
    conn: &Connection,
    bytes: Vec<u8>,
    name: &str,
    lang: Lang,
    progress: &dyn Progress,
) -> Result<Checked<Vec<OrderRow>>> {
    let customers = CustomerIndex::load(conn)?;
    let sink = || OrderSink {
        customers: &customers,
        rows: Vec::new(),
    };
    // An order number twice in the file: the later row replaces the earlier, as a re-import does.
    let (checked, sink) = read(bytes, name, Kind::Orders, sink, lang, progress)?;
    Ok(checked.with(sink.rows))
}

impl Checked<Vec<OrderRow>> {
    /// Writes the orders: those whose number (or, without one, customer, time and amount) is
    /// already there are deleted first, with the session recording; then every order is
    /// inserted while the session is paused and listed as one range of new rows (a million
    /// orders are written once, not twice). A number twice in the file keeps its last row.
    pub(crate) fn write(
        self,
        tx: &Tx,
        recorder: &mut Recorder,
        skip_invalid: bool,
        dry_run: bool,
    ) -> Result<Decision<CustomersImport, CustomersImport>> {
        if self.refused(skip_invalid, dry_run) {
            return Ok(Decision::RollBack(self.report));
        }
        let Checked { mut report, rows } = self;
        // The last row of each number.
        let mut last: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
        for (i, o) in rows.iter().enumerate() {
            if let Some(n) = &o.number {
                last.insert(n, i);
            }
        }
        let kept: Vec<&OrderRow> = rows
            .iter()
            .enumerate()
            .filter(|(i, o)| o.number.as_deref().is_none_or(|n| last.get(n) == Some(i)))
            .map(|(_, o)| o)
            .collect();
        let twice = (rows.len() - kept.len()) as u32;
        let existing: i64 = tx.query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?;
        // New ids start after every id there now, deleted ones included: the new rows are one
        // range that undo removes, and a replaced row's id is never reused.
        let first: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM orders", [], |r| {
            r.get(0)
        })?;
        let mut replaced = 0u32;
        if existing > 0 {
            // The orders there already, by number and by (customer, time, amount).
            let mut by_number: FxHashMap<String, i64> = FxHashMap::default();
            let mut by_content: HashMap<(i64, String, u64), Vec<i64>> = HashMap::new();
            {
                let mut stmt =
                    tx.prepare("SELECT id, number, customer_id, ordered_at, amount FROM orders")?;
                let mut q = stmt.query([])?;
                while let Some(r) = q.next()? {
                    let id: i64 = r.get(0)?;
                    match r.get::<_, Option<String>>(1)? {
                        Some(n) => {
                            by_number.insert(n, id);
                        }
                        None => by_content
                            .entry((r.get(2)?, r.get(3)?, r.get::<_, f64>(4)?.to_bits()))
                            .or_default()
                            .push(id),
                    }
                }
            }
            let mut delete = tx.prepare("DELETE FROM orders WHERE id = ?1")?;
            for o in &kept {
                let gone: Vec<i64> = match &o.number {
                    Some(n) => by_number.remove(n).into_iter().collect(),
                    None => by_content
                        .remove(&(o.customer, o.ordered_at.clone(), o.amount.to_bits()))
                        .unwrap_or_default(),
                };
                for id in &gone {
                    delete.execute([id])?;
                }
                if !gone.is_empty() {
                    replaced += 1;
                }
            }
        }
        recorder.pause(true);
        let mut id = first;
        inserting_in_bulk(tx, &["orders"], kept.len() as i64, || {
            let mut insert = tx.prepare(
                "INSERT INTO orders (id, customer_id, number, ordered_at, amount) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for o in &kept {
                insert.execute(params![id, o.customer, o.number, o.ordered_at, o.amount])?;
                id += 1;
            }
            Ok(())
        })?;
        recorder.pause(false);
        if id > first {
            recorder.inserted("orders", "id", first, id - 1);
        }
        report.added = kept.len() as u32 - replaced;
        report.updated = replaced + twice;
        report.committed = true;
        let after =
            serde_json::json!({ "orders_added": report.added, "orders_replaced": report.updated });
        Ok(Decision::Commit(Change::after(
            report,
            "orders",
            Some(after),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_shops_write_them() {
        for (t, v) in [
            ("1,234.50", 1234.5),
            ("¥88", 88.0),
            ("88元", 88.0),
            ("￥ 1 200", 1200.0),
            ("０.５", 0.5),
            ("RMB12", 12.0),
        ] {
            assert_eq!(amount_of(t), Some(v), "{t}");
        }
        assert_eq!(amount_of("-5"), None);
        assert_eq!(amount_of("abc"), None);
    }

    #[test]
    fn headers_of_the_wecom_export_and_an_order_list() {
        let row = |c: &[&str]| vec![c.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        let wecom = row(&[
            "客户名称",
            "客户类型",
            "添加人",
            "添加人账号",
            "添加时间",
            "添加渠道",
            "标签",
            "备注",
            "描述",
            "企业名称",
            "手机号",
        ]);
        let (_, h, _) = find(Kind::Customers, &wecom).unwrap();
        assert!(h.at.iter().filter(|c| **c != usize::MAX).count() == 11);
        assert!(find(Kind::Customers, &row(&["客户名称", "手机号"])).is_none());
        let orders = row(&["订单号", "客户手机", "下单时间", "实付金额"]);
        assert!(find(Kind::Orders, &orders).is_some());
        assert!(find(Kind::Orders, &row(&["订单号", "金额"])).is_none());
    }
}
