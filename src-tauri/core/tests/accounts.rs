//! Signing in, locking out, the first administrator, and what each role sees of cases.

use crate::support;

use std::sync::Arc;

use redress_core::auth::accounts::{load_actor, sign_in, LOCK_MINUTES, MAX_FAILED_ATTEMPTS};
use redress_core::hlc::ManualClock;
use redress_core::ops::auth::{setup_first_administrator, SetupRequest};
use redress_core::ops::dispatch;
use redress_core::{storage, Actor, Lang, OpenOptions};

const NOON: u64 = 1_796_000_000_000; // 2026-11-29, around noon in China

async fn demo_with_clock(clock: Arc<ManualClock>) -> (tempfile::TempDir, redress_core::Db) {
    let t = support::with_demo(20, 5).await;
    let path = t.path();
    t.db.close().await;
    let mut options = OpenOptions::new(&path);
    options.clock = Box::new(clock);
    let db = storage::open(options).await.expect("reopen");
    (t.dir, db)
}

async fn events_of(db: &redress_core::Db, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE kind = ?")
        .bind(kind)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn signing_in_checks_the_password_and_is_recorded() {
    let (_dir, db) = demo_with_clock(Arc::new(ManualClock::new(NOON))).await;
    let ok = sign_in(&db, "legal01", "Demo2026").await.expect("right password");
    assert_eq!(ok.actor.display_name, "黄律");
    assert!(!ok.must_change_password);
    assert_eq!(events_of(&db, "account.signed_in").await, 1);
    let wrong = sign_in(&db, "legal01", "demo2026").await.expect_err("wrong password");
    assert_eq!(wrong.code(), "auth.invalid_credentials");
    let unknown = sign_in(&db, "nobody", "Demo2026").await.expect_err("unknown user");
    assert_eq!(unknown.code(), "auth.invalid_credentials", "the same answer as a wrong password");
    assert_eq!(
        wrong.to_api(Lang::Zh).message,
        unknown.to_api(Lang::Zh).message,
        "nothing tells which names exist"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let clock = Arc::new(ManualClock::new(NOON));
    let (_dir, db) = demo_with_clock(clock.clone()).await;
    for _ in 1..MAX_FAILED_ATTEMPTS {
        let e = sign_in(&db, "agent01", "guess1234").await.expect_err("wrong");
        assert_eq!(e.code(), "auth.invalid_credentials");
    }
    let locked = sign_in(&db, "agent01", "guess1234").await.expect_err("fifth wrong");
    assert_eq!(locked.code(), "auth.locked_out");
    assert!(locked.to_api(Lang::Zh).message.contains("已锁定"));
    assert_eq!(events_of(&db, "account.locked").await, 1);
    // Locked: even the right password is refused.
    let still = sign_in(&db, "agent01", "Demo2026").await.expect_err("locked");
    assert_eq!(still.code(), "auth.locked_out");
    // Other accounts are not affected.
    sign_in(&db, "agent02", "Demo2026").await.expect("another account");

    clock.set(NOON + (LOCK_MINUTES as u64) * 60_000 - 1_000);
    assert_eq!(
        sign_in(&db, "agent01", "Demo2026").await.expect_err("not yet").code(),
        "auth.locked_out"
    );
    clock.set(NOON + (LOCK_MINUTES as u64) * 60_000 + 1_000);
    sign_in(&db, "agent01", "Demo2026").await.expect("unlocked after the lock time");
    // The count starts again after a success.
    for _ in 1..MAX_FAILED_ATTEMPTS {
        sign_in(&db, "agent01", "guess1234").await.expect_err("wrong");
    }
    sign_in(&db, "agent01", "Demo2026").await.expect("four wrong then right is fine");
}

#[tokio::test]
async fn a_branch_names_its_site_at_the_first_start_and_keeps_the_code_once_it_numbers_cases() {
    let t = support::fresh().await;
    assert_eq!(t.db.site().site_code, "HQ", "a new database is headquarters until told");
    let req = |code: &str, name: &str| SetupRequest {
        username: "admin".into(),
        display_name: "管理员".into(),
        password: "Admin2026".into(),
        site_code: Some(code.into()),
        site_name: Some(name.into()),
    };
    let bad = setup_first_administrator(&t.db, req("上海01", "")).await.expect_err("bad site");
    let fields: Vec<String> = bad.to_api(Lang::Zh).fields.iter().map(|f| f.field.clone()).collect();
    assert_eq!(fields, ["site_code", "site_name"]);
    assert_eq!(events_of(&t.db, "account.created").await, 0, "nothing saved");
    assert_eq!(t.db.site().site_code, "HQ");

    setup_first_administrator(&t.db, req(" sh01 ", "上海分公司")).await.expect("set up");
    assert_eq!(t.db.site().site_code, "SH01", "kept in capitals");
    assert_eq!(t.db.site().name, "上海分公司");
    redress_core::ops::demo::generate(
        &t.db,
        &Actor::system(),
        redress_core::ops::demo::DemoRequest {
            cases: 3,
            seed: Some(1),
            until: Some("2026-11-28".into()),
        },
    )
    .await
    .expect("demo");
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT case_no FROM cases").fetch_all(t.db.pool()).await.expect("nos");
    assert_eq!(numbers.len(), 3);
    assert!(numbers.iter().all(|n| n.contains("-SH01-")), "{numbers:?}");

    let fixed = t.db.rename_site("BJ01", "北京分公司").await.expect_err("numbered already");
    assert_eq!(fixed.code(), "site.code_fixed");
    assert!(fixed.to_api(Lang::Zh).message.contains("SH01"));
    let renamed =
        t.db.rename_site("SH01", "上海分公司（徐汇）").await.expect("the name may change");
    assert_eq!(renamed.name, "上海分公司（徐汇）");

    let path = t.path();
    t.db.close().await;
    let db = storage::open(OpenOptions::new(&path)).await.expect("reopen");
    assert_eq!(db.site().site_code, "SH01", "the code is the database's");
    assert_eq!(db.site().name, "上海分公司（徐汇）");
}

#[tokio::test]
async fn the_first_administrator_is_created_once_and_accounts_then_by_administrators() {
    let t = support::fresh().await;
    let req = |name: &str| SetupRequest {
        username: name.into(),
        display_name: "管理员".into(),
        password: "Admin2026".into(),
        site_code: None,
        site_name: None,
    };
    let weak = SetupRequest { password: "short".into(), ..req("admin") };
    let e = setup_first_administrator(&t.db, weak).await.expect_err("weak password");
    assert_eq!(e.to_api(Lang::Zh).fields[0].field, "password");
    setup_first_administrator(&t.db, req("admin")).await.expect("first administrator");
    let again = setup_first_administrator(&t.db, req("admin2")).await.expect_err("only once");
    assert_eq!(again.code(), "auth.already_set_up");

    let admin = sign_in(&t.db, "admin", "Admin2026").await.expect("sign in").actor;
    let created = dispatch(
        &t.db,
        &admin,
        "accounts.create",
        r#"{"username": "zhang.kefu", "display_name": "张客服", "unit_id": null,
            "roles": ["intake_agent"], "password": "Temp2026x"}"#,
    )
    .await
    .expect("created");
    assert_eq!(created["roles"][0], "intake_agent");
    let taken = dispatch(
        &t.db,
        &admin,
        "accounts.create",
        r#"{"username": "ZHANG.kefu", "display_name": "重名", "unit_id": null,
            "roles": ["intake_agent"], "password": "Temp2026x"}"#,
    )
    .await
    .expect_err("user names are unique, whatever the case");
    assert_eq!(taken.to_api(Lang::Zh).fields[0].code, "field.taken");

    let first = sign_in(&t.db, "zhang.kefu", "Temp2026x").await.expect("sign in");
    assert!(first.must_change_password, "a password set by an administrator is temporary");
    let agent = first.actor;
    let changed = dispatch(
        &t.db,
        &agent,
        "auth.change_password",
        r#"{"current_password": "Temp2026x", "new_password": "Mine2026x"}"#,
    )
    .await
    .expect("changed");
    assert!(changed["changed_at"].is_string());
    assert!(!sign_in(&t.db, "zhang.kefu", "Mine2026x").await.expect("new").must_change_password);
    let hashes_in_log: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE payload LIKE '%argon2%'")
            .fetch_one(t.db.pool())
            .await
            .expect("scan");
    assert_eq!(hashes_in_log, 0, "no password hash ever enters the log");

    // The last administrator keeps the role.
    let e = dispatch(
        &t.db,
        &admin,
        "accounts.update",
        &format!(r#"{{"id": "{}", "active": false}}"#, admin.id),
    )
    .await
    .expect_err("last administrator");
    assert_eq!(e.code(), "auth.last_administrator");
}

#[tokio::test]
async fn roles_see_the_cases_and_contact_data_their_scope_allows() {
    let t = support::with_demo(300, 13).await;
    let actor = |username: &'static str| {
        let db = t.db.clone();
        async move {
            let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = ?")
                .bind(username)
                .fetch_one(db.pool())
                .await
                .expect("account");
            let mut conn = db.pool().acquire().await.expect("conn");
            load_actor(&mut conn, &id).await.expect("actor")
        }
    };
    let list = |a: Actor| {
        let db = t.db.clone();
        async move { dispatch(&db, &a, "cases.list", r#"{"limit": 500}"#).await.expect("list") }
    };
    let all: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(t.db.pool()).await.expect("n");

    // A department head sees their department's cases only.
    let head = actor("head.as").await;
    let dept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases c JOIN org_units d ON d.id = c.department_id WHERE d.code = 'DEP-AS'",
    )
    .fetch_one(t.db.pool())
    .await
    .expect("n");
    let seen = list(head.clone()).await;
    assert_eq!(seen["total"].as_i64(), Some(dept));
    assert!(dept > 0 && dept < all);
    let outside: String = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN org_units d ON d.id = c.department_id WHERE d.code <> 'DEP-AS' LIMIT 1",
    )
    .fetch_one(t.db.pool())
    .await
    .expect("case");
    let e = dispatch(&t.db, &head, "cases.get", &format!(r#"{{"id": "{outside}"}}"#))
        .await
        .expect_err("outside the department");
    assert_eq!(e.code(), "auth.forbidden");

    // An agent sees every case, with full contact data only on the ones they received.
    let agent = actor("agent01").await;
    let page = list(agent.clone()).await;
    assert_eq!(page["total"].as_i64(), Some(all));
    let mut own = 0;
    let mut others = 0;
    for item in page["items"].as_array().expect("items") {
        let id = item["id"].as_str().expect("id");
        let detail = dispatch(&t.db, &agent, "cases.get", &format!(r#"{{"id": "{id}"}}"#))
            .await
            .expect("get");
        let received_by_me: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = ? AND received_by_id = ?")
                .bind(id)
                .bind(&agent.id)
                .fetch_one(t.db.pool())
                .await
                .expect("n");
        let mobile = detail["consumer"]["mobile"].as_str().unwrap_or_default();
        let name = detail["consumer"]["name"].as_str().unwrap_or_default();
        if received_by_me == 1 {
            own += 1;
            assert!(
                !mobile.contains('*') && !name.ends_with('某'),
                "own case in full: {name} {mobile}"
            );
        } else {
            others += 1;
            assert!(mobile.contains("****") && name.ends_with('某'), "masked: {name} {mobile}");
        }
    }
    assert!(own > 0 && others > 0);

    // Legal sees everything in full.
    let legal = actor("legal01").await;
    let full = list(legal).await;
    assert!(full["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| !i["consumer_name"].as_str().expect("name").ends_with('某')));
}
