//! CSV import and export of accounts, contacts, leads, deals, products and partners.
//!
//! The app reads a file as text and drives an import in steps, each a plain function here:
//! 1. [`Sheet::parse`] reads the text (RFC 4180; `,`, `;` or tab; LF or CRLF; a byte order mark
//!    is skipped) into a header and rows with their line numbers;
//! 2. [`suggest_mapping`] guesses which column fills which field of the chosen [`Kind`]; the
//!    user corrects it with [`Mapping::set`] and [`Mapping::missing_required`] says what is
//!    still needed;
//! 3. [`preview`] shows the first rows as they would import, cell by cell;
//! 4. [`plan_import`] checks every row and returns an [`ImportPlan`]: the records to create and
//!    update and a [`RowError`] (line, column, message) for each row that cannot import;
//! 5. [`ImportPlan::apply_batch`] writes the plan a batch at a time, reporting [`Progress`].
//!
//! [`export`] writes records with a header of labels, which [`suggest_mapping`] maps back in
//! full, so an export imports again unchanged.
//!
//! Cell formats: text is trimmed; dates are `YYYY-MM-DD` only (a day-month order cannot be told
//! from a month-day one); amounts are decimals with a `.` in the row's currency, from the
//! currency column, else the matched record's, else the workspace's; choices are a label or a
//! stored value in any case; references are the other record's name, ignoring case and extra
//! spaces (a person also by email address; a deal's stage in the pipeline its row names, else in
//! the deal's own, else in the default pipeline). Formula-like cells are written with a leading
//! `'`, which import removes again; see [`neutralize`].
//!
//! A blank cell never clears a field. Deal line items and a lead's conversion links are not part
//! of CSV.

mod cell;
mod columns;
mod export;
mod import;
mod mapping;
mod read;
mod write;

pub use cell::Format;
pub use columns::{FieldInfo, Kind};
pub use export::{export, export_ids};
pub use import::{BATCH, CellPreview, ImportPlan, Outcome, Progress, RowError, RowPreview, plan_import, preview};
pub use mapping::{Mapping, MappingError, suggest_mapping};
pub use read::{CsvError, DELIMITERS, Malformed, Reader, Row, Sheet, detect_delimiter};
pub use write::{Writer, neutralize, restore};
