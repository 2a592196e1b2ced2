#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# gen_chain_pool.py OUTDIR [POOL] [LEAVES]: a PKI for bench/chain.sh, made with
# python3-cryptography (fast enough: ~0.3 ms a certificate with reused EC keys):
#   OUTDIR/root.pem                the trust anchor (RSA-2048)
#   OUTDIR/pool/NNNN.pem           POOL certificates: 100 intermediates under the root, and
#                                  POOL-100 others (leaves of an unrelated CA) as noise
#   OUTDIR/pool.pem                the same pool as one PEM bundle (for openssl -untrusted)
#   OUTDIR/leaves/NNNN.pem         LEAVES S/MIME users, each issued by one of the intermediates
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out = sys.argv[1]
pool_size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
leaf_count = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000
intermediates = 100
start = datetime.datetime(2025, 1, 1)
end = datetime.datetime(2045, 1, 1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smimekit bench"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def build(subject, subject_key, issuer_name, issuer_key, ca, email=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
         .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        b = (b.add_extension(x509.KeyUsage(True, False, False, False, True, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
             .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False))
    return b.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


os.makedirs(f"{out}/pool", exist_ok=True)
os.makedirs(f"{out}/leaves", exist_ok=True)
root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
root_name = name("Bench Root")
root = build(root_name, root_key, root_name, root_key, True)
open(f"{out}/root.pem", "wb").write(pem(root))

user_keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(8)]
inter_keys, inter_names = [], []
bundle = []
for i in range(intermediates):
    key = ec.generate_private_key(ec.SECP256R1())
    n = name(f"Bench Intermediate {i:03d}")
    inter_keys.append(key)
    inter_names.append(n)
    bundle.append(pem(build(n, key, root_name, root_key, True)))
noise_key = ec.generate_private_key(ec.SECP256R1())
noise_name = name("Unrelated CA")
for i in range(pool_size - intermediates):
    bundle.append(pem(build(name(f"noise {i}"), user_keys[i % 8], noise_name, noise_key, False,
                            f"noise{i}@example.net")))
for i, data in enumerate(bundle):
    open(f"{out}/pool/{i:05d}.pem", "wb").write(data)
open(f"{out}/pool.pem", "wb").write(b"".join(bundle))
for i in range(leaf_count):
    j = i % intermediates
    cert = build(name(f"user {i}"), user_keys[i % 8], inter_names[j], inter_keys[j], False,
                 f"user{i}@example.org")
    open(f"{out}/leaves/{i:04d}.pem", "wb").write(pem(cert))
print(f"{out}: root, {len(bundle)} pool certificates, {leaf_count} leaves")
