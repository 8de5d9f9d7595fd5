//! The Crédito do Trabalhador file: every format (JSON flat and nested, API envelope, CSV,
//! XLSX) reads the same records, and the normaliser gives the worked figures of the users'
//! reports (decimals without `,00`, leading zeros, institution codes, contract numbers).

use base64::Engine as _;
use consignado::adapters::credito_trabalhador::{
    is_valid_nr_doc, normalize, read_bytes, read_path, GovInstallment, RawRecord, SourceFormat,
};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::collections::BTreeMap;
use std::path::Path;

/// The public emulator's record (flattened keys, numbers where the first layout had them).
const FLAT: &str = r#"[
  {
    "ifConcessora.codigo": 908, "ifConcessora.descricao": "PARATI CFI S A",
    "contrato": "001001333", "cpf": 7782432472, "matricula": 9400,
    "inscricaoEmpregador.codigo": 1, "inscricaoEmpregador.descricao": "CNPJ",
    "numeroInscricaoEmpregador": 14772711,
    "nomeTrabalhador": "", "nomeEmpregador": "SOS INFORMATICA",
    "dataInicioContrato": "25/03/2025", "dataFimContrato": "20/08/2026",
    "competenciaInicioDesconto": "05/2025", "competenciaFimDesconto": "07/2026",
    "totalParcelas": 15, "valorParcela": "284,41", "valorEmprestimo": "4266,15", "valorLiberado": "3023,82",
    "qtdPagamentos": "", "qtdEscrituracoes": null,
    "categoriaTrabalhador.codigo": 101, "categoriaTrabalhador.descricao": "Empregado - Geral",
    "competencia": "06/2025",
    "inscricaoEstabelecimento.codigo": 1, "inscricaoEstabelecimento.descricao": "CNPJ",
    "numeroInscricaoEstabelecimento": 14772711000199
  },
  {"ifConcessora.codigo": 1, "contrato": "123/45-6", "cpf": "077.824.324-72", "matricula": "000123",
   "numeroInscricaoEmpregador": "12ABC34501DE35", "competencia": "06/2025", "valorParcela": "303"}
]"#;

/// The same two records with nested objects.
const NESTED: &str = r#"[
  {
    "ifConcessora": {"codigo": 908, "descricao": "PARATI CFI S A"},
    "contrato": "001001333", "cpf": 7782432472, "matricula": 9400,
    "inscricaoEmpregador": {"codigo": 1, "descricao": "CNPJ"},
    "numeroInscricaoEmpregador": 14772711,
    "nomeTrabalhador": "", "nomeEmpregador": "SOS INFORMATICA",
    "dataInicioContrato": "25/03/2025", "dataFimContrato": "20/08/2026",
    "competenciaInicioDesconto": "05/2025", "competenciaFimDesconto": "07/2026",
    "totalParcelas": 15, "valorParcela": "284,41", "valorEmprestimo": "4266,15", "valorLiberado": "3023,82",
    "qtdPagamentos": "", "qtdEscrituracoes": null,
    "categoriaTrabalhador": {"codigo": 101, "descricao": "Empregado - Geral"},
    "competencia": "06/2025",
    "inscricaoEstabelecimento": {"codigo": 1, "descricao": "CNPJ"},
    "numeroInscricaoEstabelecimento": 14772711000199
  },
  {"ifConcessora": {"codigo": 1}, "contrato": "123/45-6", "cpf": "077.824.324-72", "matricula": "000123",
   "numeroInscricaoEmpregador": "12ABC34501DE35", "competencia": "06/2025", "valorParcela": "303"}
]"#;

fn read(text: &str) -> consignado::adapters::credito_trabalhador::SourceFile {
    read_bytes(text.as_bytes(), Path::new("parcelas.json")).expect("the file reads")
}

fn fields(records: &[RawRecord]) -> Vec<BTreeMap<String, String>> {
    records.iter().map(|r| r.fields.clone()).collect()
}

/// Normalised records without their position (formats place records on different lines).
fn normalised(records: &[RawRecord]) -> Vec<Result<GovInstallment, Vec<String>>> {
    records
        .iter()
        .map(|r| {
            normalize(r)
                .map(|mut g| {
                    g.line = 0;
                    g
                })
                .map_err(|ps| ps.iter().map(|p| p.to_string()).collect())
        })
        .collect()
}

fn envelope(json: &str, wrap: bool) -> String {
    let mut b64 = base64::engine::general_purpose::STANDARD.encode(json);
    if wrap {
        let chunks: Vec<String> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        b64 = chunks.join("\n");
    }
    serde_json::json!({"Ambiente": "2", "Arquivo": b64}).to_string()
}

#[test]
fn worked_figures() {
    let file = read(FLAT);
    assert_eq!(file.format, SourceFormat::JsonArray);
    assert_eq!(file.records.len(), 2);
    assert_eq!((file.records[0].line, file.records[1].line), (2, 17));
    assert_eq!(file.records[0].fields["cpf"], "7782432472");
    assert_eq!(file.records[0].fields["qtdEscrituracoes"], "");
    let a = normalize(&file.records[0]).unwrap();
    assert_eq!(a.cpf, "07782432472");
    assert_eq!(a.contract, "001001333");
    assert_eq!(a.matricula, "9400");
    assert_eq!(a.institution_code, "908");
    assert_eq!(a.installment.to_string(), "284.41");
    assert_eq!(a.loan_value.unwrap().to_string(), "4266.15");
    assert_eq!(a.employer_root, "14772711");
    assert_eq!(a.establishment.as_deref(), Some("14772711000199"));
    assert_eq!(a.competencia.to_string(), "06/2025");
    assert_eq!(a.last_competencia.unwrap().to_string(), "07/2026");
    assert_eq!(a.total_installments, Some(15));
    assert_eq!(a.category, Some(101));
    let b = normalize(&file.records[1]).unwrap();
    assert_eq!(b.installment.to_string(), "303.00");
    assert_eq!(b.institution_code, "001");
    assert_eq!(b.cpf, "07782432472");
    assert_eq!(b.matricula, "000123");
    assert_eq!(b.contract, "123/45-6");
    assert_eq!(b.employer_number, "12ABC34501DE35");
    assert_eq!(b.employer_root, "12ABC345");
    assert_eq!(b.employer_kind, 1);
}

#[test]
fn money_forms() {
    let mut raw = read(FLAT).records.remove(1);
    for (text, expected) in [
        ("284,41", "284.41"),
        ("284.41", "284.41"),
        ("1.234,56", "1234.56"),
        ("303", "303.00"),
        ("303,00", "303.00"),
    ] {
        raw.fields.insert("valorParcela".into(), text.into());
        assert_eq!(
            normalize(&raw).unwrap().installment.to_string(),
            expected,
            "{text}"
        );
    }
    // A JSON number.
    let file = read(
        r#"[{"cpf":"1","matricula":"1","contrato":"12","ifConcessora.codigo":1,"numeroInscricaoEmpregador":1,"competencia":"06/2025","valorParcela":284.41}]"#,
    );
    assert_eq!(
        normalize(&file.records[0]).unwrap().installment.to_string(),
        "284.41"
    );
}

#[test]
fn contract_numbers() {
    assert!(is_valid_nr_doc("123/45-6"));
    assert!(is_valid_nr_doc("001001333"));
    assert!(!is_valid_nr_doc("A"));
    assert!(!is_valid_nr_doc("-123"));
    assert!(!is_valid_nr_doc("1234567890123456"));
    let mut raw = read(FLAT).records.remove(1);
    for bad in ["A", "-123", "1234567890123456"] {
        raw.fields.insert("contrato".into(), bad.into());
        let problems = normalize(&raw).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "contrato");
        assert_eq!(problems[0].value, bad);
        assert!(problems[0].message.contains("nrDoc"), "{}", problems[0]);
    }
}

#[test]
fn both_key_shapes_and_the_envelope_read_the_same() {
    let flat = read(FLAT);
    let nested = read(NESTED);
    assert_eq!(fields(&flat.records), fields(&nested.records));
    assert_eq!(normalised(&flat.records), normalised(&nested.records));
    for wrap in [false, true] {
        let env = read(&envelope(FLAT, wrap));
        assert_eq!(env.format, SourceFormat::JsonEnvelope);
        // Lines refer to the decoded array.
        assert_eq!(env.records, flat.records);
    }
}

#[test]
fn csv_reads_as_json() {
    let flat = read(FLAT);
    let keys: Vec<&String> = flat.records[0].fields.keys().collect();
    let mut csv = String::from("\u{feff}");
    csv.push_str(
        &keys
            .iter()
            .map(|k| k.to_uppercase())
            .collect::<Vec<_>>()
            .join(";"),
    );
    csv.push_str("\r\n\r\n");
    for r in &flat.records {
        let row: Vec<String> = keys
            .iter()
            .map(|k| match r.fields.get(*k).map(String::as_str) {
                Some(v) if v.starts_with('0') => format!("=\"{v}\""),
                Some(v) => format!("\"{v}\""),
                None => String::new(),
            })
            .collect();
        csv.push_str(&row.join(";"));
        csv.push_str("\r\n");
    }
    let file = read_bytes(csv.as_bytes(), Path::new("parcelas.csv")).unwrap();
    assert_eq!(file.format, SourceFormat::Csv);
    assert_eq!((file.records[0].line, file.records[1].line), (3, 4));
    // Keys absent from the JSON record read as empty cells.
    let mut expected = fields(&flat.records);
    for k in &keys {
        expected[1].entry((*k).clone()).or_default();
    }
    assert_eq!(fields(&file.records), expected);
    assert_eq!(normalised(&file.records), normalised(&flat.records));

    // Windows-1252, as Excel saves it.
    let bytes = b"cpf;matricula;contrato;ifConcessora.codigo;numeroInscricaoEmpregador;competencia;valorParcela;nomeTrabalhador\n1;1;12;1;1;06/2025;10;Jo\xe3o\n";
    let file = read_bytes(bytes, Path::new("p.csv")).unwrap();
    assert_eq!(normalize(&file.records[0]).unwrap().worker_name, "João");
}

#[test]
fn xlsx_reads_as_json() {
    let flat = read(FLAT);
    let keys: Vec<String> = flat.records[0].fields.keys().cloned().collect();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, k) in keys.iter().enumerate() {
        let c = c as u16;
        sheet.write_string(0, c, k).unwrap();
        for (r, record) in flat.records.iter().enumerate() {
            let row = r as u32 + 1;
            let Some(v) = record.fields.get(k) else {
                continue;
            };
            let as_number = v.parse::<f64>().ok().filter(|_| !v.starts_with('0'));
            if k.starts_with("dataInicio") {
                let d = consignado::adapters::company::parse_date(v).unwrap();
                use chrono::Datelike;
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                sheet
                    .write_datetime_with_format(row, c, &dt, &date)
                    .unwrap();
            } else if let Some(n) = as_number {
                sheet.write_number(row, c, n).unwrap();
            } else if !v.is_empty() {
                sheet.write_string(row, c, v).unwrap();
            }
        }
    }
    // An empty row, then a record whose contract a spreadsheet turned into a float.
    let last = flat.records.len() as u32 + 2;
    for (c, k) in keys.iter().enumerate() {
        let c = c as u16;
        match k.as_str() {
            "contrato" => sheet.write_number(last, c, 1.23456789012346e29).unwrap(),
            "valorParcela" => sheet.write_number(last, c, 284.41).unwrap(),
            _ => match flat.records[0].fields[k].parse::<f64>() {
                Ok(n) => sheet.write_number(last, c, n).unwrap(),
                Err(_) => sheet
                    .write_string(last, c, &flat.records[0].fields[k])
                    .unwrap(),
            },
        };
    }
    let dir = std::env::temp_dir().join(format!("consignado-gov-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("parcelas.xlsx");
    workbook.save(&path).unwrap();
    let file = read_path(&path).unwrap();
    std::fs::remove_dir_all(&dir).ok();

    assert_eq!(file.format, SourceFormat::Xlsx);
    assert_eq!(file.records.len(), 3);
    let lines: Vec<u32> = file.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5]);
    let mut expected = fields(&flat.records);
    for k in &keys {
        expected[1].entry(k.clone()).or_default();
    }
    assert_eq!(fields(&file.records[..2]), expected);
    assert_eq!(normalised(&file.records[..2]), normalised(&flat.records));
    let problems = normalize(&file.records[2]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "contrato");
    assert_eq!(problems[0].value, "1.23456789012346e29");
}

#[test]
fn bad_structure_stops_the_file_with_its_line() {
    let p = Path::new("parcelas.json");
    let err = read_bytes(b"[\n{\"cpf\": 1},\n\"x\"\n]", p).unwrap_err();
    assert_eq!(err.to_string(), "parcelas.json:3: registro 2: não é um objeto (é um texto); cada registro deve ser um objeto {\"cpf\": …, \"contrato\": …}");
    let err = read_bytes(b"[\n{\"cpf\": 1},\n{\"cpf\": [1, 2]}\n]", p).unwrap_err();
    assert_eq!((err.line, err.record), (Some(3), Some(2)));
    let err = read_bytes(b"[\n{\"cpf\": 1}\n{\"cpf\": 2}\n]", p).unwrap_err();
    assert_eq!((err.line, err.column), (Some(3), Some(1)));
    assert!(
        err.to_string()
            .starts_with("parcelas.json:3:1: JSON inválido"),
        "{err}"
    );
    let err = read_bytes(b"cpf;contrato\n1;2\n3\n", Path::new("p.csv")).unwrap_err();
    assert_eq!(err.to_string(), "p.csv:3: registro 2: a linha tem 1 campos, o cabeçalho tem 2; separador ';' e aspas conferem?");
    // Envelope: the line is in the decoded array.
    let env = envelope("[\n{\"cpf\": 1},\n 5]", false);
    let err = read_bytes(env.as_bytes(), p).unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(err.message.contains("decodificado"), "{err}");
    let err = read_bytes(br#"{"Ambiente": "2", "Arquivo": "@@@"}"#, p).unwrap_err();
    assert!(err.message.contains("base64"), "{err}");
    let err = read_bytes(br#"{"records": []}"#, p).unwrap_err();
    assert!(err.message.contains("são aceitos"), "{err}");
}

#[test]
fn api_error_reply() {
    let p = Path::new("resposta.json");
    let err = read_bytes(
        br#"{"erros":[{"codigo":"LF","mensagem":"Nao foram encontrados registros"}]}"#,
        p,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("resposta.json: "), "{text}");
    assert!(
        text.contains("LF «Nao foram encontrados registros»"),
        "{text}"
    );
    assert!(text.contains("não há parcelas"), "{text}");
    let err = read_bytes(
        br#"{"erros":[{"codigo":"CT","mensagem":"Competencia invalida"}]}"#,
        p,
    )
    .unwrap_err();
    assert!(err.message.contains("CT «Competencia invalida»"));
    assert!(err.message.contains("ainda não fechada"));
}

#[test]
fn big_files_are_refused() {
    let dir = std::env::temp_dir().join(format!("consignado-gov-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("grande.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(512 * 1024 * 1024 + 1).unwrap(); // sparse: no disk used
    let err = read_path(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    assert!(err.message.contains("grande demais"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Properties

/// One generated record: (key, value, whether JSON writes it as a number).
type Gen = Vec<(&'static str, String, bool)>;

fn record_strategy() -> impl Strategy<Value = Gen> {
    let name = prop_oneof![Just(String::new()), "[A-Za-z][A-Za-z ;\"çã]{0,10}[A-Za-z]"];
    (
        (
            "[1-9][0-9]{0,10}",
            prop_oneof!["[0-9]{1,8}", "[A-Z0-9]{1,12}"],
            "[A-Za-z0-9][-_A-Za-z0-9/.]{0,13}[A-Za-z0-9]",
            1u32..=999,
        ),
        (
            prop_oneof!["[1-9][0-9]{0,7}", "[A-Z0-9]{12}[0-9]{2}"],
            (1u32..=12, 2025i32..2030),
            (1u64..10_000_000, 0u32..100, any::<bool>()),
            name.clone(),
            name,
            prop::option::of(1u32..500),
        ),
        any::<[bool; 4]>(),
    )
        .prop_map(
            |(
                (cpf, mat, contract, inst),
                (cnpj, (m, y), (int, cents, comma), wn, en, total),
                num,
            )| {
                let value = if comma {
                    format!("{int},{cents:02}")
                } else {
                    format!("{int}.{cents:02}")
                };
                let mut g: Gen = vec![
                    ("cpf", cpf, num[0]),
                    (
                        "matricula",
                        mat.clone(),
                        num[1] && !mat.starts_with('0') && mat.bytes().all(|b| b.is_ascii_digit()),
                    ),
                    ("contrato", contract, false),
                    ("ifConcessora.codigo", inst.to_string(), num[2]),
                    ("ifConcessora.descricao", "Banco".into(), false),
                    (
                        "numeroInscricaoEmpregador",
                        cnpj.clone(),
                        num[3] && cnpj.len() < 14,
                    ),
                    ("inscricaoEmpregador.codigo", "1".into(), true),
                    ("competencia", format!("{m:02}/{y}"), false),
                    ("valorParcela", value, false),
                    ("nomeTrabalhador", wn, false),
                    ("nomeEmpregador", en, false),
                ];
                g.push((
                    "totalParcelas",
                    total.map(|t| t.to_string()).unwrap_or_default(),
                    total.is_some(),
                ));
                g
            },
        )
}

fn json_value(v: &str, number: bool) -> String {
    if number {
        v.to_string()
    } else {
        serde_json::to_string(v).unwrap()
    }
}

fn flat_json(records: &[Gen]) -> String {
    let items: Vec<String> = records
        .iter()
        .map(|r| {
            let pairs: Vec<String> = r
                .iter()
                .map(|(k, v, n)| format!("{}: {}", json_value(k, false), json_value(v, *n)))
                .collect();
            format!("{{{}}}", pairs.join(",\n "))
        })
        .collect();
    format!("[{}]", items.join(",\n"))
}

fn nested_json(records: &[Gen]) -> String {
    let items: Vec<String> = records
        .iter()
        .map(|r| {
            let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            let mut pairs = Vec::new();
            for (k, v, n) in r {
                match k.split_once('.') {
                    Some((outer, inner)) => groups.entry(outer).or_default().push(format!(
                        "{}: {}",
                        json_value(inner, false),
                        json_value(v, *n)
                    )),
                    None => pairs.push(format!("{}: {}", json_value(k, false), json_value(v, *n))),
                }
            }
            for (outer, inner) in groups {
                pairs.push(format!(
                    "{}: {{{}}}",
                    json_value(outer, false),
                    inner.join(", ")
                ));
            }
            format!("{{{}}}", pairs.join(",\n"))
        })
        .collect();
    format!("[\n{}\n]", items.join(",\n"))
}

fn csv_text(records: &[Gen]) -> String {
    let quote = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    let mut out = String::new();
    if let Some(first) = records.first() {
        let header: Vec<&str> = first.iter().map(|(k, _, _)| *k).collect();
        out.push_str(&header.join(";"));
        out.push('\n');
    } else {
        out.push_str("cpf;contrato\n");
    }
    for r in records {
        let row: Vec<String> = r.iter().map(|(_, v, _)| quote(v)).collect();
        out.push_str(&row.join(";"));
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn four_renderings_read_the_same(records in prop::collection::vec(record_strategy(), 0..6)) {
        let p = Path::new("gerado");
        let flat = read_bytes(flat_json(&records).as_bytes(), p).unwrap();
        let nested = read_bytes(nested_json(&records).as_bytes(), p).unwrap();
        let env = read_bytes(envelope(&flat_json(&records), true).as_bytes(), p).unwrap();
        let csv = read_bytes(csv_text(&records).as_bytes(), p).unwrap();
        prop_assert_eq!(flat.records.len(), records.len());
        prop_assert_eq!(&env.records, &flat.records);
        for other in [&nested, &csv] {
            prop_assert_eq!(fields(&other.records), fields(&flat.records));
            prop_assert_eq!(normalised(&other.records), normalised(&flat.records));
        }
        for (g, r) in normalised(&flat.records).iter().zip(&records) {
            let g = g.as_ref().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(g.cpf.len(), 11);
            prop_assert_eq!(g.institution_code.len(), 3);
            prop_assert_eq!(&g.contract, &r[2].1);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for prefix in [&b""[..], b"[", b"{\"Arquivo\":\"", b"PK\x03\x04"] {
            let mut data = prefix.to_vec();
            data.extend_from_slice(&bytes);
            if let Ok(file) = read_bytes(&data, Path::new("x")) {
                for r in &file.records {
                    let _ = normalize(r);
                }
            }
        }
    }

    #[test]
    fn mutated_files_never_panic(
        records in prop::collection::vec(record_strategy(), 1..3),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        which in 0usize..4,
    ) {
        let mut data = match which {
            0 => flat_json(&records).into_bytes(),
            1 => nested_json(&records).into_bytes(),
            2 => envelope(&flat_json(&records), false).into_bytes(),
            _ => csv_text(&records).into_bytes(),
        };
        for (at, byte) in edits {
            let i = at.index(data.len());
            data[i] = byte;
        }
        if let Ok(file) = read_bytes(&data, Path::new("x")) {
            for r in &file.records {
                let _ = normalize(r);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text in any field: `normalize` answers (a record or its problems), never panics,
    /// and an accepted record holds the layout's invariants.
    #[test]
    fn normalize_never_panics(
        pairs in prop::collection::vec(
            (
                prop::sample::select(consignado::adapters::credito_trabalhador::KNOWN_KEYS.to_vec()),
                prop_oneof![".{0,16}", "[0-9A-Zç./, eE+-]{0,18}", "[0-9]{1,15}"],
            ),
            0..30,
        )
    ) {
        let raw = RawRecord {
            index: 1,
            line: 1,
            fields: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        };
        match normalize(&raw) {
            Ok(g) => {
                prop_assert_eq!(g.cpf.len(), 11);
                prop_assert_eq!(g.institution_code.len(), 3);
                prop_assert!(is_valid_nr_doc(&g.contract));
                prop_assert!(g.installment.scale() == 2);
            }
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }
}

#[test]
fn mutated_xlsx_never_panics() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, k) in ["cpf", "contrato", "valorParcela", "dataAdmissao"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *k).unwrap();
    }
    sheet.write_number(1, 0, 7782432472.0).unwrap();
    sheet.write_string(1, 1, "001001333").unwrap();
    sheet.write_number(1, 2, 284.41).unwrap();
    sheet
        .write_datetime_with_format(
            1,
            3,
            ExcelDateTime::from_ymd(2025, 3, 25).unwrap(),
            &Format::new().set_num_format("dd/mm/yyyy"),
        )
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let file = read_bytes(&bytes, Path::new("x.xlsx")).unwrap();
    assert_eq!(file.records[0].fields["dataAdmissao"], "25/03/2025");
    assert_eq!(file.records[0].fields["cpf"], "7782432472");
    // Deterministic mutations: every 97th byte position, a few values.
    let mut n = 0;
    for i in (4..bytes.len()).step_by(97) {
        for v in [0u8, 0xff, b'<', b'1'] {
            let mut data = bytes.clone();
            data[i] = v;
            if let Ok(file) = read_bytes(&data, Path::new("x.xlsx")) {
                for r in &file.records {
                    let _ = normalize(r);
                }
            }
            n += 1;
        }
    }
    assert!(n > 0);
}

/// The fuzz seeds (`fuzz/seeds_gov/`) read as their names say.
#[test]
fn fuzz_seeds_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds_gov");
    let mut seen = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let summary = match read_path(&path) {
            Ok(file) => {
                let ok = file.records.iter().filter(|r| normalize(r).is_ok()).count();
                format!("{name}: {} {}/{}", file.format, ok, file.records.len())
            }
            Err(e) => format!(
                "{name}: erro {}",
                e.message.chars().take(40).collect::<String>()
            ),
        };
        seen.push(summary);
    }
    assert_eq!(
        seen,
        [
            "01_flat.json: JSON 2/2",
            "02_nested.json: JSON 1/2",
            "03_envelope.json: JSON (envelope da API) 2/2",
            "04_erro_lf.json: erro o arquivo é uma resposta de erro da API ",
            "05_parcelas.csv: CSV 2/2",
            "06_parcelas_cp1252.csv: CSV 1/2",
            "07_planilha.xlsx: XLSX 1/2",
        ]
    );
}
