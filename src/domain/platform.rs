//! Crédito do Trabalhador: the employer, and the institutions that need no convênio.
//!
//! Since competência 05/2025 (Lei 15.179/2025, amending Lei 10.820/2003; Portarias MTE 435 and
//! 491/2025) a CLT worker contracts the loan on the government platform with any institution
//! enabled there; the employer must discount it "com ou sem convênio" (Lei 10.820 art. 2-A §2
//! I c and art. 4 §4). So an institution that first appears in the month's installment file
//! must not need hand-written configuration before its installments are discounted.
//!
//! How the configuration names these discounts:
//!
//! - `[empresa] cnpj` is the employer's CNPJ (14 characters, numeric or alphanumeric, with its
//!   check digits; the first 8 are the CNPJ raiz that the platform's file is issued for).
//! - `[credito_trabalhador]` names **one event pair** for every platform contract:
//!   `evento_438` (Desconto, the monthly discount), `evento_439` (Base de cálculo, the
//!   installment), `evento_442`/`evento_443` (the rescission). In eSocial these discounts are
//!   one rubric of natureza 9253 with the institution and the contract in each item's
//!   `descFolha`, so one pair shared by every platform institution is the natural mapping. An
//!   event named here that is not in `[[eventos]]` is catalogued with its calculation code and
//!   type; the defaults are `CT438`, `CT439`, `CT442`, `CT443`.
//! - The institution of a platform installment is its 3-digit code (`ifConcessora.codigo`, the
//!   eSocial `instFinanc`). A `[[instituicoes]]` entry whose `codigo` is that code receives it
//!   (with its own events and formulas: a company that had a convênio keeps it); any other code
//!   becomes an institution of id = the code, under the legal rule, with the shared pair
//!   ([`Config::with_platform_institutions`]).
//! - Platform institutions (`credito_trabalhador = true`, set on the generated ones) receive no
//!   share of the margin: the platform takes the margin from eSocial, not from the employer.

use super::config::{Config, EventDefinition, Institution};
use super::error::DomainIssue;
use super::types::EventKind;
use serde::{Deserialize, Serialize};

/// `[empresa]`: the employer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployerSettings {
    /// CNPJ of the employer (14 characters, as text).
    #[serde(default)]
    pub cnpj: Option<String>,
    /// Razão social.
    #[serde(default)]
    pub nome: Option<String>,
}

impl EmployerSettings {
    /// The CNPJ raiz (first 8 characters), when the CNPJ is set.
    pub fn cnpj_root(&self) -> Option<&str> {
        self.cnpj.as_deref().and_then(|c| c.get(..8))
    }
}

/// `[credito_trabalhador]`: the event pair of every platform contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSettings {
    /// Event 438 (Desconto) of the platform discounts.
    #[serde(default = "default_438")]
    pub evento_438: String,
    /// Event 439 (Base de cálculo) of the platform installments.
    #[serde(default = "default_439")]
    pub evento_439: String,
    /// Event 442 (Desconto) of the platform discounts in the rescission.
    #[serde(default = "default_442")]
    pub evento_442: String,
    /// Event 443 (Base de cálculo) of the amounts informed for the rescission.
    #[serde(default = "default_443")]
    pub evento_443: String,
}

fn default_438() -> String {
    "CT438".to_owned()
}
fn default_439() -> String {
    "CT439".to_owned()
}
fn default_442() -> String {
    "CT442".to_owned()
}
fn default_443() -> String {
    "CT443".to_owned()
}

impl Default for PlatformSettings {
    fn default() -> Self {
        PlatformSettings {
            evento_438: default_438(),
            evento_439: default_439(),
            evento_442: default_442(),
            evento_443: default_443(),
        }
    }
}

impl PlatformSettings {
    /// (code, calculation code, type, chave desativada, description) of the four events.
    fn events(&self) -> [(&str, u16, EventKind, bool, &'static str); 4] {
        [
            (
                &self.evento_438,
                438,
                EventKind::Desconto,
                false,
                "Crédito do Trabalhador — desconto em folha",
            ),
            (
                &self.evento_439,
                439,
                EventKind::BaseDeCalculo,
                true,
                "Crédito do Trabalhador — parcela informada",
            ),
            (
                &self.evento_442,
                442,
                EventKind::Desconto,
                false,
                "Crédito do Trabalhador — desconto na rescisão",
            ),
            (
                &self.evento_443,
                443,
                EventKind::BaseDeCalculo,
                true,
                "Crédito do Trabalhador — valor informado para a rescisão",
            ),
        ]
    }

    /// Is `code` one of the four shared events?
    pub fn is_shared_event(&self, code: &str) -> bool {
        [
            &self.evento_438,
            &self.evento_439,
            &self.evento_442,
            &self.evento_443,
        ]
        .iter()
        .any(|c| c.as_str() == code)
    }
}

/// Is `code` a 3-digit institution code (eSocial `instFinanc`)?
pub fn is_institution_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a CNPJ: 14 characters, the first 12 digits or capital letters, the last 2 digits,
/// with the check digits of the Receita Federal rule (each character counts as its ASCII code
/// minus 48, weights 2 to 9 from the right, modulo 11; IN RFB 2.229/2024 for the alphanumeric
/// CNPJ). `Err` says what is wrong, in Portuguese.
pub fn check_cnpj(cnpj: &str) -> Result<(), String> {
    let b = cnpj.as_bytes();
    if b.len() != 14 {
        return Err(format!(
            "CNPJ '{cnpj}' deve ter 14 caracteres (sem pontuação), tem {}",
            cnpj.chars().count()
        ));
    }
    let body_ok = b[..12]
        .iter()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if !body_ok || !b[12..].iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "CNPJ '{cnpj}' inválido: os 12 primeiros caracteres são dígitos ou letras maiúsculas e os 2 últimos, dígitos"
        ));
    }
    let digit = |len: usize| -> u32 {
        let mut sum = 0u32;
        for (i, &c) in b[..len].iter().rev().enumerate() {
            let weight = (i as u32 % 8) + 2;
            sum += (u32::from(c) - 48) * weight;
        }
        let r = sum % 11;
        if r < 2 {
            0
        } else {
            11 - r
        }
    };
    let d1 = digit(12);
    let d2 = digit(13);
    if u32::from(b[12] - b'0') != d1 || u32::from(b[13] - b'0') != d2 {
        return Err(format!(
            "CNPJ '{cnpj}' com dígitos verificadores errados (esperado {d1}{d2}): confira o número"
        ));
    }
    Ok(())
}

impl Config {
    /// The configured institution that receives the platform installments of `code` (its
    /// `codigo`), or the id a generated platform institution gets (the code itself).
    pub fn institution_for_code<'a>(&'a self, code: &'a str) -> &'a str {
        self.instituicoes
            .iter()
            .find(|i| i.codigo.as_deref() == Some(code))
            .map_or(code, |i| i.id.as_str())
    }

    /// The configuration with the platform's events catalogued (when missing) and an
    /// institution for every code in `codes` (3-digit codes with a name) that no
    /// `[[instituicoes]]` entry receives (module docs). Idempotent.
    pub fn with_platform_institutions(mut self, codes: &[(String, String)]) -> Config {
        let settings = self.credito_trabalhador.clone().unwrap_or_default();
        let mut needs_events = false;
        for (code, name) in codes {
            if self.institution_for_code(code) != code.as_str() || self.institution(code).is_some()
            {
                continue;
            }
            needs_events = true;
            self.instituicoes.push(Institution {
                id: code.clone(),
                nome: if name.trim().is_empty() {
                    format!("Instituição {code} (Crédito do Trabalhador)")
                } else {
                    name.clone()
                },
                codigo: Some(code.clone()),
                evento_438: Some(settings.evento_438.clone()),
                evento_439: Some(settings.evento_439.clone()),
                evento_442: Some(settings.evento_442.clone()),
                evento_443: Some(settings.evento_443.clone()),
                formula_438: None,
                formula_442: None,
                credito_trabalhador: true,
            });
        }
        if needs_events || self.credito_trabalhador.is_some() {
            for (code, cc, kind, disabled, description) in settings.events() {
                if self.event(code).is_none() {
                    self.eventos.push(EventDefinition {
                        codigo: code.to_owned(),
                        descricao: description.to_owned(),
                        tipo: kind,
                        codigo_calculo: Some(cc),
                        chave_desativada: disabled,
                    });
                }
            }
        }
        self
    }

    /// Checks `[empresa]` and the institutions' `codigo` (part of [`Config::validate`]).
    pub(crate) fn validate_platform(&self, issues: &mut Vec<DomainIssue>) {
        if let Some(cnpj) = &self.empresa.cnpj {
            if let Err(message) = check_cnpj(cnpj) {
                issues.push(DomainIssue::error("D150", "empresa.cnpj", message));
            }
        }
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (i, inst) in self.instituicoes.iter().enumerate() {
            let Some(code) = inst.codigo.as_deref() else {
                continue;
            };
            if !is_institution_code(code) {
                issues.push(DomainIssue::error(
                    "D151",
                    format!("instituicoes[{i}].codigo"),
                    format!(
                        "código da instituição '{code}' inválido: são 3 dígitos (o instFinanc do eSocial, ex.: \"001\")"
                    ),
                ));
            }
            if let Some((_, first)) = seen.iter().find(|(c, _)| *c == code) {
                issues.push(DomainIssue::error(
                    "D152",
                    format!("instituicoes[{i}].codigo"),
                    format!(
                        "código '{code}' em duas instituições ('{first}' e '{}')",
                        inst.id
                    ),
                ));
            }
            seen.push((code, &inst.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cnpj_check_digits_numeric_and_alphanumeric() {
        assert_eq!(check_cnpj("11222333000181"), Ok(()));
        assert!(check_cnpj("11222333000182").is_err());
        // The Receita Federal's published example of an alphanumeric CNPJ.
        assert_eq!(check_cnpj("12ABC34501DE35"), Ok(()));
        assert!(check_cnpj("12ABC34501DE36").is_err());
        assert!(check_cnpj("12abc34501DE35").is_err());
        assert!(check_cnpj("1122233300018").is_err());
    }

    #[test]
    fn platform_institutions_are_generated_once_and_configured_codes_win() {
        let mut config = Config::default();
        config.instituicoes.push(Institution {
            id: "banco_b".into(),
            nome: "Banco B".into(),
            codigo: Some("104".into()),
            evento_438: Some("1438".into()),
            evento_439: Some("1439".into()),
            evento_442: None,
            evento_443: None,
            formula_438: None,
            formula_442: None,
            credito_trabalhador: false,
        });
        let codes = vec![
            ("104".to_owned(), "Caixa".to_owned()),
            ("001".to_owned(), "Banco do Brasil".to_owned()),
        ];
        let once = config.with_platform_institutions(&codes);
        let twice = once.clone().with_platform_institutions(&codes);
        assert_eq!(once, twice);
        assert_eq!(once.instituicoes.len(), 2);
        assert_eq!(once.institution_for_code("104"), "banco_b");
        assert_eq!(once.institution_for_code("001"), "001");
        let generated = once.institution("001").unwrap();
        assert!(generated.credito_trabalhador);
        assert_eq!(generated.evento_438.as_deref(), Some("CT438"));
        assert!(once.event("CT439").is_some_and(|e| e.chave_desativada));
    }
}
