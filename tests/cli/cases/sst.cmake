# SPDX-License-Identifier: Apache-2.0
# smimekit sst create / list / extract.
set(NOW --now 2030-01-01T00:00:00Z)

add_cli_test(NAME sst-create-chain ARGS sst create ${NOW} -o chain.sst certs-test/ca/root-rsa.der certs-test/ca/inter-rsa.pem
             EXIT 0 FILES_EXIST chain.sst STDERR "wrote 2 certificates to chain.sst"
             CHECK "$SMIMEKIT sst list chain.sst | grep -q '.sst, 2 certificates'")
# The Windows wizard cannot export a single certificate; we can.
add_cli_test(NAME sst-create-single ARGS sst create ${NOW} -o one.sst certs-test/ca/root-rsa.der EXIT 0
             CHECK "test $(stat -c %s one.sst) = $((8 + 12 + $(stat -c %s certs-test/ca/root-rsa.der) + 12))")
add_cli_test(NAME sst-create-dedupes ARGS sst create ${NOW} -o d.sst certs-test/ca/root-rsa.der certs-test/ca/root-rsa.pem certs-test/bundles/chain.p7b
             EXIT 0 STDERR "wrote 2 certificates")
add_cli_test(NAME sst-create-directory ARGS sst create ${NOW} -o cas.sst --allow-expired certs-test/ca
             EXIT 0 STDERR "expired on 2022-01-01T00:00:00Z \\(written because of --allow-expired\\)" "wrote 8 certificates")
add_cli_test(NAME sst-create-empty-directory SETUP "mkdir empty"
             ARGS sst create ${NOW} -o none.sst empty
             EXIT 3 STDERR "smimekit: error: 'empty': no certificate found" FILES_ABSENT none.sst)
add_cli_test(NAME sst-create-expired ARGS sst create ${NOW} -o bad.sst certs-test/ca/root-rsa.der certs-test/ca/inter-expired.der
             EXIT 1 FILES_ABSENT bad.sst STDERR "Expired Intermediate.*expired on 2022-01-01" "nothing written" "--allow-expired")
add_cli_test(NAME sst-create-end-entity ARGS sst create ${NOW} -o ee.sst certs-test/users/alice.der
             EXIT 0 STDERR "CN=Alice Example.*is not a CA certificate")
add_cli_test(NAME sst-create-expiring-soon ARGS sst create --now 2049-12-15T00:00:00Z -o soon.sst certs-test/ca/root-rsa.der
             EXIT 0 STDERR "warning: .*Root RSA.*expires in 17 days")
add_cli_test(NAME sst-create-friendly ARGS sst create ${NOW} --friendly-names -o f.sst certs-test/ca/root-rsa.der EXIT 0
             CHECK "$SMIMEKIT sst list f.sst | grep -q 'property FRIENDLY_NAME: *\"smimekit Test Root RSA\"'")
add_cli_test(NAME sst-create-json ARGS sst create ${NOW} --json -o j.sst certs-test/ca/root-rsa.der EXIT 0
             STDOUT "\"command\": \"sst create\"" "\"written\": true" "\"sha1\": \"80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4\"")
add_cli_test(NAME sst-create-bad-input ARGS sst create ${NOW} -o x.sst certs-test/ca/root-rsa.der certs-test/misc/random.bin
             EXIT 3 FILES_ABSENT x.sst STDERR "random.bin': not a certificate")
add_cli_test(NAME sst-create-exists SETUP "touch x.sst" ARGS sst create ${NOW} -o x.sst certs-test/ca/root-rsa.der
             EXIT 7 STDERR "'x.sst': already exists")
add_cli_test(NAME sst-create-no-output ARGS sst create certs-test/ca/root-rsa.der EXIT 2
             STDERR "missing required option --out" "usage: smimekit sst create")

add_cli_test(NAME sst-list-windows ARGS sst list ${NOW} certs-test/sst/windows-crypt32-two-certs.sst EXIT 0
             STDOUT "2 certificates" "CN=MyName" "property KEY_PROV_INFO: +188 bytes" "Microsoft Corporation")
add_cli_test(NAME sst-list-json ARGS sst list ${NOW} --json certs-test/sst/generated/ok-chain-friendly-sha1.sst EXIT 0
             STDOUT "\"command\": \"sst list\"" "\"name\": \"FRIENDLY_NAME\"" "\"name\": \"SHA1_HASH\"")
add_cli_test(NAME sst-list-warning ARGS sst list ${NOW} certs-test/sst/generated/edge-trailing-garbage.sst EXIT 0
             STDERR "warning: .*trailing bytes")
add_cli_test(NAME sst-list-not-sst ARGS sst list certs-test/users/alice.der EXIT 3
             STDERR "'certs-test/users/alice.der': not a .sst store \\(it is DER certificate\\)")
add_cli_test(NAME sst-list-damaged ARGS sst list certs-test/sst/generated/bad-truncated-mid-cert.sst EXIT 3
             STDERR "bad-truncated-mid-cert.sst': .*offset")
add_cli_test(NAME sst-list-overflow ARGS sst list certs-test/sst/generated/bad-length-overflow.sst EXIT 3
             STDERR "offset 8 declares 2147483632 bytes")

add_cli_test(NAME sst-extract ARGS sst extract certs-test/sst/generated/ok-chain-sha1.sst -o out EXIT 0
             STDOUT "^out/[0-9A-F]+\\.cer\nout/[0-9A-F]+\\.cer\n$"
             CHECK "test $(ls -A out | wc -l) = 2
                    for f in out/*.cer
                    do test \"$(openssl x509 -inform DER -in $f -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :).cer\" = \"$(basename $f)\" || exit 1
                    done")
add_cli_test(NAME sst-extract-pem ARGS sst extract certs-test/sst/windows-certutil-pinrules.sst -o pem --pem EXIT 0
             CHECK "test $(ls pem/*.pem | wc -l) = 12 && openssl x509 -in $(ls pem/*.pem | head -1) -noout")
add_cli_test(NAME sst-extract-exists
             SETUP "mkdir out && touch out/80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer && $SMIMEKIT sst create --now 2030-01-01T00:00:00Z -o two.sst certs-test/ca/inter-rsa.der certs-test/ca/root-rsa.der"
             ARGS sst extract two.sst -o out EXIT 7 STDERR "already exists"
             CHECK "test $(ls out | wc -l) = 1")
# The batch's temporary directory goes, also when a rename fails (a directory in the way).
add_cli_test(NAME sst-extract-force-blocked
             SETUP "mkdir -p out/80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer && $SMIMEKIT sst create --now 2030-01-01T00:00:00Z -o two.sst certs-test/ca/inter-rsa.der certs-test/ca/root-rsa.der"
             ARGS sst extract two.sst -o out --force EXIT 7 STDERR "80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer'"
             CHECK "test -z \"$(ls -A out | grep smimekit)\" && test -d out/80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer")
add_cli_test(NAME sst-extract-force
             SETUP "mkdir out && echo old > out/80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer && $SMIMEKIT sst create --now 2030-01-01T00:00:00Z -o two.sst certs-test/ca/inter-rsa.der certs-test/ca/root-rsa.der"
             ARGS sst extract two.sst -o out --force EXIT 0
             CHECK "test $(ls -A out | wc -l) = 2 && openssl x509 -inform DER -in out/80FB76E7DAC59A00A1A6A3B70BBBFCD104C523B4.cer -noout")
add_cli_test(NAME sst-no-subcommand ARGS sst EXIT 2 STDERR "'sst' needs a subcommand" "create")
add_cli_test(NAME sst-unknown-subcommand ARGS sst frob EXIT 2 STDERR "unknown command 'sst frob'")
add_cli_test(NAME sst-group-help ARGS sst --help EXIT 0 STDOUT "Subcommands:" "extract")
