#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test: for every certificate file in certs-test, `smimekit inspect --json` must agree with
# the openssl CLI on subject, issuer, serial, validity dates, e-mail addresses, SHA-1 and
# SHA-256 fingerprints; for every .p12, on the set of certificate thumbprints it holds.
set -euo pipefail
smimekit=$1
certs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One smimekit process for all single-certificate files; openssl once per file.
mapfile -t files < <(cd "$certs" && find ca users chains -name '*.der' -o -name '*.pem' | grep -v '\.crl\.' | sort)
(cd "$certs" && "$smimekit" inspect --json "${files[@]}") > "$work/ours.json"
for f in "${files[@]}"; do
    inform=PEM; [[ $f == *.der ]] && inform=DER
    openssl x509 -inform $inform -in "$certs/$f" -noout -nameopt RFC2253,-esc_msb -dateopt iso_8601 \
        -subject -issuer -serial -startdate -enddate -fingerprint -sha1 -email > "$work/o1"
    sha256=$(openssl x509 -inform $inform -in "$certs/$f" -noout -fingerprint -sha256)
    printf '%s\t%s\n' "$f" "$(tr '\n' '\036' < "$work/o1")${sha256}"
done > "$work/openssl.tsv"

/usr/bin/python3 - "$work/ours.json" "$work/openssl.tsv" <<'PY'
import json, sys
ours = {f["file"]: f for f in json.load(open(sys.argv[1]))["files"]}
failures = 0
checked = 0
for line in open(sys.argv[2], encoding="utf-8"):
    name, fields = line.rstrip("\n").split("\t", 1)
    lines = fields.split("\036")
    expected = {}
    emails = []
    for item in lines:
        if "=" in item and item.split("=", 1)[0] in ("subject", "issuer", "serial", "notBefore", "notAfter"):
            key, value = item.split("=", 1)
            expected[key] = value
        elif item.startswith("sha1 Fingerprint="):
            expected["sha1"] = item.split("=", 1)[1].replace(":", "")
        elif item.startswith("sha256 Fingerprint="):
            expected["sha256"] = item.split("=", 1)[1].replace(":", "")
        elif item:
            emails.append(item)
    cert = ours[name]["certificates"][0]
    got = {
        "subject": cert["subject"], "issuer": cert["issuer"],
        "serial": cert["serial"].upper().lstrip("0") or "0",
        "notBefore": cert["not_before"].replace("T", " "), "notAfter": cert["not_after"].replace("T", " "),
        "sha1": cert["sha1"], "sha256": cert["sha256"],
    }
    expected["serial"] = expected["serial"].lstrip("0") or "0"
    for key, value in expected.items():
        checked += 1
        if got[key] != value:
            failures += 1
            print(f"MISMATCH {name} {key}: smimekit={got[key]!r} openssl={value!r}")
    ours_emails = sorted(set(cert["emails"]["san"] + cert["emails"]["subject"]))
    checked += 1
    if ours_emails != sorted(set(emails)):
        failures += 1
        print(f"MISMATCH {name} emails: smimekit={ours_emails} openssl={sorted(set(emails))}")
print(f"{len(ours)} certificates, {checked} fields compared with openssl, {failures} mismatches")
sys.exit(1 if failures else 0)
PY

# .p12: the certificates smimekit reads are the ones openssl pkcs12 reads.
for p12 in modern compat legacy fullchain certonly bob-ec carol; do
    openssl pkcs12 -legacy -in "$certs/p12/$p12.p12" -passin "file:$certs/p12/password.txt" -nokeys \
        2>/dev/null > "$work/p12.pem"
    (cd "$work" && rm -f c* && csplit -s -z -f c p12.pem '/BEGIN CERTIFICATE/' '{*}')
    theirs=$(for c in "$work"/c*; do
                 openssl x509 -in "$c" -noout -fingerprint -sha1 2>/dev/null | cut -d= -f2 | tr -d :
             done | sort)
    ours=$("$smimekit" inspect --json --password-file "$certs/p12/password.txt" "$certs/p12/$p12.p12" |
        /usr/bin/python3 -c 'import json,sys; print("\n".join(sorted(c["sha1"] for c in json.load(sys.stdin)["files"][0]["certificates"])))')
    if [ -z "$theirs" ] || [ "$ours" != "$theirs" ]; then
        echo "MISMATCH p12/$p12.p12: smimekit [$ours] openssl [$theirs]"
        exit 1
    fi
done
echo "p12 certificate sets agree with openssl pkcs12"
