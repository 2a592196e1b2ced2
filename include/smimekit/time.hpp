// SPDX-License-Identifier: Apache-2.0
// Points in time as smimekit passes them around: UTC, second resolution, never "now" implicitly.
// Every function that depends on validity takes a TimePoint, so tests never depend on today.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace smimekit {

/// Seconds on the system clock (UTC). Not system_clock::time_point: libstdc++ counts that in
/// nanoseconds, which overflows after 2262, and RFC 5280 section 4.1.2.5 gives certificates
/// without a well-defined expiration the notAfter 99991231235959Z.
using TimePoint = std::chrono::sys_seconds;

/// Seconds since 1970-01-01T00:00:00Z (negative before).
std::int64_t to_unix_seconds(TimePoint time) noexcept;
TimePoint from_unix_seconds(std::int64_t seconds) noexcept;

/// A UTC civil time. Throws Error{Errc::InvalidArgument} for an impossible date or time.
TimePoint make_utc_time(int year, int month, int day, int hour = 0, int minute = 0,
                        int second = 0);

/**
 * Parses a time the way users and scripts write one on the command line: RFC 3339 in UTC
 * ("2030-01-01T00:00:00Z", also with a space instead of 'T', lower-case 't'/'z', fractional
 * seconds, or a numeric offset such as "+02:00"), a bare date "2030-01-01" (midnight UTC), or
 * Unix seconds ("1893456000", optionally "@1893456000").
 * Throws Error{Errc::InvalidArgument} with a message that shows the accepted forms.
 */
TimePoint parse_time(std::string_view text);

/// "2030-01-01T00:00:00Z".
std::string format_rfc3339(TimePoint time);

/// Whole days from `from` to `to`, rounded towards zero (negative if `to` is earlier).
std::int64_t days_between(TimePoint from, TimePoint to) noexcept;

/// "expires in 12 days", "expired 3 days ago", "expires today", "not valid for 40 days".
/// Used by every command that shows validity, so they all read the same.
std::string describe_validity(TimePoint not_before, TimePoint not_after, TimePoint now);

}  // namespace smimekit
