# SPDX-License-Identifier: Apache-2.0
# smimekit chain build / verify over the chains of certs-test (verdicts in its README).
set(NOW --now 2030-01-01T00:00:00Z)
set(TRUST --trust certs-test/ca/root-rsa.pem)
set(CAS --pool certs-test/ca)

add_cli_test(NAME chain-verify-valid ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} ${TRUST} --purpose smime-sign
             EXIT 0 STDOUT "alice.der: valid \\(smime-sign at 2030-01-01T00:00:00Z\\)" "2  CN=smimekit Test Root RSA.*\\[trust anchor\\]")
add_cli_test(NAME chain-verify-expired ARGS chain verify ${NOW} certs-test/users/expired.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "NOT VALID" "expired: 'CN=Expired Example,O=smimekit test' expired on 2021-01-01T00:00:00Z")
add_cli_test(NAME chain-verify-at ARGS chain verify certs-test/users/alice.der ${CAS} ${TRUST} --at 2025-06-01T00:00:00Z
             EXIT 0 STDOUT "valid \\(any at 2025-06-01T00:00:00Z\\)")
# 2046-06-01 in Unix seconds: alice expired on 2046-01-01.
add_cli_test(NAME chain-verify-at-unix ARGS chain verify certs-test/users/alice.der ${CAS} ${TRUST} --at 2411424000
             EXIT 1 STDOUT "expired: 'CN=Alice Example,O=smimekit test' expired on 2046-01-01T00:00:00Z")
# Before the CAs existed, the whole chain is not yet valid, and every level is named.
add_cli_test(NAME chain-verify-before-cas ARGS chain verify certs-test/users/expired.der ${CAS} ${TRUST} --at 2020-06-01
             EXIT 1 STDOUT "not-yet-valid: 'CN=smimekit Test Root RSA.*not valid before 2024-01-01"
                           "not-yet-valid: 'CN=smimekit Test Intermediate RSA")
add_cli_test(NAME chain-verify-missing ARGS chain verify ${NOW} certs-test/chains/orphan-user.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "INCOMPLETE" "missing-issuer: .*Hidden Intermediate.*key id [0-9A-F:]+; it is published at http://pki.example.test/hidden-inter.cer")
add_cli_test(NAME chain-verify-several ARGS chain verify ${NOW} certs-test/users/alice.der certs-test/users/expired.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "alice.der: valid" "expired.der: NOT VALID")
add_cli_test(NAME chain-verify-encrypt-ec ARGS chain verify ${NOW} certs-test/users/bob-ec.der ${CAS} ${TRUST} --purpose smime-encrypt
             EXIT 0 STDOUT "valid \\(smime-encrypt")
add_cli_test(NAME chain-verify-sign-only ARGS chain verify ${NOW} certs-test/users/dave-sign.der ${CAS} ${TRUST} --purpose smime-encrypt
             EXIT 1 STDOUT "key-usage-encrypt")
add_cli_test(NAME chain-verify-email ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} ${TRUST} --email bob@example.org
             EXIT 1 STDOUT "email-mismatch: .*does not carry bob@example.org \\(it carries alice@example.org\\)")
add_cli_test(NAME chain-verify-crl ARGS chain verify ${NOW} certs-test/chains/revoked-user.pem ${CAS} ${TRUST} --crl certs-test/chains/inter-rsa.crl.der
             EXIT 1 STDOUT "revoked:")
add_cli_test(NAME chain-verify-crl-all ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} ${TRUST} --crl certs-test/chains/inter-rsa.crl.pem --crl-check all
             EXIT 1 STDOUT "crl-missing:")
add_cli_test(NAME chain-verify-p12-leaf ARGS chain verify ${NOW} certs-test/p12/fullchain.p12 ${TRUST} --password-file certs-test/p12/password.txt
             EXIT 0 STDOUT "fullchain.p12: valid")
add_cli_test(NAME chain-verify-json ARGS chain verify ${NOW} --json certs-test/users/alice.der certs-test/chains/orphan-user.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "\"command\": \"chain verify\"" "\"status\": \"valid\"" "\"status\": \"incomplete\""
                          "\"ca_issuers\": \\[\n +\"http://pki.example.test/hidden-inter.cer\"")
add_cli_test(NAME chain-verify-bad-pool-member SETUP "mkdir pool && cp certs-test/ca/inter-rsa.pem pool/ && echo junk > pool/junk.pem"
             ARGS chain verify ${NOW} certs-test/users/alice.der --pool pool ${TRUST}
             EXIT 0 STDERR "warning: 'pool/junk.pem': not a certificate.*\\(skipped\\)")
# A --pool path the user named that cannot be read is an error, as for --trust (not a warning
# followed by an "incomplete chain" verdict that blames the chain for a typo).
add_cli_test(NAME chain-verify-missing-pool ARGS chain verify ${NOW} certs-test/users/alice.der --pool nothing.pem ${TRUST}
             EXIT 3 STDERR "smimekit: error: 'nothing.pem': no such file")
add_cli_test(NAME chain-verify-empty-trust-dir SETUP "mkdir anchors"
             ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} --trust anchors
             EXIT 3 STDERR "smimekit: error: 'anchors': no trust anchor certificate found")
add_cli_test(NAME chain-verify-no-trust ARGS chain verify certs-test/users/alice.der EXIT 2
             STDERR "give one of --trust or --system-roots")
add_cli_test(NAME chain-verify-bad-purpose ARGS chain verify certs-test/users/alice.der ${TRUST} --purpose sign EXIT 2
             STDERR "invalid value 'sign' for --purpose")
add_cli_test(NAME chain-verify-bad-eku ARGS chain verify certs-test/users/alice.der ${TRUST} --eku nonsense EXIT 2
             STDERR "invalid value 'nonsense' for --eku")
add_cli_test(NAME chain-verify-bad-at ARGS chain verify certs-test/users/alice.der ${TRUST} --at tomorrow EXIT 2
             STDERR "invalid value 'tomorrow' for --at")
add_cli_test(NAME chain-verify-missing-leaf ARGS chain verify nothing.der ${TRUST} EXIT 3 STDERR "'nothing.der': no such file")
add_cli_test(NAME chain-verify-missing-trust ARGS chain verify certs-test/users/alice.der --trust nothing.pem EXIT 3
             STDERR "'nothing.pem': no such file")
add_cli_test(NAME chain-verify-system-roots ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} --system-roots
             EXIT 1 STDOUT "INCOMPLETE|untrusted-root")

add_cli_test(NAME chain-build-cross ARGS chain build ${NOW} certs-test/users/cross-user.pem ${CAS} ${TRUST} --trust certs-test/ca/root2-rsa.pem
             EXIT 0 STDOUT "2 paths to a trust anchor" "Cross CA" "Root 2")
add_cli_test(NAME chain-build-missing ARGS chain build ${NOW} certs-test/chains/orphan-user.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "no path to a trust anchor" "published at: +http://pki.example.test/hidden-inter.cer")
add_cli_test(NAME chain-build-json ARGS chain build ${NOW} --json certs-test/chains/loop-user.pem --pool certs-test/chains/loop-a.pem --pool certs-test/chains/loop-b.pem ${TRUST}
             EXIT 1 STDOUT "\"command\": \"chain build\"" "form a loop")
