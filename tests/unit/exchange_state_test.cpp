// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/exchange_state.hpp. The state files are shaped as PowerShell 7's
// ConvertTo-Json writes them (PowerShell itself is not in Debian's archive): a one-element
// array fed through the pipeline collapses to its element, a byte[] becomes an array of
// numbers, and our script's -ExportState writes base64 strings.
#include <smimekit/exchange_state.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <string>

using smimekit::Bytes;
using smimekit::DriftStatus;
using smimekit::Errc;
using smimekit::parse_exchange_state;

namespace {

const Bytes& alice() {
    static const Bytes der = fixture::bytes("users/alice.der");
    return der;
}

const Bytes& bob() {
    static const Bytes der = fixture::bytes("users/bob-ec.der");
    return der;
}

std::string b64(const Bytes& der) {
    return smimekit::base64_encode(der);
}

/// The bytes as ConvertTo-Json writes a byte[]: [48,130,...].
std::string numbers(const Bytes& der) {
    std::string text = "[";
    for (std::size_t i = 0; i < der.size(); ++i) {
        text += (i == 0 ? "" : ",") + std::to_string(der[i]);
    }
    return text + "]";
}

std::string upper_sha256(const Bytes& der) {
    return smimekit::to_hex(smimekit::sha256(der), smimekit::HexCase::Upper);
}

smimekit::ContactCertificate link(const Bytes& der) {
    const auto certificate = smimekit::Certificate::from_der(der);
    smimekit::ContactCertificate link;
    link.certificate.sha256 = upper_sha256(der);
    link.certificate.subject = certificate.subject();
    link.certificate.issuer = certificate.issuer();
    link.certificate.serial = certificate.serial_hex();
    return link;
}

smimekit::Contact contact(std::string email, std::string identity, const std::vector<Bytes>& current,
                          const std::vector<Bytes>& history = {}) {
    smimekit::Contact c;
    c.email = std::move(email);
    c.identity = std::move(identity);
    for (const Bytes& der : current) {
        c.current.push_back(link(der));
    }
    for (const Bytes& der : history) {
        c.history.push_back(link(der));
    }
    return c;
}

smimekit::PublishedRecipient published(std::string identity, std::string address, std::vector<Bytes> certificates) {
    return {std::move(identity), std::move(address), std::move(certificates)};
}

std::vector<std::string> codes(const smimekit::DriftEntry& entry) {
    std::vector<std::string> list;
    for (const auto& detail : entry.details) {
        list.push_back(detail.code);
    }
    return list;
}

}  // namespace

TEST_SUITE("exchange_state") {

TEST_CASE("the script's export, an array of recipients with base64 certificates, is read") {
    const std::string json = "[\r\n  {\r\n    \"Identity\": \"Alice Example\",\r\n"
                             "    \"Address\": \"alice@example.org\",\r\n    \"RecipientType\": \"MailContact\",\r\n"
                             "    \"UserCertificate\": [\r\n      \"" + b64(alice()) + "\",\r\n      \"" + b64(bob()) +
                             "\"\r\n    ]\r\n  },\r\n  {\"Identity\": \"Bob\", \"Address\": \"bob@example.org\", "
                             "\"UserCertificate\": []}\r\n]";
    const auto state = parse_exchange_state(json);
    REQUIRE(state.recipients.size() == 2);
    CHECK(state.recipients[0].identity == "Alice Example");
    CHECK(state.recipients[0].address == "alice@example.org");
    CHECK(state.recipients[0].certificates == std::vector<Bytes>{alice(), bob()});
    CHECK(state.recipients[1].certificates.empty());
}

TEST_CASE("collapsed one-element arrays are read as the one element") {
    std::string json;
    SUBCASE("one recipient: an object, not an array") {
        json = R"({"Identity": "Alice Example", "Address": "alice@example.org", "UserCertificate": [")" + b64(alice()) + "\"]}";
    }
    SUBCASE("one certificate: a string, not an array") {
        json = R"([{"Identity": "Alice Example", "Address": "alice@example.org", "UserCertificate": ")" + b64(alice()) + "\"}]";
    }
    SUBCASE("one certificate as numbers: one array of numbers, not an array of arrays") {
        json = R"({"identity": "Alice Example", "address": "alice@example.org", "usercertificate": )" + numbers(alice()) + "}";
    }
    SUBCASE("Windows PowerShell's {value, Count} form of an array") {
        json = R"({"Identity": "Alice Example", "Address": "alice@example.org", "UserCertificate": {"value": [)" +
               numbers(alice()) + R"(], "Count": 1}})";
    }
    const auto state = parse_exchange_state(json);
    REQUIRE(state.recipients.size() == 1);
    CHECK(state.recipients[0].identity == "Alice Example");
    CHECK(state.recipients[0].certificates == std::vector<Bytes>{alice()});
}

TEST_CASE("byte arrays are read as base64 strings or as arrays of numbers, also mixed per value") {
    const std::string json = R"([{"Name": "Alice Example", "ExternalEmailAddress": "SMTP:alice@example.org", "UserCertificate": [)" +
                             numbers(alice()) + ",\"" + b64(bob()) + "\", null]}]";
    const auto state = parse_exchange_state(json);
    REQUIRE(state.recipients.size() == 1);
    CHECK(state.recipients[0].identity == "Alice Example");  // Name, when there is no Identity
    CHECK(state.recipients[0].address == "alice@example.org");  // "SMTP:" removed
    CHECK(state.recipients[0].certificates == std::vector<Bytes>{alice(), bob()});
}

TEST_CASE("missing fields: no certificates is none, a recipient needs a name or an address") {
    SUBCASE("no UserCertificate, or null") {
        for (const char* json : {R"({"Identity": "A"})", R"({"Identity": "A", "UserCertificate": null})",
                                 R"([{"Address": "a@example.org", "Other": {"x": [1, [2]]}}])"}) {
            CAPTURE(json);
            const auto state = parse_exchange_state(json);
            REQUIRE(state.recipients.size() == 1);
            CHECK(state.recipients[0].certificates.empty());
        }
    }
    SUBCASE("no recipient at all") {
        CHECK(parse_exchange_state("[]").recipients.empty());
        CHECK(parse_exchange_state("null").recipients.empty());
        CHECK(parse_exchange_state("\xEF\xBB\xBF[]").recipients.empty());  // a UTF-8 BOM
    }
    SUBCASE("a recipient without identity and address") {
        const std::string message = fixture::message_of([] {
            parse_exchange_state(R"([{"Identity": "A"}, {"UserCertificate": []}])", "state.json");
        });
        CHECK(message == "'state.json': at /1: a recipient without Identity, Name or address");
    }
}

TEST_CASE("wrong types are refused with Errc::Malformed and the JSON pointer of the value") {
    struct Case {
        std::string json;
        std::string message;
    };
    const std::vector<Case> cases{
        {R"("text")", "'s.json': at /: expected a recipient object"},
        {R"([1])", "'s.json': at /0: unexpected number"},
        {R"([{"Identity": 5}])", "'s.json': at /0/Identity: unexpected number"},
        {R"([{"Identity": ["A"]}])", "'s.json': at /0/Identity: expected a string"},
        {R"([{"Identity": "A", "UserCertificate": true}])", "'s.json': at /0/UserCertificate: unexpected true or false"},
        {R"([{"Identity": "A", "UserCertificate": ["not base64!"]}])", "'s.json': at /0/UserCertificate/0: not base64"},
        {R"([{"Identity": "A", "UserCertificate": [[1, 256]]}])", "'s.json': at /0/UserCertificate/0/1: expected a number 0..255"},
        {R"([{"Identity": "A", "UserCertificate": [[1, -1]]}])", "'s.json': at /0/UserCertificate/0/1: expected a number 0..255"},
        {R"([{"Identity": "A", "UserCertificate": [[1.5]]}])", "'s.json': at /0/UserCertificate/0/0: expected a number 0..255"},
        {R"([{"Identity": "A", "UserCertificate": [1, "AAAA"]}])", "'s.json': at /0/UserCertificate/1: a list mixes numbers with other values"},
        {R"([{"Identity": "A", "UserCertificate": [[1, "x"]]}])", "'s.json': at /0/UserCertificate/0/1: expected a number 0..255"},
        {R"([{"Identity": "A", "UserCertificate": ["System.Byte[]"]}])", "'s.json': at /0/UserCertificate/0: a certificate written as \"System.Byte[]\""},
        {R"([{"Identity": "A", "a/b~c": {"x": [true, {"y": 1}]}, "UserCertificate": {"value": 5}}])", "'s.json': at /0/UserCertificate/value: unexpected number"},
        {R"([{"Identity": "A", "UserCertificate": [{"value": 5}]}])", "'s.json': at /0/UserCertificate/0/value: expected a list of numbers"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.json);
        CHECK(fixture::errc_of([&] { parse_exchange_state(c.json, "s.json"); }) == Errc::Malformed);
        CHECK(fixture::message_of([&] { parse_exchange_state(c.json, "s.json"); }) == c.message);
    }
}

TEST_CASE("invalid JSON is refused with Errc::Malformed and the byte offset") {
    for (const char* json : {"", "[", "[{\"Identity\": \"A\"}", "[{\"Identity\": \"A\",}]", "[] []", "{\"a\": \"\xFF\"}"}) {
        CAPTURE(json);
        CHECK(fixture::errc_of([&] { parse_exchange_state(json, "s.json"); }) == Errc::Malformed);
        CHECK(fixture::message_of([&] { parse_exchange_state(json, "s.json"); }).rfind("'s.json': not valid JSON at byte ", 0) == 0);
    }
    // The message never echoes the input: it may be binary or hold terminal escape sequences.
    for (const char* json : {"\xC3\x28\x1B[31m", "{\"a\": \xFF\x1B]0;title\x07}"}) {
        CAPTURE(json);
        const std::string message = fixture::message_of([&] { parse_exchange_state(json, "s.json"); });
        CHECK(message.rfind("'s.json': not valid JSON at byte ", 0) == 0);
        CHECK(message.find_first_of("\x1B\x07\xC3\xFF") == std::string::npos);
    }
    // Windows PowerShell's "> state.json" writes UTF-16: named as such.
    const std::string utf16("\xFF\xFE[\0]\0", 6);
    CHECK(fixture::message_of([&] { parse_exchange_state(utf16, "s.json"); }) == "'s.json': UTF-16 text, not UTF-8 JSON");
}

TEST_CASE("huge or deeply nested input is refused within the bounds, not by exhausting memory") {
    SUBCASE("nesting") {
        // Under a key that is skipped, where any shape is allowed.
        const std::string skipped = "{\"Identity\": \"A\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
        CHECK(fixture::message_of([&] { parse_exchange_state(skipped, "s.json"); }) ==
              "'s.json': at /x/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested more than 32 levels deep");
        const std::string json = std::string(100000, '[') + std::string(100000, ']');
        CHECK(fixture::errc_of([&] { parse_exchange_state(json, "s.json"); }) == Errc::Malformed);
    }
    SUBCASE("a certificate of more than 64 KiB") {
        const Bytes big(smimekit::kMaxExchangeStateCertificateSize + 1, 0x30);
        CHECK(fixture::message_of([&] { parse_exchange_state(R"({"Identity": "A", "UserCertificate": )" + numbers(big) + "}", "s.json"); })
                  .find("a certificate larger than 65536 bytes") != std::string::npos);
        CHECK(fixture::message_of([&] { parse_exchange_state(R"({"Identity": "A", "UserCertificate": ")" + b64(big) + "\"}", "s.json"); })
                  .find("a certificate larger than 65536 bytes") != std::string::npos);
    }
    SUBCASE("too many certificates for one recipient") {
        std::string list;
        for (std::size_t i = 0; i <= smimekit::kMaxExchangeStateCertificates; ++i) {
            list += (i == 0 ? "\"AAAA\"" : ",\"AAAA\"");
        }
        CHECK(fixture::message_of([&] { parse_exchange_state(R"({"Identity": "A", "UserCertificate": [)" + list + "]}", "s.json"); }) ==
              "'s.json': at /UserCertificate/256: more than 256 certificates");
    }
}

TEST_CASE("load_exchange_state reads a file and names it in errors") {
    const fixture::TempDir dir;
    const std::string json = R"([{"Identity": "Alice Example", "Address": "alice@example.org", "UserCertificate": ")" + b64(alice()) + "\"}]";
    dir.write("state.json", smimekit::as_bytes(json));
    const auto state = smimekit::load_exchange_state(dir.file("state.json"));
    REQUIRE(state.recipients.size() == 1);
    CHECK(state.recipients[0].certificates == std::vector<Bytes>{alice()});

    dir.write("bad.json", smimekit::as_bytes("[{\"Identity\": 1}]"));
    CHECK(fixture::message_of([&] { smimekit::load_exchange_state(dir.file("bad.json")); }) ==
          "'" + dir.file("bad.json") + "': at /0/Identity: unexpected number");
    CHECK(fixture::errc_of([&] { smimekit::load_exchange_state(dir.file("missing.json")); }) == Errc::NotFound);
    CHECK(fixture::errc_of([&] { smimekit::load_exchange_state(dir.path().string()); }) == Errc::Malformed);
}

TEST_CASE("diff: exactly the current certificates is ok, in any order") {
    const std::vector contacts{contact("alice@example.org", "Alice Example", {alice(), bob()})};
    smimekit::ExchangeState state;
    state.recipients.push_back(published("alice example", "alice@EXAMPLE.org", {bob(), alice(), bob()}));
    const auto report = smimekit::diff_exchange_state(state, contacts);
    REQUIRE(report.entries.size() == 1);
    CHECK(report.entries[0].status == DriftStatus::Ok);
    CHECK(report.entries[0].details.empty());
    CHECK(report.entries[0].address == "alice@EXAMPLE.org");
    CHECK_FALSE(report.differs());
}

TEST_CASE("diff classifies missing, stale, extra and mismatched recipients") {
    SUBCASE("no recipient in Exchange: missing") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()})};
        const auto report = smimekit::diff_exchange_state({}, contacts);
        REQUIRE(report.entries.size() == 1);
        CHECK(report.entries[0].status == DriftStatus::Missing);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"no-recipient"});
        CHECK(report.differs());
    }
    SUBCASE("a current certificate not published: missing") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice(), bob()})};
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {alice()})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Missing);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"not-published"});
        CHECK(report.entries[0].details[0].sha256 == upper_sha256(bob()));
    }
    SUBCASE("an older certificate still published: stale") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()}, {bob()})};
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {alice(), bob()})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Stale);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"stale"});
    }
    SUBCASE("only the older one published: stale, and the current one missing") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()}, {bob()})};
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {bob()})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Stale);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"stale", "not-published"});
    }
    SUBCASE("a certificate the inventory does not know for the contact: extra") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()})};
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {alice(), bob()})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Extra);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"unknown"});
        CHECK(report.entries[0].details[0].message.find("'CN=Bob Example,O=smimekit test'") != std::string::npos);
    }
    SUBCASE("a recipient no contact has, publishing a certificate: extra") {
        smimekit::ExchangeState state{{published("Stranger", "stranger@example.net", {bob()}),
                                       published("Empty", "empty@example.net", {})}};
        const auto report = smimekit::diff_exchange_state(state, {});
        REQUIRE(report.entries.size() == 1);  // one publishing nothing is left out
        CHECK(report.entries[0].status == DriftStatus::Extra);
        CHECK(report.entries[0].email.empty());
        CHECK(report.entries[0].identity == "Stranger");
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"not-in-inventory", "unknown"});
    }
    SUBCASE("bytes that are no certificate: mismatch") {
        Bytes truncated = alice();
        truncated.resize(truncated.size() / 2);
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()})};
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {truncated})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Mismatch);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"not-a-certificate", "not-published"});
    }
    SUBCASE("the same certificate (issuer and serial) in other bytes: mismatch") {
        // The inventory's record of Alice's certificate, as if it had been stored in another
        // encoding: same issuer and serial, another SHA-256.
        smimekit::Contact alice_contact = contact("alice@example.org", "Alice Example", {alice()});
        alice_contact.current[0].certificate.sha256 = std::string(64, 'A');
        smimekit::ExchangeState state{{published("Alice Example", "alice@example.org", {alice()})}};
        const auto report = smimekit::diff_exchange_state(state, std::vector{alice_contact});
        CHECK(report.entries.at(0).status == DriftStatus::Mismatch);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"other-bytes", "not-published"});
    }
    SUBCASE("another identity name in Exchange: mismatch") {
        const std::vector contacts{contact("alice@example.org", "Alice Example", {alice()})};
        smimekit::ExchangeState state{{published("Alice E.", "alice@example.org", {alice()})}};
        const auto report = smimekit::diff_exchange_state(state, contacts);
        CHECK(report.entries.at(0).status == DriftStatus::Mismatch);
        CHECK(codes(report.entries[0]) == std::vector<std::string>{"identity"});
    }
}

TEST_CASE("diff matches by address (domain without regard to case), else by identity, once per contact") {
    const std::vector contacts{contact("Alice@example.org", "Alice Example", {alice()}),
                               contact("bob@example.org", "Bob Example", {bob()}),
                               contact("nocert@example.org", "No Cert", {})};
    smimekit::ExchangeState state{{
        published("Alice Example", "Alice@EXAMPLE.ORG", {alice()}),         // by address
        published("BOB EXAMPLE", "bob.old@example.org", {bob()}),           // by identity
        published("Someone", "alice@example.org", {alice()}),               // local part differs
        published("Alice Example", "Alice@example.org", {alice()}),         // Alice's second
    }};
    const auto report = smimekit::diff_exchange_state(state, contacts);
    REQUIRE(report.entries.size() == 4);  // no entry for the contact without certificate
    CHECK(report.entries[0].email == "Alice@example.org");
    CHECK(report.entries[0].status == DriftStatus::Ok);
    CHECK(report.entries[1].email == "bob@example.org");
    CHECK(report.entries[1].status == DriftStatus::Ok);
    CHECK(report.entries[2].identity == "Someone");
    CHECK(report.entries[2].status == DriftStatus::Extra);
    CHECK(report.entries[3].address == "Alice@example.org");
    CHECK(report.entries[3].email.empty());
    CHECK(report.entries[3].status == DriftStatus::Extra);
    CHECK(smimekit::drift_status_name(DriftStatus::Stale) == "stale");
}

}  // TEST_SUITE("exchange_state")
