"""POST /v1/draft_orders"""

from __future__ import annotations

import pytest
from support import DESTINATION_COORDINATE, ORIGIN_COORDINATE, OTHER_KEY, assert_error, draft_payload

REQUIRED = [
    "origin_contact_name", "origin_contact_phone", "origin_address",
    "destination_contact_name", "destination_contact_phone", "destination_address",
    "delivery_type", "items",
]  # fmt: skip


def test_create_without_courier_is_placed(api):
    response = api.create_draft()
    body = response.get_json()
    assert response.status_code == 201
    assert body["success"] is True
    assert body["code"] == 20111002
    assert body["object"] == "draft_order"
    assert body["status"] == "placed"
    assert body["placed_at"] == body["created_at"]
    assert body["ready_at"] is None and body["confirmed_at"] is None and body["deleted_at"] is None
    assert body["order_id"] is None
    assert body["courier"]["company"] is None and body["courier"]["type"] is None
    assert body["price"] == 0


def test_create_with_courier_is_ready_and_priced_like_the_docs(api):
    body = api.create_draft(courier_company="sicepat", courier_type="reg").get_json()
    assert body["status"] == "ready"
    # The docs' created example: ready_at set, placed_at null (a draft made with a courier skips placed).
    assert body["ready_at"] == body["created_at"]
    assert body["placed_at"] is None
    assert (body["courier"]["company"], body["courier"]["type"]) == ("sicepat", "reg")
    assert body["price"] == 11500  # sicepat/reg in the docs' rates example


def test_create_resolves_areas_from_postal_codes(api):
    body = api.create_draft().get_json()
    origin = body["origin"]
    assert origin["province_name"] == "DKI Jakarta"
    assert origin["city_name"] == "Jakarta Selatan"
    assert origin["postal_code"] == 12440
    assert origin["area_id"].startswith("IDNP6IDNC148IDND") and origin["area_id"].endswith("IDZ12440")
    assert origin["collection_method"] == "pickup"
    assert body["destination"]["postal_code"] == 12950
    assert body["delivery"]["distance"] > 0
    assert body["delivery"]["distance_unit"] == "kilometer"


def test_create_echoes_what_was_sent(api):
    sent = draft_payload(tags=["a", "b"], metadata={"order": 7}, reference_id="shop-1", origin_note=None)
    body = api.post("/v1/draft_orders", sent).get_json()
    assert body["origin"]["contact_name"] == "Amir"
    assert body["origin"]["note"] is None
    assert body["destination"]["contact_email"] == "john@example.com"
    assert body["destination"]["note"] == "Near the gas station"
    assert body["tags"] == ["a", "b"]
    assert body["metadata"] == {"order": 7}
    assert body["reference_id"] == "shop-1"
    assert body["currency"] == "IDR" and body["tax_lines"] == [] and body["extra"] == []
    # Draft items carry currency but not category/sku (retrieve example).
    assert body["items"] == [
        {
            "name": "Black L", "description": "White Shirt", "value": 165000, "currency": "IDR",
            "quantity": 1, "height": 10, "width": 10, "length": 10, "weight": 200,
        }
    ]  # fmt: skip


def test_create_generates_ids(api):
    body = api.create_draft().get_json()
    assert len(body["id"]) == 36 and body["id"][14] == "4"  # UUID v4
    assert len(body["invoice_id"]) == 16 and body["invoice_id"].isdigit()
    assert len(body["user_id"]) == 24
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == len("2024-09-19T03:40:22.810Z")


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field_is_bad_request(api, field):
    body = assert_error(api.create_draft(**{field: ...}), 400, 40011001, "Bad request.")
    assert field in body["details"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("origin_postal_code", "abc"),
        ("origin_postal_code", 123),
        ("origin_postal_code", True),
        ("delivery_type", "later"),
        ("origin_contact_name", ""),
        ("origin_contact_name", 12),
        ("items", []),
        ("items", [{"name": "x", "value": "1", "quantity": 1, "weight": 1}]),
        ("items", [{"name": "x", "value": 1, "quantity": 1.5, "weight": 1}]),
        ("items", [{"name": "x", "value": 1, "quantity": True, "weight": 1}]),
        ("items", [{"name": "x", "value": 1, "quantity": 1, "weight": -1}]),
        ("items", [{"name": "x", "value": 1, "quantity": 1, "weight": 1, "category": "toys"}]),
        ("destination_proof_of_delivery", 1),
        ("origin_coordinate", {"latitude": 91, "longitude": 0}),
        ("origin_coordinate", {"latitude": "1", "longitude": 0}),
        ("tags", "a,b"),
        ("metadata", [1]),
        ("courier_insurance", "1,000"),
        ("courier_insurance", True),
        ("delivery_date", "2024-02-30"),
        ("delivery_date", "0724-04-20"),
        ("delivery_time", "24:00"),
        ("origin_collection_method", "courier"),
    ],
)
def test_wrong_type_or_value_is_bad_request(api, field, value):
    body = assert_error(api.create_draft(**{field: value}), 400, 40011001, "Bad request.")
    assert field in body["details"]


def test_postal_code_as_string_is_accepted(api):
    body = api.create_draft(origin_postal_code="12440").get_json()
    assert body["origin"]["postal_code"] == 12440


def test_a_side_without_any_location_is_bad_request(api):
    body = assert_error(api.create_draft(destination_postal_code=...), 400, 40011001, "Bad request.")
    assert "destination_postal_code" in body["details"]


def test_money_fields_take_numeric_strings(api):
    # laravel-biteship sends courier_insurance as a string; Biteship's docs say number.
    body = api.create_draft(courier_insurance="1000000", destination_cash_on_delivery="250000").get_json()
    assert body["courier"]["insurance"]["amount"] == 1_000_000
    assert body["destination"]["cash_on_delivery"]["amount"] == 250_000


def test_unknown_fields_are_ignored(api):
    assert api.create_draft(surprise="yes").status_code == 201


def test_unregistered_postal_code(api):
    assert_error(api.create_draft(origin_postal_code=10000), 422, 42211013, "Postal code '10000' is not registered.")


def test_area_id_input_with_idnz_spelling(api):
    body = api.create_draft(origin_postal_code=..., origin_area_id="IDNP6IDNC148IDND843IDNZ12250").get_json()
    assert body["origin"]["area_id"] == "IDNP6IDNC148IDND843IDZ12250"
    assert (body["origin"]["district_name"], body["origin"]["postal_code"]) == ("Pesanggrahan", 12250)


def test_unknown_area_id_is_bad_request(api):
    body = assert_error(
        api.create_draft(origin_postal_code=..., origin_area_id="IDNP1IDNC1IDND1IDZ00000"), 400, 40011001, "Bad request."
    )
    assert "origin_area_id" in body["details"]


def test_coordinate_only_resolves_to_the_nearest_area(api):
    body = api.create_draft(origin_postal_code=..., origin_coordinate=ORIGIN_COORDINATE).get_json()
    assert body["origin"]["coordinate"] == ORIGIN_COORDINATE
    assert body["origin"]["province_name"] == "DKI Jakarta"
    assert body["origin"]["area_id"].startswith("IDNP6")


def test_instant_courier_needs_coordinates(api):
    body = assert_error(api.create_draft(courier_company="grab", courier_type="instant"), 400, 40011001, "Bad request.")
    assert "courier_type" in body["details"]
    ok = api.create_draft(
        courier_company="grab",
        courier_type="instant",
        origin_coordinate=ORIGIN_COORDINATE,
        destination_coordinate=DESTINATION_COORDINATE,
    )
    assert ok.status_code == 201 and ok.get_json()["status"] == "ready"


@pytest.mark.parametrize("fields", [{"courier_company": "sicepat"}, {"courier_type": "reg"}])
def test_half_a_courier_pair_is_bad_request(api, fields):
    body = assert_error(api.create_draft(**fields), 400, 40011001, "Bad request.")
    assert "courier_type" in body["details"]


def test_courier_pair_not_in_the_rates_is_bad_request(api):
    assert_error(api.create_draft(courier_company="sicepat", courier_type="nope"), 400, 40011001, "Bad request.")


def test_invalid_cash_on_delivery_type(api):
    assert_error(
        api.create_draft(destination_cash_on_delivery=100000, destination_cash_on_delivery_type="10_days"),
        422,
        42211010,
        "'10_days' is not a valid cash on delivery type.",
    )


def test_cash_on_delivery_over_the_limit(api):
    assert_error(
        api.create_draft(destination_cash_on_delivery=15_000_001, destination_cash_on_delivery_type="7_days"),
        422,
        42211011,
        "Cash on delivery amount cannot exceed Rp 15.000.000,-",
    )
    assert api.create_draft(destination_cash_on_delivery=15_000_000).status_code == 201


def test_cash_on_delivery_with_a_courier_without_cod(api):
    assert_error(
        api.create_draft(destination_cash_on_delivery=100000, courier_company="ninja", courier_type="standard"),
        422,
        42211012,
        "Cash on delivery for 'ninja' is not available for this account.",
    )
    ok = api.create_draft(destination_cash_on_delivery=100000, courier_company="sicepat", courier_type="reg").get_json()
    assert ok["destination"]["cash_on_delivery"]["amount"] == 100000
    assert ok["price"] > 11500  # the COD fee is part of the price


def test_reference_id_is_unique_per_key(api):
    assert api.create_draft(reference_id="order-42").status_code == 201
    assert_error(api.create_draft(reference_id="order-42"), 422, 42211015, "Reference ID 'order-42' is already taken.")
    assert api.as_key(OTHER_KEY).create_draft(reference_id="order-42").status_code == 201


@pytest.mark.parametrize("reference_id", ["", None])
def test_empty_reference_id_reserves_nothing(api, reference_id):
    assert api.create_draft(reference_id=reference_id).status_code == 201
    body = api.create_draft(reference_id=reference_id).get_json()
    assert body["reference_id"] == reference_id


def test_proof_of_delivery_needs_a_note_on_create(api):
    body = assert_error(api.create_draft(destination_proof_of_delivery=True), 400, 40011001, "Bad request.")
    assert "destination_proof_of_delivery_note" in body["details"]
    ok = api.create_draft(
        destination_proof_of_delivery=True,
        destination_proof_of_delivery_note="Photo of the receiver",
        courier_company="jne",
        courier_type="ctc",  # a service with proof of delivery
    ).get_json()
    pod = ok["destination"]["proof_of_delivery"]
    assert pod["use"] is True and pod["note"] == "Photo of the receiver"
    assert pod["fee"] > 0 and pod["fee_currency"] == "IDR"
    without_pod = api.create_draft(courier_company="jne", courier_type="ctc").get_json()
    assert without_pod["destination"]["proof_of_delivery"]["fee"] == 0
    assert ok["price"] == without_pod["price"] + pod["fee"]


def test_scheduled_delivery_needs_date_and_time(api):
    body = assert_error(api.create_draft(delivery_type="scheduled"), 400, 40011001, "Bad request.")
    assert "delivery_date" in body["details"]


def test_scheduled_delivery_datetime_is_jakarta_time_in_utc(api):
    body = api.create_draft(delivery_type="scheduled", delivery_date="2024-09-19", delivery_time="11:07").get_json()
    assert body["delivery"] == {
        "type": "scheduled",
        "datetime": "2024-09-19T04:07:00.000Z",
        "note": None,
        "distance": body["delivery"]["distance"],
        "distance_unit": "kilometer",
    }


def test_insurance_is_echoed_with_its_fee(api):
    body = api.create_draft(courier_insurance=1_000_000, courier_company="sicepat", courier_type="reg").get_json()
    insurance = body["courier"]["insurance"]
    assert insurance["amount"] == 1_000_000
    assert insurance["fee"] > 0
    assert body["price"] == 11500 + insurance["fee"]
