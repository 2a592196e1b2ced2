// SPDX-License-Identifier: Apache-2.0
// tests for the two validators of smimekit/chain.hpp (Engine, validate_path with an engine,
// compare_engines, verify_chain with EngineChoice): every chain of the edge corpus
// certs-test/edge/ (made by scripts/make-edge-chains.sh; expected.txt holds each engine's
// verdict and codes, and tests/interop/edge_openssl.sh ties its OpenSSL column to `openssl
// verify`), then the engines inside verify_chain over the chains of certs-test/.
#include <smimekit/chain.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

using smimekit::Certificate;
using smimekit::ChainProblem;
using smimekit::Engine;
using smimekit::EngineAgreement;
using smimekit::EngineChoice;
using smimekit::Purpose;
using smimekit::Store;
using smimekit::VerifyOptions;

namespace {

/// One line of certs-test/edge/expected.txt (its format is explained in the generator).
struct EdgeChain {
    std::string name;
    std::string time;
    std::string purpose;
    std::vector<std::string> path;
    std::vector<std::string> options;
    std::string openssl;
    std::string botan;
    std::string classification;
};

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, separator);) {
        parts.push_back(part);
    }
    return parts;
}

std::vector<EdgeChain> edge_corpus() {
    std::vector<EdgeChain> corpus;
    std::istringstream lines(fixture::text("edge/expected.txt"));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::istringstream fields(line);
        EdgeChain chain;
        std::string path;
        std::string options;
        fields >> chain.name >> chain.time >> chain.purpose >> path >> options >> chain.openssl >>
            chain.botan >> chain.classification;
        REQUIRE_MESSAGE(!chain.classification.empty(), "a short line in expected.txt: " << line);
        chain.path = split(path, ',');
        if (options != "-") {
            chain.options = split(options, ',');
        }
        corpus.push_back(std::move(chain));
    }
    return corpus;
}

Certificate cert(std::string_view name) {
    return smimekit::load_certificate(fixture::path(name));
}

VerifyOptions options_for(const EdgeChain& chain) {
    VerifyOptions options;
    options.time = fixture::at(chain.time);
    if (chain.purpose == "smime-sign") {
        options.purpose = Purpose::SmimeSign;
    } else if (chain.purpose == "smime-encrypt") {
        options.purpose = Purpose::SmimeEncrypt;
    }
    for (const std::string& option : chain.options) {
        if (option.rfind("crl:", 0) == 0) {
            for (auto& crl :
                 smimekit::load_crls(fixture::path("edge/" + option.substr(4) + ".crl.pem"))) {
                options.crls.push_back(std::move(crl));
            }
        } else if (option == "crl-all") {
            options.crl_check = smimekit::CrlCheck::All;
        } else if (option.rfind("max-depth:", 0) == 0) {
            options.max_depth = std::stoi(option.substr(10));
        } else if (option.rfind("email:", 0) == 0) {
            options.email = option.substr(6);
        } else {
            FAIL("unknown option " << option);
        }
    }
    return options;
}

/// "valid", or "code@depth,..." sorted: the form of expected.txt.
std::string codes(const std::vector<ChainProblem>& problems) {
    std::set<std::string> sorted;
    for (const ChainProblem& problem : problems) {
        sorted.insert(problem.code + "@" + std::to_string(problem.depth));
    }
    std::string text;
    for (const std::string& code : sorted) {
        text += (text.empty() ? "" : ",") + code;
    }
    return text.empty() ? "valid" : text;
}

/// The expected column in the same order as codes() (expected.txt's order may differ).
std::string normalised(const std::string& column) {
    if (column == "valid") {
        return column;
    }
    std::set<std::string> sorted;
    for (const std::string& code : split(column, ',')) {
        sorted.insert(code);
    }
    std::string text;
    for (const std::string& code : sorted) {
        text += (text.empty() ? "" : ",") + code;
    }
    return text;
}

Store store(std::initializer_list<std::string_view> names) {
    Store s;
    for (const auto name : names) {
        s.add(cert(name));
    }
    return s;
}

}  // namespace

TEST_SUITE("chain_engines") {
    TEST_CASE("the edge corpus holds at least 30 chains and covers every classification") {
        const auto corpus = edge_corpus();
        CHECK(corpus.size() >= 30);
        std::set<std::string> classes;
        for (const EdgeChain& chain : corpus) {
            classes.insert(chain.classification);
        }
        CHECK(classes == std::set<std::string>{"agree", "botan-limit", "policy-difference"});
    }

    TEST_CASE(
        "every edge chain: each engine gives its expected verdict and codes, no unexplained "
        "disagreement") {
        int disagreements = 0;
        for (const EdgeChain& chain : edge_corpus()) {
            INFO("chain " << chain.name);
            std::vector<Certificate> path;
            for (const std::string& stem : chain.path) {
                path.push_back(cert("edge/" + stem + ".pem"));
            }
            const VerifyOptions options = options_for(chain);
            const auto openssl = smimekit::validate_path(path, options, Engine::OpenSsl);
            const auto botan = smimekit::validate_path(path, options, Engine::Botan);
            CHECK(codes(openssl) == normalised(chain.openssl));
            CHECK(codes(botan) == normalised(chain.botan));
            const auto comparison = smimekit::compare_engines(path, openssl, botan);
            CHECK(smimekit::agreement_name(comparison.agreement) == chain.classification);
            if (comparison.agreement == EngineAgreement::Disagree) {
                ++disagreements;
                for (const auto& [engine, problem] : comparison.unexplained) {
                    MESSAGE(smimekit::engine_name(engine)
                            << ": " << problem.code << ": " << problem.message);
                }
            }
            // A known difference is one engine's problem the other lacks; when the verdicts
            // differ, all of them are explained.
            if (comparison.agreement == EngineAgreement::BotanLimit ||
                comparison.agreement == EngineAgreement::PolicyDifference) {
                CHECK(comparison.unexplained.empty());
                CHECK(!comparison.known.empty());
            }
        }
        CHECK(disagreements == 0);
    }

    TEST_CASE("a known limit is named and explained, not counted as a second verdict") {
        const std::vector<Certificate> path{cert("edge/leaf-nc-ok.pem"),
                                            cert("edge/inter-nc-email.pem"), cert("edge/root.pem")};
        VerifyOptions options;
        options.time = fixture::now();
        const auto comparison =
            smimekit::compare_engines(path, smimekit::validate_path(path, options, Engine::OpenSsl),
                                      smimekit::validate_path(path, options, Engine::Botan));
        CHECK(comparison.agreement == EngineAgreement::BotanLimit);
        REQUIRE(comparison.known.size() == 1);
        CHECK(comparison.known[0].code == "botan-email-name-constraints");
        CHECK(comparison.known[0].reported_by == Engine::Botan);
        CHECK(comparison.known[0].problem.code == "name-constraints");
        CHECK(comparison.known[0].reason.find("rfc822Name") != std::string::npos);
    }

    TEST_CASE("a difference nothing explains is a disagreement, with both engines' reasons") {
        // A fabricated Botan verdict: a signature failure OpenSSL did not see.
        const std::vector<Certificate> path{cert("edge/leaf.pem"), cert("edge/inter.pem"),
                                            cert("edge/root.pem")};
        const std::vector<ChainProblem> botan{
            {"bad-signature", "'CN=Edge Leaf': Botan: signature error", 0}};
        const auto comparison = smimekit::compare_engines(path, {}, botan);
        CHECK(comparison.agreement == EngineAgreement::Disagree);
        REQUIRE(comparison.unexplained.size() == 1);
        CHECK(comparison.unexplained[0].first == Engine::Botan);
        CHECK(comparison.unexplained[0].second.code == "bad-signature");
        // A SHA-1 complaint about a SHA-256 signature is not the SHA-1 policy either.
        const std::vector<ChainProblem> weak{
            {"weak-hash", "'CN=Edge Leaf': Botan: untrusted hash", 0}};
        CHECK(smimekit::compare_engines(path, {}, weak).agreement == EngineAgreement::Disagree);
        // Both invalid, for different reasons: the same verdict.
        const std::vector<ChainProblem> expired{{"expired", "'CN=Edge Leaf' expired", 0}};
        CHECK(smimekit::compare_engines(path, expired, botan).agreement == EngineAgreement::Agree);
    }

    TEST_CASE("verify_chain with both engines: Botan judges the path OpenSSL chose") {
        const Store root = store({"ca/root-rsa.pem"});
        const Store cas = store({"ca/inter-rsa.pem", "ca/inter-ec.pem"});
        VerifyOptions options;
        options.time = fixture::now();
        options.purpose = Purpose::SmimeSign;
        options.engines = EngineChoice::Both;

        SUBCASE("alice: both valid") {
            const auto result = smimekit::verify_chain(cert("users/alice.der"), cas, root, options);
            CHECK(result.engine == Engine::OpenSsl);
            REQUIRE(result.second_opinion);
            CHECK(result.second_opinion->engine == Engine::Botan);
            CHECK(result.second_opinion->problems.empty());
            CHECK(result.second_opinion->comparison.agreement == EngineAgreement::Agree);
            CHECK(result.accepted());
        }
        SUBCASE("sha1: OpenSSL valid, Botan's policy differs, still accepted") {
            const auto result = smimekit::verify_chain(cert("users/sha1.der"), cas, root, options);
            CHECK(result.valid());
            REQUIRE(result.second_opinion);
            CHECK(codes(result.second_opinion->problems) == "weak-hash@0");
            CHECK(result.second_opinion->comparison.agreement == EngineAgreement::PolicyDifference);
            CHECK(result.accepted());
        }
        SUBCASE("e-mail name constraints: a Botan limit, still accepted") {
            const auto result = smimekit::verify_chain(
                cert("chains/nc-ok.pem"), store({"chains/nc-inter.pem"}), root, options);
            CHECK(result.valid());
            CHECK(result.second_opinion->comparison.agreement == EngineAgreement::BotanLimit);
            CHECK(result.accepted());
        }
        SUBCASE("our S/MIME rules apply on top of Botan too") {
            const auto result = smimekit::verify_chain(cert("users/noeku.der"), cas, root, options);
            CHECK(codes(result.problems) == "no-email-protection-eku@0");
            CHECK(codes(result.second_opinion->problems) == "no-email-protection-eku@0");
            CHECK(result.second_opinion->comparison.agreement == EngineAgreement::Agree);
            CHECK(!result.accepted());
        }
        SUBCASE("no path to an anchor: Botan has nothing to judge") {
            const auto result =
                smimekit::verify_chain(cert("chains/orphan-user.pem"), cas, root, options);
            CHECK(result.status == smimekit::ChainStatus::Incomplete);
            CHECK(!result.second_opinion);
        }
        SUBCASE("CRLs reach Botan: a revoked leaf is revoked for both") {
            options.purpose = Purpose::Any;
            options.crls = smimekit::load_crls(fixture::path("chains/inter-rsa.crl.pem"));
            const auto result =
                smimekit::verify_chain(cert("chains/revoked-user.pem"), cas, root, options);
            CHECK(codes(result.problems) == "revoked@0");
            CHECK(codes(result.second_opinion->problems) == "revoked@0");
        }
    }

    TEST_CASE("verify_chain with Botan alone: Botan's verdict decides") {
        VerifyOptions options;
        options.time = fixture::now();
        options.engines = EngineChoice::Botan;
        const Store root = store({"ca/root-rsa.pem"});
        const auto result = smimekit::verify_chain(cert("users/sha1.der"),
                                                   store({"ca/inter-rsa.pem"}), root, options);
        CHECK(result.engine == Engine::Botan);
        CHECK(!result.second_opinion);
        CHECK(result.status == smimekit::ChainStatus::Invalid);
        CHECK(codes(result.problems) == "weak-hash@0");
        CHECK(!result.accepted());
        CHECK(smimekit::verify_chain(cert("users/alice.der"), store({"ca/inter-rsa.pem"}), root,
                                     options)
                  .accepted());
    }

    TEST_CASE("an unexplained disagreement fails unless an engine is trusted to settle it") {
        smimekit::ChainResult result;
        result.status = smimekit::ChainStatus::Valid;
        result.second_opinion.emplace();
        result.second_opinion->problems = {{"bad-signature", "Botan says so", 0}};
        result.second_opinion->comparison.agreement = EngineAgreement::Disagree;
        CHECK(!result.accepted());
        result.second_opinion->trust_engine = Engine::OpenSsl;
        CHECK(result.accepted());
        result.second_opinion->trust_engine = Engine::Botan;
        CHECK(!result.accepted());
    }

    TEST_CASE("engine and agreement names are the CLI's spelling") {
        CHECK(smimekit::engine_name(Engine::OpenSsl) == "openssl");
        CHECK(smimekit::engine_name(Engine::Botan) == "botan");
        CHECK(smimekit::agreement_name(EngineAgreement::Agree) == "agree");
        CHECK(smimekit::agreement_name(EngineAgreement::BotanLimit) == "botan-limit");
        CHECK(smimekit::agreement_name(EngineAgreement::PolicyDifference) == "policy-difference");
        CHECK(smimekit::agreement_name(EngineAgreement::Disagree) == "disagree");
    }

}  // TEST_SUITE("chain_engines")
