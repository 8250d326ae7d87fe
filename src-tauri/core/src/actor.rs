//! Who is acting. Every operation takes one, and every event records it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Actor {
    /// Stable id written into events: an account id, or `system` for the local system identity.
    pub id: String,
    pub display_name: String,
}

impl Actor {
    /// The local system identity: the desktop app before accounts exist, and the CLI run by
    /// whoever already holds the database file.
    pub fn system() -> Self {
        Actor { id: "system".into(), display_name: "系统".into() }
    }
}
