#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test: the OpenSSL column of certs-test/edge/expected.txt is what `openssl verify` (the
# CLI, not our code) says about each chain: the same verdict, and every problem the CLI prints
# (code and depth) is in the column. The CLI stops at the first error of most kinds, where our
# engine goes on and lists them all, so the column may hold more. The unit test tests/unit/botan_test.cpp checks that our OpenSSL engine gives that
# column too, so both together tie our engine to the CLI. Codes of our own S/MIME rules are not
# OpenSSL's and are left out. scripts/make-edge-chains.sh runs this before it writes the corpus.
# Usage: edge_openssl.sh SMIMEKIT(unused) CERTS-TEST-DIR
set -euo pipefail
edge=$2/edge
[ -f "$edge/expected.txt" ] || { echo "no $edge/expected.txt" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ours='^(no-email-protection-eku|ca-eku|key-usage-sign|key-usage-encrypt|key-type-encrypt|eku-missing|email-mismatch)@'
# openssl verify's error numbers (x509_vfy.h) as our codes (src/lib/chain.cpp, code_for)
code_of() {
    case $1 in
        10) echo expired ;; 9) echo not-yet-valid ;; 4 | 6 | 7 | 24) echo bad-signature ;;
        25) echo path-length ;; 79) echo not-a-ca ;; 32) echo ca-key-usage ;;
        47 | 48 | 49 | 51 | 52 | 53) echo name-constraints ;; 23) echo revoked ;;
        12) echo crl-expired ;; 11) echo crl-not-yet-valid ;; 3) echo crl-missing ;;
        44) echo crl-scope ;; 34 | 36) echo unknown-critical-extension ;; 22) echo max-depth ;;
        2 | 18 | 19 | 20 | 21 | 27) echo untrusted-root ;; *) echo "other($1)" ;;
    esac
}

failures=0
cases=0
while read -r name time _purpose path options expected _botan _class; do
    [[ $name == \#* || -z $name ]] && continue
    IFS=, read -r -a certs <<<"$path"
    n=${#certs[@]}
    args=(verify -attime "$(date -u -d "$time" +%s)" -partial_chain -CAfile "$edge/${certs[n - 1]}.pem")
    : >"$tmp/untrusted.pem"
    for ((i = 1; i < n - 1; i++)); do cat "$edge/${certs[i]}.pem" >>"$tmp/untrusted.pem"; done
    [ -s "$tmp/untrusted.pem" ] && args+=(-untrusted "$tmp/untrusted.pem")
    crl_check=""
    if [[ $options != - ]]; then
        IFS=, read -r -a opts <<<"$options"
        for o in "${opts[@]}"; do
            case $o in
                crl:*) args+=(-CRLfile "$edge/${o#crl:}.crl.pem"); crl_check=${crl_check:--crl_check} ;;
                crl-all) crl_check=-crl_check_all ;;
                max-depth:*) args+=(-verify_depth "${o#max-depth:}") ;;
                email:*) ;;  # an S/MIME rule of ours
                *) echo "$name: unknown option $o" >&2; exit 1 ;;
            esac
        done
    fi
    [[ -n $crl_check ]] && args+=("$crl_check")
    got=$(openssl "${args[@]}" "$edge/${certs[0]}.pem" 2>&1 || true)
    codes=$(sed -n -E 's/^error ([0-9]+) at (-?[0-9]+) depth lookup.*/\1 \2/p' <<<"$got" |
        while read -r number depth; do echo "$(code_of "$number")@$depth"; done |
        sort -u | paste -sd, -)
    want=$(tr , '\n' <<<"$expected" | grep -Ev "$ours" | grep -v '^valid$' | sort -u | paste -sd, - || true)
    cases=$((cases + 1))
    extra=$(comm -23 <(tr , '\n' <<<"$codes" | sed '/^$/d') <(tr , '\n' <<<"$want" | sed '/^$/d'))
    if [[ ${codes:+invalid} != "${want:+invalid}" || -n $extra ]]; then
        echo "DIFFER $name: openssl verify: ${codes:-valid}; expected.txt: ${want:-valid}"
        sed 's/^/    /' <<<"$got"
        failures=$((failures + 1))
    else
        printf 'ok %-34s %s\n' "$name" "${codes:-valid}"
    fi
done <"$edge/expected.txt"
echo "$cases chains, $failures differ from openssl verify"
[ "$cases" -ge 30 ] && [ "$failures" -eq 0 ]
