"""Build the Windows ``.ico`` and macOS ``.icns`` app icons from the committed PNGs.

Both formats can hold PNG data directly, so this needs nothing beyond the standard library
(no Pillow, no ``iconutil``): ``fedidesk.spec`` calls :func:`write_platform_icons` at build
time, and the result lands in the build folder, never in git. By hand::

    uv run python packaging/platform_icons.py build/icons

* ``.ico``: an ICONDIR header, one 16-byte ICONDIRENTRY per image, then the PNG streams
  (Windows Vista and later read PNG entries at every size; 256 is stored as 0).
* ``.icns``: ``icns`` + total length, then one ``(OSType, length, PNG)`` element per image;
  the Retina types (``ic11``..``ic14``) reuse the double-size PNGs.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "src" / "fedidesk" / "resources" / "icons"

#: Sizes that go into the Windows icon (Windows scales from these for 20/24/40 px).
ICO_SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256)

#: icns element types holding PNG data, and the pixel size each one wants.
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_path(size: int, icons: Path = ICONS) -> Path:
    """The committed PNG render of the app icon at ``size`` pixels."""
    return icons / f"fedidesk-{size}.png"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (raises ``ValueError`` if not a PNG)."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ``.ico`` file holding ``images`` (size -> PNG bytes), smallest first."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        data = images[size]
        if png_size(data) != (size, size):
            raise ValueError(f"the {size} px PNG is {png_size(data)}")
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images[size] for size in sizes)


def icns_bytes(images: dict[int, bytes]) -> bytes:
    """An ``.icns`` file with every :data:`ICNS_TYPES` element whose size is in ``images``."""
    body = b""
    for ostype, size in ICNS_TYPES:
        data = images.get(size)
        if data is None:
            continue
        if png_size(data) != (size, size):
            raise ValueError(f"the {size} px PNG is {png_size(data)}")
        body += ostype + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_platform_icons(out_dir: Path, icons: Path = ICONS) -> tuple[Path, Path]:
    """Write ``fedidesk.ico`` and ``fedidesk.icns`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    images = {size: png_path(size, icons).read_bytes() for size in sorted(wanted)}
    ico = out_dir / "fedidesk.ico"
    icns = out_dir / "fedidesk.icns"
    ico.write_bytes(ico_bytes({size: images[size] for size in ICO_SIZES}))
    icns.write_bytes(icns_bytes(images))
    return ico, icns


def main(argv: list[str]) -> int:
    """``platform_icons.py OUT_DIR``: write the two icon files and print their paths."""
    out = Path(argv[0]) if argv else Path("build") / "icons"
    for path in write_platform_icons(out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
