// SPDX-License-Identifier: Apache-2.0
// The OpenSSL glue every concept shares: error queue draining, memory BIOs, ASN.1 time, and the
// process-wide provider set-up.
#include "detail/ossl.hpp"

#include "smimekit/time.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>

#include <array>
#include <climits>
#include <ctime>
#include <mutex>

namespace smimekit::detail {

std::string drain_error_queue() {
    std::string text;
    for (unsigned long code = ::ERR_get_error(); code != 0; code = ::ERR_get_error()) {
        std::array<char, 256> buffer{};
        ::ERR_error_string_n(code, buffer.data(), buffer.size());
        if (!text.empty()) {
            text += "; ";
        }
        text += buffer.data();
    }
    return text;
}

void clear_error_queue() noexcept {
    ::ERR_clear_error();
}

BioPtr memory_bio(BytesView bytes) {
    ossl_check(bytes.size() <= static_cast<std::size_t>(INT_MAX), Errc::Malformed,
               "input larger than 2 GiB");
    // BIO_new_mem_buf makes a read-only BIO that borrows the buffer.
    BioPtr bio(::BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    ossl_check(bio != nullptr, Errc::Internal, "out of memory");
    return bio;
}

Bytes bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);  // get0: borrowed view of the BIO's buffer
    if (size <= 0 || data == nullptr) {
        return {};
    }
    return {reinterpret_cast<const std::uint8_t*>(data),
            reinterpret_cast<const std::uint8_t*>(data) + size};
}

std::int64_t asn1_time_to_unix(const ASN1_TIME* time) {
    std::tm parts{};
    ossl_check(time != nullptr && ::ASN1_TIME_to_tm(time, &parts) == 1, Errc::Malformed,
               "invalid ASN.1 time");
    // ASN1_TIME_to_tm gives UTC fields.
    return to_unix_seconds(make_utc_time(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                                         parts.tm_hour, parts.tm_min, parts.tm_sec));
}

bool ensure_legacy_provider() noexcept {
    static std::once_flag once;
    static bool legacy_loaded = false;
    std::call_once(once, [] {
        // Loading "legacy" explicitly stops OpenSSL from loading "default" implicitly, so both
        // are loaded. The providers stay loaded for the life of the process, on purpose; the
        // handles are kept so that they remain reachable (OSSL_PROVIDER_unload is never due).
        static OSSL_PROVIDER* const default_provider = ::OSSL_PROVIDER_load(nullptr, "default");
        static OSSL_PROVIDER* const legacy_provider = ::OSSL_PROVIDER_load(nullptr, "legacy");
        legacy_loaded = default_provider != nullptr && legacy_provider != nullptr;
        ::ERR_clear_error();
    });
    return legacy_loaded;
}

}  // namespace smimekit::detail
