"""CPU-bound work off the server's event loop, so pages and websockets keep flowing while it runs.

``in_worker(func, *args)`` runs Python code that holds the GIL (PDF layout with fpdf2, workbooks with openpyxl)
in a forked worker process (``ecabinet.core.sandbox``); ``in_thread(func, *args)`` runs C code that releases the
GIL (argon2) on a thread, which frees the loop without a fork. Both at most ``OFFLOAD_WORKERS`` at once per server
process (more wait their turn, cooperatively), and both at a lower CPU priority (``WORKER_NICENESS``): on a busy
machine the kernel then gives the loop's thread the CPU first, so a burst of sign-ins cannot starve it. Without
gevent (the tests, a threaded server) the same calls work: the worker process is the same, and a thread already
runs the request, so ``in_thread`` calls in place.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_app_context
from gevent import monkey
from gevent.threadpool import ThreadPool

from ecabinet.core import sandbox

T = TypeVar("T")

_slots: dict[int, threading.BoundedSemaphore] = {}
_pools: dict[tuple[int, int], ThreadPool] = {}


def _workers() -> int:
    return current_app.config["OFFLOAD_WORKERS"] if has_app_context() else 2


def _worker_slots() -> threading.BoundedSemaphore:
    """A semaphore per size, made once: under gevent's monkey-patching it is cooperative."""
    size = _workers()
    return _slots.setdefault(size, threading.BoundedSemaphore(size))


def in_worker(func: Callable[..., T] | str, *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a worker process; ``func`` must be module-level (or its name,
    ``"package.module:function"``: see ``sandbox.run_isolated``), its arguments and result picklable. Raises
    what ``func`` raised, or ``sandbox.SandboxError`` when the worker did not finish."""
    with _worker_slots():
        return sandbox.run_isolated(func, *args, **kwargs)


def in_thread(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)``, which must release the GIL while it computes, on a thread of this process's
    pool when it runs gevent; in place otherwise."""
    if not monkey.is_module_patched("threading"):
        return func(*args, **kwargs)
    key = (os.getpid(), _workers())  # a pool's threads do not survive a fork
    pool = _pools.get(key) or _pools.setdefault(key, ThreadPool(key[1]))
    return pool.apply(_lowered, (func, *args), kwargs)


def _lowered(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), sandbox.WORKER_NICENESS)  # this thread only
    return func(*args, **kwargs)
