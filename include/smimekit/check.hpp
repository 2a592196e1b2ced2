// SPDX-License-Identifier: Apache-2.0
// "Will this certificate (or .p12) work for S/MIME in Outlook and Exchange Online?" as a list
// of findings, each with a stable code, a severity and what to do about it.
#pragma once

#include "smimekit/certificate.hpp"
#include "smimekit/chain.hpp"
#include "smimekit/pkcs12.hpp"
#include "smimekit/store.hpp"
#include "smimekit/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// What the certificate is meant for: separate signing and encryption certificates are common.
enum class CheckUse {
    Sign,     ///< signing only: digitalSignature or nonRepudiation
    Encrypt,  ///< receiving encrypted mail only: keyEncipherment (RSA) or keyAgreement (EC)
    Both,
};

/// "sign", "encrypt", "both" (the CLI's spelling).
std::string_view use_name(CheckUse use) noexcept;

enum class Severity {
    Error,    ///< it will not work: the certificate is not fit
    Warning,  ///< it works, but not everywhere or not for long
    Info,     ///< worth knowing
};

/// "error", "warning", "info".
std::string_view severity_name(Severity severity) noexcept;

struct Finding {
    /// Stable, for scripts ("no-email-protection-eku", "rsa-key-too-small", ...); docs/json.md
    /// lists every code with its severity.
    std::string code;
    Severity severity = Severity::Error;
    std::string message;  ///< one line for people: what was found, naming the certificate
    std::string hint;     ///< what to do about it; may be empty
};

struct CheckOptions {
    TimePoint time;
    CheckUse use = CheckUse::Both;
    /// An address the certificate must carry (as VerifyOptions::email matches it).
    std::optional<std::string> email;
    /// A certificate that expires within this many days is flagged "expires-soon".
    int expiry_warning_days = 30;
};

struct CheckReport {
    /// Errors first, then warnings, then info; in the order they were found within each.
    std::vector<Finding> findings;
    /// The chain verdict the findings were made from.
    ChainResult chain;

    /// No finding is an error.
    [[nodiscard]] bool fit() const noexcept;
    [[nodiscard]] std::size_t count(Severity severity) const noexcept;
};

/**
 * The findings for `certificate` from facts already gathered: `chain` is verify_chain's result
 * for it with Purpose::Any at options.time (the S/MIME usages are judged here, per
 * options.use, with codes of their own), `pkcs12` the protection of the .p12 it came from.
 * Checks: the emailProtection EKU (RFC 8550 4.4.4), the key usage for each use (RFC 8550
 * 4.4.2), that it is an end-entity certificate, its addresses (subjectAltName, the subject
 * emailAddress only as a warning, options.email), key type and size (RSA under 2048 bits is an
 * error), the signature algorithms of the chain (SHA-1 a warning, MD5 an error), validity and
 * days left, the chain (what is missing, with its AIA URL), the CA certificates' EKUs, and for a
 * .p12 which platforms can import it (Pkcs12Info::platforms), its key and its password.
 * Never throws for a certificate that parsed.
 */
CheckReport check_certificate(const Certificate& certificate, const ChainResult& chain,
                              const std::optional<Pkcs12Info>& pkcs12, const CheckOptions& options);

/**
 * verify_chain(certificate, pool, anchors) with OpenSSL at options.time (Purpose::Any), then
 * check_certificate. Throws what verify_chain throws.
 */
CheckReport check(const Certificate& certificate, const Store& pool, const Store& anchors,
                  const std::optional<Pkcs12Info>& pkcs12, const CheckOptions& options);

}  // namespace smimekit
