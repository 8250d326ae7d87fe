//! Print-ready documents (PDF): notices to consumers and internal bulletins.

pub mod linebreak;
