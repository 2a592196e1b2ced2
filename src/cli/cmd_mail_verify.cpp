// SPDX-License-Identifier: Apache-2.0
// `smimekit mail verify` answers "is this signed mail genuine, from whom, and if not, why?": the
// signature over the exact bytes, the signer's chain for S/MIME signing, and the From address,
// for many mails in one call. The work is SignatureVerifier (smime.hpp).
#include "cli/command.hpp"
#include "cli/each_input.hpp"
#include "cli/render.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/file.hpp>
#include <smimekit/smime.hpp>

namespace smimekit::cli {
namespace {

constexpr std::uint64_t kMaxMailSize = 512ULL * 1024 * 1024;

std::string verdict_text(const MessageVerification& verification) {
    if (!verification.form) {
        return "NOT SIGNED";
    }
    return std::string(verification.valid() ? "signature valid" : "signature NOT VALID") + " (" +
           std::string(signed_form_name(*verification.form)) + ", " +
           count_text(verification.signers.size(), "signer", "signers") + ")";
}

void print_signer(std::ostream& out, const SignerVerification& signer) {
    if (signer.certificate) {
        const Certificate& certificate = *signer.certificate;
        std::string who = certificate.subject();
        const auto emails = certificate.email_addresses();
        if (!emails.empty()) {
            who += " <" + emails.front() + ">";
        }
        print_field(out, "  ", "signer", who);
        print_field(out, "  ", "issuer", certificate.issuer());
    } else {
        print_field(out, "  ", "signer", signer.signer_id + " (certificate not found)");
    }
    print_field(out, "  ", "signed at",
                signer.signing_time ? format_rfc3339(*signer.signing_time) : "(no signing time)");
    std::string algorithms = signer.signature_algorithm;
    if (signer.certificate) {
        algorithms = key_text(signer.certificate->public_key()) +
                     (signer.signature_algorithm == "RSA-PSS" ? " (PSS)" : "");
    }
    print_field(out, "  ", "algorithm", algorithms + " with " + signer.digest_algorithm);
    if (signer.chain) {
        const ChainResult& chain = *signer.chain;
        std::string text(chain_status_name(chain.status));
        if (chain.valid()) {
            text += " (" + count_text(chain.chain.size(), "certificate", "certificates") +
                    ", anchor " + chain.chain.back().subject() + ")";
        }
        print_field(out, "  ", "chain", text);
    }
    for (const SignatureProblem& problem : signer.problems) {
        print_field(out, "  ", "problem", problem.code + ": " + problem.message);
    }
}

Json verification_json(const MessageVerification& verification, TimePoint time) {
    VerifyOptions chain_options;
    chain_options.time = time;
    chain_options.purpose = Purpose::SmimeSign;
    const auto problems_json = [](const std::vector<SignatureProblem>& problems) {
        Json list = Json::array();
        for (const SignatureProblem& problem : problems) {
            list.push_back(Json{{"code", problem.code}, {"message", problem.message}});
        }
        return list;
    };
    Json signers = Json::array();
    for (const SignerVerification& signer : verification.signers) {
        signers.push_back(
            JsonObject(11)
                .add("valid", signer.valid())
                .add("signer_id", signer.signer_id)
                .add("certificate", signer.certificate ? certificate_json(*signer.certificate, time) : Json())
                .add("signing_time", signer.signing_time ? json_time(*signer.signing_time) : Json())
                .add("digest_algorithm", signer.digest_algorithm)
                .add("signature_algorithm", signer.signature_algorithm)
                .add("signature_valid", signer.signature_valid)
                .add("address_matches", signer.address_matches)
                .add("chain", signer.chain ? chain_result_json(*signer.chain, chain_options) : Json())
                .add("problems", problems_json(signer.problems))
                .done());
    }
    return JsonObject(9)
        .add("valid", verification.valid())
        .add("form", verification.form ? Json(signed_form_name(*verification.form)) : Json())
        .add("time", json_time(time))
        .add("from", verification.from)
        .add("micalg", verification.micalg.empty() ? Json() : Json(verification.micalg))
        .add("signers", std::move(signers))
        .add("problems", problems_json(verification.problems))
        .add("notes", verification.notes)
        .add("content_bytes", verification.content_bytes)
        .done();
}

class MailVerifyCommand final : public Command {
public:
    std::string_view name() const override { return "verify"; }
    std::string_view summary() const override {
        return "verify signed mails: signature, signer's chain and From address";
    }
    Help help() const override {
        return {
            "mail verify IN.eml... (--trust PATH | --system-roots) [--pool PATH] [--at TIME]\n"
            "       [-o CONTENT] [--force] [--json]",
            "Verifies each signed mail: multipart/signed and opaque application/pkcs7-mime, the\n"
            "x- media types too, DER or BER signatures (gpgsm, NSS), any number of signers, files\n"
            "with LF, CRLF or mixed line ends (the signed part is checked in canonical CRLF form,\n"
            "byte for byte as received otherwise). For each signer: the signature and the content\n"
            "digest; the certificate's chain for S/MIME signing at --at (default now), built from\n"
            "the certificates in the mail and --pool to a --trust anchor (see chain verify); and\n"
            "that the certificate carries the From (or Sender) address (RFC 8550 section 3).\n"
            "Prints the signer, signing time, algorithms and every reason for a failure; --json\n"
            "prints one result per mail (docs/json.md). A mail that is not signed is a \"no\".\n"
            "-o CONTENT (one IN only) writes the signed content (the signed MIME entity) when the\n"
            "mail verifies, and nothing otherwise. The chain of a signer seen before is not\n"
            "validated again: a batch of mails from one sender is fast.\n",
            "  0  every mail verifies\n"
            "  1  a mail does not verify, is not signed, or its signer is not trusted\n"
            "  2  usage: no --trust or --system-roots, -o with several inputs\n"
            "  3  an IN or a --trust file is missing or unreadable, or a signed mail is damaged\n"
            "     (the signature part is not CMS)\n"
            "  5  a PGP/MIME signature, or a digest algorithm this build cannot compute\n"
            "  7  CONTENT exists (use --force) or cannot be written\n",
            "  smimekit mail verify signed.eml --trust root.pem\n"
            "  smimekit mail verify inbox/*.eml --trust roots/ --pool intermediates/ --json\n"
            "  smimekit mail verify signed.eml --system-roots --at 2030-01-01 -o content.eml\n",
        };
    }

    void declare(OptionSet& options) override {
        m_trust.declare(options);
        // clang-format off
        options.visible.add_options()
            ("at", po::value(&m_at)->value_name("TIME"),
             "validate the signer's chain at this time: RFC 3339, a date, or Unix seconds")
            ("out,o", po::value(&m_out)->value_name("CONTENT"), "write the signed content here if the mail verifies");
        // clang-format on
        add_force_option(options, m_force);
        add_json_option(options, m_json);
        options.hidden.add_options()("input", po::value(&m_inputs)->required(), "signed mails");
        options.positional.add("input", -1);
    }

    void validate(const po::variables_map& given) override {
        static_cast<void>(given);
        m_trust.validate();
        if (!m_out.empty() && m_inputs.size() > 1) {
            throw UsageError("-o takes one input; " + std::to_string(m_inputs.size()) + " were given");
        }
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        if (!m_out.empty()) {
            io.check_output(m_out, write);
        }
        SignatureVerifyOptions options;
        options.time = m_at.empty() ? io.now() : parse_time_option("at", m_at);
        LoadOptions load;
        load.keys = false;
        SignatureVerifier verifier(m_trust.load_anchors(io), m_trust.load_pool(io, load), options);

        std::optional<JsonListPrinter> json;
        if (m_json) {
            json.emplace(io.out(), json_document("mail verify"), "results");
        }
        auto progress = io.progress("verifying", m_inputs.size());
        const auto verify_one = [&](const std::string& path) {
            const Bytes message = read_file(path, kMaxMailSize);
            std::optional<OutputFile> content;
            if (!m_out.empty()) {
                content.emplace(m_out, write);  // removed again unless committed
            }
            MessageVerification verification;
            try {
                verification = verifier.verify(message, content ? ByteSink([&](BytesView piece) {
                    content->write(piece);
                }) : ByteSink());
            } catch (const Error& error) {
                throw error.about(path);
            }
            if (verification.valid() && content) {
                content->commit();
            }
            if (json) {
                Json entry{{"file", path}};
                entry.update(verification_json(verification, options.time));
                entry["content_file"] = content && verification.valid() ? Json(m_out) : Json();
                json->add(entry);
            } else {
                progress.finish();
                print(io.out(), path, verification);
            }
            return verification.valid() ? ExitCode::Ok : ExitCode::Negative;
        };
        return for_each_input(io, m_inputs, json ? &*json : nullptr, verify_one, &progress);
    }

private:
    static void print(std::ostream& out, const std::string& path, const MessageVerification& verification) {
        out << path << ": " << verdict_text(verification) << '\n';
        for (const SignatureProblem& problem : verification.problems) {
            print_field(out, "  ", "problem", problem.code + ": " + problem.message);
        }
        for (const SignerVerification& signer : verification.signers) {
            print_signer(out, signer);
        }
        if (!verification.from.empty()) {
            const bool matches = std::any_of(verification.signers.begin(), verification.signers.end(),
                                             [](const SignerVerification& s) { return s.address_matches; });
            print_field(out, "  ", "from", verification.from.front() +
                                               (matches ? " (in the signer's certificate)" : " (not in a signer's certificate)"));
        }
        for (const std::string& note : verification.notes) {
            print_field(out, "  ", "note", note);
        }
    }

    TrustOptions m_trust;
    std::string m_at;
    std::string m_out;
    bool m_force = false;
    bool m_json = false;
    std::vector<std::string> m_inputs;
};

}  // namespace

std::unique_ptr<Command> make_mail_verify_command() {
    return std::make_unique<MailVerifyCommand>();
}

}  // namespace smimekit::cli
