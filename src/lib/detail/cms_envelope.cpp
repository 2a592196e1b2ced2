// SPDX-License-Identifier: Apache-2.0
// Envelope plumbing (cms_envelope.hpp): a BER walk that lifts the encrypted content out of an
// EnvelopedData or AuthEnvelopedData, a BIO over the pieces, streaming base64 decoding, and
// the descriptions of recipients, ciphers and readers that cannot open an envelope.
#include "detail/cms_envelope.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/der.hpp"

#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>

namespace smimekit::detail {
namespace {

// ---- a small BER reader (X.690 section 8.1) -----------------------------------------------

// Deeper than any CMS encoder nests the elements we walk: a bound against hostile input.
constexpr int kMaxDepth = 32;

struct Element {
    std::uint8_t tag = 0;
    std::size_t offset = 0;   // of the identifier octet
    std::size_t content = 0;  // of the first content octet
    std::size_t end = 0;      // after the element (after the end-of-contents octets, if any)
    bool indefinite = false;

    [[nodiscard]] std::size_t content_end() const noexcept { return indefinite ? end - 2 : end; }
    [[nodiscard]] BytesView raw(BytesView data) const noexcept {
        return data.subspan(offset, end - offset);
    }
};

bool end_of_contents_at(BytesView data, std::size_t offset) noexcept {
    return offset + 2 <= data.size() && data[offset] == 0 && data[offset + 1] == 0;
}

// The element at `offset`, which must end by `limit`.
std::optional<Element> read_element(BytesView data, std::size_t offset, std::size_t limit,
                                    int depth) noexcept {
    const auto header = read_der_header(data.first(limit), offset);
    if (!header || depth > kMaxDepth) {
        return std::nullopt;
    }
    Element element{header->tag, offset, offset + header->header_size, 0, header->indefinite};
    if (!header->indefinite) {
        element.end = element.content + header->length;
        return element;
    }
    if (!header->constructed()) {
        return std::nullopt;  // X.690 8.1.3.2: only constructed encodings may be indefinite
    }
    std::size_t at = element.content;
    while (!end_of_contents_at(data.first(limit), at)) {
        const auto child = read_element(data, at, limit, depth + 1);
        if (!child) {
            return std::nullopt;
        }
        at = child->end;
    }
    element.end = at + 2;
    return element;
}

std::optional<std::vector<Element>> children_of(BytesView data, const Element& parent,
                                                int depth) noexcept {
    std::vector<Element> children;
    for (std::size_t at = parent.content; at < parent.content_end();) {
        const auto child = read_element(data, at, parent.content_end(), depth + 1);
        if (!child) {
            return std::nullopt;
        }
        children.push_back(*child);
        at = child->end;
    }
    return children;
}

void append_header(Bytes& out, std::uint8_t tag, std::size_t length) {
    out.push_back(tag);
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
        return;
    }
    std::array<std::uint8_t, sizeof(std::size_t)> digits{};
    std::size_t count = 0;
    for (std::size_t rest = length; rest != 0; rest >>= 8U) {
        digits[count++] = static_cast<std::uint8_t>(rest & 0xFFU);
    }
    out.push_back(static_cast<std::uint8_t>(0x80U | count));
    for (std::size_t i = count; i > 0; --i) {
        out.push_back(digits[i - 1]);
    }
}

// `parent` with a definite length and its children copied as they were, except child number
// `replaced`, which becomes `replacement` (or is left out when the replacement is empty).
Bytes rebuild(BytesView data, const Element& parent, const std::vector<Element>& children,
              std::size_t replaced, BytesView replacement) {
    std::size_t length = 0;
    for (std::size_t i = 0; i < children.size(); ++i) {
        length += i == replaced ? replacement.size() : children[i].end - children[i].offset;
    }
    Bytes out;
    out.reserve(length + 8);
    append_header(out, parent.tag, length);
    for (std::size_t i = 0; i < children.size(); ++i) {
        const BytesView part = i == replaced ? replacement : children[i].raw(data);
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

// The primitive pieces of an OCTET STRING, primitive or constructed (X.690 8.7.3).
bool collect_pieces(BytesView data, const Element& element, int depth,
                    std::vector<BytesView>& pieces) {
    if ((element.tag & 0x20U) == 0) {
        pieces.push_back(data.subspan(element.content, element.content_end() - element.content));
        return true;
    }
    const auto children = children_of(data, element, depth);
    if (!children) {
        return false;
    }
    return std::all_of(children->begin(), children->end(), [&](const Element& child) {
        return (child.tag & 0xDFU) == 0x04U && collect_pieces(data, child, depth + 1, pieces);
    });
}

// 1.2.840.113549.1.7.3 and 1.2.840.113549.1.9.16.1.23.
constexpr std::uint8_t kOidEnvelopedData[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03};
constexpr std::uint8_t kOidAuthEnvelopedData[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                                  0x01, 0x09, 0x10, 0x01, 0x17};

// ---- the pieces BIO --------------------------------------------------------------------------

struct PiecesState {
    std::vector<BytesView> pieces;
    std::size_t index = 0;
    std::size_t offset = 0;
};

int pieces_read(BIO* bio, char* buffer, std::size_t size, std::size_t* read) {
    auto* state = static_cast<PiecesState*>(::BIO_get_data(bio));
    ::BIO_clear_retry_flags(bio);
    std::size_t done = 0;
    while (done < size && state->index < state->pieces.size()) {
        const BytesView piece = state->pieces[state->index];
        const std::size_t n = std::min(size - done, piece.size() - state->offset);
        std::memcpy(buffer + done, piece.data() + state->offset, n);
        done += n;
        state->offset += n;
        if (state->offset == piece.size()) {
            ++state->index;
            state->offset = 0;
        }
    }
    *read = done;
    return done > 0 ? 1 : 0;
}

long pieces_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
    const auto* state = static_cast<const PiecesState*>(::BIO_get_data(bio));
    switch (command) {
        case BIO_CTRL_EOF:
            return state->index == state->pieces.size() ? 1 : 0;
        case BIO_CTRL_FLUSH:
            return 1;
        default:
            return 0;
    }
}

int pieces_destroy(BIO* bio) {
    delete static_cast<PiecesState*>(::BIO_get_data(bio));  // owned by the BIO: see make_pieces_bio
    ::BIO_set_data(bio, nullptr);
    return 1;
}

struct BioMethodFree {
    void operator()(BIO_METHOD* method) const noexcept { ::BIO_meth_free(method); }
};

const BIO_METHOD* pieces_method() {
    // Made once; a function-local static is initialized thread-safely.
    static const std::unique_ptr<BIO_METHOD, BioMethodFree> method = [] {
        std::unique_ptr<BIO_METHOD, BioMethodFree> made(::BIO_meth_new(
            ::BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "smimekit envelope pieces"));
        ossl_check(made != nullptr && ::BIO_meth_set_read_ex(made.get(), pieces_read) == 1 &&
                       ::BIO_meth_set_ctrl(made.get(), pieces_ctrl) == 1 &&
                       ::BIO_meth_set_destroy(made.get(), pieces_destroy) == 1,
                   Errc::Internal, "cannot make a BIO method");
        return made;
    }();
    return method.get();
}

// ---- descriptions ---------------------------------------------------------------------------

std::string digest_text(const X509_ALGOR* algorithm) {
    // RFC 4055 section 4.1: an absent hash or mask generation parameter means SHA-1.
    return algorithm == nullptr ? "SHA1" : object_id(algorithm->algorithm).name;
}

std::string oaep_text(const X509_ALGOR* algorithm) {
    std::string hash = "SHA1";
    std::string mask = "SHA1";
    if (algorithm->parameter != nullptr && algorithm->parameter->type == V_ASN1_SEQUENCE) {
        const Owned<RSA_OAEP_PARAMS, &::RSA_OAEP_PARAMS_free> params(static_cast<RSA_OAEP_PARAMS*>(
            ::ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_OAEP_PARAMS), algorithm->parameter)));
        if (params) {
            hash = digest_text(params->hashFunc);
            if (params->maskGenFunc != nullptr && params->maskGenFunc->parameter != nullptr) {
                const X509AlgorPtr mgf_hash(static_cast<X509_ALGOR*>(::ASN1_TYPE_unpack_sequence(
                    ASN1_ITEM_rptr(X509_ALGOR), params->maskGenFunc->parameter)));
                mask = digest_text(mgf_hash.get());
            }
        }
    }
    return "RSAES-OAEP (" + hash + ", MGF1 with " + mask + ")";
}

std::string agreement_text(const X509_ALGOR* algorithm) {
    std::string scheme = object_id(algorithm->algorithm).name;
    if (scheme.ends_with("-scheme")) {
        scheme.resize(scheme.size() - 7);
    }
    std::string text = "ECDH " + scheme;
    // RFC 5753 section 3.1.1: the parameter is the key wrap algorithm.
    if (algorithm->parameter != nullptr && algorithm->parameter->type == V_ASN1_SEQUENCE) {
        const X509AlgorPtr wrap(static_cast<X509_ALGOR*>(
            ::ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), algorithm->parameter)));
        if (wrap) {
            std::string name = object_id(wrap->algorithm).name;  // "id-aes256-wrap"
            text += ", key wrap " + (name.starts_with("id-") ? name.substr(3) : name);
        }
    }
    return text;
}

void set_identifier(RecipientFacts& facts, const ASN1_OCTET_STRING* key_id, const X509_NAME* issuer,
                    const ASN1_INTEGER* serial) {
    if (issuer != nullptr && serial != nullptr) {
        facts.issuer = name_text(issuer);
        facts.serial = serial_text(serial);
    } else if (key_id != nullptr) {
        facts.subject_key_id =
            to_hex(BytesView(::ASN1_STRING_get0_data(key_id),
                             static_cast<std::size_t>(::ASN1_STRING_length(key_id))));
    }
}

}  // namespace

std::optional<EnvelopeLayout> split_envelope(BytesView cms) {
    const auto root = read_element(cms, 0, cms.size(), 0);
    if (!root || root->tag != 0x30) {
        return std::nullopt;
    }
    const auto info = children_of(cms, *root, 0);
    if (!info || info->size() != 2 || (*info)[1].tag != 0xA0) {
        return std::nullopt;
    }
    EnvelopeLayout layout;
    if (der_oid_at(cms, (*info)[0].offset, kOidEnvelopedData)) {
        layout.kind = EnvelopeKind::Enveloped;
    } else if (der_oid_at(cms, (*info)[0].offset, kOidAuthEnvelopedData)) {
        layout.kind = EnvelopeKind::AuthEnveloped;
    } else {
        return std::nullopt;
    }
    const auto explicit_tag = children_of(cms, (*info)[1], 1);
    if (!explicit_tag || explicit_tag->size() != 1 || (*explicit_tag)[0].tag != 0x30) {
        return std::nullopt;
    }
    const Element& envelope = (*explicit_tag)[0];
    const auto fields = children_of(cms, envelope, 2);
    if (!fields) {
        return std::nullopt;
    }
    // RFC 5652 section 6.1 / RFC 5083 section 2.1: version, originatorInfo [0] OPTIONAL,
    // recipientInfos SET, then the (auth)EncryptedContentInfo SEQUENCE.
    const auto recipients = std::find_if(fields->begin(), fields->end(),
                                         [](const Element& e) { return e.tag == 0x31; });
    if (recipients == fields->end() || recipients + 1 == fields->end() ||
        recipients[1].tag != 0x30) {
        return std::nullopt;
    }
    const std::size_t eci_index = static_cast<std::size_t>(recipients + 1 - fields->begin());
    const Element& eci = (*fields)[eci_index];
    const auto eci_fields = children_of(cms, eci, 3);
    if (!eci_fields || eci_fields->size() < 2 || eci_fields->size() > 3 ||
        (*eci_fields)[0].tag != 0x06 || (*eci_fields)[1].tag != 0x30) {
        return std::nullopt;
    }
    layout.content_algorithm = (*eci_fields)[1].raw(cms);
    if (eci_fields->size() == 3) {
        const Element& content = (*eci_fields)[2];
        if ((content.tag & 0xDFU) != 0x80U || !collect_pieces(cms, content, 4, layout.content)) {
            return std::nullopt;
        }
    }
    // Rebuilt from the inside out: each level's length changes with the one inside it.
    const Bytes new_eci = rebuild(cms, eci, *eci_fields, 2, {});
    const Bytes new_envelope = rebuild(cms, envelope, *fields, eci_index, new_eci);
    const Bytes new_explicit = rebuild(cms, (*info)[1], *explicit_tag, 0, new_envelope);
    layout.structure = rebuild(cms, *root, *info, 1, new_explicit);
    return layout;
}

std::uint64_t total_size(std::span<const BytesView> pieces) noexcept {
    std::uint64_t size = 0;
    for (const BytesView piece : pieces) {
        size += piece.size();
    }
    return size;
}

BioPtr make_pieces_bio(std::span<const BytesView> pieces) {
    if (pieces.size() == 1) {
        return memory_bio(pieces.front());
    }
    BioPtr bio(::BIO_new(pieces_method()));
    ossl_check(bio != nullptr, Errc::Internal, "out of memory");
    // The state is owned by the BIO from here on: pieces_destroy deletes it.
    ::BIO_set_data(bio.get(), new PiecesState{{pieces.begin(), pieces.end()}, 0, 0});
    ::BIO_set_init(bio.get(), 1);
    return bio;
}

void Base64StreamDecoder::write(BytesView text) {
    // RFC 2045 section 6.8: "All line breaks or other characters not found in Table 1 must be
    // ignored by decoding software." A branch-free filter: this loop sees every byte of a
    // 50 MB message.
    static constexpr std::array<std::uint8_t, 256> kKeep = [] {
        std::array<std::uint8_t, 256> keep{};
        for (const char c : std::string_view(
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")) {
            keep[static_cast<unsigned char>(c)] = 1;
        }
        return keep;
    }();
    const std::size_t old = m_pending.size();
    m_pending.resize(old + text.size());
    char* out = m_pending.data() + old;
    for (const std::uint8_t c : text) {
        *out = static_cast<char>(c);
        out += kKeep[c];
    }
    m_pending.resize(static_cast<std::size_t>(out - m_pending.data()));
    if (m_pending.size() >= 65536) {
        decode_pending(false);
    }
}

void Base64StreamDecoder::finish() {
    decode_pending(true);
    if (!m_pending.empty()) {
        throw Error(Errc::Malformed, "the base64 body is truncated or has data after its padding");
    }
}

void Base64StreamDecoder::decode_pending(bool final) {
    // Whole groups of four only, and before a final group with padding only at the end.
    const std::size_t padding_at = std::min(m_pending.find('='), m_pending.size());
    std::size_t usable = padding_at / 4 * 4;
    std::size_t padding = 0;
    if (final && padding_at < m_pending.size()) {
        padding = m_pending.size() - padding_at;
        const bool only_padding = m_pending.find_first_not_of('=', padding_at) == std::string::npos;
        if (padding > 2 || !only_padding || m_pending.size() % 4 != 0) {
            return;  // finish() reports what is left
        }
        usable = m_pending.size();
    }
    if (usable == 0) {
        return;
    }
    const std::size_t old = m_out.size();
    m_out.resize(old + usable / 4 * 3);
    // EVP_DecodeBlock decodes "=" as zero bits: the padding's bytes are cut off below.
    const int n = ::EVP_DecodeBlock(m_out.data() + old,
                                    reinterpret_cast<const unsigned char*>(m_pending.data()),
                                    static_cast<int>(usable));
    ossl_check(n >= 0, Errc::Malformed, "the base64 body does not decode");
    m_out.resize(m_out.size() - padding);
    m_pending.erase(0, usable);
}

std::string content_cipher_text(BytesView algorithm_der) {
    const unsigned char* p = algorithm_der.data();
    const X509AlgorPtr algorithm(
        ::d2i_X509_ALGOR(nullptr, &p, static_cast<long>(algorithm_der.size())));
    if (!algorithm) {
        clear_error_queue();
        return {};
    }
    switch (::OBJ_obj2nid(algorithm->algorithm)) {
        case NID_des_ede3_cbc:
            return "3DES-CBC";
        case NID_rc2_cbc:
            return "RC2-CBC";
        case NID_des_cbc:
            return "DES-CBC";
        case NID_aes_128_gcm:
            return "AES-128-GCM";
        case NID_aes_192_gcm:
            return "AES-192-GCM";
        case NID_aes_256_gcm:
            return "AES-256-GCM";
        default:
            return object_id(algorithm->algorithm).name;  // "AES-256-CBC", or the OID
    }
}

std::vector<RecipientFacts> recipient_facts(CMS_ContentInfo* cms) {
    std::vector<RecipientFacts> facts;
    STACK_OF(CMS_RecipientInfo)* infos = ::CMS_get0_RecipientInfos(cms);  // get0: borrowed
    for (int i = 0; i < sk_CMS_RecipientInfo_num(infos); ++i) {
        CMS_RecipientInfo* info = sk_CMS_RecipientInfo_value(infos, i);
        RecipientFacts entry;
        switch (::CMS_RecipientInfo_type(info)) {
            case CMS_RECIPINFO_TRANS: {
                entry.type = "key-transport";
                ASN1_OCTET_STRING* key_id = nullptr;  // get0: borrowed, all three
                X509_NAME* issuer = nullptr;
                ASN1_INTEGER* serial = nullptr;
                X509_ALGOR* algorithm = nullptr;
                if (::CMS_RecipientInfo_ktri_get0_signer_id(info, &key_id, &issuer, &serial) == 1) {
                    set_identifier(entry, key_id, issuer, serial);
                }
                if (::CMS_RecipientInfo_ktri_get0_algs(info, nullptr, nullptr, &algorithm) == 1 &&
                    algorithm != nullptr) {
                    entry.key_algorithm = object_id(algorithm->algorithm, true);
                    const int nid = ::OBJ_obj2nid(algorithm->algorithm);
                    entry.key_algorithm_text = nid == NID_rsaEncryption ? "RSA PKCS#1 v1.5"
                                               : nid == NID_rsaesOaep   ? oaep_text(algorithm)
                                                                        : entry.key_algorithm.name;
                }
                facts.push_back(std::move(entry));
                break;
            }
            case CMS_RECIPINFO_AGREE: {
                entry.type = "key-agreement";
                X509_ALGOR* algorithm = nullptr;  // get0: borrowed
                ASN1_OCTET_STRING* ukm = nullptr;
                if (::CMS_RecipientInfo_kari_get0_alg(info, &algorithm, &ukm) == 1 &&
                    algorithm != nullptr) {
                    entry.key_algorithm = object_id(algorithm->algorithm);
                    entry.key_algorithm_text = agreement_text(algorithm);
                }
                STACK_OF(CMS_RecipientEncryptedKey)* keys =
                    ::CMS_RecipientInfo_kari_get0_reks(info);
                for (int k = 0; k < sk_CMS_RecipientEncryptedKey_num(keys); ++k) {
                    RecipientFacts key_entry = entry;
                    ASN1_OCTET_STRING* key_id = nullptr;  // get0: borrowed, all of them
                    ASN1_GENERALIZEDTIME* date = nullptr;
                    CMS_OtherKeyAttribute* other = nullptr;
                    X509_NAME* issuer = nullptr;
                    ASN1_INTEGER* serial = nullptr;
                    if (::CMS_RecipientEncryptedKey_get0_id(
                            sk_CMS_RecipientEncryptedKey_value(keys, k), &key_id, &date, &other,
                            &issuer, &serial) == 1) {
                        set_identifier(key_entry, key_id, issuer, serial);
                    }
                    facts.push_back(std::move(key_entry));
                }
                break;
            }
            case CMS_RECIPINFO_KEK:
                entry.type = "kek";
                facts.push_back(std::move(entry));
                break;
            case CMS_RECIPINFO_PASS:
                entry.type = "password";
                facts.push_back(std::move(entry));
                break;
            default:
                entry.type = "other";
                facts.push_back(std::move(entry));
                break;
        }
    }
    return facts;
}

std::vector<ClientLimitation> limitations_of(const EnvelopeTraits& traits) {
    // interop.md section 3, "Envelopes": what each peer did with openssl's messages.
    std::vector<ClientLimitation> limits;
    if (traits.authenticated) {
        limits.push_back({"gpgsm 2.2", "it reads no AuthEnvelopedData (AES-GCM)"});
        limits.push_back({"NSS 3.87", "it reads no AuthEnvelopedData (AES-GCM)"});
        limits.push_back({"Outlook", "it is reported to read no AuthEnvelopedData (AES-GCM)"});
    }
    if (traits.oaep) {
        limits.push_back({"gpgsm 2.2", "it reads no RSAES-OAEP key transport"});
        limits.push_back({"NSS 3.87", "it reads no RSAES-OAEP key transport"});
    }
    if (traits.key_agreement) {
        limits.push_back({"gpgsm 2.2", "it reads no ECDH key agreement (it cannot use EC keys)"});
        limits.push_back({"NSS 3.87",
                          "an ECDH recipient makes it fail the whole message, RSA recipients "
                          "included"});
    }
    return limits;
}

EnvelopeTraits traits_of(EnvelopeKind kind, const std::vector<RecipientFacts>& recipients) {
    EnvelopeTraits traits;
    traits.authenticated = kind == EnvelopeKind::AuthEnveloped;
    for (const RecipientFacts& recipient : recipients) {
        traits.oaep = traits.oaep || recipient.key_algorithm.oid == "1.2.840.113549.1.1.7";
        traits.key_agreement = traits.key_agreement || recipient.type == "key-agreement";
    }
    return traits;
}

ByteSource memory_source(BytesView bytes) {
    return [bytes, offset = std::size_t{0}](std::span<std::uint8_t> buffer) mutable {
        const std::size_t n = std::min(buffer.size(), bytes.size() - offset);
        std::memcpy(buffer.data(), bytes.data() + offset, n);
        offset += n;
        return n;
    };
}

std::string serial_text(const ASN1_INTEGER* serial) {
    const BytesView magnitude(::ASN1_STRING_get0_data(serial),
                              static_cast<std::size_t>(::ASN1_STRING_length(serial)));
    std::string text = ::ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" : "";
    text += magnitude.empty() ? "00" : to_hex(magnitude);
    return text;
}

}  // namespace smimekit::detail
