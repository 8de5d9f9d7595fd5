//! Named scenario fixtures of the domain layer (`fixtures/domain/scenarios/*.toml`): every
//! worked example of SPEC §2, seed 002, consignado-law §3 and rm-formula-language §4 that
//! concerns the rules. Format: `fixtures/domain/README.md`.

use consignado::domain::{
    compute_month, compute_month_with, CompiledConfig, ComputeOptions, Config, EmployeeMonth,
    EmployeeResult, Explanation,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/domain")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Tables merge key by key; anything else is replaced.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Table(b), Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn remove_path(root: &mut Value, dotted: &str) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut cur = root;
    for p in parts {
        match cur.get_mut(p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Value::Table(t) = cur {
        t.remove(last);
    }
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s).unwrap_or_else(|_| panic!("valor '{s}'")),
        Value::Integer(i) => Decimal::from(*i),
        other => panic!("esperado valor decimal como texto, veio {other}"),
    }
}

fn money_map(v: &Value) -> BTreeMap<String, Decimal> {
    v.as_table()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), dec(v))).collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

struct Check<'a> {
    failures: Vec<String>,
    name: &'a str,
}

impl Check<'_> {
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.failures.push(format!(
                "[{}] {what}: obtido {got:?}, esperado {want:?}",
                self.name
            ));
        }
    }
}

fn check_result(c: &mut Check, r: &EmployeeResult, want: &toml::Table) {
    for (key, v) in want {
        match key.as_str() {
            "elegivel" => c.eq(
                key,
                r.margin.eligibility.is_eligible(),
                v.as_bool().unwrap_or_default(),
            ),
            "motivo" => {
                let got = serde_json::to_value(&r.margin.eligibility)
                    .ok()
                    .and_then(|j| j.get("motivo").and_then(|m| m.as_str().map(str::to_owned)));
                c.eq(key, got, v.as_str().map(str::to_owned));
            }
            "margem" => c.eq(key, r.margin.value, dec(v)),
            "remuneracao_disponivel" => c.eq(key, r.margin.available_remuneration, Some(dec(v))),
            "trava_legal" => c.eq(
                key,
                r.margin.guardrail_exceeded,
                v.as_bool().unwrap_or_default(),
            ),
            "enviar_margem" => c.eq(key, r.send_margin, v.as_bool().unwrap_or_default()),
            "rateio" => {
                let got: BTreeMap<String, Decimal> = r
                    .rateio
                    .iter()
                    .flat_map(|x| x.shares.iter())
                    .map(|s| (s.institution.clone(), s.value))
                    .collect();
                c.eq(key, got, money_map(v));
            }
            "rateio_rejeitado" => c.eq(
                key,
                r.rateio.is_none() && !r.rateio_issues.is_empty(),
                v.as_bool().unwrap_or_default(),
            ),
            "teto" => c.eq(key, r.discounts.as_ref().map(|d| d.cap), Some(dec(v))),
            "desconto" => {
                let got: BTreeMap<String, Decimal> = r
                    .discounts
                    .iter()
                    .flat_map(|d| d.institutions.iter())
                    .filter(|i| v.get(&i.institution).is_some())
                    .map(|i| (i.institution.clone(), i.discount))
                    .collect();
                c.eq(key, got, money_map(v));
            }
            "desconto_contrato" | "nao_descontado" => {
                let contracts = r.discounts.iter().flat_map(|d| d.contracts.iter()).chain(
                    r.rescission
                        .iter()
                        .flat_map(|x| x.discounts.contracts.iter()),
                );
                let got: BTreeMap<String, Decimal> = contracts
                    .filter(|k| v.get(&k.contract).is_some())
                    .map(|k| {
                        let value = if key == "nao_descontado" {
                            k.shortfall
                        } else {
                            k.discount
                        };
                        (k.contract.clone(), value)
                    })
                    .collect();
                c.eq(key, got, money_map(v));
            }
            "ordem_contratos" => {
                let got: Vec<String> = r
                    .discounts
                    .iter()
                    .flat_map(|d| d.contracts.iter())
                    .map(|k| k.contract.clone())
                    .collect();
                c.eq(key, got, strings(v));
            }
            "provisoes" => {
                let mut got: BTreeMap<String, Decimal> = BTreeMap::new();
                let lines = r.provisions.iter().chain(
                    r.rescission
                        .iter()
                        .flat_map(|x| x.returned_provisions.iter()),
                );
                for p in lines {
                    let slot = got.entry(p.calc_code.to_string()).or_default();
                    *slot += p.value;
                }
                c.eq(key, got, money_map(v));
            }
            "provisoes_abertas" => {
                let got: Decimal = r.open_provisions.iter().map(|p| p.value).sum();
                c.eq(key, got, dec(v));
            }
            "rescisao_teto" => c.eq(
                key,
                r.rescission.as_ref().map(|x| x.discounts.cap),
                Some(dec(v)),
            ),
            "rescisao" => {
                let got: BTreeMap<String, Decimal> = r
                    .rescission
                    .iter()
                    .flat_map(|x| x.discounts.institutions.iter())
                    .filter(|i| v.get(&i.institution).is_some())
                    .map(|i| (i.institution.clone(), i.discount))
                    .collect();
                c.eq(key, got, money_map(v));
            }
            "rescisao_456" => {
                let got: Decimal = r
                    .rescission
                    .iter()
                    .flat_map(|x| x.returned_provisions.iter())
                    .map(|p| p.value)
                    .sum();
                c.eq(key, got, dec(v));
            }
            "consistencia" => {
                let mut got: Vec<String> = r.consistency.iter().map(|i| i.field.clone()).collect();
                got.sort();
                got.dedup();
                let mut want = strings(v);
                want.sort();
                c.eq(key, got, want);
            }
            "avisos" => {
                for code in strings(v) {
                    if !r.warnings.iter().any(|w| w.code == code) {
                        c.failures.push(format!(
                            "[{}] aviso {code} ausente; avisos: {:?}",
                            c.name, r.warnings
                        ));
                    }
                }
            }
            "regra_margem" => c.eq(
                key,
                r.margin.explanation.rule.as_str(),
                v.as_str().unwrap_or_default(),
            ),
            other => c
                .failures
                .push(format!("[{}] chave esperada desconhecida: {other}", c.name)),
        }
    }
}

fn run_scenario(path: &Path, base_config: &Value, base_input: &Value, failures: &mut Vec<String>) {
    let scenario = read(path);
    let name = scenario
        .get("nome")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{}: sem nome", path.display()))
        .to_owned();
    let mut c = Check {
        failures: Vec::new(),
        name: &name,
    };
    let mut config_value = base_config.clone();
    if let Some(over) = scenario.get("config") {
        merge(&mut config_value, over);
    }
    for key in scenario
        .get("config_remover")
        .map(strings)
        .unwrap_or_default()
    {
        remove_path(&mut config_value, &key);
    }
    let config =
        Config::deserialize(config_value).unwrap_or_else(|e| panic!("[{name}] config: {e}"));
    let want = scenario
        .get("esperado")
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_else(|| panic!("[{name}] sem [esperado]"));
    let compiled = CompiledConfig::compile(config);
    if let Some(violations) = want.get("violacoes").and_then(Value::as_array) {
        match compiled {
            Ok(_) => c
                .failures
                .push(format!("[{name}] configuração aceita, esperava violações")),
            Err(issues) => {
                for v in violations {
                    let code = v.get("codigo").and_then(Value::as_str).unwrap_or_default();
                    let field = v.get("campo").and_then(Value::as_str).unwrap_or_default();
                    if !issues.iter().any(|i| i.code == code && i.field == field) {
                        c.failures.push(format!(
                            "[{name}] violação {code} em {field} ausente; relatadas: {}",
                            issues
                                .iter()
                                .map(|i| format!("{} {}", i.code, i.field))
                                .collect::<Vec<_>>()
                                .join("; ")
                        ));
                    }
                }
                let errors = issues.iter().filter(|i| i.is_error()).count();
                c.eq("número de erros", errors, violations.len());
            }
        }
        failures.extend(c.failures);
        return;
    }
    let compiled = match compiled {
        Ok(cfg) => cfg,
        Err(issues) => {
            failures.push(format!("[{name}] configuração rejeitada: {issues:?}"));
            return;
        }
    };
    let mut input = base_input.clone();
    if let Some(over) = scenario.get("entrada") {
        merge(&mut input, over);
    }
    for key in scenario
        .get("entrada_remover")
        .map(strings)
        .unwrap_or_default()
    {
        remove_path(&mut input, &key);
    }
    let month =
        EmployeeMonth::deserialize(input).unwrap_or_else(|e| panic!("[{name}] entrada: {e}"));
    match (compute_month(&compiled, &month), want.get("erro_campos")) {
        (Err(issues), Some(fields)) => {
            let mut got: Vec<String> = issues.iter().map(|i| i.field.clone()).collect();
            got.sort();
            let mut want_fields = strings(fields);
            want_fields.sort();
            c.eq("erro_campos", got, want_fields);
        }
        (Err(issues), None) => c
            .failures
            .push(format!("[{name}] erro inesperado: {issues:?}")),
        (Ok(_), Some(_)) => c.failures.push(format!("[{name}] calculou, esperava erro")),
        (Ok(result), None) => {
            check_result(&mut c, &result, &want);
            // Without explanations (the batch's options) the values are the same and every
            // explanation is the cheap placeholder.
            let quiet = ComputeOptions {
                formula_traces: false,
                explanations: false,
            };
            match compute_month_with(&compiled, &month, quiet) {
                Ok(off) => {
                    if off != without_explanations(&result) {
                        c.failures
                            .push(format!("[{name}] sem explicações, resultado diferente"));
                    }
                }
                Err(issues) => c.failures.push(format!(
                    "[{name}] sem explicações, erro inesperado: {issues:?}"
                )),
            }
            // Every result must serialize (reports and batches write it out).
            if let Err(e) = serde_json::to_string(&result) {
                c.failures
                    .push(format!("[{name}] resultado não serializa: {e}"));
            }
        }
    }
    failures.extend(c.failures);
}

/// `r` with every explanation replaced by [`Explanation::off`] of its result.
fn without_explanations(r: &EmployeeResult) -> EmployeeResult {
    fn off(e: &mut Explanation) {
        *e = Explanation::off(e.result);
    }
    let mut r = r.clone();
    off(&mut r.margin.explanation);
    if let Some(x) = &mut r.rateio {
        off(&mut x.explanation);
    }
    let discounts = r
        .discounts
        .iter_mut()
        .chain(r.rescission.iter_mut().map(|x| &mut x.discounts));
    for d in discounts {
        off(&mut d.explanation);
        for i in &mut d.institutions {
            off(&mut i.explanation);
        }
    }
    let lines = r.provisions.iter_mut().chain(
        r.rescission
            .iter_mut()
            .flat_map(|x| x.returned_provisions.iter_mut()),
    );
    for p in lines {
        off(&mut p.explanation);
    }
    r
}

#[test]
fn every_named_scenario_holds() {
    let base_config = read(&fixtures().join("config.example.toml"));
    let base_input = read(&fixtures().join("entrada.base.toml"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("scenarios"))
        .expect("fixtures/domain/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 40, "only {} scenarios", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        run_scenario(path, &base_config, &base_input, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} falha(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_example_configuration_parses_and_validates() {
    let text = std::fs::read_to_string(fixtures().join("config.example.toml")).unwrap();
    let compiled = CompiledConfig::from_toml_str(&text).expect("config.example.toml válida");
    assert!(compiled.warnings().iter().all(|w| !w.is_error()));
    assert_eq!(compiled.config().instituicoes.len(), 2);
}

#[test]
fn a_toml_error_names_line_and_column() {
    let issues =
        Config::from_toml_str("periodo = 1\n[margem]\npercentual = \"abc\"\n").unwrap_err();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field, "3:14");
    assert!(issues[0].message.contains("abc"), "{}", issues[0].message);
}
