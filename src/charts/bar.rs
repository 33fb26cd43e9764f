//! Bar charts: grouped or stacked, upright or lying down (for long category names such as people
//! on a leaderboard or loss reasons), with negative values on the far side of the zero line.

use super::data::ChartData;
use super::grid::Grid;
use super::scale::{text_width, truncate, value_axis};
use super::svg::{self, FONT, Swatch};

/// Below this width, horizontal bars have their names above them instead of beside them.
const NAMES_ABOVE_BELOW: f64 = 480.0;

/// How a bar chart is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BarOptions {
    /// Series stacked on each other instead of side by side.
    pub stacked: bool,
    /// Bars lying along rows, category names on the left.
    pub horizontal: bool,
}

/// Where each stacked segment starts and ends, per series and category: positive values stack
/// up from zero, negative values down from zero, each on its own running total. A gap has no
/// segment.
pub fn stack_offsets(series: &[&[Option<i64>]], categories: usize) -> Vec<Vec<Option<(i64, i64)>>> {
    let mut up = vec![0i64; categories];
    let mut down = vec![0i64; categories];
    series
        .iter()
        .map(|values| {
            (0..categories)
                .map(|c| {
                    let v = values.get(c).copied().flatten()?;
                    let base = if v >= 0 { &mut up[c] } else { &mut down[c] };
                    let start = *base;
                    *base = base.saturating_add(v);
                    Some((start, *base))
                })
                .collect()
        })
        .collect()
}

/// A bar's extent in value terms, for every plotted series and category.
fn segments(data: &ChartData, options: BarOptions) -> Vec<Vec<Option<(i64, i64)>>> {
    let plotted = data.plotted();
    let n = data.categories.len();
    if options.stacked {
        let values: Vec<&[Option<i64>]> = plotted.iter().map(|&s| data.series[s].values.as_slice()).collect();
        stack_offsets(&values, n)
    } else {
        plotted.iter().map(|&s| (0..n).map(|c| data.value(s, c).map(|v| (0, v))).collect()).collect()
    }
}

/// The lowest and highest value the bars and the target reach.
fn extent(segments: &[Vec<Option<(i64, i64)>>], data: &ChartData) -> (f64, f64) {
    let ends = segments.iter().flatten().flatten().map(|&(_, end)| end);
    let target = data.target.iter().map(|t| t.value);
    ends.chain(target).fold((0.0, 0.0), |(lo, hi), v| (f64::min(lo, v as f64), f64::max(hi, v as f64)))
}

/// The label at the end of each category's bar: the value, or the stack's total.
fn value_label(data: &ChartData, series: usize, category: usize, options: BarOptions) -> Option<(i64, String)> {
    let format = data.format();
    if options.stacked {
        let total: i64 = data.plotted().iter().filter_map(|&s| data.value(s, category)).sum();
        Some((total, format.short(total)))
    } else {
        data.value(series, category).map(|v| (v, format.short(v)))
    }
}

/// The chart's SVG markup (with its legend) at `width` pixels; `uid` keeps its pattern ids
/// apart from other charts on the page.
pub fn bar_markup(data: &ChartData, options: BarOptions, width: f64, uid: &str) -> String {
    let segs = segments(data, options);
    let body = if options.horizontal {
        horizontal(data, &segs, options, width, uid)
    } else {
        vertical(data, &segs, options, width, uid)
    };
    let plotted = data.plotted();
    let mut items: Vec<(usize, Swatch, String)> =
        plotted.iter().enumerate().map(|(i, &s)| (i, Swatch::Block, data.series[s].name.clone())).collect();
    if let Some(t) = &data.target {
        items.push((0, Swatch::Target, t.label.clone()));
    }
    let legend = if items.len() > 1 { svg::legend(uid, &items) } else { String::new() };
    format!("{legend}{body}")
}

fn vertical(data: &ChartData, segs: &[Vec<Option<(i64, i64)>>], options: BarOptions, width: f64, uid: &str) -> String {
    let n = data.categories.len();
    let groups = if options.stacked { 1 } else { segs.len().max(1) };
    // Labels are shown when each fits over its bar.
    let probe = Grid::new(data, extent(segs, data), width, false);
    let group_width = (probe.band * 0.72).min(56.0 * groups as f64);
    let bar_width = group_width / groups as f64;
    let widest = (0..n)
        .flat_map(|c| (0..segs.len()).filter_map(move |s| value_label(data, data.plotted()[s], c, options)))
        .map(|(_, l)| text_width(&l, FONT))
        .fold(0.0, f64::max);
    let labelled = widest <= bar_width + 6.0;
    let grid = if labelled { Grid::new(data, extent(segs, data), width, true) } else { probe };

    let mut out = svg::open(uid, width, grid.height, &data.title, &bar_summary(data, options));
    out.push_str(&grid.markup(data));
    out.push_str(r#"<g class="bars">"#);
    let plotted = data.plotted();
    for c in 0..n {
        out.push_str(&format!("<g class=\"category-bars\"><title>{}</title>", svg::esc(&data.describe(c))));
        let start = grid.center(c) - group_width / 2.0;
        for (i, series) in segs.iter().enumerate() {
            let Some((from, to)) = series[c] else { continue };
            let x = if options.stacked { start } else { start + bar_width * i as f64 };
            let (y0, y1) = (grid.y(from as f64), grid.y(to as f64));
            let inset = if groups > 1 { 1.0 } else { 0.0 };
            out.push_str(&svg::block(uid, i, x + inset, y0.min(y1), bar_width - 2.0 * inset, (y1 - y0).abs(), "bar"));
            let last = !options.stacked || i + 1 == segs.len();
            if labelled
                && last
                && let Some((value, label)) = value_label(data, plotted[i], c, options)
            {
                let (cx, y) = if options.stacked {
                    let tops = segs.iter().filter_map(|s| s[c]).map(|(_, to)| to);
                    let end = if value >= 0 { tops.fold(0, i64::max) } else { tops.fold(0, i64::min) };
                    (start + group_width / 2.0, grid.y(end as f64))
                } else {
                    (x + bar_width / 2.0, y1)
                };
                let y = if value >= 0 { y - 4.0 } else { y + FONT + 1.0 };
                out.push_str(&svg::text(cx, y, "middle", "value", &label));
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
    out.push_str(&grid.target_markup(data));
    out.push_str("</svg>");
    out
}

fn horizontal(
    data: &ChartData,
    segs: &[Vec<Option<(i64, i64)>>],
    options: BarOptions,
    width: f64,
    uid: &str,
) -> String {
    let n = data.categories.len();
    let groups = if options.stacked { 1 } else { segs.len().max(1) };
    let band = if options.stacked { 28.0 } else { (groups as f64 * 14.0 + 12.0).max(28.0) };
    let bar_height = (band - 8.0) / groups as f64;
    let plotted = data.plotted();

    // On a wide chart names sit left of their bars, up to two fifths of the width; on a phone
    // they sit above their bars so the bars get the whole width. Longer names are cut and kept
    // whole in the tooltip.
    let names_above = width < NAMES_ABOVE_BELOW;
    let max_chars = if names_above { (width - 8.0) / (FONT * 0.6) } else { (width * 0.4) / (FONT * 0.6) } as usize;
    let names: Vec<String> = data.categories.iter().map(|c| truncate(c, max_chars.clamp(6, 60))).collect();
    let name_width = names.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let name_line = if names_above { FONT + 6.0 } else { 0.0 };
    let row_height = band + name_line;
    let labels: Vec<Vec<Option<(i64, String)>>> = (0..segs.len())
        .map(|s| (0..n).map(|c| segs[s][c].and_then(|_| value_label(data, plotted[s], c, options))).collect())
        .collect();
    let label_width = |negative: bool| {
        labels
            .iter()
            .flatten()
            .flatten()
            .filter(|(v, _)| (*v < 0) == negative)
            .map(|(_, l)| text_width(l, FONT))
            .fold(0.0, f64::max)
    };
    let names_end = if names_above { 0.0 } else { name_width + 10.0 };
    let (left_room, right_room) = (label_width(true), label_width(false));
    let plot_left = names_end + if left_room > 0.0 { left_room + 6.0 } else { 0.0 };
    let plot_right = width - if right_room > 0.0 { right_room + 8.0 } else { 14.0 };
    let top = if data.y_label.is_empty() { 8.0 } else { 26.0 };
    let bottom = top + row_height * n as f64;
    let height = bottom + FONT + 12.0;
    let count = ((plot_right - plot_left) / 60.0).clamp(2.0, 8.0) as usize;
    let axis = value_axis([extent(segs, data).0, extent(segs, data).1], data.format(), count, (plot_left, plot_right));

    let mut out = svg::open(uid, width, height, &data.title, &bar_summary(data, options));
    if !data.y_label.is_empty() {
        out.push_str(&svg::text(plot_left, FONT + 2.0, "start", "axis-title", &data.format().titled(&data.y_label)));
    }
    out.push_str(&svg::horizontal_axis(&axis, top, bottom, width));
    out.push_str(r#"<g class="bars">"#);
    for c in 0..n {
        let name_top = top + row_height * c as f64;
        let row = name_top + name_line;
        out.push_str(&format!("<g class=\"category-bars\"><title>{}</title>", svg::esc(&data.describe(c))));
        let (x, y, anchor) = if names_above {
            (4.0, name_top + FONT + 2.0, "start")
        } else {
            (names_end - 8.0, row + band / 2.0 + FONT * 0.35, "end")
        };
        out.push_str(&svg::text_with_tip(x, y, anchor, "category", &names[c], &data.categories[c]));
        for (i, series) in segs.iter().enumerate() {
            let Some((from, to)) = series[c] else { continue };
            let y = if options.stacked { row + 4.0 } else { row + 4.0 + bar_height * i as f64 };
            let (x0, x1) = (axis.scale.at(from as f64), axis.scale.at(to as f64));
            let inset = if groups > 1 { 0.5 } else { 0.0 };
            out.push_str(&svg::block(uid, i, x0.min(x1), y + inset, (x1 - x0).abs(), bar_height - 2.0 * inset, "bar"));
            let last = !options.stacked || i + 1 == segs.len();
            if last && let Some((value, label)) = &labels[i][c] {
                let end = if options.stacked {
                    let ends = segs.iter().filter_map(|s| s[c]).map(|(_, to)| to);
                    axis.scale.at((if *value >= 0 { ends.fold(0, i64::max) } else { ends.fold(0, i64::min) }) as f64)
                } else {
                    x1
                };
                let (x, anchor) = if *value >= 0 { (end + 4.0, "start") } else { (end - 4.0, "end") };
                let middle = if options.stacked { row + band / 2.0 } else { y + bar_height / 2.0 };
                out.push_str(&svg::text(x, middle + FONT * 0.35, anchor, "value", label));
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
    if let Some(target) = &data.target {
        let x = axis.scale.at(target.value as f64);
        out.push_str(&format!(r#"<g class="target">{}</g>"#, svg::line(x, top - 4.0, x, bottom, "target-line")));
    }
    out.push_str("</svg>");
    out
}

/// What a screen reader hears for the chart: what it shows and its extremes.
pub fn bar_summary(data: &ChartData, options: BarOptions) -> String {
    let kind = if options.stacked { "Stacked bar chart" } else { "Bar chart" };
    let mut text = format!("{}. {kind} {}", data.title, span(data));
    for &s in data.plotted().iter().take(4) {
        text.push(' ');
        text.push_str(&extremes(data, s));
    }
    if let Some(t) = &data.target {
        text.push_str(&format!(" {}: {}.", t.label, data.format().full(t.value)));
    }
    text
}

/// `by quarter, Q1 to Q4.`: what the categories are and where they start and end.
pub(crate) fn span(data: &ChartData) -> String {
    let noun = if data.x_label.is_empty() { "category".into() } else { data.x_label.to_lowercase() };
    match data.categories.as_slice() {
        [] => format!("by {noun}, empty."),
        [only] => format!("by {noun}: {only}."),
        [first, .., last] => format!("by {noun}, {first} to {last}."),
    }
}

/// `Won: highest Anna at 12,000.00 EUR, lowest Bo at 1,000.00 EUR.`
pub(crate) fn extremes(data: &ChartData, series: usize) -> String {
    let s = &data.series[series];
    let values = || (0..data.categories.len()).filter_map(|c| s.get(c).map(|v| (c, v)));
    let highest = values().fold(None, |best: Option<(usize, i64)>, (c, v)| match best {
        Some((_, b)) if b >= v => best,
        _ => Some((c, v)),
    });
    let lowest = values().fold(None, |best: Option<(usize, i64)>, (c, v)| match best {
        Some((_, b)) if b <= v => best,
        _ => Some((c, v)),
    });
    match (highest, lowest) {
        (Some((h, hv)), Some((l, lv))) if h != l => format!(
            "{}: highest {} at {}, lowest {} at {}.",
            s.name,
            data.categories[h],
            s.format.full(hv),
            data.categories[l],
            s.format.full(lv)
        ),
        (Some((h, hv)), _) => format!("{}: {} at {}.", s.name, data.categories[h], s.format.full(hv)),
        _ => format!("{}: no values.", s.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::{Series, ValueFormat};
    use quota_core::Currency;

    const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

    #[test]
    fn stacks_grow_up_from_zero_for_gains_and_down_for_losses() {
        let a = [Some(10), Some(-5), None];
        let b = [Some(20), Some(-5), Some(7)];
        let c = [Some(-3), Some(8), Some(0)];
        let offsets = stack_offsets(&[&a, &b, &c], 3);
        assert_eq!(offsets[0], vec![Some((0, 10)), Some((0, -5)), None]);
        assert_eq!(offsets[1], vec![Some((10, 30)), Some((-5, -10)), Some((0, 7))]);
        assert_eq!(offsets[2], vec![Some((0, -3)), Some((0, 8)), Some((7, 7))]);
    }

    fn won_lost() -> ChartData {
        ChartData::new("Won and lost")
            .with_axes("Quarter", "Value")
            .with_categories(["Q1", "Q2", "Q3", "Q4"])
            .with_series(Series::new("Won", EUR, [1_000_000, 2_000_000, 500_000, 0]))
            .with_series(Series::new("Lost", EUR, [-400_000, -100_000, -900_000, 0]))
            .with_series(Series::count("Deals", [4, 5, 6, 0]))
    }

    /// The drawing without the legend above it.
    fn drawing(markup: &str) -> &str {
        &markup[markup.find("<svg class=\"chart-svg\"").expect("a drawing")..]
    }

    fn bars(markup: &str) -> usize {
        drawing(markup).matches(r#"class="bar series-"#).count()
    }

    #[test]
    fn grouped_bars_draw_one_bar_per_plotted_value() {
        let markup = bar_markup(&won_lost(), BarOptions::default(), 600.0, "c1");
        // Two money series over four quarters; the deal count is not a bar.
        assert_eq!(bars(&markup), 8);
        assert!(markup.contains(">Q3</text>"));
        assert!(markup.contains("Q1 — Won: 10,000.00 EUR · Lost: -4,000.00 EUR · Deals: 4"));
        assert!(markup.contains(r#"<li><svg class="swatch""#), "two series get a legend");
    }

    #[test]
    fn negative_bars_hang_below_the_zero_line() {
        let markup = bar_markup(&won_lost(), BarOptions::default(), 600.0, "c1");
        let zero_y = attr_after(drawing(&markup), r#"<line class="zero""#, "y1");
        let lost_q1_y = attr_after(drawing(&markup), r#"class="bar series-1""#, "y");
        assert!((lost_q1_y - zero_y).abs() < 0.11, "the first lost bar starts at zero: {lost_q1_y} vs {zero_y}");
    }

    /// The number in attribute `name` of the first element after `marker`.
    fn attr_after(markup: &str, marker: &str, name: &str) -> f64 {
        let rest = &markup[markup.find(marker).expect(marker)..];
        let start = rest.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        rest[start..start + rest[start..].find('"').unwrap()].parse().unwrap()
    }

    #[test]
    fn stacked_bars_are_labelled_with_their_totals() {
        let data = ChartData::new("Costs")
            .with_categories(["Jan", "Feb"])
            .with_series(Series::new("Travel", EUR, [100_000, 200_000]))
            .with_series(Series::new("Salaries", EUR, [500_000, 500_000]));
        let markup = bar_markup(&data, BarOptions { stacked: true, horizontal: false }, 600.0, "c1");
        assert_eq!(bars(&markup), 4);
        // 1,000 + 5,000 euros; 2,000 + 5,000 euros.
        assert!(markup.contains(">6k</text>") && markup.contains(">7k</text>"), "{markup}");
    }

    #[test]
    fn horizontal_bars_cut_long_names_and_keep_them_whole_in_a_tooltip() {
        let data = ChartData::new("Lost by reason")
            .with_axes("Reason", "Deals lost")
            .with_categories(["Price", "Chose a competitor with a much longer name than fits"])
            .with_series(Series::count("Lost", [12, 3]));
        let markup = bar_markup(&data, BarOptions { stacked: false, horizontal: true }, 600.0, "c1");
        assert_eq!(bars(&markup), 2);
        assert!(markup.contains("<title>Chose a competitor with a much longer name than fits</title>"));
        assert!(markup.contains("…</text>"));
        assert!(markup.contains(">12</text>") && markup.contains(">3</text>"));
        assert!(!markup.contains("chart-legend"), "one series needs no legend");
    }

    #[test]
    fn on_a_phone_names_sit_above_their_bars_which_get_the_whole_width() {
        let data = ChartData::new("Leaderboard")
            .with_categories(["Alexandra Montgomery", "Bo Li"])
            .with_series(Series::new("Won", EUR, [4_200_000, 2_100_000]));
        let markup = bar_markup(&data, BarOptions { stacked: false, horizontal: true }, 340.0, "c1");
        assert!(markup.contains(r#"x="4" y="22" text-anchor="start">Alexandra Montgomery</text>"#), "{markup}");
        assert_eq!(attr_after(drawing(&markup), r#"class="bar series-0""#, "x"), 0.0);
    }

    #[test]
    fn the_summary_names_the_extremes_of_each_series() {
        let text = bar_summary(&won_lost(), BarOptions::default());
        assert_eq!(
            text,
            "Won and lost. Bar chart by quarter, Q1 to Q4. Won: highest Q2 at 20,000.00 EUR, lowest Q4 at 0.00 EUR. \
             Lost: highest Q4 at 0.00 EUR, lowest Q3 at -9,000.00 EUR."
        );
    }
}
