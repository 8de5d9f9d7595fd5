//! Tipos do domínio: plain, serde-able data the rules compute on.
//!
//! Field names in files are Portuguese (`matricula`, `salario`, `eventos`), as the users write
//! them; identifiers in code are English. Money is `Decimal`, written as a string. CPF and
//! matrícula are strings (leading zeros matter, SPEC §3). Competência is `AAAA-MM` in files and
//! `MM/AAAA` in messages.
//!
//! What this module does not do: compute. The rules live in their own modules.

use super::error::{arith, DomainError};
use super::serde_util::{date, dec, dec_map, opt_date, opt_dec};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Competência: the month a payroll refers to. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Competencia {
    year: i32,
    month: u32,
}

impl Competencia {
    /// A competência; the year must be in 1900..=9999 and the month in 1..=12.
    pub fn new(year: i32, month: u32) -> Result<Self, DomainError> {
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(DomainError::InvalidCompetencia(format!(
                "{year:04}-{month:02}"
            )));
        }
        Ok(Competencia { year, month })
    }

    /// The competência a date falls in.
    pub fn of_date(date: NaiveDate) -> Result<Self, DomainError> {
        Competencia::new(date.year(), date.month())
    }

    /// Ano (ANO of the formulas).
    pub fn year(self) -> i32 {
        self.year
    }

    /// Mês, 1..=12 (MES of the formulas).
    pub fn month(self) -> u32 {
        self.month
    }

    /// The previous competência (`None` before 01/1900).
    pub fn previous(self) -> Option<Self> {
        if self.month == 1 {
            Competencia::new(self.year - 1, 12).ok()
        } else {
            Competencia::new(self.year, self.month - 1).ok()
        }
    }

    /// The next competência (`None` after 12/9999).
    pub fn next(self) -> Option<Self> {
        if self.month == 12 {
            Competencia::new(self.year + 1, 1).ok()
        } else {
            Competencia::new(self.year, self.month + 1).ok()
        }
    }

    /// First calendar day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last calendar day (28, 29, 30 or 31).
    pub fn last_day(self) -> NaiveDate {
        match self.next() {
            Some(next) => next.first_day().pred_opt().unwrap_or(NaiveDate::MIN),
            None => NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    /// Number of calendar days.
    pub fn days_in_month(self) -> u32 {
        self.last_day().day()
    }

    /// `AAAA-MM`, the file form.
    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// `MM/AAAA`, the form of messages.
impl fmt::Display for Competencia {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:04}", self.month, self.year)
    }
}

/// Parses `AAAA-MM` (the file form); `MM/AAAA` is accepted too.
impl FromStr for Competencia {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DomainError::InvalidCompetencia(s.to_owned());
        let t = s.trim();
        let (year, month) = if let Some((y, m)) = t.split_once('-') {
            (y, m)
        } else if let Some((m, y)) = t.split_once('/') {
            (y, m)
        } else {
            return Err(bad());
        };
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        if !year
            .chars()
            .chain(month.chars())
            .all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Competencia::new(year, month).map_err(|_| bad())
    }
}

impl Serialize for Competencia {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_iso())
    }
}

impl<'de> Deserialize<'de> for Competencia {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Competencia::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Tipo do evento (RM: Provento, Desconto, Base de cálculo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Provento: adds to net pay.
    Provento,
    /// Desconto: subtracts from net pay.
    Desconto,
    /// Base de cálculo: informative, does not move net pay (444, 439, 443).
    BaseDeCalculo,
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventKind::Provento => "Provento",
            EventKind::Desconto => "Desconto",
            EventKind::BaseDeCalculo => "Base de cálculo",
        })
    }
}

/// Natureza de um desconto para a remuneração disponível (Portaria MTE 435 art. 7, red. 491/2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventNature {
    /// Any other event.
    #[default]
    Comum,
    /// Contribuição previdenciária do empregado (INSS).
    Inss,
    /// Imposto de renda retido na fonte (IRRF).
    Irrf,
    /// Outro desconto compulsório: pensão alimentícia, ordem judicial, contribuição sindical.
    Compulsoria,
}

/// Evento de um movimento (envelope): code, type, value and what the RD needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Código do evento (string: `"0439"`).
    #[serde(rename = "codigo")]
    pub code: String,
    /// Tipo (provento, desconto, base de cálculo).
    #[serde(rename = "tipo")]
    pub kind: EventKind,
    /// Valor.
    #[serde(rename = "valor", with = "dec")]
    pub value: Decimal,
    /// Incide INSS: the event enters the remuneração disponível (as earning or deduction).
    #[serde(rename = "incide_inss", default)]
    pub inss_incidence: bool,
    /// Incide IRRF. Carried for adapters and reports; the RD of Portaria 491 uses INSS incidence
    /// and the IRRF *value* (an event of nature `irrf`), not this flag.
    #[serde(rename = "incide_irrf", default)]
    pub irrf_incidence: bool,
    /// Natureza (INSS, IRRF, compulsória, comum).
    #[serde(rename = "natureza", default)]
    pub nature: EventNature,
    /// Habitual (default true). Non-habitual earnings may be excluded from the RD by a setting.
    #[serde(default = "yes")]
    pub habitual: bool,
}

fn yes() -> bool {
    true
}

/// Movimento (envelope de pagamento) of one competência and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Movement {
    /// Competência.
    pub competencia: Competencia,
    /// Período (RM's PERIODO of the movement; the monthly payroll's number).
    #[serde(default = "one")]
    pub periodo: i64,
    /// Eventos.
    #[serde(rename = "eventos", default)]
    pub events: Vec<Event>,
    /// Líquido informed by the payroll; when absent it is computed from the events
    /// (proventos − descontos, without the events the consignado engine itself produces).
    #[serde(
        rename = "liquido",
        default,
        with = "opt_dec",
        skip_serializing_if = "Option::is_none"
    )]
    pub net_pay: Option<Decimal>,
    /// Remuneração disponível informed by the payroll; when absent it is computed from the events.
    #[serde(
        rename = "remuneracao_disponivel",
        default,
        with = "opt_dec",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_remuneration: Option<Decimal>,
}

fn one() -> i64 {
    1
}

impl Movement {
    /// Sum of the values of the events with `code` (an absent event is 0, as RM's `C()`).
    pub fn event_value(&self, code: &str) -> Result<Decimal, DomainError> {
        arith::sum(
            self.events
                .iter()
                .filter(|e| e.code == code)
                .map(|e| e.value),
            "soma de eventos",
        )
    }

    /// Líquido: the informed value, or Σ proventos − Σ descontos of the events for which
    /// `counts(code)` is true (the caller leaves out the events the engine produces).
    pub fn net_pay_excluding(&self, counts: &dyn Fn(&str) -> bool) -> Result<Decimal, DomainError> {
        if let Some(v) = self.net_pay {
            return Ok(v);
        }
        let mut net = Decimal::ZERO;
        for e in self.events.iter().filter(|e| counts(&e.code)) {
            net = match e.kind {
                EventKind::Provento => arith::add(net, e.value, "líquido")?,
                EventKind::Desconto => arith::sub(net, e.value, "líquido")?,
                EventKind::BaseDeCalculo => net,
            };
        }
        Ok(net)
    }

    /// True when the remuneração disponível can be known: informed, or some event carries INSS
    /// incidence or an INSS/IRRF/compulsory nature.
    pub fn knows_available_remuneration(&self) -> bool {
        self.available_remuneration.is_some()
            || self
                .events
                .iter()
                .any(|e| e.inss_incidence || e.nature != EventNature::Comum)
    }

    /// Remuneração disponível (Portaria MTE 435 art. 7 sole paragraph, wording of Portaria 491):
    /// Σ earnings with INSS incidence − deductions with INSS incidence − INSS − IRRF − other
    /// compulsory deductions. Voluntary deductions do not reduce it (consignado-law R10).
    /// `None` when it cannot be known (see [`Movement::knows_available_remuneration`]).
    pub fn available_remuneration(
        &self,
        exclude_non_habitual: bool,
    ) -> Result<Option<Decimal>, DomainError> {
        if let Some(v) = self.available_remuneration {
            return Ok(Some(v));
        }
        if !self.knows_available_remuneration() {
            return Ok(None);
        }
        let mut rd = Decimal::ZERO;
        for e in &self.events {
            match (e.kind, e.nature) {
                (EventKind::Provento, _)
                    if e.inss_incidence && (e.habitual || !exclude_non_habitual) =>
                {
                    rd = arith::add(rd, e.value, "remuneração disponível")?;
                }
                (EventKind::Desconto, EventNature::Comum) if e.inss_incidence => {
                    rd = arith::sub(rd, e.value, "remuneração disponível")?;
                }
                (EventKind::Desconto, EventNature::Inss)
                | (EventKind::Desconto, EventNature::Irrf)
                | (EventKind::Desconto, EventNature::Compulsoria) => {
                    rd = arith::sub(rd, e.value, "remuneração disponível")?;
                }
                _ => {}
            }
        }
        Ok(Some(rd))
    }
}

/// Movimento fechado da ficha financeira: what `LIQUIDOFF` and the previous month's 438 read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedMovement {
    /// Competência.
    pub competencia: Competencia,
    /// Período.
    #[serde(default = "one")]
    pub periodo: i64,
    /// Líquido of the closed movement.
    #[serde(rename = "liquido", with = "dec")]
    pub net_pay: Decimal,
    /// Event values by event code (e.g. each institution's 438 of that month).
    #[serde(rename = "eventos", default, with = "dec_map")]
    pub events: BTreeMap<String, Decimal>,
}

/// Telefone: DDD and number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    /// DDD (two digits, 10..99).
    pub ddd: String,
    /// Número.
    #[serde(rename = "numero")]
    pub number: String,
}

/// Dados pessoais required before data goes to an institution (SPEC §2.6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalData {
    /// Telefones.
    #[serde(rename = "telefones", default)]
    pub phones: Vec<Phone>,
    /// E-mail funcional.
    #[serde(rename = "email_funcional", default)]
    pub work_email: Option<String>,
    /// Data de nascimento.
    #[serde(rename = "data_nascimento", default, with = "opt_date")]
    pub birth_date: Option<NaiveDate>,
    /// Número do RG.
    #[serde(rename = "rg_numero", default)]
    pub rg_number: Option<String>,
    /// Órgão emissor do RG.
    #[serde(rename = "rg_orgao_emissor", default)]
    pub rg_issuer: Option<String>,
    /// Data de emissão do RG.
    #[serde(rename = "rg_data_emissao", default, with = "opt_date")]
    pub rg_issue_date: Option<NaiveDate>,
    /// Nome da mãe ("Mãe Desconhecida" is a valid value; empty is not).
    #[serde(rename = "nome_mae", default)]
    pub mother_name: Option<String>,
}

/// One line of the employee's distribuição da margem consignável (institution → percent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginShare {
    /// Institution id (as in the configuration).
    #[serde(rename = "instituicao")]
    pub institution: String,
    /// Percentual (0 < p ≤ 100; all lines add up to exactly 100).
    #[serde(rename = "percentual", with = "dec")]
    pub percent: Decimal,
}

/// Funcionário.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// Matrícula.
    pub matricula: String,
    /// CPF (11 digits, as a string).
    pub cpf: String,
    /// Nome.
    #[serde(rename = "nome", default)]
    pub name: String,
    /// Categoria do trabalhador no eSocial (101 = empregado geral, 104 = doméstico, 721 = diretor
    /// não empregado com FGTS, …).
    #[serde(rename = "categoria", default = "clt")]
    pub category: u16,
    /// Salário contratual mensal (RC of the formulas).
    #[serde(rename = "salario", with = "dec")]
    pub salary: Decimal,
    /// Dados pessoais (SPEC §2.6).
    #[serde(rename = "dados_pessoais", default)]
    pub personal: PersonalData,
    /// Distribuição da margem consignável por instituição (SPEC §2.2).
    #[serde(rename = "distribuicao_margem", default)]
    pub margin_distribution: Vec<MarginShare>,
}

fn clt() -> u16 {
    101
}

/// Parcela of a loan contract for one competência (a row of the Arquivo de Empréstimos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installment {
    /// Competência of the installment.
    pub competencia: Competencia,
    /// Valor.
    #[serde(rename = "valor", with = "dec")]
    pub value: Decimal,
}

/// Contrato de empréstimo consignado.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanContract {
    /// Número do contrato (string: leading zeros matter).
    #[serde(rename = "contrato")]
    pub number: String,
    /// Institution id.
    #[serde(rename = "instituicao")]
    pub institution: String,
    /// Data de início / averbação: the seniority key of Lei 10.820 art. 3 §4.
    #[serde(rename = "inicio", default, with = "opt_date")]
    pub start: Option<NaiveDate>,
    /// Parcelas by competência.
    #[serde(rename = "parcelas", default)]
    pub installments: Vec<Installment>,
    /// Saldo devedor informed by the institution (for the rescission of convênio contracts).
    #[serde(rename = "saldo_devedor", default, with = "opt_dec")]
    pub outstanding_balance: Option<Decimal>,
}

impl LoanContract {
    /// The installment due in `c` (sum of the rows of that competência; 0 if none).
    pub fn installment_for(&self, c: Competencia) -> Result<Decimal, DomainError> {
        arith::sum(
            self.installments
                .iter()
                .filter(|i| i.competencia == c)
                .map(|i| i.value),
            "parcelas do contrato",
        )
    }
}

/// Período de férias: gozo from `start` to `end` (inclusive), plus abono pecuniário days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vacation {
    /// Início do gozo.
    #[serde(rename = "inicio", with = "date")]
    pub start: NaiveDate,
    /// Fim do gozo (inclusive).
    #[serde(rename = "fim", with = "date")]
    pub end: NaiveDate,
    /// Dias de abono pecuniário (sold days; not part of the gozo period).
    #[serde(rename = "dias_abono", default)]
    pub abono_days: u32,
}

/// Rescisão: date and the rescission's own movement (verbas rescisórias).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// Data do desligamento.
    #[serde(rename = "data", with = "date")]
    pub date: NaiveDate,
    /// Movimento da rescisão (verbas rescisórias, INSS, IRRF, the 443 amounts informed).
    #[serde(rename = "movimento")]
    pub movement: Movement,
}

/// A vacation provision (454) not yet returned: it becomes 456 in `return_competencia`'s payroll,
/// or in the rescission if the employee leaves first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenProvision {
    /// Institution id.
    #[serde(rename = "instituicao")]
    pub institution: String,
    /// Competência of the vacation receipt that withheld it.
    #[serde(rename = "competencia_origem")]
    pub origin: Competencia,
    /// Competência whose payroll returns it (456).
    #[serde(rename = "competencia_retorno")]
    pub return_competencia: Competencia,
    /// Valor.
    #[serde(rename = "valor", with = "dec")]
    pub value: Decimal,
}

/// Everything the engine needs for one employee and one competência.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeMonth {
    /// Competência being computed.
    pub competencia: Competencia,
    /// Funcionário.
    #[serde(rename = "funcionario")]
    pub employee: Employee,
    /// Movimento of the competência (the closed monthly payroll, TOTVS's "folha fechada").
    #[serde(rename = "movimento")]
    pub movement: Movement,
    /// Ficha financeira: earlier closed movements (LIQUIDOFF, previous month's 438).
    #[serde(rename = "historico", default)]
    pub history: Vec<ClosedMovement>,
    /// Contratos de empréstimo.
    #[serde(rename = "contratos", default)]
    pub contracts: Vec<LoanContract>,
    /// Férias (those starting in this competência produce 453/454/455).
    #[serde(rename = "ferias", default)]
    pub vacations: Vec<Vacation>,
    /// Provisões 454 em aberto (from earlier vacation receipts).
    #[serde(rename = "provisoes_abertas", default)]
    pub open_provisions: Vec<OpenProvision>,
    /// Rescisão, if the employee leaves in this competência.
    #[serde(rename = "rescisao", default)]
    pub termination: Option<Termination>,
}

/// Remuneração disponível explained part by part (Portaria MTE 435 art. 7 sole paragraph, wording
/// of Portaria 491/2025): what [`Movement::available_remuneration_parts`] returns.
///
/// Every part is a sum of event values as they are (positive for a normal payslip); `total` is
/// `earnings − incident_deductions − inss − irrf − other_compulsory`, computed event by event in
/// the order of the movement exactly as [`Movement::available_remuneration`] computes it, so the
/// two always agree. When the payroll informed the RD (`remuneracao_disponivel`), there is nothing
/// to explain: every part is zero, `lines` is empty and `total` is the informed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RdBreakdown {
    /// Σ proventos with INSS incidence that entered (habitual ones, or all of them when
    /// non-habitual earnings are not excluded).
    pub earnings: Decimal,
    /// Σ descontos with INSS incidence (faltas, atrasos, DSR perdido).
    pub incident_deductions: Decimal,
    /// Σ INSS do empregado (events of nature `inss`).
    pub inss: Decimal,
    /// Σ IRRF (events of nature `irrf`).
    pub irrf: Decimal,
    /// Σ other compulsory deductions (events of nature `compulsoria`: pensão alimentícia, ordem
    /// judicial).
    pub other_compulsory: Decimal,
    /// The remuneração disponível; equal to [`Movement::available_remuneration`].
    pub total: Decimal,
    /// The events that entered, in the order of the movement, each with its part and sign.
    pub lines: Vec<RdLine>,
}

/// One event that entered the remuneração disponível.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RdLine {
    /// Código do evento.
    pub code: String,
    /// Part of art. 7: `"proventos"`, `"descontos_com_incidencia"`, `"inss"`, `"irrf"` or
    /// `"outros_compulsorios"`.
    pub part: &'static str,
    /// +1 for an earning, −1 for a deduction.
    pub sign: i8,
    /// Valor do evento (as in the movement; the sign says how it entered).
    pub value: Decimal,
}

impl RdLine {
    /// Key of the earnings part.
    pub const EARNINGS: &'static str = "proventos";
    /// Key of the part of deductions with INSS incidence.
    pub const INCIDENT_DEDUCTIONS: &'static str = "descontos_com_incidencia";
    /// Key of the INSS part.
    pub const INSS: &'static str = "inss";
    /// Key of the IRRF part.
    pub const IRRF: &'static str = "irrf";
    /// Key of the part of other compulsory deductions.
    pub const OTHER_COMPULSORY: &'static str = "outros_compulsorios";
}

impl Movement {
    /// The remuneração disponível with its explanation: which events entered, in which part of
    /// art. 7 and with which sign. Same rules and same order as
    /// [`Movement::available_remuneration`] (which stays the fast path of the batch), so
    /// `total` equals it exactly; `None` when it cannot be known. An overflow of a part's sum is
    /// an error too.
    pub fn available_remuneration_parts(
        &self,
        exclude_non_habitual: bool,
    ) -> Result<Option<RdBreakdown>, DomainError> {
        const WHAT: &str = "remuneração disponível";
        if let Some(v) = self.available_remuneration {
            return Ok(Some(RdBreakdown {
                earnings: Decimal::ZERO,
                incident_deductions: Decimal::ZERO,
                inss: Decimal::ZERO,
                irrf: Decimal::ZERO,
                other_compulsory: Decimal::ZERO,
                total: v,
                lines: Vec::new(),
            }));
        }
        if !self.knows_available_remuneration() {
            return Ok(None);
        }
        let mut b = RdBreakdown {
            earnings: Decimal::ZERO,
            incident_deductions: Decimal::ZERO,
            inss: Decimal::ZERO,
            irrf: Decimal::ZERO,
            other_compulsory: Decimal::ZERO,
            total: Decimal::ZERO,
            lines: Vec::new(),
        };
        for e in &self.events {
            let part = match (e.kind, e.nature) {
                (EventKind::Provento, _)
                    if e.inss_incidence && (e.habitual || !exclude_non_habitual) =>
                {
                    RdLine::EARNINGS
                }
                (EventKind::Desconto, EventNature::Comum) if e.inss_incidence => {
                    RdLine::INCIDENT_DEDUCTIONS
                }
                (EventKind::Desconto, EventNature::Inss) => RdLine::INSS,
                (EventKind::Desconto, EventNature::Irrf) => RdLine::IRRF,
                (EventKind::Desconto, EventNature::Compulsoria) => RdLine::OTHER_COMPULSORY,
                _ => continue,
            };
            let sign: i8 = if part == RdLine::EARNINGS {
                b.total = arith::add(b.total, e.value, WHAT)?;
                1
            } else {
                b.total = arith::sub(b.total, e.value, WHAT)?;
                -1
            };
            let slot = match part {
                RdLine::EARNINGS => &mut b.earnings,
                RdLine::INCIDENT_DEDUCTIONS => &mut b.incident_deductions,
                RdLine::INSS => &mut b.inss,
                RdLine::IRRF => &mut b.irrf,
                _ => &mut b.other_compulsory,
            };
            *slot = arith::add(*slot, e.value, WHAT)?;
            b.lines.push(RdLine {
                code: e.code.clone(),
                part,
                sign,
                value: e.value,
            });
        }
        Ok(Some(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competencia_round_trips_and_prints_for_messages() {
        let c: Competencia = "2025-07".parse().unwrap();
        assert_eq!(c.to_string(), "07/2025");
        assert_eq!(c.to_iso(), "2025-07");
        assert_eq!("07/2025".parse::<Competencia>().unwrap(), c);
        assert!("2025-13".parse::<Competencia>().is_err());
        assert!("2025-7".parse::<Competencia>().is_err());
        assert!("25-07".parse::<Competencia>().is_err());
        assert_eq!(c.previous().unwrap().to_iso(), "2025-06");
        assert_eq!(
            "2025-01"
                .parse::<Competencia>()
                .unwrap()
                .previous()
                .unwrap()
                .to_iso(),
            "2024-12"
        );
        assert_eq!(
            "2024-02".parse::<Competencia>().unwrap().days_in_month(),
            29
        );
        assert_eq!(
            "2025-02".parse::<Competencia>().unwrap().days_in_month(),
            28
        );
        assert_eq!(
            "2025-12".parse::<Competencia>().unwrap().days_in_month(),
            31
        );
        assert!("9999-12".parse::<Competencia>().unwrap().next().is_none());
    }

    fn ev(code: &str, kind: EventKind, value: i64, incidence: bool, nature: EventNature) -> Event {
        Event {
            code: code.to_owned(),
            kind,
            value: Decimal::new(value, 2),
            inss_incidence: incidence,
            irrf_incidence: false,
            nature,
            habitual: true,
        }
    }

    #[test]
    fn breakdown_explains_each_part_and_agrees_with_the_fast_path() {
        // Domínio Ex. 3a: 5 000,00 − 333,18 − 462,93 − 104,96 − 876,43 = 3 222,50.
        let m = Movement {
            competencia: "2025-07".parse().unwrap(),
            periodo: 1,
            events: vec![
                ev(
                    "001",
                    EventKind::Provento,
                    500_000,
                    true,
                    EventNature::Comum,
                ),
                ev("300", EventKind::Desconto, 33_318, true, EventNature::Comum),
                ev("900", EventKind::Desconto, 46_293, false, EventNature::Inss),
                ev("901", EventKind::Desconto, 10_496, false, EventNature::Irrf),
                ev(
                    "902",
                    EventKind::Desconto,
                    87_643,
                    false,
                    EventNature::Compulsoria,
                ),
                ev(
                    "950",
                    EventKind::Desconto,
                    30_000,
                    false,
                    EventNature::Comum,
                ),
                ev(
                    "960",
                    EventKind::BaseDeCalculo,
                    99_999,
                    true,
                    EventNature::Comum,
                ),
            ],
            net_pay: None,
            available_remuneration: None,
        };
        let b = m.available_remuneration_parts(false).unwrap().unwrap();
        assert_eq!(b.total, Decimal::new(322_250, 2));
        assert_eq!(Some(b.total), m.available_remuneration(false).unwrap());
        assert_eq!(b.earnings, Decimal::new(500_000, 2));
        assert_eq!(b.incident_deductions, Decimal::new(33_318, 2));
        assert_eq!(b.inss, Decimal::new(46_293, 2));
        assert_eq!(b.irrf, Decimal::new(10_496, 2));
        assert_eq!(b.other_compulsory, Decimal::new(87_643, 2));
        let parts: Vec<(&str, &str, i8)> = b
            .lines
            .iter()
            .map(|l| (l.code.as_str(), l.part, l.sign))
            .collect();
        assert_eq!(
            parts,
            vec![
                ("001", "proventos", 1),
                ("300", "descontos_com_incidencia", -1),
                ("900", "inss", -1),
                ("901", "irrf", -1),
                ("902", "outros_compulsorios", -1),
            ]
        );

        let informed = Movement {
            available_remuneration: Some(Decimal::new(1234, 0)),
            ..m.clone()
        };
        let b = informed
            .available_remuneration_parts(false)
            .unwrap()
            .unwrap();
        assert_eq!(b.total, Decimal::new(1234, 0));
        assert!(b.lines.is_empty());

        let unknown = Movement {
            events: vec![ev("950", EventKind::Desconto, 1, false, EventNature::Comum)],
            ..m
        };
        assert_eq!(unknown.available_remuneration_parts(false).unwrap(), None);
    }
}
