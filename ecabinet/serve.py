"""Serve ecabinet with gevent's WSGI server (HTTP and websockets): ``python -m ecabinet.serve``.

``HOST`` and ``PORT`` choose the address (127.0.0.1:5000 by default).
"""

from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402  (after monkey-patching, as gevent requires)
import os  # noqa: E402
import socket  # noqa: E402

from gevent import pywsgi  # noqa: E402

from ecabinet import create_app  # noqa: E402
from ecabinet.core import sandbox  # noqa: E402
from ecabinet.core.extensions import socketio  # noqa: E402


class NoDelayHandler(pywsgi.WSGIHandler):
    """Sends each write at once (``TCP_NODELAY``). gevent writes a response's headers and body separately: with
    Nagle's algorithm the body waited for the client's delayed ACK of the headers, 40 ms on every request after
    the first on a kept-alive connection. (gunicorn sets the option on its listening socket.)"""

    def __init__(self, sock, address, server, rfile=None):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, address, server, rfile)


def main() -> None:
    app = create_app(None, SOCKETIO_ASYNC_MODE="gevent")
    gc.collect()
    gc.freeze()  # the app's long-lived objects leave the collector: no full collection stalls a broadcast
    gc.set_threshold(50_000, 20, 100)  # fewer, not longer, young collections: thousands of open sockets churn
    sandbox.start()  # uploads are parsed in its children (ecabinet.core.sandbox)
    if app.config["SCHEDULER_IN_PROCESS"]:
        from ecabinet.scheduler import start_in_process

        start_in_process(app)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    app.logger.info("ecabinet serving on http://%s:%s (%s)", host, port, app.config["ENV_NAME"])
    socketio.run(app, host=host, port=port, log_output=True, handler_class=NoDelayHandler)


if __name__ == "__main__":
    main()
