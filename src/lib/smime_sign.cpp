// SPDX-License-Identifier: Apache-2.0
// Signing mail (smime.hpp): multipart/signed (RFC 8551 section 3.5.3) and opaque signed-data
// (section 3.5.2), streamed so that the size of the message does not matter: the body is read,
// canonicalized, written out and digested piece by piece, and the signature is computed at the
// end (CMS_PARTIAL | CMS_STREAM, then CMS_dataFinal).
#include "smimekit/smime.hpp"

#include "smimekit/error.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/mime_text.hpp"
#include "detail/ossl.hpp"
#include "detail/smime_mime.hpp"

#include <openssl/rsa.h>

#include <algorithm>
#include <array>

namespace smimekit {
namespace {

// Opaque content up to this size is signed in memory and written as DER; larger content is
// streamed as BER with indefinite lengths, which needs no length in advance.
constexpr std::size_t kOpaqueDerLimit = 4U << 20U;

struct X509AlgorStackFree {
    void operator()(STACK_OF(X509_ALGOR) * s) const noexcept {
        sk_X509_ALGOR_pop_free(s, ::X509_ALGOR_free);
    }
};
using X509AlgorStackPtr = std::unique_ptr<STACK_OF(X509_ALGOR), X509AlgorStackFree>;

const EVP_MD* evp_digest(DigestAlgorithm digest) noexcept {
    switch (digest) {
    case DigestAlgorithm::Sha256:
        return ::EVP_sha256();
    case DigestAlgorithm::Sha384:
        return ::EVP_sha384();
    case DigestAlgorithm::Sha512:
        return ::EVP_sha512();
    }
    return ::EVP_sha256();
}

// RFC 8551 section 2.5.2: SMIMECapabilities lists the content encryption algorithms the
// signer's client can decrypt, most preferred first. OpenSSL's own list
// (CMS_add_standard_smimecap) also offers DES, RC2-40 and RC2-64 whenever the legacy provider
// is loaded, which it is here for old .p12 files: a sender honouring the list could then pick
// a 40-bit cipher. So the list is ours: AES-CBC, which every peer decrypts (interop.md 3).
void add_capabilities(CMS_SignerInfo* signer) {
    STACK_OF(X509_ALGOR)* raw = nullptr;
    for (const int nid : {NID_aes_256_cbc, NID_aes_192_cbc, NID_aes_128_cbc}) {
        detail::ossl_check(::CMS_add_simple_smimecap(&raw, nid, -1) == 1, Errc::Internal,
                           "cannot build the SMIMECapabilities attribute");
    }
    const X509AlgorStackPtr capabilities(raw);
    detail::ossl_check(::CMS_add_smimecap(signer, capabilities.get()) == 1, Errc::Internal,
                       "cannot add the SMIMECapabilities attribute");
}

// RFC 5652 section 11.3: "Dates between 1 January 1950 and 31 December 2049 (inclusive) MUST be
// encoded as UTCTime. Any dates with year values before 1950 or after 2049 MUST be encoded as
// GeneralizedTime." ASN1_TIME_set picks the form by that rule.
void add_signing_time(CMS_SignerInfo* signer, TimePoint time) {
    const detail::Asn1TimePtr value(::ASN1_TIME_set(nullptr, static_cast<time_t>(to_unix_seconds(time))));
    detail::ossl_check(value != nullptr, Errc::InvalidArgument, "the signing time cannot be encoded");
    detail::ossl_check(::CMS_signed_add1_attr_by_NID(signer, NID_pkcs9_signingTime,
                                                     ::ASN1_STRING_type(value.get()), value.get(),
                                                     -1) == 1,
                       Errc::Internal, "cannot add the signingTime attribute");
}

// A SignedData with one signer whose signature is computed when the content has been written
// (CMS_PARTIAL | CMS_STREAM): the content never needs to be in memory.
detail::CmsPtr start_signed_data(const SigningIdentity& signer, const SignOptions& options) {
    unsigned int flags = CMS_PARTIAL | CMS_STREAM | CMS_BINARY;
    if (options.form == SignedForm::Detached) {
        flags |= CMS_DETACHED;
    }
    detail::CmsPtr cms(::CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
    detail::ossl_check(cms != nullptr, Errc::Internal, "cannot create a CMS SignedData");

    EVP_PKEY* const key = detail::pkey_of(signer.key);
    const bool rsa = ::EVP_PKEY_is_a(key, "RSA") == 1;
    if (options.rsa_pss && !rsa) {
        throw Error(Errc::InvalidArgument,
                    "RSA-PSS needs an RSA key; the signer's key is " + signer.key.public_key().name);
    }
    // CMS_KEY_PARAM: set up the signing context now, sign later, so that PSS parameters can be
    // set in between. CMS_NOSMIMECAP: our own list, see add_capabilities.
    const unsigned int signer_flags = flags | CMS_NOSMIMECAP | (options.rsa_pss ? CMS_KEY_PARAM : 0U);
    // add1: adds references to the certificate and the key.
    CMS_SignerInfo* const info = ::CMS_add1_signer(cms.get(), detail::x509_of(signer.certificate),
                                                   key, evp_digest(options.digest), signer_flags);
    if (info == nullptr) {
        const std::string detail = detail::drain_error_queue();
        throw Error(Errc::Unsupported,
                    "cannot sign with the " + signer.key.public_key().name + " key of " +
                        in_quotes(signer.certificate.subject()),
                    detail);
    }
    if (options.rsa_pss) {
        // RFC 4056 section 3 and interop.md: salt length = digest length (gpgsm and GnuTLS
        // reject OpenSSL's default, the maximum); MGF1 uses the same digest by default.
        EVP_PKEY_CTX* const context = ::CMS_SignerInfo_get0_pkey_ctx(info);  // get0: borrowed
        detail::ossl_check(
            context != nullptr &&
                ::EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) > 0 &&
                ::EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) > 0,
            Errc::Internal, "cannot set up RSA-PSS");
    }
    add_signing_time(info, options.signing_time);
    add_capabilities(info);
    for (const Certificate& certificate : signer.chain) {
        // add1: the CMS takes its own reference.
        detail::ossl_check(::CMS_add1_cert(cms.get(), detail::x509_of(certificate)) == 1,
                           Errc::Internal, "cannot add a chain certificate to the signature");
    }
    return cms;
}

// The chain of BIOs that digests what is written to it (CMS_dataInit over `bottom`, which the
// chain then owns).
detail::BioPtr content_digester(CMS_ContentInfo* cms, BIO* bottom) {
    detail::BioPtr bottom_owner(bottom);
    BIO* const chain = ::CMS_dataInit(cms, bottom);
    detail::ossl_check(chain != nullptr, Errc::Internal, "cannot start the CMS digest");
    static_cast<void>(bottom_owner.release());  // the chain owns `bottom` now
    return detail::BioPtr(chain);
}

void bio_write_all(BIO* bio, BytesView bytes, BIO* sink_bio) {
    if (bytes.empty()) {
        return;
    }
    if (::BIO_write(bio, bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size())) {
        if (sink_bio != nullptr) {
            detail::rethrow_sink_error(sink_bio);
        }
        detail::ossl_check(false, Errc::Internal, "cannot write content into the CMS");
    }
}

std::string eight_bit_note() {
    return "the content has 8-bit data (bytes above 127 or NUL): a mail transport that re-encodes "
           "it breaks the signature; compose it with quoted-printable or base64";
}

SignResult sign_detached(const detail::MessageHead& head, const ByteSource& source,
                         const SigningIdentity& signer, const SignOptions& options,
                         const ByteSink& sink) {
    const detail::CmsPtr cms = start_signed_data(signer, options);
    // Detached: the content goes to the output, and into a null BIO through the digests.
    const detail::BioPtr digester = content_digester(cms.get(), ::BIO_new(::BIO_s_null()));

    // A random boundary; "=_" never occurs in base64 or quoted-printable (RFC 2046 section
    // 5.1.1), and 128 random bits make a collision with 7-bit content implausible without a
    // second pass over a message that may not fit in memory.
    const std::string boundary = make_boundary();
    std::string header(detail::as_text(head.headers.outer));
    header += "MIME-Version: 1.0\r\n";
    header += format_header("Content-Type",
                            "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=" +
                                std::string(micalg_name(options.digest)) + "; boundary=\"" +
                                boundary + "\"");
    header += "\r\nThis is an S/MIME signed message\r\n\r\n--" + boundary + "\r\n";
    sink(as_bytes(header));

    SignResult result;
    bool eight_bit = false;
    result.content_bytes = detail::stream_protected_entity(
        head, source,
        [&](BytesView piece) {
            sink(piece);
            bio_write_all(digester.get(), piece, nullptr);
        },
        &eight_bit);
    detail::ossl_check(::CMS_dataFinal(cms.get(), digester.get()) == 1, Errc::Internal,
                       "cannot compute the signature");

    // RFC 2046 section 5.1.1: the CRLF before the delimiter belongs to the delimiter, so the
    // signed content is exactly what was written above.
    sink(as_bytes("\r\n--" + boundary +
                  "\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
                  "Content-Description: S/MIME Cryptographic Signature\r\n\r\n"));
    detail::Base64LineWriter base64(sink);
    const ByteSink to_base64 = [&](BytesView bytes) { base64.write(bytes); };
    const detail::BioPtr out = detail::make_sink_bio(to_base64);
    if (::i2d_CMS_bio(out.get(), cms.get()) != 1) {
        detail::rethrow_sink_error(out.get());
        detail::ossl_check(false, Errc::Internal, "cannot encode the signature");
    }
    base64.finish();
    sink(as_bytes("\r\n--" + boundary + "--\r\n"));
    if (eight_bit) {
        result.notes.push_back(eight_bit_note());
    }
    return result;
}

SignResult sign_opaque(const detail::MessageHead& head, const ByteSource& source,
                       const SigningIdentity& signer, const SignOptions& options,
                       const ByteSink& sink) {
    const detail::CmsPtr cms = start_signed_data(signer, options);
    detail::Pkcs7MimeWriter writer(sink, head.headers.outer, "signed-data");

    // Small content: held, signed, and written as DER (what interop.md pitfall 7 asks of a
    // writer). Beyond kOpaqueDerLimit: streamed as BER through BIO_new_CMS, which writes the
    // SignedData around the content as it arrives (indefinite lengths, as gpgsm and NSS do).
    Bytes held;
    bool streamed = false;
    BIO* stream = nullptr;  // the top of the BIO_new_CMS chain while streaming
    const auto start_streaming = [&] {
        stream = ::BIO_new_CMS(writer.bio(), cms.get());
        detail::ossl_check(stream != nullptr, Errc::Internal, "cannot start streaming the CMS");
        streamed = true;
        bio_write_all(stream, held, writer.bio());
        held = Bytes();
    };
    // Frees the BIO_new_CMS filters down to the writer's BIO, which the writer owns.
    const auto end_streaming = [&] {
        while (stream != nullptr && stream != writer.bio()) {
            BIO* const next = ::BIO_pop(stream);
            ::BIO_free(stream);
            stream = next;
        }
        stream = nullptr;
    };

    SignResult result;
    bool eight_bit = false;
    try {
        result.content_bytes = detail::stream_protected_entity(
            head, source,
            [&](BytesView piece) {
                if (stream == nullptr && held.size() + piece.size() > kOpaqueDerLimit) {
                    start_streaming();
                }
                if (stream == nullptr) {
                    held.insert(held.end(), piece.begin(), piece.end());
                } else {
                    bio_write_all(stream, piece, writer.bio());
                }
            },
            &eight_bit);
        if (stream != nullptr) {
            // BIO_flush ends the content and writes the signature (CMS_dataFinal inside).
            if (BIO_flush(stream) != 1) {  // a macro: no ::
                detail::rethrow_sink_error(writer.bio());
                detail::ossl_check(false, Errc::Internal, "cannot finish the streamed signature");
            }
        }
    } catch (...) {
        end_streaming();
        throw;
    }
    end_streaming();

    if (!streamed) {
        const detail::BioPtr content = detail::memory_bio(held);
        detail::ossl_check(::CMS_final(cms.get(), content.get(), nullptr, CMS_BINARY) == 1,
                           Errc::Internal, "cannot compute the signature");
        if (::i2d_CMS_bio(writer.bio(), cms.get()) != 1) {
            detail::rethrow_sink_error(writer.bio());
            detail::ossl_check(false, Errc::Internal, "cannot encode the signature");
        }
    }
    writer.finish();
    if (eight_bit) {
        result.notes.push_back(eight_bit_note());
    }
    return result;
}

}  // namespace

std::string_view digest_name(DigestAlgorithm digest) noexcept {
    switch (digest) {
    case DigestAlgorithm::Sha256:
        return "sha256";
    case DigestAlgorithm::Sha384:
        return "sha384";
    case DigestAlgorithm::Sha512:
        return "sha512";
    }
    return "sha256";
}

std::string_view micalg_name(DigestAlgorithm digest) noexcept {
    // RFC 8551 section 3.5.3.1: "sha-256", "sha-384", "sha-512".
    switch (digest) {
    case DigestAlgorithm::Sha256:
        return "sha-256";
    case DigestAlgorithm::Sha384:
        return "sha-384";
    case DigestAlgorithm::Sha512:
        return "sha-512";
    }
    return "sha-256";
}

std::optional<DigestAlgorithm> digest_from_name(std::string_view name) noexcept {
    std::string key;
    for (const char c : name) {
        if (c != '-') {
            key += detail::ascii_lower(c);
        }
    }
    for (const DigestAlgorithm digest :
         {DigestAlgorithm::Sha256, DigestAlgorithm::Sha384, DigestAlgorithm::Sha512}) {
        if (key == digest_name(digest)) {
            return digest;
        }
    }
    return std::nullopt;
}

std::string_view signed_form_name(SignedForm form) noexcept {
    switch (form) {
    case SignedForm::Detached:
        return "detached";
    case SignedForm::Opaque:
        return "opaque";
    }
    return "detached";
}

SigningIdentity signing_identity(const LoadedFile& file, bool include_root) {
    if (file.keys.empty()) {
        throw Error(Errc::NotFound, in_quotes(file.name) + ": holds no private key", {},
                    "sign with the .p12 that holds your key and certificate");
    }
    const PrivateKey& key = file.keys.front();
    const auto leaf = std::find_if(file.certificates.begin(), file.certificates.end(),
                                   [&](const Certificate& c) { return key.matches(c); });
    if (leaf == file.certificates.end()) {
        throw Error(Errc::NotFound, in_quotes(file.name) + ": holds no certificate for its private key");
    }
    std::vector<Certificate> rest;
    for (const Certificate& certificate : file.certificates) {
        const bool root = certificate.is_self_issued() && certificate.is_ca();
        if (!(certificate == *leaf) && (include_root || !root)) {
            rest.push_back(certificate);
        }
    }
    // Issuer first, then its issuer, ...; what is not on the path keeps its order at the end.
    SigningIdentity identity{key, *leaf, {}};
    Certificate current = *leaf;  // a copy: chain.push_back may move the elements
    while (!rest.empty()) {
        const auto issuer = std::find_if(rest.begin(), rest.end(), [&](const Certificate& c) {
            return c.subject_der() == current.issuer_der();
        });
        if (issuer == rest.end()) {
            break;
        }
        identity.chain.push_back(*issuer);
        current = *issuer;
        rest.erase(issuer);
    }
    identity.chain.insert(identity.chain.end(), rest.begin(), rest.end());
    return identity;
}

SignResult sign_message(const ByteSource& source, const SigningIdentity& signer,
                        const SignOptions& options, const ByteSink& sink) {
    const detail::MessageHead head = detail::read_message_head(source);
    switch (options.form) {
    case SignedForm::Detached:
        return sign_detached(head, source, signer, options, sink);
    case SignedForm::Opaque:
        return sign_opaque(head, source, signer, options, sink);
    }
    throw Error(Errc::Internal, "unknown signed form");
}

Bytes sign_message(BytesView message, const SigningIdentity& signer, const SignOptions& options) {
    Bytes out;
    sign_message(memory_source(message), signer, options,
                 [&](BytesView piece) { out.insert(out.end(), piece.begin(), piece.end()); });
    return out;
}

}  // namespace smimekit
