//! The setup journey (guide §1–§8): certification planner, readiness checklist, security and
//! compliance, hardware plan. Every change goes through the one recorded mutation path.

pub mod calendar;
pub mod certification;
pub mod checklist;
pub mod hardware;
pub mod security;
