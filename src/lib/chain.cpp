// SPDX-License-Identifier: Apache-2.0
// Chains: our own path builder over an indexed Store (OpenSSL's builder takes the first issuer
// it finds and cannot tell us what is missing), then OpenSSL validates exactly the path we
// chose, with a verify callback that collects every error instead of stopping at the first.
// Botan 2, the second opinion, judges the same path through detail/botan_bridge (DER only),
// and compare_engines says how the two verdicts relate.
#include "smimekit/chain.hpp"

#include "detail/botan_bridge.hpp"
#include "detail/certificate_impl.hpp"
#include "detail/crl_impl.hpp"

#include <openssl/objects.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <set>

namespace smimekit {
namespace {

// Bounds that keep hostile pools harmless. Real S/MIME chains have 2 to 5 certificates and a
// few candidate issuers per level; these leave room for cross-signing without exploding.
constexpr std::size_t kMaxPathCertificates = 16;
constexpr std::size_t kMaxSteps = 20'000;
constexpr std::size_t kMaxPaths = 32;

constexpr std::string_view kOidEmailProtection = "1.3.6.1.5.5.7.3.4";
constexpr std::string_view kOidAnyExtendedKeyUsage = "2.5.29.37.0";

std::string who(const Certificate& certificate) {
    return in_quotes(certificate.subject());
}

bool same_name_and_key(const Certificate& a, const Certificate& b) {
    return a.subject_der() == b.subject_der() && a.public_key_der() == b.public_key_der();
}

// True if `issuer`'s key verifies the signature on `child`.
bool signed_by(const Certificate& child, const Certificate& issuer) {
    EVP_PKEY* const key = ::X509_get0_pubkey(detail::x509_of(issuer));  // get0: borrowed
    const bool ok = key != nullptr && ::X509_verify(detail::x509_of(child), key) == 1;
    detail::clear_error_queue();
    return ok;
}

std::string hex_id(const std::optional<Bytes>& id) {
    return id ? to_hex(*id, ':') : std::string("none");
}

// ---- building ------------------------------------------------------------------------------

class PathBuilder {
public:
    PathBuilder(const Store& pool, const Store& anchors, TimePoint time)
        : m_pool(pool), m_anchors(anchors), m_time(time) {}

    ChainBuild build(const Certificate& leaf) {
        m_path.push_back(leaf);
        extend();
        // Most promising first: every certificate valid at the time, then shorter.
        std::stable_sort(m_result.paths.begin(), m_result.paths.end(),
                         [this](const auto& a, const auto& b) {
                             return std::make_pair(invalid_count(a), a.size()) <
                                    std::make_pair(invalid_count(b), b.size());
                         });
        if (!m_result.paths.empty()) {
            m_result.partial.clear();
            m_result.missing.reset();
            m_result.ends_at_untrusted_root = false;
        }
        m_result.notes.assign(m_notes.begin(), m_notes.end());
        if (m_decoys.size() > 3) {
            m_result.notes.push_back("and " + std::to_string(m_decoys.size() - 3) +
                                     " more certificates named like an issuer did not sign");
        }
        return std::move(m_result);
    }

private:
    std::size_t invalid_count(const std::vector<Certificate>& path) const {
        return static_cast<std::size_t>(std::count_if(
            path.begin(), path.end(), [this](const Certificate& c) { return !c.is_valid_at(m_time); }));
    }

    bool in_path(const Certificate& candidate) const {
        return std::any_of(m_path.begin(), m_path.end(),
                           [&](const Certificate& c) { return same_name_and_key(c, candidate); });
    }

    std::vector<Certificate> candidates_for(const Certificate& certificate) const {
        std::vector<Certificate> candidates = m_anchors.issuer_candidates(certificate);
        for (Certificate& candidate : m_pool.issuer_candidates(certificate)) {
            if (!m_anchors.contains(candidate)) {
                candidates.push_back(std::move(candidate));
            }
        }
        return candidates;
    }

    void extend() {
        const Certificate current = m_path.back();
        if (m_anchors.contains(current)) {
            m_result.paths.push_back(m_path);
            return;
        }
        if (m_result.paths.size() >= kMaxPaths || m_stopped) {
            return;
        }
        bool extended = false;
        if (m_path.size() < kMaxPathCertificates) {
            const std::vector<Certificate> candidates = candidates_for(current);
            for (const Certificate& candidate : candidates) {
                if (++m_steps > kMaxSteps) {
                    m_stopped = true;
                    m_notes.insert("stopped after exploring " + std::to_string(kMaxSteps) +
                                   " candidate issuers (a pathological pool?)");
                    break;
                }
                if (in_path(candidate)) {
                    // A loop of cross-certificates: this path ends here.
                    m_notes.insert(who(current) + " is issued by " + who(candidate) +
                                   ", which is already in the path: the issuers form a loop");
                    continue;
                }
                if (!plainly_the_issuer(current, candidate, candidates) &&
                    !signed_by(current, candidate)) {
                    note_decoy(current, candidate);
                    continue;
                }
                m_path.push_back(candidate);
                extend();
                m_path.pop_back();
                extended = true;
            }
        } else {
            m_notes.insert("paths longer than " + std::to_string(kMaxPathCertificates) +
                           " certificates are not followed");
        }
        if (!extended) {
            dead_end(current);
        }
    }

    // The signature decides between look-alikes. When the candidate is the only one whose
    // subject key id equals the certificate's authority key id, there is nothing to decide,
    // and checking the signature here would only repeat what the validator does on the chosen
    // path (an ECDSA verification costs ~90 us, the bulk of a chain's time).
    static bool plainly_the_issuer(const Certificate& child, const Certificate& candidate,
                                   const std::vector<Certificate>& candidates) {
        const auto authority_key = child.authority_key_id();
        if (!authority_key || candidate.subject_key_id() != authority_key) {
            return false;
        }
        return std::count_if(candidates.begin(), candidates.end(), [&](const Certificate& c) {
                   return c.subject_key_id() == authority_key;
               }) == 1;
    }

    // A certificate named like the issuer whose key did not sign: say so for the first few
    // (usually the one that matters), count the rest.
    void note_decoy(const Certificate& current, const Certificate& candidate) {
        constexpr std::size_t kShown = 3;
        if (m_decoys.insert(candidate.thumbprint()).second && m_decoys.size() <= kShown) {
            m_notes.insert("a certificate named " + who(candidate) + " (SHA-1 " +
                           candidate.thumbprint() + ", issued by " + in_quotes(candidate.issuer()) +
                           ") did not sign " + who(current) + ": another key under the same name");
        }
    }

    void dead_end(const Certificate& current) {
        if (m_path.size() <= m_result.partial.size()) {
            return;
        }
        m_result.partial = m_path;
        m_result.ends_at_untrusted_root = current.is_self_issued() && signed_by(current, current);
        if (m_result.ends_at_untrusted_root) {
            m_result.missing.reset();
            return;
        }
        m_result.missing = MissingIssuer{current.issuer(), current.authority_key_id(),
                                         current.ca_issuers_urls(), current.subject()};
    }

    const Store& m_pool;
    const Store& m_anchors;
    TimePoint m_time;
    std::vector<Certificate> m_path;
    ChainBuild m_result;
    std::set<std::string> m_notes;
    std::set<std::string> m_decoys;  // thumbprints
    std::size_t m_steps = 0;
    bool m_stopped = false;
};

// ---- OpenSSL validation ----------------------------------------------------------------

std::string_view code_for(int error) {
    switch (error) {
        case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID: return "not-yet-valid";
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
        case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: return "bad-signature";
        case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "path-length";
        case X509_V_ERR_INVALID_CA: return "not-a-ca";
        case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "ca-key-usage";
        case X509_V_ERR_PERMITTED_VIOLATION:
        case X509_V_ERR_EXCLUDED_VIOLATION:
        case X509_V_ERR_SUBTREE_MINMAX:
        case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
        case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
        case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX: return "name-constraints";
        case X509_V_ERR_CERT_REVOKED: return "revoked";
        case X509_V_ERR_CRL_HAS_EXPIRED: return "crl-expired";
        case X509_V_ERR_CRL_NOT_YET_VALID: return "crl-not-yet-valid";
        case X509_V_ERR_UNABLE_TO_GET_CRL: return "crl-missing";
        case X509_V_ERR_CRL_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE: return "crl-bad-signature";
        case X509_V_ERR_DIFFERENT_CRL_SCOPE: return "crl-scope";
        // Only at a security level above OpenSSL's default, which we never set; named as
        // Botan's policy rejections are, so that the two read alike.
        case X509_V_ERR_CA_MD_TOO_WEAK: return "weak-hash";
        case X509_V_ERR_CA_KEY_TOO_SMALL:
        case X509_V_ERR_EE_KEY_TOO_SMALL: return "weak-key";
        case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
        case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION: return "unknown-critical-extension";
        case X509_V_ERR_CERT_CHAIN_TOO_LONG: return "max-depth";
        case X509_V_ERR_NO_EXPLICIT_POLICY:
        case X509_V_ERR_INVALID_POLICY_EXTENSION: return "policy";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_CERT_UNTRUSTED: return "untrusted-root";
        default: return "other";
    }
}

std::string message_for(int error, X509* certificate) {
    const std::string subject = certificate != nullptr
                                    ? in_quotes(detail::name_text(::X509_get_subject_name(certificate)))
                                    : std::string("the chain");
    switch (error) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return subject + " expired on " +
                   format_rfc3339(from_unix_seconds(
                       detail::asn1_time_to_unix(::X509_get0_notAfter(certificate))));
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return subject + " is not valid before " +
                   format_rfc3339(from_unix_seconds(
                       detail::asn1_time_to_unix(::X509_get0_notBefore(certificate))));
        default:
            return subject + ": " + ::X509_verify_cert_error_string(error);
    }
}

struct Collector {
    std::vector<ChainProblem> problems;
    CrlCheck crl_check = CrlCheck::Supplied;
};

// X509_STORE_CTX verify callback: record the error and go on, so that the result lists every
// problem of the path (expired AND revoked AND ...), not only the first one OpenSSL meets.
extern "C" int collect_errors(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) {
        return 1;
    }
    auto* collector = static_cast<Collector*>(::X509_STORE_CTX_get_app_data(ctx));
    const int error = ::X509_STORE_CTX_get_error(ctx);
    if (error == X509_V_ERR_UNABLE_TO_GET_CRL && collector->crl_check == CrlCheck::Supplied) {
        return 1;  // only certificates whose issuer's CRL was supplied are checked
    }
    const int depth = ::X509_STORE_CTX_get_error_depth(ctx);
    X509* const certificate = ::X509_STORE_CTX_get_current_cert(ctx);  // get0: borrowed
    try {
        const std::string code(code_for(error));
        const bool seen = std::any_of(collector->problems.begin(), collector->problems.end(),
                                      [&](const ChainProblem& p) { return p.code == code && p.depth == depth; });
        if (!seen) {
            collector->problems.push_back({code, message_for(error, certificate), depth});
        }
    } catch (...) {
        return 0;  // out of memory: stop; no exception may cross OpenSSL's C frames
    }
    return 1;
}

std::vector<ChainProblem> openssl_problems(const std::vector<Certificate>& path,
                                           const VerifyOptions& options) {
    const detail::X509StorePtr store(::X509_STORE_new());
    detail::ossl_check(store != nullptr, Errc::Internal, "out of memory");
    // The anchor alone: a store of one certificate costs nothing to build, and OpenSSL then
    // validates exactly our path.
    detail::ossl_check(::X509_STORE_add_cert(store.get(), detail::x509_of(path.back())) == 1,
                       Errc::Internal, "cannot add the trust anchor");
    for (const Crl& crl : options.crls) {
        ::X509_STORE_add_crl(store.get(), crl.impl().crl());  // set1: adds a reference
    }
    detail::X509StackPtr untrusted(sk_X509_new_null());
    detail::ossl_check(untrusted != nullptr, Errc::Internal, "out of memory");
    for (std::size_t i = 1; i + 1 < path.size(); ++i) {
        detail::X509Ptr reference = detail::x509_ref(path[i]);
        detail::ossl_check(sk_X509_push(untrusted.get(), reference.get()) > 0, Errc::Internal,
                           "out of memory");
        reference.release();  // the stack owns it now
    }

    const detail::X509StoreCtxPtr ctx(::X509_STORE_CTX_new());
    detail::ossl_check(ctx != nullptr &&
                           ::X509_STORE_CTX_init(ctx.get(), store.get(),
                                                 detail::x509_of(path.front()), untrusted.get()) == 1,
                       Errc::Internal, "cannot set up path validation");
    X509_VERIFY_PARAM* const param = ::X509_STORE_CTX_get0_param(ctx.get());  // get0: borrowed
    ::X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(to_unix_seconds(options.time)));
    // PARTIAL_CHAIN: an anchor may be an intermediate the user chose to trust.
    unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_POLICY_CHECK;
    if (!options.crls.empty() || options.crl_check == CrlCheck::All) {
        flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    }
    ::X509_VERIFY_PARAM_set_flags(param, flags);
    if (options.max_depth) {
        ::X509_VERIFY_PARAM_set_depth(param, *options.max_depth);
    }
    Collector collector;
    collector.crl_check = options.crl_check;
    ::X509_STORE_CTX_set_app_data(ctx.get(), &collector);
    ::X509_STORE_CTX_set_verify_cb(ctx.get(), collect_errors);
    const int verdict = ::X509_verify_cert(ctx.get());
    if (verdict != 1 && collector.problems.empty()) {
        const int error = ::X509_STORE_CTX_get_error(ctx.get());
        collector.problems.push_back(
            {std::string(code_for(error)), message_for(error, ::X509_STORE_CTX_get_current_cert(ctx.get())),
             ::X509_STORE_CTX_get_error_depth(ctx.get())});
    }
    detail::clear_error_queue();
    return std::move(collector.problems);
}

// ---- S/MIME rules ---------------------------------------------------------------------

bool allows_email_protection(const std::optional<ExtendedKeyUsage>& eku) {
    return !eku || eku->contains(kOidEmailProtection) || eku->contains(kOidAnyExtendedKeyUsage);
}

std::string address_list(const std::vector<std::string>& addresses) {
    std::string text;
    for (const std::string& address : addresses) {
        text += (text.empty() ? "" : ", ") + address;
    }
    return text.empty() ? "none" : text;
}

// ---- the second engine ----------------------------------------------------------------

std::vector<ChainProblem> botan_problems(const std::vector<Certificate>& path,
                                         const VerifyOptions& options) {
    detail::BotanPathInput input;
    input.time = options.time;
    input.require_revocation = options.crl_check == CrlCheck::All;
    for (const Certificate& certificate : path) {
        input.path.push_back(certificate.der());
        input.names.push_back(certificate.subject());
    }
    for (const Crl& crl : options.crls) {
        input.crls.push_back(crl.der());
    }
    std::vector<ChainProblem> problems = detail::botan_validate_path(input);
    // Botan has no depth limit; this one is the caller's, applied as OpenSSL's -verify_depth
    // does, which names the first certificate beyond the limit.
    const std::size_t intermediates = path.size() > 2 ? path.size() - 2 : 0;
    if (options.max_depth && intermediates > static_cast<std::size_t>(*options.max_depth)) {
        const int depth = *options.max_depth + 1;
        problems.push_back({"max-depth",
                            who(path[static_cast<std::size_t>(depth)]) + ": more than " +
                                std::to_string(*options.max_depth) + " intermediate CAs",
                            depth});
    }
    return problems;
}

/// Whether a certificate constrains e-mail addresses (rfc822Name subtrees, RFC 5280 4.2.1.10).
struct EmailConstraints {
    bool present = false;
    bool critical = false;
};

EmailConstraints email_constraints(const Certificate& certificate) {
    int critical = -1;
    using NameConstraintsPtr = detail::Owned<NAME_CONSTRAINTS, &::NAME_CONSTRAINTS_free>;
    const NameConstraintsPtr constraints(static_cast<NAME_CONSTRAINTS*>(::X509_get_ext_d2i(
        detail::x509_of(certificate), NID_name_constraints, &critical, nullptr)));
    detail::clear_error_queue();
    EmailConstraints result;
    if (!constraints) {
        return result;
    }
    for (STACK_OF(GENERAL_SUBTREE) * subtrees :
         {constraints->permittedSubtrees, constraints->excludedSubtrees}) {
        for (int i = 0; i < sk_GENERAL_SUBTREE_num(subtrees); ++i) {
            const GENERAL_SUBTREE* subtree =
                sk_GENERAL_SUBTREE_value(subtrees, i);  // get0: borrowed
            result.present = result.present || subtree->base->type == GEN_EMAIL;
        }
    }
    result.critical = critical == 1;
    return result;
}

// Botan 2's estimated strength is below its default minimum of 110 bits: RSA and DSA under
// 2048 bits, elliptic curves under 224 bits (x509path.h, Path_Validation_Restrictions).
bool weaker_than_botan_minimum(const PublicKeyInfo& key) {
    switch (key.algorithm) {
        case KeyAlgorithm::Rsa:
        case KeyAlgorithm::RsaPss:
        case KeyAlgorithm::Dsa:
            return key.bits < 2048;
        case KeyAlgorithm::Ec:
            return key.bits < 224;
        case KeyAlgorithm::Ed25519:
        case KeyAlgorithm::Ed448:
        case KeyAlgorithm::Other:
            return false;
    }
    return false;
}

/// What explains `problem`, which `engine` reported and the other did not; nullopt if nothing.
std::optional<KnownDifference> explain(const std::vector<Certificate>& path, Engine engine,
                                       const ChainProblem& problem) {
    const auto at = [&](int depth) -> const Certificate* {
        return depth >= 0 && static_cast<std::size_t>(depth) < path.size()
                   ? &path[static_cast<std::size_t>(depth)]
                   : nullptr;
    };
    // A CA above `depth` (any CA of the path when depth is -1) with e-mail name constraints
    // whose criticality is `critical`.
    const auto email_constrained_above = [&](int depth, bool critical) {
        for (std::size_t i = static_cast<std::size_t>(std::max(depth, 0)) + 1; i < path.size();
             ++i) {
            const EmailConstraints constraints = email_constraints(path[i]);
            if (constraints.present && constraints.critical == critical) {
                return true;
            }
        }
        return false;
    };
    const auto known = [&](EngineAgreement kind, std::string code, std::string reason) {
        return KnownDifference{engine, problem, kind, std::move(code), std::move(reason)};
    };
    if (engine == Engine::Botan) {
        if (problem.code == "name-constraints" && email_constrained_above(problem.depth, true)) {
            return known(EngineAgreement::BotanLimit, "botan-email-name-constraints",
                         "Botan 2 cannot evaluate e-mail (rfc822Name) name constraints and rejects "
                         "every certificate under a CA with critical ones");
        }
        if (problem.code == "untrusted-root" && !path.empty() &&
            !(path.back().is_self_issued() && signed_by(path.back(), path.back()))) {
            return known(EngineAgreement::BotanLimit, "botan-partial-chain",
                         "Botan 2 trusts only self-signed anchors; " + who(path.back()) +
                             " is not self-signed");
        }
        const Certificate* const certificate = at(problem.depth);
        if (problem.code == "malformed" && certificate != nullptr &&
            certificate->public_key().algorithm == KeyAlgorithm::RsaPss) {
            return known(EngineAgreement::BotanLimit, "botan-rsa-pss-key",
                         "Botan 2 cannot decode a certificate whose key is an RSA-PSS "
                         "(id-RSASSA-PSS) key; RSA-PSS signatures by RSA keys it verifies");
        }
        if (problem.code == "crl-scope" && certificate != nullptr &&
            !certificate->crl_urls().empty()) {
            return known(EngineAgreement::BotanLimit, "botan-crl-idp",
                         "Botan 2 wants the CRL's issuingDistributionPoint to equal the "
                         "certificate's CRL distribution point; a CRL without one covers every "
                         "certificate of its issuer (RFC 5280 section 5.2.5)");
        }
        if (problem.code == "weak-hash" && certificate != nullptr &&
            (certificate->signature_digest() == "SHA1" ||
             certificate->signature_digest() == "MD5")) {
            return known(EngineAgreement::PolicyDifference, "botan-sha1-policy",
                         "Botan's default policy (strength 110) does not trust " +
                             certificate->signature_digest() +
                             " signatures; OpenSSL accepts them at its default level");
        }
        if (problem.code == "weak-key" && certificate != nullptr) {
            const Certificate& signer =
                at(problem.depth + 1) != nullptr ? *at(problem.depth + 1) : *certificate;
            if (weaker_than_botan_minimum(signer.public_key())) {
                return known(EngineAgreement::PolicyDifference, "botan-key-strength-policy",
                             "Botan's default policy (strength 110) rejects signatures by " +
                                 signer.public_key().name + "-" +
                                 std::to_string(signer.public_key().bits) +
                                 " keys; OpenSSL accepts them at its default level");
            }
        }
        return std::nullopt;
    }
    if (problem.code == "name-constraints" && email_constrained_above(problem.depth, false)) {
        return known(EngineAgreement::BotanLimit, "botan-email-name-constraints",
                     "Botan 2 cannot evaluate e-mail (rfc822Name) name constraints and ignores "
                     "non-critical ones, so it does not see this violation");
    }
    return std::nullopt;
}

}  // namespace

std::string_view purpose_name(Purpose purpose) noexcept {
    switch (purpose) {
        case Purpose::Any: return "any";
        case Purpose::SmimeSign: return "smime-sign";
        case Purpose::SmimeEncrypt: return "smime-encrypt";
    }
    return "any";
}

std::string_view engine_name(Engine engine) noexcept {
    switch (engine) {
        case Engine::OpenSsl:
            return "openssl";
        case Engine::Botan:
            return "botan";
    }
    return "openssl";
}

std::string_view agreement_name(EngineAgreement agreement) noexcept {
    switch (agreement) {
        case EngineAgreement::Agree:
            return "agree";
        case EngineAgreement::BotanLimit:
            return "botan-limit";
        case EngineAgreement::PolicyDifference:
            return "policy-difference";
        case EngineAgreement::Disagree:
            return "disagree";
    }
    return "disagree";
}

std::string_view chain_status_name(ChainStatus status) noexcept {
    switch (status) {
        case ChainStatus::Valid: return "valid";
        case ChainStatus::Invalid: return "invalid";
        case ChainStatus::Incomplete: return "incomplete";
    }
    return "invalid";
}

bool ChainResult::accepted() const noexcept {
    if (!second_opinion || second_opinion->comparison.agreement != EngineAgreement::Disagree) {
        return valid();
    }
    if (!second_opinion->trust_engine) {
        return false;
    }
    return *second_opinion->trust_engine == engine ? valid() : second_opinion->problems.empty();
}

std::vector<Certificate> ChainResult::ca_certificates() const {
    if (chain.size() < 2) {
        return {};
    }
    return {chain.begin() + 1, chain.end()};
}

ChainBuild build_chain(const Certificate& leaf, const Store& pool, const Store& anchors,
                       TimePoint time) {
    return PathBuilder(pool, anchors, time).build(leaf);
}

std::vector<ChainProblem> check_smime_rules(const std::vector<Certificate>& path,
                                            const VerifyOptions& options) {
    std::vector<ChainProblem> problems;
    if (path.empty()) {
        return problems;
    }
    const Certificate& leaf = path.front();
    const auto eku = leaf.extended_key_usage();
    const auto usage = leaf.key_usage();
    if (options.purpose != Purpose::Any) {
        // RFC 8550 section 4.4.4: with an EKU extension, id-kp-emailProtection must be in it.
        if (!allows_email_protection(eku)) {
            problems.push_back({"no-email-protection-eku",
                                who(leaf) + " has an extended key usage without emailProtection", 0});
        }
        // A CA that restricts its EKUs must allow e-mail protection too (as OpenSSL, Windows
        // and NSS require for the purpose); the trust anchor is the user's choice.
        for (std::size_t depth = 1; depth + 1 < path.size(); ++depth) {
            if (!allows_email_protection(path[depth].extended_key_usage())) {
                problems.push_back({"ca-eku",
                                    who(path[depth]) + " restricts its extended key usage and "
                                    "does not allow emailProtection",
                                    static_cast<int>(depth)});
            }
        }
    }
    if (options.purpose == Purpose::SmimeSign && usage && !usage->digital_signature &&
        !usage->non_repudiation) {
        problems.push_back({"key-usage-sign",
                            who(leaf) + " key usage allows neither digitalSignature nor nonRepudiation", 0});
    }
    if (options.purpose == Purpose::SmimeEncrypt) {
        // RFC 8550 section 4.4.2: keyEncipherment for RSA key transport, keyAgreement for
        // (EC)DH. Keys that can only sign cannot receive encrypted mail at all.
        const KeyAlgorithm algorithm = leaf.public_key().algorithm;
        if (algorithm == KeyAlgorithm::Rsa) {
            if (usage && !usage->key_encipherment) {
                problems.push_back({"key-usage-encrypt",
                                    who(leaf) + " is an RSA key without keyEncipherment", 0});
            }
        } else if (algorithm == KeyAlgorithm::Ec) {
            if (usage && !usage->key_agreement) {
                problems.push_back({"key-usage-encrypt",
                                    who(leaf) + " is an EC key without keyAgreement", 0});
            }
        } else {
            problems.push_back({"key-type-encrypt",
                                who(leaf) + " has a " + leaf.public_key().name +
                                    " key, which cannot receive encrypted mail", 0});
        }
    }
    for (const std::string& oid : options.required_ekus) {
        if (eku && !eku->contains(oid) && !eku->contains(kOidAnyExtendedKeyUsage)) {
            problems.push_back({"eku-missing", who(leaf) + " does not allow extended key usage " + oid, 0});
        }
    }
    if (options.email) {
        // RFC 8550 section 3: the address is in the subjectAltName; the subject's
        // emailAddress counts only for certificates without rfc822Name entries.
        std::vector<std::string> addresses = leaf.san_emails();
        if (addresses.empty()) {
            addresses = leaf.subject_emails();
        }
        const bool found = std::any_of(addresses.begin(), addresses.end(), [&](const std::string& a) {
            return email_matches(a, *options.email);
        });
        if (!found) {
            problems.push_back({"email-mismatch",
                                who(leaf) + " does not carry " + *options.email + " (it carries " +
                                    address_list(addresses) + ")",
                                0});
        }
    }
    return problems;
}

std::vector<ChainProblem> validate_path(const std::vector<Certificate>& path,
                                        const VerifyOptions& options) {
    if (path.empty()) {
        throw Error(Errc::InvalidArgument, "an empty path cannot be validated");
    }
    std::vector<ChainProblem> problems = openssl_problems(path, options);
    for (ChainProblem& problem : check_smime_rules(path, options)) {
        problems.push_back(std::move(problem));
    }
    return problems;
}

std::vector<ChainProblem> validate_path(const std::vector<Certificate>& path,
                                        const VerifyOptions& options, Engine engine) {
    if (engine == Engine::OpenSsl) {
        return validate_path(path, options);
    }
    if (path.empty()) {
        throw Error(Errc::InvalidArgument, "an empty path cannot be validated");
    }
    std::vector<ChainProblem> problems = botan_problems(path, options);
    for (ChainProblem& problem : check_smime_rules(path, options)) {
        problems.push_back(std::move(problem));
    }
    return problems;
}

EngineComparison compare_engines(const std::vector<Certificate>& path,
                                 const std::vector<ChainProblem>& openssl,
                                 const std::vector<ChainProblem>& botan) {
    EngineComparison comparison;
    const auto has_code = [](const std::vector<ChainProblem>& problems, const std::string& code) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const ChainProblem& p) { return p.code == code; });
    };
    const auto sort_out = [&](Engine engine, const std::vector<ChainProblem>& mine,
                              const std::vector<ChainProblem>& theirs) {
        for (const ChainProblem& problem : mine) {
            if (has_code(theirs, problem.code)) {
                continue;
            }
            if (auto known = explain(path, engine, problem)) {
                comparison.known.push_back(std::move(*known));
            } else {
                comparison.unexplained.emplace_back(engine, problem);
            }
        }
    };
    sort_out(Engine::OpenSsl, openssl, botan);
    sort_out(Engine::Botan, botan, openssl);
    if (openssl.empty() == botan.empty()) {
        comparison.agreement = EngineAgreement::Agree;
    } else if (!comparison.unexplained.empty()) {
        comparison.agreement = EngineAgreement::Disagree;
    } else {
        const bool limit = std::any_of(
            comparison.known.begin(), comparison.known.end(),
            [](const KnownDifference& k) { return k.kind == EngineAgreement::BotanLimit; });
        comparison.agreement =
            limit ? EngineAgreement::BotanLimit : EngineAgreement::PolicyDifference;
    }
    return comparison;
}

ChainResult verify_chain(const Certificate& leaf, const Store& pool, const Store& anchors,
                         const VerifyOptions& options) {
    ChainBuild built = build_chain(leaf, pool, anchors, options.time);
    ChainResult result;
    result.engine = options.engines == EngineChoice::Botan ? Engine::Botan : Engine::OpenSsl;
    result.candidate_paths = built.paths.size();
    result.notes = std::move(built.notes);
    if (built.paths.empty()) {
        result.status = ChainStatus::Incomplete;
        result.chain = std::move(built.partial);
        const Certificate& last = result.chain.back();
        if (built.ends_at_untrusted_root) {
            result.problems.push_back({"untrusted-root",
                                       who(last) + " is a self-signed certificate that is not among the trust anchors",
                                       static_cast<int>(result.chain.size() - 1)});
        } else if (built.missing) {
            const MissingIssuer& missing = *built.missing;
            std::string message = "no issuer found for " + in_quotes(missing.needed_by) +
                                  ": need a certificate for " + in_quotes(missing.issuer) +
                                  " with key id " + hex_id(missing.key_id);
            if (!missing.ca_issuers_urls.empty()) {
                message += "; it is published at " + missing.ca_issuers_urls.front();
            }
            result.problems.push_back({"missing-issuer", message, static_cast<int>(result.chain.size() - 1)});
            result.missing = std::move(built.missing);
        }
        // What can be judged without an anchor is still worth saying: an expired leaf, a
        // missing EKU.
        if (!leaf.is_valid_at(options.time)) {
            result.problems.push_back({options.time < leaf.not_before() ? "not-yet-valid" : "expired",
                                       who(leaf) + " " + describe_validity(leaf.not_before(), leaf.not_after(), options.time),
                                       0});
        }
        for (ChainProblem& problem : check_smime_rules(result.chain, options)) {
            result.problems.push_back(std::move(problem));
        }
        return result;
    }
    result.status = ChainStatus::Invalid;
    for (std::size_t i = 0; i < built.paths.size(); ++i) {
        std::vector<ChainProblem> problems = validate_path(built.paths[i], options, result.engine);
        if (problems.empty()) {
            result.status = ChainStatus::Valid;
            result.chain = std::move(built.paths[i]);
            result.problems.clear();
            break;
        }
        if (i == 0) {
            result.chain = built.paths[0];
            result.problems = std::move(problems);
        }
    }
    if (options.engines == EngineChoice::Both) {
        SecondOpinion opinion;
        opinion.engine = Engine::Botan;
        opinion.problems = validate_path(result.chain, options, Engine::Botan);
        opinion.comparison = compare_engines(result.chain, result.problems, opinion.problems);
        opinion.trust_engine = options.trust_engine;
        result.second_opinion = std::move(opinion);
    }
    return result;
}

std::string eku_oid(std::string_view name_or_oid) {
    const std::string text(name_or_oid);
    // OBJ_txt2obj accepts OpenSSL's short and long names and dotted OIDs alike.
    const detail::Asn1ObjectPtr object(::OBJ_txt2obj(text.c_str(), 0));
    if (!object) {
        detail::clear_error_queue();
        throw Error(Errc::InvalidArgument, "unknown extended key usage " + in_quotes(text), {},
                    "use a name such as emailProtection, clientAuth, codeSigning, or a dotted OID");
    }
    return detail::object_id(object.get()).oid;
}

}  // namespace smimekit
