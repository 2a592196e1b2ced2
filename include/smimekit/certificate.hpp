// SPDX-License-Identifier: Apache-2.0
// An X.509 certificate as an immutable value, and the facts about it that S/MIME users ask for.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// An object identifier with OpenSSL's short name when it has one ("emailProtection"),
/// else the dotted form in both fields.
struct ObjectId {
    std::string oid;   ///< "1.3.6.1.5.5.7.3.4"
    std::string name;  ///< "emailProtection"
    bool operator==(const ObjectId&) const = default;
};

/// RFC 5280 section 4.2.1.3 key usage bits.
struct KeyUsage {
    bool digital_signature = false;
    bool non_repudiation = false;  ///< "contentCommitment" in RFC 5280
    bool key_encipherment = false;
    bool data_encipherment = false;
    bool key_agreement = false;
    bool key_cert_sign = false;
    bool crl_sign = false;
    bool encipher_only = false;
    bool decipher_only = false;
    bool critical = false;
    /// The names of the bits that are set, in RFC order ("digitalSignature", ...).
    [[nodiscard]] std::vector<std::string> names() const;
};

/// RFC 5280 section 4.2.1.12 extended key usage.
struct ExtendedKeyUsage {
    std::vector<ObjectId> purposes;
    bool critical = false;
    [[nodiscard]] bool contains(std::string_view oid) const;
};

/// RFC 5280 section 4.2.1.9 basic constraints.
struct BasicConstraints {
    bool ca = false;
    std::optional<std::int64_t> path_length;
    bool critical = false;
};

enum class KeyAlgorithm { Rsa, RsaPss, Ec, Ed25519, Ed448, Dsa, Other };

struct PublicKeyInfo {
    KeyAlgorithm algorithm = KeyAlgorithm::Other;
    std::string name;   ///< "RSA", "RSA-PSS", "EC", "Ed25519", ... (OpenSSL's name for others)
    int bits = 0;       ///< modulus or field size
    std::string curve;  ///< EC only: "P-256" (NIST name when there is one, else OpenSSL's)
};

/// One extension as it appears in the certificate.
struct ExtensionInfo {
    ObjectId id;
    bool critical = false;
    /// True if OpenSSL knows how to interpret it (an unknown critical one fails validation).
    bool recognised = false;
};

/**
 * An X.509 certificate. Immutable; copies are cheap and share the parsed object. Equality
 * compares the DER encoding. Accessors never throw on a certificate that parsed: an absent
 * extension is an empty optional or an empty list.
 */
class Certificate final {
public:
    /// Parses exactly one DER certificate. Throws Error{Malformed} if `der` is anything else,
    /// including a valid certificate followed by more bytes.
    static Certificate from_der(BytesView der);
    /// Parses a PEM text that holds exactly one certificate (Errc::Malformed otherwise).
    static Certificate from_pem(std::string_view pem);

    [[nodiscard]] const Bytes& der() const noexcept;
    [[nodiscard]] std::string pem() const;

    /// Distinguished names in RFC 4514 order and form ("CN=Alice,O=Example"), UTF-8 kept.
    [[nodiscard]] std::string subject() const;
    [[nodiscard]] std::string issuer() const;
    /// The DER of the Name fields, for exact matching.
    [[nodiscard]] const Bytes& subject_der() const noexcept;
    [[nodiscard]] const Bytes& issuer_der() const noexcept;
    /// The value of the subject's first commonName, or "" ("Alice Example").
    [[nodiscard]] std::string common_name() const;

    /// Serial number in lower-case hex, no separators, as on the wire (two's complement bytes
    /// without leading zero padding beyond what DER has).
    [[nodiscard]] std::string serial_hex() const;
    [[nodiscard]] int version() const noexcept;  ///< 1, 2 or 3

    [[nodiscard]] TimePoint not_before() const noexcept;
    [[nodiscard]] TimePoint not_after() const noexcept;
    [[nodiscard]] bool is_valid_at(TimePoint time) const noexcept;

    [[nodiscard]] const Bytes& sha1() const noexcept;    ///< of the DER
    [[nodiscard]] const Bytes& sha256() const noexcept;  ///< of the DER
    /// The SHA-1 thumbprint as Windows shows it: upper-case hex, no separators.
    [[nodiscard]] std::string thumbprint() const;

    [[nodiscard]] PublicKeyInfo public_key() const;
    /// The DER SubjectPublicKeyInfo (matching keys to certificates compares these).
    [[nodiscard]] const Bytes& public_key_der() const noexcept;
    /// OpenSSL's long name of the signature algorithm ("sha256WithRSAEncryption").
    [[nodiscard]] ObjectId signature_algorithm() const;
    /// The digest the issuer signed with ("SHA256", "SHA1"), "" when the algorithm has none
    /// (Ed25519) or it is unknown. RSA-PSS reports the PSS hash.
    [[nodiscard]] std::string signature_digest() const;

    [[nodiscard]] std::optional<KeyUsage> key_usage() const;
    [[nodiscard]] std::optional<ExtendedKeyUsage> extended_key_usage() const;
    [[nodiscard]] std::optional<BasicConstraints> basic_constraints() const;
    /// True when basicConstraints says cA.
    [[nodiscard]] bool is_ca() const;
    /// Subject and issuer names are equal (a root or a self-issued re-key).
    [[nodiscard]] bool is_self_issued() const noexcept;

    /// E-mail addresses from the subjectAltName rfc822Name entries, in order.
    [[nodiscard]] std::vector<std::string> san_emails() const;
    /// E-mail addresses from the subject's emailAddress attributes (legacy, PKCS#9).
    [[nodiscard]] std::vector<std::string> subject_emails() const;
    /// SAN addresses followed by subject addresses not already listed.
    [[nodiscard]] std::vector<std::string> email_addresses() const;

    [[nodiscard]] std::optional<Bytes> subject_key_id() const;
    [[nodiscard]] std::optional<Bytes> authority_key_id() const;
    /// Authority Information Access: caIssuers and OCSP URLs.
    [[nodiscard]] std::vector<std::string> ca_issuers_urls() const;
    [[nodiscard]] std::vector<std::string> ocsp_urls() const;
    /// CRL distribution points (URIs of fullName entries).
    [[nodiscard]] std::vector<std::string> crl_urls() const;
    /// Certificate policy OIDs.
    [[nodiscard]] std::vector<ObjectId> policies() const;
    [[nodiscard]] std::vector<ExtensionInfo> extensions() const;

    bool operator==(const Certificate& other) const noexcept;

    /// Library-internal state (an OpenSSL X509 with cached DER and digests).
    class Impl;
    explicit Certificate(std::shared_ptr<const Impl> impl) noexcept;
    [[nodiscard]] const Impl& impl() const noexcept { return *m_impl; }

private:
    std::shared_ptr<const Impl> m_impl;
};

/// Matches an e-mail address against another the way S/MIME does (RFC 5280 section 4.2.1.6:
/// the local part exactly, the domain case-insensitively).
bool email_matches(std::string_view a, std::string_view b) noexcept;

/// Every certificate in a PEM text ("BEGIN CERTIFICATE", also "X509 CERTIFICATE" and
/// "TRUSTED CERTIFICATE" blocks); other PEM blocks are skipped. Throws Error{Malformed} naming
/// the block number when a certificate block does not decode.
std::vector<Certificate> certificates_from_pem(std::string_view pem);

/// The certificates as PEM blocks, concatenated.
std::string to_pem(const std::vector<Certificate>& certificates);

}  // namespace smimekit
