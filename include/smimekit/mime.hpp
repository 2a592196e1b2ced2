// SPDX-License-Identifier: Apache-2.0
// MIME as S/MIME needs it (RFC 2045, 2046, 2047, 2231, 5322): a reader that keeps byte-exact
// views of every entity (a signature covers the bytes as transmitted), the transfer encodings,
// line-end canonicalization, RFC 2047 header words, and a writer for test mails.
//
// Line ends: the reader accepts LF, CRLF and a mix of both; the writer always writes CRLF. A
// bare CR is not a line end anywhere here (RFC 5322 section 2.3: "CR and LF MUST only occur
// together as CRLF"), so it is kept as data; see to_canonical_crlf for why.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/time.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

namespace detail {
class MimeReader;
}  // namespace detail

// ---- line ends and 7-bit data ----------------------------------------------------------------

/**
 * The canonical form of RFC 2049 section 4 (what S/MIME signs, RFC 8551 section 3.1.1): every
 * LF that is not preceded by CR becomes CRLF; CRLF stays; every other byte is copied.
 * A bare CR is kept as it is, as OpenSSL's SMIME_crlf_copy does: it is not a line end in
 * Internet mail, and turning it into CRLF would change the digest of content that another
 * signer signed with the CR in place.
 */
Bytes to_canonical_crlf(BytesView bytes);

/**
 * to_canonical_crlf chunk by chunk, so that a large message never needs two whole copies.
 * The concatenated outputs equal to_canonical_crlf of the concatenated inputs, however the
 * input is cut (a CR at the end of one chunk and the LF at the start of the next stay CRLF).
 */
class CrlfCanonicalizer final {
public:
    [[nodiscard]] Bytes feed(BytesView chunk);
    /// Appends the converted `chunk` to `out` (saves an allocation per chunk).
    void feed(BytesView chunk, Bytes& out);

private:
    bool m_after_cr = false;
};

/// True if every byte is 1..127 (RFC 2045 section 2.7 "7bit data": no octets with the high bit
/// set and no NUL). Says nothing about line lengths or bare CR/LF.
bool is_7bit(BytesView bytes) noexcept;

/// True if `bytes` is valid UTF-8 (RFC 3629) without NUL bytes: what compose_message takes as
/// text.
bool is_utf8_text(BytesView bytes) noexcept;

// ---- Content-Transfer-Encoding (RFC 2045 section 6) ------------------------------------------

enum class TransferEncoding { SevenBit, EightBit, Binary, QuotedPrintable, Base64 };

/// "7bit", "8bit", "binary", "quoted-printable", "base64" (case-insensitive, surrounding
/// whitespace and comments ignored); nullopt for anything else (x-uuencode, typos).
std::optional<TransferEncoding> parse_transfer_encoding(std::string_view value);
/// The name as written in a header: "7bit", "quoted-printable", ...
std::string_view transfer_encoding_name(TransferEncoding encoding) noexcept;

/// The decoded body: base64 and quoted-printable decoded, the identity encodings copied.
/// Throws Error{Malformed} for base64 that cannot be decoded (bad padding, truncated).
Bytes decode_transfer_encoding(BytesView body, TransferEncoding encoding);

/// Base64 as RFC 2045 section 6.8 asks a decoder to read it: lines of any length, and every
/// character outside the alphabet (line ends, spaces, stray punctuation) ignored.
/// Throws Error{Malformed} on bad padding or a truncated final group.
Bytes decode_base64_body(BytesView body);

/// Quoted-printable (RFC 2045 section 6.7): "=XX" in either case, soft line breaks ("=" at the
/// end of a line) removed, trailing whitespace on a line deleted (rule 3), and each hard line
/// break written as CRLF. A "=" that starts no valid sequence is kept literally (note 2).
/// Never throws for bad input.
Bytes decode_quoted_printable(BytesView body);

/**
 * Quoted-printable that is 7-bit and mail safe: line breaks of `text` (LF or CRLF) become CRLF
 * hard breaks; encoded lines are at most 76 characters (rule 5); "=", control characters, bytes
 * above 126 and a bare CR are encoded, and so are whitespace at a line end (rule 3), "From " at
 * the start of a line (mbox writers would turn it into ">From "), and "." at the start of a line
 * (a line holding only "." ends the SMTP DATA of a broken relay). The result ends with CRLF only
 * if `text` ends with a line break.
 */
std::string encode_quoted_printable(BytesView text);

// ---- header fields ---------------------------------------------------------------------------

/**
 * Decodes RFC 2047 encoded words ("=?utf-8?q?caf=C3=A9?=") in a header value to UTF-8: B and Q
 * encodings; charsets UTF-8, US-ASCII, ISO-8859-1 and windows-1252 (an RFC 2231 language suffix
 * "*en" is ignored). Whitespace between two adjacent encoded words is dropped (section 6.2), and
 * adjacent words in the same charset are joined before conversion, so a character split across
 * words by a sloppy encoder survives. A word in another charset, or that does not decode, is
 * kept as written. Never throws.
 */
std::string decode_header_words(std::string_view value);

/**
 * Encodes UTF-8 text as RFC 2047 encoded words in charset utf-8, separated by single spaces:
 * Q or B, whichever is shorter; each word at most 75 characters (section 2), the first at most
 * `first_word_max` (so it fits on the header's first line); a multi-byte character is never
 * split between words (section 5). Q uses only the characters allowed in a phrase (section
 * 5(3)), so the result fits a Subject and a display name alike.
 * Throws Error{InvalidArgument} if `utf8` is not valid UTF-8.
 */
std::string encode_header_words(std::string_view utf8, std::size_t first_word_max = 75);

/**
 * "Name: value" + CRLF, folded (RFC 5322 section 2.2.3: CRLF inserted before a space) so that
 * lines stay within 78 characters where the value has spaces to fold at; spaces inside a
 * quoted string are never used. The value must already be encoded (7-bit).
 * Throws Error{InvalidArgument} if name or value holds CR or LF (header injection) or the name
 * is not printable ASCII without ':'.
 */
std::string format_header(std::string_view name, std::string_view value);

/// One parameter of a Content-Type or Content-Disposition value.
struct MimeParameter {
    std::string name;   ///< lower case, without RFC 2231 "*" and section suffixes
    std::string value;  ///< unquoted; RFC 2231 sections joined and decoded to UTF-8
};

/// The value of a parameter named `name` (case-insensitive), if present.
std::optional<std::string> find_parameter(const std::vector<MimeParameter>& parameters,
                                          std::string_view name);

/// A parsed Content-Type (RFC 2045 section 5.1).
struct ContentType {
    std::string type = "text";      ///< lower case
    std::string subtype = "plain";  ///< lower case
    std::vector<MimeParameter> parameters;

    /// "multipart/signed".
    [[nodiscard]] std::string media_type() const { return type + "/" + subtype; }
    [[nodiscard]] bool is_multipart() const noexcept { return type == "multipart"; }
    [[nodiscard]] std::optional<std::string> parameter(std::string_view name) const {
        return find_parameter(parameters, name);
    }
};

/**
 * Parses "type/subtype; name=value; ..." (RFC 2045 section 5.1): names case-insensitive,
 * values as tokens or quoted strings, RFC 822 comments skipped, RFC 2231 extended values
 * ("name*=utf-8''%E2%82%AC") and continuations ("name*0=..; name*1*=..") joined and decoded.
 * The first of duplicate parameters wins. Throws Error{Malformed} if there is no type/subtype.
 */
ContentType parse_content_type(std::string_view value);

/// A parsed Content-Disposition (RFC 2183): "attachment; filename=...".
struct ContentDisposition {
    std::string kind;  ///< lower case: "inline", "attachment", ...
    std::vector<MimeParameter> parameters;
    [[nodiscard]] std::optional<std::string> parameter(std::string_view name) const {
        return find_parameter(parameters, name);
    }
};

/// Parses a Content-Disposition value like parse_content_type; throws Error{Malformed} if it
/// does not start with a token.
ContentDisposition parse_content_disposition(std::string_view value);

// ---- the reader --------------------------------------------------------------------------------

/// One header field as read.
struct MimeHeader {
    std::string name;   ///< as written (case kept), without whitespace before the colon
    std::string value;  ///< unfolded (RFC 5322 2.2.3), outer whitespace trimmed, not 2047-decoded
    BytesView raw;      ///< the field's lines exactly as in the input, each with its line end
};

/// Bounds that keep hostile input from exhausting memory or stack; beyond them parse_mime
/// throws Error{Malformed}.
struct MimeParseLimits {
    std::size_t max_depth = 32;                ///< nested multiparts
    std::size_t max_parts = 10'000;            ///< entities in the whole message
    std::size_t max_header_fields = 1'000;     ///< per entity
    std::size_t max_header_bytes = 1U << 20U;  ///< per entity header block
    /// Throw Error{Malformed} for what is otherwise tolerated and noted (see notes()).
    bool strict = false;
};

/**
 * An entity of a parsed message: its header fields, and for a multipart its parts. Every view
 * points into the buffer given to parse_mime, which must outlive the entity; nothing is copied.
 *
 * raw() == header_block_raw() + the blank line (0 to 2 bytes) + body_raw(), exactly. The line
 * end before a multipart delimiter belongs to the delimiter (RFC 2046 section 5.1.1), so a
 * part's raw() ends before it. An entity that starts with a line end has an empty header block
 * (RFC 4134 section 4.8 signs such a part).
 */
class MimeEntity final {
public:
    [[nodiscard]] BytesView raw() const noexcept { return m_raw; }
    /// The header lines, each with its line end; empty if the entity has no header fields.
    [[nodiscard]] BytesView header_block_raw() const noexcept { return m_header_block; }
    /// The body after the blank line, still transfer-encoded.
    [[nodiscard]] BytesView body_raw() const noexcept { return m_body; }

    [[nodiscard]] const std::vector<MimeHeader>& headers() const noexcept { return m_headers; }
    /// The first field named `name` (case-insensitive), or nullptr.
    [[nodiscard]] const MimeHeader* header(std::string_view name) const noexcept;

    /// The Content-Type; when absent or unparsable, the default of RFC 2045 section 5.2
    /// (text/plain; charset=us-ascii) or, in a multipart/digest, message/rfc822 (RFC 2046 5.1.5).
    [[nodiscard]] const ContentType& content_type() const noexcept { return m_content_type; }
    /// The Content-Transfer-Encoding (7bit when absent, RFC 2045 section 6.1); nullopt if unknown.
    [[nodiscard]] std::optional<TransferEncoding> transfer_encoding() const;
    /// body_raw() with the transfer encoding removed. Throws Error{Unsupported} for an unknown
    /// encoding and Error{Malformed} for undecodable base64.
    [[nodiscard]] Bytes decoded_body() const;

    /// True if this entity was read as a multipart: its Content-Type is multipart/* and has a
    /// boundary. Then parts(), preamble() and epilogue() describe the body.
    [[nodiscard]] bool is_multipart() const noexcept { return m_is_multipart; }
    [[nodiscard]] const std::vector<MimeEntity>& parts() const noexcept { return m_parts; }
    /// The bytes before the first delimiter line (without the line end that belongs to it).
    [[nodiscard]] BytesView preamble() const noexcept { return m_preamble; }
    /// The bytes after the close-delimiter line; empty if there is none.
    [[nodiscard]] BytesView epilogue() const noexcept { return m_epilogue; }
    /// False for a multipart whose close delimiter ("--boundary--") is missing: its last part
    /// runs to the end of the body, and a signature over it cannot be trusted to be complete.
    [[nodiscard]] bool closed() const noexcept { return m_closed; }

    /// What the reader tolerated in this entity itself ("no closing boundary for
    /// multipart/mixed"); empty for a well-formed entity.
    [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return m_notes; }
    /// True if neither this entity nor any part inside it has notes.
    [[nodiscard]] bool well_formed() const noexcept;

private:
    friend class detail::MimeReader;

    BytesView m_raw;
    BytesView m_header_block;
    BytesView m_body;
    std::vector<MimeHeader> m_headers;
    ContentType m_content_type;
    bool m_is_multipart = false;
    bool m_closed = true;
    std::vector<MimeEntity> m_parts;
    BytesView m_preamble;
    BytesView m_epilogue;
    std::vector<std::string> m_notes;
};

/**
 * Reads a message (or a single entity, such as the signed part of a multipart/signed) from
 * `message`, which must stay alive as long as the result. LF, CRLF and mixed line ends are
 * accepted; headers folded with spaces or tabs are unfolded; nested multiparts are read to
 * limits.max_depth. Tolerated defects (no closing boundary, no boundary line at all, a header
 * block that ends without a blank line, an unparsable Content-Type) become notes, or errors
 * with limits.strict. Throws Error{Malformed} when a limit is exceeded.
 * A message/rfc822 part is not descended into: parse its body_raw() to read it.
 */
MimeEntity parse_mime(BytesView message, const MimeParseLimits& limits = {});

// ---- the writer ---------------------------------------------------------------------------------

/// An address with an optional display name.
struct Mailbox {
    std::string display_name;  ///< UTF-8; may be empty
    std::string address;       ///< "alice@example.org"
};

/**
 * Parses "Display Name <addr>", "\"Quoted, Name\" <addr>" or a bare "addr". The address must
 * have one "@" with something on both sides and only printable ASCII without spaces, "<>()[],;:"
 * or quotes; the display name must be UTF-8 without control characters. Throws
 * Error{InvalidArgument} naming the problem (a CR or LF anywhere: "contains a line break").
 */
Mailbox parse_mailbox(std::string_view text);

/// The mailbox for a header: "addr", "Name <addr>", "\"Name, Jr.\" <addr>" (RFC 5322 section
/// 3.2.3 specials quoted) or RFC 2047 words for a non-ASCII name.
std::string format_mailbox(const Mailbox& mailbox);

/// RFC 5322 section 3.3 date in UTC: "Sun, 22 Nov 2026 10:00:00 +0000".
std::string format_rfc5322_date(TimePoint time);

/// "<32 random hex digits@domain-of-address>" (RFC 5322 section 3.6.4); randomness from
/// OpenSSL's RAND_bytes. Throws Error{InvalidArgument} if `address` has no "@".
std::string make_message_id(std::string_view address);

/**
 * A random multipart boundary "=_smimekit_<hex>" that occurs in none of `contents`. RFC 2046
 * section 5.1.1 suggests the trick used here: "=_" can appear in neither base64 nor
 * quoted-printable output, so only parts in 7bit/8bit need to be passed in to be checked.
 */
std::string make_boundary(std::span<const BytesView> contents = {});

/// The media type for a file name by its extension (case-insensitive), from a small table
/// (pdf, txt, png, jpg, zip, docx, xlsx, eml -> message/rfc822, ...);
/// application/octet-stream for anything else.
std::string media_type_for_file_name(std::string_view file_name);

struct ComposeAttachment {
    std::string file_name;   ///< UTF-8, the name the recipient sees (no directory part)
    std::string media_type;  ///< empty: media_type_for_file_name(file_name)
    BytesView content;       ///< borrowed; must stay alive during compose_message
};

/// What `smimekit mail compose` puts into a message.
struct ComposeRequest {
    Mailbox from;
    std::vector<Mailbox> to;
    std::vector<Mailbox> cc;
    std::string subject;  ///< UTF-8, one line
    std::string body;     ///< UTF-8 text, any line ends
    std::vector<ComposeAttachment> attachments;
    std::string message_id;  ///< "<id@domain>"; empty: make_message_id(from.address)
};

/// Called with the message bytes in order, in pieces of a few hundred KiB at most.
using ByteSink = std::function<void(BytesView)>;

/// The reading counterpart of ByteSink, for inputs too large to hold in memory (smime.hpp
/// signs and encrypts from one): fills the start of `buffer` with the next bytes and returns how
/// many it wrote; 0 means the end of the input. Errors are thrown as smimekit::Error.
using ByteSource = std::function<std::size_t(std::span<std::uint8_t> buffer)>;

/// A ByteSource over bytes in memory; `bytes` is borrowed and must outlive the source.
ByteSource memory_source(BytesView bytes);

struct ComposeResult {
    /// Choices the writer made that the user may want to know about ("'x.eml' holds 8-bit
    /// data, attached as application/octet-stream"); empty normally.
    std::vector<std::string> notes;
};

/**
 * Writes a message with CRLF line ends, 7-bit throughout and with lines of at most 78
 * characters (except an address or a word without spaces that is longer, and the lines of an
 * attached message/rfc822, which may have up to 998):
 *  - From, To, Cc, Subject, Date (format_rfc5322_date(now)), Message-ID, MIME-Version; the
 *    subject and non-ASCII display names as RFC 2047 words;
 *  - the body as text/plain; charset=utf-8, in 7bit when it is ASCII with lines of at most 76
 *    characters and nothing that encode_quoted_printable would protect, otherwise
 *    quoted-printable; it gets a final line break if it has none;
 *  - with attachments, multipart/mixed with the text first; each attachment in base64 with
 *    its media type, "name" and Content-Disposition: attachment; filename (RFC 2231 for
 *    non-ASCII or long names). message/rfc822 may not be base64 (RFC 2046 section 5.2.1): it
 *    is written in 7bit when its content is 7-bit, else as application/octet-stream (noted).
 * Attachments are encoded in pieces straight into `sink`, so memory stays small.
 * Throws Error{InvalidArgument} for an invalid mailbox, a subject with a line break or that is
 * not UTF-8, no recipient, or a body that is not UTF-8 text (NUL bytes included).
 */
ComposeResult compose_message(const ComposeRequest& request, TimePoint now, const ByteSink& sink);

/// compose_message into memory (its notes are dropped).
Bytes compose_message(const ComposeRequest& request, TimePoint now);

}  // namespace smimekit
