// SPDX-License-Identifier: Apache-2.0
// Text helpers for the MIME code (see mime_text.hpp).
#include "detail/mime_text.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace smimekit::detail {
namespace {

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0U | (code_point >> 6U));
        out += static_cast<char>(0x80U | (code_point & 0x3FU));
    } else {
        out += static_cast<char>(0xE0U | (code_point >> 12U));
        out += static_cast<char>(0x80U | ((code_point >> 6U) & 0x3FU));
        out += static_cast<char>(0x80U | (code_point & 0x3FU));
    }
}

// windows-1252 0x80..0x9F (the rest is ISO-8859-1). The five unassigned bytes map to the C1
// control of the same value, as the WHATWG Encoding Standard does.
constexpr std::array<std::uint16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

enum class Charset { Utf8, Ascii, Latin1, Windows1252 };

std::optional<Charset> charset_of(std::string_view name) {
    const std::string lower = ascii_lower(trim(name));
    if (lower == "utf-8" || lower == "utf8") {
        return Charset::Utf8;
    }
    if (lower == "us-ascii" || lower == "ascii" || lower == "ansi_x3.4-1968") {
        return Charset::Ascii;
    }
    if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "iso_8859-1" ||
        lower == "latin1" || lower == "latin-1" || lower == "l1") {
        return Charset::Latin1;
    }
    if (lower == "windows-1252" || lower == "cp1252") {
        return Charset::Windows1252;
    }
    return std::nullopt;
}

}  // namespace

Line line_at(BytesView data, std::size_t pos) noexcept {
    Line line{pos, pos, pos};
    const void* found =
        pos < data.size() ? std::memchr(data.data() + pos, '\n', data.size() - pos) : nullptr;
    if (found == nullptr) {
        line.end = line.next = data.size();
        return line;
    }
    const auto i = static_cast<std::size_t>(static_cast<const std::uint8_t*>(found) - data.data());
    line.next = i + 1;
    line.end = (i > pos && data[i - 1] == '\r') ? i - 1 : i;
    return line;
}

std::string_view trim(std::string_view text) noexcept {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    const std::size_t last = text.find_last_not_of(kSpace);
    return text.substr(first, last - first + 1);
}

char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = ascii_lower(c);
    }
    return lower;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

char hex_digit(unsigned value) noexcept {
    return "0123456789ABCDEF"[value & 0x0FU];
}

std::size_t utf8_sequence_length(unsigned char lead) noexcept {
    if (lead >= 0xF0 && lead <= 0xF4) {
        return 4;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        return 3;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        return 2;
    }
    return 1;
}

bool is_valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(lead);
        if (length == 1 || i + length > text.size()) {
            return false;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        // RFC 3629 section 4: no overlong forms, no surrogates, nothing above U+10FFFF.
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead == 0xE0) {
            low = 0xA0;
        } else if (lead == 0xED) {
            high = 0x9F;
        } else if (lead == 0xF0) {
            low = 0x90;
        } else if (lead == 0xF4) {
            high = 0x8F;
        }
        if (second < low || second > high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if (next < 0x80 || next > 0xBF) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes) {
    const std::optional<Charset> known = charset_of(charset);
    if (!known) {
        return std::nullopt;
    }
    switch (*known) {
        case Charset::Utf8:
            return is_valid_utf8(bytes) ? std::optional<std::string>(bytes) : std::nullopt;
        case Charset::Ascii:
            for (const char c : bytes) {
                if (static_cast<unsigned char>(c) >= 0x80) {
                    return std::nullopt;
                }
            }
            return std::string(bytes);
        case Charset::Latin1:
        case Charset::Windows1252: {
            std::string out;
            out.reserve(bytes.size() * 2);
            for (const char c : bytes) {
                const auto byte = static_cast<unsigned char>(c);
                const bool high_c1 = *known == Charset::Windows1252 && byte >= 0x80 && byte < 0xA0;
                append_utf8(out, high_c1 ? kWindows1252High.at(byte - 0x80U) : byte);
            }
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace smimekit::detail
