"""A tiny threaded web server with canned pages, and a self-signed certificate for it."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


class PageServer:
    """Serves ``routes[path]`` for GET and HEAD on 127.0.0.1; records every request."""

    def __init__(self, certificate: tuple[Path, Path] | None = None) -> None:
        self.routes: dict[str, Page] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, with_body: bool) -> None:
                owner.requests.append((self.command, self.path, dict(self.headers)))
                missing = Page(404, b"not found", {"Content-Type": "text/plain"})
                page = owner.routes.get(self.path) or owner.routes.get(
                    self.path.split("?", 1)[0], missing)
                self.send_response(page.status)
                for key, value in page.headers.items():
                    self.send_header(key, value.replace("{base}", owner.base_url))
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                if with_body:
                    try:
                        self.wfile.write(page.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading (the 1 MB cap)

            def do_GET(self) -> None:
                self._serve(True)

            def do_HEAD(self) -> None:
                self._serve(False)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.base_url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def add(self, path: str, body: str | bytes = b"", status: int = 200,
            content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **{k.replace("_", "-"): v
                                                          for k, v in headers.items()}}
        self.routes[path] = Page(status, data, all_headers)
        return f"{self.base_url}{path}"

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        return self.add(path, b"", status, "text/plain", Location=to)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1/localhost: ``(cert.pem, key.pem)``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
