// SPDX-License-Identifier: Apache-2.0
// `smimekit p12 create --cert C --key K -o OUT.p12` answers "make me a .p12 that this platform
// imports": the certificate, its key and its chain in one file, protected the way the reader
// needs (modern AES for current Windows and macOS, 3DES for older Windows and gpgsm 2.2, RC2-40
// for the oldest). The key is read and encrypted in memory; the .p12 is the only file written.
#include "cli/command.hpp"
#include "cli/p12_output.hpp"

#include <smimekit/file.hpp>
#include <smimekit/load.hpp>

#include <algorithm>

namespace smimekit::cli {
namespace {

/// Reads `path`, refusing a .p12 before its password is asked for: a .p12 is re-wrapped by
/// `p12 rewrap`, which keeps its chain and friendly name.
LoadedFile load_not_p12(const std::string& path, const LoadOptions& options) {
    const WipedBytes input{read_file(path)};
    if (detect_format(input.bytes) == FileFormat::Pkcs12) {
        throw Error(Errc::Malformed, in_quotes(path) + ": this is a .p12 file", {},
                    "to write a .p12 in another profile or with another password, use "
                    "'smimekit p12 rewrap " + path + " -o OUT.p12 --profile ...'");
    }
    return load_bytes(input.bytes, path, options);
}

/// RFC 5280 section 4.2.1.1: when the issuer has a subjectKeyIdentifier and the subject an
/// authorityKeyIdentifier, they match; a CA that only shares the issuer's name is not it.
bool issued(const Certificate& ca, const Certificate& subject) {
    if (ca.subject_der() != subject.issuer_der()) {
        return false;
    }
    const std::optional<Bytes> aki = subject.authority_key_id();
    const std::optional<Bytes> ski = ca.subject_key_id();
    return !aki || !ski || *aki == *ski;
}

class P12CreateCommand final : public Command {
public:
    std::string_view name() const override { return "create"; }
    std::string_view summary() const override {
        return "write a certificate, its key and its chain as a .p12";
    }
    Help help() const override {
        return {
            "p12 create --cert CERT --key KEY [--chain FILE|DIR]... -o OUT.p12\n"
            "             [--profile modern|compat|legacy] [--name TEXT] [--force]\n"
            "             [password options]",
            "Writes CERT (exactly one certificate, any format), its private key KEY (PEM or DER,\n"
            "PKCS#8 or traditional, encrypted or not) and the certificates of each --chain file\n"
            "or directory (duplicates and CERT itself dropped, CERT's issuer first) as a .p12.\n"
            "The key and its certificate share a localKeyID, by which Windows pairs them, and the\n"
            "friendly name (--name; default: the certificate's common name).\n"
            "Profiles (iterations 2048 each):\n"
            "  modern  PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC: Windows 10 1709+ and\n"
            "          Server 2019+, macOS 14+, NSS, OpenSSL; not older Windows, not gpgsm 2.2\n"
            "  compat  3DES (pbeWithSHAAnd3-KeyTripleDES-CBC), SHA-1 MAC: every Windows, macOS,\n"
            "          gpgsm 2.2 (RSA keys), NSS, OpenSSL\n"
            "  legacy  RC2-40 certificates, 3DES key, SHA-1 MAC: as old Windows exports;\n"
            "          OpenSSL 3 needs -legacy to read it\n"
            "The password for an encrypted KEY comes from --password-file/-env/-stdin, the\n"
            "new password from --out-password-file/-env/-stdin or a prompt that asks twice; an\n"
            "empty new password is refused. The key is never written in clear, not even to a\n"
            "temporary file, and OUT.p12 is created with mode 0600 whatever the umask.\n",
            "  0  written\n"
            "  2  usage: bad --profile, both passwords from standard input, empty new password\n"
            "  3  an input is missing or unreadable, CERT does not hold exactly one certificate,\n"
            "     KEY holds no key, or a .p12 was given (see 'p12 rewrap')\n"
            "  4  wrong or missing password for KEY, the two new passwords differ, or KEY does\n"
            "     not belong to CERT\n"
            "  5  unsupported key type\n"
            "  7  OUT.p12 exists (use --force) or cannot be written\n",
            "  smimekit p12 create --cert alice.pem --key alice.key --chain inter.pem \\\n"
            "      -o alice.p12\n"
            "  smimekit p12 create --cert alice.cer --key alice.key --chain cas/ \\\n"
            "      --profile compat --out-password-file new-pw.txt -o alice-win7.p12  # gpgsm\n",
        };
    }

    void declare(OptionSet& options) override {
        options.visible.add_options()
            ("cert", po::value(&m_cert)->required()->value_name("FILE"),
             "the certificate (DER, PEM, .p7b with one certificate)")
            ("key", po::value(&m_key)->required()->value_name("FILE"), "its private key")
            ("chain", po::value(&m_chain)->value_name("FILE|DIR"),
             "issuer certificates to include (repeatable; any format)");
        m_output.declare(options);
        add_password_options(options, m_password, "password", "the key");
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_output.validate(given, m_password);
    }

    ExitCode run(Io& io) override {
        m_output.check(io);
        LoadOptions options;
        options.password = io.password_provider(m_password);
        options.keys = false;
        const Certificate leaf = load_leaf(options);
        options.keys = true;
        const PrivateKey key = load_key(options);
        if (!key.matches(leaf)) {
            throw Error(Errc::KeyMismatch,
                        in_quotes(m_key) + ": the key does not belong to the certificate in " +
                            in_quotes(m_cert),
                        {}, "give the key whose public half is in the certificate");
        }
        options.keys = false;
        Pkcs12WriteRequest request;
        request.chain = load_chain(io, leaf, options);
        request.key = key;
        request.certificate = leaf;
        request.friendly_name = m_output.friendly_name(leaf.common_name());
        m_output.write(io, std::move(request));
        return ExitCode::Ok;
    }

private:
    Certificate load_leaf(const LoadOptions& options) const {
        const LoadedFile file = load_not_p12(m_cert, options);
        if (file.certificates.size() != 1) {
            throw Error(Errc::Malformed,
                        in_quotes(m_cert) + ": holds " + std::to_string(file.certificates.size()) +
                            " certificates; --cert wants exactly one",
                        {}, "give the issuers with --chain");
        }
        return file.certificates.front();
    }

    PrivateKey load_key(const LoadOptions& options) const {
        const LoadedFile file = load_not_p12(m_key, options);
        if (file.keys.size() != 1) {
            throw Error(Errc::Malformed, in_quotes(m_key) + ": holds " +
                                             std::to_string(file.keys.size()) +
                                             " private keys; --key wants exactly one");
        }
        return file.keys.front();
    }

    /// Every --chain certificate once, without the leaf, the leaf's issuer first and the others
    /// in the order given.
    std::vector<Certificate> load_chain(const Io& io, const Certificate& leaf,
                                        const LoadOptions& options) const {
        std::vector<Certificate> chain;
        for (const std::string& path : m_chain) {
            LoadedTree tree = load_tree(path, options);
            for (const Error& skipped : tree.skipped) {
                io.warn(std::string(skipped.what()) + " (skipped)");
            }
            for (LoadedFile& file : tree.files) {
                for (Certificate& certificate : file.certificates) {
                    if (certificate != leaf &&
                        std::find(chain.begin(), chain.end(), certificate) == chain.end()) {
                        chain.push_back(std::move(certificate));
                    }
                }
            }
        }
        const auto issuer = std::find_if(chain.begin(), chain.end(),
                                         [&](const Certificate& ca) { return issued(ca, leaf); });
        std::rotate(chain.begin(), issuer, issuer == chain.end() ? issuer : std::next(issuer));
        return chain;
    }

    std::string m_cert;
    std::string m_key;
    std::vector<std::string> m_chain;
    PasswordSource m_password;
    P12Output m_output;
};

}  // namespace

std::unique_ptr<Command> make_p12_create_command() {
    return std::make_unique<P12CreateCommand>();
}

}  // namespace smimekit::cli
