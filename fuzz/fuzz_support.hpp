// SPDX-License-Identifier: Apache-2.0
// What every fuzz target shares: the fixed inputs (time, password, anchors from certs-test/),
// a scratch directory for targets that must go through a file, and helpers that touch every
// accessor of a parsed object, because OpenSSL decodes extensions lazily and a parse that
// "succeeds" can still crash later.
//
// Rule for all targets: only smimekit::Error may escape a library call on hostile bytes. Any
// other exception, a broken invariant (fuzz_assert) or a sanitizer report is a bug.
#pragma once

#include <smimekit/bytes.hpp>
#include <smimekit/certificate.hpp>
#include <smimekit/load.hpp>
#include <smimekit/secret.hpp>
#include <smimekit/time.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// The entry point libFuzzer calls, and fuzz/replay_main.cpp in the normal test suite.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace smimekit::fuzz {

/// The input as a view.
inline BytesView input(const std::uint8_t* data, std::size_t size) noexcept {
    return {data, size};
}

/// 2030-01-01T00:00:00Z: the tests' "now", when every normal fixture is valid.
TimePoint fixed_time();

/// certs-test/<name> (the directory is compiled in).
std::string fixture_path(std::string_view name);

/// Always answers "test1234", the password of every encrypted fixture (certs-test/p12/).
PasswordProvider test_password();

/// Writes `bytes` to a file in a private directory made once per process (removed at exit)
/// and returns its path. The same path is reused by each call.
std::string write_scratch_file(BytesView bytes, std::string_view name = "input");

/// Aborts with `what` unless `ok`: a property that must hold for every input.
void fuzz_assert(bool ok, const char* what);

/// Calls every accessor of `certificate`, and checks that its DER and PEM read back equal.
void exercise(const Certificate& certificate);

/// exercise() on every certificate, and the accessors of keys, CRLs and the .p12/.sst facts.
void exercise(const LoadedFile& file);

}  // namespace smimekit::fuzz
