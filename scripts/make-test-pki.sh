#!/usr/bin/env bash
# scripts/make-test-pki.sh: regenerate certs-test/, the committed test PKI, from scratch.
#
# Usage: scripts/make-test-pki.sh
#
# Everything is built in a temporary directory, checked with scripts/pki/check-test-pki.sh,
# and only then copied over certs-test/ (which is removed first). Tests never run this: they use
# the committed files. A re-run gives the same files, extensions and verdicts, not the same bytes
# (keys and serial numbers are random).
#
# Needs: openssl (3.0 or later) and coreutils/sed; /usr/bin/python3 with python3-cryptography
# for one file only (p12/nopass.p12, the genuinely NULL-password PKCS#12: no openssl CLI option
# writes a MAC keyed with a NULL password). The .sst samples are copied from
# ../shared/testdata/sst/ (override with SST_SRC=dir).
#
# Fixed dates: OpenSSL 3.0's `req`/`x509` only take -days, so every certificate is issued by
# `openssl ca -startdate/-enddate`; CRLs use `openssl ca -gencrl -crl_lastupdate/-crl_nextupdate`.
# Extensions come from the sections of scripts/pki/openssl.cnf.
set -Eeuo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PKI="$REPO/scripts/pki"
CNF="$PKI/openssl.cnf"
DEST="$REPO/certs-test"
SST_SRC=${SST_SRC:-"$REPO/../shared/testdata/sst"}
PYTHON=${PYTHON:-/usr/bin/python3}

PASS=test1234
UTF8_PASS='pässwörd€'
ORG='/O=smimekit test'

CA_START=20240101000000Z   # normal CAs
CA_END=20500101000000Z
U_START=20250101000000Z    # normal users
U_END=20460101000000Z

die() { echo "make-test-pki: $*" >&2; exit 1; }

command -v openssl >/dev/null || die "openssl not found"
[[ -d $SST_SRC/generated ]] || die "no .sst samples in $SST_SRC (set SST_SRC)"
"$PYTHON" -c 'import cryptography.hazmat.primitives.serialization.pkcs12' 2>/dev/null ||
    die "$PYTHON with python3-cryptography is needed for p12/nopass.p12 (apt-get install python3-cryptography)"

umask 022
T=$(mktemp -d "${TMPDIR:-/tmp}/smimekit-pki.XXXXXX")
[[ -n ${KEEP_TMP:-} ]] || trap 'rm -rf "$T"' EXIT   # KEEP_TMP=1 keeps it for debugging
OUT="$T/out"
LOG="$T/openssl.log"
mkdir -p "$OUT"/{ca,users,chains/hidden,p12,bundles,keys,sst,misc} "$T/csr" "$T/ca"
# shellcheck disable=SC2154  # rc is assigned inside the trap
trap 'rc=$?; echo "make-test-pki: failed (line $LINENO); last openssl output:" >&2; tail -n 20 "$LOG" >&2; exit $rc' ERR

# All openssl output goes to the log; it is shown if a step fails.
ossl() { openssl "$@" >>"$LOG" 2>&1; }

# genkey <key-stem> rsa:<bits>|ec:<curve>  -> keys/<key-stem>.key (unencrypted PKCS#8 PEM)
genkey() {
    local f="$OUT/keys/$1.key"
    case $2 in
        rsa:*) ossl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$f" ;;
        ec:*) ossl genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
                  -pkeyopt ec_param_enc:named_curve -out "$f" ;;
        *) die "bad key type $2" ;;
    esac
}

# The state of each issuing CA (index, crlnumber, its certificate and key) lives in $T/ca/<id>/.
ca_init() {
    local d="$T/ca/$1"
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    echo 01 >"$d/crlnumber"
}
# register_ca <ca-id> <cert-stem> <key-stem>: <cert-stem> now signs as <ca-id>
register_ca() {
    local d="$T/ca/$1"
    [[ -d $d ]] || ca_init "$1"
    cp "$OUT/$2.pem" "$d/cert.pem"
    cp "$OUT/keys/$3.key" "$d/key.pem"
}
# run_ca <ca-id> <openssl ca args...>
run_ca() {
    local id=$1
    shift
    CA_DIR="$T/ca/$id" ossl ca -batch -config "$CNF" "$@"
}
der() { ossl x509 -in "$OUT/$1.pem" -outform DER -out "$OUT/$1.der"; }

# issue <stem> <key-stem> <subject> <issuer-ca-id> <ext-section> <start> <end> [email] [extra ca args]
#   issuer "self:<ca-id>" makes a self-signed certificate and a new CA <ca-id> from it.
issue() {
    local stem=$1 key=$2 subj=$3 issuer=$4 ext=$5 start=$6 end=$7 email=${8:-nobody@example.invalid}
    shift 7
    (($# > 0)) && shift
    local csr="$T/csr/${stem//\//_}.csr"
    ossl req -new -config "$CNF" -key "$OUT/keys/$key.key" -subj "$subj" -out "$csr"
    local -a common=(-in "$csr" -out "$OUT/$stem.pem" -notext -preserveDN -rand_serial
        -startdate "$start" -enddate "$end" -extensions "$ext")
    if [[ $issuer == self:* ]]; then
        local id=${issuer#self:}
        ca_init "$id"
        SAN_EMAIL=$email run_ca "$id" -selfsign -keyfile "$OUT/keys/$key.key" "${common[@]}" "$@"
        der "$stem"
        register_ca "$id" "$stem" "$key"
    else
        SAN_EMAIL=$email run_ca "$issuer" -cert "$T/ca/$issuer/cert.pem" -keyfile "$T/ca/$issuer/key.pem" \
            "${common[@]}" "$@"
        der "$stem"
    fi
}

# ca <stem> <key-type> <CN> <issuer> <ext> [start end]: a new key + CA certificate, registered
# as CA <basename of stem>
ca() {
    local stem=$1 ktype=$2 cn=$3 issuer=$4 ext=$5 start=${6:-$CA_START} end=${7:-$CA_END}
    local id=${stem##*/}
    genkey "$id" "$ktype"
    if [[ $issuer == self ]]; then
        issue "$stem" "$id" "$ORG/CN=$cn" "self:$id" "$ext" "$start" "$end"
    else
        issue "$stem" "$id" "$ORG/CN=$cn" "$issuer" "$ext" "$start" "$end"
        register_ca "$id" "$stem" "$id"
    fi
}

# user <stem> <key-type> <email> <CN> <issuer> [ext [start [end [extra ca args...]]]]
user() {
    local stem=$1 ktype=$2 email=$3 cn=$4 issuer=$5 ext=${6:-v3_user_rsa} start=${7:-$U_START}
    local end=${8:-$U_END}
    shift $(($# < 8 ? $# : 8))
    local key=${stem##*/}
    genkey "$key" "$ktype"
    issue "$stem" "$key" "$ORG/CN=$cn" "$issuer" "$ext" "$start" "$end" "$email" "$@"
}

echo "make-test-pki: building in $T"

# --- CAs ------------------------------------------------------------------------------------
ca ca/root-rsa rsa:4096 "smimekit Test Root RSA" self v3_root
ca ca/root2-rsa rsa:3072 "smimekit Test Root 2" self v3_root
ca ca/root-ec ec:P-384 "smimekit Test Root EC" self v3_root
ca ca/inter-rsa rsa:2048 "smimekit Test Intermediate RSA" root-rsa v3_inter_rsa
ca ca/inter-ec ec:P-256 "smimekit Test Intermediate EC" root-rsa v3_inter
ca ca/inter-expired rsa:2048 "smimekit Test Expired Intermediate" root-rsa v3_inter \
    20200101000000Z 20220101000000Z

# cross-signed intermediate: one key (keys/inter-cross.key), one subject, two issuers
genkey inter-cross rsa:2048
issue ca/inter-cross-by-root inter-cross "$ORG/CN=smimekit Test Cross CA" root-rsa v3_inter "$CA_START" "$CA_END"
issue ca/inter-cross-by-root2 inter-cross "$ORG/CN=smimekit Test Cross CA" root2-rsa v3_inter "$CA_START" "$CA_END"
register_ca inter-cross ca/inter-cross-by-root inter-cross

# --- users ----------------------------------------------------------------------------------
user users/alice rsa:2048 alice@example.org "Alice Example" inter-rsa
user users/carol-rsa3072 rsa:3072 carol@example.org "Carol Example" inter-rsa
user users/bob-ec ec:P-256 bob@example.org "Bob Example" inter-ec v3_user_ec
user users/noeku rsa:2048 noeku@example.org "No EKU Example" inter-rsa v3_user_noeku
genkey subject-email-only rsa:2048
issue users/subject-email-only subject-email-only \
    "$ORG/CN=Erin Example/emailAddress=erin@example.org" inter-rsa v3_user_nosan "$U_START" "$U_END"
user users/expired rsa:2048 expired@example.org "Expired Example" inter-rsa v3_user_rsa \
    20200101000000Z 20210101000000Z
user users/notyet rsa:2048 notyet@example.org "Not Yet Example" inter-rsa v3_user_rsa \
    20350101000000Z 20490101000000Z
user users/sha1 rsa:2048 sha1@example.org "SHA-1 Example" inter-rsa v3_user_rsa "$U_START" "$U_END" -md sha1
user users/dave-sign rsa:2048 dave@example.org "Dave Example (signing)" inter-rsa v3_user_sign
user users/dave-encrypt rsa:2048 dave@example.org "Dave Example (encryption)" inter-rsa v3_user_encrypt
user users/weak-rsa1024 rsa:1024 weak@example.org "Weak RSA-1024 Example" inter-rsa
user users/under-expired-inter rsa:2048 under-expired-inter@example.org "Under Expired Intermediate" inter-expired
user users/cross-user rsa:2048 cross-user@example.org "Cross User" inter-cross

# --- chains ---------------------------------------------------------------------------------
# e-mail name constraints
ca chains/nc-inter rsa:2048 "smimekit Test NC Intermediate" root-rsa v3_nc_inter
user chains/nc-ok rsa:2048 x@example.org "NC OK" nc-inter
user chains/nc-sub-ok rsa:2048 x@mail.example.org "NC Subdomain OK" nc-inter
user chains/nc-excluded rsa:2048 blocked@example.org "NC Excluded" nc-inter
user chains/nc-outside rsa:2048 y@example.com "NC Outside" nc-inter

# path length: root -> pathlen0-inter (pathlen:0) -> pathlen-sub (CA) -> pathlen-user
ca chains/pathlen0-inter rsa:2048 "smimekit Test Pathlen0 Intermediate" root-rsa v3_inter_pathlen0
ca chains/pathlen-sub rsa:2048 "smimekit Test Pathlen Sub CA" pathlen0-inter v3_inter
user chains/pathlen-user rsa:2048 pathlen-user@example.org "Pathlen User" pathlen-sub

# missing intermediate: hidden-inter is kept out of every pool (chains/hidden/)
ca chains/hidden/hidden-inter rsa:2048 "smimekit Test Hidden Intermediate" root-rsa v3_inter
user chains/orphan-user rsa:2048 orphan@example.org "Orphan User" hidden-inter v3_user_orphan

# a loop of cross-certificates: loop-a issued by loop-b, loop-b issued by loop-a. A throw-away
# self-signed loop-b certificate (same name and key) issues loop-a first; then loop-a issues
# the real loop-b. Neither final certificate is self-signed.
genkey loop-a rsa:2048
genkey loop-b rsa:2048
issue loop-b-bootstrap loop-b "$ORG/CN=smimekit Test Loop B" self:loop-b v3_inter "$CA_START" "$CA_END"
issue chains/loop-a loop-a "$ORG/CN=smimekit Test Loop A" loop-b v3_inter "$CA_START" "$CA_END"
register_ca loop-a chains/loop-a loop-a
issue chains/loop-b loop-b "$ORG/CN=smimekit Test Loop B" loop-a v3_inter "$CA_START" "$CA_END"
register_ca loop-b chains/loop-b loop-b
rm -f "$OUT"/loop-b-bootstrap.{pem,der}
user chains/loop-user rsa:2048 loop-user@example.org "Loop User" loop-a

# decoy: exactly the subject of ca/inter-rsa, another key, issued by root2-rsa
genkey decoy-inter rsa:2048
issue chains/decoy-inter decoy-inter "$ORG/CN=smimekit Test Intermediate RSA" root2-rsa v3_inter "$CA_START" "$CA_END"

# revocation: revoked-user (revoked 2025-06-01, keyCompromise) and CRLs with fixed dates
user chains/revoked-user rsa:2048 revoked@example.org "Revoked User" inter-rsa
run_ca inter-rsa -cert "$T/ca/inter-rsa/cert.pem" -keyfile "$T/ca/inter-rsa/key.pem" \
    -revoke "$OUT/chains/revoked-user.pem" -crl_reason keyCompromise
# `openssl ca -revoke` records the current time; pin the revocation date in the CA database
sed -i -E 's/^(R\t[^\t]*\t)[0-9]+Z,/\1250601000000Z,/' "$T/ca/inter-rsa/index.txt"
grep -q $'^R\t[^\t]*\t250601000000Z,keyCompromise\t' "$T/ca/inter-rsa/index.txt" ||
    die "could not pin the revocation date"
gencrl() { # gencrl <ca-id> <stem> <lastUpdate> <nextUpdate>
    run_ca "$1" -gencrl -cert "$T/ca/$1/cert.pem" -keyfile "$T/ca/$1/key.pem" \
        -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$OUT/$2.pem"
    ossl crl -in "$OUT/$2.pem" -outform DER -out "$OUT/$2.der"
}
gencrl inter-rsa chains/inter-rsa-expired.crl 20260101000000Z 20260601000000Z # CRL number 1
gencrl inter-rsa chains/inter-rsa.crl 20260601000000Z 20490101000000Z         # CRL number 2
gencrl root-rsa chains/root-rsa.crl 20260601000000Z 20490101000000Z           # empty

# --- PKCS#12 --------------------------------------------------------------------------------
printf '%s' "$PASS" >"$OUT/p12/password.txt"
printf '%s' "$UTF8_PASS" >"$OUT/p12/utf8-password.txt"
p12() { # p12 <name> <openssl pkcs12 -export args...>
    local name=$1
    shift
    ossl pkcs12 -export -out "$OUT/p12/$name.p12" "$@"
}
A=(-in "$OUT/users/alice.pem" -inkey "$OUT/keys/alice.key")
p12 modern "${A[@]}" -name alice -passout "pass:$PASS"
p12 compat "${A[@]}" -name alice -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -passout "pass:$PASS"
p12 legacy "${A[@]}" -name alice -legacy -passout "pass:$PASS"
p12 emptypass "${A[@]}" -name alice -passout pass:
p12 utf8pass "${A[@]}" -name alice -passout "pass:$UTF8_PASS"
p12 nomac "${A[@]}" -name alice -keypbe NONE -certpbe NONE -nomac -passout pass:
cat "$OUT/ca/inter-rsa.pem" "$OUT/ca/root-rsa.pem" >"$T/alice-chain.pem"
p12 fullchain "${A[@]}" -certfile "$T/alice-chain.pem" -name "Alice Example" -passout "pass:$PASS"
p12 certonly -in "$OUT/users/alice.pem" -nokeys -name alice -passout "pass:$PASS"
p12 keyonly -inkey "$OUT/keys/alice.key" -nocerts -name alice -passout "pass:$PASS"
p12 bob-ec -in "$OUT/users/bob-ec.pem" -inkey "$OUT/keys/bob-ec.key" -name bob -passout "pass:$PASS"
p12 carol -in "$OUT/users/carol-rsa3072.pem" -inkey "$OUT/keys/carol-rsa3072.key" -name carol -passout "pass:$PASS"
p12 dave-sign -in "$OUT/users/dave-sign.pem" -inkey "$OUT/keys/dave-sign.key" -name dave-sign -passout "pass:$PASS"
p12 dave-encrypt -in "$OUT/users/dave-encrypt.pem" -inkey "$OUT/keys/dave-encrypt.key" -name dave-encrypt \
    -passout "pass:$PASS"
# NULL password: python3-cryptography 38 NoEncryption() writes unencrypted bags and a SHA-256
# MAC keyed with a NULL (absent) password, which differs from the empty password's MAC.
"$PYTHON" - "$OUT/users/alice.pem" "$OUT/keys/alice.key" "$OUT/p12/nopass.p12" <<'EOF'
import sys
from cryptography import x509
from cryptography.hazmat.primitives.serialization import NoEncryption, load_pem_private_key, pkcs12
cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
key = load_pem_private_key(open(sys.argv[2], "rb").read(), None)
with open(sys.argv[3], "wb") as f:
    f.write(pkcs12.serialize_key_and_certificates(b"alice", key, cert, None, NoEncryption()))
EOF
# PBMAC1 (RFC 9579 Appendix A.1, password "1234"): no Debian 12 tool writes PBMAC1
base64 -d "$PKI/rfc9579-a1.p12.b64" >"$OUT/p12/pbmac1.p12"

# --- bundles and key formats ----------------------------------------------------------------
ossl crl2pkcs7 -nocrl -certfile "$OUT/ca/inter-rsa.pem" -certfile "$OUT/ca/root-rsa.pem" \
    -outform DER -out "$OUT/bundles/chain.p7b"
ossl crl2pkcs7 -nocrl -certfile "$OUT/ca/inter-rsa.pem" -certfile "$OUT/ca/root-rsa.pem" \
    -outform PEM -out "$OUT/bundles/chain-pem.p7b"
for c in root-rsa root2-rsa root-ec inter-rsa inter-ec inter-cross-by-root inter-cross-by-root2 inter-expired; do
    cat "$OUT/ca/$c.pem"
done >"$OUT/bundles/all-cas.pem"

# BER certs-only SignedData with indefinite lengths (as gpgsm/NSS write), built byte by byte:
# ContentInfo{signedData, [0]{SignedData{1, {}, {data}, [0]{inter-rsa, root-rsa}, {}}}}
{
    printf '\x30\x80'                                         # ContentInfo, indefinite
    printf '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02'     #   contentType signedData
    printf '\xa0\x80'                                         #   [0] EXPLICIT, indefinite
    printf '\x30\x80'                                         #     SignedData, indefinite
    printf '\x02\x01\x01'                                     #       version 1
    printf '\x31\x00'                                         #       digestAlgorithms {}
    printf '\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\x00\x00' # encapContentInfo {data}
    printf '\xa0\x80'                                         #       [0] certificates, indefinite
    cat "$OUT/ca/inter-rsa.der" "$OUT/ca/root-rsa.der"
    printf '\x00\x00'                                         #       end of certificates
    printf '\x31\x00'                                         #       signerInfos {}
    printf '\x00\x00\x00\x00\x00\x00'                         # end of SignedData, [0], ContentInfo
} >"$OUT/bundles/ber-chain.p7b"

ossl pkcs8 -topk8 -in "$OUT/keys/alice.key" -v2 aes-256-cbc -v2prf hmacWithSHA256 \
    -passout "pass:$PASS" -out "$OUT/keys/alice-enc.pkcs8.pem"
ossl rsa -in "$OUT/keys/alice.key" -traditional -out "$OUT/keys/alice.rsa-traditional.pem"

# --- .sst samples ---------------------------------------------------------------------------
cp "$SST_SRC"/*.sst "$OUT/sst/"
cp "$SST_SRC/README.md" "$OUT/sst/README.md"
cp -r "$SST_SRC/generated" "$OUT/sst/generated"

# --- misc -----------------------------------------------------------------------------------
printf 'This is not a certificate.\nJust a few lines of plain text for format-detection tests.\n' \
    >"$OUT/misc/not-a-cert.txt"
head -c 4096 /dev/urandom >"$OUT/misc/random.bin"
size=$(stat -c %s "$OUT/users/alice.der")
head -c $((size / 2)) "$OUT/users/alice.der" >"$OUT/misc/truncated-alice.der"
: >"$OUT/misc/empty.bin"

# --- README, permissions, self-check ----------------------------------------------------------
cp "$PKI/certs-test-README.md" "$OUT/README.md"
chmod -R u+rwX,go+rX,go-w "$OUT"
# every file (outside sst/) must be described in the README
missing=0
while IFS= read -r f; do
    case $f in
        keys/*.key) stem=${f#keys/} && stem=${stem%.key} ;; # described with its certificate
        *) stem=${f%.pem} && stem=${stem%.der} ;;
    esac
    grep -qF "$stem" "$OUT/README.md" || { echo "make-test-pki: $f is not described in README.md" >&2; missing=1; }
done < <(cd "$OUT" && find . -type f ! -path './sst/*' ! -name README.md | sed 's|^\./||' | sort)
((missing == 0)) || die "README.md is incomplete (edit scripts/pki/certs-test-README.md)"

trap - ERR
"$PKI/check-test-pki.sh" "$OUT" >"$T/check.txt" 2>&1 || {
    cat "$T/check.txt" >&2
    die "the new PKI fails its checks; certs-test/ left unchanged"
}
tail -n 1 "$T/check.txt"

rm -rf "$DEST"
cp -r "$OUT" "$DEST"
echo "make-test-pki: wrote $(find "$DEST" -type f | wc -l) files to $DEST ($(du -sh "$DEST" | cut -f1))"
