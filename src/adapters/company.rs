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
//! Reading is fast for the usual file. [`Table::read`] loads the whole file at once; the header
//! is always read by the csv crate. When the data after it has no `"` (so no CSV quoting can
//! occur) and no `\r` other than in `\r\n`, its grammar is plain — records end at `\n` (an
//! optional `\r` before it), fields are separated by `;`, empty lines are skipped — and the rows
//! are parsed in parallel chunks (about four per rayon thread, each cut right after a `\n`), in
//! place: a chunk writes its rows' trimmed fields over its own bytes, the chunks are then moved
//! together, and the file's buffer becomes the table's text. Only lines with a byte above 127 are
//! checked for UTF-8. Everything else — quoting, a lone `\r`, a file without any record, a file
//! of 4 GiB or more — takes the general path, the csv crate record by record
//! ([`Table::from_reader`]). Both paths give the same table, or the same error naming the same
//! line (`tests/table_read.rs` checks it on generated files).
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
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Name of the configuration file in a company folder.
pub const CONFIG_FILE: &str = "configuracao.toml";

mod files;
mod layout;
pub use files::*;
pub use layout::*;

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
    /// A file the company folder must have is not there (exit code 1).
    #[error("{path}: {message}")]
    Missing {
        /// Path.
        path: PathBuf,
        /// What is missing and what to do.
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
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    /// Which file.
    pub file: InputFile,
    /// Data rows read (header excluded, empty lines skipped), including [`Table::short_rows`].
    pub rows_read: u64,
    /// Rows whose number of fields differs from the header's.
    pub short_rows: Vec<ShortRow>,
    /// Fields of the header: the most a row may have (the fewest: up to its last named
    /// column).
    pub header_width: u32,
    ncols: usize,
    data: String,
    ends: Vec<u32>,
    lines: Vec<u32>,
}

/// A row whose number of fields differs from the header's: it cannot be read by column, but it
/// is rejected with its line and, when it has one, its matrícula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortRow {
    /// Line in the file.
    pub line: u32,
    /// Fields found.
    pub fields: u32,
    /// The field at the matrícula's position in the header (trimmed), empty when the row is too
    /// short to have it.
    pub matricula: String,
}

impl Table {
    /// An empty table (absent optional file).
    pub fn empty(file: InputFile) -> Table {
        Table {
            file,
            rows_read: 0,
            short_rows: Vec::new(),
            header_width: file.columns().len() as u32,
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
    ///
    /// The file is read into memory at once and parsed as [`Table::from_bytes`] does (in
    /// parallel chunks when it has no quoting, the file's buffer becoming the table's text);
    /// a file of 4 GiB or more is streamed through [`Table::from_reader`] instead.
    pub fn read(dir: &Path, file: InputFile) -> Result<Table, LoadError> {
        use std::io::Read;
        let path = dir.join(file.file_name());
        if check_input(&path)?.is_none() && !file.required() {
            return Ok(Table::empty(file));
        }
        let mut handle = match std::fs::File::open(&path) {
            Ok(h) => h,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !file.required() => {
                return Ok(Table::empty(file));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let columns: Vec<&str> = file.columns().iter().map(|c| c.name).collect();
                return Err(LoadError::Missing {
                    path,
                    message: format!(
                        "arquivo obrigatório ausente: crie-o com o cabeçalho {} (fixtures/README.md)",
                        columns.join(";")
                    ),
                });
            }
            Err(e) => {
                return Err(LoadError::Io {
                    path,
                    message: io_message(&e),
                })
            }
        };
        let meta = handle.metadata().ok();
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(LoadError::Io {
                path,
                message: "é uma pasta, não um arquivo CSV".to_owned(),
            });
        }
        let size = meta.map_or(0, |m| m.len());
        if size >= u64::from(u32::MAX) {
            // Too big for the in-memory path (and for the table's offsets): the general reader
            // streams it and names the line where it stops fitting.
            return Table::from_reader(
                std::io::BufReader::with_capacity(1 << 20, handle),
                file,
                &path,
            );
        }
        let mut bytes = Vec::with_capacity(size as usize);
        handle
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::Format {
                // What the streaming reader reported for a read error: csv gives it no position.
                path: path.clone(),
                line: 0,
                message: format!("arquivo CSV ilegível: {}", io_message(&e)),
            })?;
        drop(handle);
        let chunks = default_chunks(bytes.len());
        match parse_fast(bytes, file, &path, chunks) {
            Ok(table) => table,
            Err(bytes) => Table::from_reader(&bytes[..], file, &path),
        }
    }

    /// Reads a table held in memory; `path` names it in errors. Same result as
    /// [`Table::from_reader`] on the same bytes, faster: a file without `"` and without a lone
    /// `\r` is parsed in parallel chunks (see the module documentation).
    pub fn from_bytes(bytes: &[u8], file: InputFile, path: &Path) -> Result<Table, LoadError> {
        match Table::from_bytes_fast(bytes, file, path, default_chunks(bytes.len())) {
            Some(table) => table,
            None => Table::from_reader(bytes, file, path),
        }
    }

    /// The general (csv crate) path on bytes in memory, for tests comparing it with the fast
    /// path.
    #[doc(hidden)]
    pub fn from_bytes_general(
        bytes: &[u8],
        file: InputFile,
        path: &Path,
    ) -> Result<Table, LoadError> {
        Table::from_reader(bytes, file, path)
    }

    /// The fast path alone, with the data cut into about `chunks` pieces (tests force many):
    /// `None` when the bytes need the general path (quoting, a lone `\r`, no header record,
    /// 4 GiB or more).
    #[doc(hidden)]
    pub fn from_bytes_fast(
        bytes: &[u8],
        file: InputFile,
        path: &Path,
        chunks: usize,
    ) -> Option<Result<Table, LoadError>> {
        parse_fast(bytes.to_vec(), file, path, chunks).ok()
    }

    /// Reads a table from any reader; `path` names it in errors. This is the general path: the
    /// csv crate, record by record, whatever the file holds.
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
        let mut csv = csv_reader(NewlineTap {
            inner: reader,
            offset: 0,
            blank: true,
            cr: None,
            quotes: 0,
            newlines: newlines.clone(),
        });
        let mut record = csv::ByteRecord::new();
        let mut table = Table::empty(file);

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
            return empty_file(file, path);
        }
        let header_line = lines
            .borrow_mut()
            .line_at(csv.position().byte().saturating_sub(1));
        let (map, width) = header_map(&record, header_line, file, path)?;
        let min_width = min_width(&map);
        table.header_width = width as u32;

        while read(&mut csv, &mut record)? {
            let start = record.position().map_or(0, |p| p.byte());
            let first_line = lines.borrow_mut().content_line_at(start);
            let line = lines
                .borrow_mut()
                .line_at(csv.position().byte().saturating_sub(1));
            let line32 = u32::try_from(line)
                .map_err(|_| format(line, "arquivo grande demais".to_owned()))?;
            table.rows_read += 1;
            // Field by field: a character cut in two by a `;` is not UTF-8 either (the record's
            // bytes joined would be).
            if record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                return Err(format(line, NOT_UTF8.to_owned()));
            }
            if memchr::memchr2(b'\n', b'\r', record.as_slice()).is_some() {
                // A quote opened on one line and closed on a later one (or never): the lines
                // in between would be read as one row, or lost in one field. No column of these
                // files holds a line break, so the file is broken, not the row.
                let at_end = !csv.read_byte_record(&mut record).unwrap_or(true);
                return Err(format(
                    first_line,
                    format!(
                        "aspas (\") sem fechamento: o registro que começa nesta linha só termina {}; feche as aspas ou remova-as",
                        if at_end {
                            "no fim do arquivo".to_owned()
                        } else {
                            format!("na linha {line}")
                        },
                    ),
                ));
            }
            if record.len() < min_width || record.len() > width {
                let matricula = map[COL_MATRICULA]
                    .and_then(|pos| record.get(pos))
                    .map(|f| String::from_utf8_lossy(f.trim_ascii()).into_owned())
                    .unwrap_or_default();
                table.short_rows.push(ShortRow {
                    line: line32,
                    fields: record.len() as u32,
                    matricula,
                });
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
        // The last line, without a line end after it, opened a quote and never closed it: its
        // record ran to the end of the file without a line break to tell.
        if csv.get_ref().quotes % 2 == 1 && csv.get_ref().cr.is_none() {
            let last = lines.borrow_mut().line_at(u64::MAX);
            return Err(format(
                last,
                "aspas (\") sem fechamento na última linha do arquivo; feche as aspas ou remova-as"
                    .to_owned(),
            ));
        }
        table.data.shrink_to_fit();
        table.ends.shrink_to_fit();
        table.lines.shrink_to_fit();
        Ok(table)
    }
}

/// What a record that is not UTF-8 is told.
const NOT_UTF8: &str = "o arquivo não está em UTF-8 (salve-o como CSV UTF-8)";

/// The csv reader both paths use: `;`, no header handling, any number of fields per record.
fn csv_reader<R: std::io::Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
}

/// A file without a single record: an error for a required file, no rows otherwise.
fn empty_file(file: InputFile, path: &Path) -> Result<Table, LoadError> {
    if file.required() {
        return Err(LoadError::Format {
            path: path.to_path_buf(),
            line: 1,
            message: "arquivo vazio: falta a linha de cabeçalho".to_owned(),
        });
    }
    Ok(Table::empty(file))
}

/// The fewest fields a row may have: up to the last named column (unnamed columns at the end
/// of the header, a spreadsheet's trailing `;`, may be absent from the rows).
fn min_width(map: &[Option<usize>]) -> usize {
    map.iter().flatten().max().map_or(1, |&p| p + 1)
}

/// Checks the header (every name known, none repeated, every required one present; a column
/// without a name is ignored) and maps each of the file's columns to its position in the header:
/// the map and the header's width.
fn header_map(
    record: &csv::ByteRecord,
    header_line: u64,
    file: InputFile,
    path: &Path,
) -> Result<(Vec<Option<usize>>, usize), LoadError> {
    let format = |message: String| LoadError::Format {
        path: path.to_path_buf(),
        line: header_line,
        message,
    };
    let columns = file.columns();
    let mut map: Vec<Option<usize>> = vec![None; columns.len()];
    for (pos, raw) in record.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| format("cabeçalho não está em UTF-8".to_owned()))?;
        let name = name.trim_start_matches('\u{feff}').trim().to_lowercase();
        if name.is_empty() {
            // A column without a name (a spreadsheet's trailing `;`): its fields are ignored.
            continue;
        }
        let Some(c) = columns.iter().position(|c| c.name == name) else {
            let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
            return Err(format(format!(
                "coluna desconhecida '{name}' no cabeçalho (colunas de {file}: {}; separador ';')",
                known.join(";")
            )));
        };
        if map[c].is_some() {
            return Err(format(format!("coluna '{name}' repetida no cabeçalho")));
        }
        map[c] = Some(pos);
    }
    if let Some(missing) = columns
        .iter()
        .zip(&map)
        .find(|(c, m)| c.required && m.is_none())
    {
        return Err(format(format!(
            "falta a coluna obrigatória '{}' no cabeçalho",
            missing.0.name
        )));
    }
    Ok((map, record.len()))
}

/// Chunks for the fast path: one for a small file, else about four per rayon thread.
fn default_chunks(len: usize) -> usize {
    const MIN_CHUNK: usize = 1 << 18;
    (len / MIN_CHUNK).clamp(1, rayon::current_num_threads() * 4)
}

/// A chunk of the data as the first pass sees it.
struct Scan {
    /// A `"` or a lone `\r`: the whole file needs the general path.
    needs_general: bool,
    /// `\n` bytes in the chunk.
    newlines: u32,
}

/// What parsing a chunk in place left at the start of its regions.
struct Parsed {
    /// Bytes of field text.
    data: usize,
    /// Field ends written (relative to the chunk's text).
    ends: usize,
    /// Row lines written (relative to the chunk's first line, 0-based).
    lines: usize,
    /// Rows with the wrong number of fields (relative lines).
    short_rows: Vec<ShortRow>,
    /// Records seen.
    rows_read: u64,
}

/// The fast path: the header by the csv crate, the data rows in `chunks` parallel pieces, in
/// place (the file's buffer becomes the table's text). Gives the bytes back, untouched, when
/// they need the general path.
fn parse_fast(
    mut bytes: Vec<u8>,
    file: InputFile,
    path: &Path,
    chunks: usize,
) -> Result<Result<Table, LoadError>, Vec<u8>> {
    use rayon::prelude::*;
    if bytes.len() >= u32::MAX as usize {
        return Err(bytes);
    }
    let (record, header_end) = {
        let mut csv = csv_reader(&bytes[..]);
        let mut record = csv::ByteRecord::new();
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            _ => return Err(bytes),
        }
        match usize::try_from(csv.position().byte()) {
            Ok(end) if end > 0 && end <= bytes.len() => (record, end),
            _ => return Err(bytes),
        }
    };
    // A lone `\r` before the data (a line end for the general path's line numbers): the
    // general path counts the lines.
    let lone_cr =
        memchr::memchr_iter(b'\r', &bytes[..header_end]).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    if lone_cr {
        return Err(bytes);
    }
    // The line of the header's last byte, as `Lines::line_at` counts it.
    let header_line = memchr::memchr_iter(b'\n', &bytes[..header_end - 1]).count() as u64 + 1;
    let (map, width) = match header_map(&record, header_line, file, path) {
        Ok(header) => header,
        Err(e) => return Ok(Err(e)),
    };
    let ncols = map.len();
    if width > MAX_COLUMNS {
        return Err(bytes);
    }
    let present: Vec<usize> = map.iter().flatten().copied().collect();
    let in_order = present.windows(2).all(|w| w[0] < w[1]);
    let first_line = memchr::memchr_iter(b'\n', &bytes[..header_end]).count() as u32 + 1;

    let ranges: Vec<std::ops::Range<usize>> = chunk_ranges(&bytes[header_end..], chunks)
        .into_iter()
        .map(|r| r.start + header_end..r.end + header_end)
        .collect();
    let scans: Vec<Scan> = ranges
        .par_iter()
        .with_max_len(1)
        .map(|r| scan_chunk(&bytes[r.clone()]))
        .collect();
    if scans.iter().any(|s| s.needs_general) {
        return Err(bytes);
    }

    // Room for every line being a row; regions in chunk order.
    let room: Vec<usize> = scans.iter().map(|s| s.newlines as usize + 1).collect();
    let mut ends = vec![0u32; room.iter().sum::<usize>() * ncols];
    let mut lines = vec![0u32; room.iter().sum::<usize>()];
    let parsed: Vec<Result<Parsed, u32>> = {
        let texts = split_mut(&mut bytes[header_end..], ranges.iter().map(|r| r.len()));
        let end_regions = split_mut(&mut ends, room.iter().map(|n| n * ncols));
        let line_regions = split_mut(&mut lines, room.iter().copied());
        let work: Vec<_> = texts
            .into_iter()
            .zip(end_regions)
            .zip(line_regions)
            .collect();
        work.into_par_iter()
            .with_max_len(1)
            .map(|((text, ends), lines)| parse_chunk(text, &map, in_order, width, ends, lines))
            .collect()
    };

    // Join the chunks: each one's text, field ends and lines move down to follow the previous
    // one's (never up, so nothing is overwritten before it moves).
    let mut table = Table::empty(file);
    table.header_width = width as u32;
    let (mut data_at, mut ends_at, mut lines_at) = (0usize, 0usize, 0usize);
    let (mut ends_from, mut lines_from) = (0usize, 0usize);
    let mut line = first_line;
    for (((range, result), scan), room) in ranges.iter().zip(parsed).zip(&scans).zip(&room) {
        let chunk = match result {
            Ok(chunk) => chunk,
            Err(at) => {
                return Ok(Err(LoadError::Format {
                    path: path.to_path_buf(),
                    line: u64::from(line + at),
                    message: NOT_UTF8.to_owned(),
                }));
            }
        };
        bytes.copy_within(range.start..range.start + chunk.data, data_at);
        // Under 4 GiB in all (checked above).
        let shift = data_at as u32;
        ends.copy_within(ends_from..ends_from + chunk.ends, ends_at);
        for end in &mut ends[ends_at..ends_at + chunk.ends] {
            *end += shift;
        }
        lines.copy_within(lines_from..lines_from + chunk.lines, lines_at);
        for row_line in &mut lines[lines_at..lines_at + chunk.lines] {
            *row_line += line;
        }
        table
            .short_rows
            .extend(chunk.short_rows.into_iter().map(|mut r| {
                r.line += line;
                r
            }));
        table.rows_read += chunk.rows_read;
        data_at += chunk.data;
        ends_at += chunk.ends;
        lines_at += chunk.lines;
        ends_from += room * ncols;
        lines_from += room;
        line += scan.newlines;
    }
    bytes.truncate(data_at);
    ends.truncate(ends_at);
    lines.truncate(lines_at);
    // Every field written is UTF-8 (cut at ASCII bytes from a line that is, or checked on its
    // own), so this always succeeds.
    table.data = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    table.data.shrink_to_fit();
    ends.shrink_to_fit();
    lines.shrink_to_fit();
    table.ends = ends;
    table.lines = lines;
    Ok(Ok(table))
}

/// `bytes[a..b]` without ASCII white space at either end (as `<[u8]>::trim_ascii`).
fn trim_span(bytes: &[u8], mut a: usize, mut b: usize) -> (usize, usize) {
    while a < b && bytes[a].is_ascii_whitespace() {
        a += 1;
    }
    while b > a && bytes[b - 1].is_ascii_whitespace() {
        b -= 1;
    }
    (a, b)
}

/// Cuts `slice` into consecutive pieces of the given lengths (which must fit in it).
fn split_mut<T>(mut slice: &mut [T], lengths: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut pieces = Vec::new();
    for len in lengths {
        let (piece, rest) = std::mem::take(&mut slice).split_at_mut(len);
        pieces.push(piece);
        slice = rest;
    }
    pieces
}

/// About `chunks` ranges covering `data`, each cut right after a `\n` (the last one ends with
/// the data), none empty.
fn chunk_ranges(data: &[u8], chunks: usize) -> Vec<std::ops::Range<usize>> {
    let chunks = chunks.max(1);
    let mut ranges = Vec::with_capacity(chunks);
    let mut start = 0;
    for k in 1..chunks {
        let target = (data.len() as u128 * k as u128 / chunks as u128) as usize;
        if target < start {
            continue;
        }
        let Some(i) = memchr::memchr(b'\n', &data[target..]) else {
            break;
        };
        let cut = target + i + 1;
        if cut > start && cut < data.len() {
            ranges.push(start..cut);
            start = cut;
        }
    }
    if start < data.len() {
        ranges.push(start..data.len());
    }
    ranges
}

/// First pass over a chunk: can the fast grammar read it, how many lines.
fn scan_chunk(chunk: &[u8]) -> Scan {
    let needs_general = memchr::memchr2_iter(b'"', b'\r', chunk)
        .any(|i| chunk[i] == b'"' || chunk.get(i + 1) != Some(&b'\n'));
    if needs_general {
        return Scan {
            needs_general,
            newlines: 0,
        };
    }
    Scan {
        needs_general,
        // Under 4 GiB (checked by the caller).
        newlines: memchr::memchr_iter(b'\n', chunk).count() as u32,
    }
}

/// The high bit of each byte of `word` that equals `byte`, and no other bit.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    // Per byte: bit 7 of `(x & 0x7f) + 0x7f` is set when the low bits are not all zero; no
    // carry crosses bytes.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Parses whole lines with the grammar of a file without quoting — records end at `\n` (an
/// optional `\r` before it), fields are separated by `;`, empty lines are skipped — writing
/// each row's fields (trimmed, in [`InputFile::columns`] order) at the start of `text` itself,
/// their ends (relative to `text`) in `ends` and their lines (0-based in the chunk) in `lines`.
///
/// A line that is not UTF-8 is an error, as on the general path; `Err` holds the line of the
/// first one. Only lines with a byte above 127 are checked (ASCII is UTF-8).
fn parse_chunk(
    text: &mut [u8],
    map: &[Option<usize>],
    in_order: bool,
    width: usize,
    ends: &mut [u32],
    lines: &mut [u32],
) -> Result<Parsed, u32> {
    let mut rows = Rows {
        out: Parsed {
            data: 0,
            ends: 0,
            lines: 0,
            short_rows: Vec::new(),
            rows_read: 0,
        },
        separators: [0; MAX_COLUMNS],
        fields: 1,
        scratch: Vec::new(),
        non_ascii: false,
        min_width: min_width(map),
        map,
        in_order,
        width,
        ends,
        lines,
        line: 0,
        line_start: 0,
    };
    // Eight bytes at a time: every `;` and `\n`, in order. Writing a row only touches bytes
    // before its `\n`, already read. A word with a byte above 127 marks the lines it touches.
    let len = text.len();
    let mut at = 0;
    while let Some(word) = text.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let high = word & 0x8080_8080_8080_8080 != 0;
        rows.non_ascii |= high;
        let newlines = bytes_equal(word, b'\n');
        let mut found = newlines | bytes_equal(word, b';');
        while found != 0 {
            let bit = found & found.wrapping_neg();
            found ^= bit;
            let i = at + (bit.trailing_zeros() / 8) as usize;
            if newlines & bit != 0 {
                rows.end_line(text, i)?;
                rows.non_ascii = high;
            } else {
                rows.end_field(i);
            }
        }
        at += 8;
    }
    for i in at..len {
        match text[i] {
            b'\n' => rows.end_line(text, i)?,
            b';' => rows.end_field(i),
            b => rows.non_ascii |= b > 127,
        }
    }
    if rows.line_start < len {
        rows.record(text, len)?;
    }
    Ok(rows.out)
}

/// More columns than any table has: a row with this many fields is short anyway.
const MAX_COLUMNS: usize = 16;

/// The state of [`parse_chunk`]: the fields of the line being read, and what is written.
struct Rows<'a> {
    out: Parsed,
    /// Where the current line's `;` are (the first [`MAX_COLUMNS`] of them).
    separators: [usize; MAX_COLUMNS],
    /// Fields of the current line so far (one more than its `;`).
    fields: usize,
    scratch: Vec<u8>,
    /// The current line may have bytes above 127.
    non_ascii: bool,
    map: &'a [Option<usize>],
    in_order: bool,
    width: usize,
    /// See [`min_width`].
    min_width: usize,
    ends: &'a mut [u32],
    lines: &'a mut [u32],
    /// Current line, 0-based in the chunk.
    line: u32,
    line_start: usize,
}

impl Rows<'_> {
    /// A `;` at `i`.
    #[inline]
    fn end_field(&mut self, i: usize) {
        if let Some(slot) = self.separators.get_mut(self.fields - 1) {
            *slot = i;
        }
        self.fields += 1;
    }

    /// A `\n` at `i`: the line is complete, the next one starts.
    fn end_line(&mut self, text: &mut [u8], i: usize) -> Result<(), u32> {
        self.record(text, i)?;
        self.line += 1;
        self.line_start = i + 1;
        self.fields = 1;
        self.non_ascii = false;
        Ok(())
    }

    /// The line ending at `newline` (a `\n`, or the end of the chunk) is complete.
    fn record(&mut self, text: &mut [u8], newline: usize) -> Result<(), u32> {
        let (start, mut end) = (self.line_start, newline);
        if end > start && text[end - 1] == b'\r' {
            end -= 1;
        }
        if end == start {
            return Ok(());
        }
        self.out.rows_read += 1;
        // A line that is not UTF-8 stops the file, even when its fields joined would be (a
        // character cut in two by a `;`): no field is read as something else.
        if self.non_ascii && std::str::from_utf8(&text[start..end]).is_err() {
            return Err(self.line);
        }
        // Field `k` of the line (`k` at most [`MAX_COLUMNS`]), as a range of `text`.
        let separators = &self.separators;
        let fields = self.fields;
        let span = |k: usize| {
            let a = if k == 0 { start } else { separators[k - 1] + 1 };
            let b = if k + 1 == fields {
                end
            } else {
                separators.get(k).copied().unwrap_or(end)
            };
            (a, b)
        };
        if self.fields < self.min_width || self.fields > self.width {
            // The matrícula, when the row reaches its position (among the first `;` noted).
            let matricula = self.map[COL_MATRICULA]
                .filter(|&k| k < self.fields && k <= MAX_COLUMNS)
                .map(|k| {
                    let (a, b) = span(k);
                    let (a, b) = trim_span(text, a, b);
                    String::from_utf8_lossy(&text[a..b]).into_owned()
                })
                .unwrap_or_default();
            self.out.short_rows.push(ShortRow {
                line: self.line,
                fields: self.fields as u32,
                matricula,
            });
            return Ok(());
        }
        // Fields are written in place, below where they are read: in header order that never
        // overwrites a field still to be read; in any other order the record is copied aside
        // first.
        let mut w = self.out.data;
        if self.in_order {
            for (slot, end) in self.map.iter().zip(self.ends[self.out.ends..].iter_mut()) {
                if let Some(pos) = *slot {
                    let (a, b) = span(pos);
                    let (a, b) = trim_span(text, a, b);
                    copy_down(text, a, b, w);
                    w += b - a;
                }
                // The chunk is under 4 GiB.
                *end = w as u32;
            }
        } else {
            self.scratch.clear();
            self.scratch.extend_from_slice(&text[start..end]);
            for (slot, end) in self.map.iter().zip(self.ends[self.out.ends..].iter_mut()) {
                if let Some(pos) = *slot {
                    let (a, b) = span(pos);
                    let (a, b) = trim_span(&self.scratch, a - start, b - start);
                    let field = &self.scratch[a..b];
                    text[w..w + field.len()].copy_from_slice(field);
                    w += field.len();
                }
                *end = w as u32;
            }
        }
        self.out.ends += self.map.len();
        self.out.data = w;
        self.lines[self.out.lines] = self.line;
        self.out.lines += 1;
        Ok(())
    }
}

/// Copies `text[a..b]` to `text[to..]`, `to <= a`. Bytes before `b` are free to overwrite (read
/// already, or this field itself): a field up to 64 bytes moves as whole 16-byte blocks, read
/// before written, when the last block ends there (no call for the usual short field).
#[inline]
fn copy_down(text: &mut [u8], a: usize, b: usize, to: usize) {
    let (n, len) = (b - a, text.len());
    if n <= 16 && to + 16 <= b && a + 16 <= len {
        let x = load16(text, a);
        store16(text, to, x);
    } else if n <= 32 && to + 32 <= b && a + 32 <= len {
        let (x, y) = (load16(text, a), load16(text, a + 16));
        store16(text, to, x);
        store16(text, to + 16, y);
    } else if n <= 64 && to + 64 <= b && a + 64 <= len {
        let (x, y) = (load16(text, a), load16(text, a + 16));
        let (z, t) = (load16(text, a + 32), load16(text, a + 48));
        store16(text, to, x);
        store16(text, to + 16, y);
        store16(text, to + 32, z);
        store16(text, to + 48, t);
    } else if a != to {
        text.copy_within(a..b, to);
    }
}

/// The 16 bytes at `text[at..]`, as a number (kept in a register, not a copy in memory).
#[inline(always)]
fn load16(text: &[u8], at: usize) -> u128 {
    u128::from_le_bytes(text[at..at + 16].try_into().unwrap_or_default())
}

/// Writes `value` to the 16 bytes at `text[at..]`.
#[inline(always)]
fn store16(text: &mut [u8], at: usize, value: u128) {
    text[at..at + 16].copy_from_slice(&value.to_le_bytes());
}

/// Passes bytes through and notes where each line ends, and whether the line was blank (only
/// a `\r`, or nothing): csv's own line numbers do not count the blank lines it skips, and a
/// rejected row must name its real line.
struct NewlineTap<R> {
    inner: R,
    offset: u64,
    /// The line being passed has had nothing but `\r` so far.
    blank: bool,
    /// A `\r` just seen, whose next byte tells whether it ends a line alone.
    cr: Option<u64>,
    /// `"` seen since the last line end: odd at the end of the file, the last line opens a
    /// quote it never closes.
    quotes: u64,
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
}

impl<R: std::io::Read> std::io::Read for NewlineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut q = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            // A `\r` not followed by `\n` ends a line too (old Mac exports): csv reads it as
            // a record's end, so it counts as one for line numbers.
            if let Some(cr) = self.cr.take() {
                if *b != b'\n' {
                    q.push_back((cr, self.blank));
                    self.blank = true;
                    self.quotes = 0;
                }
            }
            match *b {
                b'\n' => {
                    q.push_back((at, self.blank));
                    self.blank = true;
                    self.quotes = 0;
                }
                b'\r' => self.cr = Some(at),
                b'"' => {
                    self.quotes += 1;
                    self.blank = false;
                }
                _ => self.blank = false,
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
    newlines: Rc<RefCell<VecDeque<(u64, bool)>>>,
    passed: u64,
}

impl Lines {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut q = self.newlines.borrow_mut();
        while q.front().is_some_and(|&(o, _)| o < byte) {
            q.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }

    /// The first line at or after `byte` that is not blank: where a record that csv says starts
    /// at `byte` (before the blank lines it skips) really starts.
    fn content_line_at(&mut self, byte: u64) -> u64 {
        self.line_at(byte);
        let mut q = self.newlines.borrow_mut();
        // After a `\r\n`, csv may place the next record on the `\n`.
        if q.front().is_some_and(|&(o, _)| o == byte) {
            q.pop_front();
            self.passed += 1;
        }
        while q.front().is_some_and(|&(_, blank)| blank) {
            q.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io_message(io),
        csv::ErrorKind::Utf8 { .. } => NOT_UTF8.to_owned(),
        _ => e.to_string(),
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

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "campo {}: {}", self.column, self.message)
    }
}

impl std::error::Error for FieldError {}

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

    /// Money (SPEC §3), within ± [`MAX_MONEY`].
    pub fn money(&self, col: usize) -> FieldResult<Decimal> {
        let t = self.required(col)?;
        self.money_text(col, t)
    }

    fn money_text(&self, col: usize, t: &str) -> FieldResult<Decimal> {
        let v = parse_money(t).map_err(|e| self.err(col, e.to_string()))?;
        if v.abs() > MAX_MONEY {
            return Err(self.err(
                col,
                format!("valor '{t}' fora do limite de 999.999.999.999,99: confira a coluna"),
            ));
        }
        Ok(v)
    }

    /// Optional money.
    pub fn opt_money(&self, col: usize) -> FieldResult<Option<Decimal>> {
        match self.optional(col) {
            None => Ok(None),
            Some(t) => self.money_text(col, t).map(Some),
        }
    }

    /// An amount: money that cannot be negative (an installment, a balance, a salary, a
    /// provision, a percentage).
    pub fn amount(&self, col: usize) -> FieldResult<Decimal> {
        let v = self.money(col)?;
        self.non_negative(col, v)
    }

    /// Optional [`Row::amount`].
    pub fn opt_amount(&self, col: usize) -> FieldResult<Option<Decimal>> {
        match self.opt_money(col)? {
            None => Ok(None),
            Some(v) => self.non_negative(col, v).map(Some),
        }
    }

    fn non_negative(&self, col: usize, v: Decimal) -> FieldResult<Decimal> {
        if v.is_sign_negative() && !v.is_zero() {
            return Err(self.err(
                col,
                format!(
                    "valor negativo '{}' não é aceito nesta coluna",
                    self.text(col)
                ),
            ));
        }
        Ok(v)
    }

    /// A percentage from 0 to 100. Besides money's forms, one `.` or one `,` is always the
    /// decimal separator (`33.333` and `33,333` are 33,333 %: a percentage has no thousands).
    pub fn percent(&self, col: usize) -> FieldResult<Decimal> {
        let raw = self.required(col)?;
        let t = raw.strip_suffix('%').unwrap_or(raw).trim_end();
        let separators = t.bytes().filter(|&b| b == b'.' || b == b',').count();
        let plain = separators == 1
            && t.bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
        let v = if plain {
            t.replace(',', ".")
                .parse::<Decimal>()
                .map_err(|_| self.err(col, format!("percentual inválido '{raw}'")))?
        } else {
            self.money_text(col, t)?
        };
        if v.is_sign_negative() && !v.is_zero() || v > Decimal::ONE_HUNDRED {
            return Err(self.err(col, format!("percentual '{raw}' fora de 0 a 100")));
        }
        Ok(v)
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

    /// Date `dd/mm/aaaa` or `aaaa-mm-dd`, in the years [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn date(&self, col: usize) -> FieldResult<NaiveDate> {
        let t = self.required(col)?;
        match parse_date(t) {
            Some(d) if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) => Ok(d),
            Some(_) => Err(self.err(
                col,
                format!("data '{t}' fora dos anos {MIN_YEAR} a {MAX_YEAR}: confira o ano"),
            )),
            None if date_shaped(t) => Err(self.err(
                col,
                format!("data inexistente '{t}': confira o dia e o mês"),
            )),
            None => Err(self.err(col, format!("data inválida '{t}': use dd/mm/aaaa"))),
        }
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

/// The largest money value an input field may hold, in absolute value: 999 999 999 999.99.
/// Anything larger is a typing or export error, and keeping inputs this small keeps every sum
/// of a month far from `Decimal`'s limit.
pub const MAX_MONEY: Decimal = Decimal::from_parts(276_447_231, 23_283, 0, false, 2);

/// The first year a date of the input may have.
pub const MIN_YEAR: i32 = 1900;
/// The last year a date of the input may have.
pub const MAX_YEAR: i32 = 2100;

/// `dd/mm/aaaa` or `aaaa-mm-dd` by its shape (digits and separators), whether the day exists
/// or not.
fn date_shaped(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 10
        && ((b[2] == b'/' && b[5] == b'/' && digits(0..2) && digits(3..5) && digits(6..10))
            || (b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10)))
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
    fn columns_without_a_name_are_ignored() {
        // Rows with or without the trailing `;`; a row short of a named column is short.
        let text = "matricula;inicio;fim;\n1;20/07/2025;08/08/2025;\n2;x;y\n3;z\n";
        let general = table(InputFile::Ferias, text).unwrap();
        let fast = Table::from_bytes_fast(text.as_bytes(), InputFile::Ferias, Path::new("f"), 1)
            .unwrap()
            .unwrap();
        for t in [general, fast] {
            assert_eq!(t.header_width, 4);
            assert_eq!(t.len(), 2);
            assert_eq!(t.field(0, 2), "08/08/2025");
            assert_eq!(t.field(1, 2), "y");
            assert_eq!(t.short_rows.len(), 1);
            assert_eq!(t.short_rows[0].line, 4);
        }
    }

    #[test]
    fn money_limits_dates_and_amounts() {
        assert_eq!(MAX_MONEY.to_string(), "999999999999.99");
        let t = table(
            InputFile::Parcelas,
            "matricula;instituicao;contrato;inicio;competencia;valor;saldo_devedor\n\
             1;b;1;31/02/2025;2025-07;999.999.999.999,99;-0.00\n\
             1;b;1;01/01/0001;2025-07;1000000000000.00;-1,00\n\
             1;b;1;2025/01/01;2025-07;-5;\n",
        )
        .unwrap();
        let (a, b, c) = (Row::new(&t, 0), Row::new(&t, 1), Row::new(&t, 2));
        assert_eq!(a.money(5).unwrap(), MAX_MONEY);
        assert!(b.money(5).unwrap_err().message.contains("fora do limite"));
        assert!(a.opt_amount(6).unwrap().is_some());
        assert!(b.opt_amount(6).unwrap_err().message.contains("negativo"));
        assert!(c.amount(5).unwrap_err().message.contains("negativo"));
        assert_eq!(c.money(5).unwrap(), Decimal::from(-5));
        assert!(a.date(3).unwrap_err().message.contains("inexistente"));
        assert!(b.date(3).unwrap_err().message.contains("fora dos anos"));
        assert!(c.date(3).unwrap_err().message.contains("use dd/mm/aaaa"));
    }

    #[test]
    fn percentages() {
        let t = table(
            InputFile::Distribuicoes,
            "matricula;instituicao;percentual\n1;a;33.333\n1;a;33,334\n1;a;50%\n1;a;100,5\n1;a;-1\n1;a;1.2.3\n",
        )
        .unwrap();
        let p = |r: usize| Row::new(&t, r).percent(2);
        assert_eq!(p(0).unwrap().to_string(), "33.333");
        assert_eq!(p(1).unwrap().to_string(), "33.334");
        assert_eq!(p(2).unwrap(), Decimal::from(50));
        assert!(p(3).unwrap_err().message.contains("fora de 0 a 100"));
        assert!(p(4).unwrap_err().message.contains("fora de 0 a 100"));
        assert!(p(5).is_err());
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
        assert_eq!(
            t.short_rows,
            vec![ShortRow {
                line: 3,
                fields: 2,
                matricula: "1".into()
            }]
        );
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
