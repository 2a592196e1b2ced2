// SPDX-License-Identifier: Apache-2.0
// `smimekit inspect FILE...` answers "what exactly is in this file?": every certificate and key
// of any format, and for a .p12 how it is protected and which platforms can import it.
#include "cli/command.hpp"
#include "cli/each_input.hpp"
#include "cli/render.hpp"

#include <smimekit/load.hpp>

namespace smimekit::cli {
namespace {

class InspectCommand final : public Command {
public:
    std::string_view name() const override { return "inspect"; }
    std::string_view summary() const override {
        return "show what is in certificate, key, .p7b, .p12 and .sst files";
    }
    Help help() const override {
        return {
            "inspect FILE... [--json] [password options]",
            "Recognises each file's format from its bytes (DER or PEM certificates, PKCS#7\n"
            "bundles, PKCS#12, .sst stores, private keys) and prints every certificate: subject,\n"
            "issuer, serial, validity, key, signature algorithm, key usage, extended key usage,\n"
            "e-mail addresses, basic constraints, key identifiers, AIA and CRL URLs, the SHA-1\n"
            "thumbprint as Windows shows it, and the SHA-256 fingerprint. For a .p12 it also\n"
            "shows the password kind, friendly names, how certificates and key are encrypted,\n"
            "the MAC, and which platforms can import it. A .p12 without a password (absent or\n"
            "empty) opens without asking; otherwise the password comes from the options below\n"
            "or a prompt on the terminal.\n",
            "  0  every file was read\n"
            "  3  a file is missing, not a regular file, too large, or not a known format\n"
            "  4  wrong or missing password\n"
            "  5  unsupported format (a PBMAC1 .p12 needs OpenSSL 3.4 or later)\n"
            "  7  a file cannot be read (permission denied, I/O error)\n"
            "  With several files, all are shown and the highest code is returned.\n",
            "  smimekit inspect alice.der\n"
            "  smimekit inspect --password-file pw.txt alice.p12    # protection and platforms\n"
            "  smimekit inspect --json certs/*.pem | jq '.files[].certificates[].sha1'\n",
        };
    }

    void declare(OptionSet& options) override {
        add_json_option(options, m_json);
        add_password_options(options, m_password);
        options.hidden.add_options()("file", po::value(&m_files)->required(), "input files");
        options.positional.add("file", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        validate_password_source(m_password);
    }

    ExitCode run(Io& io) override {
        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("inspect"), "files");
        }
        LoadOptions options;
        options.password = io.password_provider(m_password);
        return for_each_input(io, m_files, json ? &*json : nullptr, [&](const std::string& path) {
            const LoadedFile file = load_file(path, options);
            for (const std::string& warning : file.warnings) {
                io.warn(in_quotes(path) + ": " + warning);
            }
            if (json) {
                json->add(loaded_file_json(file, io.now()));
            } else {
                print_loaded_file(io.out(), file, io.now());
            }
            return ExitCode::Ok;
        });
    }

private:
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_files;
};

}  // namespace

std::unique_ptr<Command> make_inspect_command() {
    return std::make_unique<InspectCommand>();
}

}  // namespace smimekit::cli
