"""One fedidesk per profile: a second launch hands its links to the first and exits.

The first instance listens on a local socket (a named pipe on Windows) named after the
user and the profile folder. A second launch connects, sends the URLs it was started with
(``web+mastodon://…``, profile or post links) as one JSON line, and quits; the first one
comes to the front and opens them inside the app.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("fedidesk.ui.instance")

MAX_MESSAGE = 64 * 1024


def server_name(profile_key: str) -> str:
    """A socket name unique to this user and profile folder."""
    digest = hashlib.sha256(f"{getpass.getuser()}|{profile_key}".encode()).hexdigest()[:16]
    return f"fedidesk-{digest}"


def hand_over(name: str, urls: list[str], timeout_ms: int = 1500) -> bool:
    """Pass ``urls`` to a running instance; False when none is listening."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write((json.dumps({"urls": urls}) + "\n").encode("utf-8"))
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    # Finish the goodbye now: a socket freed with events still queued crashes Qt later.
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return True


class SingleInstance(QObject):
    """The first instance's listener.

    Signals:
        activated(list): another launch asked to come to the front, with these URLs.
    """

    activated = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self._sockets: list[QLocalSocket] = []
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        # A crashed instance can leave a stale socket file behind (Unix).
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._sockets.append(socket)
            socket.readyRead.connect(self._ready)
            socket.disconnected.connect(self._ready)

    def _ready(self) -> None:
        for socket in list(self._sockets):
            self._read(socket)
            if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState \
                    and not socket.bytesAvailable():
                self._sockets.remove(socket)
                socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_MESSAGE).data())
        try:
            message = json.loads(line.decode("utf-8"))
            urls = [u for u in message.get("urls", []) if isinstance(u, str)][:20]
        except (ValueError, AttributeError, UnicodeDecodeError):
            log.warning("Ignoring a malformed message from another fedidesk launch")
            return
        self.activated.emit(urls)

    def close(self) -> None:
        for socket in self._sockets:
            socket.readyRead.disconnect(self._ready)
            socket.disconnected.disconnect(self._ready)
            socket.abort()
        self._sockets.clear()
        self.server.close()
