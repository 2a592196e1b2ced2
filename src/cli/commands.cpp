// SPDX-License-Identifier: Apache-2.0
// The command registry: one line per command, in the order `smimekit help` lists them.
// No static registrars: what exists is what is written here.
#include "cli/command.hpp"

namespace smimekit::cli {

std::vector<CommandEntry> make_commands() {
    std::vector<CommandEntry> entries;
    return entries;
}

}  // namespace smimekit::cli
