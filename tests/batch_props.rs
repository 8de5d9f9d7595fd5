//! Property: whatever is done to a company's files, the batch never panics and never loses a
//! row. A generated company (with its deliberately broken rows) is damaged at random — bytes
//! inserted, deleted or replaced in any table, with the bytes that break CSV and money most
//! often — and run through the library. The run either stops with an error naming a file of
//! the company, or succeeds, and then every file's rows read = used + rejected (the batch checks
//! it and reports `BatchError::Accounting` otherwise), the rejects file has one line per
//! rejected row, and a second run gives the same bytes.

use consignado::adapters::company::InputFile;
use consignado::adapters::output::Formats;
use consignado::batch::{self, generator, BatchError, BatchOptions};
use consignado::domain::Competencia;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "props-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn competencia() -> Competencia {
    Competencia::new(2025, 7).unwrap()
}

/// A small generated company, written once per test process.
fn base_company() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("base");
        let options = generator::GeneratorOptions {
            employees: 120,
            seed: 7,
            competencia: competencia(),
            damaged_rows: true,
            credito_trabalhador: false,
            esocial: false,
            replace: false,
        };
        generator::generate(&dir, &options).unwrap();
        dir
    })
}

#[derive(Debug, Clone)]
enum Damage {
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    Replace(prop::sample::Index, u8),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => Just(b';'),
        2 => Just(b'"'),
        2 => Just(b'\n'),
        1 => Just(b'\r'),
        2 => Just(b'-'),
        2 => Just(b','),
        2 => Just(b'.'),
        2 => Just(b'9'),
        1 => Just(b'x'),
        1 => Just(b'/'),
        1 => Just(0xff),
        1 => Just(0xc3),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<prop::sample::Index>(), byte()).prop_map(|(i, b)| Damage::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Damage::Delete),
        (any::<prop::sample::Index>(), byte()).prop_map(|(i, b)| Damage::Replace(i, b)),
    ]
}

fn run(company: &Path, out: &Path) -> Result<batch::Summary, BatchError> {
    let options = BatchOptions {
        competencia: competencia(),
        output: out.to_path_buf(),
        formats: Formats {
            csv: true,
            jsonl: true,
        },
        progress: None,
        esocial_at: None,
        signer: None,
    };
    batch::run(company, &options)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn damaged_companies_never_lose_a_row(
        file in prop::sample::select(InputFile::ALL.to_vec()),
        damages in prop::collection::vec(damage(), 1..6),
    ) {
        let company = scratch("avariada");
        for entry in std::fs::read_dir(base_company()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), company.join(entry.file_name())).unwrap();
        }
        let path = company.join(file.file_name());
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        for d in &damages {
            match d {
                Damage::Insert(at, b) => {
                    let at = at.index(bytes.len() + 1);
                    bytes.insert(at, *b);
                }
                Damage::Delete(at) if !bytes.is_empty() => {
                    let at = at.index(bytes.len());
                    bytes.remove(at);
                }
                Damage::Replace(at, b) if !bytes.is_empty() => {
                    let at = at.index(bytes.len());
                    bytes[at] = *b;
                }
                _ => {}
            }
        }
        std::fs::write(&path, &bytes).unwrap();

        let out = company.join("saida");
        match run(&company, &out) {
            Err(BatchError::Accounting(m)) => prop_assert!(false, "linha perdida: {m}"),
            Err(e) => {
                // A broken file: the error names it, and nothing is written.
                let text = e.to_string();
                prop_assert!(text.contains(file.file_name()), "{text}");
                let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
                prop_assert_eq!(written, 0);
            }
            Ok(summary) => {
                for (f, n) in &summary.files {
                    prop_assert_eq!(n.read, n.used + n.rejected, "{}", f);
                }
                let rejected: u64 = summary.files.iter().map(|(_, n)| n.rejected).sum();
                let rejects = std::fs::read_to_string(out.join("rejeitados.jsonl")).unwrap();
                prop_assert_eq!(rejects.lines().count() as u64, rejected);
                // Deterministic: the same input, the same bytes.
                let again = company.join("saida2");
                run(&company, &again).unwrap();
                for name in ["resultado_funcionarios.csv", "rejeitados.csv", "resultados.jsonl", "provisoes_abertas.csv"] {
                    prop_assert_eq!(
                        std::fs::read(out.join(name)).unwrap(),
                        std::fs::read(again.join(name)).unwrap(),
                        "{}", name
                    );
                }
            }
        }
        let _ = std::fs::remove_dir_all(&company);
    }
}
