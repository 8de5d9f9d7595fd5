//! The batch's eSocial part: the plan of the month (from `esocial.toml`, the certificate and
//! the S-5003 returned), each worker's declaration gathered from their rows, and the event
//! files written into the run's temporary folder (moved into place with every other output).

use super::{BatchError, BatchOptions, ChunkOut, Company, Ctx};
use crate::adapters::company::InputFile;
use crate::adapters::esocial::files::EventWriter;
use crate::adapters::esocial::s5003::Returned;
use crate::adapters::esocial::{
    declare, Plan, TerminationRow, WorkerMonth, EVENTS_DIR, RETURNED_DIR,
};
use crate::adapters::output::{push_csv, push_money, Buffers, OutputFile};
use crate::domain::{EmployeeMonth, EmployeeResult};
use chrono::NaiveDateTime;
use std::path::Path;

/// Columns of `rescisoes.csv` read for the S-2299 (after `matricula;data;liquido;remuneracao_disponivel`).
pub(crate) mod col_rescisoes {
    /// `motivo_desligamento`.
    pub const MOTIVO: usize = 4;
    /// `aviso_indenizado`.
    pub const AVISO: usize = 5;
    /// `fim_aviso_projetado`.
    pub const FIM_AVISO: usize = 6;
    /// `fgts_consignataria`.
    pub const FGTS_CONSIGNATARIA: usize = 7;
    /// `fgts_contrato`.
    pub const FGTS_CONTRATO: usize = 8;
}

/// Now, in Brasília time (UTC−3, no daylight saving since 2019): the default timestamp of
/// the event ids.
pub fn now_brasilia() -> NaiveDateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(secs).unwrap_or(0) - 3 * 3600;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// The plan of the month, when the company has `esocial.toml`.
pub(crate) fn plan(company: &Company, options: &BatchOptions) -> Result<Option<Plan>, BatchError> {
    let Some(settings) = company.esocial.clone() else {
        if options.signer.is_some() {
            return Err(BatchError::Usage(
                "--certificado sem esocial.toml na pasta da empresa: não há eventos a assinar"
                    .to_owned(),
            ));
        }
        return Ok(None);
    };
    let dir = company.dir.join(RETURNED_DIR);
    let returned = Returned::read_dir(&dir, &options.competencia.to_iso()).map_err(|message| {
        BatchError::Load(crate::adapters::company::LoadError::Missing {
            path: dir.clone(),
            message,
        })
    })?;
    let has_government_file = company
        .dir
        .join(InputFile::ParcelasCredito.file_name())
        .exists();
    Ok(Some(Plan::new(
        settings,
        company.config.config(),
        options.esocial_at.unwrap_or_else(now_brasilia),
        options.signer.clone(),
        returned,
        has_government_file,
    )))
}

/// Declares one computed worker and writes their events.
pub(crate) fn declare_employee(
    ctx: &Ctx<'_>,
    plan: &Plan,
    slot: u32,
    month: &EmployeeMonth,
    result: &EmployeeResult,
    used: &[(InputFile, u32)],
    out: &mut ChunkOut,
) {
    let iso = &ctx.competencia_iso;
    let credit = ctx.table(InputFile::ParcelasCredito);
    let government: Vec<(&str, &str)> = used
        .iter()
        .filter(|(f, _)| *f == InputFile::ParcelasCredito)
        .map(|&(_, r)| r as usize)
        .filter(|&r| credit.field(r, 4) == iso.as_str())
        .map(|r| (credit.field(r, 1), credit.field(r, 2)))
        .collect();
    let rescissions = ctx.table(InputFile::Rescisoes);
    let termination = used
        .iter()
        .find(|(f, _)| *f == InputFile::Rescisoes)
        .map(|&(_, r)| {
            let f = |c: usize| rescissions.field(r as usize, c).trim();
            TerminationRow {
                line: rescissions.line(r as usize),
                date: month.termination.as_ref().map(|t| t.date),
                motive: f(col_rescisoes::MOTIVO),
                notice_paid: f(col_rescisoes::AVISO),
                notice_end: f(col_rescisoes::FIM_AVISO),
                fgts_institution: f(col_rescisoes::FGTS_CONSIGNATARIA),
                fgts_contract: f(col_rescisoes::FGTS_CONTRATO),
            }
        });
    let other_items: Vec<(&str, rust_decimal::Decimal)> = match ctx.rubrics {
        None => Vec::new(),
        Some(rubrics) => month
            .movement
            .events
            .iter()
            .filter(|e| {
                rubrics.get(&e.code).is_some_and(|r| !r.econsignado)
                    && !ctx.config.is_engine_event(&e.code)
                    && !plan.is_consignado_rubric(&e.code)
            })
            .map(|e| (e.code.as_str(), e.value))
            .collect(),
    };
    let w = WorkerMonth {
        competencia: iso,
        cpf: &month.employee.cpf,
        matricula: &month.employee.matricula,
        category: month.employee.category,
        result,
        other_items: &other_items,
        termination,
        government: &government,
        position: u64::from(slot),
    };
    declare(plan, &w, &mut out.bufs, &mut out.declared);
}

/// The reconciliation of an employee who is not computed: the installments of the government's
/// file of the competência (a rejected employee's rows are not decoded; their text is used).
pub(crate) fn not_declared(
    ctx: &Ctx<'_>,
    plan: &Plan,
    slot: u32,
    reason: &str,
    out: &mut ChunkOut,
) {
    let iso = &ctx.competencia_iso;
    let credit = ctx.table(InputFile::ParcelasCredito);
    let rows = ctx.index.groups[InputFile::ParcelasCredito.index()].of(slot as usize);
    let mut contracts: Vec<(&str, &str, rust_decimal::Decimal)> = Vec::new();
    let (mut matricula, mut cpf) = ("", "");
    for &r in rows {
        let r = r as usize;
        if credit.field(r, 4) != iso.as_str() {
            continue;
        }
        let installment = crate::money::parse_money(credit.field(r, 5)).unwrap_or_default();
        matricula = credit.field(r, 0);
        cpf = credit.field(r, 7);
        contracts.push((credit.field(r, 1), credit.field(r, 2), installment));
    }
    if contracts.is_empty() {
        return;
    }
    crate::adapters::esocial::month::not_computed(
        plan,
        iso,
        matricula,
        cpf,
        &contracts,
        reason,
        &mut out.bufs,
        &mut out.declared,
    );
}

/// The event writer of the run, in `esocial/` of its temporary folder, with the S-1010 of
/// the month already written.
pub(crate) fn writer(plan: &Plan, iso: &str, tmp: &Path) -> Result<(EventWriter, u64), BatchError> {
    let root = tmp.join(EVENTS_DIR);
    let err = |message: String| BatchError::Write {
        path: root.clone(),
        message,
    };
    let mut writer = EventWriter::create(&root, &plan.settings).map_err(err)?;
    let events = plan.rubric_events(iso).map_err(err)?;
    for e in &events {
        writer.write(e.kind, &e.id, &e.doc).map_err(err)?;
    }
    Ok((writer, events.len() as u64))
}

/// The reconciliation lines of the S-5003 totals no worker's contract matched.
pub(crate) fn unmatched_returned(plan: &Plan, iso: &str, seen: &[bool], bufs: &mut Buffers) -> u64 {
    let Some(returned) = &plan.returned else {
        return 0;
    };
    let b = bufs.of(OutputFile::ConciliacaoEsocial);
    let mut n = 0;
    for (t, _) in returned.totals.iter().zip(seen).filter(|(_, &seen)| !seen) {
        n += 1;
        b.extend_from_slice(iso.as_bytes());
        b.extend_from_slice(b";;");
        push_csv(b, &t.cpf);
        b.extend_from_slice(b";;");
        push_csv(b, &t.inst_financ);
        b.push(b';');
        push_csv(b, &t.contract);
        b.extend_from_slice(b";;;;somente_no_s5003;;");
        push_csv(
            b,
            &format!(
                "o S-5003 ({}) traz o contrato, que não é de nenhum funcionário calculado neste lote",
                t.place
            ),
        );
        b.push(b';');
        push_money(b, t.total);
        b.extend_from_slice(b";diverge\n");
    }
    n
}
