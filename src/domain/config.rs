//! Configuração: the TOML file a payroll team edits, and its validation (SPEC §2).
//!
//! The annotated example is `fixtures/domain/config.example.toml`. Sections:
//!
//! | section | what it sets | source |
//! |---|---|---|
//! | `periodo` | number of the monthly-payroll period (RM's `PERIODO`) | seed 002: "Variável PERIODO deve receber o número do período de Fopagto Mensal" |
//! | `[margem]` | 444 event and formula; `percentual` (35 %), `base` (`liquido` / `remuneracao_disponivel`), `limite_legal`, `excluir_nao_habituais` | SPEC §2.1; Portaria MTE 435 art. 7 (red. 491/2025) |
//! | `[rateio]` | `ativo`, `fator` (≥ 1) | SPEC §2.2; seed 002 "Fator de rateio … No mínimo 1" |
//! | `[desconto]` | `percentual` of the legal cap on 438 | SPEC §2.3; Lei 10.820 art. 3 §4 |
//! | `[rescisao]` | `percentual`, `valor_informado` (`parcela_do_mes` / `saldo_devedor`) | SPEC §2.4; consignado-law O1 |
//! | `[ferias]` | events 453–456, `base` of the provision, `fallback_parcela_atual`, `incluir_abono` | SPEC §2.5 |
//! | `[arredondamento]` | `regras` (default margin, caps, rateio: `down`), `provisao` (`half_up`) | SPEC §2.1, consignado-law O8 |
//! | `[elegibilidade]` | eSocial categories covered (default 1xx and 721) | consignado-law R21 |
//! | `[formulas]` | `estrito` (strict parsing of formulas) | SPEC §1.3 |
//! | `[[eventos]]` | the event catalogue: code, type, calculation code, chave desativada | SPEC §2 table; seed 002 |
//! | `[[instituicoes]]` | per institution: events 438/439/442/443, formulas 438/442, `codigo` (3-digit instFinanc) | SPEC §2 table; seed 002 |
//! | `[empresa]` | `cnpj` (and `nome`) of the employer | Crédito do Trabalhador file, eSocial |
//! | `[credito_trabalhador]` | the one event pair of every platform contract (no convênio needed) | Lei 10.820 art. 2-A; [`super::platform`] |
//!
//! [`Config::validate`] reports every violation at once, each with a field path and a Portuguese
//! message: wrong event type for a calculation code, an event shared by two institutions, an
//! institution without its 438/439 (or 442/443) pair, a missing 444 event, `fator` < 1, a
//! percentage out of range. Formulas are checked when the configuration is compiled
//! ([`crate::domain::CompiledConfig::compile`]), which adds their diagnostics to the same list.

use super::error::DomainIssue;
use super::platform::{EmployerSettings, PlatformSettings};
use super::serde_util::{dec, opt_dec};
use super::types::EventKind;
use crate::money::{RoundingMode, RoundingPolicy};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Base of the default margin and of the legal caps (SPEC §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarginBase {
    /// Líquido of the closed movement (TOTVS's default).
    #[default]
    Liquido,
    /// Remuneração disponível (Portaria MTE 435 art. 7, red. 491/2025).
    RemuneracaoDisponivel,
}

/// Settings of the margem consignável (444).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginSettings {
    /// Event with calculation code 444 (required).
    #[serde(default)]
    pub evento: Option<String>,
    /// 444 formula (RM syntax). Without it the default rule applies.
    #[serde(default)]
    pub formula: Option<String>,
    /// Percentual of the default rule (0.35; TOTVS's examples use 0.30).
    #[serde(default = "legal_35", with = "dec")]
    pub percentual: Decimal,
    /// Base of the default rule.
    #[serde(default)]
    pub base: MarginBase,
    /// Legal limit for the guardrail flag: margin above this share of the RD is flagged.
    #[serde(default = "legal_35", with = "dec")]
    pub limite_legal: Decimal,
    /// Leave non-habitual earnings out of the remuneração disponível (consignado-law O2).
    #[serde(default)]
    pub excluir_nao_habituais: bool,
}

impl Default for MarginSettings {
    fn default() -> Self {
        MarginSettings {
            evento: None,
            formula: None,
            percentual: legal_35(),
            base: MarginBase::Liquido,
            limite_legal: legal_35(),
            excluir_nao_habituais: false,
        }
    }
}

fn legal_35() -> Decimal {
    Decimal::new(35, 2)
}

/// Settings of the rateio (SPEC §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateioSettings {
    /// Utiliza rateio da margem consignável.
    #[serde(default)]
    pub ativo: bool,
    /// Fator de rateio (≥ 1), required when `ativo`.
    #[serde(default, with = "opt_dec")]
    pub fator: Option<Decimal>,
}

/// Settings of the monthly discount (438 ← 439, SPEC §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscountSettings {
    /// Share of the base (of `[margem].base`) that all discounts together may not exceed.
    #[serde(default = "legal_35", with = "dec")]
    pub percentual: Decimal,
}

impl Default for DiscountSettings {
    fn default() -> Self {
        DiscountSettings {
            percentual: legal_35(),
        }
    }
}

/// Which amount the institution informs for the rescission (SPEC §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InformedAmount {
    /// The installment of the termination month (Crédito do Trabalhador).
    #[default]
    ParcelaDoMes,
    /// The saldo devedor (older convênio contracts).
    SaldoDevedor,
}

/// Settings of the rescission (442 ← 443, SPEC §2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescissionSettings {
    /// Share of the rescission base that the discounts may not exceed.
    #[serde(default = "legal_35", with = "dec")]
    pub percentual: Decimal,
    /// What the 443 amount is when no 443 event is in the rescission movement.
    #[serde(default)]
    pub valor_informado: InformedAmount,
}

impl Default for RescissionSettings {
    fn default() -> Self {
        RescissionSettings {
            percentual: legal_35(),
            valor_informado: InformedAmount::ParcelaDoMes,
        }
    }
}

/// Base of the vacation provision (SPEC §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionBase {
    /// The institution's 438 discount of the previous month (seed 002).
    #[default]
    DescontoMesAnterior,
    /// The institution's installment of the current competência.
    ParcelaAtual,
}

/// Settings of the vacation provisions (453–456, SPEC §2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VacationSettings {
    /// Event 453 (Desconto): provision, days in the first month.
    #[serde(default)]
    pub evento_453: Option<String>,
    /// Event 454 (Desconto): provision, days in the next month.
    #[serde(default)]
    pub evento_454: Option<String>,
    /// Event 455 (Provento): 453 mirrored in the vacation month's payslip.
    #[serde(default)]
    pub evento_455: Option<String>,
    /// Event 456 (Provento): 454 mirrored in the next month's payslip.
    #[serde(default)]
    pub evento_456: Option<String>,
    /// Base of the provision.
    #[serde(default)]
    pub base: ProvisionBase,
    /// With `desconto_mes_anterior`: use the current installment when last month's 438 is 0 or
    /// missing (default true).
    #[serde(default = "yes")]
    pub fallback_parcela_atual: bool,
    /// Count abono pecuniário days (with the second part). Default false: "dias gozados".
    #[serde(default)]
    pub incluir_abono: bool,
}

fn yes() -> bool {
    true
}

impl Default for VacationSettings {
    fn default() -> Self {
        VacationSettings {
            evento_453: None,
            evento_454: None,
            evento_455: None,
            evento_456: None,
            base: ProvisionBase::DescontoMesAnterior,
            fallback_parcela_atual: true,
            incluir_abono: false,
        }
    }
}

/// Rounding of what the engine's own rules compute (formula results follow SPEC §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingSettings {
    /// Default margin, legal caps, rateio by factor: `down` (never above the legal percentage).
    #[serde(default = "down")]
    pub regras: RoundingMode,
    /// Vacation provisions (base × days / 30): `half_up`.
    #[serde(default = "half_up")]
    pub provisao: RoundingMode,
}

fn down() -> RoundingMode {
    RoundingMode::Down
}

fn half_up() -> RoundingMode {
    RoundingMode::HalfUp
}

impl Default for RoundingSettings {
    fn default() -> Self {
        RoundingSettings {
            regras: RoundingMode::Down,
            provisao: RoundingMode::HalfUp,
        }
    }
}

impl RoundingSettings {
    /// Policy of the rules (2 places).
    pub fn rules(&self) -> RoundingPolicy {
        RoundingPolicy::money(self.regras)
    }

    /// Policy of the provisions (2 places).
    pub fn provision(&self) -> RoundingPolicy {
        RoundingPolicy::money(self.provisao)
    }
}

/// Who may have a margin (consignado-law R21).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilitySettings {
    /// eSocial categories covered. Default (absent): every 1xx category and 721.
    #[serde(default)]
    pub categorias: Option<Vec<u16>>,
}

impl EligibilitySettings {
    /// True when `category` is covered.
    pub fn covers(&self, category: u16) -> bool {
        match &self.categorias {
            Some(list) => list.contains(&category),
            None => (100..=199).contains(&category) || category == 721,
        }
    }
}

/// Formula settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaSettings {
    /// Strict parsing (SPEC §1.3): every `SE` has its `FIMSE`, warnings are errors.
    #[serde(default)]
    pub estrito: bool,
}

/// An event of the catalogue (RM: Administração de Pessoal > Eventos).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDefinition {
    /// Código do evento.
    pub codigo: String,
    /// Descrição.
    #[serde(default)]
    pub descricao: String,
    /// Tipo.
    pub tipo: EventKind,
    /// Código de cálculo (438, 439, 442, 443, 444, 453–456), if any.
    #[serde(default)]
    pub codigo_calculo: Option<u16>,
    /// Vinculado a uma chave desativada (required for 439, 443, 444).
    #[serde(default)]
    pub chave_desativada: bool,
}

/// Instituição de crédito (operadora, parceiro) with its events and formulas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// Identifier used by contracts and distributions.
    pub id: String,
    /// Nome.
    #[serde(default)]
    pub nome: String,
    /// The institution's 3-digit code (eSocial `instFinanc`, the `ifConcessora.codigo` of the
    /// Crédito do Trabalhador file): platform installments of this code come to this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codigo: Option<String>,
    /// An institution of the Crédito do Trabalhador platform ([`super::platform`]): it
    /// receives no margin share and may use the `[credito_trabalhador]` events, shared with
    /// the other platform institutions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub credito_trabalhador: bool,
    /// Event 438 (Desconto): the monthly discount.
    #[serde(default)]
    pub evento_438: Option<String>,
    /// Event 439 (Base de cálculo): the installment informed by the institution.
    #[serde(default)]
    pub evento_439: Option<String>,
    /// Event 442 (Desconto): the rescission discount.
    #[serde(default)]
    pub evento_442: Option<String>,
    /// Event 443 (Base de cálculo): the amount informed for the rescission.
    #[serde(default)]
    pub evento_443: Option<String>,
    /// 438 formula; without it the legal rule applies.
    #[serde(default)]
    pub formula_438: Option<String>,
    /// 442 formula; without it the legal rule applies.
    #[serde(default)]
    pub formula_442: Option<String>,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Número do período da folha mensal (`PERIODO` of the formulas).
    #[serde(default)]
    pub periodo: Option<i64>,
    /// Margem consignável.
    #[serde(default)]
    pub margem: MarginSettings,
    /// Rateio.
    #[serde(default)]
    pub rateio: RateioSettings,
    /// Desconto mensal.
    #[serde(default)]
    pub desconto: DiscountSettings,
    /// Rescisão.
    #[serde(default)]
    pub rescisao: RescissionSettings,
    /// Férias.
    #[serde(default)]
    pub ferias: VacationSettings,
    /// Arredondamento.
    #[serde(default)]
    pub arredondamento: RoundingSettings,
    /// Elegibilidade.
    #[serde(default)]
    pub elegibilidade: EligibilitySettings,
    /// Fórmulas.
    #[serde(default)]
    pub formulas: FormulaSettings,
    /// Catálogo de eventos.
    #[serde(default)]
    pub eventos: Vec<EventDefinition>,
    /// Instituições de crédito, in priority order.
    #[serde(default)]
    pub instituicoes: Vec<Institution>,
    /// O empregador (CNPJ).
    #[serde(default)]
    pub empresa: EmployerSettings,
    /// Crédito do Trabalhador: the event pair of the platform's contracts.
    #[serde(default)]
    pub credito_trabalhador: Option<PlatformSettings>,
}

/// The type and flag each calculation code requires (SPEC §2 table).
pub fn required_kind(calc_code: u16) -> Option<(EventKind, bool)> {
    match calc_code {
        444 | 439 | 443 => Some((EventKind::BaseDeCalculo, true)),
        438 | 442 | 453 | 454 => Some((EventKind::Desconto, false)),
        455 | 456 => Some((EventKind::Provento, false)),
        _ => None,
    }
}

/// The TOML reader's message in Portuguese, on one line ([`crate::messages::toml_message`]).
pub(crate) fn toml_message(message: &str) -> String {
    crate::messages::toml_message(message)
}

impl Config {
    /// Parses the TOML text. A syntax or shape error is one issue naming line and column.
    pub fn from_toml_str(text: &str) -> Result<Config, Vec<DomainIssue>> {
        toml::from_str::<Config>(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("{line}:{col}")
                })
                .unwrap_or_else(|| "configuracao".to_owned());
            vec![DomainIssue::error(
                "D100",
                place,
                format!("configuração ilegível: {}", toml_message(e.message())),
            )]
        })
    }

    /// The event definition with `code`, if catalogued.
    pub fn event(&self, code: &str) -> Option<&EventDefinition> {
        self.eventos.iter().find(|e| e.codigo == code)
    }

    /// The institution with `id`.
    pub fn institution(&self, id: &str) -> Option<&Institution> {
        self.instituicoes.iter().find(|i| i.id == id)
    }

    /// Every event code the engine itself produces (438, 442, 453–456 of any institution):
    /// they are left out of the líquido the rules read.
    pub fn produced_event_codes(&self) -> BTreeSet<String> {
        let mut codes = BTreeSet::new();
        for inst in &self.instituicoes {
            codes.extend(inst.evento_438.iter().cloned());
            codes.extend(inst.evento_442.iter().cloned());
        }
        let f = &self.ferias;
        for code in [&f.evento_453, &f.evento_454, &f.evento_455, &f.evento_456]
            .into_iter()
            .flatten()
        {
            codes.insert(code.clone());
        }
        codes
    }

    /// Validates the configuration against SPEC §2 and reports every violation at once
    /// (errors and warnings). Formulas are checked by `CompiledConfig::compile`.
    pub fn validate(&self) -> Vec<DomainIssue> {
        let mut issues = Vec::new();
        self.validate_catalogue(&mut issues);
        self.validate_margin(&mut issues);
        self.validate_institutions(&mut issues);
        self.validate_sharing(&mut issues);
        self.validate_vacation(&mut issues);
        self.validate_settings(&mut issues);
        self.validate_platform(&mut issues);
        issues
    }

    fn validate_catalogue(&self, issues: &mut Vec<DomainIssue>) {
        let mut seen = BTreeMap::new();
        for (i, e) in self.eventos.iter().enumerate() {
            let at = format!("eventos[{i}]");
            if e.codigo.trim().is_empty() {
                issues.push(DomainIssue::error(
                    "D101",
                    format!("{at}.codigo"),
                    "código do evento vazio",
                ));
            }
            if let Some(first) = seen.insert(e.codigo.clone(), i) {
                issues.push(DomainIssue::error(
                    "D102",
                    format!("{at}.codigo"),
                    format!(
                        "evento '{}' cadastrado duas vezes (também em eventos[{first}])",
                        e.codigo
                    ),
                ));
            }
            let Some(cc) = e.codigo_calculo else { continue };
            match required_kind(cc) {
                Some((kind, disabled_key)) => {
                    if e.tipo != kind {
                        issues.push(DomainIssue::error(
                            "D103",
                            format!("{at}.tipo"),
                            format!(
                                "evento '{}' com código de cálculo {cc} deve ser do tipo {kind}, não {}",
                                e.codigo, e.tipo
                            ),
                        ));
                    }
                    if disabled_key && !e.chave_desativada {
                        issues.push(DomainIssue::error(
                            "D104",
                            format!("{at}.chave_desativada"),
                            format!(
                                "evento '{}' com código de cálculo {cc} deve estar vinculado a uma chave desativada",
                                e.codigo
                            ),
                        ));
                    }
                }
                None => issues.push(DomainIssue::warning(
                    "D105",
                    format!("{at}.codigo_calculo"),
                    format!(
                        "código de cálculo {cc} não pertence ao consignado (438, 439, 442, 443, 444, 453–456)"
                    ),
                )),
            }
        }
    }

    /// Checks that `code` names a catalogued event with calculation code `cc`.
    fn check_reference(
        &self,
        field: &str,
        code: &Option<String>,
        cc: u16,
        required: bool,
        issues: &mut Vec<DomainIssue>,
    ) {
        match code {
            None => {
                if required {
                    issues.push(DomainIssue::error(
                        "D110",
                        field,
                        format!("evento com código de cálculo {cc} não informado"),
                    ));
                }
            }
            Some(code) => match self.event(code) {
                None => issues.push(DomainIssue::error(
                    "D111",
                    field,
                    format!("evento '{code}' não está cadastrado em [[eventos]]"),
                )),
                Some(def) if def.codigo_calculo != Some(cc) => issues.push(DomainIssue::error(
                    "D112",
                    field,
                    format!(
                        "evento '{code}' tem código de cálculo {}, esperado {cc}",
                        def.codigo_calculo
                            .map_or_else(|| "nenhum".to_owned(), |c| c.to_string())
                    ),
                )),
                Some(_) => {}
            },
        }
    }

    fn validate_margin(&self, issues: &mut Vec<DomainIssue>) {
        if self.margem.evento.is_none() {
            issues.push(DomainIssue::error(
                "D113",
                "margem.evento",
                "evento de margem consignável (código de cálculo 444) não informado",
            ));
        } else {
            self.check_reference("margem.evento", &self.margem.evento, 444, true, issues);
        }
        if let Some(f) = &self.margem.formula {
            if f.trim().is_empty() {
                issues.push(DomainIssue::error(
                    "D114",
                    "margem.formula",
                    "fórmula vazia: remova a chave para usar a regra padrão",
                ));
            }
        }
    }

    fn validate_institutions(&self, issues: &mut Vec<DomainIssue>) {
        if self.instituicoes.is_empty() {
            issues.push(DomainIssue::warning(
                "D120",
                "instituicoes",
                "nenhuma instituição de crédito cadastrada: nenhum desconto será calculado",
            ));
        }
        let mut ids = BTreeMap::new();
        for (i, inst) in self.instituicoes.iter().enumerate() {
            let at = format!("instituicoes[{i}]");
            if inst.id.trim().is_empty() {
                issues.push(DomainIssue::error(
                    "D121",
                    format!("{at}.id"),
                    "id da instituição vazio",
                ));
            }
            if let Some(first) = ids.insert(inst.id.clone(), i) {
                issues.push(DomainIssue::error(
                    "D122",
                    format!("{at}.id"),
                    format!(
                        "instituição '{}' cadastrada duas vezes (também em instituicoes[{first}])",
                        inst.id
                    ),
                ));
            }
            // The 438/439 pair is mandatory; 442/443 go together when present.
            let pair_438 = inst.evento_438.is_some() || inst.evento_439.is_some();
            if !pair_438 {
                issues.push(DomainIssue::error(
                    "D123",
                    at.clone(),
                    format!(
                        "instituição '{}' sem o par de eventos 438 (desconto) / 439 (base)",
                        inst.id
                    ),
                ));
            } else {
                self.check_reference(
                    &format!("{at}.evento_438"),
                    &inst.evento_438,
                    438,
                    true,
                    issues,
                );
                self.check_reference(
                    &format!("{at}.evento_439"),
                    &inst.evento_439,
                    439,
                    true,
                    issues,
                );
            }
            let pair_442 = inst.evento_442.is_some() || inst.evento_443.is_some();
            if pair_442 {
                self.check_reference(
                    &format!("{at}.evento_442"),
                    &inst.evento_442,
                    442,
                    true,
                    issues,
                );
                self.check_reference(
                    &format!("{at}.evento_443"),
                    &inst.evento_443,
                    443,
                    true,
                    issues,
                );
            }
            if inst.formula_442.is_some() && !pair_442 {
                issues.push(DomainIssue::error(
                    "D124",
                    format!("{at}.formula_442"),
                    "fórmula 442 sem os eventos 442/443 da rescisão",
                ));
            }
            for (key, f) in [
                ("formula_438", &inst.formula_438),
                ("formula_442", &inst.formula_442),
            ] {
                if f.as_ref().is_some_and(|f| f.trim().is_empty()) {
                    issues.push(DomainIssue::error(
                        "D114",
                        format!("{at}.{key}"),
                        "fórmula vazia: remova a chave para usar a regra legal",
                    ));
                }
            }
        }
    }

    /// An event may serve one role of one institution only (seed 002: "não poderá ser utilizado
    /// o mesmo evento em instituições de crédito diferentes").
    fn validate_sharing(&self, issues: &mut Vec<DomainIssue>) {
        let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut owners: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        if let Some(code) = &self.margem.evento {
            users
                .entry(code)
                .or_default()
                .push("margem.evento".to_owned());
        }
        for (i, inst) in self.instituicoes.iter().enumerate() {
            for (key, code) in [
                ("evento_438", &inst.evento_438),
                ("evento_439", &inst.evento_439),
                ("evento_442", &inst.evento_442),
                ("evento_443", &inst.evento_443),
            ] {
                if let Some(code) = code {
                    users
                        .entry(code)
                        .or_default()
                        .push(format!("instituicoes[{i}].{key}"));
                    owners.entry(code).or_default().insert(&inst.id);
                }
            }
        }
        let f = &self.ferias;
        for (key, code) in [
            ("ferias.evento_453", &f.evento_453),
            ("ferias.evento_454", &f.evento_454),
            ("ferias.evento_455", &f.evento_455),
            ("ferias.evento_456", &f.evento_456),
        ] {
            if let Some(code) = code {
                users.entry(code).or_default().push(key.to_owned());
            }
        }
        let platform = self.credito_trabalhador.clone().unwrap_or_default();
        for (code, places) in users {
            if places.len() < 2 {
                continue;
            }
            // The platform's pair serves every platform institution (module `platform`).
            let only_platform = platform.is_shared_event(code)
                && places.iter().all(|p| p.starts_with("instituicoes["))
                && owners.get(code).is_some_and(|o| {
                    o.iter()
                        .all(|id| self.institution(id).is_some_and(|i| i.credito_trabalhador))
                });
            if only_platform {
                continue;
            }
            let shared_by_institutions = owners.get(code).is_some_and(|o| o.len() > 1);
            let message = if shared_by_institutions {
                format!(
                    "evento '{code}' compartilhado por instituições diferentes ({}); cada instituição deve ter seus próprios eventos",
                    owners
                        .get(code)
                        .map(|o| o.iter().copied().collect::<Vec<_>>().join(", "))
                        .unwrap_or_default()
                )
            } else {
                format!(
                    "evento '{code}' usado em mais de um papel ({})",
                    places.join(", ")
                )
            };
            issues.push(DomainIssue::error("D125", places[1].clone(), message));
        }
    }

    fn validate_vacation(&self, issues: &mut Vec<DomainIssue>) {
        let f = &self.ferias;
        let all = [
            ("ferias.evento_453", &f.evento_453, 453),
            ("ferias.evento_454", &f.evento_454, 454),
            ("ferias.evento_455", &f.evento_455, 455),
            ("ferias.evento_456", &f.evento_456, 456),
        ];
        let any = all.iter().any(|(_, c, _)| c.is_some());
        for (field, code, cc) in all {
            if any {
                self.check_reference(field, code, cc, true, issues);
            }
        }
        if !any {
            issues.push(DomainIssue::warning(
                "D130",
                "ferias",
                "eventos 453–456 não informados: as provisões de férias serão calculadas sem código de evento",
            ));
        }
    }

    fn validate_settings(&self, issues: &mut Vec<DomainIssue>) {
        if self.rateio.ativo {
            match self.rateio.fator {
                None => issues.push(DomainIssue::error(
                    "D140",
                    "rateio.fator",
                    "rateio ativo exige o fator de rateio",
                )),
                Some(f) if f < Decimal::ONE => issues.push(DomainIssue::error(
                    "D141",
                    "rateio.fator",
                    format!("fator de rateio {f} menor que 1"),
                )),
                Some(f) => {
                    let n = Decimal::from(
                        self.instituicoes
                            .iter()
                            .filter(|i| !i.credito_trabalhador)
                            .count(),
                    );
                    if n > f {
                        issues.push(DomainIssue::warning(
                            "D142",
                            "rateio.fator",
                            format!(
                                "fator de rateio {f} menor que o número de instituições ({n}): a soma das margens enviadas excede a margem do funcionário"
                            ),
                        ));
                    }
                }
            }
        }
        let legal = self.margem.limite_legal;
        for (field, p) in [
            ("margem.percentual", self.margem.percentual),
            ("desconto.percentual", self.desconto.percentual),
            ("rescisao.percentual", self.rescisao.percentual),
            ("margem.limite_legal", self.margem.limite_legal),
        ] {
            if p <= Decimal::ZERO || p > Decimal::ONE {
                issues.push(DomainIssue::error(
                    "D143",
                    field,
                    format!("percentual {p} fora do intervalo (0, 1]; escreva 35 % como 0.35"),
                ));
            } else if field != "margem.limite_legal" && p > legal {
                issues.push(DomainIssue::warning(
                    "D144",
                    field,
                    format!("percentual {p} acima do limite legal {legal} (Lei 10.820/2003; Portaria MTE 435/2025)"),
                ));
            }
        }
        if let Some(p) = self.periodo {
            if p < 1 {
                issues.push(DomainIssue::error(
                    "D145",
                    "periodo",
                    format!("número do período da folha mensal deve ser positivo, não {p}"),
                ));
            } else if p > 9999 {
                issues.push(DomainIssue::error(
                    "D145",
                    "periodo",
                    format!("número do período da folha mensal {p} grande demais (até 9999)"),
                ));
            }
        }
        if let Some(list) = &self.elegibilidade.categorias {
            if list.is_empty() {
                issues.push(DomainIssue::warning(
                    "D146",
                    "elegibilidade.categorias",
                    "lista de categorias vazia: nenhum funcionário terá margem",
                ));
            }
        }
    }
}
