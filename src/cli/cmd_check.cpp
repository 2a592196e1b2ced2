// SPDX-License-Identifier: Apache-2.0
// `smimekit check FILE...` answers "will this certificate or .p12 work for S/MIME in Outlook
// and Exchange Online, and if not, what do I do?": one verdict per file, FIT or NOT FIT, and
// findings with a stable code, a severity and a hint. All the judging is in smimekit/check.hpp.
#include "cli/command.hpp"
#include "cli/each_input.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/check.hpp>
#include <smimekit/load.hpp>

namespace smimekit::cli {
namespace {

std::string_view use_text(CheckUse use) {
    switch (use) {
        case CheckUse::Sign:
            return "signing";
        case CheckUse::Encrypt:
            return "encryption";
        case CheckUse::Both:
            return "signing and encryption";
    }
    return "";
}

class CheckCommand final : public Command {
public:
    std::string_view name() const override { return "check"; }
    std::string_view summary() const override {
        return "say whether certificates and .p12 files will work for S/MIME in Outlook and "
               "Exchange Online";
    }
    Help help() const override {
        return {
            "check FILE... (--trust PATH | --system-roots) [--pool PATH] [--for "
            "sign|encrypt|both]\n"
            "       [--email ADDR] [--at TIME] [--json] [password options]",
            "One verdict per FILE (a certificate, or a .p12 whose key certificate is judged):\n"
            "FIT or NOT FIT for S/MIME, then findings, each with a stable code, a severity and a\n"
            "hint. Errors make it NOT FIT: no emailProtection extended key usage; a key usage "
            "that\n"
            "does not allow signing (digitalSignature or nonRepudiation) or encryption\n"
            "(keyEncipherment for RSA, keyAgreement for EC) as --for asks (default both: separate\n"
            "signing and encryption certificates are checked with --for sign and --for encrypt);\n"
            "no e-mail address, or not --email; RSA under 2048 bits; MD5 signatures; expired or\n"
            "not yet valid; a chain that does not reach a --trust anchor (the missing issuer is\n"
            "named with its AIA URL) or is invalid (OpenSSL decides); a .p12 current Windows or\n"
            "macOS cannot import. Warnings do not: an address only in the subject, SHA-1\n"
            "signatures, expiry within 30 days, a .p12 old Windows, old macOS or gpgsm cannot\n"
            "import. The other certificates of a FILE (a .p12's chain) join the pool.\n",
            "  0  every FILE is fit\n"
            "  1  a FILE is not fit\n"
            "  2  usage: no --trust or --system-roots, an unknown --for\n"
            "  3  a FILE or a --trust file is missing or holds no certificate\n"
            "  4  wrong or missing password for a .p12\n",
            "  smimekit check alice.p12 --pool cas/ --trust root.pem --password-file pw.txt\n"
            "  smimekit check dave-sign.der --for sign --email dave@example.org --system-roots\n"
            "  smimekit check --json *.der --pool cas/ --trust root.pem | jq '.results[].fit'\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        options.visible.add_options()("for", po::value(&m_for)->value_name("USE"),
                                      "sign, encrypt or both (default)")(
            "email", po::value(&m_email)->value_name("ADDR"),
            "an address the certificate must carry")("at", po::value(&m_at)->value_name("TIME"),
                                                     "check at this time instead of now");
        add_json_option(options, m_json);
        add_password_options(options, m_password, "password", "a .p12");
        options.hidden.add_options()("file", po::value(&m_files)->required(),
                                     "certificates or .p12 files");
        options.positional.add("file", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        m_trust.validate();
        validate_password_source(m_password);
        if (m_for == "sign") {
            m_options.use = CheckUse::Sign;
        } else if (m_for == "encrypt") {
            m_options.use = CheckUse::Encrypt;
        } else if (!m_for.empty() && m_for != "both") {
            throw usage::bad_value("for", m_for, "use sign, encrypt or both");
        }
        if (!m_email.empty()) {
            m_options.email = m_email;
        }
    }

    ExitCode run(Io& io) override {
        m_options.time = m_at.empty() ? io.now() : parse_time_option("at", m_at);
        const Store anchors = m_trust.load_anchors(io);
        LoadOptions load;
        load.password = io.password_provider(m_password);
        load.keys = false;
        Store pool = m_trust.load_pool(io, load);
        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("check"), "results");
        }
        return for_each_input(io, m_files, json ? &*json : nullptr, [&](const std::string& path) {
            const LoadedFile file = load_file(path, load);
            if (file.certificates.empty()) {
                throw Error(Errc::Malformed, in_quotes(path) + ": holds no certificate");
            }
            pool.add(
                std::vector<Certificate>(file.certificates.begin() + 1, file.certificates.end()));
            const CheckReport report =
                check(file.certificates.front(), pool, anchors, file.pkcs12, m_options);
            if (json) {
                json->add(report_json(path, file.certificates.front(), report));
            } else {
                print_report(io.out(), path, file.certificates.front(), report);
            }
            return report.fit() ? ExitCode::Ok : ExitCode::Negative;
        });
    }

private:
    void print_report(std::ostream& out, const std::string& path, const Certificate& certificate,
                      const CheckReport& report) const {
        out << path << ": " << (report.fit() ? "FIT" : "NOT FIT") << " for S/MIME "
            << use_text(m_options.use);
        const std::size_t errors = report.count(Severity::Error);
        const std::size_t warnings = report.count(Severity::Warning);
        if (errors > 0 || warnings > 0) {
            out << " ("
                << (errors > 0 ? count_text(errors, "error", "errors") + (warnings > 0 ? ", " : "")
                               : "")
                << (warnings > 0 ? count_text(warnings, "warning", "warnings") : "") << ")";
        }
        out << '\n';
        print_field(out, "  ", "certificate", certificate.subject());
        for (const Finding& finding : report.findings) {
            print_field(out, "  ", severity_name(finding.severity),
                        finding.code + ": " + finding.message);
            if (!finding.hint.empty()) {
                print_field(out, "  ", "  hint", finding.hint);
            }
        }
    }

    Json report_json(const std::string& path, const Certificate& certificate,
                     const CheckReport& report) const {
        Json findings = Json::array();
        for (const Finding& finding : report.findings) {
            findings.push_back(JsonObject(4)
                                   .add("code", finding.code)
                                   .add("severity", severity_name(finding.severity))
                                   .add("message", finding.message)
                                   .add("hint", finding.hint)
                                   .done());
        }
        VerifyOptions chain_options;
        chain_options.time = m_options.time;
        return JsonObject(10)
            .add("file", path)
            .add("fit", report.fit())
            .add("for", use_name(m_options.use))
            .add("time", json_time(m_options.time))
            .add("errors", report.count(Severity::Error))
            .add("warnings", report.count(Severity::Warning))
            .add("findings", std::move(findings))
            .add("certificate", certificate_json(certificate, m_options.time))
            .add("chain", chain_result_json(report.chain, chain_options))
            .done();
    }

    TrustOptions m_trust;
    std::string m_for;
    std::string m_email;
    std::string m_at;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_files;
    CheckOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_check_command() {
    return std::make_unique<CheckCommand>();
}

}  // namespace smimekit::cli
