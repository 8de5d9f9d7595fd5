//! Benchmarks of the formula language: parse, compile and evaluate each seed formula of
//! `fixtures/formula/seeds/` (and the balanced cap formula of the peer comparison).
//!
//! Evaluation runs over what a payroll engine would hand the formula: a plain struct with
//! slot arrays (events and variables indexed by the slots of `Program::references`, a short
//! list of closed movements for `LIQUIDOFF`), built once per employee before the timed loop.
//! `MapContext` (hash maps, looked up by name) is measured separately and labelled as such.
//!
//! Run: `cargo bench --bench formula` (see BENCHMARKS.md).

use consignado::formula::{self, CompileOptions, Context, MapContext, Mode, Program};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::time::Duration;

/// The cap formula of the peer comparison (the balanced 438).
const CAP: &str =
    "SE C('0439') > 0 ENTAO SE C('0439') >= L*0.3 ENTAO L*0.3 SENAO C('0439') FIMSE FIMSE";

/// Employees evaluated per iteration of an evaluation benchmark.
const EMPLOYEES: usize = 4096;

/// The seed formulas, by name, plus the cap formula.
fn formulas() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/formula/seeds");
    let mut seeds: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rm").then(|| {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let source = std::fs::read_to_string(&path).unwrap();
                (name, source)
            })
        })
        .collect();
    seeds.sort();
    assert!(
        seeds.len() >= 3,
        "seed formulas missing in {}",
        dir.display()
    );
    seeds.push(("cap".to_string(), CAP.to_string()));
    seeds
}

/// One employee as a payroll engine holds it for the formula: values by slot.
struct Folha {
    competencia: (i32, u32),
    periodo: Option<i64>,
    /// By event slot.
    events: Vec<Decimal>,
    /// By variable slot.
    variables: Vec<Option<Decimal>>,
    /// Closed movements: (ano, mes, periodo, líquido).
    history: Vec<(i64, u32, i64, Decimal)>,
}

impl Context for Folha {
    #[inline]
    fn competencia(&self) -> (i32, u32) {
        self.competencia
    }
    #[inline]
    fn periodo(&self) -> Option<i64> {
        self.periodo
    }
    #[inline]
    fn event(&self, slot: usize, _code: &str) -> Decimal {
        self.events.get(slot).copied().unwrap_or_default()
    }
    #[inline]
    fn variable(&self, slot: usize, _name: &str) -> Option<Decimal> {
        self.variables.get(slot).copied().flatten()
    }
    #[inline]
    fn liquido_off(&self, ano: i64, mes: u32, periodo: i64) -> Decimal {
        self.history
            .iter()
            .find(|h| h.0 == ano && h.1 == mes && h.2 == periodo)
            .map_or(Decimal::ZERO, |h| h.3)
    }
}

/// SplitMix64: deterministic inputs.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }

    /// Money with 2 places, 0.00 to `max_cents`/100; zero one time in `zero_one_in`.
    fn money(&mut self, max_cents: u64, zero_one_in: u64) -> Decimal {
        if self.below(zero_one_in) == 0 {
            Decimal::new(0, 2)
        } else {
            Decimal::new(self.below(max_cents + 1) as i64, 2)
        }
    }
}

/// Varied employees for `program`: every month of 2025 (January takes the branch on last
/// December), a previous-month net pay 70% of the time, events zero a fifth of the time.
fn employees(program: &Program) -> Vec<Folha> {
    let refs = program.references();
    let mut rng = Rng(0x5EED_0444);
    (0..EMPLOYEES)
        .map(|_| {
            let mes = 1 + rng.below(12) as u32;
            let mut history = Vec::new();
            if rng.below(10) < 7 {
                let (ano, prev) = if mes == 1 {
                    (2024, 12)
                } else {
                    (2025, mes - 1)
                };
                history.push((ano, prev, 1, rng.money(1_500_000, 20)));
                history.push((ano, prev, 2, rng.money(300_000, 2)));
            }
            Folha {
                competencia: (2025, mes),
                periodo: Some(1),
                events: refs.events.iter().map(|_| rng.money(400_000, 5)).collect(),
                variables: refs
                    .variables
                    .iter()
                    .map(|_| Some(rng.money(1_500_000, 50)))
                    .collect(),
                history,
            }
        })
        .collect()
}

/// The same employees as `MapContext`s (hash maps, looked up by name).
fn map_contexts(program: &Program, folhas: &[Folha]) -> Vec<MapContext> {
    let refs = program.references();
    folhas
        .iter()
        .map(|f| {
            let mut ctx = MapContext::new(f.competencia.0, f.competencia.1);
            ctx.periodo = f.periodo;
            for (code, v) in refs.events.iter().zip(&f.events) {
                ctx.set_event(code, *v);
            }
            for (name, v) in refs.variables.iter().zip(&f.variables) {
                ctx.set_variable(name, v.unwrap());
            }
            for &(ano, mes, periodo, liquido) in &f.history {
                ctx.set_history(ano, mes, periodo, liquido);
            }
            ctx
        })
        .collect()
}

fn compile(source: &str) -> Program {
    Program::compile(source, &CompileOptions::default())
        .unwrap_or_else(|d| panic!("seed must compile: {d:?}"))
}

fn parse_and_compile(c: &mut Criterion) {
    let formulas = formulas();

    let mut group = c.benchmark_group("formula/parse");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(30);
    for (name, source) in &formulas {
        group.bench_with_input(BenchmarkId::from_parameter(name), source, |b, s| {
            b.iter(|| formula::parse(black_box(s), Mode::Lenient).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("formula/compile");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(30);
    let options = CompileOptions::default();
    for (name, source) in &formulas {
        group.bench_with_input(BenchmarkId::from_parameter(name), source, |b, s| {
            b.iter(|| Program::compile(black_box(s), &options).unwrap())
        });
    }
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let formulas = formulas();
    let mut group = c.benchmark_group("formula/evaluate");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(30);
    group.throughput(Throughput::Elements(EMPLOYEES as u64));
    for (name, source) in &formulas {
        let program = compile(source);
        let folhas = employees(&program);
        let maps = map_contexts(&program, &folhas);
        // Outside the timed loop: both contexts give the same values, and none fails.
        for (f, m) in folhas.iter().zip(&maps) {
            assert_eq!(program.evaluate(f).unwrap(), program.evaluate(m).unwrap());
        }

        group.bench_with_input(BenchmarkId::new("slot", name), &folhas, |b, folhas| {
            b.iter(|| {
                for f in black_box(folhas) {
                    black_box(program.evaluate(f).unwrap());
                }
            })
        });
        group.bench_with_input(
            BenchmarkId::new("slot_money", name),
            &folhas,
            |b, folhas| {
                b.iter(|| {
                    for f in black_box(folhas) {
                        black_box(program.evaluate_money(f).unwrap());
                    }
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("map_context", name), &maps, |b, maps| {
            b.iter(|| {
                for m in black_box(maps) {
                    black_box(program.evaluate(m).unwrap());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_and_compile, evaluate);
criterion_main!(benches);
