// SPDX-License-Identifier: Apache-2.0
// The catalogue of usage mistakes (exit 2), so the same mistake always reads the same way.
#pragma once

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace boost::program_options {
class error;
}  // namespace boost::program_options

namespace smimekit::cli {

/// A mistake in the command line. The runner prints it, the command's one-line usage and a
/// pointer to --help, and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace usage {

UsageError unknown_command(std::string_view word, std::string_view group = {});
UsageError missing_subcommand(std::string_view group);
UsageError missing_option(std::string_view option);
UsageError missing_operand(std::string_view what);
UsageError conflicting_options(std::string_view first, std::string_view second);
UsageError need_one_of(std::initializer_list<std::string_view> options);
UsageError only_one_of(std::initializer_list<std::string_view> options);
UsageError bad_value(std::string_view option, std::string_view value, std::string_view why);
/// Boost.Program_options' exceptions, reworded in our voice.
UsageError from_program_options(const boost::program_options::error& error);

}  // namespace usage
}  // namespace smimekit::cli
