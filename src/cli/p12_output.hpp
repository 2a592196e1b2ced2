// SPDX-License-Identifier: Apache-2.0
// What `p12 create` and `p12 rewrap` share: the options of the new .p12 (-o, --profile, --name,
// --force, the output password) and the last step, which asks for the new password, writes the
// file mode 0600 and says which platforms can import it; and the wiping of input bytes.
#pragma once

#include "cli/command.hpp"

#include <smimekit/pkcs12.hpp>

#include <string>
#include <utility>

namespace smimekit::cli {

/// The bytes of an input that may hold a clear-text key, wiped when they go out of scope.
struct WipedBytes {
    explicit WipedBytes(Bytes input) : bytes(std::move(input)) {}
    WipedBytes(const WipedBytes&) = delete;
    WipedBytes& operator=(const WipedBytes&) = delete;
    WipedBytes(WipedBytes&&) = delete;
    WipedBytes& operator=(WipedBytes&&) = delete;
    ~WipedBytes() { secure_wipe(bytes.data(), bytes.size()); }
    Bytes bytes;
};

class P12Output final {
public:
    /// Declares -o/--out, --profile, --name, --force and --out-password-{file,env,stdin}.
    void declare(OptionSet& options);
    /// Checks the profile and the output password source; `input` is the command's input
    /// password source, which cannot share standard input with the output password.
    void validate(const po::variables_map& given, const PasswordSource& input);

    /// --name when given ("" included: no friendly name), else `fallback`.
    [[nodiscard]] std::string friendly_name(const std::string& fallback) const {
        return m_name_given ? m_name : fallback;
    }
    /// Fails early when the output exists (without --force) or its directory does not.
    void check(const Io& io) const;
    /// Sets the request's profile, asks for the new password (twice at a prompt), encodes,
    /// writes the file (0600, atomic) and reports what went in and who can import it.
    void write(const Io& io, Pkcs12WriteRequest request) const;

private:
    [[nodiscard]] Secret new_password(const Io& io) const;

    std::string m_out;
    std::string m_profile_name = "modern";
    Pkcs12Profile m_profile = Pkcs12Profile::Modern;
    std::string m_name;
    bool m_name_given = false;
    bool m_force = false;
    PasswordSource m_password;
};

}  // namespace smimekit::cli
