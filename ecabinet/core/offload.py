"""CPU-bound work off the server's event loop, so pages and websockets keep flowing while it runs.

``in_worker(func, *args)`` runs Python code that holds the GIL (PDF layout with fpdf2, workbooks with openpyxl)
in a forked worker process (``ecabinet.core.sandbox``), at most ``OFFLOAD_PROCESSES`` at once per server process:
the caller waits cooperatively, the loop serves others. ``in_thread(func, *args)`` runs C code that releases the
GIL (argon2) on gevent's thread pool, which is enough to free the loop and costs no fork. Without gevent (the
tests, a threaded server) the same calls work: the worker process is the same, and a thread already runs the
request, so ``in_thread`` calls in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_app_context
from gevent import get_hub, monkey

from ecabinet.core import sandbox

T = TypeVar("T")

_slots: dict[int, threading.BoundedSemaphore] = {}


def _worker_slots() -> threading.BoundedSemaphore:
    """A semaphore per size, made once: under gevent's monkey-patching it is cooperative."""
    size = current_app.config["OFFLOAD_PROCESSES"] if has_app_context() else 2
    return _slots.setdefault(size, threading.BoundedSemaphore(size))


def in_worker(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a worker process; ``func`` must be module-level, its arguments and result
    picklable. Raises what ``func`` raised, or ``sandbox.SandboxError`` when the worker did not finish."""
    with _worker_slots():
        return sandbox.run_isolated(func, *args, **kwargs)


def in_thread(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)``, which must release the GIL while it computes, on gevent's thread pool when
    this process runs gevent; in place otherwise."""
    if monkey.is_module_patched("threading"):
        return get_hub().threadpool.apply(func, args, kwargs)
    return func(*args, **kwargs)
