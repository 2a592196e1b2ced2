// SPDX-License-Identifier: Apache-2.0
// The CMS envelope machinery shared by encrypt, decrypt and inspect (smime_encrypt.cpp,
// smime_decrypt.cpp, smime_inspect.cpp): reading an EnvelopedData or AuthEnvelopedData without
// copying its encrypted content, describing its recipients and algorithms, and knowing which
// readers cannot open it. Private to the library.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/smime.hpp"

#include "detail/ossl.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace smimekit::detail {

/**
 * An EnvelopedData or AuthEnvelopedData ContentInfo (DER or BER) taken apart so that OpenSSL
 * never copies the encrypted content: d2i of a whole ContentInfo copies every byte of it, and
 * OpenSSL 3.0's CMS has no single-pass input, so a 50 MB message would be held twice (this is
 * most of `openssl cms -decrypt`'s 190 MB peak for one; performance.md).
 */
struct EnvelopeLayout {
    EnvelopeKind kind = EnvelopeKind::Enveloped;
    /// The ContentInfo without its encryptedContent (RFC 5652 section 6.1: the field is
    /// OPTIONAL, "detached" content), with definite lengths along the path to it; every other
    /// element is copied as it was. d2i_CMS_ContentInfo reads it; CMS_decrypt then takes the
    /// content as `dcont`.
    Bytes structure;
    /// The encrypted content, in the pieces of a constructed (BER) OCTET STRING or as one
    /// piece; views into the input. Empty for a message without encryptedContent.
    std::vector<BytesView> content;
    /// The contentEncryptionAlgorithm element as it was encoded.
    BytesView content_algorithm;
};

/// Splits `cms` (see EnvelopeLayout); nullopt when it is not an EnvelopedData or
/// AuthEnvelopedData ContentInfo of the shape RFC 5652 and RFC 5083 give, or nests deeper than
/// a sane encoder does. Never throws for bad input.
std::optional<EnvelopeLayout> split_envelope(BytesView cms);

/// The byte count of `pieces` together.
std::uint64_t total_size(std::span<const BytesView> pieces) noexcept;

/// A read-only BIO over `pieces` in order (borrowed: they must outlive the BIO). One piece
/// becomes a plain memory BIO.
BioPtr make_pieces_bio(std::span<const BytesView> pieces);

/**
 * Base64 decoding as input arrives (RFC 2045 section 6.8: characters outside the alphabet are
 * ignored), appending to a Bytes. finish() checks the end: Error{Malformed} for a truncated
 * final group or bad padding.
 */
class Base64StreamDecoder final {
public:
    explicit Base64StreamDecoder(Bytes& out) : m_out(out) {}
    void write(BytesView text);
    void finish();

private:
    void decode_pending(bool final);

    Bytes& m_out;
    std::string m_pending;  // alphabet characters not decoded yet
};

/// "AES-256-CBC", "AES-128-GCM", "3DES-CBC", ... for a contentEncryptionAlgorithm element;
/// the dotted OID for one without a name here; "" when it does not decode.
std::string content_cipher_text(BytesView algorithm_der);

/// The recipient entries of an envelope, in order (a kari gives one per
/// recipientEncryptedKey).
std::vector<RecipientFacts> recipient_facts(CMS_ContentInfo* cms);

/// What the envelope uses, for envelope_limitations (smime_encrypt.cpp).
struct EnvelopeTraits {
    bool authenticated = false;  ///< AuthEnvelopedData
    bool oaep = false;           ///< an RSAES-OAEP key transport entry
    bool key_agreement = false;  ///< an ECDH key agreement entry
};
std::vector<ClientLimitation> limitations_of(const EnvelopeTraits& traits);
/// The traits of received recipient entries.
EnvelopeTraits traits_of(EnvelopeKind kind, const std::vector<RecipientFacts>& recipients);

/// A ByteSource over `bytes` (borrowed), for the in-memory forms of the streaming functions.
ByteSource memory_source(BytesView bytes);

/// Lower-case hex of an INTEGER, as Certificate::serial_hex writes it.
std::string serial_text(const ASN1_INTEGER* serial);

}  // namespace smimekit::detail
