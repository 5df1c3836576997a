"""Serving the app over HTTP: granian's Rust HTTP/1.1 server calling the WSGI app, in this process.

All state is in memory, so there is one process: the sockets are bound here, and each one gets a
granian WSGI worker (a Rust runtime doing the socket and HTTP work, calling the app from a few
Python threads) started on a thread of this process. The pytest fixture's live server, ``fakenova
serve`` and the Docker image all serve this way.

Granian runs its workers as child processes; its in-process worker (``granian._granian.WSGIWorker``,
what granian's own free-threaded server starts on threads) is used directly here, so granian is
pinned to the minor version whose worker signature this module passes (pyproject.toml).
Measured on one 2-CPU machine, a bare Flask route under wrk: waitress 4,300 / 2,600 req/s at 1 / 8
keep-alive connections, this server 8,000 / 11,800 (``make bench``, "over the wire", has fakenova's
own rows against mimic).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading

from granian._granian import SocketHolder, WorkerSignal, WSGIWorker
from granian.http import HTTP1Settings
from granian.wsgi import _callback_wrapper

# Python threads calling the app. The GIL runs one at a time, so more buys no throughput; a few let
# one request wait (a fault rule's real latency) while the others are answered.
APP_THREADS = 4
BACKLOG = 1024
# Connections served at once per socket before new ones wait in the backlog.
BACKPRESSURE = 256


class Listener:
    """One bound, listening socket and the granian worker serving it (started by ``start``)."""

    def __init__(self, sock: socket.socket, app, threads: int):
        self.socket = sock
        self.host, self.port = sock.getsockname()[:2]
        self._app, self._threads = app, threads
        self._stop = WorkerSignal()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name=f"fakenova:{self.port}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # Keyword-free on purpose: the extension takes them positionally (worker_id, socket, ipc,
        # runtime threads, runtime blocking threads, Python threads, their idle timeout, backpressure,
        # http mode, HTTP/1 and HTTP/2 settings, static files, eight TLS settings, metrics).
        # Granian owns the socket from here on, and closes it when the worker stops.
        holder = SocketHolder(self.socket.detach(), False, BACKLOG)
        worker = WSGIWorker(1, (None, holder), None, 1, 512, self._threads, 30, BACKPRESSURE, "1",
                            HTTP1Settings(), None, None, False, None, None, None, "1.3", None, [], False,
                            (None, None))
        self._stop.add_cb(self._stopped.set)
        # The event loop and scheduler are granian's glue for its async interfaces, never run here:
        # WSGI calls the app from the worker's own Python threads.
        loop = asyncio.new_event_loop()
        try:
            worker.serve_str(_scheduler(loop, self._app), loop, self._stop)
            self._stopped.wait()
        finally:
            loop.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.socket.close()  # only if never started: a detached socket's close does nothing


def _scheduler(loop, app):
    from granian._futures import _new_cbscheduler

    return _new_cbscheduler(loop, _callback_wrapper(app, {}, None), impl_asyncio=False)


class Bound:
    """The sockets for ``host:port``, bound and listening; ``run()`` serves until KeyboardInterrupt or
    SystemExit (the CLI's signal handlers raise it), ``start()``/``stop()`` serve from threads."""

    def __init__(self, app, host: str, port: int, threads: int = APP_THREADS):
        self.listeners = [Listener(sock, app, threads) for sock in _bind(host, port)]
        self.effective_host, self.effective_port = self.listeners[0].host, self.listeners[0].port
        self.effective_listen = [(listener.host, listener.port) for listener in self.listeners]

    def start(self) -> None:
        with _stop_signals_blocked():
            for listener in self.listeners:
                listener.start()

    def run(self) -> None:
        self.start()
        try:
            threading.Event().wait()   # until a signal handler raises in this (the main) thread
        finally:
            self.close()

    def close(self) -> None:
        for listener in self.listeners:
            listener.stop()


@contextlib.contextmanager
def _stop_signals_blocked():
    """Threads started inside inherit SIGINT and SIGTERM blocked, and so do granian's Rust threads
    they start. A process-directed signal goes to any thread that does not block it; taken by one of
    those, the main thread, asleep in ``run()``'s wait, never ran its handler and ``fakenova serve``
    ignored a SIGTERM now and then (about one in eight)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: signals reach the main thread only
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _bind(host: str, port: int) -> list[socket.socket]:
    """A listening socket per address ``host`` names (OSError when one is taken)."""
    infos = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    bound, seen = [], set()
    try:
        for family, kind, proto, _name, address in infos:
            if (family, address[:2]) in seen:
                continue
            seen.add((family, address[:2]))
            sock = socket.socket(family, kind, proto)
            bound.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            # Accepted connections inherit it: without, Nagle's algorithm holds each small answer
            # back for the client's delayed ACK (a keep-alive client then waits milliseconds).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.setblocking(False)
    except OSError:
        for sock in bound:
            sock.close()
        raise
    return bound


class RunningServer:
    """A server on its own threads, for tests, the benchmarks and the pytest plugin."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = APP_THREADS):
        self._server = bind(app, host, port, threads)
        self.host = host
        self.port = self._server.effective_port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "RunningServer":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.close()


def bind(app, host: str, port: int, threads: int = APP_THREADS) -> Bound:
    """A server with its socket(s) bound and listening (OSError when the address is taken);
    ``run()`` serves until KeyboardInterrupt or SystemExit."""
    return Bound(app, host, port, threads)


def urls(server) -> list[str]:
    """Where a bound server listens, with the real port (port 0 picks one)."""
    listening = getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)]
    return [f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"
            for host, port in listening]
