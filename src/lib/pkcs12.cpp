// SPDX-License-Identifier: Apache-2.0
// read_pkcs12: opening any .p12 (PBES2, legacy RC2-40/3DES, no password, no MAC) with as few
// password prompts as possible, matching the key to its certificate by public key, and saying
// how the file is protected and which platforms can import it.
#include "smimekit/pkcs12.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/pkcs12_params.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <climits>
#include <initializer_list>

namespace smimekit {
namespace detail {
namespace {

// ---- the outer structure ------------------------------------------------------------------

enum class AuthSafeType { NotPfx, Data, Signed };

struct DerHeader {
    std::size_t header_size = 0;
    std::optional<std::size_t> length;  ///< nullopt: a BER indefinite length
};

/// The tag-and-length header at the start of `in`, if it has tag `tag`. Lengths of more than
/// four bytes (4 GiB) are refused.
std::optional<DerHeader> der_header(BytesView in, std::uint8_t tag) noexcept {
    if (in.size() < 2 || in[0] != tag) {
        return std::nullopt;
    }
    const std::size_t first = in[1];
    if (first < 0x80) {
        return DerHeader{2, first};
    }
    if (first == 0x80) {
        return DerHeader{2, std::nullopt};
    }
    const std::size_t count = first & 0x7FU;
    if (count > 4 || in.size() < 2 + count) {
        return std::nullopt;
    }
    std::size_t length = 0;
    for (std::size_t i = 0; i < count; ++i) {
        length = (length << 8U) | in[2 + i];
    }
    return DerHeader{2 + count, length};
}

bool starts_with(BytesView in, BytesView prefix) noexcept {
    return in.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), in.begin());
}

/// What the first bytes say. RFC 7292 section 4: "PFX ::= SEQUENCE { version INTEGER {v3(3)}
/// (v3,...), authSafe ContentInfo, macData MacData OPTIONAL }", where authSafe is pkcs7-data
/// (password integrity mode) or pkcs7-signedData (public-key integrity mode).
AuthSafeType auth_safe_type(BytesView der) noexcept {
    constexpr std::array<std::uint8_t, 3> kVersion3{0x02, 0x01, 0x03};
    // 1.2.840.113549.1.7, followed by 1 (data) or 2 (signedData).
    constexpr std::array<std::uint8_t, 10> kPkcs7{0x06, 0x09, 0x2A, 0x86, 0x48,
                                                  0x86, 0xF7, 0x0D, 0x01, 0x07};
    const std::optional<DerHeader> pfx = der_header(der, 0x30);
    if (!pfx || !starts_with(der.subspan(pfx->header_size), kVersion3)) {
        return AuthSafeType::NotPfx;
    }
    const BytesView auth_safe = der.subspan(pfx->header_size + kVersion3.size());
    const std::optional<DerHeader> content_info = der_header(auth_safe, 0x30);
    if (!content_info) {
        return AuthSafeType::NotPfx;
    }
    const BytesView type = auth_safe.subspan(content_info->header_size);
    if (!starts_with(type, kPkcs7) || type.size() <= kPkcs7.size()) {
        return AuthSafeType::NotPfx;
    }
    switch (type[kPkcs7.size()]) {
        case 1:
            return AuthSafeType::Data;
        case 2:
            return AuthSafeType::Signed;
        default:
            return AuthSafeType::NotPfx;
    }
}

std::string damage_cause(BytesView der) {
    const std::optional<DerHeader> pfx = der_header(der, 0x30);
    if (pfx && pfx->length && *pfx->length > der.size() - pfx->header_size) {
        return "truncated (" + std::to_string(der.size()) + " of " +
               std::to_string(pfx->header_size + *pfx->length) + " bytes)";
    }
    return "invalid ASN.1 structure";
}

Pkcs12Ptr parse_pfx(BytesView der) {
    switch (auth_safe_type(der)) {
        case AuthSafeType::NotPfx:
            throw Error(Errc::Malformed, "not a PKCS#12 file");
        case AuthSafeType::Signed:
            throw Error(Errc::Unsupported,
                        "public-key integrity mode (a signed PKCS#12 file) is not supported");
        case AuthSafeType::Data:
            break;
    }
    ossl_check(der.size() <= static_cast<std::size_t>(LONG_MAX), Errc::Malformed, "file too large");
    const unsigned char* p = der.data();
    clear_error_queue();
    Pkcs12Ptr p12(::d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
    if (!p12) {
        throw Error(Errc::Malformed, "damaged PKCS#12 file: " + damage_cause(der),
                    drain_error_queue());
    }
    ossl_check(p == der.data() + der.size(), Errc::Malformed,
               "damaged PKCS#12 file: unexpected bytes after its end");
    return p12;
}

// ---- the AuthenticatedSafe (RFC 7292 section 5.1) ------------------------------------------

void add_unique(std::vector<Pkcs12Encryption>& list, const Pkcs12Encryption& protection) {
    const auto same = [&](const Pkcs12Encryption& e) { return same_protection(e, protection); };
    if (std::none_of(list.begin(), list.end(), same)) {
        list.push_back(protection);
    }
}

int content_type(const PKCS7* element) {
    return ::OBJ_obj2nid(element->type);
}

/// The encryption algorithm of one element of the AuthenticatedSafe, null for a plain one.
/// RFC 7292 section 5.1: each element is pkcs7-data (no privacy), pkcs7-encryptedData
/// (password privacy mode) or pkcs7-envelopedData (public-key privacy mode).
const X509_ALGOR* encryption_of(const PKCS7* element) {
    switch (content_type(element)) {
        case NID_pkcs7_data:
            return nullptr;
        case NID_pkcs7_encrypted: {
            // get0: part of element. PKCS7's union is OpenSSL's API; the type says the member.
            const PKCS7_ENCRYPT* encrypted =
                element->d.encrypted;  // NOLINT(cppcoreguidelines-pro-type-union-access)
            ossl_check(encrypted != nullptr && encrypted->enc_data != nullptr, Errc::Malformed,
                       "damaged PKCS#12 file: an encrypted part is empty");
            return encrypted->enc_data->algorithm;
        }
        case NID_pkcs7_enveloped:
            throw Error(Errc::Unsupported,
                        "public-key privacy mode (an enveloped part) is not supported");
        default:
            throw Error(Errc::Malformed, "damaged PKCS#12 file: unexpected content type " +
                                             object_id(element->type).name);
    }
}

/// Describes the encrypted elements, and checks that this OpenSSL can decrypt them before any
/// password is asked for: a password prompt for a file we cannot open anyway helps nobody.
std::vector<Pkcs12Encryption> survey(const STACK_OF(PKCS7) * safe) {
    std::vector<Pkcs12Encryption> protections;
    for (int i = 0; i < sk_PKCS7_num(safe); ++i) {
        const X509_ALGOR* algorithm = encryption_of(sk_PKCS7_value(safe, i));  // get0
        if (algorithm != nullptr) {
            const PbeAlgorithm pbe = describe_pbe(algorithm);
            require_available(pbe);
            add_unique(protections, pbe.description);
        }
    }
    return protections;
}

// ---- bags (RFC 7292 section 4.2) -----------------------------------------------------------

/// A password to try. RFC 7292 appendix B.1: an absent password is zero bytes and the empty
/// one is the BMPString terminator 00 00, so they derive different keys.
struct Password {
    Pkcs12PasswordKind kind;
    const char* text;  ///< UTF-8; nullptr for the absent password
    int length;
};

constexpr Password kAbsent{Pkcs12PasswordKind::Absent, nullptr, 0};
constexpr Password kEmpty{Pkcs12PasswordKind::Empty, "", 0};

/// What the bags hold, in bag order.
struct Bags {
    std::vector<Certificate> certificates;
    std::vector<PrivateKey> keys;
    std::vector<std::string> friendly_names;
    std::vector<Pkcs12Encryption> key_encryption;
};

// Nesting beyond this is an attack, not a file someone exported.
constexpr int kMaxNesting = 8;

bool read_safe_contents(const STACK_OF(PKCS12_SAFEBAG) * bags, const Password& password, int depth,
                        Bags& out);

// PKCS#9 friendlyName is a BMPString (RFC 2985 section 5.5.1); some writers use UTF8String.
void add_friendly_name(const PKCS12_SAFEBAG* bag, Bags& out) {
    const ASN1_TYPE* name = ::PKCS12_SAFEBAG_get0_attr(bag, NID_friendlyName);  // get0
    if (name == nullptr || (name->type != V_ASN1_BMPSTRING && name->type != V_ASN1_UTF8STRING)) {
        return;
    }
    unsigned char* utf8 = nullptr;
    const int length = ::ASN1_STRING_to_UTF8(
        &utf8, name->value.asn1_string);  // NOLINT(cppcoreguidelines-pro-type-union-access)
    const OpensslStringPtr owned(reinterpret_cast<char*>(utf8));
    ossl_check(length >= 0, Errc::Malformed, "damaged PKCS#12 file: invalid friendlyName");
    std::string text(owned.get(), static_cast<std::size_t>(length));
    // The certificate bag and the key bag usually carry the same name: list it once.
    if (std::find(out.friendly_names.begin(), out.friendly_names.end(), text) ==
        out.friendly_names.end()) {
        out.friendly_names.push_back(std::move(text));
    }
}

void add_certificate(const PKCS12_SAFEBAG* bag, Bags& out) {
    // RFC 7292 section 4.2.3: an x509Certificate is DER; sdsiCertificate has no use here.
    if (::PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
        return;
    }
    X509Ptr x509(::PKCS12_SAFEBAG_get1_cert(bag));
    ossl_check(x509 != nullptr, Errc::Malformed,
               "damaged PKCS#12 file: a certificate bag does not decode");
    out.certificates.push_back(make_certificate(std::move(x509)));
}

void add_key(const PKCS8_PRIV_KEY_INFO* info, bool was_encrypted, Bags& out) {
    ossl_check(info != nullptr, Errc::Malformed, "damaged PKCS#12 file: an empty key bag");
    EvpPkeyPtr key(::EVP_PKCS82PKEY(info));
    ossl_check(key != nullptr, Errc::Unsupported, "unsupported private key algorithm");
    out.keys.push_back(make_private_key(std::move(key), was_encrypted));
}

/// False when the key does not decrypt with `password`.
bool add_shrouded_key(const PKCS12_SAFEBAG* bag, const Password& password, Bags& out) {
    const X509_SIG* shrouded = ::PKCS12_SAFEBAG_get0_pkcs8(bag);  // get0: part of the bag
    ossl_check(shrouded != nullptr, Errc::Malformed, "damaged PKCS#12 file: an empty key bag");
    const X509_ALGOR* algorithm = nullptr;
    ::X509_SIG_get0(shrouded, &algorithm, nullptr);  // get0: part of the bag
    const PbeAlgorithm pbe = describe_pbe(algorithm);
    require_available(pbe);
    add_unique(out.key_encryption, pbe.description);
    const Pkcs8PrivPtr info(::PKCS8_decrypt(shrouded, password.text, password.length));
    if (!info) {
        return false;
    }
    add_key(info.get(), true, out);
    return true;
}

/// False when a shrouded key inside does not decrypt with `password`.
bool read_bag(const PKCS12_SAFEBAG* bag, const Password& password, int depth, Bags& out) {
    add_friendly_name(bag, out);
    switch (::PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_certBag:
            add_certificate(bag, out);
            return true;
        case NID_keyBag:
            add_key(::PKCS12_SAFEBAG_get0_p8inf(bag), false, out);
            return true;
        case NID_pkcs8ShroudedKeyBag:
            return add_shrouded_key(bag, password, out);
        case NID_safeContentsBag:
            // get0: the nested SafeContents is part of the bag.
            return read_safe_contents(::PKCS12_SAFEBAG_get0_safes(bag), password, depth + 1, out);
        default:
            return true;  // crlBag, secretBag: nothing S/MIME needs
    }
}

bool read_safe_contents(const STACK_OF(PKCS12_SAFEBAG) * bags, const Password& password, int depth,
                        Bags& out) {
    ossl_check(bags != nullptr && depth <= kMaxNesting, Errc::Malformed,
               "damaged PKCS#12 file: invalid nested SafeContents");
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
        if (!read_bag(sk_PKCS12_SAFEBAG_value(bags, i), password, depth, out)) {  // get0
            return false;
        }
    }
    return true;
}

/// The SafeContents of one element, decrypted with `password`; null when it does not decrypt
/// (a wrong password, or damage that no MAC caught). survey() has vetted the element's type.
Pkcs12SafebagStackPtr unpack_element(PKCS7* element, const Password& password) {
    if (content_type(element) == NID_pkcs7_data) {
        Pkcs12SafebagStackPtr bags(::PKCS12_unpack_p7data(element));
        ossl_check(bags != nullptr, Errc::Malformed,
                   "damaged PKCS#12 file: a SafeContents does not decode");
        return bags;
    }
    return Pkcs12SafebagStackPtr(
        ::PKCS12_unpack_p7encdata(element, password.text, password.length));
}

/// Everything in the file, or nullopt when some part does not decrypt with `password`.
std::optional<Bags> read_authenticated_safe(const STACK_OF(PKCS7) * safe,
                                            const Password& password) {
    Bags bags;
    for (int i = 0; i < sk_PKCS7_num(safe); ++i) {
        const Pkcs12SafebagStackPtr contents =
            unpack_element(sk_PKCS7_value(safe, i), password);  // get0: element of safe
        if (!contents || !read_safe_contents(contents.get(), password, 0, bags)) {
            return std::nullopt;
        }
    }
    return bags;
}

// ---- passwords -----------------------------------------------------------------------------

/// True if the MAC verifies with `password`. PKCS12_verify_mac returns 0 without queuing an
/// error on a mismatch; a queued error means that it could not compute the MAC at all.
bool mac_verifies(PKCS12* p12, const Password& password, const Pkcs12Mac& mac) {
    clear_error_queue();
    if (::PKCS12_verify_mac(p12, password.text, password.length) == 1) {
        return true;
    }
    ossl_check(::ERR_peek_error() == 0, Errc::Unsupported,
               "cannot check the MAC: HMAC-" + mac.algorithm + " is not available");
    return false;
}

Password given_password(const Secret& secret) {
    ossl_check(secret.size() <= static_cast<std::size_t>(INT_MAX), Errc::InvalidArgument,
               "the password is too long");
    return {Pkcs12PasswordKind::Given, secret.c_str(), static_cast<int>(secret.size())};
}

// ---- platform predictions ------------------------------------------------------------------

/// The facts about a file that decide where it imports.
struct Protection {
    bool pbes2 = false;         ///< some part is PBES2-encrypted (RFC 8018 section 6.2)
    std::string legacy_cipher;  ///< one that only OpenSSL 3's legacy provider has, or ""
    bool mac = false;
    bool pbmac1 = false;  ///< an RFC 9579 MAC
    bool ec_key = false;
    bool plain_key = false;                ///< the key is in a keyBag, not a shrouded one
    bool key_without_certificate = false;  ///< a key whose certificate is not in the file
};

Protection protection_of(const Pkcs12Info& info, const std::optional<PrivateKey>& key) {
    Protection protection;
    for (const auto* list : {&info.certificate_encryption, &info.key_encryption}) {
        for (const Pkcs12Encryption& part : *list) {
            protection.pbes2 = protection.pbes2 || part.scheme == "PBES2";
            if (protection.legacy_cipher.empty() && needs_legacy_provider(part.cipher)) {
                protection.legacy_cipher = part.cipher;
            }
        }
    }
    protection.mac = info.mac.has_value();
    protection.pbmac1 = info.mac && info.mac->algorithm == "PBMAC1";
    protection.ec_key = key && key->public_key().algorithm == KeyAlgorithm::Ec;
    protection.plain_key = key && !key->was_encrypted();
    protection.key_without_certificate = key && !info.key_matches_certificate;
    return protection;
}

struct Rule {
    bool applies;
    std::string why_not;
};

struct PlatformRow {
    PlatformSupport support;
    std::string_view family;      ///< rows of a family that all import merge in the summary
    std::string_view short_name;  ///< for the one-line summary
};

PlatformRow platform(std::string_view name, std::string_view family, std::string_view short_name,
                     std::initializer_list<Rule> rules) {
    for (const Rule& rule : rules) {
        if (rule.applies) {
            return {{std::string(name), false, rule.why_not}, family, short_name};
        }
    }
    return {{std::string(name), true, {}}, family, short_name};
}

// The prediction rules: one row per platform, and the first rule of a row that applies says
// why that platform cannot import the file. Sources, to check each rule against:
//  [interop]  shared/reference/interop.md sections 2-3 and pitfalls 11-12, measured with
//             Debian 12's openssl 3.0.22, gpgsm 2.2.40 and NSS 3.87 on files like ours;
//  [fixtures] certs-test/README.md, the p12/ rows (the same tools on the committed files);
//  [measured] gpgsm 2.2.40 `--import` and pk12util 3.87 `-i` on certs-test/p12/{nopass,nomac,
//             keyonly}.p12 on Debian 12 when this table was written (commands in interop.md 2);
//  [issue]    the PKCS#12 reader issue's Windows and macOS facts, which cannot be measured
//             here (certs-test has no Windows- or macOS-made .p12).
// read_pkcs12 refuses PBMAC1 files before predicting; the PBMAC1 rules record what the tools
// do for the day it reads them.
std::vector<PlatformRow> predict_platforms(const Protection& p) {
    return {
        // [issue] Windows 10 1709 and Server 2019 added PBES2 (AES) to the PKCS#12 PBE ciphers.
        platform("Windows 10 1709+ / Server 2019+", "Windows", "Windows 10 1709+ and Server 2019+",
                 {}),
        // [issue] Windows 7/8.1, Windows 10 before 1709 and Server 2016 know no PBES2.
        platform("Windows Server 2016 and older", "Windows", "Server 2016 and older",
                 {{p.pbes2, "PBES2 needs Windows 10 1709 or Server 2019 (not Windows 7/8.1)"}}),
        // [issue] macOS imports PBES2 from 14 on, PKCS#12 PBE (3DES, RC2) on every version.
        platform("macOS 14+", "macOS", "macOS 14+", {}),
        platform("macOS 13 and older", "macOS", "macOS 13 and older",
                 {{p.pbes2, "PBES2 needs macOS 14 or later"}}),
        // [interop] section 2 (gpgsm) and 3: PBES1 / PKCS#12 PBE files with RSA keys only;
        // [measured] nopass.p12 and nomac.p12: the certificate imports, the keyBag fails.
        platform("gpgsm 2.2", "gpgsm 2.2", "gpgsm 2.2",
                 {{p.pbmac1, "PBMAC1 (RFC 9579) is not supported"},
                  {p.pbes2, "no PBES2 (\"encryptedData error at pkcs5PBES2-params\")"},
                  {p.ec_key, "gpgsm 2.2 crashes importing EC keys"},
                  {p.plain_key, "an unencrypted key bag fails (\"data error at data.oid\")"}}),
        // [interop] section 3: every flavour but PBMAC1; [fixtures] nomac.p12 fails;
        // [measured] keyonly.p12 fails (SEC_ERROR_PKCS12_UNABLE_TO_IMPORT_KEY).
        platform("NSS", "NSS", "NSS",
                 {{p.pbmac1, "PBMAC1 (RFC 9579) is not supported"},
                  {!p.mac, "a file without MAC fails (SEC_ERROR_BAD_DER)"},
                  {p.key_without_certificate, "a key without its certificate fails to import"}}),
        // [interop] pitfalls 11 and 12, [fixtures] legacy.p12: legacy-provider ciphers need
        // -legacy; PBMAC1 needs OpenSSL 3.4.
        platform("OpenSSL 3 (no -legacy)", "OpenSSL 3", "OpenSSL 3 without -legacy",
                 {{p.pbmac1, "PBMAC1 needs OpenSSL 3.4 or later"},
                  {!p.legacy_cipher.empty(), p.legacy_cipher + " needs -legacy"}}),
    };
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const std::string& part : parts) {
        text += text.empty() ? "" : separator;
        text += part;
    }
    return text;
}

/// "Windows 10 1709+ and Server 2019+, NSS; not Server 2016 and older, not gpgsm 2.2"; a family
/// whose rows all import is named once ("Windows").
std::string verdict_line(const std::vector<PlatformRow>& rows) {
    std::vector<std::string> yes;
    std::vector<std::string> no;
    for (auto row = rows.begin(); row != rows.end(); ++row) {
        const auto in_family = [&](const PlatformRow& r) { return r.family == row->family; };
        if (std::find_if(rows.begin(), row, in_family) != row) {
            continue;  // the family's first row handled it
        }
        const auto size = std::count_if(row, rows.end(), in_family);
        const bool all_import = std::all_of(row, rows.end(), [&](const PlatformRow& r) {
            return !in_family(r) || r.support.can_import;
        });
        if (all_import && size > 1) {
            yes.emplace_back(row->family);
            continue;
        }
        for (auto member = row; member != rows.end(); ++member) {
            if (in_family(*member)) {
                (member->support.can_import ? yes : no).emplace_back(member->short_name);
            }
        }
    }
    std::string line = join(yes, ", ");
    if (!no.empty()) {
        line += (line.empty() ? "not " : "; not ") + join(no, ", not ");
    }
    return line;
}

/// "PBES2/AES-256", "PKCS#12 PBE/RC2-40 + PKCS#12 PBE/3DES", "unencrypted, no MAC".
std::string protection_label(const Pkcs12Info& info) {
    std::vector<std::string> parts;
    for (const auto* list : {&info.certificate_encryption, &info.key_encryption}) {
        for (const Pkcs12Encryption& part : *list) {
            std::string cipher = part.cipher;
            if (cipher.ends_with("-CBC")) {
                cipher.resize(cipher.size() - 4);
            }
            std::string text = part.scheme + "/" + cipher;
            if (std::find(parts.begin(), parts.end(), text) == parts.end()) {
                parts.push_back(std::move(text));
            }
        }
    }
    std::string label = parts.empty() ? "unencrypted" : join(parts, " + ");
    if (!info.mac) {
        label += ", no MAC";
    }
    return label;
}

// ---- assembling the result -----------------------------------------------------------------

/// The first key whose certificate is in the file, else the first key: a file may hold several.
std::optional<PrivateKey> choose_key(const std::vector<PrivateKey>& keys,
                                     const std::vector<Certificate>& certificates) {
    for (const PrivateKey& key : keys) {
        for (const Certificate& certificate : certificates) {
            if (key.matches(certificate)) {
                return key;
            }
        }
    }
    return keys.empty() ? std::nullopt : std::optional<PrivateKey>(keys.front());
}

/// RFC 7292 orders no bags and makes localKeyID optional (certonly.p12 and keyonly.p12 have
/// none), so the key's certificate is found by public key, never by position.
void split_key_certificate(Pkcs12Contents& contents) {
    for (const Certificate& certificate : contents.certificates) {
        if (contents.key && !contents.key_certificate && contents.key->matches(certificate)) {
            contents.key_certificate = certificate;
        } else {
            contents.chain.push_back(certificate);
        }
    }
}

/// Runs `fn`, giving any smimekit::Error it throws `subject` as context.
template <class Fn>
auto naming(std::string_view subject, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const Error& error) {
        throw error.about(subject);
    }
}

struct Opened {
    Bags bags;
    Pkcs12PasswordKind password;
};

/// A parsed PFX and what it says before any password: the MAC and the encrypted parts.
/// Every error it throws names the subject.
class Pkcs12Reader final {
public:
    Pkcs12Reader(BytesView der, std::string_view subject) : m_subject(subject) {
        naming(m_subject, [&] { parse(der); });
    }

    /// Opens with the absent, then the empty password; nullopt when neither does.
    std::optional<Opened> open_without_asking() {
        return naming(m_subject, [&]() -> std::optional<Opened> {
            for (const Password& candidate : {kAbsent, kEmpty}) {
                if (std::optional<Opened> opened = try_password(candidate)) {
                    return opened;
                }
            }
            return std::nullopt;
        });
    }

    /// Opens with the caller's password; Errc::BadPassword when it is wrong.
    Opened open_with(const Secret& secret) {
        return naming(m_subject, [&] {
            std::optional<Opened> opened = try_password(given_password(secret));
            if (!opened) {
                throw Error(Errc::BadPassword, "wrong password", drain_error_queue(),
                            "check the password source (--password-file, --password-env, "
                            "--password-stdin)");
            }
            return std::move(*opened);
        });
    }

    [[nodiscard]] Pkcs12Contents contents(Opened opened) const {
        Pkcs12Contents contents;
        contents.certificates = std::move(opened.bags.certificates);
        contents.key = choose_key(opened.bags.keys, contents.certificates);
        split_key_certificate(contents);
        Pkcs12Info& info = contents.info;
        info.certificate_encryption = m_certificate_encryption;
        info.key_encryption = std::move(opened.bags.key_encryption);
        info.mac = m_mac;
        info.password = opened.password;
        info.friendly_names = std::move(opened.bags.friendly_names);
        info.has_key = contents.key.has_value();
        info.key_matches_certificate = contents.key_certificate.has_value();
        const std::vector<PlatformRow> rows = predict_platforms(protection_of(info, contents.key));
        for (const PlatformRow& row : rows) {
            info.platforms.push_back(row.support);
        }
        info.compatibility = protection_label(info) + ": " + verdict_line(rows);
        return contents;
    }

private:
    void parse(BytesView der) {
        m_p12 = parse_pfx(der);
        m_mac = describe_mac(m_p12.get());
        // RFC 9579 (PBMAC1) reached OpenSSL in 3.4; 3.0 fails it as a bad password. Say so
        // before trying any.
        if (m_mac && m_mac->algorithm == "PBMAC1") {
            throw Error(Errc::Unsupported,
                        "PBMAC1 integrity protection (RFC 9579) needs OpenSSL 3.4 or later", {},
                        "convert the file with OpenSSL 3.4 or later, or export it again with "
                        "an HMAC-SHA256 MAC");
        }
        m_safe.reset(::PKCS12_unpack_authsafes(m_p12.get()));
        ossl_check(m_safe != nullptr, Errc::Malformed,
                   "damaged PKCS#12 file: the authenticated safe does not decode");
        m_certificate_encryption = survey(m_safe.get());
    }

    /// With a MAC, a password is right when the MAC verifies (cheap: one KDF run and an HMAC,
    /// where a PBES2 decryption costs thousands of iterations); without one, when every part
    /// decrypts.
    std::optional<Opened> try_password(const Password& password) {
        if (m_mac && !mac_verifies(m_p12.get(), password, *m_mac)) {
            return std::nullopt;
        }
        clear_error_queue();
        std::optional<Bags> bags = read_authenticated_safe(m_safe.get(), password);
        if (!bags) {
            // A password that the MAC proved right but that does not decrypt means two
            // passwords (openssl pkcs12 -twopass): asking for another would not help.
            ossl_check(!m_mac, Errc::BadPassword,
                       "the password verifies the MAC but does not decrypt the contents");
            return std::nullopt;
        }
        return Opened{std::move(*bags), password.kind};
    }

    std::string m_subject;
    Pkcs12Ptr m_p12;
    Pkcs7StackPtr m_safe;  ///< the AuthenticatedSafe: ContentInfos, each one SafeContents
    std::optional<Pkcs12Mac> m_mac;
    std::vector<Pkcs12Encryption> m_certificate_encryption;
};

/// The caller's password. Errors the provider throws pass unchanged: they name their own source.
Secret ask_password(const PasswordProvider& provider, std::string_view subject) {
    std::optional<Secret> secret = provider ? provider(subject) : std::nullopt;
    if (!secret) {
        throw Error(Errc::BadPassword,
                    in_quotes(subject) + ": a password is needed to open this PKCS#12 file", {},
                    "give it with --password-file FILE, --password-env VAR or --password-stdin");
    }
    return std::move(*secret);
}

}  // namespace
}  // namespace detail

bool looks_like_pkcs12(BytesView bytes) noexcept {
    return detail::auth_safe_type(bytes) == detail::AuthSafeType::Data;
}

Pkcs12Contents read_pkcs12(BytesView der, std::string_view subject,
                           const PasswordProvider& password) {
    // RC2-40 files (old Windows exports, `openssl pkcs12 -legacy`) need the legacy provider;
    // when it is missing, require_available names the cipher that cannot be used.
    detail::ensure_legacy_provider();
    detail::Pkcs12Reader reader(der, subject);
    std::optional<detail::Opened> opened = reader.open_without_asking();
    if (!opened) {
        const Secret secret = detail::ask_password(password, subject);
        opened = reader.open_with(secret);
    }
    return reader.contents(std::move(*opened));
}

}  // namespace smimekit
