// SPDX-License-Identifier: Apache-2.0
// The MIME reader of mime.hpp: splits a message into entities without copying a body, keeping
// the exact bytes of every entity so that a signature can be checked over them. The codecs are
// in detail/mime_codec.cpp, header words and parameters in detail/mime_header.cpp, the writer
// in detail/mime_compose.cpp.
#include "smimekit/mime.hpp"

#include "smimekit/error.hpp"

#include "detail/mime_text.hpp"

#include <algorithm>

namespace smimekit {
namespace detail {

class MimeReader final {
public:
    explicit MimeReader(const MimeParseLimits& limits) : m_limits(limits) {}

    MimeEntity read(BytesView data, std::size_t depth, bool in_digest) {
        if (++m_entities > m_limits.max_parts) {
            throw Error(Errc::Malformed,
                        "more than " + std::to_string(m_limits.max_parts) + " MIME parts");
        }
        MimeEntity entity;
        entity.m_raw = data;
        read_header_block(entity);
        read_content_type(entity, in_digest);
        if (entity.m_content_type.is_multipart()) {
            const auto boundary = entity.m_content_type.parameter("boundary");
            if (boundary && !boundary->empty()) {
                if (depth + 1 > m_limits.max_depth) {
                    throw Error(Errc::Malformed, "MIME parts nested deeper than " +
                                                     std::to_string(m_limits.max_depth) +
                                                     " levels");
                }
                read_multipart(entity, *boundary, depth);
            } else {
                note(entity, entity.m_content_type.media_type() +
                                 " has no boundary parameter; read as a single part");
            }
        }
        return entity;
    }

private:
    void note(MimeEntity& entity, std::string text) const {
        if (m_limits.strict) {
            throw Error(Errc::Malformed, text);
        }
        entity.m_notes.push_back(std::move(text));
    }

    // RFC 5322 section 2.2: "A field name MUST be composed of printable US-ASCII characters
    // (i.e., characters that have values between 33 and 126, inclusive), except colon."
    // Returns the length of the name, or 0 if the line does not start a header field; white
    // space before the colon (the obsolete syntax of RFC 5322 section 4.5) is accepted.
    static std::size_t field_name_length(std::string_view line, std::size_t& colon) {
        std::size_t i = 0;
        while (i < line.size() && line[i] > 32 && line[i] < 127 && line[i] != ':') {
            ++i;
        }
        const std::size_t name_length = i;
        while (i < line.size() && is_wsp(line[i])) {
            ++i;
        }
        if (name_length == 0 || i == line.size() || line[i] != ':') {
            return 0;
        }
        colon = i;
        return name_length;
    }

    // RFC 5322 section 2.2.3: "Unfolding is accomplished by simply removing any CRLF that is
    // immediately followed by WSP." Here LF alone counts as a line end too.
    static std::string unfold(std::string_view text) {
        std::string value;
        value.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n' ||
                (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
                continue;
            }
            value += text[i];
        }
        return std::string(trim(value));
    }

    void read_header_block(MimeEntity& entity) const {
        const BytesView data = entity.m_raw;
        std::size_t pos = 0;
        while (pos < data.size()) {
            const Line line = line_at(data, pos);
            if (line.next > m_limits.max_header_bytes) {
                throw Error(Errc::Malformed, "a header block larger than " +
                                                 std::to_string(m_limits.max_header_bytes) +
                                                 " bytes");
            }
            const std::string_view text = as_text(data.subspan(line.begin, line.size()));
            if (text.empty()) {
                // The blank line: the body follows it. At the very start it means an empty
                // header block (RFC 2046 section 5.1.1; RFC 4134 section 4.8 signs such a part).
                finish_header_block(entity, pos, line.next);
                return;
            }
            if (is_wsp(text.front()) && !entity.m_headers.empty()) {
                // A continuation line of the field before (folding, RFC 5322 section 2.2.3).
                MimeHeader& field = entity.m_headers.back();
                const auto start = static_cast<std::size_t>(field.raw.data() - data.data());
                field.raw = data.subspan(start, line.next - start);
                pos = line.next;
                continue;
            }
            std::size_t colon = 0;
            const std::size_t name_length = field_name_length(text, colon);
            if (name_length == 0) {
                // Not a header field and no blank line before it: Python's email package and most
                // mail readers take this line as the start of the body, and so do we.
                note(
                    entity,
                    entity.m_headers.empty()
                        ? "an entity that starts with text instead of header fields or a blank line"
                        : "the header block ends without a blank line");
                finish_header_block(entity, pos, pos);
                return;
            }
            if (entity.m_headers.size() == m_limits.max_header_fields) {
                throw Error(Errc::Malformed, "more than " +
                                                 std::to_string(m_limits.max_header_fields) +
                                                 " header fields in one entity");
            }
            entity.m_headers.push_back(
                {std::string(text.substr(0, name_length)), {}, data.subspan(pos, line.next - pos)});
            pos = line.next;
        }
        finish_header_block(entity, data.size(), data.size());  // headers only, no body
    }

    // The header block is data[0, block_end); the body starts at body_start.
    static void finish_header_block(MimeEntity& entity, std::size_t block_end,
                                    std::size_t body_start) {
        entity.m_header_block = entity.m_raw.first(block_end);
        entity.m_body = entity.m_raw.subspan(body_start);
        for (MimeHeader& header : entity.m_headers) {
            const std::string_view raw = as_text(header.raw);
            header.value = unfold(raw.substr(raw.find(':') + 1));
        }
    }

    void read_content_type(MimeEntity& entity, bool in_digest) const {
        const MimeHeader* header = entity.header("Content-Type");
        if (header != nullptr) {
            try {
                entity.m_content_type = parse_content_type(header->value);
                return;
            } catch (const Error& error) {
                note(entity, std::string("unreadable Content-Type (") + error.what() +
                                 "); read with the default type");
            }
        }
        // RFC 2045 section 5.2 and RFC 2046 section 5.1.5 (multipart/digest).
        if (in_digest) {
            entity.m_content_type = ContentType{"message", "rfc822", {}};
        } else {
            entity.m_content_type = ContentType{"text", "plain", {{"charset", "us-ascii"}}};
        }
    }

    // RFC 2046 section 5.1.1: a delimiter line is "--" boundary, "--" more for the close
    // delimiter, then only transport padding (white space) up to the line end.
    static bool is_delimiter(std::string_view line, std::string_view dash_boundary, bool& close) {
        if (line.substr(0, dash_boundary.size()) != dash_boundary) {
            return false;
        }
        std::string_view rest = line.substr(dash_boundary.size());
        close = rest.substr(0, 2) == "--";
        if (close) {
            rest.remove_prefix(2);
        }
        return std::all_of(rest.begin(), rest.end(), is_wsp);
    }

    void read_multipart(MimeEntity& entity, std::string_view boundary, std::size_t depth) {
        entity.m_is_multipart = true;
        const BytesView body = entity.m_body;
        const std::string dash_boundary = "--" + std::string(boundary);
        const bool digest = entity.m_content_type.subtype == "digest";
        constexpr std::size_t kNone = static_cast<std::size_t>(-1);
        std::size_t part_start = kNone;  // where the current part starts, once a delimiter was seen
        std::size_t previous_end = 0;    // where the line end of the previous line starts
        std::size_t pos = 0;
        while (pos < body.size()) {
            const Line line = line_at(body, pos);
            bool close = false;
            if (is_delimiter(as_text(body.subspan(line.begin, line.size())), dash_boundary,
                             close)) {
                // "The CRLF preceding the boundary delimiter line is conceptually attached to
                // the boundary" (RFC 2046 section 5.1.1): the part (or preamble) ends before it.
                const std::size_t content_end = pos == 0 ? 0 : previous_end;
                if (part_start == kNone) {
                    entity.m_preamble = body.first(content_end);
                } else {
                    const std::size_t end = std::max(part_start, content_end);
                    entity.m_parts.push_back(
                        read(body.subspan(part_start, end - part_start), depth + 1, digest));
                }
                if (close) {
                    entity.m_epilogue = body.subspan(line.next);
                    if (entity.m_parts.empty()) {
                        note(entity, entity.m_content_type.media_type() + " has no body parts");
                    }
                    return;
                }
                part_start = line.next;
            }
            previous_end = line.end;
            pos = line.next;
        }
        if (part_start == kNone) {
            entity.m_preamble = body;
            note(entity, "no boundary line " + in_quotes(dash_boundary) + " in " +
                             entity.m_content_type.media_type());
            return;
        }
        // Tolerated so that the message can be shown, but whatever follows the last delimiter
        // may be truncated: entity.closed() tells a verifier not to trust it.
        entity.m_parts.push_back(read(body.subspan(part_start), depth + 1, digest));
        entity.m_epilogue = body.last(0);
        entity.m_closed = false;
        note(entity, "no closing boundary for " + entity.m_content_type.media_type());
    }

    const MimeParseLimits& m_limits;
    std::size_t m_entities = 0;
};

}  // namespace detail

const MimeHeader* MimeEntity::header(std::string_view name) const noexcept {
    for (const MimeHeader& field : m_headers) {
        if (detail::iequals(field.name, name)) {
            return &field;
        }
    }
    return nullptr;
}

std::optional<TransferEncoding> MimeEntity::transfer_encoding() const {
    const MimeHeader* field = header("Content-Transfer-Encoding");
    if (field == nullptr) {
        return TransferEncoding::SevenBit;  // RFC 2045 section 6.1
    }
    return parse_transfer_encoding(field->value);
}

Bytes MimeEntity::decoded_body() const {
    const std::optional<TransferEncoding> encoding = transfer_encoding();
    if (!encoding) {
        throw Error(Errc::Unsupported, "unknown Content-Transfer-Encoding " +
                                           in_quotes(header("Content-Transfer-Encoding")->value));
    }
    return decode_transfer_encoding(m_body, *encoding);
}

bool MimeEntity::well_formed() const noexcept {
    return m_notes.empty() &&
           std::all_of(m_parts.begin(), m_parts.end(),
                       [](const MimeEntity& part) { return part.well_formed(); });
}

ByteSource memory_source(BytesView bytes) {
    return [bytes, offset = std::size_t{0}](std::span<std::uint8_t> buffer) mutable {
        const std::size_t n = std::min(buffer.size(), bytes.size() - offset);
        std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(offset), n, buffer.begin());
        offset += n;
        return n;
    };
}

MimeEntity parse_mime(BytesView message, const MimeParseLimits& limits) {
    detail::MimeReader reader(limits);
    return reader.read(message, 0, false);
}

}  // namespace smimekit
