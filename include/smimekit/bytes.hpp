// SPDX-License-Identifier: Apache-2.0
// Byte buffers and the text encodings of bytes (hex, base64) that every other concept uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

/// The bytes of a string, without a copy. The view is valid as long as `text` is.
inline BytesView as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// The bytes as a string (a copy), for APIs that carry binary data in std::string.
inline std::string to_string(BytesView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline Bytes to_bytes(std::string_view text) {
    const BytesView view = as_bytes(text);
    return {view.begin(), view.end()};
}

enum class HexCase { Lower, Upper };

/// Hex digits without separators ("3f2a..."); Windows shows thumbprints as HexCase::Upper.
std::string to_hex(BytesView bytes, HexCase letter_case = HexCase::Lower);

/// Hex digits with `separator` between bytes ("3F:2A:..."), as openssl prints fingerprints.
std::string to_hex(BytesView bytes, char separator, HexCase letter_case = HexCase::Upper);

/// Parses hex digits (either case; ':' and spaces between bytes are skipped).
/// Throws Error{Errc::Malformed} on any other character or an odd number of digits.
Bytes from_hex(std::string_view text);

/// RFC 4648 base64 with padding. `line_length` > 0 breaks lines with CRLF every that many
/// characters (76 for MIME, 64 for PEM); 0 gives one line.
std::string base64_encode(BytesView bytes, std::size_t line_length = 0);

/// Decodes RFC 4648 base64, skipping ASCII whitespace (CR, LF, space, tab) anywhere.
/// Throws Error{Errc::Malformed} on any other character or bad padding.
Bytes base64_decode(std::string_view text);

/// Message digests (FIPS 180-4) of `bytes`.
Bytes sha1(BytesView bytes);
Bytes sha256(BytesView bytes);

/// Overwrites `size` bytes at `data` in a way the compiler may not optimise away.
void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace smimekit
