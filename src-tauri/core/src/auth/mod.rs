//! Who may do what. Every operation asks the acting `Actor` for the permission it needs, in
//! the core, so no face (app, CLI, hub) can skip the check.

pub mod accounts;
pub mod password;
pub mod roles;

pub use roles::{CaseScope, Permission, RoleCode};
