// SPDX-License-Identifier: Apache-2.0
// Header fields in mime.hpp: RFC 2047 encoded words, folding (RFC 5322 section 2.2.3), and
// the parameters of Content-Type / Content-Disposition (RFC 2045 section 5.1, RFC 2231).
#include "smimekit/error.hpp"
#include "smimekit/mime.hpp"

#include "detail/mime_header.hpp"
#include "detail/mime_text.hpp"

#include <algorithm>
#include <map>

namespace smimekit {
namespace {

using detail::as_text;
using detail::hex_digit;
using detail::hex_digit_value;

constexpr std::size_t kMaxLine = 78;         // RFC 5322 section 2.1.1 "SHOULD"
constexpr std::size_t kMaxEncodedWord = 75;  // RFC 2047 section 2
constexpr std::size_t kMaxParameterPiece = 60;

// ---- RFC 2047 decoding ------------------------------------------------------------------

struct EncodedWord {
    std::string charset;  // without an RFC 2231 "*language" suffix
    std::string bytes;    // decoded, still in `charset`
    std::size_t end = 0;  // index after the closing "?="
};

std::optional<std::string> decode_q(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Section 4.2: "_" is a space; "=XX" an octet.
        if (text[i] == '_') {
            out += ' ';
        } else if (text[i] == '=' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
                   hex_digit_value(text[i + 2]) >= 0) {
            out +=
                static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<std::string> decode_b(std::string_view text) {
    std::string padded(text);
    padded.append((4 - padded.size() % 4) % 4, '=');  // some encoders drop the padding
    try {
        return to_string(base64_decode(padded));
    } catch (const Error&) {
        return std::nullopt;
    }
}

// The encoded word "=?charset?X?text?=" starting at value[start], if there is a valid one.
std::optional<EncodedWord> read_encoded_word(std::string_view value, std::size_t start) {
    if (value.substr(start, 2) != "=?") {
        return std::nullopt;
    }
    const std::size_t charset_end = value.find('?', start + 2);
    if (charset_end == std::string_view::npos || charset_end + 2 >= value.size() ||
        value[charset_end + 2] != '?') {
        return std::nullopt;
    }
    const std::size_t text_begin = charset_end + 3;
    const std::size_t text_end = value.find("?=", text_begin);
    if (text_end == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view charset = value.substr(start + 2, charset_end - start - 2);
    const std::string_view text = value.substr(text_begin, text_end - text_begin);
    // Section 2: neither part may hold white space.
    const auto has_space = [](std::string_view s) {
        return s.find_first_of(" \t\r\n") != std::string_view::npos;
    };
    if (charset.empty() || has_space(charset) || has_space(text)) {
        return std::nullopt;
    }
    charset = charset.substr(0, charset.find('*'));  // RFC 2231 section 5: "=?utf-8*en?q?...?="
    const char encoding = detail::ascii_lower(value[charset_end + 1]);
    std::optional<std::string> bytes;
    if (encoding == 'q') {
        bytes = decode_q(text);
    } else if (encoding == 'b') {
        bytes = decode_b(text);
    }
    if (!bytes) {
        return std::nullopt;
    }
    return EncodedWord{std::string(charset), std::move(*bytes), text_end + 2};
}

// ---- RFC 2047 encoding ------------------------------------------------------------------

// Section 5(3): in a phrase, Q may leave only letters, digits and "!*+-/" as they are.
bool is_q_literal(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' ||
           c == '*' || c == '+' || c == '-' || c == '/';
}

std::size_t q_length(std::string_view bytes) {
    std::size_t length = 0;
    for (const char c : bytes) {
        length += (is_q_literal(c) || c == ' ') ? 1U : 3U;
    }
    return length;
}

std::string q_encode(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == ' ') {
            out += '_';
        } else if (is_q_literal(c)) {
            out += c;
        } else {
            out += {'=', hex_digit(byte >> 4U), hex_digit(byte & 0x0FU)};
        }
    }
    return out;
}

// ---- parameters (RFC 2045 section 5.1, RFC 2231) ---------------------------------------------

// RFC 2045 section 5.1: tspecials, which (with space and controls) cannot be in a token.
bool is_token_char(char c) {
    constexpr std::string_view kTspecials = "()<>@,;:\\\"/[]?=";
    const auto byte = static_cast<unsigned char>(c);
    return byte > 32 && byte < 127 && kTspecials.find(c) == std::string_view::npos;
}

// RFC 2231 section 7: attribute-char is a token char other than "*", "'" and "%".
bool is_attribute_char(char c) {
    return is_token_char(c) && c != '*' && c != '\'' && c != '%';
}

/// Reads the pieces of a structured header value, skipping RFC 822 comments and whitespace.
class ValueScanner {
public:
    explicit ValueScanner(std::string_view text) : m_text(text) {}

    [[nodiscard]] bool at_end() const noexcept { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : m_text[m_pos]; }
    void advance() noexcept { ++m_pos; }

    void skip_cfws() {
        while (!at_end()) {
            const char c = m_text[m_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++m_pos;
            } else if (c == '(') {
                skip_comment();
            } else {
                return;
            }
        }
    }

    std::string_view token() {
        const std::size_t start = m_pos;
        while (!at_end() && is_token_char(m_text[m_pos])) {
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }

    /// A quoted string without its quotes and escapes; an unterminated one runs to the end.
    std::string quoted_string() {
        std::string out;
        ++m_pos;  // the opening quote
        while (!at_end() && m_text[m_pos] != '"') {
            if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
                ++m_pos;
            }
            out += m_text[m_pos++];
        }
        if (!at_end()) {
            ++m_pos;  // the closing quote
        }
        return out;
    }

    /// Skips to just after the next ';' (or to the end) to recover from a bad parameter.
    void skip_parameter() {
        while (!at_end() && m_text[m_pos] != ';') {
            if (m_text[m_pos] == '"') {
                quoted_string();
            } else {
                ++m_pos;
            }
        }
    }

private:
    void skip_comment() {
        int depth = 0;
        while (!at_end()) {
            const char c = m_text[m_pos++];
            if (c == '\\') {
                // The escaped character, if any: a final backslash must not move m_pos past
                // the end (the next substr would throw; found by the mime fuzz target).
                m_pos = std::min(m_pos + 1, m_text.size());
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                return;
            }
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

struct RawParameter {
    std::string name;  // lower case, as written ("filename*0*")
    std::string value;
};

std::vector<RawParameter> read_raw_parameters(ValueScanner& scanner) {
    std::vector<RawParameter> parameters;
    while (true) {
        scanner.skip_cfws();
        if (scanner.at_end()) {
            return parameters;
        }
        if (scanner.peek() != ';') {
            scanner.skip_parameter();  // junk after the value: ignore it up to the next ';'
            continue;
        }
        scanner.advance();
        scanner.skip_cfws();
        const std::string name = detail::ascii_lower(scanner.token());
        scanner.skip_cfws();
        if (name.empty() || scanner.peek() != '=') {
            scanner.skip_parameter();
            continue;
        }
        scanner.advance();
        scanner.skip_cfws();
        std::string value =
            scanner.peek() == '"' ? scanner.quoted_string() : std::string(scanner.token());
        parameters.push_back({name, std::move(value)});
    }
}

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 &&
            hex_digit_value(text[i + 2]) >= 0) {
            out +=
                static_cast<char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Text in a charset named by a sender; UTF-8 if it already is, else read as ISO-8859-1, so
// that an unknown charset still gives valid UTF-8.
std::string to_utf8_lenient(std::string_view charset, std::string_view bytes) {
    if (auto converted = detail::charset_to_utf8(charset, bytes)) {
        return std::move(*converted);
    }
    if (detail::is_valid_utf8(bytes)) {
        return std::string(bytes);
    }
    return *detail::charset_to_utf8("iso-8859-1", bytes);
}

// One RFC 2231 piece of a parameter: "name", "name*", "name*0", "name*0*".
struct ParameterPiece {
    std::size_t section = 0;
    bool sectioned = false;
    bool extended = false;
    std::string value;
};

std::string join_rfc2231(std::vector<ParameterPiece> pieces) {
    // Section 3: sections are joined in numeric order (they may come in any order); section 4:
    // only the first section carries charset'language'.
    std::stable_sort(
        pieces.begin(), pieces.end(),
        [](const ParameterPiece& a, const ParameterPiece& b) { return a.section < b.section; });
    std::string charset;
    std::string bytes;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0 && pieces[i].section == pieces[i - 1].section) {
            continue;  // a repeated section: the first wins
        }
        std::string_view value = pieces[i].value;
        if (pieces[i].extended) {
            if (i == 0) {
                const std::size_t first = value.find('\'');
                const std::size_t second =
                    first == std::string_view::npos ? first : value.find('\'', first + 1);
                if (second != std::string_view::npos) {
                    charset = value.substr(0, first);
                    value.remove_prefix(second + 1);
                }
            }
            bytes += percent_decode(value);
        } else {
            bytes += value;
        }
    }
    return to_utf8_lenient(charset.empty() ? "us-ascii" : charset, bytes);
}

// Turns raw parameters into MimeParameters: RFC 2231 pieces of one name are joined, an
// extended or sectioned form wins over a plain one of the same name (writers add the plain
// one as a fallback for old readers), and otherwise the first of duplicates wins.
std::vector<MimeParameter> resolve_parameters(const std::vector<RawParameter>& raw) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<ParameterPiece>> rfc2231;
    std::map<std::string, std::string> plain;
    for (const RawParameter& parameter : raw) {
        std::string_view name = parameter.name;
        ParameterPiece piece;
        piece.value = parameter.value;
        if (!name.empty() && name.back() == '*') {
            piece.extended = true;
            name.remove_suffix(1);
        }
        const std::size_t star = name.rfind('*');
        if (star != std::string_view::npos && star + 1 < name.size() &&
            name.size() - star - 1 <= 4 &&
            std::all_of(name.begin() + static_cast<std::ptrdiff_t>(star + 1), name.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
            piece.sectioned = true;
            piece.section = std::stoul(std::string(name.substr(star + 1)));
            name = name.substr(0, star);
        }
        const std::string base(name);
        if (std::find(order.begin(), order.end(), base) == order.end()) {
            order.push_back(base);
        }
        if (piece.extended || piece.sectioned) {
            rfc2231[base].push_back(std::move(piece));
        } else {
            plain.emplace(base, parameter.value);  // emplace keeps the first
        }
    }
    std::vector<MimeParameter> parameters;
    for (const std::string& name : order) {
        const auto extended = rfc2231.find(name);
        if (extended != rfc2231.end()) {
            parameters.push_back({name, join_rfc2231(extended->second)});
        } else {
            parameters.push_back({name, to_utf8_lenient("us-ascii", plain[name])});
        }
    }
    return parameters;
}

bool is_printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 32 && c < 127; });
}

// Positions where format_header may fold: spaces and tabs outside quoted strings.
std::vector<bool> fold_points(std::string_view line) {
    std::vector<bool> points(line.size(), false);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (quoted && line[i] == '\\') {
            ++i;
        } else if (line[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && detail::is_wsp(line[i])) {
            points[i] = true;
        }
    }
    return points;
}

}  // namespace

// ---- RFC 2047 --------------------------------------------------------------------------------

std::string decode_header_words(std::string_view value) {
    std::string out;
    // A run of adjacent encoded words in one charset, converted together when it ends.
    std::string run_charset;
    std::string run_bytes;
    std::string run_source;  // the run as written, kept if it cannot be converted
    std::string space;       // whitespace after the last encoded word, dropped between two
    const auto flush_run = [&] {
        if (!run_source.empty()) {
            auto converted = detail::charset_to_utf8(run_charset, run_bytes);
            out += converted ? *converted : run_source;
            run_charset.clear();
            run_bytes.clear();
            run_source.clear();
        }
        out += space;
        space.clear();
    };
    std::size_t i = 0;
    while (i < value.size()) {
        if (auto word = read_encoded_word(value, i)) {
            // Section 6.2: "any 'linear-white-space' that separates a pair of adjacent
            // 'encoded-word's is ignored".
            space.clear();
            if (run_source.empty() || !detail::iequals(word->charset, run_charset)) {
                flush_run();
                run_charset = word->charset;
            }
            run_bytes += word->bytes;
            run_source += value.substr(i, word->end - i);
            i = word->end;
            continue;
        }
        const char c = value[i];
        if (!run_source.empty() && (detail::is_wsp(c) || c == '\r' || c == '\n')) {
            space += c;
        } else {
            flush_run();
            out += c;
        }
        ++i;
    }
    flush_run();
    return out;
}

std::string encode_header_words(std::string_view utf8, std::size_t first_word_max) {
    if (!detail::is_valid_utf8(utf8)) {
        throw Error(Errc::InvalidArgument, "header text is not valid UTF-8");
    }
    if (utf8.empty()) {
        return {};
    }
    const bool use_b = (utf8.size() + 2) / 3 * 4 < q_length(utf8);
    const std::string_view prefix = use_b ? "=?utf-8?b?" : "=?utf-8?q?";
    const std::size_t overhead = prefix.size() + 2;  // and the closing "?="
    const auto encoded_size = [&](std::string_view bytes) {
        return overhead + (use_b ? (bytes.size() + 2) / 3 * 4 : q_length(bytes));
    };
    const auto encode = [&](std::string_view bytes) {
        return std::string(prefix) + (use_b ? base64_encode(as_bytes(bytes)) : q_encode(bytes)) +
               "?=";
    };
    // Room for at least one character of four bytes, whatever the caller asks.
    std::size_t limit = std::clamp<std::size_t>(first_word_max, overhead + 12, kMaxEncodedWord);
    std::string out;
    std::size_t word_start = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        // Section 5: "Each 'encoded-word' MUST represent an integral number of characters."
        const std::size_t next =
            i + detail::utf8_sequence_length(static_cast<unsigned char>(utf8[i]));
        if (i > word_start && encoded_size(utf8.substr(word_start, next - word_start)) > limit) {
            out += encode(utf8.substr(word_start, i - word_start));
            out += ' ';
            word_start = i;
            limit = kMaxEncodedWord;
        }
        i = next;
    }
    out += encode(utf8.substr(word_start));
    return out;
}

// ---- header lines ----------------------------------------------------------------------------

std::string format_header(std::string_view name, std::string_view value) {
    const bool good_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return c > 32 && c < 127 && c != ':';
    });
    if (!good_name) {
        throw Error(Errc::InvalidArgument, "invalid header field name " + in_quotes(name));
    }
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        throw Error(Errc::InvalidArgument,
                    "the value of header " + in_quotes(name) + " contains a line break");
    }
    if (!is_7bit(as_bytes(value))) {
        throw Error(Errc::InvalidArgument,
                    "the value of header " + in_quotes(name) + " is not 7-bit (encode it first)");
    }
    std::string line(name);
    line += ':';
    if (!value.empty()) {
        line += ' ';
        line += value;
    }
    // RFC 5322 section 2.2.3: fold by inserting CRLF before white space, greedily, so that no
    // line exceeds 78 characters where that is possible, and no line is white space only.
    const std::vector<bool> points = fold_points(line);
    const std::size_t last_text = line.find_last_not_of(" \t");
    const auto can_fold = [&](std::size_t start, std::size_t p) {
        const std::string_view before = std::string_view(line).substr(start, p - start);
        return points[p] && p < last_text &&
               before.find_first_not_of(" \t") != std::string_view::npos;
    };
    std::string out;
    std::size_t start = 0;
    while (line.size() - start > kMaxLine) {
        // The last fold point that keeps this line within the limit; without one, the first
        // point after it (a long word makes a long line; it is never broken).
        std::size_t fold = 0;
        for (std::size_t p = start + 1; p < line.size(); ++p) {
            if (!can_fold(start, p)) {
                continue;
            }
            if (p - start <= kMaxLine) {
                fold = p;
                continue;
            }
            if (fold == 0) {
                fold = p;
            }
            break;
        }
        if (fold == 0) {
            break;  // one long word: RFC 5322 allows lines of up to 998 characters
        }
        out.append(line, start, fold - start);
        out += "\r\n";
        start = fold;
    }
    out.append(line, start);
    out += "\r\n";
    return out;
}

// ---- parameters ------------------------------------------------------------------------------

std::optional<std::string> find_parameter(const std::vector<MimeParameter>& parameters,
                                          std::string_view name) {
    for (const MimeParameter& parameter : parameters) {
        if (detail::iequals(parameter.name, name)) {
            return parameter.value;
        }
    }
    return std::nullopt;
}

ContentType parse_content_type(std::string_view value) {
    ValueScanner scanner(value);
    scanner.skip_cfws();
    const std::string_view type = scanner.token();
    scanner.skip_cfws();
    std::string_view subtype;
    if (scanner.peek() == '/') {
        scanner.advance();
        scanner.skip_cfws();
        subtype = scanner.token();
    }
    if (type.empty() || subtype.empty()) {
        throw Error(Errc::Malformed, "not a media type: " + in_quotes(detail::trim(value)));
    }
    ContentType content_type;
    content_type.type = detail::ascii_lower(type);
    content_type.subtype = detail::ascii_lower(subtype);
    content_type.parameters = resolve_parameters(read_raw_parameters(scanner));
    return content_type;
}

ContentDisposition parse_content_disposition(std::string_view value) {
    ValueScanner scanner(value);
    scanner.skip_cfws();
    const std::string_view kind = scanner.token();
    if (kind.empty()) {
        throw Error(Errc::Malformed, "not a disposition: " + in_quotes(detail::trim(value)));
    }
    return {detail::ascii_lower(kind), resolve_parameters(read_raw_parameters(scanner))};
}

namespace detail {

std::string quote_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';  // RFC 5322 section 3.2.4: quoted-pair
        }
        out += c;
    }
    out += '"';
    return out;
}

std::vector<std::string> format_parameter(std::string_view name, std::string_view value,
                                          bool quote_tokens) {
    const std::string base(name);
    const bool token = !value.empty() && std::all_of(value.begin(), value.end(), is_token_char);
    if (token && !quote_tokens && value.size() <= kMaxParameterPiece) {
        return {base + "=" + std::string(value)};
    }
    const bool ascii = is_printable_ascii(value);
    if (ascii && value.size() <= kMaxParameterPiece) {
        return {base + "=" + detail::quote_string(value)};
    }
    std::vector<std::string> pieces;
    if (ascii) {
        // RFC 2231 section 3: a long value in sections, each a quoted string.
        for (std::size_t offset = 0; offset < value.size(); offset += kMaxParameterPiece) {
            pieces.push_back(base + "*" + std::to_string(pieces.size()) + "=" +
                             detail::quote_string(value.substr(offset, kMaxParameterPiece)));
        }
        return pieces;
    }
    // RFC 2231 section 4: charset'language'percent-encoded, the charset in the first section
    // only. "%XX" of one character stay in one section.
    std::vector<std::string> sections{"utf-8''"};
    for (std::size_t i = 0; i < value.size();) {
        const std::size_t length = utf8_sequence_length(static_cast<unsigned char>(value[i]));
        std::string encoded;
        for (std::size_t k = i; k < i + length && k < value.size(); ++k) {
            const auto byte = static_cast<unsigned char>(value[k]);
            if (is_attribute_char(value[k])) {
                encoded += value[k];
            } else {
                encoded += {'%', hex_digit(byte >> 4U), hex_digit(byte & 0x0FU)};
            }
        }
        if (sections.back().size() + encoded.size() > kMaxParameterPiece) {
            sections.emplace_back();
        }
        sections.back() += encoded;
        i += length;
    }
    if (sections.size() == 1) {
        return {base + "*=" + sections.front()};
    }
    for (std::size_t i = 0; i < sections.size(); ++i) {
        pieces.push_back(base + "*" + std::to_string(i) + "*=" + sections[i]);
    }
    return pieces;
}

}  // namespace detail
}  // namespace smimekit
