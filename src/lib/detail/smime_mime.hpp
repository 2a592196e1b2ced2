// SPDX-License-Identifier: Apache-2.0
// The MIME plumbing every S/MIME operation shares (signing, verifying, encrypting, decrypting):
// splitting a message into the header fields that stay outside and the entity that is
// protected, writing an application/pkcs7-mime entity around streamed CMS bytes, and getting
// the CMS bytes out of a received part. Private to the library.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/mime.hpp"

#include "detail/ossl.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smimekit::detail {

// ---- (1) outer headers and the protected entity ---------------------------------------------

/// True for the fields that describe the content and therefore travel inside the protected
/// entity: every "Content-*" field (case-insensitive). MIME-Version is not one: it stays
/// outside, and the writer puts exactly one "MIME-Version: 1.0" there.
bool is_content_field(std::string_view name) noexcept;

/**
 * A message's header fields, split for S/MIME. Both blocks hold the fields' raw lines as they
 * were (folding kept) in canonical form (every line end CRLF), in their original order.
 */
struct SplitHeaders {
    /// Every field that stays outside: From, To, Cc, Subject, Date, Message-ID, Received, X-*,
    /// ... except MIME-Version (the writer adds its own). Without the blank line.
    Bytes outer;
    /// The Content-* fields, then the blank line (CRLF) that ends the entity's header block.
    /// When the message has no Content-Type, "Content-Type: text/plain; charset=us-ascii" (its
    /// default, RFC 2045 section 5.2) is written first, so that no client has to guess.
    Bytes inner;
};

/// Splits the header fields of a parsed message (see SplitHeaders).
SplitHeaders split_headers(const MimeEntity& message);

/// The start of a message read from a ByteSource: its split header block, and the first bytes
/// of the body that were read with it.
struct MessageHead {
    SplitHeaders headers;
    Bytes body_start;  ///< body bytes already taken from the source, as read (not canonical)
};

/**
 * Reads the header block of a message from `source` up to and including the blank line that
 * ends it (LF or CRLF), and splits it. The rest of the source is the body: stream it with
 * stream_protected_entity. A message that is only a header block has an empty body.
 * Throws Malformed when the header block is larger than `max_header_bytes` or the input does not
 * start with a header field (an empty input, binary data).
 */
MessageHead read_message_head(const ByteSource& source, std::size_t max_header_bytes = 1U << 20U);

/**
 * Writes the protected entity, head.headers.inner then the body (head.body_start and the rest of
 * `source`), in canonical form (CRLF) to `sink`, in pieces of at most 64 KiB plus their line-end
 * growth. Returns the number of bytes written. Sets `*eight_bit` (when given) if the body holds a
 * byte above 127 or a NUL (interop.md pitfall 3: such content may not survive transport).
 */
std::uint64_t stream_protected_entity(const MessageHead& head, const ByteSource& source,
                                      const ByteSink& sink, bool* eight_bit = nullptr);

/// The protected entity of a message in memory, in canonical form (the same bytes as
/// stream_protected_entity), and its split header fields.
struct ProtectedEntity {
    SplitHeaders headers;
    Bytes entity;  ///< headers.inner + canonical body
};
/// Throws Malformed as read_message_head does.
ProtectedEntity protected_entity(BytesView message);

// ---- (2) writing CMS into a message ---------------------------------------------------------

/**
 * Base64 (RFC 2045 section 6.8) in lines of 76 characters, each ended by CRLF, written to a
 * sink as input arrives; the caller need not cut the input at multiples of 3 bytes.
 * finish() writes the last (partial) line; nothing is written after it.
 */
class Base64LineWriter final {
public:
    explicit Base64LineWriter(ByteSink sink) : m_sink(std::move(sink)) {}
    void write(BytesView bytes);
    void finish();

private:
    void flush_lines(bool all);

    ByteSink m_sink;
    Bytes m_pending;  // input bytes not encoded yet (less than one line's worth after a write)
    Bytes m_out;      // reused output buffer
};

/**
 * A write-only OpenSSL BIO that hands every write to `sink`: the bridge from OpenSSL's output
 * functions (i2d_CMS_bio, BIO_new_CMS streaming, PEM writers) to a ByteSink. `sink` is borrowed
 * and must outlive the BIO. An exception thrown by the sink is caught, remembered and makes the
 * write fail; rethrow_sink_error(bio) throws it again after the OpenSSL call returns.
 */
BioPtr make_sink_bio(const ByteSink& sink);
/// Rethrows the exception a sink threw inside a BIO made by make_sink_bio, if any.
void rethrow_sink_error(BIO* sink_bio);

/**
 * The header block of an application/pkcs7-mime entity as RFC 8551 section 3.2 wants it, after
 * the message's outer fields: `outer`, "MIME-Version: 1.0",
 * "Content-Type: application/pkcs7-mime; smime-type=<smime_type>; name="smime.p7m"",
 * "Content-Transfer-Encoding: base64",
 * "Content-Disposition: attachment; filename="smime.p7m"", and the blank line; the Content-Type
 * field is folded (format_header) so that no line exceeds 78 characters. `smime_type` is
 * "signed-data", "enveloped-data", "authEnveloped-data" (case as in RFC 8551) or "certs-only".
 * Write the base64 of the CMS after it (Pkcs7MimeWriter does both).
 */
std::string pkcs7_mime_header(BytesView outer, std::string_view smime_type);

/**
 * Writes a whole application/pkcs7-mime message to a sink: the header from pkcs7_mime_header at
 * construction, then the CMS as base64 lines: write DER or BER into bio() (i2d_CMS_bio,
 * BIO_new_CMS, ...) or hand bytes to write(); finish() ends the last line. The sink is borrowed.
 */
class Pkcs7MimeWriter final {
public:
    Pkcs7MimeWriter(const ByteSink& sink, BytesView outer, std::string_view smime_type);
    Pkcs7MimeWriter(const Pkcs7MimeWriter&) = delete;
    Pkcs7MimeWriter& operator=(const Pkcs7MimeWriter&) = delete;
    Pkcs7MimeWriter(Pkcs7MimeWriter&&) = delete;
    Pkcs7MimeWriter& operator=(Pkcs7MimeWriter&&) = delete;
    ~Pkcs7MimeWriter() = default;

    /// A BIO whose writes are base64-encoded into the message (owned by this writer). After an
    /// OpenSSL call that wrote to it failed, call rethrow_sink_error(bio()) first.
    [[nodiscard]] BIO* bio() const noexcept { return m_bio.get(); }
    void write(BytesView cms_bytes) { m_base64.write(cms_bytes); }
    void finish() { m_base64.finish(); }

private:
    Base64LineWriter m_base64;
    ByteSink m_to_base64;  // declared before m_bio, which borrows it
    BioPtr m_bio;
};

// ---- (3) reading CMS out of a message -------------------------------------------------------

/// What a received part holding CMS is, by its media type.
enum class CmsPartKind {
    Pkcs7Mime,       ///< application/pkcs7-mime or x-pkcs7-mime (or octet-stream named *.p7m)
    Pkcs7Signature,  ///< application/pkcs7-signature or x-pkcs7-signature (or *.p7s)
};

/**
 * The kind of CMS part `entity` is: application/(x-)pkcs7-mime, application/(x-)pkcs7-signature,
 * or application/octet-stream whose name or filename ends in .p7m/.p7c (Pkcs7Mime) or .p7s
 * (some mail clients send that, interop.md pitfall 5); nullopt for anything else. For
 * pkcs7-mime, look at the CMS contentType, not at the smime-type parameter: writers get it
 * wrong.
 */
std::optional<CmsPartKind> cms_part_kind(const MimeEntity& entity);

/// True when `entity` uses a legacy "x-" media type (application/x-pkcs7-*), for a note.
bool is_legacy_cms_media_type(const MimeEntity& entity) noexcept;

/**
 * The CMS bytes (DER or BER, as sent) of a part: its body with the transfer encoding removed.
 * A body that is declared 7bit/8bit but is base64 text (some writers omit the
 * Content-Transfer-Encoding) is base64-decoded too; a binary body is taken as it is.
 * Throws Malformed when the body is empty or does not start like a DER SEQUENCE after decoding.
 */
Bytes cms_bytes_of(const MimeEntity& part);

/// The content type of a CMS ContentInfo (DER or BER), read from its outer shape only:
/// "signedData", "envelopedData", "authEnvelopedData", "data", "compressedData", or the dotted
/// OID for another; nullopt when the bytes are not a ContentInfo.
std::optional<std::string> cms_content_type(BytesView cms) noexcept;

}  // namespace smimekit::detail
