// SPDX-License-Identifier: Apache-2.0
// Verifying signed mail (smime.hpp): our MIME reader finds the signed bytes exactly as sent,
// OpenSSL checks each SignerInfo over them (CMS_SignerInfo_verify and _verify_content, one
// signer at a time so that every signer gets its own verdict), and our chain engine judges the
// signer's certificate for S/MIME signing. Parsed certificates and chain verdicts are cached
// across messages: OpenSSL 3.0 spends 150-200 us parsing one certificate (performance.md), more
// than the whole signature check, so the certificates a message carries are cut out of the CMS
// before OpenSSL parses it and looked up by their digest instead.
#include "smimekit/smime.hpp"

#include "smimekit/error.hpp"

#include "detail/certificate_impl.hpp"
#include "detail/der.hpp"
#include "detail/mime_text.hpp"
#include "detail/ossl.hpp"
#include "detail/smime_mime.hpp"

#include <openssl/objects.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace smimekit {
namespace {

using detail::as_text;

constexpr std::size_t kPiece = 64 * 1024;
constexpr int kMaxBerDepth = 64;

// ---- cutting the certificates out of a SignedData -------------------------------------------

// The end offset of the element at `offset`, following indefinite lengths (X.690 section
// 8.1.3.6: contents end at an end-of-contents 00 00); nullopt when it is not well-formed.
std::optional<std::size_t> element_end(BytesView data, std::size_t offset, int depth) {
    const std::optional<detail::DerHeader> header = detail::read_der_header(data, offset);
    if (!header || depth > kMaxBerDepth) {
        return std::nullopt;
    }
    std::size_t pos = offset + header->header_size;
    if (!header->indefinite) {
        return pos + header->length;
    }
    if (!header->constructed()) {
        return std::nullopt;
    }
    while (pos + 2 <= data.size()) {
        if (data[pos] == 0 && data[pos + 1] == 0) {
            return pos + 2;
        }
        const std::optional<std::size_t> end = element_end(data, pos, depth + 1);
        if (!end) {
            return std::nullopt;
        }
        pos = *end;
    }
    return std::nullopt;
}

// The children of the constructed element at `offset`, as [begin, end) offsets.
std::optional<std::vector<std::pair<std::size_t, std::size_t>>> children(BytesView data,
                                                                          std::size_t offset) {
    const std::optional<detail::DerHeader> header = detail::read_der_header(data, offset);
    const std::optional<std::size_t> end = element_end(data, offset, 0);
    if (!header || !end || !header->constructed()) {
        return std::nullopt;
    }
    const std::size_t content_end = header->indefinite ? *end - 2 : *end;
    std::vector<std::pair<std::size_t, std::size_t>> result;
    for (std::size_t pos = offset + header->header_size; pos < content_end;) {
        const std::optional<std::size_t> child_end = element_end(data, pos, 1);
        if (!child_end || *child_end > content_end) {
            return std::nullopt;
        }
        result.emplace_back(pos, *child_end);
        pos = *child_end;
    }
    return result;
}

struct SplitSignedData {
    Bytes without_certificates;           ///< the ContentInfo with no certificates field
    std::vector<BytesView> certificates;  ///< the DER of each X.509 certificate it carried
};

/**
 * RFC 5652 section 5.1: SignedData ::= SEQUENCE { version, digestAlgorithms,
 * encapContentInfo, certificates [0] IMPLICIT CertificateSet OPTIONAL, crls [1] IMPLICIT
 * OPTIONAL, signerInfos }. The certificates are not covered by any signature, so the same
 * ContentInfo without them verifies alike. It is rebuilt with indefinite lengths for the three
 * wrappers (ContentInfo, [0], SignedData), which every BER reader takes, and each other element
 * copied byte for byte. nullopt when the shape is not that of a SignedData (OpenSSL then gets
 * the original and says what is wrong).
 */
std::optional<SplitSignedData> split_certificates(BytesView cms) {
    const auto info = children(cms, 0);
    if (!info || info->size() != 2 || !detail::der_oid_at(cms, (*info)[0].first, detail::kOidPkcs7SignedData) ||
        cms[(*info)[1].first] != 0xA0) {
        return std::nullopt;
    }
    const auto wrapper = children(cms, (*info)[1].first);
    if (!wrapper || wrapper->size() != 1 || cms[(*wrapper)[0].first] != 0x30) {
        return std::nullopt;
    }
    const auto fields = children(cms, (*wrapper)[0].first);
    if (!fields) {
        return std::nullopt;
    }
    SplitSignedData split;
    Bytes& out = split.without_certificates;
    const auto copy = [&](std::size_t begin, std::size_t end) {
        out.insert(out.end(), cms.begin() + static_cast<std::ptrdiff_t>(begin),
                   cms.begin() + static_cast<std::ptrdiff_t>(end));
    };
    out = {0x30, 0x80};
    copy((*info)[0].first, (*info)[0].second);
    out.insert(out.end(), {0xA0, 0x80, 0x30, 0x80});
    bool found = false;
    for (const auto& [begin, end] : *fields) {
        if (cms[begin] != 0xA0) {
            copy(begin, end);
            continue;
        }
        found = true;
        const auto set = children(cms, begin);
        if (!set) {
            return std::nullopt;
        }
        for (const auto& [cert_begin, cert_end] : *set) {
            // CertificateChoices: only `certificate` is a plain SEQUENCE; attribute
            // certificates ([1], [2]) and others ([3]) are of no use for a signer.
            if (cms[cert_begin] == 0x30) {
                split.certificates.push_back(cms.subspan(cert_begin, cert_end - cert_begin));
            }
        }
    }
    if (!found) {
        return std::nullopt;
    }
    out.insert(out.end(), {0, 0, 0, 0, 0, 0});
    return split;
}

// ---- names for people -----------------------------------------------------------------------

std::string digest_text(const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* oid = nullptr;
    ::X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);  // get0: borrowed
    const int nid = ::OBJ_obj2nid(oid);
    return nid == NID_undef ? detail::object_id(oid).oid : std::string(::OBJ_nid2sn(nid));
}

std::string signature_text(const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* oid = nullptr;
    ::X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);  // get0: borrowed
    int nid = ::OBJ_obj2nid(oid);
    int digest = NID_undef;
    int key = NID_undef;
    if (::OBJ_find_sigid_algs(nid, &digest, &key) == 1) {
        nid = key;  // sha256WithRSAEncryption -> rsaEncryption, ecdsa-with-SHA256 -> EC
    }
    switch (nid) {
    case NID_rsaEncryption:
        return "RSA";
    case NID_rsassaPss:
        return "RSA-PSS";
    case NID_X9_62_id_ecPublicKey:
        return "ECDSA";
    case NID_ED25519:
        return "Ed25519";
    case NID_ED448:
        return "Ed448";
    case NID_dsa:
        return "DSA";
    default:
        break;
    }
    return nid == NID_undef ? detail::object_id(oid).oid : std::string(::OBJ_nid2sn(nid));
}

std::string signer_id_text(CMS_SignerInfo* signer) {
    ASN1_OCTET_STRING* key_id = nullptr;
    X509_NAME* issuer = nullptr;
    ASN1_INTEGER* serial = nullptr;
    // get0: all three borrowed from the SignerInfo.
    if (::CMS_SignerInfo_get0_signer_id(signer, &key_id, &issuer, &serial) != 1) {
        detail::clear_error_queue();
        return "an unreadable signer identifier";
    }
    if (key_id != nullptr) {
        return "subject key id " +
               to_hex(BytesView(::ASN1_STRING_get0_data(key_id),
                                static_cast<std::size_t>(::ASN1_STRING_length(key_id))),
                      HexCase::Upper);
    }
    return "issuer " + in_quotes(detail::name_text(issuer)) + ", serial " +
           to_hex(BytesView(::ASN1_STRING_get0_data(serial),
                            static_cast<std::size_t>(::ASN1_STRING_length(serial))));
}

std::optional<TimePoint> signing_time_of(CMS_SignerInfo* signer) {
    const int index = ::CMS_signed_get_attr_by_NID(signer, NID_pkcs9_signingTime, -1);
    if (index < 0) {
        return std::nullopt;
    }
    X509_ATTRIBUTE* const attribute = ::CMS_signed_get_attr(signer, index);  // get0: borrowed
    const ASN1_TYPE* const value = ::X509_ATTRIBUTE_get0_type(attribute, 0);   // get0: borrowed
    if (value == nullptr ||
        (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME)) {
        return std::nullopt;
    }
    try {
        return from_unix_seconds(detail::asn1_time_to_unix(value->value.utctime));
    } catch (const Error&) {
        return std::nullopt;  // an unreadable time is no time
    }
}

// RFC 8551 section 3.5.3.1 micalg values for the digests a signature may use.
std::string micalg_for(std::string_view digest) {
    if (digest == "SHA1") {
        return "sha-1";
    }
    if (digest == "SHA224" || digest == "SHA256" || digest == "SHA384" || digest == "SHA512") {
        return "sha-" + std::string(digest.substr(3));
    }
    return detail::ascii_lower(digest);
}

// ---- the From address -----------------------------------------------------------------------

/// The addresses of an address-list header value (RFC 5322 section 3.4): "a@b", "Name <a@b>",
/// "\"Last, First\" <a@b>", comments, several mailboxes separated by commas, groups.
std::vector<std::string> addresses_in(std::string_view value) {
    std::vector<std::string> addresses;
    std::string plain;   // the mailbox outside quotes and comments
    std::string angled;  // the text inside <...>
    bool quoted = false;
    bool in_angle = false;
    bool had_angle = false;
    int comment = 0;
    const auto finish = [&] {
        const std::string address(detail::trim(had_angle ? angled : plain));
        if (address.find('@') != std::string::npos) {
            addresses.push_back(address);
        }
        plain.clear();
        angled.clear();
        had_angle = false;
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                quoted = false;
            }
        } else if (comment > 0) {
            comment += c == '(' ? 1 : (c == ')' ? -1 : 0);
        } else if (c == '"') {
            quoted = true;
        } else if (c == '(') {
            comment = 1;
        } else if (c == '<') {
            in_angle = true;
            had_angle = true;
            angled.clear();
        } else if (c == '>') {
            in_angle = false;
        } else if (in_angle) {
            angled += c;
        } else if (c == ',' || c == ';') {
            finish();
        } else if (c == ':') {
            plain.clear();  // "group-name:" starts a group
        } else if (!detail::is_wsp(c)) {
            plain += c;
        }
    }
    finish();
    return addresses;
}

std::vector<std::string> sender_addresses(const MimeEntity& message) {
    std::vector<std::string> addresses;
    for (const MimeHeader& field : message.headers()) {
        if (detail::iequals(field.name, "From") || detail::iequals(field.name, "Sender")) {
            for (std::string& address : addresses_in(field.value)) {
                addresses.push_back(std::move(address));
            }
        }
    }
    return addresses;
}

bool has_bare_lf(BytesView bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
            return true;
        }
    }
    return false;
}

/// Where a signed message keeps its signature, and what it signs.
struct SignedParts {
    Bytes cms;           ///< the SignedData, DER or BER
    BytesView detached;  ///< the signed part of a multipart/signed as received; empty for opaque
};

/**
 * Finds the S/MIME signature of `message` (multipart/signed, or pkcs7-mime signed-data) and
 * sets result.form and micalg and the notes about the MIME; nullopt, with a "not-signed"
 * problem in `result`, for a message that is not signed. Throws Malformed for a damaged signed
 * message and Unsupported for a PGP/MIME one.
 */
std::optional<SignedParts> find_signature(const MimeEntity& message, MessageVerification& result) {
    const ContentType& type = message.content_type();
    SignedParts parts;
    if (type.media_type() == "multipart/signed") {
        if (!message.is_multipart()) {
            throw Error(Errc::Malformed, "the multipart/signed has no boundary parameter");
        }
        const std::string protocol = detail::ascii_lower(type.parameter("protocol").value_or(""));
        if (message.parts().size() < 2) {
            throw Error(Errc::Malformed, "the multipart/signed has " +
                                             std::to_string(message.parts().size()) +
                                             " part(s); it needs the content and the signature");
        }
        const MimeEntity& signature = message.parts()[1];
        const bool smime = protocol == "application/pkcs7-signature" ||
                           protocol == "application/x-pkcs7-signature" ||
                           detail::cms_part_kind(signature) == detail::CmsPartKind::Pkcs7Signature;
        if (!smime) {
            throw Error(Errc::Unsupported, "the message is signed with " +
                                               in_quotes(protocol.empty() ? signature.content_type().media_type() : protocol) +
                                               ", not with S/MIME");
        }
        result.form = SignedForm::Detached;
        result.micalg = detail::ascii_lower(type.parameter("micalg").value_or(""));
        if (detail::is_legacy_cms_media_type(signature) || protocol == "application/x-pkcs7-signature") {
            result.notes.push_back("the signature uses the legacy type application/x-pkcs7-signature");
        }
        if (!message.closed()) {
            // The signature part then runs to the end of the file: a truncated mail (openssl
            // refuses it too, "no multipart body failure").
            throw Error(Errc::Malformed, "the multipart/signed has no closing boundary (truncated?)");
        }
        parts.cms = detail::cms_bytes_of(signature);
        parts.detached = message.parts()[0].raw();
        if (has_bare_lf(parts.detached)) {
            result.notes.push_back("the signed part has LF line ends (saved on a Unix system?); it was "
                                   "verified in its canonical CRLF form");
        }
    } else if (detail::cms_part_kind(message)) {
        parts.cms = detail::cms_bytes_of(message);
        const std::optional<std::string> inner = detail::cms_content_type(parts.cms);
        if (inner == "envelopedData" || inner == "authEnvelopedData") {
            result.problems.push_back({"not-signed", "the message is encrypted (" + *inner +
                                                         "): decrypt it first, then verify"});
            return std::nullopt;
        }
        if (inner != "signedData") {
            throw Error(Errc::Malformed, "the S/MIME part holds " +
                                             (inner ? in_quotes(*inner) : std::string("no CMS")) +
                                             ", not signed data");
        }
        result.form = SignedForm::Opaque;
        if (detail::is_legacy_cms_media_type(message)) {
            result.notes.push_back("the message uses the legacy type application/x-pkcs7-mime");
        }
    } else {
        result.problems.push_back({"not-signed", "the message is not signed (it is " +
                                                     type.media_type() + ")"});
        return std::nullopt;
    }
    return parts;

}

// RFC 8551 section 3.5.3: micalg names the digest(s) of the signers. OpenSSL ignores a wrong one
// on receipt, and so do we (the CMS says what was used), but it is worth a note (interop.md 4).
void check_micalg(MessageVerification& result) {
    if (result.micalg.empty()) {
        return;
    }
    std::vector<std::string> declared;
    for (std::string_view rest = result.micalg; !rest.empty();) {
        const std::size_t comma = rest.find(',');
        declared.emplace_back(detail::trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    for (const SignerVerification& signer : result.signers) {
        const std::string wanted = micalg_for(signer.digest_algorithm);
        if (std::find(declared.begin(), declared.end(), wanted) == declared.end()) {
            result.notes.push_back("micalg=" + result.micalg + " does not name the digest of the signature (" +
                                   wanted + ")");
        }
    }
}

// RFC 8550 section 3 asks that the From (or Sender) address be in "the signer's certificate".
// With several signers (a co-signed message) one of them must carry it; the others are noted.
void check_sender(const SignatureVerifyOptions& options, MessageVerification& message) {
    if (!options.check_from) {
        return;
    }
    if (message.from.empty()) {
        message.notes.push_back("the message has no From address to compare with the signer's certificate");
        return;
    }
    const bool any = std::any_of(message.signers.begin(), message.signers.end(),
                                 [](const SignerVerification& s) { return s.address_matches; });
    for (SignerVerification& signer : message.signers) {
        if (signer.address_matches || !signer.certificate) {
            continue;
        }
        std::string have;
        for (const std::string& address : signer.certificate->email_addresses()) {
            have += (have.empty() ? "" : ", ") + address;
        }
        const std::string text = "the sender " + in_quotes(message.from.front()) +
                                 " is not an address of " + in_quotes(signer.certificate->subject()) +
                                 " (" + (have.empty() ? "it has none" : "it has " + have) + ")";
        if (any) {
            message.notes.push_back("a co-signer: " + text);
        } else {
            signer.problems.push_back({"email-mismatch", text});
        }
    }
}

}  // namespace

bool MessageVerification::valid() const noexcept {
    return problems.empty() && !signers.empty() &&
           std::all_of(signers.begin(), signers.end(),
                       [](const SignerVerification& signer) { return signer.valid(); });
}

struct SignatureVerifier::Impl {
    Store anchors;
    Store pool;
    SignatureVerifyOptions options;
    VerifyOptions chain_options;
    /// Parsed certificates by the SHA-256 of their DER.
    std::unordered_map<std::string, Certificate> certificates;
    /// Chain verdicts by signer certificate and the certificates its message carried.
    std::unordered_map<std::string, ChainResult> chains;
    /// The pool's answer for a signer identifier the message's certificates did not match.
    std::map<std::string, std::optional<Certificate>> pool_signers;

    Certificate certificate(BytesView der) {
        const Bytes digest = sha256(der);
        std::string key(digest.begin(), digest.end());
        const auto found = certificates.find(key);
        if (found != certificates.end()) {
            return found->second;
        }
        Certificate parsed = Certificate::from_der(der);
        certificates.emplace(std::move(key), parsed);
        return parsed;
    }

    const ChainResult& chain(const Certificate& signer, const std::vector<Certificate>& carried) {
        std::string key(signer.sha256().begin(), signer.sha256().end());
        std::vector<std::string> others;
        for (const Certificate& certificate : carried) {
            others.emplace_back(certificate.sha256().begin(), certificate.sha256().end());
        }
        std::sort(others.begin(), others.end());
        for (const std::string& other : others) {
            key += other;
        }
        const auto found = chains.find(key);
        if (found != chains.end()) {
            return found->second;
        }
        const bool all_known = std::all_of(carried.begin(), carried.end(),
                                           [&](const Certificate& c) { return pool.contains(c); });
        ChainResult result;
        if (all_known) {
            result = verify_chain(signer, pool, anchors, chain_options);
        } else {
            // The message's certificates help this message only: a later message without them
            // must not verify because an earlier one carried them.
            Store extended = pool;
            extended.add(carried);
            result = verify_chain(signer, extended, anchors, chain_options);
        }
        return chains.emplace(std::move(key), std::move(result)).first->second;
    }

    std::optional<Certificate> find_signer(CMS_SignerInfo* info, const std::vector<Certificate>& carried,
                                           const std::string& signer_id) {
        for (const Certificate& certificate : carried) {
            if (::CMS_SignerInfo_cert_cmp(info, detail::x509_of(certificate)) == 0) {
                return certificate;
            }
        }
        const auto known = pool_signers.find(signer_id);
        if (known != pool_signers.end()) {
            return known->second;
        }
        std::optional<Certificate> found;
        for (const Store* store : {&pool, &anchors}) {
            for (const Certificate& certificate : store->certificates()) {
                if (!found && ::CMS_SignerInfo_cert_cmp(info, detail::x509_of(certificate)) == 0) {
                    found = certificate;
                }
            }
        }
        pool_signers.emplace(signer_id, found);
        return found;
    }

    void check_signer(CMS_SignerInfo* info, BIO* digests, const std::vector<Certificate>& carried,
                      const std::vector<std::string>& from, MessageVerification& message,
                      SignerVerification& signer);

    MessageVerification verify(BytesView bytes, const ByteSink& content);
};

void SignatureVerifier::Impl::check_signer(CMS_SignerInfo* info, BIO* digests,
                                           const std::vector<Certificate>& carried,
                                           const std::vector<std::string>& from,
                                           MessageVerification& message,
                                           SignerVerification& signer) {
    X509_ALGOR* digest = nullptr;
    X509_ALGOR* signature = nullptr;
    ::CMS_SignerInfo_get0_algs(info, nullptr, nullptr, &digest, &signature);  // get0: borrowed
    signer.digest_algorithm = digest_text(digest);
    signer.signature_algorithm = signature_text(signature);
    signer.signer_id = signer_id_text(info);
    signer.signing_time = signing_time_of(info);
    if (signer.digest_algorithm == "MD5") {
        signer.problems.push_back({"weak-digest", "the signature uses MD5, which is broken"});
    } else if (signer.digest_algorithm == "SHA1") {
        message.notes.push_back("a signature uses SHA-1, which is no longer collision resistant");
    }

    signer.certificate = find_signer(info, carried, signer.signer_id);
    if (!signer.certificate) {
        signer.problems.push_back({"signer-certificate-missing",
                                   "the signer's certificate (" + signer.signer_id +
                                       ") is neither in the message nor in the pool"});
        return;
    }
    ::CMS_SignerInfo_set1_signer_cert(info, detail::x509_of(*signer.certificate));  // set1: adds a reference

    // RFC 5652 section 5.4: with signed attributes the signature covers their DER, and the
    // messageDigest attribute must equal the content's digest; without them the signature
    // covers the content digest directly.
    const bool has_attributes = ::CMS_signed_get_attr_count(info) > 0;
    bool signature_ok = true;
    if (has_attributes) {
        signature_ok = ::CMS_SignerInfo_verify(info) == 1;
        if (!signature_ok) {
            signer.problems.push_back({"bad-signature",
                                       "the signature does not verify with the key of " +
                                           in_quotes(signer.certificate->subject())});
        }
    }
    detail::clear_error_queue();
    if (signature_ok) {
        const int content_ok = ::CMS_SignerInfo_verify_content(info, digests);
        if (content_ok == 1) {
            signer.signature_valid = true;
        } else if (content_ok == 0 && has_attributes) {
            signer.problems.push_back({"content-altered",
                                       "the content does not match the signature: it was changed "
                                       "after signing (message digest mismatch)"});
        } else if (content_ok == 0) {
            signer.problems.push_back({"bad-signature",
                                       "the signature does not match the content with the key of " +
                                           in_quotes(signer.certificate->subject())});
        } else {
            signer.problems.push_back({"unsupported-algorithm",
                                       "cannot check the content digest (" +
                                           signer.digest_algorithm + "): " + detail::drain_error_queue()});
        }
    }
    detail::clear_error_queue();

    const ChainResult& chain = this->chain(*signer.certificate, carried);
    signer.chain = chain;
    if (!chain.accepted()) {
        for (const ChainProblem& problem : chain.problems) {
            signer.problems.push_back({problem.code, problem.message});
        }
        if (chain.problems.empty()) {
            signer.problems.push_back({"other", "the chain engines disagree on the signer's chain"});
        }
    }

    std::vector<std::string> addresses = signer.certificate->san_emails();
    if (addresses.empty()) {
        addresses = signer.certificate->subject_emails();
    }
    signer.address_matches = std::any_of(from.begin(), from.end(), [&](const std::string& a) {
        return std::any_of(addresses.begin(), addresses.end(),
                           [&](const std::string& b) { return email_matches(a, b); });
    });
}

MessageVerification SignatureVerifier::Impl::verify(BytesView bytes, const ByteSink& content) {
    MessageVerification result;
    const MimeEntity message = parse_mime(bytes);
    result.from = sender_addresses(message);

    const std::optional<SignedParts> signed_parts = find_signature(message, result);
    if (!signed_parts) {
        return result;
    }
    const Bytes& cms_bytes = signed_parts->cms;
    const BytesView detached = signed_parts->detached;

    // The certificates are looked up in the cache; OpenSSL parses only the rest.
    std::vector<Certificate> carried;
    std::optional<SplitSignedData> split = split_certificates(cms_bytes);
    const BytesView to_parse = split ? BytesView(split->without_certificates) : BytesView(cms_bytes);
    if (split) {
        for (const BytesView der : split->certificates) {
            try {
                carried.push_back(certificate(der));
            } catch (const Error& error) {
                result.notes.push_back(std::string("a certificate in the signature cannot be read: ") +
                                       error.what());
            }
        }
    }
    const unsigned char* p = to_parse.data();
    const detail::CmsPtr cms(::d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(to_parse.size())));
    detail::ossl_check(cms != nullptr, Errc::Malformed, "the signature is not readable CMS");
    detail::ossl_check(::OBJ_obj2nid(::CMS_get0_type(cms.get())) == NID_pkcs7_signed,
                       Errc::Malformed, "the S/MIME part is not CMS signed data");
    if (!split) {
        // Not cut out above (an unusual shape): take what OpenSSL parsed.
        const detail::X509StackPtr parsed(::CMS_get1_certs(cms.get()));  // get1: we own the stack
        for (int i = 0; parsed && i < sk_X509_num(parsed.get()); ++i) {
            X509* const x509 = sk_X509_value(parsed.get(), i);  // get0: borrowed
            ::X509_up_ref(x509);                                        // ... now our reference
            carried.push_back(detail::make_certificate(detail::X509Ptr(x509)));
        }
    }

    STACK_OF(CMS_SignerInfo)* const infos = ::CMS_get0_SignerInfos(cms.get());  // get0: borrowed
    const int count = infos == nullptr ? 0 : sk_CMS_SignerInfo_num(infos);
    if (count == 0) {
        result.problems.push_back({"no-signers", "the signed data has no signer (a certificates-only message?)"});
        return result;
    }

    // The content goes through the digest BIOs that CMS_dataInit stacks on a null BIO.
    BIO* const null_bio = ::BIO_new(::BIO_s_null());
    detail::ossl_check(null_bio != nullptr, Errc::Internal, "cannot create a BIO");
    BIO* const chain_top = ::CMS_dataInit(cms.get(), null_bio);
    if (chain_top == nullptr) {
        ::BIO_free(null_bio);
        const std::string detail = detail::drain_error_queue();
        throw Error(Errc::Unsupported, "cannot compute the digest the signature uses", detail);
    }
    const detail::BioPtr digests(chain_top);  // owns the whole chain, null_bio included
    const auto feed = [&](BytesView piece) {
        if (piece.empty()) {
            return;
        }
        detail::ossl_check(::BIO_write(digests.get(), piece.data(), static_cast<int>(piece.size())) ==
                               static_cast<int>(piece.size()),
                           Errc::Internal, "cannot digest the content");
        if (content) {
            content(piece);
        }
        result.content_bytes += piece.size();
    };
    if (result.form == SignedForm::Detached) {
        // RFC 8551 section 3.1.1: the signature covers the canonical form (CRLF line ends).
        CrlfCanonicalizer canonical;
        Bytes out;
        for (std::size_t i = 0; i < detached.size(); i += kPiece) {
            out.clear();
            canonical.feed(detached.subspan(i, std::min(kPiece, detached.size() - i)), out);
            feed(out);
        }
    } else {
        ASN1_OCTET_STRING** const inside = ::CMS_get0_content(cms.get());  // get0: borrowed
        if (inside == nullptr || *inside == nullptr) {
            throw Error(Errc::Malformed, "the opaque signed data carries no content");
        }
        const BytesView data(::ASN1_STRING_get0_data(*inside),
                             static_cast<std::size_t>(::ASN1_STRING_length(*inside)));
        for (std::size_t i = 0; i < data.size(); i += kPiece) {
            feed(data.subspan(i, std::min(kPiece, data.size() - i)));
        }
    }

    for (int i = 0; i < count; ++i) {
        SignerVerification signer;
        check_signer(sk_CMS_SignerInfo_value(infos, i), digests.get(), carried, result.from, result, signer);
        result.signers.push_back(std::move(signer));
    }
    check_sender(options, result);
    check_micalg(result);
    return result;
}

SignatureVerifier::SignatureVerifier(Store anchors, Store pool, SignatureVerifyOptions options)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->anchors = std::move(anchors);
    m_impl->pool = std::move(pool);
    m_impl->options = options;
    m_impl->chain_options.time = options.time;
    m_impl->chain_options.purpose = Purpose::SmimeSign;
    m_impl->chain_options.engines = options.engines;
    m_impl->chain_options.trust_engine = options.trust_engine;
}

SignatureVerifier::SignatureVerifier(SignatureVerifier&&) noexcept = default;
SignatureVerifier& SignatureVerifier::operator=(SignatureVerifier&&) noexcept = default;
SignatureVerifier::~SignatureVerifier() = default;

MessageVerification SignatureVerifier::verify(BytesView message, const ByteSink& content) {
    return m_impl->verify(message, content);
}

}  // namespace smimekit
