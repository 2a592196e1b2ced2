# SPDX-License-Identifier: Apache-2.0
# Sourced by the benchmarks that share generated certificates and describe their build.

# build_description BUILD_DIR: the CMake build type, flagged when sanitizers make figures moot.
build_description() {
    local cache=$1/CMakeCache.txt type
    type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache")
    if grep -q '^SMIMEKIT_SANITIZE:BOOL=ON' "$cache"; then
        type="$type + sanitizers (figures are meaningless)"
    fi
    echo "$type"
}

# certificates_cache BUILD_DIR GEN_CERTS N: prints the directory holding N generated
# certificates (bench_gen_certs layout, files.txt relative to it), made once per N and kept,
# since 100,000 take a while. Generated aside and renamed, so that an interrupted run never
# leaves a cache that looks complete.
certificates_cache() {
    local data=$1/bench-data/certs-$3
    if [ -f "$data/files.txt" ] && [ "$(wc -l <"$data/files.txt")" -eq "$3" ]; then
        echo "reusing the $3 certificates in $data" >&2
    else
        rm -rf "$data" "$data.partial"
        mkdir -p "$(dirname "$data")"
        "$2" "$3" "$data.partial" >&2
        mv "$data.partial" "$data"
    fi
    echo "$data"
}
