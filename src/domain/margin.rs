//! Margem consignável — calculation code 444 (SPEC §2.1).
//!
//! What the engine does, in order:
//!
//! 1. **Eligibility.** A margin is computed only for an employee whose eSocial category is
//!    covered (CLT 1xx and 721 by default; consignado-law R21, Lei 10.820 art. 1 §11), who has
//!    a **positive líquido in the closed movement** of the competência (seed 002: "somente para
//!    funcionários com líquido no movimento fechado"), and who is not leaving in that
//!    competência. Otherwise the result says why, and the margin is 0 and not sent.
//! 2. **Value.** With a 444 formula: its value as money (SPEC §1.6, half-up), a negative value
//!    becoming 0 with warning `D201`. Without: `percentual × base`, rounded with the rules'
//!    policy (**down** to the centavo by default, so the result never exceeds the percentage;
//!    SPEC §2.1, consignado-law O8), never below 0 (O9). `base` is `liquido` (TOTVS's default)
//!    or `remuneracao_disponivel` (Portaria MTE 435 art. 7, red. 491/2025).
//! 3. **Legal guardrail.** Where the remuneração disponível is known (informed, or computable
//!    from INSS incidences), a margin above `limite_legal × RD` (35 %) is flagged with warning
//!    `D202`. The comparison is exact (no rounding), and the value is not changed: the flag is
//!    for a human.
//!
//! Decisions where the sources are silent: the "closed movement" is the movement of the
//! competência being computed (the margin is produced when that competência closes); the
//! líquido leaves out the events the engine itself produces (438, 442, 453–456), because the
//! margin must not shrink by the discounts it limits; a termination in the competência makes
//! the employee ineligible (reason `desligado`).

use super::config::{EligibilitySettings, MarginBase, MarginSettings};
use super::error::{arith, DomainError, DomainIssue};
use super::explain::{Explanation, FormulaTrace};
use super::fast;
use super::types::{Competencia, Employee};
use crate::money::{format_money, RoundingPolicy};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why an employee has no margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IneligibleReason {
    /// eSocial category not covered by the law.
    Categoria,
    /// Líquido of the closed movement is zero or negative.
    LiquidoNaoPositivo,
    /// The employee leaves in this competência.
    Desligado,
}

/// Eligibility for a margin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "situacao", rename_all = "snake_case")]
pub enum Eligibility {
    /// Elegível.
    Elegivel,
    /// Não elegível, with the reason and a message in Portuguese.
    NaoElegivel {
        /// Reason code.
        motivo: IneligibleReason,
        /// Message.
        mensagem: String,
    },
}

impl Eligibility {
    /// True for [`Eligibility::Elegivel`].
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Elegivel)
    }
}

/// Decides eligibility (step 1 of the module docs).
pub fn check_eligibility(
    employee: &Employee,
    net_pay: Decimal,
    termination: Option<NaiveDate>,
    competencia: Competencia,
    settings: &EligibilitySettings,
) -> Eligibility {
    if !settings.covers(employee.category) {
        return Eligibility::NaoElegivel {
            motivo: IneligibleReason::Categoria,
            mensagem: format!(
                "categoria eSocial {} não abrangida pelo crédito consignado (Lei 10.820/2003 art. 1)",
                employee.category
            ),
        };
    }
    if let Some(date) = termination {
        return Eligibility::NaoElegivel {
            motivo: IneligibleReason::Desligado,
            mensagem: terminated_message(date, competencia),
        };
    }
    if !fast::is_positive(net_pay) {
        return Eligibility::NaoElegivel {
            motivo: IneligibleReason::LiquidoNaoPositivo,
            mensagem: format!(
                "sem líquido positivo no movimento fechado de {competencia} (líquido {})",
                format_money(net_pay)
            ),
        };
    }
    Eligibility::Elegivel
}

/// The message of an employee who leaves in the competência: "funcionário desligado em
/// dd/mm/aaaa (competência mm/aaaa): margem não enviada".
fn terminated_message(date: NaiveDate, competencia: Competencia) -> String {
    if !(1000..=9999).contains(&date.year()) {
        return format!(
            "funcionário desligado em {} (competência {competencia}): margem não enviada",
            date.format("%d/%m/%Y")
        );
    }
    // The same text written directly: `%d/%m/%Y` of a year with four digits, and the
    // competência as its `Display` writes it (`{:02}/{:04}`, years 1900..=9999).
    let two = |m: &mut String, v: u32| {
        m.push(char::from(b'0' + (v / 10 % 10) as u8));
        m.push(char::from(b'0' + (v % 10) as u8));
    };
    let four = |m: &mut String, v: i32| {
        let v = v.unsigned_abs();
        two(m, v / 100);
        two(m, v % 100);
    };
    let mut m = String::with_capacity(88);
    m.push_str("funcionário desligado em ");
    two(&mut m, date.day());
    m.push('/');
    two(&mut m, date.month());
    m.push('/');
    four(&mut m, date.year());
    m.push_str(" (competência ");
    two(&mut m, competencia.month());
    m.push('/');
    four(&mut m, competencia.year());
    m.push_str("): margem não enviada");
    m
}

/// The default rule: `max(0, round(percentual × base))` with the rules' policy.
pub fn default_margin(
    base: Decimal,
    percentual: Decimal,
    rounding: RoundingPolicy,
) -> Result<Decimal, DomainError> {
    let raw = arith::mul(percentual, base, "margem consignável")?;
    Ok(fast::round(rounding, fast::max_zero(raw)))
}

/// True when `margin` exceeds `limit × rd` (the legal guardrail; exact comparison).
pub fn exceeds_guardrail(
    margin: Decimal,
    rd: Decimal,
    limit: Decimal,
) -> Result<bool, DomainError> {
    let max = fast::max_zero(arith::mul(limit, rd, "trava legal")?);
    Ok(margin > max)
}

/// What the margin rule reads, already gathered by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct MarginInputs {
    /// Líquido of the closed movement.
    pub net_pay: Decimal,
    /// Remuneração disponível, when known.
    pub available_remuneration: Option<Decimal>,
    /// The 444 formula's value (already rounded as money) and its trace, when a formula exists
    /// and the employee is eligible.
    pub formula: Option<(Decimal, Option<FormulaTrace>)>,
}

/// The margin of one employee and competência.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginResult {
    /// Eligibility.
    pub eligibility: Eligibility,
    /// Margem consignável (0 when not eligible).
    #[serde(with = "super::serde_util::dec")]
    pub value: Decimal,
    /// Líquido of the closed movement.
    #[serde(with = "super::serde_util::dec")]
    pub net_pay: Decimal,
    /// Remuneração disponível, when known.
    #[serde(with = "super::serde_util::opt_dec")]
    pub available_remuneration: Option<Decimal>,
    /// True when the margin is above the legal share of the remuneração disponível.
    pub guardrail_exceeded: bool,
    /// Warnings (negative formula value, guardrail).
    pub warnings: Vec<DomainIssue>,
    /// How it was computed.
    pub explanation: Explanation,
}

/// The base value the settings name: líquido or remuneração disponível.
pub fn base_value(
    base: MarginBase,
    net_pay: Decimal,
    available_remuneration: Option<Decimal>,
) -> Result<Decimal, DomainError> {
    match base {
        MarginBase::Liquido => Ok(net_pay),
        MarginBase::RemuneracaoDisponivel => available_remuneration.ok_or_else(|| {
            DomainError::input(
                "movimento.remuneracao_disponivel",
                "a base configurada é a remuneração disponível, mas o movimento não a informa nem traz incidências de INSS nos eventos",
            )
        }),
    }
}

/// Computes the margin (steps 2 and 3 of the module docs) for an employee whose eligibility
/// is already decided. `explain` false records [`Explanation::off`] placeholders.
#[inline]
pub fn compute(
    eligibility: Eligibility,
    inputs: &MarginInputs,
    settings: &MarginSettings,
    rounding: RoundingPolicy,
    explain: bool,
) -> Result<MarginResult, DomainError> {
    let mut warnings = Vec::new();
    if let Eligibility::NaoElegivel { mensagem, .. } = &eligibility {
        let explanation = if explain {
            Explanation::new(
                "margem.nao_elegivel",
                "SPEC §2.1; seed 002 (margem só para funcionários com líquido no movimento fechado); Lei 10.820/2003 art. 1 §11",
                mensagem.clone(),
                Decimal::ZERO,
            )
            .with("liquido", inputs.net_pay)
        } else {
            Explanation::off(Decimal::ZERO)
        };
        return Ok(MarginResult {
            eligibility,
            value: Decimal::ZERO,
            net_pay: inputs.net_pay,
            available_remuneration: inputs.available_remuneration,
            guardrail_exceeded: false,
            warnings,
            explanation,
        });
    }
    // The value (and, for the default rule, its base), then the guardrail, then how.
    let (value, base) = match &inputs.formula {
        Some((raw, _)) => {
            let value = if fast::is_negative(*raw) {
                warnings.push(DomainIssue::warning(
                    "D201",
                    "margem.formula",
                    format!(
                        "a fórmula da margem resultou em {}, negativo: margem 0,00",
                        format_money(*raw)
                    ),
                ));
                Decimal::ZERO
            } else {
                *raw
            };
            (value, Decimal::ZERO)
        }
        None => {
            let base = base_value(settings.base, inputs.net_pay, inputs.available_remuneration)?;
            (default_margin(base, settings.percentual, rounding)?, base)
        }
    };
    let mut guardrail_exceeded = false;
    if let Some(rd) = inputs.available_remuneration {
        if exceeds_guardrail(value, rd, settings.limite_legal)? {
            guardrail_exceeded = true;
            warnings.push(DomainIssue::warning(
                "D202",
                "margem",
                format!(
                    "margem {} acima de {} % da remuneração disponível {} (limite legal, Portaria MTE 435/2025)",
                    format_money(value),
                    percent_text(settings.limite_legal),
                    format_money(rd)
                ),
            ));
        }
    }
    Ok(MarginResult {
        eligibility,
        value,
        net_pay: inputs.net_pay,
        available_remuneration: inputs.available_remuneration,
        guardrail_exceeded,
        warnings,
        explanation: if explain {
            margin_explanation(inputs, settings, rounding, value, base)
        } else {
            Explanation::off(value)
        },
    })
}

/// How an eligible employee's margin was computed (`base`: the default rule's base).
fn margin_explanation(
    inputs: &MarginInputs,
    settings: &MarginSettings,
    rounding: RoundingPolicy,
    value: Decimal,
    base: Decimal,
) -> Explanation {
    let e = match &inputs.formula {
        Some((raw, trace)) => Explanation::new(
            "margem.formula",
            "SPEC §2.1; seed 002 (fórmula do evento 444)",
            "valor da fórmula do evento 444, arredondado a 2 casas (metade para cima); negativo vira 0",
            value,
        )
        .with("valor_formula", *raw)
        .with_formula(trace.clone()),
        None => {
            let base_name = match settings.base {
                MarginBase::Liquido => "liquido",
                MarginBase::RemuneracaoDisponivel => "remuneracao_disponivel",
            };
            Explanation::new(
                "margem.padrao",
                "SPEC §2.1; Lei 10.820/2003 art. 2 §2; Portaria MTE 435/2025 art. 7 (red. 491/2025)",
                format!(
                    "percentual × {base_name}, arredondado ({:?}) ao centavo, nunca negativo",
                    rounding.mode
                ),
                value,
            )
            .with("percentual", settings.percentual)
            .with(base_name, base)
        }
    };
    match inputs.available_remuneration {
        Some(rd) => e.with("remuneracao_disponivel", rd),
        None => e,
    }
}

/// `0.35` → `"35"`, for messages. Never panics.
pub(crate) fn percent_text(share: Decimal) -> String {
    share
        .checked_mul(Decimal::ONE_HUNDRED)
        .map_or_else(|| share.to_string(), |p| p.normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminated_message_as_formatted() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        let end = NaiveDate::from_ymd_opt(2001, 2, 3).unwrap();
        while d < end {
            for c in [
                Competencia::of_date(d).unwrap(),
                Competencia::new(1900, 1).unwrap(),
            ] {
                let expected = format!(
                    "funcionário desligado em {} (competência {c}): margem não enviada",
                    d.format("%d/%m/%Y")
                );
                assert_eq!(terminated_message(d, c), expected);
            }
            d = d.succ_opt().unwrap();
        }
        for (y, m, day) in [
            (999, 1, 5),
            (10_000, 12, 31),
            (-5, 3, 1),
            (1000, 1, 1),
            (9999, 12, 31),
        ] {
            let d = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            let c = Competencia::new(2025, 7).unwrap();
            let expected = format!(
                "funcionário desligado em {} (competência {c}): margem não enviada",
                d.format("%d/%m/%Y")
            );
            assert_eq!(terminated_message(d, c), expected);
        }
    }
}
