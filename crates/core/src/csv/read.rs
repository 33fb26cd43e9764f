//! Reading CSV text (RFC 4180) into rows that remember the line they start on.
//!
//! Fields may be quoted; a quoted field may hold delimiters, line breaks and doubled quotes.
//! Lines end in CRLF, LF or a lone CR. A UTF-8 byte order mark is skipped. The delimiter (`,`,
//! `;` or tab) is the one the header line uses most outside quotes. Blank lines are skipped.
//! A broken row is reported with its line and reading goes on at the next line, except after a
//! quote that is never closed: that quote swallows the rest of the file, so reading stops.

use std::fmt;

/// One record of the file: its fields and the line it starts on, counting from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Row {
    /// The field in `column`, or `""` when the row is shorter.
    pub fn field(&self, column: usize) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }

    /// Whether every field is empty or whitespace, as in a row of bare delimiters.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// What is wrong with one row of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("a quoted value is never closed: add the missing \" or double the quotes inside it (\"\")")]
    UnterminatedQuote,
    #[error("text follows a closing quote: inside a quoted value, write a quote as two quotes (\"\")")]
    TextAfterQuote,
    #[error("the file is empty")]
    Empty,
}

/// A row of the file could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct CsvError {
    /// The line the broken row starts on.
    pub line: usize,
    pub problem: Malformed,
}

/// Reads rows one at a time from CSV text.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: u8,
    finished: bool,
}

/// The delimiters recognised, in the order that breaks ties.
pub const DELIMITERS: [char; 3] = [',', ';', '\t'];

impl<'a> Reader<'a> {
    /// A reader that skips a byte order mark and takes the delimiter from the first line.
    pub fn new(text: &'a str) -> Reader<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let delimiter = detect_delimiter(text);
        Reader::with_delimiter(text, delimiter)
    }

    /// A reader with a known delimiter, such as one of [`DELIMITERS`] chosen by the user.
    ///
    /// # Panics
    ///
    /// When the delimiter is not ASCII or is a quote: a caller's mistake, not the file's.
    pub fn with_delimiter(text: &'a str, delimiter: char) -> Reader<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        assert!(delimiter.is_ascii() && delimiter != '"', "a delimiter is one ASCII character other than a quote");
        Reader { text, pos: 0, line: 1, delimiter: delimiter as u8, finished: false }
    }

    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// Consumes a line break at the current position, if there is one.
    fn eat_line_break(&mut self) -> bool {
        match self.byte(self.pos) {
            Some(b'\r') if self.byte(self.pos + 1) == Some(b'\n') => self.pos += 2,
            Some(b'\n' | b'\r') => self.pos += 1,
            _ => return false,
        }
        self.line += 1;
        true
    }

    /// Skips to just after the next line break, for recovery after a broken row.
    fn skip_line(&mut self) {
        while self.pos < self.text.len() {
            if self.eat_line_break() {
                return;
            }
            self.pos += 1;
        }
    }

    /// Reads a quoted field whose opening quote is at `self.pos`.
    fn quoted(&mut self, start_line: usize) -> Result<String, CsvError> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(offset) = bytes[self.pos..].iter().position(|&b| b == b'"') else {
                self.finished = true;
                self.pos = self.text.len();
                return Err(CsvError { line: start_line, problem: Malformed::UnterminatedQuote });
            };
            let segment = &self.text[self.pos..self.pos + offset];
            self.line += line_breaks(segment);
            value.push_str(segment);
            self.pos += offset + 1;
            if self.byte(self.pos) == Some(b'"') {
                value.push('"');
                self.pos += 1;
            } else {
                return Ok(value);
            }
        }
    }

    /// Reads one row starting at `self.pos`, which is not at the end of the text.
    fn row(&mut self) -> Result<Row, CsvError> {
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            let bytes = self.text.as_bytes();
            // Spaces before an opening quote are tolerated, as hand-written files have them.
            let mut look = self.pos;
            while look < bytes.len() && bytes[look] == b' ' && self.delimiter != b' ' {
                look += 1;
            }
            if bytes.get(look) == Some(&b'"') {
                self.pos = look;
                let value = self.quoted(line)?;
                while self.byte(self.pos) == Some(b' ') {
                    self.pos += 1;
                }
                fields.push(value);
                match self.byte(self.pos) {
                    Some(b) if b == self.delimiter => self.pos += 1,
                    None => return Ok(Row { line, fields }),
                    Some(b'\r' | b'\n') => {
                        self.eat_line_break();
                        return Ok(Row { line, fields });
                    }
                    Some(_) => {
                        self.skip_line();
                        return Err(CsvError { line, problem: Malformed::TextAfterQuote });
                    }
                }
            } else {
                let end = bytes[self.pos..]
                    .iter()
                    .position(|&b| b == self.delimiter || b == b'\n' || b == b'\r')
                    .map_or(bytes.len(), |o| self.pos + o);
                fields.push(self.text[self.pos..end].to_string());
                self.pos = end;
                match self.byte(self.pos) {
                    Some(b) if b == self.delimiter => self.pos += 1,
                    None => return Ok(Row { line, fields }),
                    Some(_) => {
                        self.eat_line_break();
                        return Ok(Row { line, fields });
                    }
                }
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Row, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        while self.eat_line_break() {}
        if self.pos >= self.text.len() {
            self.finished = true;
            return None;
        }
        Some(self.row())
    }
}

impl fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader").field("line", &self.line).field("delimiter", &self.delimiter()).finish()
    }
}

/// Line breaks in a piece of text: CRLF, LF and lone CR each count once.
fn line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).count()
}

/// The delimiter the first line uses most often outside quotes; a comma when it uses none.
pub fn detect_delimiter(text: &str) -> char {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d as u8 == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..DELIMITERS.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    DELIMITERS[best]
}

/// A whole file read at once: its header, its good rows and the rows that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub delimiter: char,
    /// The header's cells, trimmed.
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub errors: Vec<CsvError>,
}

impl Sheet {
    /// Reads a file whose first row is a header. Fails only when there is no readable header.
    pub fn parse(text: &str) -> Result<Sheet, CsvError> {
        let mut reader = Reader::new(text);
        let delimiter = reader.delimiter();
        let header = match reader.next() {
            None => return Err(CsvError { line: 1, problem: Malformed::Empty }),
            Some(Err(e)) => return Err(e),
            Some(Ok(row)) => row.fields.iter().map(|f| f.trim().to_string()).collect(),
        };
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        for row in reader {
            match row {
                Ok(row) => rows.push(row),
                Err(e) => errors.push(e),
            }
        }
        Ok(Sheet { delimiter, header, rows, errors })
    }
}
