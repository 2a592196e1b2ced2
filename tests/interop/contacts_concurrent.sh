#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Reliability: two `contacts import` processes on one inventory at the same time, over the same
# few thousand generated certificates (bench_gen_certs), while a third process lists. Both must
# finish without "database is locked", every certificate must be added exactly once between
# them (the other sees it unchanged), and the sqlite3 CLI must find no duplicate and a sound
# file. Oracles: the two JSON reports and the sqlite3 CLI.
set -euo pipefail
smimekit=$1
count=3000
gen_certs=$(dirname "$smimekit")/bench/bench_gen_certs
[ -x "$gen_certs" ] || { echo "FAIL: $gen_certs is missing (build the bench_gen_certs target)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen_certs" "$count" "$work/certs" >/dev/null 2>&1
db=$work/inventory.db
now=--now=2030-01-01T00:00:00Z

"$smimekit" contacts import --db "$db" "$now" --json "$work/certs" >"$work/a.json" 2>"$work/a.err" &
a=$!
"$smimekit" contacts import --db "$db" "$now" --json "$work/certs" >"$work/b.json" 2>"$work/b.err" &
b=$!
# A reader meanwhile: WAL lets it read while the writers take turns.
sleep 0.5
"$smimekit" contacts list --db "$db" "$now" >/dev/null 2>"$work/list.err" || {
    echo "FAIL: contacts list during the imports exited $?"; cat "$work/list.err"; exit 1; }
status=0
wait "$a" || { echo "FAIL: import A exited $?"; cat "$work/a.err"; status=1; }
wait "$b" || { echo "FAIL: import B exited $?"; cat "$work/b.err"; status=1; }
[ "$status" = 0 ] || exit 1
if grep -qi "locked\|busy" "$work/a.err" "$work/b.err"; then
    echo "FAIL: lock errors reported"; cat "$work/a.err" "$work/b.err"; exit 1
fi

/usr/bin/python3 - "$work/a.json" "$work/b.json" "$count" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
count = int(sys.argv[3])
for r in (a, b):
    assert r["files"] == count + 2, r["files"]          # plus ca.der and files.txt
    assert len(r["skipped"]) == 2, r["skipped"]
    assert r["added"] + r["unchanged"] + r["updated"] == count, r
assert a["added"] + b["added"] == count, (a["added"], b["added"])
assert a["new_contacts"] + b["new_contacts"] == count + count // 5, (a["new_contacts"], b["new_contacts"])
print(f"reports agree: A added {a['added']}, B added {b['added']}, {count} in all")
PY

q() { sqlite3 "$db" "$1"; }
[ "$(q 'PRAGMA integrity_check')" = ok ] || { echo "FAIL: integrity_check"; exit 1; }
[ "$(q 'SELECT count(*) FROM certificates')" = "$count" ] || { echo "FAIL: certificate count"; exit 1; }
# bench_gen_certs gives every fifth certificate a second address.
[ "$(q 'SELECT count(*) FROM contacts')" = $((count + count / 5)) ] || { echo "FAIL: contact count"; exit 1; }
[ "$(q 'SELECT count(*) FROM contact_certificates')" = $((count + count / 5)) ] || { echo "FAIL: link count"; exit 1; }
[ "$(q 'SELECT count(*) FROM (SELECT sha256 FROM certificates GROUP BY sha256 HAVING count(*) > 1)')" = 0 ] ||
    { echo "FAIL: duplicate certificates"; exit 1; }
[ "$(q 'SELECT count(*) FROM (SELECT lower(identity) FROM contacts GROUP BY lower(identity) HAVING count(*) > 1)')" = 0 ] ||
    { echo "FAIL: duplicate identity names"; exit 1; }
echo "two concurrent imports: $count certificates, no duplicates, integrity ok"

# Four processes that create the same new inventory at once. Two races lived here: the
# identity check read the header in three statements, so a process could see tables without
# the application id and call the new file another program's (CI, 2026-11-23); and switching
# the new file to WAL got "database is locked" without waiting. About one round in twenty
# failed before the fixes, so 50 rounds catch a return almost surely.
cert=$(dirname "$0")/../../certs-test/users/alice.der
[ -f "$cert" ] || cert=$(ls "$work"/certs/*.der | head -1)
rounds=50
for round in $(seq "$rounds"); do
    fresh=$work/fresh-$round.db
    pids=()
    for _ in 1 2 3 4; do
        "$smimekit" contacts import --db "$fresh" "$now" "$cert" >/dev/null 2>>"$work/fresh.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { echo "FAIL: round $round: an import into a new inventory exited $?";
                         cat "$work/fresh.err"; exit 1; }
    done
    [ "$(sqlite3 "$fresh" 'SELECT count(*) FROM certificates')" = 1 ] ||
        { echo "FAIL: round $round: certificate count"; exit 1; }
done
echo "$rounds rounds of four processes creating one inventory at once: all succeeded"
