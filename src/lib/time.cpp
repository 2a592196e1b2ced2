// SPDX-License-Identifier: Apache-2.0
// Civil-time arithmetic done by hand (Howard Hinnant's days_from_civil algorithm), because
// std::chrono::parse and the calendar formatting of C++20 are missing from libstdc++ 12.
#include "smimekit/time.hpp"

#include "smimekit/error.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace smimekit {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

// Days since 1970-01-01 of a proleptic Gregorian date.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146'097 + static_cast<std::int64_t>(day_of_era) - 719'468;
}

struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
    days += 719'468;
    const std::int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146'097);
    const unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned mp = (5 * day_of_year + 2) / 153;
    const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

bool is_leap(std::int64_t year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
    constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays.at(month - 1);
}

[[noreturn]] void bad_time(std::string_view text) {
    throw Error(Errc::InvalidArgument,
                "'" + std::string(text) + "' is not a time",
                {},
                "use RFC 3339 such as 2030-01-01T00:00:00Z, a date such as 2030-01-01, or Unix "
                "seconds");
}

// Reads exactly `width` decimal digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, int& value) {
    if (pos + width > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += width;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char wanted) {
    if (pos < text.size() && text[pos] == wanted) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace

std::int64_t to_unix_seconds(TimePoint time) noexcept {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

TimePoint from_unix_seconds(std::int64_t seconds) noexcept {
    return TimePoint{std::chrono::seconds{seconds}};
}

TimePoint make_utc_time(int year, int month, int day, int hour, int minute, int second) {
    if (month < 1 || month > 12 || day < 1 ||
        day > static_cast<int>(days_in_month(year, static_cast<unsigned>(month))) || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
        throw Error(Errc::InvalidArgument, "impossible date or time");
    }
    // A leap second (:60) is folded into the next second, as POSIX time does.
    const std::int64_t days =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    return from_unix_seconds(days * kSecondsPerDay + hour * 3600 + minute * 60 + second);
}

TimePoint parse_time(std::string_view text) {
    if (text.empty()) {
        bad_time(text);
    }
    std::string_view digits = text;
    if (digits.front() == '@') {
        digits.remove_prefix(1);
    }
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
        std::int64_t seconds = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
        if (error != std::errc{} || end != digits.data() + digits.size()) {
            bad_time(text);
        }
        return from_unix_seconds(seconds);
    }

    std::size_t pos = 0;
    int year = 0;
    int month = 0;
    int day = 0;
    if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, day)) {
        bad_time(text);
    }
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t offset_seconds = 0;
    if (pos < text.size()) {
        if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')) ||
            !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
            !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
            !read_digits(text, pos, 2, second)) {
            bad_time(text);
        }
        if (expect(text, pos, '.')) {
            const std::size_t start = pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                ++pos;
            }
            if (pos == start) {
                bad_time(text);
            }
        }
        if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
            offset_seconds = 0;
        } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            const int sign = text[pos] == '-' ? -1 : 1;
            ++pos;
            int offset_hours = 0;
            int offset_minutes = 0;
            if (!read_digits(text, pos, 2, offset_hours) || !expect(text, pos, ':') ||
                !read_digits(text, pos, 2, offset_minutes) || offset_hours > 23 ||
                offset_minutes > 59) {
                bad_time(text);
            }
            offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
        } else {
            // RFC 3339 requires a zone; a bare local time would silently depend on the machine.
            bad_time(text);
        }
        if (pos != text.size()) {
            bad_time(text);
        }
    }
    try {
        const TimePoint local = make_utc_time(year, month, day, hour, minute, second);
        return local - std::chrono::seconds{offset_seconds};
    } catch (const Error&) {
        bad_time(text);
    }
}

std::string format_rfc3339(TimePoint time) {
    const std::int64_t seconds = to_unix_seconds(time);
    std::int64_t days = seconds / kSecondsPerDay;
    std::int64_t rest = seconds % kSecondsPerDay;
    if (rest < 0) {
        rest += kSecondsPerDay;
        --days;
    }
    const CivilDate date = civil_from_days(days);
    std::array<char, 40> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(date.year), date.month, date.day,
                  static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                  static_cast<long long>(rest % 60));
    return buffer.data();
}

std::int64_t days_between(TimePoint from, TimePoint to) noexcept {
    return (to_unix_seconds(to) - to_unix_seconds(from)) / kSecondsPerDay;
}

std::string describe_validity(TimePoint not_before, TimePoint not_after, TimePoint now) {
    const auto plural = [](std::int64_t n) {
        return std::to_string(n) + (n == 1 ? " day" : " days");
    };
    if (now < not_before) {
        const std::int64_t days = days_between(now, not_before);
        return days == 0 ? "not valid yet (valid from today)" : "not valid for " + plural(days);
    }
    if (now > not_after) {
        const std::int64_t days = days_between(not_after, now);
        return days == 0 ? "expired today" : "expired " + plural(days) + " ago";
    }
    const std::int64_t days = days_between(now, not_after);
    return days == 0 ? "expires today" : "expires in " + plural(days);
}

}  // namespace smimekit
