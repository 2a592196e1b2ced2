// SPDX-License-Identifier: Apache-2.0
// A pool of certificates to build chains from (or a set of trust anchors), indexed by subject
// name so that finding an issuer among tens of thousands costs a hash lookup.
#pragma once

#include "smimekit/certificate.hpp"
#include "smimekit/error.hpp"
#include "smimekit/load.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace smimekit {

/**
 * An in-memory set of certificates (no duplicates: equal DER is kept once), in insertion order.
 * A concrete class on purpose (ARCHITECTURE.md rule 5). Not thread-safe for writes; const
 * lookups may run concurrently.
 */
class Store final {
public:
    /// Adds `certificate` unless an identical one is present; true if it was added.
    bool add(const Certificate& certificate);
    /// Adds each certificate; returns how many were new.
    std::size_t add(const std::vector<Certificate>& certificates);

    /**
     * Adds every certificate of `path`: a file of any format (PEM bundle, .p7b, .sst, .p12, DER)
     * or a directory, read recursively. A file inside a directory that cannot be read is
     * skipped and returned (each error names its file); errors about `path` itself are thrown.
     */
    std::vector<Error> add_path(const std::string& path, const LoadOptions& options = {});

    [[nodiscard]] std::size_t size() const noexcept { return m_certificates.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_certificates.empty(); }
    [[nodiscard]] const std::vector<Certificate>& certificates() const noexcept {
        return m_certificates;
    }
    [[nodiscard]] bool contains(const Certificate& certificate) const;

    /**
     * The certificates whose subject name equals the issuer name of `certificate` (compared as
     * RFC 5280 section 7.1 asks, on the canonical form), those whose subject key identifier
     * equals its authority key identifier first, then in insertion order. Whether one of them
     * really signed `certificate` is for the chain builder to check.
     */
    [[nodiscard]] std::vector<Certificate> issuer_candidates(const Certificate& certificate) const;

private:
    std::vector<Certificate> m_certificates;
    std::unordered_set<std::string> m_sha256;  // binary digests, for duplicates
    std::unordered_multimap<unsigned long, std::size_t> m_by_subject;  // canonical name hash
};

}  // namespace smimekit
