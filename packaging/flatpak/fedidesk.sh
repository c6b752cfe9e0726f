#!/bin/sh
# Flatpak launcher: /app/bin/fedidesk.
exec python3 -m fedidesk "$@"
