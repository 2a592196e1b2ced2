// SPDX-License-Identifier: Apache-2.0
// Exit codes: the single switch from Errc to a process status (no default, so a new Errc is a
// compiler warning until it is mapped).
#include "cli/exit_code.hpp"

namespace smimekit::cli {

ExitCode exit_code_for(Errc code) noexcept {
    switch (code) {
        case Errc::InvalidArgument: return ExitCode::Usage;
        case Errc::NotFound: return ExitCode::Input;
        case Errc::Malformed: return ExitCode::Input;
        case Errc::BadPassword: return ExitCode::Secret;
        case Errc::KeyMismatch: return ExitCode::Secret;
        case Errc::Unsupported: return ExitCode::Unsupported;
        case Errc::Database: return ExitCode::Database;
        case Errc::Io: return ExitCode::Io;
        case Errc::Internal: return ExitCode::Internal;
    }
    return ExitCode::Internal;
}

ExitCode most_severe(ExitCode a, ExitCode b) noexcept {
    return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

std::string_view exit_code_table() {
    return "  0   success, or the answer is \"yes\"\n"
           "  1   the answer is \"no\": not valid, not fit, signature bad, something expiring\n"
           "  2   usage: unknown command or option, missing or conflicting arguments\n"
           "  3   input: file missing, not a regular file, unparsable, or over a size cap\n"
           "  4   secret: wrong password, key does not match, no recipient matches\n"
           "  5   unsupported algorithm or format\n"
           "  6   inventory database problem\n"
           "  7   I/O: permission denied, read or write error, disk full\n"
           " 70   internal error (a bug: please report it)\n"
           "With several inputs, every input is processed and the highest code met is returned.\n";
}

}  // namespace smimekit::cli
