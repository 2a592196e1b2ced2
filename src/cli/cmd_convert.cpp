// SPDX-License-Identifier: Apache-2.0
// `smimekit convert IN... -o OUT` answers "give me the public certificate(s) in the format the
// other side wants": DER for Exchange's -UserCertificate, PEM for openssl, a .p7b bundle for
// Windows. It never writes a private key, even when reading a .p12.
#include "cli/command.hpp"
#include "cli/render.hpp"
#include "cli/unique_certificates.hpp"

#include <smimekit/load.hpp>
#include <smimekit/pkcs7.hpp>

#include <algorithm>
#include <iostream>

namespace smimekit::cli {
namespace {

enum class OutputFormat { Der, Pem, P7b };

std::optional<OutputFormat> format_from_name(std::string_view name) {
    if (name == "der" || name == "cer") {
        return OutputFormat::Der;
    }
    if (name == "pem" || name == "crt") {
        return OutputFormat::Pem;
    }
    if (name == "p7b" || name == "p7c") {
        return OutputFormat::P7b;
    }
    return std::nullopt;
}

// The output format from the output file's extension, when --to is not given.
std::optional<OutputFormat> format_from_path(const std::string& path) {
    const std::size_t dot = path.rfind('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) {
        return std::nullopt;
    }
    std::string extension = path.substr(dot + 1);
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return format_from_name(extension);
}

class ConvertCommand final : public Command {
public:
    std::string_view name() const override { return "convert"; }
    std::string_view summary() const override {
        return "write the certificates of any input as DER, PEM or a .p7b bundle";
    }
    Help help() const override {
        return {
            "convert INPUT... -o OUT [--to der|pem|p7b] [--force] [password options]",
            "Reads every certificate of the inputs (any format, the public part of a .p12\n"
            "included) and writes them as one DER certificate, PEM blocks, or a PKCS#7 .p7b\n"
            "bundle. Without --to, the format follows the extension of OUT (.der/.cer, .pem/.crt,\n"
            ".p7b/.p7c). '-o -' writes PEM to standard output. A private key is never written.\n"
            "Duplicate certificates (same SHA-256) are written once.\n",
            "  0  written\n"
            "  2  no output format could be chosen, or DER was asked for several certificates\n"
            "  3  an input is missing or not a certificate file\n"
            "  4  wrong or missing password for a .p12\n"
            "  7  the output exists (use --force) or cannot be written\n",
            "  smimekit convert alice.p12 -o alice.cer            # DER for -UserCertificate\n"
            "  smimekit convert root.der inter.der -o chain.p7b\n"
            "  smimekit convert bundle.p7b -o - --to pem\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("out,o", po::value(&m_out)->required()->value_name("FILE"),
             "the file to write ('-' for standard output, PEM only)")
            ("to", po::value(&m_to)->value_name("FORMAT"), "der, pem or p7b");
        add_force_option(options, m_force);
        add_password_options(options, m_password);
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "input files");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        validate_password_source(m_password);
        if (!m_to.empty()) {
            m_format = format_from_name(m_to);
            if (!m_format) {
                throw usage::bad_value("to", m_to, "use der, pem or p7b");
            }
        } else if (m_out == "-") {
            m_format = OutputFormat::Pem;
        } else {
            m_format = format_from_path(m_out);
            if (!m_format) {
                throw UsageError("cannot tell the output format from '" + m_out +
                                 "': give --to der, --to pem or --to p7b");
            }
        }
        if (m_out == "-" && m_format != OutputFormat::Pem) {
            throw UsageError("only PEM can be written to standard output");
        }
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        if (m_out != "-") {
            io.check_output(m_out, write);
        }
        LoadOptions options;
        options.password = io.password_provider(m_password);
        options.keys = false;
        UniqueCertificates unique;
        ExitCode result = ExitCode::Ok;
        for (const std::string& path : m_inputs) {
            try {
                for (const Certificate& certificate : load_file(path, options).certificates) {
                    unique.insert(certificate);
                }
            } catch (const Error& error) {
                result = most_severe(result, io.report(error));
            }
        }
        if (result != ExitCode::Ok) {
            return result;  // nothing is written unless every input was read
        }
        const std::vector<Certificate>& certificates = unique.items();
        if (certificates.empty()) {
            throw Error(Errc::Malformed, quoted_list(m_inputs) + ": no certificate found");
        }
        if (m_format == OutputFormat::Der && certificates.size() != 1) {
            throw Error(Errc::InvalidArgument,
                        "DER holds one certificate and the inputs hold " +
                            std::to_string(certificates.size()),
                        {}, "use --to pem or --to p7b to write them all");
        }
        const Bytes bytes = encode(certificates);
        if (m_out == "-") {
            io.out() << to_string(bytes) << std::flush;
        } else {
            io.write_file(m_out, bytes, write);
            io.info("wrote " + count_text(certificates.size()) + " to " + m_out);
        }
        return ExitCode::Ok;
    }

private:
    static std::string count_text(std::size_t count) {
        return std::to_string(count) + (count == 1 ? " certificate" : " certificates");
    }

    Bytes encode(const std::vector<Certificate>& certificates) const {
        switch (*m_format) {
            case OutputFormat::Der: return certificates.front().der();
            case OutputFormat::Pem: return to_bytes(to_pem(certificates));
            case OutputFormat::P7b: return encode_certs_only(certificates);
        }
        return {};
    }

    std::string m_out;
    std::string m_to;
    bool m_force = false;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
    std::optional<OutputFormat> m_format;
};

}  // namespace

std::unique_ptr<Command> make_convert_command() {
    return std::make_unique<ConvertCommand>();
}

}  // namespace smimekit::cli
