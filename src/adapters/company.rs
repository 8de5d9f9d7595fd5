//! Pasta da empresa: the files of a company folder that `consignado batch` reads, turned into
//! the domain's types.
//!
//! A company folder holds `configuracao.toml` (the domain's configuration,
//! [`crate::domain::Config`]) and CSV tables as pt-BR spreadsheets export them: `;` between
//! fields, UTF-8 (a byte-order mark is accepted), a header line naming the columns in any order.
//! Money follows SPEC §3 ([`crate::money::parse_money`]: `1234.56`, `1234,56`, `1.234,56`);
//! dates are `dd/mm/aaaa` (or `aaaa-mm-dd`); competências are `AAAA-MM`. Every column is
//! documented in `fixtures/README.md` ("Pasta da empresa").
//!
//! What this module owns: file names and columns ([`InputFile`]), reading a table into a compact
//! arena ([`Table`]: one string for all fields, four bytes per field; no per-row allocation),
//! and decoding one row into typed values with an error naming the column ([`FieldError`]).
//!
//! What it does not do: decide what a row means for the month (grouping, rejects, accounting:
//! [`crate::batch`]), or any consignado rule ([`crate::domain`]).
//!
//! A *broken file* — unreadable, not UTF-8, a header that is missing a required column or names
//! an unknown one — is a [`LoadError`]: the whole run stops. A *bad row* (wrong number of fields,
//! a value that does not parse) is the row's problem only: the table keeps it, or lists it in
//! [`Table::short_rows`], and the batch rejects it with its reason.

use crate::domain::{Competencia, EventKind};
use crate::money::parse_money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Name of the configuration file in a company folder.
pub const CONFIG_FILE: &str = "configuracao.toml";

/// A column of an input table: its header name and whether it must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header name (lower case, as documented).
    pub name: &'static str,
    /// Must the header name it?
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// The CSV tables of a company folder, in the order the summary lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFile {
    /// `funcionarios.csv`: one row per employee (required file).
    Funcionarios,
    /// `ficha_financeira.csv`: closed movements (líquido per competência and period).
    FichaFinanceira,
    /// `eventos.csv`: event values of the movements of the ficha financeira.
    Eventos,
    /// `parcelas.csv`: installments informed by the institutions (439), per contract.
    Parcelas,
    /// `distribuicoes.csv`: an employee's own distribution of the margin.
    Distribuicoes,
    /// `ferias.csv`: vacation periods.
    Ferias,
    /// `rescisoes.csv`: terminations in the competência.
    Rescisoes,
    /// `provisoes_abertas.csv`: 454 provisions still to be returned (456).
    ProvisoesAbertas,
}

/// Column positions of `funcionarios.csv` (in [`InputFile::columns`] order).
pub mod col_funcionarios {
    #![allow(missing_docs)]
    pub const MATRICULA: usize = 0;
    pub const CPF: usize = 1;
    pub const NOME: usize = 2;
    pub const CATEGORIA: usize = 3;
    pub const SALARIO: usize = 4;
    pub const DDD: usize = 5;
    pub const TELEFONE: usize = 6;
    pub const EMAIL: usize = 7;
    pub const NASCIMENTO: usize = 8;
    pub const RG_NUMERO: usize = 9;
    pub const RG_ORGAO: usize = 10;
    pub const RG_EMISSAO: usize = 11;
    pub const NOME_MAE: usize = 12;
}

/// Every table's first column is the matrícula.
pub const COL_MATRICULA: usize = 0;

impl InputFile {
    /// Every table, in summary order.
    pub const ALL: [InputFile; 8] = [
        InputFile::Funcionarios,
        InputFile::FichaFinanceira,
        InputFile::Eventos,
        InputFile::Parcelas,
        InputFile::Distribuicoes,
        InputFile::Ferias,
        InputFile::Rescisoes,
        InputFile::ProvisoesAbertas,
    ];

    /// File name inside the company folder.
    pub fn file_name(self) -> &'static str {
        match self {
            InputFile::Funcionarios => "funcionarios.csv",
            InputFile::FichaFinanceira => "ficha_financeira.csv",
            InputFile::Eventos => "eventos.csv",
            InputFile::Parcelas => "parcelas.csv",
            InputFile::Distribuicoes => "distribuicoes.csv",
            InputFile::Ferias => "ferias.csv",
            InputFile::Rescisoes => "rescisoes.csv",
            InputFile::ProvisoesAbertas => "provisoes_abertas.csv",
        }
    }

    /// Must the folder have this file? Only `funcionarios.csv`; an absent optional file has no rows.
    pub fn required(self) -> bool {
        self == InputFile::Funcionarios
    }

    /// Position in [`InputFile::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The columns, in the order the `col_*` constants and the row decoders use.
    pub fn columns(self) -> &'static [Column] {
        match self {
            InputFile::Funcionarios => COLS_FUNCIONARIOS,
            InputFile::FichaFinanceira => COLS_FICHA,
            InputFile::Eventos => COLS_EVENTOS,
            InputFile::Parcelas => COLS_PARCELAS,
            InputFile::Distribuicoes => COLS_DISTRIBUICOES,
            InputFile::Ferias => COLS_FERIAS,
            InputFile::Rescisoes => COLS_RESCISOES,
            InputFile::ProvisoesAbertas => COLS_PROVISOES,
        }
    }
}

const COLS_FUNCIONARIOS: &[Column] = &[
    req("matricula"),
    req("cpf"),
    opt("nome"),
    opt("categoria"),
    req("salario"),
    opt("ddd"),
    opt("telefone"),
    opt("email_funcional"),
    opt("data_nascimento"),
    opt("rg_numero"),
    opt("rg_orgao_emissor"),
    opt("rg_data_emissao"),
    opt("nome_mae"),
];
const COLS_FICHA: &[Column] = &[
    req("matricula"),
    req("competencia"),
    opt("periodo"),
    req("liquido"),
    opt("remuneracao_disponivel"),
];
const COLS_EVENTOS: &[Column] = &[
    req("matricula"),
    req("competencia"),
    opt("periodo"),
    req("evento"),
    req("tipo"),
    req("valor"),
];
const COLS_PARCELAS: &[Column] = &[
    req("matricula"),
    req("instituicao"),
    req("contrato"),
    opt("inicio"),
    req("competencia"),
    req("valor"),
    opt("saldo_devedor"),
];
const COLS_DISTRIBUICOES: &[Column] = &[req("matricula"), req("instituicao"), req("percentual")];
const COLS_FERIAS: &[Column] = &[
    req("matricula"),
    req("inicio"),
    req("fim"),
    opt("dias_abono"),
];
const COLS_RESCISOES: &[Column] = &[
    req("matricula"),
    req("data"),
    req("liquido"),
    opt("remuneracao_disponivel"),
];
const COLS_PROVISOES: &[Column] = &[
    req("matricula"),
    req("instituicao"),
    req("competencia_origem"),
    req("competencia_retorno"),
    req("valor"),
];

impl fmt::Display for InputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// Why a company folder cannot be read at all. Nothing is computed or written after one.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder or a file cannot be opened or read (exit code 2).
    #[error("{path}: {message}")]
    Io {
        /// Path.
        path: PathBuf,
        /// What the system said, in Portuguese.
        message: String,
    },
    /// A file whose shape is wrong: header, encoding, CSV structure (exit code 1).
    #[error("{path}:{line}: {message}")]
    Format {
        /// Path.
        path: PathBuf,
        /// Line (1-based).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The configuration is invalid: every problem, one per line (exit code 1).
    #[error("{}", .issues.join("\n"))]
    Config {
        /// Rendered issues, each starting with the file name.
        issues: Vec<String>,
    },
}

impl LoadError {
    /// True for problems of the input itself (exit code 1), false for I/O (exit code 2).
    pub fn is_input(&self) -> bool {
        !matches!(self, LoadError::Io { .. })
    }
}

/// One input table held compactly: every field of every row in one string, in
/// [`InputFile::columns`] order (an optional column absent from the header reads as empty).
#[derive(Debug)]
pub struct Table {
    /// Which file.
    pub file: InputFile,
    /// Data rows read (header excluded, empty lines skipped), including [`Table::short_rows`].
    pub rows_read: u64,
    /// Rows whose number of fields differs from the header's: (line, fields found).
    pub short_rows: Vec<(u32, u32)>,
    ncols: usize,
    data: String,
    ends: Vec<u32>,
    lines: Vec<u32>,
}

impl Table {
    /// An empty table (absent optional file).
    pub fn empty(file: InputFile) -> Table {
        Table {
            file,
            rows_read: 0,
            short_rows: Vec::new(),
            ncols: file.columns().len(),
            data: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Number of well-formed rows kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Field `col` of row `row` (trimmed; empty when the optional column is absent).
    pub fn field(&self, row: usize, col: usize) -> &str {
        let i = row * self.ncols + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.data.get(start..end).unwrap_or("")
    }

    /// Line of row `row` in its file (1-based, the header being line 1).
    pub fn line(&self, row: usize) -> u32 {
        self.lines[row]
    }

    /// Reads `dir/<file>`. An absent optional file is an empty table.
    pub fn read(dir: &Path, file: InputFile) -> Result<Table, LoadError> {
        let path = dir.join(file.file_name());
        let handle = match std::fs::File::open(&path) {
            Ok(h) => h,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !file.required() => {
                return Ok(Table::empty(file));
            }
            Err(e) => {
                return Err(LoadError::Io {
                    path,
                    message: io_message(&e),
                })
            }
        };
        Table::from_reader(
            std::io::BufReader::with_capacity(1 << 20, handle),
            file,
            &path,
        )
    }

    /// Reads a table from any reader; `path` names it in errors.
    pub fn from_reader<R: std::io::Read>(
        reader: R,
        file: InputFile,
        path: &Path,
    ) -> Result<Table, LoadError> {
        let format = |line: u64, message: String| LoadError::Format {
            path: path.to_path_buf(),
            line,
            message,
        };
        let newlines = Rc::new(RefCell::new(VecDeque::new()));
        let lines = RefCell::new(Lines {
            newlines: newlines.clone(),
            passed: 0,
        });
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(NewlineTap {
                inner: reader,
                offset: 0,
                newlines: newlines.clone(),
            });
        let mut record = csv::ByteRecord::new();
        let columns = file.columns();
        let mut table = Table::empty(file);

        // Header: every name known, none repeated, every required one present.
        let read = |csv: &mut csv::Reader<NewlineTap<R>>, record: &mut csv::ByteRecord| {
            csv.read_byte_record(record).map_err(|e| {
                let line = e
                    .position()
                    .map_or(0, |p| lines.borrow_mut().line_at(p.byte()));
                LoadError::Format {
                    path: path.to_path_buf(),
                    line,
                    message: format!("arquivo CSV ilegível: {}", csv_message(&e)),
                }
            })
        };
        if !read(&mut csv, &mut record)? {
            if file.required() {
                return Err(format(
                    1,
                    "arquivo vazio: falta a linha de cabeçalho".to_owned(),
                ));
            }
            return Ok(table);
        }
        let header_line = lines
            .borrow_mut()
            .line_at(csv.position().byte().saturating_sub(1));
        let mut map: Vec<Option<usize>> = vec![None; columns.len()];
        for (pos, raw) in record.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| format(header_line, "cabeçalho não está em UTF-8".to_owned()))?;
            let name = name.trim_start_matches('\u{feff}').trim().to_lowercase();
            let Some(c) = columns.iter().position(|c| c.name == name) else {
                let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
                return Err(format(
                    header_line,
                    format!(
                        "coluna desconhecida '{name}' no cabeçalho (colunas de {file}: {}; separador ';')",
                        known.join(";")
                    ),
                ));
            };
            if map[c].is_some() {
                return Err(format(
                    header_line,
                    format!("coluna '{name}' repetida no cabeçalho"),
                ));
            }
            map[c] = Some(pos);
        }
        if let Some(missing) = columns
            .iter()
            .zip(&map)
            .find(|(c, m)| c.required && m.is_none())
        {
            return Err(format(
                header_line,
                format!(
                    "falta a coluna obrigatória '{}' no cabeçalho",
                    missing.0.name
                ),
            ));
        }
        let width = record.len();

        while read(&mut csv, &mut record)? {
            let line = lines
                .borrow_mut()
                .line_at(csv.position().byte().saturating_sub(1));
            let line32 = u32::try_from(line)
                .map_err(|_| format(line, "arquivo grande demais".to_owned()))?;
            table.rows_read += 1;
            if std::str::from_utf8(record.as_slice()).is_err() {
                return Err(format(
                    line,
                    "o arquivo não está em UTF-8 (salve-o como CSV UTF-8)".to_owned(),
                ));
            }
            if record.len() != width {
                table.short_rows.push((line32, record.len() as u32));
                continue;
            }
            for slot in &map {
                if let Some(pos) = slot {
                    let bytes = record.get(*pos).unwrap_or_default().trim_ascii();
                    // Validated just above: the whole record is UTF-8, and trimming ASCII
                    // white space keeps it so.
                    table
                        .data
                        .push_str(std::str::from_utf8(bytes).unwrap_or_default());
                }
                let end = u32::try_from(table.data.len()).map_err(|_| {
                    format(
                        line,
                        "arquivo grande demais (mais de 4 GiB de campos)".to_owned(),
                    )
                })?;
                table.ends.push(end);
            }
            table.lines.push(line32);
        }
        table.data.shrink_to_fit();
        table.ends.shrink_to_fit();
        table.lines.shrink_to_fit();
        Ok(table)
    }
}

/// Passes bytes through and notes where each line ends: csv's own line numbers do not count the
/// blank lines it skips, and a rejected row must name its real line.
struct NewlineTap<R> {
    inner: R,
    offset: u64,
    newlines: Rc<RefCell<VecDeque<u64>>>,
}

impl<R: std::io::Read> std::io::Read for NewlineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut q = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                q.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Turns a byte offset into its line (offsets asked in increasing order). The batch asks for the
/// last byte of each record (csv's position after reading it, minus one), which is the record's
/// line unless a quoted field spans lines.
struct Lines {
    newlines: Rc<RefCell<VecDeque<u64>>>,
    passed: u64,
}

impl Lines {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut q = self.newlines.borrow_mut();
        while q.front().is_some_and(|&o| o < byte) {
            q.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io_message(io),
        csv::ErrorKind::Utf8 { .. } => {
            "o arquivo não está em UTF-8 (salve-o como CSV UTF-8)".to_owned()
        }
        _ => e.to_string(),
    }
}

/// A Portuguese phrase for an I/O error.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "arquivo ou pasta não encontrado".to_owned(),
        K::PermissionDenied => "permissão negada".to_owned(),
        K::InvalidData => "o arquivo não está em UTF-8 (salve-o como CSV UTF-8)".to_owned(),
        _ => format!("erro de leitura/escrita: {e}"),
    }
}

/// A field that does not decode: which column and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Column name.
    pub column: &'static str,
    /// Portuguese message.
    pub message: String,
}

/// Result of decoding a field.
pub type FieldResult<T> = Result<T, FieldError>;

/// Typed access to one row of a [`Table`].
#[derive(Clone, Copy)]
pub struct Row<'t> {
    table: &'t Table,
    row: usize,
}

impl<'t> Row<'t> {
    /// Row `row` of `table`.
    pub fn new(table: &'t Table, row: usize) -> Self {
        Row { table, row }
    }

    /// Line in the file.
    pub fn line(&self) -> u32 {
        self.table.line(self.row)
    }

    /// Raw text of column `col`.
    pub fn text(&self, col: usize) -> &'t str {
        self.table.field(self.row, col)
    }

    fn name(&self, col: usize) -> &'static str {
        self.table.file.columns()[col].name
    }

    fn err(&self, col: usize, message: String) -> FieldError {
        FieldError {
            column: self.name(col),
            message,
        }
    }

    /// A non-empty text.
    pub fn required(&self, col: usize) -> FieldResult<&'t str> {
        let t = self.text(col);
        if t.is_empty() {
            return Err(self.err(col, "campo obrigatório vazio".to_owned()));
        }
        Ok(t)
    }

    /// A non-empty text, or `None`.
    pub fn optional(&self, col: usize) -> Option<&'t str> {
        Some(self.text(col)).filter(|t| !t.is_empty())
    }

    /// Money (SPEC §3).
    pub fn money(&self, col: usize) -> FieldResult<Decimal> {
        let t = self.required(col)?;
        parse_money(t).map_err(|e| self.err(col, e.to_string()))
    }

    /// Optional money.
    pub fn opt_money(&self, col: usize) -> FieldResult<Option<Decimal>> {
        match self.optional(col) {
            None => Ok(None),
            Some(t) => parse_money(t)
                .map(Some)
                .map_err(|e| self.err(col, e.to_string())),
        }
    }

    /// Competência `AAAA-MM`.
    pub fn competencia(&self, col: usize) -> FieldResult<Competencia> {
        let t = self.required(col)?;
        parse_competencia_field(t).ok_or_else(|| {
            self.err(
                col,
                format!("competência inválida '{t}': use AAAA-MM, por exemplo 2025-07"),
            )
        })
    }

    /// Date `dd/mm/aaaa` or `aaaa-mm-dd`.
    pub fn date(&self, col: usize) -> FieldResult<NaiveDate> {
        let t = self.required(col)?;
        parse_date(t).ok_or_else(|| self.err(col, format!("data inválida '{t}': use dd/mm/aaaa")))
    }

    /// Optional date.
    pub fn opt_date(&self, col: usize) -> FieldResult<Option<NaiveDate>> {
        match self.optional(col) {
            None => Ok(None),
            Some(_) => self.date(col).map(Some),
        }
    }

    /// An unsigned whole number, `default` when empty.
    pub fn uint(&self, col: usize, default: u32) -> FieldResult<u32> {
        match self.optional(col) {
            None => Ok(default),
            Some(t) => t
                .parse::<u32>()
                .map_err(|_| self.err(col, format!("número inteiro inválido '{t}'"))),
        }
    }

    /// Event type: `provento`, `desconto` or `base` (`base_de_calculo`).
    pub fn event_kind(&self, col: usize) -> FieldResult<EventKind> {
        let t = self.required(col)?;
        match t.to_lowercase().as_str() {
            "provento" | "p" => Ok(EventKind::Provento),
            "desconto" | "d" => Ok(EventKind::Desconto),
            "base" | "base_de_calculo" | "base de cálculo" | "base de calculo" | "b" => {
                Ok(EventKind::BaseDeCalculo)
            }
            _ => Err(self.err(
                col,
                format!("tipo de evento '{t}' inválido: use provento, desconto ou base"),
            )),
        }
    }
}

/// `AAAA-MM` only (the file form of SPEC §3), without allocating.
pub fn parse_competencia_field(t: &str) -> Option<Competencia> {
    let b = t.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit) {
        return None;
    }
    let year = t[..4].parse().ok()?;
    let month = t[5..].parse().ok()?;
    Competencia::new(year, month).ok()
}

/// `dd/mm/aaaa` or `aaaa-mm-dd`.
pub fn parse_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    let num = |s: &str| s.parse::<u32>().ok();
    match b.len() {
        10 if b[2] == b'/' && b[5] == b'/' => {
            NaiveDate::from_ymd_opt(num(&t[6..])? as i32, num(&t[3..5])?, num(&t[..2])?)
        }
        10 if b[4] == b'-' && b[7] == b'-' => {
            NaiveDate::from_ymd_opt(num(&t[..4])? as i32, num(&t[5..7])?, num(&t[8..])?)
        }
        _ => None,
    }
    .filter(|_| t.bytes().filter(u8::is_ascii_digit).count() == 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(file: InputFile, text: &str) -> Result<Table, LoadError> {
        Table::from_reader(text.as_bytes(), file, Path::new(file.file_name()))
    }

    #[test]
    fn header_in_any_order_and_optional_columns_absent() {
        let t = table(
            InputFile::Distribuicoes,
            "percentual;MATRICULA;instituicao\n50;001;banco_a\n",
        )
        .unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t.field(0, 0), "001");
        assert_eq!(t.field(0, 1), "banco_a");
        assert_eq!(t.field(0, 2), "50");
        let t = table(
            InputFile::Ferias,
            "\u{feff}matricula;inicio;fim\n1;20/07/2025;08/08/2025\n",
        )
        .unwrap();
        assert_eq!(t.field(0, 3), "");
        assert_eq!(t.line(0), 2);
    }

    #[test]
    fn broken_headers_stop_with_the_line() {
        let e = table(InputFile::Ferias, "matricula;inicio;fim;xyz\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ferias.csv:1: coluna desconhecida 'xyz'"),
            "{e}"
        );
        let e = table(InputFile::Ferias, "matricula;inicio\n").unwrap_err();
        assert!(
            e.to_string().contains("falta a coluna obrigatória 'fim'"),
            "{e}"
        );
        let e = table(InputFile::Funcionarios, "").unwrap_err();
        assert!(e.to_string().contains("vazio"), "{e}");
        let bytes = b"matricula;inicio;fim\n1;\xff;x\n";
        let e =
            Table::from_reader(&bytes[..], InputFile::Ferias, Path::new("ferias.csv")).unwrap_err();
        assert!(e.to_string().starts_with("ferias.csv:2: "), "{e}");
    }

    #[test]
    fn short_rows_are_kept_aside() {
        let t = table(
            InputFile::Ferias,
            "matricula;inicio;fim\n1;2;3\n1;2\n\n4;5;6\n",
        )
        .unwrap();
        assert_eq!(t.rows_read, 3);
        assert_eq!(t.len(), 2);
        assert_eq!(t.short_rows, vec![(3, 2)]);
        assert_eq!(t.line(1), 5);
    }

    #[test]
    fn fields_decode_or_name_their_column() {
        let t = table(
            InputFile::Parcelas,
            "matricula;instituicao;contrato;inicio;competencia;valor\n1;b;k;15/03/2024;2025-07;1.234,56\n1;b;k;x;2025-7;1.234\n",
        )
        .unwrap();
        let ok = Row::new(&t, 0);
        assert_eq!(ok.money(5).unwrap().to_string(), "1234.56");
        assert_eq!(
            ok.date(3).unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
        );
        assert_eq!(ok.competencia(4).unwrap().to_iso(), "2025-07");
        let bad = Row::new(&t, 1);
        assert_eq!(bad.money(5).unwrap_err().column, "valor");
        assert!(bad.money(5).unwrap_err().message.contains("ambíguo"));
        assert_eq!(bad.date(3).unwrap_err().column, "inicio");
        assert_eq!(bad.competencia(4).unwrap_err().column, "competencia");
        assert_eq!(Row::new(&t, 0).opt_money(6).unwrap(), None);
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2025-07-20"),
            NaiveDate::from_ymd_opt(2025, 7, 20)
        );
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("1/2/2025"), None);
        assert_eq!(parse_date("+1/02/2025"), None);
    }
}
