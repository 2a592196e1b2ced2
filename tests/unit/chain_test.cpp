// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/chain.hpp over the chains of certs-test/ (its README gives each verdict;
// tests/interop/chain_openssl.sh checks the same verdicts against `openssl verify`).
#include <smimekit/chain.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smimekit::Certificate;
using smimekit::ChainStatus;
using smimekit::Purpose;
using smimekit::Store;
using smimekit::VerifyOptions;

namespace {

Certificate cert(std::string_view name) {
    return smimekit::load_certificate(fixture::path(name));
}

Store store(std::initializer_list<std::string_view> names) {
    Store s;
    for (const auto name : names) {
        s.add(cert(name));
    }
    return s;
}

VerifyOptions at_2030(Purpose purpose = Purpose::Any) {
    VerifyOptions options;
    options.time = fixture::now();
    options.purpose = purpose;
    return options;
}

bool has_problem(const smimekit::ChainResult& result, std::string_view code, int depth = -2) {
    return std::any_of(result.problems.begin(), result.problems.end(), [&](const auto& p) {
        return p.code == code && (depth == -2 || p.depth == depth);
    });
}

const Store kRoot = store({"ca/root-rsa.pem"});
const Store kCas = store({"ca/inter-rsa.pem", "ca/inter-ec.pem", "ca/inter-cross-by-root.pem",
                          "ca/inter-cross-by-root2.pem", "ca/inter-expired.pem"});

}  // namespace

TEST_SUITE("chain") {

TEST_CASE("an S/MIME user chains through its intermediate to the root and is valid") {
    const auto result = smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, at_2030(Purpose::SmimeSign));
    CHECK(result.status == ChainStatus::Valid);
    REQUIRE(result.chain.size() == 3);
    CHECK(result.chain[1].common_name() == "smimekit Test Intermediate RSA");
    CHECK(result.chain[2] == cert("ca/root-rsa.pem"));
    CHECK(result.ca_certificates().size() == 2);
    CHECK(result.problems.empty());
}

TEST_CASE("a cross-signed intermediate gives one path per root") {
    const Store both_roots = store({"ca/root-rsa.pem", "ca/root2-rsa.pem"});
    const auto built = smimekit::build_chain(cert("users/cross-user.pem"), kCas, both_roots, fixture::now());
    CHECK(built.paths.size() == 2);
    const auto only_root2 = smimekit::verify_chain(cert("users/cross-user.pem"), kCas,
                                                   store({"ca/root2-rsa.pem"}), at_2030());
    CHECK(only_root2.status == ChainStatus::Valid);
    CHECK(only_root2.chain.at(1) == cert("ca/inter-cross-by-root2.pem"));
}

TEST_CASE("every failure of a path is reported, with its depth") {
    SUBCASE("expired leaf") {
        const auto r = smimekit::verify_chain(cert("users/expired.der"), kCas, kRoot, at_2030());
        CHECK(r.status == ChainStatus::Invalid);
        CHECK(has_problem(r, "expired", 0));
    }
    SUBCASE("not yet valid leaf") {
        CHECK(has_problem(smimekit::verify_chain(cert("users/notyet.der"), kCas, kRoot, at_2030()),
                          "not-yet-valid", 0));
    }
    SUBCASE("expired intermediate") {
        const auto r = smimekit::verify_chain(cert("users/under-expired-inter.pem"), kCas, kRoot, at_2030());
        CHECK(r.status == ChainStatus::Invalid);
        CHECK(has_problem(r, "expired", 1));
    }
    SUBCASE("path length") {
        const auto r = smimekit::verify_chain(
            cert("chains/pathlen-user.pem"),
            store({"chains/pathlen0-inter.pem", "chains/pathlen-sub.pem"}), kRoot, at_2030());
        CHECK(has_problem(r, "path-length"));
    }
    SUBCASE("max depth") {
        auto options = at_2030();
        options.max_depth = 0;
        CHECK(has_problem(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options), "max-depth"));
        options.max_depth = 1;
        CHECK(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options).valid());
    }
}

TEST_CASE("e-mail name constraints: permitted domain, excluded mailbox, outside") {
    const Store pool = store({"chains/nc-inter.pem"});
    CHECK(smimekit::verify_chain(cert("chains/nc-ok.pem"), pool, kRoot, at_2030()).valid());
    CHECK(smimekit::verify_chain(cert("chains/nc-sub-ok.pem"), pool, kRoot, at_2030()).valid());
    CHECK(has_problem(smimekit::verify_chain(cert("chains/nc-excluded.pem"), pool, kRoot, at_2030()),
                      "name-constraints", 0));
    CHECK(has_problem(smimekit::verify_chain(cert("chains/nc-outside.pem"), pool, kRoot, at_2030()),
                      "name-constraints", 0));
}

TEST_CASE("CRLs: revoked fails, an expired CRL is reported, check-all wants every CRL") {
    auto options = at_2030();
    options.crls = smimekit::load_crls(fixture::path("chains/inter-rsa.crl.pem"));
    CHECK(has_problem(smimekit::verify_chain(cert("chains/revoked-user.pem"), kCas, kRoot, options), "revoked", 0));
    CHECK(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options).valid());

    options.crl_check = smimekit::CrlCheck::All;
    CHECK(has_problem(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options), "crl-missing", 1));
    for (auto& crl : smimekit::load_crls(fixture::path("chains/root-rsa.crl.pem"))) {
        options.crls.push_back(crl);
    }
    CHECK(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options).valid());

    auto stale = at_2030();
    stale.crls = smimekit::load_crls(fixture::path("chains/inter-rsa-expired.crl.pem"));
    CHECK(has_problem(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, stale), "crl-expired"));
}

TEST_CASE("a missing intermediate is named with its key id and AIA URL") {
    const auto result = smimekit::verify_chain(cert("chains/orphan-user.pem"), kCas, kRoot, at_2030());
    CHECK(result.status == ChainStatus::Incomplete);
    REQUIRE(result.missing);
    CHECK(result.missing->issuer == cert("chains/hidden/hidden-inter.pem").subject());
    CHECK(result.missing->key_id == cert("chains/hidden/hidden-inter.pem").subject_key_id());
    CHECK(result.missing->ca_issuers_urls ==
          std::vector<std::string>{"http://pki.example.test/hidden-inter.cer"});
    CHECK(has_problem(result, "missing-issuer", 0));
    // With the hidden intermediate in the pool, the same leaf is valid.
    Store pool = kCas;
    pool.add(cert("chains/hidden/hidden-inter.pem"));
    CHECK(smimekit::verify_chain(cert("chains/orphan-user.pem"), pool, kRoot, at_2030()).valid());
}

TEST_CASE("a loop of cross-certificates ends, and the loop is said") {
    const auto result = smimekit::verify_chain(cert("chains/loop-user.pem"),
                                               store({"chains/loop-a.pem", "chains/loop-b.pem"}), kRoot, at_2030());
    CHECK(result.status == ChainStatus::Incomplete);
    CHECK(result.chain.size() == 3);
    CHECK(std::any_of(result.notes.begin(), result.notes.end(),
                      [](const std::string& note) { return note.find("form a loop") != std::string::npos; }));
}

TEST_CASE("a decoy issuer with the same name and another key is not followed") {
    const Store roots = store({"ca/root-rsa.pem", "ca/root2-rsa.pem"});
    const auto with_both = smimekit::verify_chain(
        cert("users/alice.der"), store({"chains/decoy-inter.pem", "ca/inter-rsa.pem"}), roots, at_2030());
    CHECK(with_both.valid());
    CHECK(with_both.chain.at(1) == cert("ca/inter-rsa.pem"));
    const auto decoy_only = smimekit::verify_chain(cert("users/alice.der"), store({"chains/decoy-inter.pem"}),
                                                   roots, at_2030());
    CHECK(decoy_only.status == ChainStatus::Incomplete);
    CHECK(std::any_of(decoy_only.notes.begin(), decoy_only.notes.end(), [](const std::string& note) {
        return note.find("another key under the same name") != std::string::npos;
    }));
}

TEST_CASE("a self-signed root that is not an anchor is never trusted") {
    const auto result = smimekit::verify_chain(cert("users/alice.der"),
                                               store({"ca/inter-rsa.pem", "ca/root-rsa.pem"}),
                                               store({"ca/root2-rsa.pem"}), at_2030());
    CHECK(result.status == ChainStatus::Incomplete);
    CHECK(has_problem(result, "untrusted-root", 2));
    CHECK_FALSE(result.missing);
}

TEST_CASE("an intermediate the user trusts is an anchor on its own") {
    CHECK(smimekit::verify_chain(cert("users/alice.der"), Store{}, store({"ca/inter-rsa.pem"}), at_2030()).valid());
}

TEST_CASE("S/MIME purposes are checked on top of the path, EC keyAgreement included") {
    CHECK(smimekit::verify_chain(cert("users/bob-ec.der"), kCas, kRoot, at_2030(Purpose::SmimeEncrypt)).valid());
    CHECK(has_problem(smimekit::verify_chain(cert("users/dave-sign.der"), kCas, kRoot, at_2030(Purpose::SmimeEncrypt)),
                      "key-usage-encrypt", 0));
    CHECK(smimekit::verify_chain(cert("users/dave-sign.der"), kCas, kRoot, at_2030(Purpose::SmimeSign)).valid());
    CHECK(has_problem(smimekit::verify_chain(cert("users/dave-encrypt.der"), kCas, kRoot, at_2030(Purpose::SmimeSign)),
                      "key-usage-sign", 0));
    CHECK(has_problem(smimekit::verify_chain(cert("users/noeku.der"), kCas, kRoot, at_2030(Purpose::SmimeSign)),
                      "no-email-protection-eku", 0));
    CHECK(smimekit::verify_chain(cert("users/noeku.der"), kCas, kRoot, at_2030(Purpose::Any)).valid());
}

TEST_CASE("--email and --eku requirements") {
    auto options = at_2030();
    options.email = "alice@EXAMPLE.org";
    CHECK(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options).valid());
    options.email = "Alice@example.org";
    CHECK(has_problem(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, options), "email-mismatch", 0));
    options.email = "erin@example.org";
    CHECK(smimekit::verify_chain(cert("users/subject-email-only.der"), kCas, kRoot, options).valid());

    auto eku = at_2030();
    eku.required_ekus = {smimekit::eku_oid("clientAuth")};
    CHECK(has_problem(smimekit::verify_chain(cert("users/alice.der"), kCas, kRoot, eku), "eku-missing", 0));
    CHECK(smimekit::verify_chain(cert("users/noeku.der"), kCas, kRoot, eku).valid());
    CHECK(smimekit::eku_oid("emailProtection") == "1.3.6.1.5.5.7.3.4");
    CHECK(smimekit::eku_oid("1.2.3.4") == "1.2.3.4");
    CHECK(fixture::errc_of([] { smimekit::eku_oid("noSuchUsage"); }) == smimekit::Errc::InvalidArgument);
}

TEST_CASE("the store finds issuers by canonical name and ignores duplicates") {
    Store s;
    CHECK(s.add(cert("ca/inter-rsa.pem")));
    CHECK_FALSE(s.add(cert("ca/inter-rsa.der")));
    s.add(cert("chains/decoy-inter.pem"));
    const auto candidates = s.issuer_candidates(cert("users/alice.der"));
    REQUIRE(candidates.size() == 2);
    // The one whose subject key id matches alice's authority key id comes first.
    CHECK(candidates[0] == cert("ca/inter-rsa.pem"));
}

}  // TEST_SUITE("chain")
