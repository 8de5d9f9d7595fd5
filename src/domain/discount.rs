//! Desconto das parcelas — 438 ← 439, and the legal cap (SPEC §2.3).
//!
//! Per institution, in configuration order (the order RM calculates its events by priority):
//!
//! - **With a 438 formula**, the discount is the formula's value (SPEC §1.6 rounding), where
//!   `C('<439 event>')` is the institution's installment and `L` is the líquido of the movement
//!   *after* the discounts of the institutions calculated before it (RM's `L` is the net pay at
//!   the moment the event is calculated). A negative value becomes 0 (`D401`). Seed formula:
//!   `SE C('0439') > 0 ENTAO SE C('0439') >= (L*0.3) ENTAO L*0.3 SENAO C('0439') FIMSE`,
//!   C = 500.00, L = 1 200.00 → 360.00.
//! - **Without**, the legal rule (Lei 10.820/2003 art. 3 §4; Portaria MTE 435/2025 arts. 7 and
//!   30; consignado-law R4, R14–R16): the discounts of all of an employee's contracts add up to
//!   at most `cap = percentual × base` (35 % of the base of §2.1, rounded down to the centavo,
//!   never negative). Contracts are served **oldest first** (start/averbação date), ties by the
//!   smaller installment, then by contract number (O4); each gets `min(installment, what is
//!   left)`, so the marginal contract is discounted partially (O3). What is not discounted is
//!   reported per contract (`nao_descontado`): the worker pays the bank directly; nothing is
//!   carried to the next month (R15).
//!
//! Mixed configurations: the formula institutions are computed first (an event formula has
//! priority over the calculation code in RM) and their discounts consume the legal cap before
//! the legal rule serves the others; if they alone exceed the cap, warning `D402` says so and
//! their values stand (the company's formula is its decision).
//!
//! Where the installments come from: the loan contracts of the competência (the Arquivo de
//! Empréstimos); an institution without contracts but with its 439 event in the movement is one
//! claim of that amount, without a date (served after dated contracts).

use super::error::{arith, DomainError, DomainIssue};
use super::explain::{Explanation, FormulaTrace};
use super::fast;
use super::small::SmallVec;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// An installment to discount (or, in the rescission, an amount informed by an institution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Contract number (or the 439/443 event code when the amount comes from the movement).
    pub contract: String,
    /// Institution id.
    pub institution: String,
    /// Start/averbação date (seniority key); `None` sorts last.
    #[serde(with = "super::serde_util::opt_date")]
    pub start: Option<NaiveDate>,
    /// Installment (parcela) or informed amount.
    #[serde(with = "super::serde_util::dec")]
    pub installment: Decimal,
}

/// The discount of one contract under the legal rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDiscount {
    /// Contract number.
    pub contract: String,
    /// Institution id.
    pub institution: String,
    /// Start date.
    #[serde(with = "super::serde_util::opt_date")]
    pub start: Option<NaiveDate>,
    /// Parcela.
    #[serde(with = "super::serde_util::dec")]
    pub installment: Decimal,
    /// Valor descontado.
    #[serde(with = "super::serde_util::dec")]
    pub discount: Decimal,
    /// Valor não descontado (the worker pays the bank directly; no carry-over).
    #[serde(with = "super::serde_util::dec")]
    pub shortfall: Decimal,
    /// How the institution's discount was produced (the legal rule, or its formula's total
    /// split over its contracts oldest first).
    pub rule: DiscountRule,
    /// Why the discount is less than the installment (`None` when it is the whole installment).
    pub reason: Option<ShortfallReason>,
}

/// Why a contract's discount is less than its installment (docs/credito-trabalhador.md §3): the MTE audits every
/// employer that had a contract and discounted less, so every partial or zero discount carries
/// one of these stable codes (`motivo` in the outputs) with its Portuguese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallReason {
    /// No closed movement (payroll) of the employee in the competência: nothing to discount from.
    SemMovimento,
    /// The base of the cap (remuneração disponível, or líquido) is zero or negative.
    SemRemuneracaoDisponivel,
    /// The contract, served first, is larger than the whole cap: partial discount.
    ParcelaAcimaDaMargem,
    /// Older contracts (or the institutions' formulas, calculated first) used the cap.
    MargemUsadaPorContratosAnteriores,
    /// The institution's own 438/442 formula discounted less than its installments.
    FormulaDaInstituicao,
    /// In the rescission: the termination pay's cap does not hold the amount.
    RescisaoInsuficiente,
}

impl ShortfallReason {
    /// Every reason, in documentation order.
    pub const ALL: [ShortfallReason; 6] = [
        ShortfallReason::SemMovimento,
        ShortfallReason::SemRemuneracaoDisponivel,
        ShortfallReason::ParcelaAcimaDaMargem,
        ShortfallReason::MargemUsadaPorContratosAnteriores,
        ShortfallReason::FormulaDaInstituicao,
        ShortfallReason::RescisaoInsuficiente,
    ];

    /// The stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            ShortfallReason::SemMovimento => "sem_movimento",
            ShortfallReason::SemRemuneracaoDisponivel => "sem_remuneracao_disponivel",
            ShortfallReason::ParcelaAcimaDaMargem => "parcela_acima_da_margem",
            ShortfallReason::MargemUsadaPorContratosAnteriores => {
                "margem_usada_por_contratos_anteriores"
            }
            ShortfallReason::FormulaDaInstituicao => "formula_da_instituicao",
            ShortfallReason::RescisaoInsuficiente => "rescisao_insuficiente",
        }
    }

    /// The Portuguese text.
    pub fn text(self) -> &'static str {
        match self {
            ShortfallReason::SemMovimento => {
                "sem folha do funcionário na competência: não há de onde descontar"
            }
            ShortfallReason::SemRemuneracaoDisponivel => {
                "sem remuneração disponível (base zero ou negativa): nada pode ser descontado"
            }
            ShortfallReason::ParcelaAcimaDaMargem => {
                "a parcela excede o limite de 35 % da remuneração disponível: desconto parcial, o trabalhador paga a diferença à instituição"
            }
            ShortfallReason::MargemUsadaPorContratosAnteriores => {
                "o limite foi consumido por contratos mais antigos (Lei 10.820/2003 art. 3 §4): o trabalhador paga a diferença à instituição"
            }
            ShortfallReason::FormulaDaInstituicao => {
                "a fórmula de desconto da instituição resultou em menos que a parcela"
            }
            ShortfallReason::RescisaoInsuficiente => {
                "desligado: o limite sobre as verbas rescisórias não comporta o valor, o saldo segue com a instituição"
            }
        }
    }
}

#[cfg(test)]
mod reason_tests {
    use super::ShortfallReason;

    #[test]
    fn reason_codes_are_stable_and_texts_fit_a_csv_field() {
        for r in ShortfallReason::ALL {
            assert_eq!(r.code().parse::<ShortfallReason>(), Ok(r));
            assert!(
                !r.text().contains(';') && !r.text().contains('"'),
                "{}",
                r.code()
            );
            assert!(r
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }
}

impl std::str::FromStr for ShortfallReason {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ShortfallReason::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or(())
    }
}

/// `max(0, round(percentual × base))`: the legal cap with the rules' policy (down by default).
pub fn legal_cap(
    base: Decimal,
    percentual: Decimal,
    rounding: crate::money::RoundingPolicy,
) -> Result<Decimal, DomainError> {
    let raw = arith::mul(percentual, base, "teto legal")?;
    Ok(fast::round(rounding, fast::max_zero(raw)))
}

/// Seniority order of Lei 10.820 art. 3 §4: start date ascending (unknown last), then the
/// smaller installment, then contract number, then institution.
pub fn seniority_cmp(a: &Claim, b: &Claim) -> Ordering {
    seniority(
        (a.start, a.installment, &a.contract, &a.institution),
        (b.start, b.installment, &b.contract, &b.institution),
    )
}

/// [`seniority_cmp`] on the keys (start, installment, contract, institution).
fn seniority(
    a: (Option<NaiveDate>, Decimal, &str, &str),
    b: (Option<NaiveDate>, Decimal, &str, &str),
) -> Ordering {
    let date = match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    date.then_with(|| a.1.cmp(&b.1))
        .then_with(|| a.2.cmp(b.2))
        .then_with(|| a.3.cmp(b.3))
}

/// Serves `claims` oldest first within `cap`: each gets `min(installment, what is left)`.
/// Negative installments count as 0; a negative cap as 0. Returned in the order served.
pub fn allocate(cap: Decimal, claims: &[Claim]) -> Result<Vec<ContractDiscount>, DomainError> {
    let refs: Vec<ClaimRef<'_>> = claims
        .iter()
        .map(|c| ClaimRef {
            contract: &c.contract,
            institution: &c.institution,
            index: 0,
            start: c.start,
            installment: c.installment,
        })
        .collect();
    allocate_refs(cap, cap, &refs, DiscountRule::RegraLegal).map(|(contracts, _)| contracts)
}

/// A [`Claim`] borrowed from the configuration and the employee's month, with the position of
/// its institution in the configuration (what the engine works on; only the contracts served
/// are copied into the result).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClaimRef<'a> {
    /// Contract number (or the 439/443 event code).
    pub contract: &'a str,
    /// Institution id.
    pub institution: &'a str,
    /// Position of the institution in the configuration.
    pub index: usize,
    /// Start/averbação date.
    pub start: Option<NaiveDate>,
    /// Installment or informed amount.
    pub installment: Decimal,
}

/// Claims of one employee and document, kept inline up to a typical count.
pub(crate) type Claims<'a> = SmallVec<ClaimRef<'a>, 8>;

/// Institution positions of the contracts served, parallel to the contracts.
pub(crate) type ServedIndexes = SmallVec<usize, 8>;

/// [`allocate`] on borrowed claims; also returns each served contract's institution position.
/// `full_cap` is the cap before anything was taken from it (formula institutions are served
/// first): it tells a contract that meets a used cap from one larger than the whole cap.
pub(crate) fn allocate_refs(
    cap: Decimal,
    full_cap: Decimal,
    claims: &[ClaimRef<'_>],
    rule: DiscountRule,
) -> Result<(Vec<ContractDiscount>, ServedIndexes), DomainError> {
    // A stable sort of the positions: the same order as a stable sort of the claims.
    let mut ordered: SmallVec<usize, 8> = (0..claims.len()).collect();
    ordered.as_mut_slice().sort_by(|&a, &b| {
        let (a, b) = (&claims[a], &claims[b]);
        seniority(
            (a.start, a.installment, a.contract, a.institution),
            (b.start, b.installment, b.contract, b.institution),
        )
    });
    let mut left = fast::max_zero(cap);
    let mut out = Vec::with_capacity(claims.len());
    let mut indexes = ServedIndexes::new();
    for &i in ordered.as_slice() {
        let c = &claims[i];
        let installment = fast::max_zero(c.installment);
        let discount = installment.min(left);
        let reason = if discount >= installment {
            None
        } else if rule == DiscountRule::Formula {
            Some(ShortfallReason::FormulaDaInstituicao)
        } else if !fast::is_positive(full_cap) {
            Some(ShortfallReason::SemRemuneracaoDisponivel)
        } else if left >= full_cap {
            Some(ShortfallReason::ParcelaAcimaDaMargem)
        } else {
            Some(ShortfallReason::MargemUsadaPorContratosAnteriores)
        };
        left = arith::sub(left, discount, "teto restante")?;
        out.push(ContractDiscount {
            contract: c.contract.to_owned(),
            institution: c.institution.to_owned(),
            start: c.start,
            installment,
            discount,
            shortfall: arith::sub(installment, discount, "valor não descontado")?,
            rule,
            reason,
        });
        indexes.push(c.index);
    }
    Ok((out, indexes))
}

/// How an institution's discount was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountRule {
    /// The institution's formula (438 or 442).
    Formula,
    /// The legal rule (cap, seniority).
    RegraLegal,
}

/// One institution's discount (its 438 or 442 event value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionDiscount {
    /// Institution id.
    pub institution: String,
    /// Event code of the discount (438 or 442 of the institution), if configured.
    pub event: Option<String>,
    /// Installment or informed amount (439 or 443).
    #[serde(with = "super::serde_util::dec")]
    pub installment: Decimal,
    /// Valor descontado (the event's value).
    #[serde(with = "super::serde_util::dec")]
    pub discount: Decimal,
    /// Valor não descontado.
    #[serde(with = "super::serde_util::dec")]
    pub shortfall: Decimal,
    /// Rule.
    pub rule: DiscountRule,
    /// How.
    pub explanation: Explanation,
}

/// A formula institution's result, as evaluated by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaDiscount {
    /// Institution id.
    pub institution: String,
    /// Event code of the discount.
    pub event: Option<String>,
    /// Installment (the 439/443 value the formula read).
    pub installment: Decimal,
    /// Formula value, rounded as money.
    pub value: Decimal,
    /// Trace.
    pub trace: Option<FormulaTrace>,
}

/// A formula institution's value as the engine hands it to [`combine`] (the owned shape is
/// [`FormulaDiscount`]; the trace, if any, is kept in [`FormulaValues`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FormulaValue {
    /// Position of the institution in the configuration.
    pub index: usize,
    /// Installment (the 439/443 value the formula read).
    pub installment: Decimal,
    /// Formula value, rounded as money.
    pub value: Decimal,
}

/// One institution's amounts in [`combine`].
#[derive(Debug, Clone, Copy, Default)]
struct Amounts {
    installment: Decimal,
    discount: Decimal,
    shortfall: Decimal,
    /// Position of the institution's value among the formula values, if it has a formula.
    formula: Option<usize>,
}

/// The formula values of one document, in configuration order, with their traces.
#[derive(Debug)]
pub(crate) struct FormulaValues {
    values: SmallVec<FormulaValue, 4>,
    /// (position in `values`, trace) of the values evaluated with a trace.
    traces: Vec<(usize, Option<FormulaTrace>)>,
}

impl FormulaValues {
    /// None yet.
    pub(crate) fn new() -> Self {
        FormulaValues {
            values: SmallVec::new(),
            traces: Vec::new(),
        }
    }

    /// Appends the next formula institution's value and trace.
    pub(crate) fn push(&mut self, value: FormulaValue, trace: Option<FormulaTrace>) {
        if trace.is_some() {
            self.traces.push((self.values.len(), trace));
        }
        self.values.push(value);
    }

    /// Takes the trace of the value at `position`.
    fn take_trace(&mut self, position: usize) -> Option<FormulaTrace> {
        self.traces
            .iter_mut()
            .find(|(p, _)| *p == position)
            .and_then(|(_, t)| t.take())
    }
}

/// All discounts of an employee in one document (monthly payroll or rescission).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountResult {
    /// Base of the cap (líquido or remuneração disponível).
    #[serde(with = "super::serde_util::dec")]
    pub base: Decimal,
    /// Legal cap for all discounts together.
    #[serde(with = "super::serde_util::dec")]
    pub cap: Decimal,
    /// Per institution, in configuration order.
    pub institutions: Vec<InstitutionDiscount>,
    /// Per contract: the legal rule's in the order served, then each formula institution's.
    pub contracts: Vec<ContractDiscount>,
    /// Warnings.
    pub warnings: Vec<DomainIssue>,
    /// The cap, explained.
    pub explanation: Explanation,
}

impl DiscountResult {
    /// Sum of all discounts.
    pub fn total(&self) -> Result<Decimal, DomainError> {
        arith::sum(
            self.institutions.iter().map(|i| i.discount),
            "total de descontos",
        )
    }
}

/// Names for messages and explanations: which code pair, which source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Labels {
    pub discount_code: u16,
    pub base_code: u16,
    pub source: &'static str,
    /// Build the explanations; false records [`Explanation::off`] placeholders.
    pub explain: bool,
}

/// Combines formula discounts and legal-rule claims under one cap (module docs).
///
/// `institutions` lists every institution (id, discount event) in configuration order; a
/// formula institution appears in `formulas` (by position, ascending). `claims` holds the
/// contracts of every institution: those of the legal rule are served under the cap, those of
/// a formula institution share its formula's value, oldest first, so that every contract has
/// its own result.
pub(crate) fn combine(
    base: Decimal,
    cap: Decimal,
    percentual: Decimal,
    institutions: &[(String, Option<String>)],
    formulas: &mut FormulaValues,
    claims: &[ClaimRef<'_>],
    labels: Labels,
) -> Result<DiscountResult, DomainError> {
    let explain = labels.explain;
    let mut warnings = Vec::new();
    let mut formula_total = Decimal::ZERO;
    // The value each formula institution is discounted (a negative formula value is 0).
    let mut values: SmallVec<Decimal, 4> = SmallVec::new();
    for f in formulas.values.as_slice() {
        let value = if fast::is_negative(f.value) {
            let id = institutions.get(f.index).map_or("", |(id, _)| id.as_str());
            warnings.push(DomainIssue::warning(
                "D401",
                format!("instituicoes.{id}.formula_{}", labels.discount_code),
                format!(
                    "a fórmula {} da instituição '{id}' resultou em {}, negativo: desconto 0,00",
                    labels.discount_code, f.value
                ),
            ));
            Decimal::ZERO
        } else {
            f.value
        };
        formula_total = arith::add(formula_total, value, "descontos por fórmula")?;
        values.push(value);
    }
    if formula_total > cap && !formulas.values.is_empty() {
        warnings.push(DomainIssue::warning(
            "D402",
            "desconto",
            format!(
                "os descontos por fórmula somam {formula_total}, acima do teto legal {cap}: mantidos, verifique as fórmulas"
            ),
        ));
    }
    let remaining = fast::max_zero(arith::sub(cap, formula_total, "teto restante")?);
    let is_formula = |index: usize| formulas.values.as_slice().iter().any(|f| f.index == index);
    let (mut contracts, mut served) = if formulas.values.is_empty() {
        allocate_refs(remaining, cap, claims, DiscountRule::RegraLegal)?
    } else {
        let legal: Claims<'_> = claims
            .iter()
            .filter(|c| !is_formula(c.index))
            .copied()
            .collect();
        allocate_refs(remaining, cap, legal.as_slice(), DiscountRule::RegraLegal)?
    };
    // Each formula institution's value split over its own contracts, oldest first.
    for (position, f) in formulas.values.as_slice().iter().enumerate() {
        let mine: Claims<'_> = claims
            .iter()
            .filter(|c| c.index == f.index)
            .copied()
            .collect();
        if mine.is_empty() {
            continue;
        }
        let (split, indexes) = allocate_refs(
            values[position],
            values[position],
            mine.as_slice(),
            DiscountRule::Formula,
        )?;
        contracts.extend(split);
        for &i in indexes.as_slice() {
            served.push(i);
        }
    }

    // The amounts of each institution first (every fallible step, in configuration order),
    // then the records, written straight into the list.
    let mut amounts: SmallVec<Amounts, 4> = SmallVec::new();
    let mut next = 0;
    for i in 0..institutions.len() {
        if let Some(&f) = formulas.values.get(next).filter(|f| f.index == i) {
            let value = values[next];
            amounts.push(Amounts {
                installment: f.installment,
                discount: value,
                shortfall: fast::max_zero(arith::sub(
                    f.installment,
                    value,
                    "valor não descontado",
                )?),
                formula: Some(next),
            });
            next += 1;
            continue;
        }
        let mine = || {
            contracts
                .iter()
                .zip(served.as_slice())
                .filter(move |(_, &index)| index == i)
                .map(|(c, _)| c)
        };
        amounts.push(Amounts {
            installment: arith::sum(mine().map(|c| c.installment), "parcelas")?,
            discount: arith::sum(mine().map(|c| c.discount), "descontos")?,
            shortfall: arith::sum(mine().map(|c| c.shortfall), "não descontado")?,
            formula: None,
        });
    }
    let mut out = Vec::with_capacity(institutions.len());
    out.extend(institutions.iter().zip(amounts.as_slice()).enumerate().map(
        |(i, ((id, event), a))| InstitutionDiscount {
            institution: id.clone(),
            event: event.clone(),
            installment: a.installment,
            discount: a.discount,
            shortfall: a.shortfall,
            rule: if a.formula.is_some() {
                DiscountRule::Formula
            } else {
                DiscountRule::RegraLegal
            },
            explanation: match a.formula {
                _ if !explain => Explanation::off(a.discount),
                Some(position) => formula_explanation(labels, a.discount)
                    .with(&format!("valor_{}", labels.base_code), a.installment)
                    .with("valor_formula", formulas.values[position].value)
                    .with_formula(formulas.take_trace(position)),
                None => {
                    let mut e = Explanation::new(
                        &format!("desconto.{}.regra_legal", labels.discount_code),
                        labels.source,
                        format!(
                            "regra legal: contratos do mais antigo ao mais novo, cada um min(parcela, teto restante) dentro de {} % da base",
                            super::margin::percent_text(percentual)
                        ),
                        a.discount,
                    )
                    .with(&format!("valor_{}", labels.base_code), a.installment)
                    .with("teto", cap)
                    .with("teto_apos_formulas", remaining);
                    let mine = contracts.iter().zip(served.as_slice());
                    for (c, _) in mine.filter(|(_, &index)| index == i) {
                        e = e.with(&format!("contrato {} descontado", c.contract), c.discount);
                    }
                    e
                }
            },
        },
    ));
    let explanation = if explain {
        Explanation::new(
            "desconto.teto_legal",
            "Lei 10.820/2003 art. 2 §2 e art. 3 §4; Portaria MTE 435/2025 arts. 7 e 30",
            format!(
                "teto = {} % da base, arredondado ao centavo, nunca negativo",
                super::margin::percent_text(percentual)
            ),
            cap,
        )
        .with("base", base)
        .with("percentual", percentual)
    } else {
        Explanation::off(cap)
    };
    Ok(DiscountResult {
        base,
        cap,
        institutions: out,
        contracts,
        warnings,
        explanation,
    })
}

/// The explanation of a formula discount (its inputs are added by the caller).
fn formula_explanation(labels: Labels, value: Decimal) -> Explanation {
    Explanation::new(
        &format!("desconto.{}.formula", labels.discount_code),
        labels.source,
        format!(
            "valor da fórmula do evento {} sobre o {} da instituição, arredondado a 2 casas; negativo vira 0",
            labels.discount_code, labels.base_code
        ),
        value,
    )
}
