//! One employee: decode their rows, build the domain's [`EmployeeMonth`], compute, render.
//!
//! Runs on rayon's threads; everything it reads is shared by reference (tables, index, compiled
//! configuration) and everything it writes goes to the chunk's own [`ChunkOut`].
//!
//! Decisions (documented in `fixtures/README.md`):
//! - A row that does not decode is rejected and the employee is computed without it (TOTVS:
//!   "Uma parcela … não foi inserida"); an employee row that does not decode, or a matrícula
//!   repeated in `funcionarios.csv`, rejects the employee and all their rows.
//! - When the domain refuses the employee's month, the employee row carries the domain's
//!   reasons and every other row of theirs is rejected as "funcionário não calculado". So does
//!   a rejected rescission (unreadable, repeated, or before the competência): the month of an
//!   employee who may have left is not guessed.
//! - Nothing is summed that an institution sends once: a repeated installment (institution,
//!   contract, competência) or open provision (institution, origin, return) is rejected.
//! - The open provisions of an employee not computed are carried to the output unchanged.
//! - The movement of the competência is the ficha's row of that competência and the monthly
//!   period (`periodo` of the configuration, 1 if unset); every ficha row is also history.

use super::{ChunkOut, Ctx, RejectSink};
use crate::adapters::company::{col_funcionarios as cf, FieldError, InputFile, Row};
use crate::adapters::output::{render_employee, render_open_provisions, Buffers, OutputFile};
use crate::domain::types::MarginShare;
use crate::domain::{
    compute_month_with, ClosedMovement, Competencia, ComputeOptions, Employee, EmployeeMonth,
    Event, EventNature, Installment, LoanContract, Movement, OpenProvision, PersonalData, Phone,
    Termination, Vacation,
};
use rust_decimal::Decimal;

/// Rows of the employee that were decoded and are part of the month: (file, row).
type Used = Vec<(InputFile, u32)>;

/// Computes employee `slot` into `out`.
pub(crate) fn process(ctx: &Ctx<'_>, slot: u32, out: &mut ChunkOut) {
    let employees = ctx.table(InputFile::Funcionarios);
    let row = ctx.index.slots[slot as usize] as usize;
    let erow = Row::new(employees, row);
    let matricula = erow.text(cf::MATRICULA);

    if ctx.index.duplicate_rows(slot).next().is_some()
        || ctx.index.short_duplicates(slot).next().is_some()
    {
        let dups: Vec<u32> = ctx.index.duplicate_rows(slot).collect();
        // Lines of every copy, the ones of the wrong width (rejected as L007) included.
        let mut lines: Vec<u32> = std::iter::once(row as u32)
            .chain(dups.iter().copied())
            .map(|r| employees.line(r as usize))
            .chain(ctx.index.short_duplicates(slot))
            .collect();
        lines.sort_unstable();
        let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
        let reason = format!(
            "matrícula '{matricula}' repetida em funcionarios.csv (linhas {})",
            lines.join(", ")
        );
        for r in std::iter::once(row as u32).chain(dups) {
            out.rejects
                .table_row(employees, r as usize, "matricula", "L004", reason.clone());
        }
        reject_all_related(
            ctx,
            slot,
            matricula,
            &mut out.rejects,
            &format!("funcionário rejeitado: {reason}"),
        );
        carry_open_provisions(ctx, slot, matricula, &mut out.bufs);
        if let Some(plan) = ctx.esocial {
            let why = format!("funcionário rejeitado: {reason}");
            super::esocial::not_declared(ctx, plan, slot, &why, out);
        }
        return;
    }

    // One month value per chunk, refilled for each employee: its strings and lists keep their
    // allocations from one employee to the next.
    let mut month = out.scratch_month.take().unwrap_or_else(|| empty_month(ctx));
    let mut unreadable = Unreadable::default();
    match decode_employee(&erow, &mut month.employee, &mut unreadable) {
        Ok(()) => {}
        Err(e) => {
            out.scratch_month = Some(month);
            let reason = format!("{}: {}", e.column, e.message);
            out.rejects
                .table_row(employees, row, e.column, "L001", reason.clone());
            let line = erow.line();
            reject_all_related(
                ctx,
                slot,
                matricula,
                &mut out.rejects,
                &format!("funcionário rejeitado (funcionarios.csv linha {line}: {reason})"),
            );
            carry_open_provisions(ctx, slot, matricula, &mut out.bufs);
            if let Some(plan) = ctx.esocial {
                let why =
                    format!("funcionário rejeitado (funcionarios.csv linha {line}: {reason})");
                super::esocial::not_declared(ctx, plan, slot, &why, out);
            }
            return;
        }
    }

    let mut used: Used = std::mem::take(&mut out.scratch_used);
    used.clear();
    let refusal = build_month(ctx, slot, &mut month, &mut used, &mut out.rejects);
    if let Some(refusal) = refusal {
        not_computed(ctx, slot, refusal, &used, out);
        out.scratch_used = used;
        out.scratch_month = Some(month);
        return;
    }
    let options = ComputeOptions {
        formula_traces: false,
        explanations: false,
    };
    match compute_month_with(ctx.config, &month, options) {
        Ok(mut result) => {
            unreadable.explain(&mut result.consistency);
            out.used[InputFile::Funcionarios.index()] += 1;
            for (file, _) in &used {
                out.used[file.index()] += 1;
            }
            if let Some(plan) = ctx.esocial {
                super::esocial::declare_employee(ctx, plan, slot, &month, &result, &used, out);
            }
            out.scratch_used = used;
            out.totals.add(ctx, &result);
            render_employee(
                &mut out.bufs,
                ctx.formats,
                &ctx.competencia_iso,
                &month.employee.cpf,
                &result,
            );
            if ctx.rubrics.is_some() && ctx.formats.csv {
                let exclude = ctx.config.config().margem.excluir_nao_habituais;
                if let Ok(Some(parts)) = month.movement.available_remuneration_parts(exclude) {
                    crate::adapters::output::render_rd_parts(
                        out.bufs.of(OutputFile::RemuneracaoDisponivel),
                        &ctx.competencia_iso,
                        &month.employee.matricula,
                        &parts,
                    );
                }
            }
        }
        Err(issues) => {
            let errors: Vec<_> = issues.iter().filter(|i| i.is_error()).collect();
            let shown = if errors.is_empty() {
                issues.iter().collect()
            } else {
                errors
            };
            let reason = shown
                .iter()
                .map(|i| format!("{} ({}): {}", i.code, i.field, i.message))
                .collect::<Vec<_>>()
                .join(" | ");
            let refusal = Refusal {
                field: shown.first().map_or("", |i| i.field.as_str()),
                code: shown.first().map_or("D900", |i| i.code.as_str()),
                reason: format!("funcionário não calculado: {reason}"),
            };
            not_computed(ctx, slot, refusal, &used, out);
            out.scratch_used = used;
        }
    }
    out.scratch_month = Some(month);
}

/// An employee whose rows decode but whose month is not computed: their `funcionarios.csv`
/// row carries the reason, every row of `used` is rejected with it (`L008`), and their open
/// provisions go on to next month's file.
fn not_computed(ctx: &Ctx<'_>, slot: u32, refusal: Refusal<'_>, used: &Used, out: &mut ChunkOut) {
    let employees = ctx.table(InputFile::Funcionarios);
    let row = ctx.index.slots[slot as usize] as usize;
    out.rejects.table_row(
        employees,
        row,
        refusal.field,
        refusal.code,
        refusal.reason.clone(),
    );
    let line = employees.line(row);
    for &(file, r) in used {
        out.rejects.table_row(
            ctx.table(file),
            r as usize,
            "",
            "L008",
            format!("funcionário não calculado (funcionarios.csv linha {line})"),
        );
    }
    let matricula = employees.field(row, crate::adapters::company::COL_MATRICULA);
    carry_open_provisions(ctx, slot, matricula, &mut out.bufs);
    if let Some(plan) = ctx.esocial {
        super::esocial::not_declared(ctx, plan, slot, &refusal.reason, out);
    }
}

/// The fields of a `provisoes_abertas.csv` row: institution, origin, return, value.
fn decode_provision<'t>(
    row: &Row<'t>,
) -> Result<(&'t str, Competencia, Competencia, Decimal), FieldError> {
    Ok((
        row.required(1)?,
        row.competencia(2)?,
        row.competencia(3)?,
        row.amount(4)?,
    ))
}

/// An open provision is one per institution, origin and return: is that one in `list`?
fn has_provision(
    list: &[OpenProvision],
    inst: &str,
    origin: Competencia,
    back: Competencia,
) -> bool {
    list.iter()
        .any(|p| p.institution == inst && p.origin == origin && p.return_competencia == back)
}

/// Copies the open 454 provisions of an employee who is not computed this month, unchanged, to
/// the output `provisoes_abertas.csv` (the next month's input), so that no provision is lost
/// while the employee's data is being fixed. Their rows are rejected all the same; rows that
/// do not decode, name an unknown institution or repeat another are not copied.
fn carry_open_provisions(ctx: &Ctx<'_>, slot: u32, matricula: &str, bufs: &mut Buffers) {
    let rows = ctx.index.groups[InputFile::ProvisoesAbertas.index()].of(slot as usize);
    carry_provision_rows(ctx, rows, matricula, bufs.of(OutputFile::ProvisoesAbertas));
}

/// [`carry_open_provisions`] for `rows` of `provisoes_abertas.csv`, all of `matricula`.
pub(crate) fn carry_provision_rows(
    ctx: &Ctx<'_>,
    rows: &[u32],
    matricula: &str,
    out: &mut Vec<u8>,
) {
    let table = ctx.table(InputFile::ProvisoesAbertas);
    let mut carried: Vec<OpenProvision> = Vec::new();
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = decode_provision(&row);
        let Ok((inst, origin, return_competencia, value)) = decoded else {
            continue;
        };
        let repeated = has_provision(&carried, inst, origin, return_competencia);
        if repeated || unknown_institution(ctx, inst).is_some() {
            continue;
        }
        carried.push(OpenProvision {
            institution: inst.to_owned(),
            origin,
            return_competencia,
            value,
        });
    }
    render_open_provisions(out, matricula, &carried);
}

/// Rejects every row of `slot` outside `funcionarios.csv`.
fn reject_all_related(
    ctx: &Ctx<'_>,
    slot: u32,
    _matricula: &str,
    rejects: &mut RejectSink,
    reason: &str,
) {
    for file in InputFile::ALL.into_iter().skip(1) {
        let table = ctx.table(file);
        for &r in ctx.index.groups[file.index()].of(slot as usize) {
            rejects.table_row(table, r as usize, "", "L008", reason.to_owned());
        }
    }
}

/// Replaces the text of `slot` with `text`, keeping its allocation.
fn set_text(slot: &mut String, text: &str) {
    slot.clear();
    slot.push_str(text);
}

/// [`set_text`] for an optional field (`None` when the column is empty).
fn set_optional(slot: &mut Option<String>, text: Option<&str>) {
    match (slot.as_mut(), text) {
        (Some(s), Some(t)) => set_text(s, t),
        (None, Some(t)) => *slot = Some(t.to_owned()),
        (_, None) => *slot = None,
    }
}

/// An empty month of the competência, to be filled by [`decode_employee`] and [`build_month`].
fn empty_month(ctx: &Ctx<'_>) -> EmployeeMonth {
    EmployeeMonth {
        competencia: ctx.competencia,
        employee: Employee {
            matricula: String::new(),
            cpf: String::new(),
            name: String::new(),
            category: 101,
            salary: Decimal::ZERO,
            personal: PersonalData::default(),
            margin_distribution: Vec::new(),
        },
        movement: Movement {
            competencia: ctx.competencia,
            periodo: ctx.periodo,
            events: Vec::new(),
            net_pay: None,
            available_remuneration: None,
        },
        history: Vec::new(),
        contracts: Vec::new(),
        vacations: Vec::new(),
        open_provisions: Vec::new(),
        termination: None,
    }
}

/// Optional personal dates of the employee row that were there but could not be read. The
/// employee is computed as if they were missing — the consistency check then withholds the
/// margin (`docs/domain.md`, consistency) — and the check's issue says what was read instead of "não informada".
#[derive(Default)]
struct Unreadable {
    /// (the consistency issue's field, the decoding error).
    dates: [Option<(&'static str, FieldError)>; 2],
}

impl Unreadable {
    fn explain(&self, issues: &mut [crate::domain::DomainIssue]) {
        for (field, e) in self.dates.iter().flatten() {
            if let Some(issue) = issues.iter_mut().find(|i| i.field == *field) {
                issue.message = format!(
                    "{} ilegível em funcionarios.csv ({}: {}): corrija a data",
                    issue.message.trim_end_matches(" não informada"),
                    e.column,
                    e.message
                );
            }
        }
    }
}

/// Decodes the employee row into `e`, overwriting every field (the distribution is emptied,
/// for [`build_month`] to fill). An optional date that does not decode is left empty and noted
/// in `unreadable`; any other field that does not decode is the error.
fn decode_employee(
    r: &Row<'_>,
    e: &mut Employee,
    unreadable: &mut Unreadable,
) -> Result<(), FieldError> {
    let category = r.uint(cf::CATEGORIA, 101)?;
    let category = u16::try_from(category).map_err(|_| FieldError {
        column: "categoria",
        message: format!("categoria eSocial inválida '{category}'"),
    })?;
    let cpf = r.required(cf::CPF)?;
    let salary = r.amount(cf::SALARIO)?;
    let mut date = |col: usize, field: &'static str, slot: usize| {
        r.opt_date(col).unwrap_or_else(|err| {
            unreadable.dates[slot] = Some((field, err));
            None
        })
    };
    let birth_date = date(cf::NASCIMENTO, "dados_pessoais.data_nascimento", 0);
    let rg_issue_date = date(cf::RG_EMISSAO, "dados_pessoais.rg_data_emissao", 1);
    set_text(&mut e.matricula, r.text(cf::MATRICULA));
    set_text(&mut e.cpf, cpf);
    set_text(&mut e.name, r.text(cf::NOME));
    e.category = category;
    e.salary = salary;
    let p = &mut e.personal;
    let ddd = r.text(cf::DDD);
    let number = r.text(cf::TELEFONE);
    if ddd.is_empty() && number.is_empty() {
        p.phones.clear();
    } else {
        p.phones.truncate(1);
        match p.phones.first_mut() {
            Some(phone) => {
                set_text(&mut phone.ddd, ddd);
                set_text(&mut phone.number, number);
            }
            None => p.phones.push(Phone {
                ddd: ddd.to_owned(),
                number: number.to_owned(),
            }),
        }
    }
    set_optional(&mut p.work_email, r.optional(cf::EMAIL));
    p.birth_date = birth_date;
    set_optional(&mut p.rg_number, r.optional(cf::RG_NUMERO));
    set_optional(&mut p.rg_issuer, r.optional(cf::RG_ORGAO));
    p.rg_issue_date = rg_issue_date;
    set_optional(&mut p.mother_name, r.optional(cf::NOME_MAE));
    e.margin_distribution.clear();
    Ok(())
}

fn field_reject(
    rejects: &mut RejectSink,
    row: &Row<'_>,
    table: &crate::adapters::company::Table,
    r: u32,
    e: FieldError,
) {
    let _ = row;
    rejects.table_row(
        table,
        r as usize,
        e.column,
        "L001",
        format!("{}: {}", e.column, e.message),
    );
}

fn unknown_institution(ctx: &Ctx<'_>, id: &str) -> Option<String> {
    if ctx.config.config().institution(id).is_some() {
        None
    } else {
        let known: Vec<&str> = ctx
            .config
            .config()
            .instituicoes
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        Some(format!(
            "instituição '{id}' não configurada (configuradas: {})",
            known.join(", ")
        ))
    }
}

/// Why an employee whose rows decode cannot be computed this month (the reject of their
/// `funcionarios.csv` row).
struct Refusal<'a> {
    field: &'a str,
    code: &'a str,
    reason: String,
}

/// Fills `month` (whose employee is already decoded) with the employee's other rows; `used`
/// must come in empty and gets every row that is part of the month, ficha rows first.
///
/// Returns a [`Refusal`] when a rejected row leaves the month unknowable: a rescission row
/// that does not decode, is repeated, or ends the contract before the competência. Computing
/// such an employee as active would send a margin and a monthly 438 for someone who left.
fn build_month(
    ctx: &Ctx<'_>,
    slot: u32,
    month: &mut EmployeeMonth,
    used: &mut Used,
    rejects: &mut RejectSink,
) -> Option<Refusal<'static>> {
    let mut refusal: Option<Refusal<'static>> = None;
    let c = ctx.competencia;
    // The period of a ficha or event row that leaves it empty.
    let periodo = u32::try_from(ctx.periodo).unwrap_or(u32::MAX);
    let rows_of = |file: InputFile| {
        (
            ctx.table(file),
            ctx.index.groups[file.index()].of(slot as usize),
        )
    };

    // Ficha financeira: every closed movement; the competência's monthly one is the movement.
    let (table, rows) = rows_of(InputFile::FichaFinanceira);
    let movement = &mut month.movement;
    movement.events.clear();
    movement.net_pay = None;
    movement.available_remuneration = None;
    let history = &mut month.history;
    history.clear();
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| {
            Ok::<_, FieldError>((
                row.competencia(1)?,
                i64::from(row.uint(2, periodo)?),
                row.money(3)?,
                row.opt_amount(4)?,
            ))
        })();
        match decoded {
            Err(e) => field_reject(rejects, &row, table, r, e),
            Ok((comp, periodo, net, rd)) => {
                // `used` holds the ficha rows of `history`, in the same order.
                if let Some(first) = history
                    .iter()
                    .position(|h| h.competencia == comp && h.periodo == periodo)
                    .map(|i| used[i].1)
                {
                    rejects.table_row(
                        table,
                        r as usize,
                        "competencia",
                        "L004",
                        format!(
                            "movimento de {comp} período {periodo} repetido (já na linha {})",
                            table.line(first as usize)
                        ),
                    );
                    continue;
                }
                if comp == c && periodo == ctx.periodo {
                    movement.net_pay = Some(net);
                    movement.available_remuneration = rd;
                }
                history.push(ClosedMovement {
                    competencia: comp,
                    periodo,
                    net_pay: net,
                    events: Default::default(),
                });
                used.push((InputFile::FichaFinanceira, r));
            }
        }
    }

    // Eventos of the movements.
    let (table, rows) = rows_of(InputFile::Eventos);
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| {
            Ok::<_, FieldError>((
                row.competencia(1)?,
                i64::from(row.uint(2, periodo)?),
                row.required(3)?,
                row.event_kind(4)?,
                row.money(5)?,
            ))
        })();
        let (comp, periodo, code, kind, value) = match decoded {
            Err(e) => {
                field_reject(rejects, &row, table, r, e);
                continue;
            }
            Ok(d) => d,
        };
        let closed = history
            .iter_mut()
            .find(|h| h.competencia == comp && h.periodo == periodo);
        if comp == c && periodo == ctx.periodo {
            let mut event = Event {
                code: code.to_owned(),
                kind,
                value,
                inss_incidence: false,
                irrf_incidence: false,
                nature: EventNature::Comum,
                habitual: true,
            };
            if let Some(rubrics) = ctx.rubrics {
                match rubrics.get(code) {
                    Some(class) => {
                        event.inss_incidence = class.inss_incidence;
                        event.irrf_incidence = class.irrf_incidence;
                        event.nature = class.nature;
                        event.habitual = class.habitual;
                    }
                    // The engine's own events (438, 442, 453–456, 439/443) need no rubric.
                    None if !ctx.config.is_engine_event(code) => {
                        rejects.table_row(
                            table,
                            r as usize,
                            "evento",
                            "L010",
                            format!(
                                "evento '{code}' sem rubrica em rubricas.csv: cadastre a sua natureza e incidências, para que a remuneração disponível saiba se ele entra"
                            ),
                        );
                        continue;
                    }
                    None => {}
                }
            }
            movement.events.push(event);
        }
        match closed {
            Some(h) => {
                let slot = h.events.entry(code.to_owned()).or_insert(Decimal::ZERO);
                *slot = slot.saturating_add(value);
            }
            None if comp == c && periodo == ctx.periodo => {}
            None => {
                rejects.table_row(
                    table,
                    r as usize,
                    "competencia",
                    "L005",
                    format!("evento de {comp} período {periodo} sem movimento correspondente em ficha_financeira.csv"),
                );
                continue;
            }
        }
        used.push((InputFile::Eventos, r));
    }

    // With a rubric table the remuneração disponível is the one its rubrics give (the value
    // written in ficha_financeira.csv is not used); a month without any of them has none.
    if ctx.rubrics.is_some() {
        movement.available_remuneration = None;
        if !movement.knows_available_remuneration() {
            movement.available_remuneration = Some(Decimal::ZERO);
        }
    }

    // Parcelas → contracts (grouped by institution and contract number, in file order): the
    // institutions' own `parcelas.csv`, then the Crédito do Trabalhador's, whose institution is
    // its 3-digit code (received by the configured institution of that `codigo`, or by the one
    // generated for it).
    let contracts = &mut month.contracts;
    contracts.clear();
    // Per contract, the competência of the row its balance comes from.
    let mut balance_at: Vec<Option<Competencia>> = Vec::new();
    let cfg = ctx.config.config();
    for file in [InputFile::Parcelas, InputFile::ParcelasCredito] {
        let (table, rows) = rows_of(file);
        for &r in rows {
            let row = Row::new(table, r as usize);
            let decoded = (|| {
                Ok::<_, FieldError>((
                    row.required(1)?,
                    row.required(2)?,
                    row.opt_date(3)?,
                    row.competencia(4)?,
                    row.amount(5)?,
                    row.opt_amount(6)?,
                ))
            })();
            let (inst, number, start, comp, value, balance) = match decoded {
                Err(e) => {
                    field_reject(rejects, &row, table, r, e);
                    continue;
                }
                Ok(d) => d,
            };
            let inst = if file == InputFile::ParcelasCredito {
                cfg.institution_for_code(inst)
            } else {
                inst
            };
            if let Some(reason) = unknown_institution(ctx, inst) {
                rejects.table_row(table, r as usize, "instituicao", "L003", reason);
                continue;
            }
            let i = match contracts
                .iter()
                .position(|k| k.institution == inst && k.number == number)
            {
                Some(i) => i,
                None => {
                    contracts.push(LoanContract {
                        number: number.to_owned(),
                        institution: inst.to_owned(),
                        start: None,
                        installments: Vec::new(),
                        outstanding_balance: None,
                    });
                    balance_at.push(None);
                    contracts.len() - 1
                }
            };
            let k = &mut contracts[i];
            if k.installments.iter().any(|x| x.competencia == comp) {
                // The row the kept installment came from (rare path: rows are read again).
                let first = used
                    .iter()
                    .filter(|(f, _)| *f == InputFile::Parcelas || *f == InputFile::ParcelasCredito)
                    .map(|&(f, at)| (f, Row::new(ctx.table(f), at as usize)))
                    .find(|(f, row)| {
                        let id = if *f == InputFile::ParcelasCredito {
                            cfg.institution_for_code(row.text(1))
                        } else {
                            row.text(1)
                        };
                        id == inst
                            && row.text(2) == number
                            && crate::adapters::company::parse_competencia_field(row.text(4))
                                == Some(comp)
                    });
                let first = first.map_or_else(String::new, |(f, row)| {
                    if f == file {
                        format!("já na linha {}", row.line())
                    } else {
                        format!("já em {f}, linha {}", row.line())
                    }
                });
                rejects.table_row(
                    table,
                    r as usize,
                    "competencia",
                    "L004",
                    format!(
                        "parcela de {comp} do contrato {number} ({inst}) repetida ({first}): \
                         informe uma linha por contrato e competência"
                    ),
                );
                continue;
            }
            k.start = k.start.or(start);
            // The balance is the one of the latest installment up to the competência, whatever
            // the order of the rows.
            if let Some(b) = balance {
                let newer = match balance_at[i] {
                    None => true,
                    Some(at) => comp > at,
                };
                if comp <= c && newer {
                    k.outstanding_balance = Some(b);
                    balance_at[i] = Some(comp);
                }
            }
            k.installments.push(Installment {
                competencia: comp,
                value,
            });
            used.push((file, r));
        }
    }

    // Distribuição da margem.
    let (table, rows) = rows_of(InputFile::Distribuicoes);
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| Ok::<_, FieldError>((row.required(1)?, row.percent(2)?)))();
        match decoded {
            Err(e) => field_reject(rejects, &row, table, r, e),
            Ok((inst, percent)) => {
                if let Some(reason) = unknown_institution(ctx, inst) {
                    rejects.table_row(table, r as usize, "instituicao", "L003", reason);
                    continue;
                }
                month.employee.margin_distribution.push(MarginShare {
                    institution: inst.to_owned(),
                    percent,
                });
                used.push((InputFile::Distribuicoes, r));
            }
        }
    }

    // Férias.
    let (table, rows) = rows_of(InputFile::Ferias);
    let vacations = &mut month.vacations;
    vacations.clear();
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| Ok::<_, FieldError>((row.date(1)?, row.date(2)?, row.uint(3, 0)?)))();
        match decoded {
            Err(e) => field_reject(rejects, &row, table, r, e),
            Ok((start, end, abono_days)) => {
                if end < start {
                    rejects.table_row(
                        table,
                        r as usize,
                        "fim",
                        "L001",
                        format!(
                            "fim do gozo {} anterior ao início {}",
                            end.format("%d/%m/%Y"),
                            start.format("%d/%m/%Y")
                        ),
                    );
                    continue;
                }
                if let Some((field, reason)) = implausible_vacation(start, end, abono_days) {
                    rejects.table_row(table, r as usize, field, "L001", reason);
                    continue;
                }
                vacations.push(Vacation {
                    start,
                    end,
                    abono_days,
                });
                used.push((InputFile::Ferias, r));
            }
        }
    }

    // Rescisão in the competência.
    let (table, rows) = rows_of(InputFile::Rescisoes);
    let mut termination: Option<(Termination, u32)> = None;
    for &r in rows {
        let row = Row::new(table, r as usize);
        let line = table.line(r as usize);
        // A rescission of a later month is not this month's, whatever its other fields hold.
        let date = row.date(1);
        if let Ok(d) = &date {
            if Competencia::of_date(*d).ok().is_some_and(|w| w > c) {
                let day = d.format("%d/%m/%Y");
                rejects.table_row(
                    table,
                    r as usize,
                    "data",
                    "L006",
                    format!("desligamento em {day}, depois da competência {c}: a linha vale para a competência do desligamento"),
                );
                continue;
            }
        }
        let decoded = (|| Ok::<_, FieldError>((date?, row.money(2)?, row.opt_amount(3)?)))();
        let (date, net, rd) = match decoded {
            Err(e) => {
                refusal.get_or_insert(Refusal {
                    field: "",
                    code: "L009",
                    reason: format!(
                        "funcionário não calculado: a rescisão de rescisoes.csv linha {line} foi rejeitada ({}: {}); corrija-a e rode o lote de novo",
                        e.column, e.message
                    ),
                });
                field_reject(rejects, &row, table, r, e);
                continue;
            }
            Ok(d) => d,
        };
        if Competencia::of_date(date).ok() != Some(c) {
            let day = date.format("%d/%m/%Y");
            refusal.get_or_insert(Refusal {
                field: "",
                code: "L006",
                reason: format!(
                    "funcionário desligado em {day} (rescisoes.csv linha {line}), antes da competência {c}: não entra no lote do mês"
                ),
            });
            rejects.table_row(
                table,
                r as usize,
                "data",
                "L006",
                format!("desligamento em {day}, antes da competência {c}"),
            );
            continue;
        }
        if let Some((_, first)) = &termination {
            let first = table.line(*first as usize);
            refusal.get_or_insert(Refusal {
                field: "",
                code: "L009",
                reason: format!(
                    "funcionário não calculado: duas rescisões na competência (rescisoes.csv linhas {first} e {line}); deixe só uma"
                ),
            });
            rejects.table_row(
                table,
                r as usize,
                "data",
                "L004",
                format!("segunda rescisão na competência (a primeira está na linha {first})"),
            );
            continue;
        }
        termination = Some((
            Termination {
                date,
                movement: Movement {
                    competencia: c,
                    periodo: ctx.periodo,
                    events: Vec::new(),
                    net_pay: Some(net),
                    available_remuneration: rd,
                },
            },
            r,
        ));
        used.push((InputFile::Rescisoes, r));
    }

    // Provisões 454 em aberto.
    let (table, rows) = rows_of(InputFile::ProvisoesAbertas);
    let open_provisions = &mut month.open_provisions;
    open_provisions.clear();
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = decode_provision(&row);
        match decoded {
            Err(e) => field_reject(rejects, &row, table, r, e),
            Ok((inst, origin, return_competencia, value)) => {
                if let Some(reason) = unknown_institution(ctx, inst) {
                    rejects.table_row(table, r as usize, "instituicao", "L003", reason);
                    continue;
                }
                if has_provision(open_provisions, inst, origin, return_competencia) {
                    rejects.table_row(
                        table,
                        r as usize,
                        "competencia_origem",
                        "L004",
                        format!(
                            "provisão de {inst} com origem {origin} e retorno {return_competencia} repetida: \
                             informe uma linha por instituição e férias (some os valores)"
                        ),
                    );
                    continue;
                }
                open_provisions.push(OpenProvision {
                    institution: inst.to_owned(),
                    origin,
                    return_competencia,
                    value,
                });
                used.push((InputFile::ProvisoesAbertas, r));
            }
        }
    }

    month.termination = termination.map(|(t, _)| t);
    refusal
}

/// A vacation row that cannot be right (CLT arts. 130, 134 and 143): more than 30 days of gozo
/// in one period, more than 10 days of abono pecuniário, or both over 30 days. The field and
/// the reason.
fn implausible_vacation(
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
    abono_days: u32,
) -> Option<(&'static str, String)> {
    let gozo = end.signed_duration_since(start).num_days() + 1;
    if gozo > 30 {
        return Some((
            "fim",
            format!("gozo de {gozo} dias: um período de férias tem no máximo 30 dias corridos (CLT art. 130)"),
        ));
    }
    if abono_days > 10 {
        return Some((
            "dias_abono",
            format!("abono pecuniário de {abono_days} dias: no máximo 10, um terço das férias (CLT art. 143)"),
        ));
    }
    if gozo + i64::from(abono_days) > 30 {
        return Some((
            "dias_abono",
            format!(
                "gozo de {gozo} dias e abono de {abono_days} dias somam mais que os 30 dias de férias (CLT arts. 130 e 143)"
            ),
        ));
    }
    None
}
