// SPDX-License-Identifier: Apache-2.0
// `smimekit mail sign` answers "sign this test mail the way Outlook, Thunderbird, gpgsm and
// openssl expect": multipart/signed (or opaque) with the signer's chain, from a .p12. Many mails
// in one call sign with the key opened once. The work is sign_message (smime.hpp).
#include "cli/command.hpp"
#include "cli/mail_envelope.hpp"

#include <smimekit/file.hpp>
#include <smimekit/smime.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

namespace smimekit::cli {
namespace {

// Mails up to kMailReadAtOnce are read and signed in memory, on every core; larger ones are
// streamed (flat memory) through MailSource. kWindow mails are held at a time.
constexpr std::size_t kWindow = 64;

class MailSignCommand final : public Command {
public:
    std::string_view name() const override { return "sign"; }
    std::string_view summary() const override {
        return "sign mails with a .p12 (multipart/signed or opaque S/MIME)";
    }
    Help help() const override {
        return {
            "mail sign IN.eml... --signer USER.p12 (-o OUT.eml | --out-dir DIR) [--opaque]\n"
            "       [--digest sha256|sha384|sha512] [--rsa-pss] [--include-root] [--chain FILE]\n"
            "       [--force]",
            "Signs each IN.eml with the key and certificate of --signer (a .p12, or a PEM file with\n"
            "the key and its certificate). By default the result is multipart/signed: the content\n"
            "stays readable in any client and the signature (application/pkcs7-signature) is\n"
            "beside it; --opaque writes application/pkcs7-mime; smime-type=signed-data instead.\n"
            "The Content-* header fields and the body are signed in canonical form (CRLF); From,\n"
            "To, Cc, Subject, Date and the other fields stay outside, as mail clients expect. The\n"
            "signature carries signingTime and SMIMECapabilities (AES) and the signer's CA\n"
            "certificates from the .p12 (the self-signed root only with --include-root), so that\n"
            "receivers can build the chain; --chain adds CA certificates for a .p12 that lacks\n"
            "them. --rsa-pss signs with RSASSA-PSS, salt = hash length (what gpgsm and GnuTLS\n"
            "accept). Mails of any size are streamed.\n"
            "With one IN, -o names the output; with several, --out-dir DIR receives each signed\n"
            "mail under its input's file name. The .p12 password comes from --password-file,\n"
            "--password-env, --password-stdin or a prompt.\n",
            "  0  every mail was signed\n"
            "  2  usage: no --signer, -o with several inputs, an unknown --digest, --rsa-pss with\n"
            "     an EC key\n"
            "  3  IN or --signer is missing or unreadable, IN is not a mail, --signer holds no key\n"
            "  4  wrong or missing password for --signer\n"
            "  5  the key cannot sign CMS\n"
            "  7  an output exists (use --force) or cannot be written\n",
            "  smimekit mail sign hello.eml --signer alice.p12 --password-file pw.txt -o signed.eml\n"
            "  smimekit mail sign hello.eml --signer alice.p12 --opaque --digest sha512 -o opaque.eml\n"
            "  smimekit mail sign mails/*.eml --signer alice.p12 --out-dir signed/\n",
        };
    }

    void declare(OptionSet& options) override {
        // clang-format off
        options.visible.add_options()
            ("signer", po::value(&m_signer)->required()->value_name("FILE"), "the .p12 (or PEM key and certificate) to sign with")
            ("opaque", po::bool_switch(&m_opaque), "application/pkcs7-mime signed-data instead of multipart/signed")
            ("digest", po::value(&m_digest)->value_name("D"), "sha256 (default), sha384 or sha512")
            ("rsa-pss", po::bool_switch(&m_options.rsa_pss), "RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys)")
            ("include-root", po::bool_switch(&m_include_root), "also include the self-signed root of the .p12")
            ("chain", po::value(&m_chain)->value_name("FILE"),
             "CA certificates to include as well (PEM bundle, .p7b, DER), for a .p12 without its chain; repeatable");
        // clang-format on
        m_outputs.declare(options, "signed");
        add_password_options(options, m_password, "password", "the --signer .p12");
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "mails to sign");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_outputs.validate(given, m_inputs);
        if (!m_digest.empty()) {
            const auto digest = digest_from_name(m_digest);
            if (!digest) {
                throw usage::bad_value("digest", m_digest, "use sha256, sha384 or sha512");
            }
            m_options.digest = *digest;
        }
        m_options.form = m_opaque ? SignedForm::Opaque : SignedForm::Detached;
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_outputs.force, false};
        if (!m_outputs.out.empty()) {
            io.check_output(m_outputs.out, write);
        }
        LoadOptions load;
        load.password = io.password_provider(m_password);
        SigningIdentity signer = signing_identity(load_file(m_signer, load), m_include_root);
        for (const std::string& path : m_chain) {
            for (const Certificate& certificate : load_certificates(path)) {
                if (!(certificate == signer.certificate) &&
                    std::find(signer.chain.begin(), signer.chain.end(), certificate) == signer.chain.end()) {
                    signer.chain.push_back(certificate);
                }
            }
        }
        m_options.signing_time = io.now();
        if (!signer.certificate.is_valid_at(m_options.signing_time)) {
            io.warn("the signer's certificate is not valid now (" +
                    describe_validity(signer.certificate.not_before(), signer.certificate.not_after(),
                                      m_options.signing_time) + "): receivers will reject the signature");
        }
        if (const auto usage = signer.certificate.key_usage();
            usage && !usage->digital_signature && !usage->non_repudiation) {
            io.warn("the signer's certificate does not allow signing (its key usage lacks digitalSignature): "
                    "receivers will reject the signature");
        }

        // Small mails are signed on every core: workers read and sign into memory, and this
        // thread writes the results in input order (Io and OutputFile are not thread-safe), so
        // outputs and messages are the same as one at a time. A large mail is streamed here.
        ExitCode result = ExitCode::Ok;
        std::size_t signed_count = 0;
        auto progress = io.progress("signing", m_inputs.size());
        const std::size_t workers =
            m_inputs.size() < 2 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
        std::vector<Prepared> window(std::min(m_inputs.size(), kWindow));
        for (std::size_t first = 0; first < m_inputs.size(); first += kWindow) {
            const std::size_t count = std::min(kWindow, m_inputs.size() - first);
            std::atomic<std::size_t> next{0};
            const auto work = [&] {
                for (std::size_t i = next++; i < count; i = next++) {
                    window[i] = prepare(m_inputs[first + i], signer);
                }
            };
            std::vector<std::thread> threads;
            for (std::size_t w = 1; w < workers; ++w) {
                threads.emplace_back(work);
            }
            work();
            for (std::thread& thread : threads) {
                thread.join();
            }
            for (std::size_t i = 0; i < count; ++i) {
                progress.update(first + i);
                try {
                    write_signed(m_inputs[first + i], std::move(window[i]), signer, write, io);
                    ++signed_count;
                } catch (const Error& error) {
                    progress.finish();
                    result = most_severe(result, io.report(error));
                }
            }
        }
        progress.finish();
        io.info(m_outputs.out.empty() ? "signed " + std::to_string(signed_count) + " of " +
                                    std::to_string(m_inputs.size()) + " mails into " + m_outputs.out_dir
                              : "wrote " + m_outputs.out + " (" + std::string(signed_form_name(m_options.form)) +
                                    ", " + std::string(micalg_name(m_options.digest)) + ")");
        return result;
    }

private:
    /// A mail signed in memory, or the reason it could not be; neither for a mail too large to
    /// hold, which write_signed streams.
    struct Prepared {
        std::optional<Bytes> mail;
        SignResult result;
        std::exception_ptr error;  // rethrown by write_signed, on this thread
    };

    /// Reads and signs a small mail in memory. Thread-safe: it only reads shared state.
    Prepared prepare(const std::string& input, const SigningIdentity& signer) const {
        Prepared prepared;
        try {
            std::error_code error;
            if (std::filesystem::file_size(input, error) > kMailReadAtOnce && !error) {
                return prepared;  // streamed by write_signed
            }
            const Bytes message = read_file(input, kMailReadAtOnce);  // its errors name the input
            Bytes mail;
            try {
                prepared.result = sign_message(memory_source(message), signer, m_options, [&](BytesView piece) {
                    mail.insert(mail.end(), piece.begin(), piece.end());
                });
            } catch (const Error& failure) {
                throw failure.about(input);
            }
            prepared.mail = std::move(mail);
        } catch (...) {
            prepared.error = std::current_exception();  // nothing may escape a worker thread
        }
        return prepared;
    }

    /// Writes what prepare made, or streams a large mail from input to output.
    void write_signed(const std::string& input, Prepared prepared, const SigningIdentity& signer,
                      const WriteOptions& write, const Io& io) const {
        if (prepared.error) {
            std::rethrow_exception(prepared.error);
        }
        const std::string out = m_outputs.path_for(input);
        if (prepared.mail) {
            OutputFile output(out, write);
            output.write(*prepared.mail);
            output.commit();
        } else {
            MailSource source(input);       // its errors name the input
            OutputFile output(out, write);  // its errors name the output
            try {
                prepared.result = sign_message(source.source(), signer, m_options,
                                               [&](BytesView piece) { output.write(piece); });
            } catch (const Error& failure) {
                throw failure.about(input);
            }
            output.commit();
        }
        for (const std::string& note : prepared.result.notes) {
            io.warn(in_quotes(input) + ": " + note);
        }
    }

    std::string m_signer;
    MailOutputs m_outputs;
    bool m_opaque = false;
    std::string m_digest;
    bool m_include_root = false;
    std::vector<std::string> m_chain;
    PasswordSource m_password;
    std::vector<std::string> m_inputs;
    SignOptions m_options;
};

}  // namespace

std::unique_ptr<Command> make_mail_sign_command() {
    return std::make_unique<MailSignCommand>();
}

}  // namespace smimekit::cli
