//! The formula language end to end: the analyst fixtures, the command line, property tests
//! and the limits that keep bad input from crashing anything.

mod common;

use consignado::adapters::fixture;
use consignado::formula::{self, CompileOptions, Context, MapContext, Mode, Program, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------

#[test]
fn every_formula_fixture_passes() {
    let files = fixture::collect(&[root().join("fixtures/formula")]).unwrap();
    assert!(files.len() >= 8, "fixtures missing: {files:?}");
    let mut count = 0;
    let mut failures = Vec::new();
    for f in &files {
        for o in fixture::run_file(f) {
            count += 1;
            if !o.passed {
                failures.push(format!("{} :: {}\n{}", o.file.display(), o.name, o.detail));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(count >= 90, "only {count} cases ran");
}

#[test]
fn a_wrong_expectation_fails_with_its_explanation() {
    let dir = std::env::temp_dir().join(format!("consignado-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("errado.toml");
    std::fs::write(
        &file,
        "nome = \"errado\"\nformula = \"SE L > 0 ENTAO L * 0.3 FIMSE\"\n[[caso]]\nnome = \"x\"\nvariaveis = { L = \"100\" }\nesperado = \"31.00\"\n",
    )
    .unwrap();
    let outcomes = fixture::run_file(&file);
    assert_eq!(outcomes.len(), 1);
    assert!(!outcomes[0].passed);
    assert!(
        outcomes[0].detail.contains("esperado 31.00, obtido 30.00"),
        "{}",
        outcomes[0].detail
    );
    assert!(
        outcomes[0].detail.contains("condição L > 0 → verdadeiro"),
        "{}",
        outcomes[0].detail
    );
    std::fs::remove_dir_all(&dir).ok();
}

// ------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------

fn consignado(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_consignado"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const MARGEM: &str = "fixtures/formula/seeds/margem_444_totvs.rm";
const MARGEM_CTX: &str = "fixtures/formula/seeds/margem_444_totvs.context.json";

#[test]
fn check_accepts_the_seeds_leniently_and_rejects_them_strictly() {
    let (code, out, err) = consignado(&[
        "check",
        MARGEM,
        "fixtures/formula/seeds/desconto_438_totvs.rm",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("margem_444_totvs.rm:13:11: aviso[W002]"),
        "{err}"
    );
    assert!(
        err.contains("desconto_438_totvs.rm:3:1: aviso[W001]"),
        "{err}"
    );
    let (code, _, err) = consignado(&["check", "--strict", MARGEM]);
    assert_eq!(code, 1);
    assert!(err.contains("erro[W002]"), "{err}");
    let (code, _, _) = consignado(&[
        "check",
        "--strict",
        "fixtures/formula/seeds/margem_444_balanceada.rm",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn eval_prints_money_raw_and_explanations() {
    let (code, out, _) = consignado(&["eval", MARGEM, "--context", MARGEM_CTX]);
    assert_eq!((code, out.as_str()), (0, "840.00\n"));
    let (_, out, _) = consignado(&["eval", MARGEM, "--context", MARGEM_CTX, "--raw"]);
    assert_eq!(out, "840.000\n");
    let (code, out, _) = consignado(&["eval", MARGEM, "--context", MARGEM_CTX, "--explain"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("condição MES=1 E LIQUIDOFF(ANO-1,12,PERIODO) > 0 → falso"),
        "{out}"
    );
    assert!(
        out.contains("LIQUIDOFF(ANO,MES-1,PERIODO) = 2800.00"),
        "{out}"
    );
    let (code, out, _) = consignado(&["eval", MARGEM, "--context", MARGEM_CTX, "--explain=json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["valor"], "840.00");
    assert_eq!(json["steps"][0]["kind"], "if");
    assert_eq!(json["steps"][0]["children"][0]["value"], "falso");
}

#[test]
fn eval_reports_bad_input_with_position_and_exit_codes() {
    let dir = std::env::temp_dir().join(format!("consignado-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ctx = dir.join("ctx.json");
    // No PERIODO: E016 at the first use, as FILE:LINE:COL.
    std::fs::write(
        &ctx,
        r#"{"competencia":"2025-06","variaveis":{"RC":"1000"}}"#,
    )
    .unwrap();
    let (code, _, err) = consignado(&["eval", MARGEM, "--context", ctx.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("margem_444_totvs.rm:4:24: erro[E016]"),
        "{err}"
    );
    // Unknown key.
    std::fs::write(&ctx, "{\"competencia\":\"2025-06\",\n \"eventoz\":{}}").unwrap();
    let (code, _, err) = consignado(&["eval", MARGEM, "--context", ctx.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(":2:") && err.contains("campo desconhecido"),
        "{err}"
    );
    // Missing file: I/O error.
    let (code, _, _) = consignado(&["eval", MARGEM, "--context", "nao/existe.json"]);
    assert_eq!(code, 2);
    // Usage error.
    let (code, _, _) = consignado(&["eval", MARGEM]);
    assert_eq!(code, 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fmt_output_is_idempotent_and_strict() {
    let (code, formatted, _) = consignado(&["fmt", MARGEM]);
    assert_eq!(code, 0);
    let expected =
        std::fs::read_to_string(root().join("fixtures/formula/seeds/margem_444_balanceada.rm"))
            .unwrap();
    assert_eq!(formatted, expected);
    let (code, _, _) = consignado(&["fmt", "--check", MARGEM]);
    assert_eq!(code, 1);
    let (code, _, _) = consignado(&[
        "fmt",
        "--check",
        "fixtures/formula/seeds/margem_444_balanceada.rm",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn test_command_runs_the_fixtures() {
    let (code, out, _) = consignado(&["test"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" 0 reprovados"), "{out}");
}

// ------------------------------------------------------------------------------------------
// Limits: nothing crashes
// ------------------------------------------------------------------------------------------

fn compile(src: &str) -> Result<Program, formula::Diagnostics> {
    Program::compile(src, &CompileOptions::default())
}

fn codes(src: &str) -> Vec<&'static str> {
    match compile(src) {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| d.code).collect(),
    }
}

#[test]
fn nesting_up_to_the_limit_works_and_beyond_is_an_error() {
    // Run on a thread with a small stack (as test threads have) to show the limit is safe.
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = 60;
            let src = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
            let p = compile(&src).unwrap();
            assert_eq!(
                p.evaluate(&MapContext::new(2025, 1)).unwrap(),
                Value::Number(d("1"))
            );
            let ifs = "SE MES = 1 ENTAO 1 SENAO ".repeat(60) + "0" + &" FIMSE".repeat(60);
            assert!(compile(&ifs).is_ok());
            assert_eq!(
                codes(&format!("{}1{}", "(".repeat(5000), ")".repeat(5000))),
                ["E004"]
            );
            assert_eq!(codes(&format!("{}1", "-".repeat(100_000))), ["E004"]);
            assert_eq!(codes(&format!("{}1", "NAO ".repeat(10_000))), ["E004"]);
            assert_eq!(codes(&"SE 1 = 1 ENTAO ".repeat(10_000)), ["E004"]);
            assert_eq!(codes(&"1 + ".repeat(10_000).add_one()), ["E004"]);
            assert_eq!(codes(&format!("{}1", "ABS(".repeat(1000))), ["E004"]);
        })
        .unwrap()
        .join()
        .unwrap();
}

trait AddOne {
    fn add_one(self) -> String;
}
impl AddOne for String {
    fn add_one(self) -> String {
        self + "1"
    }
}

#[test]
fn pathological_input_is_an_error_not_a_crash() {
    for src in [
        "",
        ";;;",
        "/*",
        "'",
        "\"",
        "((",
        "))",
        "SE",
        "FIMSE FIMSE",
        "\u{0}",
        "C(",
        "1..2",
        "ENTÃO",
        "1 2",
        "DECL;",
    ] {
        assert!(compile(src).is_err(), "{src:?} compiled");
    }
}

// ------------------------------------------------------------------------------------------
// Property tests
// ------------------------------------------------------------------------------------------

/// A context that counts history look-ups, to observe short-circuit evaluation.
struct Counting {
    lookups: Cell<u32>,
}

impl Context for Counting {
    fn competencia(&self) -> (i32, u32) {
        (2025, 1)
    }
    fn periodo(&self) -> Option<i64> {
        Some(1)
    }
    fn event(&self, _: usize, _: &str) -> Decimal {
        Decimal::ZERO
    }
    fn variable(&self, _: usize, _: &str) -> Option<Decimal> {
        Some(Decimal::ONE)
    }
    fn liquido_off(&self, _: i64, _: u32, _: i64) -> Decimal {
        self.lookups.set(self.lookups.get() + 1);
        Decimal::ONE
    }
}

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u32..=4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

/// Random arithmetic as (source, the same computation done directly with Decimal).
fn arithmetic() -> impl Strategy<Value = (String, Option<Decimal>)> {
    let leaf = money().prop_map(|v| (v.to_string(), Some(v)));
    leaf.prop_recursive(5, 32, 2, |inner| {
        (inner.clone(), inner, 0..4usize).prop_map(|((ls, lv), (rs, rv), op)| {
            let sym = ["+", "-", "*", "/"][op];
            let value = match (lv, rv) {
                (Some(a), Some(b)) => match op {
                    0 => a.checked_add(b),
                    1 => a.checked_sub(b),
                    2 => a.checked_mul(b),
                    _ if b.is_zero() => None,
                    _ => a.checked_div(b),
                },
                _ => None,
            };
            (format!("({ls} {sym} {rs})"), value)
        })
    })
}

/// Random formulas over the whole language, written with random case, spacing and accents.
fn formula_source() -> impl Strategy<Value = String> {
    let num_leaf = prop_oneof![
        money().prop_map(|v| v.to_string()),
        Just("MES".to_string()),
        Just("ano".to_string()),
        Just("L".to_string()),
        Just("rc".to_string()),
        Just("C('0439')".to_string()),
        Just("LIQUIDOFF(ANO, 12, PERIODO)".to_string()),
    ];
    num_leaf.prop_recursive(4, 24, 3, |inner| {
        let cond = (inner.clone(), inner.clone(), 0..6usize).prop_map(|(a, b, op)| {
            let sym = ["=", "<>", "<", ">", "<=", ">="][op];
            format!("{a} {sym} {b}")
        });
        prop_oneof![
            (inner.clone(), inner.clone(), 0..3usize)
                .prop_map(|(a, b, op)| format!("({a} {} {b})", ["+", "-", "*"][op])),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("ARRED({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("MAX({a}, {b})")),
            (cond.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                |(c, a, b, accent)| {
                    let (entao, senao) = if accent {
                        ("ENTÃO", "senão")
                    } else {
                        ("entao", "SENAO")
                    };
                    format!("SE {c} {entao} {a} {senao} {b} FIMSE")
                }
            ),
            (cond.clone(), cond.clone(), inner.clone(), 0..3usize).prop_map(|(c1, c2, a, op)| {
                let joined = match op {
                    0 => format!("{c1} E {c2}"),
                    1 => format!("{c1} OU {c2}"),
                    _ => format!("NAO {c1}"),
                };
                format!("SE {joined} ENTAO {a} FIMSE")
            }),
            (inner.clone(), inner).prop_map(|(a, b)| format!("SE {a} ENTAO {b} FIMSE /* n */")),
        ]
    })
}

fn context() -> impl Strategy<Value = MapContext> {
    (1u32..=12, money(), money(), money(), money()).prop_map(|(mes, l, rc, c, h)| {
        let mut ctx = MapContext::new(2025, mes);
        ctx.periodo = Some(1);
        ctx.set_variable("L", l)
            .set_variable("RC", rc)
            .set_event("0439", c)
            .set_history(2025, 12, 1, h);
        ctx
    })
}

fn same_outcome(
    a: &Result<Value, formula::EvalError>,
    b: &Result<Value, formula::EvalError>,
) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => x.code() == y.code(),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,80}") {
        if let Ok(p) = compile(&src) {
            let _ = p.evaluate(&MapContext::new(2025, 6));
            let _ = p.explain(&MapContext::new(2025, 6));
        }
        let _ = formula::format(&src);
    }

    #[test]
    fn arbitrary_token_soup_never_panics(
        tokens in proptest::collection::vec(prop_oneof![
            Just("SE"), Just("ENTAO"), Just("SENAO"), Just("FIMSE"), Just("E"), Just("OU"),
            Just("NAO"), Just("("), Just(")"), Just(";"), Just(","), Just("1"), Just("0.3"),
            Just("L"), Just("C('1')"), Just("DECL A"), Just("SETVAR(A, 1)"), Just("A"),
            Just("+"), Just("-"), Just("*"), Just("/"), Just("="), Just("<>"), Just("<"),
            Just(">="), Just("'x'"), Just("/* c */"), Just("LIQUIDOFF(ANO, MES, 1)"),
        ], 0..40)
    ) {
        let src = tokens.join(" ");
        for mode in [Mode::Lenient, Mode::Strict] {
            let options = CompileOptions { mode, ..CompileOptions::default() };
            if let Ok(p) = Program::compile(&src, &options) {
                let mut ctx = MapContext::new(2025, 6);
                ctx.set_variable("L", d("10"));
                ctx.periodo = Some(1);
                let _ = p.evaluate(&ctx);
            }
        }
        if let Ok(formatted) = formula::format(&src) {
            prop_assert_eq!(formula::format(&formatted).ok(), Some(formatted.clone()));
        }
    }

    #[test]
    fn arithmetic_equals_decimal_arithmetic((src, expected) in arithmetic()) {
        let p = compile(&src).unwrap();
        let got = p.evaluate(&MapContext::new(2025, 6));
        match expected {
            Some(v) => prop_assert_eq!(got.unwrap(), Value::Number(v)),
            None => prop_assert!(got.is_err()),
        }
    }

    #[test]
    fn fmt_preserves_value_is_idempotent_and_strict(src in formula_source(), ctx in context()) {
        let original = compile(&src).unwrap();
        let formatted = formula::format(&src).unwrap();
        prop_assert_eq!(formula::format(&formatted).unwrap(), formatted.clone(), "not idempotent");
        let strict = Program::compile(&formatted, &CompileOptions::strict());
        prop_assert!(strict.is_ok(), "fmt output fails strict:\n{}\n{:?}", formatted, strict.err());
        let a = original.evaluate(&ctx);
        let b = strict.unwrap().evaluate(&ctx);
        prop_assert!(same_outcome(&a, &b), "{} → {:?}\n{} → {:?}", src, a, formatted, b);
    }

    #[test]
    fn explain_gives_the_same_result_as_evaluate(src in formula_source(), ctx in context()) {
        let p = compile(&src).unwrap();
        let (explained, _trace) = p.explain(&ctx);
        prop_assert!(same_outcome(&p.evaluate(&ctx), &explained));
    }

    #[test]
    fn e_and_ou_short_circuit(left in any::<bool>(), use_ou in any::<bool>()) {
        let l = if left { "1 = 1" } else { "1 = 2" };
        let op = if use_ou { "OU" } else { "E" };
        let p = compile(&format!("{l} {op} LIQUIDOFF(ANO, 12, PERIODO) > 0")).unwrap();
        let ctx = Counting { lookups: Cell::new(0) };
        p.evaluate(&ctx).unwrap();
        let decided_by_left = if use_ou { left } else { !left };
        prop_assert_eq!(ctx.lookups.get(), if decided_by_left { 0 } else { 1 });
    }
}

#[test]
fn references_list_what_a_formula_reads() {
    let p = compile(&std::fs::read_to_string(root().join(MARGEM)).unwrap()).unwrap();
    let r = p.references();
    assert_eq!(r.variables, ["RC"]);
    assert!(r.history && r.periodo && r.events.is_empty());
    let p = compile("SE C('0439') > 0 ENTAO MIN(C('0439'), L * 0.3) FIMSE").unwrap();
    assert_eq!(p.references().events, ["0439"]);
    assert_eq!(p.references().variables, ["L"]);
}

#[test]
fn periodo_from_configuration_is_a_constant() {
    let options = CompileOptions {
        periodo: Some(2),
        ..CompileOptions::default()
    };
    let p = Program::compile("LIQUIDOFF(ANO, 5, PERIODO)", &options).unwrap();
    let mut ctx = MapContext::new(2025, 6);
    ctx.set_history(2025, 5, 2, d("99.50"));
    assert_eq!(p.evaluate_money(&ctx).unwrap(), d("99.50"));
    assert!(p.require_periodo(false).is_none());
}

#[test]
fn diagnostics_render_file_line_column_and_caret() {
    let src = "RC *\n  RCC";
    let err = compile(src).unwrap_err();
    let text = err.render("f.rm", src);
    assert!(
        text.starts_with("f.rm:2:3: erro[E010]: nome desconhecido: `RCC`"),
        "{text}"
    );
    assert!(text.contains("^"), "{text}");
    assert!(text.contains("você quis dizer `RC`?"), "{text}");
    let _ = Path::new("unused");
}

/// Regressions found by fuzzing (`fuzz/regressions/`): `fmt` must pick quotes the text does
/// not contain, and a formula whose condition `fmt` makes explicit must not outgrow the depth
/// limit.
#[test]
fn fuzz_regressions_hold() {
    let dir = root().join("fuzz/regressions");
    let mut ctx = MapContext::new(2025, 6);
    ctx.periodo = Some(1);
    ctx.set_variable("L", d("1200.00"));
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let src = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let Ok(original) = compile(&src) else {
            continue;
        };
        let formatted = formula::format(&src).unwrap();
        assert_eq!(formula::format(&formatted).unwrap(), formatted);
        let strict = Program::compile(&formatted, &CompileOptions::strict()).unwrap();
        assert!(
            same_outcome(&original.evaluate(&ctx), &strict.evaluate(&ctx)),
            "{src}"
        );
        checked += 1;
    }
    assert!(checked >= 2);
    let deep = format!("SE {}1 ENTAO L FIMSE", "1+".repeat(199));
    assert_eq!(codes(&deep), ["E004"]);
}

/// A formula with thousands of diagnostics, or one very long line, prints a bounded amount:
/// at most 50 diagnostics, then "… e mais N", and excerpts of the long line around the caret.
#[test]
fn diagnostics_output_is_bounded() {
    let dir = std::env::temp_dir().join(format!("consignado-diag-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let many = dir.join("muitos.rm");
    let names: Vec<String> = (0..20_000).map(|i| format!("N{i}")).collect();
    std::fs::write(&many, format!("MAX({})\n", names.join(", "))).unwrap();
    let (code, out, err) = consignado(&["check", many.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("20000 erro(s)"), "{out}");
    assert!(err.len() < 40_000, "{} bytes", err.len());
    assert!(
        err.contains("… e mais 19950 (19950 erro(s), 0 aviso(s)) não mostrados"),
        "{err}"
    );
    assert_eq!(err.matches(": erro[E010]").count(), 50);

    let long = dir.join("longa.rm");
    std::fs::write(&long, format!("MAX({}XYZ)\n", "L, ".repeat(20_000))).unwrap();
    let (code, _, err) = consignado(&["check", long.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.len() < 4_000, "{} bytes: {err}", err.len());
    assert!(err.contains('…'), "{err}");
    assert!(
        err.contains("XYZ"),
        "the excerpt holds the caret's place: {err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// No number changes without an error: a literal or a context number with more significant
/// digits than `Decimal` holds is refused, not rounded.
#[test]
fn numbers_with_too_many_digits_are_errors_not_rounded() {
    assert_eq!(codes("1.00000000000000000000000000001"), ["E021"]);
    assert_eq!(codes("L + 0.00000000000000000000000000001"), ["E021"]);
    assert!(
        compile("1.00000000000000000000000000000 + 1").is_ok(),
        "trailing zeros change nothing"
    );
    let dir = std::env::temp_dir().join(format!("consignado-e021-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let formula = dir.join("f.rm");
    std::fs::write(&formula, "L\n").unwrap();
    let ctx = dir.join("c.json");
    std::fs::write(
        &ctx,
        r#"{"competencia": "2025-06", "variaveis": {"L": "1.00000000000000000000000000001"}}"#,
    )
    .unwrap();
    let (code, _, err) = consignado(&[
        "eval",
        formula.to_str().unwrap(),
        "--context",
        ctx.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("dígitos demais"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The codes say what is wrong: a non-integer month is E035 (not E032), a huge integer is
/// out of range (not "not an integer").
#[test]
fn integer_diagnostics_name_the_right_problem() {
    assert_eq!(codes("LIQUIDOFF(2025, 1.5, 1)"), ["E035"]);
    assert_eq!(codes("LIQUIDOFF(2025, 13, 1)"), ["E032"]);
    assert_eq!(
        codes("LIQUIDOFF(2025, 99999999999999999999999, 1)"),
        ["E032"]
    );
    let program = compile("ARREDONDA(L, 99999999999999999999)").unwrap();
    let mut ctx = MapContext::new(2025, 6);
    ctx.set_variable("L", d("1.5"));
    let err = program.evaluate(&ctx).unwrap_err();
    assert_eq!(err.code(), "E035");
    assert!(err.message().contains("grande demais"), "{}", err.message());
    let err = compile("ARREDONDA(L, 1.5)")
        .unwrap()
        .evaluate(&ctx)
        .unwrap_err();
    assert!(
        err.message().contains("deve ser um número inteiro"),
        "{}",
        err.message()
    );
}

/// A formula or context file that is not UTF-8 is the input's fault (exit 1) with its line and
/// column, as in the batch; a BOM is accepted.
#[test]
fn a_file_not_in_utf8_is_an_input_error_with_its_place() {
    let dir = std::env::temp_dir().join(format!("consignado-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let formula = dir.join("f.rm");
    std::fs::write(&formula, b"L +\n1 + \xe7\xe3o\n").unwrap();
    let (code, _, err) = consignado(&["check", formula.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("f.rm:2:5: o arquivo não está em UTF-8 (byte 0xE7"),
        "{err}"
    );
    std::fs::write(&formula, "\u{feff}L * 0.3\n").unwrap();
    let (code, _, err) = consignado(&["check", formula.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An explanation of a long formula is bounded: at most 10 000 steps recorded, the rest
/// counted, and the result is still the formula's.
#[test]
fn explanations_are_bounded() {
    let dir = std::env::temp_dir().join(format!("consignado-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let formula = dir.join("longa.rm");
    let body: String = "SETVAR(A, A + 1);\n".repeat(15_000);
    std::fs::write(&formula, format!("DECL A;\nSETVAR(A, 0);\n{body}A\n")).unwrap();
    let (code, out, err) = consignado(&[
        "eval",
        formula.to_str().unwrap(),
        "--context",
        MARGEM_CTX,
        "--explain",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("resultado: 15000\n"),
        "{}",
        &out[out.len().saturating_sub(200)..]
    );
    assert!(
        out.contains("… e mais 20002 passos não mostrados (o limite é 10000)"),
        "{}",
        &out[out.len().saturating_sub(300)..]
    );
    assert!(out.len() < 400_000, "{} bytes", out.len());
    let (code, json, _) = consignado(&[
        "eval",
        formula.to_str().unwrap(),
        "--context",
        MARGEM_CTX,
        "--explain=json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["omitted_steps"], 20002);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Negating an absent event, or `0 * -1`, never prints a negative zero.
#[test]
fn zero_is_never_negative() {
    let mut ctx = MapContext::new(2025, 6);
    ctx.set_variable("L", d("0"));
    for src in ["-C('9999')", "0 * -1", "0 + -0", "-(L * 2)"] {
        let v = compile(src).unwrap().evaluate(&ctx).unwrap();
        assert_eq!(v.to_string(), "0", "{src}");
    }
}

/// `-` is the standard input for check, eval and fmt.
#[test]
fn a_dash_reads_the_standard_input() {
    let run = common::run_with_stdin;
    let (code, out, _) = run(&["check", "-"], "L * 0.3\n");
    assert_eq!((code, out.as_str()), (0, "-: ok (0 aviso(s))\n"));
    let (code, _, err) = run(&["check", "-"], "SE L >\n");
    assert_eq!(code, 1);
    assert!(err.starts_with("-:"), "{err}");
    let (code, out, _) = run(&["eval", "-", "--context", MARGEM_CTX], "RC * 0.3\n");
    assert_eq!((code, out.as_str()), (0, "600.00\n"));
    let (code, out, _) = run(&["fmt", "--write", "-"], "se l>0 entao 1 senao 2 fimse\n");
    assert_eq!(code, 0);
    assert!(out.contains("SE L > 0"), "{out}");
    assert!(!root().join("-").exists());
}
