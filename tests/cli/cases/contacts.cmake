# SPDX-License-Identifier: Apache-2.0
# smimekit contacts add / import / list / show / remove / export. Each case has its own inventory
# (i.db in its working directory). Oracles: the sqlite3 CLI reads the file, openssl computes
# fingerprints, Python parses the JSON and CSV.
set(CNOW --now 2030-01-01T00:00:00Z)
set(CDB --db i.db)
set(ADD_ALICE "$SMIMEKIT contacts add --db i.db --now 2030-01-01T00:00:00Z certs-test/users/alice.der >/dev/null")
set(IMPORT_USERS "$SMIMEKIT contacts import -q --db i.db --now 2030-01-01T00:00:00Z certs-test/users >/dev/null")
set(ALICE_SHA256 "$(openssl x509 -inform DER -in certs-test/users/alice.der -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)")

# ---- add ------------------------------------------------------------------------------------
add_cli_test(NAME contacts-add ARGS contacts add ${CDB} ${CNOW} certs-test/users/alice.der EXIT 0
             STDOUT "^added 'CN=Alice Example,O=smimekit test': current for alice@example.org\n"
                    "new contact alice@example.org"
             FILES_EXIST i.db
             CHECK "set -e
                    test \"$(sqlite3 i.db 'SELECT sha256 FROM certificates')\" = \"${ALICE_SHA256}\"
                    test \"$(sqlite3 i.db 'SELECT email, display_name, identity, internal FROM contacts')\" = 'alice@example.org|Alice Example|Alice Example|0'
                    test \"$(sqlite3 i.db 'PRAGMA journal_mode')\" = wal
                    test \"$(sqlite3 i.db 'PRAGMA user_version')\" = 1
                    test \"$(sqlite3 i.db 'PRAGMA integrity_check')\" = ok")
add_cli_test(NAME contacts-add-twice SETUP "${ADD_ALICE}"
             ARGS contacts add ${CDB} ${CNOW} certs-test/users/alice.pem EXIT 0
             STDOUT "^unchanged 'CN=Alice Example,O=smimekit test'\n$"
             CHECK "test $(sqlite3 i.db 'SELECT count(*) FROM contact_certificates') = 1")
add_cli_test(NAME contacts-add-fields
             ARGS contacts add ${CDB} ${CNOW} certs-test/users/bob-ec.der --name "Bob, \"the EC\"" --identity bob-ec --internal --notes "x') OR '1'='1 --"
             EXIT 0 STDOUT "current for bob@example.org"
             CHECK "set -e
                    test \"$(sqlite3 i.db 'SELECT display_name FROM contacts')\" = 'Bob, \"the EC\"'
                    test \"$(sqlite3 i.db 'SELECT identity, internal FROM contacts')\" = 'bob-ec|1'
                    test \"$(sqlite3 i.db 'SELECT notes FROM contacts')\" = \"x') OR '1'='1 --\"")
add_cli_test(NAME contacts-add-contact-only ARGS contacts add ${CDB} ${CNOW} --email NoCert@EXAMPLE.org --name "No Cert"
             EXIT 0 STDOUT "new contact NoCert@example.org"
             CHECK "$SMIMEKIT contacts list --db i.db --without-cert | grep -q '^NoCert@example.org *No Cert *external *no current certificate'")
add_cli_test(NAME contacts-add-not-carried ARGS contacts add ${CDB} ${CNOW} --email bob@example.org certs-test/users/alice.der
             EXIT 2 STDERR "does not carry the address bob@example.org \\(it carries alice@example.org\\)"
             CHECK "test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 0")
add_cli_test(NAME contacts-add-ca ARGS contacts add ${CDB} ${CNOW} certs-test/ca/root-rsa.der
             EXIT 2 STDERR "root-rsa.der': holds no end-entity certificate")
add_cli_test(NAME contacts-add-identity-taken SETUP "${ADD_ALICE}"
             ARGS contacts add ${CDB} ${CNOW} certs-test/users/bob-ec.der --identity "ALICE example"
             EXIT 2 STDERR "identity 'ALICE example' is already used by alice@example.org"
             CHECK "test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 1")
add_cli_test(NAME contacts-add-missing ARGS contacts add ${CDB} certs-test/users/missing.der EXIT 3
             STDERR "missing.der")
add_cli_test(NAME contacts-add-nothing ARGS contacts add ${CDB} EXIT 2 STDERR "missing CERT argument")
add_cli_test(NAME contacts-add-internal-external ARGS contacts add ${CDB} --email a@example.org --internal --external
             EXIT 2 STDERR "--internal and --external cannot be used together")
# A .p12: the certificate is stored, the key never (its private bytes appear nowhere in the file)
# and the chain's CA certificates are skipped.
add_cli_test(NAME contacts-add-p12
             ARGS contacts add ${CDB} ${CNOW} --password-file certs-test/p12/password.txt certs-test/p12/fullchain.p12
             EXIT 0 STDOUT "added 'CN=Alice Example" STDERR "CA certificate 'CN=smimekit Test Root RSA.*skipped"
             CHECK "set -e
                    test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 1
                    openssl pkey -in certs-test/keys/alice.key -outform DER -out key.der
                    /usr/bin/python3 -c 'import sys
key = open(\"key.der\", \"rb\").read()
db = open(\"i.db\", \"rb\").read()
assert len(key) > 600
assert all(key[i:i + 32] not in db for i in range(300, len(key) - 32, 32)), \"key bytes stored\"'")

# ---- import ---------------------------------------------------------------------------------
add_cli_test(NAME contacts-import ARGS contacts import ${CDB} ${CNOW} certs-test/users certs-test/ca certs-test/misc
             EXIT 0
             STDOUT "files: +46 read, 4 skipped" "certificates: +13 added, 0 updated, 13 unchanged, 16 skipped"
                    "contacts: +12 new"
             STDERR "random.bin': not a certificate.*\\(skipped\\)" "root-rsa.der': certificate 'CN=smimekit Test Root RSA,O=smimekit test' is a CA certificate"
             CHECK "set -e
                    test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 13
                    test $(sqlite3 i.db 'SELECT count(*) FROM contacts') = 12
                    test $(sqlite3 i.db \"SELECT count(*) FROM contact_certificates l JOIN contacts k ON k.id = l.contact_id WHERE k.email = 'dave@example.org' AND l.superseded_at IS NULL\") = 2")
# A signed message made by openssl, an independent signer: the signer's certificate goes in with
# the SMIMECapabilities of the message; an altered message is refused and stores nothing.
set(SIGNED_BY_CAROL "openssl pkcs12 -in certs-test/p12/carol.p12 -passin file:certs-test/p12/password.txt -nodes -out carol.pem 2>/dev/null
                     printf 'From: carol@example.org\\nSubject: hi\\n\\nhello\\n' > m.txt
                     openssl cms -sign -in m.txt -signer carol.pem -out signed.eml")
add_cli_test(NAME contacts-import-signed-mail SETUP "${SIGNED_BY_CAROL}"
             ARGS contacts import ${CDB} ${CNOW} signed.eml EXIT 0
             STDOUT "certificates: +1 added, 0 updated, 0 unchanged, 0 skipped" "contacts: +1 new"
             CHECK "set -e
                    test \"$(sqlite3 i.db \"SELECT subject FROM certificates WHERE smime_capabilities LIKE '%2.16.840.1.101.3.4.1.42%'\")\" = 'CN=Carol Example,O=smimekit test'
                    $SMIMEKIT contacts show --db i.db carol@example.org | grep -q 'S/MIME capabilities: *AES-256-CBC, AES-192-CBC, AES-128-CBC'")
add_cli_test(NAME contacts-import-signed-mail-altered SETUP "${SIGNED_BY_CAROL}
                                                             sed -i s/hello/hellO/ signed.eml"
             ARGS contacts import ${CDB} ${CNOW} signed.eml EXIT 3
             STDERR "signed.eml': a signed message whose signature does not verify"
             CHECK "test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 0")
add_cli_test(NAME contacts-import-again SETUP "${IMPORT_USERS}"
             ARGS contacts import ${CDB} ${CNOW} certs-test/users EXIT 0
             STDOUT "certificates: +0 added, 0 updated, 26 unchanged, 0 skipped" "contacts: +0 new")
add_cli_test(NAME contacts-import-missing ARGS contacts import ${CDB} ${CNOW} missing.der certs-test/users/alice.der
             EXIT 3 STDERR "smimekit: error: 'missing.der'" STDOUT "certificates: +1 added"
             CHECK "test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 1")
add_cli_test(NAME contacts-import-p12-needs-password ARGS contacts import ${CDB} ${CNOW} certs-test/p12/modern.p12
             EXIT 4 STDOUT "certificates: +0 added")
add_cli_test(NAME contacts-import-p12 ARGS contacts import ${CDB} ${CNOW} --password-file certs-test/p12/password.txt certs-test/p12/modern.p12 certs-test/p12/bob-ec.p12
             EXIT 0 STDOUT "certificates: +2 added")
add_cli_test(NAME contacts-import-json ARGS contacts import ${CDB} ${CNOW} --json certs-test/users/alice.der certs-test/users/alice.pem certs-test/ca/root-rsa.der
             EXIT 0 STDOUT "\"command\": \"contacts import\""
             CHECK "$SMIMEKIT contacts import --db i.db --json certs-test/users/bob-ec.der certs-test/misc/random.bin > r.json 2>/dev/null || test $? = 3 || exit 1
                    /usr/bin/python3 -c 'import json
r = json.load(open(\"r.json\"))
assert r[\"schema\"] == \"smimekit/1\" and r[\"files\"] == 2 and r[\"added\"] == 1, r
assert [(s[\"file\"], s[\"certificate\"], s[\"error\"][\"code\"]) for s in r[\"skipped\"]] == [(\"certs-test/misc/random.bin\", None, \"malformed\")], r'")

# ---- list -----------------------------------------------------------------------------------
add_cli_test(NAME contacts-list SETUP "${IMPORT_USERS}" ARGS contacts list ${CDB} ${CNOW} EXIT 0
             STDOUT "^alice@example.org +Alice Example +external +2046-01-01  expires in 5844 days\n"
                    "\ndave@example.org +Dave Example \\((signing|encryption)\\) +external +2046-01-01 .*\\(2 certificates\\)\n"
                    "\nexpired@example.org .* 2021-01-01  expired 3287 days ago\n"
             STDERR "12 contacts")
# A reading command never turns an empty file into an inventory.
add_cli_test(NAME contacts-list-empty-file SETUP "touch empty.db" ARGS contacts list --db empty.db ${CNOW}
             EXIT 6 STDERR "smimekit: error: 'empty.db': no inventory here yet \\(the file is empty\\)"
             CHECK "test ! -s empty.db")
add_cli_test(NAME contacts-list-expiring SETUP "${IMPORT_USERS}"
             ARGS contacts list ${CDB} --now 2045-12-15T00:00:00Z --expiring 3w EXIT 1
             STDOUT "^alice@example.org .*expires in 17 days" NOT_STDOUT "expired@" "notyet@"
             STDERR "10 contacts matching")
add_cli_test(NAME contacts-list-expiring-none SETUP "${IMPORT_USERS}"
             ARGS contacts list ${CDB} ${CNOW} --expiring 30d EXIT 0 STDOUT "^$" STDERR "0 contacts matching")
add_cli_test(NAME contacts-list-expired SETUP "${IMPORT_USERS}" ARGS contacts list ${CDB} ${CNOW} --expired
             EXIT 1 STDOUT "^expired@example.org [^\n]*\n$")
add_cli_test(NAME contacts-list-bad-window ARGS contacts list ${CDB} --expiring 30x EXIT 2
             STDERR "invalid value '30x' for --expiring: give days or weeks")
add_cli_test(NAME contacts-list-json-csv ARGS contacts list ${CDB} --json --csv EXIT 2
             STDERR "--json and --csv cannot be used together")
add_cli_test(NAME contacts-list-json SETUP "${IMPORT_USERS}" ARGS contacts list ${CDB} ${CNOW} --json --expired --without-cert
             EXIT 1 STDOUT "\"command\": \"contacts list\""
             CHECK "set -e
                    $SMIMEKIT contacts list --db i.db --now 2030-01-01T00:00:00Z --json > all.json
                    /usr/bin/python3 -c 'import json
d = json.load(open(\"all.json\"))
assert d[\"schema\"] == \"smimekit/1\" and d[\"now\"] == \"2030-01-01T00:00:00Z\"
c = {x[\"email\"]: x for x in d[\"contacts\"]}
assert sorted(c) == [x[\"email\"] for x in d[\"contacts\"]] and len(c) == 12
assert [x[\"role\"] for x in c[\"dave@example.org\"][\"current\"]] in ([\"signing\", \"encryption\"], [\"encryption\", \"signing\"])
a = c[\"alice@example.org\"][\"current\"][0]
assert a[\"validity\"] == {\"state\": \"valid\", \"days_left\": 5844, \"text\": \"expires in 5844 days\"}, a
assert a[\"key\"] == {\"algorithm\": \"RSA\", \"bits\": 2048, \"curve\": None}
assert a[\"key_usage\"][\"usages\"] == [\"digitalSignature\", \"nonRepudiation\", \"keyEncipherment\"]
assert a[\"superseded\"] is None and c[\"alice@example.org\"][\"history\"] == []
assert c[\"expired@example.org\"][\"current\"][0][\"validity\"][\"state\"] == \"expired\"'
                    test \"$(/usr/bin/python3 -c 'import json,sys
print(json.load(open(\"all.json\"))[\"contacts\"][0][\"current\"][0][\"sha256\"])')\" = \"${ALICE_SHA256}\"")
add_cli_test(NAME contacts-list-csv
             SETUP "${IMPORT_USERS} && $SMIMEKIT contacts add --db i.db --email bob@example.org --name 'Bob, \"the EC\" Example' >/dev/null"
             ARGS contacts list ${CDB} ${CNOW} --csv EXIT 0
             STDOUT "^email,display_name,identity,kind,role,state,days_left,not_before,not_after,subject,issuer,serial,key,sha256,sha1,source\r\n"
                    "\r\nbob@example.org,\"Bob, \"\"the EC\"\" Example\",Bob Example,external,both,valid,5844,"
             CHECK "set -e
                    $SMIMEKIT contacts list --db i.db --now 2030-01-01T00:00:00Z --csv > all.csv
                    /usr/bin/python3 -c 'import csv
rows = list(csv.DictReader(open(\"all.csv\", newline=\"\")))
assert len(rows) == 13, len(rows)
bob = [r for r in rows if r[\"email\"] == \"bob@example.org\"][0]
assert bob[\"display_name\"] == \"Bob, \\\"the EC\\\" Example\" and bob[\"key\"] == \"EC P-256\", bob
assert bob[\"subject\"] == \"CN=Bob Example,O=smimekit test\"
assert sorted(r[\"role\"] for r in rows if r[\"email\"] == \"dave@example.org\") == [\"encryption\", \"signing\"]'")

# ---- show, remove, export -------------------------------------------------------------------
add_cli_test(NAME contacts-show SETUP "${IMPORT_USERS}" ARGS contacts show ${CDB} ${CNOW} DAVE@Example.ORG EXIT 3
             STDERR "no contact 'DAVE@Example.ORG'")
add_cli_test(NAME contacts-show-domain-case SETUP "${IMPORT_USERS}" ARGS contacts show ${CDB} ${CNOW} dave@Example.ORG EXIT 0
             STDOUT "^dave@example.org\n" "current certificates: 2\n" "role: +signing\n" "role: +encryption\n"
                    "key usage: +keyEncipherment \\(critical\\)" "history: 0")
add_cli_test(NAME contacts-show-json SETUP "${ADD_ALICE}" ARGS contacts show ${CDB} ${CNOW} --json alice@example.org EXIT 0
             STDOUT "\"command\": \"contacts show\"" "\"email\": \"alice@example.org\"" "\"source\": \"contacts add\"")
add_cli_test(NAME contacts-show-no-db ARGS contacts show --db none.db alice@example.org EXIT 6
             STDERR "'none.db': no inventory here yet" "hint: add certificates first" FILES_ABSENT none.db)
add_cli_test(NAME contacts-remove SETUP "${IMPORT_USERS}" ARGS contacts remove ${CDB} dave@example.org EXIT 0
             STDERR "removed dave@example.org \\(2 certificates\\)"
             CHECK "set -e
                    test $(sqlite3 i.db 'SELECT count(*) FROM certificates') = 11
                    test $(sqlite3 i.db 'SELECT count(*) FROM contacts') = 11")
add_cli_test(NAME contacts-remove-unknown SETUP "${ADD_ALICE}" ARGS contacts remove ${CDB} bob@example.org EXIT 3
             STDERR "no contact 'bob@example.org'")
add_cli_test(NAME contacts-export SETUP "${ADD_ALICE}" ARGS contacts export ${CDB} alice@example.org -o alice.pem EXIT 0
             FILES_EXIST alice.pem STDERR "wrote 1 certificate of alice@example.org to alice.pem"
             CHECK "test \"$(openssl x509 -in alice.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)\" = \"${ALICE_SHA256}\"")
add_cli_test(NAME contacts-export-der-needs-role SETUP "${IMPORT_USERS}" ARGS contacts export ${CDB} dave@example.org --der -o d.der
             EXIT 2 FILES_ABSENT d.der STDERR "has 2 current certificates, and DER holds one" "--role")
add_cli_test(NAME contacts-export-role SETUP "${IMPORT_USERS}"
             ARGS contacts export ${CDB} dave@example.org --der --role encryption -o d.der EXIT 0
             CHECK "cmp d.der certs-test/users/dave-encrypt.der")
add_cli_test(NAME contacts-export-exists SETUP "${ADD_ALICE} && touch a.pem" ARGS contacts export ${CDB} alice@example.org -o a.pem
             EXIT 7 STDERR "'a.pem': already exists")

# ---- where the inventory is, and files that are not one -------------------------------------
add_cli_test(NAME contacts-db-env ENV SMIMEKIT_DB=env.db ARGS contacts add ${CNOW} certs-test/users/alice.der EXIT 0
             FILES_EXIST env.db)
add_cli_test(NAME contacts-db-xdg ENV XDG_DATA_HOME=${CMAKE_CURRENT_BINARY_DIR}/work/contacts-db-xdg/data
             ARGS contacts add ${CNOW} certs-test/users/alice.der EXIT 0
             FILES_EXIST data/smimekit/inventory.db
             CHECK "test \"$(stat -c %a data/smimekit)\" = 700")
add_cli_test(NAME contacts-db-newer SETUP "${ADD_ALICE} && sqlite3 i.db 'PRAGMA user_version = 99'"
             ARGS contacts list ${CDB} EXIT 6
             STDERR "'i.db' was written by a newer smimekit \\(schema 99, this one knows 1\\)" "hint: upgrade smimekit")
add_cli_test(NAME contacts-db-not-sqlite SETUP "head -c 2048 certs-test/misc/random.bin > i.db"
             ARGS contacts add ${CDB} certs-test/users/alice.der EXIT 6
             STDERR "'i.db': not an smimekit inventory \\(not an SQLite database\\)"
             CHECK "cmp -n 2048 i.db certs-test/misc/random.bin")
add_cli_test(NAME contacts-db-foreign SETUP "sqlite3 i.db 'CREATE TABLE t (x)'"
             ARGS contacts add ${CDB} certs-test/users/alice.der EXIT 6
             STDERR "not an smimekit inventory \\(another program's SQLite database\\)"
             CHECK "test \"$(sqlite3 i.db 'PRAGMA journal_mode')\" = delete")
add_cli_test(NAME contacts-group-help ARGS contacts --help EXIT 0 STDOUT "Subcommands:" "import" "export")
