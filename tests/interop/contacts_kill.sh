#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Reliability: `kill -9` in the middle of a `contacts import` leaves an inventory that passes
# the sqlite3 CLI's PRAGMA integrity_check and holds whole batches only, and a re-run completes
# it: it adds exactly what the killed run had not committed and finds the rest unchanged.
set -euo pipefail
smimekit=$1
count=5000
gen_certs=$(dirname "$smimekit")/bench/bench_gen_certs
[ -x "$gen_certs" ] || { echo "FAIL: $gen_certs is missing (build the bench_gen_certs target)"; exit 1; }
work=$(mktemp -d)
import=
cleanup() {
    [ -z "$import" ] || kill -9 "$import" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$gen_certs" "$count" "$work/certs" >/dev/null 2>&1
db=$work/inventory.db
now=--now=2030-01-01T00:00:00Z

"$smimekit" contacts import --db "$db" "$now" "$work/certs" >/dev/null 2>&1 &
import=$!
# Wait for the first committed batch (the schema alone is not enough), then kill.
committed=0
for _ in $(seq 600); do
    if [ -f "$db" ]; then
        committed=$(sqlite3 "$db" 'SELECT count(*) FROM certificates' 2>/dev/null || echo 0)
        [ "${committed:-0}" -gt 0 ] && break
    fi
    sleep 0.05
done
kill -9 "$import"
wait "$import" 2>/dev/null || true
import=

[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: integrity_check after kill -9"; exit 1; }
[ "$(sqlite3 "$db" 'PRAGMA foreign_key_check')" = "" ] || { echo "FAIL: foreign_key_check"; exit 1; }
stored=$(sqlite3 "$db" 'SELECT count(*) FROM certificates')
echo "killed after $stored of $count certificates were committed"
if [ "$stored" -le 0 ] || [ "$stored" -ge "$count" ]; then
    echo "FAIL: the kill did not land in the middle of the import ($stored of $count)"; exit 1
fi
# Every committed certificate has its contacts: batches are all or nothing.
[ "$(sqlite3 "$db" 'SELECT count(*) FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM contact_certificates l WHERE l.certificate_id = c.id)')" = 0 ] ||
    { echo "FAIL: a certificate without its contact"; exit 1; }

"$smimekit" contacts import --db "$db" "$now" --json "$work/certs" >"$work/rerun.json" 2>/dev/null
/usr/bin/python3 - "$work/rerun.json" "$count" "$stored" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
count, stored = int(sys.argv[2]), int(sys.argv[3])
assert r["added"] == count - stored, (r["added"], count - stored)
assert r["unchanged"] == stored, (r["unchanged"], stored)
print(f"re-run: added {r['added']}, unchanged {r['unchanged']}")
PY
[ "$(sqlite3 "$db" 'SELECT count(*) FROM certificates')" = "$count" ] || { echo "FAIL: certificate count"; exit 1; }
[ "$(sqlite3 "$db" 'SELECT count(*) FROM contacts')" = $((count + count / 5)) ] || { echo "FAIL: contact count"; exit 1; }
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: integrity_check after the re-run"; exit 1; }
echo "kill -9 then re-run: $count certificates, integrity ok"
