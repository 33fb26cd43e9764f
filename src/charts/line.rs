//! Line and area charts over periods: sales growth, plan against actual per month, with an
//! optional target line; a missing value breaks the line instead of dropping to zero.

use super::data::ChartData;
use super::grid::Grid;
use super::svg::{self, Swatch, num};

/// How a line chart is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineOptions {
    /// Shade the area between each line and zero.
    pub area: bool,
}

/// Path data for points with gaps: one `M…L…` run per stretch without a gap.
pub fn runs(points: &[Option<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for point in points {
        match point {
            Some(p) => current.push(*p),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn path_data(run: &[(f64, f64)]) -> String {
    run.iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{} {}", if i == 0 { 'M' } else { 'L' }, num(*x), num(*y)))
        .collect()
}

/// The chart's SVG markup (with its legend) at `width` pixels.
pub fn line_markup(data: &ChartData, options: LineOptions, width: f64, uid: &str) -> String {
    let plotted = data.plotted();
    let n = data.categories.len();
    let values = plotted.iter().flat_map(|&s| data.series[s].values.iter().flatten().copied());
    let extent = values
        .chain(data.target.iter().map(|t| t.value))
        .fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v as f64), f64::max(hi, v as f64)));
    let grid = Grid::new(data, extent, width, false);

    let mut out = svg::open(uid, width, grid.height, &data.title, &line_summary(data));
    out.push_str(&grid.markup(data));
    out.push_str(&grid.target_markup(data));
    // Markers on every point while they have room; a lone point between gaps always gets one,
    // since it has no line.
    let roomy = grid.band >= 12.0;
    for (i, &s) in plotted.iter().enumerate() {
        let points: Vec<Option<(f64, f64)>> =
            (0..n).map(|c| data.value(s, c).map(|v| (grid.center(c), grid.y(v as f64)))).collect();
        let class = svg::series_class(i);
        out.push_str(&format!(r#"<g class="series {class}">"#));
        for run in runs(&points) {
            if options.area {
                let zero = grid.y(0.0);
                let (first, last) = (run[0].0, run[run.len() - 1].0);
                out.push_str(&format!(
                    r#"<path class="area {class}" d="{}L{} {}L{} {}Z"/>"#,
                    path_data(&run),
                    num(last),
                    num(zero),
                    num(first),
                    num(zero)
                ));
            }
            out.push_str(&format!(r#"<path class="line {class}" d="{}"/>"#, path_data(&run)));
            if roomy || run.len() == 1 {
                for (x, y) in &run {
                    out.push_str(&svg::marker(i, *x, *y));
                }
            }
        }
        out.push_str("</g>");
    }
    // Invisible columns over each category carry its values as a tooltip.
    out.push_str(r#"<g class="hover">"#);
    for c in 0..n {
        out.push_str(&format!(
            r#"<rect class="hit" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
            num(grid.center(c) - grid.band / 2.0),
            num(grid.top),
            num(grid.band),
            num(grid.bottom - grid.top),
            svg::esc(&data.describe(c))
        ));
    }
    out.push_str("</g></svg>");

    let mut items: Vec<(usize, Swatch, String)> =
        plotted.iter().enumerate().map(|(i, &s)| (i, Swatch::Line, data.series[s].name.clone())).collect();
    if let Some(t) = &data.target {
        items.push((0, Swatch::Target, t.label.clone()));
    }
    let legend = if items.len() > 1 { svg::legend(uid, &items) } else { String::new() };
    format!("{legend}{out}")
}

/// What a screen reader hears: where each line starts and ends and its highest point.
pub fn line_summary(data: &ChartData) -> String {
    let mut text = format!("{}. Line chart {}", data.title, super::bar::span(data));
    for &s in data.plotted().iter().take(4) {
        let series = &data.series[s];
        let points: Vec<(usize, i64)> =
            (0..data.categories.len()).filter_map(|c| series.get(c).map(|v| (c, v))).collect();
        let (Some(&(fc, fv)), Some(&(lc, lv))) = (points.first(), points.last()) else {
            text.push_str(&format!(" {}: no values.", series.name));
            continue;
        };
        let &(hc, hv) = points.iter().rev().max_by_key(|(_, v)| *v).unwrap_or(&(fc, fv));
        let f = series.format;
        text.push_str(&format!(
            " {}: {} in {} to {} in {}, highest {} in {}.",
            series.name,
            f.full(fv),
            data.categories[fc],
            f.full(lv),
            data.categories[lc],
            f.full(hv),
            data.categories[hc]
        ));
    }
    if let Some(t) = &data.target {
        text.push_str(&format!(" {}: {}.", t.label, data.format().full(t.value)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::{Series, ValueFormat};
    use quota_core::Currency;

    const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

    #[test]
    fn gaps_break_a_line_into_runs() {
        let p = |x: f64| Some((x, x));
        assert_eq!(
            runs(&[p(1.0), p(2.0), None, p(4.0), None, None]),
            vec![vec![(1.0, 1.0), (2.0, 2.0)], vec![(4.0, 4.0)]]
        );
        assert!(runs(&[None, None]).is_empty());
    }

    fn plan_actual() -> ChartData {
        ChartData::new("Plan vs actual")
            .with_axes("Month", "Revenue")
            .with_categories(["2025-01", "2025-02", "2025-03", "2025-04"])
            .with_series(Series::new("Plan", EUR, [1_000_000, 1_000_000, 1_200_000, 1_200_000]))
            .with_series(Series::sparse("Actual", EUR, [Some(900_000), Some(1_300_000), None, None]))
            .with_target("Target", 1_100_000)
    }

    #[test]
    fn each_series_is_a_line_with_a_marker_per_point() {
        let markup = line_markup(&plan_actual(), LineOptions::default(), 600.0, "c1");
        let (legend, drawing) = markup.split_at(markup.find("<svg class=\"chart-svg\"").unwrap());
        assert_eq!(drawing.matches(r#"<path class="line "#).count(), 2);
        // Four plan points and two actual points.
        assert_eq!(drawing.matches(r#"class="marker "#).count(), 6);
        assert_eq!(legend.matches("<li>").count(), 3, "plan, actual and target");
        assert!(markup.contains(r#"class="target-line""#));
        assert!(markup.contains(">Target 11k</text>"));
        assert!(markup.contains("<title>2025-03 — Plan: 12,000.00 EUR</title>"));
    }

    #[test]
    fn areas_close_down_to_the_zero_line() {
        let markup = line_markup(&plan_actual(), LineOptions { area: true }, 600.0, "c1");
        assert_eq!(markup.matches(r#"<path class="area "#).count(), 2);
    }

    #[test]
    fn the_summary_tells_where_lines_start_end_and_peak() {
        assert_eq!(
            line_summary(&plan_actual()),
            "Plan vs actual. Line chart by month, 2025-01 to 2025-04. \
             Plan: 10,000.00 EUR in 2025-01 to 12,000.00 EUR in 2025-04, highest 12,000.00 EUR in 2025-03. \
             Actual: 9,000.00 EUR in 2025-01 to 13,000.00 EUR in 2025-02, highest 13,000.00 EUR in 2025-02. \
             Target: 11,000.00 EUR."
        );
    }
}
