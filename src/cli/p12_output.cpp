// SPDX-License-Identifier: Apache-2.0
// The new .p12 of `p12 create` and `p12 rewrap`: its options, its password and its writing.
// The key exists in clear only in memory; the one file written is the encrypted .p12, created
// mode 0600 whatever the umask (OutputFile, private_file).
#include "cli/p12_output.hpp"
#include "cli/render.hpp"

namespace smimekit::cli {
namespace {

std::string contents_text(const Pkcs12WriteRequest& request) {
    const std::size_t certificates = (request.certificate ? 1 : 0) + request.chain.size();
    std::string text = request.key ? "a private key and " : "no private key, ";
    text += count_text(certificates, "certificate", "certificates");
    text += request.friendly_name.empty() ? ", no friendly name"
                                          : ", friendly name " + in_quotes(request.friendly_name);
    return text;
}

}  // namespace

Secret P12Output::new_password(const Io& io) const {
    return io.read_password(m_password, "the new .p12", /*confirm=*/true);
}

void P12Output::declare(OptionSet& options) {
    options.visible.add_options()
        ("out,o", po::value(&m_out)->required()->value_name("FILE"), "the .p12 file to write")
        ("profile", po::value(&m_profile_name)->value_name("PROFILE")->default_value("modern"),
         "modern (AES-256, SHA-256 MAC), compat (3DES, SHA-1 MAC) or legacy (RC2-40 "
         "certificates, 3DES key)")
        ("name", po::value(&m_name)->value_name("TEXT"),
         "the friendly name Windows shows ('' for none)");
    add_force_option(options, m_force);
    add_password_options(options, m_password, "out-password", "the new .p12");
}

void P12Output::validate(const po::variables_map& given, const PasswordSource& input) {
    const std::optional<Pkcs12Profile> profile = profile_from_name(m_profile_name);
    if (!profile) {
        throw usage::bad_value("profile", m_profile_name, "use modern, compat or legacy");
    }
    m_profile = *profile;
    m_name_given = given.count("name") > 0;
    validate_password_source(m_password, "out-password");
    if (input.from_stdin && m_password.from_stdin) {
        throw usage::conflicting_options("password-stdin", "out-password-stdin");
    }
}

void P12Output::check(const Io& io) const {
    io.check_output(m_out, {m_force, true});
}

void P12Output::write(const Io& io, Pkcs12WriteRequest request) const {
    request.profile = m_profile;
    const Secret password = new_password(io);
    const Bytes der = write_pkcs12(request, password);
    // Read back what was just made: it proves the file opens with the password, and the reader
    // names the platforms that can import it, the same prediction `inspect` shows.
    Pkcs12Info info;
    try {
        info = read_pkcs12(der, m_out, [&](std::string_view) {
                   return std::optional<Secret>(password.clone());
               }).info;
    } catch (const Error& error) {
        throw Error(Errc::Internal,
                    "the new .p12 does not open again: " + std::string(error.what()),
                    error.detail());
    }
    io.write_file(m_out, der, {m_force, true});
    io.info("wrote " + m_out + " (" + std::string(profile_name(m_profile)) + "): " +
            contents_text(request));
    io.info("importable: " + info.compatibility);
}

}  // namespace smimekit::cli
