// SPDX-License-Identifier: Apache-2.0
// Microsoft serialized certificate stores (.sst): the chain-of-trust file that Exchange
// Online's Set-SmimeConfig -SMIMECertificateIssuingCA takes. Format and reader rules follow
// docs in ../shared/reference/sst-format.md (MS-OSHARED 2.3.9.1; Windows and Wine behaviour).
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// Property and context element ids (CERT_*_PROP_ID in wincrypt.h).
namespace sst_id {
inline constexpr std::uint32_t kEndMarker = 0;
inline constexpr std::uint32_t kKeyProvInfo = 2;
inline constexpr std::uint32_t kSha1Hash = 3;
inline constexpr std::uint32_t kMd5Hash = 4;
inline constexpr std::uint32_t kFriendlyName = 11;
inline constexpr std::uint32_t kDescription = 13;
inline constexpr std::uint32_t kCertificate = 32;
inline constexpr std::uint32_t kCrl = 33;
inline constexpr std::uint32_t kCtl = 34;
}  // namespace sst_id

/// A property element, kept as read (unknown ids are kept opaque, never fatal).
struct SstProperty {
    std::uint32_t id = 0;
    Bytes value;
    std::size_t offset = 0;  ///< of its 12-byte header in the file
};

/// "FRIENDLY_NAME", "SHA1_HASH", ... or "unknown" for ids without a known name.
std::string_view sst_property_name(std::uint32_t id) noexcept;

/// The text of a UTF-16LE string property (FRIENDLY_NAME, DESCRIPTION) as UTF-8, without its
/// terminating NUL; invalid code units become U+FFFD.
std::string sst_text_value(BytesView value);

/// A certificate element with the properties that precede it.
struct SstCertificate {
    Certificate certificate;
    std::vector<SstProperty> properties;
    std::size_t offset = 0;  ///< of its 12-byte header
    /// The FRIENDLY_NAME property decoded from UTF-16LE, if present.
    [[nodiscard]] std::optional<std::string> friendly_name() const;
};

/// A CRL (id 33) or CTL (id 34) element: reported and kept, not interpreted.
struct SstOtherElement {
    std::uint32_t id = 0;
    Bytes der;
    std::vector<SstProperty> properties;
    std::size_t offset = 0;
};

struct SstStore {
    std::vector<SstCertificate> certificates;  ///< duplicates (by SHA-1) kept once, file order
    std::vector<SstOtherElement> others;       ///< CRLs and CTLs
    /// Tolerated oddities, each naming its offset ("offset 1845: 4 trailing bytes ignored").
    std::vector<std::string> warnings;
    [[nodiscard]] std::vector<Certificate> certificate_list() const;
};

/// True if `bytes` starts with the .sst header 00 00 00 00 "CERT".
bool looks_like_sst(BytesView bytes) noexcept;

/**
 * Decodes a store strictly (sst-format.md section 7): every size is checked before anything is
 * allocated, every certificate is parsed. Throws Error{Malformed} with a message that names the
 * offset (and the certificate index) of the problem; a DER or PEM certificate given instead of
 * a store is recognised and named as such.
 */
SstStore decode_sst(BytesView bytes);

struct SstWriteOptions {
    /// Precede each certificate with a FRIENDLY_NAME property (its common name, else its
    /// subject), so certmgr shows a readable name after import. Off by default: Windows'
    /// own CertSaveStore writes property-less elements, and only those open in every reader.
    bool friendly_names = false;
};

/**
 * Encodes the canonical store: header, one certificate element per distinct certificate (by
 * SHA-1, first occurrence kept, order preserved), the 12-byte end marker, nothing else. Never
 * writes KEY_PROV_INFO or hash properties. Works for a single certificate and for none.
 */
Bytes encode_sst(const std::vector<Certificate>& certificates, const SstWriteOptions& options = {});

/// What Exchange Online makes of a certificate in the chain of trust it is given
/// (Set-SmimeConfig -SMIMECertificateIssuingCA; sst-format.md section 5).
struct ChainOfTrustFinding {
    enum class Kind {
        Expired,      ///< Exchange rejects the whole upload ("if any certificates are expired")
        NotYetValid,  ///< useless until its notBefore
        ExpiresSoon,  ///< a CA whose end is within the warning window
        EndEntity,    ///< not a CA: it does not belong in a chain of trust
    };
    Kind kind;
    Certificate certificate;
    /// What is wrong, without the subject: "expired on 2022-01-01T00:00:00Z", "expires in 12 days"
    std::string problem;
};

/// The findings for each of `certificates` at `now` (CAs within `warn_days` of their end
/// count as expiring soon). Only Expired makes Exchange refuse the upload.
std::vector<ChainOfTrustFinding> check_chain_of_trust(const std::vector<Certificate>& certificates,
                                                      TimePoint now, int warn_days = 30);

}  // namespace smimekit
