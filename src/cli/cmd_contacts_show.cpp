// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts show EMAIL` answers "what do we know about this correspondent?": the
// contact's fields, its current certificates and the history of the ones they replaced.
#include "cli/command.hpp"
#include "cli/contacts.hpp"

namespace smimekit::cli {
namespace {

class ContactsShowCommand final : public Command {
public:
    std::string_view name() const override { return "show"; }
    std::string_view summary() const override {
        return "show a contact with its current certificates and their history";
    }
    Help help() const override {
        return {
            "contacts show EMAIL [--json] [--db PATH]",
            "Shows the contact of EMAIL (the domain is compared ignoring case, the local part\n"
            "exactly): display name, identity name, kind, notes, then each current certificate\n"
            "(role, validity, issuer, key, key usage, addresses, fingerprints, where it came\n"
            "from) and the history of superseded ones, newest first.\n",
            "  0  shown\n"
            "  2  usage error, or EMAIL is not an address\n"
            "  3  no contact has this address\n"
            "  6  no inventory yet, or it cannot be read\n",
            "  smimekit contacts show alice@example.org\n"
            "  smimekit contacts show --json alice@example.org | jq '.contact.current[].not_after'\n",
        };
    }

    void declare(OptionSet& options) override {
        add_json_option(options, m_json);
        add_db_option(options, m_db);
        options.hidden.add_options()("email", po::value(&m_email)->required(), "the address");
        options.positional.add("email", 1);
    }

    ExitCode run(Io& io) override {
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        const std::optional<Contact> contact = db.find(m_email);
        if (!contact) {
            throw Error(Errc::NotFound, "no contact " + in_quotes(m_email) + " in " + in_quotes(db.path()),
                        {}, "see the addresses with 'smimekit contacts list'");
        }
        if (m_json) {
            Json document = json_document("contacts show");
            document["database"] = db.path();
            document["now"] = json_time(io.now());
            document["contact"] = contact_json(*contact, io.now());
            print_json(io.out(), document);
        } else {
            print_contact(io.out(), *contact, io.now());
        }
        return ExitCode::Ok;
    }

private:
    bool m_json = false;
    std::string m_db;
    std::string m_email;
};

}  // namespace

std::unique_ptr<Command> make_contacts_show_command() {
    return std::make_unique<ContactsShowCommand>();
}

}  // namespace smimekit::cli
