"""``conforms(response, operation_id)``: the response's status is documented for the
operation in openapi.yaml and its body validates against that response's schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"


@cache
def _spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        target = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def response_schema(operation_id: str, status: int) -> dict:
    spec = _spec()
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                responses = op["responses"]
                assert str(status) in responses, f"{operation_id} does not document HTTP {status}"
                schema = _resolve(spec, responses[str(status)])["content"]["application/json"]["schema"]
                return {**schema, "components": spec["components"]}
    raise KeyError(operation_id)


def check(body, operation_id: str, status: int) -> None:
    validator = jsonschema.Draft202012Validator(response_schema(operation_id, status))
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, (operation_id, status, [e.message for e in errors[:3]])


@pytest.fixture
def conforms():
    def conforms(response, operation_id: str):
        check(response.get_json(), operation_id, response.status_code)
        return response.get_json()

    return conforms


@pytest.fixture
def check_body():
    """``check_body(body, operation_id, status)`` for bodies built without a request."""
    return check
