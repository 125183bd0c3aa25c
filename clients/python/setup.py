"""The version comes from the Swift constant (Sources/MockScope/Support/MockScopeVersion.swift,
the one place it is written); a tree holding the server binary (scripts/build-wheel's) builds a
platform wheel (py3-none-linux_x86_64, which auditwheel then retags manylinux)."""

import re
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
CONSTANT = Path("Sources/MockScope/Support/MockScopeVersion.swift")


def swift_version() -> str:
    for folder in HERE.parents:
        source = folder / CONSTANT
        if source.is_file():
            found = re.search(r'static let current = "([^"]+)"', source.read_text(encoding="utf-8"))
            if found:
                return found.group(1)
            raise SystemExit(f"{source}: no `static let current = \"...\"`; the version is read from there")
    raise SystemExit(f"no {CONSTANT} above {HERE}: build from inside the MockScope repository")


class PlatformWheel(bdist_wheel):
    """A wheel for this platform but any Python 3: the binary is not a Python extension."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


class BinaryDistribution(Distribution):
    """Installed to platlib (the binary is platform code), as auditwheel requires."""

    def has_ext_modules(self):
        return True


bundles_server = (HERE / "src" / "mockscope_client" / "bin" / "mockscope").is_file()
if bundles_server:
    setup(version=swift_version(), distclass=BinaryDistribution, cmdclass={"bdist_wheel": PlatformWheel})
else:
    setup(version=swift_version())
