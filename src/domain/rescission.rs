//! Rescisão — 442 ← 443, and the return of open provisions (SPEC §2.4; seed 002 "Eventos
//! integração Saldo devedor"; consignado-law R35, R36, O1).
//!
//! Same shape as the monthly discount ([`super::discount`]), on the rescission's own movement:
//!
//! - **Amount informed** per institution: the value of its 443 event in the rescission movement
//!   when present; otherwise, by the setting `valor_informado`: `parcela_do_mes` — the
//!   installments of the termination competência (Crédito do Trabalhador, MTE manual pp. 40–41:
//!   only the installment of the termination month) — or `saldo_devedor` — the contracts' saldo
//!   devedor (older convênio contracts).
//! - **With a 442 formula**: its value, with `C('<443 event>')` = the amount and `L` = the
//!   rescission's líquido (minus the 442 of institutions calculated before it).
//! - **Without**: `min(amount, what is left of the cap)`, `cap = percentual × base` of the
//!   rescission (35 %, down to the centavo; `base` as in `[margem].base`, applied to the
//!   rescission movement: líquido, or INSS-incident rescission earnings − INSS − IRRF − pensão),
//!   served oldest contract first. The part not discounted is reported per contract; the FGTS
//!   fine is never touched (it is not in the movement) and nothing is carried to a later
//!   rescission.
//! - **Open provisions**: every 454 still open (not yet returned by a 456 in a monthly payroll)
//!   is returned as 456 in the rescission (rm-formula-language §3.3: "If the employee is
//!   dismissed before that payroll, return it in the rescission instead").

use super::config::InformedAmount;
use super::discount::{Claim, ClaimRef, Claims, DiscountResult};
use super::error::{arith, DomainError};
use super::explain::Explanation;
use super::types::{Competencia, LoanContract, Movement, OpenProvision};
use super::vacation::{Document, ProvisionLine};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The rescission of one employee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescissionResult {
    /// Data do desligamento.
    #[serde(with = "super::serde_util::date")]
    pub date: NaiveDate,
    /// Competência of the rescission.
    pub competencia: Competencia,
    /// 442 per institution and per contract, with the cap.
    pub discounts: DiscountResult,
    /// 456 lines returning the open 454 provisions.
    pub returned_provisions: Vec<ProvisionLine>,
}

/// The claims of the rescission: one per institution when its 443 event is in the rescission
/// movement (dated by the institution's oldest contract), else one per contract with the amount
/// the setting names. Institutions with a 442 formula are left out (the caller evaluates them).
pub fn claims(
    institutions: &[(String, Option<String>)],
    movement: &Movement,
    contracts: &[LoanContract],
    competencia: Competencia,
    informed: InformedAmount,
) -> Result<Vec<Claim>, DomainError> {
    let mut refs = Claims::new();
    claim_refs(
        institutions
            .iter()
            .enumerate()
            .map(|(i, (id, event))| (i, id.as_str(), event.as_deref())),
        movement,
        contracts,
        competencia,
        informed,
        &mut refs,
    )?;
    Ok(refs
        .iter()
        .map(|c| Claim {
            contract: c.contract.to_owned(),
            institution: c.institution.to_owned(),
            start: c.start,
            installment: c.installment,
        })
        .collect())
}

/// [`claims`] borrowed: `institutions` yields (position in the configuration, id, 443 event).
pub(crate) fn claim_refs<'a>(
    institutions: impl Iterator<Item = (usize, &'a str, Option<&'a str>)>,
    movement: &'a Movement,
    contracts: &'a [LoanContract],
    competencia: Competencia,
    informed: InformedAmount,
    out: &mut Claims<'a>,
) -> Result<(), DomainError> {
    for (index, id, event_443) in institutions {
        let mine = || contracts.iter().filter(move |c| c.institution == id);
        let informed_event =
            event_443.filter(|code| movement.events.iter().any(|e| e.code == *code));
        if let Some(code) = informed_event {
            out.push(ClaimRef {
                contract: code,
                institution: id,
                index,
                start: mine().filter_map(|c| c.start).min(),
                installment: movement.event_value(code)?,
            });
            continue;
        }
        for c in mine() {
            let amount = match informed {
                InformedAmount::ParcelaDoMes => c.installment_for(competencia)?,
                InformedAmount::SaldoDevedor => c.outstanding_balance.unwrap_or_default(),
            };
            out.push(ClaimRef {
                contract: &c.number,
                institution: id,
                index,
                start: c.start,
                installment: amount,
            });
        }
    }
    Ok(())
}

/// The amount informed for one institution (what its 442 formula reads as `C('<443>')`).
pub fn informed_amount(
    institution: &str,
    event_443: Option<&str>,
    movement: &Movement,
    contracts: &[LoanContract],
    competencia: Competencia,
    informed: InformedAmount,
) -> Result<rust_decimal::Decimal, DomainError> {
    if let Some(code) = event_443 {
        if movement.events.iter().any(|e| e.code == code) {
            return movement.event_value(code);
        }
    }
    let mut total = rust_decimal::Decimal::ZERO;
    for c in contracts.iter().filter(|c| c.institution == institution) {
        let amount = match informed {
            InformedAmount::ParcelaDoMes => c.installment_for(competencia)?,
            InformedAmount::SaldoDevedor => c.outstanding_balance.unwrap_or_default(),
        };
        total = arith::add(total, amount, "valor informado para a rescisão")?;
    }
    Ok(total)
}

/// 456 lines for every open provision, in the rescission of `competencia`.
pub fn return_open_provisions(
    open: &[OpenProvision],
    competencia: Competencia,
    event_456: Option<&str>,
    explain: bool,
) -> Vec<ProvisionLine> {
    open.iter()
        .map(|p| ProvisionLine {
            calc_code: 456,
            event: event_456.map(str::to_owned),
            institution: p.institution.clone(),
            competencia,
            document: Document::Rescisao,
            value: p.value,
            explanation: if explain {
                Explanation::new(
                    "rescisao.456",
                    "SPEC §2.4 (provisões 454 em aberto são devolvidas na rescisão); rm-formula-language §3.3",
                    format!(
                        "devolução na rescisão da provisão 454 do recibo de férias de {}, prevista para a folha de {}",
                        p.origin, p.return_competencia
                    ),
                    p.value,
                )
                .with("provisao_454", p.value)
            } else {
                Explanation::off(p.value)
            },
        })
        .collect()
}
