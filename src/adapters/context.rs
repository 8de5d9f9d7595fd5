//! The evaluation context file of `consignado eval` (SPEC §5) and of the fixture cases:
//!
//! ```json
//! {
//!   "competencia": "2025-06",
//!   "periodo": 1,
//!   "variaveis": { "L": "1200.00", "RC": "2000.00" },
//!   "eventos":   { "0439": "500.00" },
//!   "historico": [ { "competencia": "2025-05", "periodo": 1, "liquido": "2800.00" } ]
//! }
//! ```
//!
//! Money may be a string or a number. In a string, `.` is the decimal mark (`"24.336"`), and
//! the Brazilian forms with `,` are accepted too (`"1.234,56"`, `"1234,56"`). JSON numbers are read from their exact text (serde_json's
//! `arbitrary_precision`), never through binary floating point; a TOML float is rejected with
//! a request to quote it, because the TOML reader has already turned it into a binary float.
//! An unknown key is an error.

use crate::formula::MapContext;
use crate::money::parse_money;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// A money value read from JSON or TOML without passing through `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub Decimal);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("um valor monetário (\"1200.00\" ou 1200.00)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                // In JSON and TOML a plain `.` is the decimal mark, as in their numbers
                // ("24.336" is 24.336); with a `,` the Brazilian forms of SPEC §3 apply.
                let plain = v.trim();
                if !plain.contains(',') && !plain.contains("R$") {
                    if let Ok(d) = exact_number(plain) {
                        return Ok(Money(d));
                    }
                }
                parse_money(v)
                    .map(Money)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Err(E::custom(format!(
                    "o número {v} chegou como ponto flutuante binário e perderia exatidão; escreva-o entre aspas, por exemplo \"1200.00\""
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Money, A::Error> {
                // serde_json with `arbitrary_precision` hands numbers over as a one-entry map
                // holding the exact digits.
                let key: Option<String> = map.next_key()?;
                match key.as_deref() {
                    Some("$serde_json::private::Number") => {
                        let digits: String = map.next_value()?;
                        exact_number(&digits).map(Money).map_err(de::Error::custom)
                    }
                    _ => Err(de::Error::custom("esperado um valor monetário")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

fn exact_number(digits: &str) -> Result<Decimal, String> {
    if digits.contains(['e', 'E']) {
        Decimal::from_scientific(digits).map_err(|_| format!("número fora da faixa: {digits}"))
    } else {
        crate::money::parse_decimal_exact(digits).ok_or_else(|| {
            format!("número {digits} com mais dígitos do que o motor guarda exatamente (até 28 significativos): seria arredondado")
        })
    }
}

/// One closed movement of the history (`LIQUIDOFF`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// `AAAA-MM`.
    pub competencia: String,
    /// Period number of that movement.
    pub periodo: i64,
    /// Net pay.
    pub liquido: Money,
}

/// The context of one evaluation, as written in a file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    /// `AAAA-MM`: gives `ANO` and `MES`.
    pub competencia: String,
    /// `PERIODO`.
    #[serde(default)]
    pub periodo: Option<i64>,
    /// Any other name (`L`, `RC`, …).
    #[serde(default)]
    pub variaveis: BTreeMap<String, Money>,
    /// `C('…')`.
    #[serde(default)]
    pub eventos: BTreeMap<String, Money>,
    /// `LIQUIDOFF`.
    #[serde(default)]
    pub historico: Vec<HistoryEntry>,
}

/// Parses `AAAA-MM` (SPEC §3) into (year, month).
pub fn parse_competencia(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("competência inválida '{text}': use AAAA-MM, por exemplo 2025-06");
    let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok((year, month))
}

impl ContextSpec {
    /// Builds the evaluation context. Errors name the field.
    pub fn to_context(&self) -> Result<MapContext, String> {
        let (ano, mes) =
            parse_competencia(&self.competencia).map_err(|e| format!("competencia: {e}"))?;
        let mut ctx = MapContext::new(ano, mes);
        ctx.periodo = self.periodo;
        for (name, value) in &self.variaveis {
            ctx.set_variable(name, value.0);
        }
        for (code, value) in &self.eventos {
            ctx.set_event(code.trim(), value.0);
        }
        for (i, h) in self.historico.iter().enumerate() {
            let (a, m) = parse_competencia(&h.competencia)
                .map_err(|e| format!("historico[{i}].competencia: {e}"))?;
            ctx.set_history(i64::from(a), m, h.periodo, h.liquido.0);
        }
        Ok(ctx)
    }

    /// Names of the variables it supplies (for the checker).
    pub fn variable_names(&self) -> Vec<String> {
        self.variaveis.keys().map(|k| k.to_uppercase()).collect()
    }
}

/// Reads a JSON context. The error says where (line, column) and what, in Portuguese.
pub fn from_json(text: &str) -> Result<ContextSpec, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{}:{}: {}",
            e.line(),
            e.column(),
            translate_serde(&e.to_string())
        )
    })
}

/// Turns serde's English phrasing into Portuguese for the common cases.
pub fn translate_serde(message: &str) -> String {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_string();
    message
        .replace("unknown field", "campo desconhecido")
        .replace("missing field", "campo obrigatório ausente:")
        .replace("expected one of", "esperado um de")
        .replace("invalid type:", "tipo inválido:")
        .replace("expected", "esperado")
        .replace("string", "texto")
        .replace("integer", "inteiro")
        .replace("EOF while parsing", "fim inesperado ao ler")
        .replace("trailing characters", "caracteres a mais no fim")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_keep_their_exact_digits() {
        let spec = from_json(
            r#"{"competencia":"2025-06","variaveis":{"L":0.1,"X":"1.234,56","Y":12345678901234567890.123456789}}"#,
        )
        .unwrap();
        assert_eq!(spec.variaveis["L"].0.to_string(), "0.1");
        assert_eq!(spec.variaveis["X"].0.to_string(), "1234.56");
        assert_eq!(
            spec.variaveis["Y"].0.to_string(),
            "12345678901234567890.123456789"
        );
    }

    #[test]
    fn unknown_keys_and_bad_money_are_positioned_errors() {
        let e = from_json("{\"competencia\":\"2025-06\",\n\"extra\":1}").unwrap_err();
        assert!(e.starts_with("2:"), "{e}");
        assert!(e.contains("campo desconhecido"), "{e}");
        let e =
            from_json("{\"competencia\":\"2025-06\",\"eventos\":{\"0439\":\"abc\"}}").unwrap_err();
        assert!(e.contains("abc"), "{e}");
    }

    #[test]
    fn competencia_is_validated() {
        assert_eq!(parse_competencia("2025-06"), Ok((2025, 6)));
        assert!(parse_competencia("2025-13").is_err());
        assert!(parse_competencia("06/2025").is_err());
    }
}
