// SPDX-License-Identifier: Apache-2.0
// Inspecting mail without keys (smime.hpp, inspect_message): the S/MIME layers of a message
// from the outside in, what each says about its signers or recipients, and which readers are
// known unable to open it. Nothing is verified or decrypted here.
#include "smimekit/smime.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/cms_envelope.hpp"
#include "detail/smime_mime.hpp"

#include <algorithm>
#include <deque>

namespace smimekit {
namespace {

// Deeper than any real message nests S/MIME layers: a bound against hostile input.
constexpr int kMaxLayers = 16;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct AlgorithmsFree {
    void operator()(X509_ALGORS* s) const noexcept { sk_X509_ALGOR_pop_free(s, ::X509_ALGOR_free); }
};
using AlgorithmsPtr = std::unique_ptr<X509_ALGORS, AlgorithmsFree>;

std::string header_text(const MimeEntity& entity, std::string_view name) {
    const MimeHeader* header = entity.header(name);
    return header == nullptr ? std::string() : decode_header_words(header->value);
}

detail::CmsPtr parse_cms(BytesView der, std::string_view what) {
    const unsigned char* p = der.data();
    detail::CmsPtr cms(::d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
    detail::ossl_check(cms != nullptr, Errc::Malformed,
                       "the CMS of the " + std::string(what) + " part cannot be read");
    return cms;
}

std::string signer_id_text(CMS_SignerInfo* signer) {
    ASN1_OCTET_STRING* key_id = nullptr;  // get0: borrowed, all three
    X509_NAME* issuer = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (::CMS_SignerInfo_get0_signer_id(signer, &key_id, &issuer, &serial) != 1) {
        return {};
    }
    if (issuer != nullptr && serial != nullptr) {
        return "issuer " + detail::name_text(issuer) + ", serial " + detail::serial_text(serial);
    }
    if (key_id != nullptr) {
        return "subject key id " +
               to_hex(BytesView(::ASN1_STRING_get0_data(key_id),
                                static_cast<std::size_t>(::ASN1_STRING_length(key_id))));
    }
    return {};
}

// One signed attribute's value for people, filling the typed fields of `facts` on the way.
std::string attribute_value(const ASN1_OBJECT* id, const ASN1_TYPE* value, SignerFacts& facts) {
    if (value == nullptr) {
        return {};
    }
    switch (::OBJ_obj2nid(id)) {
        case NID_pkcs9_signingTime:
            if (value->type == V_ASN1_UTCTIME || value->type == V_ASN1_GENERALIZEDTIME) {
                try {
                    facts.signing_time =
                        from_unix_seconds(detail::asn1_time_to_unix(value->value.utctime));
                    return format_rfc3339(*facts.signing_time);
                } catch (const Error&) {
                    return "(not a valid time)";  // shown, not fatal: nothing is verified here
                }
            }
            break;
        case NID_pkcs9_messageDigest:
            if (value->type == V_ASN1_OCTET_STRING) {
                const ASN1_OCTET_STRING* digest = value->value.octet_string;
                return to_hex(BytesView(::ASN1_STRING_get0_data(digest),
                                        static_cast<std::size_t>(::ASN1_STRING_length(digest))));
            }
            break;
        case NID_pkcs9_contentType:
            if (value->type == V_ASN1_OBJECT) {
                return detail::object_id(value->value.object).name;
            }
            break;
        case NID_SMIMECapabilities:
            // RFC 8551 section 2.5.2: SEQUENCE OF SMIMECapability, the shape of
            // AlgorithmIdentifier.
            if (value->type == V_ASN1_SEQUENCE) {
                const unsigned char* p = value->value.sequence->data;
                const AlgorithmsPtr capabilities(
                    ::d2i_X509_ALGORS(nullptr, &p, value->value.sequence->length));
                if (capabilities) {
                    std::vector<ObjectId> ids;
                    std::string text;
                    for (int i = 0; i < sk_X509_ALGOR_num(capabilities.get()); ++i) {
                        ids.push_back(detail::object_id(
                            sk_X509_ALGOR_value(capabilities.get(), i)->algorithm));
                        text += (text.empty() ? "" : ", ") + ids.back().name;
                    }
                    facts.smime_capabilities = std::move(ids);
                    return text;
                }
                detail::clear_error_queue();
            }
            break;
        default:
            break;
    }
    return value->type == V_ASN1_SEQUENCE || value->type == V_ASN1_OCTET_STRING
               ? "(" + std::to_string(value->value.asn1_string->length) + " bytes)"
               : std::string();
}

std::vector<SignerFacts> signer_facts(CMS_ContentInfo* cms,
                                      const std::vector<Certificate>& certificates) {
    std::vector<SignerFacts> signers;
    STACK_OF(CMS_SignerInfo)* infos = ::CMS_get0_SignerInfos(cms);  // get0: borrowed
    for (int i = 0; i < sk_CMS_SignerInfo_num(infos); ++i) {
        CMS_SignerInfo* info = sk_CMS_SignerInfo_value(infos, i);
        SignerFacts facts;
        facts.signer_id = signer_id_text(info);
        for (const Certificate& certificate : certificates) {
            if (::CMS_SignerInfo_cert_cmp(info, detail::x509_of(certificate)) == 0) {
                facts.certificate = certificate;
                break;
            }
        }
        X509_ALGOR* digest = nullptr;  // get0: borrowed, both
        X509_ALGOR* signature = nullptr;
        ::CMS_SignerInfo_get0_algs(info, nullptr, nullptr, &digest, &signature);
        if (digest != nullptr) {
            facts.digest_algorithm = detail::object_id(digest->algorithm);
        }
        if (signature != nullptr) {
            facts.signature_algorithm = detail::object_id(signature->algorithm);
        }
        for (int a = 0; a < ::CMS_signed_get_attr_count(info); ++a) {
            X509_ATTRIBUTE* attribute = ::CMS_signed_get_attr(info, a);  // get0: borrowed
            const ASN1_OBJECT* id = ::X509_ATTRIBUTE_get0_object(attribute);
            SignedAttribute entry{detail::object_id(id), {}};
            entry.value = attribute_value(id, ::X509_ATTRIBUTE_get0_type(attribute, 0), facts);
            facts.signed_attributes.push_back(std::move(entry));
        }
        facts.unsigned_attributes =
            static_cast<std::size_t>(std::max(0, ::CMS_unsigned_get_attr_count(info)));
        signers.push_back(std::move(facts));
    }
    return signers;
}

std::vector<Certificate> certificates_of(CMS_ContentInfo* cms) {
    std::vector<Certificate> certificates;
    const detail::X509StackPtr stack(::CMS_get1_certs(cms));  // get1: the stack is ours
    for (int i = 0; i < sk_X509_num(stack.get()); ++i) {
        X509* x509 = sk_X509_value(stack.get(), i);
        ::X509_up_ref(x509);  // up_ref: make_certificate takes this reference
        certificates.push_back(detail::make_certificate(detail::X509Ptr(x509)));
    }
    return certificates;
}

class Inspector final {
public:
    explicit Inspector(MailInspection& result) : m_result(result) {}

    void entity(const MimeEntity& entity, int depth) {
        if (depth > kMaxLayers) {
            m_result.notes.push_back("S/MIME layers nested deeper than " +
                                     std::to_string(kMaxLayers) + ": not read further");
            return;
        }
        const std::string media_type = entity.content_type().media_type();
        if (media_type == "multipart/signed") {
            detached(entity, depth);
        } else if (detail::cms_part_kind(entity) == detail::CmsPartKind::Pkcs7Mime) {
            pkcs7_mime(entity, depth);
        } else if (media_type == "message/rfc822" && depth > 0) {
            // RFC 8551 section 3.1: a whole message may be wrapped to protect its header.
            m_result.notes.push_back("the protected entity is a whole message (message/rfc822)");
            const Bytes& body = keep(entity.decoded_body());
            const MimeEntity& inner = keep(parse_mime(body));
            this->entity(inner, depth + 1);
        } else {
            m_result.content_type = media_type;
        }
    }

private:
    void detached(const MimeEntity& entity, int depth) {
        MessageLayer layer;
        layer.kind = LayerKind::Signed;
        layer.media_type = "multipart/signed";
        layer.form = SignedForm::Detached;
        layer.micalg = lower(entity.content_type().parameter("micalg").value_or(""));
        if (entity.parts().size() != 2) {
            throw Error(Errc::Malformed, "a multipart/signed with " +
                                             std::to_string(entity.parts().size()) +
                                             " parts instead of 2");
        }
        const MimeEntity& signature = entity.parts()[1];
        note_legacy_type(signature);
        const Bytes der = detail::cms_bytes_of(signature);
        const detail::CmsPtr cms = parse_cms(der, "signature");
        layer.certificates = certificates_of(cms.get());
        layer.signers = signer_facts(cms.get(), layer.certificates);
        m_result.layers.push_back(std::move(layer));
        this->entity(entity.parts()[0], depth + 1);
    }

    void pkcs7_mime(const MimeEntity& entity, int depth) {
        note_legacy_type(entity);
        MessageLayer layer;
        layer.media_type = lower(entity.content_type().media_type());
        layer.smime_type = entity.content_type().parameter("smime-type").value_or("");
        const Bytes der = detail::cms_bytes_of(entity);
        const std::string type = detail::cms_content_type(der).value_or("");
        if (type == "envelopedData" || type == "authEnvelopedData") {
            layer.kind = type == "envelopedData" ? LayerKind::Enveloped : LayerKind::AuthEnveloped;
            const auto layout = detail::split_envelope(der);
            const detail::CmsPtr cms =
                parse_cms(layout ? BytesView(layout->structure) : BytesView(der), "pkcs7-mime");
            layer.recipients = detail::recipient_facts(cms.get());
            if (layout) {
                layer.content_cipher = detail::content_cipher_text(layout->content_algorithm);
                layer.encrypted_bytes = detail::total_size(layout->content);
            }
            const EnvelopeKind kind = layer.kind == LayerKind::Enveloped
                                          ? EnvelopeKind::Enveloped
                                          : EnvelopeKind::AuthEnveloped;
            add_limitations(detail::limitations_of(detail::traits_of(kind, layer.recipients)));
            check_smime_type(layer.smime_type, envelope_kind_name(kind));
            m_result.layers.push_back(std::move(layer));
            m_result.content_type.clear();  // hidden until decrypted
            return;
        }
        if (type == "signedData") {
            const detail::CmsPtr cms = parse_cms(der, "pkcs7-mime");
            layer.certificates = certificates_of(cms.get());
            layer.signers = signer_facts(cms.get(), layer.certificates);
            layer.kind = layer.signers.empty() ? LayerKind::CertsOnly : LayerKind::Signed;
            check_smime_type(layer.smime_type,
                             layer.kind == LayerKind::Signed ? "signed-data" : "certs-only");
            ASN1_OCTET_STRING** content = ::CMS_get0_content(cms.get());  // get0: borrowed
            const bool has_content = content != nullptr && *content != nullptr;
            if (layer.kind == LayerKind::Signed) {
                layer.form = SignedForm::Opaque;
            }
            m_result.layers.push_back(std::move(layer));
            if (!has_content) {
                m_result.content_type.clear();
                return;
            }
            const Bytes& inner =
                keep(Bytes(::ASN1_STRING_get0_data(*content),
                           ::ASN1_STRING_get0_data(*content) + ::ASN1_STRING_length(*content)));
            this->entity(keep(parse_mime(inner)), depth + 1);
            return;
        }
        if (type == "compressedData") {
            layer.kind = LayerKind::Compressed;
            m_result.layers.push_back(std::move(layer));
            m_result.notes.push_back("compressed content (RFC 3274) is not read further");
            m_result.content_type.clear();
            return;
        }
        throw Error(Errc::Malformed,
                    "the pkcs7-mime part holds " + (type.empty() ? "no CMS" : "CMS " + type));
    }

    void note_legacy_type(const MimeEntity& entity) {
        if (detail::is_legacy_cms_media_type(entity)) {
            m_result.notes.push_back("legacy media type " + entity.content_type().media_type() +
                                     " (RFC 8551 writes it without x-)");
        }
    }

    void check_smime_type(const std::string& declared, std::string_view actual) {
        if (!declared.empty() && lower(declared) != lower(std::string(actual))) {
            m_result.notes.push_back("smime-type=" + declared + " but the CMS is " +
                                     std::string(actual));
        }
    }

    void add_limitations(const std::vector<ClientLimitation>& limits) {
        for (const ClientLimitation& limit : limits) {
            if (std::find(m_result.unable_clients.begin(), m_result.unable_clients.end(), limit) ==
                m_result.unable_clients.end()) {
                m_result.unable_clients.push_back(limit);
            }
        }
    }

    // Inner entities are views into the bytes they were parsed from: both live as long as the
    // inspection (a deque never moves its elements).
    const Bytes& keep(Bytes bytes) { return m_buffers.emplace_back(std::move(bytes)); }
    const MimeEntity& keep(MimeEntity entity) { return m_entities.emplace_back(std::move(entity)); }

    MailInspection& m_result;
    std::deque<Bytes> m_buffers;
    std::deque<MimeEntity> m_entities;
};

}  // namespace

std::string_view layer_kind_name(LayerKind kind) noexcept {
    switch (kind) {
        case LayerKind::Signed:
            return "signed";
        case LayerKind::Enveloped:
            return "enveloped";
        case LayerKind::AuthEnveloped:
            return "auth-enveloped";
        case LayerKind::Compressed:
            return "compressed";
        case LayerKind::CertsOnly:
            return "certs-only";
    }
    return "signed";
}

MailInspection inspect_message(BytesView message) {
    MailInspection result;
    const MimeEntity top = parse_mime(message);
    result.from = header_text(top, "From");
    result.to = header_text(top, "To");
    result.subject = header_text(top, "Subject");
    result.date = header_text(top, "Date");
    for (const std::string& note : top.notes()) {
        result.notes.push_back(note);
    }
    Inspector(result).entity(top, 0);
    return result;
}

}  // namespace smimekit
