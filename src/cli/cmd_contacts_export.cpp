// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts export EMAIL -o FILE` answers "give me this correspondent's certificate"
// (to encrypt to them, or to upload to a directory): the current certificate(s), PEM or DER.
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

namespace smimekit::cli {
namespace {

class ContactsExportCommand final : public Command {
public:
    std::string_view name() const override { return "export"; }
    std::string_view summary() const override {
        return "write a contact's current certificates to a file";
    }
    Help help() const override {
        return {
            "contacts export EMAIL -o FILE [--pem|--der] [--role signing|encryption] [--force] [--db PATH]",
            "Writes the current certificates of the contact of EMAIL: PEM (the default) holds\n"
            "them all; DER holds one, so a contact with separate signing and encryption\n"
            "certificates needs --role, which picks the newest current certificate serving that\n"
            "role. The file is written atomically and never replaces an existing one without\n"
            "--force.\n",
            "  0  written\n"
            "  2  usage error; DER asked for a contact with several current certificates\n"
            "  3  no contact has this address, or it has no current certificate (for the role)\n"
            "  6  no inventory yet, or it cannot be read\n"
            "  7  the output exists (use --force) or cannot be written\n",
            "  smimekit contacts export alice@example.org -o alice.pem\n"
            "  smimekit contacts export dave@example.org --der --role encryption -o dave.cer\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("out,o", po::value(&m_out)->required()->value_name("FILE"), "the file to write")
            ("pem", po::bool_switch(&m_pem), "PEM, every current certificate (the default)")
            ("der", po::bool_switch(&m_der), "DER, exactly one certificate")
            ("role", po::value(&m_role)->value_name("ROLE"),
             "only the current certificate for signing or encryption");
        add_force_option(options, m_force);
        add_db_option(options, m_db);
        options.hidden.add_options()("email", po::value(&m_email)->required(), "the address");
        options.positional.add("email", 1);
    }

    void validate(const po::variables_map& given) override {
        if (m_pem && m_der) {
            throw usage::conflicting_options("pem", "der");
        }
        if (given.count("role") != 0) {
            if (m_role == "signing") {
                m_wanted = CertificateRole::Signing;
            } else if (m_role == "encryption") {
                m_wanted = CertificateRole::Encryption;
            } else {
                throw usage::bad_value("role", m_role, "use signing or encryption");
            }
        }
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        io.check_output(m_out, write);
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        const std::optional<Contact> contact = db.find(m_email);
        if (!contact) {
            throw Error(Errc::NotFound, "no contact " + in_quotes(m_email) + " in " + in_quotes(db.path()));
        }
        std::vector<Certificate> certificates;
        for (const ContactCertificate& link : contact->current) {  // newest first
            if (!m_wanted || role_serves(link.certificate.role, *m_wanted)) {
                certificates.push_back(db.certificate(link.certificate.sha256));
                if (m_wanted) {
                    break;
                }
            }
        }
        if (certificates.empty()) {
            throw Error(Errc::NotFound, contact->email + " has no current certificate" +
                                            (m_wanted ? " for " + m_role : std::string()));
        }
        if (m_der && certificates.size() > 1) {
            throw Error(Errc::InvalidArgument,
                        contact->email + " has " + std::to_string(certificates.size()) +
                            " current certificates, and DER holds one",
                        {}, "choose one with --role signing or --role encryption, or use --pem");
        }
        if (m_der) {
            io.write_file(m_out, certificates.front().der(), write);
        } else {
            io.write_file(m_out, as_bytes(to_pem(certificates)), write);
        }
        io.info("wrote " + count_text(certificates.size(), "certificate", "certificates") + " of " +
                contact->email + " to " + m_out);
        return ExitCode::Ok;
    }

private:
    std::string m_out;
    bool m_pem = false;
    bool m_der = false;
    std::string m_role;
    std::optional<CertificateRole> m_wanted;
    bool m_force = false;
    std::string m_db;
    std::string m_email;
};

}  // namespace

std::unique_ptr<Command> make_contacts_export_command() {
    return std::make_unique<ContactsExportCommand>();
}

}  // namespace smimekit::cli
