"""biteship-sandbox: a local, stateful, spec-checked emulator of Biteship's Draft Order API.

``create_app(config=None)`` is the only wiring point: configuration, the store, the
reference data (areas, couriers), routing from ``openapi.yaml`` and the one error
handler. Nothing happens at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]

def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    # Flask is imported here, not at module level: the pytest plugin (sandbox.pytest_plugin)
    # is imported by every pytest run where the package is installed, and must stay cheap.
    from flask import Flask

    from . import control, errors, routing, scenarios, spec
    from .control.service import Journal
    from .config import DEFAULTS
    from .couriers.service import CourierCatalog
    from .fakes import Clock, Fakes
    from .http import AccessLog, KeepSlashesInSegments
    from .maps.service import AreaIndex
    from .scenarios import ScenarioBook
    from .state import Sandbox
    from .store import Store

    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SANDBOX")
    if config:
        app.config.update(config)

    fixtures = Path(app.config["FIXTURES_DIR"])
    extra = [Path(p) for p in app.config["EXTRA_FIXTURES"]]
    api_spec = spec.load(app.config["SPEC_PATH"])
    # First: a spec/handler mismatch refuses to start before anything else is loaded.
    routing.bind(app, spec.operations(api_spec), routing.collect_handlers())
    store = Store(app.config["DB"], fsync=app.config["FSYNC"])
    app.extensions["sandbox"] = Sandbox(
        config=app.config,
        store=store,
        fakes=Fakes(int(app.config["SEED"])),
        clock=Clock(),
        areas=AreaIndex.load(fixtures / "areas", _user_area_files(extra)),
        catalog=CourierCatalog.load(fixtures / "couriers.yaml"),
        spec=api_spec,
        scenarios=ScenarioBook(
            scenarios.load([fixtures / "scenarios", *(folder / "scenarios" for folder in extra)], api_spec),
            sticky_users=scenarios.users_with_references(store),
        ),
        journal=Journal(int(app.config.get("JOURNAL_SIZE", 200))),
    )
    errors.register(app)
    control.install(app)
    app.wsgi_app = KeepSlashesInSegments(app.wsgi_app)

    write_access_line = app.config["ACCESS_LOG"]
    if write_access_line is not None:
        app.wsgi_app = AccessLog(app.wsgi_app, write_access_line)
    return app


def _user_area_files(folders: list[Path]) -> list[Path]:
    """Area overrides a user adds: ``<folder>/areas/*.csv|*.yaml`` of each --fixtures folder."""
    files: list[Path] = []
    for folder in folders:
        for pattern in ("*.csv", "*.csv.gz", "*.yaml", "*.yml"):
            files.extend(sorted((folder / "areas").glob(pattern)))
    return files
