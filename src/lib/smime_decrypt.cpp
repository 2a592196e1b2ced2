// SPDX-License-Identifier: Apache-2.0
// Decrypting mail (smime.hpp, "Encryption"): the CMS of an application/pkcs7-mime message is
// decoded as it is read, taken apart so that its encrypted content is never copied
// (detail::split_envelope), and decrypted as a stream by OpenSSL with the identity whose
// certificate a recipient entry names.
#include "smimekit/smime.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/cms_envelope.hpp"
#include "detail/smime_mime.hpp"

#include <algorithm>
#include <array>

namespace smimekit {
namespace {

constexpr std::size_t kReadSize = 64 * 1024;
// The decrypted entity's header block is looked for in this many first bytes.
constexpr std::size_t kHeadCapture = 64 * 1024;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string text;
    for (const std::string& item : items) {
        text += (text.empty() ? "" : std::string(separator)) + item;
    }
    return text;
}

// The CMS of the message: its body with the transfer encoding removed, decoded as it is read
// so that only the CMS, not the message text, is ever held.
Bytes read_cms(const detail::MessageHead& head, const MimeEntity& envelope,
               const ByteSource& source, std::uint64_t size_hint) {
    Bytes cms;
    // Base64 holds 3 bytes in 4 characters plus line ends; a hint that is wrong only costs a
    // reallocation.
    if (size_hint > 0 && size_hint / 4 * 3 < (std::uint64_t{1} << 32U)) {
        cms.reserve(static_cast<std::size_t>(size_hint / 4 * 3));
    }
    const std::optional<TransferEncoding> encoding = envelope.transfer_encoding();
    if (!encoding) {
        throw Error(Errc::Unsupported, "unknown Content-Transfer-Encoding");
    }
    std::array<std::uint8_t, kReadSize> buffer{};
    detail::Base64StreamDecoder decoder(cms);
    // Some writers leave out Content-Transfer-Encoding on a base64 body (cms_bytes_of does
    // the same): a body that does not start like a DER SEQUENCE is read as base64.
    std::optional<bool> base64;
    if (*encoding == TransferEncoding::Base64) {
        base64 = true;
    } else if (*encoding == TransferEncoding::QuotedPrintable) {
        throw Error(Errc::Unsupported, "a CMS body in quoted-printable");
    }
    const auto feed = [&](BytesView bytes) {
        if (!base64) {
            const auto first = std::find_if(bytes.begin(), bytes.end(), [](std::uint8_t c) {
                return c != ' ' && c != '\t' && c != '\r' && c != '\n';
            });
            if (first == bytes.end()) {
                return;
            }
            base64 = *first != 0x30;
        }
        if (*base64) {
            decoder.write(bytes);
        } else {
            cms.insert(cms.end(), bytes.begin(), bytes.end());
        }
    };
    feed(head.body_start);
    for (std::size_t n = source(buffer); n > 0; n = source(buffer)) {
        feed(BytesView(buffer.data(), n));
    }
    if (base64.value_or(false)) {
        decoder.finish();
    }
    if (cms.empty()) {
        throw Error(Errc::Malformed, "the S/MIME part is empty");
    }
    return cms;
}

detail::CmsPtr parse_cms(BytesView der) {
    const unsigned char* p = der.data();
    detail::CmsPtr cms(::d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
    detail::ossl_check(cms != nullptr, Errc::Malformed, "the CMS envelope cannot be read");
    return cms;
}

// The index in recipient_facts() order of the entry that names `certificate`, if any.
std::optional<std::size_t> entry_for(CMS_ContentInfo* cms, X509* certificate) {
    std::size_t index = 0;
    STACK_OF(CMS_RecipientInfo)* infos = ::CMS_get0_RecipientInfos(cms);  // get0: borrowed
    for (int i = 0; i < sk_CMS_RecipientInfo_num(infos); ++i) {
        CMS_RecipientInfo* info = sk_CMS_RecipientInfo_value(infos, i);
        if (::CMS_RecipientInfo_type(info) == CMS_RECIPINFO_AGREE) {
            STACK_OF(CMS_RecipientEncryptedKey)* keys = ::CMS_RecipientInfo_kari_get0_reks(info);
            for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(keys); ++k, ++index) {
                if (::CMS_RecipientEncryptedKey_cert_cmp(
                        sk_CMS_RecipientEncryptedKey_value(keys, k), certificate) == 0) {
                    return index;
                }
            }
            continue;
        }
        if (::CMS_RecipientInfo_type(info) == CMS_RECIPINFO_TRANS &&
            ::CMS_RecipientInfo_ktri_cert_cmp(info, certificate) == 0) {
            return index;
        }
        ++index;
    }
    return std::nullopt;
}

Error no_recipient_matches(const std::vector<RecipientFacts>& recipients,
                           std::span<const DecryptionIdentity> identities) {
    std::vector<std::string> wanted;
    for (const RecipientFacts& recipient : recipients) {
        wanted.push_back(recipient.id_text());
    }
    std::vector<std::string> ours;
    for (const DecryptionIdentity& identity : identities) {
        ours.push_back(identity.certificate.subject() + " (serial " +
                       identity.certificate.serial_hex() + ")");
    }
    return Error(Errc::KeyMismatch,
                 "no recipient matches: the message is for " +
                     (wanted.empty() ? std::string("nobody") : join(wanted, "; ")) +
                     ", the key is for " + join(ours, "; "),
                 {}, "decrypt with the key of one of these certificates");
}

}  // namespace

DecryptionIdentity decryption_identity(const LoadedFile& file) {
    if (file.keys.empty()) {
        throw Error(Errc::NotFound, in_quotes(file.name) + ": holds no private key", {},
                    "give the .p12 of the recipient, with its key");
    }
    for (const PrivateKey& key : file.keys) {
        for (const Certificate& certificate : file.certificates) {
            if (key.matches(certificate)) {
                return {key, certificate};
            }
        }
    }
    throw Error(Errc::NotFound, in_quotes(file.name) + ": holds no certificate for its key", {},
                "the certificate names the recipient entry to open: give a .p12 with both");
}

std::string RecipientFacts::id_text() const {
    if (!issuer.empty()) {
        return "issuer " + issuer + ", serial " + serial;
    }
    if (!subject_key_id.empty()) {
        return "subject key id " + subject_key_id;
    }
    return "a " + type + " recipient";
}

bool RecipientFacts::names(const Certificate& certificate) const {
    if (!issuer.empty()) {
        return issuer == certificate.issuer() && serial == certificate.serial_hex();
    }
    const auto key_id = certificate.subject_key_id();
    return !subject_key_id.empty() && key_id && to_hex(*key_id) == subject_key_id;
}

DecryptResult decrypt_message(const ByteSource& source,
                              std::span<const DecryptionIdentity> identities, const ByteSink& sink,
                              std::uint64_t size_hint) {
    const detail::MessageHead head = detail::read_message_head(source);
    const MimeEntity envelope = parse_mime(head.headers.inner);
    if (detail::cms_part_kind(envelope) != detail::CmsPartKind::Pkcs7Mime) {
        const std::string type = envelope.content_type().media_type();
        throw Error(
            Errc::Malformed, "not an encrypted S/MIME message: it is " + type, {},
            type == "multipart/signed" ? "it is signed only: see 'smimekit mail verify'" : "");
    }
    const Bytes der = read_cms(head, envelope, source, size_hint);
    const std::string content_type = detail::cms_content_type(der).value_or("not CMS");
    if (content_type != "envelopedData" && content_type != "authEnvelopedData") {
        throw Error(
            Errc::Malformed, "not an encrypted S/MIME message: its CMS is " + content_type, {},
            content_type == "signedData" ? "it is signed only: see 'smimekit mail verify'" : "");
    }

    const std::optional<detail::EnvelopeLayout> layout = detail::split_envelope(der);
    const detail::CmsPtr cms = parse_cms(layout ? BytesView(layout->structure) : BytesView(der));
    DecryptResult result;
    result.kind =
        content_type == "authEnvelopedData" ? EnvelopeKind::AuthEnveloped : EnvelopeKind::Enveloped;
    if (layout) {
        result.content_cipher = detail::content_cipher_text(layout->content_algorithm);
    }
    const std::vector<RecipientFacts> recipients = detail::recipient_facts(cms.get());
    const DecryptionIdentity* identity = nullptr;
    for (const DecryptionIdentity& candidate : identities) {
        if (const auto index = entry_for(cms.get(), detail::x509_of(candidate.certificate))) {
            identity = &candidate;
            result.recipient = recipients.at(*index);
            break;
        }
    }
    if (identity == nullptr) {
        throw no_recipient_matches(recipients, identities);
    }
    result.certificate = identity->certificate;
    X509* certificate = detail::x509_of(identity->certificate);
    detail::ossl_check(
        ::CMS_decrypt_set1_pkey_and_peer(cms.get(), detail::pkey_of(identity->key), certificate,
                                         nullptr) == 1,
        Errc::KeyMismatch,
        "the key does not open the recipient entry for " + result.recipient.id_text());

    // The outer fields first, then the entity as it decrypts.
    const std::string mime_version = "MIME-Version: 1.0\r\n";
    sink(head.headers.outer);
    sink(as_bytes(mime_version));
    Bytes captured;
    const ByteSink counting = [&](BytesView piece) {
        if (captured.size() < kHeadCapture) {
            const std::size_t n = std::min(piece.size(), kHeadCapture - captured.size());
            captured.insert(captured.end(), piece.begin(),
                            piece.begin() + static_cast<std::ptrdiff_t>(n));
        }
        result.content_bytes += piece.size();
        sink(piece);
    };
    const detail::BioPtr out = detail::make_sink_bio(counting);
    const detail::BioPtr content =
        layout ? detail::make_pieces_bio(layout->content) : detail::BioPtr{};
    const int decrypted =
        ::CMS_decrypt(cms.get(), nullptr, certificate, content.get(), out.get(), CMS_BINARY);
    detail::rethrow_sink_error(out.get());
    if (decrypted != 1) {
        throw Error(Errc::Malformed,
                    result.kind == EnvelopeKind::AuthEnveloped
                        ? "the content fails its authentication: the message was altered or damaged"
                        : "the content does not decrypt: the message is damaged",
                    detail::drain_error_queue());
    }
    // The decrypted entity's media type, from its header block (64 KiB hold any sane one; a
    // multipart cut short there still parses, with notes).
    try {
        result.content_type = parse_mime(captured).content_type().media_type();
    } catch (const Error&) {
        result.content_type.clear();
    }
    return result;
}

DecryptedMessage decrypt_message(BytesView message,
                                 std::span<const DecryptionIdentity> identities) {
    const ByteSource source = detail::memory_source(message);
    DecryptedMessage decrypted;
    decrypted.result = decrypt_message(
        source, identities,
        [&decrypted](BytesView piece) {
            decrypted.message.insert(decrypted.message.end(), piece.begin(), piece.end());
        },
        message.size());
    return decrypted;
}

}  // namespace smimekit
