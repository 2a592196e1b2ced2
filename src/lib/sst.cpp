// SPDX-License-Identifier: Apache-2.0
// Microsoft serialized certificate stores (.sst): the strict reader of sst-format.md section 7
// and the canonical writer of section 5. Section numbers below ("§3.2") refer to
// ../shared/reference/sst-format.md, which cites MS-OSHARED 2.3.9.1 and what Windows writes.
#include "smimekit/sst.hpp"

#include "detail/pem.hpp"
#include "smimekit/error.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace smimekit {
namespace {

// ---- byte layout (§3) ---------------------------------------------------------------------

// §3.1: version u32 = 0, then file type 0x54524543, which is "CERT" on disk (little endian).
constexpr std::array<std::uint8_t, 8> kFileHeader{0, 0, 0, 0, 'C', 'E', 'R', 'T'};
constexpr std::size_t kFileHeaderSize = kFileHeader.size();
// §3.2: {u32 id, u32 encoding type, u32 length}, then `length` bytes, no padding.
constexpr std::size_t kElementHeaderSize = 12;
// §3.2: X509_ASN_ENCODING, "MUST be 1" (MS-OSHARED 2.3.2.5) on every element but the end marker.
constexpr std::uint32_t kAsnEncoding = 1;
// §7 "Sanity limits": an overall cap stops hostile inputs; the largest real store seen is 764 KB.
constexpr std::size_t kMaxStoreSize = std::size_t{64} * 1024 * 1024;
// MS-OSHARED: property ids are at most 0xFFFF (used only to recognise a serialized certificate).
constexpr std::uint32_t kMaxPropertyId = 0xFFFF;

static_assert(sizeof(std::size_t) >= sizeof(std::uint32_t),
              "element lengths (u32) must fit in std::size_t");

struct ElementHeader {
    std::uint32_t id = 0;
    std::uint32_t encoding = 0;
    std::uint32_t length = 0;
};

// §8 pitfall 7: u32 little endian everywhere. Assembled from bytes: the input has no alignment.
std::uint32_t read_u32le(BytesView bytes, std::size_t offset) noexcept {
    return static_cast<std::uint32_t>(bytes[offset]) |
           static_cast<std::uint32_t>(bytes[offset + 1]) << 8U |
           static_cast<std::uint32_t>(bytes[offset + 2]) << 16U |
           static_cast<std::uint32_t>(bytes[offset + 3]) << 24U;
}

// The caller guarantees kElementHeaderSize bytes at `offset`.
ElementHeader read_element_header(BytesView bytes, std::size_t offset) noexcept {
    return {read_u32le(bytes, offset), read_u32le(bytes, offset + 4),
            read_u32le(bytes, offset + 8)};
}

void append_u32le(Bytes& out, std::uint32_t value) {
    out.push_back(static_cast<std::uint8_t>(value & 0xFFU));
    out.push_back(static_cast<std::uint8_t>((value >> 8U) & 0xFFU));
    out.push_back(static_cast<std::uint8_t>((value >> 16U) & 0xFFU));
    out.push_back(static_cast<std::uint8_t>((value >> 24U) & 0xFFU));
}

// §3.2: one element; encoding type 1 (§8 pitfall 6).
void append_element(Bytes& out, std::uint32_t id, BytesView value) {
    if (value.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw Error(Errc::InvalidArgument, "an element of " + std::to_string(value.size()) +
                                               " bytes does not fit in a .sst (4 GiB limit)");
    }
    append_u32le(out, id);
    append_u32le(out, kAsnEncoding);
    append_u32le(out, static_cast<std::uint32_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
}

// "0x54524543", for messages about header fields.
std::string hex_u32(std::uint32_t value) {
    const std::array<std::uint8_t, 4> big_endian{
        static_cast<std::uint8_t>(value >> 24U), static_cast<std::uint8_t>(value >> 16U),
        static_cast<std::uint8_t>(value >> 8U), static_cast<std::uint8_t>(value)};
    return "0x" + to_hex(big_endian, HexCase::Upper);
}

[[noreturn]] void refuse(std::string message, std::string detail = {}) {
    throw Error(Errc::Malformed, std::move(message), std::move(detail));
}

// ---- UTF-16LE for FRIENDLY_NAME (§3.5, §8 pitfall 8) ---------------------------------------

constexpr char32_t kReplacement = 0xFFFD;

void append_utf16le_unit(Bytes& out, std::uint32_t unit) {
    out.push_back(static_cast<std::uint8_t>(unit & 0xFFU));
    out.push_back(static_cast<std::uint8_t>((unit >> 8U) & 0xFFU));
}

void append_utf16le(Bytes& out, char32_t code_point) {
    if (code_point < 0x10000) {
        append_utf16le_unit(out, code_point);
        return;
    }
    const std::uint32_t v = code_point - 0x10000;
    append_utf16le_unit(out, 0xD800U + (v >> 10U));
    append_utf16le_unit(out, 0xDC00U + (v & 0x3FFU));
}

// Decodes one UTF-8 sequence at `text[i]`, advancing `i`; U+FFFD for an invalid sequence
// (overlong forms, surrogates and values above U+10FFFF included).
char32_t next_utf8(std::string_view text, std::size_t& i) {
    const auto lead = static_cast<std::uint8_t>(text[i++]);
    if (lead < 0x80) {
        return lead;
    }
    // The lead byte says how many continuation bytes follow; `minimum` is the smallest code
    // point that needs that many (anything smaller is an overlong form).
    std::size_t extra = 0;
    char32_t minimum = 0;
    if ((lead & 0xE0U) == 0xC0U) {
        extra = 1;
        minimum = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        extra = 2;
        minimum = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        extra = 3;
        minimum = 0x10000;
    } else {
        return kReplacement;
    }
    char32_t code_point = lead & (0x3FU >> extra);  // the lead's payload: 5, 4 or 3 bits
    for (std::size_t k = 0; k < extra; ++k) {
        if (i >= text.size() || (static_cast<std::uint8_t>(text[i]) & 0xC0U) != 0x80U) {
            return kReplacement;
        }
        code_point = (code_point << 6U) | (static_cast<std::uint8_t>(text[i++]) & 0x3FU);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < minimum || code_point > 0x10FFFF || surrogate) {
        return kReplacement;
    }
    return code_point;
}

void append_utf8(std::string& out, char32_t code_point) {
    const auto byte = [&out](std::uint32_t value) { out.push_back(static_cast<char>(value)); };
    if (code_point < 0x80) {
        byte(code_point);
    } else if (code_point < 0x800) {
        byte(0xC0U | (code_point >> 6U));
        byte(0x80U | (code_point & 0x3FU));
    } else if (code_point < 0x10000) {
        byte(0xE0U | (code_point >> 12U));
        byte(0x80U | ((code_point >> 6U) & 0x3FU));
        byte(0x80U | (code_point & 0x3FU));
    } else {
        byte(0xF0U | (code_point >> 18U));
        byte(0x80U | ((code_point >> 12U) & 0x3FU));
        byte(0x80U | ((code_point >> 6U) & 0x3FU));
        byte(0x80U | (code_point & 0x3FU));
    }
}

// §3.5 id 11: "UTF-16LE string with terminating U+0000, included in length".
Bytes utf16le_with_nul(std::string_view utf8) {
    Bytes out;
    out.reserve(2 * utf8.size() + 2);
    for (std::size_t i = 0; i < utf8.size();) {
        append_utf16le(out, next_utf8(utf8, i));
    }
    append_utf16le_unit(out, 0);
    return out;
}

// The inverse, up to the first U+0000; an unpaired surrogate or an odd final byte is U+FFFD.
std::string utf8_from_utf16le(BytesView value) {
    std::string out;
    const std::size_t units = value.size() / 2;
    const auto unit_at = [&value](std::size_t k) -> char32_t {
        return static_cast<char32_t>(value[2 * k] | (value[2 * k + 1] << 8U));
    };
    for (std::size_t k = 0; k < units; ++k) {
        const char32_t unit = unit_at(k);
        if (unit == 0) {
            return out;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF && k + 1 < units && unit_at(k + 1) >= 0xDC00 &&
            unit_at(k + 1) <= 0xDFFF) {
            append_utf8(out, 0x10000 + ((unit - 0xD800) << 10U) + (unit_at(k + 1) - 0xDC00));
            ++k;
        } else if (unit >= 0xD800 && unit <= 0xDFFF) {
            append_utf8(out, kReplacement);
        } else {
            append_utf8(out, unit);
        }
    }
    if (value.size() % 2 != 0) {
        append_utf8(out, kReplacement);
    }
    return out;
}

// §5 step 5: a friendly name is never empty (§8 pitfall 3: Wine stops at an empty element).
// The common name, else the subject; a certificate with an empty subject (RFC 5280 4.1.2.6
// allows one when subjectAltName is present) gets its SHA-1 thumbprint instead.
std::string friendly_name_for(const Certificate& certificate) {
    std::string name = certificate.common_name();
    if (name.empty()) {
        name = certificate.subject();
    }
    if (name.empty()) {
        name = certificate.thumbprint();
    }
    return name;
}

// ---- identifying what a file is, when it is not a store (§7 step 1, §3.7) -------------------

// §3.7: a serialized certificate is one group without the store header: it starts with a
// property or id-32 element header whose value fits in the file.
bool starts_with_element_header(BytesView bytes) noexcept {
    if (bytes.size() < kElementHeaderSize) {
        return false;
    }
    const ElementHeader header = read_element_header(bytes, 0);
    return header.id != sst_id::kEndMarker && header.id <= kMaxPropertyId &&
           header.encoding == kAsnEncoding && header.length <= bytes.size() - kElementHeaderSize;
}

// Throws the reason `bytes` is not a store, unless it starts with a valid file header.
void check_file_header(BytesView bytes) {
    if (bytes.empty()) {
        refuse("empty file");
    }
    if (bytes.size() >= kFileHeaderSize &&
        std::equal(kFileHeader.begin(), kFileHeader.end(), bytes.begin())) {
        return;
    }
    if (bytes[0] == 0x30) {  // a DER SEQUENCE: a certificate, a PKCS#7 .p7b, a key ...
        refuse("a DER certificate or other DER object, not a serialized certificate store");
    }
    if (detail::looks_like_pem(bytes)) {
        refuse("a PEM file, not a serialized certificate store");
    }
    if (starts_with_element_header(bytes)) {
        refuse("a serialized certificate (one element), not a store");
    }
    if (bytes.size() < kFileHeaderSize) {
        refuse("truncated file header at offset 0: " + std::to_string(bytes.size()) +
               " bytes, a store starts with " + std::to_string(kFileHeaderSize));
    }
    const std::uint32_t version = read_u32le(bytes, 0);
    if (version != 0) {
        refuse("version field is " + std::to_string(version) +
               ", expected 0 (not a serialized certificate store?)");
    }
    refuse("file type at offset 4 is " + hex_u32(read_u32le(bytes, 4)) +
           ", expected 0x54524543 (\"CERT\") (not a serialized certificate store?)");
}

// ---- the reader (§7) ----------------------------------------------------------------------

/// One pass over a store, in the steps of §7. Keeps the properties read since the last context
/// element (§3.3: properties precede the context they describe).
class StoreReader final {
public:
    explicit StoreReader(BytesView bytes) : m_bytes(bytes) {}

    SstStore read() {
        check_file_header(m_bytes);  // step 1
        if (m_bytes.size() > kMaxStoreSize) {
            refuse("a store of " + std::to_string(m_bytes.size()) + " bytes is larger than the " +
                   std::to_string(kMaxStoreSize >> 20U) + " MiB limit");
        }
        m_offset = kFileHeaderSize;
        while (read_element()) {  // steps 2 to 5
        }
        warn_about_orphan_properties();  // step 6
        return std::move(m_store);
    }

private:
    // Steps 2 to 5 for the element at m_offset. False after the end marker.
    bool read_element() {
        const std::size_t offset = m_offset;
        const std::size_t left = m_bytes.size() - offset;
        if (left == 0) {
            refuse("no end marker (truncated?): the file ends at offset " + std::to_string(offset));
        }
        if (left < kElementHeaderSize) {
            refuse("truncated element header at offset " + std::to_string(offset));
        }
        const ElementHeader header = read_element_header(m_bytes, offset);
        if (header.id == sst_id::kEndMarker) {
            read_end_marker(header, offset);
            return false;
        }
        if (header.encoding != kAsnEncoding) {
            refuse("encoding type " + std::to_string(header.encoding) + " at offset " +
                   std::to_string(offset) + " (id " + std::to_string(header.id) + "); expected 1");
        }
        // Step 4: checked before anything is allocated; `left - 12` cannot wrap (left >= 12),
        // so the sum below stays within the input's size.
        const std::size_t available = left - kElementHeaderSize;
        if (header.length > available) {
            refuse("element at offset " + std::to_string(offset) + " declares " +
                   std::to_string(header.length) + " bytes but only " + std::to_string(available) +
                   " remain");
        }
        const BytesView value = m_bytes.subspan(offset + kElementHeaderSize, header.length);
        m_offset = offset + kElementHeaderSize + header.length;

        // Step 5.
        switch (header.id) {
            case sst_id::kCertificate:
                add_certificate(value, offset);
                break;
            case sst_id::kCrl:
            case sst_id::kCtl:
                add_other(header.id, value, offset);
                break;
            default:  // any other id is a property; unknown ids are kept opaque (§8 pitfall 10)
                m_pending.push_back({header.id, Bytes(value.begin(), value.end()), offset});
                break;
        }
        return true;
    }

    // Step 3: §3.4 says 12 zero bytes and nothing after them.
    void read_end_marker(const ElementHeader& header, std::size_t offset) {
        if (header.encoding != 0 || header.length != 0) {
            warn("end marker at offset " + std::to_string(offset) + " has encoding type " +
                 std::to_string(header.encoding) + " and length " + std::to_string(header.length) +
                 ", expected 0 and 0");
        }
        const std::size_t end = offset + kElementHeaderSize;
        if (end < m_bytes.size()) {
            warn(std::to_string(m_bytes.size() - end) +
                 " trailing bytes after the end marker at offset " + std::to_string(offset) +
                 " ignored");
        }
    }

    // Step 5 for id 32, with the duplicate check of step 6 and the thumbprint check of step 7.
    void add_certificate(BytesView der, std::size_t offset) {
        const std::size_t index = ++m_certificate_count;
        if (der.empty()) {
            refuse(certificate_name(index, offset) + " is empty (a zero-length element)");
        }
        std::optional<Certificate> parsed;
        try {
            parsed = Certificate::from_der(der);
        } catch (const Error& error) {
            refuse(certificate_name(index, offset) + " is not valid DER: " + error.what(),
                   error.detail());
        }
        const Certificate& certificate = *parsed;
        check_sha1_properties(certificate, index, offset);

        // The keys view the SHA-1 inside each kept certificate's shared Impl, which m_store
        // keeps alive, at the same address, for as long as this reader exists.
        const Bytes& sha1 = certificate.sha1();
        const std::string_view key(reinterpret_cast<const char*>(sha1.data()), sha1.size());
        const auto [first, inserted] = m_first_offset.try_emplace(key, offset);
        if (!inserted) {
            warn(certificate_name(index, offset) + " is a duplicate of the certificate at offset " +
                 std::to_string(first->second) + " (SHA-1 " + certificate.thumbprint() +
                 "); kept once" + (m_pending.empty() ? "" : ", its properties dropped"));
            m_pending.clear();
            return;
        }
        m_store.certificates.push_back({certificate, take_pending(), offset});
    }

    // "certificate 2 at offset 915": the 1-based index among the id-32 elements of the file.
    static std::string certificate_name(std::size_t index, std::size_t offset) {
        return "certificate " + std::to_string(index) + " at offset " + std::to_string(offset);
    }

    void add_other(std::uint32_t id, BytesView der, std::size_t offset) {
        if (der.empty()) {
            refuse(std::string(sst_property_name(id)) + " element at offset " +
                   std::to_string(offset) + " is empty (a zero-length element)");
        }
        m_store.others.push_back({id, Bytes(der.begin(), der.end()), take_pending(), offset});
    }

    // Step 7: the thumbprint is computed; a stored SHA1_HASH is a cache and may be wrong (§3.5).
    void check_sha1_properties(const Certificate& certificate, std::size_t index,
                               std::size_t offset) {
        for (const SstProperty& property : m_pending) {
            if (property.id == sst_id::kSha1Hash && property.value != certificate.sha1()) {
                warn(certificate_name(index, offset) + ": SHA1_HASH property at offset " +
                     std::to_string(property.offset) + " does not match the computed SHA-1 " +
                     certificate.thumbprint() + " (kept as read)");
            }
        }
    }

    // Step 6: properties before the end marker belong to no context (§3.3).
    void warn_about_orphan_properties() {
        if (m_pending.size() == 1) {
            warn("1 property at offset " + std::to_string(m_pending.front().offset) +
                 " has no following certificate; ignored");
        } else if (m_pending.size() > 1) {
            warn(std::to_string(m_pending.size()) + " properties from offset " +
                 std::to_string(m_pending.front().offset) +
                 " have no following certificate; ignored");
        }
    }

    std::vector<SstProperty> take_pending() {
        std::vector<SstProperty> properties = std::move(m_pending);
        m_pending.clear();  // a moved-from vector is valid but unspecified
        return properties;
    }

    void warn(std::string message) { m_store.warnings.push_back(std::move(message)); }

    BytesView m_bytes;
    std::size_t m_offset = 0;
    std::size_t m_certificate_count = 0;  ///< id-32 elements read, duplicates included
    std::vector<SstProperty> m_pending;   ///< properties waiting for their context element
    std::unordered_map<std::string_view, std::size_t> m_first_offset;  ///< SHA-1 -> offset
    SstStore m_store;
};

}  // namespace

// ---- public functions ---------------------------------------------------------------------

std::string_view sst_property_name(std::uint32_t id) noexcept {
    // wincrypt.h (mingw-w64) CERT_<name>_PROP_ID; 32-34 are the context ids of MS-OSHARED
    // 2.3.2.5 (CERT_CERT_PROP_ID ... in Wine's wincrypt.h).
    struct Entry {
        std::uint32_t id;
        std::string_view name;
    };
    static constexpr std::array kNames{
        Entry{1, "KEY_PROV_HANDLE"},
        Entry{2, "KEY_PROV_INFO"},
        Entry{3, "SHA1_HASH"},
        Entry{4, "MD5_HASH"},
        Entry{5, "KEY_CONTEXT"},
        Entry{6, "KEY_SPEC"},
        Entry{7, "IE30_RESERVED"},
        Entry{8, "PUBKEY_HASH_RESERVED"},
        Entry{9, "ENHKEY_USAGE"},
        Entry{10, "NEXT_UPDATE_LOCATION"},
        Entry{11, "FRIENDLY_NAME"},
        Entry{12, "PVK_FILE"},
        Entry{13, "DESCRIPTION"},
        Entry{14, "ACCESS_STATE"},
        Entry{15, "SIGNATURE_HASH"},
        Entry{16, "SMART_CARD_DATA"},
        Entry{17, "EFS"},
        Entry{18, "FORTEZZA_DATA"},
        Entry{19, "ARCHIVED"},
        Entry{20, "KEY_IDENTIFIER"},
        Entry{21, "AUTO_ENROLL"},
        Entry{22, "PUBKEY_ALG_PARA"},
        Entry{23, "CROSS_CERT_DIST_POINTS"},
        Entry{24, "ISSUER_PUBLIC_KEY_MD5_HASH"},
        Entry{25, "SUBJECT_PUBLIC_KEY_MD5_HASH"},
        Entry{26, "ENROLLMENT"},
        Entry{27, "DATE_STAMP"},
        Entry{28, "ISSUER_SERIAL_NUMBER_MD5_HASH"},
        Entry{29, "SUBJECT_NAME_MD5_HASH"},
        Entry{30, "EXTENDED_ERROR_INFO"},
        Entry{32, "CERT"},
        Entry{33, "CRL"},
        Entry{34, "CTL"},
        Entry{64, "RENEWAL"},
        Entry{65, "ARCHIVED_KEY_HASH"},
        Entry{66, "AUTO_ENROLL_RETRY"},
        Entry{67, "AIA_URL_RETRIEVED"},
        Entry{68, "AUTHORITY_INFO_ACCESS"},
        Entry{69, "BACKED_UP"},
        Entry{70, "OCSP_RESPONSE"},
        Entry{71, "REQUEST_ORIGINATOR"},
        Entry{72, "SOURCE_LOCATION"},
        Entry{73, "SOURCE_URL"},
        Entry{74, "NEW_KEY"},
        Entry{75, "OCSP_CACHE_PREFIX"},
        Entry{76, "SMART_CARD_ROOT_INFO"},
        Entry{77, "NO_AUTO_EXPIRE_CHECK"},
        Entry{78, "NCRYPT_KEY_HANDLE"},
        Entry{79, "HCRYPTPROV_OR_NCRYPT_KEY_HANDLE"},
        Entry{80, "SUBJECT_INFO_ACCESS"},
        Entry{81, "CA_OCSP_AUTHORITY_INFO_ACCESS"},
        Entry{82, "CA_DISABLE_CRL"},
        Entry{83, "ROOT_PROGRAM_CERT_POLICIES"},
        Entry{84, "ROOT_PROGRAM_NAME_CONSTRAINTS"},
        Entry{85, "SUBJECT_OCSP_AUTHORITY_INFO_ACCESS"},
        Entry{86, "SUBJECT_DISABLE_CRL"},
        Entry{87, "CEP"},
        Entry{89, "SIGN_HASH_CNG_ALG"},
        Entry{90, "SCARD_PIN_ID"},
        Entry{91, "SCARD_PIN_INFO"},
        Entry{92, "SUBJECT_PUB_KEY_BIT_LENGTH"},
        Entry{93, "PUB_KEY_CNG_ALG_BIT_LENGTH"},
        Entry{94, "ISSUER_PUB_KEY_BIT_LENGTH"},
        Entry{95, "ISSUER_CHAIN_SIGN_HASH_CNG_ALG"},
        Entry{96, "ISSUER_CHAIN_PUB_KEY_CNG_ALG_BIT_LENGTH"},
        Entry{97, "NO_EXPIRE_NOTIFICATION"},
        Entry{98, "AUTH_ROOT_SHA256_HASH"},
        Entry{99, "NCRYPT_KEY_HANDLE_TRANSFER"},
        Entry{100, "HCRYPTPROV_TRANSFER"},
        Entry{101, "SMART_CARD_READER"},
        Entry{102, "SEND_AS_TRUSTED_ISSUER"},
        Entry{103, "KEY_REPAIR_ATTEMPTED"},
        Entry{104, "DISALLOWED_FILETIME"},
        Entry{105, "ROOT_PROGRAM_CHAIN_POLICIES"},
        Entry{106, "SMART_CARD_READER_NON_REMOVABLE"},
        Entry{107, "SHA256_HASH"},
        Entry{108, "SCEP_SERVER_CERTS"},
        Entry{109, "SCEP_RA_SIGNATURE_CERT"},
        Entry{110, "SCEP_RA_ENCRYPTION_CERT"},
        Entry{111, "SCEP_CA_CERT"},
        Entry{112, "SCEP_SIGNER_CERT"},
        Entry{113, "SCEP_NONCE"},
        Entry{114, "SCEP_ENCRYPT_HASH_CNG_ALG"},
        Entry{115, "SCEP_FLAGS"},
        Entry{116, "SCEP_GUID"},
        Entry{117, "SERIALIZABLE_KEY_CONTEXT"},
        Entry{118, "ISOLATED_KEY"},
        Entry{119, "SERIAL_CHAIN"},
        Entry{120, "KEY_CLASSIFICATION"},
        Entry{121, "OCSP_MUST_STAPLE"},
        Entry{122, "DISALLOWED_ENHKEY_USAGE"},
        Entry{123, "NONCOMPLIANT_ROOT_URL"},
        Entry{124, "PIN_SHA256_HASH"},
        Entry{125, "CLR_DELETE_KEY"},
        Entry{126, "NOT_BEFORE_FILETIME"},
        Entry{127, "NOT_BEFORE_ENHKEY_USAGE"},
    };
    for (const Entry& entry : kNames) {
        if (entry.id == id) {
            return entry.name;
        }
    }
    return "unknown";
}

std::string sst_text_value(BytesView value) {
    return utf8_from_utf16le(value);
}

std::optional<std::string> SstCertificate::friendly_name() const {
    const auto found = std::find_if(properties.begin(), properties.end(), [](const SstProperty& p) {
        return p.id == sst_id::kFriendlyName;
    });
    if (found == properties.end()) {
        return std::nullopt;
    }
    return utf8_from_utf16le(found->value);
}

std::vector<Certificate> SstStore::certificate_list() const {
    std::vector<Certificate> list;
    list.reserve(certificates.size());
    for (const SstCertificate& entry : certificates) {
        list.push_back(entry.certificate);
    }
    return list;
}

bool looks_like_sst(BytesView bytes) noexcept {
    return bytes.size() >= kFileHeaderSize &&
           std::equal(kFileHeader.begin(), kFileHeader.end(), bytes.begin());
}

SstStore decode_sst(BytesView bytes) {
    return StoreReader(bytes).read();
}

Bytes encode_sst(const std::vector<Certificate>& certificates, const SstWriteOptions& options) {
    // §5 step 3: de-duplicate by SHA-1 of the DER, first occurrence kept, order preserved.
    // Keys view the SHA-1 held by each certificate in `certificates`, which outlives the set.
    std::unordered_set<std::string_view> seen;
    seen.reserve(certificates.size());
    std::vector<const Certificate*> unique;
    unique.reserve(certificates.size());
    for (const Certificate& certificate : certificates) {
        const Bytes& sha1 = certificate.sha1();
        if (seen.emplace(reinterpret_cast<const char*>(sha1.data()), sha1.size()).second) {
            unique.push_back(&certificate);
        }
    }

    // §5 step 5: optional FRIENDLY_NAME before each certificate (§3.3: properties precede).
    std::vector<Bytes> names;
    if (options.friendly_names) {
        names.reserve(unique.size());
        for (const Certificate* certificate : unique) {
            names.push_back(utf16le_with_nul(friendly_name_for(*certificate)));
        }
    }

    // §3.4: size = 8 + sum(12 + length) + 12.
    std::size_t size = kFileHeaderSize + kElementHeaderSize;
    for (const Certificate* certificate : unique) {
        size += kElementHeaderSize + certificate->der().size();
    }
    for (const Bytes& name : names) {
        size += kElementHeaderSize + name.size();
    }

    // §5 step 4: header, {32, 1, len, DER} per certificate, then 12 zero bytes (§3.4).
    Bytes out(kFileHeader.begin(), kFileHeader.end());
    out.reserve(size);
    for (std::size_t i = 0; i < unique.size(); ++i) {
        if (options.friendly_names) {
            append_element(out, sst_id::kFriendlyName, names[i]);
        }
        append_element(out, sst_id::kCertificate, unique[i]->der());
    }
    out.insert(out.end(), kElementHeaderSize, 0);
    return out;
}

std::vector<ChainOfTrustFinding> check_chain_of_trust(const std::vector<Certificate>& certificates,
                                                      TimePoint now, int warn_days) {
    using Kind = ChainOfTrustFinding::Kind;
    std::vector<ChainOfTrustFinding> findings;
    for (const Certificate& c : certificates) {
        if (now > c.not_after()) {
            findings.push_back({Kind::Expired, c, "expired on " + format_rfc3339(c.not_after())});
        } else if (now < c.not_before()) {
            findings.push_back(
                {Kind::NotYetValid, c, "is not valid before " + format_rfc3339(c.not_before())});
        } else if (c.is_ca() && days_between(now, c.not_after()) < warn_days) {
            findings.push_back(
                {Kind::ExpiresSoon, c, describe_validity(c.not_before(), c.not_after(), now)});
        }
        if (!c.is_ca()) {
            findings.push_back({Kind::EndEntity, c,
                                "is not a CA certificate: end-entity certificates do not belong "
                                "in a chain of trust"});
        }
    }
    return findings;
}

}  // namespace smimekit
