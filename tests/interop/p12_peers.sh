#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test for `smimekit p12 create` / `p12 rewrap`: every file each profile writes is opened
# by the peers (reference/interop.md section 2) - `openssl pkcs12` with and without -legacy,
# NSS `pk12util -i` into a fresh database, gpgsm 2.2 `--import` - and `smimekit inspect --json`
# must predict exactly what each peer did (its "platforms" list). The key must reach each peer
# with its certificate (same public key, shared localKeyID, the friendly name).
set -euo pipefail
source "$(dirname "$0")/lib/checks.bash"
smimekit=$1
certs=$2
work=$(mktemp -d)
homes=()
cleanup() {
    local home
    for home in "${homes[@]}"; do
        gpgconf --homedir "$home" --kill all 2>/dev/null || true
        rm -rf "$home"
    done
    rm -rf "$work"
}
trap cleanup EXIT

pw=$work/pw.txt
printf 'n3w-p12-pass' > "$pw"


# expect LABEL EXPECTED ACTUAL: both "yes" or "no".

# outcome FILE PLATFORM WANTED ACTUAL: the peer did what the profile promises (WANTED), and
# `inspect` predicted what it did.
outcome() {
    expect "$1: $2" "$3" "$4"
    expect "$1: $2 (inspect's prediction)" "$4" "$(predicted "$1" "$2")"
}

# predicted FILE PLATFORM: "yes" or "no", as `smimekit inspect --json` predicts the import.
predicted() {
    "$smimekit" inspect --json --password-file "$pw" "$1" | /usr/bin/python3 -c '
import json, sys
platforms = json.load(sys.stdin)["files"][0]["pkcs12"]["platforms"]
[row] = [p for p in platforms if p["platform"] == sys.argv[1]]
print("yes" if row["can_import"] else "no")' "$2"
}


# check_openssl FILE NAME WITHOUT_LEGACY: opens without -legacy when WITHOUT_LEGACY is yes,
# always with -legacy; the key is the certificate's, and both bags carry the same localKeyID
# and the friendly name.
check_openssl() {
    local file=$1 name=$2 out=$work/openssl
    outcome "$file" "OpenSSL 3 (no -legacy)" "$3" \
        "$(yes_if openssl pkcs12 -info -noout -nodes -in "$file" -passin "file:$pw")"
    checks=$((checks + 1))
    if ! openssl pkcs12 -legacy -in "$file" -passin "file:$pw" -nodes -out "$out.pem" 2>/dev/null; then
        fail "$file: openssl -legacy does not open it"
        return
    fi
    openssl pkcs12 -legacy -in "$file" -passin "file:$pw" -nodes -nocerts 2>/dev/null |
        openssl pkey -pubout > "$out.key.pub"
    openssl pkcs12 -legacy -in "$file" -passin "file:$pw" -nokeys -clcerts 2>/dev/null |
        openssl x509 -noout -pubkey > "$out.cert.pub"
    checks=$((checks + 1))
    cmp -s "$out.key.pub" "$out.cert.pub" || fail "$file: openssl: the key is not the certificate's"
    checks=$((checks + 1))
    local ids names
    ids=$(grep 'localKeyID:' "$out.pem" | sort | uniq -c | awk '{print $1}')
    names=$(grep -c "friendlyName: $name\$" "$out.pem" || true)
    [ "$ids" = 2 ] && [ "$names" = 2 ] ||
        fail "$file: openssl: localKeyID counts [$ids], friendlyName '$name' on $names bags (want 2, 2)"
}

# NSS: pk12util imports every profile; the certificate arrives with its key under the friendly
# name.
check_nss() {
    local file=$1 name=$2 db=$work/nss
    rm -rf "$db" && mkdir "$db"
    certutil -N -d "sql:$db" --empty-password
    local imported=no
    if pk12util -i "$file" -d "sql:$db" -W "$(cat "$pw")" -K '' > "$work/nss.log" 2>&1; then
        imported=yes
    fi
    outcome "$file" NSS yes "$imported"
    [ "$imported" = yes ] || sed 's/^/    pk12util: /' "$work/nss.log"
    if [ "$imported" = yes ]; then
        checks=$((checks + 1))
        certutil -K -d "sql:$db" -f /dev/null 2>/dev/null | grep -q "$name\$" ||
            fail "$file: NSS: no private key under '$name'"
        checks=$((checks + 1))
        certutil -L -d "sql:$db" | grep -q "^$name  *u,u,u" ||
            fail "$file: NSS: certificate '$name' is not paired with its key"
    fi
}

# check_gpgsm FILE WANTED: gpgsm 2.2 (RSA keys only: EC keys crash it) imports the file when
# WANTED is yes (its exit code and then the listed secret key), and otherwise fails for the
# documented reason: it cannot parse PBES2 (encryptedData error at "pkcs5PBES2-params").
check_gpgsm() {
    local file=$1 home
    home=$(mktemp -d /tmp/gs.XXXXXX)  # short: the agent's socket lives here
    homes+=("$home")
    echo allow-loopback-pinentry > "$home/gpg-agent.conf"
    printf 'disable-crl-checks\ndisable-policy-checks\n' > "$home/gpgsm.conf"
    local imported=no log=$work/gpgsm.log
    if GNUPGHOME=$home gpgsm --batch --pinentry-mode loopback --passphrase-fd 3 \
            --import "$file" 3< "$pw" > "$log" 2>&1 &&
        GNUPGHOME=$home gpgsm --list-secret-keys 2>> "$log" | grep -q 'CN=Alice Example'; then
        imported=yes
    fi
    outcome "$file" "gpgsm 2.2" "$2" "$imported"
    if [ "$imported" = no ]; then
        checks=$((checks + 1))
        grep -q 'error at "pkcs5PBES2-params"' "$log" || fail "$file: gpgsm failed otherwise"
    fi
    [ "$imported" = "$2" ] || sed 's/^/    gpgsm: /' "$log"
    gpgconf --homedir "$home" --kill all 2>/dev/null || true
}

create() {
    local profile=$1 user=$2 out=$3
    "$smimekit" p12 create --quiet --cert "$certs/users/$user.pem" --key "$certs/keys/$user.key" \
        --chain "$certs/ca/inter-rsa.pem" --chain "$certs/ca/inter-ec.pem" --chain "$certs/ca/root-rsa.pem" \
        --profile "$profile" --out-password-file "$pw" -o "$out"
}

# alice (RSA-2048) in every profile. What each profile promises: OpenSSL 3 without -legacy opens
# all but legacy (RC2-40), gpgsm 2.2 imports all but modern (PBES2), NSS imports all.
for row in "modern yes no" "compat yes yes" "legacy no yes"; do
    read -r profile openssl_plain gpgsm <<< "$row"
    file=$work/alice-$profile.p12
    create "$profile" alice "$file"
    check_openssl "$file" "Alice Example" "$openssl_plain"
    check_nss "$file" "Alice Example"
    check_gpgsm "$file" "$gpgsm"
done

# Re-wrapped fixtures: the same three peers on the user's real case, and the friendly name kept.
"$smimekit" p12 rewrap --quiet "$certs/p12/fullchain.p12" --password-file "$certs/p12/password.txt" \
    --profile compat --out-password-file "$pw" -o "$work/rewrap-compat.p12"
"$smimekit" p12 rewrap --quiet "$certs/p12/legacy.p12" --password-file "$certs/p12/password.txt" \
    --profile modern --out-password-file "$pw" -o "$work/rewrap-modern.p12"
check_openssl "$work/rewrap-compat.p12" "Alice Example" yes
check_nss "$work/rewrap-compat.p12" "Alice Example"
check_gpgsm "$work/rewrap-compat.p12" yes
check_openssl "$work/rewrap-modern.p12" alice yes
check_nss "$work/rewrap-modern.p12" alice
check_gpgsm "$work/rewrap-modern.p12" no

# bob (ECDSA P-256): openssl and NSS; gpgsm 2.2 crashes on EC keys, so it is predicted "no"
# and not run.
for profile in modern compat; do
    file=$work/bob-$profile.p12
    create "$profile" bob-ec "$file"
    check_openssl "$file" "Bob Example" yes
    check_nss "$file" "Bob Example"
    expect "$file: gpgsm 2.2 (inspect's prediction for an EC key)" no "$(predicted "$file" "gpgsm 2.2")"
done

finish "of p12 create/rewrap output against openssl, NSS and gpgsm"
