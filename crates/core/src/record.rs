//! The record abstraction: a struct whose fields map one-to-one onto keys of an Automerge map.
//!
//! Every record lives at the root of one shard document of its collection, under its id. The
//! [`record!`](crate::record!) macro declares the struct and its mapping; each record type then
//! implements [`Validate`] by hand.

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjId, ReadDoc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::collection::{Collection, Tables};
use crate::error::Invalid;
use crate::field::FieldError;
use crate::id::TypedId;

/// A record type stored in a collection.
pub trait Record: Sized + Clone + PartialEq + Default + Serialize + DeserializeOwned + Validate + 'static {
    type Id: TypedId;
    const COLLECTION: Collection;
    /// The stored keys, in declaration order.
    const FIELDS: &'static [&'static str];

    fn id(&self) -> Self::Id;
    fn read_fields<D: ReadDoc>(id: Self::Id, doc: &D, obj: &ObjId) -> Result<Self, FieldError>;
    fn write_fields<T: Transactable>(&self, tx: &mut T, obj: &ObjId) -> Result<(), AutomergeError>;
    /// The fields whose values differ between `self` and `other`.
    fn changed_fields(&self, other: &Self) -> Vec<&'static str>;
    /// Field names and types in order, nested records included: a start-up cache written with
    /// another schema is not read.
    fn schema() -> String;
    /// The record's map as `write_fields` would store it new, built in memory so that many
    /// records can be written at once; `None` when a field has no tree form.
    fn tree(&self) -> Option<automerge::hydrate::Value> {
        None
    }

    /// The shard document this record lives in.
    fn shard(id: Self::Id) -> u32 {
        id.raw().bucket(Self::COLLECTION.shards())
    }
}

/// The checks a record must pass before it is written.
pub trait Validate {
    /// Checks the record's own values and its references to other records in `data`.
    fn validate(&self, data: &Tables) -> Result<(), Invalid>;
}

/// Declares a record stored in a collection: the struct, its serde derive and its mapping.
///
/// ```text
/// record! {
///     /// A customer organisation.
///     pub struct Account: AccountId in Accounts {
///         /// The company's name.
///         name: String,
///     }
/// }
/// ```
#[macro_export]
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident : $id:ident in $coll:ident {
            $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            pub id: $id,
            $( $(#[$fmeta])* #[serde(default)] pub $field: $fty, )*
        }

        impl $crate::record::Record for $name {
            type Id = $id;
            const COLLECTION: $crate::collection::Collection = $crate::collection::Collection::$coll;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn id(&self) -> $id {
                self.id
            }

            fn read_fields<D: automerge::ReadDoc>(
                id: $id,
                doc: &D,
                obj: &automerge::ObjId,
            ) -> Result<Self, $crate::field::FieldError> {
                Ok($name {
                    id,
                    $( $field: <$fty as $crate::field::Field>::read(doc, obj, stringify!($field))
                        .map_err(|e| e.at(stringify!($field)))?, )*
                })
            }

            fn write_fields<T: automerge::transaction::Transactable>(
                &self,
                tx: &mut T,
                obj: &automerge::ObjId,
            ) -> Result<(), automerge::AutomergeError> {
                $( $crate::field::Field::write(&self.$field, tx, obj, stringify!($field))?; )*
                Ok(())
            }

            fn changed_fields(&self, other: &Self) -> Vec<&'static str> {
                let mut changed = Vec::new();
                $( if self.$field != other.$field { changed.push(stringify!($field)); } )*
                changed
            }

            fn schema() -> String {
                let mut out = String::new();
                $(
                    out.push_str(concat!(stringify!($field), ":", stringify!($fty), "{"));
                    out.push_str(&<$fty as $crate::field::Field>::nested_schema());
                    out.push_str("};");
                )*
                out
            }

            fn tree(&self) -> Option<automerge::hydrate::Value> {
                $crate::field::tree_of(vec![$( (stringify!($field), $crate::field::Field::tree(&self.$field)) ),*])
            }
        }
    };
}

/// Declares a record nested inside another record's map (see [`crate::field::Nested`]).
#[macro_export]
macro_rules! nested {
    (
        $(#[$meta:meta])*
        pub struct $name:ident : $id:ty {
            $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* #[serde(default)] pub $field: $fty, )*
        }

        impl $crate::field::Nested for $name {
            type Id = $id;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn schema() -> String {
                let mut out = String::new();
                $(
                    out.push_str(concat!(stringify!($field), ":", stringify!($fty), "{"));
                    out.push_str(&<$fty as $crate::field::Field>::nested_schema());
                    out.push_str("};");
                )*
                out
            }

            fn read_fields<D: automerge::ReadDoc>(
                doc: &D,
                obj: &automerge::ObjId,
            ) -> Result<Self, $crate::field::FieldError> {
                Ok($name {
                    $( $field: <$fty as $crate::field::Field>::read(doc, obj, stringify!($field))
                        .map_err(|e| e.at(stringify!($field)))?, )*
                })
            }

            fn write_fields<T: automerge::transaction::Transactable>(
                &self,
                tx: &mut T,
                obj: &automerge::ObjId,
            ) -> Result<(), automerge::AutomergeError> {
                $( $crate::field::Field::write(&self.$field, tx, obj, stringify!($field))?; )*
                Ok(())
            }

            fn tree(&self) -> Option<automerge::hydrate::Value> {
                $crate::field::tree_of(vec![$( (stringify!($field), $crate::field::Field::tree(&self.$field)) ),*])
            }
        }
    };
}
