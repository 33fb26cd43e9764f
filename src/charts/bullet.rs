//! Bullet charts: progress against a target, one row per category (the company, a person, a
//! channel). Of the plotted series the first is what has been achieved (won), the last is the
//! target, and a series between them is what is expected on top (weighted pipeline), drawn after
//! the achieved bar so the two together show the forecast.

use quota_core::reports::basis_points;

use super::data::ChartData;
use super::scale::{text_width, truncate};
use super::svg::{self, FONT, Swatch, num};

const NAME_LINE: f64 = FONT + 8.0;
const BAR: f64 = 18.0;
const FIGURES_LINE: f64 = FONT + 8.0;
const GAP: f64 = 12.0;

/// Which plotted series plays which part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Roles {
    pub achieved: usize,
    pub expected: Option<usize>,
    pub target: Option<usize>,
}

/// The roles of the plotted series: achieved, then expected, then target; with two series, the
/// second is the target; with one, there is no target.
pub fn roles(data: &ChartData) -> Roles {
    match data.plotted().as_slice() {
        [] => Roles { achieved: 0, expected: None, target: None },
        [a] => Roles { achieved: *a, expected: None, target: None },
        [a, t] => Roles { achieved: *a, expected: None, target: Some(*t) },
        [a, e, .., t] => Roles { achieved: *a, expected: Some(*e), target: Some(*t) },
    }
}

/// One row's figures, with attainment in basis points (`None` without a target above zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub achieved: i64,
    pub expected: i64,
    pub target: Option<i64>,
    pub attainment_bp: Option<i64>,
    /// Achieved and expected together against the target.
    pub forecast_bp: Option<i64>,
}

pub fn progress(data: &ChartData, roles: Roles, row: usize) -> Progress {
    let achieved = data.value(roles.achieved, row).unwrap_or(0);
    let expected = roles.expected.and_then(|e| data.value(e, row)).unwrap_or(0);
    let target = roles.target.and_then(|t| data.value(t, row));
    let of_target = |part: i64| target.filter(|t| *t > 0).map(|t| basis_points(part, t));
    Progress {
        achieved,
        expected,
        target,
        attainment_bp: of_target(achieved),
        forecast_bp: roles.expected.and_then(|_| of_target(achieved.saturating_add(expected))),
    }
}

/// The line under a row's bar: `Won 360k · Weighted 115k · Target 500k EUR`.
fn figures(data: &ChartData, roles: Roles, p: &Progress) -> String {
    let format = data.format();
    let mut parts = vec![format!("{} {}", data.series[roles.achieved].name, format.short(p.achieved))];
    if let Some(e) = roles.expected {
        parts.push(format!("{} {}", data.series[e].name, format.short(p.expected)));
    }
    if let (Some(t), Some(v)) = (roles.target, p.target) {
        parts.push(format!("{} {}", data.series[t].name, format.short(v)));
    }
    let mut text = parts.join(" · ");
    if let Some(unit) = format.unit().filter(|u| u != "%") {
        text.push(' ');
        text.push_str(&unit);
    }
    text
}

/// The percentage beside a row's name, `72% won`, and `· 95% forecast` with an expected series.
fn attainment(data: &ChartData, roles: Roles, p: &Progress) -> String {
    let achieved = data.series[roles.achieved].name.to_lowercase();
    match (p.attainment_bp, p.forecast_bp) {
        (Some(a), Some(f)) => format!("{} {achieved} · {} forecast", round_percent(a), round_percent(f)),
        (Some(a), None) => format!("{} {achieved}", round_percent(a)),
        _ => String::new(),
    }
}

/// A percentage without decimals, as a progress label reads: `72%`.
fn round_percent(bp: i64) -> String {
    format!("{}%", quota_core::money::mul_div_round(bp, 1, 100))
}

/// The chart's SVG markup (with its legend) at `width` pixels.
pub fn bullet_markup(data: &ChartData, width: f64, uid: &str) -> String {
    if data.series.is_empty() {
        return String::new();
    }
    let roles = roles(data);
    let n = data.categories.len();
    let row = NAME_LINE + BAR + FIGURES_LINE + GAP;
    let height = row * n as f64;
    let right = width - 4.0;

    let mut out = svg::open(uid, width, height, &data.title, &bullet_summary(data));
    for i in 0..n {
        let p = progress(data, roles, i);
        let top = row * i as f64;
        // Each row has its own scale, so a person's bar reads against their own target even
        // beside the company's.
        let top_value = p.target.unwrap_or(0).max(p.achieved.max(0).saturating_add(p.expected.max(0))).max(1);
        let x = |v: i64| (v.max(0) as f64 / top_value as f64 * (right - 2.0) / 1.08).min(right);
        let label = attainment(data, roles, &p);
        let room = width - text_width(&label, FONT) - 12.0;
        let name = &data.categories[i];
        let shown = truncate(name, ((room / (FONT * 0.62)) as usize).max(4));
        let bar_top = top + NAME_LINE;
        out.push_str(&format!("<g class=\"bullet\"><title>{}</title>", svg::esc(&data.describe(i))));
        out.push_str(&svg::text_with_tip(0.0, top + FONT + 2.0, "start", "category", &shown, name));
        out.push_str(&svg::text(width, top + FONT + 2.0, "end", "value attainment", &label));
        out.push_str(&format!(
            r#"<rect class="bullet-track" x="0" y="{}" width="{}" height="{}"/>"#,
            num(bar_top),
            num(right),
            num(BAR)
        ));
        out.push_str(&svg::block(uid, 0, 0.0, bar_top + 3.0, x(p.achieved), BAR - 6.0, "bar"));
        if roles.expected.is_some() && p.expected > 0 {
            let from = x(p.achieved);
            out.push_str(&svg::block(uid, 1, from, bar_top + 3.0, x(p.achieved + p.expected) - from, BAR - 6.0, "bar"));
        }
        if let Some(t) = p.target {
            let tx = x(t);
            out.push_str(&svg::line(tx, bar_top - 3.0, tx, bar_top + BAR + 3.0, "bullet-target"));
        }
        out.push_str(&svg::text(0.0, bar_top + BAR + FONT + 4.0, "start", "figures", &figures(data, roles, &p)));
        out.push_str("</g>");
    }
    out.push_str("</svg>");

    let mut items = vec![(0, Swatch::Block, data.series[roles.achieved].name.clone())];
    if let Some(e) = roles.expected {
        items.push((1, Swatch::Block, data.series[e].name.clone()));
    }
    if let Some(t) = roles.target {
        items.push((0, Swatch::Tick, data.series[t].name.clone()));
    }
    let legend = if items.len() > 1 { svg::legend(uid, &items) } else { String::new() };
    format!("{legend}{out}")
}

/// What a screen reader hears: each row's figures and how much of its target it reached.
pub fn bullet_summary(data: &ChartData) -> String {
    let roles = roles(data);
    let format = data.format();
    let rows: Vec<String> = (0..data.categories.len())
        .map(|i| {
            let p = progress(data, roles, i);
            let mut text =
                format!("{}: {} {}", data.categories[i], data.series[roles.achieved].name, format.full(p.achieved));
            if let Some(e) = roles.expected {
                text.push_str(&format!(", {} {}", data.series[e].name, format.full(p.expected)));
            }
            if let (Some(t), Some(v)) = (roles.target, p.target) {
                text.push_str(&format!(", {} {}", data.series[t].name, format.full(v)));
            }
            if let Some(a) = p.attainment_bp {
                text.push_str(&format!(", {} reached", crate::format::percent_bp(a)));
            }
            text
        })
        .collect();
    format!("{}. Progress against target: {}.", data.title, rows.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::{Series, ValueFormat};
    use quota_core::Currency;

    const EUR: ValueFormat = ValueFormat::Money(Currency::EUR);

    fn forecast() -> ChartData {
        ChartData::new("Forecast against target")
            .with_axes("Person", "Revenue")
            .with_categories(["Anna", "Bo"])
            .with_series(Series::new("Won", EUR, [36_000_000, 5_000_000]))
            .with_series(Series::new("Weighted", EUR, [11_500_000, 0]))
            .with_series(Series::sparse("Target", EUR, [Some(50_000_000), None]))
            .with_series(Series::percent("Attainment", [Some(7_200), None]))
    }

    #[test]
    fn the_last_plotted_series_is_the_target_and_one_between_is_expected() {
        // The attainment series is a percentage, not plotted, so it takes no part.
        assert_eq!(roles(&forecast()), Roles { achieved: 0, expected: Some(1), target: Some(2) });
        let two = ChartData::new("t").with_series(Series::new("Spent", EUR, [1])).with_series(Series::new(
            "Budget",
            EUR,
            [2],
        ));
        assert_eq!(roles(&two), Roles { achieved: 0, expected: None, target: Some(1) });
    }

    #[test]
    fn attainment_is_achieved_and_forecast_over_target() {
        // 360,000 of 500,000 is 72%; with 115,000 weighted, 475,000 of 500,000 is 95%.
        let p = progress(&forecast(), roles(&forecast()), 0);
        assert_eq!((p.attainment_bp, p.forecast_bp), (Some(7_200), Some(9_500)));
        assert_eq!(attainment(&forecast(), roles(&forecast()), &p), "72% won · 95% forecast");
        let none = progress(&forecast(), roles(&forecast()), 1);
        assert_eq!((none.attainment_bp, none.forecast_bp), (None, None));
    }

    #[test]
    fn each_row_has_a_bar_a_target_tick_and_its_figures() {
        let markup = bullet_markup(&forecast(), 600.0, "c1");
        assert_eq!(markup.matches(r#"class="bullet-track""#).count(), 2);
        // Anna's won and weighted bars, Bo's won bar, and two legend swatches.
        assert_eq!(markup.matches(r#"class="bar series-"#).count(), 5);
        assert_eq!(markup.matches(r#"<line class="bullet-target""#).count(), 1, "Bo has no target");
        assert!(markup.contains(">Won 360k · Weighted 115k · Target 500k EUR</text>"));
        assert!(markup.contains(">72% won · 95% forecast</text>"));
    }

    #[test]
    fn the_target_tick_sits_at_the_target_on_the_row_scale() {
        let data = ChartData::new("Budget")
            .with_categories(["Travel"])
            .with_series(Series::new("Spent", EUR, [50]))
            .with_series(Series::new("Budget", EUR, [100]));
        let markup = bullet_markup(&data, 220.0, "c1");
        // The scale reaches 8% past the target: (220 - 4 - 2) / 1.08 px for 100.
        let target_x = (220.0 - 4.0 - 2.0) / 1.08;
        assert!(markup.contains(&format!(r#"x1="{}""#, num(target_x))), "{markup}");
    }

    #[test]
    fn the_summary_reads_each_row_with_its_attainment() {
        assert_eq!(
            bullet_summary(&forecast()),
            "Forecast against target. Progress against target: Anna: Won 360,000.00 EUR, Weighted 115,000.00 EUR, \
             Target 500,000.00 EUR, 72% reached; Bo: Won 50,000.00 EUR, Weighted 0.00 EUR."
        );
    }
}
