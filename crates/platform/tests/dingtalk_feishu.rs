//! DingTalk's and Feishu's clients against the local fake in their spellings: paging, a token
//! fetched again when it expired, and "too frequent" waited out (DingTalk's 90018 with a
//! growing pause, Feishu's HTTP 429 as long as `x-ogw-ratelimit-reset` says).

use orgdesk_platform::fake::{Directory, Fake};
use orgdesk_platform::{dingtalk, feishu, Directory as _};
use serde_json::json;
use std::time::{Duration, Instant};

const SECRET: &str = "app-secret-0123456789";

/// A root, 门店 (id 2) and `n` members in 门店, the first leading it.
fn directory(n: usize) -> Directory {
    let mut d = Directory {
        corp_id: "app42".into(),
        secret: SECRET.into(),
        departments: vec![
            json!({ "id": 1, "name": "鲜果", "parentid": 0, "order": 1 }),
            json!({ "id": 2, "name": "门店", "parentid": 1, "order": 1 }),
        ],
        users: (0..n)
            .map(|i| {
                json!({ "userid": format!("u{i:04}"), "name": format!("店员{i}"), "department": [2],
                        "is_leader_in_dept": [i64::from(i == 0)], "mobile": format!("138{i:08}"), "status": 1 })
            })
            .collect(),
        ..Default::default()
    };
    d.users[1]["admin"] = json!("creator");
    d.users[2]["admin"] = json!("super_admin");
    d
}

/// The admins a pull named.
fn admins(state: &orgdesk_core::sync::LiveState) -> Vec<(String, String)> {
    state
        .members
        .iter()
        .filter_map(|m| m.admin.clone().map(|a| (m.userid.clone(), a)))
        .collect()
}

fn codes(fake: &Fake) -> Vec<i64> {
    fake.with(|d| d.calls.iter().map(|c| c.1).collect())
}

#[tokio::test]
async fn dingtalk_pages_members_fetches_a_new_token_and_waits_out_too_frequent() {
    let fake = Fake::start(directory(230));
    let mut c = dingtalk::Client::new(&fake.url, "app42", SECRET).unwrap();
    c.backoff = Duration::from_millis(10);
    let state = c.pull().await.unwrap();
    assert_eq!((state.departments.len(), state.members.len()), (2, 230));
    assert_eq!(state.departments[0].name, "鲜果");
    assert_eq!(state.departments[1].parent_id, Some(1));
    assert_eq!(state.members[0].leader_in, [2]);
    // The main admin and a sub-admin, from user/listadmin.
    assert_eq!(
        admins(&state),
        [
            ("u0001".into(), "creator".into()),
            ("u0002".into(), "super_admin".into())
        ]
    );
    // 230 members in pages of 100.
    let pages = fake.with(|d| d.calls.iter().filter(|c| c.0 == "user/list").count());
    assert_eq!(pages, 3 + 1, "three pages of 门店 and the root's one");
    // Expired token and "too frequent": both answered by the platform, both got over.
    fake.with(|d| {
        d.expire_next = true;
        d.throttle_next = 2;
    });
    assert_eq!(c.pull().await.unwrap().members.len(), 230);
    let seen = codes(&fake);
    assert!(seen.contains(&42001) && seen.iter().filter(|c| **c == 90018).count() == 2);
    assert!(c.take_calls().iter().any(|x| x.errcode == 90018));
}

#[tokio::test]
async fn feishu_pages_members_names_departments_by_number_and_honours_the_reset_header() {
    let fake = Fake::start(directory(120));
    let mut c = feishu::Client::new(&fake.url, "app42", SECRET).unwrap();
    c.api.backoff = Duration::from_millis(10);
    let state = c.pull().await.unwrap();
    assert_eq!(state.members.len(), 120);
    let store = feishu::number("od-2");
    assert_eq!(state.departments[0].id, 0, "the root is \"0\"");
    assert_eq!(state.departments[1].id, store);
    assert_eq!(state.departments[1].parent_id, Some(0));
    assert_eq!(state.members[0].leader_in, [store]);
    assert_eq!(state.members[0].departments, [store]);
    // Tenant managers, from the member's is_tenant_manager.
    assert_eq!(
        admins(&state),
        [
            ("u0001".into(), "super_admin".into()),
            ("u0002".into(), "super_admin".into())
        ]
    );
    // Told to wait a second by the header, it waits a second (its own pause is 10 ms).
    fake.with(|d| {
        d.throttle_next = 1;
        d.reset_seconds = 1;
    });
    let started = Instant::now();
    c.pull().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(codes(&fake).contains(&99991400));
    // A wrong secret is the platform's refusal, without the secret in it.
    let wrong = feishu::Client::new(&fake.url, "app42", "nope").unwrap();
    let e = wrong.check().await.unwrap_err();
    assert!(!format!("{e:?}{e}").contains(SECRET));
    assert!(
        matches!(e, orgdesk_platform::Error::Platform { code: 40001, .. }),
        "{e:?}"
    );
}
