//! The file reader: bytes of a Crédito do Trabalhador file (JSON array, API envelope, CSV or
//! XLSX) → [`RawRecord`]s of flattened dotted keys and text values. No value is interpreted
//! here; [`super::record::normalize`] does that.

use super::json::{read_json_array, read_json_object};
use super::table::{read_csv, read_xlsx};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Largest file read whole (CSV, XLSX, the API envelope: 512 MiB; a company's monthly file is
/// a few megabytes to a few hundred).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest JSON array accepted (8 GiB, about ten million records): it is read in blocks.
pub const MAX_STREAMED_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// The shape a file was read as, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// A JSON array of records (the portal download, or the raw API answer).
    JsonArray,
    /// The API envelope `{"Ambiente": …, "Arquivo": "<base64 of the JSON array>"}`.
    JsonEnvelope,
    /// The portal's CSV export (`;`-separated, header of dotted keys).
    Csv,
    /// The portal's XLSX export (first worksheet, header in the first row).
    Xlsx,
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceFormat::JsonArray => "JSON",
            SourceFormat::JsonEnvelope => "JSON (envelope da API)",
            SourceFormat::Csv => "CSV",
            SourceFormat::Xlsx => "XLSX",
        })
    }
}

/// One record of the file, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// Record number in the file, 1-based.
    pub index: usize,
    /// Where the record is: JSON, the line of its `{` (in the decoded array for the envelope);
    /// CSV, its physical line; XLSX, its sheet row number (1-based, the header row being 1
    /// when the sheet starts at the top).
    pub line: u32,
    /// Flattened dotted key → text. JSON `null` is `""`; JSON numbers keep their exact digits;
    /// booleans are `true`/`false`; JSON strings are kept exactly as given. CSV and XLSX cells
    /// are trimmed and lose Excel's text forcing (`="007"` → `007`) and stray surrounding
    /// quotes; their keys are the header's, with the layout's spelling when they match a known
    /// key case-insensitively.
    pub fields: BTreeMap<String, String>,
}

/// A file read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The shape detected.
    pub format: SourceFormat,
    /// The records, in file order.
    pub records: Vec<RawRecord>,
}

/// Why a file could not be read. Structural faults stop the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// The line (JSON, CSV) or sheet row (XLSX) of the fault, when known.
    pub line: Option<u32>,
    /// The column of a JSON syntax error, when known (only printed with `line`).
    pub column: Option<u32>,
    /// The record number of the fault, when known.
    pub record: Option<usize>,
    /// What is wrong and what to do, in Portuguese.
    pub message: String,
}

impl ReadError {
    pub(super) fn new(path: &Path, message: impl Into<String>) -> Self {
        ReadError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            record: None,
            message: message.into(),
        }
    }

    pub(super) fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    pub(super) fn at_record(mut self, record: usize) -> Self {
        self.record = Some(record);
        self
    }
}

/// `PATH:LINE[:COL]: message`, or `PATH: registro N: message`, or `PATH: message`.
impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match (self.line, self.column, self.record) {
            (Some(line), Some(col), _) => write!(f, "{path}:{line}:{col}: {}", self.message),
            (Some(line), None, _) => write!(f, "{path}:{line}: {}", self.message),
            (None, _, Some(record)) => write!(f, "{path}: registro {record}: {}", self.message),
            (None, _, None) => write!(f, "{path}: {}", self.message),
        }
    }
}

impl std::error::Error for ReadError {}

/// What turns each record into the caller's value as soon as it is read (on JSON arrays,
/// records in parallel): a file of a million records is read without a million raw records
/// in memory.
pub type RecordMap<'a, T> = dyn Fn(RawRecord) -> T + Sync + 'a;

/// Reads the file at `path` (see [`read_bytes`]); files over [`MAX_FILE_BYTES`] are refused
/// before they are read.
pub fn read_path(path: &Path) -> Result<SourceFile, ReadError> {
    let (format, records) = read_path_map(path, &|r| r)?;
    Ok(SourceFile { format, records })
}

/// [`read_path`], each record turned by `map` as it is read; the values in file order. A JSON
/// array is read in blocks (16 MiB at a time, records parsed in parallel), so its size is bounded by
/// [`MAX_STREAMED_BYTES`]; any other shape is read whole, up to [`MAX_FILE_BYTES`].
pub fn read_path_map<T: Send>(
    path: &Path,
    map: &RecordMap<'_, T>,
) -> Result<(SourceFormat, Vec<T>), ReadError> {
    let io = |e: std::io::Error| {
        ReadError::new(
            path,
            format!(
                "não foi possível ler o arquivo: {}",
                crate::adapters::company::io_message(&e)
            ),
        )
    };
    // Checked before it is opened: a FIFO would block, a device would never end.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::new(
            path,
            "não é um arquivo comum (pasta, FIFO ou dispositivo): use o arquivo baixado do portal ou da API".to_owned(),
        ));
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    // The first bytes tell the shape.
    let mut head = Vec::with_capacity(4096);
    (&mut file).take(4096).read_to_end(&mut head).map_err(io)?;
    let first = strip_bom(&head).iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') && !head.starts_with(b"PK\x03\x04") {
        if len > MAX_STREAMED_BYTES {
            return Err(too_big(path, len, MAX_STREAMED_BYTES));
        }
        let reader = std::io::Cursor::new(head).chain(file);
        let records = super::json_stream::read_array(reader, Some(len), path, map)?;
        return Ok((SourceFormat::JsonArray, records));
    }
    if len > MAX_FILE_BYTES {
        return Err(too_big(path, len, MAX_FILE_BYTES));
    }
    let mut bytes = head;
    bytes.reserve(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    read_bytes_map(&bytes, path, map)
}

fn too_big(path: &Path, len: u64, limit: u64) -> ReadError {
    ReadError::new(
        path,
        format!(
            "arquivo grande demais ({} MiB; o limite é {} MiB): não parece um arquivo do Crédito do Trabalhador",
            len / (1024 * 1024),
            limit / (1024 * 1024)
        ),
    )
}

/// Reads a file's bytes; `path` only names the file in errors. The format comes from the
/// content: the zip signature `PK\x03\x04` is XLSX; a first non-blank character `[` or `{`
/// (after an optional UTF-8 BOM) is JSON; anything else is `;`-separated CSV.
pub fn read_bytes(bytes: &[u8], path: &Path) -> Result<SourceFile, ReadError> {
    let (format, records) = read_bytes_map(bytes, path, &|r| r)?;
    Ok(SourceFile { format, records })
}

/// [`read_bytes`], each record turned by `map` as it is read; the values in file order.
pub fn read_bytes_map<T: Send>(
    bytes: &[u8],
    path: &Path,
    map: &RecordMap<'_, T>,
) -> Result<(SourceFormat, Vec<T>), ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(path, bytes.len() as u64, MAX_FILE_BYTES));
    }
    let each = |records: Vec<RawRecord>| records.into_iter().map(map).collect::<Vec<T>>();
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok((SourceFormat::Xlsx, each(read_xlsx(bytes, path)?)));
    }
    let body = strip_bom(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(ReadError::new(path, "arquivo vazio: nenhum registro")),
        Some(b'[') => Ok((
            SourceFormat::JsonArray,
            read_json_array(body, path, "", map)?,
        )),
        Some(b'{') => Ok((
            SourceFormat::JsonEnvelope,
            read_json_object(body, path, map)?,
        )),
        Some(_) => Ok((SourceFormat::Csv, each(read_csv(bytes, path)?))),
    }
}

pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::super::table::float_text;
    use super::*;

    fn read(text: &str) -> Result<SourceFile, ReadError> {
        read_bytes(text.as_bytes(), Path::new("f.json"))
    }

    #[test]
    fn lines_of_json_records() {
        let text = "[\n  {\"cpf\": 1},\n\n  {\"cpf\": \"2\",\n   \"a\": {\"b\": null}}, {\"cpf\": true}\n]";
        let file = read(text).unwrap();
        assert_eq!(file.format, SourceFormat::JsonArray);
        let lines: Vec<u32> = file.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4, 5]);
        assert_eq!(file.records[1].fields["a.b"], "");
        assert_eq!(file.records[2].fields["cpf"], "true");
    }

    #[test]
    fn numbers_keep_their_digits() {
        let file = read("[{\"v\": 284.410, \"c\": 00, \"big\": 123456789012345678901234567890}]");
        // Leading zeros are not JSON: the file is refused with its position.
        let err = file.unwrap_err();
        assert_eq!(err.line, Some(1));
        let file = read("[{\"v\": 284.410, \"big\": 123456789012345678901234567890}]").unwrap();
        assert_eq!(file.records[0].fields["v"], "284.410");
        assert_eq!(
            file.records[0].fields["big"],
            "123456789012345678901234567890"
        );
    }

    #[test]
    fn structure_errors_stop_the_file() {
        let err = read("[{\"cpf\": 1},\n 7]").unwrap_err();
        assert_eq!((err.line, err.record), (Some(2), Some(2)));
        assert!(err.message.contains("não é um objeto"), "{err}");
        let err = read("[{\"cpf\": 1},\n{\"cpf\": [1]}]").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("lista"), "{err}");
        let err = read("[{\"a.b\": 1, \"a\": {\"b\": 2}}]").unwrap_err();
        assert!(err.message.contains("mais de uma vez"), "{err}");
        let err = read("[{\"a\": 1, \"a\": 2}]").unwrap_err();
        assert!(err.message.contains("mais de uma vez"), "{err}");
        let err = read("[{\"a\": {\"b\": 1, \"b\": 2}}]").unwrap_err();
        assert!(
            err.message.contains("'a.b' aparece mais de uma vez"),
            "{err}"
        );
        let deep = format!("[{}1{}]", "{\"a\":".repeat(20), "}".repeat(20));
        assert!(read(&deep).unwrap_err().message.contains("aninhados"));
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = read("[\n{\"cpf\": 1,}\n]").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(11)));
        assert!(
            err.to_string().starts_with("f.json:2:11: JSON inválido"),
            "{err}"
        );
        let err = read("[{\"cpf\": 1}").unwrap_err();
        assert!(err.message.contains("termina"), "{err}");
    }

    #[test]
    fn display_forms() {
        let mut e = ReadError::new(Path::new("a.csv"), "m");
        assert_eq!(e.to_string(), "a.csv: m");
        e.record = Some(3);
        assert_eq!(e.to_string(), "a.csv: registro 3: m");
        e.line = Some(7);
        assert_eq!(e.to_string(), "a.csv:7: m");
        e.column = Some(2);
        assert_eq!(e.to_string(), "a.csv:7:2: m");
    }

    #[test]
    fn detection_and_sha() {
        assert!(read("").unwrap_err().message.contains("vazio"));
        assert!(read("  \n").is_err());
        let file = read("\u{feff}[]").unwrap();
        assert_eq!(file.format, SourceFormat::JsonArray);
        let file = read("cpf;contrato\n1;2\n").unwrap();
        assert_eq!(file.format, SourceFormat::Csv);
        let err = read("{\"x\": 1}").unwrap_err();
        assert!(err.message.contains("envelope"), "{err}");
        let err = read_bytes(b"PK\x03\x04garbage", Path::new("x.xlsx")).unwrap_err();
        assert!(err.message.contains("XLSX"), "{err}");
    }

    #[test]
    fn csv_cells_and_encoding() {
        let text = b"CPF ; Contrato;;extra\n\"=\"\"00057685400\"\"\";=\"001\";;x\n\n;;;\n\xe7;\"a;b\";;y\n";
        let file = read_bytes(text, Path::new("f.csv")).unwrap();
        assert_eq!(file.records.len(), 2);
        let r = &file.records[0];
        assert_eq!(r.fields["cpf"], "00057685400");
        assert_eq!(r.fields["contrato"], "001");
        assert_eq!(r.fields["extra"], "x");
        assert_eq!(r.fields.len(), 3);
        assert_eq!(file.records[1].fields["cpf"], "ç");
        assert_eq!(file.records[1].fields["contrato"], "a;b");
        assert_eq!(file.records[1].line, 5);
        let err = read("cpf;contrato\n1;2\n1;2;3\n").unwrap_err();
        assert_eq!((err.line, err.record), (Some(3), Some(2)));
        let err = read("nome,cpf\n1,2\n").unwrap_err();
        assert!(err.message.contains("cabeçalho"), "{err}");
        let err = read("cpf;CPF\n").unwrap_err();
        assert!(err.message.contains("mais de uma vez"), "{err}");
    }

    #[test]
    fn float_cells() {
        assert_eq!(float_text(7782432472.0), "7782432472");
        assert_eq!(float_text(284.41), "284.41");
        assert_eq!(float_text(-0.0), "0");
        assert_eq!(float_text(1.23456789012346e29), "1.23456789012346e29");
        assert_eq!(float_text(1e15), "1e15");
        assert_eq!(float_text(f64::NAN), "NaN");
    }

    #[test]
    fn api_errors() {
        let err = read(r#"{"erros":[{"codigo":"LF","mensagem":"Nenhum registro encontrado"}]}"#)
            .unwrap_err();
        assert!(
            err.message.contains("LF «Nenhum registro encontrado»"),
            "{err}"
        );
        assert!(err.message.contains("nada a descontar"), "{err}");
        let err =
            read(r#"{"erros":[{"codigo":"CT","mensagem":"x"},{"codigo":"ZZ"}]}"#).unwrap_err();
        assert!(err.message.contains("ainda não fechada"), "{err}");
        assert!(err.message.contains("ZZ «»"), "{err}");
    }
}
