// SPDX-License-Identifier: Apache-2.0
// Decoding the AlgorithmIdentifiers of PKCS#12 (RFC 7292) and PKCS#5 (RFC 8018): which scheme,
// cipher, KDF, PRF and iteration count protect a part of the file, and whether this OpenSSL
// has every algorithm needed to undo it, checked before any password is tried.
#include "detail/pkcs12_params.hpp"

#include "detail/certificate_impl.hpp"

#include <openssl/kdf.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>

namespace smimekit::detail {
namespace {


/// A scheme whose OID says everything but salt and iterations (the PBEParameter).
struct PbeRow {
    int nid;
    std::string_view scheme;
    std::string_view cipher;        ///< as Pkcs12Info shows it
    std::string_view cipher_fetch;  ///< as EVP_CIPHER_fetch knows it
    std::string_view kdf;
    std::string_view kdf_fetch;
    std::string_view digest;
};

// RFC 7292 appendix C (pkcs-12PbeIds, "PKCS#12 PBE", key derivation of appendix B) and
// RFC 8018 appendix A.3 (PBES1, PBKDF1). The RC2 key of PBES1 is 64 bits (RFC 8018 §6.1.1).
constexpr std::array<PbeRow, 12> kPbeTable{{
    {NID_pbe_WithSHA1And128BitRC4, "PKCS#12 PBE", "RC4-128", "RC4", "PKCS#12 KDF", "PKCS12KDF",
     "SHA1"},
    {NID_pbe_WithSHA1And40BitRC4, "PKCS#12 PBE", "RC4-40", "RC4-40", "PKCS#12 KDF", "PKCS12KDF",
     "SHA1"},
    {NID_pbe_WithSHA1And3_Key_TripleDES_CBC, "PKCS#12 PBE", "3DES-CBC", "DES-EDE3-CBC",
     "PKCS#12 KDF", "PKCS12KDF", "SHA1"},
    {NID_pbe_WithSHA1And2_Key_TripleDES_CBC, "PKCS#12 PBE", "2-key 3DES-CBC", "DES-EDE-CBC",
     "PKCS#12 KDF", "PKCS12KDF", "SHA1"},
    {NID_pbe_WithSHA1And128BitRC2_CBC, "PKCS#12 PBE", "RC2-128-CBC", "RC2-CBC", "PKCS#12 KDF",
     "PKCS12KDF", "SHA1"},
    {NID_pbe_WithSHA1And40BitRC2_CBC, "PKCS#12 PBE", "RC2-40-CBC", "RC2-40-CBC", "PKCS#12 KDF",
     "PKCS12KDF", "SHA1"},
    {NID_pbeWithMD2AndDES_CBC, "PBES1", "DES-CBC", "DES-CBC", "PBKDF1", "PBKDF1", "MD2"},
    {NID_pbeWithMD5AndDES_CBC, "PBES1", "DES-CBC", "DES-CBC", "PBKDF1", "PBKDF1", "MD5"},
    {NID_pbeWithSHA1AndDES_CBC, "PBES1", "DES-CBC", "DES-CBC", "PBKDF1", "PBKDF1", "SHA1"},
    {NID_pbeWithMD2AndRC2_CBC, "PBES1", "RC2-64-CBC", "RC2-64-CBC", "PBKDF1", "PBKDF1", "MD2"},
    {NID_pbeWithMD5AndRC2_CBC, "PBES1", "RC2-64-CBC", "RC2-64-CBC", "PBKDF1", "PBKDF1", "MD5"},
    {NID_pbeWithSHA1AndRC2_CBC, "PBES1", "RC2-64-CBC", "RC2-64-CBC", "PBKDF1", "PBKDF1", "SHA1"},
}};

std::int64_t iteration_count(const ASN1_INTEGER* iterations) {
    std::int64_t value = 0;
    ossl_check(
        iterations != nullptr && ::ASN1_INTEGER_get_int64(&value, iterations) == 1 && value > 0,
        Errc::Malformed, "damaged PKCS#12 file: invalid iteration count");
    // Checked before any key is derived: OpenSSL runs whatever count the file names, and one
    // file with 2^31 iterations would keep an import busy for hours (found by the hardening
    // of issue 12).
    if (value > kMaxKdfIterations) {
        throw Error(Errc::Unsupported,
                    "the iteration count " + std::to_string(value) + " is beyond the limit of " +
                        std::to_string(kMaxKdfIterations) +
                        " (trying one password would take minutes or hours)",
                    {},
                    "real exports use a few thousand (OpenSSL 2048, Windows 2000); do not trust "
                    "this file");
    }
    return value;
}

/// The algorithm's parameters as a `T` (PBEPARAM, PBE2PARAM, ...), owned by the caller.
template <class T>
T* unpack_parameters(const ASN1_ITEM* item, const X509_ALGOR* algorithm, std::string_view what) {
    auto* parameters = static_cast<T*>(::ASN1_TYPE_unpack_sequence(item, algorithm->parameter));
    ossl_check(parameters != nullptr, Errc::Malformed,
               "damaged PKCS#12 file: invalid " + std::string(what) + " parameters");
    return parameters;
}

PbeAlgorithm describe_table_scheme(const PbeRow& row, const X509_ALGOR* algorithm) {
    const PbeParamPtr parameters(
        unpack_parameters<PBEPARAM>(ASN1_ITEM_rptr(PBEPARAM), algorithm, row.scheme));
    PbeAlgorithm result;
    result.description = {std::string(row.scheme), object_id(algorithm->algorithm, true).name,
                          std::string(row.cipher), std::string(row.kdf),
                          std::string(row.digest), iteration_count(parameters->iter)};
    result.cipher_fetch_name = row.cipher_fetch;
    result.kdf_fetch_name = row.kdf_fetch;
    result.digest_fetch_name = row.digest;
    return result;
}

// PBES2's encryptionScheme (RFC 8018 §6.2, appendix B.2): a cipher OID with its IV.
void describe_pbes2_cipher(const X509_ALGOR* encryption, PbeAlgorithm& result) {
    const int nid = ::OBJ_obj2nid(encryption->algorithm);
    if (nid == NID_undef) {
        result.description.cipher = object_id(encryption->algorithm).oid;
        result.problem = "unknown cipher " + result.description.cipher;
        return;
    }
    result.cipher_fetch_name = ::OBJ_nid2sn(nid);
    // "DES-EDE3-CBC" is what OpenSSL calls it; everyone else (Windows, NSS) says 3DES.
    result.description.cipher =
        nid == NID_des_ede3_cbc ? std::string("3DES-CBC") : result.cipher_fetch_name;
}

// PBKDF2's PRF (RFC 8018 appendix A.2): "prf AlgorithmIdentifier {{PBKDF2-PRFs}} DEFAULT
// algid-hmacWithSHA1".
void describe_pbkdf2_prf(const X509_ALGOR* prf, PbeAlgorithm& result) {
    if (prf == nullptr) {
        result.digest_fetch_name = "SHA1";
        result.description.prf = "HMAC-SHA1";
        return;
    }
    const int nid = ::OBJ_obj2nid(prf->algorithm);
    int digest_nid = NID_undef;
    if (nid == NID_undef ||
        ::EVP_PBE_find(EVP_PBE_TYPE_PRF, nid, nullptr, &digest_nid, nullptr) != 1) {
        result.description.prf = object_id(prf->algorithm).name;
        result.problem = "unknown PBKDF2 PRF " + result.description.prf;
        return;
    }
    result.digest_fetch_name = ::OBJ_nid2sn(digest_nid);
    result.description.prf = "HMAC-" + result.digest_fetch_name;  // hmacWithSHA256: HMAC-SHA256
}

// PBES2's keyDerivationFunc (RFC 8018 §6.2): PBKDF2 in every PKCS#12 file seen; scrypt
// (RFC 7914 §7) is possible, and its cost is not an iteration count, so iterations stay 0.
void describe_pbes2_kdf(const X509_ALGOR* kdf, PbeAlgorithm& result) {
    const int nid = ::OBJ_obj2nid(kdf->algorithm);
    if (nid == NID_id_scrypt) {
        result.description.kdf = "scrypt";
        result.kdf_fetch_name = "SCRYPT";
        return;
    }
    if (nid != NID_id_pbkdf2) {
        result.description.kdf = object_id(kdf->algorithm).name;
        result.problem = "unknown key derivation function " + result.description.kdf;
        return;
    }
    const Pbkdf2ParamPtr parameters(
        unpack_parameters<PBKDF2PARAM>(ASN1_ITEM_rptr(PBKDF2PARAM), kdf, "PBKDF2"));
    result.description.kdf = "PBKDF2";
    result.kdf_fetch_name = "PBKDF2";
    result.description.iterations = iteration_count(parameters->iter);
    describe_pbkdf2_prf(parameters->prf, result);
}

PbeAlgorithm describe_pbes2(const X509_ALGOR* algorithm) {
    const Pbe2ParamPtr parameters(
        unpack_parameters<PBE2PARAM>(ASN1_ITEM_rptr(PBE2PARAM), algorithm, "PBES2"));
    ossl_check(parameters->keyfunc != nullptr && parameters->encryption != nullptr, Errc::Malformed,
               "damaged PKCS#12 file: invalid PBES2 parameters");
    PbeAlgorithm result;
    result.description.scheme = "PBES2";
    result.description.algorithm = object_id(algorithm->algorithm, true).name;
    describe_pbes2_cipher(parameters->encryption, result);
    describe_pbes2_kdf(parameters->keyfunc, result);
    return result;
}

std::string unavailable(std::string_view what) {
    std::string message = "cannot decrypt: " + std::string(what) + " is not available";
    if (needs_legacy_provider(what) && !ensure_legacy_provider()) {
        message += " (OpenSSL's legacy provider is missing)";
    }
    return message;
}

}  // namespace

PbeAlgorithm describe_pbe(const X509_ALGOR* algorithm) {
    ossl_check(algorithm != nullptr && algorithm->algorithm != nullptr, Errc::Malformed,
               "damaged PKCS#12 file: missing encryption algorithm");
    const int nid = ::OBJ_obj2nid(algorithm->algorithm);
    if (nid == NID_pbes2) {
        return describe_pbes2(algorithm);
    }
    for (const PbeRow& row : kPbeTable) {
        if (row.nid == nid) {
            return describe_table_scheme(row, algorithm);
        }
    }
    PbeAlgorithm unknown;
    unknown.description.algorithm = object_id(algorithm->algorithm, true).name;
    unknown.problem = "unknown encryption scheme " + unknown.description.algorithm;
    return unknown;
}

void require_available(const PbeAlgorithm& algorithm) {
    if (!algorithm.problem.empty()) {
        throw Error(Errc::Unsupported, "cannot decrypt: " + algorithm.problem);
    }
    const Pkcs12Encryption& description = algorithm.description;
    // Fetching is how OpenSSL 3 says whether a provider implements an algorithm; the fetched
    // objects are dropped at once.
    const EvpCipherPtr cipher(
        ::EVP_CIPHER_fetch(nullptr, algorithm.cipher_fetch_name.c_str(), nullptr));
    ossl_check(cipher != nullptr, Errc::Unsupported, unavailable(description.cipher));
    const EvpKdfPtr kdf(::EVP_KDF_fetch(nullptr, algorithm.kdf_fetch_name.c_str(), nullptr));
    ossl_check(kdf != nullptr, Errc::Unsupported, unavailable(description.kdf));
    if (!algorithm.digest_fetch_name.empty()) {
        const EvpMdPtr digest(
            ::EVP_MD_fetch(nullptr, algorithm.digest_fetch_name.c_str(), nullptr));
        ossl_check(digest != nullptr, Errc::Unsupported, unavailable(algorithm.digest_fetch_name));
    }
}

bool needs_legacy_provider(std::string_view cipher) noexcept {
    // OpenSSL 3.0's OSSL_PROVIDER-legacy(7): "MD2, MD4, MDC2, WHIRLPOOL, Blowfish, CAST, DES
    // (not 3DES), IDEA, RC2, RC4, RC5, SEED, PBKDF1", spelled here as Pkcs12Encryption does.
    constexpr std::array<std::string_view, 14> kLegacy{
        "RC2",  "RC4",  "RC5", "DES-CBC", "DESX", "BF-",       "CAST",
        "IDEA", "SEED", "MD2", "MD4",     "MDC2", "WHIRLPOOL", "PBKDF1"};
    return std::any_of(kLegacy.begin(), kLegacy.end(),
                       [&](std::string_view prefix) { return cipher.starts_with(prefix); });
}

void require_bounded_cost(const X509_ALGOR* algorithm) {
    try {
        (void)describe_pbe(algorithm);
    } catch (const Error& error) {
        if (error.code() == Errc::Unsupported) {
            throw;
        }
    }
}

std::optional<Pkcs12Mac> describe_mac(const PKCS12* p12) {
    if (::PKCS12_mac_present(p12) != 1) {
        return std::nullopt;
    }
    const X509_ALGOR* algorithm = nullptr;
    const ASN1_OCTET_STRING* salt = nullptr;
    const ASN1_INTEGER* iterations = nullptr;
    ::PKCS12_get0_mac(nullptr, &algorithm, &salt, &iterations, p12);  // get0: borrowed from p12
    ossl_check(algorithm != nullptr && algorithm->algorithm != nullptr && salt != nullptr,
               Errc::Malformed, "damaged PKCS#12 file: invalid MacData");
    Pkcs12Mac mac;
    mac.algorithm = ::OBJ_obj2nid(algorithm->algorithm) == NID_pbmac1
                        ? std::string("PBMAC1")
                        : object_id(algorithm->algorithm).name;  // "SHA256"
    // RFC 7292 section 4: "iterations INTEGER DEFAULT 1".
    mac.iterations = iterations == nullptr ? 1 : iteration_count(iterations);
    mac.salt_length = static_cast<std::size_t>(::ASN1_STRING_length(salt));
    return mac;
}

bool same_protection(const Pkcs12Encryption& a, const Pkcs12Encryption& b) noexcept {
    return a.scheme == b.scheme && a.algorithm == b.algorithm && a.cipher == b.cipher &&
           a.kdf == b.kdf && a.prf == b.prf && a.iterations == b.iterations;
}

}  // namespace smimekit::detail
