//! `consignado batch` and `consignado gerar`: argument handling and exit codes only; the work
//! is in [`consignado::batch`].

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use consignado::adapters::output::Formats;
use consignado::batch::{self, generator, BatchError, BatchOptions};
use consignado::domain::Competencia;
use std::path::Path;
use std::time::Instant;

fn competencia(text: &str) -> Result<Competencia, i32> {
    consignado::adapters::company::parse_competencia_field(text.trim()).ok_or_else(|| {
        eprintln!("erro: competência inválida '{text}': use AAAA-MM, por exemplo 2025-07");
        EXIT_USAGE
    })
}

/// `consignado batch DIR --competencia AAAA-MM --saida OUT [--formato csv|jsonl|ambos]`.
pub fn batch(
    dir: &Path,
    competencia_text: &str,
    output: &Path,
    format: &str,
    progress: bool,
) -> i32 {
    let competencia = match competencia(competencia_text) {
        Ok(c) => c,
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
    let options = BatchOptions {
        competencia,
        output: output.to_path_buf(),
        formats,
        progress,
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
                _ => EXIT_USAGE,
            }
        }
    }
}

/// `consignado gerar --funcionarios N --semente S --saida DIR [--competencia AAAA-MM] [--defeituosas] [--credito-trabalhador]`.
pub fn generate(
    employees: u64,
    seed: u64,
    output: &Path,
    competencia_text: &str,
    damaged: bool,
    credito_trabalhador: bool,
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
    };
    let started = Instant::now();
    match generator::generate(output, &options) {
        Ok(stats) => {
            println!(
                "empresa sintética gravada em {}: {} funcionários, {} linhas de ficha financeira, {} parcelas, competência {} (semente {seed})",
                output.display(),
                stats.employees,
                stats.history_rows,
                stats.installment_rows,
                competencia
            );
            if credito_trabalhador {
                println!(
                    "Crédito do Trabalhador: {} registros em {}, rubricas.csv",
                    stats.platform_records,
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
