// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by the MIME reader, codecs and writer: lines with LF or CRLF ends,
// ASCII case folding, UTF-8 validation and the few charsets MIME headers use in practice.
#pragma once

#include "smimekit/bytes.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smimekit::detail {

/// One line of a buffer: content [begin, end), its line end [end, next). A line end is LF or
/// CRLF; a bare CR is data (mime.hpp explains why). The last line may have no line end
/// (end == next == size).
struct Line {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t next = 0;
    [[nodiscard]] std::size_t size() const noexcept { return end - begin; }
    [[nodiscard]] bool has_line_end() const noexcept { return next > end; }
};

/// The line that starts at `pos` (pos <= data.size()).
Line line_at(BytesView data, std::size_t pos) noexcept;

inline std::string_view as_text(BytesView bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline bool is_wsp(char c) noexcept {
    return c == ' ' || c == '\t';
}

/// `text` without leading and trailing spaces and tabs (and CR/LF).
std::string_view trim(std::string_view text) noexcept;

char ascii_lower(char c) noexcept;
std::string ascii_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b) noexcept;
bool istarts_with(std::string_view text, std::string_view prefix) noexcept;

/// "0".."9", "A".."F", "a".."f" to 0..15; -1 otherwise.
int hex_digit_value(char c) noexcept;
/// Upper-case hex digit of 0..15.
char hex_digit(unsigned value) noexcept;

bool is_valid_utf8(std::string_view text) noexcept;
/// The number of bytes of the UTF-8 sequence that starts with `lead` (1 for anything invalid).
std::size_t utf8_sequence_length(unsigned char lead) noexcept;

/// `bytes` in `charset` (utf-8, us-ascii, iso-8859-1, windows-1252 and their usual aliases;
/// case-insensitive) converted to UTF-8; nullopt for another charset, or for bytes that are
/// invalid in it (malformed UTF-8, 8-bit bytes in US-ASCII).
std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes);

}  // namespace smimekit::detail
