// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/certificate.hpp. Expected values come from the openssl CLI:
//   openssl x509 -in certs-test/users/alice.pem -noout -subject -issuer -serial -fingerprint
//       -sha1 -nameopt RFC2253,-esc_msb -ext subjectKeyIdentifier,authorityKeyIdentifier
#include <smimekit/certificate.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

using smimekit::Certificate;
using smimekit::Errc;

namespace {
Certificate cert(std::string_view name) {
    return Certificate::from_der(fixture::bytes(name));
}
}  // namespace

TEST_SUITE("certificate") {

TEST_CASE("an RSA S/MIME user certificate shows the facts openssl shows") {
    const Certificate alice = cert("users/alice.der");
    CHECK(alice.subject() == "CN=Alice Example,O=smimekit test");
    CHECK(alice.issuer() == "CN=smimekit Test Intermediate RSA,O=smimekit test");
    CHECK(alice.common_name() == "Alice Example");
    CHECK(alice.serial_hex() == "17d85f1917156a3c26d8162dfd0f4158222f66df");
    CHECK(alice.thumbprint() == "4056E881B09B42E6DFEBA4A440D6719C92254699");
    CHECK(smimekit::to_hex(alice.sha256(), smimekit::HexCase::Upper) ==
          "2FD414D88B7F5063BC92115DC1FD78ADE21249C31A9706CC9D6C2AB318A86C61");
    CHECK(alice.not_before() == fixture::at("2025-01-01T00:00:00Z"));
    CHECK(alice.not_after() == fixture::at("2046-01-01T00:00:00Z"));
    CHECK(alice.version() == 3);
    const auto key = alice.public_key();
    CHECK(key.algorithm == smimekit::KeyAlgorithm::Rsa);
    CHECK(key.bits == 2048);
    CHECK(alice.signature_algorithm().name == "sha256WithRSAEncryption");
    CHECK(alice.signature_digest() == "SHA256");
    const auto usage = alice.key_usage();
    REQUIRE(usage);
    CHECK(usage->names() == std::vector<std::string>{"digitalSignature", "nonRepudiation", "keyEncipherment"});
    CHECK(usage->critical);
    const auto eku = alice.extended_key_usage();
    REQUIRE(eku);
    CHECK(eku->contains("1.3.6.1.5.5.7.3.4"));
    CHECK(eku->purposes.at(0).name == "emailProtection");
    CHECK(alice.san_emails() == std::vector<std::string>{"alice@example.org"});
    CHECK(alice.subject_emails().empty());
    CHECK(smimekit::to_hex(*alice.subject_key_id(), ':') == "32:63:0E:17:8C:83:35:13:CC:38:55:42:2F:21:6C:77:3B:9B:18:BC");
    CHECK(smimekit::to_hex(*alice.authority_key_id(), ':') == "5B:6C:FA:35:E3:BC:E3:B0:52:E1:50:99:AB:A7:EA:77:C0:FE:A5:A5");
    CHECK_FALSE(alice.is_ca());
    CHECK_FALSE(alice.is_self_issued());
    CHECK(alice.is_valid_at(fixture::now()));
    CHECK_FALSE(alice.is_valid_at(fixture::at("2046-01-01T00:00:01Z")));
}

TEST_CASE("an EC certificate reports its curve by NIST name") {
    const Certificate bob = cert("users/bob-ec.der");
    CHECK(bob.public_key().algorithm == smimekit::KeyAlgorithm::Ec);
    CHECK(bob.public_key().curve == "P-256");
    CHECK(bob.public_key().bits == 256);
    CHECK(bob.key_usage()->key_agreement);
    CHECK(bob.signature_algorithm().name == "ecdsa-with-SHA256");
}

TEST_CASE("an address only in the subject emailAddress is found and listed after SAN ones") {
    const Certificate erin = cert("users/subject-email-only.der");
    CHECK(erin.san_emails().empty());
    CHECK(erin.subject_emails() == std::vector<std::string>{"erin@example.org"});
    CHECK(erin.email_addresses() == std::vector<std::string>{"erin@example.org"});
    CHECK(erin.subject() == "emailAddress=erin@example.org,CN=Erin Example,O=smimekit test");
}

TEST_CASE("a root is a self-issued CA; an intermediate carries AIA and CRL URLs") {
    const Certificate root = cert("ca/root-rsa.der");
    CHECK(root.is_ca());
    CHECK(root.is_self_issued());
    CHECK(root.basic_constraints()->critical);
    CHECK(root.public_key().bits == 4096);
    const Certificate inter = cert("ca/inter-rsa.der");
    CHECK(inter.ca_issuers_urls() == std::vector<std::string>{"http://pki.example.test/root-rsa.cer"});
    CHECK(inter.crl_urls() == std::vector<std::string>{"http://pki.example.test/root-rsa.crl"});
    CHECK(inter.authority_key_id() == root.subject_key_id());
    CHECK(inter.issuer_der() == root.subject_der());
}

TEST_CASE("a SHA-1 signature is reported as such") {
    CHECK(cert("users/sha1.der").signature_digest() == "SHA1");
    CHECK(cert("users/sha1.der").signature_algorithm().name == "sha1WithRSAEncryption");
}

TEST_CASE("from_der refuses anything but exactly one certificate") {
    smimekit::Bytes der = fixture::bytes("users/alice.der");
    SUBCASE("trailing bytes") { der.push_back(0); }
    SUBCASE("truncated") { der.resize(der.size() / 2); }
    SUBCASE("empty") { der.clear(); }
    SUBCASE("a PEM text") { der = fixture::bytes("users/alice.pem"); }
    SUBCASE("a bit flipped in the length") { der[1] ^= 0x01; }
    CHECK(fixture::errc_of([&] { Certificate::from_der(der); }) == Errc::Malformed);
}

TEST_CASE("PEM bundles give every certificate; from_pem wants exactly one") {
    CHECK(smimekit::certificates_from_pem(fixture::text("bundles/all-cas.pem")).size() == 8);
    CHECK(Certificate::from_pem(fixture::text("users/alice.pem")) == cert("users/alice.der"));
    CHECK(fixture::message_of([] { Certificate::from_pem(fixture::text("bundles/all-cas.pem")); }) ==
          "expected one certificate, found 8");
    std::string damaged = fixture::text("bundles/all-cas.pem");
    damaged[damaged.find("-----END CERTIFICATE-----") - 10] = '!';
    CHECK(fixture::message_of([&] { smimekit::certificates_from_pem(damaged); })
              .find("PEM block 1") != std::string::npos);
}

TEST_CASE("copies share the parsed certificate and compare by DER") {
    const Certificate a = cert("users/alice.der");
    const Certificate b = a;  // NOLINT(performance-unnecessary-copy-initialization): the point
    CHECK(a == b);
    CHECK(&a.der() == &b.der());
    CHECK_FALSE(a == cert("users/bob-ec.der"));
    CHECK(Certificate::from_der(a.der()) == a);
    CHECK(Certificate::from_pem(a.pem()) == a);
}

TEST_CASE("e-mail addresses match with a case-insensitive domain only") {
    CHECK(smimekit::email_matches("alice@Example.ORG", "alice@example.org"));
    CHECK_FALSE(smimekit::email_matches("Alice@example.org", "alice@example.org"));
    CHECK_FALSE(smimekit::email_matches("alice@example.org", "alice@example.org.evil"));
    CHECK_FALSE(smimekit::email_matches("alice", "alice"));
}

}  // TEST_SUITE("certificate")
