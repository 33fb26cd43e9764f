//! The sales domain of Quota: records, commands and reports over Automerge documents.
//!
//! No IO, no UI and no clock: time and new ids are arguments. See ARCHITECTURE.md.

pub mod collection;
pub mod date;
pub mod error;
pub mod field;
pub mod id;
pub mod money;
pub mod record;
pub mod validate;
pub mod workspace;

pub mod account;
pub mod activity;
pub mod channel;
pub mod deal;
pub mod lead;
pub mod management;
pub mod market;
pub mod org;
pub mod product;
pub mod review;

pub mod commands;
pub mod csv;
pub mod exchange;
pub mod generate;
pub mod reports;
pub mod service;
pub mod settings;

pub use collection::{Collection, DocName, HasTable, Table, Tables};
pub use date::{Date, Period, Timestamp};
pub use error::{Error, Invalid, Problem};
pub use field::LongText;
pub use id::{RawId, TypedId};
pub use money::{Currency, Money};
pub use record::{Record, Validate};
pub use workspace::{Stamp, Workspace, WorkspaceKey};
