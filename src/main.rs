//! The `consignado` command line: a thin layer over the library (SPEC §5).

mod cli;

fn main() {
    std::process::exit(cli::run());
}
