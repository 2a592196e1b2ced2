// SPDX-License-Identifier: Apache-2.0
// The insides of Certificate and PrivateKey, shared by the library's .cpp files only.
#pragma once

#include "detail/ossl.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/private_key.hpp"

namespace smimekit {

/// A parsed X509 with what every caller needs computed once: DER, digests, name encodings.
/// The X509 is never modified after construction (OpenSSL 3's lazy extension cache is filled
/// here, so later const access from several threads is safe).
class Certificate::Impl {
public:
    explicit Impl(detail::X509Ptr x509);
    Impl(detail::X509Ptr x509, Bytes der);

    [[nodiscard]] X509* x509() const noexcept { return m_x509.get(); }

    detail::X509Ptr m_x509;
    Bytes m_der;
    Bytes m_sha1;
    Bytes m_sha256;
    Bytes m_subject_der;
    Bytes m_issuer_der;
    Bytes m_public_key_der;
    std::int64_t m_not_before = 0;
    std::int64_t m_not_after = 0;
};

class PrivateKey::Impl {
public:
    Impl(detail::EvpPkeyPtr key, bool was_encrypted);

    [[nodiscard]] EVP_PKEY* pkey() const noexcept { return m_key.get(); }

    detail::EvpPkeyPtr m_key;
    Bytes m_public_key_der;
    bool m_was_encrypted = false;
};

namespace detail {

/// Takes ownership of `x509` (which must be a complete certificate).
Certificate make_certificate(X509Ptr x509);
/// Borrows the X509 of a certificate; valid while any copy of `certificate` lives.
inline X509* x509_of(const Certificate& certificate) noexcept {
    return certificate.impl().x509();
}
/// Adds a reference: the caller owns the returned handle.
X509Ptr x509_ref(const Certificate& certificate);
/// Takes ownership of `key`.
PrivateKey make_private_key(EvpPkeyPtr key, bool was_encrypted);
inline EVP_PKEY* pkey_of(const PrivateKey& key) noexcept {
    return key.impl().pkey();
}

struct PemBlock;
/// "CERTIFICATE", "X509 CERTIFICATE" or "TRUSTED CERTIFICATE".
bool is_certificate_pem_label(std::string_view label) noexcept;
/// The certificate of one PEM block; Errc::Malformed naming the block number.
Certificate certificate_from_pem_block(const PemBlock& block);

/// A distinguished name in RFC 4514 order and form, UTF-8 kept ("CN=Jörg,O=Example").
std::string name_text(const X509_NAME* name);

/// Algorithm, size and curve of a public key.
PublicKeyInfo describe_public_key(const EVP_PKEY* key);
/// The DER SubjectPublicKeyInfo of a key (public half only).
Bytes public_key_der(EVP_PKEY* key);
/// OID text ("1.2.840.113549.1.1.11") and OpenSSL's short/long name of an ASN1_OBJECT.
ObjectId object_id(const ASN1_OBJECT* object, bool long_name = false);

}  // namespace detail
}  // namespace smimekit
