// SPDX-License-Identifier: Apache-2.0
// The inventory of contacts' certificates: one SQLite file that remembers, per e-mail address,
// which certificates a correspondent has used, which are current, and when they expire.
#pragma once

#include "smimekit/certificate.hpp"
#include "smimekit/store.hpp"
#include "smimekit/error.hpp"
#include "smimekit/secret.hpp"
#include "smimekit/time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

/**
 * What a certificate is for, from its key usage (RFC 5280 section 4.2.1.3):
 * digitalSignature or nonRepudiation allow signing, keyEncipherment or keyAgreement allow
 * encryption. A certificate that allows both, or neither (including one without the
 * extension, which restricts nothing), is Both.
 */
enum class CertificateRole { Signing, Encryption, Both };

/// "signing", "encryption", "both": the names stored in the database and printed.
std::string_view role_name(CertificateRole role) noexcept;
CertificateRole certificate_role(const Certificate& certificate);
/// True if a certificate of role `role` can do what `wanted` names: a Both certificate serves
/// signing and encryption; nothing but a Both certificate serves Both.
bool role_serves(CertificateRole role, CertificateRole wanted) noexcept;

/**
 * The inventory's form of an address: the domain in lower case, the local part as given
 * (RFC 5321 section 2.4: "the local-part of a mailbox MUST BE treated as case sensitive",
 * while domain names are not), surrounding white space removed. Throws
 * Error{InvalidArgument} for text that is not local@domain (no '@', empty parts, white space
 * or control characters inside, or not UTF-8).
 */
std::string normalize_email(std::string_view address);

/// A stored certificate: the facts the inventory keeps in columns, without parsing the DER.
struct InventoryCertificate {
    std::string sha256;  ///< upper-case hex of SHA-256 over the DER: the certificate's key
    std::string sha1;    ///< upper-case hex, the thumbprint as Windows shows it
    std::string subject;
    std::string issuer;
    std::string serial;  ///< lower-case hex as Certificate::serial_hex gives it
    TimePoint not_before{};
    TimePoint not_after{};
    PublicKeyInfo key;
    std::optional<KeyUsage> key_usage;                  ///< nullopt when the extension is absent
    std::optional<ExtendedKeyUsage> extended_key_usage;  ///< nullopt when absent
    CertificateRole role = CertificateRole::Both;
    std::vector<std::string> emails;  ///< every address it carries, SAN first, normalized
    /// The S/MIME capabilities (RFC 8551 section 2.5.2) last seen in a message it signed;
    /// nullopt until a signed message from it has been imported.
    std::optional<std::vector<ObjectId>> smime_capabilities;
    TimePoint stored{};  ///< when it first entered the inventory
};

/// A certificate as one contact's: when and from where it came, and whether it is current.
struct ContactCertificate {
    InventoryCertificate certificate;
    TimePoint added{};
    std::string source;  ///< the file it was read from, or what added it ("contacts add")
    /// When a newer certificate replaced it, or when it arrived already older than the
    /// current one. nullopt: it is current.
    std::optional<TimePoint> superseded;
};

/**
 * One contact: an e-mail address and what we know about its owner. Current certificates are
 * those not superseded: for each role (signing, encryption) the newest certificate serving it
 * by notBefore, ties broken by the later notAfter and then the fingerprint, so that the
 * result never depends on the order in which certificates arrived. Lists are newest first.
 */
struct Contact {
    std::string email;         ///< normalize_email form; the contact's key
    std::string display_name;  ///< for people; may be empty
    std::string identity;      ///< the unique name Exchange knows the contact by
    bool internal = false;     ///< a mailbox of the own organisation, not a correspondent's
    std::string notes;
    TimePoint created{};
    TimePoint updated{};
    std::vector<ContactCertificate> current;
    std::vector<ContactCertificate> history;
};

/// What to set on a contact. An empty field keeps the stored value; a new contact gets the
/// defaults: display name = the certificate's common name, identity = derived from the
/// display name (else the local part) and made unique with "-2", "-3", ...; external; no notes.
struct ContactFields {
    std::optional<std::string> display_name;
    std::optional<std::string> identity;
    std::optional<bool> internal;
    std::optional<std::string> notes;
};

struct AddOptions {
    /// Attach the certificates only to this address (it must be one they carry). Without it,
    /// a certificate attaches to every address it carries, one contact each.
    std::optional<std::string> email;
    ContactFields fields;
    /// Recorded with each new link.
    std::string source = "contacts add";
};

enum class AddOutcome {
    Added,      ///< the certificate was new to the inventory
    Updated,    ///< known, but now linked to another contact (or a contact's fields changed)
    Unchanged,  ///< known and linked already: nothing changed
};

/// "added", "updated", "unchanged".
std::string_view outcome_name(AddOutcome outcome) noexcept;

/// What adding one certificate did.
struct CertificateChange {
    std::string sha256;
    std::string subject;
    AddOutcome outcome = AddOutcome::Unchanged;
    std::vector<std::string> current_for;  ///< new links where it became current
    std::vector<std::string> history_for;  ///< new links where it went straight into history
    std::size_t superseded = 0;            ///< certificates it replaced
};

struct AddReport {
    std::vector<CertificateChange> certificates;  ///< in the order given
    std::vector<std::string> new_contacts;        ///< addresses that got a contact
    std::vector<std::string> updated_contacts;    ///< existing contacts whose fields changed
};

/// A file, or a certificate in a file, that an import left out, and why.
struct ImportSkip {
    std::string file;
    /// The subject of the certificate left out; empty when the whole file was.
    std::string certificate;
    Error reason;
    /// True when a path the caller named could not be read (not for a file found inside a
    /// named directory, nor for a certificate left out): the CLI's exit code reflects those.
    bool named = false;
};

struct ImportOptions {
    /// For .p12 files (only their certificates are read). Called from several threads in
    /// turn, never at once. Empty: a .p12 that needs a password is skipped.
    PasswordProvider password;
    /// Parsing threads; 0 = one per core.
    unsigned threads = 0;
    /// A write transaction covers at most this many certificates or this much time,
    /// whichever comes first, so that another process importing into the same file gets
    /// the write lock in between.
    std::size_t batch_size = 1000;
    std::chrono::milliseconds batch_time{250};
    /// Called on the calling thread after each file, with (files done, files in all).
    std::function<void(std::size_t done, std::size_t total)> progress;
};

struct ImportReport {
    std::size_t files = 0;  ///< files found
    std::size_t added = 0;
    std::size_t added_to_history = 0;  ///< of `added`: older than the contact's current one
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t superseded = 0;  ///< links that a newer certificate replaced
    std::size_t new_contacts = 0;
    std::vector<ImportSkip> skipped;  ///< files that could not be read, certificates left out
};

/// Which contacts contacts() returns: those matching any filter that is set, or all contacts
/// when none is set. Sorted by address.
struct ContactQuery {
    TimePoint now{};
    /// A current certificate expires within this window: now <= notAfter <= now + window.
    std::optional<std::chrono::seconds> expiring_within;
    /// A current certificate has expired (notAfter < now).
    bool expired = false;
    /// No current certificate at all.
    bool without_certificate = false;
};

enum class OpenMode {
    Create,    ///< create the file (not its directory) and the schema when missing
    Existing,  ///< Error{Database} when the file does not exist or holds no inventory yet
};

/**
 * An open inventory. Every write runs in one BEGIN IMMEDIATE transaction, so a failure (or a
 * kill) leaves the file as it was before the call; several processes may use one file at
 * once (WAL journal, a busy timeout). Only public certificates are ever stored.
 * Not thread-safe: use one InventoryDb per thread. Times passed as `now` are recorded as
 * Unix seconds.
 */
class InventoryDb final {
public:
    /// The schema version this build writes (PRAGMA user_version).
    static int schema_version() noexcept;

    /**
     * Opens `path` (":memory:" for a private in-memory database), creating the schema or
     * running the numbered migrations it lacks. Throws Error{Database} naming the file when it
     * cannot be opened, is not an smimekit inventory, or was written by a newer smimekit
     * (hint "upgrade smimekit").
     */
    explicit InventoryDb(const std::string& path, OpenMode mode = OpenMode::Create);
    InventoryDb(const InventoryDb&) = delete;
    InventoryDb& operator=(const InventoryDb&) = delete;
    InventoryDb(InventoryDb&&) noexcept;
    InventoryDb& operator=(InventoryDb&&) noexcept;
    ~InventoryDb();

    [[nodiscard]] const std::string& path() const noexcept;
    /// The schema version recorded in the file.
    [[nodiscard]] int file_schema_version() const;

    /**
     * Adds `certificates` (end-entity certificates) in one transaction, and sets `options.fields`
     * on every contact they attach to. With no certificate, `options.email` names the one
     * contact to create or change. Throws Error{InvalidArgument} when a certificate is a CA
     * certificate, carries no address, or does not carry `options.email`; when an identity is
     * taken; or when `fields.identity` would name several contacts. Nothing is written then.
     */
    AddReport add(std::span<const Certificate> certificates, const AddOptions& options,
                  TimePoint now);

    /**
     * Imports every file under `paths` (files, and directories recursively) of any format,
     * public certificates only: parsed on worker threads, written in batches. A file that
     * cannot be read, or a certificate that is no contact's (a CA certificate, one without an
     * address), is recorded in the report and never stops the import. Idempotent: importing
     * the same files again changes nothing. Throws Error{Database} if writing fails; batches
     * written before stay.
     */
    ImportReport import(const std::vector<std::string>& paths, const ImportOptions& options,
                        TimePoint now);

    /// The contact with this address (normalized first), or nullopt.
    [[nodiscard]] std::optional<Contact> find(std::string_view email) const;
    /// Removes the contact and every certificate no other contact uses. False if unknown.
    bool remove(std::string_view email);

    /// Calls `visit` for each contact matching `query`, in address order, with its current
    /// certificates and history: memory stays flat however large the inventory is.
    void visit(const ContactQuery& query, const std::function<void(const Contact&)>& visit) const;
    [[nodiscard]] std::vector<Contact> contacts(const ContactQuery& query) const;

    /// The stored certificate with this SHA-256 (upper- or lower-case hex); Errc::NotFound.
    [[nodiscard]] Certificate certificate(std::string_view sha256) const;

    /// Every current certificate of every contact, each once, for chain building and for
    /// exports.
    [[nodiscard]] std::vector<Certificate> current_certificates() const;
    /// The same as a pool for chain building (the conversion lives here, not in store.hpp, so
    /// that layers point down: the inventory knows the Store, not the other way round).
    [[nodiscard]] Store current_certificates_as_pool() const;

    /// Counts of rows, for summaries and tests.
    struct Counts {
        std::size_t contacts = 0;
        std::size_t certificates = 0;
        std::size_t links = 0;
        std::size_t current_links = 0;
    };
    [[nodiscard]] Counts counts() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace smimekit
