//! CSV and XLSX: a header row of the layout's keys, then one record per row.

use super::read::{RawRecord, ReadError};
use super::KNOWN_KEYS;
use calamine::{Data, Reader as _, Xlsx};
use std::borrow::Cow;
use std::fmt;
use std::io::Cursor;
use std::path::Path;

/// Largest declared uncompressed content of an XLSX (1 GiB): guards against zip bombs.
const MAX_XLSX_CONTENT: u64 = 1024 * 1024 * 1024;

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
    let body = super::read::strip_bom(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
        }
    }
}

pub(super) fn read_csv(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
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
                let what = match e.kind() {
                    csv::ErrorKind::Io(io) => crate::adapters::company::io_message(io),
                    csv::ErrorKind::Utf8 { .. } => "texto que não é UTF-8 nem Windows-1252".to_owned(),
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                        "a linha tem {len} campos e o cabeçalho {expected_len}: confira o separador ';'"
                    ),
                    _ => "estrutura CSV malformada (aspas sem fechar?)".to_owned(),
                };
                let mut err = ReadError::new(path, format!("CSV ilegível: {what}"));
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
pub(super) fn float_text(f: f64) -> String {
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
pub(super) fn read_xlsx(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(bytes, path)).unwrap_or_else(|_| {
        Err(ReadError::new(
            path,
            "planilha XLSX ilegível (estrutura interna inválida); baixe o arquivo novamente do portal",
        ))
    })
}

fn read_xlsx_unguarded(bytes: &[u8], path: &Path) -> Result<Vec<RawRecord>, ReadError> {
    let bad = |_: &dyn fmt::Display| {
        ReadError::new(
            path,
            "planilha XLSX ilegível (arquivo corrompido ou não é XLSX); baixe o arquivo novamente do portal".to_owned(),
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
