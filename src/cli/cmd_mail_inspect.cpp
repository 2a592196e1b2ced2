// SPDX-License-Identifier: Apache-2.0
// `smimekit mail inspect` answers "what is this S/MIME mail, and who can open it?" without any
// key: its layers, signers, recipients, cipher, and the clients known to fail on it. The work is
// inspect_message (smime.hpp); the output is mail_inspect_render.cpp.
#include "cli/command.hpp"
#include "cli/contacts.hpp"
#include "cli/mail_inspect_render.hpp"
#include "cli/os.hpp"

#include <smimekit/file.hpp>
#include <smimekit/smime.hpp>

namespace smimekit::cli {
namespace {

// Larger mails are refused before reading (a 50 MB attachment base64-encoded is 68 MB).
constexpr std::uint64_t kMaxMailSize = 256ULL * 1024 * 1024;

class MailInspectCommand final : public Command {
public:
    std::string_view name() const override { return "inspect"; }
    std::string_view summary() const override {
        return "show the S/MIME layers, signers, recipients and cipher of mails, without keys";
    }
    Help help() const override {
        return {
            "mail inspect IN.eml... [--json] [--db PATH]",
            "Shows how each mail is protected, outermost layer first, without any key and\n"
            "without verifying anything (see 'mail verify' and 'mail decrypt' for that): signed\n"
            "(multipart/signed or opaque), enveloped, auth-enveloped (AES-GCM), certs-only, and\n"
            "their nesting. For each signer: the certificate, digest and signature algorithms,\n"
            "and the signed attributes (signingTime, SMIMECapabilities, ...). For each recipient:\n"
            "issuer and serial number (or subject key identifier), the key transport or key\n"
            "agreement algorithm, and whether the contacts inventory knows the certificate (when\n"
            "there is an inventory: --db, $SMIMEKIT_DB or the default one; none is created).\n"
            "Then the content cipher and the clients known unable to open the mail (gpgsm 2.2,\n"
            "NSS 3.87, Outlook; see 'mail encrypt'). --json prints docs/json.md's \"mail "
            "inspect\".\n",
            "  0  every mail was read\n"
            "  3  a mail is missing, unreadable as MIME, or has an S/MIME part that is not CMS\n"
            "  6  the inventory cannot be read\n"
            "  7  a mail cannot be read (permission denied, I/O error)\n"
            "  With several mails, all are shown and the highest code is returned.\n",
            "  smimekit mail inspect enc.eml\n"
            "  smimekit mail inspect --json inbox/*.eml | jq '.files[].layers[].kind'\n"
            "  smimekit mail inspect --db contacts.db enc.eml    # which contacts it is for\n",
        };
    }

    void declare(OptionSet& options) override {
        add_json_option(options, m_json);
        add_db_option(options, m_db);
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "mails");
        options.positional.add("input", -1);
    }

    ExitCode run(Io& io) override {
        std::optional<InventoryDb> db;
        std::optional<InventoryIndex> index;
        InventoryLookup lookup;
        // Only an inventory that exists is read: inspecting a mail never creates one.
        if (!m_db.empty() || os::path_exists(inventory_path(m_db))) {
            db.emplace(open_inventory(m_db, OpenMode::Existing));
            index.emplace(*db);
            lookup = [&index](const RecipientFacts& recipient) { return index->find(recipient); };
        }
        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("mail inspect"), "files");
        }
        ExitCode result = ExitCode::Ok;
        for (const std::string& path : m_inputs) {
            try {
                const Bytes message = read_file(path, kMaxMailSize);
                MailInspection inspection;
                try {
                    inspection = inspect_message(message);
                } catch (const Error& error) {
                    throw error.about(path);
                }
                if (json) {
                    json->add(mail_inspection_json(path, inspection, lookup));
                } else {
                    print_mail_inspection(io.out(), path, inspection, lookup);
                }
            } catch (const Error& error) {
                result = most_severe(result, io.report(error));
                if (json) {
                    json->add({{"file", path}, {"error", json_error(error)}});
                }
            }
        }
        return result;
    }

private:
    bool m_json = false;
    std::string m_db;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_mail_inspect_command() {
    return std::make_unique<MailInspectCommand>();
}

}  // namespace smimekit::cli
