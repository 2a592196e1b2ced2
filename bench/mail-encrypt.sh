#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `smimekit mail encrypt` and `mail decrypt` beside `openssl cms -encrypt/-decrypt`
# (issue 9): N small mails, smimekit in one process (--out-dir) and openssl once per mail; and
# one large mail (a SIZE MB message with an attachment), each tool once. Prints wall time, CPU
# time and peak RSS (/usr/bin/time) side by side, and the ratios against the aims:
#   small mails: smimekit at least 10x faster than the openssl loop, encrypting and decrypting;
#   large mail:  smimekit within 1.2x of openssl's time; decrypting within openssl's peak memory.
# A benchmark, not a test: a missed aim prints MISSED and still exits 0; a wrong answer (a mail
# that the other tool does not decrypt to the same bytes) exits 1.
#
#   bench/mail-encrypt.sh [N] [SIZE]
#     N         small mails (default 1000)
#     SIZE      size of the large mail in MB (default 50)
#   BUILD_DIR   build directory (default build/ in the source tree)
#   RUNS        timed runs of each smimekit and large-mail command; the fastest counts (default 3)
#   WORK_DIR    where mails and outputs go (default: a directory in /dev/shm when it exists, so
#               that the disk does not decide the figures: smimekit fsyncs each output file
#               before renaming it into place, openssl does not; the on-disk cost is shown too)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"

count=${1:-1000}
size_mb=${2:-50}
runs=${RUNS:-3}
build_dir=$(realpath -m "${BUILD_DIR:-$SMIMEKIT_ROOT/build}")
for number in "$count" "$size_mb" "$runs"; do
    if ! [[ $number =~ ^[1-9][0-9]*$ ]]; then
        echo "usage: bench/mail-encrypt.sh [N] [SIZE]   (positive numbers; RUNS too)" >&2
        exit 2
    fi
done

aim_small_speedup=10 # smimekit at least this many times faster than the openssl loop
aim_large_ratio=1.2  # smimekit at most this many times openssl's time on the large mail

fail() {
    echo "bench/mail-encrypt.sh: FAILED: $*" >&2
    exit 1
}

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" time python3 openssl

echo "building smimekit_cli in $build_dir" >&2
cmake -S "$SMIMEKIT_ROOT" -B "$build_dir" >/dev/null || fail "cmake cannot configure $build_dir"
cmake --build "$build_dir" -j "$(nproc)" --target smimekit_cli >/dev/null ||
    fail "the build failed (compiler messages above)"
smimekit=$build_dir/smimekit
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
if grep -q '^SMIMEKIT_SANITIZE:BOOL=ON' "$build_dir/CMakeCache.txt"; then
    build_type="$build_type + sanitizers (figures are meaningless)"
fi

certs=$SMIMEKIT_ROOT/certs-test
cert=$certs/users/alice.pem
key=$certs/keys/alice.key
p12=$certs/p12/modern.p12
pw=$certs/p12/password.txt

if [ -n "${WORK_DIR:-}" ]; then
    mkdir -p "$WORK_DIR"
    work=$(mktemp -d "$WORK_DIR/mail-encrypt.XXXXXX")
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    work=$(mktemp -d /dev/shm/smimekit-mail-encrypt.XXXXXX)
else
    mkdir -p "$build_dir/bench-data"
    work=$(mktemp -d "$build_dir/bench-data/mail-encrypt.XXXXXX")
fi
disk=$(mktemp -d "$build_dir/mail-encrypt-disk.XXXXXX")
trap 'rm -rf "$work" "$disk"' EXIT
cd "$work"
work_fs=$(df --output=fstype . | tail -1)

# ---- the mails ----------------------------------------------------------------------------------
echo "writing $count small mails and a $size_mb MB mail in $work ($work_fs)" >&2
mkdir small
for ((i = 1; i <= count; i++)); do
    printf 'From: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: message %d\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob,\r\n\r\nthis is message %d of the benchmark, a few lines of text as a\r\nshort mail has them.\r\n\r\nAlice\r\n' \
        "$i" "$i" >"small/m$i.eml"
done
# Base64 grows the attachment by 4/3 (and CRLF every 76 characters): the mail is SIZE MB.
head -c $((size_mb * 1000000 * 57 / 78)) /dev/urandom >attachment.bin
"$smimekit" mail compose --from alice@example.org --to bob@example.org --subject large \
    --body "the attachment" --attach attachment.bin -o large.eml 2>/dev/null
rm attachment.bin
large_bytes=$(stat -c %s large.eml)

# usage FILE: "wall rss-KiB cpu" of a /usr/bin/time -f '%e %M %U %S' record.
usage() { awk '{ print $1, $2, $3 + $4 }' "$1"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
# faster A B: whether A < B, or B is still empty.
faster() { [ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# best NAME COMMAND...: runs COMMAND RUNS times; sets best_<NAME> to "wall rss cpu" of the
# fastest run.
best() {
    local name=$1 run wall rss cpu best_wall=""
    shift
    for ((run = 1; run <= runs; run++)); do
        # Through bash, so that COMMAND may be one of the functions below (exported).
        /usr/bin/time -f '%e %M %U %S' -o time.txt bash -c '"$@"' best "$@" >/dev/null 2>&1 ||
            fail "$* exited with $?"
        read -r wall rss cpu < <(usage time.txt)
        if faster "$wall" "$best_wall"; then
            best_wall=$wall
            printf -v "best_$name" '%s %s %s' "$wall" "$rss" "$cpu"
        fi
    done
}

# loop NAME SCRIPT: times a bash loop over every small mail once (a process per mail); sets
# loop_<NAME> to "wall rss cpu" (rss: the largest process).
loop() {
    local name=$1 script=$2 start
    start=$(now)
    # shellcheck disable=SC2016 # the child shell expands its own variables
    /usr/bin/time -f '%e %M %U %S' -o time.txt bash -c "$script" loop "$count" "$cert" "$key" \
        >/dev/null 2>&1 || fail "the openssl loop failed"
    local wall rss cpu
    read -r wall rss cpu < <(usage time.txt)
    printf -v "loop_$name" '%s %s %s' "$(elapsed "$start" "$(now)")" "$rss" "$cpu"
}

export smimekit cert p12 pw disk
encrypt_small() { rm -rf "$1" && mkdir "$1" && "$smimekit" mail encrypt small/*.eml -r "$cert" --out-dir "$1"; }
decrypt_small() { rm -rf plain && mkdir plain && "$smimekit" mail decrypt "$1"/*.eml --key "$p12" --password-file "$pw" --out-dir plain; }
export -f encrypt_small decrypt_small

# ---- correctness first (untimed) ----------------------------------------------------------------
echo "checking that each tool decrypts what the other encrypts" >&2
encrypt_small enc 2>/dev/null || fail "smimekit mail encrypt exited with $?"
mkdir ssl-enc
samples=(1 $((count / 2)) "$count")
for i in "${samples[@]}"; do
    openssl cms -encrypt -aes-256-cbc -in "small/m$i.eml" -out "ssl-enc/m$i.eml" "$cert"
done
# entity FILE: the protected entity smimekit encrypts (Content-* fields and body).
entity() { sed -n '/^Content-Type/,$p' "$1"; }
for i in "${samples[@]}"; do
    openssl cms -decrypt -in "enc/m$i.eml" -recip "$cert" -inkey "$key" -out check.txt ||
        fail "openssl does not decrypt smimekit's m$i.eml"
    cmp -s check.txt <(entity "small/m$i.eml") || fail "openssl decrypts m$i.eml to other bytes"
done
decrypt_small ssl-enc 2>/dev/null || fail "smimekit mail decrypt exited with $?"
for i in "${samples[@]}"; do
    # openssl encrypted the whole file, so smimekit's output ends with all of it.
    tail -c "$(stat -c %s "small/m$i.eml")" "plain/m$i.eml" | cmp -s - "small/m$i.eml" ||
        fail "smimekit decrypts openssl's m$i.eml to other bytes"
done
"$smimekit" mail encrypt large.eml -r "$cert" -o large-enc.eml 2>/dev/null
openssl cms -encrypt -stream -aes-256-cbc -in large.eml -out large-ssl.eml "$cert"
openssl cms -decrypt -in large-enc.eml -recip "$cert" -inkey "$key" -out check.txt ||
    fail "openssl does not decrypt smimekit's large mail"
cmp -s check.txt <(entity large.eml) || fail "openssl decrypts the large mail to other bytes"
"$smimekit" mail decrypt large-ssl.eml --key "$p12" --password-file "$pw" -o check.eml 2>/dev/null
tail -c "$large_bytes" check.eml | cmp -s - large.eml ||
    fail "smimekit decrypts openssl's large mail to other bytes"
rm -f check.txt check.eml

# ---- small mails --------------------------------------------------------------------------------
echo "timing $count small mails: smimekit $runs times, the openssl loops once" >&2
best small_enc encrypt_small enc
best small_dec decrypt_small enc
# On the disk beside the build: what fsync per output file costs.
encrypt_small_disk() { rm -rf "$disk/enc" && mkdir "$disk/enc" && "$smimekit" mail encrypt small/*.eml -r "$cert" --out-dir "$disk/enc"; }
export -f encrypt_small_disk
best small_enc_disk encrypt_small_disk
# shellcheck disable=SC2016
loop small_enc 'for ((i = 1; i <= $1; i++)); do
    openssl cms -encrypt -aes-256-cbc -in "small/m$i.eml" -out out.eml "$2" || exit 1; done'
# shellcheck disable=SC2016
loop small_dec 'for ((i = 1; i <= $1; i++)); do
    openssl cms -decrypt -in "enc/m$i.eml" -recip "$2" -inkey "$3" -out out.eml || exit 1; done'

# ---- the large mail -----------------------------------------------------------------------------
echo "timing the $size_mb MB mail, each command $runs times" >&2
best large_enc "$smimekit" mail encrypt large.eml -r "$cert" -o large-enc.eml --force
best large_enc_ssl openssl cms -encrypt -stream -aes-256-cbc -in large.eml -out large-ssl.eml "$cert"
best large_dec "$smimekit" mail decrypt large-enc.eml --key "$p12" --password-file "$pw" \
    -o large-dec.eml --force
best large_dec_ssl openssl cms -decrypt -in large-enc.eml -recip "$cert" -inkey "$key" \
    -out large-dec-ssl.eml

# ---- the table ------------------------------------------------------------------------------------
read -r load1 load5 _ </proc/loadavg
echo
echo "smimekit mail encrypt/decrypt vs openssl cms: AES-256-CBC, RSA-2048 PKCS#1 v1.5 (alice)"
echo "  $(openssl version | cut -d' ' -f1-2), $(nproc) cores, load average $load1 $load5," \
    "build $build_type; files on $work_fs"
echo "  smimekit and the large mail: fastest of $runs runs; openssl loops: one run"
awk -v n="$count" -v mb="$size_mb" -v bytes="$large_bytes" \
    -v se="$best_small_enc" -v sd="$best_small_dec" -v sdisk="$best_small_enc_disk" \
    -v oe="$loop_small_enc" -v od="$loop_small_dec" \
    -v le="$best_large_enc" -v loe="$best_large_enc_ssl" \
    -v ld="$best_large_dec" -v lod="$best_large_dec_ssl" \
    -v aim_speedup="$aim_small_speedup" -v aim_ratio="$aim_large_ratio" '
    function per_mail(seconds,    us) {
        us = seconds * 1e6 / n
        return us >= 1000 ? sprintf("%7.2f ms", us / 1000) : sprintf("%7.0f us", us)
    }
    function row(name, figures, per,    f) {
        split(figures, f, " ")
        printf "  %-44s %s %8.3f s %8.3f s %8.1f MiB\n", name, (per ? per_mail(f[1]) : "          "),
            f[1], f[3], f[2] / 1024
    }
    function ratio(a, b,    x, y) { split(a, x, " "); split(b, y, " "); return x[1] / y[1] }
    function rss(a,    x) { split(a, x, " "); return x[2] / 1024 }
    function verdict(ok) { return ok ? "" : "  MISSED" }
    BEGIN {
        printf "\n  %-44s %10s %10s %10s %12s\n", n " small mails", "per mail", "wall", "CPU", "peak RSS"
        row("smimekit mail encrypt --out-dir (1 process)", se, 1)
        row("  the same with outputs on disk (fsync)", sdisk, 1)
        row("openssl cms -encrypt, a process per mail", oe, 1)
        row("smimekit mail decrypt --out-dir (1 process)", sd, 1)
        row("openssl cms -decrypt, a process per mail", od, 1)
        printf "\n  %-44s %10s %10s %10s %12s\n", sprintf("one %d MB mail (%.1f MB)", mb, bytes / 1e6),
            "", "wall", "CPU", "peak RSS"
        row("smimekit mail encrypt", le, 0)
        row("openssl cms -encrypt -stream", loe, 0)
        row("smimekit mail decrypt", ld, 0)
        row("openssl cms -decrypt", lod, 0)
        e = ratio(oe, se); d = ratio(od, sd)
        printf "\n  small, encrypt: smimekit %.1fx faster than the openssl loop (aim >= %dx)%s\n",
            e, aim_speedup, verdict(e >= aim_speedup)
        printf "  small, decrypt: smimekit %.1fx faster than the openssl loop (aim >= %dx)%s\n",
            d, aim_speedup, verdict(d >= aim_speedup)
        printf "  small, encrypt with outputs on disk: %.1fx faster than the openssl loop\n",
            ratio(oe, sdisk)
        le_r = ratio(le, loe); ld_r = ratio(ld, lod)
        printf "  large, encrypt: %.2fx openssl'"'"'s time (aim <= %.1fx)%s, peak RSS %.1f vs %.1f MiB\n",
            le_r, aim_ratio, verdict(le_r <= aim_ratio), rss(le), rss(loe)
        printf "  large, decrypt: %.2fx openssl'"'"'s time (aim <= %.1fx)%s, peak RSS %.1f vs %.1f MiB%s\n",
            ld_r, aim_ratio, verdict(ld_r <= aim_ratio), rss(ld), rss(lod),
            verdict(rss(ld) <= rss(lod))
    }'
