// SPDX-License-Identifier: Apache-2.0
// Test fixtures: files of the committed test PKI (certs-test/), fixed times, error-code capture
// and a temporary directory.
#pragma once

#include <smimekit/bytes.hpp>
#include <smimekit/error.hpp>
#include <smimekit/time.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace fixture {

/// certs-test/<name> as a path.
std::string path(std::string_view name);
/// The bytes of certs-test/<name>.
smimekit::Bytes bytes(std::string_view name);
/// The text of certs-test/<name>.
std::string text(std::string_view name);
/// parse_time(text): fixture::at("2030-01-01T00:00:00Z").
smimekit::TimePoint at(std::string_view rfc3339);
/// The default "now" of the tests: 2030-01-01T00:00:00Z, when every normal fixture is valid.
smimekit::TimePoint now();
/// The Errc that `fn` throws, or nullopt if it throws nothing (other exceptions propagate).
std::optional<smimekit::Errc> errc_of(const std::function<void()>& fn);
/// The message of the smimekit::Error that `fn` throws ("" if none).
std::string message_of(const std::function<void()>& fn);

/**
 * `der` with the first INTEGER whose content is `from` given the content `to`, and every
 * enclosing length grown or shrunk to match: hostile variants of a fixture (an iteration count
 * of 2^31 - 1) without a generator. Descends into constructed elements only, so it reaches
 * the outer structure of a PKCS#12 file (its MAC) but not what an OCTET STRING wraps.
 * Throws std::runtime_error when `der` holds no such INTEGER.
 */
smimekit::Bytes der_with_integer_replaced(smimekit::BytesView der, smimekit::BytesView from,
                                          smimekit::BytesView to);

/// A fresh directory under the system's temp directory, removed with everything in it.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    ~TempDir();
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    [[nodiscard]] std::string file(std::string_view name) const { return (m_path / name).string(); }
    void write(std::string_view name, smimekit::BytesView bytes) const;

private:
    std::filesystem::path m_path;
};

}  // namespace fixture
