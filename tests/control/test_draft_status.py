"""POST /_sandbox/draft_orders/{id}/status: force placed / ready / confirmed, consistently."""

from __future__ import annotations

import pytest
from support import OTHER_KEY, assert_error


def force(api, draft_id, status):
    return api.post(f"/_sandbox/draft_orders/{draft_id}/status", {"status": status})


def test_ready_picks_the_first_courier_the_rates_offer(api, conforms):
    draft_id = api.create_draft_id()
    first = api.rates(draft_id).get_json()["pricing"][0]
    body = conforms(force(api, draft_id, "ready"), "force_draft_order_status")
    assert body["code"] == 20011004
    assert body["status"] == "ready" and body["ready_at"] is not None
    assert (body["courier"]["company"], body["courier"]["type"]) == (first["company"], first["type"])
    assert body["price"] == first["price"]
    assert api.retrieve_draft(draft_id).get_json() == body


def test_ready_with_cash_on_delivery_picks_a_cod_courier(api):
    draft_id = api.create_draft_id(destination_cash_on_delivery=100000, destination_cash_on_delivery_type="7_days")
    cod = [p for p in api.rates(draft_id).get_json()["pricing"] if p["available_for_cash_on_delivery"]]
    body = force(api, draft_id, "ready").get_json()
    assert (body["courier"]["company"], body["courier"]["type"]) == (cod[0]["company"], cod[0]["type"])


def test_placed_clears_the_courier(api, conforms):
    draft_id = api.ready_draft_id()
    body = conforms(force(api, draft_id, "placed"), "force_draft_order_status")
    assert body["status"] == "placed"
    assert body["courier"]["company"] is None and body["courier"]["type"] is None
    assert body["price"] == 0
    assert body["placed_at"] is not None


@pytest.mark.parametrize("start", ["placed", "ready"])
def test_confirmed_creates_its_order(api, conforms, start):
    draft_id = api.create_draft_id() if start == "placed" else api.ready_draft_id()
    body = conforms(force(api, draft_id, "confirmed"), "force_draft_order_status")
    assert body["status"] == "confirmed"
    assert body["confirmed_at"] is not None and body["order_id"]
    order = api.retrieve_order(body["order_id"]).get_json()
    assert order["draft_order_id"] == draft_id
    assert order["status"] == "confirmed"
    assert order["price"] == body["price"] > 0
    assert (order["courier"]["company"], order["courier"]["type"]) == (body["courier"]["company"], body["courier"]["type"])
    # The public API agrees: a confirmed draft cannot be confirmed or deleted again.
    assert api.confirm(draft_id).get_json()["code"] == 42211008
    assert api.delete_draft(draft_id).get_json()["code"] == 42211006


@pytest.mark.parametrize("status", ["placed", "ready", "confirmed"])
def test_forcing_the_current_status_changes_nothing(api, status):
    draft_id = api.create_draft_id()
    force(api, draft_id, status)
    before = api.retrieve_draft(draft_id).get_json()
    assert force(api, draft_id, status).get_json() == before


@pytest.mark.parametrize("to", ["placed", "ready"])
def test_a_confirmed_draft_cannot_go_back(api, conforms, to):
    draft_id = api.ready_draft_id()
    api.confirm(draft_id)
    response = force(api, draft_id, to)
    body = assert_error(
        response, 422, 42299204, f"Draft order with 'id={draft_id}' cannot be forced from 'confirmed' to '{to}'."
    )
    assert body["details"] == "A confirmed draft has its order; it cannot go back."
    conforms(response, "force_draft_order_status")


def test_ready_is_refused_when_no_courier_is_offered(api):
    draft_id = api.create_draft_id(reference_id="scenario:rates-empty:1")
    body = assert_error(
        force(api, draft_id, "ready"), 422, 42299204,
        f"Draft order with 'id={draft_id}' cannot be forced from 'placed' to 'ready'.",
    )  # fmt: skip
    assert body["details"] == "No courier is offered for this draft's route."


def test_ready_prices_through_the_drafts_sticky_scenario(api):
    draft_id = api.create_draft_id(reference_id="scenario:rates-fixed-price:1")
    assert force(api, draft_id, "ready").get_json()["price"] == 10000


def test_bad_bodies(api, conforms):
    draft_id = api.create_draft_id()
    for body in ({"status": "deleted"}, {}, {"status": 3}):
        response = api.post(f"/_sandbox/draft_orders/{draft_id}/status", body)
        assert_error(response, 400, 40011001, "Bad request.")
        conforms(response, "force_draft_order_status")


def test_other_keys_drafts_and_deleted_drafts_are_not_found(api, conforms):
    draft_id = api.create_draft_id()
    response = api.as_key(OTHER_KEY).post(f"/_sandbox/draft_orders/{draft_id}/status", {"status": "ready"})
    assert_error(response, 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
    conforms(response, "force_draft_order_status")
    api.delete_draft(draft_id)
    assert_error(force(api, draft_id, "ready"), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
