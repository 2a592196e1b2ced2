// SPDX-License-Identifier: Apache-2.0
// bench_gen_certs N OUTDIR [--pem]: writes N realistic S/MIME user certificates, all issued by
// one freshly generated CA, as OUTDIR/<dd>/<n>.der (or .pem) in 100 subdirectories, for the
// benchmarks in bench/*.sh; also OUTDIR/ca.der (or .pem) and OUTDIR/files.txt, the certificate
// paths relative to OUTDIR, one a line.
//
// Speed matters (the contacts benchmark wants 100,000 certificates), and OpenSSL 3.0 makes the
// obvious way slow: X509_set_pubkey costs ~300 us (it runs the provider's encoder), and X509_dup
// of a certificate with an RSA key ~150 us (the decoder), where an ECDSA P-256 signature costs
// ~30 us. So:
//  - the subject keys are a handful of RSA-2048 and EC P-256 keys made once and reused (one RSA
//    key per certificate would cost ~100 ms each);
//  - the CA key is EC P-256: an RSA-2048 signature costs ~1 ms;
//  - OpenSSL encodes, once, every part that does not change (issuer name, each key's
//    SubjectPublicKeyInfo, the constant extensions), and each TBSCertificate (RFC 5280 §4.1) is
//    assembled from those DER pieces plus its own serial, validity, subject and SAN, then signed;
//  - one thread per core.
// The first certificate made with each key is parsed back and verified, to prove the assembly.
// Certificates are not reproducible byte for byte: serials are random, as a CA's are.

#include "common.hpp"

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using bench::FilePtr;
using bench::Owned;

namespace fs = std::filesystem;

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

// Named wrappers: a standard library function has no address to take.
void close_file(std::FILE* file) noexcept {
    static_cast<void>(std::fclose(file));
}

using X509Ptr = Owned<X509, &::X509_free>;
using X509ExtensionPtr = Owned<X509_EXTENSION, &::X509_EXTENSION_free>;
using EvpPkeyPtr = Owned<EVP_PKEY, &::EVP_PKEY_free>;
using EvpMdPtr = Owned<EVP_MD, &::EVP_MD_free>;
using EvpMdCtxPtr = Owned<EVP_MD_CTX, &::EVP_MD_CTX_free>;
using ConfPtr = Owned<CONF, &::NCONF_free>;

/// Throws with the OpenSSL error queue (oldest entry first) unless `ok`.
void check(bool ok, std::string_view what) {
    if (ok) {
        return;
    }
    std::string message(what);
    unsigned long code = 0;
    while ((code = ::ERR_get_error()) != 0) {
        std::array<char, 256> text{};
        ::ERR_error_string_n(code, text.data(), text.size());
        message += "; ";
        message += text.data();
    }
    throw std::runtime_error(message);
}

// ---- a minimal DER writer (X.690), enough for what changes per certificate -----------------

namespace tag {
constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kBitString = 0x03;
constexpr std::uint8_t kOctetString = 0x04;
constexpr std::uint8_t kUtf8String = 0x0C;
constexpr std::uint8_t kPrintableString = 0x13;
constexpr std::uint8_t kIa5String = 0x16;
constexpr std::uint8_t kUtcTime = 0x17;
constexpr std::uint8_t kGeneralizedTime = 0x18;
constexpr std::uint8_t kSequence = 0x30;
constexpr std::uint8_t kSet = 0x31;
constexpr std::uint8_t kRfc822Name = 0x81;  // GeneralName [1] IMPLICIT IA5String
constexpr std::uint8_t kExplicit0 = 0xA0;   // TBSCertificate.version
constexpr std::uint8_t kExplicit3 = 0xA3;   // TBSCertificate.extensions
}  // namespace tag

BytesView view(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// Appends tag, definite length and content.
void put(Bytes& out, std::uint8_t type, BytesView content) {
    out.push_back(type);
    const std::size_t length = content.size();
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
    } else {
        std::array<std::uint8_t, sizeof(std::size_t)> digits{};
        std::size_t count = 0;
        for (std::size_t rest = length; rest != 0; rest >>= 8U) {
            digits.at(count++) = static_cast<std::uint8_t>(rest & 0xFFU);
        }
        out.push_back(static_cast<std::uint8_t>(0x80U | count));
        for (std::size_t i = count; i > 0; --i) {
            out.push_back(digits.at(i - 1));
        }
    }
    out.insert(out.end(), content.begin(), content.end());
}

Bytes tlv(std::uint8_t type, BytesView content) {
    Bytes out;
    out.reserve(content.size() + 6);
    put(out, type, content);
    return out;
}

Bytes concat(std::initializer_list<BytesView> parts) {
    Bytes out;
    for (const BytesView part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

/// DER of any OpenSSL object through its i2d function.
template <class T>
Bytes encode(const T* object, int (*i2d)(const T*, unsigned char**)) {
    const int size = i2d(object, nullptr);
    check(size > 0, "i2d");
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    check(i2d(object, &cursor) == size, "i2d");
    return der;
}

/// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
Bytes der_time(std::time_t when) {
    std::tm tm{};
    check(::gmtime_r(&when, &tm) != nullptr, "gmtime_r");
    std::array<char, 20> text{};
    const bool utc = tm.tm_year + 1900 < 2050;
    const std::size_t length =
        std::strftime(text.data(), text.size(), utc ? "%y%m%d%H%M%SZ" : "%Y%m%d%H%M%SZ", &tm);
    check(length > 0, "strftime");
    return tlv(utc ? tag::kUtcTime : tag::kGeneralizedTime,
               view(std::string_view(text.data(), length)));
}

/// One RelativeDistinguishedName: SET { SEQUENCE { type, value } }.
void put_rdn(Bytes& out, BytesView type_oid, std::uint8_t string_tag, std::string_view value) {
    put(out, tag::kSet, tlv(tag::kSequence, concat({type_oid, tlv(string_tag, view(value))})));
}

// Attribute types as encoded OBJECT IDENTIFIERs (X.520 and PKCS #9).
constexpr std::array<std::uint8_t, 5> kOidCountry{0x06, 0x03, 0x55, 0x04, 0x06};
constexpr std::array<std::uint8_t, 5> kOidOrganization{0x06, 0x03, 0x55, 0x04, 0x0A};
constexpr std::array<std::uint8_t, 5> kOidUnit{0x06, 0x03, 0x55, 0x04, 0x0B};
constexpr std::array<std::uint8_t, 5> kOidCommonName{0x06, 0x03, 0x55, 0x04, 0x03};
constexpr std::array<std::uint8_t, 11> kOidEmailAddress{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                                        0xF7, 0x0D, 0x01, 0x09, 0x01};
constexpr std::array<std::uint8_t, 5> kOidSubjectAltName{0x06, 0x03, 0x55, 0x1D, 0x11};
// version [0] EXPLICIT INTEGER 2 (v3).
constexpr std::array<std::uint8_t, 5> kVersion3{tag::kExplicit0, 0x03, tag::kInteger, 0x01, 0x02};

// ---- what the certificates contain ---------------------------------------------------------

/// Names mixed so that subjects vary in length and some need UTF8String.
constexpr std::array<std::string_view, 16> kGivenNames{
    "Alice", "Bob",   "Carol", "Dave",   "Eve",     "Frank", "Grace",  "Jürgen",
    "Zoë",   "Heidi", "Ivan",  "Judith", "Mallory", "Niaj",  "Olivia", "Søren"};
constexpr std::array<std::string_view, 16> kFamilyNames{
    "Smith",  "Müller",  "Dupont", "Rossi",   "García",   "Nowak",    "Johansson", "Schmidt",
    "Martin", "Bernard", "Weber",  "Fischer", "Lefebvre", "Kowalski", "Novák",     "O'Brien"};
struct Organisation {
    std::string_view name;
    std::string_view domain;
    std::string_view country;
};
constexpr std::array<Organisation, 8> kOrganisations{{
    {"Example Corp", "example.com", "US"},
    {"Beispiel GmbH", "beispiel.de", "DE"},
    {"Exemple SARL", "exemple.fr", "FR"},
    {"Esempio S.p.A.", "esempio.it", "IT"},
    {"Przykład Sp. z o.o.", "przyklad.pl", "PL"},
    {"Exempel AB", "exempel.se", "SE"},
    {"Example Health Trust", "example-health.org", "GB"},
    {"Contoso Ltd", "contoso.com", "US"},
}};
constexpr std::array<std::string_view, 5> kUnits{"Sales", "Engineering", "Finance", "Legal",
                                                 "Support"};

/// The ASCII form of a name for an e-mail local part: "Jürgen" -> "jurgen", "O'Brien" -> "obrien".
std::string mailbox_part(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (c >= 'a' && c <= 'z') {
            out += static_cast<char>(c);
        } else if (c >= 0xC0 && i + 1 < name.size()) {
            // The two-byte UTF-8 letters of the lists above become their plain vowel.
            const auto next = static_cast<unsigned char>(name[i + 1]);
            const char plain = next == 0xBC   ? 'u'
                               : next == 0xAB ? 'e'
                               : next == 0xB8 ? 'o'
                               : next == 0xAD ? 'i'
                               : next == 0xA1 ? 'a'
                                              : '\0';
            if (plain != '\0') {
                out += plain;
            }
            ++i;
        }
    }
    return out;
}

/// An extension in OpenSSL's config syntax ("critical,digitalSignature"); `issuer` and
/// `subject` feed the "keyid"/"hash" forms of AKI and SKI.
X509ExtensionPtr make_extension(int nid, const char* value, X509* issuer, X509* subject) {
    // certificatePolicies refuses to work without a config database, even an empty one.
    const ConfPtr config(::NCONF_new(nullptr));
    check(config != nullptr, "NCONF_new");
    X509V3_CTX context;
    ::X509V3_set_ctx(&context, issuer, subject, nullptr, nullptr, 0);
    ::X509V3_set_nconf(&context, config.get());  // borrowed for this call only
    X509ExtensionPtr extension(::X509V3_EXT_nconf_nid(config.get(), &context, nid, value));
    check(extension != nullptr, std::string("cannot make extension ") + value);
    return extension;
}

Bytes extension_der(int nid, const char* value, X509* issuer, X509* subject) {
    return encode<X509_EXTENSION>(make_extension(nid, value, issuer, subject).get(),
                                  &::i2d_X509_EXTENSION);
}

EvpPkeyPtr generate_key(bool rsa) {
    // EVP_RSA_gen/EVP_EC_gen are macros over this variadic call.
    EvpPkeyPtr key(rsa ? ::EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                       : ::EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "key generation");
    return key;
}

std::time_t utc_time(int year, int month, int day) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    return ::timegm(&tm);
}

/// One of the reused subject keys, with the DER of what depends on it alone.
struct SubjectKey {
    Bytes public_key_info;  // SubjectPublicKeyInfo
    Bytes key_usage;        // the extension; depends on the key type (RFC 8550 §4.4.2)
    Bytes subject_key_id;   // the extension (RFC 5280 §4.2.1.2, method 1)
};

/// Everything the workers share, read-only once built.
struct Issuer {
    EvpPkeyPtr key;
    X509Ptr certificate;
    Bytes name;  // the CA's subject, the users' issuer
    Bytes signature_algorithm;
    std::vector<SubjectKey> subject_keys;
    Bytes basic_constraints;
    Bytes eku_email;
    Bytes eku_email_client;
    Bytes authority_key_id;
    Bytes crl_points;
    Bytes authority_info;
    Bytes policies;
};

Issuer make_issuer() {
    Issuer issuer;
    issuer.key = generate_key(false);
    issuer.certificate.reset(::X509_new());
    X509* const ca = issuer.certificate.get();
    check(ca != nullptr, "X509_new");
    check(::X509_set_version(ca, X509_VERSION_3) == 1, "X509_set_version");
    check(::ASN1_INTEGER_set(::X509_get_serialNumber(ca), 0x5EED) == 1, "serial");  // get0
    X509_NAME* const name = ::X509_get_subject_name(ca);  // get0: owned by the certificate
    for (const auto& [nid, value] : {std::pair{NID_countryName, "DE"},
                                     std::pair{NID_organizationName, "smimekit Benchmark PKI"},
                                     std::pair{NID_commonName, "smimekit Benchmark S/MIME CA"}}) {
        check(::X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                           reinterpret_cast<const unsigned char*>(value), -1, -1,
                                           0) == 1,
              "X509_NAME_add_entry_by_NID");
    }
    check(::X509_set_issuer_name(ca, name) == 1, "X509_set_issuer_name");  // copies
    // getm: mutable views into the certificate's own times.
    check(::ASN1_TIME_set(::X509_getm_notBefore(ca), utc_time(2025, 1, 1)) != nullptr, "time");
    check(::ASN1_TIME_set(::X509_getm_notAfter(ca), utc_time(2045, 1, 1)) != nullptr, "time");
    check(::X509_set_pubkey(ca, issuer.key.get()) == 1, "X509_set_pubkey");  // up-refs the key
    for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                     std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                     std::pair{NID_subject_key_identifier, "hash"}}) {
        // add_ext copies the extension.
        check(::X509_add_ext(ca, make_extension(nid, value, ca, ca).get(), -1) == 1,
              "X509_add_ext");
    }
    check(::X509_sign(ca, issuer.key.get(), ::EVP_sha256()) > 0, "signing the CA");

    issuer.name = encode<X509_NAME>(name, &::i2d_X509_NAME);
    // get0: the CA's own AlgorithmIdentifier, ecdsa-with-SHA256, reused in every certificate.
    issuer.signature_algorithm = encode<X509_ALGOR>(::X509_get0_tbs_sigalg(ca), &::i2d_X509_ALGOR);
    issuer.basic_constraints =
        extension_der(NID_basic_constraints, "critical,CA:FALSE", ca, nullptr);
    issuer.eku_email = extension_der(NID_ext_key_usage, "emailProtection", ca, nullptr);
    issuer.eku_email_client =
        extension_der(NID_ext_key_usage, "emailProtection,clientAuth", ca, nullptr);
    issuer.authority_key_id =
        extension_der(NID_authority_key_identifier, "keyid:always", ca, nullptr);
    issuer.crl_points = extension_der(NID_crl_distribution_points,
                                      "URI:http://crl.example.net/smime-ca.crl", ca, nullptr);
    issuer.authority_info = extension_der(
        NID_info_access,
        "caIssuers;URI:http://pki.example.net/smime-ca.cer,OCSP;URI:http://ocsp.example.net", ca,
        nullptr);
    // 2.23.140.1.5.4.2: CA/Browser Forum S/MIME BR, sponsor-validated multipurpose.
    issuer.policies = extension_der(NID_certificate_policies, "2.23.140.1.5.4.2", ca, nullptr);

    // Four RSA-2048 keys and two P-256 keys: RSA is still most of what S/MIME users hold.
    for (int k = 0; k < 6; ++k) {
        const bool rsa = k < 4;
        const EvpPkeyPtr key = generate_key(rsa);
        // The "hash" form of SKI reads the public key from a subject certificate.
        const X509Ptr scratch(::X509_new());
        check(scratch != nullptr, "X509_new");
        check(::X509_set_pubkey(scratch.get(), key.get()) == 1, "X509_set_pubkey");  // up-refs
        issuer.subject_keys.push_back(SubjectKey{
            encode<EVP_PKEY>(key.get(), &::i2d_PUBKEY),
            // RFC 8550 §4.4.2: RSA keys sign and encrypt; EC keys sign and agree on keys.
            extension_der(NID_key_usage,
                          rsa ? "critical,digitalSignature,keyEncipherment"
                              : "critical,digitalSignature,keyAgreement",
                          ca, nullptr),
            extension_der(NID_subject_key_identifier, "hash", ca, scratch.get()),
        });
    }
    return issuer;
}

// ---- writing ---------------------------------------------------------------------------------

struct Options {
    std::size_t count = 0;
    fs::path out;
    bool pem = false;
};

void write_file(const fs::path& path, BytesView data) {
    FilePtr file(std::fopen(path.c_str(), "wb"));
    if (!file || std::fwrite(data.data(), 1, data.size(), file.get()) != data.size()) {
        throw std::runtime_error("cannot write " + path.string());
    }
    // Close here rather than in the deleter, to see the error of a delayed write.
    if (std::fclose(file.release()) != 0) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

/// RFC 7468 text: base64 in lines of 64 characters between the CERTIFICATE labels.
Bytes pem_encode(BytesView der) {
    std::string text = "-----BEGIN CERTIFICATE-----\n";
    std::array<unsigned char, 65> line{};
    for (std::size_t at = 0; at < der.size(); at += 48) {
        const std::size_t chunk = std::min<std::size_t>(48, der.size() - at);
        const int length = ::EVP_EncodeBlock(line.data(), der.data() + at, static_cast<int>(chunk));
        text.append(reinterpret_cast<const char*>(line.data()), static_cast<std::size_t>(length));
        text += '\n';
    }
    text += "-----END CERTIFICATE-----\n";
    return {text.begin(), text.end()};
}

/// Certificates per subdirectory: 100 subdirectories, so that no directory grows huge.
std::size_t files_per_directory(const Options& options) {
    constexpr std::size_t kDirectories = 100;
    return (options.count + kDirectories - 1) / kDirectories;
}

/// The path of certificate `index` relative to OUTDIR: "dd/nnnnn.der".
std::string relative_path(const Options& options, std::size_t index) {
    const std::size_t per_directory = files_per_directory(options);
    // Zero-padded to the width of the last number, so that names sort in numeric order.
    const int width = static_cast<int>(std::to_string(options.count - 1).size());
    std::array<char, 48> path{};
    const int length =
        std::snprintf(path.data(), path.size(), "%02zu/%0*zu%s", index / per_directory, width,
                      index, options.pem ? ".pem" : ".der");
    check(length > 0 && static_cast<std::size_t>(length) < path.size(), "path too long");
    return path.data();
}

/// Makes and writes certificates first, first + step, ... below options.count. One per thread.
class Worker final {
public:
    Worker(const Issuer& issuer, const Options& options) : m_issuer(issuer), m_options(options) {
        // Initialise the signature once; every certificate signs with a copy of this context.
        check(m_base != nullptr && m_context != nullptr, "EVP_MD_CTX_new");
        check(::EVP_DigestSignInit_ex(m_base.get(), nullptr, "SHA256", nullptr, nullptr,
                                      m_issuer.key.get(), nullptr) == 1,
              "EVP_DigestSignInit_ex");
    }

    void run(std::size_t first, std::size_t step) {
        for (std::size_t i = first; i < m_options.count; i += step) {
            const Bytes der = make_certificate(i);
            if (i < m_issuer.subject_keys.size()) {
                prove(der);
            }
            write_file(m_options.out / relative_path(m_options, i),
                       m_options.pem ? pem_encode(der) : der);
        }
    }

private:
    Bytes make_certificate(std::size_t i) {
        const std::string_view given = kGivenNames.at(i % kGivenNames.size());
        const std::string_view family =
            kFamilyNames.at((i / kGivenNames.size()) % kFamilyNames.size());
        const Organisation& org = kOrganisations.at((i / 7) % kOrganisations.size());
        const SubjectKey& key = m_issuer.subject_keys.at(i % m_issuer.subject_keys.size());
        const std::string full_name = std::string(given) + " " + std::string(family);
        // The number keeps every address, and so every subject, unique.
        const std::string mailbox = mailbox_part(given) + "." + mailbox_part(family) + "." +
                                    std::to_string(i) + "@" + std::string(org.domain);

        // 16 random bytes, positive and without a leading zero: what CA/B Forum CAs issue
        // (>= 64 bits of randomness, at most 20 octets, RFC 5280 §4.1.2.2).
        std::array<std::uint8_t, 16> serial{};
        check(::RAND_bytes(serial.data(), static_cast<int>(serial.size())) == 1, "RAND_bytes");
        serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7FU) | 0x01U);

        // Not-before dates spread over two years from mid-2028 and lifetimes of one to three
        // years, so that at the benchmarks' pinned clock (2030-01-01) most are valid, some not.
        constexpr std::time_t kDay = std::time_t{24} * 60 * 60;
        static const std::time_t first_day = utc_time(2028, 6, 1);
        const auto n = static_cast<std::time_t>(i);
        const std::time_t not_before = first_day + (n % 730) * kDay + n % 86400;
        const std::time_t not_after = not_before + 365 * (1 + n % 3) * kDay;

        Bytes rdns;
        put_rdn(rdns, kOidCountry, tag::kPrintableString, org.country);
        put_rdn(rdns, kOidOrganization, tag::kUtf8String, org.name);
        if (i % 3 == 0) {
            put_rdn(rdns, kOidUnit, tag::kUtf8String, kUnits.at(i % kUnits.size()));
        }
        put_rdn(rdns, kOidCommonName, tag::kUtf8String, full_name);
        // The S/MIME BR still allow the address in the subject, and many CAs put it there.
        if (i % 2 == 0) {
            put_rdn(rdns, kOidEmailAddress, tag::kIa5String, mailbox);
        }

        // SAN rfc822Name: the address, and for every fifth user an alias as well. Not critical:
        // the subject is not empty (RFC 5280 §4.2.1.6).
        Bytes names = tlv(tag::kRfc822Name, view(mailbox));
        if (i % 5 == 0) {
            const std::string alias =
                mailbox_part(given) + std::to_string(i) + "@mail." + std::string(org.domain);
            put(names, tag::kRfc822Name, view(alias));
        }
        const Bytes san =
            tlv(tag::kSequence,
                concat({kOidSubjectAltName, tlv(tag::kOctetString, tlv(tag::kSequence, names))}));

        const Bytes extensions =
            tlv(tag::kExplicit3,
                tlv(tag::kSequence,
                    concat({m_issuer.basic_constraints, key.key_usage,
                            i % 4 == 0 ? m_issuer.eku_email_client : m_issuer.eku_email, san,
                            key.subject_key_id, m_issuer.authority_key_id, m_issuer.crl_points,
                            m_issuer.authority_info, m_issuer.policies})));

        const Bytes tbs =
            tlv(tag::kSequence,
                concat({kVersion3, tlv(tag::kInteger, serial), m_issuer.signature_algorithm,
                        m_issuer.name,
                        tlv(tag::kSequence, concat({der_time(not_before), der_time(not_after)})),
                        tlv(tag::kSequence, rdns), key.public_key_info, extensions}));

        // BIT STRING with no unused bits, holding the DER Ecdsa-Sig-Value.
        check(::EVP_MD_CTX_copy_ex(m_context.get(), m_base.get()) == 1, "EVP_MD_CTX_copy_ex");
        std::array<std::uint8_t, 1 + 80> signature{};  // a P-256 signature is at most 72 bytes
        std::size_t signature_size = signature.size() - 1;
        check(::EVP_DigestSign(m_context.get(), signature.data() + 1, &signature_size, tbs.data(),
                               tbs.size()) == 1,
              "EVP_DigestSign");
        return tlv(tag::kSequence,
                   concat({tbs, m_issuer.signature_algorithm,
                           tlv(tag::kBitString, BytesView(signature.data(), 1 + signature_size))}));
    }

    /// Parses `der` back and checks the CA's signature on it.
    void prove(const Bytes& der) const {
        const unsigned char* cursor = der.data();
        const X509Ptr parsed(::d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
        check(parsed != nullptr && cursor == der.data() + der.size(),
              "a generated certificate does not parse");
        check(::X509_verify(parsed.get(), m_issuer.key.get()) == 1,
              "a generated certificate does not verify");
    }

    const Issuer& m_issuer;
    const Options& m_options;
    EvpMdCtxPtr m_base{::EVP_MD_CTX_new()};
    EvpMdCtxPtr m_context{::EVP_MD_CTX_new()};
};

Options parse_arguments(int argc, char** argv) {
    Options options;
    std::vector<std::string_view> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--pem") {
            options.pem = true;
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) {
        throw std::invalid_argument("usage: bench_gen_certs N OUTDIR [--pem]");
    }
    const std::string count(positional[0]);
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(count, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != count.size() || n == 0) {
        throw std::invalid_argument("N must be a positive number, not '" + count + "'");
    }
    options.count = static_cast<std::size_t>(n);
    options.out = fs::path(positional[1]);
    return options;
}

int run(const Options& options) {
    const auto started = std::chrono::steady_clock::now();
    fs::create_directories(options.out);
    for (std::size_t i = 0; i < options.count; i += files_per_directory(options)) {
        fs::create_directories((options.out / relative_path(options, i)).parent_path());
    }

    const Issuer issuer = make_issuer();
    const Bytes ca_der = encode<X509>(issuer.certificate.get(), &::i2d_X509);
    write_file(options.out / (options.pem ? "ca.pem" : "ca.der"),
               options.pem ? pem_encode(ca_der) : ca_der);
    const auto keys_done = std::chrono::steady_clock::now();

    // One worker per core; an exception in one is rethrown here after all have stopped.
    const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16);
    std::vector<std::exception_ptr> failures(threads);
    {
        std::vector<std::jthread> pool;
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                try {
                    Worker(issuer, options).run(t, threads);
                } catch (...) {
                    failures[t] = std::current_exception();
                }
            });
        }
    }  // jthread joins here
    for (const std::exception_ptr& failure : failures) {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }

    std::string list;
    for (std::size_t i = 0; i < options.count; ++i) {
        list += relative_path(options, i);
        list += '\n';
    }
    write_file(options.out / "files.txt", view(list));

    const auto done = std::chrono::steady_clock::now();
    const double key_seconds = std::chrono::duration<double>(keys_done - started).count();
    const double seconds = std::chrono::duration<double>(done - keys_done).count();
    std::cerr << "bench_gen_certs: wrote " << options.count << " certificates to "
              << options.out.string() << " in " << seconds << " s ("
              << seconds * 1e6 / static_cast<double>(options.count) << " us each, " << threads
              << " threads), after " << key_seconds << " s making keys\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_arguments(argc, argv));
    } catch (const std::invalid_argument& error) {
        std::cerr << "bench_gen_certs: " << error.what() << '\n';
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "bench_gen_certs: error: " << error.what() << '\n';
        return 1;
    }
}
