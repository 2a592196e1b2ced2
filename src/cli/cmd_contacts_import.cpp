// SPDX-License-Identifier: Apache-2.0
// `smimekit contacts import PATH...` answers "take in everything we have": certificate files and
// whole directory trees of any format, in parallel and in batches, safe to re-run and to run
// beside another import. A file that cannot be read is reported and skipped, never fatal.
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/render.hpp"

#include <optional>

namespace smimekit::cli {
namespace {

class ContactsImportCommand final : public Command {
public:
    std::string_view name() const override { return "import"; }
    std::string_view summary() const override {
        return "import certificate files and directories into the inventory";
    }
    Help help() const override {
        return {
            "contacts import PATH... [--db PATH] [--json] [password options]",
            "Reads every file under each PATH (directories recursively, hidden names skipped) in\n"
            "any format: .der, .cer, .pem, .p7b, .sst, and the public part of a .p12 when a\n"
            "password option is given (a private key is never stored), and signed mail (.eml)\n"
            "whose signature verifies: its signer's certificate, with the S/MIME capabilities\n"
            "the message announces (the chain is checked by 'contacts verify'). Each end-entity\n"
            "certificate is filed under every address it carries, as 'contacts add' does; CA\n"
            "certificates and certificates without an address are left out. Files are parsed in\n"
            "parallel and written in batches; another import may run on the same inventory at\n"
            "the same time. Importing the same files again changes nothing. A file that cannot\n"
            "be read is reported with the reason and skipped. Prints a summary: certificates\n"
            "added (and how many of them went straight into a history because the contact has\n"
            "a newer one), updated (known, but new to a contact), unchanged and skipped.\n"
            "A progress line is drawn on a terminal.\n",
            "  0  imported (files inside a directory may have been skipped: see the summary)\n"
            "  3  a PATH named on the command line is missing or not a certificate file\n"
            "  4  wrong password for a .p12 named on the command line\n"
            "  6  the inventory cannot be opened or written (batches written before stay)\n"
            "  7  a PATH named on the command line cannot be read\n",
            "  smimekit contacts import ~/certificates/\n"
            "  smimekit contacts import --password-file pw.txt exported/*.p12\n"
            "  smimekit contacts import --json incoming/ | jq '.skipped[].file'\n",
        };
    }

    void declare(OptionSet& options) override {
        add_db_option(options, m_db);
        add_json_option(options, m_json);
        add_password_options(options, m_password);
        options.hidden.add_options()("path", po::value(&m_paths)->required(), "files and directories");
        options.positional.add("path", -1);
    }

    void validate(const po::variables_map& /*given*/) override {
        validate_password_source(m_password);
    }

    ExitCode run(Io& io) override {
        InventoryDb db = open_inventory(m_db, OpenMode::Create);
        ImportOptions options;
        // Only with a password option: a batch job must not stop at a prompt per .p12.
        if (!m_password.file.empty() || !m_password.env.empty() || m_password.from_stdin) {
            options.password = io.password_provider(m_password);
        }
        std::optional<Progress> progress;
        options.progress = [&](std::size_t done, std::size_t total) {
            if (!progress) {
                progress.emplace(io.progress("importing", total));
            }
            progress->update(done);
        };
        const ImportReport report = db.import(m_paths, options, io.now());
        if (progress) {
            progress->finish();
        }

        ExitCode result = ExitCode::Ok;
        std::size_t skipped_files = 0;
        for (const ImportSkip& skipped : report.skipped) {
            if (skipped.certificate.empty()) {
                ++skipped_files;
            }
            if (skipped.named) {
                result = most_severe(result, io.report(skipped.reason));
            } else {
                io.warn(std::string(skipped.reason.what()) + " (skipped)");
            }
        }
        if (m_json) {
            print_json(io.out(), report_json(db, report));
            return result;
        }
        const std::size_t skipped_certificates = report.skipped.size() - skipped_files;
        std::ostream& out = io.out();
        out << "files:         " << report.files << " read, " << skipped_files << " skipped\n"
            << "certificates:  " << report.added << " added";
        if (report.added_to_history > 0) {
            out << " (" << report.added_to_history << " into history)";
        }
        out << ", " << report.updated << " updated, " << report.unchanged << " unchanged, "
            << skipped_certificates << " skipped\n"
            << "contacts:      " << report.new_contacts << " new, " << report.superseded
            << " certificates superseded\n";
        return result;
    }

private:
    static Json report_json(const InventoryDb& db, const ImportReport& report) {
        Json document = json_document("contacts import");
        document["database"] = db.path();
        document["files"] = report.files;
        document["added"] = report.added;
        document["added_to_history"] = report.added_to_history;
        document["updated"] = report.updated;
        document["unchanged"] = report.unchanged;
        document["superseded"] = report.superseded;
        document["new_contacts"] = report.new_contacts;
        Json skipped = Json::array();
        for (const ImportSkip& skip : report.skipped) {
            skipped.push_back(JsonObject(3)
                                  .add("file", skip.file)
                                  .add("certificate", skip.certificate.empty()
                                                          ? Json(nullptr)
                                                          : Json(skip.certificate))
                                  .add("error", json_error(skip.reason))
                                  .done());
        }
        document["skipped"] = std::move(skipped);
        return document;
    }

    std::string m_db;
    bool m_json = false;
    PasswordSource m_password;
    std::vector<std::string> m_paths;
};

}  // namespace

std::unique_ptr<Command> make_contacts_import_command() {
    return std::make_unique<ContactsImportCommand>();
}

}  // namespace smimekit::cli
