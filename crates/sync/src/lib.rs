//! The automerge-repo network protocol without IO.
