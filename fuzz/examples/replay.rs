//! Runs the properties over files or directories, on stable Rust and without libFuzzer:
//! `cargo run --release --example replay -- regressions/ seeds/`. Each file is run in its own
//! thread so that a panic is reported and the run goes on; exits 1 if any input failed.

use std::path::{Path, PathBuf};

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)
            .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut all = Vec::new();
    for arg in std::env::args().skip(1) {
        files(Path::new(&arg), &mut all);
    }
    let mut failed = 0;
    for path in &all {
        let data = std::fs::read(path).expect("read input");
        let src = consignado_fuzz::text(&data);
        for (name, check) in [
            ("compile_eval", consignado_fuzz::compile_eval as fn(&str)),
            ("fmt_roundtrip", consignado_fuzz::fmt_roundtrip as fn(&str)),
        ] {
            let s = src.clone();
            let ok = std::thread::Builder::new()
                .stack_size(8 << 20)
                .spawn(move || check(&s))
                .expect("spawn")
                .join()
                .is_ok();
            if !ok {
                failed += 1;
                eprintln!("FAIL {name}: {}", path.display());
            }
        }
    }
    // The CSV reader, on the raw bytes (the first byte picks the file).
    for path in &all {
        let data = std::fs::read(path).expect("read input");
        let ok = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || consignado_fuzz::table_read(&data))
            .expect("spawn")
            .join()
            .is_ok();
        if !ok {
            failed += 1;
            eprintln!("FAIL table_read: {}", path.display());
        }
    }
    // The Crédito do Trabalhador reader, on the raw bytes.
    for path in &all {
        let data = std::fs::read(path).expect("read input");
        let ok = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || consignado_fuzz::gov_file(&data))
            .expect("spawn")
            .join()
            .is_ok();
        if !ok {
            failed += 1;
            eprintln!("FAIL gov_file: {}", path.display());
        }
    }
    // The eSocial inputs (S-5003, esocial.toml, PKCS#12), on the raw bytes.
    for path in &all {
        let data = std::fs::read(path).expect("read input");
        let ok = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || consignado_fuzz::esocial_inputs(&data))
            .expect("spawn")
            .join()
            .is_ok();
        if !ok {
            failed += 1;
            eprintln!("FAIL esocial_inputs: {}", path.display());
        }
    }
    println!("replay: {} inputs, {failed} failures", all.len());
    std::process::exit(i32::from(failed > 0));
}
