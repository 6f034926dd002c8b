"""The server process's memory: the garbage collector's settings, and giving freed memory back to the system.

``tune_gc`` is what ``python -m ecabinet.serve`` does once the app is built (the bench's reference servers do
the same, so that a comparison measures the app, not the settings). ``give_back`` asks glibc to return the free
pages of its heap: CPython frees the objects of a burst (a reconnect storm, an export) but the allocator keeps
their pages, so without it a process stays at its peak.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection meanwhile: building the app makes hundreds of thousands of objects that all live on,
    and the collector's full passes over them, which find nothing to free, took a fifth of the start-up."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tune_gc() -> None:
    gc.collect()
    gc.freeze()  # the app's long-lived objects leave the collector: no full collection stalls a broadcast
    gc.set_threshold(50_000, 20, 100)  # fewer, not longer, young collections: thousands of open sockets churn


@cache
def _libc() -> ctypes.CDLL | None:
    # The process's own symbols (libc among them), not ctypes.util.find_library: that runs ldconfig in a
    # subprocess, which gevent refuses on a thread-pool thread, where give_back runs.
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") else None  # glibc only (not musl)


def give_back() -> bool:
    """Return the allocator's free memory to the system (a few milliseconds); False where that is not glibc."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
