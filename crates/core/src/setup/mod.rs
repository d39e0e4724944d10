//! The setup journey (guide §1–§8): certification planner, readiness checklist, security and
//! compliance, hardware plan. Every change goes through the one recorded mutation path.

pub mod calendar;
pub mod certification;
pub mod checklist;
pub mod hardware;
pub mod security;

/// What the app checks need from the setup: is the organisation certified, is the PIPL
/// purpose written down.
pub(crate) fn app_facts(conn: &rusqlite::Connection) -> crate::Result<crate::apps::AppFacts> {
    use rusqlite::OptionalExtension;
    let approved: Option<Option<String>> = conn
        .query_row(
            "SELECT approved_on FROM certification WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let purpose = security::load(conn)?
        .get("pipl_purpose")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    Ok(crate::apps::AppFacts {
        certified: approved.flatten().is_some(),
        pipl_purpose: purpose,
    })
}
