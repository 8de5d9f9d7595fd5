//! One worker's month in eSocial: the items of each discounted contract, the S-1200 and S-2299
//! that carry them, and one reconciliation line per contract.
//!
//! Which contracts are declared, and why a contract is not, is decided here from the domain's
//! results; the decisions are the ones of `docs/esocial.md` ("O que é declarado").

use super::events::{self, Consignado, Item, Rubric, Termination, Worker};
use super::s5003::Returned;
use super::settings::EsocialSettings;
use super::sign::Signer;
use super::{valid_inst_financ, valid_nr_doc};
use crate::adapters::output::{push_csv, push_json_str, push_money, Buffers, OutputFile};
use crate::domain::discount::DiscountResult;
use crate::domain::{Config, EmployeeResult};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The three event types written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventType {
    /// Tabela de rubricas.
    S1010,
    /// Remuneração do trabalhador (folha mensal).
    S1200,
    /// Desligamento.
    S2299,
}

impl EventType {
    /// The subfolder of the events of this type (`esocial/S-1200/`).
    pub fn folder(self) -> &'static str {
        match self {
            EventType::S1010 => "S-1010",
            EventType::S1200 => "S-1200",
            EventType::S2299 => "S-2299",
        }
    }
}

/// One event ready to be written ([`super::files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFile {
    /// Its type.
    pub kind: EventType,
    /// Its `Id`.
    pub id: String,
    /// The `<eSocial>` document, signed or not (no XML declaration).
    pub doc: Vec<u8>,
}

/// An institution whose contracts are declared: its 3-digit code and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declarable {
    code: String,
    rubric_438: Option<String>,
    rubric_442: Option<String>,
}

/// What the month's declaration needs, shared by every worker.
#[derive(Debug)]
pub struct Plan {
    /// The employer's eSocial data.
    pub settings: EsocialSettings,
    institutions: HashMap<String, Declarable>,
    rubrics: Vec<(String, String)>,
    /// The timestamp of the event ids.
    pub at: NaiveDateTime,
    /// The signer, when a certificate was given.
    pub signer: Option<std::sync::Arc<Signer>>,
    /// The S-5003 totals returned by eSocial, when supplied.
    pub returned: Option<Returned>,
    /// Whether the company has the government's installment file: only then is an item of a
    /// contract outside it a predicted warning 1989.
    pub has_government_file: bool,
}

impl Plan {
    /// The plan of a company: its configuration (with the platform institutions of the
    /// month already added) decides which institutions are declared and which rubrics they
    /// use.
    pub fn new(
        settings: EsocialSettings,
        config: &Config,
        at: NaiveDateTime,
        signer: Option<std::sync::Arc<Signer>>,
        returned: Option<Returned>,
        has_government_file: bool,
    ) -> Plan {
        let mut institutions = HashMap::new();
        let mut rubrics: Vec<(String, String)> = Vec::new();
        for inst in &config.instituicoes {
            let code = if inst.credito_trabalhador && valid_inst_financ(&inst.id) {
                Some(inst.id.clone())
            } else {
                inst.codigo.clone().filter(|c| valid_inst_financ(c))
            };
            let Some(code) = code else { continue };
            for event in [&inst.evento_438, &inst.evento_442].into_iter().flatten() {
                if !rubrics.iter().any(|(c, _)| c == event) {
                    let description = config
                        .event(event)
                        .map(|e| e.descricao.trim())
                        .filter(|d| !d.is_empty())
                        .unwrap_or("Desconto eConsignado");
                    let description: String = description
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(100)
                        .collect();
                    rubrics.push((event.clone(), description));
                }
            }
            institutions.insert(
                inst.id.clone(),
                Declarable {
                    code,
                    rubric_438: inst.evento_438.clone(),
                    rubric_442: inst.evento_442.clone(),
                },
            );
        }
        rubrics.sort();
        Plan {
            settings,
            institutions,
            rubrics,
            at,
            signer,
            returned,
            has_government_file,
        }
    }

    /// The consignado rubrics (code, description), each with its S-1010.
    pub fn rubrics(&self) -> &[(String, String)] {
        &self.rubrics
    }

    /// Is `code` one of the consignado rubrics (left out of the worker's other rubrics)?
    pub fn is_consignado_rubric(&self, code: &str) -> bool {
        self.rubrics.iter().any(|(c, _)| c == code)
    }

    /// The event number of the first worker event: the S-1010 come first.
    fn first_worker_event(&self) -> u64 {
        self.rubrics.len() as u64
    }

    /// Finishes an event: signs it when a certificate was given.
    fn finish(&self, kind: EventType, id: String, doc: Vec<u8>) -> Result<EventFile, String> {
        let doc = match &self.signer {
            Some(s) => s.sign(&doc)?,
            None => doc,
        };
        Ok(EventFile { kind, id, doc })
    }

    /// The S-1010 of every consignado rubric. `competencia` (`AAAA-MM`) is the `iniValid`
    /// unless `inicio_validade` is set.
    pub fn rubric_events(&self, competencia: &str) -> Result<Vec<EventFile>, String> {
        let s = &self.settings;
        let ini = s.ini_valid.as_deref().unwrap_or(competencia);
        self.rubrics
            .iter()
            .enumerate()
            .map(|(n, (code, description))| {
                let id = events::event_id(s.tp_insc, &s.nr_insc, self.at, n as u64);
                let doc = events::s1010(s, &id, &Rubric { code, description }, ini);
                self.finish(EventType::S1010, id, doc)
            })
            .collect()
    }
}

/// The rescission row's eSocial columns (`rescisoes.csv`), as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TerminationRow<'a> {
    /// Line of the row.
    pub line: u32,
    /// Rescission date.
    pub date: Option<NaiveDate>,
    /// `motivo_desligamento` (`mtvDeslig`, 2 digits).
    pub motive: &'a str,
    /// `aviso_indenizado` (`indPagtoAPI`: S or N).
    pub notice_paid: &'a str,
    /// `fim_aviso_projetado` (`dtProjFimAPI`), `DD/MM/AAAA` or `AAAA-MM-DD`.
    pub notice_end: &'a str,
    /// `fgts_consignataria` (`consigFGTS/insConsig`).
    pub fgts_institution: &'a str,
    /// `fgts_contrato` (`consigFGTS/nrContr`).
    pub fgts_contract: &'a str,
}

/// One worker's month, as the batch gathered it.
#[derive(Debug, Clone, Copy)]
pub struct WorkerMonth<'a> {
    /// Competência `AAAA-MM`.
    pub competencia: &'a str,
    /// CPF.
    pub cpf: &'a str,
    /// Matrícula.
    pub matricula: &'a str,
    /// eSocial category (0: the default of `esocial.toml`).
    pub category: u16,
    /// The domain's result.
    pub result: &'a EmployeeResult,
    /// The worker's other rubrics of the month (code, value), with a rubric table; empty
    /// without one.
    pub other_items: &'a [(&'a str, Decimal)],
    /// The rescission row, when the worker has one in the competência.
    pub termination: Option<TerminationRow<'a>>,
    /// (institution code, contract) of the worker's installments in the government's file.
    pub government: &'a [(&'a str, &'a str)],
    /// The worker's position in the run (0, 1, 2…): gives the events their sequence.
    pub position: u64,
}

/// Situations of the reconciliation, in the order the summary lists them.
pub const SITUATIONS: [&str; 6] = [
    "declarado",
    "declarado_parcial",
    "sem_desconto",
    "desconto_sem_item",
    "item_sem_parcela",
    "somente_no_s5003",
];

/// The eSocial figures of the month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EsocialTotals {
    /// Events written per type (S-1010, S-1200, S-2299).
    pub events: [u64; 3],
    /// Items written (consignado).
    pub items: u64,
    /// Their sum.
    pub value: Decimal,
    /// Reconciliation lines per situation ([`SITUATIONS`]).
    pub situations: [u64; 6],
    /// Predicted warnings 1988 and 1989.
    pub warnings: [u64; 2],
    /// Lines whose S-5003 total differs from what was declared (or is missing).
    pub s5003_mismatches: u64,
    /// Other rubrics left out of an S-1200 (value ≤ 0 or more than 2 places).
    pub other_left_out: u64,
}

impl EsocialTotals {
    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &EsocialTotals) {
        for (a, b) in self.events.iter_mut().zip(other.events) {
            *a += b;
        }
        self.items += other.items;
        self.value = self.value.saturating_add(other.value);
        for (a, b) in self.situations.iter_mut().zip(other.situations) {
            *a += b;
        }
        for (a, b) in self.warnings.iter_mut().zip(other.warnings) {
            *a += b;
        }
        self.s5003_mismatches += other.s5003_mismatches;
        self.other_left_out += other.other_left_out;
    }
}

/// One event of a chunk: its bytes are `Buffers::events[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    /// Its type.
    pub kind: EventType,
    /// Its `Id`.
    pub id: String,
    /// Start in the chunk's event bytes.
    pub start: usize,
    /// End in the chunk's event bytes.
    pub end: usize,
}

/// What one chunk of workers declares: events, totals, and the S-5003 entries it matched.
#[derive(Debug, Default)]
pub struct Declared {
    /// The events, in worker order.
    pub events: Vec<EventRef>,
    /// Totals.
    pub totals: EsocialTotals,
    /// Indices of the S-5003 entries matched ([`Returned`]).
    pub s5003_seen: Vec<u32>,
    /// The first event that could not be signed.
    pub error: Option<String>,
}

/// Why a discounted contract has no item.
fn worker_problem(w: &WorkerMonth<'_>) -> Option<String> {
    if w.cpf.len() != 11 || !w.cpf.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "CPF '{}' inválido para o eSocial (11 dígitos): corrija funcionarios.csv",
            w.cpf
        ));
    }
    let m = w.matricula;
    if m.is_empty() || m.chars().count() > 30 || m.trim() != m || m.chars().any(char::is_control) {
        return Some(format!(
            "matrícula '{m}' inválida para o eSocial (1 a 30 caracteres, sem espaços nas pontas)"
        ));
    }
    if w.category >= 1000 {
        return Some(format!("categoria {} inválida (3 dígitos)", w.category));
    }
    None
}

/// A date as `DD/MM/AAAA` or `AAAA-MM-DD`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

/// The S-2299 data of a rescission row, or why there can be no S-2299.
fn termination<'a>(t: &TerminationRow<'a>) -> Result<Termination<'a>, String> {
    let at = |what: String| format!("S-2299 não gerado: {what} (rescisoes.csv linha {})", t.line);
    let date = t
        .date
        .ok_or_else(|| at("data da rescisão ilegível".to_owned()))?;
    let m = t.motive.as_bytes();
    if m.len() != 2 || !m.iter().all(u8::is_ascii_digit) {
        return Err(at(if t.motive.is_empty() {
            "falta motivo_desligamento (2 dígitos da Tabela 19 do eSocial)".to_owned()
        } else {
            format!(
                "motivo_desligamento '{}' inválido (2 dígitos da Tabela 19 do eSocial)",
                t.motive
            )
        }));
    }
    let notice_paid = match t.notice_paid {
        "S" | "s" => true,
        "N" | "n" => false,
        "" => return Err(at("falta aviso_indenizado (S ou N)".to_owned())),
        other => return Err(at(format!("aviso_indenizado '{other}' inválido (S ou N)"))),
    };
    let notice_end = match (notice_paid, t.notice_end) {
        (true, "") => {
            return Err(at(
                "aviso indenizado sem fim_aviso_projetado (a data projetada do fim do aviso)"
                    .to_owned(),
            ))
        }
        (_, "") => None,
        (_, text) => Some(
            parse_date(text).ok_or_else(|| at(format!("fim_aviso_projetado '{text}' ilegível")))?,
        ),
    };
    let fgts = match (t.fgts_institution, t.fgts_contract) {
        ("", "") => None,
        (ins, nr)
            if (1..=5).contains(&ins.chars().count())
                && ins.trim() == ins
                && !ins.chars().any(char::is_control)
                && (1..=40).contains(&nr.len())
                && nr.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some((ins, nr))
        }
        (ins, nr) => {
            return Err(at(format!(
                "consignado com garantia do FGTS inválido: fgts_consignataria '{ins}' (1 a 5 caracteres) e fgts_contrato '{nr}' (1 a 40 dígitos) vão juntos"
            )))
        }
    };
    Ok(Termination {
        date,
        motive: t.motive,
        notice_paid,
        notice_end,
        fgts,
    })
}

/// One contract of a document, decided.
struct Line<'r> {
    document: &'static str,
    code: &'r str,
    contract: &'r str,
    installment: Decimal,
    discount: Decimal,
    item: Option<Decimal>,
    situation: usize,
    warning: Option<&'static str>,
    reason: String,
}

/// Declares one worker's month: items into the items table, the S-1200 and S-2299 into
/// `declared.events`, one reconciliation line per contract of a declared institution.
pub fn declare(plan: &Plan, w: &WorkerMonth<'_>, bufs: &mut Buffers, declared: &mut Declared) {
    let r = w.result;
    let problem = worker_problem(w);
    let category = if w.category == 0 {
        plan.settings.category.clone()
    } else {
        format!("{:03}", w.category)
    };
    let worker = Worker {
        cpf: w.cpf,
        matricula: w.matricula,
        category: &category,
    };
    let term = w.termination.as_ref().map(termination);

    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut folha: Vec<Item<'_>> = Vec::new();
    let mut rescisao: Vec<Item<'_>> = Vec::new();
    let documents: [(&'static str, Option<&DiscountResult>); 2] = [
        ("folha", r.discounts.as_ref()),
        ("rescisao", r.rescission.as_ref().map(|x| &x.discounts)),
    ];
    for (document, d) in documents {
        let Some(d) = d else { continue };
        for k in &d.contracts {
            let Some(inst) = plan.institutions.get(&k.institution) else {
                continue;
            };
            if k.installment.is_zero() && k.discount.is_zero() {
                continue;
            }
            let rubric = if document == "folha" {
                inst.rubric_438.as_deref()
            } else {
                inst.rubric_442.as_deref()
            };
            let in_file = w
                .government
                .iter()
                .any(|(c, n)| *c == inst.code && *n == k.contract);
            let shortfall_reason = || {
                k.reason
                    .map(|x| format!("{}: {}", x.code(), x.text()))
                    .unwrap_or_default()
            };
            let blocked = if !valid_nr_doc(&k.contract) {
                Some(format!(
                    "contrato '{}' fora do padrão nrDoc do eSocial (2 a 15 letras, dígitos e . / - _): confirme o número com a instituição",
                    k.contract
                ))
            } else if let Some(p) = &problem {
                Some(p.clone())
            } else if rubric.is_none() {
                Some(format!(
                    "a instituição {} não tem evento_{}: sem rubrica para o item",
                    k.institution,
                    if document == "folha" { "438" } else { "442" }
                ))
            } else if document == "rescisao" {
                match &term {
                    Some(Err(e)) => Some(e.clone()),
                    None => Some("rescisão sem linha em rescisoes.csv".to_owned()),
                    Some(Ok(_)) => None,
                }
            } else {
                None
            };
            let positive = k.discount > Decimal::ZERO;
            let (item, situation, warning, reason) = match (&blocked, positive) {
                (None, true) => {
                    let item = Item {
                        rubric: rubric.unwrap_or_default(),
                        value: k.discount,
                        consignado: Some(Consignado {
                            inst_financ: &inst.code,
                            nr_doc: &k.contract,
                        }),
                    };
                    if document == "folha" {
                        folha.push(item);
                    } else {
                        rescisao.push(item);
                    }
                    if plan.has_government_file && !in_file {
                        (
                            Some(k.discount),
                            4,
                            Some("1989"),
                            "item sem parcela no arquivo do Crédito do Trabalhador da competência: confira o contrato com a instituição".to_owned(),
                        )
                    } else if k.discount < k.installment {
                        (Some(k.discount), 1, None, shortfall_reason())
                    } else {
                        (Some(k.discount), 0, None, String::new())
                    }
                }
                (Some(why), true) => (None, 3, Some("1988"), why.clone()),
                (_, false) => (None, 2, Some("1988"), shortfall_reason()),
            };
            lines.push(Line {
                document,
                code: &inst.code,
                contract: &k.contract,
                installment: k.installment,
                discount: k.discount,
                item,
                situation,
                warning,
                reason,
            });
        }
    }

    // The other rubrics of the month go with the consignado items in the S-1200.
    let mut others: Vec<Item<'_>> = Vec::new();
    if problem.is_none() {
        for &(code, value) in w.other_items {
            if value > Decimal::ZERO && value.round_dp(2) == value && value.scale() <= 28 {
                others.push(Item {
                    rubric: code,
                    value,
                    consignado: None,
                });
            } else {
                declared.totals.other_left_out += 1;
            }
        }
    }

    let s = &plan.settings;
    let base = plan.first_worker_event() + 2 * w.position;
    let mut ids: [Option<String>; 2] = [None, None];
    if !folha.is_empty() || !others.is_empty() {
        let id = events::event_id(s.tp_insc, &s.nr_insc, plan.at, base);
        let mut all = others;
        all.extend(folha.iter().copied());
        let per = w.competencia.replace('-', "");
        let start = bufs.events.len();
        bufs.events = events::s1200(
            s,
            &id,
            w.competencia,
            &worker,
            &format!("FM{per}"),
            &all,
            std::mem::take(&mut bufs.events),
        );
        push_event(plan, declared, bufs, EventType::S1200, id.clone(), start);
        ids[0] = Some(id);
    }
    if let Some(Ok(t)) = &term {
        if !rescisao.is_empty() || t.fgts.is_some() {
            let id = events::event_id(s.tp_insc, &s.nr_insc, plan.at, base + 1);
            let per = w.competencia.replace('-', "");
            let start = bufs.events.len();
            bufs.events = events::s2299(
                s,
                &id,
                &worker,
                &format!("RS{per}"),
                t,
                &rescisao,
                std::mem::take(&mut bufs.events),
            );
            push_event(plan, declared, bufs, EventType::S2299, id.clone(), start);
            ids[1] = Some(id);
        }
    }

    // The items table.
    for (n, items) in [&folha, &rescisao].into_iter().enumerate() {
        let document = if n == 0 { "folha" } else { "rescisao" };
        let event = if n == 0 { "S-1200" } else { "S-2299" };
        for i in items {
            let Some(c) = i.consignado else { continue };
            declared.totals.items += 1;
            declared.totals.value = declared.totals.value.saturating_add(i.value);
            let id = ids[n].as_deref().unwrap_or("");
            render_item(bufs, w, document, event, id, i, c, &s.ide_tab_rubr);
        }
    }

    // Reconciliation, with the S-5003 totals when supplied.
    reconcile(
        plan,
        w.competencia,
        w.matricula,
        w.cpf,
        &lines,
        bufs,
        declared,
    );
}

/// The reconciliation lines of one worker's contracts, with the S-5003 totals when supplied.
fn reconcile(
    plan: &Plan,
    competencia: &str,
    matricula: &str,
    cpf: &str,
    lines: &[Line<'_>],
    bufs: &mut Buffers,
    declared: &mut Declared,
) {
    let declared_sum = |code: &str, contract: &str| -> Decimal {
        lines
            .iter()
            .filter(|l| l.code == code && l.contract == contract)
            .filter_map(|l| l.item)
            .fold(Decimal::ZERO, Decimal::saturating_add)
    };
    let b = bufs.of(OutputFile::ConciliacaoEsocial);
    for l in lines {
        declared.totals.situations[l.situation] += 1;
        match l.warning {
            Some("1988") => declared.totals.warnings[0] += 1,
            Some(_) => declared.totals.warnings[1] += 1,
            None => {}
        }
        let returned = plan.returned.as_ref().map(|ret| {
            let found = ret.find(cpf, l.code, l.contract);
            if let Some((index, _)) = found {
                declared.s5003_seen.push(index);
            }
            let total = found.map(|(_, t)| t);
            let ours = declared_sum(l.code, l.contract);
            let status = match total {
                Some(t) if t == ours => "confere",
                Some(_) => "diverge",
                None if ours.is_zero() => "confere",
                None if ret.has_worker(cpf) => "ausente",
                None => "sem_s5003",
            };
            (total, status)
        });
        if matches!(returned, Some((_, "diverge" | "ausente"))) {
            declared.totals.s5003_mismatches += 1;
        }
        b.extend_from_slice(competencia.as_bytes());
        b.push(b';');
        push_csv(b, matricula);
        b.push(b';');
        push_csv(b, cpf);
        b.push(b';');
        b.extend_from_slice(l.document.as_bytes());
        b.push(b';');
        push_csv(b, l.code);
        b.push(b';');
        push_csv(b, l.contract);
        b.push(b';');
        push_money(b, l.installment);
        b.push(b';');
        push_money(b, l.discount);
        b.push(b';');
        if let Some(v) = l.item {
            push_money(b, v);
        }
        b.push(b';');
        b.extend_from_slice(SITUATIONS[l.situation].as_bytes());
        b.push(b';');
        b.extend_from_slice(l.warning.unwrap_or("").as_bytes());
        b.push(b';');
        push_csv(b, &l.reason);
        b.push(b';');
        if let Some((total, status)) = returned {
            if let Some(t) = total {
                push_money(b, t);
            }
            b.push(b';');
            b.extend_from_slice(status.as_bytes());
        } else {
            b.push(b';');
        }
        b.push(b'\n');
    }
}

/// The reconciliation of a worker who was not computed (rejected, or refused by the domain):
/// each installment of the government's file (`contracts`: institution code, contract,
/// installment) is `sem_desconto` with `reason`, and eSocial will warn 1988.
#[allow(clippy::too_many_arguments)]
pub fn not_computed(
    plan: &Plan,
    competencia: &str,
    matricula: &str,
    cpf: &str,
    contracts: &[(&str, &str, Decimal)],
    reason: &str,
    bufs: &mut Buffers,
    declared: &mut Declared,
) {
    let lines: Vec<Line<'_>> = contracts
        .iter()
        .map(|&(code, contract, installment)| Line {
            document: "folha",
            code,
            contract,
            installment,
            discount: Decimal::ZERO,
            item: None,
            situation: 2,
            warning: Some("1988"),
            reason: reason.to_owned(),
        })
        .collect();
    reconcile(plan, competencia, matricula, cpf, &lines, bufs, declared);
}

/// Signs (when asked) the event written at `bufs.events[start..]` and keeps its place.
fn push_event(
    plan: &Plan,
    declared: &mut Declared,
    bufs: &mut Buffers,
    kind: EventType,
    id: String,
    start: usize,
) {
    if let Some(signer) = &plan.signer {
        match signer.sign(&bufs.events[start..]) {
            Ok(signed) => {
                bufs.events.truncate(start);
                bufs.events.extend_from_slice(&signed);
            }
            Err(e) => {
                bufs.events.truncate(start);
                declared.error.get_or_insert(e);
                return;
            }
        }
    }
    declared.totals.events[kind as usize] += 1;
    declared.events.push(EventRef {
        kind,
        id,
        start,
        end: bufs.events.len(),
    });
}

/// One line of the items table, CSV and JSON Lines.
#[allow(clippy::too_many_arguments)]
fn render_item(
    bufs: &mut Buffers,
    w: &WorkerMonth<'_>,
    document: &str,
    event: &str,
    id: &str,
    i: &Item<'_>,
    c: Consignado<'_>,
    table: &str,
) {
    let b = bufs.of(OutputFile::EsocialItens);
    b.extend_from_slice(w.competencia.as_bytes());
    b.push(b';');
    push_csv(b, w.matricula);
    b.push(b';');
    push_csv(b, w.cpf);
    b.push(b';');
    b.extend_from_slice(document.as_bytes());
    b.push(b';');
    b.extend_from_slice(event.as_bytes());
    b.push(b';');
    b.extend_from_slice(id.as_bytes());
    b.push(b';');
    push_csv(b, i.rubric);
    b.push(b';');
    push_csv(b, table);
    b.push(b';');
    push_money(b, i.value);
    b.push(b';');
    push_csv(b, c.inst_financ);
    b.push(b';');
    push_csv(b, c.nr_doc);
    b.push(b'\n');

    let j = bufs.of(OutputFile::EsocialItensJsonl);
    let fields: [(&str, &str); 10] = [
        ("competencia", w.competencia),
        ("matricula", w.matricula),
        ("cpf", w.cpf),
        ("documento", document),
        ("evento_esocial", event),
        ("id_evento", id),
        ("codigo_rubrica", i.rubric),
        ("tabela_rubricas", table),
        ("inst_financ", c.inst_financ),
        ("nr_doc", c.nr_doc),
    ];
    j.push(b'{');
    for (n, (key, value)) in fields.iter().enumerate() {
        if n > 0 {
            j.push(b',');
        }
        push_json_str(j, key);
        j.push(b':');
        push_json_str(j, value);
    }
    j.extend_from_slice(b",\"valor\":\"");
    push_money(j, i.value);
    j.extend_from_slice(b"\"}\n");
}
