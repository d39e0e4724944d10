//! Members: the people in the directory, their departments (one of them main) and leader flags.
//!
//! - [`schema`]: the member fields, defined once;
//! - [`model`]: the member as forms give it and as it is shown;
//! - `check`: what a form or the CLI gives, checked field by field;
//! - `store`: the statements that write members (built from the schema);
//! - `query`: reading them, [`search`]: the index searches go through.

mod check;
mod model;
mod query;
pub mod schema;
pub mod search;
pub(crate) mod store;
pub mod userid;

pub use model::{Gender, Member, MemberInput, MemberPage, MemberQuery, MemberSaved, MemberStatus};
pub(crate) use query::{count, each, get, id_of, list, page, Count};
pub use schema::{FieldKey, FieldKind, FieldSpec, MemberFields, FIELDS};
pub(crate) use store::{add, delete, update};
