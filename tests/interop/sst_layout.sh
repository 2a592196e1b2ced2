#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test for the .sst writer: an independent reader (a few lines of Python over the byte
# layout of [MS-OSHARED] 2.3.9.1 / sst-format.md section 3) must find exactly the header, one
# id-32 element with encoding type 1 per certificate, the 12-byte end marker and nothing else;
# and the openssl CLI must give each element's DER the thumbprint smimekit reports.
set -euo pipefail
smimekit=$1
certs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$smimekit" sst create --now 2030-01-01T00:00:00Z --json -o "$work/chain.sst" \
    "$certs/ca/root-rsa.der" "$certs/ca/inter-rsa.pem" "$certs/ca/inter-ec.pem" "$certs/ca/root-rsa.pem" \
    > "$work/report.json" 2>/dev/null

/usr/bin/python3 - "$work/chain.sst" "$work" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\0\0\0\0CERT", "bad header"
pos, index = 8, 0
while True:
    ident, encoding, length = struct.unpack_from("<III", data, pos)
    pos += 12
    if ident == 0:
        assert encoding == 0 and length == 0, "end marker must be 12 zero bytes"
        break
    assert ident == 32 and encoding == 1, f"unexpected element id={ident} enc={encoding}"
    open(f"{sys.argv[2]}/element{index}.der", "wb").write(data[pos:pos + length])
    pos += length
    index += 1
assert pos == len(data), f"{len(data) - pos} bytes after the end marker"
assert index == 3, f"{index} certificates, expected 3 (duplicate not dropped?)"
print(f"layout ok: {index} certificate elements, {len(data)} bytes")
PY

ours=$(/usr/bin/python3 -c 'import json,sys; print("\n".join(c["sha1"] for c in json.load(open(sys.argv[1]))["certificates"]))' "$work/report.json")
theirs=$(for f in "$work"/element*.der; do openssl x509 -inform DER -in "$f" -noout -fingerprint -sha1 | cut -d= -f2 | tr -d :; done)
[ "$ours" = "$theirs" ] || { echo "thumbprints differ: smimekit [$ours] openssl [$theirs]"; exit 1; }
echo "thumbprints agree with openssl"
