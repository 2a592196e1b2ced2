// SPDX-License-Identifier: Apache-2.0
// PowerShell script text. Values go in as single-quoted literals only (powershell_quote): in
// PowerShell a single-quoted string expands nothing, so a '$', a backtick or a double quote in
// a display name can neither break the script nor inject code.
#include "smimekit/powershell.hpp"

#include "smimekit/error.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace smimekit {
namespace {

// about_Quoting_Rules: single quotes, and the typographic quotes U+2018..U+201B that
// PowerShell treats as single quotes too. In UTF-8 those are E2 80 98..9B.
bool is_single_quote_at(std::string_view text, std::size_t i, std::size_t& length) {
    if (text[i] == '\'') {
        length = 1;
        return true;
    }
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i]) == 0xE2 &&
        static_cast<unsigned char>(text[i + 1]) == 0x80) {
        const auto third = static_cast<unsigned char>(text[i + 2]);
        if (third >= 0x98 && third <= 0x9B) {
            length = 3;
            return true;
        }
    }
    return false;
}

void line(std::string& out, std::string_view text = {}) {
    out += text;
    out += "\r\n";
}

/// True if `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
/// U+10FFFF). PowerShell decodes a script as UTF-8; a malformed sequence would become U+FFFD,
/// and the published name would not be the inventory's.
bool is_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned long code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            code = c & 0x1FU;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code = c & 0x0FU;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code = c & 0x07U;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            code = (code << 6U) | (next & 0x3FU);
        }
        constexpr unsigned long kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

/// `text` for a `#` comment line: a line comment ends at the end of the line, so nothing in
/// it runs. Besides CR and LF (which powershell_quote refuses anyway), the Unicode line breaks
/// NEL, LS and PS are replaced, so that no editor or parser can take them for one.
std::string comment_text(std::string_view text) {
    std::string clean;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto next = [&](std::size_t k) {
            return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0U;
        };
        if (c == 0xC2 && next(1) == 0x85) {  // U+0085 NEL
            clean += '?';
            ++i;
        } else if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) {
            clean += '?';  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
            i += 2;
        } else {
            clean += (c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c);
        }
    }
    return clean;
}

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

/// powershell_quote for a recipient's field, with an error that says whose field it is.
std::string quote_field(const ContactScriptEntry& entry, std::string_view field,
                        std::string_view value) {
    const auto refuse = [&](std::string_view why) {
        return Error(Errc::InvalidArgument,
                     "recipient " + in_quotes(entry.address) + ": the " + std::string(field) + " " +
                         std::string(why),
                     {}, "change it in the inventory: smimekit contacts add --email " + entry.address +
                             " --identity NAME --name NAME");
    };
    if (!is_utf8(value)) {
        throw refuse("is not valid UTF-8");
    }
    try {
        return powershell_quote(value);
    } catch (const Error&) {
        throw refuse("holds a control character (a line break?), which cannot go into a script");
    }
}

/// The `Certificates = ...` value of one recipient: an array of byte arrays. Each element is
/// written `,[Convert]::FromBase64String('...')` on its own line inside @( ): a statement that
/// outputs a one-element array, which the array subexpression unrolls into exactly that byte
/// array. Without the comma, @( ) would unroll the byte array itself into single bytes, and
/// one certificate would become hundreds of one-byte "certificates" (about_Operators, "Comma
/// operator": "As a unary operator, the comma creates an array with one member").
void certificate_array(std::string& out, const ContactScriptEntry& entry) {
    line(out, "        Certificates = [byte[][]]@(");
    for (const Bytes& der : entry.certificates) {
        // Base64 has no quote characters; it still goes through a single-quoted literal.
        line(out, "            ,[Convert]::FromBase64String(" + powershell_quote(base64_encode(der)) + ")");
    }
    line(out, "        )");
}

void check_entries(std::span<const ContactScriptEntry> entries) {
    std::unordered_set<std::string> identities;
    for (const ContactScriptEntry& entry : entries) {
        const std::string who = "recipient " + in_quotes(entry.address);
        if (entry.address.empty()) {
            throw Error(Errc::InvalidArgument, "a recipient of " + in_quotes(entry.identity) + " has no address");
        }
        if (entry.identity.empty()) {
            throw Error(Errc::InvalidArgument, who + " has no identity name");
        }
        if (entry.certificates.empty()) {
            throw Error(Errc::InvalidArgument, who + " has no certificate to publish");
        }
        if (entry.certificates.size() > kMaxUserCertificates) {
            throw Error(Errc::InvalidArgument,
                        who + " would hold " + std::to_string(entry.certificates.size()) +
                            " certificates; Exchange Online keeps at most " +
                            std::to_string(kMaxUserCertificates));
        }
        if (!identities.insert(ascii_lower(entry.identity)).second) {
            throw Error(Errc::InvalidArgument,
                        who + ": the identity name " + in_quotes(entry.identity) +
                            " is given to another recipient too",
                        {}, "Exchange needs identity names unique, whatever their case");
        }
    }
}

}  // namespace

std::string powershell_quote(std::string_view text) {
    std::string quoted = "'";
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) {
            throw Error(Errc::InvalidArgument,
                        "a control character cannot be part of a name or address in a script");
        }
        std::size_t length = 1;
        if (is_single_quote_at(text, i, length)) {
            quoted.append(text.substr(i, length));  // doubled: the quote stands for itself
        }
        quoted.append(text.substr(i, length));
        i += length;
    }
    quoted += '\'';
    return quoted;
}

std::string smime_config_script(const SmimeConfigScript& script) {
    std::string out;
    line(out, "#Requires -Version 7");
    line(out, "<#");
    line(out, ".SYNOPSIS");
    line(out, "    Uploads the S/MIME chain of trust to Exchange Online and checks what Exchange holds.");
    line(out, ".DESCRIPTION");
    line(out, "    Written by " + script.generator + ". Connect first with Connect-ExchangeOnline.");
    line(out, "    Run with -WhatIf to see what would change without changing anything.");
    line(out, "    Exchange Online needs a while to apply the new configuration; expired certificates");
    line(out, "    in the store make it reject the whole upload.");
    line(out, "    The store holds:");
    for (const std::string& entry : script.summary) {
        std::string clean;
        for (const char c : entry) {
            clean += (c == '\r' || c == '\n' || c == '#' || c == '>') ? ' ' : c;
        }
        line(out, "      " + clean);
    }
    line(out, "#>");
    line(out, "[CmdletBinding(SupportsShouldProcess)]");
    line(out, "param()");
    line(out, "$ErrorActionPreference = 'Stop'");
    line(out);
    line(out, "$sstPath = Join-Path -Path $PSScriptRoot -ChildPath " +
                  powershell_quote(script.sst_relative_path));
    line(out, "$expectedSha256 = '" + to_hex(sha256(script.sst), HexCase::Upper) + "'");
    line(out, "$actualSha256 = (Get-FileHash -Algorithm SHA256 -LiteralPath $sstPath).Hash");
    line(out, "if ($actualSha256 -ne $expectedSha256) {");
    line(out, "    throw \"$sstPath has changed since smimekit wrote it (SHA-256 $actualSha256)\"");
    line(out, "}");
    line(out, "$bytes = [System.IO.File]::ReadAllBytes($sstPath)");
    line(out);
    line(out, "if ($PSCmdlet.ShouldProcess('Exchange Online S/MIME configuration',");
    line(out, "                            \"Set-SmimeConfig -SMIMECertificateIssuingCA ($($bytes.Length) bytes)\")) {");
    line(out, "    Set-SmimeConfig -SMIMECertificateIssuingCA $bytes");
    line(out, "    $readBack = [byte[]](Get-SmimeConfig).SMIMECertificateIssuingCA");
    line(out, "    if ($null -ne $readBack -and [System.Linq.Enumerable]::SequenceEqual($readBack, [byte[]]$bytes)) {");
    line(out, "        Write-Output \"OK: Exchange Online holds the $($bytes.Length)-byte chain of trust\"");
    line(out, "    } else {");
    line(out, "        Write-Output 'MISMATCH: the chain of trust Exchange Online returns differs from the file'");
    line(out, "        exit 1");
    line(out, "    }");
    line(out, "}");
    return out;
}

std::string contacts_script(std::span<const ContactScriptEntry> entries,
                            const ContactsScriptOptions& options) {
    check_entries(entries);
    const std::string limit = std::to_string(kMaxUserCertificates);
    std::string out;
    line(out, "#Requires -Version 7");
    line(out, "<#");
    line(out, ".SYNOPSIS");
    line(out, "    Publishes contacts' S/MIME certificates in Exchange Online and checks what Exchange holds.");
    line(out, ".DESCRIPTION");
    line(out, "    Written by " + comment_text(options.generator) + ". Connect first with Connect-ExchangeOnline.");
    line(out, "    For each recipient listed below it creates the mail contact when it is missing");
    line(out, "    (New-MailContact; mailboxes are never created), and sets its UserCertificate to exactly");
    line(out, "    the certificates embedded here (Set-MailContact, or Set-Mailbox for a mailbox of the");
    line(out, "    organisation) when Exchange holds others. Then it reads every recipient back and compares");
    line(out, "    the bytes: OK or MISMATCH per recipient, exit status 1 on any mismatch.");
    line(out, "    Nothing changes before every recipient has passed the check that it would hold at most");
    line(out, "    " + limit + " certificates. Running the script again changes nothing that is right already.");
    line(out, "    Run it with -WhatIf first: it shows what would change and changes nothing.");
    line(out, "    To encrypt to a contact in Outlook on the web, senders must pick it from the address list");
    line(out, "    by its identity name (the first name of each line below), not type the address.");
    line(out, ".PARAMETER ExportState");
    line(out, "    Changes nothing; writes what Exchange Online holds now for these recipients to this JSON");
    line(out, "    file, for 'smimekit exchange diff FILE'.");
    line(out, "#>");
    // Line comments, not the block above: a "#>" in a name cannot end them. Names appear in
    // their quoted form, as in the code below.
    line(out, "# Recipients (" + std::to_string(entries.size()) + "):");
    for (const ContactScriptEntry& entry : entries) {
        std::string thumbprints;
        for (const Bytes& der : entry.certificates) {
            thumbprints += (thumbprints.empty() ? "" : ", ") + to_hex(sha1(der), HexCase::Upper);
        }
        line(out, "#   - " + comment_text(quote_field(entry, "identity", entry.identity)) + " <" +
                      comment_text(quote_field(entry, "address", entry.address)) + ">: " +
                      (entry.internal ? "mailbox" : "mail contact") + ", SHA-1 " + thumbprints);
    }
    line(out, "[CmdletBinding(SupportsShouldProcess)]");
    line(out, "param(");
    line(out, "    [string]$ExportState");
    line(out, ")");
    line(out, "$ErrorActionPreference = 'Stop'");
    line(out);
    line(out, "$Recipients = @(");
    for (const ContactScriptEntry& entry : entries) {
        const std::string identity = quote_field(entry, "identity", entry.identity);
        line(out, "    [pscustomobject]@{");
        line(out, "        Identity     = " + identity);
        line(out, "        Address      = " + quote_field(entry, "address", entry.address));
        line(out, "        DisplayName  = " + (entry.display_name.empty()
                                                   ? identity
                                                   : quote_field(entry, "display name", entry.display_name)));
        line(out, std::string("        Internal     = ") + (entry.internal ? "$true" : "$false"));
        certificate_array(out, entry);
        line(out, "    }");
    }
    line(out, ")");
    line(out);
    // The helpers. Every value below comes from $Recipients or from Exchange; the script text
    // holds no other name or address.
    for (const char* text : {
             "# The certificates of a value as base64 strings, one per certificate, so that two sets",
             "# compare as sets of strings, byte for byte. Exchange returns a list of byte arrays; a",
             "# single one may arrive unwrapped as one array of numbers (PowerShell collapses one-element",
             "# arrays), and values that went through serialization may be base64 strings already.",
             "function ConvertTo-CertificateList {",
             "    param($Value)",
             "    $list = [System.Collections.Generic.List[string]]::new()",
             "    if ($null -eq $Value) {",
             "        return ,$list.ToArray()",
             "    }",
             "    if ($Value -is [string]) {",
             "        $Value = ,$Value",
             "    } elseif ($Value -is [System.Collections.IList] -and $Value.Count -gt 0 -and $Value[0] -is [System.ValueType]) {",
             "        $Value = ,([byte[]]$Value)",
             "    }",
             "    foreach ($item in $Value) {",
             "        if ($item -is [string]) {",
             "            $list.Add([Convert]::ToBase64String([Convert]::FromBase64String($item)))",
             "        } else {",
             "            $list.Add([Convert]::ToBase64String([byte[]]$item))",
             "        }",
             "    }",
             "    return ,$list.ToArray()",
             "}",
             "",
             "function Test-SameCertificates {",
             "    param([string[]]$Expected, [string[]]$Actual)",
             "    $want = [System.Collections.Generic.HashSet[string]]::new()",
             "    foreach ($item in $Expected) { [void]$want.Add($item) }",
             "    $have = [System.Collections.Generic.HashSet[string]]::new()",
             "    foreach ($item in $Actual) { [void]$have.Add($item) }",
             "    return $want.SetEquals($have)",
             "}",
             "",
             "# The recipient Exchange holds under this identity, or $null when there is none. Any other",
             "# failure (no session, no permission) stops the script.",
             "function Find-Recipient {",
             "    param($Recipient)",
             "    try {",
             "        if ($Recipient.Internal) {",
             "            return Get-Mailbox -Identity $Recipient.Identity -ErrorAction Stop",
             "        }",
             "        return Get-MailContact -Identity $Recipient.Identity -ErrorAction Stop",
             "    } catch {",
             "        if ($_.CategoryInfo.Reason -match 'NotFound' -or \"$_\" -match \"couldn't be found\") {",
             "            return $null",
             "        }",
             "        throw",
             "    }",
             "}",
             "",
             "function Write-Reminder {",
             "    Write-Host 'Senders must pick these contacts from the address list by their identity name in'",
             "    Write-Host 'Outlook on the web (not type the address) to encrypt to them:'",
             "    foreach ($r in $Recipients) {",
             "        Write-Host \"    $($r.Identity) <$($r.Address)>\"",
             "    }",
             "}",
             "",
             "if ($ExportState) {",
             "    $state = [System.Collections.Generic.List[object]]::new()",
             "    foreach ($r in $Recipients) {",
             "        $found = Find-Recipient $r",
             "        if ($null -ne $found) {",
             "            $state.Add([pscustomobject]@{",
             "                Identity        = [string]$found.Name",
             "                Address         = [string]$found.PrimarySmtpAddress",
             "                RecipientType   = [string]$found.RecipientTypeDetails",
             "                UserCertificate = ConvertTo-CertificateList $found.UserCertificate",
             "            })",
             "        }",
             "    }",
             "    # Reading Exchange changes nothing there, so the file is written under -WhatIf too.",
             "    ConvertTo-Json -InputObject $state.ToArray() -Depth 5 |",
             "        Set-Content -LiteralPath $ExportState -Encoding utf8NoBOM -WhatIf:$false",
             "    Write-Host \"Wrote what Exchange Online holds for $($state.Count) of $($Recipients.Count) recipients to $ExportState\"",
             "    exit 0",
             "}",
             "",
         }) {
        line(out, text);
    }
    line(out, "# Exchange Online keeps at most " + limit + " certificates per recipient: refuse before changing anything.");
    line(out, "$tooMany = @($Recipients | Where-Object { $_.Certificates.Count -gt " + limit + " })");
    for (const char* text : {
             "if ($tooMany.Count -gt 0) {",
             "    foreach ($r in $tooMany) {",
             "        Write-Output \"REFUSED: $($r.Identity) <$($r.Address)> would hold $($r.Certificates.Count) certificates\"",
             "    }",
             "    Write-Output 'Nothing was changed.'",
             "    exit 1",
             "}",
             "",
             "foreach ($r in $Recipients) {",
             "    $recipient = Find-Recipient $r",
             "    if ($null -eq $recipient) {",
             "        if ($r.Internal) {",
             "            Write-Warning \"There is no mailbox $($r.Identity) <$($r.Address)>; this script creates none.\"",
             "            continue",
             "        }",
             "        if ($PSCmdlet.ShouldProcess(\"$($r.Identity) <$($r.Address)>\", 'New-MailContact')) {",
             "            $recipient = New-MailContact -Name $r.Identity -DisplayName $r.DisplayName -ExternalEmailAddress $r.Address",
             "        }",
             "    }",
             "    $held = if ($null -eq $recipient) { ,@() } else { ConvertTo-CertificateList $recipient.UserCertificate }",
             "    if (Test-SameCertificates (ConvertTo-CertificateList $r.Certificates) $held) {",
             "        Write-Verbose \"$($r.Identity) holds its certificates already\"",
             "        continue",
             "    }",
             "    $action = \"set UserCertificate to $($r.Certificates.Count) certificate(s), replacing $(@($held).Count)\"",
             "    if ($PSCmdlet.ShouldProcess(\"$($r.Identity) <$($r.Address)>\", $action)) {",
             "        if ($r.Internal) {",
             "            Set-Mailbox -Identity $r.Identity -UserCertificate $r.Certificates",
             "        } else {",
             "            Set-MailContact -Identity $r.Identity -UserCertificate $r.Certificates",
             "        }",
             "    }",
             "}",
             "",
             "if ($WhatIfPreference) {",
             "    Write-Host 'WhatIf: nothing was changed. Run without -WhatIf to publish and check the certificates.'",
             "    Write-Reminder",
             "    exit 0",
             "}",
             "",
             "# The check: what Exchange returns must be exactly the embedded certificates.",
             "$mismatches = 0",
             "foreach ($r in $Recipients) {",
             "    $recipient = Find-Recipient $r",
             "    $expected = ConvertTo-CertificateList $r.Certificates",
             "    if ($null -eq $recipient) {",
             "        Write-Output \"MISMATCH: $($r.Identity) <$($r.Address)>: Exchange Online has no such recipient\"",
             "        $mismatches++",
             "        continue",
             "    }",
             "    $held = ConvertTo-CertificateList $recipient.UserCertificate",
             "    if (Test-SameCertificates $expected $held) {",
             "        Write-Output \"OK: $($r.Identity) <$($r.Address)> holds its $($expected.Count) certificate(s)\"",
             "    } else {",
             "        $present = @($expected | Where-Object { $held -contains $_ }).Count",
             "        Write-Output \"MISMATCH: $($r.Identity) <$($r.Address)>: Exchange Online holds $($held.Count) certificate(s), $present of the $($expected.Count) expected\"",
             "        $mismatches++",
             "    }",
             "}",
             "Write-Reminder",
             "if ($mismatches -gt 0) {",
             "    exit 1",
             "}",
         }) {
        line(out, text);
    }
    return out;
}

}  // namespace smimekit
