# SPDX-License-Identifier: Apache-2.0
# smimekit inspect: every format, the .p12 details, and each failing input kind with its exit code.
set(NOW --now 2030-01-01T00:00:00Z)

add_cli_test(NAME inspect-der ARGS inspect ${NOW} certs-test/users/alice.der EXIT 0
             STDOUT "DER certificate, 1 certificate" "subject: +CN=Alice Example,O=smimekit test"
                    "SHA-1 thumbprint: +4056E881B09B42E6DFEBA4A440D6719C92254699"
                    "expires in 5844 days" "e-mail: +alice@example.org \\(SAN\\)"
                    "extended key usage: +emailProtection" "key: +RSA 2048")
add_cli_test(NAME inspect-ec ARGS inspect ${NOW} certs-test/users/bob-ec.pem EXIT 0
             STDOUT "key: +EC P-256" "key usage: +digitalSignature, keyAgreement \\(critical\\)")
add_cli_test(NAME inspect-expired ARGS inspect ${NOW} certs-test/users/expired.der EXIT 0
             STDOUT "expired [0-9]+ days ago")
add_cli_test(NAME inspect-p7b ARGS inspect ${NOW} certs-test/bundles/ber-chain.p7b EXIT 0
             STDOUT "PKCS#7, 2 certificates")
add_cli_test(NAME inspect-sst ARGS inspect ${NOW} certs-test/sst/windows-certutil-pinrules.sst EXIT 0
             STDOUT "\\.sst, 12 certificates" "property SHA1_HASH")
add_cli_test(NAME inspect-p12-modern ARGS inspect ${NOW} --password-file certs-test/p12/password.txt
                                          certs-test/p12/modern.p12
             EXIT 0 STDOUT "PKCS#12, 1 certificate, 1 private key" "password: +given"
                           "certificates: +PBES2" "AES-256-CBC" "key matches: +yes"
                           "matches certificate 1")
add_cli_test(NAME inspect-p12-nopass ARGS inspect ${NOW} certs-test/p12/nopass.p12 EXIT 0
             STDOUT "password: +absent")
add_cli_test(NAME inspect-p12-empty ARGS inspect ${NOW} certs-test/p12/emptypass.p12 EXIT 0
             STDOUT "password: +empty")
add_cli_test(NAME inspect-p12-legacy ARGS inspect ${NOW} --password-env PW certs-test/p12/legacy.p12
             ENV PW=test1234 EXIT 0 STDOUT "RC2-40-CBC")
add_cli_test(NAME inspect-p12-stdin ARGS inspect ${NOW} --password-stdin certs-test/p12/compat.p12
             STDIN "test1234" EXIT 0 STDOUT "3DES")
add_cli_test(NAME inspect-p12-utf8 ARGS inspect ${NOW} --password-file certs-test/p12/utf8-password.txt
                                        certs-test/p12/utf8pass.p12
             EXIT 0 STDOUT "PKCS#12")
add_cli_test(NAME inspect-json ARGS inspect ${NOW} --json certs-test/users/alice.der EXIT 0
             STDOUT "\"schema\": \"smimekit/1\"" "\"sha1\": \"4056E881B09B42E6DFEBA4A440D6719C92254699\""
                    "\"state\": \"valid\"")
add_cli_test(NAME inspect-key ARGS inspect certs-test/keys/alice.key EXIT 0
             STDOUT "private key, 0 certificates, 1 private key" "RSA 2048, stored in the clear")

# exit 2: usage
add_cli_test(NAME inspect-no-file ARGS inspect EXIT 2
             STDERR "missing FILE argument" "usage: smimekit inspect")
add_cli_test(NAME inspect-unknown-option ARGS inspect --frob certs-test/users/alice.der EXIT 2
             STDERR "unknown option '--frob'")
# No unique-prefix guessing: --password must not silently mean --password-file.
add_cli_test(NAME inspect-no-prefix-guessing ARGS inspect --password x certs-test/users/alice.der EXIT 2
             STDERR "unknown option '--password'")
add_cli_test(NAME inspect-two-password-sources
             ARGS inspect --password-stdin --password-env X certs-test/users/alice.der EXIT 2
             STDERR "give only one of --password-file, --password-env or --password-stdin")
# exit 3: input
add_cli_test(NAME inspect-missing ARGS inspect nothing.der EXIT 3
             STDERR "smimekit: error: 'nothing.der': no such file")
add_cli_test(NAME inspect-not-a-cert ARGS inspect certs-test/misc/not-a-cert.txt EXIT 3
             STDERR "'certs-test/misc/not-a-cert.txt': not a certificate, key, PKCS#7, PKCS#12 or .sst file")
add_cli_test(NAME inspect-empty ARGS inspect certs-test/misc/empty.bin EXIT 3 STDERR "empty.bin'")
add_cli_test(NAME inspect-truncated ARGS inspect certs-test/misc/truncated-alice.der EXIT 3
             STDERR "truncated-alice.der'")
add_cli_test(NAME inspect-directory ARGS inspect certs-test/users EXIT 3 STDERR "'certs-test/users': is a directory")
add_cli_test(NAME inspect-huge SETUP "truncate -s 65M huge.der" ARGS inspect huge.der EXIT 3
             STDERR "'huge.der': too large \\(65 MiB; the limit is 64 MiB\\)")
add_cli_test(NAME inspect-symlink-loop SETUP "ln -s loop loop" ARGS inspect loop EXIT 3
             STDERR "'loop': too many levels of symbolic links")
# A good file and a bad one: both are processed, the worst code wins.
add_cli_test(NAME inspect-mixed ARGS inspect ${NOW} certs-test/users/alice.der nothing.der EXIT 3
             STDOUT "CN=Alice Example" STDERR "'nothing.der': no such file")
# exit 4: secret
add_cli_test(NAME inspect-p12-wrong-password ARGS inspect --password-env PW certs-test/p12/modern.p12
             ENV PW=wrong EXIT 4 STDERR "'certs-test/p12/modern.p12': wrong password" NOT_STDERR "wrong\n.*wrong")
add_cli_test(NAME inspect-p12-no-password-source ARGS inspect certs-test/p12/modern.p12 EXIT 4
             STDERR "modern.p12" "hint: .*--password-file")
# exit 5: unsupported
add_cli_test(NAME inspect-p12-pbmac1 ARGS inspect --password-env PW certs-test/p12/pbmac1.p12 ENV PW=1234
             EXIT 5 STDERR "'certs-test/p12/pbmac1.p12': .*OpenSSL 3.4")
# exit 7: I/O (permission denied; run as nobody because root reads everything)
add_cli_test(NAME inspect-unreadable SETUP "cp certs-test/users/alice.der secret.der && chmod 000 secret.der"
             ARGS inspect secret.der AS_NOBODY EXIT 7 STDERR "'secret.der': cannot read: Permission denied")
