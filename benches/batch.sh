#!/usr/bin/env bash
# Benchmark of the whole `consignado batch` command (read → compute → write), for synthetic
# companies of 10 000, 100 000 and 1 000 000 employees with 3 institutions.
#
#   benches/batch.sh                 # all sizes
#   SIZES="10000 100000" benches/batch.sh
#   FORMATO=csv benches/batch.sh     # only the CSV outputs (default: ambos = CSV + JSON Lines)
#
# Needs hyperfine and GNU time (`apt-get install -y hyperfine time`). Companies are generated
# once (deterministic, seed 1) under target/lote-bench/; results go to target/lote-bench/*.md.
# Figures are published in BENCHMARKS.md ("Lote mensal (comando inteiro)").
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 100000 1000000"}
FORMATO=${FORMATO:-ambos}
WORK=${WORK:-target/lote-bench}
BIN=target/release/consignado

command -v hyperfine >/dev/null || { echo "instale o hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "instale o GNU time (apt-get install -y time)" >&2; exit 2; }

cargo build --release --quiet
mkdir -p "$WORK"
echo "máquina: $(nproc) núcleos, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for n in $SIZES; do
  company="$WORK/empresa-$n"
  if [ ! -f "$company/funcionarios.csv" ]; then
    "$BIN" gerar --funcionarios "$n" --semente 1 --competencia 2025-07 --saida "$company" >/dev/null
  fi
  out="$WORK/saida-$n"
  runs=10; [ "$n" -ge 1000000 ] && runs=5
  echo
  echo "== $n funcionários ($(du -sh "$company" | cut -f1) de entrada, formato $FORMATO)"
  # `sync` before each run: the previous run's 1.4 GB of output is flushed to disk first, so a
  # run does not pay for (or compete with) the write-back of the one before it.
  hyperfine --warmup 1 --runs "$runs" --prepare sync --export-markdown "$WORK/hyperfine-$n.md" \
    "$BIN batch $company --competencia 2025-07 --saida $out --formato $FORMATO --sem-progresso"
  sync
  CONSIGNADO_TEMPOS=1 /usr/bin/time -v "$BIN" batch "$company" --competencia 2025-07 \
    --saida "$out" --formato "$FORMATO" --sem-progresso 2>"$WORK/time-$n.txt" >/dev/null
  grep -E '\[tempo\]|Elapsed|Maximum resident|User time|System time' "$WORK/time-$n.txt"
  echo "saída: $(du -sh "$out" | cut -f1)"
done
