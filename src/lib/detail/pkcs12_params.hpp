// SPDX-License-Identifier: Apache-2.0
// What the AlgorithmIdentifiers of a PKCS#12 file say (PBES2, PKCS#12 PBE, PBES1, the MAC), in
// the words Pkcs12Info uses, and whether this OpenSSL can undo them. Private to pkcs12.cpp.
#pragma once

#include "detail/ossl.hpp"
#include "smimekit/pkcs12.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace smimekit::detail {

/// One password-based encryption AlgorithmIdentifier, described and resolved to the names
/// OpenSSL fetches to undo it.
struct PbeAlgorithm {
    Pkcs12Encryption description;
    std::string cipher_fetch_name;  ///< EVP_CIPHER_fetch name; "" when OpenSSL has no name
    std::string kdf_fetch_name;     ///< EVP_KDF_fetch name: "PBKDF2", "PKCS12KDF", "PBKDF1"
    std::string digest_fetch_name;  ///< the KDF's digest ("SHA256"); "" when there is none
    std::string problem;            ///< why OpenSSL cannot undo it at all; "" when it may
};

/// The most KDF iterations (PBKDF2, the PKCS#12 KDF, PBKDF1) we run for one password: some
/// seconds. Real files use thousands; OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000.
inline constexpr std::int64_t kMaxKdfIterations = 10'000'000;

/**
 * Describes the AlgorithmIdentifier of an EncryptedContentInfo or an EncryptedPrivateKeyInfo.
 * Never fetches anything. Throws Error{Malformed} when its parameters do not decode, and
 * Error{Unsupported} when its iteration count (or the MAC's, in describe_mac) is beyond
 * kMaxKdfIterations. An unknown scheme is described by its OID with `problem` set.
 */
PbeAlgorithm describe_pbe(const X509_ALGOR* algorithm);

/**
 * Throws Error{Unsupported} when deriving a key for `algorithm` would take more than
 * kMaxKdfIterations iterations, as describe_pbe does; parameters that do not decode are left to
 * the decryption, which fails on them in its own words. For encrypted PKCS#8 keys.
 */
void require_bounded_cost(const X509_ALGOR* algorithm);

/// Throws Error{Unsupported} unless this OpenSSL can run `algorithm`, naming what is missing:
/// "cannot decrypt: RC2-40-CBC is not available (OpenSSL's legacy provider is missing)".
void require_available(const PbeAlgorithm& algorithm);

/// True for ciphers (in Pkcs12Encryption::cipher spelling) that OpenSSL 3 has only in its legacy
/// provider, so that `openssl pkcs12` needs -legacy for them.
bool needs_legacy_provider(std::string_view cipher) noexcept;

/// The MacData of a PFX (RFC 7292 section 4), or nullopt when the file has none. A PBMAC1
/// (RFC 9579) MAC is described with algorithm "PBMAC1" and its outer salt and iterations.
std::optional<Pkcs12Mac> describe_mac(const PKCS12* p12);

/// Field-by-field equality, for listing each distinct protection once.
bool same_protection(const Pkcs12Encryption& a, const Pkcs12Encryption& b) noexcept;

}  // namespace smimekit::detail
