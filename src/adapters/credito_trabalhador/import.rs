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

use super::{normalize, read_path, GovInstallment, ReadError, SourceFormat};
use crate::adapters::company::{col_funcionarios, parse_date, InputFile, LoadError, Table};
use crate::domain::{Competencia, Config};
use crate::money::format_money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    pub files: Vec<(PathBuf, SourceFormat, usize)>,
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
                &format!("  {} ({format}): {n} registros", path.display()),
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

/// One line of the installments file (the columns of [`InputFile::ParcelasCredito`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct StoreRow {
    matricula: String,
    institution: String,
    contract: String,
    start: String,
    competencia: String,
    value: String,
    cpf: String,
    cnpj_root: String,
    institution_name: String,
    end: String,
    total: String,
    category: String,
    establishment: String,
    admission: String,
}

impl StoreRow {
    fn key(&self) -> (String, String, String, String, String) {
        (
            self.cnpj_root.clone(),
            self.competencia.clone(),
            self.matricula.clone(),
            self.institution.clone(),
            self.contract.clone(),
        )
    }

    fn from_record(r: &GovInstallment) -> StoreRow {
        let date =
            |d: Option<NaiveDate>| d.map_or_else(String::new, |d| d.format("%d/%m/%Y").to_string());
        StoreRow {
            matricula: r.matricula.clone(),
            institution: r.institution_code.clone(),
            contract: r.contract.clone(),
            start: date(r.contract_start),
            competencia: r.competencia.to_iso(),
            value: format_money(r.installment),
            cpf: r.cpf.clone(),
            cnpj_root: r.employer_root.clone(),
            institution_name: one_line(&r.institution_name),
            end: date(r.contract_end),
            total: r
                .total_installments
                .map_or_else(String::new, |n| n.to_string()),
            category: r.category.map_or_else(String::new, |n| n.to_string()),
            establishment: r.establishment.clone().unwrap_or_default(),
            admission: date(r.admission),
        }
    }

    fn from_table(t: &Table, r: usize) -> StoreRow {
        let f = |c: usize| t.field(r, c).to_owned();
        StoreRow {
            matricula: f(0),
            institution: f(1),
            contract: f(2),
            start: f(3),
            competencia: f(4),
            value: f(5),
            cpf: f(7),
            cnpj_root: f(8),
            institution_name: f(9),
            end: f(10),
            total: f(11),
            category: f(12),
            establishment: f(13),
            admission: f(14),
        }
    }

    fn fields(&self) -> [&str; 15] {
        [
            &self.matricula,
            &self.institution,
            &self.contract,
            &self.start,
            &self.competencia,
            &self.value,
            "",
            &self.cpf,
            &self.cnpj_root,
            &self.institution_name,
            &self.end,
            &self.total,
            &self.category,
            &self.establishment,
            &self.admission,
        ]
    }
}

/// Text on one line, without `;` (written as `,`) or `"` (as `'`): names and messages go to
/// `;` files read line by line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' => ',',
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An employee of `funcionarios.csv`, as the import matches it.
struct Known {
    cpf: String,
    admission: Option<NaiveDate>,
}

/// CPF digits, left-padded to 11 (as the batch compares them).
fn cpf_digits(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 11 && !digits.is_empty() {
        format!("{digits:0>11}")
    } else {
        digits
    }
}

/// Imports `files` into the company folder `dir` (module docs).
pub fn import(
    dir: &Path,
    files: &[PathBuf],
    options: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    // 1. The company: CNPJ and employees.
    let config_path = dir.join(crate::adapters::company::CONFIG_FILE);
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ImportError::Input(format!(
                "{}: a pasta da empresa não tem configuracao.toml: crie-o com [empresa] cnpj = \"…\"",
                config_path.display()
            ))
        } else {
            ImportError::Io {
                path: config_path.clone(),
                message: crate::adapters::company::io_message(&e),
            }
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
    let root = cnpj[..8].to_owned();
    let employees = Table::read(dir, InputFile::Funcionarios)?;
    let mut known: HashMap<String, Vec<Known>> = HashMap::new();
    let mut by_cpf: HashMap<String, Vec<String>> = HashMap::new();
    for r in 0..employees.len() {
        let matricula = employees.field(r, col_funcionarios::MATRICULA).to_owned();
        let cpf = cpf_digits(employees.field(r, col_funcionarios::CPF));
        let admission = parse_date(employees.field(r, col_funcionarios::DATA_ADMISSAO));
        by_cpf
            .entry(cpf.clone())
            .or_default()
            .push(matricula.clone());
        known
            .entry(matricula)
            .or_default()
            .push(Known { cpf, admission });
    }

    // 2. The files.
    let mut sources = Vec::new();
    for path in files {
        let source = read_path(path)?;
        sources.push((path.clone(), source));
    }

    // 3. The competência.
    let normalized: Vec<Vec<Result<GovInstallment, Vec<super::FieldProblem>>>> = sources
        .iter()
        .map(|(_, s)| s.records.iter().map(normalize).collect())
        .collect();
    let competencia = match options.competencia {
        Some(c) => c,
        None => {
            // The file is of one competência: the one most of the company's valid records
            // have (stray records are then reported as of another or a future competência).
            let mut found: BTreeMap<Competencia, usize> = BTreeMap::new();
            for r in normalized.iter().flatten().filter_map(|r| r.as_ref().ok()) {
                if r.employer_root == root {
                    *found.entry(r.competencia).or_default() += 1;
                }
            }
            let most = found.values().copied().max().unwrap_or(0);
            let top: Vec<Competencia> = found
                .iter()
                .filter(|(_, n)| **n == most)
                .map(|(c, _)| *c)
                .collect();
            match top.as_slice() {
                [one] => *one,
                [] => {
                    return Err(ImportError::Input(format!(
                        "nenhum registro válido do CNPJ raiz {root} nos arquivos: informe --competencia AAAA-MM para registrar a importação, ou confira os arquivos"
                    )))
                }
                _ => {
                    let list: Vec<String> = top.iter().map(|c| c.to_string()).collect();
                    return Err(ImportError::Input(format!(
                        "os arquivos trazem tantos registros de uma competência quanto de outra ({}): informe qual importar com --competencia AAAA-MM",
                        list.join(", ")
                    )));
                }
            }
        }
    };

    // 4. One outcome per record.
    let store_path = dir.join(STORE_FILE);
    let previous_table = Table::read(dir, InputFile::ParcelasCredito)?;
    let mut kept = Vec::new();
    let mut previous: BTreeMap<(String, String, String), StoreRow> = BTreeMap::new();
    let iso = competencia.to_iso();
    for r in 0..previous_table.len() {
        let row = StoreRow::from_table(&previous_table, r);
        if row.cnpj_root == root && row.competencia == iso {
            previous.insert(
                (
                    row.matricula.clone(),
                    row.institution.clone(),
                    row.contract.clone(),
                ),
                row,
            );
        } else {
            kept.push(row);
        }
    }
    let mut report = Vec::new();
    let mut summary = ImportSummary {
        competencia,
        cnpj_root: root.clone(),
        files: Vec::new(),
        read: 0,
        imported: 0,
        refused: BTreeMap::new(),
        added: 0,
        changed: 0,
        updated: 0,
        unchanged: 0,
        removed: 0,
        written: false,
        report: dir
            .join(REPORT_DIR)
            .join(format!("credito_trabalhador_{iso}.csv")),
    };
    let mut fresh: BTreeMap<(String, String, String), StoreRow> = BTreeMap::new();
    for ((path, source), records) in sources.iter().zip(&normalized) {
        summary
            .files
            .push((path.clone(), source.format, source.records.len()));
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for (raw, record) in source.records.iter().zip(records) {
            summary.read += 1;
            let outcome = match record {
                Err(problems) => Outcome::Refused(
                    Refusal::RegistroInvalido,
                    problems
                        .iter()
                        .map(|p| format!("{} = '{}': {}", p.field, p.value, p.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Ok(r) => judge(r, &root, competencia, &known, &by_cpf, &fresh, &previous),
            };
            if let (Outcome::Imported(change), Ok(r)) = (&outcome, record) {
                let row = StoreRow::from_record(r);
                match change {
                    Change::Added => summary.added += 1,
                    Change::Changed(_) => summary.changed += 1,
                    Change::Updated => summary.updated += 1,
                    Change::Unchanged => summary.unchanged += 1,
                }
                summary.imported += 1;
                fresh.insert(
                    (
                        row.matricula.clone(),
                        row.institution.clone(),
                        row.contract.clone(),
                    ),
                    row,
                );
            }
            if let Outcome::Refused(reason, _) = &outcome {
                *summary.refused.entry(*reason).or_default() += 1;
            }
            report.push(report_line(
                &name,
                raw.index,
                raw.line,
                raw,
                record.as_ref().ok(),
                &outcome,
            ));
        }
    }
    for (key, row) in &previous {
        if !fresh.contains_key(key) {
            summary.removed += 1;
            report.push(removed_line(row));
        }
    }

    // 5. The new installments file, the old one's other competências kept.
    let mut rows: Vec<StoreRow> = kept.into_iter().chain(fresh.into_values()).collect();
    rows.sort_by_key(StoreRow::key);
    let mut data = Vec::new();
    let header: Vec<&str> = InputFile::ParcelasCredito
        .columns()
        .iter()
        .map(|c| c.name)
        .collect();
    data.extend_from_slice(header.join(";").as_bytes());
    data.push(b'\n');
    for row in &rows {
        data.extend_from_slice(row.fields().join(";").as_bytes());
        data.push(b'\n');
    }
    let existing = std::fs::read(&store_path).ok();
    let unchanged_file =
        existing.as_deref() == Some(data.as_slice()) || (existing.is_none() && rows.is_empty());

    // 6. Report, then the installments, each replaced whole.
    let mut text = String::from(REPORT_HEADER);
    for line in &report {
        text.push_str(line);
        text.push('\n');
    }
    let report_dir = dir.join(REPORT_DIR);
    std::fs::create_dir_all(&report_dir).map_err(|e| ImportError::Io {
        path: report_dir.clone(),
        message: crate::adapters::company::io_message(&e),
    })?;
    replace_file(&summary.report, text.as_bytes())?;
    if !unchanged_file {
        replace_file(&store_path, &data)?;
        summary.written = true;
    }
    Ok(summary)
}

/// The outcome of a record whose fields read.
fn judge(
    r: &GovInstallment,
    root: &str,
    competencia: Competencia,
    known: &HashMap<String, Vec<Known>>,
    by_cpf: &HashMap<String, Vec<String>>,
    fresh: &BTreeMap<(String, String, String), StoreRow>,
    previous: &BTreeMap<(String, String, String), StoreRow>,
) -> Outcome {
    if r.employer_root != root {
        return Outcome::Refused(
            Refusal::OutroEmpregador,
            format!(
                "registro do empregador de CNPJ raiz {} (esta empresa: {root}): importe-o na pasta daquela empresa",
                r.employer_root
            ),
        );
    }
    if r.competencia < competencia {
        return Outcome::Refused(
            Refusal::OutraCompetencia,
            format!(
                "parcela da competência {}, não de {competencia}: importe o arquivo daquela competência",
                r.competencia
            ),
        );
    }
    if r.competencia > competencia {
        return Outcome::Refused(
            Refusal::CompetenciaFutura,
            format!(
                "parcela da competência futura {}: será importada com o arquivo daquela competência",
                r.competencia
            ),
        );
    }
    match known.get(&r.matricula) {
        None => {
            let other = by_cpf.get(&r.cpf).map(|m| m.join(", "));
            let text = match other {
                Some(m) => format!(
                    "nenhum funcionário com a matrícula '{}'; o CPF {} é da(s) matrícula(s) {m}: confira a matrícula do eSocial",
                    r.matricula, r.cpf
                ),
                None => format!(
                    "nenhum funcionário com o CPF {} e a matrícula '{}' em funcionarios.csv: cadastre-o ou confira os dados",
                    r.cpf, r.matricula
                ),
            };
            return Outcome::Refused(Refusal::FuncionarioNaoEncontrado, text);
        }
        Some(list) => {
            let Some(k) = list.iter().find(|k| k.cpf == r.cpf) else {
                return Outcome::Refused(
                    Refusal::CpfNaoConfere,
                    format!(
                        "a matrícula '{}' é de outro CPF ({}), não de {}: confira o cadastro",
                        r.matricula,
                        list.iter()
                            .map(|k| k.cpf.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        r.cpf
                    ),
                );
            };
            if let (Some(ours), Some(theirs)) = (k.admission, r.admission) {
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
        }
    }
    let key = (
        r.matricula.clone(),
        r.institution_code.clone(),
        r.contract.clone(),
    );
    if fresh.contains_key(&key) {
        return Outcome::Refused(
            Refusal::ContratoRepetido,
            format!(
                "o contrato {} da instituição {} já veio antes nesta importação: uma parcela por contrato e competência, nunca somada",
                r.contract, r.institution_code
            ),
        );
    }
    let row = StoreRow::from_record(r);
    Outcome::Imported(match previous.get(&key) {
        None => Change::Added,
        Some(old) if old.value != row.value => {
            Change::Changed(crate::money::parse_money(&old.value).unwrap_or_default())
        }
        Some(old) if *old != row => Change::Updated,
        Some(_) => Change::Unchanged,
    })
}

/// The report's columns.
pub const REPORT_HEADER: &str = "arquivo;registro;linha;situacao;motivo;descricao;cnpj_raiz;competencia;cpf;matricula;instituicao;contrato;valor;alteracao;valor_anterior\n";

fn report_line(
    file: &str,
    index: usize,
    line: u32,
    raw: &super::RawRecord,
    record: Option<&GovInstallment>,
    outcome: &Outcome,
) -> String {
    let raw_field = |k: &str| one_line(raw.fields.get(k).map_or("", String::as_str));
    let (cnpj, comp, cpf, matricula, inst, contract, value) = match record {
        Some(r) => (
            r.employer_root.clone(),
            r.competencia.to_iso(),
            r.cpf.clone(),
            r.matricula.clone(),
            r.institution_code.clone(),
            r.contract.clone(),
            format_money(r.installment),
        ),
        None => (
            raw_field("numeroInscricaoEmpregador"),
            raw_field("competencia"),
            raw_field("cpf"),
            raw_field("matricula"),
            raw_field("ifConcessora.codigo"),
            raw_field("contrato"),
            raw_field("valorParcela"),
        ),
    };
    let (situacao, motivo, descricao, alteracao, anterior) = match outcome {
        Outcome::Imported(change) => {
            let (a, v) = match change {
                Change::Added => ("novo", String::new()),
                Change::Changed(v) => ("parcela_alterada", format_money(*v)),
                Change::Updated => ("dados_alterados", String::new()),
                Change::Unchanged => ("inalterado", String::new()),
            };
            ("importado", "", String::new(), a, v)
        }
        Outcome::Refused(reason, text) => {
            ("recusado", reason.code(), one_line(text), "", String::new())
        }
    };
    [
        one_line(file),
        index.to_string(),
        line.to_string(),
        situacao.to_owned(),
        motivo.to_owned(),
        descricao,
        cnpj,
        comp,
        cpf,
        matricula,
        inst,
        contract,
        value,
        alteracao.to_owned(),
        anterior,
    ]
    .join(";")
}

fn removed_line(row: &StoreRow) -> String {
    [
        "",
        "",
        "",
        "removido",
        "",
        "contrato da importação anterior que não veio nesta: não será descontado",
        &row.cnpj_root,
        &row.competencia,
        &row.cpf,
        &row.matricula,
        &row.institution,
        &row.contract,
        "",
        "removido",
        &row.value,
    ]
    .join(";")
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place:
/// the file is replaced whole or not at all.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    let io = |e: std::io::Error, p: &Path| ImportError::Io {
        path: p.to_path_buf(),
        message: crate::adapters::company::io_message(&e),
    };
    let name = path
        .file_name()
        .map_or_else(|| "arquivo".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e, path));
    }
    Ok(())
}
