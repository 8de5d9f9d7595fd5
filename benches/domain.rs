//! Benchmarks of the domain layer: one employee's month through
//! `compute_month_with(.., ComputeOptions { formula_traces: false, explanations: false })`,
//! the path the monthly batch takes for every employee.
//!
//! The configuration is the generator's (`consignado gerar`): three institutions, the TOTVS 444
//! formula (`LIQUIDOFF` of the previous month), a 438 formula on the first institution and the
//! legal rule on the others, rateio by factor 3. The employees are typical rows of a generated
//! company: contracts at one to three institutions, two months of history, vacations, a
//! rescission, an open provision, an invalid distribution and an inconsistent register.
//!
//! Run: `cargo bench --bench domain` (compare with `-- --save-baseline NAME` / `--baseline NAME`).

use consignado::batch::generator::CONFIG_TOML;
use consignado::domain::{compute_month_with, CompiledConfig, ComputeOptions, EmployeeMonth};
use criterion::{black_box, criterion_group, Criterion, Throughput};
use std::time::Duration;

/// The batch binary's allocator, so that allocations cost here what they cost in the batch.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A consistent CLT employee of 07/2025 with two closed months of history; each scenario
/// appends its own tables.
const BASE: &str = r#"
competencia = "2025-07"

[funcionario]
matricula = "0000002"
cpf = "13893500375"
nome = "Luiz Fernandes"
categoria = 101
salario = "1887.60"

[funcionario.dados_pessoais]
telefones = [{ ddd = "48", numero = "941606560" }]
email_funcional = "luiz.fernandes2@empresa.com.br"
data_nascimento = "1963-07-22"
rg_numero = "82866080"
rg_orgao_emissor = "SSP/SP"
rg_data_emissao = "2016-10-08"
nome_mae = "João Gomes"

[movimento]
competencia = "2025-07"
periodo = 1
liquido = "1415.70"

[[historico]]
competencia = "2025-06"
periodo = 1
liquido = "1359.07"
eventos = { "0438" = "283.14", "2438" = "471.90" }

[[historico]]
competencia = "2025-07"
periodo = 1
liquido = "1415.70"
"#;

/// One contract at the formula institution and one at a legal-rule institution.
const REGULAR: &str = r#"
[[contratos]]
contrato = "100002"
instituicao = "banco_a"
inicio = "2022-09-05"
parcelas = [{ competencia = "2025-07", valor = "283.14" }]

[[contratos]]
contrato = "100003"
instituicao = "coop_c"
inicio = "2022-02-11"
parcelas = [{ competencia = "2025-07", valor = "471.90" }]
"#;

/// Two contracts at each legal-rule institution (the cap runs out) and one at the formula
/// institution, with a valid 50/25/25 distribution.
const MANY_CONTRACTS: &str = r#"
[[funcionario.distribuicao_margem]]
instituicao = "banco_a"
percentual = "50"

[[funcionario.distribuicao_margem]]
instituicao = "banco_b"
percentual = "25"

[[funcionario.distribuicao_margem]]
instituicao = "coop_c"
percentual = "25"

[[contratos]]
contrato = "100002"
instituicao = "banco_a"
inicio = "2022-09-05"
parcelas = [{ competencia = "2025-07", valor = "283.14" }]

[[contratos]]
contrato = "100004"
instituicao = "banco_b"
inicio = "2021-10-09"
parcelas = [{ competencia = "2025-07", valor = "120.89" }]

[[contratos]]
contrato = "100005"
instituicao = "banco_b"
inicio = "2024-01-15"
parcelas = [{ competencia = "2025-07", valor = "95.10" }]

[[contratos]]
contrato = "100003"
instituicao = "coop_c"
inicio = "2022-02-11"
parcelas = [{ competencia = "2025-07", valor = "171.90" }]

[[contratos]]
contrato = "100006"
instituicao = "coop_c"
inicio = "2023-03-01"
parcelas = [{ competencia = "2025-07", valor = "88.00" }]
"#;

/// Vacations starting in the competência (453–455 for every institution with a discount) and
/// an open provision returned as 456.
const VACATION: &str = r#"
[[contratos]]
contrato = "100002"
instituicao = "banco_a"
inicio = "2022-09-05"
parcelas = [{ competencia = "2025-07", valor = "283.14" }]

[[contratos]]
contrato = "100003"
instituicao = "coop_c"
inicio = "2022-02-11"
parcelas = [{ competencia = "2025-07", valor = "471.90" }]

[[ferias]]
inicio = "2025-07-24"
fim = "2025-08-17"
dias_abono = 0

[[provisoes_abertas]]
instituicao = "banco_b"
competencia_origem = "2025-06"
competencia_retorno = "2025-07"
valor = "64.57"
"#;

/// A rescission in the competência: 442 on the rescission movement, open provision returned.
const RESCISSION: &str = r#"
[[contratos]]
contrato = "100002"
instituicao = "banco_a"
inicio = "2022-09-05"
parcelas = [{ competencia = "2025-07", valor = "283.14" }]

[[contratos]]
contrato = "100004"
instituicao = "banco_b"
inicio = "2021-10-09"
parcelas = [{ competencia = "2025-07", valor = "320.89" }]

[[provisoes_abertas]]
instituicao = "banco_b"
competencia_origem = "2025-06"
competencia_retorno = "2025-08"
valor = "87.54"

[rescisao]
data = "2025-07-24"

[rescisao.movimento]
competencia = "2025-07"
periodo = 1
liquido = "4829.12"
"#;

/// An inconsistent register (no phone, bad e-mail, no RG) and an invalid distribution.
const INCONSISTENT: &str = r#"
[[funcionario.distribuicao_margem]]
instituicao = "banco_a"
percentual = "60"

[[funcionario.distribuicao_margem]]
instituicao = "coop_c"
percentual = "30"

[[contratos]]
contrato = "100003"
instituicao = "coop_c"
inicio = "2022-02-11"
parcelas = [{ competencia = "2025-07", valor = "471.90" }]
"#;

/// An employee without contracts (most of a company).
const NO_CONTRACTS: &str = "";

fn month(extra: &str) -> EmployeeMonth {
    let text = format!("{BASE}{extra}");
    let mut value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    if std::ptr::eq(extra, INCONSISTENT) {
        let personal = value
            .get_mut("funcionario")
            .and_then(|f| f.get_mut("dados_pessoais"))
            .and_then(|p| p.as_table_mut())
            .expect("dados_pessoais");
        personal.insert("telefones".into(), toml::Value::Array(Vec::new()));
        personal.insert(
            "email_funcional".into(),
            toml::Value::String("luiz fernandes@empresa".into()),
        );
        personal.remove("rg_numero");
    }
    value.try_into().unwrap_or_else(|e| panic!("{e}"))
}

fn scenarios() -> Vec<(&'static str, EmployeeMonth)> {
    vec![
        ("sem_contratos", month(NO_CONTRACTS)),
        ("regular", month(REGULAR)),
        ("varios_contratos", month(MANY_CONTRACTS)),
        ("ferias", month(VACATION)),
        ("rescisao", month(RESCISSION)),
        ("inconsistente", month(INCONSISTENT)),
    ]
}

const OPTIONS: ComputeOptions = ComputeOptions {
    formula_traces: false,
    explanations: false,
};

/// One employee as the batch handles it: computed, then the result dropped (its strings and
/// lists freed). Not inlined, so that an instruction counter can select it by name.
#[inline(never)]
fn compute_and_drop(config: &CompiledConfig, month: &EmployeeMonth) -> bool {
    compute_month_with(config, month, OPTIONS).is_ok()
}

fn bench_compute(c: &mut Criterion) {
    let config = CompiledConfig::from_toml_str(CONFIG_TOML).expect("configuração do gerador");
    let scenarios = scenarios();
    for (name, m) in &scenarios {
        // Every scenario must compute (a refused month would measure the refusal).
        compute_month_with(&config, m, OPTIONS).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    let mut group = c.benchmark_group("compute_month");
    group.throughput(Throughput::Elements(1));
    for (name, m) in &scenarios {
        group.bench_function(*name, |b| {
            b.iter(|| compute_month_with(black_box(&config), black_box(m), OPTIONS))
        });
    }
    group.throughput(Throughput::Elements(scenarios.len() as u64));
    group.bench_function("todos", |b| {
        b.iter(|| {
            for (_, m) in &scenarios {
                black_box(compute_month_with(black_box(&config), black_box(m), OPTIONS).is_ok());
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_compute
}

/// `criterion_main!`, plus a plain loop for instruction counting: with
/// `CONSIGNADO_BENCH_LOOP=N` (and optionally `CONSIGNADO_BENCH_SCENARIO=name`) the scenarios
/// are computed (and their results dropped) N times each and nothing is timed, e.g.
/// `valgrind --tool=callgrind --toggle-collect='*compute_and_drop*' target/release/deps/domain-…`.
fn main() {
    if let Some(n) = std::env::var("CONSIGNADO_BENCH_LOOP")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let only = std::env::var("CONSIGNADO_BENCH_SCENARIO").ok();
        let config = CompiledConfig::from_toml_str(CONFIG_TOML).expect("configuração do gerador");
        let scenarios = scenarios();
        for (name, m) in &scenarios {
            if only.as_deref().is_some_and(|o| o != *name) {
                continue;
            }
            for _ in 0..n {
                black_box(compute_and_drop(black_box(&config), black_box(m)));
            }
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
