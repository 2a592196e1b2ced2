// SPDX-License-Identifier: Apache-2.0
// Hex and base64 codecs (RFC 4648), written out because MIME and PEM need exact control over
// line breaks and whitespace; and the secure wipe every secret goes through.
#include "smimekit/bytes.hpp"

#include "smimekit/error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <string>
#include <string_view>

namespace smimekit {
namespace {

constexpr std::string_view kLowerDigits = "0123456789abcdef";
constexpr std::string_view kUpperDigits = "0123456789ABCDEF";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int kInvalid = -1;
constexpr int kSkip = -2;
constexpr int kPad = -3;

constexpr std::array<int, 256> make_base64_table() {
    std::array<int, 256> table{};
    for (auto& entry : table) {
        entry = kInvalid;
    }
    for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
        table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int>(i);
    }
    table['\r'] = table['\n'] = table[' '] = table['\t'] = kSkip;
    table['='] = kPad;
    return table;
}
constexpr std::array<int, 256> kBase64Table = make_base64_table();

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::string to_hex(BytesView bytes, HexCase letter_case) {
    const std::string_view digits = letter_case == HexCase::Upper ? kUpperDigits : kLowerDigits;
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        text += digits[byte >> 4U];
        text += digits[byte & 0x0FU];
    }
    return text;
}

std::string to_hex(BytesView bytes, char separator, HexCase letter_case) {
    const std::string_view digits = letter_case == HexCase::Upper ? kUpperDigits : kLowerDigits;
    std::string text;
    text.reserve(bytes.size() * 3);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) {
            text += separator;
        }
        text += digits[bytes[i] >> 4U];
        text += digits[bytes[i] & 0x0FU];
    }
    return text;
}

Bytes from_hex(std::string_view text) {
    Bytes bytes;
    bytes.reserve(text.size() / 2);
    int high = -1;
    for (const char c : text) {
        if (high < 0 && (c == ':' || c == ' ')) {
            continue;
        }
        const int value = hex_value(c);
        if (value < 0) {
            throw Error(Errc::Malformed, "not a hex string: unexpected character");
        }
        if (high < 0) {
            high = value;
        } else {
            bytes.push_back(static_cast<std::uint8_t>((high << 4) | value));
            high = -1;
        }
    }
    if (high >= 0) {
        throw Error(Errc::Malformed, "not a hex string: odd number of digits");
    }
    return bytes;
}

std::string base64_encode(BytesView bytes, std::size_t line_length) {
    std::string text;
    const std::size_t encoded_size = (bytes.size() + 2) / 3 * 4;
    text.reserve(encoded_size + (line_length > 0 ? encoded_size / line_length * 2 + 2 : 0));
    std::size_t column = 0;
    const auto put = [&](char c) {
        if (line_length > 0 && column == line_length) {
            text += "\r\n";
            column = 0;
        }
        text += c;
        ++column;
    };
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = (std::uint32_t{bytes[i]} << 16U) |
                                    (std::uint32_t{bytes[i + 1]} << 8U) | bytes[i + 2];
        put(kBase64Alphabet[(group >> 18U) & 0x3FU]);
        put(kBase64Alphabet[(group >> 12U) & 0x3FU]);
        put(kBase64Alphabet[(group >> 6U) & 0x3FU]);
        put(kBase64Alphabet[group & 0x3FU]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t group = std::uint32_t{bytes[i]} << 16U;
        if (rest == 2) {
            group |= std::uint32_t{bytes[i + 1]} << 8U;
        }
        put(kBase64Alphabet[(group >> 18U) & 0x3FU]);
        put(kBase64Alphabet[(group >> 12U) & 0x3FU]);
        put(rest == 2 ? kBase64Alphabet[(group >> 6U) & 0x3FU] : '=');
        put('=');
    }
    return text;
}

Bytes base64_decode(std::string_view text) {
    Bytes bytes;
    bytes.reserve(text.size() / 4 * 3);
    std::uint32_t group = 0;
    int count = 0;
    int padding = 0;
    for (const char c : text) {
        const int value = kBase64Table[static_cast<unsigned char>(c)];
        if (value == kSkip) {
            continue;
        }
        if (value == kInvalid) {
            throw Error(Errc::Malformed, "not base64: unexpected character");
        }
        if (value == kPad) {
            ++padding;
            ++count;
        } else {
            if (padding > 0) {
                throw Error(Errc::Malformed, "not base64: data after padding");
            }
            group = (group << 6U) | static_cast<std::uint32_t>(value);
            ++count;
        }
        if (count == 4) {
            if (padding > 2) {
                throw Error(Errc::Malformed, "not base64: bad padding");
            }
            group <<= static_cast<unsigned>(6 * padding);
            bytes.push_back(static_cast<std::uint8_t>(group >> 16U));
            if (padding < 2) {
                bytes.push_back(static_cast<std::uint8_t>(group >> 8U));
            }
            if (padding < 1) {
                bytes.push_back(static_cast<std::uint8_t>(group));
            }
            group = 0;
            count = 0;
            if (padding > 0) {
                padding = 3;  // nothing but whitespace may follow the final padded group
            }
        }
    }
    if (count != 0) {
        throw Error(Errc::Malformed, "not base64: truncated");
    }
    return bytes;
}

namespace {

// Fetched once: an implicit fetch per digest costs a lock and a lookup in OpenSSL 3.
const EVP_MD* fetched(const char* name) {
    static EVP_MD* const sha1_md = ::EVP_MD_fetch(nullptr, "SHA1", nullptr);
    static EVP_MD* const sha256_md = ::EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return std::string_view(name) == "SHA1" ? sha1_md : sha256_md;
}

Bytes digest(const char* name, BytesView bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    const EVP_MD* md = fetched(name);
    if (md == nullptr || ::EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, md, nullptr) != 1) {
        throw Error(Errc::Internal, std::string(name) + " digest failed");
    }
    return {out.begin(), out.begin() + size};
}

}  // namespace

Bytes sha1(BytesView bytes) {
    return digest("SHA1", bytes);
}

Bytes sha256(BytesView bytes) {
    return digest("SHA256", bytes);
}

void secure_wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size > 0) {
        ::OPENSSL_cleanse(data, size);
    }
}

}  // namespace smimekit
