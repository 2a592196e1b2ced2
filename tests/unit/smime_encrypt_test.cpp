// SPDX-License-Identifier: Apache-2.0
// smimekit/smime.hpp, encryption part: encrypt_message, decrypt_message, inspect_message and the
// recipient checks. The peers' view of the same messages is tests/interop/smime_encrypt_peers.sh.
#include <smimekit/load.hpp>
#include <smimekit/smime.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace {

using smimekit::Bytes;
using smimekit::Certificate;
using smimekit::ContentCipher;
using smimekit::DecryptionIdentity;
using smimekit::EncryptOptions;
using smimekit::Errc;

const std::string kMessage =
    "From: Alice Example <alice@example.org>\n"
    "To: bob@example.org\n"
    "Subject: Quarterly figures\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "Hello Bob,\n"
    "From here on it is confidential.\n";

// The message as decrypt_message gives it back: the outer fields, MIME-Version, then the
// protected entity in canonical form.
const std::string kDecrypted =
    "From: Alice Example <alice@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Subject: Quarterly figures\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "From here on it is confidential.\r\n";

Certificate cert(std::string_view name) {
    return smimekit::load_certificate(fixture::path(name));
}

DecryptionIdentity identity(std::string_view p12) {
    smimekit::LoadOptions options;
    options.password = [](std::string_view) { return smimekit::Secret("test1234"); };
    return smimekit::decryption_identity(smimekit::load_file(fixture::path(p12), options));
}

std::string text_of(const Bytes& bytes) {
    return smimekit::to_string(bytes);
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

smimekit::SigningIdentity alice_signer() {
    smimekit::LoadOptions options;
    options.password = [](std::string_view) { return smimekit::Secret("test1234"); };
    return smimekit::signing_identity(
        smimekit::load_file(fixture::path("p12/fullchain.p12"), options));
}

// A ByteSource over `text`, in small pieces so that readers must join them.
smimekit::ByteSource source_of(const std::string& text) {
    return [&text, offset = std::size_t{0}](std::span<std::uint8_t> buffer) mutable {
        const std::size_t n = std::min({buffer.size(), text.size() - offset, std::size_t{7}});
        std::copy_n(text.begin() + static_cast<std::ptrdiff_t>(offset), n, buffer.begin());
        offset += n;
        return n;
    };
}

}  // namespace

TEST_SUITE("smime") {
    TEST_CASE("an encrypted message keeps its outer fields and decrypts to the canonical entity") {
        const std::vector<Certificate> recipients{cert("users/alice.pem")};
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, {});
        const std::string text = text_of(encrypted);
        CHECK(
            text.starts_with("From: Alice Example <alice@example.org>\r\nTo: bob@example.org\r\n"
                             "Subject: Quarterly figures\r\nMIME-Version: 1.0\r\n"));
        CHECK(contains(text,
                       "Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\r\n"
                       " name=\"smime.p7m\"\r\n"));
        CHECK(contains(text, "Content-Transfer-Encoding: base64\r\n"));
        CHECK_FALSE(contains(text, "confidential"));

        const std::vector<DecryptionIdentity> keys{identity("p12/modern.p12")};
        const auto decrypted = smimekit::decrypt_message(encrypted, keys);
        CHECK(text_of(decrypted.message) == kDecrypted);
        CHECK(decrypted.result.kind == smimekit::EnvelopeKind::Enveloped);
        CHECK(decrypted.result.content_cipher == "AES-256-CBC");
        CHECK(decrypted.result.recipient.key_algorithm_text == "RSA PKCS#1 v1.5");
        CHECK(decrypted.result.recipient.names(recipients[0]));
        CHECK(decrypted.result.content_type == "text/plain");
        CHECK(decrypted.result.content_bytes ==
              kDecrypted.size() - kDecrypted.find("Content-Type"));
    }

    TEST_CASE("every cipher and key transport round-trips") {
        EncryptOptions options;
        std::string cipher_text = "AES-256-CBC";
        std::string key_text = "RSA PKCS#1 v1.5";
        std::string p12 = "p12/modern.p12";
        std::string recipient = "users/alice.pem";
        auto kind = smimekit::EnvelopeKind::Enveloped;
        SUBCASE("AES-128-CBC") {
            options.cipher = ContentCipher::Aes128Cbc;
            cipher_text = "AES-128-CBC";
        }
        SUBCASE("3DES") {
            options.cipher = ContentCipher::DesEde3Cbc;
            cipher_text = "3DES-CBC";
        }
        SUBCASE("AES-256-GCM makes AuthEnvelopedData") {
            options.cipher = ContentCipher::Aes256Gcm;
            cipher_text = "AES-256-GCM";
            kind = smimekit::EnvelopeKind::AuthEnveloped;
        }
        SUBCASE("RSAES-OAEP with SHA-256") {
            options.rsa_oaep = true;
            key_text = "RSAES-OAEP (SHA256, MGF1 with SHA256)";
        }
        SUBCASE("ECDH with the SHA-256 KDF") {
            p12 = "p12/bob-ec.p12";
            recipient = "users/bob-ec.pem";
            key_text = "ECDH dhSinglePass-stdDH-sha256kdf, key wrap aes256-wrap";
        }
        const std::vector<Certificate> recipients{cert(recipient)};
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, options);
        CHECK(contains(text_of(encrypted),
                       "smime-type=" + std::string(smimekit::envelope_kind_name(kind)) + ";"));
        const std::vector<DecryptionIdentity> keys{identity(p12)};
        const auto decrypted = smimekit::decrypt_message(encrypted, keys);
        CHECK(text_of(decrypted.message) == kDecrypted);
        CHECK(decrypted.result.kind == kind);
        CHECK(decrypted.result.content_cipher == cipher_text);
        CHECK(decrypted.result.recipient.key_algorithm_text == key_text);
    }

    TEST_CASE("a message larger than one BER chunk decrypts from its pieces") {
        // OpenSSL streams the encrypted content as an OCTET STRING chunk per 4 KiB or so.
        std::string message = "Subject: long\nContent-Type: text/plain\n\n";
        std::string entity = "Content-Type: text/plain\r\n\r\n";
        for (int i = 0; i < 3000; ++i) {
            const std::string line = "line " + std::to_string(i) + " of a long message";
            message += line + "\n";
            entity += line + "\r\n";
        }
        const std::vector<Certificate> recipients{cert("users/alice.pem")};
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(message), recipients, {});
        const std::vector<DecryptionIdentity> keys{identity("p12/modern.p12")};
        const auto decrypted = smimekit::decrypt_message(encrypted, keys);
        CHECK(text_of(decrypted.message).ends_with("MIME-Version: 1.0\r\n" + entity));
        CHECK(decrypted.result.content_bytes == entity.size());
        const auto inspection = smimekit::inspect_message(encrypted);
        REQUIRE(inspection.layers.size() == 1);
        CHECK(inspection.layers[0].encrypted_bytes == (entity.size() / 16 + 1) * 16);
    }

    TEST_CASE("a message to an RSA and an EC recipient opens with either key") {
        const std::vector<Certificate> recipients{cert("users/alice.pem"),
                                                  cert("users/bob-ec.pem")};
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, {});
        for (const char* p12 : {"p12/modern.p12", "p12/bob-ec.p12"}) {
            CAPTURE(p12);
            const std::vector<DecryptionIdentity> keys{identity(p12)};
            CHECK(text_of(smimekit::decrypt_message(encrypted, keys).message) == kDecrypted);
        }
        // The first identity a recipient entry names is used, whatever the order.
        const std::vector<DecryptionIdentity> both{identity("p12/carol.p12"),
                                                   identity("p12/bob-ec.p12")};
        const auto decrypted = smimekit::decrypt_message(encrypted, both);
        CHECK(decrypted.result.certificate == cert("users/bob-ec.pem"));
        CHECK(decrypted.result.recipient.type == "key-agreement");
    }

    TEST_CASE("decrypting with a key no recipient entry names fails with KeyMismatch") {
        const std::vector<Certificate> recipients{cert("users/alice.pem")};
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, {});
        const std::vector<DecryptionIdentity> keys{identity("p12/carol.p12")};
        CHECK(fixture::errc_of([&] { smimekit::decrypt_message(encrypted, keys); }) ==
              Errc::KeyMismatch);
        const std::string message =
            fixture::message_of([&] { smimekit::decrypt_message(encrypted, keys); });
        CHECK(
            message.starts_with("no recipient matches: the message is for issuer "
                                "CN=smimekit Test Intermediate RSA,O=smimekit test, serial " +
                                recipients[0].serial_hex()));
        CHECK(contains(message, "the key is for CN=Carol Example,O=smimekit test"));
    }

    TEST_CASE(
        "an altered AuthEnvelopedData fails its authentication and an altered envelope fails") {
        EncryptOptions options;
        options.cipher = ContentCipher::Aes256Gcm;
        const std::vector<Certificate> recipients{cert("users/alice.pem")};
        Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, options);
        // Flip one base64 character in the middle of the last base64 line but one: that is inside
        // the encrypted content or the tag, never in the header.
        const std::string text = text_of(encrypted);
        const std::size_t body = text.find("\r\n\r\n") + 4;
        const std::size_t last_line = text.rfind("\r\n", text.size() - 3);
        const std::size_t at = text.rfind("\r\n", last_line - 1) - 10;
        REQUIRE(at > body);
        encrypted[at] = encrypted[at] == 'A' ? 'B' : 'A';
        const std::vector<DecryptionIdentity> keys{identity("p12/modern.p12")};
        CHECK(fixture::errc_of([&] { smimekit::decrypt_message(encrypted, keys); }) ==
              Errc::Malformed);
    }

    TEST_CASE("decrypt refuses what is not an encrypted message, naming what it is") {
        const std::vector<DecryptionIdentity> keys{identity("p12/modern.p12")};
        CHECK(fixture::message_of([&] {
                  smimekit::decrypt_message(smimekit::as_bytes(kMessage), keys);
              }) == "not an encrypted S/MIME message: it is text/plain");
        const std::string truncated =
            "From: a@example.org\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
            "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\n";
        CHECK(fixture::errc_of([&] {
                  smimekit::decrypt_message(smimekit::as_bytes(truncated), keys);
              }) == Errc::Malformed);
    }

    TEST_CASE("encryption_problems names each reason a certificate cannot receive encrypted mail") {
        const auto now = fixture::now();
        CHECK(smimekit::encryption_problems(cert("users/alice.pem"), now).empty());
        CHECK(smimekit::encryption_problems(cert("users/bob-ec.pem"), now).empty());
        CHECK(smimekit::encryption_problems(cert("users/dave-encrypt.pem"), now).empty());
        CHECK(smimekit::encryption_problems(cert("users/dave-sign.pem"), now) ==
              std::vector<std::string>{"its key usage does not allow keyEncipherment"});
        CHECK(smimekit::encryption_problems(cert("users/noeku.pem"), now) ==
              std::vector<std::string>{"its extended key usage does not include emailProtection"});
        CHECK(smimekit::encryption_problems(cert("users/expired.pem"), now) ==
              std::vector<std::string>{"it expired on 2021-01-01T00:00:00Z"});
        CHECK(smimekit::encryption_problems(cert("users/notyet.pem"), now) ==
              std::vector<std::string>{"it is not valid before 2035-01-01T00:00:00Z"});
    }

    TEST_CASE("encrypt refuses no recipients and keys that cannot receive") {
        CHECK(fixture::errc_of([] {
                  smimekit::encrypt_message(smimekit::as_bytes(kMessage), {}, {});
              }) == Errc::InvalidArgument);
    }

    TEST_CASE("envelope_limitations names the readers interop.md saw fail") {
        const std::vector<Certificate> rsa{cert("users/alice.pem")};
        const std::vector<Certificate> mixed{cert("users/alice.pem"), cert("users/bob-ec.pem")};
        CHECK(smimekit::envelope_limitations(rsa, {}).empty());
        EncryptOptions gcm;
        gcm.cipher = ContentCipher::Aes256Gcm;
        const auto gcm_limits = smimekit::envelope_limitations(rsa, gcm);
        CHECK(std::any_of(gcm_limits.begin(), gcm_limits.end(),
                          [](const auto& limit) { return limit.client == "Outlook"; }));
        const auto mixed_limits = smimekit::envelope_limitations(mixed, {});
        CHECK(std::any_of(mixed_limits.begin(), mixed_limits.end(), [](const auto& limit) {
            return limit.client == "NSS 3.87" && contains(limit.reason, "whole message");
        }));
        EncryptOptions oaep;
        oaep.rsa_oaep = true;
        CHECK(smimekit::envelope_limitations(rsa, oaep).size() == 2);
    }

    TEST_CASE("cipher names are OpenSSL's, read in any case") {
        for (const auto cipher : {ContentCipher::Aes256Cbc, ContentCipher::Aes128Cbc,
                                  ContentCipher::Aes256Gcm, ContentCipher::DesEde3Cbc}) {
            CHECK(smimekit::cipher_from_name(smimekit::cipher_name(cipher)) == cipher);
        }
        CHECK(smimekit::cipher_from_name("AES-256-GCM") == ContentCipher::Aes256Gcm);
        CHECK_FALSE(smimekit::cipher_from_name("rc2-40-cbc").has_value());
    }

    TEST_CASE("decryption_identity wants a key and its certificate") {
        smimekit::LoadOptions options;
        options.password = [](std::string_view) { return smimekit::Secret("test1234"); };
        CHECK(identity("p12/modern.p12").certificate == cert("users/alice.pem"));
        CHECK(fixture::errc_of([&] {
                  smimekit::decryption_identity(
                      smimekit::load_file(fixture::path("p12/keyonly.p12"), options));
              }) == Errc::NotFound);
        CHECK(fixture::errc_of([&] {
                  smimekit::decryption_identity(
                      smimekit::load_file(fixture::path("users/alice.pem"), options));
              }) == Errc::NotFound);
    }

    TEST_CASE("inspect_message shows the envelope's recipients and cipher without a key") {
        const std::vector<Certificate> recipients{cert("users/alice.pem"),
                                                  cert("users/bob-ec.pem")};
        EncryptOptions options;
        options.cipher = ContentCipher::Aes128Cbc;
        const Bytes encrypted =
            smimekit::encrypt_message(smimekit::as_bytes(kMessage), recipients, options);
        const auto inspection = smimekit::inspect_message(encrypted);
        CHECK(inspection.subject == "Quarterly figures");
        CHECK(inspection.from == "Alice Example <alice@example.org>");
        REQUIRE(inspection.layers.size() == 1);
        const auto& layer = inspection.layers[0];
        CHECK(layer.kind == smimekit::LayerKind::Enveloped);
        CHECK(layer.smime_type == "enveloped-data");
        CHECK(layer.content_cipher == "AES-128-CBC");
        CHECK(layer.encrypted_bytes % 16 == 0);
        REQUIRE(layer.recipients.size() == 2);
        CHECK(layer.recipients[0].type == "key-transport");
        CHECK(layer.recipients[0].names(recipients[0]));
        CHECK(layer.recipients[1].type == "key-agreement");
        CHECK(layer.recipients[1].names(recipients[1]));
        CHECK_FALSE(layer.recipients[1].names(recipients[0]));
        CHECK(inspection.content_type.empty());
        CHECK(std::any_of(inspection.unable_clients.begin(), inspection.unable_clients.end(),
                          [](const auto& limit) { return limit.client == "NSS 3.87"; }));
        CHECK(inspection.notes.empty());
    }

    TEST_CASE("sign_and_encrypt_message hides a signed message that verifies once decrypted") {
        smimekit::SignOptions sign;
        sign.signing_time = fixture::now();
        const std::vector<Certificate> recipients{cert("users/bob-ec.pem")};
        Bytes encrypted;
        smimekit::sign_and_encrypt_message(source_of(kMessage), alice_signer(), sign, recipients,
                                           {}, [&](smimekit::BytesView piece) {
                                               encrypted.insert(encrypted.end(), piece.begin(),
                                                                piece.end());
                                           });
        const auto outside = smimekit::inspect_message(encrypted);
        REQUIRE(outside.layers.size() == 1);
        CHECK(outside.layers[0].kind == smimekit::LayerKind::Enveloped);
        CHECK(outside.subject == "Quarterly figures");

        const std::vector<DecryptionIdentity> keys{identity("p12/bob-ec.p12")};
        const auto decrypted = smimekit::decrypt_message(encrypted, keys);
        CHECK(decrypted.result.content_type == "multipart/signed");
        const auto inside = smimekit::inspect_message(decrypted.message);
        REQUIRE(inside.layers.size() == 1);
        const auto& layer = inside.layers[0];
        CHECK(layer.kind == smimekit::LayerKind::Signed);
        CHECK(layer.form == smimekit::SignedForm::Detached);
        CHECK(layer.micalg == "sha-256");
        CHECK(layer.certificates.size() == 2);  // alice and her intermediate, not the root
        REQUIRE(layer.signers.size() == 1);
        const auto& signer = layer.signers[0];
        CHECK(signer.certificate == cert("users/alice.pem"));
        CHECK(signer.signing_time == fixture::now());
        CHECK(signer.digest_algorithm.name == "SHA256");
        REQUIRE(signer.smime_capabilities.has_value());
        CHECK(signer.smime_capabilities->front().name == "AES-256-CBC");
        CHECK(inside.content_type == "text/plain");

        smimekit::Store anchors;
        anchors.add(cert("ca/root-rsa.pem"));
        smimekit::SignatureVerifyOptions verify;
        verify.time = fixture::now();
        smimekit::SignatureVerifier verifier(anchors, {}, verify);
        CHECK(verifier.verify(decrypted.message).valid());
    }

    TEST_CASE("inspect_message reads through an opaque signature to the content") {
        smimekit::SignOptions sign;
        sign.form = smimekit::SignedForm::Opaque;
        sign.signing_time = fixture::now();
        const Bytes opaque =
            smimekit::sign_message(smimekit::as_bytes(kMessage), alice_signer(), sign);
        const auto inspection = smimekit::inspect_message(opaque);
        REQUIRE(inspection.layers.size() == 1);
        CHECK(inspection.layers[0].form == smimekit::SignedForm::Opaque);
        CHECK(inspection.layers[0].smime_type == "signed-data");
        CHECK(inspection.layers[0].signers.size() == 1);
        CHECK(inspection.content_type == "text/plain");
        CHECK(inspection.notes.empty());
    }

    TEST_CASE("inspect_message of a plain message finds no layer") {
        const auto inspection = smimekit::inspect_message(smimekit::as_bytes(kMessage));
        CHECK(inspection.layers.empty());
        CHECK(inspection.content_type == "text/plain");
        CHECK(inspection.unable_clients.empty());
    }

}  // TEST_SUITE("smime")
