//! Argument parsing and exit codes; no business logic. Exit codes (SPEC §5): 0 success,
//! 1 the input is wrong (formula, context, data) and the diagnostics say where, 2 usage or
//! I/O error. Diagnostics go to stderr as `FILE:LINE:COL`.

mod batch_cmds;
mod formula_cmds;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: the input is wrong.
pub const EXIT_INPUT: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser)]
#[command(
    name = "consignado",
    version,
    about = "Motor de crédito consignado CLT: fórmulas RM, margem, rateio, descontos e lote mensal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analisa e verifica fórmulas (sintaxe, nomes, funções, tipos).
    Check {
        /// Modo estrito: todo SE com seu FIMSE; avisos viram erros.
        #[arg(long)]
        strict: bool,
        /// Arquivos de fórmula.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Avalia uma fórmula num contexto JSON e imprime o valor.
    Eval {
        /// Arquivo da fórmula.
        file: PathBuf,
        /// Contexto JSON (competencia, periodo, variaveis, eventos, historico).
        #[arg(long)]
        context: PathBuf,
        /// Modo estrito.
        #[arg(long)]
        strict: bool,
        /// Imprime o decimal exato em vez do valor monetário (2 casas).
        #[arg(long)]
        raw: bool,
        /// Mostra a árvore da avaliação: `--explain` (texto) ou `--explain=json`.
        #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "text", value_parser = ["text", "json"])]
        explain: Option<String>,
    },
    /// Imprime (ou confere) o leiaute canônico das fórmulas.
    Fmt {
        /// Não imprime; falha (saída 1) se algum arquivo não estiver no leiaute canônico.
        #[arg(long, conflicts_with = "write")]
        check: bool,
        /// Reescreve os arquivos no lugar.
        #[arg(long)]
        write: bool,
        /// Arquivos de fórmula.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Executa casos de teste de fórmulas (arquivos .toml; padrão: fixtures/formula).
    Test {
        /// Arquivos ou pastas de casos.
        paths: Vec<PathBuf>,
        /// Mostra também os casos aprovados.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Lote mensal: calcula a competência de uma empresa inteira (margens, rateio, descontos,
    /// provisões, rejeitados, mensagens de importação) e imprime o resumo.
    Batch {
        /// Pasta da empresa (configuracao.toml, funcionarios.csv, ficha_financeira.csv, …).
        empresa: PathBuf,
        /// Competência a calcular, AAAA-MM.
        #[arg(long)]
        competencia: String,
        /// Pasta de saída (criada se não existir).
        #[arg(long, default_value = "saida")]
        saida: PathBuf,
        /// Formatos de saída.
        #[arg(long, default_value = "ambos", value_parser = ["csv", "jsonl", "ambos"])]
        formato: String,
        /// Não mostra a barra de progresso.
        #[arg(long)]
        sem_progresso: bool,
    },
    /// Gera uma empresa sintética realista (determinística pela semente) para testes de escala.
    Gerar {
        /// Número de funcionários.
        #[arg(long, default_value_t = 1000)]
        funcionarios: u64,
        /// Semente do gerador.
        #[arg(long, default_value_t = 1)]
        semente: u64,
        /// Pasta a criar.
        #[arg(long)]
        saida: PathBuf,
        /// Competência do lote que a empresa vai rodar, AAAA-MM.
        #[arg(long, default_value = "2025-07")]
        competencia: String,
        /// Inclui uma pequena parcela de linhas defeituosas (valores ilegíveis, matrículas desconhecidas).
        #[arg(long)]
        defeituosas: bool,
    },
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match cli.command {
        Command::Check { strict, files } => formula_cmds::check(&files, strict),
        Command::Eval {
            file,
            context,
            strict,
            raw,
            explain,
        } => formula_cmds::eval(&file, &context, strict, raw, explain.as_deref()),
        Command::Fmt {
            check,
            write,
            files,
        } => formula_cmds::fmt(&files, check, write),
        Command::Test { paths, verbose } => formula_cmds::test(&paths, verbose),
        Command::Batch {
            empresa,
            competencia,
            saida,
            formato,
            sem_progresso,
        } => batch_cmds::batch(&empresa, &competencia, &saida, &formato, !sem_progresso),
        Command::Gerar {
            funcionarios,
            semente,
            saida,
            competencia,
            defeituosas,
        } => batch_cmds::generate(funcionarios, semente, &saida, &competencia, defeituosas),
    }
}
