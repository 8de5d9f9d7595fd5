//! A JSON array of records read in blocks: the portal's file of a million records is about
//! 900 MB, more than the import may hold in memory (and reading it whole first would make the
//! import wait for the disk before any parsing). A small scanner finds where each top-level
//! element starts and ends (it follows strings, escapes and nesting, nothing else); each
//! element is then parsed by serde_json, in parallel, and turned into the caller's value at
//! once, so only the current block and the results stay in memory.
//!
//! Hand-written because neither serde_json (its streaming reader gives no byte offsets, so no
//! record lines, and reads byte by byte) nor a mapped file (its pages count in the process's
//! memory) meets the import's targets (`BENCHMARKS.md`, "Crédito do Trabalhador"). The scanner
//! only splits: every element is still checked by serde_json, and the text between elements
//! may only be whitespace, `,` and the closing `]`.

use super::json::record;
use super::read::{ReadError, RecordMap};
use std::io::Read;
use std::path::Path;

/// Bytes read at a time.
const BLOCK: usize = 16 * 1024 * 1024;

/// Where the scanner is, between blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the `[` (whitespace and a UTF-8 BOM allowed).
    BeforeArray,
    /// After `[` or `,`: an element (or, right after `[`, the closing `]`) comes next.
    BeforeElement { first: bool },
    /// Inside an element.
    InElement,
    /// After an element: `,` or `]` comes next.
    AfterElement,
    /// After the closing `]`: only whitespace.
    Done,
}

/// The scanner's state inside an element.
#[derive(Debug, Clone, Copy, Default)]
struct Inside {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The element is a scalar (not an object or a list): it ends at `,`, `]` or whitespace.
    scalar: bool,
}

/// An element found: its byte range in the buffer and its first line.
#[derive(Debug, Clone, Copy)]
struct Element {
    start: usize,
    end: usize,
    line: u32,
    column: u32,
}

/// Reads a JSON array of records from `reader` (the array must be the whole text, after an
/// optional BOM and whitespace). `map` turns each record; values come back in file order and
/// the first error in file order wins.
/// `size` is the text's length when known (a smaller text gets a smaller buffer).
pub(super) fn read_array<T: Send>(
    reader: impl Read,
    size: Option<u64>,
    path: &Path,
    map: &RecordMap<'_, T>,
) -> Result<Vec<T>, ReadError> {
    let block = size.map_or(BLOCK, |n| {
        usize::try_from(n.saturating_add(1)).map_or(BLOCK, |n| n.clamp(1, BLOCK))
    });
    // A record of the layout takes at least ~400 bytes: room for them all at once, so the
    // values are never moved by a growing list (untouched capacity costs no memory).
    let expected = size.map_or(0, |n| usize::try_from(n / 400).unwrap_or(0));
    let mut out = Vec::with_capacity(expected);
    read_array_in_blocks(reader, path, map, block, &mut out)?;
    Ok(out)
}

/// [`read_array`] reading `block` bytes at a time, the values appended to `out`.
fn read_array_in_blocks<T: Send>(
    mut reader: impl Read,
    path: &Path,
    map: &RecordMap<'_, T>,
    block: usize,
    out: &mut Vec<T>,
) -> Result<(), ReadError> {
    let mut buf: Vec<u8> = Vec::with_capacity(block + 4096);
    let mut state = State::BeforeArray;
    let mut inside = Inside::default();
    let mut line: u32 = 1;
    let mut column: u32 = 0;
    // Scan position and the current element's start (both in `buf`).
    let mut pos = 0usize;
    let mut current: Option<(usize, u32, u32)> = None;
    let mut index = 0usize;
    let mut eof = false;
    let mut bom_checked = false;
    loop {
        if !eof {
            let before = buf.len();
            buf.resize(before + block, 0);
            let mut filled = before;
            while filled < buf.len() {
                match reader.read(&mut buf[filled..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        return Err(ReadError::new(
                            path,
                            format!(
                                "não foi possível ler o arquivo: {}",
                                crate::adapters::company::io_message(&e)
                            ),
                        ))
                    }
                }
            }
            buf.truncate(filled);
        }
        if !bom_checked {
            if buf.len() < 3 && !eof {
                continue;
            }
            if buf.starts_with(b"\xEF\xBB\xBF") {
                pos = 3;
            }
            bom_checked = true;
        }
        let mut found: Vec<Element> = Vec::new();
        let scanned = scan(
            &buf,
            &mut pos,
            &mut state,
            &mut inside,
            &mut line,
            &mut column,
            &mut current,
            &mut found,
        );
        // The elements completed in this block, parsed in parallel and in order.
        let first_index = index;
        index += found.len();
        parse(&buf, &found, first_index, path, map, out)?;
        if let Err((at_line, at_column, message)) = scanned {
            let mut e = ReadError::new(path, format!("JSON inválido: {message}")).at_line(at_line);
            e.column = Some(at_column);
            return Err(e);
        }
        if eof {
            return match state {
                State::Done => Ok(()),
                State::BeforeArray => Err(ReadError::new(path, "arquivo vazio: nenhum registro")),
                _ => {
                    let mut e = ReadError::new(
                        path,
                        "JSON inválido: o texto termina no meio de um valor (arquivo incompleto ou cortado?)",
                    )
                    .at_line(line);
                    e.column = Some(column.max(1));
                    Err(e)
                }
            };
        }
        // Keep only the unfinished element (or nothing).
        let keep_from = current.map_or(pos, |(start, _, _)| start);
        buf.drain(..keep_from);
        pos -= keep_from;
        if let Some((start, _, _)) = current.as_mut() {
            *start -= keep_from;
        }
    }
}

/// Parses `found` (elements of `buf`) in parallel into `out`; the first error in order wins.
fn parse<T: Send>(
    buf: &[u8],
    found: &[Element],
    first_index: usize,
    path: &Path,
    map: &RecordMap<'_, T>,
    out: &mut Vec<T>,
) -> Result<(), ReadError> {
    use rayon::prelude::*;
    let results: Vec<Result<T, ReadError>> = found
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(i, el)| {
            let index = first_index + i + 1;
            let bytes = &buf[el.start..el.end];
            let text = std::str::from_utf8(bytes).map_err(|_| {
                ReadError::new(
                    path,
                    format!("registro {index}: texto fora do UTF-8 (o JSON deve estar em UTF-8)"),
                )
                .at_line(el.line)
                .at_record(index)
            })?;
            record(text, index, (el.line, el.column), path, "").map(map)
        })
        .collect();
    out.reserve(results.len());
    for r in results {
        out.push(r?);
    }
    Ok(())
}

/// Scans `buf` from `pos`, pushing every element that ends in it. `Err` is a structural
/// fault: (line, column, message).
#[allow(clippy::too_many_arguments)]
fn scan(
    buf: &[u8],
    pos: &mut usize,
    state: &mut State,
    inside: &mut Inside,
    line: &mut u32,
    column: &mut u32,
    current: &mut Option<(usize, u32, u32)>,
    found: &mut Vec<Element>,
) -> Result<(), (u32, u32, String)> {
    let fault = |line: u32, column: u32, what: String| Err((line, column, what));
    while *pos < buf.len() {
        // Inside a string, jump to the next quote or backslash.
        if *state == State::InElement && inside.in_string && !inside.escaped {
            match memchr::memchr3(b'"', b'\\', b'\n', &buf[*pos..]) {
                Some(n) => {
                    *column += u32::try_from(n).unwrap_or(u32::MAX);
                    *pos += n;
                }
                None => {
                    *column += u32::try_from(buf.len() - *pos).unwrap_or(u32::MAX);
                    *pos = buf.len();
                    break;
                }
            }
        }
        let b = buf[*pos];
        let at = *pos;
        *pos += 1;
        if b == b'\n' {
            *line += 1;
            *column = 0;
        } else {
            *column += 1;
        }
        match *state {
            State::BeforeArray => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'[' => *state = State::BeforeElement { first: true },
                _ => {
                    return fault(
                        *line,
                        *column,
                        "esperada uma lista de registros começando com '['".to_owned(),
                    )
                }
            },
            State::BeforeElement { first } => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b']' if first => *state = State::Done,
                b']' | b',' => {
                    return fault(
                        *line,
                        *column,
                        format!("'{}' fora de lugar: falta um registro", char::from(b)),
                    )
                }
                _ => {
                    *current = Some((at, *line, *column));
                    *inside = Inside::default();
                    *state = State::InElement;
                    match b {
                        b'{' | b'[' => inside.depth = 1,
                        b'"' => {
                            inside.in_string = true;
                            inside.scalar = true;
                        }
                        _ => inside.scalar = true,
                    }
                }
            },
            State::InElement => {
                if inside.in_string {
                    if inside.escaped {
                        inside.escaped = false;
                    } else if b == b'\\' {
                        inside.escaped = true;
                    } else if b == b'"' {
                        inside.in_string = false;
                    }
                    continue;
                }
                let ended_at = match b {
                    b'"' => {
                        inside.in_string = true;
                        None
                    }
                    b'{' | b'[' if !inside.scalar => {
                        inside.depth += 1;
                        None
                    }
                    b'}' | b']' if !inside.scalar => {
                        inside.depth -= 1;
                        (inside.depth == 0).then_some(at + 1)
                    }
                    b',' | b']' | b' ' | b'\t' | b'\r' | b'\n' if inside.scalar => {
                        // A scalar ends before this byte, which is scanned again.
                        *pos = at;
                        if b == b'\n' {
                            *line -= 1;
                        } else {
                            *column -= 1;
                        }
                        Some(at)
                    }
                    _ => None,
                };
                if let Some(end) = ended_at {
                    let (start, first_line, first_column) =
                        current.take().unwrap_or((at, *line, *column));
                    found.push(Element {
                        start,
                        end,
                        line: first_line,
                        column: first_column,
                    });
                    *state = State::AfterElement;
                }
            }
            State::AfterElement => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b',' => *state = State::BeforeElement { first: false },
                b']' => *state = State::Done,
                _ => {
                    return fault(
                        *line,
                        *column,
                        format!(
                            "esperada ',' ou ']' entre os registros, encontrado '{}'",
                            char::from(b).escape_default()
                        ),
                    )
                }
            },
            State::Done => match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => {
                    return fault(
                        *line,
                        *column,
                        "texto depois do ']' que fecha a lista de registros".to_owned(),
                    )
                }
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], block: usize) -> Result<Vec<(usize, u32, String)>, ReadError> {
        // A reader that gives `block` bytes at a time, to cross block boundaries everywhere.
        struct Dribble<'a>(&'a [u8], usize);
        impl Read for Dribble<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(self.0.len()).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        read_array_in_blocks(
            Dribble(text, block),
            Path::new("f.json"),
            &|r| {
                (
                    r.index,
                    r.line,
                    r.fields.get("cpf").cloned().unwrap_or_default(),
                )
            },
            block,
            &mut out,
        )
        .map(|()| out)
    }

    #[test]
    fn elements_lines_and_escapes_across_any_block() {
        let text = b"\xEF\xBB\xBF[\n  {\"cpf\": \"1\\\"}\", \"a\": {\"b\": {\"c\": \"]\"}}},\n\n  {\"cpf\": 2}\n]\n";
        for block in [1, 2, 3, 7, 1000] {
            let got = read(text, block).unwrap();
            assert_eq!(
                got,
                vec![(1, 2, "1\"}".to_owned()), (2, 4, "2".to_owned())],
                "{block}"
            );
        }
        assert!(read(b"[]", 1).unwrap().is_empty());
    }

    #[test]
    fn faults_name_their_line() {
        for (text, line, what) in [
            (&b"[\n{\"cpf\": 1}\n{\"cpf\": 2}]"[..], 3, "esperada ','"),
            (b"[{\"cpf\": 1},]", 1, "falta um registro"),
            (b"[\n{\"cpf\": 1}", 2, "termina no meio"),
            (b"[{\"cpf\": 1}] x", 1, "depois do ']'"),
            (b"{\"cpf\": 1}", 1, "começando com '['"),
            (b"[\n\n 7]", 3, "não é um objeto"),
            (b"[{\"cpf\": 1 2}]", 1, "sintaxe inválida"),
        ] {
            for block in [1, 5, 1000] {
                let e = read(text, block).unwrap_err();
                assert_eq!(e.line, Some(line), "{e}");
                assert!(e.message.contains(what), "{e}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Wherever the blocks end, the same records or the same error.
        #[test]
        fn block_boundaries_change_nothing(
            records in proptest::collection::vec(
                (proptest::prelude::any::<u16>(), "[ -~çã\\\\\"\\n]{0,12}"),
                0..6,
            ),
            cut in proptest::prelude::any::<u8>(),
            damage in proptest::option::of((proptest::prelude::any::<u8>(), proptest::prelude::any::<u8>())),
            block in 1usize..9,
        ) {
            let body: Vec<String> = records
                .iter()
                .map(|(n, t)| {
                    format!("{{\"cpf\": {n}, \"nome\": {}}}", serde_json::to_string(t).unwrap_or_default())
                })
                .collect();
            let mut text = format!("[\n{}\n]\n", body.join(",\n")).into_bytes();
            if let Some((at, byte)) = damage {
                let at = usize::from(at) % text.len();
                text[at] = byte;
            }
            text.truncate(text.len() - usize::from(cut) % 3);
            let whole = read(&text, 1 << 20).map_err(|e| e.to_string());
            let parts = read(&text, block).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(whole, parts);
        }
    }
}
