#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `smimekit inspect --json` over many DER S/MIME certificates in one process, beside
# the OpenSSL CLI doing the same work one process per file, and beside the raw rate (read +
# d2i_X509 + SHA-256 in a loop, bench/raw_parse.cpp). Prints the three figures and the ratios,
# of wall-clock time as the aims are stated, and of CPU time, which other load disturbs less.
# A benchmark, not a test: a missed aim prints MISSED and still exits 0; a wrong answer (not
# every certificate reported, or fingerprints that disagree with openssl's) exits 1.
#
#   bench/inspect.sh [N] [SAMPLE]
#     N        certificates to generate and inspect (default 10000)
#     SAMPLE   files the openssl loop runs over; its total is extrapolated to N (default 300)
#   BUILD_DIR  build directory (default build/ in the source tree); the certificates are cached
#              in BUILD_DIR/bench-data/certs-N/
#   RUNS       timed runs of smimekit and of the raw program; the fastest counts (default 3)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=bench/lib.bash
source "$(dirname "$0")/lib.bash"

count=${1:-10000}
sample=${2:-300}
runs=${RUNS:-3}
build_dir=$(realpath -m "${BUILD_DIR:-$SMIMEKIT_ROOT/build}")
for number in "$count" "$sample" "$runs"; do
    if ! [[ $number =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: bench/inspect.sh [N] [SAMPLE]   (positive numbers; RUNS too)" >&2
        exit 2
    fi
done
[ "$sample" -le "$count" ] || sample=$count

# The same aims as the issue.
aim_openssl_speedup=100 # smimekit at least this many times faster than the openssl loop
aim_raw_ratio=2         # smimekit at most this many times the raw time
pinned_now=2030-01-01T00:00:00Z

fail() {
    echo "bench/inspect.sh: FAILED: $*" >&2
    exit 1
}

# /usr/bin/time (package "time") gives the peak RSS; python3 checks the JSON.
ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" time python3

# Only the three programs we run: the rest of the tree (tests) need not build for a benchmark.
# Configuring every time is cheap, and picks up a new bench/*.cpp.
echo "building smimekit_cli bench_gen_certs bench_raw_parse in $build_dir" >&2
cmake -S "$SMIMEKIT_ROOT" -B "$build_dir" >/dev/null || fail "cmake cannot configure $build_dir"
cmake --build "$build_dir" -j "$(nproc)" --target smimekit_cli bench_gen_certs bench_raw_parse \
    >/dev/null || fail "the build failed (compiler messages above)"
smimekit=$build_dir/smimekit
gen_certs=$build_dir/bench/bench_gen_certs
raw_parse=$build_dir/bench/bench_raw_parse
build_type=$(build_description "$build_dir")

# ---- the certificates: generated once per N and kept, since 100,000 take a while ----------
data=$(certificates_cache "$build_dir" "$gen_certs" "$count")
cd "$data" # paths in files.txt are relative to it, which also keeps the command line short

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t files <files.txt

# One process needs every path on one command line. Linux caps arguments plus environment at
# ARG_MAX (a quarter of the stack limit): each argument costs its bytes, a NUL and a pointer.
arg_bytes=$(awk '{ n += length($0) + 1 + 8 } END { print n }' files.txt)
env_bytes=$(env | wc -c)
one_process=yes
if [ $((arg_bytes + env_bytes + 65536)) -gt "$(getconf ARG_MAX)" ]; then
    one_process=no
fi

# run_smimekit OUT USAGE: inspect every file, JSON to OUT; USAGE gets "peak-RSS-KiB CPU-seconds"
# (several processes by xargs if one command line cannot hold them: the largest RSS, the sum of
# CPU).
run_smimekit() {
    local out=$1 usage=$2
    : >"$usage.all"
    if [ "$one_process" = yes ]; then
        /usr/bin/time -f '%M %U %S' -o "$usage.all" \
            "$smimekit" inspect --json --now "$pinned_now" "${files[@]}" >"$out" || return
    else
        # Each /usr/bin/time appends (-a) a line for its process.
        xargs -d '\n' -a files.txt /usr/bin/time -a -f '%M %U %S' -o "$usage.all" \
            "$smimekit" inspect --json --now "$pinned_now" >"$out" || return
    fi
    awk '$1 > rss { rss = $1 } { cpu += $2 + $3 } END { print rss, cpu }' "$usage.all" >"$usage"
}

# now: seconds since the epoch, to the microsecond, without starting a process.
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# ---- correctness first (untimed): also warms the page cache for every contender -------------
echo "checking smimekit's answer on $count files" >&2
run_smimekit "$tmp/inspect.json" "$tmp/usage" || fail "smimekit inspect exited with $?"
python3 - "$tmp/inspect.json" "$count" "$one_process" >"$tmp/sha1.txt" <<'PY' ||
import json, sys
path, expected, one_process = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes"
text = open(path, encoding="utf-8").read()
# One document, or several back to back when xargs had to split the command line.
decoder, documents, at = json.JSONDecoder(), [], 0
while at < len(text):
    if text[at].isspace():
        at += 1
        continue
    document, at = decoder.raw_decode(text, at)
    documents.append(document)
if one_process and len(documents) != 1:
    sys.exit(f"expected one JSON document, got {len(documents)}")
files = [entry for document in documents for entry in document["files"]]
errors = [entry for entry in files if "error" in entry]
if errors:
    sys.exit(f"{len(errors)} files reported an error, e.g. {errors[0]}")
sha1 = [c["sha1"] for entry in files for c in entry["certificates"] if "sha1" in c]
if len(sha1) != expected:
    sys.exit(f"expected {expected} certificates with a sha1, found {len(sha1)}")
for entry in files:
    for certificate in entry["certificates"]:
        print(entry["file"], certificate["sha1"].replace(":", "").upper())
PY
    fail "smimekit's JSON is not what $count certificates should give"

# ---- the openssl loop over an evenly spread sample, extrapolated ----------------------------
# At ~30 ms a file, all 10,000 would take five minutes for a figure the sample already gives.
step=$((count / sample))
mapfile -t sampled < <(awk -v step="$step" -v max="$sample" \
    '(NR - 1) % step == 0 && n < max { print; n++ }' files.txt)
echo "timing the openssl loop over ${#sampled[@]} files" >&2
# In a child shell so that /usr/bin/time sums the CPU of every openssl process it waited for.
start=$(now)
# shellcheck disable=SC2016 # the child shell expands $file
/usr/bin/time -f '%U %S' -o "$tmp/openssl.usage" bash -c '
    for file; do
        openssl x509 -inform DER -noout -subject -fingerprint -in "$file" || exit 1
    done' openssl-loop "${sampled[@]}" >"$tmp/openssl.txt" || fail "openssl x509 failed"
sample_seconds=$(elapsed "$start" "$(now)")
# Extrapolated from the sample to N files.
openssl_seconds=$(awk -v s="$sample_seconds" -v n="$count" -v k="${#sampled[@]}" \
    'BEGIN { printf "%.6f", s * n / k }')
openssl_cpu=$(awk -v n="$count" -v k="${#sampled[@]}" '{ printf "%.6f", ($1 + $2) * n / k }' \
    "$tmp/openssl.usage")

# The two tools must agree on every sampled fingerprint (openssl prints SHA-1 by default).
printf '%s\n' "${sampled[@]}" >"$tmp/sampled.txt"
awk -F= '/Fingerprint=/ { gsub(":", "", $2); print toupper($2) }' "$tmp/openssl.txt" \
    >"$tmp/openssl-sha1.txt"
awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { print $2 }' "$tmp/sampled.txt" \
    "$tmp/sha1.txt" >"$tmp/smimekit-sha1.txt"
cmp -s "$tmp/openssl-sha1.txt" "$tmp/smimekit-sha1.txt" ||
    fail "smimekit and openssl disagree on SHA-1 fingerprints (diff $tmp/openssl-sha1.txt" \
        "$tmp/smimekit-sha1.txt)"

# ---- smimekit and the raw rate, all files, alternately RUNS times; the fastest run counts -----
# Alternating spreads the noise of a shared machine over both, which keeps their ratio honest.
# bench_raw_parse times its own loop; smimekit's time includes its start (a few ms).
# faster A B: whether A < B, or B is still empty.
faster() { [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
smimekit_seconds=
smimekit_cpu=
smimekit_rss=
raw_seconds=
raw_cpu=
raw_checksum=
for ((run = 1; run <= runs; run++)); do
    start=$(now)
    run_smimekit /dev/null "$tmp/usage" || fail "smimekit inspect exited with $?"
    seconds=$(elapsed "$start" "$(now)")
    read -r rss cpu <"$tmp/usage"
    if faster "$seconds" "$smimekit_seconds"; then
        smimekit_seconds=$seconds
        smimekit_rss=$rss
    fi
    if faster "$cpu" "$smimekit_cpu"; then
        smimekit_cpu=$cpu
    fi

    "$raw_parse" --list files.txt >"$tmp/raw.txt" || fail "bench_raw_parse exited with $?"
    raw=$(awk '$1 == "seconds" { print $2 }' "$tmp/raw.txt")
    cpu=$(awk '$1 == "cpu_seconds" { print $2 }' "$tmp/raw.txt")
    checksum=$(awk '$1 == "checksum" { print $2 }' "$tmp/raw.txt")
    [ -z "$raw_checksum" ] || [ "$checksum" = "$raw_checksum" ] ||
        fail "bench_raw_parse gave two checksums for the same files"
    raw_checksum=$checksum
    if faster "$raw" "$raw_seconds"; then
        raw_seconds=$raw
    fi
    if faster "$cpu" "$raw_cpu"; then
        raw_cpu=$cpu
    fi
    echo "  run $run: smimekit $seconds s, raw $raw s" >&2
done

# ---- the table ------------------------------------------------------------------------------
read -r load1 load5 _ </proc/loadavg
echo
echo "smimekit inspect: $count DER S/MIME certificates (RSA-2048 and P-256 keys, ECDSA CA)"
echo "  $(openssl version | cut -d' ' -f1-2), $(nproc) cores, load average $load1 $load5," \
    "build $build_type"
echo "  smimekit and raw: fastest of $runs runs; openssl: one run over $sample files," \
    "extrapolated to $count"
if [ "$one_process" = no ]; then
    echo "  note: $count paths exceed ARG_MAX ($(getconf ARG_MAX) bytes); smimekit ran in" \
        "several processes (xargs)"
fi
awk -v n="$count" -v one="$one_process" -v rss="$smimekit_rss" \
    -v sw="$smimekit_seconds" -v sc="$smimekit_cpu" \
    -v ow="$openssl_seconds" -v oc="$openssl_cpu" \
    -v rw="$raw_seconds" -v rc="$raw_cpu" \
    -v aim_speedup="$aim_openssl_speedup" -v aim_raw="$aim_raw_ratio" '
    function per_file(seconds,    us) {
        us = seconds * 1e6 / n
        return us >= 1000 ? sprintf("%8.2f ms", us / 1000) : sprintf("%8.1f us", us)
    }
    function row(name, wall, cpu, note,    line) {
        line = sprintf("  %-38s %s %9.3f s   %s   %s", name, per_file(wall), wall, per_file(cpu),
                       note)
        sub(/ +$/, "", line)
        print line
    }
    BEGIN {
        printf "\n  %-38s %11s %11s   %11s\n", "", "per file", "total", "CPU/file"
        row("smimekit inspect --json, " (one == "yes" ? "one process" : "xargs"), sw, sc,
            sprintf("peak RSS %.1f MiB", rss / 1024))
        row("openssl x509 loop, a process per file", ow, oc, "")
        row("raw: read + d2i_X509 + SHA-256", rw, rc, "")
        speedup = ow / sw
        ratio = sw / rw
        printf "\n  smimekit vs openssl loop: %.0fx faster (aim >= %dx)%s\n", speedup, aim_speedup,
            (speedup >= aim_speedup ? "" : "  MISSED")
        printf "  smimekit vs raw: %.2fx the raw time (aim <= %dx)%s\n", ratio, aim_raw,
            (ratio <= aim_raw ? "" : "  MISSED")
        printf "  in CPU time: %.0fx faster than the openssl loop, %.2fx the raw time\n",
            oc / sc, sc / rc
    }'
