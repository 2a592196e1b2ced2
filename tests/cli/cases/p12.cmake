# SPDX-License-Identifier: Apache-2.0
# smimekit p12 create / rewrap: each profile's protection as `openssl pkcs12 -info` reports it,
# the key stored only shrouded, mode 0600, and every failure leaving no output behind. The peers
# (openssl, NSS, gpgsm) import the files in tests/interop/p12_peers.sh.
set(P12_ALICE --cert certs-test/users/alice.pem --key certs-test/keys/alice.key)
string(JOIN " " P12_ALICE_SH ${P12_ALICE})  # the same inside CHECK snippets
set(P12_NEWPW --out-password-env NEWPW)
set(P12_ENV NEWPW=n3w-p12-pass)
# What openssl says about out.p12 (-legacy reads every profile; stderr holds the -info lines).
set(P12_INFO "openssl pkcs12 -info -noout -legacy -in out.p12 -passin env:NEWPW > info.txt 2>&1")
# The key is in a shrouded (encrypted) key bag, never a plain one, and nothing is PEM text.
set(P12_NO_CLEAR_KEY "grep -q 'Shrouded Keybag' info.txt && ! grep -q 'Key bag' info.txt && ! grep -q 'BEGIN' out.p12")

# ---- create: one case per profile --------------------------------------------------------------
add_cli_test(NAME p12-create-modern
             ARGS p12 create ${P12_ALICE} --chain certs-test/ca/inter-rsa.pem -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 FILES_EXIST out.p12
             STDERR "wrote out.p12 \\(modern\\): a private key and 2 certificates, friendly name 'Alice Example'"
                    "importable: PBES2/AES-256: .*not gpgsm 2.2"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}
grep -q 'MAC: sha256, Iteration 2048' info.txt
test $(grep -c 'PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256' info.txt) = 2
openssl pkcs12 -info -noout -in out.p12 -passin env:NEWPW
$SMIMEKIT inspect --password-env NEWPW out.p12 | grep -q 'key matches: *yes'")
add_cli_test(NAME p12-create-compat
             ARGS p12 create ${P12_ALICE} --profile compat -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "importable: PKCS#12 PBE/3DES: Windows, macOS, gpgsm 2.2"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}
grep -q 'MAC: sha1, Iteration 2048' info.txt
test $(grep -c 'pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048' info.txt) = 2
openssl pkcs12 -info -noout -in out.p12 -passin env:NEWPW")
# Without -legacy OpenSSL 3 cannot undo RC2-40: the prediction says so, and openssl agrees.
add_cli_test(NAME p12-create-legacy
             ARGS p12 create ${P12_ALICE} --profile legacy -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "RC2-40 .*not OpenSSL 3 without -legacy"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}
grep -q 'MAC: sha1, Iteration 2048' info.txt
grep -q 'PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048' info.txt
grep -q 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048' info.txt
! openssl pkcs12 -info -noout -in out.p12 -passin env:NEWPW")

# ---- create: inputs -----------------------------------------------------------------------------
add_cli_test(NAME p12-create-encrypted-key
             ARGS p12 create --cert certs-test/users/alice.der --key certs-test/keys/alice-enc.pkcs8.pem
                  --password-file certs-test/p12/password.txt -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             CHECK "$SMIMEKIT inspect --password-env NEWPW out.p12 | grep -q 'key matches: *yes'")
add_cli_test(NAME p12-create-wrong-key-password
             ARGS p12 create --cert certs-test/users/alice.der --key certs-test/keys/alice-enc.pkcs8.pem
                  --password-env PW -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} PW=wrong EXIT 4 FILES_ABSENT out.p12
             STDERR "'certs-test/keys/alice-enc.pkcs8.pem': wrong password")
add_cli_test(NAME p12-create-key-mismatch
             ARGS p12 create --cert certs-test/users/alice.pem --key certs-test/keys/carol-rsa3072.key
                  -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 4 FILES_ABSENT out.p12
             STDERR "'certs-test/keys/carol-rsa3072.key': the key does not belong to the certificate in 'certs-test/users/alice.pem'")
add_cli_test(NAME p12-create-cert-is-p12
             ARGS p12 create --cert certs-test/p12/modern.p12 --key certs-test/keys/alice.key -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 3 FILES_ABSENT out.p12
             STDERR "'certs-test/p12/modern.p12': this is a .p12 file" "hint: .*smimekit p12 rewrap")
add_cli_test(NAME p12-create-several-certs
             ARGS p12 create --cert certs-test/bundles/all-cas.pem --key certs-test/keys/alice.key -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 3 FILES_ABSENT out.p12
             STDERR "holds 8 certificates; --cert wants exactly one")
add_cli_test(NAME p12-create-key-is-cert
             ARGS p12 create --cert certs-test/users/alice.pem --key certs-test/users/alice.der -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 3 FILES_ABSENT out.p12 STDERR "holds 0 private keys")
# Duplicates and the leaf itself are dropped, and the leaf's issuer comes first although it
# was given after the root.
add_cli_test(NAME p12-create-chain-order
             ARGS p12 create ${P12_ALICE} --chain certs-test/ca/root-rsa.pem --chain certs-test/bundles/chain.p7b
                  --chain certs-test/users/alice.der -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "a private key and 3 certificates"
             CHECK "openssl pkcs12 -in out.p12 -passin env:NEWPW -nokeys | grep '^subject=' > order.txt
printf '%s\\n' 'subject=O = smimekit test, CN = Alice Example' 'subject=O = smimekit test, CN = smimekit Test Intermediate RSA' 'subject=O = smimekit test, CN = smimekit Test Root RSA' | diff - order.txt")
add_cli_test(NAME p12-create-chain-directory
             SETUP "mkdir cas && cp certs-test/ca/inter-rsa.pem cas/ && echo notes > cas/notes.txt"
             ARGS p12 create ${P12_ALICE} --chain cas -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "warning: 'cas/notes.txt': .*\\(skipped\\)" "a private key and 2 certificates")
# --name sets the friendly name of both bags; --name '' writes none.
add_cli_test(NAME p12-create-name
             ARGS p12 create ${P12_ALICE} --name "Alice (signing)" -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             CHECK "test $(openssl pkcs12 -in out.p12 -passin env:NEWPW -nodes | grep -c 'friendlyName: Alice (signing)') = 2
$SMIMEKIT p12 create ${P12_ALICE_SH} --name '' -o none.p12 --out-password-env NEWPW
! openssl pkcs12 -in none.p12 -passin env:NEWPW -nodes | grep -q friendlyName")

# ---- create: the output ---------------------------------------------------------------------------
# Mode 0600 whatever the umask: under the test's own umask, and under umask 000.
add_cli_test(NAME p12-create-mode
             ARGS p12 create ${P12_ALICE} -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             CHECK "test $(stat -c %a out.p12) = 600
(umask 000 && $SMIMEKIT p12 create ${P12_ALICE_SH} -o open.p12 --out-password-env NEWPW)
test $(stat -c %a open.p12) = 600")
add_cli_test(NAME p12-create-exists SETUP "echo keep > out.p12"
             ARGS p12 create ${P12_ALICE} -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 7 STDERR "'out.p12': already exists" "hint: use --force"
             CHECK "test \"$(cat out.p12)\" = keep")
add_cli_test(NAME p12-create-force SETUP "echo old > out.p12"
             ARGS p12 create ${P12_ALICE} -o out.p12 ${P12_NEWPW} --force
             ENV ${P12_ENV} EXIT 0 CHECK "test $(stat -c %a out.p12) = 600 && openssl pkcs12 -info -noout -in out.p12 -passin env:NEWPW")
add_cli_test(NAME p12-create-out-password-stdin
             ARGS p12 create ${P12_ALICE} -o out.p12 --out-password-stdin
             STDIN "from-stdin" EXIT 0
             CHECK "openssl pkcs12 -info -noout -in out.p12 -passin pass:from-stdin")

# ---- create: password mistakes --------------------------------------------------------------------
add_cli_test(NAME p12-create-both-stdin
             ARGS p12 create ${P12_ALICE} -o out.p12 --password-stdin --out-password-stdin
             EXIT 2 FILES_ABSENT out.p12
             STDERR "--password-stdin and --out-password-stdin cannot be used together")
add_cli_test(NAME p12-create-two-out-sources
             ARGS p12 create ${P12_ALICE} -o out.p12 --out-password-env NEWPW --out-password-stdin
             ENV ${P12_ENV} EXIT 2 FILES_ABSENT out.p12
             STDERR "give only one of --out-password-file, --out-password-env or --out-password-stdin")
add_cli_test(NAME p12-create-empty-password SETUP "printf '' > empty.txt"
             ARGS p12 create ${P12_ALICE} -o out.p12 --out-password-file empty.txt
             EXIT 2 FILES_ABSENT out.p12
             STDERR "the password of the new .p12 is empty" "hint: choose a password")
# No source and no terminal (stdin is /dev/null): the hint names the output options.
add_cli_test(NAME p12-create-no-out-password
             ARGS p12 create ${P12_ALICE} -o out.p12
             EXIT 4 FILES_ABSENT out.p12
             STDERR "the new .p12: a password is needed" "hint: give it with --out-password-file")
add_cli_test(NAME p12-create-bad-profile
             ARGS p12 create ${P12_ALICE} -o out.p12 --profile windows7 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 2 FILES_ABSENT out.p12
             STDERR "invalid value 'windows7' for --profile: use modern, compat or legacy")

# ---- rewrap -----------------------------------------------------------------------------------------
# A modern export made gpgsm-friendly: 3DES and a SHA-1 MAC, the same key, chain order and name.
add_cli_test(NAME p12-rewrap-compat
             ARGS p12 rewrap certs-test/p12/fullchain.p12 --password-file certs-test/p12/password.txt
                  --profile compat -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             STDERR "wrote out.p12 \\(compat\\): a private key and 3 certificates, friendly name 'Alice Example'"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}
grep -q 'MAC: sha1' info.txt && ! grep -q PBES2 info.txt
openssl pkcs12 -legacy -in certs-test/p12/fullchain.p12 -passin file:certs-test/p12/password.txt -nokeys | grep '^subject=' > before.txt
openssl pkcs12 -in out.p12 -passin env:NEWPW -nokeys | grep '^subject=' > after.txt
diff before.txt after.txt
$SMIMEKIT inspect --password-env NEWPW out.p12 | grep -q 'key matches: *yes'")
add_cli_test(NAME p12-rewrap-legacy-to-modern
             ARGS p12 rewrap certs-test/p12/legacy.p12 --password-file certs-test/p12/password.txt -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "\\(modern\\)" "friendly name 'alice'"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}
openssl pkcs12 -info -noout -in out.p12 -passin env:NEWPW")
# nopass.p12 holds its key in a plain keyBag: the re-wrapped file holds it shrouded.
add_cli_test(NAME p12-rewrap-plain-key
             ARGS p12 rewrap certs-test/p12/nopass.p12 -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             CHECK "openssl pkcs12 -info -noout -legacy -in certs-test/p12/nopass.p12 -passin pass: 2>&1 | grep -q 'Key bag'
${P12_INFO} && ${P12_NO_CLEAR_KEY}")
add_cli_test(NAME p12-rewrap-name
             ARGS p12 rewrap certs-test/p12/compat.p12 --password-file certs-test/p12/password.txt
                  --name "Alice 2030" -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "friendly name 'Alice 2030'"
             CHECK "test $(openssl pkcs12 -in out.p12 -passin env:NEWPW -nodes | grep -c 'friendlyName: Alice 2030') = 2")
add_cli_test(NAME p12-rewrap-certificates-only
             ARGS p12 rewrap certs-test/p12/certonly.p12 --password-file certs-test/p12/password.txt -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0
             STDERR "'certs-test/p12/certonly.p12' holds no private key: only its certificates are written"
                    "no private key, 1 certificate, no friendly name"
             CHECK "${P12_INFO} && ! grep -q 'Keybag' info.txt")
add_cli_test(NAME p12-rewrap-key-only
             ARGS p12 rewrap certs-test/p12/keyonly.p12 --password-file certs-test/p12/password.txt -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 0 STDERR "does not hold the key's certificate"
             CHECK "${P12_INFO} && ${P12_NO_CLEAR_KEY}")
add_cli_test(NAME p12-rewrap-wrong-password
             ARGS p12 rewrap certs-test/p12/modern.p12 --password-env PW -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} PW=wrong EXIT 4 FILES_ABSENT out.p12
             STDERR "'certs-test/p12/modern.p12': wrong password")
add_cli_test(NAME p12-rewrap-not-p12
             ARGS p12 rewrap certs-test/users/alice.der -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 3 FILES_ABSENT out.p12 STDERR "'certs-test/users/alice.der': not a PKCS#12 file")
add_cli_test(NAME p12-rewrap-pbmac1
             ARGS p12 rewrap certs-test/p12/pbmac1.p12 -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 5 FILES_ABSENT out.p12 STDERR "PBMAC1")
add_cli_test(NAME p12-rewrap-exists SETUP "echo keep > out.p12"
             ARGS p12 rewrap certs-test/p12/modern.p12 --password-file certs-test/p12/password.txt -o out.p12 ${P12_NEWPW}
             ENV ${P12_ENV} EXIT 7 STDERR "'out.p12': already exists" CHECK "test \"$(cat out.p12)\" = keep")
add_cli_test(NAME p12-rewrap-both-stdin
             ARGS p12 rewrap certs-test/p12/modern.p12 -o out.p12 --password-stdin --out-password-stdin
             EXIT 2 STDERR "cannot be used together")
add_cli_test(NAME p12-rewrap-missing-input
             ARGS p12 rewrap -o out.p12 ${P12_NEWPW} ENV ${P12_ENV} EXIT 2 FILES_ABSENT out.p12)
