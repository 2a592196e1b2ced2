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

/**
 * Builds an object in the order keys are added, without the linear key search and the
 * reallocations that Json::operator[] costs on an ordered object: the certificate object of a
 * 10,000-file `inspect --json` is built 10,000 times. Keys must be distinct.
 */
class JsonObject final {
public:
    explicit JsonObject(std::size_t expected_keys) { m_object.reserve(expected_keys); }
    JsonObject& add(std::string key, Json value) {
        m_object.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    [[nodiscard]] Json done() { return Json(std::move(m_object)); }

private:
    Json::object_t m_object;
};

/// Pretty-printed, one document per call, newline-terminated. Invalid UTF-8 (from a
/// certificate's odd string) is replaced rather than thrown on.
inline void print_json(std::ostream& out, const Json& document) {
    out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

/**
 * Prints a document whose bulk is one list, {"schema", "command", ..., "<key>": [items]}, one
 * item at a time: memory stays flat however many files a command reads. The text is the same
 * as print_json of the whole document would give.
 */
class JsonListPrinter final {
public:
    JsonListPrinter(std::ostream& out, const Json& head, std::string_view list_key)
        : m_out(out) {
        std::string text = head.dump(2, ' ', false, Json::error_handler_t::replace);
        text.resize(text.size() - 2);  // drop "\n}": the list continues the object
        m_out << text << (head.empty() ? "{" : ",") << "\n  \"" << list_key << "\": [";
    }
    JsonListPrinter(const JsonListPrinter&) = delete;
    JsonListPrinter& operator=(const JsonListPrinter&) = delete;
    JsonListPrinter(JsonListPrinter&&) = delete;
    JsonListPrinter& operator=(JsonListPrinter&&) = delete;
    ~JsonListPrinter() { finish(); }

    void add(const Json& item) {
        m_out << (m_count == 0 ? "\n    " : ",\n    ");
        // nlohmann's serializer can start at an indentation level, which dump() cannot: it
        // writes the item in place instead of into a string that would then be re-indented.
        // (A detail:: API, stable across the 3.x releases Debian ships.)
        nlohmann::detail::serializer<Json> serializer(
            nlohmann::detail::output_adapter<char>(m_out), ' ', Json::error_handler_t::replace);
        serializer.dump(item, true, false, 2, 4);
        ++m_count;
    }

    void finish() {
        if (!m_finished) {
            m_out << (m_count == 0 ? "]" : "\n  ]") << "\n}\n" << std::flush;
            m_finished = true;
        }
    }

private:
    std::ostream& m_out;
    std::size_t m_count = 0;
    bool m_finished = false;
};

}  // namespace smimekit::cli
