//! Properties of the Crédito do Trabalhador month, on generated companies
//! (`gerar --credito-trabalhador`) whose government file is damaged at random record by record
//! (another CPF, matrícula, CNPJ raiz or competência, a contract outside eSocial `nrDoc`, a
//! repeated record, a changed installment):
//!
//! - imported + refused = records read, and the report has one line per record;
//! - importing the same file twice changes nothing;
//! - for every employee, Σ monthly discounts ≤ 35 % of the remuneração disponível (down to the
//!   centavo) and each discount ≤ its installment, every shortfall with a reason;
//! - the remuneração disponível computed from the rubric table equals the one the generator
//!   computed by hand from the same rubrics (the batch with and without `rubricas.csv` gives
//!   the same results), and the part-by-part lines add up to each total.

use consignado::adapters::credito_trabalhador::import::{self, ImportOptions, STORE_FILE};
use consignado::adapters::output::Formats;
use consignado::batch::{self, generator, BatchOptions};
use consignado::domain::Competencia;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ctprops-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn competencia() -> Competencia {
    Competencia::new(2026, 2).unwrap()
}

/// One damage to one record of the government file.
#[derive(Debug, Clone)]
enum Damage {
    Keep,
    OtherCpf,
    OtherMatricula,
    OtherEmployer,
    FutureCompetencia,
    BadContract(String),
    Repeat,
    Installment(u32),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::Keep),
        1 => Just(Damage::OtherCpf),
        1 => Just(Damage::OtherMatricula),
        1 => Just(Damage::OtherEmployer),
        1 => Just(Damage::FutureCompetencia),
        1 => prop::sample::select(vec!["A", "-123", "1234567890123456", "12 34", "x/"])
            .prop_map(|s| Damage::BadContract(s.to_owned())),
        1 => Just(Damage::Repeat),
        1 => (1u32..500_000).prop_map(Damage::Installment),
    ]
}

fn money(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|_| panic!("{text}"))
}

fn apply(records: &[serde_json::Value], damages: &[Damage]) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut r = r.clone();
        match damages
            .get(i % damages.len().max(1))
            .unwrap_or(&Damage::Keep)
        {
            Damage::Keep => {}
            Damage::OtherCpf => r["cpf"] = "52998224725".into(),
            Damage::OtherMatricula => r["matricula"] = "X-999".into(),
            Damage::OtherEmployer => r["numeroInscricaoEmpregador"] = "99888777".into(),
            Damage::FutureCompetencia => r["competencia"] = "03/2026".into(),
            Damage::BadContract(c) => r["contrato"] = c.clone().into(),
            Damage::Repeat => out.push(r.clone()),
            Damage::Installment(c) => {
                r["valorParcela"] = format!("{},{:02}", c / 100, c % 100).into()
            }
        }
        out.push(r);
    }
    out
}

fn run_batch(company: &Path, out: &Path) {
    batch::run(
        company,
        &BatchOptions {
            competencia: competencia(),
            output: out.to_path_buf(),
            formats: Formats {
                csv: true,
                jsonl: false,
            },
            progress: None,
            esocial_at: None,
            signer: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn the_month_keeps_its_invariants(
        seed in 0u64..1_000_000,
        employees in 20u64..160,
        damages in prop::collection::vec(damage(), 1..12),
    ) {
        let company = scratch("empresa");
        generator::generate(&company, &generator::GeneratorOptions {
            employees,
            seed,
            competencia: competencia(),
            damaged_rows: false,
            credito_trabalhador: true,
            esocial: false,
            replace: false,
        }).unwrap();
        let original = company.join("governo/credito_trabalhador_2026-02.json");
        let records: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(&original).unwrap()).unwrap();
        let file = company.join("governo/danificado.json");
        std::fs::write(&file, serde_json::to_string_pretty(&apply(&records, &damages)).unwrap()).unwrap();
        let options = ImportOptions { competencia: Some(competencia()) };

        // Imported + refused = read; one report line per record.
        let summary = import::import(&company, std::slice::from_ref(&file), &options).unwrap();
        prop_assert_eq!(summary.imported + summary.refused_total(), summary.read);
        let report = std::fs::read_to_string(&summary.report).unwrap();
        prop_assert_eq!(report.lines().count(), 1 + summary.read + summary.removed);
        let store = company.join(STORE_FILE);
        let lines = std::fs::read_to_string(&store).map(|t| t.lines().count() - 1).unwrap_or(0);
        prop_assert_eq!(lines, summary.imported);

        // The same file again: nothing changes.
        let before = std::fs::read(&store).ok();
        let again = import::import(&company, std::slice::from_ref(&file), &options).unwrap();
        prop_assert!(!again.written);
        prop_assert_eq!(again.unchanged, summary.imported);
        prop_assert_eq!(std::fs::read(&store).ok(), before);

        // The month.
        let out = scratch("saida");
        run_batch(&company, &out);
        let rd: BTreeMap<String, Decimal> = csv_rows(&out.join("remuneracao_disponivel.csv"))
            .into_iter()
            .filter(|f| f[2] == "total")
            .map(|f| (f[1].clone(), money(&f[5])))
            .collect();
        // The parts add up to each total.
        let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
        for f in csv_rows(&out.join("remuneracao_disponivel.csv")).into_iter().filter(|f| f[2] != "total") {
            let v = money(&f[5]);
            *sums.entry(f[1].clone()).or_default() += if f[4] == "-" { -v } else { v };
        }
        for (m, total) in &rd {
            prop_assert_eq!(sums.get(m).copied().unwrap_or_default(), *total, "{}", m);
        }
        let mut per_employee: BTreeMap<String, Decimal> = BTreeMap::new();
        for f in csv_rows(&out.join("contratos.csv")) {
            let (parcela, desconto, falta) = (money(&f[7]), money(&f[8]), money(&f[9]));
            prop_assert!(desconto <= parcela);
            prop_assert_eq!(desconto + falta, parcela);
            prop_assert_eq!(falta.is_zero(), f[11].is_empty(), "a shortfall has a reason: {:?}", f);
            if f[2] == "folha_mensal" {
                *per_employee.entry(f[1].clone()).or_default() += desconto;
            }
        }
        for (m, total) in &per_employee {
            let base = rd.get(m).copied().unwrap_or_default().max(Decimal::ZERO);
            let cap = (base * Decimal::new(35, 2)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
            // The banco_a formula (30 % of the líquido) may exceed the legal cap (warning D402):
            // the legal rule's contracts never do.
            let legal: Decimal = csv_rows(&out.join("contratos.csv"))
                .into_iter()
                .filter(|f| &f[1] == m && f[2] == "folha_mensal" && f[10] == "regra_legal")
                .map(|f| money(&f[8]))
                .sum();
            prop_assert!(legal <= cap, "{}: {} > {} (total {})", m, legal, cap, total);
        }

        // The remuneração disponível from rubrics = the one computed by hand (given in
        // ficha_financeira.csv, used when rubricas.csv is absent).
        let without = scratch("sem-rubricas");
        std::fs::rename(company.join("rubricas.csv"), company.join("rubricas.csv.fora")).unwrap();
        run_batch(&company, &without);
        std::fs::rename(company.join("rubricas.csv.fora"), company.join("rubricas.csv")).unwrap();
        for name in ["resultado_funcionarios.csv", "contratos.csv", "descontos.csv", "margens.csv", "eventos.csv"] {
            prop_assert_eq!(
                std::fs::read_to_string(out.join(name)).unwrap(),
                std::fs::read_to_string(without.join(name)).unwrap(),
                "{}", name
            );
        }
        let _ = std::fs::remove_dir_all(&company);
    }
}
