//! Outputs under faults, through the real binary: a run killed (`SIGKILL`) at any moment, or
//! two runs into the same folder at once, leave the output folder as one whole run — the
//! previous one or the new one — and the next run deletes what a killed run left; `gerar`
//! refuses a folder that is not empty and replaces one whole when asked.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_consignado");

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "falhas-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The hidden folders of runs beside `out`.
fn hidden_siblings(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.consignado-")))
        .collect()
}

fn company(employees: &str) -> PathBuf {
    let dir = scratch("empresa").join("empresa");
    let run = Command::new(BIN)
        .args([
            "gerar",
            "--funcionarios",
            employees,
            "--semente",
            "3",
            "--saida",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    dir
}

fn batch(company: &Path, out: &Path, format: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("batch")
        .arg(company)
        .args([
            "--competencia",
            "2025-07",
            "--sem-progresso",
            "--formato",
            format,
            "--saida",
        ])
        .arg(out);
    cmd
}

fn run_ok(mut cmd: Command) {
    let run = cmd.output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_killed_run_leaves_the_previous_or_the_new_result_whole() {
    let company = company("6000");
    // The two whole results: every format (A) and CSV only (B).
    let a_dir = scratch("a").join("saida");
    run_ok(batch(&company, &a_dir, "ambos"));
    let a = common::tree(&a_dir);
    let b_dir = scratch("b").join("saida");
    let started = Instant::now();
    run_ok(batch(&company, &b_dir, "csv"));
    let took = started.elapsed();
    let b = common::tree(&b_dir);
    assert_ne!(a, b);

    let out = scratch("morta").join("saida");
    run_ok(batch(&company, &out, "ambos"));
    let mut previous = common::tree(&out);
    assert!(previous == a);
    let mut left_behind = 0;
    for (n, fraction) in [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97, 1.05, 1.3]
        .iter()
        .enumerate()
    {
        // Alternate the run killed, so that the folder switches between A and B.
        let (format, new) = if n % 2 == 0 {
            ("csv", &b)
        } else {
            ("ambos", &a)
        };
        let mut child = batch(&company, &out, format).spawn().unwrap();
        std::thread::sleep(took.mul_f64(*fraction));
        let _ = child.kill();
        let _ = child.wait();
        let now = common::tree(&out);
        assert!(
            now == previous || now == *new,
            "depois de matar em {fraction}: a pasta não é uma execução inteira"
        );
        previous = now;
        left_behind += hidden_siblings(&out).len();
    }
    // At least one kill landed mid-way (a hidden folder was left): the checks above saw it.
    assert!(left_behind > 0, "nenhuma execução foi interrompida no meio");
    // A run that ends deletes what the killed ones left.
    run_ok(batch(&company, &out, "ambos"));
    assert!(common::tree(&out) == a);
    assert_eq!(hidden_siblings(&out), Vec::<String>::new());
}

#[test]
fn two_runs_at_once_leave_one_whole_result() {
    let company = company("3000");
    let a_dir = scratch("a2").join("saida");
    run_ok(batch(&company, &a_dir, "ambos"));
    let b_dir = scratch("b2").join("saida");
    run_ok(batch(&company, &b_dir, "csv"));
    let (a, b) = (common::tree(&a_dir), common::tree(&b_dir));
    let out = scratch("juntas").join("saida");
    for _ in 0..3 {
        let mut first = batch(&company, &out, "ambos").spawn().unwrap();
        let mut second = batch(&company, &out, "csv").spawn().unwrap();
        assert!(first.wait().unwrap().success());
        assert!(second.wait().unwrap().success());
        let now = common::tree(&out);
        assert!(now == a || now == b, "duas execuções misturadas na pasta");
        assert_eq!(hidden_siblings(&out), Vec::<String>::new());
    }
}

#[test]
fn gerar_refuses_a_folder_that_is_not_empty_and_replaces_it_whole_when_asked() {
    let dir = scratch("gerar").join("empresa");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("funcionarios.csv"), "de uma empresa de verdade\n").unwrap();
    let run = Command::new(BIN)
        .args(["gerar", "--funcionarios", "10", "--saida"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("não está vazia") && stderr.contains("--substituir"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("funcionarios.csv")).unwrap(),
        "de uma empresa de verdade\n"
    );
    std::fs::write(dir.join("anotacao.txt"), "x").unwrap();
    let run = Command::new(BIN)
        .args(["gerar", "--funcionarios", "10", "--substituir", "--saida"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!dir.join("anotacao.txt").exists(), "replaced whole");
    assert!(std::fs::read_to_string(dir.join("funcionarios.csv"))
        .unwrap()
        .starts_with("matricula;cpf;"));
    assert_eq!(hidden_siblings(&dir), Vec::<String>::new());
    // An empty folder, or none, is simply written.
    let empty = scratch("gerar-vazia").join("nova");
    std::fs::create_dir_all(&empty).unwrap();
    run_ok({
        let mut c = Command::new(BIN);
        c.args(["gerar", "--funcionarios", "10", "--saida"])
            .arg(&empty);
        c
    });
    assert!(empty.join("configuracao.toml").exists());
}

/// Runs `cmd`, failing the test if it takes more than 20 s (a blocked read).
fn run_bounded(mut cmd: Command) -> std::process::Output {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 20 {
            let _ = child.kill();
            panic!("o comando ficou bloqueado lendo a entrada");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Makes the special file at a path.
type Maker = dyn Fn(&Path);

#[test]
fn inputs_that_are_not_regular_files_are_refused_not_waited_for() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/empresa_exemplo");
    let cases: [(&str, &Maker); 3] = [
        ("FIFO", &|p: &Path| {
            let made = Command::new("mkfifo").arg(p).status().unwrap();
            assert!(made.success());
        }),
        ("dispositivo", &|p: &Path| {
            std::os::unix::fs::symlink("/dev/zero", p).unwrap();
        }),
        ("link quebrado", &|p: &Path| {
            std::os::unix::fs::symlink("/nao/existe/ferias.csv", p).unwrap();
        }),
    ];
    for (what, make) in cases {
        let company = scratch("entrada").join("empresa");
        std::fs::create_dir_all(&company).unwrap();
        for entry in std::fs::read_dir(&sample).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() && entry.file_name() != "ferias.csv" {
                std::fs::copy(entry.path(), company.join(entry.file_name())).unwrap();
            }
        }
        make(&company.join("ferias.csv"));
        let out = scratch("entrada-saida").join("saida");
        let mut cmd = Command::new(BIN);
        cmd.arg("batch")
            .arg(&company)
            .args(["--competencia", "2026-01", "--sem-progresso", "--saida"])
            .arg(&out);
        let run = run_bounded(cmd);
        assert_eq!(run.status.code(), Some(2), "{what}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("ferias.csv"), "{what}: {stderr}");
        let expected = if what == "link quebrado" {
            "link simbólico quebrado"
        } else {
            "não é um arquivo comum"
        };
        assert!(stderr.contains(expected), "{what}: {stderr}");
        // The government's file, as a FIFO, too.
        if what == "FIFO" {
            let mut cmd = Command::new(BIN);
            // A company that can import (it has its CNPJ); nothing is written when the file
            // is refused.
            cmd.args(["importar", "credito-trabalhador"])
                .arg(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("fixtures/credito_trabalhador/empresa"),
                )
                .arg(company.join("ferias.csv"));
            let run = run_bounded(cmd);
            assert!(!run.status.success());
            assert!(String::from_utf8_lossy(&run.stderr).contains("não é um arquivo comum"));
        }
    }
}

#[test]
fn a_write_that_fails_midway_names_the_output_folder_and_changes_nothing() {
    let company = company("3000");
    let out = scratch("cheio").join("saida");
    run_ok(batch(&company, &out, "ambos"));
    let before = common::tree(&out);
    // Writes past 200 KiB fail (EFBIG, as a full disk would make them fail), the signal
    // ignored so that the program sees the error.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 400; exec '{BIN}' batch '{}' --competencia 2025-07 --sem-progresso --saida '{}'",
            company.display(),
            out.display()
        ));
    let run = run_bounded(cmd);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("arquivo maior que o limite do sistema"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&*out.canonicalize().unwrap().to_string_lossy())
            && !stderr.contains(".consignado-"),
        "{stderr}"
    );
    assert!(common::tree(&out) == before, "a pasta de saída mudou");
    assert_eq!(hidden_siblings(&out), Vec::<String>::new());
}

#[test]
fn a_huge_rejected_field_is_quoted_as_an_excerpt() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/empresa_exemplo");
    let company = scratch("campo").join("empresa");
    std::fs::create_dir_all(&company).unwrap();
    for entry in std::fs::read_dir(&sample).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), company.join(entry.file_name())).unwrap();
        }
    }
    let huge = "9".repeat(10 << 20);
    let mut ferias = std::fs::read_to_string(company.join("ferias.csv")).unwrap();
    ferias.push_str(&format!("000101;{huge};10/01/2026;0\n"));
    std::fs::write(company.join("ferias.csv"), ferias).unwrap();
    let out = scratch("campo-saida").join("saida");
    let mut cmd = Command::new(BIN);
    cmd.arg("batch")
        .arg(&company)
        .args(["--competencia", "2026-01", "--sem-progresso", "--saida"])
        .arg(&out);
    run_ok(cmd);
    let rejects = std::fs::read_to_string(out.join("rejeitados.csv")).unwrap();
    let jsonl = std::fs::read_to_string(out.join("rejeitados.jsonl")).unwrap();
    assert!(
        rejects.len() < 20_000 && jsonl.len() < 20_000,
        "{}",
        rejects.len()
    );
    assert!(rejects.contains("(10485760 caracteres)"), "{rejects}");
}
