//! A chart's data as text: the rows of its table view and its CSV export, written by the core's
//! CSV writer, which neutralises spreadsheet formula injection.

use quota_core::csv::Writer;

use super::data::ChartData;

/// The table view of a chart: column headers and, per category, its name and its values in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableView {
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// The first column's header: what the categories are.
fn category_header(data: &ChartData) -> String {
    if data.x_label.is_empty() { "Category".into() } else { data.x_label.clone() }
}

/// Every series, then the target, as columns; one row per category.
pub fn table_view(data: &ChartData) -> TableView {
    let format = data.format();
    let mut head = vec![category_header(data)];
    head.extend(data.series.iter().map(|s| s.name.clone()));
    if let Some(t) = &data.target {
        head.push(t.label.clone());
    }
    let rows = data
        .categories
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let mut cells: Vec<String> =
                data.series.iter().map(|s| s.get(c).map(|v| s.format.full(v)).unwrap_or_default()).collect();
            if let Some(t) = &data.target {
                cells.push(format.full(t.value));
            }
            (name.clone(), cells)
        })
        .collect();
    TableView { head, rows }
}

/// The chart's data as CSV: a byte order mark, a header naming each column with its unit, then
/// one line per category with plain numbers (`12500.00`, `12.5`) a spreadsheet can compute with.
///
/// Every cell goes through the core's writer: a name that a spreadsheet would run as a formula
/// gets a leading apostrophe, while a plain negative number stays a number.
pub fn to_csv(data: &ChartData) -> String {
    let format = data.format();
    let mut out = Writer::new();
    let mut head = vec![category_header(data)];
    head.extend(data.series.iter().map(|s| s.format.titled(&s.name)));
    if let Some(t) = &data.target {
        head.push(format.titled(&t.label));
    }
    out.row(head);
    for (c, name) in data.categories.iter().enumerate() {
        let mut cells = vec![name.clone()];
        cells.extend(data.series.iter().map(|s| s.get(c).map(|v| s.format.plain(v)).unwrap_or_default()));
        if let Some(t) = &data.target {
            cells.push(format.plain(t.value));
        }
        out.row(cells);
    }
    out.finish()
}

/// A file name from the chart's title: `Pipeline by stage` → `pipeline-by-stage.csv`.
pub fn file_name(title: &str) -> String {
    let mut slug = String::new();
    for ch in title.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "chart.csv".into() } else { format!("{slug}.csv") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::{Series, ValueFormat};
    use quota_core::Currency;

    const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

    fn sample() -> ChartData {
        ChartData::new("Won by rep")
            .with_axes("Person", "Won value")
            .with_categories(["Anna", "=HYPERLINK(\"http://x\")", "Smith, Bo"])
            .with_series(Series::new("Won", EUR, [1_250_050, -2_000, 0]))
            .with_series(Series::sparse("Deals", ValueFormat::Count, [Some(3), None, Some(1)]))
            .with_series(Series::percent("Win rate", [Some(1_250), Some(0), None]))
            .with_target("Target", 1_000_000)
    }

    #[test]
    fn csv_has_units_in_headers_and_plain_numbers_in_cells() {
        // Quotes in the injected cell are doubled, the cell quoted because it holds them, and
        // the apostrophe keeps the spreadsheet from running it; -20.00 stays a number.
        let expect = "\u{feff}Person,Won (EUR),Deals,Win rate (%),Target (EUR)\r\n\
                      Anna,12500.50,3,12.5,10000.00\r\n\
                      \"'=HYPERLINK(\"\"http://x\"\")\",-20.00,,0,10000.00\r\n\
                      \"Smith, Bo\",0.00,1,,10000.00\r\n";
        assert_eq!(to_csv(&sample()), expect);
    }

    #[test]
    fn names_and_headers_that_a_spreadsheet_would_run_are_neutralised() {
        let data = ChartData::new("t")
            .with_axes("@x", "")
            .with_categories(["+49 30 1234", "-10 days", "\tcmd", "Plain"])
            .with_series(Series::new("=cost", ValueFormat::Count, [1, -2, 3, 4]));
        let csv = to_csv(&data);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[..5], ["'@x,'=cost", "'+49 30 1234,1", "'-10 days,-2", "\"'\tcmd\",3", "Plain,4"]);
    }

    #[test]
    fn the_table_view_shows_every_value_in_full() {
        let table = table_view(&sample());
        assert_eq!(table.head, vec!["Person", "Won", "Deals", "Win rate", "Target"]);
        assert_eq!(
            table.rows[0],
            ("Anna".to_string(), vec!["12,500.50 EUR".into(), "3".into(), "12.5%".into(), "10,000.00 EUR".into()])
        );
        assert_eq!(table.rows[1].1[1], "", "a gap is a blank cell");
    }

    #[test]
    fn file_names_are_slugs_of_the_title() {
        assert_eq!(file_name("Pipeline by stage"), "pipeline-by-stage.csv");
        assert_eq!(file_name("Plan vs. actual — 2025"), "plan-vs-actual-2025.csv");
        assert_eq!(file_name("  "), "chart.csv");
    }
}
