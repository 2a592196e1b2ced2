// SPDX-License-Identifier: Apache-2.0
// The fitness check: facts about a certificate, its chain and its .p12 turned into findings.
// Every code is stable (docs/json.md); an error means Outlook or Exchange Online will refuse
// the certificate for the use asked, a warning that it works but not everywhere or not long.
#include "smimekit/check.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace smimekit {
namespace {

constexpr std::string_view kOidEmailProtection = "1.3.6.1.5.5.7.3.4";
constexpr std::string_view kOidAnyExtendedKeyUsage = "2.5.29.37.0";

std::string who(const Certificate& certificate) {
    return in_quotes(certificate.subject());
}

bool signs(CheckUse use) {
    return use != CheckUse::Encrypt;
}

bool encrypts(CheckUse use) {
    return use != CheckUse::Sign;
}

class Findings {
public:
    void add(std::string code, Severity severity, std::string message, std::string hint = {}) {
        m_findings.push_back({std::move(code), severity, std::move(message), std::move(hint)});
    }

    std::vector<Finding> take() {
        std::stable_sort(m_findings.begin(), m_findings.end(),
                         [](const Finding& a, const Finding& b) {
                             return static_cast<int>(a.severity) < static_cast<int>(b.severity);
                         });
        return std::move(m_findings);
    }

private:
    std::vector<Finding> m_findings;
};

bool can_sign(const std::optional<KeyUsage>& usage) {
    return !usage || usage->digital_signature || usage->non_repudiation;
}

// RFC 8550 section 4.4.2: keyEncipherment for RSA key transport, keyAgreement for ECDH.
bool can_encrypt(const Certificate& certificate) {
    const auto usage = certificate.key_usage();
    switch (certificate.public_key().algorithm) {
        case KeyAlgorithm::Rsa:
            return !usage || usage->key_encipherment;
        case KeyAlgorithm::Ec:
            return !usage || usage->key_agreement;
        case KeyAlgorithm::RsaPss:
        case KeyAlgorithm::Ed25519:
        case KeyAlgorithm::Ed448:
        case KeyAlgorithm::Dsa:
        case KeyAlgorithm::Other:
            return false;
    }
    return false;
}

void check_purpose(const Certificate& certificate, const CheckOptions& options, Findings& out) {
    // RFC 8550 section 4.4.4: with an extended key usage extension, S/MIME needs
    // id-kp-emailProtection (or anyExtendedKeyUsage) in it; Windows' chain engine, which
    // Outlook uses, asks for the same purpose.
    const auto eku = certificate.extended_key_usage();
    if (!eku) {
        out.add("no-eku", Severity::Info,
                who(certificate) + " has no extended key usage: every purpose is allowed");
    } else if (!eku->contains(kOidEmailProtection) && !eku->contains(kOidAnyExtendedKeyUsage)) {
        out.add("no-email-protection-eku", Severity::Error,
                who(certificate) + " has an extended key usage without emailProtection",
                "ask the CA for an S/MIME certificate: extended key usage emailProtection "
                "(1.3.6.1.5.5.7.3.4)");
    }
    const auto usage = certificate.key_usage();
    if (!usage) {
        out.add("no-key-usage", Severity::Info,
                who(certificate) + " has no key usage: every usage is allowed");
    }
    const bool sign_ok = can_sign(usage);
    const bool encrypt_ok = can_encrypt(certificate);
    const KeyAlgorithm algorithm = certificate.public_key().algorithm;
    const bool encryptable_key = algorithm == KeyAlgorithm::Rsa || algorithm == KeyAlgorithm::Ec;
    if (signs(options.use) && !sign_ok) {
        out.add("no-signing-key-usage", Severity::Error,
                who(certificate) + " key usage allows neither digitalSignature nor nonRepudiation",
                options.use == CheckUse::Both
                    ? "an encryption-only certificate: check it with --for encrypt, "
                      "and sign with another one"
                    : "sign with a certificate whose key usage has digitalSignature");
    }
    if (encrypts(options.use) && !encrypt_ok) {
        if (!encryptable_key) {
            out.add("key-type-cannot-encrypt", Severity::Error,
                    who(certificate) + " has a " + certificate.public_key().name +
                        " key, which cannot receive encrypted mail",
                    "S/MIME encryption needs an RSA (key transport) or EC (key agreement) key");
        } else {
            out.add("no-encryption-key-usage", Severity::Error,
                    who(certificate) + (algorithm == KeyAlgorithm::Rsa
                                            ? " is an RSA key without keyEncipherment"
                                            : " is an EC key without keyAgreement"),
                    options.use == CheckUse::Both
                        ? "a signing-only certificate: check it with --for sign, "
                          "and publish another one for encryption"
                        : "publish a certificate whose key usage allows encryption");
        }
    }
    if (options.use == CheckUse::Sign && !encrypt_ok) {
        out.add("sign-only", Severity::Info,
                who(certificate) + " can sign but cannot receive encrypted mail");
    }
    if (options.use == CheckUse::Encrypt && !sign_ok) {
        out.add("encrypt-only", Severity::Info,
                who(certificate) + " can receive encrypted mail but cannot sign");
    }
    if (certificate.is_ca()) {
        out.add(
            "ca-certificate", Severity::Error,
            who(certificate) + " is a CA certificate, not a user's",
            "check the user's own certificate; the CA certificates belong in --pool or --trust");
    }
}

void check_addresses(const Certificate& certificate, const CheckOptions& options, Findings& out) {
    const std::vector<std::string> san = certificate.san_emails();
    const std::vector<std::string> subject = certificate.subject_emails();
    if (san.empty() && subject.empty()) {
        out.add("no-email", Severity::Error, who(certificate) + " carries no e-mail address",
                "Outlook matches the sender's address against the certificate: ask the CA for one "
                "with the address in the subjectAltName");
    } else if (san.empty()) {
        // RFC 5280 section 4.1.2.6: "Conforming implementations generating new certificates
        // with electronic mail addresses MUST use the rfc822Name in the subject alternative name
        // extension (Section 4.2.1.6) to describe such identities." Receivers still read the
        // subject's emailAddress (RFC 8550 section 3; Windows' CertGetNameString with
        // CERT_NAME_EMAIL_TYPE falls back to it), so this works today: a warning.
        out.add("email-only-in-subject", Severity::Warning,
                who(certificate) + " carries " + subject.front() +
                    " only in the subject's emailAddress, not in the subjectAltName",
                "Outlook finds it there, but RFC 5280 requires the subjectAltName for new "
                "certificates; ask for one when it is renewed");
    }
    if (options.email) {
        const std::vector<std::string>& addresses = san.empty() ? subject : san;
        const bool found =
            std::any_of(addresses.begin(), addresses.end(),
                        [&](const std::string& a) { return email_matches(a, *options.email); });
        if (!found) {
            std::string carried;
            for (const std::string& address : addresses) {
                carried += (carried.empty() ? "" : ", ") + address;
            }
            out.add("email-mismatch", Severity::Error,
                    who(certificate) + " does not carry " + *options.email + " (it carries " +
                        (carried.empty() ? "none" : carried) + ")",
                    "Outlook looks certificates up by address, and warns the reader of a signed "
                    "mail whose sender is not named in the certificate");
        }
    }
}

void check_key(const Certificate& certificate, const CheckOptions& options, Findings& out) {
    const PublicKeyInfo key = certificate.public_key();
    if ((key.algorithm == KeyAlgorithm::Rsa || key.algorithm == KeyAlgorithm::RsaPss) &&
        key.bits < 2048) {
        out.add("rsa-key-too-small", Severity::Error,
                who(certificate) + " has an RSA key of " + std::to_string(key.bits) + " bits",
                "RSA under 2048 bits has been disallowed since 2014 (NIST SP 800-131A) and by the "
                "CA/Browser Forum S/MIME rules; get a new certificate with RSA-2048 or more");
    }
    if (signs(options.use) &&
        (key.algorithm == KeyAlgorithm::Ed25519 || key.algorithm == KeyAlgorithm::Ed448 ||
         key.algorithm == KeyAlgorithm::Dsa)) {
        out.add("key-type-unsupported", Severity::Warning,
                who(certificate) + " has a " + key.name +
                    " key; Outlook signs S/MIME with RSA or ECDSA",
                "use an RSA or EC (P-256, P-384) certificate");
    }
}

// The signatures of the chain, a root's own self-signature excepted: nobody relies on it.
void check_signatures(const Certificate& certificate, const ChainResult& chain, Findings& out) {
    std::vector<Certificate> signed_ones{certificate};
    for (std::size_t i = 1; i < chain.chain.size(); ++i) {
        if (i + 1 < chain.chain.size() || !chain.chain[i].is_self_issued()) {
            signed_ones.push_back(chain.chain[i]);
        }
    }
    for (const Certificate& c : signed_ones) {
        const std::string digest = c.signature_digest();
        if (digest == "MD5" || digest == "MD2" || digest == "MD4") {
            out.add("weak-signature", Severity::Error,
                    who(c) + " is signed with " + c.signature_algorithm().name,
                    "MD5 signatures can be forged (RFC 6151); the CA must reissue it with SHA-256");
        } else if (digest == "SHA1") {
            out.add("sha1-signature", Severity::Warning,
                    who(c) + " is signed with " + c.signature_algorithm().name,
                    "SHA-1 signatures are deprecated and refused by strict validators; ask for a "
                    "SHA-256 certificate when it is renewed");
        }
    }
}

void check_validity(const Certificate& certificate, const CheckOptions& options, Findings& out) {
    const std::string text =
        who(certificate) + " " +
        describe_validity(certificate.not_before(), certificate.not_after(), options.time);
    if (options.time < certificate.not_before()) {
        out.add("not-yet-valid", Severity::Error, text,
                "check the clock, or wait until it becomes valid");
        return;
    }
    if (certificate.not_after() < options.time) {
        out.add("expired", Severity::Error, text, "renew the certificate");
        return;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::hours>(certificate.not_after() - options.time)
            .count() /
        24;
    if (left < options.expiry_warning_days) {
        out.add("expires-soon", Severity::Warning, text,
                "renew it now, and publish the new one to your contacts");
    } else {
        out.add("days-left", Severity::Info,
                who(certificate) + " is valid until " + format_rfc3339(certificate.not_after()) +
                    " (" + std::to_string(left) + " days left)");
    }
}

void check_chain(const Certificate& certificate, const ChainResult& chain,
                 const CheckOptions& options, Findings& out) {
    switch (chain.status) {
        case ChainStatus::Valid:
            out.add("chain-valid", Severity::Info,
                    "the chain to " + who(chain.chain.back()) + " is valid (" +
                        std::to_string(chain.chain.size()) + " certificates)");
            break;
        case ChainStatus::Incomplete:
            if (chain.missing) {
                const MissingIssuer& missing = *chain.missing;
                std::string message = "the chain is incomplete: no issuer found for " +
                                      in_quotes(missing.needed_by) + ", need " +
                                      in_quotes(missing.issuer);
                if (!missing.ca_issuers_urls.empty()) {
                    message += "; it is published at " + missing.ca_issuers_urls.front();
                }
                out.add("chain-incomplete", Severity::Error, message,
                        missing.ca_issuers_urls.empty()
                            ? "find the issuing CA's certificate and pass it with --pool"
                            : "download " + missing.ca_issuers_urls.front() +
                                  " and pass it with --pool");
            } else {
                out.add("chain-untrusted-root", Severity::Error,
                        "the chain ends at " + who(chain.chain.back()) +
                            ", a root that is not a trust anchor",
                        "if you trust it, name it with --trust; Exchange Online needs it in the "
                        "SMIMECertificateIssuingCA store (smimekit sst create)");
            }
            break;
        case ChainStatus::Invalid:
            for (const ChainProblem& problem : chain.problems) {
                // The leaf's own dates are judged above, with days left.
                if (problem.depth == 0 &&
                    (problem.code == "expired" || problem.code == "not-yet-valid")) {
                    continue;
                }
                out.add("chain-invalid", Severity::Error, problem.code + ": " + problem.message,
                        "a certificate of the chain is unusable: ask the CA for its current chain");
            }
            break;
    }
    // A CA that restricts its EKUs must allow e-mail protection (as Windows, NSS and OpenSSL's
    // S/MIME purposes require); the anchor is the user's choice.
    VerifyOptions smime;
    smime.time = options.time;
    smime.purpose = Purpose::SmimeSign;
    const std::vector<Certificate> path =
        chain.chain.empty() ? std::vector<Certificate>{certificate} : chain.chain;
    for (const ChainProblem& problem : check_smime_rules(path, smime)) {
        if (problem.code == "ca-eku") {
            out.add(
                "ca-no-email-protection-eku", Severity::Error, problem.message,
                "this CA cannot issue S/MIME certificates; ask the CA for an S/MIME issuing CA");
        }
    }
}

// The platform rows read_pkcs12 predicts (pkcs12.cpp, predict_platforms), as findings. A row
// this table does not know still shows up, as "p12-not-importable" info.
struct PlatformFinding {
    std::string_view platform;
    std::string_view code;
    Severity severity;
};
constexpr std::array kPlatformFindings{
    PlatformFinding{"Windows 10 1709+ / Server 2019+", "p12-not-importable-windows",
                    Severity::Error},
    PlatformFinding{"Windows Server 2016 and older", "p12-not-importable-windows-old",
                    Severity::Warning},
    PlatformFinding{"macOS 14+", "p12-not-importable-macos", Severity::Error},
    PlatformFinding{"macOS 13 and older", "p12-not-importable-macos-old", Severity::Warning},
    PlatformFinding{"gpgsm 2.2", "p12-not-importable-gpgsm", Severity::Warning},
    PlatformFinding{"NSS", "p12-not-importable-nss", Severity::Info},
    PlatformFinding{"OpenSSL 3 (no -legacy)", "p12-needs-openssl-legacy", Severity::Info},
};

bool weak_cipher(const std::string& cipher) {
    return cipher.rfind("RC2", 0) == 0 || cipher.rfind("RC4", 0) == 0 ||
           cipher.rfind("DES-", 0) == 0;
}

void check_pkcs12(const Pkcs12Info& info, Findings& out) {
    for (const PlatformSupport& platform : info.platforms) {
        if (platform.can_import) {
            continue;
        }
        const auto known =
            std::find_if(kPlatformFindings.begin(), kPlatformFindings.end(),
                         [&](const PlatformFinding& f) { return f.platform == platform.platform; });
        // The reason names the first rule that fails (pkcs12.cpp); the compat profile (3DES,
        // HMAC-SHA1) cures the two that a re-wrap can cure.
        std::string hint;
        if (platform.reason.find("PBES2") != std::string::npos) {
            hint =
                "smimekit p12 rewrap --profile compat writes it with 3DES, which old platforms "
                "import";
        } else if (platform.reason.find("-legacy") != std::string::npos) {
            hint = "smimekit p12 rewrap --profile compat writes it without RC2-40";
        }
        out.add(known != kPlatformFindings.end() ? std::string(known->code) : "p12-not-importable",
                known != kPlatformFindings.end() ? known->severity : Severity::Info,
                platform.platform + " cannot import it: " + platform.reason, std::move(hint));
    }
    if (!info.has_key) {
        out.add("p12-no-key", Severity::Warning,
                "the .p12 holds no private key: it cannot sign or decrypt",
                "export the certificate again with its private key");
    } else if (!info.key_matches_certificate) {
        out.add("p12-key-mismatch", Severity::Error,
                "the .p12's private key does not belong to its certificate",
                "export the certificate again together with its own key");
    }
    if (info.has_key && info.password != Pkcs12PasswordKind::Given) {
        out.add("p12-no-password", Severity::Warning,
                "the .p12's private key is protected by an empty or absent password: anyone with "
                "the file has the key",
                "smimekit p12 rewrap sets a real password");
    }
    for (const Pkcs12Encryption& part : info.key_encryption) {
        if (weak_cipher(part.cipher)) {
            out.add("p12-weak-key-encryption", Severity::Warning,
                    "the .p12's private key is encrypted with " + part.cipher +
                        ", which is easy to break",
                    "smimekit p12 rewrap --profile compat uses 3DES, --profile modern AES-256");
        }
    }
}

}  // namespace

std::string_view use_name(CheckUse use) noexcept {
    switch (use) {
        case CheckUse::Sign:
            return "sign";
        case CheckUse::Encrypt:
            return "encrypt";
        case CheckUse::Both:
            return "both";
    }
    return "both";
}

std::string_view severity_name(Severity severity) noexcept {
    switch (severity) {
        case Severity::Error:
            return "error";
        case Severity::Warning:
            return "warning";
        case Severity::Info:
            return "info";
    }
    return "error";
}

bool CheckReport::fit() const noexcept {
    return count(Severity::Error) == 0;
}

std::size_t CheckReport::count(Severity severity) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(),
                      [&](const Finding& f) { return f.severity == severity; }));
}

CheckReport check_certificate(const Certificate& certificate, const ChainResult& chain,
                              const std::optional<Pkcs12Info>& pkcs12,
                              const CheckOptions& options) {
    Findings out;
    check_purpose(certificate, options, out);
    check_addresses(certificate, options, out);
    check_key(certificate, options, out);
    check_signatures(certificate, chain, out);
    check_validity(certificate, options, out);
    check_chain(certificate, chain, options, out);
    if (pkcs12) {
        check_pkcs12(*pkcs12, out);
    }
    return {out.take(), chain};
}

CheckReport check(const Certificate& certificate, const Store& pool, const Store& anchors,
                  const std::optional<Pkcs12Info>& pkcs12, const CheckOptions& options) {
    VerifyOptions verify;
    verify.time = options.time;
    verify.purpose = Purpose::Any;
    verify.engines = EngineChoice::OpenSsl;
    return check_certificate(certificate, verify_chain(certificate, pool, anchors, verify), pkcs12,
                             options);
}

}  // namespace smimekit
