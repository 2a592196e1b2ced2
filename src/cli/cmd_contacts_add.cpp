// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts add CERT...` answers "remember this correspondent's certificate": it files
// each certificate under every address it carries (or the one --email names), and sets the
// contact's name, Exchange identity and kind. Without a certificate it creates or edits a contact.
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

#include <smimekit/load.hpp>

namespace smimekit::cli {
namespace {

class ContactsAddCommand final : public Command {
public:
    std::string_view name() const override { return "add"; }
    std::string_view summary() const override {
        return "add certificates to the inventory, or create or edit a contact";
    }
    Help help() const override {
        return {
            "contacts add [CERT...] [--email ADDR] [--name NAME] [--identity ID] [--internal] [options]",
            "Adds each certificate (any format: .der, .cer, .pem, .p7b, .sst, the public part of\n"
            "a .p12; never a private key) to the contact of every e-mail address it carries, one\n"
            "contact per address, or only to the address --email names (which it must carry).\n"
            "Adding a certificate that is already there changes nothing. A newer certificate\n"
            "(later notBefore) supersedes the contact's current one for the same role (signing,\n"
            "encryption, or both, from the key usage); an older one goes into the history.\n"
            "A new contact gets its display name from the certificate's common name and an\n"
            "identity name derived from it, made unique with -2, -3, ...; --name, --identity,\n"
            "--internal/--external and --notes set them, also on existing contacts. Without a\n"
            "CERT, --email names one contact to create or edit. CA certificates in a file are\n"
            "skipped with a warning. Nothing is written unless every input is accepted.\n",
            "  0  added (or nothing to change)\n"
            "  2  usage error; a CA certificate or one without an address; an address the\n"
            "     certificate does not carry; an identity name that is taken\n"
            "  3  a file is missing or holds no certificate\n"
            "  4  wrong or missing password for a .p12\n"
            "  6  the inventory cannot be opened or written\n",
            "  smimekit contacts add alice.cer\n"
            "  smimekit contacts add bob.p7b --email bob@example.org --name 'Bob Example' --internal\n"
            "  smimekit contacts add --email carol@example.org --notes 'asked for a new certificate'\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("email", po::value(&m_email)->value_name("ADDR"),
             "attach the certificates to this address only (it must be one they carry)")
            ("name", po::value(&m_name)->value_name("NAME"), "the contact's display name")
            ("identity", po::value(&m_identity)->value_name("ID"),
             "the contact's unique identity name for Exchange")
            ("internal", po::bool_switch(&m_internal), "a mailbox of the own organisation")
            ("external", po::bool_switch(&m_external), "an external correspondent (the default)")
            ("notes", po::value(&m_notes)->value_name("TEXT"), "free text about the contact");
        add_db_option(options, m_db);
        add_password_options(options, m_password);
        options.hidden.add_options()("cert", po::value(&m_files), "certificate files");
        options.positional.add("cert", -1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        if (m_internal && m_external) {
            throw usage::conflicting_options("internal", "external");
        }
        if (m_files.empty() && m_email.empty()) {
            throw usage::missing_operand("CERT argument (or --email for a contact alone)");
        }
        if (given.count("name") != 0) {
            m_fields.display_name = m_name;
        }
        if (given.count("identity") != 0) {
            m_fields.identity = m_identity;
        }
        if (given.count("notes") != 0) {
            m_fields.notes = m_notes;
        }
        if (m_internal || m_external) {
            m_fields.internal = m_internal;
        }
    }

    ExitCode run(Io& io) override {
        LoadOptions load;
        load.keys = false;  // public certificates only, even from a .p12
        load.password = io.password_provider(m_password);
        std::vector<Certificate> certificates;
        for (const std::string& path : m_files) {
            const LoadedFile file = load_file(path, load);
            std::size_t taken = 0;
            for (const Certificate& certificate : file.certificates) {
                if (certificate.is_ca()) {
                    io.warn(in_quotes(path) + ": CA certificate " + in_quotes(certificate.subject()) +
                            " skipped (the inventory keeps contacts' certificates)");
                } else {
                    certificates.push_back(certificate);
                    ++taken;
                }
            }
            if (taken == 0) {
                throw Error(Errc::InvalidArgument,
                            in_quotes(path) + ": holds no end-entity certificate to add");
            }
        }
        AddOptions options;
        if (!m_email.empty()) {
            options.email = m_email;
        }
        options.fields = m_fields;
        InventoryDb db = open_inventory(m_db, OpenMode::Create);
        const AddReport report = db.add(certificates, options, io.now());
        for (const CertificateChange& change : report.certificates) {
            std::string line = std::string(outcome_name(change.outcome)) + " " + in_quotes(change.subject);
            if (!change.current_for.empty()) {
                line += ": current for " + join_list(change.current_for);
            }
            if (!change.history_for.empty()) {
                line += std::string(change.current_for.empty() ? ":" : ";") +
                        " into the history of " + join_list(change.history_for) +
                        " (older than the current certificate)";
            }
            if (change.superseded > 0) {
                line += "; supersedes " + count_text(change.superseded, "certificate", "certificates");
            }
            io.out() << line << '\n';
        }
        for (const std::string& email : report.new_contacts) {
            io.out() << "new contact " << email << '\n';
        }
        for (const std::string& email : report.updated_contacts) {
            io.out() << "updated contact " << email << '\n';
        }
        return ExitCode::Ok;
    }

private:
    std::string m_email;
    std::string m_name;
    std::string m_identity;
    std::string m_notes;
    bool m_internal = false;
    bool m_external = false;
    std::string m_db;
    PasswordSource m_password;
    std::vector<std::string> m_files;
    ContactFields m_fields;
};

}  // namespace

std::unique_ptr<Command> make_contacts_add_command() {
    return std::make_unique<ContactsAddCommand>();
}

}  // namespace smimekit::cli
