// SPDX-License-Identifier: Apache-2.0
// The inventory's schema as numbered migrations, and the checks a file passes before we touch
// it. As in XCA's database_schema.cpp, every column carries a comment; SQLite keeps the text of
// CREATE statements with their comments, so `sqlite3 inventory.db .schema` shows them too.
//
// Rules for a new migration: append it with the next number, never edit one that has shipped
// (files out there were made by it), keep it to SQL that runs inside a transaction, and keep
// old binaries in mind: they refuse a file whose user_version is higher than theirs.
#include "detail/inventory_schema.hpp"

#include <array>
#include <chrono>
#include <string>

namespace smimekit::detail {
namespace {

struct Migration {
    int version;
    const char* sql;
};

// Times are Unix seconds, UTC. Lists are JSON arrays (queryable with SQLite's json_each).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE contacts (
    -- Row id; links refer to it.
    id           INTEGER PRIMARY KEY,
    -- The contact's key: one contact per address. Local part as given, domain in lower
    -- case (RFC 5321 section 2.4: only the local part may be case-sensitive).
    email        TEXT NOT NULL UNIQUE,
    -- The name people see; from --name, else the first certificate's common name. May be ''.
    display_name TEXT NOT NULL DEFAULT '',
    -- The name Exchange knows the contact by (New-MailContact -Name, -Identity). Unique,
    -- compared ignoring ASCII case as Exchange does; derived names get "-2", "-3", ...
    identity     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- 1: a mailbox of the own organisation; 0: an external correspondent.
    internal     INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    -- Free text for people.
    notes        TEXT NOT NULL DEFAULT '',
    -- When the contact was stored.
    created_at   INTEGER NOT NULL,
    -- When the contact's fields or links last changed.
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE certificates (
    -- Row id; links refer to it.
    id                 INTEGER PRIMARY KEY,
    -- SHA-256 of der, upper-case hex: the certificate's identity. A certificate is stored once
    -- however many contacts use it.
    sha256             TEXT NOT NULL UNIQUE,
    -- SHA-1 of der, upper-case hex: the thumbprint Windows and Exchange show.
    sha1               TEXT NOT NULL,
    -- The certificate as received (DER). Public data only: a private key is never stored.
    der                BLOB NOT NULL,
    -- Subject and issuer names, RFC 4514 text, UTF-8.
    subject            TEXT NOT NULL,
    issuer             TEXT NOT NULL,
    -- Serial number, lower-case hex as encoded.
    serial             TEXT NOT NULL,
    -- The validity period.
    not_before         INTEGER NOT NULL,
    not_after          INTEGER NOT NULL,
    -- Public key: algorithm name ('RSA', 'EC', 'Ed25519', ...), size in bits, EC curve or ''.
    key_algorithm      TEXT NOT NULL,
    key_bits           INTEGER NOT NULL,
    key_curve          TEXT NOT NULL DEFAULT '',
    -- Key usage: {"usages": [RFC 5280 names], "critical": bool}; NULL when absent.
    key_usage          TEXT,
    -- Extended key usage: {"purposes": [{"oid", "name"}], "critical": bool}; NULL when absent.
    extended_key_usage TEXT,
    -- What the key usage allows: signing, encryption, or both (also when it says nothing).
    role               TEXT NOT NULL CHECK (role IN ('signing', 'encryption', 'both')),
    -- The addresses it carries, SAN rfc822Name entries first, as a JSON array.
    emails             TEXT NOT NULL,
    -- The SMIMECapabilities (RFC 8551 section 2.5.2) of the last signed message seen from it:
    -- a JSON array of {"oid", "name"}; NULL until a signed message has been imported.
    smime_capabilities TEXT,
    -- When smime_capabilities was recorded; NULL with it.
    capabilities_at    INTEGER,
    -- When the certificate entered the inventory.
    stored_at          INTEGER NOT NULL
) STRICT;

-- The expiry reports look for current certificates by not_after.
CREATE INDEX certificates_not_after ON certificates (not_after);

CREATE TABLE contact_certificates (
    -- The contact; its links go with it.
    contact_id     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- The certificate; a certificate is deleted only when no contact uses it any more.
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    -- When the link was made.
    added_at       INTEGER NOT NULL,
    -- Where the certificate came from for this contact: a file path, or 'contacts add'.
    source         TEXT NOT NULL,
    -- NULL: current. Otherwise when a newer certificate for the same role replaced it, or when
    -- it arrived already older than the current one (it went straight into history).
    superseded_at  INTEGER,
    PRIMARY KEY (contact_id, certificate_id)
) STRICT, WITHOUT ROWID;

-- From a certificate to its contacts (expiry reports, removing orphans).
CREATE INDEX contact_certificates_certificate ON contact_certificates (certificate_id);
)sql";

constexpr std::array kMigrations{
    Migration{1, kMigration1},
};

/// The value of a PRAGMA that returns one integer.
std::int64_t pragma_int(const SqliteConnection& db, const char* sql) {
    SqliteStatement statement(db, sql);
    return statement.step() ? statement.column_int(0) : 0;
}

[[noreturn]] void not_ours(const SqliteConnection& db, std::string_view why) {
    throw Error(Errc::Database, in_quotes(db.path()) + ": not an smimekit inventory (" +
                                    std::string(why) + ")",
                {}, "name another file with --db, or move this one away");
}

/// Refuses a file that is not ours, or is newer than this build. True if it is blank: no
/// schema at all yet (a new or empty file).
bool check_identity(const SqliteConnection& db) {
    std::int64_t application_id = 0;
    std::int64_t version = 0;
    std::int64_t tables = 0;
    try {
        // One statement, so one read transaction: read one at a time, the three could come
        // from before and after another process's first migration (application id 0 but
        // tables present), and a new inventory would look like another program's file.
        SqliteStatement identity(db,
                                 "SELECT (SELECT application_id FROM pragma_application_id),"
                                 " (SELECT user_version FROM pragma_user_version),"
                                 " (SELECT count(*) FROM sqlite_schema)");
        if (identity.step()) {
            application_id = identity.column_int(0);
            version = identity.column_int(1);
            tables = identity.column_int(2);
        }
    } catch (const Error&) {
        // SQLite reads the header at the first statement: this is where a file of another
        // kind shows ("file is not a database").
        if (::sqlite3_errcode(db.handle()) == SQLITE_NOTADB) {
            not_ours(db, "not an SQLite database");
        }
        throw;
    }
    const bool blank = application_id == 0 && version == 0 && tables == 0;
    if (application_id != kInventoryApplicationId && !blank) {
        not_ours(db, "another program's SQLite database");
    }
    if (version > inventory_schema_version()) {
        throw Error(Errc::Database,
                    in_quotes(db.path()) + " was written by a newer smimekit (schema " +
                        std::to_string(version) + ", this one knows " +
                        std::to_string(inventory_schema_version()) + ")",
                    {}, "upgrade smimekit");
    }
    return blank;
}

}  // namespace

int inventory_schema_version() noexcept {
    return kMigrations.back().version;
}

int read_schema_version(const SqliteConnection& db) {
    return static_cast<int>(pragma_int(db, "PRAGMA user_version"));
}

void prepare_inventory(SqliteConnection& db, bool create) {
    // Other processes may hold the write lock for one import batch (a fraction of a second);
    // wait for them rather than fail with "database is locked".
    constexpr int kBusyTimeoutMs = 30'000;
    db.set_busy_timeout(kBusyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON");
    // Before anything below writes to the file.
    if (check_identity(db) && !create) {
        throw Error(Errc::Database,
                    in_quotes(db.path()) + ": no inventory here yet (the file is empty)");
    }
    // WAL: readers never block the writer nor the writer them. The mode is stored in the file.
    // Switching a new file to WAL needs it to itself, and SQLite answers "database is locked"
    // at once instead of using the busy timeout while another process that opens the same new
    // file holds a read lock; so wait here, as the busy timeout would.
    constexpr const char* kUseWal = "PRAGMA journal_mode = WAL";
    const auto give_up_at =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    while (!db.exec_unless_busy(kUseWal)) {
        if (std::chrono::steady_clock::now() >= give_up_at) {
            throw_sqlite_error(db.handle(), SQLITE_BUSY, db.path(), kUseWal);
        }
        constexpr int kRetryAfterMs = 10;
        ::sqlite3_sleep(kRetryAfterMs);
    }
    // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits, a
    // killed process loses nothing (https://sqlite.org/pragma.html#pragma_synchronous).
    db.exec("PRAGMA synchronous = NORMAL");

    for (const Migration& migration : kMigrations) {
        if (read_schema_version(db) >= migration.version) {
            continue;
        }
        SqliteTransaction transaction(db);
        // Read again under the write lock: another process may have migrated meanwhile.
        if (read_schema_version(db) >= migration.version) {
            continue;
        }
        db.exec(migration.sql);
        if (migration.version == 1) {
            db.exec(("PRAGMA application_id = " + std::to_string(kInventoryApplicationId)).c_str());
        }
        // PRAGMA takes no bound parameters; the number is our own constant, never input.
        db.exec(("PRAGMA user_version = " + std::to_string(migration.version)).c_str());
        transaction.commit();
    }
}

}  // namespace smimekit::detail
