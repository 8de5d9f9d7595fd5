//! Rateio da margem consignável entre instituições (SPEC §2.2; seed 002, "Distribuição margem
//! consignável por funcionário").
//!
//! - **Without rateio** (`[rateio] ativo = false`): every institution sees the whole margin
//!   (seed 002: "ao não realizar esta distribuição a instituição … consumirá o valor da margem …
//!   de forma integral"). An employee's distribution is then ignored, with warning `D303`.
//! - **With rateio and fator F ≥ 1**: each institution gets `margin / F`, rounded **down** to the
//!   centavo whatever the rules' rounding mode, so that F shares never add up to more than the
//!   margin (100,01 with F = 2 → 50,00 each, never 50,01). Seed: 1 000.00 with F = 2 →
//!   500.00 each. Each share is at most the
//!   margin; when there are more institutions than F the shares add up to more than the margin,
//!   as in RM — the configuration check warns about it (`D142`).
//! - **With rateio and the employee's own distribution** (institution → percent): it overrides
//!   the factor. The percents must each be in (0, 100], name configured institutions once each,
//!   and add up to exactly 100; otherwise every problem is reported (`D301`/`D302`) and no margin
//!   is sent for the employee. Shares are split by the largest-remainder method
//!   ([`crate::money::allocate_largest_remainder`]), so they add up to exactly the margin. Seed:
//!   300.00 with 50/25/25 → 150.00/75.00/75.00. Institutions outside the distribution get 0.

use super::config::RateioSettings;
use super::error::{arith, DomainError, DomainIssue};
use super::explain::Explanation;
use super::types::MarginShare;
use crate::money::{allocate_largest_remainder, RoundingPolicy};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How the margin was apportioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateioMethod {
    /// Sem rateio: whole margin to each institution.
    Integral,
    /// Fator de rateio.
    Fator,
    /// Distribuição por funcionário (percentuais).
    Distribuicao,
}

/// One institution's share of the margin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionShare {
    /// Institution id.
    pub institution: String,
    /// Percent, under a distribution.
    #[serde(with = "super::serde_util::opt_dec")]
    pub percent: Option<Decimal>,
    /// Margem enviada à instituição.
    #[serde(with = "super::serde_util::dec")]
    pub value: Decimal,
}

/// The apportioned margin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateioResult {
    /// Method used.
    pub method: RateioMethod,
    /// The margin apportioned.
    #[serde(with = "super::serde_util::dec")]
    pub margin: Decimal,
    /// Shares, in configuration order.
    pub shares: Vec<InstitutionShare>,
    /// Warnings (an ignored distribution).
    pub warnings: Vec<DomainIssue>,
    /// How.
    pub explanation: Explanation,
}

/// Every problem of an employee's distribution (empty when valid).
pub fn validate_distribution(
    distribution: &[MarginShare],
    institutions: &[String],
) -> Vec<DomainIssue> {
    let mut issues = Vec::new();
    let mut total = Some(Decimal::ZERO);
    let at = |i: usize, key: &str| format!("distribuicao_margem[{i}].{key}");
    for (i, line) in distribution.iter().enumerate() {
        if !institutions.contains(&line.institution) {
            issues.push(DomainIssue::error(
                "D301",
                at(i, "instituicao"),
                format!(
                    "instituição '{}' não está na configuração",
                    line.institution
                ),
            ));
        }
        if distribution[..i]
            .iter()
            .any(|earlier| earlier.institution == line.institution)
        {
            issues.push(DomainIssue::error(
                "D301",
                at(i, "instituicao"),
                format!(
                    "instituição '{}' aparece mais de uma vez na distribuição",
                    line.institution
                ),
            ));
        }
        if line.percent <= Decimal::ZERO || line.percent > Decimal::ONE_HUNDRED {
            issues.push(DomainIssue::error(
                "D301",
                at(i, "percentual"),
                format!("percentual {} fora do intervalo (0, 100]", line.percent),
            ));
        }
        total = total.and_then(|t| t.checked_add(line.percent));
    }
    match total {
        Some(t) if t == Decimal::ONE_HUNDRED => {}
        Some(t) => issues.push(DomainIssue::error(
            "D302",
            "distribuicao_margem",
            format!(
                "a distribuição da margem soma {} %, deve somar exatamente 100 %: nenhuma margem enviada",
                t.normalize()
            ),
        )),
        None => issues.push(DomainIssue::error(
            "D302",
            "distribuicao_margem",
            "a soma dos percentuais da distribuição excede o limite numérico",
        )),
    }
    issues
}

/// Apportions `margin` across `institutions` (ids, in configuration order).
///
/// `Err` carries the reasons an employee's distribution is invalid; no margin is sent then.
pub fn apportion(
    margin: Decimal,
    settings: &RateioSettings,
    institutions: &[String],
    distribution: &[MarginShare],
    rounding: RoundingPolicy,
) -> Result<RateioResult, Vec<DomainIssue>> {
    apportion_with(margin, settings, institutions, distribution, rounding, true)
}

/// [`apportion`]; `explain` false records an [`Explanation::off`] placeholder.
#[inline]
pub fn apportion_with(
    margin: Decimal,
    settings: &RateioSettings,
    institutions: &[String],
    distribution: &[MarginShare],
    rounding: RoundingPolicy,
    explain: bool,
) -> Result<RateioResult, Vec<DomainIssue>> {
    let margin = super::fast::max_zero(margin);
    let mut warnings = Vec::new();
    if !settings.ativo {
        if !distribution.is_empty() {
            warnings.push(DomainIssue::warning(
                "D303",
                "distribuicao_margem",
                "rateio desativado na configuração: a distribuição do funcionário foi ignorada e cada instituição recebe a margem integral",
            ));
        }
        return Ok(RateioResult {
            method: RateioMethod::Integral,
            margin,
            shares: institutions
                .iter()
                .map(|id| InstitutionShare {
                    institution: id.clone(),
                    percent: None,
                    value: margin,
                })
                .collect(),
            warnings,
            explanation: if explain {
                Explanation::new(
                    "rateio.integral",
                    "SPEC §2.2; seed 002 (sem distribuição, a instituição consome a margem integral)",
                    "sem rateio: cada instituição recebe a margem inteira",
                    margin,
                )
                .with("margem", margin)
            } else {
                Explanation::off(margin)
            },
        });
    }
    if !distribution.is_empty() {
        let issues = validate_distribution(distribution, institutions);
        if !issues.is_empty() {
            return Err(issues);
        }
        let weights: Vec<Decimal> = distribution.iter().map(|d| d.percent).collect();
        let parts =
            allocate_largest_remainder(margin, &weights, rounding.places).ok_or_else(|| {
                vec![DomainIssue::error(
                "D302",
                "distribuicao_margem",
                "não foi possível distribuir a margem (percentuais inválidos ou estouro numérico)",
            )]
            })?;
        let shares = institutions
            .iter()
            .map(|id| {
                let found = distribution.iter().position(|d| d.institution == *id);
                InstitutionShare {
                    institution: id.clone(),
                    percent: Some(found.map_or(Decimal::ZERO, |i| distribution[i].percent)),
                    value: found
                        .and_then(|i| parts.get(i).copied())
                        .unwrap_or(Decimal::ZERO),
                }
            })
            .collect();
        return Ok(RateioResult {
            method: RateioMethod::Distribuicao,
            margin,
            shares,
            warnings,
            explanation: if explain {
                Explanation::new(
                    "rateio.distribuicao",
                    "SPEC §2.2; seed 002 (Distribuição da margem consignável por funcionário, soma de 100 %)",
                    "margem × percentual de cada instituição, centavos pelo maior resto: a soma é exatamente a margem",
                    margin,
                )
                .with("margem", margin)
            } else {
                Explanation::off(margin)
            },
        });
    }
    let factor = match settings.fator {
        Some(f) if f >= Decimal::ONE => f,
        other => {
            return Err(vec![DomainIssue::error(
                "D141",
                "rateio.fator",
                format!(
                    "fator de rateio {} inválido (mínimo 1)",
                    other.map_or_else(|| "ausente".to_owned(), |f| f.to_string())
                ),
            )])
        }
    };
    // Rounded down whatever the rules' mode: F × share never exceeds the margin,
    // so no centavo is handed out twice (100,01 ÷ 2 is 50,00 each, never 50,01).
    let down = RoundingPolicy {
        mode: crate::money::RoundingMode::Down,
        places: rounding.places,
    };
    let share = match super::fast::div_round(margin, factor, down) {
        // ⌊margin ÷ factor⌋ with factor ≥ 1 is at most the margin: `min` would keep it.
        Some(s) => s,
        None => arith::div(margin, factor, "rateio da margem")
            .map(|s| down.round(s).min(margin))
            .map_err(|e: DomainError| vec![e.to_issue()])?,
    };
    Ok(RateioResult {
        method: RateioMethod::Fator,
        margin,
        shares: institutions
            .iter()
            .map(|id| InstitutionShare {
                institution: id.clone(),
                percent: None,
                value: share,
            })
            .collect(),
        warnings,
        explanation: if explain {
            Explanation::new(
                "rateio.fator",
                "SPEC §2.2; seed 002 (Fator de rateio, no mínimo 1: margem 1 000,00 ÷ 2 = 500,00)",
                "margem ÷ fator, arredondado para baixo ao centavo (F × parcela ≤ margem)"
                    .to_owned(),
                share,
            )
            .with("margem", margin)
            .with("fator", factor)
        } else {
            Explanation::off(share)
        },
    })
}
