// SPDX-License-Identifier: Apache-2.0
// Store: certificates indexed by the hash of their canonical subject name, the same key
// OpenSSL's hashed certificate directories use, so an issuer lookup is O(1) in the pool size.
// (Building an X509_STORE one add at a time is quadratic in OpenSSL 3.0: 8 s for 10k.)
#include "smimekit/store.hpp"

#include "detail/certificate_impl.hpp"

#include <algorithm>

namespace smimekit {
namespace {

std::string digest_key(const Certificate& certificate) {
    return to_string(certificate.sha256());
}

unsigned long name_hash(const X509_NAME* name) {
    int ok = 0;
    // X509_NAME_hash_ex hashes the canonical encoding (case-folded, whitespace-normalised).
    const unsigned long hash = ::X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
    return ok == 1 ? hash : 0;
}

}  // namespace

bool Store::add(const Certificate& certificate) {
    if (!m_sha256.insert(digest_key(certificate)).second) {
        return false;
    }
    m_by_subject.emplace(name_hash(::X509_get_subject_name(detail::x509_of(certificate))),
                         m_certificates.size());
    m_certificates.push_back(certificate);
    return true;
}

std::size_t Store::add(const std::vector<Certificate>& certificates) {
    std::size_t added = 0;
    for (const Certificate& certificate : certificates) {
        if (add(certificate)) {
            ++added;
        }
    }
    return added;
}

std::vector<Error> Store::add_path(const std::string& path, const LoadOptions& options) {
    LoadOptions certificates_only = options;
    certificates_only.keys = false;
    LoadedTree tree = load_tree(path, certificates_only);
    for (const LoadedFile& file : tree.files) {
        add(file.certificates);
    }
    return std::move(tree.skipped);
}

bool Store::contains(const Certificate& certificate) const {
    return m_sha256.count(digest_key(certificate)) != 0;
}

std::vector<Certificate> Store::issuer_candidates(const Certificate& certificate) const {
    const X509_NAME* issuer = ::X509_get_issuer_name(detail::x509_of(certificate));
    const auto [first, last] = m_by_subject.equal_range(name_hash(issuer));
    std::vector<std::size_t> indexes;
    for (auto it = first; it != last; ++it) {
        // The hash narrows the search; the canonical comparison decides (hashes can collide).
        if (::X509_NAME_cmp(::X509_get_subject_name(detail::x509_of(m_certificates[it->second])),
                            issuer) == 0) {
            indexes.push_back(it->second);
        }
    }
    std::sort(indexes.begin(), indexes.end());
    const auto authority_key = certificate.authority_key_id();
    std::stable_partition(indexes.begin(), indexes.end(), [&](std::size_t index) {
        return authority_key && m_certificates[index].subject_key_id() == authority_key;
    });
    std::vector<Certificate> candidates;
    candidates.reserve(indexes.size());
    for (const std::size_t index : indexes) {
        candidates.push_back(m_certificates[index]);
    }
    return candidates;
}

}  // namespace smimekit
