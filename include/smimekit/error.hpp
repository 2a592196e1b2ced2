// SPDX-License-Identifier: Apache-2.0
// The only exception type smimekit throws, and the coarse error classes a caller acts on.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace smimekit {

/// What went wrong, coarse enough for a caller (or the CLI's exit code) to act on.
enum class Errc {
    InvalidArgument,  ///< the caller passed a value that makes no sense
    NotFound,         ///< a file, certificate, key or inventory entry does not exist
    Malformed,        ///< bytes are not valid DER, PEM, PKCS#12, .sst or MIME (or too large)
    BadPassword,      ///< a PKCS#12 or PKCS#8 password is wrong or missing
    KeyMismatch,      ///< the key does not belong to the certificate, or no recipient matches
    Unsupported,      ///< an algorithm or format this build cannot handle (e.g. PBMAC1 .p12)
    Database,         ///< the inventory cannot be opened, read, written or migrated
    Io,               ///< the operating system refused a read or a write
    Internal,         ///< a broken invariant: a bug in smimekit
};

/// A stable lower-case name for `code` ("malformed", "bad-password", ...), for JSON output.
std::string_view errc_name(Errc code) noexcept;

/**
 * what()   is for the person at the terminal: it names the object and the problem, starts in
 *          lower case and has no final period ("'alice.p12': wrong password").
 * detail() is for a developer (OpenSSL error queue, SQLite message); shown with --verbose.
 * hint()   says what to try next; may be empty.
 * Never put a secret (password, key bytes) into any of the three.
 */
class Error : public std::runtime_error {
public:
    Error(Errc code, std::string message, std::string detail = {}, std::string hint = {})
        : std::runtime_error(std::move(message)),
          m_code(code),
          m_detail(std::move(detail)),
          m_hint(std::move(hint)) {}

    Errc code() const noexcept { return m_code; }
    const std::string& detail() const noexcept { return m_detail; }
    const std::string& hint() const noexcept { return m_hint; }

    /// The same error, about `subject`: "'alice.p12': " + what(). Used by functions that know a
    /// path to give context to errors raised by functions that only saw bytes. An error that
    /// already names `subject` first is returned unchanged, so wrapping twice is harmless.
    [[nodiscard]] Error about(std::string_view subject) const;

    /// The same error with `hint` (replacing any earlier one).
    [[nodiscard]] Error with_hint(std::string hint) const;

private:
    Errc m_code;
    std::string m_detail;
    std::string m_hint;
};

/// "'subject'" as every message quotes a file name or object.
std::string in_quotes(std::string_view subject);

}  // namespace smimekit
