#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scripts/make-edge-chains.sh: regenerate certs-test/edge/, the corpus of edge-case chains that
# both validators (OpenSSL 3 and Botan 2) judge, and its table of expected verdicts.
#
# Usage: scripts/make-edge-chains.sh [DEST]      (DEST defaults to certs-test/edge)
#
# Everything is built in a temporary directory; the expected OpenSSL verdicts of the table below
# are first checked against `openssl verify` (an independent oracle: the CLI, not our code), and
# only then DEST is replaced. Tests never run this: they use the committed files. A re-run
# gives the same names, extensions, dates and verdicts, not the same bytes (keys and serials
# are random). The expected Botan verdicts are written by hand from Botan 2.19's rules and
# checked by the unit test (tests/unit/botan_test.cpp) through our Botan bridge.
#
# Needs: openssl 3.0 or later.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-"$REPO/certs-test/edge"}
ORG='/O=smimekit edge'
CA_START=20240101000000Z
CA_END=20500101000000Z
U_START=20250101000000Z
U_END=20460101000000Z

die() { echo "make-edge-chains: $*" >&2; exit 1; }
command -v openssl >/dev/null || die "openssl not found"

umask 022
T=$(mktemp -d "${TMPDIR:-/tmp}/smimekit-edge.XXXXXX")
[[ -n ${KEEP_TMP:-} ]] || trap 'rm -rf "$T"' EXIT  # KEEP_TMP=1 keeps it for debugging
OUT="$T/out"
LOG="$T/openssl.log"
mkdir -p "$OUT" "$T/keys" "$T/csr" "$T/ext" "$T/ca"
# shellcheck disable=SC2154  # rc is assigned inside the trap
trap 'rc=$?; echo "make-edge-chains: failed (line $LINENO); last openssl output:" >&2; tail -n 20 "$LOG" >&2; exit $rc' ERR

cat >"$T/openssl.cnf" <<'EOF'
CA_DIR = /nonexistent
[ ca ]
default_ca = edge_ca
[ edge_ca ]
dir             = $ENV::CA_DIR
database        = $dir/index.txt
new_certs_dir   = $dir/newcerts
serial          = $dir/serial
crlnumber       = $dir/crlnumber
default_md      = sha256
policy          = policy_anything
unique_subject  = no
copy_extensions = none
preserve        = yes
crl_extensions  = crl_ext
[ policy_anything ]
organizationName = optional
commonName       = supplied
emailAddress     = optional
[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
[ req_dn ]
[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF

ossl() { openssl "$@" >>"$LOG" 2>&1; }

# genkey <key> rsa:<bits>|rsa-pss:<bits>|ec:<curve>
genkey() {
    local f="$T/keys/$1.key"
    case $2 in
        rsa:*) ossl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$f" ;;
        rsa-pss:*) ossl genpkey -quiet -algorithm RSA-PSS -pkeyopt "rsa_keygen_bits:${2#rsa-pss:}" -out "$f" ;;
        ec:*) ossl genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
                  -pkeyopt ec_param_enc:named_curve -out "$f" ;;
        *) die "bad key type $2" ;;
    esac
}

# ext <name>: the extension section read from stdin, as $T/ext/<name>.cnf section [ext]
ext() { { echo "[ ext ]"; cat; } >"$T/ext/$1.cnf"; }

CA_EXT='basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash'
INTER_EXT="$CA_EXT
authorityKeyIdentifier = keyid:always"
# user_ext <name> <address> [extra lines]: the standard S/MIME user profile
user_ext() {
    ext "$1" <<EOF
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:$2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
${3:-}
EOF
}

declare -A KEY_OF  # certificate stem -> key name

ca_dir() {
    local d="$T/ca/$1"
    if [[ ! -d $d ]]; then
        mkdir -p "$d/newcerts"
        : >"$d/index.txt"
        echo 01 >"$d/crlnumber"
    fi
    echo "$d"
}

# issue <stem> <key> <CN> <issuer stem|self> <ext> [start end [openssl ca args...]]
issue() {
    local stem=$1 key=$2 cn=$3 issuer=$4 extname=$5 start=${6:-$U_START} end=${7:-$U_END}
    shift $(($# < 7 ? $# : 7))
    [[ -f $T/keys/$key.key ]] || die "no key $key"
    local csr="$T/csr/$stem.csr"
    ossl req -new -config "$T/openssl.cnf" -key "$T/keys/$key.key" -subj "$ORG/CN=$cn" -out "$csr"
    local -a args=(-batch -config "$T/openssl.cnf" -in "$csr" -out "$OUT/$stem.pem" -notext
        -preserveDN -rand_serial -startdate "$start" -enddate "$end"
        -extfile "$T/ext/$extname.cnf" -extensions ext)
    if [[ $issuer == self ]]; then
        CA_DIR=$(ca_dir "$stem") ossl ca -selfsign -keyfile "$T/keys/$key.key" "${args[@]}" "$@"
    else
        CA_DIR=$(ca_dir "$issuer") ossl ca -cert "$OUT/$issuer.pem" \
            -keyfile "$T/keys/${KEY_OF[$issuer]}.key" "${args[@]}" "$@"
    fi
    KEY_OF[$stem]=$key
}
# new <stem> <key type> <CN> <issuer> <ext> [start end [openssl ca args...]]: a new key and
# a certificate for it
new() {
    local stem=$1 ktype=$2
    shift 2
    genkey "$stem" "$ktype"
    issue "$stem" "$stem" "$@"
}

echo "make-edge-chains: building in $T"

# ---- extension profiles ------------------------------------------------------------------------
ext root <<<"$CA_EXT"
ext root-pathlen0 <<<"basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash"
ext inter <<<"$INTER_EXT"
ext inter-pathlen0 <<<"${INTER_EXT/CA:TRUE/CA:TRUE, pathlen:0}"
ext inter-pathlen1 <<<"${INTER_EXT/CA:TRUE/CA:TRUE, pathlen:1}"
ext inter-eku-server <<<"$INTER_EXT
extendedKeyUsage = serverAuth"
ext inter-eku-email <<<"$INTER_EXT
extendedKeyUsage = emailProtection"
# RFC 5280 4.2.1.10: both forms are needed to allow example.org and its subdomains
NC_EMAIL='permitted;email:example.org, permitted;email:.example.org, excluded;email:blocked@example.org'
ext inter-nc-email <<<"$INTER_EXT
nameConstraints = critical, $NC_EMAIL"
ext inter-nc-email-noncrit <<<"$INTER_EXT
nameConstraints = $NC_EMAIL"
ext inter-nc-dns <<<"$INTER_EXT
nameConstraints = critical, permitted;DNS:example.org"
ext inter-nc-dn <<<"$INTER_EXT
nameConstraints = critical, permitted;dirName:nc_dn
[ nc_dn ]
O = smimekit edge"
ext inter-nc-dn-other <<<"$INTER_EXT
nameConstraints = critical, permitted;dirName:nc_dn
[ nc_dn ]
O = Other Organisation"
ext inter-no-certsign <<<"basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always"
ext inter-no-bc <<<"keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always"
ext inter-crit-unknown <<<"$INTER_EXT
1.3.6.1.4.1.55555.1 = critical, ASN1:NULL"
ext inter-ski-mismatch <<<"basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = 01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14
authorityKeyIdentifier = keyid:always"
ext inter-crldp <<<"$INTER_EXT
crlDistributionPoints = URI:http://pki.example.test/edge-root.crl"

# ---- CAs ---------------------------------------------------------------------------------------
new root rsa:2048 "Edge Root" self root "$CA_START" "$CA_END"
new root2 rsa:2048 "Edge Root 2" self root "$CA_START" "$CA_END"
new root-ec ec:P-256 "Edge Root EC" self root "$CA_START" "$CA_END"
new root-sha1 rsa:2048 "Edge Root SHA-1" self root "$CA_START" "$CA_END" -md sha1
new root-expired rsa:2048 "Edge Expired Root" self root 20200101000000Z 20250101000000Z
new root-pathlen0 rsa:2048 "Edge Root Pathlen0" self root-pathlen0 "$CA_START" "$CA_END"
new root-rsa1024 rsa:1024 "Edge Root RSA-1024" self root "$CA_START" "$CA_END"

new inter rsa:2048 "Edge Inter" root inter "$CA_START" "$CA_END"
new inter-ec ec:P-256 "Edge Inter EC" root-ec inter "$CA_START" "$CA_END"
new inter-expired rsa:2048 "Edge Expired Inter" root inter 20200101000000Z 20220101000000Z
new inter-notyet rsa:2048 "Edge Not Yet Inter" root inter 20350101000000Z 20490101000000Z
new inter-eku-server rsa:2048 "Edge Inter EKU serverAuth" root inter-eku-server "$CA_START" "$CA_END"
new inter-eku-email rsa:2048 "Edge Inter EKU emailProtection" root inter-eku-email "$CA_START" "$CA_END"
new inter-pathlen0 rsa:2048 "Edge Inter Pathlen0" root inter-pathlen0 "$CA_START" "$CA_END"
new sub-of-pathlen0 rsa:2048 "Edge Sub of Pathlen0" inter-pathlen0 inter "$CA_START" "$CA_END"
new inter-pathlen1 rsa:2048 "Edge Inter Pathlen1" root inter-pathlen1 "$CA_START" "$CA_END"
new sub-of-pathlen1 rsa:2048 "Edge Sub of Pathlen1" inter-pathlen1 inter "$CA_START" "$CA_END"
new inter-under-pathlen0-root rsa:2048 "Edge Inter under Pathlen0 Root" root-pathlen0 inter "$CA_START" "$CA_END"
new deep1 rsa:2048 "Edge Deep 1" root inter "$CA_START" "$CA_END"
new deep2 rsa:2048 "Edge Deep 2" deep1 inter "$CA_START" "$CA_END"
new deep3 rsa:2048 "Edge Deep 3" deep2 inter "$CA_START" "$CA_END"
new inter-nc-email rsa:2048 "Edge NC e-mail" root inter-nc-email "$CA_START" "$CA_END"
new inter-nc-email-noncrit rsa:2048 "Edge NC e-mail non-critical" root inter-nc-email-noncrit "$CA_START" "$CA_END"
new inter-nc-dns rsa:2048 "Edge NC DNS" root inter-nc-dns "$CA_START" "$CA_END"
new inter-nc-dn rsa:2048 "Edge NC DN" root inter-nc-dn "$CA_START" "$CA_END"
new inter-nc-dn-other rsa:2048 "Edge NC DN other" root inter-nc-dn-other "$CA_START" "$CA_END"
new inter-no-certsign rsa:2048 "Edge Inter without keyCertSign" root inter-no-certsign "$CA_START" "$CA_END"
new inter-no-bc rsa:2048 "Edge Inter without basicConstraints" root inter-no-bc "$CA_START" "$CA_END"
new inter-crit-unknown rsa:2048 "Edge Inter critical unknown" root inter-crit-unknown "$CA_START" "$CA_END"
new inter-sha1 rsa:2048 "Edge Inter SHA-1" root inter "$CA_START" "$CA_END" -md sha1
new inter-rsa1024 rsa:1024 "Edge Inter RSA-1024" root inter "$CA_START" "$CA_END"
new inter-under-rsa1024-root rsa:2048 "Edge Inter under RSA-1024 Root" root-rsa1024 inter "$CA_START" "$CA_END"
new inter-under-sha1-root rsa:2048 "Edge Inter under SHA-1 Root" root-sha1 inter "$CA_START" "$CA_END"
new inter-under-expired-root rsa:2048 "Edge Inter under Expired Root" root-expired inter "$CA_START" "$CA_END"
# RSA-PSS: a CA certificate signed with RSASSA-PSS (SHA-256, salt = hash length) by an RSA root;
# and a CA whose own key is an RSA-PSS key (id-RSASSA-PSS SubjectPublicKeyInfo)
new inter-pss-signed rsa:2048 "Edge Inter PSS-signed" root inter "$CA_START" "$CA_END" \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
new inter-pss-key rsa-pss:2048 "Edge Inter RSA-PSS key" root inter "$CA_START" "$CA_END"
new inter-crldp rsa:2048 "Edge Inter with CRL DP" root inter-crldp "$CA_START" "$CA_END"
new inter-crl rsa:2048 "Edge Inter CRL" root inter "$CA_START" "$CA_END"
# the same subject as "Edge Inter" with another key (a look-alike), and the same key and subject
# with a subject key identifier that does not match what its certificates' AKI say
new inter-dup rsa:2048 "Edge Inter" root inter "$CA_START" "$CA_END"
issue inter-ski-mismatch inter "Edge Inter" root inter-ski-mismatch "$CA_START" "$CA_END"
# cross-signing: one CA key certified by two roots; and root2's key certified by root (a
# cross-certificate that lets root2's hierarchy chain to root)
genkey cross rsa:2048
issue cross-by-root cross "Edge Cross CA" root inter "$CA_START" "$CA_END"
issue cross-by-root2 cross "Edge Cross CA" root2 inter "$CA_START" "$CA_END"
issue root2-by-root root2 "Edge Root 2" root inter "$CA_START" "$CA_END"
new inter2 rsa:2048 "Edge Inter 2" root2 inter "$CA_START" "$CA_END"

# ---- users -------------------------------------------------------------------------------------
user_ext user x@example.org
user_ext user-noaki x@example.org
sed -i '/authorityKeyIdentifier/d' "$T/ext/user-noaki.cnf"
ext user-ec <<'EOF'
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:x@example.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
user_ext user-noeku x@example.org
sed -i '/extendedKeyUsage/d' "$T/ext/user-noeku.cnf"
user_ext user-clientauth x@example.org
sed -i 's/^extendedKeyUsage.*/extendedKeyUsage = clientAuth/' "$T/ext/user-clientauth.cnf"
user_ext user-crit-unknown x@example.org "1.3.6.1.4.1.55555.1 = critical, ASN1:NULL"
user_ext user-noncrit-unknown x@example.org "1.3.6.1.4.1.55555.1 = ASN1:NULL"
user_ext user-blocked blocked@example.org
user_ext user-outside y@example.com
user_ext user-sub x@mail.example.org
# an end-entity certificate used as an issuer (CA:FALSE, no keyCertSign)
user_ext not-a-ca issuer@example.org
# a self-signed S/MIME certificate (the whole path is one certificate, its own anchor)
ext self-signed <<'EOF'
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:self@example.org
subjectKeyIdentifier = hash
EOF

new leaf rsa:2048 "Edge Leaf" inter user
new leaf-noaki rsa:2048 "Edge Leaf without AKI" inter user-noaki
new leaf-direct rsa:2048 "Edge Leaf under Root" root user
new leaf-ec ec:P-256 "Edge Leaf EC" inter-ec user-ec
new leaf-deep rsa:2048 "Edge Leaf Deep" deep3 user
new leaf-expired rsa:2048 "Edge Leaf Expired" inter user 20200101000000Z 20210101000000Z
new leaf-under-expired-inter rsa:2048 "Edge Leaf under Expired Inter" inter-expired user
new leaf-under-notyet-inter rsa:2048 "Edge Leaf under Not Yet Inter" inter-notyet user
new leaf-under-expired-root rsa:2048 "Edge Leaf under Expired Root" inter-under-expired-root user
new leaf-noeku rsa:2048 "Edge Leaf no EKU" inter user-noeku
new leaf-clientauth rsa:2048 "Edge Leaf clientAuth" inter user-clientauth
new leaf-under-eku-server rsa:2048 "Edge Leaf under EKU serverAuth" inter-eku-server user
new leaf-under-eku-email rsa:2048 "Edge Leaf under EKU emailProtection" inter-eku-email user
new leaf-pathlen-violated rsa:2048 "Edge Leaf Pathlen violated" sub-of-pathlen0 user
new leaf-under-pathlen0 rsa:2048 "Edge Leaf under Pathlen0" inter-pathlen0 user
new leaf-under-pathlen1 rsa:2048 "Edge Leaf under Pathlen1 sub" sub-of-pathlen1 user
new leaf-under-pathlen0-root rsa:2048 "Edge Leaf under Pathlen0 Root" inter-under-pathlen0-root user
new leaf-nc-ok rsa:2048 "Edge NC OK" inter-nc-email user
new leaf-nc-sub-ok rsa:2048 "Edge NC Subdomain OK" inter-nc-email user-sub
new leaf-nc-excluded rsa:2048 "Edge NC Excluded" inter-nc-email user-blocked
new leaf-nc-outside rsa:2048 "Edge NC Outside" inter-nc-email user-outside
new leaf-ncnc-ok rsa:2048 "Edge NC non-critical OK" inter-nc-email-noncrit user
new leaf-ncnc-excluded rsa:2048 "Edge NC non-critical Excluded" inter-nc-email-noncrit user-blocked
new leaf-nc-dns rsa:2048 "Edge NC DNS, e-mail leaf" inter-nc-dns user
new leaf-nc-dn-ok rsa:2048 "Edge NC DN OK" inter-nc-dn user
new leaf-nc-dn-other rsa:2048 "Edge NC DN violated" inter-nc-dn-other user
new leaf-under-no-certsign rsa:2048 "Edge Leaf under no keyCertSign" inter-no-certsign user
new leaf-under-no-bc rsa:2048 "Edge Leaf under no basicConstraints" inter-no-bc user
new not-a-ca rsa:2048 "Edge End Entity as Issuer" inter not-a-ca
new leaf-under-not-a-ca rsa:2048 "Edge Leaf under End Entity" not-a-ca user
new leaf-crit-unknown rsa:2048 "Edge Leaf critical unknown" inter user-crit-unknown
new leaf-noncrit-unknown rsa:2048 "Edge Leaf non-critical unknown" inter user-noncrit-unknown
new leaf-under-crit-unknown rsa:2048 "Edge Leaf under critical unknown" inter-crit-unknown user
new leaf-sha1 rsa:2048 "Edge Leaf SHA-1" inter user "$U_START" "$U_END" -md sha1
new leaf-under-sha1-inter rsa:2048 "Edge Leaf under SHA-1 Inter" inter-sha1 user
new leaf-under-sha1-root rsa:2048 "Edge Leaf under SHA-1 Root" inter-under-sha1-root user
new leaf-rsa1024 rsa:1024 "Edge Leaf RSA-1024" inter user
new leaf-under-rsa1024-inter rsa:2048 "Edge Leaf under RSA-1024 Inter" inter-rsa1024 user
new leaf-under-rsa1024-root rsa:2048 "Edge Leaf under RSA-1024 Root" inter-under-rsa1024-root user
new leaf-under-pss-signed rsa:2048 "Edge Leaf under PSS-signed Inter" inter-pss-signed user
new leaf-pss-signed rsa:2048 "Edge Leaf PSS-signed" inter user "$U_START" "$U_END" \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
new leaf-under-pss-key rsa:2048 "Edge Leaf under RSA-PSS key" inter-pss-key user
new leaf-cross rsa:2048 "Edge Leaf under Cross CA" cross-by-root user
new leaf-under-root2 rsa:2048 "Edge Leaf under Root 2" inter2 user
new leaf-self-signed rsa:2048 "Edge Self-signed" self self-signed
new leaf-under-crldp rsa:2048 "Edge Leaf under Inter with CRL DP" inter-crldp user
new leaf-crl-good rsa:2048 "Edge Leaf CRL good" inter-crl user
new leaf-crl-revoked rsa:2048 "Edge Leaf CRL revoked" inter-crl user

# ---- CRLs --------------------------------------------------------------------------------------
crl_ca() { CA_DIR=$(ca_dir "$1") ossl ca -batch -config "$T/openssl.cnf" -cert "$OUT/$1.pem" \
               -keyfile "$T/keys/${KEY_OF[$1]}.key" "${@:2}"; }
crl_ca inter-crl -revoke "$OUT/leaf-crl-revoked.pem" -crl_reason keyCompromise
# `openssl ca -revoke` records the current time; pin the revocation date (2025-06-01)
sed -i -E 's/^R\t([0-9]+Z)\t[0-9]+Z,keyCompromise/R\t\1\t250601000000Z,keyCompromise/' \
    "$T/ca/inter-crl/index.txt"
gencrl() { crl_ca "$1" -gencrl -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$OUT/$2.crl.pem"; }
gencrl inter-crl inter-crl 20260601000000Z 20490101000000Z
gencrl inter-crl inter-crl-expired 20260101000000Z 20260601000000Z
gencrl root root 20260601000000Z 20490101000000Z
gencrl inter-crldp inter-crldp 20260601000000Z 20490101000000Z

# ---- the expected verdicts ---------------------------------------------------------------------
# One chain per line, fields separated by spaces (certs-test/edge/README.md points here):
#   name  time  purpose  path  options  openssl  botan  class
# path: certificate stems from the leaf to the trust anchor (the last one), comma-separated;
#   each is <stem>.pem in this directory.
# options: "-" or comma-separated: crl:<stem> (a CRL file <stem>.crl.pem), crl-all (a
#   missing CRL fails too), max-depth:<n>, email:<address>.
# openssl, botan: "valid", or the problems each engine reports (our S/MIME rules included) as
#   code@depth, sorted, comma-separated (codes as in docs/json.md).
# class: agree (same verdict), botan-limit (a known Botan 2 limit explains the difference),
#   policy-difference (Botan's default policy, strength 110, is stricter: SHA-1, weak keys).
T2030=2030-01-01T00:00:00Z
cat >"$OUT/expected.txt" <<EOF
# certs-test/edge/expected.txt: written by scripts/make-edge-chains.sh (format explained there)
ok-rsa $T2030 any leaf,inter,root - valid valid agree
ok-rsa-sign $T2030 smime-sign leaf,inter,root - valid valid agree
ok-rsa-encrypt $T2030 smime-encrypt leaf,inter,root email:x@example.org valid valid agree
ok-ec-encrypt $T2030 smime-encrypt leaf-ec,inter-ec,root-ec - valid valid agree
ok-direct $T2030 any leaf-direct,root - valid valid agree
ok-deep $T2030 any leaf-deep,deep3,deep2,deep1,root - valid valid agree
max-depth $T2030 any leaf-deep,deep3,deep2,deep1,root max-depth:2 max-depth@3,untrusted-root@3 max-depth@3 agree
expired-leaf $T2030 any leaf-expired,inter,root - expired@0 expired@0 agree
expired-inter $T2030 any leaf-under-expired-inter,inter-expired,root - expired@1 expired@1 agree
notyet-inter $T2030 any leaf-under-notyet-inter,inter-notyet,root - not-yet-valid@1 not-yet-valid@1 agree
expired-root $T2030 any leaf-under-expired-root,inter-under-expired-root,root-expired - expired@2 expired@2 agree
before-cas 2023-06-01T00:00:00Z any leaf,inter,root - not-yet-valid@0,not-yet-valid@1,not-yet-valid@2 not-yet-valid@0,not-yet-valid@1,not-yet-valid@2 agree
no-eku-sign $T2030 smime-sign leaf-noeku,inter,root - valid valid agree
eku-clientauth-sign $T2030 smime-sign leaf-clientauth,inter,root - no-email-protection-eku@0 no-email-protection-eku@0 agree
eku-clientauth-any $T2030 any leaf-clientauth,inter,root - valid valid agree
ca-eku-server $T2030 smime-sign leaf-under-eku-server,inter-eku-server,root - ca-eku@1 ca-eku@1 agree
ca-eku-email $T2030 smime-sign leaf-under-eku-email,inter-eku-email,root - valid valid agree
email-mismatch $T2030 any leaf,inter,root email:y@example.org email-mismatch@0 email-mismatch@0 agree
pathlen0-violated $T2030 any leaf-pathlen-violated,sub-of-pathlen0,inter-pathlen0,root - path-length@2 path-length@1 agree
pathlen0-ok $T2030 any leaf-under-pathlen0,inter-pathlen0,root - valid valid agree
pathlen1-ok $T2030 any leaf-under-pathlen1,sub-of-pathlen1,inter-pathlen1,root - valid valid agree
pathlen0-root $T2030 any leaf-under-pathlen0-root,inter-under-pathlen0-root,root-pathlen0 - path-length@2 path-length@1 agree
nc-email-ok $T2030 any leaf-nc-ok,inter-nc-email,root - valid name-constraints@0 botan-limit
nc-email-sub-ok $T2030 any leaf-nc-sub-ok,inter-nc-email,root - valid name-constraints@0 botan-limit
nc-email-excluded $T2030 any leaf-nc-excluded,inter-nc-email,root - name-constraints@0 name-constraints@0 agree
nc-email-outside $T2030 any leaf-nc-outside,inter-nc-email,root - name-constraints@0 name-constraints@0 agree
nc-email-noncritical-ok $T2030 any leaf-ncnc-ok,inter-nc-email-noncrit,root - valid valid agree
nc-email-noncritical-excluded $T2030 any leaf-ncnc-excluded,inter-nc-email-noncrit,root - name-constraints@0 valid botan-limit
nc-dns-email-leaf $T2030 any leaf-nc-dns,inter-nc-dns,root - valid valid agree
nc-dn-ok $T2030 any leaf-nc-dn-ok,inter-nc-dn,root - valid valid agree
nc-dn-violated $T2030 any leaf-nc-dn-other,inter-nc-dn-other,root - name-constraints@0 name-constraints@0 agree
ca-no-keycertsign $T2030 any leaf-under-no-certsign,inter-no-certsign,root - ca-key-usage@1,not-a-ca@1 ca-key-usage@1,not-a-ca@1 agree
ca-no-basic-constraints $T2030 any leaf-under-no-bc,inter-no-bc,root - not-a-ca@1 not-a-ca@1 agree
issuer-not-a-ca $T2030 any leaf-under-not-a-ca,not-a-ca,inter,root - ca-key-usage@1,not-a-ca@1 ca-key-usage@1,not-a-ca@1 agree
critical-unknown-leaf $T2030 any leaf-crit-unknown,inter,root - unknown-critical-extension@0 unknown-critical-extension@0 agree
critical-unknown-inter $T2030 any leaf-under-crit-unknown,inter-crit-unknown,root - unknown-critical-extension@1 unknown-critical-extension@1 agree
noncritical-unknown-leaf $T2030 any leaf-noncrit-unknown,inter,root - valid valid agree
sha1-leaf $T2030 any leaf-sha1,inter,root - valid weak-hash@0 policy-difference
sha1-inter $T2030 any leaf-under-sha1-inter,inter-sha1,root - valid weak-hash@1 policy-difference
sha1-root $T2030 any leaf-under-sha1-root,inter-under-sha1-root,root-sha1 - valid valid agree
rsa1024-leaf $T2030 any leaf-rsa1024,inter,root - valid valid agree
rsa1024-inter $T2030 any leaf-under-rsa1024-inter,inter-rsa1024,root - valid weak-key@0 policy-difference
rsa1024-root $T2030 any leaf-under-rsa1024-root,inter-under-rsa1024-root,root-rsa1024 - valid weak-key@1,weak-key@2 policy-difference
pss-signed-inter $T2030 any leaf-under-pss-signed,inter-pss-signed,root - valid valid agree
pss-signed-leaf $T2030 any leaf-pss-signed,inter,root - valid valid agree
pss-key-inter $T2030 any leaf-under-pss-key,inter-pss-key,root - valid malformed@1 botan-limit
cross-ca-root $T2030 any leaf-cross,cross-by-root,root - valid valid agree
cross-ca-root2 $T2030 any leaf-cross,cross-by-root2,root2 - valid valid agree
cross-root-old $T2030 any leaf-under-root2,inter2,root2-by-root,root - valid valid agree
cross-root-new $T2030 any leaf-under-root2,inter2,root2 - valid valid agree
aki-ski-mismatch $T2030 any leaf,inter-ski-mismatch,root - untrusted-root@0 untrusted-root@-1 agree
duplicate-subject-right-key $T2030 any leaf-noaki,inter,root - valid valid agree
duplicate-subject-wrong-key $T2030 any leaf-noaki,inter-dup,root - untrusted-root@0 untrusted-root@-1 agree
duplicate-subject-wrong-key-aki $T2030 any leaf,inter-dup,root - untrusted-root@0 untrusted-root@-1 agree
partial-chain-anchor $T2030 any leaf,inter - valid untrusted-root@-1 botan-limit
self-signed-leaf $T2030 any leaf-self-signed - valid valid agree
crl-good $T2030 any leaf-crl-good,inter-crl,root crl:inter-crl valid valid agree
crl-revoked $T2030 any leaf-crl-revoked,inter-crl,root crl:inter-crl revoked@0 revoked@0 agree
crl-expired $T2030 any leaf-crl-good,inter-crl,root crl:inter-crl-expired crl-expired@0 crl-expired@0 agree
crl-all-missing $T2030 any leaf-crl-good,inter-crl,root crl:inter-crl,crl-all crl-missing@1,crl-missing@2 crl-missing@1 agree
crl-all-complete $T2030 any leaf-crl-good,inter-crl,root crl:inter-crl,crl:root,crl-all valid valid agree
crl-dp-without-idp $T2030 any leaf-under-crldp,inter-crldp,root crl:inter-crldp,crl:root,crl-all valid crl-scope@1 botan-limit
EOF
echo "make-edge-chains: wrote $(grep -vc '^#' "$OUT/expected.txt") chains"

cat >"$OUT/README.md" <<'EOF'
# certs-test/edge/: edge-case chains for the two validators

Made by `scripts/make-edge-chains.sh`; do not edit by hand (a re-run replaces the directory:
keys and serials change, names, extensions, dates and verdicts do not). Each certificate is
`<stem>.pem`; CRLs are `<stem>.crl.pem`. Subjects are `O=smimekit edge, CN=...`; CAs are valid
2024-01-01 .. 2050-01-01 and users 2025-01-01 .. 2046-01-01 unless the stem says otherwise
(`*expired*`, `*notyet*`); no private keys are kept.

`expected.txt` lists every chain (the generator explains the format above the table): the path
from leaf to anchor, the time, the purpose, options (CRLs, `--crl-check all`, max depth,
address), and for OpenSSL and for Botan 2 the expected verdict as `code@depth` problems, and
the classification of the difference: `agree`, `botan-limit` (a known Botan 2 limit) or
`policy-difference` (Botan's default policy, strength 110, is stricter).

Checked by `tests/unit/botan_test.cpp` (both engines through smimekit, suite `chain_engines`)
and `tests/interop/edge_openssl.sh` (the OpenSSL column against `openssl verify`).
EOF

# ---- check the OpenSSL column with `openssl verify` before replacing anything ----------------------
mkdir -p "$T/certs-test"
ln -s "$OUT" "$T/certs-test/edge"
"$REPO/tests/interop/edge_openssl.sh" "" "$T/certs-test" >"$T/check.log" 2>&1 ||
    { cat "$T/check.log" >&2; die "the table differs from openssl verify; $DEST left unchanged"; }

rm -rf "$DEST"
mkdir -p "$DEST"
cp "$OUT"/* "$DEST"/
echo "make-edge-chains: wrote $DEST"
