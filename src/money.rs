//! Dinheiro e arredondamento: the one place where the engine rounds.
//!
//! Every rounding of a money value in the project goes through [`RoundingPolicy`]. The formula
//! layer uses [`RoundingPolicy::FORMULA`] (2 places, half away from zero, as RM's
//! `ARRED(24.50)=25` shows: RM does not use banker's rounding; `docs/language.md`, "Values"). The consignado rules
//! use [`RoundingPolicy::LEGAL_CAP`] for what the engine computes itself (default margin, legal
//! caps): **down** to the centavo, so a result never exceeds the legal percentage (`docs/domain.md`, 444: Lei 10.820/2003 art. 1 §1, 35 %).
//! Both are settings: a configuration may choose another [`RoundingMode`].

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a value is brought to its number of decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Metade para longe do zero: 0.005 → 0.01, -0.005 → -0.01 (RM, Questor).
    HalfUp,
    /// Trunca em direção ao zero: 1 127.875 → 1 127.87 (Domínio; teto legal).
    Down,
    /// Metade para o par (bancário). Not RM's behaviour; offered for completeness.
    HalfEven,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }
}

/// A rounding mode together with the number of decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoundingPolicy {
    /// The mode.
    pub mode: RoundingMode,
    /// Decimal places kept (2 for money).
    pub places: u32,
}

impl RoundingPolicy {
    /// Formula results used as event values (`docs/language.md`, "Values"): 2 places, half away from zero.
    pub const FORMULA: RoundingPolicy = RoundingPolicy {
        mode: RoundingMode::HalfUp,
        places: 2,
    };
    /// What the engine's own rules compute (default margin, legal caps): down to the centavo.
    pub const LEGAL_CAP: RoundingPolicy = RoundingPolicy {
        mode: RoundingMode::Down,
        places: 2,
    };

    /// A policy with `mode` at 2 places (money).
    pub const fn money(mode: RoundingMode) -> Self {
        RoundingPolicy { mode, places: 2 }
    }

    /// Rounds `value` under this policy. Never panics: `places` above 28 is clamped.
    pub fn round(self, value: Decimal) -> Decimal {
        round_dp(value, self.places, self.mode)
    }
}

/// Rounds `value` to `places` decimal places with `mode`, clamping `places` to the 28 that
/// `Decimal` can hold. The single rounding primitive of the project.
pub fn round_dp(value: Decimal, places: u32, mode: RoundingMode) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(places.min(28), mode.strategy());
    // Keep money printable with its places ("240.00"), without changing the value.
    if rounded.scale() < places.min(28) {
        rounded.rescale(places.min(28));
    }
    rounded
}

/// `n` with its noun in the singular or the plural, as Portuguese says it: `1 parcela`,
/// `2 parcelas`, `0 parcelas`.
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Formats a money value with exactly 2 places, as files and reports print it. Never a
/// negative zero: `-0`, `-0.00` and `-0.004` print `0.00`.
pub fn format_money(value: Decimal) -> String {
    let text = format!("{:.2}", value);
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

/// Splits `total` in proportion to `weights` into amounts of `places` decimals by the largest
/// remainder method (Hamilton): each part is first rounded down, then the units left over go one
/// by one to the parts with the largest discarded remainder (ties: the earlier part).
///
/// The parts add up to exactly `total` rounded down to `places`, and none exceeds its exact
/// share by a unit or more. Used by the rateio of the margin (`docs/domain.md`, rateio). Returns `None` when
/// `weights` is empty, a weight or `total` is negative, the weights add up to zero, or an
/// operation overflows. Never panics.
pub fn allocate_largest_remainder(
    total: Decimal,
    weights: &[Decimal],
    places: u32,
) -> Option<Vec<Decimal>> {
    let places = places.min(28);
    if weights.is_empty()
        || total.is_sign_negative()
        || weights.iter().any(|w| w.is_sign_negative())
    {
        return None;
    }
    let total = round_dp(total, places, RoundingMode::Down);
    let weight_sum = weights
        .iter()
        .try_fold(Decimal::ZERO, |acc, w| acc.checked_add(*w))?;
    if weight_sum.is_zero() {
        return None;
    }
    let unit = Decimal::new(1, places);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for w in weights {
        let exact = total.checked_mul(*w)?.checked_div(weight_sum)?;
        let floor = round_dp(exact, places, RoundingMode::Down);
        remainders.push(exact.checked_sub(floor)?);
        parts.push(floor);
    }
    let assigned = parts
        .iter()
        .try_fold(Decimal::ZERO, |acc, p| acc.checked_add(*p))?;
    let leftover = total.checked_sub(assigned)?.checked_div(unit)?.trunc();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    if leftover.is_sign_negative() {
        // Only reachable through the last digit of an inexact division: take the surplus back
        // from the parts with the smallest remainder.
        order.sort_by(|&a, &b| remainders[a].cmp(&remainders[b]).then(b.cmp(&a)));
        let mut surplus = leftover.abs();
        for i in order {
            if surplus <= Decimal::ZERO {
                break;
            }
            if parts[i] >= unit {
                parts[i] = parts[i].checked_sub(unit)?;
                surplus = surplus.checked_sub(Decimal::ONE)?;
            }
        }
    } else {
        order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
        let mut left = leftover;
        for i in order
            .into_iter()
            .cycle()
            .take(weights.len().saturating_mul(2))
        {
            if left <= Decimal::ZERO {
                break;
            }
            parts[i] = parts[i].checked_add(unit)?;
            left = left.checked_sub(Decimal::ONE)?;
        }
    }
    Some(
        parts
            .into_iter()
            .map(|p| round_dp(p, places, RoundingMode::Down))
            .collect(),
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn singular_and_plural() {
        assert_eq!(count(1, "parcela", "parcelas"), "1 parcela");
        assert_eq!(count(0, "parcela", "parcelas"), "0 parcelas");
        assert_eq!(count(2, "linha", "linhas"), "2 linhas");
    }
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rm_rounds_half_away_from_zero() {
        let p = RoundingPolicy {
            mode: RoundingMode::HalfUp,
            places: 0,
        };
        assert_eq!(p.round(d("24.50")), d("25"));
        assert_eq!(p.round(d("24.33")), d("24"));
        assert_eq!(p.round(d("-24.50")), d("-25"));
    }

    #[test]
    fn vendors_differ_on_the_half_centavo() {
        // Questor: 35 % of 2 152.17 = 753.2595 → 753.26; Domínio: 1 127.875 → 1 127.87.
        assert_eq!(
            RoundingPolicy::FORMULA.round(d("753.2595")).to_string(),
            "753.26"
        );
        assert_eq!(
            RoundingPolicy::LEGAL_CAP.round(d("1127.875")).to_string(),
            "1127.87"
        );
        assert_eq!(
            RoundingPolicy::LEGAL_CAP.round(d("240")).to_string(),
            "240.00"
        );
    }

    #[test]
    fn largest_remainder_adds_up_exactly() {
        let parts = allocate_largest_remainder(d("100.00"), &[d("1"), d("1"), d("1")], 2).unwrap();
        assert_eq!(parts, vec![d("33.34"), d("33.33"), d("33.33")]);
        let parts =
            allocate_largest_remainder(d("300.00"), &[d("50"), d("25"), d("25")], 2).unwrap();
        assert_eq!(parts, vec![d("150.00"), d("75.00"), d("75.00")]);
        assert!(allocate_largest_remainder(d("1"), &[], 2).is_none());
        assert!(allocate_largest_remainder(d("1"), &[d("0")], 2).is_none());
    }
}

/// Why a money text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    /// Not a number at all.
    #[error("valor monetário inválido: '{0}' (use 1234.56, 1234,56 ou 1.234,56)")]
    Invalid(String),
    /// Could be read two ways (`1.234`: one thousand or one point two?).
    #[error("valor monetário ambíguo: '{0}' (use 1234.56, 1234,56 ou 1.234,56)")]
    Ambiguous(String),
    /// Beyond the decimal range, or with more digits than `Decimal` holds exactly.
    #[error("valor monetário fora da faixa ou com dígitos demais para ser guardado exatamente (até 28 significativos): '{0}'")]
    OutOfRange(String),
}

/// Reads money as Brazilian files write it (`fixtures/README.md`, "Pasta da empresa"): `1234.56`, `1234,56`, `1.234,56`,
/// `1234`, with an optional sign and `R$`. A single separator followed by exactly three
/// digits (`1.234`, `1,234`) is ambiguous — a thousands group or a decimal part — and is
/// rejected rather than guessed.
pub fn parse_money(text: &str) -> Result<Decimal, MoneyParseError> {
    match parse_plain(text) {
        Some(value) => Ok(value),
        None => parse_general(text),
    }
}

/// Every accepted form (see [`parse_money`]).
fn parse_general(text: &str) -> Result<Decimal, MoneyParseError> {
    let original = text;
    let invalid = || MoneyParseError::Invalid(original.to_string());
    let mut s = text.trim();
    let negative = if let Some(rest) = s.strip_prefix('-') {
        s = rest.trim_start();
        true
    } else {
        false
    };
    if let Some(rest) = s.strip_prefix("R$") {
        s = rest.trim_start();
    }
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(invalid());
    }
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    // Borrowed when the text is already canonical (the common case: no allocation).
    let canonical: std::borrow::Cow<'_, str> = match (dots, commas) {
        (0, 0) => s.into(),
        (1, 0) | (0, 1) => {
            let sep = if dots == 1 { '.' } else { ',' };
            let (int, frac) = s.split_once(sep).ok_or_else(invalid)?;
            if int.is_empty() || frac.is_empty() {
                return Err(invalid());
            }
            if frac.len() == 3 && int.len() <= 3 && !int.starts_with('0') {
                return Err(MoneyParseError::Ambiguous(original.to_string()));
            }
            if sep == '.' {
                s.into()
            } else {
                format!("{int}.{frac}").into()
            }
        }
        (_, 0) | (_, 1) => {
            // Thousands with '.', optional decimal part with ','.
            let (int, frac) = match s.split_once(',') {
                Some((i, f)) => (i, Some(f)),
                None => (s, None),
            };
            let groups: Vec<&str> = int.split('.').collect();
            let well_grouped = !groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3);
            if !well_grouped || frac.is_some_and(|f| f.is_empty() || f.contains('.')) {
                return Err(invalid());
            }
            match frac {
                Some(f) => format!("{}.{f}", groups.concat()).into(),
                None => groups.concat().into(),
            }
        }
        _ => return Err(invalid()),
    };
    let value = parse_decimal_exact(&canonical)
        .ok_or_else(|| MoneyParseError::OutOfRange(original.to_string()))?;
    Ok(if negative { -value } else { value })
}

/// Parses a plain decimal (`-123.45`) **exactly**: a number with more significant digits than
/// `Decimal` holds (28–29) is an error, never rounded. Zeros after the last significant
/// decimal digit are dropped first when the number does not fit otherwise (they change no
/// value).
pub fn parse_decimal_exact(text: &str) -> Option<Decimal> {
    if let Ok(v) = Decimal::from_str_exact(text) {
        return Some(v);
    }
    let trimmed = match text.split_once('.') {
        Some((_, frac)) if frac.ends_with('0') => text.trim_end_matches('0').trim_end_matches('.'),
        _ => return None,
    };
    Decimal::from_str_exact(trimmed).ok()
}

/// The form batch files almost always carry, `1234.56` (digits, then optionally `.` and one,
/// two or four-plus decimal places), read without any intermediate text: the same `Decimal`
/// (value and scale) as the general path gives. `None` sends anything else to the general path,
/// including three decimal places (the ambiguity rule there) and over 18 digits.
fn parse_plain(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 18 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale: Option<u32> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() && i > 0 && i + 1 < bytes.len() => scale = Some(0),
            _ => return None,
        }
    }
    let scale = scale.unwrap_or(0);
    if scale == 3 {
        return None;
    }
    Some(Decimal::new(mantissa, scale))
}

#[cfg(test)]
mod parse_tests {

    #[test]
    fn no_number_is_rounded_silently() {
        assert_eq!(parse_decimal_exact("1.5"), Some(Decimal::new(15, 1)));
        assert_eq!(
            parse_decimal_exact("1.00000000000000000000000000000"),
            Some(Decimal::ONE)
        );
        assert_eq!(parse_decimal_exact("1.00000000000000000000000000001"), None);
        assert_eq!(parse_decimal_exact("0.00000000000000000000000000001"), None);
        assert_eq!(parse_decimal_exact("79228162514264337593543950336"), None);
        assert!(matches!(
            parse_money("1,00000000000000000000000000001"),
            Err(MoneyParseError::OutOfRange(_))
        ));
    }
    use super::*;

    proptest::proptest! {
        /// The fast path gives exactly what the general path gives (value and scale).
        #[test]
        fn plain_fast_path_agrees_with_the_general_path(text in "[0-9.]{1,22}") {
            if let Some(fast) = parse_plain(&text) {
                let general = parse_general(&text);
                proptest::prop_assert_eq!(Ok(fast.to_string()), general.map(|d| d.to_string()));
            }
        }
    }

    #[test]
    fn plain_fast_path_covers_the_batch_forms() {
        for (text, want) in [
            ("1234.56", "1234.56"),
            ("0.50", "0.50"),
            ("7", "7"),
            ("007", "7"),
            ("12.5", "12.5"),
            ("1.2345", "1.2345"),
        ] {
            assert_eq!(
                parse_plain(text).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{text}"
            );
        }
        for text in [
            "1.234",
            ".5",
            "5.",
            "1..2",
            "-1",
            " 1",
            "1,5",
            "1234567890123456789",
        ] {
            assert_eq!(parse_plain(text), None, "{text}");
        }
    }

    #[test]
    fn brazilian_and_plain_forms_are_accepted() {
        for (text, want) in [
            ("1234.56", "1234.56"),
            ("1234,56", "1234.56"),
            ("1.234,56", "1234.56"),
            ("1.234.567,8", "1234567.8"),
            ("R$ 1.234,56", "1234.56"),
            ("-75,5", "-75.5"),
            ("0.300", "0.300"),
            ("1234", "1234"),
            ("1234.567", "1234.567"),
        ] {
            assert_eq!(parse_money(text).unwrap().to_string(), want, "{text}");
        }
    }

    #[test]
    fn ambiguous_and_broken_forms_are_rejected() {
        assert!(matches!(
            parse_money("1.234"),
            Err(MoneyParseError::Ambiguous(_))
        ));
        assert!(matches!(
            parse_money("1,234"),
            Err(MoneyParseError::Ambiguous(_))
        ));
        for bad in [
            "", "abc", "1,234.56", "1.23,4.5", "12.34.56", ",5", "5,", "1 234",
        ] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }
}
