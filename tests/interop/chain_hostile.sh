#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A hostile pool: K CA keys that all carry the same name and have cross-signed each other in
# every direction (K*K certificates, every one a candidate issuer of every other). Without
# bounds, the paths from a leaf number in the millions. smimekit must end (a hang guard of
# 300 s, not a timing assertion), say that it stopped, use bounded memory, and give verdict 1.
set -euo pipefail
smimekit=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
K=7
cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
CNF
for i in $(seq 1 $K); do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k$i.pem 2>/dev/null
    openssl req -new -x509 -key k$i.pem -subj "/CN=Mesh CA" -days 3650 -out self$i.pem \
        -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
done
mkdir pool
for i in $(seq 1 $K); do          # signer
    for j in $(seq 1 $K); do      # subject key
        [ "$i" = "$j" ] && continue
        openssl req -new -key k$j.pem -subj "/CN=Mesh CA" -out r.csr 2>/dev/null
        openssl x509 -req -in r.csr -CA self$i.pem -CAkey k$i.pem -set_serial $((i * 100 + j)) \
            -days 3650 -extfile ext.cnf -extensions ca -out pool/c$i-$j.pem 2>/dev/null
    done
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj "/CN=Victim" -out leaf.csr 2>/dev/null
openssl x509 -req -in leaf.csr -CA self1.pem -CAkey k1.pem -set_serial 1 -days 3650 \
    -extfile ext.cnf -extensions leaf -out leaf.pem 2>/dev/null
openssl req -new -x509 -key k1.pem -subj "/CN=Unrelated Root" -days 3650 -out anchor.pem 2>/dev/null
echo "pool: $(ls pool | wc -l) same-named cross-signed CAs"

status=0
/usr/bin/time -f "%e s, %M KB" -o usage.txt timeout 300 "$smimekit" chain verify leaf.pem \
    --pool pool --trust anchor.pem > out.txt 2>&1 || status=$?
cat out.txt usage.txt
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status"; exit 1; }
grep -q "stopped after exploring" out.txt || { echo "the builder did not say it stopped"; exit 1; }
kb=$(grep -o '[0-9]* KB' usage.txt | cut -d' ' -f1)
[ "$kb" -lt 500000 ] || { echo "memory grew to $kb KB"; exit 1; }
echo "hostile pool handled"
