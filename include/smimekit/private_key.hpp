// SPDX-License-Identifier: Apache-2.0
// A private key as an opaque value: it can be matched to a certificate and used by the library,
// never printed.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/secret.hpp"

#include <memory>
#include <string_view>

namespace smimekit {

/**
 * A private key. Immutable, copies share it, and it has no operator<< or text form: the only
 * ways out are through functions that encrypt it (PKCS#12 writing).
 */
class PrivateKey final {
public:
    /**
     * Reads a PEM key: "PRIVATE KEY" (PKCS#8), "ENCRYPTED PRIVATE KEY" (PKCS#8, PBES1/PBES2),
     * or the traditional "RSA/EC PRIVATE KEY" (also with Proc-Type encryption). `password` is
     * asked only for an encrypted key, with `subject` (a file name) for the prompt.
     * Throws Malformed (not a key), BadPassword (wrong or no password), Unsupported.
     */
    static PrivateKey from_pem(std::string_view pem, std::string_view subject,
                               const PasswordProvider& password);
    /// The same for DER PKCS#8 (plain or encrypted) or a DER traditional RSA/EC key.
    static PrivateKey from_der(BytesView der, std::string_view subject,
                               const PasswordProvider& password);

    [[nodiscard]] PublicKeyInfo public_key() const;
    /// DER SubjectPublicKeyInfo of the matching public key.
    [[nodiscard]] const Bytes& public_key_der() const noexcept;
    /// True if `certificate` carries this key's public half.
    [[nodiscard]] bool matches(const Certificate& certificate) const noexcept;
    /// True if the key was stored encrypted where it was read from.
    [[nodiscard]] bool was_encrypted() const noexcept;

    /// Library-internal state (an OpenSSL EVP_PKEY).
    class Impl;
    explicit PrivateKey(std::shared_ptr<const Impl> impl) noexcept;
    [[nodiscard]] const Impl& impl() const noexcept { return *m_impl; }

private:
    std::shared_ptr<const Impl> m_impl;
};

}  // namespace smimekit
