// SPDX-License-Identifier: Apache-2.0
// tests/unit/inventory_test.cpp: smimekit/inventory.hpp. The model rules on ":memory:"
// databases; files only where the file itself matters (migrations, refusals). Certificates with
// chosen dates and roles are made at run time by tests/support/make_contact_certs.py
// (python3-cryptography), since certs-test/ has no renewals.
#include <smimekit/inventory.hpp>
#include <smimekit/load.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

namespace {

using smimekit::AddOptions;
using smimekit::AddOutcome;
using smimekit::Certificate;
using smimekit::CertificateRole;
using smimekit::Contact;
using smimekit::ContactQuery;
using smimekit::Errc;
using smimekit::InventoryDb;

/// The generated certificates, made once per test run.
class Generated {
public:
    static const Generated& get() {
        static const Generated generated;
        return generated;
    }
    [[nodiscard]] Certificate cert(const std::string& name) const {
        return smimekit::load_certificate(path(name));
    }
    [[nodiscard]] std::string path(const std::string& name) const {
        return m_dir.file(name + ".der");
    }

private:
    Generated() {
        const std::string specs =
            "renew-2024|Renée Renew|renew@example.org|2024-01-01|2030-06-01|both\n"
            "renew-2025|Renée Renew|renew@example.org|2025-01-01|2031-01-01|both\n"
            "renew-2026|Renée Renew|renew@example.org|2026-01-01|2032-01-01|both\n"
            "renew-2026-longer|Renée Renew|renew@example.org|2026-01-01|2033-01-01|both\n"
            "split-both-2025|Sam Split|split@example.org|2025-01-01|2031-01-01|both\n"
            "split-sign-2027|Sam Split|split@example.org|2027-01-01|2032-01-01|sign\n"
            "split-enc-2027|Sam Split|split@example.org|2027-01-01|2032-01-01|enc\n"
            "two-addresses|Tom Two|tom@example.org,thomas@mail.example.org|2025-01-01|2035-01-01|both\n"
            "mixed-case|Max Case|Max.Case@EXAMPLE.Org|2025-01-01|2035-01-01|both\n"
            "same-1|Same Name|same1@example.org|2025-01-01|2035-01-01|both\n"
            "same-2|Same Name|same2@example.org|2025-01-01|2035-01-01|both\n"
            "same-3|SAME NAME|same3@example.org|2025-01-01|2035-01-01|both\n"
            "hostile|'); DROP TABLE contacts; --|o'brien@example.org|2025-01-01|2035-01-01|both\n"
            "no-ku|Nora None|nora@example.org|2025-01-01|2035-01-01|none\n"
            "no-address|Nobody||2025-01-01|2035-01-01|both\n"
            "expiring|Eve Soon|eve@example.org|2025-01-01|2030-01-20|both\n";
        std::ofstream(m_dir.file("specs.txt")) << specs;
        const std::string command = "/usr/bin/python3 " + std::string(SMIMEKIT_TEST_CERTS_DIR) +
                                    "/../tests/support/make_contact_certs.py " + m_dir.file("") +
                                    " " + m_dir.file("specs.txt");
        REQUIRE(std::system(command.c_str()) == 0);
    }
    fixture::TempDir m_dir;
};

Certificate gen(const std::string& name) {
    return Generated::get().cert(name);
}

Certificate user(const std::string& name) {
    return smimekit::load_certificate(fixture::path("users/" + name + ".der"));
}

smimekit::AddReport add(InventoryDb& db, const Certificate& certificate, AddOptions options = {},
                        smimekit::TimePoint now = fixture::now()) {
    const std::vector<Certificate> one{certificate};
    return db.add(one, options, now);
}

Contact contact(const InventoryDb& db, const std::string& email) {
    auto found = db.find(email);
    REQUIRE(found.has_value());
    return *found;
}

std::vector<std::string> sha256s(const std::vector<smimekit::ContactCertificate>& links) {
    std::vector<std::string> result;
    for (const auto& link : links) {
        result.push_back(link.certificate.sha256);
    }
    return result;
}

std::string sha256(const Certificate& certificate) {
    return smimekit::to_hex(certificate.sha256(), smimekit::HexCase::Upper);
}

/// Every contact at fixture::now(), until filters are set.
ContactQuery at_now() {
    ContactQuery query;
    query.now = fixture::now();
    return query;
}

std::vector<std::string> emails(const std::vector<Contact>& contacts) {
    std::vector<std::string> result;
    for (const Contact& c : contacts) {
        result.push_back(c.email);
    }
    return result;
}

}  // namespace

TEST_SUITE("inventory") {

TEST_CASE("an address keeps its local part and gets a lower-case domain") {
    CHECK(smimekit::normalize_email("Alice.Smith@Example.ORG") == "Alice.Smith@example.org");
    CHECK(smimekit::normalize_email("  bob@example.org\n") == "bob@example.org");
    CHECK(smimekit::normalize_email("\"a@b\"@Example.org") == "\"a@b\"@example.org");
    for (const char* bad : {"", "alice", "@example.org", "alice@", "al ice@example.org",
                            "alice@exa\tmple.org", "alice@ex\xE1mple.org"}) {
        CAPTURE(bad);
        CHECK(fixture::errc_of([&] { smimekit::normalize_email(bad); }) == Errc::InvalidArgument);
    }
}

TEST_CASE("the role comes from the key usage, and both or none of the bits mean both") {
    CHECK(smimekit::certificate_role(user("dave-sign")) == CertificateRole::Signing);
    CHECK(smimekit::certificate_role(user("dave-encrypt")) == CertificateRole::Encryption);
    CHECK(smimekit::certificate_role(user("alice")) == CertificateRole::Both);
    CHECK(smimekit::certificate_role(user("bob-ec")) == CertificateRole::Both);  // DS + keyAgreement
    CHECK(smimekit::certificate_role(gen("no-ku")) == CertificateRole::Both);
    CHECK(smimekit::role_serves(CertificateRole::Both, CertificateRole::Signing));
    CHECK_FALSE(smimekit::role_serves(CertificateRole::Encryption, CertificateRole::Signing));
}

TEST_CASE("a new inventory has the current schema and nothing in it") {
    InventoryDb db(":memory:");
    CHECK(db.file_schema_version() == InventoryDb::schema_version());
    CHECK(InventoryDb::schema_version() >= 1);
    CHECK(db.counts().contacts == 0);
    CHECK(db.contacts(at_now()).empty());
}

TEST_CASE("adding a certificate makes a contact per address with defaults from the certificate") {
    InventoryDb db(":memory:");
    const auto report = add(db, user("alice"));
    REQUIRE(report.certificates.size() == 1);
    CHECK(report.certificates[0].outcome == AddOutcome::Added);
    CHECK(report.certificates[0].current_for == std::vector<std::string>{"alice@example.org"});
    CHECK(report.new_contacts == std::vector<std::string>{"alice@example.org"});

    const Contact alice = contact(db, "alice@example.org");
    CHECK(alice.display_name == "Alice Example");
    CHECK(alice.identity == "Alice Example");
    CHECK_FALSE(alice.internal);
    CHECK(alice.created == fixture::now());
    REQUIRE(alice.current.size() == 1);
    CHECK(alice.history.empty());
    const auto& stored = alice.current[0];
    CHECK(stored.certificate.sha256 == sha256(user("alice")));
    CHECK(stored.certificate.sha1 == user("alice").thumbprint());
    CHECK(stored.certificate.subject == user("alice").subject());
    CHECK(stored.certificate.serial == user("alice").serial_hex());
    CHECK(stored.certificate.not_after == user("alice").not_after());
    CHECK(stored.certificate.key.name == "RSA");
    CHECK(stored.certificate.key.bits == 2048);
    REQUIRE(stored.certificate.key_usage.has_value());
    CHECK(stored.certificate.key_usage->key_encipherment);
    CHECK(stored.certificate.key_usage->critical);
    REQUIRE(stored.certificate.extended_key_usage.has_value());
    CHECK(stored.certificate.extended_key_usage->contains("1.3.6.1.5.5.7.3.4"));
    CHECK(stored.certificate.role == CertificateRole::Both);
    CHECK(stored.certificate.emails == std::vector<std::string>{"alice@example.org"});
    CHECK_FALSE(stored.certificate.smime_capabilities.has_value());
    CHECK(stored.source == "contacts add");
    CHECK(db.certificate(stored.certificate.sha256) == user("alice"));
}

TEST_CASE("adding the same certificate twice changes nothing") {
    InventoryDb db(":memory:");
    add(db, user("alice"));
    const auto before = db.counts();
    const auto again = add(db, user("alice"), {}, fixture::at("2031-01-01T00:00:00Z"));
    CHECK(again.certificates.at(0).outcome == AddOutcome::Unchanged);
    CHECK(again.new_contacts.empty());
    const auto after = db.counts();
    CHECK(after.contacts == before.contacts);
    CHECK(after.certificates == before.certificates);
    CHECK(after.links == before.links);
    CHECK(contact(db, "alice@example.org").updated == fixture::now());
}

TEST_CASE("--email narrows a certificate to one of its addresses") {
    InventoryDb db(":memory:");
    AddOptions narrow;
    narrow.email = "Tom@EXAMPLE.org";  // normalized to tom@example.org, which it carries
    CHECK(fixture::errc_of([&] { add(db, gen("two-addresses"), narrow); }) ==
          Errc::InvalidArgument);  // the local part is case-sensitive: Tom is not tom
    narrow.email = "tom@EXAMPLE.org";
    add(db, gen("two-addresses"), narrow);
    CHECK(emails(db.contacts(at_now())) == std::vector<std::string>{"tom@example.org"});

    // Without --email it attaches to the other address too: known certificate, new link.
    const auto report = add(db, gen("two-addresses"));
    CHECK(report.certificates.at(0).outcome == AddOutcome::Updated);
    CHECK(emails(db.contacts(at_now())) ==
          std::vector<std::string>{"thomas@mail.example.org", "tom@example.org"});
    CHECK(db.counts().certificates == 1);
}

TEST_CASE("certificates that are no contact's are refused and nothing is written") {
    InventoryDb db(":memory:");
    AddOptions options;
    SUBCASE("an address the certificate does not carry") {
        options.email = "bob@example.org";
        CHECK(fixture::message_of([&] { add(db, user("alice"), options); })
                  .find("does not carry the address bob@example.org") != std::string::npos);
    }
    SUBCASE("a CA certificate, even beside a good one") {
        const std::vector<Certificate> both{user("alice"),
                                            smimekit::load_certificate(fixture::path("ca/root-rsa.der"))};
        CHECK(fixture::errc_of([&] { db.add(both, options, fixture::now()); }) == Errc::InvalidArgument);
    }
    SUBCASE("a certificate without an address") {
        CHECK(fixture::message_of([&] { add(db, gen("no-address")); }).find("carries no e-mail address") !=
              std::string::npos);
    }
    CHECK(db.counts().certificates == 0);
    CHECK(db.counts().contacts == 0);
}

TEST_CASE("an address that is not UTF-8 is no address: import skips its certificate") {
    // carol with the rfc822Name carol@ex\xE1mple.org (found by the inventory_import fuzz
    // target, issue 12): storing it once threw nlohmann's type_error out of import().
    smimekit::Bytes der = fixture::bytes("users/carol-rsa3072.der");
    const std::string address = "carol@example.org";
    const auto at = std::search(der.begin(), der.end(), address.begin(), address.end());
    REQUIRE(at != der.end());
    *(at + 8) = 0xE1;
    fixture::TempDir dir;
    dir.write("carol.der", der);
    InventoryDb db(":memory:");
    smimekit::ImportOptions options;
    options.threads = 1;
    const smimekit::ImportReport report = db.import({dir.file("carol.der")}, options, fixture::now());
    CHECK(report.added == 0);
    REQUIRE(report.skipped.size() == 1);
    CHECK(std::string(report.skipped[0].reason.what()).find("carries no e-mail address") !=
          std::string::npos);
    CHECK(db.counts().certificates == 0);
}

TEST_CASE("a newer certificate supersedes the current one; an older one goes into history") {
    InventoryDb db(":memory:");
    const auto t1 = fixture::at("2029-01-01T00:00:00Z");
    const auto t2 = fixture::at("2029-02-01T00:00:00Z");
    const auto t3 = fixture::at("2029-03-01T00:00:00Z");
    add(db, gen("renew-2025"), {}, t1);

    const auto newer = add(db, gen("renew-2026"), {}, t2);
    CHECK(newer.certificates.at(0).current_for == std::vector<std::string>{"renew@example.org"});
    CHECK(newer.certificates.at(0).superseded == 1);
    Contact renew = contact(db, "renew@example.org");
    CHECK(sha256s(renew.current) == std::vector{sha256(gen("renew-2026"))});
    REQUIRE(renew.history.size() == 1);
    CHECK(renew.history[0].certificate.sha256 == sha256(gen("renew-2025")));
    CHECK(renew.history[0].superseded == t2);

    // Imported later, but older: straight into history, the current one stays.
    const auto older = add(db, gen("renew-2024"), {}, t3);
    CHECK(older.certificates.at(0).outcome == AddOutcome::Added);
    CHECK(older.certificates.at(0).history_for == std::vector<std::string>{"renew@example.org"});
    CHECK(older.certificates.at(0).superseded == 0);
    renew = contact(db, "renew@example.org");
    CHECK(sha256s(renew.current) == std::vector{sha256(gen("renew-2026"))});
    CHECK(sha256s(renew.history) == std::vector{sha256(gen("renew-2025")), sha256(gen("renew-2024"))});
    CHECK(renew.history[1].superseded == t3);
    CHECK(renew.history[1].added == t3);
}

TEST_CASE("which certificate is current does not depend on the order of arrival") {
    const std::vector<std::string> names{"renew-2024", "renew-2026-longer", "renew-2025",
                                         "renew-2026"};
    std::vector<std::string> order = names;
    std::sort(order.begin(), order.end());
    do {
        CAPTURE(order);
        InventoryDb db(":memory:");
        for (const std::string& name : order) {
            add(db, gen(name));
        }
        // Same notBefore: the later notAfter wins the tie.
        const Contact renew = contact(db, "renew@example.org");
        CHECK(sha256s(renew.current) == std::vector{sha256(gen("renew-2026-longer"))});
        CHECK(renew.history.size() == 3);
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("a certificate stays current while it is the newest for one of its roles") {
    InventoryDb db(":memory:");
    add(db, gen("split-both-2025"));
    add(db, gen("split-sign-2027"));
    // The old dual-use certificate is still the newest for encryption.
    Contact split = contact(db, "split@example.org");
    CHECK(split.current.size() == 2);
    CHECK(split.history.empty());

    add(db, gen("split-enc-2027"));
    split = contact(db, "split@example.org");
    CHECK(sha256s(split.current) ==
          std::vector{std::max(sha256(gen("split-sign-2027")), sha256(gen("split-enc-2027"))),
                      std::min(sha256(gen("split-sign-2027")), sha256(gen("split-enc-2027")))});
    CHECK(sha256s(split.history) == std::vector{sha256(gen("split-both-2025"))});

    // dave's signing and encryption certificates serve different roles: both current.
    add(db, user("dave-sign"));
    add(db, user("dave-encrypt"));
    CHECK(contact(db, "dave@example.org").current.size() == 2);
}

TEST_CASE("domains compare ignoring case, local parts exactly") {
    InventoryDb db(":memory:");
    add(db, gen("mixed-case"));
    CHECK(contact(db, "Max.Case@example.org").email == "Max.Case@example.org");
    CHECK(db.find("Max.Case@EXAMPLE.ORG").has_value());
    CHECK_FALSE(db.find("max.case@example.org").has_value());
    // An address given with another domain case reaches the same contact.
    AddOptions options;
    options.email = "Max.Case@Example.ORG";
    CHECK(add(db, gen("mixed-case"), options).certificates.at(0).outcome == AddOutcome::Unchanged);
    CHECK(db.counts().contacts == 1);
}

TEST_CASE("derived identity names are unique, ignoring case") {
    InventoryDb db(":memory:");
    add(db, gen("same-1"));
    add(db, gen("same-2"));
    add(db, gen("same-3"));
    CHECK(contact(db, "same1@example.org").identity == "Same Name");
    CHECK(contact(db, "same2@example.org").identity == "Same Name-2");
    CHECK(contact(db, "same3@example.org").identity == "SAME NAME-3");

    SUBCASE("a fresh connection continues the numbering") {
        fixture::TempDir dir;
        {
            InventoryDb file(dir.file("i.db"));
            add(file, gen("same-1"));
            add(file, gen("same-2"));
        }
        InventoryDb file(dir.file("i.db"), smimekit::OpenMode::Existing);
        add(file, gen("same-3"));
        CHECK(contact(file, "same3@example.org").identity == "SAME NAME-3");
    }
    SUBCASE("an explicit identity that is taken is refused, whatever its case") {
        AddOptions options;
        options.fields.identity = "same name-2";
        CHECK(fixture::message_of([&] { add(db, user("alice"), options); })
                  .find("is already used by same2@example.org") != std::string::npos);
        CHECK_FALSE(db.find("alice@example.org").has_value());
    }
    SUBCASE("an explicit identity cannot name two contacts") {
        AddOptions options;
        options.fields.identity = "Tom";
        CHECK(fixture::errc_of([&] { add(db, gen("two-addresses"), options); }) ==
              Errc::InvalidArgument);
        options.email = "tom@example.org";
        add(db, gen("two-addresses"), options);
        CHECK(contact(db, "tom@example.org").identity == "Tom");
    }
}

TEST_CASE("contact fields are set on creation and changed when given again") {
    InventoryDb db(":memory:");
    AddOptions options;
    options.fields.display_name = "Alice (Sales)";
    options.fields.internal = true;
    options.fields.notes = "met at the fair";
    add(db, user("alice"), options);
    Contact alice = contact(db, "alice@example.org");
    CHECK(alice.display_name == "Alice (Sales)");
    CHECK(alice.identity == "Alice (Sales)");
    CHECK(alice.internal);
    CHECK(alice.notes == "met at the fair");

    // Without a certificate: change the contact only.
    AddOptions change;
    change.email = "alice@example.org";
    change.fields.internal = false;
    const auto report = db.add({}, change, fixture::at("2030-02-01T00:00:00Z"));
    CHECK(report.updated_contacts == std::vector<std::string>{"alice@example.org"});
    alice = contact(db, "alice@example.org");
    CHECK_FALSE(alice.internal);
    CHECK(alice.notes == "met at the fair");
    CHECK(alice.updated == fixture::at("2030-02-01T00:00:00Z"));

    // A contact without a certificate.
    AddOptions bare;
    bare.email = "nocert@example.org";
    CHECK(db.add({}, bare, fixture::now()).new_contacts == std::vector<std::string>{"nocert@example.org"});
    CHECK(contact(db, "nocert@example.org").identity == "nocert");
    CHECK(fixture::errc_of([&] { db.add({}, {}, fixture::now()); }) == Errc::InvalidArgument);
}

TEST_CASE("hostile text from certificates and users is stored as data, never run as SQL") {
    InventoryDb db(":memory:");
    const std::string hostile = "x'); DROP TABLE certificates; --";
    AddOptions options;
    options.fields.notes = hostile;
    options.source = "'; DELETE FROM contacts; --";
    add(db, gen("hostile"), options);  // CN "'); DROP TABLE contacts; --", o'brien@example.org
    const Contact obrien = contact(db, "o'brien@example.org");
    CHECK(obrien.display_name == "'); DROP TABLE contacts; --");
    CHECK(obrien.identity == "'); DROP TABLE contacts; --");
    CHECK(obrien.notes == hostile);
    CHECK(obrien.current.at(0).source == "'; DELETE FROM contacts; --");
    CHECK(obrien.current.at(0).certificate.subject.find("DROP TABLE") != std::string::npos);
    add(db, user("alice"));
    CHECK(db.counts().contacts == 2);
    CHECK(db.counts().certificates == 2);
    CHECK(db.find("x'OR'1'='1@example.org") == std::nullopt);
    CHECK_FALSE(db.remove("x'OR'1'='1@example.org"));
    CHECK(db.counts().contacts == 2);
}

TEST_CASE("removing a contact removes the certificates no other contact uses") {
    InventoryDb db(":memory:");
    add(db, gen("two-addresses"));
    add(db, gen("renew-2025"));
    add(db, gen("renew-2026"));
    CHECK(db.remove("renew@EXAMPLE.org"));
    CHECK_FALSE(db.find("renew@example.org").has_value());
    CHECK(db.counts().certificates == 1);
    CHECK(db.remove("tom@example.org"));
    CHECK(db.counts().certificates == 1);  // thomas@mail.example.org still uses it
    CHECK(contact(db, "thomas@mail.example.org").current.size() == 1);
    CHECK_FALSE(db.remove("tom@example.org"));
}

TEST_CASE("the expiry queries look at current certificates only") {
    InventoryDb db(":memory:");
    add(db, user("alice"));                 // until 2046
    add(db, user("expired"));               // 2020 .. 2021
    add(db, gen("expiring"));               // until 2030-01-20
    add(db, gen("renew-2024"));             // until 2030-06-01, superseded next
    add(db, gen("renew-2025"));             // until 2031-01-01
    AddOptions bare;
    bare.email = "nocert@example.org";
    db.add({}, bare, fixture::now());

    ContactQuery query = at_now();
    CHECK(db.contacts(query).size() == 5);
    query.expiring_within = std::chrono::days(30);
    CHECK(emails(db.contacts(query)) == std::vector<std::string>{"eve@example.org"});
    query.expiring_within = std::chrono::days(200);  // renew-2024 expires then, but is history
    CHECK(emails(db.contacts(query)) == std::vector<std::string>{"eve@example.org"});
    query.expiring_within = std::chrono::days(19);  // 2030-01-20 is 19 days away: inclusive
    CHECK(emails(db.contacts(query)) == std::vector<std::string>{"eve@example.org"});
    query.expiring_within = std::chrono::days(18);
    CHECK(db.contacts(query).empty());

    query = at_now();
    query.expired = true;
    CHECK(emails(db.contacts(query)) == std::vector<std::string>{"expired@example.org"});
    query.without_certificate = true;  // filters add up
    CHECK(emails(db.contacts(query)) ==
          std::vector<std::string>{"expired@example.org", "nocert@example.org"});

    // The history comes with the contact.
    query = at_now();
    query.expiring_within = std::chrono::days(366);
    const auto found = db.contacts(query);
    const auto renew = std::find_if(found.begin(), found.end(),
                                    [](const Contact& c) { return c.email == "renew@example.org"; });
    REQUIRE(renew != found.end());
    CHECK(renew->current.size() == 1);
    CHECK(renew->history.size() == 1);
}

TEST_CASE("the current certificates are handed out each once") {
    InventoryDb db(":memory:");
    add(db, gen("two-addresses"));
    add(db, gen("renew-2025"));
    add(db, gen("renew-2026"));
    const auto current = db.current_certificates();
    REQUIRE(current.size() == 2);
    CHECK(std::find(current.begin(), current.end(), gen("renew-2026")) != current.end());
    CHECK(std::find(current.begin(), current.end(), gen("two-addresses")) != current.end());
}

TEST_CASE("files: created with the schema, refused when newer, foreign or missing") {
    fixture::TempDir dir;
    const std::string path = dir.file("inventory.db");
    CHECK(fixture::errc_of([&] { InventoryDb db(path, smimekit::OpenMode::Existing); }) ==
          Errc::Database);
    {
        InventoryDb db(path);
        add(db, user("alice"));
    }
    {
        InventoryDb db(path, smimekit::OpenMode::Existing);
        CHECK(db.file_schema_version() == InventoryDb::schema_version());
        CHECK(db.find("alice@example.org").has_value());
    }
    REQUIRE_FALSE(std::filesystem::exists(path + "-wal"));  // closed: all in the main file

    SUBCASE("a file written by a newer smimekit") {
        // PRAGMA user_version lives at offset 60 of the header, big-endian
        // (https://sqlite.org/fileformat.html section 1.3).
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(60);
        const char version[4] = {0, 0, 0, 99};
        file.write(version, 4);
        file.close();
        try {
            InventoryDb db(path);
            FAIL("opened a newer inventory");
        } catch (const smimekit::Error& error) {
            CHECK(error.code() == Errc::Database);
            CHECK(std::string(error.what()).find("was written by a newer smimekit (schema 99, this one knows") !=
                  std::string::npos);
            CHECK(error.hint() == "upgrade smimekit");
        }
    }
    SUBCASE("an empty file is migrated to the current schema when creating") {
        dir.write("empty.db", {});
        InventoryDb db(dir.file("empty.db"), smimekit::OpenMode::Create);
        CHECK(db.file_schema_version() == InventoryDb::schema_version());
        add(db, user("alice"));
        CHECK(db.counts().certificates == 1);
    }
    SUBCASE("an empty file is refused untouched when it must exist (reading commands)") {
        dir.write("empty.db", {});
        const std::string message =
            fixture::message_of([&] { InventoryDb db(dir.file("empty.db"), smimekit::OpenMode::Existing); });
        CHECK(message.find("empty.db': no inventory here yet (the file is empty)") != std::string::npos);
        CHECK(std::filesystem::file_size(dir.file("empty.db")) == 0);
    }
    SUBCASE("a file shorter than an SQLite page is refused untouched, even when creating") {
        // SQLite alone would take a one-byte file for an empty database and overwrite it.
        dir.write("one.db", smimekit::as_bytes("x"));
        CHECK(fixture::message_of([&] { InventoryDb db(dir.file("one.db")); }) ==
              "'" + dir.file("one.db") + "': not an smimekit inventory (not an SQLite database)");
        CHECK(std::filesystem::file_size(dir.file("one.db")) == 1);
    }
    SUBCASE("a file that is not a database") {
        dir.write("text.db", smimekit::as_bytes("hello, this is not SQLite at all, just some text "
                                                "long enough to have a header's worth of bytes "
                                                "in it; SQLite needs at least one hundred"));
        CHECK(fixture::message_of([&] { InventoryDb db(dir.file("text.db")); })
                  .find("not an smimekit inventory (not an SQLite database)") != std::string::npos);
    }
}

TEST_CASE("import reads files and directories in parallel, skips what is no contact's, and is idempotent") {
    fixture::TempDir dir;
    const std::filesystem::path tree = dir.path() / "tree";
    std::filesystem::create_directories(tree / "sub");
    for (const char* name : {"renew-2024", "renew-2025", "renew-2026", "two-addresses", "same-1",
                             "same-2", "no-address"}) {
        std::filesystem::copy_file(Generated::get().path(name), tree / "sub" / (std::string(name) + ".der"));
    }
    std::filesystem::copy_file(fixture::path("ca/root-rsa.der"), tree / "root.der");
    std::filesystem::copy_file(fixture::path("misc/random.bin"), tree / "random.bin");
    std::filesystem::copy_file(fixture::path("bundles/all-cas.pem"), tree / "sub" / "cas.pem");
    const std::vector<std::string> paths{tree.string(), fixture::path("users/alice.pem"),
                                         dir.file("missing.der")};

    smimekit::ImportOptions options;
    SUBCASE("default batches") {}
    SUBCASE("tiny batches, more threads than cores") {
        options.batch_size = 2;
        options.threads = 5;
    }
    std::vector<std::size_t> progress;
    options.progress = [&](std::size_t done, std::size_t total) {
        CHECK(total == 12);
        progress.push_back(done);
    };
    InventoryDb db(":memory:");
    const auto report = db.import(paths, options, fixture::now());
    CHECK(report.files == 12);
    CHECK(progress.size() == 12);
    CHECK(progress.back() == 12);
    CHECK(report.added == 7);  // 3 renewals, two-addresses, same-1, same-2, alice
    CHECK(report.added_to_history + report.superseded == 2);
    CHECK(report.new_contacts == 6);
    CHECK(report.updated == 0);
    CHECK(report.unchanged == 0);
    // no-address, random.bin, root.der, 8 CAs in cas.pem, missing.der
    CHECK(report.skipped.size() == 12);
    const auto missing = std::find_if(report.skipped.begin(), report.skipped.end(),
                                      [](const auto& s) { return s.named; });
    REQUIRE(missing != report.skipped.end());
    CHECK(missing->reason.code() == Errc::NotFound);
    CHECK(std::count_if(report.skipped.begin(), report.skipped.end(),
                        [](const auto& s) { return s.named; }) == 1);

    const Contact renew = contact(db, "renew@example.org");
    CHECK(sha256s(renew.current) == std::vector{sha256(gen("renew-2026"))});
    CHECK(renew.current.at(0).source == (tree / "sub" / "renew-2026.der").string());

    const auto again = db.import(paths, options, fixture::now());
    CHECK(again.added == 0);
    CHECK(again.unchanged == 7);
    CHECK(again.new_contacts == 0);
    CHECK(db.counts().certificates == 7);
    CHECK(db.counts().contacts == 6);
}

TEST_CASE("import takes the certificate of a .p12 and never its key") {
    InventoryDb db(":memory:");
    const std::vector<std::string> p12{fixture::path("p12/modern.p12")};
    SUBCASE("without a password it is skipped") {
        const auto report = db.import(p12, {}, fixture::now());
        REQUIRE(report.skipped.size() == 1);
        CHECK(report.skipped[0].reason.code() == Errc::BadPassword);
        CHECK(report.skipped[0].named);
        CHECK(db.counts().certificates == 0);
    }
    SUBCASE("with a password only the certificate is stored") {
        smimekit::ImportOptions options;
        int asked = 0;
        options.password = [&](std::string_view) {
            ++asked;
            return std::optional(smimekit::Secret(std::string("test1234")));
        };
        const auto report = db.import(p12, options, fixture::now());
        CHECK(asked >= 1);
        CHECK(report.added == 1);
        CHECK(db.current_certificates() == std::vector{user("alice")});
    }
}

}  // TEST_SUITE("inventory")
