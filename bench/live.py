"""Live-room figures: how fast tablets join and an agenda change reaches every tablet, alone and over Redis,
and the memory it takes.

N tablets (python-socketio's asyncio client, websocket transport, bearer tokens of the demo meeting's
participants, several connections per user) connect and join the demo regular session (``live:join``) all at
once, as after the meeting room's Wi-Fi dropped: the join time is until the last one holds its snapshot. Then
the chair moves through the agenda (``next_item`` over the HTTP API) ``UPDATES`` times. Per update, the time
from the request to the moment EVERY tablet holds the new version; p99 and p50 over the updates.

The reference, in the same run with the same client code, the same N and the same topology (one process, or
two joined by the same kind of Redis message queue), under the same garbage-collector settings
(``ecabinet.core.memory.tune_gc``): a bare Flask-SocketIO app (gevent, no database) whose ``live:join`` joins
a room and answers a snapshot of the same size, and whose HTTP endpoint broadcasts a small event to every
client. Ours and the reference run in turns (``bench.method``), each figure the median of the runs.
The servers are separate processes (``python -m ecabinet.serve``); the clients run in this one.
"""

from __future__ import annotations

import asyncio
import gc
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

from bench.__main__ import publish
from bench.method import RUNS, Comparison, interleave
from tests.servers import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
UPDATES = 60
TMPFS = "/dev/shm"
WARM_UP = 2
MEETING_TITLE = "Phiên họp Ủy ban nhân dân tỉnh thường kỳ"
CHAIR = "chutich"
TABLET_USERS = ("pct1", "pct2", "pct3", "giamdocstc", "chanhvp", "chutich", "chuyenvien1")
PASSWORD = "demo"
CONNECT_AT_ONCE = 50
RECEIVE_TIMEOUT_S = 15.0
SETTLE_S = 11.0
"""After the tablets left, before ecabinet's memory is read again: ecabinet.serve gives memory back every 10 s
(the reference, which does not, is read after a second)."""


# --- processes -------------------------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_of(pid: int) -> list[int]:
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    except OSError:
        return []


@dataclass
class Servers:
    urls: list[str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def rss_mb(self) -> float:
        """Resident memory of the server processes, summed, from /proc."""
        return sum(rss_mb(process.pid) for process in self.processes)

    def helpers_rss_mb(self) -> float:
        """Resident memory of the servers' child processes (the sandbox's forkserver), summed."""
        return sum(rss_mb(child) for process in self.processes for child in children_of(process.pid))

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


def start_all(commands: list[list[str]], env: dict[str, str], tmp: Path, label: str) -> Servers:
    servers = Servers([])
    try:
        for number, command in enumerate(commands):
            start(command, env, tmp / f"{label}-{number}.log", servers)
    except Exception:
        servers.stop()
        raise
    return servers


def start_bare(tmp: Path, count: int, redis_url: str | None) -> Servers:
    return start_all([[sys.executable, "-m", "bench.bare"]] * count, {**os.environ, "BARE_REDIS_URL": redis_url or ""},
                     tmp, "bare")


def start_ecabinet(tmp: Path, template: Path, count: int, redis_url: str | None) -> Servers:
    """``count`` server processes on a fresh copy of the bench database (the meeting not started yet)."""
    database = tmp / f"live-{count}-{free_port()}.sqlite3"
    shutil.copyfile(template, database)
    env = {**os.environ, "ECABINET_DATABASE_URL": f"sqlite:///{database}", "ECABINET_STORAGE_DIR": str(tmp / "storage"),
           "ECABINET_ENV": "development", "ECABINET_SCHEDULER_IN_PROCESS": "false"}
    env.pop("ECABINET_REDIS_URL", None)
    if redis_url:
        env["ECABINET_REDIS_URL"] = redis_url
    return start_all([[sys.executable, "-m", "ecabinet.serve"]] * count, env, tmp, "ecabinet")


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
    from ecabinet.core.migrations import upgrade

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
    """One measurement: N tablets, how long they took to join, the times each version arrived, per tablet; the
    servers' memory idle, holding the tablets, and once they left."""

    tablets: int
    join_s: float = 0.0
    arrivals: dict[int, dict[int, float]] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    losses: int = 0
    rss_idle_mb: float = 0.0
    rss_mb: float = 0.0
    rss_after_mb: float = 0.0
    helpers_rss_mb: float = 0.0

    def p(self, q: int) -> float | None:
        if len(self.latencies_ms) < 2:
            return None
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]


async def open_tablets(session: Any, urls: list[str], tokens: list[str], run: Run, meeting_id: int) -> list[Any]:
    """Connect ``run.tablets`` clients round-robin over ``urls`` and ``tokens``, each joining the meeting; the
    time until the last one holds its snapshot goes into ``run.join_s``."""
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
            if version == state["version"] + 1:
                state["version"] = version
            elif version > state["version"]:  # missed one: the snapshot, as a real tablet does
                task = asyncio.create_task(resync())
                resyncing.add(task)
                task.add_done_callback(resyncing.discard)

        sio.on("live:change", on_change)
        async with gate:
            await sio.connect(urls[index % len(urls)], transports=["websocket"], wait_timeout=30,
                              auth={"token": tokens[index % len(tokens)]})
            ack = await sio.call("live:join", {"meeting_id": meeting_id}, timeout=60)
            if not ack.get("ok"):
                raise RuntimeError(f"live:join refused: {ack}")
            state["version"] = ack["snapshot"]["version"]
        return sio

    started = time.perf_counter()
    clients = list(await asyncio.gather(*(one(i) for i in range(run.tablets))))
    run.join_s = time.perf_counter() - started
    return clients


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


async def _measure(servers: Servers, run: Run, tokens: Callable[[Any], Awaitable[list[str]]],
                   advance: Callable[[Any], Callable[[], Awaitable[int]]], meeting_id: int) -> None:
    """Join, drive the updates, read the memory with the tablets, let them go and read it again."""
    import aiohttp

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        next_version = advance(session)
        clients = await open_tablets(session, servers.urls, await tokens(session), run, meeting_id)
        try:
            await drive(run, next_version)
            run.rss_mb = servers.rss_mb()
        finally:
            await close_tablets(clients)


async def measure_ecabinet(servers: Servers, meeting_id: int, run: Run) -> None:
    """The chair starts the meeting and moves through the agenda over the HTTP API of the first server."""
    chair: dict[str, str] = {}

    async def tokens(session: Any) -> list[str]:
        chair["Authorization"] = f"Bearer {(await tokens_for(session, servers.urls[0], (CHAIR,)))[0]}"
        return await tokens_for(session, servers.urls[0], TABLET_USERS)

    def advance(session: Any) -> Callable[[], Awaitable[int]]:
        actions = f"{servers.urls[0]}/api/v1/meetings/{meeting_id}/live/actions"
        started = {"done": False}

        async def act(action: str) -> int:
            async with session.post(actions, json={"action": action, "args": {}}, headers=chair) as response:
                body = await response.json()
                if response.status != 200:
                    raise RuntimeError(f"{action}: {response.status} {body}")
                return body["version"]

        async def next_version() -> int:
            if not started["done"]:  # the first warm-up update starts the meeting
                started["done"] = True
                return await act("start")
            return await act("next_item")

        return next_version

    await _measure(servers, run, tokens, advance, meeting_id)


async def measure_bare(servers: Servers, run: Run) -> None:
    counter = {"version": 0}

    async def tokens(session: Any) -> list[str]:
        return ["-"]

    def advance(session: Any) -> Callable[[], Awaitable[int]]:
        async def broadcast() -> int:
            counter["version"] += 1
            async with session.post(f"{servers.urls[0]}/broadcast", params={"version": counter["version"]}) as r:
                return (await r.json())["version"]

        return broadcast

    await _measure(servers, run, tokens, advance, 0)


def scenario(make: Callable[[], Servers], measure: Callable[[Servers, Run], Awaitable[None]], tablets: int,
             label: str, settle_s: float) -> Run:
    """Start the servers, measure, wait ``settle_s`` after the tablets left, stop the servers."""
    run = Run(tablets)
    servers = make()
    try:
        run.rss_idle_mb = servers.rss_mb()
        run.helpers_rss_mb = servers.helpers_rss_mb()
        asyncio.run(measure(servers, run))
        time.sleep(settle_s)
        run.rss_after_mb = servers.rss_mb()
    finally:
        servers.stop()
    print(f"  {label}: join {run.join_s:.2f} s, p50 {_ms(run.p(50))}, p99 {_ms(run.p(99))}, losses {run.losses}, "
          f"RSS idle {run.rss_idle_mb:.0f} MB, with the tablets {run.rss_mb:.0f} MB, after {run.rss_after_mb:.0f} MB"
          f" (children {run.helpers_rss_mb:.0f} MB)", flush=True)
    return run


def _ms(value: float | None) -> str:
    return "none complete" if value is None else f"{value:.1f} ms"


# --- figures ---------------------------------------------------------------------------------------------------

def _compare(ours: list[Run], bare: list[Run], value: Callable[[Run], float | None]) -> Comparison:
    return Comparison.of([value(run) for run in ours], [value(run) for run in bare])


def _median(runs: list[Run], value: Callable[[Run], float | None]) -> str:
    present = [v for v in map(value, runs) if v is not None]
    return f"{statistics.median(present):.1f}" if present else "none"


def figures_one_process(ours: list[Run], bare: list[Run]) -> dict[str, dict]:
    tablets = ours[0].tablets
    return {"live_p99_ms_300": _compare(ours, bare, lambda r: r.p(99)).figure("ms", (
        f"p99 over {UPDATES} `next_item` (HTTP API, one commit) of the time until all {tablets} joined tablets hold "
        f"the new version (p50 {_median(ours, lambda r: r.p(50))} ms, losses {sum(r.losses for r in ours)}, joined "
        f"in {_median(ours, lambda r: r.join_s)} s); one gevent server process, SQLite on tmpfs; reference: a bare "
        f"Flask-SocketIO gevent process, same GC settings, broadcasting to {tablets} clients (p50 "
        f"{_median(bare, lambda r: r.p(50))} ms, joined in {_median(bare, lambda r: r.join_s)} s); "
        "target ratio ≤ 1.5"))}


def figures_redis(ours: list[Run], bare: list[Run]) -> dict[str, dict]:
    tablets = ours[0].tablets
    topology = "500 on each of TWO gevent server processes joined by Redis"
    reference = "TWO bare Flask-SocketIO gevent processes joined by the same kind of Redis, same GC settings"
    p99 = _compare(ours, bare, lambda r: r.p(99)).figure("ms", (
        f"p99 over {UPDATES} `next_item` of the time until all {tablets:,} tablets hold the new version, {topology} "
        f"(p50 {_median(ours, lambda r: r.p(50))} ms); `losses` = (tablet, update) pairs never received, over all "
        f"runs; reference: {reference} (p50 {_median(bare, lambda r: r.p(50))} ms); target ratio ≤ 1.5"))
    return {
        "live_p99_ms_1000_redis": {**p99, "losses": sum(run.losses for run in ours)},
        "live_join_s_1000_redis": _compare(ours, bare, lambda r: r.join_s).figure("s", (
            f"{tablets:,} tablets connect (bearer token) and `live:join` the meeting at once, {CONNECT_AT_ONCE} in "
            f"flight, until the last holds its snapshot, {topology} — the reconnect storm after the room's Wi-Fi "
            f"dropped; reference: {reference}, whose `live:join` joins a room and answers a snapshot of the same "
            "size; target ratio ≤ 2.0")),
        "live_rss_mb_1000": _compare(ours, bare, lambda r: r.rss_mb).figure("MB", (
            f"resident memory (VmRSS, /proc) of the two ecabinet server processes holding {tablets:,} joined tablets "
            f"({_median(ours, lambda r: r.rss_idle_mb)} MB before the first connection, "
            f"{_median(ours, lambda r: r.rss_after_mb)} MB {SETTLE_S:.0f} s after the last left; their sandboxes' "
            f"forkservers another {_median(ours, lambda r: r.helpers_rss_mb)} MB); reference: {reference}, holding "
            f"the same clients ({_median(bare, lambda r: r.rss_idle_mb)} MB idle, "
            f"{_median(bare, lambda r: r.rss_after_mb)} MB a second after they left)")),
        "live_rss_mb_idle": _compare(ours, bare, lambda r: r.rss_idle_mb).figure("MB", (
            "resident memory of the same two ecabinet server processes at idle, before the first connection (the "
            "app built, the sandbox's forkserver started); reference: the two bare processes at idle")),
    }


def measure(tmp: Path, runs: int, one_process: int, two_processes: int) -> dict[str, dict]:
    template, meeting_id = prepare_database(tmp)
    results: dict[str, dict] = {}

    def ours_one() -> Run:
        return scenario(lambda: start_ecabinet(tmp, template, 1, None),
                        lambda s, r: measure_ecabinet(s, meeting_id, r), one_process,
                        f"ecabinet, 1 process, {one_process} tablets", 0)

    def bare_one() -> Run:
        return scenario(lambda: start_bare(tmp, 1, None), measure_bare, one_process,
                        f"bare, 1 process, {one_process} clients", 0)

    results.update(figures_one_process(*interleave(ours_one, bare_one, runs)))

    redis = start_redis(tmp)
    if redis is None:
        print("redis-server is not installed: the 1,000-tablet figures are not measured")
        return results
    redis_process, redis_url = redis

    def ours_two() -> Run:
        return scenario(lambda: start_ecabinet(tmp, template, 2, redis_url),
                        lambda s, r: measure_ecabinet(s, meeting_id, r), two_processes,
                        f"ecabinet, 2 processes + Redis, {two_processes} tablets", SETTLE_S)

    def bare_two() -> Run:
        return scenario(lambda: start_bare(tmp, 2, redis_url), measure_bare, two_processes,
                        f"bare, 2 processes + Redis, {two_processes} clients", 1.0)

    try:
        results.update(figures_redis(*interleave(ours_two, bare_two, runs)))
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)
    return results


def main(runs: int = RUNS, one_process: int = 300, two_processes: int = 1000) -> None:
    """``python -m bench.live [runs one_process two_processes]``: smaller counts for a trial run."""
    try:
        import aiohttp  # noqa: F401  (python-socketio's asyncio client runs on it)
    except ImportError:
        raise SystemExit("bench/live.py needs aiohttp: pip install 'python-socketio[asyncio_client]'") from None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it too
    # The bench database lives in memory (tmpfs) when there is one: on this shared VM a commit's fsync now
    # and then takes 30-40 ms, which would measure the disk, not the live path (PostgreSQL runs elsewhere).
    with tempfile.TemporaryDirectory(dir=TMPFS if os.path.isdir(TMPFS) else None) as tmp:
        publish(measure(Path(tmp), runs, one_process, two_processes))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
