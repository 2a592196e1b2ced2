// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/sst.hpp (format and reader rules: ../shared/reference/sst-format.md)
#include <smimekit/sst.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using smimekit::Bytes;
using smimekit::Certificate;
using smimekit::Errc;
using smimekit::SstStore;

namespace {

// ---- building stores by hand (sst-format.md section 3) --------------------------------------

void append_u32le(Bytes& out, std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

/// One element: {id, encoding, length, value} (section 3.2).
Bytes element(std::uint32_t id, const Bytes& value, std::uint32_t encoding = 1) {
    Bytes out;
    append_u32le(out, id);
    append_u32le(out, encoding);
    append_u32le(out, static_cast<std::uint32_t>(value.size()));
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

/// Section 3.1: version 0, then "CERT".
Bytes file_header() {
    return {0, 0, 0, 0, 'C', 'E', 'R', 'T'};
}

/// Section 3.4: 12 zero bytes.
Bytes end_marker() {
    // NOLINTNEXTLINE(modernize-return-braced-init-list): {12, 0} would be two bytes
    return Bytes(12, 0);
}

void append(Bytes& out, const Bytes& more) {
    out.insert(out.end(), more.begin(), more.end());
}

/// The file header, the elements in order, and the end marker.
Bytes store_of(const std::vector<Bytes>& elements, const Bytes& end = end_marker()) {
    Bytes out = file_header();
    for (const Bytes& e : elements) {
        append(out, e);
    }
    append(out, end);
    return out;
}

Bytes utf16le(std::u16string_view text) {
    Bytes out;
    for (const char16_t unit : text) {
        out.push_back(static_cast<std::uint8_t>(unit & 0xFFU));
        out.push_back(static_cast<std::uint8_t>(unit >> 8U));
    }
    return out;
}

/// decode_sst of certs-test/sst/<name>.
SstStore decode_fixture(std::string_view name) {
    return smimekit::decode_sst(fixture::bytes("sst/" + std::string(name)));
}

/// The certificates of a generated store that is known to be good.
std::vector<Certificate> chain() {
    return decode_fixture("generated/ok-chain-noprops.sst").certificate_list();
}

std::vector<std::string> thumbprints(const SstStore& store) {
    std::vector<std::string> result;
    for (const auto& entry : store.certificates) {
        result.push_back(entry.certificate.thumbprint());
    }
    return result;
}

bool has_warning(const SstStore& store, std::string_view text) {
    return std::any_of(store.warnings.begin(), store.warnings.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

std::string message_of_decode(const Bytes& bytes) {
    return fixture::message_of([&] { smimekit::decode_sst(bytes); });
}

// ---- certs-test/sst/generated/expected.txt --------------------------------------------------

struct ExpectedVerdict {
    std::string file;
    bool accept = false;
    std::size_t certificates = 0;  // for accepted stores
    std::string notes;
};

std::vector<ExpectedVerdict> read_expected() {
    std::vector<ExpectedVerdict> verdicts;
    std::istringstream text(fixture::text("sst/generated/expected.txt"));
    std::string line;
    while (std::getline(text, line)) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::istringstream fields(line);
        ExpectedVerdict verdict;
        std::string word;
        std::string count;
        fields >> verdict.file >> word >> count;
        REQUIRE_MESSAGE((word == "accept" || word == "refuse"), line);
        verdict.accept = word == "accept";
        if (verdict.accept) {
            verdict.certificates = std::stoul(count);
        }
        std::getline(fields >> std::ws, verdict.notes);
        verdicts.push_back(verdict);
    }
    return verdicts;
}

/// The "warn: <kind>" items of a note ("warn: a; warn: b").
std::vector<std::string> warning_kinds(const std::string& notes) {
    std::vector<std::string> kinds;
    std::istringstream items(notes);
    std::string item;
    while (std::getline(items >> std::ws, item, ';')) {
        if (item.starts_with("warn: ")) {
            kinds.push_back(item.substr(6));
        }
    }
    return kinds;
}

/// What our warning says for each kind of warning expected.txt names.
/// "" for a kind this test does not know yet (a new line in expected.txt).
std::string_view warning_text(std::string_view kind) {
    constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kTexts{{
        {"bytes after the end marker", "trailing bytes after the end marker"},
        {"duplicate certificate kept once", "is a duplicate of the certificate at offset"},
        {"property after the last certificate", "no following certificate"},
        {"properties without a certificate", "no following certificate"},
        {"SHA1_HASH property does not match", "SHA1_HASH property at offset"},
    }};
    for (const auto& [known, text] : kTexts) {
        if (known == kind) {
            return text;
        }
    }
    return {};
}

/// Refusals that are about the whole file (not a store at all), not about a position in it.
bool note_is_about_whole_file(const std::string& notes) {
    return notes.find("not a store") != std::string::npos || notes == "wrong file type" ||
           notes.starts_with("version field") || notes == "empty file";
}

// ---- thumbprints from the openssl CLI -------------------------------------------------------
// Computed once while writing this test, from the DER of each id-32 element (extracted with a
// few lines of Python walking the 12-byte headers):
//   openssl x509 -inform DER -in ELEMENT.der -noout -fingerprint -sha1      (colons removed)
constexpr std::string_view kGeneratedRoot = "6C8E71081B6793D887957F128D825D05AD3B7F92";
constexpr std::string_view kGeneratedInter = "500F128A357356B7F31642A038A049718F0A0E9E";
constexpr std::string_view kGeneratedLeaf = "C090C7B26306AD064E49F68AEE63A81D99EB5162";

}  // namespace

TEST_SUITE("sst") {

// ---- real stores written by Windows ---------------------------------------------------------

TEST_CASE("a certutil store decodes to 12 certificates, each with one matching SHA1_HASH") {
    // certutil -syncWithWU output (certs-test/sst/README.md)
    const SstStore store = decode_fixture("windows-certutil-pinrules.sst");
    REQUIRE(store.certificates.size() == 12);
    for (const auto& entry : store.certificates) {
        REQUIRE(entry.properties.size() == 1);
        CHECK(entry.properties[0].id == smimekit::sst_id::kSha1Hash);
        CHECK(entry.properties[0].value == entry.certificate.sha1());
    }
    CHECK(store.others.empty());
    CHECK(store.warnings.empty());
    // openssl x509 -inform DER -noout -fingerprint -sha1, per element, in file order.
    CHECK(thumbprints(store) == std::vector<std::string>{
                                    "F18B538D1BE903B6A6F056435B171589CAF36BF2",
                                    "E5958D48FE10D7340311E8C03BB22940DABA2DA3",
                                    "DE28F4A4FFE5B92FA3C503D1A349A7F9962A8212",
                                    "D4DE20D05E66FC53FE1A50882C78DB2852CAE474",
                                    "CDD4EEAE6000AC7F40C3802C171E30148030C072",
                                    "B1BC968BD4F49D622AA89A81F2150152A41D829C",
                                    "A1DB6393916F17E4185509400415C70240B0AE6B",
                                    "8F43288AD272F3103B6FB1428485EA3014C0BCFE",
                                    "8CF427FD790C3AD166068DE81E57EFBB932272D4",
                                    "5FB7EE0633E259DBAD0C4C9AE6D38F1A61C7DC25",
                                    "503006091D97D4F5AE39F7CBE7927D7D652D3431",
                                    "4EB6D578499B1CCF5F581EAD56BE3D9B6744A5E5"});
}

TEST_CASE("a crypt32 store decodes to MyName with KEY_PROV_INFO and a Microsoft certificate") {
    // CertSaveStore output from the .NET test suite (certs-test/sst/README.md)
    const SstStore store = decode_fixture("windows-crypt32-two-certs.sst");
    REQUIRE(store.certificates.size() == 2);
    const auto& my_name = store.certificates[0];
    CHECK(my_name.certificate.subject() == "CN=MyName");
    REQUIRE(my_name.properties.size() == 1);
    CHECK(my_name.properties[0].id == smimekit::sst_id::kKeyProvInfo);
    CHECK(smimekit::sst_property_name(my_name.properties[0].id) == "KEY_PROV_INFO");
    CHECK(my_name.properties[0].value.size() == 188);  // sst-format.md 3.6: kept opaque
    CHECK(my_name.properties[0].offset == 8);
    CHECK(my_name.offset == 8 + 12 + 188);
    CHECK_FALSE(my_name.friendly_name().has_value());

    const auto& microsoft = store.certificates[1];
    CHECK(microsoft.certificate.common_name() == "Microsoft Corporation");
    CHECK(microsoft.properties.empty());
    CHECK(store.warnings.empty());
    CHECK(thumbprints(store) == std::vector<std::string>{
                                    "71CB4E2B02738AD44F8B382C93BD17BA665F9914",
                                    "108E2BA23632620C427C570B6D9DB51AC31387FE"});
}

// ---- the generated stores: every verdict of expected.txt ------------------------------------

TEST_CASE("every generated store gets the verdict expected.txt gives it") {
    const std::vector<ExpectedVerdict> verdicts = read_expected();
    // expected.txt lists every store of the directory, and nothing else.
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(fixture::path("sst/generated"))) {
        if (entry.path().extension() == ".sst") {
            ++files;
        }
    }
    CHECK(verdicts.size() == files);
    CHECK(verdicts.size() == 39);

    for (const ExpectedVerdict& expected : verdicts) {
        INFO(expected.file, " (", expected.notes, ")");
        const Bytes bytes = fixture::bytes("sst/generated/" + expected.file);
        if (expected.accept) {
            SstStore store;
            CHECK_NOTHROW(store = smimekit::decode_sst(bytes));
            CHECK(store.certificates.size() == expected.certificates);
            const std::vector<std::string> kinds = warning_kinds(expected.notes);
            for (const std::string& kind : kinds) {
                const std::string_view text = warning_text(kind);
                REQUIRE_MESSAGE(!text.empty(), "no warning text known for: ", kind);
                CHECK_MESSAGE(has_warning(store, text), "missing warning: ", kind);
            }
            if (kinds.empty()) {
                CHECK(store.warnings.empty());
            }
            for (const std::string& warning : store.warnings) {
                CHECK(warning.find("offset") != std::string::npos);
            }
        } else {
            CHECK(fixture::errc_of([&] { smimekit::decode_sst(bytes); }) == Errc::Malformed);
            const std::string message = message_of_decode(bytes);
            INFO("message: ", message);
            if (!note_is_about_whole_file(expected.notes)) {
                CHECK(message.find("offset") != std::string::npos);
            }
            if (expected.notes.find("DER certificate, not a store") != std::string::npos) {
                CHECK(message.find("a DER certificate") != std::string::npos);
            }
            if (expected.notes.find("PEM file, not a store") != std::string::npos) {
                CHECK(message.find("a PEM file") != std::string::npos);
            }
            if (expected.notes.find("index") != std::string::npos) {
                CHECK(message.find("certificate 2 at offset") != std::string::npos);
            }
            if (expected.notes.starts_with("no end marker")) {
                CHECK(message.find("no end marker (truncated?)") != std::string::npos);
            }
        }
    }
}

TEST_CASE("the generated stores hold the certificates openssl fingerprints") {
    const std::map<std::string, std::vector<std::string_view>> expected{
        {"ok-chain-friendly-sha1.sst", {kGeneratedRoot, kGeneratedInter}},
        {"ok-chain-noprops.sst", {kGeneratedRoot, kGeneratedInter}},
        {"ok-chain-plus-crl.sst", {kGeneratedRoot, kGeneratedInter}},
        {"ok-chain-sha1-md5.sst", {kGeneratedRoot, kGeneratedInter}},
        {"ok-chain-sha1.sst", {kGeneratedRoot, kGeneratedInter}},
        {"ok-one-cert.sst", {kGeneratedRoot}},
        {"ok-three-certs-with-leaf.sst", {kGeneratedRoot, kGeneratedInter, kGeneratedLeaf}},
        {"ok-zero-certs.sst", {}},
    };
    for (const auto& entry : expected) {
        const std::string& file = entry.first;
        INFO(file);
        const SstStore store = decode_fixture("generated/" + file);
        CHECK(thumbprints(store) ==
              std::vector<std::string>(entry.second.begin(), entry.second.end()));
    }
}

// ---- decode: details ------------------------------------------------------------------------

TEST_CASE("decode names the offset and the certificate in its refusals") {
    const auto message = [](std::string_view file) {
        return message_of_decode(fixture::bytes("sst/generated/" + std::string(file)));
    };
    CHECK(message("bad-truncated-mid-end-marker.sst") == "truncated element header at offset 1833");
    CHECK(message("bad-truncated-mid-header.sst") == "truncated element header at offset 915");
    CHECK(message("bad-length-overflow.sst") ==
          "element at offset 8 declares 2147483632 bytes but only 907 remain");
    CHECK(message("bad-second-cert-not-der.sst")
              .starts_with("certificate 2 at offset 915 is not valid DER: "));
    CHECK(message("bad-cert-not-der.sst")
              .starts_with("certificate 1 at offset 8 is not valid DER: "));
    CHECK(message("bad-encoding-type-0.sst") == "encoding type 0 at offset 8 (id 32); expected 1");
    CHECK(message("bad-encoding-type-2.sst") == "encoding type 2 at offset 8 (id 32); expected 1");
    CHECK(message("bad-prop-encoding-type-0.sst") ==
          "encoding type 0 at offset 8 (id 3); expected 1");
    CHECK(message("bad-zero-length-cert.sst") ==
          "certificate 1 at offset 8 is empty (a zero-length element)");
    CHECK(message("bad-version-1.sst") ==
          "version field is 1, expected 0 (not a serialized certificate store?)");
    CHECK(message("bad-magic.sst") == "file type at offset 4 is 0x58524543, expected 0x54524543 "
                                      "(\"CERT\") (not a serialized certificate store?)");
    CHECK(message("bad-header-truncated.sst") ==
          "truncated file header at offset 0: 5 bytes, a store starts with 8");
    CHECK(message("edge-no-end-marker.sst") ==
          "no end marker (truncated?): the file ends at offset 1833");
    CHECK(message("edge-zero-length-file.sst") == "empty file");
}

TEST_CASE("decode says what a file is when it is not a store") {
    CHECK(message_of_decode(fixture::bytes("ca/root-rsa.der")) ==
          "a DER certificate or other DER object, not a serialized certificate store");
    CHECK(message_of_decode(fixture::bytes("bundles/chain.p7b")) ==
          "a DER certificate or other DER object, not a serialized certificate store");
    CHECK(message_of_decode(fixture::bytes("ca/root-rsa.pem")) ==
          "a PEM file, not a serialized certificate store");
    // sst-format.md 3.7: a serialized certificate is one group without header and end marker.
    const Bytes serialized_cert = element(smimekit::sst_id::kCertificate, chain()[0].der());
    CHECK(message_of_decode(serialized_cert) ==
          "a serialized certificate (one element), not a store");
    Bytes with_property = element(smimekit::sst_id::kSha1Hash, chain()[0].sha1());
    append(with_property, serialized_cert);
    CHECK(message_of_decode(with_property) ==
          "a serialized certificate (one element), not a store");
    CHECK(fixture::errc_of([] { smimekit::decode_sst(Bytes{}); }) == Errc::Malformed);
}

TEST_CASE("decode attaches properties to the certificate that follows them") {
    SUBCASE("a property between two certificates belongs to the second") {
        const SstStore store = decode_fixture("generated/edge-prop-on-second-cert-only.sst");
        REQUIRE(store.certificates.size() == 2);
        CHECK(store.certificates[0].properties.empty());
        REQUIRE(store.certificates[1].properties.size() == 1);
        CHECK(store.certificates[1].friendly_name().has_value());
    }
    SUBCASE("friendly names and SHA1_HASH, in file order") {
        const SstStore store = decode_fixture("generated/ok-chain-friendly-sha1.sst");
        REQUIRE(store.certificates.size() == 2);
        CHECK(store.certificates[0].friendly_name() == "smimekit Test Root CA");
        CHECK(store.certificates[1].friendly_name() == "smimekit Test Intermediate CA");
        const auto& properties = store.certificates[0].properties;
        REQUIRE(properties.size() == 2);
        CHECK(properties[0].id == smimekit::sst_id::kFriendlyName);
        CHECK(properties[0].offset == 8);
        CHECK(properties[1].id == smimekit::sst_id::kSha1Hash);
        CHECK(properties[1].offset == 8 + 12 + 44);
        CHECK(store.certificates[0].offset == 8 + 12 + 44 + 12 + 20);
    }
    SUBCASE("unknown and user-defined ids are kept opaque") {
        const SstStore store = decode_fixture("generated/edge-user-prop-0x8000.sst");
        REQUIRE(store.certificates.size() == 1);
        const auto& properties = store.certificates[0].properties;
        REQUIRE_FALSE(properties.empty());
        CHECK(properties[0].id == 0x8000);
        CHECK(properties[0].value == smimekit::to_bytes("hello"));
        CHECK(smimekit::sst_property_name(0x8000) == "unknown");
    }
    SUBCASE("an empty property value is kept, and reads as an empty friendly name") {
        const SstStore store = decode_fixture("generated/edge-empty-prop-value.sst");
        REQUIRE(store.certificates.size() == 1);
        CHECK(store.certificates[0].friendly_name() == "");
    }
}

TEST_CASE("decode keeps CRL and CTL elements, with their properties, in others") {
    const SstStore crl_store = decode_fixture("generated/ok-chain-plus-crl.sst");
    REQUIRE(crl_store.others.size() == 1);
    CHECK(crl_store.others[0].id == smimekit::sst_id::kCrl);
    CHECK(crl_store.others[0].der.at(0) == 0x30);
    CHECK(crl_store.certificates.size() == 2);

    const Bytes ctl{0x30, 0x03, 0x02, 0x01, 0x01};  // not interpreted, so any bytes do
    const SstStore store = smimekit::decode_sst(
        store_of({element(smimekit::sst_id::kFriendlyName, utf16le(u"list")), element(34, ctl)}));
    REQUIRE(store.others.size() == 1);
    CHECK(store.others[0].id == smimekit::sst_id::kCtl);
    CHECK(store.others[0].der == ctl);
    CHECK(store.others[0].offset == 8 + 12 + 8);
    REQUIRE(store.others[0].properties.size() == 1);
    CHECK(store.warnings.empty());

    CHECK(message_of_decode(store_of({element(33, {})})) ==
          "CRL element at offset 8 is empty (a zero-length element)");
}

TEST_CASE("decode warns about tolerated oddities and names their offsets") {
    const Certificate root = chain()[0];
    const Bytes cert = element(smimekit::sst_id::kCertificate, root.der());
    const std::size_t end_offset = 8 + cert.size();

    SUBCASE("bytes after the end marker") {
        Bytes bytes = store_of({cert});
        bytes.insert(bytes.end(), 4, 0xAA);
        const SstStore store = smimekit::decode_sst(bytes);
        CHECK(store.certificates.size() == 1);
        CHECK(store.warnings == std::vector<std::string>{
                                    "4 trailing bytes after the end marker at offset " +
                                    std::to_string(end_offset) + " ignored"});
    }
    SUBCASE("an end marker with nonzero encoding type or length") {
        Bytes marker;
        append_u32le(marker, 0);
        append_u32le(marker, 1);
        append_u32le(marker, 7);
        const SstStore store = smimekit::decode_sst(store_of({cert}, marker));
        CHECK(store.certificates.size() == 1);
        CHECK(store.warnings == std::vector<std::string>{
                                    "end marker at offset " + std::to_string(end_offset) +
                                    " has encoding type 1 and length 7, expected 0 and 0"});
    }
    SUBCASE("properties with no following certificate") {
        const SstStore store = smimekit::decode_sst(
            store_of({cert, element(11, utf16le(u"x")), element(0x8000, {1})}));
        CHECK(store.certificates.size() == 1);
        CHECK(store.certificates[0].properties.empty());
        CHECK(store.warnings == std::vector<std::string>{
                                    "2 properties from offset " + std::to_string(end_offset) +
                                    " have no following certificate; ignored"});
        const SstStore one = smimekit::decode_sst(store_of({cert, element(0x8000, {1})}));
        CHECK(one.warnings == std::vector<std::string>{
                                  "1 property at offset " + std::to_string(end_offset) +
                                  " has no following certificate; ignored"});
    }
    SUBCASE("a duplicate certificate is kept once, the first one") {
        const SstStore store = smimekit::decode_sst(
            store_of({cert, element(11, utf16le(u"again")), cert, element(11, {})}));
        REQUIRE(store.certificates.size() == 1);
        CHECK(store.certificates[0].properties.empty());
        CHECK(store.certificates[0].offset == 8);
        REQUIRE(store.warnings.size() == 2);
        CHECK(store.warnings[0] == "certificate 2 at offset " +
                                       std::to_string(end_offset + 12 + 10) +
                                       " is a duplicate of the certificate at offset 8 (SHA-1 " +
                                       root.thumbprint() + "); kept once, its properties dropped");
    }
    SUBCASE("a SHA1_HASH property that does not match is reported and kept as read") {
        const Bytes wrong(20, 0x11);
        const SstStore store = smimekit::decode_sst(store_of({element(3, wrong), cert}));
        REQUIRE(store.certificates.size() == 1);
        CHECK(store.certificates[0].properties.at(0).value == wrong);
        CHECK(store.certificates[0].certificate.sha1() == root.sha1());
        CHECK(store.warnings == std::vector<std::string>{
                                    "certificate 1 at offset 40: SHA1_HASH property at offset 8 "
                                    "does not match the computed SHA-1 " +
                                    root.thumbprint() + " (kept as read)"});
    }
}

TEST_CASE("friendly_name decodes UTF-16LE up to the terminating NUL") {
    const Bytes cert = element(smimekit::sst_id::kCertificate, chain()[0].der());
    const auto name_of = [&](const Bytes& value) {
        return smimekit::decode_sst(store_of({element(11, value), cert}))
            .certificates.at(0)
            .friendly_name();
    };
    const auto with_nul = [](Bytes text) {
        append(text, Bytes{0, 0});
        return text;
    };
    // "Jörg € 😀" (the emoji is a surrogate pair), as UTF-8 bytes.
    CHECK(name_of(with_nul(utf16le(u"J\u00F6rg \u20AC \U0001F600"))) ==
          "J\xC3\xB6rg \xE2\x82\xAC \xF0\x9F\x98\x80");
    CHECK(name_of(utf16le(u"no terminator")) == "no terminator");
    CHECK(name_of(utf16le(std::u16string_view(u"cut\0after", 9))) == "cut");
    CHECK(name_of(Bytes{'A', 0, 0x00, 0xD8, 'B', 0}) == "A\xEF\xBF\xBD" "B");  // lone surrogate
    CHECK(name_of(Bytes{'A', 0, 'B'}) == "A\xEF\xBF\xBD");                      // odd length
}

// ---- encode ---------------------------------------------------------------------------------

TEST_CASE("encode writes ok-chain-noprops byte for byte (sst-format.md 3.8)") {
    const Bytes canonical = fixture::bytes("sst/generated/ok-chain-noprops.sst");
    CHECK(smimekit::encode_sst(chain()) == canonical);
    CHECK(canonical.size() == 1845);  // 8 + (12 + 895) + (12 + 906) + 12
}

TEST_CASE("encode writes a FRIENDLY_NAME before each certificate when asked (3.8)") {
    const std::vector<Certificate> certs = chain();
    const Bytes bytes = smimekit::encode_sst(certs, {.friendly_names = true});
    // 0b000000 01000000 2c000000 7300 6d00 ...: id 11, 44 bytes of UTF-16LE with the NUL.
    const Bytes start{0, 0, 0, 0, 'C', 'E', 'R', 'T', 0x0b, 0, 0, 0, 1, 0, 0, 0, 0x2c, 0, 0, 0,
                      's', 0, 'm', 0};
    CHECK(std::equal(start.begin(), start.end(), bytes.begin()));

    // The names are the very values certs-test's ok-chain-friendly-sha1.sst carries; our file is
    // that one without its SHA1_HASH properties.
    const SstStore ours = smimekit::decode_sst(bytes);
    const SstStore reference = decode_fixture("generated/ok-chain-friendly-sha1.sst");
    REQUIRE(ours.certificates.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        REQUIRE(ours.certificates[i].properties.size() == 1);
        CHECK(ours.certificates[i].properties[0].value ==
              reference.certificates[i].properties[0].value);
    }
    CHECK(ours.certificates[0].friendly_name() == "smimekit Test Root CA");
    CHECK(bytes.size() == 1845 + (12 + 44) + (12 + 60));
    CHECK(ours.warnings.empty());
}

TEST_CASE("encode names a certificate without a common name by its subject") {
    // pinrules has one: "C=US,O=VeriSign, Inc.,OU=Class 3 Public Primary Certification Authority"
    const std::vector<Certificate> certs =
        decode_fixture("windows-certutil-pinrules.sst").certificate_list();
    const auto found = std::find_if(certs.begin(), certs.end(),
                                    [](const Certificate& c) { return c.common_name().empty(); });
    REQUIRE(found != certs.end());
    const Certificate& no_cn = *found;
    CHECK(no_cn.subject().find("OU=Class 3 Public Primary") != std::string::npos);
    const SstStore store = smimekit::decode_sst(smimekit::encode_sst({no_cn}, {true}));
    CHECK(store.certificates.at(0).friendly_name() == no_cn.subject());
}

TEST_CASE("decode(encode(certs)) gives back the same certificates in the same order") {
    const std::vector<Certificate> certs =
        decode_fixture("windows-certutil-pinrules.sst").certificate_list();
    for (const bool friendly_names : {false, true}) {
        CAPTURE(friendly_names);
        const SstStore store =
            smimekit::decode_sst(smimekit::encode_sst(certs, {.friendly_names = friendly_names}));
        CHECK(store.certificate_list() == certs);
        CHECK(store.warnings.empty());
        CHECK(store.others.empty());
        for (std::size_t i = 0; i < certs.size(); ++i) {
            const auto& entry = store.certificates[i];
            if (friendly_names) {
                REQUIRE(entry.properties.size() == 1);
                CHECK(entry.friendly_name() == (certs[i].common_name().empty()
                                                    ? certs[i].subject()
                                                    : certs[i].common_name()));
            } else {
                CHECK(entry.properties.empty());
            }
        }
    }
}

TEST_CASE("encode drops duplicates by SHA-1, keeping the first and the order") {
    const std::vector<Certificate> certs = chain();
    const Certificate& root = certs[0];
    const Certificate& inter = certs[1];
    // A certificate parsed again is a distinct object with the same DER.
    const Certificate root_again = Certificate::from_der(root.der());
    const Bytes bytes = smimekit::encode_sst({inter, root, inter, root_again, root});
    CHECK(bytes == smimekit::encode_sst({inter, root}));
    CHECK(smimekit::decode_sst(bytes).certificate_list() == std::vector<Certificate>{inter, root});
}

TEST_CASE("encode writes zero and one certificate") {
    SUBCASE("zero: the header and the end marker") {
        const Bytes bytes = smimekit::encode_sst({});
        CHECK(bytes == store_of({}));
        CHECK(bytes == fixture::bytes("sst/generated/ok-zero-certs.sst"));
        const SstStore store = smimekit::decode_sst(bytes);
        CHECK(store.certificates.empty());
        CHECK(store.warnings.empty());
        CHECK(smimekit::encode_sst({}, {.friendly_names = true}) == bytes);
    }
    SUBCASE("one") {
        const Certificate root = chain()[0];
        const Bytes bytes = smimekit::encode_sst({root});
        CHECK(bytes == store_of({element(smimekit::sst_id::kCertificate, root.der())}));
        CHECK(smimekit::decode_sst(bytes).certificate_list() == std::vector<Certificate>{root});
    }
}

// ---- small functions ------------------------------------------------------------------------

TEST_CASE("sst_property_name knows the wincrypt.h ids of sst-format.md 3.5") {
    const std::vector<std::pair<std::uint32_t, std::string_view>> names{
        {2, "KEY_PROV_INFO"},
        {3, "SHA1_HASH"},
        {4, "MD5_HASH"},
        {9, "ENHKEY_USAGE"},
        {11, "FRIENDLY_NAME"},
        {13, "DESCRIPTION"},
        {15, "SIGNATURE_HASH"},
        {20, "KEY_IDENTIFIER"},
        {24, "ISSUER_PUBLIC_KEY_MD5_HASH"},
        {25, "SUBJECT_PUBLIC_KEY_MD5_HASH"},
        {29, "SUBJECT_NAME_MD5_HASH"},
        {32, "CERT"},
        {33, "CRL"},
        {34, "CTL"},
        {83, "ROOT_PROGRAM_CERT_POLICIES"},
        {98, "AUTH_ROOT_SHA256_HASH"},
        {104, "DISALLOWED_FILETIME"},
        {105, "ROOT_PROGRAM_CHAIN_POLICIES"},
        {122, "DISALLOWED_ENHKEY_USAGE"},
        {126, "NOT_BEFORE_FILETIME"},
        {127, "NOT_BEFORE_ENHKEY_USAGE"},
    };
    for (const auto& entry : names) {
        const std::uint32_t id = entry.first;
        CAPTURE(id);
        CHECK(smimekit::sst_property_name(id) == entry.second);
    }
    for (const std::uint32_t id : {0U, 31U, 35U, 88U, 128U, 0x8000U, 0xFFFFFFFFU}) {
        CAPTURE(id);
        CHECK(smimekit::sst_property_name(id) == "unknown");
    }
}

TEST_CASE("looks_like_sst checks the 8-byte header, not more") {
    CHECK(smimekit::looks_like_sst(fixture::bytes("sst/windows-certutil-pinrules.sst")));
    CHECK(smimekit::looks_like_sst(file_header()));
    Bytes short_header = file_header();
    short_header.pop_back();
    CHECK_FALSE(smimekit::looks_like_sst(short_header));
    CHECK_FALSE(smimekit::looks_like_sst(fixture::bytes("sst/generated/bad-magic.sst")));
    CHECK_FALSE(smimekit::looks_like_sst(fixture::bytes("sst/generated/bad-version-1.sst")));
    CHECK_FALSE(smimekit::looks_like_sst(Bytes{}));
}

// ---- hostile input --------------------------------------------------------------------------

TEST_CASE("decode refuses a length of 0xFFFFFFFF before allocating") {
    Bytes header;
    append_u32le(header, smimekit::sst_id::kCertificate);
    append_u32le(header, 1);
    append_u32le(header, 0xFFFFFFFFU);
    Bytes bytes = file_header();
    append(bytes, header);
    bytes.insert(bytes.end(), 30, 0);
    CHECK(message_of_decode(bytes) ==
          "element at offset 8 declares 4294967295 bytes but only 30 remain");
    header[0] = 0x80;  // a property: same check
    std::copy(header.begin(), header.end(), bytes.begin() + 8);
    CHECK(message_of_decode(bytes) ==
          "element at offset 8 declares 4294967295 bytes but only 30 remain");
}

TEST_CASE("decode refuses a store larger than 64 MiB (sst-format.md section 7, sanity limits)") {
    Bytes bytes = file_header();
    bytes.resize(std::size_t{64} * 1024 * 1024 + 1);
    CHECK(message_of_decode(bytes) == "a store of 67108865 bytes is larger than the 64 MiB limit");
    // Exactly 64 MiB is read: an end marker at offset 8, then zeros.
    bytes.resize(bytes.size() - 1);
    const SstStore store = smimekit::decode_sst(bytes);
    CHECK(store.certificates.empty());
    CHECK(store.warnings.size() == 1);
}

TEST_CASE("decode reads a million tiny properties in linear time") {
    constexpr std::size_t kCount = 1'000'000;
    Bytes bytes = file_header();
    bytes.reserve(8 + kCount * 13 + 2000);
    const Bytes tiny = element(0x8000, {0x42});
    for (std::size_t i = 0; i < kCount; ++i) {
        append(bytes, tiny);
    }
    const Bytes cert = element(smimekit::sst_id::kCertificate, chain()[0].der());
    append(bytes, cert);
    append(bytes, end_marker());

    const auto start = std::chrono::steady_clock::now();
    const SstStore store = smimekit::decode_sst(bytes);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE(store.certificates.size() == 1);
    CHECK(store.certificates[0].properties.size() == kCount);
    CHECK(store.certificates[0].properties.back().offset == 8 + (kCount - 1) * 13);
    CHECK(store.warnings.empty());
    // About 0.1 s in a normal build; anything quadratic would take hours. The bound is loose so
    // that valgrind and sanitizer builds pass too.
    CHECK(elapsed < std::chrono::seconds(30));
}

TEST_CASE("decode never crashes on random bytes: it succeeds or throws Malformed") {
    // A fixed seed: the same buffers on every run, so that a failure can be reproduced.
    std::mt19937 random(20240601);  // NOLINT(cert-msc32-c,cert-msc51-cpp)
    const auto byte = [&random] { return static_cast<std::uint8_t>(random() & 0xFFU); };
    const Bytes good = fixture::bytes("sst/generated/ok-chain-friendly-sha1.sst");
    const Bytes root_der = chain()[0].der();

    std::vector<Bytes> inputs;
    // 1. random bytes, some behind a valid header
    for (int i = 0; i < 200; ++i) {
        Bytes bytes = i % 2 == 0 ? file_header() : Bytes{};
        const std::size_t size = random() % 300;
        for (std::size_t k = 0; k < size; ++k) {
            bytes.push_back(byte());
        }
        inputs.push_back(bytes);
    }
    // 2. plausible element sequences with random ids, encodings and lengths
    for (int i = 0; i < 150; ++i) {
        Bytes bytes = file_header();
        const std::size_t count = random() % 6;
        for (std::size_t k = 0; k < count; ++k) {
            constexpr std::array<std::uint32_t, 8> kIds{0, 2, 3, 11, 32, 32, 33, 0x8000};
            const std::uint32_t id = kIds.at(random() % kIds.size());
            Bytes value(random() % 40);
            std::generate(value.begin(), value.end(), byte);
            if (id == 32 && random() % 2 == 0) {
                value = root_der;
            }
            Bytes e = element(id, value, random() % 8 == 0 ? 2 : 1);
            if (random() % 10 == 0) {
                e[8 + random() % 4] = byte();  // a damaged length
            }
            append(bytes, e);
        }
        if (random() % 3 != 0) {
            append(bytes, end_marker());
        }
        inputs.push_back(bytes);
    }
    // 3. a good store with a few bytes flipped, or cut short
    for (int i = 0; i < 150; ++i) {
        Bytes bytes = good;
        for (int k = 0; k < 1 + i % 4; ++k) {
            bytes[random() % bytes.size()] = byte();
        }
        if (i % 5 == 0) {
            bytes.resize(random() % bytes.size());
        }
        inputs.push_back(bytes);
    }

    std::size_t accepted = 0;
    for (const Bytes& bytes : inputs) {
        try {
            const SstStore store = smimekit::decode_sst(bytes);
            ++accepted;
            CHECK(store.certificates.size() <= bytes.size() / 12);
        } catch (const smimekit::Error& error) {
            CHECK_MESSAGE(error.code() == Errc::Malformed, error.what());
        }
    }
    CHECK(inputs.size() == 500);
    MESSAGE(accepted, " of ", inputs.size(), " random inputs decoded");
}

}  // TEST_SUITE("sst")
