"""Whole-spec invariants of openapi.yaml: it is a valid OpenAPI 3.1 document,
it names exactly the routed operations, and its error responses, codes,
examples and links say what the Biteship fact sheet says.

Reads only openapi.yaml; imports nothing from the sandbox package.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import schemathesis
import yaml
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}

# (method, path) -> operationId: Biteship's public operations. Sandbox control
# operations, if any, are tagged `sandbox` and are not part of this contract.
CONTROL_TAG = "sandbox"
OPERATIONS = {
    ("post", "/v1/draft_orders"): "create_draft_order",
    ("get", "/v1/draft_orders/{id}"): "retrieve_draft_order",
    ("get", "/v1/draft_orders/{id}/rates"): "retrieve_draft_order_rates",
    ("post", "/v1/draft_orders/{id}"): "update_draft_order",
    ("delete", "/v1/draft_orders/{id}"): "delete_draft_order",
    ("post", "/v1/draft_orders/{id}/confirm"): "confirm_draft_order",
    ("get", "/v1/orders/{id}"): "retrieve_order",
    ("get", "/v1/maps/areas"): "retrieve_areas",
    ("get", "/v1/couriers"): "retrieve_couriers",
}

# operationId -> {status: Biteship codes the response description must name}.
# Statuses mapped to an empty set are documented without a Biteship code.
DOCUMENTED_ERRORS = {
    "create_draft_order": {
        "400": {40011001},
        "401": {40101001, 40101002},
        "413": {41399003},
        "415": {41599004},
        "422": {42211009, 42211010, 42211011, 42211012, 42211013, 42211015},
        "429": {42999006},
        "500": {50099005},
    },
    "retrieve_draft_order": {
        "401": {40101001, 40101002},
        "404": {40411007},
        "429": {42999006},
        "500": {50099005},
    },
    "retrieve_draft_order_rates": {
        "400": {40011001},
        "401": {40101001, 40101002},
        "404": {40411007},
        "422": {42211006},
        "429": {42999006},
        "500": {50099005},
    },
    "update_draft_order": {
        "400": {40011001},
        "401": {40101001, 40101002},
        "404": {40411007},
        "413": {41399003},
        "415": {41599004},
        "422": {42211006, 42211009, 42211010, 42211011, 42211012, 42211013},
        "429": {42999006},
        "500": {50099005},
    },
    "delete_draft_order": {
        "401": {40101001, 40101002},
        "404": {40411007},
        "422": {42211006},
        "429": {42999006},
        "500": {50099005},
    },
    "confirm_draft_order": {
        "400": {40011001},
        "401": {40101001, 40101002},
        "404": {40411007},
        "422": {42211008},
        "429": {42999006},
        "500": {50099005},
    },
    "retrieve_order": {
        "401": {40101001, 40101002},
        "404": {40002057},
        "429": {42999006},
        "500": {50099005},
    },
    "retrieve_areas": {
        "400": {40099101, 40099102, 40099103},
        "401": {40101001, 40101002},
        "429": {42999006},
        "500": {50099005},
    },
    "retrieve_couriers": {
        "401": {40101001, 40101002},
        "429": {42999006},
        "500": {50099005},
    },
}

SUCCESS_STATUS = {
    "create_draft_order": "201",
    "retrieve_draft_order": "200",
    "retrieve_draft_order_rates": "200",
    "update_draft_order": "200",
    "delete_draft_order": "200",
    "confirm_draft_order": "200",
    "retrieve_order": "200",
    "retrieve_areas": "200",
    "retrieve_couriers": "200",
}

# A Biteship quirk: order errors carry the 400 prefix whatever the HTTP status.
PREFIX_EXCEPTIONS = {(40002057, "404")}

CODE_RE = re.compile(r"\b[1-5][0-9]{7}\b")


@cache
def _load() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def spec() -> dict:
    return copy.deepcopy(_load())


def _pointer(spec: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def resolve(spec: dict, node: dict) -> dict:
    """Follow `$ref`s; OpenAPI 3.1 lets a reference's own `description` win."""
    overrides = {}
    while isinstance(node, dict) and "$ref" in node:
        overrides = {**{k: v for k, v in node.items() if k != "$ref"}, **overrides}
        node = _pointer(spec, node["$ref"])
    return {**node, **overrides}


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method, path, op


def public_operations(spec: dict):
    for method, path, op in operations(spec):
        if CONTROL_TAG not in op.get("tags", ()):
            yield method, path, op


def op_by_id(spec: dict, operation_id: str) -> dict:
    for _, _, op in operations(spec):
        if op.get("operationId") == operation_id:
            return op
    raise KeyError(operation_id)


def error_responses(spec: dict):
    for _, _, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                yield op["operationId"], status, response


def validator(spec: dict, schema: dict) -> jsonschema.Draft202012Validator:
    """A validator whose `#/components/...` references resolve inside the spec."""
    root = {**schema, "components": spec["components"]}
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_validator(spec: dict, name: str) -> jsonschema.Draft202012Validator:
    return validator(spec, {"$ref": f"#/components/schemas/{name}"})


def response_validator(spec: dict, operation_id: str, status: str):
    response = resolve(spec, op_by_id(spec, operation_id)["responses"][status])
    return validator(spec, response["content"]["application/json"]["schema"])


def example_value(spec: dict, example: dict):
    return resolve(spec, example)["value"]


# ------------------------------------------------------------ the document


def test_spec_is_a_valid_openapi_3_1_document(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_info_servers_and_tags(spec):
    assert spec["info"]["version"] == "0.1.0"
    assert spec["info"]["title"] and spec["info"]["description"]
    assert spec["servers"] == [{"url": "http://127.0.0.1:4000"}]
    assert {"draft_orders", "orders"} <= {tag["name"] for tag in spec["tags"]}
    public_tags = {"draft_orders", "orders", "maps", "couriers"}
    assert {tag["name"] for tag in spec["tags"]} <= public_tags | {CONTROL_TAG}
    for _, _, op in public_operations(spec):
        assert len(op["tags"]) == 1 and op["tags"][0] in public_tags


def test_operations_are_exactly_the_routed_handlers(spec):
    found = {(method, path): op.get("operationId") for method, path, op in public_operations(spec)}
    assert found == OPERATIONS
    assert all(op.get("operationId") for _, _, op in operations(spec))


def test_operation_ids_are_unique_snake_case(spec):
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_security_is_global_and_no_operation_opts_out(spec):
    assert spec["security"] == [{"biteship_key": []}]
    scheme = spec["components"]["securitySchemes"]["biteship_key"]
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "header"
    assert scheme["name"] == "authorization"
    assert "biteship_test." in scheme["description"]
    assert "Bearer" in scheme["description"] and "Basic" in scheme["description"]
    for _, _, op in public_operations(spec):
        assert op.get("security", spec["security"]) == spec["security"]


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k in OPERATIONS if "{id}" in k[1])
)
def test_id_path_parameter_is_a_plain_non_empty_string(spec, method, path):
    item = spec["paths"][path]
    params = [resolve(spec, p) for p in item.get("parameters", []) + item[method].get("parameters", [])]
    (param,) = [p for p in params if p["in"] == "path"]
    assert param["name"] == "id" and param["required"] is True
    assert param["schema"] == {"type": "string", "minLength": 1}


# ------------------------------------------------------------------ errors


def test_every_non_2xx_response_uses_the_error_schema(spec):
    for operation_id, status, response in error_responses(spec):
        resolved = resolve(spec, response)
        media = resolved["content"]
        assert list(media) == ["application/json"], (operation_id, status)
        assert media["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
            operation_id,
            status,
        )


def test_error_schema_is_the_biteship_envelope(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"success", "error", "code"}
    assert set(error["properties"]) == {"success", "error", "code", "details"}
    check = schema_validator(spec, "Error")
    assert check.is_valid({"success": False, "error": "Bad request.", "code": 40011001})
    assert check.is_valid(
        {"success": False, "error": "x", "code": 40002060, "details": {"order_id": "a"}}
    )
    assert not check.is_valid({"success": True, "error": "Bad request.", "code": 40011001})
    assert not check.is_valid({"success": False, "error": "Bad request."})
    assert not check.is_valid({"success": False, "error": "Bad request.", "code": "40011001"})


def test_error_responses_are_reused_components(spec):
    expected = {
        "BadRequest", "Unauthorized", "NotFound", "OrderNotFound", "PayloadTooLarge",
        "UnsupportedMediaType", "UnprocessableEntity", "TooManyRequests", "ServerError",
    }
    assert expected <= set(spec["components"]["responses"])
    for operation_id, status, response in error_responses(spec):
        assert set(response) <= {"$ref", "description"}, (operation_id, status)
        assert response["$ref"].startswith("#/components/responses/")


@pytest.mark.parametrize("operation_id", sorted(DOCUMENTED_ERRORS))
def test_each_operation_documents_exactly_its_statuses(spec, operation_id):
    op = op_by_id(spec, operation_id)
    assert set(op["responses"]) == {SUCCESS_STATUS[operation_id], *DOCUMENTED_ERRORS[operation_id]}


@pytest.mark.parametrize("operation_id", sorted(DOCUMENTED_ERRORS))
def test_each_error_description_names_exactly_the_documented_codes(spec, operation_id):
    op = op_by_id(spec, operation_id)
    for status, codes in DOCUMENTED_ERRORS[operation_id].items():
        description = resolve(spec, op["responses"][status])["description"]
        assert {int(c) for c in CODE_RE.findall(description)} == codes, (status, description)


def test_error_code_prefix_equals_the_http_status(spec):
    """Biteship codes read HHH MM NNN with HHH the status; 40002057 is the one quirk."""
    checked = 0
    for operation_id, status, response in error_responses(spec):
        resolved = resolve(spec, response)
        codes = {int(c) for c in CODE_RE.findall(resolved["description"])}
        codes |= {
            example_value(spec, ex)["code"]
            for ex in resolved["content"]["application/json"].get("examples", {}).values()
        }
        assert codes, (operation_id, status)
        for code in codes:
            checked += 1
            if (code, status) in PREFIX_EXCEPTIONS:
                continue
            assert str(code)[:3] == status, (operation_id, status, code)
    assert checked > 40


def test_error_examples_are_valid_and_named_by_their_component(spec):
    for name, response in spec["components"]["responses"].items():
        media = response["content"]["application/json"]
        assert media.get("examples"), name
        named = {int(c) for c in CODE_RE.findall(response["description"])}
        check = validator(spec, media["schema"])
        for example in media["examples"].values():
            value = example_value(spec, example)
            check.validate(value)
            assert value["code"] in named, (name, value["code"])


def test_documented_messages_are_used_verbatim(spec):
    responses = spec["components"]["responses"]

    def messages(name):
        return {
            example_value(spec, ex)["code"]: example_value(spec, ex)["error"]
            for ex in responses[name]["content"]["application/json"]["examples"].values()
        }

    assert messages("BadRequest") == {40011001: "Bad request."}
    assert messages("OrderNotFound") == {40002057: "Order not found"}
    assert messages("Unauthorized")[40101001] == "Authorization failed"
    assert messages("NotFound")[40411007].endswith("' is not found.")
    unprocessable = messages("UnprocessableEntity")
    assert unprocessable[42211011] == "Cash on delivery amount cannot exceed Rp 15.000.000,-"
    assert unprocessable[42211006].endswith("' has been confirmed.")
    assert set(unprocessable) == {
        42211006, 42211008, 42211009, 42211010, 42211011, 42211012, 42211013, 42211015,
    }


# --------------------------------------------------------------- successes


def _created(spec):
    return example_value(spec, spec["components"]["examples"]["DraftOrderCreated"])


@pytest.mark.parametrize(
    ("operation_id", "code"),
    [
        ("create_draft_order", 20111002),
        ("retrieve_draft_order", 20011004),
        ("update_draft_order", 20011003),
    ],
)
def test_draft_responses_pin_their_success_code(spec, operation_id, code):
    check = response_validator(spec, operation_id, SUCCESS_STATUS[operation_id])
    body = _created(spec)
    for other in (20111002, 20011003, 20011004):
        body["code"] = other
        assert check.is_valid(body) is (other == code), other


def test_draft_order_lists_every_field_as_required(spec):
    schemas = spec["components"]["schemas"]
    for name in (
        "DraftOrder", "DraftOrderOrigin", "DraftOrderDestination", "DraftOrderCourier",
        "DraftOrderDelivery", "DraftOrderItem", "Insurance", "DraftOrderDeleted",
        "CourierPricing", "RatesLocation", "PricingEntry",
    ):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name
    destination = schemas["DraftOrderDestination"]["properties"]
    for block in ("proof_of_delivery", "cash_on_delivery"):
        assert set(destination[block]["required"]) == set(destination[block]["properties"])


def test_draft_items_have_currency_but_no_category_or_sku(spec):
    item = spec["components"]["schemas"]["DraftOrderItem"]["properties"]
    assert "currency" in item and "category" not in item and "sku" not in item
    order_item = spec["components"]["schemas"]["OrderItem"]["properties"]
    assert "category" in order_item and "sku" in order_item and "currency" not in order_item


def test_delete_answers_without_code(spec):
    check = response_validator(spec, "delete_draft_order", "200")
    body = {
        "success": True,
        "message": "Draft order successfully deleted",
        "object": "draft_order",
        "id": "ef18275c-02a9-4887-a56b-f374edb96ec4",
    }
    assert check.is_valid(body)
    assert "code" not in spec["components"]["schemas"]["DraftOrderDeleted"]["properties"]
    assert not check.is_valid({**body, "message": "Draft order deleted successfully"})


def test_rates_response_is_courier_pricing(spec):
    check = response_validator(spec, "retrieve_draft_order_rates", "200")
    body = example_value(spec, spec["components"]["examples"]["CourierPricing"])
    assert check.is_valid(body)
    assert not check.is_valid({**body, "code": 20001007})
    assert not check.is_valid({**body, "message": "Success"})


def test_confirm_and_order_retrieve_carry_their_own_message_and_no_code(spec):
    order = example_value(spec, spec["components"]["examples"]["OrderCreated"])
    confirm = response_validator(spec, "confirm_draft_order", "200")
    retrieve = response_validator(spec, "retrieve_order", "200")
    assert confirm.is_valid(order)
    assert not retrieve.is_valid(order)
    assert retrieve.is_valid({**order, "message": "Order successfully retrieved"})
    assert "code" not in spec["components"]["schemas"]["Order"]["properties"]


def test_order_schema_details(spec):
    check = schema_validator(spec, "Order")
    order = example_value(spec, spec["components"]["examples"]["OrderCreated"])
    assert check.is_valid(order)
    # delivery.datetime is local time without seconds, not RFC 3339.
    for bad in ("2024-09-19T04:07:00Z", "2024-09-19T11:07:00+07:00"):
        assert not check.is_valid({**order, "delivery": {**order["delivery"], "datetime": bad}})
    assert not check.is_valid({**order, "id": "ef18275c-02a9-4887-a56b-f374edb96ec4"})
    assert not check.is_valid({**order, "status": None})
    statuses = spec["components"]["schemas"]["Order"]["properties"]["status"]["enum"]
    assert len(statuses) == 15 and "in_transit" in statuses


def test_confirm_takes_no_request_body(spec):
    assert "requestBody" not in op_by_id(spec, "confirm_draft_order")


# ----------------------------------------------------------------- requests


def _without_courier(spec):
    return example_value(spec, spec["components"]["examples"]["DraftOrderCreateWithoutCourier"])


def test_create_body_is_required_json(spec):
    body = op_by_id(spec, "create_draft_order")["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == ["application/json"]
    assert set(body["content"]["application/json"]["examples"]) == {"without_courier", "with_courier"}


def test_create_requires_the_documented_fields(spec):
    schema = spec["components"]["schemas"]["DraftOrderCreate"]
    assert set(schema["required"]) == {
        "origin_contact_name", "origin_contact_phone", "origin_address",
        "destination_contact_name", "destination_contact_phone", "destination_address",
        "delivery_type", "items",
    }
    check = schema_validator(spec, "DraftOrderCreate")
    base = _without_courier(spec)
    assert check.is_valid(base)
    for field in schema["required"]:
        assert not check.is_valid({k: v for k, v in base.items() if k != field}), field
        if field != "items" and field != "delivery_type":
            assert not check.is_valid({**base, field: ""}), field
            assert not check.is_valid({**base, field: None}), field
    assert not check.is_valid({**base, "items": []})
    assert not check.is_valid({**base, "delivery_type": "later"})


@pytest.mark.parametrize("side", ["origin", "destination"])
def test_create_needs_a_location_on_each_side(spec, side):
    check = schema_validator(spec, "DraftOrderCreate")
    bare = {k: v for k, v in _without_courier(spec).items() if k != f"{side}_postal_code"}
    assert not check.is_valid(bare)
    assert check.is_valid({**bare, f"{side}_postal_code": "12440"})
    assert check.is_valid({**bare, f"{side}_coordinate": {"latitude": -6.2, "longitude": 106.8}})
    assert check.is_valid({**bare, f"{side}_area_id": "IDNP6IDNC148IDND836IDZ12430"})
    assert not check.is_valid({**bare, f"{side}_coordinate": {"latitude": -6.2}})
    assert not check.is_valid({**bare, f"{side}_coordinate": {"latitude": 91, "longitude": 0}})
    assert not check.is_valid({**bare, f"{side}_area_id": ""})


@pytest.mark.parametrize(
    ("value", "valid"),
    [(12440, True), ("12440", True), (9999, False), (100000, False), ("1244", False),
     ("12a40", False), (None, False), (12440.5, False)],
)
def test_postal_code_accepts_five_digit_numbers_and_strings(spec, value, valid):
    check = schema_validator(spec, "DraftOrderCreate")
    assert check.is_valid({**_without_courier(spec), "origin_postal_code": value}) is valid


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("destination_cash_on_delivery", 15_000_000, True),
        ("destination_cash_on_delivery", 15_000_001, False),
        ("destination_cash_on_delivery", None, True),
        ("destination_cash_on_delivery_type", "7_days", True),
        ("destination_cash_on_delivery_type", None, True),
        ("destination_cash_on_delivery_type", "10_days", False),
        ("origin_collection_method", "drop_off", True),
        ("origin_collection_method", "courier", False),
        ("delivery_date", "2024-09-19", True),
        ("delivery_date", "19-09-2024", False),
        ("delivery_date", "2024-02-30", False),
        ("delivery_time", "11:07", True),
        ("delivery_time", "23:59", True),
        ("delivery_time", "24:00", False),
        ("delivery_time", "11:07:00", False),
        ("courier_insurance", -1, False),
        ("reference_id", "x" * 255, True),
        ("reference_id", "x" * 256, False),
        ("tags", ["a", "b"], True),
        ("tags", [1], False),
        ("metadata", {"k": "v"}, True),
        ("metadata", None, True),
        ("destination_proof_of_delivery", "yes", False),
    ],
)
def test_create_field_constraints(spec, field, value, valid):
    check = schema_validator(spec, "DraftOrderCreate")
    assert check.is_valid({**_without_courier(spec), field: value}) is valid


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"quantity": 0}, False),
        ({"quantity": 1.5}, False),
        ({"value": -1}, False),
        ({"weight": -1}, False),
        ({"name": ""}, False),
        ({"category": "frozen_food"}, True),
        ({"category": ""}, True),
        ({"quantity": 1_000_001}, False),
        ({"category": None}, True),
        ({"category": "toys"}, False),
        ({"length": None, "width": None, "height": None}, True),
    ],
)
def test_item_constraints(spec, change, valid):
    check = schema_validator(spec, "DraftOrderItemInput")
    item = {**_without_courier(spec)["items"][0], **change}
    assert check.is_valid(item) is valid


def test_update_has_the_create_fields_none_required(spec):
    schemas = spec["components"]["schemas"]
    update, create = schemas["DraftOrderUpdate"], schemas["DraftOrderCreate"]
    assert update["properties"] == create["properties"]
    assert "required" not in update and "allOf" not in update and "anyOf" not in update
    check = schema_validator(spec, "DraftOrderUpdate")
    assert check.is_valid({})
    assert check.is_valid({"courier_company": "sicepat", "courier_type": "reg"})
    assert not check.is_valid({"origin_contact_name": None})
    assert not check.is_valid({"destination_address": ""})
    assert not check.is_valid({"items": []})
    body = op_by_id(spec, "update_draft_order")["requestBody"]
    assert body["required"] is True and list(body["content"]) == ["application/json"]


def test_create_accepts_area_ids_beyond_the_documented_fields(spec):
    props = spec["components"]["schemas"]["DraftOrderCreate"]["properties"]
    assert {"origin_area_id", "destination_area_id"} <= set(props)


# ----------------------------------------------------------------- examples


def _media_examples(spec):
    """(where, schema, value) for every example attached to a body or response."""
    for _, _, op in operations(spec):
        bodies = []
        if "requestBody" in op:
            bodies.append((f"{op['operationId']} request", resolve(spec, op["requestBody"])))
        for status, response in op["responses"].items():
            bodies.append((f"{op['operationId']} {status}", resolve(spec, response)))
        for where, body in bodies:
            for media in body.get("content", {}).values():
                for name, example in media.get("examples", {}).items():
                    yield f"{where} {name}", media["schema"], example_value(spec, example)


def test_every_example_validates_against_its_schema(spec):
    seen = 0
    for where, schema, value in _media_examples(spec):
        errors = sorted(validator(spec, schema).iter_errors(value), key=str)
        assert not errors, (where, [e.message for e in errors[:3]])
        seen += 1
    assert seen >= 20


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves_and_every_component_is_used(spec):
    refs = set(_refs(spec))
    for ref in refs:
        _pointer(spec, ref)
    for kind in ("schemas", "responses", "parameters", "examples"):
        for name in spec["components"][kind]:
            assert f"#/components/{kind}/{name}" in refs, (kind, name)


# -------------------------------------------------------------------- links


def test_create_links_to_every_draft_operation(spec):
    links = op_by_id(spec, "create_draft_order")["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "retrieve_draft_order", "retrieve_draft_order_rates", "update_draft_order",
        "delete_draft_order", "confirm_draft_order",
    }
    for link in links.values():
        assert link["parameters"] == {"id": "$response.body#/id"}


def test_confirm_links_to_order_retrieve(spec):
    links = op_by_id(spec, "confirm_draft_order")["responses"]["200"]["links"]
    assert [link["operationId"] for link in links.values()] == ["retrieve_order"]
    assert all(link["parameters"] == {"id": "$response.body#/id"} for link in links.values())


# -------------------------------------------------------------- schemathesis


def test_schemathesis_loads_every_operation():
    schema = schemathesis.openapi.from_path(str(SPEC_PATH))
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if CONTROL_TAG not in operation.definition.raw.get("tags", ()):
            found[(operation.method.lower(), operation.path)] = operation.definition.raw["operationId"]
    assert found == OPERATIONS


def test_schemathesis_builds_the_stateful_workflow_from_links():
    schema = schemathesis.openapi.from_path(str(SPEC_PATH))
    workflow = schema.as_state_machine()
    bundles = set(workflow.bundles)
    assert "POST /v1/draft_orders -> 201" in bundles
    assert "POST /v1/draft_orders/{id}/confirm -> 200" in bundles
