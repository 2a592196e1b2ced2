// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/powershell.hpp. PowerShell itself is not in Debian's archive, so the rules
// are checked against its documented quoting (about_Quoting_Rules): inside single quotes
// nothing expands, and a single quote (ASCII or U+2018..U+201B) is written twice.
#include <smimekit/powershell.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using smimekit::powershell_quote;

TEST_SUITE("powershell") {

TEST_CASE("values become single-quoted literals in which nothing expands") {
    CHECK(powershell_quote("Alice Example") == "'Alice Example'");
    CHECK(powershell_quote("") == "''");
    CHECK(powershell_quote("O'Brien") == "'O''Brien'");
    CHECK(powershell_quote("$(Remove-Item -Recurse C:\\)") == "'$(Remove-Item -Recurse C:\\)'");
    CHECK(powershell_quote("a`b\"c$d") == "'a`b\"c$d'");
    CHECK(powershell_quote("J\xC3\xB6rg") == "'J\xC3\xB6rg'");
}

TEST_CASE("typographic single quotes, which PowerShell also ends strings with, are doubled") {
    // U+2019 RIGHT SINGLE QUOTATION MARK: "O’Brien'; Remove-Item x; '"
    // (The literals are split where a letter follows a \x escape, which would swallow it.)
    CHECK(powershell_quote("O\xE2\x80\x99" "Brien") == "'O\xE2\x80\x99\xE2\x80\x99" "Brien'");
    CHECK(powershell_quote("\xE2\x80\x98x\xE2\x80\x9B") == "'\xE2\x80\x98\xE2\x80\x98x\xE2\x80\x9B\xE2\x80\x9B'");
    // U+201C (a double quote) is not special inside single quotes.
    CHECK(powershell_quote("\xE2\x80\x9Cx") == "'\xE2\x80\x9Cx'");
}

TEST_CASE("line breaks and other control characters are refused") {
    for (const char* text : {"a\nb", "a\rb", "a\tb", "a\x1b[0m"}) {
        CAPTURE(text);
        CHECK(fixture::errc_of([&] { powershell_quote(text); }) == smimekit::Errc::InvalidArgument);
    }
    CHECK(fixture::errc_of([] { powershell_quote(std::string("a\0b", 3)); }) == smimekit::Errc::InvalidArgument);
}

TEST_CASE("the Set-SmimeConfig script checks the file, supports -WhatIf and compares the bytes") {
    const smimekit::Bytes sst = smimekit::to_bytes("not really a store");
    smimekit::SmimeConfigScript request;
    request.sst_relative_path = "chain of 'trust'.sst";
    request.sst = sst;
    request.summary = {"CN=Root #> Write-Host pwned <#"};
    request.generator = "smimekit test";
    const std::string script = smimekit::smime_config_script(request);
    CHECK(script.rfind("#Requires -Version 7\r\n", 0) == 0);
    CHECK(script.find("[CmdletBinding(SupportsShouldProcess)]") != std::string::npos);
    CHECK(script.find("-ChildPath 'chain of ''trust''.sst'") != std::string::npos);
    CHECK(script.find("Set-SmimeConfig -SMIMECertificateIssuingCA $bytes") != std::string::npos);
    CHECK(script.find("(Get-SmimeConfig).SMIMECertificateIssuingCA") != std::string::npos);
    CHECK(script.find("$PSCmdlet.ShouldProcess(") != std::string::npos);
    CHECK(script.find("'" + smimekit::to_hex(smimekit::sha256(sst), smimekit::HexCase::Upper) + "'") !=
          std::string::npos);
    // The summary sits in a <# ... #> comment: a "#>" in a subject must not end it.
    CHECK(script.find("#> Write-Host") == std::string::npos);
    CHECK(script.find("\n") == script.find("\r\n") + 1);
}

namespace {

smimekit::ContactScriptEntry entry(std::string identity, std::string address, std::vector<std::string> files,
                                   bool internal = false) {
    smimekit::ContactScriptEntry e;
    e.identity = std::move(identity);
    e.address = std::move(address);
    e.internal = internal;
    for (const std::string& file : files) {
        e.certificates.push_back(fixture::bytes(file));
    }
    return e;
}

std::string script_of(const std::vector<smimekit::ContactScriptEntry>& entries) {
    return smimekit::contacts_script(entries, {"smimekit test"});
}

/// The text of every [Convert]::FromBase64String('...') in the script, in order.
std::vector<std::string> embedded_base64(const std::string& script) {
    std::vector<std::string> found;
    const std::string start = "[Convert]::FromBase64String('";
    for (std::size_t at = script.find(start); at != std::string::npos; at = script.find(start, at)) {
        at += start.size();
        found.push_back(script.substr(at, script.find('\'', at) - at));
    }
    return found;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++count;
    }
    return count;
}

}  // namespace

TEST_CASE("the contacts script embeds each certificate as base64 that decodes to exactly its bytes") {
    const std::vector entries{entry("Alice Example", "alice@example.org", {"users/alice.der"}),
                              entry("Dave", "dave@example.org", {"users/dave-sign.der", "users/dave-encrypt.der"})};
    const std::string script = script_of(entries);
    const std::vector<std::string> base64 = embedded_base64(script);
    REQUIRE(base64.size() == 3);
    CHECK(smimekit::base64_decode(base64[0]) == fixture::bytes("users/alice.der"));
    CHECK(smimekit::base64_decode(base64[1]) == fixture::bytes("users/dave-sign.der"));
    CHECK(smimekit::base64_decode(base64[2]) == fixture::bytes("users/dave-encrypt.der"));
    // Each byte array is an element of its own (the unary comma), also the only one: without
    // the comma, @( ) would unroll a lone certificate into single bytes.
    CHECK(count_of(script, "            ,[Convert]::FromBase64String('") == 3);
    CHECK(count_of(script, "        Certificates = [byte[][]]@(\r\n") == 2);
}

TEST_CASE("the contacts script has the shape of the chain-of-trust script and every promised step") {
    const std::string script = script_of({entry("Alice Example", "alice@example.org", {"users/alice.der"}),
                                          entry("Bob", "bob@example.com", {"users/bob-ec.der"}, true)});
    CHECK(script.rfind("#Requires -Version 7\r\n", 0) == 0);
    CHECK(count_of(script, "\n") == count_of(script, "\r\n"));  // CRLF only
    for (const char* part : {
             "[CmdletBinding(SupportsShouldProcess)]\r\nparam(\r\n    [string]$ExportState\r\n)\r\n",
             "$ErrorActionPreference = 'Stop'\r\n",
             "        Identity     = 'Alice Example'\r\n        Address      = 'alice@example.org'\r\n"
             "        DisplayName  = 'Alice Example'\r\n        Internal     = $false\r\n",
             "        Identity     = 'Bob'\r\n        Address      = 'bob@example.com'\r\n"
             "        DisplayName  = 'Bob'\r\n        Internal     = $true\r\n",
             "New-MailContact -Name $r.Identity -DisplayName $r.DisplayName -ExternalEmailAddress $r.Address",
             "Set-MailContact -Identity $r.Identity -UserCertificate $r.Certificates",
             "Set-Mailbox -Identity $r.Identity -UserCertificate $r.Certificates",
             "Get-MailContact -Identity $Recipient.Identity",
             "Get-Mailbox -Identity $Recipient.Identity",
             "$PSCmdlet.ShouldProcess(",
             "ConvertTo-Json -InputObject $state.ToArray() -Depth 5",
             "Write-Output \"OK: ",
             "Write-Output \"MISMATCH: ",
             "    exit 1\r\n",
             "Outlook on the web",
             "#   - 'Alice Example' <'alice@example.org'>: mail contact, SHA-1 ",
             "#   - 'Bob' <'bob@example.com'>: mailbox, SHA-1 ",
         }) {
        CAPTURE(part);
        CHECK(script.find(part) != std::string::npos);
    }
    // The limit is checked before the first change.
    const std::size_t limit = script.find("$_.Certificates.Count -gt 15");
    REQUIRE(limit != std::string::npos);
    CHECK(limit < script.find("New-MailContact -Name"));
    CHECK(limit < script.find("Set-MailContact -Identity"));
    // -ExportState leaves before anything changes.
    CHECK(script.find("if ($ExportState) {") < limit);
}

TEST_CASE("hostile names and addresses stay inside single-quoted literals") {
    // about_Quoting_Rules: in a single-quoted string nothing expands; only a quote (ASCII or
    // U+2018..U+201B) ends it, and a doubled one stands for itself.
    smimekit::ContactScriptEntry e = entry("O'Brien $(Remove-Item -Recurse C:\\) `whoami` \"x\"; Write-Host pwned",
                                           "o'brien$x@example.org", {"users/alice.der"});
    e.display_name = "Ren\xE2\x80\x99" "e'; Write-Host pwned2 #";
    const std::string script = script_of({e});
    CHECK(script.find("        Identity     = 'O''Brien $(Remove-Item -Recurse C:\\) `whoami` \"x\"; Write-Host pwned'\r\n") !=
          std::string::npos);
    CHECK(script.find("        Address      = 'o''brien$x@example.org'\r\n") != std::string::npos);
    CHECK(script.find("        DisplayName  = 'Ren\xE2\x80\x99\xE2\x80\x99" "e''; Write-Host pwned2 #'\r\n") != std::string::npos);
    // Every other appearance is in a comment line, also in quoted form.
    for (const char* payload : {"pwned", "Remove-Item", "whoami"}) {
        CAPTURE(payload);
        std::size_t lines = 0;
        for (std::size_t at = script.find(payload); at != std::string::npos; at = script.find(payload, at + 1)) {
            const std::size_t line_start = script.rfind('\n', at) + 1;
            const std::string line = script.substr(line_start, script.find('\r', at) - line_start);
            CAPTURE(line);
            CHECK((line.rfind("        Identity     = '", 0) == 0 || line.rfind("        DisplayName  = '", 0) == 0 ||
                   line.rfind("#   - '", 0) == 0));
            ++lines;
        }
        CHECK(lines >= 2);
    }
}

TEST_CASE("the contacts script refuses what it cannot publish, naming the recipient") {
    std::vector entries{entry("Alice Example", "alice@example.org", {"users/alice.der"})};
    SUBCASE("a line break in a name") {
        entries[0].identity = "Alice\r\nWrite-Host pwned";
        CHECK(fixture::message_of([&] { script_of(entries); }) ==
              "recipient 'alice@example.org': the identity holds a control character (a line break?), which cannot go into a script");
    }
    SUBCASE("a line break in a display name") {
        entries[0].display_name = "Alice\nExample";
    }
    SUBCASE("text that is not UTF-8") {
        entries[0].display_name = "Alice \xC0\xA7";  // an overlong form of "'"
        CHECK(fixture::message_of([&] { script_of(entries); }).find("the display name is not valid UTF-8") != std::string::npos);
    }
    SUBCASE("more than 15 certificates") {
        entries[0].certificates.assign(16, fixture::bytes("users/alice.der"));
        CHECK(fixture::message_of([&] { script_of(entries); }) ==
              "recipient 'alice@example.org' would hold 16 certificates; Exchange Online keeps at most 15");
    }
    SUBCASE("no certificate") { entries[0].certificates.clear(); }
    SUBCASE("an identity twice, whatever its case") {
        entries.push_back(entry("ALICE example", "alice2@example.org", {"users/alice.der"}));
    }
    SUBCASE("no identity") { entries[0].identity.clear(); }
    CHECK(fixture::errc_of([&] { script_of(entries); }) == smimekit::Errc::InvalidArgument);
}

TEST_CASE("exactly 15 certificates are accepted") {
    std::vector entries{entry("Alice Example", "alice@example.org", {})};
    entries[0].certificates.assign(15, fixture::bytes("users/alice.der"));
    CHECK(embedded_base64(script_of(entries)).size() == 15);
}

}  // TEST_SUITE("powershell")
