//! `check`, `eval`, `fmt`, `test`: the analyst's commands over formulas.

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use consignado::adapters::{context, fixture};
use consignado::formula::{self, CompileOptions, Mode, Program, Trace, Value};
use consignado::money::{format_money, RoundingPolicy};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Reads a formula or context file. Not opening it is an I/O error (exit 2); bytes that are
/// not UTF-8 are the input's fault (exit 1), with the line and column, as in the batch.
fn read(path: &Path) -> Result<String, i32> {
    let bytes = if path.as_os_str() == "-" {
        // `-`: the standard input.
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    let bytes = bytes.map_err(|e| {
        eprintln!(
            "{}: não foi possível ler: {}",
            path.display(),
            consignado::adapters::company::io_message(&e)
        );
        EXIT_USAGE
    })?;
    consignado::adapters::company::utf8_text(bytes).map_err(|(line, col, message)| {
        eprintln!("{}:{line}:{col}: {message}", path.display());
        EXIT_INPUT
    })
}

fn mode(strict: bool) -> Mode {
    if strict {
        Mode::Strict
    } else {
        Mode::Lenient
    }
}

pub fn check(files: &[PathBuf], strict: bool, for_code: Option<&str>, extra: &[String]) -> i32 {
    let mut variables: Vec<String> = match for_code {
        Some(c) => consignado::domain::formula_variables(c).unwrap_or(&[]),
        None => consignado::domain::ALL_FORMULA_VARIABLES,
    }
    .iter()
    .map(|v| (*v).to_owned())
    .collect();
    variables.extend(extra.iter().cloned());
    let mut code = EXIT_OK;
    for file in files {
        let source = match read(file) {
            Ok(s) => s,
            Err(c) => {
                code = code.max(c);
                continue;
            }
        };
        let name = file.display().to_string();
        let options = CompileOptions {
            mode: mode(strict),
            variables: variables.clone(),
            ..CompileOptions::default()
        };
        match Program::compile(&source, &options) {
            Ok(program) => {
                if !program.warnings().is_empty() {
                    eprintln!(
                        "{}",
                        consignado::formula::diagnostic::render_bounded(
                            program.warnings(),
                            &name,
                            &source
                        )
                    );
                }
                println!("{name}: ok ({} aviso(s))", program.warnings().len());
            }
            Err(diags) => {
                eprintln!("{}", diags.render(&name, &source));
                let errors = diags.errors().count();
                println!("{name}: {errors} erro(s)");
                code = code.max(EXIT_INPUT);
            }
        }
    }
    code
}

#[derive(Serialize)]
struct Explanation<'a> {
    valor: Option<String>,
    #[serde(flatten)]
    trace: &'a Trace,
}

pub fn eval(
    file: &Path,
    context_path: &Path,
    strict: bool,
    raw: bool,
    explain: Option<&str>,
) -> i32 {
    let (source, context_text) = match (read(file), read(context_path)) {
        (Ok(s), Ok(c)) => (s, c),
        _ => return EXIT_USAGE,
    };
    let name = file.display().to_string();
    let spec = match context::from_json(&context_text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}:{e}", context_path.display());
            return EXIT_INPUT;
        }
    };
    let ctx = match spec.to_context() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", context_path.display());
            return EXIT_INPUT;
        }
    };
    let options = CompileOptions {
        mode: mode(strict),
        variables: spec.variable_names(),
        periodo: None,
    };
    let program = match Program::compile(&source, &options) {
        Ok(p) => p,
        Err(diags) => {
            eprintln!("{}", diags.render(&name, &source));
            return EXIT_INPUT;
        }
    };
    if !program.warnings().is_empty() {
        eprintln!(
            "{}",
            consignado::formula::diagnostic::render_bounded(program.warnings(), &name, &source)
        );
    }
    if let Some(d) = program.require_periodo(ctx.periodo.is_some()) {
        eprintln!("{}", d.render(&name, &source));
        return EXIT_INPUT;
    }
    let (result, trace) = match explain {
        Some(_) => {
            let (r, t) = program.explain(&ctx);
            (r, Some(t))
        }
        None => (program.evaluate(&ctx), None),
    };
    let shown = result.as_ref().ok().map(|v| match v {
        Value::Number(n) if raw => n.to_string(),
        Value::Number(n) => format_money(RoundingPolicy::FORMULA.round(*n)),
        other => other.to_string(),
    });
    match (explain, &trace) {
        (Some("json"), Some(t)) => {
            let e = Explanation {
                valor: shown.clone(),
                trace: t,
            };
            match serde_json::to_string_pretty(&e) {
                Ok(j) => println!("{j}"),
                Err(err) => {
                    eprintln!("erro ao gerar JSON: {err}");
                    return EXIT_USAGE;
                }
            }
        }
        (Some(_), Some(t)) => {
            if let Some(v) = &shown {
                println!("{v}");
            }
            print!("{t}");
        }
        _ => {
            if let Some(v) = &shown {
                println!("{v}");
            }
        }
    }
    match result {
        Ok(_) => EXIT_OK,
        Err(e) => {
            eprintln!("{}", e.to_diagnostic().render(&name, &source));
            EXIT_INPUT
        }
    }
}

pub fn fmt(files: &[PathBuf], check: bool, write: bool) -> i32 {
    let mut code = EXIT_OK;
    for file in files {
        let source = match read(file) {
            Ok(s) => s,
            Err(c) => {
                code = code.max(c);
                continue;
            }
        };
        let name = file.display().to_string();
        let formatted = match formula::format(&source) {
            Ok(f) => f,
            Err(diags) => {
                eprintln!("{}", diags.render(&name, &source));
                code = code.max(EXIT_INPUT);
                continue;
            }
        };
        if check {
            if formatted != source {
                eprintln!("{name}: fora do leiaute canônico (rode `consignado fmt --gravar`)");
                code = code.max(EXIT_INPUT);
            }
        } else if write && file.as_os_str() != "-" {
            // Replaced whole: written beside it, then renamed over it.
            if formatted != source {
                let tmp = file.with_file_name(format!(
                    ".{}.consignado-fmt-{}",
                    file.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                    std::process::id()
                ));
                let written =
                    std::fs::write(&tmp, &formatted).and_then(|()| std::fs::rename(&tmp, file));
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&tmp);
                    eprintln!(
                        "{name}: não foi possível gravar: {}",
                        consignado::adapters::company::io_message(&e)
                    );
                    code = code.max(EXIT_USAGE);
                }
            }
        } else {
            // `-` (the standard input) with --gravar: the formatted text goes to the output.
            if files.len() > 1 {
                println!("/* {name} */");
            }
            print!("{formatted}");
        }
    }
    code
}

pub fn test(paths: &[PathBuf], verbose: bool) -> i32 {
    let defaults = [PathBuf::from("fixtures/formula")];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let files = match fixture::collect(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_USAGE;
        }
    };
    if files.is_empty() {
        eprintln!("nenhum arquivo de casos (.toml) encontrado");
        return EXIT_USAGE;
    }
    let (mut passed, mut failed) = (0, 0);
    for file in &files {
        for o in fixture::run_file(file) {
            if o.passed {
                passed += 1;
                if verbose {
                    println!("ok      {} :: {}", o.file.display(), o.name);
                }
            } else {
                failed += 1;
                println!("FALHOU  {} :: {}", o.file.display(), o.name);
                for line in o.detail.lines() {
                    println!("        {line}");
                }
            }
        }
    }
    println!("{passed} casos aprovados, {failed} reprovados");
    if failed > 0 {
        EXIT_INPUT
    } else {
        EXIT_OK
    }
}
