//! The properties checked by the fuzz targets, shared by the libFuzzer targets
//! (`fuzz_targets/`) and by the stable `replay` binary (`examples/replay.rs`), which re-runs
//! corpus/regression files without libFuzzer.

use consignado::formula::{self, CompileOptions, MapContext, Program, Value};
use rust_decimal::Decimal;

/// Two competências, so both `MES = 1` and `MES <> 1` branches of the seeds are reached.
/// Each has `L`, `RC`, an event (`0439`), history (`LIQUIDOFF`) and `PERIODO`.
pub fn contexts() -> [MapContext; 2] {
    let d = |s: &str| s.parse::<Decimal>().expect("decimal literal");
    let mut june = MapContext::new(2025, 6);
    june.periodo = Some(1);
    june.set_variable("L", d("1200.00"))
        .set_variable("RC", d("2000.00"))
        .set_event("0439", d("500.00"))
        .set_event("0438", d("-12.34"))
        .set_history(2025, 5, 1, d("2800.00"))
        .set_history(2024, 12, 1, d("3250.00"));
    let mut january = june.clone();
    january.mes = 1;
    january.periodo = Some(2);
    january.set_history(2024, 12, 2, d("79228162514264337593543950335"));
    [june, january]
}

/// Bytes → formula text. Invalid UTF-8 is decoded lossily (U+FFFD) rather than dropped, so
/// no input is wasted.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `compile_eval`: compile lenient and strict, evaluate, explain, render every diagnostic.
/// Nothing may panic; the invariants between the modes and between evaluate/explain hold.
pub fn compile_eval(src: &str) {
    let lenient = Program::compile(src, &CompileOptions::default());
    let strict = Program::compile(src, &CompileOptions::strict());
    let ctxs = contexts();

    for result in [&lenient, &strict] {
        match result {
            Ok(program) => {
                for w in program.warnings() {
                    let _ = w.render("f.rm", src);
                    let _ = w.one_line("f.rm", src);
                    let _ = w.to_string();
                }
                let _ = program.references();
                let _ = program.require_periodo(false);
                for ctx in &ctxs {
                    let value = program.evaluate(ctx);
                    let money = program.evaluate_money(ctx);
                    let (explained, trace) = program.explain(ctx);
                    let _ = trace.to_string();
                    assert_eq!(value, explained, "evaluate and explain disagree on {src:?}");
                    match (&value, &money) {
                        (Ok(Value::Number(_)), Ok(_)) | (Ok(Value::Bool(_)), Err(_)) => {}
                        (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                        _ => panic!("evaluate {value:?} vs evaluate_money {money:?} on {src:?}"),
                    }
                    if let Err(e) = &value {
                        let _ = e.to_diagnostic().render("f.rm", src);
                        let _ = e.to_string();
                    }
                }
            }
            Err(diags) => {
                assert!(
                    diags.errors().next().is_some(),
                    "compile failed without an error on {src:?}: {diags:?}"
                );
                let _ = diags.render("f.rm", src);
                let _ = diags.to_string();
                for d in diags.iter() {
                    let _ = d.one_line("f.rm", src);
                }
            }
        }
    }

    // Strict only adds errors: whatever compiles strictly compiles leniently, to the same
    // value, and a strict program has no warnings.
    if let Ok(s) = &strict {
        assert!(
            s.warnings().is_empty(),
            "strict program with warnings: {src:?}"
        );
        let l = lenient
            .as_ref()
            .unwrap_or_else(|e| panic!("strict ok but lenient fails on {src:?}: {e}"));
        for ctx in &ctxs {
            assert_eq!(
                outcome(s.evaluate(ctx)),
                outcome(l.evaluate(ctx)),
                "strict and lenient disagree on {src:?}"
            );
        }
    }
}

/// A value or an error code: what must agree between a formula and its formatted text.
pub fn outcome(r: Result<Value, formula::EvalError>) -> Result<Value, &'static str> {
    r.map_err(|e| e.code())
}

/// `fmt_roundtrip`: for a formula that compiles leniently, `fmt` succeeds, is idempotent,
/// its output compiles in strict mode and evaluates to the same value or error code.
pub fn fmt_roundtrip(src: &str) {
    let Ok(original) = Program::compile(src, &CompileOptions::default()) else {
        return;
    };
    let once = formula::format(src)
        .unwrap_or_else(|e| panic!("fmt failed on a formula that compiles: {src:?}: {e}"));
    let twice = formula::format(&once)
        .unwrap_or_else(|e| panic!("fmt output does not parse: {src:?} -> {once:?}: {e}"));
    assert_eq!(once, twice, "fmt not idempotent on {src:?}");
    let formatted = Program::compile(&once, &CompileOptions::strict())
        .unwrap_or_else(|e| panic!("fmt output fails strict mode: {src:?} -> {once:?}: {e}"));
    for ctx in &contexts() {
        assert_eq!(
            outcome(original.evaluate(ctx)),
            outcome(formatted.evaluate(ctx)),
            "fmt changed the value: {src:?} -> {once:?}"
        );
    }
}

/// `table_read`: the first byte picks an input file, the rest is its content. The CSV reader's
/// fast path (parallel chunks, in place) and the general one (the csv crate) give the same
/// table or the same error, whatever the chunking; every row's fields read back; nothing
/// panics.
pub fn table_read(data: &[u8]) {
    use consignado::adapters::company::{InputFile, Row, Table};
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let file = InputFile::ALL[usize::from(pick) % InputFile::ALL.len()];
    let path = std::path::Path::new(file.file_name());
    let general = Table::from_bytes_general(bytes, file, path);
    let same =
        |other: &Result<Table, consignado::adapters::company::LoadError>| match (other, &general) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "tables differ on {bytes:?}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "errors differ on {bytes:?}")
            }
            (a, b) => panic!("one path failed, the other did not on {bytes:?}: {a:?} / {b:?}"),
        };
    same(&Table::from_bytes(bytes, file, path));
    for chunks in [1, 2, 5, bytes.len().max(1)] {
        if let Some(fast) = Table::from_bytes_fast(bytes, file, path, chunks) {
            same(&fast);
        }
    }
    if let Ok(table) = &general {
        let read: u64 = table.len() as u64 + table.short_rows.len() as u64;
        assert_eq!(read, table.rows_read, "rows read = rows + short rows");
        for r in 0..table.len() {
            let row = Row::new(table, r);
            for c in 0..file.columns().len() {
                let _ = row.text(c);
                let _ = row.money(c);
                let _ = row.percent(c);
                let _ = row.date(c);
                let _ = row.competencia(c);
                let _ = row.uint(c, 0);
            }
        }
    }
}

/// calamine 0.30 panics on some malformed archives; the reader catches that panic
/// (`catch_unwind`) and reports the file as unreadable. libFuzzer's panic hook aborts before
/// any unwinding, so `gov_file` installs, once, a hook that lets panics raised inside calamine
/// unwind to the reader, and hands every other panic to the previous hook (which aborts).
pub fn tolerate_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("calamine-"));
            if !in_calamine {
                previous(info);
            }
        }));
    });
}

/// `gov_file`: the Crédito do Trabalhador reader and normaliser on any bytes. Nothing panics;
/// records are numbered 1..=n with non-decreasing lines; a normalised record holds its
/// invariants (11-digit CPF, 3-digit institution, valid `nrDoc`, installment > 0 with 2
/// places); a rejected record has at least one problem; a JSON array reads the same wrapped in
/// the API envelope; every error prints its path first.
pub fn gov_file(data: &[u8]) {
    use base64::Engine as _;
    use consignado::adapters::credito_trabalhador::{
        is_valid_nr_doc, normalize, read_bytes, SourceFormat,
    };
    tolerate_calamine_panics();
    let path = std::path::Path::new("gov.json");
    let file = match read_bytes(data, path) {
        Ok(file) => file,
        Err(e) => {
            assert!(e.to_string().starts_with("gov.json"), "{e}");
            assert!(!e.message.is_empty());
            return;
        }
    };
    let mut last_line = 0;
    for (i, r) in file.records.iter().enumerate() {
        assert_eq!(r.index, i + 1, "record numbers");
        assert!(r.line >= last_line && r.line >= 1, "lines go forward");
        last_line = r.line;
        match normalize(r) {
            Ok(g) => {
                assert!(g.cpf.len() == 11 && g.cpf.bytes().all(|b| b.is_ascii_digit()));
                assert!(g.institution_code.len() == 3);
                assert!(is_valid_nr_doc(&g.contract), "{:?}", g.contract);
                assert!((1..=30).contains(&g.matricula.chars().count()));
                assert!(g.installment > Decimal::ZERO && g.installment.scale() == 2);
                assert!(g.employer_number.starts_with(&g.employer_root));
            }
            Err(problems) => {
                assert!(!problems.is_empty(), "a rejected record has a problem");
                for p in &problems {
                    let _ = p.to_string();
                }
            }
        }
    }
    if file.format == SourceFormat::JsonArray {
        let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        let encoded = base64::engine::general_purpose::STANDARD.encode(body);
        let envelope = format!("{{\"Ambiente\": \"2\", \"Arquivo\": \"{encoded}\"}}");
        let wrapped = read_bytes(envelope.as_bytes(), path).expect("the envelope reads");
        assert_eq!(wrapped.format, SourceFormat::JsonEnvelope);
        assert_eq!(wrapped.records, file.records, "envelope = array");
    }
}

/// The eSocial inputs. The first byte picks the reader, the rest is its input:
/// - `0`: an S-5003 file (`Returned::add_file`, competência 2026-02): an error names the file
///   first; every total read is found again by (CPF, institution, contract) and its place
///   names the file; no key is read twice;
/// - `1`: `esocial.toml` (`EsocialSettings::parse`, with and without a company CNPJ): settings
///   read have the shapes the events need (inscription of 8, 11 or 14 characters, a CNPJ of 14,
///   lotação of 1–30 characters, table of 1–8, category of 3 digits); an error has a problem;
/// - `2`: a PKCS#12 file (`Signer::from_pkcs12`): it reads or says why, never panics.
pub fn esocial_inputs(data: &[u8]) {
    use consignado::adapters::esocial::s5003::Returned;
    use consignado::adapters::esocial::{EsocialSettings, Signer};
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            let mut r = Returned::default();
            match r.add_file("r.xml", rest, "2026-02") {
                Err(e) => assert!(e.starts_with("r.xml"), "{e}"),
                Ok(()) => {
                    for (i, t) in r.totals.iter().enumerate() {
                        assert_eq!(
                            r.find(&t.cpf, &t.inst_financ, &t.contract),
                            Some((i as u32, t.total))
                        );
                        assert!(t.place.starts_with("r.xml:"));
                        assert!(r.has_worker(&t.cpf));
                    }
                }
            }
        }
        1 => {
            let text = String::from_utf8_lossy(rest);
            for cnpj in [None, Some("11222333000181")] {
                match EsocialSettings::parse(&text, cnpj) {
                    Ok(s) => {
                        assert!(matches!(s.nr_insc.len(), 8 | 11 | 14), "{}", s.nr_insc);
                        assert_eq!(s.establishment.len(), 14);
                        assert!((1..=30).contains(&s.lotacao.chars().count()));
                        assert!((1..=8).contains(&s.ide_tab_rubr.chars().count()));
                        assert!(s.category.len() == 3 && s.category.bytes().all(|b| b.is_ascii_digit()));
                        assert!(matches!(s.tp_amb, 1 | 2));
                    }
                    Err(problems) => assert!(!problems.is_empty()),
                }
            }
        }
        _ => {
            let _ = Signer::from_pkcs12(rest, "segredo").map(|s| s.subject().len());
        }
    }
}
