//! Reading an input table: the fast path (files without quoting, parsed in parallel chunks, in
//! place) must give exactly what the general path (the csv crate, record by record) gives —
//! the same table, or the same error.

use consignado::adapters::company::{InputFile, LoadError, Table};
use proptest::prelude::*;
use std::path::Path;

fn path(file: InputFile) -> &'static Path {
    Path::new(file.file_name())
}

fn general(bytes: &[u8], file: InputFile) -> Result<Table, LoadError> {
    Table::from_bytes_general(bytes, file, path(file))
}

/// The fast path with `chunks` pieces; panics if it declines the bytes.
fn fast(bytes: &[u8], file: InputFile, chunks: usize) -> Result<Table, LoadError> {
    Table::from_bytes_fast(bytes, file, path(file), chunks).unwrap_or_else(|| {
        panic!(
            "the fast path declined {:?}",
            String::from_utf8_lossy(bytes)
        )
    })
}

/// Same table, or same error (text and kind).
fn same(a: &Result<Table, LoadError>, b: &Result<Table, LoadError>) -> Result<(), TestCaseError> {
    match (a, b) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a.to_string(), b.to_string());
            prop_assert_eq!(a.is_input(), b.is_input());
        }
        _ => prop_assert!(false, "one path failed, the other did not: {a:?} / {b:?}"),
    }
    Ok(())
}

/// Chunk counts that put boundaries everywhere: one, a few, one line per chunk.
fn chunk_counts(bytes: &[u8]) -> [usize; 5] {
    [1, 2, 3, 7, bytes.len().max(1)]
}

/// The fast path agrees with the general one for every chunk count.
fn agree(bytes: &[u8], file: InputFile) -> Result<(), TestCaseError> {
    let expected = general(bytes, file);
    for chunks in chunk_counts(bytes) {
        same(&fast(bytes, file, chunks), &expected)?;
    }
    same(&Table::from_bytes(bytes, file, path(file)), &expected)
}

fn fields(t: &Table) -> Vec<Vec<&str>> {
    let ncols = t.file.columns().len();
    (0..t.len())
        .map(|r| (0..ncols).map(|c| t.field(r, c)).collect())
        .collect()
}

/// (line, fields, matrícula) of each short row.
fn short(t: &Table) -> Vec<(u32, u32, &str)> {
    t.short_rows
        .iter()
        .map(|r| (r.line, r.fields, r.matricula.as_str()))
        .collect()
}

fn lines(t: &Table) -> Vec<u32> {
    (0..t.len()).map(|r| t.line(r)).collect()
}

#[test]
fn crlf_line_endings() {
    let bytes = b"matricula;inicio;fim\r\n1;2;3\r\n\r\n 4 ;5; 6\r\n";
    let t = fast(bytes, InputFile::Ferias, 1).unwrap();
    assert_eq!(
        fields(&t),
        vec![vec!["1", "2", "3", ""], vec!["4", "5", "6", ""]]
    );
    assert_eq!(lines(&t), vec![2, 4]);
    agree(bytes, InputFile::Ferias).unwrap();
}

#[test]
fn no_final_newline() {
    let bytes = b"matricula;inicio;fim\n1;2;3\n4;5;6";
    let t = fast(bytes, InputFile::Ferias, 2).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t.field(1, 2), "6");
    assert_eq!(t.line(1), 3);
    agree(bytes, InputFile::Ferias).unwrap();
    agree(b"matricula;inicio;fim\r\n1;2;3\r\n4;5;6", InputFile::Ferias).unwrap();
}

#[test]
fn blank_lines_count_for_line_numbers() {
    let bytes = b"\n\r\nmatricula;inicio;fim\n\n1;2;3\n\n\n4;5;6\n\n";
    let t = fast(bytes, InputFile::Ferias, 3).unwrap();
    assert_eq!(lines(&t), vec![5, 8]);
    assert_eq!(t.rows_read, 2);
    agree(bytes, InputFile::Ferias).unwrap();
}

#[test]
fn invalid_utf8_names_its_line() {
    let bytes = b"matricula;inicio;fim\n1;2;3\n1;\xff;3\n1;2;3\n\xc3;2;3\n";
    for chunks in [1, 2, 5, bytes.len()] {
        let e = fast(bytes, InputFile::Ferias, chunks).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ferias.csv:3: o arquivo não está em UTF-8 (salve-o como CSV UTF-8)"
        );
    }
    agree(bytes, InputFile::Ferias).unwrap();
    // Not UTF-8 in a short row counts too, and comes first.
    agree(
        b"matricula;inicio;fim\n1;\xff\n1;\xff;3\n",
        InputFile::Ferias,
    )
    .unwrap();
}

#[test]
fn a_character_cut_by_a_separator_is_not_utf8() {
    // `\xc3` + `\xa9` is "é", but cut in two by a `;` neither field is UTF-8: the file stops
    // at that line rather than read the fields as something else.
    let bytes = b"matricula;inicio;fim\n1;2;3\n1\xc3;\xa9;3\n";
    let e = fast(bytes, InputFile::Ferias, 1).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("ferias.csv:3: o arquivo não está em UTF-8"),
        "{e}"
    );
    agree(bytes, InputFile::Ferias).unwrap();
}

#[test]
fn short_and_long_rows() {
    let bytes = b"matricula;inicio;fim\n1;2;3\n1;2\n\n4;5;6;7\n 8 ;9;10\n";
    let t = fast(bytes, InputFile::Ferias, 4).unwrap();
    assert_eq!(t.rows_read, 4);
    assert_eq!(short(&t), vec![(3, 2, "1"), (5, 4, "4")]);
    assert_eq!(t.header_width, 3);
    assert_eq!(lines(&t), vec![2, 6]);
    agree(bytes, InputFile::Ferias).unwrap();
}

#[test]
fn header_out_of_order_and_optional_columns() {
    let bytes = "\u{feff}saldo_devedor ; VALOR;competencia;contrato;instituicao;matricula\n\
                 10; 1,00 ;2025-07;k;b; 001\n11;2,00;2025-08;k2;b2;002\n"
        .as_bytes();
    let t = fast(bytes, InputFile::Parcelas, 2).unwrap();
    assert_eq!(
        fields(&t)[0],
        vec!["001", "b", "k", "", "2025-07", "1,00", "10"]
    );
    agree(bytes, InputFile::Parcelas).unwrap();
}

#[test]
fn header_errors_are_the_same() {
    for text in [
        "matricula;inicio;fim;xyz\n1;2;3;4\n",
        "\n\nmatricula;inicio\n1;2\n",
        "matricula;inicio;fim;inicio\n",
        "matr\u{ed}cula;inicio;fim\n",
    ] {
        agree(text.as_bytes(), InputFile::Ferias).unwrap();
    }
    agree(b"matricula;in\xffcio;fim\n1;2;3\n", InputFile::Ferias).unwrap();
}

#[test]
fn header_only_and_empty_files() {
    agree(b"matricula;inicio;fim", InputFile::Ferias).unwrap();
    agree(b"matricula;inicio;fim\r\n", InputFile::Ferias).unwrap();
    agree(b"matricula;inicio;fim\n\n\n", InputFile::Ferias).unwrap();
    // Nothing to read: the general path decides (an error for a required file).
    for bytes in [&b""[..], b"\n\r\n"] {
        assert!(
            Table::from_bytes_fast(bytes, InputFile::Ferias, path(InputFile::Ferias), 2).is_none()
        );
        let e = Table::from_bytes(bytes, InputFile::Funcionarios, Path::new("f.csv"));
        assert!(e.unwrap_err().to_string().contains("arquivo vazio"));
        assert!(
            Table::from_bytes(bytes, InputFile::Ferias, path(InputFile::Ferias))
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn quotes_and_lone_cr_use_the_general_path() {
    for bytes in [
        &b"matricula;inicio;fim\n\"1\n2\";2;3\n4;5;6\n"[..],
        b"matricula;inicio;fim\n1;2;3\r4;5;6\n7;8;9\n",
        b"matricula;inicio;fim\n1;2;3\n4;5;6\r",
        b"\"matricula\";inicio;fim\r1;2;3\n",
    ] {
        for chunks in [1, 2, bytes.len()] {
            assert!(Table::from_bytes_fast(
                bytes,
                InputFile::Ferias,
                path(InputFile::Ferias),
                chunks
            )
            .is_none());
        }
        same(
            &Table::from_bytes(bytes, InputFile::Ferias, path(InputFile::Ferias)),
            &general(bytes, InputFile::Ferias),
        )
        .unwrap();
    }
    // A quoted header with the data plain: the header is the csv crate's anyway.
    agree(b"\"matricula\";inicio;fim\n1;2;3\n", InputFile::Ferias).unwrap();
}

#[test]
fn read_from_a_folder() {
    let dir = std::env::temp_dir().join(format!("consignado-table-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("matricula;inicio;fim;dias_abono\r\n");
    for i in 0..50_000 {
        if i % 997 == 0 {
            text.push_str("\r\n");
        }
        if i % 1231 == 0 {
            text.push_str("1;2\r\n");
        }
        text.push_str(&format!(" {i:07} ;20/07/2025;08/08/2025;{}\r\n", i % 11));
    }
    std::fs::write(dir.join("ferias.csv"), &text).unwrap();
    let t = Table::read(&dir, InputFile::Ferias).unwrap();
    let expected = general(text.as_bytes(), InputFile::Ferias).unwrap();
    assert_eq!(t, expected);
    assert_eq!(t.len(), 50_000);
    assert_eq!(t.field(49_999, 0), "0049999");
    // An absent optional file has no rows; an absent required one is the input's fault, and
    // the message gives the header to create it with.
    assert!(Table::read(&dir, InputFile::Parcelas).unwrap().is_empty());
    let e = Table::read(&dir, InputFile::Funcionarios).unwrap_err();
    assert!(e.is_input(), "{e}");
    assert!(
        e.to_string()
            .contains("crie-o com o cabeçalho matricula;cpf;"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- Property: both paths agree on generated files. ----

fn piece(invalid: bool) -> BoxedStrategy<Vec<u8>> {
    let valid = prop_oneof![
        8 => Just(b"a".to_vec()),
        4 => Just("é".as_bytes().to_vec()),
        6 => (0u8..10).prop_map(|d| vec![b'0' + d]),
        3 => Just(b" ".to_vec()),
        1 => Just(b"\t".to_vec()),
    ];
    if invalid {
        prop_oneof![
            20 => valid,
            1 => Just(vec![0xff]),
            1 => Just(vec![0xc3]),
            1 => Just(vec![0xa9]),
        ]
        .boxed()
    } else {
        valid.boxed()
    }
}

/// Mostly short fields, sometimes long ones (past 16 and 32 bytes).
fn field(invalid: bool) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(piece(invalid), 0..5),
        1 => prop::collection::vec(piece(invalid), 5..30),
    ]
    .prop_map(|p| p.concat())
}

/// A row of `width` fields mostly, sometimes too few or too many (zero fields: a blank line).
fn row(width: usize, invalid: bool) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => Just(width),
        1 => 0..width + 3,
    ]
    .prop_flat_map(move |n| prop::collection::vec(field(invalid), n))
    .prop_map(|fields| fields.join(&b';'))
}

fn terminator() -> impl Strategy<Value = &'static [u8]> {
    prop_oneof![3 => Just(&b"\n"[..]), 1 => Just(&b"\r\n"[..])]
}

/// A header for `file`: every required column, some optional ones, in any order; sometimes a
/// byte-order mark, sometimes an unknown column.
fn header(file: InputFile) -> impl Strategy<Value = Vec<String>> {
    let required: Vec<&str> = file
        .columns()
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    let optional: Vec<&str> = file
        .columns()
        .iter()
        .filter(|c| !c.required)
        .map(|c| c.name)
        .collect();
    let n = optional.len();
    (
        prop::sample::subsequence(optional, 0..=n),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.03),
    )
        .prop_flat_map(move |(opt, shuffle, bom, unknown)| {
            let mut names: Vec<String> =
                required.iter().chain(&opt).map(|s| s.to_string()).collect();
            if unknown {
                names.push("xyz".to_owned());
            }
            if bom {
                names[0] = format!("\u{feff}{}", names[0]);
            }
            let names = Just(names);
            if shuffle {
                names.prop_shuffle().boxed()
            } else {
                names.boxed()
            }
        })
}

/// A whole file for `file`, as bytes.
fn document(file: InputFile) -> impl Strategy<Value = Vec<u8>> {
    (header(file), prop::bool::weighted(0.3)).prop_flat_map(|(names, invalid)| {
        let width = names.len();
        (
            Just(names),
            prop::collection::vec(terminator(), 0..3),
            terminator(),
            prop::collection::vec((row(width, invalid), terminator()), 0..25),
            any::<bool>(),
        )
            .prop_map(|(names, blanks, after_header, rows, final_newline)| {
                let mut out = Vec::new();
                for blank in blanks {
                    out.extend_from_slice(blank);
                }
                out.extend_from_slice(names.join(";").as_bytes());
                out.extend_from_slice(after_header);
                for (row, end) in &rows {
                    out.extend_from_slice(row);
                    out.extend_from_slice(end);
                }
                if !final_newline && !rows.is_empty() {
                    let end = rows.last().map_or(0, |(_, end)| end.len());
                    out.truncate(out.len() - end);
                }
                out
            })
    })
}

fn any_file() -> impl Strategy<Value = InputFile> {
    prop_oneof![
        Just(InputFile::Ferias),
        Just(InputFile::Parcelas),
        Just(InputFile::Funcionarios)
    ]
}

/// `bytes` with the first field of every data line between quotes (blank lines untouched).
fn quote_first_fields(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut header_seen = false;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        let content = line.strip_suffix(b"\r").unwrap_or(line);
        if content.is_empty() || !header_seen {
            header_seen |= !content.is_empty();
            out.extend_from_slice(line);
            continue;
        }
        let end = content
            .iter()
            .position(|&b| b == b';')
            .unwrap_or(content.len());
        out.push(b'"');
        out.extend_from_slice(&line[..end]);
        out.push(b'"');
        out.extend_from_slice(&line[end..]);
    }
    out
}

#[test]
fn lone_cr_line_endings_count_lines() {
    // Old Mac exports end lines with `\r` alone.
    let bytes = b"matricula;inicio;fim\r1;2;3\r\r4;5\r6;7;8\r";
    let t = general(bytes, InputFile::Ferias).unwrap();
    assert_eq!(lines(&t), vec![2, 5]);
    assert_eq!(short(&t), vec![(4, 2, "4")]);
    same(
        &Table::from_bytes(bytes, InputFile::Ferias, path(InputFile::Ferias)),
        &Ok(t),
    )
    .unwrap();
}

#[test]
fn an_unclosed_quote_stops_the_file_at_its_line() {
    for (bytes, line) in [
        (&b"matricula;inicio;fim\n\n\n1;\"2;3\n4;5;6\n"[..], 4),
        (b"matricula;inicio;fim\r\n\r\n  \r\n1;\"2;3\r\n4;5\r\n", 4),
        (b"matricula;inicio;fim\n\"1;2;3\n", 2),
    ] {
        let e = general(bytes, InputFile::Ferias).unwrap_err();
        assert!(e.is_input());
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("ferias.csv:{line}: aspas (\") sem fechamento")),
            "{text}"
        );
    }
    // A quote closed on a later line is no better: no column holds a line break, and the two
    // lines would be read as one row.
    let e = general(
        b"matricula;inicio;fim\n\"1\n2\";2;3\n4;5\n",
        InputFile::Ferias,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("ferias.csv:2: aspas (\") sem fechamento: o registro que começa nesta linha só termina na linha 3"),
        "{e}"
    );
    // On the last line, without a line end: the quote still is never closed.
    for bytes in [
        &b"matricula;inicio;fim\n1;2;3\n4;\"5;6"[..],
        b"matricula;inicio;fim\n1;2;3\n4;5;\"6",
    ] {
        let e = general(bytes, InputFile::Ferias).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ferias.csv:3: aspas (\") sem fechamento na última linha do arquivo; feche as aspas ou remova-as"
        );
    }
    // Quotes closed on the last line are fine; so is a lone `\r` inside quotes not.
    assert_eq!(
        general(b"matricula;inicio;fim\n1;2;\"3\"", InputFile::Ferias)
            .unwrap()
            .len(),
        1
    );
    let e = general(b"matricula;inicio;fim\r1;\"2\r3\";4\r", InputFile::Ferias).unwrap_err();
    assert!(e.to_string().starts_with("ferias.csv:2: aspas"), "{e}");
    let e = general(b"matricula;inicio;fim\n1;2;\"3\n4;5;6\n", InputFile::Ferias).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("só termina no fim do arquivo; feche as aspas ou remova-as"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn quoted_fields_give_the_same_table_and_lines(
        (file, bytes) in any_file().prop_flat_map(|f| (Just(f), document(f)))
    ) {
        let quoted = quote_first_fields(&bytes);
        same(&general(&quoted, file), &general(&bytes, file))?;
    }

    #[test]
    fn fast_path_agrees_with_the_csv_crate(
        (file, bytes) in any_file().prop_flat_map(|f| (Just(f), document(f)))
    ) {
        agree(&bytes, file)?;
    }

    #[test]
    fn from_bytes_agrees_with_the_csv_crate_on_anything(
        (file, bytes, inserts) in any_file().prop_flat_map(|f| (
            Just(f),
            document(f),
            prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![
                Just(b'"'), Just(b'\r'), Just(b'\n'), Just(b';'), Just(0xe9u8)
            ]), 0..3),
        ))
    ) {
        let mut bytes = bytes;
        for (at, byte) in inserts {
            let at = at.index(bytes.len() + 1);
            bytes.insert(at, byte);
        }
        let expected = general(&bytes, file);
        same(&Table::from_bytes(&bytes, file, path(file)), &expected)?;
        for chunks in chunk_counts(&bytes) {
            if let Some(table) = Table::from_bytes_fast(&bytes, file, path(file), chunks) {
                same(&table, &expected)?;
            }
        }
    }
}
