"""Serve ecabinet with gevent's WSGI server (HTTP and websockets): ``python -m ecabinet.serve``.

``HOST`` and ``PORT`` choose the address (127.0.0.1:5000 by default).
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402  (after monkey-patching, as gevent requires)
import socket  # noqa: E402

from flask import Flask  # noqa: E402
from gevent import get_hub, pywsgi  # noqa: E402

from ecabinet import create_app  # noqa: E402
from ecabinet.core import memory, sandbox  # noqa: E402
from ecabinet.core.extensions import socketio  # noqa: E402

GIVE_BACK_EVERY_SECONDS = 10


class NoDelayHandler(pywsgi.WSGIHandler):
    """Sends each write at once (``TCP_NODELAY``). gevent writes a response's headers and body separately: with
    Nagle's algorithm the body waited for the client's delayed ACK of the headers, 40 ms on every request after
    the first on a kept-alive connection. (gunicorn sets the option on its listening socket.)"""

    def __init__(self, sock, address, server, rfile=None):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


def serving_app() -> Flask:
    """The app as a server process runs it: its garbage collector tuned, the sandbox started, freed memory given
    back; gunicorn can serve ``'ecabinet.serve:serving_app()'`` for the same."""
    app = create_app(None, SOCKETIO_ASYNC_MODE="gevent")
    memory.tune_gc()
    sandbox.start()  # uploads are parsed in its children (ecabinet.core.sandbox)
    if app.config["SCHEDULER_IN_PROCESS"]:
        from ecabinet.scheduler import start_in_process

        start_in_process(app)
    socketio.start_background_task(_give_back_memory)
    return app


def main() -> None:
    app = serving_app()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app.logger.info("ecabinet serving on http://%s:%s (%s)", host, port, app.config["ENV_NAME"])
    socketio.run(app, host=host, port=port, log_output=True, handler_class=NoDelayHandler)


def _give_back_memory() -> None:
    """What a burst of connections or an export freed goes back to the system instead of staying with the process.
    In a thread of gevent's pool: the trim takes tens of milliseconds after a burst, which the event loop would
    wait (ctypes lets go of the GIL meanwhile)."""
    while get_hub().threadpool.apply(memory.give_back):
        socketio.sleep(GIVE_BACK_EVERY_SECONDS)


if __name__ == "__main__":
    main()
