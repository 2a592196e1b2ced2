// SPDX-License-Identifier: Apache-2.0
// Botan 2 as the second validator: the path arrives as DER, Botan parses it itself, and its
// statuses leave as ChainProblems with the codes OpenSSL's mapping uses where they mean the
// same. The only file that includes Botan headers (with version.cpp, for its version).
#include "detail/botan_bridge.hpp"

#include <botan/certstor.h>
#include <botan/pkix_enums.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <string_view>
#include <utility>

namespace smimekit::detail {
namespace {

using Status = Botan::Certificate_Status_Code;

// Botan's default (Path_Validation_Restrictions' own): 110 bits, i.e. RSA-2048 or stronger,
// and SHA-1 not trusted ("If more than 80, SHA-1 signatures are also rejected", x509path.h).
// Kept on purpose: it is Botan's opinion, and compare_engines reports what it rejects beyond
// OpenSSL as a policy difference rather than lowering Botan to OpenSSL's level.
constexpr std::size_t kMinimumStrength = 110;

class Problems {
public:
    explicit Problems(const BotanPathInput& input) : m_input(input) {}

    void add(std::string_view code, int depth, std::string_view text) {
        const bool seen =
            std::any_of(m_problems.begin(), m_problems.end(),
                        [&](const ChainProblem& p) { return p.code == code && p.depth == depth; });
        if (!seen) {
            m_problems.push_back({std::string(code), who(depth) + ": " + std::string(text), depth});
        }
    }

    std::vector<ChainProblem> take() { return std::move(m_problems); }

private:
    std::string who(int depth) const {
        if (depth < 0 || static_cast<std::size_t>(depth) >= m_input.names.size()) {
            return "the chain";
        }
        return "'" + m_input.names[static_cast<std::size_t>(depth)] + "'";
    }

    const BotanPathInput& m_input;
    std::vector<ChainProblem> m_problems;
};

std::string botan_text(Status status) {
    const char* const text = Botan::to_string(status);
    return "Botan: " + std::string(text != nullptr ? text : "unknown status") + " (status " +
           std::to_string(static_cast<int>(status)) + ")";
}

// The code of a Botan status, as OpenSSL's codes (chain.cpp, code_for) where the meaning is the
// same. nullptr for the statuses that are not failures (OK, VALID_CRL_CHECKED, warnings).
const char* code_for(Status status) {
    if (static_cast<int>(status) < static_cast<int>(Status::FIRST_ERROR_STATUS)) {
        return nullptr;
    }
    switch (status) {
        case Status::CERT_HAS_EXPIRED:
            return "expired";
        case Status::CERT_NOT_YET_VALID:
            return "not-yet-valid";
        case Status::SIGNATURE_ERROR:
        case Status::CERT_PUBKEY_INVALID:
        case Status::SIGNATURE_ALGO_UNKNOWN:
        case Status::SIGNATURE_ALGO_BAD_PARAMS:
            return "bad-signature";
        case Status::CERT_CHAIN_TOO_LONG:
            return "path-length";
        case Status::NAME_CONSTRAINT_ERROR:
            return "name-constraints";
        case Status::CERT_IS_REVOKED:
            return "revoked";
        case Status::CRL_HAS_EXPIRED:
            return "crl-expired";
        case Status::CRL_NOT_YET_VALID:
            return "crl-not-yet-valid";
        case Status::CRL_BAD_SIGNATURE:
        case Status::CA_CERT_NOT_FOR_CRL_ISSUER:
            return "crl-bad-signature";
        case Status::NO_REVOCATION_DATA:
            return "crl-missing";
        case Status::NO_MATCHING_CRLDP:
            return "crl-scope";
        case Status::UNKNOWN_CRITICAL_EXTENSION:
            return "unknown-critical-extension";
        case Status::POLICY_ERROR:
        case Status::DUPLICATE_CERT_POLICY:
            return "policy";
        case Status::CERT_ISSUER_NOT_FOUND:
        case Status::CANNOT_ESTABLISH_TRUST:
        case Status::CHAIN_LACKS_TRUST_ROOT:
            return "untrusted-root";
        case Status::UNTRUSTED_HASH:
            return "weak-hash";
        case Status::SIGNATURE_METHOD_TOO_WEAK:
            return "weak-key";
        default:
            return "other";  // a Botan enum: new statuses land here, named in the message
    }
}

void add_status(Problems& problems, Status status, int depth,
                const std::vector<Botan::X509_Certificate>& certificates) {
    const char* const code = code_for(status);
    if (code == nullptr) {
        return;
    }
    if (status == Status::CA_CERT_NOT_FOR_CERT_ISSUER) {
        // Botan files it under the certificate whose issuer is unfit; OpenSSL (and our
        // messages) name the issuer itself, one level up. Botan's is_CA_cert() wants
        // basicConstraints cA *and* keyCertSign (RFC 5280 6.1.4 (k) and (n)); OpenSSL reports
        // the two separately, and so do we.
        const int issuer = depth + 1;
        problems.add("not-a-ca", issuer, botan_text(status));
        if (static_cast<std::size_t>(issuer) < certificates.size()) {
            const Botan::Key_Constraints usage =
                certificates[static_cast<std::size_t>(issuer)].constraints();
            if (usage != Botan::NO_CONSTRAINTS && (usage & Botan::KEY_CERT_SIGN) == 0) {
                problems.add("ca-key-usage", issuer, "Botan: key usage lacks keyCertSign");
            }
        }
        return;
    }
    problems.add(code, depth, botan_text(status));
}

std::string exception_text(const std::exception& e) {
    return "Botan: " + std::string(e.what());
}

}  // namespace

std::vector<ChainProblem> botan_validate_path(const BotanPathInput& input) {
    Problems problems(input);
    try {
        std::vector<Botan::X509_Certificate> certificates;
        certificates.reserve(input.path.size());
        for (std::size_t i = 0; i < input.path.size(); ++i) {
            try {
                certificates.emplace_back(input.path[i]);
            } catch (const Botan::Exception& e) {
                problems.add("malformed", static_cast<int>(i),
                             "Botan cannot decode it: " + std::string(e.what()));
            }
        }
        if (certificates.size() != input.path.size() || certificates.empty()) {
            return problems.take();
        }

        Botan::Certificate_Store_In_Memory trusted(certificates.back());
        for (const Bytes& der : input.crls) {
            try {
                trusted.add_crl(Botan::X509_CRL(der));
            } catch (const Botan::Exception& e) {
                problems.add("malformed", -1,
                             "Botan cannot decode a CRL: " + std::string(e.what()));
            }
        }
        // require_rev covers the leaf; ocsp_all_intermediates is what x509_path_validate
        // passes on as "require revocation data on intermediates" (merge_revocation_status).
        const Botan::Path_Validation_Restrictions restrictions(
            input.require_revocation, kMinimumStrength, input.require_revocation);
        const std::chrono::system_clock::time_point when(input.time);
        Botan::CertificatePathStatusCodes statuses;
        std::vector<std::shared_ptr<const Botan::X509_Certificate>> built;
        if (certificates.size() == 1) {
            // The anchor is the whole path: a self-signed leaf the user trusts. x509_path_validate
            // refuses every self-signed end-entity certificate ("Cannot establish trust"), anchor
            // or not; its building block check_chain judges one-certificate paths itself.
            built.push_back(std::make_shared<const Botan::X509_Certificate>(certificates.front()));
            statuses = Botan::PKIX::check_chain(built, when, "", Botan::Usage_Type::UNSPECIFIED,
                                                restrictions.minimum_key_strength(),
                                                restrictions.trusted_hashes());
        } else {
            // The leaf and the intermediates to validate; the anchor only in the trusted store.
            const std::vector<Botan::X509_Certificate> end_certs(certificates.begin(),
                                                                 certificates.end() - 1);
            const Botan::Path_Validation_Result result = Botan::x509_path_validate(
                end_certs, restrictions, trusted, "", Botan::Usage_Type::UNSPECIFIED, when);
            statuses = result.all_statuses();
            built = result.cert_path();
            if (statuses.empty()) {
                // Path building failed before any certificate was judged (no anchor reached).
                add_status(problems, result.result(), -1, certificates);
            }
        }
        for (std::size_t depth = 0; depth < statuses.size(); ++depth) {
            for (const Status status : statuses[depth]) {
                add_status(problems, status, static_cast<int>(depth), certificates);
            }
        }
        // Botan builds its own path from what we gave it; it must be ours, or the two engines
        // judged different things.
        if (!statuses.empty() && built.size() == certificates.size()) {
            for (std::size_t i = 0; i < built.size(); ++i) {
                if (built[i]->BER_encode() != input.path[i]) {
                    problems.add("other", static_cast<int>(i),
                                 "Botan validated another certificate here");
                }
            }
        }
    } catch (const std::bad_alloc&) {
        throw Error(Errc::Internal, "out of memory in the Botan validator");
    } catch (const std::exception& e) {
        // Botan throws for inputs it cannot handle (an algorithm it does not know, a broken
        // encoding found late); the verdict is then "Botan could not judge this path".
        problems.add("other", -1, exception_text(e));
    }
    return problems.take();
}

}  // namespace smimekit::detail
