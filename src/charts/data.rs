//! The data a chart draws: categories along one axis and named series of integer values with
//! their format. Every report is turned into this shape, and every chart, table view and CSV
//! export reads it.

use quota_core::{Currency, Money};

use crate::format::percent_bp;

/// What a series' integers mean and how they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// Minor units (cents) of a currency.
    Money(Currency),
    /// A number of things: deals, calls, people.
    Count,
    /// Basis points: 1250 is 12.5%.
    Percent,
    /// A number of days.
    Days,
    /// A score in hundredths: 425 is a service rating of 4.25, 7250 a priority score of 72.5.
    Score,
}

impl ValueFormat {
    /// How many stored units make one unit as people read it: 100 cents make a euro, 100 basis
    /// points make a percent.
    pub fn divisor(self) -> f64 {
        match self {
            ValueFormat::Money(c) => 10f64.powi(c.exponent() as i32),
            ValueFormat::Percent | ValueFormat::Score => 100.0,
            ValueFormat::Count | ValueFormat::Days => 1.0,
        }
    }

    /// The value in full, as in a table: `12,500.00 EUR`, `1,204`, `12.5%`, `3 days`.
    pub fn full(self, value: i64) -> String {
        match self {
            ValueFormat::Money(c) => Money::new(value, c).display(),
            ValueFormat::Count => group_thousands(value),
            ValueFormat::Percent => percent_bp(value),
            ValueFormat::Days if value.abs() == 1 => format!("{value} day"),
            ValueFormat::Days => format!("{} days", group_thousands(value)),
            ValueFormat::Score => hundredths(value),
        }
    }

    /// The value abbreviated for a label next to a mark, without the currency (the axis names
    /// it): `12.5k`, `1.2M`, `12.5%`.
    pub fn short(self, value: i64) -> String {
        match self {
            ValueFormat::Percent => percent_bp(value),
            ValueFormat::Score => hundredths(value),
            _ => abbreviate(value as f64 / self.divisor()),
        }
    }

    /// The value abbreviated with its unit, for labels far from any axis: `12.5k EUR`, `3 days`.
    pub fn short_with_unit(self, value: i64) -> String {
        match self {
            ValueFormat::Money(c) => format!("{} {c}", self.short(value)),
            ValueFormat::Days if value.abs() == 1 => format!("{value} day"),
            ValueFormat::Days => format!("{} days", self.short(value)),
            ValueFormat::Count | ValueFormat::Percent | ValueFormat::Score => self.short(value),
        }
    }

    /// The unit an axis or a CSV header names: the currency code, `%` or `days`.
    pub fn unit(self) -> Option<String> {
        match self {
            ValueFormat::Money(c) => Some(c.to_string()),
            ValueFormat::Percent => Some("%".into()),
            ValueFormat::Days => Some("days".into()),
            ValueFormat::Count | ValueFormat::Score => None,
        }
    }

    /// A label with the unit in brackets: `Revenue (EUR)`.
    pub fn titled(self, label: &str) -> String {
        match (self.unit(), label.is_empty()) {
            (Some(unit), true) => unit,
            (Some(unit), false) => format!("{label} ({unit})"),
            (None, _) => label.to_string(),
        }
    }

    /// The value as a plain number a spreadsheet reads: `12500.00`, `12.5`, `3`.
    pub fn plain(self, value: i64) -> String {
        match self {
            ValueFormat::Money(c) => Money::new(value, c).amount_text(),
            ValueFormat::Percent => percent_bp(value).trim_end_matches('%').to_string(),
            ValueFormat::Count | ValueFormat::Days => value.to_string(),
            ValueFormat::Score => hundredths(value),
        }
    }
}

/// Hundredths as a decimal without trailing zeros: `425` → `4.25`, `7250` → `72.5`.
fn hundredths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    trim_zeros(format!("{sign}{}.{:02}", abs / 100, abs % 100))
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The thousands suffix that suits a magnitude, with its divisor.
pub(crate) fn magnitude(abs: f64) -> (f64, &'static str) {
    if abs >= 1e9 {
        (1e9, "B")
    } else if abs >= 1e6 {
        (1e6, "M")
    } else if abs >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// Drops trailing zeros after a decimal point: `12.50` → `12.5`, `3.0` → `3`.
pub(crate) fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A number in a few characters, as people read it: `12.5k`, `1.2M`, `950`, `9.99`.
pub fn abbreviate(x: f64) -> String {
    let (mut div, mut suffix) = magnitude(x.abs());
    // Rounding can carry into the next magnitude: 999,960 reads 1M, not 1000k.
    if !suffix.is_empty() && suffix != "B" && (x.abs() / div * 10.0).round() / 10.0 >= 1000.0 {
        (div, suffix) = magnitude(div * 1000.0);
    }
    let v = x / div;
    let decimals = match (suffix.is_empty(), v.abs()) {
        (true, _) if v.fract() == 0.0 => 0,
        (true, a) if a < 10.0 => 2,
        (_, a) if a < 100.0 => 1,
        _ => 0,
    };
    let text = trim_zeros(format!("{v:.decimals$}"));
    let text = if text == "-0" { "0".to_string() } else { text };
    format!("{text}{suffix}")
}

/// One named line of values, one per category; `None` where there is no value (a month not yet
/// reached), which charts leave as a gap and tables leave blank.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub format: ValueFormat,
    pub values: Vec<Option<i64>>,
    /// Shown in the table, tooltips and CSV but never drawn, even in the plotted format (a
    /// variance beside budget and spend).
    pub table_only: bool,
}

impl Series {
    pub fn new(name: impl Into<String>, format: ValueFormat, values: impl IntoIterator<Item = i64>) -> Series {
        Series { name: name.into(), format, values: values.into_iter().map(Some).collect(), table_only: false }
    }

    /// A series with gaps.
    pub fn sparse(
        name: impl Into<String>,
        format: ValueFormat,
        values: impl IntoIterator<Item = Option<i64>>,
    ) -> Series {
        Series { name: name.into(), format, values: values.into_iter().collect(), table_only: false }
    }

    /// Amounts of money in `currency`; an amount in another currency is left out as a gap rather
    /// than drawn at a wrong size.
    pub fn money(name: impl Into<String>, currency: Currency, values: impl IntoIterator<Item = Money>) -> Series {
        let values = values.into_iter().map(|m| (m.currency == currency).then_some(m.minor));
        Series::sparse(name, ValueFormat::Money(currency), values)
    }

    pub fn count(name: impl Into<String>, values: impl IntoIterator<Item = usize>) -> Series {
        let values = values.into_iter().map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        Series::new(name, ValueFormat::Count, values)
    }

    /// Percentages in basis points.
    pub fn percent(name: impl Into<String>, basis_points: impl IntoIterator<Item = Option<i64>>) -> Series {
        Series::sparse(name, ValueFormat::Percent, basis_points)
    }

    pub fn days(name: impl Into<String>, values: impl IntoIterator<Item = i64>) -> Series {
        Series::new(name, ValueFormat::Days, values)
    }

    /// The same series, kept out of the drawing.
    pub fn in_table_only(mut self) -> Series {
        self.table_only = true;
        self
    }

    /// The value for the category at `index`.
    pub fn get(&self, index: usize) -> Option<i64> {
        self.values.get(index).copied().flatten()
    }
}

/// A reference line across a bar or line chart: a target, a budget, last year's average.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub label: String,
    /// In the stored units of the chart's format.
    pub value: i64,
}

/// Everything a chart shows, its table view lists and its CSV export holds.
///
/// Charts draw the series that share the first series' format (the *plotted* series); series in
/// another format, such as a deal count beside won value, appear in labels, tooltips, the table
/// and the CSV.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub title: String,
    /// What the categories are ("Stage", "Month"): the table's first column and the CSV's first
    /// header.
    pub x_label: String,
    /// What the values measure ("Revenue"): the value axis title.
    pub y_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub target: Option<Target>,
}

impl ChartData {
    pub fn new(title: impl Into<String>) -> ChartData {
        ChartData { title: title.into(), ..ChartData::default() }
    }

    /// Names the categories' axis and the values' axis.
    pub fn with_axes(mut self, x_label: impl Into<String>, y_label: impl Into<String>) -> ChartData {
        self.x_label = x_label.into();
        self.y_label = y_label.into();
        self
    }

    pub fn with_categories<S: Into<String>>(mut self, categories: impl IntoIterator<Item = S>) -> ChartData {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_series(mut self, series: Series) -> ChartData {
        self.series.push(series);
        self
    }

    pub fn with_target(mut self, label: impl Into<String>, value: i64) -> ChartData {
        self.target = Some(Target { label: label.into(), value });
        self
    }

    /// The format of the plotted series: the first drawn series'.
    pub fn format(&self) -> ValueFormat {
        self.series.iter().find(|s| !s.table_only).map_or(ValueFormat::Count, |s| s.format)
    }

    fn drawn(&self, s: &Series) -> bool {
        !s.table_only && s.format == self.format()
    }

    /// The indexes of the series a chart draws: those in the first drawn series' format.
    pub fn plotted(&self) -> Vec<usize> {
        self.series.iter().enumerate().filter(|(_, s)| self.drawn(s)).map(|(i, _)| i).collect()
    }

    /// The series shown only in labels, tooltips and the table.
    pub fn extras(&self) -> Vec<usize> {
        self.series.iter().enumerate().filter(|(_, s)| !self.drawn(s)).map(|(i, _)| i).collect()
    }

    pub fn value(&self, series: usize, category: usize) -> Option<i64> {
        self.series.get(series).and_then(|s| s.get(category))
    }

    /// True when there is nothing to draw: no categories, or no plotted value other than zero.
    pub fn is_empty(&self) -> bool {
        let plotted = self.plotted();
        !(0..self.categories.len()).any(|c| plotted.iter().any(|&s| self.value(s, c).is_some_and(|v| v != 0)))
    }

    /// One line per category for a tooltip: `Qualified — Value: 12,500.00 EUR · Deals: 4`.
    pub fn describe(&self, category: usize) -> String {
        let values: Vec<String> = self
            .series
            .iter()
            .filter_map(|s| s.get(category).map(|v| format!("{}: {}", s.name, s.format.full(v))))
            .collect();
        let name = self.categories.get(category).map_or("", String::as_str);
        format!("{name} — {}", values.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

    fn check(format: ValueFormat, value: i64, full: &str, short: &str, plain: &str) {
        assert_eq!(format.full(value), full, "full {value}");
        assert_eq!(format.short(value), short, "short {value}");
        assert_eq!(format.plain(value), plain, "plain {value}");
    }

    #[test]
    fn values_read_in_full_abbreviated_and_plain() {
        check(EUR, 1_250_000, "12,500.00 EUR", "12.5k", "12500.00");
        check(EUR, 123_456_789, "1,234,567.89 EUR", "1.2M", "1234567.89");
        check(EUR, -99_900, "-999.00 EUR", "-999", "-999.00");
        check(EUR, 999, "9.99 EUR", "9.99", "9.99");
        check(ValueFormat::Money("JPY".parse().unwrap()), 12_500, "12,500 JPY", "12.5k", "12500");
        check(ValueFormat::Count, 1_204, "1,204", "1.2k", "1204");
        check(ValueFormat::Count, 7, "7", "7", "7");
        check(ValueFormat::Percent, 1_250, "12.5%", "12.5%", "12.5");
        check(ValueFormat::Percent, -400, "-4%", "-4%", "-4");
        check(ValueFormat::Days, 1, "1 day", "1", "1");
        check(ValueFormat::Days, 45, "45 days", "45", "45");
        check(ValueFormat::Score, 425, "4.25", "4.25", "4.25");
        check(ValueFormat::Score, 7_250, "72.5", "72.5", "72.5");
        check(ValueFormat::Score, 300, "3", "3", "3");
    }

    #[test]
    fn abbreviations_carry_into_the_next_magnitude_when_rounding_reaches_a_thousand() {
        for (x, text) in [
            (999_960.0, "1M"),
            (999_400.0, "999k"),
            (12_500.0, "12.5k"),
            (125_000.0, "125k"),
            (1_000.0, "1k"),
            (2_500_000_000.0, "2.5B"),
            (-0.001, "0"),
            (0.0, "0"),
        ] {
            assert_eq!(abbreviate(x), text, "{x}");
        }
    }

    #[test]
    fn labels_far_from_an_axis_carry_their_unit() {
        assert_eq!(EUR.short_with_unit(4_520_000), "45.2k EUR");
        assert_eq!(ValueFormat::Days.short_with_unit(1), "1 day");
        assert_eq!(ValueFormat::Days.short_with_unit(30), "30 days");
        assert_eq!(ValueFormat::Count.short_with_unit(30), "30");
        assert_eq!(EUR.titled("Revenue"), "Revenue (EUR)");
        assert_eq!(ValueFormat::Count.titled("Deals"), "Deals");
        assert_eq!(ValueFormat::Percent.titled(""), "%");
    }

    #[test]
    fn money_in_another_currency_is_a_gap_not_a_wrong_value() {
        let s = Series::money("Won", Currency::EUR, [Money::new(100, Currency::EUR), Money::new(100, Currency::USD)]);
        assert_eq!(s.values, vec![Some(100), None]);
    }

    #[test]
    fn only_series_in_the_first_format_are_plotted() {
        let data = ChartData::new("Pipeline")
            .with_categories(["Lead", "Won"])
            .with_series(Series::new("Value", EUR, [100, 0]))
            .with_series(Series::count("Deals", [3, 0]))
            .with_series(Series::new("Weighted", EUR, [10, 0]));
        assert_eq!(data.plotted(), vec![0, 2]);
        assert_eq!(data.extras(), vec![1]);
        assert_eq!(data.describe(0), "Lead — Value: 1.00 EUR · Deals: 3 · Weighted: 0.10 EUR");
    }

    #[test]
    fn a_series_kept_to_the_table_is_not_drawn_even_in_the_plotted_format() {
        let data = ChartData::new("Budgets")
            .with_categories(["Travel"])
            .with_series(Series::new("Budget", EUR, [100]))
            .with_series(Series::new("Spent", EUR, [120]))
            .with_series(Series::new("Variance", EUR, [-20]).in_table_only());
        assert_eq!(data.plotted(), vec![0, 1]);
        assert_eq!(data.extras(), vec![2]);
    }

    #[test]
    fn a_chart_with_only_zeros_or_gaps_is_empty() {
        let zeros = ChartData::new("t").with_categories(["a", "b"]).with_series(Series::new("x", EUR, [0, 0]));
        assert!(zeros.is_empty());
        let gaps = ChartData::new("t").with_categories(["a"]).with_series(Series::sparse("x", EUR, [None]));
        assert!(gaps.is_empty());
        assert!(ChartData::new("t").is_empty());
        let negative = ChartData::new("t").with_categories(["a"]).with_series(Series::new("x", EUR, [-5]));
        assert!(!negative.is_empty());
    }
}
