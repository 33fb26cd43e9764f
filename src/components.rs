//! Components that several pages share.

pub mod conflicts;
pub mod form;
pub mod history;
pub mod notices;
pub mod status;
pub mod table;
