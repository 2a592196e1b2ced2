// SPDX-License-Identifier: Apache-2.0
// S/MIME 4.0 messages (RFC 8551) over CMS (RFC 5652): signing and verifying (multipart/signed and
// opaque signed-data), encrypting and decrypting. The CMS is OpenSSL's; the MIME around it is
// ours (mime.hpp), so that the signed bytes are exactly the bytes on the wire.
//
// Which header fields are protected: the fields that describe the content (Content-*) travel
// inside the signed or encrypted entity; the others (From, To, Cc, Subject, Date, Message-ID,
// MIME-Version, ...) stay outside in the clear, where mail clients expect them (RFC 8551 section
// 3.1: "the MIME entity to be protected" is the body with its Content-* headers).
#pragma once

#include "smimekit/bytes.hpp"
#include "smimekit/certificate.hpp"
#include "smimekit/chain.hpp"
#include "smimekit/load.hpp"
#include "smimekit/mime.hpp"
#include "smimekit/private_key.hpp"
#include "smimekit/store.hpp"
#include "smimekit/time.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smimekit {

// ==== signing and verifying (issue 8) ==========================================================

/// The message digests a signature can use (RFC 8551 section 2.1 lists SHA-256 as MUST, SHA-512
/// as SHOULD; SHA-384 is what P-384 keys pair with).
enum class DigestAlgorithm { Sha256, Sha384, Sha512 };

/// "sha256", "sha384", "sha512" (the CLI's spelling).
std::string_view digest_name(DigestAlgorithm digest) noexcept;
/// The micalg value of RFC 8551 section 3.5.3.1: "sha-256", "sha-384", "sha-512".
std::string_view micalg_name(DigestAlgorithm digest) noexcept;
/// The digest named "sha256", "sha-256" or "SHA256" (any case), or nullopt.
std::optional<DigestAlgorithm> digest_from_name(std::string_view name) noexcept;

/// How a signed message carries its content.
enum class SignedForm {
    Detached,  ///< multipart/signed: the content readable by any client, the signature beside it
    Opaque,    ///< application/pkcs7-mime; smime-type=signed-data: the content inside the CMS
};

/// "detached", "opaque".
std::string_view signed_form_name(SignedForm form) noexcept;

/// Who signs: the key, its certificate, and the CA certificates sent along so that receivers
/// can build the chain (OpenSSL-based receivers build chains only from the message's
/// certificates and their trust store: interop.md pitfall 8).
struct SigningIdentity {
    PrivateKey key;
    Certificate certificate;
    std::vector<Certificate> chain;  ///< included in the signature, in this order
};

/**
 * The signing identity of a loaded .p12 (or a PEM file with a key and its certificate): the
 * key, the certificate that carries its public half, and the file's other certificates as the
 * chain, the signer's issuer first. A self-signed root is left out unless `include_root`: the
 * receiver must have it as a trust anchor anyway (RFC 5652 section 5.1 leaves the choice to the
 * signer; gpgsm also omits it). Throws:
 *  - NotFound     the file holds no private key, or no certificate for its key;
 *  - KeyMismatch  (never for a .p12 read by read_pkcs12, which matches by public key).
 */
SigningIdentity signing_identity(const LoadedFile& file, bool include_root = false);

struct SignOptions {
    SignedForm form = SignedForm::Detached;
    DigestAlgorithm digest = DigestAlgorithm::Sha256;
    /// RSASSA-PSS (RFC 4056) with MGF1 over the same digest and salt length = digest length:
    /// gpgsm and GnuTLS reject OpenSSL's default (maximum) salt length.
    bool rsa_pss = false;
    /// The signingTime attribute (RFC 5652 section 11.3).
    TimePoint signing_time;
};

struct SignResult {
    std::uint64_t content_bytes = 0;  ///< size of the signed entity (canonical form)
    /// What the caller may want to know ("the content has 8-bit data: a transport that
    /// changes it breaks the signature"); empty normally.
    std::vector<std::string> notes;
};

/**
 * Signs the message read from `source` and writes the signed message to `sink`, with CRLF line
 * ends. The header fields that are not Content-* stay outside the signed entity; the Content-*
 * fields and the body, in canonical form (CRLF, RFC 8551 section 3.1.1), are signed. A message
 * without a Content-Type is signed as text/plain; charset=us-ascii (its default, RFC 2045
 * section 5.2), written out.
 *
 * The SignedData (RFC 5652 section 5) has one SignerInfo with the signingTime, contentType,
 * messageDigest and SMIMECapabilities signed attributes, is identified by issuer and serial
 * number, and carries the signer certificate and `signer.chain`.
 *  - Detached: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256
 *    (RFC 8551 section 3.5.3), the signature in DER as application/pkcs7-signature.
 *  - Opaque: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m", in DER when the
 *    content is up to 4 MiB, else streamed as BER with indefinite lengths (as gpgsm, NSS and
 *    `openssl cms -stream` write it; every peer reads it).
 * Memory stays flat whatever the size of the message: the body is read, canonicalized, digested
 * and written piece by piece.
 * Throws Malformed (the header block is larger than 1 MiB or not a header block),
 * InvalidArgument (rsa_pss with a key that is not RSA), Unsupported (a key OpenSSL cannot sign
 * CMS with), and whatever `source` and `sink` throw.
 */
SignResult sign_message(const ByteSource& source, const SigningIdentity& signer,
                        const SignOptions& options, const ByteSink& sink);

/// sign_message over a message in memory, returning the signed message.
Bytes sign_message(BytesView message, const SigningIdentity& signer, const SignOptions& options);

/// One reason a signed message or a signature does not verify.
struct SignatureProblem {
    /// Stable, for scripts (docs/json.md "mail verify"): "not-signed", "no-signers",
    /// "content-altered", "bad-signature", "signer-certificate-missing", "email-mismatch",
    /// "weak-digest", "unsupported-algorithm", and the codes of ChainProblem for the signer's
    /// chain ("expired", "untrusted-root", "missing-issuer", "key-usage-sign", ...).
    std::string code;
    std::string message;  ///< one line for people
};

/// The verdict on one SignerInfo.
struct SignerVerification {
    /// The signer's certificate, from the message or the pool; absent when neither has it.
    std::optional<Certificate> certificate;
    /// How the SignerInfo names its certificate: "issuer CN=..., serial 1a2b..." or
    /// "subject key id A1B2...".
    std::string signer_id;
    std::optional<TimePoint> signing_time;  ///< the signingTime attribute, if present
    std::string digest_algorithm;           ///< "SHA256", "SHA1", ...
    std::string signature_algorithm;        ///< "RSA", "RSA-PSS", "ECDSA", "Ed25519", ...
    /// The signature verifies with the certificate's key, and the content digest matches.
    bool signature_valid = false;
    /// The certificate's chain for S/MIME signing at the verification time; absent without a
    /// certificate.
    std::optional<ChainResult> chain;
    /// The certificate carries a From address (SAN rfc822Name, else subject emailAddress).
    bool address_matches = false;
    /// Every reason this signer does not verify; empty when it does.
    std::vector<SignatureProblem> problems;

    [[nodiscard]] bool valid() const noexcept { return problems.empty(); }
};

/// The verdict on one message.
struct MessageVerification {
    std::optional<SignedForm> form;  ///< absent when the message is not signed
    /// The addresses of the From header (and Sender), in order; empty when there is none.
    std::vector<std::string> from;
    std::string micalg;  ///< as a multipart/signed declares it (lower case); "" otherwise
    std::vector<SignerVerification> signers;
    /// Reasons about the message as a whole ("not-signed", "no-signers").
    std::vector<SignatureProblem> problems;
    /// What was tolerated and may interest a reader: LF line ends, an x- media type, a micalg
    /// that does not name the digest used, no From address to check, SHA-1.
    std::vector<std::string> notes;
    std::uint64_t content_bytes = 0;  ///< size of the signed content

    /// No message problem, at least one signer, and every signer valid (as `openssl cms
    /// -verify` wants every signer to verify).
    [[nodiscard]] bool valid() const noexcept;
};

struct SignatureVerifyOptions {
    /// The time at which the signer's chain must be valid.
    TimePoint time;
    /// The chain engines (chain.hpp); OpenSSL alone by default, as a batch wants it.
    EngineChoice engines = EngineChoice::OpenSsl;
    std::optional<Engine> trust_engine;
    /// Check that the signer's certificate carries the From address (RFC 8550 section 3:
    /// "Receiving agents MUST check that the address in the From or Sender header of a mail
    /// message matches an Internet mail address in the signer's certificate").
    bool check_from = true;
};

/**
 * Verifies signed messages against one set of trust anchors, many messages in a row. It keeps
 * what does not change from one message to the next: certificates already parsed (by the
 * SHA-256 of their DER) and the verdict on each signer's chain (by the signer certificate and
 * the certificates its message carried), so that a batch of mails from the same sender
 * validates the chain once. Not thread-safe; one verifier per thread.
 */
class SignatureVerifier final {
public:
    SignatureVerifier(Store anchors, Store pool, SignatureVerifyOptions options);
    SignatureVerifier(const SignatureVerifier&) = delete;
    SignatureVerifier& operator=(const SignatureVerifier&) = delete;
    SignatureVerifier(SignatureVerifier&&) noexcept;
    SignatureVerifier& operator=(SignatureVerifier&&) noexcept;
    ~SignatureVerifier();

    /**
     * Verifies one message (LF, CRLF or mixed line ends): multipart/signed with
     * application/pkcs7-signature, or application/pkcs7-mime signed-data (the x- media types
     * and application/octet-stream named *.p7s / *.p7m too), DER or BER, any number of signers.
     * The detached content is checked in canonical form (CRLF), byte for byte as received
     * otherwise. Each signer's signature, its chain for S/MIME signing at options.time
     * (verify_chain with Purpose::SmimeSign, the pool extended by the message's certificates)
     * and the From address are checked, and every failure is reported.
     * When `content` is given it receives the signed content: the signed MIME entity (headers
     * and body, canonical CRLF for a detached signature), whatever the verdict; a caller that
     * wants it only for a valid message must hold it back until then.
     * A message that is not signed is a verdict ("not-signed"), not an exception. Throws
     * Malformed for a signed message whose MIME or CMS cannot be read (a signature part that
     * is not base64 of a SignedData, a multipart/signed without two parts or cut before its
     * closing boundary), Unsupported for a PGP/MIME signature or a digest OpenSSL lacks.
     */
    MessageVerification verify(BytesView message, const ByteSink& content = {});

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// ==== end of signing and verifying ===============================================================

// ==== Encryption: RFC 5652 section 6 EnvelopedData, RFC 5083 AuthEnvelopedData (issue 9) =====
//
// Defaults are what every reader in interop.md section 3 decrypts: AES-256-CBC content
// encryption and RSA PKCS#1 v1.5 key transport. Everything else is opt-in, and each result
// names the readers known to fail (pitfall 9).

/// The content-encryption algorithms offered for new messages.
enum class ContentCipher {
    Aes256Cbc,   ///< the default: openssl, gpgsm 2.2 and NSS 3.87 all decrypt it
    Aes128Cbc,   ///< what gpgsm and NSS pick by default
    Aes256Gcm,   ///< AuthEnvelopedData (RFC 5083, RFC 5084); openssl only among the peers
    DesEde3Cbc,  ///< 3DES, for old clients only (64-bit blocks)
};

/// OpenSSL's names, which the CLI takes: "aes-256-cbc", "aes-128-cbc", "aes-256-gcm",
/// "des-ede3-cbc".
std::string_view cipher_name(ContentCipher cipher) noexcept;
/// The cipher spelled as cipher_name spells it (any case), or nullopt.
std::optional<ContentCipher> cipher_from_name(std::string_view name) noexcept;

/**
 * Why `certificate` cannot receive encrypted mail at `time`, one sentence each; empty when it
 * can: the key must be RSA (key transport) or EC (key agreement); a keyUsage extension must
 * allow keyEncipherment (RSA) or keyAgreement (EC) (RFC 8550 section 4.4.2); an
 * extendedKeyUsage extension must allow emailProtection (or anyExtendedKeyUsage); and `time`
 * must be within its validity.
 */
std::vector<std::string> encryption_problems(const Certificate& certificate, TimePoint time);

/// A reader known to fail on a message: measured with the peers of interop.md section 3, or
/// reported (Outlook and AuthEnvelopedData).
struct ClientLimitation {
    std::string client;  ///< "gpgsm 2.2", "NSS 3.87", "Outlook"
    std::string reason;  ///< "no AuthEnvelopedData (AES-GCM)"
    bool operator==(const ClientLimitation&) const = default;
};

struct EncryptOptions {
    ContentCipher cipher = ContentCipher::Aes256Cbc;
    /// RSAES-OAEP (RFC 8017) with SHA-256 and MGF1-SHA-256 (RFC 4055 parameters) instead of
    /// PKCS#1 v1.5 for RSA recipients. openssl reads it; gpgsm 2.2 and NSS 3.87 read no OAEP.
    bool rsa_oaep = false;
};

/**
 * The readers known unable to open an envelope with these recipients and options: OAEP and
 * ECDH (dhSinglePass-stdDH-sha256kdf) recipients, and AES-GCM, are openssl-only among the
 * peers; an EC recipient makes NSS 3.87 fail the whole message, its RSA recipients included.
 */
std::vector<ClientLimitation> envelope_limitations(std::span<const Certificate> recipients,
                                                   const EncryptOptions& options);

struct EncryptResult {
    std::uint64_t content_bytes = 0;  ///< size of the encrypted entity (canonical form)
    std::vector<ClientLimitation> unable_clients;  ///< envelope_limitations of the request
};

/**
 * Encrypts the message read from `source` for `recipients` and writes the encrypted message
 * to `sink` (CRLF line ends): the header fields that are not Content-* stay outside in the
 * clear; the Content-* fields and the body, in canonical form, are encrypted (RFC 8551 section
 * 3.3) into application/pkcs7-mime; smime-type=enveloped-data (authEnveloped-data for
 * AES-GCM); name="smime.p7m". Each recipient is identified by issuer and serial number. RSA
 * recipients get key transport (PKCS#1 v1.5, or OAEP), EC recipients key agreement
 * (dhSinglePass-stdDH-sha256kdf-scheme, AES key wrap of the content key's size, RFC 5753).
 * The CMS is streamed as BER with indefinite lengths, as `openssl cms -stream`, gpgsm and NSS
 * write it: memory stays flat whatever the size of the message.
 * Callers check encryption_problems first; this function refuses only what cannot work.
 * Throws InvalidArgument (no recipient), Unsupported (a recipient key that is neither RSA nor
 * EC), Malformed (as detail::read_message_head: no header block), and whatever `source` and
 * `sink` throw. On a throw, what `sink` received is incomplete: discard it.
 */
EncryptResult encrypt_message(const ByteSource& source, std::span<const Certificate> recipients,
                              const EncryptOptions& options, const ByteSink& sink);

/// encrypt_message over a message in memory, returning the encrypted message.
Bytes encrypt_message(BytesView message, std::span<const Certificate> recipients,
                      const EncryptOptions& options);

/**
 * Signs the message (sign_message with `sign_options`), then encrypts the signed message as
 * encrypt_message does: the order RFC 8551 section 3.7 describes, so that the signature is
 * hidden and the signed entity keeps the outer fields outside. The signed message is held in
 * memory between the two steps. Throws what sign_message and encrypt_message throw.
 */
EncryptResult sign_and_encrypt_message(const ByteSource& source, const SigningIdentity& signer,
                                       const SignOptions& sign_options,
                                       std::span<const Certificate> recipients,
                                       const EncryptOptions& options, const ByteSink& sink);

/// Who decrypts: a private key and the certificate that carries its public half, which names
/// the recipientInfo to use (by issuer and serial number, or subject key identifier).
struct DecryptionIdentity {
    PrivateKey key;
    Certificate certificate;
};

/// The key of a loaded .p12 (or PEM file with key and certificate) and its certificate.
/// Throws NotFound when the file holds no key, or no certificate for its key.
DecryptionIdentity decryption_identity(const LoadedFile& file);

enum class EnvelopeKind {
    Enveloped,      ///< EnvelopedData (RFC 5652 section 6)
    AuthEnveloped,  ///< AuthEnvelopedData (RFC 5083)
};

/// "enveloped-data", "authEnveloped-data": the smime-type values of RFC 8551 section 3.2.2.
std::string_view envelope_kind_name(EnvelopeKind kind) noexcept;

/// One recipient of an envelope as the message names it. A key agreement recipientInfo
/// gives one entry per recipientEncryptedKey.
struct RecipientFacts {
    /// "key-transport" (ktri), "key-agreement" (kari), "kek" (kekri), "password" (pwri),
    /// "other" (ori).
    std::string type;
    std::string issuer;          ///< RFC 4514 issuer name; "" when identified otherwise
    std::string serial;          ///< lower-case hex, with issuer
    std::string subject_key_id;  ///< lower-case hex; "" when identified by issuer and serial
    ObjectId key_algorithm;      ///< rsaEncryption, rsaesOaep, dhSinglePass-stdDH-sha256kdf-scheme
    /// For people: "RSA PKCS#1 v1.5", "RSAES-OAEP (SHA-256, MGF1-SHA-256)",
    /// "ECDH dhSinglePass-stdDH-sha256kdf, key wrap aes256-wrap".
    std::string key_algorithm_text;

    /// "issuer CN=..., serial 1a2b..." or "subject key id a1b2...".
    [[nodiscard]] std::string id_text() const;
    /// True if this entry names `certificate` (issuer and serial, or its subject key id).
    [[nodiscard]] bool names(const Certificate& certificate) const;
};

struct DecryptResult {
    EnvelopeKind kind = EnvelopeKind::Enveloped;
    std::string content_cipher;  ///< "AES-256-CBC", "AES-256-GCM", "3DES-CBC", ...
    RecipientFacts recipient;    ///< the recipient entry that was opened
    std::optional<Certificate> certificate;  ///< the certificate of the identity that opened it
    std::uint64_t content_bytes = 0;         ///< size of the decrypted entity
    /// The media type of the decrypted entity ("multipart/signed", "text/plain").
    std::string content_type;
};

/**
 * Decrypts an application/pkcs7-mime message (enveloped-data or authEnveloped-data; the x-
 * media type and application/octet-stream named *.p7m too; DER or BER) read from `source`, and
 * writes to `sink` the message's outer header fields, "MIME-Version: 1.0" and the decrypted
 * entity as it was encrypted. The first identity whose certificate a recipient entry names is
 * used: RSA PKCS#1 v1.5 or RSAES-OAEP key transport, ECDH key agreement with the SHA-1 or
 * SHA-256 KDF (RFC 5753). The encrypted content is decrypted as a stream and never copied: the
 * message's CMS is held once in memory, not the message text. Throws:
 *  - Malformed    not an encrypted S/MIME message (naming what it is), undecodable CMS, or
 *                 content that does not decrypt (damaged; AES-GCM: fails its authentication);
 *  - KeyMismatch  "no recipient matches" (naming the recipients and our certificates), or a
 *                 key that cannot open its recipient entry;
 *  - Unsupported  an algorithm OpenSSL lacks;
 *  - whatever `source` and `sink` throw.
 * On a throw, what `sink` received must be discarded: content is written as it decrypts, and
 * only the end of the stream proves it intact (padding, or the AES-GCM tag).
 * `size_hint`, the message's size when known (a file's), lets the CMS buffer be allocated once
 * instead of growing, which for a large message halves the peak memory.
 */
DecryptResult decrypt_message(const ByteSource& source,
                              std::span<const DecryptionIdentity> identities, const ByteSink& sink,
                              std::uint64_t size_hint = 0);

struct DecryptedMessage {
    DecryptResult result;
    Bytes message;  ///< outer fields + decrypted entity
};
/// decrypt_message over a message in memory.
DecryptedMessage decrypt_message(BytesView message, std::span<const DecryptionIdentity> identities);

// ---- inspecting, without any key ------------------------------------------------------------

/// One signed attribute (RFC 5652 section 11, RFC 8551 section 2.5).
struct SignedAttribute {
    ObjectId id;        ///< "signingTime", "messageDigest", "1.2.840.113549.1.9.15", ...
    std::string value;  ///< for people: a time, a hex digest, a list of names
};

/// One SignerInfo as the message states it; nothing is verified (that is mail verify's job).
struct SignerFacts {
    std::string signer_id;  ///< "issuer CN=..., serial ..." or "subject key id ..."
    std::optional<Certificate> certificate;  ///< the one among the message's certificates
    ObjectId digest_algorithm;               ///< "SHA256", ...
    ObjectId signature_algorithm;            ///< "rsaEncryption", "RSASSA-PSS", "ecdsa-with-SHA256"
    std::optional<TimePoint> signing_time;
    /// The SMIMECapabilities attribute (RFC 8551 section 2.5.2): the sender's preferences, in
    /// order; nullopt when absent.
    std::optional<std::vector<ObjectId>> smime_capabilities;
    std::vector<SignedAttribute> signed_attributes;  ///< in the order of the message
    std::size_t unsigned_attributes = 0;
};

enum class LayerKind { Signed, Enveloped, AuthEnveloped, Compressed, CertsOnly };
/// "signed", "enveloped", "auth-enveloped", "compressed", "certs-only".
std::string_view layer_kind_name(LayerKind kind) noexcept;

/// One S/MIME layer of a message, outermost first.
struct MessageLayer {
    LayerKind kind = LayerKind::Signed;
    std::string media_type;  ///< as declared, lower case: "multipart/signed", "application/pkcs7-mime"
    std::string smime_type;  ///< the smime-type parameter as written; "" when absent
    std::optional<SignedForm> form;  ///< signed layers only
    std::string micalg;              ///< multipart/signed only
    std::vector<SignerFacts> signers;
    std::vector<Certificate> certificates;  ///< carried by a SignedData
    std::vector<RecipientFacts> recipients;
    std::string content_cipher;          ///< envelopes: "AES-256-CBC"; "" when unknown
    std::uint64_t encrypted_bytes = 0;   ///< envelopes: size of the encrypted content
};

struct MailInspection {
    /// The outer header fields, RFC 2047 words decoded; "" when absent.
    std::string from, to, subject, date;
    std::vector<MessageLayer> layers;
    /// The media type of the innermost entity reached ("text/plain", "multipart/mixed"); ""
    /// when an envelope hides it.
    std::string content_type;
    /// Readers known unable to open the message (from every envelope layer).
    std::vector<ClientLimitation> unable_clients;
    std::vector<std::string> notes;  ///< what was tolerated: x- media types, BER, ...
};

/**
 * The S/MIME structure of a message, read without any key: each layer (multipart/signed,
 * opaque signed-data, enveloped-data, authEnveloped-data, compressed-data, certs-only, and
 * message/rfc822 wrappers looked through), its signers and their signed attributes, its
 * recipients, content cipher and the readers known unable to open it. A plain message has no
 * layers. Throws Malformed when a CMS part cannot be read (MIME that parse_mime tolerates is
 * read with notes).
 */
MailInspection inspect_message(BytesView message);

// ==== end of encryption ==========================================================================

}  // namespace smimekit
