// SPDX-License-Identifier: Apache-2.0
// The two validators on the command line: --engine / --trust-engine, and how each engine's
// verdict, the known Botan limits and a disagreement look in text and in JSON (docs/json.md,
// the "engines" key of chain verify).
#pragma once

#include "cli/command.hpp"
#include "cli/json.hpp"

#include <smimekit/chain.hpp>

#include <ostream>
#include <string>

namespace smimekit::cli {

/// --engine openssl|botan|both and --trust-engine openssl|botan.
struct EngineOptions {
    std::string engine;
    std::string trust_engine;

    void declare(OptionSet& options);
    /// Sets options.engines (both unless --engine says otherwise) and options.trust_engine;
    /// throws UsageError for an unknown value, or --trust-engine without --engine both.
    void apply(VerifyOptions& options) const;
};

/// After print_chain_result: one line per engine that ran, then the known differences as
/// limits, and an unexplained disagreement with both engines' reasons.
void print_engines(std::ostream& out, const ChainResult& result, EngineChoice choice);
Json engines_json(const ChainResult& result, EngineChoice choice);

}  // namespace smimekit::cli
