"""Test helpers importable from any test module (``from support import ...``):
an ``Api`` that speaks to the sandbox the way a Biteship client does, the docs'
example payload, the exact-error assertion, and ``check``: a response body against
the schema openapi.yaml documents for its operation and status."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

#: The keys of one rates ``pricing`` entry: the draft example's plus the Rates API's fee breakdown.
PRICING_KEYS = {
    "available_collection_method", "available_for_cash_on_delivery", "available_for_proof_of_delivery",
    "available_for_instant_waybill_id", "available_for_insurance", "company", "courier_name", "courier_code",
    "courier_service_name", "courier_service_code", "currency", "description", "duration",
    "shipment_duration_range", "shipment_duration_unit", "service_type", "shipping_type", "price",
    "shipping_fee", "shipping_fee_discount", "shipping_fee_surcharge", "insurance_fee", "cash_on_delivery_fee",
    "tax_lines", "type",
}  # fmt: skip

KEY = "biteship_test.alice"
OTHER_KEY = "biteship_test.bob"

#: The docs' "without courier" example (create page), trimmed to what matters.
DRAFT = {
    "origin_contact_name": "Amir",
    "origin_contact_phone": "081234567890",
    "origin_address": "Plaza Senayan, Jalan Asia Afrika",
    "origin_note": "Deket pintu masuk STC",
    "origin_postal_code": 12440,
    "destination_contact_name": "John Doe",
    "destination_contact_phone": "088888888888",
    "destination_contact_email": "john@example.com",
    "destination_address": "Lebak Bulus MRT",
    "destination_postal_code": 12950,
    "destination_note": "Near the gas station",
    "delivery_type": "now",
    "order_note": "Please be careful",
    "items": [
        {
            "name": "Black L",
            "description": "White Shirt",
            "category": "fashion",
            "value": 165000,
            "quantity": 1,
            "height": 10,
            "length": 10,
            "weight": 200,
            "width": 10,
        }
    ],
}

#: Coordinates inside the two postal codes above, for instant couriers.
ORIGIN_COORDINATE = {"latitude": -6.2253, "longitude": 106.7993}
DESTINATION_COORDINATE = {"latitude": -6.2891, "longitude": 106.7742}


def draft_payload(**overrides: Any) -> dict:
    """The docs' example with fields replaced; a value of ``...`` removes the field."""
    body = copy.deepcopy(DRAFT)
    for key, value in overrides.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = value
    return body


class Api:
    """A tiny Biteship client over the Flask test client."""

    def __init__(self, client, key: str = KEY):
        self.client = client
        self.key = key

    def headers(self, key: str | None = None) -> dict:
        return {"authorization": key or self.key}

    def as_key(self, key: str) -> "Api":
        return Api(self.client, key)

    def get(self, path: str, **kw):
        return self.client.get(path, headers=self.headers(), **kw)

    def post(self, path: str, body: Any = None, **kw):
        if body is None:
            return self.client.post(path, headers=self.headers(), **kw)
        return self.client.post(path, json=body, headers=self.headers(), **kw)

    def delete(self, path: str, **kw):
        return self.client.delete(path, headers=self.headers(), **kw)

    # The flow, by Biteship's endpoint names.
    def create_draft(self, **overrides: Any):
        return self.post("/v1/draft_orders", draft_payload(**overrides))

    def create_draft_id(self, **overrides: Any) -> str:
        response = self.create_draft(**overrides)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def retrieve_draft(self, draft_id: str):
        return self.get(f"/v1/draft_orders/{draft_id}")

    def rates(self, draft_id: str):
        return self.get(f"/v1/draft_orders/{draft_id}/rates")

    def update_draft(self, draft_id: str, **fields: Any):
        return self.post(f"/v1/draft_orders/{draft_id}", fields)

    def delete_draft(self, draft_id: str):
        return self.delete(f"/v1/draft_orders/{draft_id}")

    def confirm(self, draft_id: str):
        return self.post(f"/v1/draft_orders/{draft_id}/confirm")

    def retrieve_order(self, order_id: str):
        return self.get(f"/v1/orders/{order_id}")

    def ready_draft_id(self, company: str = "sicepat", service: str = "reg", **overrides: Any) -> str:
        return self.create_draft_id(courier_company=company, courier_type=service, **overrides)


def assert_error(response, status: int, code: int, message: str) -> dict:
    """Biteship's error envelope, exactly."""
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == "application/json"
    assert body["success"] is False
    assert body["code"] == code
    assert body["error"] == message
    return body


# --- responses against openapi.yaml ---------------------------------------------------

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"


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
