"""Defaults, and where the shipped data live.

``create_app(config)`` applies, in order: these defaults, ``SANDBOX_*`` environment
variables (``SANDBOX_DB``, ``SANDBOX_SEED``, ...), then the ``config`` mapping.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_path(name: str) -> Path:
    """Shipped data: inside the package when installed from a wheel, else the repo root."""
    packaged = PACKAGE_DIR / "_data" / name
    return packaged if packaged.exists() else PACKAGE_DIR.parent / name


DEFAULTS = {
    "SPEC_PATH": str(_data_path("openapi.yaml")),
    "FIXTURES_DIR": str(_data_path("fixtures")),
    # Extra fixture folders (areas, scenarios) a user adds with --fixtures.
    "EXTRA_FIXTURES": [],
    # The app factory stores in memory; the CLI defaults to ./biteship-sandbox.json.
    "DB": ":memory:",
    "FSYNC": True,
    "SEED": 0,
    # One line per request (method, path, status, Biteship code, ms) goes to this
    # callable; None logs nothing. The CLI passes a writer that prints to stderr.
    "ACCESS_LOG": None,
    # Request bodies above this answer 413 41399003.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

CLI_DEFAULTS = {"HOST": "127.0.0.1", "PORT": 4000, "DB": "./biteship-sandbox.json", "SEED": 0}
