"""Key material for os-keypairs: real keys and certificates, and fingerprints computed as Nova does.

Checked against nova/crypto.py (nova 34): generated SSH keys are RSA 2048, the private key in
traditional PEM ("BEGIN RSA PRIVATE KEY"), the public key "ssh-rsa <base64> Generated-by-Nova".
x509 "keys" are a self-signed certificate for CN=<user_id> (clientAuth, UPN <user_id>@localhost)
and, as the private key, the base64 of a PKCS#12 bundle of key and certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from fakenova.errors import BadRequest

SSH = "ssh"
X509 = "x509"

RSA_BITS = 2048
CERT_VALID_DAYS = 3650  # openssl req -days 3650 in nova/crypto.py
# Microsoft's User Principal Name, the subjectAltName otherName WinRM certificate auth matches on.
_UPN_OID = "1.3.6.1.4.1.311.20.2.3"
# cryptography is imported by the functions that need it: importing it costs tens of milliseconds
# of start-up, and most fakes never touch a keypair.


@dataclass(frozen=True)
class KeyMaterial:
    private_key: str
    public_key: str
    fingerprint: str


def invalid_keypair(reason: str) -> BadRequest:
    return BadRequest(f"Keypair data is invalid: {reason}")


def _colon_hex(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)


def fingerprint(public_key: str, key_type: str) -> str:
    """The fingerprint Nova stores, or 400 "Keypair data is invalid: ..." for unusable input."""
    if key_type == X509:
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def ssh_fingerprint(public_key: str) -> str:
    """MD5 of the decoded key blob, colon-separated hex (the OpenSSH "legacy" fingerprint).

    Like Nova, the key must load as an OpenSSH public key, and the blob is the second
    space-separated field decoded leniently; any failure is the same 400."""
    from cryptography.hazmat.primitives import serialization

    try:
        serialization.load_ssh_public_key(public_key.encode("utf-8"))
        blob = base64.b64decode(public_key.split(" ")[1])
    except Exception:  # Nova maps every failure here to one message
        raise invalid_keypair("failed to generate fingerprint") from None
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_fingerprint(pem: str) -> str:
    """SHA1 of the DER certificate, colon-separated hex."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("utf-8"))
        digest = certificate.fingerprint(hashes.SHA1())  # noqa: S303 - Nova's choice, not ours
    except (ValueError, TypeError) as exc:
        raise invalid_keypair(f"failed to generate X509 fingerprint. Error message: {exc}") from None
    return _colon_hex(digest)


def generate(key_type: str, user_id: str, now: dt.datetime) -> KeyMaterial:
    if key_type == X509:
        return generate_x509(user_id, now)
    return generate_ssh()


def generate_ssh() -> KeyMaterial:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode("ascii")
    openssh = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode("ascii")
    public_key = f"{openssh} Generated-by-Nova"
    return KeyMaterial(private_pem, public_key, ssh_fingerprint(public_key))


def generate_x509(user_id: str, now: dt.datetime) -> KeyMaterial:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    upn = x509.OtherName(ObjectIdentifier(_UPN_OID), _der_utf8_string(f"{user_id}@localhost"))
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([upn]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    # Nova exports with an empty password; an unencrypted bundle loads the same way (password None).
    bundle = pkcs12.serialize_key_and_certificates(
        name=None, key=key, cert=certificate, cas=None, encryption_algorithm=serialization.NoEncryption()
    )
    return KeyMaterial(base64.b64encode(bundle).decode("ascii"), pem, x509_fingerprint(pem))


def _der_utf8_string(text: str) -> bytes:
    """DER UTF8String (tag 0x0c), the value openssl writes for "otherName:...;UTF8:text"."""
    data = text.encode("utf-8")
    if len(data) < 0x80:
        length = bytes([len(data)])
    else:
        size = (len(data).bit_length() + 7) // 8
        length = bytes([0x80 | size]) + len(data).to_bytes(size, "big")
    return b"\x0c" + length + data
