// SPDX-License-Identifier: Apache-2.0
// Fuzz target "sst": decode_sst on its own (sst list/extract, the .sst inputs of Exchange), so
// that mutations reach the element parser without passing format detection first. A store
// that decodes must survive encode_sst and decode to the same certificates.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/sst.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target
    const BytesView bytes = fuzz::input(data, size);
    const bool looks_like = looks_like_sst(bytes);
    SstStore store;
    try {
        store = decode_sst(bytes);
    } catch (const Error&) {
        return 0;
    }
    fuzz::fuzz_assert(looks_like, "decode_sst accepted bytes without the .sst header");
    LoadedFile file;
    file.sst = store;
    for (const SstCertificate& element : store.certificates) {
        file.certificates.push_back(element.certificate);
    }
    fuzz::exercise(file);

    const std::vector<Certificate> certificates = store.certificate_list();
    for (const bool friendly_names : {false, true}) {
        const Bytes encoded = encode_sst(certificates, SstWriteOptions{friendly_names});
        fuzz::fuzz_assert(decode_sst(encoded).certificate_list() == certificates,
                          "encode_sst does not read back as the same certificates");
    }
    return 0;
}
