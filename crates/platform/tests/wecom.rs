//! The WeCom client against the local fake of the documented API, and a connection's secret in
//! the real OS keyring (tests run inside a private D-Bus session with an unlocked
//! gnome-keyring: see scripts/test.sh).

use orgdesk_core::{Lang, Platform, Source, Workspace};
use orgdesk_platform::fake::{Directory, Fake};
use orgdesk_platform::{wecom, Directory as _, Error};
use serde_json::json;
use std::time::Duration;

const SECRET: &str = "s3cr3t-contact-sync-0123456789abcdef";

fn directory() -> Directory {
    Directory {
        corp_id: "ww0123456789".into(),
        secret: SECRET.into(),
        departments: vec![
            json!({ "id": 1, "name": "鲜果时光", "parentid": 0, "order": 1 }),
            json!({ "id": 2, "name": "门店", "parentid": 1, "order": 1 }),
            json!({ "id": 3, "name": "财务部", "parentid": 1, "order": 2 }),
        ],
        users: vec![
            json!({ "userid": "zhangsan", "name": "张三", "department": [2, 3], "is_leader_in_dept": [1, 0],
                    "main_department": 2, "position": "店长", "status": 1 }),
            json!({ "userid": "lisi", "name": "李四", "department": [2], "is_leader_in_dept": [0], "status": 4 }),
        ],
        ..Default::default()
    }
}

fn client(fake: &Fake, secret: &str) -> wecom::Client {
    let mut c = wecom::Client::new(&fake.url, "ww0123456789", secret).unwrap();
    c.backoff = Duration::from_millis(10);
    c
}

#[tokio::test]
async fn a_pull_reads_departments_and_members_once_each_and_says_what_was_withheld() {
    let fake = Fake::start(directory());
    let state = client(&fake, SECRET).pull().await.unwrap();
    assert_eq!(state.departments.len(), 3);
    assert_eq!(state.departments[0].parent_id, None);
    assert_eq!(state.departments[1].parent_id, Some(1));
    // 张三 is in two departments: read twice, kept once, leading 门店.
    assert_eq!(state.members.len(), 2);
    let zhang = state
        .members
        .iter()
        .find(|m| m.userid == "zhangsan")
        .unwrap();
    assert_eq!(
        (zhang.departments.clone(), zhang.leader_in.clone()),
        (vec![2, 3], vec![2])
    );
    assert_eq!(zhang.position.as_deref(), Some("店长"));
    // No member came with a mobile or an email: WeCom withheld them.
    assert_eq!(state.withheld, ["mobile", "email"]);
    // One token for the whole pull.
    let tokens = fake.with(|d| d.calls.iter().filter(|c| c.0 == "gettoken").count());
    assert_eq!(tokens, 1);
}

#[tokio::test]
async fn an_expired_token_is_fetched_again_and_too_frequent_is_retried() {
    let fake = Fake::start(directory());
    let c = client(&fake, SECRET);
    c.pull().await.unwrap();
    fake.with(|d| {
        d.expire_next = true;
        d.throttle_next = 2;
        d.calls.clear();
    });
    let state = c.pull().await.unwrap();
    assert_eq!(state.members.len(), 2);
    let codes: Vec<i64> = fake.with(|d| d.calls.iter().map(|c| c.1).collect());
    assert_eq!(&codes[..4], [45009, 45009, 42001, 0], "{codes:?}");
    // Throttled for longer than the client tries: the platform's answer, by its code.
    fake.with(|d| d.throttle_next = 10);
    match c.pull().await {
        Err(Error::Platform { code, .. }) => assert_eq!(code, 45009),
        other => panic!("{:?}", other.map(|s| s.members.len())),
    }
}

#[tokio::test]
async fn the_client_keeps_to_the_documented_calls_per_minute() {
    assert_eq!(wecom::documented_per_minute(), 10_000);
    let fake = Fake::start(directory());
    let mut c = client(&fake, SECRET);
    // Two calls per endpoint in a window (a minute in use; shortened here): a pull makes three
    // user/list calls, so the third waits for the first to leave the window.
    c.per_window = 2;
    c.window = Duration::from_millis(400);
    let start = std::time::Instant::now();
    c.pull().await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_wrong_secret_is_the_platforms_code_and_no_message_holds_the_secret() {
    let fake = Fake::start(directory());
    let wrong = "not-the-secret-9876543210";
    let e = client(&fake, wrong).pull().await.unwrap_err();
    assert_eq!(e.code(), "platform_40001");
    assert!(!e.to_string().contains(wrong), "{e}");
    // Nothing listening: a network error without the URL (which carries the secret).
    let gone = wecom::Client::new("http://127.0.0.1:9", "ww0123456789", SECRET).unwrap();
    let e = gone.pull().await.unwrap_err();
    assert_eq!(e.code(), "network");
    assert!(!e.to_string().contains(SECRET), "{e}");
}

#[test]
fn connecting_keeps_the_secret_in_the_keyring_only_and_a_pull_plans_against_it() {
    let fake = Fake::start(directory());
    std::env::set_var("ORGDESK_WECOM_API", &fake.url);
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("k.orgdesk");
    let mut ws = Workspace::create(&path, "鲜果时光", Platform::Wecom, Source::Cli).unwrap();
    orgdesk_platform::connect(&mut ws, Platform::Wecom, "ww0123456789", SECRET).unwrap();
    let c = ws.platform_connection().unwrap().unwrap();
    assert_eq!(c.client_id, "ww0123456789");
    assert_eq!(
        orgdesk_platform::secret::load(&c.keyring_user).unwrap(),
        SECRET
    );
    // The app calls these from inside its own async runtime: they must work there too.
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { orgdesk_platform::test_connection(&ws) })
        .unwrap();
    // Cancelled after the first department: an error, and nothing kept.
    struct CancelAfterOne(std::sync::atomic::AtomicU64);
    impl orgdesk_core::progress::Progress for CancelAfterOne {
        fn update(&self, done: u64, _: u64) {
            self.0.store(done, std::sync::atomic::Ordering::SeqCst);
        }
        fn cancelled(&self) -> bool {
            self.0.load(std::sync::atomic::Ordering::SeqCst) >= 1
        }
    }
    let e = orgdesk_platform::pull(&mut ws, &CancelAfterOne(Default::default())).unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert!(ws.pulled().unwrap().is_none());
    let pulled = orgdesk_platform::pull(&mut ws, &orgdesk_core::progress::Silent).unwrap();
    assert_eq!(pulled.state.members.len(), 2);
    // Every call is in the API log the health view reads, by endpoint.
    let health = ws.health(None, None, Lang::ZhCn).unwrap();
    let api = health.details.api_endpoints.clone();
    let names: Vec<&str> = api.iter().map(|g| g.name.as_str()).collect();
    for endpoint in ["gettoken", "department/list", "user/list"] {
        assert!(names.iter().any(|n| n.starts_with(endpoint)), "{names:?}");
    }
    // A pull the platform refuses keeps its calls in the log too, and the last pull stays.
    let user_list = |h: &orgdesk_core::health::Health| {
        h.details
            .api_endpoints
            .iter()
            .find(|g| g.name.starts_with("user/list"))
            .map(|g| (g.weight, g.value))
            .unwrap()
    };
    let (calls_before, errors_before) = user_list(&health);
    assert_eq!(errors_before, 0.0);
    fake.with(|d| d.refuse_next.push(("user/list".into(), 60011)));
    let e = orgdesk_platform::pull(&mut ws, &orgdesk_core::progress::Silent).unwrap_err();
    assert!(matches!(e, Error::Platform { code: 60011, .. }), "{e:?}");
    assert_eq!(ws.pulled().unwrap().unwrap().id, pulled.id);
    let (calls, errors) = user_list(&ws.health(None, None, Lang::ZhCn).unwrap());
    assert_eq!(calls, calls_before + 1);
    assert!(errors > 0.0);
    // The workspace has nothing below its top level yet: the plan would delete everything the
    // platform has, so it is blocked until the deletes are accepted.
    let plan = ws.sync_plan(0, Lang::ZhCn).unwrap();
    assert_eq!(plan.blocked[0].code, "too_many_deletes");
    drop(ws);
    // The secret is nowhere in the workspace file (nor its WAL).
    for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(f.path()).unwrap();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "{:?} holds the secret",
            f.path()
        );
    }
    let mut ws = Workspace::open(&path, Source::Cli).unwrap();
    orgdesk_platform::disconnect(&mut ws).unwrap();
    assert!(ws.platform_connection().unwrap().is_none());
    assert!(matches!(
        orgdesk_platform::secret::load(&c.keyring_user),
        Err(Error::NoSecret)
    ));
}

#[tokio::test]
async fn writes_are_idempotent_where_a_resumed_run_needs_them_to_be() {
    use orgdesk_platform::MemberWrite;
    let fake = Fake::start(directory());
    let c = client(&fake, SECRET);
    // A department created twice (the first answer lost) is the same department.
    let id = c.create_department("仓库", 1, Some(2)).await.unwrap();
    assert_eq!(c.create_department("仓库", 1, Some(2)).await.unwrap(), id);
    assert_eq!(
        fake.with(|d| d.departments.iter().filter(|x| x["name"] == "仓库").count()),
        1
    );
    // A member created twice is one member; the leader flags go with the departments.
    let m = MemberWrite {
        name: Some("王五".into()),
        mobile: Some("13800000003".into()),
        departments: Some(vec![id, 2]),
        leader_in: Some(vec![id]),
        ..Default::default()
    };
    c.create_member("wangwu", &m).await.unwrap();
    c.create_member("wangwu", &m).await.unwrap();
    let wangwu = fake.with(|d| {
        let all: Vec<_> = d
            .users
            .iter()
            .filter(|u| u["userid"] == "wangwu")
            .cloned()
            .collect();
        assert_eq!(all.len(), 1);
        all[0].clone()
    });
    assert_eq!(wangwu["is_leader_in_dept"], json!([1, 0]));
    // Deleting what is gone is done; a department with members is refused with its code.
    let refused = c.delete_department(id).await.unwrap_err();
    assert!(
        matches!(refused, Error::Platform { code: 60005, .. }),
        "{refused:?}"
    );
    c.delete_member("wangwu").await.unwrap();
    c.delete_member("wangwu").await.unwrap();
    c.delete_department(id).await.unwrap();
    c.delete_department(id).await.unwrap();
    // An update of a member the platform does not have is a failure, not a silent success.
    let missing = c.update_member("nobody", &m).await.unwrap_err();
    assert!(
        matches!(missing, Error::Platform { code: 60111, .. }),
        "{missing:?}"
    );
    // Every answer is in the call log, failures included.
    let calls = c.take_calls();
    assert!(calls
        .iter()
        .any(|x| x.endpoint == "user/create" && x.errcode == 60102));
    assert!(calls
        .iter()
        .any(|x| x.endpoint == "department/delete" && x.errcode == 60123));
}
