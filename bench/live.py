"""Live-room figures: how fast an agenda change reaches every tablet, alone and over Redis, and the memory it takes.

N tablets (python-socketio's asyncio client, websocket transport, bearer tokens of the demo meeting's
participants, several connections per user) join the demo regular session (``live:join``); the chair
moves through the agenda (``next_item`` over the HTTP API) ``UPDATES`` times. Per update, the time from
the request to the moment EVERY tablet holds the new version; p99 and p50 over the updates.

The reference, in the same run with the same client code and the same N: a bare Flask-SocketIO app
(gevent, one process, no database) whose HTTP endpoint broadcasts a small event to every client.
The servers are separate processes (``python -m ecabinet.serve``); the clients run in this one.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.servers import free_port, wait_healthy

RESULTS = Path(__file__).resolve().parent / "results.json"
ROOT = Path(__file__).resolve().parent.parent
UPDATES = 60
TMPFS = "/dev/shm"
WARM_UP = 2
MEETING_TITLE = "Phiên họp Ủy ban nhân dân tỉnh thường kỳ"
CHAIR = "chutich"
TABLET_USERS = ("pct1", "pct2", "pct3", "giamdocskhdt", "chanhvp", "chutich", "chuyenvien1")
PASSWORD = "demo"
CONNECT_AT_ONCE = 50
RECEIVE_TIMEOUT_S = 15.0
BARE_EVENT = {"kind": "item", "data": {"item": {"id": 5, "started_at": "2026-11-30T01:00:00Z",
                                                "elapsed_seconds": 0, "running": True}}}


# --- the reference server (a separate process: ``python -c … serve_bare(port)`` after monkey-patching) --------

def serve_bare(port: int) -> None:
    """A bare Flask-SocketIO broadcast server: ``POST /broadcast?version=n`` emits ``live:change`` to all."""
    from flask import Flask, request
    from flask_socketio import SocketIO

    app = Flask("bare")
    sio = SocketIO(app, async_mode="gevent")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/broadcast")
    def broadcast():
        version = int(request.args["version"])
        sio.emit("live:change", {"meeting_id": 0, "version": version, **BARE_EVENT})
        return {"version": version}

    sio.run(app, host="127.0.0.1", port=port, log_output=False)


# --- processes -------------------------------------------------------------------------------------------

@dataclass
class Servers:
    urls: list[str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def rss_mb(self) -> float:
        """Resident memory of the server processes, summed, from /proc."""
        total_kb = 0
        for process in self.processes:
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        return total_kb / 1024

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start(command: list[str], env: dict[str, str], log: Path, servers: Servers) -> None:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(command, env={**env, "HOST": "127.0.0.1", "PORT": str(port)}, cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
    servers.processes.append(process)
    url = f"http://127.0.0.1:{port}"
    servers.urls.append(url)
    wait_healthy(url, process)


def start_bare(tmp: Path) -> Servers:
    servers = Servers([])
    code = "from gevent import monkey; monkey.patch_all(); import sys; from bench.live import serve_bare; " \
           "serve_bare(int(sys.argv[1]))"
    port = free_port()
    with (tmp / "bare.log").open("ab") as out:
        process = subprocess.Popen([sys.executable, "-c", code, str(port)], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    servers.processes.append(process)
    servers.urls.append(f"http://127.0.0.1:{port}")
    wait_healthy(servers.urls[0], process)
    return servers


def start_ecabinet(tmp: Path, template: Path, count: int, redis_url: str | None) -> Servers:
    """``count`` server processes on a fresh copy of the bench database (the meeting not started yet)."""
    database = tmp / f"live-{count}-{free_port()}.sqlite3"
    shutil.copyfile(template, database)
    env = {**os.environ, "ECABINET_DATABASE_URL": f"sqlite:///{database}", "ECABINET_STORAGE_DIR": str(tmp / "storage"),
           "ECABINET_ENV": "development", "ECABINET_SCHEDULER_IN_PROCESS": "false"}
    env.pop("ECABINET_REDIS_URL", None)
    if redis_url:
        env["ECABINET_REDIS_URL"] = redis_url
    servers = Servers([])
    try:
        for number in range(count):
            start([sys.executable, "-m", "ecabinet.serve"], env, tmp / f"ecabinet-{number}.log", servers)
    except Exception:
        servers.stop()
        raise
    return servers


def start_redis(tmp: Path) -> tuple[subprocess.Popen, str] | None:
    """A throwaway redis-server without persistence, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise TimeoutError("redis-server did not start")


# --- the bench database --------------------------------------------------------------------------------------

def prepare_database(tmp: Path) -> tuple[Path, int]:
    """A migrated SQLite file with the demo province; the regular session gets enough agenda items."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from ecabinet import create_app
    from ecabinet.core.db import db
    from ecabinet.demo import operations as demo
    from ecabinet.materials import operations as materials
    from ecabinet.meetings.models import Meeting

    path = tmp / "live.sqlite3"
    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", STORAGE_DIR=str(tmp / "storage"))
    with app.app_context():
        upgrade()
        demo.seed(PASSWORD)
        meeting = db.session.scalars(sa.select(Meeting).where(Meeting.title == MEETING_TITLE)
                                     .order_by(Meeting.starts_at)).first()
        for number in range(len(materials.agenda(meeting)), UPDATES + WARM_UP + 2):
            materials.add_item(meeting, title=f"Nội dung {number + 1}: cho ý kiến dự thảo nghị quyết")
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
        db.engine.dispose()
    return path, meeting_id


# --- the tablets -----------------------------------------------------------------------------------------------

@dataclass
class Run:
    """One measurement: N tablets, the times each version arrived, per tablet."""

    tablets: int
    arrivals: dict[int, dict[int, float]] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    losses: int = 0

    def p(self, q: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]


async def open_tablets(session: Any, urls: list[str], tokens: list[str], run: Run,
                       meeting_id: int | None) -> list[Any]:
    """Connect ``run.tablets`` clients round-robin over ``urls`` and ``tokens``; join the meeting if any."""
    import socketio

    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    resyncing: set[asyncio.Task] = set()

    async def one(index: int) -> Any:
        sio = socketio.AsyncClient(reconnection=False, http_session=session)
        state = {"version": 0}

        async def resync() -> None:
            ack = await sio.call("live:snapshot", {"meeting_id": meeting_id}, timeout=30)
            state["version"] = max(state["version"], ack["snapshot"]["version"])

        async def on_change(event: dict) -> None:
            version = event["version"]
            run.arrivals.setdefault(version, {})[index] = time.perf_counter()
            if version == state["version"] + 1 or meeting_id is None:
                state["version"] = version
            elif version > state["version"]:  # missed one: the snapshot, as a real tablet does
                task = asyncio.create_task(resync())
                resyncing.add(task)
                task.add_done_callback(resyncing.discard)

        sio.on("live:change", on_change)
        async with gate:
            await sio.connect(urls[index % len(urls)], transports=["websocket"], wait_timeout=30,
                              auth={"token": tokens[index % len(tokens)]})
            if meeting_id is not None:
                ack = await sio.call("live:join", {"meeting_id": meeting_id}, timeout=60)
                if not ack.get("ok"):
                    raise RuntimeError(f"live:join refused: {ack}")
                state["version"] = ack["snapshot"]["version"]
        return sio

    return list(await asyncio.gather(*(one(i) for i in range(run.tablets))))


async def close_tablets(clients: list[Any]) -> None:
    gate = asyncio.Semaphore(CONNECT_AT_ONCE * 4)

    async def one(sio: Any) -> None:
        async with gate:
            await sio.disconnect()

    await asyncio.gather(*(one(sio) for sio in clients), return_exceptions=True)


async def wait_all(run: Run, version: int, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while len(run.arrivals.get(version, ())) < run.tablets:
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.001)
    return True


async def drive(run: Run, advance: Callable[[], Awaitable[int]]) -> None:
    """``WARM_UP`` unmeasured updates, then ``UPDATES`` measured ones, one after the other.

    The load client's own garbage collection is held off meanwhile: its pauses would be counted as delivery time.
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        await _updates(run, advance)
    finally:
        gc.enable()
        gc.unfreeze()


async def _updates(run: Run, advance: Callable[[], Awaitable[int]]) -> None:
    versions = []
    for number in range(WARM_UP + UPDATES):
        started = time.perf_counter()
        version = await advance()
        complete = await wait_all(run, version, RECEIVE_TIMEOUT_S)
        if number >= WARM_UP:
            versions.append(version)
            if complete:
                run.latencies_ms.append((max(run.arrivals[version].values()) - started) * 1000)
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # late arrivals still count as received
    run.losses = sum(run.tablets - len(run.arrivals.get(v, ())) for v in versions)


async def tokens_for(session: Any, url: str, usernames: tuple[str, ...]) -> list[str]:
    tokens = []
    for username in usernames:
        async with session.post(url + "/api/v1/auth/token", json={"username": username, "password": PASSWORD}) as r:
            body = await r.json()
            if r.status != 200:
                raise RuntimeError(f"no token for {username}: {r.status} {body}")
            tokens.append(body["access_token"])
    return tokens


async def measure_ecabinet(servers: Servers, meeting_id: int, tablets: int) -> tuple[Run, float]:
    """The chair moves through the agenda over the HTTP API of the first server; the run and the servers' RSS."""
    import aiohttp

    run = Run(tablets)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        chair = {"Authorization": f"Bearer {(await tokens_for(session, servers.urls[0], (CHAIR,)))[0]}"}
        tokens = await tokens_for(session, servers.urls[0], TABLET_USERS)
        actions = f"{servers.urls[0]}/api/v1/meetings/{meeting_id}/live/actions"

        async def act(action: str) -> int:
            async with session.post(actions, json={"action": action, "args": {}}, headers=chair) as response:
                body = await response.json()
                if response.status != 200:
                    raise RuntimeError(f"{action}: {response.status} {body}")
                return body["version"]

        clients = await open_tablets(session, servers.urls, tokens, run, meeting_id)
        try:
            started = await act("start")
            await wait_all(run, started, RECEIVE_TIMEOUT_S)
            await drive(run, lambda: act("next_item"))
            rss = servers.rss_mb()
        finally:
            await close_tablets(clients)
    return run, rss


async def measure_bare(servers: Servers, tablets: int) -> tuple[Run, float]:
    import aiohttp

    run = Run(tablets)
    counter = {"version": 0}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def broadcast() -> int:
            counter["version"] += 1
            async with session.post(f"{servers.urls[0]}/broadcast", params={"version": counter["version"]}) as r:
                return (await r.json())["version"]

        clients = await open_tablets(session, servers.urls, ["-"], run, None)
        try:
            await drive(run, broadcast)
            rss = servers.rss_mb()
        finally:
            await close_tablets(clients)
    return run, rss


def scenario(make: Callable[[], Servers], measure: Callable[[Servers], Awaitable[tuple[Run, float]]],
             label: str) -> tuple[Run, float, float]:
    """Start the servers, measure, stop them: the run, the servers' RSS with the clients, and without (idle)."""
    servers = make()
    try:
        idle = servers.rss_mb()
        run, rss = asyncio.run(measure(servers))
    finally:
        servers.stop()
    p99 = p99_or_none(run)
    print(f"  {label}: p50 {p50_text(run)}, p99 {'none complete' if p99 is None else f'{p99:.1f} ms'}, "
          f"losses {run.losses}, RSS {rss:.0f} MB (idle {idle:.0f} MB)", flush=True)
    return run, rss, idle


# --- figures ---------------------------------------------------------------------------------------------------

def figure(value: float | None, unit: str, reference: float | None, note: str) -> dict:
    return {"value": None if value is None else round(value, 3), "unit": unit,
            "reference": None if reference is None else round(reference, 3),
            "ratio": None if not reference or value is None else round(value / reference, 2), "note": note}


def p99_or_none(run: Run) -> float | None:
    return run.p(99) if len(run.latencies_ms) >= 2 else None


def p50_text(run: Run) -> str:
    return f"{run.p(50):.1f} ms" if len(run.latencies_ms) >= 2 else "none complete"


def measure(tmp: Path) -> dict[str, dict]:
    template, meeting_id = prepare_database(tmp)
    bare = lambda: start_bare(tmp)  # noqa: E731
    results: dict[str, dict] = {}

    ref_300, _, _ = scenario(bare, lambda s: measure_bare(s, 300), "bare Flask-SocketIO, 300 clients")
    one, _, _ = scenario(lambda: start_ecabinet(tmp, template, 1, None),
                         lambda s: measure_ecabinet(s, meeting_id, 300), "ecabinet, 1 process, 300 tablets")
    results["live_p99_ms_300"] = figure(p99_or_none(one), "ms", p99_or_none(ref_300), (
        f"p99 over {UPDATES} `next_item` (HTTP API, one commit) of the time until all 300 joined tablets hold the "
        f"new version (p50 {p50_text(one)}, losses {one.losses}); one gevent server process, SQLite on tmpfs; "
        f"reference: a bare Flask-SocketIO gevent broadcast to 300 clients (p50 {p50_text(ref_300)}); "
        "target ratio ≤ 1.5"))

    ref_1000, ref_rss, ref_idle = scenario(bare, lambda s: measure_bare(s, 1000), "bare Flask-SocketIO, 1000 clients")
    redis = start_redis(tmp)
    if redis is None:
        results["live_p99_ms_1000_redis"] = {**figure(None, "ms", p99_or_none(ref_1000),
                                                      "redis-server is not installed: not measured"), "losses": None}
        results["live_rss_mb_1000"] = figure(None, "MB", ref_rss, "redis-server is not installed: not measured")
        return results
    redis_process, redis_url = redis
    try:
        two, rss, idle = scenario(lambda: start_ecabinet(tmp, template, 2, redis_url),
                                  lambda s: measure_ecabinet(s, meeting_id, 1000),
                                  "ecabinet, 2 processes + Redis, 1000 tablets")
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
    results["live_p99_ms_1000_redis"] = {**figure(p99_or_none(two), "ms", p99_or_none(ref_1000), (
        f"p99 over {UPDATES} `next_item` of the time until all 1,000 tablets hold the new version, 500 on each of "
        f"TWO gevent server processes joined by Redis (p50 {p50_text(two)}); `losses` = (tablet, update) pairs "
        "never received; reference: a bare Flask-SocketIO gevent broadcast to 1,000 clients from ONE process, "
        f"no Redis (p50 {p50_text(ref_1000)})")),
        "losses": two.losses}
    results["live_rss_mb_1000"] = figure(rss, "MB", ref_rss, (
        "resident memory (VmRSS, /proc) of the two ecabinet server processes together holding 1,000 joined "
        f"tablets ({idle:.0f} MB before the first connection); reference: the bare Flask-SocketIO process holding "
        f"1,000 clients ({ref_idle:.0f} MB idle)"))
    return results


def main() -> None:
    try:
        import aiohttp  # noqa: F401  (python-socketio's asyncio client runs on it)
    except ImportError:
        raise SystemExit("bench/live.py needs aiohttp: pip install 'python-socketio[asyncio_client]'") from None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it too
    # The bench database lives in memory (tmpfs) when there is one: on this shared VM a commit's fsync now
    # and then takes 30-40 ms, which would measure the disk, not the live path (PostgreSQL runs elsewhere).
    with tempfile.TemporaryDirectory(dir=TMPFS if os.path.isdir(TMPFS) else None) as tmp:
        results = measure(Path(tmp))
    existing = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    existing.update(results)
    RESULTS.write_text(json.dumps(existing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, value in results.items():
        losses = f", losses {value['losses']}" if "losses" in value else ""
        print(f"{name}: {value['value']} {value['unit']} (reference {value['reference']}, ratio {value['ratio']}"
              f"{losses}) — {value['note']}")


if __name__ == "__main__":
    main()
