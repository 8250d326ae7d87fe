//! The vocabulary of the policy as types: what a case is, and the events that change it.

pub mod case;
pub mod emergency;
pub mod events;
pub mod org;
pub mod supervision;
pub mod workflow;
