// SPDX-License-Identifier: Apache-2.0
// tests for smimekit/mime.hpp: the reader (exact byte spans), codecs, header words, writer.
#include <smimekit/error.hpp>
#include <smimekit/mime.hpp>

#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using smimekit::as_bytes;
using smimekit::Bytes;
using smimekit::BytesView;
using smimekit::Errc;
using smimekit::MimeEntity;

namespace {

std::string str(BytesView bytes) {
    return smimekit::to_string(bytes);
}

/// The entity keeps views into `text`: literals and named strings only, never a temporary.
MimeEntity parse(const std::string& text, const smimekit::MimeParseLimits& limits = {}) {
    return smimekit::parse_mime(as_bytes(text), limits);
}
MimeEntity parse(std::string&& text, const smimekit::MimeParseLimits& limits = {}) = delete;
template <std::size_t N>
MimeEntity parse(const char (&literal)[N]) {
    return smimekit::parse_mime(as_bytes(std::string_view(literal, N - 1)));
}

/// Where `part` starts inside `whole`.
std::size_t offset_of(BytesView part, const std::string& whole) {
    return static_cast<std::size_t>(reinterpret_cast<const char*>(part.data()) - whole.data());
}

/// The lines of `text` split at CRLF; fails the test on a bare LF.
std::vector<std::string> crlf_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find("\r\n", start);
        const std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        CHECK_MESSAGE(line.find('\n') == std::string::npos, "bare LF in line: " << line);
        lines.push_back(line);
        if (end == std::string::npos) {
            break;
        }
        start = end + 2;
    }
    return lines;
}

/// The layout invariant of every entity: raw = header block + blank line + body, parts inside
/// the body, recursively.
void check_layout(const MimeEntity& entity) {
    const BytesView raw = entity.raw();
    CHECK(entity.header_block_raw().data() == raw.data());
    CHECK(entity.body_raw().data() + entity.body_raw().size() == raw.data() + raw.size());
    const std::size_t gap = static_cast<std::size_t>(entity.body_raw().data() - raw.data()) -
                            entity.header_block_raw().size();
    CHECK(gap <= 2);
    for (const MimeEntity& part : entity.parts()) {
        CHECK(part.raw().data() >= entity.body_raw().data());
        CHECK(part.raw().data() + part.raw().size() <= raw.data() + raw.size());
        check_layout(part);
    }
}

smimekit::ComposeRequest basic_request() {
    smimekit::ComposeRequest request;
    request.from = {"Alice Example", "alice@example.org"};
    request.to = {{"", "bob@example.org"}};
    request.subject = "Hello";
    request.body = "Hello Bob\n";
    request.message_id = "<fixed@example.org>";
    return request;
}

std::string compose(const smimekit::ComposeRequest& request) {
    return str(smimekit::compose_message(request, fixture::at("2026-11-22T10:00:00Z")));
}

/// Every line of a written message: CRLF-terminated, at most 78 characters, 7-bit.
void check_wire_form(const std::string& message) {
    CHECK(smimekit::is_7bit(as_bytes(message)));
    for (const std::string& line : crlf_lines(message)) {
        CHECK_MESSAGE(line.size() <= 78, "line too long: " << line);
        CHECK(line.find('\r') == std::string::npos);
    }
}

}  // namespace

TEST_SUITE("mime") {
    // ---- line ends -----------------------------------------------------------------------------

    TEST_CASE("to_canonical_crlf turns bare LF into CRLF and keeps CRLF and a bare CR") {
        CHECK(str(smimekit::to_canonical_crlf(as_bytes("a\nb\r\nc\rd\n\n"))) ==
              "a\r\nb\r\nc\rd\r\n\r\n");
        CHECK(str(smimekit::to_canonical_crlf(as_bytes(""))) == "");
        CHECK(str(smimekit::to_canonical_crlf(as_bytes("\n"))) == "\r\n");
        CHECK(str(smimekit::to_canonical_crlf(as_bytes("\r\r\n"))) == "\r\r\n");
    }

    TEST_CASE("the streaming canonicalizer gives the same bytes wherever the input is cut") {
        const std::string input = "x\r\ny\nz\r\r\n\n\rq\r";
        const std::string whole = str(smimekit::to_canonical_crlf(as_bytes(input)));
        for (std::size_t cut1 = 0; cut1 <= input.size(); ++cut1) {
            for (std::size_t cut2 = cut1; cut2 <= input.size(); ++cut2) {
                smimekit::CrlfCanonicalizer canonicalizer;
                std::string out = str(canonicalizer.feed(as_bytes(input.substr(0, cut1))));
                out += str(canonicalizer.feed(as_bytes(input.substr(cut1, cut2 - cut1))));
                out += str(canonicalizer.feed(as_bytes(input.substr(cut2))));
                CHECK_MESSAGE(out == whole, "cuts at " << cut1 << " and " << cut2);
            }
        }
        // The case that needs state: a CR ends one chunk and its LF starts the next.
        smimekit::CrlfCanonicalizer canonicalizer;
        CHECK(str(canonicalizer.feed(as_bytes("a\r"))) == "a\r");
        CHECK(str(canonicalizer.feed(as_bytes("\nb\n"))) == "\nb\r\n");
    }

    TEST_CASE("is_7bit refuses NUL and 8-bit bytes; is_utf8_text refuses NUL and bad UTF-8") {
        CHECK(smimekit::is_7bit(as_bytes("plain\r\n\ttext~")));
        CHECK_FALSE(smimekit::is_7bit(as_bytes(std::string("a\0b", 3))));
        CHECK_FALSE(smimekit::is_7bit(as_bytes("caf\xC3\xA9")));
        CHECK(smimekit::is_utf8_text(as_bytes("caf\xC3\xA9 \xF0\x9F\x98\x80")));
        CHECK_FALSE(smimekit::is_utf8_text(as_bytes(std::string("a\0b", 3))));
        CHECK_FALSE(smimekit::is_utf8_text(as_bytes("caf\xE9")));       // ISO-8859-1
        CHECK_FALSE(smimekit::is_utf8_text(as_bytes("\xC0\xAF")));      // overlong "/"
        CHECK_FALSE(smimekit::is_utf8_text(as_bytes("\xED\xA0\x80")));  // a surrogate
    }

    // ---- transfer encodings
    // ----------------------------------------------------------------------

    TEST_CASE("quoted-printable decoding follows RFC 2045 section 6.7") {
        using smimekit::decode_quoted_printable;
        // The example of rule 5, with soft line breaks.
        CHECK(str(decode_quoted_printable(as_bytes("Now's the time =\r\nfor all folk to come=\r\n"
                                                   " to the aid of their country."))) ==
              "Now's the time for all folk to come to the aid of their country.");
        CHECK(str(decode_quoted_printable(as_bytes("caf=C3=A9 caf=c3=a9"))) ==
              "caf\xC3\xA9 caf\xC3\xA9");
        // Rule 3: trailing white space is deleted; also before a soft break.
        CHECK(str(decode_quoted_printable(as_bytes("abc \t\r\nx= \t\ny"))) == "abc\r\nxy");
        // Hard line breaks come out as CRLF whatever the file had.
        CHECK(str(decode_quoted_printable(as_bytes("a\nb\r\n"))) == "a\r\nb\r\n");
        // Note 2: an "=" that starts no valid sequence is kept.
        CHECK(str(decode_quoted_printable(as_bytes("a=G1 =4"))) == "a=G1 =4");
        CHECK(str(decode_quoted_printable(as_bytes("=3D=20"))) == "= ");
    }

    TEST_CASE("quoted-printable encoding is 7-bit, mail safe, and within 76 columns") {
        const std::string text =
            "From the start\n.\n.dot\ntrailing space \ntrailing tab\t\nequals = sign\n" +
            std::string(200, 'x') + "\n" + std::string(100, 'y') + " \xC3\xA9" +
            std::string(75, '=') + "\nFrom in the middle From \nend";
        const std::string encoded = smimekit::encode_quoted_printable(as_bytes(text));
        for (const std::string& line : crlf_lines(encoded)) {
            CHECK(line.size() <= 76);
            CHECK(smimekit::is_7bit(as_bytes(line)));
            CHECK(line.substr(0, 5) != "From ");
            CHECK(line.substr(0, 1) != ".");
            CHECK((line.empty() || (line.back() != ' ' && line.back() != '\t')));
        }
        CHECK(encoded.substr(0, 8) == "=46rom t");
        CHECK(encoded.find("\r\n=2E\r\n=2Edot\r\n") != std::string::npos);
        CHECK(encoded.find("trailing space=20\r\ntrailing tab=09\r\n") != std::string::npos);
        CHECK(encoded.find("equals =3D sign") != std::string::npos);
        CHECK(encoded.substr(encoded.size() - 3) == "end");  // no line break added
        CHECK(str(smimekit::decode_quoted_printable(as_bytes(encoded))) ==
              str(smimekit::to_canonical_crlf(as_bytes(text))));
    }

    TEST_CASE("quoted-printable round-trips random bytes to their canonical form") {
        std::mt19937 random(2045);
        for (int round = 0; round < 200; ++round) {
            std::string data(random() % 300, '\0');
            for (char& c : data) {
                // Mostly the characters that matter: line ends, spaces, "=", ".", "F".
                constexpr std::string_view kAlphabet = "\r\n \t=.From\xC3\xA9\x00\x7F";
                c = random() % 3 == 0 ? static_cast<char>(random() % 256)
                                      : kAlphabet[random() % kAlphabet.size()];
            }
            const std::string encoded = smimekit::encode_quoted_printable(as_bytes(data));
            for (const std::string& line : crlf_lines(encoded)) {
                CHECK(line.size() <= 76);
            }
            CHECK(smimekit::is_7bit(as_bytes(encoded)));
            CHECK(str(smimekit::decode_quoted_printable(as_bytes(encoded))) ==
                  str(smimekit::to_canonical_crlf(as_bytes(data))));
        }
    }

    TEST_CASE(
        "base64 bodies decode with any line length and ignore characters outside the alphabet") {
        CHECK(str(smimekit::decode_base64_body(as_bytes("SGVs\r\nbG8g\nV29y bGQ=\r\n"))) ==
              "Hello World");
        CHECK(str(smimekit::decode_base64_body(as_bytes("SGVsbG8gV29ybGQ=*!"))) == "Hello World");
        // RFC 2045 section 6.8: "=" marks the end of the data.
        CHECK(str(smimekit::decode_base64_body(as_bytes("SGVsbG8=IGlnbm9yZWQ="))) == "Hello");
        CHECK(str(smimekit::decode_base64_body(as_bytes("SGVs=\r\n"))) == "Hel");
        CHECK(fixture::errc_of([] { smimekit::decode_base64_body(as_bytes("SGVsbG8gV29ybGQ")); }) ==
              Errc::Malformed);
        CHECK(fixture::errc_of([] { smimekit::decode_base64_body(as_bytes("SGVsb===")); }) ==
              Errc::Malformed);
        const Bytes all = [] {
            Bytes bytes(256);
            for (std::size_t i = 0; i < bytes.size(); ++i) {
                bytes[i] = static_cast<std::uint8_t>(i);
            }
            return bytes;
        }();
        for (std::size_t size = 0; size < 10; ++size) {
            const BytesView data(all.data(), size * 25);
            CHECK(smimekit::decode_base64_body(as_bytes(smimekit::base64_encode(data, 76))) ==
                  Bytes(data.begin(), data.end()));
        }
        CHECK(str(smimekit::decode_transfer_encoding(
                  as_bytes("a=3Db"), smimekit::TransferEncoding::QuotedPrintable)) == "a=b");
        CHECK(str(smimekit::decode_transfer_encoding(
                  as_bytes("a=3Db"), smimekit::TransferEncoding::EightBit)) == "a=3Db");
    }

    TEST_CASE("transfer encoding names are case-insensitive and unknown ones are nullopt") {
        CHECK(smimekit::parse_transfer_encoding(" Base64 ") == smimekit::TransferEncoding::Base64);
        CHECK(smimekit::parse_transfer_encoding("QUOTED-PRINTABLE") ==
              smimekit::TransferEncoding::QuotedPrintable);
        CHECK(smimekit::parse_transfer_encoding("7bit (comment)") ==
              smimekit::TransferEncoding::SevenBit);
        CHECK_FALSE(smimekit::parse_transfer_encoding("x-uuencode").has_value());
    }

    // ---- RFC 2047
    // ----------------------------------------------------------------------------------

    TEST_CASE("encoded words decode as in the examples of RFC 2047 section 8") {
        using smimekit::decode_header_words;
        CHECK(decode_header_words("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>") ==
              "Keith Moore <moore@cs.utk.edu>");
        CHECK(decode_header_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=") ==
              "Keld J\xC3\xB8rn Simonsen");
        CHECK(decode_header_words("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>") ==
              "Andr\xC3\xA9 Pirard <PIRARD@vm1.ulg.ac.be>");
        CHECK(decode_header_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=") ==
              "If you can read this yo");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a?=)") == "(a)");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
        CHECK(decode_header_words("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
    }

    TEST_CASE("encoded words: UTF-8 split across words, languages, windows-1252, and what stays") {
        using smimekit::decode_header_words;
        CHECK(decode_header_words("=?utf-8?q?caf=C3?= =?UTF-8?Q?=A9?=") == "caf\xC3\xA9");
        CHECK(decode_header_words("=?utf-8*de?b?R3LDvMOfZQ==?=") ==
              "Gr\xC3\xBC\xC3\x9F"
              "e");
        CHECK(decode_header_words("=?utf-8?b?R3LDvMOfZQ?=") ==
              "Gr\xC3\xBC\xC3\x9F"
              "e");  // no padding
        CHECK(decode_header_words("=?windows-1252?q?=80_5?=") == "\xE2\x82\xAC 5");
        CHECK(decode_header_words("=?koi8-r?q?=F0?= x") == "=?koi8-r?q?=F0?= x");  // unknown: kept
        CHECK(decode_header_words("=?utf-8?q?bad=FF?=") ==
              "=?utf-8?q?bad=FF?=");  // not UTF-8: kept
        CHECK(decode_header_words("=?utf-8?x?abc?= =?broken") == "=?utf-8?x?abc?= =?broken");
        CHECK(decode_header_words("plain  text") == "plain  text");
        CHECK(decode_header_words("=?utf-8?q?a?= b =?utf-8?q?c?=") == "a b c");
    }

    TEST_CASE("encode_header_words round-trips, keeps words short and never splits a character") {
        const std::vector<std::string> texts = {
            "Gr\xC3\xBC\xC3\x9F"
            "e aus K\xC3\xB6ln",
            std::string(20, 'a') + " \xE2\x82\xAC " + std::string(100, 'b'),
            [] {
                std::string emoji;
                for (int i = 0; i < 40; ++i) {
                    emoji += "\xF0\x9F\x98\x80";
                }
                return emoji;
            }(),
            "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80! question? "
            "_under_score_ =?x?= (c)",
        };
        for (const std::string& text : texts) {
            const std::string encoded = smimekit::encode_header_words(text, 69);
            CHECK(smimekit::decode_header_words(encoded) == text);
            CHECK(smimekit::is_7bit(as_bytes(encoded)));
            std::size_t start = 0;
            bool first = true;
            while (start <= encoded.size()) {
                const std::size_t end = std::min(encoded.find(' ', start), encoded.size());
                const std::string word = encoded.substr(start, end - start);
                CHECK(word.size() <= (first ? 69U : 75U));
                // A word decodes on its own to valid UTF-8: no character was split.
                CHECK(smimekit::is_utf8_text(as_bytes(smimekit::decode_header_words(word))));
                CHECK(smimekit::decode_header_words(word) != word);
                first = false;
                start = end + 1;
            }
        }
        CHECK(smimekit::encode_header_words("Schoene Gruesse aus K\xC3\xB6ln").substr(0, 10) ==
              "=?utf-8?q?");
        CHECK(smimekit::encode_header_words("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2").substr(0, 10) ==
              "=?utf-8?b?");
        CHECK(fixture::errc_of([] { smimekit::encode_header_words("caf\xE9"); }) ==
              Errc::InvalidArgument);
    }

    // ---- header lines and parameters
    // -------------------------------------------------------------

    TEST_CASE("format_header folds at spaces outside quoted strings and refuses line breaks") {
        CHECK(smimekit::format_header("Subject", "short") == "Subject: short\r\n");
        CHECK(smimekit::format_header("X-Empty", "") == "X-Empty:\r\n");
        std::string value;
        for (int i = 0; i < 30; ++i) {
            value += "word" + std::to_string(i) + " ";
        }
        value += "\"a quoted string that must not be folded anywhere inside it, however long\"";
        const std::string folded = smimekit::format_header("X-Long", value);
        const std::vector<std::string> lines = crlf_lines(folded);
        REQUIRE(lines.size() > 2);
        for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
            CHECK(lines[i].size() <= 78);
        }
        CHECK(lines.back() ==
              " \"a quoted string that must not be folded anywhere inside it, however long\"");
        // Unfolding (removing the CRLFs) gives the line back.
        std::string unfolded = folded.substr(0, folded.size() - 2);
        unfolded.erase(std::remove(unfolded.begin(), unfolded.end(), '\r'), unfolded.end());
        unfolded.erase(std::remove(unfolded.begin(), unfolded.end(), '\n'), unfolded.end());
        CHECK(unfolded == "X-Long: " + value);

        CHECK(fixture::errc_of([] { smimekit::format_header("Subject", "a\r\nBcc: x@y"); }) ==
              Errc::InvalidArgument);
        CHECK(fixture::errc_of([] { smimekit::format_header("Subject", "a\nb"); }) ==
              Errc::InvalidArgument);
        CHECK(fixture::errc_of([] { smimekit::format_header("Bad:Name", "x"); }) ==
              Errc::InvalidArgument);
        CHECK(fixture::errc_of([] { smimekit::format_header("Subject", "caf\xC3\xA9"); }) ==
              Errc::InvalidArgument);
    }

    TEST_CASE("Content-Type parameters: case, quoting, comments and duplicates") {
        const smimekit::ContentType type = smimekit::parse_content_type(
            " Multipart/Signed (comment) ; Protocol=\"application/pkcs7-signature\"; micalg = "
            "sha-256;"
            " boundary=\"a \\\"quoted\\\" b\"; micalg=sha-1 ;");
        CHECK(type.media_type() == "multipart/signed");
        CHECK(type.is_multipart());
        CHECK(type.parameter("protocol") == "application/pkcs7-signature");
        CHECK(type.parameter("MICALG") == "sha-256");  // the first of duplicates
        CHECK(type.parameter("boundary") == "a \"quoted\" b");
        CHECK_FALSE(type.parameter("charset").has_value());
        CHECK(fixture::errc_of([] { smimekit::parse_content_type("garbage"); }) == Errc::Malformed);
        CHECK(fixture::errc_of([] { smimekit::parse_content_type(""); }) == Errc::Malformed);
    }

    TEST_CASE("a comment that ends in a backslash ends the value (found by the mime fuzz target)") {
        // The escape once stepped past the end, and the next token's substr threw out_of_range.
        for (const char* value : {"text/plain; (a\\", "text/plain; name=x (\\", "text/plain (\\"}) {
            CAPTURE(value);
            const smimekit::ContentType type = smimekit::parse_content_type(value);
            CHECK(type.media_type() == "text/plain");
            CHECK_FALSE(type.parameter("charset").has_value());
        }
        CHECK(smimekit::parse_content_disposition("attachment; (\\").kind == "attachment");
    }

    TEST_CASE("RFC 2231 parameters: the examples of sections 3 and 4, and UTF-8 file names") {
        using smimekit::parse_content_type;
        CHECK(parse_content_type("message/external-body; access-type=URL; URL*0=\"ftp://\";\r\n"
                                 " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"")
                  .parameter("url") == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
        CHECK(parse_content_type(
                  "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A")
                  .parameter("title") == "This is ***fun***");
        CHECK(parse_content_type(
                  "application/x-stuff; title*1*=%2A%2A%2Afun%2A%2A%2A%20; "
                  "title*0*=us-ascii'en'This%20is%20even%20more%20; title*2=\"isn't it!\"")
                  .parameter("title") == "This is even more ***fun*** isn't it!");
        const smimekit::ContentDisposition disposition = smimekit::parse_content_disposition(
            "Attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf");
        CHECK(disposition.kind == "attachment");
        CHECK(disposition.parameter("filename") == "\xE2\x82\xAC rates.pdf");
    }

    // ---- the reader
    // --------------------------------------------------------------------------------

    TEST_CASE("a CRLF message: headers, unfolding and exact spans") {
        const std::string message =
            "From: a@example.org\r\n"
            "Subject: one\r\n"
            "\ttwo  \r\n"
            "X-Obsolete : value\r\n"
            "\r\n"
            "Body line\r\n";
        const MimeEntity entity = parse(message);
        REQUIRE(entity.headers().size() == 3);
        CHECK(entity.headers()[1].name == "Subject");
        CHECK(entity.headers()[1].value == "one\ttwo");
        CHECK(str(entity.headers()[1].raw) == "Subject: one\r\n\ttwo  \r\n");
        CHECK(entity.header("x-obsolete")->value == "value");
        CHECK(entity.header("missing") == nullptr);
        CHECK(entity.raw().size() == message.size());
        CHECK(entity.header_block_raw().size() == 63);
        CHECK(offset_of(entity.body_raw(), message) == 65);
        CHECK(str(entity.body_raw()) == "Body line\r\n");
        CHECK(entity.content_type().media_type() == "text/plain");
        CHECK(entity.content_type().parameter("charset") == "us-ascii");
        CHECK_FALSE(entity.is_multipart());
        CHECK(entity.well_formed());
    }

    TEST_CASE(
        "LF and mixed line ends give the same structure, with spans over the input as it is") {
        const std::string lf =
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: "
            "text/plain\n\nhi\n--b--\n";
        const std::string mixed =
            "Content-Type: multipart/mixed; boundary=b\n\r\n--b\r\nContent-Type: "
            "text/plain\n\nhi\r\n--b--\n";
        for (const std::string& message : {lf, mixed}) {
            const MimeEntity entity = parse(message);
            REQUIRE(entity.parts().size() == 1);
            CHECK(str(entity.parts()[0].body_raw()) == "hi");
            CHECK(entity.parts()[0].header("content-type")->value == "text/plain");
            CHECK(entity.closed());
            CHECK(entity.well_formed());
            check_layout(entity);
        }
        const MimeEntity entity = parse(mixed);
        CHECK(str(entity.parts()[0].raw()) == "Content-Type: text/plain\n\nhi");
        CHECK(offset_of(entity.parts()[0].raw(), mixed) == 49);
    }

    TEST_CASE("an empty header block (RFC 4134 section 4.8): the part starts with its line end") {
        const std::string message =
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/signed;\r\n"
            "    micalg=SHA1;\r\n"
            "    boundary=\"----=_NextBoundry____Fri,_06_Sep_2002_00:25:21\";\r\n"
            "    protocol=\"application/pkcs7-signature\"\r\n"
            "\r\n"
            "This is a multi-part message in MIME format.\r\n"
            "\r\n"
            "------=_NextBoundry____Fri,_06_Sep_2002_00:25:21\r\n"
            "\r\n"
            "This is some sample content.\r\n"
            "------=_NextBoundry____Fri,_06_Sep_2002_00:25:21\r\n"
            "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "MIIDdwYJKoZIhvcNAQcCoIIDaDCCA2QCAQExCTAHBgUrDgMCGjAL\r\n"
            "\r\n"
            "------=_NextBoundry____Fri,_06_Sep_2002_00:25:21--\r\n"
            "\r\n";
        const MimeEntity entity = parse(message);
        REQUIRE(entity.is_multipart());
        CHECK(entity.content_type().parameter("micalg") == "SHA1");
        CHECK(str(entity.preamble()) == "This is a multi-part message in MIME format.\r\n");
        REQUIRE(entity.parts().size() == 2);
        const MimeEntity& signed_part = entity.parts()[0];
        // The signed bytes: the line end after the delimiter line starts the part, and the CRLF
        // before the next delimiter is not part of it.
        CHECK(str(signed_part.raw()) == "\r\nThis is some sample content.");
        CHECK(offset_of(signed_part.raw(), message) == 278);
        CHECK(signed_part.header_block_raw().empty());
        CHECK(signed_part.headers().empty());
        CHECK(str(signed_part.body_raw()) == "This is some sample content.");
        CHECK(signed_part.well_formed());
        const MimeEntity& signature = entity.parts()[1];
        CHECK(signature.content_type().media_type() == "application/pkcs7-signature");
        CHECK(signature.content_type().parameter("name") == "smime.p7s");
        CHECK(signature.decoded_body().size() == 39);
        CHECK(str(entity.epilogue()) == "\r\n");
        CHECK(entity.well_formed());
        check_layout(entity);
    }

    TEST_CASE("a content that ends with a line break keeps it: CRLF CRLF before the delimiter") {
        const std::string message =
            "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n"
            "--xyz\r\n\r\nline\r\n\r\n--xyz--";
        const MimeEntity entity = parse(message);
        REQUIRE(entity.parts().size() == 1);
        CHECK(str(entity.parts()[0].raw()) == "\r\nline\r\n");
        CHECK(entity.epilogue().empty());
        CHECK(entity.closed());
    }

    TEST_CASE("nested multiparts, preamble, epilogue and exact offsets") {
        const std::string message =
            "Content-Type: multipart/mixed; boundary=outer\r\n"  // offsets 0..47
            "\r\n"                                               // 47..49
            "preamble\r\n"                                       // 49..59
            "--outer\r\n"                                        // 59..68
            "Content-Type: multipart/alternative; boundary=\"outer-inner\"\r\n"
            "\r\n"
            "--outer-inner\r\n"
            "\r\n"
            "plain\r\n"
            "--outer-inner\r\n"
            "Content-Type: text/html\r\n"
            "\r\n"
            "<p>html</p>\r\n"
            "--outer-inner--\r\n"
            "--outer\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "AAEC\r\n"
            "--outer--\r\n"
            "epilogue\r\n";
        const MimeEntity entity = parse(message);
        CHECK(str(entity.preamble()) == "preamble");
        CHECK(offset_of(entity.preamble(), message) == 49);
        CHECK(str(entity.epilogue()) == "epilogue\r\n");
        REQUIRE(entity.parts().size() == 2);
        const MimeEntity& alternative = entity.parts()[0];
        CHECK(offset_of(alternative.raw(), message) == 68);
        CHECK(alternative.content_type().media_type() == "multipart/alternative");
        REQUIRE(alternative.parts().size() == 2);
        CHECK(str(alternative.parts()[0].raw()) == "\r\nplain");
        CHECK(str(alternative.parts()[1].body_raw()) == "<p>html</p>");
        // "--outer-inner" starts with "--outer" but is not a delimiter of the outer multipart.
        const std::string alternative_raw = str(alternative.raw());
        CHECK(alternative_raw.substr(alternative_raw.size() - 17) == "\r\n--outer-inner--");
        CHECK(str(alternative.epilogue()) == "");
        CHECK(entity.parts()[1].decoded_body() == Bytes{0, 1, 2});
        CHECK(entity.well_formed());
        check_layout(entity);
    }

    TEST_CASE("a boundary inside a line or followed by other text is not a delimiter; padding is") {
        const std::string message =
            "Content-Type: multipart/mixed; boundary=b\n\n"
            "--b \t\n"  // transport padding after the boundary
            "\n"
            "text --b in a line\n"
            "--bb is another boundary\n"
            " --b with a space first\n"
            "--b--x is not a close\n"
            "--b--  \n";
        const MimeEntity entity = parse(message);
        REQUIRE(entity.parts().size() == 1);
        CHECK(str(entity.parts()[0].body_raw()) ==
              "text --b in a line\n--bb is another boundary\n --b with a space first\n--b--x is "
              "not a close");
        CHECK(entity.closed());
        CHECK(entity.well_formed());
    }

    TEST_CASE("a missing close delimiter is tolerated with a note, or refused when strict") {
        const std::string message =
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nunfinished\r\n";
        const MimeEntity entity = parse(message);
        CHECK_FALSE(entity.closed());
        REQUIRE(entity.parts().size() == 1);
        CHECK(str(entity.parts()[0].body_raw()) == "unfinished\r\n");
        REQUIRE(entity.notes().size() == 1);
        CHECK(entity.notes()[0] == "no closing boundary for multipart/mixed");
        CHECK_FALSE(entity.well_formed());
        smimekit::MimeParseLimits strict;
        strict.strict = true;
        CHECK(fixture::message_of([&] { parse(message, strict); }) ==
              "no closing boundary for multipart/mixed");
        CHECK(fixture::errc_of([&] { parse(message, strict); }) == Errc::Malformed);
    }

    TEST_CASE("odd structures are read and noted: no boundary line, no boundary, no blank line") {
        SUBCASE("no boundary line at all") {
            const MimeEntity entity =
                parse("Content-Type: multipart/mixed; boundary=b\n\njust text\n");
            CHECK(entity.parts().empty());
            CHECK(str(entity.preamble()) == "just text\n");
            CHECK(entity.notes().at(0) == "no boundary line '--b' in multipart/mixed");
        }
        SUBCASE("no boundary parameter") {
            const MimeEntity entity = parse("Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n");
            CHECK_FALSE(entity.is_multipart());
            CHECK(entity.notes().at(0) ==
                  "multipart/mixed has no boundary parameter; read as a single part");
        }
        SUBCASE("a header block without the blank line") {
            const MimeEntity entity = parse("Subject: x\nthis is body\n");
            CHECK(entity.headers().size() == 1);
            CHECK(str(entity.body_raw()) == "this is body\n");
            CHECK(entity.notes().at(0) == "the header block ends without a blank line");
        }
        SUBCASE("headers only") {
            const MimeEntity entity = parse("Subject: x\r\n");
            CHECK(str(entity.header_block_raw()) == "Subject: x\r\n");
            CHECK(entity.body_raw().empty());
            CHECK(entity.well_formed());
        }
        SUBCASE("an unreadable Content-Type falls back to text/plain") {
            const MimeEntity entity = parse("Content-Type: nonsense\n\nx");
            CHECK(entity.content_type().media_type() == "text/plain");
            CHECK(entity.notes().size() == 1);
        }
    }

    TEST_CASE("parts of a multipart/digest default to message/rfc822 (RFC 2046 section 5.1.5)") {
        const MimeEntity entity =
            parse("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: a\n\nx\n--d--\n");
        REQUIRE(entity.parts().size() == 1);
        CHECK(entity.parts()[0].content_type().media_type() == "message/rfc822");
    }

    TEST_CASE("decoded_body removes the transfer encoding and refuses unknown ones") {
        CHECK(str(parse("Content-Transfer-Encoding: Quoted-Printable\n\ncaf=C3=A9=\n!")
                      .decoded_body()) == "caf\xC3\xA9!");
        CHECK(str(parse("\nno headers").decoded_body()) == "no headers");
        CHECK(fixture::errc_of([] {
                  (void)parse("Content-Transfer-Encoding: x-uuencode\n\nx").decoded_body();
              }) == Errc::Unsupported);
    }

    // ---- hostile input
    // -------------------------------------------------------------------------------

    TEST_CASE("hostile input: deep nesting, header floods, huge headers, part floods") {
        SUBCASE("1000 nested multiparts") {
            std::string message;
            for (int i = 0; i < 1000; ++i) {
                message += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
                           "\n\n--b" + std::to_string(i) + "\n";
            }
            CHECK(fixture::message_of([&] { parse(message); }) ==
                  "MIME parts nested deeper than 32 levels");
        }
        SUBCASE("100k header fields") {
            std::string message;
            for (int i = 0; i < 100'000; ++i) {
                message += "X-A: b\n";
            }
            CHECK(fixture::message_of([&] { parse(message); }) ==
                  "more than 1000 header fields in one entity");
        }
        SUBCASE("a 2 MB header line") {
            const std::string message = "Subject: " + std::string(2'000'000, 'x') + "\n\nbody";
            CHECK(fixture::errc_of([&] { parse(message); }) == Errc::Malformed);
        }
        SUBCASE("20000 parts") {
            std::string message = "Content-Type: multipart/mixed; boundary=b\n\n";
            for (int i = 0; i < 20'000; ++i) {
                message += "--b\n\nx\n";
            }
            CHECK(fixture::message_of([&] { parse(message); }) == "more than 10000 MIME parts");
        }
        SUBCASE("32 levels are fine") {
            std::string message;
            for (int i = 0; i < 32; ++i) {
                message += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
                           "\n\n--b" + std::to_string(i) + "\n";
            }
            message += "\nleaf";
            const MimeEntity entity = parse(message);
            check_layout(entity);
        }
    }

    TEST_CASE("random input never crashes: it parses with the layout invariant or is Malformed") {
        std::mt19937 random(4134);
        const std::vector<std::string> pieces = {"Content-Type: multipart/mixed; boundary=b\n",
                                                 "Content-Type: multipart/x; boundary=\"c\"\r\n",
                                                 "--b",
                                                 "--b--",
                                                 "--c",
                                                 "\r\n",
                                                 "\n",
                                                 "\r",
                                                 " ",
                                                 "\t",
                                                 ":",
                                                 "X-H: v",
                                                 "text",
                                                 "\xFF",
                                                 "=?utf-8?q?",
                                                 "?=",
                                                 "Content-Transfer-Encoding: base64\n",
                                                 "Content-Type: a/b; x*0*=utf-8''%FF; x*1=y\n"};
        int parsed = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string message;
            const std::size_t count = random() % 40;
            for (std::size_t i = 0; i < count; ++i) {
                message += pieces[random() % pieces.size()];
            }
            if (round % 10 == 0) {
                message.resize(message.size() / 2);
            }
            try {
                const MimeEntity entity = parse(message);
                check_layout(entity);
                for (const smimekit::MimeHeader& header : entity.headers()) {
                    (void)smimekit::decode_header_words(header.value);
                }
                ++parsed;
            } catch (const smimekit::Error& error) {
                CHECK(error.code() == Errc::Malformed);
            }
        }
        CHECK(parsed > 0);
    }

    // ---- the writer
    // ----------------------------------------------------------------------------------

    TEST_CASE("dates are RFC 5322 in UTC") {
        CHECK(smimekit::format_rfc5322_date(fixture::at("2026-11-22T10:00:00Z")) ==
              "Sun, 22 Nov 2026 10:00:00 +0000");
        CHECK(smimekit::format_rfc5322_date(fixture::at("2030-01-01T00:00:00Z")) ==
              "Tue, 01 Jan 2030 00:00:00 +0000");
        CHECK(smimekit::format_rfc5322_date(fixture::at("2024-02-29T23:59:59Z")) ==
              "Thu, 29 Feb 2024 23:59:59 +0000");
    }

    TEST_CASE("mailboxes: parsing, validation and formatting") {
        const smimekit::Mailbox bare = smimekit::parse_mailbox(" bob@example.org ");
        CHECK(bare.address == "bob@example.org");
        CHECK(bare.display_name.empty());
        const smimekit::Mailbox named =
            smimekit::parse_mailbox("Alice Example <alice@example.org>");
        CHECK(named.display_name == "Alice Example");
        CHECK(named.address == "alice@example.org");
        CHECK(smimekit::parse_mailbox("\"Carol, Jr. \\\"C\\\"\" <c@example.org>").display_name ==
              "Carol, Jr. \"C\"");

        CHECK(smimekit::format_mailbox(bare) == "bob@example.org");
        CHECK(smimekit::format_mailbox(named) == "Alice Example <alice@example.org>");
        CHECK(smimekit::format_mailbox({"Carol, Jr.", "c@example.org"}) ==
              "\"Carol, Jr.\" <c@example.org>");
        CHECK(smimekit::format_mailbox({"J\xC3\xBCrgen", "j@example.org"}) ==
              "=?utf-8?q?J=C3=BCrgen?= <j@example.org>");

        for (const char* bad :
             {"no-at-sign", "two@@example.org", "a@b@c", "@example.org", "bob@",
              "bob smith@example.org", "Bob <bob@example.org", "<>", "a<b>@example.org",
              "bob@example.org\r\nBcc: eve@example.org", "Bob\n <bob@example.org>"}) {
            CHECK_MESSAGE(
                fixture::errc_of([&] { smimekit::parse_mailbox(bad); }) == Errc::InvalidArgument,
                bad);
        }
        CHECK(fixture::message_of([] { smimekit::parse_mailbox("x@y\nBcc: z@w"); }) ==
              "an address contains a line break");
    }

    TEST_CASE("media types come from the file extension") {
        CHECK(smimekit::media_type_for_file_name("Report.PDF") == "application/pdf");
        CHECK(smimekit::media_type_for_file_name("a.b.xlsx") ==
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        CHECK(smimekit::media_type_for_file_name("mail.eml") == "message/rfc822");
        CHECK(smimekit::media_type_for_file_name("photo.jpg") == "image/jpeg");
        CHECK(smimekit::media_type_for_file_name("README") == "application/octet-stream");
        CHECK(smimekit::media_type_for_file_name("x.unknown") == "application/octet-stream");
    }

    TEST_CASE("boundaries and message ids look as specified") {
        const std::string content = "some 7bit text";
        const std::vector<BytesView> contents{as_bytes(content)};
        const std::string boundary = smimekit::make_boundary(contents);
        CHECK(boundary.substr(0, 11) == "=_smimekit_");
        CHECK(boundary.size() == 35);
        CHECK(boundary != smimekit::make_boundary());
        const std::string id = smimekit::make_message_id("Alice@Example.ORG");
        CHECK(id.size() == 1 + 32 + 13);
        CHECK(id.substr(33) == "@example.org>");
    }

    TEST_CASE("compose: a plain ASCII message is 7bit with the headers in order") {
        const std::string message = compose(basic_request());
        CHECK(message ==
              "From: Alice Example <alice@example.org>\r\n"
              "To: bob@example.org\r\n"
              "Subject: Hello\r\n"
              "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"
              "Message-ID: <fixed@example.org>\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: 7bit\r\n"
              "\r\n"
              "Hello Bob\r\n");
    }

    TEST_CASE("compose: UTF-8 subject, names and body; quoted-printable where 7bit is not safe") {
        smimekit::ComposeRequest request = basic_request();
        request.from.display_name = "J\xC3\xBCrgen M\xC3\xBCller";
        request.cc = {{"Zo\xC3\xAB", "zoe@example.org"}, {"", "x@example.org"}};
        request.subject =
            "Gr\xC3\xBC\xC3\x9F"
            "e \xE2\x80\x94 " +
            std::string(120, 'a');
        request.body = "Line one\nFrom here\n.\ntrailing \n-- \nJ\xC3\xBCrgen";  // no final LF
        const std::string message = compose(request);
        check_wire_form(message);
        const MimeEntity entity = parse(message);
        CHECK(entity.well_formed());
        CHECK(smimekit::decode_header_words(entity.header("Subject")->value) == request.subject);
        CHECK(smimekit::decode_header_words(entity.header("From")->value) ==
              "J\xC3\xBCrgen M\xC3\xBCller <alice@example.org>");
        CHECK(smimekit::decode_header_words(entity.header("Cc")->value) ==
              "Zo\xC3\xAB <zoe@example.org>, x@example.org");
        CHECK(entity.header("Content-Transfer-Encoding")->value == "quoted-printable");
        CHECK(str(entity.decoded_body()) ==
              "Line one\r\nFrom here\r\n.\r\ntrailing \r\n-- \r\nJ\xC3\xBCrgen\r\n");
    }

    TEST_CASE("compose: long ASCII lines or a leading dot also choose quoted-printable") {
        smimekit::ComposeRequest request = basic_request();
        for (const std::string& body :
             {std::string(77, 'x') + "\n", std::string(".hidden\n"), std::string("a\rb\n")}) {
            request.body = body;
            const std::string message = compose(request);
            const MimeEntity entity = parse(message);
            CHECK(entity.header("Content-Transfer-Encoding")->value == "quoted-printable");
            CHECK(str(entity.decoded_body()) == str(smimekit::to_canonical_crlf(as_bytes(body))));
        }
    }

    TEST_CASE("compose: attachments make multipart/mixed with the text first") {
        Bytes binary(100'000);
        std::mt19937 random(2046);
        std::generate(binary.begin(), binary.end(),
                      [&] { return static_cast<std::uint8_t>(random()); });
        const std::string long_name =
            "a very long file name that needs RFC 2231 sections to stay short " +
            std::string(40, 'n') + ".pdf";
        const std::string eml = "Subject: inner\nFrom: x@example.org\n\ninner body\n";
        const std::string eight_bit_eml = "Subject: caf\xC3\xA9\n\nx\n";
        smimekit::ComposeRequest request = basic_request();
        request.attachments = {
            {"data.bin", "", binary},
            {"\xE2\x82\xAC-Rechnung \xC3\xBC.pdf", "", as_bytes("%PDF-1.4")},
            {long_name, "", as_bytes("x")},
            {"forwarded.eml", "", as_bytes(eml)},
            {"eight.eml", "", as_bytes(eight_bit_eml)},
            {"empty.txt", "", {}},
        };
        smimekit::ComposeResult result;
        Bytes bytes;
        std::size_t largest_piece = 0;
        result = smimekit::compose_message(request, fixture::now(), [&](BytesView piece) {
            largest_piece = std::max(largest_piece, piece.size());
            bytes.insert(bytes.end(), piece.begin(), piece.end());
        });
        CHECK(largest_piece <= 256U * 1024U);
        REQUIRE(result.notes.size() == 1);
        CHECK(result.notes[0].find("'eight.eml' holds 8-bit data") == 0);

        const std::string message = str(bytes);
        check_wire_form(message);
        const MimeEntity entity = parse(message);
        CHECK(entity.well_formed());
        CHECK(entity.content_type().media_type() == "multipart/mixed");
        REQUIRE(entity.parts().size() == 7);
        CHECK(str(entity.parts()[0].decoded_body()) == "Hello Bob\r\n");
        CHECK(entity.parts()[0].content_type().parameter("charset") == "utf-8");

        const auto check_attachment = [&](std::size_t index, const std::string& name,
                                          const std::string& type, BytesView content) {
            const MimeEntity& part = entity.parts().at(index);
            CHECK(part.content_type().media_type() == type);
            CHECK(part.content_type().parameter("name") == name);
            const auto disposition =
                smimekit::parse_content_disposition(part.header("Content-Disposition")->value);
            CHECK(disposition.kind == "attachment");
            CHECK(disposition.parameter("filename") == name);
            CHECK(part.decoded_body() == Bytes(content.begin(), content.end()));
        };
        check_attachment(1, "data.bin", "application/octet-stream", binary);
        CHECK(entity.parts()[1].header("Content-Transfer-Encoding")->value == "base64");
        check_attachment(2, "\xE2\x82\xAC-Rechnung \xC3\xBC.pdf", "application/pdf",
                         as_bytes("%PDF-1.4"));
        check_attachment(3, long_name, "application/pdf", as_bytes("x"));
        CHECK(entity.parts()[3].header("Content-Disposition")->value.find("filename*1") !=
              std::string::npos);
        // A 7-bit .eml goes as message/rfc822 in 7bit, in canonical form.
        const MimeEntity& forwarded = entity.parts()[4];
        CHECK(forwarded.content_type().media_type() == "message/rfc822");
        CHECK(forwarded.header("Content-Transfer-Encoding")->value == "7bit");
        CHECK(str(forwarded.body_raw()) == str(smimekit::to_canonical_crlf(as_bytes(eml))));
        check_attachment(5, "eight.eml", "application/octet-stream", as_bytes(eight_bit_eml));
        check_attachment(6, "empty.txt", "text/plain", {});
    }

    TEST_CASE("compose refuses header injection, bad addresses, no recipients and non-UTF-8") {
        const auto errc = [](const std::function<void(smimekit::ComposeRequest&)>& change) {
            smimekit::ComposeRequest request = basic_request();
            change(request);
            return fixture::errc_of([&] { (void)compose(request); });
        };
        CHECK(errc([](auto& r) { r.subject = "Hi\r\nBcc: eve@example.org"; }) ==
              Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.subject = "caf\xE9"; }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.from.address = "not an address"; }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.to[0].display_name = "Bob\nBcc: eve@example.org"; }) ==
              Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.to.clear(); }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.body = std::string("bin\0ary", 7); }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) { r.message_id = "<a@b>\r\nBcc: x@y"; }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) {
                  r.attachments = {{"bad\nname", "", {}}};
              }) == Errc::InvalidArgument);
        CHECK(errc([](auto& r) {
                  r.to.clear();
                  r.cc = {{"", "c@example.org"}};
              }) == std::nullopt);
    }

}  // TEST_SUITE("mime")
