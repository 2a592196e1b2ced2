// SPDX-License-Identifier: Apache-2.0
// Test fixtures (see fixtures.hpp).
#include "support/fixtures.hpp"

#include <smimekit/file.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>
#include <stdexcept>

namespace fixture {

std::string path(std::string_view name) {
    return std::string(SMIMEKIT_TEST_CERTS_DIR) + "/" + std::string(name);
}

smimekit::Bytes bytes(std::string_view name) {
    return smimekit::read_file(path(name));
}

std::string text(std::string_view name) {
    return smimekit::to_string(bytes(name));
}

smimekit::TimePoint at(std::string_view rfc3339) {
    return smimekit::parse_time(rfc3339);
}

smimekit::TimePoint now() {
    return at("2030-01-01T00:00:00Z");
}

std::optional<smimekit::Errc> errc_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const smimekit::Error& error) {
        return error.code();
    }
    return std::nullopt;
}

std::string message_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const smimekit::Error& error) {
        return error.what();
    }
    return {};
}

TempDir::TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    m_path = std::filesystem::temp_directory_path() /
             ("smimekit-test-" + std::to_string(random()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

void TempDir::write(std::string_view name, smimekit::BytesView bytes) const {
    std::ofstream out(file(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

namespace {

smimekit::Bytes der_length(std::size_t length) {
    if (length < 0x80) {
        return {static_cast<std::uint8_t>(length)};
    }
    smimekit::Bytes digits;
    for (std::size_t rest = length; rest > 0; rest >>= 8U) {
        digits.insert(digits.begin(), static_cast<std::uint8_t>(rest & 0xFFU));
    }
    digits.insert(digits.begin(), static_cast<std::uint8_t>(0x80U | digits.size()));
    return digits;
}

/// Re-encodes the elements of `der` (definite lengths, one-byte tags), replacing the INTEGER
/// once; `done` says whether it has been replaced.
smimekit::Bytes rebuild(smimekit::BytesView der, smimekit::BytesView from, smimekit::BytesView to,
                        bool& done) {
    smimekit::Bytes out;
    std::size_t at = 0;
    while (at < der.size()) {
        if (der.size() - at < 2) {
            throw std::runtime_error("der_with_integer_replaced: truncated element");
        }
        const std::uint8_t tag = der[at];
        std::size_t length = der[at + 1];
        std::size_t header = 2;
        if ((length & 0x80U) != 0) {
            const std::size_t count = length & 0x7FU;
            length = 0;
            for (std::size_t i = 0; i < count; ++i) {
                length = (length << 8U) | der[at + 2 + i];
            }
            header += count;
        }
        if (length > der.size() - at - header) {
            throw std::runtime_error("der_with_integer_replaced: element beyond the end");
        }
        smimekit::BytesView content = der.subspan(at + header, length);
        smimekit::Bytes replaced;
        if (!done && tag == 0x02 && std::equal(content.begin(), content.end(), from.begin(), from.end())) {
            content = to;
            done = true;
        } else if ((tag & 0x20U) != 0) {
            replaced = rebuild(content, from, to, done);
            content = replaced;
        }
        out.push_back(tag);
        const smimekit::Bytes encoded_length = der_length(content.size());
        out.insert(out.end(), encoded_length.begin(), encoded_length.end());
        out.insert(out.end(), content.begin(), content.end());
        at += header + length;
    }
    return out;
}

}  // namespace

smimekit::Bytes der_with_integer_replaced(smimekit::BytesView der, smimekit::BytesView from,
                                          smimekit::BytesView to) {
    bool done = false;
    smimekit::Bytes out = rebuild(der, from, to, done);
    if (!done) {
        throw std::runtime_error("der_with_integer_replaced: no such INTEGER");
    }
    return out;
}

}  // namespace fixture
