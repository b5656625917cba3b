"""POST /_sandbox/orders/{id}/status: Biteship's order statuses as a declared table."""

from __future__ import annotations

import pytest
from support import DESTINATION_COORDINATE, ORIGIN_COORDINATE, OTHER_KEY, assert_error

from sandbox.control.service import ORDER_TRANSITIONS, STATUS_NOTES
from sandbox.scenarios import ORDER_STATUSES

WALK = ["allocated", "picking_up", "picked", "in_transit", "dropping_off", "delivered"]


@pytest.fixture
def order_id(api):
    draft_id = api.ready_draft_id()
    return api.confirm(draft_id).get_json()["id"]


def move(api, order_id, status):
    return api.post(f"/_sandbox/orders/{order_id}/status", {"status": status})


def test_walk_to_delivered_appends_history_and_is_read_back(api, order_id, conforms):
    for status in WALK:
        body = conforms(move(api, order_id, status), "force_order_status")
        assert body["status"] == status
        assert body["message"] == "Order successfully retrieved"
    order = api.retrieve_order(order_id).get_json()
    assert order["status"] == "delivered"
    history = order["courier"]["history"]
    assert [h["status"] for h in history] == ["confirmed", *WALK]
    assert [h["note"] for h in history] == [STATUS_NOTES[s] for s in ["confirmed", *WALK]]
    assert all(h["service_type"] == "reg" for h in history)


def test_scheduled_path(api, order_id):
    for status in ["scheduled", "allocated", "picking_up"]:
        assert move(api, order_id, status).status_code == 200


def test_allocated_fills_the_driver_from_the_seeded_fakes(api, order_id, app):
    before = api.retrieve_order(order_id).get_json()["courier"]
    assert before["driver_name"] is None  # sicepat/reg is not instant: no driver at confirm
    courier = move(api, order_id, "allocated").get_json()["courier"]
    assert courier["driver_name"] and courier["driver_phone"].startswith("08")
    assert courier["driver_plate_number"]
    # Same seed, same key, same requests: the same driver.
    from sandbox import create_app
    from support import Api

    again = Api(create_app({"DB": ":memory:", "SEED": 1}).test_client())
    other_order = again.confirm(again.ready_draft_id()).get_json()["id"]
    assert other_order == order_id
    assert move(again, other_order, "allocated").get_json()["courier"]["driver_name"] == courier["driver_name"]


def test_allocated_keeps_an_instant_couriers_driver(api):
    draft_id = api.ready_draft_id(
        "gojek", "instant", origin_coordinate=ORIGIN_COORDINATE, destination_coordinate=DESTINATION_COORDINATE
    )
    order = api.confirm(draft_id).get_json()
    assert order["courier"]["driver_name"]
    courier = move(api, order["id"], "allocated").get_json()["courier"]
    assert courier["driver_name"] == order["courier"]["driver_name"]


def test_instant_couriers_skip_in_transit(api):
    draft_id = api.ready_draft_id(
        "gojek", "instant", origin_coordinate=ORIGIN_COORDINATE, destination_coordinate=DESTINATION_COORDINATE
    )
    order_id = api.confirm(draft_id).get_json()["id"]
    for status in ["allocated", "picking_up", "picked"]:
        assert move(api, order_id, status).status_code == 200
    refused = assert_error(
        move(api, order_id, "in_transit"), 422, 42299203,
        f"Order with 'id={order_id}' cannot move from 'picked' to 'in_transit'.",
    )  # fmt: skip
    assert refused["details"] == {"allowed": ["dropping_off", "on_hold", "return_in_transit"]}
    assert move(api, order_id, "dropping_off").status_code == 200
    assert move(api, order_id, "delivered").get_json()["status"] == "delivered"


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ([], "delivered"),
        ([], "picked"),
        ([], "confirmed"),
        (["allocated", "picking_up", "picked"], "cancelled"),
        (WALK, "cancelled"),
        (WALK, "on_hold"),
        (["cancelled"], "allocated"),
        (["allocated", "picking_up", "picked", "return_in_transit", "returned"], "in_transit"),
    ],
)
def test_illegal_moves_are_refused_with_the_legal_ones(api, order_id, conforms, path, to):
    for status in path:
        assert move(api, order_id, status).status_code == 200
    current = path[-1] if path else "confirmed"
    body = assert_error(
        move(api, order_id, to), 422, 42299203, f"Order with 'id={order_id}' cannot move from '{current}' to '{to}'."
    )
    assert body["details"] == {"allowed": list(ORDER_TRANSITIONS[current])}
    conforms(move(api, order_id, to), "force_order_status")
    assert api.retrieve_order(order_id).get_json()["status"] == current


@pytest.mark.parametrize("before", ["confirmed", "scheduled", "allocated", "picking_up"])
def test_cancel_is_allowed_only_before_pickup(api, order_id, before):
    path = {"confirmed": [], "scheduled": ["scheduled"], "allocated": ["allocated"],
            "picking_up": ["allocated", "picking_up"]}[before]  # fmt: skip
    for status in path:
        move(api, order_id, status)
    assert move(api, order_id, "cancelled").get_json()["status"] == "cancelled"


def test_on_hold_resumes_to_the_status_it_interrupted(api, order_id):
    for status in ["allocated", "picking_up", "picked", "in_transit", "on_hold"]:
        assert move(api, order_id, status).status_code == 200
    body = assert_error(
        move(api, order_id, "dropping_off"), 422, 42299203,
        f"Order with 'id={order_id}' cannot move from 'on_hold' to 'dropping_off'.",
    )  # fmt: skip
    assert body["details"] == {"allowed": ["in_transit", "return_in_transit", "disposed"]}
    assert move(api, order_id, "in_transit").status_code == 200
    assert move(api, order_id, "dropping_off").status_code == 200


def test_return_path_and_disposal(api, order_id):
    for status in ["allocated", "picking_up", "picked", "in_transit", "return_in_transit", "returned"]:
        assert move(api, order_id, status).status_code == 200
    other = api.confirm(api.ready_draft_id()).get_json()["id"]
    for status in ["allocated", "picking_up", "picked", "on_hold", "disposed"]:
        assert move(api, other, status).status_code == 200


def test_every_status_in_the_table_is_an_order_status():
    assert set(ORDER_TRANSITIONS) == set(ORDER_STATUSES) == set(STATUS_NOTES)
    for moves in ORDER_TRANSITIONS.values():
        assert set(moves) <= set(ORDER_STATUSES)


def test_unknown_status_is_a_bad_request(api, order_id, conforms):
    body = assert_error(move(api, order_id, "teleported"), 400, 40011001, "Bad request.")
    assert "status" in body["details"]
    conforms(move(api, order_id, "teleported"), "force_order_status")
    assert_error(api.post(f"/_sandbox/orders/{order_id}/status", {}), 400, 40011001, "Bad request.")


def test_other_keys_and_unknown_orders_are_not_found(api, order_id, conforms):
    response = api.as_key(OTHER_KEY).post(f"/_sandbox/orders/{order_id}/status", {"status": "allocated"})
    assert_error(response, 404, 40002057, "Order not found")
    conforms(response, "force_order_status")
    assert_error(move(api, "0" * 24, "allocated"), 404, 40002057, "Order not found")


def test_needs_a_key(client, order_id, conforms):
    response = client.post(f"/_sandbox/orders/{order_id}/status", json={"status": "allocated"})
    assert_error(response, 401, 40101001, "Authorization failed")
    conforms(response, "force_order_status")


def test_history_is_stamped_by_the_keys_clock(api, order_id):
    api.post("/_sandbox/clock", {"freeze": True, "set": "2025-01-02T03:04:05.678Z"})
    history = move(api, order_id, "allocated").get_json()["courier"]["history"]
    # Order history is local time with its offset, like the orders pages' examples.
    assert history[-1]["updated_at"] == "2025-01-02T10:04:05+07:00"
