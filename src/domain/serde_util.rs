//! Serde helpers for money, dates and competências in files people edit.
//!
//! Money is written as a string (`"1097.56"`) and read from:
//! - a string, by [`crate::money::parse_money`] (SPEC §3: `"1097.56"`, `"1097,56"`,
//!   `"1.097,56"`; an ambiguous `"1.234"` is rejected);
//! - an integer (`600`);
//! - a TOML/JSON float (`0.35`), accepted only when its shortest decimal form has at most 15
//!   significant digits, so the value read is exactly the literal written (a float of TOML never
//!   passes to the engine as a binary approximation). Strings are preferred and documented.
//! - serde_json's `arbitrary_precision` numbers (a one-entry map holding the literal).
//!
//! Dates are `AAAA-MM-DD` or `DD/MM/AAAA` strings, or TOML local dates.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("um valor decimal, de preferência como texto (\"1097.56\")")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        crate::money::parse_money(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("valor decimal inválido (não finito)"));
        }
        // Shortest round-trip form: exactly the literal written, for ≤ 15 significant digits.
        let text = format!("{v}");
        let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
        if digits > 15 || text.contains('e') {
            return Err(E::custom(format!(
                "número {text} com dígitos demais para ser lido sem perda; escreva-o como texto"
            )));
        }
        Decimal::from_str(&text).map_err(|_| E::custom(format!("valor decimal inválido: {text}")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        // serde_json arbitrary_precision: { "$serde_json::private::Number": "1.23" }.
        // A JSON number literal is unambiguous: read it as written.
        let entry: Option<(String, String)> = map.next_entry()?;
        match entry {
            Some((_, literal)) => Decimal::from_str(&literal)
                .map_err(|_| de::Error::custom(format!("valor decimal inválido: {literal}"))),
            None => Err(de::Error::custom("valor decimal ausente")),
        }
    }
}

struct Dec(Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecimalVisitor).map(Dec)
    }
}

/// `#[serde(with = "dec")]` for a `Decimal` field: written as a string, read leniently.
pub(crate) mod dec {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        Dec::deserialize(d).map(|x| x.0)
    }
}

/// `#[serde(with = "opt_dec")]` for an `Option<Decimal>` field.
pub(crate) mod opt_dec {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&v.to_string()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        Option::<Dec>::deserialize(d).map(|x| x.map(|x| x.0))
    }
}

/// `#[serde(with = "dec_map")]` for a `BTreeMap<String, Decimal>` field.
pub(crate) mod dec_map {
    use super::*;
    use serde::ser::SerializeMap;

    pub(crate) fn serialize<S: Serializer>(
        v: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(v.len()))?;
        for (k, v) in v {
            map.serialize_entry(k, &v.to_string())?;
        }
        map.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        let raw = BTreeMap::<String, Dec>::deserialize(d)?;
        Ok(raw.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

/// Parses `AAAA-MM-DD` or `DD/MM/AAAA`.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let s = text.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("uma data AAAA-MM-DD ou DD/MM/AAAA")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_date(v).ok_or_else(|| {
            E::custom(format!(
                "data inválida: '{v}' (use AAAA-MM-DD ou DD/MM/AAAA)"
            ))
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
        // TOML local dates arrive as { "$__toml_private_datetime": "2025-07-20" }.
        let entry: Option<(String, String)> = map.next_entry()?;
        match entry {
            Some((_, literal)) => self.visit_str(&literal),
            None => Err(de::Error::custom("data ausente")),
        }
    }
}

struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor).map(Date)
    }
}

/// `#[serde(with = "date")]` for a `NaiveDate` field (written `AAAA-MM-DD`).
pub(crate) mod date {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.format("%Y-%m-%d").to_string())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        Date::deserialize(d).map(|x| x.0)
    }
}

/// `#[serde(with = "opt_date")]` for an `Option<NaiveDate>` field.
pub(crate) mod opt_date {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&v.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Date>::deserialize(d).map(|x| x.map(|x| x.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let want = NaiveDate::from_ymd_opt(2025, 7, 20);
        assert_eq!(parse_date("2025-07-20"), want);
        assert_eq!(parse_date("20/07/2025"), want);
        assert_eq!(parse_date("31/02/2025"), None);
    }
}
