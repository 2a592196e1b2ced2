// SPDX-License-Identifier: Apache-2.0
// Fuzz target "mime": parse_mime (lenient and strict) over a whole message, then everything a
// reader of the tree calls: header words, Content-Type and Content-Disposition parameters,
// mailboxes, transfer decoding, and message/rfc822 parts parsed in turn. Checks the promises
// of mime.hpp: raw() is header block + blank line + body, byte-exact views into the input, and
// the chunked CRLF canonicalizer equals the one-shot one however the input is cut.
#include "fuzz_support.hpp"

#include <smimekit/error.hpp>
#include <smimekit/mime.hpp>

namespace {

using namespace smimekit;  // NOLINT(google-build-using-namespace): a fuzz target

bool inside(BytesView part, BytesView whole) noexcept {
    return part.empty() ||
           (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void walk(const MimeEntity& entity, BytesView message, int rfc822_depth) {
    fuzz::fuzz_assert(inside(entity.raw(), message), "an entity view outside the input");
    fuzz::fuzz_assert(entity.raw().size() >= entity.header_block_raw().size() + entity.body_raw().size() &&
                          entity.raw().size() <= entity.header_block_raw().size() + 2 +
                                                     entity.body_raw().size(),
                      "raw() is not header block + blank line + body");
    fuzz::fuzz_assert(entity.header_block_raw().empty() ||
                          entity.header_block_raw().data() == entity.raw().data(),
                      "the header block does not start the entity");
    fuzz::fuzz_assert(entity.body_raw().empty() ||
                          entity.body_raw().data() + entity.body_raw().size() ==
                              entity.raw().data() + entity.raw().size(),
                      "the body does not end the entity");
    for (const MimeHeader& header : entity.headers()) {
        fuzz::fuzz_assert(inside(header.raw, message), "a header view outside the input");
        (void)decode_header_words(header.value);
        try {
            if (entity.header("Content-Disposition") == &header) {
                (void)parse_content_disposition(header.value).parameter("filename");
            } else if (entity.header("From") == &header || entity.header("To") == &header) {
                (void)parse_mailbox(decode_header_words(header.value));
            } else if (entity.header("Content-Type") == &header) {
                (void)parse_content_type(header.value).parameter("boundary");
            }
        } catch (const Error&) {
        }
    }
    (void)entity.content_type().media_type();
    (void)entity.transfer_encoding();
    try {
        (void)entity.decoded_body();
    } catch (const Error&) {
    }
    (void)decode_quoted_printable(entity.body_raw());
    for (const MimeEntity& part : entity.parts()) {
        walk(part, message, rfc822_depth);
    }
    if (!entity.is_multipart() && entity.content_type().media_type() == "message/rfc822" &&
        rfc822_depth < 3) {
        try {
            walk(parse_mime(entity.body_raw()), message, rfc822_depth + 1);
        } catch (const Error&) {
        }
    }
    (void)entity.well_formed();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const BytesView message = fuzz::input(data, size);
    for (const bool strict : {false, true}) {
        MimeParseLimits limits;
        limits.strict = strict;
        try {
            walk(parse_mime(message, limits), message, 0);
        } catch (const Error&) {
        }
    }

    // Any cut of the input into two chunks canonicalizes like the whole.
    const Bytes whole = to_canonical_crlf(message);
    const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
    CrlfCanonicalizer chunked;
    Bytes pieces = chunked.feed(message.first(cut));
    chunked.feed(message.subspan(cut), pieces);
    fuzz::fuzz_assert(pieces == whole, "CrlfCanonicalizer differs from to_canonical_crlf");
    return 0;
}
