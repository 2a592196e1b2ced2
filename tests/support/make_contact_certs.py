#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Makes end-entity certificates with chosen addresses, dates and key usage for the inventory
# tests (renewals, role splits, hostile names), which certs-test/ has no pairs of. Made at run
# time with python3-cryptography, independently of smimekit; each gets its own P-256 key and is
# self-issued with basicConstraints CA:FALSE (no chain is ever built from them).
#
#   make_contact_certs.py OUTDIR SPECFILE
# SPECFILE has one certificate a line, fields separated by '|':
#   NAME|COMMON NAME|ADDRESS,ADDRESS...|NOT BEFORE|NOT AFTER|ROLE
# dates as YYYY-MM-DD (UTC midnight); ROLE is sign, enc, both, none (no key usage extension)
# or ca. It writes OUTDIR/NAME.der. An empty address list gives a certificate without a SAN.
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def key_usage(role):
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=False,
                 crl_sign=False, encipher_only=False, decipher_only=False)
    if role in ("sign", "both"):
        flags.update(digital_signature=True, content_commitment=True)
    if role in ("enc", "both"):
        flags.update(key_agreement=True)
    if role == "ca":
        flags.update(key_cert_sign=True, crl_sign=True)
    return x509.KeyUsage(**flags)


def make(line, outdir):
    name, common_name, addresses, not_before, not_after, role = line.split("|")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smimekit test"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    day = lambda text: datetime.datetime.strptime(text, "%Y-%m-%d")
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(day(not_before)).not_valid_after(day(not_after))
               .add_extension(x509.BasicConstraints(ca=role == "ca", path_length=None),
                              critical=True))
    if role != "none":
        builder = builder.add_extension(key_usage(role), critical=True)
    if role != "ca":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    emails = [a for a in addresses.split(",") if a]
    if emails:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(a) for a in emails]), critical=False)
    certificate = builder.sign(key, hashes.SHA256())
    with open(f"{outdir}/{name}.der", "wb") as out:
        out.write(certificate.public_bytes(serialization.Encoding.DER))


def main():
    outdir, specfile = sys.argv[1], sys.argv[2]
    with open(specfile, encoding="utf-8") as specs:
        for line in specs:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                make(line, outdir)


if __name__ == "__main__":
    main()
