//! Reading a company folder for the batch: the configuration (compiled once the tables are
//! read, so that the Crédito do Trabalhador institutions of the month are in it), the tables
//! in parallel, and the rubric table; every configuration error placed in the TOML file.

use crate::adapters::company::{InputFile, LoadError, Table, CONFIG_FILE};
use crate::domain::CompiledConfig;
use rayon::prelude::*;
use std::path::Path;

/// A company folder read and validated.
#[derive(Debug)]
pub struct Company {
    /// The configuration, validated and compiled.
    pub config: CompiledConfig,
    /// The tables, by [`InputFile::index`].
    pub tables: Vec<Table>,
    /// The rubric table (`rubricas.csv`), when the company has one: the remuneração
    /// disponível is then computed from the month's events.
    pub rubrics: Option<Rubrics>,
    /// The folder it was read from.
    pub dir: std::path::PathBuf,
    /// The employer's eSocial data (`esocial.toml`), when the company has it: the batch then
    /// writes the events, the items table and the reconciliation.
    pub esocial: Option<crate::adapters::esocial::EsocialSettings>,
}

/// The company's rubrics by event code, classified for the remuneração disponível.
pub type Rubrics = std::collections::HashMap<String, crate::adapters::rubrics::RubricClass>;

/// Reads `rubricas.csv` (absent: `None`). A row that does not read, or a code given twice,
/// stops the run: every employee's remuneração disponível depends on the table.
fn load_rubrics(dir: &Path) -> Result<Option<Rubrics>, LoadError> {
    use crate::adapters::rubrics::{classify, parse_rubric_fields};
    let path = dir.join(InputFile::Rubricas.file_name());
    if crate::adapters::company::check_input(&path)?.is_none() {
        return Ok(None);
    }
    let table = Table::read(dir, InputFile::Rubricas)?;
    let mut rubrics = Rubrics::with_capacity(table.len());
    let mut lines: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for r in 0..table.len() {
        let f = |c: usize| table.field(r, c);
        let line = table.line(r);
        let bad = |field: &str, message: &str| LoadError::Format {
            path: path.clone(),
            line: u64::from(line),
            message: format!("{field}: {message}"),
        };
        let habitual = if f(7).is_empty() { "sim" } else { f(7) };
        let rubric = parse_rubric_fields(f(0), f(2), f(3), f(4), f(5), f(6), habitual)
            .map_err(|(field, message)| bad(&field, &message))?;
        let class = classify(&rubric).map_err(|message| bad("natureza", &message))?;
        if let Some(first) = lines.insert(f(0).to_owned(), line) {
            return Err(bad(
                "evento",
                &format!(
                    "rubrica '{}' repetida (já na linha {first}): uma linha por evento",
                    f(0)
                ),
            ));
        }
        rubrics.insert(f(0).to_owned(), class);
    }
    Ok(Some(rubrics))
}

/// Reads and validates a company folder: configuration and tables (in parallel).
pub fn load(dir: &Path) -> Result<Company, LoadError> {
    let meta = std::fs::metadata(dir).map_err(|e| LoadError::Io {
        path: dir.to_path_buf(),
        message: crate::adapters::company::io_message(&e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError::Io {
            path: dir.to_path_buf(),
            message: "não é uma pasta de empresa".to_owned(),
        });
    }
    let config_path = dir.join(CONFIG_FILE);
    if crate::adapters::company::check_input(&config_path)?.is_none() {
        return Err(LoadError::Missing {
            path: config_path,
            message: "a pasta da empresa não tem configuracao.toml: crie-o (modelo comentado em fixtures/domain/config.example.toml)".to_owned(),
        });
    }
    let (config, tables) = rayon::join(
        || load_config(&config_path),
        || {
            InputFile::ALL
                .par_iter()
                .map(|&f| Table::read(dir, f))
                .collect::<Vec<_>>()
        },
    );
    let (config, text) = config?;
    let tables = tables.into_iter().collect::<Result<Vec<_>, _>>()?;
    let rubrics = load_rubrics(dir)?;
    // The institutions of the Crédito do Trabalhador installments need no configuration.
    let credit = &tables[InputFile::ParcelasCredito.index()];
    // Each code once, with the name of its first line.
    let mut names: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for r in 0..credit.len() {
        let code = credit.field(r, 1);
        if crate::domain::platform::is_institution_code(code) {
            names.entry(code).or_insert_with(|| credit.field(r, 9));
        }
    }
    let codes: Vec<(String, String)> = names
        .into_iter()
        .map(|(c, n)| (c.to_owned(), n.to_owned()))
        .collect();
    let config = CompiledConfig::compile(config.with_platform_institutions(&codes))
        .map_err(|issues| config_error(&config_path, &text, &issues))?;
    let esocial = load_esocial(dir, config.config().empresa.cnpj.as_deref())?;
    Ok(Company {
        config,
        tables,
        rubrics,
        dir: dir.to_path_buf(),
        esocial,
    })
}

/// Reads `esocial.toml` (absent: `None`); every problem at once, each with its line.
fn load_esocial(
    dir: &Path,
    cnpj: Option<&str>,
) -> Result<Option<crate::adapters::esocial::EsocialSettings>, LoadError> {
    use crate::adapters::esocial::{EsocialSettings, SETTINGS_FILE};
    let path = dir.join(SETTINGS_FILE);
    if crate::adapters::company::check_input(&path)?.is_none() {
        return Ok(None);
    }
    let bytes = match std::fs::read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(LoadError::Io {
                path,
                message: crate::adapters::company::io_message(&e),
            })
        }
        Ok(b) => b,
    };
    let text = crate::adapters::company::utf8_text(bytes).map_err(|(line, _, message)| {
        LoadError::Format {
            path: path.clone(),
            line,
            message,
        }
    })?;
    EsocialSettings::parse(&text, cnpj)
        .map(Some)
        .map_err(|problems| {
            let name = path.display();
            LoadError::Config {
                issues: problems
                    .into_iter()
                    .map(|(place, message)| {
                        let at_position = place.contains(':');
                        // A key's problem is placed on the key's line, when the file has it.
                        let line = text
                            .lines()
                            .position(|l| {
                                l.trim_start()
                                    .strip_prefix(place.as_str())
                                    .is_some_and(|rest| rest.trim_start().starts_with('='))
                            })
                            .map(|n| n + 1);
                        match (at_position, line) {
                            (true, _) => format!("{name}:{place}: erro {message}"),
                            (false, Some(l)) => format!("{name}:{l}: erro {place}: {message}"),
                            (false, None) => format!("{name}: erro {place}: {message}"),
                        }
                    })
                    .collect(),
            }
        })
}

/// Reads and parses `configuracao.toml` (compiled once the tables are read).
fn load_config(path: &Path) -> Result<(crate::domain::Config, String), LoadError> {
    crate::adapters::company::check_input(path)?;
    let text = std::fs::read(path).map_err(|e| LoadError::Io {
        path: path.to_path_buf(),
        message: crate::adapters::company::io_message(&e),
    })?;
    let text = crate::adapters::company::utf8_text(text).map_err(|(line, _, message)| {
        LoadError::Format {
            path: path.to_path_buf(),
            line,
            message,
        }
    })?;
    match crate::domain::Config::from_toml_str(&text) {
        Ok(config) => Ok((config, text)),
        Err(issues) => Err(config_error(path, &text, &issues)),
    }
}

/// The configuration's errors, each placed in the TOML file where possible.
fn config_error(path: &Path, text: &str, issues: &[crate::domain::DomainIssue]) -> LoadError {
    {
        let name = path.display();
        LoadError::Config {
            issues: issues
                .iter()
                .filter(|i| i.is_error())
                .map(|i| {
                    let at_position = i
                        .field
                        .split(':')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                    if at_position {
                        format!("{name}:{}: erro[{}] {}", i.field, i.code, i.message)
                    } else if let Some(m) = formula_message(text, &i.field, &i.code, &i.message) {
                        format!("{name}:{m}")
                    } else if let Some(line) = field_line(text, &i.field) {
                        format!("{name}:{line}: erro[{}] {}: {}", i.code, i.field, i.message)
                    } else {
                        format!("{name}: erro[{}] {}: {}", i.code, i.field, i.message)
                    }
                })
                .collect(),
        }
    }
}

/// The line of the configuration a field names: `instituicoes[2]` is the third
/// `[[instituicoes]]` (`instituicoes[2].evento_438` its `evento_438 =` line when written),
/// `rateio.fator` the `fator =` line of `[rateio]`, `empresa` the `[empresa]` header. `None`
/// when the file does not have it written (a default, say).
fn field_line(text: &str, field: &str) -> Option<usize> {
    let (table, index, key) = match field.split_once('[') {
        Some((table, rest)) => {
            let (n, rest) = rest.split_once(']')?;
            (
                table,
                Some(n.parse::<usize>().ok()?),
                rest.strip_prefix('.'),
            )
        }
        None => match field.split_once('.') {
            Some((table, key)) => (table, None, Some(key)),
            None => (field, None, None),
        },
    };
    let key = key.map(|k| k.split(['.', '[']).next().unwrap_or(k));
    let header = |l: &str| match index {
        Some(_) => l == format!("[[{table}]]"),
        None => l == format!("[{table}]"),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut seen = 0usize;
    for (n, line) in lines.iter().enumerate() {
        if !header(line.trim()) {
            continue;
        }
        if index.is_some_and(|i| seen != i) {
            seen += 1;
            continue;
        }
        let Some(key) = key else { return Some(n + 1) };
        // The key inside this table, before the next header.
        for (m, inner) in lines.iter().enumerate().skip(n + 1) {
            let t = inner.trim_start();
            if t.starts_with('[') {
                break;
            }
            if t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
            {
                return Some(m + 1);
            }
        }
        return Some(n + 1);
    }
    // A top-level key (`periodo`).
    if index.is_none() && key.is_none() {
        return lines
            .iter()
            .take_while(|l| !l.trim_start().starts_with('['))
            .position(|l| {
                l.trim_start()
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|n| n + 1);
    }
    None
}

/// A formula's diagnostic (`FIELD:LINE:COL: erro[CODE]: TEXT`) placed in the TOML file:
/// `TOML_LINE:TOML_COL: erro[CODE] FIELD (linha L, coluna C da fórmula): TEXT`. `None` when the
/// message is not such a diagnostic or the formula's text cannot be found verbatim in the file
/// (written with escapes, say).
fn formula_message(toml_text: &str, field: &str, code: &str, message: &str) -> Option<String> {
    let rest = message.strip_prefix(field)?.strip_prefix(':')?;
    let mut parts = rest.splitn(3, ':');
    let line: usize = parts.next()?.parse().ok()?;
    let col: usize = parts.next()?.parse().ok()?;
    let text = parts
        .next()?
        .trim_start()
        .strip_prefix(&format!("erro[{code}]:"))?
        .trim_start();
    let source = toml_string(toml_text, field)?;
    let start = toml_text.find(&source)?;
    if toml_text.matches(source.as_str()).nth(1).is_some() {
        return None;
    }
    let before = &toml_text[..start];
    let start_line = before.matches('\n').count() + 1;
    let start_col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let (at_line, at_col) = if line == 1 {
        (start_line, start_col + col - 1)
    } else {
        (start_line + line - 1, col)
    };
    Some(format!(
        "{at_line}:{at_col}: erro[{code}] {field} (linha {line}, coluna {col} da fórmula): {text}"
    ))
}

/// The string at `field` (`a.b`, `a[2].b`) of a TOML document.
fn toml_string(toml_text: &str, field: &str) -> Option<String> {
    let doc: toml::Table = toml::from_str(toml_text).ok()?;
    let mut value: Option<&toml::Value> = None;
    for part in field.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, Some(i.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (part, None),
        };
        let table = match value {
            None => &doc,
            Some(v) => v.as_table()?,
        };
        let mut v = table.get(key)?;
        if let Some(i) = index {
            v = v.as_array()?.get(i)?;
        }
        value = Some(v);
    }
    value?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::field_line;

    #[test]
    fn fields_are_placed_on_their_lines() {
        let text = "periodo = 1\n[rateio]\nativo = true\nfator = \"0\"\n\n[[instituicoes]]\nid = \"a\"\n\n[[instituicoes]]\nid = \"b\"\nevento_438 = \"1\"\n";
        assert_eq!(field_line(text, "rateio.fator"), Some(4));
        assert_eq!(field_line(text, "instituicoes[0]"), Some(6));
        assert_eq!(field_line(text, "instituicoes[1].evento_438"), Some(11));
        assert_eq!(field_line(text, "instituicoes[1].formula_438"), Some(9));
        assert_eq!(field_line(text, "periodo"), Some(1));
        assert_eq!(field_line(text, "instituicoes[5]"), None);
        assert_eq!(field_line(text, "margem.formula"), None);
    }
}
