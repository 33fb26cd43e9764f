//! Small checks that several record types share.

/// A light check that catches typos, not a full address parser.
pub fn looks_like_email(text: &str) -> bool {
    let t = text.trim();
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !t.contains(' ')
        }
        None => false,
    }
}

/// Percentages are whole numbers from 0 to 100.
pub fn is_percent(value: u32) -> bool {
    value <= 100
}

use crate::collection::Table;
use crate::error::Invalid;
use crate::record::Record;

/// Records a problem when an optional reference names a record that does not exist.
pub fn check_ref<R: Record>(inv: &mut Invalid, field: &'static str, id: Option<R::Id>, table: &Table<R>, what: &str) {
    if let Some(id) = id
        && !table.contains(id)
    {
        inv.add(field, format!("That {what} does not exist"));
    }
}

/// Records a problem when a required reference is missing or names a record that does not exist.
pub fn require_ref<R: Record>(inv: &mut Invalid, field: &'static str, id: R::Id, table: &Table<R>, what: &str) {
    if id == R::Id::default() {
        let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        inv.add(field, format!("Choose {article} {what}"));
    } else if !table.contains(id) {
        inv.add(field, format!("That {what} does not exist"));
    }
}

/// Records a problem when a required text is blank.
pub fn require_text(inv: &mut Invalid, field: &'static str, text: &str, message: &str) {
    if text.trim().is_empty() {
        inv.add(field, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails_pass_and_typos_fail() {
        assert!(looks_like_email("ana@example.com"));
        assert!(looks_like_email(" ana.b@mail.example.org "));
        for bad in ["ana", "ana@", "@example.com", "ana@example", "ana@.com", "an a@example.com"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
