// SPDX-License-Identifier: Apache-2.0
// Fuzz target "mail_verify": SignatureVerifier::verify (mail verify) over a whole message,
// with the test PKI's roots as anchors, and inspect_message (mail inspect), which reads every
// S/MIME layer without a key. A fresh verifier per input, so that its caches never make a
// crash depend on earlier inputs.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/smime.hpp>
#include <smimekit/store.hpp>

namespace {

using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target

const Store& anchors() {
    static const Store store = [] {
        Store result;
        for (const char* name : {"ca/root-rsa.der", "ca/root-ec.der"}) {
            result.add(load_certificates(fuzz::fixture_path(name)));
        }
        return result;
    }();
    return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const BytesView message = fuzz::input(data, size);
    SignatureVerifyOptions options;
    options.time = fuzz::fixed_time();
    SignatureVerifier verifier(anchors(), Store{}, options);
    try {
        std::size_t content_bytes = 0;
        const MessageVerification result =
            verifier.verify(message, [&](BytesView piece) { content_bytes += piece.size(); });
        fuzz::fuzz_assert(!result.valid() || !result.signers.empty(), "valid without a signer");
        for (const SignerVerification& signer : result.signers) {
            fuzz::fuzz_assert(!signer.valid() || signer.signature_valid,
                              "a valid signer whose signature does not verify");
            if (signer.certificate) {
                fuzz::exercise(*signer.certificate);
            }
        }
    } catch (const Error&) {
        // A damaged signed message is refused; an unsigned one is a verdict.
    }
    try {
        const MailInspection inspection = inspect_message(message);
        for (const MessageLayer& layer : inspection.layers) {
            for (const Certificate& certificate : layer.certificates) {
                fuzz::exercise(certificate);
            }
        }
    } catch (const Error&) {
    }
    return 0;
}
