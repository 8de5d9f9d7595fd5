//! Prints the criterion results of `cargo bench --bench formula` and
//! `cargo bench -p consignado-peers` as the Markdown tables of BENCHMARKS.md: time per
//! evaluation (the median of the samples divided by the elements per iteration) and, for the
//! cap formula, the ratios against the hand-written floor and against the peers.
//!
//! Usage: `cargo run -p consignado-peers --release --bin bench-report [target/criterion]`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One benchmark: its id, nanoseconds per iteration (median and mean) and elements per
/// iteration.
struct Bench {
    median_ns: f64,
    mean_ns: f64,
    mean_ci: (f64, f64),
    elements: f64,
}

impl Bench {
    fn per_element(&self) -> f64 {
        self.median_ns / self.elements
    }
}

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn collect(dir: &Path, out: &mut BTreeMap<String, Bench>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let (Some(meta), Some(est)) = (
                read_json(&path.join("benchmark.json")),
                read_json(&path.join("estimates.json")),
            ) else {
                continue;
            };
            let id = meta["full_id"].as_str().unwrap_or_default().to_string();
            let elements = meta["throughput"]["Elements"].as_f64().unwrap_or(1.0);
            let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
            out.insert(
                id,
                Bench {
                    median_ns: number(&est["median"]["point_estimate"]),
                    mean_ns: number(&est["mean"]["point_estimate"]),
                    mean_ci: (
                        number(&est["mean"]["confidence_interval"]["lower_bound"]),
                        number(&est["mean"]["confidence_interval"]["upper_bound"]),
                    ),
                    elements,
                },
            );
        } else {
            collect(&path, out);
        }
    }
}

fn time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/criterion"));
    let mut all = BTreeMap::new();
    collect(&dir, &mut all);
    if all.is_empty() {
        eprintln!("no criterion results under {}", dir.display());
        std::process::exit(1);
    }

    let cap: Vec<(&str, &Bench)> = [
        "floor",
        "floor_literal",
        "consignado",
        "zen-expression",
        "rhai",
    ]
    .iter()
    .filter_map(|name| all.get(&format!("cap_formula/{name}")).map(|b| (*name, b)))
    .collect();
    if !cap.is_empty() {
        let get = |n: &str| {
            cap.iter()
                .find(|(name, _)| *name == n)
                .map(|(_, b)| b.per_element())
        };
        let floor = get("floor");
        let zen = get("zen-expression");
        let rhai = get("rhai");
        println!("### Cap formula, 200 000 employees per iteration (median of the samples)\n");
        println!(
            "| engine | ns/eval | mean ns/eval [95% CI] | × floor | zen ÷ engine | rhai ÷ engine |"
        );
        println!("| --- | ---: | ---: | ---: | ---: | ---: |");
        let ratio =
            |a: Option<f64>, b: f64| a.map_or("—".to_string(), |a| format!("{:.2}", a / b));
        for (name, b) in &cap {
            let e = b.per_element();
            println!(
                "| {name} | {e:.1} | {:.1} [{:.1}, {:.1}] | {} | {} | {} |",
                b.mean_ns / b.elements,
                b.mean_ci.0 / b.elements,
                b.mean_ci.1 / b.elements,
                floor.map_or("—".to_string(), |f| format!("{:.2}", e / f)),
                ratio(zen, e),
                ratio(rhai, e),
            );
        }
        println!();
    }

    let parse: Vec<_> = all
        .iter()
        .filter(|(id, _)| id.starts_with("formula/parse/"))
        .collect();
    let compile: Vec<_> = all
        .iter()
        .filter(|(id, _)| id.starts_with("formula/compile/"))
        .collect();
    if !parse.is_empty() || !compile.is_empty() {
        println!("### Parse and compile, per formula (median)\n");
        println!("| formula | parse | compile (parse + check + compile) |");
        println!("| --- | ---: | ---: |");
        for (id, p) in &parse {
            let name = id.trim_start_matches("formula/parse/");
            let c = all.get(&format!("formula/compile/{name}"));
            println!(
                "| {name} | {} | {} |",
                time(p.median_ns),
                c.map_or("—".to_string(), |c| time(c.median_ns))
            );
        }
        println!();
    }

    let mut eval: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    for (id, b) in &all {
        if let Some(rest) = id.strip_prefix("formula/evaluate/") {
            if let Some((kind, name)) = rest.split_once('/') {
                eval.entry(name).or_default().insert(kind, b.per_element());
            }
        }
    }
    if !eval.is_empty() {
        println!(
            "### Evaluate, ns per evaluation (4 096 varied employees per iteration, median)\n"
        );
        println!("| formula | slot context `evaluate` | slot context `evaluate_money` | `MapContext` `evaluate` |");
        println!("| --- | ---: | ---: | ---: |");
        for (name, kinds) in &eval {
            let cell = |k: &str| kinds.get(k).map_or("—".to_string(), |v| format!("{v:.1}"));
            println!(
                "| {name} | {} | {} | {} |",
                cell("slot"),
                cell("slot_money"),
                cell("map_context")
            );
        }
    }
}
