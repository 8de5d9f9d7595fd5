//! `consignado importar …`: argument handling and exit codes only; the work is in
//! [`consignado::adapters::credito_trabalhador::import`].

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use consignado::adapters::credito_trabalhador::import::{self, ImportOptions};
use std::path::{Path, PathBuf};

/// `consignado importar credito-trabalhador EMPRESA ARQUIVO… [--competencia AAAA-MM]`.
pub fn credito_trabalhador(dir: &Path, files: &[PathBuf], competencia: Option<&str>) -> i32 {
    let competencia = match competencia {
        None => None,
        Some(text) => match consignado::adapters::company::parse_competencia_field(text.trim()) {
            Some(c) => Some(c),
            None => {
                eprintln!("erro: competência inválida '{text}': use AAAA-MM, por exemplo 2026-01");
                return EXIT_USAGE;
            }
        },
    };
    match import::import(dir, files, &ImportOptions { competencia }) {
        Ok(summary) => {
            print!("{}", summary.render());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("erro: {e}");
            eprintln!("nada foi alterado na pasta da empresa.");
            if e.is_input() {
                EXIT_INPUT
            } else {
                EXIT_USAGE
            }
        }
    }
}
