// SPDX-License-Identifier: Apache-2.0
// What the envelope commands share (mail encrypt, sign-encrypt, decrypt): mail files read as a
// stream, "-o OUT | --out-dir DIR" for one or many mails, and the recipient options with their
// look-up in files and in the contacts inventory.
#pragma once

#include "cli/command.hpp"

#include <smimekit/mime.hpp>
#include <smimekit/smime.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace smimekit::cli {

/// Mails up to this size are read into memory at once (one system call, and `mail sign` signs
/// them on every core); larger ones are streamed, so that memory stays flat.
constexpr std::uint64_t kMailReadAtOnce = 8ULL * 1024 * 1024;

/// The bytes of a mail file as a ByteSource, with read_file's errors (missing, not a regular
/// file, unreadable) naming the file; a failing read() later does not name it (the caller's
/// Error::about does). Small files are read at once, large ones streamed.
class MailSource final {
public:
    explicit MailSource(const std::string& path);
    std::size_t read(std::span<std::uint8_t> buffer);
    /// The file's size when it was opened.
    [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }
    [[nodiscard]] ByteSource source() {
        return [this](std::span<std::uint8_t> buffer) { return read(buffer); };
    }

private:
    std::uint64_t m_size = 0;
    Bytes m_bytes;
    std::size_t m_offset = 0;
    std::ifstream m_stream;
};

/// -o OUT (one input) or --out-dir DIR (any number, each under its input's file name).
struct MailOutputs {
    std::string out;
    std::string out_dir;
    bool force = false;

    void declare(OptionSet& options, std::string_view what);
    /// Throws UsageError: both or neither given, -o with several inputs, two inputs with the
    /// same file name for --out-dir.
    void validate(const po::variables_map& given, const std::vector<std::string>& inputs) const;
    [[nodiscard]] std::string path_for(const std::string& input) const;
};

/// What a command does with one input: read it from `mail`, write the output to `sink`, and
/// return false for a verdict "no" (the output is then discarded, the exit code is 1).
using MailWork =
    std::function<bool(const std::string& input, MailSource& mail, const ByteSink& sink)>;

/**
 * Runs `work` for each input with its bytes and an atomic output file (committed only when
 * `work` returns true), reporting a failing input and going on with the next. Errors of `work`
 * are about the input ("'in.eml': ..."), except those of writing the output, which name it.
 * Returns the most severe exit code met; `done` counts the outputs written.
 */
ExitCode for_each_mail(Io& io, const std::vector<std::string>& inputs, const MailOutputs& outputs,
                       std::string_view label, std::size_t& done, const MailWork& work);

/// --recipient (repeatable), --self, --cipher, --oaep and --db: who a mail is encrypted for.
struct RecipientOptions {
    std::vector<std::string> recipients;
    std::string self;
    std::string cipher;
    bool oaep = false;
    std::string db;
    EncryptOptions encrypt;  ///< set by validate()

    void declare(OptionSet& options);
    /// Throws UsageError for an unknown --cipher.
    void validate();

    /**
     * The recipient certificates, in the order given, --self last: each --recipient is a file
     * (any format; its leaf) or, when no such file exists and it looks like an address, the
     * current encryption certificate of that contact in the inventory. Throws Error for a
     * missing file, an unknown contact, no inventory. `unfit` receives, per certificate that
     * cannot receive encrypted mail at io.now(), an error naming it and the reasons.
     */
    [[nodiscard]] std::vector<Certificate> load(Io& io, const PasswordProvider& password,
                                                std::vector<Error>& unfit) const;

    /// Warns about each reader known unable to open what these recipients and options make.
    void warn_limitations(Io& io, std::span<const Certificate> certificates) const;
};

/// "AES-256-CBC, 2 recipients".
std::string envelope_summary(const EncryptOptions& options, std::size_t recipients);

}  // namespace smimekit::cli
