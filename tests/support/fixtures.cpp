// SPDX-License-Identifier: Apache-2.0
// Test fixtures (see fixtures.hpp).
#include "support/fixtures.hpp"

#include <smimekit/file.hpp>

#include <atomic>
#include <fstream>
#include <random>

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

}  // namespace fixture
