//! Argument parsing and exit codes; no business logic. Exit codes (README, "Exit codes"): 0 success,
//! 1 the input is wrong (formula, context, data) and the diagnostics say where, 2 usage or
//! I/O error. Diagnostics go to stderr as `FILE:LINE:COL`.

mod batch_cmds;
mod formula_cmds;
mod import_cmds;

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
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
        #[arg(long = "estrito", alias = "strict")]
        strict: bool,
        /// O código de cálculo a que a fórmula se destina (444, 438 ou 442): só as variáveis
        /// que as regras dão a esse código são aceitas. Sem ele, todas as das regras (RD, MARGEM).
        #[arg(long = "codigo", value_name = "CODIGO", value_parser = ["444", "438", "442"])]
        code: Option<String>,
        /// Mais uma variável de contexto que a fórmula pode ler (repetível).
        #[arg(long = "variavel", value_name = "NOME")]
        variables: Vec<String>,
        /// Arquivos de fórmula ('-' para a entrada padrão).
        #[arg(value_name = "ARQUIVO", required = true)]
        files: Vec<PathBuf>,
    },
    /// Avalia uma fórmula num contexto JSON e imprime o valor.
    Eval {
        /// Arquivo da fórmula.
        #[arg(value_name = "FORMULA")]
        file: PathBuf,
        /// Contexto JSON (competencia, periodo, variaveis, eventos, historico).
        #[arg(long = "contexto", alias = "context", value_name = "ARQUIVO")]
        context: PathBuf,
        /// Modo estrito.
        #[arg(long = "estrito", alias = "strict")]
        strict: bool,
        /// Imprime o decimal exato em vez do valor monetário (2 casas).
        #[arg(long = "exato", alias = "raw")]
        raw: bool,
        /// Mostra a árvore da avaliação: `--explicar` (texto) ou `--explicar=json`.
        #[arg(long = "explicar", alias = "explain", num_args = 0..=1, require_equals = true, value_name = "FORMA", default_missing_value = "texto", value_parser = clap::builder::PossibleValuesParser::new([clap::builder::PossibleValue::new("texto").alias("text"), clap::builder::PossibleValue::new("json")]))]
        explain: Option<String>,
    },
    /// Imprime (ou confere) o leiaute canônico das fórmulas.
    Fmt {
        /// Não imprime; falha (saída 1) se algum arquivo não estiver no leiaute canônico.
        #[arg(long = "conferir", alias = "check", conflicts_with = "write")]
        check: bool,
        /// Reescreve os arquivos no lugar.
        #[arg(long = "gravar", alias = "write")]
        write: bool,
        /// Arquivos de fórmula.
        #[arg(value_name = "ARQUIVO", required = true)]
        files: Vec<PathBuf>,
    },
    /// Executa casos de teste de fórmulas (arquivos .toml; padrão: fixtures/formula).
    Test {
        /// Arquivos ou pastas de casos.
        #[arg(value_name = "CAMINHO")]
        paths: Vec<PathBuf>,
        /// Mostra também os casos aprovados.
        #[arg(long = "detalhado", alias = "verbose", short = 'v')]
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
        /// Assina os eventos do eSocial com este certificado A1 (PKCS#12, .pfx). A senha vem de
        /// --senha-arquivo ou da variável CONSIGNADO_SENHA_CERTIFICADO, nunca da linha de comando.
        #[arg(long, value_name = "ARQUIVO.pfx")]
        certificado: Option<PathBuf>,
        /// Arquivo com a senha do certificado (a primeira linha).
        #[arg(long, value_name = "ARQUIVO", requires = "certificado")]
        senha_arquivo: Option<PathBuf>,
        /// Data e hora do Id dos eventos do eSocial, AAAA-MM-DDTHH:MM:SS (padrão: agora, horário de Brasília).
        #[arg(long, value_name = "DATA_HORA")]
        data_hora_eventos: Option<String>,
    },
    /// Importa arquivos externos para a pasta da empresa.
    Importar {
        #[command(subcommand)]
        what: ImportKind,
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
        /// Inclui um mês do Crédito do Trabalhador: o arquivo do governo (governo/*.json),
        /// a tabela de rubricas e os eventos do mês com rubricas.
        #[arg(long)]
        credito_trabalhador: bool,
        /// Inclui os dados do empregador no eSocial (esocial.toml) e as colunas do S-2299 nas
        /// rescisões: o lote grava então os eventos. Exige --credito-trabalhador.
        #[arg(long, requires = "credito_trabalhador")]
        esocial: bool,
        /// Troca inteira uma pasta que não está vazia (sem isto, a pasta precisa estar vazia ou não existir).
        #[arg(long)]
        substituir: bool,
    },
}

/// What `consignado importar` reads.
#[derive(Subcommand)]
enum ImportKind {
    /// Parcelas do Crédito do Trabalhador (arquivo do Portal Emprega Brasil ou da API da
    /// Dataprev: JSON, envelope da API, CSV ou XLSX) para a competência; substitui a importação
    /// anterior da mesma competência e CNPJ raiz e grava o relatório de cada registro.
    CreditoTrabalhador {
        /// Pasta da empresa (configuracao.toml com [empresa] cnpj, funcionarios.csv).
        empresa: PathBuf,
        /// Arquivos do governo (um ou mais).
        #[arg(required = true)]
        arquivos: Vec<PathBuf>,
        /// Competência a importar, AAAA-MM (padrão: a dos registros).
        #[arg(long)]
        competencia: Option<String>,
    },
}

/// The help in Portuguese, for the command and every subcommand: the headings (`Uso:`,
/// `Argumentos:`, `Opções:`, `Comandos:`), the usage line and the help and version flags
/// (`-h`/`--ajuda`, `-V`/`--versao`; `--help` and `--version` stay as aliases).
fn portuguese(cmd: clap::Command, parent: &str) -> clap::Command {
    let path = if parent.is_empty() {
        cmd.get_name().to_owned()
    } else {
        format!("{parent} {}", cmd.get_name())
    };
    let has_subcommands = cmd.has_subcommands();
    let mut usage = path.clone();
    let mut template = String::from("{about-with-newline}\nUso: {usage}\n");
    if has_subcommands {
        usage.push_str(" <COMANDO>");
        template.push_str("\nComandos:\n{subcommands}\n");
    } else {
        usage.push_str(" [OPÇÕES]");
        let mut any = false;
        for a in cmd.get_positionals() {
            any = true;
            let name = a
                .get_value_names()
                .and_then(|v| v.first())
                .map_or_else(|| a.get_id().as_str().to_uppercase(), ToString::to_string);
            let many = matches!(a.get_action(), ArgAction::Append)
                || a.get_num_args().is_some_and(|n| n.max_values() > 1);
            let dots = if many { "…" } else { "" };
            if a.is_required_set() {
                usage.push_str(&format!(" <{name}>{dots}"));
            } else {
                usage.push_str(&format!(" [{name}]{dots}"));
            }
        }
        if any {
            template.push_str("\nArgumentos:\n{positionals}\n");
        }
    }
    template.push_str("\nOpções:\n{options}\n");
    let top = parent.is_empty();
    let mut cmd = cmd
        .mut_args(|a| {
            // clap's "[possible values: …]" and "[default: …]" are in English: said in the help.
            let mut extra = Vec::new();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !values.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue) {
                extra.push(format!("valores: {}", values.join(", ")));
            }
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() && !matches!(a.get_action(), ArgAction::SetTrue) {
                extra.push(format!("padrão: {}", defaults.join(", ")));
            }
            if extra.is_empty() {
                return a;
            }
            let help = a.get_help().map(ToString::to_string).unwrap_or_default();
            a.help(format!("{help} [{}]", extra.join("; ")))
                .hide_possible_values(true)
                .hide_default_value(true)
        })
        .override_usage(usage)
        .help_template(template)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("ajuda")
                .short('h')
                .long("ajuda")
                .alias("help")
                .action(ArgAction::Help)
                .help("Mostra esta ajuda"),
        );
    if top {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("versao")
                .short('V')
                .long("versao")
                .alias("version")
                .action(ArgAction::Version)
                .help("Mostra a versão"),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        let p = path.clone();
        cmd = cmd.mut_subcommand(name, move |sub| portuguese(sub, &p));
    }
    cmd
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let parsed = portuguese(Cli::command(), "")
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help, --version.
            let _ = e.print();
            return EXIT_OK;
        }
        Err(e) => {
            eprintln!("{}", usage_error(&e));
            return EXIT_USAGE;
        }
    };
    match cli.command {
        Command::Check {
            strict,
            code,
            variables,
            files,
        } => formula_cmds::check(&files, strict, code.as_deref(), &variables),
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
            certificado,
            senha_arquivo,
            data_hora_eventos,
        } => batch_cmds::batch(
            &empresa,
            &competencia,
            &saida,
            &formato,
            !sem_progresso,
            &batch_cmds::EsocialArgs {
                certificate: certificado,
                password_file: senha_arquivo,
                at: data_hora_eventos,
            },
        ),
        Command::Importar {
            what:
                ImportKind::CreditoTrabalhador {
                    empresa,
                    arquivos,
                    competencia,
                },
        } => import_cmds::credito_trabalhador(&empresa, &arquivos, competencia.as_deref()),
        Command::Gerar {
            funcionarios,
            semente,
            saida,
            competencia,
            defeituosas,
            credito_trabalhador,
            esocial,
            substituir,
        } => batch_cmds::generate(
            funcionarios,
            semente,
            &saida,
            &competencia,
            defeituosas,
            (credito_trabalhador, esocial, substituir),
        ),
    }
}

/// A usage error in Portuguese: what is wrong, the usage line, where to find help. The shapes
/// clap reports are translated; any other keeps clap's own text.
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("argumento desconhecido '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "subcomando desconhecido '{}' (use check, eval, fmt, test, batch, importar ou gerar)",
            text(ContextKind::InvalidSubcommand).unwrap_or(arg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("faltam argumentos obrigatórios: {arg}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "falta o subcomando (check, eval, fmt, test, batch, importar ou gerar)".to_owned()
        }
        ErrorKind::InvalidValue => {
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            match text(ContextKind::ValidValue) {
                Some(valid) => {
                    format!("valor inválido '{value}' para {arg} (aceitos: {valid})")
                }
                None => format!("valor inválido '{value}' para {arg}"),
            }
        }
        ErrorKind::ValueValidation => format!(
            "valor inválido '{}' para {arg}",
            text(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) if prior == arg => format!("{arg} informado mais de uma vez"),
            prior => format!(
                "{arg} não pode ser usado junto com {}",
                prior.unwrap_or_default()
            ),
        },
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("número de valores errado para {arg}")
        }
        _ => {
            let raw = e.to_string();
            let first = raw.lines().next().unwrap_or_default();
            first.strip_prefix("error: ").unwrap_or(first).to_owned()
        }
    };
    let mut out = format!("erro de uso: {what}");
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim().replacen("Usage:", "Uso:", 1);
        out.push_str("\n\n");
        out.push_str(&usage.replace("[OPTIONS]", "[OPÇÕES]"));
    }
    out.push_str("\n\nMais informações: consignado --help, ou consignado SUBCOMANDO --help");
    out
}
