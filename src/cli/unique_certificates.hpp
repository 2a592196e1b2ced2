// SPDX-License-Identifier: Apache-2.0
// Certificates gathered from many inputs, each kept once: the same certificate often comes
// twice (a leaf's file and a bundle holding it). A linear search per certificate made
// `sst create` of 10,000 certificates quadratic; this index makes each look-up O(1).
#pragma once

#include <smimekit/certificate.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace smimekit::cli {

/// Certificates in the order first seen, without repeats (the same DER twice).
class UniqueCertificates final {
public:
    /// Adds `certificate` unless it is already here; true if it was added.
    bool insert(const Certificate& certificate) {
        const auto [at, added] = m_positions.try_emplace(key_of(certificate), m_items.size());
        if (added) {
            m_items.push_back(certificate);
        }
        return added;
    }

    /// Where `certificate` is in items(), if it is here.
    [[nodiscard]] std::optional<std::size_t> position(const Certificate& certificate) const {
        const auto at = m_positions.find(key_of(certificate));
        if (at == m_positions.end()) {
            return std::nullopt;
        }
        return at->second;
    }

    [[nodiscard]] const std::vector<Certificate>& items() const noexcept { return m_items; }

private:
    /// The SHA-256 of the DER, which the certificate keeps: equal keys, equal DER.
    static std::string key_of(const Certificate& certificate) {
        const Bytes& digest = certificate.sha256();
        return {reinterpret_cast<const char*>(digest.data()), digest.size()};
    }

    std::vector<Certificate> m_items;
    std::unordered_map<std::string, std::size_t> m_positions;
};

}  // namespace smimekit::cli
