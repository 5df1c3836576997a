"""``fakenova`` command line: ``fakenova serve [--host H] [--port P] [--config FILE] [--state-file FILE]``."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys

from fakenova import __version__
from fakenova.config import ConfigError, Settings
from fakenova.domain.control import state

log = logging.getLogger("fakenova")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fakenova",
        description="A deterministic, in-memory fake of the OpenStack Compute (Nova) API, with the "
        "Keystone, Glance, Neutron and Cinder calls around it.",
    )
    parser.add_argument("--version", action="version", version=f"fakenova {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve Keystone, Nova, Glance, Neutron and Cinder fakes on one port",
        description="Serve /identity, /compute, /image, /networking, /volume and /_fake on one port. "
        "Settings come from --config FILE (YAML or TOML), then FAKENOVA_* environment variables, "
        "then these flags.",
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8774)")
    serve.add_argument("--config", metavar="FILE", help="YAML or TOML settings file")
    serve.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (default INFO)")
    serve.add_argument("--state-file", metavar="FILE",
                       help="load the whole state from FILE on start (if it exists) and save it there "
                       "on SIGTERM/SIGINT")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "serve":
        # No command: the whole help (it names every service), and argparse's status for a usage error.
        parser.print_help(sys.stderr)
        return 2
    try:
        settings = Settings.load(args.config, host=args.host, port=args.port, log_level=args.log_level)
        level = getattr(logging, settings.log_level.upper(), None)
        if not isinstance(level, int):
            raise ConfigError(f"log_level: unknown level '{settings.log_level}'")
        from fakenova.app import create_app

        app = create_app(settings)
        if args.state_file:
            state.load_file(app.extensions["fakenova"], args.state_file)
    except ConfigError as exc:
        print(f"fakenova: configuration error: {exc}", file=sys.stderr)
        return 2
    except state.InvalidState as exc:
        print(f"fakenova: bad state file: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from fakenova import server

    try:
        running = server.bind(app, settings.host, settings.port)
    except OSError as exc:
        print(f"fakenova: cannot listen on {settings.host}:{settings.port}: {_why(exc)}", file=sys.stderr)
        return 1
    stopped_by = _stop_on_signals()
    try:
        # Only now, with the socket bound and the signals handled: the line a user (or a script)
        # waits for.
        log.info("fakenova %s serving on %s (identity at /identity)", __version__,
                 " and ".join(server.urls(running)))
        running.run()
    except KeyboardInterrupt:  # a signal before run() began
        pass
    # The server has stopped: a second signal must not cut the state file short.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    log.info("stopping on %s", stopped_by[0] if stopped_by else "a stop request")
    if args.state_file:
        state.save_file(app.extensions["fakenova"], args.state_file)
        log.info("state saved to %s", args.state_file)
    return 0


# Both stop the server and save the state file. Explicit handlers for both, because a process can
# start with SIGINT ignored (a shell's background job, `fakenova serve &`), and Python's default
# SIGTERM action ends the process without saving; `docker stop` sends SIGINT (the image's STOPSIGNAL).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop_on_signals() -> list[str]:
    """Install the handlers; the returned list gets the name of the signal that stopped the server."""
    stopped_by: list[str] = []

    def stop(signum, frame):
        stopped_by.append(signal.Signals(signum).name)
        raise KeyboardInterrupt  # the server's run() ends on it and stops its workers

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    return stopped_by


def _why(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "address already in use (choose another port: --port, FAKENOVA_PORT or make serve PORT=...)"
    return exc.strerror.lower() if exc.strerror else str(exc)
