#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test: `smimekit chain verify` and `openssl verify` give the same verdict (valid or not)
# on every chain of certs-test at 2030-01-01, with the same trust anchors, untrusted
# intermediates and CRLs. The one known, documented difference: OpenSSL's smimeencrypt purpose
# rejects an EC certificate with keyAgreement (bob-ec), which RFC 8550 4.4.2 allows.
set -euo pipefail
smimekit=$1
c=$2
at=1893456000  # 2030-01-01T00:00:00Z
failures=0
cases=0

# check NAME LEAF "ANCHORS" "INTERMEDIATES" [PURPOSE] [CRL]
check() {
    local name=$1 leaf=$2 anchors=$3 intermediates=$4 purpose=${5:-any} crl=${6:-}
    local ours theirs cafile untrusted
    cafile=$(mktemp); untrusted=$(mktemp)
    for a in $anchors; do cat "$c/$a"; done > "$cafile"
    for i in $intermediates; do cat "$c/$i"; done > "$untrusted"
    local our_args=(chain verify --now 2030-01-01T00:00:00Z "$c/$leaf")
    for a in $anchors; do our_args+=(--trust "$c/$a"); done
    for i in $intermediates; do our_args+=(--pool "$c/$i"); done
    local ossl_args=(verify -attime $at -CAfile "$cafile" -partial_chain)
    [ -s "$untrusted" ] && ossl_args+=(-untrusted "$untrusted")
    case $purpose in
        smime-sign) our_args+=(--purpose smime-sign); ossl_args+=(-purpose smimesign) ;;
        smime-encrypt) our_args+=(--purpose smime-encrypt); ossl_args+=(-purpose smimeencrypt) ;;
    esac
    if [ -n "$crl" ]; then
        our_args+=(--crl "$c/$crl"); ossl_args+=(-crl_check -CRLfile "$c/$crl")
    fi
    if "$smimekit" "${our_args[@]}" >/dev/null 2>&1; then ours=valid; else ours=invalid; fi
    if openssl "${ossl_args[@]}" "$c/$leaf" >/dev/null 2>&1; then theirs=valid; else theirs=invalid; fi
    rm -f "$cafile" "$untrusted"
    cases=$((cases + 1))
    local expected=$theirs
    [ "$name" = bob-ec-encrypt ] && expected=valid  # the documented OpenSSL difference
    if [ "$ours" != "$expected" ]; then
        echo "DISAGREE $name: smimekit=$ours openssl=$theirs"
        failures=$((failures + 1))
    else
        printf 'ok %-24s smimekit=%-8s openssl=%s\n' "$name" "$ours" "$theirs"
    fi
}

R=ca/root-rsa.pem; R2=ca/root2-rsa.pem; I=ca/inter-rsa.pem; E=ca/inter-ec.pem
check alice users/alice.pem "$R" "$I"
check alice-sign users/alice.pem "$R" "$I" smime-sign
check alice-encrypt users/alice.pem "$R" "$I" smime-encrypt
check carol users/carol-rsa3072.pem "$R" "$I"
check bob-ec users/bob-ec.pem "$R" "$E"
check bob-ec-sign users/bob-ec.pem "$R" "$E" smime-sign
check bob-ec-encrypt users/bob-ec.pem "$R" "$E" smime-encrypt
check noeku-any users/noeku.pem "$R" "$I"
check noeku-sign users/noeku.pem "$R" "$I" smime-sign
check dave-sign-encrypt users/dave-sign.pem "$R" "$I" smime-encrypt
check dave-encrypt-sign users/dave-encrypt.pem "$R" "$I" smime-sign
check dave-encrypt-encrypt users/dave-encrypt.pem "$R" "$I" smime-encrypt
check subject-email users/subject-email-only.pem "$R" "$I" smime-sign
check expired users/expired.pem "$R" "$I"
check notyet users/notyet.pem "$R" "$I"
check sha1 users/sha1.pem "$R" "$I"
check weak-rsa1024 users/weak-rsa1024.pem "$R" "$I"
check under-expired-inter users/under-expired-inter.pem "$R" ca/inter-expired.pem
check cross-root users/cross-user.pem "$R" ca/inter-cross-by-root.pem
check cross-root2 users/cross-user.pem "$R2" ca/inter-cross-by-root2.pem
check cross-wrong-root users/cross-user.pem "$R" ca/inter-cross-by-root2.pem
check pathlen chains/pathlen-user.pem "$R" "chains/pathlen0-inter.pem chains/pathlen-sub.pem"
check pathlen-sub chains/pathlen-sub.pem "$R" chains/pathlen0-inter.pem
check nc-ok chains/nc-ok.pem "$R" chains/nc-inter.pem
check nc-sub-ok chains/nc-sub-ok.pem "$R" chains/nc-inter.pem
check nc-excluded chains/nc-excluded.pem "$R" chains/nc-inter.pem
check nc-outside chains/nc-outside.pem "$R" chains/nc-inter.pem
check revoked-no-crl chains/revoked-user.pem "$R" "$I"
check revoked chains/revoked-user.pem "$R" "$I" any chains/inter-rsa.crl.pem
check alice-crl users/alice.pem "$R" "$I" any chains/inter-rsa.crl.pem
check alice-expired-crl users/alice.pem "$R" "$I" any chains/inter-rsa-expired.crl.pem
check orphan chains/orphan-user.pem "$R" "$I"
check orphan-found chains/orphan-user.pem "$R" chains/hidden/hidden-inter.pem
check loop chains/loop-user.pem "$R" "chains/loop-a.pem chains/loop-b.pem"
check decoy-only users/alice.pem "$R $R2" chains/decoy-inter.pem
check decoy-and-real users/alice.pem "$R $R2" "chains/decoy-inter.pem $I"
check trusted-intermediate users/alice.pem "$I" ""
check wrong-root users/alice.pem "$R2" "$I"
echo "$cases cases, $failures disagreements"
[ "$failures" -eq 0 ]
