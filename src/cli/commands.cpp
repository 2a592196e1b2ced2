// SPDX-License-Identifier: Apache-2.0
// The command registry: one line per command, in the order `smimekit help` lists them.
// No static registrars: what exists is what is written here.
#include "cli/command.hpp"

namespace smimekit::cli {

std::unique_ptr<Command> make_inspect_command();
std::unique_ptr<Command> make_convert_command();
std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_chain_build_command();
std::unique_ptr<Command> make_chain_verify_command();
std::unique_ptr<Command> make_sst_create_command();
std::unique_ptr<Command> make_sst_list_command();
std::unique_ptr<Command> make_sst_extract_command();
std::unique_ptr<Command> make_p12_create_command();
std::unique_ptr<Command> make_p12_rewrap_command();
std::unique_ptr<Command> make_exchange_chain_command();
std::unique_ptr<Command> make_exchange_contacts_command();
std::unique_ptr<Command> make_exchange_diff_command();
std::unique_ptr<Command> make_mail_compose_command();
std::unique_ptr<Command> make_mail_sign_command();
std::unique_ptr<Command> make_mail_verify_command();
std::unique_ptr<Command> make_mail_encrypt_command();
std::unique_ptr<Command> make_mail_sign_encrypt_command();
std::unique_ptr<Command> make_mail_decrypt_command();
std::unique_ptr<Command> make_mail_inspect_command();

std::unique_ptr<Command> make_contacts_add_command();
std::unique_ptr<Command> make_contacts_import_command();
std::unique_ptr<Command> make_contacts_list_command();
std::unique_ptr<Command> make_contacts_show_command();
std::unique_ptr<Command> make_contacts_remove_command();
std::unique_ptr<Command> make_contacts_export_command();
std::unique_ptr<Command> make_contacts_verify_command();

std::vector<CommandEntry> make_commands() {
    std::vector<CommandEntry> entries;
    entries.emplace_back(make_inspect_command());
    entries.emplace_back(make_convert_command());
    entries.emplace_back(make_check_command());

    CommandGroup chain{"chain", "build and verify trust chains for S/MIME", {}};
    chain.commands.push_back(make_chain_build_command());
    chain.commands.push_back(make_chain_verify_command());
    entries.emplace_back(std::move(chain));

    CommandGroup sst{"sst", "read and write Microsoft serialized certificate stores (.sst)", {}};
    sst.commands.push_back(make_sst_create_command());
    sst.commands.push_back(make_sst_list_command());
    sst.commands.push_back(make_sst_extract_command());
    entries.emplace_back(std::move(sst));

    CommandGroup p12{"p12", "write or re-wrap .p12 files that every platform can import", {}};
    p12.commands.push_back(make_p12_create_command());
    p12.commands.push_back(make_p12_rewrap_command());
    entries.emplace_back(std::move(p12));

    CommandGroup exchange{"exchange", "Exchange Online: the chain of trust .sst and PowerShell scripts", {}};
    exchange.commands.push_back(make_exchange_chain_command());
    exchange.commands.push_back(make_exchange_contacts_command());
    exchange.commands.push_back(make_exchange_diff_command());
    entries.emplace_back(std::move(exchange));

    CommandGroup mail{"mail", "compose, sign, verify, encrypt, decrypt and inspect S/MIME test mails", {}};
    mail.commands.push_back(make_mail_compose_command());
    mail.commands.push_back(make_mail_sign_command());
    mail.commands.push_back(make_mail_verify_command());
    mail.commands.push_back(make_mail_encrypt_command());
    mail.commands.push_back(make_mail_sign_encrypt_command());
    mail.commands.push_back(make_mail_decrypt_command());
    mail.commands.push_back(make_mail_inspect_command());
    entries.emplace_back(std::move(mail));

    CommandGroup contacts{"contacts",
                          "the inventory of contacts' certificates: import, history, expiry "
                          "reports, exports",
                          {}};
    contacts.commands.push_back(make_contacts_add_command());
    contacts.commands.push_back(make_contacts_import_command());
    contacts.commands.push_back(make_contacts_list_command());
    contacts.commands.push_back(make_contacts_show_command());
    contacts.commands.push_back(make_contacts_remove_command());
    contacts.commands.push_back(make_contacts_export_command());
    contacts.commands.push_back(make_contacts_verify_command());
    entries.emplace_back(std::move(contacts));
    return entries;
}

}  // namespace smimekit::cli
