# SPDX-License-Identifier: Apache-2.0
# smimekit check over the users, chains and .p12 files of certs-test/ (facts in its README), at
# 2030-01-01 with ca/root-rsa as the anchor and ca/ as the pool.
set(NOW --now 2030-01-01T00:00:00Z)
set(TRUST --trust certs-test/ca/root-rsa.pem)
set(CAS --pool certs-test/ca)
set(PW --password-file certs-test/p12/password.txt)

add_cli_test(NAME check-fit ARGS check ${NOW} certs-test/users/alice.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "alice.der: FIT for S/MIME signing and encryption\n" "certificate: +CN=Alice Example,O=smimekit test"
                           "info: +days-left: .*valid until 2046-01-01T00:00:00Z \\(5844 days left\\)" "info: +chain-valid: "
             NOT_STDOUT "error:" "warning:")
add_cli_test(NAME check-ec-encrypt ARGS check ${NOW} certs-test/users/bob-ec.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "bob-ec.der: FIT for S/MIME signing and encryption")
add_cli_test(NAME check-sign-only ARGS check ${NOW} certs-test/users/dave-sign.der ${CAS} ${TRUST} --for sign --email dave@example.org
             EXIT 0 STDOUT "dave-sign.der: FIT for S/MIME signing\n" "info: +sign-only: ")
add_cli_test(NAME check-sign-only-for-both ARGS check ${NOW} certs-test/users/dave-sign.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "NOT FIT for S/MIME signing and encryption \\(1 error\\)"
                           "error: +no-encryption-key-usage: .*RSA key without keyEncipherment\n +hint: +a signing-only certificate: check it with --for sign")
add_cli_test(NAME check-encrypt-only ARGS check ${NOW} certs-test/users/dave-encrypt.der ${CAS} ${TRUST} --for encrypt
             EXIT 0 STDOUT "FIT for S/MIME encryption\n")
add_cli_test(NAME check-encrypt-only-for-sign ARGS check ${NOW} certs-test/users/dave-encrypt.der ${CAS} ${TRUST} --for sign
             EXIT 1 STDOUT "error: +no-signing-key-usage: ")
add_cli_test(NAME check-noeku ARGS check ${NOW} certs-test/users/noeku.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "NOT FIT" "error: +no-email-protection-eku: .*without emailProtection\n +hint: +ask the CA for an S/MIME certificate")
add_cli_test(NAME check-weak-rsa ARGS check ${NOW} certs-test/users/weak-rsa1024.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "error: +rsa-key-too-small: .*RSA key of 1024 bits")
add_cli_test(NAME check-sha1 ARGS check ${NOW} certs-test/users/sha1.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "FIT for S/MIME signing and encryption \\(1 warning\\)" "warning: +sha1-signature: .*sha1WithRSAEncryption")
add_cli_test(NAME check-expired ARGS check ${NOW} certs-test/users/expired.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "error: +expired: 'CN=Expired Example,O=smimekit test' expired" NOT_STDOUT "chain-invalid")
add_cli_test(NAME check-expires-soon ARGS check --now 2045-12-20T00:00:00Z certs-test/users/alice.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "\\(1 warning\\)" "warning: +expires-soon: ")
add_cli_test(NAME check-subject-email-only ARGS check ${NOW} certs-test/users/subject-email-only.pem ${CAS} ${TRUST}
             EXIT 0 STDOUT "FIT .*\\(1 warning\\)" "warning: +email-only-in-subject: .*erin@example.org only in the subject's emailAddress")
add_cli_test(NAME check-email-mismatch ARGS check ${NOW} certs-test/users/alice.der ${CAS} ${TRUST} --email bob@example.org
             EXIT 1 STDOUT "error: +email-mismatch: .*does not carry bob@example.org \\(it carries alice@example.org\\)")
add_cli_test(NAME check-orphan ARGS check ${NOW} certs-test/chains/orphan-user.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "error: +chain-incomplete: .*Hidden Intermediate.*published at http://pki.example.test/hidden-inter.cer"
                           "hint: +download http://pki.example.test/hidden-inter.cer and pass it with --pool")
add_cli_test(NAME check-p12-modern ARGS check ${NOW} certs-test/p12/modern.p12 ${CAS} ${TRUST} ${PW}
             EXIT 0 STDOUT "modern.p12: FIT for S/MIME signing and encryption \\(3 warnings\\)"
                           "warning: +p12-not-importable-windows-old: Windows Server 2016 and older cannot import it"
                           "warning: +p12-not-importable-gpgsm: gpgsm 2.2 cannot import it"
                           "hint: +smimekit p12 rewrap --profile compat")
add_cli_test(NAME check-p12-legacy ARGS check ${NOW} certs-test/p12/legacy.p12 ${CAS} ${TRUST} ${PW}
             EXIT 0 STDOUT "legacy.p12: FIT for S/MIME signing and encryption\n" "info: +p12-needs-openssl-legacy: OpenSSL 3 \\(no -legacy\\) cannot import it"
             NOT_STDOUT "warning:")
add_cli_test(NAME check-several ARGS check ${NOW} certs-test/users/alice.der certs-test/users/noeku.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "alice.der: FIT" "noeku.der: NOT FIT")
add_cli_test(NAME check-json ARGS check ${NOW} --json certs-test/users/alice.der certs-test/users/noeku.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "\"command\": \"check\"" "\"fit\": true" "\"fit\": false" "\"for\": \"both\""
                           "\"code\": \"no-email-protection-eku\",\n +\"severity\": \"error\"" "\"chain\": {\n +\"status\": \"valid\"")
add_cli_test(NAME check-no-trust ARGS check certs-test/users/alice.der EXIT 2 STDERR "give one of --trust or --system-roots")
add_cli_test(NAME check-bad-for ARGS check certs-test/users/alice.der ${TRUST} --for signing EXIT 2
             STDERR "invalid value 'signing' for --for: use sign, encrypt or both")
add_cli_test(NAME check-missing-file ARGS check nothing.der ${TRUST} EXIT 3 STDERR "'nothing.der': no such file")
add_cli_test(NAME check-not-a-certificate ARGS check certs-test/misc/not-a-cert.txt ${TRUST} EXIT 3 STDERR "not-a-cert.txt")
add_cli_test(NAME check-wrong-password SETUP "printf wrong > pw.txt" ARGS check ${NOW} certs-test/p12/modern.p12 ${TRUST} --password-file pw.txt
             EXIT 4 STDERR "wrong password")
