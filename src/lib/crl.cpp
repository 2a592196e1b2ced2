// SPDX-License-Identifier: Apache-2.0
// CRLs: parsed once with OpenSSL, handed to the path validator as they are.
#include "smimekit/crl.hpp"

#include "smimekit/error.hpp"
#include "smimekit/file.hpp"
#include "smimekit/load.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/crl_impl.hpp"

#include <climits>

namespace smimekit {

Crl::Impl::Impl(detail::X509CrlPtr crl, Bytes der) : m_crl(std::move(crl)), m_der(std::move(der)) {
    m_this_update = detail::asn1_time_to_unix(::X509_CRL_get0_lastUpdate(m_crl.get()));
    if (const ASN1_TIME* next = ::X509_CRL_get0_nextUpdate(m_crl.get()); next != nullptr) {
        m_next_update = detail::asn1_time_to_unix(next);
    }
}

Crl::Crl(std::shared_ptr<const Impl> impl) noexcept : m_impl(std::move(impl)) {}

Crl Crl::from_der(BytesView der) {
    detail::ossl_check(der.size() <= static_cast<std::size_t>(LONG_MAX), Errc::Malformed, "CRL too large");
    const unsigned char* p = der.data();
    detail::X509CrlPtr crl(::d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    detail::ossl_check(crl != nullptr, Errc::Malformed, "not a DER-encoded X.509 CRL");
    detail::ossl_check(p == der.data() + der.size(), Errc::Malformed, "unexpected bytes after the CRL");
    return Crl(std::make_shared<const Impl>(std::move(crl), Bytes(der.begin(), der.end())));
}

const Bytes& Crl::der() const noexcept {
    return m_impl->m_der;
}

std::string Crl::issuer() const {
    return detail::name_text(::X509_CRL_get_issuer(m_impl->crl()));
}

TimePoint Crl::this_update() const noexcept {
    return from_unix_seconds(m_impl->m_this_update);
}

std::optional<TimePoint> Crl::next_update() const noexcept {
    if (!m_impl->m_next_update) {
        return std::nullopt;
    }
    return from_unix_seconds(*m_impl->m_next_update);
}

std::size_t Crl::revoked_count() const noexcept {
    const int count = sk_X509_REVOKED_num(::X509_CRL_get_REVOKED(m_impl->crl()));
    return count > 0 ? static_cast<std::size_t>(count) : 0;
}

std::vector<Crl> load_crls(const std::string& path) {
    LoadOptions options;
    options.keys = false;
    // A directory of CRLs may hold other files (README, certificates): they are skipped.
    LoadedTree tree = load_tree(path, options);
    std::vector<Crl> crls;
    for (LoadedFile& file : tree.files) {
        crls.insert(crls.end(), file.crls.begin(), file.crls.end());
    }
    if (crls.empty() && !is_directory(path)) {
        throw Error(Errc::Malformed, in_quotes(path) + ": no CRL in this file");
    }
    return crls;
}

}  // namespace smimekit
