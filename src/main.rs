//! The `consignado` command line: a thin layer over the library (README, "The command line").

mod cli;

/// mimalloc: the batch allocates many small, short-lived values on every thread; glibc's
/// allocator spent about a sixth of the batch's time in `malloc`/`free` (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
