// SPDX-License-Identifier: Apache-2.0
// JSON output: every document smimekit prints carries "schema": "smimekit/1" (docs/json.md).
#pragma once

#include <smimekit/error.hpp>
#include <smimekit/time.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <string_view>

namespace smimekit::cli {

/// Key order is kept as inserted, so documents read in a stable, sensible order.
using Json = nlohmann::ordered_json;

inline constexpr std::string_view kJsonSchema = "smimekit/1";

/// {"schema": "smimekit/1", "command": "<command>"} to which a command adds its data.
inline Json json_document(std::string_view command) {
    Json document;
    document["schema"] = kJsonSchema;
    document["command"] = command;
    return document;
}

/// {"code": "malformed", "message": "..."} for a failed input, next to the good ones.
inline Json json_error(const Error& error) {
    return Json{{"code", errc_name(error.code())}, {"message", error.what()}};
}

inline Json json_time(TimePoint time) {
    return format_rfc3339(time);
}

/// Pretty-printed, one document per call, newline-terminated. Invalid UTF-8 (from a
/// certificate's odd string) is replaced rather than thrown on.
inline void print_json(std::ostream& out, const Json& document) {
    out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace smimekit::cli
