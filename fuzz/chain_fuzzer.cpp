// SPDX-License-Identifier: Apache-2.0
// Fuzz target "chain": chain building and validation over a hostile pool (chain build/verify,
// check, exchange chain). The input is a sequence of DER elements, split by their own length
// fields (so `cat leaf.der inter.der ...` is a seed): the first certificate is the leaf, the
// others the pool. The anchors are fixed roots of certs-test/. Both engines run (OpenSSL
// decides, Botan gives its second opinion), then the S/MIME check on the result.
#include "fuzz_support.hpp"

#include <smimekit/chain.hpp>
#include <smimekit/check.hpp>
#include <smimekit/error.hpp>
#include <smimekit/load.hpp>
#include <smimekit/store.hpp>

#include <cstddef>
#include <optional>

namespace {

using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target

constexpr std::size_t kMaxCertificates = 12;

/// The length (header included) of the DER element at the start of `bytes`: short form or
/// long form with up to 3 length bytes; nullopt if that does not fit into `bytes`.
std::optional<std::size_t> element_length(BytesView bytes) {
    if (bytes.size() < 2) {
        return std::nullopt;
    }
    std::size_t header = 2;
    std::size_t length = bytes[1];
    if ((length & 0x80U) != 0) {
        const std::size_t count = length & 0x7FU;
        if (count == 0 || count > 3 || bytes.size() < 2 + count) {
            return std::nullopt;
        }
        length = 0;
        for (std::size_t i = 0; i < count; ++i) {
            length = (length << 8U) | bytes[2 + i];
        }
        header += count;
    }
    if (length > bytes.size() - header) {
        return std::nullopt;
    }
    return header + length;
}

const Store& anchors() {
    static const Store store = [] {
        Store result;
        for (const char* name : {"ca/root-rsa.der", "ca/root-ec.der", "edge/root.pem"}) {
            result.add(load_certificates(fuzz::fixture_path(name)));
        }
        return result;
    }();
    return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<Certificate> certificates;
    BytesView rest = fuzz::input(data, size);
    while (certificates.size() < kMaxCertificates) {
        const std::optional<std::size_t> length = element_length(rest);
        if (!length) {
            break;
        }
        try {
            certificates.push_back(Certificate::from_der(rest.first(*length)));
        } catch (const Error&) {
            // Not a certificate: the pool goes on without it.
        }
        rest = rest.subspan(*length);
    }
    if (certificates.empty()) {
        return 0;
    }
    Store pool;
    pool.add(std::vector<Certificate>(certificates.begin() + 1, certificates.end()));
    for (const Certificate& certificate : certificates) {
        (void)pool.issuer_candidates(certificate);
    }

    const Certificate& leaf = certificates.front();
    const ChainBuild build = build_chain(leaf, pool, anchors(), fuzz::fixed_time());
    for (const auto& path : build.paths) {
        fuzz::fuzz_assert(!path.empty() && path.front() == leaf && anchors().contains(path.back()),
                          "a built path does not run from the leaf to an anchor");
    }

    VerifyOptions options;
    options.time = fuzz::fixed_time();
    options.purpose = Purpose::SmimeSign;
    options.engines = EngineChoice::Both;
    const ChainResult result = verify_chain(leaf, pool, anchors(), options);
    fuzz::fuzz_assert(!result.valid() || result.problems.empty(), "valid with problems");
    fuzz::fuzz_assert(!result.valid() || !build.paths.empty(), "valid without a path");

    CheckOptions check_options;
    check_options.time = fuzz::fixed_time();
    (void)check_certificate(leaf, result, std::nullopt, check_options);
    return 0;
}
