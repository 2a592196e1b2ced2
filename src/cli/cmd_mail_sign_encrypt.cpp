// SPDX-License-Identifier: Apache-2.0
// `smimekit mail sign-encrypt` answers "send this signed and encrypted", the common case in one
// step: signed as `mail sign` does, then encrypted as `mail encrypt` does (RFC 8551 section 3.7:
// the signature is inside the envelope). The work is sign_and_encrypt_message (smime.hpp).
#include "cli/command.hpp"
#include "cli/mail_envelope.hpp"

#include <smimekit/smime.hpp>

namespace smimekit::cli {
namespace {

class MailSignEncryptCommand final : public Command {
public:
    std::string_view name() const override { return "sign-encrypt"; }
    std::string_view summary() const override {
        return "sign mails with a .p12, then encrypt them for their recipients";
    }
    Help help() const override {
        return {
            "mail sign-encrypt IN.eml... --signer USER.p12 --recipient CERT|EMAIL...\n"
            "       (-o OUT.eml | --out-dir DIR) [--self CERT|P12] [--cipher NAME] [--oaep]\n"
            "       [--digest sha256|sha384|sha512] [--rsa-pss] [--include-root] [--db PATH]",
            "Signs each IN.eml as 'mail sign' does (multipart/signed with signingTime,\n"
            "SMIMECapabilities and the signer's CA certificates), then encrypts the signed mail "
            "as\n"
            "'mail encrypt' does: the receiver decrypts, then verifies. From, To, Subject, Date "
            "and\n"
            "the other outer fields stay outside both layers. See 'mail encrypt --help' for\n"
            "--recipient, --self, --cipher and --oaep, and which clients can read what. The\n"
            "password options serve the --signer .p12 (and a .p12 given as --self).\n",
            "  0  every mail was signed and encrypted\n"
            "  1  a recipient's certificate is not fit for encryption (nothing is written)\n"
            "  2  usage: no --signer or --recipient, -o with several inputs, an unknown --cipher\n"
            "     or --digest, --rsa-pss with an EC key\n"
            "  3  IN, --signer or a recipient is missing or unreadable, --signer holds no key, or\n"
            "     an address has no contact with a current encryption certificate\n"
            "  4  wrong or missing password\n"
            "  5  a key that cannot sign CMS, or a recipient key that is neither RSA nor EC\n"
            "  6  an address was given but there is no inventory\n"
            "  7  an output exists (use --force) or cannot be written\n",
            "  smimekit mail sign-encrypt hello.eml --signer alice.p12 --password-file pw.txt \\\n"
            "      --recipient bob.pem --self alice.p12 -o out.eml\n"
            "  smimekit mail sign-encrypt mails/*.eml --signer alice.p12 -r bob@example.org \\\n"
            "      --out-dir outbox/\n",
        };
    }

    void declare(OptionSet& options) override {
        // clang-format off
        options.visible.add_options()
            ("signer", po::value(&m_signer)->required()->value_name("P12"),
             "the .p12 (or PEM key and certificate) to sign with")
            ("digest", po::value(&m_digest)->value_name("D"), "sha256 (default), sha384 or sha512")
            ("rsa-pss", po::bool_switch(&m_sign.rsa_pss), "sign with RSASSA-PSS (RSA keys)")
            ("include-root", po::bool_switch(&m_include_root),
             "also include the self-signed root of the .p12 in the signature");
        // clang-format on
        m_recipients.declare(options);
        m_outputs.declare(options, "signed and encrypted");
        add_password_options(options, m_password, "password", "the --signer .p12");
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "mails");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_outputs.validate(given, m_inputs);
        m_recipients.validate();
        if (!m_digest.empty()) {
            const auto digest = digest_from_name(m_digest);
            if (!digest) {
                throw usage::bad_value("digest", m_digest, "use sha256, sha384 or sha512");
            }
            m_sign.digest = *digest;
        }
    }

    ExitCode run(Io& io) override {
        const PasswordProvider password = io.password_provider(m_password);
        LoadOptions load;
        load.password = password;
        const SigningIdentity signer = signing_identity(load_file(m_signer, load), m_include_root);
        m_sign.signing_time = io.now();
        if (!signer.certificate.is_valid_at(m_sign.signing_time)) {
            io.warn(
                "the signer's certificate is not valid now: receivers will reject the "
                "signature");
        }
        std::vector<Error> unfit;
        const std::vector<Certificate> recipients = m_recipients.load(io, password, unfit);
        if (!unfit.empty()) {
            for (const Error& error : unfit) {
                io.report(error);
            }
            return ExitCode::Negative;
        }
        m_recipients.warn_limitations(io, recipients);
        std::size_t done = 0;
        const ExitCode result =
            for_each_mail(io, m_inputs, m_outputs, "signing and encrypting", done,
                          [&](const std::string&, MailSource& mail, const ByteSink& sink) {
                              sign_and_encrypt_message(mail.source(), signer, m_sign, recipients,
                                                       m_recipients.encrypt, sink);
                              return true;
                          });
        const std::string summary = "signed " + std::string(micalg_name(m_sign.digest)) + ", " +
                                    envelope_summary(m_recipients.encrypt, recipients.size());
        if (!m_outputs.out_dir.empty()) {
            io.info("signed and encrypted " + std::to_string(done) + " of " +
                    std::to_string(m_inputs.size()) + " mails into " + m_outputs.out_dir + " (" +
                    summary + ")");
        } else if (done == 1) {
            io.info("wrote " + m_outputs.out + " (" + summary + ")");
        }
        return result;
    }

private:
    std::string m_signer;
    std::string m_digest;
    bool m_include_root = false;
    SignOptions m_sign;
    RecipientOptions m_recipients;
    MailOutputs m_outputs;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_mail_sign_encrypt_command() {
    return std::make_unique<MailSignEncryptCommand>();
}

}  // namespace smimekit::cli
