// SPDX-License-Identifier: Apache-2.0
// Passwords and other secrets: a type that cannot be printed and wipes its memory when it dies,
// and the callback through which the library asks the caller for a password it needs.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace smimekit {

/**
 * A secret text (a password, in UTF-8). Move-only; its buffer is wiped with OPENSSL_cleanse
 * when it is destroyed or moved from. Deliberately has no operator<< and no implicit
 * conversion: reading it is always an explicit call to reveal().
 */
class Secret final {
public:
    Secret() = default;
    /// Takes the text; the caller's string is wiped too (a moved short string keeps its bytes).
    explicit Secret(std::string value) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    /// A copy that wipes itself too (for callers that must keep one while handing one over).
    [[nodiscard]] Secret clone() const { return Secret(m_value); }

    /// The secret's bytes; valid while this Secret lives. Never log or print them.
    [[nodiscard]] std::string_view reveal() const noexcept { return m_value; }
    /// NUL-terminated, for C APIs (OpenSSL's PKCS#12 functions).
    [[nodiscard]] const char* c_str() const noexcept { return m_value.c_str(); }
    [[nodiscard]] bool empty() const noexcept { return m_value.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return m_value.size(); }

private:
    void wipe() noexcept;
    std::string m_value;
};

/**
 * Called by the library when a file needs a password that is neither absent nor empty (those
 * two are always tried first). `subject` names the file or object, for a prompt. Returns
 * nullopt when no password can be had (no source was given and nobody to ask); the library
 * then fails with Errc::BadPassword. An empty provider means "never ask".
 */
using PasswordProvider = std::function<std::optional<Secret>(std::string_view subject)>;

}  // namespace smimekit
