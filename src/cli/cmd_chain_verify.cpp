// SPDX-License-Identifier: Apache-2.0
// `smimekit chain verify LEAF...` answers "is this certificate valid for S/MIME at time T, and
// if not, why?": every reason, and what is missing when no path reaches a trust anchor; by
// default with a second opinion from Botan 2 on the same path.
#include "cli/command.hpp"
#include "cli/each_input.hpp"
#include "cli/engines.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/chain.hpp>
#include <smimekit/crl.hpp>

namespace smimekit::cli {
namespace {

class ChainVerifyCommand final : public Command {
public:
    std::string_view name() const override { return "verify"; }
    std::string_view summary() const override {
        return "validate certificates' chains for S/MIME and say every reason they fail";
    }
    Help help() const override {
        return {
            "chain verify LEAF... (--trust PATH | --system-roots) [--pool PATH] [--at TIME]\n"
            "       [--purpose any|smime-sign|smime-encrypt] [--eku EKU] [--email ADDR] [--crl PATH]\n"
            "       [--crl-check supplied|all] [--max-depth N] [--engine openssl|botan|both]\n"
            "       [--trust-engine openssl|botan] [--json]",
            "Builds every path from each LEAF through the --pool certificates to a --trust anchor\n"
            "(cross-signed and duplicate-named issuers included, loops and hostile pools bounded)\n"
            "and validates it with OpenSSL at --at (default now): validity, signatures, basic\n"
            "constraints and path length, name constraints (e-mail forms too), policy constraints,\n"
            "and CRLs given with --crl (offline only). S/MIME rules are ours, on top: smime-sign\n"
            "needs emailProtection (or no EKU) and digitalSignature or nonRepudiation;\n"
            "smime-encrypt needs emailProtection (or no EKU) and keyEncipherment for RSA or\n"
            "keyAgreement for EC (RFC 8550 4.4.2). When no path reaches an anchor, the missing\n"
            "issuer is named with its key id and the AIA URL where it is published.\n"
            "A LEAF file may hold more certificates (a PEM chain, a .p12 with its CAs): the first\n"
            "(or the .p12 key's) is the leaf, the others join the pool. Anchors are never implied.\n"
            "--max-depth N limits the intermediate CAs (leaf and anchor not counted), as OpenSSL's\n"
            "-verify_depth. --crl-check all also fails certificates whose issuer's CRL is missing.\n"
            "Two engines: OpenSSL decides, and Botan 2 validates the same path (default --engine\n"
            "both). Known Botan 2 limits (e-mail name constraints, trusted intermediates, RSA-PSS\n"
            "keys, CRLs without issuingDistributionPoint) and its stricter policy (no SHA-1, no\n"
            "key under 2048 bits) are shown as such; any other difference is a disagreement,\n"
            "shown with both engines' reasons, and fails unless --trust-engine names the engine\n"
            "whose verdict stands.\n",
            "  0  every LEAF is valid\n"
            "  1  a LEAF is not valid, no path reaches a trust anchor, or the engines disagree\n"
            "  2  usage: no --trust or --system-roots, an unknown --purpose, --eku or --engine\n"
            "  3  a LEAF, a --trust or a --crl file is missing or unreadable as certificates\n"
            "  4  wrong or missing password for a .p12 LEAF\n",
            "  smimekit chain verify alice.der --pool intermediates/ --trust root.pem --purpose smime-sign\n"
            "  smimekit chain verify bob.p12 --system-roots --email bob@example.org --json\n"
            "  smimekit chain verify alice.der --trust root.pem --crl ca.crl --crl-check all\n"
            "  smimekit chain verify alice.der --pool cas/ --trust root.pem --engine openssl\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        options.visible.add_options()
            ("at", po::value(&m_at)->value_name("TIME"),
             "validate at this time: RFC 3339 (2030-01-01T00:00:00Z), a date, or Unix seconds")
            ("purpose", po::value(&m_purpose)->value_name("P"), "any (default), smime-sign or smime-encrypt")
            ("eku", po::value(&m_ekus)->value_name("EKU"),
             "an extended key usage the leaf must allow (name or OID); repeatable")
            ("email", po::value(&m_email)->value_name("ADDR"), "an address the leaf must carry")
            ("crl", po::value(&m_crls)->value_name("PATH"), "CRLs to check against (file or directory); repeatable")
            ("crl-check", po::value(&m_crl_check)->value_name("MODE"),
             "supplied (default): check where a CRL was given; all: a missing CRL fails too")
            ("max-depth", po::value(&m_max_depth)->value_name("N"), "at most N intermediate CAs");
        m_engines.declare(options);
        add_json_option(options, m_json);
        add_password_options(options, m_password, "password", "a .p12 leaf");
        options.hidden.add_options()("leaf", po::value(&m_leaves)->required(), "leaf certificates");
        options.positional.add("leaf", -1);
    }

    void validate(const po::variables_map& given) override {
        m_trust.validate();
        validate_password_source(m_password);
        if (m_purpose == "any" || m_purpose.empty()) {
            m_options.purpose = Purpose::Any;
        } else if (m_purpose == "smime-sign") {
            m_options.purpose = Purpose::SmimeSign;
        } else if (m_purpose == "smime-encrypt") {
            m_options.purpose = Purpose::SmimeEncrypt;
        } else {
            throw usage::bad_value("purpose", m_purpose, "use any, smime-sign or smime-encrypt");
        }
        for (const std::string& eku : m_ekus) {
            try {
                m_options.required_ekus.push_back(eku_oid(eku));
            } catch (const Error& error) {
                throw usage::bad_value("eku", eku, error.hint());
            }
        }
        if (m_crl_check == "all") {
            m_options.crl_check = CrlCheck::All;
        } else if (!m_crl_check.empty() && m_crl_check != "supplied") {
            throw usage::bad_value("crl-check", m_crl_check, "use supplied or all");
        }
        if (given.count("max-depth") != 0) {
            if (m_max_depth < 0 || m_max_depth > 100) {
                throw usage::bad_value("max-depth", std::to_string(m_max_depth), "use 0 to 100");
            }
            m_options.max_depth = m_max_depth;
        }
        if (!m_email.empty()) {
            m_options.email = m_email;
        }
        m_engines.apply(m_options);
    }

    ExitCode run(Io& io) override {
        m_options.time = m_at.empty() ? io.now() : parse_time_option("at", m_at);
        const Store anchors = m_trust.load_anchors(io);
        for (const std::string& path : m_crls) {
            for (Crl& crl : load_crls(path)) {
                m_options.crls.push_back(std::move(crl));
            }
        }
        LoadOptions load;
        load.password = io.password_provider(m_password);
        Store pool = m_trust.load_pool(io, load);

        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("chain verify"), "results");
        }
        auto progress = io.progress("verifying", m_leaves.size());
        const auto verify_one = [&](const std::string& path) {
            std::vector<Certificate> companions;
            const Certificate leaf = load_leaf(path, load, companions);
            pool.add(companions);
            const ChainResult chain = verify_chain(leaf, pool, anchors, m_options);
            if (json) {
                Json entry{{"file", path}};
                entry.update(chain_result_json(chain, m_options));
                entry["engines"] = engines_json(chain, m_options.engines);
                json->add(entry);
            } else {
                progress.finish();
                print_chain_result(io.out(), path, chain, m_options);
                print_engines(io.out(), chain, m_options.engines);
            }
            return chain.accepted() ? ExitCode::Ok : ExitCode::Negative;
        };
        return for_each_input(io, m_leaves, json ? &*json : nullptr, verify_one, &progress);
    }

private:
    TrustOptions m_trust;
    std::string m_at;
    std::string m_purpose;
    std::vector<std::string> m_ekus;
    std::string m_email;
    std::vector<std::string> m_crls;
    std::string m_crl_check;
    int m_max_depth = -1;
    EngineOptions m_engines;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_leaves;
    VerifyOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_chain_verify_command() {
    return std::make_unique<ChainVerifyCommand>();
}

}  // namespace smimekit::cli
