//! Print-ready documents (PDF): notices to consumers and internal bulletins.

pub mod bulletin;
pub mod fonts;
pub mod linebreak;
pub mod mask;
pub mod notice;
pub mod pdf;
pub mod templates;
pub mod text;
