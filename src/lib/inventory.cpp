// SPDX-License-Identifier: Apache-2.0
// The inventory of contacts' certificates (inventory.hpp): the model rules (one contact per
// address, which certificate is current), the parallel import, and the queries behind the
// expiry reports. The schema and its migrations are in inventory_schema.cpp.
#include "smimekit/inventory.hpp"

#include "smimekit/error.hpp"
#include "smimekit/file.hpp"
#include "smimekit/load.hpp"
#include "smimekit/smime.hpp"

#include "detail/inventory_schema.hpp"
#include "detail/mime_text.hpp"
#include "detail/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace smimekit {
namespace {

using detail::SqliteConnection;
using detail::SqliteStatement;
using detail::SqliteTransaction;
using Json = nlohmann::json;

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

std::string ascii_upper(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return upper;
}

CertificateRole role_from_name(std::string_view name) {
    if (name == "signing") {
        return CertificateRole::Signing;
    }
    if (name == "encryption") {
        return CertificateRole::Encryption;
    }
    return CertificateRole::Both;
}

KeyAlgorithm key_algorithm_from_name(std::string_view name) {
    constexpr std::array<std::pair<std::string_view, KeyAlgorithm>, 6> kNames{{
        {"RSA", KeyAlgorithm::Rsa},
        {"RSA-PSS", KeyAlgorithm::RsaPss},
        {"EC", KeyAlgorithm::Ec},
        {"Ed25519", KeyAlgorithm::Ed25519},
        {"Ed448", KeyAlgorithm::Ed448},
        {"DSA", KeyAlgorithm::Dsa},
    }};
    for (const auto& [text, algorithm] : kNames) {
        if (text == name) {
            return algorithm;
        }
    }
    return KeyAlgorithm::Other;
}

// ---- list columns as JSON (the shapes docs/json.md gives key_usage and extended_key_usage) ---

std::optional<std::string> key_usage_to_json(const std::optional<KeyUsage>& usage) {
    if (!usage) {
        return std::nullopt;
    }
    return Json{{"usages", usage->names()}, {"critical", usage->critical}}.dump();
}

KeyUsage key_usage_from_json(const Json& json) {
    KeyUsage usage;
    const std::array<std::pair<const char*, bool KeyUsage::*>, 9> bits{{
        {"digitalSignature", &KeyUsage::digital_signature},
        {"nonRepudiation", &KeyUsage::non_repudiation},
        {"keyEncipherment", &KeyUsage::key_encipherment},
        {"dataEncipherment", &KeyUsage::data_encipherment},
        {"keyAgreement", &KeyUsage::key_agreement},
        {"keyCertSign", &KeyUsage::key_cert_sign},
        {"cRLSign", &KeyUsage::crl_sign},
        {"encipherOnly", &KeyUsage::encipher_only},
        {"decipherOnly", &KeyUsage::decipher_only},
    }};
    for (const auto& name : json.at("usages")) {
        for (const auto& [text, member] : bits) {
            if (name == text) {
                usage.*member = true;
            }
        }
    }
    usage.critical = json.at("critical").get<bool>();
    return usage;
}

Json object_ids_to_json(const std::vector<ObjectId>& ids) {
    Json list = Json::array();
    for (const ObjectId& id : ids) {
        list.push_back({{"oid", id.oid}, {"name", id.name}});
    }
    return list;
}

std::vector<ObjectId> object_ids_from_json(const Json& json) {
    std::vector<ObjectId> ids;
    for (const auto& id : json) {
        ids.push_back({id.at("oid").get<std::string>(), id.at("name").get<std::string>()});
    }
    return ids;
}

std::optional<std::string> eku_to_json(const std::optional<ExtendedKeyUsage>& eku) {
    if (!eku) {
        return std::nullopt;
    }
    return Json{{"purposes", object_ids_to_json(eku->purposes)}, {"critical", eku->critical}}
        .dump();
}

// ---- what the inventory keeps of a certificate ------------------------------------------------

/// The columns of one certificate, computed on a worker thread so the writer only binds them.
struct Facts {
    Bytes der;
    std::string sha256;
    std::string sha1;
    std::string subject;
    std::string issuer;
    std::string serial;
    std::string common_name;
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    PublicKeyInfo key;
    std::optional<std::string> key_usage;
    std::optional<std::string> extended_key_usage;
    CertificateRole role = CertificateRole::Both;
    std::vector<std::string> emails;
    bool ca = false;
    /// From a signed message: the signer's SMIMECapabilities (RFC 8551 section 2.5.2) and
    /// when the message was signed (Unix seconds), so the newest message's list wins.
    std::optional<std::vector<ObjectId>> smime_capabilities;
    std::int64_t capabilities_at = 0;
};

/// The certificate's addresses in inventory form, each once; text that is no address (an
/// rfc822Name without '@' can be a name-constraint form pasted into a SAN) is left out.
std::vector<std::string> usable_addresses(const Certificate& certificate) {
    std::vector<std::string> addresses;
    for (const std::string& address : certificate.email_addresses()) {
        try {
            std::string normal = normalize_email(address);
            if (std::find(addresses.begin(), addresses.end(), normal) == addresses.end()) {
                addresses.push_back(std::move(normal));
            }
        } catch (const Error&) {
            continue;
        }
    }
    return addresses;
}

Facts facts_of(const Certificate& certificate) {
    Facts facts;
    facts.der = certificate.der();
    facts.sha256 = to_hex(certificate.sha256(), HexCase::Upper);
    facts.sha1 = certificate.thumbprint();
    facts.subject = certificate.subject();
    facts.issuer = certificate.issuer();
    facts.serial = certificate.serial_hex();
    facts.common_name = certificate.common_name();
    facts.not_before = to_unix_seconds(certificate.not_before());
    facts.not_after = to_unix_seconds(certificate.not_after());
    facts.key = certificate.public_key();
    facts.key_usage = key_usage_to_json(certificate.key_usage());
    facts.extended_key_usage = eku_to_json(certificate.extended_key_usage());
    facts.role = certificate_role(certificate);
    facts.emails = usable_addresses(certificate);
    facts.ca = certificate.is_ca();
    return facts;
}

/// Which of two certificates is newer: notBefore, then notAfter, then the fingerprint. The
/// last two only break ties, so that parallel imports reach the same state in any order.
using Rank = std::tuple<std::int64_t, std::int64_t, std::string>;

/// A current link of a contact, as the supersede rule needs it.
struct CurrentLink {
    std::int64_t certificate_id = 0;
    CertificateRole role = CertificateRole::Both;
    Rank rank;
};

constexpr std::array kRoles{CertificateRole::Signing, CertificateRole::Encryption};

/// True if `candidate` is the newest of `links` (plus itself) for some role it serves.
bool newest_for_a_role(const CurrentLink& candidate, const std::vector<CurrentLink>& links) {
    return std::any_of(kRoles.begin(), kRoles.end(), [&](CertificateRole role) {
        if (!role_serves(candidate.role, role)) {
            return false;
        }
        return std::none_of(links.begin(), links.end(), [&](const CurrentLink& other) {
            return other.certificate_id != candidate.certificate_id &&
                   role_serves(other.role, role) && other.rank > candidate.rank;
        });
    });
}

// ---- a bounded queue from the parsing threads to the writer ----------------------------------

struct ParsedFile {
    std::string source;  ///< the absolute path, recorded with each link
    std::vector<Facts> certificates;
    std::vector<ImportSkip> skipped;
};

class ParsedQueue final {
public:
    explicit ParsedQueue(std::size_t capacity) : m_capacity(capacity) {}

    /// False when the import was stopped.
    bool push(ParsedFile file) {
        std::unique_lock lock(m_mutex);
        m_not_full.wait(lock, [&] { return m_stopped || m_items.size() < m_capacity; });
        if (m_stopped) {
            return false;
        }
        m_items.push_back(std::move(file));
        m_not_empty.notify_one();
        return true;
    }

    /// The next file, or nullopt when none arrived before `deadline`.
    std::optional<ParsedFile> pop(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(m_mutex);
        if (!m_not_empty.wait_until(lock, deadline,
                                    [&] { return !m_items.empty() || m_failure; })) {
            return std::nullopt;
        }
        if (m_failure) {
            std::rethrow_exception(m_failure);
        }
        ParsedFile file = std::move(m_items.front());
        m_items.pop_front();
        m_not_full.notify_one();
        return file;
    }

    /// A worker met something it cannot record as a skipped file (out of memory, a bug).
    void fail(std::exception_ptr failure) {
        const std::lock_guard lock(m_mutex);
        if (!m_failure) {
            m_failure = std::move(failure);
        }
        m_not_empty.notify_all();
    }

    void stop() {
        const std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_not_full.notify_all();
    }

    [[nodiscard]] bool stopped() {
        const std::lock_guard lock(m_mutex);
        return m_stopped;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_not_empty;
    std::condition_variable m_not_full;
    std::deque<ParsedFile> m_items;
    std::size_t m_capacity;
    std::exception_ptr m_failure;
    bool m_stopped = false;
};

/// Stops and joins the workers however the writer leaves (a database error included).
class Workers final {
public:
    explicit Workers(ParsedQueue& queue) : m_queue(queue) {}
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;
    Workers(Workers&&) = delete;
    Workers& operator=(Workers&&) = delete;
    ~Workers() {
        m_queue.stop();
        for (std::thread& thread : m_threads) {
            thread.join();
        }
    }
    template <class F>
    void start(F&& work) {
        m_threads.emplace_back(std::forward<F>(work));
    }

private:
    ParsedQueue& m_queue;
    std::vector<std::thread> m_threads;
};

struct ImportFile {
    std::string path;
    bool named = false;
};

ImportSkip skip(const std::string& file, Error reason, bool named, std::string certificate = {}) {
    return ImportSkip{file, std::move(certificate), std::move(reason), named};
}

/// The certificates of a signed message whose signature verifies, each with the signer's
/// SMIMECapabilities. Only the signature over the content is checked: the chain is 'contacts
/// verify's question, and the inventory keeps contacts' certificates whoever issued them.
/// Empty when `bytes` is no signed message.
std::vector<std::pair<Certificate, SignerFacts>> verified_signers(BytesView bytes,
                                                                  const std::string& path) {
    MailInspection inspection;
    try {
        inspection = inspect_message(bytes);
    } catch (const Error&) {
        return {};  // no message: load_bytes says what else it is not
    }
    if (inspection.layers.empty() || inspection.layers.front().kind != LayerKind::Signed) {
        return {};
    }
    SignatureVerifyOptions options;
    options.time =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    options.check_from = false;
    SignatureVerifier verifier(Store{}, Store{}, options);
    const MessageVerification verification = verifier.verify(bytes);
    std::vector<std::pair<Certificate, SignerFacts>> signers;
    for (const SignerVerification& signer : verification.signers) {
        if (!signer.signature_valid || !signer.certificate) {
            continue;
        }
        for (const SignerFacts& facts : inspection.layers.front().signers) {
            if (facts.certificate == signer.certificate) {
                signers.emplace_back(*signer.certificate, facts);
            }
        }
    }
    if (signers.empty()) {
        throw Error(Errc::Malformed,
                    in_quotes(path) + ": a signed message whose signature does not verify");
    }
    return signers;
}

ParsedFile parse_file(const ImportFile& file, const LoadOptions& options) {
    ParsedFile parsed;
    std::error_code error_code;
    const std::filesystem::path absolute = std::filesystem::absolute(file.path, error_code);
    parsed.source = error_code ? file.path : absolute.lexically_normal().string();
    const auto add = [&](Facts facts) {
        const std::string which =
            in_quotes(file.path) + ": certificate " + in_quotes(facts.subject);
        if (facts.ca) {
            parsed.skipped.push_back(skip(
                file.path,
                Error(Errc::InvalidArgument,
                      which + " is a CA certificate (the inventory keeps contacts' certificates)"),
                false, facts.subject));
        } else if (facts.emails.empty()) {
            parsed.skipped.push_back(
                skip(file.path, Error(Errc::InvalidArgument, which + " carries no e-mail address"),
                     false, facts.subject));
        } else {
            parsed.certificates.push_back(std::move(facts));
        }
    };
    try {
        const Bytes bytes = read_file(file.path, kMaxCertificateFileSize);
        if (detect_format(bytes) == FileFormat::Unknown) {
            const auto signers = verified_signers(bytes, file.path);
            for (const auto& [certificate, signer] : signers) {
                Facts facts = facts_of(certificate);
                facts.smime_capabilities = signer.smime_capabilities;
                if (signer.smime_capabilities && signer.signing_time) {
                    facts.capabilities_at = to_unix_seconds(*signer.signing_time);
                }
                add(std::move(facts));
            }
            if (!signers.empty()) {
                return parsed;
            }
        }
        for (const Certificate& certificate : load_bytes(bytes, file.path, options).certificates) {
            add(facts_of(certificate));
        }
    } catch (const Error& error) {
        parsed.skipped.push_back(skip(file.path, error.about(file.path), file.named));
    }
    return parsed;
}

}  // namespace

// ---- free functions ----------------------------------------------------------------------------

std::string_view role_name(CertificateRole role) noexcept {
    switch (role) {
        case CertificateRole::Signing:
            return "signing";
        case CertificateRole::Encryption:
            return "encryption";
        case CertificateRole::Both:
            return "both";
    }
    return "both";
}

CertificateRole certificate_role(const Certificate& certificate) {
    const auto usage = certificate.key_usage();
    if (!usage) {
        return CertificateRole::Both;
    }
    const bool signing = usage->digital_signature || usage->non_repudiation;
    const bool encryption = usage->key_encipherment || usage->key_agreement;
    if (signing && !encryption) {
        return CertificateRole::Signing;
    }
    if (encryption && !signing) {
        return CertificateRole::Encryption;
    }
    return CertificateRole::Both;
}

bool role_serves(CertificateRole role, CertificateRole wanted) noexcept {
    return role == CertificateRole::Both || role == wanted;
}

std::string_view outcome_name(AddOutcome outcome) noexcept {
    switch (outcome) {
        case AddOutcome::Added:
            return "added";
        case AddOutcome::Updated:
            return "updated";
        case AddOutcome::Unchanged:
            return "unchanged";
    }
    return "unchanged";
}

std::string normalize_email(std::string_view address) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!address.empty() && is_space(address.front())) {
        address.remove_prefix(1);
    }
    while (!address.empty() && is_space(address.back())) {
        address.remove_suffix(1);
    }
    // The last '@': a quoted local part may hold one (RFC 5321 section 4.1.2), a domain never.
    const std::size_t at = address.rfind('@');
    const bool control = std::any_of(address.begin(), address.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7F;
    });
    // Not UTF-8: an rfc822Name is IA5String (RFC 5280 section 4.2.1.6), and what is stored
    // goes into JSON columns, which hold text only.
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || control ||
        !detail::is_valid_utf8(address)) {
        throw Error(Errc::InvalidArgument, in_quotes(address) + ": not an e-mail address", {},
                    "write it as local-part@domain");
    }
    return std::string(address.substr(0, at + 1)) + ascii_lower(address.substr(at + 1));
}

// ---- InventoryDb::Impl ------------------------------------------------------------------------

class InventoryDb::Impl {
public:
    Impl(const std::string& path, OpenMode mode)
        : m_db(path, SQLITE_OPEN_READWRITE | (mode == OpenMode::Create ? SQLITE_OPEN_CREATE : 0)),
          m_ready(m_db, mode == OpenMode::Create) {}

    /// Runs prepare_inventory when constructed: members are initialized in declaration order,
    /// so the schema exists (and the file has passed its checks) before the statements below
    /// are prepared against it.
    struct Ready {
        Ready(SqliteConnection& db, bool create) { detail::prepare_inventory(db, create); }
    };

    SqliteConnection m_db;
    Ready m_ready;
    // The statements of the write path, prepared once and reused (a prepare costs more than
    // the insert).
    SqliteStatement m_find_certificate{m_db, "SELECT id FROM certificates WHERE sha256 = ?1"};
    SqliteStatement m_insert_certificate{m_db, R"sql(
        INSERT INTO certificates (sha256, sha1, der, subject, issuer, serial, not_before, not_after,
                                  key_algorithm, key_bits, key_curve, key_usage, extended_key_usage,
                                  role, emails, stored_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))sql"};
    // Only a newer message's list replaces the recorded one; the same list again is no change.
    SqliteStatement m_record_capabilities{m_db, R"sql(
        UPDATE certificates SET smime_capabilities = ?2, capabilities_at = ?3
        WHERE id = ?1 AND (capabilities_at IS NULL OR capabilities_at < ?3
                           OR (capabilities_at = ?3 AND smime_capabilities IS NOT ?2)))sql"};
    SqliteStatement m_find_contact{m_db, R"sql(
        SELECT id, display_name, identity, internal, notes FROM contacts WHERE email = ?1)sql"};
    SqliteStatement m_insert_contact{m_db, R"sql(
        INSERT INTO contacts (email, display_name, identity, internal, notes, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6))sql"};
    SqliteStatement m_update_contact{m_db, R"sql(
        UPDATE contacts SET display_name = ?2, identity = ?3, internal = ?4, notes = ?5,
                            updated_at = ?6
        WHERE id = ?1)sql"};
    SqliteStatement m_touch_contact{m_db, "UPDATE contacts SET updated_at = ?2 WHERE id = ?1"};
    SqliteStatement m_identity_owner{m_db, "SELECT id, email FROM contacts WHERE identity = ?1"};
    // The identities "base-..." (NOCASE like the column): a range scan of the unique index.
    SqliteStatement m_identities_like{m_db, R"sql(
        SELECT identity FROM contacts WHERE identity >= ?1 || '-' AND identity < ?1 || '.')sql"};
    SqliteStatement m_find_link{m_db, R"sql(
        SELECT 1 FROM contact_certificates WHERE contact_id = ?1 AND certificate_id = ?2)sql"};
    SqliteStatement m_current_links{m_db, R"sql(
        SELECT c.id, c.role, c.not_before, c.not_after, c.sha256
        FROM contact_certificates l JOIN certificates c ON c.id = l.certificate_id
        WHERE l.contact_id = ?1 AND l.superseded_at IS NULL)sql"};
    SqliteStatement m_insert_link{m_db, R"sql(
        INSERT INTO contact_certificates (contact_id, certificate_id, added_at, source, superseded_at)
        VALUES (?1, ?2, ?3, ?4, ?5))sql"};
    SqliteStatement m_supersede{m_db, R"sql(
        UPDATE contact_certificates SET superseded_at = ?3
        WHERE contact_id = ?1 AND certificate_id = ?2)sql"};

    /// The next suffix to try per lower-cased identity base, so that the 400th "Alice Smith"
    /// costs one probe, not 400. Only a hint: every candidate is still checked in the file.
    std::unordered_map<std::string, int> m_identity_hint;

    struct ContactRow {
        std::int64_t id = 0;
        bool created = false;
        bool changed = false;
    };

    std::optional<std::pair<std::int64_t, std::string>> identity_owner(
        const std::string& identity) {
        m_identity_owner.reset();
        m_identity_owner.bind(1, identity);
        std::optional<std::pair<std::int64_t, std::string>> owner;
        if (m_identity_owner.step()) {
            owner.emplace(m_identity_owner.column_int(0), m_identity_owner.column_text(1));
        }
        m_identity_owner.reset();
        return owner;
    }

    /// The highest n of the stored identities "base-n" (1 when there is none).
    int highest_suffix(const std::string& base) {
        int highest = 1;
        m_identities_like.reset();
        m_identities_like.bind(1, base);
        while (m_identities_like.step()) {
            const std::string identity = m_identities_like.column_text(0);
            const std::string_view suffix =
                std::string_view(identity).substr(std::min(identity.size(), base.size() + 1));
            if (!suffix.empty() && suffix.size() < 9 &&
                std::all_of(suffix.begin(), suffix.end(),
                            [](char c) { return c >= '0' && c <= '9'; })) {
                highest = std::max(highest, std::stoi(std::string(suffix)));
            }
        }
        m_identities_like.reset();
        return highest;
    }

    /// `base` if free, else "base-2", "base-3", ... the first free one after the last used.
    std::string unique_identity(const std::string& base) {
        const std::string key = ascii_lower(base);
        auto hint = m_identity_hint.find(key);
        if (hint == m_identity_hint.end()) {
            if (!identity_owner(base)) {
                m_identity_hint.emplace(key, 1);
                return base;
            }
            hint = m_identity_hint.emplace(key, highest_suffix(base)).first;
        }
        for (;;) {
            const std::string candidate = base + "-" + std::to_string(++hint->second);
            if (!identity_owner(candidate)) {
                return candidate;
            }
        }
    }

    /// Finds or creates the contact for `email`, applying `fields`.
    ContactRow contact_for(const std::string& email, const ContactFields& fields,
                           const std::string& common_name, std::int64_t now) {
        ContactRow row;
        m_find_contact.reset();
        m_find_contact.bind(1, email);
        if (!m_find_contact.step()) {
            m_find_contact.reset();
            const std::string display_name = fields.display_name.value_or(common_name);
            std::string identity;
            if (fields.identity) {
                identity = *fields.identity;
                check_identity_free(identity, 0);
            } else {
                identity = unique_identity(display_name.empty() ? email.substr(0, email.rfind('@'))
                                                                : display_name);
            }
            m_insert_contact.reset();
            m_insert_contact.bind(1, email)
                .bind(2, display_name)
                .bind(3, identity)
                .bind(4, fields.internal.value_or(false))
                .bind(5, fields.notes.value_or(std::string()))
                .bind(6, now)
                .run();
            row.id = m_db.last_insert_rowid();
            row.created = true;
            return row;
        }
        row.id = m_find_contact.column_int(0);
        const std::string display_name = m_find_contact.column_text(1);
        const std::string identity = m_find_contact.column_text(2);
        const bool internal = m_find_contact.column_int(3) != 0;
        const std::string notes = m_find_contact.column_text(4);
        m_find_contact.reset();

        const std::string new_display_name = fields.display_name.value_or(display_name);
        const std::string new_identity = fields.identity.value_or(identity);
        const bool new_internal = fields.internal.value_or(internal);
        const std::string new_notes = fields.notes.value_or(notes);
        if (new_display_name == display_name && new_identity == identity &&
            new_internal == internal && new_notes == notes) {
            return row;
        }
        if (new_identity != identity) {
            check_identity_free(new_identity, row.id);
        }
        m_update_contact.reset();
        m_update_contact.bind(1, row.id)
            .bind(2, new_display_name)
            .bind(3, new_identity)
            .bind(4, new_internal)
            .bind(5, new_notes)
            .bind(6, now)
            .run();
        row.changed = true;
        return row;
    }

    void check_identity_free(const std::string& identity, std::int64_t contact_id) {
        if (identity.empty()) {
            throw Error(Errc::InvalidArgument, "the identity name must not be empty");
        }
        if (const auto owner = identity_owner(identity); owner && owner->first != contact_id) {
            throw Error(Errc::InvalidArgument,
                        "identity " + in_quotes(identity) + " is already used by " + owner->second,
                        {}, "choose another identity name (Exchange needs them unique)");
        }
    }

    /// The certificate's row id, inserting it when new (second: true).
    std::pair<std::int64_t, bool> certificate_row(const Facts& facts, std::int64_t now) {
        m_find_certificate.reset();
        m_find_certificate.bind(1, facts.sha256);
        if (m_find_certificate.step()) {
            const std::int64_t id = m_find_certificate.column_int(0);
            m_find_certificate.reset();
            return {id, false};
        }
        m_find_certificate.reset();
        m_insert_certificate.reset();
        m_insert_certificate.bind(1, facts.sha256)
            .bind(2, facts.sha1)
            .bind(3, BytesView(facts.der))
            .bind(4, facts.subject)
            .bind(5, facts.issuer)
            .bind(6, facts.serial)
            .bind(7, facts.not_before)
            .bind(8, facts.not_after)
            .bind(9, facts.key.name)
            .bind(10, facts.key.bits)
            .bind(11, facts.key.curve)
            .bind(12, facts.key_usage)
            .bind(13, facts.extended_key_usage)
            .bind(14, role_name(facts.role))
            .bind(15, Json(facts.emails).dump())
            .bind(16, now)
            .run();
        return {m_db.last_insert_rowid(), true};
    }

    /// Keeps the SMIMECapabilities of the newest signed message seen from the certificate;
    /// true when that changed the row.
    bool record_capabilities(std::int64_t certificate_id, const Facts& facts, std::int64_t now) {
        if (!facts.smime_capabilities) {
            return false;
        }
        const std::int64_t at = facts.capabilities_at != 0 ? facts.capabilities_at : now;
        m_record_capabilities.reset();
        m_record_capabilities.bind(1, certificate_id)
            .bind(2, object_ids_to_json(*facts.smime_capabilities).dump())
            .bind(3, at)
            .run();
        return m_db.changes() > 0;
    }

    std::vector<CurrentLink> current_links(std::int64_t contact_id) {
        std::vector<CurrentLink> links;
        m_current_links.reset();
        m_current_links.bind(1, contact_id);
        while (m_current_links.step()) {
            links.push_back({m_current_links.column_int(0),
                             role_from_name(m_current_links.column_text(1)),
                             {m_current_links.column_int(2), m_current_links.column_int(3),
                              m_current_links.column_text(4)}});
        }
        m_current_links.reset();
        return links;
    }

    /// Links the certificate to the contact unless it is linked already; applies the
    /// supersede rule. Returns nullopt when the link existed, else whether it became current,
    /// and adds the number of certificates it replaced to `superseded`.
    std::optional<bool> link(std::int64_t contact_id, std::int64_t certificate_id,
                             const Facts& facts, const std::string& source, std::int64_t now,
                             std::size_t& superseded) {
        m_find_link.reset();
        m_find_link.bind(1, contact_id).bind(2, certificate_id);
        const bool exists = m_find_link.step();
        m_find_link.reset();
        if (exists) {
            return std::nullopt;
        }
        std::vector<CurrentLink> links = current_links(contact_id);
        const CurrentLink added{
            certificate_id, facts.role, {facts.not_before, facts.not_after, facts.sha256}};
        const bool current = newest_for_a_role(added, links);
        m_insert_link.reset();
        m_insert_link.bind(1, contact_id).bind(2, certificate_id).bind(3, now).bind(4, source);
        if (current) {
            m_insert_link.bind_null(5);
        } else {
            m_insert_link.bind(5, now);
        }
        m_insert_link.run();
        if (current) {
            links.push_back(added);
            for (const CurrentLink& other : links) {
                if (other.certificate_id != certificate_id && !newest_for_a_role(other, links)) {
                    m_supersede.reset();
                    m_supersede.bind(1, contact_id)
                        .bind(2, other.certificate_id)
                        .bind(3, now)
                        .run();
                    ++superseded;
                }
            }
        }
        m_touch_contact.reset();
        m_touch_contact.bind(1, contact_id).bind(2, now).run();
        return current;
    }

    /// Stores one certificate for `addresses`, inside the caller's transaction.
    CertificateChange apply(const Facts& facts, const std::vector<std::string>& addresses,
                            const ContactFields& fields, const std::string& source,
                            std::int64_t now, AddReport* report) {
        CertificateChange change;
        change.sha256 = facts.sha256;
        change.subject = facts.subject;
        const auto [certificate_id, inserted] = certificate_row(facts, now);
        bool changed = record_capabilities(certificate_id, facts, now) || inserted;
        for (const std::string& email : addresses) {
            const ContactRow contact = contact_for(email, fields, facts.common_name, now);
            if (report != nullptr && contact.created) {
                report->new_contacts.push_back(email);
            } else if (report != nullptr && contact.changed) {
                report->updated_contacts.push_back(email);
            }
            changed = changed || contact.created || contact.changed;
            const auto current =
                link(contact.id, certificate_id, facts, source, now, change.superseded);
            if (current) {
                changed = true;
                (*current ? change.current_for : change.history_for).push_back(email);
            }
        }
        change.outcome = inserted  ? AddOutcome::Added
                         : changed ? AddOutcome::Updated
                                   : AddOutcome::Unchanged;
        return change;
    }

    // ---- reading ------------------------------------------------------------------------------

    /// Contacts with their links, filtered by `where` (a constant SQL fragment over k, the
    /// contacts table; values only as ?1, ?2 bound by `bind`), in address order.
    void visit(const std::string& where, const std::function<void(SqliteStatement&)>& bind,
               const std::function<void(const Contact&)>& visit) const {
        // Column numbers below follow this list.
        SqliteStatement query(m_db, R"sql(
            SELECT k.id, k.email, k.display_name, k.identity, k.internal, k.notes, k.created_at,
                   k.updated_at, l.added_at, l.source, l.superseded_at,
                   c.sha256, c.sha1, c.subject, c.issuer, c.serial, c.not_before, c.not_after,
                   c.key_algorithm, c.key_bits, c.key_curve, c.key_usage, c.extended_key_usage,
                   c.role, c.emails, c.smime_capabilities, c.stored_at
            FROM contacts k
            LEFT JOIN contact_certificates l ON l.contact_id = k.id
            LEFT JOIN certificates c ON c.id = l.certificate_id
            )sql" + where + R"sql(
            ORDER BY k.email, l.superseded_at IS NOT NULL, c.not_before DESC, c.not_after DESC,
                     c.sha256 DESC)sql");
        bind(query);
        std::optional<Contact> contact;
        std::int64_t contact_id = 0;
        while (query.step()) {
            const std::int64_t id = query.column_int(0);
            if (!contact || id != contact_id) {
                if (contact) {
                    visit(*contact);
                }
                contact_id = id;
                contact.emplace();
                contact->email = query.column_text(1);
                contact->display_name = query.column_text(2);
                contact->identity = query.column_text(3);
                contact->internal = query.column_int(4) != 0;
                contact->notes = query.column_text(5);
                contact->created = from_unix_seconds(query.column_int(6));
                contact->updated = from_unix_seconds(query.column_int(7));
            }
            if (query.is_null(8)) {
                continue;  // a contact without certificates: the LEFT JOIN's empty row
            }
            ContactCertificate link;
            link.added = from_unix_seconds(query.column_int(8));
            link.source = query.column_text(9);
            if (const auto superseded = query.column_optional_int(10)) {
                link.superseded = from_unix_seconds(*superseded);
            }
            link.certificate = read_certificate(query, 11);
            (link.superseded ? contact->history : contact->current).push_back(std::move(link));
        }
        if (contact) {
            visit(*contact);
        }
    }

    /// The certificate columns starting at `first`, in the order of visit()'s query.
    InventoryCertificate read_certificate(const SqliteStatement& row, int first) const {
        InventoryCertificate certificate;
        certificate.sha256 = row.column_text(first);
        certificate.sha1 = row.column_text(first + 1);
        certificate.subject = row.column_text(first + 2);
        certificate.issuer = row.column_text(first + 3);
        certificate.serial = row.column_text(first + 4);
        certificate.not_before = from_unix_seconds(row.column_int(first + 5));
        certificate.not_after = from_unix_seconds(row.column_int(first + 6));
        certificate.key.name = row.column_text(first + 7);
        certificate.key.algorithm = key_algorithm_from_name(certificate.key.name);
        certificate.key.bits = static_cast<int>(row.column_int(first + 8));
        certificate.key.curve = row.column_text(first + 9);
        certificate.role = role_from_name(row.column_text(first + 12));
        certificate.stored = from_unix_seconds(row.column_int(first + 15));
        try {
            if (const auto usage = row.column_optional_text(first + 10)) {
                certificate.key_usage = key_usage_from_json(Json::parse(*usage));
            }
            if (const auto eku = row.column_optional_text(first + 11)) {
                const Json json = Json::parse(*eku);
                certificate.extended_key_usage = ExtendedKeyUsage{
                    object_ids_from_json(json.at("purposes")), json.at("critical").get<bool>()};
            }
            certificate.emails =
                Json::parse(row.column_text(first + 13)).get<std::vector<std::string>>();
            if (const auto capabilities = row.column_optional_text(first + 14)) {
                certificate.smime_capabilities = object_ids_from_json(Json::parse(*capabilities));
            }
        } catch (const Json::exception& error) {
            throw Error(Errc::Database,
                        in_quotes(m_db.path()) + ": damaged list column of certificate " +
                            certificate.sha256,
                        error.what());
        }
        return certificate;
    }

    std::size_t count(const char* sql) const {
        SqliteStatement statement(m_db, sql);
        return statement.step() ? static_cast<std::size_t>(statement.column_int(0)) : 0;
    }
};

// ---- InventoryDb ------------------------------------------------------------------------------

int InventoryDb::schema_version() noexcept {
    return detail::inventory_schema_version();
}

InventoryDb::InventoryDb(const std::string& path, OpenMode mode) {
    if (path != ":memory:") {
        std::error_code error;
        if (mode == OpenMode::Existing && !std::filesystem::exists(path, error)) {
            throw Error(Errc::Database, in_quotes(path) + ": no inventory here yet");
        }
        // SQLite takes a file of one byte for an empty database and overwrites it; it never
        // writes a file shorter than a page (512 bytes at least), so such a file is not one.
        const std::uintmax_t size = std::filesystem::file_size(path, error);
        if (!error && size > 0 && size < 512) {
            throw Error(Errc::Database,
                        in_quotes(path) + ": not an smimekit inventory (not an SQLite database)",
                        {}, "name another file with --db, or move this one away");
        }
    }
    m_impl = std::make_unique<Impl>(path, mode);
}

InventoryDb::InventoryDb(InventoryDb&&) noexcept = default;
InventoryDb& InventoryDb::operator=(InventoryDb&&) noexcept = default;
InventoryDb::~InventoryDb() = default;

const std::string& InventoryDb::path() const noexcept {
    return m_impl->m_db.path();
}

int InventoryDb::file_schema_version() const {
    return detail::read_schema_version(m_impl->m_db);
}

AddReport InventoryDb::add(std::span<const Certificate> certificates, const AddOptions& options,
                           TimePoint now) {
    const std::optional<std::string> email =
        options.email ? std::optional(normalize_email(*options.email)) : std::nullopt;
    if (options.fields.identity && options.fields.identity->empty()) {
        throw Error(Errc::InvalidArgument, "the identity name must not be empty");
    }
    // Everything that can be refused without the database is refused before writing.
    std::vector<Facts> facts;
    std::vector<std::string> addresses_of_all;
    for (const Certificate& certificate : certificates) {
        Facts f = facts_of(certificate);
        const std::string which = "certificate " + in_quotes(f.subject);
        if (f.ca) {
            throw Error(Errc::InvalidArgument,
                        which + " is a CA certificate; the inventory keeps contacts' certificates");
        }
        if (f.emails.empty()) {
            throw Error(Errc::InvalidArgument, which + " carries no e-mail address");
        }
        if (email && std::find(f.emails.begin(), f.emails.end(), *email) == f.emails.end()) {
            std::string carried;
            for (const std::string& address : f.emails) {
                carried += (carried.empty() ? "" : ", ") + address;
            }
            throw Error(Errc::InvalidArgument, which + " does not carry the address " + *email +
                                                   " (it carries " + carried + ")");
        }
        for (const std::string& address : email ? std::vector{*email} : f.emails) {
            if (std::find(addresses_of_all.begin(), addresses_of_all.end(), address) ==
                addresses_of_all.end()) {
                addresses_of_all.push_back(address);
            }
        }
        facts.push_back(std::move(f));
    }
    if (facts.empty() && !email) {
        throw Error(Errc::InvalidArgument, "nothing to add: give a certificate or an address");
    }
    if (options.fields.identity && addresses_of_all.size() > 1) {
        throw Error(Errc::InvalidArgument,
                    "an identity name belongs to one contact, but the certificates carry " +
                        std::to_string(addresses_of_all.size()) + " addresses",
                    {}, "choose the address with --email");
    }

    const std::int64_t seconds = to_unix_seconds(now);
    AddReport report;
    SqliteTransaction transaction(m_impl->m_db);
    if (facts.empty()) {
        const Impl::ContactRow row = m_impl->contact_for(*email, options.fields, {}, seconds);
        if (row.created) {
            report.new_contacts.push_back(*email);
        } else if (row.changed) {
            report.updated_contacts.push_back(*email);
        }
    }
    for (const Facts& f : facts) {
        report.certificates.push_back(m_impl->apply(f, email ? std::vector{*email} : f.emails,
                                                    options.fields, options.source, seconds,
                                                    &report));
    }
    transaction.commit();
    // A contact touched by several certificates is reported once.
    for (auto* list : {&report.new_contacts, &report.updated_contacts}) {
        std::vector<std::string> unique;
        for (std::string& address : *list) {
            if (std::find(unique.begin(), unique.end(), address) == unique.end()) {
                unique.push_back(std::move(address));
            }
        }
        *list = std::move(unique);
    }
    return report;
}

ImportReport InventoryDb::import(const std::vector<std::string>& paths,
                                 const ImportOptions& options, TimePoint now) {
    ImportReport report;
    std::vector<ImportFile> files;
    for (const std::string& path : paths) {
        if (!is_directory(path)) {
            files.push_back({path, true});
            continue;
        }
        try {
            for (std::string& file : list_files_recursively(path)) {
                files.push_back({std::move(file), false});
            }
        } catch (const Error& error) {
            report.skipped.push_back(skip(path, error.about(path), true));
        }
    }
    report.files = files.size();

    // The provider may prompt or read stdin once; the workers take turns.
    std::mutex password_mutex;
    LoadOptions load;
    load.keys = false;  // public certificates only: keys are dropped as soon as they are read
    if (options.password) {
        load.password = [&](std::string_view subject) {
            const std::lock_guard lock(password_mutex);
            return options.password(subject);
        };
    }

    const std::int64_t seconds = to_unix_seconds(now);
    std::vector<ParsedFile> batch;
    std::size_t batch_certificates = 0;
    const auto write_batch = [&] {
        if (batch_certificates == 0) {
            return;
        }
        AddReport contacts;
        SqliteTransaction transaction(m_impl->m_db);
        for (const ParsedFile& file : batch) {
            for (const Facts& facts : file.certificates) {
                const CertificateChange change =
                    m_impl->apply(facts, facts.emails, {}, file.source, seconds, &contacts);
                switch (change.outcome) {
                    case AddOutcome::Added:
                        ++report.added;
                        if (change.current_for.empty()) {
                            ++report.added_to_history;
                        }
                        break;
                    case AddOutcome::Updated:
                        ++report.updated;
                        break;
                    case AddOutcome::Unchanged:
                        ++report.unchanged;
                        break;
                }
                report.superseded += change.superseded;
            }
        }
        transaction.commit();
        report.new_contacts += contacts.new_contacts.size();
        batch.clear();
        batch_certificates = 0;
    };

    ParsedQueue queue(256);
    std::atomic<std::size_t> next{0};
    // Declared after the queue: the workers are stopped and joined before it goes, also when
    // writing throws.
    Workers workers(queue);
    const unsigned threads =
        options.threads > 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < std::min<std::size_t>(threads, files.size()); ++i) {
        workers.start([&] {
            try {
                for (std::size_t index = next++; index < files.size(); index = next++) {
                    if (!queue.push(parse_file(files[index], load))) {
                        return;
                    }
                }
            } catch (...) {
                queue.fail(std::current_exception());
            }
        });
    }

    // The writer (this thread) collects parsed files until a batch is full or old enough, and
    // only then takes the write lock: another process importing into the same file gets its
    // turn while this one parses.
    using Clock = std::chrono::steady_clock;
    Clock::time_point batch_started{};
    for (std::size_t done = 0; done < files.size();) {
        const Clock::time_point deadline = batch_certificates > 0
                                               ? batch_started + options.batch_time
                                               : Clock::now() + std::chrono::hours(1);
        if (std::optional<ParsedFile> parsed = queue.pop(deadline)) {
            ++done;
            for (ImportSkip& skipped : parsed->skipped) {
                report.skipped.push_back(std::move(skipped));
            }
            if (!parsed->certificates.empty()) {
                if (batch_certificates == 0) {
                    batch_started = Clock::now();
                }
                batch_certificates += parsed->certificates.size();
                batch.push_back(std::move(*parsed));
            }
            if (options.progress) {
                options.progress(done, files.size());
            }
        }
        if (batch_certificates >= options.batch_size ||
            (batch_certificates > 0 && Clock::now() - batch_started >= options.batch_time)) {
            write_batch();
        }
    }
    write_batch();
    std::stable_sort(report.skipped.begin(), report.skipped.end(),
                     [](const ImportSkip& a, const ImportSkip& b) { return a.file < b.file; });
    return report;
}

std::optional<Contact> InventoryDb::find(std::string_view email) const {
    const std::string normal = normalize_email(email);
    std::optional<Contact> found;
    m_impl->visit(
        "WHERE k.email = ?1", [&](SqliteStatement& query) { query.bind(1, normal); },
        [&](const Contact& contact) { found = contact; });
    return found;
}

bool InventoryDb::remove(std::string_view email) {
    const std::string normal = normalize_email(email);
    SqliteConnection& db = m_impl->m_db;
    SqliteTransaction transaction(db);
    SqliteStatement find(db, "SELECT id FROM contacts WHERE email = ?1");
    find.bind(1, normal);
    if (!find.step()) {
        return false;
    }
    const std::int64_t contact_id = find.column_int(0);
    std::vector<std::int64_t> certificate_ids;
    SqliteStatement linked(db,
                           "SELECT certificate_id FROM contact_certificates WHERE contact_id = ?1");
    linked.bind(1, contact_id);
    while (linked.step()) {
        certificate_ids.push_back(linked.column_int(0));
    }
    SqliteStatement remove_contact(db, "DELETE FROM contacts WHERE id = ?1");
    remove_contact.bind(1, contact_id).run();  // its links go with it (ON DELETE CASCADE)
    SqliteStatement remove_orphan(db, R"sql(
        DELETE FROM certificates WHERE id = ?1
        AND NOT EXISTS (SELECT 1 FROM contact_certificates WHERE certificate_id = ?1))sql");
    for (const std::int64_t id : certificate_ids) {
        remove_orphan.reset();
        remove_orphan.bind(1, id).run();
    }
    transaction.commit();
    return true;
}

void InventoryDb::visit(const ContactQuery& query,
                        const std::function<void(const Contact&)>& visit) const {
    // Constant fragments only; the times are bound. The subqueries read certificates by
    // not_after (index certificates_not_after) and keep those with a current link.
    std::vector<std::string> filters;
    if (query.expiring_within) {
        filters.emplace_back(R"sql(k.id IN (
            SELECT l2.contact_id FROM certificates c2
            JOIN contact_certificates l2 ON l2.certificate_id = c2.id
            WHERE l2.superseded_at IS NULL AND c2.not_after >= ?1 AND c2.not_after <= ?2))sql");
    }
    if (query.expired) {
        filters.emplace_back(R"sql(k.id IN (
            SELECT l2.contact_id FROM certificates c2
            JOIN contact_certificates l2 ON l2.certificate_id = c2.id
            WHERE l2.superseded_at IS NULL AND c2.not_after < ?1))sql");
    }
    if (query.without_certificate) {
        filters.emplace_back(R"sql(NOT EXISTS (
            SELECT 1 FROM contact_certificates l2
            WHERE l2.contact_id = k.id AND l2.superseded_at IS NULL))sql");
    }
    std::string where;
    for (const std::string& filter : filters) {
        where += (where.empty() ? "WHERE " : " OR ") + filter;
    }
    const std::int64_t now = to_unix_seconds(query.now);
    m_impl->visit(
        where,
        [&](SqliteStatement& statement) {
            if (query.expiring_within || query.expired) {
                statement.bind(1, now);
            }
            if (query.expiring_within) {
                statement.bind(2, now + query.expiring_within->count());
            }
        },
        visit);
}

std::vector<Contact> InventoryDb::contacts(const ContactQuery& query) const {
    std::vector<Contact> contacts;
    visit(query, [&](const Contact& contact) { contacts.push_back(contact); });
    return contacts;
}

Certificate InventoryDb::certificate(std::string_view sha256) const {
    SqliteStatement query(m_impl->m_db, "SELECT der FROM certificates WHERE sha256 = ?1");
    query.bind(1, ascii_upper(sha256));
    if (!query.step()) {
        throw Error(Errc::NotFound, "no certificate with SHA-256 " + ascii_upper(sha256) + " in " +
                                        in_quotes(path()));
    }
    try {
        return Certificate::from_der(query.column_blob(0));
    } catch (const Error& error) {
        throw Error(Errc::Database,
                    in_quotes(path()) + ": damaged certificate " + ascii_upper(sha256),
                    error.what());
    }
}

std::vector<Certificate> InventoryDb::current_certificates() const {
    SqliteStatement query(m_impl->m_db, R"sql(
        SELECT c.sha256, c.der FROM certificates c
        WHERE EXISTS (SELECT 1 FROM contact_certificates l
                      WHERE l.certificate_id = c.id AND l.superseded_at IS NULL)
        ORDER BY c.id)sql");
    std::vector<Certificate> certificates;
    while (query.step()) {
        try {
            certificates.push_back(Certificate::from_der(query.column_blob(1)));
        } catch (const Error& error) {
            throw Error(Errc::Database,
                        in_quotes(path()) + ": damaged certificate " + query.column_text(0),
                        error.what());
        }
    }
    return certificates;
}

Store InventoryDb::current_certificates_as_pool() const {
    Store pool;
    pool.add(current_certificates());
    return pool;
}

InventoryDb::Counts InventoryDb::counts() const {
    Counts counts;
    counts.contacts = m_impl->count("SELECT count(*) FROM contacts");
    counts.certificates = m_impl->count("SELECT count(*) FROM certificates");
    counts.links = m_impl->count("SELECT count(*) FROM contact_certificates");
    counts.current_links =
        m_impl->count("SELECT count(*) FROM contact_certificates WHERE superseded_at IS NULL");
    return counts;
}

}  // namespace smimekit
