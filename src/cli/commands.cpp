// SPDX-License-Identifier: Apache-2.0
// The command registry: one line per command, in the order `smimekit help` lists them.
// No static registrars: what exists is what is written here.
#include "cli/command.hpp"

namespace smimekit::cli {

std::unique_ptr<Command> make_inspect_command();
std::unique_ptr<Command> make_convert_command();
std::unique_ptr<Command> make_sst_create_command();
std::unique_ptr<Command> make_sst_list_command();
std::unique_ptr<Command> make_sst_extract_command();

std::vector<CommandEntry> make_commands() {
    std::vector<CommandEntry> entries;
    entries.emplace_back(make_inspect_command());
    entries.emplace_back(make_convert_command());

    CommandGroup sst{"sst", "read and write Microsoft serialized certificate stores (.sst)", {}};
    sst.commands.push_back(make_sst_create_command());
    sst.commands.push_back(make_sst_list_command());
    sst.commands.push_back(make_sst_extract_command());
    entries.emplace_back(std::move(sst));
    return entries;
}

}  // namespace smimekit::cli
