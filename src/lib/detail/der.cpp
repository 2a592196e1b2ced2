// SPDX-License-Identifier: Apache-2.0
// Outer-shape DER/BER reading (X.690 section 8.1): identifier, length octets, nothing more.
#include "detail/der.hpp"

#include <algorithm>

namespace smimekit::detail {

std::optional<DerHeader> read_der_header(BytesView data, std::size_t offset) noexcept {
    if (offset >= data.size() || data.size() - offset < 2) {
        return std::nullopt;
    }
    DerHeader header;
    header.tag = data[offset];
    if ((header.tag & 0x1FU) == 0x1FU) {
        return std::nullopt;  // high tag numbers never appear in the structures we look at
    }
    const std::uint8_t first = data[offset + 1];
    std::size_t pos = offset + 2;
    if (first < 0x80U) {
        header.length = first;
    } else if (first == 0x80U) {
        header.indefinite = true;
    } else {
        const std::size_t count = first & 0x7FU;
        if (count > sizeof(std::size_t) || count > 4 || data.size() - pos < count) {
            return std::nullopt;
        }
        std::size_t length = 0;
        for (std::size_t i = 0; i < count; ++i) {
            length = (length << 8U) | data[pos + i];
        }
        pos += count;
        header.length = length;
    }
    header.header_size = pos - offset;
    if (!header.indefinite && header.length > data.size() - pos) {
        return std::nullopt;
    }
    return header;
}

bool der_oid_at(BytesView data, std::size_t offset, BytesView oid) noexcept {
    const auto header = read_der_header(data, offset);
    if (!header || header->tag != 0x06 || header->length != oid.size()) {
        return false;
    }
    const auto content = data.subspan(offset + header->header_size, header->length);
    return std::equal(content.begin(), content.end(), oid.begin(), oid.end());
}

}  // namespace smimekit::detail
