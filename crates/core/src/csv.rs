//! CSV import and export of records (being written).
