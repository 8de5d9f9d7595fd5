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
}

/// `max(0, round(percentual × base))`: the legal cap with the rules' policy (down by default).
pub fn legal_cap(
    base: Decimal,
    percentual: Decimal,
    rounding: crate::money::RoundingPolicy,
) -> Result<Decimal, DomainError> {
    let raw = arith::mul(percentual, base, "teto legal")?;
    Ok(rounding.round(raw.max(Decimal::ZERO)))
}

/// Seniority order of Lei 10.820 art. 3 §4: start date ascending (unknown last), then the
/// smaller installment, then contract number, then institution.
pub fn seniority_cmp(a: &Claim, b: &Claim) -> Ordering {
    let date = match (a.start, b.start) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    date.then(a.installment.cmp(&b.installment))
        .then_with(|| a.contract.cmp(&b.contract))
        .then_with(|| a.institution.cmp(&b.institution))
}

/// Serves `claims` oldest first within `cap`: each gets `min(installment, what is left)`.
/// Negative installments count as 0; a negative cap as 0. Returned in the order served.
pub fn allocate(cap: Decimal, claims: &[Claim]) -> Result<Vec<ContractDiscount>, DomainError> {
    let mut ordered: Vec<&Claim> = claims.iter().collect();
    ordered.sort_by(|a, b| seniority_cmp(a, b));
    let mut left = cap.max(Decimal::ZERO);
    let mut out = Vec::with_capacity(ordered.len());
    for c in ordered {
        let installment = c.installment.max(Decimal::ZERO);
        let discount = installment.min(left);
        left = arith::sub(left, discount, "teto restante")?;
        out.push(ContractDiscount {
            contract: c.contract.clone(),
            institution: c.institution.clone(),
            start: c.start,
            installment,
            discount,
            shortfall: arith::sub(installment, discount, "valor não descontado")?,
        });
    }
    Ok(out)
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
    /// Per contract, in the order served (legal rule only).
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
/// formula institution appears in `formulas`, the others have their claims in `claims`.
pub(crate) fn combine(
    base: Decimal,
    cap: Decimal,
    percentual: Decimal,
    institutions: &[(String, Option<String>)],
    formulas: Vec<FormulaDiscount>,
    claims: &[Claim],
    labels: Labels,
) -> Result<DiscountResult, DomainError> {
    let explain = labels.explain;
    let mut warnings = Vec::new();
    let mut formula_total = Decimal::ZERO;
    let mut formula_results = Vec::new();
    for f in formulas {
        let value = if f.value < Decimal::ZERO {
            warnings.push(DomainIssue::warning(
                "D401",
                format!(
                    "instituicoes.{}.formula_{}",
                    f.institution, labels.discount_code
                ),
                format!(
                    "a fórmula {} da instituição '{}' resultou em {}, negativo: desconto 0,00",
                    labels.discount_code, f.institution, f.value
                ),
            ));
            Decimal::ZERO
        } else {
            f.value
        };
        formula_total = arith::add(formula_total, value, "descontos por fórmula")?;
        formula_results.push((f, value));
    }
    if formula_total > cap && !formula_results.is_empty() {
        warnings.push(DomainIssue::warning(
            "D402",
            "desconto",
            format!(
                "os descontos por fórmula somam {formula_total}, acima do teto legal {cap}: mantidos, verifique as fórmulas"
            ),
        ));
    }
    let remaining = arith::sub(cap, formula_total, "teto restante")?.max(Decimal::ZERO);
    let contracts = allocate(remaining, claims)?;

    let mut out = Vec::with_capacity(institutions.len());
    for (id, event) in institutions {
        if let Some(pos) = formula_results
            .iter()
            .position(|(f, _)| f.institution == *id)
        {
            let (f, value) = formula_results.remove(pos);
            let shortfall =
                arith::sub(f.installment, value, "valor não descontado")?.max(Decimal::ZERO);
            out.push(InstitutionDiscount {
                institution: id.clone(),
                event: event.clone(),
                installment: f.installment,
                discount: value,
                shortfall,
                rule: DiscountRule::Formula,
                explanation: formula_explanation(explain, labels, value)
                    .with_named(|| format!("valor_{}", labels.base_code), f.installment)
                    .with("valor_formula", f.value)
                    .with_formula(f.trace),
            });
            continue;
        }
        let mine: Vec<&ContractDiscount> =
            contracts.iter().filter(|c| c.institution == *id).collect();
        let installment = arith::sum(mine.iter().map(|c| c.installment), "parcelas")?;
        let discount = arith::sum(mine.iter().map(|c| c.discount), "descontos")?;
        let shortfall = arith::sum(mine.iter().map(|c| c.shortfall), "não descontado")?;
        let mut explanation = if explain {
            Explanation::new(
                &format!("desconto.{}.regra_legal", labels.discount_code),
                labels.source,
                format!(
                    "regra legal: contratos do mais antigo ao mais novo, cada um min(parcela, teto restante) dentro de {} % da base",
                    super::margin::percent_text(percentual)
                ),
                discount,
            )
        } else {
            Explanation::off(discount)
        }
        .with_named(|| format!("valor_{}", labels.base_code), installment)
        .with("teto", cap)
        .with("teto_apos_formulas", remaining);
        for c in &mine {
            explanation = explanation
                .with_named(|| format!("contrato {} descontado", c.contract), c.discount);
        }
        out.push(InstitutionDiscount {
            institution: id.clone(),
            event: event.clone(),
            installment,
            discount,
            shortfall,
            rule: DiscountRule::RegraLegal,
            explanation,
        });
    }
    Ok(DiscountResult {
        base,
        cap,
        institutions: out,
        contracts,
        warnings,
        explanation: Explanation::new_if(
            explain,
            "desconto.teto_legal",
            "Lei 10.820/2003 art. 2 §2 e art. 3 §4; Portaria MTE 435/2025 arts. 7 e 30",
            || {
                format!(
                    "teto = {} % da base, arredondado ao centavo, nunca negativo",
                    super::margin::percent_text(percentual)
                )
            },
            cap,
        )
        .with("base", base)
        .with("percentual", percentual),
    })
}

/// The explanation of a formula discount (its inputs are added by the caller).
fn formula_explanation(explain: bool, labels: Labels, value: Decimal) -> Explanation {
    if !explain {
        return Explanation::off(value);
    }
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
