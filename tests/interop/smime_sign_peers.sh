#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test for `smimekit mail sign` and `mail verify` (issue 8) against the peers of
# reference/interop.md: openssl cms, gpgsm 2.2, NSS cmsutil 3.87 and GnuTLS certtool 3.7.
#  1. What smimekit signs (RSA and ECDSA, detached and opaque, SHA-256/384/512, RSA-PSS) verifies
#     in every peer. Known peer limit, asserted as such: certtool 3.7 reads every RSA-PSS
#     signature as RSA-PSS-SHA256, so PSS with SHA-384/512 fails there (openssl's own does too).
#  2. What openssl (cms and smime, DER and streamed BER, PSS, two signers), gpgsm (BER), cmsutil
#     (BER, root included), certtool and python-cryptography sign verifies in smimekit, in one
#     batch call with --json.
#  3. A flipped byte in the body, in a header of the signed part or in the signature fails; the
#     same mail re-saved with LF line ends verifies; a wrong trust anchor fails; and each peer
#     rejects a tampered message too (so that its "yes" means something).
# gpgsm, NSS and certtool check at the real time; the test certificates are valid 2025-2046.
set -euo pipefail
source "$(dirname "$0")/lib/checks.bash"
smimekit=$(realpath "$1")
certs=$(realpath "$2")
work=$(mktemp -d)
home=$(mktemp -d /tmp/gs.XXXXXX)  # short: gpg-agent's socket lives here
cleanup() {
    GNUPGHOME=$home gpgconf --kill all 2>/dev/null || true
    rm -rf "$work" "$home"
}
trap cleanup EXIT
cd "$work"

now=--now=2030-01-01T00:00:00Z
pw=$certs/p12/password.txt
root=$certs/ca/root-rsa.pem
# expect LABEL WANTED ACTUAL ("yes"/"no")

# ---- MIME helpers (Python's email package finds the parts; the signed bytes are cut exactly) --
cat > mime.py <<'PY'
import base64, email, email.policy, sys

def split(path, content_out, cms_out):
    """multipart/signed: the first part's exact bytes and the signature; opaque: the CMS."""
    raw = open(path, "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if message.get_content_type() == "multipart/signed":
        boundary = message.get_param("boundary").encode()
        start = raw.index(b"--" + boundary + b"\r\n") + len(boundary) + 4
        end = raw.index(b"\r\n--" + boundary, start)
        open(content_out, "wb").write(raw[start:end])
        open(cms_out, "wb").write(message.get_payload()[1].get_payload(decode=True))
    else:
        assert message.get_content_type() == "application/pkcs7-mime", message.get_content_type()
        assert message.get_param("smime-type") == "signed-data"
        open(content_out, "wb").write(b"")
        open(cms_out, "wb").write(message.get_payload(decode=True))

def b64(data):
    text = base64.b64encode(data)
    return b"\r\n".join(text[i:i + 64] for i in range(0, len(text), 64)) + b"\r\n"

def head(sender, subject):
    return (f"From: {sender}\r\nTo: bob@example.org\r\nSubject: {subject}\r\n"
            "Date: Tue, 01 Jan 2030 00:00:00 +0000\r\nMIME-Version: 1.0\r\n").encode()

def wrap_detached(content, signature, out, sender, micalg):
    b = b"peer-boundary-0123"
    open(out, "wb").write(
        head(sender, "detached") + b'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg='
        + micalg.encode() + b'; boundary="' + b + b'"\r\n\r\n--' + b + b"\r\n" + open(content, "rb").read()
        + b"\r\n--" + b + b'\r\nContent-Type: application/pkcs7-signature; name="smime.p7s"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(open(signature, "rb").read()) + b"\r\n--" + b + b"--\r\n")

def wrap_opaque(der, out, sender):
    open(out, "wb").write(
        head(sender, "opaque") + b'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(open(der, "rb").read()))

def flip(path, out, where):
    """Changes one character: in the body text, in a Content-* field of the signed part, or in
    the signature value (the second-to-last base64 line of the signature part lies inside it)."""
    raw = bytearray(open(path, "rb").read())
    if where == "body":
        at = raw.index(b"Hello Bob")
    elif where == "header":
        at = raw.index(b"charset=utf-8", raw.index(b"\r\n\r\n")) + 8
    else:
        start = raw.index(b"\r\n\r\n", raw.index(b"Content-Type: application/pkcs7-signature")) + 4
        lines = raw[start:].split(b"\r\n--")[0].split(b"\r\n")
        at = start + sum(len(line) + 2 for line in lines[:-2]) + 10
    raw[at] = ord("A") if raw[at] != ord("A") else ord("B")
    open(out, "wb").write(bytes(raw))

{"split": split, "wrap-detached": wrap_detached, "wrap-opaque": wrap_opaque, "flip": flip}[sys.argv[1]](*sys.argv[2:])
PY
mime() { /usr/bin/python3 mime.py "$@"; }

# ---- the peers' set-up (reference/interop.md section 2) ------------------------------------
export GNUPGHOME=$home
echo allow-loopback-pinentry > "$home/gpg-agent.conf"
printf 'disable-crl-checks\ndisable-policy-checks\n' > "$home/gpgsm.conf"
fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g'; }
echo "$(fingerprint "$root") S relax" > "$home/trustlist.txt"
gpgsm --batch --import "$root" "$certs/ca/inter-rsa.pem" 2> /dev/null
nss=$work/nss
mkdir "$nss"
certutil -N -d "sql:$nss" --empty-password
certutil -A -d "sql:$nss" -n Root -t "C,C,C" -i "$root"

gpgsm_verify() {  # SIG [CONTENT]: GOODSIG, VALIDSIG and full trust, and no BADSIG/ERRSIG
    local status=$work/gpgsm.status
    if [ $# -eq 2 ]; then
        gpgsm --batch --status-fd 3 --verify "$1" "$2" 3> "$status" 2> /dev/null || true
    else
        gpgsm --batch --status-fd 3 --verify -o /dev/null "$1" 3> "$status" 2> /dev/null || true
    fi
    grep -q '^\[GNUPG:\] GOODSIG' "$status" && grep -q '^\[GNUPG:\] VALIDSIG' "$status" &&
        grep -q '^\[GNUPG:\] TRUST_\(FULLY\|ULTIMATE\)' "$status" && ! grep -q 'BADSIG\|ERRSIG' "$status"
}
nss_verify() {  # SIG [CONTENT]
    if [ $# -eq 2 ]; then
        cmsutil -D -u 4 -d "sql:$nss" -i "$1" -c "$2" -n
    else
        cmsutil -D -u 4 -d "sql:$nss" -i "$1" -o /dev/null
    fi
}
gnutls_verify() {  # SIG [CONTENT]
    certtool --p7-verify --inder --verify-purpose 1.3.6.1.5.5.7.3.4 --load-ca-certificate "$root" \
        --infile "$1" ${2:+--load-data "$2"}
}
openssl_verify() { openssl cms -verify -purpose smimesign -CAfile "$root" -in "$1" -out /dev/null; }

# peers_verify MAIL LABEL GNUTLS_WANTED: every peer's verdict on one signed mail.
peers_verify() {
    local mail=$1 label=$2 content=$work/content.bin sig=$work/sig.der
    mime split "$mail" "$content" "$sig"
    local with_content=()
    [ -s "$content" ] && with_content=("$content")
    expect "$label: openssl cms -verify" yes "$(yes_if openssl_verify "$mail")"
    expect "$label: gpgsm --verify" yes "$(yes_if gpgsm_verify "$sig" "${with_content[@]}")"
    expect "$label: cmsutil -D" yes "$(yes_if nss_verify "$sig" "${with_content[@]}")"
    expect "$label: certtool --p7-verify" "$3" "$(yes_if gnutls_verify "$sig" "${with_content[@]}")"
    expect "$label: smimekit mail verify" yes \
        "$(yes_if "$smimekit" mail verify $now --trust "$root" "$mail")"
}

# ---- 1. smimekit signs, the peers verify -----------------------------------------------------
# The message carries what transports break (interop.md pitfall 3), 8-bit text and an attachment.
printf 'Hello Bob,\nFrom here on, a line that starts with From.\n.\ntrailing spaces   \n-- \nGr\303\274\303\237e, Alice\n' > body.txt
head -c 3000 /dev/urandom > data.bin
"$smimekit" mail compose --quiet $now --from 'Alice Example <alice@example.org>' --to bob@example.org \
    --subject 'Signed test' --body-file body.txt --attach data.bin -o alice.eml
sed 's/alice@example.org/bob@example.org/' alice.eml > bob.eml
sign() {  # OUT IN SIGNER-ARGS...
    local out=$1 in=$2
    shift 2
    "$smimekit" mail sign --quiet $now "$in" --password-file "$pw" -o "$out" "$@"
}
for form in detached opaque; do
    opaque=()
    [ "$form" = opaque ] && opaque=(--opaque)
    for variant in sha256 sha384 sha512 pss-sha256 pss-sha512; do
        digest=${variant#pss-}
        pss=()
        gnutls=yes
        case $variant in pss-sha256) pss=(--rsa-pss) ;; pss-*) pss=(--rsa-pss) gnutls=no ;; esac
        sign "rsa-$form-$variant.eml" alice.eml --signer "$certs/p12/fullchain.p12" --digest "$digest" \
            "${pss[@]}" "${opaque[@]}"
        peers_verify "rsa-$form-$variant.eml" "RSA $form $variant" "$gnutls"
    done
    for digest in sha256 sha384 sha512; do
        sign "ec-$form-$digest.eml" bob.eml --signer "$certs/p12/bob-ec.p12" --chain "$certs/ca/inter-ec.pem" \
            --digest "$digest" "${opaque[@]}"
        peers_verify "ec-$form-$digest.eml" "ECDSA $form $digest" yes
    done
done
# The GnuTLS limit is the peer's: openssl's own PSS/SHA-512 signature fails there the same way.
mime split rsa-detached-sha256.eml content.bin sig.der
openssl cms -sign -binary -md sha512 -in content.bin -signer "$certs/users/alice.pem" -inkey "$certs/keys/alice.key" \
    -certfile "$certs/ca/inter-rsa.pem" -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:digest \
    -outform DER -out openssl-pss512.der
expect "openssl's PSS/SHA-512 in certtool (the peer's limit)" no \
    "$(yes_if gnutls_verify openssl-pss512.der content.bin)"

# Each peer must be able to say no: a tampered copy of a good message fails everywhere.
mime flip rsa-detached-sha256.eml tampered.eml body
mime split tampered.eml content.bin sig.der
expect "tampered: openssl" no "$(yes_if openssl_verify tampered.eml)"
expect "tampered: gpgsm" no "$(yes_if gpgsm_verify sig.der content.bin)"
expect "tampered: cmsutil" no "$(yes_if nss_verify sig.der content.bin)"
expect "tampered: certtool" no "$(yes_if gnutls_verify sig.der content.bin)"

# ---- 2. the peers sign, smimekit verifies ----------------------------------------------------
printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\nHello from a peer\r\n' > entity.txt
mkdir peer
alice=(-signer "$certs/users/alice.pem" -inkey "$certs/keys/alice.key" -certfile "$certs/ca/inter-rsa.pem")
bob=(-signer "$certs/users/bob-ec.pem" -inkey "$certs/keys/bob-ec.key" -certfile "$certs/ca/inter-ec.pem")
# openssl writes whole messages: outer headers with LF, the signed part with CRLF (mixed).
openssl cms -sign -md sha256 -in entity.txt "${alice[@]}" -from alice@example.org -to bob@example.org \
    -subject x -out peer/openssl-rsa-detached.eml
openssl cms -sign -nodetach -md sha384 -in entity.txt "${bob[@]}" -from bob@example.org -subject x \
    -out peer/openssl-ec-opaque.eml
openssl smime -sign -md sha512 -in entity.txt -signer "$certs/users/bob-ec.pem" -inkey "$certs/keys/bob-ec.key" \
    -certfile "$certs/ca/inter-ec.pem" -from bob@example.org -subject x -out peer/openssl-smime-x-types.eml
openssl cms -sign -stream -nodetach -md sha512 -in entity.txt "${alice[@]}" -from alice@example.org -subject x \
    -out peer/openssl-stream-ber.eml
openssl cms -sign -md sha256 -in entity.txt "${alice[@]}" -keyopt rsa_padding_mode:pss \
    -keyopt rsa_pss_saltlen:digest -from alice@example.org -subject x -out peer/openssl-rsa-pss.eml
openssl cms -sign -md sha256 -in entity.txt "${alice[@]}" -signer "$certs/users/carol-rsa3072.pem" \
    -inkey "$certs/keys/carol-rsa3072.key" -from alice@example.org -subject x -out peer/openssl-two-signers.eml
# gpgsm (BER, the chain without the root): RSA only, its EC import crashes (interop.md).
gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 --import "$certs/p12/compat.p12" 3< "$pw" 2> /dev/null
alice_fp=$(fingerprint "$certs/users/alice.pem")
gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 -u "$alice_fp" --detach-sign -o gpgsm.der entity.txt 3< "$pw" 2> /dev/null
gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 -u "$alice_fp" --sign -o gpgsm-opaque.der entity.txt 3< "$pw" 2> /dev/null
mime wrap-detached entity.txt gpgsm.der peer/gpgsm-rsa-detached.eml alice@example.org sha-256
mime wrap-opaque gpgsm-opaque.der peer/gpgsm-rsa-opaque.eml alice@example.org
# NSS (BER, the whole chain with the root, SMIMECapabilities and encryption key preference).
pk12util -i "$certs/p12/fullchain.p12" -d "sql:$nss" -W "$(cat "$pw")" -K '' > /dev/null
pk12util -i "$certs/p12/bob-ec.p12" -d "sql:$nss" -W "$(cat "$pw")" -K '' > /dev/null
certutil -A -d "sql:$nss" -n "Inter EC" -t ",," -i "$certs/ca/inter-ec.pem"
cmsutil -S -T -G -P -H SHA256 -N "Alice Example" -d "sql:$nss" -p '' -i entity.txt -o nss.der
cmsutil -S -G -P -H SHA384 -N bob -d "sql:$nss" -p '' -i entity.txt -o nss-opaque.der
mime wrap-detached entity.txt nss.der peer/nss-rsa-detached.eml alice@example.org sha-256
mime wrap-opaque nss-opaque.der peer/nss-ec-opaque.eml bob@example.org
# GnuTLS (DER; signer first, then the intermediate).
cat "$certs/users/bob-ec.pem" "$certs/ca/inter-ec.pem" > bob-chain.pem
cat "$certs/users/alice.pem" "$certs/ca/inter-rsa.pem" > alice-chain.pem
certtool --p7-detached-sign --hash SHA256 --p7-time --load-privkey "$certs/keys/bob-ec.key" \
    --load-certificate bob-chain.pem --infile entity.txt --outder --outfile gnutls.der 2> /dev/null
certtool --p7-sign --hash SHA512 --p7-time --load-privkey "$certs/keys/alice.key" \
    --load-certificate alice-chain.pem --infile entity.txt --outder --outfile gnutls-opaque.der 2> /dev/null
mime wrap-detached entity.txt gnutls.der peer/gnutls-ec-detached.eml bob@example.org sha-256
mime wrap-opaque gnutls-opaque.der peer/gnutls-rsa-opaque.eml alice@example.org

# python-cryptography 38: detached only (its opaque S/MIME is broken, interop.md pitfall 15);
# x-pkcs7-signature, mixed line ends. It writes no From: one is put in front.
/usr/bin/python3 - "$certs" <<'PY'
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
certs = sys.argv[1]
cert = x509.load_pem_x509_certificate(open(f"{certs}/users/alice.pem", "rb").read())
inter = x509.load_pem_x509_certificate(open(f"{certs}/ca/inter-rsa.pem", "rb").read())
key = serialization.load_pem_private_key(open(f"{certs}/keys/alice.key", "rb").read(), None)
signed = (pkcs7.PKCS7SignatureBuilder().set_data(open("entity.txt", "rb").read())
          .add_signer(cert, key, hashes.SHA256()).add_certificate(inter)
          .sign(serialization.Encoding.SMIME, [pkcs7.PKCS7Options.DetachedSignature]))
open("peer/pyca-rsa-detached.eml", "wb").write(b"From: alice@example.org\r\n" + signed)
PY

"$smimekit" mail verify $now --json --trust "$root" peer/*.eml > peer.json || true
# name signers digest signature form: what each peer-made message must verify as.
expected='openssl-rsa-detached 1 SHA256 RSA detached
openssl-ec-opaque 1 SHA384 ECDSA opaque
openssl-smime-x-types 1 SHA512 ECDSA detached
openssl-stream-ber 1 SHA512 RSA opaque
openssl-rsa-pss 1 SHA256 RSA-PSS detached
openssl-two-signers 2 SHA256 RSA detached
gpgsm-rsa-detached 1 SHA256 RSA detached
gpgsm-rsa-opaque 1 SHA256 RSA opaque
nss-rsa-detached 1 SHA256 RSA detached
nss-ec-opaque 1 SHA384 ECDSA opaque
gnutls-ec-detached 1 SHA256 ECDSA detached
gnutls-rsa-opaque 1 SHA512 RSA opaque
pyca-rsa-detached 1 SHA256 RSA detached'
report=$(EXPECTED=$expected /usr/bin/python3 - peer.json <<'PY'
import json, os, sys
results = {r["file"].split("/")[-1][:-4]: r for r in json.load(open(sys.argv[1]))["results"]}
for line in os.environ["EXPECTED"].splitlines():
    name, signers, digest, algorithm, form = line.split()
    r = results.get(name)
    if r is None or "error" in r:
        print(f"FAIL {name}: {r and r['error']}")
        continue
    got = (r["valid"], len(r["signers"]), r["signers"][0]["digest_algorithm"],
           r["signers"][0]["signature_algorithm"], r["form"])
    want = (True, int(signers), digest, algorithm, form)
    problems = [p["code"] for s in r["signers"] for p in s["problems"]] + [p["code"] for p in r["problems"]]
    print("ok" if got == want else f"FAIL {name}: got {got}, want {want}, problems {problems}")
PY
)
while IFS= read -r line; do
    checks=$((checks + 1))
    [ "$line" = ok ] || fail "${line#FAIL }"
done <<< "$report"

# ---- 3. what must fail, and the LF copy that must not ----------------------------------------
verdict() {  # MAIL [ROOT]: smimekit's exit code
    local code=0
    "$smimekit" mail verify $now --trust "${2:-$root}" "$1" > /dev/null 2>&1 || code=$?
    echo "$code"
}
signed=rsa-detached-sha256.eml
for where in body header signature; do
    mime flip "$signed" "flipped-$where.eml" "$where"
    expect "a flipped byte in the $where fails (exit 1)" 1 "$(verdict "flipped-$where.eml")"
done
tr -d '\r' < "$signed" > lf.eml
expect "re-saved with LF line ends verifies" 0 "$(verdict lf.eml)"
tr -d '\r' < peer/openssl-rsa-detached.eml > peer-lf.eml
expect "openssl's mail re-saved with LF verifies" 0 "$(verdict peer-lf.eml)"
tr -d '\r' < rsa-opaque-sha256.eml > opaque-lf.eml
expect "an opaque mail re-saved with LF verifies" 0 "$(verdict opaque-lf.eml)"
expect "a wrong trust anchor fails (exit 1)" 1 "$(verdict "$signed" "$certs/ca/root2-rsa.pem")"
expect "openssl agrees on the wrong anchor" no \
    "$(yes_if openssl cms -verify -purpose smimesign -CAfile "$certs/ca/root2-rsa.pem" -in "$signed" -out /dev/null)"

finish "of mail sign/verify against openssl, gpgsm, NSS and GnuTLS"
