"""GET /v1/draft_orders/{id}/rates"""

from __future__ import annotations

from support import DESTINATION_COORDINATE, ORIGIN_COORDINATE, OTHER_KEY, PRICING_KEYS, assert_error

def test_rates_body_is_the_documented_courier_pricing(api):
    draft_id = api.create_draft_id()
    response = api.rates(draft_id)
    body = response.get_json()
    assert response.status_code == 200
    assert (body["success"], body["object"], body["code"]) == (True, "courier_pricing", 20001003)
    assert body["message"] == "Success to retrieve courier pricing"
    assert body["stops"] == []
    origin = body["origin"]
    assert origin["postal_code"] == 12440
    assert (origin["country_name"], origin["country_code"]) == ("Indonesia", "ID")
    assert origin["administrative_division_level_1_name"] == "DKI Jakarta"
    assert origin["administrative_division_level_2_name"] == "Jakarta Selatan"
    assert origin["administrative_division_level_4_type"] == "subdistrict"
    assert origin["address"] == "Plaza Senayan, Jalan Asia Afrika"
    assert (origin["latitude"], origin["longitude"]) == (None, None)
    for entry in body["pricing"]:
        assert set(entry) == PRICING_KEYS
        assert entry["company"] == entry["courier_code"]
        assert entry["type"] == entry["courier_service_code"]


def test_rates_carry_the_docs_example_prices(api):
    pricing = api.rates(api.create_draft_id()).get_json()["pricing"]
    prices = {(p["courier_code"], p["courier_service_code"]): p["price"] for p in pricing}
    assert prices[("sicepat", "reg")] == 11500
    assert prices[("anteraja", "reg")] == 10000
    assert prices[("sap", "reg")] == 8000
    assert prices[("ninja", "standard")] == 7777


def test_no_instant_courier_without_coordinates(api):
    pricing = api.rates(api.create_draft_id()).get_json()["pricing"]
    assert not [p for p in pricing if p["courier_code"] in {"gojek", "grab", "lalamove", "borzo", "paxel"}]


def test_instant_couriers_with_coordinates_on_both_sides(api):
    draft_id = api.create_draft_id(origin_coordinate=ORIGIN_COORDINATE, destination_coordinate=DESTINATION_COORDINATE)
    body = api.rates(draft_id).get_json()
    prices = {(p["courier_code"], p["courier_service_code"]): p["price"] for p in body["pricing"]}
    assert ("grab", "instant") in prices and ("gojek", "instant") in prices
    assert body["origin"]["latitude"] == ORIGIN_COORDINATE["latitude"]
    one_side = api.create_draft_id(origin_coordinate=ORIGIN_COORDINATE)
    assert ("grab", "instant") not in {
        (p["courier_code"], p["courier_service_code"]) for p in api.rates(one_side).get_json()["pricing"]
    }


def test_rates_of_a_confirmed_draft(api):
    draft_id = api.ready_draft_id()
    api.confirm(draft_id)
    assert_error(api.rates(draft_id), 422, 42211006, f"Draft order with 'id={draft_id}' has been confirmed.")


def test_rates_of_an_unknown_or_foreign_draft(api):
    draft_id = api.create_draft_id()
    assert_error(api.as_key(OTHER_KEY).rates(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
    assert_error(api.rates("nope"), 404, 40411007, "Draft order with 'id=nope' is not found.")
