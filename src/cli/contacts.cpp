// SPDX-License-Identifier: Apache-2.0
// The --db option and the looks of a contact (contacts.hpp). Text, JSON and CSV show the same
// facts; docs/json.md documents the JSON.
#include "cli/contacts.hpp"
#include "cli/os.hpp"
#include "cli/render.hpp"


#include <algorithm>
#include <filesystem>

namespace smimekit::cli {
namespace {

std::string_view state(const InventoryCertificate& certificate, TimePoint now) {
    if (now < certificate.not_before) {
        return "not-yet-valid";
    }
    return now > certificate.not_after ? "expired" : "valid";
}

std::string validity_text(const InventoryCertificate& certificate, TimePoint now) {
    return describe_validity(certificate.not_before, certificate.not_after, now);
}

std::string usage_text(const InventoryCertificate& certificate) {
    if (!certificate.key_usage) {
        return "- (any)";
    }
    return join_list(certificate.key_usage->names()) + (certificate.key_usage->critical ? " (critical)" : "");
}

std::string eku_text(const InventoryCertificate& certificate) {
    if (!certificate.extended_key_usage) {
        return "- (any)";
    }
    std::vector<std::string> names;
    for (const ObjectId& purpose : certificate.extended_key_usage->purposes) {
        names.push_back(purpose.name);
    }
    return join_list(names);
}

Json object_ids_json(const std::vector<ObjectId>& ids) {
    Json list = Json::array();
    for (const ObjectId& id : ids) {
        list.push_back(JsonObject(2).add("oid", id.oid).add("name", id.name).done());
    }
    return list;
}

Json certificate_json(const ContactCertificate& link, TimePoint now) {
    const InventoryCertificate& c = link.certificate;
    JsonObject json(20);
    json.add("sha256", c.sha256)
        .add("sha1", c.sha1)
        .add("subject", c.subject)
        .add("issuer", c.issuer)
        .add("serial", c.serial)
        .add("not_before", json_time(c.not_before))
        .add("not_after", json_time(c.not_after))
        .add("validity", JsonObject(3)
                             .add("state", state(c, now))
                             .add("days_left", days_between(now, c.not_after))
                             .add("text", validity_text(c, now))
                             .done())
        .add("key", JsonObject(3)
                        .add("algorithm", c.key.name)
                        .add("bits", c.key.bits)
                        .add("curve", c.key.curve.empty() ? Json(nullptr) : Json(c.key.curve))
                        .done())
        .add("key_usage", c.key_usage ? JsonObject(2)
                                            .add("usages", c.key_usage->names())
                                            .add("critical", c.key_usage->critical)
                                            .done()
                                      : Json(nullptr))
        .add("extended_key_usage",
             c.extended_key_usage ? JsonObject(2)
                                        .add("purposes", object_ids_json(c.extended_key_usage->purposes))
                                        .add("critical", c.extended_key_usage->critical)
                                        .done()
                                  : Json(nullptr))
        .add("role", role_name(c.role))
        .add("addresses", c.emails)
        .add("smime_capabilities",
             c.smime_capabilities ? object_ids_json(*c.smime_capabilities) : Json(nullptr))
        .add("stored", json_time(c.stored))
        .add("added", json_time(link.added))
        .add("source", link.source)
        .add("superseded", link.superseded ? json_time(*link.superseded) : Json(nullptr));
    return json.done();
}

void print_link(std::ostream& out, const ContactCertificate& link, TimePoint now) {
    const InventoryCertificate& c = link.certificate;
    constexpr std::string_view kIndent = "      ";
    out << "    " << c.subject << '\n';
    print_field(out, kIndent, "role", role_name(c.role));
    print_field(out, kIndent, "valid",
                format_rfc3339(c.not_before) + " to " + format_rfc3339(c.not_after) + " (" +
                    validity_text(c, now) + ")");
    print_field(out, kIndent, "issuer", c.issuer);
    print_field(out, kIndent, "serial", c.serial);
    print_field(out, kIndent, "key", key_text(c.key));
    print_field(out, kIndent, "key usage", usage_text(c));
    print_field(out, kIndent, "extended key usage", eku_text(c));
    print_field(out, kIndent, "addresses", join_list(c.emails));
    if (c.smime_capabilities) {
        std::vector<std::string> names;
        for (const ObjectId& capability : *c.smime_capabilities) {
            names.push_back(capability.name);
        }
        print_field(out, kIndent, "S/MIME capabilities", join_list(names) + " (from a signed message)");
    }
    print_field(out, kIndent, "sha1", c.sha1);
    print_field(out, kIndent, "sha256", c.sha256);
    print_field(out, kIndent, "added", format_rfc3339(link.added) + " from " + link.source);
    if (link.superseded) {
        print_field(out, kIndent, "superseded", format_rfc3339(*link.superseded));
    }
}

/// RFC 4180 section 2: a field with a comma, a quote or a line break is quoted, and quotes in
/// it are doubled.
std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

void csv_row(std::ostream& out, const std::vector<std::string>& fields) {
    std::string line;
    for (const std::string& field : fields) {
        line += (line.empty() ? "" : ",") + csv_field(field);
    }
    out << line << "\r\n";
}

}  // namespace

void add_db_option(OptionSet& options, std::string& db) {
    options.visible.add_options()(
        "db", po::value(&db)->value_name("PATH"),
        "the inventory file (default: $SMIMEKIT_DB, else "
        "$XDG_DATA_HOME/smimekit/inventory.db, else ~/.local/share/smimekit/inventory.db)");
}

std::string inventory_path(const std::string& db_option) {
    if (!db_option.empty()) {
        return db_option;
    }
    if (const auto env = os::getenv("SMIMEKIT_DB"); env && !env->empty()) {
        return *env;
    }
    return os::user_data_directory() + "/smimekit/inventory.db";
}

InventoryDb open_inventory(const std::string& db_option, OpenMode mode) {
    const std::string path = inventory_path(db_option);
    const bool default_location = db_option.empty() && !os::getenv("SMIMEKIT_DB").has_value();
    if (mode == OpenMode::Create && default_location) {
        const std::string directory = std::filesystem::path(path).parent_path().string();
        if (!os::path_exists(directory)) {
            // Mode 0700: the inventory holds people's names and addresses.
            os::create_directories(directory);
        }
    }
    try {
        return InventoryDb(path, mode);
    } catch (const Error& error) {
        if (mode == OpenMode::Existing && !os::path_exists(path)) {
            throw error.with_hint("add certificates first with 'smimekit contacts import' or "
                                  "'smimekit contacts add', or name the file with --db");
        }
        throw;
    }
}

std::chrono::seconds parse_window(std::string_view option, std::string_view text) {
    constexpr std::int64_t kMaxDays = 100 * 366;  // anything longer is a typing mistake
    const char unit = text.empty() ? '\0' : text.back();
    const std::string_view digits = text.substr(0, text.empty() ? 0 : text.size() - 1);
    const bool numeric = !digits.empty() && digits.size() <= 6 &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!numeric || (unit != 'd' && unit != 'w')) {
        throw usage::bad_value(option, text, "give days or weeks, such as 30d or 4w");
    }
    const std::int64_t days = std::stoll(std::string(digits)) * (unit == 'w' ? 7 : 1);
    if (days > kMaxDays) {
        throw usage::bad_value(option, text, "at most 100 years");
    }
    return std::chrono::days(days);
}

std::string join_list(const std::vector<std::string>& items) {
    std::string text;
    for (const std::string& item : items) {
        text += (text.empty() ? "" : ", ") + item;
    }
    return text;
}

std::string_view contact_kind(const Contact& contact) {
    return contact.internal ? "internal" : "external";
}

void print_contact(std::ostream& out, const Contact& contact, TimePoint now) {
    constexpr std::string_view kIndent = "  ";
    out << contact.email << '\n';
    print_field(out, kIndent, "display name", contact.display_name.empty() ? "-" : contact.display_name);
    print_field(out, kIndent, "identity", contact.identity);
    print_field(out, kIndent, "kind", contact_kind(contact));
    print_field(out, kIndent, "notes", contact.notes.empty() ? "-" : contact.notes);
    print_field(out, kIndent, "created", format_rfc3339(contact.created));
    print_field(out, kIndent, "updated", format_rfc3339(contact.updated));
    out << "  current certificates: " << contact.current.size() << '\n';
    for (const ContactCertificate& link : contact.current) {
        print_link(out, link, now);
    }
    out << "  history: " << contact.history.size() << '\n';
    for (const ContactCertificate& link : contact.history) {
        print_link(out, link, now);
    }
}

void print_contact_line(std::ostream& out, const Contact& contact, TimePoint now) {
    const auto pad = [](const std::string& text, std::size_t width) {
        return text.size() < width ? text + std::string(width - text.size(), ' ') : text + " ";
    };
    std::string line = pad(contact.email, 34) + pad(contact.identity, 26) +
                       pad(std::string(contact_kind(contact)), 10);
    const auto first = std::min_element(contact.current.begin(), contact.current.end(),
                                        [](const ContactCertificate& a, const ContactCertificate& b) {
                                            return a.certificate.not_after < b.certificate.not_after;
                                        });
    if (first == contact.current.end()) {
        line += "no current certificate";
    } else {
        line += format_rfc3339(first->certificate.not_after).substr(0, 10) + "  " +
                validity_text(first->certificate, now);
        if (contact.current.size() > 1) {
            line += " (" + count_text(contact.current.size(), "certificate", "certificates") + ")";
        }
    }
    out << line << '\n';
}

Json contact_json(const Contact& contact, TimePoint now) {
    Json current = Json::array();
    for (const ContactCertificate& link : contact.current) {
        current.push_back(certificate_json(link, now));
    }
    Json history = Json::array();
    for (const ContactCertificate& link : contact.history) {
        history.push_back(certificate_json(link, now));
    }
    return JsonObject(9)
        .add("email", contact.email)
        .add("display_name", contact.display_name)
        .add("identity", contact.identity)
        .add("kind", contact_kind(contact))
        .add("notes", contact.notes)
        .add("created", json_time(contact.created))
        .add("updated", json_time(contact.updated))
        .add("current", std::move(current))
        .add("history", std::move(history))
        .done();
}

void print_csv_header(std::ostream& out) {
    csv_row(out, {"email", "display_name", "identity", "kind", "role", "state", "days_left",
                  "not_before", "not_after", "subject", "issuer", "serial", "key", "sha256", "sha1",
                  "source"});
}

void print_contact_csv(std::ostream& out, const Contact& contact, TimePoint now) {
    const std::vector<std::string> person{contact.email, contact.display_name, contact.identity,
                                          std::string(contact_kind(contact))};
    if (contact.current.empty()) {
        std::vector<std::string> row = person;
        row.resize(16);
        csv_row(out, row);
        return;
    }
    for (const ContactCertificate& link : contact.current) {
        const InventoryCertificate& c = link.certificate;
        std::vector<std::string> row = person;
        row.insert(row.end(), {std::string(role_name(c.role)), std::string(state(c, now)),
                               std::to_string(days_between(now, c.not_after)),
                               format_rfc3339(c.not_before), format_rfc3339(c.not_after), c.subject,
                               c.issuer, c.serial, key_text(c.key), c.sha256, c.sha1, link.source});
        csv_row(out, row);
    }
}

}  // namespace smimekit::cli
