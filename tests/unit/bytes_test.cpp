// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/bytes.hpp
#include <smimekit/bytes.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

using smimekit::Errc;

TEST_SUITE("bytes") {

TEST_CASE("base64 encodes the RFC 4648 section 10 test vectors") {
    CHECK(smimekit::base64_encode(smimekit::as_bytes("")) == "");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("f")) == "Zg==");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("fo")) == "Zm8=");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("foo")) == "Zm9v");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("foob")) == "Zm9vYg==");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("fooba")) == "Zm9vYmE=");
    CHECK(smimekit::base64_encode(smimekit::as_bytes("foobar")) == "Zm9vYmFy");
}

TEST_CASE("base64 decodes what it encodes, for every length and byte value") {
    smimekit::Bytes data;
    for (int i = 0; i < 300; ++i) {
        data.push_back(static_cast<std::uint8_t>(i * 7));
        CHECK(smimekit::base64_decode(smimekit::base64_encode(data)) == data);
        CHECK(smimekit::base64_decode(smimekit::base64_encode(data, 76)) == data);
    }
}

TEST_CASE("base64 breaks lines with CRLF at the requested width") {
    const smimekit::Bytes data(100, 0xAB);
    const std::string text = smimekit::base64_encode(data, 76);
    CHECK(text.find("\r\n") == 76);
    CHECK(text.size() == 136 + 2);
}

TEST_CASE("base64 decode skips whitespace and rejects garbage") {
    CHECK(smimekit::to_string(smimekit::base64_decode("Zm9v\r\nYmFy \t")) == "foobar");
    CHECK(fixture::errc_of([] { smimekit::base64_decode("Zm9v!"); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { smimekit::base64_decode("Zm9"); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { smimekit::base64_decode("Zg==Zg=="); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { smimekit::base64_decode("Z==="); }) == Errc::Malformed);
}

TEST_CASE("hex round-trips in both cases and with separators") {
    const smimekit::Bytes data{0x00, 0x3f, 0xa0, 0xff};
    CHECK(smimekit::to_hex(data) == "003fa0ff");
    CHECK(smimekit::to_hex(data, smimekit::HexCase::Upper) == "003FA0FF");
    CHECK(smimekit::to_hex(data, ':') == "00:3F:A0:FF");
    CHECK(smimekit::from_hex("00:3F:a0:ff") == data);
    CHECK(fixture::errc_of([] { smimekit::from_hex("abc"); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { smimekit::from_hex("zz"); }) == Errc::Malformed);
}

}  // TEST_SUITE("bytes")
