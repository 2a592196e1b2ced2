// SPDX-License-Identifier: Apache-2.0
// The exit-code table (README "Exit status", `smimekit help exit-codes`). Frozen once released:
// scripts parse these numbers.
#pragma once

#include <smimekit/error.hpp>

#include <string_view>

namespace smimekit::cli {

enum class ExitCode : int {
    Ok = 0,            ///< success, or the answer is "yes"
    Negative = 1,      ///< ran fine, the answer is "no" (a verdict)
    Usage = 2,         ///< unknown command or option, missing or conflicting arguments
    Input = 3,         ///< input missing, not a regular file, unparsable, or over a size cap
    Secret = 4,        ///< wrong password, key mismatch, no matching recipient
    Unsupported = 5,   ///< an algorithm or format this build cannot handle
    Database = 6,      ///< the inventory database cannot be used
    Io = 7,            ///< the operating system refused a read or a write
    Internal = 70,     ///< a bug in smimekit (EX_SOFTWARE)
};

/// The one mapping from a library error class to an exit code.
ExitCode exit_code_for(Errc code) noexcept;

/// The more severe of two outcomes. Severity is the numeric order: any error outranks the
/// verdict 1, and a command with several inputs exits with the worst one it met.
ExitCode most_severe(ExitCode a, ExitCode b) noexcept;

/// The table as text, for `smimekit help exit-codes` and every command's EXIT STATUS section.
std::string_view exit_code_table();

}  // namespace smimekit::cli
