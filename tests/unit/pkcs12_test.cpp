// SPDX-License-Identifier: Apache-2.0
// tests/unit/pkcs12_test.cpp: smimekit/pkcs12.hpp. The expected protection details are what
// `openssl pkcs12 -info -noout -legacy -in F -passin ...` (OpenSSL 3.0.22) prints for the same
// fixture, quoted next to each check.
#include <smimekit/pkcs12.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>

namespace {

using smimekit::Bytes;
using smimekit::Errc;
using smimekit::PasswordProvider;
using smimekit::Pkcs12Encryption;
using smimekit::Pkcs12PasswordKind;
using smimekit::Secret;

PasswordProvider password(std::string text) {
    return [text](std::string_view) { return std::optional<Secret>(Secret(text)); };
}

PasswordProvider test1234() {
    return password(fixture::text("p12/password.txt"));
}

/// A provider that counts how often the library asks.
struct CountingProvider {
    int calls = 0;
    PasswordProvider provider() {
        return [this](std::string_view) {
            ++calls;
            return std::optional<Secret>(Secret(fixture::text("p12/password.txt")));
        };
    }
};

smimekit::Pkcs12Contents read(std::string_view name, const PasswordProvider& provider) {
    return smimekit::read_pkcs12(fixture::bytes(name), name, provider);
}

void check_encryption(const Pkcs12Encryption& actual, const Pkcs12Encryption& expected) {
    CHECK(actual.scheme == expected.scheme);
    CHECK(actual.algorithm == expected.algorithm);
    CHECK(actual.cipher == expected.cipher);
    CHECK(actual.kdf == expected.kdf);
    CHECK(actual.prf == expected.prf);
    CHECK(actual.iterations == expected.iterations);
}

const Pkcs12Encryption kPbes2Aes256{"PBES2", "PBES2", "AES-256-CBC", "PBKDF2", "HMAC-SHA256", 2048};
const Pkcs12Encryption kPkcs12Pbe3Des{
    "PKCS#12 PBE", "pbeWithSHA1And3-KeyTripleDES-CBC", "3DES-CBC", "PKCS#12 KDF", "SHA1", 2048};
const Pkcs12Encryption kPkcs12PbeRc2_40{
    "PKCS#12 PBE", "pbeWithSHA1And40BitRC2-CBC", "RC2-40-CBC", "PKCS#12 KDF", "SHA1", 2048};

const smimekit::PlatformSupport* find_platform(const smimekit::Pkcs12Info& info,
                                               std::string_view name) {
    const auto it = std::find_if(info.platforms.begin(), info.platforms.end(),
                                 [&](const auto& platform) { return platform.platform == name; });
    return it == info.platforms.end() ? nullptr : &*it;
}

bool can_import(const smimekit::Pkcs12Info& info, std::string_view name) {
    const smimekit::PlatformSupport* platform = find_platform(info, name);
    REQUIRE(platform != nullptr);
    return platform->can_import;
}

// ---- a minimal DER writer, for PFX files no fixture has (no MAC, no encryption) ------------

Bytes tlv(std::uint8_t tag, const Bytes& content) {
    const std::size_t size = content.size();
    Bytes out = size < 0x80 ? Bytes{tag, static_cast<std::uint8_t>(size)}
                            : Bytes{tag, 0x82, static_cast<std::uint8_t>(size >> 8U),
                                    static_cast<std::uint8_t>(size & 0xFFU)};
    out.reserve(out.size() + size);
    std::copy(content.begin(), content.end(), std::back_inserter(out));
    return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

Bytes oid(std::string_view hex) {
    return tlv(0x06, smimekit::from_hex(hex));
}
Bytes sequence(const Bytes& content) {
    return tlv(0x30, content);
}
Bytes explicit0(const Bytes& content) {
    return tlv(0xA0, content);
}
Bytes octets(const Bytes& content) {
    return tlv(0x04, content);
}

const std::string_view kData = "2A864886F70D010701";                 // 1.2.840.113549.1.7.1
const std::string_view kKeyBag = "2A864886F70D010C0A0101";           // 1.2.840.113549.1.12.10.1.1
const std::string_view kCertBag = "2A864886F70D010C0A0103";          // ... .12.10.1.3
const std::string_view kSafeContentsBag = "2A864886F70D010C0A0106";  // ... .12.10.1.6
const std::string_view kX509Certificate = "2A864886F70D01091601";    // 1.2.840.113549.1.9.22.1
const std::string_view kFriendlyName = "2A864886F70D010914";         // 1.2.840.113549.1.9.20

/// RFC 7292 CertBag in a SafeBag, with a friendlyName BMPString if `bmp_name` is not empty.
Bytes cert_bag(const Bytes& certificate, const Bytes& bmp_name = {}) {
    const Bytes attributes =
        bmp_name.empty()
            ? Bytes{}
            : tlv(0x31, sequence(cat({oid(kFriendlyName), tlv(0x31, tlv(0x1E, bmp_name))})));
    return sequence(
        cat({oid(kCertBag),
             explicit0(sequence(cat({oid(kX509Certificate), explicit0(octets(certificate))}))),
             attributes}));
}

Bytes key_bag(const Bytes& pkcs8) {
    return sequence(cat({oid(kKeyBag), explicit0(pkcs8)}));
}

Bytes nested_bag(std::initializer_list<Bytes> bags) {
    return sequence(cat({oid(kSafeContentsBag), explicit0(sequence(cat(bags)))}));
}

/// A PFX without MAC whose one pkcs7-data element holds `bags` in this order.
Bytes pfx_without_mac(std::initializer_list<Bytes> bags) {
    const Bytes element = sequence(cat({oid(kData), explicit0(octets(sequence(cat(bags))))}));
    const Bytes auth_safe = sequence(cat({oid(kData), explicit0(octets(sequence(element)))}));
    return sequence(cat({Bytes{0x02, 0x01, 0x03}, auth_safe}));
}

Bytes alice_pkcs8() {
    std::string pem = fixture::text("keys/alice.key");
    const std::string_view begin = "-----BEGIN PRIVATE KEY-----";
    const std::size_t start = pem.find(begin) + begin.size();
    return smimekit::base64_decode(pem.substr(start, pem.find("-----END") - start));
}

}  // namespace

TEST_SUITE("pkcs12") {

TEST_CASE("every fixture opens with the password kind that opens it") {
    struct Expected {
        std::string_view file;
        PasswordProvider provider;
        Pkcs12PasswordKind kind;
        std::size_t certificates;
        bool key;
    };
    const Expected cases[] = {
        {"p12/modern.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/compat.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/legacy.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/emptypass.p12", {}, Pkcs12PasswordKind::Empty, 1, true},
        {"p12/nopass.p12", {}, Pkcs12PasswordKind::Absent, 1, true},
        {"p12/nomac.p12", {}, Pkcs12PasswordKind::Absent, 1, true},
        {"p12/utf8pass.p12", password(fixture::text("p12/utf8-password.txt")),
         Pkcs12PasswordKind::Given, 1, true},
        {"p12/fullchain.p12", test1234(), Pkcs12PasswordKind::Given, 3, true},
        {"p12/certonly.p12", test1234(), Pkcs12PasswordKind::Given, 1, false},
        {"p12/keyonly.p12", test1234(), Pkcs12PasswordKind::Given, 0, true},
        {"p12/bob-ec.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/carol.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/dave-sign.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
        {"p12/dave-encrypt.p12", test1234(), Pkcs12PasswordKind::Given, 1, true},
    };
    for (const Expected& expected : cases) {
        CAPTURE(expected.file);
        const smimekit::Pkcs12Contents contents = read(expected.file, expected.provider);
        CHECK(contents.info.password == expected.kind);
        CHECK(contents.certificates.size() == expected.certificates);
        CHECK(contents.key.has_value() == expected.key);
        CHECK(contents.info.has_key == expected.key);
        // Every key here belongs to a certificate in its file, except keyonly's.
        const bool matched = expected.key && expected.certificates > 0;
        CHECK(contents.key_certificate.has_value() == matched);
        CHECK(contents.info.key_matches_certificate == matched);
    }
}

TEST_CASE("files that open without a password never call the provider") {
    for (const std::string_view file : {"p12/nopass.p12", "p12/emptypass.p12", "p12/nomac.p12"}) {
        CAPTURE(file);
        CountingProvider counter;
        read(file, counter.provider());
        CHECK(counter.calls == 0);
    }
    CountingProvider counter;
    read("p12/modern.p12", counter.provider());
    CHECK(counter.calls == 1);
}

TEST_CASE("a UTF-8 password opens utf8pass.p12, and test1234 does not") {
    // openssl pkcs12 -passin file:p12/utf8-password.txt opens it; OpenSSL 3 turns the UTF-8
    // text into the BMPString U+00E4 U+00F6 U+20AC the MAC key is derived from.
    CHECK(read("p12/utf8pass.p12", password(fixture::text("p12/utf8-password.txt")))
              .key.has_value());
    CHECK(fixture::errc_of([] { read("p12/utf8pass.p12", test1234()); }) == Errc::BadPassword);
}

TEST_CASE("the key is matched to alice's certificate and the CAs form the chain") {
    const smimekit::Pkcs12Contents contents = read("p12/fullchain.p12", test1234());
    REQUIRE(contents.key_certificate.has_value());
    CHECK(contents.key_certificate->common_name() == "Alice Example");
    CHECK(contents.key->matches(*contents.key_certificate));
    REQUIRE(contents.chain.size() == 2);
    CHECK(contents.chain[0].common_name() == "smimekit Test Intermediate RSA");
    CHECK(contents.chain[1].common_name() == "smimekit Test Root RSA");
    // openssl -info: "friendlyName: Alice Example" on alice's certificate bag and on the key bag;
    // the same name is listed once.
    CHECK(contents.info.friendly_names == std::vector<std::string>{"Alice Example"});
}

TEST_CASE("a key after the CA certificates still finds its certificate, also when nested") {
    // No fixture lists the CAs first (fullchain.p12 has alice first), so this PFX is built
    // here: no MAC, plain bags, root and intermediate before alice, the key last.
    const Bytes root = fixture::bytes("ca/root-rsa.der");
    const Bytes inter = fixture::bytes("ca/inter-rsa.der");
    const Bytes alice = fixture::bytes("users/alice.der");
    const Bytes joerg = smimekit::from_hex("004A00F600720067");  // "Jörg" as a BMPString
    Bytes pfx;
    SUBCASE("flat") {
        pfx = pfx_without_mac({cert_bag(root), cert_bag(inter), cert_bag(alice, joerg),
                               key_bag(alice_pkcs8())});
    }
    SUBCASE("in a nested SafeContents bag") {
        pfx = pfx_without_mac({cert_bag(root), nested_bag({cert_bag(inter),
                                                           cert_bag(alice, joerg)}),
                               nested_bag({key_bag(alice_pkcs8())})});
    }
    CountingProvider counter;
    const smimekit::Pkcs12Contents contents =
        smimekit::read_pkcs12(pfx, "built.p12", counter.provider());
    CHECK(counter.calls == 0);
    CHECK(contents.certificates.size() == 3);
    REQUIRE(contents.key_certificate.has_value());
    CHECK(contents.key_certificate->der() == alice);
    REQUIRE(contents.chain.size() == 2);
    CHECK(contents.chain[0].der() == root);
    CHECK(contents.chain[1].der() == inter);
    CHECK(contents.info.friendly_names == std::vector<std::string>{"J\xC3\xB6rg"});
    CHECK(contents.info.password == Pkcs12PasswordKind::Absent);
    CHECK_FALSE(contents.key->was_encrypted());
}

TEST_CASE("certificate-only and key-only files load") {
    const smimekit::Pkcs12Contents certonly = read("p12/certonly.p12", test1234());
    CHECK_FALSE(certonly.key.has_value());
    CHECK_FALSE(certonly.key_certificate.has_value());
    CHECK(certonly.chain.size() == 1);  // without a key every certificate is "another" one
    CHECK(certonly.info.friendly_names.empty());
    // openssl: "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF
    // hmacWithSHA256" and no Shrouded Keybag.
    REQUIRE(certonly.info.certificate_encryption.size() == 1);
    check_encryption(certonly.info.certificate_encryption[0], kPbes2Aes256);
    CHECK(certonly.info.key_encryption.empty());

    const smimekit::Pkcs12Contents keyonly = read("p12/keyonly.p12", test1234());
    CHECK(keyonly.certificates.empty());
    REQUIRE(keyonly.key.has_value());
    CHECK(keyonly.key->was_encrypted());
    const auto alice = smimekit::Certificate::from_der(fixture::bytes("users/alice.der"));
    CHECK(keyonly.key->public_key_der() == alice.public_key_der());
    CHECK(keyonly.info.friendly_names == std::vector<std::string>{"alice"});
    // openssl: "PKCS7 Data" then "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048,
    // PRF hmacWithSHA256".
    CHECK(keyonly.info.certificate_encryption.empty());
    REQUIRE(keyonly.info.key_encryption.size() == 1);
    check_encryption(keyonly.info.key_encryption[0], kPbes2Aes256);
    // pk12util 3.87: SEC_ERROR_PKCS12_UNABLE_TO_IMPORT_KEY for a key without its certificate.
    CHECK_FALSE(can_import(keyonly.info, "NSS"));
}

TEST_CASE("each distinct friendly name is listed once, in bag order") {
    // openssl -info: friendlyName alice on the certificate bag and on the key bag.
    CHECK(read("p12/modern.p12", test1234()).info.friendly_names ==
          std::vector<std::string>{"alice"});
    CHECK(read("p12/bob-ec.p12", test1234()).info.friendly_names ==
          std::vector<std::string>{"bob"});
}

TEST_CASE("a wrong password is Errc::BadPassword naming the file") {
    const auto open = [] { read("p12/modern.p12", password("wrong")); };
    CHECK(fixture::errc_of(open) == Errc::BadPassword);
    CHECK(fixture::message_of(open) == "'p12/modern.p12': wrong password");
    // legacy.p12 also fails at the MAC, before any RC2 decryption.
    CHECK(fixture::errc_of([] { read("p12/legacy.p12", password("wrong")); }) ==
          Errc::BadPassword);
}

TEST_CASE("no password available is Errc::BadPassword with a hint on the password options") {
    PasswordProvider provider;
    SUBCASE("a provider that answers nullopt") {
        provider = [](std::string_view) { return std::optional<Secret>(); };
    }
    SUBCASE("no provider") {}
    try {
        read("p12/modern.p12", provider);
        FAIL("read_pkcs12 did not throw");
    } catch (const smimekit::Error& error) {
        CHECK(error.code() == Errc::BadPassword);
        CHECK(std::string(error.what()) ==
              "'p12/modern.p12': a password is needed to open this PKCS#12 file");
        CHECK(error.hint().find("--password-file") != std::string::npos);
        CHECK(error.hint().find("--password-env") != std::string::npos);
        CHECK(error.hint().find("--password-stdin") != std::string::npos);
    }
}

TEST_CASE("the provider is asked with the subject, and its own errors pass unchanged") {
    std::string asked;
    const PasswordProvider failing = [&](std::string_view subject) -> std::optional<Secret> {
        asked = subject;
        throw smimekit::Error(Errc::Io, "'pw.txt': cannot read");
    };
    const auto open = [&] { read("p12/modern.p12", failing); };
    CHECK(fixture::errc_of(open) == Errc::Io);
    CHECK(fixture::message_of(open) == "'pw.txt': cannot read");
    CHECK(asked == "p12/modern.p12");
}

TEST_CASE("a PBMAC1 file is Errc::Unsupported naming OpenSSL 3.4, without asking") {
    // openssl 3.0: "MAC: PBMAC1, Iteration 1" then "Mac verify error: invalid password?"
    CountingProvider counter;
    const auto open = [&] { read("p12/pbmac1.p12", counter.provider()); };
    CHECK(fixture::errc_of(open) == Errc::Unsupported);
    CHECK(fixture::message_of(open).find("OpenSSL 3.4") != std::string::npos);
    CHECK(counter.calls == 0);
}

TEST_CASE("an iteration count beyond the limit is Errc::Unsupported at once, without asking") {
    // modern.p12 with its MAC's iteration count (2048) made 2^31 - 1: before the limit, trying
    // the absent and the empty password took hours (found by the hardening sweep, issue 12).
    const Bytes bytes = fixture::der_with_integer_replaced(
        fixture::bytes("p12/modern.p12"), smimekit::from_hex("0800"), smimekit::from_hex("7FFFFFFF"));
    CountingProvider counter;
    const auto open = [&] { smimekit::read_pkcs12(bytes, "hostile.p12", counter.provider()); };
    CHECK(fixture::errc_of(open) == Errc::Unsupported);
    CHECK(fixture::message_of(open) ==
          "'hostile.p12': the iteration count 2147483647 is beyond the limit of 10000000 (trying "
          "one password would take minutes or hours)");
    CHECK(counter.calls == 0);
    // Below the limit a count is only slow, not refused: 100,000 (OWASP-like) reaches the MAC.
    const Bytes slow = fixture::der_with_integer_replaced(
        fixture::bytes("p12/modern.p12"), smimekit::from_hex("0800"), smimekit::from_hex("0186A0"));
    CHECK(fixture::errc_of([&] { smimekit::read_pkcs12(slow, "slow.p12", password("x")); }) ==
          Errc::BadPassword);
}

TEST_CASE("a cipher OpenSSL does not know is Errc::Unsupported naming it, without asking") {
    // modern.p12 with the certificate bag's cipher OID aes256-CBC (2.16.840.1.101.3.4.1.42)
    // turned into the unassigned 2.16.840.1.101.3.4.1.127.
    Bytes bytes = fixture::bytes("p12/modern.p12");
    const Bytes aes256_cbc = smimekit::from_hex("06096086480165030401 2A");
    const auto at = std::search(bytes.begin(), bytes.end(), aes256_cbc.begin(), aes256_cbc.end());
    REQUIRE(at != bytes.end());
    *(at + static_cast<std::ptrdiff_t>(aes256_cbc.size() - 1)) = 0x7F;
    CountingProvider counter;
    const auto open = [&] { smimekit::read_pkcs12(bytes, "patched.p12", counter.provider()); };
    CHECK(fixture::errc_of(open) == Errc::Unsupported);
    CHECK(fixture::message_of(open) ==
          "'patched.p12': cannot decrypt: unknown cipher 2.16.840.1.101.3.4.1.127");
    CHECK(counter.calls == 0);
}

TEST_CASE("input that is not a PKCS#12 file is Errc::Malformed, never a crash") {
    Bytes bytes;
    std::string message = "'input': not a PKCS#12 file";
    SUBCASE("random bytes") { bytes = fixture::bytes("misc/random.bin"); }
    SUBCASE("a DER certificate") { bytes = fixture::bytes("users/alice.der"); }
    SUBCASE("text") { bytes = fixture::bytes("misc/not-a-cert.txt"); }
    SUBCASE("nothing") {}
    SUBCASE("trailing bytes") {
        bytes = fixture::bytes("p12/modern.p12");
        bytes.push_back(0);
        message = "'input': damaged PKCS#12 file: unexpected bytes after its end";
    }
    const auto open = [&] { smimekit::read_pkcs12(bytes, "input", test1234()); };
    CHECK(fixture::errc_of(open) == Errc::Malformed);
    CHECK(fixture::message_of(open) == message);
}

TEST_CASE("a truncated file is Errc::Malformed at every length") {
    const Bytes full = fixture::bytes("p12/modern.p12");
    for (std::size_t length = 0; length < full.size(); ++length) {
        CAPTURE(length);
        const Bytes bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
        const auto open = [&] { smimekit::read_pkcs12(bytes, "cut.p12", test1234()); };
        REQUIRE(fixture::errc_of(open) == Errc::Malformed);
        // The first 22 bytes are the header looks_like_pkcs12 reads: SEQUENCE, version 3,
        // ContentInfo, the pkcs7-data OID.
        const std::string truncated = "'cut.p12': damaged PKCS#12 file: truncated (" +
                                      std::to_string(length) + " of " +
                                      std::to_string(full.size()) + " bytes)";
        const std::string expected = length < 22 ? "'cut.p12': not a PKCS#12 file" : truncated;
        CHECK(fixture::message_of(open) == expected);
    }
}

TEST_CASE("a damaged byte anywhere gives a smimekit::Error or a result, never a crash") {
    // nomac.p12 has no MAC to stop damage before the bags are parsed: every fifth byte (each
    // read costs about 2 ms, mostly OpenSSL 3's key decoder). In modern.p12 the MAC catches
    // damage to the contents, so only the parts read before it is checked: every byte of the
    // headers and PBES2 parameters (the first 200) and of the MacData (the last 70).
    struct Range {
        std::string_view file;
        std::size_t begin;
        std::size_t end;
        std::size_t step;
    };
    const Bytes nomac = fixture::bytes("p12/nomac.p12");
    const Bytes modern = fixture::bytes("p12/modern.p12");
    for (const Range& range : {Range{"p12/nomac.p12", 0, nomac.size(), 5},
                               Range{"p12/modern.p12", 0, 200, 1},
                               Range{"p12/modern.p12", modern.size() - 70, modern.size(), 1}}) {
        const Bytes& original = range.file == "p12/nomac.p12" ? nomac : modern;
        for (std::size_t i = range.begin; i < range.end; i += range.step) {
            CAPTURE(range.file);
            CAPTURE(i);
            Bytes bytes = original;
            bytes[i] ^= 0xFFU;
            const std::optional<Errc> errc =
                fixture::errc_of([&] { smimekit::read_pkcs12(bytes, "damaged.p12", {}); });
            CHECK(errc != Errc::Internal);
        }
    }
}

TEST_CASE("a signed PKCS#12 file (public-key integrity mode) is Errc::Unsupported") {
    // RFC 7292 section 4: authSafe is signedData (1.2.840.113549.1.7.2) in that mode.
    Bytes bytes = fixture::bytes("p12/modern.p12");
    const Bytes data_oid = smimekit::from_hex("06092A864886F70D010701");
    const auto at = std::search(bytes.begin(), bytes.end(), data_oid.begin(), data_oid.end());
    REQUIRE(at != bytes.end());
    *(at + static_cast<std::ptrdiff_t>(data_oid.size() - 1)) = 0x02;
    CHECK_FALSE(smimekit::looks_like_pkcs12(bytes));
    CHECK(fixture::errc_of([&] { smimekit::read_pkcs12(bytes, "signed.p12", test1234()); }) ==
          Errc::Unsupported);
}

TEST_CASE("looks_like_pkcs12 recognises the fixtures and nothing else") {
    for (const std::string_view file : {"p12/modern.p12", "p12/legacy.p12", "p12/nomac.p12",
                                        "p12/pbmac1.p12"}) {
        CAPTURE(file);
        CHECK(smimekit::looks_like_pkcs12(fixture::bytes(file)));
    }
    CHECK_FALSE(smimekit::looks_like_pkcs12(fixture::bytes("users/alice.der")));
    CHECK_FALSE(smimekit::looks_like_pkcs12(fixture::bytes("misc/random.bin")));
    CHECK_FALSE(smimekit::looks_like_pkcs12(Bytes{}));
}

TEST_CASE("the protection details match what openssl pkcs12 -info prints") {
    SUBCASE("modern.p12: OpenSSL 3's default") {
        const smimekit::Pkcs12Info info = read("p12/modern.p12", test1234()).info;
        // PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256
        REQUIRE(info.certificate_encryption.size() == 1);
        check_encryption(info.certificate_encryption[0], kPbes2Aes256);
        // Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256
        REQUIRE(info.key_encryption.size() == 1);
        check_encryption(info.key_encryption[0], kPbes2Aes256);
        // MAC: sha256, Iteration 2048 / MAC length: 32, salt length: 8
        REQUIRE(info.mac.has_value());
        CHECK(info.mac->algorithm == "SHA256");
        CHECK(info.mac->iterations == 2048);
        CHECK(info.mac->salt_length == 8);
    }
    SUBCASE("compat.p12: 3DES and a SHA-1 MAC") {
        const smimekit::Pkcs12Info info = read("p12/compat.p12", test1234()).info;
        // PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048
        REQUIRE(info.certificate_encryption.size() == 1);
        check_encryption(info.certificate_encryption[0], kPkcs12Pbe3Des);
        // Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048
        REQUIRE(info.key_encryption.size() == 1);
        check_encryption(info.key_encryption[0], kPkcs12Pbe3Des);
        // MAC: sha1, Iteration 2048 / MAC length: 20, salt length: 8
        REQUIRE(info.mac.has_value());
        CHECK(info.mac->algorithm == "SHA1");
        CHECK(info.mac->iterations == 2048);
        CHECK(info.mac->salt_length == 8);
    }
    SUBCASE("legacy.p12: RC2-40 certificates, 3DES key") {
        const smimekit::Pkcs12Info info = read("p12/legacy.p12", test1234()).info;
        // PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048
        REQUIRE(info.certificate_encryption.size() == 1);
        check_encryption(info.certificate_encryption[0], kPkcs12PbeRc2_40);
        // Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048
        REQUIRE(info.key_encryption.size() == 1);
        check_encryption(info.key_encryption[0], kPkcs12Pbe3Des);
        // MAC: sha1, Iteration 2048 / MAC length: 20, salt length: 8
        REQUIRE(info.mac.has_value());
        CHECK(info.mac->algorithm == "SHA1");
        CHECK(info.mac->salt_length == 8);
    }
    SUBCASE("nopass.p12: plain bags, a MAC keyed with the absent password") {
        const smimekit::Pkcs12Info info = read("p12/nopass.p12", {}).info;
        // MAC: sha256, Iteration 2048 / MAC length: 32, salt length: 8; PKCS7 Data,
        // Certificate bag, PKCS7 Data, Key bag
        CHECK(info.certificate_encryption.empty());
        CHECK(info.key_encryption.empty());
        REQUIRE(info.mac.has_value());
        CHECK(info.mac->algorithm == "SHA256");
        CHECK(info.mac->iterations == 2048);
        CHECK(info.mac->salt_length == 8);
        CHECK(info.compatibility.starts_with("unencrypted: "));
    }
    SUBCASE("nomac.p12: plain bags and no MAC") {
        const smimekit::Pkcs12Info info = read("p12/nomac.p12", {}).info;
        // Warning: MAC is absent! / PKCS7 Data, Certificate bag, PKCS7 Data, Key bag
        CHECK(info.certificate_encryption.empty());
        CHECK(info.key_encryption.empty());
        CHECK_FALSE(info.mac.has_value());
        CHECK(info.compatibility.starts_with("unencrypted, no MAC: "));
    }
}

TEST_CASE("platform predictions tell modern, compat and legacy files apart") {
    SUBCASE("modern.p12: PBES2 is for recent Windows and macOS, not gpgsm 2.2") {
        const smimekit::Pkcs12Info info = read("p12/modern.p12", test1234()).info;
        CHECK(can_import(info, "Windows 10 1709+ / Server 2019+"));
        CHECK_FALSE(can_import(info, "Windows Server 2016 and older"));
        CHECK(can_import(info, "macOS 14+"));
        CHECK_FALSE(can_import(info, "macOS 13 and older"));
        CHECK_FALSE(can_import(info, "gpgsm 2.2"));
        CHECK(find_platform(info, "gpgsm 2.2")->reason.find("pkcs5PBES2-params") !=
              std::string::npos);
        CHECK(can_import(info, "NSS"));
        CHECK(can_import(info, "OpenSSL 3 (no -legacy)"));
        CHECK(info.compatibility ==
              "PBES2/AES-256: Windows 10 1709+ and Server 2019+, macOS 14+, NSS, OpenSSL 3 "
              "without -legacy; not Server 2016 and older, not macOS 13 and older, not gpgsm 2.2");
    }
    SUBCASE("compat.p12: 3DES and SHA-1 import everywhere") {
        const smimekit::Pkcs12Info info = read("p12/compat.p12", test1234()).info;
        for (const smimekit::PlatformSupport& platform : info.platforms) {
            CAPTURE(platform.platform);
            CHECK(platform.can_import);
            CHECK(platform.reason.empty());
        }
        CHECK(info.compatibility ==
              "PKCS#12 PBE/3DES: Windows, macOS, gpgsm 2.2, NSS, OpenSSL 3 without -legacy");
    }
    SUBCASE("legacy.p12: RC2-40 needs openssl -legacy") {
        const smimekit::Pkcs12Info info = read("p12/legacy.p12", test1234()).info;
        CHECK(can_import(info, "Windows Server 2016 and older"));
        CHECK(can_import(info, "gpgsm 2.2"));
        CHECK_FALSE(can_import(info, "OpenSSL 3 (no -legacy)"));
        CHECK(find_platform(info, "OpenSSL 3 (no -legacy)")->reason == "RC2-40-CBC needs -legacy");
        CHECK(info.compatibility ==
              "PKCS#12 PBE/RC2-40 + PKCS#12 PBE/3DES: Windows, macOS, gpgsm 2.2, NSS; not OpenSSL "
              "3 without -legacy");
    }
    SUBCASE("bob-ec.p12: gpgsm 2.2 cannot take EC keys") {
        const smimekit::Pkcs12Info info = read("p12/bob-ec.p12", test1234()).info;
        CHECK_FALSE(can_import(info, "gpgsm 2.2"));
    }
    SUBCASE("nomac.p12: NSS refuses a file without MAC") {
        const smimekit::Pkcs12Info info = read("p12/nomac.p12", {}).info;
        CHECK_FALSE(can_import(info, "NSS"));
        CHECK(can_import(info, "OpenSSL 3 (no -legacy)"));
    }
}

}  // TEST_SUITE("pkcs12")
