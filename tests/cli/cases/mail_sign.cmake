# SPDX-License-Identifier: Apache-2.0
# smimekit mail sign and mail verify: options, exit codes, outputs. Whether the peers (openssl,
# gpgsm, NSS, GnuTLS) accept what we sign, and we what they sign, is tests/interop/smime_sign_peers.sh.

set(SIGN_NOW --now 2030-01-01T00:00:00Z)
set(SIGNER --signer certs-test/p12/fullchain.p12 --password-file certs-test/p12/password.txt)
# A plain mail from alice (m.eml) and, with SIGNED, its detached signed form (s.eml).
set(MAIL "$SMIMEKIT mail compose --quiet --now 2030-01-01T00:00:00Z --from 'Alice <alice@example.org>' --to bob@example.org --subject Hi --body 'Hello Bob' -o m.eml")
set(SIGNED "${MAIL} && $SMIMEKIT mail sign --quiet --now 2030-01-01T00:00:00Z m.eml --signer certs-test/p12/fullchain.p12 --password-file certs-test/p12/password.txt -o s.eml")
set(OPENSSL_VERIFY "openssl cms -verify -purpose smimesign -CAfile certs-test/ca/root-rsa.pem -attime 1893456000 -in s.eml -out /dev/null")

# ---- mail sign --------------------------------------------------------------------------------
add_cli_test(NAME mail-sign-detached SETUP "${MAIL}"
             ARGS mail sign ${SIGN_NOW} m.eml ${SIGNER} -o s.eml
             EXIT 0 FILES_EXIST s.eml STDERR "wrote s.eml \\(detached, sha-256\\)"
             CHECK "${OPENSSL_VERIFY}
                    tr -d '\\r' < s.eml > lf.txt
                    grep -q '^Content-Type: multipart/signed. protocol=\"application/pkcs7-signature\".$' lf.txt
                    grep -q '^ micalg=sha-256. boundary=' lf.txt
                    grep -qx 'Subject: Hi' lf.txt
                    grep -qx 'Content-Type: application/pkcs7-signature. name=\"smime.p7s\"' lf.txt
                    test $(grep -c '^MIME-Version: 1.0$' lf.txt) = 1")
add_cli_test(NAME mail-sign-opaque-pss SETUP "${MAIL}"
             ARGS mail sign ${SIGN_NOW} m.eml ${SIGNER} --opaque --rsa-pss --digest sha512 -o s.eml
             EXIT 0 FILES_EXIST s.eml STDERR "\\(opaque, sha-512\\)"
             CHECK "${OPENSSL_VERIFY}
                    grep -q 'smime-type=signed-data' s.eml
                    openssl cms -cmsout -print -in s.eml | grep -q 'rsassaPss'")
add_cli_test(NAME mail-sign-ec-with-chain SETUP "${MAIL}"
             ARGS mail sign ${SIGN_NOW} m.eml --signer certs-test/p12/bob-ec.p12 --chain certs-test/ca/inter-ec.pem
                  --password-file certs-test/p12/password.txt -o s.eml
             EXIT 0 FILES_EXIST s.eml
             CHECK "${OPENSSL_VERIFY}")
add_cli_test(NAME mail-sign-out-dir
             SETUP "${MAIL} && mkdir in out && cp m.eml in/a.eml && cp m.eml in/b.eml"
             ARGS mail sign ${SIGN_NOW} in/a.eml in/b.eml ${SIGNER} --out-dir out
             EXIT 0 FILES_EXIST out/a.eml out/b.eml STDERR "signed 2 of 2 mails into out"
             CHECK "$SMIMEKIT mail verify --now 2030-01-01T00:00:00Z --trust certs-test/ca/root-rsa.pem out/a.eml out/b.eml")
add_cli_test(NAME mail-sign-wrong-password SETUP "${MAIL} && echo wrong > pw.txt"
             ARGS mail sign ${SIGN_NOW} m.eml --signer certs-test/p12/fullchain.p12 --password-file pw.txt -o s.eml
             EXIT 4 FILES_ABSENT s.eml STDERR "fullchain.p12': wrong password")
add_cli_test(NAME mail-sign-no-key SETUP "${MAIL}"
             ARGS mail sign ${SIGN_NOW} m.eml --signer certs-test/p12/certonly.p12 --password-file certs-test/p12/password.txt -o s.eml
             EXIT 3 FILES_ABSENT s.eml STDERR "certonly.p12': holds no private key")
add_cli_test(NAME mail-sign-missing-input
             ARGS mail sign ${SIGN_NOW} missing.eml ${SIGNER} -o s.eml
             EXIT 3 FILES_ABSENT s.eml STDERR "'missing.eml': no such file")
add_cli_test(NAME mail-sign-not-a-mail
             ARGS mail sign ${SIGN_NOW} certs-test/users/alice.der ${SIGNER} -o s.eml
             EXIT 3 FILES_ABSENT s.eml STDERR "alice.der': not a mail message")
add_cli_test(NAME mail-sign-one-bad-of-two
             SETUP "${MAIL} && mkdir out"
             ARGS mail sign ${SIGN_NOW} m.eml missing.eml ${SIGNER} --out-dir out
             EXIT 3 FILES_EXIST out/m.eml FILES_ABSENT out/missing.eml STDERR "'missing.eml': no such file")
add_cli_test(NAME mail-sign-o-with-two-inputs
             ARGS mail sign ${SIGN_NOW} a.eml b.eml ${SIGNER} -o s.eml
             EXIT 2 STDERR "-o takes one input. use --out-dir DIR for 2 inputs")
add_cli_test(NAME mail-sign-no-output ARGS mail sign ${SIGN_NOW} a.eml ${SIGNER}
             EXIT 2 STDERR "give one of --out or --out-dir")
add_cli_test(NAME mail-sign-bad-digest ARGS mail sign ${SIGN_NOW} a.eml ${SIGNER} --digest md5 -o s.eml
             EXIT 2 STDERR "invalid value 'md5' for --digest")
add_cli_test(NAME mail-sign-pss-with-ec SETUP "${MAIL}"
             ARGS mail sign ${SIGN_NOW} m.eml --signer certs-test/p12/bob-ec.p12 --password-file certs-test/p12/password.txt
                  --rsa-pss -o s.eml
             EXIT 2 FILES_ABSENT s.eml STDERR "RSA-PSS needs an RSA key")
add_cli_test(NAME mail-sign-exists SETUP "${MAIL} && echo keep > s.eml"
             ARGS mail sign ${SIGN_NOW} m.eml ${SIGNER} -o s.eml
             EXIT 7 STDERR "'s.eml': already exists" CHECK "test \"$(cat s.eml)\" = keep")

# ---- mail verify ------------------------------------------------------------------------------
set(VERIFY mail verify ${SIGN_NOW} --trust certs-test/ca/root-rsa.pem)
add_cli_test(NAME mail-verify-valid SETUP "${SIGNED}"
             ARGS ${VERIFY} s.eml
             EXIT 0 STDOUT "^s.eml: signature valid \\(detached, 1 signer\\)" "signer: +CN=Alice Example"
                           "signed at: +2030-01-01T00:00:00Z" "algorithm: +RSA 2048 with SHA256"
                           "chain: +valid \\(3 certificates" "from: +alice@example.org \\(in the signer's certificate\\)")
add_cli_test(NAME mail-verify-json SETUP "${SIGNED}"
             ARGS ${VERIFY} s.eml --json
             EXIT 0 STDOUT "\"command\": \"mail verify\"" "\"valid\": true" "\"form\": \"detached\""
                           "\"digest_algorithm\": \"SHA256\"" "\"signing_time\": \"2030-01-01T00:00:00Z\""
             CHECK "$SMIMEKIT mail verify --now 2030-01-01T00:00:00Z --trust certs-test/ca/root-rsa.pem s.eml --json | /usr/bin/python3 -c 'import json,sys\nr = json.load(sys.stdin)[\"results\"][0]\nassert r[\"signers\"][0][\"chain\"][\"status\"] == \"valid\", r\nassert r[\"signers\"][0][\"certificate\"][\"emails\"][\"san\"] == [\"alice@example.org\"]'")
add_cli_test(NAME mail-verify-content SETUP "${SIGNED}"
             ARGS ${VERIFY} s.eml -o content.eml
             EXIT 0 FILES_EXIST content.eml
             CHECK "printf 'Content-Type: text/plain\\073 charset=utf-8\\r\\nContent-Transfer-Encoding: 7bit\\r\\n\\r\\nHello Bob\\r\\n' | cmp - content.eml")
add_cli_test(NAME mail-verify-tampered
             SETUP "${SIGNED} && sed 's/Hello Bob/Hello Rob/' s.eml > t.eml"
             ARGS ${VERIFY} t.eml -o content.eml
             EXIT 1 FILES_ABSENT content.eml
             STDOUT "t.eml: signature NOT VALID" "problem: +content-altered: the content does not match the signature")
add_cli_test(NAME mail-verify-not-signed SETUP "${MAIL}"
             ARGS ${VERIFY} m.eml EXIT 1 STDOUT "m.eml: NOT SIGNED" "not-signed: the message is not signed \\(it is text/plain\\)")
add_cli_test(NAME mail-verify-wrong-anchor SETUP "${SIGNED}"
             ARGS mail verify ${SIGN_NOW} --trust certs-test/ca/root2-rsa.pem s.eml
             EXIT 1 STDOUT "chain: +incomplete" "problem: +missing-issuer")
add_cli_test(NAME mail-verify-expired-at SETUP "${SIGNED}"
             ARGS ${VERIFY} s.eml --at 2047-01-01
             EXIT 1 STDOUT "problem: +expired")
add_cli_test(NAME mail-verify-many SETUP "${SIGNED} && cp m.eml plain.eml"
             ARGS ${VERIFY} s.eml plain.eml
             EXIT 1 STDOUT "s.eml: signature valid" "plain.eml: NOT SIGNED")
add_cli_test(NAME mail-verify-damaged-signature
             SETUP "${SIGNED} && sed 's/^MII/!!!/' s.eml > d.eml"
             ARGS ${VERIFY} d.eml
             EXIT 3 STDERR "'d.eml': the S/MIME part 'application/pkcs7-signature' does not hold CMS")
add_cli_test(NAME mail-verify-pgp
             SETUP "printf 'From: a@example.org\\nContent-Type: multipart/signed\\073 protocol=\"application/pgp-signature\"\\073 boundary=b\\n\\n--b\\n\\nx\\n--b\\nContent-Type: application/pgp-signature\\n\\nsig\\n--b--\\n' > p.eml"
             ARGS ${VERIFY} p.eml
             EXIT 5 STDERR "'p.eml': the message is signed with 'application/pgp-signature', not with S/MIME")
add_cli_test(NAME mail-verify-encrypted
             SETUP "${MAIL} && openssl cms -encrypt -aes-256-cbc -in m.eml -out e.eml certs-test/users/alice.pem"
             ARGS ${VERIFY} e.eml
             EXIT 1 STDOUT "e.eml: NOT SIGNED" "not-signed: the message is encrypted \\(envelopedData\\): decrypt it first")
# A signature without certificates (openssl -nocerts): the signer is found in --pool.
set(NOCERTS "${MAIL} && openssl cms -sign -nocerts -in m.eml -signer certs-test/users/alice.pem -inkey certs-test/keys/alice.key -from alice@example.org -out n.eml")
add_cli_test(NAME mail-verify-signer-in-pool SETUP "${NOCERTS}"
             ARGS ${VERIFY} --pool certs-test/users/alice.pem --pool certs-test/ca/inter-rsa.pem n.eml
             EXIT 0 STDOUT "n.eml: signature valid" "signer: +CN=Alice Example")
add_cli_test(NAME mail-verify-signer-missing SETUP "${NOCERTS}"
             ARGS ${VERIFY} n.eml
             EXIT 1 STDOUT "problem: +signer-certificate-missing: the signer's certificate \\(issuer 'CN=smimekit Test Intermediate RSA")
add_cli_test(NAME mail-verify-missing ARGS ${VERIFY} missing.eml EXIT 3 STDERR "'missing.eml': no such file")
add_cli_test(NAME mail-verify-no-trust ARGS mail verify s.eml EXIT 2 STDERR "give one of --trust or --system-roots")
add_cli_test(NAME mail-verify-o-with-two ARGS ${VERIFY} a.eml b.eml -o c.eml EXIT 2 STDERR "-o takes one input")
add_cli_test(NAME mail-verify-content-exists SETUP "${SIGNED} && echo keep > content.eml"
             ARGS ${VERIFY} s.eml -o content.eml
             EXIT 7 STDERR "'content.eml': already exists" CHECK "test \"$(cat content.eml)\" = keep")
