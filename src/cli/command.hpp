// SPDX-License-Identifier: Apache-2.0
// The shape of a CLI command: it declares its options, the runner parses and validates them,
// and run() calls the library and renders the result. One file per command (cmd_<name>.cpp),
// registered explicitly in commands.cpp, in help order.
#pragma once

#include "cli/exit_code.hpp"
#include "cli/io.hpp"
#include "cli/usage_errors.hpp"

#include <boost/program_options.hpp>

#include <memory>
#include <string_view>
#include <variant>
#include <vector>

namespace smimekit::cli {

namespace po = boost::program_options;

/// What `smimekit CMD --help` prints besides the options.
struct Help {
    std::string_view usage;        ///< "sst create -o OUT.sst INPUT... [options]" (no "smimekit ")
    std::string_view description;  ///< what the command answers, a paragraph or two
    std::string_view exit_status;  ///< the codes this command returns, one per line
    std::string_view examples;     ///< command lines with a comment each
};

/// Options as a command declares them. Positional arguments need a named option; declare
/// those in `hidden` so that --help lists only real options.
struct OptionSet {
    po::options_description visible{"Options"};
    po::options_description hidden{"Hidden"};
    po::positional_options_description positional;
};

class Command {
public:
    Command() = default;
    Command(const Command&) = delete;
    Command& operator=(const Command&) = delete;
    Command(Command&&) = delete;
    Command& operator=(Command&&) = delete;
    virtual ~Command() = default;

    /// The word users type: "inspect", or "create" inside the "sst" group.
    virtual std::string_view name() const = 0;
    /// One line for the command list.
    virtual std::string_view summary() const = 0;
    virtual Help help() const = 0;

    /// Declares options only; values land in the command's members.
    virtual void declare(OptionSet& options) = 0;
    /// Cross-option checks after parsing (conflicts, one-of); throws UsageError.
    virtual void validate(const po::variables_map& given) { (void)given; }
    /// Does the work through the library, renders it, and says how it went.
    virtual ExitCode run(Io& io) = 0;
};

/// A word that groups subcommands: `smimekit sst create`.
struct CommandGroup {
    std::string_view name;
    std::string_view summary;
    std::vector<std::unique_ptr<Command>> commands;
};

using CommandEntry = std::variant<std::unique_ptr<Command>, CommandGroup>;

/// Every command, in the order `smimekit help` lists them (commands.cpp).
std::vector<CommandEntry> make_commands();

// ---- options several commands share (options.cpp) --------------------------------------

/// --json: machine-readable output on stdout (docs/json.md).
void add_json_option(OptionSet& options, bool& json);
/// --force: replace an existing output file.
void add_force_option(OptionSet& options, bool& force);
/// --password-file / --password-env / --password-stdin (or --<prefix>-file ... for another
/// prefix such as "out-password"). `what` completes "... for <what>" in the help.
void add_password_options(OptionSet& options, PasswordSource& source,
                          std::string_view prefix = "password",
                          std::string_view what = "the .p12 or encrypted key");
/// Throws UsageError if more than one source of `source` is given.
void validate_password_source(const PasswordSource& source, std::string_view prefix = "password");

/// Parses a --at/--now style value; throws UsageError naming `option`.
TimePoint parse_time_option(std::string_view option, std::string_view value);

}  // namespace smimekit::cli
