//! The per-employee entry point: one employee, one competência, everything the rules produce.
//!
//! [`CompiledConfig`] is the configuration validated and its formulas compiled, once; it is
//! `Send + Sync`, so a batch shares one across threads. [`compute_month`] is a pure function of
//! it and an [`EmployeeMonth`]: margin → rateio → discounts → vacation provisions → rescission,
//! each with its explanation.
//!
//! Order and data flow (decisions where the sources are silent):
//! - The líquido every rule reads leaves out the events the engine produces (438, 442, 453–456
//!   of the configuration); a movement may instead carry `liquido` explicitly.
//! - Installments come from the contracts' rows for the competência; an institution without
//!   rows but with its 439 event in the movement is discounted on that event's value.
//! - In a competência with a rescission, no monthly 438 is computed: the rescission (442) takes
//!   the termination month's installment, and every mirror (455, 456) still due goes to the
//!   rescission.
//! - Only vacations whose gozo starts in the competência produce 453/454/455; their 454 becomes
//!   an [`OpenProvision`] returned as 456 in the next competência (fed back by the caller
//!   through `provisoes_abertas`). An open provision already overdue is returned now, with
//!   warning `D502`.

use super::config::{Config, ProvisionBase};
use super::consistency;
use super::discount::{
    self, ClaimRef, Claims, DiscountResult, DiscountRule, FormulaValue, FormulaValues, Labels,
    ShortfallReason,
};
use super::error::{arith, DomainError, DomainIssue};
use super::explain::Explanation;
use super::fast;
use super::formulas::{CompiledFormula, FormulaInputs, Variables};
use super::margin::{self, MarginInputs, MarginResult};
use super::rateio::{self, RateioResult};
use super::rescission::{self, RescissionResult};
use super::small::SmallVec;
use super::types::{Competencia, EmployeeMonth, EventKind, Movement, OpenProvision};
use super::vacation::{self, Document, ProvisionLine};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The configuration, validated, with its formulas compiled once.
#[derive(Debug, Clone)]
pub struct CompiledConfig {
    config: Config,
    margin_formula: Option<CompiledFormula>,
    discount_formulas: Vec<Option<CompiledFormula>>,
    rescission_formulas: Vec<Option<CompiledFormula>>,
    produced: BTreeSet<String>,
    warnings: Vec<DomainIssue>,
    /// Ids of the institutions that receive a share of the margin (all but the platform's),
    /// in configuration order (computed once, not per employee).
    institution_ids: Vec<String>,
    /// (id, evento 438) of every institution, in configuration order.
    institutions_438: Vec<(String, Option<String>)>,
    /// (id, evento 442) of every institution, in configuration order.
    institutions_442: Vec<(String, Option<String>)>,
}

impl CompiledConfig {
    /// Validates `config` (every violation of SPEC §2 at once) and compiles its formulas.
    /// `Err` holds every issue (errors and warnings) when any is an error.
    pub fn compile(config: Config) -> Result<CompiledConfig, Vec<DomainIssue>> {
        let mut issues = config.validate();
        let known = |code: &str| config.event(code).is_some();
        let strict = config.formulas.estrito;
        let mut compile = |field: String, source: &Option<String>, vars: &[&str]| {
            let source = source.as_ref().filter(|s| !s.trim().is_empty())?;
            match CompiledFormula::compile(&field, source, vars, config.periodo, strict, &known) {
                Ok((f, warnings)) => {
                    issues.extend(warnings);
                    Some(f)
                }
                Err(errors) => {
                    issues.extend(errors);
                    None
                }
            }
        };
        let margin_formula = compile(
            "margem.formula".to_owned(),
            &config.margem.formula,
            formula_variables("444").unwrap_or(&[]),
        );
        let mut discount_formulas = Vec::new();
        let mut rescission_formulas = Vec::new();
        for (i, inst) in config.instituicoes.iter().enumerate() {
            discount_formulas.push(compile(
                format!("instituicoes[{i}].formula_438"),
                &inst.formula_438,
                formula_variables("438").unwrap_or(&[]),
            ));
            rescission_formulas.push(compile(
                format!("instituicoes[{i}].formula_442"),
                &inst.formula_442,
                formula_variables("442").unwrap_or(&[]),
            ));
        }
        if issues.iter().any(DomainIssue::is_error) {
            return Err(issues);
        }
        let produced = config.produced_event_codes();
        // Platform institutions receive no share of the margin (module `platform`).
        let institution_ids = config
            .instituicoes
            .iter()
            .filter(|i| !i.credito_trabalhador)
            .map(|i| i.id.clone())
            .collect();
        let institutions_438 = config
            .instituicoes
            .iter()
            .map(|i| (i.id.clone(), i.evento_438.clone()))
            .collect();
        let institutions_442 = config
            .instituicoes
            .iter()
            .map(|i| (i.id.clone(), i.evento_442.clone()))
            .collect();
        Ok(CompiledConfig {
            institution_ids,
            institutions_438,
            institutions_442,
            config,
            margin_formula,
            discount_formulas,
            rescission_formulas,
            produced,
            warnings: issues,
        })
    }

    /// Parses TOML text, validates and compiles.
    pub fn from_toml_str(text: &str) -> Result<CompiledConfig, Vec<DomainIssue>> {
        CompiledConfig::compile(Config::from_toml_str(text)?)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Warnings of validation and compilation.
    pub fn warnings(&self) -> &[DomainIssue] {
        &self.warnings
    }

    /// Is `code` an event the engine itself produces or reads as an institution's amount
    /// (438, 439, 442, 443, 453–456 of the configuration)?
    pub fn is_engine_event(&self, code: &str) -> bool {
        self.produced.contains(code)
            || self.config.instituicoes.iter().any(|i| {
                i.evento_439.as_deref() == Some(code) || i.evento_443.as_deref() == Some(code)
            })
    }

    fn net_pay(&self, movement: &Movement) -> Result<Decimal, DomainError> {
        movement.net_pay_excluding(&|code| !self.produced.contains(code))
    }
}

/// The context variables the rules give a formula besides `L` and `RC`, by the calculation code
/// it computes: the 444 formula reads `RD` (the remuneração disponível); the 438 and 442
/// formulas read `RD` and `MARGEM` (the margin sent to that institution). `None` for a code
/// that has no formula.
pub fn formula_variables(code: &str) -> Option<&'static [&'static str]> {
    match code {
        "444" => Some(&["RD"]),
        "438" | "442" => Some(&["RD", "MARGEM"]),
        _ => None,
    }
}

/// Every variable [`formula_variables`] gives to some code.
pub const ALL_FORMULA_VARIABLES: &[&str] = &["RD", "MARGEM"];

/// Options of [`compute_month_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeOptions {
    /// Record the formula layer's trace in the explanations (default true; a batch that only
    /// needs values may turn it off).
    pub formula_traces: bool,
    /// Build the explanations (rule, source, description, inputs) of every result (default
    /// true). When false each explanation is an [`Explanation::off`] (only the result): a
    /// batch that never prints them saves the text and its allocations.
    pub explanations: bool,
}

impl Default for ComputeOptions {
    fn default() -> Self {
        ComputeOptions {
            formula_traces: true,
            explanations: true,
        }
    }
}

/// One event value the engine produces, for the payroll to post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputEvent {
    /// Calculation code (444, 438, 442, 453–456).
    pub calc_code: u16,
    /// Event code, when configured.
    pub event: Option<String>,
    /// Institution id (none for 444).
    pub institution: Option<String>,
    /// Event type.
    pub kind: EventKind,
    /// Document.
    pub document: Document,
    /// Competência of the document.
    pub competencia: Competencia,
    /// Valor.
    #[serde(with = "super::serde_util::dec")]
    pub value: Decimal,
}

/// Everything the rules produce for one employee and competência.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeResult {
    /// Matrícula.
    pub matricula: String,
    /// Competência.
    pub competencia: Competencia,
    /// Consistency violations (SPEC §2.6); any of them withholds the margin from institutions.
    pub consistency: Vec<DomainIssue>,
    /// True when the margin may be sent: eligible, consistent, valid rateio.
    pub send_margin: bool,
    /// Margem consignável (444).
    pub margin: MarginResult,
    /// Rateio, when the employee is eligible and the distribution valid.
    pub rateio: Option<RateioResult>,
    /// Why the rateio was rejected (invalid distribution).
    pub rateio_issues: Vec<DomainIssue>,
    /// Monthly discounts (438), absent in a rescission month.
    pub discounts: Option<DiscountResult>,
    /// Vacation provision lines (453–456) of this competência.
    pub provisions: Vec<ProvisionLine>,
    /// 454 provisions still to be returned, to feed into the next competência.
    pub open_provisions: Vec<OpenProvision>,
    /// Rescission (442, 456 returns).
    pub rescission: Option<RescissionResult>,
    /// Every event value produced, for the payroll.
    pub events: Vec<OutputEvent>,
    /// Warnings of every step.
    pub warnings: Vec<DomainIssue>,
}

/// [`compute_month_with`] with default options (formula traces recorded).
pub fn compute_month(
    config: &CompiledConfig,
    month: &EmployeeMonth,
) -> Result<EmployeeResult, Vec<DomainIssue>> {
    compute_month_with(config, month, ComputeOptions::default())
}

/// Computes one employee's competência. `Err` lists every input problem found (or the first
/// arithmetic/formula failure); consistency, ineligibility and rejected rateio are results.
pub fn compute_month_with(
    config: &CompiledConfig,
    month: &EmployeeMonth,
    options: ComputeOptions,
) -> Result<EmployeeResult, Vec<DomainIssue>> {
    let problems = check_inputs(config.config(), month);
    if !problems.is_empty() {
        return Err(problems);
    }
    compute(config, month, options)
}

/// The issues of a computation that failed: the one error.
#[cold]
fn fail(e: DomainError) -> Vec<DomainIssue> {
    vec![e.to_issue()]
}

/// `expr?` for a `Result<_, DomainError>` in [`compute`], which returns issues: the value is
/// taken out where it is, without building another `Result` around it.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(value) => value,
            Err(e) => return Err(fail(e)),
        }
    };
}

fn check_inputs(cfg: &Config, month: &EmployeeMonth) -> Vec<DomainIssue> {
    let mut issues = Vec::new();
    let c = month.competencia;
    if month.movement.competencia != c {
        issues.push(DomainIssue::error(
            "D910",
            "movimento.competencia",
            format!(
                "movimento de {} em um cálculo da competência {c}",
                month.movement.competencia
            ),
        ));
    }
    for (i, k) in month.contracts.iter().enumerate() {
        if cfg.institution(&k.institution).is_none() {
            issues.push(DomainIssue::error(
                "D911",
                format!("contratos[{i}].instituicao"),
                format!(
                    "contrato {} de instituição '{}' não configurada",
                    k.number, k.institution
                ),
            ));
        }
    }
    for (i, p) in month.open_provisions.iter().enumerate() {
        if cfg.institution(&p.institution).is_none() {
            issues.push(DomainIssue::error(
                "D911",
                format!("provisoes_abertas[{i}].instituicao"),
                format!(
                    "provisão de instituição '{}' não configurada",
                    p.institution
                ),
            ));
        }
    }
    if let Some(t) = &month.termination {
        if Competencia::of_date(t.date).ok() != Some(c) {
            issues.push(DomainIssue::error(
                "D912",
                "rescisao.data",
                format!(
                    "desligamento em {} fora da competência {c}",
                    t.date.format("%d/%m/%Y")
                ),
            ));
        }
        if t.movement.competencia != c {
            issues.push(DomainIssue::error(
                "D912",
                "rescisao.movimento.competencia",
                format!(
                    "movimento da rescisão de {} em um cálculo da competência {c}",
                    t.movement.competencia
                ),
            ));
        }
    }
    for (i, v) in month.vacations.iter().enumerate() {
        if v.end < v.start {
            issues.push(DomainIssue::error(
                "D501",
                format!("ferias[{i}].fim"),
                format!(
                    "fim do gozo {} anterior ao início {}",
                    v.end.format("%d/%m/%Y"),
                    v.start.format("%d/%m/%Y")
                ),
            ));
        }
    }
    issues
}

/// Fills `installments` with the installment of each institution in the competência
/// (configuration order), and `claims` with the claims of every institution (configuration
/// order, then contract order).
fn monthly_claims<'a>(
    cfg: &'a Config,
    month: &'a EmployeeMonth,
    installments: &mut SmallVec<Decimal, 4>,
    claims: &mut Claims<'a>,
) -> Result<(), DomainError> {
    let c = month.competencia;
    for (index, inst) in cfg.instituicoes.iter().enumerate() {
        let first = claims.len();
        for k in month.contracts.iter().filter(|k| k.institution == inst.id) {
            if k.installments.iter().any(|i| i.competencia == c) {
                claims.push(ClaimRef {
                    contract: &k.number,
                    institution: &inst.id,
                    index,
                    start: k.start,
                    installment: k.installment_for(c)?,
                });
            }
        }
        if claims.len() == first {
            if let Some(code) = inst
                .evento_439
                .as_deref()
                .filter(|code| month.movement.events.iter().any(|e| e.code == *code))
            {
                claims.push(ClaimRef {
                    contract: code,
                    institution: &inst.id,
                    index,
                    start: None,
                    installment: month.movement.event_value(code)?,
                });
            }
        }
        installments.push(arith::sum(
            claims[first..].iter().map(|m| m.installment),
            "parcelas da instituição",
        )?);
    }
    Ok(())
}

// Inlined into its one caller, so that the result is built where the caller returns it.
#[inline(always)]
fn compute(
    config: &CompiledConfig,
    month: &EmployeeMonth,
    options: ComputeOptions,
) -> Result<EmployeeResult, Vec<DomainIssue>> {
    let cfg = config.config();
    let c = month.competencia;
    let rules = cfg.arredondamento.rules();
    let explain = options.explanations;
    let salary = Some(month.employee.salary);
    let mut warnings = Vec::new();
    let terminated = month.termination.as_ref();

    // Margem consignável (444).
    let net = tri!(config.net_pay(&month.movement));
    let rd = tri!(month
        .movement
        .available_remuneration(cfg.margem.excluir_nao_habituais));
    let consistency = consistency::check(&month.employee, c);
    let eligibility = margin::check_eligibility(
        &month.employee,
        net,
        terminated.map(|t| t.date),
        c,
        &cfg.elegibilidade,
    );
    let formula = match (&config.margin_formula, eligibility.is_eligible()) {
        (Some(f), true) => Some(tri!(f.evaluate(
            &FormulaInputs {
                competencia: c,
                movement: &month.movement,
                event_override: None,
                variables: Variables {
                    l: Some(net),
                    rc: salary,
                    rd,
                    margem: None,
                },
                history: &month.history,
            },
            options.formula_traces,
        ))),
        _ => None,
    };
    let margin = tri!(margin::compute(
        eligibility,
        &MarginInputs {
            net_pay: net,
            available_remuneration: rd,
            formula,
        },
        &cfg.margem,
        rules,
        explain,
    ));
    warnings.extend(margin.warnings.iter().cloned());
    let eligible = margin.eligibility.is_eligible();

    // Rateio.
    let mut rateio_issues = Vec::new();
    let rateio = if eligible {
        match rateio::apportion_with(
            margin.value,
            &cfg.rateio,
            &config.institution_ids,
            &month.employee.margin_distribution,
            rules,
            explain,
        ) {
            Ok(r) => {
                warnings.extend(r.warnings.iter().cloned());
                Some(r)
            }
            Err(issues) => {
                rateio_issues = issues;
                None
            }
        }
    } else {
        None
    };
    let send_margin = eligible && consistency.is_empty() && rateio.is_some();

    // Descontos mensais (438 ← 439).
    let mut installments = SmallVec::new();
    // The contracts of every institution (a formula institution's share its value).
    let mut claims = Claims::new();
    tri!(monthly_claims(cfg, month, &mut installments, &mut claims));
    let discounts = if terminated.is_none() {
        let base = tri!(margin::base_value(cfg.margem.base, net, rd));
        let cap = tri!(discount::legal_cap(base, cfg.desconto.percentual, rules));
        let mut formulas = FormulaValues::new();
        let mut l = net;
        for (i, inst) in cfg.instituicoes.iter().enumerate() {
            let Some(f) = config.discount_formulas.get(i).and_then(Option::as_ref) else {
                continue;
            };
            let installment = installments.get(i).copied().unwrap_or_default();
            let event_override = inst
                .evento_439
                .as_deref()
                .filter(|code| !month.movement.events.iter().any(|e| e.code == *code))
                .map(|code| (code, installment));
            let (value, trace) = tri!(f.evaluate(
                &FormulaInputs {
                    competencia: c,
                    movement: &month.movement,
                    event_override,
                    variables: Variables {
                        l: Some(l),
                        rc: salary,
                        rd,
                        margem: Some(margin.value),
                    },
                    history: &month.history,
                },
                options.formula_traces,
            ));
            l = tri!(arith::sub(
                l,
                fast::max_zero(value),
                "líquido após descontos"
            ));
            formulas.push(
                FormulaValue {
                    index: i,
                    installment,
                    value,
                },
                trace,
            );
        }
        let result = tri!(discount::combine(
            base,
            cap,
            cfg.desconto.percentual,
            &config.institutions_438,
            &mut formulas,
            &claims,
            Labels {
                discount_code: 438,
                base_code: 439,
                source: "SPEC §2.3; seed 002 (evento 438 calculado por fórmula sobre o 439); Lei 10.820/2003 art. 3 §4; Portaria MTE 435/2025 art. 30",
                explain,
            },
        ));
        warnings.extend(result.warnings.iter().cloned());
        let mut result = result;
        // Without any movement of the competência there was no payroll to discount from.
        if month.movement.net_pay.is_none() && month.movement.events.is_empty() {
            for k in &mut result.contracts {
                if k.reason == Some(ShortfallReason::SemRemuneracaoDisponivel) {
                    k.reason = Some(ShortfallReason::SemMovimento);
                }
            }
        }
        Some(result)
    } else {
        None
    };

    // Provisões de férias (453–456).
    let mirror_document = if terminated.is_some() {
        Document::Rescisao
    } else {
        Document::FolhaMensal
    };
    let mut provisions = Vec::new();
    let mut open_provisions = Vec::new();
    let fer = &cfg.ferias;
    for v in &month.vacations {
        let days = tri!(vacation::count_days(v, fer.incluir_abono));
        if days.first != c {
            continue;
        }
        for (i, inst) in cfg.instituicoes.iter().enumerate() {
            let current = installments.get(i).copied().unwrap_or_default();
            let base = match fer.base {
                ProvisionBase::ParcelaAtual => current,
                ProvisionBase::DescontoMesAnterior => {
                    let previous = previous_discount(cfg, month, inst.evento_438.as_deref());
                    match previous {
                        Some(p) if fast::is_positive(p) => p,
                        _ if fer.fallback_parcela_atual => current,
                        _ => Decimal::ZERO,
                    }
                }
            };
            if !fast::is_positive(base) {
                continue;
            }
            let split = tri!(vacation::split(
                base,
                days.d1,
                days.d2,
                cfg.arredondamento.provision()
            ));
            // 453 and 454 on the vacation receipt, 455 mirroring 453 in the month's envelope.
            provisions.reserve(3);
            for (code, event, document, value) in [
                (453, &fer.evento_453, Document::ReciboFerias, split.first),
                (454, &fer.evento_454, Document::ReciboFerias, split.second),
                (455, &fer.evento_455, mirror_document, split.first),
            ] {
                provisions.push(ProvisionLine {
                    calc_code: code,
                    event: event.clone(),
                    institution: inst.id.clone(),
                    competencia: c,
                    document,
                    value,
                    explanation: if !explain {
                        Explanation::off(value)
                    } else if code == 455 {
                        Explanation::new(
                            "ferias.455",
                            "SPEC §2.5; seed 002 (455 espelha o 453 no envelope do mês das férias)",
                            "455 = 453, no envelope do mês das férias",
                            split.first,
                        )
                        .with("provisao_453", split.first)
                    } else {
                        vacation::provision_explanation(base, &days, &split, code, explain)
                    },
                });
            }
            if terminated.is_some() || fast::is_positive(split.second) {
                let open = OpenProvision {
                    institution: inst.id.clone(),
                    origin: c,
                    return_competencia: days.second,
                    value: split.second,
                };
                if terminated.is_some() {
                    provisions.extend(rescission::return_open_provisions(
                        std::slice::from_ref(&open),
                        c,
                        fer.evento_456.as_deref(),
                        explain,
                    ));
                } else {
                    open_provisions.push(open);
                }
            }
        }
    }
    let mut returned_in_rescission = Vec::new();
    if terminated.is_none() {
        let due = month.open_provisions.iter();
        provisions.reserve(due.filter(|p| p.return_competencia <= c).count());
    }
    for p in &month.open_provisions {
        if terminated.is_some() {
            returned_in_rescission.push(p.clone());
        } else if p.return_competencia <= c {
            if p.return_competencia < c {
                warnings.push(DomainIssue::warning(
                    "D502",
                    "provisoes_abertas",
                    format!(
                        "provisão 454 de {} prevista para {} devolvida com atraso em {c}",
                        p.origin, p.return_competencia
                    ),
                ));
            }
            let explanation = if explain {
                Explanation::new(
                    "ferias.456",
                    "SPEC §2.5; seed 002 (456 espelha o 454 no envelope do mês seguinte)",
                    format!("456 = 454 do recibo de férias de {}", p.origin),
                    p.value,
                )
                .with("provisao_454", p.value)
            } else {
                Explanation::off(p.value)
            };
            provisions.push(ProvisionLine {
                calc_code: 456,
                event: fer.evento_456.clone(),
                institution: p.institution.clone(),
                competencia: c,
                document: Document::FolhaMensal,
                value: p.value,
                explanation,
            });
        } else {
            open_provisions.push(p.clone());
        }
    }

    // Rescisão (442 ← 443).
    let rescission = match terminated {
        None => None,
        Some(t) => {
            let r_net = tri!(config.net_pay(&t.movement));
            let r_rd = tri!(t
                .movement
                .available_remuneration(cfg.margem.excluir_nao_habituais));
            let base = tri!(margin::base_value(cfg.margem.base, r_net, r_rd));
            let cap = tri!(discount::legal_cap(base, cfg.rescisao.percentual, rules));
            let mut formulas = FormulaValues::new();
            let mut l = r_net;
            for (i, inst) in cfg.instituicoes.iter().enumerate() {
                if let Some(f) = config.rescission_formulas.get(i).and_then(Option::as_ref) {
                    let amount = tri!(rescission::informed_amount(
                        &inst.id,
                        inst.evento_443.as_deref(),
                        &t.movement,
                        &month.contracts,
                        c,
                        cfg.rescisao.valor_informado,
                    ));
                    let (value, trace) = tri!(f.evaluate(
                        &FormulaInputs {
                            competencia: c,
                            movement: &t.movement,
                            event_override: inst.evento_443.as_deref().map(|code| (code, amount)),
                            variables: Variables {
                                l: Some(l),
                                rc: salary,
                                rd: r_rd,
                                margem: Some(margin.value),
                            },
                            history: &month.history,
                        },
                        options.formula_traces,
                    ));
                    l = tri!(arith::sub(
                        l,
                        fast::max_zero(value),
                        "líquido da rescisão após descontos",
                    ));
                    formulas.push(
                        FormulaValue {
                            index: i,
                            installment: amount,
                            value,
                        },
                        trace,
                    );
                }
            }
            let mut claims = Claims::new();
            tri!(rescission::claim_refs(
                cfg.instituicoes.iter().enumerate().map(|(i, inst)| (
                    i,
                    inst.id.as_str(),
                    inst.evento_443.as_deref()
                )),
                &t.movement,
                &month.contracts,
                c,
                cfg.rescisao.valor_informado,
                &mut claims,
            ));
            let result = tri!(discount::combine(
                base,
                cap,
                cfg.rescisao.percentual,
                &config.institutions_442,
                &mut formulas,
                &claims,
                Labels {
                    discount_code: 442,
                    base_code: 443,
                    source: "SPEC §2.4; seed 002 (evento 442 calculado por fórmula sobre o 443); Lei 10.820/2003 art. 1 §1; MTE, Manual do Crédito do Trabalhador pp. 40–41",
                    explain,
                },
            ));
            warnings.extend(result.warnings.iter().cloned());
            let mut result = result;
            // In the rescission every cap shortfall is the termination pay's.
            for k in &mut result.contracts {
                if k.reason.is_some() && k.rule == DiscountRule::RegraLegal {
                    k.reason = Some(ShortfallReason::RescisaoInsuficiente);
                }
            }
            Some(RescissionResult {
                date: t.date,
                competencia: c,
                discounts: result,
                returned_provisions: rescission::return_open_provisions(
                    &returned_in_rescission,
                    c,
                    fer.evento_456.as_deref(),
                    explain,
                ),
            })
        }
    };

    // Every event value, in the order the payroll posts them: 444, 438, 442, 453–456.
    let monthly = discounts.iter().flat_map(|d| d.institutions.iter());
    let rescinded = rescission
        .iter()
        .flat_map(|r| r.discounts.institutions.iter());
    let returned = rescission.iter().flat_map(|r| r.returned_provisions.iter());
    let mut events = Vec::with_capacity(
        usize::from(eligible)
            + monthly.clone().count()
            + rescinded.clone().count()
            + provisions.len()
            + returned.clone().count(),
    );
    if eligible {
        events.push(OutputEvent {
            calc_code: 444,
            event: cfg.margem.evento.clone(),
            institution: None,
            kind: EventKind::BaseDeCalculo,
            document: Document::FolhaMensal,
            competencia: c,
            value: margin.value,
        });
    }
    let discount_events = monthly
        .map(|d| (438, Document::FolhaMensal, d))
        .chain(rescinded.map(|d| (442, Document::Rescisao, d)));
    for (calc_code, document, d) in discount_events {
        events.push(OutputEvent {
            calc_code,
            event: d.event.clone(),
            institution: Some(d.institution.clone()),
            kind: EventKind::Desconto,
            document,
            competencia: c,
            value: d.discount,
        });
    }
    for p in provisions.iter().chain(returned) {
        events.push(OutputEvent {
            calc_code: p.calc_code,
            event: p.event.clone(),
            institution: Some(p.institution.clone()),
            kind: if p.calc_code >= 455 {
                EventKind::Provento
            } else {
                EventKind::Desconto
            },
            document: p.document,
            competencia: p.competencia,
            value: p.value,
        });
    }
    Ok(EmployeeResult {
        matricula: month.employee.matricula.clone(),
        competencia: c,
        consistency,
        send_margin,
        margin,
        rateio,
        rateio_issues,
        discounts,
        provisions,
        open_provisions,
        rescission,
        events,
        warnings,
    })
}

/// The institution's 438 of the previous competência, from the history.
fn previous_discount(
    cfg: &Config,
    month: &EmployeeMonth,
    event_438: Option<&str>,
) -> Option<Decimal> {
    let previous = month.competencia.previous()?;
    let code = event_438?;
    month
        .history
        .iter()
        .filter(|m| m.competencia == previous)
        .filter(|m| cfg.periodo.is_none_or(|p| p == m.periodo))
        .find_map(|m| m.events.get(code).copied())
}
