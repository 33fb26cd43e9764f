//! Chart markup as text: escaping, coordinates, the fill patterns and marker shapes that tell
//! series apart without relying on color, the axes and the legend.

use super::scale::{ValueAxis, text_width};

/// How many series styles there are (colors, patterns, dashes, markers) before they repeat.
pub const STYLES: usize = 6;

/// The font size of every chart label, in CSS pixels: charts are drawn at their on-screen size,
/// so this is the size people read, on a phone too.
pub const FONT: f64 = 12.0;

/// Escapes text for SVG or HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A coordinate with at most one decimal, which is finer than a pixel and keeps markup short.
pub fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 { "0".into() } else { format!("{rounded}") }
}

/// The class that gives series `index` its color, dash and pattern.
pub fn series_class(index: usize) -> String {
    format!("series-{}", index % STYLES)
}

/// The id of a chart's fill pattern for series `index`; the first style is a solid fill.
fn pattern_id(uid: &str, index: usize) -> Option<String> {
    let style = index % STYLES;
    (style != 0).then(|| format!("{uid}-p{style}"))
}

/// Pattern definitions for a chart: stripes, dots, cross-hatching and lines laid over the series
/// color, so series differ in print and for people who do not see the colors.
pub fn defs(uid: &str) -> String {
    let shapes = [
        r#"<path d="M0 0L0 6" class="hatch"/>"#,
        r#"<circle cx="2.5" cy="2.5" r="1.2" class="dot"/>"#,
        r#"<path d="M0 0L0 6M0 0L6 0" class="hatch"/>"#,
        r#"<path d="M0 3L6 3" class="hatch"/>"#,
        r#"<path d="M3 0L3 6" class="hatch"/>"#,
    ];
    let mut out = String::from("<defs>");
    for (i, shape) in shapes.iter().enumerate() {
        let style = i + 1;
        let (size, transform) = match style {
            1 | 3 => (6, r#" patternTransform="rotate(45)""#),
            2 => (5, ""),
            _ => (6, ""),
        };
        out.push_str(&format!(
            r#"<pattern id="{uid}-p{style}" patternUnits="userSpaceOnUse" width="{size}" height="{size}"{transform}>{shape}</pattern>"#
        ));
    }
    out.push_str("</defs>");
    out
}

/// A filled box for series `index`: the color, then its pattern over it.
pub fn block(uid: &str, index: usize, x: f64, y: f64, w: f64, h: f64, class: &str) -> String {
    let (x, y, w, h) = (num(x), num(y), num(w.max(0.0)), num(h.max(0.0)));
    let mut out =
        format!(r#"<rect class="{class} {}" x="{x}" y="{y}" width="{w}" height="{h}"/>"#, series_class(index));
    if let Some(id) = pattern_id(uid, index) {
        out.push_str(&format!(r#"<rect class="pattern" fill="url(#{id})" x="{x}" y="{y}" width="{w}" height="{h}"/>"#));
    }
    out
}

/// A point marker whose shape depends on the series: circle, square, triangle, diamond, and
/// again.
pub fn marker(index: usize, x: f64, y: f64) -> String {
    let class = format!("marker {}", series_class(index));
    let r = 3.5;
    match index % 4 {
        0 => format!(r#"<circle class="{class}" cx="{}" cy="{}" r="{r}"/>"#, num(x), num(y)),
        1 => format!(
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}"/>"#,
            num(x - r),
            num(y - r),
            num(2.0 * r),
            num(2.0 * r)
        ),
        2 => format!(
            r#"<path class="{class}" d="M{} {}L{} {}L{} {}Z"/>"#,
            num(x),
            num(y - r - 0.5),
            num(x + r + 0.5),
            num(y + r),
            num(x - r - 0.5),
            num(y + r)
        ),
        _ => format!(
            r#"<path class="{class}" d="M{} {}L{} {}L{} {}L{} {}Z"/>"#,
            num(x),
            num(y - r - 1.0),
            num(x + r + 1.0),
            num(y),
            num(x),
            num(y + r + 1.0),
            num(x - r - 1.0),
            num(y)
        ),
    }
}

/// A text label; `anchor` is `start`, `middle` or `end`.
pub fn text(x: f64, y: f64, anchor: &str, class: &str, content: &str) -> String {
    format!(r#"<text class="{class}" x="{}" y="{}" text-anchor="{anchor}">{}</text>"#, num(x), num(y), esc(content))
}

/// Like [`text`], with the full text as a tooltip for a label that was cut short.
pub fn text_with_tip(x: f64, y: f64, anchor: &str, class: &str, shown: &str, full: &str) -> String {
    if shown == full {
        return text(x, y, anchor, class, shown);
    }
    format!(
        r#"<text class="{class}" x="{}" y="{}" text-anchor="{anchor}"><title>{}</title>{}</text>"#,
        num(x),
        num(y),
        esc(full),
        esc(shown)
    )
}

pub fn line(x1: f64, y1: f64, x2: f64, y2: f64, class: &str) -> String {
    format!(r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#, num(x1), num(y1), num(x2), num(y2))
}

/// Grid lines and tick labels of a vertical value axis from `left` to `right`, labels to the
/// left of `left`; the zero line is drawn stronger.
pub fn vertical_axis(axis: &ValueAxis, left: f64, right: f64) -> String {
    let mut out = String::from(r#"<g class="axis value-axis">"#);
    for (tick, label) in axis.ticks.iter().zip(&axis.labels) {
        let y = axis.scale.at(*tick);
        let class = if *tick == 0.0 { "zero" } else { "grid" };
        out.push_str(&line(left, y, right, y, class));
        out.push_str(&text(left - 6.0, y + FONT * 0.35, "end", "tick", label));
    }
    out.push_str("</g>");
    out
}

/// Grid lines and tick labels of a horizontal value axis from `top` to `bottom`, labels below;
/// labels that would crowd their neighbour are left out (their grid lines stay), and the outer
/// ones are kept inside the drawing's `width`.
pub fn horizontal_axis(axis: &ValueAxis, top: f64, bottom: f64, width: f64) -> String {
    let mut out = String::from(r#"<g class="axis value-axis">"#);
    let widest = axis.labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let mut last_shown = f64::NEG_INFINITY;
    for (tick, label) in axis.ticks.iter().zip(&axis.labels) {
        let x = axis.scale.at(*tick);
        let class = if *tick == 0.0 { "zero" } else { "grid" };
        out.push_str(&line(x, top, x, bottom, class));
        if x - last_shown < widest + 8.0 {
            continue;
        }
        last_shown = x;
        let half = text_width(label, FONT) / 2.0;
        let (x, anchor) = if x + half > width {
            (width, "end")
        } else if x - half < 0.0 {
            (0.0, "start")
        } else {
            (x, "middle")
        };
        out.push_str(&text(x, bottom + FONT + 4.0, anchor, "tick", label));
    }
    out.push_str("</g>");
    out
}

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swatch {
    /// A filled box, as bars are drawn.
    Block,
    /// A line with its marker, as line series are drawn.
    Line,
    /// The dashed reference line.
    Target,
    /// The bullet chart's target tick.
    Tick,
}

/// A legend in HTML, so it wraps on narrow screens; each entry has its own small drawing of the
/// series' color, pattern or dash beside the name.
pub fn legend(uid: &str, items: &[(usize, Swatch, String)]) -> String {
    let mut out = String::from(r#"<ul class="chart-legend">"#);
    for (index, swatch, name) in items {
        let drawing = match swatch {
            Swatch::Block => block(uid, *index, 0.0, 1.0, 14.0, 12.0, "bar"),
            Swatch::Line => {
                format!(r#"<path class="line {}" d="M0 7L14 7"/>{}"#, series_class(*index), marker(*index, 7.0, 7.0))
            }
            Swatch::Target => r#"<path class="target-line" d="M0 7L14 7"/>"#.to_string(),
            Swatch::Tick => r#"<path class="bullet-target" d="M7 0L7 14"/>"#.to_string(),
        };
        out.push_str(&format!(
            r#"<li><svg class="swatch" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true">{drawing}</svg>{}</li>"#,
            esc(name)
        ));
    }
    out.push_str("</ul>");
    out
}

/// The opening tag of a chart's drawing at its on-screen size, labelled for screen readers by
/// `summary`, with `title` as its title and tooltip.
pub fn open(uid: &str, width: f64, height: f64, title: &str, summary: &str) -> String {
    let (w, h) = (num(width), num(height));
    format!(
        r#"<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}"><title>{}</title>{}"#,
        esc(summary),
        esc(title),
        defs(uid)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_so_names_cannot_inject_markup() {
        assert_eq!(esc(r#"<script>"A&B's"</script>"#), "&lt;script&gt;&quot;A&amp;B&#39;s&quot;&lt;/script&gt;");
        assert_eq!(
            text(1.0, 2.0, "start", "label", "<b>"),
            r#"<text class="label" x="1" y="2" text-anchor="start">&lt;b&gt;</text>"#
        );
    }

    #[test]
    fn coordinates_keep_one_decimal() {
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(-0.01), "0");
    }

    #[test]
    fn series_after_the_first_are_patterned_as_well_as_colored() {
        let first = block("c1", 0, 0.0, 0.0, 10.0, 10.0, "bar");
        assert!(first.contains("series-0") && !first.contains("url(#"));
        let second = block("c1", 1, 0.0, 0.0, 10.0, 10.0, "bar");
        assert!(second.contains("series-1") && second.contains("url(#c1-p1)"));
        // The seventh series repeats the first style.
        assert!(block("c1", 6, 0.0, 0.0, 1.0, 1.0, "bar").contains("series-0"));
        for style in 1..STYLES {
            assert!(defs("c1").contains(&format!(r#"id="c1-p{style}""#)));
        }
    }

    #[test]
    fn markers_differ_in_shape_between_neighbouring_series() {
        let shape = |m: String| match m.split_whitespace().next() {
            Some("<circle") => "circle",
            Some("<rect") => "square",
            _ if m.matches('L').count() == 2 => "triangle",
            _ => "diamond",
        };
        let shapes: Vec<&str> = (0..4).map(|i| shape(marker(i, 5.0, 5.0))).collect();
        assert_eq!(shapes, vec!["circle", "square", "triangle", "diamond"]);
    }

    #[test]
    fn legend_names_each_series_beside_its_swatch() {
        let html = legend("c1", &[(0, Swatch::Block, "Won".into()), (1, Swatch::Line, "Plan <2025>".into())]);
        assert_eq!(html.matches("<li>").count(), 2);
        assert!(html.contains("Plan &lt;2025&gt;"));
        assert!(!html.contains("url(#c1-p1)"), "line swatches are not filled");
    }
}
