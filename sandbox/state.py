"""The per-app state every service works on, kept at ``app.extensions["sandbox"]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .couriers.service import CourierCatalog
from .fakes import Clock, Fakes
from .maps.service import AreaIndex
from .store import Store


@dataclass
class Sandbox:
    config: dict[str, Any]
    store: Store
    fakes: Fakes
    clock: Clock
    areas: AreaIndex
    catalog: CourierCatalog
    spec: dict[str, Any] = field(repr=False, default_factory=dict)
    #: Loaded scenarios and each key's arms/counters (sandbox/scenarios.py).
    scenarios: Any = field(repr=False, default=None)
    #: Each key's recent requests (sandbox/control/service.py ``Journal``).
    journal: Any = field(repr=False, default=None)
