#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing (as root), builds smimekit into build/, and runs the main job on the
# committed test PKI in certs-test/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}"
build_smimekit "$SMIMEKIT_ROOT/build" >/dev/null
smimekit=$SMIMEKIT_ROOT/build/smimekit
certs=$SMIMEKIT_ROOT/certs-test

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step smimekit --version
"$smimekit" --version

step "the test PKI (certs-test/)"
(cd "$certs" && find . -type f ! -name "*.md" | sed "s|^\./||" | sort)
