// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/time.hpp; expected Unix times come from `date -u -d ... +%s`.
#include <smimekit/time.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

using smimekit::Errc;
using smimekit::parse_time;
using smimekit::to_unix_seconds;

TEST_SUITE("time") {

TEST_CASE("parse_time reads RFC 3339, dates and Unix seconds") {
    CHECK(to_unix_seconds(parse_time("2030-01-01T00:00:00Z")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("2030-01-01t00:00:00z")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("2030-01-01 00:00:00Z")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("2030-01-01")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("2030-01-01T02:00:00+02:00")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("2029-12-31T19:00:00.5-05:00")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("1893456000")) == 1893456000);
    CHECK(to_unix_seconds(parse_time("@0")) == 0);
    CHECK(to_unix_seconds(parse_time("2024-02-29T12:34:56Z")) == 1709210096);
    CHECK(to_unix_seconds(parse_time("1969-12-31T23:59:59Z")) == -1);
}

TEST_CASE("parse_time refuses local times and impossible dates with InvalidArgument") {
    for (const char* text : {"", "2030-01-01T00:00:00", "2030-13-01", "2023-02-29", "2030-01-01T24:00:00Z",
                             "tomorrow", "2030-1-1", "2030-01-01T00:00Z", "12x"}) {
        CAPTURE(text);
        CHECK(fixture::errc_of([&] { parse_time(text); }) == Errc::InvalidArgument);
    }
}

TEST_CASE("format_rfc3339 writes UTC with Z and round-trips") {
    CHECK(smimekit::format_rfc3339(smimekit::from_unix_seconds(1709210096)) == "2024-02-29T12:34:56Z");
    CHECK(smimekit::format_rfc3339(smimekit::from_unix_seconds(-1)) == "1969-12-31T23:59:59Z");
    for (const std::int64_t t : {0LL, 951782400LL, 4102444800LL, 253402300799LL}) {
        CHECK(to_unix_seconds(parse_time(smimekit::format_rfc3339(smimekit::from_unix_seconds(t)))) == t);
    }
}

TEST_CASE("describe_validity says how long is left or how long ago it ended") {
    const auto from = fixture::at("2025-01-01T00:00:00Z");
    const auto to = fixture::at("2031-01-01T00:00:00Z");
    CHECK(smimekit::describe_validity(from, to, fixture::at("2030-12-31T00:00:00Z")) == "expires in 1 day");
    CHECK(smimekit::describe_validity(from, to, fixture::at("2031-01-11T00:00:00Z")) == "expired 10 days ago");
    CHECK(smimekit::describe_validity(from, to, fixture::at("2024-12-01T00:00:00Z")) == "not valid for 31 days");
    CHECK(smimekit::describe_validity(from, to, fixture::at("2030-12-31T12:00:00Z")) == "expires today");
}

}  // TEST_SUITE("time")
