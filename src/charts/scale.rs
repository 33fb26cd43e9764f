//! Scales and axes: tick values at round numbers, values mapped to pixels, and how many category
//! labels fit under a chart.

use super::data::{ValueFormat, magnitude, trim_zeros};

/// The round step (1, 2 or 5 times a power of ten) nearest to `rough`.
pub fn nice_step(rough: f64) -> f64 {
    if !rough.is_finite() || rough <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(rough.log10().floor());
    let fraction = rough / power;
    // The thresholds are the geometric means between neighbouring steps, so the step chosen is
    // the nearest on a log scale.
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.2 {
        2.0
    } else if fraction < 7.1 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// About `count` intervals of a round step covering `min..=max`: `nice_ticks(0, 1234, 5)` is
/// 0, 200, …, 1400.
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    ticks_with_min_step(min, max, count, 0.0)
}

/// Like [`nice_ticks`], with steps no finer than `min_step` (whole deals, whole cents).
pub fn ticks_with_min_step(min: f64, max: f64, count: usize, min_step: f64) -> Vec<f64> {
    let (lo, mut hi) = (min.min(max), min.max(max));
    if hi <= lo {
        hi = lo + lo.abs().max(1.0);
    }
    let step = nice_step((hi - lo) / count.max(1) as f64).max(min_step);
    // The small slack keeps float error (0.3 / 0.1 = 2.9999…) from adding a tick outside.
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let digits = (-step.log10().floor()).max(0.0) as i32 + 1;
    let precision = 10f64.powi(digits);
    (first..=last).map(|k| (k as f64 * step * precision).round() / precision).collect()
}

/// A linear map from values to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Linear {
        Linear { domain, range }
    }

    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 { r0 } else { r0 + (value - d0) / (d1 - d0) * (r1 - r0) }
    }
}

/// A value axis: its ticks, their labels and the scale they span.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueAxis {
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    pub scale: Linear,
}

/// An axis for `values` (in stored units) from zero, so bars start at zero and sizes compare
/// honestly, out to the round tick past the largest value; `range` is the pixel span from the
/// axis' low end to its high end.
pub fn value_axis(
    values: impl IntoIterator<Item = f64>,
    format: ValueFormat,
    count: usize,
    range: (f64, f64),
) -> ValueAxis {
    let (lo, hi) = values.into_iter().fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = ticks_with_min_step(lo, hi, count, 1.0);
    let domain = (ticks[0], ticks[ticks.len() - 1]);
    ValueAxis { labels: tick_labels(&ticks, format), scale: Linear::new(domain, range), ticks }
}

/// Labels for ticks in stored units, each abbreviated (`800`, `1k`, `1.2k`) with just enough
/// decimals to tell neighbours apart.
pub fn tick_labels(ticks: &[f64], format: ValueFormat) -> Vec<String> {
    let divisor = format.divisor();
    let shown: Vec<f64> = ticks.iter().map(|t| t / divisor).collect();
    let step = match shown.as_slice() {
        [a, b, ..] => (b - a).abs(),
        _ => 1.0,
    };
    let percent = if format == ValueFormat::Percent { "%" } else { "" };
    shown
        .iter()
        .map(|&x| {
            if x.abs() < step * 1e-9 {
                return format!("0{percent}");
            }
            let (div, suffix) = magnitude(x.abs());
            let decimals = (0..3usize)
                .find(|&d| {
                    let scaled = step / div * 10f64.powi(d as i32);
                    (scaled - scaled.round()).abs() < 1e-6
                })
                .unwrap_or(3);
            let text = trim_zeros(format!("{:.decimals$}", x / div));
            format!("{text}{suffix}{percent}")
        })
        .collect()
}

/// The width a text takes at a font size, estimated from an average glyph of system fonts; the
/// layouts leave a margin for error.
pub fn text_width(text: &str, font: f64) -> f64 {
    text.chars().count() as f64 * font * 0.6
}

/// At most `max_chars` characters, an ellipsis marking what was cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// How category labels are laid out under a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelPlan {
    /// Show every n-th label (1: all of them).
    pub every: usize,
    /// Rotate labels by 45° to fit long ones.
    pub rotate: bool,
    /// Longer labels are cut to this many characters.
    pub max_chars: usize,
}

/// The longest label drawn under a chart; the full text is in its tooltip and the table.
pub const MAX_LABEL_CHARS: usize = 16;

impl LabelPlan {
    /// The room the labels take below the axis.
    pub fn height(&self, labels: &[String], font: f64) -> f64 {
        if self.rotate {
            let longest = labels.iter().map(|l| l.chars().count().min(self.max_chars)).max().unwrap_or(0);
            text_width(&"m".repeat(longest), font) * std::f64::consts::FRAC_1_SQRT_2 + font + 10.0
        } else {
            font + 12.0
        }
    }

    pub fn shows(&self, index: usize) -> bool {
        index.is_multiple_of(self.every)
    }
}

/// Fits labels into bands of `band` pixels: all of them level when they fit; short labels such
/// as months level but only every n-th; long labels rotated, thinned only when even rotated
/// labels would overlap.
pub fn plan_labels(labels: &[String], band: f64, font: f64) -> LabelPlan {
    let longest = labels.iter().map(|l| l.chars().count().min(MAX_LABEL_CHARS)).max().unwrap_or(0);
    let width = text_width(&"m".repeat(longest), font);
    let plan = |every: usize, rotate| LabelPlan { every: every.max(1), rotate, max_chars: MAX_LABEL_CHARS };
    if width + 6.0 <= band {
        plan(1, false)
    } else if width <= 64.0 {
        // Steps that divide years of months and quarters evenly.
        let needed = ((width + 10.0) / band).ceil() as usize;
        let every = [1, 2, 3, 4, 6, 12].into_iter().find(|&e| e >= needed).unwrap_or(needed.div_ceil(12) * 12);
        plan(every, false)
    } else {
        plan((font * 1.5 / band).ceil() as usize, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quota_core::Currency;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        for (rough, step) in
            [(246.8, 200.0), (0.3, 0.2), (3.3, 5.0), (7.5, 10.0), (1.0, 1.0), (140.0, 100.0), (0.0, 1.0)]
        {
            assert_eq!(nice_step(rough), step, "{rough}");
        }
    }

    fn check(min: f64, max: f64, count: usize, expect: &[f64]) {
        assert_eq!(nice_ticks(min, max, count), expect, "{min}..{max} in {count}");
    }

    #[test]
    fn ticks_cover_the_data_at_round_steps() {
        // 1234 / 5 = 246.8, nearest round step 200, the last tick the first multiple past 1234.
        check(0.0, 1234.0, 5, &[0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0, 1400.0]);
        check(0.0, 100.0, 5, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        // Negative values: -35 / 5 = -7, so the axis starts at -40 with a step of 20.
        check(-35.0, 60.0, 5, &[-40.0, -20.0, 0.0, 20.0, 40.0, 60.0]);
        check(0.0, 0.9, 3, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        // Nothing to show still gives an axis.
        check(0.0, 0.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        check(0.3, 0.7, 4, &[0.3, 0.4, 0.5, 0.6, 0.7]);
    }

    #[test]
    fn counts_never_get_fractional_ticks() {
        assert_eq!(ticks_with_min_step(0.0, 3.0, 5, 1.0), vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn value_axes_start_at_zero_and_map_to_pixels() {
        let axis = value_axis([300.0, 900.0], ValueFormat::Count, 5, (200.0, 0.0));
        assert_eq!(axis.ticks, vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(axis.scale.at(0.0), 200.0);
        assert_eq!(axis.scale.at(500.0), 100.0);
        assert_eq!(axis.labels, vec!["0", "200", "400", "600", "800", "1k"]);
    }

    #[test]
    fn tick_labels_are_abbreviated_with_the_decimals_they_need() {
        let eur = ValueFormat::Money(Currency::EUR);
        // Cents: 0 to 7,500 euros by 2,500.
        assert_eq!(tick_labels(&[0.0, 250_000.0, 500_000.0, 750_000.0], eur), vec!["0", "2.5k", "5k", "7.5k"]);
        assert_eq!(tick_labels(&[0.0, 60_000.0, 120_000.0], eur), vec!["0", "600", "1.2k"]);
        assert_eq!(tick_labels(&[-100_000_000.0, 0.0, 100_000_000.0], eur), vec!["-1M", "0", "1M"]);
        assert_eq!(tick_labels(&[0.0, 2_500.0, 5_000.0], ValueFormat::Percent), vec!["0%", "25%", "50%"]);
        assert_eq!(tick_labels(&[0.0, 50.0, 100.0], ValueFormat::Percent), vec!["0%", "0.5%", "1%"]);
        assert_eq!(tick_labels(&[0.0, 1.0, 2.0], ValueFormat::Days), vec!["0", "1", "2"]);
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("Northern Europe distributors", 12), "Northern Eu…");
        assert_eq!(truncate("Short", 12), "Short");
        assert_eq!(truncate("Über", 4), "Über");
    }

    fn labels(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn labels_that_fit_are_all_shown_level() {
        let plan = plan_labels(&labels(&["Q1", "Q2", "Q3", "Q4"]), 80.0, 12.0);
        assert_eq!(plan, LabelPlan { every: 1, rotate: false, max_chars: MAX_LABEL_CHARS });
    }

    #[test]
    fn thirty_six_months_on_a_phone_show_every_few_months() {
        let months: Vec<String> = (0..36).map(|i| format!("{}-{:02}", 2023 + i / 12, i % 12 + 1)).collect();
        // 290 px over 36 bands is about 8 px each; "2023-01" is about 50 px wide and needs 8
        // bands, rounded up to a year: January of each year.
        let plan = plan_labels(&months, 290.0 / 36.0, 12.0);
        assert!(!plan.rotate);
        assert_eq!(plan.every, 12);
        let shown: Vec<&str> = (0..36).filter(|&i| plan.shows(i)).map(|i| months[i].as_str()).collect();
        assert_eq!(shown, vec!["2023-01", "2024-01", "2025-01"]);
        // On a desktop, 640 px gives about 17 px each: every quarter.
        assert_eq!(plan_labels(&months, 640.0 / 36.0, 12.0).every, 4);
    }

    #[test]
    fn long_names_are_rotated_and_thinned_only_when_crowded() {
        let names = labels(&["Alexandra Montgomery", "Bo Li", "Christopher Hale"]);
        let roomy = plan_labels(&names, 40.0, 12.0);
        assert_eq!((roomy.every, roomy.rotate), (1, true));
        let crowded = plan_labels(&names, 6.0, 12.0);
        assert_eq!((crowded.every, crowded.rotate), (3, true));
        assert!(roomy.height(&names, 12.0) > 60.0);
    }
}
