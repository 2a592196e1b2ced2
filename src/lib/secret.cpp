// SPDX-License-Identifier: Apache-2.0
// Secret: wiping is done with OPENSSL_cleanse (via secure_wipe), which compilers do not elide.
#include "smimekit/secret.hpp"

#include "smimekit/bytes.hpp"

namespace smimekit {

Secret::Secret(std::string value) noexcept : m_value(std::move(value)) {
    secure_wipe(value.data(), value.capacity());  // NOLINT(bugprone-use-after-move): wiping what the move left
}

Secret::Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) {
    other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_value = std::move(other.m_value);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() {
    wipe();
}

void Secret::wipe() noexcept {
    // A moved-from std::string may keep its small-string buffer: wipe the whole capacity.
    secure_wipe(m_value.data(), m_value.capacity());
    m_value.clear();
}

}  // namespace smimekit
