//! The cap formula evaluated by four engines in one criterion group, over the same 200 000
//! varied employees (see `consignado_peers` for each engine's set-up and BENCHMARKS.md for the
//! figures). One iteration evaluates all 200 000; criterion's throughput line gives
//! evaluations per second, and `ns/eval` = the iteration time / 200 000.
//!
//! Run: `cargo bench -p consignado-peers`.

use consignado_peers::{
    branches, check_all_agree, floor, floor_literal, inputs, Consignado, Rhai, Zen, N_INPUTS,
};
use criterion::{black_box, criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use std::time::Duration;

fn cap_formula(c: &mut Criterion) {
    let inputs = inputs(N_INPUTS);
    // Outside the timed loop: the inputs reach every branch, and the four engines give the
    // identical result (value and scale) on every one of them.
    let (zero, capped, uncapped) = branches(&inputs);
    assert!(zero > 0 && capped > 0 && uncapped > 0);
    eprintln!(
        "cap formula: {N_INPUTS} inputs: {zero} without installment, {capped} capped, \
         {uncapped} uncapped"
    );
    assert_eq!(check_all_agree(&inputs), N_INPUTS);
    eprintln!("cap formula: floor, consignado, zen-expression and rhai agree on every input");

    let consignado = Consignado::new();
    let mut zen = Zen::new();
    let rhai = Rhai::new();

    let mut group = c.benchmark_group("cap_formula");
    // One iteration is 200 000 evaluations (up to ~0.2 s for the slowest engine): flat
    // sampling keeps the run short.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(N_INPUTS as u64));

    group.bench_function("floor", |b| {
        b.iter(|| {
            for i in black_box(&inputs) {
                black_box(floor(i.parcela, i.liquido));
            }
        })
    });
    group.bench_function("floor_literal", |b| {
        b.iter(|| {
            for i in black_box(&inputs) {
                black_box(floor_literal(i.parcela, i.liquido));
            }
        })
    });
    group.bench_function("consignado", |b| {
        b.iter(|| {
            for i in black_box(&inputs) {
                black_box(consignado.eval(i));
            }
        })
    });
    group.bench_function("zen-expression", |b| {
        b.iter(|| {
            for i in black_box(&inputs) {
                black_box(zen.eval(i));
            }
        })
    });
    group.bench_function("rhai", |b| {
        b.iter(|| {
            for i in black_box(&inputs) {
                black_box(rhai.eval(i));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, cap_formula);
criterion_main!(benches);
