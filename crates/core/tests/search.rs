//! Member search, paging and department counts, checked against a plain filter over every member
//! on random workspaces; the index kept up to date through bulk imports, undo and redo.

use orgdesk_core::imports::{ImportOptions, ImportSession};
use orgdesk_core::members::search::{matches, Searchable};
use orgdesk_core::progress::Silent;
use orgdesk_core::{
    DepartmentRef, Lang, Member, MemberFields, MemberInput, MemberQuery, Platform, Source,
    Workspace,
};
use proptest::prelude::*;
use tempfile::TempDir;

const DEPARTMENTS: &[&str] = &["示例/甲", "示例/甲/子", "示例/乙", "示例/乙/子/孙"];
const NAME_CHARS: &[&str] = &[
    "张", "伟", "王", "芳", "李", "娜", "明", "欧阳", "a", "B", "1",
];

fn workspace(dir: &TempDir) -> Workspace {
    let mut ws = Workspace::create(
        &dir.path().join("s.orgdesk"),
        "示例",
        Platform::Wecom,
        Source::Cli,
    )
    .unwrap();
    for d in DEPARTMENTS {
        ws.add_department(d).unwrap();
    }
    ws
}

fn values(m: &Member) -> Vec<String> {
    Searchable {
        name: &m.fields.name,
        userid: &m.userid,
        mobile: m.fields.mobile.as_deref(),
        alias: m.fields.alias.as_deref(),
        email: m.fields.email.as_deref(),
    }
    .values()
}

/// A random member: a name of 1–4 pieces, maybe a mobile and an alias, one or two departments.
fn member_strategy() -> impl Strategy<Value = (Vec<usize>, Option<u32>, bool, Vec<usize>)> {
    (
        prop::collection::vec(0..NAME_CHARS.len(), 1..4),
        prop::option::of(0u32..100_000),
        any::<bool>(),
        prop::collection::vec(0..DEPARTMENTS.len(), 1..3),
    )
}

/// A query: a piece of some member's value (1–4 characters from a position), or random text.
fn query_strategy() -> impl Strategy<Value = (usize, usize, usize, Option<String>)> {
    (
        any::<usize>(),
        any::<usize>(),
        1usize..5,
        prop::option::of("[张伟王aAbz13 ]{1,3}"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn pages_and_searches_find_what_a_plain_filter_finds(
        people in prop::collection::vec(member_strategy(), 1..30),
        queries in prop::collection::vec(query_strategy(), 1..8),
        department in prop::option::of((0..DEPARTMENTS.len(), any::<bool>())),
        (offset, limit) in (0u32..12, 1u32..8),
    ) {
        let dir = TempDir::new().unwrap();
        let mut ws = workspace(&dir);
        for (i, (name, mobile, alias, depts)) in people.iter().enumerate() {
            let mut depts: Vec<_> = depts.iter().map(|&d| DepartmentRef::Path(DEPARTMENTS[d].into())).collect();
            depts.dedup();
            ws.add_member(&MemberInput {
                userid: Some(format!("u{i}")),
                fields: MemberFields {
                    name: name.iter().map(|&c| NAME_CHARS[c]).collect(),
                    mobile: mobile.map(|m| format!("139{m:08}")),
                    alias: alias.then(|| format!("Al{i}")),
                    ..Default::default()
                },
                departments: depts,
                ..Default::default()
            })
            .unwrap();
        }
        let everyone = ws.members(&MemberQuery::default()).unwrap();
        // Each department's counts, against members' paths (some have two departments, one
        // under the other or side by side).
        for d in ws.departments().unwrap() {
            let under = |p: &String| *p == d.path || p.starts_with(&format!("{}/", d.path));
            let total = everyone.iter().filter(|m| m.departments.iter().any(under)).count();
            let own = everyone.iter().filter(|m| m.departments.contains(&d.path)).count();
            prop_assert_eq!((d.total_member_count as usize, d.member_count as usize), (total, own), "{}", d.path);
        }
        let in_department = |m: &Member| match department {
            None => true,
            Some((d, direct)) => m.departments.iter().any(|p| {
                let root = DEPARTMENTS[d];
                p == root || (!direct && p.starts_with(&format!("{root}/")))
            }),
        };
        for (who, at, len, random) in queries {
            let text = random.unwrap_or_else(|| {
                let vals = values(&everyone[who % everyone.len()]);
                let v: Vec<char> = vals[at % vals.len()].chars().collect();
                let start = at % v.len();
                v[start..(start + len).min(v.len())].iter().collect()
            });
            let expected: Vec<String> = everyone
                .iter()
                .filter(|m| in_department(m) && matches(&values(m), &text))
                .map(|m| m.userid.clone())
                .collect();
            let query = MemberQuery {
                department: department.map(|(d, _)| DepartmentRef::Path(DEPARTMENTS[d].into())),
                direct_only: department.is_some_and(|(_, direct)| direct),
                search: Some(text.clone()),
                offset,
                limit: Some(limit),
            };
            let page = ws.member_page(&query).unwrap();
            let got: Vec<String> = page.members.iter().map(|m| m.userid.clone()).collect();
            let window: Vec<String> = expected.iter().skip(offset as usize).take(limit as usize).cloned().collect();
            prop_assert_eq!(page.total as usize, expected.len(), "total for {:?}", text);
            prop_assert_eq!(got, window, "page for {:?}", text);
            let all = ws.members(&MemberQuery { offset: 0, limit: None, ..query }).unwrap();
            prop_assert_eq!(all.len(), expected.len());
        }
        // Without a search: the department's members (or everyone), paged the same way.
        let expected: Vec<String> = everyone.iter().filter(|m| in_department(m)).map(|m| m.userid.clone()).collect();
        let page = ws.member_page(&MemberQuery {
            department: department.map(|(d, _)| DepartmentRef::Path(DEPARTMENTS[d].into())),
            direct_only: department.is_some_and(|(_, direct)| direct),
            search: None,
            offset,
            limit: Some(limit),
        }).unwrap();
        let got: Vec<String> = page.members.iter().map(|m| m.userid.clone()).collect();
        let window: Vec<String> = expected.iter().skip(offset as usize).take(limit as usize).cloned().collect();
        prop_assert_eq!(page.total as usize, expected.len());
        prop_assert_eq!(got, window);
    }
}

#[test]
fn bulk_imports_undo_and_redo_keep_the_index_current() {
    let dir = TempDir::new().unwrap();
    let mut ws = workspace(&dir);
    ws.add_member(&MemberInput {
        fields: MemberFields {
            name: "欧阳娜娜".into(),
            ..Default::default()
        },
        departments: vec![DepartmentRef::Path("示例/甲".into())],
        ..Default::default()
    })
    .unwrap();
    // Big enough for the bulk path (the triggers are dropped and everything is indexed again).
    let csv = dir.path().join("big.csv");
    let mut text = String::from("姓名,账号,手机,部门\n");
    for i in 0..6_000 {
        text.push_str(&format!("成员{i},m{i:05},138{i:08},示例/乙\n"));
    }
    text.push_str("张伟,zhangwei,13900000000,示例/乙\n");
    std::fs::write(&csv, text).unwrap();
    let search = |ws: &Workspace, q: &str| {
        ws.member_page(&MemberQuery {
            search: Some(q.into()),
            limit: Some(5),
            ..Default::default()
        })
        .unwrap()
        .total
    };
    assert_eq!(search(&ws, "oynn"), 1);
    let mut session = ImportSession::open(&csv).unwrap();
    ws.run_import(
        &mut session,
        &ImportOptions::default(),
        false,
        Lang::ZhCn,
        &Silent,
    )
    .unwrap();
    assert_eq!(search(&ws, "zw"), 1);
    assert_eq!(search(&ws, "m0599"), 10);
    assert_eq!(search(&ws, "oynn"), 1);
    ws.undo().unwrap();
    assert_eq!(search(&ws, "zw"), 0);
    assert_eq!(search(&ws, "成员"), 0);
    ws.redo().unwrap();
    assert_eq!(search(&ws, "zhangwei"), 1);
    assert_eq!(search(&ws, "成员"), 6_000);
    // A single change after a bulk one is noted by the triggers, which are back.
    ws.delete_member("zhangwei").unwrap();
    assert_eq!(search(&ws, "zw"), 0);
}
