// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts verify` answers "can we still rely on every certificate the inventory
// says is current?": the chain of each, to the anchors the admin names, for what the
// certificate is for (signing, encryption or both), with every reason it fails.
#include "cli/command.hpp"
#include "cli/contact_selection.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/chain.hpp>

namespace smimekit::cli {
namespace {

/// The purposes a certificate of `role` is verified for under --purpose auto.
std::vector<Purpose> purposes_for(CertificateRole role) {
    switch (role) {
        case CertificateRole::Signing: return {Purpose::SmimeSign};
        case CertificateRole::Encryption: return {Purpose::SmimeEncrypt};
        case CertificateRole::Both: return {Purpose::SmimeSign, Purpose::SmimeEncrypt};
    }
    return {Purpose::SmimeSign, Purpose::SmimeEncrypt};
}

class ContactsVerifyCommand final : public Command {
public:
    std::string_view name() const override { return "verify"; }
    std::string_view summary() const override {
        return "verify the chain of every contact's current certificates";
    }
    Help help() const override {
        return {
            "contacts verify [EMAIL...] (--trust PATH | --system-roots) [--pool PATH] [--at TIME]\n"
            "       [--purpose auto|any|smime-sign|smime-encrypt] [--json] [--db PATH]",
            "Builds and validates the chain of each current certificate of the contacts of EMAIL\n"
            "(default: every contact), through the --pool CA certificates (the inventory keeps\n"
            "none) to a --trust anchor, with OpenSSL, at --at (default now), as 'chain verify'\n"
            "does. --purpose auto (the default) verifies a signing certificate for smime-sign, an\n"
            "encryption certificate for smime-encrypt, and one for both for both (it is valid\n"
            "when both are); another --purpose applies to every certificate. The address of the\n"
            "contact must be in the certificate. One line per certificate and purpose, with every\n"
            "reason below one that fails, then a summary; --json gives 'chain verify' results.\n",
            "  0  every current certificate's chain is valid\n"
            "  1  a chain is not valid or incomplete\n"
            "  2  usage: no --trust or --system-roots, an unknown --purpose\n"
            "  3  a --trust file is missing or holds no certificate; an EMAIL is no contact's\n"
            "  6  no inventory yet, or it cannot be read\n",
            "  smimekit contacts verify --pool cas/ --trust root.pem\n"
            "  smimekit contacts verify bob@example.org --system-roots --purpose smime-encrypt\n"
            "  smimekit contacts verify --pool cas/ --trust root.pem --at 2027-01-01 --json\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        options.visible.add_options()
            ("at", po::value(&m_at)->value_name("TIME"),
             "validate at this time: RFC 3339 (2030-01-01T00:00:00Z), a date, or Unix seconds")
            ("purpose", po::value(&m_purpose)->value_name("P"),
             "auto (default: by the certificate's role), any, smime-sign or smime-encrypt");
        add_json_option(options, m_json);
        add_db_option(options, m_db);
        options.hidden.add_options()("email", po::value(&m_emails), "contacts' addresses");
        options.positional.add("email", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        m_trust.validate();
        if (m_purpose == "any") {
            m_fixed = Purpose::Any;
        } else if (m_purpose == "smime-sign") {
            m_fixed = Purpose::SmimeSign;
        } else if (m_purpose == "smime-encrypt") {
            m_fixed = Purpose::SmimeEncrypt;
        } else if (!m_purpose.empty() && m_purpose != "auto") {
            throw usage::bad_value("purpose", m_purpose, "use auto, any, smime-sign or smime-encrypt");
        }
    }

    ExitCode run(Io& io) override {
        VerifyOptions options;
        options.time = m_at.empty() ? io.now() : parse_time_option("at", m_at);
        options.engines = EngineChoice::OpenSsl;  // a batch: the second opinion is 'chain verify's
        const Store anchors = m_trust.load_anchors(io);
        LoadOptions load;
        load.keys = false;
        const Store pool = m_trust.load_pool(io, load);  // once, for every chain
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);

        std::optional<JsonListPrinter> json;
        if (m_json) {
            Json head = json_document("contacts verify");
            head["database"] = db.path();
            head["time"] = json_time(options.time);
            json.emplace(io.out(), head, "results");
        }
        std::size_t checked = 0;
        std::size_t failed = 0;
        std::size_t contacts = 0;
        visit_contacts(db, m_emails, [&](const Contact& contact) {
            ++contacts;
            if (contact.current.empty() && !m_emails.empty()) {
                io.warn(contact.email + " has no current certificate");
            }
            options.email = contact.email;
            for (const ContactCertificate& link : contact.current) {
                const InventoryCertificate& facts = link.certificate;
                const Certificate certificate = db.certificate(facts.sha256);
                Json verdicts = Json::array();
                bool valid = true;
                for (const Purpose purpose : m_fixed ? std::vector{*m_fixed} : purposes_for(facts.role)) {
                    options.purpose = purpose;
                    const ChainResult chain = verify_chain(certificate, pool, anchors, options);
                    valid = valid && chain.accepted();
                    if (json) {
                        verdicts.push_back(chain_result_json(chain, options));
                    } else {
                        print_verdict(io.out(), contact, facts, purpose, chain);
                    }
                }
                ++checked;
                failed += valid ? 0 : 1;
                if (json) {
                    json->add(JsonObject(7)
                                  .add("email", contact.email)
                                  .add("identity", contact.identity)
                                  .add("sha256", facts.sha256)
                                  .add("subject", facts.subject)
                                  .add("role", role_name(facts.role))
                                  .add("valid", valid)
                                  .add("verdicts", std::move(verdicts))
                                  .done());
                }
            }
        });
        if (json) {
            json->finish();
        } else {
            io.out() << count_text(checked, "current certificate", "current certificates") + " of " +
                            count_text(contacts, "contact", "contacts") + ": " +
                            std::to_string(checked - failed) + " valid, " + std::to_string(failed) +
                            " not valid\n";
        }
        return failed == 0 ? ExitCode::Ok : ExitCode::Negative;
    }

private:
    static void print_verdict(std::ostream& out, const Contact& contact, const InventoryCertificate& facts,
                              Purpose purpose, const ChainResult& chain) {
        std::string status = chain.valid() ? "valid" : chain.status == ChainStatus::Incomplete ? "INCOMPLETE" : "NOT VALID";
        status.resize(12, ' ');
        std::string purpose_text(purpose_name(purpose));
        purpose_text.resize(15, ' ');
        out << status << contact.email << "  " << purpose_text << facts.subject
            << "  (SHA-256 " << facts.sha256.substr(0, 16) << "...)\n";
        for (const ChainProblem& problem : chain.problems) {
            out << "            " << problem.code << ": " << problem.message << '\n';
        }
    }

    TrustOptions m_trust;
    std::string m_at;
    std::string m_purpose;
    std::optional<Purpose> m_fixed;
    bool m_json = false;
    std::string m_db;
    std::vector<std::string> m_emails;
};

}  // namespace

std::unique_ptr<Command> make_contacts_verify_command() {
    return std::make_unique<ContactsVerifyCommand>();
}

}  // namespace smimekit::cli
