#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of the contacts inventory: `smimekit contacts import` of N generated DER S/MIME
# certificates in a directory tree (default 100,000), beside the raw limit measured here too
# (bench/contacts_raw.cpp: one thread reads, parses and inserts every certificate in one
# transaction), then `smimekit contacts list --expiring 30d --json` on the result. Prints
# certificates per second, peak memory and database size for both, and the query time.
# A benchmark, not a test: a missed aim prints MISSED and still exits 0; a wrong answer (counts
# that disagree with the sqlite3 CLI, a contact outside the window) exits 1.
#
#   bench/contacts.sh [N]
#   BUILD_DIR  build directory (default build/ in the source tree); the certificates are cached
#              in BUILD_DIR/bench-data/certs-N/ (shared with bench/inspect.sh)
#   RUNS       timed runs of the import and of the raw program, alternately; the fastest counts
#              (default 1); the query runs 5 times as often
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=bench/lib.bash
source "$(dirname "$0")/lib.bash"

count=${1:-100000}
runs=${RUNS:-1}
build_dir=$(realpath -m "${BUILD_DIR:-$SMIMEKIT_ROOT/build}")
for number in "$count" "$runs"; do
    if ! [[ $number =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: bench/contacts.sh [N]   (a positive number; RUNS too)" >&2
        exit 2
    fi
done

# The aims of the issue.
aim_raw_ratio=2    # the import at most this many times the raw time
aim_query_ms=200   # the expiry query under this
pinned_now=2030-01-01T00:00:00Z
window_days=30

fail() {
    echo "bench/contacts.sh: FAILED: $*" >&2
    exit 1
}

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" time python3 sqlite3

echo "building smimekit_cli bench_gen_certs bench_contacts_raw in $build_dir" >&2
cmake -S "$SMIMEKIT_ROOT" -B "$build_dir" >/dev/null || fail "cmake cannot configure $build_dir"
cmake --build "$build_dir" -j "$(nproc)" --target smimekit_cli bench_gen_certs bench_contacts_raw \
    >/dev/null || fail "the build failed (compiler messages above)"
smimekit=$build_dir/smimekit
gen_certs=$build_dir/bench/bench_gen_certs
raw=$build_dir/bench/bench_contacts_raw
build_type=$(build_description "$build_dir")

# ---- the certificates, generated once per N and kept ------------------------------------------
data=$(certificates_cache "$build_dir" "$gen_certs" "$count")
cd "$data"

# Databases go beside the build, not to /tmp, which may be a small tmpfs.
tmp=$(mktemp -d "$build_dir/bench-data/contacts-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=$tmp/inventory.db

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
faster() { [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# Warm the page cache for both contenders (the generator may have written minutes ago).
head -1000 files.txt | xargs cat >/dev/null

import_seconds=
import_rss=
import_bytes=
raw_seconds=
raw_rss=
raw_bytes=
for ((run = 1; run <= runs; run++)); do
    "$raw" --list files.txt "$tmp/raw.db" >"$tmp/raw.txt" 2>"$tmp/raw.err" &
    raw_pid=$!
    # /usr/bin/time around the raw program would count its own start; the program times itself
    # and /proc gives its peak RSS at the end.
    peak=0
    while kill -0 "$raw_pid" 2>/dev/null; do
        rss=$(awk '/VmHWM/ { print $2 }' "/proc/$raw_pid/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak" ] && peak=$rss
        sleep 0.5
    done
    wait "$raw_pid" || fail "bench_contacts_raw exited with $? ($(cat "$tmp/raw.err"))"
    seconds=$(awk '$1 == "seconds" { print $2 }' "$tmp/raw.txt")
    if faster "$seconds" "$raw_seconds"; then
        raw_seconds=$seconds
        raw_rss=$peak
        raw_bytes=$(awk '$1 == "db_bytes" { print $2 }' "$tmp/raw.txt")
    fi

    rm -f "$db" "$db-wal" "$db-shm"
    start=$(now)
    /usr/bin/time -f '%M' -o "$tmp/import.usage" \
        "$smimekit" contacts import --db "$db" --now "$pinned_now" --json . >"$tmp/import.json" \
        2>"$tmp/import.err" || fail "smimekit contacts import exited with $? ($(tail -3 "$tmp/import.err"))"
    seconds=$(elapsed "$start" "$(now)")
    if faster "$seconds" "$import_seconds"; then
        import_seconds=$seconds
        import_rss=$(cat "$tmp/import.usage")
        import_bytes=$(($(size_of "$db") + $(size_of "$db-wal")))
    fi
    echo "  run $run: import $seconds s, raw $raw_seconds s" >&2
done

# ---- the answer must be right --------------------------------------------------------------
python3 - "$tmp/import.json" "$count" <<'PY' || fail "the import report is wrong"
import json, sys
r, n = json.load(open(sys.argv[1])), int(sys.argv[2])
assert r["added"] == n and r["updated"] == 0 and r["unchanged"] == 0, r
assert r["new_contacts"] == n + n // 5, r["new_contacts"]
assert sorted(s["file"] for s in r["skipped"]) == ["./ca.der", "./files.txt"], r["skipped"]
PY
q() { sqlite3 "$db" "$1"; }
[ "$(q 'SELECT count(*) FROM certificates')" = "$count" ] || fail "certificate count"
[ "$(q 'SELECT count(*) FROM contacts')" = $((count + count / 5)) ] || fail "contact count"

# ---- the expiry query ----------------------------------------------------------------------
query_seconds=
for ((run = 1; run <= 5 * runs; run++)); do
    start=$(now)
    status=0
    "$smimekit" contacts list --db "$db" --now "$pinned_now" --expiring "${window_days}d" --json \
        >"$tmp/expiring.json" 2>/dev/null || status=$?
    seconds=$(elapsed "$start" "$(now)")
    [ "$status" -le 1 ] || fail "contacts list exited with $status"
    if faster "$seconds" "$query_seconds"; then
        query_seconds=$seconds
    fi
done
# The sqlite3 CLI counts the contacts in the window its own way; every listed contact must have
# a current certificate whose notAfter is in it.
expected=$(q "SELECT count(DISTINCT l.contact_id) FROM contact_certificates l JOIN certificates c
              ON c.id = l.certificate_id WHERE l.superseded_at IS NULL
              AND c.not_after BETWEEN unixepoch('$pinned_now')
              AND unixepoch('$pinned_now', '+$window_days days')")
listed=$(python3 - "$tmp/expiring.json" "$pinned_now" "$window_days" <<'PY'
import datetime, json, sys
d = json.load(open(sys.argv[1]))
now = datetime.datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
end = now + datetime.timedelta(days=int(sys.argv[3]))
for c in d["contacts"]:
    times = [datetime.datetime.fromisoformat(x["not_after"].replace("Z", "+00:00")) for x in c["current"]]
    assert any(now <= t <= end for t in times), c["email"]
print(len(d["contacts"]))
PY
) || fail "a listed contact is outside the window"
[ "$listed" = "$expected" ] || fail "contacts list found $listed contacts in the window, sqlite3 $expected"
[ "$status" = 1 ] || [ "$listed" = 0 ] || fail "contacts list --expiring exited $status with $listed contacts in the window"

# ---- the table -----------------------------------------------------------------------------
read -r load1 load5 _ </proc/loadavg
echo
echo "smimekit contacts import: $count DER S/MIME certificates in a directory tree (100 dirs)"
echo "  $(openssl version | cut -d' ' -f1-2), SQLite $(sqlite3 --version | cut -d' ' -f1)," \
    "$(nproc) cores, load average $load1 $load5, build $build_type; fastest of $runs run(s)"
awk -v n="$count" -v iw="$import_seconds" -v ir="$import_rss" -v ib="$import_bytes" \
    -v rw="$raw_seconds" -v rr="$raw_rss" -v rb="$raw_bytes" -v q="$query_seconds" \
    -v listed="$listed" -v days="$window_days" -v aim_raw="$aim_raw_ratio" -v aim_q="$aim_query_ms" '
    function row(name, seconds, rss, bytes) {
        printf "  %-44s %9.0f/s %9.2f s %9.1f MiB %9.1f MiB\n", name, n / seconds, seconds,
            rss / 1024, bytes / 1048576
    }
    BEGIN {
        printf "\n  %-44s %11s %11s %13s %13s\n", "", "certs/s", "total", "peak RSS", "database"
        row("smimekit contacts import (contacts, links)", iw, ir, ib)
        row("raw: read + d2i + insert, one transaction", rw, rr, rb)
        ratio = iw / rw
        printf "\n  import vs raw: %.2fx the raw time (aim <= %dx)%s\n", ratio, aim_raw,
            (ratio <= aim_raw ? "" : "  MISSED")
        printf "  contacts list --expiring %dd --json: %.0f ms for %d contacts (aim < %d ms)%s\n",
            days, q * 1000, listed, aim_q, (q * 1000 < aim_q ? "" : "  MISSED")
    }'
