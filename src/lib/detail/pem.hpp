// SPDX-License-Identifier: Apache-2.0
// A small exact PEM (RFC 7468) block reader: labels, optional RFC 1421 headers, base64 body.
// Ours rather than OpenSSL's PEM_read_* so that one pass finds every block of a bundle, errors
// can name the block, and decoding costs a fraction of a d2i.
#pragma once

#include "smimekit/bytes.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace smimekit::detail {

struct PemBlock {
    std::string label;      ///< "CERTIFICATE", "PRIVATE KEY", ...
    bool has_headers = false;  ///< RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED"
    Bytes der;              ///< the decoded body (empty when has_headers: left to OpenSSL)
    std::string_view text;  ///< the whole block, BEGIN to END line, inside the input
    std::size_t index = 0;  ///< 1-based position among the blocks of the input
};

/// True if `bytes` contains a PEM BEGIN line near its start (after optional text/whitespace).
bool looks_like_pem(BytesView bytes) noexcept;

/// Every block in `text`, in order. Text outside blocks is ignored (openssl writes "Bag
/// Attributes" and "subject=" lines before blocks). Throws Error{Malformed} naming the block
/// for a missing END line or a body that is not base64.
std::vector<PemBlock> parse_pem(std::string_view text);

/// "-----BEGIN <label>-----\n" + base64 in 64-column lines + "-----END <label>-----\n".
std::string pem_encode(std::string_view label, BytesView der);

}  // namespace smimekit::detail
