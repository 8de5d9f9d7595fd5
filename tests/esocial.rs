//! eSocial out, through the real binary and the real tools:
//!
//! - every lote is valid against the web service's schema (`docs/esocial/lote/`); every event
//!   the fixtures produce (taken out of its lote as the eSocial service takes it), the
//!   checked-in expected events and the S-5003 fixtures are validated against the official
//!   S-1.3 schemas (`docs/esocial/S-1.3/`) with `xmllint`; an unsigned event may miss only its
//!   `Signature` (the schema makes it mandatory);
//! - every event is already in canonical form (`xmllint --c14n` leaves it unchanged);
//! - signed with a throw-away certificate (`openssl`), every event is fully schema-valid and
//!   verifies with `xmlsec1 --verify`; a changed byte breaks the verification;
//! - the reconciliation names the contracts not declared as expected (1988, 1989), and bad
//!   eSocial data stops the run with its file and line.
//!
//! `xmllint` (libxml2-utils), `xmlsec1` and `openssl` are installed by `.ci/run`; a test that
//! cannot run them fails.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_consignado");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SIGNATURE_MISSING: &str = "Expected is ( {http://www.w3.org/2000/09/xmldsig#}Signature )";

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "esocial-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sample() -> PathBuf {
    Path::new(ROOT).join("fixtures/empresa_exemplo")
}

fn platform() -> PathBuf {
    Path::new(ROOT).join("fixtures/credito_trabalhador/empresa")
}

fn schema(name: &str) -> PathBuf {
    Path::new(ROOT).join("docs/esocial/S-1.3").join(name)
}

fn tool(name: &str) -> Command {
    Command::new(name)
}

fn ran(mut cmd: Command, what: &str) -> Output {
    cmd.output().unwrap_or_else(|e| {
        panic!("{what}: {e} (instale-o: .ci/run instala libxml2-utils, xmlsec1 e openssl)")
    })
}

fn batch(company: &Path, competencia: &str, at: &str, out: &Path, extra: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("batch")
        .arg(company)
        .args(["--competencia", competencia, "--saida"])
        .arg(out)
        .args(["--sem-progresso", "--data-hora-eventos", at])
        .args(extra);
    ran(cmd, BIN)
}

fn batch_ok(company: &Path, competencia: &str, at: &str, out: &Path, extra: &[&str]) -> String {
    let run = batch(company, competencia, at, out, extra);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

/// The `.xml` files under `dir`, sorted.
fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Takes every event out of the lotes under `esocial` into `to/<tipo>/<Id>.xml` (the XML
/// declaration, the event's bytes as they are in the lote, a line break) after validating the
/// lotes against the web service's schema. Returns the event files, sorted.
fn extract_events(esocial: &Path, to: &Path) -> Vec<PathBuf> {
    let lotes = xml_files(esocial);
    assert_schema_valid(&lotes, true);
    let mut files = Vec::new();
    for lote in &lotes {
        let folder = lote.parent().unwrap().file_name().unwrap();
        let dir = to.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        let text = std::fs::read_to_string(lote).unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<eSocial xmlns=\"http://www.esocial.gov.br/schema/lote/eventos/envio/v1_1_1\"><envioLoteEventos grupo=\""),
            "{}",
            lote.display()
        );
        let mut n = 0;
        for line in text.lines().filter(|l| l.starts_with("<evento Id=\"")) {
            let id = &line[12..48];
            let doc = line[50..]
                .strip_suffix("</evento>")
                .unwrap_or_else(|| panic!("{}: evento sem </evento>", lote.display()));
            assert!(
                doc.starts_with("<eSocial xmlns=") && line[48..50] == *"\">",
                "{line}"
            );
            let path = dir.join(format!("{id}.xml"));
            std::fs::write(
                &path,
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{doc}\n"),
            )
            .unwrap();
            files.push(path);
            n += 1;
        }
        assert!((1..=50).contains(&n), "{}: {n} eventos", lote.display());
    }
    files.sort();
    files
}

/// The schema of an event file, by its root's namespace.
fn schema_of(file: &Path) -> PathBuf {
    let text = std::fs::read_to_string(file).unwrap();
    if text.contains("schema/lote/eventos/envio/v1_1_1") {
        return Path::new(ROOT).join("docs/esocial/lote/EnvioLoteEventos-v1_1_1.xsd");
    }
    for evt in ["evtTabRubrica", "evtRemun", "evtDeslig", "evtBasesFGTS"] {
        if text.contains(&format!("schema/evt/{evt}/v_S_01_03_00")) {
            return schema(&format!("{evt}.xsd"));
        }
    }
    panic!("{}: evento desconhecido", file.display())
}

/// Validates `files` with `xmllint --schema`. `signed`: fully valid; otherwise the only error
/// each file may have is its missing `Signature`.
fn assert_schema_valid(files: &[PathBuf], signed: bool) {
    assert!(!files.is_empty(), "nenhum XML para validar");
    let mut by_schema: BTreeMap<PathBuf, Vec<&PathBuf>> = BTreeMap::new();
    for f in files {
        by_schema.entry(schema_of(f)).or_default().push(f);
    }
    for (xsd, group) in by_schema {
        let mut cmd = tool("xmllint");
        cmd.arg("--noout").arg("--schema").arg(&xsd).args(&group);
        let out = ran(cmd, "xmllint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.ends_with(" validates") && !l.ends_with(" fails to validate"))
            .collect();
        if signed {
            assert!(out.status.success() && errors.is_empty(), "{stderr}");
            assert_eq!(
                stderr.lines().filter(|l| l.ends_with(" validates")).count(),
                group.len(),
                "{stderr}"
            );
        } else {
            // Each file misses its signature once, and nothing else is wrong.
            assert_eq!(errors.len(), group.len(), "{stderr}");
            for e in &errors {
                assert!(e.contains(SIGNATURE_MISSING), "{e}");
            }
        }
    }
}

/// `xmllint --c14n` leaves every event unchanged (after the XML declaration).
fn assert_canonical(files: &[PathBuf]) {
    for f in files {
        let text = std::fs::read(f).unwrap();
        let body = text
            .strip_prefix(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".as_slice())
            .and_then(|b| b.strip_suffix(b"\n"))
            .unwrap_or_else(|| panic!("{}: declaração XML ou fim de linha faltando", f.display()));
        let mut cmd = tool("xmllint");
        cmd.arg("--c14n").arg(f);
        let out = ran(cmd, "xmllint");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout == body,
            "{} não está na forma canônica",
            f.display()
        );
    }
}

#[test]
fn every_event_of_the_fixtures_is_schema_valid_and_canonical() {
    let ex = scratch("exemplo");
    batch_ok(&sample(), "2026-01", "2026-02-05T10:00:00", &ex, &[]);
    let ct = scratch("plataforma");
    batch_ok(&platform(), "2026-02", "2026-03-05T10:00:00", &ct, &[]);
    let taken = scratch("eventos");
    let mut produced = extract_events(&ex.join("esocial"), &taken.join("exemplo"));
    produced.extend(extract_events(
        &ct.join("esocial"),
        &taken.join("plataforma"),
    ));
    // The three event types are there.
    for folder in ["S-1010", "S-1200", "S-2299"] {
        assert!(
            produced
                .iter()
                .any(|f| f.parent().unwrap().ends_with(folder)),
            "{folder}"
        );
    }
    assert_schema_valid(&produced, false);
    assert_canonical(&produced);
    // The checked-in files too: the expected events and the S-5003 returned by eSocial.
    let mut carried = extract_events(
        &sample().join("esperado/esocial"),
        &taken.join("esperado-exemplo"),
    );
    carried.extend(extract_events(
        &Path::new(ROOT).join("fixtures/credito_trabalhador/esperado/esocial"),
        &taken.join("esperado-plataforma"),
    ));
    carried.extend(xml_files(&platform().join("esocial_retorno")));
    assert_schema_valid(&carried, false);
}

/// A throw-away RSA 2048 certificate and its PKCS#12 file, made by `openssl`.
fn certificate(dir: &Path, password: &str) -> (PathBuf, PathBuf) {
    let key = dir.join("chave.pem");
    let cert = dir.join("certificado.pem");
    let pfx = dir.join("certificado.pfx");
    let mut req = tool("openssl");
    req.args([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    ])
    .args(["-subj", "/CN=EMPRESA EXEMPLO LTDA:44555666000181"])
    .arg("-keyout")
    .arg(&key)
    .arg("-out")
    .arg(&cert);
    let out = ran(req, "openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut export = tool("openssl");
    export
        .args(["pkcs12", "-export", "-passout"])
        .arg(format!("pass:{password}"))
        .arg("-inkey")
        .arg(&key)
        .arg("-in")
        .arg(&cert)
        .arg("-out")
        .arg(&pfx);
    let out = ran(export, "openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, pfx)
}

fn verify(file: &Path, cert: &Path) -> Output {
    let mut cmd = tool("xmlsec1");
    cmd.arg("--verify").arg("--trusted-pem").arg(cert).arg(file);
    ran(cmd, "xmlsec1")
}

#[test]
fn signed_events_verify_with_xmlsec1_and_a_changed_byte_breaks_them() {
    let dir = scratch("assinatura");
    let (cert, pfx) = certificate(&dir, "s3nh@ forte");
    let out = dir.join("saida");
    let mut cmd = Command::new(BIN);
    cmd.arg("batch")
        .arg(sample())
        .args(["--competencia", "2026-01", "--saida"])
        .arg(&out)
        .args(["--sem-progresso", "--certificado"])
        .arg(&pfx)
        .env("CONSIGNADO_SENHA_CERTIFICADO", "s3nh@ forte");
    let run = ran(cmd, BIN);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = String::from_utf8(run.stdout).unwrap();
    assert!(
        summary.contains("assinados por CN=EMPRESA EXEMPLO LTDA:44555666000181"),
        "{summary}"
    );
    let events = extract_events(&out.join("esocial"), &dir.join("eventos"));
    assert_eq!(events.len(), 13, "5 S-1010, 7 S-1200, 1 S-2299");
    assert_schema_valid(&events, true);
    assert_canonical(&events);
    for e in &events {
        let v = verify(e, &cert);
        assert!(
            v.status.success(),
            "{}: {}",
            e.display(),
            String::from_utf8_lossy(&v.stderr)
        );
    }
    // One changed byte, in the data or in the signature, and the verification fails.
    let text = std::fs::read_to_string(&events[6]).unwrap();
    let value_at = text.find("<vrRubr>").unwrap() + "<vrRubr>".len();
    let mut changed = text.clone().into_bytes();
    changed[value_at] = if changed[value_at] == b'1' {
        b'2'
    } else {
        b'1'
    };
    let tampered = dir.join("alterado.xml");
    std::fs::write(&tampered, &changed).unwrap();
    assert!(!verify(&tampered, &cert).status.success());
    let sig_at = text.find("<SignatureValue>").unwrap() + "<SignatureValue>".len() + 10;
    let mut changed = text.into_bytes();
    changed[sig_at] = if changed[sig_at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&tampered, &changed).unwrap();
    assert!(!verify(&tampered, &cert).status.success());

    // The password from a file gives the same events, byte for byte, for the same timestamp.
    let file = dir.join("senha.txt");
    std::fs::write(&file, "s3nh@ forte\n").unwrap();
    let a = dir.join("a");
    let b = dir.join("b");
    let pfx_arg = pfx.to_str().unwrap();
    let file_arg = file.to_str().unwrap();
    for o in [&a, &b] {
        batch_ok(
            &sample(),
            "2026-01",
            "2026-02-05T10:00:00",
            o,
            &["--certificado", pfx_arg, "--senha-arquivo", file_arg],
        );
    }
    let (ea, eb) = (
        extract_events(&a.join("esocial"), &dir.join("ea")),
        extract_events(&b.join("esocial"), &dir.join("eb")),
    );
    assert_eq!(ea.len(), 13);
    for (x, y) in ea.iter().zip(&eb) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
    }
    // One file per event (`arquivos = "eventos"`): the same events, byte for byte.
    let company = dir.join("empresa");
    copy_dir(&sample(), &company);
    let toml = std::fs::read_to_string(company.join("esocial.toml")).unwrap();
    std::fs::write(
        company.join("esocial.toml"),
        format!("{toml}arquivos = \"eventos\"\n"),
    )
    .unwrap();
    let single = dir.join("um-por-evento");
    batch_ok(
        &company,
        "2026-01",
        "2026-02-05T10:00:00",
        &single,
        &["--certificado", pfx_arg, "--senha-arquivo", file_arg],
    );
    let one_by_one = xml_files(&single.join("esocial"));
    assert_eq!(one_by_one.len(), 13);
    for (x, y) in ea.iter().zip(&one_by_one) {
        assert_eq!(x.file_name(), y.file_name());
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        assert!(verify(y, &cert).status.success());
    }

    // A wrong password: exit 2, nothing written, and it says so.
    std::fs::write(&file, "errada\n").unwrap();
    let c = dir.join("c");
    let run = batch(
        &sample(),
        "2026-01",
        "2026-02-05T10:00:00",
        &c,
        &["--certificado", pfx_arg, "--senha-arquivo", file_arg],
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("senha do certificado não confere"),
        "{stderr}"
    );
    assert!(!c.join("esocial").exists());
    // No password at all: the command line is never a place for it.
    let mut cmd = Command::new(BIN);
    cmd.arg("batch")
        .arg(sample())
        .args(["--competencia", "2026-01", "--saida"])
        .arg(&c)
        .arg("--certificado")
        .arg(&pfx)
        .env_remove("CONSIGNADO_SENHA_CERTIFICADO");
    let run = ran(cmd, BIN);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--senha-arquivo"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// (matrícula, documento, instFinanc, nrDoc).
type Contract = (String, String, String, String);

/// The reconciliation, by (matrícula, documento, instFinanc, nrDoc): (situação, advertência, s5003).
fn reconciliation(out: &Path) -> BTreeMap<Contract, (String, String, String)> {
    std::fs::read_to_string(out.join("conciliacao_esocial.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            assert_eq!(f.len(), 14, "{l}");
            (
                (f[1].into(), f[3].into(), f[4].into(), f[5].into()),
                (f[9].into(), f[10].into(), f[13].into()),
            )
        })
        .collect()
}

#[test]
fn the_reconciliation_names_every_contract_not_declared_as_expected() {
    let out = scratch("conciliacao");
    batch_ok(&platform(), "2026-02", "2026-03-05T10:00:00", &out, &[]);
    let r = reconciliation(&out);
    let get =
        |m: &str, d: &str, i: &str, n: &str| r[&(m.into(), d.into(), i.into(), n.into())].clone();
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    // Installment, discount and the S-5003 agree.
    assert_eq!(
        get("000201", "folha", "001", "001100284"),
        s("declarado", "", "confere")
    );
    // eSocial holds the whole installment, the discount was partial.
    assert_eq!(
        get("000202", "folha", "623", "PAN-77812"),
        s("declarado_parcial", "", "diverge")
    );
    // No discount: no item, eSocial will warn 1988.
    assert_eq!(
        get("000206", "folha", "341", "341000777"),
        s("sem_desconto", "1988", "confere")
    );
    // The rescission's discount is declared in the S-2299.
    assert_eq!(
        get("000208", "rescisao", "237", "237554433"),
        s("declarado_parcial", "", "sem_s5003")
    );
    // A contract only the S-5003 knows.
    assert_eq!(
        get("", "", "001", "001100999"),
        s("somente_no_s5003", "", "diverge")
    );
    let s2299 = xml_files(&out.join("esocial/S-2299"));
    assert_eq!(s2299.len(), 1);
    let text = std::fs::read_to_string(&s2299[0]).unwrap();
    assert!(
        text.contains(
            "<consigFGTS><insConsig>10401</insConsig><nrContr>900000123</nrContr></consigFGTS>"
        ),
        "{text}"
    );

    // Break it: a company contract of a platform institution (1989), a rescission without
    // its motive (the discount is made, the item cannot be declared: 1988).
    let company = scratch("conciliacao-empresa");
    copy_dir(&platform(), &company);
    std::fs::write(
        company.join("parcelas.csv"),
        "matricula;instituicao;contrato;inicio;competencia;valor;saldo_devedor\n000201;caixa;CX-0001;01/01/2026;2026-02;50.00;\n",
    )
    .unwrap();
    let resc = std::fs::read_to_string(company.join("rescisoes.csv")).unwrap();
    std::fs::write(
        company.join("rescisoes.csv"),
        resc.replace(";02;N;", ";;N;"),
    )
    .unwrap();
    let out = scratch("conciliacao-saida");
    let summary = batch_ok(&company, "2026-02", "2026-03-05T10:00:00", &out, &[]);
    let r = reconciliation(&out);
    let get =
        |m: &str, d: &str, i: &str, n: &str| r[&(m.into(), d.into(), i.into(), n.into())].clone();
    assert_eq!(
        get("000201", "folha", "104", "CX-0001").0,
        "item_sem_parcela"
    );
    assert_eq!(get("000201", "folha", "104", "CX-0001").1, "1989");
    assert_eq!(
        get("000208", "rescisao", "237", "237554433").0,
        "desconto_sem_item"
    );
    assert_eq!(get("000208", "rescisao", "237", "237554433").1, "1988");
    let line = std::fs::read_to_string(out.join("conciliacao_esocial.csv")).unwrap();
    assert!(
        line.contains("S-2299 não gerado: falta motivo_desligamento"),
        "{line}"
    );
    assert!(!out.join("esocial/S-2299").read_dir().unwrap().any(|_| true));
    assert!(summary.contains("1989 (item sem parcela) = 1"), "{summary}");

    // An employee who is not computed still has their installment: eSocial will warn 1988.
    let funcionarios = std::fs::read_to_string(company.join("funcionarios.csv")).unwrap();
    let broken: String = funcionarios
        .lines()
        .map(|l| {
            if l.starts_with("000210;") {
                let mut f: Vec<&str> = l.split(';').collect();
                f[4] = "muito";
                f.join(";")
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(company.join("funcionarios.csv"), broken).unwrap();
    let out = scratch("conciliacao-rejeitado");
    batch_ok(&company, "2026-02", "2026-03-05T10:00:00", &out, &[]);
    let r = reconciliation(&out);
    let line = &r[&(
        "000210".into(),
        "folha".into(),
        "033".into(),
        "0000457".into(),
    )];
    assert_eq!((line.0.as_str(), line.1.as_str()), ("sem_desconto", "1988"));
    let text = std::fs::read_to_string(out.join("conciliacao_esocial.csv")).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains(";0000457;200.00;0.00;;sem_desconto;1988;funcionário rejeitado")),
        "{text}"
    );
}

#[test]
fn bad_esocial_data_stops_the_run_with_its_file_and_line() {
    let company = scratch("dados");
    copy_dir(&sample(), &company);
    let _ = std::fs::remove_dir_all(company.join("esperado"));
    let path = company.join("esocial.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("ambiente = 2", "ambiente = 5")
            .replace("\"LOT-ADM\"", "\"\""),
    )
    .unwrap();
    let out = scratch("dados-saida");
    let run = batch(&company, "2026-01", "2026-02-05T10:00:00", &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("esocial.toml:3: erro ambiente: ambiente 5 inválido"),
        "{stderr}"
    );
    assert!(stderr.contains("erro lotacao"), "{stderr}");
    assert!(!out.join("resumo.txt").exists());

    std::fs::write(&path, "ambiente = 2\nlotacao = 7\n").unwrap();
    let run = batch(&company, "2026-01", "2026-02-05T10:00:00", &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("esocial.toml:2:11"));

    // An S-5003 of another competência.
    std::fs::write(&path, text).unwrap();
    std::fs::create_dir_all(company.join("esocial_retorno")).unwrap();
    std::fs::copy(
        platform().join("esocial_retorno/s5003_000201.xml"),
        company.join("esocial_retorno/s5003.xml"),
    )
    .unwrap();
    let run = batch(&company, "2026-01", "2026-02-05T10:00:00", &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("s5003.xml:") && stderr.contains("período '2026-02'"),
        "{stderr}"
    );

    // A certificate for a company without eSocial data is a usage error.
    std::fs::remove_file(&path).unwrap();
    let run = batch(
        &company,
        "2026-01",
        "2026-02-05T10:00:00",
        &out,
        &["--certificado", "x.pfx", "--senha-arquivo", "x"],
    );
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn a_generated_month_gives_the_same_events_whatever_the_threads() {
    let company = scratch("gerada");
    let mut cmd = Command::new(BIN);
    cmd.args([
        "gerar",
        "--funcionarios",
        "1500",
        "--semente",
        "5",
        "--credito-trabalhador",
        "--esocial",
        "--saida",
    ])
    .arg(&company);
    assert!(ran(cmd, BIN).status.success());
    let mut cmd = Command::new(BIN);
    cmd.args(["importar", "credito-trabalhador"])
        .arg(&company)
        .arg(company.join("governo/credito_trabalhador_2025-07.json"));
    let run = ran(cmd, BIN);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run_with = |threads: &str| {
        let out = scratch(&format!("threads-{threads}"));
        let mut cmd = Command::new(BIN);
        cmd.env("RAYON_NUM_THREADS", threads)
            .args([
                "batch",
                "--competencia",
                "2025-07",
                "--sem-progresso",
                "--data-hora-eventos",
                "2025-08-05T09:00:00",
                "--saida",
            ])
            .arg(&out)
            .arg(&company);
        let run = ran(cmd, BIN);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    };
    let one = run_with("1");
    let four = run_with("3");
    let (a, b) = (
        xml_files(&one.join("esocial")),
        xml_files(&four.join("esocial")),
    );
    assert!(a.len() > 1500 / 50, "{}", a.len());
    assert_eq!(
        a.iter()
            .map(|p| p.strip_prefix(&one).unwrap())
            .collect::<Vec<_>>(),
        b.iter()
            .map(|p| p.strip_prefix(&four).unwrap())
            .collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
    for name in [
        "esocial_itens.csv",
        "esocial_itens.jsonl",
        "conciliacao_esocial.csv",
    ] {
        assert!(
            std::fs::read(one.join(name)).unwrap() == std::fs::read(four.join(name)).unwrap(),
            "{name}"
        );
    }
    let events = extract_events(&one.join("esocial"), &scratch("gerada-eventos"));
    assert!(events.len() > 1500, "{}", events.len());
    assert_schema_valid(&events, false);
}
