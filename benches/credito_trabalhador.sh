#!/usr/bin/env bash
# Benchmark of the Crédito do Trabalhador month (whole commands): importing the government's
# installment file and running the batch on that company, with the remuneração disponível
# computed from the rubric table and without it (the same company, `rubricas.csv` moved aside:
# the remuneração disponível given in ficha_financeira.csv, the same value, is used).
#
#   benches/credito_trabalhador.sh                  # 1 000 000 employees (≈ 1 000 000 records)
#   N=100000 benches/credito_trabalhador.sh
#
# Needs hyperfine and GNU time (`apt-get install -y hyperfine time`). The company is generated
# once (`consignado gerar --credito-trabalhador`, seed 1) under target/ct-bench/. Figures are
# published in BENCHMARKS.md ("Crédito do Trabalhador").
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
WORK=${WORK:-target/ct-bench}
BIN=target/release/consignado
C=2026-02

command -v hyperfine >/dev/null || { echo "instale o hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "instale o GNU time (apt-get install -y time)" >&2; exit 2; }

cargo build --release --quiet
mkdir -p "$WORK"
echo "máquina: $(nproc) núcleos, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
company="$WORK/empresa-$N"
file="$company/governo/credito_trabalhador_$C.json"
if [ ! -f "$file" ]; then
  "$BIN" gerar --funcionarios "$N" --semente 1 --competencia "$C" --credito-trabalhador --saida "$company"
fi
echo "arquivo do governo: $(grep -c '"contrato"' "$file") registros, $(du -h "$file" | cut -f1)"
reset="rm -f $company/parcelas_credito_trabalhador.csv; rm -rf $company/importacoes; sync"

echo
echo "== importação (primeira importação da competência a cada execução)"
hyperfine --warmup 1 --runs 5 --prepare "$reset" --export-markdown "$WORK/importacao.md" \
  "$BIN importar credito-trabalhador $company $file"
eval "$reset"
/usr/bin/time -v "$BIN" importar credito-trabalhador "$company" "$file" 2>"$WORK/time-importacao.txt" >/dev/null
grep -E 'Elapsed|Maximum resident|User time|System time' "$WORK/time-importacao.txt"
echo "== reimportação do mesmo arquivo (nada muda)"
hyperfine --warmup 1 --runs 5 "$BIN importar credito-trabalhador $company $file"

echo
echo "== lote: remuneração disponível das rubricas × informada (mesma empresa, mesma execução)"
out="$WORK/saida"
hyperfine --warmup 1 --runs 5 --prepare sync --export-markdown "$WORK/lote.md" \
  -n "com rubricas.csv" \
  "$BIN batch $company --competencia $C --saida $out-rubricas --formato csv --sem-progresso" \
  -n "sem rubricas.csv" \
  --prepare "mv $company/rubricas.csv $company/rubricas.fora 2>/dev/null || true; sync" \
  --cleanup "mv $company/rubricas.fora $company/rubricas.csv 2>/dev/null || true" \
  "$BIN batch $company --competencia $C --saida $out-informada --formato csv --sem-progresso"
/usr/bin/time -v "$BIN" batch "$company" --competencia "$C" --saida "$out-rubricas" --formato csv \
  --sem-progresso 2>"$WORK/time-lote.txt" >/dev/null
grep -E 'Elapsed|Maximum resident|User time|System time' "$WORK/time-lote.txt"
for f in resultado_funcionarios.csv contratos.csv descontos.csv margens.csv; do
  cmp -s "$out-rubricas/$f" "$out-informada/$f" && echo "$f: igual com e sem rubricas" || echo "$f: DIFERENTE"
done
