// SPDX-License-Identifier: Apache-2.0
// The MIME side of S/MIME shared by signing, verifying, encrypting and decrypting (see
// smime_mime.hpp): header split, streamed protected entity, base64 output through an OpenSSL
// BIO, and CMS bytes out of a received part.
#include "detail/smime_mime.hpp"

#include "smimekit/error.hpp"

#include "detail/der.hpp"
#include "detail/mime_text.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <exception>
#include <utility>

namespace smimekit::detail {
namespace {

constexpr std::size_t kReadPiece = 64 * 1024;
constexpr std::size_t kBase64LineInput = 57;  // 57 bytes make one 76-character line
constexpr std::string_view kDefaultContentType = "Content-Type: text/plain; charset=us-ascii\r\n";

void append(Bytes& out, BytesView bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

void append(Bytes& out, std::string_view text) {
    append(out, as_bytes(text));
}

// A field's raw lines in canonical form, ending with CRLF even when the input's last header
// line had no line end at all (a message that is only a header block).
void append_field(Bytes& out, BytesView raw) {
    CrlfCanonicalizer canonical;
    canonical.feed(raw, out);
    if (out.size() < 2 || out[out.size() - 2] != '\r' || out.back() != '\n') {
        append(out, "\r\n");
    }
}

// The end of the last complete line in `data` (after its LF), or 0 when there is none.
std::size_t complete_lines(BytesView data) {
    const auto last_lf = std::find(data.rbegin(), data.rend(), std::uint8_t{'\n'});
    return last_lf == data.rend() ? 0 : static_cast<std::size_t>(data.rend() - last_lf);
}

// ---- the sink BIO ---------------------------------------------------------------------------

struct SinkState {
    const ByteSink* sink = nullptr;
    std::exception_ptr error;
};

extern "C" int sink_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
    auto* state = static_cast<SinkState*>(::BIO_get_data(bio));
    if (state == nullptr || state->error) {
        return 0;
    }
    try {
        (*state->sink)(BytesView(reinterpret_cast<const std::uint8_t*>(data), size));
    } catch (...) {
        // An exception must not cross OpenSSL's C frames: keep it for rethrow_sink_error.
        state->error = std::current_exception();
        return 0;
    }
    *written = size;
    return 1;
}

extern "C" long sink_ctrl(BIO* bio, int command, long number, void* pointer) {
    static_cast<void>(bio);
    static_cast<void>(number);
    static_cast<void>(pointer);
    // BIO_flush ends every streamed CMS; the sink has nothing buffered.
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}

extern "C" int sink_create(BIO* bio) {
    ::BIO_set_init(bio, 1);
    return 1;
}

extern "C" int sink_destroy(BIO* bio) {
    if (bio == nullptr) {
        return 0;
    }
    // The state was released to the BIO by make_sink_bio: reclaimed here.
    const std::unique_ptr<SinkState> state(static_cast<SinkState*>(::BIO_get_data(bio)));
    ::BIO_set_data(bio, nullptr);
    return 1;
}

const BIO_METHOD* sink_method() {
    // Made once and kept for the life of the process (BIO_METHODs are never freed while BIOs
    // may use them). C++ guarantees thread-safe initialization of the static.
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = ::BIO_meth_new(::BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "smimekit sink");
        if (m != nullptr) {
            ::BIO_meth_set_write_ex(m, sink_write);
            ::BIO_meth_set_ctrl(m, sink_ctrl);
            ::BIO_meth_set_create(m, sink_create);
            ::BIO_meth_set_destroy(m, sink_destroy);
        }
        return m;
    }();
    return method;
}

}  // namespace

// ---- (1) ------------------------------------------------------------------------------------

bool is_content_field(std::string_view name) noexcept {
    return istarts_with(name, "Content-");
}

SplitHeaders split_headers(const MimeEntity& message) {
    SplitHeaders split;
    bool has_content_type = false;
    for (const MimeHeader& field : message.headers()) {
        if (is_content_field(field.name)) {
            has_content_type = has_content_type || iequals(field.name, "Content-Type");
        }
    }
    if (!has_content_type) {
        append(split.inner, kDefaultContentType);
    }
    for (const MimeHeader& field : message.headers()) {
        if (is_content_field(field.name)) {
            append_field(split.inner, field.raw);
        } else if (!iequals(field.name, "MIME-Version")) {
            append_field(split.outer, field.raw);
        }
    }
    append(split.inner, "\r\n");
    return split;
}

MessageHead read_message_head(const ByteSource& source, std::size_t max_header_bytes) {
    Bytes buffer;
    bool at_end = false;
    while (true) {
        // Only complete lines are parsed, so a field cut by a read is never taken for the body.
        const std::size_t usable = at_end ? buffer.size() : complete_lines(buffer);
        if (usable > 0 || at_end) {
            const BytesView head = BytesView(buffer).first(usable);
            MimeParseLimits limits;
            limits.max_header_bytes = max_header_bytes;
            const MimeEntity entity = parse_mime(head, limits);
            const std::size_t block = entity.header_block_raw().size();
            if (block < head.size() || at_end) {
                if (entity.headers().empty() && !buffer.empty() && head.front() != '\n' &&
                    head.front() != '\r') {
                    throw Error(Errc::Malformed,
                                "not a mail message: it does not start with header fields");
                }
                if (buffer.empty()) {
                    throw Error(Errc::Malformed, "not a mail message: it is empty");
                }
                MessageHead result;
                result.headers = split_headers(entity);
                const auto body_offset =
                    static_cast<std::size_t>(entity.body_raw().data() - head.data());
                result.body_start.assign(buffer.begin() + static_cast<std::ptrdiff_t>(body_offset),
                                         buffer.end());
                return result;
            }
        }
        if (buffer.size() > max_header_bytes) {
            throw Error(Errc::Malformed, "a header block larger than " +
                                             std::to_string(max_header_bytes) + " bytes");
        }
        const std::size_t old_size = buffer.size();
        buffer.resize(old_size + kReadPiece);
        const std::size_t got = source(std::span(buffer).subspan(old_size));
        buffer.resize(old_size + got);
        at_end = got == 0;
    }
}

std::uint64_t stream_protected_entity(const MessageHead& head, const ByteSource& source,
                                      const ByteSink& sink, bool* eight_bit) {
    std::uint64_t written = head.headers.inner.size();
    sink(head.headers.inner);
    CrlfCanonicalizer canonical;
    Bytes out;
    const auto pass = [&](BytesView piece) {
        if (eight_bit != nullptr && !*eight_bit && !is_7bit(piece)) {
            *eight_bit = true;
        }
        out.clear();
        canonical.feed(piece, out);
        if (!out.empty()) {
            written += out.size();
            sink(out);
        }
    };
    for (std::size_t i = 0; i < head.body_start.size(); i += kReadPiece) {
        pass(BytesView(head.body_start).subspan(i, std::min(kReadPiece, head.body_start.size() - i)));
    }
    Bytes buffer(kReadPiece);
    for (std::size_t got = source(buffer); got > 0; got = source(buffer)) {
        pass(BytesView(buffer).first(got));
    }
    return written;
}

ProtectedEntity protected_entity(BytesView message) {
    const ByteSource source = memory_source(message);
    ProtectedEntity result;
    const MessageHead head = read_message_head(source);
    stream_protected_entity(head, source, [&](BytesView piece) { append(result.entity, piece); });
    result.headers = head.headers;
    return result;
}

// ---- (2) ------------------------------------------------------------------------------------

void Base64LineWriter::write(BytesView bytes) {
    append(m_pending, bytes);
    if (m_pending.size() >= kBase64LineInput) {
        flush_lines(false);
    }
}

void Base64LineWriter::finish() {
    flush_lines(true);
}

void Base64LineWriter::flush_lines(bool all) {
    const std::size_t whole = m_pending.size() / kBase64LineInput * kBase64LineInput;
    const std::size_t take = all ? m_pending.size() : whole;
    if (take == 0) {
        return;
    }
    // EVP_EncodeBlock, one line at a time: several times faster than a byte-wise encoder, which
    // shows on a 50 MB opaque message.
    const std::size_t lines = (take + kBase64LineInput - 1) / kBase64LineInput;
    m_out.resize(lines * 78 + 1);  // 76 characters and CRLF per line; EVP_EncodeBlock adds a NUL
    std::size_t written = 0;
    for (std::size_t offset = 0; offset < take; offset += kBase64LineInput) {
        const std::size_t n = std::min(kBase64LineInput, take - offset);
        written += static_cast<std::size_t>(::EVP_EncodeBlock(m_out.data() + written, m_pending.data() + offset,
                                                              static_cast<int>(n)));
        m_out[written++] = '\r';
        m_out[written++] = '\n';
    }
    m_out.resize(written);
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(take));
    m_sink(m_out);
}

BioPtr make_sink_bio(const ByteSink& sink) {
    const BIO_METHOD* method = sink_method();
    ossl_check(method != nullptr, Errc::Internal, "cannot create an output BIO method");
    BioPtr bio(::BIO_new(method));
    ossl_check(bio != nullptr, Errc::Internal, "cannot create an output BIO");
    auto state = std::make_unique<SinkState>();
    state->sink = &sink;
    ::BIO_set_data(bio.get(), state.release());  // the BIO owns it now: sink_destroy frees it
    return bio;
}

void rethrow_sink_error(BIO* sink_bio) {
    auto* state = static_cast<SinkState*>(::BIO_get_data(sink_bio));
    if (state != nullptr && state->error) {
        std::rethrow_exception(std::exchange(state->error, nullptr));
    }
}

std::string pkcs7_mime_header(BytesView outer, std::string_view smime_type) {
    std::string header(as_text(outer));
    header += "MIME-Version: 1.0\r\n";
    header += format_header("Content-Type", "application/pkcs7-mime; smime-type=" +
                                                std::string(smime_type) + "; name=\"smime.p7m\"");
    header += "Content-Transfer-Encoding: base64\r\n";
    header += "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n";
    header += "\r\n";
    return header;
}

Pkcs7MimeWriter::Pkcs7MimeWriter(const ByteSink& sink, BytesView outer,
                                 std::string_view smime_type)
    : m_base64(sink),
      m_to_base64([this](BytesView bytes) { m_base64.write(bytes); }),
      m_bio(make_sink_bio(m_to_base64)) {
    sink(as_bytes(pkcs7_mime_header(outer, smime_type)));
}

// ---- (3) ------------------------------------------------------------------------------------

namespace {

bool has_extension(const std::optional<std::string>& name, std::string_view extension) {
    if (!name || name->size() < extension.size()) {
        return false;
    }
    return iequals(std::string_view(*name).substr(name->size() - extension.size()), extension);
}

std::optional<std::string> file_name_of(const MimeEntity& entity) {
    if (auto name = entity.content_type().parameter("name")) {
        return name;
    }
    if (const MimeHeader* field = entity.header("Content-Disposition")) {
        try {
            return parse_content_disposition(field->value).parameter("filename");
        } catch (const Error&) {
            return std::nullopt;  // an unreadable disposition names no file
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<CmsPartKind> cms_part_kind(const MimeEntity& entity) {
    const ContentType& type = entity.content_type();
    if (type.type != "application") {
        return std::nullopt;
    }
    if (type.subtype == "pkcs7-mime" || type.subtype == "x-pkcs7-mime") {
        return CmsPartKind::Pkcs7Mime;
    }
    if (type.subtype == "pkcs7-signature" || type.subtype == "x-pkcs7-signature") {
        return CmsPartKind::Pkcs7Signature;
    }
    if (type.subtype == "octet-stream") {
        const std::optional<std::string> name = file_name_of(entity);
        if (has_extension(name, ".p7m") || has_extension(name, ".p7c")) {
            return CmsPartKind::Pkcs7Mime;
        }
        if (has_extension(name, ".p7s")) {
            return CmsPartKind::Pkcs7Signature;
        }
    }
    return std::nullopt;
}

bool is_legacy_cms_media_type(const MimeEntity& entity) noexcept {
    const ContentType& type = entity.content_type();
    return type.type == "application" &&
           (type.subtype == "x-pkcs7-mime" || type.subtype == "x-pkcs7-signature");
}

Bytes cms_bytes_of(const MimeEntity& part) {
    const std::optional<TransferEncoding> encoding = part.transfer_encoding();
    Bytes bytes = part.decoded_body();  // throws Unsupported for an unknown encoding
    const bool identity = encoding != TransferEncoding::Base64 &&
                          encoding != TransferEncoding::QuotedPrintable;
    if (identity && (bytes.empty() || bytes.front() != 0x30)) {
        // Base64 without a Content-Transfer-Encoding header: some writers forget it.
        try {
            Bytes decoded = decode_base64_body(part.body_raw());
            if (!decoded.empty() && decoded.front() == 0x30) {
                bytes = std::move(decoded);
            }
        } catch (const Error&) {
            // not base64 either: judged below
        }
    }
    if (bytes.empty()) {
        throw Error(Errc::Malformed, "the S/MIME part " +
                                         in_quotes(part.content_type().media_type()) + " is empty");
    }
    if (bytes.front() != 0x30) {
        throw Error(Errc::Malformed, "the S/MIME part " +
                                         in_quotes(part.content_type().media_type()) +
                                         " does not hold CMS (no DER SEQUENCE)");
    }
    return bytes;
}

std::optional<std::string> cms_content_type(BytesView cms) noexcept {
    const std::optional<DerHeader> outer = read_der_header(cms, 0);
    if (!outer || outer->tag != 0x30) {
        return std::nullopt;
    }
    const std::size_t oid_offset = outer->header_size;
    const std::optional<DerHeader> oid = read_der_header(cms, oid_offset);
    if (!oid || oid->tag != 0x06 || oid->indefinite) {
        return std::nullopt;
    }
    const unsigned char* p = cms.data() + oid_offset;
    const Asn1ObjectPtr object(
        ::d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(oid->header_size + oid->length)));
    if (!object) {
        clear_error_queue();
        return std::nullopt;
    }
    switch (::OBJ_obj2nid(object.get())) {
    case NID_pkcs7_data:
        return "data";
    case NID_pkcs7_signed:
        return "signedData";
    case NID_pkcs7_enveloped:
        return "envelopedData";
    case NID_id_smime_ct_authEnvelopedData:
        return "authEnvelopedData";
    case NID_id_smime_ct_compressedData:
        return "compressedData";
    default:
        break;
    }
    std::array<char, 128> text{};
    const int length = ::OBJ_obj2txt(text.data(), static_cast<int>(text.size()), object.get(), 1);
    if (length <= 0 || static_cast<std::size_t>(length) >= text.size()) {
        return std::nullopt;
    }
    return std::string(text.data(), static_cast<std::size_t>(length));
}

}  // namespace smimekit::detail
