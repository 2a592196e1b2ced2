// SPDX-License-Identifier: Apache-2.0
// `smimekit exchange chain CERTS... -o chainOfTrust.sst` answers workflow step 2 in one command:
// "which CA certificates must Exchange Online trust for these users and contacts, as the .sst
// that Set-SmimeConfig -SMIMECertificateIssuingCA takes", with the upload script beside it.
#include "cli/command.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/chain.hpp>
#include <smimekit/powershell.hpp>
#include <smimekit/sst.hpp>
#include <smimekit/version.hpp>

#include <algorithm>
#include <filesystem>
#include <map>

namespace smimekit::cli {
namespace {

struct Leaf {
    Certificate certificate;
    std::string source;
};

/// A CA of the store, and the users and contacts whose chains need it.
struct Authority {
    Certificate certificate;
    std::vector<std::string> serves;
};

std::string label(const Leaf& leaf) {
    const auto addresses = leaf.certificate.email_addresses();
    return (addresses.empty() ? leaf.certificate.subject() : addresses.front()) + " (" +
           leaf.source + ")";
}

class ExchangeChainCommand final : public Command {
public:
    std::string_view name() const override { return "chain"; }
    std::string_view summary() const override {
        return "write the chain of trust .sst (and its upload script) for users' certificates";
    }
    Help help() const override {
        return {
            "exchange chain CERTS... (--trust PATH | --system-roots) [--pool PATH] -o OUT.sst\n"
            "       [--ps1 OUT.ps1] [--allow-expired] [--friendly-names] [--force] [--json]",
            "Takes the users' and contacts' certificates (.p12, .der, .pem, .p7b, .sst or\n"
            "directories of them; CA certificates among them join the pool), builds each one's\n"
            "chain to a trust anchor, and writes every CA certificate of those chains (roots and\n"
            "intermediates, each once) as the .sst that Exchange Online's Set-SmimeConfig\n"
            "-SMIMECertificateIssuingCA takes. One certificate is enough (the Windows wizard "
            "cannot\n"
            "export a single one). Nothing is written if a chain is incomplete (the missing "
            "issuer\n"
            "is named with the AIA URL where it is published) or a CA certificate is expired\n"
            "(Exchange rejects the whole upload; --allow-expired overrides). CAs that expire\n"
            "within 30 days are warned about. With --ps1, a PowerShell 7 script is written too: "
            "it\n"
            "checks the .sst's SHA-256, uploads it (-WhatIf shows what it would do), reads the\n"
            "configuration back and compares the bytes. It names the .sst relative to itself, so\n"
            "keep the two files together.\n",
            "  0  the .sst (and script) were written\n"
            "  1  a chain is incomplete or a CA certificate is expired: nothing written\n"
            "  2  usage: no --trust or --system-roots\n"
            "  3  an input or trust file is missing or holds no certificate\n"
            "  4  wrong or missing password for a .p12\n"
            "  7  an output exists (use --force) or cannot be written\n",
            "  smimekit exchange chain users/ contacts/ --pool cas/ --trust root.cer \\\n"
            "      -o chainOfTrust.sst --ps1 Upload-ChainOfTrust.ps1\n"
            "  smimekit exchange chain alice.p12 --system-roots -o chainOfTrust.sst\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        options.visible.add_options()("out,o", po::value(&m_out)->required()->value_name("FILE"),
                                      "the .sst file to write")(
            "ps1", po::value(&m_ps1)->value_name("FILE"),
            "also write the PowerShell 7 upload script")(
            "allow-expired", po::bool_switch(&m_allow_expired),
            "write expired CA certificates too (Exchange Online will refuse the upload)")(
            "friendly-names", po::bool_switch(&m_friendly_names),
            "give each certificate a FRIENDLY_NAME property (its common name)");
        add_force_option(options, m_force);
        add_json_option(options, m_json);
        add_password_options(options, m_password, "password", "the .p12 inputs");
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "certificates");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        m_trust.validate();
        validate_password_source(m_password);
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        io.check_output(m_out, write);
        if (!m_ps1.empty()) {
            io.check_output(m_ps1, write);
        }
        const Store anchors = m_trust.load_anchors(io);
        LoadOptions load;
        load.password = io.password_provider(m_password);
        load.keys = false;
        Store pool = m_trust.load_pool(io, load);
        std::vector<Leaf> leaves;
        ExitCode result = collect(io, load, pool, leaves);
        if (result != ExitCode::Ok) {
            return result;
        }
        if (leaves.empty()) {
            throw Error(Errc::Malformed,
                        quoted_list(m_inputs) + ": no end-entity certificate found");
        }

        VerifyOptions options;
        options.time = io.now();
        std::vector<Authority> authorities;
        std::vector<std::string> incomplete;
        for (const Leaf& leaf : leaves) {
            const ChainResult chain = verify_chain(leaf.certificate, pool, anchors, options);
            if (chain.status == ChainStatus::Incomplete) {
                for (const ChainProblem& problem : chain.problems) {
                    incomplete.push_back(label(leaf) + ": " + problem.message);
                }
                continue;
            }
            // The leaf's own problems (expired, ...) do not stop the CA upload, but the admin
            // should know; the CAs' validity is checked below for the store itself.
            for (const ChainProblem& problem : chain.problems) {
                if (problem.depth == 0) {
                    io.warn(label(leaf) + ": " + problem.message);
                }
            }
            for (const Certificate& ca : chain.ca_certificates()) {
                auto found = std::find_if(authorities.begin(), authorities.end(),
                                          [&](const Authority& a) { return a.certificate == ca; });
                if (found == authorities.end()) {
                    authorities.push_back({ca, {}});
                    found = authorities.end() - 1;
                }
                found->serves.push_back(label(leaf));
            }
        }
        for (const std::string& line : incomplete) {
            io.warn("incomplete chain: " + line);
        }
        // Roots first, then intermediates (sst-format.md section 5: friendlier for people;
        // the order means nothing to Windows or Exchange).
        std::stable_partition(authorities.begin(), authorities.end(),
                              [](const Authority& a) { return a.certificate.is_self_issued(); });
        const std::vector<std::string> expired = check_expiry(io, authorities);
        const bool refuse = !incomplete.empty() || (!expired.empty() && !m_allow_expired);
        if (!refuse) {
            write_outputs(io, authorities, write);
        }
        if (m_json) {
            print_json(io.out(), report(authorities, incomplete, expired, !refuse));
        } else {
            print_summary(io.out(), authorities);
        }
        if (refuse) {
            io.warn("nothing written");
            if (!incomplete.empty()) {
                io.hint("add the missing CA certificates with --pool (their URLs are above)");
            } else {
                io.hint("renew or remove the expired CA, or write it anyway with --allow-expired");
            }
            return ExitCode::Negative;
        }
        return ExitCode::Ok;
    }

private:
    // End-entity certificates become leaves; CA certificates among the inputs join the pool.
    ExitCode collect(Io& io, const LoadOptions& load, Store& pool,
                     std::vector<Leaf>& leaves) const {
        ExitCode result = ExitCode::Ok;
        for (const std::string& input : m_inputs) {
            try {
                LoadedTree tree = load_tree(input, load);
                for (const Error& skipped : tree.skipped) {
                    io.warn(std::string(skipped.what()) + " (skipped)");
                }
                for (const LoadedFile& file : tree.files) {
                    for (const Certificate& certificate : file.certificates) {
                        if (certificate.is_ca()) {
                            pool.add(certificate);
                        } else if (std::none_of(leaves.begin(), leaves.end(), [&](const Leaf& l) {
                                       return l.certificate == certificate;
                                   })) {
                            leaves.push_back({certificate, file.name});
                        }
                    }
                }
            } catch (const Error& error) {
                result = most_severe(result, io.report(error));
            }
        }
        return result;
    }

    static std::vector<std::string> check_expiry(Io& io,
                                                 const std::vector<Authority>& authorities) {
        std::vector<Certificate> cas;
        for (const Authority& authority : authorities) {
            cas.push_back(authority.certificate);
        }
        std::vector<std::string> expired;
        for (const ChainOfTrustFinding& finding : check_chain_of_trust(cas, io.now())) {
            const std::string line =
                in_quotes(finding.certificate.subject()) + " " + finding.problem;
            if (finding.kind == ChainOfTrustFinding::Kind::Expired) {
                expired.push_back(line);
                io.warn(line +
                        ": Exchange Online rejects a chain of trust with an expired certificate");
            } else {
                io.warn(line);
            }
        }
        return expired;
    }

    void write_outputs(const Io& io, const std::vector<Authority>& authorities,
                       const WriteOptions& write) const {
        std::vector<Certificate> certificates;
        for (const Authority& authority : authorities) {
            certificates.push_back(authority.certificate);
        }
        const Bytes sst = encode_sst(certificates, {m_friendly_names});
        std::string script;
        if (!m_ps1.empty()) {
            // The script finds the .sst relative to its own directory ($PSScriptRoot).
            namespace fs = std::filesystem;
            const fs::path script_directory = fs::absolute(m_ps1).parent_path();
            SmimeConfigScript request;
            request.sst_relative_path =
                fs::absolute(m_out).lexically_relative(script_directory).string();
            request.sst = sst;
            request.generator = "smimekit " + std::string(version());
            for (const Authority& authority : authorities) {
                request.summary.push_back(authority.certificate.subject() + " (expires " +
                                          format_rfc3339(authority.certificate.not_after()) + ")");
            }
            script = smime_config_script(request);
        }
        io.write_file(m_out, sst, write);
        io.info("wrote " + count_text(certificates.size(), "CA certificate", "CA certificates") +
                " to " + m_out);
        if (!m_ps1.empty()) {
            io.write_file(m_ps1, as_bytes(script), write);
            io.info("wrote the upload script " + m_ps1 +
                    " (run it in PowerShell 7, -WhatIf first)");
        }
    }

    static void print_summary(std::ostream& out, const std::vector<Authority>& authorities) {
        for (const Authority& authority : authorities) {
            out << authority.certificate.subject() << "  (expires "
                << format_rfc3339(authority.certificate.not_after()) << ")\n";
            for (const std::string& user : authority.serves) {
                out << "    serves " << user << '\n';
            }
        }
    }

    Json report(const std::vector<Authority>& authorities,
                const std::vector<std::string>& incomplete, const std::vector<std::string>& expired,
                bool written) const {
        Json document = json_document("exchange chain");
        document["output"] = m_out;
        document["script"] = m_ps1.empty() ? Json(nullptr) : Json(m_ps1);
        document["written"] = written;
        Json cas = Json::array();
        for (const Authority& authority : authorities) {
            cas.push_back(JsonObject(5)
                              .add("subject", authority.certificate.subject())
                              .add("sha1", authority.certificate.thumbprint())
                              .add("not_after", json_time(authority.certificate.not_after()))
                              .add("root", authority.certificate.is_self_issued())
                              .add("serves", authority.serves)
                              .done());
        }
        document["certificates"] = std::move(cas);
        document["incomplete"] = incomplete;
        document["expired"] = expired;
        return document;
    }

    TrustOptions m_trust;
    std::string m_out;
    std::string m_ps1;
    bool m_allow_expired = false;
    bool m_friendly_names = false;
    bool m_force = false;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_exchange_chain_command() {
    return std::make_unique<ExchangeChainCommand>();
}

}  // namespace smimekit::cli
