//! Commands: edits that change several records at once or follow business rules, built on
//! [`Workspace::create`](crate::Workspace::create), `update` and `delete`.

pub mod channels;
pub mod people;
pub mod review;
pub mod selling;
