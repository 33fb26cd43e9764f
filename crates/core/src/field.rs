//! How one field of a record is read from and written to an Automerge map.
//!
//! Writes compare with what the document holds and touch only what differs, so two people who
//! edit different fields of one record never conflict, and saving an unchanged form adds nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjId, ObjType, ReadDoc, ScalarValue, TextEncoding, Value, hydrate};
use serde::{Deserialize, Serialize};

use crate::id::TypedId;

/// A field's stored value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("expected {expected}, found {found}")]
    WrongType { expected: &'static str, found: String },
    #[error("{0}")]
    Invalid(String),
    #[error("field {field}: {source}")]
    At { field: String, source: Box<FieldError> },
    #[error("{0}")]
    Document(String),
}

impl FieldError {
    pub fn wrong_type(expected: &'static str, found: &ScalarValue) -> FieldError {
        FieldError::WrongType { expected, found: format!("{found}") }
    }

    pub fn at(self, field: &str) -> FieldError {
        FieldError::At { field: field.to_string(), source: Box::new(self) }
    }
}

impl From<AutomergeError> for FieldError {
    fn from(e: AutomergeError) -> Self {
        FieldError::Document(e.to_string())
    }
}

/// A value stored as one Automerge scalar.
pub trait Scalar: Sized {
    fn to_scalar(&self) -> ScalarValue;
    fn from_scalar(value: &ScalarValue) -> Result<Self, FieldError>;
}

/// A value stored under one key of an Automerge map.
pub trait Field: Sized + Default + PartialEq {
    /// Reads the value; a missing key or `null` reads as the default.
    fn read<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Self, FieldError>;
    /// Writes the value where it differs from what the document holds.
    fn write<T: Transactable>(&self, tx: &mut T, obj: &ObjId, key: &str) -> Result<(), AutomergeError>;
    /// The shape of values nested inside this one, for the start-up cache's schema check.
    fn nested_schema() -> String {
        String::new()
    }
    /// The value as `write` would store it under a new record, built in memory so that many
    /// records can be written at once (see [`Workspace::create_batch`](crate::Workspace::create_batch)).
    fn tree(&self) -> Tree {
        Tree::Unsupported
    }
}

/// How a field appears in a new record's tree.
pub enum Tree {
    /// Nothing is stored: an empty optional value, empty text or an empty set.
    Absent,
    Value(hydrate::Value),
    /// The type has no tree form; records holding it are written field by field.
    Unsupported,
}

/// A new record's map built from its fields' trees, or `None` when a field has no tree form.
pub fn tree_of(fields: Vec<(&'static str, Tree)>) -> Option<hydrate::Value> {
    let mut map: HashMap<&str, hydrate::Value> = HashMap::with_capacity(fields.len());
    for (key, tree) in fields {
        match tree {
            Tree::Absent => {}
            Tree::Value(value) => {
                map.insert(key, value);
            }
            Tree::Unsupported => return None,
        }
    }
    Some(map.into())
}

/// Reads a scalar field; text objects are accepted as strings, since JavaScript peers write them.
pub fn read_scalar<S: Scalar + Default, D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<S, FieldError> {
    match doc.get(obj, key)? {
        None => Ok(S::default()),
        Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Null) => Ok(S::default()),
        Some((Value::Scalar(s), _)) => S::from_scalar(&s),
        Some((Value::Object(ObjType::Text), id)) => S::from_scalar(&ScalarValue::Str(doc.text(&id)?.into())),
        Some((Value::Object(t), _)) => Err(FieldError::WrongType { expected: "a value", found: format!("{t}") }),
    }
}

/// Writes a scalar field unless the document already holds that value.
pub fn write_scalar<S: Scalar, T: Transactable>(
    value: &S,
    tx: &mut T,
    obj: &ObjId,
    key: &str,
) -> Result<(), AutomergeError> {
    let new = value.to_scalar();
    if let Some((Value::Scalar(old), _)) = tx.get(obj, key)?
        && *old == new
    {
        return Ok(());
    }
    tx.put(obj, key, new)
}

/// Implements [`Field`] for types that are [`Scalar`].
#[macro_export]
macro_rules! scalar_field {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::field::Field for $t {
            fn read<D: automerge::ReadDoc>(doc: &D, obj: &automerge::ObjId, key: &str) -> Result<Self, $crate::field::FieldError> {
                $crate::field::read_scalar(doc, obj, key)
            }
            fn write<T: automerge::transaction::Transactable>(&self, tx: &mut T, obj: &automerge::ObjId, key: &str) -> Result<(), automerge::AutomergeError> {
                $crate::field::write_scalar(self, tx, obj, key)
            }
            fn tree(&self) -> $crate::field::Tree {
                $crate::field::Tree::Value(automerge::hydrate::Value::Scalar($crate::field::Scalar::to_scalar(self)))
            }
        }
    )*};
}

impl Scalar for String {
    fn to_scalar(&self) -> ScalarValue {
        ScalarValue::Str(self.as_str().into())
    }

    fn from_scalar(value: &ScalarValue) -> Result<Self, FieldError> {
        match value {
            ScalarValue::Str(s) => Ok(s.to_string()),
            other => Err(FieldError::wrong_type("text", other)),
        }
    }
}

impl Scalar for i64 {
    fn to_scalar(&self) -> ScalarValue {
        ScalarValue::Int(*self)
    }

    fn from_scalar(value: &ScalarValue) -> Result<Self, FieldError> {
        match value {
            ScalarValue::Int(i) => Ok(*i),
            ScalarValue::Uint(u) => i64::try_from(*u).map_err(|_| FieldError::Invalid(format!("{u} is too large"))),
            ScalarValue::Counter(c) => Ok(i64::from(c)),
            // JavaScript peers write whole numbers as floats.
            ScalarValue::F64(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
            other => Err(FieldError::wrong_type("a whole number", other)),
        }
    }
}

impl Scalar for u32 {
    fn to_scalar(&self) -> ScalarValue {
        ScalarValue::Int(i64::from(*self))
    }

    fn from_scalar(value: &ScalarValue) -> Result<Self, FieldError> {
        let i = i64::from_scalar(value)?;
        u32::try_from(i).map_err(|_| FieldError::Invalid(format!("{i} is out of range")))
    }
}

impl Scalar for bool {
    fn to_scalar(&self) -> ScalarValue {
        ScalarValue::Boolean(*self)
    }

    fn from_scalar(value: &ScalarValue) -> Result<Self, FieldError> {
        match value {
            ScalarValue::Boolean(b) => Ok(*b),
            other => Err(FieldError::wrong_type("true or false", other)),
        }
    }
}

scalar_field!(String, i64, u32, bool);
scalar_field!(crate::date::Date, crate::date::Timestamp, crate::date::Period);
scalar_field!(crate::money::Money, crate::money::Currency);

/// An optional value: `None` is a missing key.
impl<S: Scalar + PartialEq> Field for Option<S> {
    fn read<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Self, FieldError> {
        match doc.get(obj, key)? {
            None => Ok(None),
            Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Null) => Ok(None),
            Some((Value::Scalar(s), _)) => S::from_scalar(&s).map(Some),
            Some((Value::Object(ObjType::Text), id)) => {
                let text = doc.text(&id)?;
                if text.is_empty() { Ok(None) } else { S::from_scalar(&ScalarValue::Str(text.into())).map(Some) }
            }
            Some((Value::Object(t), _)) => Err(FieldError::WrongType { expected: "a value", found: format!("{t}") }),
        }
    }

    fn write<T: Transactable>(&self, tx: &mut T, obj: &ObjId, key: &str) -> Result<(), AutomergeError> {
        match self {
            Some(value) => write_scalar(value, tx, obj, key),
            None if tx.get(obj, key)?.is_some() => tx.delete(obj, key),
            None => Ok(()),
        }
    }

    fn tree(&self) -> Tree {
        match self {
            Some(value) => Tree::Value(hydrate::Value::Scalar(value.to_scalar())),
            None => Tree::Absent,
        }
    }
}

/// Free text that two people may edit at once: an Automerge text object, merged character by
/// character.
#[derive(Clone, PartialEq, Eq, Default, Debug, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub struct LongText(pub String);

impl LongText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LongText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for LongText {
    fn from(s: &str) -> Self {
        LongText(s.to_string())
    }
}

impl From<String> for LongText {
    fn from(s: String) -> Self {
        LongText(s)
    }
}

impl Field for LongText {
    fn read<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Self, FieldError> {
        match doc.get(obj, key)? {
            None => Ok(LongText::default()),
            Some((Value::Object(ObjType::Text), id)) => Ok(LongText(doc.text(&id)?)),
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(s) => Ok(LongText(s.to_string())),
                ScalarValue::Null => Ok(LongText::default()),
                other => Err(FieldError::wrong_type("text", other)),
            },
            Some((Value::Object(t), _)) => Err(FieldError::WrongType { expected: "text", found: format!("{t}") }),
        }
    }

    fn write<T: Transactable>(&self, tx: &mut T, obj: &ObjId, key: &str) -> Result<(), AutomergeError> {
        // The text object is made even when empty: two people who start typing into an empty
        // field at once then edit one shared text instead of racing to create two.
        let text_obj = match tx.get(obj, key)? {
            Some((Value::Object(ObjType::Text), id)) => id,
            _ => tx.put_object(obj, key, ObjType::Text)?,
        };
        if tx.text(&text_obj)? != self.0 {
            tx.update_text(&text_obj, &self.0)?;
        }
        Ok(())
    }

    fn tree(&self) -> Tree {
        // The encoding only shapes the in-memory value; the text is stored as characters.
        Tree::Value(hydrate::Value::text(TextEncoding::UnicodeCodePoint, &self.0))
    }
}

/// A set of ids, stored as a map from id to `true`, so that concurrent additions and removals of
/// different members all survive.
impl<K: TypedId> Field for BTreeSet<K> {
    fn read<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Self, FieldError> {
        match doc.get(obj, key)? {
            Some((Value::Object(ObjType::Map), map)) => {
                doc.keys(&map).map(|k| k.parse::<K>().map_err(|e| FieldError::Invalid(e.to_string()))).collect()
            }
            None => Ok(BTreeSet::new()),
            Some(_) => Err(FieldError::Invalid("expected a set of ids".into())),
        }
    }

    fn write<T: Transactable>(&self, tx: &mut T, obj: &ObjId, key: &str) -> Result<(), AutomergeError> {
        // The map is made even when empty, so concurrent first additions land in one map.
        let map = match tx.get(obj, key)? {
            Some((Value::Object(ObjType::Map), map)) => map,
            _ => tx.put_object(obj, key, ObjType::Map)?,
        };
        let present: Vec<String> = tx.keys(&map).collect();
        for k in &present {
            if !self.iter().any(|id| id.to_string() == *k) {
                tx.delete(&map, k.as_str())?;
            }
        }
        for id in self {
            let k = id.to_string();
            if !present.contains(&k) {
                tx.put(&map, k.as_str(), true)?;
            }
        }
        Ok(())
    }

    fn tree(&self) -> Tree {
        let keys: Vec<String> = self.iter().map(|id| id.to_string()).collect();
        let map: HashMap<&str, hydrate::Value> =
            keys.iter().map(|k| (k.as_str(), hydrate::Value::scalar(true))).collect();
        Tree::Value(map.into())
    }
}

/// A record nested inside another, keyed by its own id (a deal's line items, a plan's tiers).
pub trait Nested: Sized + Clone + PartialEq + Default {
    type Id: TypedId;
    const FIELDS: &'static [&'static str];
    /// Field names and types, in order.
    fn schema() -> String;
    fn read_fields<D: ReadDoc>(doc: &D, obj: &ObjId) -> Result<Self, FieldError>;
    fn write_fields<T: Transactable>(&self, tx: &mut T, obj: &ObjId) -> Result<(), AutomergeError>;
    /// The item's map as `write_fields` would store it new; `None` when it has no tree form.
    fn tree(&self) -> Option<hydrate::Value> {
        None
    }
}

/// Nested records keyed by id: a map of maps, so concurrent edits of different items merge.
impl<K: TypedId, V: Nested> Field for BTreeMap<K, V> {
    fn nested_schema() -> String {
        V::schema()
    }

    fn read<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Self, FieldError> {
        let map = match doc.get(obj, key)? {
            Some((Value::Object(ObjType::Map), map)) => map,
            None => return Ok(BTreeMap::new()),
            Some(_) => return Err(FieldError::Invalid("expected a map of items".into())),
        };
        let mut out = BTreeMap::new();
        for item in doc.map_range(&map, ..) {
            let id: K = item.key.parse().map_err(|e: crate::id::BadId| FieldError::Invalid(e.to_string()))?;
            let value = V::read_fields(doc, &item.id()).map_err(|e| e.at(&item.key))?;
            out.insert(id, value);
        }
        Ok(out)
    }

    fn write<T: Transactable>(&self, tx: &mut T, obj: &ObjId, key: &str) -> Result<(), AutomergeError> {
        // The map is made even when empty, so concurrent first additions land in one map.
        let map = match tx.get(obj, key)? {
            Some((Value::Object(ObjType::Map), map)) => map,
            _ => tx.put_object(obj, key, ObjType::Map)?,
        };
        let present: Vec<String> = tx.keys(&map).collect();
        for k in &present {
            if k.parse::<K>().map(|id| !self.contains_key(&id)).unwrap_or(true) {
                tx.delete(&map, k.as_str())?;
            }
        }
        for (id, value) in self {
            let k = id.to_string();
            let item = match tx.get(&map, k.as_str())? {
                Some((Value::Object(ObjType::Map), item)) => item,
                _ => tx.put_object(&map, k.as_str(), ObjType::Map)?,
            };
            value.write_fields(tx, &item)?;
        }
        Ok(())
    }

    fn tree(&self) -> Tree {
        let mut items = Vec::with_capacity(self.len());
        for (id, value) in self {
            match value.tree() {
                Some(tree) => items.push((id.to_string(), tree)),
                None => return Tree::Unsupported,
            }
        }
        let map: HashMap<&str, hydrate::Value> = items.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        Tree::Value(map.into())
    }
}

/// Declares an enum stored as a short string, with `as_str`, `label`, `ALL` and `FromStr`.
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal / $label:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, serde::Serialize, serde::Deserialize)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The form shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::ALL[0]
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::field::FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(t) || v.label().eq_ignore_ascii_case(t))
                    .ok_or_else(|| $crate::field::FieldError::Invalid(format!(
                        "{t:?} is not one of: {}",
                        $name::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join(", ")
                    )))
            }
        }

        impl $crate::field::Scalar for $name {
            fn to_scalar(&self) -> automerge::ScalarValue {
                automerge::ScalarValue::Str(self.as_str().into())
            }
            fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, $crate::field::FieldError> {
                match value {
                    automerge::ScalarValue::Str(s) => s.parse(),
                    other => Err($crate::field::FieldError::wrong_type(stringify!($name), other)),
                }
            }
        }

        $crate::scalar_field!($name);
    };
}
