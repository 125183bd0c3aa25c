"""The `mockscope` console launcher and how the package finds its server, in this source install
(no bundled binary; the wheel itself is checked on a clean Debian root by scripts/check-wheel,
Tests/wheel): the launcher runs $MOCKSCOPE_BIN, says what is missing, and `find_binary` never takes
the launcher on PATH for a server; the platform check names the platform the bundled binary needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mockscope_client
import mockscope_support
from mockscope_client import ServerStartError, bundled, bundled_binary, find_binary

LAUNCHER = Path(sys.prefix) / "bin" / "mockscope"
NEED = {"system": "Linux", "machine": "x86_64", "glibc": "2.35", "tag": "manylinux_2_35_x86_64"}


def launcher_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "MOCKSCOPE_BIN"}
    env.update(extra)
    return env


def test_the_source_install_has_no_bundled_server():
    assert bundled_binary() is None and bundled.binary_path() is None


def test_version_comes_from_the_swift_constant():
    swift = (mockscope_support.REPO_ROOT / "Sources/MockScope/Support/MockScopeVersion.swift").read_text()
    assert f'static let current = "{mockscope_client.__version__}"' in swift


def test_launcher_runs_mockscope_bin():
    """The pip-written `mockscope` command execs $MOCKSCOPE_BIN with its arguments."""
    assert LAUNCHER.is_file(), "pip install -e ./clients/python writes the console script"
    run = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True, timeout=60,
                         env=launcher_env(MOCKSCOPE_BIN=str(mockscope_support.server_binary())))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == mockscope_client.__version__


def test_launcher_without_a_server_says_what_to_do(tmp_path):
    """No bundled server, no MOCKSCOPE_BIN, only the launcher itself on PATH: exit 2, not a loop."""
    run = subprocess.run([str(LAUNCHER), "serve"], capture_output=True, text=True, timeout=60,
                         env=launcher_env(PATH=f"{LAUNCHER.parent}{os.pathsep}{tmp_path}"))
    assert run.returncode == 2, run
    assert "no MockScope binary" in run.stderr and "MOCKSCOPE_BIN" in run.stderr, run.stderr


def test_find_binary_skips_the_launcher_on_path(tmp_path, monkeypatch):
    launchers, servers = tmp_path / "launchers", tmp_path / "servers"
    launchers.mkdir(), servers.mkdir()
    shutil.copy(LAUNCHER, launchers / "mockscope")
    (servers / "mockscope").symlink_to(mockscope_support.server_binary().resolve())
    monkeypatch.delenv("MOCKSCOPE_BIN", raising=False)
    monkeypatch.setenv("PATH", str(launchers))
    with pytest.raises(ServerStartError, match="no MockScope binary"):
        find_binary()
    monkeypatch.setenv("PATH", f"{launchers}{os.pathsep}{servers}")
    assert find_binary() == servers / "mockscope"
    monkeypatch.setenv("MOCKSCOPE_BIN", str(tmp_path / "absent"))
    with pytest.raises(ServerStartError, match="not found or not executable"):
        find_binary()


@pytest.mark.parametrize("machine, fits", [
    (("Linux", "x86_64", "2.35"), True),
    (("Linux", "x86_64", "2.36"), True),
    (("Linux", "AMD64", "2.40"), True),
    (("Linux", "x86_64", "2.31"), False),
    (("Linux", "aarch64", "2.36"), False),
    (("Linux", "x86_64", None), False),       # musl (Alpine)
    (("Darwin", "arm64", None), False),
    (("Windows", "AMD64", None), False),
])
def test_platform_check(machine, fits):
    problem = bundled.platform_problem(NEED, machine)
    if fits:
        assert problem is None
        return
    assert problem is not None
    assert "needs Linux x86_64 with glibc 2.35 or newer (manylinux_2_35_x86_64)" in problem, problem
    here = f"this machine is {machine[0]} {machine[1]}" + (f" with glibc {machine[2]}" if machine[2] else " without glibc")
    assert here in problem and "MOCKSCOPE_BIN" in problem, problem


def test_this_machine_reads_glibc():
    system, cpu, glibc = bundled.this_machine()
    assert system == "Linux" and cpu and glibc and glibc.split(".")[0] == "2"


def test_every_public_name_is_reachable_from_the_package():
    """__init__ loads .server's names on first use: each of server.__all__ must be listed there."""
    from mockscope_client import server

    missing = [name for name in server.__all__ if getattr(mockscope_client, name, None) is not getattr(server, name)]
    assert not missing, f"add these to _FROM_SERVER in mockscope_client/__init__.py: {missing}"


def test_the_launcher_does_not_import_requests():
    """The `mockscope` command's start-up (bench/RESULTS.md): no `requests`, no .server."""
    code = "import sys, mockscope_client.launcher; print(sorted(m for m in ('requests', 'mockscope_client.server') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run
