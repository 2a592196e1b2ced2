// SPDX-License-Identifier: Apache-2.0
// The SQLite RAII layer (sqlite.hpp): every result code is checked, every failure becomes
// Error{Database} with SQLite's own message.
#include "detail/sqlite.hpp"

#include <climits>

namespace smimekit::detail {
namespace {

/// The start of a statement, enough to recognise it in a --verbose detail line.
std::string excerpt(std::string_view sql) {
    constexpr std::size_t kLength = 72;
    std::string text;
    for (const char c : sql.substr(0, kLength)) {
        const bool space = c == '\n' || c == '\t' || c == ' ';
        if (!(space && (text.empty() || text.back() == ' '))) {
            text += space ? ' ' : c;
        }
    }
    return sql.size() > kLength ? text + "..." : text;
}

}  // namespace

void throw_sqlite_error(sqlite3* db, int rc, std::string_view path, std::string_view context) {
    // sqlite3_errmsg describes the most recent failure on the connection, which is `rc`'s
    // when the caller throws at once; without a connection only the code's text is known.
    const std::string message = db != nullptr ? ::sqlite3_errmsg(db) : ::sqlite3_errstr(rc);
    std::string detail = "SQLite result code " + std::to_string(rc) + " (" +
                         ::sqlite3_errstr(rc) + ")";
    if (!context.empty()) {
        detail += " in: " + std::string(context);
    }
    throw Error(Errc::Database, in_quotes(path) + ": " + message, detail);
}

// ---- SqliteConnection ------------------------------------------------------------------------

SqliteConnection::SqliteConnection(const std::string& path, int flags) : m_path(path) {
    sqlite3* raw = nullptr;
    const int rc = ::sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    // sqlite3_open_v2 hands out a handle even on failure (to read the message from); it must
    // be closed in both cases, so it is owned on the next line whatever rc says.
    m_db = std::shared_ptr<sqlite3>(raw, [](sqlite3* db) noexcept { ::sqlite3_close_v2(db); });
    if (rc != SQLITE_OK) {
        throw_sqlite_error(raw, rc, m_path, "opening the database");
    }
    ::sqlite3_extended_result_codes(raw, 1);
}

void SqliteConnection::exec(const char* sql) {
    const int rc = ::sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db.get(), rc, m_path, excerpt(sql));
    }
}

bool SqliteConnection::exec_unless_busy(const char* sql) {
    const int rc = ::sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr);
    // Extended result codes are on: SQLITE_BUSY_RECOVERY and the like share the low byte.
    if ((rc & 0xff) == SQLITE_BUSY) {
        return false;
    }
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db.get(), rc, m_path, excerpt(sql));
    }
    return true;
}

void SqliteConnection::set_busy_timeout(int milliseconds) {
    const int rc = ::sqlite3_busy_timeout(m_db.get(), milliseconds);
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db.get(), rc, m_path, "sqlite3_busy_timeout");
    }
}

std::int64_t SqliteConnection::last_insert_rowid() const noexcept {
    return ::sqlite3_last_insert_rowid(m_db.get());
}

int SqliteConnection::changes() const noexcept {
    return ::sqlite3_changes(m_db.get());
}

// ---- SqliteStatement -------------------------------------------------------------------------

SqliteStatement::SqliteStatement(const SqliteConnection& db, std::string_view sql)
    : m_path(db.path()), m_db(db.shared()) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
        throw Error(Errc::Internal, "SQL statement too long");
    }
    sqlite3_stmt* raw = nullptr;
    const int rc = ::sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()),
                                        &raw, nullptr);
    m_statement.reset(raw);  // owned at once; null when preparing failed
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db.get(), rc, m_path, excerpt(sql));
    }
}

void SqliteStatement::check_bind(int rc, int index) const {
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db.get(), rc, m_path,
                           "binding parameter " + std::to_string(index) + " of: " +
                               excerpt(::sqlite3_sql(m_statement.get())));
    }
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    check_bind(::sqlite3_bind_int64(m_statement.get(), index, value), index);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    // sqlite3_bind_text64 takes an unsigned length and has no INT_MAX limit of its own; SQLite
    // refuses anything beyond SQLITE_LIMIT_LENGTH with SQLITE_TOOBIG, which check_bind throws.
    check_bind(::sqlite3_bind_text64(m_statement.get(), index, text.data(), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, BytesView blob) {
    check_bind(::sqlite3_bind_blob64(m_statement.get(), index, blob.data(), blob.size(),
                                     SQLITE_TRANSIENT),
               index);
    return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
    check_bind(::sqlite3_bind_null(m_statement.get(), index), index);
    return *this;
}

bool SqliteStatement::step() {
    const int rc = ::sqlite3_step(m_statement.get());
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // A failed step leaves the statement needing a reset before it can be used again.
    const std::string sql = excerpt(::sqlite3_sql(m_statement.get()));
    const std::string message = ::sqlite3_errmsg(m_db.get());
    ::sqlite3_reset(m_statement.get());
    throw Error(Errc::Database, in_quotes(m_path) + ": " + message,
                "SQLite result code " + std::to_string(rc) + " (" + ::sqlite3_errstr(rc) +
                    ") in: " + sql);
}

void SqliteStatement::run() {
    while (step()) {
    }
}

void SqliteStatement::reset() noexcept {
    // The return value repeats the last step's error, which step() has already thrown.
    static_cast<void>(::sqlite3_reset(m_statement.get()));
    static_cast<void>(::sqlite3_clear_bindings(m_statement.get()));
}

bool SqliteStatement::is_null(int column) const noexcept {
    return ::sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int(int column) const noexcept {
    return ::sqlite3_column_int64(m_statement.get(), column);
}

std::string SqliteStatement::column_text(int column) const {
    // sqlite3_column_text before sqlite3_column_bytes, as the documentation orders them.
    const unsigned char* text = ::sqlite3_column_text(m_statement.get(), column);
    const int size = ::sqlite3_column_bytes(m_statement.get(), column);
    if (text == nullptr || size <= 0) {
        return {};
    }
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

Bytes SqliteStatement::column_blob(int column) const {
    const auto* blob = static_cast<const std::uint8_t*>(::sqlite3_column_blob(m_statement.get(), column));
    const int size = ::sqlite3_column_bytes(m_statement.get(), column);
    if (blob == nullptr || size <= 0) {
        return {};
    }
    return {blob, blob + size};
}

std::optional<std::int64_t> SqliteStatement::column_optional_int(int column) const noexcept {
    if (is_null(column)) {
        return std::nullopt;
    }
    return column_int(column);
}

std::optional<std::string> SqliteStatement::column_optional_text(int column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    return column_text(column);
}

// ---- SqliteTransaction -----------------------------------------------------------------------

SqliteTransaction::SqliteTransaction(SqliteConnection& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
    if (!m_done) {
        // Nothing to report from a destructor: a failed ROLLBACK means SQLite already rolled
        // back (it does so itself after some errors, such as SQLITE_FULL).
        static_cast<void>(::sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr));
    }
}

void SqliteTransaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

}  // namespace smimekit::detail
