#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test for `smimekit mail encrypt / decrypt / sign-encrypt / inspect` (issue 9), with the
# peers of reference/interop.md section 2: what smimekit encrypts opens in `openssl cms`, gpgsm
# and NSS cmsutil, and what they encrypt opens in smimekit (DER and BER, each cipher they make);
# RSA-OAEP, ECDH (both KDFs) and AES-GCM round-trip with openssl; a mail to an RSA and an EC
# recipient opens for each; an altered AuthEnvelopedData fails; sign-encrypt output decrypts
# and verifies in openssl and gpgsm. Where a peer cannot read an envelope, `mail inspect --json`
# must say so (its "unable_clients"), and the peer must indeed fail.
set -euo pipefail
source "$(dirname "$0")/lib/checks.bash"
smimekit=$1
certs=$2
work=$(mktemp -d)
# A short path: gpg-agent's socket lives in the home directory.
export GNUPGHOME
GNUPGHOME=$(mktemp -d /tmp/gpgsm.XXXXXX)
cleanup() {
    gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null || true
    rm -rf "$work" "$GNUPGHOME"
}
trap cleanup EXIT
cd "$work"

pw=$certs/p12/password.txt
py=/usr/bin/python3

# same LABEL FILE WANTED: FILE exists and has exactly the bytes of WANTED.
same() {
    checks=$((checks + 1))
    if [ ! -f "$2" ] || ! cmp -s "$2" "$3"; then
        fail "$1"
    fi
}

# fails LABEL COMMAND...: the command must fail.
fails() {
    checks=$((checks + 1))
    if "${@:2}" >/dev/null 2>&1; then
        fail "$1: succeeded, but it must fail"
    fi
}

# ---- the mail and the entity every decryption must give back --------------------------------
# LF line ends, quoted-printable with the pitfalls of interop.md section 6.3 in it.
printf '%s\n' 'From: Alice Example <alice@example.org>' 'To: Bob <bob@example.org>' \
    'Subject: interop' 'Content-Type: text/plain; charset=utf-8' \
    'Content-Transfer-Encoding: quoted-printable' '' 'Gr=C3=BC=C3=9Fe, Bob=20' \
    '=46rom here on: figures.' >mail.eml
printf '%s\r\n' 'Content-Type: text/plain; charset=utf-8' \
    'Content-Transfer-Encoding: quoted-printable' '' 'Gr=C3=BC=C3=9Fe, Bob=20' \
    '=46rom here on: figures.' >entity.txt

# entity_of MAIL OUT: what smimekit decrypt wrote after the outer fields and its MIME-Version.
entity_of() {
    "$py" -c 'import sys
data = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(data.split(b"MIME-Version: 1.0\r\n", 1)[1])' "$1" >"$2"
}
# unwrap MAIL DER: the CMS of an application/pkcs7-mime mail, by Python's email parser.
unwrap() {
    "$py" -c 'import email, sys
message = email.message_from_binary_file(open(sys.argv[1], "rb"))
sys.stdout.buffer.write(message.get_payload(decode=True))' "$1" >"$2"
}
# wrap DER MAIL: a peer's raw CMS as the mail a client would send.
wrap() {
    "$py" -c 'import base64, sys
der = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(b"From: Peer <peer@example.org>\r\nTo: alice@example.org\r\n"
    b"Subject: from a peer\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    + base64.encodebytes(der).replace(b"\n", b"\r\n"))' "$1" >"$2"
}
# unable MAIL: the clients `mail inspect --json` says cannot open MAIL, sorted, one line.
unable() {
    SMIMEKIT_DB=$work/none.db "$smimekit" mail inspect --json "$1" | "$py" -c 'import json, sys
files = json.load(sys.stdin)["files"]
print(",".join(sorted({u["client"] for f in files for u in f["unable_clients"]})))'
}
# predicts LABEL MAIL WANTED: inspect's list of unable clients is WANTED.
predicts() {
    checks=$((checks + 1))
    local got
    got=$(unable "$2")
    [ "$got" = "$3" ] || fail "$1: inspect predicts '$got', expected '$3'"
}

# smimekit decrypt with alice's (or another) key; the entity lands in OUT.
sk_decrypt() { # MAIL OUT [P12]
    rm -f "$2.eml"
    "$smimekit" mail decrypt "$1" --key "${3:-$certs/p12/modern.p12}" --password-file "$pw" \
        -o "$2.eml" 2>/dev/null && entity_of "$2.eml" "$2"
}
ssl_decrypt() { # MAIL OUT [USER]
    local user=${3:-alice}
    openssl cms -decrypt -in "$1" -recip "$certs/users/$user.pem" -inkey "$certs/keys/$user.key" \
        -out "$2" 2>/dev/null
}

# ---- gpgsm and NSS with alice's key -----------------------------------------------------------
printf 'disable-crl-checks\ndisable-policy-checks\n' >"$GNUPGHOME/gpgsm.conf"
printf 'allow-loopback-pinentry\nno-allow-mark-trusted\n' >"$GNUPGHOME/gpg-agent.conf"
sha1() { openssl x509 -in "$1" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :; }
echo "$(sha1 "$certs/ca/root-rsa.pem") S relax" >"$GNUPGHOME/trustlist.txt"
gpgsm --batch --import "$certs/ca/root-rsa.pem" "$certs/ca/inter-rsa.pem" 2>/dev/null
# gpgsm 2.2 reads only PBES1 .p12 files: compat.p12 (3DES) holds alice too.
gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 --import "$certs/p12/compat.p12" \
    3<"$pw" 2>/dev/null
alice_fpr=$(sha1 "$certs/users/alice.pem")
gpg_decrypt() { # DER OUT
    gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 --decrypt -o "$2" "$1" 3<"$pw" \
        2>/dev/null
}

nss=$work/nss
mkdir "$nss"
certutil -N -d "sql:$nss" --empty-password
certutil -A -d "sql:$nss" -n Root -t C,C,C -i "$certs/ca/root-rsa.pem"
certutil -A -d "sql:$nss" -n Inter -t ,, -i "$certs/ca/inter-rsa.pem"
pk12util -i "$certs/p12/modern.p12" -d "sql:$nss" -W "$(cat "$pw")" -K '' >/dev/null
nss_decrypt() { cmsutil -D -d "sql:$nss" -p '' -i "$1" -o "$2" 2>/dev/null; } # DER OUT

# ---- smimekit encrypts, every peer decrypts (RSA PKCS#1 v1.5, AES-CBC and 3DES) --------------
for cipher in aes-256-cbc aes-128-cbc des-ede3-cbc; do
    "$smimekit" mail encrypt mail.eml -r "$certs/users/alice.pem" --cipher "$cipher" \
        -o "sk-$cipher.eml" 2>/dev/null
    unwrap "sk-$cipher.eml" "sk-$cipher.der"
    ssl_decrypt "sk-$cipher.eml" "ssl-$cipher.txt" || true
    same "smimekit $cipher -> openssl" "ssl-$cipher.txt" entity.txt
    gpg_decrypt "sk-$cipher.der" "gpg-$cipher.txt" || true
    same "smimekit $cipher -> gpgsm" "gpg-$cipher.txt" entity.txt
    nss_decrypt "sk-$cipher.der" "nss-$cipher.txt" || true
    same "smimekit $cipher -> NSS cmsutil" "nss-$cipher.txt" entity.txt
    predicts "smimekit $cipher" "sk-$cipher.eml" ""
done

# ---- the peers encrypt, smimekit decrypts -----------------------------------------------------
openssl cms -encrypt -aes-256-cbc -in entity.txt -outform DER -out ssl-der.der \
    "$certs/users/alice.pem"
openssl cms -encrypt -aes-128-cbc -stream -in entity.txt -outform DER -out ssl-ber.der \
    "$certs/users/alice.pem"
openssl cms -encrypt -des3 -in entity.txt -outform DER -out ssl-3des.der "$certs/users/alice.pem"
for algo in AES256 AES 3DES; do
    gpgsm --batch --cipher-algo "$algo" --encrypt -r "$alice_fpr" -o "gpg-$algo.der" entity.txt \
        2>/dev/null
done
cmsutil -E -r alice@example.org -d "sql:$nss" -i entity.txt -o nss.der
for der in ssl-der ssl-ber ssl-3des gpg-AES256 gpg-AES gpg-3DES nss; do
    wrap "$der.der" "$der.eml"
    sk_decrypt "$der.eml" "$der.txt" || true
    same "$der -> smimekit" "$der.txt" entity.txt
done

# ---- RSA-OAEP, ECDH and AES-GCM with openssl, both ways --------------------------------------
"$smimekit" mail encrypt mail.eml -r "$certs/users/alice.pem" --oaep -o sk-oaep.eml 2>/dev/null
"$smimekit" mail encrypt mail.eml -r "$certs/users/alice.pem" --cipher aes-256-gcm \
    -o sk-gcm.eml 2>/dev/null
"$smimekit" mail encrypt mail.eml -r "$certs/users/bob-ec.pem" -o sk-ecdh.eml 2>/dev/null
for kind in oaep gcm; do
    ssl_decrypt "sk-$kind.eml" "ssl-$kind.txt" || true
    same "smimekit $kind -> openssl" "ssl-$kind.txt" entity.txt
done
ssl_decrypt sk-ecdh.eml ssl-ecdh.txt bob-ec || true
same "smimekit ECDH -> openssl" ssl-ecdh.txt entity.txt
checks=$((checks + 1))
openssl cms -cmsout -print -in sk-ecdh.eml | grep -q 'dhSinglePass-stdDH-sha256kdf-scheme' ||
    fail "smimekit ECDH does not use the SHA-256 KDF"
checks=$((checks + 1))
openssl cms -cmsout -print -in sk-oaep.eml | grep -A8 'rsaesOaep' | grep -q ':sha256' ||
    fail "smimekit OAEP does not use SHA-256"

alice=$certs/users/alice.pem
openssl cms -encrypt -aes-256-cbc -in entity.txt -out ssl-oaep1.eml -recip "$alice" \
    -keyopt rsa_padding_mode:oaep
openssl cms -encrypt -aes-256-cbc -in entity.txt -out ssl-oaep256.eml -recip "$alice" \
    -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -keyopt rsa_mgf1_md:sha256
openssl cms -encrypt -aes-256-gcm -in entity.txt -out ssl-gcm.eml "$alice"
for kdf in sha1 sha256; do
    openssl cms -encrypt -aes-128-cbc -in entity.txt -out "ssl-ecdh-$kdf.eml" \
        -recip "$certs/users/bob-ec.pem" -keyopt "ecdh_kdf_md:$kdf"
done
for mail in ssl-oaep1 ssl-oaep256 ssl-gcm; do
    sk_decrypt "$mail.eml" "$mail.txt" || true
    same "openssl $mail -> smimekit" "$mail.txt" entity.txt
done
for kdf in sha1 sha256; do
    sk_decrypt "ssl-ecdh-$kdf.eml" "ssl-ecdh-$kdf.txt" "$certs/p12/bob-ec.p12" || true
    same "openssl ECDH $kdf KDF -> smimekit" "ssl-ecdh-$kdf.txt" entity.txt
done

# What inspect says gpgsm and NSS cannot read, they cannot read.
for kind in oaep gcm; do
    unwrap "sk-$kind.eml" "sk-$kind.der"
    fails "gpgsm reads smimekit $kind" gpg_decrypt "sk-$kind.der" "gpg-$kind.txt"
    fails "NSS reads smimekit $kind" nss_decrypt "sk-$kind.der" "nss-$kind.txt"
done
predicts "smimekit OAEP" sk-oaep.eml "NSS 3.87,gpgsm 2.2"
predicts "smimekit AES-GCM" sk-gcm.eml "NSS 3.87,Outlook,gpgsm 2.2"
predicts "smimekit ECDH" sk-ecdh.eml "NSS 3.87,gpgsm 2.2"

# ---- one mail to an RSA and an EC recipient ----------------------------------------------------
"$smimekit" mail encrypt mail.eml -r "$certs/users/alice.pem" -r "$certs/users/bob-ec.pem" \
    -o mixed.eml 2>/dev/null
ssl_decrypt mixed.eml mixed-alice.txt || true
same "RSA+EC -> openssl with alice's key" mixed-alice.txt entity.txt
ssl_decrypt mixed.eml mixed-bob.txt bob-ec || true
same "RSA+EC -> openssl with bob's key" mixed-bob.txt entity.txt
sk_decrypt mixed.eml mixed-sk-alice.txt || true
same "RSA+EC -> smimekit with alice's key" mixed-sk-alice.txt entity.txt
sk_decrypt mixed.eml mixed-sk-bob.txt "$certs/p12/bob-ec.p12" || true
same "RSA+EC -> smimekit with bob's key" mixed-sk-bob.txt entity.txt
unwrap mixed.eml mixed.der
gpg_decrypt mixed.der mixed-gpg.txt || true
same "RSA+EC -> gpgsm (its RSA entry)" mixed-gpg.txt entity.txt
fails "NSS reads RSA+EC" nss_decrypt mixed.der mixed-nss.txt
predicts "RSA+EC" mixed.eml "NSS 3.87,gpgsm 2.2"

# ---- an altered AuthEnvelopedData fails, and leaves nothing --------------------------------------
# One byte of the ciphertext flipped (the middle of a 4 KB content: neither header nor tag).
"$py" -c 'import sys
open("big.eml", "w").write("Subject: big\nContent-Type: text/plain\n\n" + "0123456789 abcdef\n" * 230)'
"$smimekit" mail encrypt big.eml -r "$alice" --cipher aes-256-gcm -o big-gcm.eml 2>/dev/null
unwrap big-gcm.eml big-gcm.der
"$py" -c 'import sys
der = bytearray(open(sys.argv[1], "rb").read())
der[len(der) // 2] ^= 0x01
open(sys.argv[2], "wb").write(der)' big-gcm.der tampered.der
wrap tampered.der tampered.eml
checks=$((checks + 1))
status=0
"$smimekit" mail decrypt tampered.eml --key "$certs/p12/modern.p12" --password-file "$pw" \
    -o tampered-out.eml 2>tampered.err || status=$?
[ "$status" = 3 ] && grep -q 'fails its authentication' tampered.err ||
    fail "altered AES-GCM: smimekit exit $status: $(cat tampered.err)"
checks=$((checks + 1))
[ ! -e tampered-out.eml ] || fail "altered AES-GCM: smimekit left an output file"
fails "openssl reads the altered AES-GCM" ssl_decrypt tampered.eml tampered-ssl.txt
sk_decrypt big-gcm.eml big-gcm.txt || true # the unaltered one still opens
checks=$((checks + 1))
grep -q '0123456789 abcdef' big-gcm.txt || fail "unaltered AES-GCM does not decrypt"

# ---- a wrong key: exit 4, no output -----------------------------------------------------------------
checks=$((checks + 1))
status=0
"$smimekit" mail decrypt sk-aes-256-cbc.eml --key "$certs/p12/carol.p12" --password-file "$pw" \
    -o wrong.eml 2>wrong.err || status=$?
[ "$status" = 4 ] && [ ! -e wrong.eml ] && grep -q 'no recipient matches' wrong.err ||
    fail "wrong key: exit $status, $(cat wrong.err)"

# ---- sign-encrypt: openssl and gpgsm decrypt and verify -----------------------------------------
"$smimekit" mail sign-encrypt mail.eml --signer "$certs/p12/fullchain.p12" --password-file "$pw" \
    -r "$alice" -o se.eml 2>/dev/null
ssl_decrypt se.eml se-ssl.eml || true
checks=$((checks + 1))
openssl cms -verify -in se-ssl.eml -CAfile "$certs/ca/root-rsa.pem" -purpose smimesign \
    -out se-content.txt 2>/dev/null || fail "sign-encrypt: openssl does not verify the signature"
same "sign-encrypt -> openssl: content" se-content.txt entity.txt
unwrap se.eml se.der
gpg_decrypt se.der se-gpg.eml || true
checks=$((checks + 1))
cmp -s se-gpg.eml se-ssl.eml || fail "sign-encrypt: gpgsm and openssl decrypt differently"
# Split the signed mail by its boundary (the CRLF before a delimiter belongs to it) and have
# gpgsm verify the detached signature over the first part's exact bytes.
"$py" -c 'import email, sys
data = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(data)
boundary = message.get_boundary().encode()
start = data.index(b"--" + boundary + b"\r\n") + len(boundary) + 4
end = data.index(b"\r\n--" + boundary, start)
open(sys.argv[2], "wb").write(data[start:end])
open(sys.argv[3], "wb").write(message.get_payload()[1].get_payload(decode=True))' \
    se-gpg.eml se-part.txt se-sig.der
gpgsm --batch --status-fd 3 --verify se-sig.der se-part.txt 3>se-status.txt 2>/dev/null || true
for status in GOODSIG VALIDSIG TRUST_FULLY; do
    checks=$((checks + 1))
    grep -q "^\[GNUPG:\] $status" se-status.txt || fail "sign-encrypt: gpgsm says no $status"
done
checks=$((checks + 1))
! grep -qE '^\[GNUPG:\] (BADSIG|ERRSIG)' se-status.txt || fail "sign-encrypt: gpgsm BADSIG/ERRSIG"

finish "of mail encrypt/decrypt against openssl, gpgsm and NSS"
