// SPDX-License-Identifier: Apache-2.0
// `smimekit mail decrypt` answers "open this encrypted mail with my key" and, with --verify,
// "and is the signature inside it good?". The work is decrypt_message and SignatureVerifier
// (smime.hpp).
#include "cli/command.hpp"
#include "cli/mail_envelope.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/smime.hpp>

namespace smimekit::cli {
namespace {

void print_verification(std::ostream& out, const std::string& path,
                        const MessageVerification& verification) {
    out << path << ": signature " << (verification.valid() ? "valid" : "NOT VALID") << '\n';
    for (const SignatureProblem& problem : verification.problems) {
        print_field(out, "  ", "problem", problem.code + ": " + problem.message);
    }
    for (const SignerVerification& signer : verification.signers) {
        print_field(out, "  ", "signer",
                    signer.certificate ? signer.certificate->subject() : signer.signer_id);
        if (signer.signing_time) {
            print_field(out, "  ", "signed at", format_rfc3339(*signer.signing_time));
        }
        for (const SignatureProblem& problem : signer.problems) {
            print_field(out, "  ", "problem", problem.code + ": " + problem.message);
        }
    }
}

class MailDecryptCommand final : public Command {
public:
    std::string_view name() const override { return "decrypt"; }
    std::string_view summary() const override {
        return "decrypt S/MIME mails with a .p12 (and verify the signature inside)";
    }
    Help help() const override {
        return {
            "mail decrypt IN.eml... --key USER.p12 [--key ...] (-o OUT.eml | --out-dir DIR)\n"
            "       [--verify (--trust PATH | --system-roots) [--pool PATH]] [--force]",
            "Decrypts each IN.eml (application/pkcs7-mime enveloped-data or authEnveloped-data,\n"
            "DER or BER, from any client) with the key of --key: a .p12, or a PEM file with the\n"
            "key and its certificate. The certificate names the recipient entry to open (issuer\n"
            "and serial number, or subject key identifier); with several --key, the first one the\n"
            "mail is for is used. RSA PKCS#1 v1.5 and RSAES-OAEP key transport, ECDH key "
            "agreement\n"
            "with the SHA-1 or SHA-256 KDF, AES-CBC, AES-GCM and 3DES are read. The output is the\n"
            "mail's outer header fields followed by the decrypted entity. Nothing is written for "
            "a\n"
            "mail that does not decrypt: wrong key, damaged, or (AES-GCM) altered.\n"
            "--verify also verifies the signed mail inside, as 'mail verify' does (--trust,\n"
            "--system-roots, --pool); the output is written only when the signature is valid.\n"
            "The .p12 password comes from --password-file, --password-env, --password-stdin or a\n"
            "prompt. The encrypted content is decrypted as a stream, never copied in memory.\n",
            "  0  every mail was decrypted (and, with --verify, its signature is valid)\n"
            "  1  --verify: a decrypted mail is not signed or its signature does not verify\n"
            "  2  usage: no --key, -o with several inputs, --trust without --verify\n"
            "  3  IN or --key is missing or unreadable, IN is not an encrypted mail or is "
            "damaged,\n"
            "     --key holds no key or no certificate for it\n"
            "  4  wrong or missing password, or no recipient of the mail matches --key\n"
            "  5  an algorithm this build cannot decrypt\n"
            "  7  an output exists (use --force) or cannot be written\n",
            "  smimekit mail decrypt enc.eml --key bob.p12 --password-file pw.txt -o plain.eml\n"
            "  smimekit mail decrypt enc.eml --key bob.p12 --verify --trust root.pem -o plain.eml\n"
            "  smimekit mail decrypt inbox/*.eml --key bob.p12 --key bob-old.p12 --out-dir "
            "plain/\n",
        };
    }

    void declare(OptionSet& options) override {
        // clang-format off
        options.visible.add_options()
            ("key", po::value(&m_keys)->required()->value_name("P12"),
             "the .p12 (or PEM key and certificate) to decrypt with; repeatable")
            ("verify", po::bool_switch(&m_verify), "verify the signature of the decrypted mail");
        // clang-format on
        m_trust.declare(options);
        m_outputs.declare(options, "decrypted");
        add_password_options(options, m_password, "password", "the --key .p12");
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "mails");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_outputs.validate(given, m_inputs);
        if (m_verify) {
            m_trust.validate();
        } else if (!m_trust.trust.empty() || !m_trust.pool.empty() || m_trust.system_roots) {
            throw UsageError("--trust, --pool and --system-roots need --verify");
        }
    }

    ExitCode run(Io& io) override {
        LoadOptions load;
        load.password = io.password_provider(m_password);
        std::vector<DecryptionIdentity> identities;
        for (const std::string& key : m_keys) {
            identities.push_back(decryption_identity(load_file(key, load)));
        }
        std::optional<SignatureVerifier> verifier;
        if (m_verify) {
            LoadOptions certificates_only;
            certificates_only.keys = false;
            SignatureVerifyOptions options;
            options.time = io.now();
            verifier.emplace(m_trust.load_anchors(io), m_trust.load_pool(io, certificates_only),
                             options);
        }
        std::size_t done = 0;
        const ExitCode result =
            for_each_mail(io, m_inputs, m_outputs, "decrypting", done,
                          [&](const std::string& input, MailSource& mail, const ByteSink& sink) {
                              if (!verifier) {
                                  decrypt_message(mail.source(), identities, sink, mail.size());
                                  return true;
                              }
                              // The signature is checked before anything is written: the whole
                              // decrypted mail is held in memory for it.
                              Bytes decrypted;
                              decrypt_message(
                                  mail.source(), identities,
                                  [&](BytesView piece) {
                                      decrypted.insert(decrypted.end(), piece.begin(), piece.end());
                                  },
                                  mail.size());
                              const MessageVerification verification = verifier->verify(decrypted);
                              print_verification(io.out(), input, verification);
                              if (verification.valid()) {
                                  sink(decrypted);
                              }
                              return verification.valid();
                          });
        if (!m_outputs.out_dir.empty()) {
            io.info("decrypted " + std::to_string(done) + " of " + std::to_string(m_inputs.size()) +
                    " mails into " + m_outputs.out_dir);
        } else if (done == 1) {
            io.info("wrote " + m_outputs.out);
        }
        return result;
    }

private:
    std::vector<std::string> m_keys;
    bool m_verify = false;
    TrustOptions m_trust;
    MailOutputs m_outputs;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_mail_decrypt_command() {
    return std::make_unique<MailDecryptCommand>();
}

}  // namespace smimekit::cli
