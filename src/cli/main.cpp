// SPDX-License-Identifier: Apache-2.0
// The runner: finds the command (nested: `smimekit sst create`), parses its options with
// Boost.Program_options, prints help, runs it, and turns every outcome into an exit code.
// This is the only place that catches exceptions for the process.
#include "cli/command.hpp"
#include "cli/os.hpp"

#include <smimekit/version.hpp>

#include <cctype>
#include <iostream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

namespace smimekit::cli {
namespace {

struct Found {
    Command* command = nullptr;
    const CommandGroup* group = nullptr;  ///< set when the user stopped at a group word
    std::string path;                     ///< "sst create"
    std::size_t consumed = 0;             ///< words of argv taken by the command path
};

/// Wraps `text` to `width` columns, indenting continuation lines by `indent` spaces.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
    std::string result;
    std::size_t column = indent;
    std::istringstream words{std::string(text)};
    std::string word;
    bool first = true;
    while (words >> word) {
        if (!first && column + 1 + word.size() > width) {
            result += '\n' + std::string(indent, ' ');
            column = indent;
        } else if (!first) {
            result += ' ';
            ++column;
        }
        result += word;
        column += word.size();
        first = false;
    }
    return result;
}

void print_options(std::ostream& out, const po::options_description& options) {
    constexpr std::size_t kColumn = 28;
    for (const auto& option : options.options()) {
        std::string names;
        const std::string short_name =
            option->canonical_display_name(po::command_line_style::allow_dash_for_short);
        if (short_name.size() == 2 && short_name[0] == '-' && short_name[1] != '-') {
            names = "  " + short_name + ", --" + option->long_name();
        } else {
            names = "      --" + option->long_name();
        }
        const std::string parameter = option->format_parameter();
        if (!parameter.empty()) {
            names += " " + parameter;
        }
        if (names.size() + 2 > kColumn) {
            out << names << '\n' << std::string(kColumn, ' ');
        } else {
            out << names << std::string(kColumn - names.size(), ' ');
        }
        out << wrap(option->description(), kColumn, 100) << '\n';
    }
}

/// A one-line summary as a sentence: capital first letter, final period.
std::string sentence(std::string_view summary) {
    std::string text(summary);
    if (!text.empty()) {
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    }
    return text + ".";
}

void add_common_options(OptionSet& options) {
    options.visible.add_options()
        ("help,h", "show this help and exit")
        ("verbose,v", "show the details of errors (OpenSSL's error queue, SQLite's message)")
        ("quiet,q", "do not print informational messages (errors and warnings still appear)");
    options.hidden.add_options()
        ("now", po::value<std::string>()->value_name("RFC3339"),
         "pin the clock (tests): every use of 'now' becomes this time");
}

void print_command_help(std::ostream& out, Command& command) {
    OptionSet options;
    command.declare(options);
    add_common_options(options);
    const Help help = command.help();
    out << "usage: smimekit " << help.usage << "\n\n";
    out << sentence(command.summary()) << '\n';
    if (!help.description.empty()) {
        out << '\n' << help.description;
        if (help.description.back() != '\n') {
            out << '\n';
        }
    }
    out << '\n';
    print_options(out, options.visible);
    out << "\nEXIT STATUS\n" << help.exit_status;
    if (!help.exit_status.empty() && help.exit_status.back() != '\n') {
        out << '\n';
    }
    out << "  See 'smimekit help exit-codes' for the whole table.\n";
    out << "\nEXAMPLES\n" << help.examples;
    if (!help.examples.empty() && help.examples.back() != '\n') {
        out << '\n';
    }
}

void print_overview(std::ostream& out, const std::vector<CommandEntry>& entries) {
    out << "smimekit " << version() << ": S/MIME certificates end to end\n\n"
        << "usage: smimekit COMMAND [options] [arguments]\n"
        << "       smimekit help [COMMAND...|exit-codes]\n"
        << "       smimekit --version\n\nCommands:\n";
    const auto line = [&out](const std::string& name, std::string_view summary) {
        constexpr std::size_t kColumn = 22;
        out << "  " << name << std::string(name.size() < kColumn ? kColumn - name.size() : 1, ' ')
            << summary << '\n';
    };
    for (const CommandEntry& entry : entries) {
        if (const auto* command = std::get_if<std::unique_ptr<Command>>(&entry)) {
            line(std::string((*command)->name()), (*command)->summary());
        } else {
            const auto& group = std::get<CommandGroup>(entry);
            for (const auto& sub : group.commands) {
                line(std::string(group.name) + " " + std::string(sub->name()), sub->summary());
            }
        }
    }
    out << "\nRun 'smimekit COMMAND --help' for its options, exit status and examples.\n";
}

void print_group_help(std::ostream& out, const CommandGroup& group) {
    out << "usage: smimekit " << group.name << " SUBCOMMAND [options] [arguments]\n\n"
        << sentence(group.summary) << "\n\nSubcommands:\n";
    for (const auto& sub : group.commands) {
        const std::string name(sub->name());
        out << "  " << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ')
            << sub->summary() << '\n';
    }
    out << "\nRun 'smimekit " << group.name << " SUBCOMMAND --help' for details.\n";
}

/// Resolves the command words at the start of `args`. Throws UsageError for unknown words.
Found find_command(std::vector<CommandEntry>& entries, const std::vector<std::string>& args) {
    Found found;
    const std::string& word = args.at(0);
    for (CommandEntry& entry : entries) {
        if (auto* command = std::get_if<std::unique_ptr<Command>>(&entry)) {
            if ((*command)->name() == word) {
                return {command->get(), nullptr, word, 1};
            }
            continue;
        }
        auto& group = std::get<CommandGroup>(entry);
        if (group.name != word) {
            continue;
        }
        if (args.size() < 2 || args[1].empty() || args[1][0] == '-') {
            return {nullptr, &group, word, 1};
        }
        for (auto& sub : group.commands) {
            if (sub->name() == args[1]) {
                return {sub.get(), nullptr, word + " " + args[1], 2};
            }
        }
        throw usage::unknown_command(args[1], group.name);
    }
    throw usage::unknown_command(word);
}

ExitCode usage_failure(const std::string& message, const Command* command,
                       const std::string& path) {
    std::cerr << "smimekit: error: " << message << '\n';
    if (command != nullptr) {
        std::cerr << "usage: smimekit " << command->help().usage << '\n'
                  << "smimekit: hint: see 'smimekit " << path << " --help'\n";
    } else {
        std::cerr << "smimekit: hint: see 'smimekit help'\n";
    }
    return ExitCode::Usage;
}

ExitCode run_command(Command& command, const std::vector<std::string>& args) {
    OptionSet options;
    command.declare(options);
    add_common_options(options);
    po::options_description all;
    all.add(options.visible).add(options.hidden);

    // Unique-prefix guessing is off: `--pass` must never silently mean `--password-file`.
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::variables_map given;
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(options.positional)
                  .style(style)
                  .run(),
              given);
    // Positional arguments are options to Boost; a missing one reads "missing FILE argument".
    for (unsigned i = 0; i < options.positional.max_total_count() && i < 8; ++i) {
        const std::string& positional = options.positional.name_for_position(i);
        const auto* option = all.find_nothrow(positional, false);
        if (option != nullptr && option->semantic()->is_required() && given.count(positional) == 0 &&
            given.count("help") == 0) {
            std::string upper = positional;
            for (char& c : upper) {
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            throw usage::missing_operand(upper + " argument");
        }
    }
    // --help before notify(): required options must not make `CMD --help` fail.
    if (given.count("help") != 0) {
        print_command_help(std::cout, command);
        return ExitCode::Ok;
    }
    po::notify(given);
    command.validate(given);

    IoSettings settings;
    settings.verbose = given.count("verbose") != 0;
    settings.quiet = given.count("quiet") != 0;
    if (given.count("now") != 0) {
        settings.pinned_now = parse_time_option("now", given["now"].as<std::string>());
    }
    Io io(settings);
    try {
        return command.run(io);
    } catch (const Error& error) {
        return io.report(error);
    }
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<CommandEntry> entries = make_commands();

    if (args.empty()) {
        std::cerr << "smimekit: error: no command given\n";
        print_overview(std::cerr, entries);
        return static_cast<int>(ExitCode::Usage);
    }
    if (args[0] == "--version" || args[0] == "-V") {
        std::cout << version_details();
        return 0;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        if (args.size() == 1 || args[0] != "help") {
            print_overview(std::cout, entries);
            return 0;
        }
        if (args[1] == "exit-codes") {
            std::cout << "smimekit exit codes (stable; scripts may rely on them):\n"
                      << exit_code_table();
            return 0;
        }
        const std::vector<std::string> topic(args.begin() + 1, args.end());
        const Found found = find_command(entries, topic);
        if (found.group != nullptr) {
            print_group_help(std::cout, *found.group);
        } else {
            print_command_help(std::cout, *found.command);
        }
        return 0;
    }
    if (args[0].front() == '-') {
        return static_cast<int>(
            usage_failure("unknown option '" + args[0] + "' (options follow the command)",
                          nullptr, {}));
    }

    const Found found = find_command(entries, args);
    if (found.group != nullptr) {
        if (args.size() > 1 && (args[1] == "--help" || args[1] == "-h")) {
            print_group_help(std::cout, *found.group);
            return 0;
        }
        std::cerr << "smimekit: error: " << usage::missing_subcommand(found.group->name).what()
                  << '\n';
        print_group_help(std::cerr, *found.group);
        return static_cast<int>(ExitCode::Usage);
    }
    const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(found.consumed),
                                        args.end());
    try {
        return static_cast<int>(run_command(*found.command, rest));
    } catch (const po::error& error) {
        return static_cast<int>(
            usage_failure(usage::from_program_options(error).what(), found.command, found.path));
    } catch (const UsageError& error) {
        return static_cast<int>(usage_failure(error.what(), found.command, found.path));
    }
}

}  // namespace
}  // namespace smimekit::cli

int main(int argc, char** argv) {
    using namespace smimekit::cli;  // NOLINT(google-build-using-namespace): main only
    os::install_cleanup_handlers();
    // All output goes through iostreams; unsynchronised, they buffer instead of calling stdio.
    std::ios::sync_with_stdio(false);
    try {
        return run(argc, argv);
    } catch (const UsageError& error) {
        std::cerr << "smimekit: error: " << error.what()
                  << "\nsmimekit: hint: see 'smimekit help'\n";
        return static_cast<int>(ExitCode::Usage);
    } catch (const smimekit::Error& error) {
        std::cerr << "smimekit: error: " << error.what() << '\n';
        if (!error.hint().empty()) {
            std::cerr << "smimekit: hint: " << error.hint() << '\n';
        }
        return static_cast<int>(exit_code_for(error.code()));
    } catch (const std::bad_alloc&) {
        std::cerr << "smimekit: error: out of memory\n";
        return static_cast<int>(ExitCode::Internal);
    } catch (const std::exception& error) {
        std::cerr << "smimekit: error: internal error: " << error.what()
                  << "\nsmimekit: hint: this is a bug in smimekit; please report it with the "
                     "command line that caused it\n";
        return static_cast<int>(ExitCode::Internal);
    }
}
