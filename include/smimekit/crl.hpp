// SPDX-License-Identifier: Apache-2.0
// Certificate revocation lists (RFC 5280 section 5), supplied by the user for offline checks.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/time.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// An X.509 CRL. Immutable; copies share it.
class Crl final {
public:
    /// Exactly one DER CRL; Errc::Malformed otherwise.
    static Crl from_der(BytesView der);

    [[nodiscard]] const Bytes& der() const noexcept;
    /// RFC 4514 form of the issuer name.
    [[nodiscard]] std::string issuer() const;
    [[nodiscard]] TimePoint this_update() const noexcept;
    /// Absent when the CRL has no nextUpdate (RFC 5280 requires one; old CAs omit it).
    [[nodiscard]] std::optional<TimePoint> next_update() const noexcept;
    [[nodiscard]] std::size_t revoked_count() const noexcept;

    class Impl;
    explicit Crl(std::shared_ptr<const Impl> impl) noexcept;
    [[nodiscard]] const Impl& impl() const noexcept { return *m_impl; }

private:
    std::shared_ptr<const Impl> m_impl;
};

/// Every CRL of `path`: a DER CRL, a PEM file with any number of "X509 CRL" blocks, or a
/// directory (read recursively; files that hold no CRL are skipped). Throws as read_file does,
/// and Errc::Malformed naming the file when a named file holds no CRL.
std::vector<Crl> load_crls(const std::string& path);

}  // namespace smimekit
