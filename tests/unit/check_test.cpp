// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/check.hpp over the users, chains and .p12 files of certs-test/ (its
// README gives each one's facts), at 2030-01-01 with ca/root-rsa as the only anchor.
#include <smimekit/check.hpp>
#include <smimekit/load.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smimekit::CheckOptions;
using smimekit::CheckReport;
using smimekit::CheckUse;
using smimekit::Severity;
using smimekit::Store;

namespace {

Store cas() {
    Store pool;
    pool.add_path(fixture::path("ca"));
    return pool;
}

Store root() {
    Store anchors;
    anchors.add(smimekit::load_certificate(fixture::path("ca/root-rsa.pem")));
    return anchors;
}

CheckOptions at_2030(CheckUse use = CheckUse::Both) {
    CheckOptions options;
    options.time = fixture::now();
    options.use = use;
    return options;
}

CheckReport check_file(std::string_view name, const CheckOptions& options = at_2030()) {
    smimekit::LoadOptions load;
    load.keys = false;
    load.password = [](std::string_view) {
        return smimekit::Secret(fixture::text("p12/password.txt"));
    };
    const auto file = smimekit::load_file(fixture::path(name), load);
    Store pool = cas();
    pool.add(
        std::vector<smimekit::Certificate>(file.certificates.begin() + 1, file.certificates.end()));
    return smimekit::check(file.certificates.front(), pool, root(), file.pkcs12, options);
}

const smimekit::Finding* find(const CheckReport& report, std::string_view code) {
    const auto it = std::find_if(report.findings.begin(), report.findings.end(),
                                 [&](const smimekit::Finding& f) { return f.code == code; });
    return it == report.findings.end() ? nullptr : &*it;
}

bool has(const CheckReport& report, std::string_view code, Severity severity) {
    const auto* finding = find(report, code);
    return finding != nullptr && finding->severity == severity;
}

std::string codes(const CheckReport& report) {
    std::string text;
    for (const auto& f : report.findings) {
        text += std::string(smimekit::severity_name(f.severity)) + ":" + f.code + " ";
    }
    return text;
}

}  // namespace

TEST_SUITE("check") {
    TEST_CASE("alice is fit for signing and encryption, with only information") {
        const auto report = check_file("users/alice.der");
        INFO(codes(report));
        CHECK(report.fit());
        CHECK(report.count(Severity::Error) == 0);
        CHECK(report.count(Severity::Warning) == 0);
        CHECK(has(report, "chain-valid", Severity::Info));
        REQUIRE(find(report, "days-left") != nullptr);
        // 2030-01-01 to 2046-01-01: 16 years, 4 of them leap years
        CHECK(find(report, "days-left")->message.find("(5844 days left)") != std::string::npos);
    }

    TEST_CASE("an EC key with keyAgreement is fit for encryption (RFC 8550 4.4.2)") {
        const auto report = check_file("users/bob-ec.der");
        INFO(codes(report));
        CHECK(report.fit());
    }

    TEST_CASE("separate signing and encryption certificates: each is fit for its own use only") {
        SUBCASE("dave-sign") {
            CHECK(check_file("users/dave-sign.der", at_2030(CheckUse::Sign)).fit());
            CHECK(has(check_file("users/dave-sign.der", at_2030(CheckUse::Sign)), "sign-only",
                      Severity::Info));
            const auto both = check_file("users/dave-sign.der");
            CHECK(!both.fit());
            REQUIRE(find(both, "no-encryption-key-usage") != nullptr);
            CHECK(find(both, "no-encryption-key-usage")->hint.find("--for sign") !=
                  std::string::npos);
        }
        SUBCASE("dave-encrypt") {
            CHECK(check_file("users/dave-encrypt.der", at_2030(CheckUse::Encrypt)).fit());
            const auto sign = check_file("users/dave-encrypt.der", at_2030(CheckUse::Sign));
            CHECK(!sign.fit());
            CHECK(has(sign, "no-signing-key-usage", Severity::Error));
        }
    }

    TEST_CASE("what makes a certificate unfit is an error with a hint") {
        SUBCASE("no emailProtection") {
            const auto report = check_file("users/noeku.der");
            CHECK(!report.fit());
            CHECK(has(report, "no-email-protection-eku", Severity::Error));
            CHECK(!find(report, "no-email-protection-eku")->hint.empty());
        }
        SUBCASE("RSA-1024") {
            const auto report = check_file("users/weak-rsa1024.der");
            CHECK(!report.fit());
            CHECK(has(report, "rsa-key-too-small", Severity::Error));
            CHECK(find(report, "rsa-key-too-small")->message.find("1024 bits") !=
                  std::string::npos);
        }
        SUBCASE("expired") {
            const auto report = check_file("users/expired.der");
            CHECK(!report.fit());
            CHECK(has(report, "expired", Severity::Error));
            // the leaf's dates are said once, not again as a chain problem
            CHECK(find(report, "chain-invalid") == nullptr);
        }
        SUBCASE("not yet valid") {
            CHECK(has(check_file("users/notyet.der"), "not-yet-valid", Severity::Error));
        }
        SUBCASE("an expired intermediate makes the chain invalid") {
            const auto report = check_file("users/under-expired-inter.pem");
            CHECK(has(report, "chain-invalid", Severity::Error));
            CHECK(find(report, "chain-invalid")->message.find("expired: ") == 0);
        }
        SUBCASE("the missing issuer is named with its AIA URL") {
            const auto report = check_file("chains/orphan-user.pem");
            CHECK(!report.fit());
            REQUIRE(has(report, "chain-incomplete", Severity::Error));
            CHECK(find(report, "chain-incomplete")
                      ->message.find("http://pki.example.test/hidden-inter.cer") !=
                  std::string::npos);
            CHECK(find(report, "chain-incomplete")->hint.find("--pool") != std::string::npos);
        }
        SUBCASE("a CA certificate is not a user's") {
            CHECK(has(check_file("ca/inter-rsa.pem"), "ca-certificate", Severity::Error));
        }
        SUBCASE("--email names an address the certificate lacks") {
            auto options = at_2030();
            options.email = "bob@example.org";
            const auto report = check_file("users/alice.der", options);
            CHECK(has(report, "email-mismatch", Severity::Error));
            options.email =
                "ALICE@EXAMPLE.ORG";  // the domain is case-insensitive, the local part not
            CHECK(!check_file("users/alice.der", options).fit());
            options.email = "alice@EXAMPLE.org";
            CHECK(check_file("users/alice.der", options).fit());
        }
    }

    TEST_CASE("warnings leave a certificate fit") {
        SUBCASE("SHA-1") {
            const auto report = check_file("users/sha1.der");
            CHECK(report.fit());
            CHECK(has(report, "sha1-signature", Severity::Warning));
        }
        SUBCASE("the address only in the subject") {
            const auto report = check_file("users/subject-email-only.pem");
            CHECK(report.fit());
            CHECK(has(report, "email-only-in-subject", Severity::Warning));
            auto options = at_2030();
            options.email = "erin@example.org";
            CHECK(check_file("users/subject-email-only.pem", options).fit());
        }
        SUBCASE("expires within 30 days") {
            const auto report = check_file("users/alice.der", [] {
                auto options = at_2030();
                options.time = fixture::at("2045-12-20T00:00:00Z");
                return options;
            }());
            CHECK(report.fit());
            CHECK(has(report, "expires-soon", Severity::Warning));
            CHECK(find(report, "days-left") == nullptr);
        }
    }

    TEST_CASE(".p12 files: the platforms that cannot import them") {
        SUBCASE("modern: fit, with warnings about old Windows, old macOS and gpgsm") {
            const auto report = check_file("p12/modern.p12");
            INFO(codes(report));
            CHECK(report.fit());
            CHECK(has(report, "p12-not-importable-windows-old", Severity::Warning));
            CHECK(has(report, "p12-not-importable-macos-old", Severity::Warning));
            CHECK(has(report, "p12-not-importable-gpgsm", Severity::Warning));
            CHECK(find(report, "p12-not-importable-windows") == nullptr);
        }
        SUBCASE("legacy: fit, and only OpenSSL 3 needs -legacy (information)") {
            const auto report = check_file("p12/legacy.p12");
            INFO(codes(report));
            CHECK(report.fit());
            CHECK(report.count(Severity::Warning) == 0);
            CHECK(has(report, "p12-needs-openssl-legacy", Severity::Info));
        }
        SUBCASE("compat: every platform") {
            const auto report = check_file("p12/compat.p12");
            INFO(codes(report));
            CHECK(report.count(Severity::Warning) == 0);
            CHECK(std::none_of(report.findings.begin(), report.findings.end(),
                               [](const auto& f) { return f.code.rfind("p12-", 0) == 0; }));
        }
        SUBCASE("no password protects the key") {
            CHECK(has(check_file("p12/nopass.p12"), "p12-no-password", Severity::Warning));
        }
        SUBCASE("a certificate without its key") {
            CHECK(has(check_file("p12/certonly.p12"), "p12-no-key", Severity::Warning));
        }
        SUBCASE("the .p12's chain joins the pool") {
            smimekit::LoadOptions load;
            load.keys = false;
            load.password = [](std::string_view) {
                return smimekit::Secret(fixture::text("p12/password.txt"));
            };
            const auto file = smimekit::load_file(fixture::path("p12/fullchain.p12"), load);
            Store pool;
            pool.add(std::vector<smimekit::Certificate>(file.certificates.begin() + 1,
                                                        file.certificates.end()));
            CHECK(smimekit::check(file.certificates.front(), pool, root(), file.pkcs12, at_2030())
                      .fit());
            CHECK(
                !smimekit::check(file.certificates.front(), Store{}, root(), file.pkcs12, at_2030())
                     .fit());
        }
    }

    TEST_CASE("findings come errors first, then warnings, then information") {
        const auto report = check_file("users/weak-rsa1024.der");
        CHECK(std::is_sorted(report.findings.begin(), report.findings.end(),
                             [](const auto& a, const auto& b) {
                                 return static_cast<int>(a.severity) < static_cast<int>(b.severity);
                             }));
        CHECK(report.count(Severity::Info) > 0);
    }

    TEST_CASE("names are the CLI's spelling") {
        CHECK(smimekit::use_name(CheckUse::Sign) == "sign");
        CHECK(smimekit::use_name(CheckUse::Encrypt) == "encrypt");
        CHECK(smimekit::use_name(CheckUse::Both) == "both");
        CHECK(smimekit::severity_name(Severity::Error) == "error");
        CHECK(smimekit::severity_name(Severity::Warning) == "warning");
        CHECK(smimekit::severity_name(Severity::Info) == "info");
    }

}  // TEST_SUITE("check")
