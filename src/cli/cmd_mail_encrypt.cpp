// SPDX-License-Identifier: Apache-2.0
// `smimekit mail encrypt` answers "encrypt this mail so that my recipients can open it": an
// EnvelopedData every client decrypts by default, the riskier algorithms opt-in with a warning
// naming the clients that fail. The work is encrypt_message (smime.hpp).
#include "cli/command.hpp"
#include "cli/mail_envelope.hpp"

#include <smimekit/smime.hpp>

namespace smimekit::cli {
namespace {

class MailEncryptCommand final : public Command {
public:
    std::string_view name() const override { return "encrypt"; }
    std::string_view summary() const override {
        return "encrypt mails for their recipients (S/MIME enveloped-data)";
    }
    Help help() const override {
        return {
            "mail encrypt IN.eml... --recipient CERT|EMAIL... (-o OUT.eml | --out-dir DIR)\n"
            "       [--self CERT|P12] [--cipher NAME] [--oaep] [--db PATH] [--force]",
            "Encrypts each IN.eml for every --recipient: the Content-* header fields and the body\n"
            "(in canonical CRLF form) become application/pkcs7-mime; smime-type=enveloped-data;\n"
            "From, To, Subject, Date and the other fields stay outside in the clear. A recipient\n"
            "is a certificate file of any format (a .p12 gives its own certificate), or an e-mail\n"
            "address whose current encryption certificate is looked up in the contacts inventory\n"
            "(--db). Each must be fit for encryption now: keyEncipherment (RSA) or keyAgreement\n"
            "(EC), the emailProtection purpose when an extended key usage is present, and valid.\n"
            "--self adds the sender, so that the sent copy stays readable.\n"
            "The default, AES-256-CBC with RSA PKCS#1 v1.5 key transport, is what openssl, gpgsm\n"
            "and NSS (Thunderbird) all decrypt. EC recipients get ECDH key agreement\n"
            "(dhSinglePass-stdDH-sha256kdf); --oaep uses RSAES-OAEP with SHA-256; --cipher\n"
            "aes-256-gcm makes AuthEnvelopedData. Each of these is read by openssl but not by\n"
            "gpgsm 2.2 or NSS 3.87 (and AES-GCM is reported unreadable in Outlook): a warning\n"
            "names the clients that fail. Mails of any size are streamed.\n",
            "  0  every mail was encrypted\n"
            "  1  a recipient's certificate is not fit for encryption (nothing is written)\n"
            "  2  usage: no --recipient, -o with several inputs, an unknown --cipher\n"
            "  3  IN or a recipient file is missing or unreadable, IN is not a mail, or an "
            "address\n"
            "     has no contact with a current encryption certificate\n"
            "  4  wrong or missing password for a .p12 given as --self or --recipient\n"
            "  5  a recipient key that is neither RSA nor EC\n"
            "  6  an address was given but there is no inventory\n"
            "  7  an output exists (use --force) or cannot be written\n",
            "  smimekit mail encrypt hello.eml --recipient bob.pem --self alice.pem -o enc.eml\n"
            "  smimekit mail encrypt hello.eml -r bob@example.org -r carol@example.org -o enc.eml\n"
            "  smimekit mail encrypt mails/*.eml -r bob.pem --cipher aes-128-cbc --out-dir enc/\n",
        };
    }

    void declare(OptionSet& options) override {
        m_recipients.declare(options);
        m_outputs.declare(options, "encrypted");
        add_password_options(options, m_password, "password", "a .p12 given as --self or -r");
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "mails");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_outputs.validate(given, m_inputs);
        m_recipients.validate();
    }

    ExitCode run(Io& io) override {
        std::vector<Error> unfit;
        const std::vector<Certificate> recipients =
            m_recipients.load(io, io.password_provider(m_password), unfit);
        if (!unfit.empty()) {
            for (const Error& error : unfit) {
                io.report(error);
            }
            return ExitCode::Negative;
        }
        m_recipients.warn_limitations(io, recipients);
        std::size_t done = 0;
        const ExitCode result = for_each_mail(
            io, m_inputs, m_outputs, "encrypting", done,
            [&](const std::string&, MailSource& mail, const ByteSink& sink) {
                encrypt_message(mail.source(), recipients, m_recipients.encrypt, sink);
                return true;
            });
        const std::string summary = envelope_summary(m_recipients.encrypt, recipients.size());
        if (!m_outputs.out_dir.empty()) {
            io.info("encrypted " + std::to_string(done) + " of " + std::to_string(m_inputs.size()) +
                    " mails into " + m_outputs.out_dir + " (" + summary + ")");
        } else if (done == 1) {
            io.info("wrote " + m_outputs.out + " (" + summary + ")");
        }
        return result;
    }

private:
    RecipientOptions m_recipients;
    MailOutputs m_outputs;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_mail_encrypt_command() {
    return std::make_unique<MailEncryptCommand>();
}

}  // namespace smimekit::cli
