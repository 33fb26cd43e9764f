//! Money: integer minor units with an ISO 4217 currency code. Never floating point.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::field::{FieldError, Scalar};

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Currency([u8; 3]);

/// The text was not a three-letter currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid currency {0:?}: expected a three-letter code such as EUR")]
pub struct BadCurrency(pub String);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("currency codes are ascii")
    }

    /// How many decimal places the currency's minor unit has.
    pub fn exponent(self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"ISK" | b"CLP" | b"VND" | b"HUF" | b"XOF" | b"XAF" | b"UGX" | b"PYG" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" | b"LYD" | b"IQD" => 3,
            _ => 2,
        }
    }

    fn unit(self) -> i64 {
        10i64.pow(self.exponent())
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::EUR
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Currency {
    type Err = BadCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_uppercase();
        match t.as_bytes() {
            [a, b, c] if t.bytes().all(|b| b.is_ascii_uppercase()) => Ok(Currency([*a, *b, *c])),
            _ => Err(BadCurrency(s.to_string())),
        }
    }
}

impl Scalar for Currency {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Str(self.as_str().into())
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Str(s) => s.parse().map_err(|e: BadCurrency| FieldError::Invalid(e.to_string())),
            other => Err(FieldError::wrong_type("currency", other)),
        }
    }
}

/// An amount of money in minor units (cents) of a currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Why a text could not be read as an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadMoney {
    #[error("{0:?} is not an amount: use digits with an optional decimal point, such as 1250.50")]
    NotANumber(String),
    #[error("{text:?} has more than {places} decimal places for {currency}")]
    TooPrecise { text: String, places: u32, currency: Currency },
    #[error("{0:?} is too large")]
    TooLarge(String),
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Whole units, for example euros: `Money::units(12, EUR)` is 12.00 EUR.
    pub fn units(units: i64, currency: Currency) -> Money {
        Money { minor: units * currency.unit(), currency }
    }

    /// Parses a decimal amount such as `1,250.50` or `-3` in the given currency.
    /// Thousands separators (`,`, `_`, spaces) are ignored; the decimal separator is `.`.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, BadMoney> {
        let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}')).collect();
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !valid(whole) || !valid(frac) {
            return Err(BadMoney::NotANumber(text.to_string()));
        }
        let places = currency.exponent();
        if frac.len() > places as usize {
            return Err(BadMoney::TooPrecise { text: text.to_string(), places, currency });
        }
        let too_large = || BadMoney::TooLarge(text.to_string());
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
        let mut frac_value: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| too_large())? };
        frac_value *= 10i64.pow(places - frac.len() as u32);
        let minor = whole.checked_mul(currency.unit()).and_then(|m| m.checked_add(frac_value)).ok_or_else(too_large)?;
        Ok(Money { minor: if negative { -minor } else { minor }, currency })
    }

    /// The amount without the currency, with the currency's decimal places: `1250.50`.
    pub fn amount_text(self) -> String {
        let places = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if places == 0 {
            return format!("{sign}{abs}");
        }
        let unit = 10u64.pow(places);
        format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = places as usize)
    }

    /// The amount grouped in thousands for display: `1,250.50 EUR`.
    pub fn display(self) -> String {
        let text = self.amount_text();
        let (sign, rest) = text.strip_prefix('-').map_or(("", text.as_str()), |r| ("-", r));
        let (whole, frac) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        match frac {
            Some(f) => format!("{sign}{grouped}.{f} {}", self.currency),
            None => format!("{sign}{grouped} {}", self.currency),
        }
    }

    /// Multiplies by a percentage given in basis points (1% = 100), rounding half away from zero.
    pub fn percent_bp(self, basis_points: i64) -> Money {
        Money { minor: mul_div_round(self.minor, basis_points, 10_000), currency: self.currency }
    }

    /// Multiplies by a quantity.
    pub fn times(self, quantity: i64) -> Money {
        Money { minor: self.minor.saturating_mul(quantity), currency: self.currency }
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }
}

/// `value * num / den`, rounded half away from zero, computed without overflow for money-sized values.
pub fn mul_div_round(value: i64, num: i64, den: i64) -> i64 {
    let product = i128::from(value) * i128::from(num);
    let den = i128::from(den);
    let half = den / 2;
    let rounded = if product >= 0 { (product + half) / den } else { (product - half) / den };
    rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

/// Money is one scalar, `"<minor units> <CUR>"`, so the amount and its currency always change
/// together under concurrent edits.
impl Scalar for Money {
    fn to_scalar(&self) -> automerge::ScalarValue {
        automerge::ScalarValue::Str(format!("{} {}", self.minor, self.currency).into())
    }

    fn from_scalar(value: &automerge::ScalarValue) -> Result<Self, FieldError> {
        match value {
            automerge::ScalarValue::Str(s) => {
                let bad = || FieldError::Invalid(format!("invalid money {s:?}"));
                let (minor, currency) = s.split_once(' ').ok_or_else(bad)?;
                Ok(Money { minor: minor.parse().map_err(|_| bad())?, currency: currency.parse().map_err(|_| bad())? })
            }
            other => Err(FieldError::wrong_type("money", other)),
        }
    }
}

/// Totals per currency, for sums across records that may not share one currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals(Vec<Money>);

impl Totals {
    pub fn add(&mut self, money: Money) {
        match self.0.iter_mut().find(|m| m.currency == money.currency) {
            Some(m) => m.minor = m.minor.saturating_add(money.minor),
            None => {
                self.0.push(money);
                self.0.sort_by_key(|m| m.currency);
            }
        }
    }

    /// The amount in one currency, zero if none was added.
    pub fn get(&self, currency: Currency) -> Money {
        self.0.iter().copied().find(|m| m.currency == currency).unwrap_or(Money::zero(currency))
    }

    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|m| m.minor == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EUR: Currency = Currency::EUR;

    #[track_caller]
    fn check_parse(text: &str, currency: &str, minor: i64) {
        let currency: Currency = currency.parse().unwrap();
        assert_eq!(Money::parse(text, currency), Ok(Money::new(minor, currency)), "{text}");
    }

    #[test]
    fn amounts_parse_into_minor_units() {
        check_parse("1250.50", "EUR", 125_050);
        check_parse("1,250.5", "EUR", 125_050);
        check_parse("-3", "EUR", -300);
        check_parse(".75", "USD", 75);
        check_parse("1 000", "JPY", 1_000);
        check_parse("1.234", "BHD", 1_234);
    }

    #[test]
    fn bad_amounts_say_what_is_wrong() {
        assert_eq!(Money::parse("12a", EUR), Err(BadMoney::NotANumber("12a".into())));
        assert_eq!(Money::parse("", EUR), Err(BadMoney::NotANumber("".into())));
        assert_eq!(Money::parse(".", EUR), Err(BadMoney::NotANumber(".".into())));
        assert_eq!(
            Money::parse("1.005", EUR).unwrap_err().to_string(),
            "\"1.005\" has more than 2 decimal places for EUR"
        );
        assert!(matches!(Money::parse("99999999999999999999", EUR), Err(BadMoney::TooLarge(_))));
    }

    #[test]
    fn money_displays_with_grouping() {
        assert_eq!(Money::new(123_456_789, EUR).display(), "1,234,567.89 EUR");
        assert_eq!(Money::new(-5, EUR).display(), "-0.05 EUR");
        assert_eq!(Money::new(1_000, "JPY".parse().unwrap()).display(), "1,000 JPY");
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(Money::new(1_001, EUR).percent_bp(5_000).minor, 501);
        assert_eq!(Money::new(-1_001, EUR).percent_bp(5_000).minor, -501);
        assert_eq!(Money::new(10_000, EUR).percent_bp(250).minor, 250);
    }

    #[test]
    fn money_survives_the_document_scalar() {
        let money = Money::new(-12_345, "USD".parse().unwrap());
        assert_eq!(Money::from_scalar(&money.to_scalar()), Ok(money));
        assert!(Money::from_scalar(&automerge::ScalarValue::Str("12".into())).is_err());
    }

    #[test]
    fn totals_keep_currencies_apart() {
        let mut totals = Totals::default();
        totals.add(Money::units(2, EUR));
        totals.add(Money::units(3, Currency::USD));
        totals.add(Money::units(5, EUR));
        assert_eq!(totals.get(EUR), Money::units(7, EUR));
        assert_eq!(totals.iter().count(), 2);
    }
}
