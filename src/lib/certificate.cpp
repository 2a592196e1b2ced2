// SPDX-License-Identifier: Apache-2.0
// Certificate: parsing once, then answering questions from OpenSSL's parsed X509. DER, digests
// and name encodings are computed at construction because every caller needs them and a
// certificate is immutable.
#include "smimekit/certificate.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/pem.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace smimekit {
namespace detail {
namespace {

Bytes name_der(const X509_NAME* name) {
    const unsigned char* encoded = nullptr;
    std::size_t size = 0;
    // get0: borrowed view of the cached encoding.
    ossl_check(::X509_NAME_get0_der(name, &encoded, &size) == 1, Errc::Malformed,
               "cannot encode a distinguished name");
    return {encoded, encoded + size};
}

std::string asn1_string_text(const ASN1_STRING* value) {
    unsigned char* utf8 = nullptr;
    const int size = ::ASN1_STRING_to_UTF8(&utf8, value);
    if (size < 0) {
        return {};
    }
    const OpensslStringPtr owned(reinterpret_cast<char*>(utf8));
    return {owned.get(), static_cast<std::size_t>(size)};
}

std::string ia5_text(const ASN1_IA5STRING* value) {
    return {reinterpret_cast<const char*>(::ASN1_STRING_get0_data(value)),
            static_cast<std::size_t>(::ASN1_STRING_length(value))};
}

template <class T>
struct ExtensionValue {
    std::unique_ptr<T, void (*)(T*)> value;
    bool critical = false;
};

// The decoded value of extension `nid`, or nullptr when absent (or undecodable).
template <class T>
ExtensionValue<T> extension(X509* x509, int nid, void (*free_fn)(T*)) {
    int critical = 0;
    // d2i: we own the result.
    T* raw = static_cast<T*>(::X509_get_ext_d2i(x509, nid, &critical, nullptr));
    return {std::unique_ptr<T, void (*)(T*)>(raw, free_fn), critical == 1};
}

void free_general_names(GENERAL_NAMES* names) {
    ::GENERAL_NAMES_free(names);
}
void free_info_access(AUTHORITY_INFO_ACCESS* access) {
    ::AUTHORITY_INFO_ACCESS_free(access);
}
void free_crl_dist_points(CRL_DIST_POINTS* points) {
    ::CRL_DIST_POINTS_free(points);
}
void free_policies(CERTIFICATEPOLICIES* policies) {
    ::CERTIFICATEPOLICIES_free(policies);
}
void free_eku(EXTENDED_KEY_USAGE* eku) {
    ::EXTENDED_KEY_USAGE_free(eku);
}
void free_basic_constraints(BASIC_CONSTRAINTS* constraints) {
    ::BASIC_CONSTRAINTS_free(constraints);
}

std::vector<std::string> info_access_urls(X509* x509, int method_nid) {
    std::vector<std::string> urls;
    const auto access = extension(x509, NID_info_access, free_info_access);
    if (!access.value) {
        return urls;
    }
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(access.value.get()); ++i) {
        const ACCESS_DESCRIPTION* description = sk_ACCESS_DESCRIPTION_value(access.value.get(), i);
        if (::OBJ_obj2nid(description->method) == method_nid &&
            description->location->type == GEN_URI) {
            urls.push_back(ia5_text(description->location->d.uniformResourceIdentifier));
        }
    }
    return urls;
}

}  // namespace

std::string name_text(const X509_NAME* name) {
    const BioPtr bio(::BIO_new(::BIO_s_mem()));
    ossl_check(bio != nullptr, Errc::Internal, "out of memory");
    // RFC 2253 form without escaping UTF-8: "CN=Jörg,O=Example".
    constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
    ossl_check(::X509_NAME_print_ex(bio.get(), name, 0, kFlags) >= 0, Errc::Malformed,
               "cannot print a distinguished name");
    return to_string(bio_contents(bio.get()));
}

ObjectId object_id(const ASN1_OBJECT* object, bool long_name) {
    std::array<char, 128> buffer{};
    ::OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object, 1);
    ObjectId id{buffer.data(), buffer.data()};
    const int nid = ::OBJ_obj2nid(object);
    if (nid != NID_undef) {
        const char* name = long_name ? ::OBJ_nid2ln(nid) : ::OBJ_nid2sn(nid);
        if (name != nullptr) {
            id.name = name;
        }
    }
    return id;
}

PublicKeyInfo describe_public_key(const EVP_PKEY* key) {
    PublicKeyInfo info;
    if (key == nullptr) {
        return info;
    }
    info.bits = ::EVP_PKEY_get_bits(key);
    switch (::EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            info.algorithm = KeyAlgorithm::Rsa;
            info.name = "RSA";
            break;
        case EVP_PKEY_RSA_PSS:
            info.algorithm = KeyAlgorithm::RsaPss;
            info.name = "RSA-PSS";
            break;
        case EVP_PKEY_EC: {
            info.algorithm = KeyAlgorithm::Ec;
            info.name = "EC";
            std::array<char, 80> group{};
            std::size_t length = 0;
            if (::EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(),
                                                 group.size(), &length) == 1) {
                const char* nist = ::EC_curve_nid2nist(::OBJ_sn2nid(group.data()));
                info.curve = nist != nullptr ? nist : group.data();
            }
            break;
        }
        case EVP_PKEY_ED25519:
            info.algorithm = KeyAlgorithm::Ed25519;
            info.name = "Ed25519";
            break;
        case EVP_PKEY_ED448:
            info.algorithm = KeyAlgorithm::Ed448;
            info.name = "Ed448";
            break;
        case EVP_PKEY_DSA:
            info.algorithm = KeyAlgorithm::Dsa;
            info.name = "DSA";
            break;
        default: {
            const char* name = ::EVP_PKEY_get0_type_name(key);
            info.name = name != nullptr ? name : "unknown";
            break;
        }
    }
    return info;
}

Bytes public_key_der(EVP_PKEY* key) {
    return to_der(key, [](const EVP_PKEY* k, unsigned char** out) { return ::i2d_PUBKEY(k, out); });
}

Certificate make_certificate(X509Ptr x509) {
    return Certificate(std::make_shared<const Certificate::Impl>(std::move(x509)));
}

X509Ptr x509_ref(const Certificate& certificate) {
    X509* x509 = x509_of(certificate);
    ossl_check(::X509_up_ref(x509) == 1, Errc::Internal, "X509_up_ref failed");
    return X509Ptr(x509);
}

}  // namespace detail

// ---- Impl ---------------------------------------------------------------------------------

Certificate::Impl::Impl(detail::X509Ptr x509)
    : Impl(std::move(x509), Bytes{}) {}

Certificate::Impl::Impl(detail::X509Ptr x509, Bytes der) : m_x509(std::move(x509)), m_der(std::move(der)) {
    X509* const cert = m_x509.get();
    if (m_der.empty()) {
        m_der = detail::to_der(cert, [](const X509* x, unsigned char** out) { return ::i2d_X509(x, out); });
    }
    m_sha1 = smimekit::sha1(m_der);
    m_sha256 = smimekit::sha256(m_der);
    m_subject_der = detail::name_der(::X509_get_subject_name(cert));
    m_issuer_der = detail::name_der(::X509_get_issuer_name(cert));
    // The SubjectPublicKeyInfo as encoded in the certificate (get0: borrowed). Not i2d_PUBKEY
    // of the EVP_PKEY: in OpenSSL 3.0 that runs the provider encoder, ~200 us a certificate.
    detail::ossl_check(::X509_get0_pubkey(cert) != nullptr, Errc::Malformed,
                       "unsupported or damaged public key");
    m_public_key_der = detail::to_der(::X509_get_X509_PUBKEY(cert),
                                      [](const X509_PUBKEY* k, unsigned char** out) {
                                          return ::i2d_X509_PUBKEY(k, out);
                                      });
    m_not_before = detail::asn1_time_to_unix(::X509_get0_notBefore(cert));
    m_not_after = detail::asn1_time_to_unix(::X509_get0_notAfter(cert));
    // Fill OpenSSL's lazy extension cache now, while we are the only user of this X509, so
    // that later const use from several threads never writes to it.
    ::X509_check_purpose(cert, -1, 0);
}

// ---- Certificate --------------------------------------------------------------------------

Certificate::Certificate(std::shared_ptr<const Impl> impl) noexcept : m_impl(std::move(impl)) {}

Certificate Certificate::from_der(BytesView der) {
    detail::ossl_check(der.size() <= static_cast<std::size_t>(LONG_MAX), Errc::Malformed,
                       "certificate too large");
    const unsigned char* p = der.data();
    detail::X509Ptr x509(::d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    detail::ossl_check(x509 != nullptr, Errc::Malformed, "not a DER-encoded X.509 certificate");
    detail::ossl_check(p == der.data() + der.size(), Errc::Malformed,
                       "unexpected bytes after the certificate");
    return Certificate(
        std::make_shared<const Impl>(std::move(x509), Bytes(der.begin(), der.end())));
}

Certificate Certificate::from_pem(std::string_view pem) {
    std::vector<Certificate> certificates = certificates_from_pem(pem);
    if (certificates.size() != 1) {
        throw Error(Errc::Malformed, "expected one certificate, found " +
                                         std::to_string(certificates.size()));
    }
    return std::move(certificates.front());
}

const Bytes& Certificate::der() const noexcept {
    return m_impl->m_der;
}

std::string Certificate::pem() const {
    return detail::pem_encode("CERTIFICATE", m_impl->m_der);
}

std::string Certificate::subject() const {
    return detail::name_text(::X509_get_subject_name(m_impl->x509()));
}

std::string Certificate::issuer() const {
    return detail::name_text(::X509_get_issuer_name(m_impl->x509()));
}

const Bytes& Certificate::subject_der() const noexcept {
    return m_impl->m_subject_der;
}

const Bytes& Certificate::issuer_der() const noexcept {
    return m_impl->m_issuer_der;
}

std::string Certificate::common_name() const {
    const X509_NAME* name = ::X509_get_subject_name(m_impl->x509());
    const int index = ::X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0) {
        return {};
    }
    return detail::asn1_string_text(
        ::X509_NAME_ENTRY_get_data(::X509_NAME_get_entry(name, index)));
}

std::string Certificate::serial_hex() const {
    const ASN1_INTEGER* serial = ::X509_get0_serialNumber(m_impl->x509());
    const BytesView magnitude(::ASN1_STRING_get0_data(serial),
                              static_cast<std::size_t>(::ASN1_STRING_length(serial)));
    std::string text = ::ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" : "";
    text += magnitude.empty() ? "00" : to_hex(magnitude);
    return text;
}

int Certificate::version() const noexcept {
    return static_cast<int>(::X509_get_version(m_impl->x509())) + 1;
}

TimePoint Certificate::not_before() const noexcept {
    return from_unix_seconds(m_impl->m_not_before);
}

TimePoint Certificate::not_after() const noexcept {
    return from_unix_seconds(m_impl->m_not_after);
}

bool Certificate::is_valid_at(TimePoint time) const noexcept {
    const std::int64_t t = to_unix_seconds(time);
    return t >= m_impl->m_not_before && t <= m_impl->m_not_after;
}

const Bytes& Certificate::sha1() const noexcept {
    return m_impl->m_sha1;
}

const Bytes& Certificate::sha256() const noexcept {
    return m_impl->m_sha256;
}

std::string Certificate::thumbprint() const {
    return to_hex(m_impl->m_sha1, HexCase::Upper);
}

PublicKeyInfo Certificate::public_key() const {
    return detail::describe_public_key(::X509_get0_pubkey(m_impl->x509()));
}

const Bytes& Certificate::public_key_der() const noexcept {
    return m_impl->m_public_key_der;
}

ObjectId Certificate::signature_algorithm() const {
    const X509_ALGOR* algorithm = nullptr;
    ::X509_get0_signature(nullptr, &algorithm, m_impl->x509());  // get0: borrowed
    const ASN1_OBJECT* object = nullptr;
    ::X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    return detail::object_id(object, true);
}

std::string Certificate::signature_digest() const {
    int digest_nid = NID_undef;
    if (::X509_get_signature_info(m_impl->x509(), &digest_nid, nullptr, nullptr, nullptr) != 1 ||
        digest_nid == NID_undef) {
        return {};
    }
    const char* name = ::OBJ_nid2sn(digest_nid);
    std::string text = name != nullptr ? name : "";
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::optional<KeyUsage> Certificate::key_usage() const {
    X509* const cert = m_impl->x509();
    const int index = ::X509_get_ext_by_NID(cert, NID_key_usage, -1);
    if (index < 0) {
        return std::nullopt;
    }
    const std::uint32_t bits = ::X509_get_key_usage(cert);
    KeyUsage usage;
    usage.digital_signature = (bits & KU_DIGITAL_SIGNATURE) != 0;
    usage.non_repudiation = (bits & KU_NON_REPUDIATION) != 0;
    usage.key_encipherment = (bits & KU_KEY_ENCIPHERMENT) != 0;
    usage.data_encipherment = (bits & KU_DATA_ENCIPHERMENT) != 0;
    usage.key_agreement = (bits & KU_KEY_AGREEMENT) != 0;
    usage.key_cert_sign = (bits & KU_KEY_CERT_SIGN) != 0;
    usage.crl_sign = (bits & KU_CRL_SIGN) != 0;
    usage.encipher_only = (bits & KU_ENCIPHER_ONLY) != 0;
    usage.decipher_only = (bits & KU_DECIPHER_ONLY) != 0;
    usage.critical = ::X509_EXTENSION_get_critical(::X509_get_ext(cert, index)) == 1;
    return usage;
}

std::optional<ExtendedKeyUsage> Certificate::extended_key_usage() const {
    const auto eku = detail::extension(m_impl->x509(), NID_ext_key_usage, detail::free_eku);
    if (!eku.value) {
        return std::nullopt;
    }
    ExtendedKeyUsage usage;
    usage.critical = eku.critical;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.value.get()); ++i) {
        usage.purposes.push_back(detail::object_id(sk_ASN1_OBJECT_value(eku.value.get(), i)));
    }
    return usage;
}

std::optional<BasicConstraints> Certificate::basic_constraints() const {
    const auto constraints =
        detail::extension(m_impl->x509(), NID_basic_constraints, detail::free_basic_constraints);
    if (!constraints.value) {
        return std::nullopt;
    }
    BasicConstraints result;
    result.ca = constraints.value->ca != 0;
    result.critical = constraints.critical;
    if (constraints.value->pathlen != nullptr) {
        result.path_length = ::ASN1_INTEGER_get(constraints.value->pathlen);
    }
    return result;
}

bool Certificate::is_ca() const {
    const auto constraints = basic_constraints();
    return constraints && constraints->ca;
}

bool Certificate::is_self_issued() const noexcept {
    return m_impl->m_subject_der == m_impl->m_issuer_der;
}

std::vector<std::string> Certificate::san_emails() const {
    std::vector<std::string> emails;
    const auto names = detail::extension(m_impl->x509(), NID_subject_alt_name,
                                         detail::free_general_names);
    if (!names.value) {
        return emails;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names.value.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.value.get(), i);
        if (name->type == GEN_EMAIL) {
            emails.push_back(detail::ia5_text(name->d.rfc822Name));
        }
    }
    return emails;
}

std::vector<std::string> Certificate::subject_emails() const {
    std::vector<std::string> emails;
    const X509_NAME* name = ::X509_get_subject_name(m_impl->x509());
    for (int index = ::X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, -1); index >= 0;
         index = ::X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, index)) {
        emails.push_back(
            detail::asn1_string_text(::X509_NAME_ENTRY_get_data(::X509_NAME_get_entry(name, index))));
    }
    return emails;
}

std::vector<std::string> Certificate::email_addresses() const {
    std::vector<std::string> emails = san_emails();
    for (std::string& email : subject_emails()) {
        const bool known = std::any_of(emails.begin(), emails.end(), [&](const std::string& e) {
            return email_matches(e, email);
        });
        if (!known) {
            emails.push_back(std::move(email));
        }
    }
    return emails;
}

std::optional<Bytes> Certificate::subject_key_id() const {
    const ASN1_OCTET_STRING* id = ::X509_get0_subject_key_id(m_impl->x509());
    if (id == nullptr) {
        return std::nullopt;
    }
    const unsigned char* data = ::ASN1_STRING_get0_data(id);
    return Bytes(data, data + ::ASN1_STRING_length(id));
}

std::optional<Bytes> Certificate::authority_key_id() const {
    const ASN1_OCTET_STRING* id = ::X509_get0_authority_key_id(m_impl->x509());
    if (id == nullptr) {
        return std::nullopt;
    }
    const unsigned char* data = ::ASN1_STRING_get0_data(id);
    return Bytes(data, data + ::ASN1_STRING_length(id));
}

std::vector<std::string> Certificate::ca_issuers_urls() const {
    return detail::info_access_urls(m_impl->x509(), NID_ad_ca_issuers);
}

std::vector<std::string> Certificate::ocsp_urls() const {
    return detail::info_access_urls(m_impl->x509(), NID_ad_OCSP);
}

std::vector<std::string> Certificate::crl_urls() const {
    std::vector<std::string> urls;
    const auto points = detail::extension(m_impl->x509(), NID_crl_distribution_points,
                                          detail::free_crl_dist_points);
    if (!points.value) {
        return urls;
    }
    for (int i = 0; i < sk_DIST_POINT_num(points.value.get()); ++i) {
        const DIST_POINT* point = sk_DIST_POINT_value(points.value.get(), i);
        if (point->distpoint == nullptr || point->distpoint->type != 0) {
            continue;  // type 1 is a name relative to the issuer: no URL
        }
        const GENERAL_NAMES* names = point->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
            const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
            if (name->type == GEN_URI) {
                urls.push_back(detail::ia5_text(name->d.uniformResourceIdentifier));
            }
        }
    }
    return urls;
}

std::vector<ObjectId> Certificate::policies() const {
    std::vector<ObjectId> result;
    const auto policies = detail::extension(m_impl->x509(), NID_certificate_policies,
                                            detail::free_policies);
    if (!policies.value) {
        return result;
    }
    for (int i = 0; i < sk_POLICYINFO_num(policies.value.get()); ++i) {
        result.push_back(detail::object_id(sk_POLICYINFO_value(policies.value.get(), i)->policyid));
    }
    return result;
}

std::vector<ExtensionInfo> Certificate::extensions() const {
    std::vector<ExtensionInfo> result;
    X509* const cert = m_impl->x509();
    for (int i = 0; i < ::X509_get_ext_count(cert); ++i) {
        X509_EXTENSION* const extension = ::X509_get_ext(cert, i);  // get0: borrowed
        result.push_back({detail::object_id(::X509_EXTENSION_get_object(extension)),
                          ::X509_EXTENSION_get_critical(extension) == 1,
                          ::X509_supported_extension(extension) == 1});
    }
    return result;
}

bool Certificate::operator==(const Certificate& other) const noexcept {
    return m_impl == other.m_impl || m_impl->m_der == other.m_impl->m_der;
}

// ---- helpers ------------------------------------------------------------------------------

std::vector<std::string> KeyUsage::names() const {
    std::vector<std::string> names;
    const std::array<std::pair<bool, const char*>, 9> bits{{
        {digital_signature, "digitalSignature"},
        {non_repudiation, "nonRepudiation"},
        {key_encipherment, "keyEncipherment"},
        {data_encipherment, "dataEncipherment"},
        {key_agreement, "keyAgreement"},
        {key_cert_sign, "keyCertSign"},
        {crl_sign, "cRLSign"},
        {encipher_only, "encipherOnly"},
        {decipher_only, "decipherOnly"},
    }};
    for (const auto& [set, name] : bits) {
        if (set) {
            names.emplace_back(name);
        }
    }
    return names;
}

bool ExtendedKeyUsage::contains(std::string_view oid) const {
    return std::any_of(purposes.begin(), purposes.end(),
                       [&](const ObjectId& purpose) { return purpose.oid == oid; });
}

bool email_matches(std::string_view a, std::string_view b) noexcept {
    const std::size_t at_a = a.rfind('@');
    const std::size_t at_b = b.rfind('@');
    if (at_a == std::string_view::npos || at_b == std::string_view::npos || at_a != at_b ||
        a.size() != b.size()) {
        return false;
    }
    if (a.substr(0, at_a) != b.substr(0, at_b)) {
        return false;
    }
    return std::equal(a.begin() + static_cast<std::ptrdiff_t>(at_a), a.end(),
                      b.begin() + static_cast<std::ptrdiff_t>(at_b), [](char x, char y) {
                          return std::tolower(static_cast<unsigned char>(x)) ==
                                 std::tolower(static_cast<unsigned char>(y));
                      });
}

namespace detail {

bool is_certificate_pem_label(std::string_view label) noexcept {
    return label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE";
}

Certificate certificate_from_pem_block(const PemBlock& block) {
    try {
        if (block.label == "TRUSTED CERTIFICATE") {
            // OpenSSL's trust settings follow the certificate (X509_CERT_AUX): keep the
            // certificate, drop the local trust settings.
            const unsigned char* p = block.der.data();
            X509Ptr x509(::d2i_X509(nullptr, &p, static_cast<long>(block.der.size())));
            ossl_check(x509 != nullptr, Errc::Malformed, "not a DER-encoded X.509 certificate");
            return make_certificate(std::move(x509));
        }
        return Certificate::from_der(block.der);
    } catch (const Error& error) {
        throw Error(Errc::Malformed, "PEM block " + std::to_string(block.index) + ": " + error.what(),
                    error.detail());
    }
}

}  // namespace detail

std::vector<Certificate> certificates_from_pem(std::string_view pem) {
    std::vector<Certificate> certificates;
    for (const detail::PemBlock& block : detail::parse_pem(pem)) {
        if (detail::is_certificate_pem_label(block.label)) {
            certificates.push_back(detail::certificate_from_pem_block(block));
        }
    }
    return certificates;
}

std::string to_pem(const std::vector<Certificate>& certificates) {
    std::string text;
    for (const Certificate& certificate : certificates) {
        text += certificate.pem();
    }
    return text;
}

}  // namespace smimekit
