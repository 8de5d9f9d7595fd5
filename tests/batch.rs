//! The monthly batch, run through the real binary.
//!
//! - The sample company (`fixtures/empresa_exemplo`) against its expected outputs
//!   (`fixtures/empresa_exemplo/esperado/`), byte for byte. Regenerate them with
//!   `CONSIGNADO_ATUALIZAR=1 cargo test --test batch`, then review the diff.
//! - Nothing lost: rows read = rows used + rows rejected, a damaged row is rejected with its
//!   reason and nothing else changes, a broken file stops the run and writes nothing.
//! - Determinism: the same input gives the same bytes, whatever the number of threads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_consignado");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/empresa_exemplo");
const COMPETENCIA: &str = "2026-01";

/// Every file the batch writes with both formats.
const OUTPUTS: &[&str] = &[
    "resultado_funcionarios.csv",
    "margens.csv",
    "descontos.csv",
    "contratos.csv",
    "provisoes.csv",
    "eventos.csv",
    "provisoes_abertas.csv",
    "ocorrencias.csv",
    "resultados.jsonl",
    "rejeitados.csv",
    "rejeitados.jsonl",
    "mensagens.txt",
    "resumo.txt",
];

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "lote-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn batch(company: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(BIN)
        .arg("batch")
        .arg(company)
        .args(["--competencia", COMPETENCIA, "--saida"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn copy_sample(to: &Path) {
    for entry in std::fs::read_dir(SAMPLE).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (read, used, rejected) per file, from the summary's table.
fn accounting(summary: &str) -> Vec<(String, u64, u64, u64)> {
    summary
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [name, a, b, c] if name.ends_with(".csv") || *name == "total" => Some((
                    name.to_string(),
                    a.parse().ok()?,
                    b.parse().ok()?,
                    c.parse().ok()?,
                )),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn sample_company_matches_its_expected_outputs() {
    let out = scratch("exemplo");
    let run = batch(Path::new(SAMPLE), &out, &[]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert_eq!(
        stdout,
        read(&out.join("resumo.txt")),
        "stdout is the summary"
    );
    let expected = Path::new(SAMPLE).join("esperado");
    if std::env::var_os("CONSIGNADO_ATUALIZAR").is_some() {
        std::fs::create_dir_all(&expected).unwrap();
        for name in OUTPUTS {
            std::fs::copy(out.join(name), expected.join(name)).unwrap();
        }
        return;
    }
    let mut differ = Vec::new();
    for name in OUTPUTS {
        let got = read(&out.join(name));
        let want = read(&expected.join(name));
        if got != want {
            differ.push(format!("--- esperado/{name}\n{want}\n+++ obtido\n{got}"));
        }
    }
    assert!(
        differ.is_empty(),
        "saída diferente do esperado (CONSIGNADO_ATUALIZAR=1 para regravar):\n{}",
        differ.join("\n")
    );
    // Nothing partial or temporary is left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = OUTPUTS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn every_row_is_used_or_rejected() {
    let out = scratch("conta");
    let run = batch(Path::new(SAMPLE), &out, &[]);
    assert_eq!(run.status.code(), Some(0));
    let summary = String::from_utf8(run.stdout).unwrap();
    let rows = accounting(&summary);
    assert_eq!(rows.len(), 9, "{summary}");
    for (name, read_, used, rejected) in &rows {
        assert_eq!(*read_, used + rejected, "{name}");
    }
    // Rows read are the data lines of each input file (header and blank lines excluded).
    for (name, read_, _, _) in rows.iter().filter(|r| r.0 != "total") {
        let text = read(&Path::new(SAMPLE).join(name));
        let lines = text
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count() as u64;
        assert_eq!(*read_, lines, "{name}");
    }
    // One line of rejeitados.csv per rejected row; one result line per used employee row.
    let total = rows.iter().find(|r| r.0 == "total").unwrap();
    assert_eq!(
        read(&out.join("rejeitados.csv")).lines().count() as u64 - 1,
        total.3
    );
    assert_eq!(
        read(&out.join("rejeitados.jsonl")).lines().count() as u64,
        total.3
    );
    let employees = rows.iter().find(|r| r.0 == "funcionarios.csv").unwrap();
    assert_eq!(
        read(&out.join("resultado_funcionarios.csv"))
            .lines()
            .count() as u64
            - 1,
        employees.2
    );
    assert_eq!(
        read(&out.join("resultados.jsonl")).lines().count() as u64,
        employees.2
    );
}

#[test]
fn a_damaged_row_is_rejected_with_its_reason_and_nothing_else_changes() {
    let company = scratch("avariada");
    copy_sample(&company);
    let parcelas = company.join("parcelas.csv");
    let text = read(&parcelas);
    // Bruno's coop_c installment (line 5) becomes unreadable money.
    assert!(text.contains("000102;coop_c;2003;01/09/2023;2026-01;400.00;"));
    std::fs::write(
        &parcelas,
        text.replace(
            "000102;coop_c;2003;01/09/2023;2026-01;400.00;",
            "000102;coop_c;2003;01/09/2023;2026-01;4O0,00;",
        ),
    )
    .unwrap();

    let (base, damaged) = (scratch("base"), scratch("avariada-saida"));
    assert_eq!(batch(Path::new(SAMPLE), &base, &[]).status.code(), Some(0));
    let run = batch(&company, &damaged, &[]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let rejects = read(&damaged.join("rejeitados.csv"));
    assert!(
        rejects
            .contains("parcelas.csv;5;valor;000102;L001;valor: valor monetário inválido: '4O0,00'"),
        "{rejects}"
    );
    assert_eq!(
        rejects.lines().count(),
        read(&base.join("rejeitados.csv")).lines().count() + 1
    );
    let messages = read(&damaged.join("mensagens.txt"));
    assert!(messages.contains(
        "Uma parcela de valor 4O0,00 na competência 01/2026, para a matrícula de funcionário 000102, não foi inserida."
    ));
    // Every employee is still there; only Bruno's line changed (his coop_c installment is gone).
    let (a, b) = (
        read(&base.join("resultado_funcionarios.csv")),
        read(&damaged.join("resultado_funcionarios.csv")),
    );
    assert_eq!(a.lines().count(), b.lines().count());
    let changed: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.starts_with("2026-01;000102;"), "{changed:?}");
    assert!(changed[0].1.contains(";500.00;500.00;0.00;"), "{changed:?}");
    let rows = accounting(&String::from_utf8(run.stdout).unwrap());
    for (name, read_, used, rejected) in &rows {
        assert_eq!(*read_, used + rejected, "{name}");
    }
}

#[test]
fn a_broken_file_stops_the_run_and_writes_nothing() {
    let company = scratch("quebrada");
    copy_sample(&company);
    let text = read(&company.join("parcelas.csv"));
    std::fs::write(
        company.join("parcelas.csv"),
        text.replacen("valor", "valr", 1),
    )
    .unwrap();

    // A fresh output folder is not even created…
    let out = scratch("quebrada-saida").join("nova");
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("parcelas.csv:1: coluna desconhecida 'valr'"),
        "{stderr}"
    );
    assert!(run.stdout.is_empty());
    assert!(!out.exists());

    // …and an existing one keeps exactly what it had.
    let out = scratch("quebrada-existente");
    std::fs::write(out.join("margens.csv"), "de antes\n").unwrap();
    std::fs::write(
        company.join("ferias.csv"),
        b"matricula;inicio;fim\n000105;20/01/2026;\xff\n",
    )
    .unwrap();
    std::fs::write(company.join("parcelas.csv"), &text).unwrap();
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("ferias.csv:2: o arquivo não está em UTF-8"),
        "{stderr}"
    );
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("margens.csv")]);
    assert_eq!(read(&out.join("margens.csv")), "de antes\n");
}

#[test]
fn a_folder_never_mixes_two_runs() {
    let out = scratch("duas-execucoes");
    std::fs::write(out.join("anotacoes.txt"), "do analista\n").unwrap();
    let run = batch(Path::new(SAMPLE), &out, &["--formato", "ambos"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(out.join("resultados.jsonl").exists());
    assert!(out.join("rejeitados.jsonl").exists());

    // A CSV-only run removes the JSON Lines of the one before, and nothing else.
    let run = batch(Path::new(SAMPLE), &out, &["--formato", "csv"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(!out.join("resultados.jsonl").exists());
    assert!(!out.join("rejeitados.jsonl").exists());
    assert!(out.join("margens.csv").exists());
    assert_eq!(read(&out.join("anotacoes.txt")), "do analista\n");

    // And the other way round.
    let run = batch(Path::new(SAMPLE), &out, &["--formato", "jsonl"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(!out.join("margens.csv").exists());
    assert!(out.join("resultados.jsonl").exists());
    assert!(out.join("resumo.txt").exists());
}

#[test]
fn an_invalid_configuration_is_reported_with_its_file() {
    let company = scratch("config");
    copy_sample(&company);
    let text = read(&company.join("configuracao.toml"));
    std::fs::write(
        company.join("configuracao.toml"),
        text.replace("fator = \"3\"", "fator = \"0.5\""),
    )
    .unwrap();
    let out = scratch("config-saida");
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("configuracao.toml: erro["), "{stderr}");
    assert!(stderr.contains("rateio.fator"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let out = scratch("uso");
    let run = batch(&out.join("nao-existe"), &out.join("s"), &[]);
    assert_eq!(run.status.code(), Some(2));
    let run = Command::new(BIN)
        .args(["batch", SAMPLE, "--competencia", "2026-13"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn same_input_same_bytes_whatever_the_threads() {
    let company = scratch("gerada");
    let run = Command::new(BIN)
        .args([
            "gerar",
            "--funcionarios",
            "3000",
            "--semente",
            "11",
            "--defeituosas",
            "--saida",
        ])
        .arg(&company)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The generator is deterministic too.
    let again = scratch("gerada-de-novo");
    Command::new(BIN)
        .args([
            "gerar",
            "--funcionarios",
            "3000",
            "--semente",
            "11",
            "--defeituosas",
            "--saida",
        ])
        .arg(&again)
        .output()
        .unwrap();
    for f in [
        "funcionarios.csv",
        "parcelas.csv",
        "ficha_financeira.csv",
        "configuracao.toml",
    ] {
        assert!(read(&company.join(f)) == read(&again.join(f)), "{f}");
    }

    let run_with = |threads: &str| {
        let out = scratch(&format!("threads-{threads}"));
        let run = Command::new(BIN)
            .env("RAYON_NUM_THREADS", threads)
            .args(["batch", "--competencia", "2025-07", "--saida"])
            .arg(&out)
            .arg(&company)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        (out, String::from_utf8(run.stdout).unwrap())
    };
    let (one, s1) = run_with("1");
    let (four, s4) = run_with("4");
    assert_eq!(s1, s4);
    for name in OUTPUTS {
        assert!(
            read(&one.join(name)) == read(&four.join(name)),
            "{name} differs between 1 and 4 threads"
        );
    }
    for (name, read_, used, rejected) in accounting(&s1) {
        assert_eq!(read_, used + rejected, "{name}");
    }
    assert!(
        read(&one.join("rejeitados.csv")).lines().count() > 1,
        "the damaged rows are rejected"
    );
}
