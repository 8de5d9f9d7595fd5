//! `consignado batch` and `consignado gerar`: argument handling and exit codes only; the work
//! is in [`consignado::batch`].

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use consignado::adapters::esocial::Signer;
use consignado::adapters::output::Formats;
use consignado::batch::{self, generator, BatchError, BatchOptions};
use consignado::domain::Competencia;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

fn competencia(text: &str) -> Result<Competencia, i32> {
    consignado::adapters::company::parse_competencia_field(text.trim()).ok_or_else(|| {
        eprintln!("erro: competência inválida '{text}': use AAAA-MM, por exemplo 2025-07");
        EXIT_USAGE
    })
}

/// The eSocial options of `batch`.
pub struct EsocialArgs {
    /// `--certificado`.
    pub certificate: Option<PathBuf>,
    /// `--senha-arquivo`.
    pub password_file: Option<PathBuf>,
    /// `--data-hora-eventos`.
    pub at: Option<String>,
}

/// The environment variable holding the certificate's password.
pub const PASSWORD_VAR: &str = "CONSIGNADO_SENHA_CERTIFICADO";

/// Reads the certificate: its password from the file or the environment, never the command line.
fn signer(args: &EsocialArgs) -> Result<Option<Arc<Signer>>, i32> {
    let Some(path) = &args.certificate else {
        return Ok(None);
    };
    let password = match &args.password_file {
        Some(file) => match std::fs::read_to_string(file) {
            Ok(text) => text.lines().next().unwrap_or("").to_owned(),
            Err(e) => {
                eprintln!(
                    "erro: {}: {}",
                    file.display(),
                    consignado::adapters::company::io_message(&e)
                );
                return Err(EXIT_USAGE);
            }
        },
        None => match std::env::var(PASSWORD_VAR) {
            Ok(p) => p,
            Err(_) => {
                eprintln!("erro: informe a senha do certificado em --senha-arquivo ARQUIVO ou na variável {PASSWORD_VAR}");
                return Err(EXIT_USAGE);
            }
        },
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!(
                "erro: {}: {}",
                path.display(),
                consignado::adapters::company::io_message(&e)
            );
            return Err(EXIT_USAGE);
        }
    };
    match Signer::from_pkcs12(&bytes, &password) {
        Ok(s) => Ok(Some(Arc::new(s))),
        Err(message) => {
            eprintln!("erro: {}: {message}", path.display());
            Err(EXIT_USAGE)
        }
    }
}

/// The progress bar on stderr (drawn only when stderr is a terminal).
#[derive(Debug)]
struct Bar(indicatif::ProgressBar);

impl batch::Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
        self.0.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {wide_bar} {pos}/{len} funcionários ({per_sec}, falta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        self.0
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
    fn advance(&self, done: u64) {
        self.0.inc(done);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// `consignado batch DIR --competencia AAAA-MM --saida OUT [--formato csv|jsonl|ambos]
/// [--certificado F.pfx [--senha-arquivo F]] [--data-hora-eventos AAAA-MM-DDTHH:MM:SS]`.
pub fn batch(
    dir: &Path,
    competencia_text: &str,
    output: &Path,
    format: &str,
    progress: bool,
    esocial: &EsocialArgs,
) -> i32 {
    let competencia = match competencia(competencia_text) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let esocial_at = match &esocial.at {
        None => None,
        Some(text) => match chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S")
        {
            Ok(at) => Some(at),
            Err(_) => {
                eprintln!("erro: --data-hora-eventos '{text}' inválida: use AAAA-MM-DDTHH:MM:SS, por exemplo 2026-03-05T10:00:00");
                return EXIT_USAGE;
            }
        },
    };
    let signer = match signer(esocial) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let formats = match format {
        "csv" => Formats {
            csv: true,
            jsonl: false,
        },
        "jsonl" => Formats {
            csv: false,
            jsonl: true,
        },
        _ => Formats {
            csv: true,
            jsonl: true,
        },
    };
    let progress: Option<Arc<dyn batch::Progress>> =
        if progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            Some(Arc::new(Bar(indicatif::ProgressBar::hidden())))
        } else {
            None
        };
    let options = BatchOptions {
        competencia,
        output: output.to_path_buf(),
        formats,
        progress,
        esocial_at,
        signer,
    };
    let started = Instant::now();
    match batch::run(dir, &options) {
        Ok(summary) => {
            print!("{}", summary.text);
            eprintln!(
                "saída gravada em {} ({:.2} s)",
                output.display(),
                started.elapsed().as_secs_f64()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("erro: {e}");
            match &e {
                BatchError::Load(l) if l.is_input() => EXIT_INPUT,
                BatchError::Overflow(_) => EXIT_INPUT,
                _ => EXIT_USAGE,
            }
        }
    }
}

/// `consignado gerar --funcionarios N --semente S --saida DIR [--competencia AAAA-MM] [--defeituosas] [--credito-trabalhador [--esocial]]`.
pub fn generate(
    employees: u64,
    seed: u64,
    output: &Path,
    competencia_text: &str,
    damaged: bool,
    (credito_trabalhador, esocial, replace): (bool, bool, bool),
) -> i32 {
    let competencia = match competencia(competencia_text) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = generator::GeneratorOptions {
        employees,
        seed,
        competencia,
        damaged_rows: damaged,
        credito_trabalhador,
        esocial,
        replace,
    };
    let started = Instant::now();
    match generator::generate(output, &options) {
        Ok(stats) => {
            println!(
                "empresa sintética gravada em {}: {}, {} de ficha financeira, {}, competência {} (semente {seed})",
                output.display(),
                consignado::money::count(stats.employees, "funcionário", "funcionários"),
                consignado::money::count(stats.history_rows, "linha", "linhas"),
                consignado::money::count(stats.installment_rows, "parcela", "parcelas"),
                competencia
            );
            if credito_trabalhador {
                println!(
                    "Crédito do Trabalhador: {} em {}, rubricas.csv",
                    consignado::money::count(stats.platform_records, "registro", "registros"),
                    output
                        .join("governo")
                        .join(format!("credito_trabalhador_{}.json", competencia.to_iso()))
                        .display()
                );
            }
            eprintln!("({:.2} s)", started.elapsed().as_secs_f64());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("erro: {}: {}", output.display(), e);
            EXIT_USAGE
        }
    }
}
