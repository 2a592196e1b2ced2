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

# ---- exchange contacts, exchange diff (issue 11) ---------------------------------------------
# Each case has its own inventory (i.db), made in SETUP by `contacts import`. PowerShell is not
# in Debian's archive: the script's structure and quoting are checked here and, thoroughly, by
# tests/interop/exchange_script.sh; the embedded certificates are decoded by Python and
# compared with the fixture files.
set(XDB --db i.db)
# (Inside quotes, list variables such as ${NOW} would bring a ';' along: options are spelt out.)
set(X_IMPORT "$SMIMEKIT contacts import -q --db i.db --now 2030-01-01T00:00:00Z certs-test/users >/dev/null")
# A state as ConvertTo-Json writes it: Alice's certificate as base64, and for Bob a byte array
# of numbers holding Dave's signing certificate (coreutils make both, not smimekit).
set(X_STATE "a=$(base64 -w0 certs-test/users/alice.der)
d=$(od -An -tu1 -v certs-test/users/dave-sign.der | tr -s ' \\n' ',' | sed -e 's/^,//' -e 's/,$//')
printf '[{\"Identity\": \"Alice Example\", \"Address\": \"alice@example.org\", \"UserCertificate\": [\"%s\"]}, {\"Name\": \"Bob Example\", \"ExternalEmailAddress\": \"SMTP:bob@example.org\", \"UserCertificate\": [%s]}]' \"$a\" \"$d\" > state.json")

add_cli_test(NAME exchange-contacts SETUP "${X_IMPORT}"
             ARGS exchange contacts ${XDB} ${NOW} alice@example.org dave@example.org -o contacts.ps1
             EXIT 0 FILES_EXIST contacts.ps1
             STDERR "wrote contacts.ps1: 2 mail contacts and 0 mailboxes with 3 certificates; run it in PowerShell 7, with -WhatIf first"
                    "senders must pick each contact by its identity name in Outlook on the web"
             CHECK "set -e
                    head -1 contacts.ps1 | grep -q '^#Requires -Version 7'
                    test $(grep -c '^        Internal     = .false' contacts.ps1) = 2
                    grep -q \"^        Identity     = 'Dave Example (encryption)'\" contacts.ps1
                    /usr/bin/python3 -c 'import base64, re
text = open(\"contacts.ps1\", encoding=\"utf-8\").read()
got = [base64.b64decode(b) for b in re.findall(r\"FromBase64String[(]\\x27([A-Za-z0-9+/=]+)\\x27[)]\", text)]
want = [open(\"certs-test/users/\" + f, \"rb\").read() for f in (\"alice.der\", \"dave-sign.der\", \"dave-encrypt.der\")]
assert sorted(got) == sorted(want), len(got)'")
add_cli_test(NAME exchange-contacts-internal-domain SETUP "${X_IMPORT}"
             ARGS exchange contacts ${XDB} ${NOW} --all --internal-domain EXAMPLE.org -o contacts.ps1
             EXIT 0 STDERR "0 mail contacts and 12 mailboxes with 13 certificates"
                    "warning: 1 published certificate has expired \\(expired@example.org\\)"
             CHECK "test $(grep -c '^        Internal     = .true' contacts.ps1) = 12")
add_cli_test(NAME exchange-contacts-internal-flag
             SETUP "${X_IMPORT} && $SMIMEKIT contacts add --db i.db --email bob@example.org --internal >/dev/null"
             ARGS exchange contacts ${XDB} ${NOW} alice@example.org bob@example.org -o contacts.ps1
             EXIT 0 STDERR "1 mail contact and 1 mailbox with 2 certificates"
             CHECK "grep -A3 \"Identity     = 'Bob Example'\" contacts.ps1 | grep -q 'Internal     = .true'")
add_cli_test(NAME exchange-contacts-json SETUP "${X_IMPORT}"
             ARGS exchange contacts ${XDB} ${NOW} --json dave@example.org -o contacts.ps1
             EXIT 0 STDOUT "\"command\": \"exchange contacts\"" "\"output\": \"contacts.ps1\""
                           "\"kind\": \"mail-contact\"" "\"subject\": \"CN=Dave Example \\(signing\\),O=smimekit test\""
                           "\"left_out\": \\[\\]")
add_cli_test(NAME exchange-contacts-left-out
             SETUP "${X_IMPORT} && $SMIMEKIT contacts add --db i.db --email nocert@example.org >/dev/null"
             ARGS exchange contacts ${XDB} ${NOW} --all -o contacts.ps1
             EXIT 0 STDERR "left out 1 contact without a current certificate" "12 mail contacts")
add_cli_test(NAME exchange-contacts-no-cert SETUP "$SMIMEKIT contacts add --db i.db --email nocert@example.org >/dev/null"
             ARGS exchange contacts ${XDB} ${NOW} nocert@example.org -o contacts.ps1
             EXIT 3 FILES_ABSENT contacts.ps1 STDERR "error: nocert@example.org has no current certificate to publish")
add_cli_test(NAME exchange-contacts-unknown SETUP "${X_IMPORT}"
             ARGS exchange contacts ${XDB} alice@example.org nobody@example.org -o contacts.ps1
             EXIT 3 FILES_ABSENT contacts.ps1 STDERR "error: no contact 'nobody@example.org' in 'i.db'")
# The inventory accepts a line break in a name (it comes from a certificate or the command
# line); the script cannot hold one safely, so nothing is written.
add_cli_test(NAME exchange-contacts-line-break
             SETUP "$SMIMEKIT contacts add --db i.db certs-test/users/alice.der --name \"$(printf 'Alice\\nWrite-Host pwned')\" >/dev/null"
             ARGS exchange contacts ${XDB} ${NOW} --all -o contacts.ps1
             EXIT 2 FILES_ABSENT contacts.ps1
             STDERR "error: recipient 'alice@example.org': the identity holds a control character \\(a line break\\?\\)"
                    "hint: change it in the inventory: smimekit contacts add --email alice@example.org --identity NAME")
add_cli_test(NAME exchange-contacts-no-selection ARGS exchange contacts ${XDB} -o contacts.ps1 EXIT 2
             STDERR "missing EMAIL argument \\(or --all for every contact\\)")
add_cli_test(NAME exchange-contacts-all-and-email ARGS exchange contacts ${XDB} --all alice@example.org -o contacts.ps1
             EXIT 2 STDERR "give EMAIL arguments or --all, not both")
add_cli_test(NAME exchange-contacts-bad-domain ARGS exchange contacts ${XDB} --all --internal-domain a@example.org -o contacts.ps1
             EXIT 2 STDERR "--internal-domain")
add_cli_test(NAME exchange-contacts-exists SETUP "${X_IMPORT} && touch contacts.ps1"
             ARGS exchange contacts ${XDB} --all -o contacts.ps1 EXIT 7 STDERR "'contacts.ps1': already exists"
             CHECK "test ! -s contacts.ps1")
add_cli_test(NAME exchange-contacts-no-db ARGS exchange contacts --db none.db --all -o contacts.ps1
             EXIT 6 FILES_ABSENT contacts.ps1 none.db)

add_cli_test(NAME exchange-diff SETUP "${X_IMPORT}
${X_STATE}"
             ARGS exchange diff ${XDB} state.json alice@example.org bob@example.org dave@example.org
             EXIT 1
             STDOUT "^ok        alice@example.org  'Alice Example'\nextra     bob@example.org  'Bob Example'\n +'CN=Dave Example \\(signing\\),O=smimekit test' \\(SHA-256 [0-9A-F]+\\) is published, and the inventory does not know it for this contact\n +the current certificate 'CN=Bob Example,O=smimekit test' \\(SHA-256 [0-9A-F]+\\) is not published\n"
                    "missing   dave@example.org  'Dave Example \\(encryption\\)'\n +Exchange Online has no recipient 'Dave Example \\(encryption\\)'\n"
                    "3 recipients: 1 ok, 1 missing, 1 extra, 0 stale, 0 mismatch\n$"
             STDERR "hint: run the contacts script again")
add_cli_test(NAME exchange-diff-all SETUP "${X_IMPORT}
${X_STATE}"
             ARGS exchange diff ${XDB} state.json EXIT 1 STDOUT "12 recipients: 1 ok, 10 missing, 1 extra, 0 stale, 0 mismatch")
add_cli_test(NAME exchange-diff-ok SETUP "${X_IMPORT}
${X_STATE}"
             ARGS exchange diff ${XDB} state.json alice@example.org EXIT 0
             STDOUT "^ok        alice@example.org  'Alice Example'\n1 recipient: 1 ok, 0 missing" NOT_STDERR "hint")
add_cli_test(NAME exchange-diff-json SETUP "${X_IMPORT}
${X_STATE}"
             ARGS exchange diff ${XDB} --json state.json alice@example.org bob@example.org
             EXIT 1 STDOUT "\"command\": \"exchange diff\"" "\"differs\": true"
                           "\"summary\": {\n +\"ok\": 1,\n +\"missing\": 0,\n +\"extra\": 1,"
                           "\"email\": \"bob@example.org\",\n +\"identity\": \"Bob Example\",\n +\"address\": \"bob@example.org\",\n +\"status\": \"extra\""
                           "\"code\": \"unknown\",\n +\"status\": \"extra\",\n +\"sha256\": \"A960B9CC"
                           "\"code\": \"not-published\"")
# An older certificate still published. certs-test/ has no renewal, so two are made (python3-
# cryptography) and imported: the older one goes into the history.
add_cli_test(NAME exchange-diff-stale
             SETUP "mkdir gen && printf 'old|Rita Renew|renew@example.org|2024-01-01|2030-06-01|both\\nnew|Rita Renew|renew@example.org|2026-01-01|2032-01-01|both\\n' > spec
                    /usr/bin/python3 certs-test/../tests/support/make_contact_certs.py gen spec
                    $SMIMEKIT contacts import -q --db i.db --now 2030-01-01T00:00:00Z gen >/dev/null
                    printf '{\"Identity\": \"Rita Renew\", \"Address\": \"renew@example.org\", \"UserCertificate\": \"%s\"}' \"$(base64 -w0 gen/old.der)\" > state.json"
             ARGS exchange diff ${XDB} state.json EXIT 1
             STDOUT "^stale     renew@example.org  'Rita Renew'\n +an older certificate \\(SHA-256 [0-9A-F]+\\) is still published\n +the current certificate 'CN=Rita Renew,O=smimekit test' \\(SHA-256 [0-9A-F]+\\) is not published\n"
                    "1 recipient: 0 ok, 0 missing, 0 extra, 1 stale, 0 mismatch")
add_cli_test(NAME exchange-diff-wrong-type SETUP "${X_IMPORT} && printf '[{\"Identity\": 1}]' > state.json"
             ARGS exchange diff ${XDB} state.json EXIT 3 STDERR "error: 'state.json': at /0/Identity: unexpected number")
# (No unbalanced '[' here: it would stop CMake from splitting the arguments that follow.)
add_cli_test(NAME exchange-diff-not-json SETUP "${X_IMPORT} && printf '{\"Identity\": ' > state.json"
             ARGS exchange diff ${XDB} state.json EXIT 3
             STDERR "error: 'state.json': not valid JSON at byte 14 \\(parse error at line 1, column 14: syntax error while parsing value - unexpected end of input")
add_cli_test(NAME exchange-diff-no-state SETUP "${X_IMPORT}" ARGS exchange diff ${XDB} none.json EXIT 3
             STDERR "error: 'none.json': no such file")
add_cli_test(NAME exchange-diff-unknown-email SETUP "${X_IMPORT}
${X_STATE}"
             ARGS exchange diff ${XDB} state.json nobody@example.org EXIT 3 STDERR "no contact 'nobody@example.org'")
add_cli_test(NAME exchange-diff-no-db SETUP "printf '[]' > state.json" ARGS exchange diff --db none.db state.json
             EXIT 6 FILES_ABSENT none.db)
add_cli_test(NAME exchange-diff-no-state-argument ARGS exchange diff ${XDB} EXIT 2)
