# SPDX-License-Identifier: Apache-2.0
# smimekit convert: each output format is checked with the openssl CLI; failures leave no file.
add_cli_test(NAME convert-p12-to-der
             ARGS convert --password-file certs-test/p12/password.txt certs-test/p12/fullchain.p12 -o alice.cer --to der
             EXIT 2 FILES_ABSENT alice.cer STDERR "DER holds one certificate and the inputs hold 3")
add_cli_test(NAME convert-p12-public-part
             ARGS convert --password-file certs-test/p12/password.txt certs-test/p12/modern.p12 -o alice.cer
             EXIT 0 FILES_EXIST alice.cer
             CHECK "cmp alice.cer certs-test/users/alice.der && ! grep -q 'PRIVATE' alice.cer")
add_cli_test(NAME convert-to-pem ARGS convert certs-test/bundles/chain.p7b -o chain.pem EXIT 0
             CHECK "test $(grep -c 'BEGIN CERTIFICATE' chain.pem) = 2 && openssl x509 -in chain.pem -noout -subject | grep -q 'Intermediate RSA'")
add_cli_test(NAME convert-to-p7b ARGS convert certs-test/ca/root-rsa.der certs-test/ca/inter-rsa.pem -o out.p7b
             EXIT 0 CHECK "test $(openssl pkcs7 -inform DER -in out.p7b -print_certs | grep -c '^subject') = 2")
add_cli_test(NAME convert-dedupes ARGS convert certs-test/users/alice.der certs-test/users/alice.pem -o one.der
             EXIT 0 CHECK "cmp one.der certs-test/users/alice.der")
add_cli_test(NAME convert-stdout ARGS convert certs-test/users/alice.der -o - EXIT 0
             STDOUT "^-----BEGIN CERTIFICATE-----\n")
add_cli_test(NAME convert-never-writes-keys ARGS convert certs-test/keys/alice.key certs-test/users/alice.der -o x.pem
             EXIT 0 CHECK "! grep -q PRIVATE x.pem")
add_cli_test(NAME convert-unknown-extension ARGS convert certs-test/users/alice.der -o out.bin EXIT 2
             STDERR "cannot tell the output format from 'out.bin'" FILES_ABSENT out.bin)
add_cli_test(NAME convert-exists SETUP "echo keep > out.pem" ARGS convert certs-test/users/alice.der -o out.pem
             EXIT 7 STDERR "'out.pem': already exists" "hint: use --force"
             CHECK "test \"$(cat out.pem)\" = keep")
add_cli_test(NAME convert-force SETUP "echo old > out.pem" ARGS convert certs-test/users/alice.der -o out.pem --force
             EXIT 0 CHECK "grep -q 'BEGIN CERTIFICATE' out.pem")
add_cli_test(NAME convert-bad-input ARGS convert certs-test/users/alice.der certs-test/misc/random.bin -o out.pem
             EXIT 3 FILES_ABSENT out.pem STDERR "'certs-test/misc/random.bin': not a certificate")
add_cli_test(NAME convert-missing-dir ARGS convert certs-test/users/alice.der -o no/such/dir.pem EXIT 7
             STDERR "directory 'no/such' does not exist")
# A public certificate is not a secret: it is created readable by others (umask permitting).
add_cli_test(NAME convert-mode ARGS convert certs-test/users/alice.der -o pub.pem EXIT 0
             CHECK "test $(stat -c %a pub.pem) != 600")
