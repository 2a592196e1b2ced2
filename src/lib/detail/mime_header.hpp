// SPDX-License-Identifier: Apache-2.0
// What the MIME writer needs from the header code beyond the public API: quoted strings and
// parameters written the RFC 2045 / RFC 2231 way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smimekit::detail {

/// `text` as an RFC 5322 quoted string: in double quotes, with '"' and '\' escaped.
std::string quote_string(std::string_view text);

/**
 * `name=value` for a Content-Type or Content-Disposition parameter, as one or more pieces to
 * be joined with "; ": a token (unless `quote_tokens`) or a quoted string when the value is
 * short printable ASCII,
 * else RFC 2231 sections ("name*0*=utf-8''%E2%82%AC..; name*1*=..") of at most about 60
 * characters each, so a folded header keeps its lines within 78 characters.
 */
std::vector<std::string> format_parameter(std::string_view name, std::string_view value,
                                          bool quote_tokens = false);

}  // namespace smimekit::detail
