// SPDX-License-Identifier: Apache-2.0
// Fuzz target "mail_decrypt": decrypt_message (mail decrypt) with two identities of the test
// PKI, alice (RSA, from p12/modern.p12) and bob (EC), so that both key transport and key
// agreement recipient entries are opened; the decrypted message is parsed again as MIME.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/load.hpp>
#include <smimekit/mime.hpp>
#include <smimekit/smime.hpp>

#include <fstream>
#include <iterator>

namespace {

using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target

const std::vector<DecryptionIdentity>& identities() {
    static const std::vector<DecryptionIdentity> list = [] {
        LoadOptions options;
        options.password = fuzz::test_password();
        std::vector<DecryptionIdentity> result;
        result.push_back(decryption_identity(load_file(fuzz::fixture_path("p12/modern.p12"), options)));
        std::ifstream key_file(fuzz::fixture_path("keys/bob-ec.key"));
        const std::string key_pem((std::istreambuf_iterator<char>(key_file)),
                                  std::istreambuf_iterator<char>());
        result.push_back({PrivateKey::from_pem(key_pem, "bob-ec.key", {}),
                          load_certificate(fuzz::fixture_path("users/bob-ec.der"))});
        return result;
    }();
    return list;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const DecryptedMessage decrypted = decrypt_message(fuzz::input(data, size), identities());
        fuzz::fuzz_assert(decrypted.result.content_bytes <= decrypted.message.size(),
                          "more content than message");
        (void)parse_mime(decrypted.message).well_formed();
    } catch (const Error&) {
        // Not an envelope, damaged, or for nobody we are: refused.
    }
    return 0;
}
