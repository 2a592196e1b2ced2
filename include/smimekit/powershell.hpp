// SPDX-License-Identifier: Apache-2.0
// PowerShell 7 scripts for Exchange Online, with the byte check built in: the chain of trust
// for Set-SmimeConfig, and contacts' -UserCertificate. Nothing from a certificate or a user is
// ever spliced into a script unquoted.
#pragma once

#include "smimekit/bytes.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/**
 * `text` as a PowerShell single-quoted string literal: 'It''s'. Inside single quotes PowerShell
 * expands nothing ($, backtick and double quotes are literal); the quote characters it accepts
 * (' and the Unicode quotes U+2018, U+2019, U+201A, U+201B) are doubled. Control characters
 * (CR, LF, NUL, ...) cannot be part of a name or address and are refused with
 * Errc::InvalidArgument.
 */
std::string powershell_quote(std::string_view text);

/// What the chain-of-trust upload script needs.
struct SmimeConfigScript {
    /// The .sst, as a path relative to the script's own directory (the two travel together).
    std::string sst_relative_path;
    /// The exact bytes of the .sst, whose SHA-256 the script checks before uploading.
    BytesView sst;
    /// One comment line per CA certificate in the store ("CN=Root (expires 2050-01-01)").
    std::vector<std::string> summary;
    /// Who wrote it: "smimekit 0.1.0".
    std::string generator;
};

/**
 * A PowerShell 7 script (`#Requires -Version 7`) that uploads the .sst with
 * Set-SmimeConfig -SMIMECertificateIssuingCA ([System.IO.File]::ReadAllBytes(...)), supports
 * -WhatIf (SupportsShouldProcess: shows what it would change, changes nothing), checks the
 * file's SHA-256 first, reads the configuration back and compares the bytes, printing OK or
 * MISMATCH and exiting 1 on a mismatch. Lines end with CRLF (Windows editors).
 */
std::string smime_config_script(const SmimeConfigScript& script);

/// The most certificates Exchange Online keeps in one recipient's UserCertificate (issue 11).
inline constexpr std::size_t kMaxUserCertificates = 15;

/// One recipient of the contacts script.
struct ContactScriptEntry {
    /// The unique name Exchange knows the recipient by: New-MailContact -Name, and -Identity of
    /// every other cmdlet. Senders pick the contact by this name in Outlook on the web.
    std::string identity;
    std::string address;       ///< New-MailContact -ExternalEmailAddress
    std::string display_name;  ///< New-MailContact -DisplayName; empty: the identity
    /// A mailbox of the organisation: its certificates go in with Set-Mailbox, and the script
    /// never creates it. Otherwise a mail contact (New-MailContact, Set-MailContact).
    bool internal = false;
    /// DER, each exactly as Exchange must hold it; at least one, at most kMaxUserCertificates.
    std::vector<Bytes> certificates;
};

struct ContactsScriptOptions {
    /// Who wrote it: "smimekit 0.1.0".
    std::string generator;
};

/**
 * A PowerShell 7 script (`#Requires -Version 7`, CRLF line ends) that publishes `entries`.
 * The certificates are embedded as base64 ([Convert]::FromBase64String), so it needs no other
 * file. Run, it first refuses, before changing anything, a recipient that would hold more than
 * kMaxUserCertificates; then for each recipient it creates the mail contact when it is missing
 * (never a mailbox), and sets UserCertificate to exactly the given certificates when Exchange
 * holds others (so running it again changes nothing); then it reads every recipient back and
 * compares the certificates byte for byte as sets, printing "OK: ..." or "MISMATCH: ..." per
 * recipient and exiting 1 on any mismatch. -WhatIf (SupportsShouldProcess) shows what would
 * change and changes nothing. -ExportState FILE changes nothing and writes what Exchange holds
 * for these recipients as JSON (an array of {Identity, Address, RecipientType,
 * UserCertificate: [base64, ...]}; exchange_state.hpp reads it). At the end it reminds the
 * admin that senders pick the contact by its identity name in Outlook on the web.
 *
 * Every name and address enters the script only as a powershell_quote literal. Throws
 * Error{InvalidArgument}, naming the recipient, for an empty identity or address, no
 * certificate or more than kMaxUserCertificates, a control character in a name or address,
 * or an identity given twice (Exchange compares names without regard to case).
 */
std::string contacts_script(std::span<const ContactScriptEntry> entries,
                            const ContactsScriptOptions& options);

}  // namespace smimekit
