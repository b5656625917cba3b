"""Whole-spec invariants: the marshmallow request schemas and ``openapi.yaml`` agree.

A field added, renamed, made required, given an enum or a range on one side only
fails here, so the validators can never drift from the source of truth.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from marshmallow import fields, validate

from sandbox import create_app, routing, spec
from sandbox.draft_orders import schemas

SPEC = yaml.safe_load((Path(__file__).resolve().parents[1] / "openapi.yaml").read_text())
COMPONENTS = SPEC["components"]["schemas"]


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[1]]
    return node


def _nullable(prop: dict) -> bool:
    types = prop.get("type")
    return (isinstance(types, list) and "null" in types) or None in prop.get("enum", [])


def _enum(field: fields.Field) -> list | None:
    for v in field.validators:
        if isinstance(v, validate.OneOf):
            return [*v.choices, *([None] if field.allow_none else [])]
    return field.metadata.get("enum")


def _range(field: fields.Field) -> tuple:
    for v in field.validators:
        if isinstance(v, validate.Range):
            return v.min, v.max if v.max is not None else field.metadata.get("maximum")
    return field.metadata.get("minimum"), field.metadata.get("maximum")


PAIRS = [
    (schemas.DraftOrderCreate, "DraftOrderCreate"),
    (schemas.DraftOrderUpdate, "DraftOrderUpdate"),
    (schemas.ItemInput, "DraftOrderItemInput"),
    (schemas.Coordinate, "CoordinateInput"),
]


@pytest.mark.parametrize("schema_class, component", PAIRS, ids=[c for _, c in PAIRS])
def test_request_schema_matches_the_spec(schema_class, component):
    spec_schema = _resolve(COMPONENTS[component])
    properties = {name: _resolve(p) for name, p in spec_schema["properties"].items()}
    declared = schema_class().fields

    assert set(declared) == set(properties), "field names differ"
    assert {n for n, f in declared.items() if f.required} == set(spec_schema.get("required", [])), "required differs"
    for name, field in declared.items():
        prop = properties[name]
        assert field.allow_none == _nullable(prop), f"{name}: nullability differs"
        if "enum" in prop or _enum(field) is not None:
            assert sorted(map(str, _enum(field) or [])) == sorted(map(str, prop.get("enum", []))), f"{name}: enum differs"
        low, high = _range(field)
        if low is not None or "minimum" in prop:
            assert low == prop.get("minimum"), f"{name}: minimum differs"
        if high is not None or "maximum" in prop:
            assert high == prop.get("maximum"), f"{name}: maximum differs"


def test_every_operation_has_a_handler_and_every_handler_an_operation():
    operations = {op.operation_id for op in spec.operations(SPEC)}
    assert operations == set(routing.collect_handlers())


def test_a_spec_operation_without_a_handler_refuses_to_start(tmp_path):
    broken = dict(SPEC, paths={**SPEC["paths"], "/v1/extra": {"get": {"operationId": "retrieve_extra", "responses": {"200": {"description": "x"}}}}})
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(routing.RoutingError, match="retrieve_extra"):
        create_app({"SPEC_PATH": str(path)})


def test_a_handler_without_an_operation_refuses_to_start(tmp_path):
    paths = {p: item for p, item in SPEC["paths"].items() if p != "/v1/orders/{id}"}
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(dict(SPEC, paths=paths)))
    with pytest.raises(routing.RoutingError, match="retrieve_order"):
        create_app({"SPEC_PATH": str(path)})
