# SPDX-License-Identifier: Apache-2.0
# smimekit mail encrypt, sign-encrypt, decrypt and inspect: options, exit codes and the wire form.
# The peers' view (openssl, gpgsm, NSS) is tests/interop/smime_encrypt_peers.sh; openssl here
# only checks that what was written is what was asked for.

# A plain test mail with LF line ends, and what decrypting its encryption gives back.
set(ENC_MAIL "printf 'From: Alice <alice@example.org>\\nTo: bob@example.org\\nSubject: Figures\\nContent-Type: text/plain\\n\\nsecret text\\n' > m.eml")
set(ENC_ENTITY "printf 'Content-Type: text/plain\\r\\n\\r\\nsecret text\\r\\n' > want.txt")
set(ENC_NOW --now 2030-01-01T00:00:00Z)
set(ENC_PW --password-file certs-test/p12/password.txt)
# The same inside shell snippets, where a CMake list would split at its ';'.
set(ENC_NOW_SH "--now 2030-01-01T00:00:00Z")
set(ENC_PW_SH "--password-file certs-test/p12/password.txt")
# openssl's view of e.eml, decrypted with alice's key, must be the entity.
set(ENC_OPENSSL_ALICE "openssl cms -decrypt -in e.eml -recip certs-test/users/alice.pem -inkey certs-test/keys/alice.key -out got.txt && cmp got.txt want.txt")

# ---- mail encrypt ---------------------------------------------------------------------------
add_cli_test(NAME mail-encrypt-default SETUP "${ENC_MAIL} && ${ENC_ENTITY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem -o e.eml
             EXIT 0 FILES_EXIST e.eml STDERR "wrote e.eml \\(AES-256-CBC, 1 recipient\\)"
             NOT_STDERR "warning"
             CHECK "set -e
                    ${ENC_OPENSSL_ALICE}
                    tr -d '\\r' < e.eml > lf.txt
                    grep -qx 'Subject: Figures' lf.txt
                    grep -qx 'Content-Type: application/pkcs7-mime. smime-type=enveloped-data.' lf.txt
                    grep -qx 'Content-Transfer-Encoding: base64' lf.txt
                    ! grep -q 'secret' e.eml || exit 1
                    openssl cms -cmsout -print -in e.eml | grep -q 'algorithm: aes-256-cbc'
                    openssl cms -cmsout -print -in e.eml | grep -q 'algorithm: rsaEncryption'")
add_cli_test(NAME mail-encrypt-oaep SETUP "${ENC_MAIL} && ${ENC_ENTITY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem --oaep
                  --cipher AES-128-CBC -o e.eml
             EXIT 0 STDERR "AES-128-CBC, RSAES-OAEP, 1 recipient"
                           "gpgsm 2.2 cannot open the message: it reads no RSAES-OAEP"
                           "NSS 3.87 cannot open the message: it reads no RSAES-OAEP"
             CHECK "set -e
                    ${ENC_OPENSSL_ALICE}
                    openssl cms -cmsout -print -in e.eml > print.txt
                    grep -q 'algorithm: rsaesOaep' print.txt
                    grep -q 'algorithm: aes-128-cbc' print.txt")
add_cli_test(NAME mail-encrypt-gcm-warns-outlook SETUP "${ENC_MAIL} && ${ENC_ENTITY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem --cipher aes-256-gcm -o e.eml
             EXIT 0 STDERR "Outlook cannot open the message: it is reported to read no AuthEnvelopedData"
             CHECK "set -e
                    ${ENC_OPENSSL_ALICE}
                    grep -q 'smime-type=authEnveloped-data' e.eml")
add_cli_test(NAME mail-encrypt-ec-and-rsa SETUP "${ENC_MAIL} && ${ENC_ENTITY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/bob-ec.pem
                  --self certs-test/p12/modern.p12 ${ENC_PW} -o e.eml
             EXIT 0 STDERR "2 recipients" "gpgsm 2.2 cannot open the message: it reads no ECDH"
                           "NSS 3.87 cannot open the message: an ECDH recipient makes it fail the whole message"
             CHECK "set -e
                    ${ENC_OPENSSL_ALICE}
                    openssl cms -decrypt -in e.eml -recip certs-test/users/bob-ec.pem -inkey certs-test/keys/bob-ec.key -out bob.txt
                    cmp bob.txt want.txt
                    openssl cms -cmsout -print -in e.eml | grep -q 'dhSinglePass-stdDH-sha256kdf-scheme'")
add_cli_test(NAME mail-encrypt-3des-warns SETUP "${ENC_MAIL}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem --cipher des-ede3-cbc -o e.eml
             EXIT 0 STDERR "3DES has 64-bit blocks")
add_cli_test(NAME mail-encrypt-out-dir SETUP "${ENC_MAIL} && mkdir in out && cp m.eml in/a.eml && cp m.eml in/b.eml"
             ARGS mail encrypt ${ENC_NOW} in/a.eml in/b.eml -r certs-test/users/alice.pem --out-dir out
             EXIT 0 FILES_EXIST out/a.eml out/b.eml
             STDERR "encrypted 2 of 2 mails into out \\(AES-256-CBC, 1 recipient\\)")
# A contact's current encryption certificate, by address.
set(ENC_INVENTORY "$SMIMEKIT contacts add certs-test/users/alice.pem --db c.db")
add_cli_test(NAME mail-encrypt-by-address SETUP "${ENC_MAIL} && ${ENC_ENTITY} && ${ENC_INVENTORY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r alice@EXAMPLE.org --db c.db -o e.eml
             EXIT 0 FILES_EXIST e.eml CHECK "set -e
                    ${ENC_OPENSSL_ALICE}")

# A recipient that cannot receive encrypted mail is a "no" (exit 1), and nothing is written.
add_cli_test(NAME mail-encrypt-unfit-usage SETUP "${ENC_MAIL}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/dave-sign.pem -o e.eml
             EXIT 1 FILES_ABSENT e.eml
             STDERR "error: 'certs-test/users/dave-sign.pem': cannot encrypt to CN=Dave.*: its key usage does not allow keyEncipherment")
add_cli_test(NAME mail-encrypt-unfit-expired-and-eku SETUP "${ENC_MAIL}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/expired.pem -r certs-test/users/noeku.pem -o e.eml
             EXIT 1 FILES_ABSENT e.eml
             STDERR "expired.pem': cannot encrypt to .*: it expired on 2021-01-01T00:00:00Z"
                    "noeku.pem': cannot encrypt to .*does not include emailProtection")

# Usage (2), input (3), inventory (6) and output (7) errors: nothing is written.
add_cli_test(NAME mail-encrypt-no-recipient SETUP "${ENC_MAIL}" ARGS mail encrypt m.eml -o e.eml
             EXIT 2 FILES_ABSENT e.eml STDERR "missing required option --recipient")
add_cli_test(NAME mail-encrypt-bad-cipher SETUP "${ENC_MAIL}"
             ARGS mail encrypt m.eml -r certs-test/users/alice.pem --cipher rc2-40-cbc -o e.eml
             EXIT 2 FILES_ABSENT e.eml STDERR "--cipher" "aes-256-cbc, aes-128-cbc, aes-256-gcm or des-ede3-cbc")
add_cli_test(NAME mail-encrypt-o-with-two-inputs SETUP "${ENC_MAIL} && cp m.eml n.eml"
             ARGS mail encrypt m.eml n.eml -r certs-test/users/alice.pem -o e.eml
             EXIT 2 FILES_ABSENT e.eml STDERR "-o takes one input. use --out-dir DIR for 2 inputs")
add_cli_test(NAME mail-encrypt-missing-input
             ARGS mail encrypt ${ENC_NOW} nothere.eml -r certs-test/users/alice.pem -o e.eml
             EXIT 3 FILES_ABSENT e.eml STDERR "'nothere.eml'")
add_cli_test(NAME mail-encrypt-not-a-mail
             ARGS mail encrypt ${ENC_NOW} certs-test/misc/random.bin -r certs-test/users/alice.pem -o e.eml
             EXIT 3 FILES_ABSENT e.eml STDERR "error: 'certs-test/misc/random.bin': ")
add_cli_test(NAME mail-encrypt-missing-recipient SETUP "${ENC_MAIL}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r nothere.pem -o e.eml
             EXIT 3 FILES_ABSENT e.eml STDERR "'nothere.pem'")
add_cli_test(NAME mail-encrypt-unknown-contact SETUP "${ENC_MAIL} && ${ENC_INVENTORY}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r zoe@example.org --db c.db -o e.eml
             EXIT 3 FILES_ABSENT e.eml STDERR "'zoe@example.org': no such file, and no contact with this address")
add_cli_test(NAME mail-encrypt-address-without-inventory SETUP "${ENC_MAIL}"
             ARGS mail encrypt ${ENC_NOW} m.eml -r bob@example.org --db none.db -o e.eml
             EXIT 6 FILES_ABSENT e.eml none.db)
add_cli_test(NAME mail-encrypt-self-wrong-password SETUP "${ENC_MAIL} && echo wrong > pw.txt"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem
                  --self certs-test/p12/modern.p12 --password-file pw.txt -o e.eml
             EXIT 4 FILES_ABSENT e.eml)
add_cli_test(NAME mail-encrypt-output-exists SETUP "${ENC_MAIL} && echo keep > e.eml"
             ARGS mail encrypt ${ENC_NOW} m.eml -r certs-test/users/alice.pem -o e.eml
             EXIT 7 STDERR "'e.eml': already exists" CHECK "set -e
                    test \"$(cat e.eml)\" = keep")

# ---- mail decrypt ---------------------------------------------------------------------------
set(ENC_ENCRYPT_ALICE "$SMIMEKIT mail encrypt ${ENC_NOW_SH} m.eml -r certs-test/users/alice.pem -o e.eml")
add_cli_test(NAME mail-decrypt-roundtrip SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail decrypt ${ENC_NOW} e.eml --key certs-test/p12/modern.p12 ${ENC_PW} -o d.eml
             EXIT 0 FILES_EXIST d.eml STDERR "wrote d.eml"
             CHECK "set -e
                    printf 'From: Alice <alice@example.org>\\r\\nTo: bob@example.org\\r\\nSubject: Figures\\r\\nMIME-Version: 1.0\\r\\nContent-Type: text/plain\\r\\n\\r\\nsecret text\\r\\n' > want.eml && cmp d.eml want.eml")
add_cli_test(NAME mail-decrypt-openssl-gcm
             SETUP "${ENC_ENTITY} && openssl cms -encrypt -aes-256-gcm -in want.txt -subject S -out e.eml certs-test/users/alice.pem"
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 ${ENC_PW} -o d.eml
             EXIT 0 CHECK "set -e
                    tail -c $(wc -c < want.txt) d.eml | cmp - want.txt")
# A recipient named by subject key identifier (openssl -keyid) instead of issuer and serial.
add_cli_test(NAME mail-decrypt-keyid
             SETUP "${ENC_ENTITY} && openssl cms -encrypt -keyid -in want.txt -out e.eml certs-test/users/alice.pem"
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 ${ENC_PW} -o d.eml
             EXIT 0 CHECK "set -e
                    tail -c $(wc -c < want.txt) d.eml | cmp - want.txt")
add_cli_test(NAME mail-decrypt-several-keys SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail decrypt e.eml --key certs-test/p12/carol.p12 --key certs-test/p12/fullchain.p12 ${ENC_PW} -o d.eml
             EXIT 0 FILES_EXIST d.eml)
add_cli_test(NAME mail-decrypt-wrong-key SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail decrypt e.eml --key certs-test/p12/carol.p12 ${ENC_PW} -o d.eml
             EXIT 4 FILES_ABSENT d.eml
             STDERR "error: 'e.eml': no recipient matches: the message is for issuer CN=smimekit Test Intermediate RSA,O=smimekit test, serial [0-9a-f]+, the key is for CN=Carol Example")
add_cli_test(NAME mail-decrypt-wrong-password SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE} && echo wrong > pw.txt"
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 --password-file pw.txt -o d.eml
             EXIT 4 FILES_ABSENT d.eml)
add_cli_test(NAME mail-decrypt-key-without-certificate SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail decrypt e.eml --key certs-test/keys/alice.key -o d.eml
             EXIT 3 FILES_ABSENT d.eml STDERR "alice.key': holds no certificate for its key")
add_cli_test(NAME mail-decrypt-not-encrypted SETUP "${ENC_MAIL}"
             ARGS mail decrypt m.eml --key certs-test/p12/modern.p12 ${ENC_PW} -o d.eml
             EXIT 3 FILES_ABSENT d.eml STDERR "'m.eml': not an encrypted S/MIME message: it is text/plain")
# A flipped byte inside the AES-GCM ciphertext: the tag check fails and nothing is written
# (openssl cms -decrypt would leave an empty file: interop.md pitfall 14).
add_cli_test(NAME mail-decrypt-tampered-gcm
             SETUP "set -e
                    /usr/bin/python3 -c \"open('big.eml', 'w').write('Subject: x\\nContent-Type: text/plain\\n\\n' + 'a line of text\\n' * 250)\"
                    $SMIMEKIT mail encrypt big.eml -r certs-test/users/alice.pem --cipher aes-256-gcm -o g.eml
                    /usr/bin/python3 -c \"d = bytearray(open('g.eml', 'rb').read())\nbody = d.index(b'\\r\\n\\r\\n') + 4\ni = (body + len(d)) // 2\ni += 2 if d[i] in b'\\r\\n' else 0\nd[i] = 65 if d[i] != 65 else 66\nopen('e.eml', 'wb').write(d)\""
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 ${ENC_PW} -o d.eml
             EXIT 3 FILES_ABSENT d.eml STDERR "'e.eml': the content fails its authentication")
add_cli_test(NAME mail-decrypt-trust-needs-verify SETUP "${ENC_MAIL}"
             ARGS mail decrypt m.eml --key certs-test/p12/modern.p12 --trust certs-test/ca/root-rsa.pem -o d.eml
             EXIT 2 STDERR "--trust, --pool and --system-roots need --verify")
add_cli_test(NAME mail-decrypt-verify-signed
             SETUP "${ENC_MAIL} && $SMIMEKIT mail sign-encrypt m.eml --signer certs-test/p12/fullchain.p12 ${ENC_PW_SH} -r certs-test/users/alice.pem -o e.eml"
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 ${ENC_PW} --verify --trust certs-test/ca/root-rsa.pem -o d.eml
             EXIT 0 FILES_EXIST d.eml STDOUT "e.eml: signature valid" "signer: +CN=Alice Example"
             CHECK "set -e
                    grep -q 'Content-Type: multipart/signed' d.eml")
add_cli_test(NAME mail-decrypt-verify-unsigned SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail decrypt e.eml --key certs-test/p12/modern.p12 ${ENC_PW} --verify --trust certs-test/ca/root-rsa.pem -o d.eml
             EXIT 1 FILES_ABSENT d.eml STDOUT "e.eml: signature NOT VALID" "not-signed")

# ---- mail sign-encrypt ----------------------------------------------------------------------
add_cli_test(NAME mail-sign-encrypt SETUP "${ENC_MAIL}"
             ARGS mail sign-encrypt ${ENC_NOW} m.eml --signer certs-test/p12/fullchain.p12 ${ENC_PW}
                  -r certs-test/users/alice.pem -o e.eml
             EXIT 0 FILES_EXIST e.eml STDERR "wrote e.eml \\(signed sha-256, AES-256-CBC, 1 recipient\\)"
             CHECK "set -e
                    openssl cms -decrypt -in e.eml -recip certs-test/users/alice.pem -inkey certs-test/keys/alice.key -out s.eml
                    openssl cms -verify -in s.eml -CAfile certs-test/ca/root-rsa.pem -purpose smimesign -out c.txt
                    grep -q 'secret text' c.txt")
add_cli_test(NAME mail-sign-encrypt-unfit SETUP "${ENC_MAIL}"
             ARGS mail sign-encrypt ${ENC_NOW} m.eml --signer certs-test/p12/fullchain.p12 ${ENC_PW}
                  -r certs-test/users/dave-sign.pem -o e.eml
             EXIT 1 FILES_ABSENT e.eml STDERR "cannot encrypt to CN=Dave")
add_cli_test(NAME mail-sign-encrypt-no-signer SETUP "${ENC_MAIL}"
             ARGS mail sign-encrypt m.eml -r certs-test/users/alice.pem -o e.eml
             EXIT 2 FILES_ABSENT e.eml STDERR "missing required option --signer")

# ---- mail inspect ---------------------------------------------------------------------------
add_cli_test(NAME mail-inspect-enveloped SETUP "${ENC_MAIL} && ${ENC_ENCRYPT_ALICE}"
             ARGS mail inspect e.eml ENV SMIMEKIT_DB=none.db
             EXIT 0 FILES_ABSENT none.db
             STDOUT "^e.eml\n" "layers: +enveloped\n" "cipher: +AES-256-CBC, 48 bytes"
                    "recipient: +issuer CN=smimekit Test Intermediate RSA,O=smimekit test, serial "
                    "key: +key transport, RSA PKCS#1 v1.5" "content: +hidden \\(encrypted\\)"
             NOT_STDOUT "inventory:" "cannot open:")
add_cli_test(NAME mail-inspect-inventory SETUP "${ENC_MAIL} && ${ENC_INVENTORY} && $SMIMEKIT mail encrypt m.eml -r certs-test/users/alice.pem -r certs-test/users/bob-ec.pem -o e.eml"
             ARGS mail inspect e.eml --db c.db
             EXIT 0 STDOUT "inventory: +alice@example.org \\(current certificate\\)"
                           "inventory: +not in the inventory"
                           "cannot open: +NSS 3.87: an ECDH recipient")
add_cli_test(NAME mail-inspect-keyid-inventory
             SETUP "${ENC_ENTITY} && ${ENC_INVENTORY} && openssl cms -encrypt -keyid -in want.txt -out e.eml certs-test/users/alice.pem"
             ARGS mail inspect e.eml --db c.db
             EXIT 0 STDOUT "recipient: +subject key id [0-9a-f]+\n" "inventory: +alice@example.org \\(current certificate\\)")
add_cli_test(NAME mail-inspect-signed-inside-json
             SETUP "${ENC_MAIL} && $SMIMEKIT mail sign ${ENC_NOW_SH} m.eml --signer certs-test/p12/fullchain.p12 ${ENC_PW_SH} -o s.eml"
             ARGS mail inspect --json s.eml m.eml ENV SMIMEKIT_DB=none.db
             EXIT 0
             CHECK "set -e
                    $SMIMEKIT mail inspect --json s.eml m.eml > out.json && /usr/bin/python3 -c \"import json\nd=json.load(open('out.json'))\nassert d['schema']=='smimekit/1' and d['command']=='mail inspect'\ns,m=d['files']\nassert [l['kind'] for l in s['layers']]==['signed'] and s['layers'][0]['form']=='detached'\nsig=s['layers'][0]['signers'][0]\nassert sig['signing_time']=='2030-01-01T00:00:00Z' and sig['digest_algorithm']['name']=='SHA256'\nassert sig['certificate']['emails']==['alice@example.org']\nassert [c['name'] for c in sig['smime_capabilities']][0]=='AES-256-CBC'\nassert s['content_type']=='text/plain' and m['layers']==[] and m['subject']=='Figures'\"")
add_cli_test(NAME mail-inspect-missing ARGS mail inspect nothere.eml EXIT 3 STDERR "'nothere.eml'")
add_cli_test(NAME mail-inspect-not-cms
             SETUP "printf 'Content-Type: application/pkcs7-mime. smime-type=enveloped-data\\nContent-Transfer-Encoding: base64\\n\\naGVsbG8=\\n' | tr . '\\073' > bad.eml"
             ARGS mail inspect bad.eml EXIT 3 STDERR "'bad.eml': ")
