// SPDX-License-Identifier: Apache-2.0
// Drift between Exchange Online and the inventory: what the contacts script's -ExportState
// wrote (which certificates Exchange publishes for each recipient), read back, and compared
// with each contact's current and older certificates.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/inventory.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/// What Exchange Online holds for one recipient.
struct PublishedRecipient {
    std::string identity;  ///< its name (Identity, else Name); may be empty
    std::string address;   ///< as exported, an "SMTP:" prefix removed; may be empty
    std::vector<Bytes> certificates;  ///< UserCertificate, each value's bytes as Exchange returned them
};

struct ExchangeState {
    std::vector<PublishedRecipient> recipients;  ///< in the file's order
};

/// Bounds of a state file: beyond them it is refused as Errc::Malformed.
inline constexpr std::uint64_t kMaxExchangeStateSize = 1024ULL * 1024 * 1024;
inline constexpr std::size_t kMaxExchangeStateRecipients = 1000000;
/// Per recipient. Exchange keeps 15; more means the file is not what it claims.
inline constexpr std::size_t kMaxExchangeStateCertificates = 256;
inline constexpr std::size_t kMaxExchangeStateCertificateSize = 64 * 1024;
/// Nesting depth of the JSON (the shapes below need 5).
inline constexpr std::size_t kMaxExchangeStateDepth = 32;

/**
 * Parses a state as PowerShell's ConvertTo-Json writes it (`name` names it in errors): an
 * array of recipient objects, or one recipient object (ConvertTo-Json collapses a one-element
 * array fed through the pipeline), or null (none). Keys are matched without regard to case,
 * as PowerShell's property names are; unknown keys are skipped. In a recipient:
 *  - identity: "Identity", else "Name" (a string or null);
 *  - address: "Address", else "PrimarySmtpAddress", "ExternalEmailAddress",
 *    "WindowsEmailAddress" (the first that is a non-empty string); "SMTP:" is removed;
 *  - "UserCertificate": null, or a list whose values are base64 strings or arrays of
 *    numbers 0..255 (one certificate each); a lone string or a lone array of numbers is one
 *    certificate (collapsed). Windows PowerShell's {"value": [...], "Count": n} form of an
 *    array is read as the array.
 * A UTF-8 byte order mark is skipped. Throws Error{Malformed} naming `name` and, for invalid
 * JSON, the byte offset, else the JSON pointer of the offending value ("/0/UserCertificate/1"),
 * also when a bound above is exceeded. The certificates are not parsed here.
 */
ExchangeState parse_exchange_state(std::string_view json, std::string_view name = "state");

/// Reads and parses the file at `path`, streaming (the file is never held whole in memory).
/// Throws like read_file for a missing, special or unreadable file, and larger than
/// kMaxExchangeStateSize; otherwise like parse_exchange_state.
ExchangeState load_exchange_state(const std::string& path);

/// How a recipient differs, worst last: the diff reports the worst one it finds.
enum class DriftStatus {
    Ok,        ///< Exchange publishes exactly the contact's current certificates
    Missing,   ///< the recipient, or one of its current certificates, is not in Exchange
    Extra,     ///< Exchange publishes a certificate the inventory does not know (or a recipient)
    Stale,     ///< Exchange still publishes one of the contact's older certificates
    Mismatch,  ///< bytes that are no certificate, or another encoding of a known one; or the
               ///< recipient's identity name in Exchange is not the inventory's
};

/// "ok", "missing", "extra", "stale", "mismatch".
std::string_view drift_status_name(DriftStatus status) noexcept;

/// One fact behind a status.
struct DriftDetail {
    /// Stable, for scripts: "no-recipient" (missing), "not-published" (missing), "unknown"
    /// (extra), "not-in-inventory" (extra), "stale", "not-a-certificate" (mismatch),
    /// "other-bytes" (mismatch), "identity" (mismatch). docs/json.md lists them.
    std::string code;
    DriftStatus status = DriftStatus::Ok;  ///< what this fact alone makes the recipient
    std::string sha256;   ///< of the certificate concerned (upper-case hex), or ""
    std::string message;  ///< one line for people
};

struct DriftEntry {
    std::string email;     ///< the contact's address; "" for a recipient the inventory lacks
    std::string identity;  ///< the contact's identity, else the one Exchange has
    std::string address;   ///< the address Exchange has, "" when it has no recipient
    DriftStatus status = DriftStatus::Ok;
    std::vector<DriftDetail> details;  ///< empty when Ok
};

struct DriftReport {
    /// The contacts in the order given, then the recipients no contact matched, in the
    /// state's order.
    std::vector<DriftEntry> entries;
    [[nodiscard]] bool differs() const noexcept;
};

/**
 * Compares `state` with `contacts` (their current certificates and history). A recipient
 * belongs to the contact with its address (normalize_email form: the domain without regard to
 * case, the local part exact, as the inventory keeps addresses); failing that, to the contact
 * whose identity it has (without regard to ASCII case, as Exchange compares names). Each
 * contact takes at most one recipient; another recipient that matches it counts as one the
 * inventory lacks. A contact with no current certificate and no recipient is left out, as is a
 * recipient that matches no contact and publishes nothing. A published certificate is
 * recognised by the SHA-256 of its bytes; when that matches none of the contact's, it is
 * parsed, and one with the issuer and serial number of a contact's certificate is the same
 * certificate in other bytes. Throws nothing but std::bad_alloc.
 */
DriftReport diff_exchange_state(const ExchangeState& state, std::span<const Contact> contacts);

}  // namespace smimekit
