# SPDX-License-Identifier: Apache-2.0
# smimekit mail compose (sign, verify, encrypt and decrypt cases join below, one section each).
# The structure of composed messages is checked against Python's email package in
# tests/interop/mime_python.sh; these cases cover options, exit codes and the wire form.

# ---- mail compose ---------------------------------------------------------------------------
set(COMPOSE mail compose --now 2026-11-22T10:00:00Z --from "Alice Example <alice@example.org>")
# CHECK snippets match ';' with '.': CMake would split the snippet there.
# Every line ends with CRLF, and no line is longer than 78 characters plus CRLF.
set(WIRE_FORM_OK "test $(grep -c \"$(printf '\\r')\\$\" m.eml) = $(wc -l < m.eml) && test $(awk '{ if (length($0) > 79) n++ } END { print n + 0 }' m.eml) = 0")

add_cli_test(NAME mail-compose-plain
             ARGS ${COMPOSE} --to bob@example.org --to "Carol <carol@example.org>" --cc dave@example.org
                  --subject "Hello" --body "Hi Bob" -o m.eml
             EXIT 0 FILES_EXIST m.eml STDERR "wrote m.eml \\([0-9]+ bytes, 0 attachments\\)"
             CHECK "${WIRE_FORM_OK}
                    tr -d '\\r' < m.eml > lf.txt
                    grep -qx 'From: Alice Example <alice@example.org>' lf.txt
                    grep -qx 'To: bob@example.org, Carol <carol@example.org>' lf.txt
                    grep -qx 'Cc: dave@example.org' lf.txt
                    grep -qx 'Date: Sun, 22 Nov 2026 10:00:00 +0000' lf.txt
                    grep -qx 'Message-ID: <[0-9a-f]*@example.org>' lf.txt
                    grep -qx 'Content-Type: text/plain. charset=utf-8' lf.txt
                    grep -qx 'Content-Transfer-Encoding: 7bit' lf.txt
                    test \"$(tail -n 2 lf.txt)\" = \"$(printf '\\nHi Bob')\"")
add_cli_test(NAME mail-compose-utf8
             SETUP "printf 'Gr\\303\\274\\303\\237e\\nFrom here\\n' > body.txt"
             ARGS ${COMPOSE} --to "Jürgen <j@example.org>" --subject "Grüße aus Köln" --body-file body.txt -o m.eml
             EXIT 0 FILES_EXIST m.eml
             CHECK "${WIRE_FORM_OK}
                    tr -d '\\r' < m.eml > lf.txt
                    grep -q '^Subject: =?utf-8?[bq]?' lf.txt
                    grep -q '^To: =?utf-8?[bq]?.*?= <j@example.org>$' lf.txt
                    grep -qx 'Content-Transfer-Encoding: quoted-printable' lf.txt
                    grep -qx 'Gr=C3=BC=C3=9Fe' lf.txt
                    grep -qx '=46rom here' lf.txt")
add_cli_test(NAME mail-compose-attachments
             SETUP "printf '%%PDF-1.4' > report.pdf && head -c 3000 /dev/urandom > data.bin"
             ARGS ${COMPOSE} --to bob@example.org --subject "Files" --body "see attached"
                  --attach report.pdf --attach data.bin -o m.eml
             EXIT 0 FILES_EXIST m.eml STDERR "2 attachments\\)"
             CHECK "${WIRE_FORM_OK}
                    tr -d '\\r' < m.eml > lf.txt
                    grep -q '^Content-Type: multipart/mixed. boundary=\"=_smimekit_[0-9a-f]*\"$' lf.txt
                    grep -qx 'Content-Type: application/pdf. name=\"report.pdf\"' lf.txt
                    grep -qx 'Content-Disposition: attachment. filename=\"data.bin\"' lf.txt
                    test $(grep -c '^Content-Transfer-Encoding: base64$' lf.txt) = 2")

# Usage errors (exit 2): nothing is written.
add_cli_test(NAME mail-compose-no-from ARGS mail compose --to b@example.org --subject S --body x -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "missing required option --from" "usage: smimekit mail compose")
add_cli_test(NAME mail-compose-no-body ARGS ${COMPOSE} --to b@example.org --subject S -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "give one of --body or --body-file")
add_cli_test(NAME mail-compose-two-bodies SETUP "echo x > b.txt"
             ARGS ${COMPOSE} --to b@example.org --subject S --body x --body-file b.txt -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "--body and --body-file cannot be used together")
add_cli_test(NAME mail-compose-subject-injection
             ARGS ${COMPOSE} --to b@example.org --subject "Hi\nBcc: eve@example.org" --body x -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "--subject must be one line: it contains a line break")
add_cli_test(NAME mail-compose-subject-cr
             ARGS ${COMPOSE} --to b@example.org --subject "Hi\rthere" --body x -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "--subject must be one line")
add_cli_test(NAME mail-compose-address-injection
             ARGS ${COMPOSE} --to "b@example.org\r\nBcc: eve@example.org" --subject S --body x -o m.eml
             EXIT 2 FILES_ABSENT m.eml STDERR "--to must be one line")
add_cli_test(NAME mail-compose-bad-address
             ARGS ${COMPOSE} --to "bob at example.org" --subject S --body x -o m.eml
             EXIT 2 FILES_ABSENT m.eml
             STDERR "invalid value 'bob at example.org' for --to: 'bob at example.org' is not an e-mail address")

# Input errors (exit 3) and output errors (exit 7): no partial file is left behind.
add_cli_test(NAME mail-compose-missing-attachment
             ARGS ${COMPOSE} --to b@example.org --subject S --body x --attach missing.pdf -o m.eml
             EXIT 3 FILES_ABSENT m.eml STDERR "'missing.pdf': no such file")
add_cli_test(NAME mail-compose-binary-body SETUP "printf 'caf\\351\\n' > latin1.txt"
             ARGS ${COMPOSE} --to b@example.org --subject S --body-file latin1.txt -o m.eml
             EXIT 3 FILES_ABSENT m.eml STDERR "'latin1.txt': not UTF-8 text" "hint: send a binary file with --attach")
add_cli_test(NAME mail-compose-exists SETUP "echo old > m.eml"
             ARGS ${COMPOSE} --to b@example.org --subject S --body x -o m.eml
             EXIT 7 STDERR "'m.eml': already exists" "--force"
             CHECK "test \"$(cat m.eml)\" = old")
add_cli_test(NAME mail-compose-force SETUP "echo old > m.eml"
             ARGS ${COMPOSE} --to b@example.org --subject S --body x -o m.eml --force
             EXIT 0 CHECK "grep -q '^Subject: S' m.eml")
add_cli_test(NAME mail-no-subcommand ARGS mail EXIT 2 STDERR "'mail' needs a subcommand" "compose")
