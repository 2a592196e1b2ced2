// SPDX-License-Identifier: Apache-2.0
// Usage mistakes, worded once. Boost.Program_options' own messages are replaced because they
// vary in style ("the option '--out' is required but missing") and sometimes name the option
// without its dashes.
#include "cli/usage_errors.hpp"

#include <boost/program_options/errors.hpp>

namespace smimekit::cli::usage {
namespace {

std::string dashed(std::string name) {
    if (name.empty() || name.front() == '-') {
        return name;
    }
    return (name.size() == 1 ? "-" : "--") + name;
}

std::string option_list(std::initializer_list<std::string_view> options) {
    std::string text;
    std::size_t i = 0;
    for (const std::string_view option : options) {
        if (i > 0) {
            text += i + 1 == options.size() ? " or " : ", ";
        }
        text += dashed(std::string(option));
        ++i;
    }
    return text;
}

}  // namespace

UsageError unknown_command(std::string_view word, std::string_view group) {
    if (group.empty()) {
        return UsageError("unknown command '" + std::string(word) + "'");
    }
    return UsageError("unknown command '" + std::string(group) + " " + std::string(word) + "'");
}

UsageError missing_subcommand(std::string_view group) {
    return UsageError("'" + std::string(group) + "' needs a subcommand");
}

UsageError missing_option(std::string_view option) {
    return UsageError("missing required option " + dashed(std::string(option)));
}

UsageError missing_operand(std::string_view what) {
    return UsageError("missing " + std::string(what));
}

UsageError conflicting_options(std::string_view first, std::string_view second) {
    return UsageError(dashed(std::string(first)) + " and " + dashed(std::string(second)) +
                      " cannot be used together");
}

UsageError need_one_of(std::initializer_list<std::string_view> options) {
    return UsageError("give one of " + option_list(options));
}

UsageError only_one_of(std::initializer_list<std::string_view> options) {
    return UsageError("give only one of " + option_list(options));
}

UsageError bad_value(std::string_view option, std::string_view value, std::string_view why) {
    std::string text = "invalid value '" + std::string(value) + "' for " + dashed(std::string(option));
    if (!why.empty()) {
        text += ": " + std::string(why);
    }
    return UsageError(text);
}

UsageError from_program_options(const boost::program_options::error& error) {
    namespace po = boost::program_options;
    if (const auto* e = dynamic_cast<const po::required_option*>(&error)) {
        return missing_option(e->get_option_name());
    }
    if (const auto* e = dynamic_cast<const po::unknown_option*>(&error)) {
        return UsageError("unknown option '" + e->get_option_name() + "'");
    }
    if (const auto* e = dynamic_cast<const po::invalid_option_value*>(&error)) {
        return UsageError("invalid value for " + dashed(e->get_option_name()));
    }
    if (const auto* e = dynamic_cast<const po::multiple_occurrences*>(&error)) {
        return UsageError(dashed(e->get_option_name()) + " may be given only once");
    }
    if (dynamic_cast<const po::too_many_positional_options_error*>(&error) != nullptr) {
        return UsageError("too many arguments");
    }
    if (const auto* e = dynamic_cast<const po::invalid_command_line_syntax*>(&error)) {
        if (e->kind() == po::invalid_syntax::missing_parameter) {
            return UsageError(dashed(e->get_option_name()) + " needs a value");
        }
        if (e->kind() == po::invalid_syntax::extra_parameter) {
            return UsageError(dashed(e->get_option_name()) + " takes no value");
        }
    }
    if (const auto* e = dynamic_cast<const po::ambiguous_option*>(&error)) {
        return UsageError("ambiguous option '" + e->get_option_name() + "'");
    }
    return UsageError(error.what());
}

}  // namespace smimekit::cli::usage
