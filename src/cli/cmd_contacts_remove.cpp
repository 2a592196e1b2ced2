// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts remove EMAIL` answers "forget this correspondent": the contact, its links,
// and every certificate of it that no other contact uses, in one transaction.
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

namespace smimekit::cli {
namespace {

class ContactsRemoveCommand final : public Command {
public:
    std::string_view name() const override { return "remove"; }
    std::string_view summary() const override {
        return "remove a contact and the certificates only it used";
    }
    Help help() const override {
        return {
            "contacts remove EMAIL [--db PATH]",
            "Removes the contact of EMAIL with its current certificates and history. A\n"
            "certificate that carries other addresses stays for their contacts.\n",
            "  0  removed\n"
            "  2  usage error, or EMAIL is not an address\n"
            "  3  no contact has this address\n"
            "  6  no inventory yet, or it cannot be written\n",
            "  smimekit contacts remove alice@example.org\n",
        };
    }

    void declare(OptionSet& options) override {
        add_db_option(options, m_db);
        options.hidden.add_options()("email", po::value(&m_email)->required(), "the address");
        options.positional.add("email", 1);
    }

    ExitCode run(Io& io) override {
        InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        const std::optional<Contact> contact = db.find(m_email);
        if (!contact || !db.remove(m_email)) {
            throw Error(Errc::NotFound, "no contact " + in_quotes(m_email) + " in " + in_quotes(db.path()),
                        {}, "see the addresses with 'smimekit contacts list'");
        }
        io.info("removed " + contact->email + " (" +
                count_text(contact->current.size() + contact->history.size(), "certificate",
                           "certificates") +
                ")");
        return ExitCode::Ok;
    }

private:
    std::string m_db;
    std::string m_email;
};

}  // namespace

std::unique_ptr<Command> make_contacts_remove_command() {
    return std::make_unique<ContactsRemoveCommand>();
}

}  // namespace smimekit::cli
