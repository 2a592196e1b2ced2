// SPDX-License-Identifier: Apache-2.0
// src/lib/detail/ossl.hpp: owning handles for OpenSSL 3 objects, and the one way an OpenSSL
// failure becomes a smimekit::Error. Private to the library; never included by public headers.
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/error.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace smimekit::detail {

template <auto FreeFn>
struct Free {
    template <class T>
    void operator()(T* p) const noexcept {
        FreeFn(p);
    }
};

template <class T, auto FreeFn>
using Owned = std::unique_ptr<T, Free<FreeFn>>;

using X509Ptr = Owned<X509, &::X509_free>;
using X509CrlPtr = Owned<X509_CRL, &::X509_CRL_free>;
using X509NamePtr = Owned<X509_NAME, &::X509_NAME_free>;
using EvpPkeyPtr = Owned<EVP_PKEY, &::EVP_PKEY_free>;
using EvpPkeyCtxPtr = Owned<EVP_PKEY_CTX, &::EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = Owned<EVP_MD_CTX, &::EVP_MD_CTX_free>;
using EvpCipherCtxPtr = Owned<EVP_CIPHER_CTX, &::EVP_CIPHER_CTX_free>;
using BioPtr = Owned<BIO, &::BIO_free_all>;
using Pkcs12Ptr = Owned<PKCS12, &::PKCS12_free>;
using Pkcs7Ptr = Owned<PKCS7, &::PKCS7_free>;
using Pkcs8PrivPtr = Owned<PKCS8_PRIV_KEY_INFO, &::PKCS8_PRIV_KEY_INFO_free>;
using X509SigPtr = Owned<X509_SIG, &::X509_SIG_free>;
using CmsPtr = Owned<CMS_ContentInfo, &::CMS_ContentInfo_free>;
using X509StorePtr = Owned<X509_STORE, &::X509_STORE_free>;
using X509StoreCtxPtr = Owned<X509_STORE_CTX, &::X509_STORE_CTX_free>;
using X509VerifyParamPtr = Owned<X509_VERIFY_PARAM, &::X509_VERIFY_PARAM_free>;
using Asn1ObjectPtr = Owned<ASN1_OBJECT, &::ASN1_OBJECT_free>;
using Asn1IntegerPtr = Owned<ASN1_INTEGER, &::ASN1_INTEGER_free>;
using Asn1TimePtr = Owned<ASN1_TIME, &::ASN1_TIME_free>;
using Asn1OctetStringPtr = Owned<ASN1_OCTET_STRING, &::ASN1_OCTET_STRING_free>;
using BignumPtr = Owned<BIGNUM, &::BN_free>;
using BasicConstraintsPtr = Owned<BASIC_CONSTRAINTS, &::BASIC_CONSTRAINTS_free>;
using AuthorityKeyIdPtr = Owned<AUTHORITY_KEYID, &::AUTHORITY_KEYID_free>;
using ExtKeyUsagePtr = Owned<EXTENDED_KEY_USAGE, &::EXTENDED_KEY_USAGE_free>;
using X509AlgorPtr = Owned<X509_ALGOR, &::X509_ALGOR_free>;
using Pbe2ParamPtr = Owned<PBE2PARAM, &::PBE2PARAM_free>;
using Pbkdf2ParamPtr = Owned<PBKDF2PARAM, &::PBKDF2PARAM_free>;
using PbeParamPtr = Owned<PBEPARAM, &::PBEPARAM_free>;
using EvpCipherPtr = Owned<EVP_CIPHER, &::EVP_CIPHER_free>;
using EvpKdfPtr = Owned<EVP_KDF, &::EVP_KDF_free>;
using EvpMdPtr = Owned<EVP_MD, &::EVP_MD_free>;

/// OPENSSL_free is a macro, so strings OpenSSL allocates for us get a named deleter.
struct OpensslStringFree {
    void operator()(char* p) const noexcept { OPENSSL_free(p); }
};
using OpensslStringPtr = std::unique_ptr<char, OpensslStringFree>;

// sk_*_pop_free are macros, so stacks get named deleters. Each stack owns its elements.
struct X509StackFree {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, ::X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

struct X509CrlStackFree {
    void operator()(STACK_OF(X509_CRL) * s) const noexcept {
        sk_X509_CRL_pop_free(s, ::X509_CRL_free);
    }
};
using X509CrlStackPtr = std::unique_ptr<STACK_OF(X509_CRL), X509CrlStackFree>;

struct GeneralNamesFree {
    void operator()(GENERAL_NAMES* s) const noexcept { ::GENERAL_NAMES_free(s); }
};
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesFree>;

struct Pkcs12SafebagStackFree {
    void operator()(STACK_OF(PKCS12_SAFEBAG) * s) const noexcept {
        sk_PKCS12_SAFEBAG_pop_free(s, ::PKCS12_SAFEBAG_free);
    }
};
using Pkcs12SafebagStackPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), Pkcs12SafebagStackFree>;

struct Pkcs7StackFree {
    void operator()(STACK_OF(PKCS7) * s) const noexcept { sk_PKCS7_pop_free(s, ::PKCS7_free); }
};
using Pkcs7StackPtr = std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackFree>;

/// Empties this thread's OpenSSL error queue into one line, oldest entry (the root cause) first.
std::string drain_error_queue();

/// Discards whatever is queued (before a call whose failure we interpret ourselves).
void clear_error_queue() noexcept;

/// Throws Error{code, message, <drained queue>} unless `ok`. Pass the call's own success test:
/// OpenSSL can fail without queuing anything, and the queue can hold stale entries.
inline void ossl_check(bool ok, Errc code, std::string_view message) {
    if (!ok) {
        throw Error(code, std::string(message), drain_error_queue());
    }
}

/// A read-only memory BIO over `bytes` (no copy; `bytes` must outlive the BIO).
BioPtr memory_bio(BytesView bytes);

/// Everything written to a memory BIO so far.
Bytes bio_contents(BIO* bio);

/// The DER encoding of `value` through an i2d function, as Bytes.
template <class T, class I2d>
Bytes to_der(const T* value, I2d i2d) {
    const int length = i2d(value, nullptr);
    ossl_check(length > 0, Errc::Internal, "cannot DER-encode an object");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    ossl_check(i2d(value, &out) == length, Errc::Internal, "cannot DER-encode an object");
    return der;
}

/// An ASN1_TIME as seconds since 1970 (UTC). Throws Errc::Malformed if it is not a valid time.
std::int64_t asn1_time_to_unix(const ASN1_TIME* time);

/// Loads OpenSSL's "default" and "legacy" providers into the default library context, once per
/// process (thread-safe). The legacy provider is what reads RC2-40 and 3DES PKCS#12 files that
/// Windows and older OpenSSL versions write. This is process-global state: every OpenSSL user
/// in the process sees the legacy algorithms afterwards. Returns false if "legacy" is missing
/// (the openssl package's ossl-modules/legacy.so); "default" is always available.
bool ensure_legacy_provider() noexcept;

}  // namespace smimekit::detail
