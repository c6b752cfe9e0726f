"""A tiny fake Mastodon server on loopback: WebFinger, ActivityPub actors and account lookup.

mastodon-mock serves WebFinger but no actor documents (``/users/:name`` is a 404) and its
``moved`` is always null, so the move checks run against this instead. ``FakeFedi`` holds
accounts; ``remote`` maps a full handle to an account JSON the server shows for a remote
account (as a real server would after federation).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeAccount:
    username: str
    followers_count: int = 0
    also_known_as: list[str] = field(default_factory=list)
    moved: dict[str, Any] | None = None
    actor_override: dict[str, Any] | None = None


class FakeFedi:
    """One fake server for ``domain``, started on a free loopback port."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.accounts: dict[str, FakeAccount] = {}
        self.remote: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.actor_status = 200
        self.serve_actors = True
        self.webfinger = True
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append((self.path, self.headers.get("Accept", "")))
                status, body, ctype = fake.route(self.path, self.headers.get("Accept", ""))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> FakeFedi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, username: str, **kw: Any) -> FakeAccount:
        self.accounts[username] = FakeAccount(username, **kw)
        return self.accounts[username]

    def actor_uri(self, username: str) -> str:
        return f"{self.base_url}/users/{username}"

    def handle(self, username: str) -> str:
        return f"{username}@{self.domain}"

    def account_json(self, username: str) -> dict[str, Any]:
        acc = self.accounts[username]
        return {"id": str(abs(hash(username)) % 10**9), "username": username, "acct": username,
                "url": f"{self.base_url}/@{username}", "uri": self.actor_uri(username),
                "followers_count": acc.followers_count, "following_count": 0,
                "moved": acc.moved}

    def route(self, path: str, accept: str) -> tuple[int, Any, str]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/webfinger":
            user, _, domain = query.get("resource", "").removeprefix("acct:").partition("@")
            if not self.webfinger or user not in self.accounts or domain != self.domain:
                return 404, {"error": "Record not found"}, "application/json"
            return 200, {"subject": f"acct:{user}@{self.domain}", "links": [
                {"rel": "self", "type": "application/activity+json",
                 "href": self.actor_uri(user)}]}, "application/jrd+json"
        if parts.path.startswith("/users/"):
            user = parts.path.removeprefix("/users/")
            if not self.serve_actors or user not in self.accounts:
                return 404, {"error": "Record not found"}, "application/json"
            if "activity+json" not in accept:
                return 406, b"<html>profile page</html>", "text/html"
            acc = self.accounts[user]
            actor = acc.actor_override or {
                "@context": ["https://www.w3.org/ns/activitystreams"],
                "id": self.actor_uri(user), "type": "Person", "preferredUsername": user,
                "alsoKnownAs": acc.also_known_as}
            return self.actor_status, actor, "application/activity+json"
        if parts.path == "/api/v1/accounts/lookup":
            acct = query.get("acct", "")
            user, _, domain = acct.partition("@")
            if (not domain or domain == self.domain) and user in self.accounts:
                return 200, self.account_json(user), "application/json"
            if acct in self.remote:
                return 200, self.remote[acct], "application/json"
            return 404, {"error": "Record not found"}, "application/json"
        if parts.path == "/huge":
            return 200, {"id": "x", "pad": "x" * 50_000}, "application/activity+json"
        return 404, {"error": "Record not found"}, "application/json"
