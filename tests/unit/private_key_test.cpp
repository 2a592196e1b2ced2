// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/private_key.hpp
#include <smimekit/private_key.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

using smimekit::Errc;
using smimekit::PrivateKey;
using smimekit::Secret;

namespace {
smimekit::PasswordProvider password(std::string text, int* calls = nullptr) {
    return [text = std::move(text), calls](std::string_view) -> std::optional<Secret> {
        if (calls != nullptr) {
            ++*calls;
        }
        return Secret(text);
    };
}
}  // namespace

TEST_SUITE("private_key") {

TEST_CASE("a plain PKCS#8 key loads without asking and matches its certificate only") {
    int calls = 0;
    const PrivateKey key = PrivateKey::from_pem(fixture::text("keys/alice.key"), "alice.key",
                                                password("unused", &calls));
    CHECK(calls == 0);
    CHECK_FALSE(key.was_encrypted());
    CHECK(key.matches(smimekit::Certificate::from_der(fixture::bytes("users/alice.der"))));
    CHECK_FALSE(key.matches(smimekit::Certificate::from_der(fixture::bytes("users/bob-ec.der"))));
    CHECK(key.public_key().bits == 2048);
}

TEST_CASE("an encrypted PKCS#8 key asks once and opens with the right password") {
    int calls = 0;
    const PrivateKey key = PrivateKey::from_pem(fixture::text("keys/alice-enc.pkcs8.pem"), "k",
                                                password("test1234", &calls));
    CHECK(calls == 1);
    CHECK(key.was_encrypted());
    CHECK(key.matches(smimekit::Certificate::from_der(fixture::bytes("users/alice.der"))));
}

TEST_CASE("a wrong or missing password is BadPassword naming the file") {
    const std::string pem = fixture::text("keys/alice-enc.pkcs8.pem");
    CHECK(fixture::errc_of([&] { PrivateKey::from_pem(pem, "k.pem", password("nope")); }) ==
          Errc::BadPassword);
    CHECK(fixture::message_of([&] { PrivateKey::from_pem(pem, "k.pem", password("nope")); }) ==
          "'k.pem': wrong password");
    CHECK(fixture::errc_of([&] { PrivateKey::from_pem(pem, "k.pem", {}); }) == Errc::BadPassword);
    const smimekit::PasswordProvider nobody = [](std::string_view) { return std::optional<Secret>{}; };
    CHECK(fixture::errc_of([&] { PrivateKey::from_pem(pem, "k.pem", nobody); }) == Errc::BadPassword);
}

TEST_CASE("an encrypted key asking for more iterations than the limit is Unsupported, unasked") {
    // alice-enc.pkcs8.pem with its PBKDF2 iteration count 2048 made 2^31 - 1 (hours of work
    // for each password tried, before the limit of issue 12).
    const std::string pem = fixture::text("keys/alice-enc.pkcs8.pem");
    const std::size_t begin = pem.find('\n') + 1;
    const smimekit::Bytes der = smimekit::base64_decode(pem.substr(begin, pem.find("-----END") - begin));
    const smimekit::Bytes hostile = fixture::der_with_integer_replaced(
        der, smimekit::from_hex("0800"), smimekit::from_hex("7FFFFFFF"));
    int calls = 0;
    const auto open = [&] { PrivateKey::from_der(hostile, "k.der", password("test1234", &calls)); };
    CHECK(fixture::errc_of(open) == Errc::Unsupported);
    CHECK(fixture::message_of(open).find("iteration count 2147483647 is beyond the limit") !=
          std::string::npos);
    CHECK(calls == 0);
}

TEST_CASE("traditional and EC keys load from PEM and DER") {
    CHECK(PrivateKey::from_pem(fixture::text("keys/alice.rsa-traditional.pem"), "k", {})
              .matches(smimekit::Certificate::from_der(fixture::bytes("users/alice.der"))));
    const PrivateKey ec = PrivateKey::from_pem(fixture::text("keys/bob-ec.key"), "k", {});
    CHECK(ec.public_key().curve == "P-256");
    const auto der = smimekit::base64_decode(
        fixture::text("keys/bob-ec.key").substr(28, fixture::text("keys/bob-ec.key").find("-----END") - 28));
    CHECK(PrivateKey::from_der(der, "k", {}).matches(
        smimekit::Certificate::from_der(fixture::bytes("users/bob-ec.der"))));
}

TEST_CASE("text without a key, and damaged keys, are Malformed") {
    CHECK(fixture::errc_of([] { PrivateKey::from_pem(fixture::text("users/alice.pem"), "c", {}); }) ==
          Errc::Malformed);
    CHECK(fixture::errc_of([] { PrivateKey::from_der(fixture::bytes("users/alice.der"), "c", {}); }) ==
          Errc::Malformed);
    CHECK(fixture::errc_of([] { PrivateKey::from_der(fixture::bytes("misc/random.bin"), "r", {}); }) ==
          Errc::Malformed);
}

}  // TEST_SUITE("private_key")
