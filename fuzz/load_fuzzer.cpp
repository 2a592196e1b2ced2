// SPDX-License-Identifier: Apache-2.0
// Fuzz target "load": format detection and load_bytes, the path of every file a user names
// (inspect, convert, check, chain, sst, p12 rewrap, contacts add): DER, PEM, PKCS#7, PKCS#12
// (password "test1234"), .sst, keys and CRLs. Then every accessor of what was loaded, and the
// S/MIME check of the first certificate (with no pool or anchors: chain incomplete).
#include "fuzz_support.hpp"

#include <smimekit/check.hpp>
#include <smimekit/error.hpp>
#include <smimekit/load.hpp>
#include <smimekit/store.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target
    const BytesView bytes = fuzz::input(data, size);
    const FileFormat format = detect_format(bytes);
    LoadOptions options;
    options.password = fuzz::test_password();
    try {
        const LoadedFile file = load_bytes(bytes, "input", options);
        fuzz::fuzz_assert(format != FileFormat::Unknown, "load_bytes accepted an Unknown format");
        fuzz::exercise(file);
        if (!file.certificates.empty()) {
            CheckOptions check_options;
            check_options.time = fuzz::fixed_time();
            const CheckReport report =
                check(file.certificates.front(), Store{}, Store{}, file.pkcs12, check_options);
            fuzz::fuzz_assert(!report.chain.valid(), "a chain without anchors was valid");
        }
    } catch (const Error&) {
        // Refusing hostile bytes with an Error is the expected outcome.
    }
    return 0;
}
