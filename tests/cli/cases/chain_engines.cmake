# SPDX-License-Identifier: Apache-2.0
# smimekit chain verify --engine openssl|botan|both and --trust-engine, over certs-test/ and the
# edge corpus certs-test/edge/ (its expected.txt gives each engine's verdict).
set(NOW --now 2030-01-01T00:00:00Z)
set(TRUST --trust certs-test/ca/root-rsa.pem)
set(CAS --pool certs-test/ca)
set(EDGE_TRUST --trust certs-test/edge/root.pem)

add_cli_test(NAME chain-engines-both-agree ARGS chain verify ${NOW} certs-test/users/alice.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "alice.der: valid" "openssl: +valid\n" "botan: +valid\n")
add_cli_test(NAME chain-engines-both-invalid ARGS chain verify ${NOW} certs-test/users/expired.der ${CAS} ${TRUST}
             EXIT 1 STDOUT "openssl: +NOT VALID" "botan problem: +expired: 'CN=Expired Example,O=smimekit test': Botan: Certificate has expired")
# A known Botan 2 limit: e-mail name constraints. OpenSSL decides; exit 0.
add_cli_test(NAME chain-engines-limit ARGS chain verify ${NOW} certs-test/edge/leaf-nc-ok.pem --pool certs-test/edge/inter-nc-email.pem ${EDGE_TRUST}
             EXIT 0 STDOUT "openssl: +valid" "botan: +NOT VALID \\(1 problem\\) \\(a known Botan 2 limit, not a second verdict\\)"
                           "limit: +botan-email-name-constraints: Botan 2 cannot evaluate e-mail \\(rfc822Name\\) name constraints"
             NOT_STDOUT "DISAGREEMENT")
add_cli_test(NAME chain-engines-partial-chain ARGS chain verify ${NOW} certs-test/edge/leaf.pem --trust certs-test/edge/inter.pem
             EXIT 0 STDOUT "limit: +botan-partial-chain: Botan 2 trusts only self-signed anchors")
# Botan's policy: SHA-1 is a policy difference, not a second verdict.
add_cli_test(NAME chain-engines-policy ARGS chain verify ${NOW} certs-test/users/sha1.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "Botan's stricter default policy" "policy: +botan-sha1-policy")
add_cli_test(NAME chain-engines-botan-alone ARGS chain verify ${NOW} certs-test/users/sha1.der ${CAS} ${TRUST} --engine botan
             EXIT 1 STDOUT "sha1.der: NOT VALID" "problem: +weak-hash: .*Botan: Hash function used is considered too weak" "engine: +Botan 2 alone")
add_cli_test(NAME chain-engines-openssl-alone ARGS chain verify ${NOW} certs-test/users/sha1.der ${CAS} ${TRUST} --engine openssl
             EXIT 0 STDOUT "sha1.der: valid" NOT_STDOUT "botan" "openssl:")
add_cli_test(NAME chain-engines-incomplete ARGS chain verify ${NOW} certs-test/chains/orphan-user.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "openssl: +INCOMPLETE" "botan: +not run: no path to a trust anchor")
# A real disagreement: a user certificate with keyCertSign but CA:FALSE. RFC 5280 4.2.1.3: "If
# the keyCertSign bit is asserted, then the cA bit in the basic constraints extension ... MUST
# also be asserted." Botan 2 refuses it; OpenSSL 3 does only with -x509_strict (error 82). No
# known limit explains it: both reasons are shown, and it fails unless an engine is trusted.
set(KEYCERTSIGN_LEAF
    "openssl req -new -newkey rsa:2048 -nodes -keyout k.pem -subj /CN=KeyCertSign-Leaf -out r.csr 2>/dev/null &&
     printf 'basicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature,keyEncipherment,keyCertSign\\nextendedKeyUsage=emailProtection\\nsubjectAltName=email:ks@example.org\\nauthorityKeyIdentifier=keyid\\n' > ext.cnf &&
     openssl x509 -req -in r.csr -CA certs-test/ca/inter-rsa.pem -CAkey certs-test/keys/inter-rsa.key -set_serial 4242 -days 7300 -extfile ext.cnf -out leaf.pem 2>/dev/null")
add_cli_test(NAME chain-engines-disagree SETUP "${KEYCERTSIGN_LEAF}"
             ARGS chain verify ${NOW} leaf.pem ${CAS} ${TRUST}
             EXIT 1 STDOUT "leaf.pem: valid" "openssl: +valid" "botan: +NOT VALID \\(1 problem\\) \\(DISAGREES with OpenSSL\\)"
                           "botan problem: +other: 'CN=KeyCertSign-Leaf': Botan: Certificate does not allow the requested usage"
                           "DISAGREEMENT: +the engines' verdicts differ and no known limit explains it")
add_cli_test(NAME chain-engines-trust-openssl SETUP "${KEYCERTSIGN_LEAF}"
             ARGS chain verify ${NOW} leaf.pem ${CAS} ${TRUST} --trust-engine openssl
             EXIT 0 STDOUT "DISAGREEMENT: .*--trust-engine openssl: its verdict stands")
add_cli_test(NAME chain-engines-trust-botan SETUP "${KEYCERTSIGN_LEAF}"
             ARGS chain verify ${NOW} leaf.pem ${CAS} ${TRUST} --trust-engine botan --json
             EXIT 1 STDOUT "\"agreement\": \"disagree\"" "\"trust_engine\": \"botan\"" "\"accepted\": false"
                           "\"unexplained\": \\[\n +{\n +\"engine\": \"botan\"")
add_cli_test(NAME chain-engines-json ARGS chain verify ${NOW} --json certs-test/edge/leaf-nc-ok.pem --pool certs-test/edge/inter-nc-email.pem ${EDGE_TRUST}
             EXIT 0 STDOUT "\"engines\": {\n +\"used\": \\[\n +\"openssl\",\n +\"botan\"\n +\\]" "\"decided_by\": \"openssl\""
                           "\"agreement\": \"botan-limit\"" "\"code\": \"botan-email-name-constraints\"" "\"kind\": \"botan-limit\""
                           "\"accepted\": true")
add_cli_test(NAME chain-engines-json-openssl ARGS chain verify ${NOW} --json --engine openssl certs-test/users/alice.der ${CAS} ${TRUST}
             EXIT 0 STDOUT "\"used\": \\[\n +\"openssl\"\n +\\]" "\"botan\": null" "\"agreement\": null")
add_cli_test(NAME chain-engines-bad-engine ARGS chain verify certs-test/users/alice.der ${TRUST} --engine gnutls
             EXIT 2 STDERR "invalid value 'gnutls' for --engine: use openssl, botan or both")
add_cli_test(NAME chain-engines-trust-needs-both ARGS chain verify certs-test/users/alice.der ${TRUST} --engine openssl --trust-engine openssl
             EXIT 2 STDERR "invalid value 'openssl' for --trust-engine: it settles disagreements of --engine both")
add_cli_test(NAME chain-engines-bad-trust-engine ARGS chain verify certs-test/users/alice.der ${TRUST} --trust-engine nss
             EXIT 2 STDERR "invalid value 'nss' for --trust-engine: use openssl or botan")
