//! The organisation: its profile and its department tree.

pub mod credit_code;
pub mod departments;
pub mod profile;
pub mod visibility;

pub use departments::{Department, DepartmentRef};
pub use profile::{OrgProfile, Platform};
pub use visibility::{Audience, Sight, Visibility};
