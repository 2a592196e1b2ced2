// SPDX-License-Identifier: Apache-2.0
// `smimekit sst create -o OUT.sst INPUT...` answers "make me the .sst" on Linux and macOS: a
// Microsoft serialized certificate store that Windows and Exchange Online's
// Set-SmimeConfig -SMIMECertificateIssuingCA accept, even for a single certificate (which the
// Windows export wizard cannot do). It refuses expired certificates, because Exchange Online
// rejects the whole upload when one is expired (sst-format.md section 5).
#include "cli/command.hpp"
#include "cli/render.hpp"
#include "cli/unique_certificates.hpp"

#include <smimekit/load.hpp>
#include <smimekit/sst.hpp>

#include <optional>
#include <string>
#include <vector>

namespace smimekit::cli {
namespace {

struct Member {
    Certificate certificate;
    std::string source;
};

class SstCreateCommand final : public Command {
public:
    std::string_view name() const override { return "create"; }
    std::string_view summary() const override {
        return "write certificates into a .sst store for Windows and Set-SmimeConfig";
    }
    Help help() const override {
        return {
            "sst create -o OUT.sst INPUT... [--allow-expired] [--friendly-names] [--force] "
            "[--json]",
            "Collects the certificates of every INPUT (any format: .der, .cer, .pem, .p7b, .sst,\n"
            "the public part of a .p12; a directory is read recursively, and files in it that are\n"
            "not certificates are skipped with a warning) and writes them, each once, as a\n"
            "Microsoft serialized certificate store. The store has no properties unless\n"
            "--friendly-names is given, exactly as Windows' own CertSaveStore writes it.\n"
            "An expired certificate makes Exchange Online reject the whole upload, so it is\n"
            "refused unless --allow-expired; end-entity certificates (they do not belong in a\n"
            "chain of trust) and CA certificates that expire within 30 days are warned about.\n"
            "To collect the CA certificates of users' chains, see 'smimekit exchange chain'.\n",
            "  0  the store was written\n"
            "  1  a certificate is expired (nothing written; see --allow-expired)\n"
            "  3  an input is missing or holds no certificate\n"
            "  4  wrong or missing password for a .p12 input\n"
            "  7  the output exists (use --force) or cannot be written\n",
            "  smimekit sst create -o chainOfTrust.sst root.cer intermediate.cer\n"
            "  smimekit sst create -o cas.sst ca-directory/ --friendly-names\n"
            "  # then, in PowerShell 7:\n"
            "  #   Set-SmimeConfig -SMIMECertificateIssuingCA "
            "([System.IO.File]::ReadAllBytes('cas.sst'))\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()("out,o", po::value(&m_out)->required()->value_name("FILE"),
                                      "the .sst file to write")(
            "allow-expired", po::bool_switch(&m_allow_expired),
            "write expired certificates too (Exchange Online will refuse the upload)")(
            "friendly-names", po::bool_switch(&m_friendly_names),
            "give each certificate a FRIENDLY_NAME property (its common name)");
        add_force_option(options, m_force);
        add_json_option(options, m_json);
        add_password_options(options, m_password);
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "inputs");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        validate_password_source(m_password);
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        io.check_output(m_out, write);
        std::vector<Member> members;
        UniqueCertificates unique;
        ExitCode result = collect(io, unique, members);
        if (result != ExitCode::Ok) {
            return result;  // nothing is written unless every named input was read
        }
        if (members.empty()) {
            throw Error(Errc::Malformed, quoted_list(m_inputs) + ": no certificate found");
        }

        const TimePoint now = io.now();
        const std::vector<Certificate>& certificates = unique.items();
        std::vector<std::string> warnings;
        std::vector<std::string> expired;
        for (const ChainOfTrustFinding& finding : check_chain_of_trust(certificates, now)) {
            const std::optional<std::size_t> member = unique.position(finding.certificate);
            const std::string source = member ? members[*member].source : std::string("?");
            const std::string line = in_quotes(finding.certificate.subject()) + " (" + source +
                                     ") " + finding.problem;
            if (finding.kind == ChainOfTrustFinding::Kind::Expired) {
                expired.push_back(line);
            } else {
                warnings.push_back(line);
            }
        }
        for (const std::string& warning : warnings) {
            io.warn(warning);
        }
        const bool refuse = !expired.empty() && !m_allow_expired;
        for (const std::string& line : expired) {
            io.warn(line + (refuse ? "" : " (written because of --allow-expired)"));
        }
        if (!refuse) {
            io.write_file(m_out, encode_sst(certificates, {m_friendly_names}), write);
        }
        if (m_json) {
            print_json(io.out(), report(members, warnings, expired, !refuse, now));
        }
        if (refuse) {
            io.warn(
                "nothing written: Exchange Online rejects a chain of trust with an expired "
                "certificate");
            io.hint("remove the expired certificates, or write them anyway with --allow-expired");
            return ExitCode::Negative;
        }
        io.info("wrote " + count_text(members.size(), "certificate", "certificates") + " to " +
                m_out);
        return ExitCode::Ok;
    }

private:
    /// Every certificate of every input, once; members[i] is unique.items()[i] and its file.
    ExitCode collect(Io& io, UniqueCertificates& unique, std::vector<Member>& members) const {
        LoadOptions options;
        options.password = io.password_provider(m_password);
        options.keys = false;
        ExitCode result = ExitCode::Ok;
        for (const std::string& input : m_inputs) {
            try {
                LoadedTree tree = load_tree(input, options);
                for (const Error& skipped : tree.skipped) {
                    io.warn(std::string(skipped.what()) + " (skipped)");
                }
                for (LoadedFile& file : tree.files) {
                    for (Certificate& certificate : file.certificates) {
                        if (unique.insert(certificate)) {
                            members.push_back({std::move(certificate), file.name});
                        }
                    }
                }
            } catch (const Error& error) {
                result = most_severe(result, io.report(error));
            }
        }
        return result;
    }

    Json report(const std::vector<Member>& members, const std::vector<std::string>& warnings,
                const std::vector<std::string>& expired, bool written, TimePoint now) const {
        Json document = json_document("sst create");
        document["output"] = m_out;
        document["written"] = written;
        Json certificates = Json::array();
        for (const Member& member : members) {
            const Certificate& c = member.certificate;
            certificates.push_back({{"subject", c.subject()},
                                    {"sha1", c.thumbprint()},
                                    {"ca", c.is_ca()},
                                    {"not_after", json_time(c.not_after())},
                                    {"validity", validity_state(c, now)},
                                    {"source", member.source}});
        }
        document["certificates"] = certificates;
        document["expired"] = expired;
        document["warnings"] = warnings;
        return document;
    }

    std::string m_out;
    bool m_allow_expired = false;
    bool m_friendly_names = false;
    bool m_force = false;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_sst_create_command() {
    return std::make_unique<SstCreateCommand>();
}

}  // namespace smimekit::cli
