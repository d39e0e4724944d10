//! Hardware plan (guide §7): attendance machines, meeting-room displays and industrial tablets
//! by site and batch, an offline/failure log per device, and the quarterly rate of devices that
//! went offline or failed, per batch; batches over 10% are flagged for replacement.

use super::calendar::{format_date, parse_date_of};
use crate::error::{Error, ErrorCode, Result};
use crate::history::{Change, Decision, Tx};
use crate::i18n::{t, Lang};
use crate::imports::header::{cell_text, normalize};
use crate::imports::read::Workbook;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The guide's replacement threshold: a batch whose quarterly failure rate is over 10%.
/// (`device_offline` in assets/health/indicators.json, as a fraction).
pub fn flag_rate() -> f64 {
    crate::health::threshold("device_offline").unwrap_or(10.0) / 100.0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Attendance,
    Display,
    Tablet,
}

impl DeviceKind {
    fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Attendance => "attendance",
            DeviceKind::Display => "display",
            DeviceKind::Tablet => "tablet",
        }
    }

    /// From a cell or an argument: the code, or what people write in a sheet.
    pub fn parse(s: &str) -> Option<DeviceKind> {
        let v = normalize(s);
        Some(match v.as_str() {
            "attendance" | "考勤机" | "考勤" | "打卡机" | "人脸考勤机" => {
                DeviceKind::Attendance
            }
            "display" | "会议屏" | "会议室显示屏" | "显示屏" | "会议终端" | "会议大屏" => {
                DeviceKind::Display
            }
            "tablet" | "工业平板" | "平板" | "mes平板" => DeviceKind::Tablet,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct DeviceInput {
    pub serial: String,
    pub kind: Option<DeviceKind>,
    pub model: Option<String>,
    pub site: String,
    pub batch: String,
    /// `bluetooth`, `wifi`, `dual` (Bluetooth + Wi-Fi), `wired`.
    pub connectivity: Option<String>,
    pub face_recognition: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Device {
    pub serial: String,
    pub kind: DeviceKind,
    pub model: Option<String>,
    pub site: String,
    pub batch: String,
    pub connectivity: Option<String>,
    pub face_recognition: bool,
    /// Offline or failure events logged.
    pub events: u32,
}

impl std::str::FromStr for DeviceKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DeviceKind::parse(s).ok_or_else(|| {
            Error::invalid_value(
                "kind",
                s,
                "attendance / 考勤机, display / 会议屏, tablet / 工业平板",
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Offline,
    Failure,
}

impl EventKind {
    pub fn parse(s: &str) -> Option<EventKind> {
        match normalize(s).as_str() {
            "offline" | "离线" | "掉线" | "断线" => Some(EventKind::Offline),
            "failure" | "故障" | "损坏" | "失效" => Some(EventKind::Failure),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            EventKind::Offline => "offline",
            EventKind::Failure => "failure",
        }
    }
}

impl std::str::FromStr for EventKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        EventKind::parse(s)
            .ok_or_else(|| Error::invalid_value("kind", s, "offline / 离线, failure / 故障"))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct EventInput {
    pub serial: String,
    /// `YYYY-MM-DD` (other common spellings accepted).
    pub day: String,
    pub kind: Option<EventKind>,
    pub hours: Option<f64>,
    pub note: Option<String>,
}

fn required(field: &'static str) -> Error {
    Error::new(ErrorCode::MissingRequired, "hardware_field_required").with("field", field)
}

fn normalize_connectivity(s: &str) -> Result<String> {
    let v = normalize(s).replace(['-', '/', '+', '、'], "");
    Ok(match v.as_str() {
        "bluetooth" | "蓝牙" => "bluetooth",
        "wifi" | "无线" => "wifi",
        "dual" | "双模" | "蓝牙wifi" | "wifi蓝牙" | "bluetoothwifi" | "wifibluetooth" => {
            "dual"
        }
        "wired" | "有线" | "网线" | "以太网" => "wired",
        _ => {
            return Err(Error::invalid_value(
                "connectivity",
                s,
                "bluetooth, wifi, dual, wired",
            ))
        }
    }
    .to_string())
}

pub(crate) fn add_device(tx: &Tx, d: &DeviceInput) -> Result<Device> {
    let serial = crate::validate::clean(&d.serial).ok_or_else(|| required("serial"))?;
    let site = crate::validate::clean(&d.site).ok_or_else(|| required("site"))?;
    let batch = crate::validate::clean(&d.batch).ok_or_else(|| required("batch"))?;
    let kind = d.kind.ok_or_else(|| required("kind"))?;
    let connectivity = d
        .connectivity
        .as_deref()
        .and_then(crate::validate::clean)
        .map(|c| normalize_connectivity(&c))
        .transpose()?;
    let exists: Option<i64> = tx
        .query_row("SELECT id FROM devices WHERE serial = ?1", [&serial], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(Error::new(ErrorCode::InvalidValue, "device_exists").with("serial", &serial));
    }
    let model = crate::validate::clean_opt(d.model.as_deref());
    tx.execute(
        "INSERT INTO devices (serial, kind, model, site, batch, connectivity, face_recognition)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            serial,
            kind.as_str(),
            model,
            site,
            batch,
            connectivity,
            d.face_recognition
        ],
    )?;
    Ok(Device {
        serial,
        kind,
        model,
        site,
        batch,
        connectivity,
        face_recognition: d.face_recognition,
        events: 0,
    })
}

pub(crate) fn add_event(tx: &Tx, e: &EventInput) -> Result<()> {
    let serial = crate::validate::clean(&e.serial).ok_or_else(|| required("serial"))?;
    let day = format_date(parse_date_of(&e.day, "day")?);
    let kind = e.kind.ok_or_else(|| required("kind"))?;
    let id: i64 = tx
        .query_row("SELECT id FROM devices WHERE serial = ?1", [&serial], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| {
            Error::new(ErrorCode::InvalidValue, "device_not_found").with("serial", &serial)
        })?;
    tx.execute(
        "INSERT INTO device_events (device_id, day, kind, hours, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            day,
            kind.as_str(),
            e.hours,
            crate::validate::clean_opt(e.note.as_deref())
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_device(tx: &Tx, serial: &str) -> Result<Change<String>> {
    let n = tx.execute("DELETE FROM devices WHERE serial = ?1", [serial.trim()])?;
    if n == 0 {
        return Err(Error::new(ErrorCode::InvalidValue, "device_not_found").with("serial", serial));
    }
    Ok(Change {
        value: serial.to_string(),
        target: serial.to_string(),
        before: None,
        after: None,
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Device>> {
    let mut stmt = conn.prepare(
        "SELECT d.serial, d.kind, d.model, d.site, d.batch, d.connectivity, d.face_recognition,
                (SELECT count(*) FROM device_events e WHERE e.device_id = d.id)
         FROM devices d ORDER BY d.site, d.batch, d.serial",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Device {
            serial: r.get(0)?,
            kind: DeviceKind::parse(&r.get::<_, String>(1)?).unwrap_or(DeviceKind::Attendance),
            model: r.get(2)?,
            site: r.get(3)?,
            batch: r.get(4)?,
            connectivity: r.get(5)?,
            face_recognition: r.get(6)?,
            events: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One batch in one quarter.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BatchQuarter {
    pub batch: String,
    /// `2026-Q3`.
    pub quarter: String,
    pub devices: u32,
    /// Devices of the batch that went offline or failed at least once in the quarter.
    pub affected: u32,
    /// affected / devices, 0–1.
    pub rate: f64,
    /// Over the guide's 10%: replace the batch.
    pub flagged: bool,
    pub message: String,
}

fn quarter_of(day: &str) -> String {
    let year = &day[..4];
    let month: u32 = day[5..7].parse().unwrap_or(1);
    format!("{year}-Q{}", (month - 1) / 3 + 1)
}

/// The quarter before `2026-Q1` style `quarter` (`2025-Q4`).
pub(crate) fn previous_quarter(quarter: &str) -> String {
    let year: i32 = quarter[..4].parse().unwrap_or(0);
    match quarter[6..].parse::<u32>().unwrap_or(1) {
        1 => format!("{}-Q4", year - 1),
        n => format!("{year}-Q{}", n - 1),
    }
}

/// The offline/failure rate of every batch in every quarter with events.
pub(crate) fn flags(conn: &Connection, lang: Lang) -> Result<Vec<BatchQuarter>> {
    let mut sizes: BTreeMap<String, u32> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT batch, count(*) FROM devices GROUP BY batch")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))? {
        let (b, n) = row?;
        sizes.insert(b, n);
    }
    let mut affected: BTreeMap<(String, String), std::collections::BTreeSet<i64>> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT d.batch, e.day, d.id FROM device_events e JOIN devices d ON d.id = e.device_id",
    )?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (batch, day, id) = row?;
        affected
            .entry((batch, quarter_of(&day)))
            .or_default()
            .insert(id);
    }
    let mut out: Vec<BatchQuarter> = affected
        .into_iter()
        .map(|((batch, quarter), ids)| {
            let devices = sizes.get(&batch).copied().unwrap_or(0).max(1);
            let hit = ids.len() as u32;
            let rate = hit as f64 / devices as f64;
            let flagged = rate > flag_rate() + 1e-12;
            let params = [
                ("batch", batch.clone()),
                ("quarter", quarter.clone()),
                ("affected", hit.to_string()),
                ("devices", devices.to_string()),
                ("rate", format!("{:.1}", rate * 100.0)),
            ];
            BatchQuarter {
                message: t(
                    lang,
                    if flagged {
                        "hardware.flagged"
                    } else {
                        "hardware.ok"
                    },
                    &params,
                ),
                batch,
                quarter,
                devices,
                affected: hit,
                rate,
                flagged,
            }
        })
        .collect();
    out.sort_by(|a, b| b.quarter.cmp(&a.quarter).then(a.batch.cmp(&b.batch)));
    Ok(out)
}

/// A problem with one row of an imported inventory or log.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RowProblem {
    pub sheet: String,
    pub row: u32,
    pub message: String,
}

/// What an import read (and wrote, when there was no problem).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HardwareImport {
    pub devices: u32,
    pub events: u32,
    pub problems: Vec<RowProblem>,
    pub committed: bool,
}

/// Which column holds what, from header aliases.
/// The columns a hardware sheet can have, as `assets/imports/device-headers.json` names them.
const COLUMNS: [&str; 11] = [
    "serial",
    "kind",
    "model",
    "site",
    "batch",
    "connectivity",
    "face",
    "day",
    "event",
    "hours",
    "note",
];

fn column_of(header: &str) -> Option<&'static str> {
    static ALIASES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    ALIASES
        .get_or_init(|| {
            crate::imports::header::column_aliases(
                include_str!("../../../../assets/imports/device-headers.json"),
                &COLUMNS,
                "device-headers.json",
            )
        })
        .get(&normalize(header))
        .copied()
}

/// `3.5`, `3.5h`, `3.5 小时` → 3.5.
fn leading_number(s: &str) -> Option<f64> {
    let s = crate::validate::half_width(s);
    let end = s
        .trim()
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.trim().len());
    s.trim()[..end].parse().ok()
}

/// The rows of a sheet whose header maps to device or event columns: (sheet row, values).
type Rows = Vec<(u32, BTreeMap<&'static str, String>)>;

/// Reads an inventory and/or an offline log from a spreadsheet: a sheet with a `日期` column is
/// a log, one without is an inventory. Everything or nothing is written.
pub(crate) fn read(bytes: Vec<u8>, name: &str, lang: Lang) -> Result<Parsed> {
    let mut book = Workbook::open(bytes, name)?;
    let (mut devices, mut events, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    let mut found = false;
    for index in 0..book.sheet_names.len() {
        let sheet = book.sheet(index, name)?;
        let Some((header, cols)) =
            crate::imports::header::find_small_header(&sheet, column_of, |cols| {
                cols.iter().any(|(_, f)| *f == "serial")
            })
        else {
            continue;
        };
        found = true;
        let rows: Rows = sheet
            .rows()
            .enumerate()
            .skip(header + 1)
            .map(|(i, row)| {
                let values = cols
                    .iter()
                    .filter_map(|(c, f)| {
                        let v = row
                            .get(*c)
                            .map(|cell| match *f {
                                // A date or date-time cell, or its serial number.
                                "day" => crate::imports::date_of_cell(cell)
                                    .unwrap_or_else(|| cell_text(cell)),
                                _ => cell_text(cell),
                            })
                            .unwrap_or_default();
                        let v = v.trim().to_string();
                        (!v.is_empty()).then_some((*f, v))
                    })
                    .collect();
                (sheet.display_row(i), values)
            })
            .filter(|(_, v): &(u32, BTreeMap<&str, String>)| !v.is_empty())
            .collect();
        let is_log = cols.iter().any(|(_, f)| *f == "day");
        let problem = |row: u32, e: Error| RowProblem {
            sheet: sheet.name.clone(),
            row,
            message: e.message(lang),
        };
        for (row, v) in rows {
            let get = |f: &str| v.get(f).cloned();
            if is_log {
                // In a log, a 类型 column holds the event (离线 / 故障).
                let kind = get("event").or_else(|| get("kind")).map(|k| {
                    EventKind::parse(&k).ok_or_else(|| {
                        Error::invalid_value("event", &k, "离线 / offline, 故障 / failure")
                    })
                });
                let kind = match kind.transpose() {
                    Ok(k) => k.or(Some(EventKind::Offline)),
                    Err(e) => {
                        problems.push(problem(row, e));
                        continue;
                    }
                };
                let e = EventInput {
                    serial: get("serial").unwrap_or_default(),
                    day: get("day").unwrap_or_default(),
                    kind,
                    hours: get("hours").and_then(|h| leading_number(&h)),
                    note: get("note"),
                };
                if let Err(err) = parse_date_of(&e.day, "day") {
                    problems.push(problem(row, err));
                    continue;
                }
                events.push((row, sheet.name.clone(), e));
            } else {
                let kind = match get("kind") {
                    Some(k) => match DeviceKind::parse(&k) {
                        Some(k) => Some(k),
                        None => {
                            problems.push(problem(
                                row,
                                Error::invalid_value(
                                    "kind",
                                    &k,
                                    "考勤机 / attendance, 会议屏 / display, 工业平板 / tablet",
                                ),
                            ));
                            continue;
                        }
                    },
                    None => None,
                };
                devices.push((
                    row,
                    sheet.name.clone(),
                    DeviceInput {
                        serial: get("serial").unwrap_or_default(),
                        kind,
                        model: get("model"),
                        site: get("site").unwrap_or_default(),
                        batch: get("batch").unwrap_or_default(),
                        connectivity: get("connectivity"),
                        face_recognition: get("face")
                            .is_some_and(|f| crate::validate::yes_no(&f) == Some(true)),
                    },
                ));
            }
        }
    }
    if !found {
        return Err(Error::new(ErrorCode::UnreadableFile, "hardware_no_header").with("file", name));
    }
    Ok(Parsed {
        devices,
        events,
        problems,
    })
}

/// A read inventory and log, each row with its sheet and row number.
pub(crate) struct Parsed {
    pub devices: Vec<(u32, String, DeviceInput)>,
    pub events: Vec<(u32, String, EventInput)>,
    pub problems: Vec<RowProblem>,
}

impl Parsed {
    /// The import's report: what was read, its problems, and whether it was written.
    pub(crate) fn report(&self, committed: bool) -> HardwareImport {
        HardwareImport {
            devices: self.devices.len() as u32,
            events: self.events.len() as u32,
            problems: self.problems.clone(),
            committed,
        }
    }
}

/// Writes what was read, every row or (when the workspace refuses one) none: the refused rows
/// are handed back with their reasons.
pub(crate) fn write(
    tx: &Tx,
    parsed: &Parsed,
    name: &str,
    lang: Lang,
) -> Result<Decision<(), Vec<RowProblem>>> {
    let mut problems = Vec::new();
    let mut refused = |row: u32, sheet: &str, e: Error| {
        problems.push(RowProblem {
            sheet: sheet.to_string(),
            row,
            message: e.message(lang),
        })
    };
    for (row, sheet, d) in &parsed.devices {
        if let Err(e) = add_device(tx, d) {
            refused(*row, sheet, e);
        }
    }
    for (row, sheet, e) in &parsed.events {
        if let Err(err) = add_event(tx, e) {
            refused(*row, sheet, err);
        }
    }
    if !problems.is_empty() {
        return Ok(Decision::RollBack(problems));
    }
    Ok(Decision::Commit(Change::after(
        (),
        name,
        Some(serde_json::json!({ "devices": parsed.devices.len(), "events": parsed.events.len() })),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_step_back_across_the_year() {
        assert_eq!(quarter_of("2026-01-01"), "2026-Q1");
        assert_eq!(quarter_of("2026-12-31"), "2026-Q4");
        assert_eq!(previous_quarter("2026-Q1"), "2025-Q4");
        assert_eq!(previous_quarter("2026-Q3"), "2026-Q2");
    }
}
