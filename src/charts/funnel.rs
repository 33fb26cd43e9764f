//! The pipeline funnel: one centred bar per stage, its width proportional to the first series
//! (value, usually), necks joining neighbouring stages, and each stage labelled with every
//! series (value and deal count).

use super::data::{ChartData, ValueFormat};
use super::scale::{text_width, truncate};
use super::svg::{self, FONT, num};

const NAME_LINE: f64 = FONT + 8.0;
const BAR: f64 = 26.0;
const GAP: f64 = 10.0;
/// So a stage with nothing in it still shows where it is.
const MIN_WIDTH: f64 = 4.0;

/// Each stage's bar width: in proportion to the largest value, which gets `max_width`; never
/// narrower than `min_width`; negative values count as nothing.
pub fn funnel_widths(values: &[Option<i64>], max_width: f64, min_width: f64) -> Vec<f64> {
    let largest = values.iter().flatten().copied().max().unwrap_or(0).max(0);
    values
        .iter()
        .map(|v| {
            let v = v.unwrap_or(0).max(0);
            if largest == 0 { min_width } else { (v as f64 / largest as f64 * max_width).max(min_width) }
        })
        .collect()
}

/// A value with what it counts: `12 deals`, `1 deal`, `45.2k EUR`.
pub fn stage_value(format: ValueFormat, name: &str, value: i64) -> String {
    match format {
        ValueFormat::Count => {
            let noun = name.to_lowercase();
            let noun = if value == 1 { noun.strip_suffix('s').unwrap_or(&noun).to_string() } else { noun };
            format!("{} {noun}", format.short(value))
        }
        _ => format.short_with_unit(value),
    }
}

/// Every series of a stage, for its label: the first bare, counts with their noun, other
/// amounts named (`120k EUR · 30 deals · weighted 60k EUR`).
fn stage_label(data: &ChartData, stage: usize) -> String {
    data.series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let v = s.get(stage)?;
            Some(match (i, s.format) {
                (0, _) | (_, ValueFormat::Count) => stage_value(s.format, &s.name, v),
                _ => format!("{} {}", s.name.to_lowercase(), stage_value(s.format, &s.name, v)),
            })
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The chart's SVG markup at `width` pixels.
pub fn funnel_markup(data: &ChartData, width: f64, uid: &str) -> String {
    let n = data.categories.len();
    let labels: Vec<String> = (0..n).map(|i| stage_label(data, i)).collect();
    // On a narrow screen the figures go on their own line under the stage name, so neither is
    // cut short.
    let two_lines = data
        .categories
        .iter()
        .zip(&labels)
        .any(|(name, figures)| text_width(name, FONT) + text_width(figures, FONT) + 12.0 > width);
    let head = if two_lines { 2.0 * NAME_LINE } else { NAME_LINE };
    let row = head + BAR + GAP;
    let height = row * n as f64;
    let widths = funnel_widths(data.series.first().map_or(&[][..], |s| &s.values), width - 2.0, MIN_WIDTH);
    let middle = width / 2.0;

    let mut out = svg::open(uid, width, height, &data.title, &funnel_summary(data));
    out.push_str(r#"<g class="funnel-necks">"#);
    for i in 1..n {
        let (above, below) = (widths[i - 1] / 2.0, widths[i] / 2.0);
        let (y0, y1) = (row * (i - 1) as f64 + head + BAR, row * i as f64 + head);
        out.push_str(&format!(
            r#"<path class="funnel-neck" d="M{} {}L{} {}L{} {}L{} {}Z"/>"#,
            num(middle - above),
            num(y0),
            num(middle + above),
            num(y0),
            num(middle + below),
            num(y1),
            num(middle - below),
            num(y1)
        ));
    }
    out.push_str("</g>");
    for (i, (name, figures)) in data.categories.iter().zip(&labels).enumerate() {
        let top = row * i as f64;
        let room = if two_lines { width } else { width - text_width(figures, FONT) - 12.0 };
        let shown = truncate(name, ((room / (FONT * 0.62)) as usize).max(4));
        out.push_str(&format!("<g class=\"stage\"><title>{}</title>", svg::esc(&data.describe(i))));
        out.push_str(&svg::text_with_tip(0.0, top + FONT + 2.0, "start", "category", &shown, name));
        if two_lines {
            out.push_str(&svg::text(0.0, top + NAME_LINE + FONT + 2.0, "start", "value", figures));
        } else {
            out.push_str(&svg::text(width, top + FONT + 2.0, "end", "value", figures));
        }
        out.push_str(&svg::block(uid, 0, middle - widths[i] / 2.0, top + head, widths[i], BAR, "bar"));
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// What a screen reader hears: each stage with its figures.
pub fn funnel_summary(data: &ChartData) -> String {
    let stages: Vec<String> = (0..data.categories.len()).map(|i| data.describe(i)).collect();
    format!("{}. Funnel of {} stages: {}.", data.title, stages.len(), stages.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::Series;
    use quota_core::Currency;

    #[test]
    fn stage_widths_are_in_proportion_to_the_largest_stage() {
        // 50 of 200 is a quarter of 400 px; the empty stage keeps its sliver.
        assert_eq!(
            funnel_widths(&[Some(200), Some(50), Some(0), None, Some(-10)], 400.0, 4.0),
            vec![400.0, 100.0, 4.0, 4.0, 4.0]
        );
        assert_eq!(funnel_widths(&[Some(0), Some(0)], 400.0, 4.0), vec![4.0, 4.0]);
    }

    #[test]
    fn stage_figures_say_what_they_count() {
        assert_eq!(stage_value(ValueFormat::Count, "Deals", 12), "12 deals");
        assert_eq!(stage_value(ValueFormat::Count, "Deals", 1), "1 deal");
        assert_eq!(stage_value(ValueFormat::Money(Currency::EUR), "Value", 4_520_000), "45.2k EUR");
    }

    fn pipeline() -> ChartData {
        ChartData::new("Pipeline by stage")
            .with_axes("Stage", "Value")
            .with_categories(["Prospect", "Proposal", "Won"])
            .with_series(Series::new("Value", ValueFormat::Money(Currency::EUR), [12_000_000, 4_500_000, 1_000_000]))
            .with_series(Series::count("Deals", [30, 9, 1]))
    }

    #[test]
    fn every_stage_is_a_bar_labelled_with_value_and_count() {
        let markup = funnel_markup(&pipeline(), 600.0, "c1");
        assert_eq!(markup.matches(r#"class="bar series-0""#).count(), 3);
        assert_eq!(markup.matches(r#"class="funnel-neck""#).count(), 2);
        assert!(markup.contains(">120k EUR · 30 deals</text>"));
        assert!(markup.contains(">10k EUR · 1 deal</text>"));
        assert!(markup.contains(">Proposal</text>"));
    }

    #[test]
    fn a_weighted_value_is_named_in_the_stage_label() {
        let data = pipeline().with_series(Series::new(
            "Weighted",
            ValueFormat::Money(Currency::EUR),
            [1_200_000, 2_250_000, 1_000_000],
        ));
        let markup = funnel_markup(&data, 600.0, "c1");
        assert!(markup.contains(">45k EUR · 9 deals · weighted 22.5k EUR</text>"));
    }

    #[test]
    fn on_a_narrow_screen_the_figures_go_under_the_stage_name() {
        let wide = funnel_markup(&pipeline(), 600.0, "c1");
        let narrow = funnel_markup(&pipeline(), 150.0, "c1");
        assert!(wide.contains(r#"text-anchor="end""#), "figures at the right end beside the name");
        assert!(!narrow.contains(r#"text-anchor="end""#), "figures start on their own line");
        assert!(narrow.contains(">Proposal</text>"), "the name is not cut short");
        let height = |m: &str| m.split("height=\"").nth(1).and_then(|h| h.split('"').next()).unwrap().to_string();
        assert!(height(&narrow).parse::<f64>().unwrap() > height(&wide).parse::<f64>().unwrap());
    }

    #[test]
    fn the_summary_lists_the_stages_in_order() {
        assert_eq!(
            funnel_summary(&pipeline()),
            "Pipeline by stage. Funnel of 3 stages: Prospect — Value: 120,000.00 EUR · Deals: 30; \
             Proposal — Value: 45,000.00 EUR · Deals: 9; Won — Value: 10,000.00 EUR · Deals: 1."
        );
    }
}
