# SPDX-License-Identifier: Apache-2.0
# smimekit exchange chain: the chain of trust for Set-SmimeConfig, and its upload script.
set(NOW --now 2030-01-01T00:00:00Z)
set(TRUST --trust certs-test/ca/root-rsa.pem)

add_cli_test(NAME exchange-chain ARGS exchange chain ${NOW} certs-test/users/alice.der certs-test/users/bob-ec.der
                                      --pool certs-test/ca ${TRUST} -o chainOfTrust.sst --ps1 Upload-ChainOfTrust.ps1
             EXIT 0 FILES_EXIST chainOfTrust.sst Upload-ChainOfTrust.ps1
             STDOUT "^CN=smimekit Test Root RSA,O=smimekit test  \\(expires 2050-01-01T00:00:00Z\\)\n    serves alice@example.org"
                    "Intermediate EC.*\n    serves bob@example.org"
             CHECK "$SMIMEKIT sst list chainOfTrust.sst | grep -q '.sst, 3 certificates' &&
                    grep -q \"^\\$expectedSha256 = '$(sha256sum chainOfTrust.sst | cut -d' ' -f1 | tr a-f A-F)'\" Upload-ChainOfTrust.ps1 &&
                    grep -q -e \"-ChildPath 'chainOfTrust.sst'\" Upload-ChainOfTrust.ps1 &&
                    head -1 Upload-ChainOfTrust.ps1 | grep -q '^#Requires -Version 7'")
# The Windows export wizard cannot make a store for a single certificate; this can.
add_cli_test(NAME exchange-chain-single ARGS exchange chain ${NOW} certs-test/users/alice.der --pool certs-test/ca/inter-rsa.pem ${TRUST} -o one.sst
             EXIT 0 CHECK "$SMIMEKIT sst list one.sst | grep -q '2 certificates'")
add_cli_test(NAME exchange-chain-p12 ARGS exchange chain ${NOW} certs-test/p12/fullchain.p12 --password-file certs-test/p12/password.txt ${TRUST} -o p12.sst
             EXIT 0 STDOUT "serves alice@example.org")
add_cli_test(NAME exchange-chain-relative-script SETUP "mkdir scripts out"
             ARGS exchange chain ${NOW} certs-test/users/alice.der --pool certs-test/ca ${TRUST} -o out/c.sst --ps1 scripts/up.ps1
             EXIT 0 CHECK "grep -q -e \"-ChildPath '../out/c.sst'\" scripts/up.ps1")
add_cli_test(NAME exchange-chain-incomplete ARGS exchange chain ${NOW} certs-test/users/alice.der certs-test/chains/orphan-user.pem
                                                 --pool certs-test/ca ${TRUST} -o c.sst --ps1 up.ps1
             EXIT 1 FILES_ABSENT c.sst up.ps1
             STDERR "incomplete chain: orphan@example.org .*Hidden Intermediate.*published at http://pki.example.test/hidden-inter.cer"
                    "nothing written")
add_cli_test(NAME exchange-chain-expired-ca ARGS exchange chain ${NOW} certs-test/users/under-expired-inter.pem --pool certs-test/ca/inter-expired.pem ${TRUST} -o c.sst
             EXIT 1 FILES_ABSENT c.sst STDERR "Expired Intermediate.*expired on 2022-01-01.*rejects" "--allow-expired")
add_cli_test(NAME exchange-chain-allow-expired ARGS exchange chain ${NOW} certs-test/users/under-expired-inter.pem --pool certs-test/ca/inter-expired.pem ${TRUST} -o c.sst --allow-expired
             EXIT 0 FILES_EXIST c.sst)
# CAs close to their end are warned about; an expired user does not stop the CA upload.
add_cli_test(NAME exchange-chain-expiring-soon ARGS exchange chain --now 2049-12-20T00:00:00Z certs-test/users/alice.der --pool certs-test/ca ${TRUST} -o c.sst
             EXIT 0 FILES_EXIST c.sst
             STDERR "warning: 'CN=smimekit Test Root RSA,O=smimekit test' expires in 12 days"
                    "warning: alice@example.org .*expired on 2046-01-01")
add_cli_test(NAME exchange-chain-json ARGS exchange chain ${NOW} --json certs-test/users/alice.der --pool certs-test/ca ${TRUST} -o c.sst
             EXIT 0 STDOUT "\"command\": \"exchange chain\"" "\"root\": true" "\"serves\": \\[\n +\"alice@example.org")
add_cli_test(NAME exchange-chain-script-exists SETUP "touch up.ps1" ARGS exchange chain ${NOW} certs-test/users/alice.der --pool certs-test/ca ${TRUST} -o c.sst --ps1 up.ps1
             EXIT 7 FILES_ABSENT c.sst STDERR "'up.ps1': already exists")
add_cli_test(NAME exchange-chain-no-trust ARGS exchange chain certs-test/users/alice.der -o c.sst EXIT 2
             STDERR "give one of --trust or --system-roots")
add_cli_test(NAME exchange-chain-only-cas ARGS exchange chain ${NOW} certs-test/ca/inter-rsa.pem ${TRUST} -o c.sst EXIT 3
             STDERR "no end-entity certificate" FILES_ABSENT c.sst)
