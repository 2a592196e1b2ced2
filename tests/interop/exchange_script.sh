#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The contacts script of `smimekit exchange contacts` (issue 11), checked without PowerShell,
# which Debian's archive does not have: a Python lexer of PowerShell's quoting rules
# (about_Quoting_Rules, about_Comments) finds every string literal, comment and bracket, and
# asserts that the script is well-formed, that every name and address (hostile ones included:
# quotes ASCII and typographic, backticks, $( ), double quotes, semicolons) sits whole inside
# one single-quoted literal or a comment, and that each embedded base64 decodes to exactly the
# DER of the certificate files (python3-cryptography reads their addresses, independently of
# smimekit). Then the drift: a state file shaped as ConvertTo-Json writes it, made from those
# files, must diff as "ok"; a changed one must show missing, stale, extra and mismatch.
set -euo pipefail
smimekit=$1
certs=$2
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/inventory.db
now=--now=2030-01-01T00:00:00Z

# Hostile names come from the certificates' common names (the inventory's default display
# name and identity) and addresses; renew-* make a history. python3-cryptography refuses the
# hostile address (its parser reads "(calc)" as a comment), so the openssl CLI makes that one
# (in its -addext values, quote characters and "$" need a backslash).
mkdir "$work/gen"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -days 3650 \
    -subj '/O=smimekit test/CN=Eve "Q" O'"'"'Brien $(rm -r C:\\) `whoami`; Write-Host pwned #>' \
    -addext 'subjectAltName=email:eve\'"'"'\$(calc)\`x@example.org' -addext basicConstraints=CA:FALSE \
    -addext keyUsage=critical,digitalSignature,keyEncipherment -outform DER -out "$work/gen/hostile.der" 2>/dev/null
cat >"$work/spec" <<'SPEC'
smart|Renée ’Smart‘ Quote‚‛|smart@example.org|2025-01-01|2046-01-01|both
renew-old|Rita Renew|renew@example.org|2024-01-01|2030-06-01|both
renew-new|Rita Renew|renew@example.org|2026-01-01|2032-01-01|both
SPEC
"$python" "$(dirname "$0")/../support/make_contact_certs.py" "$work/gen" "$work/spec"
"$smimekit" contacts import -q --db "$db" "$now" "$certs/users" "$work/gen" >/dev/null
"$smimekit" exchange contacts --db "$db" "$now" --all --internal-domain example.com \
    -o "$work/contacts.ps1" 2>"$work/err" || { cat "$work/err"; exit 1; }

"$python" - "$work/contacts.ps1" "$certs/users" "$work/gen" "$work/state-ok.json" "$work/state-drift.json" <<'PY'
import base64, glob, json, os, re, sys
from cryptography import x509

script_path, users, gen, state_ok, state_drift = sys.argv[1:]
raw = open(script_path, "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "a line does not end in CRLF"
text = raw.decode("utf-8")
assert text.startswith("#Requires -Version 7\r\n")

# ---- a lexer for what matters here (about_Quoting_Rules, about_Comments) --------------------
SINGLE = "'\u2018\u2019\u201a\u201b"   # each ends a single-quoted string unless doubled
DOUBLE = '"\u201c\u201d\u201e'
CLOSE = {")": "(", "}": "{", "]": "["}
literals, comments, stack = [], [], []
i, n = 0, len(text)
while i < n:
    c = text[i]
    if text.startswith("<#", i):
        j = text.find("#>", i + 2)
        assert j >= 0, "unterminated block comment"
        comments.append((i, j + 2)); i = j + 2; continue
    if c == "#":
        j = text.find("\r\n", i)
        comments.append((i, j)); i = j; continue
    if c in SINGLE:
        j, value = i + 1, []
        while True:
            assert j < n, "unterminated single-quoted string at %d" % i
            if text[j] in SINGLE:
                if j + 1 < n and text[j + 1] in SINGLE:
                    value.append(text[j]); j += 2; continue
                break
            value.append(text[j]); j += 1
        literals.append((i, j + 1, "".join(value))); i = j + 1; continue
    if c in DOUBLE:
        j = i + 1
        while True:
            assert j < n, "unterminated double-quoted string at %d" % i
            if text[j] == "`": j += 2; continue
            if text[j] in DOUBLE:
                if j + 1 < n and text[j + 1] in DOUBLE: j += 2; continue
                break
            j += 1
        i = j + 1; continue
    if c == "`": i += 2; continue
    if c in "({[": stack.append((c, i))
    elif c in CLOSE:
        assert stack and stack[-1][0] == CLOSE[c], "unbalanced %r at %d" % (c, i)
        stack.pop()
    i += 1
assert not stack, "unclosed %r" % (stack,)

def inside(spans, at, length):
    return any(s <= at and at + length <= e for s, e, *rest in spans)

# ---- the recipients: each value line is exactly one literal up to the end of the line ------
literal_at = {s: (e, v) for s, e, v in literals}
recipients, current = [], None
for m in re.finditer(r"^        (Identity|Address|DisplayName|Internal|Certificates) *= (.*?)\r$", text, re.M):
    key, start = m.group(1), m.start(2)
    if key == "Identity":
        current = {"certs": []}; recipients.append(current)
    if key in ("Identity", "Address", "DisplayName"):
        end, value = literal_at[start]
        assert end == m.end(2), "something follows the literal of %s: %r" % (key, m.group(0))
        current[key] = value
    elif key == "Internal":
        current[key] = m.group(2) == "$true"
blocks = text.split("    [pscustomobject]@{\r\n")[1:]
assert len(blocks) == len(recipients)
for block, r in zip(blocks, recipients):
    body = block.split("        Certificates = [byte[][]]@(\r\n", 1)[1].split("        )\r\n", 1)[0]
    for line in body.split("\r\n")[:-1]:
        m = re.fullmatch(r"            ,\[Convert\]::FromBase64String\('([A-Za-z0-9+/=]+)'\)", line)
        assert m, "not one certificate per line: %r" % line
        r["certs"].append(base64.b64decode(m.group(1), validate=True))

# ---- the oracle: the certificate files, their addresses by python3-cryptography -------------
by_address = {}
files = sorted(glob.glob(os.path.join(users, "*.der")) + glob.glob(os.path.join(gen, "*.der")))
for path in files:
    der = open(path, "rb").read()
    cert = x509.load_der_x509_certificate(der)
    try:
        addresses = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.RFC822Name)
    except x509.ExtensionNotFound:
        addresses = [a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.EMAIL_ADDRESS)]
    for address in addresses:
        by_address.setdefault(address, {})[os.path.basename(path)] = der
expected = {a: set(d.values()) for a, d in by_address.items()}
expected["renew@example.org"] = {by_address["renew@example.org"]["renew-new.der"]}  # the older is history

got = {r["Address"]: r for r in recipients}
assert set(got) == set(expected), (sorted(got), sorted(expected))
for address, r in got.items():
    assert set(r["certs"]) == expected[address], address   # exactly the bytes of the files
    assert len(r["certs"]) == len(expected[address]), address
    assert r["Internal"] == address.endswith("@example.com"), address

hostile = got["eve'$(calc)`x@example.org"]
assert hostile["Identity"] == hostile["DisplayName"] == 'Eve "Q" O\'Brien $(rm -r C:\\) `whoami`; Write-Host pwned #>', hostile
assert got["smart@example.org"]["Identity"] == "Ren\u00e9e \u2019Smart\u2018 Quote\u201a\u201b"

# Every appearance of a hostile fragment is inside a literal or a comment.
for fragment in ("pwned", "rm -r", "whoami", "$(calc)", "Smart", "#>"):
    for m in re.finditer(re.escape(fragment), text):
        if fragment == "#>" and text[m.start() - 1] != " ":
            continue  # the help block's own end
        assert inside(literals, m.start(), len(fragment)) or inside(comments, m.start(), len(fragment)), \
            "%r outside a literal or comment at %d" % (fragment, m.start())
assert text.index("-gt 15") < text.index("New-MailContact -Name")

# ---- state files shaped as ConvertTo-Json -Depth 5 writes them ------------------------------
def entry(r, certs, numbers=False):
    values = [list(c) if numbers else base64.b64encode(c).decode() for c in certs]
    return {"Identity": r["Identity"], "Address": r["Address"], "RecipientType": "MailContact",
            "UserCertificate": values[0] if len(values) == 1 and not numbers else values}

ok = [entry(r, r["certs"], numbers=(k % 2 == 1)) for k, r in enumerate(recipients)]
json.dump(ok, open(state_ok, "w"), indent=2)

drift = [e for e in ok if e["Address"] != "alice@example.org"]                       # missing
renew = next(e for e in drift if e["Address"] == "renew@example.org")
renew["UserCertificate"] = [base64.b64encode(by_address["renew@example.org"]["renew-old.der"]).decode()]  # stale
bob = next(e for e in drift if e["Address"] == "bob@example.org")
bob["UserCertificate"] = [base64.b64encode(got["carol@example.org"]["certs"][0]).decode()]  # extra (+ missing)
carol = next(e for e in drift if e["Address"] == "carol@example.org")
carol["UserCertificate"] = base64.b64encode(got["carol@example.org"]["certs"][0][:200]).decode()  # mismatch
drift.append({"Name": "Stranger", "ExternalEmailAddress": "SMTP:stranger@example.net",
              "UserCertificate": [list(got["carol@example.org"]["certs"][0])]})           # extra recipient
json.dump(drift, open(state_drift, "w"), indent=2)
print("script: %d recipients, %d certificates checked" % (len(recipients), sum(len(r["certs"]) for r in recipients)))
PY

"$smimekit" exchange diff --db "$db" "$work/state-ok.json" >"$work/ok.txt" || {
    echo "FAIL: diff of the unchanged state exited $?"; cat "$work/ok.txt"; exit 1; }
grep -q ": [0-9]* ok, 0 missing, 0 extra, 0 stale, 0 mismatch$" "$work/ok.txt" || { echo "FAIL: not all ok"; cat "$work/ok.txt"; exit 1; }

status=0
"$smimekit" exchange diff --db "$db" --json "$work/state-drift.json" >"$work/drift.json" || status=$?
[ "$status" = 1 ] || { echo "FAIL: diff of the changed state exited $status, expected 1"; exit 1; }
"$python" - "$work/drift.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["schema"] == "smimekit/1" and report["command"] == "exchange diff" and report["differs"] is True
status = {(r["email"] or r["address"]): r["status"] for r in report["recipients"]}
codes = {(r["email"] or r["address"]): [d["code"] for d in r["details"]] for r in report["recipients"]}
assert status["alice@example.org"] == "missing" and codes["alice@example.org"] == ["no-recipient"], codes
assert status["renew@example.org"] == "stale" and codes["renew@example.org"] == ["stale", "not-published"], codes
assert status["bob@example.org"] == "extra" and codes["bob@example.org"] == ["unknown", "not-published"], codes
assert status["carol@example.org"] == "mismatch" and codes["carol@example.org"] == ["not-a-certificate", "not-published"], codes
assert status["stranger@example.net"] == "extra" and codes["stranger@example.net"] == ["not-in-inventory", "unknown"], codes
others = [k for k, v in status.items() if v != "ok" and k not in ("alice@example.org", "renew@example.org", "bob@example.org", "carol@example.org", "stranger@example.net")]
assert not others, others
assert report["summary"]["missing"] == 1 and report["summary"]["stale"] == 1 and report["summary"]["mismatch"] == 1
print("drift: %d recipients classified" % len(status))
PY
echo "OK"
