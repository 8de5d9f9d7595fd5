//! `consignado importar credito-trabalhador`: the government's installment files into the
//! company folder, with a report of every record.
//!
//! What it does, in order; nothing in the company folder changes until every step succeeded:
//!
//! 1. Reads `configuracao.toml` for `[empresa] cnpj` (the CNPJ raiz the files must be of) and
//!    `funcionarios.csv` (matrícula, CPF, optional `data_admissao`).
//! 2. Reads every file ([`super::read_path`]: JSON flat or nested, the API envelope, CSV,
//!    XLSX). A file that does not read stops the import with `FILE:LINE`.
//! 3. Decides the competência: `--competencia`, or the one most of the company's valid
//!    records have (a tie stops the import and asks for `--competencia`).
//! 4. Gives every record one outcome ([`Outcome`]): imported, or refused with a reason —
//!    invalid field (a contract outside eSocial `nrDoc` included: reported, never cleaned),
//!    another employer (CNPJ raiz), another or a future competência, no employee with that CPF
//!    and matrícula (or admission date, when both sides have one), a repeated contract.
//! 5. Replaces the previous import of the same (CNPJ raiz, competência) in
//!    `parcelas_credito_trabalhador.csv` (other competências are kept) and compares: contracts
//!    added, removed, with a changed installment, unchanged. The same file again writes nothing.
//!    Installments are keyed by (matrícula, institution, contract), so none is counted twice.
//! 6. Writes the report `importacoes/credito_trabalhador_AAAA-MM.csv` (one line per record,
//!    plus one per contract of the previous import that is gone) and the installments file,
//!    each through a temporary file renamed into place.

use super::{normalize, read_path_map, FieldProblem, RawRecord, ReadError};
use crate::adapters::company::{InputFile, LoadError, Table};
use crate::domain::{Competencia, Config};
use crate::money::format_money;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod files;
mod records;

use files::{io_error, replace_file, same_bytes, temporary, timing};
pub use records::FileRead;
use records::{col, join, one_line, Employees, Known, Record, Valid};

/// Why a record was not imported (the `motivo` column of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Refusal {
    /// A field does not read (the contract number outside eSocial `nrDoc` included).
    RegistroInvalido,
    /// The record is of another employer (CNPJ raiz).
    OutroEmpregador,
    /// The record is of an earlier competência than the one imported.
    OutraCompetencia,
    /// The record is of a later competência than the one imported.
    CompetenciaFutura,
    /// No employee has this CPF and this matrícula.
    FuncionarioNaoEncontrado,
    /// The matrícula exists, with another CPF.
    CpfNaoConfere,
    /// CPF and matrícula match, the admission date does not.
    AdmissaoNaoConfere,
    /// The same contract of the same employee and institution came earlier in this import.
    ContratoRepetido,
}

impl Refusal {
    /// Every reason, in documentation order.
    pub const ALL: [Refusal; 8] = [
        Refusal::RegistroInvalido,
        Refusal::OutroEmpregador,
        Refusal::OutraCompetencia,
        Refusal::CompetenciaFutura,
        Refusal::FuncionarioNaoEncontrado,
        Refusal::CpfNaoConfere,
        Refusal::AdmissaoNaoConfere,
        Refusal::ContratoRepetido,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::RegistroInvalido => "registro_invalido",
            Refusal::OutroEmpregador => "outro_empregador",
            Refusal::OutraCompetencia => "outra_competencia",
            Refusal::CompetenciaFutura => "competencia_futura",
            Refusal::FuncionarioNaoEncontrado => "funcionario_nao_encontrado",
            Refusal::CpfNaoConfere => "cpf_nao_confere",
            Refusal::AdmissaoNaoConfere => "admissao_nao_confere",
            Refusal::ContratoRepetido => "contrato_repetido",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What happened to one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Imported; `change` compares it with the previous import of the competência.
    Imported(Change),
    /// Not imported, with the reason and a Portuguese text saying what to do.
    Refused(Refusal, String),
}

/// An imported contract against the previous import of the same (CNPJ raiz, competência).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not in the previous import.
    Added,
    /// In the previous import with another installment (the previous value).
    Changed(Decimal),
    /// In the previous import with other data but the same installment.
    Updated,
    /// Exactly as in the previous import.
    Unchanged,
}

/// The import's options.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The competência to import; `None` takes the one most valid records have.
    pub competencia: Option<Competencia>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The competência imported.
    pub competencia: Competencia,
    /// The employer's CNPJ raiz.
    pub cnpj_root: String,
    /// Per file: path, format, records read.
    pub files: Vec<FileRead>,
    /// Records read (all files).
    pub read: usize,
    /// Records imported.
    pub imported: usize,
    /// Records refused, by reason.
    pub refused: BTreeMap<Refusal, usize>,
    /// Imported contracts not in the previous import.
    pub added: usize,
    /// Imported contracts whose installment changed.
    pub changed: usize,
    /// Imported contracts with other data changed (same installment).
    pub updated: usize,
    /// Imported contracts exactly as before.
    pub unchanged: usize,
    /// Contracts of the previous import that are gone.
    pub removed: usize,
    /// True when the installments file was rewritten (false: the same import again).
    pub written: bool,
    /// The report's path.
    pub report: PathBuf,
}

impl ImportSummary {
    /// Records refused (all reasons).
    pub fn refused_total(&self) -> usize {
        self.refused.values().sum()
    }

    /// The summary printed by the command.
    pub fn render(&self) -> String {
        let mut t = String::new();
        let w = &mut t;
        let _ = writeln_str(
            w,
            &format!(
                "Importação Crédito do Trabalhador — competência {} — CNPJ raiz {}",
                self.competencia, self.cnpj_root
            ),
        );
        for (path, format, n) in &self.files {
            let _ = writeln_str(
                w,
                &format!(
                    "  {} ({format}): {}",
                    path.display(),
                    crate::money::count(*n as u64, "registro", "registros")
                ),
            );
        }
        let _ = writeln_str(
            w,
            &format!(
                "Registros lidos: {}; importados: {}; recusados: {}",
                self.read,
                self.imported,
                self.refused_total()
            ),
        );
        for (reason, n) in &self.refused {
            let _ = writeln_str(w, &format!("  recusados por {reason}: {n}"));
        }
        let _ = writeln_str(
            w,
            &format!(
                "Em relação à importação anterior da competência: {} novos, {} com parcela alterada, {} com outros dados alterados, {} inalterados, {} removidos",
                self.added, self.changed, self.updated, self.unchanged, self.removed
            ),
        );
        if !self.written {
            let _ = writeln_str(
                w,
                "Nada mudou nas parcelas: esta importação já estava feita.",
            );
        }
        let _ = writeln_str(w, &format!("Relatório: {}", self.report.display()));
        t
    }
}

fn writeln_str(t: &mut String, line: &str) -> fmt::Result {
    t.push_str(line);
    t.push('\n');
    Ok(())
}

/// Why an import did not happen. Nothing in the company folder was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A government file that does not read (exit code 1).
    #[error("{0}")]
    File(#[from] ReadError),
    /// The company folder cannot be read (exit code 1 or 2, as [`LoadError::is_input`]).
    #[error("{0}")]
    Company(#[from] LoadError),
    /// The input does not allow an import: no CNPJ, no competência, … (exit code 1).
    #[error("{0}")]
    Input(String),
    /// Writing the company folder failed (exit code 2).
    #[error("{path}: {message}")]
    Io {
        /// Path.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
}

impl ImportError {
    /// True for problems of the input (exit code 1), false for I/O (exit code 2).
    pub fn is_input(&self) -> bool {
        match self {
            ImportError::Company(l) => l.is_input(),
            ImportError::Io { .. } => false,
            _ => true,
        }
    }
}

/// The installments file of the company folder.
pub const STORE_FILE: &str = "parcelas_credito_trabalhador.csv";
/// The folder of the import reports.
pub const REPORT_DIR: &str = "importacoes";

/// The employer's CNPJ raiz, from `[empresa] cnpj`.
fn company_root(dir: &Path) -> Result<String, ImportError> {
    let config_path = dir.join(crate::adapters::company::CONFIG_FILE);
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ImportError::Input(format!(
                "{}: a pasta da empresa não tem configuracao.toml: crie-o com [empresa] cnpj = \"…\"",
                config_path.display()
            ))
        } else {
            io_error(&config_path, &e)
        }
    })?;
    let config = Config::from_toml_str(&text).map_err(|issues| {
        ImportError::Input(
            issues
                .iter()
                .map(|i| format!("{}:{}: {}", config_path.display(), i.field, i.message))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let cnpj = config.empresa.cnpj.clone().ok_or_else(|| {
        ImportError::Input(format!(
            "{}: informe o CNPJ do empregador em [empresa] cnpj = \"…\" (14 caracteres): a importação confere o CNPJ raiz de cada registro",
            config_path.display()
        ))
    })?;
    crate::domain::platform::check_cnpj(&cnpj)
        .map_err(|m| ImportError::Input(format!("{}: empresa.cnpj: {m}", config_path.display())))?;
    Ok(cnpj[..8].to_owned())
}

/// Imports `files` into the company folder `dir` (module docs).
pub fn import(
    dir: &Path,
    files: &[PathBuf],
    options: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    let started = std::time::Instant::now();
    // 1. The company: CNPJ and employees.
    let root = company_root(dir)?;
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            one_line(&p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ))
        })
        .collect();
    // 2. The files, each record normalised as it is read — while the employees are read.
    let read_files = || -> Result<(Vec<Record>, Vec<FileRead>), ReadError> {
        let mut records: Vec<Record> = Vec::new();
        let mut per_file = Vec::new();
        for (f, path) in files.iter().enumerate() {
            let name = &names[f];
            let (format, mut read) = read_path_map(path, &|raw| match normalize(&raw) {
                Ok(r) => Record::Valid(Valid::from_record(&r, f)),
                Err(problems) => Record::Invalid(invalid_line(name, &raw, &problems)),
            })?;
            per_file.push((path.clone(), format, read.len()));
            if records.is_empty() {
                records = read;
            } else {
                records.append(&mut read);
            }
        }
        Ok((records, per_file))
    };
    let (table, read) = rayon::join(|| Table::read(dir, InputFile::Funcionarios), read_files);
    let table = table?;
    let (records, per_file) = read?;
    let employees = Employees::of(&table);

    timing("leitura dos arquivos", started);
    // 3. The competência.
    let competencia = match options.competencia {
        Some(c) => c,
        None => majority_competencia(&records, &root)?,
    };
    let iso = competencia.to_iso();

    timing("competência", started);
    // 4. The previous import of (CNPJ raiz, competência), and the other lines kept.
    let store_path = dir.join(STORE_FILE);
    let previous_table = Table::read(dir, InputFile::ParcelasCredito)?;
    let mut kept: Vec<(String, [u32; col::COUNT])> = Vec::new();
    // key (matrícula;institution;contract) → its row in the previous file.
    let mut previous = Previous {
        table: &previous_table,
        rows: HashMap::new(),
    };
    for r in 0..previous_table.len() {
        let f = |c: usize| previous_table.field(r, c);
        if f(col::CNPJ_RAIZ) == root && f(col::COMPETENCIA) == iso {
            let key = format!(
                "{};{};{}",
                f(col::MATRICULA),
                f(col::INSTITUICAO),
                f(col::CONTRATO)
            );
            previous.rows.insert(key, r);
        } else {
            kept.push(join((0..col::COUNT).map(f)));
        }
    }

    timing("importação anterior", started);
    // 5. One outcome per record; the report streamed to its temporary file.
    let report_path = dir
        .join(REPORT_DIR)
        .join(format!("credito_trabalhador_{iso}.csv"));
    let report_dir = dir.join(REPORT_DIR);
    std::fs::create_dir_all(&report_dir).map_err(|e| io_error(&report_dir, &e))?;
    let report_tmp = temporary(&report_path);
    let mut report = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(&report_tmp).map_err(|e| io_error(&report_tmp, &e))?,
    );
    let mut summary = ImportSummary {
        competencia,
        cnpj_root: root.clone(),
        files: per_file,
        read: records.len(),
        imported: 0,
        refused: BTreeMap::new(),
        added: 0,
        changed: 0,
        updated: 0,
        unchanged: 0,
        removed: 0,
        written: false,
        report: report_path.clone(),
    };
    let judged = (|| -> std::io::Result<Vec<&Valid>> {
        report.write_all(REPORT_HEADER.as_bytes())?;
        let mut fresh: HashMap<&str, ()> = HashMap::with_capacity(records.len());
        let mut imported: Vec<&Valid> = Vec::with_capacity(records.len());
        // The outcomes in order (each depends on the records before it), then the report's
        // lines, built in parallel a block at a time.
        let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(records.len());
        for record in &records {
            let Record::Valid(v) = record else {
                *summary
                    .refused
                    .entry(Refusal::RegistroInvalido)
                    .or_default() += 1;
                outcomes.push(None);
                continue;
            };
            let outcome = judge(v, &root, competencia, &employees, &fresh, &previous);
            match &outcome {
                Outcome::Imported(change) => {
                    match change {
                        Change::Added => summary.added += 1,
                        Change::Changed(_) => summary.changed += 1,
                        Change::Updated => summary.updated += 1,
                        Change::Unchanged => summary.unchanged += 1,
                    }
                    summary.imported += 1;
                    fresh.insert(v.key(), ());
                    imported.push(v);
                }
                Outcome::Refused(reason, _) => {
                    *summary.refused.entry(*reason).or_default() += 1;
                }
            }
            outcomes.push(Some(outcome));
        }
        for (records, outcomes) in records.chunks(65_536).zip(outcomes.chunks(65_536)) {
            use rayon::prelude::*;
            let text: String = records
                .par_iter()
                .zip(outcomes.par_iter())
                .map(|(record, outcome)| {
                    let mut line = match (record, outcome) {
                        (Record::Valid(v), Some(o)) => report_line(&names[v.file], v, o),
                        (Record::Invalid(line), _) => line.clone(),
                        (Record::Valid(_), None) => String::new(),
                    };
                    line.push('\n');
                    line
                })
                .collect();
            report.write_all(text.as_bytes())?;
        }
        let mut removed: Vec<(&String, usize)> = previous
            .rows
            .iter()
            .filter(|(key, _)| !fresh.contains_key(key.as_str()))
            .map(|(key, row)| (key, *row))
            .collect();
        removed.sort();
        for (_, row) in &removed {
            writeln!(report, "{}", removed_line(&previous_table, *row))?;
        }
        summary.removed = removed.len();
        report.flush()?;
        report.get_ref().sync_all()?;
        Ok(imported)
    })();
    let imported = match judged {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&report_tmp);
            return Err(io_error(&report_tmp, &e));
        }
    };
    drop(report);

    timing("registros julgados e relatório", started);
    // 6. The new installments file: the other competências kept, this one replaced; sorted.
    let mut rows: Vec<(&str, &[u32; col::COUNT])> = kept
        .iter()
        .map(|(l, e)| (l.as_str(), e))
        .chain(imported.iter().map(|v| (v.line.as_str(), &v.ends)))
        .collect();
    rows.sort_unstable_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let header: Vec<&str> = InputFile::ParcelasCredito
        .columns()
        .iter()
        .map(|c| c.name)
        .collect();
    let mut data = Vec::with_capacity(rows.iter().map(|(l, _)| l.len() + 1).sum::<usize>() + 256);
    data.extend_from_slice(header.join(";").as_bytes());
    data.push(b'\n');
    for (line, _) in &rows {
        data.extend_from_slice(line.as_bytes());
        data.push(b'\n');
    }
    let unchanged_file = match std::fs::File::open(&store_path) {
        Ok(f) => same_bytes(f, &data),
        Err(_) => rows.is_empty(),
    };
    drop(rows);

    timing("arquivo de parcelas montado", started);
    // 7. The report, then the installments, each replaced whole.
    if let Err(e) = std::fs::rename(&report_tmp, &report_path) {
        let _ = std::fs::remove_file(&report_tmp);
        return Err(io_error(&report_path, &e));
    }
    if !unchanged_file {
        replace_file(&store_path, &data)?;
        summary.written = true;
    }
    timing("gravação", started);
    Ok(summary)
}

/// The order of the installments file: CNPJ raiz, competência, matrícula, institution,
/// contract.
fn sort_key<'a>((line, ends): &(&'a str, &[u32; col::COUNT])) -> [&'a str; 5] {
    let f = |i: usize| {
        let start = if i == 0 { 0 } else { ends[i - 1] as usize + 1 };
        line.get(start..ends[i] as usize).unwrap_or("")
    };
    [
        f(col::CNPJ_RAIZ),
        f(col::COMPETENCIA),
        f(col::MATRICULA),
        f(col::INSTITUICAO),
        f(col::CONTRATO),
    ]
}

/// The competência most of the company's valid records have (a tie is an error).
fn majority_competencia(records: &[Record], root: &str) -> Result<Competencia, ImportError> {
    let mut found: BTreeMap<Competencia, usize> = BTreeMap::new();
    for r in records {
        if let Record::Valid(v) = r {
            if v.field(col::CNPJ_RAIZ) == root {
                *found.entry(v.competencia).or_default() += 1;
            }
        }
    }
    let most = found.values().copied().max().unwrap_or(0);
    let top: Vec<Competencia> = found
        .iter()
        .filter(|(_, n)| **n == most)
        .map(|(c, _)| *c)
        .collect();
    match top.as_slice() {
        [one] => Ok(*one),
        [] => Err(ImportError::Input(format!(
            "nenhum registro válido do CNPJ raiz {root} nos arquivos: informe --competencia AAAA-MM para registrar a importação, ou confira os arquivos"
        ))),
        _ => {
            let list: Vec<String> = top.iter().map(|c| c.to_string()).collect();
            Err(ImportError::Input(format!(
                "os arquivos trazem tantos registros de uma competência quanto de outra ({}): informe qual importar com --competencia AAAA-MM",
                list.join(", ")
            )))
        }
    }
}

/// The previous import of the (CNPJ raiz, competência): its rows by (matrícula;institution;
/// contract), read in the previous installments file.
struct Previous<'t> {
    table: &'t Table,
    rows: HashMap<String, usize>,
}

/// The outcome of a record whose fields read.
fn judge(
    v: &Valid,
    root: &str,
    competencia: Competencia,
    employees: &Employees<'_>,
    fresh: &HashMap<&str, ()>,
    previous: &Previous<'_>,
) -> Outcome {
    let (matricula, cpf) = (v.field(col::MATRICULA), v.field(col::CPF));
    let employer = v.field(col::CNPJ_RAIZ);
    if employer != root {
        return Outcome::Refused(
            Refusal::OutroEmpregador,
            format!(
                "registro do empregador de CNPJ raiz {employer} (esta empresa: {root}): importe-o na pasta daquela empresa"
            ),
        );
    }
    if v.competencia < competencia {
        return Outcome::Refused(
            Refusal::OutraCompetencia,
            format!(
                "parcela da competência {}, não de {competencia}: importe o arquivo daquela competência",
                v.competencia
            ),
        );
    }
    if v.competencia > competencia {
        return Outcome::Refused(
            Refusal::CompetenciaFutura,
            format!(
                "parcela da competência futura {}: será importada com o arquivo daquela competência",
                v.competencia
            ),
        );
    }
    let list = employees.rows(matricula);
    if list.is_empty() {
        let others = employees.of_cpf(cpf);
        let text = if others.is_empty() {
            format!(
                "nenhum funcionário com o CPF {cpf} e a matrícula '{matricula}' em funcionarios.csv: cadastre-o ou confira os dados"
            )
        } else {
            format!(
                "nenhum funcionário com a matrícula '{matricula}'; o CPF {cpf} é da(s) matrícula(s) {}: confira a matrícula do eSocial",
                others.join(", ")
            )
        };
        return Outcome::Refused(Refusal::FuncionarioNaoEncontrado, text);
    }
    let Some(k) = list
        .iter()
        .find(|k| k.cpf.as_ref().map(|c| c.as_slice()) == Some(cpf.as_bytes()))
    else {
        return Outcome::Refused(
            Refusal::CpfNaoConfere,
            format!(
                "a matrícula '{matricula}' é de outro CPF ({}), não de {cpf}: confira o cadastro",
                list.iter()
                    .map(Known::cpf_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    if let (Some(ours), Some(theirs)) = (k.admission, v.admission) {
        if ours != theirs {
            return Outcome::Refused(
                Refusal::AdmissaoNaoConfere,
                format!(
                    "data de admissão {} no arquivo, {} em funcionarios.csv: é outro vínculo, ou um dos cadastros está errado",
                    theirs.format("%d/%m/%Y"),
                    ours.format("%d/%m/%Y")
                ),
            );
        }
    }
    if fresh.contains_key(v.key()) {
        return Outcome::Refused(
            Refusal::ContratoRepetido,
            format!(
                "o contrato {} da instituição {} já veio antes nesta importação: uma parcela por contrato e competência, nunca somada",
                v.field(col::CONTRATO),
                v.field(col::INSTITUICAO)
            ),
        );
    }
    let old = |row: usize, c: usize| previous.table.field(row, c);
    Outcome::Imported(match previous.rows.get(v.key()).copied() {
        None => Change::Added,
        Some(row) if old(row, col::VALOR) != v.field(col::VALOR) => {
            Change::Changed(crate::money::parse_money(old(row, col::VALOR)).unwrap_or_default())
        }
        Some(row) if (0..col::COUNT).any(|c| old(row, c) != v.field(c)) => Change::Updated,
        Some(_) => Change::Unchanged,
    })
}

/// The report's columns.
pub const REPORT_HEADER: &str = "arquivo;registro;linha;situacao;motivo;descricao;cnpj_raiz;competencia;cpf;matricula;instituicao;contrato;valor;alteracao;valor_anterior\n";

/// The report line of a record whose fields do not read (what the record said, as text).
fn invalid_line(file: &str, raw: &RawRecord, problems: &[FieldProblem]) -> String {
    let raw_field = |k: &str| one_line(raw.fields.get(k).map_or("", String::as_str));
    let text = problems
        .iter()
        .map(|p| format!("{} = '{}': {}", p.field, p.value, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    [
        file.to_owned(),
        raw.index.to_string(),
        raw.line.to_string(),
        "recusado".to_owned(),
        Refusal::RegistroInvalido.code().to_owned(),
        one_line(&text),
        raw_field("numeroInscricaoEmpregador"),
        raw_field("competencia"),
        raw_field("cpf"),
        raw_field("matricula"),
        raw_field("ifConcessora.codigo"),
        raw_field("contrato"),
        raw_field("valorParcela"),
        String::new(),
        String::new(),
    ]
    .join(";")
}

fn report_line(file: &str, v: &Valid, outcome: &Outcome) -> String {
    let (situacao, motivo, descricao, alteracao, anterior) = match outcome {
        Outcome::Imported(change) => {
            let (a, previous) = match change {
                Change::Added => ("novo", String::new()),
                Change::Changed(p) => ("parcela_alterada", format_money(*p)),
                Change::Updated => ("dados_alterados", String::new()),
                Change::Unchanged => ("inalterado", String::new()),
            };
            ("importado", "", String::new(), a, previous)
        }
        Outcome::Refused(reason, text) => {
            ("recusado", reason.code(), one_line(text), "", String::new())
        }
    };
    format!(
        "{file};{};{};{situacao};{motivo};{descricao};{};{};{};{};{};{};{};{alteracao};{anterior}",
        v.index,
        v.line_no,
        v.field(col::CNPJ_RAIZ),
        v.field(col::COMPETENCIA),
        v.field(col::CPF),
        v.field(col::MATRICULA),
        v.field(col::INSTITUICAO),
        v.field(col::CONTRATO),
        v.field(col::VALOR),
    )
}

fn removed_line(table: &Table, row: usize) -> String {
    let at = |c: usize| table.field(row, c);
    format!(
        ";;;removido;;contrato da importação anterior que não veio nesta: não será descontado;{};{};{};{};{};{};;removido;{}",
        at(col::CNPJ_RAIZ),
        at(col::COMPETENCIA),
        at(col::CPF),
        at(col::MATRICULA),
        at(col::INSTITUICAO),
        at(col::CONTRATO),
        at(col::VALOR),
    )
}
