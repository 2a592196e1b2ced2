// SPDX-License-Identifier: Apache-2.0
// What the `contacts` commands share: the --db option and where the inventory lives, and how a
// contact looks as text, JSON (docs/json.md) and CSV.
#pragma once

#include "cli/command.hpp"
#include "cli/json.hpp"

#include <smimekit/inventory.hpp>

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit::cli {

/// --db PATH.
void add_db_option(OptionSet& options, std::string& db);

/// The inventory file: --db, else $SMIMEKIT_DB, else $XDG_DATA_HOME/smimekit/inventory.db
/// (~/.local/share/smimekit/inventory.db when XDG_DATA_HOME is unset).
std::string inventory_path(const std::string& db_option);

/**
 * Opens the inventory at inventory_path(). With OpenMode::Create, the default location's
 * directory is made (mode 0700: the file holds people's addresses); a --db or SMIMEKIT_DB path
 * must be in an existing directory. With OpenMode::Existing a missing file is Error{Database}
 * with a hint to import first.
 */
InventoryDb open_inventory(const std::string& db_option, OpenMode mode);

/// "30d" or "4w" as seconds; throws UsageError naming `option`.
std::chrono::seconds parse_window(std::string_view option, std::string_view text);

/// "a, b, c".
std::string join_list(const std::vector<std::string>& items);

/// "internal" or "external".
std::string_view contact_kind(const Contact& contact);

/// One contact in full, for `contacts show`.
void print_contact(std::ostream& out, const Contact& contact, TimePoint now);
/// One line per contact, for `contacts list`: address, identity, kind, and the validity of the
/// current certificate that expires first.
void print_contact_line(std::ostream& out, const Contact& contact, TimePoint now);

/// The contact object of docs/json.md ("contacts" section).
Json contact_json(const Contact& contact, TimePoint now);

/// RFC 4180 CSV: a header row, then one row per current certificate (a contact without one
/// gets one row with empty certificate fields). Lines end in CRLF as the RFC asks.
void print_csv_header(std::ostream& out);
void print_contact_csv(std::ostream& out, const Contact& contact, TimePoint now);

}  // namespace smimekit::cli
