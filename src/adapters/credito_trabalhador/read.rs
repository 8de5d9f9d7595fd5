//! The file reader: bytes of a Crédito do Trabalhador file (JSON array, API envelope, CSV or
//! XLSX) → [`RawRecord`]s of flattened dotted keys and text values. No value is interpreted
//! here; [`super::record::normalize`] does that.

use super::record::KNOWN_KEYS;
use base64::Engine as _;
use calamine::{Data, Reader as _, Xlsx};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};

/// Largest file accepted (512 MiB): a real monthly file is a few megabytes.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// Largest declared uncompressed content of an XLSX (1 GiB): guards against zip bombs.
const MAX_XLSX_CONTENT: u64 = 1024 * 1024 * 1024;
/// Deepest nesting of objects in a JSON record (`a.b.c…`); the layout needs 2.
const MAX_DEPTH: usize = 8;

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
    /// booleans are `true`/`false`. CSV and XLSX keys are the header's, with the layout's
    /// spelling when they match a known key case-insensitively.
    pub fields: BTreeMap<String, String>,
}

/// A file read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The shape detected.
    pub format: SourceFormat,
    /// SHA-256 of the file's bytes, lowercase hex (identifies a snapshot of the file).
    pub sha256: String,
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
    fn new(path: &Path, message: impl Into<String>) -> Self {
        ReadError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            record: None,
            message: message.into(),
        }
    }

    fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }

    fn at_record(mut self, record: usize) -> Self {
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

/// Reads the file at `path` (see [`read_bytes`]); files over [`MAX_FILE_BYTES`] are refused
/// before they are read.
pub fn read_path(path: &Path) -> Result<SourceFile, ReadError> {
    let io =
        |e: std::io::Error| ReadError::new(path, format!("não foi possível ler o arquivo: {e}"));
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_big(path, len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    read_bytes(&bytes, path)
}

fn too_big(path: &Path, len: u64) -> ReadError {
    ReadError::new(
        path,
        format!(
            "arquivo grande demais ({} MiB; o limite é {} MiB): não parece um arquivo do Crédito do Trabalhador",
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// Reads a file's bytes; `path` only names the file in errors. The format comes from the
/// content: the zip signature `PK\x03\x04` is XLSX; a first non-blank character `[` or `{`
/// (after an optional UTF-8 BOM) is JSON; anything else is `;`-separated CSV.
pub fn read_bytes(bytes: &[u8], path: &Path) -> Result<SourceFile, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(path, bytes.len() as u64));
    }
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let (format, records) = if bytes.starts_with(b"PK\x03\x04") {
        (SourceFormat::Xlsx, read_xlsx(bytes, path)?)
    } else {
        let body = strip_bom(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            None => return Err(ReadError::new(path, "arquivo vazio: nenhum registro")),
            Some(b'[') => (SourceFormat::JsonArray, read_json_array(body, path, "")?),
            Some(b'{') => (SourceFormat::JsonEnvelope, read_json_object(body, path)?),
            Some(_) => (SourceFormat::Csv, read_csv(bytes, path)?),
        }
    };
    Ok(SourceFile {
        format,
        sha256,
        records,
    })
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

// ---------------------------------------------------------------------------------------------
// JSON

/// A serde_json error as a positioned Portuguese message. `context` says which text the
/// position refers to (empty for the file itself).
fn json_error(e: &serde_json::Error, path: &Path, context: &str) -> ReadError {
    let text = e.to_string();
    let detail = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let what = match e.classify() {
        serde_json::error::Category::Eof => {
            "o texto termina no meio de um valor (arquivo incompleto ou cortado?)".to_string()
        }
        serde_json::error::Category::Data => format!("estrutura inesperada ({detail})"),
        _ => format!("sintaxe inválida ({detail})"),
    };
    let mut err = ReadError::new(path, format!("JSON inválido{context}: {what}"));
    if e.line() > 0 {
        err.line = Some(u32::try_from(e.line()).unwrap_or(u32::MAX));
        err.column = Some(u32::try_from(e.column()).unwrap_or(u32::MAX));
    }
    err
}

/// A JSON array of records. `text` has no BOM; lines are counted in it.
fn read_json_array(text: &[u8], path: &Path, context: &str) -> Result<Vec<RawRecord>, ReadError> {
    let elements: Vec<&RawValue> =
        serde_json::from_slice(text).map_err(|e| json_error(&e, path, context))?;
    let base = text.as_ptr() as usize;
    let mut records = Vec::with_capacity(elements.len());
    let mut line: u32 = 1;
    let mut counted = 0usize;
    for (i, raw) in elements.iter().enumerate() {
        let index = i + 1;
        let json = raw.get();
        let start = (json.as_ptr() as usize)
            .saturating_sub(base)
            .clamp(counted, text.len());
        let newlines = memchr::memchr_iter(b'\n', &text[counted..start]).count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted = start;
        let fail = |message: String| {
            ReadError::new(path, format!("registro {index}{context}: {message}"))
                .at_line(line)
                .at_record(index)
        };
        if !json.starts_with('{') {
            return Err(fail(format!(
                "não é um objeto (é {}); cada registro deve ser um objeto {{\"cpf\": …, \"contrato\": …}}",
                json_kind(json)
            )));
        }
        let entries: Entries =
            serde_json::from_str(json).map_err(|e| fail(format!("estrutura inválida ({e})")))?;
        let mut fields = BTreeMap::new();
        for (key, value) in entries.0 {
            flatten(key, value, 1, &mut fields).map_err(fail)?;
        }
        records.push(RawRecord {
            index,
            line,
            fields,
        });
    }
    Ok(records)
}

fn json_kind(json: &str) -> &'static str {
    match json.as_bytes().first() {
        Some(b'[') => "uma lista",
        Some(b'"') => "um texto",
        Some(b't' | b'f') => "um booleano",
        Some(b'n') => "null",
        _ => "um número",
    }
}

/// The entries of a record object in file order, keeping repeated keys (serde_json's `Map`
/// would keep only the last one, silently).
struct Entries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("um objeto")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<Value>()?));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}

/// Flattens `value` under `key` into `out` (nested objects joined with `.`).
fn flatten(
    key: String,
    value: Value,
    depth: usize,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let text = match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s,
        Value::Array(_) => {
            return Err(format!(
                "o campo '{key}' é uma lista; o leiaute só tem valores simples e objetos"
            ))
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(format!(
                    "objetos aninhados demais em '{key}' (mais de {MAX_DEPTH} níveis)"
                ));
            }
            for (sub, v) in map {
                flatten(format!("{key}.{sub}"), v, depth + 1, out)?;
            }
            return Ok(());
        }
    };
    if out.contains_key(&key) {
        return Err(format!(
            "a chave '{key}' aparece mais de uma vez no registro (chave pontuada e objeto aninhado?)"
        ));
    }
    out.insert(key, text);
    Ok(())
}

/// A top-level object: the API envelope, or the API's error reply.
fn read_json_object(body: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| json_error(&e, path, ""))?;
    let Value::Object(map) = value else {
        return Err(ReadError::new(path, "JSON inválido: esperado um objeto"));
    };
    let get = |name: &str| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    if let Some(errors) = get("erros") {
        return Err(api_error(errors, path));
    }
    match get("arquivo") {
        Some(Value::String(encoded)) => {
            let compact: Vec<u8> = encoded
                .bytes()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            let decoded = engine.decode(&compact).map_err(|e| {
                ReadError::new(
                    path,
                    format!("o campo 'Arquivo' do envelope da API não é base64 válido ({e})"),
                )
            })?;
            let inner = strip_bom(&decoded);
            match inner.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'[') => {
                    read_json_array(inner, path, " (no conteúdo decodificado de 'Arquivo')")
                }
                _ => Err(ReadError::new(
                    path,
                    "o conteúdo decodificado de 'Arquivo' não é uma lista JSON de registros",
                )),
            }
        }
        Some(_) => Err(ReadError::new(
            path,
            "o campo 'Arquivo' do envelope da API deve ser um texto base64",
        )),
        None => Err(ReadError::new(
            path,
            "objeto JSON não reconhecido: são aceitos uma lista de registros [ {…}, … ], o envelope da API {\"Ambiente\": …, \"Arquivo\": \"<base64>\"} e a resposta de erro {\"erros\": [ … ]}",
        )),
    }
}

/// The API's error reply as one message quoting every code and message.
fn api_error(errors: &Value, path: &Path) -> ReadError {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let items: Vec<String> = match errors {
        Value::Array(list) if !list.is_empty() => list
            .iter()
            .map(|e| {
                let code = text(e.get("codigo"));
                let message = text(e.get("mensagem"));
                format!("{code} «{message}»{}", meaning(&code))
            })
            .collect(),
        other => vec![other.to_string()],
    };
    ReadError::new(
        path,
        format!(
            "o arquivo é uma resposta de erro da API do Crédito do Trabalhador, não uma lista de parcelas: {}",
            items.join("; ")
        ),
    )
}

/// What a return code of the Dataprev employer API means.
fn meaning(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "LF" => " (não há parcelas para este empregador nesta competência: nada a descontar)",
        "CT" => " (competência inválida ou ainda não fechada; a competência fecha no dia 20)",
        "OZ" => " (serviço Crédito do Trabalhador suspenso; tente mais tarde)",
        "PR" => " (sem procuração para consultar este empregador; cadastre-a no portal)",
        "SJ" | "SP" | "SQ" | "SU" => " (CNPJ/CPF do empregador consultado recusado)",
        c if c.starts_with("PARAM") => " (parâmetro da consulta ausente ou inválido)",
        _ => "",
    }
}

// ---------------------------------------------------------------------------------------------
// CSV and XLSX: a header row, then records

/// Removes Excel's text forcing (`="00057685400"`) and stray surrounding quotes; trims.
fn clean_cell(s: &str) -> String {
    let t = s.trim();
    if let Some(inner) = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        return inner.replace("\"\"", "\"").trim().to_string();
    }
    for (open, close) in [('"', '"'), ('“', '”')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim().to_string();
        }
    }
    t.to_string()
}

/// Collects the header and the records of a table (CSV or worksheet).
struct Table<'a> {
    path: &'a Path,
    header: Option<Vec<Option<String>>>,
    records: Vec<RawRecord>,
}

impl<'a> Table<'a> {
    fn new(path: &'a Path) -> Self {
        Table {
            path,
            header: None,
            records: Vec::new(),
        }
    }

    fn push(&mut self, cells: Vec<String>, line: u32, width_unit: &str) -> Result<(), ReadError> {
        if cells.iter().all(|c| c.is_empty()) {
            return Ok(());
        }
        let Some(header) = &self.header else {
            self.header = Some(self.parse_header(cells, line)?);
            return Ok(());
        };
        let index = self.records.len() + 1;
        if cells.len() != header.len() {
            return Err(ReadError::new(
                self.path,
                format!(
                    "registro {index}: a linha tem {} {width_unit}, o cabeçalho tem {}; separador ';' e aspas conferem?",
                    cells.len(),
                    header.len()
                ),
            )
            .at_line(line)
            .at_record(index));
        }
        let fields = header
            .iter()
            .zip(cells)
            .filter_map(|(key, cell)| key.as_ref().map(|k| (k.clone(), cell)))
            .collect();
        self.records.push(RawRecord {
            index,
            line,
            fields,
        });
        Ok(())
    }

    fn parse_header(
        &self,
        cells: Vec<String>,
        line: u32,
    ) -> Result<Vec<Option<String>>, ReadError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut header = Vec::with_capacity(cells.len());
        let mut known = 0;
        for cell in cells {
            if cell.is_empty() {
                header.push(None);
                continue;
            }
            let key = match KNOWN_KEYS.iter().find(|k| k.eq_ignore_ascii_case(&cell)) {
                Some(k) => {
                    known += 1;
                    (*k).to_string()
                }
                None => cell,
            };
            if !seen.insert(key.clone()) {
                return Err(ReadError::new(
                    self.path,
                    format!("a coluna '{key}' aparece mais de uma vez no cabeçalho"),
                )
                .at_line(line));
            }
            header.push(Some(key));
        }
        if known == 0 {
            return Err(ReadError::new(
                self.path,
                "cabeçalho não reconhecido: esperadas as chaves do leiaute (cpf, matricula, contrato, ifConcessora.codigo, …) separadas por ';'",
            )
            .at_line(line));
        }
        Ok(header)
    }

    fn finish(self) -> Result<Vec<RawRecord>, ReadError> {
        if self.header.is_none() {
            return Err(ReadError::new(
                self.path,
                "arquivo sem cabeçalho nem registros",
            ));
        }
        Ok(self.records)
    }
}

/// UTF-8 (BOM removed) when valid, Windows-1252 otherwise.
fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    let body = strip_bom(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
        }
    }
}

fn read_csv(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::new(path);
    let mut row = csv::StringRecord::new();
    // The csv crate's line of a record is off after CRLF line ends and blank lines: count
    // the lines up to the record's first byte instead (a record never starts with CR or LF).
    let bytes = text.as_bytes();
    let (mut line, mut counted) = (1u32, 0usize);
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let mut err = ReadError::new(path, format!("CSV ilegível: {e}"));
                if let Some(p) = e.position() {
                    err.line = Some(u32::try_from(p.line()).unwrap_or(u32::MAX));
                }
                return Err(err);
            }
        }
        let mut start = row
            .position()
            .map_or(counted, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .clamp(counted, bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let newlines = memchr::memchr_iter(b'\n', &bytes[counted..start]).count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted = start;
        let cells = row.iter().map(clean_cell).collect();
        table.push(cells, line, "campos")?;
    }
    table.finish()
}

/// The text of a number cell: integers as their digits, other values by the shortest
/// round-trip representation, 1e15 and above (beyond what a spreadsheet keeps exactly) in
/// scientific notation, so that a mangled identifier is reported by `normalize`.
fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.abs() >= 1e15 {
        return format!("{f:e}");
    }
    if f.fract() == 0.0 {
        // |f| < 1e15: exact in i64.
        return format!("{}", f as i64);
    }
    format!("{f}")
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean_cell(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            // as_datetime overflows far outside the calendar: convert only 1900..=9999.
            let date = if dt.is_datetime() && (0.0..=2_958_466.0).contains(&serial) {
                dt.as_datetime()
            } else {
                None
            };
            match date {
                Some(d) => d.format("%d/%m/%Y").to_string(),
                None => float_text(serial),
            }
        }
        Data::DateTimeIso(s) => match s.get(..10).and_then(crate::adapters::company::parse_date) {
            Some(d) => d.format("%d/%m/%Y").to_string(),
            None => s.trim().to_string(),
        },
        Data::DurationIso(s) => s.trim().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// Reads the first worksheet. calamine 0.30 can panic on a malformed archive (e.g. a shared
/// string index out of range): that panic is caught here and reported as an unreadable file.
fn read_xlsx(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes, path)).unwrap_or_else(|_| {
        Err(ReadError::new(
            path,
            "planilha XLSX ilegível (estrutura interna inválida); baixe o arquivo novamente do portal",
        ))
    })
}

fn read_xlsx_unguarded(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    let bad = |e: &dyn fmt::Display| {
        ReadError::new(
            path,
            format!("planilha XLSX ilegível ({e}); baixe o arquivo novamente do portal"),
        )
    };
    // Zip-bomb guard: the sizes the archive declares.
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| bad(&e))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_XLSX_CONTENT {
        return Err(ReadError::new(
            path,
            format!(
                "planilha XLSX grande demais descompactada ({} MiB; o limite é {} MiB)",
                declared / (1024 * 1024),
                MAX_XLSX_CONTENT / (1024 * 1024)
            ),
        ));
    }
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::new(path, "planilha XLSX sem nenhuma aba"))?
        .map_err(|e| bad(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let mut table = Table::new(path);
    for (i, row) in range.rows().enumerate() {
        let line = first_row
            .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
            .saturating_add(1);
        let cells = row.iter().map(cell_text).collect();
        table.push(cells, line, "células")?;
    }
    table.finish()
}

#[cfg(test)]
mod tests {
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
        assert_eq!(
            read("[]").unwrap().sha256,
            "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
        );
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
