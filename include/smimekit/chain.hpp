// SPDX-License-Identifier: Apache-2.0
// Trust chains: building every candidate path from a leaf to the anchors the caller names,
// validating one for S/MIME at a given time, and saying precisely what is missing or wrong.
#pragma once

#include "smimekit/certificate.hpp"
#include "smimekit/crl.hpp"
#include "smimekit/store.hpp"
#include "smimekit/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// What the leaf must be fit for, beyond path validation.
enum class Purpose {
    Any,           ///< path validation only
    SmimeSign,     ///< RFC 8550 4.4: emailProtection EKU (or none), digitalSignature or nonRepudiation
    SmimeEncrypt,  ///< RFC 8550 4.4.2: emailProtection EKU (or none), keyEncipherment (RSA) or keyAgreement (EC)
};

/// "any", "smime-sign", "smime-encrypt" (the CLI's spelling).
std::string_view purpose_name(Purpose purpose) noexcept;

enum class CrlCheck {
    Supplied,  ///< check every certificate whose issuer's CRL was supplied
    All,       ///< also fail certificates whose issuer's CRL is missing (the anchor excepted)
};

struct VerifyOptions {
    TimePoint time;
    Purpose purpose = Purpose::Any;
    /// Extended key usages the leaf must allow, as dotted OIDs (a leaf without the EKU
    /// extension allows every purpose, RFC 5280 section 4.2.1.12).
    std::vector<std::string> required_ekus;
    /// An address the leaf must carry (SAN rfc822Name; subject emailAddress only when the SAN
    /// has no rfc822Name), local part exact, domain case-insensitive.
    std::optional<std::string> email;
    /// The most intermediate CA certificates a path may have (leaf and anchor not counted), as
    /// OpenSSL's -verify_depth.
    std::optional<int> max_depth;
    std::vector<Crl> crls;
    CrlCheck crl_check = CrlCheck::Supplied;
};

/// One reason a path is not valid.
struct ChainProblem {
    /// Stable, for scripts: "expired", "not-yet-valid", "bad-signature", "path-length",
    /// "not-a-ca", "ca-key-usage", "name-constraints", "revoked", "crl-expired",
    /// "crl-not-yet-valid", "crl-missing", "crl-bad-signature", "unknown-critical-extension",
    /// "max-depth", "policy", "untrusted-root", "missing-issuer", "no-email-protection-eku",
    /// "ca-eku", "key-usage-sign", "key-usage-encrypt", "key-type-encrypt", "eku-missing",
    /// "email-mismatch", "other". docs/json.md lists them with their meaning.
    std::string code;
    std::string message;  ///< one line for people, naming the certificate
    int depth = -1;       ///< 0 for the leaf, 1 for its issuer, ...; -1 for the path as a whole
};

/// The certificate that would continue a path that reached no anchor.
struct MissingIssuer {
    std::string issuer;                        ///< the subject name it must have
    std::optional<Bytes> key_id;               ///< the authority key identifier it must match
    std::vector<std::string> ca_issuers_urls;  ///< AIA caIssuers of the certificate needing it
    std::string needed_by;                     ///< subject of that certificate
};

/// Candidate paths from a leaf to an anchor.
struct ChainBuild {
    /// Each path runs from the leaf to an anchor (inclusive), most promising first: every
    /// certificate valid at the time, then fewer certificates.
    std::vector<std::vector<Certificate>> paths;
    /// When no path reaches an anchor: the longest path found, and what it lacks.
    std::vector<Certificate> partial;
    std::optional<MissingIssuer> missing;
    /// The partial path ends at a self-signed certificate that is not an anchor.
    bool ends_at_untrusted_root = false;
    /// What the builder had to skip or stop ("a certificate named like the issuer has another
    /// key", "stopped after exploring 10000 candidates").
    std::vector<std::string> notes;
};

/**
 * Builds every path from `leaf` to a certificate of `anchors`, through `pool`. Issuers are
 * matched by name and key identifier and must have signed the certificate below them; a path
 * never holds a certificate twice (cross-certificate loops end); branching and depth are
 * bounded, so hostile pools cannot make it hang or exhaust memory. Anchors are never implied:
 * a self-signed certificate in `pool` is not trusted. `time` only orders the paths.
 */
ChainBuild build_chain(const Certificate& leaf, const Store& pool, const Store& anchors,
                       TimePoint time);

enum class ChainStatus {
    Valid,       ///< a path reaches an anchor and passes every check
    Invalid,     ///< paths reach an anchor but none passes (problems say why)
    Incomplete,  ///< no path reaches an anchor (missing says what is needed)
};

std::string_view chain_status_name(ChainStatus status) noexcept;

struct ChainResult {
    ChainStatus status = ChainStatus::Incomplete;
    /// The chosen path (leaf first, anchor last): the first valid one, else the most
    /// promising; for an incomplete result, the longest partial path.
    std::vector<Certificate> chain;
    /// Every problem of the chosen path (all of them, not only the first).
    std::vector<ChainProblem> problems;
    std::optional<MissingIssuer> missing;
    std::size_t candidate_paths = 0;
    std::vector<std::string> notes;

    [[nodiscard]] bool valid() const noexcept { return status == ChainStatus::Valid; }
    /// The CA certificates of the chain (all but the leaf).
    [[nodiscard]] std::vector<Certificate> ca_certificates() const;
};

/**
 * Validates exactly `path` (leaf first, trust anchor last) with OpenSSL: validity at
 * options.time, signatures, basic constraints and path length, max depth, name constraints
 * (e-mail forms included), policy constraints, CRLs. Then the S/MIME rules of `options`
 * (purpose, EKUs, address) on top, because OpenSSL's smimeencrypt purpose wrongly rejects EC
 * certificates with keyAgreement. Returns every problem found; empty means valid.
 */
std::vector<ChainProblem> validate_path(const std::vector<Certificate>& path,
                                        const VerifyOptions& options);

/// The S/MIME rules alone (purpose, EKUs, address, CA EKUs), for the second validator too.
std::vector<ChainProblem> check_smime_rules(const std::vector<Certificate>& path,
                                            const VerifyOptions& options);

/// build_chain, then validate_path on each candidate until one passes.
ChainResult verify_chain(const Certificate& leaf, const Store& pool, const Store& anchors,
                         const VerifyOptions& options);

/// The OID for an EKU given by name ("emailProtection", "clientAuth", "codeSigning", ...) or
/// as a dotted OID. Throws Error{InvalidArgument} for an unknown name.
std::string eku_oid(std::string_view name_or_oid);

}  // namespace smimekit
