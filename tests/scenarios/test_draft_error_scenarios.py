"""Each documented draft error, forced through each of the three mechanisms, compared
with the docs (https://biteship.com/en/docs/api/draft_orders/error): HTTP status,
code and the message with its placeholders filled from the real request."""

from __future__ import annotations

import itertools

import pytest
from support import KEY, assert_error, draft_payload

#: scenario -> (code, HTTP status, the operations it is documented for)
DRAFT_ERRORS = {
    "bad-request": (40011001, 400, ["create_draft_order", "update_draft_order", "retrieve_draft_order_rates", "confirm_draft_order"]),
    "draft-not-found": (40411007, 404, ["retrieve_draft_order", "retrieve_draft_order_rates", "update_draft_order", "delete_draft_order", "confirm_draft_order"]),
    "draft-confirmed": (42211006, 422, ["update_draft_order", "delete_draft_order", "retrieve_draft_order_rates"]),
    "draft-not-ready": (42211008, 422, ["confirm_draft_order"]),
    "invoice-paid": (42211009, 422, ["create_draft_order", "update_draft_order"]),
    "cod-type-invalid": (42211010, 422, ["create_draft_order", "update_draft_order"]),
    "cod-amount-exceeded": (42211011, 422, ["create_draft_order", "update_draft_order"]),
    "cod-unavailable": (42211012, 422, ["create_draft_order", "update_draft_order"]),
    "postal-code-not-registered": (42211013, 422, ["create_draft_order", "update_draft_order"]),
    "reference-id-taken": (42211015, 422, ["create_draft_order"]),
}  # fmt: skip

#: What the request sends, so the message placeholders come from it.
SENT = {
    "cod-type-invalid": {"destination_cash_on_delivery": 100000, "destination_cash_on_delivery_type": "5_days"},
    "cod-unavailable": {"courier_company": "jne", "courier_type": "reg"},
    "postal-code-not-registered": {"destination_postal_code": 12950},
}

_refs = itertools.count(1)


def expected_message(name: str, draft: dict | None, sent: dict) -> str:
    draft_id = draft["id"] if draft else None
    return {
        "bad-request": "Bad request.",
        "draft-not-found": f"Draft order with 'id={draft_id}' is not found.",
        "draft-confirmed": f"Draft order with 'id={draft_id}' has been confirmed.",
        "draft-not-ready": f"Draft order with 'id={draft_id}' is not ready to be confirmed for it is on placed status.",
        # On create there is no invoice yet: the docs' example number; on update the draft's own.
        "invoice-paid": f"Invoice with 'number={draft['invoice_id'] if draft else '1209839012839012'}' has been paid.",
        "cod-type-invalid": "'5_days' is not a valid cash on delivery type.",
        "cod-amount-exceeded": "Cash on delivery amount cannot exceed Rp 15.000.000,-",
        "cod-unavailable": "Cash on delivery for 'jne' is not available for this account.",
        "postal-code-not-registered": "Postal code '12950' is not registered.",
        "reference-id-taken": f"Reference ID '{sent.get('reference_id')}' is already taken.",
    }[name]


def perform(api, operation: str, draft_id: str | None, body: dict, headers: dict):
    c, h = api.client, {"authorization": KEY, **headers}
    if operation == "create_draft_order":
        return c.post("/v1/draft_orders", json=draft_payload(**body), headers=h)
    if operation == "update_draft_order":
        return c.post(f"/v1/draft_orders/{draft_id}", json={"order_note": "x", **body}, headers=h)
    if operation == "confirm_draft_order":
        return c.post(f"/v1/draft_orders/{draft_id}/confirm", headers=h)
    if operation == "delete_draft_order":
        return c.delete(f"/v1/draft_orders/{draft_id}", headers=h)
    suffix = "/rates" if operation == "retrieve_draft_order_rates" else ""
    return c.get(f"/v1/draft_orders/{draft_id}{suffix}", headers=h)


CASES = [(name, op) for name, (_, _, ops) in DRAFT_ERRORS.items() for op in ops]


def _ready_draft(api, **extra) -> dict:
    response = api.create_draft(courier_company="sicepat", courier_type="reg", **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _unchanged(sandbox, draft: dict | None, operation: str) -> None:
    """A forced error leaves the stored draft as it was (nothing ran). Read from the
    store: a sticky draft-not-found answers 404 to the public retrieve too."""
    if draft is not None:
        after = sandbox.store.get("draft_orders", draft["id"])
        assert after["deleted_at"] is None
        assert after["status"] == draft["status"] and after["updated_at"] == draft["updated_at"]
        if operation == "confirm_draft_order":
            assert after["order_id"] is None


@pytest.mark.parametrize(("name", "operation"), CASES)
def test_header(api, sandbox, name, operation):
    code, status, _ = DRAFT_ERRORS[name]
    sent = {**SENT.get(name, {}), **({"reference_id": "shop-77"} if operation == "create_draft_order" else {})}
    draft = None if operation == "create_draft_order" else _ready_draft(api)
    response = perform(api, operation, draft and draft["id"], sent, {"X-Sandbox-Scenario": name})
    assert_error(response, status, code, expected_message(name, draft, sent))
    _unchanged(sandbox, draft, operation)
    # One request only: the same call without the header goes through.
    assert perform(api, operation, draft and draft["id"], sent if operation != "create_draft_order" else {}, {}).status_code < 300


@pytest.mark.parametrize(("name", "operation"), CASES)
def test_armed(api, sandbox, name, operation, conforms):
    code, status, _ = DRAFT_ERRORS[name]
    sent = {**SENT.get(name, {}), **({"reference_id": "shop-88"} if operation == "create_draft_order" else {})}
    draft = None if operation == "create_draft_order" else _ready_draft(api)
    armed = conforms(api.post(f"/_sandbox/scenarios/{name}/arm", {"count": 2, "operation": operation}), "arm_scenario")
    assert armed == {"success": True, "armed": {"name": name, "count": 2, "operation": operation}}
    for _ in range(2):
        response = perform(api, operation, draft and draft["id"], sent, {})
        assert_error(response, status, code, expected_message(name, draft, sent))
    _unchanged(sandbox, draft, operation)
    assert perform(api, operation, draft and draft["id"], sent if operation != "create_draft_order" else {}, {}).status_code < 300


# A sticky reference reaches later calls only through a draft created with it: a scenario
# that also fails create (bad-request on rates or confirm) cannot be stored that way, so
# those pairs are not reference cases (the header and arming cover them).
REFERENCE_CASES = [
    (name, operation)
    for name, operation in CASES
    if operation in ("create_draft_order", "update_draft_order") or "create_draft_order" not in DRAFT_ERRORS[name][2]
]


@pytest.mark.parametrize(("name", "operation"), REFERENCE_CASES)
def test_reference_id(api, sandbox, name, operation):
    code, status, _ = DRAFT_ERRORS[name]
    reference = f"scenario:{name}:{next(_refs)}"
    if operation == "create_draft_order":
        sent = {**SENT.get(name, {}), "reference_id": reference}
        response = perform(api, operation, None, sent, {})
        assert_error(response, status, code, expected_message(name, None, sent))
        return
    if operation == "update_draft_order":
        # The update's own body carries the magic reference.
        draft = _ready_draft(api)
        sent = {**SENT.get(name, {}), "reference_id": reference}
        response = perform(api, operation, draft["id"], sent, {})
        assert_error(response, status, code, expected_message(name, draft, sent))
        _unchanged(sandbox, draft, operation)
        return
    # Sticky: the draft was created with the reference; every later call on it gets the scenario.
    draft = _ready_draft(api, reference_id=reference)
    assert draft["reference_id"] == reference  # stored and echoed as sent
    for _ in range(2):
        response = perform(api, operation, draft["id"], {}, {})
        assert_error(response, status, code, expected_message(name, draft, {}))
    _unchanged(sandbox, draft, operation)


def test_sticky_scenario_ends_when_the_reference_changes(api):
    draft = _ready_draft(api, reference_id="scenario:draft-not-ready:x")
    assert api.confirm(draft["id"]).status_code == 422
    # draft-not-ready does not act on update, so the update goes through and drops the reference.
    assert api.update_draft(draft["id"], reference_id="shop-1").status_code == 200
    assert api.confirm(draft["id"]).status_code == 200


def test_placeholders_fall_back_to_the_stored_draft(api):
    draft = api.create_draft(
        courier_company="sicepat", courier_type="reg", destination_cash_on_delivery=50000,
        destination_cash_on_delivery_type="3_days",
    ).get_json()  # fmt: skip
    headers = {"authorization": KEY}
    for name, message in [
        ("cod-unavailable", "Cash on delivery for 'sicepat' is not available for this account."),
        ("cod-type-invalid", "'3_days' is not a valid cash on delivery type."),
        ("postal-code-not-registered", "Postal code '12950' is not registered."),
    ]:
        response = api.client.post(
            f"/v1/draft_orders/{draft['id']}", json={"order_note": "x"}, headers={**headers, "X-Sandbox-Scenario": name}
        )
        assert_error(response, 422, DRAFT_ERRORS[name][0], message)


def test_placeholders_fall_back_to_the_docs_examples(api):
    response = api.client.post(
        "/v1/draft_orders", json=draft_payload(), headers={"authorization": KEY, "X-Sandbox-Scenario": "cod-type-invalid"}
    )
    assert_error(response, 422, 42211010, "'10_days' is not a valid cash on delivery type.")
    response = api.client.post(
        "/v1/draft_orders", json=draft_payload(), headers={"authorization": KEY, "X-Sandbox-Scenario": "cod-unavailable"}
    )
    assert_error(response, 422, 42211012, "Cash on delivery for 'sicepat' is not available for this account.")
