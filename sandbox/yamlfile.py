"""YAML for every file the sandbox reads (spec, couriers, scenarios, area overrides).

PyYAML's C loader parses about ten times faster than ``yaml.safe_load``'s pure-Python
one, and every file is read at start-up; both are safe loaders (plain data only).
"""

from __future__ import annotations

from typing import IO, Any

import yaml
from yaml import YAMLError

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover: PyYAML built without libyaml
    from yaml import SafeLoader as _Loader

__all__ = ["YAMLError", "load"]


def load(source: str | bytes | IO) -> Any:
    return yaml.load(source, Loader=_Loader)
