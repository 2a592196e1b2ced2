# SPDX-License-Identifier: Apache-2.0
# smimekit contacts verify (issue 10): the chain of every current certificate of the inventory.
# Verdicts are those of certs-test/README.md at 2030-01-01 (openssl verify agrees with each).
set(VNOW --now 2030-01-01T00:00:00Z)
set(VTRUST --pool certs-test/ca --trust certs-test/ca/root-rsa.pem)
set(V_IMPORT "$SMIMEKIT contacts import -q --db i.db --now 2030-01-01T00:00:00Z certs-test/users >/dev/null")

# A certificate for both roles is verified for both purposes, dave's split ones for one each.
add_cli_test(NAME contacts-verify SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} alice@example.org dave@example.org bob@example.org
             EXIT 0
             STDOUT "^valid       alice@example.org  smime-sign     CN=Alice Example,O=smimekit test  \\(SHA-256 2FD414D88B7F5063...\\)\nvalid       alice@example.org  smime-encrypt  CN=Alice Example"
                    "\nvalid       dave@example.org  smime-sign     CN=Dave Example \\(signing\\)"
                    "\nvalid       dave@example.org  smime-encrypt  CN=Dave Example \\(encryption\\)"
                    "\nvalid       bob@example.org  smime-encrypt  CN=Bob Example"
                    "\n4 current certificates of 3 contacts: 4 valid, 0 not valid\n$"
             NOT_STDOUT "dave@example.org  smime-sign     CN=Dave Example \\(encryption\\)")
add_cli_test(NAME contacts-verify-all SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST}
             EXIT 1
             STDOUT "NOT VALID   expired@example.org  smime-sign     CN=Expired Example,O=smimekit test  \\([^)]+\\)\n +expired: 'CN=Expired Example,O=smimekit test' expired on 2021-01-01T00:00:00Z"
                    "NOT VALID   noeku@example.org  smime-encrypt  CN=No EKU Example.*\n +no-email-protection-eku: "
                    "NOT VALID   notyet@example.org .*\n +not-yet-valid: "
                    "NOT VALID   under-expired-inter@example.org .*\n +expired: 'CN=smimekit Test Expired Intermediate"
                    "valid       cross-user@example.org  smime-sign"
                    "13 current certificates of 12 contacts: 9 valid, 4 not valid\n$")
add_cli_test(NAME contacts-verify-purpose-any SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} --purpose any noeku@example.org
             EXIT 0 STDOUT "^valid       noeku@example.org  any            CN=No EKU Example" "1 valid, 0 not valid")
add_cli_test(NAME contacts-verify-purpose-fixed SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} --purpose smime-encrypt dave@example.org
             EXIT 1 STDOUT "NOT VALID   dave@example.org  smime-encrypt  CN=Dave Example \\(signing\\).*\n +key-usage-encrypt: "
                           "2 current certificates of 1 contact: 1 valid, 1 not valid")
add_cli_test(NAME contacts-verify-at SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} --at 2047-01-01 alice@example.org
             EXIT 1 STDOUT "NOT VALID   alice@example.org  smime-sign .*\n +expired: 'CN=Alice Example")
# The inventory keeps no CA certificate: without --pool, the intermediate is missing.
add_cli_test(NAME contacts-verify-incomplete SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} --trust certs-test/ca/root-rsa.pem alice@example.org
             EXIT 1 STDOUT "^INCOMPLETE  alice@example.org  smime-sign .*\n +missing-issuer: no issuer found for 'CN=Alice Example,O=smimekit test'")
# (The regular expressions avoid '[': an unbalanced one stops CMake from splitting the list.)
add_cli_test(NAME contacts-verify-json SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} --json alice@example.org expired@example.org
             EXIT 1 STDOUT "\"command\": \"contacts verify\"" "\"time\": \"2030-01-01T00:00:00Z\""
                           "\"email\": \"alice@example.org\",\n +\"identity\": \"Alice Example\",\n +\"sha256\": \"2FD414D8[0-9A-F]+\",\n +\"subject\": \"CN=Alice Example,O=smimekit test\",\n +\"role\": \"both\",\n +\"valid\": true,\n +\"verdicts\": .\n +{\n +\"status\": \"valid\""
                           "\"purpose\": \"smime-encrypt\""
                           "\"email\": \"expired@example.org\",.*\"valid\": false"
                           "\"code\": \"expired\"")
add_cli_test(NAME contacts-verify-no-cert SETUP "$SMIMEKIT contacts add --db i.db --email nocert@example.org >/dev/null"
             ARGS contacts verify --db i.db ${VNOW} ${VTRUST} nocert@example.org
             EXIT 0 STDERR "warning: nocert@example.org has no current certificate"
             STDOUT "0 current certificates of 1 contact")
add_cli_test(NAME contacts-verify-no-trust ARGS contacts verify --db i.db EXIT 2 STDERR "give one of --trust or --system-roots")
add_cli_test(NAME contacts-verify-bad-purpose ARGS contacts verify --db i.db ${VTRUST} --purpose sign EXIT 2
             STDERR "use auto, any, smime-sign or smime-encrypt")
add_cli_test(NAME contacts-verify-unknown SETUP "${V_IMPORT}" ARGS contacts verify --db i.db ${VTRUST} nobody@example.org
             EXIT 3 STDERR "no contact 'nobody@example.org'")
add_cli_test(NAME contacts-verify-no-trust-file SETUP "${V_IMPORT}"
             ARGS contacts verify --db i.db --trust certs-test/ca/missing.pem EXIT 3 STDERR "missing.pem")
add_cli_test(NAME contacts-verify-no-db ARGS contacts verify --db none.db ${VTRUST} EXIT 6 FILES_ABSENT none.db)
