// SPDX-License-Identifier: Apache-2.0
// PrivateKey: reading PKCS#8 (plain and encrypted) and traditional keys in PEM or DER. The
// password is asked for only when the key is encrypted, and the empty password is tried
// first, because some tools encrypt with it.
#include "smimekit/private_key.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/pem.hpp"
#include "detail/pkcs12_params.hpp"

#include <openssl/pem.h>

#include <climits>
#include <cstring>

namespace smimekit {
namespace detail {
namespace {

[[noreturn]] void wrong_password(std::string_view subject) {
    throw Error(Errc::BadPassword, in_quotes(subject) + ": wrong password", drain_error_queue(),
                "check the password source (--password-file, --password-env, --password-stdin)");
}

[[noreturn]] void no_password(std::string_view subject) {
    throw Error(Errc::BadPassword, in_quotes(subject) + ": the key is encrypted and no password was given",
                {}, "give it with --password-file FILE, --password-env VAR or --password-stdin");
}

EvpPkeyPtr from_pkcs8_info(const PKCS8_PRIV_KEY_INFO* info) {
    EvpPkeyPtr key(::EVP_PKCS82PKEY(info));
    ossl_check(key != nullptr, Errc::Unsupported, "unsupported private key algorithm");
    return key;
}

EvpPkeyPtr decrypt_pkcs8(const X509_SIG* encrypted, std::string_view subject,
                         const PasswordProvider& password) {
    ensure_legacy_provider();
    const X509_ALGOR* algorithm = nullptr;
    ::X509_SIG_get0(encrypted, &algorithm, nullptr);  // get0: part of `encrypted`
    require_bounded_cost(algorithm);  // a hostile key may ask for billions of iterations
    // The empty password first: a key "encrypted" with it opens without asking.
    clear_error_queue();
    Pkcs8PrivPtr info(::PKCS8_decrypt(encrypted, "", 0));
    if (!info) {
        std::optional<Secret> secret = password ? password(subject) : std::nullopt;
        if (!secret) {
            no_password(subject);
        }
        clear_error_queue();
        info.reset(::PKCS8_decrypt(encrypted, secret->c_str(), static_cast<int>(secret->size())));
        if (!info) {
            wrong_password(subject);
        }
    }
    return from_pkcs8_info(info.get());
}

struct CallbackState {
    std::string_view subject;
    const PasswordProvider* provider = nullptr;
    bool asked = false;
    bool answered = false;
};

// OpenSSL's pem_password_cb: copies the password into `buffer` and wipes our copy.
extern "C" int provide_password(char* buffer, int size, int /*rwflag*/, void* user_data) {
    auto* state = static_cast<CallbackState*>(user_data);
    state->asked = true;
    if (state->provider == nullptr || !*state->provider) {
        return -1;
    }
    try {
        std::optional<Secret> secret = (*state->provider)(state->subject);
        if (!secret || secret->size() > static_cast<std::size_t>(size)) {
            return -1;
        }
        state->answered = true;
        std::memcpy(buffer, secret->c_str(), secret->size());
        return static_cast<int>(secret->size());
    } catch (...) {
        return -1;  // no exception may cross OpenSSL's C frames
    }
}

EvpPkeyPtr traditional_encrypted_pem(std::string_view text, std::string_view subject,
                                     const PasswordProvider& password) {
    ensure_legacy_provider();
    const BioPtr bio = memory_bio(as_bytes(text));
    CallbackState state{subject, &password};
    clear_error_queue();
    EvpPkeyPtr key(::PEM_read_bio_PrivateKey(bio.get(), nullptr, provide_password, &state));
    if (!key) {
        if (state.asked && !state.answered) {
            no_password(subject);
        }
        if (state.asked) {
            wrong_password(subject);
        }
        throw Error(Errc::Malformed, in_quotes(subject) + ": damaged private key", drain_error_queue());
    }
    return key;
}

// A DER key of any supported kind: PKCS#8, encrypted PKCS#8, or traditional RSA/EC/DSA.
EvpPkeyPtr key_from_der(BytesView der, std::string_view subject, const PasswordProvider& password,
                        bool& was_encrypted) {
    ossl_check(der.size() <= static_cast<std::size_t>(LONG_MAX), Errc::Malformed, "key too large");
    const auto length = static_cast<long>(der.size());
    {
        const unsigned char* p = der.data();
        const Pkcs8PrivPtr info(::d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, length));
        if (info && p == der.data() + der.size()) {
            was_encrypted = false;
            return from_pkcs8_info(info.get());
        }
    }
    {
        const unsigned char* p = der.data();
        const X509SigPtr encrypted(::d2i_X509_SIG(nullptr, &p, length));
        if (encrypted && p == der.data() + der.size()) {
            was_encrypted = true;
            return decrypt_pkcs8(encrypted.get(), subject, password);
        }
    }
    const unsigned char* p = der.data();
    EvpPkeyPtr key(::d2i_AutoPrivateKey(nullptr, &p, length));
    clear_error_queue();
    if (!key || p != der.data() + der.size()) {
        throw Error(Errc::Malformed, in_quotes(subject) + ": not a private key");
    }
    was_encrypted = false;
    return key;
}

}  // namespace

PrivateKey make_private_key(EvpPkeyPtr key, bool was_encrypted) {
    return PrivateKey(std::make_shared<const PrivateKey::Impl>(std::move(key), was_encrypted));
}

}  // namespace detail

PrivateKey::Impl::Impl(detail::EvpPkeyPtr key, bool was_encrypted)
    : m_key(std::move(key)), m_was_encrypted(was_encrypted) {
    m_public_key_der = detail::public_key_der(m_key.get());
}

PrivateKey::PrivateKey(std::shared_ptr<const Impl> impl) noexcept : m_impl(std::move(impl)) {}

PrivateKey PrivateKey::from_der(BytesView der, std::string_view subject,
                                const PasswordProvider& password) {
    bool was_encrypted = false;
    detail::EvpPkeyPtr key = detail::key_from_der(der, subject, password, was_encrypted);
    return detail::make_private_key(std::move(key), was_encrypted);
}

PrivateKey PrivateKey::from_pem(std::string_view pem, std::string_view subject,
                                const PasswordProvider& password) {
    for (const detail::PemBlock& block : detail::parse_pem(pem)) {
        const std::string& label = block.label;
        const bool traditional = label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY" ||
                                 label == "DSA PRIVATE KEY";
        if (label != "PRIVATE KEY" && label != "ENCRYPTED PRIVATE KEY" && !traditional) {
            continue;
        }
        if (block.has_headers) {
            // RFC 1421 "Proc-Type: 4,ENCRYPTED" + "DEK-Info": only OpenSSL's reader knows them.
            return detail::make_private_key(
                detail::traditional_encrypted_pem(block.text, subject, password), true);
        }
        return from_der(block.der, subject, password);
    }
    throw Error(Errc::Malformed, in_quotes(subject) + ": no private key in this PEM text");
}

PublicKeyInfo PrivateKey::public_key() const {
    return detail::describe_public_key(m_impl->pkey());
}

const Bytes& PrivateKey::public_key_der() const noexcept {
    return m_impl->m_public_key_der;
}

bool PrivateKey::matches(const Certificate& certificate) const noexcept {
    return m_impl->m_public_key_der == certificate.public_key_der();
}

bool PrivateKey::was_encrypted() const noexcept {
    return m_impl->m_was_encrypted;
}

}  // namespace smimekit
