//! Exact shortcuts for the money arithmetic the engine repeats for every employee.
//!
//! `Decimal` rounding walks the mantissa one power of ten at a time, and a division keeps 28
//! digits only to have most of them cut again by the rounding that follows. For the common
//! cases below the same result (value *and* scale) is computed on the integer mantissa; any
//! other case goes through [`RoundingPolicy::round`] and `Decimal` division as before. The
//! tests compare both ways over a wide range of values.

use crate::money::{RoundingMode, RoundingPolicy};
use rust_decimal::Decimal;

/// `value > 0`, from the sign and the mantissa (no `Decimal` comparison).
#[inline]
pub(crate) fn is_positive(value: Decimal) -> bool {
    !value.is_sign_negative() && !value.is_zero()
}

/// `value < 0`, from the sign and the mantissa.
#[inline]
pub(crate) fn is_negative(value: Decimal) -> bool {
    value.is_sign_negative() && !value.is_zero()
}

/// `value.max(Decimal::ZERO)`: `Decimal::ZERO` when `value` is negative, else `value` itself
/// (`Decimal::max` keeps its receiver when both are equal: `0.00` stays `0.00`).
#[inline]
pub(crate) fn max_zero(value: Decimal) -> Decimal {
    if is_negative(value) {
        Decimal::ZERO
    } else {
        value
    }
}

/// `policy.round(value)`.
///
/// Shortcut: a positive value with more places than the policy keeps, whose mantissa and cut
/// fit in 64 bits. `Decimal::round_dp_with_strategy` divides the mantissa by the cut (a power of
/// ten) and, rounding half up, adds one when the remainder is at least half the cut; rounding
/// down, it keeps the quotient. The same is done here in one 64-bit division.
#[inline]
pub(crate) fn round(policy: RoundingPolicy, value: Decimal) -> Decimal {
    let scale = value.scale();
    let mantissa = value.mantissa();
    if policy.places < scale
        && scale - policy.places <= 19
        && value.is_sign_positive()
        && mantissa <= i128::from(u64::MAX)
        && matches!(policy.mode, RoundingMode::Down | RoundingMode::HalfUp)
    {
        let cut = 10u64.pow(scale - policy.places);
        let (m, q) = (mantissa as u64, mantissa as u64 / cut);
        let q = match policy.mode {
            RoundingMode::HalfUp if m % cut >= cut / 2 => q + 1,
            _ => q,
        };
        return Decimal::from_i128_with_scale(i128::from(q), policy.places);
    }
    policy.round(value)
}

/// Largest mantissa of a value divided by [`div_round`]'s shortcut (10¹⁵: a margin of ten
/// trillion reais).
const MAX_SHORTCUT_MANTISSA: i128 = 1_000_000_000_000_000;

/// Largest divisor of [`div_round`]'s shortcut.
const MAX_SHORTCUT_DIVISOR: i128 = 1_000_000;

/// `Some(policy.round(value ÷ divisor))` when the shortcut applies, else `None` (the caller
/// divides with `Decimal`, keeping its error handling).
///
/// Shortcut: `value` positive with at most 2 places and a mantissa below 10¹⁵, `divisor` a
/// whole number from 1 to 10⁶, rounding down to 2 places. Then `value × 100 = N` is a whole
/// number of centavos and the result is `⌊N ÷ divisor⌋` centavos. `Decimal` division gives the
/// same after rounding: the quotient has at most 13 integer digits, so `Decimal` keeps at least
/// 15 decimals of it, and the exact quotient is either a whole number of centavos (an exact
/// division, computed exactly) or at least `1 ÷ divisor ≥ 10⁻⁶` centavo away from the next one,
/// far more than the error of the 15th decimal; so truncating it to 2 places gives ⌊N ÷ divisor⌋
/// centavos, with scale 2 like the policy's result.
#[inline]
pub(crate) fn div_round(
    value: Decimal,
    divisor: Decimal,
    policy: RoundingPolicy,
) -> Option<Decimal> {
    if policy.mode != RoundingMode::Down
        || policy.places != 2
        || value.is_sign_negative()
        || value.is_zero()
        || value.scale() > 2
        || divisor.is_sign_negative()
    {
        return None;
    }
    let mantissa = value.mantissa();
    if mantissa >= MAX_SHORTCUT_MANTISSA {
        return None;
    }
    // In 64 bits (cents < 10¹⁷; the divisor's mantissa ≤ 10⁶ × 10⁶): much cheaper divisions.
    let cents = mantissa as u64 * 10u64.pow(2 - value.scale());
    let d = divisor.mantissa();
    if d > MAX_SHORTCUT_DIVISOR * MAX_SHORTCUT_DIVISOR || divisor.scale() > 6 {
        return None;
    }
    let (d, unit) = (d as u64, 10u64.pow(divisor.scale()));
    if d % unit != 0 {
        return None;
    }
    let d = d / unit;
    if !(1..=MAX_SHORTCUT_DIVISOR as u64).contains(&d) {
        return None;
    }
    Some(Decimal::from_i128_with_scale(i128::from(cents / d), 2))
}

/// Largest factor and divisor of [`mul_div_round`]'s shortcut.
const MAX_SHORTCUT_FACTOR: u32 = 100;

/// `Some(policy.round(value × factor ÷ divisor))` when the shortcut applies, else `None` (the
/// caller computes with `Decimal`, keeping its error handling).
///
/// Shortcut: `value` positive (or zero) with at most 2 places and a mantissa below 10¹⁵,
/// `factor` ≤ 100, `divisor` from 1 to 100, rounding down or half up to 2 places. Then
/// `value × factor × 100 = N` is a whole number of centavos and the exact result is
/// `N ÷ divisor` centavos: a whole number, exactly half a centavo past one, or at least
/// `1 ÷ (2 × divisor)` centavo away from both a whole centavo and a half; `Decimal` division
/// keeps at least 15 decimals of a quotient this small, so its rounding to 2 places lands on
/// the same centavo, with scale 2 like the policy's result.
#[inline]
pub(crate) fn mul_div_round(
    value: Decimal,
    factor: u32,
    divisor: u32,
    policy: RoundingPolicy,
) -> Option<Decimal> {
    if policy.places != 2
        || !matches!(policy.mode, RoundingMode::Down | RoundingMode::HalfUp)
        || value.is_sign_negative()
        || value.scale() > 2
        || factor > MAX_SHORTCUT_FACTOR
        || !(1..=MAX_SHORTCUT_FACTOR).contains(&divisor)
    {
        return None;
    }
    let mantissa = value.mantissa();
    if mantissa >= MAX_SHORTCUT_MANTISSA {
        return None;
    }
    // < 10¹⁵ × 100 × 100 = 10¹⁹: fits in 64 bits.
    let n = mantissa as u64 * 10u64.pow(2 - value.scale()) * u64::from(factor);
    let d = u64::from(divisor);
    let (q, r) = (n / d, n % d);
    let q = match policy.mode {
        RoundingMode::HalfUp if 2 * r >= d => q + 1,
        _ => q,
    };
    Some(Decimal::from_i128_with_scale(i128::from(q), 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// A deterministic spread of values: every scale 0..=6, small and large mantissas.
    fn values() -> Vec<Decimal> {
        let mut out = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..4000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = 1 + (i % 17) as u32;
            let m = (x % 10u64.pow(digits.min(19))) as i128;
            let scale = (i % 7) as u32;
            out.push(Decimal::from_i128_with_scale(m, scale));
            out.push(Decimal::from_i128_with_scale(-m, scale));
        }
        for s in [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "0.001",
            "-0.001",
            "0.005",
            "1127.875",
            "495.4950",
            "0.99999",
            "99999999999999.999",
            "1415.70",
            "79228162514264337593543950335",
            "7.9228162514264337593543950335",
        ] {
            out.push(dec(s));
        }
        out
    }

    fn same(a: Decimal, b: Decimal) -> bool {
        a == b && a.scale() == b.scale() && a.is_sign_negative() == b.is_sign_negative()
    }

    #[test]
    fn sign_tests_match_the_comparisons() {
        for v in values() {
            assert_eq!(is_positive(v), v > Decimal::ZERO, "{v}");
            assert_eq!(is_negative(v), v < Decimal::ZERO, "{v}");
            assert!(same(max_zero(v), v.max(Decimal::ZERO)), "{v}");
        }
    }

    #[test]
    fn round_matches_the_policy() {
        for mode in [
            RoundingMode::Down,
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
        ] {
            for places in [0, 2, 4] {
                let policy = RoundingPolicy { mode, places };
                for v in values() {
                    let (fast, slow) = (round(policy, v), policy.round(v));
                    assert!(same(fast, slow), "{v} {mode:?} {places}: {fast} ≠ {slow}");
                    let legal = Decimal::new(35, 2).checked_mul(v);
                    if let Some(raw) = legal {
                        let (fast, slow) = (round(policy, raw), policy.round(raw));
                        assert!(same(fast, slow), "{raw} {mode:?}: {fast} ≠ {slow}");
                    }
                }
            }
        }
    }

    #[test]
    fn mul_div_round_matches_the_decimal_way() {
        let mut shortcuts = 0;
        for mode in [
            RoundingMode::Down,
            RoundingMode::HalfUp,
            RoundingMode::HalfEven,
        ] {
            let policy = RoundingPolicy::money(mode);
            for v in values() {
                for (factor, divisor) in [
                    (0, 30),
                    (1, 30),
                    (12, 30),
                    (20, 30),
                    (30, 30),
                    (7, 3),
                    (999, 7),
                    (5, 1000),
                ] {
                    let Some(fast) = mul_div_round(v, factor, divisor, policy) else {
                        continue;
                    };
                    shortcuts += 1;
                    let slow = policy.round(
                        v.checked_mul(Decimal::from(factor))
                            .unwrap()
                            .checked_div(Decimal::from(divisor))
                            .unwrap(),
                    );
                    assert!(
                        same(fast, slow),
                        "{v} × {factor} ÷ {divisor} {mode:?}: {fast} ≠ {slow}"
                    );
                }
            }
        }
        assert!(shortcuts > 10_000, "{shortcuts}");
    }

    #[test]
    fn div_round_matches_the_division() {
        let policy = RoundingPolicy::money(RoundingMode::Down);
        let mut divisors: Vec<Decimal> = (1..=40).map(Decimal::from).collect();
        for s in [
            "3.0",
            "3.00",
            "2.5",
            "1.0000001",
            "0.5",
            "999999",
            "1000000",
            "1000001",
            "7919",
            "-3",
        ] {
            divisors.push(dec(s));
        }
        let mut shortcuts = 0;
        for v in values() {
            for &d in &divisors {
                let Some(fast) = div_round(v, d, policy) else {
                    continue;
                };
                shortcuts += 1;
                let slow = policy.round(v.checked_div(d).unwrap());
                assert!(same(fast, slow), "{v} ÷ {d}: {fast} ≠ {slow}");
            }
        }
        assert!(shortcuts > 10_000, "{shortcuts}");
        assert_eq!(
            div_round(dec("1000.00"), dec("2"), policy),
            Some(dec("500.00"))
        );
        assert_eq!(div_round(dec("1000.00"), dec("2.5"), policy), None);
        assert_eq!(
            div_round(
                dec("1000.00"),
                dec("2"),
                RoundingPolicy::money(RoundingMode::HalfUp)
            ),
            None
        );
    }
}
