"""Serving the app: waitress (threaded, one process, since all state is in memory)."""

from __future__ import annotations

import threading

from waitress.server import create_server


class RunningServer:
    """A waitress server on its own thread, for tests and the pytest plugin."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
        self._server = bind(app, host, port, threads)
        self.host = host
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._server.run, name=f"fakenova:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "RunningServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        # Open keep-alive connections keep waitress's loop running until their clients let go; the
        # thread is a daemon, so give it a moment and move on rather than wait for them.
        self._thread.join(timeout=1)


def bind(app, host: str, port: int, threads: int = 8):
    """A waitress server with its socket(s) bound and listening (OSError when the address is taken);
    ``run()`` serves until KeyboardInterrupt or SystemExit."""
    return create_server(app, host=host, port=port, threads=threads, ident="fakenova",
                         clear_untrusted_proxy_headers=True)


def urls(server) -> list[str]:
    """Where a bound server listens, with the real port (port 0 picks one)."""
    listening = getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)]
    return [f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"
            for host, port in listening]
