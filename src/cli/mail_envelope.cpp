// SPDX-License-Identifier: Apache-2.0
// The envelope commands' shared options and loop (mail_envelope.hpp).
#include "cli/mail_envelope.hpp"

#include "cli/contacts.hpp"
#include "cli/os.hpp"
#include "cli/trust_options.hpp"

#include <smimekit/file.hpp>
#include <smimekit/inventory.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

namespace smimekit::cli {
namespace {

bool looks_like_address(const std::string& text) {
    return text.find('@') != std::string::npos && text.find('/') == std::string::npos;
}

// The current certificate of `email` that serves encryption, newest first.
Certificate contact_certificate(const InventoryDb& db, const std::string& email) {
    const std::optional<Contact> contact = db.find(email);
    if (!contact) {
        throw Error(Errc::NotFound,
                    in_quotes(email) + ": no such file, and no contact with this address in " +
                        in_quotes(db.path()),
                    {}, "add the certificate with 'smimekit contacts add', or name its file");
    }
    for (const ContactCertificate& link : contact->current) {
        if (role_serves(link.certificate.role, CertificateRole::Encryption)) {
            return db.certificate(link.certificate.sha256);
        }
    }
    throw Error(Errc::NotFound,
                in_quotes(email) + ": the contact has no current certificate for encryption", {},
                "import a newer certificate of this contact, or name its file");
}

}  // namespace

MailSource::MailSource(const std::string& path) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error || size <= kMailReadAtOnce) {
        m_bytes = read_file(path, kMailReadAtOnce);  // throws the usual errors, naming the file
        m_size = m_bytes.size();
        return;
    }
    m_size = size;
    m_stream.open(path, std::ios::binary);
    if (!m_stream) {
        throw Error(Errc::Io, in_quotes(path) + ": cannot open for reading");
    }
}

std::size_t MailSource::read(std::span<std::uint8_t> buffer) {
    if (!m_stream.is_open()) {
        const std::size_t n = std::min(buffer.size(), m_bytes.size() - m_offset);
        std::copy_n(m_bytes.begin() + static_cast<std::ptrdiff_t>(m_offset), n, buffer.begin());
        m_offset += n;
        return n;
    }
    m_stream.read(reinterpret_cast<char*>(buffer.data()),
                  static_cast<std::streamsize>(buffer.size()));
    if (m_stream.bad()) {
        throw Error(Errc::Io, "read error");  // for_each_mail names the file
    }
    return static_cast<std::size_t>(m_stream.gcount());
}

void MailOutputs::declare(OptionSet& options, std::string_view what) {
    const std::string one = "the " + std::string(what) + " mail (one input)";
    options.visible.add_options()("out,o", po::value(&out)->value_name("FILE"), one.c_str())(
        "out-dir", po::value(&out_dir)->value_name("DIR"),
        "write each output into DIR under its input's file name");
    add_force_option(options, force);
}

void MailOutputs::validate(const po::variables_map& given,
                           const std::vector<std::string>& inputs) const {
    if (given.count("out") != 0 && given.count("out-dir") != 0) {
        throw usage::conflicting_options("out", "out-dir");
    }
    if (out.empty() && out_dir.empty()) {
        throw usage::need_one_of({"out", "out-dir"});
    }
    if (!out.empty() && inputs.size() > 1) {
        throw UsageError("-o takes one input; use --out-dir DIR for " +
                         std::to_string(inputs.size()) + " inputs");
    }
    std::set<std::string> names;
    for (const std::string& input : inputs) {
        const std::string name = std::filesystem::path(input).filename().string();
        if (!out_dir.empty() && !names.insert(name).second) {
            throw UsageError("two inputs are named " + in_quotes(name) +
                             ": --out-dir would write both to the same file");
        }
    }
}

std::string MailOutputs::path_for(const std::string& input) const {
    return out.empty()
               ? (std::filesystem::path(out_dir) / std::filesystem::path(input).filename()).string()
               : out;
}

ExitCode for_each_mail(Io& io, const std::vector<std::string>& inputs, const MailOutputs& outputs,
                       std::string_view label, std::size_t& done, const MailWork& work) {
    const WriteOptions write{outputs.force, false};
    if (!outputs.out.empty()) {
        io.check_output(outputs.out, write);  // before any expensive work
    }
    ExitCode result = ExitCode::Ok;
    auto progress = io.progress(std::string(label), inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        progress.update(i);
        const std::string& input = inputs[i];
        try {
            MailSource source(input);                           // its errors name the input
            OutputFile output(outputs.path_for(input), write);  // and these the output
            std::optional<Error> output_error;
            bool keep = false;
            try {
                keep = work(input, source, [&](BytesView piece) {
                    try {
                        output.write(piece);
                    } catch (const Error& error) {
                        output_error = error;
                        throw;
                    }
                });
            } catch (const Error& error) {
                throw output_error ? *output_error : error.about(input);
            }
            if (!keep) {
                result = most_severe(result, ExitCode::Negative);
                continue;  // the output file is removed with `output`
            }
            output.commit();
            ++done;
        } catch (const Error& error) {
            progress.finish();
            result = most_severe(result, io.report(error));
        }
    }
    progress.finish();
    return result;
}

void RecipientOptions::declare(OptionSet& options) {
    // clang-format off
    options.visible.add_options()
        ("recipient,r", po::value(&recipients)->required()->value_name("CERT|EMAIL"),
         "encrypt for this certificate file (any format), or for the contact with this address "
         "in the inventory; repeatable")
        ("self", po::value(&self)->value_name("CERT|P12"),
         "also encrypt for the sender, so that the sent copy stays readable")
        ("cipher", po::value(&cipher)->value_name("NAME"),
         "aes-256-cbc (default), aes-128-cbc, aes-256-gcm (AuthEnvelopedData) or des-ede3-cbc")
        ("oaep", po::bool_switch(&oaep), "RSAES-OAEP (SHA-256) instead of RSA PKCS#1 v1.5");
    // clang-format on
    add_db_option(options, db);
}

void RecipientOptions::validate() {
    if (!cipher.empty()) {
        const auto chosen = cipher_from_name(cipher);
        if (!chosen) {
            throw usage::bad_value("cipher", cipher,
                                   "use aes-256-cbc, aes-128-cbc, aes-256-gcm or des-ede3-cbc");
        }
        encrypt.cipher = *chosen;
    }
    encrypt.rsa_oaep = oaep;
}

std::vector<Certificate> RecipientOptions::load(Io& io, const PasswordProvider& password,
                                                std::vector<Error>& unfit) const {
    LoadOptions options;
    options.password = password;
    options.keys = false;
    std::optional<InventoryDb> inventory;  // opened at the first address
    std::vector<Certificate> certificates;
    std::vector<std::string> names;
    const auto add = [&](const std::string& name, const Certificate& certificate) {
        if (std::find(certificates.begin(), certificates.end(), certificate) !=
            certificates.end()) {
            return;  // named twice (a file and an address, say): one recipient entry
        }
        certificates.push_back(certificate);
        names.push_back(name);
    };
    for (const std::string& recipient : recipients) {
        if (!os::path_exists(recipient) && looks_like_address(recipient)) {
            if (!inventory) {
                inventory.emplace(open_inventory(db, OpenMode::Existing));
            }
            add(recipient, contact_certificate(*inventory, recipient));
        } else {
            std::vector<Certificate> companions;
            add(recipient, load_leaf(recipient, options, companions));
        }
    }
    if (!self.empty()) {
        std::vector<Certificate> companions;
        add(self, load_leaf(self, options, companions));
    }
    for (std::size_t i = 0; i < certificates.size(); ++i) {
        const std::vector<std::string> problems = encryption_problems(certificates[i], io.now());
        if (!problems.empty()) {
            std::string reasons;
            for (const std::string& problem : problems) {
                reasons += (reasons.empty() ? "" : "; ") + problem;
            }
            unfit.emplace_back(Errc::InvalidArgument, in_quotes(names[i]) + ": cannot encrypt to " +
                                                          certificates[i].subject() + ": " +
                                                          reasons);
        }
    }
    return certificates;
}

void RecipientOptions::warn_limitations(Io& io, std::span<const Certificate> certificates) const {
    for (const ClientLimitation& limit : envelope_limitations(certificates, encrypt)) {
        io.warn(limit.client + " cannot open the message: " + limit.reason);
    }
    if (encrypt.cipher == ContentCipher::DesEde3Cbc) {
        io.warn("3DES has 64-bit blocks and is weak: use it only for readers that lack AES");
    }
}

std::string envelope_summary(const EncryptOptions& options, std::size_t recipients) {
    std::string cipher(cipher_name(options.cipher));
    std::transform(cipher.begin(), cipher.end(), cipher.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return cipher + (options.rsa_oaep ? ", RSAES-OAEP" : "") + ", " + std::to_string(recipients) +
           (recipients == 1 ? " recipient" : " recipients");
}

}  // namespace smimekit::cli
