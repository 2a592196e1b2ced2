#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input, end to end: every place where a command reads a file the user names gets every
# kind of bad input (empty, truncated at several offsets, random bytes, a valid file of the
# wrong kind, a directory, a missing file, a file it may not read, 100 MB of zeros, a symlink
# loop), and every run must end the way README's exit code table says: the expected code, never
# a signal or an internal error, one "smimekit: error:" line naming the file, nothing left in
# the output directory, and the inventory exactly as before (sqlite3 .dump).
# Commands listed by `smimekit help` that have no slot below still get the generic slot
# `COMMAND BAD` (no crash, no internal error, no output), so new commands are swept from the
# first day; give them real slots here.
set -euo pipefail
shopt -s nullglob
smimekit=$(realpath "$1")
certs=$(realpath "$2")
work=$(mktemp -d)
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
now=--now=2030-01-01T00:00:00Z

# Root reads files whatever their mode: run every case as nobody, as the AS_NOBODY CLI tests do.
as_user=()
if [ "$(id -u)" = 0 ]; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# ---- the inputs ----------------------------------------------------------------------------
in=$work/inputs
mkdir -p "$in"
cd "$in"
cp "$certs/users/alice.der" "$certs/users/alice.pem" "$certs/keys/alice.key" \
    "$certs/ca/root-rsa.pem" "$certs/ca/inter-rsa.pem" "$certs/chains/inter-rsa.crl.pem" \
    "$certs/p12/modern.p12" "$certs/sst/generated/ok-chain-sha1.sst" "$in/"
printf 'test1234\n' >"$in/password.txt"
printf '[{"Identity": "Alice Example", "Address": "alice@example.org", "UserCertificate": ["%s"]}]\n' \
    "$(base64 -w0 "$certs/users/alice.der")" >"$in/state.json"
printf 'From: alice@example.org\r\nTo: b@example.org\r\nSubject: x\r\n\r\nhello\r\n' >"$in/mail.eml"
openssl smime -sign -in "$in/mail.eml" -signer "$in/alice.pem" -inkey "$in/alice.key" \
    -from alice@example.org -out "$in/signed.eml"
openssl smime -encrypt -aes256 -in "$in/mail.eml" -out "$in/encrypted.eml" "$in/alice.pem"
db=$in/inventory.db
/usr/bin/python3 -c 'import random, sys; random.seed(12); sys.stdout.buffer.write(random.randbytes(4096))' \
    >"$in/random"
chmod -R a+rX "$in"
chmod a+rwx "$in"  # SQLite makes its -wal and -shm files beside the inventory
"${as_user[@]}" "$smimekit" contacts import --db "$db" "$now" alice.der >/dev/null
"${as_user[@]}" cp "$db" "$in/other.db"

# ---- the slots -----------------------------------------------------------------------------
# One line per place a file is read:
#   name | valid sample | wrong-kind sample | kinds | expected codes | command
# The command names the bad file @IN@, a fresh output directory @OUT@, and the inventory @DB@.
# kinds: "all" or a list (empty trunc random wrong directory missing noperm zeros loop), "-KIND"
# to leave one out, "names=FILE" when the error about a bad content names another file (a
# wrong password is about the .p12, not about the password file). The inventory's slots leave
# out the cut tail: SQLite reads a file cut inside its last page as if it ended in zeros, and
# only PRAGMA integrity_check (too slow to run on every open) would notice.
# Expected codes: the exit codes allowed for a bad content (empty, truncated, random, wrong,
# zeros); "missing", "directory" and "loop" expect 3 and "noperm" expects 7 unless a slot says
# KIND=CODES, for instance directory=0,1 where a directory is a valid input.
slots=$(cat <<'EOF'
inspect          |alice.der   |state.json|all|3|inspect @IN@
inspect-password |password.txt|-|missing directory noperm loop zeros|3|inspect modern.p12 --password-file @IN@
inspect-pw-wrong |password.txt|-|empty trunc1 trunchalf random names=modern.p12|4|inspect modern.p12 --password-file @IN@
convert          |alice.der   |mail.eml|all|3|convert @IN@ -o @OUT@/out.pem --to pem
check            |alice.der   |state.json|all|3|check @IN@ --trust root-rsa.pem --pool inter-rsa.pem
check-trust      |root-rsa.pem|mail.eml|all directory=3|3|check alice.der --trust @IN@ --pool inter-rsa.pem
check-pool       |inter-rsa.pem|mail.eml|all directory=1|3|check alice.der --trust root-rsa.pem --pool @IN@
chain-build      |alice.der   |state.json|all|3|chain build @IN@ --trust root-rsa.pem --pool inter-rsa.pem
chain-build-pool |inter-rsa.pem|mail.eml|all directory=1|3|chain build alice.der --trust root-rsa.pem --pool @IN@
chain-verify     |alice.der   |state.json|all|3|chain verify @IN@ --trust root-rsa.pem --pool inter-rsa.pem
chain-verify-trust|root-rsa.pem|state.json|all directory=3|3|chain verify alice.der --trust @IN@ --pool inter-rsa.pem
chain-verify-crl |inter-rsa.crl.pem|alice.der|all directory=0|3|chain verify alice.der --trust root-rsa.pem --pool inter-rsa.pem --crl @IN@
sst-create       |alice.der   |state.json|all|3|sst create -o @OUT@/out.sst @IN@
sst-list         |ok-chain-sha1.sst|alice.der|all|3|sst list @IN@
sst-extract      |ok-chain-sha1.sst|alice.der|all|3|sst extract @IN@ -o @OUT@/extracted
p12-create-cert  |alice.der   |alice.key|all|3|p12 create --cert @IN@ --key alice.key -o @OUT@/out.p12 --out-password-file password.txt
p12-create-key   |alice.key   |alice.der|all|3|p12 create --cert alice.der --key @IN@ -o @OUT@/out.p12 --out-password-file password.txt
p12-create-chain |inter-rsa.pem|state.json|all directory=0|3|p12 create --cert alice.der --key alice.key --chain @IN@ -o @OUT@/out.p12 --out-password-file password.txt
p12-create-outpw |password.txt|-|missing directory noperm loop zeros|3|p12 create --cert alice.der --key alice.key -o @OUT@/out.p12 --out-password-file @IN@
p12-rewrap       |modern.p12  |alice.der|all|3|p12 rewrap @IN@ -o @OUT@/out.p12 --password-file password.txt --out-password-file password.txt
p12-rewrap-pw    |password.txt|-|missing directory noperm loop zeros|3|p12 rewrap modern.p12 -o @OUT@/out.p12 --password-file @IN@ --out-password-file password.txt
p12-rewrap-pw-wrong|password.txt|-|empty trunc1 trunchalf random names=modern.p12|4|p12 rewrap modern.p12 -o @OUT@/out.p12 --password-file @IN@ --out-password-file password.txt
exchange-chain   |alice.der   |state.json|all|3|exchange chain @IN@ --trust root-rsa.pem --pool inter-rsa.pem -o @OUT@/out.sst --ps1 @OUT@/out.ps1
exchange-chain-pool|inter-rsa.pem|mail.eml|all directory=1|3|exchange chain alice.der --trust root-rsa.pem --pool @IN@ -o @OUT@/out.sst
exchange-diff    |state.json  |alice.der|all|3|exchange diff @IN@ --db @DB@
mail-body        |mail.eml    |-|missing directory noperm loop zeros|3|mail compose --from a@example.org --to b@example.org --subject x --body-file @IN@ -o @OUT@/out.eml
mail-attach      |alice.der   |-|missing directory noperm loop|3|mail compose --from a@example.org --to b@example.org --subject x --body x --attach @IN@ -o @OUT@/out.eml
contacts-add     |alice.der   |state.json|all|3|contacts add @IN@ --db @DB@
contacts-import  |alice.der   |state.json|all directory=0|3|contacts import @IN@ --db @DB@
contacts-verify-trust|root-rsa.pem|state.json|all directory=3|3|contacts verify --trust @IN@ --pool inter-rsa.pem --db @DB@
mail-sign        |mail.eml    |-|missing directory noperm loop|3|mail sign @IN@ --signer modern.p12 --password-file password.txt -o @OUT@/out.eml
mail-sign-signer |modern.p12  |alice.der|all|3|mail sign mail.eml --signer @IN@ --password-file password.txt -o @OUT@/out.eml
mail-verify      |signed.eml  |alice.der|all|1,3|mail verify @IN@ --trust root-rsa.pem --pool inter-rsa.pem -o @OUT@/content.eml
mail-verify-trust|root-rsa.pem|mail.eml|all directory=3|3|mail verify signed.eml --trust @IN@ --pool inter-rsa.pem
mail-encrypt     |mail.eml    |-|missing directory noperm loop|3|mail encrypt @IN@ -r alice.der -o @OUT@/out.eml
mail-encrypt-recipient|alice.der|state.json|all|3|mail encrypt mail.eml -r @IN@ -o @OUT@/out.eml
mail-sign-encrypt|modern.p12  |alice.der|all|3|mail sign-encrypt mail.eml --signer @IN@ --password-file password.txt -r alice.der -o @OUT@/out.eml
mail-decrypt     |encrypted.eml|mail.eml|all|3|mail decrypt @IN@ --key modern.p12 --password-file password.txt -o @OUT@/out.eml
mail-decrypt-key |modern.p12  |alice.der|all|3|mail decrypt encrypted.eml --key @IN@ --password-file password.txt -o @OUT@/out.eml
mail-inspect     |encrypted.eml|-|missing directory noperm loop trunchalf trunctail|3|mail inspect @IN@
db-import        |other.db    |alice.der|all -trunctail empty=0 missing=0|6|contacts import alice.der --db @IN@
db-import-1-byte |other.db    |-|trunc1|6|contacts import alice.der --db @IN@
db-list          |other.db    |alice.der|all -trunctail|6|contacts list --db @IN@
db-show          |other.db    |alice.der|all -trunctail|6|contacts show alice@example.org --db @IN@
db-remove        |other.db    |alice.der|all -trunctail|6|contacts remove alice@example.org --db @IN@
db-export        |other.db    |alice.der|all -trunctail|6|contacts export alice@example.org -o @OUT@/out.pem --db @IN@
db-verify        |other.db    |alice.der|all -trunctail|6|contacts verify --trust root-rsa.pem --pool inter-rsa.pem --db @IN@
db-exchange      |other.db    |alice.der|all -trunctail|6|exchange contacts --all -o @OUT@/out.ps1 --db @IN@
db-diff          |other.db    |alice.der|all -trunctail|6|exchange diff state.json --db @IN@
EOF
)
# The inventory's own file, given as --db, expects 6 (database) for every kind of damage.
db_kind_codes="missing=6 directory=6 noperm=6 loop=6"

# ---- running one case ----------------------------------------------------------------------
failures=0
cases=0
fail() {
    echo "FAIL: $case_name: $*"
    echo "  command: smimekit ${command[*]}"
    sed 's/^/  stderr: /' "$case_dir/stderr" | head -5
    failures=$((failures + 1))
}

dump_db() { "${as_user[@]}" sqlite3 "$db" .dump; }

# make_bad KIND SAMPLE WRONG PATH: creates the bad input of KIND at PATH (inside the case dir).
make_bad() {
    local kind=$1 sample=$2 wrong=$3 path=$4 size
    case $kind in
        empty) : >"$path" ;;
        trunc*)
            size=$(stat -c %s "$in/$sample")
            case $kind in
                trunc1) head -c 1 "$in/$sample" ;;
                trunc16) head -c 16 "$in/$sample" ;;
                trunchalf) head -c $((size / 2)) "$in/$sample" ;;
                # Into the PEM END line, the last DER element, the JSON's last value.
                trunctail) head -c $((size - 12)) "$in/$sample" ;;
            esac >"$path"
            ;;
        random) cp "$in/random" "$path" ;;
        wrong) cp "$in/$wrong" "$path" ;;
        directory) mkdir "$path" ;;
        missing) ;;
        noperm) cp "$in/$sample" "$path" && chmod 000 "$path" ;;
        zeros) truncate -s 100M "$path" ;;  # sparse: no disk space, no time
        loop) ln -s "${path##*/}" "$path" ;;
    esac
}

is_content_kind() {
    case $1 in missing | directory | noperm | loop) return 1 ;; *) return 0 ;; esac
}

# expected_codes KIND CONTENT_CODES OVERRIDES...: the allowed exit codes, comma-separated.
expected_codes() {
    local kind=$1 content=$2 override
    shift 2
    for override in "$@"; do
        if [ "${override%%=*}" = "$kind" ]; then
            echo "${override#*=}"
            return
        fi
    done
    case $kind in
        missing | directory | loop) echo 3 ;;
        noperm) echo 7 ;;
        *) echo "$content" ;;
    esac
}

# run_case NAME KIND CODES WRONG SAMPLE NAMED TEMPLATE: NAMED is the file the error must name
# ("" for the bad input itself; "-" for the generic slot, which checks only for crashes,
# internal errors and leftovers).
run_case() {
    local name=$1 kind=$2 codes=$3 wrong=$4 sample=$5 named=$6 template=$7
    case_name="$name/$kind"
    cases=$((cases + 1))
    case_dir=$work/case-$cases
    mkdir -p "$case_dir/out"
    local bad=$case_dir/bad-$kind
    make_bad "$kind" "$sample" "$wrong" "$bad"
    # Writable by the user the cases run as: an empty file is a valid place for an inventory.
    local writable=("$case_dir" "$case_dir/out")
    [ -f "$bad" ] && [ "$kind" != noperm ] && writable+=("$bad")
    chmod a+rwx "${writable[@]}"
    [ -n "$named" ] || named=$bad
    local line=${template//@IN@/$bad}
    line=${line//@OUT@/$case_dir/out}
    line=${line//@DB@/$db}
    read -r -a command <<<"$line"
    local before=
    [[ $template != *@DB@* ]] || before=$(dump_db)
    local rc=0
    (cd "$in" && "${as_user[@]}" "$smimekit" "${command[@]}" "$now") \
        >"$case_dir/stdout" 2>"$case_dir/stderr" </dev/null || rc=$?
    if [ $rc -ge 128 ]; then
        fail "killed by signal $((rc - 128))"
    elif [ $rc = 70 ]; then
        fail "internal error (exit 70)"
    elif [[ ",$codes," != *",$rc,"* ]]; then
        fail "exit $rc, expected one of $codes"
    fi
    # Read with builtins only: about 500 cases, so every process per case counts.
    local lines=() line errors=0 error_line= unprefixed=0
    mapfile -t lines <"$case_dir/stderr"
    for line in "${lines[@]}"; do
        case $line in
            "smimekit: error: "*) errors=$((errors + 1)) error_line=$line ;;
            "smimekit: "*) ;;
            *) unprefixed=$((unprefixed + 1)) ;;
        esac
    done
    if [ "$named" != - ]; then
        if [ $rc -gt 1 ] && [ $errors != 1 ]; then
            fail "$errors error lines on stderr, expected one"
        elif [ $rc -gt 1 ] && [[ $error_line != *"'$named'"* ]]; then
            fail "the error does not name '$named'"
        fi
        [ $unprefixed = 0 ] || fail "stderr has lines without the 'smimekit: ' prefix"
    fi
    local left=("$case_dir"/out/* "$case_dir"/out/.[!.]*)
    if [ $rc -ne 0 ] && [ ${#left[@]} -gt 0 ]; then
        fail "output left behind: ${left[*]##*/}"
    fi
    if [[ $template == *@DB@* ]] && [ "$(dump_db)" != "$before" ]; then
        fail "the inventory changed"
        "${as_user[@]}" cp "$in/other.db" "$db"  # the next cases start from the same inventory
    fi
    rm -rf "$case_dir"
}

all_kinds="empty trunc16 trunchalf trunctail random wrong directory missing noperm zeros loop"
swept="|"
while IFS='|' read -r name sample wrong kinds codes template; do
    name=${name// /}
    sample=${sample// /}
    overrides=()
    selected=()
    excluded=" "
    named=
    for word in $kinds; do
        case $word in
            all) read -r -a selected <<<"$all_kinds" ;;
            -*) excluded+="${word#-} " ;;
            names=*) named=${word#names=} ;;
            *=*) overrides+=("$word") ;;
            trunc) selected+=(trunc16 trunchalf trunctail) ;;
            *) selected+=("$word") ;;
        esac
    done
    if [[ $name == db-* ]]; then
        for word in $db_kind_codes; do
            [[ " ${overrides[*]} " == *" ${word%%=*}="* ]] || overrides+=("$word")
        done
    fi
    for kind in "${selected[@]}"; do
        [ "$kind" = wrong ] && [ "$wrong" = - ] && continue
        [[ $excluded == *" $kind "* ]] && continue
        case_named=
        is_content_kind "$kind" && case_named=$named
        run_case "$name" "$kind" "$(expected_codes "$kind" "$codes" "${overrides[@]}")" \
            "$wrong" "$sample" "$case_named" "$template"
    done
    read -r -a words <<<"$template"
    swept+="${words[0]}|${words[0]} ${words[1]}|"
done <<<"$slots"

# ---- commands without a slot: the generic one ----------------------------------------------
# `smimekit help` lists each command in a 22-column field after two spaces.
while read -r command_name; do
    case $swept in *"|$command_name|"*) continue ;; esac
    echo "note: '$command_name' has no slot of its own; swept with the generic slot"
    for kind in empty random directory missing noperm loop; do
        run_case "generic-${command_name// /-}" "$kind" "1,2,3,4,5,6,7" - alice.der - \
            "$command_name @IN@ -o @OUT@/out"
    done
done < <("$smimekit" help | sed -n '/^Commands:/,/^$/p' | sed '1d;/^$/d' | cut -c3-24 |
    sed 's/ *$//')

echo "$cases cases, $failures failures"
[ $failures = 0 ]
