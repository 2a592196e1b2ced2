#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Oracle test for `smimekit mail compose`: Python's email package (policy=email.policy.default,
# an independent MIME parser) must read every composed message without defects, decode the
# headers to the text given on the command line, the body to the exact original bytes (in
# canonical CRLF form) and each attachment byte for byte with its media type and file name;
# and every line of the file must be 7-bit, end with CRLF, be at most 78 characters long, and
# hold no raw "From " at its start, lone dot or trailing white space.
set -euo pipefail
smimekit=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
compose() { "$smimekit" mail compose --quiet --now 2026-11-22T10:00:00Z "$@"; }

# The inputs: a body with everything quoted-printable must protect, and attachments of several
# kinds (binary, a non-ASCII name, a name long enough for RFC 2231 sections, LF text, a .eml).
printf 'Gr\303\274\303\237 Gott,\nFrom now on this line starts with From.\n.\n.leading dot\ntrailing spaces   \ntrailing tab\t\nequals = signs == everywhere=\n%s\n-- \nJ\303\274rgen \342\202\254 \360\237\230\200\n' \
    "$(printf 'long line %.0s' $(seq 1 20))" > body.txt
head -c 200000 /dev/urandom > random.bin
printf '%%PDF-1.4\n%%\342\343\317\323\n' > 'Prüfbericht €.pdf'
long_name="Quarterly report of the department for very long file names $(printf 'x%.0s' $(seq 1 40)).docx"
printf 'PK\003\004 not really a docx' > "$long_name"
printf 'line one\nline two\n' > notes.txt
printf 'From: inner@example.org\nSubject: inner message\n\ninner body\n' > forwarded.eml

compose --from 'Alice Example <alice@example.org>' --to bob@example.org --subject 'Plain ASCII' \
    --body 'Hello Bob' -o plain.eml
compose --from 'Jürgen Müller <juergen@example.org>' --to 'Zoë Ångström <zoe@example.org>' \
    --to '"Doe, John" <john@example.org>' --cc 'Δημήτρης <d@example.org>' \
    --subject 'Grüße aus Köln — Prüfbericht für das dritte Quartal, mit Emoji 😀 und sehr langem Betreff' \
    --body-file body.txt --attach random.bin --attach 'Prüfbericht €.pdf' --attach "$long_name" \
    --attach notes.txt --attach forwarded.eml -o rich.eml
compose --from alice@example.org --to bob@example.org --subject 'no final newline' \
    --body 'no newline at the end' --attach notes.txt -o short.eml

LONG_NAME=$long_name /usr/bin/python3 - <<'PY'
import datetime, email, email.policy, os, re, sys

def load(name):
    raw = open(name, "rb").read()
    # Wire form: 7-bit, CRLF everywhere, lines of at most 78 characters.
    assert raw.endswith(b"\r\n"), f"{name}: does not end with CRLF"
    for number, line in enumerate(raw[:-2].split(b"\r\n"), 1):
        assert b"\r" not in line and b"\n" not in line, f"{name}:{number}: bare CR or LF"
        assert len(line) <= 78, f"{name}:{number}: {len(line)} characters: {line!r}"
        assert all(b < 128 for b in line), f"{name}:{number}: 8-bit data"
        # Mail safety (interop.md section 6.3): what transports mangle never appears raw.
        assert not line.startswith(b"From "), f"{name}:{number}: unprotected 'From '"
        assert line != b".", f"{name}:{number}: a lone dot"
        assert not line.endswith((b" ", b"\t")), f"{name}:{number}: trailing white space"
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for part in message.walk():
        assert not part.defects, f"{name}: {part.get_content_type()}: {part.defects}"
    assert message["date"].datetime == datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.timezone.utc)
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.org>", message["message-id"]), message["message-id"]
    assert message["mime-version"] == "1.0"
    return message

def mailboxes(header):
    return [(a.display_name, a.addr_spec) for a in header.addresses]

def canonical(data):
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data if data.endswith(b"\r\n") else data + b"\r\n"

def check_text(part, expected):
    assert part.get_content_type() == "text/plain" and part.get_content_charset() == "utf-8"
    assert part["content-transfer-encoding"] in ("7bit", "quoted-printable")
    decoded = part.get_payload(decode=True)
    assert decoded == canonical(expected), f"body differs:\n{decoded!r}\n{canonical(expected)!r}"

def check_attachment(part, filename, media_type, content):
    assert part.get_content_type() == media_type, (part.get_content_type(), media_type)
    assert part.get_filename() == filename, (part.get_filename(), filename)
    assert part.get_content_disposition() == "attachment"
    assert part.get_payload(decode=True) == content, f"{filename}: content differs"

plain = load("plain.eml")
assert mailboxes(plain["from"]) == [("Alice Example", "alice@example.org")]
assert plain["subject"] == "Plain ASCII"
assert plain["content-transfer-encoding"] == "7bit"
check_text(plain, b"Hello Bob")

rich = load("rich.eml")
assert rich["subject"] == ("Grüße aus Köln — Prüfbericht für das dritte Quartal, mit Emoji 😀 "
                           "und sehr langem Betreff"), rich["subject"]
assert mailboxes(rich["from"]) == [("Jürgen Müller", "juergen@example.org")]
assert mailboxes(rich["to"]) == [("Zoë Ångström", "zoe@example.org"), ("Doe, John", "john@example.org")]
assert mailboxes(rich["cc"]) == [("Δημήτρης", "d@example.org")]
assert rich.get_content_type() == "multipart/mixed"
parts = list(rich.iter_parts())
assert len(parts) == 6, len(parts)
check_text(parts[0], open("body.txt", "rb").read())
assert parts[0]["content-transfer-encoding"] == "quoted-printable"
check_attachment(parts[1], "random.bin", "application/octet-stream", open("random.bin", "rb").read())
check_attachment(parts[2], "Prüfbericht €.pdf", "application/pdf", open("Prüfbericht €.pdf", "rb").read())
long_name = os.environ["LONG_NAME"]
check_attachment(parts[3], long_name,
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 open(long_name, "rb").read())
check_attachment(parts[4], "notes.txt", "text/plain", b"line one\nline two\n")
forwarded = parts[5]
assert forwarded.get_content_type() == "message/rfc822" and forwarded.get_filename() == "forwarded.eml"
inner = forwarded.get_payload()[0]
assert inner["subject"] == "inner message" and inner.get_payload() == "inner body\r\n"

short = load("short.eml")
check_text(next(short.iter_parts()), b"no newline at the end")
print("python email agrees: 3 messages, headers, bodies and 6 attachments decode exactly")
PY
