//! Nothing changes a workspace without an audit entry: a scripted session runs every operation
//! of the façade (writes that succeed, writes that are refused, reads, exports), and after each
//! one the content of every table is compared with what it was: it may change only together with
//! a new audit entry, and an operation that fails or only reads changes nothing at all.

use orgdesk_core::compare::needs::{Importance, Need};
use orgdesk_core::imports::{ImportOptions, ImportSession};
use orgdesk_core::org::profile::ProfileInput;
use orgdesk_core::progress::Silent;
use orgdesk_core::roles::{Level, RoleRef, Scope};
use orgdesk_core::setup::certification::CertificationInput;
use orgdesk_core::setup::checklist::Tick;
use orgdesk_core::setup::hardware::{DeviceInput, DeviceKind, EventInput};
use orgdesk_core::{
    DepartmentRef, Lang, MemberFields, MemberInput, MemberQuery, Source, Workspace,
};
use std::collections::BTreeMap;
use tempfile::TempDir;

/// Every table but the audit log, row by row, as text; and the audit log's length.
fn state(ws: &Workspace) -> (BTreeMap<String, Vec<String>>, i64) {
    let conn = ws.raw_connection();
    let mut tables = BTreeMap::new();
    let names: Vec<String> = conn
        // The member search index is derived data that any read may bring up to date.
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'audit_log'
                  AND name NOT LIKE 'member_search%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in names {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        tables.insert(table, rows);
    }
    let audit = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    (tables, audit)
}

type Step<'a> = (&'a str, Box<dyn Fn(&mut Workspace) -> bool + 'a>);

fn p(path: &str) -> DepartmentRef {
    DepartmentRef::Path(path.into())
}

fn member(name: &str, userid: &str, mobile: &str) -> MemberInput {
    MemberInput {
        userid: Some(userid.into()),
        fields: MemberFields {
            name: name.into(),
            mobile: Some(mobile.into()),
            ..Default::default()
        },
        departments: vec![p("示例科技/销售部")],
        ..Default::default()
    }
}

#[test]
fn every_change_has_an_audit_entry_and_refused_or_read_only_operations_change_nothing() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("demo.orgdesk");
    let mut ws = Workspace::create_demo("shili-keji", &path, Source::Cli).unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "姓名,账号,手机,部门\n新人甲,xinren1,13900000101,示例科技/新部门\n新人乙,xinren2,13900000102,示例科技/新部门\n",
    )
    .unwrap();
    let bad_roster = dir.path().join("bad.csv");
    std::fs::write(&bad_roster, "姓名,手机,部门\n坏人,123,示例科技\n").unwrap();
    let devices = dir.path().join("devices.csv");
    std::fs::write(
        &devices,
        "设备编号,类型,型号,场地,批次\nKQ-900,考勤机,X1,一号楼,2026-01\n",
    )
    .unwrap();
    let out = |name: &str| dir.path().join(name);

    // (name, operation → whether it must change something).
    let steps: Vec<Step> = vec![
        (
            "add department",
            Box::new(|ws| ws.add_department("示例科技/审计部").is_ok()),
        ),
        (
            "add department again (refused)",
            Box::new(|ws| ws.add_department("示例科技/审计部").is_ok()),
        ),
        (
            "add child",
            Box::new(|ws| {
                ws.add_child_department(Some(&p("示例科技/审计部")), "一组")
                    .is_ok()
            }),
        ),
        (
            "rename",
            Box::new(|ws| {
                ws.rename_department(&p("示例科技/审计部/一组"), "二组")
                    .is_ok()
            }),
        ),
        (
            "move",
            Box::new(|ws| {
                ws.move_department(
                    &p("示例科技/审计部/二组"),
                    Some(&p("示例科技/销售部")),
                    None,
                )
                .is_ok()
            }),
        ),
        (
            "reorder",
            Box::new(|ws| ws.reorder_department(&p("示例科技/审计部"), 0).is_ok()),
        ),
        (
            "sensitive",
            Box::new(|ws| {
                ws.set_department_sensitive(&p("示例科技/审计部"), true)
                    .is_ok()
            }),
        ),
        (
            "visibility",
            Box::new(|ws| {
                ws.set_department_visibility(
                    &p("示例科技/审计部"),
                    &orgdesk_core::Visibility {
                        departments: vec!["示例科技/销售部".into()],
                        only_own: true,
                        ..Default::default()
                    },
                )
                .is_ok()
            }),
        ),
        (
            "visibility with an unknown viewer (refused)",
            Box::new(|ws| {
                ws.set_department_visibility(
                    &p("示例科技/审计部"),
                    &orgdesk_core::Visibility {
                        members: vec!["nobody".into()],
                        ..Default::default()
                    },
                )
                .is_ok()
            }),
        ),
        (
            "delete department",
            Box::new(|ws| ws.delete_department(&p("示例科技/销售部/二组")).is_ok()),
        ),
        (
            "delete a department with members (refused)",
            Box::new(|ws| ws.delete_department(&p("示例科技/销售部")).is_ok()),
        ),
        (
            "add member",
            Box::new(|ws| {
                ws.add_member(&member("审计甲", "shenji1", "13900000001"))
                    .is_ok()
            }),
        ),
        (
            "add member with a taken mobile (refused)",
            Box::new(|ws| {
                ws.add_member(&member("审计乙", "shenji2", "13900000001"))
                    .is_ok()
            }),
        ),
        (
            "update member",
            Box::new(|ws| {
                let mut input = ws.member("shenji1").unwrap().to_input();
                input.fields.position = Some("审计员".into());
                ws.update_member("shenji1", &input).is_ok()
            }),
        ),
        (
            "update member with a bad email (refused)",
            Box::new(|ws| {
                let mut input = ws.member("shenji1").unwrap().to_input();
                input.fields.email = Some("not an email".into());
                ws.update_member("shenji1", &input).is_ok()
            }),
        ),
        (
            "add role",
            Box::new(|ws| ws.add_role("审计员", Level::Admin).is_ok()),
        ),
        (
            "grant",
            Box::new(|ws| {
                ws.grant(
                    &RoleRef::Name("审计员".into()),
                    "audit.view",
                    Some(Scope::Organization),
                    &[],
                )
                .is_ok()
            }),
        ),
        (
            "grant an unknown permission (refused)",
            Box::new(|ws| {
                ws.grant(&RoleRef::Name("审计员".into()), "audit.fly", None, &[])
                    .is_ok()
            }),
        ),
        (
            "assign",
            Box::new(|ws| {
                ws.assign_role(&RoleRef::Name("审计员".into()), "shenji1")
                    .is_ok()
            }),
        ),
        (
            "unassign",
            Box::new(|ws| {
                ws.unassign_role(&RoleRef::Name("审计员".into()), "shenji1")
                    .is_ok()
            }),
        ),
        (
            "revoke",
            Box::new(|ws| {
                ws.revoke(&RoleRef::Name("审计员".into()), "audit.view")
                    .is_ok()
            }),
        ),
        (
            "delete role",
            Box::new(|ws| ws.delete_role(&RoleRef::Name("审计员".into())).is_ok()),
        ),
        (
            "customer facing",
            Box::new(|ws| {
                ws.set_department_customer_facing(&p("示例科技/审计部"), true)
                    .is_ok()
            }),
        ),
        (
            "offboard",
            Box::new(|ws| {
                ws.offboard("shenji1", "2030-01-01", None, Lang::ZhCn)
                    .is_ok()
            }),
        ),
        (
            "lifecycle tick",
            Box::new(|ws| {
                ws.lifecycle_tick(
                    &orgdesk_core::lifecycle::LifecycleTick {
                        userid: "shenji1".into(),
                        step: "devices_returned".into(),
                        done: true,
                        ..Default::default()
                    },
                    Lang::ZhCn,
                )
                .is_ok()
            }),
        ),
        (
            "tick a computed step (refused)",
            Box::new(|ws| {
                ws.lifecycle_tick(
                    &orgdesk_core::lifecycle::LifecycleTick {
                        userid: "shenji1".into(),
                        step: "frozen".into(),
                        done: true,
                        ..Default::default()
                    },
                    Lang::ZhCn,
                )
                .is_ok()
            }),
        ),
        (
            "set ranks",
            Box::new(|ws| ws.set_ranks(&["P1".into(), "M1".into()]).is_ok()),
        ),
        (
            "twice the same rank (refused)",
            Box::new(|ws| ws.set_ranks(&["P1".into(), "P1".into()]).is_ok()),
        ),
        (
            "add an approval template",
            Box::new(|ws| ws.add_approval_template("purchase").is_ok()),
        ),
        (
            "delete an approval template",
            Box::new(|ws| ws.delete_approval_template("purchase").is_ok()),
        ),
        (
            "delete a template that is not there (refused)",
            Box::new(|ws| ws.delete_approval_template("purchase").is_ok()),
        ),
        (
            "route (read-only)",
            Box::new(|ws| {
                ws.approval_route("leave", "shenji1", Default::default(), Lang::ZhCn)
                    .unwrap();
                ws.approval_check(Lang::ZhCn).unwrap();
                ws.approval_templates(Lang::ZhCn).unwrap();
                ws.approval_efficiency(None, None, Lang::ZhCn).unwrap();
                ws.ranks().unwrap();
                false
            }),
        ),
        (
            "add an app",
            Box::new(|ws| {
                let input = orgdesk_core::apps::AppInput {
                    key: "approval".into(),
                    ..Default::default()
                };
                ws.add_app(&input, Lang::ZhCn).is_ok()
            }),
        ),
        (
            "app visibility",
            Box::new(|ws| {
                let v = orgdesk_core::apps::AppVisibility {
                    members: vec!["shenji1".into()],
                    ..Default::default()
                };
                ws.set_app_visibility("approval", &v, None, Lang::ZhCn)
                    .is_ok()
            }),
        ),
        (
            "app visibility for nobody known (refused)",
            Box::new(|ws| {
                let v = orgdesk_core::apps::AppVisibility {
                    members: vec!["nobody".into()],
                    ..Default::default()
                };
                ws.set_app_visibility("approval", &v, None, Lang::ZhCn)
                    .is_ok()
            }),
        ),
        (
            "app checks (read-only)",
            Box::new(|ws| {
                ws.check_apps(Lang::ZhCn).unwrap();
                ws.apps(Lang::ZhCn).unwrap();
                false
            }),
        ),
        (
            "remove an app",
            Box::new(|ws| ws.remove_app("approval", Lang::ZhCn).is_ok()),
        ),
        (
            "import approval records",
            Box::new(|ws| {
                let dir = tempfile::TempDir::new().unwrap();
                let f = dir.path().join("r.csv");
                std::fs::write(&f, "审批编号,申请人,提交时间,完成时间\n1,shenji1,2026-10-01 09:00,2026-10-01 10:00\n").unwrap();
                ws.import_approval_records(&f, false, false, Lang::ZhCn)
                    .is_ok_and(|r| r.committed)
            }),
        ),
        (
            "delete member",
            Box::new(|ws| ws.delete_member("shenji1").is_ok()),
        ),
        (
            "set need",
            Box::new(|ws| {
                ws.set_need(&Need {
                    key: "customer_crm".into(),
                    importance: Importance::Must,
                    weight: 3,
                    value: None,
                })
                .is_ok()
            }),
        ),
        (
            "unset need",
            Box::new(|ws| ws.unset_need("customer_crm").is_ok()),
        ),
        (
            "update profile",
            Box::new(|ws| {
                ws.update_profile(&ProfileInput {
                    industry: Some("审计".into()),
                    ..Default::default()
                })
                .is_ok()
            }),
        ),
        (
            "a wrong credit code (refused)",
            Box::new(|ws| {
                ws.update_profile(&ProfileInput {
                    credit_code: Some("91110000000000000X".into()),
                    ..Default::default()
                })
                .is_ok()
            }),
        ),
        (
            "certification",
            Box::new(|ws| {
                ws.set_certification(
                    &CertificationInput {
                        method: "wechat".into(),
                        ..Default::default()
                    },
                    Lang::EnUs,
                )
                .is_ok()
            }),
        ),
        (
            "tick",
            Box::new(|ws| {
                ws.tick(&Tick {
                    item: "apps_chosen".into(),
                    done: true,
                    reason: None,
                })
                .is_ok()
            }),
        ),
        (
            "security",
            Box::new(|ws| {
                let values = BTreeMap::from([("watermark".to_string(), serde_json::json!(false))]);
                ws.set_security(&values, Lang::EnUs).is_ok()
            }),
        ),
        (
            "add device",
            Box::new(|ws| {
                ws.add_device(&DeviceInput {
                    serial: "KQ-800".into(),
                    kind: Some(DeviceKind::Attendance),
                    site: "一号楼".into(),
                    batch: "2026-01".into(),
                    ..Default::default()
                })
                .is_ok()
            }),
        ),
        (
            "device event",
            Box::new(|ws| {
                ws.add_device_event(&EventInput {
                    serial: "KQ-800".into(),
                    day: "2026-02-01".into(),
                    ..Default::default()
                })
                .is_ok()
            }),
        ),
        (
            "delete device",
            Box::new(|ws| ws.delete_device("KQ-800").is_ok()),
        ),
        (
            "hardware import",
            Box::new(|ws| ws.import_hardware(&devices, Lang::EnUs).unwrap().committed),
        ),
        ("import", Box::new(|ws| imported(ws, &roster, false))),
        ("import dry run", Box::new(|ws| imported(ws, &roster, true))),
        (
            "import with an invalid row (refused)",
            Box::new(|ws| imported(ws, &bad_roster, false)),
        ),
        (
            "wizard plan and commit",
            Box::new(|ws| {
                let mut s = ImportSession::open(&bad_roster).unwrap();
                ws.plan_import(&mut s, &ImportOptions::default(), Lang::EnUs)
                    .unwrap();
                ws.commit_import(&s, false, Lang::EnUs, &Silent)
                    .unwrap()
                    .committed
            }),
        ),
        (
            "an action after the import",
            Box::new(|ws| ws.add_department("示例科技/无关").is_ok()),
        ),
        (
            "rollback the import",
            Box::new(|ws| {
                let batch = ws.imports().unwrap()[0].batch;
                ws.rollback_import(batch).is_ok()
            }),
        ),
        ("undo", Box::new(|ws| ws.undo().is_ok())),
        ("redo", Box::new(|ws| ws.redo().is_ok())),
        (
            "save snapshot",
            Box::new(|ws| ws.save_snapshot("审计前").is_ok()),
        ),
        (
            "an action after the snapshot",
            Box::new(|ws| ws.add_department("示例科技/之后").is_ok()),
        ),
        (
            "restore snapshot",
            Box::new(|ws| ws.restore_snapshot("审计前").is_ok()),
        ),
        (
            "delete snapshot",
            Box::new(|ws| ws.delete_snapshot("审计前").is_ok()),
        ),
        ("reset demo", Box::new(|ws| ws.reset_demo().is_ok())),
        (
            "reads and exports",
            Box::new(|ws| {
                ws.members(&MemberQuery::default()).unwrap();
                ws.departments().unwrap();
                ws.checklist(Lang::ZhCn).unwrap();
                ws.lifecycle(Lang::ZhCn).unwrap();
                ws.activation(Lang::ZhCn).unwrap();
                ws.export_invitations(&out("i.xlsx"), Lang::ZhCn).unwrap();
                ws.security(Lang::ZhCn).unwrap();
                ws.certification_plan(Lang::ZhCn).unwrap();
                ws.hardware_flags(Lang::ZhCn).unwrap();
                ws.permission_matrix().unwrap();
                ws.effective_permissions().unwrap();
                ws.check_permissions(Lang::ZhCn).unwrap();
                ws.role_mapping(&[]).unwrap();
                ws.fit(Lang::ZhCn).unwrap();
                ws.preflight("wecom", Lang::ZhCn).unwrap();
                ws.export_members("wecom", &out("m.xlsx"), true, Lang::ZhCn, None, &Silent)
                    .unwrap();
                ws.export_members("wecom-api", &out("m.csv"), true, Lang::ZhCn, None, &Silent)
                    .unwrap();
                ws.export_report(&out("r.xlsx"), Lang::ZhCn, None, &Silent)
                    .unwrap();
                ws.export_permissions(&out("p.xlsx"), Lang::ZhCn).unwrap();
                ws.export_comparison(&out("c.xlsx"), Lang::ZhCn).unwrap();
                ws.save_copy(&out("copy.orgdesk")).unwrap();
                ws.log(None).unwrap();
                false
            }),
        ),
    ];
    for (name, step) in steps {
        let (before, audit_before) = state(&ws);
        let changes = step(&mut ws);
        let (after, audit_after) = state(&ws);
        let changed: Vec<&String> = after
            .iter()
            .filter(|(t, rows)| before.get(*t) != Some(*rows))
            .map(|(t, _)| t)
            .collect();
        if changes {
            assert!(!changed.is_empty(), "{name}: changed nothing");
            assert!(
                audit_after > audit_before,
                "{name}: changed {changed:?} without an audit entry"
            );
        } else {
            assert!(
                changed.is_empty() && audit_after == audit_before,
                "{name}: refused or read-only, yet changed {changed:?} (audit {audit_before} → {audit_after})"
            );
        }
    }
    let (_, entries) = state(&ws);
    drop(ws);
    // Reopened, the file still has every entry.
    let ws = Workspace::open(&path, Source::Cli).unwrap();
    assert_eq!(ws.log(None).unwrap().len() as i64, entries);
}

/// Whether an import of `path` (one go, as the CLI runs it) committed.
fn imported(ws: &mut Workspace, path: &std::path::Path, dry_run: bool) -> bool {
    let mut s = ImportSession::open(path).unwrap();
    ws.run_import(
        &mut s,
        &ImportOptions::default(),
        dry_run,
        Lang::EnUs,
        &Silent,
    )
    .unwrap()
    .committed
}
