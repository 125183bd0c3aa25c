"""The `mockscope` server bundled in the wheel (`bin/mockscope` beside this file, its shared
libraries in `mockscope.libs/`), and the platform it was built for (`bin/platform.json`,
written by scripts/build-wheel; a source install has neither), and `find_binary`, which picks the
server a MockScope runs: the one given, $MOCKSCOPE_BIN, this one, or `mockscope` on PATH. No
`requests` here: the `mockscope` command imports only this and errors.py."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

from .errors import ServerStartError, UnsupportedPlatformError

BIN_DIR = Path(__file__).resolve().parent / "bin"
BINARY = BIN_DIR / "mockscope"
PLATFORM_FILE = BIN_DIR / "platform.json"


def binary_path() -> Optional[Path]:
    """The bundled binary, or None when this install has none (a source checkout)."""
    return BINARY if BINARY.is_file() else None


def requirement() -> Dict[str, Any]:
    """What the bundled binary needs: {"system": "Linux", "machine": "x86_64", "glibc": "2.34",
    "tag": "manylinux_2_34_x86_64"}."""
    return json.loads(PLATFORM_FILE.read_text(encoding="utf-8"))


def this_machine() -> Tuple[str, str, Optional[str]]:
    """(OS, CPU, glibc version or None when the C library is not glibc)."""
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""  # "glibc 2.36"
    except (AttributeError, ValueError, OSError):
        libc = ""
    glibc = libc.split()[1] if libc.startswith("glibc ") and len(libc.split()) == 2 else None
    return platform.system(), platform.machine(), glibc


def _version(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def platform_problem(need: Dict[str, Any], machine: Optional[Tuple[str, str, Optional[str]]] = None) -> Optional[str]:
    """Why the bundled binary cannot run here (a sentence naming the platform it needs), or None."""
    system, cpu, glibc = machine or this_machine()
    wanted = f"{need['system']} {need['machine']} with glibc {need['glibc']} or newer ({need['tag']})"
    here = f"{system} {cpu}" + (f" with glibc {glibc}" if glibc else " without glibc")
    fix = ("build the server from source (MockScope's README: `swift build -c release --product mockscope`) "
           "and point MOCKSCOPE_BIN (pytest: --mockscope-bin) at it")
    aliases = {"x86_64": ("x86_64", "amd64")}.get(need["machine"], (need["machine"],))
    fits = (system == need["system"] and cpu.lower() in aliases
            and glibc is not None and _version(glibc) >= _version(need["glibc"]))
    return None if fits else f"the mockscope server in this wheel needs {wanted}; this machine is {here}: {fix}"


def find_binary(binary: Union[str, os.PathLike, None] = None) -> Path:
    """The `mockscope` binary: `binary`, else $MOCKSCOPE_BIN, else the server bundled in this
    package (the `mockscope` wheel), else `mockscope` on PATH (not this package's own launcher)."""
    if binary is None:
        binary = os.environ.get("MOCKSCOPE_BIN") or None
    if binary is None:
        bundled = bundled_binary()
        if bundled is not None:
            return bundled
        binary = _mockscope_on_path()
    if not binary:
        raise ServerStartError(
            "no MockScope binary: pass binary=..., set MOCKSCOPE_BIN (pytest: --mockscope-bin), "
            "install the `mockscope` wheel (it bundles the server), or put `mockscope` on PATH "
            "(build it with `swift build`)")
    path = Path(binary)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ServerStartError(
            f"MockScope binary not found or not executable: {path} "
            "(build it first, or point MOCKSCOPE_BIN / --mockscope-bin at it)")
    return path


def bundled_binary() -> Optional[Path]:
    """The server bundled in this package (the `mockscope` wheel), None in a source install;
    raises UnsupportedPlatformError, naming the platform it needs, where it cannot run."""
    path = binary_path()
    if path is None:
        return None
    problem = platform_problem(requirement())
    if problem:
        raise UnsupportedPlatformError(problem)
    return path


def _mockscope_on_path() -> Optional[str]:
    """`mockscope` on PATH, skipping this package's console launcher (a pip-written script that
    would only come back here)."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder or ".") / "mockscope"
        if candidate.is_file() and os.access(candidate, os.X_OK) and not _is_launcher(candidate):
            return str(candidate)
    return None


def _is_launcher(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith(b"#!") and b"mockscope_client.launcher" in head
