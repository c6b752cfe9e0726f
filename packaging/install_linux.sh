#!/usr/bin/env bash
# Install the Linux bundle for the current user (no root), so fedidesk appears in the
# desktop menu with its icon and `fedidesk` runs from a terminal.
#
#   bash packaging/install_linux.sh                 # the newest bundle under build/
#   bash packaging/install_linux.sh BUNDLE_DIR      # a bundle folder (has ./fedidesk)
#   bash packaging/install_linux.sh fedidesk-0.1.0-linux-x86_64.tar.gz
#   bash packaging/install_linux.sh --uninstall     # remove exactly what was installed
#
# Where things go (XDG base directories; DATA is ${XDG_DATA_HOME:-~/.local/share}):
#   DATA/fedidesk-app/                 the bundle (not DATA/fedidesk/: that folder is the
#                                      app's own data: your database and draft media)
#   ~/.local/bin/fedidesk              a symlink to DATA/fedidesk-app/fedidesk
#   DATA/applications/org.fedidesk.fedidesk.desktop   Exec/TryExec = the absolute path
#   DATA/icons/hicolor/<N>x<N>/apps/<Icon>.png, .../scalable/apps/<Icon>.svg
#   DATA/metainfo/org.fedidesk.fedidesk.metainfo.xml
# A reinstall copies the new bundle into a temporary folder beside the old one and swaps
# them only when the copy is complete. The list of files placed outside the bundle folder
# is kept in DATA/fedidesk-app/.install-manifest, and --uninstall removes those and the
# bundle folder, nothing else (not your data in DATA/fedidesk or ~/.config/fedidesk).
set -euo pipefail

APP_ID=org.fedidesk.fedidesk
RES_IN_BUNDLE=_internal/fedidesk/resources   # where fedidesk.spec puts the package data
MANIFEST_NAME=.install-manifest

DATA="${XDG_DATA_HOME:-}"
case "$DATA" in /*) ;; *) DATA="$HOME/.local/share" ;; esac  # the spec: ignore relative
BIN="$HOME/.local/bin"
APPDIR="$DATA/fedidesk-app"
APPLICATIONS="$DATA/applications"
HICOLOR="$DATA/icons/hicolor"
METAINFO_DIR="$DATA/metainfo"
LAUNCHER="$BIN/fedidesk"
STAGING=""

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

looks_like_bundle() {  # DIR: a fedidesk one-folder bundle?
  [ -f "$1/fedidesk" ] && [ -x "$1/fedidesk" ] && [ -f "$1/$RES_IN_BUNDLE/$APP_ID.desktop" ]
}

looks_like_our_install() {  # DIR: something this script installed (or at least a bundle)?
  [ -f "$1/$MANIFEST_NAME" ] || looks_like_bundle "$1"
}

# A manifest entry may only name one of the files this script places, nothing else.
allowed_path() {
  case "$1" in
    *..*|*$'\n'*) return 1 ;;
    "$LAUNCHER") return 0 ;;
    "$APPLICATIONS/$APP_ID.desktop" | "$METAINFO_DIR/$APP_ID.metainfo.xml") return 0 ;;
    "$HICOLOR"/*/apps/*.png | "$HICOLOR"/scalable/apps/*.svg) return 0 ;;
  esac
  return 1
}

# Remove one installed file; the launcher only while it still points into our bundle.
remove_installed() {
  local path=$1
  allowed_path "$path" || { warn "not removing $path (not a file this script installs)"; return 0; }
  if [ "$path" = "$LAUNCHER" ]; then
    if [ -L "$path" ] && [ "$(readlink "$path")" = "$APPDIR/fedidesk" ]; then
      rm -f "$path" && say "removed $path"
    elif [ -e "$path" ] || [ -L "$path" ]; then
      warn "leaving $path: it is not the symlink this script made"
    fi
    return 0
  fi
  if [ -f "$path" ] || [ -L "$path" ]; then
    rm -f "$path" && say "removed $path"
  fi
}

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$APPLICATIONS" 2>/dev/null \
      || warn "update-desktop-database $APPLICATIONS failed (the menu may update later)"
  fi
  if [ -d "$HICOLOR" ]; then
    # Like xdg-icon-resource: a cache only where the theme has an index.theme; otherwise a
    # newer folder time is what tells icon loaders to look again.
    if [ -f "$HICOLOR/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
      gtk-update-icon-cache -q "$HICOLOR" 2>/dev/null || warn "gtk-update-icon-cache failed"
    else
      touch "$HICOLOR"
    fi
  fi
  if command -v xdg-desktop-menu >/dev/null 2>&1; then
    xdg-desktop-menu forceupdate >/dev/null 2>&1 || true
  fi
}

# Quote a path for an Exec= command line (desktop entry spec, "The Exec key").
exec_quote() {
  local p=$1
  p=${p//%/%%}
  case "$p" in
    *[!A-Za-z0-9/._+:@%-]*)
      p=${p//\\/\\\\}; p=${p//\"/\\\"}; p=${p//\`/\\\`}; p=${p//\$/\\\$}
      p="\"$p\"" ;;
  esac
  printf '%s' "${p//\\/\\\\}"  # then the string-value escape of the whole key
}

uninstall() {
  local list
  if [ -f "$APPDIR/$MANIFEST_NAME" ]; then
    list=$(cat "$APPDIR/$MANIFEST_NAME")
  elif [ -e "$APPDIR" ] || [ -e "$APPLICATIONS/$APP_ID.desktop" ]; then
    # No manifest (the bundle folder was removed by hand): the fixed names this script uses.
    list=$(printf '%s\n' "$LAUNCHER" "$APPLICATIONS/$APP_ID.desktop" \
           "$METAINFO_DIR/$APP_ID.metainfo.xml"
           for f in "$HICOLOR"/*/apps/"$APP_ID".png "$HICOLOR"/scalable/apps/"$APP_ID".svg; do
             [ -e "$f" ] && printf '%s\n' "$f"
           done
           true)
  else
    say "fedidesk is not installed for this user (no $APPDIR); nothing to do."
    return 0
  fi
  if [ -e "$APPDIR" ] && ! looks_like_our_install "$APPDIR"; then
    die "$APPDIR does not look like a fedidesk install; not touching it"
  fi
  while IFS= read -r path; do
    [ -n "$path" ] && remove_installed "$path"
  done <<<"$list"
  if [ -e "$APPDIR" ]; then
    rm -rf "$APPDIR" && say "removed $APPDIR/"
  fi
  refresh_caches
  say "fedidesk is uninstalled. Your accounts' data and settings were left in place:"
  say "  ${XDG_DATA_HOME:-~/.local/share}/fedidesk, ${XDG_CONFIG_HOME:-~/.config}/fedidesk (tokens are in the keyring)."
}

newest_build() {  # the newest bundle folder or tarball under build/, or nothing
  local root best="" best_time=0 t f
  root="$(cd "$(dirname "$0")/.." && pwd)/build"
  if looks_like_bundle "$root/dist/fedidesk"; then
    best="$root/dist/fedidesk"; best_time=$(stat -c %Y "$root/dist/fedidesk/fedidesk")
  fi
  for f in "$root"/fedidesk-*-linux-*.tar.gz; do
    [ -f "$f" ] || continue
    t=$(stat -c %Y "$f")
    if [ "$t" -gt "$best_time" ]; then best=$f; best_time=$t; fi
  done
  printf '%s' "$best"
}

install_bundle() {
  local source=$1 staging new old_list="" new_list launcher_ok=1 icon size f png
  mkdir -p "$DATA"
  if [ -e "$APPDIR" ] && ! looks_like_our_install "$APPDIR"; then
    die "$APPDIR exists but is not a fedidesk install; move it away first"
  fi
  staging=$(mktemp -d "$DATA/.fedidesk-app.XXXXXX")
  STAGING=$staging
  trap 'rm -rf -- "$STAGING"' EXIT  # a failed install leaves the old one as it was
  new="$staging/app"

  if [ -d "$source" ]; then
    looks_like_bundle "$source" || die "$source is not a fedidesk bundle folder (no executable ./fedidesk and $RES_IN_BUNDLE/$APP_ID.desktop)"
    say "copying $source ..."
    mkdir "$new"
    cp -a "$source/." "$new/"
  elif [ -f "$source" ]; then
    say "unpacking $source ..."
    mkdir "$staging/unpack"
    tar -xzf "$source" -C "$staging/unpack" || die "cannot unpack $source"
    for f in "$staging/unpack" "$staging/unpack"/*; do
      if [ -d "$f" ] && looks_like_bundle "$f"; then mv "$f" "$new"; break; fi
    done
    [ -d "$new" ] || die "$source holds no fedidesk bundle (expected fedidesk/fedidesk inside)"
  else
    die "no such bundle folder or tarball: $source"
  fi
  rm -f "$new/$MANIFEST_NAME"

  local res="$new/$RES_IN_BUNDLE"
  icon=$(sed -n 's/^Icon=//p' "$res/$APP_ID.desktop" | head -n 1)
  case "$icon" in
    ''|*/*) die "the bundle's desktop file has no plain Icon= name (got '$icon')" ;;
  esac

  if [ -e "$LAUNCHER" ] || [ -L "$LAUNCHER" ]; then
    if ! [ -L "$LAUNCHER" ] || [ "$(readlink "$LAUNCHER")" != "$APPDIR/fedidesk" ]; then
      launcher_ok=0
      warn "$LAUNCHER already exists and is not this installer's symlink (another fedidesk install?); leaving it alone. The desktop menu entry works anyway; run $APPDIR/fedidesk directly, or remove $LAUNCHER and install again."
    fi
  fi

  new_list=$(
    [ "$launcher_ok" = 1 ] && printf '%s\n' "$LAUNCHER"
    printf '%s\n' "$APPLICATIONS/$APP_ID.desktop"
    [ -f "$res/$APP_ID.metainfo.xml" ] && printf '%s\n' "$METAINFO_DIR/$APP_ID.metainfo.xml"
    for png in "$res"/icons/fedidesk-*.png; do
      [ -f "$png" ] || continue
      size=${png##*/fedidesk-}; size=${size%.png}
      case "$size" in ''|*[!0-9]*) continue ;; esac
      printf '%s\n' "$HICOLOR/${size}x${size}/apps/$icon.png"
    done
    [ -f "$res/fedidesk.svg" ] && printf '%s\n' "$HICOLOR/scalable/apps/$icon.svg"
    true
  )
  printf '%s\n' "$new_list" >"$new/$MANIFEST_NAME"

  # Swap: the old install stays whole until the new copy is complete.
  if [ -e "$APPDIR" ]; then
    [ -f "$APPDIR/$MANIFEST_NAME" ] && old_list=$(cat "$APPDIR/$MANIFEST_NAME")
    mv -T "$APPDIR" "$staging/old"
    mv -T "$new" "$APPDIR"
    say "replaced the earlier install in $APPDIR"
  else
    mv -T "$new" "$APPDIR"
    say "installed the bundle into $APPDIR"
  fi
  res="$APPDIR/$RES_IN_BUNDLE"
  local exe="$APPDIR/fedidesk"

  # Files the earlier install placed that this one does not (an icon size dropped, say).
  if [ -n "$old_list" ]; then
    while IFS= read -r f; do
      [ -n "$f" ] || continue
      grep -qxF -- "$f" <<<"$new_list" || remove_installed "$f"
    done <<<"$old_list"
  fi

  # The desktop entry, with Exec/TryExec pointing at the installed executable.
  mkdir -p "$APPLICATIONS"
  local exec_value tryexec_value
  exec_value=$(exec_quote "$exe")
  tryexec_value=${exe//\\/\\\\}
  EXEC_VALUE=$exec_value TRYEXEC_VALUE=$tryexec_value awk '
    /^Exec=/ {
      value = substr($0, 6); rest = ""
      i = index(value, " "); if (i > 0) rest = substr(value, i)
      print "Exec=" ENVIRON["EXEC_VALUE"] rest; next
    }
    /^TryExec=/ { print "TryExec=" ENVIRON["TRYEXEC_VALUE"]; next }
    { print }
  ' "$res/$APP_ID.desktop" >"$APPLICATIONS/.$APP_ID.desktop.tmp"
  chmod 644 "$APPLICATIONS/.$APP_ID.desktop.tmp"
  mv -f "$APPLICATIONS/.$APP_ID.desktop.tmp" "$APPLICATIONS/$APP_ID.desktop"
  say "desktop entry: $APPLICATIONS/$APP_ID.desktop"

  if [ -f "$res/$APP_ID.metainfo.xml" ]; then
    install -D -m 644 "$res/$APP_ID.metainfo.xml" "$METAINFO_DIR/$APP_ID.metainfo.xml"
  fi
  local count=0
  for png in "$res"/icons/fedidesk-*.png; do
    [ -f "$png" ] || continue
    size=${png##*/fedidesk-}; size=${size%.png}
    case "$size" in ''|*[!0-9]*) continue ;; esac
    install -D -m 644 "$png" "$HICOLOR/${size}x${size}/apps/$icon.png"
    count=$((count + 1))
  done
  if [ -f "$res/fedidesk.svg" ]; then
    install -D -m 644 "$res/fedidesk.svg" "$HICOLOR/scalable/apps/$icon.svg"
    count=$((count + 1))
  fi
  say "icons: $count files in $HICOLOR/*/apps/$icon.*"

  if [ "$launcher_ok" = 1 ]; then
    mkdir -p "$BIN"
    ln -sfn "$exe" "$BIN/.fedidesk.tmp"
    mv -Tf "$BIN/.fedidesk.tmp" "$LAUNCHER"
    say "launcher: $LAUNCHER -> $exe"
    case ":$PATH:" in
      *":$BIN:"*) ;;
      *) warn "$BIN is not on your PATH: add it (e.g. in ~/.profile) to run 'fedidesk' from a terminal" ;;
    esac
  fi

  rm -rf -- "$staging"
  trap - EXIT
  refresh_caches
  say "done: fedidesk is in your desktop menu (Network / Internet); uninstall with"
  say "  bash packaging/install_linux.sh --uninstall"
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --uninstall)
    [ $# -eq 1 ] || die "--uninstall takes no other arguments"
    uninstall ;;
  -*) die "unknown option $1 (try --help)" ;;
  *)
    [ $# -le 1 ] || die "one bundle folder or tarball at most (try --help)"
    source=${1:-}
    if [ -z "$source" ]; then
      source=$(newest_build)
      [ -n "$source" ] || die "no bundle under build/: run 'bash packaging/build_linux.sh' first, or name a bundle folder or tarball"
    fi
    install_bundle "$source" ;;
esac
