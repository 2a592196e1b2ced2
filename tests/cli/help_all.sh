#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every command that `smimekit help` lists answers `--help` with exit 0, a usage line, EXIT STATUS
# and EXAMPLES on stdout, and nothing on stderr. Enumerating from the binary means a newly
# registered command can never miss this test.
set -eu
smimekit=$1
commands=$("$smimekit" help | sed -n '/^Commands:/,/^$/p' | sed '1d;/^$/d' | cut -c3-24 | sed 's/ *$//')
[ -n "$commands" ] || { echo "no commands listed by 'smimekit help'"; exit 1; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
IFS='
'
for command in $commands; do
    IFS=' '
    # shellcheck disable=SC2086 # word splitting is wanted: "sst create" is two words
    out=$("$smimekit" $command --help 2>"$err") || { echo "FAIL: $command --help exited $?"; exit 1; }
    if [ -s "$err" ]; then echo "FAIL: $command --help wrote to stderr:"; cat "$err"; exit 1; fi
    for section in "usage: smimekit $command" "EXIT STATUS" "EXAMPLES"; do
        echo "$out" | grep -q "$section" || { echo "FAIL: $command --help lacks '$section'"; exit 1; }
    done
    # shellcheck disable=SC2086
    [ "$("$smimekit" help $command)" = "$out" ] || { echo "FAIL: 'help $command' differs from '$command --help'"; exit 1; }
    echo "ok: $command --help"
    IFS='
'
done
