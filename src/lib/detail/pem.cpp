// SPDX-License-Identifier: Apache-2.0
// PEM blocks (RFC 7468). Lenient where real files differ (CRLF, leading text, trailing spaces),
// strict where a mistake would hide damage (unterminated block, bad base64).
#include "detail/pem.hpp"

#include "smimekit/error.hpp"

#include <algorithm>

namespace smimekit::detail {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

std::string_view trim_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    return line;
}

}  // namespace

bool looks_like_pem(BytesView bytes) noexcept {
    // Only the first few KiB: a PEM file may start with explanatory text, a binary file that
    // happens to contain the marker much later is not PEM.
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()),
                                std::min<std::size_t>(bytes.size(), 16 * 1024));
    return text.find(kBegin) != std::string_view::npos;
}

std::vector<PemBlock> parse_pem(std::string_view text) {
    std::vector<PemBlock> blocks;
    std::size_t pos = 0;
    while (true) {
        std::size_t begin = text.find(kBegin, pos);
        // A BEGIN marker must start a line.
        while (begin != std::string_view::npos && begin > 0 && text[begin - 1] != '\n') {
            begin = text.find(kBegin, begin + 1);
        }
        if (begin == std::string_view::npos) {
            break;
        }
        const std::size_t index = blocks.size() + 1;
        const std::size_t line_end = text.find('\n', begin);
        const std::string_view begin_line =
            trim_line(text.substr(begin, line_end == std::string_view::npos ? std::string_view::npos
                                                                           : line_end - begin));
        if (begin_line.size() < kBegin.size() + kDashes.size() ||
            begin_line.substr(begin_line.size() - kDashes.size()) != kDashes) {
            throw Error(Errc::Malformed,
                        "PEM block " + std::to_string(index) + ": malformed BEGIN line");
        }
        const std::string label(begin_line.substr(
            kBegin.size(), begin_line.size() - kBegin.size() - kDashes.size()));
        const std::string end_marker = std::string(kEnd) + label + std::string(kDashes);
        const std::size_t end = text.find(end_marker, begin);
        if (line_end == std::string_view::npos || end == std::string_view::npos) {
            throw Error(Errc::Malformed, "PEM block " + std::to_string(index) + " (" + label +
                                             "): no END line (truncated?)");
        }
        const std::string_view body = text.substr(line_end + 1, end - line_end - 1);
        PemBlock block;
        block.label = label;
        block.index = index;
        std::size_t block_end = end + end_marker.size();
        block.text = text.substr(begin, block_end - begin);
        block.has_headers = body.find(':') != std::string_view::npos;
        if (!block.has_headers) {
            try {
                block.der = base64_decode(body);
            } catch (const Error&) {
                throw Error(Errc::Malformed, "PEM block " + std::to_string(index) + " (" + label +
                                                 "): body is not valid base64");
            }
        }
        blocks.push_back(std::move(block));
        pos = block_end;
    }
    return blocks;
}

std::string pem_encode(std::string_view label, BytesView der) {
    const std::string body = base64_encode(der);
    std::string text = "-----BEGIN " + std::string(label) + "-----\n";
    text.reserve(text.size() * 2 + body.size() + body.size() / 64 + 2);
    for (std::size_t start = 0; start < body.size(); start += 64) {
        text.append(body, start, 64);
        text += '\n';
    }
    text += "-----END " + std::string(label) + "-----\n";
    return text;
}

}  // namespace smimekit::detail
