// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/smime.hpp, signing and verifying: what sign_message writes (structure, the
// signed bytes, algorithms) and what SignatureVerifier says about it and about damaged copies.
// Peers (openssl, gpgsm, NSS, GnuTLS) judge the same messages in tests/interop/smime_*.sh.
#include <smimekit/error.hpp>
#include <smimekit/load.hpp>
#include <smimekit/mime.hpp>
#include <smimekit/smime.hpp>
#include <smimekit/store.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using smimekit::as_bytes;
using smimekit::Bytes;
using smimekit::DigestAlgorithm;
using smimekit::Errc;
using smimekit::MessageVerification;
using smimekit::SignedForm;

namespace {

const std::string kMessage =
    "From: Alice Example <alice@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Subject: Test\r\n"
    "Date: Tue, 01 Jan 2030 00:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "=46rom here on, a signed line.\r\n"
    "-- =20\r\n"
    "Alice\r\n";

smimekit::LoadOptions with_password() {
    smimekit::LoadOptions options;
    options.password = [](std::string_view) {
        return std::optional<smimekit::Secret>(smimekit::Secret(fixture::text("p12/password.txt")));
    };
    return options;
}

/// alice (RSA-2048) with inter-rsa, from the .p12 that carries the chain.
smimekit::SigningIdentity alice() {
    return smimekit::signing_identity(smimekit::load_file(fixture::path("p12/fullchain.p12"), with_password()));
}

/// bob (ECDSA P-256); his .p12 has no chain, so inter-ec is added as `mail sign --chain` does.
smimekit::SigningIdentity bob() {
    smimekit::SigningIdentity identity =
        smimekit::signing_identity(smimekit::load_file(fixture::path("p12/bob-ec.p12"), with_password()));
    identity.chain.push_back(smimekit::load_certificate(fixture::path("ca/inter-ec.pem")));
    return identity;
}

std::string sign(const std::string& message, const smimekit::SigningIdentity& signer,
                 SignedForm form = SignedForm::Detached, DigestAlgorithm digest = DigestAlgorithm::Sha256,
                 bool pss = false) {
    smimekit::SignOptions options;
    options.form = form;
    options.digest = digest;
    options.rsa_pss = pss;
    options.signing_time = fixture::now();
    return smimekit::to_string(smimekit::sign_message(as_bytes(message), signer, options));
}

smimekit::SignatureVerifier verifier(std::string_view root = "ca/root-rsa.pem") {
    smimekit::Store anchors;
    anchors.add(smimekit::load_certificate(fixture::path(root)));
    smimekit::SignatureVerifyOptions options;
    options.time = fixture::now();
    return {std::move(anchors), smimekit::Store{}, options};
}

MessageVerification verify(const std::string& message, std::string_view root = "ca/root-rsa.pem") {
    return verifier(root).verify(as_bytes(message));
}

std::vector<std::string> codes(const MessageVerification& verification) {
    std::vector<std::string> all;
    for (const auto& problem : verification.problems) {
        all.push_back(problem.code);
    }
    for (const auto& signer : verification.signers) {
        for (const auto& problem : signer.problems) {
            all.push_back(problem.code);
        }
    }
    return all;
}

bool has_code(const MessageVerification& verification, std::string_view code) {
    const auto all = codes(verification);
    return std::find(all.begin(), all.end(), code) != all.end();
}

std::string replace_once(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string without_cr(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

}  // namespace

TEST_SUITE("smime") {

TEST_CASE("a detached signature keeps the outer fields outside and signs the content in CRLF") {
    const std::string signed_mail = sign(kMessage, alice());
    const smimekit::MimeEntity entity = smimekit::parse_mime(as_bytes(signed_mail));
    CHECK(entity.content_type().media_type() == "multipart/signed");
    CHECK(entity.content_type().parameter("protocol") == "application/pkcs7-signature");
    CHECK(entity.content_type().parameter("micalg") == "sha-256");
    for (const char* field : {"From", "To", "Subject", "Date"}) {
        CHECK(entity.header(field) != nullptr);
    }
    CHECK(std::count_if(entity.headers().begin(), entity.headers().end(),
                        [](const smimekit::MimeHeader& h) { return h.name == "MIME-Version"; }) == 1);
    REQUIRE(entity.parts().size() == 2);
    // The signed part is the Content-* fields and the body, byte for byte.
    const std::string signed_part = smimekit::to_string(entity.parts()[0].raw());
    CHECK(signed_part == kMessage.substr(kMessage.find("Content-Type:")));
    CHECK(entity.parts()[1].content_type().media_type() == "application/pkcs7-signature");
    CHECK(entity.parts()[1].header("Content-Transfer-Encoding")->value == "base64");
    for (std::size_t i = 0; i < signed_mail.size(); ++i) {
        if (signed_mail[i] == '\n' && (i == 0 || signed_mail[i - 1] != '\r')) {
            FAIL("a bare LF at offset " << i);  // every line ends with CRLF
        }
    }
}

TEST_CASE("what sign_message signs, the verifier accepts, with every detail reported") {
    const MessageVerification result = verify(sign(kMessage, alice()));
    CHECK(result.valid());
    CHECK(result.form == SignedForm::Detached);
    CHECK(result.micalg == "sha-256");
    CHECK(result.from == std::vector<std::string>{"alice@example.org"});
    REQUIRE(result.signers.size() == 1);
    const auto& signer = result.signers[0];
    CHECK(signer.signature_valid);
    REQUIRE(signer.certificate);
    CHECK(signer.certificate->common_name() == "Alice Example");
    CHECK(signer.signing_time == fixture::now());
    CHECK(signer.digest_algorithm == "SHA256");
    CHECK(signer.signature_algorithm == "RSA");
    CHECK(signer.address_matches);
    REQUIRE(signer.chain);
    CHECK(signer.chain->valid());
    CHECK(signer.chain->chain.size() == 3);
    CHECK(result.notes.empty());
}

TEST_CASE("every form, digest and key type verifies") {
    struct Case {
        SignedForm form;
        DigestAlgorithm digest;
        bool pss;
        bool ec;
        const char* signature;
        const char* digest_name;
    };
    const Case cases[] = {
        {SignedForm::Opaque, DigestAlgorithm::Sha256, false, false, "RSA", "SHA256"},
        {SignedForm::Detached, DigestAlgorithm::Sha384, false, false, "RSA", "SHA384"},
        {SignedForm::Detached, DigestAlgorithm::Sha512, true, false, "RSA-PSS", "SHA512"},
        {SignedForm::Opaque, DigestAlgorithm::Sha256, true, false, "RSA-PSS", "SHA256"},
        {SignedForm::Detached, DigestAlgorithm::Sha256, false, true, "ECDSA", "SHA256"},
        {SignedForm::Opaque, DigestAlgorithm::Sha512, false, true, "ECDSA", "SHA512"},
    };
    const auto rsa = alice();
    const auto ec = bob();
    std::string message = kMessage;
    for (const Case& c : cases) {
        CAPTURE(c.signature);
        CAPTURE(c.digest_name);
        const std::string from = c.ec ? "bob@example.org" : "alice@example.org";
        message = replace_once(kMessage, "alice@example.org", from);
        const std::string signed_mail = sign(message, c.ec ? ec : rsa, c.form, c.digest, c.pss);
        const MessageVerification result = verify(signed_mail);
        CHECK(result.valid());
        CHECK(result.form == c.form);
        REQUIRE(result.signers.size() == 1);
        CHECK(result.signers[0].signature_algorithm == c.signature);
        CHECK(result.signers[0].digest_algorithm == c.digest_name);
    }
}

TEST_CASE("an opaque message carries the content inside a signed-data part") {
    const std::string signed_mail = sign(kMessage, alice(), SignedForm::Opaque);
    const smimekit::MimeEntity entity = smimekit::parse_mime(as_bytes(signed_mail));
    CHECK(entity.content_type().media_type() == "application/pkcs7-mime");
    CHECK(entity.content_type().parameter("smime-type") == "signed-data");
    CHECK(entity.content_type().parameter("name") == "smime.p7m");
    CHECK(entity.header("Subject") != nullptr);
    std::string content;
    const auto result = verifier().verify(as_bytes(signed_mail), [&](smimekit::BytesView piece) {
        content += smimekit::to_string(piece);
    });
    CHECK(result.valid());
    CHECK(content == kMessage.substr(kMessage.find("Content-Type:")));
    // Small content is written in DER: definite lengths from the first byte on.
    const Bytes der = entity.decoded_body();
    CHECK(der.at(1) == 0x82);
}

TEST_CASE("large opaque content is streamed as BER and still verifies") {
    std::string message = kMessage;
    const std::string line(70, 'x');
    while (message.size() < (5U << 20U)) {
        message += line + "\r\n";
    }
    const std::string signed_mail = sign(message, alice(), SignedForm::Opaque);
    const Bytes ber = smimekit::parse_mime(as_bytes(signed_mail)).decoded_body();
    CHECK(ber.at(1) == 0x80);  // indefinite length
    const MessageVerification result = verify(signed_mail);
    CHECK(result.valid());
    CHECK(result.content_bytes == message.size() - message.find("Content-Type:"));
}

TEST_CASE("the verifier reads files saved with LF line ends and notes it") {
    for (const SignedForm form : {SignedForm::Detached, SignedForm::Opaque}) {
        const MessageVerification result = verify(without_cr(sign(kMessage, alice(), form)));
        CHECK(result.valid());
        if (form == SignedForm::Detached) {
            CHECK(std::any_of(result.notes.begin(), result.notes.end(), [](const std::string& note) {
                return note.find("LF line ends") != std::string::npos;
            }));
        }
    }
}

TEST_CASE("a changed byte in the signed part or the signature fails the message") {
    const std::string signed_mail = sign(kMessage, alice());
    SUBCASE("the body") {
        const auto result = verify(replace_once(signed_mail, "Hello Bob", "Hello Rob"));
        CHECK_FALSE(result.valid());
        CHECK(codes(result) == std::vector<std::string>{"content-altered"});
    }
    SUBCASE("a header of the signed part") {
        const auto result = verify(replace_once(signed_mail, "charset=utf-8", "charset=utf-7"));
        CHECK(has_code(result, "content-altered"));
    }
    SUBCASE("the signature value") {
        // The last base64 line of the signature part ends the RSA signature value.
        const std::size_t end = signed_mail.rfind("\r\n\r\n--");
        const std::size_t start = signed_mail.rfind("\r\n", end - 1) + 2;
        std::string damaged = signed_mail;
        damaged[start + 2] = damaged[start + 2] == 'A' ? 'B' : 'A';
        const auto result = verify(damaged);
        CHECK(has_code(result, "bad-signature"));
    }
    SUBCASE("an added trailing line") {
        const auto result = verify(replace_once(signed_mail, "Alice\r\n", "Alice\r\nP.S.\r\n"));
        CHECK(has_code(result, "content-altered"));
    }
}

TEST_CASE("a wrong trust anchor, a strange sender and an unsigned mail are verdicts, not errors") {
    const std::string signed_mail = sign(kMessage, alice());
    SUBCASE("wrong anchor") {
        const auto result = verify(signed_mail, "ca/root2-rsa.pem");
        CHECK_FALSE(result.valid());
        CHECK(result.signers.at(0).signature_valid);
        CHECK(has_code(result, "missing-issuer"));
    }
    SUBCASE("the From address is not the signer's") {
        const auto result = verify(sign(replace_once(kMessage, "alice@example.org", "eve@example.org"), alice()));
        CHECK(codes(result) == std::vector<std::string>{"email-mismatch"});
        CHECK_FALSE(result.signers.at(0).address_matches);
    }
    SUBCASE("not signed") {
        const auto result = verify(kMessage);
        CHECK_FALSE(result.valid());
        CHECK_FALSE(result.form);
        CHECK(codes(result) == std::vector<std::string>{"not-signed"});
    }
    SUBCASE("an expired signer at a later time") {
        smimekit::Store anchors;
        anchors.add(smimekit::load_certificate(fixture::path("ca/root-rsa.pem")));
        smimekit::SignatureVerifyOptions options;
        options.time = fixture::at("2047-01-01T00:00:00Z");
        smimekit::SignatureVerifier late(std::move(anchors), {}, options);
        CHECK(has_code(late.verify(as_bytes(signed_mail)), "expired"));
    }
}

TEST_CASE("the verifier takes x- media types, an unquoted micalg and notes a wrong one") {
    std::string signed_mail = sign(kMessage, alice());
    signed_mail = replace_once(signed_mail, "protocol=\"application/pkcs7-signature\"",
                               "protocol=\"application/x-pkcs7-signature\"");
    signed_mail = replace_once(signed_mail, "Content-Type: application/pkcs7-signature",
                               "Content-Type: application/x-pkcs7-signature");
    signed_mail = replace_once(signed_mail, "micalg=sha-256", "micalg=sha-1");
    const auto result = verify(signed_mail);
    CHECK(result.valid());
    CHECK(std::any_of(result.notes.begin(), result.notes.end(), [](const std::string& note) {
        return note.find("micalg=sha-1 does not name") != std::string::npos;
    }));
}

TEST_CASE("a message without a Content-Type is signed as text/plain, written out") {
    const std::string plain = "From: alice@example.org\nSubject: bare\n\nbody\n";
    const std::string signed_mail = sign(plain, alice());
    const auto entity = smimekit::parse_mime(as_bytes(signed_mail));
    REQUIRE(entity.parts().size() == 2);
    CHECK(smimekit::to_string(entity.parts()[0].raw()) ==
          "Content-Type: text/plain; charset=us-ascii\r\n\r\nbody\r\n");
    CHECK(verify(signed_mail).valid());
}

TEST_CASE("signing 8-bit content works and says that transports may break it") {
    const std::string eight_bit = replace_once(replace_once(kMessage, "quoted-printable", "8bit"), "Hello Bob",
                                               "Gr\xC3\xBC\xC3\x9F dich, Bob");
    smimekit::SignOptions options;
    options.signing_time = fixture::now();
    std::string out;
    const auto result = smimekit::sign_message(smimekit::memory_source(as_bytes(eight_bit)), alice(), options,
                                               [&](smimekit::BytesView piece) { out += smimekit::to_string(piece); });
    REQUIRE(result.notes.size() == 1);
    CHECK(result.notes[0].find("8-bit data") != std::string::npos);
    CHECK(result.content_bytes == eight_bit.size() - eight_bit.find("Content-Type:"));
    CHECK(verify(out).valid());
}

TEST_CASE("sign_message refuses what is not a mail and RSA-PSS with an EC key") {
    CHECK(fixture::errc_of([] { sign("", alice()); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { sign(std::string("\x30\x82\x01\x00 binary", 12), alice()); }) == Errc::Malformed);
    CHECK(fixture::errc_of([] { sign(kMessage, bob(), SignedForm::Detached, DigestAlgorithm::Sha256, true); }) ==
          Errc::InvalidArgument);
}

TEST_CASE("a damaged signature part is malformed input") {
    const std::string signed_mail = sign(kMessage, alice());
    const std::size_t body = signed_mail.find("\r\n\r\n", signed_mail.find("smime.p7s\"\r\nContent-Desc")) + 4;
    std::string damaged = signed_mail;
    damaged.replace(body, 8, "!!!!!!!!");
    CHECK(fixture::errc_of([&] { verify(damaged); }) == Errc::Malformed);
}

TEST_CASE("a multipart/signed cut before its closing boundary is malformed input") {
    const std::string signed_mail = sign(kMessage, alice());
    CHECK(fixture::errc_of([&] { verify(signed_mail.substr(0, signed_mail.size() - 12)); }) ==
          Errc::Malformed);
}

TEST_CASE("the signing identity of a .p12 leaves the root out unless asked") {
    const auto file = smimekit::load_file(fixture::path("p12/fullchain.p12"), with_password());
    const auto identity = smimekit::signing_identity(file);
    CHECK(identity.certificate.common_name() == "Alice Example");
    REQUIRE(identity.chain.size() == 1);
    CHECK(identity.chain[0].common_name() == "smimekit Test Intermediate RSA");
    const auto with_root = smimekit::signing_identity(file, true);
    REQUIRE(with_root.chain.size() == 2);
    CHECK(with_root.chain[1].common_name() == "smimekit Test Root RSA");
    const auto certificate_only = smimekit::load_file(fixture::path("p12/certonly.p12"), with_password());
    CHECK(fixture::errc_of([&] { smimekit::signing_identity(certificate_only); }) == Errc::NotFound);
}

TEST_CASE("digest names read both spellings") {
    CHECK(smimekit::digest_from_name("sha-384") == DigestAlgorithm::Sha384);
    CHECK(smimekit::digest_from_name("SHA512") == DigestAlgorithm::Sha512);
    CHECK_FALSE(smimekit::digest_from_name("md5"));
    CHECK(smimekit::micalg_name(DigestAlgorithm::Sha256) == "sha-256");
}

}  // TEST_SUITE("smime")
