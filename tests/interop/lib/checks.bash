# SPDX-License-Identifier: Apache-2.0
# Sourced by the interop scripts that run many checks and report every failure, not only the
# first: `fail` counts, `expect` compares, `yes_if` turns a peer's exit status into yes/no.
# The script ends with `finish "what was checked"`. (Kept outside the *.sh glob that makes
# each script in tests/interop/ a test.)

checks=0
failures=0

# fail MESSAGE...: report one failure and go on.
fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}

# expect WHAT WANTED GOT: one check that GOT is WANTED.
expect() {
    checks=$((checks + 1))
    [ "$2" = "$3" ] || fail "$1: expected $2, got $3"
}

# yes_if COMMAND...: "yes" if the command succeeds, else "no"; its output is dropped.
yes_if() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }

# finish WHAT: the summary line, and the script's status.
finish() {
    echo "$checks checks $1, $failures failed"
    [ "$failures" = 0 ]
}
