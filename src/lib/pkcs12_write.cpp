// SPDX-License-Identifier: Apache-2.0
// write_pkcs12: a .p12 in one of three fixed profiles (modern AES, compatible 3DES, legacy
// RC2-40), built in memory by OpenSSL's PKCS12_create_ex, with the MAC digest chosen
// explicitly. The private key leaves OpenSSL only encrypted.
#include "smimekit/pkcs12.hpp"

#include "detail/certificate_impl.hpp"

#include <openssl/objects.h>


namespace smimekit {
namespace detail {
namespace {

/// Every parameter of a profile. RFC 7292 appendix C names the PKCS#12 PBE schemes; for PBES2
/// (RFC 8018 section 6.2) OpenSSL takes the cipher's NID and adds PBKDF2 with HMAC-SHA256.
struct ProfileParameters {
    int certificate_nid;  ///< encryption of the certificate bags' SafeContents
    int key_nid;          ///< encryption of the shrouded key bag
    const EVP_MD* (*mac_digest)();
};

ProfileParameters parameters_of(Pkcs12Profile profile) {
    switch (profile) {
        case Pkcs12Profile::Modern:
            return {NID_aes_256_cbc, NID_aes_256_cbc, &::EVP_sha256};
        case Pkcs12Profile::Compat:
            return {NID_pbe_WithSHA1And3_Key_TripleDES_CBC, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
                    &::EVP_sha1};
        case Pkcs12Profile::Legacy:
            return {NID_pbe_WithSHA1And40BitRC2_CBC, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
                    &::EVP_sha1};
    }
    throw Error(Errc::Internal, "unknown PKCS#12 profile");
}

// What OpenSSL 3 writes by default (PKCS12_DEFAULT_ITER) for both the PBE and the MAC; every
// reader in interop.md opens it, and it is the count Windows itself uses for its exports.
constexpr int kIterations = 2048;

/// A fresh X509 from the DER alone. A certificate read from a "TRUSTED CERTIFICATE" PEM block
/// carries OpenSSL's auxiliary alias and key id, which PKCS12_add_cert would copy into the
/// bag as a second friendlyName or a localKeyID on a CA certificate; only our attributes go in.
X509Ptr plain_x509(const Certificate& certificate) {
    const Bytes& der = certificate.der();
    const unsigned char* p = der.data();
    X509Ptr x509(::d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    ossl_check(x509 != nullptr, Errc::Internal, "cannot re-read a certificate");
    return x509;
}

void check_request(const Pkcs12WriteRequest& request, const Secret& password) {
    if (!request.key && !request.certificate && request.chain.empty()) {
        throw Error(Errc::InvalidArgument, "nothing to write: no key and no certificate");
    }
    if (password.empty()) {
        throw Error(Errc::InvalidArgument, "the password of the new .p12 is empty", {},
                    "choose a password: a .p12 with an empty one protects nothing");
    }
    if (request.key && request.certificate && !request.key->matches(*request.certificate)) {
        throw Error(Errc::KeyMismatch, "the key does not belong to the certificate", {},
                    "give the certificate whose public key is this key's");
    }
    if (request.profile == Pkcs12Profile::Legacy && !ensure_legacy_provider()) {
        throw Error(Errc::Unsupported,
                    "cannot encrypt with RC2-40-CBC: OpenSSL's legacy provider is missing", {},
                    "use --profile compat (3DES), which every reader of legacy files opens");
    }
}

}  // namespace
}  // namespace detail

std::string_view profile_name(Pkcs12Profile profile) noexcept {
    switch (profile) {
        case Pkcs12Profile::Modern:
            return "modern";
        case Pkcs12Profile::Compat:
            return "compat";
        case Pkcs12Profile::Legacy:
            return "legacy";
    }
    return "modern";
}

std::optional<Pkcs12Profile> profile_from_name(std::string_view name) noexcept {
    for (const Pkcs12Profile profile :
         {Pkcs12Profile::Modern, Pkcs12Profile::Compat, Pkcs12Profile::Legacy}) {
        if (name == profile_name(profile)) {
            return profile;
        }
    }
    return std::nullopt;
}

Bytes write_pkcs12(const Pkcs12WriteRequest& request, const Secret& password) {
    detail::check_request(request, password);
    const detail::ProfileParameters parameters = detail::parameters_of(request.profile);

    detail::X509Ptr certificate;
    if (request.certificate) {
        certificate = detail::plain_x509(*request.certificate);
    }
    detail::X509StackPtr chain(sk_X509_new_null());
    detail::ossl_check(chain != nullptr, Errc::Internal, "out of memory");
    for (const Certificate& member : request.chain) {
        detail::X509Ptr x509 = detail::plain_x509(member);
        detail::ossl_check(sk_X509_push(chain.get(), x509.get()) > 0, Errc::Internal,
                           "out of memory");
        x509.release();  // the stack owns it now
    }

    // PKCS12_create_ex gives the certificate's bag and the key's bag the same localKeyID (SHA-1
    // of the certificate) and friendlyName, puts every certificate into one encrypted
    // SafeContents and the shrouded key into a plain one, as Windows' own export does. The key
    // goes through a PKCS8_PRIV_KEY_INFO that OpenSSL clears before freeing. mac_iter -1: no
    // MAC yet, because PKCS12_create_ex would choose its digest itself.
    detail::clear_error_queue();
    const char* name = request.friendly_name.empty() ? nullptr : request.friendly_name.c_str();
    EVP_PKEY* key = request.key ? detail::pkey_of(*request.key) : nullptr;  // borrowed
    const detail::Pkcs12Ptr p12(::PKCS12_create_ex(
        password.c_str(), name, key, certificate.get(), chain.get(), parameters.key_nid,
        parameters.certificate_nid, detail::kIterations, -1, 0, nullptr, nullptr));
    detail::ossl_check(p12 != nullptr, Errc::Unsupported, "cannot build the PKCS#12 file");

    // RFC 7292 appendix B.4: the MAC key comes from the PKCS#12 KDF with the MAC's own digest,
    // so the digest decides who can verify it (gpgsm 2.2 and Windows before 10 1709: SHA-1).
    // saltlen 0: OpenSSL's default, 8 random bytes.
    detail::ossl_check(::PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, 0,
                                        detail::kIterations, parameters.mac_digest()) == 1,
                       Errc::Internal, "cannot compute the PKCS#12 MAC");
    return detail::to_der(p12.get(), ::i2d_PKCS12);
}

}  // namespace smimekit
