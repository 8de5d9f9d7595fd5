//! Evaluating a compiled formula performs no heap allocation (the target of the benchmark
//! issue, BENCHMARKS.md). A counting global allocator, which affects only this test binary,
//! counts the allocations made by the current thread while a flag is up; the flag is up only
//! around the evaluation loops, after every context has been built.

use consignado::formula::{CompileOptions, Context, Program, Value};
use rust_decimal::{Decimal, RoundingStrategy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the thread-locals may be gone while a thread shuts down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|a| a.set(a.get() + 1));
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counting touches
// only `const`-initialised thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result and how many allocations this thread made meanwhile.
fn count_allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    ALLOCATIONS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    let result = f();
    COUNTING.with(|c| c.set(false));
    (result, ALLOCATIONS.with(Cell::get))
}

/// A payroll engine's context: values by slot, closed movements in a short list.
struct Folha {
    competencia: (i32, u32),
    periodo: Option<i64>,
    events: Vec<Decimal>,
    variables: Vec<Option<Decimal>>,
    history: Vec<(i64, u32, i64, Decimal)>,
}

impl Context for Folha {
    fn competencia(&self) -> (i32, u32) {
        self.competencia
    }
    fn periodo(&self) -> Option<i64> {
        self.periodo
    }
    fn event(&self, slot: usize, _code: &str) -> Decimal {
        self.events.get(slot).copied().unwrap_or_default()
    }
    fn variable(&self, slot: usize, _name: &str) -> Option<Decimal> {
        self.variables.get(slot).copied().flatten()
    }
    fn liquido_off(&self, ano: i64, mes: u32, periodo: i64) -> Decimal {
        self.history
            .iter()
            .find(|h| h.0 == ano && h.1 == mes && h.2 == periodo)
            .map_or(Decimal::ZERO, |h| h.3)
    }
}

const CAP: &str =
    "SE C('0439') > 0 ENTAO SE C('0439') >= L*0.3 ENTAO L*0.3 SENAO C('0439') FIMSE FIMSE";

const MARGEM_444: &str = include_str!("../fixtures/formula/seeds/margem_444_totvs.rm");

const EMPLOYEES: i64 = 5_000;

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn thirty_percent(v: Decimal) -> Decimal {
    v * Decimal::new(3, 1)
}

#[test]
fn the_counter_sees_an_allocation() {
    let (v, n) = count_allocations(|| std::hint::black_box(vec![1u8; 16]));
    drop(v);
    assert!(n >= 1, "the counting allocator counted nothing");
}

#[test]
fn evaluating_the_cap_formula_does_not_allocate() {
    let program = Program::compile(CAP, &CompileOptions::default()).unwrap();
    assert_eq!(program.references().events, ["0439"]);
    assert_eq!(program.references().variables, ["L"]);
    // Every branch: no installment, capped, uncapped, exactly at the cap.
    let folhas: Vec<Folha> = (0..EMPLOYEES)
        .map(|i| {
            let liquido = money(100_000 + i * 37);
            let parcela = match i % 4 {
                0 => Decimal::ZERO,
                1 => money(90_000),
                2 => money(1_000 + i),
                _ => thirty_percent(liquido),
            };
            Folha {
                competencia: (2025, 6),
                periodo: None,
                events: vec![parcela],
                variables: vec![Some(liquido)],
                history: Vec::new(),
            }
        })
        .collect();
    let expected: Vec<Decimal> = folhas
        .iter()
        .map(|f| {
            let (b, l) = (f.events[0], f.variables[0].unwrap());
            if b > Decimal::ZERO {
                b.min(thirty_percent(l))
            } else {
                Decimal::ZERO
            }
        })
        .collect();
    let mut results = vec![Value::Bool(false); folhas.len()];
    let mut money_results = vec![Decimal::ZERO; folhas.len()];

    let ((), allocations) = count_allocations(|| {
        for _ in 0..3 {
            for ((f, r), m) in folhas.iter().zip(&mut results).zip(&mut money_results) {
                *r = program.evaluate(std::hint::black_box(f)).unwrap();
                *m = program.evaluate_money(std::hint::black_box(f)).unwrap();
            }
        }
    });
    assert_eq!(allocations, 0, "evaluation allocated {allocations} times");

    for ((r, m), e) in results.iter().zip(&money_results).zip(&expected) {
        assert_eq!(*r, Value::Number(*e));
        assert_eq!(
            *m,
            e.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        );
    }
}

#[test]
fn evaluating_the_444_seed_does_not_allocate() {
    let program = Program::compile(MARGEM_444, &CompileOptions::default()).unwrap();
    assert!(program.references().history);
    assert_eq!(program.references().variables, ["RC"]);
    // Every month (January reads last December), with and without the previous net pay, and
    // a net pay in another period that must not count.
    let folhas: Vec<Folha> = (0..EMPLOYEES)
        .map(|i| {
            let mes = 1 + (i % 12) as u32;
            let (ano_prev, mes_prev) = if mes == 1 {
                (2024, 12)
            } else {
                (2025, mes - 1)
            };
            let history = match i % 3 {
                0 => vec![(ano_prev, mes_prev, 1, money(250_000 + i))],
                1 => vec![(ano_prev, mes_prev, 2, money(250_000 + i))],
                _ => Vec::new(),
            };
            Folha {
                competencia: (2025, mes),
                periodo: Some(1),
                events: Vec::new(),
                variables: vec![Some(money(150_000 + i))],
                history,
            }
        })
        .collect();
    let expected: Vec<Decimal> = folhas
        .iter()
        .map(|f| match f.history.first() {
            Some(&(_, _, 1, liquido)) => thirty_percent(liquido),
            _ => thirty_percent(f.variables[0].unwrap()),
        })
        .collect();
    let mut results = vec![Value::Bool(false); folhas.len()];

    let ((), allocations) = count_allocations(|| {
        for _ in 0..3 {
            for (f, r) in folhas.iter().zip(&mut results) {
                *r = program.evaluate(std::hint::black_box(f)).unwrap();
            }
        }
    });
    assert_eq!(allocations, 0, "evaluation allocated {allocations} times");

    for (r, e) in results.iter().zip(&expected) {
        assert_eq!(*r, Value::Number(*e));
    }
}
