//! Who is acting, and what they may do. Every operation takes one and asks it for the
//! permission it needs; every event records its id.

use crate::auth::roles::{CaseScope, Permission, RoleCode, RoleGrant};
use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// The local system identity: the CLI without `--as`, acting with every right, because
    /// whoever can run it on this machine already holds the database file. Recorded as
    /// `system` on every event it writes.
    System,
    /// A signed-in account.
    Account,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Stable id written into events: an account id, or `system`.
    pub id: String,
    pub display_name: String,
    pub kind: ActorKind,
    /// The organisation unit the account belongs to (its department, store or branch).
    pub unit_id: Option<String>,
    pub roles: Vec<RoleCode>,
    pub grant: RoleGrant,
}

pub const SYSTEM_ID: &str = "system";

impl Actor {
    pub fn system() -> Self {
        Actor {
            id: SYSTEM_ID.into(),
            display_name: "系统".into(),
            kind: ActorKind::System,
            unit_id: None,
            roles: vec![RoleCode::Administrator],
            grant: RoleGrant {
                permissions: Permission::ALL.into_iter().collect(),
                case_scope: CaseScope::All,
            },
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.grant.permissions.contains(&permission)
    }

    /// Refuses with `auth.forbidden` unless the actor holds `permission`.
    pub fn require(&self, permission: Permission) -> CoreResult<()> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(CoreError::Forbidden { permission: Some(permission) })
        }
    }

    /// Refuses unless the actor holds at least one of `permissions`.
    pub fn require_any(&self, permissions: &[Permission]) -> CoreResult<()> {
        if permissions.iter().any(|p| self.may(*p)) {
            Ok(())
        } else {
            Err(CoreError::Forbidden { permission: permissions.first().copied() })
        }
    }

    pub fn is_account(&self) -> bool {
        self.kind == ActorKind::Account
    }
}
