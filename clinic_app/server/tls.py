"""The clinic's own certificate authority and the server certificate it signs (with `cryptography`)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS = 20
# Long enough that nobody is surprised by an expiry in the first years; `docs/server.md` says how
# to issue a new one from the CA.
SERVER_YEARS = 5


@dataclass(frozen=True)
class IssuedCertificates:
    """PEM bytes of the CA and the server certificate, with the server's private key."""

    ca_cert: bytes
    ca_key: bytes
    server_cert: bytes
    server_key: bytes


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):  # keep order, drop repeats
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def issue(clinic: str, host_names: list[str], now: dt.datetime | None = None) -> IssuedCertificates:
    """A new clinic CA and a server certificate for `host_names` (DNS names or IP addresses);
    libpq's verify-full checks the name a laptop connects to against these."""
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(hours=1)  # a laptop whose clock is a little behind still accepts it
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{clinic} clinic CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_cert, server_key = _server_certificate(ca_cert, ca_key, host_names, start)
    return IssuedCertificates(
        ca_cert=ca_cert.public_bytes(serialization.Encoding.PEM),
        ca_key=_key_pem(ca_key),
        server_cert=server_cert.public_bytes(serialization.Encoding.PEM),
        server_key=_key_pem(server_key),
    )


def _server_certificate(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    host_names: list[str],
    start: dt.datetime,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A new server key and its certificate for `host_names`, signed by the clinic CA."""
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_names[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * SERVER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_san(host_names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return server_cert, server_key


def renew_server(
    ca_cert_pem: bytes, ca_key_pem: bytes, host_names: list[str], now: dt.datetime | None = None
) -> tuple[bytes, bytes]:
    """A new server certificate and key (PEM) from the existing clinic CA, so laptops that trust
    that CA keep connecting; valid for SERVER_YEARS from now."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError("the clinic CA key is not an EC key")
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)
    cert, key = _server_certificate(ca_cert, ca_key, host_names, start)
    return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)


def certificate_names(cert_pem: bytes) -> list[str]:
    """The DNS names and IP addresses a certificate is valid for, in its order."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(entry.value) for entry in san]


def expires(cert_pem: bytes) -> dt.datetime:
    """When a certificate stops being valid (UTC)."""
    return x509.load_pem_x509_certificate(cert_pem).not_valid_after_utc


def fingerprint(cert_pem: bytes) -> str:
    """The certificate's SHA-256 fingerprint as people compare it: AB:CD:… (32 pairs)."""
    digest = x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def write_private(path: Path, data: bytes) -> None:
    """Write a private key readable by its owner only (0600 from the first byte)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write_tls_folder(folder: Path, clinic: str, host_names: list[str]) -> str:
    """A new clinic CA and server certificate as files in `folder` (new or empty), for a
    PostgreSQL the clinic runs itself; returns the CA's SHA-256 fingerprint."""
    folder.mkdir(parents=True, exist_ok=True)
    certs = issue(clinic, host_names)
    (folder / "clinic-ca.crt").write_bytes(certs.ca_cert)
    write_private(folder / "clinic-ca.key", certs.ca_key)
    (folder / "server.crt").write_bytes(certs.server_cert)
    write_private(folder / "server.key", certs.server_key)
    return fingerprint(certs.ca_cert)
