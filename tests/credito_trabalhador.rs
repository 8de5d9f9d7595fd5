//! The Crédito do Trabalhador month, through the real binary (`fixtures/credito_trabalhador`).
//!
//! - Every accepted shape of the government's file (JSON flattened and nested, the API
//!   envelope, CSV, XLSX) imports to the same installments; the first import and the re-issued
//!   file give the checked-in installments, reports and summaries
//!   (`fixtures/credito_trabalhador/esperado_importacao/`).
//! - Re-imports: the same file again changes nothing; the re-issued file replaces the previous
//!   import and says what changed; nothing is counted twice.
//! - A bad file stops with `FILE:LINE` and changes nothing in the company folder.
//! - The batch on the company as imported gives the checked-in outputs
//!   (`fixtures/credito_trabalhador/esperado/`): every contract with its discount, shortfall
//!   and reason, the remuneração disponível from the rubrics part by part.
//!
//! Regenerate the expected files with `CONSIGNADO_ATUALIZAR=1 cargo test --test
//! credito_trabalhador`, then review the diff.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_consignado");
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/credito_trabalhador");
const COMPETENCIA: &str = "2026-02";
const STORE: &str = "parcelas_credito_trabalhador.csv";
const REPORT: &str = "importacoes/credito_trabalhador_2026-02.csv";

fn updating() -> bool {
    std::env::var_os("CONSIGNADO_ATUALIZAR").is_some()
}

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ct-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn governo(name: &str) -> PathBuf {
    Path::new(ROOT).join("governo").join(name)
}

/// A copy of the sample company before any import (its inputs, without the installments
/// file and the reports).
fn fresh_company(name: &str) -> PathBuf {
    let dir = scratch(name);
    for entry in std::fs::read_dir(Path::new(ROOT).join("empresa")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() && entry.file_name() != STORE {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn import(company: &Path, files: &[PathBuf], extra: &[&str]) -> Output {
    Command::new(BIN)
        .args(["importar", "credito-trabalhador"])
        .arg(company)
        .args(files)
        .args(extra)
        .output()
        .unwrap()
}

fn import_ok(company: &Path, files: &[PathBuf]) -> String {
    let run = import(company, files, &[]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file of a folder (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.insert(
                    entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    out
}

/// Compares `got` with the checked-in `esperado_importacao/<name>` (or rewrites it).
fn expect_file(name: &str, got: &str) {
    let path = Path::new(ROOT).join("esperado_importacao").join(name);
    if updating() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = read(&path);
    assert_eq!(
        got, want,
        "{name} diferente do esperado (CONSIGNADO_ATUALIZAR=1 para regravar)"
    );
}

/// The report without its file and line columns, to compare imports of the same records from
/// files of other names and shapes.
fn report_without_file_names(text: &str) -> String {
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            format!("{};{}", f[1], f[3..].join(";"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn first_import_gives_the_expected_installments_report_and_summary() {
    let company = fresh_company("primeira");
    let summary = import_ok(&company, &[governo("2026-02_portal.json")]);
    let summary = summary.replace(&company.display().to_string(), "EMPRESA");
    let summary = summary.replace(&governo("").display().to_string(), "governo/");
    expect_file("portal_resumo.txt", &summary);
    expect_file(
        "portal_parcelas_credito_trabalhador.csv",
        &read(&company.join(STORE)),
    );
    expect_file("portal_relatorio.csv", &read(&company.join(REPORT)));
    // 21 records: 12 imported, 9 refused, one of each reason (two invalid contracts).
    assert!(
        summary.contains("Registros lidos: 21; importados: 12; recusados: 9"),
        "{summary}"
    );
    for reason in [
        "outro_empregador: 1",
        "outra_competencia: 1",
        "competencia_futura: 1",
        "funcionario_nao_encontrado: 1",
        "cpf_nao_confere: 1",
        "admissao_nao_confere: 1",
        "contrato_repetido: 1",
        "registro_invalido: 2",
    ] {
        assert!(summary.contains(reason), "{reason}\n{summary}");
    }
    // Identity is text: leading zeros kept, the CPF that came as a number padded, the
    // institution code padded to 3, "700" read as 700,00 and never 7,00.
    let store = read(&company.join(STORE));
    assert!(store.contains(";104;001001333;"), "{store}");
    assert!(store.contains("000210;033;123/45-6;"), "{store}");
    assert!(store.contains(";07680457115;"), "{store}");
    assert!(
        store.contains("000201;001;001100284;12/08/2025;2026-02;284.41;"),
        "{store}"
    );
    assert!(
        store.contains("000203;104;8800123;10/05/2025;2026-02;700.00;"),
        "{store}"
    );
    // A bad contract number is reported as it came, never cleaned.
    let report = read(&company.join(REPORT));
    assert!(
        report.contains(";recusado;registro_invalido;contrato = 'A'"),
        "{report}"
    );
    assert!(report.contains("contrato = '1234567890123456'"), "{report}");
    assert_eq!(report.lines().count(), 1 + 21, "one line per record");
}

#[test]
fn every_shape_of_the_file_imports_the_same_installments() {
    let reference = fresh_company("forma-json");
    import_ok(&reference, &[governo("2026-02_portal.json")]);
    let want_store = read(&reference.join(STORE));
    let want_report = report_without_file_names(&read(&reference.join(REPORT)));
    for shape in [
        "2026-02_aninhado.json",
        "2026-02_api.json",
        "2026-02_portal.csv",
        "2026-02_portal.xlsx",
    ] {
        let company = fresh_company("forma");
        import_ok(&company, &[governo(shape)]);
        assert_eq!(read(&company.join(STORE)), want_store, "{shape}");
        assert_eq!(
            report_without_file_names(&read(&company.join(REPORT))),
            want_report,
            "{shape}"
        );
    }
}

#[test]
fn the_same_file_again_changes_nothing() {
    let company = fresh_company("mesmo");
    import_ok(&company, &[governo("2026-02_portal.json")]);
    let before = std::fs::read(company.join(STORE)).unwrap();
    let modified = std::fs::metadata(company.join(STORE))
        .unwrap()
        .modified()
        .unwrap();
    let again = import_ok(&company, &[governo("2026-02_portal.json")]);
    assert!(again.contains("Nada mudou nas parcelas"), "{again}");
    assert!(again.contains("0 novos, 0 com parcela alterada, 0 com outros dados alterados, 12 inalterados, 0 removidos"), "{again}");
    assert_eq!(std::fs::read(company.join(STORE)).unwrap(), before);
    assert_eq!(
        std::fs::metadata(company.join(STORE))
            .unwrap()
            .modified()
            .unwrap(),
        modified,
        "the installments file is not rewritten"
    );
    // Two shapes of the same records in one import: the second copy of each contract is
    // refused as repeated, never added to the first.
    let both = import_ok(
        &company,
        &[
            governo("2026-02_portal.json"),
            governo("2026-02_portal.csv"),
        ],
    );
    assert!(
        both.contains("Registros lidos: 42; importados: 12; recusados: 30"),
        "{both}"
    );
    assert_eq!(std::fs::read(company.join(STORE)).unwrap(), before);
}

#[test]
fn a_reissued_file_replaces_the_import_and_says_what_changed() {
    let company = fresh_company("reemitido");
    import_ok(&company, &[governo("2026-02_portal.json")]);
    let summary = import_ok(&company, &[governo("2026-02_reemitido.json")]);
    let summary = summary.replace(&company.display().to_string(), "EMPRESA");
    let summary = summary.replace(&governo("").display().to_string(), "governo/");
    assert!(
        summary.contains("1 novos, 1 com parcela alterada, 0 com outros dados alterados, 10 inalterados, 1 removidos"),
        "{summary}"
    );
    let report = read(&company.join(REPORT));
    assert!(
        report.contains(";001100284;290.00;parcela_alterada;284.41"),
        "{report}"
    );
    assert!(
        report.contains(";removido;;contrato da importação anterior"),
        "{report}"
    );
    assert!(report.contains(";237990001;150.00;novo;"), "{report}");
    let store = read(&company.join(STORE));
    assert!(!store.contains("123/45-6"), "{store}");
    // One line per contract: nothing counted twice.
    let keys: Vec<(&str, &str, &str)> = store
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0], f[1], f[2])
        })
        .collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len());
    assert_eq!(keys.len(), 12);
    expect_file("reemitido_resumo.txt", &summary);
    expect_file("reemitido_relatorio.csv", &report);
    // The checked-in company is the company after both imports.
    let checked_in = Path::new(ROOT).join("empresa");
    if updating() {
        std::fs::copy(company.join(STORE), checked_in.join(STORE)).unwrap();
        std::fs::create_dir_all(checked_in.join("importacoes")).unwrap();
        std::fs::copy(company.join(REPORT), checked_in.join(REPORT)).unwrap();
    } else {
        assert_eq!(store, read(&checked_in.join(STORE)));
    }
}

#[test]
fn another_competencia_is_kept_when_one_is_reimported() {
    let company = fresh_company("outra");
    import_ok(&company, &[governo("2026-02_portal.json")]);
    // The January records of the same file, imported as January: February stays.
    let run = import(
        &company,
        &[governo("2026-02_portal.json")],
        &["--competencia", "2026-01"],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(out.contains("importados: 1;"), "{out}");
    let store = read(&company.join(STORE));
    assert_eq!(
        store.lines().filter(|l| l.contains(";2026-02;")).count(),
        12
    );
    assert_eq!(store.lines().filter(|l| l.contains(";2026-01;")).count(), 1);
    assert!(company
        .join("importacoes/credito_trabalhador_2026-01.csv")
        .exists());
}

#[test]
fn a_bad_file_stops_with_its_place_and_changes_nothing() {
    let company = fresh_company("ruim");
    import_ok(&company, &[governo("2026-02_portal.json")]);
    let before = snapshot(&company);
    let bad = scratch("arquivos-ruins");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "truncado.json",
            b"[\n  {\"cpf\": \"15881399803\",\n   \"contrato\": \"1\"\n",
            "truncado.json:",
        ),
        (
            "lixo.pdf",
            b"%PDF-1.7\n\x00\x01\x02 not a government file\n",
            "lixo.pdf",
        ),
        (
            "registro.json",
            b"[\n  {\"cpf\": \"15881399803\"},\n  [1, 2]\n]\n",
            "registro.json:3",
        ),
        (
            "linhas.csv",
            b"cpf;matricula;contrato\n15881399803;000201;1\n15881399803;000201\n",
            "linhas.csv:3",
        ),
    ];
    for (name, bytes, place) in cases {
        let path = bad.join(name);
        std::fs::write(&path, bytes).unwrap();
        // With a good file first: nothing of it is imported either.
        let run = import(
            &company,
            &[governo("2026-02_reemitido.json"), path.clone()],
            &[],
        );
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(place), "{name}: {stderr}");
        assert!(stderr.contains("nada foi alterado"), "{name}: {stderr}");
        assert_eq!(snapshot(&company), before, "{name}");
    }
    // A file that is not there is the input's fault (exit 1), named, and changes nothing.
    let run = import(&company, &[bad.join("nao-existe.json")], &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("nao-existe.json"));
    assert_eq!(snapshot(&company), before);
}

#[test]
fn the_import_needs_the_employer_cnpj_and_one_competencia() {
    let company = fresh_company("sem-cnpj");
    let config = read(&company.join("configuracao.toml"));
    std::fs::write(
        company.join("configuracao.toml"),
        config.replace("cnpj = \"11222333000181\"\n", ""),
    )
    .unwrap();
    let run = import(&company, &[governo("2026-02_portal.json")], &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("[empresa] cnpj"));
    assert!(!company.join(STORE).exists());

    // As many valid records of one competência as of another: which one must be said.
    let company = fresh_company("duas");
    let dir = scratch("duas-competencias");
    let text = read(&governo("2026-02_portal.json"));
    let mixed: Vec<serde_json::Value> = serde_json::from_str::<Vec<serde_json::Value>>(&text)
        .unwrap()
        .into_iter()
        .filter(|r| r["contrato"] == "001100284" || r["contrato"] == "001100903")
        .collect();
    let path = dir.join("duas.json");
    std::fs::write(&path, serde_json::to_string(&mixed).unwrap()).unwrap();
    let run = import(&company, std::slice::from_ref(&path), &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("01/2026, 02/2026") && stderr.contains("--competencia"),
        "{stderr}"
    );
    let run = import(&company, &[path], &["--competencia", COMPETENCIA]);
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stdout).contains("importados: 1; recusados: 1"));
}

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
    "remuneracao_disponivel.csv",
    "esocial_itens.csv",
    "esocial_itens.jsonl",
    "conciliacao_esocial.csv",
    "rejeitados.csv",
    "rejeitados.jsonl",
    "mensagens.txt",
    "resumo.txt",
];

fn batch(company: &Path, out: &Path) -> Output {
    Command::new(BIN)
        .arg("batch")
        .arg(company)
        .args(["--competencia", COMPETENCIA, "--saida"])
        .arg(out)
        .args([
            "--sem-progresso",
            "--data-hora-eventos",
            "2026-03-05T10:00:00",
        ])
        .output()
        .unwrap()
}

#[test]
fn the_month_matches_its_expected_outputs() {
    let out = scratch("mes");
    let run = batch(&Path::new(ROOT).join("empresa"), &out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let expected = Path::new(ROOT).join("esperado");
    if updating() {
        std::fs::create_dir_all(&expected).unwrap();
        for name in OUTPUTS {
            std::fs::copy(out.join(name), expected.join(name)).unwrap();
        }
        let _ = std::fs::remove_dir_all(expected.join("esocial"));
        for name in common::tree(&out.join("esocial")).keys() {
            let to = expected.join("esocial").join(name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(out.join("esocial").join(name), to).unwrap();
        }
        return;
    }
    for name in OUTPUTS {
        assert_eq!(
            read(&out.join(name)),
            read(&expected.join(name)),
            "{name} diferente do esperado (CONSIGNADO_ATUALIZAR=1 para regravar)"
        );
    }
    let got = common::tree(&out.join("esocial"));
    let want = common::tree(&expected.join("esocial"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "eventos do eSocial diferentes do esperado"
    );
    for (name, text) in &got {
        assert_eq!(text, &want[name], "esocial/{name} diferente do esperado");
    }
}

/// The contracts of the month, by contract number: (discount, shortfall, reason).
fn contracts(out: &Path) -> BTreeMap<String, (String, String, String)> {
    read(&out.join("contratos.csv"))
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (
                f[5].to_owned(),
                (f[8].to_owned(), f[9].to_owned(), f[11].to_owned()),
            )
        })
        .collect()
}

#[test]
fn every_contract_has_a_result_and_a_reason() {
    let out = scratch("motivos");
    let run = batch(&Path::new(ROOT).join("empresa"), &out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let got = contracts(&out);
    let want = |d: &str, s: &str, r: &str| (d.to_owned(), s.to_owned(), r.to_owned());
    // Questor: RD 2 152,17 → limit 753,25 (down); the re-issued installment of 290,00 fits.
    assert_eq!(got["001100284"], want("290.00", "0.00", ""));
    // Alterdata with pensão: RD 1 648,98 → 577,14; installment 600,00 → shortfall 22,86.
    assert_eq!(
        got["PAN-77812"],
        want("577.14", "22.86", "parcela_acima_da_margem")
    );
    // Domínio 3b: RD 2 846,23 → 996,18; the older contract (Caixa, by its code 104) first.
    assert_eq!(got["8800123"], want("700.00", "0.00", ""));
    assert_eq!(
        got["QI2025000917"],
        want("296.18", "103.82", "margem_usada_por_contratos_anteriores")
    );
    // Domínio 3a: RD 3 222,50 → 1 127,87; the plano de saúde does not lower it.
    assert_eq!(got["341000555"], want("1100.00", "0.00", ""));
    // Domínio 4: RD 4 372,19 → 1 530,26; both contracts fit.
    assert_eq!(got["001100901"], want("1142.86", "0.00", ""));
    assert_eq!(got["237990001"], want("150.00", "0.00", ""));
    // A month of absences: no remuneração disponível.
    assert_eq!(
        got["341000777"],
        want("0.00", "250.00", "sem_remuneracao_disponivel")
    );
    // No payroll of the employee in the month.
    assert_eq!(got["001101050"], want("0.00", "180.50", "sem_movimento"));
    // Terminated on 15/02: 35 % of the rescission's RD of 1 000,00.
    assert_eq!(
        got["237554433"],
        want("350.00", "150.00", "rescisao_insuficiente")
    );
    assert_eq!(got["001001333"], want("450.00", "0.00", ""));
    assert_eq!(got["0000457"], want("200.00", "0.00", ""));
    assert_eq!(got.len(), 12, "{got:?}");
}

#[test]
fn remuneracao_disponivel_from_rubrics_part_by_part() {
    let out = scratch("rd");
    let run = batch(&Path::new(ROOT).join("empresa"), &out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rd = read(&out.join("remuneracao_disponivel.csv"));
    let total = |m: &str| {
        rd.lines()
            .find(|l| l.starts_with(&format!("2026-02;{m};total;")))
            .map(|l| l.rsplit(';').next().unwrap().to_owned())
    };
    assert_eq!(total("000201").as_deref(), Some("2152.17"));
    assert_eq!(total("000202").as_deref(), Some("1648.98"));
    assert_eq!(total("000203").as_deref(), Some("2846.23"));
    assert_eq!(total("000204").as_deref(), Some("3222.50"));
    assert_eq!(total("000205").as_deref(), Some("4372.19"));
    assert_eq!(total("000209").as_deref(), Some("3090.40"));
    // Which rubrics entered, with which sign.
    assert!(
        rd.contains("2026-02;000202;outros_compulsorios;9213;-;706.71"),
        "{rd}"
    );
    assert!(rd.contains("2026-02;000201;inss;9201;-;187.83"), "{rd}");
    assert!(
        rd.contains("2026-02;000203;descontos_com_incidencia;9207;-;833.18"),
        "{rd}"
    );
    // Voluntary deductions are not in it.
    assert!(!rd.contains(";9219;") && !rd.contains(";9216;"), "{rd}");

    // Without the rubric table the value of ficha_financeira.csv is used, as before.
    let company = scratch("sem-rubricas");
    for entry in std::fs::read_dir(Path::new(ROOT).join("empresa")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() && entry.file_name() != "rubricas.csv" {
            std::fs::copy(entry.path(), company.join(entry.file_name())).unwrap();
        }
    }
    let ficha = read(&company.join("ficha_financeira.csv")).replace(
        "000202;2026-02;1;1648.98;",
        "000202;2026-02;1;1648.98;2000.00",
    );
    std::fs::write(company.join("ficha_financeira.csv"), ficha).unwrap();
    let out = scratch("sem-rubricas-saida");
    let run = batch(&company, &out);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        contracts(&out)["PAN-77812"],
        ("600.00".to_owned(), "0.00".to_owned(), String::new()),
        "35 % of the given 2 000,00 = 700,00 holds the installment"
    );
    assert_eq!(
        read(&out.join("remuneracao_disponivel.csv"))
            .lines()
            .count(),
        1
    );
}
