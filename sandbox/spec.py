"""``openapi.yaml``, read once: the operations the sandbox serves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamlfile

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # as in the spec: /v1/draft_orders/{id}
    has_body: bool
    secured: bool
    tags: tuple[str, ...]
    #: OpenAPI's ``requestBody.required`` (default false): an optional body may be absent.
    body_required: bool = True

    @property
    def rule(self) -> str:
        """The Flask rule: ``{id}`` becomes ``<id>`` (one path segment)."""
        return re.sub(r"\{([^}]+)\}", r"<\1>", self.path)


def load(path: str | Path) -> dict[str, Any]:
    with open(path, "rb") as f:
        return yamlfile.load(f)


def operations(spec: dict[str, Any]) -> list[Operation]:
    default_security = spec.get("security") or []
    found = []
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            security = op.get("security", default_security)
            found.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    has_body="requestBody" in op,
                    secured=bool(security) and security != [{}],
                    tags=tuple(op.get("tags", ())),
                    body_required=bool((op.get("requestBody") or {}).get("required", False)),
                )
            )
    return found
