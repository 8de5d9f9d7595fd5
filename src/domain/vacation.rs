//! Provisões de férias — 453, 454, 455, 456 (SPEC §2.5; seed 002 "Eventos integração Férias";
//! consignado-law R28; rm-formula-language §3.3 and §4.5).
//!
//! When the vacation receipt is paid before the monthly payroll, part of the next loan discount
//! is withheld on it and given back (mirrored as a provento) in the payroll of the month it
//! belongs to, where the real 438 is discounted:
//!
//! | code | document | value |
//! |---|---|---|
//! | 453 | vacation receipt (desconto) | `round(base × d1 / 30)` |
//! | 454 | vacation receipt (desconto) | `round(base × (d1 + d2) / 30) − 453` — the total carries no rounding drift |
//! | 455 | payroll of the vacation's first month (provento) | `= 453` |
//! | 456 | payroll of the next month (provento) | `= 454`; in the rescission if the employee leaves first |
//!
//! **Base**, per institution: that institution's 438 discount of the previous month (seed 002:
//! "buscará o valor do desconto do empréstimo consignado do mês anterior"); when it is 0 or
//! missing and `fallback_parcela_atual` is on (default), the current installment. A setting
//! (`base = "parcela_atual"`) uses the current installment directly.
//!
//! **Days** (decisions where the sources are silent; rm-formula-language §3.3 "Day counting"):
//! - `d1` = calendar days of gozo in the vacation's first month; when the gozo covers that whole
//!   month (starts on the 1st and reaches its last day) it counts **30** (commercial month), so a
//!   full February (28 or 29 days) or a full 31-day month weighs one installment.
//! - `d2` = calendar days of gozo after the first month (a vacation over three months counts its
//!   later days with the second part), plus the abono pecuniário days when `incluir_abono` is on
//!   (they count with the second part, SPEC §2.5; Metadados: 4 + (11 + 5) = 20 days).
//! - Denominator 30; `d1 ≤ 30` and `d1 + d2 ≤ 30` (excess days of the second part are dropped).
//! - Rounding: the provision policy, half-up by default (O8): 1 097.56 × 20 / 30 = 731.7066… →
//!   731.71, the MTE manual's figure.
//!
//! Examples: base 600.00, 20/07–08/08 → d1 = 12, d2 = 8 → 240.00 + 160.00. Base 1 097.56,
//! 28/07–11/08 with 5 days of abono counted → 4 + 16 → 146.34 + 585.37. Base 437.25,
//! 25/11–24/12 → 6 + 24 → 87.45 + 349.80.

use super::error::{arith, DomainError};
use super::explain::Explanation;
use super::types::{Competencia, Vacation};
use crate::money::RoundingPolicy;
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Denominator of the provision (commercial month).
pub const COMMERCIAL_MONTH: u32 = 30;

/// The days of a vacation as the provision counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacationDays {
    /// Competência of the first day of gozo (453, 455).
    pub first: Competencia,
    /// The next competência (454, 456).
    pub second: Competencia,
    /// Calendar days of gozo.
    pub gozo_days: u32,
    /// Days counted in the first month (453).
    pub d1: u32,
    /// Days counted in the second part (454), abono included when configured.
    pub d2: u32,
    /// Abono days counted in `d2`.
    pub abono_counted: u32,
}

/// Counts the days of `vacation` (module docs). Errors: end before start; dates out of range.
pub fn count_days(vacation: &Vacation, include_abono: bool) -> Result<VacationDays, DomainError> {
    if vacation.end < vacation.start {
        return Err(DomainError::input(
            "ferias.fim",
            format!(
                "fim do gozo {} anterior ao início {}",
                vacation.end.format("%d/%m/%Y"),
                vacation.start.format("%d/%m/%Y")
            ),
        ));
    }
    let first = Competencia::of_date(vacation.start)?;
    let second = first.next().ok_or_else(|| {
        DomainError::input(
            "ferias.inicio",
            "data de início fora do intervalo suportado",
        )
    })?;
    let span = vacation
        .end
        .signed_duration_since(vacation.start)
        .num_days()
        + 1;
    let gozo_days = u32::try_from(span).unwrap_or(u32::MAX);
    let last_of_first = first.last_day();
    let whole_first_month = vacation.start.day() == 1 && vacation.end >= last_of_first;
    let calendar_first = if vacation.end <= last_of_first {
        gozo_days
    } else {
        let d = last_of_first
            .signed_duration_since(vacation.start)
            .num_days()
            + 1;
        u32::try_from(d).unwrap_or(u32::MAX)
    };
    let d1 = if whole_first_month {
        COMMERCIAL_MONTH
    } else {
        calendar_first.min(COMMERCIAL_MONTH)
    };
    let after_first = gozo_days.saturating_sub(calendar_first);
    let abono_counted = if include_abono {
        vacation.abono_days
    } else {
        0
    };
    let room = COMMERCIAL_MONTH - d1;
    let d2 = after_first.saturating_add(abono_counted).min(room);
    let abono_counted = abono_counted.min(d2);
    Ok(VacationDays {
        first,
        second,
        gozo_days,
        d1,
        d2,
        abono_counted,
    })
}

/// The two provision amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionSplit {
    /// 453.
    #[serde(with = "super::serde_util::dec")]
    pub first: Decimal,
    /// 454.
    #[serde(with = "super::serde_util::dec")]
    pub second: Decimal,
}

/// `453 = round(base × d1 / 30)`, `454 = round(base × (d1 + d2) / 30) − 453`. A negative base
/// counts as 0; days are clamped as in [`count_days`].
pub fn split(
    base: Decimal,
    d1: u32,
    d2: u32,
    rounding: RoundingPolicy,
) -> Result<ProvisionSplit, DomainError> {
    let base = super::fast::max_zero(base);
    let d1 = d1.min(COMMERCIAL_MONTH);
    let d2 = d2.min(COMMERCIAL_MONTH - d1);
    let thirty = Decimal::from(COMMERCIAL_MONTH);
    let first = match super::fast::mul_div_round(base, d1, COMMERCIAL_MONTH, rounding) {
        Some(v) => v,
        None => rounding.round(arith::div(
            arith::mul(base, Decimal::from(d1), "provisão 453")?,
            thirty,
            "provisão 453",
        )?),
    };
    let total = match super::fast::mul_div_round(base, d1 + d2, COMMERCIAL_MONTH, rounding) {
        Some(v) => v,
        None => rounding.round(arith::div(
            arith::mul(base, Decimal::from(d1 + d2), "provisão 453 + 454")?,
            thirty,
            "provisão 453 + 454",
        )?),
    };
    let second = super::fast::max_zero(arith::sub(total, first, "provisão 454")?);
    Ok(ProvisionSplit { first, second })
}

/// Where a provision line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// Recibo de férias.
    ReciboFerias,
    /// Folha mensal (envelope).
    FolhaMensal,
    /// Rescisão.
    Rescisao,
}

/// One provision event line (453–456) for one institution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionLine {
    /// Calculation code (453, 454, 455, 456).
    pub calc_code: u16,
    /// Event code, if configured.
    pub event: Option<String>,
    /// Institution id.
    pub institution: String,
    /// Competência of the document it goes to.
    pub competencia: Competencia,
    /// Document.
    pub document: Document,
    /// Valor.
    #[serde(with = "super::serde_util::dec")]
    pub value: Decimal,
    /// How.
    pub explanation: Explanation,
}

/// The provision of one institution for one vacation: base, days and the 453/454 amounts,
/// explained.
pub fn provision_explanation(
    base: Decimal,
    days: &VacationDays,
    split: &ProvisionSplit,
    code: u16,
    explain: bool,
) -> Explanation {
    let (result, description) = if code == 453 {
        (split.first, "453 = arred(base × d1 / 30)")
    } else {
        (split.second, "454 = arred(base × (d1 + d2) / 30) − 453")
    };
    if !explain {
        return Explanation::off(result);
    }
    Explanation::new(
        &format!("ferias.{code}"),
        "SPEC §2.5; seed 002 (eventos 453/454: desconto do mês anterior, conforme dias dentro do mês); MTE, Manual do Crédito do Trabalhador p. 31 (via Metadados)",
        description,
        result,
    )
    .with("base", base)
    .with("d1", Decimal::from(days.d1))
    .with("d2", Decimal::from(days.d2))
    .with("dias_abono_contados", Decimal::from(days.abono_counted))
}
