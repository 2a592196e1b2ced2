// SPDX-License-Identifier: Apache-2.0
// --engine / --trust-engine and the rendering of the two validators' verdicts. OpenSSL's
// verdict is the chain result itself (print_chain_result shows it); this adds Botan's, and
// says whether a difference is a known Botan limit, Botan's policy, or a disagreement.
#include "cli/engines.hpp"
#include "cli/render.hpp"

namespace smimekit::cli {
namespace {

std::string verdict_text(const std::vector<ChainProblem>& problems) {
    return problems.empty()
               ? "valid"
               : "NOT VALID (" + count_text(problems.size(), "problem", "problems") + ")";
}

std::string_view agreement_text(EngineAgreement agreement) {
    switch (agreement) {
        case EngineAgreement::Agree:
            return "";
        case EngineAgreement::BotanLimit:
            return " (a known Botan 2 limit, not a second verdict)";
        case EngineAgreement::PolicyDifference:
            return " (Botan's stricter default policy, not a second verdict)";
        case EngineAgreement::Disagree:
            return " (DISAGREES with OpenSSL)";
    }
    return "";
}

Json problems_json(const std::vector<ChainProblem>& problems) {
    Json list = Json::array();
    for (const ChainProblem& problem : problems) {
        list.push_back(chain_problem_json(problem));
    }
    return list;
}

Json verdict_json(const std::vector<ChainProblem>& problems) {
    return JsonObject(2)
        .add("valid", problems.empty())
        .add("problems", problems_json(problems))
        .done();
}

}  // namespace

void EngineOptions::declare(OptionSet& options) {
    options.visible.add_options()(
        "engine", po::value(&engine)->value_name("E"),
        "both (default): OpenSSL decides and Botan 2 gives a second opinion on the same path; "
        "openssl or botan: that engine alone")(
        "trust-engine", po::value(&trust_engine)->value_name("E"),
        "with --engine both: openssl or botan, whose verdict stands when the engines disagree "
        "(otherwise a disagreement fails)");
}

void EngineOptions::apply(VerifyOptions& options) const {
    if (engine.empty() || engine == "both") {
        options.engines = EngineChoice::Both;
    } else if (engine == "openssl") {
        options.engines = EngineChoice::OpenSsl;
    } else if (engine == "botan") {
        options.engines = EngineChoice::Botan;
    } else {
        throw usage::bad_value("engine", engine, "use openssl, botan or both");
    }
    if (trust_engine.empty()) {
        return;
    }
    if (options.engines != EngineChoice::Both) {
        throw usage::bad_value("trust-engine", trust_engine,
                               "it settles disagreements of --engine both");
    }
    if (trust_engine == "openssl") {
        options.trust_engine = Engine::OpenSsl;
    } else if (trust_engine == "botan") {
        options.trust_engine = Engine::Botan;
    } else {
        throw usage::bad_value("trust-engine", trust_engine, "use openssl or botan");
    }
}

void print_engines(std::ostream& out, const ChainResult& result, EngineChoice choice) {
    switch (choice) {
        case EngineChoice::OpenSsl:
            return;  // the output OpenSSL alone always had
        case EngineChoice::Botan:
            print_field(out, "  ", "engine", "Botan 2 alone (OpenSSL not run)");
            return;
        case EngineChoice::Both:
            break;
    }
    print_field(
        out, "  ", "openssl",
        result.status == ChainStatus::Incomplete ? "INCOMPLETE" : verdict_text(result.problems));
    if (!result.second_opinion) {
        print_field(out, "  ", "botan", "not run: no path to a trust anchor");
        return;
    }
    const SecondOpinion& botan = *result.second_opinion;
    const EngineComparison& comparison = botan.comparison;
    print_field(out, "  ", "botan",
                verdict_text(botan.problems) + std::string(agreement_text(comparison.agreement)));
    for (const ChainProblem& problem : botan.problems) {
        print_field(out, "  ", "botan problem", problem.code + ": " + problem.message);
    }
    for (const KnownDifference& known : comparison.known) {
        print_field(out, "  ", known.kind == EngineAgreement::PolicyDifference ? "policy" : "limit",
                    known.code + ": " + known.reason + " (" +
                        std::string(engine_name(known.reported_by)) + ": " + known.problem.code +
                        ")");
    }
    if (comparison.agreement == EngineAgreement::Disagree) {
        std::string text = "the engines' verdicts differ and no known limit explains it";
        text += botan.trust_engine
                    ? "; --trust-engine " + std::string(engine_name(*botan.trust_engine)) +
                          ": its verdict stands"
                    : "; --trust-engine openssl lets OpenSSL decide";
        print_field(out, "  ", "DISAGREEMENT", text);
    }
}

Json engines_json(const ChainResult& result, EngineChoice choice) {
    Json used = Json::array();
    Json openssl = nullptr;
    Json botan = nullptr;
    if (choice != EngineChoice::Botan) {
        used.push_back("openssl");
        openssl = verdict_json(result.problems);
    }
    if (choice != EngineChoice::OpenSsl) {
        used.push_back("botan");
        if (result.engine == Engine::Botan) {
            botan = verdict_json(result.problems);
        } else if (result.second_opinion) {
            botan = verdict_json(result.second_opinion->problems);
        }
    }
    Json agreement = nullptr;
    Json known = Json::array();
    Json unexplained = Json::array();
    Json trust = nullptr;
    if (result.second_opinion) {
        const EngineComparison& comparison = result.second_opinion->comparison;
        agreement = agreement_name(comparison.agreement);
        for (const KnownDifference& k : comparison.known) {
            known.push_back(JsonObject(5)
                                .add("engine", engine_name(k.reported_by))
                                .add("code", k.code)
                                .add("kind", agreement_name(k.kind))
                                .add("problem", chain_problem_json(k.problem))
                                .add("reason", k.reason)
                                .done());
        }
        for (const auto& [engine, problem] : comparison.unexplained) {
            unexplained.push_back(JsonObject(2)
                                      .add("engine", engine_name(engine))
                                      .add("problem", chain_problem_json(problem))
                                      .done());
        }
        if (result.second_opinion->trust_engine) {
            trust = engine_name(*result.second_opinion->trust_engine);
        }
    }
    return JsonObject(9)
        .add("used", std::move(used))
        .add("decided_by", engine_name(result.engine))
        .add("openssl", std::move(openssl))
        .add("botan", std::move(botan))
        .add("agreement", std::move(agreement))
        .add("known_differences", std::move(known))
        .add("unexplained", std::move(unexplained))
        .add("trust_engine", std::move(trust))
        .add("accepted", result.accepted())
        .done();
}

}  // namespace smimekit::cli
