// SPDX-License-Identifier: Apache-2.0
// Just enough DER/BER to look at the outer shape of a file (tags and lengths), for recognising
// formats without a full parse. Full parsing is OpenSSL's job.
#pragma once

#include "smimekit/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace smimekit::detail {

/// One TLV header.
struct DerHeader {
    std::uint8_t tag = 0;      ///< the identifier octet (low-tag-number form only)
    std::size_t header_size = 0;
    std::size_t length = 0;    ///< content length; 0 when indefinite
    bool indefinite = false;   ///< BER indefinite length (0x80)
    [[nodiscard]] bool constructed() const noexcept { return (tag & 0x20U) != 0; }
};

/// The header at `offset`, or nullopt if it is not a well-formed header whose definite length
/// fits in `data`.
std::optional<DerHeader> read_der_header(BytesView data, std::size_t offset) noexcept;

/// The DER OID content bytes of 1.2.840.113549.1.7.1 (pkcs7-data), .7.2 (signedData).
inline constexpr std::uint8_t kOidPkcs7Data[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01};
inline constexpr std::uint8_t kOidPkcs7SignedData[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
                                                      0x0D, 0x01, 0x07, 0x02};

/// True if the OBJECT IDENTIFIER element at `offset` has content `oid`.
bool der_oid_at(BytesView data, std::size_t offset, BytesView oid) noexcept;

}  // namespace smimekit::detail
