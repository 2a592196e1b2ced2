// SPDX-License-Identifier: Apache-2.0
// `smimekit exchange diff state.json` answers "does Exchange Online still publish what the
// inventory says?": which contacts are missing there, which still have an older certificate
// published, which publish certificates nobody knows, and where the bytes differ. The state is
// what the contacts script's -ExportState wrote; the work is in exchange_state.hpp.
#include "cli/command.hpp"
#include "cli/contact_selection.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

#include <smimekit/exchange_state.hpp>

#include <array>
#include <unordered_set>

namespace smimekit::cli {
namespace {

constexpr std::array kStatuses{DriftStatus::Ok, DriftStatus::Missing, DriftStatus::Extra,
                               DriftStatus::Stale, DriftStatus::Mismatch};

Json nullable(const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

Json entry_json(const DriftEntry& entry) {
    Json details = Json::array();
    for (const DriftDetail& detail : entry.details) {
        details.push_back(JsonObject(4)
                              .add("code", detail.code)
                              .add("status", drift_status_name(detail.status))
                              .add("sha256", nullable(detail.sha256))
                              .add("message", detail.message)
                              .done());
    }
    return JsonObject(5)
        .add("email", nullable(entry.email))
        .add("identity", entry.identity)
        .add("address", nullable(entry.address))
        .add("status", drift_status_name(entry.status))
        .add("details", std::move(details))
        .done();
}

void print_entry(std::ostream& out, const DriftEntry& entry) {
    std::string status(drift_status_name(entry.status));
    status.resize(10, ' ');
    const std::string& who = entry.email.empty() ? entry.address : entry.email;
    out << status << (who.empty() ? "-" : who) << "  " << in_quotes(entry.identity) << '\n';
    for (const DriftDetail& detail : entry.details) {
        out << "          " << detail.message << '\n';
    }
}

class ExchangeDiffCommand final : public Command {
public:
    std::string_view name() const override { return "diff"; }
    std::string_view summary() const override {
        return "compare what Exchange Online publishes (the script's -ExportState) with the inventory";
    }
    Help help() const override {
        return {
            "exchange diff STATE.json [EMAIL...] [--json] [--db PATH]",
            "Reads STATE.json, written by the contacts script's -ExportState (see 'exchange\n"
            "contacts'; any ConvertTo-Json of recipients with Identity or Name, an address and\n"
            "UserCertificate will do), and compares each recipient with the inventory. A recipient\n"
            "belongs to the contact with its address (the domain without regard to case), else to\n"
            "the one with its identity name. Each contact with a current certificate (or each\n"
            "EMAIL) gets one line:\n"
            "  ok        Exchange publishes exactly its current certificates\n"
            "  missing   no such recipient, or a current certificate is not published\n"
            "  extra     a certificate (or a whole recipient) the inventory does not know\n"
            "  stale     an older certificate of the contact is still published\n"
            "  mismatch  published bytes that are no certificate or another encoding of a known\n"
            "            one, or Exchange has the recipient under another identity name\n"
            "The worst finding sets the status; every finding is listed below it. Publishing\n"
            "again with the contacts script fixes all but extra recipients.\n",
            "  0  Exchange publishes what the inventory says\n"
            "  1  they differ\n"
            "  2  usage error\n"
            "  3  STATE.json is missing or not such a file; an EMAIL is no contact's\n"
            "  6  no inventory yet, or it cannot be read\n",
            "  pwsh ./Publish-Contacts.ps1 -ExportState state.json\n"
            "  smimekit exchange diff state.json\n"
            "  smimekit exchange diff state.json bob@example.org --json\n",
        };
    }

    void declare(OptionSet& options) override {
        add_json_option(options, m_json);
        add_db_option(options, m_db);
        options.hidden.add_options()
            ("state", po::value(&m_state)->required(), "the state file")
            ("email", po::value(&m_emails), "contacts' addresses");
        options.positional.add("state", 1).add("email", -1);
    }

    ExitCode run(Io& io) override {
        const ExchangeState state = load_exchange_state(m_state);
        const InventoryDb db = open_inventory(m_db, OpenMode::Existing);
        // Every contact takes part in the matching, so that a recipient of a contact that was
        // not named is not taken for one the inventory lacks; the report keeps the named ones.
        std::vector<Contact> contacts;
        visit_contacts(db, {}, [&](const Contact& contact) { contacts.push_back(contact); });
        std::unordered_set<std::string> named;
        visit_contacts(db, m_emails, [&](const Contact& contact) { named.insert(contact.email); });
        DriftReport report = diff_exchange_state(state, contacts);
        if (!m_emails.empty()) {
            std::erase_if(report.entries, [&](const DriftEntry& e) { return named.count(e.email) == 0; });
        }

        std::array<std::size_t, kStatuses.size()> counts{};
        for (const DriftEntry& entry : report.entries) {
            ++counts[static_cast<std::size_t>(entry.status)];
        }
        std::string summary = count_text(report.entries.size(), "recipient", "recipients") + ":";
        for (std::size_t i = 0; i < kStatuses.size(); ++i) {
            summary += (i == 0 ? " " : ", ") + std::to_string(counts[i]) + " " +
                       std::string(drift_status_name(kStatuses[i]));
        }
        if (m_json) {
            Json document = json_document("exchange diff");
            document["state"] = m_state;
            document["database"] = db.path();
            document["differs"] = report.differs();
            Json totals = Json::object();
            for (std::size_t i = 0; i < kStatuses.size(); ++i) {
                totals[std::string(drift_status_name(kStatuses[i]))] = counts[i];
            }
            document["summary"] = std::move(totals);
            JsonListPrinter list(io.out(), document, "recipients");
            for (const DriftEntry& entry : report.entries) {
                list.add(entry_json(entry));
            }
        } else {
            for (const DriftEntry& entry : report.entries) {
                print_entry(io.out(), entry);
            }
            io.out() << summary << '\n';
        }
        if (report.differs()) {
            io.hint("run the contacts script again ('smimekit exchange contacts') to publish the current certificates");
            return ExitCode::Negative;
        }
        return ExitCode::Ok;
    }

private:
    bool m_json = false;
    std::string m_db;
    std::string m_state;
    std::vector<std::string> m_emails;
};

}  // namespace

std::unique_ptr<Command> make_exchange_diff_command() {
    return std::make_unique<ExchangeDiffCommand>();
}

}  // namespace smimekit::cli
