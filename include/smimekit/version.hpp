// SPDX-License-Identifier: Apache-2.0
// The version of smimekit and of the libraries it was built with and runs against.
#pragma once

#include <string>
#include <string_view>

namespace smimekit {

/// "0.1.0": the project version, semantic versioning.
std::string_view version() noexcept;

/// One line per component: smimekit, OpenSSL, Botan and SQLite with their run-time versions.
std::string version_details();

}  // namespace smimekit
