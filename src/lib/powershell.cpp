// SPDX-License-Identifier: Apache-2.0
// PowerShell script text. Values go in as single-quoted literals only (powershell_quote): in
// PowerShell a single-quoted string expands nothing, so a '$', a backtick or a double quote in
// a display name can neither break the script nor inject code.
#include "smimekit/powershell.hpp"

#include "smimekit/error.hpp"


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

}  // namespace smimekit
