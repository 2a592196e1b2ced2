#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/chain.sh [POOL] [LEAVES] [SAMPLE]: smimekit verifies LEAVES leaf certificates against a
# pool of POOL certificates (100 intermediates + noise) in one process, against `openssl verify`
# run once per leaf. Prints both and the ratio. Aims (issue 5): at least 30x faster than the
# openssl loop, and under 1 ms per chain in one process.
# The openssl loop is timed over SAMPLE leaves and extrapolated: with the pool as -untrusted it
# parses all POOL certificates on every run (seconds each). It is also timed the fastest way
# openssl can do it, with the pool as a hashed -CApath (which trusts the whole pool: a weaker
# check than ours, shown for fairness).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
POOL=${1:-10000}
LEAVES=${2:-1000}
SAMPLE=${3:-20}
BUILD_DIR=${BUILD_DIR:-$SMIMEKIT_ROOT/build}
build_smimekit "$BUILD_DIR" >/dev/null
smimekit=$BUILD_DIR/smimekit
data=$BUILD_DIR/bench-data/chain-$POOL-$LEAVES
if [ ! -f "$data/pool.pem" ]; then
    rm -rf "$data"
    /usr/bin/python3 "$SMIMEKIT_ROOT/bench/gen_chain_pool.py" "$data" "$POOL" "$LEAVES"
fi
if [ ! -d "$data/capath" ]; then
    mkdir -p "$data/capath"
    cp "$data/root.pem" "$data"/pool/*.pem "$data/capath/"
    openssl rehash "$data/capath" 2>/dev/null
fi
now=--now=2030-01-01T00:00:00Z
at=1893456000

seconds() { /usr/bin/python3 -c 'import time; print(time.monotonic())'; }
elapsed() { /usr/bin/python3 -c "print(f'{$2 - $1:.3f}')"; }

# smimekit: one leaf (pool loading and start-up) and all leaves; the difference is the chains.
mapfile -t leaves < <(ls "$data"/leaves/*.pem)
t0=$(seconds)
"$smimekit" chain verify $now --purpose smime-sign --pool "$data/pool" --trust "$data/root.pem" "${leaves[0]}" >/dev/null
t1=$(seconds)
/usr/bin/time -f "%M" -o "$data/rss" "$smimekit" chain verify $now --purpose smime-sign --json \
    --pool "$data/pool" --trust "$data/root.pem" "${leaves[@]}" > "$data/out.json"
t2=$(seconds)
valid=$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(sum(x.get("valid", False) for x in r), len(r))' "$data/out.json")
[ "$valid" = "$LEAVES $LEAVES" ] || { echo "FAIL: only $valid chains valid"; exit 1; }
one=$(elapsed "$t0" "$t1"); all=$(elapsed "$t1" "$t2")

# openssl verify, once per leaf, over a sample.
t3=$(seconds)
for leaf in "${leaves[@]:0:$SAMPLE}"; do
    openssl verify -attime $at -purpose smimesign -CAfile "$data/root.pem" -untrusted "$data/pool.pem" "$leaf" >/dev/null
done
t4=$(seconds)
for leaf in "${leaves[@]:0:$((SAMPLE * 5))}"; do
    openssl verify -attime $at -purpose smimesign -CApath "$data/capath" "$leaf" >/dev/null
done
t5=$(seconds)

/usr/bin/python3 - "$one" "$all" "$(elapsed "$t3" "$t4")" "$(elapsed "$t4" "$t5")" "$LEAVES" "$SAMPLE" "$POOL" "$(cat "$data/rss")" <<'PY'
import sys
one, total, untrusted, capath = map(float, sys.argv[1:5])
leaves, sample, pool, rss = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
per_chain = (total - one) / (leaves - 1)
ours_per_leaf = total / leaves
untrusted_per = untrusted / sample
capath_per = capath / (sample * 5)
print(f"chain verify: {leaves} leaves against a pool of {pool} certificates (smime-sign)")
print(f"  smimekit, one process:     {total:8.2f} s total, {ours_per_leaf * 1e3:7.2f} ms per leaf "
      f"(pool loading {one:.2f} s; {per_chain * 1e3:.3f} ms per chain after it), peak RSS {rss / 1024:.1f} MiB")
print(f"  openssl verify -untrusted: {untrusted_per * 1e3:8.1f} ms per leaf (over {sample}, "
      f"extrapolated: {untrusted_per * leaves:.0f} s)")
print(f"  openssl verify -CApath:    {capath_per * 1e3:8.1f} ms per leaf (over {sample * 5}; trusts the pool)")
r1 = untrusted_per * leaves / total
r2 = capath_per * leaves / total
print(f"  smimekit vs openssl loop (-untrusted): {r1:.0f}x faster (aim >= 30x){'' if r1 >= 30 else '  MISSED'}")
print(f"  smimekit vs openssl loop (-CApath):    {r2:.0f}x faster (aim >= 30x){'' if r2 >= 30 else '  MISSED'}")
print(f"  per chain in one process: {per_chain * 1e3:.3f} ms (aim < 1 ms){'' if per_chain < 1e-3 else '  MISSED'}")
PY
