// SPDX-License-Identifier: Apache-2.0
// Encrypting mail (smime.hpp, "Encryption"): RFC 5652 EnvelopedData or RFC 5083
// AuthEnvelopedData streamed through OpenSSL's CMS BIOs into an application/pkcs7-mime message,
// and which readers cannot open the result.
#include "smimekit/smime.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/cms_envelope.hpp"
#include "detail/smime_mime.hpp"

#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <climits>

namespace smimekit {
namespace {

constexpr std::array<std::pair<ContentCipher, std::string_view>, 4> kCipherNames{{
    {ContentCipher::Aes256Cbc, "aes-256-cbc"},
    {ContentCipher::Aes128Cbc, "aes-128-cbc"},
    {ContentCipher::Aes256Gcm, "aes-256-gcm"},
    {ContentCipher::DesEde3Cbc, "des-ede3-cbc"},
}};

const EVP_CIPHER* evp_cipher(ContentCipher cipher) {
    switch (cipher) {
        case ContentCipher::Aes256Cbc:
            return ::EVP_aes_256_cbc();
        case ContentCipher::Aes128Cbc:
            return ::EVP_aes_128_cbc();
        case ContentCipher::Aes256Gcm:
            return ::EVP_aes_256_gcm();
        case ContentCipher::DesEde3Cbc:
            return ::EVP_des_ede3_cbc();
    }
    throw Error(Errc::Internal, "unknown content cipher");
}

bool is_rsa(const Certificate& certificate) {
    return certificate.public_key().algorithm == KeyAlgorithm::Rsa;
}

bool is_ec(const Certificate& certificate) {
    return certificate.public_key().algorithm == KeyAlgorithm::Ec;
}

void require_supported_key(const Certificate& certificate) {
    if (!is_rsa(certificate) && !is_ec(certificate)) {
        throw Error(Errc::Unsupported, in_quotes(certificate.subject()) + ": cannot encrypt to a " +
                                           certificate.public_key().name + " key (RSA or EC only)");
    }
}

void check_param(bool ok, std::string_view what) {
    detail::ossl_check(ok, Errc::Internal, "cannot set " + std::string(what));
}

// The envelope without content, ready to stream: CMS_STREAM | CMS_PARTIAL leaves the content
// to the BIO chain, CMS_BINARY passes our canonical bytes through untouched.
detail::CmsPtr make_envelope(std::span<const Certificate> recipients,
                             const EncryptOptions& options) {
    constexpr unsigned kFlags = CMS_STREAM | CMS_PARTIAL | CMS_BINARY;
    detail::CmsPtr cms(::CMS_encrypt(nullptr, nullptr, evp_cipher(options.cipher), kFlags));
    detail::ossl_check(cms != nullptr, Errc::Internal, "cannot create an EnvelopedData");
    for (const Certificate& recipient : recipients) {
        // CMS_KEY_PARAM: the key transport or agreement context is made now, so that its
        // parameters can be set before the content key is encrypted. set1: adds a reference
        // to the certificate; ri is borrowed from the CMS.
        CMS_RecipientInfo* info =
            ::CMS_add1_recipient_cert(cms.get(), detail::x509_of(recipient), CMS_KEY_PARAM);
        detail::ossl_check(info != nullptr, Errc::Unsupported,
                           in_quotes(recipient.subject()) + ": cannot add as a recipient");
        EVP_PKEY_CTX* context = ::CMS_RecipientInfo_get0_pkey_ctx(info);  // get0: borrowed
        check_param(context != nullptr, "the recipient's key parameters");
        if (::CMS_RecipientInfo_type(info) == CMS_RECIPINFO_TRANS && options.rsa_oaep) {
            // RFC 4055 section 4.1 defaults to SHA-1, which is being retired; SHA-256 for the
            // hash and MGF1 is what openssl reads (gpgsm 2.2 and NSS 3.87 read no OAEP).
            check_param(::EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) > 0 &&
                            ::EVP_PKEY_CTX_set_rsa_oaep_md(context, ::EVP_sha256()) > 0 &&
                            ::EVP_PKEY_CTX_set_rsa_mgf1_md(context, ::EVP_sha256()) > 0,
                        "RSAES-OAEP");
        } else if (::CMS_RecipientInfo_type(info) == CMS_RECIPINFO_AGREE) {
            // OpenSSL's default is dhSinglePass-stdDH-sha1kdf-scheme; the SHA-256 KDF of RFC
            // 5753 section 7.1.4 avoids SHA-1 (`openssl cms -keyopt ecdh_kdf_md:sha256`).
            check_param(::EVP_PKEY_CTX_set_ecdh_kdf_md(context, ::EVP_sha256()) > 0,
                        "the ECDH KDF");
        }
    }
    return cms;
}

/// The BIO chain that encrypts into `out` (BIO_new_NDEF, as i2d_CMS_bio_stream does it, with
/// our own write loop), and its teardown down to `out`, which stays its owner's.
class EnvelopeStream final {
public:
    EnvelopeStream(CMS_ContentInfo* cms, BIO* out) : m_out(out) {
        // BIO_new_NDEF encrypts the content key for every recipient and pushes the BER
        // writer and the cipher onto `out`.
        m_top = ::BIO_new_NDEF(out, reinterpret_cast<ASN1_VALUE*>(cms),
                               ASN1_ITEM_rptr(CMS_ContentInfo));
        if (m_top == nullptr) {
            detail::rethrow_sink_error(out);
            detail::ossl_check(false, Errc::Unsupported, "cannot start the encryption");
        }
    }
    EnvelopeStream(const EnvelopeStream&) = delete;
    EnvelopeStream& operator=(const EnvelopeStream&) = delete;
    EnvelopeStream(EnvelopeStream&&) = delete;
    EnvelopeStream& operator=(EnvelopeStream&&) = delete;
    ~EnvelopeStream() {
        BIO* bio = m_top;
        while (bio != nullptr && bio != m_out) {
            BIO* next = ::BIO_pop(bio);
            ::BIO_free(bio);
            bio = next;
        }
    }

    void write(BytesView bytes) {
        const bool ok = bytes.size() <= static_cast<std::size_t>(INT_MAX) &&
                        ::BIO_write(m_top, bytes.data(), static_cast<int>(bytes.size())) ==
                            static_cast<int>(bytes.size());
        fail_unless(ok, "cannot encrypt the content");
    }

    /// Final block, authentication tag, and the end-of-contents octets.
    void finish() { fail_unless(BIO_flush(m_top) > 0, "cannot finish the encryption"); }

private:
    void fail_unless(bool ok, std::string_view message) const {
        if (!ok) {
            detail::rethrow_sink_error(m_out);
            detail::ossl_check(false, Errc::Internal, message);
        }
    }

    BIO* m_out;
    BIO* m_top = nullptr;
};

}  // namespace

std::string_view cipher_name(ContentCipher cipher) noexcept {
    for (const auto& [value, name] : kCipherNames) {
        if (value == cipher) {
            return name;
        }
    }
    return "aes-256-cbc";
}

std::optional<ContentCipher> cipher_from_name(std::string_view name) noexcept {
    for (const auto& [value, known] : kCipherNames) {
        if (name.size() == known.size() &&
            std::equal(name.begin(), name.end(), known.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            })) {
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::string> encryption_problems(const Certificate& certificate, TimePoint time) {
    std::vector<std::string> problems;
    const bool rsa = is_rsa(certificate);
    const bool ec = is_ec(certificate);
    if (!rsa && !ec) {
        problems.push_back("its " + certificate.public_key().name +
                           " key cannot receive encrypted mail (RSA or EC only)");
    }
    if (const auto usage = certificate.key_usage()) {
        // RFC 8550 section 4.4.2: keyEncipherment for RSA key transport, keyAgreement for
        // ECDH.
        if (rsa && !usage->key_encipherment) {
            problems.push_back("its key usage does not allow keyEncipherment");
        } else if (ec && !usage->key_agreement) {
            problems.push_back("its key usage does not allow keyAgreement");
        }
    }
    if (const auto purposes = certificate.extended_key_usage()) {
        if (!purposes->contains("1.3.6.1.5.5.7.3.4") && !purposes->contains("2.5.29.37.0")) {
            problems.push_back("its extended key usage does not include emailProtection");
        }
    }
    if (time > certificate.not_after()) {
        problems.push_back("it expired on " + format_rfc3339(certificate.not_after()));
    } else if (time < certificate.not_before()) {
        problems.push_back("it is not valid before " + format_rfc3339(certificate.not_before()));
    }
    return problems;
}

std::vector<ClientLimitation> envelope_limitations(std::span<const Certificate> recipients,
                                                   const EncryptOptions& options) {
    detail::EnvelopeTraits traits;
    traits.authenticated = options.cipher == ContentCipher::Aes256Gcm;
    traits.oaep = options.rsa_oaep && std::any_of(recipients.begin(), recipients.end(), is_rsa);
    traits.key_agreement = std::any_of(recipients.begin(), recipients.end(), is_ec);
    return detail::limitations_of(traits);
}

EncryptResult encrypt_message(const ByteSource& source, std::span<const Certificate> recipients,
                              const EncryptOptions& options, const ByteSink& sink) {
    if (recipients.empty()) {
        throw Error(Errc::InvalidArgument, "no recipient to encrypt to");
    }
    std::for_each(recipients.begin(), recipients.end(), require_supported_key);
    EncryptResult result;
    result.unable_clients = envelope_limitations(recipients, options);

    const detail::MessageHead head = detail::read_message_head(source);
    const detail::CmsPtr cms = make_envelope(recipients, options);
    const EnvelopeKind kind = options.cipher == ContentCipher::Aes256Gcm
                                  ? EnvelopeKind::AuthEnveloped
                                  : EnvelopeKind::Enveloped;
    detail::Pkcs7MimeWriter writer(sink, head.headers.outer, envelope_kind_name(kind));
    {
        EnvelopeStream stream(cms.get(), writer.bio());
        result.content_bytes = detail::stream_protected_entity(
            head, source, [&stream](BytesView piece) { stream.write(piece); });
        stream.finish();
    }
    writer.finish();
    return result;
}

Bytes encrypt_message(BytesView message, std::span<const Certificate> recipients,
                      const EncryptOptions& options) {
    const ByteSource source = detail::memory_source(message);
    Bytes out;
    encrypt_message(source, recipients, options,
                    [&out](BytesView piece) { out.insert(out.end(), piece.begin(), piece.end()); });
    return out;
}

EncryptResult sign_and_encrypt_message(const ByteSource& source, const SigningIdentity& signer,
                                       const SignOptions& sign_options,
                                       std::span<const Certificate> recipients,
                                       const EncryptOptions& options, const ByteSink& sink) {
    // sign_message pushes its output into a sink, encrypt_message pulls its input from a
    // source: joining the two as streams would need a second thread, so the signed message is
    // held in memory in between.
    Bytes signed_message;
    sign_message(source, signer, sign_options, [&signed_message](BytesView piece) {
        signed_message.insert(signed_message.end(), piece.begin(), piece.end());
    });
    return encrypt_message(detail::memory_source(signed_message), recipients, options, sink);
}

std::string_view envelope_kind_name(EnvelopeKind kind) noexcept {
    switch (kind) {
        case EnvelopeKind::Enveloped:
            return "enveloped-data";
        case EnvelopeKind::AuthEnveloped:
            return "authEnveloped-data";
    }
    return "enveloped-data";
}

}  // namespace smimekit
