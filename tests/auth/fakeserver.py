"""A fake Mastodon OAuth server on ``httpx.MockTransport`` that records every request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

BASE = "https://social.example"
TOKEN = "tok-SECRET-0123456789abcdef"
CLIENT_SECRET = "client-SECRET-abcdef0123456789"


@dataclass
class FakeServer:
    """Configurable fake; ``calls`` maps ``METHOD path`` to the list of form bodies seen."""

    metadata: dict[str, Any] | None = None  # None → 404
    version: str = "4.4.0"
    apps_status: int = 200
    revoke_status: int = 200
    calls: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    issued_codes: set[str] = field(default_factory=set)

    def count(self, key: str) -> int:
        return len(self.calls.get(key, []))

    def form(self, key: str, index: int = -1) -> dict[str, str]:
        return self.calls[key][index]

    def handler(self, request: httpx.Request) -> httpx.Response:
        key = f"{request.method} {request.url.path}"
        body = request.content.decode() if request.content else ""
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        form["_authorization"] = request.headers.get("authorization", "")
        self.calls.setdefault(key, []).append(form)
        if key == "GET /.well-known/oauth-authorization-server":
            if self.metadata is None:
                return httpx.Response(404, text="<html>not found</html>")
            return httpx.Response(200, json=self.metadata)
        if key == "GET /api/v1/instance":
            return httpx.Response(200, json={"uri": "social.example", "version": self.version})
        if key == "POST /api/v1/apps":
            if self.apps_status != 200 and "127.0.0.1" in form.get("redirect_uris", ""):
                return httpx.Response(self.apps_status, json={"error": "redirect_uri invalid"})
            return httpx.Response(200, json={
                "id": "1", "name": form.get("client_name"), "client_id": "client-id-1",
                "client_secret": CLIENT_SECRET,
                "redirect_uris": form.get("redirect_uris", "").split("\n")})
        if key == "POST /oauth/token":
            if form.get("code") not in self.issued_codes:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json={"access_token": TOKEN, "token_type": "Bearer",
                                             "scope": form.get("scope", "read")})
        if key == "POST /oauth/revoke":
            return httpx.Response(self.revoke_status, json={})
        if key == "GET /api/v1/accounts/verify_credentials":
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return httpx.Response(401, json={"error": "The access token is invalid"})
            return httpx.Response(200, json={
                "id": "42", "username": "alice", "acct": "alice", "display_name": "Alice",
                "url": "https://social.example/@alice", "avatar": "https://social.example/a.png"})
        if key == "GET /api/v1/apps/verify_credentials":
            return httpx.Response(200, json={"name": "x", "scopes": ["read", "profile"]})
        return httpx.Response(404, text=json.dumps({"error": "not found"}))

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))

    def standard_metadata(self, base: str = BASE) -> dict[str, Any]:
        return {
            "issuer": f"{base}/",
            "authorization_endpoint": f"{base}/oauth/authorize",
            "token_endpoint": f"{base}/oauth/token",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "code_challenge_methods_supported": ["S256"],
        }
