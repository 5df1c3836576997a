"""``fakenova`` command line: ``fakenova serve [--host H] [--port P] [--config FILE] [--state-file FILE]``."""

from __future__ import annotations

import argparse
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
        description="A deterministic, in-memory fake of the OpenStack Compute (Nova) API.",
    )
    parser.add_argument("--version", action="version", version=f"fakenova {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve Keystone, Nova, Glance and Neutron fakes on one port",
        description="Serve /identity, /compute, /image, /networking and /_fake on one port. "
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
        parser.print_help()
        return 0 if args.command is None and argv == [] else 2
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
    from fakenova.server import serve_forever

    log.info("fakenova %s serving on http://%s:%s (identity at /identity)", __version__, settings.host, settings.port)
    # SIGTERM (docker stop, kill) ends the server like Ctrl-C does, so the state file gets written.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve_forever(app, settings.host, settings.port)
    except OSError as exc:
        print(f"fakenova: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    if args.state_file:
        state.save_file(app.extensions["fakenova"], args.state_file)
        log.info("state saved to %s", args.state_file)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
