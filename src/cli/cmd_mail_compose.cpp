// SPDX-License-Identifier: Apache-2.0
// `smimekit mail compose` answers "give me a correct plain test mail to sign or encrypt": a
// 7-bit .eml with RFC 2047 headers, a quoted-printable body when needed, and base64
// attachments. The message is built by compose_message (mime.hpp); this file maps options.
#include "cli/command.hpp"

#include <smimekit/file.hpp>
#include <smimekit/mime.hpp>

#include <filesystem>

namespace smimekit::cli {
namespace {

constexpr std::uint64_t kMaxBodySize = 16ULL * 1024 * 1024;
constexpr std::uint64_t kMaxAttachmentSize = 256ULL * 1024 * 1024;

// A header value from the command line becomes part of the message header: a line break in it
// would let it add header fields of its own (header injection).
void require_one_line(std::string_view option, std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        throw UsageError("--" + std::string(option) +
                         " must be one line: it contains a line break (CR or LF)");
    }
}

Mailbox mailbox_option(std::string_view option, const std::string& value) {
    require_one_line(option, value);
    try {
        return parse_mailbox(value);
    } catch (const Error& error) {
        throw usage::bad_value(option, value, error.what());
    }
}

class MailComposeCommand final : public Command {
public:
    std::string_view name() const override { return "compose"; }
    std::string_view summary() const override {
        return "write a plain test mail (.eml) with text and attachments";
    }
    Help help() const override {
        return {
            "mail compose --from ADDR --to ADDR --subject TEXT (--body TEXT | --body-file FILE)\n"
            "                             [--cc ADDR]... [--attach FILE]... -o OUT.eml [--force]",
            "Writes a MIME message that mail clients and the S/MIME commands accept: CRLF line\n"
            "ends, 7-bit only, lines of at most 78 characters. A non-ASCII subject or display\n"
            "name is encoded as RFC 2047 words; the body (UTF-8 text) is text/plain; "
            "charset=utf-8,\n"
            "in 7bit when it is ASCII with short lines, otherwise quoted-printable (which also\n"
            "protects trailing spaces, lines starting with \"From \" and lines starting with "
            "\".\").\n"
            "The body always ends with a line break. With --attach, the message is\n"
            "multipart/mixed: the text first, then each file in base64 with a media type from its\n"
            "extension and its file name (RFC 2231 for non-ASCII names); an .eml file is attached\n"
            "as message/rfc822 when it is 7-bit. Date comes from the clock and Message-ID is\n"
            "random, at the domain of --from.\n"
            "ADDR is name@example.org or \"Display Name <name@example.org>\"; --to and --cc may "
            "be\n"
            "repeated. A line break in any header value is refused. Bodies up to 16 MiB and\n"
            "attachments up to 256 MiB are read; attachments are encoded straight into OUT.\n",
            "  0  the message was written\n"
            "  2  a required option is missing, an address is invalid, a header value has a line\n"
            "     break, or both --body and --body-file are given\n"
            "  3  --body-file or an --attach file is missing, unreadable as UTF-8 text (body), or\n"
            "     too large\n"
            "  7  OUT exists (use --force) or cannot be written\n",
            "  smimekit mail compose --from 'Alice <alice@example.org>' --to bob@example.org \\\n"
            "      --subject 'Grüße' --body 'Hello Bob' -o hello.eml\n"
            "  smimekit mail compose --from alice@example.org --to bob@example.org \\\n"
            "      --cc carol@example.org --subject 'Report' --body-file report.txt \\\n"
            "      --attach report.pdf --attach data.xlsx -o report.eml\n",
        };
    }

    void declare(OptionSet& options) override {
        // One option per line reads better than the formatter's packing.
        // clang-format off
        options.visible.add_options()
            ("from", po::value(&m_from)->required()->value_name("ADDR"), "the sender")
            ("to", po::value(&m_to)->required()->value_name("ADDR"), "a recipient (repeatable)")
            ("cc", po::value(&m_cc)->value_name("ADDR"), "a copy recipient (repeatable)")
            ("subject", po::value(&m_subject)->required()->value_name("TEXT"), "the subject (UTF-8)")
            ("body", po::value(&m_body)->value_name("TEXT"), "the text of the message (UTF-8)")
            ("body-file", po::value(&m_body_file)->value_name("FILE"), "read the text from FILE (UTF-8)")
            ("attach", po::value(&m_attach)->value_name("FILE"), "attach FILE (repeatable)")
            ("out,o", po::value(&m_out)->required()->value_name("FILE"), "the .eml file to write");
        // clang-format on
        add_force_option(options, m_force);
    }

    void validate(const po::variables_map& given) override {
        const bool body = given.count("body") != 0;
        const bool body_file = given.count("body-file") != 0;
        if (body && body_file) {
            throw usage::conflicting_options("body", "body-file");
        }
        if (!body && !body_file) {
            throw usage::need_one_of({"body", "body-file"});
        }
        m_request.from = mailbox_option("from", m_from);
        for (const std::string& to : m_to) {
            m_request.to.push_back(mailbox_option("to", to));
        }
        for (const std::string& cc : m_cc) {
            m_request.cc.push_back(mailbox_option("cc", cc));
        }
        require_one_line("subject", m_subject);
        m_request.subject = m_subject;
        if (body && !is_utf8_text(as_bytes(m_body))) {
            throw UsageError("--body is not UTF-8 text");
        }
        m_request.body = m_body;
    }

    ExitCode run(Io& io) override {
        const WriteOptions write{m_force, false};
        io.check_output(m_out, write);
        // Every input is read before the output is opened: a missing file leaves nothing behind.
        if (!m_body_file.empty()) {
            const Bytes text = read_file(m_body_file, kMaxBodySize);
            if (!is_utf8_text(text)) {
                throw Error(Errc::Malformed, in_quotes(m_body_file) + ": not UTF-8 text", {},
                            "send a binary file with --attach");
            }
            m_request.body = to_string(text);
        }
        std::vector<Bytes> contents;
        contents.reserve(m_attach.size());  // the attachments below keep views into these
        for (const std::string& path : m_attach) {
            contents.push_back(read_file(path, kMaxAttachmentSize));
            m_request.attachments.push_back(
                {std::filesystem::path(path).filename().string(), {}, contents.back()});
        }

        OutputFile output(m_out, write);
        std::uint64_t size = 0;
        const ComposeResult result = compose_message(m_request, io.now(), [&](BytesView piece) {
            output.write(piece);
            size += piece.size();
        });
        output.commit();
        for (const std::string& note : result.notes) {
            io.warn(note);
        }
        io.info("wrote " + m_out + " (" + std::to_string(size) + " bytes, " +
                std::to_string(m_attach.size()) +
                (m_attach.size() == 1 ? " attachment)" : " attachments)"));
        return ExitCode::Ok;
    }

private:
    std::string m_from;
    std::vector<std::string> m_to;
    std::vector<std::string> m_cc;
    std::string m_subject;
    std::string m_body;
    std::string m_body_file;
    std::vector<std::string> m_attach;
    std::string m_out;
    bool m_force = false;
    ComposeRequest m_request;
};

}  // namespace

std::unique_ptr<Command> make_mail_compose_command() {
    return std::make_unique<MailComposeCommand>();
}

}  // namespace smimekit::cli
