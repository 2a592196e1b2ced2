#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of the .sst commands (Microsoft serialized certificate stores) over N DER S/MIME
# certificates, each beside the OpenSSL CLI doing the nearest equivalent work:
#   1. `smimekit sst create` of the N certificates, one process, beside `openssl crl2pkcs7
#      -nocrl` building a PKCS#7 .p7b bundle of the same certificates. openssl cannot write a
#      .sst; a .p7b is the other bundle format Exchange and Windows accept for a set of
#      certificates, and building it is the same work: read and decode every certificate, write
#      them all into one file.
#   2. `smimekit sst list --json` of that store beside `openssl pkcs7 -print_certs` of the
#      bundle: both decode every certificate and print (at least) its subject and issuer.
#   3. `smimekit sst extract` of the store (N .cer files, one process) beside what an admin does
#      by hand, `openssl x509 -inform DER -outform DER -out N.cer` once per certificate, timed
#      over SAMPLE certificates and extrapolated to N.
# Prints wall and CPU time per certificate and in total, peak RSS, and the ratios.
# A benchmark, not a test: a missed aim prints MISSED and still exits 0; a wrong answer (a store
# that does not list the N input certificates, an extracted file that is not byte for byte an
# input, a bundle without N certificates) exits 1.
#
#   bench/sst.sh [N] [SAMPLE]
#     N        certificates to generate and put in the store (default 10000). Above about
#              70,000 the store outgrows smimekit's 64 MiB input cap and `sst list` refuses it.
#     SAMPLE   certificates the openssl loop of row 3 runs over (default 300)
#   BUILD_DIR  build directory (default build/ in the source tree); the certificates are cached
#              in BUILD_DIR/bench-data/certs-N/ (shared with bench/inspect.sh)
#   RUNS       timed runs of each one-process command, alternately; the fastest counts (default 3)
#   BENCH_TMP  where the store, the bundle and the extracted files go, in a directory of their
#              own that is removed at the end (default /tmp). Not /dev/shm: row 3 is about writing
#              files, and `sst extract` syncs the file system before renaming its outputs into
#              place (openssl does not sync), so a disk is part of what it measures.
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
        echo "usage: bench/sst.sh [N] [SAMPLE]   (positive numbers; RUNS too)" >&2
        exit 2
    fi
done
[ "$sample" -le "$count" ] || sample=$count

# Rows 1 and 2 compare one process with one process doing the same per-certificate work (decode,
# encode or print), so the ratio shows smimekit's own overhead: its stricter reading, the
# chain-of-trust checks of `sst create` and the much fuller JSON of `sst list`. Twice openssl's
# time leaves room for that while still catching a per-certificate cost that should not be there
# (a quadratic step, a re-parse, a syscall per certificate).
aim_bundle_ratio=2 # sst create and sst list at most this many times openssl's time
# Row 3 compares one process with a process per certificate (a few ms each, most of it OpenSSL
# starting). It is lower than the 100x of bench/inspect.sh because every output is a file
# created, written and renamed, and the batch is synced to disk once, where the openssl loop
# leaves its files in the page cache.
aim_extract_speedup=20 # sst extract at least this many times faster than the openssl loop
pinned_now=2030-01-01T00:00:00Z

fail() {
    echo "bench/sst.sh: FAILED: $*" >&2
    exit 1
}

# /usr/bin/time (package "time") gives CPU time and peak RSS; python3 checks the answers.
ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" time python3 openssl

# Only the two programs we run: the rest of the tree (tests) need not build for a benchmark.
echo "building smimekit_cli bench_gen_certs in $build_dir" >&2
cmake -S "$SMIMEKIT_ROOT" -B "$build_dir" >/dev/null || fail "cmake cannot configure $build_dir"
cmake --build "$build_dir" -j "$(nproc)" --target smimekit_cli bench_gen_certs >/dev/null ||
    fail "the build failed (compiler messages above)"
smimekit=$build_dir/smimekit
gen_certs=$build_dir/bench/bench_gen_certs
build_type=$(build_description "$build_dir")

# ---- the certificates: generated once per N and kept, since 100,000 take a while ----------
data=$(certificates_cache "$build_dir" "$gen_certs" "$count")
cd "$data" # paths in files.txt are relative to it

mkdir -p "${BENCH_TMP:-/tmp}"
work=$(mktemp -d "${BENCH_TMP:-/tmp}/smimekit-bench-sst.XXXXXX")
trap 'rm -rf "$work"' EXIT
work_fs=$(df --output=fstype "$work" | tail -1)
# The certificates sit in the subdirectories 00/ to 99/ (fewer for N < 100), beside the CA and
# files.txt, which do not belong in the store. Giving `sst create` the subdirectories gives it
# exactly the N certificates on a command line of any N (N paths may exceed ARG_MAX).
dirs=([0-9][0-9])

# now: seconds since the epoch, to the microsecond, without starting a process.
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
# faster A B: whether A < B, or B is still empty.
faster() { [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# measure NAME OUT COMMAND...: runs COMMAND once, its output to OUT and its messages to
# $work/stderr, and keeps for NAME the fastest wall time (with that run's peak RSS) and the
# least CPU time seen so far, in wall[NAME], rss[NAME] and cpu[NAME].
declare -A wall rss cpu
measure() {
    local name=$1 out=$2 start seconds kib user system seconds_cpu
    shift 2
    start=$(now)
    /usr/bin/time -f '%M %U %S' -o "$work/usage" "$@" >"$out" 2>"$work/stderr" ||
        fail "$name exited with $?: $(tail -n 3 "$work/stderr")"
    seconds=$(elapsed "$start" "$(now)")
    read -r kib user system <"$work/usage"
    if faster "$seconds" "${wall[$name]:-}"; then
        wall[$name]=$seconds
        rss[$name]=$kib
    fi
    seconds_cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')
    if faster "$seconds_cpu" "${cpu[$name]:-}"; then
        cpu[$name]=$seconds_cpu
    fi
    echo -n " $name $seconds s" >&2
}

# The commands of the three rows, on the files in $work. The certificates' not-before dates
# spread over two years around the pinned clock, so some are expired at it: --allow-expired
# writes them anyway. Every one is a user certificate, so `sst create` also warns once per
# certificate that it does not belong in a chain of trust (to $work/stderr, which costs little).
sst_create=("$smimekit" sst create --now "$pinned_now" --allow-expired -o "$work/store.sst"
    "${dirs[@]}")
p7b_create=(openssl crl2pkcs7 -nocrl -certfile "$work/all.pem" -outform DER
    -out "$work/bundle.p7b")
sst_list=("$smimekit" sst list --json --now "$pinned_now" "$work/store.sst")
p7b_list=(openssl pkcs7 -inform DER -print_certs -noout -in "$work/bundle.p7b")
# Followed by the directory to write. Each run writes into a new one, and nothing is removed
# until the end: creating files on ext4 right after deleting thousands is several times slower
# (the inode allocator inspects the recently deleted inodes), which would time the file system's
# housekeeping rather than smimekit. Before each extraction, `sync --file-system` (untimed)
# flushes what came before, so that the sync inside `sst extract` pays for its own writes (and
# whatever else the machine writes to that file system meanwhile).
sst_extract=("$smimekit" sst extract "$work/store.sst" -o)

# ---- correctness first (untimed): also warms the page cache for every contender -------------
echo "hashing the $count input certificates" >&2
# "sha1 sha256" of every input, in upper-case hex as smimekit prints thumbprints.
/usr/bin/python3 - <<'PY' >"$work/inputs.txt" || fail "cannot hash the input certificates"
import hashlib
for path in open("files.txt", encoding="utf-8").read().split():
    der = open(path, "rb").read()
    print(hashlib.sha1(der).hexdigest().upper(), hashlib.sha256(der).hexdigest().upper())
PY
# openssl's input: the same certificates as one PEM file, written by smimekit convert (untimed;
# xargs splits the list if it exceeds ARG_MAX).
xargs -d '\n' -a files.txt "$smimekit" convert --to pem -o - >"$work/all.pem" 2>"$work/stderr" ||
    fail "smimekit convert exited with $?: $(tail -n 3 "$work/stderr")"
[ "$(grep -c -- '-----BEGIN CERTIFICATE-----' "$work/all.pem")" -eq "$count" ] ||
    fail "all.pem does not hold the $count certificates"

echo "checking each command's answer" >&2
# check_json FILE: the JSON of `sst list` names exactly the input certificates, each once.
check_json() {
    /usr/bin/python3 - "$1" "$work/inputs.txt" <<'PY'
import json, sys
listed = [c["sha1"].replace(":", "").upper() for c in json.load(open(sys.argv[1]))["certificates"]]
inputs = [line.split()[0] for line in open(sys.argv[2])]
if len(listed) != len(inputs):
    sys.exit(f"the store lists {len(listed)} certificates, not {len(inputs)}")
if set(listed) != set(inputs):
    sys.exit(f"{len(set(inputs) - set(listed))} input certificates are not in the store")
PY
}
# check_extracted DIR: DIR holds exactly the input certificates, byte for byte, each in
# <its SHA-1>.cer.
check_extracted() {
    /usr/bin/python3 - "$1" "$work/inputs.txt" <<'PY'
import hashlib, os, sys
directory = sys.argv[1]
inputs = {sha256: sha1 for sha1, sha256 in (line.split() for line in open(sys.argv[2]))}
names = os.listdir(directory)
if len(names) != len(inputs):
    sys.exit(f"{len(names)} files extracted, not {len(inputs)}")
for name in names:
    der = open(os.path.join(directory, name), "rb").read()
    sha256 = hashlib.sha256(der).hexdigest().upper()
    if sha256 not in inputs:
        sys.exit(f"{name} is not one of the input certificates")
    if name != inputs.pop(sha256) + ".cer":
        sys.exit(f"{name} is not named by its SHA-1 thumbprint (or is a duplicate)")
PY
}
"${sst_create[@]}" 2>"$work/stderr" ||
    fail "smimekit sst create exited with $?: $(tail -n 3 "$work/stderr")"
"${sst_list[@]}" >"$work/list.json" 2>"$work/stderr" || fail "smimekit sst list exited with $?"
check_json "$work/list.json" || fail "the store is not the $count input certificates"
"${sst_extract[@]}" "$work/extracted" >/dev/null 2>"$work/stderr" ||
    fail "smimekit sst extract exited with $?"
check_extracted "$work/extracted" || fail "sst extract did not write the input certificates"
"${p7b_create[@]}" || fail "openssl crl2pkcs7 exited with $?"
[ "$("${p7b_list[@]}" | grep -c '^subject=')" -eq "$count" ] ||
    fail "openssl's bundle does not hold $count certificates"
store_bytes=$(stat -c %s "$work/store.sst")
bundle_bytes=$(stat -c %s "$work/bundle.p7b")

# ---- every one-process command RUNS times, alternately; the fastest run counts ---------------
# Alternating spreads the noise of a shared machine over both contenders, which keeps their
# ratios honest. The timings include each process's start (a few ms).
echo "timing the one-process commands, $runs runs" >&2
for ((run = 1; run <= runs; run++)); do
    echo -n "  run $run:" >&2
    rm -f "$work/store.sst" "$work/bundle.p7b"
    measure sst_create /dev/null "${sst_create[@]}"
    measure p7b_create /dev/null "${p7b_create[@]}"
    measure sst_list /dev/null "${sst_list[@]}"
    measure p7b_list /dev/null "${p7b_list[@]}"
    sync --file-system "$work"
    measure sst_extract /dev/null "${sst_extract[@]}" "$work/extracted-$run"
    echo >&2
done

# ---- the openssl loop over an evenly spread sample, extrapolated ----------------------------
step=$((count / sample))
mapfile -t sampled < <(awk -v step="$step" -v max="$sample" \
    '(NR - 1) % step == 0 && n < max { print; n++ }' files.txt)
echo "timing the openssl loop over ${#sampled[@]} certificates" >&2
mkdir "$work/openssl-out"
sync --file-system "$work"
# In a child shell so that /usr/bin/time sums the CPU of every openssl process it waited for.
# shellcheck disable=SC2016 # the child shell expands its own variables
measure openssl_loop /dev/null bash -c '
    out=$1
    shift
    for file; do
        name=${file##*/}
        openssl x509 -inform DER -in "$file" -outform DER -out "$out/${name%.der}.cer" || exit 1
    done' openssl-loop "$work/openssl-out" "${sampled[@]}"
echo >&2
for file in "${sampled[@]}"; do
    name=${file##*/}
    cmp -s "$file" "$work/openssl-out/${name%.der}.cer" || fail "openssl x509 changed $file"
done

# ---- the table ------------------------------------------------------------------------------
read -r load1 load5 _ </proc/loadavg
echo
echo "smimekit sst: $count DER S/MIME certificates (RSA-2048 and P-256 keys, ECDSA CA)"
echo "  $(openssl version | cut -d' ' -f1-2), $(nproc) cores, load average $load1 $load5," \
    "build $build_type; outputs on $work_fs"
echo "  store $((store_bytes / 1024)) KiB, .p7b bundle $((bundle_bytes / 1024)) KiB;" \
    "one-process commands: fastest of $runs runs, alternately"
echo "  openssl loop: one run over ${#sampled[@]} certificates, extrapolated to $count"
awk -v n="$count" -v k="${#sampled[@]}" \
    -v cw="${wall[sst_create]}" -v cc="${cpu[sst_create]}" -v cr="${rss[sst_create]}" \
    -v pw="${wall[p7b_create]}" -v pc="${cpu[p7b_create]}" -v pr="${rss[p7b_create]}" \
    -v lw="${wall[sst_list]}" -v lc="${cpu[sst_list]}" -v lr="${rss[sst_list]}" \
    -v qw="${wall[p7b_list]}" -v qc="${cpu[p7b_list]}" -v qr="${rss[p7b_list]}" \
    -v ew="${wall[sst_extract]}" -v ec="${cpu[sst_extract]}" -v er="${rss[sst_extract]}" \
    -v ow="${wall[openssl_loop]}" -v oc="${cpu[openssl_loop]}" -v or="${rss[openssl_loop]}" \
    -v aim_ratio="$aim_bundle_ratio" -v aim_speedup="$aim_extract_speedup" '
    function per_cert(seconds,    us) {
        us = seconds * 1e6 / n
        return us >= 1000 ? sprintf("%8.2f ms", us / 1000) : sprintf("%8.1f us", us)
    }
    function row(name, wall, cpu, kib) {
        printf "  %-46s %s %9.3f s   %s %9.1f MiB\n", name, per_cert(wall), wall, per_cert(cpu),
            kib / 1024
    }
    function verdict(ok) { return ok ? "" : "  MISSED" }
    # ratio(A, B, FORMAT): A / B, or "n/a" when B rounded to 0 (CPU times of a tiny N).
    function ratio(a, b, format) { return b > 0 ? sprintf(format, a / b) : "n/a" }
    BEGIN {
        # The loop ran over k certificates: its times scale to n (its RSS is one process'"'"'s).
        ow = ow * n / k
        oc = oc * n / k
        printf "\n  %-46s %11s %11s   %11s %13s\n", "", "per cert", "total", "CPU/cert",
            "peak RSS"
        row("1 smimekit sst create, one process", cw, cc, cr)
        row("  openssl crl2pkcs7 -nocrl (a .p7b bundle)", pw, pc, pr)
        row("2 smimekit sst list --json", lw, lc, lr)
        row("  openssl pkcs7 -print_certs -noout", qw, qc, qr)
        row("3 smimekit sst extract (files, one sync)", ew, ec, er)
        row("  openssl x509 -outform DER, a process each", ow, oc, or)
        printf "\n  sst create: %.2fx openssl'"'"'s time (aim <= %dx)%s\n", cw / pw, aim_ratio,
            verdict(cw / pw <= aim_ratio)
        printf "  sst list: %.2fx openssl'"'"'s time (aim <= %dx)%s\n", lw / qw, aim_ratio,
            verdict(lw / qw <= aim_ratio)
        printf "  sst extract: %.0fx faster than the openssl loop (aim >= %dx)%s\n", ow / ew,
            aim_speedup, verdict(ow / ew >= aim_speedup)
        printf "  in CPU time: create %s and list %s openssl'"'"'s; extract %s faster\n",
            ratio(cc, pc, "%.2fx"), ratio(lc, qc, "%.2fx"), ratio(oc, ec, "%.0fx")
    }'
