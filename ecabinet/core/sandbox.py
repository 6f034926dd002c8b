"""Parsing untrusted files out of the server's process: ``run_isolated(func, *args)`` runs a top-level function
in a child process under a memory limit (RLIMIT_AS), a CPU limit (RLIMIT_CPU) and a wall-clock timeout, and
returns its result or raises the exception it raised.

Every parse of an upload (PDF validation, text extraction, signatures, watermarks, packs, Excel import) goes
through here, so a hostile file can exhaust only a child: the server's memory and its event loop stay free.
Children are forked from a *forkserver* that has imported the application once, so a call costs a fork (a few
milliseconds), not an interpreter start. The parent waits on the child's pipe and exit with
``multiprocessing.connection.wait``, which is a ``select`` that gevent's monkey-patching makes cooperative:
the server keeps answering while a child works.
"""

from __future__ import annotations

import importlib
import gc
import io
import multiprocessing
import os
import pickle
import resource
import signal
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app, has_app_context

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
# The forkserver imports these once; every child is a fork of it with the parsers already loaded. The server
# process never imports them: it names their functions (``"module:function"``), which only a child imports. (The
# rare task sheet's reader, with the import's operations behind it, is imported by its child: openpyxl is here.)
_CONTEXT.set_forkserver_preload([
    "ecabinet.models", "ecabinet.core.pdfscan", "ecabinet.core.xlsx", "ecabinet.documents.preload",
    "ecabinet.materials.pdf.extract", "ecabinet.materials.pdf.ocr", "ecabinet.materials.pdf.pack",
    "ecabinet.materials.pdf.preload",
    "ecabinet.materials.pdf.watermark",
    "ecabinet.signing.pdfsign", "ecabinet.documents.word",
])
_CPU_SIGNALS = {-signal.SIGXCPU, -signal.SIGKILL}
WORKER_NICENESS = 10
"""Workers run at this lower priority: on a busy machine the kernel gives the server's event loop the CPU first."""


class _Popen(popen_forkserver.Popen):
    """The forkserver's launch without the main module: multiprocessing would have each child import the
    parent's ``__main__`` (``ecabinet.serve`` monkey-patches; a script would run again)."""

    def _launch(self, process_obj) -> None:
        prepared = spawn.get_preparation_data(process_obj._name)
        prepared = {key: value for key, value in prepared.items() if not key.startswith("init_main")}
        buffer = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prepared, buffer)
            reduction.dump(process_obj, buffer)
        finally:
            set_spawning_popen(None)
        self.sentinel, writer = forkserver.connect_to_new_process(self._fds)
        parent_end = os.dup(writer)  # the child's sign that its parent still lives
        self.finalizer = util.Finalize(self, util.close_fds, (parent_end, self.sentinel))
        with open(writer, "wb", closefd=True) as pipe:
            pipe.write(buffer.getbuffer())
        wait([self.sentinel])  # cooperative under gevent: the forkserver answers once it has forked
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


class SandboxError(Exception):
    """The child did not finish: ``LimitExceeded``, ``TimedOut`` or ``Crashed``."""


class LimitExceeded(SandboxError):
    """The child ran out of its memory (``resource == "memory"``) or CPU time (``"cpu"``)."""

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"the isolated worker exceeded its {resource_name} limit")
        self.resource = resource_name


class TimedOut(SandboxError):
    """The child was still running at the timeout (waiting, not computing): it was killed."""


class Crashed(SandboxError):
    """The child died (a signal, a crash of a C library) or its result could not be sent back."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    cpu_seconds: int
    timeout_seconds: float

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(config["SANDBOX_MEMORY_BYTES"], config["SANDBOX_CPU_SECONDS"], config["SANDBOX_TIMEOUT_SECONDS"])


DEFAULT_LIMITS = Limits(memory_bytes=2 << 30, cpu_seconds=120, timeout_seconds=180)


def start() -> None:
    """Start the forkserver and wait until a child answers: it imports the application (seconds), during which
    a launch would block the caller (the pid is read from a pipe), so a server calls this before serving."""
    run_isolated(os.getpid, limits=DEFAULT_LIMITS)


def run_isolated(func: Callable[..., T] | str, *args: Any, limits: Limits | None = None, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a fresh child process; ``func`` must be importable by name (module level),
    or be that name, ``"package.module:function"``, which only the child imports; its arguments and result
    picklable. The limits default to the application's ``SANDBOX_*`` settings.

    The call and the answer go through two private files, not the pipe: a write into a pipe waits until the
    other side reads, which would hold the server's event loop for as long as the child is not scheduled."""
    if limits is None:
        limits = Limits.from_config(current_app.config) if has_app_context() else DEFAULT_LIMITS
    with tempfile.TemporaryDirectory(prefix="ecabinet-sandbox-") as scratch:
        call, answer = Path(scratch, "call"), Path(scratch, "answer")
        call.write_bytes(pickle.dumps((func, args, kwargs), pickle.HIGHEST_PROTOCOL))
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        child = _Process(target=_child, args=(sender, limits, str(call), str(answer)), daemon=True)
        child.start()
        try:
            sender.close()
            outcome = _outcome(receiver, child, limits.timeout_seconds)
        finally:
            receiver.close()
            if child.exitcode is None:
                child.kill()
            child.join()
        value = pickle.loads(answer.read_bytes())
    if outcome == "raised":
        raise value
    return value


def _function(func: Callable[..., T] | str) -> Callable[..., T]:
    if not isinstance(func, str):
        return func
    module, _, name = func.partition(":")
    return getattr(importlib.import_module(module), name)


def _outcome(receiver: Connection, child, timeout: float) -> str:
    if not wait([receiver, child.sentinel], timeout):
        raise TimedOut(f"the isolated worker did not finish in {timeout:g} s")
    try:
        outcome = receiver.recv()
    except (EOFError, OSError):  # it died without a word: its exit status tells why
        child.join()
        if child.exitcode in _CPU_SIGNALS:
            raise LimitExceeded("cpu") from None
        raise Crashed(f"the isolated worker died (exit status {child.exitcode})") from None
    if outcome == "memory":
        raise LimitExceeded("memory")
    return outcome


def _child(sender: Connection, limits: Limits, call: str, answer: str) -> None:
    gc.freeze()  # the forkserver's modules: their full collections took half of a pack's time, and copied pages
    os.nice(WORKER_NICENESS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        func, args, kwargs = pickle.loads(Path(call).read_bytes())
        outcome, value = "ok", _function(func)(*args, **kwargs)
    except MemoryError:
        sender.send("memory")
        return
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome, value = "raised", exc
    try:
        Path(answer).write_bytes(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        sender.send("memory")
        return
    except Exception as exc:  # noqa: BLE001 - an exception or a result that cannot be pickled
        outcome = "raised"
        Path(answer).write_bytes(pickle.dumps(Crashed(f"the isolated worker's answer cannot be kept: {exc!r}")))
    sender.send(outcome)
