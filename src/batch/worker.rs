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

    let employee = match decode_employee(&erow) {
        Ok(e) => e,
        Err(e) => {
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
    };

    let mut used: Used = std::mem::take(&mut out.scratch_used);
    used.clear();
    let month = build_month(ctx, slot, employee, &mut used, &mut out.rejects);
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

fn decode_employee(r: &Row<'_>) -> Result<Employee, FieldError> {
    let category = r.uint(cf::CATEGORIA, 101)?;
    let category = u16::try_from(category).map_err(|_| FieldError {
        column: "categoria",
        message: format!("categoria eSocial inválida '{category}'"),
    })?;
    let ddd = r.text(cf::DDD);
    let number = r.text(cf::TELEFONE);
    let phones = if ddd.is_empty() && number.is_empty() {
        Vec::new()
    } else {
        vec![Phone {
            ddd: ddd.to_owned(),
            number: number.to_owned(),
        }]
    };
    let owned = |col| r.optional(col).map(str::to_owned);
    Ok(Employee {
        matricula: r.text(cf::MATRICULA).to_owned(),
        cpf: r.required(cf::CPF)?.to_owned(),
        name: r.text(cf::NOME).to_owned(),
        category,
        salary: r.money(cf::SALARIO)?,
        personal: PersonalData {
            phones,
            work_email: owned(cf::EMAIL),
            birth_date: r.opt_date(cf::NASCIMENTO)?,
            rg_number: owned(cf::RG_NUMERO),
            rg_issuer: owned(cf::RG_ORGAO),
            rg_issue_date: r.opt_date(cf::RG_EMISSAO)?,
            mother_name: owned(cf::NOME_MAE),
        },
        margin_distribution: Vec::new(),
    })
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

fn build_month(
    ctx: &Ctx<'_>,
    slot: u32,
    mut employee: Employee,
    used: &mut Used,
    rejects: &mut RejectSink,
) -> EmployeeMonth {
    let c = ctx.competencia;
    let rows_of = |file: InputFile| {
        (
            ctx.table(file),
            ctx.index.groups[file.index()].of(slot as usize),
        )
    };

    // Ficha financeira: every closed movement; the competência's monthly one is the movement.
    let (table, rows) = rows_of(InputFile::FichaFinanceira);
    let mut history: Vec<(ClosedMovement, u32)> = Vec::new();
    let mut movement = Movement {
        competencia: c,
        periodo: ctx.periodo,
        events: Vec::new(),
        net_pay: None,
        available_remuneration: None,
    };
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
                if let Some((_, first)) = history
                    .iter()
                    .find(|(h, _)| h.competencia == comp && h.periodo == periodo)
                {
                    rejects.table_row(
                        table,
                        r as usize,
                        "competencia",
                        "L004",
                        format!(
                            "movimento de {comp} período {periodo} repetido (já na linha {})",
                            table.line(*first as usize)
                        ),
                    );
                    continue;
                }
                if comp == c && periodo == ctx.periodo {
                    movement.net_pay = Some(net);
                    movement.available_remuneration = rd;
                }
                history.push((
                    ClosedMovement {
                        competencia: comp,
                        periodo,
                        net_pay: net,
                        events: Default::default(),
                    },
                    r,
                ));
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
            .find(|(h, _)| h.competencia == comp && h.periodo == periodo);
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
            Some((h, _)) => {
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
    let mut contracts: Vec<LoanContract> = Vec::new();
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
                employee.margin_distribution.push(MarginShare {
                    institution: inst.to_owned(),
                    percent,
                });
                used.push((InputFile::Distribuicoes, r));
            }
        }
    }

    // Férias.
    let (table, rows) = rows_of(InputFile::Ferias);
    let mut vacations = Vec::new();
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
    let mut open_provisions = Vec::new();
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

    EmployeeMonth {
        competencia: c,
        employee,
        movement,
        history: history.into_iter().map(|(h, _)| h).collect(),
        contracts,
        vacations,
        open_provisions,
        termination: termination.map(|(t, _)| t),
    }
}
