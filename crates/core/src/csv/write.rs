//! Writing CSV text that spreadsheets open safely, and undoing the one change that requires.
//!
//! Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula (and some
//! skip a leading tab or carriage return first), so a record named `=HYPERLINK(...)` could run
//! when the export is opened. Such a cell is written with a leading `'`, which spreadsheets take
//! as "this is text". To keep export and import exact inverses, a cell that already starts with
//! quotes followed by one of those characters also gets one more quote, and import removes
//! exactly one quote from any cell of that shape (see [`restore`]). A cell that is just a
//! number, such as `-12.50`, is not a formula and is written as it is.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(TRIGGERS)
}

/// Whether the text is a plain decimal number such as `-12.50`.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty() && !frac.is_empty() && (whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
}

/// The cell as written to a file: with a leading `'` when a spreadsheet would read it as a
/// formula, or when it already starts with quotes followed by a formula character.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if starts_like_formula(cell) && !is_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The cell as it was before [`neutralize`]: one leading `'` comes off a cell made of quotes
/// followed by a formula character; any other cell is returned unchanged.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => rest,
        _ => cell,
    }
}

/// Builds CSV text row by row: comma-separated, CRLF line ends, a UTF-8 byte order mark first
/// (without it, spreadsheet programs misread accented letters), every cell neutralized.
#[derive(Clone, Debug)]
pub struct Writer {
    out: String,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer { out: String::from('\u{feff}') }
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            push_cell(&mut self.out, &neutralize(cell.as_ref()));
        }
        self.out.push_str("\r\n");
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Appends a cell, quoted when it holds a delimiter, a quote or a line break, or starts or ends
/// with a space that a reader might trim.
fn push_cell(out: &mut String, cell: &str) {
    let needs_quotes = cell.contains([',', ';', '\t', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ');
    if needs_quotes {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralizing_is_undone_exactly_by_restore() {
        for cell in
            ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''@x", "'", "''", "plain", "-12.50", "", "a=b"]
        {
            assert_eq!(restore(&neutralize(cell)), cell, "{cell:?}");
        }
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("-12.50"), "-12.50");
        assert_eq!(neutralize("-12."), "'-12.");
        assert_eq!(restore("'plain"), "'plain");
    }
}
