// SPDX-License-Identifier: Apache-2.0
// `smimekit sst list FILE` answers "what is in this .sst?": every certificate as inspect shows
// it, with the properties Windows stored beside it (friendly name, SHA-1 cache, key provider
// info...) by name, the CRLs and CTLs it carries, and what the strict reader tolerated.
#include "cli/command.hpp"
#include "cli/render.hpp"

#include <smimekit/load.hpp>

namespace smimekit::cli {
namespace {

class SstListCommand final : public Command {
public:
    std::string_view name() const override { return "list"; }
    std::string_view summary() const override {
        return "show the certificates and properties of a .sst store";
    }
    Help help() const override {
        return {
            "sst list FILE [--json]",
            "Reads a Microsoft serialized certificate store strictly (every size checked, every\n"
            "certificate parsed) and shows each certificate with its properties by name. Oddities\n"
            "that Windows tolerates (bytes after the end marker, duplicates, a stale SHA1_HASH\n"
            "property) are warnings; damage is an error naming the byte offset.\n",
            "  0  the store was read\n"
            "  3  missing, not a .sst store, or damaged (the message names the offset)\n",
            "  smimekit sst list chainOfTrust.sst\n"
            "  smimekit sst list --json roots.sst | jq '.certificates[].sha1'\n",
        };
    }

    void declare(OptionSet& options) override {
        add_json_option(options, m_json);
        options.hidden.add_options()("file", po::value(&m_file)->required(), "the .sst file");
        options.positional.add("file", 1);
    }

    ExitCode run(Io& io) override {
        const LoadedFile file = load_sst_file(m_file);
        for (const std::string& warning : file.warnings) {
            io.warn(in_quotes(m_file) + ": " + warning);
        }
        if (m_json) {
            // Streamed: a store of 10,000 certificates as one JSON tree took 360 MiB.
            Json head = json_document("sst list");
            head.update(loaded_file_json(file, io.now(), false));
            JsonListPrinter certificates(io.out(), head, "certificates");
            for (std::size_t i = 0; i < file.certificates.size(); ++i) {
                certificates.add(loaded_certificate_json(file, i, io.now()));
            }
        } else {
            print_loaded_file(io.out(), file, io.now());
        }
        return ExitCode::Ok;
    }

private:
    bool m_json = false;
    std::string m_file;
};

}  // namespace

std::unique_ptr<Command> make_sst_list_command() {
    return std::make_unique<SstListCommand>();
}

}  // namespace smimekit::cli
