"""Build static/dist/: content-hashed copies of the static assets, with .gz and .br beside the text ones.

The app serves them through WhiteNoise with a one-year, immutable cache (portal/serving.py) and templates
name them by their source path: static_url('css/app.css'). CSS url(...) references are rewritten to the
hashed names, so a font or icon is cached as long as the stylesheet that points at it.
Run by scripts/bootstrap.sh; idempotent (names are content hashes, existing files are kept).

    .venv/bin/python scripts/build_static.py            build (or bring up to date)
    .venv/bin/python scripts/build_static.py --check    exit 1 when static/dist is missing or stale
"""
import gzip
import hashlib
import json
import os
import posixpath
import re
import sys
import tempfile
from pathlib import Path

import brotli

STATIC = Path(__file__).resolve().parent.parent / "static"
DIST = STATIC / "dist"
MANIFEST = DIST / "manifest.json"
ASSETS = {".css", ".js", ".svg", ".png", ".ico", ".webp", ".woff2"}
COMPRESSIBLE = {".css", ".js", ".svg"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def sources() -> list[str]:
    """Asset paths relative to static/, in a stable order; CSS last (it refers to the others)."""
    found = [p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*")
             if p.is_file() and p.suffix in ASSETS and DIST not in p.parents]
    return sorted(found, key=lambda path: (path.endswith(".css"), path))


def hashed_name(path: str, content: bytes) -> str:
    stem, suffix = posixpath.splitext(path)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:12]}{suffix}"


def rewrite_css(path: str, text: str, names: dict) -> str:
    """Point url(...) references at the hashed files (kept relative: dist mirrors static's layout)."""
    folder = posixpath.dirname(path)

    def replace(match):
        quote, url = match.groups()
        if url.startswith(("data:", "http:", "https:", "//", "/", "#")):
            return match.group(0)
        target, rest = re.match(r"([^?#]*)(.*)", url).groups()       # rest: a ?query or #fragment
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved not in names:
            return match.group(0)
        new = posixpath.relpath(names[resolved], folder) + rest
        return f"url({quote}{new}{quote})"
    return CSS_URL.sub(replace, text)


def plan() -> tuple[dict, dict]:
    """({source: hashed name}, {hashed name: content})."""
    names, contents = {}, {}
    for path in sources():
        content = (STATIC / path).read_bytes()
        if path.endswith(".css"):
            content = rewrite_css(path, content.decode("utf-8"), names).encode("utf-8")
        names[path] = hashed_name(path, content)
        contents[names[path]] = content
    return names, contents


def _write(path: Path, content: bytes):
    """Write atomically, so a server reading at the same moment never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def build() -> int:
    names, contents = plan()
    written = 0
    for name, content in contents.items():
        target = DIST / name
        if not target.exists():
            _write(target, content)
            written += 1
        if target.suffix in COMPRESSIBLE:
            for suffix, compress in ((".gz", lambda b: gzip.compress(b, 9, mtime=0)),
                                     (".br", lambda b: brotli.compress(b, quality=11))):
                packed = Path(f"{target}{suffix}")
                if not packed.exists():
                    _write(packed, compress(content))
    manifest = json.dumps({"version": 1, "files": names}, indent=1, sort_keys=True).encode()
    if not MANIFEST.exists() or MANIFEST.read_bytes() != manifest:
        _write(MANIFEST, manifest)
    return written


def is_current() -> bool:
    names, _ = plan()
    try:
        built = json.loads(MANIFEST.read_text())["files"]
    except (OSError, ValueError, KeyError):
        return False
    return built == names and all((DIST / name).exists() for name in names.values())


def main(argv):
    if "--check" in argv:
        if not is_current():
            print("static/dist is missing or out of date: run .venv/bin/python scripts/build_static.py",
                  file=sys.stderr)
            return 1
        return 0
    written = build()
    if written:
        print(f"static/dist: {written} new file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
