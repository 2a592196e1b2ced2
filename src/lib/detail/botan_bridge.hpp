// SPDX-License-Identifier: Apache-2.0
// The door to Botan 2, the second validator: DER bytes in, ChainProblems out. Only
// botan_bridge.cpp includes Botan headers, and no OpenSSL object ever reaches it
// (ARCHITECTURE.md rules 2 and 3), so a move to Botan 3 touches that one file.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/chain.hpp"
#include "smimekit/time.hpp"

#include <string>
#include <vector>

namespace smimekit::detail {

/// One path as Botan gets it.
struct BotanPathInput {
    /// The path, leaf first, trust anchor last, as DER.
    std::vector<Bytes> path;
    /// Each certificate's subject in our RFC 4514 form, for messages (same order as `path`).
    std::vector<std::string> names;
    /// CRLs to put into the trusted store (Botan looks them up there by issuer and key id).
    std::vector<Bytes> crls;
    TimePoint time;
    /// Fail the leaf and the intermediates without a CRL (CrlCheck::All).
    bool require_revocation = false;
};

/**
 * Botan 2's own verdict on exactly `input.path`: x509_path_validate with the leaf and the
 * intermediates as the certificates to validate and an in-memory store holding only the anchor
 * and the CRLs, no hostname, Usage_Type::UNSPECIFIED, and Botan's default minimum strength
 * (110). Statuses map to ChainProblem codes (docs/json.md); Botan's warnings (negative serial,
 * long names) are not problems. No Botan exception escapes: a certificate or CRL Botan cannot
 * decode, or a failure inside Botan, becomes a problem naming it. Throws Error{Internal} only
 * when memory runs out.
 */
std::vector<ChainProblem> botan_validate_path(const BotanPathInput& input);

}  // namespace smimekit::detail
