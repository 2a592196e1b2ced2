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
#include <utility>
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

/**
 * The two path validators (ARCHITECTURE.md, "Two validators, one verdict"). OpenSSL 3 decides;
 * Botan 2 gives an independent second opinion on the same path. Both judge exactly the path
 * build_chain found, and the same rules of ours apply on top of both: the S/MIME rules
 * (check_smime_rules) and max_depth.
 */
enum class Engine {
    OpenSsl,
    Botan,
};

/// "openssl", "botan" (the CLI's spelling).
std::string_view engine_name(Engine engine) noexcept;

/// Which engines verify_chain runs.
enum class EngineChoice {
    OpenSsl,  ///< OpenSSL alone: no Botan code runs at all
    Botan,    ///< Botan alone decides (paths are still built by us)
    Both,     ///< OpenSSL decides; Botan validates the path it chose (ChainResult::second_opinion)
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
    /// The engines verify_chain runs.
    EngineChoice engines = EngineChoice::OpenSsl;
    /// With EngineChoice::Both: whose verdict stands when the engines disagree in a way no
    /// known limit explains. None: such a result is not accepted (ChainResult::accepted).
    std::optional<Engine> trust_engine;
};

/// One reason a path is not valid.
struct ChainProblem {
    /// Stable, for scripts: "expired", "not-yet-valid", "bad-signature", "path-length",
    /// "not-a-ca", "ca-key-usage", "name-constraints", "revoked", "crl-expired",
    /// "crl-not-yet-valid", "crl-missing", "crl-bad-signature", "unknown-critical-extension",
    /// "max-depth", "policy", "untrusted-root", "missing-issuer", "no-email-protection-eku",
    /// "ca-eku", "key-usage-sign", "key-usage-encrypt", "key-type-encrypt", "eku-missing",
    /// "email-mismatch", "crl-scope", "weak-hash", "weak-key", "malformed", "other".
    /// docs/json.md lists them with their meaning.
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

/// How the verdicts of the two engines on one path relate.
enum class EngineAgreement {
    Agree,             ///< the same verdict (both valid, or both not, perhaps for other reasons)
    BotanLimit,        ///< different verdicts, every difference explained by a known Botan 2 limit
    PolicyDifference,  ///< different verdicts, explained by Botan's stricter default policy only
    Disagree,          ///< different verdicts that nothing known explains: one engine is wrong
};

/// "agree", "botan-limit", "policy-difference", "disagree".
std::string_view agreement_name(EngineAgreement agreement) noexcept;

/// A problem that one engine reports and the other does not, with what explains it.
struct KnownDifference {
    Engine reported_by = Engine::Botan;
    ChainProblem problem;
    EngineAgreement kind = EngineAgreement::BotanLimit;  ///< BotanLimit or PolicyDifference
    /// Stable, for scripts: "botan-email-name-constraints", "botan-partial-chain",
    /// "botan-rsa-pss-key", "botan-crl-idp", "botan-sha1-policy", "botan-key-strength-policy"
    /// (docs/json.md).
    std::string code;
    std::string reason;  ///< one line: what Botan 2 does and why it is not a second verdict
};

struct EngineComparison {
    EngineAgreement agreement = EngineAgreement::Agree;
    /// Every problem of either engine whose code the other engine did not report and that a
    /// known limit or policy explains, also when the verdicts agree, so that a reader knows
    /// which reasons to discount.
    std::vector<KnownDifference> known;
    /// The problems, of either engine, whose code the other did not report and that nothing
    /// explains. Not empty when agreement is Disagree.
    std::vector<std::pair<Engine, ChainProblem>> unexplained;
};

/**
 * Classifies the difference between OpenSSL's and Botan's problems on the same `path` (leaf
 * first, anchor last), as validate_path returned them. Problems are matched by code (the
 * engines may file one fault at different depths). The known differences, each checked against
 * the edge corpus (certs-test/edge/):
 *  - botan-email-name-constraints (limit): Botan 2 cannot evaluate rfc822Name constraints. A
 *    CA with critical e-mail name constraints makes it reject every certificate below, valid
 *    or not; non-critical ones it ignores, so it misses violations OpenSSL finds.
 *  - botan-partial-chain (limit): Botan 2 trusts only self-signed anchors; a trusted
 *    intermediate gives "untrusted-root".
 *  - botan-rsa-pss-key (limit): Botan 2 cannot decode a certificate whose key is an RSA-PSS
 *    key ("Algorithm identifier mismatch"): "malformed". RSA-PSS signatures it verifies.
 *  - botan-crl-idp (limit): Botan 2 wants a CRL's issuingDistributionPoint to equal the
 *    certificate's CRL distribution point, so it rejects the usual CRL without one for a
 *    certificate with one (RFC 5280 5.2.5: such a CRL covers every certificate of its issuer).
 *  - botan-sha1-policy, botan-key-strength-policy (policy): Botan's default minimum strength
 *    (110 bits) rejects SHA-1 signatures below the anchor and signatures by keys weaker than
 *    RSA-2048 or P-224, which OpenSSL accepts at its default level.
 * Botan 2 has no e-mail key purpose either; that is no difference, because validate_path asks
 * neither engine for a purpose and applies our S/MIME rules to both.
 */
EngineComparison compare_engines(const std::vector<Certificate>& path,
                                 const std::vector<ChainProblem>& openssl,
                                 const std::vector<ChainProblem>& botan);

/// The second engine's verdict on the path the first one chose (EngineChoice::Both).
struct SecondOpinion {
    Engine engine = Engine::Botan;
    /// Its problems on ChainResult::chain (our rules included); empty means valid.
    std::vector<ChainProblem> problems;
    EngineComparison comparison;
    /// VerifyOptions::trust_engine, which settles an unexplained disagreement.
    std::optional<Engine> trust_engine;
};

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

    /// The engine whose verdict `status` and `problems` are.
    Engine engine = Engine::OpenSsl;
    /// Botan's verdict on `chain` with EngineChoice::Both, when a path reached an anchor.
    std::optional<SecondOpinion> second_opinion;

    [[nodiscard]] bool valid() const noexcept { return status == ChainStatus::Valid; }
    /**
     * The verdict to act on (the CLI's exit code): valid(), except that with a second opinion
     * an unexplained disagreement fails, unless trust_engine names the engine whose verdict
     * then stands. A difference a known Botan limit or policy explains changes nothing.
     */
    [[nodiscard]] bool accepted() const noexcept;
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

/**
 * validate_path with the given engine; Engine::OpenSsl is the function above. Engine::Botan
 * runs Botan 2's x509_path_validate over exactly `path`, handed over as DER: the leaf and the
 * intermediates to validate, and an in-memory store holding only the anchor (Botan's store is
 * a linear search and its path building has no work bound: it never sees the pool) and
 * options.crls, at options.time, with no hostname and no key usage (Botan 2 has no e-mail
 * purpose), and Botan's default policy (minimum strength 110: see compare_engines). A path of
 * one certificate (a self-signed leaf that is its own anchor, which x509_path_validate refuses
 * outright) goes to Botan's PKIX::check_chain, which judges such paths.
 * CrlCheck::All makes Botan require revocation data for the leaf and the intermediates, as
 * OpenSSL's CRL_CHECK_ALL does. Then max_depth and the S/MIME rules, ours, as for OpenSSL.
 * Botan's statuses map to the codes OpenSSL's mapping uses where they mean the same; a
 * certificate or CRL Botan cannot decode is "malformed", anything else Botan fails on is
 * "other" (no Botan exception escapes). Throws Error{InvalidArgument} for an empty path.
 */
std::vector<ChainProblem> validate_path(const std::vector<Certificate>& path,
                                        const VerifyOptions& options, Engine engine);

/// The S/MIME rules alone (purpose, EKUs, address, CA EKUs), for the second validator too.
std::vector<ChainProblem> check_smime_rules(const std::vector<Certificate>& path,
                                            const VerifyOptions& options);

/**
 * build_chain, then validate_path on each candidate until one passes, with the engine
 * options.engines names (OpenSSL for Both). With EngineChoice::Both, Botan then validates the
 * chosen path (the valid one, else the most promising) and compare_engines relates the two
 * verdicts in second_opinion. Nothing of Botan runs with EngineChoice::OpenSsl.
 */
ChainResult verify_chain(const Certificate& leaf, const Store& pool, const Store& anchors,
                         const VerifyOptions& options);

/// The OID for an EKU given by name ("emailProtection", "clientAuth", "codeSigning", ...) or
/// as a dotted OID. Throws Error{InvalidArgument} for an unknown name.
std::string eku_oid(std::string_view name_or_oid);

}  // namespace smimekit
