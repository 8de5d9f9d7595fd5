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
//! Money may be a string or a number. A string is read exactly as the company files read money
//! (`fixtures/README.md`, "Pasta da empresa"; [`crate::money::parse_money`]): `"1200.00"`, `"1234,56"`, `"1.234,56"`, and an
//! ambiguous `"1.234"` is refused, not guessed. JSON numbers are read from their exact text
//! (serde_json's `arbitrary_precision`), never through binary floating point, and without an
//! exponent (`1e2` is refused: write `100`); a TOML float is rejected with a request to quote it,
//! because the TOML reader has already turned it into a binary float. A UTF-8 BOM is accepted.
//!
//! Refused as the batch refuses them: an unknown key, a key given twice (`"L"` twice, or `"L"`
//! and `"l"`: names do not distinguish case), an event code given twice, two history entries
//! of the same competência and period, a period of 0 or less.

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
                // One reading of money everywhere: the company files'.
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
        Err(format!(
            "número com expoente ({digits}): escreva-o por extenso, como nos arquivos da empresa"
        ))
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
    #[serde(default, deserialize_with = "unique_map")]
    pub variaveis: BTreeMap<String, Money>,
    /// `C('…')`.
    #[serde(default, deserialize_with = "unique_map")]
    pub eventos: BTreeMap<String, Money>,
    /// `LIQUIDOFF`.
    #[serde(default)]
    pub historico: Vec<HistoryEntry>,
}

/// An exact decimal result (`"24.336"`, `"455.400"`): the digits as written, `.` the decimal
/// mark, never rounded (a fixture's `esperado_exato`, compared with its scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactDecimal(pub Decimal);

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        crate::money::parse_decimal_exact(text.trim())
            .map(ExactDecimal)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "valor exato inválido: '{text}' (use dígitos e '.', por exemplo \"24.336\")"
                ))
            })
    }
}

/// A map whose keys are given once each (serde's maps keep the last value of a repeated key).
fn unique_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Money>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, Money>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("um objeto de nomes e valores")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value: Money = map.next_value()?;
                if out.insert(key.clone(), value).is_some() {
                    return Err(de::Error::custom(format!(
                        "chave '{key}' repetida: informe cada nome uma vez"
                    )));
                }
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
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
        if let Some(p) = self.periodo.filter(|p| *p <= 0) {
            return Err(format!("periodo: {p} inválido (o período é 1 ou mais)"));
        }
        ctx.periodo = self.periodo;
        let mut names: BTreeMap<String, &str> = BTreeMap::new();
        for (name, value) in &self.variaveis {
            if let Some(first) = names.insert(name.to_uppercase(), name) {
                return Err(format!(
                    "variaveis: '{first}' e '{name}' são o mesmo nome (os nomes não distinguem maiúsculas): deixe um"
                ));
            }
            ctx.set_variable(name, value.0);
        }
        let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
        for (code, value) in &self.eventos {
            if let Some(first) = codes.insert(code.trim(), code) {
                return Err(format!(
                    "eventos: '{first}' e '{code}' são o mesmo evento: deixe um"
                ));
            }
            ctx.set_event(code.trim(), value.0);
        }
        let mut seen: BTreeMap<(i32, u32, i64), usize> = BTreeMap::new();
        for (i, h) in self.historico.iter().enumerate() {
            let (a, m) = parse_competencia(&h.competencia)
                .map_err(|e| format!("historico[{i}].competencia: {e}"))?;
            if h.periodo <= 0 {
                return Err(format!(
                    "historico[{i}].periodo: {} inválido (o período é 1 ou mais)",
                    h.periodo
                ));
            }
            if let Some(first) = seen.insert((a, m, h.periodo), i) {
                return Err(format!(
                    "historico[{i}]: competência {} período {} repetida (já em historico[{first}]): informe cada movimento uma vez",
                    h.competencia, h.periodo
                ));
            }
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        format!(
            "{}:{}: {}",
            e.line(),
            e.column(),
            crate::messages::json_message(&e)
        )
    })
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
    fn the_context_refuses_what_the_batch_refuses() {
        let base = |body: &str| format!("{{\"competencia\":\"2025-06\",{body}}}");
        let refused = [
            (base(r#""variaveis":{"L":"1","L":"2"}"#), "repetida"),
            (base(r#""variaveis":{"L":"1","l":"2"}"#), "mesmo nome"),
            (
                base(r#""eventos":{"0439":"1"," 0439":"2"}"#),
                "mesmo evento",
            ),
            (base(r#""periodo":0"#), "período é 1 ou mais"),
            (
                base(
                    r#""historico":[{"competencia":"2025-05","periodo":1,"liquido":"1"},{"competencia":"2025-05","periodo":1,"liquido":"2"}]"#,
                ),
                "repetida",
            ),
            (base(r#""variaveis":{"L":"1.234"}"#), "ambíguo"),
            (base(r#""variaveis":{"L":1e2}"#), "expoente"),
            (base(r#""competencia":"2025-07""#), "repetido"),
        ];
        for (text, why) in refused {
            let err = from_json(&text).and_then(|s| s.to_context().map(|_| s));
            let err = err.err().unwrap_or_else(|| panic!("aceito: {text}"));
            assert!(err.contains(why), "{text}: {err}");
        }
        // A BOM is accepted, as in every other input.
        let spec = from_json(&format!(
            "\u{feff}{}",
            base(r#""variaveis":{"L":"1.234,56"}"#)
        ))
        .unwrap();
        assert_eq!(spec.variaveis["L"].0.to_string(), "1234.56");
    }

    #[test]
    fn competencia_is_validated() {
        assert_eq!(parse_competencia("2025-06"), Ok((2025, 6)));
        assert!(parse_competencia("2025-13").is_err());
        assert!(parse_competencia("06/2025").is_err());
    }
}
