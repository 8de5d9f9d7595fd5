//! Analyst fixture cases (`consignado test`): a formula, the contexts to evaluate it in, and
//! the value (or error) each must give. TOML, so analysts can edit them by hand; the format is
//! documented in `fixtures/README.md`.
//!
//! ```toml
//! nome = "Teto do desconto 438 (exemplo da TOTVS)"
//! formula_arquivo = "seeds/desconto_438_totvs.rm"   # or: formula = "RC * 0.3"
//! avisos = ["W001"]                                  # warnings the formula must raise
//!
//! [[caso]]
//! nome = "parcela acima de 30% do líquido é limitada"
//! competencia = "2025-06"
//! variaveis = { L = "1200.00" }
//! eventos = { "0439" = "500.00" }
//! esperado = "360.00"
//! ```

use super::context::{ContextSpec, ExactDecimal, HistoryEntry, Money};
use crate::formula::{CompileOptions, Mode, Program, Value};
use crate::money::RoundingPolicy;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    /// What the file covers.
    pub nome: String,
    /// The formula, inline (cases may bring their own instead).
    #[serde(default)]
    pub formula: Option<String>,
    /// Or a path to it, relative to the fixture file.
    #[serde(default)]
    pub formula_arquivo: Option<String>,
    /// `"leniente"` (default) or `"estrito"`.
    #[serde(default)]
    pub modo: Option<String>,
    /// Exact warning codes the file's formula must produce (checked when present).
    #[serde(default)]
    pub avisos: Option<Vec<String>>,
    /// Error codes the file's formula must fail to compile with.
    #[serde(default)]
    pub erros: Option<Vec<String>>,
    /// `PERIODO` fixed by configuration, for every case.
    #[serde(default)]
    pub periodo_configurado: Option<i64>,
    /// The cases.
    #[serde(default)]
    pub caso: Vec<Case>,
}

/// One case: a formula (the file's, or its own) and the expected outcome — compile errors,
/// warnings, or the value of an evaluation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A human name.
    pub nome: String,
    /// This case's own formula (overrides the file's).
    #[serde(default)]
    pub formula: Option<String>,
    /// Error codes the formula must fail to compile with (nothing is evaluated).
    #[serde(default)]
    pub erros: Option<Vec<String>>,
    /// Exact warning codes the formula must produce.
    #[serde(default)]
    pub avisos: Option<Vec<String>>,
    /// `AAAA-MM` (default `2025-06`).
    #[serde(default)]
    pub competencia: Option<String>,
    /// `PERIODO`.
    #[serde(default)]
    pub periodo: Option<i64>,
    /// Variables.
    #[serde(default)]
    pub variaveis: BTreeMap<String, Money>,
    /// Events.
    #[serde(default)]
    pub eventos: BTreeMap<String, Money>,
    /// History for `LIQUIDOFF`.
    #[serde(default)]
    pub historico: Vec<HistoryEntry>,
    /// Expected value as money (rounded to 2 places, half away from zero).
    #[serde(default)]
    pub esperado: Option<Money>,
    /// Expected exact value, before rounding.
    #[serde(default)]
    pub esperado_exato: Option<ExactDecimal>,
    /// Expected boolean value (`true`/`false`).
    #[serde(default)]
    pub esperado_logico: Option<bool>,
    /// Expected evaluation error code.
    #[serde(default)]
    pub erro: Option<String>,
}

/// The outcome of one case (or of the file's compilation expectations).
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Fixture file.
    pub file: PathBuf,
    /// Case name (or the file's name for compile expectations).
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// Why it failed, with the explanation of the evaluation.
    pub detail: String,
}

/// Finds every `.toml` fixture under the given paths (files or folders, recursively, sorted).
pub fn collect(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, true, &mut out)?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(path: &Path, explicit: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            walk(&entry?.path(), false, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
        out.push(path.to_path_buf());
    } else if explicit {
        let why = if path.exists() {
            "não é um arquivo de casos .toml"
        } else {
            "não encontrado"
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{}: {why}", path.display()),
        ));
    }
    Ok(())
}

fn outcome(file: &Path, name: &str, problems: Vec<String>) -> Outcome {
    Outcome {
        file: file.to_path_buf(),
        name: name.to_string(),
        passed: problems.is_empty(),
        detail: problems.join("\n"),
    }
}

/// Runs one fixture file. A file that cannot be read or parsed is one failed outcome.
pub fn run_file(file: &Path) -> Vec<Outcome> {
    let fail = |msg: String| vec![outcome(file, "(arquivo)", vec![msg])];
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return fail(format!(
                "não foi possível ler: {}",
                crate::adapters::company::io_message(&e)
            ))
        }
    };
    let fixture: FixtureFile = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let place = e.span().map_or_else(String::new, |span| {
                let before = text.get(..span.start).unwrap_or(&text);
                format!(" (linha {})", before.matches('\n').count() + 1)
            });
            return fail(format!(
                "TOML inválido{place}: {}",
                crate::messages::toml_message(e.message())
            ));
        }
    };
    let source = match (&fixture.formula, &fixture.formula_arquivo) {
        (Some(f), None) => Some((f.clone(), file.display().to_string())),
        (None, Some(rel)) => {
            let path = file.parent().unwrap_or(Path::new(".")).join(rel);
            match std::fs::read_to_string(&path) {
                Ok(s) => Some((s, path.display().to_string())),
                Err(e) => {
                    return fail(format!(
                        "formula_arquivo {}: {}",
                        path.display(),
                        crate::adapters::company::io_message(&e)
                    ))
                }
            }
        }
        (None, None) => None,
        _ => return fail("informe `formula` ou `formula_arquivo`, não os dois".to_string()),
    };
    let mode = match fixture.modo.as_deref() {
        None | Some("leniente") => Mode::Lenient,
        Some("estrito") => Mode::Strict,
        Some(other) => return fail(format!("modo '{other}': use \"leniente\" ou \"estrito\"")),
    };
    let variables: Vec<String> = fixture
        .caso
        .iter()
        .flat_map(|c| c.variaveis.keys().map(|k| k.to_uppercase()))
        .collect();
    let options = CompileOptions {
        mode,
        variables,
        periodo: fixture.periodo_configurado,
    };
    let mut outcomes = Vec::new();
    let file_program = match &source {
        Some((src, name)) => {
            let header = format!("compilação ({})", fixture.nome);
            let (program, problems) =
                compile_expecting(src, name, &options, &fixture.erros, &fixture.avisos);
            if fixture.erros.is_some() || fixture.avisos.is_some() || !problems.is_empty() {
                outcomes.push(outcome(file, &header, problems));
            }
            program
        }
        None => None,
    };
    for case in &fixture.caso {
        let own;
        let program = match &case.formula {
            Some(src) => {
                let (program, problems) =
                    compile_expecting(src, &case.nome, &options, &case.erros, &case.avisos);
                if case.erros.is_some() || !problems.is_empty() {
                    outcomes.push(outcome(file, &case.nome, problems));
                    continue;
                }
                own = program;
                own.as_ref()
            }
            None => file_program.as_ref(),
        };
        match program {
            Some(p) => outcomes.push(run_case(file, p, case)),
            None if source.is_none() && case.formula.is_none() => outcomes.push(outcome(
                file,
                &case.nome,
                vec!["sem fórmula: informe `formula` no caso ou no arquivo".to_string()],
            )),
            None => {}
        }
    }
    outcomes
}

/// Compiles `source` and checks the expected errors or warnings. Returns the program (when
/// it compiled) and the problems found.
fn compile_expecting(
    source: &str,
    name: &str,
    options: &CompileOptions,
    errors: &Option<Vec<String>>,
    warnings: &Option<Vec<String>>,
) -> (Option<Program>, Vec<String>) {
    match (Program::compile(source, options), errors) {
        (Err(diags), Some(expected)) => {
            let mut got: Vec<String> = diags.errors().map(|d| d.code.to_string()).collect();
            got.dedup();
            if &got == expected {
                (None, vec![])
            } else {
                (
                    None,
                    vec![format!(
                        "erros esperados {expected:?}, obtidos {got:?}\n{}",
                        diags.render(name, source)
                    )],
                )
            }
        }
        (Err(diags), None) => (
            None,
            vec![format!(
                "a fórmula não compila:\n{}",
                diags.render(name, source)
            )],
        ),
        (Ok(_), Some(expected)) => (
            None,
            vec![format!(
                "esperados os erros {expected:?}, mas a fórmula compilou"
            )],
        ),
        (Ok(program), None) => {
            let mut problems = vec![];
            if let Some(expected) = warnings {
                let got: Vec<String> = program
                    .warnings()
                    .iter()
                    .map(|d| d.code.to_string())
                    .collect();
                if &got != expected {
                    problems.push(format!("avisos esperados {expected:?}, obtidos {got:?}"));
                }
            }
            (Some(program), problems)
        }
    }
}

fn run_case(file: &Path, program: &Program, case: &Case) -> Outcome {
    let spec = ContextSpec {
        competencia: case
            .competencia
            .clone()
            .unwrap_or_else(|| "2025-06".to_string()),
        periodo: case.periodo,
        variaveis: case.variaveis.clone(),
        eventos: case.eventos.clone(),
        historico: case.historico.clone(),
    };
    let ctx = match spec.to_context() {
        Ok(c) => c,
        Err(e) => return outcome(file, &case.nome, vec![format!("contexto inválido: {e}")]),
    };
    let (result, trace) = program.explain(&ctx);
    let mut problems = Vec::new();
    match (&result, &case.erro) {
        (Err(e), Some(code)) if e.code() == code => {}
        (Err(e), _) => problems.push(format!("erro na avaliação: {e}")),
        (Ok(v), Some(code)) => problems.push(format!("esperado o erro {code}, obtido o valor {v}")),
        (Ok(v), None) => {
            let number = match v {
                Value::Number(n) => Some(*n),
                Value::Bool(_) => None,
            };
            if let Some(want) = case.esperado {
                match number.map(|n| RoundingPolicy::FORMULA.round(n)) {
                    Some(got) if got == want.0 => {}
                    Some(got) => problems.push(format!("esperado {}, obtido {got}", want.0)),
                    None => problems.push(format!("esperado {}, obtido {v}", want.0)),
                }
            }
            if let Some(want) = case.esperado_exato {
                if number != Some(want.0) {
                    problems.push(format!("esperado exatamente {}, obtido {v}", want.0));
                }
            }
            if let Some(want) = case.esperado_logico {
                if *v != Value::Bool(want) {
                    problems.push(format!("esperado {want}, obtido {v}"));
                }
            }
            if case.esperado.is_none()
                && case.esperado_exato.is_none()
                && case.esperado_logico.is_none()
                && case.avisos.is_none()
            {
                problems.push(
                    "o caso não diz o que espera (esperado, esperado_exato, esperado_logico ou erro)"
                        .to_string(),
                );
            }
        }
    }
    if !problems.is_empty() {
        problems.push(format!("explicação:\n{trace}"));
    }
    outcome(file, &case.nome, problems)
}
