// SPDX-License-Identifier: Apache-2.0
// Options that several commands share, declared and worded once.
#include "cli/command.hpp"

namespace smimekit::cli {

void add_json_option(OptionSet& options, bool& json) {
    options.visible.add_options()("json", po::bool_switch(&json),
                                  "print machine-readable JSON on stdout (see docs/json.md)");
}

void add_force_option(OptionSet& options, bool& force) {
    options.visible.add_options()("force", po::bool_switch(&force),
                                  "replace an output file that already exists");
}

void add_password_options(OptionSet& options, PasswordSource& source, std::string_view prefix,
                          std::string_view what) {
    const std::string base(prefix);
    const std::string target(what);
    source.prefix = base;
    // Boost keeps the option names and descriptions it is given, so these strings are copied
    // into it; the `source` members must outlive the parse (they are the command's members).
    options.visible.add_options()
        ((base + "-file").c_str(), po::value(&source.file)->value_name("FILE"),
         ("read the password for " + target + " from the first line of FILE").c_str())
        ((base + "-env").c_str(), po::value(&source.env)->value_name("VAR"),
         ("read the password for " + target + " from environment variable VAR").c_str())
        ((base + "-stdin").c_str(), po::bool_switch(&source.from_stdin),
         ("read the password for " + target + " from the first line of standard input").c_str());
}

void validate_password_source(const PasswordSource& source, std::string_view prefix) {
    const int given = (source.file.empty() ? 0 : 1) + (source.env.empty() ? 0 : 1) +
                      (source.from_stdin ? 1 : 0);
    if (given > 1) {
        const std::string base(prefix);
        throw usage::only_one_of({base + "-file", base + "-env", base + "-stdin"});
    }
}

TimePoint parse_time_option(std::string_view option, std::string_view value) {
    try {
        return parse_time(value);
    } catch (const Error& error) {
        throw usage::bad_value(option, value,
                               "use RFC 3339 (2030-01-01T00:00:00Z), a date, or Unix seconds");
    }
}

}  // namespace smimekit::cli
