// SPDX-License-Identifier: Apache-2.0
// The MIME writer of mime.hpp: mailboxes, dates, message ids, boundaries, and compose_message,
// which builds the plain test mails that `smimekit mail sign/encrypt` take as input.
#include "smimekit/error.hpp"
#include "smimekit/mime.hpp"

#include "detail/mime_header.hpp"
#include "detail/mime_text.hpp"
#include "detail/ossl.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace smimekit {
namespace {

using detail::as_text;

constexpr std::size_t kMaxLine = 78;       // RFC 5322 section 2.1.1
constexpr std::size_t kMax7bitLine = 998;  // RFC 5322 section 2.1.1 / RFC 2045 section 2.7
constexpr std::size_t kMaxTextLine = 76;   // longer text lines go quoted-printable
constexpr std::size_t kSinkPiece = 256 * 1024;
// 57 input bytes make one 76-character base64 line; whole lines per piece keep the line
// breaks where a single base64_encode would put them.
constexpr std::size_t kBase64Piece = 57 * 4096;

std::string random_hex(std::size_t bytes) {
    Bytes random(bytes);
    detail::ossl_check(::RAND_bytes(random.data(), static_cast<int>(random.size())) == 1,
                       Errc::Internal, "the random generator failed");
    return to_hex(random);
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

// RFC 5322 section 3.2.3: characters that make a display name need a quoted string.
bool needs_quoting(std::string_view name) {
    return name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos ||
           name.find("=?") != std::string_view::npos || name.front() == ' ' || name.back() == ' ';
}

void validate_address(std::string_view address) {
    const std::size_t at = address.find('@');
    const bool one_at = at != std::string_view::npos && at == address.rfind('@') && at > 0 &&
                        at + 1 < address.size();
    const bool plain = std::all_of(address.begin(), address.end(), [](char c) {
        return c > 32 && c < 127 &&
               std::string_view("<>()[],;:\"\\").find(c) == std::string_view::npos;
    });
    if (!one_at || !plain || address.size() > 254) {
        throw Error(Errc::InvalidArgument, in_quotes(address) + " is not an e-mail address", {},
                    "write it as name@example.org or \"Display Name <name@example.org>\"");
    }
}

void validate_mailbox(const Mailbox& mailbox) {
    if (has_line_break(mailbox.display_name) || has_line_break(mailbox.address)) {
        throw Error(Errc::InvalidArgument, "an address contains a line break");
    }
    validate_address(mailbox.address);
    const std::string_view name = mailbox.display_name;
    if (!detail::is_valid_utf8(name) || std::any_of(name.begin(), name.end(), is_control)) {
        throw Error(Errc::InvalidArgument, "the display name of " + in_quotes(mailbox.address) +
                                               " is not UTF-8 text without control characters");
    }
}

// A subject that can be written as it is: printable ASCII (tabs allowed), nothing that reads
// like an encoded word, and no word too long to fit on a folded line.
bool is_plain_header_text(std::string_view text) {
    const bool printable = std::all_of(text.begin(), text.end(),
                                       [](char c) { return c == '\t' || (c >= 32 && c < 127); });
    if (!printable || text.find("=?") != std::string_view::npos) {
        return false;
    }
    std::size_t word = 0;
    for (const char c : text) {
        word = detail::is_wsp(c) ? 0 : word + 1;
        if (word > kMaxLine - 2) {
            return false;
        }
    }
    return true;
}

// Text that can go as "7bit" exactly as it is, line ends aside: ASCII, short lines, and none
// of what encode_quoted_printable would protect (trailing white space, "From ", a leading ".",
// control characters, a bare CR).
bool is_safe_7bit_text(std::string_view text) {
    if (!is_7bit(as_bytes(text))) {
        return false;
    }
    const BytesView bytes = as_bytes(text);
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        const detail::Line line = detail::line_at(bytes, pos);
        const std::string_view content = text.substr(line.begin, line.size());
        const bool unsafe =
            content.size() > kMaxTextLine ||
            std::any_of(content.begin(), content.end(),
                        [](char c) { return is_control(c) && c != '\t'; }) ||
            (!content.empty() && (detail::is_wsp(content.back()) || content.front() == '.')) ||
            content.substr(0, 5) == "From ";
        if (unsafe) {
            return false;
        }
        pos = line.next;
    }
    return true;
}

// RFC 2046 section 5.2.1: message/rfc822 may only be 7bit, 8bit or binary; we write 7bit,
// so the content must be 7-bit with lines of at most 998 characters.
bool is_7bit_message(BytesView content) {
    if (!is_7bit(content)) {
        return false;
    }
    std::size_t pos = 0;
    while (pos < content.size()) {
        const detail::Line line = detail::line_at(content, pos);
        if (line.size() > kMax7bitLine) {
            return false;
        }
        pos = line.next;
    }
    return true;
}

std::string join(const std::vector<std::string>& pieces, std::string_view separator) {
    std::string out;
    for (const std::string& piece : pieces) {
        if (!out.empty()) {
            out += separator;
        }
        out += piece;
    }
    return out;
}

std::string mailbox_list(const std::vector<Mailbox>& mailboxes) {
    std::vector<std::string> formatted;
    formatted.reserve(mailboxes.size());
    for (const Mailbox& mailbox : mailboxes) {
        formatted.push_back(format_mailbox(mailbox));
    }
    return join(formatted, ", ");
}

/// "type/subtype; name=value; ..." with parameters written by detail::format_parameter.
/// File names are always quoted: some mail clients expect filename="...".
std::string with_parameters(std::string_view value,
                            const std::vector<std::pair<std::string, std::string>>& parameters) {
    std::vector<std::string> pieces{std::string(value)};
    for (const auto& [name, parameter] : parameters) {
        const bool file_name = name == "name" || name == "filename";
        for (std::string& piece : detail::format_parameter(name, parameter, file_name)) {
            pieces.push_back(std::move(piece));
        }
    }
    return join(pieces, "; ");
}

/// Collects small writes into pieces of kSinkPiece bytes for the caller's sink.
class BufferedSink final {
public:
    explicit BufferedSink(const ByteSink& sink) : m_sink(sink) {}

    void put(std::string_view text) { put(as_bytes(text)); }
    void put(BytesView bytes) {
        if (m_buffer.size() + bytes.size() > kSinkPiece) {
            flush();
        }
        if (bytes.size() <= kSinkPiece) {
            m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
            return;
        }
        for (std::size_t offset = 0; offset < bytes.size(); offset += kSinkPiece) {
            m_sink(bytes.subspan(offset, std::min(kSinkPiece, bytes.size() - offset)));
        }
    }
    void flush() {
        if (!m_buffer.empty()) {
            m_sink(m_buffer);
            m_buffer.clear();
        }
    }

private:
    const ByteSink& m_sink;
    Bytes m_buffer;
};

/// An attachment as it will be written.
struct AttachmentPlan {
    const ComposeAttachment* source = nullptr;
    std::string media_type;
    TransferEncoding encoding = TransferEncoding::Base64;
};

std::vector<AttachmentPlan> plan_attachments(const ComposeRequest& request, ComposeResult& result) {
    std::vector<AttachmentPlan> plans;
    for (const ComposeAttachment& attachment : request.attachments) {
        const std::string& name = attachment.file_name;
        if (name.empty() || has_line_break(name) || !detail::is_valid_utf8(name) ||
            std::any_of(name.begin(), name.end(), is_control)) {
            throw Error(Errc::InvalidArgument,
                        "an attachment needs a file name in UTF-8 without control characters");
        }
        AttachmentPlan plan{&attachment, attachment.media_type, TransferEncoding::Base64};
        if (plan.media_type.empty()) {
            plan.media_type = media_type_for_file_name(name);
        }
        try {
            plan.media_type = parse_content_type(plan.media_type).media_type();
        } catch (const Error&) {
            throw Error(Errc::InvalidArgument, in_quotes(plan.media_type) + " is not a media type");
        }
        if (plan.media_type == "message/rfc822") {
            if (is_7bit_message(attachment.content)) {
                plan.encoding = TransferEncoding::SevenBit;
            } else {
                plan.media_type = "application/octet-stream";
                result.notes.push_back(in_quotes(name) +
                                       " holds 8-bit data or long lines, which "
                                       "message/rfc822 may not carry in base64 (RFC 2046 section "
                                       "5.2.1): attached as application/octet-stream");
            }
        }
        plans.push_back(std::move(plan));
    }
    return plans;
}

void validate_request(const ComposeRequest& request) {
    validate_mailbox(request.from);
    if (request.to.empty() && request.cc.empty()) {
        throw Error(Errc::InvalidArgument, "a message needs at least one recipient (To or Cc)");
    }
    for (const Mailbox& mailbox : request.to) {
        validate_mailbox(mailbox);
    }
    for (const Mailbox& mailbox : request.cc) {
        validate_mailbox(mailbox);
    }
    if (has_line_break(request.subject)) {
        throw Error(Errc::InvalidArgument, "the subject contains a line break");
    }
    if (!is_utf8_text(as_bytes(request.subject))) {
        throw Error(Errc::InvalidArgument, "the subject is not UTF-8 text");
    }
    if (!is_utf8_text(as_bytes(request.body))) {
        throw Error(Errc::InvalidArgument, "the body is not UTF-8 text");
    }
}

void write_content(BufferedSink& out, BytesView content, TransferEncoding encoding) {
    CrlfCanonicalizer canonical;  // one for all pieces: a CR may end one and its LF start the next
    for (std::size_t offset = 0; offset < content.size(); offset += kBase64Piece) {
        const BytesView piece =
            content.subspan(offset, std::min(kBase64Piece, content.size() - offset));
        if (encoding == TransferEncoding::Base64) {
            if (offset > 0) {
                out.put("\r\n");
            }
            out.put(base64_encode(piece, 76));
        } else {
            // 7bit content in canonical form (RFC 2049 section 4), piece by piece.
            out.put(canonical.feed(piece));
        }
    }
}

}  // namespace

// ---- mailboxes ---------------------------------------------------------------------------

Mailbox parse_mailbox(std::string_view text) {
    if (has_line_break(text)) {
        throw Error(Errc::InvalidArgument, "an address contains a line break");
    }
    const std::string_view trimmed = detail::trim(text);
    Mailbox mailbox;
    const std::size_t open = trimmed.rfind('<');
    if (!trimmed.empty() && trimmed.back() == '>' && open != std::string_view::npos) {
        mailbox.address = detail::trim(trimmed.substr(open + 1, trimmed.size() - open - 2));
        std::string_view name = detail::trim(trimmed.substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            name = name.substr(1, name.size() - 2);
            for (std::size_t i = 0; i < name.size(); ++i) {
                if (name[i] == '\\' && i + 1 < name.size()) {
                    ++i;
                }
                mailbox.display_name += name[i];
            }
        } else {
            mailbox.display_name = name;
        }
    } else {
        mailbox.address = trimmed;
    }
    validate_mailbox(mailbox);
    return mailbox;
}

std::string format_mailbox(const Mailbox& mailbox) {
    const std::string_view name = mailbox.display_name;
    if (name.empty()) {
        return mailbox.address;
    }
    std::string phrase;
    if (!is_7bit(as_bytes(name)) || std::any_of(name.begin(), name.end(), is_control)) {
        phrase = encode_header_words(name);  // RFC 2047 section 5(3): words in a phrase
    } else if (needs_quoting(name)) {
        phrase = detail::quote_string(name);
    } else {
        phrase = name;
    }
    return phrase + " <" + mailbox.address + ">";
}

// ---- message-level fields ------------------------------------------------------------------

std::string format_rfc5322_date(TimePoint time) {
    using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic
    constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    std::array<char, 64> text{};
    // RFC 5322 section 3.3: day-name "," day month year hour ":" minute ":" second zone.
    std::snprintf(text.data(), text.size(), "%s, %02u %s %04d %02d:%02d:%02d +0000",
                  kDays.at(weekday{day}.c_encoding()), static_cast<unsigned>(date.day()),
                  kMonths.at(static_cast<unsigned>(date.month()) - 1),
                  static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
    return text.data();
}

std::string make_message_id(std::string_view address) {
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos || at + 1 == address.size()) {
        throw Error(Errc::InvalidArgument, in_quotes(address) + " is not an e-mail address");
    }
    return "<" + random_hex(16) + "@" + detail::ascii_lower(address.substr(at + 1)) + ">";
}

std::string make_boundary(std::span<const BytesView> contents) {
    // RFC 2046 section 5.1.1: "=_" cannot occur in base64 or quoted-printable text, so such a
    // boundary only has to be checked against the 7bit parts; with 96 random bits a clash is
    // all but impossible, but a crafted attachment could hold one, so check and draw again.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::string boundary = "=_smimekit_" + random_hex(12);
        const bool clash = std::any_of(contents.begin(), contents.end(), [&](BytesView content) {
            return as_text(content).find(boundary) != std::string_view::npos;
        });
        if (!clash) {
            return boundary;
        }
    }
    throw Error(Errc::Internal, "no multipart boundary found that the content does not contain");
}

std::string media_type_for_file_name(std::string_view file_name) {
    struct Entry {
        std::string_view extension;
        std::string_view media_type;
    };
    static constexpr std::array<Entry, 28> kTable = {{
        {"pdf", "application/pdf"},
        {"txt", "text/plain"},
        {"csv", "text/csv"},
        {"htm", "text/html"},
        {"html", "text/html"},
        {"ics", "text/calendar"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"svg", "image/svg+xml"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"json", "application/json"},
        {"xml", "application/xml"},
        {"doc", "application/msword"},
        {"xls", "application/vnd.ms-excel"},
        {"ppt", "application/vnd.ms-powerpoint"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"eml", "message/rfc822"},
        {"p7m", "application/pkcs7-mime"},
        {"p7s", "application/pkcs7-signature"},
        {"p7c", "application/pkcs7-mime"},
        {"cer", "application/pkix-cert"},
        {"crt", "application/pkix-cert"},
        {"p12", "application/pkcs12"},
    }};
    const std::size_t dot = file_name.rfind('.');
    if (dot != std::string_view::npos) {
        const std::string extension = detail::ascii_lower(file_name.substr(dot + 1));
        for (const Entry& entry : kTable) {
            if (entry.extension == extension) {
                return std::string(entry.media_type);
            }
        }
    }
    return "application/octet-stream";
}

// ---- compose ---------------------------------------------------------------------------------

ComposeResult compose_message(const ComposeRequest& request, TimePoint now, const ByteSink& sink) {
    validate_request(request);
    ComposeResult result;
    const std::vector<AttachmentPlan> attachments = plan_attachments(request, result);

    // Step 1: the text, with a final line break (RFC 5322 section 2.1: a body is lines), in
    // 7bit when it is safe as it is, otherwise quoted-printable.
    std::string text = request.body;
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    const bool text_is_7bit = is_safe_7bit_text(text);
    const std::string text_body = text_is_7bit ? to_string(to_canonical_crlf(as_bytes(text)))
                                               : encode_quoted_printable(as_bytes(text));
    const std::string text_headers =
        format_header("Content-Type", with_parameters("text/plain", {{"charset", "utf-8"}})) +
        format_header("Content-Transfer-Encoding", text_is_7bit ? "7bit" : "quoted-printable");

    // Step 2: the message header (RFC 5322 section 3.6), every value 7-bit and folded.
    BufferedSink out(sink);
    out.put(format_header("From", format_mailbox(request.from)));
    if (!request.to.empty()) {
        out.put(format_header("To", mailbox_list(request.to)));
    }
    if (!request.cc.empty()) {
        out.put(format_header("Cc", mailbox_list(request.cc)));
    }
    const std::string_view subject = request.subject;
    const std::size_t first_line_room = kMaxLine - std::string_view("Subject: ").size();
    out.put(format_header("Subject", is_plain_header_text(subject)
                                         ? std::string(subject)
                                         : encode_header_words(subject, first_line_room)));
    out.put(format_header("Date", format_rfc5322_date(now)));
    out.put(format_header("Message-ID", request.message_id.empty()
                                            ? make_message_id(request.from.address)
                                            : request.message_id));
    out.put(format_header("MIME-Version", "1.0"));

    if (attachments.empty()) {
        out.put(text_headers);
        out.put("\r\n");
        out.put(text_body);
        out.flush();
        return result;
    }

    // Step 3: multipart/mixed (RFC 2046 section 5.1.3), the text first. Only 7bit parts can
    // contain the boundary; base64 cannot (see make_boundary).
    std::vector<BytesView> seven_bit_parts;
    if (text_is_7bit) {
        seven_bit_parts.push_back(as_bytes(text_body));
    }
    for (const AttachmentPlan& plan : attachments) {
        if (plan.encoding != TransferEncoding::Base64) {
            seven_bit_parts.push_back(plan.source->content);
        }
    }
    const std::string boundary = make_boundary(seven_bit_parts);
    out.put(format_header("Content-Type",
                          with_parameters("multipart/mixed", {{"boundary", boundary}})));
    out.put("\r\n");
    // The CRLF before each delimiter belongs to the delimiter (RFC 2046 section 5.1.1), so a
    // part's content ends where "\r\n--boundary" begins.
    out.put("--" + boundary + "\r\n");
    out.put(text_headers);
    out.put("\r\n");
    out.put(text_body);
    for (const AttachmentPlan& plan : attachments) {
        const std::string& name = plan.source->file_name;
        out.put("\r\n--" + boundary + "\r\n");
        out.put(format_header("Content-Type", with_parameters(plan.media_type, {{"name", name}})));
        out.put(format_header("Content-Disposition",
                              with_parameters("attachment", {{"filename", name}})));
        out.put(format_header("Content-Transfer-Encoding", transfer_encoding_name(plan.encoding)));
        out.put("\r\n");
        write_content(out, plan.source->content, plan.encoding);
    }
    out.put("\r\n--" + boundary + "--\r\n");
    out.flush();
    return result;
}

Bytes compose_message(const ComposeRequest& request, TimePoint now) {
    Bytes message;
    compose_message(request, now, [&](BytesView piece) {
        message.insert(message.end(), piece.begin(), piece.end());
    });
    return message;
}

}  // namespace smimekit
