// SPDX-License-Identifier: Apache-2.0
// Fuzz target "pkcs12": read_pkcs12 with the fixtures' password "test1234" (inspect, check,
// p12 rewrap, contacts import of .p12 files), without format detection in front.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/pkcs12.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target
    try {
        const Pkcs12Contents contents =
            read_pkcs12(fuzz::input(data, size), "input", fuzz::test_password());
        LoadedFile file;
        file.format = FileFormat::Pkcs12;
        file.certificates = contents.certificates;
        if (contents.key) {
            file.keys.push_back(*contents.key);
        }
        file.pkcs12 = contents.info;
        fuzz::exercise(file);
        fuzz::fuzz_assert(contents.info.has_key == contents.key.has_value(),
                          "Pkcs12Info::has_key disagrees with the key read");
        if (contents.key_certificate) {
            fuzz::fuzz_assert(contents.key && contents.key->matches(*contents.key_certificate),
                              "the key certificate does not match the key");
        }
        fuzz::fuzz_assert(contents.chain.size() + (contents.key_certificate ? 1U : 0U) ==
                              contents.certificates.size(),
                          "chain + key certificate != certificates");
    } catch (const Error&) {
        // A damaged file, a wrong password, an unsupported cipher: refused cleanly.
    }
    return 0;
}
