//! Which column of a file fills which field, and a first guess at it from the header.

use super::columns::{FieldInfo, Kind};

/// For each column of a file, the field it fills, if any. A field is filled by one column at
/// most. The mapping knows its record type, so it cannot be used with another one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    kind: Kind,
    header: Vec<String>,
    fields: Vec<Option<&'static str>>,
}

/// A mapping could not be changed as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("the file has no column {0}")]
    NoColumn(usize),
    #[error("{kind} have no field {field:?}")]
    NoField { kind: Kind, field: String },
}

impl Mapping {
    /// A mapping with no column mapped.
    pub fn new(kind: Kind, header: &[String]) -> Mapping {
        Mapping { kind, header: header.to_vec(), fields: vec![None; header.len()] }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The field column `column` fills.
    pub fn field(&self, column: usize) -> Option<&'static FieldInfo> {
        self.fields.get(column).copied().flatten().and_then(|name| self.kind.field(name))
    }

    /// The column that fills `field`.
    pub fn column(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }

    /// Maps `column` to `field` (or to nothing); a column that filled `field` before no longer does.
    pub fn set(&mut self, column: usize, field: Option<&str>) -> Result<(), MappingError> {
        if column >= self.fields.len() {
            return Err(MappingError::NoColumn(column));
        }
        let name = match field {
            None => None,
            Some(field) => Some(
                self.kind
                    .field(field)
                    .ok_or_else(|| MappingError::NoField { kind: self.kind, field: field.to_string() })?
                    .name,
            ),
        };
        if let Some(name) = name {
            for f in &mut self.fields {
                if *f == Some(name) {
                    *f = None;
                }
            }
        }
        self.fields[column] = name;
        Ok(())
    }

    /// Pairs of (column, field) for every mapped column, in column order.
    pub fn mapped(&self) -> impl Iterator<Item = (usize, &'static FieldInfo)> + '_ {
        (0..self.fields.len()).filter_map(|c| self.field(c).map(|f| (c, f)))
    }

    /// The required fields no mapped column fills; an import needs them all.
    pub fn missing_required(&self) -> Vec<&'static FieldInfo> {
        self.kind.fields().into_iter().filter(|f| f.required && !self.mapped().any(|(_, m)| m.fills(f.name))).collect()
    }

    /// The header of the column that fills the stored field `field`, for messages.
    pub(crate) fn header_for(&self, field: &str) -> Option<&str> {
        self.mapped().find(|(_, f)| f.fills(field)).map(|(c, _)| self.header[c].as_str())
    }
}

/// Lower-case letters and digits only: `E-mail`, `e_mail` and `EMAIL` all become `email`.
fn normalize(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Guesses which column fills which field from the header's names. A header matches a field by
/// its stored name, its label or a synonym, ignoring case, spaces and punctuation; failing that,
/// after dropping a leading word naming the record type ("Deal - Stage", "Account Owner").
/// Exact matches win over such partial ones, and earlier columns over later ones.
pub fn suggest_mapping(kind: Kind, header: &[String]) -> Mapping {
    let fields = kind.fields();
    let names_of =
        |f: &FieldInfo| -> Vec<String> { [f.name, f.label].iter().chain(f.synonyms).map(|n| normalize(n)).collect() };
    let candidates: Vec<(&'static FieldInfo, Vec<String>)> = fields.iter().map(|f| (*f, names_of(f))).collect();
    let find = |text: &str| candidates.iter().find(|(_, names)| names.iter().any(|n| n == text)).map(|(f, _)| *f);

    let mut mapping = Mapping::new(kind, header);
    let normalized: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    let mut taken: Vec<&'static str> = Vec::new();
    let mut assign = |mapping: &mut Mapping, column: usize, field: Option<&'static FieldInfo>| {
        if let Some(field) = field
            && mapping.fields[column].is_none()
            && !taken.contains(&field.name)
        {
            taken.push(field.name);
            mapping.fields[column] = Some(field.name);
        }
    };
    for (column, text) in normalized.iter().enumerate() {
        assign(&mut mapping, column, find(text));
    }
    for (column, text) in normalized.iter().enumerate() {
        let rest = kind.prefixes().iter().find_map(|p| text.strip_prefix(p).filter(|r| !r.is_empty()));
        assign(&mut mapping, column, rest.and_then(find));
    }
    mapping
}
