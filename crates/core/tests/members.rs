//! Members: fields, multi-department membership, listing and search.

use orgdesk_core::{
    DepartmentRef, ErrorCode, Gender, MemberFields, MemberInput, MemberQuery, MemberStatus,
    Platform, Source, Workspace,
};
use tempfile::TempDir;

fn workspace() -> (TempDir, Workspace) {
    let dir = TempDir::new().unwrap();
    let mut ws = Workspace::create(
        &dir.path().join("m.orgdesk"),
        "示例科技",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    ws.add_department("示例科技/销售部/华东区").unwrap();
    ws.add_department("示例科技/研发中心").unwrap();
    (dir, ws)
}

fn member(name: &str, depts: &[&str]) -> MemberInput {
    MemberInput {
        fields: MemberFields {
            name: name.into(),
            ..Default::default()
        },
        departments: depts
            .iter()
            .map(|d| DepartmentRef::Path(d.to_string()))
            .collect(),
        ..Default::default()
    }
}

fn query(dept: Option<&str>, direct_only: bool, search: Option<&str>) -> MemberQuery {
    MemberQuery {
        department: dept.map(|d| DepartmentRef::Path(d.into())),
        direct_only,
        search: search.map(str::to_string),
        ..Default::default()
    }
}

fn userids(ws: &Workspace, q: &MemberQuery) -> Vec<String> {
    ws.members(q)
        .unwrap()
        .into_iter()
        .map(|m| m.userid)
        .collect()
}

#[test]
// `..Default::default()` keeps the test compiling when a field is added to the schema.
#[allow(clippy::needless_update)]
fn add_with_every_field_and_read_it_back() {
    let (_d, mut ws) = workspace();
    ws.add_member(&member("王建国", &["示例科技"])).unwrap();
    let input = MemberInput {
        userid: Some("ZhangWei".into()),
        fields: MemberFields {
            name: " 张伟 ".into(),
            alias: Some("David".into()),
            mobile: Some("+86 138-0013-8000".into()),
            telephone: Some("021-12345678".into()),
            email: Some("zhangwei@example.com".into()),
            biz_email: Some("zw@shili.example".into()),
            gender: Some(Gender::Male),
            position: Some("华东区经理".into()),
            employee_no: Some("SK0001".into()),
            manager: Some("wangjianguo".into()),
            rank: Some("P7".into()),
            join_date: Some("2023/5/1".into()),
            status: MemberStatus::Invited,
            address: Some("上海市".into()),
            employment_type: Some("全职".into()),
            ..Default::default()
        },
        departments: vec!["示例科技/销售部/华东区".into(), "示例科技/研发中心".into()],
        leader_of: vec!["示例科技/销售部/华东区".into()],
    };
    let saved = ws.add_member(&input).unwrap();
    assert!(saved.created_departments.is_empty());
    let m = ws.member("zhangwei").unwrap();
    assert_eq!(m, saved.member);
    assert_eq!(
        (m.userid.as_str(), m.fields.name.as_str()),
        ("ZhangWei", "张伟")
    );
    assert_eq!(m.fields.mobile.as_deref(), Some("13800138000"));
    assert_eq!(m.fields.join_date.as_deref(), Some("2023-05-01"));
    assert_eq!(m.fields.manager.as_deref(), Some("wangjianguo"));
    assert_eq!(m.fields.status, MemberStatus::Invited);
    assert_eq!(
        m.departments,
        vec!["示例科技/销售部/华东区", "示例科技/研发中心"]
    );
    assert_eq!(m.main_department.as_deref(), Some("示例科技/销售部/华东区"));
    assert_eq!(m.leader_of, vec!["示例科技/销售部/华东区"]);
    // The form round trip reproduces the member exactly.
    let again = ws.update_member("zhangwei", &m.to_input()).unwrap();
    assert_eq!(again.member.departments, m.departments);
    assert_eq!(again.member.leader_of, m.leader_of);
}

#[test]
fn missing_userids_are_generated_from_pinyin_and_unique() {
    let (_d, mut ws) = workspace();
    let a = ws
        .add_member(&member("张伟", &["示例科技"]))
        .unwrap()
        .member;
    let b = ws
        .add_member(&member("张薇", &["示例科技"]))
        .unwrap()
        .member;
    let c = ws
        .add_member(&member("章伟", &["示例科技"]))
        .unwrap()
        .member;
    assert_eq!(
        (a.userid.as_str(), b.userid.as_str(), c.userid.as_str()),
        ("zhangwei", "zhangwei2", "zhangwei3")
    );
    assert_eq!(a.fields.status, MemberStatus::Active);
}

#[test]
fn field_rules_are_enforced() {
    let (_d, mut ws) = workspace();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            mobile: Some("13800138000".into()),
            email: Some("a@example.com".into()),
            ..member("甲", &["示例科技"]).fields
        },
        ..member("甲", &["示例科技"])
    })
    .unwrap();
    let cases: Vec<(MemberInput, ErrorCode)> = vec![
        (member("  ", &["示例科技"]), ErrorCode::MissingRequired),
        (member("乙", &[]), ErrorCode::MissingRequired),
        (member(&"名".repeat(65), &["示例科技"]), ErrorCode::TooLong),
        (
            MemberInput {
                userid: Some("_bad".into()),
                ..member("乙", &["示例科技"])
            },
            ErrorCode::InvalidUserid,
        ),
        (
            MemberInput {
                userid: Some("JIA".into()),
                ..member("乙", &["示例科技"])
            },
            ErrorCode::DuplicateUserid,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    mobile: Some("12345".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::InvalidMobile,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    mobile: Some("+86 13800138000".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::DuplicateMobile,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    email: Some("nope".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::InvalidEmail,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    email: Some("A@Example.com".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::DuplicateEmail,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    join_date: Some("2023-13-01".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::InvalidDate,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    position: Some("职".repeat(129)),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::TooLong,
        ),
        (
            MemberInput {
                fields: MemberFields {
                    manager: Some("nobody".into()),
                    ..member("乙", &["示例科技"]).fields
                },
                ..member("乙", &["示例科技"])
            },
            ErrorCode::MemberNotFound,
        ),
        (
            member("乙", &["示例科技", "示例科技"]),
            ErrorCode::InvalidDepartment,
        ),
        (
            MemberInput {
                leader_of: vec!["示例科技/研发中心".into()],
                ..member("乙", &["示例科技"])
            },
            ErrorCode::InvalidDepartment,
        ),
        (
            member("乙", &["示例科技/a*b"]),
            ErrorCode::InvalidDepartment,
        ),
    ];
    for (input, code) in cases {
        let e = ws.add_member(&input).unwrap_err();
        assert_eq!(e.code, code, "{input:?}: {e}");
    }
    assert_eq!(ws.members(&MemberQuery::default()).unwrap().len(), 1);
    assert_eq!(
        ws.departments().unwrap().len(),
        4,
        "no department created by a refused member"
    );
}

#[test]
fn update_keeps_the_account_and_checks_uniqueness_against_others_only() {
    let (_d, mut ws) = workspace();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            mobile: Some("13800138000".into()),
            ..member("甲", &["示例科技"]).fields
        },
        ..member("甲", &["示例科技"])
    })
    .unwrap();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            mobile: Some("13900139000".into()),
            ..member("乙", &["示例科技"]).fields
        },
        ..member("乙", &["示例科技"])
    })
    .unwrap();
    let mut input = ws.member("jia").unwrap().to_input();
    input.fields.position = Some("经理".into());
    ws.update_member("jia", &input).unwrap();
    input.fields.mobile = Some("13900139000".into());
    assert_eq!(
        ws.update_member("jia", &input).unwrap_err().code,
        ErrorCode::DuplicateMobile
    );
    input.fields.mobile = None;
    input.userid = Some("other".into());
    assert_eq!(
        ws.update_member("jia", &input).unwrap_err().key,
        "userid_immutable"
    );
    input.userid = None;
    input.fields.manager = Some("jia".into());
    assert_eq!(
        ws.update_member("jia", &input).unwrap_err().key,
        "manager_self"
    );
    assert_eq!(
        ws.update_member("nobody", &input).unwrap_err().code,
        ErrorCode::MemberNotFound
    );
}

#[test]
fn list_by_department_with_or_without_sub_departments() {
    let (_d, mut ws) = workspace();
    ws.add_member(&member("甲", &["示例科技"])).unwrap();
    ws.add_member(&member("乙", &["示例科技/销售部"])).unwrap();
    ws.add_member(&member("丙", &["示例科技/销售部/华东区"]))
        .unwrap();
    ws.add_member(&member(
        "丁",
        &["示例科技/研发中心", "示例科技/销售部/华东区"],
    ))
    .unwrap();
    assert_eq!(
        userids(&ws, &query(None, false, None)),
        ["jia", "yi", "bing", "ding"]
    );
    assert_eq!(
        userids(&ws, &query(Some("示例科技/销售部"), false, None)),
        ["yi", "bing", "ding"]
    );
    assert_eq!(
        userids(&ws, &query(Some("示例科技/销售部"), true, None)),
        ["yi"]
    );
    assert_eq!(
        userids(&ws, &query(Some("示例科技/研发中心"), true, None)),
        ["ding"]
    );
    assert_eq!(
        ws.members(&query(Some("示例科技/无此部门"), false, None))
            .unwrap_err()
            .code,
        ErrorCode::DepartmentNotFound
    );
}

#[test]
fn search_by_name_userid_or_mobile() {
    let (_d, mut ws) = workspace();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            mobile: Some("13800138000".into()),
            ..member("张伟", &["示例科技"]).fields
        },
        ..member("张伟", &["示例科技"])
    })
    .unwrap();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            mobile: Some("13900139000".into()),
            ..member("李娜", &["示例科技/研发中心"]).fields
        },
        ..member("李娜", &["示例科技/研发中心"])
    })
    .unwrap();
    assert_eq!(userids(&ws, &query(None, false, Some("张"))), ["zhangwei"]);
    assert_eq!(userids(&ws, &query(None, false, Some("LINA"))), ["lina"]);
    assert_eq!(userids(&ws, &query(None, false, Some("0139"))), ["lina"]);
    assert_eq!(
        userids(&ws, &query(Some("示例科技/研发中心"), false, Some("张"))),
        Vec::<String>::new()
    );
    // LIKE wildcards in the search text are literal.
    assert!(userids(&ws, &query(None, false, Some("%"))).is_empty());
    assert!(userids(&ws, &query(None, false, Some("_"))).is_empty());
    // Pinyin, as Chinese users type: initials and full, at the start of a value from 1–2 letters.
    assert_eq!(userids(&ws, &query(None, false, Some("zw"))), ["zhangwei"]);
    assert_eq!(
        userids(&ws, &query(None, false, Some("ZhangW"))),
        ["zhangwei"]
    );
    assert_eq!(userids(&ws, &query(None, false, Some("ln"))), ["lina"]);
    assert_eq!(userids(&ws, &query(None, false, Some("娜"))), ["lina"]);
    // The index's query syntax is not the user's: quotes, stars and operators are literal.
    for q in ["\"", "zw*", "zw OR ln", "NEAR(zw)", "-zw", "^z"] {
        assert!(userids(&ws, &query(None, false, Some(q))).is_empty(), "{q}");
    }
}

#[test]
fn the_search_index_follows_every_change() {
    let (_d, mut ws) = workspace();
    ws.add_member(&member("张伟", &["示例科技"])).unwrap();
    assert_eq!(userids(&ws, &query(None, false, Some("zw"))), ["zhangwei"]);
    let mut renamed = member("王芳", &["示例科技"]);
    renamed.userid = Some("zhangwei".into());
    ws.update_member("zhangwei", &renamed).unwrap();
    assert!(userids(&ws, &query(None, false, Some("zw"))).is_empty());
    assert_eq!(userids(&ws, &query(None, false, Some("wf"))), ["zhangwei"]);
    ws.undo().unwrap();
    assert_eq!(userids(&ws, &query(None, false, Some("zw"))), ["zhangwei"]);
    ws.delete_member("zhangwei").unwrap();
    assert!(userids(&ws, &query(None, false, Some("zw"))).is_empty());
    ws.undo().unwrap();
    assert_eq!(
        userids(&ws, &query(None, false, Some("张伟"))),
        ["zhangwei"]
    );
}

#[test]
fn pages_with_their_total() {
    let (_d, mut ws) = workspace();
    for name in ["张一", "张二", "张三", "李四"] {
        ws.add_member(&member(name, &["示例科技"])).unwrap();
    }
    let q = MemberQuery {
        search: Some("张".into()),
        offset: 1,
        limit: Some(1),
        ..Default::default()
    };
    let page = ws.member_page(&q).unwrap();
    assert_eq!((page.total, page.offset), (3, 1));
    let names: Vec<_> = page
        .members
        .iter()
        .map(|m| m.fields.name.as_str())
        .collect();
    assert_eq!(names, ["张二"]);
    let rest = ws
        .member_page(&MemberQuery {
            offset: 3,
            limit: Some(10),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rest.total, 4);
    assert_eq!(rest.members[0].fields.name, "李四");
    assert_eq!(rest.members[0].departments, ["示例科技"]);
}

#[test]
fn deleting_a_manager_clears_the_reports_link() {
    let (_d, mut ws) = workspace();
    ws.add_member(&member("甲", &["示例科技"])).unwrap();
    ws.add_member(&MemberInput {
        fields: MemberFields {
            manager: Some("jia".into()),
            ..member("乙", &["示例科技"]).fields
        },
        ..member("乙", &["示例科技"])
    })
    .unwrap();
    ws.delete_member("jia").unwrap();
    assert_eq!(ws.member("yi").unwrap().fields.manager, None);
    ws.undo().unwrap();
    assert_eq!(
        ws.member("yi").unwrap().fields.manager.as_deref(),
        Some("jia")
    );
}

/// The schema, the `members` table its migrations build and the catalogues agree: a field added
/// to `members/schema.rs` without its migration or its name fails here.
#[test]
fn every_field_has_its_column_and_its_name_in_both_languages() {
    use orgdesk_core::members::FIELDS;
    let ws = Workspace::in_memory("x", Platform::Undecided).unwrap();
    let mut columns: Vec<String> = ws
        .raw_connection()
        .prepare("SELECT name FROM pragma_table_info('members')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    columns.retain(|c| !["id", "userid", "created_at", "updated_at"].contains(&c.as_str()));
    columns.sort();
    let mut expected: Vec<String> = FIELDS.iter().map(|s| s.column.to_string()).collect();
    expected.sort();
    assert_eq!(columns, expected, "the members table and FIELDS differ");
    for spec in FIELDS {
        for lang in orgdesk_core::Lang::ALL {
            let key = format!("fields.{}", spec.key.code());
            assert_ne!(
                orgdesk_core::i18n::t(lang, &key, &[]),
                key,
                "{key} in {}",
                lang.tag()
            );
        }
    }
}

/// Forms and the CLI follow the imports' rules: a control character is refused naming the
/// field; invisible characters (bidi controls, zero-width) are removed; a department name too.
#[test]
fn control_characters_are_refused_and_invisible_ones_removed_in_edits() {
    let (_dir, mut ws) = workspace();
    let e = ws
        .add_member(&member("张\u{0}伟", &["示例科技/研发中心"]))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidCharacter);
    assert!(e.message(orgdesk_core::Lang::ZhCn).contains("姓名"));
    assert!(e.message(orgdesk_core::Lang::EnUs).contains("U+0000"));
    let mut input = member("\u{202E}李娜\u{200B}", &["示例科技/研发中心"]);
    input.fields.position = Some("工程师\n（后端）".into());
    assert_eq!(
        ws.add_member(&input).unwrap_err().code,
        ErrorCode::InvalidCharacter
    );
    input.fields.position = Some("工程师".into());
    input.fields.address = Some("北京\n朝阳区".into());
    let added = ws.add_member(&input).unwrap();
    assert_eq!(added.member.fields.name, "李娜");
    assert_eq!(added.member.fields.address.as_deref(), Some("北京\n朝阳区"));
    assert_eq!(
        ws.add_department("示例科技/市\u{200D}场部").unwrap().path,
        "示例科技/市场部"
    );
    assert_eq!(
        ws.add_department("示例科技/财\u{7}务部").unwrap_err().code,
        ErrorCode::InvalidDepartment
    );
}
