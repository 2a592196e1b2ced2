// SPDX-License-Identifier: Apache-2.0
// tests/unit/pkcs12_write_test.cpp: write_pkcs12 in smimekit/pkcs12.hpp. The oracle is the
// reader (read_pkcs12), whose protection details are checked against `openssl pkcs12 -info`
// in pkcs12_test.cpp; the peers themselves (openssl, NSS, gpgsm) open the written files in
// tests/interop/p12_peers.sh.
#include <smimekit/pkcs12.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace {

using smimekit::Bytes;
using smimekit::Certificate;
using smimekit::Errc;
using smimekit::Pkcs12Contents;
using smimekit::Pkcs12Encryption;
using smimekit::Pkcs12Profile;
using smimekit::Pkcs12WriteRequest;
using smimekit::PrivateKey;
using smimekit::Secret;

Certificate certificate(std::string_view name) {
    return Certificate::from_der(fixture::bytes(name));
}

PrivateKey key(std::string_view name) {
    return PrivateKey::from_pem(fixture::text(name), name, {});
}

Pkcs12WriteRequest alice_request(Pkcs12Profile profile) {
    Pkcs12WriteRequest request;
    request.key = key("keys/alice.key");
    request.certificate = certificate("users/alice.der");
    request.chain = {certificate("ca/inter-rsa.der"), certificate("ca/root-rsa.der")};
    request.friendly_name = "Alice Example";
    request.profile = profile;
    return request;
}

const std::string kPassword = "n3w-Passw0rd";

Pkcs12Contents read_back(const Bytes& der, const std::string& password = kPassword) {
    return smimekit::read_pkcs12(der, "new.p12", [password](std::string_view) {
        return std::optional<Secret>(Secret(password));
    });
}

Bytes write(const Pkcs12WriteRequest& request) {
    return smimekit::write_pkcs12(request, Secret(kPassword));
}

struct Expected {
    Pkcs12Profile profile;
    Pkcs12Encryption certificates;
    Pkcs12Encryption key;
    std::string mac;
    bool gpgsm;
    bool openssl_without_legacy;
    bool server_2016;
};

// The same fields and spellings as `openssl pkcs12 -info` shows for certs-test/p12/modern.p12,
// compat.p12 and legacy.p12 (pkcs12_test.cpp), which the profiles reproduce.
const Pkcs12Encryption kAes256{"PBES2", "PBES2", "AES-256-CBC", "PBKDF2", "HMAC-SHA256", 2048};
const Pkcs12Encryption k3Des{
    "PKCS#12 PBE", "pbeWithSHA1And3-KeyTripleDES-CBC", "3DES-CBC", "PKCS#12 KDF", "SHA1", 2048};
const Pkcs12Encryption kRc2_40{
    "PKCS#12 PBE", "pbeWithSHA1And40BitRC2-CBC", "RC2-40-CBC", "PKCS#12 KDF", "SHA1", 2048};

void check_encryption(const std::vector<Pkcs12Encryption>& actual,
                      const Pkcs12Encryption& expected) {
    REQUIRE(actual.size() == 1);
    CHECK(actual[0].scheme == expected.scheme);
    CHECK(actual[0].algorithm == expected.algorithm);
    CHECK(actual[0].cipher == expected.cipher);
    CHECK(actual[0].kdf == expected.kdf);
    CHECK(actual[0].prf == expected.prf);
    CHECK(actual[0].iterations == expected.iterations);
}

bool can_import(const smimekit::Pkcs12Info& info, std::string_view platform) {
    const auto it = std::find_if(info.platforms.begin(), info.platforms.end(),
                                 [&](const auto& p) { return p.platform == platform; });
    REQUIRE(it != info.platforms.end());
    return it->can_import;
}

}  // namespace

TEST_SUITE("pkcs12") {

TEST_CASE("each profile writes the protection it promises, and the reader predicts its platforms") {
    for (const Expected& expected : {
             Expected{Pkcs12Profile::Modern, kAes256, kAes256, "SHA256", false, true, false},
             Expected{Pkcs12Profile::Compat, k3Des, k3Des, "SHA1", true, true, true},
             Expected{Pkcs12Profile::Legacy, kRc2_40, k3Des, "SHA1", true, false, true},
         }) {
        CAPTURE(smimekit::profile_name(expected.profile));
        const Pkcs12Contents read = read_back(write(alice_request(expected.profile)));
        check_encryption(read.info.certificate_encryption, expected.certificates);
        check_encryption(read.info.key_encryption, expected.key);
        REQUIRE(read.info.mac.has_value());
        CHECK(read.info.mac->algorithm == expected.mac);
        CHECK(read.info.mac->iterations == 2048);
        CHECK(read.info.mac->salt_length == 8);
        CHECK(read.info.password == smimekit::Pkcs12PasswordKind::Given);
        CHECK(can_import(read.info, "gpgsm 2.2") == expected.gpgsm);
        CHECK(can_import(read.info, "OpenSSL 3 (no -legacy)") == expected.openssl_without_legacy);
        CHECK(can_import(read.info, "Windows Server 2016 and older") == expected.server_2016);
        CHECK(can_import(read.info, "NSS"));
        CHECK(can_import(read.info, "Windows 10 1709+ / Server 2019+"));
    }
}

TEST_CASE("key, certificate, chain order and friendly name survive a round trip") {
    const Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Compat);
    const Pkcs12Contents read = read_back(write(request));
    REQUIRE(read.key.has_value());
    CHECK(read.key->public_key_der() == request.key->public_key_der());
    CHECK(read.key->was_encrypted());
    REQUIRE(read.key_certificate.has_value());
    CHECK(*read.key_certificate == *request.certificate);
    CHECK(read.chain == request.chain);
    // Bag order: the key's certificate first, then the chain (Windows shows the first one).
    CHECK(read.certificates.front() == *request.certificate);
    CHECK(read.info.key_matches_certificate);
    CHECK(read.info.friendly_names == std::vector<std::string>{"Alice Example"});
}

TEST_CASE("a non-ASCII friendly name and password round-trip as UTF-8") {
    Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Modern);
    request.friendly_name = "Zoë Ärger €";
    const std::string password = "pässwörd€";
    const Bytes der = smimekit::write_pkcs12(request, Secret(password));
    CHECK(read_back(der, password).info.friendly_names ==
          std::vector<std::string>{"Zoë Ärger €"});
    CHECK(fixture::errc_of([&] { read_back(der, "p?ssw?rd?"); }) == Errc::BadPassword);
}

TEST_CASE("without a friendly name no friendlyName attribute is written") {
    Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Modern);
    request.friendly_name.clear();
    CHECK(read_back(write(request)).info.friendly_names.empty());
}

TEST_CASE("certificates without a key, and a key without a certificate, are written") {
    SUBCASE("certificates only") {
        Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Legacy);
        request.key.reset();
        const Pkcs12Contents read = read_back(write(request));
        CHECK_FALSE(read.info.has_key);
        CHECK(read.info.key_encryption.empty());
        CHECK(read.certificates.size() == 3);
    }
    SUBCASE("a key only") {
        Pkcs12WriteRequest request;
        request.key = key("keys/bob-ec.key");
        const Pkcs12Contents read = read_back(write(request));
        REQUIRE(read.key.has_value());
        CHECK(read.key->public_key().algorithm == smimekit::KeyAlgorithm::Ec);
        CHECK(read.certificates.empty());
    }
}

TEST_CASE("the file opens only with its password and holds no clear-text key") {
    const Bytes der = write(alice_request(Pkcs12Profile::Modern));
    CHECK(fixture::errc_of([&] { read_back(der, "test1234"); }) == Errc::BadPassword);
    // The tail of alice's PKCS#8 DER is her CRT coefficient: private, so never in the output.
    std::string pem = fixture::text("keys/alice.key");
    const auto begin = pem.find('\n') + 1;
    const auto end = pem.find("-----END");
    pem = pem.substr(begin, end - begin);
    pem.erase(std::remove(pem.begin(), pem.end(), '\n'), pem.end());
    const Bytes pkcs8 = smimekit::base64_decode(pem);
    REQUIRE(pkcs8.size() > 1000);
    const Bytes secret_part(pkcs8.end() - 64, pkcs8.end());
    CHECK(std::search(der.begin(), der.end(), secret_part.begin(), secret_part.end()) == der.end());
}

TEST_CASE("two files of the same request differ: salts are random") {
    const Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Compat);
    CHECK(write(request) != write(request));
}

TEST_CASE("a key that does not belong to the certificate is Errc::KeyMismatch") {
    Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Modern);
    request.key = key("keys/carol-rsa3072.key");
    CHECK(fixture::errc_of([&] { write(request); }) == Errc::KeyMismatch);
    CHECK(fixture::message_of([&] { write(request); }) ==
          "the key does not belong to the certificate");
}

TEST_CASE("an empty password or an empty request is Errc::InvalidArgument") {
    const Pkcs12WriteRequest request = alice_request(Pkcs12Profile::Modern);
    CHECK(fixture::errc_of([&] { smimekit::write_pkcs12(request, Secret("")); }) ==
          Errc::InvalidArgument);
    CHECK(fixture::errc_of([&] { write(Pkcs12WriteRequest{}); }) == Errc::InvalidArgument);
}

TEST_CASE("profile names convert both ways") {
    for (const Pkcs12Profile profile :
         {Pkcs12Profile::Modern, Pkcs12Profile::Compat, Pkcs12Profile::Legacy}) {
        CHECK(smimekit::profile_from_name(smimekit::profile_name(profile)) == profile);
    }
    CHECK(smimekit::profile_name(Pkcs12Profile::Compat) == "compat");
    CHECK_FALSE(smimekit::profile_from_name("Modern").has_value());
}

}  // TEST_SUITE("pkcs12")
