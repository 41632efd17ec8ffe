"""Run a test HTTP server on 127.0.0.1 in a thread, for the fakes of real services."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer


@contextmanager
def running(server: ThreadingHTTPServer, release: Callable[[], None]) -> Iterator[str]:
    """Serve until the block ends, yielding the base URL; `release` frees handlers."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        release()
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
