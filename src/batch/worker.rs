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
//!   reasons and every other row of theirs is rejected as "funcionário não calculado".
//! - The movement of the competência is the ficha's row of that competência and the monthly
//!   period (`periodo` of the configuration, 1 if unset); every ficha row is also history.

use super::{ChunkOut, Ctx, RejectSink};
use crate::adapters::company::{col_funcionarios as cf, FieldError, InputFile, Row};
use crate::adapters::output::render_employee;
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

    if ctx.index.duplicate_rows(slot).next().is_some() {
        let dups: Vec<u32> = ctx.index.duplicate_rows(slot).collect();
        let lines: Vec<String> = std::iter::once(row as u32)
            .chain(dups.iter().copied())
            .map(|r| employees.line(r as usize).to_string())
            .collect();
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
        return;
    }

    // One month value per chunk, refilled for each employee: its strings and lists keep their
    // allocations from one employee to the next.
    let mut month = out.scratch_month.take().unwrap_or_else(|| empty_month(ctx));
    match decode_employee(&erow, &mut month.employee) {
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
            return;
        }
    }

    let mut used: Used = std::mem::take(&mut out.scratch_used);
    used.clear();
    build_month(ctx, slot, &mut month, &mut used, &mut out.rejects);
    let options = ComputeOptions {
        formula_traces: false,
        explanations: false,
    };
    match compute_month_with(ctx.config, &month, options) {
        Ok(result) => {
            out.used[InputFile::Funcionarios.index()] += 1;
            for (file, _) in &used {
                out.used[file.index()] += 1;
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
        }
        Err(issues) => {
            let errors: Vec<_> = issues.iter().filter(|i| i.is_error()).collect();
            let shown = if errors.is_empty() {
                issues.iter().collect()
            } else {
                errors
            };
            let code = shown.first().map_or("D900", |i| i.code.as_str()).to_owned();
            let field = shown.first().map_or(String::new(), |i| i.field.clone());
            let reason = shown
                .iter()
                .map(|i| format!("{} ({}): {}", i.code, i.field, i.message))
                .collect::<Vec<_>>()
                .join(" | ");
            out.rejects.table_row(
                employees,
                row,
                &field,
                &code,
                format!("funcionário não calculado: {reason}"),
            );
            let line = erow.line();
            for (file, r) in used {
                out.rejects.table_row(
                    ctx.table(file),
                    r as usize,
                    "",
                    "L008",
                    format!("funcionário não calculado (funcionarios.csv linha {line})"),
                );
            }
        }
    }
    out.scratch_month = Some(month);
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

/// Decodes the employee row into `e`, overwriting every field (the distribution is emptied,
/// for [`build_month`] to fill).
fn decode_employee(r: &Row<'_>, e: &mut Employee) -> Result<(), FieldError> {
    let category = r.uint(cf::CATEGORIA, 101)?;
    let category = u16::try_from(category).map_err(|_| FieldError {
        column: "categoria",
        message: format!("categoria eSocial inválida '{category}'"),
    })?;
    let cpf = r.required(cf::CPF)?;
    let salary = r.money(cf::SALARIO)?;
    let birth_date = r.opt_date(cf::NASCIMENTO)?;
    let rg_issue_date = r.opt_date(cf::RG_EMISSAO)?;
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

/// Fills `month` (whose employee is already decoded) with the employee's other rows; `used`
/// must come in empty and gets every row that is part of the month, ficha rows first.
fn build_month(
    ctx: &Ctx<'_>,
    slot: u32,
    month: &mut EmployeeMonth,
    used: &mut Used,
    rejects: &mut RejectSink,
) {
    let c = ctx.competencia;
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
                i64::from(row.uint(2, ctx.periodo as u32)?),
                row.money(3)?,
                row.opt_money(4)?,
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
                i64::from(row.uint(2, ctx.periodo as u32)?),
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
            movement.events.push(Event {
                code: code.to_owned(),
                kind,
                value,
                inss_incidence: false,
                irrf_incidence: false,
                nature: EventNature::Comum,
                habitual: true,
            });
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

    // Parcelas → contracts (grouped by institution and contract number, in file order).
    let (table, rows) = rows_of(InputFile::Parcelas);
    let contracts = &mut month.contracts;
    contracts.clear();
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| {
            Ok::<_, FieldError>((
                row.required(1)?,
                row.required(2)?,
                row.opt_date(3)?,
                row.competencia(4)?,
                row.money(5)?,
                row.opt_money(6)?,
            ))
        })();
        let (inst, number, start, comp, value, balance) = match decoded {
            Err(e) => {
                field_reject(rejects, &row, table, r, e);
                continue;
            }
            Ok(d) => d,
        };
        if let Some(reason) = unknown_institution(ctx, inst) {
            rejects.table_row(table, r as usize, "instituicao", "L003", reason);
            continue;
        }
        let k = match contracts
            .iter_mut()
            .position(|k| k.institution == inst && k.number == number)
        {
            Some(i) => &mut contracts[i],
            None => {
                contracts.push(LoanContract {
                    number: number.to_owned(),
                    institution: inst.to_owned(),
                    start: None,
                    installments: Vec::new(),
                    outstanding_balance: None,
                });
                contracts.last_mut().expect("just pushed")
            }
        };
        k.start = k.start.or(start);
        k.outstanding_balance = balance.or(k.outstanding_balance);
        k.installments.push(Installment {
            competencia: comp,
            value,
        });
        used.push((InputFile::Parcelas, r));
    }

    // Distribuição da margem.
    let (table, rows) = rows_of(InputFile::Distribuicoes);
    for &r in rows {
        let row = Row::new(table, r as usize);
        let decoded = (|| Ok::<_, FieldError>((row.required(1)?, row.money(2)?)))();
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
        let decoded = (|| Ok::<_, FieldError>((row.date(1)?, row.money(2)?, row.opt_money(3)?)))();
        let (date, net, rd) = match decoded {
            Err(e) => {
                field_reject(rejects, &row, table, r, e);
                continue;
            }
            Ok(d) => d,
        };
        if Competencia::of_date(date).ok() != Some(c) {
            rejects.table_row(
                table,
                r as usize,
                "data",
                "L006",
                format!(
                    "desligamento em {} fora da competência {c}",
                    date.format("%d/%m/%Y")
                ),
            );
            continue;
        }
        if let Some((_, first)) = &termination {
            rejects.table_row(
                table,
                r as usize,
                "data",
                "L004",
                format!(
                    "segunda rescisão na competência (a primeira está na linha {})",
                    table.line(*first as usize)
                ),
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
        let decoded = (|| {
            Ok::<_, FieldError>((
                row.required(1)?,
                row.competencia(2)?,
                row.competencia(3)?,
                row.money(4)?,
            ))
        })();
        match decoded {
            Err(e) => field_reject(rejects, &row, table, r, e),
            Ok((inst, origin, return_competencia, value)) => {
                if let Some(reason) = unknown_institution(ctx, inst) {
                    rejects.table_row(table, r as usize, "instituicao", "L003", reason);
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
}
