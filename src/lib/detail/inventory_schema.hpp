// SPDX-License-Identifier: Apache-2.0
// The inventory's schema and how a connection is made ready for it (inventory_schema.cpp).
#pragma once

#include "detail/sqlite.hpp"

#include <cstdint>

namespace smimekit::detail {

/// PRAGMA application_id of an smimekit inventory: "SMKI" in ASCII. It tells our file apart
/// from another program's SQLite database (https://sqlite.org/fileformat.html, offset 68).
inline constexpr std::int64_t kInventoryApplicationId = 0x534D4B49;

/// The highest migration this build knows.
int inventory_schema_version() noexcept;

/**
 * Makes a freshly opened connection ready: busy timeout, foreign keys, refusal of files that
 * are not ours or are newer than this build, WAL journal, then the missing migrations, each in
 * its own BEGIN IMMEDIATE transaction. Safe when several processes open a new file at once.
 * Without `create`, a file that holds no schema yet (an empty file, which SQLite takes for an
 * empty database) is refused with Error{Database} "no inventory here yet" before anything is
 * written to it: a reading command must not turn any empty file into an inventory.
 */
void prepare_inventory(SqliteConnection& db, bool create);

/// PRAGMA user_version of the open file.
int read_schema_version(const SqliteConnection& db);

}  // namespace smimekit::detail
