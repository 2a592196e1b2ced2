// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/powershell.hpp. PowerShell itself is not in Debian's archive, so the rules
// are checked against its documented quoting (about_Quoting_Rules): inside single quotes
// nothing expands, and a single quote (ASCII or U+2018..U+201B) is written twice.
#include <smimekit/powershell.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

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

}  // TEST_SUITE("powershell")
