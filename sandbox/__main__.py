"""``biteship-sandbox`` / ``python -m sandbox``: serve the sandbox with waitress, one process.

Every flag has a ``SANDBOX_*`` environment variable (the flag wins), so the Docker
image and CI services are configured the same way.
"""

from __future__ import annotations

import argparse
import errno
import logging
from logging.handlers import QueueHandler, QueueListener
from queue import SimpleQueue
import os
import sys

from .config import CLI_DEFAULTS


def _env(name: str, default):
    value = os.environ.get(f"SANDBOX_{name}")
    return default if value is None else type(default)(value)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="biteship-sandbox",
        description="A local, stateful emulator of Biteship's Draft Order API.",
    )
    parser.add_argument("--host", default=_env("HOST", CLI_DEFAULTS["HOST"]), help="listen address [SANDBOX_HOST] (default %(default)s)")
    parser.add_argument("--port", type=int, default=_env("PORT", CLI_DEFAULTS["PORT"]), help="listen port [SANDBOX_PORT] (default %(default)s)")
    parser.add_argument("--db", default=_env("DB", CLI_DEFAULTS["DB"]), help="store file, or :memory: [SANDBOX_DB] (default %(default)s)")
    parser.add_argument("--seed", type=int, default=_env("SEED", CLI_DEFAULTS["SEED"]), help="seed for generated ids and values [SANDBOX_SEED] (default %(default)s)")
    parser.add_argument("--fixtures", action="append", default=[p for p in os.environ.get("SANDBOX_FIXTURES", "").split(os.pathsep) if p], help="extra fixtures folder (areas, scenarios); repeatable [SANDBOX_FIXTURES, ':'-separated]")
    parser.add_argument("--threads", type=int, default=_env("THREADS", 8), help="worker threads [SANDBOX_THREADS] (default %(default)s)")
    return parser.parse_args(argv)


def _log_to_stderr_in_background() -> QueueListener:
    """Request threads only enqueue their access-log line; one thread writes to stderr.

    Writing from every request thread serialised them on the handler's lock and cost
    a quarter of a retrieve's throughput (measured with wrk)."""
    queue: SimpleQueue = SimpleQueue()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    listener = QueueListener(queue, handler)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(QueueHandler(queue))
    listener.start()
    return listener


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    log_writer = _log_to_stderr_in_background()
    try:
        return _serve(args)
    finally:
        log_writer.stop()  # writes out what is still queued


def _serve(args: argparse.Namespace) -> int:
    from waitress.server import create_server

    from . import create_app
    from .scenarios import ScenarioFileError
    from .store import StoreCorrupt

    try:
        app = create_app({"DB": args.db, "SEED": args.seed, "EXTRA_FIXTURES": args.fixtures})
    except (StoreCorrupt, ScenarioFileError) as exc:
        print(f"biteship-sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, ident="biteship-sandbox")
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(
                f"biteship-sandbox: port {args.port} on {args.host} is already in use; "
                "stop the other process or pass --port.",
                file=sys.stderr,
            )
        else:
            print(f"biteship-sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"biteship-sandbox listening on http://{args.host}:{args.port} (db {args.db}, seed {args.seed})", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["sandbox"].store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
