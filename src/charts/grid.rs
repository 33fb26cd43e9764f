//! The frame that vertical bar charts and line charts share: margins, the value axis on the
//! left, one band per category along the bottom and the category labels under them.

use super::data::ChartData;
use super::scale::{LabelPlan, ValueAxis, plan_labels, text_width, truncate, value_axis};
use super::svg::{self, FONT, num};

/// The room to the right of the plot, so the last label and marker are not cut.
const RIGHT: f64 = 14.0;

/// The least height of the plot area itself.
const MIN_PLOT: f64 = 150.0;

/// A plot area with a value axis and category bands.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub width: f64,
    pub height: f64,
    /// The plot area's edges.
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub axis: ValueAxis,
    /// The width of one category's band.
    pub band: f64,
    pub plan: LabelPlan,
}

impl Grid {
    /// Lays out a chart `width` pixels wide for values spanning `extent` (in stored units).
    /// `value_labels` leaves room above (and, for negative values, below) the bars for their
    /// labels.
    pub fn new(data: &ChartData, extent: (f64, f64), width: f64, value_labels: bool) -> Grid {
        let height = (width * 0.55).clamp(220.0, 320.0);
        let format = data.format();
        // Ticks depend on the height only through their count, so they can be chosen before
        // the margins that depend on their labels.
        let count = if height < 260.0 { 4 } else { 5 };
        let probe = value_axis([extent.0, extent.1], format, count, (0.0, 1.0));
        let widest = probe.labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
        let left = (widest + 12.0).max(28.0);
        let n = data.categories.len().max(1);
        let band = (width - left - RIGHT).max(n as f64) / n as f64;
        let plan = plan_labels(&data.categories, band, FONT);
        let negative_room = if value_labels && extent.0 < 0.0 { FONT + 4.0 } else { 0.0 };
        let top = if value_labels || !data.y_label.is_empty() { 34.0 } else { 12.0 };
        // Rotated labels on a phone take much of the height; the chart grows to keep its plot.
        let below = plan.height(&data.categories, FONT) + negative_room;
        let height = height.max(top + MIN_PLOT + below);
        let bottom = height - below;
        let axis = value_axis([extent.0, extent.1], format, count, (bottom, top));
        Grid { width, height, left, right: width - RIGHT, top, bottom, axis, band, plan }
    }

    /// The middle of category `index`'s band.
    pub fn center(&self, index: usize) -> f64 {
        self.left + self.band * (index as f64 + 0.5)
    }

    pub fn y(&self, value: f64) -> f64 {
        self.axis.scale.at(value)
    }

    /// The value axis title, the grid and the category labels.
    pub fn markup(&self, data: &ChartData) -> String {
        let mut out = String::new();
        if !data.y_label.is_empty() {
            out.push_str(&svg::text(0.0, FONT + 2.0, "start", "axis-title", &data.format().titled(&data.y_label)));
        }
        out.push_str(&svg::vertical_axis(&self.axis, self.left, self.right));
        out.push_str(r#"<g class="axis category-axis">"#);
        let y = self.height - self.plan.height(&data.categories, FONT) + FONT + 4.0;
        for (i, label) in data.categories.iter().enumerate().filter(|(i, _)| self.plan.shows(*i)) {
            let x = self.center(i);
            if self.plan.rotate {
                // A rotated label reaches left and down from its band; it is cut to fit the room
                // to the left of the band.
                let room = ((x - 2.0) / (FONT * 0.6 * std::f64::consts::FRAC_1_SQRT_2)) as usize;
                let shown = truncate(label, self.plan.max_chars.min(room.max(3)));
                let y = y - FONT * 0.6;
                out.push_str(&format!(
                    r#"<g transform="rotate(-45 {} {})">{}</g>"#,
                    num(x),
                    num(y),
                    svg::text_with_tip(x, y, "end", "category", &shown, label)
                ));
            } else {
                let shown = truncate(label, self.plan.max_chars);
                let half = text_width(&shown, FONT) / 2.0;
                let anchor = if x + half > self.width {
                    "end"
                } else if x - half < 0.0 {
                    "start"
                } else {
                    "middle"
                };
                let x = match anchor {
                    "end" => self.width - 1.0,
                    "start" => 1.0,
                    _ => x,
                };
                out.push_str(&svg::text_with_tip(x, y, anchor, "category", &shown, label));
            }
        }
        out.push_str("</g>");
        out
    }

    /// The dashed target line across the plot, labelled at its right end.
    pub fn target_markup(&self, data: &ChartData) -> String {
        let Some(target) = &data.target else { return String::new() };
        let y = self.y(target.value as f64);
        let label = format!("{} {}", target.label, data.format().short(target.value));
        format!(
            r#"<g class="target">{}{}</g>"#,
            svg::line(self.left, y, self.right, y, "target-line"),
            svg::text(self.right, y - 4.0, "end", "target-label", &label)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::{Series, ValueFormat};

    fn data(categories: usize) -> ChartData {
        ChartData::new("t")
            .with_axes("Month", "Deals")
            .with_categories((0..categories).map(|i| format!("2024-{:02}", i % 12 + 1)))
            .with_series(Series::new("Deals", ValueFormat::Count, (0..categories as i64).map(|i| i * 10)))
    }

    #[test]
    fn the_plot_fills_the_width_between_the_axis_labels_and_a_small_margin() {
        let grid = Grid::new(&data(4), (0.0, 30.0), 600.0, false);
        assert_eq!(grid.right, 600.0 - RIGHT);
        assert!(grid.left >= 28.0 && grid.left < 60.0);
        assert!((grid.band * 4.0 - (grid.right - grid.left)).abs() < 1e-9);
        assert_eq!(grid.y(0.0), grid.bottom);
        // 30 deals over 4 intervals rounds to steps of 10, so the top tick is 30.
        assert_eq!(grid.y(30.0), grid.top);
    }

    #[test]
    fn charts_keep_a_readable_height_on_phones_and_do_not_grow_endlessly() {
        assert_eq!(Grid::new(&data(4), (0.0, 30.0), 340.0, false).height, 220.0);
        assert_eq!(Grid::new(&data(4), (0.0, 30.0), 1200.0, false).height, 320.0);
    }

    #[test]
    fn rotated_labels_on_a_phone_make_the_chart_taller_instead_of_squeezing_the_plot() {
        let people = ChartData::new("t")
            .with_categories(["Alexandra Montgomery", "Christopher Hale", "Fatima Al-Sayed", "Gustavo Pereira"])
            .with_series(Series::new("Won", ValueFormat::Count, [4, 3, 2, 1]));
        let grid = Grid::new(&people, (0.0, 4.0), 200.0, false);
        assert!(grid.plan.rotate);
        assert!(grid.bottom - grid.top >= MIN_PLOT);
        assert!(grid.height > 220.0);
    }

    #[test]
    fn many_categories_show_only_some_labels() {
        let d = data(36);
        let grid = Grid::new(&d, (0.0, 350.0), 340.0, false);
        let shown = grid.markup(&d).matches(r#"class="category""#).count();
        assert!((3..=8).contains(&shown), "{shown} labels");
    }
}
