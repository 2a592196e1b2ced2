// SPDX-License-Identifier: Apache-2.0
// Drift (exchange_state.hpp): the reader of ConvertTo-Json's output, event by event (nlohmann's
// SAX interface), so that memory stays bounded by what is kept, not by the text, and the
// comparison with the inventory.
#include "smimekit/exchange_state.hpp"

#include "smimekit/certificate.hpp"
#include "smimekit/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace smimekit {
namespace {

using Json = nlohmann::json;

std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

/// The address keys, best first. Our script writes Address; a recipient exported by hand
/// (Get-MailContact | ConvertTo-Json) has the others, ExternalEmailAddress as "SMTP:...".
constexpr std::array<std::string_view, 4> kAddressKeys{"address", "primarysmtpaddress",
                                                       "externalemailaddress", "windowsemailaddress"};

/// Builds the state from parser events. Each container the reader is inside is a frame; what a
/// value means depends on the innermost frame and, in an object, on the key it belongs to.
class StateReader final : public nlohmann::json_sax<Json> {
public:
    explicit StateReader(std::string_view name) : m_name(name) {}

    ExchangeState take() { return std::move(m_state); }

    bool null() override {
        switch (context()) {
            case Context::Top:
            case Context::RecipientListElement:
            case Context::IgnoredValue:
            case Context::IdentityValue:
            case Context::NameValue:
            case Context::AddressValue:
            case Context::CertificatesValue:
            case Context::WrappedCertificates:
                break;
            case Context::CertificateListElement:
                list_element(ListMode::Values);
                break;
            case Context::CertificateByte:
                fail("expected a number 0..255");
        }
        advance();
        return true;
    }

    bool boolean(bool /*value*/) override {
        if (context() != Context::IgnoredValue) {
            fail("unexpected true or false");
        }
        advance();
        return true;
    }

    bool number_integer(number_integer_t value) override {
        if (value < 0) {
            number_expected();
        }
        return number_unsigned(static_cast<number_unsigned_t>(value));
    }

    bool number_unsigned(number_unsigned_t value) override {
        switch (context()) {
            case Context::IgnoredValue:
                break;
            case Context::CertificateListElement:
                if (m_frames.back().kind != Kind::CertificateList) {
                    fail("expected a list of numbers");  // {"value": 5}
                }
                // A list of numbers is one certificate's bytes: one value collapsed.
                list_element(ListMode::Bytes);
                add_byte(value);
                break;
            case Context::CertificateByte:
                add_byte(value);
                break;
            case Context::Top:
            case Context::RecipientListElement:
            case Context::IdentityValue:
            case Context::NameValue:
            case Context::AddressValue:
            case Context::CertificatesValue:
            case Context::WrappedCertificates:
                fail("unexpected number");
        }
        advance();
        return true;
    }

    bool number_float(number_float_t /*value*/, const string_t& /*text*/) override {
        if (context() != Context::IgnoredValue) {
            number_expected();
        }
        advance();
        return true;
    }

    bool string(string_t& value) override {
        switch (context()) {
            case Context::IgnoredValue:
                break;
            case Context::IdentityValue:
                m_identity = std::move(value);
                break;
            case Context::NameValue:
                m_name_value = std::move(value);
                break;
            case Context::AddressValue:
                m_addresses[m_address_key] = std::move(value);
                break;
            case Context::CertificatesValue:
            case Context::WrappedCertificates:
                add_base64(value);  // one certificate, collapsed
                break;
            case Context::CertificateListElement:
                list_element(ListMode::Values);
                add_base64(value);
                break;
            case Context::Top:
            case Context::RecipientListElement:
                fail("expected a recipient object");
            case Context::CertificateByte:
                fail("expected a number 0..255");
        }
        advance();
        return true;
    }

    bool binary(binary_t& /*value*/) override {
        fail("unexpected binary value");
    }

    bool start_object(std::size_t /*elements*/) override {
        m_next_is_object = true;
        switch (context()) {
            case Context::Top:
            case Context::RecipientListElement:
                begin_recipient();
                push(Kind::Recipient);
                break;
            case Context::CertificatesValue:
                push(Kind::ListWrapper);
                break;
            case Context::CertificateListElement:
                list_element(ListMode::Values);
                push(Kind::BytesWrapper);
                break;
            case Context::IgnoredValue:
                push(Kind::Skip);
                break;
            case Context::IdentityValue:
            case Context::NameValue:
            case Context::AddressValue:
                fail("expected a string");
            case Context::WrappedCertificates:
            case Context::CertificateByte:
                fail("unexpected object");
        }
        return true;
    }

    bool key(string_t& key) override {
        m_frames.back().key = std::move(key);
        return true;
    }

    bool end_object() override {
        const Kind kind = m_frames.back().kind;
        if (kind == Kind::Recipient) {
            end_recipient();
        }
        m_frames.pop_back();
        advance();
        return true;
    }

    bool start_array(std::size_t /*elements*/) override {
        m_next_is_object = false;
        switch (context()) {
            case Context::Top:
                push(Kind::RecipientList);
                break;
            case Context::CertificatesValue:
            case Context::WrappedCertificates:
                push(Kind::CertificateList);
                break;
            case Context::CertificateListElement:
                list_element(ListMode::Values);
                push(Kind::CertificateBytes);
                break;
            case Context::IgnoredValue:
                push(Kind::Skip);
                break;
            case Context::RecipientListElement:
                fail("expected a recipient object");
            case Context::IdentityValue:
            case Context::NameValue:
            case Context::AddressValue:
                fail("expected a string");
            case Context::CertificateByte:
                fail("expected a number 0..255");
        }
        return true;
    }

    bool end_array() override {
        const Frame& frame = m_frames.back();
        if (frame.kind == Kind::CertificateBytes ||
            (frame.kind == Kind::CertificateList && frame.mode == ListMode::Bytes)) {
            finish_certificate();
        }
        m_frames.pop_back();
        advance();
        return true;
    }

    bool parse_error(std::size_t position, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& error) override {
        std::string reason = error.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
        if (const std::size_t end = reason.find("] "); end != std::string::npos) {
            reason.erase(0, end + 2);
        }
        // "...; last read: '<bytes>'" echoes the input, which may be binary or hold terminal
        // escape sequences; the byte offset already says where the problem is.
        if (const std::size_t last = reason.find("; last read: "); last != std::string::npos) {
            reason.erase(last);
        }
        throw Error(Errc::Malformed,
                    in_quotes(m_name) + ": not valid JSON at byte " + std::to_string(position) +
                        " (" + reason + ")");
    }

private:
    enum class Kind { RecipientList, Recipient, CertificateList, CertificateBytes, ListWrapper, BytesWrapper, Skip };
    /// What a certificate list holds, decided by its first element: certificates (strings,
    /// arrays), or the bytes of a single certificate (numbers).
    enum class ListMode { Unknown, Values, Bytes };
    /// What the next value is.
    enum class Context {
        Top,
        RecipientListElement,
        IdentityValue,
        NameValue,
        AddressValue,
        CertificatesValue,       ///< a recipient's UserCertificate
        WrappedCertificates,     ///< the "value" of {"value": [...], "Count": n}
        CertificateListElement,
        CertificateByte,
        IgnoredValue,
    };

    struct Frame {
        Kind kind;
        bool object = false;
        std::string key;         ///< objects: the key of the current value
        std::size_t index = 0;   ///< arrays: the index of the current value
        ListMode mode = ListMode::Unknown;
    };

    Context context() {
        if (m_frames.empty()) {
            return Context::Top;
        }
        const Frame& frame = m_frames.back();
        switch (frame.kind) {
            case Kind::RecipientList: return Context::RecipientListElement;
            case Kind::CertificateList: return Context::CertificateListElement;
            case Kind::CertificateBytes: return Context::CertificateByte;
            case Kind::Skip: return Context::IgnoredValue;
            case Kind::ListWrapper:
            case Kind::BytesWrapper:
                if (ascii_lower(frame.key) != "value") {
                    return Context::IgnoredValue;
                }
                // The bytes wrapper's value is read as one element of a certificate list.
                return frame.kind == Kind::ListWrapper ? Context::WrappedCertificates
                                                       : Context::CertificateListElement;
            case Kind::Recipient: break;
        }
        const std::string key = ascii_lower(frame.key);
        if (key == "identity") {
            return Context::IdentityValue;
        }
        if (key == "name") {
            return Context::NameValue;
        }
        if (key == "usercertificate") {
            return Context::CertificatesValue;
        }
        for (std::size_t i = 0; i < kAddressKeys.size(); ++i) {
            if (key == kAddressKeys[i]) {
                m_address_key = i;
                return Context::AddressValue;
            }
        }
        return Context::IgnoredValue;
    }

    /// The JSON pointer (RFC 6901) of the current value, or with `of_container` of the
    /// innermost container itself.
    [[nodiscard]] std::string pointer(bool of_container = false) const {
        std::string text;
        const std::size_t levels = m_frames.size() - (of_container && !m_frames.empty() ? 1 : 0);
        for (std::size_t i = 0; i < levels; ++i) {
            const Frame& frame = m_frames[i];
            // Errors only arise under the keys we read (plain words), so no key needs RFC 6901's
            // "~0"/"~1" escapes.
            text += "/" + (frame.object ? frame.key : std::to_string(frame.index));
        }
        return text.empty() ? "/" : text;
    }

    [[noreturn]] void fail(std::string_view problem, std::string hint = {},
                           bool of_container = false) const {
        throw Error(Errc::Malformed,
                    in_quotes(m_name) + ": at " + pointer(of_container) + ": " + std::string(problem),
                    {}, std::move(hint));
    }

    [[noreturn]] void number_expected() const { fail("expected a number 0..255"); }

    void push(Kind kind) {
        if (m_frames.size() >= kMaxExchangeStateDepth) {
            fail("nested more than " + std::to_string(kMaxExchangeStateDepth) + " levels deep");
        }
        const bool object = kind == Kind::Recipient || kind == Kind::ListWrapper ||
                            kind == Kind::BytesWrapper || (kind == Kind::Skip && m_next_is_object);
        m_frames.push_back(Frame{kind, object, {}, 0, ListMode::Unknown});
    }

    /// After a value: an array's next value has the next index.
    void advance() {
        if (!m_frames.empty()) {
            ++m_frames.back().index;
        }
    }

    void list_element(ListMode mode) {
        Frame& frame = m_frames.back();
        if (frame.mode == ListMode::Unknown) {
            frame.mode = mode;
        } else if (frame.mode != mode) {
            fail("a list mixes numbers with other values");
        }
    }

    void begin_recipient() {
        if (m_state.recipients.size() >= kMaxExchangeStateRecipients) {
            fail("more than " + std::to_string(kMaxExchangeStateRecipients) + " recipients");
        }
        m_current = PublishedRecipient{};
        m_identity.reset();
        m_name_value.reset();
        m_addresses = {};
    }

    void end_recipient() {
        PublishedRecipient& recipient = m_current;
        recipient.identity = m_identity ? *m_identity : m_name_value.value_or(std::string());
        for (const std::optional<std::string>& address : m_addresses) {
            if (address && !address->empty()) {
                recipient.address = *address;
                break;
            }
        }
        if (ascii_lower(recipient.address.substr(0, 5)) == "smtp:") {
            recipient.address.erase(0, 5);
        }
        if (recipient.identity.empty() && recipient.address.empty()) {
            fail("a recipient without Identity, Name or address", {}, true);
        }
        m_state.recipients.push_back(std::move(recipient));
    }

    void add_certificate(Bytes der) {
        if (m_current.certificates.size() >= kMaxExchangeStateCertificates) {
            fail("more than " + std::to_string(kMaxExchangeStateCertificates) + " certificates");
        }
        m_current.certificates.push_back(std::move(der));
    }

    void add_base64(const std::string& text) {
        if (text == "System.Byte[]") {
            fail("a certificate written as \"System.Byte[]\"",
                 "ConvertTo-Json went too deep for its -Depth: export with -Depth 5 or more");
        }
        const std::string too_large =
            "a certificate larger than " + std::to_string(kMaxExchangeStateCertificateSize) + " bytes";
        // Decoding is bounded too: base64 (line breaks allowed) is at least 4/3 of the bytes.
        if (text.size() / 4 > kMaxExchangeStateCertificateSize / 3 + 1024) {
            fail(too_large);
        }
        Bytes der;
        try {
            der = base64_decode(text);
        } catch (const Error&) {
            fail("not base64");
        }
        if (der.size() > kMaxExchangeStateCertificateSize) {
            fail(too_large);
        }
        add_certificate(std::move(der));
    }

    void add_byte(number_unsigned_t value) {
        if (value > 255) {
            number_expected();
        }
        if (m_bytes.size() >= kMaxExchangeStateCertificateSize) {
            fail("a certificate larger than " + std::to_string(kMaxExchangeStateCertificateSize) + " bytes");
        }
        m_bytes.push_back(static_cast<std::uint8_t>(value));
    }

    void finish_certificate() {
        add_certificate(std::move(m_bytes));
        m_bytes.clear();
    }

    std::string m_name;
    ExchangeState m_state;
    std::vector<Frame> m_frames;
    // The recipient being read (recipients never nest).
    PublishedRecipient m_current;
    std::optional<std::string> m_identity;
    std::optional<std::string> m_name_value;
    std::array<std::optional<std::string>, kAddressKeys.size()> m_addresses{};
    std::size_t m_address_key = 0;
    Bytes m_bytes;  ///< the certificate being read as numbers
    bool m_next_is_object = false;  ///< what push() is pushing for a skipped value
};

/// Windows PowerShell 5.1's Out-File and ">" write UTF-16: say so rather than "invalid JSON".
void refuse_utf16(std::string_view start, std::string_view name) {
    if (start.size() >= 2 && ((start[0] == '\xFF' && start[1] == '\xFE') ||
                              (start[0] == '\xFE' && start[1] == '\xFF'))) {
        throw Error(Errc::Malformed, in_quotes(name) + ": UTF-16 text, not UTF-8 JSON", {},
                    "write it with Set-Content -Encoding utf8 (the contacts script's -ExportState does)");
    }
}

template <class Input>
ExchangeState parse(Input&& input, std::string_view name) {
    StateReader reader(name);
    // Returns false only after parse_error, which throws; strict: nothing may follow the value.
    if (!Json::sax_parse(std::forward<Input>(input), &reader)) {
        throw Error(Errc::Malformed, in_quotes(name) + ": not valid JSON");
    }
    return reader.take();
}

// ---- the diff -----------------------------------------------------------------------------

void add_detail(DriftEntry& entry, std::string code, DriftStatus status, std::string sha256,
                std::string message) {
    entry.details.push_back({std::move(code), status, std::move(sha256), std::move(message)});
    entry.status = std::max(entry.status, status);
}

const InventoryCertificate* same_certificate(const Certificate& published, const Contact& contact) {
    const std::string issuer = published.issuer();
    const std::string serial = published.serial_hex();
    for (const auto* list : {&contact.current, &contact.history}) {
        for (const ContactCertificate& link : *list) {
            if (link.certificate.issuer == issuer && link.certificate.serial == serial) {
                return &link.certificate;
            }
        }
    }
    return nullptr;
}

/// The published certificates of `recipient` against those of `contact` (none for a
/// recipient that matched no contact).
void compare_certificates(DriftEntry& entry, const PublishedRecipient& recipient, const Contact& contact) {
    std::unordered_set<std::string> current;
    for (const ContactCertificate& link : contact.current) {
        current.insert(link.certificate.sha256);
    }
    std::unordered_set<std::string> history;
    for (const ContactCertificate& link : contact.history) {
        history.insert(link.certificate.sha256);
    }
    std::unordered_set<std::string> published;
    for (const Bytes& der : recipient.certificates) {
        std::string sha = to_hex(sha256(der), HexCase::Upper);
        if (!published.insert(sha).second || current.count(sha) != 0) {
            continue;
        }
        if (history.count(sha) != 0) {
            add_detail(entry, "stale", DriftStatus::Stale, sha,
                       "an older certificate (SHA-256 " + sha + ") is still published");
            continue;
        }
        try {
            const Certificate certificate = Certificate::from_der(der);
            if (const InventoryCertificate* known = same_certificate(certificate, contact)) {
                add_detail(entry, "other-bytes", DriftStatus::Mismatch, sha,
                           in_quotes(known->subject) + " is published in other bytes (SHA-256 " + sha +
                               ", the inventory's " + known->sha256 + ")");
            } else {
                add_detail(entry, "unknown", DriftStatus::Extra, sha,
                           in_quotes(certificate.subject()) + " (SHA-256 " + sha +
                               ") is published, and the inventory does not know it for this contact");
            }
        } catch (const Error&) {
            add_detail(entry, "not-a-certificate", DriftStatus::Mismatch, sha,
                       "a published value of " + std::to_string(der.size()) +
                           " bytes is not a DER certificate (SHA-256 " + sha + ")");
        }
    }
    for (const ContactCertificate& link : contact.current) {
        if (published.count(link.certificate.sha256) == 0) {
            add_detail(entry, "not-published", DriftStatus::Missing, link.certificate.sha256,
                       "the current certificate " + in_quotes(link.certificate.subject) +
                           " (SHA-256 " + link.certificate.sha256 + ") is not published");
        }
    }
}

}  // namespace

ExchangeState parse_exchange_state(std::string_view json, std::string_view name) {
    refuse_utf16(json, name);
    return parse(json, name);
}

ExchangeState load_exchange_state(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
        throw Error(Errc::NotFound, in_quotes(path) + ": no such file");
    }
    if (!fs::is_regular_file(status)) {
        throw Error(Errc::Malformed, in_quotes(path) + ": not a regular file");
    }
    const std::uintmax_t size = fs::file_size(path, error);
    if (!error && size > kMaxExchangeStateSize) {
        throw Error(Errc::Malformed, in_quotes(path) + ": larger than " +
                                         std::to_string(kMaxExchangeStateSize / (1024 * 1024)) + " MiB");
    }
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        throw Error(Errc::Io, in_quotes(path) + ": cannot be read");
    }
    std::array<char, 2> start{};
    stream.read(start.data(), start.size());
    refuse_utf16(std::string_view(start.data(), static_cast<std::size_t>(stream.gcount())), path);
    stream.clear();
    stream.seekg(0);
    ExchangeState state = parse(stream, path);
    if (stream.bad()) {
        throw Error(Errc::Io, in_quotes(path) + ": read failed");
    }
    return state;
}

std::string_view drift_status_name(DriftStatus status) noexcept {
    switch (status) {
        case DriftStatus::Ok: return "ok";
        case DriftStatus::Missing: return "missing";
        case DriftStatus::Extra: return "extra";
        case DriftStatus::Stale: return "stale";
        case DriftStatus::Mismatch: return "mismatch";
    }
    return "mismatch";
}

bool DriftReport::differs() const noexcept {
    return std::any_of(entries.begin(), entries.end(),
                       [](const DriftEntry& entry) { return entry.status != DriftStatus::Ok; });
}

DriftReport diff_exchange_state(const ExchangeState& state, std::span<const Contact> contacts) {
    std::unordered_map<std::string, std::size_t> by_address;
    std::unordered_map<std::string, std::size_t> by_identity;
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        by_address.emplace(contacts[i].email, i);
        by_identity.emplace(ascii_lower(contacts[i].identity), i);
    }
    // The recipient each contact takes, and those no contact takes.
    std::vector<const PublishedRecipient*> matched(contacts.size(), nullptr);
    std::vector<const PublishedRecipient*> unmatched;
    for (const PublishedRecipient& recipient : state.recipients) {
        std::optional<std::size_t> index;
        try {
            if (const auto found = by_address.find(normalize_email(recipient.address)); found != by_address.end()) {
                index = found->second;
            }
        } catch (const Error&) {
            // Not an address (or none): the identity may still match.
        }
        if (!index) {
            if (const auto found = by_identity.find(ascii_lower(recipient.identity));
                !recipient.identity.empty() && found != by_identity.end()) {
                index = found->second;
            }
        }
        if (index && matched[*index] == nullptr) {
            matched[*index] = &recipient;
        } else {
            unmatched.push_back(&recipient);
        }
    }

    DriftReport report;
    for (std::size_t i = 0; i < contacts.size(); ++i) {
        const Contact& contact = contacts[i];
        const PublishedRecipient* recipient = matched[i];
        if (recipient == nullptr && contact.current.empty()) {
            continue;
        }
        DriftEntry entry;
        entry.email = contact.email;
        entry.identity = contact.identity;
        if (recipient == nullptr) {
            add_detail(entry, "no-recipient", DriftStatus::Missing, {},
                       "Exchange Online has no recipient " + in_quotes(contact.identity));
            report.entries.push_back(std::move(entry));
            continue;
        }
        entry.address = recipient->address;
        if (ascii_lower(recipient->identity) != ascii_lower(contact.identity) && !recipient->identity.empty()) {
            add_detail(entry, "identity", DriftStatus::Mismatch, {},
                       "Exchange Online names it " + in_quotes(recipient->identity) +
                           ", the inventory " + in_quotes(contact.identity) +
                           ": senders look for the inventory's name in Outlook on the web");
        }
        compare_certificates(entry, *recipient, contact);
        report.entries.push_back(std::move(entry));
    }
    const Contact nobody;
    for (const PublishedRecipient* recipient : unmatched) {
        if (recipient->certificates.empty()) {
            continue;
        }
        DriftEntry entry;
        entry.identity = recipient->identity;
        entry.address = recipient->address;
        add_detail(entry, "not-in-inventory", DriftStatus::Extra, {},
                   "no contact of the inventory has this address or identity");
        compare_certificates(entry, *recipient, nobody);
        report.entries.push_back(std::move(entry));
    }
    return report;
}

}  // namespace smimekit
