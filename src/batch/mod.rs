//! Lote mensal: a month for a whole company — read, compute in parallel, write, and account
//! for every row.
//!
//! Pipeline of [`run`]:
//! 1. **Read and validate** the company folder ([`load`]): the configuration is validated and
//!    its formulas compiled once ([`CompiledConfig`]); the CSV tables are read in parallel into
//!    compact arenas ([`Table`]). A broken file stops here with `FILE:LINE: what`, before anything
//!    is written.
//! 2. **Group** every row under its employee, employees in matrícula order (`index`); rows of
//!    unknown employees are rejected. Exports usually come sorted by matrícula: then nothing is
//!    sorted and each table is merged with the employees in parallel blocks (a hash map is
//!    built only for a table that is not in order).
//! 3. **Compute** employees in parallel with rayon, a window at a time (bounded memory): each
//!    employee's rows are decoded, turned into the domain's [`crate::domain::EmployeeMonth`] and
//!    computed by [`crate::domain::compute_month_with`], sharing the compiled configuration by
//!    reference (`worker`). A bad row is rejected with file, line, field and reason; the
//!    employee's other rows still count.
//! 4. **Write** CSV and JSON Lines in matrícula order into a temporary folder inside the output
//!    folder, then move the files into place, so a failed run leaves nothing partial (and a
//!    successful one removes this program's files it did not write). A window
//!    is written while the next one is computed; rendered buffers are recycled from window to
//!    window, and each chunk reuses one [`crate::domain::EmployeeMonth`] for its employees, so
//!    the steady state allocates little besides the domain's results.
//! 5. **Account**: per input file, rows read = rows used + rows rejected; the [`Summary`] checks
//!    the identity and prints it, with totals per institution.
//!
//! What this module does not own: the rules ([`crate::domain`]), the file formats
//! ([`crate::adapters::company`], [`crate::adapters::output`]), the command line
//! (`src/cli/` in the binary).

mod esocial;
pub mod generator;
pub mod generator_ct;
mod index;
mod load;
mod sink;
mod summary;
mod worker;

pub use load::{load, Company, Rubrics};
use summary::{import_messages, render_summary};

use crate::adapters::company::{InputFile, LoadError, Table, COL_MATRICULA, CONFIG_FILE};
use crate::adapters::output::{
    self, Buffers, Formats, OutputFile, RejectRecord, MESSAGES_TXT, REJECTS_CSV, REJECTS_HEADER,
    REJECTS_JSONL, SUMMARY_TXT,
};
use crate::domain::margin::Eligibility;
use crate::domain::{Competencia, CompiledConfig, EmployeeResult};
use crate::money::format_money;
use index::Index;
use rayon::prelude::*;
use rust_decimal::Decimal;
use sink::OutputSink;
use std::path::{Path, PathBuf};

/// Employees computed per window: bounds the memory of rendered output.
/// How many tables a company folder has.
const INPUT_FILES: usize = InputFile::ALL.len();

const WINDOW: usize = 32 * 1024;
/// Employees per rayon task.
const CHUNK: usize = 256;

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Competência to compute.
    pub competencia: Competencia,
    /// Output folder (created if absent).
    pub output: PathBuf,
    /// Formats to write (rejects are always written as CSV; as JSON Lines too with `jsonl`).
    pub formats: Formats,
    /// Told of the employees done as the month is computed (the command line draws a bar with
    /// it); `None` computes silently.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// The timestamp of the eSocial event ids (default: now, Brasília time).
    pub esocial_at: Option<chrono::NaiveDateTime>,
    /// Sign the eSocial events with this certificate.
    pub signer: Option<std::sync::Arc<crate::adapters::esocial::Signer>>,
}

/// Receives the batch's progress: how many employees the month has, then how many more are
/// done after each block. Called from the thread that writes the outputs.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// The month has `total` employees to compute.
    fn start(&self, total: u64);
    /// `done` more employees were computed (or rejected).
    fn advance(&self, done: u64);
    /// The month is computed; the outputs are being moved into place.
    fn finish(&self);
}

/// Why a batch stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The input could not be read (see [`LoadError`]).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Writing the outputs failed; nothing was moved into the output folder.
    #[error("{path}: {message}")]
    Write {
        /// Path.
        path: PathBuf,
        /// Message.
        message: String,
    },
    /// The accounting identity failed: a bug, reported rather than hidden.
    #[error("conferência falhou: {0}")]
    Accounting(String),
    /// The options cannot work together (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// A money total of the month does not fit exactly (exit code 1: the input's values).
    #[error("{0}")]
    Overflow(String),
}

/// Rows accounted for in one input file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileCount {
    /// Data rows read.
    pub read: u64,
    /// Rows that are part of a computed employee's month.
    pub used: u64,
    /// Rows rejected (each one line of `rejeitados.csv`).
    pub rejected: u64,
}

/// Totals of one institution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstitutionTotals {
    /// Institution id.
    pub id: String,
    /// Margin sent (rateio share), over the employees whose margin is sent.
    pub margin_sent: Decimal,
    /// Installments (439) of the competência.
    pub installments: Decimal,
    /// Monthly discounts (438).
    pub discount_438: Decimal,
    /// Not discounted in the month.
    pub shortfall_438: Decimal,
    /// Rescission discounts (442).
    pub discount_442: Decimal,
    /// Contracts with a discount line (legal rule, payroll and rescission).
    pub contracts: u64,
}

/// Totals of the month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Per institution, in configuration order.
    pub institutions: Vec<InstitutionTotals>,
    /// Provisions 453, 454, 455, 456.
    pub provisions: [Decimal; 4],
    /// Employees computed.
    pub computed: u64,
    /// … whose margin is sent.
    pub margin_sent: u64,
    /// … not eligible.
    pub ineligible: u64,
    /// … with inconsistent data (`docs/domain.md`, consistency).
    pub inconsistent: u64,
    /// … with an invalid distribution.
    pub invalid_distribution: u64,
    /// … with a rescission in the competência.
    pub rescissions: u64,
    /// A money total went past what `Decimal` holds exactly (the run then fails).
    pub overflow: bool,
}

/// Adds `value` to `slot`, exactly, or records the overflow.
fn add_to(slot: &mut Decimal, value: Decimal, overflow: &mut bool) {
    match slot.checked_add(value) {
        Some(v) => *slot = v,
        None => *overflow = true,
    }
}

impl InstitutionTotals {
    /// Adds `other`'s money and contracts, exactly (`overflow` set otherwise).
    fn add(&mut self, other: &InstitutionTotals, overflow: &mut bool) {
        add_to(&mut self.margin_sent, other.margin_sent, overflow);
        add_to(&mut self.installments, other.installments, overflow);
        add_to(&mut self.discount_438, other.discount_438, overflow);
        add_to(&mut self.shortfall_438, other.shortfall_438, overflow);
        add_to(&mut self.discount_442, other.discount_442, overflow);
        self.contracts += other.contracts;
    }
}

impl Totals {
    fn new(config: &CompiledConfig) -> Totals {
        Totals {
            institutions: config
                .config()
                .instituicoes
                .iter()
                .map(|i| InstitutionTotals {
                    id: i.id.clone(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn inst(&mut self, id: &str) -> Option<&mut InstitutionTotals> {
        self.institutions.iter_mut().find(|i| i.id == id)
    }

    pub(crate) fn add(&mut self, _ctx: &Ctx<'_>, r: &EmployeeResult) {
        let mut overflow = self.overflow;
        self.computed += 1;
        if r.send_margin {
            self.margin_sent += 1;
        }
        if !matches!(r.margin.eligibility, Eligibility::Elegivel) {
            self.ineligible += 1;
        } else if !r.consistency.is_empty() {
            self.inconsistent += 1;
        } else if !r.rateio_issues.is_empty() {
            self.invalid_distribution += 1;
        }
        if r.rescission.is_some() {
            self.rescissions += 1;
        }
        if r.send_margin {
            for s in r.rateio.iter().flat_map(|x| x.shares.iter()) {
                if let Some(t) = self.inst(&s.institution) {
                    add_to(&mut t.margin_sent, s.value, &mut overflow);
                }
            }
        }
        for d in r.discounts.iter() {
            for i in &d.institutions {
                if let Some(t) = self.inst(&i.institution) {
                    add_to(&mut t.installments, i.installment, &mut overflow);
                    add_to(&mut t.discount_438, i.discount, &mut overflow);
                    add_to(&mut t.shortfall_438, i.shortfall, &mut overflow);
                }
            }
        }
        for x in r.rescission.iter() {
            for i in &x.discounts.institutions {
                if let Some(t) = self.inst(&i.institution) {
                    add_to(&mut t.discount_442, i.discount, &mut overflow);
                }
            }
        }
        let contracts = r
            .discounts
            .iter()
            .chain(r.rescission.iter().map(|x| &x.discounts))
            .flat_map(|d| d.contracts.iter());
        for k in contracts {
            if let Some(t) = self.inst(&k.institution) {
                t.contracts += 1;
            }
        }
        let lines = r.provisions.iter().chain(
            r.rescission
                .iter()
                .flat_map(|x| x.returned_provisions.iter()),
        );
        for p in lines {
            if let Some(i) = p
                .calc_code
                .checked_sub(453)
                .map(usize::from)
                .filter(|i| *i < 4)
            {
                add_to(&mut self.provisions[i], p.value, &mut overflow);
            }
        }
        self.overflow = overflow;
    }

    fn merge(&mut self, other: &Totals) {
        let mut overflow = self.overflow || other.overflow;
        for (a, b) in self.institutions.iter_mut().zip(&other.institutions) {
            a.add(b, &mut overflow);
        }
        for (a, b) in self.provisions.iter_mut().zip(other.provisions) {
            add_to(a, b, &mut overflow);
        }
        self.overflow = overflow;
        self.computed += other.computed;
        self.margin_sent += other.margin_sent;
        self.ineligible += other.ineligible;
        self.inconsistent += other.inconsistent;
        self.invalid_distribution += other.invalid_distribution;
        self.rescissions += other.rescissions;
    }

    /// The sum over the institutions, or `None` when it does not fit exactly.
    pub fn institutions_sum(&self) -> Option<InstitutionTotals> {
        let mut sum = InstitutionTotals {
            id: "total".to_owned(),
            ..Default::default()
        };
        let mut overflow = false;
        for i in &self.institutions {
            sum.add(i, &mut overflow);
        }
        (!overflow).then_some(sum)
    }
}

/// Collects rejects, one record per row, with the import messages they imply (`fixtures/README.md`, "Mensagens da importação").
#[derive(Debug)]
pub(crate) struct RejectSink {
    competencia: Competencia,
    records: Vec<RejectRecord>,
    per_file: [u64; INPUT_FILES],
    messages: Vec<(u32, String)>,
}

impl RejectSink {
    fn new(competencia: Competencia) -> Self {
        RejectSink {
            competencia,
            records: Vec::new(),
            per_file: [0; INPUT_FILES],
            messages: Vec::new(),
        }
    }

    /// A rejected line known only by its position.
    pub(crate) fn row(
        &mut self,
        file: InputFile,
        line: u32,
        field: &str,
        matricula: &str,
        code: &str,
        reason: String,
    ) {
        self.per_file[file.index()] += 1;
        self.records.push(RejectRecord {
            file_order: file.index(),
            file: file.file_name(),
            line,
            field: field.to_owned(),
            matricula: output::excerpt(matricula).into_owned(),
            code: code.to_owned(),
            reason: output::bound_quoted(reason),
        });
    }

    /// A rejected row of `table`; an installment of the competência also gets TOTVS's
    /// "não foi inserida" message.
    pub(crate) fn table_row(
        &mut self,
        table: &Table,
        row: usize,
        field: &str,
        code: &str,
        reason: String,
    ) {
        let matricula = table.field(row, crate::adapters::company::COL_MATRICULA);
        let line = table.line(row);
        if table.file == InputFile::Parcelas || table.file == InputFile::ParcelasCredito {
            let competencia =
                crate::adapters::company::parse_competencia_field(table.field(row, 4));
            if competencia == Some(self.competencia) {
                let raw = table.field(row, 5);
                let value = crate::money::parse_money(raw)
                    .map(format_money)
                    .unwrap_or_else(|_| output::excerpt(raw).into_owned());
                let matricula = output::excerpt(matricula);
                self.messages.push((
                    line,
                    format!(
                        "Uma parcela de valor {value} na competência {}, para a matrícula de funcionário {matricula}, não foi inserida.",
                        self.competencia
                    ),
                ));
            }
        }
        self.row(table.file, line, field, matricula, code, reason);
    }

    fn merge(&mut self, other: RejectSink) {
        for (a, b) in self.per_file.iter_mut().zip(other.per_file) {
            *a += b;
        }
        self.records.extend(other.records);
        self.messages.extend(other.messages);
    }
}

/// What every worker shares.
pub(crate) struct Ctx<'a> {
    pub config: &'a CompiledConfig,
    pub tables: &'a [Table],
    pub index: &'a Index,
    pub competencia: Competencia,
    pub competencia_iso: String,
    pub periodo: i64,
    pub formats: Formats,
    /// The rubric table, when the company has one.
    pub rubrics: Option<&'a Rubrics>,
    /// The eSocial plan, when the company has `esocial.toml`.
    pub esocial: Option<&'a crate::adapters::esocial::Plan>,
}

impl Ctx<'_> {
    pub(crate) fn table(&self, file: InputFile) -> &Table {
        &self.tables[file.index()]
    }
}

/// What a chunk of employees produces.
pub(crate) struct ChunkOut {
    pub bufs: Buffers,
    pub rejects: RejectSink,
    pub used: [u64; INPUT_FILES],
    pub totals: Totals,
    /// Reused per employee by the worker (rows used), to spare an allocation each.
    pub scratch_used: Vec<(InputFile, u32)>,
    /// The month refilled for each employee of the chunk (see `worker::process`).
    pub scratch_month: Option<crate::domain::EmployeeMonth>,
    /// The chunk's eSocial declarations.
    pub declared: crate::adapters::esocial::month::Declared,
}

/// The month's accounting and totals, as printed.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Competência.
    pub competencia: Competencia,
    /// Per input file, in [`InputFile::ALL`] order.
    pub files: Vec<(InputFile, FileCount)>,
    /// Totals.
    pub totals: Totals,
    /// Employees rejected (rows of `funcionarios.csv` rejected).
    pub employees_rejected: u64,
    /// Import messages written.
    pub messages: usize,
    /// eSocial, when the company has `esocial.toml`.
    pub esocial: Option<EsocialSummary>,
    /// The text printed on stdout and kept as `resumo.txt`.
    pub text: String,
}

/// The eSocial part of the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EsocialSummary {
    /// Events, items, reconciliation.
    pub totals: crate::adapters::esocial::EsocialTotals,
    /// The certificate's subject, when the events were signed.
    pub signed_by: Option<String>,
    /// S-5003 files read (`None`: no `esocial_retorno/`).
    pub s5003_files: Option<usize>,
}

/// Runs the month for the company in `dir`: reads, computes, writes into `options.output`.
pub fn run(dir: &Path, options: &BatchOptions) -> Result<Summary, BatchError> {
    // Two outputs (eventos.csv, provisoes_abertas.csv) have the names of inputs.
    if let (Ok(a), Ok(b)) = (dir.canonicalize(), options.output.canonicalize()) {
        if a == b {
            return Err(BatchError::Usage(format!(
                "a pasta de saída {} é a própria pasta da empresa: eventos.csv e provisoes_abertas.csv de saída sobrescreveriam os de entrada; use outra pasta, por exemplo --saida {}",
                options.output.display(),
                dir.join("saida").display()
            )));
        }
    }
    // Nor any other company's folder: the outputs would overwrite or remove its inputs.
    for input in [CONFIG_FILE, InputFile::Funcionarios.file_name()] {
        if options.output.join(input).exists() {
            return Err(BatchError::Usage(format!(
                "a pasta de saída {} tem {input}: é a pasta de uma empresa, e os arquivos de saída sobrescreveriam os de entrada; use uma pasta só para a saída",
                options.output.display()
            )));
        }
    }
    let started = std::time::Instant::now();
    let company = load(dir)?;
    timing("leitura", started);
    run_company(&company, options).map_err(|e| sink::as_user_sees(e, &options.output))
}

/// With `CONSIGNADO_TEMPOS=1`, prints the time of each phase on stderr (for benchmarks).
fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("CONSIGNADO_TEMPOS").is_some() {
        eprintln!("[tempo] {phase}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

/// Runs the month for a company already loaded.
pub fn run_company(company: &Company, options: &BatchOptions) -> Result<Summary, BatchError> {
    let c = options.competencia;
    let mut rejects = RejectSink::new(c);
    for table in &company.tables {
        let width = table.header_width;
        for short in &table.short_rows {
            rejects.row(
                table.file,
                short.line,
                "",
                &short.matricula,
                "L007",
                format!(
                    "linha com {} campos, o cabeçalho tem {width}: confira o separador ';' e os campos vazios",
                    short.fields
                ),
            );
        }
    }
    let started = std::time::Instant::now();
    let index = Index::build(&company.tables, &mut rejects);
    timing("agrupamento", started);
    let started = std::time::Instant::now();
    let plan = esocial::plan(company, options)?;
    let mut sink = OutputSink::create(&options.output, options.formats, plan.is_some())?;
    let mut es_totals = crate::adapters::esocial::EsocialTotals::default();
    let mut writer = match &plan {
        Some(p) => {
            let (w, n) = esocial::writer(p, &c.to_iso(), &sink.tmp)?;
            es_totals.events[0] += n;
            Some(w)
        }
        None => None,
    };
    let ctx = Ctx {
        config: &company.config,
        tables: &company.tables,
        index: &index,
        competencia: c,
        competencia_iso: c.to_iso(),
        periodo: company.config.config().periodo.unwrap_or(1),
        formats: options.formats,
        rubrics: company.rubrics.as_ref(),
        esocial: plan.as_ref(),
    };
    let mut s5003_seen: Vec<bool> = plan
        .as_ref()
        .and_then(|p| p.returned.as_ref())
        .map_or_else(Vec::new, |r| vec![false; r.totals.len()]);
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.start(index.slots.len() as u64);
    }

    let mut totals = Totals::new(&company.config);
    let mut used = [0u64; INPUT_FILES];
    let slots: Vec<u32> = (0..index.slots.len() as u32).collect();
    // Rendered buffers are recycled once written: no regrowth, no fresh pages per window.
    let pool: std::sync::Mutex<Vec<Buffers>> = std::sync::Mutex::new(Vec::new());
    let take_buffers = || {
        pool.lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default()
    };
    let compute = |window: &[u32]| -> Vec<ChunkOut> {
        window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut out = ChunkOut {
                    bufs: take_buffers(),
                    rejects: RejectSink::new(c),
                    used: [0; INPUT_FILES],
                    totals: Totals::new(&company.config),
                    scratch_used: Vec::new(),
                    scratch_month: None,
                    declared: Default::default(),
                };
                for &slot in chunk {
                    worker::process(&ctx, slot, &mut out);
                }
                out
            })
            .collect()
    };
    // Compute window n+1 while window n is written.
    let mut windows = slots.chunks(WINDOW);
    // Time spent writing (reported with `CONSIGNADO_TEMPOS`).
    let write_ns = std::sync::atomic::AtomicU64::new(0);
    let mut pending = windows.next().map(compute);
    while let Some(done) = pending.take() {
        let next = windows.next();
        let (written, computed) = rayon::join(
            || -> Result<(), BatchError> {
                let t = std::time::Instant::now();
                for chunk in &done {
                    sink.write_chunk(&chunk.bufs)?;
                    if let Some(w) = writer.as_mut() {
                        for e in &chunk.declared.events {
                            let doc = &chunk.bufs.events[e.start..e.end];
                            w.write(e.kind, &e.id, doc)
                                .map_err(|message| BatchError::Write {
                                    path: options.output.join(crate::adapters::esocial::EVENTS_DIR),
                                    message,
                                })?;
                        }
                    }
                }
                write_ns.fetch_add(
                    t.elapsed().as_nanos() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                Ok(())
            },
            || next.map(compute),
        );
        written?;
        let mut recycled = Vec::with_capacity(done.len());
        for mut chunk in done {
            if let Some(message) = chunk.declared.error.take() {
                return Err(BatchError::Write {
                    path: options.output.join(crate::adapters::esocial::EVENTS_DIR),
                    message,
                });
            }
            es_totals.merge(&chunk.declared.totals);
            chunk.declared.events.clear();
            for &i in &chunk.declared.s5003_seen {
                if let Some(seen) = s5003_seen.get_mut(i as usize) {
                    *seen = true;
                }
            }
            for (a, b) in used.iter_mut().zip(chunk.used) {
                *a += b;
            }
            totals.merge(&chunk.totals);
            if let Some(p) = progress {
                p.advance(chunk.totals.computed + chunk.rejects.per_file[0]);
            }
            rejects.merge(chunk.rejects);
            chunk.bufs.clear();
            recycled.push(chunk.bufs);
        }
        if let Ok(mut p) = pool.lock() {
            p.extend(recycled);
        }
        pending = computed;
    }
    // Open provisions of employees whose only line could not be read: after everyone else's.
    if !index.orphan_provisions.is_empty() {
        let table = &company.tables[InputFile::ProvisoesAbertas.index()];
        let mut bufs = Buffers::default();
        let matricula = |r: &u32| table.field(*r as usize, COL_MATRICULA);
        for rows in index
            .orphan_provisions
            .chunk_by(|a, b| matricula(a) == matricula(b))
        {
            let out = bufs.of(OutputFile::ProvisoesAbertas);
            worker::carry_provision_rows(&ctx, rows, matricula(&rows[0]), out);
        }
        sink.write_chunk(&bufs)?;
    }
    if let Some(w) = writer.as_mut() {
        w.finish().map_err(|message| BatchError::Write {
            path: options.output.join(crate::adapters::esocial::EVENTS_DIR),
            message,
        })?;
    }
    if let Some(p) = &plan {
        let mut bufs = Buffers::default();
        let n = esocial::unmatched_returned(p, &ctx.competencia_iso, &s5003_seen, &mut bufs);
        es_totals.situations[5] += n;
        es_totals.s5003_mismatches += n;
        sink.write_chunk(&bufs)?;
    }
    if let Some(p) = progress {
        p.finish();
    }
    if std::env::var_os("CONSIGNADO_TEMPOS").is_some() {
        eprintln!(
            "[tempo] gravação (soma): {:.3} s",
            write_ns.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9
        );
    }
    timing("cálculo e gravação", started);
    let started = std::time::Instant::now();

    // Rejects in file order, then line: deterministic whatever the thread schedule.
    rejects.records.par_sort_unstable();
    let mut text = Vec::with_capacity(rejects.records.len() * 96 + 64);
    text.extend_from_slice(REJECTS_HEADER.as_bytes());
    for r in &rejects.records {
        output::render_reject_csv(&mut text, r);
    }
    sink.write_file(REJECTS_CSV, &text)?;
    if options.formats.jsonl {
        text.clear();
        for r in &rejects.records {
            output::render_reject_json(&mut text, r);
        }
        sink.write_file(REJECTS_JSONL, &text)?;
    }

    // Import messages (`fixtures/README.md`, "Mensagens da importação").
    let messages = import_messages(company, c, &mut rejects.messages);
    sink.write_file(MESSAGES_TXT, messages.join("\n").add_newline())?;

    let files: Vec<(InputFile, FileCount)> = company
        .tables
        .iter()
        .map(|t| {
            let i = t.file.index();
            (
                t.file,
                FileCount {
                    read: t.rows_read,
                    used: used[i],
                    rejected: rejects.per_file[i],
                },
            )
        })
        .collect();
    if let Some((f, n)) = files.iter().find(|(_, n)| n.read != n.used + n.rejected) {
        sink.abandon();
        return Err(BatchError::Accounting(format!(
            "{f}: {} linhas lidas, {} usadas e {} rejeitadas",
            n.read, n.used, n.rejected
        )));
    }
    if totals.overflow || totals.institutions_sum().is_none() {
        sink.abandon();
        return Err(BatchError::Overflow(
            "um total do mês passa do maior valor exato que o motor guarda (cerca de 7,9 × 10^28): confira os valores de entrada e as fórmulas, que devem estar dando valores absurdos; nada foi gravado".to_owned(),
        ));
    }
    let mut summary = Summary {
        competencia: c,
        files,
        totals,
        employees_rejected: rejects.per_file[InputFile::Funcionarios.index()],
        messages: messages.len(),
        esocial: plan.as_ref().map(|p| EsocialSummary {
            totals: es_totals,
            signed_by: p.signer.as_ref().map(|s| s.subject().to_owned()),
            s5003_files: p.returned.as_ref().map(|r| r.files),
        }),
        text: String::new(),
    };
    summary.text = render_summary(&summary);
    sink.write_file(SUMMARY_TXT, &summary.text)?;
    sink.commit()?;
    timing("rejeitados, mensagens e resumo", started);
    Ok(summary)
}

trait AddNewline {
    fn add_newline(self) -> String;
}

impl AddNewline for String {
    fn add_newline(mut self) -> String {
        if !self.is_empty() {
            self.push('\n');
        }
        self
    }
}
