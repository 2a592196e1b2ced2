// SPDX-License-Identifier: Apache-2.0
// smimekit::Error helpers: stable error-class names and "about a subject" wrapping.
#include "smimekit/error.hpp"

namespace smimekit {

std::string_view errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::InvalidArgument: return "invalid-argument";
        case Errc::NotFound: return "not-found";
        case Errc::Malformed: return "malformed";
        case Errc::BadPassword: return "bad-password";
        case Errc::KeyMismatch: return "key-mismatch";
        case Errc::Unsupported: return "unsupported";
        case Errc::Database: return "database";
        case Errc::Io: return "io";
        case Errc::Internal: return "internal";
    }
    return "internal";
}

std::string in_quotes(std::string_view subject) {
    std::string text;
    text.reserve(subject.size() + 2);
    text += '\'';
    text += subject;
    text += '\'';
    return text;
}

Error Error::about(std::string_view subject) const {
    const std::string prefix = in_quotes(subject) + ": ";
    const std::string_view message = what();
    if (message.substr(0, prefix.size()) == prefix) {
        return *this;
    }
    return Error(m_code, prefix + std::string(message), m_detail, m_hint);
}

Error Error::with_hint(std::string hint) const {
    return Error(m_code, what(), m_detail, std::move(hint));
}

}  // namespace smimekit
