//! The monthly batch, run through the real binary.
//!
//! - The sample company (`fixtures/empresa_exemplo`) against its expected outputs
//!   (`fixtures/empresa_exemplo/esperado/`), byte for byte. Regenerate them with
//!   `CONSIGNADO_ATUALIZAR=1 cargo test --test batch`, then review the diff.
//! - Nothing lost: rows read = rows used + rows rejected, a damaged row is rejected with its
//!   reason and nothing else changes, a broken file stops the run and writes nothing.
//! - Determinism: the same input gives the same bytes, whatever the number of threads.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_consignado");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/empresa_exemplo");
const COMPETENCIA: &str = "2026-01";
/// The timestamp of the eSocial event ids, fixed so that the outputs are reproducible.
const EVENTS_AT: &str = "2026-02-05T10:00:00";

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
        .args(["--data-hora-eventos", EVENTS_AT])
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

/// Runs the batch and expects success; returns the summary printed on stdout.
fn batch_ok(company: &Path, out: &Path) -> String {
    let run = batch(company, out, &[]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

/// Every file of the summary: rows read = used + rejected.
fn assert_accounted(summary: &str) {
    for (name, read_, used, rejected) in accounting(summary) {
        assert_eq!(read_, used + rejected, "{name}");
    }
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
        let _ = std::fs::remove_dir_all(expected.join("esocial"));
        for (name, _) in common::tree(&out.join("esocial")) {
            let to = expected.join("esocial").join(&name);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(out.join("esocial").join(&name), to).unwrap();
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
    // The eSocial events, file by file.
    let got = common::tree(&out.join("esocial"));
    let want = common::tree(&expected.join("esocial"));
    if got != want {
        differ.push(format!(
            "--- esperado/esocial/\n{}\n+++ obtido\n{}",
            want.keys().cloned().collect::<Vec<_>>().join("\n"),
            got.keys().cloned().collect::<Vec<_>>().join("\n")
        ));
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
    want.push("esocial".to_owned());
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
    assert_eq!(rows.len(), 10, "{summary}");
    for (name, read_, used, rejected) in &rows {
        assert_eq!(*read_, used + rejected, "{name}");
    }
    // Rows read are the data lines of each input file (header and blank lines excluded).
    for (name, read_, _, _) in rows.iter().filter(|r| r.0 != "total") {
        // An optional file the company does not have counts no rows.
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(name)).unwrap_or_default();
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
    let summary = batch_ok(&company, &damaged);

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
    assert_accounted(&summary);
}

/// Appends `lines` to the sample's `file` in `company`.
fn append(company: &Path, file: &str, lines: &str) {
    let path = company.join(file);
    let mut text = read(&path);
    text.push_str(lines);
    std::fs::write(path, text).unwrap();
}

/// Replaces `from` by `to` (which must be there) in `company`'s `file`.
fn edit(company: &Path, file: &str, from: &str, to: &str) {
    let path = company.join(file);
    let text = read(&path);
    assert!(text.contains(from), "{file}: {from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The lines of `file` in `out` that mention `needle`.
fn lines_with(out: &Path, file: &str, needle: &str) -> Vec<String> {
    read(&out.join(file))
        .lines()
        .filter(|l| l.contains(needle))
        .map(str::to_owned)
        .collect()
}

#[test]
fn rows_that_would_change_the_money_are_rejected_not_guessed() {
    let company = scratch("dinheiro");
    copy_sample(&company);
    // A repeated installment of the month (Bruno's banco_b contract).
    append(
        &company,
        "parcelas.csv",
        "000102;banco_b;2002;10/05/2022;2026-01;500.00;\n",
    );
    // A negative installment (Carla) and a negative open provision (Lívia, 000112).
    edit(
        &company,
        "parcelas.csv",
        "000103;banco_a;2004;20/02/2024;2026-01;500.00;",
        "000103;banco_a;2004;20/02/2024;2026-01;-500.00;",
    );
    // A repeated open provision.
    append(
        &company,
        "provisoes_abertas.csv",
        "000112;banco_b;2025-12;2026-01;160.00\n",
    );
    // A vacation of 40 days, one with 15 days of abono, one in year 1.
    append(
        &company,
        "ferias.csv",
        "000101;01/03/2026;09/04/2026;0\n000102;01/03/2026;20/03/2026;15\n000103;01/01/0001;10/01/0001;0\n",
    );
    let (base, out) = (scratch("dinheiro-base"), scratch("dinheiro-saida"));
    assert_eq!(batch(Path::new(SAMPLE), &base, &[]).status.code(), Some(0));
    let summary = batch_ok(&company, &out);
    let rejects = read(&out.join("rejeitados.csv"));
    for want in [
        "parcelas.csv;16;competencia;000102;L004;parcela de 01/2026 do contrato 2002 (banco_b) repetida (já na linha 4)",
        "parcelas.csv;6;valor;000103;L001;valor: valor negativo '-500.00' não é aceito nesta coluna",
        "provisoes_abertas.csv;4;competencia_origem;000112;L004;provisão de banco_b com origem 12/2025 e retorno 01/2026 repetida",
        "ferias.csv;5;fim;000101;L001;gozo de 40 dias",
        "ferias.csv;6;dias_abono;000102;L001;abono pecuniário de 15 dias",
        "ferias.csv;7;inicio;000103;L001;inicio: data '01/01/0001' fora dos anos 1900 a 2100",
    ] {
        assert!(rejects.contains(want), "{want}\n{rejects}");
    }
    // The repeat is not added: Bruno's contracts are discounted as before.
    assert_eq!(
        lines_with(&out, "contratos.csv", "000102;"),
        lines_with(&base, "contratos.csv", "000102;")
    );
    // The provision is returned once.
    assert_eq!(
        lines_with(&out, "provisoes.csv", "000112;"),
        lines_with(&base, "provisoes.csv", "000112;")
    );
    assert_accounted(&summary);
}

#[test]
fn the_balance_is_the_latest_up_to_the_competencia_whatever_the_order() {
    let company = scratch("saldo");
    copy_sample(&company);
    append(
        &company,
        "configuracao.toml",
        "\n[rescisao]\nvalor_informado = \"saldo_devedor\"\n",
    );
    edit(
        &company,
        "parcelas.csv",
        "000106;banco_b;2006;01/03/2023;2026-01;800.00;",
        "000106;banco_b;2006;01/03/2023;2026-02;800.00;8200.00\n\
         000106;banco_b;2006;01/03/2023;2026-01;800.00;9000.00\n\
         000106;banco_b;2006;01/03/2023;2025-12;800.00;9800.00",
    );
    let out = scratch("saldo-saida");
    assert_accounted(&batch_ok(&company, &out));
    let lines = lines_with(&out, "descontos.csv", "000106;rescisao;442;banco_b");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(";9000.00;"), "{lines:?}");
}

#[test]
fn a_rejected_rescission_keeps_the_employee_out_and_their_provisions_open() {
    let company = scratch("rescisao");
    copy_sample(&company);
    edit(&company, "rescisoes.csv", "15/01/2026", "2026-1-15");
    let out = scratch("rescisao-saida");
    let summary = batch_ok(&company, &out);
    // Not computed as an active employee: no margin, no 438, no result line.
    for file in ["resultado_funcionarios.csv", "margens.csv", "descontos.csv"] {
        assert!(lines_with(&out, file, "000106").is_empty(), "{file}");
    }
    let rejects = read(&out.join("rejeitados.csv"));
    assert!(
        rejects.contains("funcionarios.csv;7;;000106;L009;\"funcionário não calculado: a rescisão de rescisoes.csv linha 2 foi rejeitada"),
        "{rejects}"
    );
    assert!(rejects.contains("rescisoes.csv;2;data;000106;L001;data: data inválida '2026-1-15'"));
    // Their open provision goes on to next month's file, unchanged.
    assert_eq!(
        lines_with(&out, "provisoes_abertas.csv", "000106"),
        ["000106;banco_b;2025-12;2026-01;100.00"]
    );

    // Leaving before the competência: the employee is not part of the month.
    edit(&company, "rescisoes.csv", "2026-1-15", "20/12/2025");
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(0));
    assert!(lines_with(&out, "resultado_funcionarios.csv", "000106").is_empty());
    let rejects = read(&out.join("rejeitados.csv"));
    assert!(
        rejects.contains("funcionarios.csv;7;;000106;L006;funcionário desligado em 20/12/2025 (rescisoes.csv linha 2), antes da competência 01/2026"),
        "{rejects}"
    );
    assert_accounted(&summary);
}

#[test]
fn an_unreadable_personal_date_withholds_the_margin_not_the_discounts() {
    let company = scratch("nascimento");
    copy_sample(&company);
    edit(&company, "funcionarios.csv", ";10/01/1970;", ";31/04/1970;");
    let (base, out) = (scratch("nascimento-base"), scratch("nascimento-saida"));
    assert_eq!(batch(Path::new(SAMPLE), &base, &[]).status.code(), Some(0));
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(0));
    let line = lines_with(&out, "resultado_funcionarios.csv", ";000101;");
    assert_eq!(line.len(), 1);
    assert!(line[0].contains(";dados_inconsistentes;"), "{line:?}");
    assert!(lines_with(&out, "rejeitados.csv", "000101;L001;data").is_empty());
    assert!(lines_with(&out, "ocorrencias.csv", "000101;D705;erro;dados_pessoais.data_nascimento;data de nascimento ilegível em funcionarios.csv (data_nascimento: data inexistente '31/04/1970'").len() == 1);
    // Her installment is still discounted.
    assert_eq!(
        lines_with(&out, "contratos.csv", "000101;"),
        lines_with(&base, "contratos.csv", "000101;")
    );
}

#[test]
fn a_row_with_the_wrong_width_keeps_its_matricula() {
    let company = scratch("largura");
    copy_sample(&company);
    // Bruno's employee row gets one field too many.
    edit(&company, "funcionarios.csv", "000102;", "000102;;");
    let out = scratch("largura-saida");
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(0));
    let rejects = lines_with(&out, "rejeitados.csv", "000102");
    assert!(
        rejects[0].starts_with(
            "funcionarios.csv;3;;000102;L007;\"linha com 14 campos, o cabeçalho tem 13"
        ),
        "{rejects:?}"
    );
    // His other rows are rejected with him, not as an unknown matrícula.
    assert!(rejects.len() > 1);
    for r in &rejects[1..] {
        assert!(r.contains(";000102;L008;funcionário rejeitado (funcionarios.csv linha 3: linha com 14 campos)"), "{r}");
    }
}

#[test]
fn employees_of_a_line_of_the_wrong_width() {
    let company = scratch("largura2");
    copy_sample(&company);
    // Luiz (000112, an open provision) gets a field too many: rejected, provision carried.
    edit(&company, "funcionarios.csv", "000112;", "000112;;");
    // A second, short line for Bruno: he is repeated, not computed from the other line.
    append(
        &company,
        "funcionarios.csv",
        "000102;11111111111;Outro Bruno\n",
    );
    let out = scratch("largura2-saida");
    assert_accounted(&batch_ok(&company, &out));
    let rejects = read(&out.join("rejeitados.csv"));
    assert!(
        rejects.contains("funcionarios.csv;3;matricula;000102;L004;matrícula '000102' repetida em funcionarios.csv (linhas 3, 17)"),
        "{rejects}"
    );
    assert!(lines_with(&out, "resultado_funcionarios.csv", ";000102;").is_empty());
    assert!(rejects.contains("provisoes_abertas.csv;3;;000112;L008;funcionário rejeitado (funcionarios.csv linha 13: linha com 14 campos)"), "{rejects}");
    assert_eq!(
        lines_with(&out, "provisoes_abertas.csv", "000112"),
        ["000112;banco_b;2025-12;2026-01;160.00"]
    );
}

#[test]
fn rows_around_the_rescission_and_repeats_name_the_right_lines() {
    let company = scratch("linhas");
    copy_sample(&company);
    // A rescission of a later month, even unreadable otherwise, is only that line's problem.
    append(&company, "rescisoes.csv", "000101;15/03/2026;abc;;;;;;\n");
    // The first of Bruno's banco_b installments unreadable, then two copies of it.
    edit(
        &company,
        "parcelas.csv",
        "000102;banco_b;2002;10/05/2022;2026-01;500.00;",
        "000102;banco_b;2002;10/05/2022;2026-01;abc;",
    );
    append(
        &company,
        "parcelas.csv",
        "000102;banco_b;2002;10/05/2022;2026-01;500.00;\n000102;banco_b;2002;10/05/2022;2026-01;500.00;\n",
    );
    let out = scratch("linhas-saida");
    assert_accounted(&batch_ok(&company, &out));
    let rejects = read(&out.join("rejeitados.csv"));
    assert!(rejects.contains("rescisoes.csv;3;data;000101;L006;desligamento em 15/03/2026, depois da competência 01/2026"), "{rejects}");
    assert_eq!(
        lines_with(&out, "resultado_funcionarios.csv", ";000101;").len(),
        1
    );
    assert!(rejects.contains("parcelas.csv;17;competencia;000102;L004;parcela de 01/2026 do contrato 2002 (banco_b) repetida (já na linha 16)"), "{rejects}");
}

#[test]
fn a_header_with_a_trailing_separator_reads_rows_with_or_without_it() {
    let company = scratch("ponto-e-virgula");
    copy_sample(&company);
    edit(
        &company,
        "parcelas.csv",
        "valor;saldo_devedor\n",
        "valor;saldo_devedor;\n",
    );
    let (base, out) = (scratch("pv-base"), scratch("pv-saida"));
    batch_ok(Path::new(SAMPLE), &base);
    batch_ok(&company, &out);
    for name in ["contratos.csv", "descontos.csv", "rejeitados.csv"] {
        assert_eq!(read(&out.join(name)), read(&base.join(name)), "{name}");
    }
}

#[test]
fn json_lines_only_still_carries_the_open_provisions() {
    let out = scratch("so-jsonl");
    let run = batch(Path::new(SAMPLE), &out, &["--formato", "jsonl"]);
    assert_eq!(run.status.code(), Some(0));
    let base = scratch("so-jsonl-base");
    batch_ok(Path::new(SAMPLE), &base);
    assert_eq!(
        read(&out.join("provisoes_abertas.csv")),
        read(&base.join("provisoes_abertas.csv"))
    );
    // And another company's folder is never an output folder.
    let other = scratch("outra-empresa");
    copy_sample(&other);
    let run = batch(Path::new(SAMPLE), &other, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("é a pasta de uma empresa"));
    assert_eq!(
        read(&other.join("eventos.csv")),
        read(&Path::new(SAMPLE).join("eventos.csv"))
    );
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
    // A semantic error names its key and the key's line.
    let line = text
        .lines()
        .position(|l| l.starts_with("fator = "))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(
            "configuracao.toml:{line}: erro[D141] rateio.fator"
        )),
        "{stderr}"
    );

    // A formula's error is placed in the TOML file, with its place in the formula too.
    std::fs::write(
        company.join("configuracao.toml"),
        text.replace(
            "ENTAO LIQUIDOFF(ANO-1,12,PERIODO) * 0.3",
            "ENTAO LIQUIDOFF(ANO-1,12,PERIODO) * * 0.3",
        ),
    )
    .unwrap();
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("configuracao.toml:11:37: erro[E001] margem.formula (linha 2, coluna 37 da fórmula): sintaxe inválida"),
        "{stderr}"
    );

    // TOML's own errors, in Portuguese and on one line.
    std::fs::write(
        company.join("configuracao.toml"),
        text.replace("[rateio]", "[rateio]\nfatr = \"3\""),
    )
    .unwrap();
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("campo desconhecido 'fatr' (aceitos: ativo, fator)"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
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
    // Usage errors in Portuguese, with the usage line.
    let run = Command::new(BIN)
        .args([
            "batch",
            SAMPLE,
            "--competencia",
            "2026-01",
            "--formato",
            "xml",
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("erro de uso: valor inválido 'xml' para --formato <FORMATO> (aceitos: csv, jsonl, ambos)"),
        "{stderr}"
    );
    let run = Command::new(BIN).args(["batch", "--foo"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("erro de uso: argumento desconhecido '--foo'"),
        "{stderr}"
    );
    assert!(stderr.contains("Uso: consignado batch"), "{stderr}");

    // The company folder as the output folder would overwrite two inputs.
    let company = scratch("mesma-pasta");
    copy_sample(&company);
    let run = batch(&company, &company, &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("é a própria pasta da empresa"), "{stderr}");
    assert_eq!(
        read(&company.join("eventos.csv")),
        read(&Path::new(SAMPLE).join("eventos.csv"))
    );

    // A missing configuration is the input's fault (exit 1), and says what to do.
    std::fs::remove_file(company.join("configuracao.toml")).unwrap();
    let run = batch(&company, &out.join("s"), &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("não tem configuracao.toml: crie-o"),
        "{stderr}"
    );
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
    // This company has no esocial.toml (the eSocial outputs' determinism: tests/esocial.rs).
    for name in OUTPUTS.iter().filter(|n| !n.contains("esocial")) {
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

#[test]
fn one_installment_is_said_in_the_singular() {
    let company = scratch("singular");
    copy_sample(&company);
    std::fs::write(
        company.join("parcelas.csv"),
        "matricula;instituicao;contrato;inicio;competencia;valor;saldo_devedor\n000101;banco_b;2001;15/06/2024;2026-01;200.00;\n",
    )
    .unwrap();
    let out = scratch("singular-saida");
    batch_ok(&company, &out);
    let messages = read(&out.join("mensagens.txt"));
    assert!(
        messages.contains("Foi encontrada 1 parcela para ser importada na competência 01/2026."),
        "{messages}"
    );
}

/// The sample with the margin formula replaced by `value`.
fn with_margin(value: &str) -> PathBuf {
    let company = scratch("margem");
    copy_sample(&company);
    let config = read(&company.join("configuracao.toml"));
    let start = config.find("formula = \"\"\"").unwrap();
    let end = start + config[start..].find("\"\"\"\n\n").unwrap() + 4;
    let config = format!(
        "{}formula = \"{value}\"\n{}",
        &config[..start],
        &config[end..]
    );
    std::fs::write(company.join("configuracao.toml"), config).unwrap();
    company
}

#[test]
fn totals_are_exact_or_the_run_fails_and_long_ones_keep_the_table_in_columns() {
    // Margins of 5 × 10^26: the totals fit, and every row of the table keeps its 7 columns.
    let company = with_margin("500000000000000000000000000");
    let out = scratch("totais-longos");
    let summary = batch_ok(&company, &out);
    let table: Vec<&str> = summary
        .lines()
        .skip_while(|l| !l.starts_with("Por instituição"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("  contratos:"))
        .collect();
    assert_eq!(table.len(), 4, "{summary}");
    for line in &table {
        assert_eq!(line.split_whitespace().count(), 7, "{line}");
    }
    assert!(
        table[3].contains("4000000000000000000000000000.40"),
        "{summary}"
    );
    // Margins of 7 × 10^28 do not fit once summed: the run fails and writes nothing.
    let company = with_margin("70000000000000000000000000000");
    let out = scratch("totais-demais");
    let run = batch(&company, &out, &[]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("passa do maior valor exato"), "{stderr}");
    assert!(!out.join("resumo.txt").exists());
}

/// `fixtures/README.md`, "Mensagens da importação": "Nenhum evento de folha cadastrado." when installments are informed for the
/// competência and no institution has the events to receive them; not otherwise.
#[test]
fn no_payroll_event_is_said_when_installments_have_nowhere_to_go() {
    let company = scratch("sem-eventos");
    copy_sample(&company);
    let config = read(&company.join("configuracao.toml"));
    let config = &config[..config.find("[[instituicoes]]").unwrap()];
    std::fs::write(company.join("configuracao.toml"), config).unwrap();
    std::fs::remove_file(company.join("distribuicoes.csv")).unwrap();
    let out = scratch("sem-eventos-saida");
    batch_ok(&company, &out);
    let messages = read(&out.join("mensagens.txt"));
    assert!(
        messages.starts_with("Nenhum evento de folha cadastrado.\n"),
        "{messages}"
    );
    // The sample itself (institutions with their events) never says it.
    let out = scratch("com-eventos-saida");
    batch_ok(Path::new(SAMPLE), &out);
    assert!(!read(&out.join("mensagens.txt")).contains("Nenhum evento"));
}

/// A bad byte on line 40 of the configuration names line 40, not line 1.
#[test]
fn a_configuration_not_in_utf8_names_the_line_of_the_bad_byte() {
    let company = scratch("config-utf8");
    copy_sample(&company);
    let text = read(&company.join("configuracao.toml"));
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    assert!(lines.len() > 40);
    lines[39] = b"# coment\xe1rio em Windows-1252".to_vec();
    std::fs::write(company.join("configuracao.toml"), lines.join(&b'\n')).unwrap();
    let out = scratch("config-utf8-saida");
    let run = batch(&company, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("configuracao.toml:40: o arquivo não está em UTF-8"),
        "{stderr}"
    );
}
