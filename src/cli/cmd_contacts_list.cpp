// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts list` answers "whose certificates expire soon, or have expired, or are
// missing?" for people (a table), scripts (--json), spreadsheets (--csv) and cron jobs (exit 1
// when a filter finds something).
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

#include <optional>

namespace smimekit::cli {
namespace {

class ContactsListCommand final : public Command {
public:
    std::string_view name() const override { return "list"; }
    std::string_view summary() const override {
        return "list contacts, or those whose certificates expire, have expired or are missing";
    }
    Help help() const override {
        return {
            "contacts list [--expiring 30d] [--expired] [--without-cert] [--json|--csv] [--db PATH]",
            "Lists the contacts in address order: address, identity name, internal or external,\n"
            "and the end of validity of the current certificate that expires first. Filters\n"
            "add up (a contact matching any of them is listed); they look only at current\n"
            "certificates, not at the history. --expiring WINDOW takes days or weeks (30d, 4w)\n"
            "and lists contacts with a current certificate that is still valid and expires\n"
            "within the window. --json prints every contact with its current certificates and\n"
            "history; --csv one row per current certificate, with a header row (RFC 4180).\n",
            "  0  listed; with a filter: no contact matches\n"
            "  1  a filter matches at least one contact (for cron jobs)\n"
            "  2  usage error (a window that is not like 30d or 4w)\n"
            "  6  no inventory yet, or it cannot be read\n",
            "  smimekit contacts list\n"
            "  smimekit contacts list --expiring 30d || mail -s 'certificates expire' admin < report\n"
            "  smimekit contacts list --expired --without-cert --csv > attention.csv\n"
            "  smimekit contacts list --json | jq -r '.contacts[].email'\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("expiring", po::value(&m_expiring)->value_name("WINDOW"),
             "contacts whose current certificate expires within WINDOW (30d, 4w)")
            ("expired", po::bool_switch(&m_expired), "contacts whose current certificate has expired")
            ("without-cert", po::bool_switch(&m_without), "contacts without a current certificate")
            ("csv", po::bool_switch(&m_csv), "print CSV (RFC 4180) with a header row");
        add_json_option(options, m_json);
        add_db_option(options, m_db);
    }

    void validate(const po::variables_map& given) override {
        if (m_json && m_csv) {
            throw usage::conflicting_options("json", "csv");
        }
        if (given.count("expiring") != 0) {
            m_window = parse_window("expiring", m_expiring);
        }
    }

    ExitCode run(Io& io) override {
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        ContactQuery query;
        query.now = io.now();
        query.expiring_within = m_window;
        query.expired = m_expired;
        query.without_certificate = m_without;
        const bool filtered = m_window || m_expired || m_without;

        std::optional<JsonListPrinter> json;
        if (m_json) {
            Json head = json_document("contacts list");
            head["database"] = db.path();
            head["now"] = json_time(query.now);
            head["filters"] = {{"expiring_days", m_window ? Json(m_window->count() / 86400) : Json(nullptr)},
                               {"expired", m_expired},
                               {"without_certificate", m_without}};
            json.emplace(io.out(), head, "contacts");
        } else if (m_csv) {
            print_csv_header(io.out());
        }
        std::size_t count = 0;
        db.visit(query, [&](const Contact& contact) {
            ++count;
            if (json) {
                json->add(contact_json(contact, query.now));
            } else if (m_csv) {
                print_contact_csv(io.out(), contact, query.now);
            } else {
                print_contact_line(io.out(), contact, query.now);
            }
        });
        if (json) {
            json->finish();
        }
        io.info(count_text(count, "contact", "contacts") + (filtered ? " matching" : ""));
        return filtered && count > 0 ? ExitCode::Negative : ExitCode::Ok;
    }

private:
    std::string m_expiring;
    std::optional<std::chrono::seconds> m_window;
    bool m_expired = false;
    bool m_without = false;
    bool m_csv = false;
    bool m_json = false;
    std::string m_db;
};

}  // namespace

std::unique_ptr<Command> make_contacts_list_command() {
    return std::make_unique<ContactsListCommand>();
}

}  // namespace smimekit::cli
