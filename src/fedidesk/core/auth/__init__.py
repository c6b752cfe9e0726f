"""Signing in: system-browser OAuth with PKCE and a loopback redirect (RFC 8252).

* ``pkce``      verifier, S256 challenge and ``state``.
* ``loopback``  the one-shot ``127.0.0.1`` listener that receives the authorization code.
* ``oauth``     discovery, app registration (cached), authorize URL, code exchange, revoke.
* ``login``     the whole flow for the CLI and the GUI (no Qt here).

Login never happens in an embedded web view: the user's own browser is opened.
"""
