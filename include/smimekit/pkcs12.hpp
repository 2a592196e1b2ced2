// SPDX-License-Identifier: Apache-2.0
// PKCS#12 (.p12/.pfx, RFC 7292): reading any flavour Windows, macOS, OpenSSL, NSS or GnuTLS
// write, and saying precisely how a file is protected and which platforms can import it.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/private_key.hpp"
#include "smimekit/secret.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// How one encrypted part of a .p12 (the certificate bag or the shrouded key) is protected.
struct Pkcs12Encryption {
    std::string scheme;       ///< "PBES2", "PKCS#12 PBE" (RFC 7292 appendix C), "PBES1"
    std::string algorithm;    ///< the OID's name: "pbeWithSHA1And40BitRC2-CBC", "PBES2"
    std::string cipher;       ///< "AES-256-CBC", "3DES-CBC", "RC2-40-CBC", ...
    std::string kdf;          ///< "PBKDF2" or "PKCS#12 KDF"
    std::string prf;          ///< PBKDF2's PRF: "HMAC-SHA256"; "SHA1" for the PKCS#12 KDF
    std::int64_t iterations = 0;
};

/// The integrity protection of the whole file.
struct Pkcs12Mac {
    std::string algorithm;  ///< digest of the HMAC ("SHA256", "SHA1"), or "PBMAC1"
    std::int64_t iterations = 0;
    std::size_t salt_length = 0;
};

enum class Pkcs12PasswordKind {
    Absent,  ///< a NULL password (no password at all: different from empty in the KDF)
    Empty,   ///< the empty string
    Given,   ///< one the caller supplied
};

/// Whether a platform can import the file, and why not.
struct PlatformSupport {
    std::string platform;  ///< "Windows 10 1709+ / Server 2019+", "macOS 14+", "gpgsm 2.2", "NSS", ...
    bool can_import = false;
    std::string reason;    ///< why not (empty when it can)
};

/// What inspect shows about a .p12 besides its certificates.
struct Pkcs12Info {
    /// Protection of the certificate bag(s); empty when they are stored in the clear. One entry
    /// per distinct protection met.
    std::vector<Pkcs12Encryption> certificate_encryption;
    /// Protection of the shrouded key bag(s); empty when there is no key.
    std::vector<Pkcs12Encryption> key_encryption;
    std::optional<Pkcs12Mac> mac;  ///< absent when the file has no MAC
    Pkcs12PasswordKind password = Pkcs12PasswordKind::Given;
    std::vector<std::string> friendly_names;  ///< each distinct friendlyName, in bag order
    bool has_key = false;
    /// The key's public half equals the public key of one of the certificates.
    bool key_matches_certificate = false;
    std::vector<PlatformSupport> platforms;
    /// One line such as "PBES2/AES-256: Windows 10 1709+ and Server 2019+; not Server 2016,
    /// not gpgsm 2.2".
    std::string compatibility;
};

struct Pkcs12Contents {
    std::vector<Certificate> certificates;  ///< every certificate, in bag order
    std::optional<PrivateKey> key;
    /// The certificate whose public key is the key's (matched by public key, never by order).
    std::optional<Certificate> key_certificate;
    /// The other certificates (the chain the file carries), in bag order; every certificate
    /// when there is no key.
    std::vector<Certificate> chain;
    Pkcs12Info info;
};

/// True if `bytes` is plausibly a PKCS#12 PFX (DER SEQUENCE, version 3, pkcs7-data authSafe).
bool looks_like_pkcs12(BytesView bytes) noexcept;

/**
 * Opens a PKCS#12 file. Tries the absent (NULL) and the empty password first, then asks
 * `password` (with `subject` for the prompt). OpenSSL's legacy provider is loaded first so that
 * RC2-40 and 3DES files open (see detail::ensure_legacy_provider). Throws:
 *  - Malformed  not a PKCS#12 file, or damaged;
 *  - BadPassword "wrong password" (MAC or decryption fails with every password tried), or no
 *                password available;
 *  - Unsupported PBMAC1 (RFC 9579) integrity, which needs OpenSSL 3.4 or later; or a cipher
 *                that is not available (naming it, e.g. RC2-40 without the legacy provider).
 */
Pkcs12Contents read_pkcs12(BytesView der, std::string_view subject,
                           const PasswordProvider& password);

// ---- writing (smimekit p12 create / rewrap) --------------------------------------------------

/**
 * How a written .p12 is protected. Each profile fixes every parameter, so that a file's
 * readers are known in advance (read_pkcs12's platform list predicts exactly these):
 *  - Modern: certificates and key PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC,
 *            2048 iterations: what OpenSSL 3 writes by default. Windows 10 1709+ / Server
 *            2019+, macOS 14+, NSS, OpenSSL; not Server 2016 and older, not gpgsm 2.2.
 *  - Compat: pbeWithSHAAnd3-KeyTripleDES-CBC for both, HMAC-SHA1 MAC, 2048 iterations: every
 *            Windows, gpgsm 2.2 (RSA keys), NSS, OpenSSL.
 *  - Legacy: pbeWithSHAAnd40BitRC2-CBC for the certificates, 3DES for the key, HMAC-SHA1 MAC
 *            (what old Windows exports and `openssl pkcs12 -legacy` write). OpenSSL 3 reads it
 *            only with its legacy provider; prefer Compat unless a reader insists.
 */
enum class Pkcs12Profile { Modern, Compat, Legacy };

/// "modern", "compat", "legacy".
std::string_view profile_name(Pkcs12Profile profile) noexcept;
/// The profile called `name` (as profile_name spells it), or nullopt.
std::optional<Pkcs12Profile> profile_from_name(std::string_view name) noexcept;

/// What goes into a new .p12. At least one of key, certificate or chain must be given.
struct Pkcs12WriteRequest {
    std::optional<PrivateKey> key;
    /// The key's certificate; must carry the key's public half when both are given.
    std::optional<Certificate> certificate;
    /// Further certificates (issuers), written in this order after `certificate`.
    std::vector<Certificate> chain;
    /// The friendlyName of the key and its certificate (UTF-8, written as a BMPString); none
    /// when empty.
    std::string friendly_name;
    Pkcs12Profile profile = Pkcs12Profile::Modern;
};

/**
 * Encodes a PKCS#12 file (RFC 7292, password integrity and privacy modes) protected with
 * `password` (UTF-8; OpenSSL turns it into the BMPString the PKCS#12 KDF wants) as `profile`
 * says. The certificate bag of `certificate` and the shrouded key bag carry the same
 * localKeyID (the certificate's SHA-1) and friendlyName: Windows pairs key and certificate by
 * localKeyID. The key is only ever encrypted in memory; nothing is written anywhere. Throws:
 *  - InvalidArgument  nothing to write, or an empty password (a .p12 whose password is empty
 *                     protects nothing: anyone can open it);
 *  - KeyMismatch      "the key does not belong to the certificate";
 *  - Unsupported      Legacy without OpenSSL's legacy provider (RC2-40), or a key type PKCS#8
 *                     cannot hold.
 */
Bytes write_pkcs12(const Pkcs12WriteRequest& request, const Secret& password);

}  // namespace smimekit
