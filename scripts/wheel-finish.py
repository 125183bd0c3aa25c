#!/usr/bin/env python3
"""Finishes an unpacked, auditwheel-repaired mockscope wheel (scripts/build-wheel's step; runs in
its tools venv, needs pyelftools):

  - checks that the platform tag's glibc is the newest glibc symbol version the binary and its
    vendored libraries really need (no older tag would load, no newer one is claimed);
  - writes mockscope_client/bin/platform.json (what the launcher checks before it runs the binary);
  - gathers the licences of everything bundled into mockscope_client/licenses/: the Swift runtime
    (linked statically), every Swift package resolved for the build (linked statically), and for
    each vendored shared library its Debian package's copyright file, with NOTICE.md saying
    which library came from which Debian source package and version (the LGPL libraries' source).

    wheel-finish.py UNPACKED_WHEEL_DIR SWIFT_SCRATCH_PATH ORIGINAL_BINARY
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection

GRAFTED = re.compile(r"^(?P<stem>.+)-[0-9a-f]{8}(?P<suffix>\.so(\.\d+)*)$")
LICENCE_NAMES = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)


def fail(message: str) -> None:
    sys.exit(f"wheel-finish: {message}")


def glibc_needed(path: Path) -> tuple[int, ...]:
    """The newest GLIBC_x.y symbol version `path` asks for, (0,) when none."""
    newest: tuple[int, ...] = (0,)
    with open(path, "rb") as f:
        for section in ELFFile(f).iter_sections():
            if isinstance(section, GNUVerNeedSection):
                for _, auxiliaries in section.iter_versions():
                    for aux in auxiliaries:
                        name = aux.name
                        if name.startswith("GLIBC_") and name[6:7].isdigit():
                            newest = max(newest, tuple(int(p) for p in name[6:].split(".")))
    return newest


def debian_package(path: str) -> tuple[str, str, str]:
    """(binary package, its version, source package) that installed `path`."""
    owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if owner.returncode != 0:
        real = str(Path(path).resolve())
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
    if owner.returncode != 0:
        fail(f"no Debian package owns {path}: its licence cannot be found (install it from Debian's packages)")
    package = owner.stdout.split(":")[0].strip()
    fields = subprocess.run(["dpkg-query", "-W", "-f=${Version}\t${source:Package}\t${source:Version}", package],
                            capture_output=True, text=True, check=True).stdout.split("\t")
    return package, fields[0], f"{fields[1]} {fields[2]}"


def main() -> None:
    if len(sys.argv) != 4:
        fail("usage: wheel-finish.py UNPACKED_WHEEL_DIR SWIFT_SCRATCH_PATH ORIGINAL_BINARY")
    root, scratch, original = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    package = root / "mockscope_client"
    binary = package / "bin" / "mockscope"
    libs = sorted((root / "mockscope.libs").glob("*.so*"))
    [wheel_file] = root.glob("*.dist-info/WHEEL")
    tags = [line.split(":", 1)[1].strip() for line in wheel_file.read_text().splitlines() if line.startswith("Tag:")]
    platforms = {tag.split("-")[2] for tag in tags}
    found = [re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", p) for p in platforms]
    if len(platforms) != 1 or not found[0]:
        fail(f"expected one manylinux_X_Y_x86_64 tag, the wheel has {sorted(platforms)}")
    tag = platforms.pop()
    tag_glibc = (int(found[0].group(1)), int(found[0].group(2)))

    needs = {p.name: glibc_needed(p) for p in [binary, *libs]}
    newest = max(needs.values())
    if newest != tag_glibc:
        fail(f"the tag {tag} says glibc {tag_glibc}, but the newest glibc needed is {newest} "
             f"({', '.join(n for n, v in needs.items() if v == newest)})")
    glibc = ".".join(map(str, newest))
    print(f"glibc needed: {glibc} ({', '.join(n for n, v in needs.items() if v == newest)}); tag {tag}")
    (package / "bin" / "platform.json").write_text(
        json.dumps({"system": "Linux", "machine": "x86_64", "glibc": glibc, "tag": tag}, indent=2) + "\n")

    licences = package / "licenses"
    if licences.exists():
        shutil.rmtree(licences)
    licences.mkdir()
    notice = ["# What this wheel bundles, and under which licence", "",
              "`bin/mockscope` is MockScope (Apache-2.0, the package's own licence) built with the Swift",
              "runtime and these Swift packages linked in statically; their licence files are here, named",
              "`swift-<package>-<file>`. The Swift runtime: `swift-runtime-LICENSE.txt` (Apache-2.0 with the",
              "Runtime Library Exception).", ""]
    toolchain_licence = Path(shutil.which("swift") or "/usr/bin/swift").resolve().parent.parent / "share" / "swift" / "LICENSE.txt"
    if not toolchain_licence.is_file():
        fail(f"no Swift runtime licence at {toolchain_licence}")
    shutil.copy(toolchain_licence, licences / "swift-runtime-LICENSE.txt")
    checkouts = sorted(p for p in (scratch / "checkouts").iterdir() if p.is_dir())
    for checkout in checkouts:
        files = sorted(f for f in checkout.rglob("*") if f.is_file() and LICENCE_NAMES.match(f.name)
                       and len(f.relative_to(checkout).parts) <= 3 and ".git" not in f.parts
                       and "Tests" not in f.parts)
        if not files:
            fail(f"the Swift package {checkout.name} has no licence file")
        for f in files:
            flat = "-".join(f.relative_to(checkout).parts)
            shutil.copy(f, licences / f"swift-{checkout.name}-{flat}")
        notice.append(f"- Swift package `{checkout.name}`: " + ", ".join(f"`{f.relative_to(checkout)}`" for f in files))

    resolved = {}
    for line in subprocess.run(["ldd", str(original)], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>":
            # auditwheel names a grafted copy after the file (libffi.so.8.1.2) or the soname
            resolved[parts[0]] = parts[2]
            resolved[Path(parts[2]).resolve().name] = parts[2]
    notice += ["", "## Shared libraries in `mockscope.libs/` (vendored by auditwheel)", "",
               "Each is the library of the Debian 12 package named, unmodified but for its file name and",
               "RPATH (auditwheel's); the LGPL ones stay shared libraries so that they can be replaced.",
               "Their source: the Debian source package and version given (`apt-get source NAME=VERSION`,",
               "or the Debian snapshot archive). Licences: `debian-<package>.copyright`.", "",
               "| file | library | Debian package | source package |", "| --- | --- | --- | --- |"]
    for lib in libs:
        match = GRAFTED.match(lib.name)
        soname = (match.group("stem") + match.group("suffix")) if match else lib.name
        if soname not in resolved:
            fail(f"{lib.name}: {soname} is not among the original binary's libraries (ldd {original})")
        deb, version, source = debian_package(resolved[soname])
        copyright_file = Path("/usr/share/doc") / deb / "copyright"
        if not copyright_file.is_file():
            fail(f"no {copyright_file}: the licence of {soname} ({deb}) is missing")
        shutil.copy(copyright_file, licences / f"debian-{deb}.copyright")
        notice.append(f"| `{lib.name}` | `{soname}` | {deb} {version} | {source} |")
    (licences / "NOTICE.md").write_text("\n".join(notice) + "\n")
    print(f"licences: {len(list(licences.iterdir()))} files for {len(checkouts)} Swift packages and {len(libs)} libraries")


if __name__ == "__main__":
    main()
