#!/usr/bin/env bash
# Benchmark of the eSocial month (whole commands): the batch of a Crédito do Trabalhador company
# without esocial.toml (CSV only), with it (the unsigned events in lotes, the items table and the
# reconciliation), and with the events signed by a throw-away A1 certificate; beside it, the
# floor of the signature: `openssl speed rsa2048` on the same machine.
#
#   benches/esocial.sh                  # 1 000 000 employees
#   N=100000 benches/esocial.sh
#
# Needs hyperfine, GNU time and openssl (`apt-get install -y hyperfine time openssl`). The
# company is generated once (`consignado gerar --credito-trabalhador --esocial`, seed 1) and
# its government file imported, under target/es-bench/. Figures are published in
# BENCHMARKS.md ("eSocial").
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
WORK=${WORK:-target/es-bench}
BIN=target/release/consignado
C=2026-02

for t in hyperfine openssl; do
  command -v "$t" >/dev/null || { echo "instale o $t (apt-get install -y $t)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "instale o GNU time (apt-get install -y time)" >&2; exit 2; }

cargo build --release --quiet
mkdir -p "$WORK"
echo "máquina: $(nproc) núcleos, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
company="$WORK/empresa-$N"
if [ ! -f "$company/parcelas_credito_trabalhador.csv" ]; then
  "$BIN" gerar --funcionarios "$N" --semente 1 --competencia "$C" --credito-trabalhador --esocial --saida "$company"
  "$BIN" importar credito-trabalhador "$company" "$company/governo/credito_trabalhador_$C.json" >/dev/null
fi
cert="$WORK/certificado"
if [ ! -f "$cert.pfx" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=EMPRESA SINTETICA:11222333000181" \
    -keyout "$cert.key" -out "$cert.pem" 2>/dev/null
  openssl pkcs12 -export -inkey "$cert.key" -in "$cert.pem" -out "$cert.pfx" -passout pass:bench
fi
export CONSIGNADO_SENHA_CERTIFICADO=bench
at="--data-hora-eventos 2026-03-05T10:00:00"
aside="mv $company/esocial.toml $company/esocial.fora 2>/dev/null || true; sync"
back="mv $company/esocial.fora $company/esocial.toml 2>/dev/null || true"

echo
echo "== lote: só CSV × CSV + eventos do eSocial (sem assinatura), mesma empresa, mesma execução"
hyperfine --warmup 1 --runs 5 --export-markdown "$WORK/lote.md" \
  -n "sem esocial.toml (só CSV)" --prepare "$aside" --cleanup "$back" \
  "$BIN batch $company --competencia $C --saida $WORK/saida-csv --formato csv --sem-progresso" \
  -n "com esocial.toml (eventos sem assinatura)" --prepare "$back; sync" \
  "$BIN batch $company --competencia $C --saida $WORK/saida-esocial --formato csv --sem-progresso $at"
eval "$back"
/usr/bin/time -v "$BIN" batch "$company" --competencia "$C" --saida "$WORK/saida-esocial" --formato csv \
  --sem-progresso $at 2>"$WORK/time-esocial.txt" | tail -6
grep -E 'Elapsed|Maximum resident|User time|System time' "$WORK/time-esocial.txt"
for f in resultado_funcionarios.csv contratos.csv descontos.csv margens.csv; do
  cmp -s "$WORK/saida-csv/$f" "$WORK/saida-esocial/$f" && echo "$f: igual com e sem eSocial" || echo "$f: DIFERENTE"
done

echo
echo "== assinatura: o lote com --certificado (RSA 2048, SHA-256)"
/usr/bin/time -v "$BIN" batch "$company" --competencia "$C" --saida "$WORK/saida-assinada" --formato csv \
  --sem-progresso $at --certificado "$cert.pfx" 2>"$WORK/time-assinado.txt" | grep "eSocial:"
grep -E 'Elapsed|Maximum resident|User time|System time' "$WORK/time-assinado.txt"
echo "== piso da assinatura nesta máquina: openssl speed rsa2048 (1 núcleo, depois $(nproc))"
openssl speed -seconds 5 rsa2048 2>/dev/null | grep '^rsa 2048'
openssl speed -seconds 5 -multi "$(nproc)" rsa2048 2>/dev/null | grep -E '^rsa 2048|^rsa2048'
