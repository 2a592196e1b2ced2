// SPDX-License-Identifier: Apache-2.0
// Versions, read at run time where the library allows it: a user reporting a bug needs the
// OpenSSL actually loaded, not the one we compiled against.
#include "smimekit/version.hpp"

#include "smimekit_build_info.hpp"

#include <botan/version.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

namespace smimekit {

std::string_view version() noexcept {
    return SMIMEKIT_VERSION_STRING;
}

std::string version_details() {
    std::string text = "smimekit " + std::string(version()) + "\n";
    text += std::string(::OpenSSL_version(OPENSSL_VERSION)) + "\n";
    text += "Botan " + std::to_string(Botan::version_major()) + "." +
            std::to_string(Botan::version_minor()) + "." +
            std::to_string(Botan::version_patch()) + "\n";
    text += "SQLite " + std::string(::sqlite3_libversion()) + "\n";
    return text;
}

}  // namespace smimekit
