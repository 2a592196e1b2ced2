// SPDX-License-Identifier: Apache-2.0
// PowerShell 7 scripts for Exchange Online, with the byte check built in: the chain of trust
// for Set-SmimeConfig, and (later) contacts' -UserCertificate. Nothing from a certificate or a
// user is ever spliced into a script unquoted.
#pragma once

#include "smimekit/bytes.hpp"

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

}  // namespace smimekit
