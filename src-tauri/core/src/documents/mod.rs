//! Print-ready documents (PDF): notices to consumers, internal bulletins and statistical
//! analysis reports.

pub mod bulletin;
pub mod chart;
pub mod emergency;
pub mod fonts;
pub mod linebreak;
pub mod mask;
pub mod notice;
pub mod pdf;
pub mod report;
pub mod templates;
pub mod text;
