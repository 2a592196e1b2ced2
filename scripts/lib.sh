#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Shared by demo.sh and test.sh: install missing Debian packages, configure and build build/.
# Sourced, not run.

# What smimekit builds with.
SMIMEKIT_BUILD_PACKAGES=(cmake make g++ pkg-config libssl-dev openssl libbotan-2-dev
    libboost-program-options-dev libsqlite3-dev doctest-dev nlohmann-json3-dev)
# The independent peers the tests compare against (reference/interop.md), and tools the tests use.
SMIMEKIT_TEST_PACKAGES=(gpgsm libnss3-tools gnutls-bin python3 python3-cryptography sqlite3
    util-linux time)
# Only scripts/fuzz.sh needs these: clang with libFuzzer and its sanitizer runtimes, and
# llvm-symbolizer for readable crash reports.
SMIMEKIT_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

# ensure_packages PKG...: installs the missing ones with apt-get when root; otherwise prints the
# exact command to run and fails.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "smimekit: missing packages; run as root:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        return 1
    fi
    echo "smimekit: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# build_smimekit DIR [cmake args...]: configure (once) and build into DIR with every core.
build_smimekit() {
    local dir=$1
    shift
    cmake -S "$SMIMEKIT_ROOT" -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}

SMIMEKIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SMIMEKIT_ROOT
