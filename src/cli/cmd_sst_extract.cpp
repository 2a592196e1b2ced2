// SPDX-License-Identifier: Apache-2.0
// `smimekit sst extract FILE -o DIR` answers "give me the certificates of this .sst as files":
// one file per certificate, named by its SHA-1 thumbprint as Windows shows it.
#include "cli/command.hpp"
#include "cli/render.hpp"

#include <smimekit/load.hpp>

#include <filesystem>

namespace smimekit::cli {
namespace {

class SstExtractCommand final : public Command {
public:
    std::string_view name() const override { return "extract"; }
    std::string_view summary() const override {
        return "write each certificate of a .sst store to its own file";
    }
    Help help() const override {
        return {
            "sst extract FILE -o DIR [--pem] [--force]",
            "Writes every certificate of the store to DIR/<SHA-1 thumbprint>.cer (DER), or .pem\n"
            "with --pem, and prints the paths written. DIR is created if needed. No file is\n"
            "written if any target already exists (unless --force).\n",
            "  0  every certificate was written\n"
            "  3  missing, not a .sst store, or damaged\n"
            "  7  a target exists (use --force) or cannot be written\n",
            "  smimekit sst extract roots.sst -o roots/\n"
            "  smimekit sst extract chainOfTrust.sst -o pem/ --pem\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("out,o", po::value(&m_directory)->required()->value_name("DIR"),
             "the directory to write into")
            ("pem", po::bool_switch(&m_pem), "write PEM (.pem) instead of DER (.cer)");
        add_force_option(options, m_force);
        options.hidden.add_options()("file", po::value(&m_file)->required(), "the .sst file");
        options.positional.add("file", 1);
    }

    ExitCode run(Io& io) override {
        const LoadedFile file = load_sst_file(m_file);
        for (const std::string& warning : file.warnings) {
            io.warn(in_quotes(m_file) + ": " + warning);
        }
        std::error_code error;
        std::filesystem::create_directories(m_directory, error);
        if (error) {
            throw Error(Errc::Io, in_quotes(m_directory) + ": cannot create directory: " +
                                      error.message());
        }
        const WriteOptions write{m_force, false};
        std::vector<std::string> targets;
        for (const Certificate& certificate : file.certificates) {
            targets.push_back(
                (std::filesystem::path(m_directory) / (certificate.thumbprint() + (m_pem ? ".pem" : ".cer")))
                    .string());
            io.check_output(targets.back(), write);  // all checked before any is written
        }
        OutputBatch batch(m_directory, write);
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const Certificate& certificate = file.certificates[i];
            batch.add(targets[i], m_pem ? to_bytes(certificate.pem()) : certificate.der());
        }
        batch.commit();
        for (const std::string& target : targets) {
            io.out() << target << '\n';
        }
        if (file.sst && !file.sst->others.empty()) {
            io.warn(in_quotes(m_file) + ": " +
                    count_text(file.sst->others.size(), "CRL/CTL element", "CRL/CTL elements") +
                    " not extracted");
        }
        io.info("wrote " + count_text(targets.size(), "certificate", "certificates") + " to " +
                m_directory);
        return ExitCode::Ok;
    }

private:
    std::string m_file;
    std::string m_directory;
    bool m_pem = false;
    bool m_force = false;
};

}  // namespace

std::unique_ptr<Command> make_sst_extract_command() {
    return std::make_unique<SstExtractCommand>();
}

}  // namespace smimekit::cli
