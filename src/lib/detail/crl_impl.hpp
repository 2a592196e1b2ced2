// SPDX-License-Identifier: Apache-2.0
// The insides of Crl, for the path validator.
#pragma once

#include "detail/ossl.hpp"
#include "smimekit/crl.hpp"

#include <optional>

namespace smimekit {

class Crl::Impl {
public:
    Impl(detail::X509CrlPtr crl, Bytes der);
    [[nodiscard]] X509_CRL* crl() const noexcept { return m_crl.get(); }

    detail::X509CrlPtr m_crl;
    Bytes m_der;
    std::int64_t m_this_update = 0;
    std::optional<std::int64_t> m_next_update;
};

}  // namespace smimekit
