//! Property: for any generated month, the eSocial items are exactly the contracts of the
//! platform's institutions with a discount > 0 (same worker, document, institution, contract
//! and value), their sum is the sum of those discounts, every contract of those institutions
//! has one reconciliation line, and every event is schema-valid (`xmllint`, official XSDs).

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_consignado");

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "esocial-props-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], paths: &[&Path]) {
    let out = Command::new(BIN).args(args).args(paths).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

type Key = (String, String, String, String);

/// Every event of the lotes under `esocial`, by `Id`.
fn events(esocial: &Path) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    for folder in ["S-1010", "S-1200", "S-2299"] {
        for entry in std::fs::read_dir(esocial.join(folder)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines().filter(|l| l.starts_with("<evento Id=\"")) {
                let doc = line[50..].strip_suffix("</evento>").unwrap();
                all.insert(line[12..48].to_owned(), doc.to_owned());
            }
        }
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]
    #[test]
    fn items_are_the_discounted_contracts(seed in 1u64..10_000, employees in 20u64..400) {
        let company = scratch("empresa");
        let n = employees.to_string();
        let s = seed.to_string();
        run(&["gerar", "--funcionarios", &n, "--semente", &s, "--credito-trabalhador", "--esocial", "--saida"], &[&company]);
        run(&["importar", "credito-trabalhador"], &[&company, &company.join("governo/credito_trabalhador_2025-07.json")]);
        let out = scratch("saida");
        run(&["batch", "--competencia", "2025-07", "--sem-progresso", "--data-hora-eventos", "2025-08-05T09:00:00", "--saida"], &[&out, &company]);

        // Contracts of 3-digit institutions (the platform's) by (matrícula, documento, instituição, contrato).
        let mut discounted: BTreeMap<Key, String> = BTreeMap::new();
        let mut lines = 0usize;
        for f in rows(&out.join("contratos.csv")) {
            let inst = &f[4];
            if inst.len() != 3 || !inst.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let document = if f[2] == "rescisao" { "rescisao" } else { "folha" };
            let (installment, discount) = (&f[7], &f[8]);
            if installment != "0.00" || discount != "0.00" {
                lines += 1;
            }
            if discount != "0.00" {
                discounted.insert((f[1].clone(), document.to_owned(), inst.clone(), f[5].clone()), discount.clone());
            }
        }
        let mut items: BTreeMap<Key, String> = BTreeMap::new();
        for f in rows(&out.join("esocial_itens.csv")) {
            prop_assert_eq!(f.len(), 11);
            prop_assert!(f[5].starts_with("ID1112223330000002025080509"), "{}", f[5]);
            let key = (f[1].clone(), f[3].clone(), f[9].clone(), f[10].clone());
            prop_assert!(items.insert(key, f[8].clone()).is_none(), "item repetido");
        }
        prop_assert_eq!(&items, &discounted);
        let cents = |v: &String| -> i64 { v.replace('.', "").parse::<i64>().unwrap() };
        let sum: i64 = items.values().map(cents).sum();
        let want: i64 = discounted.values().map(cents).sum();
        prop_assert_eq!(sum, want);
        prop_assert_eq!(rows(&out.join("conciliacao_esocial.csv")).len(), lines);

        // Every item is inside its worker's event, with its instFinanc and nrDoc.
        let events = events(&out.join("esocial"));
        for f in rows(&out.join("esocial_itens.csv")) {
            let xml = &events[&f[5]];
            let needle = format!("<vrRubr>{}</vrRubr><descFolha><tpDesc>1</tpDesc><instFinanc>{}</instFinanc><nrDoc>{}</nrDoc></descFolha>", f[8], f[9], f[10]);
            prop_assert!(xml.contains(&needle), "{} sem {}", f[5], needle);
            let cpf = format!("<cpfTrab>{}</cpfTrab>", f[2]);
            prop_assert!(xml.contains(&cpf), "{} sem {}", f[5], cpf);
        }

        // Schema-valid: the only error xmllint may report is the missing signature.
        let taken = scratch("eventos");
        for (folder, xsd) in [("S-1010", "evtTabRubrica.xsd"), ("S-1200", "evtRemun.xsd"), ("S-2299", "evtDeslig.xsd")] {
            let files: Vec<PathBuf> = events
                .iter()
                .filter(|(_, doc)| doc.contains(&format!("/{}/", &xsd[..xsd.len() - 4])))
                .map(|(id, doc)| {
                    let path = taken.join(format!("{folder}-{id}.xml"));
                    std::fs::write(&path, doc).unwrap();
                    path
                })
                .collect();
            if files.is_empty() {
                continue;
            }
            let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/esocial/S-1.3").join(xsd);
            let check = Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).args(&files).output()
                .expect("xmllint (libxml2-utils, instalado por .ci/run)");
            let stderr = String::from_utf8_lossy(&check.stderr);
            let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("validity error") || l.contains("parser error")).collect();
            prop_assert_eq!(errors.len(), files.len(), "{}", stderr);
            prop_assert!(errors.iter().all(|e| e.contains("{http://www.w3.org/2000/09/xmldsig#}Signature )")), "{}", stderr);
        }
    }
}
