// SPDX-License-Identifier: Apache-2.0
// A thin RAII layer over the SQLite C API, in Botan's style (botan/src/lib/utils/sqlite3): the
// connection is a shared_ptr<sqlite3> with a noexcept closer, a statement holds a reference to
// it so the connection outlives every statement, nothing is copied or moved, and every result
// code that is not a success is thrown as Error{Database} with sqlite3_errmsg. Values only ever
// reach SQL through bound parameters. Private to the library; never included by public headers.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace smimekit::detail {

/// Throws Error{Database} for the result code `rc` of a call on `db` (may be null): what() is
/// "'path': <SQLite's message>", detail() the result code's name and `context`.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view path,
                                     std::string_view context);

/// One connection. The path is kept for messages ("'inventory.db': database is locked").
class SqliteConnection final {
public:
    /// sqlite3_open_v2 with `flags` (SQLITE_OPEN_READWRITE, SQLITE_OPEN_CREATE, ...), extended
    /// result codes on. Throws Error{Database} naming `path`.
    SqliteConnection(const std::string& path, int flags);
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    SqliteConnection(SqliteConnection&&) = delete;
    SqliteConnection& operator=(SqliteConnection&&) = delete;
    ~SqliteConnection() = default;

    /// Runs SQL that takes no parameters and returns no rows we need (DDL, BEGIN, COMMIT,
    /// PRAGMA with a constant). Never pass it text that holds a user's or a certificate's data.
    void exec(const char* sql);
    /// exec, but false instead of an error when SQLite answers SQLITE_BUSY without having
    /// waited for the busy timeout (it does so for a journal mode change, to avoid deadlock);
    /// the caller decides how long to retry.
    [[nodiscard]] bool exec_unless_busy(const char* sql);

    void set_busy_timeout(int milliseconds);
    [[nodiscard]] std::int64_t last_insert_rowid() const noexcept;
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    [[nodiscard]] int changes() const noexcept;

    [[nodiscard]] const std::string& path() const noexcept { return m_path; }
    /// Borrowed; valid while this connection lives.
    [[nodiscard]] sqlite3* handle() const noexcept { return m_db.get(); }
    [[nodiscard]] const std::shared_ptr<sqlite3>& shared() const noexcept { return m_db; }

private:
    std::string m_path;
    std::shared_ptr<sqlite3> m_db;
};

/**
 * A prepared statement. It keeps the connection alive: m_db is declared before m_statement,
 * so the statement is finalized before the last reference to the connection can go.
 * Parameters are 1-based, columns 0-based, as in the C API.
 */
class SqliteStatement final {
public:
    SqliteStatement(const SqliteConnection& db, std::string_view sql);
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    SqliteStatement(SqliteStatement&&) = delete;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    ~SqliteStatement() = default;

    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    SqliteStatement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    /// Text is copied by SQLite (SQLITE_TRANSIENT): the view need not outlive the call.
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bind(int index, BytesView blob);
    SqliteStatement& bind_null(int index);
    template <class T>
    SqliteStatement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    /// Advances: true when a row is ready, false when the statement is done. Throws otherwise.
    bool step();
    /// Steps a statement that returns no rows.
    void run();
    /// Makes the statement ready to run again with new parameters (bindings are cleared).
    void reset() noexcept;

    [[nodiscard]] bool is_null(int column) const noexcept;
    [[nodiscard]] std::int64_t column_int(int column) const noexcept;
    [[nodiscard]] std::string column_text(int column) const;
    [[nodiscard]] Bytes column_blob(int column) const;
    [[nodiscard]] std::optional<std::int64_t> column_optional_int(int column) const noexcept;
    [[nodiscard]] std::optional<std::string> column_optional_text(int column) const;

private:
    struct Finalize {
        void operator()(sqlite3_stmt* statement) const noexcept { ::sqlite3_finalize(statement); }
    };

    void check_bind(int rc, int index) const;

    std::string m_path;
    std::shared_ptr<sqlite3> m_db;  // declared before m_statement: destroyed after it
    std::unique_ptr<sqlite3_stmt, Finalize> m_statement;
};

/**
 * BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless committed. IMMEDIATE takes
 * the write lock at the start: in WAL mode a deferred transaction that later upgrades to a
 * write fails with SQLITE_BUSY at once, without calling the busy handler, whenever another
 * connection wrote in between (https://sqlite.org/lang_transaction.html, "SQLITE_BUSY").
 */
class SqliteTransaction final {
public:
    explicit SqliteTransaction(SqliteConnection& db);
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    SqliteTransaction(SqliteTransaction&&) = delete;
    SqliteTransaction& operator=(SqliteTransaction&&) = delete;
    ~SqliteTransaction();

    void commit();

private:
    SqliteConnection& m_db;
    bool m_done = false;
};

}  // namespace smimekit::detail
