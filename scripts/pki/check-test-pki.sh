#!/usr/bin/env bash
# scripts/pki/check-test-pki.sh [DIR]: check, with the openssl CLI only, the verdicts that
# certs-test/README.md promises. DIR defaults to certs-test/. make-test-pki.sh runs it on every
# new PKI before replacing certs-test/. Prints one line per check (the command and what openssl
# said) and exits 1 if any verdict differs.
set -uo pipefail

D=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/certs-test"}
cd "$D" || exit 2

AT=1893456000     # 2030-01-01T00:00:00Z, the clock the tests pin
AT_2026=1772323200 # 2026-03-01T00:00:00Z, inside the expired CRL's validity
PW=file:p12/password.txt
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat ca/root-rsa.pem ca/root2-rsa.pem >"$TMP/roots.pem"
cat chains/decoy-inter.pem ca/inter-rsa.pem >"$TMP/decoy-first.pem"
cat chains/loop-a.pem chains/loop-b.pem >"$TMP/loop.pem"
cat chains/pathlen0-inter.pem chains/pathlen-sub.pem >"$TMP/pathlen.pem"

n=0
bad=0
# check <OK | expected error text> <command...>
#   OK: exit status 0. Otherwise: non-zero exit status and the text in the output.
check() {
    local want=$1
    shift
    local out rc said
    out=$("$@" 2>&1)
    rc=$?
    n=$((n + 1))
    said=$(grep -m1 -E '^error [0-9]+ at|: OK$|error|Error|unsupported|invalid' <<<"$out" | tr -s ' ')
    [[ -n $said ]] || said=$(head -n1 <<<"$out")
    [[ $rc == 0 && -z $said ]] && said="exit 0"
    local cmd="$*"
    cmd=${cmd//$TMP\//}
    if { [[ $want == OK ]] && ((rc == 0)); } || { [[ $want != OK ]] && ((rc != 0)) && grep -qF -- "$want" <<<"$out"; }; then
        printf 'ok    %-28s | %s\n      $ %s\n' "$want" "${said:0:110}" "$cmd"
    else
        printf 'FAIL  want %-23s | got rc=%s: %s\n      $ %s\n' "$want" "$rc" "${said:0:110}" "$cmd"
        bad=$((bad + 1))
    fi
}
# count <n> <what> <command...>: the command prints exactly n certificates
count() {
    local want=$1 what=$2
    shift 2
    local got
    got=$("$@" 2>/dev/null | grep -c 'BEGIN CERTIFICATE')
    n=$((n + 1))
    if [[ $got == "$want" ]]; then
        printf 'ok    %-28s | %s\n' "$want certificates" "$what"
    else
        printf 'FAIL  want %s certificates, got %s | %s\n' "$want" "$got" "$what"
        bad=$((bad + 1))
    fi
}
V=(openssl verify -attime "$AT")
R=ca/root-rsa.pem
I=ca/inter-rsa.pem

echo "== CAs"
check OK "${V[@]}" -CAfile $R $R
check OK "${V[@]}" -CAfile ca/root2-rsa.pem ca/root2-rsa.pem
check OK "${V[@]}" -CAfile ca/root-ec.pem ca/root-ec.pem
check OK "${V[@]}" -CAfile $R $I
check OK "${V[@]}" -CAfile $R ca/inter-ec.pem
check OK "${V[@]}" -CAfile $R ca/inter-cross-by-root.pem
check OK "${V[@]}" -CAfile ca/root2-rsa.pem ca/inter-cross-by-root2.pem
check "certificate has expired" "${V[@]}" -CAfile $R ca/inter-expired.pem

echo "== users"
for u in alice carol-rsa3072; do
    check OK "${V[@]}" -CAfile $R -untrusted $I users/$u.pem
    check OK "${V[@]}" -purpose smimesign -CAfile $R -untrusted $I users/$u.pem
    check OK "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted $I users/$u.pem
done
check OK "${V[@]}" -CAfile $R -untrusted ca/inter-ec.pem users/bob-ec.pem
check OK "${V[@]}" -purpose smimesign -CAfile $R -untrusted ca/inter-ec.pem users/bob-ec.pem
# OpenSSL's smimeencrypt purpose wants keyEncipherment; keyAgreement (ECDH) is not enough for it
check "unsuitable certificate purpose" "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted ca/inter-ec.pem users/bob-ec.pem
check OK "${V[@]}" -CAfile $R -untrusted $I users/noeku.pem
check "unsuitable certificate purpose" "${V[@]}" -purpose smimesign -CAfile $R -untrusted $I users/noeku.pem
check "unsuitable certificate purpose" "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted $I users/noeku.pem
check OK "${V[@]}" -purpose smimesign -CAfile $R -untrusted $I users/subject-email-only.pem
check OK "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted $I users/subject-email-only.pem
check "certificate has expired" "${V[@]}" -CAfile $R -untrusted $I users/expired.pem
check "certificate is not yet valid" "${V[@]}" -CAfile $R -untrusted $I users/notyet.pem
check OK "${V[@]}" -CAfile $R -untrusted $I users/sha1.pem
check "digest algorithm too weak" "${V[@]}" -auth_level 1 -CAfile $R -untrusted $I users/sha1.pem
check OK "${V[@]}" -purpose smimesign -CAfile $R -untrusted $I users/dave-sign.pem
check "unsuitable certificate purpose" "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted $I users/dave-sign.pem
check OK "${V[@]}" -purpose smimeencrypt -CAfile $R -untrusted $I users/dave-encrypt.pem
check "unsuitable certificate purpose" "${V[@]}" -purpose smimesign -CAfile $R -untrusted $I users/dave-encrypt.pem
check OK "${V[@]}" -CAfile $R -untrusted $I users/weak-rsa1024.pem
check "key too weak" "${V[@]}" -auth_level 2 -CAfile $R -untrusted $I users/weak-rsa1024.pem
check OK "${V[@]}" -auth_level 2 -CAfile $R -untrusted $I users/alice.pem
check "certificate has expired" "${V[@]}" -CAfile $R -untrusted ca/inter-expired.pem users/under-expired-inter.pem
check OK "${V[@]}" -CAfile $R -untrusted ca/inter-cross-by-root.pem users/cross-user.pem
check OK "${V[@]}" -CAfile ca/root2-rsa.pem -untrusted ca/inter-cross-by-root2.pem users/cross-user.pem
check "unable to get local issuer certificate" "${V[@]}" -CAfile $R -untrusted ca/inter-cross-by-root2.pem users/cross-user.pem

echo "== chains"
check OK "${V[@]}" -CAfile $R -untrusted chains/nc-inter.pem chains/nc-ok.pem
check OK "${V[@]}" -CAfile $R -untrusted chains/nc-inter.pem chains/nc-sub-ok.pem
check "excluded subtree violation" "${V[@]}" -CAfile $R -untrusted chains/nc-inter.pem chains/nc-excluded.pem
check "permitted subtree violation" "${V[@]}" -CAfile $R -untrusted chains/nc-inter.pem chains/nc-outside.pem
check OK "${V[@]}" -CAfile $R -untrusted chains/pathlen0-inter.pem chains/pathlen-sub.pem
check "path length constraint exceeded" "${V[@]}" -CAfile $R -untrusted "$TMP/pathlen.pem" chains/pathlen-user.pem
check OK "${V[@]}" -CAfile $R -untrusted $I chains/revoked-user.pem
check "certificate revoked" "${V[@]}" -crl_check -CRLfile chains/inter-rsa.crl.pem -CAfile $R -untrusted $I chains/revoked-user.pem
check "certificate revoked" "${V[@]}" -crl_check_all -CRLfile chains/inter-rsa.crl.pem -CRLfile chains/root-rsa.crl.pem -CAfile $R -untrusted $I chains/revoked-user.pem
check OK "${V[@]}" -crl_check_all -CRLfile chains/inter-rsa.crl.pem -CRLfile chains/root-rsa.crl.pem -CAfile $R -untrusted $I users/alice.pem
check OK "${V[@]}" -crl_check -CRLfile chains/inter-rsa.crl.der -CAfile $R -untrusted $I users/alice.pem
check "unable to get certificate CRL" "${V[@]}" -crl_check -CAfile $R -untrusted $I users/alice.pem
check "CRL has expired" "${V[@]}" -crl_check -CRLfile chains/inter-rsa-expired.crl.pem -CAfile $R -untrusted $I users/alice.pem
check "certificate revoked" openssl verify -attime "$AT_2026" -crl_check -CRLfile chains/inter-rsa-expired.crl.pem -CAfile $R -untrusted $I chains/revoked-user.pem
check "unable to get local issuer certificate" "${V[@]}" -CAfile $R -untrusted $I chains/orphan-user.pem
check OK "${V[@]}" -CAfile $R -untrusted chains/hidden/hidden-inter.pem chains/orphan-user.pem
check "unable to get local issuer certificate" "${V[@]}" -CAfile $R -untrusted "$TMP/loop.pem" chains/loop-user.pem
check OK "${V[@]}" -CAfile $R -untrusted "$TMP/decoy-first.pem" users/alice.pem
check OK "${V[@]}" -CAfile "$TMP/roots.pem" -untrusted "$TMP/decoy-first.pem" users/alice.pem
check "unable to get local issuer certificate" "${V[@]}" -CAfile "$TMP/roots.pem" -untrusted chains/decoy-inter.pem users/alice.pem
check OK "${V[@]}" -CAfile ca/root2-rsa.pem chains/decoy-inter.pem

echo "== PKCS#12"
P=(openssl pkcs12 -info -noout -nodes)
for f in modern compat fullchain certonly keyonly bob-ec carol dave-sign dave-encrypt; do
    check OK "${P[@]}" -in p12/$f.p12 -passin $PW
done
check OK "${P[@]}" -legacy -in p12/legacy.p12 -passin $PW
check "RC2-40-CBC" "${P[@]}" -in p12/legacy.p12 -passin $PW
check OK "${P[@]}" -in p12/emptypass.p12 -passin pass:
check "Mac verify error" "${P[@]}" -in p12/emptypass.p12 -passin $PW
check OK "${P[@]}" -in p12/nopass.p12 -passin pass:
check OK "${P[@]}" -in p12/nomac.p12 -passin pass:
check OK "${P[@]}" -in p12/utf8pass.p12 -passin file:p12/utf8-password.txt
check "Mac verify error" "${P[@]}" -in p12/utf8pass.p12 -passin $PW
check "Mac verify error" "${P[@]}" -in p12/modern.p12 -passin pass:wrong
# OpenSSL 3.0 cannot check a PBMAC1 MAC (needs >= 3.4); without the MAC check it decrypts the bags
check "Algorithm (PBMAC1" "${P[@]}" -in p12/pbmac1.p12 -passin pass:1234
check OK "${P[@]}" -nomacver -in p12/pbmac1.p12 -passin pass:1234
count 3 "p12/fullchain.p12" openssl pkcs12 -in p12/fullchain.p12 -passin $PW -nokeys
count 1 "p12/certonly.p12" openssl pkcs12 -in p12/certonly.p12 -passin $PW -nokeys
count 0 "p12/keyonly.p12" openssl pkcs12 -in p12/keyonly.p12 -passin $PW -nokeys

echo "== bundles, keys, misc"
count 2 "bundles/chain.p7b" openssl pkcs7 -inform DER -in bundles/chain.p7b -print_certs
count 2 "bundles/chain-pem.p7b" openssl pkcs7 -in bundles/chain-pem.p7b -print_certs
count 2 "bundles/ber-chain.p7b" openssl pkcs7 -inform DER -in bundles/ber-chain.p7b -print_certs
count 8 "bundles/all-cas.pem" cat bundles/all-cas.pem
check OK openssl pkey -in keys/alice-enc.pkcs8.pem -passin $PW -noout
check OK grep -q "BEGIN RSA PRIVATE KEY" keys/alice.rsa-traditional.pem
check "Could not read" openssl x509 -inform DER -in misc/truncated-alice.der -noout
check "Could not read" openssl x509 -in misc/not-a-cert.txt -noout

# every key belongs to the certificate(s) of the same name; every .der is its .pem
n=$((n + 1))
mism=0
while IFS= read -r pem; do
    [[ $pem == *.crl.pem || $pem == bundles/* || $pem == keys/* ]] && continue
    stem=${pem%.pem}
    cmp -s <(openssl x509 -in "$pem" -outform DER) "$stem.der" || { echo "FAIL  $stem.der differs from $pem"; mism=1; }
    k=${stem##*/}
    [[ $k == inter-cross-by-root* ]] && k=inter-cross
    cmp -s <(openssl x509 -in "$pem" -noout -pubkey) <(openssl pkey -in "keys/$k.key" -pubout) ||
        { echo "FAIL  keys/$k.key does not match $pem"; mism=1; }
done < <(find ca users chains -name '*.pem' | sort)
if ((mism == 0)); then echo "ok    every .der equals its .pem and every certificate matches keys/<stem>.key"; else bad=$((bad + 1)); fi

if ((bad == 0)); then echo "check-test-pki: all $n checks as expected"; else echo "check-test-pki: $bad of $n checks NOT as expected"; fi
((bad == 0))
