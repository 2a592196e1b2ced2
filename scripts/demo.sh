#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing (as root), builds smimekit into build/, and runs the main job on the
# committed test PKI in certs-test/: what is in a .p12, is a certificate fit for S/MIME, which CA
# certificates Exchange Online needs, the chain-of-trust .sst with its upload script, and a
# contacts inventory with the script that publishes its certificates in Exchange Online.
# Outputs go to build/demo/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}"
build_smimekit "$SMIMEKIT_ROOT/build" >/dev/null
smimekit=$SMIMEKIT_ROOT/build/smimekit
cd "$SMIMEKIT_ROOT"
out=build/demo
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$smimekit" --version
step "$smimekit" inspect --password-file certs-test/p12/password.txt certs-test/p12/fullchain.p12
step "$smimekit" chain verify certs-test/users/alice.der --pool certs-test/ca \
    --trust certs-test/ca/root-rsa.pem --purpose smime-sign
step "$smimekit" chain verify certs-test/chains/orphan-user.pem --pool certs-test/ca \
    --trust certs-test/ca/root-rsa.pem || true
step "$smimekit" exchange chain certs-test/users/alice.der certs-test/users/bob-ec.der \
    certs-test/users/cross-user.pem --pool certs-test/ca --trust certs-test/ca/root-rsa.pem \
    -o "$out/chainOfTrust.sst" --ps1 "$out/Upload-ChainOfTrust.ps1"
step "$smimekit" sst list "$out/chainOfTrust.sst"
step "$smimekit" contacts import --db "$out/inventory.db" certs-test/users
step "$smimekit" contacts list --db "$out/inventory.db"
step "$smimekit" contacts list --db "$out/inventory.db" --expired || true
step "$smimekit" exchange contacts --db "$out/inventory.db" --all -o "$out/Publish-Contacts.ps1"
printf '\nThe files for Exchange Online are in %s/: run them in PowerShell 7, -WhatIf first:\n' "$out"
printf '  pwsh %s -WhatIf\n' "$out/Upload-ChainOfTrust.ps1" "$out/Publish-Contacts.ps1"
