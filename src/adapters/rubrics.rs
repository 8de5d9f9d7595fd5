//! Tabela de rubricas (eSocial S-1010): turns the company's rubric data into the flags the
//! remuneração disponível (RD) of the domain is computed from.
//!
//! The RD of the Crédito do Trabalhador is Portaria MTE 435/2025 art. 7 sole paragraph, as worded
//! by Portaria MTE 491/2025: habitual earnings with social-security incidence − deductions with
//! that incidence (faltas, atrasos, DSR perdido) − the employee's INSS − IRRF − other compulsory
//! deductions (pensão alimentícia, ordens judiciais). Voluntary deductions (plano de saúde,
//! vale-transporte, other consignações) do not reduce it. [`classify`] says, for one rubric,
//! which of those parts ([`RdPart`]) it goes to and which [`crate::domain::types::Event`] flags
//! carry that decision; [`crate::domain::types::Movement::available_remuneration_parts`] then
//! explains the RD of a movement part by part.
//!
//! # Fields and their accepted values
//!
//! Sources: the S-1010 schema of leiaute S-1.3 (`evtTabRubrica.xsd` and `tipos.xsd`, published by
//! the eSocial at <https://www.gov.br/esocial/pt-br/documentacao-tecnica>), whose
//! `xs:documentation` lists the values below.
//!
//! | field (column) | accepted | XSD |
//! |---|---|---|
//! | `natRubr` (`natureza`) | 4 digits, a code of Tabela 03 | `TS_natRubr`, pattern `\d{4}` |
//! | `tpRubr` (`tipo`) | 1 vencimento, 2 desconto, 3 informativa, 4 informativa dedutora | enumeration |
//! | `codIncCP` (`cod_inc_cp`) | 00 01 11 12 13 14 15 16 21 22 25 26 31 32 34 35 51 91–98 | enumeration |
//! | `codIncIRRF` (`cod_inc_irrf`) | 1 to 4 digits, a code of Tabela 21 | `xs:integer`, pattern `\d{1,4}` |
//! | `codIncFGTS` (`cod_inc_fgts`) | 00 11 12 21 31 91 92 93 | enumeration |
//!
//! `codIncCP` and `codIncFGTS` of one digit (`0`, `1`: a spreadsheet that dropped the leading
//! zero) are read as `00`, `01`. `codIncIRRF` is an integer in the XSD, so `09` is `9`; it is
//! kept in that canonical form. Tabela 21 itself is not in the XSD, so any 1–4 digit code is
//! accepted and only the codes named below have a meaning here.
//!
//! Cross-field rules of the XSD: natureza 9253 ("Empréstimos eConsignado – desconto") must be
//! `tpRubr` 2, and `codIncFGTS` 31 ("Desconto eConsignado") is mandatory and exclusive for 9253.
//!
//! # Which rubric goes to which part (first rule that applies wins)
//!
//! | # | rubric | part | why |
//! |---|---|---|---|
//! | 1 | natureza 9253 (`codIncFGTS` 31) | `Fora` | it is the consignado discount being capped |
//! | 2 | `tpRubr` 3 or 4 (informativa, informativa dedutora) | `Fora` | they do not move the payslip; see below |
//! | 3 | `tpRubr` 1 with a monthly `codIncCP` base (11, 13, 15, 21, 91, 93, 95, 97) | `Proventos` | earnings with CP incidence |
//! | 4 | `tpRubr` 1, any other `codIncCP` (00, 01, 13º bases 12/14/16/22/92/94/96/98, 25/26 paid by the INSS, 51 salário-família) | `Fora` | no monthly CP incidence |
//! | 5 | `tpRubr` 2 with `codIncCP` 31 (contribuição descontada do segurado, mensal) | `Inss` | the employee's INSS |
//! | 6 | `tpRubr` 2 with `codIncIRRF` 31 or 33 (retenção do IRRF sobre remuneração mensal, férias) | `Irrf` | IRRF of the month's pay |
//! | 7 | `tpRubr` 2 with `codIncIRRF` 32, 34 or 35 (retenção sobre 13º, PLR, RRA) | `Fora` | tax on income that is not in the RD |
//! | 8 | `tpRubr` 2, natureza 9213 or `codIncIRRF` 51–55 (pensão alimentícia) | `OutrosCompulsorios`, but `Fora` for `codIncIRRF` 52, 54, 55 (13º, PLR, RRA) | compulsory deduction |
//! | 9 | `tpRubr` 2, natureza 9218 (retenções judiciais) or 9230 (contribuição sindical compulsória), or `codIncCP` 34/35 (SEST, SENAT) | `OutrosCompulsorios` | compulsory by court order or by law |
//! | 10 | `tpRubr` 2 with a monthly `codIncCP` base (as in 3) | `DescontosComIncidencia` | faltas, atrasos, DSR (naturezas 9207–9212) |
//! | 11 | `tpRubr` 2, anything else (plano de saúde 9219/9912, vale-transporte 9216, consignado 9254, …) | `Fora` | voluntary deductions do not reduce the RD |
//!
//! Decisions where the sources are silent (the reasons are in `docs/remuneracao-disponivel.md`):
//!
//! - **13º salário** is out: the RD of art. 7 is that of the monthly payroll, and the 13º has its
//!   own bases (`codIncCP` 12, 14, 16, 22, 92, 94, 96, 98; INSS 32; IRRF 32; pensão 52).
//! - **Férias gozadas** are in: they are paid with the month (`codIncCP` 11), so their IRRF
//!   (`codIncIRRF` 33) and pensão (53) are in too.
//! - **Suspended incidence** by court order (`codIncCP` 91, 93, 95, 97) counts as incidence: the
//!   rubric is remuneration, only the contribution is suspended.
//! - **Informative rubrics** (`tpRubr` 3/4) are out: the domain computes the RD over the events
//!   that move the payslip, and counting an in-kind or informative amount as an earning would
//!   also change the computed líquido. This is the conservative reading; a vendor reads the
//!   Portaria as "vencimentos e informativas com incidência" (see the docs).
//! - **Non-habitual earnings** are `Proventos` with `habitual = false`: the domain setting
//!   `excluir_nao_habituais` (`[margem]`) decides whether they enter.
//!
//! The flags of [`RubricClass`] are set so that the domain counts a rubric exactly when its part
//! is not `Fora`: `inss_incidence` is true for a monthly `codIncCP` base outside `Fora`, `nature`
//! is `Inss`/`Irrf`/`Compulsoria` for those parts and `Comum` otherwise, and `irrf_incidence`
//! says whether `codIncIRRF` is a taxable income (11–15), for reports only.
//!
//! Public sources of the codes: Tabela 03 natures 9201 (contribuição previdenciária), 9203
//! (IRRF), 9213 (pensão alimentícia), 9216 (vale-transporte), 9218 (retenções judiciais), 9219
//! (assistência médica ou odontológica), 9230 (contribuição sindical compulsória), 9254
//! (empréstimos consignados); 9207, 9208, 9211, 9212 (faltas, atrasos and their DSR, told apart)
//! and 9209, 9210 (faltas ou atrasos, DSR sobre faltas e atrasos, together): eSocial Nota
//! Orientativa S-1.0 nº 02/2021,
//! <https://www.gov.br/esocial/pt-br/documentacao-tecnica/manuais/nota-orientativa-s-1-0-02-2021.pdf>;
//! 9253 and 9912: eSocial notice of April 2025 on the new natures. Tabela 21 codes (11–15
//! rendimento tributável, 31–35 retenção, 41–48 deduções de previdência, 51–55 pensão
//! alimentícia): vendor pages reproducing the table (e.g. Consistem, Senior); see the docs.

use crate::domain::types::{Event, EventKind, EventNature};
use rust_decimal::Decimal;
use std::fmt;

/// One rubric of the company's table (the data of its eSocial S-1010 event).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rubric {
    /// Código da rubrica na folha (the `evento` of the movements).
    pub code: String,
    /// Natureza da rubrica, Tabela 03 (4 digits).
    pub nat_rubr: String,
    /// Tipo: 1 vencimento, 2 desconto, 3 informativa, 4 informativa dedutora.
    pub tp_rubr: u8,
    /// Incidência para a Previdência Social (2 characters, XSD enumeration).
    pub cod_inc_cp: String,
    /// Incidência para o IRRF, Tabela 21 (canonical integer form: `9`, `31`, `9031`).
    pub cod_inc_irrf: String,
    /// Incidência para o FGTS (2 characters, XSD enumeration).
    pub cod_inc_fgts: String,
    /// Habitual: non-habitual earnings may be left out of the RD (`excluir_nao_habituais`).
    pub habitual: bool,
}

/// Which part of Portaria MTE 435 art. 7 (wording of 491/2025) a rubric goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RdPart {
    /// Earnings with CP incidence (added).
    Proventos,
    /// Deductions with CP incidence: faltas, atrasos, DSR (subtracted).
    DescontosComIncidencia,
    /// The employee's INSS (subtracted).
    Inss,
    /// IRRF (subtracted).
    Irrf,
    /// Other compulsory deductions: pensão alimentícia, ordens judiciais (subtracted).
    OutrosCompulsorios,
    /// Outside the RD (voluntary deductions, 13º, informative rubrics, the consignado itself).
    Fora,
}

impl RdPart {
    /// The key of the part in [`crate::domain::types::RdLine::part`] (`"fora"` for
    /// [`RdPart::Fora`], which has no line).
    pub fn key(self) -> &'static str {
        match self {
            RdPart::Proventos => "proventos",
            RdPart::DescontosComIncidencia => "descontos_com_incidencia",
            RdPart::Inss => "inss",
            RdPart::Irrf => "irrf",
            RdPart::OutrosCompulsorios => "outros_compulsorios",
            RdPart::Fora => "fora",
        }
    }
}

impl fmt::Display for RdPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RdPart::Proventos => "proventos com incidência previdenciária",
            RdPart::DescontosComIncidencia => "descontos com incidência previdenciária",
            RdPart::Inss => "contribuição previdenciária do empregado (INSS)",
            RdPart::Irrf => "imposto de renda retido na fonte (IRRF)",
            RdPart::OutrosCompulsorios => "outros descontos compulsórios",
            RdPart::Fora => "fora da remuneração disponível",
        })
    }
}

/// What [`classify`] decides for a rubric: the event flags of the domain and the part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RubricClass {
    /// Tipo do evento: 1 → provento, 2 → desconto, 3 and 4 → base de cálculo.
    pub kind: EventKind,
    /// Monthly CP incidence that counts for the RD.
    pub inss_incidence: bool,
    /// `codIncIRRF` is a taxable income (11–15); informative.
    pub irrf_incidence: bool,
    /// INSS, IRRF, compulsory or common.
    pub nature: EventNature,
    /// Habitual (from the rubric).
    pub habitual: bool,
    /// The part of art. 7.
    pub part: RdPart,
    /// Natureza 9253 (eConsignado): the engine's own discount, declared with `descFolha`.
    pub econsignado: bool,
}

impl RubricClass {
    /// The domain event of one movement line of this rubric.
    pub fn to_event(&self, code: &str, value: Decimal) -> Event {
        Event {
            code: code.to_owned(),
            kind: self.kind,
            value,
            inss_incidence: self.inss_incidence,
            irrf_incidence: self.irrf_incidence,
            nature: self.nature,
            habitual: self.habitual,
        }
    }
}

/// `codIncCP` values of the S-1.3 XSD.
const CP_CODES: [&str; 25] = [
    "00", "01", "11", "12", "13", "14", "15", "16", "21", "22", "25", "26", "31", "32", "34", "35",
    "51", "91", "92", "93", "94", "95", "96", "97", "98",
];

/// `codIncFGTS` values of the S-1.3 XSD.
const FGTS_CODES: [&str; 8] = ["00", "11", "12", "21", "31", "91", "92", "93"];

/// `codIncCP` of a monthly base: 11 mensal, 13 exclusiva do empregador mensal, 15 exclusiva do
/// segurado mensal, 21 salário-maternidade mensal pago pelo empregador, and the same with the
/// incidence suspended by court order (91, 93, 95, 97).
const CP_MONTHLY_BASE: [&str; 8] = ["11", "13", "15", "21", "91", "93", "95", "97"];

/// Natureza 9253: Empréstimos eConsignado – desconto.
const NAT_ECONSIGNADO: &str = "9253";

fn accepted_tp() -> &'static str {
    "1 (vencimento), 2 (desconto), 3 (informativa) ou 4 (informativa dedutora)"
}

fn check_nat(v: &str) -> Result<(), String> {
    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "natureza '{v}' inválida: informe os 4 dígitos da Tabela 03 do eSocial (ex.: 1000, 9201)"
        ))
    }
}

fn check_tp(v: u8) -> Result<(), String> {
    if (1..=4).contains(&v) {
        Ok(())
    } else {
        Err(format!("tipo '{v}' inválido: aceitos {}", accepted_tp()))
    }
}

fn check_enum(field: &str, v: &str, codes: &[&str]) -> Result<(), String> {
    if codes.contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "{field} '{v}' inválido: aceitos {} (leiaute S-1.3 do eSocial)",
            codes.join(", ")
        ))
    }
}

fn irrf_number(v: &str) -> Result<u16, String> {
    if (1..=4).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<u16>().map_err(|_| irrf_message(v))
    } else {
        Err(irrf_message(v))
    }
}

fn irrf_message(v: &str) -> String {
    format!("cod_inc_irrf '{v}' inválido: informe de 1 a 4 dígitos, um código da Tabela 21 do eSocial (ex.: 9, 11, 31, 51)")
}

fn pad_two(v: &str) -> String {
    if v.len() == 1 {
        format!("0{v}")
    } else {
        v.to_owned()
    }
}

/// Classifies a rubric: the event flags and the part of the RD (table in the module docs).
/// Errors, in Portuguese, name the field, the value and what is accepted: a value outside the
/// XSD, or a violation of the XSD's 9253 rules.
pub fn classify(r: &Rubric) -> Result<RubricClass, String> {
    check_nat(&r.nat_rubr)?;
    check_tp(r.tp_rubr)?;
    check_enum("cod_inc_cp", &r.cod_inc_cp, &CP_CODES)?;
    check_enum("cod_inc_fgts", &r.cod_inc_fgts, &FGTS_CODES)?;
    let irrf = irrf_number(&r.cod_inc_irrf)?;
    let nat = r.nat_rubr.as_str();
    let cp = r.cod_inc_cp.as_str();
    let econsignado = nat == NAT_ECONSIGNADO;
    if econsignado && r.tp_rubr != 2 {
        return Err(format!(
            "tipo '{}' inválido para a natureza 9253 (empréstimos eConsignado – desconto): aceito só 2 (desconto)",
            r.tp_rubr
        ));
    }
    if econsignado && r.cod_inc_fgts != "31" {
        return Err(format!(
            "cod_inc_fgts '{}' inválido para a natureza 9253: aceito só 31 (desconto eConsignado)",
            r.cod_inc_fgts
        ));
    }
    if !econsignado && r.cod_inc_fgts == "31" {
        return Err(format!(
            "cod_inc_fgts '31' (desconto eConsignado) é exclusivo da natureza 9253; a rubrica tem natureza '{nat}'"
        ));
    }
    let monthly_base = CP_MONTHLY_BASE.contains(&cp);
    let part = if econsignado {
        RdPart::Fora
    } else {
        match r.tp_rubr {
            1 if monthly_base => RdPart::Proventos,
            2 => deduction_part(nat, cp, irrf, monthly_base),
            _ => RdPart::Fora,
        }
    };
    let kind = match r.tp_rubr {
        1 => EventKind::Provento,
        2 => EventKind::Desconto,
        _ => EventKind::BaseDeCalculo,
    };
    let nature = match part {
        RdPart::Inss => EventNature::Inss,
        RdPart::Irrf => EventNature::Irrf,
        RdPart::OutrosCompulsorios => EventNature::Compulsoria,
        _ => EventNature::Comum,
    };
    Ok(RubricClass {
        kind,
        inss_incidence: monthly_base && part != RdPart::Fora,
        irrf_incidence: (11..=15).contains(&irrf),
        nature,
        habitual: r.habitual,
        part,
        econsignado,
    })
}

/// Part of a desconto (`tpRubr` 2), rules 5 to 11 of the module table.
fn deduction_part(nat: &str, cp: &str, irrf: u16, monthly_base: bool) -> RdPart {
    if cp == "31" {
        return RdPart::Inss;
    }
    match irrf {
        31 | 33 => return RdPart::Irrf,
        32 | 34 | 35 => return RdPart::Fora,
        _ => {}
    }
    if nat == "9213" || (51..=55).contains(&irrf) {
        return if matches!(irrf, 52 | 54 | 55) {
            RdPart::Fora
        } else {
            RdPart::OutrosCompulsorios
        };
    }
    if nat == "9218" || nat == "9230" || cp == "34" || cp == "35" {
        return RdPart::OutrosCompulsorios;
    }
    if monthly_base {
        RdPart::DescontosComIncidencia
    } else {
        RdPart::Fora
    }
}

/// Reads one row of the rubric table from its text fields (trimmed) and validates each against
/// the S-1.3 XSD. The error is `(column, message)`, the column in the file's naming: `codigo`,
/// `natureza`, `tipo`, `cod_inc_cp`, `cod_inc_irrf`, `cod_inc_fgts`, `habitual`. `habitual`
/// accepts `sim`/`não`/`nao`/`s`/`n`/`true`/`false`/`1`/`0` (any case); empty is `sim`, the
/// domain's default. The cross-field rules of 9253 are checked by [`classify`].
pub fn parse_rubric_fields(
    code: &str,
    nat_rubr: &str,
    tp_rubr: &str,
    cod_inc_cp: &str,
    cod_inc_irrf: &str,
    cod_inc_fgts: &str,
    habitual: &str,
) -> Result<Rubric, (String, String)> {
    let fail = |field: &str, message: String| (field.to_owned(), message);
    let code = code.trim();
    if code.is_empty() {
        return Err(fail(
            "codigo",
            "código da rubrica vazio: informe o código do evento na folha".to_owned(),
        ));
    }
    let nat = nat_rubr.trim();
    check_nat(nat).map_err(|m| fail("natureza", m))?;
    let tp_text = tp_rubr.trim();
    let tp = match tp_text {
        "1" => 1,
        "2" => 2,
        "3" => 3,
        "4" => 4,
        _ => {
            return Err(fail(
                "tipo",
                format!("tipo '{tp_text}' inválido: aceitos {}", accepted_tp()),
            ))
        }
    };
    let cp = pad_two(cod_inc_cp.trim());
    check_enum("cod_inc_cp", &cp, &CP_CODES).map_err(|m| fail("cod_inc_cp", m))?;
    let irrf = irrf_number(cod_inc_irrf.trim()).map_err(|m| fail("cod_inc_irrf", m))?;
    let fgts = pad_two(cod_inc_fgts.trim());
    check_enum("cod_inc_fgts", &fgts, &FGTS_CODES).map_err(|m| fail("cod_inc_fgts", m))?;
    let hab_text = habitual.trim();
    let habitual = match hab_text.to_lowercase().as_str() {
        "" | "sim" | "s" | "true" | "1" => true,
        "não" | "nao" | "n" | "false" | "0" => false,
        _ => {
            return Err(fail(
                "habitual",
                format!(
                    "habitual '{hab_text}' inválido: aceitos sim, não, s, n, true, false, 1 ou 0"
                ),
            ))
        }
    };
    Ok(Rubric {
        code: code.to_owned(),
        nat_rubr: nat.to_owned(),
        tp_rubr: tp,
        cod_inc_cp: cp,
        cod_inc_irrf: irrf.to_string(),
        cod_inc_fgts: fgts,
        habitual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::types::Movement;

    fn rubric(nat: &str, tp: u8, cp: &str, irrf: &str, fgts: &str) -> Rubric {
        Rubric {
            code: "R".to_owned(),
            nat_rubr: nat.to_owned(),
            tp_rubr: tp,
            cod_inc_cp: cp.to_owned(),
            cod_inc_irrf: irrf.to_owned(),
            cod_inc_fgts: fgts.to_owned(),
            habitual: true,
        }
    }

    fn part(nat: &str, tp: u8, cp: &str, irrf: &str, fgts: &str) -> RdPart {
        classify(&rubric(nat, tp, cp, irrf, fgts)).unwrap().part
    }

    #[test]
    fn common_rubrics_go_to_their_part() {
        assert_eq!(part("1000", 1, "11", "11", "11"), RdPart::Proventos);
        assert_eq!(part("1003", 1, "11", "11", "11"), RdPart::Proventos);
        assert_eq!(part("5001", 1, "12", "12", "12"), RdPart::Fora);
        assert_eq!(part("1409", 1, "51", "79", "00"), RdPart::Fora);
        assert_eq!(part("9930", 3, "25", "9", "11"), RdPart::Fora);
        assert_eq!(part("9201", 2, "31", "41", "00"), RdPart::Inss);
        assert_eq!(part("9201", 2, "32", "42", "00"), RdPart::Fora);
        assert_eq!(part("9203", 2, "00", "31", "00"), RdPart::Irrf);
        assert_eq!(part("9203", 2, "00", "33", "00"), RdPart::Irrf);
        assert_eq!(part("9203", 2, "00", "32", "00"), RdPart::Fora);
        assert_eq!(
            part("9213", 2, "00", "51", "00"),
            RdPart::OutrosCompulsorios
        );
        assert_eq!(part("9213", 2, "00", "52", "00"), RdPart::Fora);
        assert_eq!(part("9213", 2, "00", "9", "00"), RdPart::OutrosCompulsorios);
        assert_eq!(part("9218", 2, "00", "9", "00"), RdPart::OutrosCompulsorios);
        assert_eq!(
            part("9207", 2, "11", "11", "11"),
            RdPart::DescontosComIncidencia
        );
        assert_eq!(
            part("9211", 2, "11", "11", "11"),
            RdPart::DescontosComIncidencia
        );
        assert_eq!(part("9219", 2, "00", "67", "00"), RdPart::Fora);
        assert_eq!(part("9216", 2, "00", "9", "00"), RdPart::Fora);
        assert_eq!(part("9254", 2, "00", "9", "00"), RdPart::Fora);
        assert_eq!(part("9253", 2, "00", "9", "31"), RdPart::Fora);
    }

    #[test]
    fn xsd_rules_of_9253_are_errors() {
        let e = classify(&rubric("9253", 1, "00", "9", "31")).unwrap_err();
        assert!(e.contains("tipo '1'") && e.contains("9253"), "{e}");
        let e = classify(&rubric("9253", 2, "00", "9", "00")).unwrap_err();
        assert!(e.contains("cod_inc_fgts '00'"), "{e}");
        let e = classify(&rubric("9254", 2, "00", "9", "31")).unwrap_err();
        assert!(e.contains("exclusivo da natureza 9253"), "{e}");
        let e = classify(&rubric("1000", 5, "11", "11", "11")).unwrap_err();
        assert!(e.contains("tipo '5'"), "{e}");
        let e = classify(&rubric("1000", 1, "33", "11", "11")).unwrap_err();
        assert!(e.contains("cod_inc_cp '33'"), "{e}");
    }

    #[test]
    fn parse_validates_each_field_and_names_its_column() {
        let r = parse_rubric_fields(" 0001 ", "1000", "1", "11", "11", "11", "sim").unwrap();
        assert_eq!(r.code, "0001");
        assert!(r.habitual);
        let r = parse_rubric_fields("9", "9219", "2", "0", "09", "0", "Não").unwrap();
        assert_eq!(
            (
                r.cod_inc_cp.as_str(),
                r.cod_inc_irrf.as_str(),
                r.cod_inc_fgts.as_str()
            ),
            ("00", "9", "00")
        );
        assert!(!r.habitual);
        assert!(
            parse_rubric_fields("1", "1000", "1", "11", "11", "11", "")
                .unwrap()
                .habitual
        );
        let col = |args: [&str; 7]| {
            parse_rubric_fields(
                args[0], args[1], args[2], args[3], args[4], args[5], args[6],
            )
            .unwrap_err()
            .0
        };
        assert_eq!(col(["", "1000", "1", "11", "11", "11", "s"]), "codigo");
        assert_eq!(col(["1", "100", "1", "11", "11", "11", "s"]), "natureza");
        assert_eq!(col(["1", "1000", "5", "11", "11", "11", "s"]), "tipo");
        assert_eq!(col(["1", "1000", "1", "10", "11", "11", "s"]), "cod_inc_cp");
        assert_eq!(
            col(["1", "1000", "1", "11", "12345", "11", "s"]),
            "cod_inc_irrf"
        );
        assert_eq!(
            col(["1", "1000", "1", "11", "1a", "11", "s"]),
            "cod_inc_irrf"
        );
        assert_eq!(
            col(["1", "1000", "1", "11", "11", "13", "s"]),
            "cod_inc_fgts"
        );
        assert_eq!(
            col(["1", "1000", "1", "11", "11", "11", "talvez"]),
            "habitual"
        );
        let (_, msg) = parse_rubric_fields("1", "1000", "1", "10", "11", "11", "s").unwrap_err();
        assert!(
            msg.contains("'10'") && msg.contains("aceitos 00, 01, 11"),
            "{msg}"
        );
    }

    /// Every combination of the XSD's tpRubr × codIncCP × codIncFGTS with the natures and IRRF
    /// codes that matter: the domain counts the event exactly when the part is not `Fora`, with
    /// the sign of the part.
    #[test]
    fn domain_counts_a_rubric_exactly_when_its_part_is_not_fora() {
        let natures = [
            "1000", "9201", "9203", "9213", "9218", "9230", "9219", "9253",
        ];
        let irrfs = [
            "0", "9", "11", "31", "32", "33", "34", "35", "41", "51", "52", "55", "9031",
        ];
        for nat in natures {
            for tp in 1..=4u8 {
                for cp in CP_CODES {
                    for irrf in irrfs {
                        for fgts in FGTS_CODES {
                            let Ok(class) = classify(&rubric(nat, tp, cp, irrf, fgts)) else {
                                continue;
                            };
                            let m = Movement {
                                competencia: "2025-07".parse().unwrap(),
                                periodo: 1,
                                events: vec![class.to_event("X", Decimal::ONE)],
                                net_pay: None,
                                available_remuneration: None,
                            };
                            let rd = m.available_remuneration(false).unwrap().unwrap_or_default();
                            let expected = match class.part {
                                RdPart::Fora => Decimal::ZERO,
                                RdPart::Proventos => Decimal::ONE,
                                _ => -Decimal::ONE,
                            };
                            assert_eq!(rd, expected, "{nat} {tp} {cp} {irrf} {fgts}: {class:?}");
                            let b = m.available_remuneration_parts(false).unwrap();
                            let keys: Vec<&str> = b
                                .map(|b| b.lines.iter().map(|l| l.part).collect())
                                .unwrap_or_default();
                            if class.part == RdPart::Fora {
                                assert!(keys.is_empty());
                            } else {
                                assert_eq!(keys, vec![class.part.key()]);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn parts_print_in_portuguese() {
        assert_eq!(
            RdPart::Inss.to_string(),
            "contribuição previdenciária do empregado (INSS)"
        );
        assert_eq!(RdPart::Fora.to_string(), "fora da remuneração disponível");
        assert_eq!(
            RdPart::DescontosComIncidencia.key(),
            "descontos_com_incidencia"
        );
    }
}
