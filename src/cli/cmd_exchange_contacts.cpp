// SPDX-License-Identifier: Apache-2.0
// `smimekit exchange contacts (EMAIL...|--all) -o contacts.ps1` answers workflow step 3: "give
// me the PowerShell that publishes these contacts' certificates in Exchange Online, with the
// byte check built in". The script (powershell.hpp) embeds the certificates, so it travels alone.
#include "cli/command.hpp"
#include "cli/contact_selection.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

#include <smimekit/powershell.hpp>
#include <smimekit/version.hpp>

#include <algorithm>

namespace smimekit::cli {
namespace {

std::string domain_of(const std::string& email) {
    return email.substr(email.rfind('@') + 1);  // normalize_email form: lower case
}

class ExchangeContactsCommand final : public Command {
public:
    std::string_view name() const override { return "contacts"; }
    std::string_view summary() const override {
        return "write the PowerShell 7 script that publishes contacts' certificates in Exchange Online";
    }
    Help help() const override {
        return {
            "exchange contacts (EMAIL... | --all) -o OUT.ps1 [--internal-domain DOMAIN]...\n"
            "       [--force] [--json] [--db PATH]",
            "Writes a PowerShell 7 script that publishes the current certificates of the contacts\n"
            "of EMAIL (or of every contact with --all) in Exchange Online, the certificates\n"
            "embedded as base64 so that no other file is needed. For each contact it creates the\n"
            "mail contact when missing (New-MailContact -Name IDENTITY -ExternalEmailAddress\n"
            "ADDRESS) and sets its UserCertificate to exactly the current certificates\n"
            "(Set-MailContact, or Set-Mailbox for a mailbox of the organisation: a contact marked\n"
            "internal, or an address in a --internal-domain; mailboxes are never created). Then it\n"
            "reads every recipient back and compares the bytes: OK or MISMATCH per contact, exit\n"
            "status 1 on any mismatch. -WhatIf shows what would change and changes nothing; a\n"
            "recipient that would hold more than 15 certificates is refused before anything\n"
            "changes; running it again changes nothing that is right. Its -ExportState FILE writes\n"
            "what Exchange holds for 'smimekit exchange diff'. Names and addresses go into the\n"
            "script only as single-quoted literals, so a quote, backtick or $ in a name can\n"
            "neither break nor inject code. Senders must pick each contact by its identity name in\n"
            "Outlook on the web (see 'contacts show'; change it with 'contacts add --identity').\n"
            "With --all, contacts without a current certificate are left out.\n",
            "  0  the script was written\n"
            "  2  usage: no EMAIL and no --all, both, a bad --internal-domain; a contact's name or\n"
            "     address holds a control character or is not UTF-8 (fix it with 'contacts add')\n"
            "  3  an EMAIL is no contact's or has no current certificate; nothing to publish\n"
            "  6  no inventory yet, or it cannot be read\n"
            "  7  the output exists (use --force) or cannot be written\n",
            "  smimekit exchange contacts --all --internal-domain example.com -o Publish-Contacts.ps1\n"
            "  smimekit exchange contacts bob@example.org carol@example.net -o contacts.ps1\n"
            "  pwsh ./Publish-Contacts.ps1 -WhatIf; pwsh ./Publish-Contacts.ps1\n"
            "  pwsh ./Publish-Contacts.ps1 -ExportState state.json; smimekit exchange diff state.json\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("out,o", po::value(&m_out)->required()->value_name("FILE"), "the script to write")
            ("all", po::bool_switch(&m_all), "every contact with a current certificate")
            ("internal-domain", po::value(&m_internal_domains)->value_name("DOMAIN"),
             "addresses in this domain are mailboxes of the organisation (Set-Mailbox); repeatable");
        add_force_option(options, m_force);
        add_json_option(options, m_json);
        add_db_option(options, m_db);
        options.hidden.add_options()("email", po::value(&m_emails), "contacts' addresses");
        options.positional.add("email", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        if (m_all && !m_emails.empty()) {
            throw UsageError("give EMAIL arguments or --all, not both");
        }
        if (!m_all && m_emails.empty()) {
            throw usage::missing_operand("EMAIL argument (or --all for every contact)");
        }
        for (std::string& domain : m_internal_domains) {
            const auto refuse = [&] {
                return usage::bad_value("internal-domain", domain, "give a domain such as example.com");
            };
            if (domain.find('@') != std::string::npos) {
                throw refuse();
            }
            try {
                domain = domain_of(normalize_email("x@" + domain));
            } catch (const Error&) {
                throw refuse();
            }
        }
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        io.check_output(m_out, write);
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        std::vector<ContactScriptEntry> entries;
        std::vector<Json> recipients;
        std::vector<std::string> left_out;
        std::vector<std::string> expired;
        std::size_t certificates = 0;
        visit_contacts(db, m_emails, [&](const Contact& contact) {
            if (contact.current.empty()) {
                if (!m_all) {
                    throw Error(Errc::NotFound, contact.email + " has no current certificate to publish");
                }
                left_out.push_back(contact.email);
                return;
            }
            ContactScriptEntry entry{contact.identity, contact.email, contact.display_name,
                                     is_internal(contact), {}};
            Json published = Json::array();
            for (const ContactCertificate& link : contact.current) {
                entry.certificates.push_back(db.certificate(link.certificate.sha256).der());
                if (io.now() > link.certificate.not_after) {
                    expired.push_back(contact.email);
                }
                published.push_back(JsonObject(4)
                                        .add("sha256", link.certificate.sha256)
                                        .add("sha1", link.certificate.sha1)
                                        .add("subject", link.certificate.subject)
                                        .add("not_after", json_time(link.certificate.not_after))
                                        .done());
            }
            certificates += entry.certificates.size();
            if (m_json) {
                recipients.push_back(JsonObject(5)
                                         .add("email", contact.email)
                                         .add("identity", contact.identity)
                                         .add("display_name", contact.display_name)
                                         .add("kind", entry.internal ? "mailbox" : "mail-contact")
                                         .add("certificates", std::move(published))
                                         .done());
            }
            entries.push_back(std::move(entry));
        });
        if (entries.empty()) {
            throw Error(Errc::NotFound, "no contact in " + in_quotes(db.path()) +
                                            " has a current certificate: nothing to publish");
        }
        const std::string script =
            contacts_script(entries, {"smimekit " + std::string(version())});
        io.write_file(m_out, as_bytes(script), write);

        const auto mailboxes = static_cast<std::size_t>(
            std::count_if(entries.begin(), entries.end(), [](const ContactScriptEntry& e) { return e.internal; }));
        if (!expired.empty()) {
            // One line, not one per contact: --all over a large inventory has hundreds.
            const std::size_t shown = std::min<std::size_t>(expired.size(), 3);
            io.warn(count_text(expired.size(), "published certificate has", "published certificates have") +
                    " expired (" + join_list({expired.begin(), expired.begin() + static_cast<std::ptrdiff_t>(shown)}) +
                    (expired.size() > shown ? ", ..." : "") +
                    "): senders cannot encrypt to them; see 'smimekit contacts list --expired'");
        }
        if (!left_out.empty()) {
            io.info("left out " + count_text(left_out.size(), "contact", "contacts") +
                    " without a current certificate");
        }
        io.info("wrote " + m_out + ": " + count_text(entries.size() - mailboxes, "mail contact", "mail contacts") +
                " and " + count_text(mailboxes, "mailbox", "mailboxes") + " with " +
                count_text(certificates, "certificate", "certificates") +
                "; run it in PowerShell 7, with -WhatIf first");
        io.info("senders must pick each contact by its identity name in Outlook on the web, not type the address");
        if (m_json) {
            Json document = json_document("exchange contacts");
            document["output"] = m_out;
            document["recipients"] = std::move(recipients);
            document["left_out"] = left_out;
            print_json(io.out(), document);
        }
        return ExitCode::Ok;
    }

private:
    [[nodiscard]] bool is_internal(const Contact& contact) const {
        return contact.internal || std::find(m_internal_domains.begin(), m_internal_domains.end(),
                                             domain_of(contact.email)) != m_internal_domains.end();
    }

    std::string m_out;
    bool m_all = false;
    std::vector<std::string> m_internal_domains;
    bool m_force = false;
    bool m_json = false;
    std::string m_db;
    std::vector<std::string> m_emails;
};

}  // namespace

std::unique_ptr<Command> make_exchange_contacts_command() {
    return std::make_unique<ExchangeContactsCommand>();
}

}  // namespace smimekit::cli
