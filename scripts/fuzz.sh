#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of fuzz/ with clang, ASan and UBSan (in build-fuzz/) and runs
# each for SECONDS (default 60), one at a time. Fails if any target crashes, leaks, times out or
# breaks a property; the input that did it is left in build-fuzz/artifacts/<target>/ (add it to
# fuzz/regression/<target>/ once fixed). Prints the executions of every target.
#   ./scripts/fuzz.sh                 every target, 60 s each
#   ./scripts/fuzz.sh 600             every target, 10 minutes each
#   ./scripts/fuzz.sh 300 mime chain  only these targets
# The corpus each run grows is kept in build-fuzz/corpus/<target>/ and reused by the next run.
# docs/hardening.md has the details.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
    '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
all_targets=(load sst pkcs12 mime chain exchange_state inventory_import mail_verify mail_decrypt)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

# Longest input per target: a little above the largest seed, so that runs stay fast.
declare -A max_len=([load]=65536 [sst]=32768 [pkcs12]=16384 [mime]=32768 [chain]=16384
    [exchange_state]=32768 [inventory_import]=16384 [mail_verify]=32768 [mail_decrypt]=32768)

build_dir=${SMIMEKIT_FUZZ_BUILD_DIR:-$SMIMEKIT_ROOT/build-fuzz}
certs=$SMIMEKIT_ROOT/certs-test
shared_sst=$SMIMEKIT_ROOT/../shared/testdata/sst

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" "${SMIMEKIT_FUZZ_PACKAGES[@]}"
cmake -S "$SMIMEKIT_ROOT" -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMIMEKIT_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
build_targets=()
for target in "${targets[@]}"; do
    [ -n "${max_len[$target]:-}" ] || { echo "smimekit: unknown fuzz target '$target'" >&2; exit 2; }
    build_targets+=("fuzz_$target")
done
cmake --build "$build_dir" -j "$(nproc)" --target "${build_targets[@]}"

# ---- seed corpora, assembled from the fixtures (never committed: the fixtures are) ---------
seeds=$build_dir/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
copy_seeds() {  # copy_seeds TARGET FILE...: keeps the path in the name, flattened
    local target=$1 file
    shift
    mkdir -p "$seeds/$target"
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$seeds/$target/$(echo "${file#"$SMIMEKIT_ROOT"/}" | tr / _)"
    done
    return 0
}
make_seeds() {
    local work=$seeds/.work
    mkdir -p "$work"
    local shared=()
    [ -d "$shared_sst" ] && mapfile -t shared < <(find "$shared_sst" -name '*.sst' | sort)
    mapfile -t all < <(find "$certs" -type f ! -name '*.md' | sort)
    copy_seeds load "${all[@]}" "${shared[@]}"
    copy_seeds sst "$certs"/sst/*.sst "$certs"/sst/generated/*.sst "${shared[@]}"
    copy_seeds pkcs12 "$certs"/p12/*.p12
    copy_seeds inventory_import "$certs"/users/* "$certs"/p12/*.p12 "$certs"/bundles/* \
        "$certs"/sst/*.sst "$certs"/ca/root-rsa.der "$certs"/misc/*

    # chain: a leaf followed by a pool, as concatenated DER.
    mkdir -p "$seeds/chain"
    local leaf
    for leaf in "$certs"/users/*.der "$certs"/chains/*-user.der "$certs"/chains/nc-*.der; do
        cat "$leaf" "$certs"/ca/inter-*.der "$certs"/chains/*inter*.der \
            >"$seeds/chain/$(basename "$leaf" .der)"
    done
    cat "$certs"/chains/loop-user.der "$certs"/chains/loop-a.der "$certs"/chains/loop-b.der \
        >"$seeds/chain/loop"
    mkdir -p "$work/edge"
    local pem
    for pem in "$certs"/edge/*.pem; do
        [[ $pem == *.crl.pem ]] ||
            openssl x509 -in "$pem" -outform DER -out "$work/edge/$(basename "$pem" .pem).der"
    done
    for leaf in leaf leaf-deep leaf-cross leaf-nc-ok leaf-crit-unknown leaf-under-pathlen0; do
        cat "$work/edge/$leaf.der" "$work"/edge/inter*.der "$work"/edge/deep*.der \
            "$work"/edge/cross-*.der >"$seeds/chain/edge-$leaf"
    done

    # exchange_state: what the contacts script's -ExportState writes.
    mkdir -p "$seeds/exchange_state"
    local alice bob
    alice=$(base64 -w0 "$certs/users/alice.der")
    bob=$(base64 -w0 "$certs/users/bob-ec.der")
    printf '[\r\n  {\r\n    "Identity": "Alice Example",\r\n    "PrimarySmtpAddress": "SMTP:alice@example.org",\r\n    "UserCertificate": [\r\n      "%s",\r\n      "%s"\r\n    ]\r\n  },\r\n  {"Identity": "bob", "UserCertificate": null}\r\n]\r\n' \
        "$alice" "$bob" >"$seeds/exchange_state/two-recipients.json"
    printf '\xef\xbb\xbf{"Name": "Bob", "WindowsEmailAddress": "bob@example.org", "UserCertificate": {"value": ["%s"], "Count": 1}}' \
        "$bob" >"$seeds/exchange_state/windows-powershell.json"
    printf '{"Identity": "x", "UserCertificate": [%s]}' \
        "$(od -An -tu1 -v "$certs/users/alice.der" | tr -s ' \n' ',' | sed 's/^,//;s/,$//')" \
        >"$seeds/exchange_state/numbers.json"

    # mime, mail_verify, mail_decrypt: messages the openssl CLI signs and encrypts with the
    # test PKI (RSA and EC, detached and opaque, CBC and GCM, PKCS#1 v1.5 and OAEP), and a plain
    # multipart with attachments.
    mkdir -p "$seeds/mime" "$seeds/mail_verify" "$seeds/mail_decrypt"
    printf 'From: alice@example.org\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =\r\nsoft\r\n' >"$work/part.txt"
    local alice_pem=$certs/users/alice.pem alice_key=$certs/keys/alice.key
    local bob_pem=$certs/users/bob-ec.pem bob_key=$certs/keys/bob-ec.key
    local mail=$seeds/mail_verify
    openssl smime -sign -in "$work/part.txt" -signer "$alice_pem" -inkey "$alice_key" \
        -certfile "$certs/ca/inter-rsa.pem" -from alice@example.org -subject signed \
        -out "$mail/signed-detached.eml"
    openssl smime -sign -nodetach -in "$work/part.txt" -signer "$alice_pem" \
        -inkey "$alice_key" -out "$mail/signed-opaque.eml"
    openssl cms -sign -in "$work/part.txt" -signer "$bob_pem" -inkey "$bob_key" \
        -signer "$alice_pem" -inkey "$alice_key" -md sha384 -out "$mail/signed-two-signers.eml"
    openssl cms -sign -in "$work/part.txt" -signer "$alice_pem" -inkey "$alice_key" \
        -keyopt rsa_padding_mode:pss -out "$mail/signed-pss.eml"
    mail=$seeds/mail_decrypt
    openssl smime -encrypt -aes256 -in "$seeds/mail_verify/signed-detached.eml" \
        -out "$mail/encrypted-signed.eml" "$alice_pem"
    openssl cms -encrypt -aes-256-gcm -in "$work/part.txt" -recip "$alice_pem" \
        -out "$mail/auth-enveloped.eml"
    openssl cms -encrypt -aes128 -in "$work/part.txt" -recip "$bob_pem" \
        -out "$mail/ecdh.eml"
    openssl cms -encrypt -aes256 -in "$work/part.txt" -recip "$alice_pem" \
        -keyopt rsa_padding_mode:oaep -recip "$bob_pem" -out "$mail/oaep-and-ecdh.eml"
    cp "$seeds"/mail_verify/* "$seeds"/mail_decrypt/* "$seeds/mime/"
    {
        printf 'From: =?utf-8?q?Alice_=C3=89?= <alice@example.org>\r\nTo: "Bob, B." <bob@example.org>\r\n'
        printf 'Subject: =?utf-8?b?w6lsw6k=?= folded\r\n  here\r\nMIME-Version: 1.0\r\n'
        printf 'Content-Type: multipart/mixed; boundary="outer"\r\n\r\npreamble\r\n--outer\r\n'
        printf 'Content-Type: text/plain\r\n\r\nhello\r\n--outer\r\n'
        printf 'Content-Type: application/octet-stream; name*=utf-8%s%%E2%%82%%AC.bin\r\n' "''"
        printf 'Content-Disposition: attachment; filename*0="a"; filename*1="b.bin"\r\n'
        printf 'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--outer\r\n' "$alice"
        printf 'Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--outer--\r\nepilogue\r\n'
    } >"$seeds/mime/mixed.eml"
    rm -rf "$work"
}
make_seeds

# ---- the runs --------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build_dir/logs"
summary=()
failed=()
for target in "${targets[@]}"; do
    corpus=$build_dir/corpus/$target
    artifacts=$build_dir/artifacts/$target
    mkdir -p "$corpus" "$artifacts" "$seeds/$target"
    log=$build_dir/logs/$target.log
    flags=(-max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=30
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/")
    [ -f "$SMIMEKIT_ROOT/fuzz/$target.dict" ] && flags+=(-dict="$SMIMEKIT_ROOT/fuzz/$target.dict")
    echo "smimekit: fuzzing $target for ${seconds}s (log: $log)" >&2
    started=$(date +%s)
    status=ok
    "$build_dir/fuzz/fuzz_$target" "${flags[@]}" "$corpus" "$seeds/$target" \
        "$SMIMEKIT_ROOT/fuzz/regression/$target" >"$log" 2>&1 || status=FAILED
    elapsed=$(($(date +%s) - started))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    summary+=("$(printf '%-18s %6ss %12s executions  %s' "$target" "$elapsed" "${executions:-?}" "$status")")
    if [ $status != ok ]; then
        failed+=("$target")
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|smimekit fuzz:|artifact_prefix|Test unit written)' "$log" \
            | head -20 >&2 || true
    fi
done

echo
echo "target               time   executions"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "smimekit: fuzzing found problems in: ${failed[*]} (inputs in $build_dir/artifacts/)" >&2
    exit 1
fi
