#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing (as root), builds smimekit into build/ with warnings as errors, and
# runs every test through ctest. Exits non-zero on any failure.
#   ./scripts/test.sh              the normal suite
#   ./scripts/test.sh --sanitize   the same suite built with ASan+UBSan, in build-sanitize/
#   ./scripts/test.sh -R REGEX     only the tests whose name matches (passed to ctest)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

build_dir=$SMIMEKIT_ROOT/build
cmake_args=(-DSMIMEKIT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
ctest_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --sanitize)
            build_dir=$SMIMEKIT_ROOT/build-sanitize
            cmake_args+=(-DSMIMEKIT_SANITIZE=ON)
            export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
            export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
            ;;
        *) ctest_args+=("$1") ;;
    esac
    shift
done

ensure_packages "${SMIMEKIT_BUILD_PACKAGES[@]}" "${SMIMEKIT_TEST_PACKAGES[@]}"
build_smimekit "$build_dir" "${cmake_args[@]}"
cd "$build_dir"
ctest -j "$(nproc)" --output-on-failure --timeout 600 "${ctest_args[@]}"
