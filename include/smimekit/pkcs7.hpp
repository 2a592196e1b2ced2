// SPDX-License-Identifier: Apache-2.0
// PKCS#7 / CMS "certs-only" bundles (.p7b, .p7c; RFC 8551 section 3.6): a SignedData with no
// content and no signers, used to carry a set of certificates.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"

#include <vector>

namespace smimekit {

/// The certificates of a DER or BER PKCS#7/CMS SignedData (signers and content are ignored).
/// Throws Error{Malformed} if `der` is not a SignedData.
std::vector<Certificate> decode_certs_only(BytesView der);

/// A DER certs-only SignedData holding `certificates` in order.
Bytes encode_certs_only(const std::vector<Certificate>& certificates);

}  // namespace smimekit
