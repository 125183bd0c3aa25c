"""The `mockscope` console command of the wheel: runs the bundled server with the arguments
given (`mockscope serve --port 8089`), replacing this Python process."""

from __future__ import annotations

import os
import sys

from .bundled import find_binary
from .errors import ServerStartError


def main() -> None:
    """Exec the server: $MOCKSCOPE_BIN when set, else the bundled binary, else `mockscope` on
    PATH; exit 2 with the reason (e.g. the platform the bundled binary needs) when there is none."""
    try:
        binary = find_binary()
    except ServerStartError as e:
        print(f"mockscope: {e}", file=sys.stderr)
        sys.exit(2)
    os.execv(binary, [str(binary), *sys.argv[1:]])


if __name__ == "__main__":
    main()
