#!/usr/bin/env bash
# Build the Linux one-folder bundle with PyInstaller into build/, then smoke-test it offscreen.
#
#   bash packaging/build_linux.sh            # build + smoke test
#   SKIP_BUILD=1 bash packaging/build_linux.sh   # smoke-test an existing build/dist/fedidesk
#
# PyInstaller comes from a throwaway environment (`uv run --with`), so it never enters
# uv.lock. The result is build/dist/fedidesk/ (run build/dist/fedidesk/fedidesk) and
# build/fedidesk-<version>-linux-<arch>.tar.gz. The smoke test needs no display, network or
# keyring: it checks `--version`, then starts the GUI on Qt's offscreen platform with a
# temporary profile in session-only mode, saves a screenshot and expects a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"
DIST=build/dist
WORK=build/work
APP="$DIST/fedidesk/fedidesk"
start=$(date +%s)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== pyinstaller ($PYINSTALLER_SPEC)"
  rm -rf "$DIST/fedidesk" "$WORK"
  uv run --with "$PYINSTALLER_SPEC" pyinstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/fedidesk.spec
fi
built=$(date +%s)
rm -f build/smoke-window.png build/smoke-sandbox.png
[ -x "$APP" ] || { echo "error: $APP was not built" >&2; exit 1; }

echo "== smoke: --version"
version_out=$("$APP" --version)
echo "$version_out"
expected=$(uv run python -c 'import fedidesk; print(fedidesk.__version__)')
[ "$version_out" = "fedidesk $expected" ] || {
  echo "error: expected 'fedidesk $expected'" >&2; exit 1; }

echo "== smoke: the window opens offscreen and the app exits cleanly"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
  timeout 60 "$APP" --profile-dir "$tmp/profile" --session-only \
  --screenshot "$tmp/window.png" --screenshot-delay 2 >"$tmp/out.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/window.png" ]; then
  echo "error: GUI smoke test failed (exit $rc)" >&2
  cat "$tmp/out.log" >&2
  exit 1
fi
if grep -Eq "Traceback|Error:|QWidget::|Cannot|Could not load the Qt platform" "$tmp/out.log"; then
  echo "error: the GUI smoke test logged problems:" >&2
  cat "$tmp/out.log" >&2
  exit 1
fi
mkdir -p build
cp "$tmp/window.png" build/smoke-window.png
echo "screenshot: build/smoke-window.png ($(stat -c %s build/smoke-window.png) bytes)"

echo "== smoke: resources are bundled where importlib.resources looks"
for f in fedidesk.svg icons/fedidesk-16.png icons/fedidesk-512.png servers_snapshot.json \
         org.fedidesk.fedidesk.desktop org.fedidesk.fedidesk.metainfo.xml; do
  [ -s "$DIST/fedidesk/_internal/fedidesk/resources/$f" ] || {
    echo "error: $f is missing from the bundle" >&2; exit 1; }
done

# mastodon-mock itself is inside the PYZ archive; its copied metadata shows it is bundled.
if compgen -G "$DIST/fedidesk/_internal/mastodon_mock-*.dist-info" >/dev/null; then
  echo "== smoke: --sandbox (the bundled practice server) fills the deck"
  set +e
  QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring \
    timeout 90 "$APP" --sandbox --profile-dir "$tmp/sandbox" \
    --screenshot "$tmp/sandbox.png" --screenshot-delay 4 >"$tmp/sandbox.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -ne 0 ] || [ ! -s "$tmp/sandbox.png" ] || grep -q Traceback "$tmp/sandbox.log"; then
    echo "error: sandbox smoke test failed (exit $rc)" >&2
    cat "$tmp/sandbox.log" >&2
    exit 1
  fi
  cp "$tmp/sandbox.png" build/smoke-sandbox.png
  echo "screenshot: build/smoke-sandbox.png"
fi

arch=$(uname -m)
tarball="build/fedidesk-$expected-linux-$arch.tar.gz"
tar -C "$DIST" -czf "$tarball" fedidesk
done_at=$(date +%s)
echo "== done: $(du -sh "$DIST/fedidesk" | cut -f1) bundle, $tarball"
echo "build $((built - start)) s, smoke test + archive $((done_at - built)) s"
