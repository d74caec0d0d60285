"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), plain or TLS, and what it received."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


class Inbox:
    """aiosmtpd's handler: keeps every message it accepts and wakes whoever waits for one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        """Accept the message and keep it, parsed."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, to: str, timeout: float = 30) -> EmailMessage:
        """The first message to `to`, waited for up to `timeout` seconds; fails the test after."""

        def found() -> EmailMessage | None:
            return next((m for m in self.messages if m["To"] == to), None)

        with self._arrived:
            if not self._arrived.wait_for(found, timeout):
                got = [(m["To"], m["Subject"]) for m in self.messages]
                pytest.fail(f"no message to {to} within {timeout} s; received {got}")
            return found()


class SmtpServer:
    """One running aiosmtpd server and its inbox."""

    def __init__(self, **controller_options) -> None:
        self.inbox = Inbox()
        self.port = _free_port()
        self._controller = Controller(
            self.inbox, hostname=HOST, port=self.port, **controller_options
        )

    def start(self) -> SmtpServer:
        """Listen until stop()."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid one day, and its key: (cert, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "storefront test SMTP")])
    now = datetime.now(UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        # A trust anchor that OpenSSL's strict checks accept: a CA that may sign itself.
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on a free port of 127.0.0.1 for one test."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def tls_smtp_server(tmp_path, monkeypatch) -> Iterator[Callable[[str], SmtpServer]]:
    """Start a TLS SMTP server: `tls_smtp_server("ssl")` (implicit, port-465 style) or "starttls".

    Its self-signed certificate is made trusted for the test through SSL_CERT_FILE, which
    OpenSSL reads whenever a default context loads the system's trust store.
    """
    cert_file, key_file = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    servers: list[SmtpServer] = []

    def start(mode: str) -> SmtpServer:
        if mode == "ssl":
            server = SmtpServer(ssl_context=context)
        else:
            server = SmtpServer(tls_context=context, require_starttls=True)
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()
