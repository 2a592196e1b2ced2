// SPDX-License-Identifier: Apache-2.0
// Certs-only PKCS#7 through OpenSSL's PKCS7 type, which reads BER (indefinite lengths, as gpgsm,
// NSS and the RFC 4134 examples write) as well as DER.
#include "smimekit/pkcs7.hpp"

#include "detail/certificate_impl.hpp"

#include <climits>

namespace smimekit {

std::vector<Certificate> decode_certs_only(BytesView der) {
    detail::ossl_check(der.size() <= static_cast<std::size_t>(LONG_MAX), Errc::Malformed,
                       "PKCS#7 too large");
    const unsigned char* p = der.data();
    const detail::Pkcs7Ptr pkcs7(::d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    detail::ossl_check(pkcs7 != nullptr, Errc::Malformed, "not a PKCS#7 structure");
    detail::ossl_check(PKCS7_type_is_signed(pkcs7.get()) && pkcs7->d.sign != nullptr,
                       Errc::Malformed, "PKCS#7 but not SignedData (certs-only)");
    std::vector<Certificate> certificates;
    const STACK_OF(X509)* stack = pkcs7->d.sign->cert;  // get0: owned by the PKCS7
    for (int i = 0; i < sk_X509_num(stack); ++i) {
        X509* const x509 = sk_X509_value(stack, i);
        detail::ossl_check(::X509_up_ref(x509) == 1, Errc::Internal, "X509_up_ref failed");
        certificates.push_back(detail::make_certificate(detail::X509Ptr(x509)));
    }
    return certificates;
}

Bytes encode_certs_only(const std::vector<Certificate>& certificates) {
    const detail::Pkcs7Ptr pkcs7(::PKCS7_new());
    detail::ossl_check(pkcs7 != nullptr, Errc::Internal, "out of memory");
    detail::ossl_check(::PKCS7_set_type(pkcs7.get(), NID_pkcs7_signed) == 1 &&
                           ::PKCS7_content_new(pkcs7.get(), NID_pkcs7_data) == 1,
                       Errc::Internal, "cannot build a PKCS#7 SignedData");
    for (const Certificate& certificate : certificates) {
        // PKCS7_add_certificate takes its own reference (set1 semantics).
        detail::ossl_check(::PKCS7_add_certificate(pkcs7.get(), detail::x509_of(certificate)) == 1,
                           Errc::Internal, "cannot add a certificate to a PKCS#7 bundle");
    }
    return detail::to_der(pkcs7.get(),
                          [](const PKCS7* value, unsigned char** out) { return ::i2d_PKCS7(value, out); });
}

}  // namespace smimekit
