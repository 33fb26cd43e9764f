//! How numbers read on screen.

/// Basis points as a percentage: 1250 → "12.5%".
pub fn percent_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let abs = bp.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    if frac == 0 {
        format!("{sign}{whole}%")
    } else if frac % 10 == 0 {
        format!("{sign}{whole}.{}%", frac / 10)
    } else {
        format!("{sign}{whole}.{frac:02}%")
    }
}

/// Parses a percentage typed by a person ("12.5", "12,5 %") into basis points.
pub fn parse_percent_bp(text: &str) -> Result<i64, String> {
    let cleaned: String = text.trim().trim_end_matches('%').trim().replace(',', ".");
    if cleaned.is_empty() {
        return Ok(0);
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let negative = whole.starts_with('-');
    let whole_digits = whole.trim_start_matches('-');
    if frac.len() > 2 || !whole_digits.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err("Enter a percentage such as 12.5".into());
    }
    let whole: i64 = if whole_digits.is_empty() {
        0
    } else {
        whole_digits.parse().map_err(|_| "That number is too large".to_string())?
    };
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or("That number is too large")?;
    Ok(if negative { -bp } else { bp })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_points_read_as_percentages_and_back() {
        for (bp, text) in [(1250, "12.5%"), (1000, "10%"), (1234, "12.34%"), (-50, "-0.5%"), (0, "0%")] {
            assert_eq!(percent_bp(bp), text);
            assert_eq!(parse_percent_bp(text), Ok(bp), "{text}");
        }
        assert_eq!(parse_percent_bp("12,5 %"), Ok(1250));
        assert!(parse_percent_bp("12.345").is_err());
        assert!(parse_percent_bp("abc").is_err());
    }
}
