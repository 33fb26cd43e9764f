//! Importing rows: a preview of the first rows, a plan that checks every row against the
//! workspace, and the plan written in batches so the app can show progress between them.
//!
//! A row matches an existing record by its natural key (see [`Kind::matching`]) and updates only
//! the fields its non-blank cells fill; otherwise it creates a record. A blank cell never clears
//! a field. Rows with the same natural key in one file act on one record, each in turn. A row
//! with any problem is left out whole and reported with its line, column and a message; every
//! other row imports.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::account::{Account, Contact};
use crate::channel::Partner;
use crate::collection::{HasTable, Tables};
use crate::commands::selling::workspace_currency;
use crate::date::Date;
use crate::deal::Deal;
use crate::error::{Error, Invalid};
use crate::id::RawId;
use crate::lead::Lead;
use crate::money::Currency;
use crate::product::Product;
use crate::workspace::{BatchError, Stamp, Workspace};

use super::cell::{Cell, Cx, Names};
use super::columns::{Importable, Kind};
use super::mapping::Mapping;
use super::read::Sheet;
use super::write::restore;

/// A row, or one of its cells, that did not import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line of the file the row starts on.
    pub line: usize,
    /// The header of the column at fault; `None` when the fault is the row's as a whole.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column:?}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// What importing one row does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Makes a new record.
    Create,
    /// Changes these stored fields of an existing record (or of one an earlier row makes).
    Update(Vec<&'static str>),
    /// Matches a record that already holds every value the row gives.
    Unchanged,
    /// The row is blank and is skipped.
    Blank,
    /// The row does not import, for these reasons.
    Invalid(Vec<RowError>),
}

/// One cell of a previewed row as import reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellPreview {
    pub column: usize,
    pub field: &'static str,
    /// The value as import understood it (a name as the workspace spells it, an amount with
    /// its decimals, a choice by its label), `""` for a blank cell, or why it cannot be read.
    /// Cells are read as for a new record: a stage of a deal in another pipeline than the
    /// default may show as unknown here while the row's [`Outcome`] finds it.
    pub value: Result<String, String>,
}

/// One row of the file as import would take it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPreview {
    pub line: usize,
    /// The mapped cells, in column order.
    pub cells: Vec<CellPreview>,
    pub outcome: Outcome,
}

/// How far an import has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Progress {
    /// Records written or failed so far.
    pub done: usize,
    /// Records the plan writes in all.
    pub total: usize,
    pub created: usize,
    pub updated: usize,
    /// Records that failed when written; each has a [`RowError`].
    pub failed: usize,
}

impl Progress {
    pub fn is_finished(&self) -> bool {
        self.done >= self.total
    }
}

/// One record the plan writes, from one or more rows of the file.
struct Step<R> {
    /// The lines of the rows that fill it.
    lines: Vec<usize>,
    creates: bool,
    record: R,
    /// The columns (indices into the record type's columns) the rows gave values for.
    columns: Vec<usize>,
}

/// Where a natural key leads.
#[derive(Clone, Copy)]
enum Target<I> {
    One(I),
    /// This many existing records share the key.
    Many(usize),
}

/// Checks rows one at a time against the tables and what earlier rows planned.
struct Planner<'a, R: Importable> {
    mapping: &'a Mapping,
    data: &'a Tables,
    names: Names<'a>,
    today: Date,
    currency: Currency,
    /// (index into the columns of `R`, column of the file), in the order of `R`'s columns, so
    /// that a cell may depend on an earlier one (a deal's contact on its account).
    cells: Vec<(usize, usize)>,
    currency_column: Option<usize>,
    keys: HashMap<String, Target<R::Id>>,
    steps: Vec<Step<R>>,
    step_of: HashMap<R::Id, usize>,
    unchanged: usize,
}

impl<'a, R: Importable> Planner<'a, R> {
    fn new(mapping: &'a Mapping, data: &'a Tables, today: Date) -> Planner<'a, R> {
        debug_assert_eq!(mapping.kind(), R::KIND, "the mapping is for another record type");
        let columns = R::columns();
        let cells: Vec<(usize, usize)> =
            columns.iter().enumerate().filter_map(|(i, c)| mapping.column(c.info.name).map(|file| (i, file))).collect();
        let mut keys: HashMap<String, Target<R::Id>> = HashMap::new();
        for record in R::table(data).iter() {
            for key in record.index_keys() {
                keys.entry(key)
                    .and_modify(|t| {
                        *t = match *t {
                            Target::One(id) if id == record.id() => Target::One(id),
                            Target::One(_) => Target::Many(2),
                            Target::Many(n) => Target::Many(n + 1),
                        }
                    })
                    .or_insert(Target::One(record.id()));
            }
        }
        Planner {
            mapping,
            data,
            names: Names::new(data),
            today,
            currency: workspace_currency(data),
            cells,
            currency_column: mapping.column("currency"),
            keys,
            steps: Vec::new(),
            step_of: HashMap::new(),
            unchanged: 0,
        }
    }

    fn error(&self, line: usize, file_column: Option<usize>, message: String) -> RowError {
        RowError { line, column: file_column.map(|c| self.mapping.header()[c].clone()), message }
    }

    /// The row's non-blank mapped cells, with the quote export adds to formula-like text removed.
    fn present<'r>(&self, row: &'r super::read::Row) -> Vec<(usize, usize, &'r str)> {
        self.cells
            .iter()
            .filter_map(|&(col, file)| {
                let text = restore(row.field(file)).trim();
                (!text.is_empty()).then_some((col, file, text))
            })
            .collect()
    }

    /// Reads the present cells into `probe`, a record holding only what reading them needs.
    fn probe(
        &self,
        line: usize,
        present: &[(usize, usize, &str)],
        mut probe: R,
        currency: Currency,
    ) -> (R, Vec<RowError>) {
        let cx = Cx { data: self.data, names: &self.names, currency };
        let mut errors = Vec::new();
        for &(col, file, text) in present {
            if let Err(message) = (R::columns()[col].read)(&mut probe, text, &cx) {
                errors.push(self.error(line, Some(file), message));
            }
        }
        (probe, errors)
    }

    /// Where the record an id names stands now: in an earlier row's step, else in the tables.
    fn current(&self, id: R::Id) -> Option<(&R, Option<usize>)> {
        match self.step_of.get(&id) {
            Some(&i) => Some((&self.steps[i].record, Some(i))),
            None => R::table(self.data).get(id).map(|r| (r, None)),
        }
    }

    /// Plans one row and says what it does.
    fn row(&mut self, row: &super::read::Row, new_id: &mut dyn FnMut() -> RawId) -> Outcome {
        let line = row.line;
        if row.is_blank() {
            return Outcome::Blank;
        }
        let header_len = self.mapping.header().len();
        if row.fields[header_len.min(row.fields.len())..].iter().any(|f| !f.trim().is_empty()) {
            let message = format!(
                "This line has {} values but the header has {header_len} columns; a value with a comma in it may \
                 be missing its quotes",
                row.fields.len()
            );
            return Outcome::Invalid(vec![self.error(line, None, message)]);
        }
        let present = self.present(row);
        let cx = Cx { data: self.data, names: &self.names, currency: self.currency };
        let row_currency = match self.currency_column.map(|c| restore(row.field(c)).trim()) {
            Some(text) if !text.is_empty() => match <Currency as Cell>::parse(text, &cx) {
                Ok(c) => Some(c),
                Err(message) => return Outcome::Invalid(vec![self.error(line, self.currency_column, message)]),
            },
            _ => None,
        };
        // The row is read once to find the record it matches, and again against that record:
        // amounts without a currency column are in its currency, and a deal's stage is looked
        // up in its pipeline.
        let (first, first_errors) = self.probe(line, &present, R::default(), row_currency.unwrap_or(self.currency));
        let mut target = None;
        for key in first.match_keys() {
            match self.keys.get(&key) {
                Some(Target::One(id)) => {
                    target = Some(*id);
                    break;
                }
                Some(Target::Many(n)) => {
                    let message = format!(
                        "{n} {}s already match this row, so it is unclear which to update; make them differ first",
                        R::NOUN
                    );
                    return Outcome::Invalid(vec![self.error(line, None, message)]);
                }
                None => {}
            }
        }
        let (base, step, creates) = match target.and_then(|id| self.current(id)) {
            Some((record, step)) => {
                let creates = step.is_some_and(|i| self.steps[i].creates);
                (record.clone(), step, creates)
            }
            None => {
                if !first_errors.is_empty() {
                    return Outcome::Invalid(first_errors);
                }
                let cx = Cx { currency: row_currency.unwrap_or(self.currency), ..cx };
                (R::fresh(new_id(), &cx, self.today), None, true)
            }
        };
        let probe = if step.is_none() && creates {
            first
        } else {
            let currency = row_currency.or(base.currency()).unwrap_or(self.currency);
            match self.probe(line, &present, base.seed(), currency) {
                (probe, errors) if errors.is_empty() => probe,
                (_, errors) => return Outcome::Invalid(errors),
            }
        };

        let mut candidate = base.clone();
        for &(col, _, _) in &present {
            (R::columns()[col].copy)(&probe, &mut candidate);
        }
        let is_new = creates && step.is_none();
        candidate.settle(&base, is_new, self.today);
        if let Err(invalid) = candidate.validate(self.data) {
            return Outcome::Invalid(problems(self.mapping, line, &invalid));
        }
        if !is_new && candidate == base {
            self.unchanged += 1;
            return Outcome::Unchanged;
        }
        let outcome = if is_new { Outcome::Create } else { Outcome::Update(candidate.changed_fields(&base)) };

        let id = candidate.id();
        for key in candidate.index_keys() {
            let entry = self.keys.entry(key).or_insert(Target::One(id));
            if let Target::One(other) = *entry
                && other != id
            {
                *entry = Target::Many(2);
            }
        }
        let columns = present.iter().map(|&(col, _, _)| col);
        match step {
            Some(i) => {
                let step = &mut self.steps[i];
                step.lines.push(line);
                step.record = candidate;
                step.columns.extend(columns);
                step.columns.sort_unstable();
                step.columns.dedup();
            }
            None => {
                self.step_of.insert(id, self.steps.len());
                self.steps.push(Step { lines: vec![line], creates, record: candidate, columns: columns.collect() });
            }
        }
        outcome
    }
}

/// Validation problems as row errors, each on the column that fills its field when one does.
fn problems(mapping: &Mapping, line: usize, invalid: &Invalid) -> Vec<RowError> {
    invalid
        .0
        .iter()
        .map(|p| match mapping.header_for(p.field) {
            Some(header) => RowError { line, column: Some(header.to_string()), message: p.message.clone() },
            None => {
                let label = mapping.kind().fields().into_iter().find(|f| f.fills(p.field)).map(|f| f.label);
                let message = match label {
                    Some(label) => format!("{label}: {}", p.message),
                    None => p.message.clone(),
                };
                RowError { line, column: None, message }
            }
        })
        .collect()
}

/// Runs `$body` with `$r` bound to the record type of `$kind`.
macro_rules! for_kind {
    ($kind:expr, $r:ident => $body:expr) => {
        match $kind {
            Kind::Accounts => {
                type $r = Account;
                $body
            }
            Kind::Contacts => {
                type $r = Contact;
                $body
            }
            Kind::Leads => {
                type $r = Lead;
                $body
            }
            Kind::Deals => {
                type $r = Deal;
                $body
            }
            Kind::Products => {
                type $r = Product;
                $body
            }
            Kind::Partners => {
                type $r = Partner;
                $body
            }
        }
    };
}
pub(crate) use for_kind;

/// How the first `limit` rows of a file would import: each mapped cell as it is read, and what
/// the row would do. Nothing is written.
pub fn preview(mapping: &Mapping, sheet: &Sheet, data: &Tables, today: Date, limit: usize) -> Vec<RowPreview> {
    for_kind!(mapping.kind(), R => preview_of::<R>(mapping, sheet, data, today, limit))
}

fn preview_of<R: Importable>(
    mapping: &Mapping,
    sheet: &Sheet,
    data: &Tables,
    today: Date,
    limit: usize,
) -> Vec<RowPreview> {
    let mut planner = Planner::<R>::new(mapping, data, today);
    // Previews never write, so their new records can share made-up ids.
    let mut n = 0u128;
    let mut new_id = move || {
        n += 1;
        RawId(n)
    };
    let mut out = Vec::new();
    for row in sheet.rows.iter().take(limit) {
        let currency = planner
            .currency_column
            .and_then(|c| restore(row.field(c)).trim().parse::<Currency>().ok())
            .unwrap_or(planner.currency);
        let cx = Cx { data, names: &planner.names, currency };
        // Cells are read in the record type's column order into one record, as the plan reads
        // them, so that a deal's contact is looked up at the deal's account.
        let mut probe = R::default();
        let mut cells: Vec<CellPreview> = Vec::new();
        for &(col, column) in &planner.cells {
            let column_def = &R::columns()[col];
            let text = restore(row.field(column)).trim();
            let value = if text.is_empty() {
                Ok(String::new())
            } else {
                (column_def.read)(&mut probe, text, &cx).map(|()| text.to_string())
            };
            cells.push(CellPreview { column, field: column_def.info.name, value });
        }
        for cell in &mut cells {
            let column_def = R::columns().iter().find(|c| c.info.name == cell.field).expect("mapped fields exist");
            if let Ok(text) = &mut cell.value
                && !text.is_empty()
            {
                match cell.field {
                    "currency" => *text = currency.to_string(),
                    _ if column_def.info.exported => *text = (column_def.show)(&probe, &cx),
                    _ => {}
                }
            }
        }
        cells.sort_by_key(|c| c.column);
        let outcome = planner.row(row, &mut new_id);
        out.push(RowPreview { line: row.line, cells, outcome });
    }
    out
}

/// Checks every row of a file and plans the records to create and update. Rows that cannot
/// import are in [`ImportPlan::errors`], together with rows the file itself garbled. `new_id`
/// gives the id of each record created; `today` is the creation day of new leads and deals.
pub fn plan_import(
    mapping: &Mapping,
    sheet: &Sheet,
    data: &Tables,
    today: Date,
    mut new_id: impl FnMut() -> RawId,
) -> ImportPlan {
    for_kind!(mapping.kind(), R => plan_of::<R>(mapping, sheet, data, today, &mut new_id))
}

fn plan_of<R: Importable>(
    mapping: &Mapping,
    sheet: &Sheet,
    data: &Tables,
    today: Date,
    new_id: &mut dyn FnMut() -> RawId,
) -> ImportPlan
where
    Tables: HasTable<R>,
{
    let mut planner = Planner::<R>::new(mapping, data, today);
    let mut errors: Vec<RowError> =
        sheet.errors.iter().map(|e| RowError { line: e.line, column: None, message: e.problem.to_string() }).collect();
    let mut blank = 0;
    for row in &sheet.rows {
        match planner.row(row, new_id) {
            Outcome::Invalid(row_errors) => errors.extend(row_errors),
            Outcome::Blank => blank += 1,
            _ => {}
        }
    }
    errors.sort_by_key(|e| e.line);
    let creates = planner.steps.iter().filter(|s| s.creates).count();
    let steps = Steps { steps: planner.steps };
    ImportPlan {
        kind: mapping.kind(),
        mapping: mapping.clone(),
        today,
        creates,
        updates: steps.steps.len() - creates,
        unchanged: planner.unchanged,
        blank,
        errors,
        progress: Progress { total: steps.steps.len(), ..Progress::default() },
        steps: Box::new(steps),
    }
}

/// What writing some of a plan's records did.
#[derive(Default)]
struct Written {
    created: usize,
    updated: usize,
    failed: usize,
    errors: Vec<RowError>,
}

/// The typed records of a plan, behind a trait so that the plan itself is one type.
trait Pending: Send + Sync {
    /// Writes the steps in `range`. Fails, having written nothing, when a document they go to
    /// is not loaded yet.
    fn write(
        &self,
        range: Range<usize>,
        ws: &mut Workspace,
        stamp: Stamp,
        today: Date,
        mapping: &Mapping,
    ) -> Result<Written, Error>;
}

struct Steps<R> {
    steps: Vec<Step<R>>,
}

/// A record that failed to be written, as row errors on the first line that filled it.
fn failure(mapping: &Mapping, line: usize, error: &Error) -> Vec<RowError> {
    match error {
        Error::Invalid(invalid) => problems(mapping, line, invalid),
        other => vec![RowError { line, column: None, message: other.to_string() }],
    }
}

impl<R: Importable> Pending for Steps<R>
where
    Tables: HasTable<R>,
{
    fn write(
        &self,
        range: Range<usize>,
        ws: &mut Workspace,
        stamp: Stamp,
        today: Date,
        mapping: &Mapping,
    ) -> Result<Written, Error> {
        let steps = &self.steps[range];
        for step in steps {
            let name = Workspace::doc_of::<R>(step.record.id());
            if !ws.is_loaded(name) {
                return Err(Error::NotLoaded(name.to_string()));
            }
        }
        let mut written = Written::default();

        // New records go in one change per document. A batch is all or nothing, so the records
        // it rejects are reported and the rest submitted again.
        let mut creates: Vec<&Step<R>> = steps.iter().filter(|s| s.creates).collect();
        while !creates.is_empty() {
            match ws.create_batch(creates.iter().map(|s| s.record.clone()).collect(), stamp) {
                Ok(()) => {
                    written.created += creates.len();
                    break;
                }
                Err(BatchError::Rejected(rejections)) => {
                    for rejection in &rejections {
                        let step = creates[rejection.index];
                        written.failed += 1;
                        written.errors.extend(failure(mapping, step.lines[0], &rejection.error));
                    }
                    let rejected: Vec<usize> = rejections.iter().map(|r| r.index).collect();
                    creates = creates
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| !rejected.contains(i))
                        .map(|(_, s)| s)
                        .collect();
                }
                Err(BatchError::Workspace(error)) => {
                    // A document failed part way: the records in documents written before it
                    // are in the tables, the others are not.
                    for step in &creates {
                        if R::table(&ws.data).contains(step.record.id()) {
                            written.created += 1;
                        } else {
                            written.failed += 1;
                            written.errors.extend(failure(mapping, step.lines[0], &error));
                        }
                    }
                    break;
                }
            }
        }

        for step in steps.iter().filter(|s| !s.creates) {
            let line = step.lines[0];
            // The plan's values go onto the record as it is now, so that edits made since the
            // plan to fields the file does not fill survive.
            let Some(now) = R::table(&ws.data).get(step.record.id()).cloned() else {
                let message = format!("The {} this row updates was deleted before the import reached it", R::NOUN);
                written.failed += 1;
                written.errors.push(RowError { line, column: None, message });
                continue;
            };
            let mut record = now.clone();
            for &col in &step.columns {
                (R::columns()[col].copy)(&step.record, &mut record);
            }
            record.settle(&now, false, today);
            match ws.update(record, stamp) {
                Ok(_) => written.updated += 1,
                Err(error) => {
                    written.failed += 1;
                    written.errors.extend(failure(mapping, line, &error));
                }
            }
        }
        written.errors.sort_by_key(|e| e.line);
        Ok(written)
    }
}

/// The records an import creates and updates, and the rows that cannot import. Write it with
/// [`ImportPlan::apply_batch`] a few hundred records at a time, so the app can show progress and
/// stay responsive between batches.
pub struct ImportPlan {
    kind: Kind,
    mapping: Mapping,
    today: Date,
    creates: usize,
    updates: usize,
    unchanged: usize,
    blank: usize,
    errors: Vec<RowError>,
    progress: Progress,
    steps: Box<dyn Pending>,
}

impl fmt::Debug for ImportPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportPlan")
            .field("kind", &self.kind)
            .field("creates", &self.creates)
            .field("updates", &self.updates)
            .field("unchanged", &self.unchanged)
            .field("errors", &self.errors.len())
            .field("progress", &self.progress)
            .finish()
    }
}

/// Batches of this size keep each pause of the app short; see [`ImportPlan::apply_batch`].
pub const BATCH: usize = 200;

impl ImportPlan {
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Records the plan creates.
    pub fn creates(&self) -> usize {
        self.creates
    }

    /// Existing records the plan changes.
    pub fn updates(&self) -> usize {
        self.updates
    }

    /// Rows that match a record and would change nothing.
    pub fn unchanged(&self) -> usize {
        self.unchanged
    }

    /// Blank rows, skipped.
    pub fn blank(&self) -> usize {
        self.blank
    }

    /// Rows that did not import, in line order, then records that failed when written.
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Writes up to `max` more records (at least one) and says how far the import has come. A
    /// record that fails now (a record it refers to was deleted since the plan, say) becomes a
    /// row error and the rest go on. Fails only when a document the import writes to is not
    /// loaded yet; the plan then stays where it was and can be applied again later.
    pub fn apply_batch(&mut self, ws: &mut Workspace, max: usize, stamp: Stamp) -> Result<Progress, Error> {
        let end = (self.progress.done + max.max(1)).min(self.progress.total);
        let written = self.steps.write(self.progress.done..end, ws, stamp, self.today, &self.mapping)?;
        self.progress.created += written.created;
        self.progress.updated += written.updated;
        self.progress.failed += written.failed;
        self.progress.done = end;
        self.errors.extend(written.errors);
        Ok(self.progress)
    }

    /// Writes every remaining record at once.
    pub fn apply_all(&mut self, ws: &mut Workspace, stamp: Stamp) -> Result<Progress, Error> {
        let remaining = self.progress.total - self.progress.done;
        self.apply_batch(ws, remaining, stamp)
    }
}
