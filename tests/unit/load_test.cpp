// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/load.hpp: formats come from the bytes, every failure names the file.
#include <smimekit/load.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <fstream>

using smimekit::Errc;
using smimekit::FileFormat;

TEST_SUITE("load") {

TEST_CASE("detect_format recognises each kind from its bytes") {
    const std::vector<std::pair<std::string, FileFormat>> cases{
        {"users/alice.der", FileFormat::DerCertificate},
        {"users/alice.pem", FileFormat::PemCertificates},
        {"bundles/all-cas.pem", FileFormat::PemCertificates},
        {"bundles/chain.p7b", FileFormat::Pkcs7},
        {"bundles/ber-chain.p7b", FileFormat::Pkcs7},
        {"bundles/chain-pem.p7b", FileFormat::Pkcs7},
        {"p12/modern.p12", FileFormat::Pkcs12},
        {"p12/legacy.p12", FileFormat::Pkcs12},
        {"p12/nomac.p12", FileFormat::Pkcs12},
        {"sst/windows-crypt32-two-certs.sst", FileFormat::Sst},
        {"keys/alice.key", FileFormat::PrivateKey},
        {"keys/alice-enc.pkcs8.pem", FileFormat::PrivateKey},
        {"keys/alice.rsa-traditional.pem", FileFormat::PrivateKey},
        {"misc/not-a-cert.txt", FileFormat::Unknown},
        {"misc/random.bin", FileFormat::Unknown},
        {"misc/empty.bin", FileFormat::Unknown},
    };
    for (const auto& [name, format] : cases) {
        CAPTURE(name);
        CHECK(smimekit::detect_format(fixture::bytes(name)) == format);
    }
}

TEST_CASE("PKCS#7 bundles in DER, BER and PEM give their certificates") {
    for (const char* name : {"bundles/chain.p7b", "bundles/ber-chain.p7b", "bundles/chain-pem.p7b"}) {
        CAPTURE(name);
        const auto certificates = smimekit::load_certificates(fixture::path(name));
        REQUIRE(certificates.size() == 2);
        CHECK(certificates[0].subject().find("Intermediate RSA") != std::string::npos);
    }
}

TEST_CASE("a PEM file with a key and certificates gives both") {
    const fixture::TempDir dir;
    const std::string combined = fixture::text("keys/alice.key") + fixture::text("users/alice.pem");
    dir.write("both.pem", smimekit::as_bytes(combined));
    const auto file = smimekit::load_file(dir.file("both.pem"));
    CHECK(file.format == FileFormat::PemCertificates);
    CHECK(file.certificates.size() == 1);
    REQUIRE(file.keys.size() == 1);
    CHECK(file.keys[0].matches(file.certificates[0]));
}

TEST_CASE("unknown, damaged and missing inputs fail with a message naming the file") {
    const std::string unknown = fixture::path("misc/not-a-cert.txt");
    CHECK(fixture::message_of([&] { smimekit::load_file(unknown); }) ==
          "'" + unknown + "': not a certificate, key, PKCS#7, PKCS#12 or .sst file");
    for (const char* name : {"misc/random.bin", "misc/empty.bin", "misc/truncated-alice.der"}) {
        CAPTURE(name);
        const std::string path = fixture::path(name);
        CHECK(fixture::errc_of([&] { smimekit::load_file(path); }) == Errc::Malformed);
        CHECK(fixture::message_of([&] { smimekit::load_file(path); }).rfind("'" + path + "': ", 0) == 0);
    }
    CHECK(fixture::errc_of([] { smimekit::load_file(fixture::path("nothing-here.der")); }) ==
          Errc::NotFound);
    CHECK(fixture::errc_of([] { smimekit::load_file(fixture::path("users")); }) == Errc::Malformed);
}

TEST_CASE("every truncation of a DER certificate is refused, never a crash") {
    const smimekit::Bytes der = fixture::bytes("users/alice.der");
    for (std::size_t size = 0; size < der.size(); size += 37) {
        const smimekit::BytesView part(der.data(), size);
        CHECK(fixture::errc_of([&] { smimekit::load_bytes(part, "cut"); }) == Errc::Malformed);
    }
}

TEST_CASE("load_certificate wants exactly one certificate") {
    CHECK(smimekit::load_certificate(fixture::path("users/alice.pem")).common_name() == "Alice Example");
    CHECK(fixture::message_of([] { smimekit::load_certificate(fixture::path("bundles/chain.p7b")); })
              .find("expected one certificate, found 2") != std::string::npos);
}

}  // TEST_SUITE("load")
