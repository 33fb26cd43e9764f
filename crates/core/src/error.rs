//! The crate's error type, and `Invalid`: the field-by-field problems with a record.

use std::fmt;

use crate::field::FieldError;

/// One problem with one field of a record, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's stored name, which is also the form control's name.
    pub field: &'static str,
    pub message: String,
}

/// A record failed validation; every problem found is listed, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<Problem>);

impl Invalid {
    pub fn new() -> Invalid {
        Invalid::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(Problem { field, message: message.into() });
    }

    /// Records a problem with `field` when `failed` holds.
    pub fn check(&mut self, failed: bool, field: &'static str, message: impl Into<String>) {
        if failed {
            self.add(field, message);
        }
    }

    /// `Ok` when no problem was recorded.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The message for one field, if it has a problem.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|p| p.field == field).map(|p| p.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid record: {0}")]
    Invalid(#[from] Invalid),
    #[error("{collection} record {id} does not exist")]
    NotFound { collection: &'static str, id: String },
    #[error("{collection} record {id} already exists")]
    AlreadyExists { collection: &'static str, id: String },
    #[error("document {0} is not loaded yet")]
    NotLoaded(String),
    #[error("{0}")]
    Field(#[from] FieldError),
    #[error("document error: {0}")]
    Document(#[from] automerge::AutomergeError),
    #[error("{0}")]
    Rejected(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
