"""The package's errors (no dependency: the `mockscope` launcher imports them without `requests`)."""


class MockScopeError(RuntimeError):
    """Something went wrong talking to or running MockScope."""


class ServerStartError(MockScopeError):
    """The server did not start (binary missing, bad arguments, exited, never ready)."""


class UnsupportedPlatformError(ServerStartError):
    """The server bundled in this wheel cannot run on this machine (another OS, CPU or libc)."""
