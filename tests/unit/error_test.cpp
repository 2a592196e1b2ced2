// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/error.hpp
#include <smimekit/error.hpp>

#include <doctest/doctest.h>

using smimekit::Errc;
using smimekit::Error;

TEST_SUITE("error") {

TEST_CASE("about() names the subject once, keeping code, detail and hint") {
    const Error error(Errc::BadPassword, "wrong password", "mac verify failure", "try again");
    const Error named = error.about("alice.p12");
    CHECK(std::string(named.what()) == "'alice.p12': wrong password");
    CHECK(named.code() == Errc::BadPassword);
    CHECK(named.detail() == "mac verify failure");
    CHECK(named.hint() == "try again");
    CHECK(std::string(named.about("alice.p12").what()) == "'alice.p12': wrong password");
}

TEST_CASE("every error class has a distinct stable name") {
    CHECK(smimekit::errc_name(Errc::Malformed) == "malformed");
    CHECK(smimekit::errc_name(Errc::BadPassword) == "bad-password");
    CHECK(smimekit::errc_name(Errc::Io) == "io");
}

}  // TEST_SUITE("error")
