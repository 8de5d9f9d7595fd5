//! The record normaliser: a [`RawRecord`] of text → a typed [`GovInstallment`], or every
//! problem the record has. Values are trimmed of surrounding whitespace; nothing else is
//! "fixed" except the leading zeros a number lost in fixed-width identifiers.

use super::read::RawRecord;
use crate::adapters::company::parse_date;
use crate::domain::types::Competencia;
use crate::money::parse_money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// Largest money value eSocial accepts (`decimal(14,2)`).
const MAX_MONEY: Decimal = Decimal::from_parts(276_447_231, 23_283, 0, false, 2);

/// One installment of the government file, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovInstallment {
    /// Record number in the file, 1-based.
    pub index: usize,
    /// Line (or sheet row) of the record.
    pub line: u32,
    /// CPF, 11 digits (leading zeros restored, punctuation removed).
    pub cpf: String,
    /// eSocial matrícula, as given (1 to 30 characters).
    pub matricula: String,
    /// Contract number, as given; follows eSocial `nrDoc` ([`is_valid_nr_doc`]).
    pub contract: String,
    /// `ifConcessora.codigo` as the 3-digit eSocial `instFinanc` (`1` → `001`).
    pub institution_code: String,
    /// `ifConcessora.descricao` (may be empty).
    pub institution_name: String,
    /// `inscricaoEmpregador.codigo`: 1 CNPJ, 2 CPF (1 when absent).
    pub employer_kind: u8,
    /// `numeroInscricaoEmpregador`: CNPJ raiz (8) or full CNPJ (14), alphanumeric allowed; or
    /// the 11-digit CPF when `employer_kind` is 2.
    pub employer_number: String,
    /// The first 8 characters of the CNPJ, or the CPF when `employer_kind` is 2.
    pub employer_root: String,
    /// `numeroInscricaoEstabelecimento` (14 characters for a CNPJ, 11 for a CPF), if given.
    pub establishment: Option<String>,
    /// `nomeTrabalhador` (may be empty).
    pub worker_name: String,
    /// `nomeEmpregador` (may be empty).
    pub employer_name: String,
    /// `dataInicioContrato`.
    pub contract_start: Option<NaiveDate>,
    /// `dataFimContrato`.
    pub contract_end: Option<NaiveDate>,
    /// `dataAdmissao`.
    pub admission: Option<NaiveDate>,
    /// `competenciaInicioDesconto`.
    pub first_competencia: Option<Competencia>,
    /// `competenciaFimDesconto`.
    pub last_competencia: Option<Competencia>,
    /// `competencia`: the month this installment is to be discounted in.
    pub competencia: Competencia,
    /// `valorParcela`, with 2 places, > 0.
    pub installment: Decimal,
    /// `totalParcelas`.
    pub total_installments: Option<u32>,
    /// `valorEmprestimo`.
    pub loan_value: Option<Decimal>,
    /// `valorLiberado`.
    pub released_value: Option<Decimal>,
    /// `categoriaTrabalhador.codigo` (eSocial category: 101, 102, 104, 721 are eligible).
    pub category: Option<u16>,
}

/// One problem of one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The file's key, e.g. `contrato`.
    pub field: String,
    /// The value found (`""` when missing).
    pub value: String,
    /// What is wrong and what to do, in Portuguese.
    pub message: String,
}

/// `campo 'contrato' = 'A': message`.
impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "campo '{}' = '{}': {}",
            self.field, self.value, self.message
        )
    }
}

/// Whether `s` is a valid eSocial `nrDoc` (`TS_nrDoc`, S-1.3): 2 to 15 characters, ASCII
/// letters, digits and `.`, `/`, `-`, `_`, the punctuation never first or last.
pub fn is_valid_nr_doc(s: &str) -> bool {
    nr_doc_problem(s).is_none()
}

/// Which `nrDoc` rule `s` breaks, if any.
fn nr_doc_problem(s: &str) -> Option<String> {
    let n = s.chars().count();
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_')))
    {
        return Some(format!(
            "tem o caractere '{c}', fora de letras, dígitos e . / - _"
        ));
    }
    if n < 2 {
        return Some(format!("tem {n} caractere(s); o mínimo é 2"));
    }
    if n > 15 {
        return Some(format!("tem {n} caracteres; o máximo é 15"));
    }
    let edge = |c: char| !c.is_ascii_alphanumeric();
    if let Some(c) = s.chars().next().filter(|c| edge(*c)) {
        return Some(format!("começa com '{c}'"));
    }
    if let Some(c) = s.chars().last().filter(|c| edge(*c)) {
        return Some(format!("termina com '{c}'"));
    }
    None
}

/// A number a spreadsheet wrote in scientific notation (`1,23456789012346E+029`,
/// `1.23456789012346e29`): its digits are lost.
fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, ""));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && (frac.is_empty() || digits(frac))
        && digits(exponent)
        // Without a fraction or a `+`, only this reader's own XLSX form for floats of 1e15
        // and more (`1e15`, lowercase): `1E15` or `0e0` may be real alphanumeric identifiers.
        && (!frac.is_empty()
            || s.contains('+')
            || (int.len() == 1 && s.contains('e') && exponent.parse::<u32>().is_ok_and(|e| e >= 15)))
}

const SCIENTIFIC: &str = "número em notação científica: uma planilha perdeu os dígitos deste identificador; use o arquivo JSON baixado do portal (ou formate a coluna como texto antes de abrir)";

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// CPF: 1 to 11 digits (left-padded), or `000.000.000-00`.
fn parse_cpf(v: &str) -> Result<String, String> {
    if is_scientific(v) {
        return Err(SCIENTIFIC.into());
    }
    if all_digits(v) && v.len() <= 11 {
        return Ok(format!("{v:0>11}"));
    }
    let b = v.as_bytes();
    if b.len() == 14 && b[3] == b'.' && b[7] == b'.' && b[11] == b'-' {
        let digits: String = v.chars().filter(|c| !matches!(c, '.' | '-')).collect();
        if digits.len() == 11 && all_digits(&digits) {
            return Ok(digits);
        }
    }
    Err("CPF inválido: informe 11 dígitos, com ou sem a pontuação 000.000.000-00".into())
}

/// CNPJ of `width` 8 (raiz) or 14, alphanumeric allowed (NT S-1.3 06/2026); digits shorter
/// than the width are left-padded; `00.000.000/0000-00` and `00.000.000` accepted.
fn parse_cnpj(v: &str, allow_root: bool) -> Result<String, String> {
    let wanted = if allow_root {
        "CNPJ inválido: informe a raiz (8 caracteres) ou o CNPJ completo (14; letras maiúsculas e dígitos, os 2 últimos dígitos)"
    } else {
        "CNPJ inválido: informe 14 caracteres (letras maiúsculas e dígitos, os 2 últimos dígitos)"
    };
    if is_scientific(v) {
        return Err(SCIENTIFIC.into());
    }
    if all_digits(v) {
        return match v.len() {
            1..=8 if allow_root => Ok(format!("{v:0>8}")),
            1..=14 => Ok(format!("{v:0>14}")),
            _ => Err(wanted.into()),
        };
    }
    let b = v.as_bytes();
    let plain: String = match b.len() {
        18 if b[2] == b'.' && b[6] == b'.' && b[10] == b'/' && b[15] == b'-' => v
            .chars()
            .filter(|c| !matches!(c, '.' | '/' | '-'))
            .collect(),
        10 if allow_root && b[2] == b'.' && b[6] == b'.' => {
            v.chars().filter(|c| *c != '.').collect()
        }
        _ => v.to_string(),
    };
    // Bytes, not `str` slices: a non-ASCII character must not be cut at byte 12.
    let upper_alnum = |t: &[u8]| {
        t.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    let b = plain.as_bytes();
    let ok = match b.len() {
        8 => allow_root && upper_alnum(b),
        14 => upper_alnum(&b[..12]) && b[12..].iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if ok {
        Ok(plain)
    } else {
        Err(wanted.into())
    }
}

/// `MM/AAAA`, also `AAAA-MM`, `AAAAMM` and `01/MM/AAAA` (a date cell a spreadsheet made).
fn parse_competencia(v: &str) -> Result<Competencia, String> {
    let bad = || "competência inválida: use MM/AAAA (também AAAA-MM ou AAAAMM)".to_string();
    if let Ok(c) = v.parse::<Competencia>() {
        return Ok(c);
    }
    if v.len() == 6 && all_digits(v) {
        let year = v[..4].parse::<i32>().map_err(|_| bad())?;
        let month = v[4..].parse::<u32>().map_err(|_| bad())?;
        return Competencia::new(year, month).map_err(|_| bad());
    }
    if let Some(rest) = v.strip_prefix("01/").filter(|r| r.len() == 7) {
        return rest.parse::<Competencia>().map_err(|_| bad());
    }
    Err(bad())
}

fn parse_day(v: &str) -> Result<NaiveDate, String> {
    parse_date(v).ok_or_else(|| "data inválida: use dd/mm/aaaa (ou aaaa-mm-dd)".to_string())
}

/// Money with at most 2 places, ≤ 999 999 999 999,99; `> 0` when `positive`, else `≥ 0`.
fn parse_amount(v: &str, positive: bool) -> Result<Decimal, String> {
    let value = parse_money(v).map_err(|e| e.to_string())?.normalize();
    if value.scale() > 2 {
        return Err("valor com mais de 2 casas decimais".into());
    }
    if positive && value <= Decimal::ZERO {
        return Err("o valor da parcela deve ser maior que zero".into());
    }
    if value.is_sign_negative() && !value.is_zero() {
        return Err("valor negativo".into());
    }
    if value > MAX_MONEY {
        return Err("valor acima do máximo do eSocial (999.999.999.999,99)".into());
    }
    // `-0` reads as 0.00, not -0.00.
    let mut value = if value.is_zero() {
        Decimal::ZERO
    } else {
        value
    };
    value.rescale(2);
    Ok(value)
}

fn parse_count<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    if !all_digits(v) {
        return Err("informe um número inteiro sem sinal".into());
    }
    v.parse::<T>()
        .map_err(|_| "número grande demais para este campo".to_string())
}

/// Reads fields of one record and collects the problems.
struct Fields<'a> {
    raw: &'a RawRecord,
    problems: Vec<FieldProblem>,
}

impl<'a> Fields<'a> {
    fn text(&self, key: &str) -> Option<&'a str> {
        self.raw.fields.get(key).map(|v| v.trim())
    }

    fn problem(&mut self, key: &str, value: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: key.to_string(),
            value: value.to_string(),
            message: message.into(),
        });
    }

    /// A required field; `None` after recording a problem.
    fn required<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.text(key) {
            None => {
                self.problem(key, "", "campo obrigatório ausente do registro");
                None
            }
            Some("") => {
                self.problem(key, "", "campo obrigatório vazio");
                None
            }
            Some(v) => match parse(v) {
                Ok(t) => Some(t),
                Err(m) => {
                    self.problem(key, v, m);
                    None
                }
            },
        }
    }

    /// An optional field: `None` when absent or empty, and after recording a problem.
    fn optional<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.text(key) {
            None | Some("") => None,
            Some(v) => match parse(v) {
                Ok(t) => Some(t),
                Err(m) => {
                    self.problem(key, v, m);
                    None
                }
            },
        }
    }

    fn plain(&self, key: &str) -> String {
        self.text(key).unwrap_or("").to_string()
    }
}

/// Normalises one record. Every problem of the record is returned, not just the first; a
/// required key (`cpf`, `matricula`, `contrato`, `ifConcessora.codigo`,
/// `numeroInscricaoEmpregador`, `competencia`, `valorParcela`) that is missing or empty is a
/// problem. Unknown keys are ignored.
pub fn normalize(raw: &RawRecord) -> Result<GovInstallment, Vec<FieldProblem>> {
    let mut f = Fields {
        raw,
        problems: Vec::new(),
    };
    let cpf = f.required("cpf", parse_cpf);
    let matricula = f.required("matricula", |v| {
        let n = v.chars().count();
        if is_scientific(v) {
            Err(SCIENTIFIC.into())
        } else if n > 30 {
            Err(format!(
                "matrícula com {n} caracteres: o eSocial aceita até 30"
            ))
        } else {
            Ok(v.to_string())
        }
    });
    let contract = f.required("contrato", |v| {
        if is_scientific(v) {
            return Err(SCIENTIFIC.into());
        }
        match nr_doc_problem(v) {
            None => Ok(v.to_string()),
            Some(reason) => Err(format!(
                "contrato fora do padrão eSocial nrDoc: {reason} (regra: 2 a 15 caracteres; letras, dígitos e . / - _, sem pontuação no início ou no fim). O número não é truncado nem corrigido: confira-o com a instituição financeira"
            )),
        }
    });
    let institution_code = f.required("ifConcessora.codigo", |v| {
        if all_digits(v) && v.len() <= 3 {
            Ok(format!("{v:0>3}"))
        } else {
            Err("código da instituição inválido: até 3 dígitos (código do Banco Central, o instFinanc do eSocial)".into())
        }
    });
    let employer_kind = match f.text("inscricaoEmpregador.codigo") {
        None | Some("") => Some(1u8),
        Some(v) if all_digits(v) && v.trim_start_matches('0') == "1" => Some(1),
        Some(v) if all_digits(v) && v.trim_start_matches('0') == "2" => Some(2),
        Some(v) => {
            f.problem(
                "inscricaoEmpregador.codigo",
                v,
                "tipo de inscrição do empregador inválido: use 1 (CNPJ) ou 2 (CPF)",
            );
            None
        }
    };
    let employer_number = f.required("numeroInscricaoEmpregador", |v| {
        if employer_kind == Some(2) {
            parse_cpf(v).map_err(|m| format!("empregador inscrito por CPF: {m}"))
        } else {
            parse_cnpj(v, true)
        }
    });
    let establishment_is_cpf = f
        .text("inscricaoEstabelecimento.codigo")
        .is_some_and(|v| all_digits(v) && v.trim_start_matches('0') == "2");
    let establishment = f.optional("numeroInscricaoEstabelecimento", |v| {
        if establishment_is_cpf {
            parse_cpf(v)
        } else {
            parse_cnpj(v, false)
        }
    });
    let contract_start = f.optional("dataInicioContrato", parse_day);
    let contract_end = f.optional("dataFimContrato", parse_day);
    let admission = f.optional("dataAdmissao", parse_day);
    let first_competencia = f.optional("competenciaInicioDesconto", parse_competencia);
    let last_competencia = f.optional("competenciaFimDesconto", parse_competencia);
    let competencia = f.required("competencia", parse_competencia);
    let installment = f.required("valorParcela", |v| parse_amount(v, true));
    let total_installments = f.optional("totalParcelas", parse_count::<u32>);
    let loan_value = f.optional("valorEmprestimo", |v| parse_amount(v, false));
    let released_value = f.optional("valorLiberado", |v| parse_amount(v, false));
    let category = f.optional("categoriaTrabalhador.codigo", parse_count::<u16>);

    let (
        Some(cpf),
        Some(matricula),
        Some(contract),
        Some(institution_code),
        Some(employer_kind),
        Some(employer_number),
        Some(competencia),
        Some(installment),
    ) = (
        cpf,
        matricula,
        contract,
        institution_code,
        employer_kind,
        employer_number,
        competencia,
        installment,
    )
    else {
        return Err(f.problems);
    };
    if !f.problems.is_empty() {
        return Err(f.problems);
    }
    let employer_root = if employer_kind == 2 {
        employer_number.clone()
    } else {
        employer_number.chars().take(8).collect()
    };
    Ok(GovInstallment {
        index: raw.index,
        line: raw.line,
        cpf,
        matricula,
        contract,
        institution_code,
        institution_name: f.plain("ifConcessora.descricao"),
        employer_kind,
        employer_number,
        employer_root,
        establishment,
        worker_name: f.plain("nomeTrabalhador"),
        employer_name: f.plain("nomeEmpregador"),
        contract_start,
        contract_end,
        admission,
        first_competencia,
        last_competencia,
        competencia,
        installment,
        total_installments,
        loan_value,
        released_value,
        category,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn record(pairs: &[(&str, &str)]) -> RawRecord {
        let mut fields: BTreeMap<String, String> = [
            ("cpf", "69695498019"),
            ("matricula", "MAT123456"),
            ("contrato", "CONTRATO123456"),
            ("ifConcessora.codigo", "104"),
            ("numeroInscricaoEmpregador", "14772711"),
            ("competencia", "06/2025"),
            ("valorParcela", "284,41"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in pairs {
            fields.insert(k.to_string(), v.to_string());
        }
        RawRecord {
            index: 1,
            line: 2,
            fields,
        }
    }

    fn problems(pairs: &[(&str, &str)]) -> Vec<String> {
        normalize(&record(pairs))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn nr_doc_rule() {
        for ok in [
            "001001333",
            "123/45-6",
            "AB",
            "a.b_c-d/e",
            "123456789012345",
        ] {
            assert!(is_valid_nr_doc(ok), "{ok}");
        }
        for bad in [
            "A",
            "",
            "-123",
            "123-",
            "1234567890123456",
            "12 3",
            "12ç",
            ".5",
        ] {
            assert!(!is_valid_nr_doc(bad), "{bad}");
        }
        assert!(nr_doc_problem("A").unwrap().contains("mínimo é 2"));
        assert!(nr_doc_problem("1234567890123456")
            .unwrap()
            .contains("máximo é 15"));
        assert!(nr_doc_problem("-12").unwrap().contains("começa"));
    }

    #[test]
    fn identifiers() {
        assert_eq!(parse_cpf("7782432472").unwrap(), "07782432472");
        assert_eq!(parse_cpf("077.824.324-72").unwrap(), "07782432472");
        assert!(parse_cpf("077824324721").is_err());
        assert!(parse_cpf("077-824-324.72").is_err());
        assert!(parse_cpf("7.78243247e9").is_err());
        assert_eq!(parse_cnpj("14772711", true).unwrap(), "14772711");
        assert_eq!(parse_cnpj("4772711", true).unwrap(), "04772711");
        assert_eq!(parse_cnpj("4772711000199", true).unwrap(), "04772711000199");
        assert_eq!(parse_cnpj("4772711", false).unwrap(), "00000004772711");
        assert_eq!(
            parse_cnpj("12ABC34501DE35", true).unwrap(),
            "12ABC34501DE35"
        );
        assert_eq!(
            parse_cnpj("12.ABC.345/01DE-35", true).unwrap(),
            "12ABC34501DE35"
        );
        assert_eq!(parse_cnpj("12ABC345", true).unwrap(), "12ABC345");
        assert!(parse_cnpj("12ABC34501DEXX", true).is_err());
        assert!(parse_cnpj("12abc34501de35", true).is_err());
        assert!(parse_cnpj("123456789012345", true).is_err());
        assert!(parse_cnpj("12ABC345", false).is_err());
        // Multi-byte characters at the 12th byte: refused, no panic.
        assert!(parse_cnpj("12345678901ç1", true).is_err());
        assert!(parse_cnpj("ABCDEFGHIJKç2", false).is_err());
    }

    #[test]
    fn scientific_notation() {
        assert!(is_scientific("1,23456789012346E+029"));
        assert!(is_scientific("1.23456789012346e29"));
        assert!(is_scientific("1e15"));
        assert!(!is_scientific("12E45"));
        assert!(!is_scientific("1E15"));
        assert!(is_scientific("1E+15"));
        assert!(!is_scientific("ABE1"));
        assert!(
            !is_scientific("0e0"),
            "a valid nrDoc, not this reader's float form"
        );
        assert!(!is_scientific("1e9"));
        let p = normalize(&record(&[("contrato", "1.23456789012346e29")])).unwrap_err();
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("notação científica"));
    }

    #[test]
    fn money_and_months() {
        assert_eq!(parse_amount("303", true).unwrap().to_string(), "303.00");
        assert_eq!(parse_amount("284,41", true).unwrap().to_string(), "284.41");
        assert_eq!(
            parse_amount("1.234,56", true).unwrap().to_string(),
            "1234.56"
        );
        assert_eq!(
            parse_amount("1284.410", true).unwrap().to_string(),
            "1284.41"
        );
        assert!(parse_amount("284.410", true)
            .unwrap_err()
            .contains("ambíguo"));
        assert!(parse_amount("0", true).is_err());
        assert!(parse_amount("0", false).is_ok());
        assert_eq!(parse_amount("-0", false).unwrap().to_string(), "0.00");
        assert!(parse_amount("-1", false).is_err());
        assert!(parse_amount("1234.567", true).is_err());
        assert!(parse_amount("999999999999.99", true).is_ok());
        assert!(parse_amount("1000000000000", true).is_err());
        let c = |s| parse_competencia(s).map(|c| c.to_string());
        assert_eq!(c("06/2025").unwrap(), "06/2025");
        assert_eq!(c("2025-06").unwrap(), "06/2025");
        assert_eq!(c("202506").unwrap(), "06/2025");
        assert_eq!(c("01/06/2025").unwrap(), "06/2025");
        assert!(c("13/2025").is_err());
        assert!(c("202513").is_err());
        assert!(c("15/06/2025").is_err());
    }

    #[test]
    fn every_problem_is_reported() {
        let mut raw = record(&[
            ("contrato", "A"),
            ("cpf", "x"),
            ("dataAdmissao", "31/02/2025"),
        ]);
        raw.fields.remove("valorParcela");
        let p = normalize(&raw).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["cpf", "contrato", "dataAdmissao", "valorParcela"]);
        assert!(p[3].message.contains("ausente"));
        assert!(p[1].message.contains("nrDoc"));
        assert_eq!(problems(&[("matricula", "")]), ["matricula"]);
        assert_eq!(problems(&[("matricula", &"9".repeat(31))]), ["matricula"]);
        assert_eq!(
            problems(&[("inscricaoEmpregador.codigo", "3")]),
            ["inscricaoEmpregador.codigo"]
        );
        assert_eq!(
            problems(&[("inscricaoEmpregador.codigo", "01")]),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(&[("inscricaoEmpregador.codigo", "0")]),
            ["inscricaoEmpregador.codigo"]
        );
        assert_eq!(
            problems(&[("ifConcessora.codigo", "1041")]),
            ["ifConcessora.codigo"]
        );
        assert_eq!(problems(&[("totalParcelas", "-1")]), ["totalParcelas"]);
        assert_eq!(
            problems(&[("categoriaTrabalhador.codigo", "70000")]),
            ["categoriaTrabalhador.codigo"]
        );
    }

    #[test]
    fn a_full_record() {
        let g = normalize(&record(&[
            ("ifConcessora.codigo", "1"),
            ("ifConcessora.descricao", " Banco do Brasil "),
            ("inscricaoEmpregador.codigo", "2"),
            ("numeroInscricaoEmpregador", "7782432472"),
            ("inscricaoEstabelecimento.codigo", "1"),
            ("numeroInscricaoEstabelecimento", "14772711000199"),
            ("dataInicioContrato", "25/03/2025"),
            ("dataFimContrato", "2026-08-20"),
            ("dataAdmissao", ""),
            ("competenciaInicioDesconto", "05/2025"),
            ("totalParcelas", "15"),
            ("valorEmprestimo", "4266,15"),
            ("categoriaTrabalhador.codigo", "101"),
            ("desconhecido", "ignorado"),
        ]))
        .unwrap();
        assert_eq!(g.institution_code, "001");
        assert_eq!(g.institution_name, "Banco do Brasil");
        assert_eq!(
            (g.employer_kind, g.employer_root.as_str()),
            (2, "07782432472")
        );
        assert_eq!(g.establishment.as_deref(), Some("14772711000199"));
        assert_eq!(g.contract_start, NaiveDate::from_ymd_opt(2025, 3, 25));
        assert_eq!(g.contract_end, NaiveDate::from_ymd_opt(2026, 8, 20));
        assert_eq!(g.admission, None);
        assert_eq!(g.total_installments, Some(15));
        assert_eq!(
            g.loan_value.map(|d| d.to_string()).as_deref(),
            Some("4266.15")
        );
        assert_eq!(g.category, Some(101));
        assert_eq!((g.index, g.line), (1, 2));
        let g = normalize(&record(&[])).unwrap();
        assert_eq!((g.employer_kind, g.employer_root.as_str()), (1, "14772711"));
    }

    #[test]
    fn max_money_constant() {
        assert_eq!(MAX_MONEY.to_string(), "999999999999.99");
    }
}
