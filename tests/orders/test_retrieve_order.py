"""GET /v1/orders/{id}"""

from __future__ import annotations

from support import OTHER_KEY, assert_error


def test_retrieve_the_confirmed_order(api):
    created = api.confirm(api.ready_draft_id()).get_json()
    response = api.retrieve_order(created["id"])
    body = response.get_json()
    assert response.status_code == 200
    assert body["message"] == "Order successfully retrieved"
    assert {**body, "message": created["message"]} == created


def test_order_not_found(api):
    # Biteship's order codes all start with 400, "not found" included; answered 404.
    assert_error(api.retrieve_order("66eba364e2e5a64816928197"), 404, 40002057, "Order not found")


def test_another_key_never_sees_the_order(api):
    order_id = api.confirm(api.ready_draft_id()).get_json()["id"]
    assert_error(api.as_key(OTHER_KEY).retrieve_order(order_id), 404, 40002057, "Order not found")
