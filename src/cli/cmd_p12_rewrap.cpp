// SPDX-License-Identifier: Apache-2.0
// `smimekit p12 rewrap IN.p12 -o OUT.p12 --profile P` answers "this .p12 does not import
// there; give me one that does": the same key, certificates, chain order and friendly name in
// another protection (say a modern AES export for Windows Server 2016 or gpgsm, which need 3DES),
// under a new password. Nothing but the encrypted OUT.p12 is written.
#include "cli/command.hpp"
#include "cli/p12_output.hpp"

#include <smimekit/file.hpp>

namespace smimekit::cli {
namespace {

class P12RewrapCommand final : public Command {
public:
    std::string_view name() const override { return "rewrap"; }
    std::string_view summary() const override {
        return "write a .p12 again in another profile and with a new password";
    }
    Help help() const override {
        return {
            "p12 rewrap IN.p12 -o OUT.p12 [--profile modern|compat|legacy] [--name TEXT]\n"
            "             [--force] [password options]",
            "Opens IN.p12 (any flavour smimekit reads, RC2-40 included) and writes its key, the\n"
            "key's certificate and the other certificates, in their order, as OUT.p12 in the\n"
            "given profile (see 'smimekit p12 create --help'; default modern) under a new\n"
            "password. The friendly name is kept (the first one IN.p12 has) unless --name is\n"
            "given. A file without a key is re-wrapped too: its certificates only.\n"
            "The password of IN.p12 comes from --password-file/-env/-stdin (a file without a\n"
            "password opens without one), the new password from --out-password-file/-env/-stdin\n"
            "or a prompt that asks twice; an empty new password is refused. OUT.p12 is created\n"
            "with mode 0600 whatever the umask, and the key is never written in clear.\n",
            "  0  written\n"
            "  2  usage: bad --profile, both passwords from standard input, empty new password\n"
            "  3  IN.p12 is missing, unreadable or not a .p12\n"
            "  4  wrong or missing password for IN.p12, or the two new passwords differ\n"
            "  5  IN.p12 uses an unsupported protection (PBMAC1 needs OpenSSL 3.4)\n"
            "  7  OUT.p12 exists (use --force) or cannot be written\n",
            "  smimekit p12 rewrap alice.p12 -o alice-compat.p12 --profile compat  # gpgsm 2.2\n"
            "  smimekit p12 rewrap old.pfx -o new.p12 --password-file old-pw.txt \\\n"
            "      --out-password-file new-pw.txt                     # modern AES-256\n",
        };
    }

    void declare(OptionSet& options) override {
        m_output.declare(options);
        add_password_options(options, m_password, "password", "IN.p12");
        options.hidden.add_options()("input", po::value(&m_input)->required(), "the .p12 to read");
        options.positional.add("input", 1);
    }

    void validate(const po::variables_map& given) override {
        validate_password_source(m_password);
        m_output.validate(given, m_password);
    }

    ExitCode run(Io& io) override {
        m_output.check(io);
        Pkcs12Contents contents = read(io);
        if (!contents.key) {
            io.warn(in_quotes(m_input) +
                    " holds no private key: only its certificates are written");
        } else if (!contents.key_certificate) {
            io.warn(in_quotes(m_input) +
                    " does not hold the key's certificate: Windows and NSS cannot import the "
                    "key alone");
        }
        const std::vector<std::string>& names = contents.info.friendly_names;
        Pkcs12WriteRequest request;
        request.key = std::move(contents.key);
        request.certificate = std::move(contents.key_certificate);
        request.chain = std::move(contents.chain);
        request.friendly_name = m_output.friendly_name(names.empty() ? "" : names.front());
        m_output.write(io, std::move(request));
        return ExitCode::Ok;
    }

private:
    Pkcs12Contents read(const Io& io) const {
        const WipedBytes input(read_file(m_input));  // an unencrypted keyBag is a clear key
        return read_pkcs12(input.bytes, m_input, io.password_provider(m_password));
    }

    std::string m_input;
    PasswordSource m_password;
    P12Output m_output;
};

}  // namespace

std::unique_ptr<Command> make_p12_rewrap_command() {
    return std::make_unique<P12RewrapCommand>();
}

}  // namespace smimekit::cli
