// SPDX-License-Identifier: Apache-2.0
// The byte-level part of mime.hpp: line-end canonicalization, 7-bit checks and the
// Content-Transfer-Encodings of RFC 2045 section 6.
#include "smimekit/error.hpp"
#include "smimekit/mime.hpp"

#include "detail/mime_text.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace smimekit {
namespace {

using detail::Line;
using detail::line_at;

constexpr std::size_t kQpMaxLine = 76;  // RFC 2045 6.7 rule 5, not counting the CRLF

// Table 1 of RFC 2045 section 6.8: the value of each base64 character.
constexpr std::uint8_t kIgnore = 0xFF;
constexpr std::uint8_t kPadding = 0xFE;
constexpr std::array<std::uint8_t, 256> make_base64_values() {
    std::array<std::uint8_t, 256> values{};
    values.fill(kIgnore);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        values.at(static_cast<unsigned char>(kAlphabet[i])) = static_cast<std::uint8_t>(i);
    }
    values.at('=') = kPadding;
    return values;
}
constexpr std::array<std::uint8_t, 256> kBase64Values = make_base64_values();

bool starts_with(BytesView bytes, std::string_view prefix) noexcept {
    return bytes.size() >= prefix.size() &&
           std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

// The quoted-printable form of line[i]: the byte itself, or "=XX".
std::string qp_token(BytesView line, std::size_t i, bool at_physical_line_start) {
    const std::uint8_t c = line[i];
    const bool last = i + 1 == line.size();
    // Rule 2: printable ASCII except "=" stands for itself. Rule 3: space and tab too, except
    // at the end of a line, where transports may strip them.
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    // Mail safety (RFC 2049 section 3, points 7 and 8): "From " at a line start gets mangled
    // into ">From " by mbox writers, and a lone "." line ends SMTP DATA at broken relays.
    // Both rules look at physical lines, which a soft line break starts too.
    if (at_physical_line_start && (c == '.' || starts_with(line.subspan(i), "From "))) {
        literal = false;
    }
    if (literal) {
        return std::string(1, static_cast<char>(c));
    }
    return {'=', detail::hex_digit(c >> 4U), detail::hex_digit(c & 0x0FU)};
}

// One line of text (without its line end) as one or more encoded lines joined by soft line
// breaks ("=" CRLF). No "=XX" is split, and every encoded line stays within 76 characters.
void encode_qp_line(BytesView line, std::string& out) {
    std::string physical;
    for (std::size_t i = 0; i < line.size(); ++i) {
        std::string token = qp_token(line, i, physical.empty());
        // A line that continues needs one column for the "=" of its soft break.
        const std::size_t room = i + 1 == line.size() ? kQpMaxLine : kQpMaxLine - 1;
        if (physical.size() + token.size() > room) {
            out += physical;
            out += "=\r\n";
            physical.clear();
            token = qp_token(line, i, true);
        }
        physical += token;
    }
    out += physical;
}

void decode_qp_line(std::string_view content, Bytes& out) {
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] == '=' && i + 2 < content.size()) {
            const int high = detail::hex_digit_value(content[i + 1]);
            const int low = detail::hex_digit_value(content[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<std::uint8_t>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(static_cast<std::uint8_t>(content[i]));
    }
}

}  // namespace

// ---- line ends -----------------------------------------------------------------------------

void CrlfCanonicalizer::feed(BytesView chunk, Bytes& out) {
    out.reserve(out.size() + chunk.size() + chunk.size() / 32 + 2);
    std::size_t copied = 0;  // chunk[0, copied) is already in `out`
    std::size_t i = 0;
    while (i < chunk.size()) {
        const void* found = std::memchr(chunk.data() + i, '\n', chunk.size() - i);
        if (found == nullptr) {
            break;
        }
        i = static_cast<std::size_t>(static_cast<const std::uint8_t*>(found) - chunk.data());
        const bool after_cr = i > 0 ? chunk[i - 1] == '\r' : m_after_cr;
        if (!after_cr) {
            out.insert(out.end(), chunk.begin() + static_cast<std::ptrdiff_t>(copied),
                       chunk.begin() + static_cast<std::ptrdiff_t>(i));
            out.push_back('\r');
            copied = i;  // the LF itself goes out with the next run
        }
        ++i;
    }
    out.insert(out.end(), chunk.begin() + static_cast<std::ptrdiff_t>(copied), chunk.end());
    if (!chunk.empty()) {
        m_after_cr = chunk.back() == '\r';
    }
}

Bytes CrlfCanonicalizer::feed(BytesView chunk) {
    Bytes out;
    feed(chunk, out);
    return out;
}

Bytes to_canonical_crlf(BytesView bytes) {
    return CrlfCanonicalizer().feed(bytes);
}

bool is_7bit(BytesView bytes) noexcept {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](std::uint8_t c) { return c != 0 && c < 0x80; });
}

bool is_utf8_text(BytesView bytes) noexcept {
    const std::string_view text = detail::as_text(bytes);
    return text.find('\0') == std::string_view::npos && detail::is_valid_utf8(text);
}

// ---- Content-Transfer-Encoding ---------------------------------------------------------------

std::optional<TransferEncoding> parse_transfer_encoding(std::string_view value) {
    // RFC 2045 section 6.1: a token, case-insensitive; a trailing comment is tolerated.
    value = detail::trim(value);
    value = detail::trim(value.substr(0, value.find_first_of(" \t(")));
    constexpr std::array<TransferEncoding, 5> kAll = {
        TransferEncoding::SevenBit, TransferEncoding::EightBit, TransferEncoding::Binary,
        TransferEncoding::QuotedPrintable, TransferEncoding::Base64};
    for (const TransferEncoding encoding : kAll) {
        if (detail::iequals(value, transfer_encoding_name(encoding))) {
            return encoding;
        }
    }
    return std::nullopt;
}

std::string_view transfer_encoding_name(TransferEncoding encoding) noexcept {
    switch (encoding) {
        case TransferEncoding::SevenBit:
            return "7bit";
        case TransferEncoding::EightBit:
            return "8bit";
        case TransferEncoding::Binary:
            return "binary";
        case TransferEncoding::QuotedPrintable:
            return "quoted-printable";
        case TransferEncoding::Base64:
            return "base64";
    }
    return "7bit";
}

Bytes decode_transfer_encoding(BytesView body, TransferEncoding encoding) {
    switch (encoding) {
        case TransferEncoding::SevenBit:
        case TransferEncoding::EightBit:
        case TransferEncoding::Binary:
            return {body.begin(), body.end()};
        case TransferEncoding::QuotedPrintable:
            return decode_quoted_printable(body);
        case TransferEncoding::Base64:
            return decode_base64_body(body);
    }
    return {body.begin(), body.end()};
}

Bytes decode_base64_body(BytesView body) {
    // Not base64_decode (bytes.hpp), which refuses anything but the alphabet and white space:
    // RFC 2045 section 6.8 says "All line breaks or other characters not found in Table 1 must
    // be ignored by decoding software", and that "=" "may be taken as evidence that the end of
    // the data has been reached". One pass, because bodies can be tens of megabytes.
    Bytes out(body.size() / 4 * 3 + 3);
    std::size_t size = 0;
    std::uint32_t group = 0;
    unsigned count = 0;
    unsigned padding = 0;
    for (const std::uint8_t c : body) {
        const std::uint8_t value = kBase64Values[c];
        if (value == kIgnore) {
            continue;
        }
        if (value == kPadding) {
            if (count == 0) {
                break;  // after a complete group: the end of the data
            }
            if (count == 1) {
                throw Error(Errc::Malformed, "base64 body: misplaced padding");
            }
            ++padding;
        } else {
            if (padding > 0) {
                break;  // the end of the data was reached; ignore what follows
            }
            group = (group << 6U) | value;
        }
        if (++count == 4) {
            group <<= 6U * padding;
            out[size++] = static_cast<std::uint8_t>(group >> 16U);
            if (padding < 2) {
                out[size++] = static_cast<std::uint8_t>(group >> 8U);
            }
            if (padding < 1) {
                out[size++] = static_cast<std::uint8_t>(group);
            }
            if (padding > 0) {
                count = 0;
                break;
            }
            group = 0;
            count = 0;
        }
    }
    if (count != 0) {
        throw Error(Errc::Malformed, "base64 body: truncated");
    }
    out.resize(size);
    return out;
}

Bytes decode_quoted_printable(BytesView body) {
    Bytes out;
    out.reserve(body.size());
    std::size_t pos = 0;
    while (pos < body.size()) {
        const Line line = line_at(body, pos);
        std::string_view content = detail::as_text(body.subspan(line.begin, line.size()));
        // Rule 3: "any trailing white space on a line must be deleted, as it will necessarily
        // have been added by intermediate transport agents."
        while (!content.empty() && detail::is_wsp(content.back())) {
            content.remove_suffix(1);
        }
        // Rule 5: an "=" at the end of an encoded line is a soft line break.
        const bool soft_break = !content.empty() && content.back() == '=';
        if (soft_break) {
            content.remove_suffix(1);
        }
        decode_qp_line(content, out);
        if (!soft_break && line.has_line_end()) {
            out.push_back('\r');
            out.push_back('\n');
        }
        pos = line.next;
    }
    return out;
}

std::string encode_quoted_printable(BytesView text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t pos = 0;
    while (pos < text.size()) {
        const Line line = line_at(text, pos);
        encode_qp_line(text.subspan(line.begin, line.size()), out);
        if (line.has_line_end()) {
            out += "\r\n";
        }
        pos = line.next;
    }
    return out;
}

}  // namespace smimekit
