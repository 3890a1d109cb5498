#!/usr/bin/env python3
"""Fetch pinned front-end packages from npm and copy the parts we use into the tree.

    python scripts/vendor.py           # fetch with `npm pack`, verify, (re)write vendored files
    python scripts/vendor.py --check   # no network: verify vendored files against SHA256SUMS

To upgrade a package: change its version, set its sha256 to "", run the script
(it fails and prints the real hash), review the diff upstream, paste the hash, run again.
Standard library only.
"""

import argparse
import hashlib
import io
import json
import posixpath
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
VERSIONS_FILE = VENDOR / "VERSIONS.txt"
SUMS_FILE = VENDOR / "SHA256SUMS"

# sha256 of the tarball exactly as `npm pack` downloads it from registry.npmjs.org.
PACKAGES = {
    "dkfds": ("11.2.0", "93d6b1deebdaafb8d08c7be075f1bbe09fbcfa606765b600cde951ddbb92be61"),
    "htmx.org": ("2.0.11", "165a2655073e9e6e55e307a7c74e8ebcdb76afb7701f9c16cfd106a13add408e"),
    "axe-core": ("4.14.1", "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"),
    "@fontsource/ibm-plex-sans-arabic": ("5.3.0", "282f301531ee62f317673553a3cd4ff9d0bc7bebfd5d9bcfe82ce2db9b64ff47"),
    "@fontsource/noto-sans-ethiopic": ("5.3.0", "3ac837b13068cbef711c7779d48e4b08291b037dac7d4520c49f3494409da048"),
}

# Directories this script owns completely: files in them that it did not write are removed.
MANAGED_DIRS = [VENDOR / "dkfds", VENDOR / "htmx", VENDOR / "fonts", ROOT / "tests" / "browser" / "vendor"]

# DKFDS theme: "dkfds" (neutral), "dkfds-borgerdk" or "dkfds-virkdk".
DKFDS_THEME = "dkfds"

# IBM Plex Sans: only these weights ship. Others (500 Medium, italics) fall back to the
# nearest shipped weight or are synthesised by the browser, which keeps page weight down.
FONT_WEIGHTS = {400: "Regular", 600: "SemiBold", 700: "Bold"}
# IBM Plex "split" subsets. The browser downloads a subset only when a page uses a
# character in its unicode-range, so Latin2 (e.g. names with ş, ł, ő) costs nothing until needed.
FONT_SUBSETS = {
    "Latin1": "U+0000,U+000D,U+0020-007E,U+00A0-00A3,U+00A4-00FF,U+0131,U+0152-0153,U+02C6,"
              "U+02DA,U+02DC,U+2013-2014,U+2018-201A,U+201C-201E,U+2020-2022,U+2026,U+2030,"
              "U+2039-203A,U+2044,U+2074,U+20AC,U+2122,U+2212,U+FB01-FB02",
    "Latin2": "U+0100-024F,U+0259,U+1E00-1EFF,U+20A0-20AB,U+20AD-20CF,U+2C60-2C7F,U+A720-A7FF",
}

# The fonts of the scripts other than Latin (issue 23), each with its own stylesheet in vendor/fonts/, which a
# page links only when it shows that script (portal.i18n.SCRIPT_FONTS): a Danish or English page downloads
# none of them. Each is declared as a face of "IBM Plex Sans", DKFDS's family, limited by unicode-range, so
# the browser takes its letters from it and everything else from Plex, with no change to DKFDS's CSS.
# Only the weights DKFDS's text uses most (400, 600); 700 is drawn with 600. Arabic: 400 alone, bold drawn by
# the browser, so that a first visit in Arabic stays under 200 KB (issue 23). woff2 only. The files are
# fontsource's per-script subsets already (Arabic 43 KB, Ethiopic 75 KB a weight); subsetting further to the
# pages' own letters would need fontTools, which the project does not install.
SCRIPT_FONTS = {
    # stylesheet: (package, [(weight, file in the package)], unicode-range, licence file, licence name)
    "arabic": ("@fontsource/ibm-plex-sans-arabic",
               [(400, "files/ibm-plex-sans-arabic-arabic-400-normal.woff2")],
               "U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,"
               "U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC", "LICENSE",
               "LICENSE-IBMPlexSansArabic.txt"),
    "ethiopic": ("@fontsource/noto-sans-ethiopic",
                 [(400, "files/noto-sans-ethiopic-ethiopic-400-normal.woff2"),
                  (600, "files/noto-sans-ethiopic-ethiopic-600-normal.woff2")],
                 "U+030E,U+1200-1399,U+2D80-2DDE,U+AB01-AB2E", "LICENSE", "LICENSE-NotoSansEthiopic.txt"),
}
# Ukrainian: IBM Plex Sans's own Cyrillic subset, from the DKFDS package (its split fonts have it).
CYRILLIC_RANGE = "U+0400-045F,U+0490-0491,U+04B0-04B1,U+2116"


def font_face(weight, filename, unicode_range):
    return ("@font-face{font-display:swap;font-family:IBM Plex Sans;font-style:normal;"
            f'font-weight:{weight};src:url({filename}) format("woff2");unicode-range:{unicode_range}}}\n')


def script_font_files(name, tar):
    package, faces, unicode_range, licence, licence_name = SCRIPT_FONTS[name]
    out, css = {}, [f"/* Written by scripts/vendor.py from {package}@{PACKAGES[package][0]}. */\n"]
    for weight, path in faces:
        filename = posixpath.basename(path)
        out[f"static/vendor/fonts/{filename}"] = member(tar, path)
        css.append(font_face(weight, filename, unicode_range))
    out[f"static/vendor/fonts/{name}.css"] = "".join(css).encode()
    out[f"static/vendor/fonts/{licence_name}"] = member(tar, licence)
    return out


# Symbols copied from DKFDS's all-svg-icons.svg into our smaller sprite img/icons.svg.
# Reference one as <svg class="icon-svg" ...><use href="{{ url_for('static',
# filename='vendor/dkfds/img/icons.svg') }}#check"></use></svg>. Add a name here and re-run to get more.
ICONS = [
    "arrow-back", "arrow-forward", "check", "chevron-down", "chevron-left", "chevron-right",
    "chevron-up", "close", "document", "download", "edit", "email", "error", "first-page",
    "help", "info", "language", "last-page", "lock", "menu", "person", "search", "success",
    "warning", "delete", "add-document", "time", "open-in-new",
]


def fail(message):
    sys.exit(f"vendor.py: ERROR: {message}")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def npm_pack(name, version, workdir):
    """Download name@version with `npm pack` into workdir and return the tarball bytes."""
    try:
        result = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--json", "--ignore-scripts",
             "--pack-destination", str(workdir)],
            cwd=workdir, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        fail("npm is not installed")
    except subprocess.CalledProcessError as exc:
        fail(f"npm pack {name}@{version} failed:\n{exc.stderr}")
    filename = json.loads(result.stdout)[0]["filename"]
    return (Path(workdir) / filename).read_bytes()


def fetch(name, workdir):
    version, pinned = PACKAGES[name]
    data = npm_pack(name, version, workdir)
    actual = sha256(data)
    if actual != pinned:
        fail(f"sha256 mismatch for {name}@{version}\n  pinned: {pinned or '(none)'}\n"
             f"  actual: {actual}\nRefusing to vendor it. If this is a deliberate upgrade, "
             f"review the package and pin the new hash in scripts/vendor.py.")
    print(f"  {name}@{version}  sha256 ok")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def member(tar, path):
    """Bytes of package/<path> in the tarball; never extracts to disk."""
    try:
        extracted = tar.extractfile(f"package/{path}")
    except KeyError:
        extracted = None
    if extracted is None:
        fail(f"{path} not found in tarball")
    return extracted.read()


def strip_source_map(text):
    # We don't ship .map files; drop the pointer so browsers don't request them.
    return re.sub(r"\n?/[/*]# sourceMappingURL=\S+?(\s*\*/)?\s*$", "\n", text)


def rewrite_font_faces(css):
    """Replace DKFDS's IBM Plex @font-face rules with woff2-only, subset rules for FONT_WEIGHTS."""
    blocks = re.findall(r"@font-face\{[^}]*\}", css)
    plex = [b for b in blocks if "IBM Plex Sans" in b]
    if len(plex) < 4:
        fail("DKFDS CSS no longer has the expected IBM Plex @font-face rules; update rewrite_font_faces")
    ours = []
    for weight, style_name in FONT_WEIGHTS.items():
        for subset, unicode_range in FONT_SUBSETS.items():
            ours.append(
                "@font-face{font-display:swap;font-family:IBM Plex Sans;font-style:normal;"
                f"font-weight:{weight};src:url(../fonts/IBMPlexSans-{style_name}-{subset}.woff2) "
                f'format("woff2");unicode-range:{unicode_range}}}')
    css = css.replace(plex[0], "".join(ours), 1)
    for block in plex[1:]:
        css = css.replace(block, "", 1)
    return css


def build_sprite(svg):
    symbols = {m.group(1): m.group(0)
               for m in re.finditer(r'<symbol id="([^"]+)".*?</symbol>', svg, flags=re.S)}
    missing = [name for name in ICONS if name not in symbols]
    if missing:
        fail(f"icons not in DKFDS sprite: {', '.join(missing)}")
    body = "".join(symbols[name] for name in sorted(ICONS))
    return f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>\n'


def dkfds_files(tar):
    out = {}
    css = member(tar, f"dist/css/{DKFDS_THEME}.min.css").decode()
    css = rewrite_font_faces(strip_source_map(css))
    out["static/vendor/dkfds/css/dkfds.min.css"] = css.encode()
    js = member(tar, "dist/js/dkfds.min.js").decode()
    out["static/vendor/dkfds/js/dkfds.min.js"] = strip_source_map(js).encode()

    for style_name in FONT_WEIGHTS.values():
        for subset in FONT_SUBSETS:
            filename = f"IBMPlexSans-{style_name}-{subset}.woff2"
            out[f"static/vendor/dkfds/fonts/{filename}"] = member(
                tar, f"dist/fonts/IBMPlexSans/split/woff2/{filename}")
    out["static/vendor/dkfds/fonts/LICENSE-IBMPlexSans.txt"] = member(
        tar, "dist/fonts/IBMPlexSans/split/woff2/license.txt")

    # Every image the CSS references (checkbox ticks, select chevrons, ...), same relative layout,
    # so the CSS works unmodified. Browsers fetch them only when a rule using them applies.
    for url in sorted(set(re.findall(r"url\((?:\"|')?\.\./(img/[^)\"']+)", css))):
        out[f"static/vendor/dkfds/{url}"] = member(tar, f"dist/{url}")
    left = re.findall(r"url\((?!data:)(?:\"|')?(?!\.\./img/|\.\./fonts/IBMPlexSans-)([^)\"']+)", css)
    if left:
        fail(f"unexpected url() in DKFDS CSS: {left[:5]}")

    css = [f"/* Written by scripts/vendor.py: IBM Plex Sans Cyrillic from dkfds@{PACKAGES['dkfds'][0]}. */\n"]
    for weight, style_name in FONT_WEIGHTS.items():
        filename = f"IBMPlexSans-{style_name}-Cyrillic.woff2"
        out[f"static/vendor/fonts/{filename}"] = member(tar, f"dist/fonts/IBMPlexSans/split/woff2/{filename}")
        css.append(font_face(weight, filename, CYRILLIC_RANGE))
    out["static/vendor/fonts/cyrillic.css"] = "".join(css).encode()

    sprite = member(tar, "dist/img/all-svg-icons.svg").decode()
    out["static/vendor/dkfds/img/icons.svg"] = build_sprite(sprite).encode()
    out["static/vendor/dkfds/LICENSE.md"] = member(tar, "LICENSE.md")
    return out


def htmx_files(tar):
    js = strip_source_map(member(tar, "dist/htmx.min.js").decode())
    return {"static/vendor/htmx/htmx.min.js": js.encode(),
            "static/vendor/htmx/LICENSE": member(tar, "LICENSE")}


def axe_files(tar):
    return {"tests/browser/vendor/axe.min.js": member(tar, "axe.min.js"),
            "tests/browser/vendor/LICENSE-axe-core.txt": member(tar, "LICENSE")}


def write_if_changed(path, data):
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def managed_files():
    return {p for d in MANAGED_DIRS if d.exists() for p in d.rglob("*") if p.is_file()}


def versions_text(tarball_hashes):
    lines = ["# Written by scripts/vendor.py. Do not edit; change the pins in the script.",
             "# package  version  sha256-of-npm-tarball"]
    lines += [f"{name}  {PACKAGES[name][0]}  {tarball_hashes[name]}" for name in PACKAGES]
    return "\n".join(lines) + "\n"


def vendor():
    files = {}
    with tempfile.TemporaryDirectory(prefix="vendor-") as tmp:
        print("Fetching pinned packages with npm pack:")
        for name, extract in (("dkfds", dkfds_files), ("htmx.org", htmx_files), ("axe-core", axe_files)):
            with fetch(name, Path(tmp)) as tar:
                files.update(extract(tar))
        for name, (package, *_rest) in SCRIPT_FONTS.items():
            with fetch(package, Path(tmp)) as tar:
                files.update(script_font_files(name, tar))

    changed = sum(write_if_changed(ROOT / rel, data) for rel, data in files.items())
    wanted = {ROOT / rel for rel in files}
    for stale in sorted(managed_files() - wanted):
        stale.unlink()
        print(f"  removed stale {stale.relative_to(ROOT)}")
    for d in MANAGED_DIRS:  # drop empty directories left behind
        for sub in sorted((p for p in d.rglob("*") if p.is_dir()), reverse=True):
            if not any(sub.iterdir()):
                sub.rmdir()

    write_if_changed(VERSIONS_FILE, versions_text({n: PACKAGES[n][1] for n in PACKAGES}).encode())
    sums = "".join(f"{sha256(files[rel])}  {rel}\n" for rel in sorted(files))
    write_if_changed(SUMS_FILE, sums.encode())

    served = sum(len(d) for rel, d in files.items() if rel.startswith("static/"))
    print(f"{len(files)} files, {changed} changed; {served / 1024:.0f} KiB under static/vendor")


def check():
    """Verify vendored files against SHA256SUMS and the pins in this script. No network."""
    problems = []
    if not SUMS_FILE.exists():
        fail(f"{SUMS_FILE.relative_to(ROOT)} missing; run python scripts/vendor.py")
    listed = {}
    for line in SUMS_FILE.read_text().splitlines():
        digest, rel = line.split(None, 1)
        listed[rel] = digest
        path = ROOT / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"hash mismatch: {rel}")
    for extra in sorted(managed_files() - {ROOT / rel for rel in listed}):
        problems.append(f"not in manifest: {extra.relative_to(ROOT)}")
    expected_versions = versions_text({n: PACKAGES[n][1] for n in PACKAGES})
    if not VERSIONS_FILE.exists() or VERSIONS_FILE.read_text() != expected_versions:
        problems.append("VERSIONS.txt does not match the pins in scripts/vendor.py; re-run the script")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        fail(f"{len(problems)} problem(s) with vendored files")
    print(f"vendored files OK ({len(listed)} files)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only verify vendored files against static/vendor/SHA256SUMS (no network)")
    args = parser.parse_args(argv)
    check() if args.check else vendor()


if __name__ == "__main__":
    main()
