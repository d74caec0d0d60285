"""Mail fixtures: real SMTP servers on 127.0.0.1."""

from tests.smtp_server import smtp_server, tls_smtp_server  # noqa: F401
