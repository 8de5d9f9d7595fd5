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
//! ([`crate::cli`] in the binary).

pub mod generator;
pub mod generator_ct;
mod index;
mod worker;

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
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Employees computed per window: bounds the memory of rendered output.
/// How many tables a company folder has.
const INPUT_FILES: usize = InputFile::ALL.len();

const WINDOW: usize = 32 * 1024;
/// Employees per rayon task.
const CHUNK: usize = 256;

/// A company folder read and validated.
#[derive(Debug)]
pub struct Company {
    /// The configuration, validated and compiled.
    pub config: CompiledConfig,
    /// The tables, by [`InputFile::index`].
    pub tables: Vec<Table>,
    /// The rubric table (`rubricas.csv`), when the company has one: the remuneração
    /// disponível is then computed from the month's events.
    pub rubrics: Option<Rubrics>,
}

/// The company's rubrics by event code, classified for the remuneração disponível.
pub type Rubrics = std::collections::HashMap<String, crate::adapters::rubrics::RubricClass>;

/// Reads `rubricas.csv` (absent: `None`). A row that does not read, or a code given twice,
/// stops the run: every employee's remuneração disponível depends on the table.
fn load_rubrics(dir: &Path) -> Result<Option<Rubrics>, LoadError> {
    use crate::adapters::rubrics::{classify, parse_rubric_fields};
    let path = dir.join(InputFile::Rubricas.file_name());
    if !path.exists() {
        return Ok(None);
    }
    let table = Table::read(dir, InputFile::Rubricas)?;
    let mut rubrics = Rubrics::with_capacity(table.len());
    let mut lines: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for r in 0..table.len() {
        let f = |c: usize| table.field(r, c);
        let line = table.line(r);
        let bad = |field: &str, message: &str| LoadError::Format {
            path: path.clone(),
            line: u64::from(line),
            message: format!("{field}: {message}"),
        };
        let habitual = if f(7).is_empty() { "sim" } else { f(7) };
        let rubric = parse_rubric_fields(f(0), f(2), f(3), f(4), f(5), f(6), habitual)
            .map_err(|(field, message)| bad(&field, &message))?;
        let class = classify(&rubric).map_err(|message| bad("natureza", &message))?;
        if let Some(first) = lines.insert(f(0).to_owned(), line) {
            return Err(bad(
                "evento",
                &format!(
                    "rubrica '{}' repetida (já na linha {first}): uma linha por evento",
                    f(0)
                ),
            ));
        }
        rubrics.insert(f(0).to_owned(), class);
    }
    Ok(Some(rubrics))
}

/// Reads and validates a company folder: configuration and tables (in parallel).
pub fn load(dir: &Path) -> Result<Company, LoadError> {
    let meta = std::fs::metadata(dir).map_err(|e| LoadError::Io {
        path: dir.to_path_buf(),
        message: crate::adapters::company::io_message(&e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::Io {
            path: dir.to_path_buf(),
            message: "não é uma pasta de empresa".to_owned(),
        });
    }
    let config_path = dir.join(CONFIG_FILE);
    if !config_path.exists() {
        return Err(LoadError::Missing {
            path: config_path,
            message: "a pasta da empresa não tem configuracao.toml: crie-o (modelo comentado em fixtures/domain/config.example.toml)".to_owned(),
        });
    }
    let (config, tables) = rayon::join(
        || load_config(&config_path),
        || {
            InputFile::ALL
                .par_iter()
                .map(|&f| Table::read(dir, f))
                .collect::<Vec<_>>()
        },
    );
    let (config, text) = config?;
    let tables = tables.into_iter().collect::<Result<Vec<_>, _>>()?;
    let rubrics = load_rubrics(dir)?;
    // The institutions of the Crédito do Trabalhador installments need no configuration.
    let credit = &tables[InputFile::ParcelasCredito.index()];
    // Each code once, with the name of its first line.
    let mut names: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for r in 0..credit.len() {
        let code = credit.field(r, 1);
        if crate::domain::platform::is_institution_code(code) {
            names.entry(code).or_insert_with(|| credit.field(r, 9));
        }
    }
    let codes: Vec<(String, String)> = names
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n.to_owned()))
        .collect();
    let config = CompiledConfig::compile(config.with_platform_institutions(&codes))
        .map_err(|issues| config_error(&config_path, &text, &issues))?;
    Ok(Company {
        config,
        tables,
        rubrics,
    })
}

/// Reads and parses `configuracao.toml` (compiled once the tables are read).
fn load_config(path: &Path) -> Result<(crate::domain::Config, String), LoadError> {
    let text = std::fs::read(path).map_err(|e| LoadError::Io {
        path: path.to_path_buf(),
        message: crate::adapters::company::io_message(&e),
    })?;
    let text = String::from_utf8(text).map_err(|_| LoadError::Format {
        path: path.to_path_buf(),
        line: 1,
        message: "o arquivo não está em UTF-8".to_owned(),
    })?;
    match crate::domain::Config::from_toml_str(&text) {
        Ok(config) => Ok((config, text)),
        Err(issues) => Err(config_error(path, &text, &issues)),
    }
}

/// The configuration's errors, each placed in the TOML file where possible.
fn config_error(path: &Path, text: &str, issues: &[crate::domain::DomainIssue]) -> LoadError {
    {
        let name = path.display();
        LoadError::Config {
            issues: issues
                .iter()
                .filter(|i| i.is_error())
                .map(|i| {
                    let at_position = i
                        .field
                        .split(':')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                    if at_position {
                        format!("{name}:{}: erro[{}] {}", i.field, i.code, i.message)
                    } else if let Some(m) = formula_message(text, &i.field, &i.code, &i.message) {
                        format!("{name}:{m}")
                    } else {
                        format!("{name}: erro[{}] {}: {}", i.code, i.field, i.message)
                    }
                })
                .collect(),
        }
    }
}

/// A formula's diagnostic (`FIELD:LINE:COL: erro[CODE]: TEXT`) placed in the TOML file:
/// `TOML_LINE:TOML_COL: erro[CODE] FIELD (linha L, coluna C da fórmula): TEXT`. `None` when the
/// message is not such a diagnostic or the formula's text cannot be found verbatim in the file
/// (written with escapes, say).
fn formula_message(toml_text: &str, field: &str, code: &str, message: &str) -> Option<String> {
    let rest = message.strip_prefix(field)?.strip_prefix(':')?;
    let mut parts = rest.splitn(3, ':');
    let line: usize = parts.next()?.parse().ok()?;
    let col: usize = parts.next()?.parse().ok()?;
    let text = parts
        .next()?
        .trim_start()
        .strip_prefix(&format!("erro[{code}]:"))?
        .trim_start();
    let source = toml_string(toml_text, field)?;
    let start = toml_text.find(&source)?;
    if toml_text.matches(source.as_str()).nth(1).is_some() {
        return None;
    }
    let before = &toml_text[..start];
    let start_line = before.matches('\n').count() + 1;
    let start_col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let (at_line, at_col) = if line == 1 {
        (start_line, start_col + col - 1)
    } else {
        (start_line + line - 1, col)
    };
    Some(format!(
        "{at_line}:{at_col}: erro[{code}] {field} (linha {line}, coluna {col} da fórmula): {text}"
    ))
}

/// The string at `field` (`a.b`, `a[2].b`) of a TOML document.
fn toml_string(toml_text: &str, field: &str) -> Option<String> {
    let doc: toml::Table = toml::from_str(toml_text).ok()?;
    let mut value: Option<&toml::Value> = None;
    for part in field.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, Some(i.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (part, None),
        };
        let table = match value {
            None => &doc,
            Some(v) => v.as_table()?,
        };
        let mut v = table.get(key)?;
        if let Some(i) = index {
            v = v.as_array()?.get(i)?;
        }
        value = Some(v);
    }
    value?.as_str().map(str::to_owned)
}

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Competência to compute.
    pub competencia: Competencia,
    /// Output folder (created if absent).
    pub output: PathBuf,
    /// Formats to write (rejects are always written as CSV; as JSON Lines too with `jsonl`).
    pub formats: Formats,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
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
    /// … with inconsistent data (SPEC §2.6).
    pub inconsistent: u64,
    /// … with an invalid distribution.
    pub invalid_distribution: u64,
    /// … with a rescission in the competência.
    pub rescissions: u64,
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
                    t.margin_sent = t.margin_sent.saturating_add(s.value);
                }
            }
        }
        for d in r.discounts.iter() {
            for i in &d.institutions {
                if let Some(t) = self.inst(&i.institution) {
                    t.installments = t.installments.saturating_add(i.installment);
                    t.discount_438 = t.discount_438.saturating_add(i.discount);
                    t.shortfall_438 = t.shortfall_438.saturating_add(i.shortfall);
                }
            }
        }
        for x in r.rescission.iter() {
            for i in &x.discounts.institutions {
                if let Some(t) = self.inst(&i.institution) {
                    t.discount_442 = t.discount_442.saturating_add(i.discount);
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
                self.provisions[i] = self.provisions[i].saturating_add(p.value);
            }
        }
    }

    fn merge(&mut self, other: &Totals) {
        for (a, b) in self.institutions.iter_mut().zip(&other.institutions) {
            a.margin_sent = a.margin_sent.saturating_add(b.margin_sent);
            a.installments = a.installments.saturating_add(b.installments);
            a.discount_438 = a.discount_438.saturating_add(b.discount_438);
            a.shortfall_438 = a.shortfall_438.saturating_add(b.shortfall_438);
            a.discount_442 = a.discount_442.saturating_add(b.discount_442);
            a.contracts += b.contracts;
        }
        for (a, b) in self.provisions.iter_mut().zip(other.provisions) {
            *a = a.saturating_add(b);
        }
        self.computed += other.computed;
        self.margin_sent += other.margin_sent;
        self.ineligible += other.ineligible;
        self.inconsistent += other.inconsistent;
        self.invalid_distribution += other.invalid_distribution;
        self.rescissions += other.rescissions;
    }
}

/// Collects rejects, one record per row, with the import messages they imply (SPEC §2.7).
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
            matricula: matricula.to_owned(),
            code: code.to_owned(),
            reason,
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
                    .unwrap_or_else(|_| raw.to_owned());
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
    /// The text printed on stdout and kept as `resumo.txt`.
    pub text: String,
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
    run_company(&company, options)
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
    let ctx = Ctx {
        config: &company.config,
        tables: &company.tables,
        index: &index,
        competencia: c,
        competencia_iso: c.to_iso(),
        periodo: company.config.config().periodo.unwrap_or(1),
        formats: options.formats,
        rubrics: company.rubrics.as_ref(),
    };

    let mut sink = OutputSink::create(&options.output, options.formats)?;
    let progress = if options.progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(index.slots.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {wide_bar} {pos}/{len} funcionários ({per_sec}, falta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };

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
            for (a, b) in used.iter_mut().zip(chunk.used) {
                *a += b;
            }
            totals.merge(&chunk.totals);
            progress.inc(chunk.totals.computed + chunk.rejects.per_file[0]);
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
    progress.finish_and_clear();
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

    // Import messages (SPEC §2.7).
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
    let mut summary = Summary {
        competencia: c,
        files,
        totals,
        employees_rejected: rejects.per_file[InputFile::Funcionarios.index()],
        messages: messages.len(),
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

fn import_messages(
    company: &Company,
    c: Competencia,
    not_inserted: &mut [(u32, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    if company.config.config().eventos.is_empty() {
        out.push("Nenhum evento de folha cadastrado.".to_owned());
    }
    let iso = c.to_iso();
    let found: usize = [InputFile::Parcelas, InputFile::ParcelasCredito]
        .iter()
        .map(|f| {
            let parcelas = &company.tables[f.index()];
            (0..parcelas.len())
                .filter(|&r| parcelas.field(r, 4) == iso)
                .count()
        })
        .sum();
    if found == 0 {
        out.push(format!(
            "Nenhuma parcela a ser consumida na competência {c}."
        ));
    } else {
        out.push(format!(
            "Foram encontradas {found} parcelas para serem importadas na competência {c}."
        ));
    }
    not_inserted.sort();
    out.extend(not_inserted.iter().map(|(_, m)| m.clone()));
    out
}

fn render_summary(s: &Summary) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Lote consignado — competência {}", s.competencia);
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "{:<34}{:>12}{:>12}{:>12}",
        "Linhas por arquivo", "lidas", "usadas", "rejeitadas"
    );
    let mut total = FileCount::default();
    for (f, n) in &s.files {
        let _ = writeln!(
            t,
            "  {:<32}{:>12}{:>12}{:>12}",
            f.file_name(),
            n.read,
            n.used,
            n.rejected
        );
        total.read += n.read;
        total.used += n.used;
        total.rejected += n.rejected;
    }
    let _ = writeln!(
        t,
        "  {:<32}{:>12}{:>12}{:>12}",
        "total", total.read, total.used, total.rejected
    );
    let _ = writeln!(
        t,
        "Conferência: lidas = usadas + rejeitadas em todos os arquivos."
    );
    let _ = writeln!(t);
    let x = &s.totals;
    let _ = writeln!(
        t,
        "Funcionários: {} calculados, {} linhas de funcionarios.csv rejeitadas (rejeitados.csv).",
        x.computed, s.employees_rejected
    );
    let _ = writeln!(
        t,
        "  margem enviada: {}; não elegíveis: {}; dados inconsistentes: {}; distribuição inválida: {}; rescisões: {}",
        x.margin_sent, x.ineligible, x.inconsistent, x.invalid_distribution, x.rescissions
    );
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "{:<18}{:>16}{:>16}{:>16}{:>16}{:>16}{:>11}",
        "Por instituição",
        "margem enviada",
        "parcelas 439",
        "desconto 438",
        "não descontado",
        "desconto 442",
        "contratos"
    );
    let mut sum = InstitutionTotals {
        id: "total".to_owned(),
        ..Default::default()
    };
    for i in &x.institutions {
        let _ = writeln!(
            t,
            "  {:<16}{:>16}{:>16}{:>16}{:>16}{:>16}{:>11}",
            i.id,
            format_money(i.margin_sent),
            format_money(i.installments),
            format_money(i.discount_438),
            format_money(i.shortfall_438),
            format_money(i.discount_442),
            i.contracts
        );
        sum.margin_sent = sum.margin_sent.saturating_add(i.margin_sent);
        sum.installments = sum.installments.saturating_add(i.installments);
        sum.discount_438 = sum.discount_438.saturating_add(i.discount_438);
        sum.shortfall_438 = sum.shortfall_438.saturating_add(i.shortfall_438);
        sum.discount_442 = sum.discount_442.saturating_add(i.discount_442);
        sum.contracts += i.contracts;
    }
    let _ = writeln!(
        t,
        "  {:<16}{:>16}{:>16}{:>16}{:>16}{:>16}{:>11}",
        "total",
        format_money(sum.margin_sent),
        format_money(sum.installments),
        format_money(sum.discount_438),
        format_money(sum.shortfall_438),
        format_money(sum.discount_442),
        sum.contracts
    );
    let _ = writeln!(
        t,
        "  contratos: linhas de contratos.csv, um resultado por contrato (com fórmula própria, o total da fórmula repartido do contrato mais antigo ao mais novo)."
    );
    let _ = writeln!(t);
    let p = &x.provisions;
    let _ = writeln!(
        t,
        "Provisões de férias: 453 = {}; 454 = {}; 455 = {}; 456 = {}",
        format_money(p[0]),
        format_money(p[1]),
        format_money(p[2]),
        format_money(p[3])
    );
    let _ = writeln!(t, "Mensagens de importação: {} (mensagens.txt)", s.messages);
    t
}

/// The output folder: files are written into a temporary folder inside it and moved into
/// place only when everything succeeded.
struct OutputSink {
    dir: PathBuf,
    tmp: PathBuf,
    writers: Vec<(OutputFile, std::io::BufWriter<std::fs::File>)>,
    extra: Vec<&'static str>,
    done: bool,
}

impl OutputSink {
    fn create(dir: &Path, formats: Formats) -> Result<OutputSink, BatchError> {
        let err = |path: &Path, e: std::io::Error| BatchError::Write {
            path: path.to_path_buf(),
            message: crate::adapters::company::io_message(&e),
        };
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        let tmp = dir.join(format!(".consignado-parcial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| err(&tmp, e))?;
        let mut sink = OutputSink {
            dir: dir.to_path_buf(),
            tmp,
            writers: Vec::new(),
            extra: Vec::new(),
            done: false,
        };
        for f in OutputFile::ALL {
            let wanted = match f {
                OutputFile::ProvisoesAbertas => true,
                _ if f.is_jsonl() => formats.jsonl,
                _ => formats.csv,
            };
            if !wanted {
                continue;
            }
            let path = sink.tmp.join(f.file_name());
            let file = std::fs::File::create(&path).map_err(|e| err(&path, e))?;
            // Chunks of 64 KiB or more go straight to the file, smaller ones are gathered.
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            w.write_all(f.header().as_bytes())
                .map_err(|e| err(&path, e))?;
            sink.writers.push((f, w));
        }
        Ok(sink)
    }

    fn write_chunk(&mut self, bufs: &Buffers) -> Result<(), BatchError> {
        for (f, w) in &mut self.writers {
            w.write_all(&bufs.text[*f as usize])
                .map_err(|e| BatchError::Write {
                    path: self.tmp.join(f.file_name()),
                    message: crate::adapters::company::io_message(&e),
                })?;
        }
        Ok(())
    }

    fn write_file(&mut self, name: &'static str, text: impl AsRef<[u8]>) -> Result<(), BatchError> {
        let path = self.tmp.join(name);
        std::fs::write(&path, text).map_err(|e| BatchError::Write {
            path: path.clone(),
            message: crate::adapters::company::io_message(&e),
        })?;
        self.extra.push(name);
        Ok(())
    }

    fn commit(mut self) -> Result<(), BatchError> {
        let mut names: Vec<&'static str> = Vec::new();
        for (f, w) in std::mem::take(&mut self.writers) {
            let path = self.tmp.join(f.file_name());
            w.into_inner()
                .map(drop)
                .map_err(|e| e.into_error())
                .map_err(|e| BatchError::Write {
                    path,
                    message: crate::adapters::company::io_message(&e),
                })?;
            names.push(f.file_name());
        }
        names.extend(self.extra.iter().copied());
        // The previous run's file is moved aside (into the temporary folder, deleted with it)
        // before the new one moves in: renamed over, ext4 (`auto_da_alloc`) would write the new
        // file out to disk inside the rename, 1.4 GB for 1 M employees. Should the move in
        // fail, the old file goes back.
        let previous = self.tmp.join("anterior");
        std::fs::create_dir(&previous).map_err(|e| BatchError::Write {
            path: previous.clone(),
            message: crate::adapters::company::io_message(&e),
        })?;
        for &name in &names {
            let from = self.tmp.join(name);
            let to = self.dir.join(name);
            let aside = previous.join(name);
            let moved_aside = std::fs::rename(&to, &aside).is_ok();
            if let Err(e) = std::fs::rename(&from, &to) {
                if moved_aside {
                    let _ = std::fs::rename(&aside, &to);
                }
                return Err(BatchError::Write {
                    path: to,
                    message: crate::adapters::company::io_message(&e),
                });
            }
        }
        // A folder never mixes two runs: this program's files that this run did not write
        // (the JSON Lines of an earlier `--formato ambos`, say) are removed. Other files stay.
        let known = OutputFile::ALL.iter().map(|f| f.file_name()).chain([
            REJECTS_CSV,
            REJECTS_JSONL,
            MESSAGES_TXT,
            SUMMARY_TXT,
        ]);
        for name in known.filter(|n| !names.contains(n)) {
            let path = self.dir.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(BatchError::Write {
                        path,
                        message: crate::adapters::company::io_message(&e),
                    });
                }
                _ => {}
            }
        }
        self.done = true;
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(())
    }

    fn abandon(&mut self) {
        self.writers.clear();
        let _ = std::fs::remove_dir_all(&self.tmp);
        self.done = true;
    }
}

impl Drop for OutputSink {
    fn drop(&mut self) {
        if !self.done {
            self.abandon();
        }
    }
}
