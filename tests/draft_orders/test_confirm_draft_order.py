"""POST /v1/draft_orders/{id}/confirm"""

from __future__ import annotations

import re

import pytest
from support import OTHER_KEY, assert_error

HEX24 = re.compile(r"^[0-9a-f]{24}$")


def test_confirm_creates_the_order(api):
    draft = api.create_draft(courier_company="sicepat", courier_type="reg", reference_id="shop-7").get_json()
    response = api.confirm(draft["id"])
    order = response.get_json()
    assert response.status_code == 200
    assert (order["success"], order["object"], order["message"]) == (True, "order", "Order successfully created")
    assert "code" not in order
    assert HEX24.match(order["id"]) and order["id"] != draft["id"]
    assert order["draft_order_id"] == draft["id"]
    assert order["reference_id"] == "shop-7"
    assert order["status"] == "confirmed"
    assert order["price"] == draft["price"] == 11500
    courier = order["courier"]
    assert (courier["company"], courier["type"]) == ("sicepat", "reg")
    assert HEX24.match(courier["tracking_id"])
    assert courier["waybill_id"]
    assert courier["link"] == f"https://track.biteship.com?waybill_id={courier['waybill_id']}"
    assert order["origin"]["contact_name"] == "Amir"
    assert order["destination"]["postal_code"] == 12950
    assert order["items"][0]["category"] == "fashion"
    assert order["note"] == "Please be careful"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d\+07:00$", order["delivery"]["datetime"])


def test_confirm_moves_the_draft_to_confirmed(api):
    draft_id = api.ready_draft_id()
    order = api.confirm(draft_id).get_json()
    draft = api.retrieve_draft(draft_id).get_json()
    assert (draft["status"], draft["order_id"]) == ("confirmed", order["id"])
    assert draft["confirmed_at"] is not None


def test_confirm_a_placed_draft(api):
    draft_id = api.create_draft_id()
    assert_error(
        api.confirm(draft_id),
        422,
        42211008,
        f"Draft order with 'id={draft_id}' is not ready to be confirmed for it is on placed status.",
    )


def test_confirm_twice(api):
    draft_id = api.ready_draft_id()
    api.confirm(draft_id)
    assert_error(
        api.confirm(draft_id),
        422,
        42211008,
        f"Draft order with 'id={draft_id}' is not ready to be confirmed for it is on confirmed status.",
    )


@pytest.mark.parametrize("body", [{}, []])
def test_confirm_ignores_a_body(api, body):
    # laravel-biteship posts [], others {} or nothing.
    assert api.post(f"/v1/draft_orders/{api.ready_draft_id()}/confirm", body).status_code == 200


def test_confirm_unknown_or_foreign(api):
    draft_id = api.ready_draft_id()
    assert_error(api.as_key(OTHER_KEY).confirm(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
    assert api.retrieve_draft(draft_id).get_json()["status"] == "ready"


def test_cash_on_delivery_reaches_the_order(api):
    draft_id = api.ready_draft_id(destination_cash_on_delivery=250000)
    cod = api.confirm(draft_id).get_json()["destination"]["cash_on_delivery"]
    assert cod["amount"] == 250000
    assert cod["type"] == "7_days"  # Biteship's default when none is sent
    assert cod["fee"] > 0
    assert (cod["payment_status"], cod["payment_method"]) == ("pending", "cash")
